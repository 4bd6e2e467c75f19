/*
 * run.c - zp-emit's run: open the sinks and the state, read every
 * envelope into the table, then flush (flush.c) and report.
 *
 * Records are delivered when the stream ends (every producer's eos, the
 * input's end, or a stop signal): a participation's sessions come on
 * several pages, and its meeting may come after them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "envelope.h"
#include "error.h"
#include "log.h"
#include "stage.h"

static const struct emit_sink_ops *const kinds[] = {&emit_sink_jsonl,
    &emit_sink_csv, &emit_sink_stdout, &emit_sink_http, &emit_sink_singer};

const struct emit_sink_ops *
emit_sink_kind(const char *spec)
{
	size_t i;

	if (strcmp(spec, "-") == 0)
		return &emit_sink_stdout;
	if (strcmp(spec, "singer") == 0)
		return &emit_sink_singer;
	if (strncmp(spec, "http://", 7) == 0 ||
	    strncmp(spec, "https://", 8) == 0)
		return &emit_sink_http;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i]->prefix[strlen(kinds[i]->prefix) - 1] == ':' &&
		    strncmp(
			spec, kinds[i]->prefix, strlen(kinds[i]->prefix)) == 0)
			return kinds[i];
	return NULL;
}

/* The run. */
struct run {
	const struct emit_options *o;
	struct emit_sink *sinks[EMIT_MAX_SINKS];
	const struct emit_sink_ops *ops[EMIT_MAX_SINKS];
	size_t n_sinks;
	struct emit_where *where;
	struct emit_table t;
	struct emit_state *state;
	struct zp_stage st;
	struct zp_json_parser parser;
	char *state_dir;
	unsigned long bad_bodies;
};

/* --- setting up ------------------------------------------------------ */

/* open_sinks opens every --to. */
static int
open_sinks(struct run *r)
{
	size_t i;
	int rc;

	for (i = 0; i < r->o->n_to; i++) {
		r->ops[i] = emit_sink_kind(r->o->to[i]);
		if ((rc = r->ops[i]->open(&r->sinks[i], r->o->to[i], r->o)) !=
		    0)
			return rc;
		r->n_sinks++;
	}
	return 0;
}

/* state_dir picks --state, else a file sink's DIR/.zp-emit-state. */
static int
state_dir(struct run *r)
{
	size_t i;

	if (r->o->state != NULL)
		return (r->state_dir = strdup(r->o->state)) ? 0 : ZP_ENOMEM;
	for (i = 0; i < r->o->n_to; i++) {
		const char *s = r->o->to[i], *colon = strchr(s, ':');

		if (colon == NULL ||
		    (strncmp(s, "jsonl:", 6) != 0 &&
			strncmp(s, "csv:", 4) != 0))
			continue;
		if ((r->state_dir = malloc(strlen(s) + 32)) == NULL)
			return ZP_ENOMEM;
		sprintf(r->state_dir, "%s/.zp-emit-state", colon + 1);
		zp_info("state: %s (give --state DIR to keep it elsewhere)",
		    r->state_dir);
		return 0;
	}
	zp_info("no --state: records are deduplicated within this run only");
	return 0;
}

/* setup opens sinks, filter, table, state and stream. */
static int
setup(struct run *r)
{
	struct zp_buf why = ZP_BUF_INIT;
	int rc;

	zp_json_parser_init(&r->parser, &r->st.env.arena);
	if ((rc = emit_table_init(&r->t)) != 0 || (rc = open_sinks(r)) != 0 ||
	    (r->o->where != NULL &&
		(rc = emit_where_new(&r->where, r->o->where)) != 0) ||
	    (rc = state_dir(r)) != 0 ||
	    (rc = emit_state_open(&r->state, r->state_dir, &r->t)) != 0)
		return rc;
	if ((rc = zp_stage_open(&r->st, &r->o->stage, &why)) != 0)
		zp_error("%s", why.len ? why.data : zp_strerror(rc));
	r->st.env.lazy_body = 1; /* one_page parses every body it uses */
	zp_buf_release(&why);
	return rc;
}

/* --- reading --------------------------------------------------------- */

/* bad_json reports a JSON value at `at` of the envelope that err says
 * is not JSON (read with lazy_body, values are checked here), and
 * counts it. */
static void
bad_json(struct run *r, const char *at, const struct zp_json_error *err)
{
	r->bad_bodies++;
	zp_error("%s: bad envelope dropped: byte %zu: %s",
	    zp_in_where(r->st.in),
	    (size_t)(at - r->st.env.raw.p) + err->offset,
	    err->reason ? err->reason : "bad JSON");
}

/* identities parses the envelope's "identities" (zp-match's) into
 * *out (NULL when there is none); 0, or ZP_EPARSE reported as a bad
 * envelope (read with lazy_body, it is checked here). */
static int
identities(struct run *r, struct zp_json **out)
{
	const struct zp_envelope *e = &r->st.env;
	size_t i;

	*out = NULL;
	for (i = 0; i < e->nextra; i++) {
		if (e->extra[i].key.n != 10 ||
		    memcmp(e->extra[i].key.p, "identities", 10) != 0)
			continue;
		if (zp_json_parse(&r->parser, e->extra[i].value.p,
			e->extra[i].value.n, out) == 0)
			return 0;
		bad_json(r, e->extra[i].value.p, &r->parser.err);
		return ZP_EPARSE;
	}
	return 0;
}

/* one_envelope builds the records of the current page envelope, or of
 * the current webhook event when event is set. */
