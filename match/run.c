/*
 * run.c - zp-match's stream.
 *
 * A users page first feeds the Zoom user directory (id, e-mails, PMI,
 * employee id), so that later pages resolve those ids.  Then every
 * identity in the page (fields.c's table) is resolved, in this order:
 *
 *   an override                      via "override"
 *   a Zoom user id -> its e-mails    via "user_email" (or its employee id:
 *                                    "user_employee_id")
 *   an e-mail, canonicalized         via "email"
 *   a PMI -> its user -> as above    via "pmi"
 *   an employee id                   via "employee_id"
 *   a display name (--match-names)   via "name", low confidence
 *   another identity of the record   via "same_record" (a participant's
 *                                    user id beside an unknown e-mail)
 *
 * and the envelope passes on with "identities": {VALUE: {"person": ID or
 * null, "via": ..., "internal": true|false}}.  Other envelopes pass
 * untouched.  At the end: match rates overall and per endpoint on
 * stderr, and the unmatched identities by frequency in --unmatched FILE.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "envelope.h"
#include "error.h"
#include "splitmix.h"
#include "fields.h"
#include "file.h"
#include "json.h"
#include "keys.h"
#include "log.h"
#include "tool.h"

#define MAX_ENDPOINTS 64

/* Tallies of one endpoint. */
struct tally {
	char endpoint[96];
	unsigned long seen, matched;
};

/* An unmatched identity and how often it came. */
struct miss {
	char *value;
	enum match_kind kind;
	int internal;
	unsigned long count;
};

/* One value of the page: it borrows the page's DOM. */
struct seen_slot {
	const char *s;
	size_t n;
	unsigned long page; /* the page it was seen on: older is empty */
};

/* The values a page has written, an open-addressing set kept from page
 * to page (a slot of an older page counts as empty). */
struct seen {
	struct seen_slot *slots;
	size_t cap; /* zero or a power of two, at most half full */
	size_t n;
	unsigned long page;
};

/* The run. */
struct run {
	const struct match_options *o;
	struct match_index *x;
	struct match_extra *extra;
	struct zp_stage st;
	struct zp_arena arena;
	struct zp_json_parser parser;
	struct zp_buf msg, ids, user, tmp;
	struct zp_env_field field;
	struct tally tally[MAX_ENDPOINTS];
	size_t n_tally;
	struct miss *miss;
	size_t n_miss, cap_miss;
	struct zp_keys *missed; /* "kind\tvalue" -> index in miss */
	struct seen seen; /* the values of the current page */
	unsigned long pages;
};

/* One resolution. */
struct result {
	const char *person;
	const char *via;
	int internal;
};

/* --- resolving ------------------------------------------------------- */

/* internal_domain tells whether the e-mail v's domain is one of
 * --internal-domains (comma-separated, case ignored). */
static int
internal_domain(const struct run *r, const char *v, size_t n)
{
	const char *at = memchr(v, '@', n), *p = r->o->internal, *end;
	size_t dn, len;

	if (at == NULL || p == NULL)
		return 0;
	dn = n - (size_t)(at + 1 - v);
	while (*p != '\0') {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len == dn && strncasecmp(p, at + 1, dn) == 0)
			return 1;
		p += len + (end != NULL);
	}
	return 0;
}

/* by_user resolves a Zoom user id through the directory. */
static void
by_user(struct run *r, const char *v, size_t n, struct result *res)
{
	const struct match_person *p = NULL;
	const struct match_user *u = NULL;
	enum match_via via;
	int rc = match_index_user(r->x, v, n, &u);

	if (rc == 0)
		res->internal = 1; /* a member of the account */
	if (match_index_user_found(r->x, rc, u, &p, &via) == 0 && p != NULL) {
		res->person = p->id;
		res->via = via == MATCH_VIA_EMPLOYEE_ID ? "user_employee_id"
							: "user_email";
		res->internal = 1;
	}
}

