/*
 * test_jsonpath.c - the JSONPath dialect of sanitize/jsonpath.h: every
 * construct with the nodes it matches (as a list of values, as the
 * document after replacing each match with "X", and after deleting
 * them), Jayway's quirks, errors with their offset and reason, and the
 * paths of the Zoom rules applied to Zoom-shaped bodies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "error.h"
#include "harness.h"
#include "json.h"
#include "jsonpath.h"

/* A parsed document and the memory it lives in. */
struct doc {
	struct zp_arena arena;
	struct zp_json_parser p;
	struct zp_json *root;
};

/* doc_open parses src into d; 0 or the parser's error. */
static int
doc_open(struct doc *d, const char *src)
{
	struct zp_arena a = ZP_ARENA_INIT;

	d->arena = a;
	d->root = NULL;
	zp_json_parser_init(&d->p, &d->arena);
	return zp_json_parse(&d->p, src, strlen(src), &d->root);
}

/* doc_close frees what doc_open allocated. */
static void
doc_close(struct doc *d)
{
	zp_json_parser_release(&d->p);
	zp_arena_release(&d->arena);
}

/* show copies b's text (or a failure note) into a static ring slot. */
static const char *
show(const struct zp_buf *b, int rc)
{
	static char ring[8][4096];
	static int next;
	char *s = ring[next++ % 8];

	if (rc != 0)
		snprintf(s, 4096, "(rc %d)", rc);
	else
		snprintf(s, 4096, "%s", b->data != NULL ? b->data : "");
	return s;
}

/* compile_ok compiles expr, failing the test if it does not compile. */
static struct sanitize_jsonpath *
compile_ok(const char *file, int line, const char *expr)
{
	struct sanitize_jsonpath *p = NULL;
	struct sanitize_jsonpath_error err;

	if (sanitize_jsonpath_compile(expr, strlen(expr), &p, &err) != 0)
		zp_test_failf(file, line, "%s: at offset %zu: %s", expr,
		    err.offset, err.reason);
	return p;
}

/* found lists, as a JSON array, the values expr matches in json. */
static const char *
found(const char *file, int line, const char *expr, const char *json)
{
	struct sanitize_jsonpath *p = compile_ok(file, line, expr);
	struct sanitize_jsonpath_matches m = SANITIZE_JSONPATH_MATCHES_INIT;
	struct zp_buf b = ZP_BUF_INIT;
	struct doc d;
	size_t i;
	int rc = doc_open(&d, json);

	if (rc == 0 && p != NULL)
		rc = sanitize_jsonpath_eval(p, d.root, &m);
	zp_buf_putc(&b, '[');
	for (i = 0; rc == 0 && i < m.n; i++) {
		if (i > 0)
			zp_buf_putc(&b, ',');
		rc = zp_json_write(&b, m.v[i].value);
	}
	zp_buf_putc(&b, ']');
	const char *s = show(&b, p == NULL ? -999 : rc);
	zp_buf_release(&b);
	sanitize_jsonpath_matches_release(&m);
	sanitize_jsonpath_free(&p);
	doc_close(&d);
	return s;
}

/* set_x is a map function writing the string "X". */
static int
set_x(struct zp_json *slot, void *arg)
{
	(void)arg;
	slot->type = ZP_JSON_STRING;
	slot->plain = 1;
	slot->n = 1;
	slot->u.s = "X";
	return 0;
}

/* bang is a map function appending "!" to a string (in the arena arg). */
static int
bang(struct zp_json *slot, void *arg)
{
	char *s;

	if (slot->type != ZP_JSON_STRING)
		return ZP_EINVAL;
	s = zp_arena_alloc(arg, slot->n + 1);
	if (s == NULL)
		return ZP_ENOMEM;
	memcpy(s, slot->u.s, slot->n);
	s[slot->n] = '!';
	slot->u.s = s;
	slot->n++;
	slot->plain = 0;
	return 0;
}

/* apply maps expr with fn (or deletes when fn is NULL) and writes json. */
static const char *
apply(const char *file, int line, const char *expr, const char *json,
    sanitize_jsonpath_fn fn)
{
	struct sanitize_jsonpath *p = compile_ok(file, line, expr);
	struct sanitize_jsonpath_matches m = SANITIZE_JSONPATH_MATCHES_INIT;
	struct zp_buf b = ZP_BUF_INIT;
	struct doc d;
	int rc = doc_open(&d, json);

	if (rc == 0 && p != NULL && fn != NULL)
		rc = sanitize_jsonpath_map(p, d.root, &m, fn, &d.arena);
	else if (rc == 0 && p != NULL)
		rc = sanitize_jsonpath_delete(p, d.root, &m);
	if (rc == 0)
		rc = zp_json_write(&b, d.root);
	const char *s = show(&b, p == NULL ? -999 : rc);
	zp_buf_release(&b);
	sanitize_jsonpath_matches_release(&m);
	sanitize_jsonpath_free(&p);
	doc_close(&d);
	return s;
}

/* bad returns "at offset N: reason" for expr, or "compiled". */
static const char *
bad(const char *expr)
{
	static char s[256];
	struct zp_buf why = ZP_BUF_INIT;
	int rc = sanitize_jsonpath_check(expr, &why, NULL);

	if (rc == 0)
		snprintf(s, sizeof(s), "compiled");
	else if (rc != ZP_EPARSE)
		snprintf(s, sizeof(s), "(rc %d)", rc);
	else
		snprintf(s, sizeof(s), "%s", why.data);
	zp_buf_release(&why);
	return s;
}

#define FOUND(expr, json) found(__FILE__, __LINE__, expr, json)
#define REPLACED(expr, json) apply(__FILE__, __LINE__, expr, json, set_x)
#define BANGED(expr, json) apply(__FILE__, __LINE__, expr, json, bang)
#define REMOVED(expr, json) apply(__FILE__, __LINE__, expr, json, NULL)

/* --- root and dot names ---------------------------------------------- */

TEST(jsonpath_root_matches_document)
{
	CHECK_STR(FOUND("$", "{\"a\":1}"), "[{\"a\":1}]");
	CHECK_STR(FOUND("  $  ", "[1]"), "[[1]]");
	/* Jayway refuses to map or delete $ itself. */
	CHECK_STR(REPLACED("$", "{\"a\":1}"), "(rc -2)");
	CHECK_STR(REMOVED("$", "{\"a\":1}"), "(rc -2)");
}

TEST(jsonpath_dot_name)
{
	const char *doc = "{\"a\":1,\"b\":{\"c\":[2]},\"d\":null}";

	CHECK_STR(FOUND("$.a", doc), "[1]");
	CHECK_STR(FOUND("$.b.c", doc), "[[2]]");
	CHECK_STR(FOUND("$.d", doc), "[null]");
	CHECK_STR(REPLACED("$.b.c", doc),
	    "{\"a\":1,\"b\":{\"c\":\"X\"},\"d\":null}");
	CHECK_STR(REMOVED("$.b.c", doc), "{\"a\":1,\"b\":{},\"d\":null}");
	CHECK_STR(REMOVED("$.a", doc), "{\"b\":{\"c\":[2]},\"d\":null}");
	/* Any byte but . [ ( and whitespace belongs to a dot name. */
	CHECK_STR(FOUND("$.a-b*", "{\"a-b*\":7}"), "[7]");
}

TEST(jsonpath_missing_and_mismatch_match_nothing)
{
	const char *doc = "{\"a\":1,\"s\":\"x\",\"n\":null,\"l\":[{\"b\":1}]}";

	CHECK_STR(FOUND("$.zz", doc), "[]");
	CHECK_STR(FOUND("$.zz.y", doc), "[]");
	CHECK_STR(FOUND("$.s.y", doc), "[]");
	CHECK_STR(FOUND("$.n.y", doc), "[]");
	CHECK_STR(FOUND("$.l.b", doc), "[]"); /* a name on an array */
	CHECK_STR(REMOVED("$.zz.y", doc),
	    "{\"a\":1,\"s\":\"x\",\"n\":null,"
	    "\"l\":[{\"b\":1}]}");
	CHECK_STR(REPLACED("$.zz", doc),
	    "{\"a\":1,\"s\":\"x\",\"n\":null,"
	    "\"l\":[{\"b\":1}]}");
}

