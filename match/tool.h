/*
 * tool.h - the parts of zp-match and how they meet.
 *
 *   main.c      options (options.c), rosters, overrides, the run
 *   run.c       the stream: users pages feed the directory, every
 *               identity of every page is resolved and the envelope
 *               passes on with an "identities" object; the report
 *   extra.c     overrides, display names, the persisted directory
 *   roster.c    HR rosters, index.c the identity index, fields.c the
 *               table of identity fields per endpoint
 */
#ifndef ZP_MATCH_TOOL_H
#define ZP_MATCH_TOOL_H

#include <stddef.h>

#include "index.h"
#include "roster.h"
#include "stage.h"

#define ZP_MATCH_VERSION "0.1.0"
#define MATCH_MAX_FILES 32

/* What zp-match was told. */
struct match_options {
	struct zp_stage_opts stage;
	const char *rosters[MATCH_MAX_FILES];
	size_t n_rosters;
	const char *directory; /* --directory FILE, or NULL */
	const char *overrides; /* --overrides FILE, or NULL */
	const char *unmatched; /* --unmatched FILE, or NULL */
	const char *internal; /* --internal-domains a.com,b.com, or NULL */
	const char *aliases[MATCH_MAX_FILES]; /* "alias=canonical" */
	size_t n_aliases;
	int ignore_dots;
	int match_names;
	int canonical_roster; /* write the rosters canonical and stop */
};

struct match_extra; /* extra.c: overrides, names, directory */

/* match_options_parse fills o; 0, ZP_EINVAL (reported) or ZP_ECONFIG. */
int match_options_parse(struct match_options *o, int argc, char **argv);

/*
 * match_extra_new loads the overrides file and the persisted directory
 * of o into *out and the index (users), and builds the display-name map
 * of the rosters when o asks for it.  Bad lines are reported with their
 * line and skipped.  Returns 0 or ZP_ECONFIG / ZP_ENOMEM.
 */
int match_extra_new(struct match_extra **out, const struct match_options *o,
    struct match_index *x, const struct match_roster *r);
void match_extra_free(struct match_extra **e);

/*
 * match_extra_override looks v[0..n) up in the overrides: 1 with *person
 * set (NULL: ignore this identity), or 0 when there is none.
 */
int match_extra_override(
    const struct match_extra *e, const char *v, size_t n, const char **person);

/* match_extra_name finds the one person with display name v (case
 * ignored); NULL when none or several. */
const char *match_extra_name(
    const struct match_extra *e, const char *v, size_t n);

/* match_extra_user notes a Zoom user seen in the stream, for the
 * directory written at the end. */
int match_extra_user(struct match_extra *e, const char *line, size_t n);

/* match_extra_save writes the directory file atomically; 0 or ZP_EIO. */
int match_extra_save(const struct match_extra *e, const char *path);

/*
 * match_write_canonical writes the people of r to stdout as CSV with
 * every e-mail in x's canonical form (lower case, no +suffix, domain
 * aliases applied), ready for zp-sanitize --bulk: a roster pseudonymized
 * from it meets the stream's tokens even where the raw roster used an
 * alias domain or another spelling.  Returns the exit status.
 */
int match_write_canonical(
    const struct match_index *x, const struct match_roster *r);

/* match_run annotates the stream and returns the exit status. */
int match_run(const struct match_options *o, struct match_index *x,
    struct match_extra *extra);

#endif