/* by_pmi resolves a PMI through its user. */
static void
by_pmi(struct run *r, const char *v, size_t n, struct result *res)
{
	const struct match_user *u = NULL;

	if (match_index_pmi(r->x, v, n, &u) != 0 || u == NULL)
		return;
	res->internal = 1;
	by_user(r, u->id, strlen(u->id), res);
	if (res->person != NULL)
		res->via = "pmi";
}

/* resolve finds the person of one identity of kind k. */
static void
resolve(struct run *r, enum match_kind k, const char *v, size_t n,
    struct result *res)
{
	const struct match_person *p = NULL;
	const char *who;

	memset(res, 0, sizeof(*res));
	res->via = "none";
	if (match_extra_override(r->extra, v, n, &who)) {
		res->person = who;
		res->via = who != NULL ? "override" : "ignored";
		res->internal = who != NULL;
		return;
	}
	if (k == MATCH_USER_ID)
		by_user(r, v, n, res);
	else if (k == MATCH_PMI)
		by_pmi(r, v, n, res);
	else if (k == MATCH_EMAIL || k == MATCH_EMPLOYEE_ID) {
		int rc = k == MATCH_EMAIL
		    ? match_index_email(r->x, v, n, &p)
		    : match_index_employee(r->x, v, n, &p);

		if (rc == 0 && p != NULL) {
			res->person = p->id;
			res->via = k == MATCH_EMAIL ? "email" : "employee_id";
		} else if (rc == MATCH_CONFLICT) {
			res->via = "conflict"; /* two persons: neither wins */
		}
	} else if (k == MATCH_NAME && r->o->match_names &&
	    (who = match_extra_name(r->extra, v, n)) != NULL) {
		res->person = who;
		res->via = "name (low confidence)";
	}
	if (res->person != NULL ||
	    (k == MATCH_EMAIL && internal_domain(r, v, n)))
		res->internal = 1;
}

/* sibling resolves an identity left unresolved through the other
 * identities of the same record (a participant's user id beside an
 * e-mail the roster does not list): they name one person. */
static void
sibling(struct run *r, const struct match_field *f, const struct zp_json *item,
    struct result *res)
{
	const struct match_field *t;
	const struct zp_json *v;
	struct result other;
	size_t n, i;

	t = match_fields(&n);
	for (i = 0; i < n && res->person == NULL; i++) {
		if (&t[i] == f || strcmp(t[i].endpoint, f->endpoint) != 0 ||
		    t[i].kind == MATCH_NAME ||
		    (t[i].array == NULL) != (f->array == NULL) ||
		    (t[i].array != NULL && strcmp(t[i].array, f->array) != 0))
			continue;
		v = zp_json_get(item, t[i].key);
		if (v == NULL || v->n == 0 ||
		    (v->type != ZP_JSON_STRING && v->type != ZP_JSON_NUMBER))
			continue;
		resolve(r, t[i].kind, v->u.s, v->n, &other);
		if (other.person != NULL &&
		    strcmp(other.via, "override") != 0) {
			res->person = other.person;
			res->via = "same_record";
			res->internal = 1;
		}
	}
}

/* --- the report ------------------------------------------------------ */

/* tally_of finds (or makes) the tally of endpoint e. */
static struct tally *
tally_of(struct run *r, const char *e)
{
	size_t i;

	for (i = 0; i < r->n_tally; i++)
		if (strcmp(r->tally[i].endpoint, e) == 0)
			return &r->tally[i];
	if (r->n_tally == MAX_ENDPOINTS)
		return &r->tally[MAX_ENDPOINTS - 1];
	snprintf(r->tally[r->n_tally].endpoint, sizeof(r->tally[0].endpoint),
	    "%s", e);
	return &r->tally[r->n_tally++];
}