TEST(jsonpath_duplicate_keys_match_every_copy)
{
	const char *doc = "{\"a\":1,\"b\":2,\"a\":3}";

	CHECK_STR(FOUND("$.a", doc), "[1,3]");
	CHECK_STR(REPLACED("$.a", doc), "{\"a\":\"X\",\"b\":2,\"a\":\"X\"}");
	CHECK_STR(REMOVED("$.a", doc), "{\"b\":2}");
}

/* --- bracket names --------------------------------------------------- */

TEST(jsonpath_bracket_name)
{
	const char *doc = "{\"a\":1,\"a.b\":2,\"a b\":3,\"it's\":4,"
			  "\"\xc3\xa9\":5,\"\":6}";

	CHECK_STR(FOUND("$['a']", doc), "[1]");
	CHECK_STR(FOUND("$[\"a\"]", doc), "[1]");
	CHECK_STR(FOUND("$.['a']", doc), "[1]");
	CHECK_STR(FOUND("$[ 'a' ]", doc), "[1]");
	CHECK_STR(FOUND("$['a.b']", doc), "[2]");
	CHECK_STR(FOUND("$['a b']", doc), "[3]");
	CHECK_STR(FOUND("$['it\\'s']", doc), "[4]");
	CHECK_STR(FOUND("$[\"it's\"]", doc), "[4]");
	CHECK_STR(FOUND("$['\\u00e9']", doc), "[5]");
	CHECK_STR(FOUND("$['']", doc), "[6]");
}

TEST(jsonpath_bracket_name_list)
{
	const char *doc = "{\"b\":2,\"c\":3,\"a\":1}";

	/* List order, absent names skipped. */
	CHECK_STR(FOUND("$['a','zz','b']", doc), "[1,2]");
	CHECK_STR(FOUND("$.['a', 'b']", doc), "[1,2]");
	CHECK_STR(REPLACED("$['a','zz','b']", doc),
	    "{\"b\":\"X\",\"c\":3,\"a\":\"X\"}");
	CHECK_STR(REMOVED("$['a','zz','b']", doc), "{\"c\":3}");
	/* A name listed twice is mapped twice, removed once. */
	CHECK_STR(BANGED("$['a','a']", "{\"a\":\"v\",\"b\":\"w\"}"),
	    "{\"a\":\"v!!\",\"b\":\"w\"}");
	CHECK_STR(REMOVED("$['a','a']", "{\"a\":\"v\",\"b\":\"w\"}"),
	    "{\"b\":\"w\"}");
}

TEST(jsonpath_bracket_name_list_not_last)
{
	const char *doc =
	    "{\"owner\":{\"id\":1,\"email\":\"o\"},\"user\":{\"id\":2},"
	    "\"x\":{\"id\":3}}";

	/* Each listed name separately; missing ones skipped. */
	CHECK_STR(FOUND("$['owner','user','zz'].['id','email']", doc),
	    "[1,\"o\",2]");
	CHECK_STR(REMOVED("$['owner','user'].id", doc),
	    "{\"owner\":{\"email\":\"o\"},\"user\":{},\"x\":{\"id\":3}}");
}

/* --- wildcard -------------------------------------------------------- */

TEST(jsonpath_wildcard)
{
	CHECK_STR(FOUND("$[*]", "[1,[2],{\"a\":3}]"), "[1,[2],{\"a\":3}]");
	CHECK_STR(FOUND("$[*]", "{\"a\":1,\"b\":[2]}"), "[1,[2]]");
	CHECK_STR(FOUND("$.*", "{\"a\":1,\"b\":[2]}"), "[1,[2]]");
	CHECK_STR(FOUND("$[ * ]", "[1]"), "[1]");
	CHECK_STR(FOUND("$.a[*]", "{\"a\":\"s\"}"), "[]");
	CHECK_STR(FOUND("$.a[*]", "{\"a\":null}"), "[]");
	CHECK_STR(FOUND("$.a[*].b", "{\"a\":null}"), "[]");
	CHECK_STR(FOUND("$.a[*]", "{\"a\":[]}"), "[]");
}

TEST(jsonpath_wildcard_then_name)
{
	const char *doc =
	    "{\"a\":[{\"b\":1},2,{\"c\":3},{\"b\":4},[{\"b\":5}]]}";

	CHECK_STR(FOUND("$.a[*].b", doc), "[1,4]");
	CHECK_STR(REPLACED("$.a[*].b", doc),
	    "{\"a\":[{\"b\":\"X\"},2,{\"c\":3},{\"b\":\"X\"},[{\"b\":5}]]}");
	CHECK_STR(REMOVED("$.a[*].b", doc),
	    "{\"a\":[{},2,{\"c\":3},{},[{\"b\":5}]]}");
	CHECK_STR(REMOVED("$.a[*]", doc), "{\"a\":[]}");
	CHECK_STR(REMOVED("$.*", doc), "{}");
}

/* --- deep scan ------------------------------------------------------- */

TEST(jsonpath_scan_name_order)
{
	const char *doc = "{\"email\":\"a\",\"x\":{\"email\":\"b\",\"l\":"
			  "[{\"email\":\"c\"},[{\"email\":\"d\"}]]},"
			  "\"y\":{\"email\":\"e\"}}";

	/* Parents before children, keys and items in order. */
	CHECK_STR(FOUND("$..email", doc), "[\"a\",\"b\",\"c\",\"d\",\"e\"]");
	CHECK_STR(REPLACED("$..email", doc),
	    "{\"email\":\"X\",\"x\":{\"email\":\"X\",\"l\":[{\"email\":\"X\"}"
	    ",[{\"email\":\"X\"}]]},\"y\":{\"email\":\"X\"}}");
	CHECK_STR(
	    REMOVED("$..email", doc), "{\"x\":{\"l\":[{},[{}]]},\"y\":{}}");
	CHECK_STR(
	    FOUND("$..name", "[{\"name\":1},[{\"name\":2}],3]"), "[1,2]");
}

TEST(jsonpath_scan_includes_the_node_and_nested_matches)
{
	const char *doc = "{\"a\":{\"a\":1,\"b\":2},\"c\":3}";

	CHECK_STR(FOUND("$..a", doc), "[{\"a\":1,\"b\":2},1]");
	/* The inner match changes first, then its container. */
	CHECK_STR(BANGED("$..a", "{\"a\":\"s\"}"), "{\"a\":\"s!\"}");
	CHECK_STR(REPLACED("$..a", doc), "{\"a\":\"X\",\"c\":3}");
	CHECK_STR(REMOVED("$..a", doc), "{\"c\":3}");
	CHECK_STR(FOUND("$.a..b", doc), "[2]");
}

TEST(jsonpath_scan_then_wildcard)
{
	const char *doc = "{\"settings\":{\"breakout_room\":{\"rooms\":["
			  "{\"name\":\"R1\",\"participants\":[\"a@x.com\","
			  "\"b@x.com\"]},{\"participants\":[]}]}},"
			  "\"participants\":[\"c@x.com\"]}";

	/* The root holds participants too, and comes first. */
	CHECK_STR(FOUND("$..participants[*]", doc),
	    "[\"c@x.com\",\"a@x.com\",\"b@x.com\"]");
	CHECK_STR(REPLACED("$..participants[*]", doc),
	    "{\"settings\":{\"breakout_room\":{\"rooms\":[{\"name\":\"R1\","
	    "\"participants\":[\"X\",\"X\"]},{\"participants\":[]}]}},"
	    "\"participants\":[\"X\"]}");
	CHECK_STR(REMOVED("$..participants[*]", doc),
	    "{\"settings\":{\"breakout_room\":{\"rooms\":[{\"name\":\"R1\","
	    "\"participants\":[]},{\"participants\":[]}]}},"
	    "\"participants\":[]}");
}

