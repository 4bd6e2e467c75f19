/*
 * sink_singer.c - the "singer" sink: the records that changed as Singer
 * messages on standard output, one JSON object per line, so that any
 * Singer target can load them (https://hub.meltano.com/singer/spec).
 *
 *   SCHEMA  one per stream ("users", "meetings", "participations",
 *           "webinars", "recordings", "calls"), all six first (at the
 *           first put, else at close), so also in a run that sends
 *           nothing new
 *   RECORD  {"type":"RECORD","stream":S,"record":LINE,"time_extracted":T}
 *           with the record line as it is (never re-serialized, so that
 *           19-digit numbers stay exact) and T the time of the put
 *   STATE   after every partition and once more at close:
 *           {"bookmarks":{S:{"day":DAY}}} for every stream put so far,
 *           DAY the latest day put (a dated day wins over "undated")
 *
 * The JSON Schemas are generated from fields.c: every field is required
 * (records carry them all) and, unless the table says it is never null,
 * nullable.  As in sink_stdout.c, stdio's buffer is flushed after every
 * partition so that a write error fails that partition's put.
 */
#include "emit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "log.h"

/* The bookmarks of a run and the first write error (sticky). */
struct emit_sink {
	struct zp_buf msg; /* the message being built */
	char day[EMIT_NTYPES][11]; /* each stream's bookmark; "" unseen */
	int started; /* the schemas are out */
	struct emit_stdout out; /* its first write error kept */
};

/* ---- writing to stdout ------------------------------------------- */

/* out writes n bytes to stdout's buffer. */
static int
out(struct emit_sink *s, const char *p, size_t n)
{
	return emit_stdout_write(&s->out, p, n);
}

/* flush pushes stdout's buffer out and reports any error it met. */
static int
flush(struct emit_sink *s)
{
	return emit_stdout_flush(&s->out);
}

/* send_msg writes the message built in s->msg and its newline. */
static int
send_msg(struct emit_sink *s, struct zp_jw *w)
{
	int rc = zp_jw_finish(w);

	if (rc == 0)
		rc = zp_buf_putc(&s->msg, '\n');
	if (rc != 0) {
		zp_error("singer: %s", zp_strerror(rc));
		return rc;
	}
	return out(s, s->msg.data, s->msg.len);
}

/* ---- JSON Schemas ------------------------------------------------- */

/* The properties of one file of a recording (a "files" item). */
static const struct {
	const char *name, *type;
	int datetime;
} file_props[] = {
    {"id", "string", 0},
    {"file_type", "string", 0},
    {"recording_type", "string", 0},
    {"recording_start", "string", 1},
    {"recording_end", "string", 1},
    {"file_size", "integer", 0},
    {"status", "string", 0},
};

/* put_type writes "type": t, or [t, "null"] when nullable. */
static void
put_type(struct zp_jw *w, const char *t, int nullable)
{
	zp_jw_key(w, "type");
	if (!nullable) {
		zp_jw_str(w, t);
		return;
	}
	zp_jw_array(w);
	zp_jw_str(w, t);
	zp_jw_str(w, "null");
	zp_jw_end(w);
}

/* scalar_type names the JSON Schema type of a scalar field type. */
static const char *
scalar_type(enum emit_ftype t)
{
	switch (t) {
	case EMIT_F_INTEGER: return "integer";
	case EMIT_F_NUMBER: return "number";
	case EMIT_F_BOOLEAN: return "boolean";
	default: return "string";
	}
}

/* files_items writes the items of "files": objects of file_props. */
static void
files_items(struct zp_jw *w)
{
	size_t i;

	zp_jw_key(w, "items");
	zp_jw_object(w);
	put_type(w, "object", 0);
	zp_jw_key(w, "properties");
	zp_jw_object(w);
	for (i = 0; i < sizeof(file_props) / sizeof(file_props[0]); i++) {
		zp_jw_key(w, file_props[i].name);
		zp_jw_object(w);
		put_type(w, file_props[i].type, 1);
		if (file_props[i].datetime) {
			zp_jw_key(w, "format");
			zp_jw_str(w, "date-time");
		}
		zp_jw_end(w);
	}
	zp_jw_end(w);
	zp_jw_key(w, "additionalProperties");
	zp_jw_bool(w, 0);
	zp_jw_end(w);
}

