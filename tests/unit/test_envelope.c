/*
 * test_envelope.c - reading, describing, rewriting and building the v1
 * envelope.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "envelope.h"
#include "error.h"
#include "json.h"

/* parse runs zp_env_parse over the C string s. */
static int
parse(struct zp_envelope *e, const char *s)
{
	return zp_env_parse(e, s, strlen(s));
}

/* described returns zp_env_describe of rc, in a static buffer. */
static const char *
described(const struct zp_envelope *e, int rc)
{
	static struct zp_buf b;

	zp_buf_release(&b);
	zp_env_describe(e, rc, &b);
	return b.data != NULL ? b.data : "(nothing)";
}

/* slice_is tells whether s holds exactly the bytes of text. */
static int
slice_is(struct zp_slice s, const char *text)
{
	return s.p != NULL && s.n == strlen(text) &&
	    memcmp(s.p, text, s.n) == 0;
}

/* is_hex_id tells whether s is 32 lowercase hexadecimal characters. */
static int
is_hex_id(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != 32)
		return 0;
	for (i = 0; i < 32; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static const char full[] =
    "{\"v\":1,\"id\":\"9f2c00000000000000000000000000ab\",\"kind\":\"page\","
    "\"account\":\"acme\",\"method\":\"GET\","
    "\"path\":\"/v2/past_meetings/a%252Fb%3D%3D/participants"
    "?page_size=300\","
    "\"endpoint\":\"/v2/past_meetings/{meetingId}/participants\","
    "\"x-trace\":{\"a\":[1, 2]},\"status\":200,"
    "\"at\":\"2026-11-22T03:00:00Z\","
    "\"body\":{\"participants\":[{\"id\":\"u1\","
    "\"n\":1234567890123456789}],\"next_page_token\":\"\"},"
    "\"zz\" : \"last\" }";

static const char full_body[] =
    "{\"participants\":[{\"id\":\"u1\","
    "\"n\":1234567890123456789}],\"next_page_token\":\"\"}";

/* --- parse ----------------------------------------------------------- */

TEST(envelope_parse_full)
{
	struct zp_envelope e;

	zp_env_init(&e);
	CHECK_INT(parse(&e, full), 0);
	CHECK_STR(e.id, "9f2c00000000000000000000000000ab");
	CHECK_STR(e.kind, "page");
	CHECK_STR(e.account, "acme");
	CHECK_STR(e.method, "GET");
	CHECK_STR(e.path,
	    "/v2/past_meetings/a%252Fb%3D%3D/participants?page_size=300");
	CHECK_STR(e.endpoint, "/v2/past_meetings/{meetingId}/participants");
	CHECK_STR(e.at, "2026-11-22T03:00:00Z");
	CHECK_INT(e.status, 200);
	CHECK(e.raw.p == full);
	CHECK_INT(e.raw.n, strlen(full));
	CHECK(e.why == NULL);
	CHECK(zp_env_is(&e, "page"));
	CHECK(!zp_env_is(&e, "eos"));
	CHECK(!zp_env_is(&e, "pag"));
	zp_env_release(&e);
}

TEST(envelope_body_is_raw_slice)
{
	struct zp_envelope e;
	const char *at;

	zp_env_init(&e);
	CHECK_INT(parse(&e, full), 0);
	CHECK(slice_is(e.body, full_body));
	at = strstr(full, full_body);
	CHECK(at != NULL && e.body.p == at);
	zp_env_release(&e);
}

TEST(envelope_body_slice_keeps_inner_whitespace)
{
	const char *msg = "{ \"body\" : [ 1 ,\t{\"a\" : null} ] ,"
			  " \"kind\":\"page\", \"v\" : 1 }\r\n";
	struct zp_envelope e;

	zp_env_init(&e);
	CHECK_INT(parse(&e, msg), 0);
	CHECK(slice_is(e.body, "[ 1 ,\t{\"a\" : null} ]"));
	CHECK(e.body.p == msg + 11);
	zp_env_release(&e);
}

TEST(envelope_body_scalar_and_null)
{
	struct zp_envelope e;

	zp_env_init(&e);
	CHECK_INT(
	    parse(&e, "{\"v\":1,\"kind\":\"page\",\"body\":\"text\"}"), 0);
	CHECK(slice_is(e.body, "\"text\""));
	CHECK_INT(parse(&e, "{\"v\":1,\"kind\":\"page\",\"body\":null}"), 0);
	CHECK(slice_is(e.body, "null"));
	CHECK_INT(parse(&e, "{\"v\":1,\"kind\":\"page\"}"), 0);
	CHECK(e.body.p == NULL);
	CHECK_INT(e.body.n, 0);
	zp_env_release(&e);
}

TEST(envelope_unknown_fields_in_order)
{
	struct zp_envelope e;

	zp_env_init(&e);
	CHECK_INT(parse(&e, full), 0);
	CHECK_INT(e.nextra, 2);
	if (e.nextra == 2) {
		CHECK(slice_is(e.extra[0].key, "x-trace"));
		CHECK(slice_is(e.extra[0].value, "{\"a\":[1, 2]}"));
		CHECK(slice_is(e.extra[1].key, "zz"));
		CHECK(slice_is(e.extra[1].value, "\"last\""));
	}
	zp_env_release(&e);
}

TEST(envelope_many_unknown_fields)
{
	struct zp_buf msg = ZP_BUF_INIT;
	struct zp_envelope e;
	char key[32], value[32];
	int i, ok = 1;

	zp_buf_puts(&msg, "{\"v\":1,\"kind\":\"event\"");
	for (i = 0; i < 100; i++)
		zp_buf_printf(&msg, ",\"k%d\":[%d]", i, i);
	zp_buf_puts(&msg, ",\"k\\\"q\":\"a\\nb\"}");
	zp_env_init(&e);
	CHECK_INT(zp_env_parse(&e, msg.data, msg.len), 0);
	CHECK_INT(e.nextra, 101);
	for (i = 0; i < 100 && e.nextra == 101; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		snprintf(value, sizeof(value), "[%d]", i);
		if (!slice_is(e.extra[i].key, key) ||
		    !slice_is(e.extra[i].value, value))
			ok = 0;
	}
	CHECK(ok);
	if (e.nextra == 101) {
		/* An unknown key stays escaped, as it was read. */
		CHECK(slice_is(e.extra[100].key, "k\\\"q"));
		CHECK(slice_is(e.extra[100].value, "\"a\\nb\""));
	}
	zp_env_release(&e);
	zp_buf_release(&msg);
}

TEST(envelope_escaped_known_fields)
{
	struct zp_envelope e;

	zp_env_init(&e);
	CHECK_INT(parse(&e,
		      "{\"v\":1,\"kind\":\"p\\u0061ge\","
		      "\"path\":\"\\/v2\\/users\","
		      "\"account\":\"caf\\u00e9 \\\"x\\\"\","
		      "\"method\":\"G\\u0045T\","
		      "\"endpoint\":\"\\ud83d\\ude00\\t\"}"),
	    0);
	CHECK_STR(e.kind, "page");
	CHECK_STR(e.path, "/v2/users");
	CHECK_STR(e.account, "caf\xc3\xa9 \"x\"");
	CHECK_STR(e.method, "GET");
	CHECK_STR(e.endpoint, "\xf0\x9f\x98\x80\t");
	CHECK(zp_env_is(&e, "page"));
	zp_env_release(&e);
}

TEST(envelope_escaped_keys_are_known)
{
	struct zp_envelope e;
	int rc;

	zp_env_init(&e);
	CHECK_INT(parse(&e,
		      "{\"\\u0076\":1,\"\\u006bind\":\"page\","
		      "\"b\\u006fdy\":[1],\"st\\u0061tus\":201}"),
	    0);
	CHECK_STR(e.kind, "page");
	CHECK_INT(e.status, 201);
	CHECK(slice_is(e.body, "[1]"));
	CHECK_INT(e.nextra, 0);
	/* A key spelled twice, once escaped, is a duplicate. */
	rc = parse(&e,
	    "{\"v\":1,\"kind\":\"page\",\"body\":1,"
	    "\"\\u0062ody\":2}");
	CHECK_INT(rc, ZP_EENVELOPE);
	CHECK_STR(described(&e, rc), "duplicate field 'body'");
	rc = parse(&e, "{\"v\":1,\"\\u0076\":1,\"kind\":\"page\"}");
	CHECK_INT(rc, ZP_EENVELOPE);
	CHECK_STR(described(&e, rc), "duplicate field 'v'");
	zp_env_release(&e);
}

TEST(envelope_null_fields_are_absent)
{
	struct zp_envelope e;

	zp_env_init(&e);
	CHECK_INT(parse(&e,
		      "{\"v\":1,\"kind\":\"page\",\"id\":null,"
		      "\"status\":null,\"path\":null}"),
	    0);
	CHECK(e.id == NULL);
	CHECK(e.path == NULL);
	CHECK(e.account == NULL);
	CHECK_INT(e.status, -1);
	zp_env_release(&e);
}

TEST(envelope_unknown_kind_passes)
{
	struct zp_envelope e;

	zp_env_init(&e);
	CHECK_INT(parse(&e, "{\"kind\":\"future-thing\",\"v\":1}"), 0);
	CHECK_STR(e.kind, "future-thing");
	CHECK(e.id == NULL && e.at == NULL && e.method == NULL);
	zp_env_release(&e);
}

/* --- version --------------------------------------------------------- */

TEST(envelope_version_accepted)
{
	static const char *const ok[] = {"1", "1.0", "1.2", "1.20", "1.999"};
	struct zp_envelope e;
	char msg[64];
	size_t i;

	zp_env_init(&e);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(
		    msg, sizeof(msg), "{\"v\":%s,\"kind\":\"page\"}", ok[i]);
		CHECK_INT(parse(&e, msg), 0);
		CHECK_STR(e.kind, "page");
	}
	zp_env_release(&e);
}

