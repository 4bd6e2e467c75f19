/*
 * test_json.c - unit tests of the JSON module: the tokenizer, the DOM, the
 * DOM writer and the streaming writer, and every error with its offset and
 * its reason.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "error.h"
#include "harness.h"
#include "json.h"

/* One parsed document and the memory it lives in. */
struct doc {
	struct zp_arena arena;
	struct zp_json_parser p;
	struct zp_json *root;
	int rc;
};

/* doc_parse parses src[0..len) into d; d->rc holds the result. */
static void
doc_parse(struct doc *d, const char *src, size_t len)
{
	struct zp_arena a = ZP_ARENA_INIT;

	d->arena = a;
	d->root = NULL;
	zp_json_parser_init(&d->p, &d->arena);
	d->rc = zp_json_parse(&d->p, src, len, &d->root);
}

/* doc_free releases everything doc_parse allocated. */
static void
doc_free(struct doc *d)
{
	zp_json_parser_release(&d->p);
	zp_arena_release(&d->arena);
}

/* round_trip parses src and writes it back compactly into out. */
static int
round_trip(const char *src, size_t len, struct zp_buf *out)
{
	struct doc d;
	int rc;

	doc_parse(&d, src, len);
	rc = d.rc;
	if (rc == 0)
		rc = zp_json_write(out, d.root);
	doc_free(&d);
	return rc;
}

/* check_same checks that compact src is written back byte for byte. */
static void
check_same(const char *file, int line, const char *src, size_t len)
{
	struct zp_buf b = ZP_BUF_INIT;
	int rc = round_trip(src, len, &b);

	if (rc != 0)
		zp_test_failf(file, line, "round trip of %.*s: rc %d",
		    (int)len, src, rc);
	else if (b.len != len || memcmp(b.data, src, len) != 0)
		zp_test_failf(file, line, "round trip of %.*s gave %.*s",
		    (int)len, src, (int)b.len, b.data);
	zp_buf_release(&b);
}

#define CHECK_SAME(lit) check_same(__FILE__, __LINE__, lit, sizeof(lit) - 1)

/* show returns the first 60 bytes of s printable, \xNN for the rest. */
static const char *
show(const char *s, size_t n)
{
	static char out[60 * 4 + 1];
	size_t i, o = 0;

	for (i = 0; i < n && i < 60; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7F && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, 5, "\\x%02x", c);
	}
	out[o] = '\0';
	return out;
}

/* check_err checks that parse and validate both reject src as expected. */
static void
check_err(const char *file, int line, const char *src, size_t len, int code,
    size_t offset, const char *reason)
{
	struct zp_json_error e = {0, NULL};
	struct doc d;
	int rc;

	doc_parse(&d, src, len);
	if (d.rc != code || d.p.err.offset != offset ||
	    d.p.err.reason == NULL || strcmp(d.p.err.reason, reason) != 0)
		zp_test_failf(file, line,
		    "parse %s: got %d at %zu \"%s\", want %d at %zu \"%s\"",
		    show(src, len), d.rc, d.p.err.offset,
		    d.p.err.reason ? d.p.err.reason : "(null)", code, offset,
		    reason);
	doc_free(&d);
	rc = zp_json_validate(src, len, &e);
	if (rc != code || e.offset != offset || e.reason == NULL ||
	    strcmp(e.reason, reason) != 0)
		zp_test_failf(file, line, "validate %s: got %d at %zu \"%s\"",
		    show(src, len), rc, e.offset,
		    e.reason ? e.reason : "(null)");
}

#define CHECK_ERR(lit, off, why)                                              \
	check_err(                                                            \
	    __FILE__, __LINE__, lit, sizeof(lit) - 1, ZP_EPARSE, off, why)

/* nested returns n opening brackets then n closing ones; caller frees. */
static char *
nested(int n, char open, char close)
{
	char *s = malloc((size_t)n * 2 + 1);
	int i;

	if (s == NULL)
		abort();
	for (i = 0; i < n; i++) {
		s[i] = open;
		s[n + i] = close;
	}
	s[2 * n] = '\0';
	return s;
}

/* --- tokenizer ------------------------------------------------------- */

/* One expected token of the token sequence test. */
struct want_tok {
	enum zp_tok tok;
	size_t raw_start;
	size_t start;
	size_t tlen;
	int escaped;
	int depth;
};

TEST(json_tok_sequence)
{
	static const char src[] =
	    "{\"a\":[1,\"x\\n\",true],\"b\":{},\"c\":null}";
	static const struct want_tok want[] = {
	    {ZP_TOK_OBJ_BEGIN, 0, 0, 1, 0, 1},
	    {ZP_TOK_KEY, 1, 2, 1, 0, 1},
	    {ZP_TOK_ARR_BEGIN, 5, 5, 1, 0, 2},
	    {ZP_TOK_NUMBER, 6, 6, 1, 0, 2},
	    {ZP_TOK_STRING, 8, 9, 3, 1, 2},
	    {ZP_TOK_TRUE, 14, 14, 4, 0, 2},
	    {ZP_TOK_ARR_END, 18, 18, 1, 0, 1},
	    {ZP_TOK_KEY, 20, 21, 1, 0, 1},
	    {ZP_TOK_OBJ_BEGIN, 24, 24, 1, 0, 2},
	    {ZP_TOK_OBJ_END, 25, 25, 1, 0, 1},
	    {ZP_TOK_KEY, 27, 28, 1, 0, 1},
	    {ZP_TOK_NULL, 31, 31, 4, 0, 1},
	    {ZP_TOK_OBJ_END, 35, 35, 1, 0, 0},
	};
	struct zp_json_tok t;
	size_t i;

	zp_json_tok_init(&t, src, sizeof(src) - 1, 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK_INT(zp_json_next(&t), want[i].tok);
		CHECK_INT(t.raw_start, want[i].raw_start);
		CHECK_INT(t.start, want[i].start);
		CHECK_INT(t.tlen, want[i].tlen);
		CHECK_INT(t.depth, want[i].depth);
		if (want[i].tok == ZP_TOK_KEY || want[i].tok == ZP_TOK_STRING)
			CHECK_INT(t.escaped, want[i].escaped);
	}
	CHECK_INT(zp_json_next(&t), ZP_TOK_END);
	CHECK_INT(zp_json_next(&t), ZP_TOK_END);
	CHECK_INT(t.code, 0);

	/* A bracket's length is 1 whatever the token before it was. */
	zp_json_tok_init(&t, "{\"long\":[{}]}", 13, 0);
	CHECK_INT(zp_json_next(&t), ZP_TOK_OBJ_BEGIN);
	CHECK_INT(zp_json_next(&t), ZP_TOK_KEY);
	CHECK_INT(t.tlen, 4);
	CHECK_INT(zp_json_next(&t), ZP_TOK_ARR_BEGIN);
	CHECK_INT(t.tlen, 1);
	CHECK_INT(zp_json_next(&t), ZP_TOK_OBJ_BEGIN);
	CHECK_INT(t.tlen, 1);
}

