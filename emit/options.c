/* options.c - zp-emit's command line and environment. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "emit.h"
#include "error.h"
#include "log.h"
#include "opt.h"

/* Long options without a short form. */
enum {
	O_HTTP_ATTEMPTS = 256,
	O_HTTP_BACKOFF,
	O_HTTP_BACKOFF_MAX,
	O_HTTP_BATCH,
	O_HTTP_TIMEOUT,
	O_HTTP_TOKEN_FILE,
	O_HWM,
	O_IN,
	O_LINGER,
	O_LOG_FORMAT,
	O_PRODUCERS,
	O_STATE,
	O_STATS,
	O_TO,
	O_VERSION,
	O_WHERE
};

static const struct option long_opts[] = {{"help", no_argument, NULL, 'h'},
    {"http-attempts", required_argument, NULL, O_HTTP_ATTEMPTS},
    {"http-backoff-ms", required_argument, NULL, O_HTTP_BACKOFF},
    {"http-backoff-max-ms", required_argument, NULL, O_HTTP_BACKOFF_MAX},
    {"http-batch", required_argument, NULL, O_HTTP_BATCH},
    {"http-timeout-ms", required_argument, NULL, O_HTTP_TIMEOUT},
    {"http-token-file", required_argument, NULL, O_HTTP_TOKEN_FILE},
    {"hwm", required_argument, NULL, O_HWM},
    {"in", required_argument, NULL, O_IN},
    {"linger-ms", required_argument, NULL, O_LINGER},
    {"log-format", required_argument, NULL, O_LOG_FORMAT},
    {"producers", required_argument, NULL, O_PRODUCERS},
    {"quiet", no_argument, NULL, 'q'},
    {"state", required_argument, NULL, O_STATE},
    {"stats", no_argument, NULL, O_STATS},
    {"to", required_argument, NULL, O_TO}, {"verbose", no_argument, NULL, 'v'},
    {"version", no_argument, NULL, O_VERSION},
    {"where", required_argument, NULL, O_WHERE}, {NULL, 0, NULL, 0}};

/* usage prints the synopsis and the exit codes, then exits. */
static void __attribute__((noreturn)) usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: zp-emit [-qv] [--http-attempts N] [--http-backoff-ms N] "
	    "[--http-backoff-max-ms N]\n"
	    "               [--http-batch N] [--http-timeout-ms N] "
	    "[--http-token-file FILE] [--hwm N]\n"
	    "               [--in URI]... [--linger-ms N] [--log-format "
	    "text|json] [--producers N]\n"
	    "               [--state DIR] [--stats] --to SINK... [--where "
	    "FILTER]\n"
	    "       zp-emit --help | --version\n"
	    "sinks: jsonl:DIR  csv:DIR  -  http://...  https://...  singer\n"
	    "exit: 0 ok, 1 some input rejected (logged), 64 usage, 65 bad "
	    "data,\n"
	    "      69 upstream unavailable, 75 temporary failure (run again "
	    "with the same\n"
	    "      --state), 78 config\n");
	exit(status);
}

/* on_stdout tells whether sink spec s writes standard output. */
static int
on_stdout(const char *s)
{
	return strcmp(s, "-") == 0 || strcmp(s, "singer") == 0;
}

/* add_sink appends --to spec after checking that it names a sink, and
 * that at most one sink writes stdout. */
static int
add_sink(struct emit_options *o, const char *s)
{
	size_t i;

	for (i = 0; i < o->n_to; i++)
		if (on_stdout(s) && on_stdout(o->to[i])) {
			zp_error("--to %s: stdout already has --to %s", s,
			    o->to[i]);
			return ZP_EINVAL;
		}
	if (emit_sink_kind(s) == NULL)
		return zp_opt_bad("to", s,
		    "is not a sink (jsonl:DIR, csv:DIR, -, http://..., "
		    "https://..., singer)");
	if (o->n_to == EMIT_MAX_SINKS) {
		zp_error("--to: at most %d sinks", EMIT_MAX_SINKS);
		return ZP_EINVAL;
	}
	o->to[o->n_to++] = s;
	return 0;
}

