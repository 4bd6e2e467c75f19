/* options.c - zp-match's command line and environment. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "error.h"
#include "log.h"
#include "tool.h"

/* Long options without a short form. */
enum {
	O_ALIAS = 256,
	O_CANONICAL,
	O_DIRECTORY,
	O_HWM,
	O_IGNORE_DOTS,
	O_IN,
	O_INTERNAL,
	O_LINGER,
	O_LOG_FORMAT,
	O_NAMES,
	O_OUT,
	O_OVERRIDES,
	O_PRODUCERS,
	O_ROSTER,
	O_UNMATCHED,
	O_VERSION
};

static const struct option long_opts[] = {
    {"canonical-roster", no_argument, NULL, O_CANONICAL},
    {"directory", required_argument, NULL, O_DIRECTORY},
    {"domain-alias", required_argument, NULL, O_ALIAS},
    {"help", no_argument, NULL, 'h'}, {"hwm", required_argument, NULL, O_HWM},
    {"ignore-dots", no_argument, NULL, O_IGNORE_DOTS},
    {"in", required_argument, NULL, O_IN},
    {"internal-domains", required_argument, NULL, O_INTERNAL},
    {"linger-ms", required_argument, NULL, O_LINGER},
    {"log-format", required_argument, NULL, O_LOG_FORMAT},
    {"match-names", no_argument, NULL, O_NAMES},
    {"out", required_argument, NULL, O_OUT},
    {"overrides", required_argument, NULL, O_OVERRIDES},
    {"producers", required_argument, NULL, O_PRODUCERS},
    {"quiet", no_argument, NULL, 'q'},
    {"roster", required_argument, NULL, O_ROSTER},
    {"unmatched", required_argument, NULL, O_UNMATCHED},
    {"verbose", no_argument, NULL, 'v'},
    {"version", no_argument, NULL, O_VERSION}, {NULL, 0, NULL, 0}};

/* usage prints the synopsis and the exit codes, then exits. */
static void __attribute__((noreturn)) usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: zp-match [-qv] [--directory FILE] "
	    "[--domain-alias ALIAS=DOMAIN]...\n"
	    "                [--hwm N] [--ignore-dots] [--in URI]... "
	    "[--internal-domains LIST]\n"
	    "                [--linger-ms N] [--log-format text|json] "
	    "[--match-names]\n"
	    "                [--out URI] [--overrides FILE] [--producers N] "
	    "[--roster FILE]...\n"
	    "                [--unmatched FILE]\n"
	    "       zp-match --canonical-roster --roster FILE... "
	    "[--domain-alias A=D]... [--ignore-dots]\n"
	    "       zp-match --help | --version\n"
	    "exit: 0 ok, 1 some input rejected (logged), 64 usage, 65 bad "
	    "data,\n"
	    "      69 upstream unavailable, 75 temporary failure, 78 "
	    "config\n");
	exit(status);
}

/* add_to appends s to list (of at most MATCH_MAX_FILES). */
static int
add_to(const char **list, size_t *n, const char *s, const char *name)
{
	if (*n == MATCH_MAX_FILES) {
		zp_error("--%s: at most %d", name, MATCH_MAX_FILES);
		return ZP_EINVAL;
	}
	list[(*n)++] = s;
	return 0;
}

/* one_opt applies one flag. */
static int
one_opt(struct match_options *o, int c, const char *s)
{
	switch (c) {
	case O_ALIAS:
		if (strchr(s, '=') == NULL || *s == '=' ||
		    s[strlen(s) - 1] == '=') {
			zp_error(
			    "--domain-alias: '%.64s' is not ALIAS=DOMAIN", s);
			return ZP_EINVAL;
		}
		return add_to(o->aliases, &o->n_aliases, s, "domain-alias");
	case O_CANONICAL: o->canonical_roster = 1; return 0;
	case O_DIRECTORY: o->directory = s; return 0;
	case O_HWM: return zp_stage_flag(&o->stage, "hwm", s);
	case O_IGNORE_DOTS: o->ignore_dots = 1; return 0;
	case O_IN: return zp_stage_flag(&o->stage, "in", s);
	case O_INTERNAL: o->internal = s; return 0;
	case O_LINGER: return zp_stage_flag(&o->stage, "linger-ms", s);
	case O_LOG_FORMAT:
		return zp_log_opt("log-format", s) < 0 ? ZP_EINVAL : 0;
	case O_NAMES: o->match_names = 1; return 0;
	case O_OUT: return zp_stage_flag(&o->stage, "out", s);
	case O_OVERRIDES: o->overrides = s; return 0;
	case O_PRODUCERS: return zp_stage_flag(&o->stage, "producers", s);
	case O_ROSTER: return add_to(o->rosters, &o->n_rosters, s, "roster");
	case O_UNMATCHED: o->unmatched = s; return 0;
	default: return ZP_EINVAL;
	}
}

/* match_options_parse fills o from the defaults, environment and argv. */
int
match_options_parse(struct match_options *o, int argc, char **argv)
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
	o->internal = zp_config_str(NULL, "ZP_INTERNAL_DOMAINS", NULL);
	while ((c = getopt_long(argc, argv, "hqv", long_opts, NULL)) != -1) {
		if (c == 'h')
			usage(0);
		if (c == O_VERSION) {
			printf("zp-match %s\n", ZP_MATCH_VERSION);
			exit(0);
		}
		if (c == 'q' || c == 'v') {
			zp_log_opt(c == 'q' ? "quiet" : "verbose", NULL);
			continue;
		}
		if (c == '?' || one_opt(o, c, optarg) != 0)
			return ZP_EINVAL;
	}
	if (optind < argc) {
		zp_error("unexpected argument '%.64s'", argv[optind]);
		return ZP_EINVAL;
	}
	return 0;
}