TEST(envelope_version_unsupported)
{
	static const char *const vs[] = {
	    "2", "2.0", "0", "0.9", "10", "10000", "99999999999999999999999"};
	struct zp_envelope e;
	char msg[96];
	size_t i;
	int rc;

	zp_env_init(&e);
	for (i = 0; i < sizeof(vs) / sizeof(vs[0]); i++) {
		snprintf(
		    msg, sizeof(msg), "{\"v\":%s,\"kind\":\"page\"}", vs[i]);
		rc = parse(&e, msg);
		CHECK_INT(rc, ZP_EVERSION);
		CHECK_STR(described(&e, rc),
		    "unsupported envelope version (this build reads v1)");
	}
	/* A newer major version wins over other complaints. */
	CHECK_INT(parse(&e, "{\"v\":2}"), ZP_EVERSION);
	zp_env_release(&e);
}

TEST(envelope_version_not_a_number)
{
	static const struct {
		const char *v;
		const char *why;
	} bad[] = {
	    {"\"1\"", "field 'v' is not a number"},
	    {"null", "field 'v' is not a number"},
	    {"true", "field 'v' is not a number"},
	    {"[1]", "field 'v' is not a number"},
	    {"-1", "field 'v' is not a version number"},
	    {"1e0", "field 'v' is not a version number"},
	    {"1.5e3", "field 'v' is not a version number"},
	};
	struct zp_envelope e;
	char msg[64];
	size_t i;
	int rc;

	zp_env_init(&e);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(msg, sizeof(msg), "{\"v\":%s,\"kind\":\"page\"}",
		    bad[i].v);
		rc = parse(&e, msg);
		CHECK_INT(rc, ZP_EENVELOPE);
		CHECK_STR(e.why, bad[i].why);
	}
	zp_env_release(&e);
}

