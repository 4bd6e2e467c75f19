/* test_emit_files.c - the jsonl: and csv: sinks of zp-emit. */
#include "harness.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "emit.h"
#include "error.h"
#include "file.h"
#include "log.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* rm_tree removes path and everything under it. */
static void
rm_tree(const char *path)
{
	struct dirent *e;
	char sub[1024];
	DIR *d = opendir(path);

	if (d == NULL) {
		unlink(path);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		rm_tree(sub);
	}
	closedir(d);
	rmdir(path);
}

/* A temporary folder for one test. */
struct tdir {
	char path[64];
};

static int
tdir_make(struct tdir *t)
{
	strcpy(t->path, "/tmp/zp-emit-files-XXXXXX");
	return mkdtemp(t->path) != NULL ? 0 : -1;
}

/* tpath writes t->path + "/" + rel into out. */
static const char *
tpath(const struct tdir *t, const char *rel, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", t->path, rel);
	return out;
}

/* slurp reads file path into b (reset first); 0 or the ZP_E* code. */
static int
slurp(const char *path, struct zp_buf *b)
{
	zp_buf_reset(b);
	return zp_file_read(path, b, 1u << 30, NULL);
}

/* list_dir writes the sorted names in path, space-separated, into b;
 * the sink's own lock file is left out. */
static void
list_dir(const char *path, struct zp_buf *b)
{
	struct dirent **names;
	int i, n = scandir(path, &names, NULL, alphasort);

	zp_buf_reset(b);
	zp_buf_puts(b, "");
	for (i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".zp-emit.lock") != 0 &&
		    (names[i]->d_name[0] != '.' ||
			(strcmp(names[i]->d_name, ".") != 0 &&
			    strcmp(names[i]->d_name, "..") != 0))) {
			if (b->len > 0)
				zp_buf_putc(b, ' ');
			zp_buf_puts(b, names[i]->d_name);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

/* open_sink opens kind's sink at spec, capturing its log into log. */
static int
open_sink(const struct emit_sink_ops *kind, const char *spec,
    struct emit_sink **s, struct zp_buf *log)
{
	struct emit_options o;
	struct zp_capture c;
	int rc;

	memset(&o, 0, sizeof(o));
	zp_log_init("zp-emit", ZP_LOG_INFO, ZP_LOG_TEXT);
	if (log != NULL && zp_capture_begin(&c) != 0)
		return -100;
	rc = kind->open(s, spec, &o);
	if (log != NULL)
		zp_capture_end(&c, log);
	return rc;
}

/* put_lines puts partition (t, day) made of the n C strings lines. */
static int
put_lines(const struct emit_sink_ops *kind, struct emit_sink *s,
    enum emit_type t, const char *day, const char **lines, size_t n)
{
	struct emit_line l[8];
	struct emit_part p;
	size_t i;
	int rc;

	for (i = 0; i < n && i < 8; i++) {
		l[i].json = lines[i];
		l[i].len = strlen(lines[i]);
	}
	memset(&p, 0, sizeof(p));
	p.type = t;
	p.day = day;
	p.all = l;
	p.n_all = n;
	p.changed = l;
	p.n_changed = n;
	rc = kind->put(s, &p);
	return rc != 0 ? rc : kind->commit(s); /* as the flush does */
}

/* ------------------------------------------------------------------ */
/* jsonl                                                               */
/* ------------------------------------------------------------------ */

static const char *REC_A =
    "{\"type\":\"participation\",\"key\":\"acme/u/P1\",\"day\":\"2026-11-"
    "09\",\"seconds\":800}";
static const char *REC_B =
    "{\"type\":\"participation\",\"key\":\"acme/u/P2\",\"day\":\"2026-11-"
    "09\",\"person\":\"Zo\xc3\xab\"}";

TEST(emit_files_jsonl_writes_partition_bytes)
{
	struct zp_buf b = ZP_BUF_INIT, want = ZP_BUF_INIT;
	struct emit_sink *s = NULL;
	const char *lines[] = {REC_A, REC_B};
	char spec[128], p[128];
	struct tdir t;
	struct stat st;

	CHECK(tdir_make(&t) == 0);
	snprintf(spec, sizeof(spec), "jsonl:%s/out", t.path);
	CHECK_INT(open_sink(&emit_sink_jsonl, spec, &s, NULL), 0);
	CHECK(s != NULL);
	CHECK_INT(
	    emit_sink_jsonl.missing(s, EMIT_PARTICIPATION, "2026-11-09"), 1);
	CHECK_INT(put_lines(&emit_sink_jsonl, s, EMIT_PARTICIPATION,
		      "2026-11-09", lines, 2),
	    0);
	CHECK_INT(
	    emit_sink_jsonl.missing(s, EMIT_PARTICIPATION, "2026-11-09"), 0);
	CHECK_INT(
	    emit_sink_jsonl.missing(s, EMIT_PARTICIPATION, "2026-11-10"), 1);
	CHECK_INT(emit_sink_jsonl.missing(s, EMIT_MEETING, "2026-11-09"), 1);
	CHECK_INT(slurp(tpath(&t, "out/participations/2026-11-09.jsonl", p,
			    sizeof(p)),
		      &b),
	    0);
	zp_buf_printf(&want, "%s\n%s\n", REC_A, REC_B);
	CHECK_MEM(b.data, b.len, want.data, want.len);
	CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0644);
	CHECK(stat(tpath(&t, "out/participations", p, sizeof(p)), &st) == 0 &&
	    S_ISDIR(st.st_mode));
	list_dir(tpath(&t, "out/participations", p, sizeof(p)), &b);
	CHECK_STR(b.data, "2026-11-09.jsonl");
	list_dir(tpath(&t, "out", p, sizeof(p)), &b);
	CHECK_STR(b.data, "participations");
	CHECK_INT(emit_sink_jsonl.close(s), 0);
	emit_sink_jsonl.free(&s);
	CHECK(s == NULL);
	emit_sink_jsonl.free(&s);
	rm_tree(t.path);
	zp_buf_release(&b);
	zp_buf_release(&want);
}

