/*
 * options.c - zp-sim's command line: defaults, flags and the two secrets.
 *
 * Secrets never come from argv: the OAuth client secret from
 * ZP_SIM_CLIENT_SECRET or --client-secret-file, the webhook secret from
 * ZP_SIM_WEBHOOK_SECRET or --webhook-secret-file, each with a documented
 * default for tests and demos.
 */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "crypto.h"
#include "error.h"
#include "log.h"
#include "opt.h"

#define DEFAULT_CLIENT_SECRET "zp-sim-secret"
#define DEFAULT_WEBHOOK_SECRET "zp-sim-webhook-secret"

/* Long options without a short form. */
enum {
	O_ACCOUNT = 256,
	O_BASE,
	O_CLIENT_ID,
	O_CLIENT_SECRET_FILE,
	O_DAILY,
	O_DAYS,
	O_DUMP,
	O_F429,
	O_F5XX,
	O_FEXPIRE,
	O_FRESET,
	O_FREVOKE,
	O_FSLOW,
	O_FSLOW_MS,
	O_FSTORM_LEN,
	O_FTRUNC,
	O_FHTML,
	O_FLOW_TOTAL,
	O_FSTUCK,
	O_FUTURE,
	O_LISTEN,
	O_LOG,
	O_LOG_FORMAT,
	O_MISSING_SCOPE,
	O_NO_LIMITS,
	O_NOW,
	O_PAGE_TTL,
	O_PLAN,
	O_PORT,
	O_PORT_FILE,
	O_SEED,
	O_SPEED,
	O_TOKEN_TTL,
	O_USERS,
	O_VERSION,
	O_WEBHOOK_SECRET_FILE,
	O_WEBHOOK_URL
};

static const struct option long_opts[] = {
    {"account-id", required_argument, NULL, O_ACCOUNT},
    {"base-path", required_argument, NULL, O_BASE},
    {"client-id", required_argument, NULL, O_CLIENT_ID},
    {"client-secret-file", required_argument, NULL, O_CLIENT_SECRET_FILE},
    {"daily-limit", required_argument, NULL, O_DAILY},
    {"days", required_argument, NULL, O_DAYS},
    {"dump-truth", required_argument, NULL, O_DUMP},
    {"fault-429", required_argument, NULL, O_F429},
    {"fault-5xx", required_argument, NULL, O_F5XX},
    {"fault-html", required_argument, NULL, O_FHTML},
    {"fault-low-total", required_argument, NULL, O_FLOW_TOTAL},
    {"fault-page-expire", required_argument, NULL, O_FEXPIRE},
    {"fault-reset", required_argument, NULL, O_FRESET},
    {"fault-revoke", required_argument, NULL, O_FREVOKE},
    {"fault-slow", required_argument, NULL, O_FSLOW},
    {"fault-slow-ms", required_argument, NULL, O_FSLOW_MS},
    {"fault-storm-len", required_argument, NULL, O_FSTORM_LEN},
    {"fault-stuck-token", required_argument, NULL, O_FSTUCK},
    {"fault-truncate", required_argument, NULL, O_FTRUNC},
    {"future-days", required_argument, NULL, O_FUTURE},
    {"help", no_argument, NULL, 'h'},
    {"listen", required_argument, NULL, O_LISTEN},
    {"log", required_argument, NULL, O_LOG},
    {"log-format", required_argument, NULL, O_LOG_FORMAT},
    {"missing-scope", required_argument, NULL, O_MISSING_SCOPE},
    {"no-rate-limits", no_argument, NULL, O_NO_LIMITS},
    {"now", required_argument, NULL, O_NOW},
    {"page-token-ttl", required_argument, NULL, O_PAGE_TTL},
    {"plan", required_argument, NULL, O_PLAN},
    {"port", required_argument, NULL, O_PORT},
    {"port-file", required_argument, NULL, O_PORT_FILE},
    {"quiet", no_argument, NULL, 'q'},
    {"seed", required_argument, NULL, O_SEED},
    {"speed", required_argument, NULL, O_SPEED},
    {"token-ttl", required_argument, NULL, O_TOKEN_TTL},
    {"users", required_argument, NULL, O_USERS},
    {"verbose", no_argument, NULL, 'v'},
    {"version", no_argument, NULL, O_VERSION},
    {"webhook-secret-file", required_argument, NULL, O_WEBHOOK_SECRET_FILE},
    {"webhook-url", required_argument, NULL, O_WEBHOOK_URL},
    {NULL, 0, NULL, 0}};