/* --- not an envelope ------------------------------------------------- */

/* check_rejected checks that msg is ZP_EENVELOPE for the reason why. */
static void
check_rejected(const char *msg, const char *why)
{
	struct zp_envelope e;
	int rc;

	zp_env_init(&e);
	rc = parse(&e, msg);
	CHECK_INT(rc, ZP_EENVELOPE);
	CHECK_STR(e.why, why);
	CHECK_STR(described(&e, rc), why);
	zp_env_release(&e);
}

TEST(envelope_missing_v)
{
	check_rejected("{\"kind\":\"page\"}", "missing field 'v'");
	check_rejected("{}", "missing field 'v'");
}

TEST(envelope_missing_kind)
{
	check_rejected("{\"v\":1}", "missing field 'kind'");
	check_rejected("{\"v\":1,\"kind\":null}", "missing field 'kind'");
	check_rejected("{\"v\":1,\"Kind\":\"page\"}", "missing field 'kind'");
}

TEST(envelope_not_an_object)
{
	static const char *const msgs[] = {
	    "[]", "[{\"v\":1}]", "\"page\"", "1", "null", "true"};
	size_t i;

	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++)
		check_rejected(msgs[i], "envelope is not a JSON object");
}

TEST(envelope_wrong_types)
{
	const char *str_why = "a known field (id, kind, account, method, "
			      "path, endpoint, at) is not a string";

	check_rejected("{\"v\":1,\"kind\":1}", str_why);
	check_rejected("{\"v\":1,\"kind\":\"page\",\"id\":{}}", str_why);
	check_rejected("{\"v\":1,\"kind\":\"page\",\"at\":[]}", str_why);
	check_rejected("{\"v\":1,\"kind\":\"page\",\"path\":true}", str_why);
	check_rejected("{\"v\":1,\"kind\":\"page\",\"status\":\"200\"}",
	    "field 'status' is not an integer");
	check_rejected("{\"v\":1,\"kind\":\"page\",\"status\":-1}",
	    "field 'status' is not an integer");
	check_rejected("{\"v\":1,\"kind\":\"page\",\"status\":2.5}",
	    "field 'status' is not an integer");
	check_rejected("{\"v\":1,\"kind\":\"page\",\"status\":2e2}",
	    "field 'status' is not an integer");
	check_rejected("{\"v\":1,\"kind\":\"page\","
		       "\"status\":99999999999999999999}",
	    "field 'status' is not an integer");
}

TEST(envelope_duplicates)
{
	check_rejected(
	    "{\"v\":1,\"v\":1,\"kind\":\"page\"}", "duplicate field 'v'");
	check_rejected("{\"v\":1,\"kind\":\"page\",\"kind\":\"page\"}",
	    "duplicate known field");
	check_rejected("{\"v\":1,\"kind\":\"page\",\"id\":null,\"id\":\"x\"}",
	    "duplicate known field");
	check_rejected("{\"v\":1,\"kind\":null,\"kind\":\"page\"}",
	    "duplicate known field");
	check_rejected("{\"v\":1,\"kind\":\"page\",\"at\":\"x\",\"at\":null}",
	    "duplicate known field");
	check_rejected("{\"v\":1,\"kind\":\"page\",\"status\":1,"
		       "\"status\":2}",
	    "duplicate field 'status'");
	check_rejected("{\"v\":1,\"kind\":\"page\",\"body\":{},\"body\":{}}",
	    "duplicate field 'body'");
}