/* array_items writes the items of an array field: strings, or for
 * "sessions" [join, leave] pairs of strings or nulls. */
static void
array_items(struct zp_jw *w, const struct emit_field *f)
{
	zp_jw_key(w, "items");
	zp_jw_object(w);
	if (strcmp(f->name, "sessions") != 0) {
		put_type(w, "string", 0);
		zp_jw_end(w);
		return;
	}
	put_type(w, "array", 0);
	zp_jw_key(w, "items");
	zp_jw_object(w);
	put_type(w, "string", 1);
	zp_jw_end(w);
	zp_jw_key(w, "minItems");
	zp_jw_int(w, 2);
	zp_jw_key(w, "maxItems");
	zp_jw_int(w, 2);
	zp_jw_end(w);
}

/* field_schema writes the property of field f. */
static void
field_schema(struct zp_jw *w, const struct emit_field *f)
{
	int nullable = !f->required;

	zp_jw_key(w, f->name);
	zp_jw_object(w);
	if (f->ftype == EMIT_F_ARRAY || f->ftype == EMIT_F_OBJECTS) {
		put_type(w, "array", nullable);
		if (f->ftype == EMIT_F_OBJECTS)
			files_items(w);
		else
			array_items(w, f);
	} else {
		put_type(w, scalar_type(f->ftype), nullable);
	}
	if (f->datetime) {
		zp_jw_key(w, "format");
		zp_jw_str(w, "date-time");
	}
	zp_jw_key(w, "description");
	zp_jw_str(w, f->desc);
	zp_jw_end(w);
}

/* type_schema writes the JSON Schema of the records of type t. */
static void
type_schema(struct zp_jw *w, enum emit_type t)
{
	size_t i, n;
	const struct emit_field *f = emit_fields(t, &n);

	zp_jw_object(w);
	put_type(w, "object", 0);
	zp_jw_key(w, "properties");
	zp_jw_object(w);
	for (i = 0; i < n; i++)
		field_schema(w, &f[i]);
	zp_jw_end(w);
	zp_jw_key(w, "required");
	zp_jw_array(w);
	for (i = 0; i < n; i++)
		zp_jw_str(w, f[i].name);
	zp_jw_end(w);
	zp_jw_key(w, "additionalProperties");
	zp_jw_bool(w, 0);
	zp_jw_end(w);
}

/* ---- messages ----------------------------------------------------- */

/* send_schema writes the SCHEMA message of stream t. */
static int
send_schema(struct emit_sink *s, enum emit_type t)
{
	struct zp_jw w;

	zp_buf_reset(&s->msg);
	zp_jw_init(&w, &s->msg);
	zp_jw_object(&w);
	zp_jw_key(&w, "type");
	zp_jw_str(&w, "SCHEMA");
	zp_jw_key(&w, "stream");
	zp_jw_str(&w, emit_stream_name(t));
	zp_jw_key(&w, "schema");
	type_schema(&w, t);
	zp_jw_key(&w, "key_properties");
	zp_jw_array(&w);
	zp_jw_str(&w, "key");
	zp_jw_end(&w);
	zp_jw_key(&w, "bookmark_properties");
	zp_jw_array(&w);
	zp_jw_str(&w, "day");
	zp_jw_end(&w);
	zp_jw_end(&w);
	return send_msg(s, &w);
}

/* send_state writes the STATE message of every stream put so far. */
static int
send_state(struct emit_sink *s)
{
	struct zp_jw w;
	int t;

	zp_buf_reset(&s->msg);
	zp_jw_init(&w, &s->msg);
	zp_jw_object(&w);
	zp_jw_key(&w, "type");
	zp_jw_str(&w, "STATE");
	zp_jw_key(&w, "value");
	zp_jw_object(&w);
	zp_jw_key(&w, "bookmarks");
	zp_jw_object(&w);
	for (t = 0; t < EMIT_NTYPES; t++) {
		if (s->day[t][0] == '\0')
			continue;
		zp_jw_key(&w, emit_stream_name((enum emit_type)t));
		zp_jw_object(&w);
		zp_jw_key(&w, "day");
		zp_jw_str(&w, s->day[t]);
		zp_jw_end(&w);
	}
	zp_jw_end(&w);
	zp_jw_end(&w);
	zp_jw_end(&w);
	return send_msg(s, &w);
}

