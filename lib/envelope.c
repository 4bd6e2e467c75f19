/*
 * envelope.c - reading and writing the v1 envelope.
 *
 * The reader walks the top level with the tokenizer: known fields are
 * decoded, the body and unknown fields are skipped (and so validated) and
 * kept as raw slices.  Only what a stage asks for is ever built as a DOM.
 */
#include "envelope.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "error.h"

/* The known string fields, in the order they are written. */
enum { F_ID, F_KIND, F_ACCOUNT, F_METHOD, F_PATH, F_ENDPOINT, F_AT, F_NSTR };

static const char *const str_names[F_NSTR] = {
    "id", "kind", "account", "method", "path", "endpoint", "at"};

/* Reader state for one message. */
struct reader {
	struct zp_envelope *e;
	struct zp_json_tok t;
	const char *fields[F_NSTR];
	struct zp_slice v;
	unsigned seen_str; /* one bit per known string field, null or not */
	int seen_status;
	int seen_body;
	size_t cap_extra;
};

/* zp_env_init prepares an envelope for zp_env_parse. */
void
zp_env_init(struct zp_envelope *e)
{
	memset(e, 0, sizeof(*e));
	e->status = -1;
}

/* zp_env_release frees the envelope's arena. */
void
zp_env_release(struct zp_envelope *e)
{
	zp_arena_release(&e->arena);
	zp_env_init(e);
}

/* zp_env_is tells whether e is of kind k. */
int
zp_env_is(const struct zp_envelope *e, const char *k)
{
	return e->kind != NULL && strcmp(e->kind, k) == 0;
}

/* bad records the first thing that makes the message no envelope. */
static void
bad(struct reader *r, const char *why)
{
	if (r->e->why == NULL)
		r->e->why = why;
}

/* decode copies the current string token into the arena, NUL-terminated. */
static const char *
decode(struct reader *r)
{
	const struct zp_json_tok *t = &r->t;
	char *s = zp_arena_alloc(&r->e->arena, t->tlen + 1);
	size_t n;

	if (s == NULL)
		return NULL;
	if (t->escaped)
		n = zp_json_unescape(t->src + t->start, t->tlen, s);
	else
		memcpy(s, t->src + t->start, n = t->tlen);
	s[n] = '\0';
	return s;
}

/* add_extra keeps an unknown field as raw slices. */
static int
add_extra(struct reader *r, struct zp_slice key, struct zp_slice value)
{
	struct zp_envelope *e = r->e;

	if (e->nextra == r->cap_extra) {
		size_t cap = r->cap_extra ? r->cap_extra * 2 : 8;
		struct zp_env_field *f =
		    zp_arena_alloc(&e->arena, cap * sizeof(*f));

		if (f == NULL)
			return ZP_ENOMEM;
		if (e->nextra > 0)
			memcpy(f, e->extra, e->nextra * sizeof(*f));
		e->extra = f;
		r->cap_extra = cap;
	}
	e->extra[e->nextra].key = key;
	e->extra[e->nextra].value = value;
	e->nextra++;
	return 0;
}

/* known_string stores a known string field, or notes why it cannot. */
static int
known_string(struct reader *r, int f, enum zp_tok tok)
{
	if (r->seen_str & (1u << f)) {
		bad(r, "duplicate known field");
		return 0;
	}
	r->seen_str |= 1u << f;
	if (tok == ZP_TOK_NULL)
		return 0;
	if (tok != ZP_TOK_STRING) {
		bad(r,
		    "a known field (id, kind, account, method, path, "
		    "endpoint, at) is not a string");
		return 0;
	}
	r->fields[f] = decode(r);
	return r->fields[f] == NULL ? ZP_ENOMEM : 0;
}

/* status_field stores "status", which must be an integer. */
static void
status_field(struct reader *r, enum zp_tok tok)
{
	const struct zp_json_tok *t = &r->t;
	char tmp[24];
	char *end;

	if (r->seen_status++) {
		bad(r, "duplicate field 'status'");
		return;
	}
	if (tok == ZP_TOK_NULL)
		return;
	if (tok != ZP_TOK_NUMBER || t->tlen >= sizeof(tmp)) {
		bad(r, "field 'status' is not an integer");
		return;
	}
	memcpy(tmp, t->src + t->start, t->tlen);
	tmp[t->tlen] = '\0';
	errno = 0;
	r->e->status = strtol(tmp, &end, 10);
	if (*end != '\0' || errno != 0 || r->e->status < 0)
		bad(r, "field 'status' is not an integer");
}

/* key_is tells whether the current key token decodes to exactly name. */
static int
key_is(const struct zp_json_tok *t, const char *name)
{
	size_t n = strlen(name);
	char tmp[64]; /* the longest known key, each byte a \uXXXX escape */

	if (!t->escaped)
		return t->tlen == n && memcmp(t->src + t->start, name, n) == 0;
	if (t->tlen > sizeof(tmp))
		return 0;
	return zp_json_unescape(t->src + t->start, t->tlen, tmp) == n &&
	    memcmp(tmp, name, n) == 0;
}

