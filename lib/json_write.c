/*
 * json_write.c - compact JSON output: the DOM serializer, string escaping
 * and the streaming writer.
 *
 * Escaping follows jq: '"', '\\' and control characters are escaped (\b \f
 * \n \r \t or \u00XX), DEL as \u007f, everything else is written as UTF-8.
 */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "json.h"
#include "utf8.h"

/*
 * put appends n bytes with the capacity check inlined.  It leaves room for
 * the NUL but does not store it: the public functions terminate once, at
 * their end, with terminate().
 */
static inline int
put(struct zp_buf *b, const void *p, size_t n)
{
	if (b->cap - b->len <= n && zp_buf_reserve(b, n) != 0)
		return ZP_ENOMEM;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

/* terminate stores the NUL that zp_buf promises after its bytes. */
static inline int
terminate(struct zp_buf *b, int rc)
{
	if (b->data != NULL)
		b->data[b->len] = '\0';
	return rc;
}

/* needs_escape is 1 for bytes that cannot appear raw in a JSON string. */
static const unsigned char needs_escape[256] = {
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    0,
    0,
    1,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    1,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    1,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
};

/* put_escape appends the escape for control or special byte c. */
static int
put_escape(struct zp_buf *b, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

	switch (c) {
	case '"': return put(b, "\\\"", 2);
	case '\\': return put(b, "\\\\", 2);
	case '\b': return put(b, "\\b", 2);
	case '\f': return put(b, "\\f", 2);
	case '\n': return put(b, "\\n", 2);
	case '\r': return put(b, "\\r", 2);
	case '\t': return put(b, "\\t", 2);
	default: return put(b, e, 6);
	}
}

/* write_string appends s[0..n) as a quoted JSON string, unterminated. */
static int
write_string(struct zp_buf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run, k;

	if (put(b, "\"", 1) != 0)
		return ZP_ENOMEM;
	while (i < n) {
		run = i;
		while (run < n && needs_escape[s[run]] == 0)
			run++;
		if (put(b, s + i, run - i) != 0)
			return ZP_ENOMEM;
		i = run;
		if (i >= n)
			break;
		if (needs_escape[s[i]] == 1) {
			if (put_escape(b, s[i]) != 0)
				return ZP_ENOMEM;
			i++;
		} else if ((k = zp_utf8_seq(s + i, n - i)) != 0) {
			if (put(b, s + i, k) != 0)
				return ZP_ENOMEM;
			i += k;
		} else {
			if (put(b, "\xEF\xBF\xBD", 3) != 0)
				return ZP_ENOMEM;
			i++;
		}
	}
	return put(b, "\"", 1);
}

/* write_str writes a DOM string, copying it whole when it is plain. */
static inline int
write_str(struct zp_buf *b, const struct zp_json *v)
{
	if (!v->plain)
		return write_string(b, v->u.s, v->n);
	if (b->cap - b->len <= v->n + 2 && zp_buf_reserve(b, v->n + 2) != 0)
		return ZP_ENOMEM;
	b->data[b->len] = '"';
	memcpy(b->data + b->len + 1, v->u.s, v->n);
	b->data[b->len + 1 + v->n] = '"';
	b->len += v->n + 2;
	return 0;
}

/* write_value appends the compact serialization of v, unterminated. */
static int
write_value(struct zp_buf *b, const struct zp_json *v)
{
	size_t i;
	int rc = 0;

	switch (v->type) {
	case ZP_JSON_NULL: return put(b, "null", 4);
	case ZP_JSON_FALSE: return put(b, "false", 5);
	case ZP_JSON_TRUE: return put(b, "true", 4);
	case ZP_JSON_NUMBER: return put(b, v->u.s, v->n);
	case ZP_JSON_STRING: return write_str(b, v);
	case ZP_JSON_ARRAY:
		rc = put(b, "[", 1);
		for (i = 0; rc == 0 && i < v->n; i++) {
			if (i > 0)
				rc = put(b, ",", 1);
			if (rc == 0)
				rc = write_value(b, &v->u.items[i]);
		}
		return rc != 0 ? rc : put(b, "]", 1);
	default:
		rc = put(b, "{", 1);
		for (i = 0; rc == 0 && i < v->n; i++) {
			if (i > 0)
				rc = put(b, ",", 1);
			if (rc == 0)
				rc = write_str(b, &v->u.members[i].key);
			if (rc == 0)
				rc = put(b, ":", 1);
			if (rc == 0)
				rc = write_value(b, &v->u.members[i].value);
		}
		return rc != 0 ? rc : put(b, "}", 1);
	}
}

/* zp_json_write appends the compact serialization of v to out. */
int
zp_json_write(struct zp_buf *b, const struct zp_json *v)
{
	return terminate(b, write_value(b, v));
}

/* zp_json_write_string appends s[0..n) as a quoted JSON string. */
int
zp_json_write_string(struct zp_buf *b, const char *s, size_t n)
{
	return terminate(b, write_string(b, s, n));
}

/* --- streaming writer ------------------------------------------------ */

/* jput is put for the streaming writer, which keeps the buffer a string. */
static int
jput(struct zp_buf *b, const void *p, size_t n)
{
	return terminate(b, put(b, p, n));
}

void
zp_jw_init(struct zp_jw *w, struct zp_buf *out)
{
	w->out = out;
	w->depth = 0;
	w->err = 0;
	w->need_comma[0] = 0;
}

/* sep writes the comma that precedes a value or key when one is due. */
static void
sep(struct zp_jw *w)
{
	if (w->need_comma[w->depth] && w->err == 0)
		w->err = jput(w->out, ",", 1);
	w->need_comma[w->depth] = 1;
}

/* open starts a container closed later by closer. */
static void
open_container(struct zp_jw *w, char opener, char closer)
{
	sep(w);
	if (w->depth + 1 >= ZP_JSON_DEFAULT_DEPTH) {
		if (w->err == 0)
			w->err = ZP_EDEPTH;
		return;
	}
	if (w->err == 0)
		w->err = jput(w->out, &opener, 1);
	w->depth++;
	w->need_comma[w->depth] = 0;
	w->closer[w->depth] = closer;
}

void
zp_jw_object(struct zp_jw *w)
{
	open_container(w, '{', '}');
}

void
zp_jw_array(struct zp_jw *w)
{
	open_container(w, '[', ']');
}

/* zp_jw_end closes the innermost open object or array. */
void
zp_jw_end(struct zp_jw *w)
{
	if (w->depth == 0) {
		if (w->err == 0)
			w->err = ZP_EINVAL;
		return;
	}
	if (w->err == 0)
		w->err = jput(w->out, &w->closer[w->depth], 1);
	w->depth--;
}

/* zp_jw_key writes a key and its colon; the value must follow. */
void
zp_jw_key(struct zp_jw *w, const char *key)
{
	sep(w);
	if (w->err == 0)
		w->err = zp_json_write_string(w->out, key, strlen(key));
	if (w->err == 0)
		w->err = jput(w->out, ":", 1);
	w->need_comma[w->depth] = 0;
}

void
zp_jw_strn(struct zp_jw *w, const char *s, size_t n)
{
	sep(w);
	if (w->err == 0)
		w->err = zp_json_write_string(w->out, s, n);
	w->need_comma[w->depth] = w->depth > 0;
}

void
zp_jw_str(struct zp_jw *w, const char *s)
{
	zp_jw_strn(w, s, strlen(s));
}

/* zp_jw_raw writes n bytes of already valid JSON as one value. */
void
zp_jw_raw(struct zp_jw *w, const char *json, size_t n)
{
	sep(w);
	if (w->err == 0)
		w->err = jput(w->out, json, n);
	w->need_comma[w->depth] = w->depth > 0;
}

void
zp_jw_int(struct zp_jw *w, long long v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%lld", v);

	zp_jw_raw(w, tmp, (size_t)n);
}

void
zp_jw_bool(struct zp_jw *w, int v)
{
	zp_jw_raw(w, v ? "true" : "false", v ? 4 : 5);
}

void
zp_jw_null(struct zp_jw *w)
{
	zp_jw_raw(w, "null", 4);
}

/* zp_jw_finish returns 0 or the first error any call met. */
int
zp_jw_finish(struct zp_jw *w)
{
	if (w->err == 0 && w->depth != 0)
		w->err = ZP_EINVAL;
	return w->err;
}