/* one_opt applies one flag. */
static int
one_opt(struct emit_options *o, int c, const char *s)
{
	switch (c) {
	case O_HTTP_ATTEMPTS:
		return zp_opt_long(
		    "http-attempts", s, 1, 100, &o->http_attempts);
	case O_HTTP_BACKOFF:
		return zp_opt_long(
		    "http-backoff-ms", s, 0, 3600000, &o->http_backoff_ms);
	case O_HTTP_BACKOFF_MAX:
		return zp_opt_long("http-backoff-max-ms", s, 0, 3600000,
		    &o->http_backoff_max_ms);
	case O_HTTP_BATCH:
		return zp_opt_long("http-batch", s, 1, 100000, &o->http_batch);
	case O_HTTP_TIMEOUT:
		return zp_opt_long(
		    "http-timeout-ms", s, 1, 3600000, &o->http_timeout_ms);
	case O_HTTP_TOKEN_FILE: o->http_token_file = s; return 0;
	case O_HWM: return zp_stage_flag(&o->stage, "hwm", s);
	case O_IN: return zp_stage_flag(&o->stage, "in", s);
	case O_LINGER: return zp_stage_flag(&o->stage, "linger-ms", s);
	case O_LOG_FORMAT:
		return zp_log_opt("log-format", s) < 0 ? ZP_EINVAL : 0;
	case O_PRODUCERS: return zp_stage_flag(&o->stage, "producers", s);
	case O_STATE: o->state = s; return 0;
	case O_STATS: o->stats = 1; return 0;
	case O_TO: return add_sink(o, s);
	case O_WHERE: o->where = s; return 0;
	default: return ZP_EINVAL;
	}
}

/* env_sinks adds the comma-separated sinks of ZP_EMIT_TO (when no --to
 * was given); the value is copied once and lives for the run. */
static int
env_sinks(struct emit_options *o)
{
	const char *env = zp_config_str(NULL, "ZP_EMIT_TO", NULL);
	static char *copy;
	char *p, *save = NULL;

	if (env == NULL || o->n_to > 0)
		return 0;
	free(copy);
	if ((copy = strdup(env)) == NULL)
		return ZP_ENOMEM;
	for (p = strtok_r(copy, ",", &save); p != NULL;
	     p = strtok_r(NULL, ",", &save))
		if (add_sink(o, p) != 0)
			return ZP_ECONFIG;
	return 0;
}

/* defaults sets what no flag gave. */
static int
defaults(struct emit_options *o)
{
	struct zp_buf why = ZP_BUF_INIT;
	int rc = zp_stage_opts_init(&o->stage, &why);

	if (rc != 0)
		zp_error("%s", why.data);
	zp_buf_release(&why);
	o->http_batch = 500;
	o->http_attempts = 8;
	o->http_backoff_ms = 500;
	o->http_backoff_max_ms = 30000;
	o->http_timeout_ms = 60000;
	o->state = zp_config_str(NULL, "ZP_EMIT_STATE", NULL);
	o->where = zp_config_str(NULL, "ZP_EMIT_WHERE", NULL);
	return rc;
}

int
emit_options_parse(struct emit_options *o, int argc, char **argv)
{
	int c;

	memset(o, 0, sizeof(*o));
	if (defaults(o) != 0)
		return ZP_ECONFIG;
	while ((c = getopt_long(argc, argv, "hqv", long_opts, NULL)) != -1) {
		if (c == 'h')
			usage(0);
		if (c == O_VERSION) {
			printf("zp-emit %s\n", ZP_EMIT_VERSION);
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
	if (env_sinks(o) != 0)
		return ZP_ECONFIG;
	if (o->n_to == 0) {
		zp_error("no sink: give --to (jsonl:DIR, csv:DIR, -, an "
			 "http(s) URL or singer), or ZP_EMIT_TO");
		return ZP_EINVAL;
	}
	o->stage.out = "/dev/null"; /* the last stage: stdout is records' */
	return 0;
}