TEST(jsonpath_scan_star)
{
	CHECK_STR(FOUND("$..*", "{\"a\":[1,{\"b\":2}]}"),
	    "[[1,{\"b\":2}],1,{\"b\":2},2]");
	CHECK_STR(REMOVED("$..*", "{\"a\":[1,{\"b\":2}],\"c\":3}"), "{}");
	CHECK_STR(FOUND("$..[*]", "[1,[2]]"), "[1,[2],2]");
}

TEST(jsonpath_scan_multi_name_needs_all_keys)
{
	const char *doc = "{\"x\":{\"a\":1},\"y\":{\"a\":2,\"b\":3},\"z\":[{"
			  "\"b\":4,\"a\":5}]}";

	/* Jayway's DeepScanTest: an object with only some keys is skipped. */
	CHECK_STR(FOUND("$..['a','b']", doc), "[2,3,5,4]");
	CHECK_STR(REMOVED("$..['a','b']", doc),
	    "{\"x\":{\"a\":1},\"y\":{},\"z\":[{}]}");
	/* Scanning for a name first, then the list: each name on its own. */
	CHECK_STR(FOUND("$..x['a','b']", doc), "[1]");
	/* Not last: any object, names one by one. */
	CHECK_STR(FOUND("$..['a','b'].c",
		      "{\"a\":{\"c\":1},\"q\":{\"b\":{\"c\":2}}}"),
	    "[1,2]");
}

TEST(jsonpath_scan_then_bracket_name)
{
	CHECK_STR(FOUND("$..['owner'].login",
		      "{\"repo\":{\"owner\":{\"login\":\"u\"}},\"owner\":{}}"),
	    "[\"u\"]");
}

TEST(jsonpath_scan_then_index)
{
	const char *doc = "{\"a\":[[1,2],[3]],\"b\":{\"c\":[4]}}";

	CHECK_STR(FOUND("$..[0]", doc), "[[1,2],1,3,4]");
	CHECK_STR(FOUND("$..[-1]", doc), "[[3],2,3,4]");
}

TEST(jsonpath_scan_quirk_array_step_skipped_before_more_steps)
{
	/* After "..", an index or wildcard that is not last is skipped on
	 * arrays: the next step runs on every item (Jayway's walkArray). */
	CHECK_STR(FOUND("$..[1].x", "{\"a\":[{\"x\":1},{\"x\":2}]}"), "[1,2]");
	/* ... at the array's own place. */
	CHECK_STR(FOUND("$..[*][?(@.x)]", "{\"a\":[{\"x\":1},{\"y\":2}]}"),
	    "[{\"x\":1},{\"x\":1}]");
	CHECK_STR(
	    REMOVED("$..[*][?(@.x)]", "{\"a\":[{\"x\":1},{\"y\":2}],\"b\":1}"),
	    "{\"b\":1}");
}

/* --- indexes and slices ---------------------------------------------- */

TEST(jsonpath_index)
{
	const char *doc = "[\"a\",\"b\",\"c\"]";

	CHECK_STR(FOUND("$[0]", doc), "[\"a\"]");
	CHECK_STR(FOUND("$[2]", doc), "[\"c\"]");
	CHECK_STR(FOUND("$[3]", doc), "[]");
	CHECK_STR(FOUND("$[-1]", doc), "[\"c\"]");
	CHECK_STR(FOUND("$[-3]", doc), "[\"a\"]");
	CHECK_STR(FOUND("$[-4]", doc), "[]");
	CHECK_STR(FOUND("$[2,0]", doc), "[\"c\",\"a\"]");
	CHECK_STR(FOUND("$[ 1 , -1 ]", doc), "[\"b\",\"c\"]");
	CHECK_STR(FOUND("$.a[0]", "{\"a\":{\"0\":1}}"), "[]");
	CHECK_STR(REPLACED("$[-1]", doc), "[\"a\",\"b\",\"X\"]");
	CHECK_STR(REMOVED("$[0,2]", doc), "[\"b\"]");
	CHECK_STR(REMOVED("$[-1]", doc), "[\"a\",\"b\"]");
}

TEST(jsonpath_index_twice)
{
	/* Mapped twice; removed twice, which takes the next item too. */
	CHECK_STR(
	    BANGED("$[0,0]", "[\"a\",\"b\",\"c\"]"), "[\"a!!\",\"b\",\"c\"]");
	CHECK_STR(REMOVED("$[0,0]", "[\"a\",\"b\",\"c\"]"), "[\"c\"]");
}

TEST(jsonpath_slice)
{
	const char *doc = "[0,1,2,3,4]";

	CHECK_STR(FOUND("$[1:3]", doc), "[1,2]");
	CHECK_STR(FOUND("$[2:100]", doc), "[2,3,4]");
	CHECK_STR(FOUND("$[3:1]", doc), "[]");
	CHECK_STR(FOUND("$[-2:]", doc), "[3,4]");
	CHECK_STR(FOUND("$[-100:]", doc), "[0,1,2,3,4]");
	CHECK_STR(FOUND("$[3:]", doc), "[3,4]");
	CHECK_STR(FOUND("$[5:]", doc), "[]");
	CHECK_STR(FOUND("$[:2]", doc), "[0,1]");
	CHECK_STR(FOUND("$[:-1]", doc), "[0,1,2,3]");
	CHECK_STR(FOUND("$[:-9]", doc), "[]");
	/* ArraySliceToken's between case: bounds are not normalized. */
	CHECK_STR(FOUND("$[-2:3]", doc), "[3,4,0,1,2]");
	CHECK_STR(FOUND("$[-3:-1]", doc), "[2,3]");
	CHECK_STR(FOUND("$[1:-1]", doc), "[]");
	CHECK_STR(FOUND("$[0:2]", "[]"), "[]");
	CHECK_STR(FOUND("$[1:2]", "{\"1\":1}"), "[]");
	CHECK_STR(REMOVED("$[1:3]", doc), "[0,3,4]");
	CHECK_STR(REPLACED("$[:2]", doc), "[\"X\",\"X\",2,3,4]");
}

/* --- filters --------------------------------------------------------- */

/* A list of objects for the filter tests. */
static const char *const people = "[{\"n\":\"ann\",\"t\":\"x\",\"age\":30},"
				  "{\"n\":\"bob\",\"t\":\"y\",\"age\":25.0},"
				  "{\"n\":\"cy\",\"t\":null},"
				  "{\"n\":\"dee\",\"age\":\"30\"}]";

TEST(jsonpath_filter_equal)
{
	CHECK_STR(FOUND("$[?(@.t == 'x')].n", people), "[\"ann\"]");
	CHECK_STR(FOUND("$[?(@.t == \"y\")].n", people), "[\"bob\"]");
	CHECK_STR(FOUND("$[?(@.t==null)].n", people), "[\"cy\"]");
	/* Missing is never equal, so != keeps it. */
	CHECK_STR(
	    FOUND("$[?(@.t != 'x')].n", people), "[\"bob\",\"cy\",\"dee\"]");
	CHECK_STR(REMOVED("$[?(@.t == 'x' || @.t == 'y')]", people),
	    "[{\"n\":\"cy\",\"t\":null},{\"n\":\"dee\",\"age\":\"30\"}]");
	CHECK_STR(
	    REPLACED("$[?(@.n == 'cy')]", "[{\"n\":\"cy\"},1]"), "[\"X\",1]");
}

