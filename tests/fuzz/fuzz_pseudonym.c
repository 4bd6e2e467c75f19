/*
 * fuzz_pseudonym.c - libFuzzer target of the Psoxy-compatible pseudonyms.
 *
 * For any input string: a t~ token is t~ plus 43 base64url characters and
 * at most an @domain; the JSON encoding is valid JSON; a p~ token reverses
 * to exactly the input; zp_pseudo_reverse of the raw input never crashes.
 * Any broken property aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "json.h"
#include "pseudonym.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct zp_pseudo cfg;
static struct zp_buf out = ZP_BUF_INIT, back = ZP_BUF_INIT;
static int ready;

/* die reports which property broke and aborts. */
static void
die(const char *what)
{
	fprintf(stderr, "fuzz_pseudonym: %s\n", what);
	abort();
}

/* check_token verifies the shape of a t~ token. */
static void
check_token(void)
{
	size_t i;

	if (out.len < 45 || memcmp(out.data, "t~", 2) != 0)
		die("t~ token too short or without its prefix");
	for (i = 2; i < 45; i++) {
		char c = out.data[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			(c >= '0' && c <= '9') || c == '-' || c == '_'))
			die("t~ token is not base64url");
	}
	if (out.len > 45 && out.data[45] != '@')
		die("t~ token followed by something other than @domain");
}

/* round_trip checks that a p~ token reverses to the input. */
static void
round_trip(const char *s, size_t n)
{
	const char *at;
	size_t len;

	zp_buf_reset(&out);
	if (zp_pseudo_value(
		&cfg, s, n, 0, ZP_PSEUDO_URL_SAFE_TOKEN, 1, &out) != 0)
		die("p~ failed where t~ worked");
	at = memchr(out.data, '@', out.len);
	len = at ? (size_t)(at - out.data) : out.len;
	zp_buf_reset(&back);
	if (zp_pseudo_reverse(&cfg, out.data, len, &back) != 0)
		die("p~ token does not reverse");
	if (back.len != n || memcmp(back.data, s, n) != 0)
		die("p~ token reverses to something else");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct zp_json_error err;
	int rc;

	if (!ready) {
		if (zp_pseudo_init(&cfg, "salt", 4) != 0 ||
		    zp_pseudo_set_key(&cfg, "secret", 6) != 0)
			die("setup");
		ready = 1;
	}
	zp_buf_reset(&out);
	rc = zp_pseudo_value(
	    &cfg, s, size, 0, ZP_PSEUDO_URL_SAFE_TOKEN, 0, &out);
	if (rc != 0 && rc != ZP_PSEUDO_NULL)
		die("t~ of a string failed");
	if (rc == 0) {
		check_token();
		round_trip(s, size);
		zp_buf_reset(&out);
		if (zp_pseudo_value(
			&cfg, s, size, 0, ZP_PSEUDO_JSON, 1, &out) != 0 ||
		    zp_json_validate(out.data, out.len, &err) != 0)
			die("JSON encoding is not valid JSON");
	}
	zp_buf_reset(&back);
	zp_pseudo_reverse(&cfg, s, size, &back);
	return 0;
}
