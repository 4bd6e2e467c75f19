/*
 * run.c - zp-sanitize's stream: every page envelope through the rules,
 * failing closed.
 *
 *   a page no endpoint allows   dropped, counted, logged by its path only
 *                               (--allow-unmatched passes it, loudly)
 *   a non-2xx page              passed without its body (RULES-SPEC 0.3)
 *   a 2xx page                  body parsed, responseSchema filter, then
 *                               the transforms in order (RULES-SPEC 0.4),
 *                               written compact with numbers as they came
 *   an event or unknown kind    dropped unless --allow-unmatched: no rule
 *                               says what in it is an identity
 *   a body that does not parse  dropped with an error line
 *
 * Each envelope out gains "sanitized": the SHA-256 of the rules and a
 * fingerprint of the salt (a hash of it, never the salt).  Member ids in
 * the path (/users/{userId}/...) are pseudonymized like the ids in the
 * bodies, so that no identity travels in the clear beside them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "crypto.h"
#include "envelope.h"
#include "error.h"
#include "json.h"
#include "log.h"
#include "pool.h"
#include "tool.h"
#include "url.h"

/* The fixed string Psoxy hashes with the salt for its salt header. */
#define SALT_TAG "f33c366c-ae91-4819-b221-f9794ebb8145"

/* The stream's state and tallies. */
struct run {
	const struct sanitize_options *o;
	const struct sanitize_rules *rules;
	const struct zp_pseudo *pseudo;
	struct sanitize_pool *pool;
	struct zp_stage st;
	struct zp_buf msg, path, tmp, added;
	struct zp_env_field field;
	unsigned long pages, sanitized, unmatched, dropped, passed;
	int idle_rc; /* the first failure of idle */
};

/* --- the "sanitized" field and the path ------------------------------ */

/* salt_fingerprint writes b64url(SHA-256(SALT_TAG + salt)) into out. */
static int
salt_fingerprint(const struct sanitize_secrets *s, struct zp_buf *out)
{
	unsigned char d[32];
	struct zp_buf in = ZP_BUF_INIT;
	int rc = zp_buf_puts(&in, SALT_TAG);

	if (rc == 0)
		rc = zp_buf_append(&in, s->salt.data, s->salt.len);
	if (rc == 0)
		rc = zp_sha256(in.data, in.len, d);
	if (in.data != NULL)
		zp_crypto_wipe(in.data, in.cap);
	zp_buf_release(&in);
	if (rc == 0)
		rc = zp_base64url_encode(out, d, sizeof(d));
	return rc;
}

/* make_added builds the "sanitized" field every envelope out carries. */
static int
make_added(struct run *r, const struct sanitize_secrets *s)
{
	struct zp_buf fp = ZP_BUF_INIT;
	int rc = salt_fingerprint(s, &fp);

	if (rc == 0)
		rc = zp_buf_printf(&r->added,
		    "{\"rules_sha256\":\"%s\",\"salt_fingerprint\":\"%s\"}",
		    r->rules->sha256, fp.data);
	zp_buf_release(&fp);
	r->field.key.p = "sanitized";
	r->field.key.n = strlen("sanitized");
	r->field.value.p = r->added.data;
	r->field.value.n = r->added.len;
	return rc;
}

/* pseudo_segment appends the pseudonym of the percent-encoded path
 * segment seg[0..n) to out. */
static int
pseudo_segment(struct run *r, const char *seg, size_t n, struct zp_buf *out)
{
	int rc;

	zp_buf_reset(&r->tmp);
	if ((rc = zp_url_decode(&r->tmp, seg, n)) != 0)
		return rc;
	if (r->tmp.len == 0 || strncmp(r->tmp.data, "t~", 2) == 0 ||
	    strncmp(r->tmp.data, "p~", 2) == 0 ||
	    strcmp(r->tmp.data, "me") == 0)
		return zp_buf_append(out, seg, n);
	return zp_pseudo_value(r->pseudo, r->tmp.data, r->tmp.len, 0,
	    ZP_PSEUDO_URL_SAFE_TOKEN, 0, out);
}

/* safe_path writes into r->path the envelope's path with the segment
 * after each "/users/" (a member's id or e-mail) pseudonymized. */