TEST(emit_files_jsonl_rewrite_replaces)
{
	struct zp_buf b = ZP_BUF_INIT, want = ZP_BUF_INIT;
	struct emit_sink *s = NULL;
	const char *two[] = {REC_A, REC_B}, *one[] = {REC_B};
	char spec[128], p[128];
	struct tdir t;

	CHECK(tdir_make(&t) == 0);
	snprintf(spec, sizeof(spec), "jsonl:%s/", t.path);
	CHECK_INT(open_sink(&emit_sink_jsonl, spec, &s, NULL), 0);
	CHECK_INT(put_lines(&emit_sink_jsonl, s, EMIT_PARTICIPATION, "undated",
		      two, 2),
	    0);
	CHECK_INT(put_lines(&emit_sink_jsonl, s, EMIT_PARTICIPATION, "undated",
		      one, 1),
	    0);
	CHECK_INT(
	    slurp(tpath(&t, "participations/undated.jsonl", p, sizeof(p)), &b),
	    0);
	zp_buf_printf(&want, "%s\n", REC_B);
	CHECK_MEM(b.data, b.len, want.data, want.len);
	list_dir(tpath(&t, "participations", p, sizeof(p)), &b);
	CHECK_STR(b.data, "undated.jsonl");
	emit_sink_jsonl.free(&s);

	/* A second run (a new sink) rewrites it too. */
	CHECK_INT(open_sink(&emit_sink_jsonl, spec, &s, NULL), 0);
	CHECK_INT(
	    emit_sink_jsonl.missing(s, EMIT_PARTICIPATION, "undated"), 0);
	CHECK_INT(put_lines(&emit_sink_jsonl, s, EMIT_PARTICIPATION, "undated",
		      two, 2),
	    0);
	CHECK_INT(
	    slurp(tpath(&t, "participations/undated.jsonl", p, sizeof(p)), &b),
	    0);
	zp_buf_reset(&want);
	zp_buf_printf(&want, "%s\n%s\n", REC_A, REC_B);
	CHECK_MEM(b.data, b.len, want.data, want.len);
	emit_sink_jsonl.free(&s);
	rm_tree(t.path);
	zp_buf_release(&b);
	zp_buf_release(&want);
}