TEST(jsonpath_filter_numbers_and_strings)
{
	/* A number equals a number of the same value or a string holding
	 * one; a string equals a number only if it is its text. */
	CHECK_STR(FOUND("$[?(@.age == 25)].n", people), "[\"bob\"]");
	CHECK_STR(FOUND("$[?(@.age == 30)].n", people), "[\"ann\",\"dee\"]");
	CHECK_STR(FOUND("$[?(@.age == '30')].n", people), "[\"ann\",\"dee\"]");
	CHECK_STR(FOUND("$[?(@.a == '1.0')]", "[{\"a\":1},{\"a\":\"1\"}]"),
	    "[{\"a\":1}]");
	CHECK_STR(FOUND("$[?('1.0' == @.a)]", "[{\"a\":1},{\"a\":\"1.0\"}]"),
	    "[{\"a\":\"1.0\"}]");
	CHECK_STR(FOUND("$[?(@.age === 30)].n", people), "[\"ann\"]");
	CHECK_STR(
	    FOUND("$[?(@.age !== 30)].n", people), "[\"bob\",\"cy\",\"dee\"]");
	CHECK_STR(FOUND("$[?(@ == 1e2)]", "[100,100.00,\"100\",1e2,10]"),
	    "[100,100.00,1e2]");
}

TEST(jsonpath_filter_order)
{
	CHECK_STR(FOUND("$[?(@.age > 25)].n", people), "[\"ann\",\"dee\"]");
	CHECK_STR(
	    FOUND("$[?(@.age >= 25)].n", people), "[\"ann\",\"bob\",\"dee\"]");
	CHECK_STR(FOUND("$[?(@.age < 30)].n", people), "[\"bob\"]");
	CHECK_STR(FOUND("$[?(@.age <= 30.0)].n", people),
	    "[\"ann\",\"bob\",\"dee\"]");
	CHECK_STR(FOUND("$[?(@.n < 'c')].n", people), "[\"ann\",\"bob\"]");
	CHECK_STR(FOUND("$[?(@ > -1.5)]", "[-2,-1.5,-1,0.001,1e-9,-1e9]"),
	    "[-1,0.001,1e-9]");
	/* Java compares strings by UTF-16 units: U+1F600 < U+FF5E. */
	CHECK_STR(FOUND("$[?(@ < '\\uff5e')]",
		      "[\"\xf0\x9f\x98\x80\",\"\xef\xbd\x9e\"]"),
	    "[\"\xf0\x9f\x98\x80\"]");
	/* Booleans and nulls do not order. */
	CHECK_STR(FOUND("$[?(@ < 1)]", "[true,null,0]"), "[0]");
}

TEST(jsonpath_filter_booleans)
{
	const char *doc = "[{\"id\":1,\"is_bot\":true},{\"id\":2,"
			  "\"is_bot\":false},{\"id\":3},{\"id\":4,"
			  "\"is_bot\":\"true\"}]";

	CHECK_STR(FOUND("$[?(@.is_bot != true)].id", doc), "[2,3,4]");
	CHECK_STR(FOUND("$[?(@.is_bot == true)].id", doc), "[1]");
}

TEST(jsonpath_filter_exists)
{
	CHECK_STR(FOUND("$[?(@.t)].n", people), "[\"ann\",\"bob\",\"cy\"]");
	CHECK_STR(FOUND("$[?(!@.t)].n", people), "[\"dee\"]");
	CHECK_STR(FOUND("$[?(@['t'])].n", people), "[\"ann\",\"bob\",\"cy\"]");
	CHECK_STR(FOUND("$[?(@.a.b)]", "[{\"a\":{\"b\":null}},{\"a\":1}]"),
	    "[{\"a\":{\"b\":null}}]");
	CHECK_STR(FOUND("$[?(@[1])]", "[[1],[1,2],\"ab\"]"), "[[1,2]]");
	CHECK_STR(FOUND("$[?(@)]", "[1,null]"), "[1,null]");
	/* A '!' before a path in a comparison is ignored, as in Jayway. */
	CHECK_STR(FOUND("$[?(!@.t == 'x')].n", people), "[\"ann\"]");
}

TEST(jsonpath_filter_logic)
{
	CHECK_STR(FOUND("$[?(@.t == 'x' || @.age == 25)].n", people),
	    "[\"ann\",\"bob\"]");
	CHECK_STR(FOUND("$[?(@.t && @.age)].n", people), "[\"ann\",\"bob\"]");
	CHECK_STR(FOUND("$[?(!(@.t == 'x'))].n", people),
	    "[\"bob\",\"cy\",\"dee\"]");
	CHECK_STR(FOUND("$[?(@.age && (@.t == 'x' || @.t == 'y'))].n", people),
	    "[\"ann\",\"bob\"]");
	/* && binds tighter than ||. */
	CHECK_STR(
	    FOUND("$[?(@.n == 'dee' || @.t == 'x' && @.age == 25)].n", people),
	    "[\"dee\"]");
	CHECK_STR(FOUND("$[?(!!@.t)].n", people), "[\"ann\",\"bob\",\"cy\"]");
}

TEST(jsonpath_filter_regex)
{
	const char *hdr =
	    "[{\"name\":\"From\",\"v\":1},{\"name\":\"to\",\"v\":2},"
	    "{\"name\":\"Tomorrow\",\"v\":3},{\"v\":4},"
	    "{\"name\":\"cc\",\"v\":5}]";

	/* The whole string must match: Java's matches(). */
	CHECK_STR(
	    FOUND("$[?(@.name =~ /^(From|To|Cc|Bcc)$/i)].v", hdr), "[1,2,5]");
	CHECK_STR(FOUND("$[?(@.name =~ /^From|To|Cc$/i)].v", hdr), "[1,2,5]");
	CHECK_STR(FOUND("$[?(@.name =~ /To/)].v", hdr), "[]");
	CHECK_STR(
	    FOUND("$[?(!(@.name =~ /^(From|To|Cc|Bcc)$/i))].v", hdr), "[3,4]");
	/* Missing, null and containers are matched as "". */
	CHECK_STR(FOUND("$[?(@.name =~ /.*/)].v", hdr), "[1,2,3,4,5]");
	/* Numbers as their text, booleans as true/false. */
	CHECK_STR(
	    FOUND("$[?(@ =~ /1.*/)]", "[12,\"13\",2,true]"), "[12,\"13\"]");
	CHECK_STR(FOUND("$[?(@ =~ /tr.e/)]", "[true,false]"), "[true]");
	CHECK_STR(
	    FOUND("$[?(/a\\/b/ =~ @)]", "[\"a/b\",\"ab\"]"), "[\"a/b\"]");
	CHECK_STR(FOUND("$[?(@.system==true && @.body =~ /.*@.*/)].id",
		      "[{\"id\":1,\"system\":true,\"body\":\"a@b\"},"
		      "{\"id\":2,\"system\":false,\"body\":\"a@b\"},"
		      "{\"id\":3,\"system\":true,\"body\":\"ab\"}]"),
	    "[1]");
	CHECK_STR(FOUND("$[?(@ =~ /a.b/s)]", "[\"a\\nb\",\"a\\rb\"]"),
	    "[\"a\\nb\",\"a\\rb\"]");
}

TEST(jsonpath_filter_in)
{
	CHECK_STR(FOUND("$[?(@.name in ['actor', 'x'])].v",
		      "[{\"name\":\"actor\",\"v\":1},{\"name\":\"y\",\"v\":2},"
		      "{\"v\":3}]"),
	    "[1]");
	CHECK_STR(FOUND("$[?(@.name nin ['actor'])].v",
		      "[{\"name\":\"actor\",\"v\":1},{\"name\":\"y\",\"v\":2},"
		      "{\"v\":3}]"),
	    "[2,3]");
	CHECK_STR(FOUND("$[?(@ IN [1, \"2\", true, null])]",
		      "[1,1.0,\"1\",2,\"2\",true,null,false]"),
	    "[1,1.0,\"1\",2,\"2\",true,null]");
	CHECK_STR(FOUND("$[?(@.a in @.b)].a",
		      "[{\"a\":1,\"b\":[0,1]},{\"a\":2,\"b\":[0]},"
		      "{\"a\":3,\"b\":{\"3\":3}}]"),
	    "[1]");
	/* in on a string throws in Jayway: the whole filter is false. */
	CHECK_STR(FOUND("$[?(@.a in @.b || @.c)].a",
		      "[{\"a\":1,\"b\":\"s\",\"c\":1},{\"a\":2,\"c\":1}]"),
	    "[]");
	CHECK_STR(FOUND("$[?(@.c || @.a in @.b)].a",
		      "[{\"a\":1,\"b\":\"s\",\"c\":1}]"),
	    "[1]");
}