TEST(envelope_first_reason_wins)
{
	check_rejected("{\"v\":1,\"kind\":2,\"status\":\"x\"}",
	    "a known field (id, kind, account, method, path, endpoint, at) "
	    "is not a string");
	check_rejected("{\"status\":\"x\",\"kind\":2}",
	    "field 'status' is not an integer");
}

/* --- malformed JSON -------------------------------------------------- */

/* check_malformed checks that msg is ZP_EPARSE at byte offset. */
static void
check_malformed(const char *msg, size_t offset)
{
	struct zp_envelope e;
	char want[32];
	int rc;

	zp_env_init(&e);
	rc = parse(&e, msg);
	CHECK_INT(rc, ZP_EPARSE);
	CHECK_INT(e.err.offset, offset);
	CHECK(e.err.reason != NULL && e.err.reason[0] != '\0');
	snprintf(want, sizeof(want), "byte %zu: ", offset);
	CHECK(strncmp(described(&e, rc), want, strlen(want)) == 0);
	if (e.err.reason != NULL)
		CHECK_STR(described(&e, rc) + strlen(want), e.err.reason);
	zp_env_release(&e);
}

TEST(envelope_malformed_json)
{
	check_malformed("", 0);
	check_malformed("{\"v\":1,\"kind\":\"page\"", 20);
	check_malformed("{\"v\":1,\"kind\":\"page\",\"x\":tru}", 25);
	check_malformed("{\"v\":1,\"kind\":\"page\"} {}", 22);
	check_malformed("{\"v\":1,\"kind\":\"page\",\"body\":{\"a\":1,}}", 35);
	check_malformed("{\"v\":1 \"kind\":\"page\"}", 7);
	check_malformed("{\"v\":1,\"kind\":\"pa\xffge\"}", 17);
}

TEST(envelope_malformed_reason_text)
{
	struct zp_envelope e;
	int rc;

	zp_env_init(&e);
	rc = parse(&e, "{\"v\":1,\"kind\":\"page\"} x");
	CHECK_INT(rc, ZP_EPARSE);
	CHECK_STR(e.err.reason, "trailing characters after value");
	CHECK_STR(
	    described(&e, rc), "byte 22: trailing characters after value");
	rc = parse(&e, "{\"v\":1,\"kind\":\"page\"");
	CHECK_STR(described(&e, rc), "byte 20: unexpected end of input");
	zp_env_release(&e);
}

TEST(envelope_too_deep)
{
	struct zp_buf msg = ZP_BUF_INIT;
	struct zp_envelope e;
	int i, rc;

	zp_buf_puts(&msg, "{\"v\":1,\"kind\":\"page\",\"body\":");
	for (i = 0; i < 5000; i++)
		zp_buf_putc(&msg, '[');
	for (i = 0; i < 5000; i++)
		zp_buf_putc(&msg, ']');
	zp_buf_putc(&msg, '}');
	zp_env_init(&e);
	rc = zp_env_parse(&e, msg.data, msg.len);
	CHECK_INT(rc, ZP_EDEPTH);
	CHECK(strncmp(described(&e, rc), "byte ", 5) == 0);
	zp_env_release(&e);
	zp_buf_release(&msg);
}

TEST(envelope_failure_clears_fields)
{
	struct zp_envelope e;

	zp_env_init(&e);
	CHECK_INT(parse(&e, full), 0);
	CHECK_INT(
	    parse(&e, "{\"v\":1,\"kind\":\"page\",\"id\":\"x\""), ZP_EPARSE);
	CHECK(e.kind == NULL && e.id == NULL && e.path == NULL);
	CHECK(e.body.p == NULL);
	CHECK_INT(e.nextra, 0);
	CHECK_INT(e.status, -1);
	CHECK_INT(parse(&e, full), 0);
	CHECK_INT(
	    parse(&e, "{\"v\":1,\"id\":\"x\",\"status\":200}"), ZP_EENVELOPE);
	CHECK(e.kind == NULL);
	CHECK_INT(parse(&e, "{\"v\":1,\"kind\":\"eos\"}"), 0);
	CHECK(e.why == NULL);
	CHECK(e.err.reason == NULL);
	zp_env_release(&e);
}

/* --- describe -------------------------------------------------------- */

TEST(envelope_describe_other_codes)
{
	struct zp_envelope e;

	zp_env_init(&e);
	CHECK_STR(described(&e, ZP_EIO), "input/output error");
	CHECK_STR(described(&e, ZP_ENOMEM), "out of memory");
	CHECK_INT(parse(&e, "{\"v\":1}"), ZP_EENVELOPE);
	CHECK_STR(described(&e, ZP_EENVELOPE), "missing field 'kind'");
	zp_env_release(&e);
}

TEST(envelope_describe_appends)
{
	struct zp_envelope e;
	struct zp_buf b = ZP_BUF_INIT;
	int rc;

	zp_env_init(&e);
	rc = parse(&e, "[]");
	zp_buf_puts(&b, "line 3: ");
	zp_env_describe(&e, rc, &b);
	CHECK_STR(b.data, "line 3: envelope is not a JSON object");
	zp_buf_release(&b);
	zp_env_release(&e);
}