TEST(emit_files_empty_partition_removes_file)
{
	struct zp_buf b = ZP_BUF_INIT;
	struct emit_sink *s = NULL;
	const char *one[] = {REC_A};
	char spec[128], p[128];
	struct tdir t;

	CHECK(tdir_make(&t) == 0);
	snprintf(spec, sizeof(spec), "jsonl:%s", t.path);
	CHECK_INT(open_sink(&emit_sink_jsonl, spec, &s, NULL), 0);
	CHECK_INT(put_lines(&emit_sink_jsonl, s, EMIT_PARTICIPATION,
		      "2026-11-09", one, 1),
	    0);
	CHECK_INT(put_lines(&emit_sink_jsonl, s, EMIT_PARTICIPATION,
		      "2026-11-09", NULL, 0),
	    0);
	CHECK_INT(
	    emit_sink_jsonl.missing(s, EMIT_PARTICIPATION, "2026-11-09"), 1);
	list_dir(tpath(&t, "participations", p, sizeof(p)), &b);
	CHECK_STR(b.data, "");
	/* An empty partition of a stream never written creates nothing. */
	CHECK_INT(
	    put_lines(&emit_sink_jsonl, s, EMIT_CALL, "2026-11-09", NULL, 0),
	    0);
	list_dir(t.path, &b);
	CHECK_STR(b.data, "participations");
	emit_sink_jsonl.free(&s);
	rm_tree(t.path);
	zp_buf_release(&b);
}

TEST(emit_files_large_partition_streams)
{
	struct zp_buf b = ZP_BUF_INIT, want = ZP_BUF_INIT;
	struct emit_line *l = calloc(5000, sizeof(*l));
	struct emit_sink *s = NULL;
	char spec[128], p[128], *text = malloc(5000 * 400);
	struct emit_part part;
	struct tdir t;
	size_t i;

	CHECK(tdir_make(&t) == 0 && l != NULL && text != NULL);
	for (i = 0; i < 5000; i++) {
		char *r = text + i * 400;

		snprintf(r, 400,
		    "{\"type\":\"meeting\",\"key\":\"k%05zu\",\"pad\":"
		    "\"%0300zu\"}",
		    i, i);
		l[i].json = r;
		l[i].len = strlen(r);
		zp_buf_append(&want, r, l[i].len);
		zp_buf_putc(&want, '\n');
	}
	memset(&part, 0, sizeof(part));
	part.type = EMIT_MEETING;
	part.day = "2026-01-02";
	part.all = l;
	part.n_all = 5000;
	snprintf(spec, sizeof(spec), "jsonl:%s", t.path);
	CHECK_INT(open_sink(&emit_sink_jsonl, spec, &s, NULL), 0);
	CHECK_INT(emit_sink_jsonl.put(s, &part), 0);
	CHECK_INT(emit_sink_jsonl.commit(s), 0);
	CHECK(want.len > (1u << 20));
	CHECK_INT(
	    slurp(tpath(&t, "meetings/2026-01-02.jsonl", p, sizeof(p)), &b),
	    0);
	CHECK_MEM(b.data, b.len, want.data, want.len);
	emit_sink_jsonl.free(&s);
	rm_tree(t.path);
	free(l);
	free(text);
	zp_buf_release(&b);
	zp_buf_release(&want);
}

/* put_bytes puts partition (t, day) whose file is the n bytes at text
 * (the lines already joined, as a fresh partition hands them over). */