/* send_records writes a RECORD message for every changed line of p. */
static int
send_records(struct emit_sink *s, const struct emit_part *p)
{
	char head[96], tail[48], now[21];
	int nh, nt;
	size_t i;
	int rc = 0;

	emit_time_format(time(NULL), now);
	nh = snprintf(head, sizeof(head),
	    "{\"type\":\"RECORD\",\"stream\":\"%s\",\"record\":",
	    emit_stream_name(p->type));
	nt =
	    snprintf(tail, sizeof(tail), ",\"time_extracted\":\"%s\"}\n", now);
	for (i = 0; i < p->n_changed && rc == 0; i++) {
		rc = out(s, head, (size_t)nh);
		if (rc == 0)
			rc = out(s, p->changed[i].json, p->changed[i].len);
		if (rc == 0)
			rc = out(s, tail, (size_t)nt);
	}
	return rc;
}

/* bookmark moves stream t's bookmark to day when day is later; a dated
 * day is later than "undated". */
static void
bookmark(struct emit_sink *s, enum emit_type t, const char *day)
{
	char *b = s->day[t];
	int dated = strcmp(day, "undated") != 0;

	if (b[0] == '\0' ||
	    (dated && (strcmp(b, "undated") == 0 || strcmp(day, b) > 0)))
		snprintf(b, sizeof(s->day[t]), "%s", day);
}

/* start sends the six schemas, once, before anything else. */
static int
start(struct emit_sink *s)
{
	int t, rc = 0;

	if (s->started)
		return 0;
	s->started = 1;
	for (t = 0; t < EMIT_NTYPES && rc == 0; t++)
		rc = send_schema(s, (enum emit_type)t);
	return rc;
}

/* ---- the sink ----------------------------------------------------- */

/* singer_open accepts the spec "singer"; it writes nothing yet, so that
 * a run that fails to start leaves stdout empty. */
static int
singer_open(
    struct emit_sink **outp, const char *spec, const struct emit_options *o)
{
	(void)o;
	*outp = NULL;
	if (strcmp(spec, "singer") != 0) {
		zp_error("--to %s: the Singer sink is \"singer\"", spec);
		return ZP_EINVAL;
	}
	if ((*outp = calloc(1, sizeof(**outp))) == NULL)
		return ZP_ENOMEM;
	(*outp)->out.who = "singer: ";
	return 0;
}

/* singer_put sends the partition's changed records, then the state. */
static int
singer_put(struct emit_sink *s, const struct emit_part *p)
{
	int rc;

	if (s->out.err != 0)
		return s->out.err;
	if ((unsigned)p->type >= EMIT_NTYPES || p->day == NULL) {
		zp_error("singer: bad partition %d/%s", (int)p->type,
		    p->day != NULL ? p->day : "(null)");
		return ZP_EINVAL;
	}
	if ((rc = start(s)) != 0 || (rc = send_records(s, p)) != 0)
		return rc;
	bookmark(s, p->type, p->day);
	if ((rc = send_state(s)) != 0)
		return rc;
	return flush(s);
}

/* singer_close sends the schemas if no put did, the last state, and
 * flushes; an error fails the run. */
static int
singer_close(struct emit_sink *s)
{
	int rc;

	if (s->out.err != 0)
		return s->out.err;
	if ((rc = start(s)) != 0 || (rc = send_state(s)) != 0)
		return rc;
	return flush(s);
}

/* singer_free releases the sink; stdout itself stays open for main. */
static void
singer_free(struct emit_sink **s)
{
	if (s == NULL || *s == NULL)
		return;
	zp_buf_release(&(*s)->msg);
	free(*s);
	*s = NULL;
}

const struct emit_sink_ops emit_sink_singer = {
    .prefix = "singer",
    .open = singer_open,
    .missing = NULL,
    .put = singer_put,
    .close = singer_close,
    .free = singer_free,
};