/* What the options hold besides cfg: files of secrets, derived text. */
static struct {
	const char *client_secret_file;
	const char *webhook_secret_file;
	int port_given;
	char domain[160];
} extra;

/* sim_usage prints the synopsis and the exit codes, then exits. */
void
sim_usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: zp-sim [-qv] [--account-id ID] [--base-path P] "
	    "[--client-id ID]\n"
	    "              [--client-secret-file FILE] [--daily-limit N] "
	    "[--days N]\n"
	    "              [--dump-truth FILE] [--fault-429 R] "
	    "[--fault-5xx R]\n"
	    "              [--fault-html R] [--fault-low-total R] "
	    "[--fault-page-expire R]\n"
	    "              [--fault-reset R] [--fault-revoke R] "
	    "[--fault-slow R]\n"
	    "              [--fault-slow-ms N] [--fault-storm-len N] "
	    "[--fault-stuck-token R]\n"
	    "              [--fault-truncate R] [--future-days N]\n"
	    "              [--listen ADDR] [--log FILE] "
	    "[--log-format text|json]\n"
	    "              [--missing-scope SCOPE] [--no-rate-limits]\n"
	    "              [--now RFC3339] [--page-token-ttl S] "
	    "[--plan free|pro|business]\n"
	    "              [--port N] [--port-file FILE] [--seed N] "
	    "[--speed X]\n"
	    "              [--token-ttl S] [--users N] "
	    "[--webhook-secret-file FILE]\n"
	    "              [--webhook-url URL]\n"
	    "       zp-sim --help | --version\n"
	    "secrets: ZP_SIM_CLIENT_SECRET or --client-secret-file "
	    "(default " DEFAULT_CLIENT_SECRET ")\n"
	    "         ZP_SIM_WEBHOOK_SECRET or --webhook-secret-file\n"
	    "         (default " DEFAULT_WEBHOOK_SECRET ")\n"
	    "exit: 0 ok, 64 usage, 69 cannot listen, 75 temporary failure, "
	    "78 config\n");
	exit(status);
}

/* --- values ---------------------------------------------------------- */

/* opt_seed reads s as an unsigned 64-bit decimal. */
static int
opt_seed(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!isdigit((unsigned char)s[0]))
		return zp_opt_bad("seed", s, "is not a number");
	v = strtoull(s, &end, 10);
	if (*end != '\0' || errno != 0)
		return zp_opt_bad("seed", s, "is not a 64-bit number");
	*out = (uint64_t)v;
	return 0;
}

/* opt_plan reads free, pro or business. */
static int
opt_plan(const char *s, enum sim_plan *out)
{
	if (strcmp(s, "free") == 0)
		*out = SIM_PLAN_FREE;
	else if (strcmp(s, "pro") == 0)
		*out = SIM_PLAN_PRO;
	else if (strcmp(s, "business") == 0)
		*out = SIM_PLAN_BUSINESS;
	else
		return zp_opt_bad("plan", s, "is not free, pro or business");
	return 0;
}

/* --- defaults and the options ---------------------------------------- */

/* defaults sets every setting a flag may change. */
static void
defaults(struct sim_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->org.seed = 1;
	cfg->org.users = 50;
	cfg->org.days = 30;
	cfg->org.future_days = 1;
	cfg->org.plan = SIM_PLAN_PRO;
	cfg->org.now = time(NULL) / 60 * 60;
	cfg->org.account_id = "acme";
	cfg->listen = "127.0.0.1";
	cfg->port = 8080;
	cfg->base_path = "/v2";
	cfg->client_id = "zp-sim-client";
	cfg->token_ttl = 3599;
	cfg->page_token_ttl = 900;
	cfg->rate_limits = 1;
	cfg->speed = 1;
	cfg->faults.storm_len = 3;
	cfg->faults.slow_ms = 2000;
}