TEST(json_tok_scalars_and_whitespace)
{
	static const char src[] = " \t\r\n[ -12.5e+3 , false ,\"\" ] \n";
	struct zp_json_tok t;

	zp_json_tok_init(&t, src, sizeof(src) - 1, 0);
	CHECK_INT(zp_json_next(&t), ZP_TOK_ARR_BEGIN);
	CHECK_INT(t.raw_start, 4);
	CHECK_INT(zp_json_next(&t), ZP_TOK_NUMBER);
	CHECK_MEM(src + t.start, t.tlen, "-12.5e+3", 8);
	CHECK_INT(zp_json_next(&t), ZP_TOK_FALSE);
	CHECK_INT(t.raw_start, 17);
	CHECK_INT(zp_json_next(&t), ZP_TOK_STRING);
	CHECK_INT(t.raw_start, 24);
	CHECK_INT(t.tlen, 0);
	CHECK_INT(t.escaped, 0);
	CHECK_INT(zp_json_next(&t), ZP_TOK_ARR_END);
	CHECK_INT(zp_json_next(&t), ZP_TOK_END);

	zp_json_tok_init(&t, "7", 1, 0);
	CHECK_INT(zp_json_next(&t), ZP_TOK_NUMBER);
	CHECK_INT(t.tlen, 1);
	CHECK_INT(zp_json_next(&t), ZP_TOK_END);
}

TEST(json_tok_error_is_sticky)
{
	struct zp_json_tok t;

	zp_json_tok_init(&t, "[1,]", 4, 0);
	CHECK_INT(zp_json_next(&t), ZP_TOK_ARR_BEGIN);
	CHECK_INT(zp_json_next(&t), ZP_TOK_NUMBER);
	CHECK_INT(zp_json_next(&t), ZP_TOK_ERROR);
	CHECK_INT(t.code, ZP_EPARSE);
	CHECK_INT(t.err.offset, 3);
	CHECK_INT(zp_json_next(&t), ZP_TOK_ERROR);
	CHECK_INT(zp_json_next(&t), ZP_TOK_ERROR);
	CHECK_INT(t.err.offset, 3);
}

TEST(json_tok_own_depth_limit)
{
	struct zp_json_tok t;

	zp_json_tok_init(&t, "[[[]]]", 6, 2);
	CHECK_INT(zp_json_next(&t), ZP_TOK_ARR_BEGIN);
	CHECK_INT(zp_json_next(&t), ZP_TOK_ARR_BEGIN);
	CHECK_INT(zp_json_next(&t), ZP_TOK_ERROR);
	CHECK_INT(t.code, ZP_EDEPTH);
	CHECK_INT(t.err.offset, 2);

	zp_json_tok_init(&t, "[[]]", 4, 2);
	while (zp_json_next(&t) > ZP_TOK_END)
		;
	CHECK_INT(t.code, 0);
	/* Out of range limits fall back to the default. */
	zp_json_tok_init(&t, "[]", 2, -1);
	CHECK_INT(t.max_depth, ZP_JSON_DEFAULT_DEPTH);
	zp_json_tok_init(&t, "[]", 2, ZP_JSON_MAX_DEPTH + 1);
	CHECK_INT(t.max_depth, ZP_JSON_DEFAULT_DEPTH);
}

TEST(json_skip)
{
	static const char src[] =
	    "{\"skip\":{\"x\":[1,{\"y\":[2,[]]}],\"z\":\"}\"},"
	    "\"s\":5,\"keep\":3}";
	struct zp_json_tok t;
	enum zp_tok tok;

	zp_json_tok_init(&t, src, sizeof(src) - 1, 0);
	CHECK_INT(zp_json_next(&t), ZP_TOK_OBJ_BEGIN);
	CHECK_INT(zp_json_next(&t), ZP_TOK_KEY);
	tok = zp_json_next(&t);
	CHECK_INT(tok, ZP_TOK_OBJ_BEGIN);
	CHECK_INT(zp_json_skip(&t, tok), 0);
	CHECK_INT(t.depth, 1);
	CHECK_INT(zp_json_next(&t), ZP_TOK_KEY);
	CHECK_MEM(src + t.start, t.tlen, "s", 1);
	tok = zp_json_next(&t);
	CHECK_INT(tok, ZP_TOK_NUMBER);
	CHECK_INT(zp_json_skip(&t, tok), 0); /* a scalar is already done */
	CHECK_INT(zp_json_next(&t), ZP_TOK_KEY);
	CHECK_MEM(src + t.start, t.tlen, "keep", 4);
	CHECK_INT(zp_json_next(&t), ZP_TOK_NUMBER);
	CHECK_MEM(src + t.start, t.tlen, "3", 1);
	CHECK_INT(zp_json_next(&t), ZP_TOK_OBJ_END);
	CHECK_INT(zp_json_next(&t), ZP_TOK_END);
}