/* note_miss counts one unmatched identity. */
static void
note_miss(
    struct run *r, enum match_kind k, const char *v, size_t n, int internal)
{
	char kind[2] = {(char)('0' + (int)k), '\t'}; /* k < MATCH_NKINDS */
	struct miss *m;
	long i;

	zp_buf_reset(&r->tmp);
	if (zp_buf_append(&r->tmp, kind, 2) != 0 ||
	    zp_buf_append(&r->tmp, v, n) != 0)
		return;
	if ((i = zp_keys_get(r->missed, r->tmp.data)) >= 0) {
		r->miss[i].count++;
		return;
	}
	if (r->n_miss == r->cap_miss) {
		r->cap_miss = r->cap_miss ? r->cap_miss * 2 : 256;
		m = realloc(r->miss, r->cap_miss * sizeof(*m));
		if (m == NULL)
			return;
		r->miss = m;
	}
	m = &r->miss[r->n_miss];
	if ((m->value = strndup(v, n)) == NULL ||
	    zp_keys_put(r->missed, r->tmp.data, (long)r->n_miss) != 0) {
		free(m->value);
		return;
	}
	m->kind = k;
	m->internal = internal;
	m->count = 1;
	r->n_miss++;
}

/* by_count orders misses by frequency, then value. */
static int
by_count(const void *a, const void *b)
{
	const struct miss *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->value, y->value);
}

/* write_unmatched writes the unmatched identities, most frequent first. */
static int
write_unmatched(struct run *r, const char *path)
{
	struct zp_buf b = ZP_BUF_INIT;
	size_t i;
	int rc = zp_buf_puts(&b, "count\tkind\tinternal\tidentity\n");

	if (r->n_miss > 1)
		qsort(r->miss, r->n_miss, sizeof(*r->miss), by_count);
	for (i = 0; rc == 0 && i < r->n_miss; i++)
		rc = zp_buf_printf(&b, "%lu\t%s\t%s\t%s\n", r->miss[i].count,
		    match_kind_name(r->miss[i].kind),
		    r->miss[i].internal ? "internal" : "external",
		    r->miss[i].value);
	if (rc == 0)
		rc = zp_file_write_atomic(path, b.data, b.len, 0600, NULL);
	zp_buf_release(&b);
	return rc;
}

/* report prints the match rates. */
static void
report(const struct run *r)
{
	unsigned long seen = 0, matched = 0;
	size_t i;

	for (i = 0; i < r->n_tally; i++) {
		seen += r->tally[i].seen;
		matched += r->tally[i].matched;
	}
	zp_info("matched %lu of %lu identities (%.1f%%) in %lu pages", matched,
	    seen, seen ? 100.0 * matched / seen : 0.0, r->pages);
	for (i = 0; i < r->n_tally; i++)
		zp_info("  %s: %lu of %lu (%.1f%%)", r->tally[i].endpoint,
		    r->tally[i].matched, r->tally[i].seen,
		    r->tally[i].seen
			? 100.0 * r->tally[i].matched / r->tally[i].seen
			: 0.0);
}

/* --- one page -------------------------------------------------------- */

/* A page being annotated. */
struct page {
	struct run *r;
	const char *at; /* the envelope's time, or NULL */
	struct tally *t;
	struct zp_buf *out; /* the "identities" object being written */
	size_t written; /* identities in it */
	const struct zp_json *day_of; /* the item the index's day is of */
	int day_dir; /* ... and whether it was a directory item */
	int err;
};

/* seen_slot_of returns the slot of v[0..n) in set s (cap > 0): the one
 * holding it, or the empty one where it goes. */
static struct seen_slot *
seen_slot_of(struct seen *s, const char *v, size_t n, size_t h)
{
	size_t i = h & (s->cap - 1);
	struct seen_slot *sl;

	for (;; i = (i + 1) & (s->cap - 1)) {
		sl = &s->slots[i];
		if (sl->page != s->page ||
		    (sl->n == n && memcmp(sl->s, v, n) == 0))
			return sl;
	}
}

