/*
 * fuzz_jsonpath.c - libFuzzer target of sanitize/jsonpath.c.
 *
 * The input is a JSONPath.  Compiling never crashes and either succeeds
 * or names an offset inside the input and a reason.  A compiled path is
 * evaluated on a small fixed document (nesting, arrays of objects,
 * duplicate keys, every scalar kind): every match must point at a live
 * slot holding its value, and mapping every match to "X" or deleting
 * every match must leave a document that writes out as valid JSON.  Any
 * broken property aborts, so libFuzzer saves the input.
 *
 * The fuzz rule of the Makefile links libzp.a only, so this file includes
 * the module's source rather than linking libsanitize.a.
 */
#include "jsonpath.c"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char doc_text[] =
    "{\"id\":85746065432,\"host_email\":\"a@x.com\",\"topic\":\"T\","
    "\"settings\":{\"contact_email\":\"c@x.com\",\"name\":\"N\","
    "\"breakout_room\":{\"rooms\":[{\"name\":\"R\",\"participants\":"
    "[\"p@x.com\",\"q@x.com\"]},[1,[2,[3]]]]},\"flag\":true,\"off\":false,"
    "\"none\":null},\"participants\":[{\"id\":\"u1\",\"name\":\"Ann\","
    "\"n\":1.5e1,\"t\":\"x\"},{\"id\":\"u2\",\"t\":null,\"n\":-3},"
    "{\"id\":\"u3\",\"t\":\"y\",\"id\":\"dup\"},\"s\",7,null],"
    "\"\xc3\xa9\":{\"\":[true,{\"a\":{\"a\":{\"a\":\"\\u0000\"}}}]}}";

/* Kept between runs so that a run costs little once warmed up. */
static struct zp_arena arena = ZP_ARENA_INIT;
static struct zp_json_parser parser;
static struct sanitize_jsonpath_matches matches =
    SANITIZE_JSONPATH_MATCHES_INIT;
static struct zp_buf out = ZP_BUF_INIT;
static int ready;

/* die reports which property broke and aborts. */
static void
die(const char *what)
{
	fprintf(stderr, "fuzz_jsonpath: %s\n", what);
	abort();
}

/* fresh parses the fixed document into the reset arena. */
static struct zp_json *
fresh(void)
{
	struct zp_json *root = NULL;

	zp_arena_reset(&arena);
	if (zp_json_parse(&parser, doc_text, sizeof(doc_text) - 1, &root) != 0)
		die("the fixed document does not parse");
	return root;
}

/* holds tells whether match m's slot is its value, or (Jayway's scan
 * quirk) an array holding its value as an item. */
static int
holds(const struct sanitize_jsonpath_match *m, const struct zp_json *root)
{
	const struct zp_json *slot = sanitize_jsonpath_slot(m);

	if (m->parent == NULL)
		return m->value == root && m->depth == 0;
	if (slot == NULL)
		return 0;
	if (slot == m->value)
		return 1;
	return slot->type == ZP_JSON_ARRAY && slot->n > 0 &&
	    m->value >= slot->u.items && m->value < slot->u.items + slot->n;
}

/* check_written writes root and parses the output back. */
static void
check_written(const struct zp_json *root)
{
	struct zp_json_error e;

	zp_buf_reset(&out);
	if (zp_json_write(&out, root) != 0)
		die("zp_json_write failed");
	if (zp_json_validate(out.data, out.len, &e) != 0)
		die("a changed document is not valid JSON");
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

/* check_eval evaluates p twice and checks every match. */
static void
check_eval(const struct sanitize_jsonpath *p)
{
	struct zp_json *root = fresh();
	size_t i, n;
	int rc = sanitize_jsonpath_eval(p, root, &matches);

	if (rc != 0 && rc != ZP_EINVAL && rc != ZP_ENOMEM)
		die("unexpected result of eval");
	if (rc != 0 && matches.n != 0)
		die("a failed eval left matches");
	for (i = 0; i < matches.n; i++)
		if (!holds(&matches.v[i], root))
			die("a match does not hold its value");
	n = matches.n;
	if (sanitize_jsonpath_eval(p, root, &matches) != rc || matches.n != n)
		die("eval is not repeatable");
}

/* check_changes maps every match to "X", then deletes every match. */
static void
check_changes(const struct sanitize_jsonpath *p)
{
	struct zp_json *root = fresh();
	int rc = sanitize_jsonpath_map(p, root, &matches, set_x, NULL);

	if (rc != 0 && rc != ZP_EINVAL && rc != ZP_ENOMEM)
		die("unexpected result of map");
	check_written(root);
	root = fresh();
	rc = sanitize_jsonpath_delete(p, root, &matches);
	if (rc != 0 && rc != ZP_EINVAL && rc != ZP_ENOMEM)
		die("unexpected result of delete");
	check_written(root);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sanitize_jsonpath *p = NULL;
	struct sanitize_jsonpath_error err;
	int rc;

	if (!ready) {
		zp_json_parser_init(&parser, &arena);
		ready = 1;
	}
	rc = sanitize_jsonpath_compile((const char *)data, size, &p, &err);
	if (rc == ZP_EPARSE) {
		if (err.offset > size || err.reason[0] == '\0')
			die("an error without a reason or past the end");
		return 0;
	}
	if (rc != 0) {
		if (rc != ZP_ENOMEM || p != NULL)
			die("unexpected result of compile");
		return 0;
	}
	(void)sanitize_jsonpath_is_definite(p);
	check_eval(p);
	check_changes(p);
	sanitize_jsonpath_free(&p);
	return 0;
}