/* fault_opt applies one of the --fault-* options; 1 if c is not one. */
static int
fault_opt(struct sim_faults_opts *f, int c, const char *name, const char *s)
{
	switch (c) {
	case O_F429: return zp_opt_double(name, s, 0, 1, &f->storm_429);
	case O_F5XX: return zp_opt_double(name, s, 0, 1, &f->http_5xx);
	case O_FHTML: return zp_opt_double(name, s, 0, 1, &f->html);
	case O_FLOW_TOTAL: return zp_opt_double(name, s, 0, 1, &f->low_total);
	case O_FSTUCK: return zp_opt_double(name, s, 0, 1, &f->stuck_token);
	case O_FEXPIRE: return zp_opt_double(name, s, 0, 1, &f->page_expire);
	case O_FRESET: return zp_opt_double(name, s, 0, 1, &f->reset);
	case O_FREVOKE: return zp_opt_double(name, s, 0, 1, &f->revoke);
	case O_FSLOW: return zp_opt_double(name, s, 0, 1, &f->slow);
	case O_FSLOW_MS: return zp_opt_int(name, s, 0, 600000, &f->slow_ms);
	case O_FSTORM_LEN:
		return zp_opt_int(name, s, 1, 100000, &f->storm_len);
	case O_FTRUNC: return zp_opt_double(name, s, 0, 1, &f->truncate);
	}
	return 1;
}

/* org_opt applies an option of the organization; 1 if c is not one. */
static int
org_opt(struct sim_org_opts *o, int c, const char *name, const char *s)
{
	switch (c) {
	case O_ACCOUNT:
		o->account_id = s;
		return s[0] != '\0' ? 0 : zp_opt_bad(name, s, "is empty");
	case O_DAYS: return zp_opt_int(name, s, 1, 3650, &o->days);
	case O_FUTURE: return zp_opt_int(name, s, 0, 365, &o->future_days);
	case O_NOW: return zp_opt_time("now", s, &o->now);
	case O_PLAN: return opt_plan(s, &o->plan);
	case O_SEED: return opt_seed(s, &o->seed);
	case O_USERS: return zp_opt_int(name, s, 1, 1000000, &o->users);
	}
	return 1;
}

/* server_opt applies an option of the server; 1 if c is not one. */
static int
server_opt(struct sim_config *cfg, int c, const char *name, const char *s)
{
	switch (c) {
	case O_BASE: cfg->base_path = s; return 0;
	case O_CLIENT_ID: cfg->client_id = s; return 0;
	case O_CLIENT_SECRET_FILE: extra.client_secret_file = s; return 0;
	case O_DAILY:
		return zp_opt_long(name, s, 1, 1000000000, &cfg->daily_limit);
	case O_DUMP: cfg->truth_path = s; return 0;
	case O_LISTEN: cfg->listen = s; return 0;
	case O_LOG: cfg->log_path = s; return 0;
	case O_MISSING_SCOPE: cfg->missing_scope = s; return 0;
	case O_NO_LIMITS: cfg->rate_limits = 0; return 0;
	case O_PAGE_TTL:
		return zp_opt_int(name, s, 0, 86400, &cfg->page_token_ttl);
	case O_PORT:
		extra.port_given = 1;
		return zp_opt_int(name, s, 0, 65535, &cfg->port);
	case O_PORT_FILE: cfg->port_file = s; return 0;
	case O_SPEED: return zp_opt_double(name, s, 0, 1e6, &cfg->speed);
	case O_TOKEN_TTL:
		return zp_opt_int(name, s, 0, 31536000, &cfg->token_ttl);
	case O_WEBHOOK_SECRET_FILE: extra.webhook_secret_file = s; return 0;
	case O_WEBHOOK_URL: cfg->webhook_url = s; return 0;
	}
	return 1;
}