/* seen_grow doubles s (or makes its first slots), keeping the current
 * page's values; 0 or ZP_ENOMEM. */
static int
seen_grow(struct seen *s)
{
	struct seen big = {NULL, s->cap ? s->cap * 2 : 256, s->n, s->page};
	size_t i;

	if ((big.slots = calloc(big.cap, sizeof(*big.slots))) == NULL)
		return ZP_ENOMEM;
	for (i = 0; i < s->cap; i++)
		if (s->slots[i].page == s->page)
			*seen_slot_of(&big, s->slots[i].s, s->slots[i].n,
			    (size_t)zp_hash_bytes(
				s->slots[i].s, s->slots[i].n)) = s->slots[i];
	free(s->slots);
	*s = big;
	return 0;
}

/* already tells whether value v was written for this page, and marks it
 * (1 also when out of memory: the value is then left out). */
static int
already(struct page *pg, const char *v, size_t n)
{
	struct seen *s = &pg->r->seen;
	struct seen_slot *sl;

	if ((s->n + 1) * 2 > s->cap && seen_grow(s) != 0)
		return 1;
	sl = seen_slot_of(s, v, n, (size_t)zp_hash_bytes(v, n));
	if (sl->page == s->page)
		return 1;
	sl->s = v;
	sl->n = n;
	sl->page = s->page;
	s->n++;
	return 0;
}

/*
 * set_day makes the index resolve as of the record's day: a
 * participant's join_time, a meeting's start_time, else the envelope's
 * time (for a member of the directory, always that), so that roster
 * records resolve within their validity windows.  The day of the item
 * of the last call is kept.
 */
static void
set_day(
    struct page *pg, const struct match_field *f, const struct zp_json *item)
{
	static const char *const keys[] = {"join_time", "start_time", NULL};
	const struct zp_json *v;
	size_t i;

	if (item == pg->day_of && f->directory == pg->day_dir)
		return;
	pg->day_of = item;
	pg->day_dir = f->directory;
	for (i = 0; !f->directory && keys[i] != NULL; i++) {
		v = zp_json_get(item, keys[i]);
		if (v != NULL && v->type == ZP_JSON_STRING && v->n >= 10) {
			/* As "%.10s" would: a NUL within stops the day. */
			match_index_set_day_n(pg->r->x, v->u.s,
			    memchr(v->u.s, '\0', 10) == NULL ? 10 : 0);
			return;
		}
	}
	match_index_set_day(pg->r->x, pg->at);
}

/* put appends s[0..n) to the page's identities (unterminated: annotate
 * ends them), noting a failure. */