TEST(json_skip_errors)
{
	struct zp_json_tok t;
	enum zp_tok tok;
	char *deep = nested(10, '[', ']');

	zp_json_tok_init(&t, "[{\"a\":[1,}]", 11, 0);
	CHECK_INT(zp_json_next(&t), ZP_TOK_ARR_BEGIN);
	tok = zp_json_next(&t);
	CHECK_INT(zp_json_skip(&t, tok), ZP_EPARSE);
	CHECK_INT(t.err.offset, 9);
	CHECK_INT(zp_json_skip(&t, ZP_TOK_ERROR), ZP_EPARSE);

	zp_json_tok_init(&t, "[[1", 3, 0);
	tok = zp_json_next(&t);
	CHECK_INT(zp_json_skip(&t, tok), ZP_EPARSE);
	CHECK_STR(t.err.reason, "unexpected end of input");

	zp_json_tok_init(&t, deep, 20, 4);
	tok = zp_json_next(&t);
	CHECK_INT(zp_json_skip(&t, tok), ZP_EDEPTH);
	CHECK_INT(t.err.offset, 4);
	free(deep);
}

TEST(json_unescape)
{
	static const char raw[] = "a\\\"\\\\\\/\\b\\f\\n\\r\\tz\\u0041\\u00e9"
				  "\\u20AC\\uD83D\\uDE00\\u0000!";
	static const char want[] = "a\"\\/\b\f\n\r\tzA\xc3\xa9\xe2\x82\xac"
				   "\xf0\x9f\x98\x80\0!";
	char out[sizeof(raw)];
	size_t n = zp_json_unescape(raw, sizeof(raw) - 1, out);

	CHECK_MEM(out, n, want, sizeof(want) - 1);
	CHECK_INT(zp_json_unescape("plain", 5, out), 5);
	CHECK_INT(zp_json_unescape("", 0, out), 0);
}

/* --- DOM ------------------------------------------------------------- */

TEST(json_dom_access)
{
	static const char src[] =
	    "{\"meeting\":{\"id\":1234567890123456789,\"topic\":\"Sync\","
	    "\"tags\":[\"a\",2,true,false,null,[],{}]},\"k\\u0065y\":\"v\","
	    "\"empty\":\"\"}";
	const struct zp_json *m, *tags;
	struct doc d;

	doc_parse(&d, src, sizeof(src) - 1);
	CHECK_INT(d.rc, 0);
	if (d.rc != 0)
		goto out;
	CHECK_INT(d.root->type, ZP_JSON_OBJECT);
	CHECK_INT(d.root->n, 3);
	m = zp_json_get(d.root, "meeting");
	CHECK(m != NULL && m->type == ZP_JSON_OBJECT && m->n == 3);
	CHECK(zp_json_get(m, "id") != NULL);
	CHECK_INT(zp_json_get(m, "id")->type, ZP_JSON_NUMBER);
	CHECK_MEM(zp_json_get(m, "id")->u.s, zp_json_get(m, "id")->n,
	    "1234567890123456789", 19);
	CHECK(zp_json_is_str(zp_json_get(m, "topic"), "Sync"));
	CHECK(!zp_json_is_str(zp_json_get(m, "topic"), "Syn"));
	CHECK(!zp_json_is_str(zp_json_get(m, "topic"), "Sync!"));
	CHECK(!zp_json_is_str(zp_json_get(m, "id"), "1234567890123456789"));
	CHECK(!zp_json_is_str(NULL, ""));
	tags = zp_json_get(m, "tags");
	CHECK(tags != NULL && tags->type == ZP_JSON_ARRAY && tags->n == 7);
	if (tags != NULL && tags->n == 7) {
		CHECK(zp_json_is_str(&tags->u.items[0], "a"));
		CHECK_INT(tags->u.items[1].type, ZP_JSON_NUMBER);
		CHECK_INT(tags->u.items[2].type, ZP_JSON_TRUE);
		CHECK_INT(tags->u.items[3].type, ZP_JSON_FALSE);
		CHECK_INT(tags->u.items[4].type, ZP_JSON_NULL);
		CHECK_INT(tags->u.items[5].type, ZP_JSON_ARRAY);
		CHECK_INT(tags->u.items[5].n, 0);
		CHECK_INT(tags->u.items[6].type, ZP_JSON_OBJECT);
		CHECK_INT(tags->u.items[6].n, 0);
	}
	/* Keys are compared decoded. */
	CHECK(zp_json_is_str(zp_json_get(d.root, "key"), "v"));
	CHECK(zp_json_is_str(zp_json_get(d.root, "empty"), ""));
	CHECK(zp_json_get(d.root, "missing") == NULL);
	CHECK(zp_json_get(d.root, "meetin") == NULL);
	CHECK(zp_json_get(tags, "a") == NULL);
	CHECK(zp_json_get(NULL, "a") == NULL);
out:
	doc_free(&d);
}

TEST(json_dom_numbers_keep_text)
{
	static const char src[] = "[1234567890123456789,-0.5e-10,1E+400,-0]";
	static const char *want[] = {
	    "1234567890123456789", "-0.5e-10", "1E+400", "-0"};
	struct doc d;
	size_t i;

	doc_parse(&d, src, sizeof(src) - 1);
	CHECK_INT(d.rc, 0);
	if (d.rc == 0 && d.root->n == 4) {
		for (i = 0; i < 4; i++) {
			const struct zp_json *v = &d.root->u.items[i];

			CHECK_INT(v->type, ZP_JSON_NUMBER);
			CHECK_MEM(v->u.s, v->n, want[i], strlen(want[i]));
			/* The text is borrowed from the source. */
			CHECK(v->u.s >= src && v->u.s < src + sizeof(src));
		}
	}
	doc_free(&d);
}

TEST(json_dom_scalar_roots)
{
	struct doc d;

	doc_parse(&d, " \"x\" ", 5);
	CHECK_INT(d.rc, 0);
	CHECK(d.rc == 0 && zp_json_is_str(d.root, "x"));
	doc_free(&d);
	doc_parse(&d, "null", 4);
	CHECK(d.rc == 0 && d.root->type == ZP_JSON_NULL);
	doc_free(&d);
	doc_parse(&d, "-7", 2);
	CHECK(d.rc == 0 && d.root->type == ZP_JSON_NUMBER && d.root->n == 2);
	doc_free(&d);
}

