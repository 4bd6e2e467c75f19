/*
 * options.c - zp-fetch's command line.  Flags override ZP_* variables,
 * which override the defaults.  No secret is ever a flag: credentials
 * come from the environment, a credentials file or a config file (see
 * auth.h).
 */
#include "options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "log.h"
#include "opt.h"

#define DEFAULT_STREAMS "users,past_meetings,webinars,recordings"

/* Long options without a short form. */
enum {
	O_API_URL = 256,
	O_BACKOFF,
	O_CONCURRENCY,
	O_CONFIG,
	O_CREDENTIALS,
	O_DEFAULT_DAYS,
	O_HWM,
	O_LINGER,
	O_LOG_FORMAT,
	O_LOOKBACK,
	O_MAX_ATTEMPTS,
	O_NO_PROGRESS,
	O_NOW,
	O_OAUTH_URL,
	O_OUT,
	O_PAGE_SIZE,
	O_PARTICIPANTS,
	O_PLAN,
	O_PROGRESS,
	O_RATE_SHARE,
	O_REPLAY,
	O_SAVE,
	O_SINCE,
	O_STATE,
	O_STREAMS,
	O_TIMEOUT,
	O_UNTIL,
	O_VERSION
};

static const struct option long_opts[] = {
    {"api-url", required_argument, NULL, O_API_URL},
    {"backoff-max", required_argument, NULL, O_BACKOFF},
    {"concurrency", required_argument, NULL, O_CONCURRENCY},
    {"config", required_argument, NULL, O_CONFIG},
    {"credentials", required_argument, NULL, O_CREDENTIALS},
    {"default-days", required_argument, NULL, O_DEFAULT_DAYS},
    {"help", no_argument, NULL, 'h'}, {"hwm", required_argument, NULL, O_HWM},
    {"linger-ms", required_argument, NULL, O_LINGER},
    {"log-format", required_argument, NULL, O_LOG_FORMAT},
    {"lookback-days", required_argument, NULL, O_LOOKBACK},
    {"max-attempts", required_argument, NULL, O_MAX_ATTEMPTS},
    {"no-progress", no_argument, NULL, O_NO_PROGRESS},
    {"now", required_argument, NULL, O_NOW},
    {"oauth-url", required_argument, NULL, O_OAUTH_URL},
    {"out", required_argument, NULL, O_OUT},
    {"page-size", required_argument, NULL, O_PAGE_SIZE},
    {"participants", required_argument, NULL, O_PARTICIPANTS},
    {"plan", required_argument, NULL, O_PLAN},
    {"progress", no_argument, NULL, O_PROGRESS},
    {"quiet", no_argument, NULL, 'q'},
    {"rate-share", required_argument, NULL, O_RATE_SHARE},
    {"replay", required_argument, NULL, O_REPLAY},
    {"save", required_argument, NULL, O_SAVE},
    {"since", required_argument, NULL, O_SINCE},
    {"state", required_argument, NULL, O_STATE},
    {"streams", required_argument, NULL, O_STREAMS},
    {"timeout-ms", required_argument, NULL, O_TIMEOUT},
    {"until", required_argument, NULL, O_UNTIL},
    {"verbose", no_argument, NULL, 'v'},
    {"version", no_argument, NULL, O_VERSION}, {NULL, 0, NULL, 0}};

/* fetch_usage prints the synopsis and the exit codes, then exits. */
void
fetch_usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: zp-fetch [-qv] [--api-url URL] [--backoff-max S] "
	    "[--concurrency N]\n"
	    "                [--config FILE | --credentials FILE] "
	    "[--default-days N]\n"
	    "                [--hwm N] [--linger-ms N] "
	    "[--log-format text|json]\n"
	    "                [--lookback-days N] [--max-attempts N] "
	    "[--now TIME]\n"
	    "                [--oauth-url URL] [--out URI] [--page-size N]\n"
	    "                [--participants past|report] "
	    "[--plan free|pro|business|unlimited]\n"
	    "                [--progress | --no-progress] "
	    "[--rate-share F] [--save DIR]\n"
	    "                [--since DATE] [--state FILE] "
	    "[--streams LIST] [--timeout-ms N]\n"
	    "                [--until DATE]\n"
	    "       zp-fetch --replay FILE|DIR [--out URI]\n"
	    "       zp-fetch --help | --version\n"
	    "streams: users meetings past_meetings webinars recordings phone "
	    "metrics\n"
	    "         (default " DEFAULT_STREAMS ")\n"
	    "credentials: ZP_ZOOM_ACCOUNT_ID, ZP_ZOOM_CLIENT_ID, "
	    "ZP_ZOOM_CLIENT_SECRET\n"
	    "         (or PSOXY_ZOOM_*), --credentials FILE or --config "
	    "FILE\n"
	    "exit: 0 ok, 1 some items failed, 64 usage, 69 Zoom "
	    "unreachable,\n"
	    "      75 stopped early (daily limit, signal, output): run again, "
	    "77 auth, 78 config\n");
	exit(status);
}

