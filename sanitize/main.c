/*
 * zp-sanitize - pseudonymize Zoom API pages by Psoxy's rules, failing
 * closed: the stream (default), --print-rules, --reverse, --bulk.
 * Options and secrets are in options.c, the stream in run.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "signals.h"
#include "tool.h"

/* needs_key finds a transform that needs the encryption key; its line,
 * or 0. */
static int
needs_key(const struct sanitize_rules *rules)
{
	const struct sanitize_transform *t;
	size_t i, j;

	for (i = 0; i < rules->n_endpoints; i++)
		for (j = 0; j < rules->endpoints[i].n_transforms; j++) {
			t = &rules->endpoints[i].transforms[j];
			if (t->include_reversible ||
			    t->kind == SANITIZE_ENCRYPT_IP)
				return t->line;
		}
	return 0;
}

/* print_rules writes the rules in force to stdout. */
static int
print_rules(const struct sanitize_options *o)
{
	FILE *f;
	char chunk[65536];
	size_t n;

	if (o->rules_path == NULL) {
		fwrite(sanitize_builtin_rules, 1, sanitize_builtin_rules_len,
		    stdout);
	} else if ((f = fopen(o->rules_path, "r")) != NULL) {
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			fwrite(chunk, 1, n, stdout);
		fclose(f);
	}
	return fflush(stdout) == 0 && !ferror(stdout) ? ZP_EXIT_OK
						      : ZP_EXIT_TEMPFAIL;
}

/* pseudo_setup configures p from the secrets; 0 or an exit status. */
static int
pseudo_setup(const struct sanitize_options *o,
    const struct sanitize_rules *rules, const struct sanitize_secrets *s,
    struct zp_pseudo *p)
{
	int line = rules != NULL ? needs_key(rules) : 0;

	if (sanitize_pseudo_setup(o, s, p) != 0)
		return ZP_EXIT_CONFIG;
	if (s->key.len == 0 && (o->reverse || line > 0)) {
		if (o->reverse)
			zp_error("--reverse needs the key: set "
				 "ZP_ENCRYPTION_KEY or PSOXY_ENCRYPTION_KEY, "
				 "or pass --key-file FILE");
		else
			zp_error(
			    "%s:%d: the rules ask for reversible "
			    "pseudonyms: set ZP_ENCRYPTION_KEY or "
			    "PSOXY_ENCRYPTION_KEY, or pass --key-file FILE",
			    rules->name, line);
		return ZP_EXIT_CONFIG;
	}
	return 0;
}

/* run_mode runs the mode o asks for with the rules and secrets ready. */
static int
run_mode(const struct sanitize_options *o, const struct sanitize_rules *rules,
    const struct zp_pseudo *p, const struct sanitize_secrets *s)
{
	if (o->reverse)
		return sanitize_reverse(o, p);
	if (o->bulk_rules != NULL)
		return sanitize_bulk_command(o, p);
	return sanitize_run(o, rules, p, s);
}

int
main(int argc, char **argv)
{
	struct sanitize_options o;
	struct sanitize_secrets s = {
	    ZP_BUF_INIT, ZP_BUF_INIT, ZP_BUF_INIT, ZP_BUF_INIT};
	struct sanitize_rules *rules = NULL;
	struct zp_pseudo p;
	int rc, status;

	memset(&p, 0, sizeof(p));
	zp_log_init("zp-sanitize", ZP_LOG_INFO, ZP_LOG_TEXT);
	if ((rc = sanitize_options_parse(&o, argc, argv)) != 0)
		return rc == ZP_EINVAL ? ZP_EXIT_USAGE : ZP_EXIT_CONFIG;
	if (zp_signals_install() != 0)
		return ZP_EXIT_TEMPFAIL;
	if (!o.reverse && o.bulk_rules == NULL &&
	    sanitize_load_rules(&o, &rules) != 0)
		return ZP_EXIT_CONFIG;
	if (o.print_rules) {
		sanitize_rules_free(&rules);
		return print_rules(&o);
	}
	if (sanitize_secrets_read(&o, &s) != 0) {
		sanitize_rules_free(&rules);
		return ZP_EXIT_CONFIG;
	}
	status = pseudo_setup(&o, rules, &s, &p);
	if (status == 0)
		status = run_mode(&o, rules, &p, &s);
	zp_pseudo_release(&p);
	sanitize_secrets_wipe(&s);
	sanitize_rules_free(&rules);
	return status;
}
