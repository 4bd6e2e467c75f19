/*
 * options.h - zp-fetch's command line and environment, parsed into a
 * struct fetch_options (options.c), and the days a run covers.
 */
#ifndef ZP_FETCH_OPTIONS_H
#define ZP_FETCH_OPTIONS_H

#include "fetch.h"
#include "plan.h"
#include "stage.h"

#define ZP_FETCH_VERSION "0.1.0"

/* Everything zp-fetch was told. */
struct fetch_options {
	struct fetch_config cfg;
	struct zp_stage_opts stage; /* --out, --hwm, --linger-ms */
	const char *config_path; /* --config FILE: several accounts */
	const char *cred_path; /* --credentials FILE: one account */
	const char *api_url; /* --api-url, or NULL */
	const char *oauth_url; /* --oauth-url, or NULL */
	const char *replay; /* --replay FILE|DIR, or NULL */
	int streams_given; /* --streams or ZP_STREAMS was set */
};

/*
 * fetch_options_parse fills o from the defaults, the environment and
 * argv.  --help and --version print and exit 0.  Returns 0, ZP_EINVAL for
 * misuse (reported on stderr) or ZP_ECONFIG for a bad ZP_* variable.
 */
int fetch_options_parse(struct fetch_options *o, int argc, char **argv);

/* fetch_usage prints the synopsis to stdout (status 0) or stderr and
 * exits with status. */
void fetch_usage(int status) __attribute__((noreturn));

/*
 * fetch_plan_make decides the days and streams of this run: the
 * unfinished run of st's journal if there is one (*resume set), else
 * --since/--until, else the watermarks of st minus the lookback, else the
 * last default_days.  Report windows are clamped to the six months Zoom
 * keeps, with a warning.  Returns 0 or ZP_EINVAL (logged).
 */
int fetch_plan_make(const struct fetch_options *o,
    const struct fetch_accounts *a, const struct fetch_state *st,
    struct fetch_plan *p, int *resume);

#endif
