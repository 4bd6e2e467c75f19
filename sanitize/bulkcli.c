/*
 * bulkcli.c - zp-sanitize --bulk RULES [--format csv|ndjson] [FILE...]:
 * each file (or stdin) through bulk.c's columnar rules to stdout.
 */
#include <stdio.h>
#include <string.h>

#include "bulk.h"
#include "error.h"
#include "log.h"
#include "tool.h"

/* bulk_format picks the format of one input: --format, else its name. */
static enum sanitize_bulk_format
bulk_format(const char *flag, const char *name)
{
	const char *dot = name != NULL ? strrchr(name, '.') : NULL;

	if (flag != NULL)
		return strcmp(flag, "ndjson") == 0 ? SANITIZE_BULK_NDJSON
						   : SANITIZE_BULK_CSV;
	if (dot != NULL &&
	    (strcmp(dot, ".ndjson") == 0 || strcmp(dot, ".jsonl") == 0 ||
		strcmp(dot, ".json") == 0))
		return SANITIZE_BULK_NDJSON;
	return SANITIZE_BULK_CSV;
}

/* bulk_one sanitizes one input file ("-" or NULL: stdin) to stdout. */
static int
bulk_one(const struct sanitize_options *o, const struct sanitize_bulk_rules *r,
    const struct zp_pseudo *p, const char *name, unsigned long *rejected)
{
	FILE *in =
	    name == NULL || strcmp(name, "-") == 0 ? stdin : fopen(name, "r");
	int rc;

	if (in == NULL) {
		zp_error("%s: cannot open", name);
		return ZP_ENOTFOUND;
	}
	rc = sanitize_bulk_run(r, p, in, in == stdin ? "stdin" : name, stdout,
	    bulk_format(o->bulk_format, name), rejected);
	if (in != stdin)
		fclose(in);
	return rc;
}

/* sanitize_bulk_command runs --bulk RULES over the input files. */
int
sanitize_bulk_command(
    const struct sanitize_options *o, const struct zp_pseudo *p)
{
	struct sanitize_bulk_rules *r = NULL;
	struct zp_buf why = ZP_BUF_INIT;
	unsigned long rejected = 0;
	size_t i;
	int rc;

	rc = sanitize_bulk_rules_load_file(o->bulk_rules, &r, &why);
	if (rc != 0) {
		zp_error("bulk rules not loaded:\n%s",
		    why.len ? why.data : zp_strerror(rc));
		zp_buf_release(&why);
		return ZP_EXIT_CONFIG;
	}
	zp_buf_release(&why);
	for (i = 0; rc == 0 && i < (o->n_files ? o->n_files : 1); i++)
		rc = bulk_one(
		    o, r, p, o->n_files ? o->files[i] : NULL, &rejected);
	sanitize_bulk_rules_free(&r);
	if (rc == 0 && fflush(stdout) != 0)
		rc = ZP_EIO;
	if (rc != 0)
		return rc == ZP_ENOTFOUND ? ZP_EXIT_CONFIG : zp_exit_code(rc);
	if (rejected > 0)
		zp_warn("%lu rows rejected (logged above)", rejected);
	return rejected > 0 ? ZP_EXIT_REJECTED : ZP_EXIT_OK;
}