/* field reads one member whose key was just returned. */
static int
field(struct reader *r)
{
	struct zp_json_tok *t = &r->t;
	struct zp_slice key = {t->src + t->start, t->tlen}, value;
	int is_v = key_is(t, "v"), is_status = key_is(t, "status");
	int is_body = key_is(t, "body"), f, known = -1, rc;
	enum zp_tok tok;

	for (f = 0; f < F_NSTR && known < 0; f++)
		if (key_is(t, str_names[f]))
			known = f;
	tok = zp_json_next(t);
	if (tok == ZP_TOK_ERROR)
		return t->code;
	value.p = t->src + t->raw_start;
	if (known >= 0 && (rc = known_string(r, known, tok)) != 0)
		return rc;
	if (is_status)
		status_field(r, tok);
	if (is_v) {
		if (r->v.p != NULL)
			bad(r, "duplicate field 'v'");
		else if (tok != ZP_TOK_NUMBER)
			bad(r, "field 'v' is not a number");
		r->v.p = value.p;
		r->v.n = t->tlen;
	}
	if ((rc = (is_body || known < 0) && r->e->lazy_body
		    ? zp_json_skip_shallow(t, tok)
		    : zp_json_skip(t, tok)) != 0)
		return rc;
	value.n = (size_t)(t->src + t->pos - value.p);
	if (is_body) {
		if (r->seen_body++)
			bad(r, "duplicate field 'body'");
		r->e->body = value;
	}
	if (known < 0 && !is_v && !is_status && !is_body)
		return add_extra(r, key, value);
	return 0;
}

/* check_version reads the major version out of the "v" number. */
static int
check_version(struct reader *r)
{
	const char *p = r->v.p;
	size_t i = 0;
	long major = 0;

	if (p == NULL) {
		bad(r, "missing field 'v'");
		return ZP_EENVELOPE;
	}
	for (; i < r->v.n && p[i] >= '0' && p[i] <= '9'; i++)
		if (major < 1000)
			major = major * 10 + (p[i] - '0');
	if (i < r->v.n && p[i] == '.')
		for (i++; i < r->v.n && p[i] >= '0' && p[i] <= '9'; i++)
			;
	if (r->v.n == 0 || i < r->v.n || p[0] < '0' || p[0] > '9') {
		bad(r, "field 'v' is not a version number");
		return ZP_EENVELOPE;
	}
	if (major != ZP_ENV_VERSION) {
		r->e->why =
		    "unsupported envelope version (this build reads v1)";
		return ZP_EVERSION;
	}
	return 0;
}

/* walk tokenizes the whole message, filling r. */
static int
walk(struct reader *r)
{
	struct zp_json_tok *t = &r->t;
	enum zp_tok tok = zp_json_next(t);
	int rc;

	if (tok != ZP_TOK_OBJ_BEGIN) {
		if ((rc = zp_json_skip(t, tok)) != 0)
			return rc;
		bad(r, "envelope is not a JSON object");
	} else {
		while ((tok = zp_json_next(t)) == ZP_TOK_KEY)
			if ((rc = field(r)) != 0)
				return rc;
		if (tok == ZP_TOK_ERROR)
			return t->code;
	}
	if (zp_json_next(t) == ZP_TOK_ERROR)
		return t->code;
	return 0;
}

/* zp_env_parse reads one message. */
int
zp_env_parse(struct zp_envelope *e, const char *msg, size_t len)
{
	struct reader r;
	int rc;

	zp_arena_reset(&e->arena);
	memset(&r, 0, sizeof(r));
	r.e = e;
	e->raw.p = msg;
	e->raw.n = len;
	e->body.p = NULL;
	e->body.n = 0;
	e->id = e->kind = e->account = e->method = NULL;
	e->path = e->endpoint = e->at = NULL;
	e->extra = NULL;
	e->nextra = 0;
	e->status = -1;
	e->why = NULL;
	e->err.offset = 0;
	e->err.reason = NULL;
	zp_json_tok_init(&r.t, msg, len, 0);
	if ((rc = walk(&r)) != 0) {
		e->err = r.t.err;
		return rc;
	}
	e->id = r.fields[F_ID];
	e->kind = r.fields[F_KIND];
	e->account = r.fields[F_ACCOUNT];
	e->method = r.fields[F_METHOD];
	e->path = r.fields[F_PATH];
	e->endpoint = r.fields[F_ENDPOINT];
	e->at = r.fields[F_AT];
	rc = check_version(&r);
	if (rc == ZP_EVERSION)
		return rc;
	if (e->why != NULL)
		return ZP_EENVELOPE;
	if (e->kind == NULL) {
		e->why = "missing field 'kind'";
		return ZP_EENVELOPE;
	}
	return 0;
}

/* zp_env_describe writes a one-line description of the last error. */
void
zp_env_describe(const struct zp_envelope *e, int rc, struct zp_buf *out)
{
	if (rc == ZP_EPARSE || rc == ZP_EDEPTH)
		zp_buf_printf(out, "byte %zu: %s", e->err.offset,
		    e->err.reason ? e->err.reason : zp_strerror(rc));
	else if (e->why != NULL)
		zp_buf_printf(out, "%s", e->why);
	else
		zp_buf_printf(out, "%s", zp_strerror(rc));
}