TEST(json_dom_duplicate_keys_in_order)
{
	static const char src[] = "{\"a\":1,\"b\":2,\"a\":3,\"a\":{\"a\":4}}";
	struct doc d;

	doc_parse(&d, src, sizeof(src) - 1);
	CHECK_INT(d.rc, 0);
	if (d.rc == 0) {
		const struct zp_json_member *m = d.root->u.members;

		CHECK_INT(d.root->n, 4);
		CHECK(zp_json_is_str(&m[0].key, "a"));
		CHECK(zp_json_is_str(&m[1].key, "b"));
		CHECK(zp_json_is_str(&m[2].key, "a"));
		CHECK(zp_json_is_str(&m[3].key, "a"));
		CHECK_MEM(m[0].value.u.s, m[0].value.n, "1", 1);
		CHECK_MEM(m[2].value.u.s, m[2].value.n, "3", 1);
		CHECK_INT(m[3].value.type, ZP_JSON_OBJECT);
		/* zp_json_get finds the first one. */
		CHECK(zp_json_get(d.root, "a") == &m[0].value);
	}
	doc_free(&d);
	CHECK_SAME("{\"a\":1,\"b\":2,\"a\":3,\"a\":{\"a\":4}}");
	CHECK_SAME("{\"\":1,\"\":2}");
}

TEST(json_dom_escapes_decoded)
{
	static const char src[] =
	    "[\"a\\nb\",\"caf\\u00e9\",\"\\ud83d\\ude00\",\"\\u00E9\\u20ac\","
	    "\"\\\"\\\\\\/\\b\\f\\r\\t\",\"\\u0000\",\"A\\u0042C\"]";
	static const char *want[] = {"a\nb", "caf\xc3\xa9", "\xf0\x9f\x98\x80",
	    "\xc3\xa9\xe2\x82\xac", "\"\\/\b\f\r\t", "", "ABC"};
	static const size_t want_n[] = {3, 5, 4, 5, 7, 1, 3};
	struct doc d;
	size_t i;

	doc_parse(&d, src, sizeof(src) - 1);
	CHECK_INT(d.rc, 0);
	if (d.rc != 0 || d.root->n != 7)
		goto out;
	for (i = 0; i < 7; i++) {
		const struct zp_json *v = &d.root->u.items[i];

		CHECK_INT(v->type, ZP_JSON_STRING);
		CHECK_INT(v->plain, 0);
		CHECK_MEM(v->u.s, v->n, want[i], want_n[i]);
	}
out:
	doc_free(&d);
}

TEST(json_dom_parser_reuse)
{
	struct zp_arena a = ZP_ARENA_INIT;
	struct zp_json_parser p;
	struct zp_json *v = NULL;
	struct zp_buf b = ZP_BUF_INIT;
	char big[4096];
	size_t i, n = 0;

	/* More values than the first scratch stack holds. */
	big[n++] = '[';
	for (i = 0; i < 1000; i++) {
		big[n++] = (char)('0' + i % 10);
		big[n++] = ',';
	}
	big[n - 1] = ']';
	zp_json_parser_init(&p, &a);
	CHECK_INT(zp_json_parse(&p, big, n, &v), 0);
	CHECK(v != NULL && v->type == ZP_JSON_ARRAY && v->n == 1000);
	CHECK_INT(zp_json_write(&b, v), 0);
	CHECK_MEM(b.data, b.len, big, n);
	zp_arena_reset(&a);
	CHECK_INT(zp_json_parse(&p, "[1,", 3, &v), ZP_EPARSE);
	CHECK_INT(zp_json_parse(&p, "{\"a\":[true]}", 12, &v), 0);
	CHECK(zp_json_get(v, "a") != NULL);
	p.max_depth = 1;
	CHECK_INT(zp_json_parse(&p, "{\"a\":[true]}", 12, &v), ZP_EDEPTH);
	CHECK_INT(p.err.offset, 5);
	zp_json_parser_release(&p);
	zp_json_parser_release(&p); /* twice is harmless */
	zp_arena_release(&a);
	zp_buf_release(&b);
}

/* --- writer ---------------------------------------------------------- */

TEST(json_round_trip_compact)
{
	CHECK_SAME("{\"id\":1234567890123456789,\"x\":-0.5e-10}");
	CHECK_SAME("[0,-0,1,-1,0.0,-0.0,1.5,1e5,1E5,1e+5,1e-5,1E-0,"
		   "12.345e+678,-9.99E-99,100000000000000000000000000001]");
	CHECK_SAME("[9223372036854775807,-9223372036854775808,"
		   "18446744073709551616,1234567890123456789.000]");
	CHECK_SAME("[]");
	CHECK_SAME("{}");
	CHECK_SAME("[[],{},[[]],[{}],{\"a\":[]}]");
	CHECK_SAME("0");
	CHECK_SAME("-0.5e-10");
	CHECK_SAME("true");
	CHECK_SAME("false");
	CHECK_SAME("null");
	CHECK_SAME("\"\"");
	CHECK_SAME("\"just text\"");
	CHECK_SAME("{\"a\":{\"b\":{\"c\":[1,[2,[3,{\"d\":null}]]]}}}");
	CHECK_SAME("[\"\\\"\",\"\\\\\",\"\\n\\r\\t\\b\\f\",\"\\u0000\","
		   "\"\\u001f\"]");
}

TEST(json_round_trip_raw_utf8)
{
	/* Two-, three- and four-byte sequences at the edges of table 3-7. */
	CHECK_SAME("\"h\xc3\xa9llo \xe4\xb8\xad \xf0\x9f\x98\x80\"");
	CHECK_SAME("[\"\xc2\x80\",\"\xdf\xbf\",\"\xe0\xa0\x80\","
		   "\"\xed\x9f\xbf\","
		   "\"\xee\x80\x80\",\"\xef\xbf\xbf\",\"\xf0\x90\x80\x80\","
		   "\"\xf3\xbf\xbf\xbf\",\"\xf4\x8f\xbf\xbf\"]");
	/* Past 64 bytes a plain string takes the general path. */
	CHECK_SAME("\"0123456789012345678901234567890123456789012345678901"
		   "234567890123456789\xc3\xa9\"");
	CHECK_SAME("{\"cl\xc3\xa9\":\"\xe2\x82\xac\"}");
}

