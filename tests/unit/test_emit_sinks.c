/*
 * test_emit_sinks.c - zp-emit's stdout sink ("-": the changed lines and
 * nothing else) and Singer sink (a SCHEMA per stream generated from
 * fields.c, RECORDs wrapping the lines byte for byte, STATE bookmarks),
 * and how both report a full disk and a closed reader.
 */
#include "harness.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "emit.h"
#include "error.h"
#include "json.h"

/* ---- stdout redirection ------------------------------------------- */

/*
 * out_broken points fd 1 at /dev/full (closed_pipe 0) or at a pipe whose
 * reader is gone (1), with SIGPIPE ignored; returns the saved fd 1.
 */
static int
out_broken(int closed_pipe)
{
	int saved, fd, p[2];

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	if (closed_pipe) {
		signal(SIGPIPE, SIG_IGN);
		if (pipe(p) != 0)
			return -1;
		close(p[0]);
		fd = p[1];
	} else {
		fd = open("/dev/full", O_WRONLY);
	}
	dup2(fd, STDOUT_FILENO);
	close(fd);
	return saved;
}

/* out_restore drops what stdio still holds and puts fd 1 back. */
static void
out_restore(int saved)
{
	__fpurge(stdout);
	clearerr(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	signal(SIGPIPE, SIG_DFL);
}

/* ---- partitions ----------------------------------------------------- */

static const char *const part_lines[] = {
    "{\"type\":\"participation\",\"key\":\"acme/u1/P1\",\"account\":\"acme\","
    "\"day\":\"2026-11-09\",\"meeting_id\":9365175979012345678}",
    "{\"type\":\"participation\",\"key\":\"acme/u1/P2\",\"account\":\"acme\","
    "\"day\":\"2026-11-09\",\"seconds\":800,\"minutes\":13.33}",
    "{\"type\":\"participation\",\"key\":\"acme/u1/P3\",\"account\":\"acme\","
    "\"day\":\"2026-11-09\",\"ids\":[\"t~a\\u00e9\",\"b\"]}",
};

/* fill_part makes p a partition of type t and day whose lines are all of
 * part_lines, of which the lines from first on changed. */
static void
fill_part(struct emit_part *p, struct emit_line *l, enum emit_type t,
    const char *day, size_t first)
{
	size_t i;

	for (i = 0; i < 3; i++) {
		l[i].json = part_lines[i];
		l[i].len = strlen(part_lines[i]);
	}
	p->type = t;
	p->day = day;
	p->all = l;
	p->n_all = 3;
	p->changed = l + first;
	p->n_changed = 3 - first;
}

/* run_sink opens kind with spec, puts each of the n partitions, closes
 * and frees it, with stdout in out; returns the first error. */
static int
run_sink(const struct emit_sink_ops *kind, const char *spec,
    const struct emit_part *parts, size_t n, struct zp_buf *out)
{
	struct emit_sink *s = NULL;
	struct zp_capture c;
	size_t i;
	int rc;

	zp_buf_reset(out);
	CHECK_INT(zp_capture_fd_begin(&c, STDOUT_FILENO), 0);
	rc = kind->open(&s, spec, NULL);
	for (i = 0; i < n && rc == 0; i++)
		rc = kind->put(s, &parts[i]);
	if (rc == 0)
		rc = kind->close(s);
	kind->free(&s);
	CHECK(s == NULL);
	zp_capture_end(&c, out);
	return rc;
}

/* ---- the stdout sink ------------------------------------------------ */

TEST(emit_stdout_writes_changed_lines_only)
{
	struct emit_line l1[3], l2[3];
	struct emit_part p[2];
	struct zp_buf out = ZP_BUF_INIT, want = ZP_BUF_INIT;

	fill_part(&p[0], l1, EMIT_PARTICIPATION, "2026-11-09", 2);
	fill_part(&p[1], l2, EMIT_PARTICIPATION, "2026-11-10", 1);
	CHECK_INT(run_sink(&emit_sink_stdout, "-", p, 2, &out), 0);
	zp_buf_printf(&want, "%s\n%s\n%s\n", part_lines[2], part_lines[1],
	    part_lines[2]);
	CHECK_STR(out.data, want.data);
	CHECK_STR(emit_sink_stdout.prefix, "-");
	CHECK(emit_sink_stdout.missing == NULL);
	zp_buf_release(&out);
	zp_buf_release(&want);
}

TEST(emit_stdout_nothing_changed_nothing_written)
{
	struct emit_line l[3];
	struct emit_part p;
	struct zp_buf out = ZP_BUF_INIT;

	fill_part(&p, l, EMIT_USER, "undated", 3);
	CHECK_INT(run_sink(&emit_sink_stdout, "-", &p, 1, &out), 0);
	CHECK_INT(out.len, 0);
	zp_buf_release(&out);
}

/* delivered reads what reached the file behind c so far (not what stdio
 * still holds) into out. */
static void
delivered(struct zp_capture *c, struct zp_buf *out)
{
	char tmp[4096];
	ssize_t n;
	off_t at = 0;

	zp_buf_reset(out);
	while ((n = pread(c->fd, tmp, sizeof(tmp), at)) > 0) {
		zp_buf_append(out, tmp, (size_t)n);
		at += n;
	}
	zp_buf_puts(out, "");
}

/* put_delivers tells whether a put of kind has written its partition
 * through to fd 1 by the time it returns (so that a write error fails
 * that put, before the state saves the partition). */
static int
put_delivers(const struct emit_sink_ops *kind, const char *spec)
{
	struct emit_sink *s = NULL;
	struct emit_line l[3];
	struct emit_part p;
	struct zp_capture c;
	struct zp_buf got = ZP_BUF_INIT;
	int ok;

	fill_part(&p, l, EMIT_PARTICIPATION, "2026-11-09", 2);
	CHECK_INT(zp_capture_fd_begin(&c, STDOUT_FILENO), 0);
	CHECK_INT(kind->open(&s, spec, NULL), 0);
	CHECK_INT(kind->put(s, &p), 0);
	delivered(&c, &got);
	ok = strstr(got.data, part_lines[2]) != NULL &&
	    got.data[got.len - 1] == '\n';
	CHECK_INT(kind->close(s), 0);
	kind->free(&s);
	zp_buf_reset(&got);
	zp_capture_end(&c, &got);
	zp_buf_release(&got);
	return ok;
}

TEST(emit_stdout_put_delivers_its_partition)
{
	CHECK(put_delivers(&emit_sink_stdout, "-"));
	CHECK(put_delivers(&emit_sink_singer, "singer"));
}

TEST(emit_stdout_bad_spec)
{
	struct emit_sink *s = NULL;
	struct zp_capture cap;
	struct zp_buf err = ZP_BUF_INIT;

	zp_capture_begin(&cap);
	CHECK_INT(emit_sink_stdout.open(&s, "-x", NULL), ZP_EINVAL);
	zp_capture_end(&cap, &err);
	CHECK(s == NULL);
	CHECK(strstr(err.data, "--to -x") != NULL);
	emit_sink_stdout.free(&s);
	emit_sink_stdout.free(NULL);
	zp_buf_release(&err);
}

/* count counts the occurrences of needle in s. */
static int
count(const char *s, const char *needle)
{
	int n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/*
 * broken_put opens a sink and puts one partition with stdout broken as
 * out_broken says, and returns the first error (the Singer sink may meet
 * it at open, writing its schemas); every later call returns it too.
 */
static int
broken_put(const struct emit_sink_ops *kind, const char *spec, int closed_pipe,
    struct zp_buf *err)
{
	struct emit_sink *s = NULL;
	struct emit_line l[3];
	struct emit_part p;
	struct zp_capture cap;
	int rc, saved;

	fill_part(&p, l, EMIT_PARTICIPATION, "2026-11-09", 0);
	zp_capture_begin(&cap);
	saved = out_broken(closed_pipe);
	rc = kind->open(&s, spec, NULL);
	if (rc == 0)
		rc = kind->put(s, &p);
	if (s != NULL) {
		CHECK_INT(kind->put(s, &p), rc);
		CHECK_INT(kind->close(s), rc);
	}
	kind->free(&s);
	out_restore(saved);
	zp_capture_end(&cap, err);
	return rc;
}

TEST(emit_stdout_full_disk_and_closed_reader)
{
	struct zp_buf err = ZP_BUF_INIT;

	CHECK_INT(broken_put(&emit_sink_stdout, "-", 0, &err), ZP_EIO);
	CHECK(strstr(err.data,
		  "cannot write to stdout: No space left on device") != NULL);
	CHECK_INT(count(err.data, "to stdout:"), 1); /* once, not per call */
	zp_buf_reset(&err);
	CHECK_INT(broken_put(&emit_sink_stdout, "-", 1, &err), ZP_EPIPE);
	CHECK(strstr(err.data, "cannot write to stdout: downstream closed") !=
	    NULL);
	zp_buf_release(&err);
}

/* ---- the Singer sink: messages -------------------------------------- */

/* A Singer run's output, split into parsed messages. */
struct msgs {
	struct zp_arena arena;
	struct zp_json_parser parser;
	struct zp_json *m[64];
	const char *text[64];
	size_t len[64];
	size_t n;
};

/* split parses each line of out into ms; every line must be JSON. */
static void
split(struct msgs *ms, struct zp_buf *out)
{
	char *p = out->data, *nl;

	ms->n = 0;
	zp_arena_reset(&ms->arena);
	while (p < out->data + out->len && ms->n < 64) {
		nl = memchr(p, '\n', (size_t)(out->data + out->len - p));
		CHECK(nl != NULL);
		if (nl == NULL)
			return;
		ms->text[ms->n] = p;
		ms->len[ms->n] = (size_t)(nl - p);
		CHECK_INT(zp_json_parse(
			      &ms->parser, p, (size_t)(nl - p), &ms->m[ms->n]),
		    0);
		ms->n++;
		p = nl + 1;
	}
}

/* msgs_init prepares ms; msgs_release frees it. */
static void
msgs_init(struct msgs *ms)
{
	memset(ms, 0, sizeof(*ms));
	zp_json_parser_init(&ms->parser, &ms->arena);
}

static void
msgs_release(struct msgs *ms)
{
	zp_json_parser_release(&ms->parser);
	zp_arena_release(&ms->arena);
}

/* str_is tells whether v is a string (of the DOM) equal to s. */
static int
str_is(const struct zp_json *v, const char *s)
{
	return v != NULL && zp_json_is_str(v, s);
}

/* number_is tells whether v is a number whose text is s. */
static int
number_is(const struct zp_json *v, const char *s)
{
	return v != NULL && v->type == ZP_JSON_NUMBER && v->n == strlen(s) &&
	    memcmp(v->u.s, s, v->n) == 0;
}

/* type_is tells whether a schema's "type" is t, or [t, "null"]. */
static int
type_is(const struct zp_json *schema, const char *t, int nullable)
{
	const struct zp_json *ty = zp_json_get(schema, "type");

	if (!nullable)
		return str_is(ty, t);
	return ty != NULL && ty->type == ZP_JSON_ARRAY && ty->n == 2 &&
	    str_is(&ty->u.items[0], t) && str_is(&ty->u.items[1], "null");
}

/* ftype_name is the JSON Schema type of a field's values. */
static const char *
ftype_name(enum emit_ftype t)
{
	switch (t) {
	case EMIT_F_STRING: return "string";
	case EMIT_F_INTEGER: return "integer";
	case EMIT_F_NUMBER: return "number";
	case EMIT_F_BOOLEAN: return "boolean";
	default: return "array";
	}
}

/* check_field checks the property of field f against the table. */
static void
check_field(const struct zp_json *prop, const struct emit_field *f)
{
	const struct zp_json *fmt = zp_json_get(prop, "format");

	CHECK(prop != NULL && prop->type == ZP_JSON_OBJECT);
	if (prop == NULL)
		return;
	if (!type_is(prop, ftype_name(f->ftype), !f->required))
		zp_test_failf(
		    __FILE__, __LINE__, "field %s: bad type", f->name);
	CHECK(str_is(zp_json_get(prop, "description"), f->desc));
	CHECK(f->datetime ? str_is(fmt, "date-time") : fmt == NULL);
	if (f->ftype == EMIT_F_ARRAY && strcmp(f->name, "sessions") != 0)
		CHECK(type_is(zp_json_get(prop, "items"), "string", 0));
}

/* check_schema checks one SCHEMA message: stream t, every field listed
 * and required in table order, nothing else allowed. */
static void
check_schema(const struct zp_json *m, enum emit_type t)
{
	const struct zp_json *sc = zp_json_get(m, "schema"), *props, *req, *kp;
	const struct emit_field *f = NULL;
	size_t i, n;

	CHECK(str_is(zp_json_get(m, "type"), "SCHEMA"));
	CHECK(str_is(zp_json_get(m, "stream"), emit_stream_name(t)));
	kp = zp_json_get(m, "key_properties");
	CHECK(kp != NULL && kp->n == 1 && str_is(&kp->u.items[0], "key"));
	kp = zp_json_get(m, "bookmark_properties");
	CHECK(kp != NULL && kp->n == 1 && str_is(&kp->u.items[0], "day"));
	CHECK(type_is(sc, "object", 0));
	CHECK(zp_json_get(sc, "additionalProperties")->type == ZP_JSON_FALSE);
	props = zp_json_get(sc, "properties");
	req = zp_json_get(sc, "required");
	f = emit_fields(t, &n);
	CHECK(props != NULL && props->n == n);
	CHECK(req != NULL && req->n == n);
	if (props == NULL || req == NULL || props->n != n || req->n != n)
		return;
	for (i = 0; i < n; i++) {
		CHECK(str_is(&props->u.members[i].key, f[i].name));
		CHECK(str_is(&req->u.items[i], f[i].name));
		check_field(&props->u.members[i].value, &f[i]);
	}
}

TEST(emit_singer_schemas_list_every_field)
{
	struct zp_buf out = ZP_BUF_INIT;
	struct msgs ms;
	int t;

	msgs_init(&ms);
	CHECK_INT(run_sink(&emit_sink_singer, "singer", NULL, 0, &out), 0);
	split(&ms, &out);
	/* No put: the six schemas and one (empty) state at close. */
	CHECK_INT(ms.n, EMIT_NTYPES + 1);
	for (t = 0; t < EMIT_NTYPES && (size_t)t < ms.n; t++)
		check_schema(ms.m[t], (enum emit_type)t);
	CHECK_MEM(ms.text[ms.n - 1], ms.len[ms.n - 1],
	    "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{}}}", 41);
	CHECK_STR(emit_sink_singer.prefix, "singer");
	CHECK(emit_sink_singer.missing == NULL);
	msgs_release(&ms);
	zp_buf_release(&out);
}

TEST(emit_singer_open_writes_nothing)
{
	struct emit_sink *s = NULL;
	struct zp_capture c;
	struct zp_buf out = ZP_BUF_INIT;

	/* A run that fails after opening its sinks leaves stdout empty. */
	CHECK_INT(zp_capture_fd_begin(&c, STDOUT_FILENO), 0);
	CHECK_INT(emit_sink_singer.open(&s, "singer", NULL), 0);
	emit_sink_singer.free(&s);
	zp_capture_end(&c, &out);
	CHECK_INT(out.len, 0);
	zp_buf_release(&out);
}

/* prop finds field name's property in the SCHEMA message m. */
static const struct zp_json *
prop(const struct zp_json *m, const char *name)
{
	return zp_json_get(
	    zp_json_get(zp_json_get(m, "schema"), "properties"), name);
}

TEST(emit_singer_schema_details)
{
	struct zp_buf out = ZP_BUF_INIT;
	struct msgs ms;
	const struct zp_json *p, *it, *fp;

	msgs_init(&ms);
	CHECK_INT(run_sink(&emit_sink_singer, "singer", NULL, 0, &out), 0);
	split(&ms, &out);
	p = ms.m[EMIT_PARTICIPATION];
	CHECK(type_is(prop(p, "type"), "string", 0));
	CHECK(type_is(prop(p, "seconds"), "integer", 1));
	CHECK(type_is(prop(p, "minutes"), "number", 1));
	CHECK(type_is(prop(p, "matched"), "boolean", 1));
	CHECK(type_is(prop(p, "sources"), "array", 0));
	CHECK(
	    str_is(zp_json_get(prop(p, "first_join"), "format"), "date-time"));
	/* sessions: [join, leave] pairs. */
	it = zp_json_get(prop(p, "sessions"), "items");
	CHECK(type_is(it, "array", 0));
	CHECK(type_is(zp_json_get(it, "items"), "string", 1));
	CHECK(number_is(zp_json_get(it, "minItems"), "2"));
	CHECK(number_is(zp_json_get(it, "maxItems"), "2"));
	/* files: objects with seven nullable properties, no others. */
	it = zp_json_get(prop(ms.m[EMIT_RECORDING], "files"), "items");
	CHECK(type_is(it, "object", 0));
	CHECK(zp_json_get(it, "additionalProperties")->type == ZP_JSON_FALSE);
	fp = zp_json_get(it, "properties");
	CHECK(fp != NULL && fp->n == 7);
	CHECK(type_is(zp_json_get(fp, "file_size"), "integer", 1));
	CHECK(type_is(zp_json_get(fp, "status"), "string", 1));
	CHECK(str_is(zp_json_get(zp_json_get(fp, "recording_end"), "format"),
	    "date-time"));
	CHECK(type_is(prop(ms.m[EMIT_CALL], "caller_matched"), "boolean", 1));
	CHECK(type_is(prop(ms.m[EMIT_USER], "user_type"), "integer", 1));
	msgs_release(&ms);
	zp_buf_release(&out);
}

/* check_record checks that m is the RECORD of stream for line, the line
 * wrapped byte for byte, extracted at a valid time. */
static void
check_record(struct msgs *ms, size_t i, const char *stream, const char *line)
{
	struct zp_buf want = ZP_BUF_INIT;
	const struct zp_json *te = zp_json_get(ms->m[i], "time_extracted");
	time_t t;

	zp_buf_printf(&want,
	    "{\"type\":\"RECORD\",\"stream\":\"%s\","
	    "\"record\":%s,\"time_extracted\":\"",
	    stream, line);
	CHECK(ms->len[i] == want.len + 22);
	CHECK(ms->len[i] >= want.len &&
	    memcmp(ms->text[i], want.data, want.len) == 0);
	CHECK(te != NULL && te->type == ZP_JSON_STRING && te->n == 20);
	if (te != NULL && te->type == ZP_JSON_STRING)
		CHECK_INT(emit_time_parse(te->u.s, te->n, &t), 0);
	zp_buf_release(&want);
}

/* check_state checks that message i is the STATE with bookmarks. */
static void
check_state(struct msgs *ms, size_t i, const char *bookmarks)
{
	struct zp_buf want = ZP_BUF_INIT;

	zp_buf_printf(&want,
	    "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{%s}}}", bookmarks);
	CHECK(i < ms->n);
	if (i < ms->n)
		CHECK_MEM(ms->text[i], ms->len[i], want.data, want.len);
	zp_buf_release(&want);
}

TEST(emit_singer_records_and_states)
{
	struct emit_line l[4][3];
	struct emit_part p[4];
	struct zp_buf out = ZP_BUF_INIT;
	struct msgs ms;
	size_t i = EMIT_NTYPES;

	fill_part(&p[0], l[0], EMIT_PARTICIPATION, "2026-11-09", 1);
	fill_part(&p[1], l[1], EMIT_USER, "undated", 2);
	fill_part(&p[2], l[2], EMIT_PARTICIPATION, "2026-11-08", 3);
	fill_part(&p[3], l[3], EMIT_USER, "2026-10-01", 3);
	msgs_init(&ms);
	CHECK_INT(run_sink(&emit_sink_singer, "singer", p, 4, &out), 0);
	split(&ms, &out);
	CHECK_INT(ms.n, EMIT_NTYPES + 3 + 4 + 1);
	if (ms.n != EMIT_NTYPES + 3 + 4 + 1)
		goto out;
	/* Only the changed lines, each wrapped as it is. */
	check_record(&ms, i++, "participations", part_lines[1]);
	check_record(&ms, i++, "participations", part_lines[2]);
	check_state(&ms, i++, "\"participations\":{\"day\":\"2026-11-09\"}");
	check_record(&ms, i++, "users", part_lines[2]);
	check_state(&ms, i++,
	    "\"users\":{\"day\":\"undated\"},"
	    "\"participations\":{\"day\":\"2026-11-09\"}");
	/* An earlier day leaves the bookmark; a dated day beats undated. */
	check_state(&ms, i++,
	    "\"users\":{\"day\":\"undated\"},"
	    "\"participations\":{\"day\":\"2026-11-09\"}");
	check_state(&ms, i++,
	    "\"users\":{\"day\":\"2026-10-01\"},"
	    "\"participations\":{\"day\":\"2026-11-09\"}");
	/* close: the last state again. */
	check_state(&ms, i++,
	    "\"users\":{\"day\":\"2026-10-01\"},"
	    "\"participations\":{\"day\":\"2026-11-09\"}");
out:
	msgs_release(&ms);
	zp_buf_release(&out);
}

TEST(emit_singer_bad_spec_and_broken_stdout)
{
	struct emit_sink *s = NULL;
	struct zp_capture cap;
	struct zp_buf err = ZP_BUF_INIT;

	zp_capture_begin(&cap);
	CHECK_INT(emit_sink_singer.open(&s, "singer:x", NULL), ZP_EINVAL);
	zp_capture_end(&cap, &err);
	CHECK(s == NULL);
	CHECK(strstr(err.data, "--to singer:x") != NULL);
	emit_sink_singer.free(&s);
	zp_buf_reset(&err);
	CHECK_INT(broken_put(&emit_sink_singer, "singer", 0, &err), ZP_EIO);
	CHECK(strstr(err.data,
		  "singer: cannot write to stdout: No space left on device") !=
	    NULL);
	CHECK_INT(count(err.data, "to stdout:"), 1);
	zp_buf_reset(&err);
	CHECK_INT(broken_put(&emit_sink_singer, "singer", 1, &err), ZP_EPIPE);
	CHECK(
	    strstr(err.data,
		"singer: cannot write to stdout: downstream closed") != NULL);
	zp_buf_release(&err);
}
