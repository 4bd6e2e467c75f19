/*
 * emit.h - the parts of zp-emit and how they meet.
 *
 *   main.c      options (options.c), then the run
 *   fields.c    the record types and their fields: the one table that the
 *               builders, the JSON writer, CSV columns and Singer schemas
 *               all read
 *   build.c     envelopes -> records (users, meetings, participations,
 *               webinars, recordings, calls) in the run's table
 *   table.c     the run's records, interned strings, participations
 *               joined by any identity they share
 *   record.c    a record as one JSON line, and back; field merging
 *   state.c     --state DIR: every record ever emitted, per type and
 *               day, so that runs deduplicate against each other
 *   flush.c     the end of a run: merge with the state partition by
 *               partition, hand the sinks what changed, save the state
 *   sink_*.c    where records go: files (jsonl, csv), stdout, HTTP,
 *               Singer
 *   where.c     --where FILTER (libjq; the only file that calls jq_*)
 *
 * A record is one JSON object on one line, its fields in the order of
 * fields.c, e.g.
 *
 *   {"type":"participation","key":"acme/4WKf7b…==/P17","account":"acme",
 *    "day":"2026-11-09", …, "sources":["a758…"]}
 */
#ifndef ZP_EMIT_H
#define ZP_EMIT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "json.h"
#include "stage.h"

#define ZP_EMIT_VERSION "0.1.0"
#define EMIT_MAX_SINKS 16

/* --- record types and fields (fields.c) ----------------------------- */

enum emit_type {
	EMIT_USER,
	EMIT_MEETING,
	EMIT_PARTICIPATION,
	EMIT_WEBINAR,
	EMIT_RECORDING,
	EMIT_CALL,
	EMIT_NTYPES
};

/* The JSON type a field's values have (besides null). */
enum emit_ftype {
	EMIT_F_STRING,
	EMIT_F_INTEGER,
	EMIT_F_NUMBER,
	EMIT_F_BOOLEAN,
	EMIT_F_ARRAY, /* of strings, or of [join, leave] pairs: see desc */
	EMIT_F_OBJECTS /* an array of objects (a recording's files) */
};

/* One field of a record type. */
struct emit_field {
	const char *name;
	enum emit_ftype ftype;
	int required; /* never null: type, key, account, day, sources */
	int datetime; /* a string in RFC 3339 ("format": "date-time") */
	const char *desc; /* one line for the README and Singer schemas */
};

/* emit_type_name is "user", "meeting", ...; emit_stream_name the plural
 * ("users", "meetings", ...): the folder of file sinks and the Singer
 * stream. */
const char *emit_type_name(enum emit_type t);
const char *emit_stream_name(enum emit_type t);

/* emit_type_of finds the type named s (singular or plural); -1 if none. */
int emit_type_of(const char *s);

/* emit_fields returns the fields of type t, in output order, and their
 * number in *n.  The table is static. */
const struct emit_field *emit_fields(enum emit_type t, size_t *n);

/* emit_field_index is the position of field name in type t, or -1. */
int emit_field_index(enum emit_type t, const char *name);

/* --- lines handed to sinks ------------------------------------------ */

/* One record as a compact JSON object without its newline; borrowed. */
struct emit_line {
	const char *json;
	size_t len;
};

/*
 * What one partition (one type, one day) looks like after a run merged
 * into it.  `all` is the whole partition, sorted by key: what a file
 * sink writes.  `changed` is the part of it that is new or different
 * since the state last saw it, in the same order: what a sink that
 * delivers changes (stdout, HTTP, Singer) sends.  Both already passed
 * --where.  Everything is borrowed for the duration of the call.
 */
struct emit_part {
	enum emit_type type;
	const char *day; /* "YYYY-MM-DD", "undated", or (users) "all" */
	const struct emit_line *all;
	size_t n_all;
	const struct emit_line *changed;
	size_t n_changed;
	/* all's lines, each followed by "\n", as one run of bytes when
	 * they are (a partition of new records alone), else NULL */
	const char *bytes;
	size_t n_bytes;
};

/* --- sinks (sink_*.c) ------------------------------------------------ */

struct emit_options;
struct emit_sink; /* each kind's own state */

/*
 * One kind of sink.  Every function returns 0 or a negative ZP_E* code
 * and logs its own errors (never a secret: URLs are logged without their
 * userinfo and query).  A sink that fails makes the run stop before the
 * state saves the partition, so that the next run sends it again.
 */
