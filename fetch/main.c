/*
 * zp-fetch - crawl the Zoom API (or replay a saved crawl) into page
 * envelopes: users, past meetings with every instance and participant,
 * webinars, recordings, phone calls and metrics, within Zoom's rate
 * limits, resumably.  Options are in options.c, the crawl in crawl.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "error.h"
#include "log.h"
#include "options.h"
#include "signals.h"
#include "transport.h"

/* finish_out sends the eos and closes the output; 0 or an error. */
static int
finish_out(struct zp_out **out)
{
	struct zp_buf eos = ZP_BUF_INIT;
	int rc = zp_env_eos(&eos, NULL);

	if (rc == 0)
		rc = zp_out_write(*out, eos.data, eos.len);
	zp_buf_release(&eos);
	if (zp_out_close(out) != 0 && rc == 0)
		rc = ZP_EIO;
	if (rc != 0)
		zp_error("cannot finish the output: %s", zp_strerror(rc));
	return rc;
}

/* replay runs --replay: saved responses out again, no network. */
static int
replay(const struct fetch_options *o, struct zp_out **out)
{
	struct zp_buf why = ZP_BUF_INIT;
	unsigned long n = 0;
	int rc = fetch_replay(o->replay, *out, &n, &why);

	if (rc < 0)
		zp_error("%s", why.len ? why.data : zp_strerror(rc));
	if (finish_out(out) != 0 && rc >= 0)
		rc = ZP_EIO;
	zp_info("replayed %lu envelopes from %s", n, o->replay);
	zp_buf_release(&why);
	return rc < 0 ? zp_exit_code(rc) : rc;
}

/* summary prints the closing line and picks the exit status. */
static int
summary(const struct fetch_stats *s, int rc)
{
	zp_info("done: %lu requests, %lu pages, %lu skipped, %lu errors, "
		"%lu retries, %lu throttled, %lu token renewals, %.1f s "
		"(%.1f req/s), cpu %.3f ms/request",
	    s->requests, s->pages, s->skipped, s->errors, s->retries,
	    s->throttled, s->token_renewals, s->seconds,
	    s->seconds > 0 ? s->requests / s->seconds : 0,
	    s->requests ? s->cpu_seconds * 1000 / s->requests : 0);
	if (s->auth_failed)
		return ZP_EXIT_AUTH;
	if (s->output_failed || s->interrupted || s->daily_stopped)
		return ZP_EXIT_TEMPFAIL;
	if (rc != 0)
		return zp_exit_code(rc);
	if (s->unreachable)
		return ZP_EXIT_UNAVAILABLE;
	return s->errors || s->failed_streams ? ZP_EXIT_REJECTED : ZP_EXIT_OK;
}

/* open_all loads the accounts, the state and the save directory. */
static int
open_all(const struct fetch_options *o, struct fetch_accounts *a,
    struct fetch_state **st, struct fetch_save **sv)
{
	struct zp_buf why = ZP_BUF_INIT;
	int rc = fetch_accounts_load(
	    a, o->config_path, o->cred_path, o->api_url, o->oauth_url, &why);

	if (rc == 0 && o->cfg.state_path != NULL)
		rc = fetch_state_open(st, o->cfg.state_path, &why);
	if (rc == 0 && o->cfg.save_dir != NULL)
		rc = fetch_save_open(sv, o->cfg.save_dir, &why);
	if (rc != 0)
		zp_error("%s", why.len ? why.data : zp_strerror(rc));
	zp_buf_release(&why);
	return rc;
}

/* crawl runs a crawl of every account. */
static int
crawl(struct fetch_options *o, struct zp_out **out)
{
	static struct fetch_accounts accts;
	struct fetch_state *st = NULL;
	struct fetch_save *sv = NULL;
	struct fetch_stats stats;
	struct fetch_plan plan;
	int rc, resume = 0, status;

	if ((rc = open_all(o, &accts, &st, &sv)) != 0 ||
	    (rc = fetch_plan_make(o, &accts, st, &plan, &resume)) != 0) {
		zp_out_close(out);
		fetch_state_free(&st);
		fetch_save_close(&sv);
		fetch_accounts_wipe(&accts);
		return rc == ZP_EINVAL ? ZP_EXIT_USAGE : zp_exit_code(rc);
	}
	rc = fetch_crawl(&o->cfg, &plan, &accts, *out, st, resume, sv, &stats);
	if (finish_out(out) != 0)
		stats.output_failed = 1;
	if (fetch_save_close(&sv) != 0)
		zp_error(
		    "--save %s: cannot finish the index", o->cfg.save_dir);
	status = summary(&stats, rc);
	if (stats.daily_stopped)
		zp_warn("stopped at a daily limit: run again with the same "
			"--state after %s to finish",
		    stats.resume_after);
	fetch_state_free(&st);
	fetch_accounts_wipe(&accts);
	return status;
}

int
main(int argc, char **argv)
{
	struct fetch_options o;
	struct zp_out *out = NULL;
	struct zp_buf why = ZP_BUF_INIT;
	int rc;

	zp_log_init("zp-fetch", ZP_LOG_INFO, ZP_LOG_TEXT);
	if ((rc = fetch_options_parse(&o, argc, argv)) != 0)
		return rc == ZP_EINVAL ? ZP_EXIT_USAGE : ZP_EXIT_CONFIG;
	if (zp_signals_install() != 0)
		return ZP_EXIT_TEMPFAIL;
	if ((rc = zp_out_open(&out, o.stage.out, &o.stage.t, &why)) != 0) {
		zp_error("%s", why.data != NULL ? why.data : zp_strerror(rc));
		zp_buf_release(&why);
		return zp_exit_code(rc);
	}
	zp_buf_release(&why);
	return o.replay != NULL ? replay(&o, &out) : crawl(&o, &out);
}