static int
put_bytes(struct emit_sink *s, enum emit_type t, const char *day,
    const char *text, size_t n)
{
	struct emit_line l = {text, n - 1};
	struct emit_part part;

	memset(&part, 0, sizeof(part));
	part.type = t;
	part.day = day;
	part.all = part.changed = &l;
	part.n_all = part.n_changed = 1;
	part.bytes = text;
	part.n_bytes = n;
	return emit_sink_jsonl.put(s, &part);
}

/* A partition's bytes large enough for O_DIRECT, from an address and of
 * a length that are not multiples of any block size, are written as
 * they are: on the disk's file system and on tmpfs, twice in one sink
 * (its aligned buffer reused), and then a small one buffered. */
TEST(emit_files_jsonl_large_bytes_direct)
{
	static const char *roots[] = {"/tmp", "/dev/shm"};
	struct zp_buf b = ZP_BUF_INIT;
	size_t n = (5u << 19) + 123, i, r;
	char *text = malloc(n + 1), spec[128], p[128];
	struct emit_sink *s = NULL;
	struct tdir t;

	CHECK(text != NULL);
	if (text == NULL)
		return;
	for (i = 0; i < n; i++)
		text[i + 1] = (char)('a' + i % 26);
	for (r = 0; r < 2; r++) {
		struct stat st;

		if (stat(roots[r], &st) != 0)
			continue; /* no /dev/shm in this container */
		snprintf(t.path, sizeof(t.path), "%s/zp-emit-direct-XXXXXX",
		    roots[r]);
		CHECK(mkdtemp(t.path) != NULL);
		snprintf(spec, sizeof(spec), "jsonl:%s", t.path);
		CHECK_INT(open_sink(&emit_sink_jsonl, spec, &s, NULL), 0);
		text[n] = '\n';
		CHECK_INT(
		    put_bytes(s, EMIT_MEETING, "2026-01-02", text + 1, n), 0);
		CHECK_INT(put_bytes(s, EMIT_MEETING, "2026-01-03", text + 1,
			      (300u << 10) + 1),
		    0);
		CHECK_INT(
		    put_bytes(s, EMIT_MEETING, "2026-01-04", text + 1, 4097),
		    0);
		CHECK_INT(emit_sink_jsonl.commit(s), 0);
		CHECK_INT(
		    slurp(tpath(&t, "meetings/2026-01-02.jsonl", p, sizeof(p)),
			&b),
		    0);
		CHECK_MEM(b.data, b.len, text + 1, n);
		CHECK_INT(
		    slurp(tpath(&t, "meetings/2026-01-03.jsonl", p, sizeof(p)),
			&b),
		    0);
		CHECK_MEM(b.data, b.len, text + 1, (300u << 10) + 1);
		CHECK_INT(
		    slurp(tpath(&t, "meetings/2026-01-04.jsonl", p, sizeof(p)),
			&b),
		    0);
		CHECK_MEM(b.data, b.len, text + 1, 4097);
		emit_sink_jsonl.free(&s);
		rm_tree(t.path);
	}
	free(text);
	zp_buf_release(&b);
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

TEST(emit_files_spec_needs_dir)
{
	struct zp_buf log = ZP_BUF_INIT;
	struct emit_sink *s = (struct emit_sink *)&log;

	CHECK_INT(open_sink(&emit_sink_jsonl, "jsonl:", &s, &log), ZP_EINVAL);
	CHECK(s == NULL);
	CHECK(strstr(log.data,
		  "--to jsonl: needs a directory, as in "
		  "jsonl:out") != NULL);
	zp_buf_reset(&log);
	CHECK_INT(open_sink(&emit_sink_csv, "csv:", &s, &log), ZP_EINVAL);
	CHECK(strstr(log.data, "csv:out") != NULL);
	zp_buf_release(&log);
}

TEST(emit_files_bad_dir_fails)
{
	struct zp_buf log = ZP_BUF_INIT;
	struct emit_sink *s = NULL;
	char spec[160], p[128];
	struct tdir t;

	CHECK(tdir_make(&t) == 0);
	CHECK_INT(zp_file_write_atomic(
		      tpath(&t, "plain", p, sizeof(p)), "x", 1, 0644, NULL),
	    0);
	snprintf(spec, sizeof(spec), "csv:%s/plain/sub", t.path);
	CHECK_INT(open_sink(&emit_sink_csv, spec, &s, &log), ZP_ECONFIG);
	CHECK(s == NULL);
	CHECK(strstr(log.data, p) != NULL);
	CHECK(strstr(log.data, "Not a directory") != NULL);
	zp_buf_reset(&log);
	snprintf(spec, sizeof(spec), "jsonl:%s/plain", t.path);
	CHECK_INT(open_sink(&emit_sink_jsonl, spec, &s, &log), ZP_ECONFIG);
	CHECK(strstr(log.data, "Not a directory") != NULL);
	rm_tree(t.path);
	zp_buf_release(&log);
}

TEST(emit_files_put_error_leaves_nothing)
{
	struct zp_buf log = ZP_BUF_INIT, b = ZP_BUF_INIT;
	struct emit_sink *s = NULL;
	const char *one[] = {REC_A};
	char spec[128], p[128];
	struct zp_capture c;
	struct tdir t;

	CHECK(tdir_make(&t) == 0);
	snprintf(spec, sizeof(spec), "jsonl:%s", t.path);
	CHECK_INT(open_sink(&emit_sink_jsonl, spec, &s, NULL), 0);
	/* The stream folder's name is taken by a file. */
	CHECK_INT(zp_file_write_atomic(
		      tpath(&t, "meetings", p, sizeof(p)), "x", 1, 0644, NULL),
	    0);
	CHECK(zp_capture_begin(&c) == 0);
	CHECK_INT(
	    put_lines(&emit_sink_jsonl, s, EMIT_MEETING, "2026-11-09", one, 1),
	    ZP_EIO);
	/* A day that is not a file name is refused. */
	CHECK_INT(put_lines(&emit_sink_jsonl, s, EMIT_USER, "../x", one, 1),
	    ZP_EINVAL);
	CHECK_INT(emit_sink_jsonl.missing(s, EMIT_USER, ""), ZP_EINVAL);
	zp_capture_end(&c, &log);
	CHECK(strstr(log.data, p) != NULL);
	CHECK(strstr(log.data, "Not a directory") != NULL);
	CHECK(strstr(log.data, "bad partition") != NULL);
	list_dir(t.path, &b);
	CHECK_STR(b.data, "meetings");
	emit_sink_jsonl.free(&s);
	rm_tree(t.path);
	zp_buf_release(&log);
	zp_buf_release(&b);
}

/* ------------------------------------------------------------------ */
/* csv                                                                 */
/* ------------------------------------------------------------------ */

/* One participation field's JSON value and its expected CSV cell. */
struct csv_case {
	const char *field, *json, *cell;
};

static const struct csv_case CSV_CASES[] = {
    {"type", "\"participation\"", "participation"},
    {"key", "\"acme/4WKf7b==/P17\"", "acme/4WKf7b==/P17"},
    {"account", "\"acme\"", "acme"},
    {"day", "\"2026-11-09\"", "2026-11-09"},
    {"meeting_uuid", "\"a,b\"", "\"a,b\""},
    {"meeting_id", "9223372036854775807", "9223372036854775807"},
    {"meeting_kind", "\"\"", "\"\""},
    {"person", "\"say \\\"hi\\\"\"", "\"say \"\"hi\"\"\""},
    {"matched", "true", "true"},
    {"internal", "false", "false"},
    {"role", "null", ""},
    {"minutes", "13.33", "13.33"},
    {"sessions", "[[\"2026-11-09T18:03:38Z\",\"2026-11-09T18:16:58Z\"]]",
	"\"[[\"\"2026-11-09T18:03:38Z\"\",\"\"2026-11-09T18:16:58Z\"\"]]\""},
    {"ids", "[\"t~a\",\"t~b@x\"]", "\"[\"\"t~a\"\",\"\"t~b@x\"\"]\""},
    {"device", "\"line1\\nline2\"", "\"line1\nline2\""},
    {"ip_address", "\"cr\\r\"", "\"cr\r\""},
    {"location", "\" Z\xc3\xbcrich \xe6\x9d\xb1\xe4\xba\xac\"",
	"\" Z\xc3\xbcrich \xe6\x9d\xb1\xe4\xba\xac\""},
    {"network_type", "\"caf\\u00e9\"", "caf\xc3\xa9"},
    {"data_center", "\"trailing \"", "\"trailing \""},
    {"sources", "[]", "[]"},
};

/* csv_case_of finds the case of field name, or NULL. */
static const struct csv_case *
csv_case_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(CSV_CASES) / sizeof(CSV_CASES[0]); i++)
		if (strcmp(CSV_CASES[i].field, name) == 0)
			return &CSV_CASES[i];
	return NULL;
}