static int
one_envelope(struct run *r, int event)
{
	struct zp_envelope *e = &r->st.env;
	struct zp_json *body = NULL, *ids;
	const char *where = zp_in_where(r->st.in);

	r->parser.arena = &e->arena; /* body and identities: this page's */
	if (zp_env_body_dom(e, &r->parser, &body) != 0) {
		bad_json(r, e->body.p, &r->parser.err);
		return 0;
	}
	if (identities(r, &ids) != 0)
		return 0;
	return event ? emit_build_event(&r->t, e, body, ids, where)
		     : emit_build(&r->t, e, body, ids, where);
}

/* read_all reads the stream to its end; returns the last rc. */
static int
read_all(struct run *r)
{
	int rc;

	while ((rc = zp_stage_next(&r->st)) == 1) {
		if (zp_env_is(&r->st.env, "page")) {
			if ((rc = one_envelope(r, 0)) != 0)
				return rc;
		} else if (zp_env_is(&r->st.env, "event")) {
			if ((rc = one_envelope(r, 1)) != 0)
				return rc;
		} else if (r->st.env.body.p != NULL &&
		    zp_json_validate(r->st.env.body.p, r->st.env.body.n,
			&r->st.env.err) != 0) {
			bad_json(r, r->st.env.body.p, &r->st.env.err);
		}
	}
	return rc;
}

/* --- reporting ------------------------------------------------------- */

/* report logs what the run built and delivered. */
static void
report(const struct run *r, const struct emit_flush_stats *st)
{
	char line[512];
	size_t i, at = 0;
	unsigned long total = 0, changed = 0;

	for (i = 0; i < EMIT_NTYPES; i++) {
		total += st->records[i];
		changed += st->changed[i];
		at += (size_t)snprintf(line + at, sizeof(line) - at,
		    "%s%s %lu (%lu new or changed)", i ? ", " : "",
		    emit_stream_name(i), st->records[i], st->changed[i]);
	}
	if (r->t.events > 0)
		zp_info("%lu pages and %lu events, %lu records: %s",
		    r->t.pages, r->t.events, total, line);
	else
		zp_info("%lu pages, %lu records: %s", r->t.pages, total, line);
	zp_info("%lu partitions, %lu delivered; %lu items skipped; ignored: "
		"%lu pages of other endpoints or statuses, %lu events",
	    st->partitions, st->written, r->t.skipped, r->t.ignored,
	    r->t.events_ignored);
	if (r->t.events_unpaired > 0)
		zp_info("%lu participant left events had no joined event in "
			"this run: their sessions wait for the participants "
			"pages",
		    r->t.events_unpaired);
	if (r->o->stats) {
		fprintf(stderr,
		    "{\"pages\":%lu,\"records\":%lu,\"changed\":%lu",
		    r->t.pages, total, changed);
		for (i = 0; i < EMIT_NTYPES; i++)
			fprintf(stderr, ",\"%s\":%lu", emit_stream_name(i),
			    st->records[i]);
		fprintf(stderr, ",\"partitions\":%lu,\"delivered\":%lu}\n",
		    st->partitions, st->written);
	}
}

/* --- the run --------------------------------------------------------- */

/* close_all closes the sinks and the state; the first error wins. */
static int
close_all(struct run *r, int rc)
{
	size_t i;
	int c;

	for (i = 0; i < r->n_sinks; i++)
		if ((c = r->ops[i]->close(r->sinks[i])) != 0 && rc == 0)
			rc = c;
	if ((c = emit_state_close(&r->state)) != 0 && rc == 0)
		rc = c;
	return rc;
}

/* release frees everything. */
static void
release(struct run *r)
{
	size_t i;

	for (i = 0; i < r->n_sinks; i++)
		r->ops[i]->free(&r->sinks[i]);
	emit_where_free(&r->where);
	emit_state_close(&r->state);
	emit_table_release(&r->t);
	zp_json_parser_release(&r->parser);
	free(r->state_dir);
}

int
emit_run(const struct emit_options *o)
{
	struct emit_flush_stats st;
	struct run r;
	int rc, frc, status;

	memset(&r, 0, sizeof(r));
	memset(&st, 0, sizeof(st));
	r.o = o;
	if ((rc = setup(&r)) != 0) {
		release(&r);
		return rc == ZP_EINVAL ? ZP_EXIT_USAGE : zp_exit_code(rc);
	}
	rc = read_all(&r);
	if (rc == ZP_EINTR)
		zp_warn("interrupted: delivering the records of the %lu pages "
			"read so far, then exit 75",
		    r.t.pages);
	if (rc == 0 || rc == ZP_EINTR) {
		frc = emit_flush(
		    &r.t, r.state, r.sinks, r.ops, r.n_sinks, r.where, &st);
		if (frc != 0)
			zp_error(
			    "stopped: %s; the partitions not delivered are "
			    "delivered by the next run with this state",
			    zp_strerror(frc));
		if (frc == ZP_ETRANSPORT) /* a sink's receiver: retry later */
			frc = ZP_EIO;
		emit_table_shrink(&r.t); /* what saving the index needs not */
		rc = rc != 0 ? rc : frc;
	}
	rc = close_all(&r, rc);
	report(&r, &st);
	zp_stage_finish(&r.st);
	status = zp_stage_exit_code(&r.st, rc);
	if (r.t.skipped > EMIT_MAX_WARNINGS)
		zp_warn(
		    "%lu more items skipped", r.t.skipped - EMIT_MAX_WARNINGS);
	if (status == 0 && (r.bad_bodies > 0 || r.t.skipped > 0))
		status = ZP_EXIT_REJECTED;
	zp_stage_close(&r.st);
	release(&r);
	return status;
}
