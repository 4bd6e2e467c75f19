/*
 * options.c - zp-sanitize's command line, secrets and rules.  The salt
 * and the key come from the environment or files, never from argv, and
 * never appear in a message.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "crypto.h"
#include "error.h"
#include "jsonpath.h"
#include "log.h"
#include "tool.h"

/* Long options without a short form. */
enum {
	O_ALLOW = 256,
	O_BULK,
	O_CANON,
	O_DOMAINS,
	O_FORMAT,
	O_HWM,
	O_IN,
	O_KEY_FILE,
	O_LINGER,
	O_LOG_FORMAT,
	O_OUT,
	O_PRINT,
	O_PRODUCERS,
	O_REVERSE,
	O_RULES,
	O_SALT_FILE,
	O_VERSION
};

static const struct option long_opts[] = {
    {"allow-unmatched", no_argument, NULL, O_ALLOW},
    {"bulk", required_argument, NULL, O_BULK},
    {"email-canonicalization", required_argument, NULL, O_CANON},
    {"email-domains", required_argument, NULL, O_DOMAINS},
    {"format", required_argument, NULL, O_FORMAT},
    {"help", no_argument, NULL, 'h'}, {"hwm", required_argument, NULL, O_HWM},
    {"in", required_argument, NULL, O_IN},
    {"key-file", required_argument, NULL, O_KEY_FILE},
    {"linger-ms", required_argument, NULL, O_LINGER},
    {"log-format", required_argument, NULL, O_LOG_FORMAT},
    {"out", required_argument, NULL, O_OUT},
    {"print-rules", no_argument, NULL, O_PRINT},
    {"producers", required_argument, NULL, O_PRODUCERS},
    {"quiet", no_argument, NULL, 'q'},
    {"reverse", no_argument, NULL, O_REVERSE},
    {"rules", required_argument, NULL, O_RULES},
    {"salt-file", required_argument, NULL, O_SALT_FILE},
    {"verbose", no_argument, NULL, 'v'},
    {"version", no_argument, NULL, O_VERSION}, {NULL, 0, NULL, 0}};

/* sanitize_usage prints the synopsis and the exit codes, then exits. */
static void __attribute__((noreturn)) usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: zp-sanitize [-qv] [--allow-unmatched] [--hwm N] "
	    "[--in URI]...\n"
	    "                   [--email-canonicalization "
	    "STRICT|IGNORE_DOTS]\n"
	    "                   "
	    "[--email-domains PRESERVE|REDACT|TOKENIZE|ENCRYPT]\n"
	    "                   [--key-file FILE] [--linger-ms N] "
	    "[--log-format text|json]\n"
	    "                   [--out URI] [--producers N] [--rules FILE] "
	    "[--salt-file FILE]\n"
	    "       zp-sanitize --print-rules [--rules FILE]\n"
	    "       zp-sanitize --reverse [--key-file FILE] [--salt-file "
	    "FILE] [--in URI] [--out URI]\n"
	    "       zp-sanitize --bulk RULES [--format csv|ndjson] "
	    "[--salt-file FILE] [FILE...]\n"
	    "       zp-sanitize --help | --version\n"
	    "secrets: salt from ZP_SALT, PSOXY_SALT or --salt-file "
	    "(required);\n"
	    "         key for p~ tokens from ZP_ENCRYPTION_KEY, "
	    "PSOXY_ENCRYPTION_KEY or --key-file\n"
	    "exit: 0 ok, 1 some input dropped (logged), 64 usage, 65 bad "
	    "data, 69 upstream\n"
	    "      unavailable, 75 temporary failure, 78 config (rules, "
	    "secrets)\n");
	exit(status);
}

/* one_opt applies one flag. */
static int
one_opt(struct sanitize_options *o, int c, const char *s)
{
	switch (c) {
	case O_ALLOW: o->allow_unmatched = 1; return 0;
	case O_BULK: o->bulk_rules = s; return 0;
	case O_CANON: o->canon = s; return 0;
	case O_DOMAINS: o->domains = s; return 0;
	case O_FORMAT:
		if (strcmp(s, "csv") != 0 && strcmp(s, "ndjson") != 0) {
			zp_error("--format: '%.64s' is not csv or ndjson", s);
			return ZP_EINVAL;
		}
		o->bulk_format = s;
		return 0;
	case O_HWM: return zp_stage_flag(&o->stage, "hwm", s);
	case O_IN: return zp_stage_flag(&o->stage, "in", s);
	case O_KEY_FILE: o->key_file = s; return 0;
	case O_LINGER: return zp_stage_flag(&o->stage, "linger-ms", s);
	case O_LOG_FORMAT:
		return zp_log_opt("log-format", s) < 0 ? ZP_EINVAL : 0;
	case O_OUT: return zp_stage_flag(&o->stage, "out", s);
	case O_PRINT: o->print_rules = 1; return 0;
	case O_PRODUCERS: return zp_stage_flag(&o->stage, "producers", s);
	case O_REVERSE: o->reverse = 1; return 0;
	case O_RULES: o->rules_path = s; return 0;
	case O_SALT_FILE: o->salt_file = s; return 0;
	default: return ZP_EINVAL;
	}
}

