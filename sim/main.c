/*
 * zp-sim - a Zoom API v2 simulator: a seeded synthetic organization
 * served over HTTP with Zoom's paths, OAuth, paging, rate limits and
 * errors, and signed webhooks as meetings end.  It serves until SIGINT or
 * SIGTERM, then prints its statistics on stderr.
 * Options are in options.c.  Exit: 0 ok, 64 usage, 69 cannot listen,
 * 75 temporary failure, 78 config.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "options.h"
#include "signals.h"
#include "sim.h"

/* dump_truth writes the ground truth to path ("-" is stdout). */
static int
dump_truth(const struct sim_org *org, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	int rc;

	if (f == NULL) {
		zp_error("%s: cannot create", path);
		return ZP_ECONFIG;
	}
	rc = sim_org_dump_truth(org, f);
	if (f == stdout ? fflush(f) != 0 : fclose(f) != 0)
		rc = ZP_EIO;
	if (rc != 0)
		zp_error("%s: %s", path, zp_strerror(rc));
	return rc;
}

/* setup builds the organization and the parts every request uses. */
static int
setup(struct sim *sim)
{
	int rc;

	if (pthread_mutex_init(&sim->lock, NULL) != 0)
		return ZP_ENOMEM;
	rc = sim_org_generate(&sim->org, &sim->cfg.org);
	if (rc != 0) {
		zp_error(
		    "cannot generate the organization: %s", zp_strerror(rc));
		return rc;
	}
	if (sim->cfg.truth_path != NULL &&
	    (rc = dump_truth(&sim->org, sim->cfg.truth_path)) != 0)
		return rc;
	if ((rc = sim_tokens_new(&sim->tokens)) != 0 ||
	    (rc = sim_pages_new(&sim->pages)) != 0 ||
	    (rc = sim_limits_new(&sim->limits, sim->cfg.org.plan,
		 sim->cfg.daily_limit)) != 0 ||
	    (rc = sim_faults_new(
		 &sim->faults, sim->cfg.org.seed, &sim->cfg.faults)) != 0)
		zp_error("%s", zp_strerror(rc));
	return rc;
}

/* teardown frees what setup built; it accepts a partial setup. */
static void
teardown(struct sim *sim)
{
	sim_faults_free(&sim->faults);
	sim_limits_free(&sim->limits);
	sim_pages_free(&sim->pages);
	sim_tokens_free(&sim->tokens);
	sim_org_free(&sim->org);
}

/* block_stops blocks SIGINT and SIGTERM in every thread started from now
 * on, and sets wait to the mask under which main takes them alone. */
static void
block_stops(sigset_t *wait)
{
	sigset_t stops;

	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stops, wait);
	sigdelset(wait, SIGINT);
	sigdelset(wait, SIGTERM);
}

/* report prints the statistics as the last word. */
static void
report(struct sim *sim)
{
	struct zp_buf b = ZP_BUF_INIT;

	if (sim_stats_write(sim, &b) == 0)
		zp_info("stats %s", b.data);
	zp_buf_release(&b);
}

/* serve listens, announces, waits for a stop signal, then reports. */
static int
serve(struct sim *sim, const sigset_t *wait)
{
	int rc = sim_server_start(sim);

	if (rc != 0)
		return rc;
	zp_info("serving %s on %s%s (%zu users, %zu meetings, %zu instances)",
	    sim->cfg.org.account_id, sim->cfg.public_url, sim->cfg.base_path,
	    sim->org.n_users, sim->org.n_meetings, sim->org.n_instances);
	if (sim->cfg.webhook_url != NULL &&
	    (rc = sim_webhooks_start(sim)) != 0)
		zp_error("webhooks: %s", zp_strerror(rc));
	while (rc == 0 && !zp_interrupted())
		sigsuspend(wait);
	if (sim->cfg.webhook_url != NULL)
		sim_webhooks_stop(sim);
	sim_server_stop(sim);
	report(sim);
	return rc;
}

int
main(int argc, char **argv)
{
	static struct sim sim;
	sigset_t wait;
	int rc;

	zp_log_init("zp-sim", ZP_LOG_INFO, ZP_LOG_TEXT);
	rc = sim_options_parse(&sim.cfg, argc, argv);
	if (rc == ZP_EINVAL)
		sim_usage(ZP_EXIT_USAGE);
	if (rc != 0)
		return ZP_EXIT_CONFIG;
	if (zp_signals_install() != 0) {
		zp_error("cannot install signal handlers");
		return ZP_EXIT_TEMPFAIL;
	}
	block_stops(&wait);
	rc = setup(&sim);
	if (rc == 0)
		rc = serve(&sim, &wait);
	teardown(&sim);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		zp_error("stdout: write error");
		if (rc == 0)
			rc = ZP_EIO;
	}
	return zp_exit_code(rc);
}
