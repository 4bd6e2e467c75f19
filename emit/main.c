/*
 * zp-emit - the last stage: envelopes in, records out.  Users, meeting
 * instances, participations (one per person per instance), webinars,
 * recordings and calls, deduplicated by natural key across runs with
 * --state DIR, delivered to files (jsonl, csv), stdout, HTTP or a Singer
 * target.  Options are in options.c, the run in run.c.
 */
#include "emit.h"
#include "error.h"
#include "log.h"
#include "signals.h"

int
main(int argc, char **argv)
{
	struct emit_options o;
	int rc;

	zp_log_init("zp-emit", ZP_LOG_INFO, ZP_LOG_TEXT);
	if (zp_signals_install() != 0)
		return ZP_EXIT_TEMPFAIL;
	if ((rc = emit_options_parse(&o, argc, argv)) != 0)
		return rc == ZP_EINVAL ? ZP_EXIT_USAGE : ZP_EXIT_CONFIG;
	return emit_run(&o);
}
