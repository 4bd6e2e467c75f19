/*
 * tool.h - the parts of zp-sanitize and how they meet.
 *
 *   main.c       modes: stream (default), --print-rules, --reverse, --bulk
 *   options.c    flags, the environment and the secrets (salt, key)
 *   run.c        the stream: each page envelope through its endpoint's
 *                responseSchema and transforms; fail closed
 *   pool.c       the worker threads that sanitize page bodies, output in
 *                input order
 *   reverse.c    p~ tokens back to their originals
 *   rules.c      the rules loader, jsonpath.c the JSONPath engine,
 *   schema.c     the responseSchema filter, transform.c the transforms,
 *   bulk.c       CSV and NDJSON files (bulkcli.c: the --bulk mode),
 *   builtin.c    the built-in rules
 */
#ifndef ZP_SANITIZE_TOOL_H
#define ZP_SANITIZE_TOOL_H

#include <stddef.h>

#include "pseudonym.h"
#include "rules.h"
#include "stage.h"

#define ZP_SANITIZE_VERSION "0.1.0"

/* The built-in rules (builtin.c, generated from builtin_rules.yaml). */
extern const char sanitize_builtin_rules[];
extern const size_t sanitize_builtin_rules_len;

/* What zp-sanitize was told. */
struct sanitize_options {
	struct zp_stage_opts stage;
	const char *rules_path; /* --rules FILE, or NULL: built-in */
	const char *salt_file; /* --salt-file */
	const char *key_file; /* --key-file */
	const char *bulk_rules; /* --bulk RULES: file mode */
	const char *bulk_format; /* --format csv|ndjson, or NULL: by name */
	const char *const *files; /* bulk inputs (none: stdin) */
	size_t n_files;
	const char *canon; /* EMAIL_CANONICALIZATION: STRICT, IGNORE_DOTS */
	const char *domains; /* EMAIL_DOMAIN_HANDLING: PRESERVE, REDACT,
				TOKENIZE, ENCRYPT */
	int print_rules;
	int reverse;
	int allow_unmatched;
};

/* The secrets, read once; wiped before exit. */
struct sanitize_secrets {
	struct zp_buf salt;
	struct zp_buf key; /* empty: no reversible pseudonyms */
	struct zp_buf domain_salt; /* SALT_EMAIL_DOMAINS, or empty */
	struct zp_buf domain_key; /* ENCRYPTION_KEY_EMAIL_DOMAINS, or empty */
};

/*
 * sanitize_options_parse fills o from the defaults, the environment and
 * argv; --help and --version print and exit 0.  Returns 0, ZP_EINVAL for
 * misuse (reported) or ZP_ECONFIG.
 */
int sanitize_options_parse(struct sanitize_options *o, int argc, char **argv);

/*
 * sanitize_secrets_read reads the salt (ZP_SALT, PSOXY_SALT or
 * --salt-file; required) and the key (ZP_ENCRYPTION_KEY,
 * PSOXY_ENCRYPTION_KEY or --key-file; optional).  Returns 0 or ZP_ESECRET
 * (reported, never with a secret).
 */
int sanitize_secrets_read(
    const struct sanitize_options *o, struct sanitize_secrets *s);

/*
 * sanitize_pseudo_setup configures p from o's e-mail options and the
 * secrets.  Returns 0 or ZP_ECONFIG (reported).
 */
int sanitize_pseudo_setup(const struct sanitize_options *o,
    const struct sanitize_secrets *s, struct zp_pseudo *p);

/* sanitize_secrets_wipe overwrites and frees the secrets. */
void sanitize_secrets_wipe(struct sanitize_secrets *s);

/*
 * sanitize_load_rules loads --rules FILE or the built-in rules into *out,
 * checking every JSONPath.  Errors are reported as FILE:LINE: reason.
 * Returns 0 or ZP_ECONFIG.
 */
int sanitize_load_rules(
    const struct sanitize_options *o, struct sanitize_rules **out);

/*
 * sanitize_run sanitizes the envelope stream of o with rules and the
 * pseudonymization settings p, and returns the exit status.
 */
int sanitize_run(const struct sanitize_options *o,
    const struct sanitize_rules *rules, const struct zp_pseudo *p,
    const struct sanitize_secrets *s);

/*
 * sanitize_bulk_command runs --bulk: every input file (none: stdin)
 * through the columnar rules to stdout; returns the exit status.
 */
int sanitize_bulk_command(
    const struct sanitize_options *o, const struct zp_pseudo *p);

/*
 * sanitize_reverse copies --in to --out with every p~ token it can
 * decrypt with p's key replaced by the original; returns the exit status.
 */
int sanitize_reverse(
    const struct sanitize_options *o, const struct zp_pseudo *p);

#endif