/* --- body DOM -------------------------------------------------------- */

TEST(envelope_body_dom)
{
	struct zp_envelope e;
	struct zp_json_parser p;
	struct zp_json *root = NULL, dummy;
	const struct zp_json *v, *n;

	zp_env_init(&e);
	zp_json_parser_init(&p, NULL);
	CHECK_INT(parse(&e, full), 0);
	CHECK_INT(zp_env_body_dom(&e, &p, &root), 0);
	CHECK(root != NULL && root->type == ZP_JSON_OBJECT);
	if (root != NULL) {
		CHECK_INT(root->n, 2);
		v = zp_json_get(root, "participants");
		CHECK(v != NULL && v->type == ZP_JSON_ARRAY && v->n == 1);
		if (v != NULL && v->type == ZP_JSON_ARRAY && v->n == 1) {
			CHECK(zp_json_is_str(
			    zp_json_get(&v->u.items[0], "id"), "u1"));
			n = zp_json_get(&v->u.items[0], "n");
			CHECK(n != NULL && n->type == ZP_JSON_NUMBER);
			if (n != NULL)
				CHECK_MEM(
				    n->u.s, n->n, "1234567890123456789", 19);
		}
		CHECK(
		    zp_json_is_str(zp_json_get(root, "next_page_token"), ""));
	}
	/* The DOM dies with the next parse; a new body gives a new DOM. */
	CHECK_INT(parse(&e, "{\"v\":1,\"kind\":\"page\",\"body\":[true]}"), 0);
	CHECK_INT(zp_env_body_dom(&e, &p, &root), 0);
	CHECK(root != NULL && root->type == ZP_JSON_ARRAY && root->n == 1);
	CHECK_INT(parse(&e, "{\"v\":1,\"kind\":\"eos\"}"), 0);
	root = &dummy;
	CHECK_INT(zp_env_body_dom(&e, &p, &root), 0);
	CHECK(root == NULL);
	zp_json_parser_release(&p);
	zp_env_release(&e);
}

/* --- write ----------------------------------------------------------- */

/* check_same_fields checks that two parsed envelopes say the same thing. */
static void
check_same_fields(const struct zp_envelope *a, const struct zp_envelope *b)
{
	const char *const sa[] = {a->id, a->kind, a->account, a->method,
	    a->path, a->endpoint, a->at};
	const char *const sb[] = {b->id, b->kind, b->account, b->method,
	    b->path, b->endpoint, b->at};
	size_t i;

	for (i = 0; i < 7; i++) {
		CHECK((sa[i] == NULL) == (sb[i] == NULL));
		if (sa[i] != NULL && sb[i] != NULL)
			CHECK_STR(sa[i], sb[i]);
	}
	CHECK_INT(a->status, b->status);
	CHECK((a->body.p == NULL) == (b->body.p == NULL));
	if (a->body.p != NULL && b->body.p != NULL)
		CHECK_MEM(a->body.p, a->body.n, b->body.p, b->body.n);
	CHECK_INT(a->nextra, b->nextra);
	for (i = 0; i < a->nextra && i < b->nextra; i++) {
		CHECK_MEM(a->extra[i].key.p, a->extra[i].key.n,
		    b->extra[i].key.p, b->extra[i].key.n);
		CHECK_MEM(a->extra[i].value.p, a->extra[i].value.n,
		    b->extra[i].value.p, b->extra[i].value.n);
	}
}

TEST(envelope_write_round_trip)
{
	struct zp_envelope a, b;
	struct zp_buf out = ZP_BUF_INIT, again = ZP_BUF_INIT;

	zp_env_init(&a);
	zp_env_init(&b);
	CHECK_INT(parse(&a, full), 0);
	CHECK_INT(zp_env_write(&out, &a, NULL, 0, NULL), 0);
	CHECK(out.data != NULL && strchr(out.data, '\n') == NULL);
	CHECK_INT(zp_env_parse(&b, out.data, out.len), 0);
	check_same_fields(&a, &b);
	/* What was written once is written again byte for byte. */
	CHECK_INT(zp_env_write(&again, &b, NULL, 0, NULL), 0);
	CHECK_MEM(again.data, again.len, out.data, out.len);
	zp_buf_release(&again);
	zp_buf_release(&out);
	zp_env_release(&b);
	zp_env_release(&a);
}

TEST(envelope_write_exact_text)
{
	struct zp_envelope e;
	struct zp_buf out = ZP_BUF_INIT;

	zp_env_init(&e);
	CHECK_INT(parse(&e, full), 0);
	CHECK_INT(zp_env_write(&out, &e, NULL, 0, NULL), 0);
	CHECK_STR(out.data,
	    "{\"v\":1,\"id\":\"9f2c00000000000000000000000000ab\","
	    "\"kind\":\"page\",\"account\":\"acme\",\"method\":\"GET\","
	    "\"path\":\"/v2/past_meetings/a%252Fb%3D%3D/participants"
	    "?page_size=300\","
	    "\"endpoint\":\"/v2/past_meetings/{meetingId}/participants\","
	    "\"status\":200,\"at\":\"2026-11-22T03:00:00Z\","
	    "\"x-trace\":{\"a\":[1, 2]},\"zz\":\"last\","
	    "\"body\":{\"participants\":[{\"id\":\"u1\","
	    "\"n\":1234567890123456789}],\"next_page_token\":\"\"}}");
	zp_buf_release(&out);
	zp_env_release(&e);
}