/* sanitize_options_parse fills o from the defaults, environment, argv. */
int
sanitize_options_parse(struct sanitize_options *o, int argc, char **argv)
{
	struct zp_buf why = ZP_BUF_INIT;
	int c;

	memset(o, 0, sizeof(*o));
	if (zp_stage_opts_init(&o->stage, &why) != 0) {
		zp_error("%s", why.data);
		zp_buf_release(&why);
		return ZP_ECONFIG;
	}
	zp_buf_release(&why);
	o->rules_path = zp_config_str(NULL, "ZP_RULES", NULL);
	o->canon = zp_config_str(NULL, "ZP_EMAIL_CANONICALIZATION",
	    zp_config_str(NULL, "EMAIL_CANONICALIZATION", "STRICT"));
	o->domains = zp_config_str(NULL, "ZP_EMAIL_DOMAIN_HANDLING",
	    zp_config_str(NULL, "EMAIL_DOMAIN_HANDLING", "PRESERVE"));
	while ((c = getopt_long(argc, argv, "hqv", long_opts, NULL)) != -1) {
		if (c == 'h')
			usage(0);
		if (c == O_VERSION) {
			printf("zp-sanitize %s\n", ZP_SANITIZE_VERSION);
			exit(0);
		}
		if (c == 'q' || c == 'v') {
			zp_log_opt(c == 'q' ? "quiet" : "verbose", NULL);
			continue;
		}
		if (c == '?' || one_opt(o, c, optarg) != 0)
			return ZP_EINVAL;
	}
	o->files = (const char *const *)argv + optind;
	o->n_files = (size_t)(argc - optind);
	if (o->n_files > 0 && o->bulk_rules == NULL) {
		zp_error(
		    "unexpected argument '%.64s' (files are read only with "
		    "--bulk)",
		    argv[optind]);
		return ZP_EINVAL;
	}
	if (o->print_rules + o->reverse + (o->bulk_rules != NULL) > 1) {
		zp_error(
		    "--print-rules, --reverse and --bulk exclude each other");
		return ZP_EINVAL;
	}
	return 0;
}

/* --- secrets --------------------------------------------------------- */

/* sanitize_secrets_read reads the salt and the optional key. */
int
sanitize_secrets_read(
    const struct sanitize_options *o, struct sanitize_secrets *s)
{
	static const char *const salts[] = {"ZP_SALT", "PSOXY_SALT", NULL};
	static const char *const keys[] = {
	    "ZP_ENCRYPTION_KEY", "PSOXY_ENCRYPTION_KEY", NULL};
	struct zp_buf why = ZP_BUF_INIT;
	int rc;

	rc = zp_config_secret(salts, o->salt_file, &s->salt, &why);
	if (rc != 0) {
		zp_error("no salt: set ZP_SALT or PSOXY_SALT, or pass "
			 "--salt-file FILE (%s)",
		    why.len ? why.data : zp_strerror(rc));
		zp_buf_release(&why);
		return ZP_ESECRET;
	}
	zp_buf_reset(&why);
	rc = zp_config_secret(keys, o->key_file, &s->key, &why);
	if (rc != 0 && o->key_file != NULL) {
		zp_error(
		    "--key-file: %s", why.len ? why.data : zp_strerror(rc));
		zp_buf_release(&why);
		return ZP_ESECRET;
	}
	zp_buf_reset(&why);
	/* The e-mail domain's own salt and key are optional. */
	zp_config_secret((const char *const[]) {"ZP_SALT_EMAIL_DOMAINS",
			     "SALT_EMAIL_DOMAINS", NULL},
	    NULL, &s->domain_salt, &why);
	zp_buf_reset(&why);
	zp_config_secret(
	    (const char *const[]) {"ZP_ENCRYPTION_KEY_EMAIL_DOMAINS",
		"ENCRYPTION_KEY_EMAIL_DOMAINS", NULL},
	    NULL, &s->domain_key, &why);
	zp_buf_release(&why);
	return 0;
}