static int
safe_path(struct run *r, const char *path)
{
	const char *p = path, *hit, *end;
	int rc = 0;

	zp_buf_reset(&r->path);
	while (rc == 0 && (hit = strstr(p, "/users/")) != NULL) {
		hit += strlen("/users/");
		end = hit + strcspn(hit, "/?");
		rc = zp_buf_append(&r->path, p, (size_t)(hit - p));
		if (rc == 0)
			rc = pseudo_segment(
			    r, hit, (size_t)(end - hit), &r->path);
		p = end;
	}
	if (rc == 0)
		rc = zp_buf_puts(&r->path, p);
	return rc;
}

/* --- one envelope ---------------------------------------------------- */

/* written is the pool's callback: write a finished envelope, or log and
 * count a page a worker could not sanitize. */
static int
written(void *arg, const struct sanitize_done *d)
{
	struct run *r = arg;

	if (d->msg != NULL)
		return zp_stage_write(&r->st, d->msg, d->len);
	zp_error("%s: dropped page %s: %s", d->where, d->path, d->why);
	r->dropped++;
	r->sanitized--;
	return 0;
}

/* pass writes msg in its turn, after the pages before it. */
static int
pass(struct run *r, const char *msg, size_t n)
{
	return sanitize_pool_submit(
	    r->pool, msg, n, NULL, 0, NULL, NULL, NULL, written, r);
}

/* emit writes the current envelope with the sanitized field, the safe
 * path and body (NULL: none). */
static int
emit(struct run *r, const struct zp_slice *body)
{
	static const struct zp_slice none = {NULL, 0};
	struct zp_envelope *e = &r->st.env;
	int rc;

	if (e->path != NULL) {
		if ((rc = safe_path(r, e->path)) != 0)
			return rc;
		e->path = r->path.data;
	}
	zp_buf_reset(&r->msg);
	rc = zp_env_write(&r->msg, e, &r->field, 1, body ? body : &none);
	if (rc == 0)
		rc = pass(r, r->msg.data, r->msg.len);
	return rc;
}

/* drop logs why the current envelope is not passed on. */
static void
drop(struct run *r, const char *why)
{
	const struct zp_envelope *e = &r->st.env;

	zp_error("%s: dropped %s %s: %s", zp_in_where(r->st.in),
	    e->kind != NULL ? e->kind : "envelope",
	    e->path != NULL ? e->path : "(no path)", why);
	r->dropped++;
}

/*
 * sanitize_body hands the body of a 2xx page to the workers, with the
 * envelope written up to its "body": key.  zp_env_write puts the body
 * last, so the envelope with a one-byte stand-in body, less that byte and
 * the closing brace, is the head.
 */
static int
sanitize_body(struct run *r, const struct sanitize_endpoint *ep)
{
	static const struct zp_slice stand_in = {"0", 1};
	struct zp_envelope *e = &r->st.env;
	int rc;

	if (ep == NULL) { /* allowAllEndpoints, with --allow-unmatched */
		zp_warn("--allow-unmatched: passing %s UNSANITIZED", e->path);
		r->passed++;
		return pass(r, e->raw.p, e->raw.n);
	}
	if (e->body.p == NULL) {
		r->sanitized++;
		return emit(r, NULL);
	}
	if ((rc = safe_path(r, e->path)) != 0)
		return rc;
	e->path = r->path.data;
	zp_buf_reset(&r->msg);
	if ((rc = zp_env_write(&r->msg, e, &r->field, 1, &stand_in)) != 0)
		return rc;
	r->sanitized++;
	return sanitize_pool_submit(r->pool, r->msg.data, r->msg.len - 2,
	    e->body.p, e->body.n, ep, e->path, zp_in_where(r->st.in), written,
	    r);
}

/* unmatched handles a page that no endpoint allows. */
static int
unmatched(struct run *r)
{
	r->unmatched++;
	if (!r->o->allow_unmatched) {
		drop(r, "no endpoint of the rules allows it");
		return 0;
	}
	zp_warn("--allow-unmatched: passing %s UNSANITIZED",
	    r->st.env.path ? r->st.env.path : "(no path)");
	r->passed++;
	return pass(r, r->st.env.raw.p, r->st.env.raw.n);
}

/* page handles one page envelope. */
static int
page(struct run *r)
{
	struct zp_envelope *e = &r->st.env;
	struct sanitize_match m;
	int rc;

	r->pages++;
	if (e->path == NULL) {
		drop(r, "a page without a path");
		return 0;
	}
	rc = sanitize_rules_match(
	    r->rules, e->method ? e->method : "GET", e->path, &m);
	if (rc == ZP_ENOTFOUND)
		return unmatched(r);
	if (rc != 0)
		return rc;
	if (m.count > 1)
		zp_debug("%s: %zu endpoints match; the first applies", e->path,
		    m.count);
	if (e->status >= 0 && (e->status < 200 || e->status > 299)) {
		r->sanitized++;
		return emit(r, NULL); /* RULES-SPEC 0.3: no body */
	}
	if (m.endpoint == NULL && !r->o->allow_unmatched) {
		drop(r, "allowAllEndpoints would pass it unsanitized");
		return 0;
	}
	return sanitize_body(r, m.endpoint);
}

