/*
 * fuzz_envelope.c - libFuzzer target of the envelope reader and writer.
 *
 * For any input: zp_env_parse never crashes; an accepted envelope written
 * back with zp_env_write parses again to the same known fields, the same
 * unknown fields and the same body bytes; a body that parsed as part of
 * the envelope also parses alone as a DOM.  Any disagreement aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "error.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct zp_envelope first, second;
static struct zp_json_parser parser;
static struct zp_buf out = ZP_BUF_INIT;
static int ready;

/* die reports which property broke and aborts. */
static void
die(const char *what)
{
	fprintf(stderr, "fuzz_envelope: %s\n", what);
	abort();
}

/* same_str compares two optional decoded fields. */
static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* same_slice compares two raw slices. */
static int
same_slice(struct zp_slice a, struct zp_slice b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

/* compare checks that second is first written and read back. */
static void
compare(void)
{
	size_t i;

	if (!same_str(first.id, second.id) ||
	    !same_str(first.kind, second.kind) ||
	    !same_str(first.account, second.account) ||
	    !same_str(first.method, second.method) ||
	    !same_str(first.path, second.path) ||
	    !same_str(first.endpoint, second.endpoint) ||
	    !same_str(first.at, second.at) || first.status != second.status)
		die("known fields changed in a round trip");
	if ((first.body.p == NULL) != (second.body.p == NULL) ||
	    !same_slice(first.body, second.body))
		die("body changed in a round trip");
	if (first.nextra != second.nextra)
		die("unknown fields lost in a round trip");
	for (i = 0; i < first.nextra; i++)
		if (!same_slice(first.extra[i].key, second.extra[i].key) ||
		    !same_slice(first.extra[i].value, second.extra[i].value))
			die("an unknown field changed in a round trip");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zp_json *body;

	if (!ready) {
		zp_env_init(&first);
		zp_env_init(&second);
		ready = 1;
	}
	if (zp_env_parse(&first, (const char *)data, size) != 0)
		return 0;
	zp_buf_reset(&out);
	if (zp_env_write(&out, &first, NULL, 0, NULL) != 0)
		die("zp_env_write failed on a valid envelope");
	if (zp_env_parse(&second, out.data, out.len) != 0)
		die("written envelope does not parse");
	compare();
	zp_json_parser_init(&parser, NULL);
	if (zp_env_body_dom(&first, &parser, &body) != 0)
		die("body of a valid envelope does not parse as a DOM");
	zp_json_parser_release(&parser);
	return 0;
}
