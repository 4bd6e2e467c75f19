/*
 * fuzz_json.c - libFuzzer target of the JSON module.
 *
 * For any input: zp_json_parse and zp_json_validate agree (same code, same
 * offset and reason); the tokenizer with zp_json_skip agrees with them; an
 * accepted document written compactly parses again and writes back to the
 * same bytes; and zp_json_write_string of the raw bytes is always valid
 * JSON.  Any disagreement aborts, so libFuzzer saves the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "error.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Kept between runs so that a run costs no malloc once warmed up. */
static struct zp_arena arena = ZP_ARENA_INIT;
static struct zp_json_parser parser;
static struct zp_buf first = ZP_BUF_INIT, second = ZP_BUF_INIT;
static int ready;

/* die reports which property broke and aborts. */
static void
die(const char *what)
{
	fprintf(stderr, "fuzz_json: %s\n", what);
	abort();
}

/* check_errors compares parse and validate on one input. */
static void
check_errors(const char *s, size_t n, int rc)
{
	struct zp_json_error e = {0, NULL};
	int vrc = zp_json_validate(s, n, &e);

	if (rc == ZP_ENOMEM)
		return;
	if (vrc != rc)
		die("zp_json_validate and zp_json_parse disagree");
	if (rc == 0)
		return;
	if (rc != ZP_EPARSE && rc != ZP_EDEPTH)
		die("unexpected result code");
	if (e.reason == NULL || e.offset > n)
		die("error without a reason or past the end");
	if (e.offset != parser.err.offset ||
	    strcmp(e.reason, parser.err.reason) != 0)
		die("zp_json_validate and zp_json_parse blame differently");
}

/* check_skip tokenizes s skipping the root value; rc is parse's result. */
static void
check_skip(const char *s, size_t n, int rc)
{
	struct zp_json_tok t;
	enum zp_tok tok;
	int src;

	zp_json_tok_init(&t, s, n, 0);
	tok = zp_json_next(&t);
	src = zp_json_skip(&t, tok);
	if (src == 0)
		src = zp_json_next(&t) == ZP_TOK_END ? 0 : t.code;
	if (src != rc)
		die("zp_json_skip disagrees with zp_json_parse");
}

/* check_round_trip writes root, parses that, and writes it again. */
static void
check_round_trip(const struct zp_json *root)
{
	struct zp_json *again;

	zp_buf_reset(&first);
	zp_buf_reset(&second);
	if (zp_json_write(&first, root) != 0)
		die("zp_json_write failed");
	if (zp_json_parse(&parser, first.data, first.len, &again) != 0)
		die("our own output does not parse");
	if (zp_json_write(&second, again) != 0)
		die("zp_json_write failed on the second pass");
	if (first.len != second.len ||
	    memcmp(first.data, second.data, first.len) != 0)
		die("writing is not idempotent");
}

/* check_string quotes the raw input, which must give one valid string. */
static void
check_string(const char *s, size_t n)
{
	struct zp_json *v;

	zp_buf_reset(&first);
	if (zp_json_write_string(&first, s, n) != 0)
		die("zp_json_write_string failed");
	if (zp_json_parse(&parser, first.data, first.len, &v) != 0)
		die("zp_json_write_string gave invalid JSON");
	if (v->type != ZP_JSON_STRING)
		die("zp_json_write_string did not give a string");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct zp_json *root = NULL;
	int rc;

	if (!ready) {
		zp_json_parser_init(&parser, &arena);
		ready = 1;
	}
	zp_arena_reset(&arena);
	rc = zp_json_parse(&parser, s, size, &root);
	check_errors(s, size, rc);
	if (rc != ZP_ENOMEM)
		check_skip(s, size, rc);
	if (rc == 0)
		check_round_trip(root);
	check_string(s, size);
	return 0;
}