/* check_written checks the compact output of src against want. */
static void
check_written(const char *file, int line, const char *src, size_t len,
    const char *want, size_t want_len)
{
	struct zp_buf b = ZP_BUF_INIT;
	int rc = round_trip(src, len, &b);

	if (rc != 0 || b.len != want_len || memcmp(b.data, want, want_len))
		zp_test_failf(file, line, "%.*s written as %.*s (rc %d)",
		    (int)len, src, (int)b.len, b.data ? b.data : "", rc);
	zp_buf_release(&b);
}

#define CHECK_WRITTEN(src, want)                                              \
	check_written(                                                        \
	    __FILE__, __LINE__, src, sizeof(src) - 1, want, sizeof(want) - 1)

TEST(json_write_reescapes)
{
	CHECK_WRITTEN(" { \"a\" : [ 1 , 2 ] ,\n\t\"b\" : { } } ",
	    "{\"a\":[1,2],\"b\":{}}");
	CHECK_WRITTEN("\"\\u00e9\"", "\"\xc3\xa9\"");
	CHECK_WRITTEN("\"\\ud83d\\ude00\"", "\"\xf0\x9f\x98\x80\"");
	CHECK_WRITTEN("\"\\uD83D\\uDE00\"", "\"\xf0\x9f\x98\x80\"");
	CHECK_WRITTEN("\"\\/\"", "\"/\"");
	CHECK_WRITTEN("\"\\u0041\"", "\"A\"");
	CHECK_WRITTEN(
	    "\"\\u000a\\u0008\\u000C\\u000d\\u0009\"", "\"\\n\\b\\f\\r\\t\"");
	CHECK_WRITTEN(
	    "\"\\u0001\\u001F\\u007f\"", "\"\\u0001\\u001f\\u007f\"");
	CHECK_WRITTEN("\"\\u0022\\u005c\"", "\"\\\"\\\\\"");
	/* A raw DEL is escaped, as jq does, in short and long strings. */
	CHECK_WRITTEN("\"a\x7f\"", "\"a\\u007f\"");
	CHECK_WRITTEN("{\"\x7f\":0}", "{\"\\u007f\":0}");
	CHECK_WRITTEN("\"0123456789012345678901234567890123456789012345678901"
		      "234567890123456789\x7f\"",
	    "\"0123456789012345678901234567890123456789012345678901"
	    "234567890123456789\\u007f\"");
}

/* check_string checks zp_json_write_string of s[0..n) against want. */
static void
check_string(const char *file, int line, const char *s, size_t n,
    const char *want, size_t want_len)
{
	struct zp_buf b = ZP_BUF_INIT;
	int rc = zp_json_write_string(&b, s, n);

	if (rc != 0 || b.len != want_len || memcmp(b.data, want, want_len))
		zp_test_failf(file, line, "string %.*s written as %.*s",
		    (int)n, s, (int)b.len, b.data ? b.data : "");
	else if (zp_json_validate(b.data, b.len, NULL) != 0)
		zp_test_failf(
		    file, line, "%.*s is not valid", (int)b.len, b.data);
	zp_buf_release(&b);
}

#define CHECK_STRING(s, want)                                                 \
	check_string(                                                         \
	    __FILE__, __LINE__, s, sizeof(s) - 1, want, sizeof(want) - 1)

#define FFFD "\xef\xbf\xbd"