/* defaults sets every value a flag may change, then the environment. */
static int
defaults(struct fetch_options *o)
{
	struct zp_buf why = ZP_BUF_INIT;
	struct fetch_config *c = &o->cfg;
	const char *v;
	int rc;

	memset(o, 0, sizeof(*o));
	if ((rc = zp_stage_opts_init(&o->stage, &why)) != 0) {
		zp_error("%s", why.data);
		zp_buf_release(&why);
		return rc;
	}
	zp_buf_release(&why);
	c->lookback_days = 1;
	c->default_days = 30;
	c->plan = 1;
	c->rate_share = 0.8;
	c->concurrency = 16;
	c->page_size = 300;
	c->max_attempts = 8;
	c->backoff_base = 0.5;
	c->backoff_max = 30;
	c->timeout_ms = 60000;
	c->now = time(NULL);
	c->progress = isatty(2);
	c->state_path = getenv("ZP_STATE");
	o->config_path = getenv("ZP_FETCH_CONFIG");
	if ((v = getenv("ZP_STREAMS")) != NULL && *v != '\0') {
		o->streams_given = 1;
		return fetch_stream_parse(v, &c->streams, &why) == 0
		    ? 0
		    : (zp_error("ZP_STREAMS: %s", why.data),
			  zp_buf_release(&why), ZP_ECONFIG);
	}
	return fetch_stream_parse(DEFAULT_STREAMS, &c->streams, &why);
}

/* opt_plan reads free, pro or business. */
static int
opt_plan(const char *s, int *out)
{
	static const char *const plans[] = {
	    "free", "pro", "business", "unlimited"};
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, plans[i]) == 0) {
			*out = i;
			return 0;
		}
	return zp_opt_bad(
	    "plan", s, "is not free, pro, business or unlimited");
}

/* opt_day checks that s is a date and keeps it. */
static int
opt_day(const char *name, const char *s, const char **out)
{
	long day;

	if (fetch_day_parse(s, &day) != 0)
		return zp_opt_bad(name, s, "is not a date (YYYY-MM-DD)");
	*out = s;
	return 0;
}

/* opt_streams reads --streams. */
static int
opt_streams(struct fetch_options *o, const char *s)
{
	struct zp_buf why = ZP_BUF_INIT;
	int rc = fetch_stream_parse(s, &o->cfg.streams, &why);

	if (rc != 0)
		zp_error("--streams: %s", why.data);
	zp_buf_release(&why);
	o->streams_given = 1;
	return rc;
}

/* one_opt applies one flag; ZP_EINVAL when its value is bad. */
static int
one_opt(struct fetch_options *o, int c, const char *s)
{
	struct fetch_config *f = &o->cfg;

	switch (c) {
	case O_API_URL: o->api_url = s; return 0;
	case O_BACKOFF:
		return zp_opt_double(
		    "backoff-max", s, 0, 3600, &f->backoff_max);
	case O_CONCURRENCY:
		return zp_opt_long("concurrency", s, 1, 256, &f->concurrency);
	case O_CONFIG: o->config_path = s; return 0;
	case O_CREDENTIALS: o->cred_path = s; return 0;
	case O_DEFAULT_DAYS:
		return zp_opt_long(
		    "default-days", s, 1, 3650, &f->default_days);
	case O_HWM: return zp_stage_flag(&o->stage, "hwm", s);
	case O_LINGER: return zp_stage_flag(&o->stage, "linger-ms", s);
	case O_LOG_FORMAT:
		return zp_log_opt("log-format", s) < 0 ? ZP_EINVAL : 0;
	case O_LOOKBACK:
		return zp_opt_long(
		    "lookback-days", s, 0, 365, &f->lookback_days);
	case O_MAX_ATTEMPTS:
		return zp_opt_long(
		    "max-attempts", s, 1, 100, &f->max_attempts);
	case O_NO_PROGRESS: f->progress = 0; return 0;
	case O_NOW: return zp_opt_time("now", s, &f->now);
	case O_OAUTH_URL: o->oauth_url = s; return 0;
	case O_OUT: return zp_stage_flag(&o->stage, "out", s);
	case O_PAGE_SIZE:
		return zp_opt_long("page-size", s, 1, 300, &f->page_size);
	case O_PARTICIPANTS:
		if (strcmp(s, "past") != 0 && strcmp(s, "report") != 0)
			return zp_opt_bad(
			    "participants", s, "is not past or report");
		f->report_participants = strcmp(s, "report") == 0;
		return 0;
	case O_PLAN: return opt_plan(s, &f->plan);
	case O_PROGRESS: f->progress = 1; return 0;
	case O_RATE_SHARE:
		return zp_opt_double("rate-share", s, 0.01, 1, &f->rate_share);
	case O_REPLAY: o->replay = s; return 0;
	case O_SAVE: f->save_dir = s; return 0;
	case O_SINCE: return opt_day("since", s, &f->since);
	case O_STATE: f->state_path = s; return 0;
	case O_STREAMS: return opt_streams(o, s);
	case O_TIMEOUT:
		return zp_opt_long(
		    "timeout-ms", s, 100, 3600000, &f->timeout_ms);
	case O_UNTIL: return opt_day("until", s, &f->until);
	default: return ZP_EINVAL;
	}
}