/* csv_build writes the record of the cases (fields in table order, the
 * others null) into rec, and the expected header and row into head and
 * row. */
static void
csv_build(struct zp_buf *rec, struct zp_buf *head, struct zp_buf *row)
{
	const struct emit_field *f;
	const struct csv_case *c;
	size_t i, n;

	f = emit_fields(EMIT_PARTICIPATION, &n);
	zp_buf_putc(rec, '{');
	for (i = 0; i < n; i++) {
		c = csv_case_of(f[i].name);
		zp_buf_printf(head, "%s%s", i > 0 ? "," : "", f[i].name);
		zp_buf_printf(rec, "%s\"%s\":%s", i > 0 ? "," : "", f[i].name,
		    c != NULL ? c->json : "null");
		zp_buf_printf(
		    row, "%s%s", i > 0 ? "," : "", c != NULL ? c->cell : "");
	}
	zp_buf_putc(rec, '}');
	zp_buf_puts(head, "\r\n");
	zp_buf_puts(row, "\r\n");
}

TEST(emit_files_csv_header_and_quoting)
{
	struct zp_buf rec = ZP_BUF_INIT, want = ZP_BUF_INIT, b = ZP_BUF_INIT;
	struct zp_buf row = ZP_BUF_INIT;
	struct emit_sink *s = NULL;
	const char *lines[2];
	char spec[128], p[128];
	struct tdir t;
	size_t i;

	for (i = 0; i < sizeof(CSV_CASES) / sizeof(CSV_CASES[0]); i++)
		CHECK(emit_field_index(
			  EMIT_PARTICIPATION, CSV_CASES[i].field) >= 0);
	csv_build(&rec, &want, &row);
	/* The same record twice: one header, two rows. */
	zp_buf_append(&want, row.data, row.len);
	zp_buf_append(&want, row.data, row.len);
	lines[0] = lines[1] = rec.data;
	CHECK(tdir_make(&t) == 0);
	snprintf(spec, sizeof(spec), "csv:%s/c", t.path);
	CHECK_INT(open_sink(&emit_sink_csv, spec, &s, NULL), 0);
	CHECK_INT(
	    emit_sink_csv.missing(s, EMIT_PARTICIPATION, "2026-11-09"), 1);
	CHECK_INT(put_lines(&emit_sink_csv, s, EMIT_PARTICIPATION,
		      "2026-11-09", lines, 2),
	    0);
	CHECK_INT(
	    emit_sink_csv.missing(s, EMIT_PARTICIPATION, "2026-11-09"), 0);
	CHECK_INT(
	    slurp(tpath(&t, "c/participations/2026-11-09.csv", p, sizeof(p)),
		&b),
	    0);
	CHECK_MEM(b.data, b.len, want.data, want.len);
	list_dir(tpath(&t, "c/participations", p, sizeof(p)), &b);
	CHECK_STR(b.data, "2026-11-09.csv");
	CHECK_INT(emit_sink_csv.close(s), 0);
	emit_sink_csv.free(&s);
	rm_tree(t.path);
	zp_buf_release(&rec);
	zp_buf_release(&want);
	zp_buf_release(&row);
	zp_buf_release(&b);
}