TEST(json_write_string)
{
	CHECK_STRING("", "\"\"");
	CHECK_STRING("a/b", "\"a/b\"");
	CHECK_STRING("\"\\", "\"\\\"\\\\\"");
	CHECK_STRING("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
	CHECK_STRING("\0\x01\x1f\x7f", "\"\\u0000\\u0001\\u001f\\u007f\"");
	CHECK_STRING(
	    "\xc3\xa9\xf0\x9f\x98\x80", "\"\xc3\xa9\xf0\x9f\x98\x80\"");
	/* Invalid UTF-8 becomes U+FFFD, one per offending byte. */
	CHECK_STRING("a\xffz", "\"a" FFFD "z\"");
	CHECK_STRING("\xc0\x80", "\"" FFFD FFFD "\"");
	CHECK_STRING("\xe0\x80\x80", "\"" FFFD FFFD FFFD "\"");
	CHECK_STRING("\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"");
	CHECK_STRING("\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"");
	CHECK_STRING("x\xe2\x82", "\"x" FFFD FFFD "\"");
	CHECK_STRING("\xe2\x82z", "\"" FFFD FFFD "z\"");
	CHECK_STRING("\x80\xbf", "\"" FFFD FFFD "\"");
	CHECK_STRING("\xf5\x80\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"");
}

TEST(json_jw_stream)
{
	static const char want[] =
	    "{\"id\":1234567890123456789,\"neg\":-9223372036854775808,"
	    "\"list\":[1,\"two\",true,false,null,[],{},{\"r\":[1]},[[0]]],"
	    "\"esc\\\"key\":\"a\\\"b\\\\c\\n\\u0001\\u007f/\xc3\xa9\","
	    "\"bad\":\"x" FFFD "y" FFFD FFFD "\",\"nul\":\"a\\u0000b\","
	    "\"o\":{\"k\":{},\"k2\":null,\"k3\":[]}}";
	struct zp_buf b = ZP_BUF_INIT;
	struct zp_jw w;

	zp_jw_init(&w, &b);
	zp_jw_object(&w);
	zp_jw_key(&w, "id");
	zp_jw_int(&w, 1234567890123456789LL);
	zp_jw_key(&w, "neg");
	zp_jw_int(&w, LLONG_MIN);
	zp_jw_key(&w, "list");
	zp_jw_array(&w);
	zp_jw_int(&w, 1);
	zp_jw_str(&w, "two");
	zp_jw_bool(&w, 7);
	zp_jw_bool(&w, 0);
	zp_jw_null(&w);
	zp_jw_array(&w);
	zp_jw_end(&w);
	zp_jw_object(&w);
	zp_jw_end(&w);
	zp_jw_raw(&w, "{\"r\":[1]}", 9);
	zp_jw_array(&w);
	zp_jw_array(&w);
	zp_jw_int(&w, 0);
	zp_jw_end(&w);
	zp_jw_end(&w);
	zp_jw_end(&w);
	zp_jw_key(&w, "esc\"key");
	zp_jw_str(&w, "a\"b\\c\n\x01\x7f/\xc3\xa9");
	zp_jw_key(&w, "bad");
	zp_jw_strn(&w, "x\xffy\xc0\x80", 5);
	zp_jw_key(&w, "nul");
	zp_jw_strn(&w, "a\0b", 3);
	zp_jw_key(&w, "o");
	zp_jw_object(&w);
	zp_jw_key(&w, "k");
	zp_jw_object(&w);
	zp_jw_end(&w);
	zp_jw_key(&w, "k2");
	zp_jw_null(&w);
	zp_jw_key(&w, "k3");
	zp_jw_array(&w);
	zp_jw_end(&w);
	zp_jw_end(&w);
	zp_jw_end(&w);
	CHECK_INT(zp_jw_finish(&w), 0);
	CHECK_MEM(b.data, b.len, want, sizeof(want) - 1);
	CHECK_INT(zp_json_validate(b.data, b.len, NULL), 0);
	zp_buf_release(&b);
}

TEST(json_jw_scalar_root)
{
	struct zp_buf b = ZP_BUF_INIT;
	struct zp_jw w;

	zp_jw_init(&w, &b);
	zp_jw_str(&w, "x");
	CHECK_INT(zp_jw_finish(&w), 0);
	CHECK_MEM(b.data, b.len, "\"x\"", 3);
	zp_buf_reset(&b);
	zp_jw_init(&w, &b);
	zp_jw_int(&w, -42);
	CHECK_INT(zp_jw_finish(&w), 0);
	CHECK_MEM(b.data, b.len, "-42", 3);
	zp_buf_release(&b);
}

TEST(json_jw_errors)
{
	struct zp_buf b = ZP_BUF_INIT;
	struct zp_jw w;
	int i;

	zp_jw_init(&w, &b);
	zp_jw_object(&w);
	zp_jw_key(&w, "a");
	zp_jw_array(&w);
	zp_jw_end(&w);
	CHECK_INT(zp_jw_finish(&w), ZP_EINVAL); /* the object is open */

	zp_buf_reset(&b);
	zp_jw_init(&w, &b);
	zp_jw_array(&w);
	zp_jw_end(&w);
	zp_jw_end(&w);
	CHECK_INT(zp_jw_finish(&w), ZP_EINVAL); /* one end too many */

	zp_buf_reset(&b);
	zp_jw_init(&w, &b);
	zp_jw_end(&w);
	zp_jw_array(&w);
	zp_jw_end(&w);
	CHECK_INT(zp_jw_finish(&w), ZP_EINVAL); /* the first error stays */

	/* Too deep: the first error is kept, even after unbalanced ends. */
	zp_buf_reset(&b);
	zp_jw_init(&w, &b);
	for (i = 0; i < ZP_JSON_DEFAULT_DEPTH + 10; i++)
		zp_jw_array(&w);
	for (i = 0; i < ZP_JSON_DEFAULT_DEPTH + 10; i++)
		zp_jw_end(&w);
	CHECK_INT(zp_jw_finish(&w), ZP_EDEPTH);

	/* Just inside the limit is fine. */
	zp_buf_reset(&b);
	zp_jw_init(&w, &b);
	for (i = 0; i < ZP_JSON_DEFAULT_DEPTH - 1; i++)
		zp_jw_array(&w);
	for (i = 0; i < ZP_JSON_DEFAULT_DEPTH - 1; i++)
		zp_jw_end(&w);
	CHECK_INT(zp_jw_finish(&w), 0);
	CHECK_INT(b.len, 2 * (ZP_JSON_DEFAULT_DEPTH - 1));
	zp_buf_release(&b);
}

/* --- errors ---------------------------------------------------------- */

TEST(json_err_strings)
{
	CHECK_ERR("\"abc", 0, "unterminated string");
	CHECK_ERR("[1,\"abc", 3, "unterminated string");
	CHECK_ERR("\"abc\\", 0, "unterminated string");
	CHECK_ERR("{\"k", 1, "unterminated string");
	CHECK_ERR("\"a\x01z\"", 2, "control character in string");
	CHECK_ERR("\"a\nb\"", 2, "control character in string");
	CHECK_ERR("\"\t\"", 1, "control character in string");
	CHECK_ERR(
	    "[\"0123456789abcdef\x1f\"]", 18, "control character in string");
	CHECK_ERR("\"a\\x\"", 2, "invalid escape in string");
	CHECK_ERR("\"\\U0041\"", 1, "invalid escape in string");
	CHECK_ERR("\"\\'\"", 1, "invalid escape in string");
	CHECK_ERR("\"\\u12G4\"", 1, "\\u escape needs four hex digits");
	CHECK_ERR("\"\\u12\"", 1, "\\u escape needs four hex digits");
	CHECK_ERR("\"\\u12", 1, "\\u escape needs four hex digits");
	CHECK_ERR("\"ab\\ud83d\"", 3,
	    "high surrogate not followed by a low surrogate");
	CHECK_ERR("\"\\ud83dx\\ude00\"", 1,
	    "high surrogate not followed by a low surrogate");
	CHECK_ERR("\"\\ud83d\\u0041\"", 1,
	    "high surrogate not followed by a low surrogate");
	CHECK_ERR("\"\\ud83d\\ud83d\\ude00\"", 1,
	    "high surrogate not followed by a low surrogate");
	CHECK_ERR("\"\\ud83d\\n\"", 1,
	    "high surrogate not followed by a low surrogate");
	CHECK_ERR("\"\\ude00\"", 1, "lone low surrogate in \\u escape");
	CHECK_ERR("\"x\\ud83d\\ude00\\udfff\"", 14,
	    "lone low surrogate in \\u escape");
}

TEST(json_err_utf8)
{
	CHECK_ERR("\"\xc0\x80\"", 1, "invalid UTF-8 in string");
	CHECK_ERR("\"\xc1\xbf\"", 1, "invalid UTF-8 in string");
	CHECK_ERR("\"\xe0\x80\x80\"", 1, "invalid UTF-8 in string");
	CHECK_ERR("\"\xe0\x9f\xbf\"", 1, "invalid UTF-8 in string");
	CHECK_ERR("\"ab\xed\xa0\x80\"", 3, "invalid UTF-8 in string");
	CHECK_ERR("\"\xed\xbf\xbf\"", 1, "invalid UTF-8 in string");
	CHECK_ERR("\"\xf0\x80\x80\x80\"", 1, "invalid UTF-8 in string");
	CHECK_ERR("\"\xf0\x8f\xbf\xbf\"", 1, "invalid UTF-8 in string");
	CHECK_ERR("\"\xf4\x90\x80\x80\"", 1, "invalid UTF-8 in string");
	CHECK_ERR("\"\xf5\x80\x80\x80\"", 1, "invalid UTF-8 in string");
	CHECK_ERR("\"\xff\"", 1, "invalid UTF-8 in string");
	CHECK_ERR("\"\x80\"", 1, "invalid UTF-8 in string");
	CHECK_ERR("\"\xbf\"", 1, "invalid UTF-8 in string");
	/* Truncated sequences: cut by the quote or by the end of input. */
	CHECK_ERR("\"\xe2\x82\"", 1, "invalid UTF-8 in string");
	CHECK_ERR("\"ab\xf0\x9f\x98\"", 3, "invalid UTF-8 in string");
	CHECK_ERR("\"\xc3", 1, "invalid UTF-8 in string");
	CHECK_ERR("\"\xf0\x9f\x98", 1, "invalid UTF-8 in string");
	/* A bad continuation byte after a good lead. */
	CHECK_ERR("\"\xe2\x28\xa1\"", 1, "invalid UTF-8 in string");
	CHECK_ERR("\"\xf0\x9f\x98\x28\"", 1, "invalid UTF-8 in string");
	/* Past the vectorized scan: the offset is still exact. */
	CHECK_ERR("[\"0123456789abcdefghij\xc0\x80\"]", 22,
	    "invalid UTF-8 in string");
	CHECK_ERR("{\"0123456789abcdefghij\xed\xa0\x80\":1}", 22,
	    "invalid UTF-8 in string");
	/* A byte order mark is not JSON. */
	CHECK_ERR("\xef\xbb\xbf{}", 0, "byte order mark or stray UTF-8");
	CHECK_ERR("\xc3\xa9", 0, "unexpected character");
}

TEST(json_err_every_position)
{
	/* A bad byte at each offset of the 8-byte fast scan is found. */
	static const struct {
		char c;
		const char *reason;
	} bad[] = {
	    {'\0', "control character in string"},
	    {'\x1f', "control character in string"},
	    {'\n', "control character in string"},
	    {'\x80', "invalid UTF-8 in string"},
	    {'\xc1', "invalid UTF-8 in string"},
	    {'\xff', "invalid UTF-8 in string"},
	    {'\\', "invalid escape in string"},
	};
	char s[28];
	size_t i, k;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (k = 0; k < 24; k++) {
			memset(s, 'a', sizeof(s));
			s[0] = '"';
			s[1 + k] = bad[i].c;
			s[26] = '"';
			s[27] = '\0';
			check_err(__FILE__, __LINE__, s, 27, ZP_EPARSE, 1 + k,
			    bad[i].reason);
		}
	}
	/* A quote anywhere ends the string early. */
	for (k = 0; k < 24; k++) {
		memset(s, 'a', sizeof(s));
		s[0] = '"';
		s[1 + k] = '"';
		s[26] = '"';
		check_err(__FILE__, __LINE__, s, 27, ZP_EPARSE, 2 + k,
		    "trailing characters after value");
	}
}

TEST(json_err_numbers)
{
	CHECK_ERR("01", 1, "leading zero in number");
	CHECK_ERR("[-012]", 3, "leading zero in number");
	CHECK_ERR("00", 1, "leading zero in number");
	CHECK_ERR("1.", 2, "expected digit after decimal point");
	CHECK_ERR("[1.]", 3, "expected digit after decimal point");
	CHECK_ERR("1.e5", 2, "expected digit after decimal point");
	CHECK_ERR("1e", 2, "expected digit in exponent");
	CHECK_ERR("1E+", 3, "expected digit in exponent");
	CHECK_ERR("[1e-]", 4, "expected digit in exponent");
	CHECK_ERR("-", 1, "expected digit in number");
	CHECK_ERR("[-]", 2, "expected digit in number");
	CHECK_ERR("-a", 1, "expected digit in number");
	CHECK_ERR("-.5", 1, "expected digit in number");
	CHECK_ERR(".5", 0, "unexpected character");
	CHECK_ERR("+1", 0, "unexpected character");
	CHECK_ERR("1.5.2", 3, "trailing characters after value");
	CHECK_ERR("0x10", 1, "trailing characters after value");
	CHECK_ERR("[1e5e5]", 4, "expected ',' or ']'");
}

TEST(json_err_structure)
{
	CHECK_ERR("[1,]", 3, "unexpected character");
	CHECK_ERR("[,1]", 1, "unexpected character");
	CHECK_ERR("{\"a\":1,}", 7, "expected string key");
	CHECK_ERR("{,}", 1, "expected string key");
	CHECK_ERR("{1:2}", 1, "expected string key");
	CHECK_ERR("{'a':1}", 1, "expected string key");
	CHECK_ERR("{\"a\" 1}", 5, "expected ':' after key");
	CHECK_ERR("{\"a\"}", 4, "expected ':' after key");
	CHECK_ERR("{\"a\":}", 5, "unexpected character");
	CHECK_ERR("[1 2]", 3, "expected ',' or ']'");
	CHECK_ERR("[1}", 2, "expected ',' or ']'");
	CHECK_ERR("{\"a\":1]", 6, "expected ',' or '}'");
	CHECK_ERR("{\"a\":1 \"b\":2}", 7, "expected ',' or '}'");
	CHECK_ERR("]", 0, "unexpected character");
	CHECK_ERR("}", 0, "unexpected character");
	CHECK_ERR("{} x", 3, "trailing characters after value");
	CHECK_ERR("[]]", 2, "trailing characters after value");
	CHECK_ERR("1 2", 2, "trailing characters after value");
	CHECK_ERR("null\0", 4, "trailing characters after value");
	CHECK_ERR("tru", 0, "invalid literal");
	CHECK_ERR("[nul]", 1, "invalid literal");
	CHECK_ERR("nan", 0, "invalid literal");
	CHECK_ERR("True", 0, "unexpected character");
	CHECK_ERR("truex", 4, "trailing characters after value");
	CHECK_ERR("[truex]", 5, "expected ',' or ']'");
	CHECK_ERR("\v1", 0, "unexpected character");
	CHECK_ERR("\f[]", 0, "unexpected character");
}

TEST(json_err_end_of_input)
{
	CHECK_ERR("", 0, "unexpected end of input");
	CHECK_ERR("  \n", 3, "unexpected end of input");
	CHECK_ERR("[", 1, "unexpected end of input");
	CHECK_ERR("[1,2", 4, "unexpected end of input");
	CHECK_ERR("[1,", 3, "unexpected end of input");
	CHECK_ERR("{", 1, "unexpected end of input");
	CHECK_ERR("{\"a\"", 4, "unexpected end of input");
	CHECK_ERR("{\"a\":", 5, "unexpected end of input");
	CHECK_ERR("{\"a\":1 ", 7, "unexpected end of input");
	CHECK_ERR("\0", 0, "unexpected character");
}

/* nested_objects returns {"":{"":...{}...}} n deep; caller frees. */
static char *
nested_objects(int n)
{
	char *s = malloc((size_t)n * 5 + 1);
	int i;

	if (s == NULL)
		abort();
	for (i = 0; i < n; i++) {
		memcpy(s + 4 * i, i == n - 1 ? "{   " : "{\"\":", 4);
		s[4 * n + i] = '}';
	}
	s[5 * n] = '\0';
	return s;
}

/* check_depth checks both parsers on s against code, then frees s. */
static void
check_depth(const char *file, int line, char *s, int code, size_t offset)
{
	const char *why = "nesting deeper than the depth limit";
	struct doc d;
	int rc, bad;

	doc_parse(&d, s, strlen(s));
	bad = d.rc != code;
	if (code != 0 && !bad)
		bad = d.p.err.offset != offset || strcmp(d.p.err.reason, why);
	if (bad)
		zp_test_failf(file, line,
		    "depth: rc %d at %zu, want %d at %zu", d.rc,
		    d.p.err.offset, code, offset);
	doc_free(&d);
	rc = zp_json_validate(s, strlen(s), NULL);
	if (rc != code)
		zp_test_failf(file, line, "validate: %d, want %d", rc, code);
	free(s);
}

TEST(json_err_depth)
{
	const int lim = ZP_JSON_DEFAULT_DEPTH;

	check_depth(__FILE__, __LINE__, nested(lim, '[', ']'), 0, 0);
	check_depth(__FILE__, __LINE__, nested(lim + 1, '[', ']'), ZP_EDEPTH,
	    (size_t)lim);
	check_depth(__FILE__, __LINE__, nested(lim * 4, '[', ']'), ZP_EDEPTH,
	    (size_t)lim);
	check_depth(__FILE__, __LINE__, nested_objects(lim), 0, 0);
	check_depth(__FILE__, __LINE__, nested_objects(lim + 1), ZP_EDEPTH,
	    4 * (size_t)lim);
}

TEST(json_depth_max_limit)
{
	char *ok = nested(ZP_JSON_MAX_DEPTH, '[', ']');
	char *deep = nested(ZP_JSON_MAX_DEPTH + 1, '[', ']');
	struct zp_arena a = ZP_ARENA_INIT;
	struct zp_buf b = ZP_BUF_INIT;
	struct zp_json_parser p;
	struct zp_json *v = NULL;

	zp_json_parser_init(&p, &a);
	p.max_depth = ZP_JSON_MAX_DEPTH;
	CHECK_INT(zp_json_parse(&p, ok, strlen(ok), &v), 0);
	CHECK(v != NULL && zp_json_write(&b, v) == 0);
	CHECK_MEM(b.data, b.len, ok, strlen(ok));
	CHECK_INT(zp_json_parse(&p, deep, strlen(deep), &v), ZP_EDEPTH);
	CHECK_INT(p.err.offset, ZP_JSON_MAX_DEPTH);
	zp_json_parser_release(&p);
	zp_arena_release(&a);
	zp_buf_release(&b);
	free(ok);
	free(deep);
}

TEST(json_validate)
{
	static const char ok[] = "{\"a\":[1,2,{\"b\":null}]}";
	struct zp_json_error e = {0, NULL};

	CHECK_INT(zp_json_validate(ok, sizeof(ok) - 1, &e), 0);
	CHECK(e.reason == NULL); /* untouched on success */
	CHECK_INT(zp_json_validate(" 1 ", 3, NULL), 0);
	CHECK_INT(zp_json_validate("[1,]", 4, NULL), ZP_EPARSE);
	CHECK_INT(zp_json_validate("[1,]", 4, &e), ZP_EPARSE);
	CHECK_INT(e.offset, 3);
	CHECK_STR(e.reason, "unexpected character");
	/* Only len bytes count: what follows is not looked at. */
	CHECK_INT(zp_json_validate("[1]garbage", 3, NULL), 0);
	CHECK_INT(zp_json_validate("\"ab\"", 2, &e), ZP_EPARSE);
	CHECK_STR(e.reason, "unterminated string");
}