TEST(jsonpath_filter_on_strings)
{
	CHECK_STR(FOUND("$.members[?(@ != 'USLACKBOT')]",
		      "{\"members\":[\"U1\",\"USLACKBOT\",\"U2\"]}"),
	    "[\"U1\",\"U2\"]");
	CHECK_STR(FOUND("$[?(@.user != 'USLACKBOT')]", "[\"x\",{\"user\":1}]"),
	    "[\"x\",{\"user\":1}]");
	CHECK_STR(REMOVED("$.members[?(@ == 'USLACKBOT')]",
		      "{\"members\":[\"U1\",\"USLACKBOT\",\"U2\"]}"),
	    "{\"members\":[\"U1\",\"U2\"]}");
}

TEST(jsonpath_filter_on_object_tests_the_object)
{
	const char *doc = "{\"o\":{\"t\":\"x\",\"v\":1},\"p\":{\"t\":\"y\"}}";

	CHECK_STR(FOUND("$.o[?(@.t == 'x')]", doc), "[{\"t\":\"x\",\"v\":1}]");
	CHECK_STR(FOUND("$.p[?(@.t == 'x')]", doc), "[]");
	CHECK_STR(FOUND("$.*[?(@.t == 'x')].v", doc), "[1]");
	CHECK_STR(REPLACED("$.o[?(@.t == 'x')]", doc),
	    "{\"o\":\"X\",\"p\":{\"t\":\"y\"}}");
	CHECK_STR(REMOVED("$.o[?(@.t == 'x')]", doc), "{\"p\":{\"t\":\"y\"}}");
	CHECK_STR(FOUND("$.records[?(@.attributes.type == \"User\")].Id",
		      "{\"records\":[{\"attributes\":{\"type\":\"User\"},"
		      "\"Id\":\"u1\"},{\"attributes\":{\"type\":\"Case\"},"
		      "\"Id\":\"c1\"}]}"),
	    "[\"u1\"]");
}

TEST(jsonpath_filter_on_scalar)
{
	struct sanitize_jsonpath_matches m = SANITIZE_JSONPATH_MATCHES_INIT;
	struct sanitize_jsonpath *p = NULL;
	struct doc d;

	/* Definite position: Jayway throws and the response fails. */
	CHECK_STR(FOUND("$.s[?(@.t)]", "{\"s\":\"str\"}"), "(rc -2)");
	CHECK_STR(FOUND("$.s[?(@.t)]", "{\"s\":null}"), "(rc -2)");
	CHECK_STR(REMOVED("$.s[?(@.t)]", "{\"s\":1}"), "(rc -2)");
	/* Missing is fine, and so is an indefinite position. */
	CHECK_STR(FOUND("$.zz[?(@.t)]", "{\"s\":\"str\"}"), "[]");
	CHECK_STR(FOUND("$.*[?(@.t)]", "{\"s\":\"str\"}"), "[]");
	CHECK_STR(FOUND("$..s[?(@.t)]", "{\"s\":\"str\"}"), "[]");
	/* A failed evaluation leaves no matches behind. */
	CHECK_INT(doc_open(&d, "{\"a\":[1],\"s\":1}"), 0);
	CHECK_INT(sanitize_jsonpath_compile("$.s[?(@)]", 9, &p, NULL), 0);
	m.n = 5;
	CHECK_INT(sanitize_jsonpath_eval(p, d.root, &m), ZP_EINVAL);
	CHECK_INT(m.n, 0);
	sanitize_jsonpath_free(&p);
	sanitize_jsonpath_matches_release(&m);
	doc_close(&d);
}

TEST(jsonpath_scan_then_filter)
{
	const char *doc = "{\"a\":{\"type\":\"User\",\"id\":1},\"l\":["
			  "{\"type\":\"User\",\"id\":2},{\"type\":\"Bot\","
			  "\"id\":3}]}";

	/* Objects are tested themselves; arrays test their items. */
	CHECK_STR(FOUND("$..[?(@.type == 'User')].id", doc), "[1,2]");
	CHECK_STR(REMOVED("$..[?(@.type == 'User')]", doc),
	    "{\"l\":[{\"type\":\"Bot\",\"id\":3}]}");
}

/* --- the match list and the API -------------------------------------- */

TEST(jsonpath_match_places)
{
	struct sanitize_jsonpath_matches m = SANITIZE_JSONPATH_MATCHES_INIT;
	struct sanitize_jsonpath *p = NULL;
	struct doc d;

	CHECK_INT(doc_open(&d, "{\"a\":[{\"b\":1},{\"b\":2}],\"b\":3}"), 0);
	CHECK_INT(sanitize_jsonpath_compile("$..b", 4, &p, NULL), 0);
	CHECK_INT(sanitize_jsonpath_eval(p, d.root, &m), 0);
	CHECK_INT(m.n, 3);
	if (m.n == 3) {
		CHECK(m.v[0].parent == d.root);
		CHECK_INT(m.v[0].index, 1);
		CHECK_INT(m.v[0].depth, 1);
		CHECK(m.v[1].parent == &d.root->u.members[0].value.u.items[0]);
		CHECK_INT(m.v[1].index, 0);
		CHECK_INT(m.v[1].depth, 3);
		CHECK(sanitize_jsonpath_slot(&m.v[2]) == m.v[2].value);
		CHECK(m.v[2].value->n == 1 && m.v[2].value->u.s[0] == '2');
	}
	CHECK(!sanitize_jsonpath_is_definite(p));
	sanitize_jsonpath_free(&p);
	CHECK(p == NULL);
	sanitize_jsonpath_free(&p);
	sanitize_jsonpath_free(NULL);
	sanitize_jsonpath_matches_release(&m);
	CHECK(m.v == NULL && m.n == 0);
	doc_close(&d);
}

TEST(jsonpath_definite)
{
	static const struct {
		const char *expr;
		int definite;
	} cases[] = {{"$", 1}, {"$.a.b", 1}, {"$['a','b']", 1},
	    {"$.a['b','c']", 1}, {"$['a','b'].c", 0}, {"$[0].a", 1},
	    {"$[0,1]", 0}, {"$[0:1]", 0}, {"$[*]", 0}, {"$..a", 0},
	    {"$.a[?(@.b)]", 0}};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sanitize_jsonpath *p =
		    compile_ok(__FILE__, __LINE__, cases[i].expr);

		if (p != NULL &&
		    sanitize_jsonpath_is_definite(p) != cases[i].definite)
			zp_test_failf(__FILE__, __LINE__, "%s: definite %d",
			    cases[i].expr, !cases[i].definite);
		sanitize_jsonpath_free(&p);
	}
}

/* fail_at_second is a map function failing on its second call. */
static int
fail_at_second(struct zp_json *slot, void *arg)
{
	int *calls = arg;

	(void)slot;
	return ++*calls == 2 ? ZP_ECRYPTO : 0;
}

TEST(jsonpath_map_stops_at_first_error)
{
	struct sanitize_jsonpath_matches m = SANITIZE_JSONPATH_MATCHES_INIT;
	struct sanitize_jsonpath *p = NULL;
	struct doc d;
	int calls = 0;

	CHECK_INT(doc_open(&d, "[1,2,3]"), 0);
	CHECK_INT(sanitize_jsonpath_compile("$[*]", 4, &p, NULL), 0);
	CHECK_INT(sanitize_jsonpath_map(p, d.root, &m, fail_at_second, &calls),
	    ZP_ECRYPTO);
	CHECK_INT(calls, 2);
	sanitize_jsonpath_free(&p);
	sanitize_jsonpath_matches_release(&m);
	doc_close(&d);
}