static inline void
put(struct page *pg, const char *s, size_t n)
{
	struct zp_buf *b = pg->out;

	if (b->cap - b->len <= n &&
	    (pg->err != 0 || zp_buf_reserve(b, n) != 0)) {
		pg->err = ZP_ENOMEM;
		return;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
}

/* PUT_LIT appends the string literal s. */
#define PUT_LIT(pg, s) put((pg), (s), sizeof(s) - 1)

/* put_string appends the JSON string of value v (a DOM string or
 * number, without NUL): as is when its bytes need no escaping. */
static void
put_string(struct page *pg, const struct zp_json *v)
{
	if (v->plain || v->type == ZP_JSON_NUMBER) {
		PUT_LIT(pg, "\"");
		put(pg, v->u.s, v->n);
		PUT_LIT(pg, "\"");
	} else if (pg->err == 0 &&
	    zp_json_write_string(pg->out, v->u.s, v->n) != 0) {
		pg->err = ZP_ENOMEM;
	}
}

/*
 * put_identity appends "VALUE":{"person":...,"via":...,"internal":...}
 * to the page's identities, as zp_jw would write it.  The via strings
 * are this file's own and need no escaping.
 */
static void
put_identity(
    struct page *pg, const struct zp_json *v, const struct result *res)
{
	if (pg->written++ > 0)
		PUT_LIT(pg, ",");
	put_string(pg, v);
	PUT_LIT(pg, ":{\"person\":");
	if (res->person == NULL)
		PUT_LIT(pg, "null");
	else if (pg->err == 0 &&
	    zp_json_write_string(pg->out, res->person, strlen(res->person)) !=
		0)
		pg->err = ZP_ENOMEM;
	PUT_LIT(pg, ",\"via\":\"");
	put(pg, res->via, strlen(res->via));
	if (res->internal)
		PUT_LIT(pg, "\",\"internal\":true}");
	else
		PUT_LIT(pg, "\",\"internal\":false}");
}

/* one_identity resolves and writes one identity of a page. */
static int
one_identity(void *arg, const struct match_field *f,
    const struct zp_json *item, const struct zp_json *value)
{
	struct page *pg = arg;
	struct result res;

	/* A NUL comes only from an escape: not in a plain string. */
	if ((f->kind == MATCH_NAME && !pg->r->o->match_names) ||
	    (!value->plain && memchr(value->u.s, '\0', value->n) != NULL) ||
	    already(pg, value->u.s, value->n))
		return 0;
	set_day(pg, f, item);
	resolve(pg->r, f->kind, value->u.s, value->n, &res);
	if (res.person == NULL && strcmp(res.via, "ignored") != 0)
		sibling(pg->r, f, item, &res);
	if (f->directory)
		res.internal = 1; /* a member of the account, known or not */
	pg->t->seen++;
	if (res.person != NULL)
		pg->t->matched++;
	else if (strcmp(res.via, "ignored") != 0)
		note_miss(pg->r, f->kind, value->u.s, value->n, res.internal);
	put_identity(pg, value, &res);
	return 0;
}

/* --- users pages ----------------------------------------------------- */

/* directory_entry writes the directory line of one user into r->user. */
static int
directory_entry(struct run *r, struct match_str id, struct match_str email,
    struct match_str pmi, struct match_str emp)
{
	struct zp_jw w;

	zp_buf_reset(&r->user);
	zp_jw_init(&w, &r->user);
	zp_jw_object(&w);
	zp_jw_key(&w, "id");
	zp_jw_strn(&w, id.s, id.n);
	zp_jw_key(&w, "emails");
	zp_jw_array(&w);
	if (email.n > 0)
		zp_jw_strn(&w, email.s, email.n);
	zp_jw_end(&w);
	if (pmi.n > 0) {
		zp_jw_key(&w, "pmi");
		zp_jw_strn(&w, pmi.s, pmi.n);
	}
	if (emp.n > 0) {
		zp_jw_key(&w, "employee_id");
		zp_jw_strn(&w, emp.s, emp.n);
	}
	zp_jw_end(&w);
	return zp_jw_finish(&w);
}

/* add_users records the members of a users page in the directory. */
static void
add_users(struct run *r, const struct zp_json *body)
{
	const struct zp_json *users = zp_json_get(body, "users"), *u;
	struct match_str id, email, pmi, emp;
	size_t i;

	if (users == NULL || users->type != ZP_JSON_ARRAY)
		return;
	for (i = 0; i < users->n; i++) {
		u = &users->u.items[i];
		if (u->type != ZP_JSON_OBJECT ||
		    (id = match_json_str(u, "id")).n == 0)
			continue;
		email = match_json_str(u, "email");
		pmi = match_json_str(u, "pmi");
		emp = match_json_str(u, "employee_unique_id");
		if (match_index_add_user(r->x, id, email.n ? &email : NULL,
			email.n ? 1 : 0, pmi, emp) != 0)
			continue;
		if (r->o->directory != NULL &&
		    directory_entry(r, id, email, pmi, emp) == 0)
			match_extra_user(r->extra, r->user.data, r->user.len);
	}
}

/* --- the envelope ---------------------------------------------------- */

/* annotate writes the current page with its identities. */
static int
annotate(struct run *r)
{
	struct zp_envelope *e = &r->st.env;
	struct zp_json *body = NULL;
	struct page pg;
	int rc;

	zp_arena_reset(&r->arena);
	if (zp_env_body_dom(e, &r->parser, &body) != 0 || body == NULL ||
	    e->endpoint == NULL)
		return zp_stage_forward(&r->st);
	r->pages++;
	if (e->status >= 200 && e->status < 300 &&
	    strcmp(e->endpoint + strcspn(e->endpoint + 1, "/") + 1,
		"/users") == 0)
		add_users(r, body);
	memset(&pg, 0, sizeof(pg));
	pg.r = r;
	pg.at = e->at;
	pg.t = tally_of(r, e->endpoint);
	pg.out = &r->ids;
	r->seen.page++;
	r->seen.n = 0;
	zp_buf_reset(&r->ids);
	PUT_LIT(&pg, "{");
	rc = match_fields_visit(e->endpoint, body, one_identity, &pg);
	PUT_LIT(&pg, "}");
	if (rc == 0 && (rc = pg.err) == 0)
		r->ids.data[r->ids.len] = '\0'; /* as zp_buf keeps it */
	if (rc != 0)
		return ZP_ENOMEM;
	r->field.key.p = "identities";
	r->field.key.n = strlen("identities");
	r->field.value.p = r->ids.data;
	r->field.value.n = r->ids.len;
	zp_buf_reset(&r->msg);
	if ((rc = zp_env_write(&r->msg, e, &r->field, 1, NULL)) != 0)
		return rc;
	return zp_stage_write(&r->st, r->msg.data, r->msg.len);
}

/* match_run annotates the stream and returns the exit status. */
int
match_run(const struct match_options *o, struct match_index *x,
    struct match_extra *extra)
{
	struct zp_buf why = ZP_BUF_INIT;
	struct run r;
	size_t i;
	int rc, status;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.x = x;
	r.extra = extra;
	zp_json_parser_init(&r.parser, &r.arena);
	if ((rc = zp_keys_new(&r.missed)) != 0 ||
	    (rc = zp_stage_open(&r.st, &o->stage, &why)) != 0) {
		zp_error("%s", why.len ? why.data : zp_strerror(rc));
		zp_buf_release(&why);
		zp_keys_free(&r.missed);
		zp_json_parser_release(&r.parser);
		return zp_exit_code(rc);
	}
	zp_buf_release(&why);
	while ((rc = zp_stage_next(&r.st)) == 1)
		if ((rc = zp_env_is(&r.st.env, "page")
			    ? annotate(&r)
			    : zp_stage_forward(&r.st)) != 0)
			break;
	if (zp_stage_finish(&r.st) != 0 && rc == 0)
		rc = ZP_EIO;
	if (rc < 0 && rc != ZP_EINTR) /* e.g. "downstream closed" */
		zp_error("%s", zp_strerror(rc));
	report(&r);
	if (o->unmatched != NULL && write_unmatched(&r, o->unmatched) != 0)
		zp_error(
		    "%s: cannot write the unmatched identities", o->unmatched);
	if (o->directory != NULL && match_extra_save(extra, o->directory) != 0)
		zp_error("%s: cannot write the directory", o->directory);
	status = zp_stage_exit_code(&r.st, rc);
	zp_stage_close(&r.st);
	for (i = 0; i < r.n_miss; i++)
		free(r.miss[i].value);
	free(r.miss);
	zp_keys_free(&r.missed);
	zp_json_parser_release(&r.parser);
	zp_arena_release(&r.arena);
	zp_buf_release(&r.msg);
	zp_buf_release(&r.ids);
	zp_buf_release(&r.user);
	zp_buf_release(&r.tmp);
	free(r.seen.slots);
	return status;
}