TEST(envelope_write_escapes_strings)
{
	struct zp_envelope a, b;
	struct zp_buf out = ZP_BUF_INIT;

	zp_env_init(&a);
	zp_env_init(&b);
	CHECK_INT(parse(&a,
		      "{\"v\":1.2,\"kind\":\"page\","
		      "\"path\":\"\\/v2\\/a\\\"b\\\\c\\u0001\","
		      "\"\\u00e9t\\u00e9\":1}"),
	    0);
	CHECK_STR(a.path, "/v2/a\"b\\c\x01");
	CHECK_INT(zp_env_write(&out, &a, NULL, 0, NULL), 0);
	CHECK_INT(zp_env_parse(&b, out.data, out.len), 0);
	check_same_fields(&a, &b);
	CHECK(strncmp(out.data, "{\"v\":1,", 7) == 0);
	zp_buf_release(&out);
	zp_env_release(&b);
	zp_env_release(&a);
}

TEST(envelope_write_added_field_replaces_unknown)
{
	struct zp_envelope e;
	struct zp_buf out = ZP_BUF_INIT;
	struct zp_env_field add[2] = {
	    {{"zz", 2}, {"{\"n\":2}", 7}},
	    {{"sanitized", 9}, {"{\"rules\":\"zoom\"}", 16}},
	};

	zp_env_init(&e);
	CHECK_INT(parse(&e,
		      "{\"v\":1,\"kind\":\"page\",\"zz\":1,"
		      "\"keep\":true,\"zz\":3,\"body\":[]}"),
	    0);
	CHECK_INT(zp_env_write(&out, &e, add, 2, NULL), 0);
	CHECK_STR(out.data,
	    "{\"v\":1,\"kind\":\"page\",\"keep\":true,"
	    "\"zz\":{\"n\":2},"
	    "\"sanitized\":{\"rules\":\"zoom\"},"
	    "\"body\":[]}");
	zp_buf_release(&out);
	zp_env_release(&e);
}

TEST(envelope_write_added_field_then_parse)
{
	struct zp_envelope a, b;
	struct zp_buf out = ZP_BUF_INIT;
	struct zp_env_field add = {
	    {"identities", 10}, {"{\"u1\":\"p7\"}", 11}};

	zp_env_init(&a);
	zp_env_init(&b);
	CHECK_INT(parse(&a, full), 0);
	CHECK_INT(zp_env_write(&out, &a, &add, 1, NULL), 0);
	CHECK_INT(zp_env_parse(&b, out.data, out.len), 0);
	CHECK_INT(b.nextra, 3);
	if (b.nextra == 3) {
		CHECK(slice_is(b.extra[0].key, "x-trace"));
		CHECK(slice_is(b.extra[1].key, "zz"));
		CHECK(slice_is(b.extra[2].key, "identities"));
		CHECK(slice_is(b.extra[2].value, "{\"u1\":\"p7\"}"));
	}
	CHECK(slice_is(b.body, full_body));
	zp_buf_release(&out);
	zp_env_release(&b);
	zp_env_release(&a);
}

TEST(envelope_write_body_replaced)
{
	struct zp_envelope a, b;
	struct zp_buf out = ZP_BUF_INIT;
	struct zp_slice body = {"{\"users\":[]}", 12};

	zp_env_init(&a);
	zp_env_init(&b);
	CHECK_INT(parse(&a, full), 0);
	CHECK_INT(zp_env_write(&out, &a, NULL, 0, &body), 0);
	CHECK_INT(zp_env_parse(&b, out.data, out.len), 0);
	CHECK(slice_is(b.body, "{\"users\":[]}"));
	CHECK_STR(b.path, a.path);
	CHECK_INT(b.nextra, 2);
	zp_buf_release(&out);
	/* A body given to an envelope that had none is added. */
	CHECK_INT(parse(&a, "{\"v\":1,\"kind\":\"event\"}"), 0);
	CHECK_INT(zp_env_write(&out, &a, NULL, 0, &body), 0);
	CHECK_STR(out.data,
	    "{\"v\":1,\"kind\":\"event\","
	    "\"body\":{\"users\":[]}}");
	zp_buf_release(&out);
	zp_env_release(&b);
	zp_env_release(&a);
}

TEST(envelope_write_appends)
{
	struct zp_envelope e;
	struct zp_buf out = ZP_BUF_INIT;

	zp_env_init(&e);
	CHECK_INT(parse(&e, "{\"kind\":\"eos\",\"v\":1}"), 0);
	zp_buf_puts(&out, "A");
	CHECK_INT(zp_env_write(&out, &e, NULL, 0, NULL), 0);
	zp_buf_putc(&out, '\n');
	CHECK_INT(zp_env_write(&out, &e, NULL, 0, NULL), 0);
	CHECK_STR(out.data,
	    "A{\"v\":1,\"kind\":\"eos\"}\n"
	    "{\"v\":1,\"kind\":\"eos\"}");
	zp_buf_release(&out);
	zp_env_release(&e);
}

