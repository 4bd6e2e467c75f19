/*
 * fuzz_rules.c - libFuzzer target of the rules loader (sanitize/rules.c).
 *
 * Any bytes are fed as a YAML rule set.  For every input: the load never
 * crashes or leaks; it succeeds or fails with ZP_ECONFIG (ZP_ENOMEM aside);
 * a failure leaves at least one "fuzz.yaml..." message and every message
 * is one line; the result does not depend on whether messages are kept; a
 * loaded rule set has a compiled path for every endpoint and answers
 * sanitize_rules_match on a few request targets.  Any broken property
 * aborts.
 *
 * The fuzz rule of the Makefile links libzp.a only, so this file includes
 * sanitize/rules.c itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sanitize/rules.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct zp_buf errors = ZP_BUF_INIT;

/* die reports which property broke and aborts. */
static void
die(const char *what)
{
	fprintf(stderr, "fuzz_rules: %s\n", what);
	abort();
}

/* picky rejects JSONPaths without a leading $, to reach that error too. */
static int
picky(const char *path, struct zp_buf *why, void *arg)
{
	(void)arg;
	if (path[0] == '$')
		return 0;
	zp_buf_puts(why, "no leading $");
	return 1;
}

/* check_messages checks that each message is one "fuzz.yaml" line. */
static void
check_messages(void)
{
	const char *p = errors.data, *nl;

	if (p == NULL || *p == '\0')
		die("rules refused without a message");
	for (; *p != '\0'; p = nl + 1) {
		if (strncmp(p, "fuzz.yaml", 9) != 0)
			die("a message without the file name");
		nl = strchr(p, '\n');
		if (nl == NULL)
			die("a message without its newline");
	}
}

/* check_loaded checks the shape of a loaded rule set and matches on it. */
static void
check_loaded(const struct sanitize_rules *r)
{
	static const char *const targets[] = {"/v2/users", "/a?b=c&d",
	    "/v2/meetings/x%2Fy/meeting_summary?q=1", "", "?", "/%zz"};
	struct sanitize_match m;
	size_t i;
	int rc;

	if (strlen(r->sha256) != 64)
		die("no SHA-256");
	for (i = 0; i < r->n_endpoints; i++)
		if (r->endpoints[i].path.code == NULL)
			die("an endpoint without a compiled path");
	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		rc = sanitize_rules_match(
		    r, i % 2 ? "get" : "POST", targets[i], &m);
		if (rc != 0 && rc != ZP_ENOTFOUND && rc != ZP_ENOMEM)
			die("unexpected result from sanitize_rules_match");
		if (rc == 0 && m.endpoint == NULL && !r->allow_all_endpoints)
			die("a match without an endpoint");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sanitize_rules_options o = {0};
	struct sanitize_rules *r = NULL;
	const char *text = (const char *)data;
	int rc, quiet;

	zp_buf_reset(&errors);
	o.errors = &errors;
	o.check_path = picky;
	rc = sanitize_rules_load_string("fuzz.yaml", text, size, &o, &r);
	if (rc == ZP_ENOMEM)
		return 0;
	if (rc != 0 && rc != ZP_ECONFIG)
		die("unexpected result code");
	if ((rc == 0) != (r != NULL))
		die("result code and rules disagree");
	if (rc != 0)
		check_messages();
	else
		check_loaded(r);
	sanitize_rules_free(&r);
	o.errors = NULL;
	quiet = sanitize_rules_load_string("fuzz.yaml", text, size, &o, &r);
	if (quiet != rc && quiet != ZP_ENOMEM)
		die("the result depends on whether messages are kept");
	sanitize_rules_free(&r);
	return 0;
}