TEST(emit_files_csv_fields_out_of_order_or_missing)
{
	struct zp_buf want = ZP_BUF_INIT, b = ZP_BUF_INIT;
	struct emit_sink *s = NULL;
	const char *lines[] = {"{\"id\":\"u1\",\"type\":\"user\",\"extra\":1,"
			       "\"user_type\":2,\"sources\":[\"s\"]}"};
	const struct emit_field *f;
	char spec[128], p[128];
	struct tdir t;
	size_t i, n;

	f = emit_fields(EMIT_USER, &n);
	for (i = 0; i < n; i++)
		zp_buf_printf(&want, "%s%s", i > 0 ? "," : "", f[i].name);
	zp_buf_puts(&want, "\r\n");
	for (i = 0; i < n; i++) {
		const char *cell = "";

		if (strcmp(f[i].name, "id") == 0)
			cell = "u1";
		else if (strcmp(f[i].name, "type") == 0)
			cell = "user";
		else if (strcmp(f[i].name, "user_type") == 0)
			cell = "2";
		else if (strcmp(f[i].name, "sources") == 0)
			cell = "\"[\"\"s\"\"]\"";
		zp_buf_printf(&want, "%s%s", i > 0 ? "," : "", cell);
	}
	zp_buf_puts(&want, "\r\n");
	CHECK(tdir_make(&t) == 0);
	snprintf(spec, sizeof(spec), "csv:%s", t.path);
	CHECK_INT(open_sink(&emit_sink_csv, spec, &s, NULL), 0);
	CHECK_INT(
	    put_lines(&emit_sink_csv, s, EMIT_USER, "undated", lines, 1), 0);
	CHECK_INT(slurp(tpath(&t, "users/undated.csv", p, sizeof(p)), &b), 0);
	CHECK_MEM(b.data, b.len, want.data, want.len);
	emit_sink_csv.free(&s);
	rm_tree(t.path);
	zp_buf_release(&want);
	zp_buf_release(&b);
}