TEST(envelope_big_numbers_survive)
{
	const char *msg = "{\"v\":1,\"kind\":\"page\",\"mid\":"
			  "98765432109876543210987,\"body\":{\"id\":"
			  "1234567890123456789,\"uuid_n\":9223372036854775808,"
			  "\"f\":-1.50000000000000000001e-300}}";
	struct zp_envelope a, b;
	struct zp_buf out = ZP_BUF_INIT;

	zp_env_init(&a);
	zp_env_init(&b);
	CHECK_INT(parse(&a, msg), 0);
	CHECK_INT(zp_env_write(&out, &a, NULL, 0, NULL), 0);
	CHECK(strstr(out.data, "\"id\":1234567890123456789,") != NULL);
	CHECK(strstr(out.data, "9223372036854775808") != NULL);
	CHECK(strstr(out.data, "-1.50000000000000000001e-300") != NULL);
	CHECK(strstr(out.data, "\"mid\":98765432109876543210987") != NULL);
	CHECK_INT(zp_env_parse(&b, out.data, out.len), 0);
	CHECK_MEM(b.body.p, b.body.n, a.body.p, a.body.n);
	zp_buf_release(&out);
	zp_env_release(&b);
	zp_env_release(&a);
}

/* --- build ----------------------------------------------------------- */

TEST(envelope_build_all_fields)
{
	struct zp_env_new n = {"page", "acme", "GET", "/v2/users?page_size=1",
	    "/v2/users", 200, "2026-11-22T03:00:00Z", {"{\"users\":[]}", 12}};
	struct zp_envelope e;
	struct zp_buf out = ZP_BUF_INIT;

	zp_env_init(&e);
	CHECK_INT(zp_env_build(&out, &n), 0);
	CHECK_INT(zp_env_parse(&e, out.data, out.len), 0);
	CHECK(is_hex_id(e.id));
	CHECK_STR(e.kind, "page");
	CHECK_STR(e.account, "acme");
	CHECK_STR(e.method, "GET");
	CHECK_STR(e.path, "/v2/users?page_size=1");
	CHECK_STR(e.endpoint, "/v2/users");
	CHECK_INT(e.status, 200);
	CHECK_STR(e.at, "2026-11-22T03:00:00Z");
	CHECK(slice_is(e.body, "{\"users\":[]}"));
	CHECK_INT(e.nextra, 0);
	CHECK(strncmp(out.data, "{\"v\":1,\"id\":\"", 13) == 0);
	zp_buf_release(&out);
	zp_env_release(&e);
}

TEST(envelope_build_defaults)
{
	struct zp_env_new n = {
	    "event", NULL, NULL, NULL, NULL, -1, NULL, {NULL, 0}};
	struct zp_envelope e;
	struct zp_buf out = ZP_BUF_INIT;

	zp_env_init(&e);
	CHECK_INT(zp_env_build(&out, &n), 0);
	CHECK_INT(zp_env_parse(&e, out.data, out.len), 0);
	CHECK(is_hex_id(e.id));
	CHECK_STR(e.kind, "event");
	CHECK(e.account == NULL && e.method == NULL && e.path == NULL);
	CHECK_INT(e.status, -1);
	CHECK(e.body.p == NULL);
	CHECK(e.at != NULL && strlen(e.at) == 20);
	if (e.at != NULL && strlen(e.at) == 20)
		CHECK(strncmp(e.at, "20", 2) == 0 && e.at[4] == '-' &&
		    e.at[10] == 'T' && e.at[19] == 'Z');
	CHECK(strstr(out.data, "status") == NULL);
	zp_buf_release(&out);
	zp_env_release(&e);
}

TEST(envelope_build_needs_kind)
{
	struct zp_env_new n = {
	    NULL, "acme", NULL, NULL, NULL, -1, NULL, {NULL, 0}};
	struct zp_buf out = ZP_BUF_INIT;

	CHECK_INT(zp_env_build(&out, &n), ZP_EINVAL);
	CHECK_INT(out.len, 0);
	zp_buf_release(&out);
}

TEST(envelope_build_ids_differ)
{
	struct zp_env_new n = {
	    "page", NULL, NULL, NULL, NULL, 0, NULL, {"1", 1}};
	struct zp_envelope a, b;
	struct zp_buf x = ZP_BUF_INIT, y = ZP_BUF_INIT;

	zp_env_init(&a);
	zp_env_init(&b);
	CHECK_INT(zp_env_build(&x, &n), 0);
	CHECK_INT(zp_env_build(&y, &n), 0);
	CHECK_INT(zp_env_parse(&a, x.data, x.len), 0);
	CHECK_INT(zp_env_parse(&b, y.data, y.len), 0);
	CHECK(is_hex_id(a.id) && is_hex_id(b.id));
	CHECK(a.id != NULL && b.id != NULL && strcmp(a.id, b.id) != 0);
	CHECK_INT(a.status, 0);
	zp_buf_release(&x);
	zp_buf_release(&y);
	zp_env_release(&b);
	zp_env_release(&a);
}