/* fetch_options_parse fills o from the defaults, environment and argv. */
int
fetch_options_parse(struct fetch_options *o, int argc, char **argv)
{
	int c, rc;

	if ((rc = defaults(o)) != 0)
		return rc == ZP_EINVAL ? ZP_ECONFIG : rc;
	while ((c = getopt_long(argc, argv, "hqv", long_opts, NULL)) != -1) {
		if (c == 'h')
			fetch_usage(0);
		if (c == O_VERSION) {
			printf("zp-fetch %s\n", ZP_FETCH_VERSION);
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
	if (o->config_path != NULL && o->cred_path != NULL) {
		zp_error("--config and --credentials exclude each other");
		return ZP_EINVAL;
	}
	return 0;
}

/* --- the days of a run ----------------------------------------------- */

/* since_of finds where an incremental run starts: the oldest watermark
 * of the streams and accounts, less the lookback; -1 if one is missing. */
static long
since_of(const struct fetch_options *o, const struct fetch_accounts *a,
    const struct fetch_state *st)
{
	long since = -1, w;
	size_t i;
	int s;

	if (st == NULL)
		return -1;
	for (i = 0; i < a->n; i++)
		for (s = 0; s < FETCH_NSTREAMS; s++) {
			if (!((o->cfg.streams >> s) & 1))
				continue;
			w = fetch_state_watermark(st, a->v[i].name, s);
			if (w < 0)
				return -1;
			if (since < 0 || w < since)
				since = w;
		}
	return since < 0 ? -1 : since - o->cfg.lookback_days;
}

/* fill_windows derives the plan's windows from since and until. */
static void
fill_windows(struct fetch_plan *p, long since, long until, long today)
{
	long oldest = fetch_six_months_back(today);
	char a[11], b[11];

	p->full.since = since;
	p->full.until = until;
	p->report = p->full;
	if (since < oldest) {
		p->report.since = oldest;
		fetch_day_format(since, a);
		fetch_day_format(oldest, b);
		if (p->streams &
		    ((1u << FETCH_PAST_MEETINGS) | (1u << FETCH_PHONE) |
			(1u << FETCH_METRICS)))
			zp_warn("--since %s: Zoom's reports keep six months: "
				"reports, phone calls and metrics start at %s",
			    a, b);
	}
}

/* fetch_plan_make decides the days and streams of this run. */
int
fetch_plan_make(const struct fetch_options *o, const struct fetch_accounts *a,
    const struct fetch_state *st, struct fetch_plan *p, int *resume)
{
	long today = fetch_day_of(o->cfg.now), since, until = today;
	char d1[11], d2[11];

	memset(p, 0, sizeof(*p));
	p->streams = o->cfg.streams;
	p->report_participants = o->cfg.report_participants;
	p->page_size = (int)o->cfg.page_size;
	*resume =
	    st != NULL && fetch_state_pending(st, &since, &until, &p->streams);
	if (*resume) {
		fetch_day_format(since, d1);
		fetch_day_format(until, d2);
		if (o->cfg.since != NULL || o->cfg.until != NULL ||
		    o->streams_given)
			zp_warn("finishing the unfinished run over %s..%s "
				"first; --since, --until and --streams apply "
				"to the next run",
			    d1, d2);
		fill_windows(p, since, until, today);
		return 0;
	}
	if (o->cfg.until != NULL)
		fetch_day_parse(o->cfg.until, &until);
	if (until > today) {
		zp_warn(
		    "--until %s is in the future: using today", o->cfg.until);
		until = today;
	}
	if (o->cfg.since != NULL)
		fetch_day_parse(o->cfg.since, &since);
	else if ((since = since_of(o, a, st)) < 0)
		since = until - o->cfg.default_days + 1;
	if (since > until) {
		zp_error("--since %s is after --until", o->cfg.since);
		return ZP_EINVAL;
	}
	fill_windows(p, since, until, today);
	return 0;
}