TEST(emit_files_csv_bad_record_is_parse_error)
{
	struct zp_buf log = ZP_BUF_INIT, b = ZP_BUF_INIT;
	struct emit_sink *s = NULL;
	const char *good[] = {REC_A};
	const char *bad[] = {REC_A, "{\"type\":", "[1]"};
	char spec[128], p[128];
	struct zp_capture c;
	struct tdir t;

	CHECK(tdir_make(&t) == 0);
	snprintf(spec, sizeof(spec), "csv:%s", t.path);
	CHECK_INT(open_sink(&emit_sink_csv, spec, &s, NULL), 0);
	CHECK_INT(put_lines(&emit_sink_csv, s, EMIT_PARTICIPATION, "undated",
		      good, 1),
	    0);
	CHECK(zp_capture_begin(&c) == 0);
	CHECK_INT(put_lines(&emit_sink_csv, s, EMIT_PARTICIPATION, "undated",
		      bad, 2),
	    ZP_EPARSE);
	CHECK_INT(put_lines(&emit_sink_csv, s, EMIT_PARTICIPATION, "undated",
		      bad + 2, 1),
	    ZP_EPARSE);
	zp_capture_end(&c, &log);
	CHECK(strstr(log.data, "does not parse") != NULL);
	CHECK(strstr(log.data, "not a JSON object") != NULL);
	/* The old file is untouched and no temporary file is left. */
	list_dir(tpath(&t, "participations", p, sizeof(p)), &b);
	CHECK_STR(b.data, "undated.csv");
	CHECK_INT(
	    slurp(tpath(&t, "participations/undated.csv", p, sizeof(p)), &b),
	    0);
	CHECK(strstr(b.data, "acme/u/P1,,2026-11-09,") != NULL);
	emit_sink_csv.free(&s);
	rm_tree(t.path);
	zp_buf_release(&log);
	zp_buf_release(&b);
}