/* zp_env_body_dom parses the body into the envelope's arena. */
int
zp_env_body_dom(
    struct zp_envelope *e, struct zp_json_parser *p, struct zp_json **out)
{
	*out = NULL;
	if (e->body.p == NULL)
		return 0;
	p->arena = &e->arena;
	return zp_json_parse(p, e->body.p, e->body.n, out);
}

/* put_str writes "key":"value" when value is not NULL. */
static void
put_str(struct zp_jw *w, const char *key, const char *value)
{
	if (value == NULL)
		return;
	zp_jw_key(w, key);
	zp_jw_str(w, value);
}

/* put_raw_field writes a field whose key and value are raw JSON text. */
static void
put_raw_field(struct zp_jw *w, const struct zp_env_field *f)
{
	struct zp_buf *b = w->out;

	/* The key is still escaped, so it is written between quotes as is. */
	zp_jw_raw(w, "\"", 1);
	if (w->err == 0 &&
	    (zp_buf_append(b, f->key.p, f->key.n) != 0 ||
		zp_buf_append(b, "\":", 2) != 0))
		w->err = ZP_ENOMEM;
	w->need_comma[w->depth] = 0;
	zp_jw_raw(w, f->value.p, f->value.n);
}

/* replaced tells whether an added field has the same key as f. */
static int
replaced(
    const struct zp_env_field *f, const struct zp_env_field *add, size_t nadd)
{
	size_t i;

	for (i = 0; i < nadd; i++)
		if (add[i].key.n == f->key.n &&
		    memcmp(add[i].key.p, f->key.p, f->key.n) == 0)
			return 1;
	return 0;
}

/* zp_env_write appends e as one compact message (no newline). */
int
zp_env_write(struct zp_buf *out, const struct zp_envelope *e,
    const struct zp_env_field *add, size_t nadd, const struct zp_slice *body)
{
	const char *v[F_NSTR] = {e->id, e->kind, e->account, e->method,
	    e->path, e->endpoint, e->at};
	struct zp_jw w;
	size_t i;
	int f;

	zp_jw_init(&w, out);
	zp_jw_object(&w);
	zp_jw_key(&w, "v");
	zp_jw_int(&w, ZP_ENV_VERSION);
	for (f = 0; f < F_NSTR; f++) {
		if (f == F_AT && e->status >= 0) {
			zp_jw_key(&w, "status");
			zp_jw_int(&w, e->status);
		}
		put_str(&w, str_names[f], v[f]);
	}
	for (i = 0; i < e->nextra; i++)
		if (!replaced(&e->extra[i], add, nadd))
			put_raw_field(&w, &e->extra[i]);
	for (i = 0; i < nadd; i++)
		put_raw_field(&w, &add[i]);
	if (body == NULL)
		body = &e->body;
	if (body->p != NULL) {
		zp_jw_key(&w, "body");
		zp_jw_raw(&w, body->p, body->n);
	}
	zp_jw_end(&w);
	return zp_jw_finish(&w);
}

/* zp_env_new_id writes 32 lowercase hex characters and a NUL to id. */
int
zp_env_new_id(char id[33])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[16];
	size_t got = 0;
	int i;

	while (got < sizeof(r)) {
		ssize_t n = getrandom(r + got, sizeof(r) - got, 0);

		if (n < 0 && errno != EINTR)
			return ZP_EIO;
		if (n > 0)
			got += (size_t)n;
	}
	for (i = 0; i < 16; i++) {
		id[2 * i] = hex[r[i] >> 4];
		id[2 * i + 1] = hex[r[i] & 15];
	}
	id[32] = '\0';
	return 0;
}

/* now_utc formats the current time as RFC 3339 UTC seconds. */
static void
now_utc(char ts[32])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(ts, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* zp_env_build appends a new envelope with a fresh random id. */
int
zp_env_build(struct zp_buf *out, const struct zp_env_new *n)
{
	struct zp_envelope e;
	char id[33], ts[32];
	int rc;

	if (n->kind == NULL)
		return ZP_EINVAL;
	if ((rc = zp_env_new_id(id)) != 0)
		return rc;
	zp_env_init(&e);
	e.id = id;
	e.kind = n->kind;
	e.account = n->account;
	e.method = n->method;
	e.path = n->path;
	e.endpoint = n->endpoint;
	e.status = n->status;
	if (n->at == NULL)
		now_utc(ts);
	e.at = n->at != NULL ? n->at : ts;
	e.body = n->body;
	return zp_env_write(out, &e, NULL, 0, NULL);
}

/* zp_env_eos appends the end-of-stream envelope of account. */
int
zp_env_eos(struct zp_buf *out, const char *account)
{
	struct zp_env_new n = {
	    "eos", account, NULL, NULL, NULL, -1, NULL, {NULL, 0}};

	return zp_env_build(out, &n);
}