/* pick finds s among the NULL-terminated names; its index or -1. */
static int
pick(const char *s, const char *const *names)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcasecmp(s, names[i]) == 0)
			return i;
	return -1;
}

/* sanitize_pseudo_setup configures p from the options and secrets. */
int
sanitize_pseudo_setup(const struct sanitize_options *o,
    const struct sanitize_secrets *s, struct zp_pseudo *p)
{
	static const char *const canons[] = {"STRICT", "IGNORE_DOTS", NULL};
	static const char *const domains[] = {
	    "PRESERVE", "REDACT", "TOKENIZE", "ENCRYPT", NULL};
	int c = pick(o->canon, canons), d = pick(o->domains, domains);

	if (c < 0 || d < 0) {
		zp_error("%s '%.64s' is not one of %s",
		    c < 0 ? "EMAIL_CANONICALIZATION" : "EMAIL_DOMAIN_HANDLING",
		    c < 0 ? o->canon : o->domains,
		    c < 0 ? "STRICT, IGNORE_DOTS"
			  : "PRESERVE, REDACT, TOKENIZE, ENCRYPT");
		return ZP_ECONFIG;
	}
	if (zp_pseudo_init(p, s->salt.data, s->salt.len) != 0)
		return ZP_ECONFIG;
	p->canon = c == 0 ? ZP_PSEUDO_STRICT : ZP_PSEUDO_IGNORE_DOTS;
	p->domains = (enum zp_pseudo_domains)d;
	if ((s->domain_salt.len > 0 &&
		zp_pseudo_set_domain_salt(
		    p, s->domain_salt.data, s->domain_salt.len) != 0) ||
	    (s->key.len > 0 &&
		zp_pseudo_set_key(p, s->key.data, s->key.len) != 0) ||
	    (s->domain_key.len > 0 &&
		zp_pseudo_set_domain_key(
		    p, s->domain_key.data, s->domain_key.len) != 0)) {
		zp_error("cannot derive the pseudonymization keys");
		return ZP_ECONFIG;
	}
	if (p->domains == ZP_PSEUDO_ENCRYPT && !p->have_key &&
	    !p->have_domain_key) {
		zp_error(
		    "EMAIL_DOMAIN_HANDLING=ENCRYPT needs a key: set "
		    "ZP_ENCRYPTION_KEY (or ENCRYPTION_KEY_EMAIL_DOMAINS)");
		return ZP_ECONFIG;
	}
	return 0;
}

/* sanitize_secrets_wipe overwrites and frees the secrets. */
void
sanitize_secrets_wipe(struct sanitize_secrets *s)
{
	if (s->salt.data != NULL)
		zp_crypto_wipe(s->salt.data, s->salt.cap);
	if (s->key.data != NULL)
		zp_crypto_wipe(s->key.data, s->key.cap);
	if (s->domain_salt.data != NULL)
		zp_crypto_wipe(s->domain_salt.data, s->domain_salt.cap);
	if (s->domain_key.data != NULL)
		zp_crypto_wipe(s->domain_key.data, s->domain_key.cap);
	zp_buf_release(&s->salt);
	zp_buf_release(&s->key);
	zp_buf_release(&s->domain_salt);
	zp_buf_release(&s->domain_key);
}

/* --- rules ----------------------------------------------------------- */

/* sanitize_load_rules loads --rules FILE or the built-in rules. */
int
sanitize_load_rules(
    const struct sanitize_options *o, struct sanitize_rules **out)
{
	struct sanitize_rules_options ro;
	struct zp_buf errors = ZP_BUF_INIT;
	int rc;

	memset(&ro, 0, sizeof(ro));
	ro.check_path = sanitize_jsonpath_check;
	ro.errors = &errors;
	if (o->rules_path != NULL)
		rc = sanitize_rules_load_file(o->rules_path, &ro, out);
	else
		rc = sanitize_rules_load_string("built-in rules",
		    sanitize_builtin_rules, sanitize_builtin_rules_len, &ro,
		    out);
	if (rc != 0) {
		if (errors.len > 0)
			zp_error("rules not loaded:\n%s", errors.data);
		else
			zp_error("%s: cannot load the rules: %s",
			    o->rules_path ? o->rules_path : "built-in rules",
			    zp_strerror(rc));
		rc = ZP_ECONFIG;
	}
	zp_buf_release(&errors);
	return rc;
}