TEST(jsonpath_eval_reuses_matches)
{
	struct sanitize_jsonpath_matches m = SANITIZE_JSONPATH_MATCHES_INIT;
	struct sanitize_jsonpath *p = NULL;
	struct doc d;
	int i;

	CHECK_INT(doc_open(&d,
		      "{\"l\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,"
		      "16,17,18,19,20]}"),
	    0);
	CHECK_INT(sanitize_jsonpath_compile("$.l[*]", 6, &p, NULL), 0);
	for (i = 0; i < 3; i++) {
		CHECK_INT(sanitize_jsonpath_eval(p, d.root, &m), 0);
		CHECK_INT(m.n, 20);
	}
	CHECK_INT(sanitize_jsonpath_delete(p, d.root, &m), 0);
	CHECK_INT(d.root->u.members[0].value.n, 0);
	sanitize_jsonpath_free(&p);
	sanitize_jsonpath_matches_release(&m);
	doc_close(&d);
}

/* --- bad expressions ------------------------------------------------- */

TEST(jsonpath_bad_paths)
{
	CHECK_STR(bad(""), "at offset 0: empty path");
	CHECK_STR(bad("   "), "at offset 3: empty path");
	CHECK_STR(bad("a.b"), "at offset 0: path must start with '$'");
	CHECK_STR(bad("@.a"), "at offset 0: path must start with '$'");
	CHECK_STR(bad("$a"), "at offset 1: expected '.' or '['");
	CHECK_STR(bad("$.a b"),
	    "at offset 3: whitespace in a property name: use ['...']");
	CHECK_STR(bad("$.a*b"), "compiled");
	CHECK_STR(bad("$.*b"), "at offset 3: expected '.' or '['");
	CHECK_STR(bad("$['a']b"), "at offset 6: expected '.' or '['");
	CHECK_STR(bad("$."), "at offset 1: path must not end with '.'");
	CHECK_STR(bad("$.a."), "at offset 3: path must not end with '.'");
	CHECK_STR(bad("$.."), "at offset 1: path must not end with '..'");
	CHECK_STR(bad("$...a"), "at offset 3: unexpected '.'");
	CHECK_STR(
	    bad("$.length()"), "at offset 2: functions are not supported");
	CHECK_STR(
	    bad("$.a.min()"), "at offset 4: functions are not supported");
}

TEST(jsonpath_bad_brackets)
{
	CHECK_STR(bad("$[]"), "at offset 1: empty brackets");
	CHECK_STR(bad("$["), "at offset 1: unterminated '['");
	CHECK_STR(bad("$[a]"),
	    "at offset 2: expected a quoted name, '*', "
	    "'?(' or an index after '['");
	CHECK_STR(bad("$['a'"), "at offset 5: expected ',' or ']'");
	CHECK_STR(bad("$['a' 'b']"), "at offset 6: expected ',' or ']'");
	CHECK_STR(bad("$['a"), "at offset 2: unterminated string");
	CHECK_STR(bad("$['a',]"),
	    "at offset 6: expected a name in the same quotes after ','");
	CHECK_STR(bad("$['a',\"b\"]"),
	    "at offset 6: expected a name in the same quotes after ','");
	CHECK_STR(bad("$['a\\x']"), "at offset 4: bad escape");
	CHECK_STR(bad("$['\\ud800']"), "at offset 3: bad \\u escape");
	CHECK_STR(bad("$['\\u12']"), "at offset 3: bad \\u escape");
	CHECK_STR(bad("$['\\ud83d\\ude00']"), "compiled");
	CHECK_STR(bad("$[*"), "at offset 3: expected ']' after '*'");
	CHECK_STR(bad("$[*,1]"), "at offset 3: expected ']' after '*'");
}

TEST(jsonpath_bad_indexes)
{
	CHECK_STR(bad("$[1"), "at offset 3: expected ',' or ']'");
	CHECK_STR(bad("$[1a]"), "at offset 3: expected ',' or ']'");
	CHECK_STR(bad("$[1,]"), "at offset 4: bad index");
	CHECK_STR(bad("$[-]"), "at offset 2: bad index");
	CHECK_STR(bad("$[2147483647,-2147483648]"), "compiled");
	CHECK_STR(bad("$[2147483648]"), "at offset 2: index out of range");
	CHECK_STR(bad("$[-2147483649]"), "at offset 2: index out of range");
	CHECK_STR(bad("$[99999999999999999999999]"),
	    "at offset 2: index out of range");
	CHECK_STR(bad("$[:]"), "at offset 2: empty slice");
	CHECK_STR(
	    bad("$[1:2:3]"), "at offset 5: slice steps are not supported");
	CHECK_STR(bad("$[1:2"), "at offset 5: expected ']'");
	CHECK_STR(bad("$[1:x]"), "at offset 4: expected ']'");
}

TEST(jsonpath_bad_filters)
{
	CHECK_STR(bad("$[?]"),
	    "at offset 3: filter placeholders [?] are not supported");
	CHECK_STR(bad("$[?@.a]"), "at offset 3: expected '(' after '[?'");
	CHECK_STR(bad("$[?(@.a == 1]"), "at offset 12: expected ')'");
	CHECK_STR(bad("$[?(@.a == 1)"),
	    "at offset 13: expected ']' after the filter");
	CHECK_STR(bad("$[?(@.a) && (@.b)]"),
	    "at offset 9: expected ']' after the filter");
	CHECK_STR(bad("$[?(@.a ==)]"), "at offset 10: expected a value");
	CHECK_STR(bad("$[?(@.a contains 'x')]"),
	    "at offset 8: unsupported filter operator");
	CHECK_STR(
	    bad("$[?(@.a =! 1)]"), "at offset 8: unsupported filter operator");
	CHECK_STR(bad("$[?(@.a == $.b)]"),
	    "at offset 11: root references ($) in filters are not supported");
	CHECK_STR(bad("$[?('a')]"),
	    "at offset 4: a literal needs an operator in a filter");
	CHECK_STR(bad("$[?(@.a == [1])]"),
	    "at offset 11: a list literal only goes after in or nin");
	CHECK_STR(bad("$[?([1] in @.a)]"),
	    "at offset 4: a list literal only goes after in or nin");
	CHECK_STR(bad("$[?(@.a in 'x')]"),
	    "at offset 11: in and nin need a list or an @ path on the right");
	CHECK_STR(bad("$[?(@.a in [[1]])]"),
	    "at offset 12: list literals only hold strings, numbers, true, "
	    "false and null");
	CHECK_STR(bad("$[?(@.a == {\"b\":1})]"),
	    "at offset 11: object literals are not supported");
	CHECK_STR(bad("$[?(@.a == tru)]"), "at offset 11: expected a value");
	CHECK_STR(bad("$[?(@.a == 1.)]"), "at offset 11: bad number");
	CHECK_STR(bad("$[?(@.a == -)]"), "at offset 11: bad number");
	CHECK_STR(bad("$[?(@.a == 'x)]"), "at offset 11: unterminated string");
	CHECK_STR(bad("$[?(!'x')]"),
	    "at offset 5: a literal needs an operator in a filter");
	CHECK_STR(bad("$[?(@.a == !1)]"),
	    "at offset 12: expected an @ path after '!'");
}

TEST(jsonpath_bad_filter_paths)
{
	CHECK_STR(bad("$[?(@..a)]"),
	    "at offset 6: deep scan is not supported in filters");
	CHECK_STR(bad("$[?(@.*)]"),
	    "at offset 6: wildcards are not supported in filters");
	CHECK_STR(bad("$[?(@[*])]"),
	    "at offset 6: filter paths only take "
	    "['name'] or [n] in brackets");
	CHECK_STR(bad("$[?(@['a','b'])]"),
	    "at offset 9: filter paths take one name or index per bracket");
	CHECK_STR(bad("$[?(@.a.length() > 1)]"),
	    "at offset 8: functions are not supported");
	CHECK_STR(
	    bad("$[?(@. == 1)]"), "at offset 6: expected a property name");
}