/* one handles the current envelope by its kind. */
static int
one(struct run *r)
{
	struct zp_envelope *e = &r->st.env;

	if (zp_env_is(e, "page"))
		return page(r);
	if (r->o->allow_unmatched) {
		zp_warn("--allow-unmatched: passing a %s envelope unsanitized",
		    e->kind);
		r->passed++;
		return pass(r, e->raw.p, e->raw.n);
	}
	drop(r, "only page envelopes can be sanitized by REST rules");
	return 0;
}

/* --- the loop -------------------------------------------------------- */

/*
 * idle is the input's hook before it waits for data: the pages read so
 * far are sanitized and written and the output flushed, so that
 * downstream sees them while upstream pauses.  A failure waits in
 * r->idle_rc for the loop.
 */
static void
idle(void *arg)
{
	struct run *r = arg;
	int rc = sanitize_pool_flush(r->pool, written, r);

	if (rc != 0 && r->idle_rc == 0)
		r->idle_rc = rc < 0 ? rc : ZP_EIO;
	zp_out_flush(r->st.out);
}

/* setup opens the stage and starts the workers. */
static int
setup(struct run *r, const struct sanitize_secrets *s)
{
	struct zp_buf why = ZP_BUF_INIT;
	int rc;

	if ((rc = make_added(r, s)) != 0)
		return rc;
	rc = sanitize_pool_new(
	    &r->pool, sanitize_pool_threads(), r->rules, r->pseudo, &why);
	if (rc != 0) {
		zp_error("%s", why.len ? why.data : zp_strerror(rc));
		zp_buf_release(&why);
		return ZP_ECONFIG;
	}
	rc = zp_stage_open(&r->st, &r->o->stage, &why);
	if (rc != 0)
		zp_error("%s", why.len ? why.data : zp_strerror(rc));
	else /* in place of the stage's own hook, which only flushes */
		zp_in_on_idle(r->st.in, idle, r);
	zp_buf_release(&why);
	return rc;
}

/* teardown frees what setup built. */
static void
teardown(struct run *r)
{
	sanitize_pool_free(&r->pool);
	zp_stage_close(&r->st);
	zp_buf_release(&r->msg);
	zp_buf_release(&r->path);
	zp_buf_release(&r->tmp);
	zp_buf_release(&r->added);
}

/* sanitize_run sanitizes the stream and returns the exit status. */
int
sanitize_run(const struct sanitize_options *o,
    const struct sanitize_rules *rules, const struct zp_pseudo *p,
    const struct sanitize_secrets *s)
{
	struct run r;
	int rc, frc, status;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.rules = rules;
	r.pseudo = p;
	if ((rc = setup(&r, s)) != 0) {
		teardown(&r);
		return zp_exit_code(rc);
	}
	if (o->allow_unmatched)
		zp_warn("--allow-unmatched: pages no rule allows pass "
			"UNSANITIZED; never use this in production");
	while ((rc = zp_stage_next(&r.st)) == 1)
		if ((rc = one(&r)) != 0 || (rc = r.idle_rc) != 0)
			break;
	if (rc == 0)
		rc = r.idle_rc;
	if ((frc = sanitize_pool_drain(r.pool, written, &r)) != 0 && rc == 0)
		rc = frc < 0 ? frc : ZP_EIO;
	if (zp_stage_finish(&r.st) != 0 && rc == 0)
		rc = ZP_EIO;
	if (rc < 0 && rc != ZP_EINTR) /* e.g. "downstream closed" */
		zp_error("%s", zp_strerror(rc));
	zp_info("done: %lu pages, %lu sanitized, %lu dropped (%lu allowed by "
		"no rule), %lu passed unsanitized, %lu bad envelopes",
	    r.pages, r.sanitized, r.dropped, r.unmatched, r.passed, r.st.nbad);
	status = zp_stage_exit_code(&r.st, rc);
	if (status == 0 && r.dropped > 0)
		status = ZP_EXIT_REJECTED;
	teardown(&r);
	return status;
}
