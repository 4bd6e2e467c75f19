/*
 * zp-match - resolve every identity in the stream to a canonical person
 * from HR rosters, the Zoom user directory and an admin's overrides, on
 * raw and on pseudonymized streams alike.  Options are in options.c, the
 * stream in run.c.
 */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "signals.h"
#include "tool.h"

/* setup_index applies the canonicalization options and the rosters. */
static int
setup_index(const struct match_options *o, struct match_index *x,
    struct match_roster *r)
{
	char alias[512];
	const char *eq;
	size_t i;
	int rc = match_index_set_ignore_dots(x, o->ignore_dots);

	for (i = 0; rc == 0 && i < o->n_aliases; i++) {
		eq = strchr(o->aliases[i], '=');
		snprintf(alias, sizeof(alias), "%.*s",
		    (int)(eq - o->aliases[i]), o->aliases[i]);
		rc = match_index_add_domain_alias(x, alias, eq + 1);
	}
	for (i = 0; rc == 0 && i < o->n_rosters; i++)
		if ((rc = match_roster_load_file(r, o->rosters[i])) != 0)
			zp_error(
			    "%s: the roster was not loaded", o->rosters[i]);
	if (rc == 0)
		rc = match_index_add_roster(x, r);
	return rc;
}

int
main(int argc, char **argv)
{
	struct match_options o;
	struct match_index *x = NULL;
	struct match_roster *r = NULL;
	struct match_extra *extra = NULL;
	struct match_index_stats st;
	int rc, status;

	zp_log_init("zp-match", ZP_LOG_INFO, ZP_LOG_TEXT);
	if ((rc = match_options_parse(&o, argc, argv)) != 0)
		return rc == ZP_EINVAL ? ZP_EXIT_USAGE : ZP_EXIT_CONFIG;
	if (zp_signals_install() != 0)
		return ZP_EXIT_TEMPFAIL;
	rc = match_index_new(&x);
	if (rc == 0)
		rc = match_roster_new(&r);
	if (rc == 0)
		rc = setup_index(&o, x, r);
	if (rc == 0)
		rc = match_extra_new(&extra, &o, x, r);
	if (rc != 0) {
		status = rc == ZP_ENOMEM ? ZP_EXIT_TEMPFAIL : ZP_EXIT_CONFIG;
		goto out;
	}
	match_index_stats(x, &st);
	zp_info("roster: %zu people, %zu e-mails, %zu conflicts, %lu rows "
		"rejected",
	    st.people, st.emails, st.conflicts, r->rejected);
	status = o.canonical_roster ? match_write_canonical(x, r)
				    : match_run(&o, x, extra);
	if (status == 0 && (r->rejected > 0 || st.conflicts > 0))
		status = ZP_EXIT_REJECTED;
out:
	match_extra_free(&extra);
	match_index_free(&x);
	match_roster_free(&r);
	return status;
}