TEST(jsonpath_bad_regexes)
{
	CHECK_STR(bad("$[?(@.a =~ 'x')]"),
	    "at offset 4: =~ needs a /regex/ on one side");
	CHECK_STR(bad("$[?(/a/ =~ /b/)]"),
	    "at offset 4: =~ needs a /regex/ on one side");
	CHECK_STR(bad("$[?(@.a == /x/)]"),
	    "at offset 4: a /regex/ only goes with =~");
	CHECK_STR(bad("$[?(@.a =~ /x)]"), "at offset 11: unterminated regex");
	CHECK_STR(
	    bad("$[?(@.a =~ /x/q)]"), "at offset 14: unknown regex flag");
	CHECK_STR(bad("$[?(@.a =~ /x/imsxuUd)]"), "compiled");
	CHECK_STR(bad("$[?(@.a =~ /(x/)]"),
	    "at offset 14: bad regex: missing closing parenthesis");
}

TEST(jsonpath_bad_nesting)
{
	char expr[256];
	size_t i, n = 0;

	n += (size_t)snprintf(expr + n, sizeof(expr) - n, "$[?(");
	for (i = 0; i < 70; i++)
		expr[n++] = '(';
	snprintf(expr + n, sizeof(expr) - n, "@.a)]");
	CHECK_STR(bad(expr), "at offset 68: filter nested too deeply");
	n = (size_t)snprintf(expr, sizeof(expr), "$[?(");
	for (i = 0; i < 63; i++)
		expr[n++] = '!';
	snprintf(expr + n, sizeof(expr) - n, "(@.a))]");
	CHECK_STR(bad(expr), "compiled");
}

TEST(jsonpath_compile_error_struct)
{
	struct sanitize_jsonpath *p = (struct sanitize_jsonpath *)&p;
	struct sanitize_jsonpath_error err;

	/* Not NUL-terminated: only len bytes are read. */
	CHECK_INT(
	    sanitize_jsonpath_compile("$.a.xyz", 4, &p, &err), ZP_EPARSE);
	CHECK(p == NULL);
	CHECK_INT(err.offset, 3);
	CHECK_STR(err.reason, "path must not end with '.'");
	CHECK_INT(sanitize_jsonpath_compile("$.a.xyz", 5, &p, NULL), 0);
	sanitize_jsonpath_free(&p);
}

/* --- the Zoom rules -------------------------------------------------- */

/* Every jsonPath of docs/sources/zoom/zoom.yaml, in file order. */
static const char *const zoom_paths[] = {"$.['host_id','host_email']",
    "$..email", "$..contact_email", "$..participants[*]",
    "$.['topic','agenda','custom_keys']",
    "$.settings.['alternative_hosts','enforce_login_domains',"
    "'approved_or_denied_countries_or_regions','audio_conference_info',"
    "'name','authentication_name','authentication_option','contact_name',"
    "'custom_keys','global_dial_in_countries','global_dial_in_numbers']",
    "$.['password','h323_password','pstn_password','encrypted_password',"
    "'start_url']",
    "$..join_url", "$..name",
    "$['meeting_host_id','meeting_host_email', "
    "'summary_last_modified_user_id','summary_last_modified_user_email']",
    "$['meeting_topic','summary_title']", "$..summary_overview",
    "$.summary_details[*].label", "$.summary_details[*].summary",
    "$.edited_summary.summary_details", "$..next_steps[*]",
    "$.['host_id','user_email','host_email']",
    "$.['user_name','topic','agenda']",
    "$.participants[*]['id','user_email','pmi']",
    "$.participants[*]['name','registrant_id']",
    "$.participants[*]['id','user_email','user_id','pmi']",
    "$.participants[*]['name','registrant_id','display_name']",
    "$.meetings[*]['host_id','user_email','host_email']",
    "$.meetings[*]['user_name','topic','custom_keys','tracking_fields']",
    "$.users[*]['email','phone_number']", "$.users[*]['id','pmi']",
    "$.users[*]['display_name','first_name','last_name','pic_url',"
    "'employee_unique_id']",
    "$.meetings[*]['host_id','host_email']",
    "$.meetings[*]['topic','join_url','start_url','agenda']",
    "$.meetings[*]['host_id','account_id']",
    "$..['topic','share_url','recording_play_passcode']",
    "$..recording_files[*]['download_url','file_path','play_url','agenda']"};

TEST(jsonpath_zoom_paths_compile)
{
	size_t i;

	for (i = 0; i < sizeof(zoom_paths) / sizeof(zoom_paths[0]); i++)
		if (strcmp(bad(zoom_paths[i]), "compiled") != 0)
			zp_test_failf(__FILE__, __LINE__, "%s: %s",
			    zoom_paths[i], bad(zoom_paths[i]));
}

/* pseudo marks a string as pseudonymized, "P(value)"; other scalars
 * become null, as most Psoxy functions do. */
static int
pseudo(struct zp_json *slot, void *arg)
{
	char *s;

	if (slot->type == ZP_JSON_OBJECT || slot->type == ZP_JSON_ARRAY)
		return ZP_EINVAL; /* pseudonymize throws on containers */
	if (slot->type != ZP_JSON_STRING && slot->type != ZP_JSON_NUMBER) {
		slot->type = ZP_JSON_NULL;
		return 0;
	}
	s = zp_arena_alloc(arg, slot->n + 3);
	if (s == NULL)
		return ZP_ENOMEM;
	memcpy(s, "P(", 2);
	memcpy(s + 2, slot->u.s, slot->n);
	s[slot->n + 2] = ')';
	slot->type = ZP_JSON_STRING;
	slot->u.s = s;
	slot->n += 3;
	slot->plain = 0;
	return 0;
}

/* One transform of a rule: map with pseudo, or delete. */
struct xform {
	int redact;
	const char *const *paths;
};

/* run_rules applies xforms in order to json and returns the result. */
static const char *
run_rules(const struct xform *xf, size_t n, const char *json)
{
	struct sanitize_jsonpath_matches m = SANITIZE_JSONPATH_MATCHES_INIT;
	struct zp_buf b = ZP_BUF_INIT;
	struct doc d;
	size_t i, k;
	int rc = doc_open(&d, json);

	for (i = 0; rc == 0 && i < n; i++)
		for (k = 0; rc == 0 && xf[i].paths[k] != NULL; k++) {
			struct sanitize_jsonpath *p =
			    compile_ok(__FILE__, __LINE__, xf[i].paths[k]);

			if (p == NULL)
				rc = -999;
			else if (xf[i].redact)
				rc = sanitize_jsonpath_delete(p, d.root, &m);
			else
				rc = sanitize_jsonpath_map(
				    p, d.root, &m, pseudo, &d.arena);
			sanitize_jsonpath_free(&p);
		}
	if (rc == 0)
		rc = zp_json_write(&b, d.root);
	const char *s = show(&b, rc);
	zp_buf_release(&b);
	sanitize_jsonpath_matches_release(&m);
	doc_close(&d);
	return s;
}