struct emit_sink_ops {
	const char *prefix; /* "jsonl:", "csv:", "-", "http", "singer" */
	/* open parses spec (the whole --to value) into *out. */
	int (*open)(struct emit_sink **out, const char *spec,
	    const struct emit_options *o);
	/* missing tells whether the sink lacks partition (type, day), so
	 * that a partition with no changes is written anyway; NULL for
	 * sinks that only deliver changes. */
	int (*missing)(struct emit_sink *s, enum emit_type t, const char *day);
	/* put delivers one partition (file sinks: all; others: changed). */
	int (*put)(struct emit_sink *s, const struct emit_part *p);
	/* close finishes (flushes, writes a last state message); its
	 * error fails the run. */
	int (*close)(struct emit_sink *s);
	/* free releases everything; accepts NULL and clears the pointer. */
	void (*free)(struct emit_sink **s);
	/* commit makes the partitions put since the last commit durable
	 * and visible (file sinks write temporary files, then rename them
	 * all at once); NULL for sinks that deliver at put.  The state
	 * saves those partitions only after every sink's commit. */
	int (*commit)(struct emit_sink *s);
	/* file names the closed temporary file the last put wrote when it
	 * holds exactly that partition's lines (p->all), each followed by
	 * "\n", and nothing else (jsonl): the state then saves the
	 * partition as a second name of that file.  NULL (the member, or
	 * what it returns) otherwise. */
	const char *(*file)(struct emit_sink *s);
};

extern const struct emit_sink_ops emit_sink_jsonl; /* sink_files.c */
extern const struct emit_sink_ops emit_sink_csv; /* sink_files.c */
extern const struct emit_sink_ops emit_sink_stdout; /* sink_stdout.c */
extern const struct emit_sink_ops emit_sink_http; /* sink_http.c */
extern const struct emit_sink_ops emit_sink_singer; /* sink_singer.c */

/*
 * Standard output for the sinks that print (stdout.c): who prefixes the
 * error ("" or "singer: "); the first write error is kept, logged once,
 * and returned by every later call (ZP_EPIPE for a closed reader, else
 * ZP_EIO).
 */
struct emit_stdout {
	const char *who;
	int err;
};
int emit_stdout_write(struct emit_stdout *o, const char *p, size_t n);
/* emit_stdout_flush pushes stdout's buffer out. */
int emit_stdout_flush(struct emit_stdout *o);

/* emit_sink_kind finds the kind of sink spec names, or NULL. */
const struct emit_sink_ops *emit_sink_kind(const char *spec);

/* --- options (options.c) --------------------------------------------- */

/* What zp-emit was told. */
struct emit_options {
	struct zp_stage_opts stage;
	const char *to[EMIT_MAX_SINKS]; /* --to, in order */
	size_t n_to;
	const char *state; /* --state DIR, or NULL */
	const char *where; /* --where FILTER (jq), or NULL */
	long http_batch; /* records per HTTP batch */
	long http_attempts; /* tries per batch */
	long http_backoff_ms; /* first retry wait; doubles */
	long http_backoff_max_ms; /* the longest wait */
	long http_timeout_ms; /* per request */
	const char *http_token_file; /* bearer token file, or NULL */
	int stats; /* --stats: a JSON summary line on stderr at the end */
};

/* emit_options_parse fills o; 0, ZP_EINVAL (reported) or ZP_ECONFIG. */
int emit_options_parse(struct emit_options *o, int argc, char **argv);

/* --- --where (where.c) ----------------------------------------------- */

struct emit_where;

/* emit_where_new compiles the jq program text; ZP_EINVAL (reported with
 * jq's message) or ZP_ENOMEM. */
int emit_where_new(struct emit_where **out, const char *program);

/* emit_where_keep runs the filter on one record line: 1 when its first
 * output is truthy (not false, not null), 0 otherwise (no output, an
 * error: logged once per distinct message). */
int emit_where_keep(struct emit_where *w, const char *json, size_t len);

void emit_where_free(struct emit_where **w);

/* --- times ------------------------------------------------------------ */

/* emit_time_parse reads RFC 3339 "YYYY-MM-DDTHH:MM:SS[.fff](Z|±hh:mm)"
 * from s[0..n) into *t (UTC seconds); 0 or ZP_EINVAL. */
int emit_time_parse(const char *s, size_t n, time_t *t);

/* emit_time_format writes t as "YYYY-MM-DDTHH:MM:SSZ" (21 bytes). */
void emit_time_format(time_t t, char out[21]);

/* emit_day_of writes the UTC day of t as "YYYY-MM-DD" (11 bytes). */
void emit_day_of(time_t t, char out[11]);

/* --- the run (run.c) -------------------------------------------------- */

/* emit_run reads the stream, builds, merges and delivers the records and
 * returns the exit status. */
int emit_run(const struct emit_options *o);

#endif