/* apply applies one parsed option; 0, or ZP_EINVAL. */
static int
apply(struct sim_config *cfg, int c, int idx, const char *s)
{
	const char *name = idx >= 0 ? long_opts[idx].name : "";
	int rc;

	if (c == 'h')
		sim_usage(0);
	if (c == O_VERSION) {
		printf("zp-sim " ZP_SIM_VERSION "\n");
		exit(fflush(stdout) == 0 ? 0 : 75);
	}
	if (c == 'q' || c == 'v')
		return zp_log_opt(c == 'q' ? "quiet" : "verbose", NULL) == 1
		    ? 0
		    : ZP_EINVAL;
	if (c == O_LOG_FORMAT)
		return zp_log_opt("log-format", s) == 1
		    ? 0
		    : zp_opt_bad(name, s, "is neither text nor json");
	rc = fault_opt(&cfg->faults, c, name, s);
	if (rc == 1)
		rc = org_opt(&cfg->org, c, name, s);
	if (rc == 1)
		rc = server_opt(cfg, c, name, s);
	return rc == 1 ? ZP_EINVAL : rc;
}

/* --- secrets --------------------------------------------------------- */

/*
 * load_secret copies into out the secret from file if one was named (the
 * flag beats the variable), else from env; with neither, the default
 * def, which is announced at info level.
 */
static int
load_secret(const char *env, const char *file, const char *def,
    const char *what, char out[128])
{
	const char *envs[] = {file != NULL ? NULL : env, NULL};
	struct zp_buf s = ZP_BUF_INIT, why = ZP_BUF_INIT;
	const char *v = getenv(env);
	int rc = 0;

	if (file == NULL && (v == NULL || v[0] == '\0')) {
		zp_info(
		    "%s: %s and a file unset, using the documented default",
		    what, env);
		snprintf(out, 128, "%s", def);
		return 0;
	}
	rc = zp_config_secret(envs, file, &s, &why);
	if (rc == 0 && s.len >= 128) {
		zp_buf_printf(&why, "%s: longer than 127 bytes", what);
		rc = ZP_ESECRET;
	}
	if (rc == 0)
		memcpy(out, s.data, s.len + 1);
	else
		zp_error("%s", why.data != NULL ? why.data : zp_strerror(rc));
	if (s.data != NULL)
		zp_crypto_wipe(s.data, s.cap);
	zp_buf_release(&s);
	zp_buf_release(&why);
	return rc;
}

/* finish derives what depends on several options, then the secrets. */
static int
finish(struct sim_config *cfg)
{
	int rc;

	if (!extra.port_given && cfg->port_file != NULL)
		cfg->port = 0;
	snprintf(extra.domain, sizeof(extra.domain), "%s.example",
	    cfg->org.account_id);
	cfg->org.domain = extra.domain;
	if (cfg->base_path[0] != '/' && cfg->base_path[0] != '\0') {
		zp_error(
		    "--base-path: '%s' does not begin with /", cfg->base_path);
		return ZP_EINVAL;
	}
	rc = load_secret("ZP_SIM_CLIENT_SECRET", extra.client_secret_file,
	    DEFAULT_CLIENT_SECRET, "client secret", cfg->client_secret);
	if (rc == 0 && cfg->webhook_url != NULL)
		rc = load_secret("ZP_SIM_WEBHOOK_SECRET",
		    extra.webhook_secret_file, DEFAULT_WEBHOOK_SECRET,
		    "webhook secret", cfg->webhook_secret);
	return rc;
}

/* sim_options_parse fills cfg from defaults, argv and the secrets. */
int
sim_options_parse(struct sim_config *cfg, int argc, char **argv)
{
	int c, idx;

	defaults(cfg);
	memset(&extra, 0, sizeof(extra));
	while (
	    (idx = -1, c = getopt_long(argc, argv, "hqv", long_opts, &idx)) !=
	    -1) {
		if (c == '?' || apply(cfg, c, idx, optarg) != 0)
			return ZP_EINVAL;
	}
	if (optind != argc) {
		zp_error("unexpected argument '%s'", argv[optind]);
		return ZP_EINVAL;
	}
	return finish(cfg);
}