TEST(jsonpath_zoom_meeting_details)
{
	const char *const pseudonymize[] = {
	    zoom_paths[0], zoom_paths[1], zoom_paths[2], zoom_paths[3], NULL};
	const char *const redact[] = {zoom_paths[4], zoom_paths[5],
	    zoom_paths[6], zoom_paths[7], zoom_paths[8], NULL};
	const struct xform xf[] = {{0, pseudonymize}, {1, redact}};
	const char *body =
	    "{\"uuid\":\"aDYlohsHRtCd4ii1uC2+hA==\",\"id\":85746065432,"
	    "\"host_id\":\"KdYKjnimT4KPd8FFgQt9FQ\",\"host_email\":"
	    "\"jchill@example.com\",\"topic\":\"Roadmap\",\"type\":2,"
	    "\"agenda\":\"Q3\",\"password\":\"p4ss\",\"join_url\":"
	    "\"https://example.com/j/85746065432?pwd=x\",\"settings\":{"
	    "\"host_video\":true,\"alternative_hosts\":\"a@example.com\","
	    "\"contact_name\":\"Jill Chill\",\"contact_email\":"
	    "\"jchill@example.com\",\"meeting_invitees\":[{\"email\":"
	    "\"b@example.com\",\"internal_user\":true}],\"breakout_room\":{"
	    "\"enable\":true,\"rooms\":[{\"name\":\"Room 1\",\"participants\":"
	    "[\"c@example.com\",\"d@example.com\"]}]},"
	    "\"language_interpretation\":{\"enable\":true,\"interpreters\":[{"
	    "\"email\":\"e@example.com\",\"languages\":\"US,FR\"}]}}}";

	CHECK_STR(run_rules(xf, 2, body),
	    "{\"uuid\":\"aDYlohsHRtCd4ii1uC2+hA==\",\"id\":85746065432,"
	    "\"host_id\":\"P(KdYKjnimT4KPd8FFgQt9FQ)\",\"host_email\":"
	    "\"P(jchill@example.com)\",\"type\":2,\"settings\":{"
	    "\"host_video\":true,\"contact_email\":"
	    "\"P(jchill@example.com)\",\"meeting_invitees\":[{\"email\":"
	    "\"P(b@example.com)\",\"internal_user\":true}],\"breakout_room\":{"
	    "\"enable\":true,\"rooms\":[{\"participants\":[\"P(c@example.com)"
	    "\",\"P(d@example.com)\"]}]},\"language_interpretation\":{"
	    "\"enable\":true,\"interpreters\":[{\"email\":\"P(e@example.com)"
	    "\",\"languages\":\"US,FR\"}]}}}");
}

TEST(jsonpath_zoom_meeting_summary)
{
	const char *const pseudonymize[] = {zoom_paths[9], NULL};
	const char *const redact[] = {zoom_paths[10], NULL};
	const char *const digest[] = {zoom_paths[11], zoom_paths[12],
	    zoom_paths[13], zoom_paths[14], zoom_paths[15], NULL};
	const struct xform xf[] = {
	    {0, pseudonymize}, {1, redact}, {0, digest}};
	const char *body =
	    "{\"meeting_host_id\":\"h1\",\"meeting_host_email\":\"h@x.com\","
	    "\"meeting_topic\":\"T\",\"summary_title\":\"S\","
	    "\"summary_overview\":\"ov\",\"summary_details\":[{\"label\":"
	    "\"L1\",\"summary\":\"s1\"},{\"label\":\"L2\"}],\"next_steps\":["
	    "\"n1\",\"n2\"],\"edited_summary\":{\"summary_details\":\"ed\","
	    "\"next_steps\":[\"n3\"]}}";

	CHECK_STR(run_rules(xf, 3, body),
	    "{\"meeting_host_id\":\"P(h1)\",\"meeting_host_email\":"
	    "\"P(h@x.com)\",\"summary_overview\":\"P(ov)\","
	    "\"summary_details\":[{\"label\":\"P(L1)\",\"summary\":"
	    "\"P(s1)\"},{\"label\":\"P(L2)\"}],\"next_steps\":[\"P(n1)\","
	    "\"P(n2)\"],\"edited_summary\":{\"summary_details\":\"P(ed)\","
	    "\"next_steps\":[\"P(n3)\"]}}");
}

TEST(jsonpath_zoom_report_participants)
{
	const char *const pseudonymize[] = {zoom_paths[20], NULL};
	const char *const redact[] = {zoom_paths[21], NULL};
	const struct xform xf[] = {{0, pseudonymize}, {1, redact}};
	const char *body =
	    "{\"page_size\":2,\"next_page_token\":\"tok\",\"participants\":[{"
	    "\"id\":\"u1\",\"user_id\":\"16778240\",\"name\":\"Ann\","
	    "\"user_email\":\"ann@x.com\",\"registrant_id\":\"r1\","
	    "\"duration\":60},{\"id\":\"\",\"name\":\"Guest\","
	    "\"user_email\":\"\",\"duration\":5,\"pmi\":null}]}";

	CHECK_STR(run_rules(xf, 2, body),
	    "{\"page_size\":2,\"next_page_token\":\"tok\",\"participants\":[{"
	    "\"id\":\"P(u1)\",\"user_id\":\"P(16778240)\",\"user_email\":"
	    "\"P(ann@x.com)\",\"duration\":60},{\"id\":\"P()\","
	    "\"user_email\":\"P()\",\"duration\":5,\"pmi\":null}]}");
}

TEST(jsonpath_zoom_users)
{
	const char *const emails[] = {zoom_paths[24], NULL};
	const char *const ids[] = {zoom_paths[25], NULL};
	const char *const redact[] = {zoom_paths[26], NULL};
	const struct xform xf[] = {{0, emails}, {0, ids}, {1, redact}};
	const char *body =
	    "{\"page_count\":1,\"users\":[{\"id\":\"z8yAAAAA8bbbQ\","
	    "\"first_name\":\"Jill\",\"last_name\":\"Chill\",\"display_name\":"
	    "\"Jill Chill\",\"email\":\"jchill@example.com\",\"type\":1,"
	    "\"pmi\":3542471135,\"status\":\"active\"},{\"id\":\"q2\","
	    "\"email\":\"x@example.com\"}],\"total_records\":2}";

	CHECK_STR(run_rules(xf, 3, body),
	    "{\"page_count\":1,\"users\":[{\"id\":\"P(z8yAAAAA8bbbQ)\","
	    "\"email\":\"P(jchill@example.com)\",\"type\":1,\"pmi\":"
	    "\"P(3542471135)\",\"status\":\"active\"},{\"id\":\"P(q2)\","
	    "\"email\":\"P(x@example.com)\"}],\"total_records\":2}");
}

TEST(jsonpath_zoom_recordings)
{
	const char *const pseudonymize[] = {zoom_paths[29], NULL};
	const char *const redact[] = {zoom_paths[30], zoom_paths[31], NULL};
	const struct xform xf[] = {{0, pseudonymize}, {1, redact}};
	/* The first meeting has all three keys of $..['topic',...], the
	 * second only topic: Jayway leaves the second alone. */
	const char *body =
	    "{\"from\":\"2024-01-01\",\"meetings\":[{\"uuid\":\"m1\","
	    "\"host_id\":\"h1\",\"account_id\":\"a1\",\"topic\":\"T1\","
	    "\"share_url\":\"https://s/1\",\"recording_play_passcode\":\"pc\","
	    "\"recording_files\":[{\"id\":\"f1\",\"download_url\":\"https://"
	    "d/1\",\"play_url\":\"https://p/1\",\"file_type\":\"MP4\"}]},{"
	    "\"uuid\":\"m2\",\"host_id\":\"h2\",\"topic\":\"T2\","
	    "\"recording_files\":[]}]}";

	CHECK_STR(run_rules(xf, 2, body),
	    "{\"from\":\"2024-01-01\",\"meetings\":[{\"uuid\":\"m1\","
	    "\"host_id\":\"P(h1)\",\"account_id\":\"P(a1)\","
	    "\"recording_files\":[{\"id\":\"f1\",\"file_type\":\"MP4\"}]},{"
	    "\"uuid\":\"m2\",\"host_id\":\"P(h2)\",\"topic\":\"T2\","
	    "\"recording_files\":[]}]}");
}

TEST(jsonpath_zoom_pseudonymize_container_fails)
{
	const char *const pseudonymize[] = {zoom_paths[3], NULL};
	const struct xform xf[] = {{0, pseudonymize}};

	/* $..participants[*] reaching objects: pseudonymize throws. */
	CHECK_STR(
	    run_rules(xf, 1, "{\"participants\":[{\"id\":1}]}"), "(rc -2)");
	CHECK_STR(run_rules(xf, 1, "{\"participants\":[\"a\",7,true]}"),
	    "{\"participants\":[\"P(a)\",\"P(7)\",null]}");
}