TEST(envelope_eos)
{
	struct zp_envelope e;
	struct zp_buf out = ZP_BUF_INIT;

	zp_env_init(&e);
	CHECK_INT(zp_env_eos(&out, "acme"), 0);
	CHECK_INT(zp_env_parse(&e, out.data, out.len), 0);
	CHECK(zp_env_is(&e, "eos"));
	CHECK_STR(e.account, "acme");
	CHECK(is_hex_id(e.id));
	CHECK(e.body.p == NULL);
	CHECK_INT(e.status, -1);
	zp_buf_release(&out);
	CHECK_INT(zp_env_eos(&out, NULL), 0);
	CHECK_INT(zp_env_parse(&e, out.data, out.len), 0);
	CHECK(zp_env_is(&e, "eos"));
	CHECK(e.account == NULL);
	CHECK(e.at != NULL);
	zp_buf_release(&out);
	zp_env_release(&e);
}

TEST(envelope_eos_ids_differ)
{
	struct zp_envelope a, b;
	struct zp_buf x = ZP_BUF_INIT, y = ZP_BUF_INIT;

	zp_env_init(&a);
	zp_env_init(&b);
	CHECK_INT(zp_env_eos(&x, NULL), 0);
	CHECK_INT(zp_env_eos(&y, NULL), 0);
	CHECK_INT(zp_env_parse(&a, x.data, x.len), 0);
	CHECK_INT(zp_env_parse(&b, y.data, y.len), 0);
	CHECK(a.id != NULL && b.id != NULL && strcmp(a.id, b.id) != 0);
	zp_buf_release(&x);
	zp_buf_release(&y);
	zp_env_release(&b);
	zp_env_release(&a);
}

TEST(envelope_new_id)
{
	char ids[64][33];
	int i, j, ok = 1;

	for (i = 0; i < 64; i++) {
		memset(ids[i], 'Z', sizeof(ids[i]));
		CHECK_INT(zp_env_new_id(ids[i]), 0);
		if (!is_hex_id(ids[i]) || ids[i][32] != '\0')
			ok = 0;
	}
	CHECK(ok);
	for (i = 0; i < 64; i++)
		for (j = i + 1; j < 64; j++)
			if (strcmp(ids[i], ids[j]) == 0)
				ok = 0;
	CHECK(ok);
}

/* --- reuse ----------------------------------------------------------- */

TEST(envelope_reuse_many_parses)
{
	struct zp_envelope e;
	struct zp_json_parser p;
	struct zp_json *root;
	struct zp_buf msg = ZP_BUF_INIT, big = ZP_BUF_INIT;
	char want[32];
	int i, ok = 1;

	for (i = 0; i < 20000; i++)
		zp_buf_printf(&big, "%s\"s%d\"", i ? "," : "", i);
	zp_env_init(&e);
	zp_json_parser_init(&p, NULL);
	for (i = 0; i < 3000; i++) {
		int rc;

		zp_buf_reset(&msg);
		snprintf(want, sizeof(want), "acct-%d", i);
		switch (i % 5) {
		case 0:
			zp_buf_printf(&msg,
			    "{\"v\":1,\"kind\":\"page\","
			    "\"account\":\"acct-%d\",\"body\":"
			    "[%s]}",
			    i, i % 100 == 0 ? big.data : "1");
			break;
		case 1:
			zp_buf_printf(&msg,
			    "{\"v\":1,\"kind\":\"page\","
			    "\"account\":\"acct-%d\","
			    "\"x%d\":1,\"y\":[2],\"z\":{}}",
			    i, i);
			break;
		case 2:
			zp_buf_printf(&msg, "{\"v\":1,\"account\":\"a%d\"", i);
			break;
		case 3:
			zp_buf_printf(
			    &msg, "{\"v\":1,\"account\":\"a%d\"}", i);
			break;
		default:
			zp_buf_printf(&msg, "{\"v\":2,\"kind\":\"page\"}");
			break;
		}
		rc = zp_env_parse(&e, msg.data, msg.len);
		if ((i % 5 < 2 &&
			(rc != 0 || e.account == NULL ||
			    strcmp(e.account, want) != 0)) ||
		    (i % 5 == 1 && e.nextra != 3) ||
		    (i % 5 == 2 && rc != ZP_EPARSE) ||
		    (i % 5 == 3 && rc != ZP_EENVELOPE) ||
		    (i % 5 == 4 && rc != ZP_EVERSION))
			ok = 0;
		if (i % 100 == 0 &&
		    (e.body.n != big.len + 2 ||
			zp_env_body_dom(&e, &p, &root) != 0 || root == NULL ||
			root->n != 20000))
			ok = 0;
	}
	CHECK(ok);
	/* After a reset the arena holds one block, not every big body. */
	CHECK(e.arena.total < 4u * 1024 * 1024);
	zp_env_release(&e);
	CHECK(e.arena.head == NULL);
	zp_env_release(&e);
	zp_json_parser_release(&p);
	zp_buf_release(&msg);
	zp_buf_release(&big);
}
