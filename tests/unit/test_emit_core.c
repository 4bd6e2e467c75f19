/*
 * test_emit_core.c - zp-emit's records: the field table, times, building
 * participations from pages, and merging runs through a real state
 * directory (a sink of this file's own records what it is handed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"
#include "envelope.h"
#include "error.h"
#include "file.h"
#include "harness.h"

/* --- the field table -------------------------------------------------- */

TEST(emit_fields_positions)
{
	static const struct {
		enum emit_type t;
		int pos;
		const char *name;
	} pos[] = {{EMIT_USER, FU_ID, "id"}, {EMIT_USER, FU_PMI, "pmi"},
	    {EMIT_USER, FU_LAST_LOGIN_TIME, "last_login_time"},
	    {EMIT_USER, FU_SOURCES, "sources"},
	    {EMIT_MEETING, FM_UUID, "uuid"}, {EMIT_MEETING, FM_HOST, "host"},
	    {EMIT_MEETING, FM_PARTICIPANTS_COUNT, "participants_count"},
	    {EMIT_PARTICIPATION, FP_MEETING_UUID, "meeting_uuid"},
	    {EMIT_PARTICIPATION, FP_ROLE, "role"},
	    {EMIT_PARTICIPATION, FP_SESSIONS, "sessions"},
	    {EMIT_PARTICIPATION, FP_CONNECTION_TYPE, "connection_type"},
	    {EMIT_WEBINAR, FW_CREATED_AT, "created_at"},
	    {EMIT_RECORDING, FR_FILES, "files"},
	    {EMIT_CALL, FC_CALLEE_MATCHED, "callee_matched"},
	    {EMIT_CALL, FC_DURATION, "duration"}};
	const int n[EMIT_NTYPES] = {FU_N, FM_N, FP_N, FW_N, FR_N, FC_N};
	size_t i, got;

	for (i = 0; i < sizeof(pos) / sizeof(pos[0]); i++)
		CHECK_INT(emit_field_index(pos[i].t, pos[i].name), pos[i].pos);
	for (i = 0; i < EMIT_NTYPES; i++) {
		emit_fields(i, &got);
		CHECK_INT(got, n[i]);
		CHECK_INT(emit_type_of(emit_stream_name(i)), i);
		CHECK_INT(emit_type_of(emit_type_name(i)), i);
	}
	CHECK_INT(emit_type_of("nope"), -1);
}

/* --- times ------------------------------------------------------------ */

TEST(emit_time_parse_and_format)
{
	char s[21], d[11];
	time_t t;

	CHECK_INT(emit_time_parse("2026-11-09T18:03:38Z", 20, &t), 0);
	CHECK_INT(t, 1794247418);
	emit_time_format(t, s);
	CHECK_STR(s, "2026-11-09T18:03:38Z");
	CHECK_INT(emit_time_parse("2026-11-09T20:03:38.125+02:00", 29, &t), 0);
	emit_time_format(t, s);
	CHECK_STR(s, "2026-11-09T18:03:38Z");
	CHECK_INT(emit_time_parse("1969-12-31T23:59:59Z", 20, &t), 0);
	CHECK_INT(t, -1);
	emit_day_of(t, d);
	CHECK_STR(d, "1969-12-31");
	CHECK_INT(emit_time_parse("2026-02-29T00:00:00", 19, &t), ZP_EINVAL);
	CHECK_INT(emit_time_parse("2026-13-01T00:00:00Z", 20, &t), ZP_EINVAL);
	CHECK_INT(emit_time_parse("yesterday at noon!!", 19, &t), ZP_EINVAL);
	CHECK_INT(emit_time_parse("2026-11-09T18:03:38+2", 21, &t), ZP_EINVAL);
}

/* --- pages to records ------------------------------------------------- */

/* A sink of this test: it keeps what each put hands it. */
struct emit_sink {
	struct zp_buf all, changed;
	int puts;
};

static int
cap_open(
    struct emit_sink **out, const char *spec, const struct emit_options *o)
{
	(void)spec;
	(void)o;
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : ZP_ENOMEM;
}

static int
cap_put(struct emit_sink *s, const struct emit_part *p)
{
	size_t i;

	s->puts++;
	for (i = 0; i < p->n_all; i++) {
		zp_buf_append(&s->all, p->all[i].json, p->all[i].len);
		zp_buf_putc(&s->all, '\n');
	}
	for (i = 0; i < p->n_changed; i++) {
		zp_buf_append(
		    &s->changed, p->changed[i].json, p->changed[i].len);
		zp_buf_putc(&s->changed, '\n');
	}
	return 0;
}

static int
cap_close(struct emit_sink *s)
{
	(void)s;
	return 0;
}

static void
cap_free(struct emit_sink **s)
{
	if (*s == NULL)
		return;
	zp_buf_release(&(*s)->all);
	zp_buf_release(&(*s)->changed);
	free(*s);
	*s = NULL;
}

static const struct emit_sink_ops cap_ops = {
    "cap:", cap_open, NULL, cap_put, cap_close, cap_free, NULL, NULL};

/* feed builds the records of the NUL-separated envelopes in text. */
static void
feed(struct emit_table *t, const char *const *lines, size_t n)
{
	struct zp_arena a = ZP_ARENA_INIT;
	struct zp_json_parser p;
	struct zp_envelope e;
	struct zp_json *body, *ids;
	size_t i, k;

	zp_json_parser_init(&p, &a);
	zp_env_init(&e);
	for (i = 0; i < n; i++) {
		CHECK_INT(zp_env_parse(&e, lines[i], strlen(lines[i])), 0);
		CHECK_INT(zp_env_body_dom(&e, &p, &body), 0);
		ids = NULL;
		for (k = 0; k < e.nextra; k++)
			if (e.extra[k].key.n == 10)
				CHECK_INT(zp_json_parse(&p, e.extra[k].value.p,
					      e.extra[k].value.n, &ids),
				    0);
		CHECK_INT(zp_env_is(&e, "event")
			? emit_build_event(t, &e, body, ids, "test")
			: emit_build(t, &e, body, ids, "test"),
		    0);
	}
	zp_env_release(&e);
	zp_json_parser_release(&p);
	zp_arena_release(&a);
}

/* run feeds lines to a fresh table and flushes into state dir (NULL: in
 * memory), returning what the sink was handed. */
static void
run(const char *dir, const char *const *lines, size_t n, struct zp_buf *all,
    struct zp_buf *changed)
{
	struct emit_table t;
	struct emit_state *s = NULL;
	struct emit_sink *sink = NULL;
	const struct emit_sink_ops *ops = &cap_ops;
	struct emit_flush_stats st;

	CHECK_INT(emit_table_init(&t), 0);
	CHECK_INT(emit_state_open(&s, dir, &t), 0);
	CHECK_INT(cap_open(&sink, NULL, NULL), 0);
	feed(&t, lines, n);
	CHECK_INT(emit_flush(&t, s, &sink, &ops, 1, NULL, &st), 0);
	CHECK_INT(emit_state_close(&s), 0);
	zp_buf_reset(all);
	zp_buf_reset(changed);
	zp_buf_append(
	    all, sink->all.data ? sink->all.data : "", sink->all.len);
	zp_buf_append(changed, sink->changed.data ? sink->changed.data : "",
	    sink->changed.len);
	cap_free(&sink);
	emit_table_release(&t);
}

#define PARTS(id, body)                                                       \
	"{\"v\":1,\"id\":\"" id "\",\"kind\":\"page\",\"account\":\"acme\","  \
	"\"method\":\"GET\",\"path\":\"/v2/past_meetings/%252Fv%253D%253D/"   \
	"participants\",\"endpoint\":\"/v2/past_meetings/{meetingId}/"        \
	"participants\",\"status\":200,\"at\":\"2026-11-10T00:00:00Z\"," body \
	"}"
#define MEETING                                                               \
	"{\"v\":1,\"id\":\"m1\",\"kind\":\"page\",\"account\":\"acme\","      \
	"\"method\":\"GET\",\"path\":\"/v2/past_meetings/x\",\"endpoint\":"   \
	"\"/v2/past_meetings/{meetingId}\",\"status\":200,\"at\":"            \
	"\"2026-11-10T00:00:00Z\",\"body\":{\"uuid\":\"/v==\",\"id\":42,"     \
	"\"host_id\":\"H\",\"type\":8,\"start_time\":"                        \
	"\"2026-11-09T23:55:00Z\",\"end_time\":\"2026-11-10T00:40:00Z\"}}"

/* field returns the text of "name": in line, up to the next comma. */
static const char *
field(const char *all, const char *key, const char *name, char *out, size_t n)
{
	const char *line = strstr(all, key), *f, *end;
	char pat[64];

	out[0] = '\0';
	if (line == NULL)
		return out;
	snprintf(pat, sizeof(pat), "\"%s\":", name);
	if ((f = strstr(line, pat)) == NULL)
		return out;
	f += strlen(pat);
	if (f[0] == '[')
		end = strstr(f, f[1] == '[' ? "]]" : "]") +
		    (f[1] == '[' ? 2 : 1);
	else
		end = strpbrk(f, ",}");
	snprintf(out, n, "%.*s", (int)(end - f), f);
	return out;
}

TEST(emit_participation_sessions_merge)
{
	/* Ann drops out and rejoins, and is on a second device for a
	 * while (overlap); her sessions come on two pages, one of them
	 * without her e-mail.  Zoom's double encoding of "/v==" in the
	 * path is undone. */
	static const char *const lines[] = {
	    MEETING,
	    PARTS("p1",
		"\"body\":{\"participants\":[{\"id\":\"A\","
		"\"user_email\":\"ann@x.example\",\"user_id\":\"1\","
		"\"join_time\":\"2026-11-09T23:56:00Z\",\"leave_time\":"
		"\"2026-11-10T00:10:00Z\"},{\"id\":\"H\",\"user_id\":"
		"\"2\",\"join_time\":\"2026-11-09T23:55:00Z\","
		"\"leave_time\":\"2026-11-10T00:40:00Z\"}]}"),
	    PARTS("p2",
		"\"body\":{\"participants\":[{\"id\":\"\","
		"\"user_email\":\"ann@x.example\",\"user_id\":\"3\","
		"\"join_time\":\"2026-11-10T00:05:00Z\",\"leave_time\":"
		"\"2026-11-10T00:20:00Z\"},{\"id\":\"A\",\"user_id\":"
		"\"4\",\"join_time\":\"2026-11-10T00:30:00Z\","
		"\"leave_time\":\"2026-11-10T00:35:00Z\"}]}"),
	};
	struct zp_buf all = ZP_BUF_INIT, changed = ZP_BUF_INIT;
	char v[512];

	run(NULL, lines, 3, &all, &changed);
	/* 23:56-00:20 (the overlap once) + 00:30-00:35 = 29 minutes */
	CHECK_STR(
	    field(all.data, "\"acme//v==/\\\"A\\\"", "seconds", v, sizeof(v)),
	    "");
	CHECK_STR(field(all.data, "\"key\":\"acme//v==/A\"", "seconds", v,
		      sizeof(v)),
	    "1740");
	CHECK_STR(field(all.data, "\"key\":\"acme//v==/A\"", "minutes", v,
		      sizeof(v)),
	    "29");
	CHECK_STR(field(all.data, "\"key\":\"acme//v==/A\"", "session_count",
		      v, sizeof(v)),
	    "3");
	CHECK_STR(
	    field(all.data, "\"key\":\"acme//v==/A\"", "ids", v, sizeof(v)),
	    "[\"A\",\"ann@x.example\"]");
	CHECK_STR(
	    field(all.data, "\"key\":\"acme//v==/A\"", "role", v, sizeof(v)),
	    "\"attendee\"");
	CHECK_STR(
	    field(all.data, "\"key\":\"acme//v==/H\"", "role", v, sizeof(v)),
	    "\"host\"");
	CHECK_STR(
	    field(all.data, "\"key\":\"acme//v==/A\"", "day", v, sizeof(v)),
	    "\"2026-11-09\""); /* the meeting's day, not the join's */
	CHECK_STR(field(all.data, "\"key\":\"acme//v==/A\"", "meeting_kind", v,
		      sizeof(v)),
	    "\"recurring\"");
	CHECK_STR(field(all.data, "\"key\":\"acme//v==/A\"", "sources", v,
		      sizeof(v)),
	    "[\"p1\",\"p2\"]");
	CHECK(strcmp(all.data, changed.data) == 0); /* no state: all new */
	zp_buf_release(&all);
	zp_buf_release(&changed);
}

/* tmpdir makes a fresh folder for a state. */
static void
tmpdir(char *out, size_t n)
{
	snprintf(out, n, "/tmp/zp-emit-core.XXXXXX");
	CHECK(mkdtemp(out) != NULL);
}

/* rm_rf removes dir (a test's own folder). */
static void
rm_rf(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK_INT(system(cmd), 0);
}

TEST(emit_state_matched_later_replaces_pseudonym)
{
	/* Run 1: a guest zp-match could not name; run 2: the roster knows
	 * her.  One participation remains, the person's, with both
	 * sessions; run 3 (run 2 again) changes nothing. */
	static const char *const one[] = {PARTS("p1",
	    "\"identities\":{\"g@y.example\":{\"person\":null,"
	    "\"via\":\"none\",\"internal\":false}},\"body\":{"
	    "\"participants\":[{\"user_email\":\"g@y.example\","
	    "\"user_id\":\"7\",\"join_time\":"
	    "\"2026-11-10T00:00:00Z\",\"leave_time\":"
	    "\"2026-11-10T00:10:00Z\"}]}")};
	static const char *const two[] = {PARTS("p2",
	    "\"identities\":{\"g@y.example\":{\"person\":\"P9\","
	    "\"via\":\"email\",\"internal\":true}},\"body\":{"
	    "\"participants\":[{\"user_email\":\"g@y.example\","
	    "\"user_id\":\"8\",\"join_time\":"
	    "\"2026-11-10T00:20:00Z\",\"leave_time\":"
	    "\"2026-11-10T00:30:00Z\"}]}")};
	struct zp_buf all = ZP_BUF_INIT, changed = ZP_BUF_INIT;
	char dir[64], v[512];

	tmpdir(dir, sizeof(dir));
	run(dir, one, 1, &all, &changed);
	CHECK_STR(field(all.data, "\"key\":\"acme//v==/g@y.example\"",
		      "matched", v, sizeof(v)),
	    "false");
	run(dir, two, 1, &all, &changed);
	CHECK(strstr(all.data, "acme//v==/g@y.example") == NULL);
	CHECK_STR(field(all.data, "\"key\":\"acme//v==/P9\"", "seconds", v,
		      sizeof(v)),
	    "1200");
	CHECK_STR(field(all.data, "\"key\":\"acme//v==/P9\"", "sources", v,
		      sizeof(v)),
	    "[\"p1\",\"p2\"]");
	CHECK(strcmp(all.data, changed.data) == 0);
	run(dir, two, 1, &all, &changed);
	CHECK_INT(changed.len, 0);
	CHECK_INT(all.len, 0); /* no partition changed: nothing handed */
	rm_rf(dir);
	zp_buf_release(&all);
	zp_buf_release(&changed);
}

TEST(emit_state_orphan_moves_to_its_meeting_day)
{
	/* Run 1 has the participants only: the participation waits on its
	 * first join's day (11-10).  Run 2 has the meeting, which began on
	 * 11-09: the participation moves there, and 11-10 is emptied. */
	static const char *const one[] = {PARTS("p1",
	    "\"body\":{\"participants\":[{\"id\":\"A\","
	    "\"user_id\":\"1\",\"join_time\":"
	    "\"2026-11-10T00:01:00Z\",\"leave_time\":"
	    "\"2026-11-10T00:10:00Z\"}]}")};
	static const char *const two[] = {MEETING};
	struct zp_buf all = ZP_BUF_INIT, changed = ZP_BUF_INIT,
		      f = ZP_BUF_INIT;
	char dir[64], path[128], v[512];

	tmpdir(dir, sizeof(dir));
	run(dir, one, 1, &all, &changed);
	CHECK_STR(
	    field(all.data, "\"key\":\"acme//v==/A\"", "day", v, sizeof(v)),
	    "\"2026-11-10\"");
	CHECK_STR(
	    field(all.data, "\"key\":\"acme//v==/A\"", "role", v, sizeof(v)),
	    "null");
	run(dir, two, 1, &all, &changed);
	CHECK_STR(
	    field(all.data, "\"key\":\"acme//v==/A\"", "day", v, sizeof(v)),
	    "\"2026-11-09\"");
	CHECK_STR(field(all.data, "\"key\":\"acme//v==/A\"", "meeting_id", v,
		      sizeof(v)),
	    "42");
	snprintf(path, sizeof(path),
	    "%s/records/participations/2026-11-10.ndjson", dir);
	CHECK_INT(zp_file_read(path, &f, 1 << 20, NULL), 0);
	CHECK_INT(f.len, 0);
	snprintf(path, sizeof(path), "%s/orphans.ndjson", dir);
	zp_buf_reset(&f);
	CHECK_INT(zp_file_read(path, &f, 1 << 20, NULL), 0);
	CHECK_INT(f.len, 0);
	rm_rf(dir);
	zp_buf_release(&all);
	zp_buf_release(&changed);
	zp_buf_release(&f);
}

TEST(emit_state_index_follows_merged_facts)
{
	/* Run 2's page of the meeting lacks its host: the saved meeting
	 * gives it back while the partitions merge, after the index began
	 * from the run's facts alone.  The index saved is the merged one
	 * (whichever thread got there first); run 3 (run 2 again) leaves it
	 * byte for byte. */
	static const char *const one[] = {MEETING};
	static const char *const two[] = {
	    "{\"v\":1,\"id\":\"m2\",\"kind\":\"page\",\"account\":\"acme\","
	    "\"method\":\"GET\",\"path\":\"/v2/past_meetings/x\",\"endpoint\":"
	    "\"/v2/past_meetings/{meetingId}\",\"status\":200,\"at\":"
	    "\"2026-11-10T00:00:00Z\",\"body\":{\"uuid\":\"/v==\",\"id\":42,"
	    "\"type\":8,\"start_time\":\"2026-11-09T23:55:00Z\","
	    "\"end_time\":\"2026-11-10T00:40:00Z\"}}"};
	static const char want[] =
	    "{\"account\":\"acme\",\"uuid\":\"/v==\",\"day\":\"2026-11-09\","
	    "\"kind\":\"recurring\",\"meeting_id\":42,\"host_id\":\"H\","
	    "\"host_person\":null}\n";
	struct zp_buf all = ZP_BUF_INIT, changed = ZP_BUF_INIT,
		      f = ZP_BUF_INIT, g = ZP_BUF_INIT;
	char dir[64], path[128];
	struct stat st;

	tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/meetings.ndjson", dir);
	run(dir, one, 1, &all, &changed);
	CHECK_INT(zp_file_read(path, &f, 1 << 20, NULL), 0);
	CHECK_STR(f.data, want);
	run(dir, two, 1, &all, &changed);
	CHECK_INT(all.len, 0); /* the merged meeting is the saved one */
	zp_buf_reset(&f);
	CHECK_INT(zp_file_read(path, &f, 1 << 20, NULL), 0);
	CHECK_STR(f.data, want);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	run(dir, two, 1, &all, &changed);
	CHECK_INT(zp_file_read(path, &g, 1 << 20, NULL), 0);
	CHECK_STR(g.data, f.data);
	rm_rf(dir);
	zp_buf_release(&all);
	zp_buf_release(&changed);
	zp_buf_release(&f);
	zp_buf_release(&g);
}

/* temps_in counts the index's temporary files (meetings.ndjson.XXXXXX)
 * in dir. */
static int
temps_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		n += zp_file_temp_base(e->d_name) == 15 &&
		    strncmp(e->d_name, "meetings.ndjson", 15) == 0;
	if (d != NULL)
		closedir(d);
	return n;
}

TEST(emit_state_index_waits_for_fact_changes)
{
	/* The index's thread wrote its file long ago; then a meeting is
	 * added to the facts: the change waits for that thread, and the
	 * close writes the index again, with the new meeting. */
	static const char *const one[] = {MEETING};
	struct emit_table t;
	struct emit_state *s = NULL;
	struct emit_minfo *mi;
	struct zp_buf f = ZP_BUF_INIT;
	const char *acct, *uuid;
	char dir[64], path[128];

	tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/meetings.ndjson", dir);
	CHECK_INT(emit_table_init(&t), 0);
	CHECK_INT(emit_state_open(&s, dir, &t), 0);
	feed(&t, one, 1);
	CHECK_INT((int)t.n_recs, 1);
	CHECK_INT(emit_rec_finish(&t, t.recs[0]), 0);
	emit_state_index_start(s);
	CHECK(t.facts_change != NULL);
	usleep(100 * 1000); /* the thread is done by now */
	acct = emit_intern(&t, "acme", 4);
	uuid = emit_intern(&t, "\"/w==\"", 7);
	CHECK((mi = emit_minfo_of(&t, &t.minfo, acct, uuid)) != NULL);
	CHECK(t.facts_change == NULL); /* called, once */
	if (mi != NULL)
		memcpy(mi->day, "2026-11-11", 11);
	CHECK_INT(emit_state_close(&s), 0);
	CHECK_INT(zp_file_read(path, &f, 1 << 20, NULL), 0);
	CHECK(f.data != NULL && strstr(f.data, "\"uuid\":\"/v==\"") != NULL);
	CHECK(f.data != NULL &&
	    strstr(f.data,
		"\"uuid\":\"/w==\",\"day\":"
		"\"2026-11-11\"") != NULL);
	CHECK_INT(temps_in(dir), 0); /* the first index's file is gone */
	emit_table_release(&t);
	rm_rf(dir);
	zp_buf_release(&f);
}

TEST(emit_state_is_locked)
{
	struct emit_table t;
	struct emit_state *a = NULL, *b = NULL;
	char dir[64];

	tmpdir(dir, sizeof(dir));
	CHECK_INT(emit_table_init(&t), 0);
	CHECK_INT(emit_state_open(&a, dir, &t), 0);
	CHECK_INT(emit_state_open(&b, dir, &t), ZP_EIO);
	emit_state_close(&b);
	CHECK_INT(emit_state_close(&a), 0);
	emit_table_release(&t);
	rm_rf(dir);
}

/* A sink that fails its fail_at-th put (and every later one). */
static int fail_at;

static int
failing_put(struct emit_sink *s, const struct emit_part *p)
{
	if (s->puts + 1 >= fail_at) {
		s->puts++;
		return ZP_EIO;
	}
	return cap_put(s, p);
}

static const struct emit_sink_ops failing_ops = {
    "failing:", cap_open, NULL, failing_put, cap_close, cap_free, NULL, NULL};

TEST(emit_flush_sink_failure_saves_the_partitions_before)
{
	/* Ten meetings on ten days: ten partitions, written in day order
	 * by the flush's writer thread.  The sink fails the fourth: the
	 * flush fails with its error, the state keeps the first three, and
	 * a run again hands a healthy sink exactly the seven others. */
	static char text[10][640];
	const char *lines[10];
	struct emit_table t;
	struct emit_state *s = NULL;
	struct emit_sink *sink = NULL;
	const struct emit_sink_ops *ops = &failing_ops;
	struct emit_flush_stats st;
	struct zp_buf all = ZP_BUF_INIT, changed = ZP_BUF_INIT;
	char dir[64], path[160];
	struct stat sb;
	size_t i, n = 0;
	const char *p;

	for (i = 0; i < 10; i++) {
		snprintf(text[i], sizeof(text[i]),
		    "{\"v\":1,\"id\":\"m%zu\",\"kind\":\"page\",\"account\":"
		    "\"acme\",\"method\":\"GET\",\"path\":\"/v2/past_meetings/"
		    "x\",\"endpoint\":\"/v2/past_meetings/{meetingId}\","
		    "\"status\":200,\"at\":\"2026-11-20T00:00:00Z\",\"body\":{"
		    "\"uuid\":\"u%zu==\",\"id\":%zu,\"host_id\":\"H\","
		    "\"type\":"
		    "2,\"start_time\":\"2026-11-%02zuT10:00:00Z\",\"end_"
		    "time\":"
		    "\"2026-11-%02zuT10:30:00Z\"}}",
		    i, i, 100 + i, i + 1, i + 1);
		lines[i] = text[i];
	}
	tmpdir(dir, sizeof(dir));
	fail_at = 4;
	CHECK_INT(emit_table_init(&t), 0);
	CHECK_INT(emit_state_open(&s, dir, &t), 0);
	CHECK_INT(cap_open(&sink, NULL, NULL), 0);
	feed(&t, lines, 10);
	CHECK_INT(emit_flush(&t, s, &sink, &ops, 1, NULL, &st), ZP_EIO);
	CHECK_INT(sink->puts, 4); /* none after the failed one */
	emit_state_close(&s);
	cap_free(&sink);
	emit_table_release(&t);
	for (i = 0; i < 10; i++) {
		snprintf(path, sizeof(path),
		    "%s/records/meetings/2026-11-%02zu.ndjson", dir, i + 1);
		CHECK_INT(stat(path, &sb) == 0, i < 3);
	}
	run(dir, lines, 10, &all, &changed);
	for (p = changed.data; p != NULL && (p = strchr(p, '\n')) != NULL; p++)
		n++;
	CHECK_INT(n, 7);
	CHECK(strstr(changed.data, "\"day\":\"2026-11-03\"") == NULL);
	CHECK(strstr(changed.data, "\"day\":\"2026-11-04\"") != NULL);
	rm_rf(dir);
	zp_buf_release(&all);
	zp_buf_release(&changed);
}

TEST(emit_state_sweeps_temporary_files)
{
	/* A run killed before its renames leaves NAME.XXXXXX beside the
	 * state's files: the next run that takes the lock removes them, and
	 * nothing else. */
	static const char *const temps[] = {
	    "records/participations/2026-11-10.ndjson.ab12CD",
	    "records/users/all.ndjson.Q9z8y7", "meetings.ndjson.Zz9999",
	    "orphans.ndjson.000aaa", "FORMAT.xY12zz"};
	static const char *const kept[] = {
	    "records/participations/2026-11-10.ndjson", "notes.txt.abcdef",
	    "records/participations/2026-11-10.ndjson.bak",
	    "meetings.ndjson.ab-12C"};
	struct emit_table t;
	struct emit_state *s = NULL;
	char dir[64], path[160];
	struct stat sb;
	size_t i;

	tmpdir(dir, sizeof(dir));
	CHECK_INT(emit_table_init(&t), 0);
	CHECK_INT(emit_state_open(&s, dir, &t), 0);
	CHECK_INT(emit_state_close(&s), 0);
	snprintf(path, sizeof(path), "%s/records", dir);
	CHECK_INT(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/records/participations", dir);
	CHECK_INT(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/records/users", dir);
	CHECK_INT(mkdir(path, 0700), 0);
	for (i = 0; i < sizeof(temps) / sizeof(temps[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, temps[i]);
		CHECK_INT(zp_file_write_atomic(path, "x\n", 2, 0600, NULL), 0);
	}
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, kept[i]);
		CHECK_INT(zp_file_write_atomic(path, "x\n", 2, 0600, NULL), 0);
	}
	CHECK_INT(emit_state_open(&s, dir, &t), 0);
	for (i = 0; i < sizeof(temps) / sizeof(temps[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, temps[i]);
		CHECK_INT(stat(path, &sb), -1);
	}
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, kept[i]);
		CHECK_INT(stat(path, &sb), 0);
	}
	CHECK_INT(emit_state_close(&s), 0);
	emit_table_release(&t);
	rm_rf(dir);
}

#define EVENT(id, body)                                                       \
	"{\"v\":1,\"id\":\"" id "\",\"kind\":\"event\",\"account\":\"acme\"," \
	"\"at\":\"2026-11-10T00:41:00Z\",\"body\":" body "}"
#define ENDED                                                                 \
	EVENT("e1",                                                           \
	    "{\"event\":\"meeting.ended\",\"event_ts\":1,"                    \
	    "\"payload\":{\"account_id\":\"Z\",\"object\":{"                  \
	    "\"uuid\":\"/v==\",\"id\":\"42\",\"host_id\":\"H\","              \
	    "\"type\":8,\"start_time\":\"2026-11-09T23:55:00Z\","             \
	    "\"end_time\":\"2026-11-10T00:40:00Z\",\"duration\":60,"          \
	    "\"timezone\":\"UTC\"}}}")
#define MEETING_HELD                                                          \
	"{\"v\":1,\"id\":\"m1\",\"kind\":\"page\",\"account\":\"acme\","      \
	"\"method\":\"GET\",\"path\":\"/v2/past_meetings/x\",\"endpoint\":"   \
	"\"/v2/past_meetings/{meetingId}\",\"status\":200,\"at\":"            \
	"\"2026-11-11T00:00:00Z\",\"body\":{\"uuid\":\"/v==\",\"id\":42,"     \
	"\"host_id\":\"H\",\"type\":8,\"start_time\":"                        \
	"\"2026-11-09T23:55:00Z\",\"end_time\":\"2026-11-10T00:40:00Z\","     \
	"\"duration\":45,\"participants_count\":3}}"

TEST(emit_event_meeting_ended_is_the_instance_a_page_completes)
{
	/* meeting.ended gives the instance's meeting at once; the page of
	 * the next day's crawl completes the same record (one key), with
	 * the duration held: the event's 60 is the one scheduled.  In
	 * either order, and across runs. */
	static const char *const both[] = {ENDED, MEETING_HELD};
	static const char *const back[] = {MEETING_HELD, ENDED};
	static const char *const ev[] = {ENDED};
	static const char *const page[] = {MEETING_HELD};
	struct zp_buf all = ZP_BUF_INIT, changed = ZP_BUF_INIT;
	const char *key = "\"key\":\"acme//v==\"";
	char dir[64], v[256];
	int i;

	run(NULL, ev, 1, &all, &changed);
	CHECK_STR(field(all.data, key, "start_time", v, sizeof(v)),
	    "\"2026-11-09T23:55:00Z\"");
	CHECK_STR(field(all.data, key, "end_time", v, sizeof(v)),
	    "\"2026-11-10T00:40:00Z\"");
	CHECK_STR(field(all.data, key, "meeting_id", v, sizeof(v)), "42");
	CHECK_STR(field(all.data, key, "kind", v, sizeof(v)), "\"recurring\"");
	CHECK_STR(field(all.data, key, "duration", v, sizeof(v)), "null");
	CHECK_STR(field(all.data, key, "sources", v, sizeof(v)), "[\"e1\"]");
	for (i = 0; i < 2; i++) {
		run(NULL, i ? back : both, 2, &all, &changed);
		CHECK(strstr(strstr(all.data, key) + 1, key) == NULL);
		CHECK_STR(
		    field(all.data, key, "duration", v, sizeof(v)), "45");
		CHECK_STR(
		    field(all.data, key, "participants_count", v, sizeof(v)),
		    "3");
		CHECK_STR(field(all.data, key, "sources", v, sizeof(v)),
		    i ? "[\"m1\",\"e1\"]" : "[\"e1\",\"m1\"]");
	}
	tmpdir(dir, sizeof(dir));
	run(dir, ev, 1, &all, &changed);
	run(dir, page, 1, &all, &changed);
	CHECK_STR(field(all.data, key, "duration", v, sizeof(v)), "45");
	CHECK_STR(
	    field(all.data, key, "sources", v, sizeof(v)), "[\"e1\",\"m1\"]");
	run(dir, ev, 1, &all, &changed);
	CHECK_INT(changed.len, 0); /* the event again changes nothing */
	rm_rf(dir);
	zp_buf_release(&all);
	zp_buf_release(&changed);
}

TEST(emit_event_webinar_and_recording)
{
	static const char *const lines[] = {
	    EVENT("w1",
		"{\"event\":\"webinar.ended\",\"payload\":{"
		"\"object\":{\"uuid\":\"W1==\",\"id\":\"77\","
		"\"host_id\":\"H\",\"type\":5,\"start_time\":"
		"\"2026-11-09T10:00:00Z\",\"end_time\":"
		"\"2026-11-09T11:00:00Z\",\"duration\":60}}}"),
	    EVENT("r1",
		"{\"event\":\"recording.completed\",\"payload\":{"
		"\"object\":{\"uuid\":\"/v==\",\"id\":42,"
		"\"host_id\":\"H\",\"start_time\":"
		"\"2026-11-09T23:55:00Z\",\"duration\":40,"
		"\"total_size\":1000,\"recording_count\":2}}}")};
	struct zp_buf all = ZP_BUF_INIT, changed = ZP_BUF_INIT;
	char v[256];

	run(NULL, lines, 2, &all, &changed);
	CHECK_STR(
	    field(all.data, "\"key\":\"acme/W1==\"", "kind", v, sizeof(v)),
	    "\"webinar\"");
	CHECK(strstr(all.data, "\"type\":\"recording\"") != NULL);
	CHECK_STR(field(strstr(all.data, "\"type\":\"recording\""),
		      "\"type\":\"recording\"", "total_size", v, sizeof(v)),
	    "1000");
	CHECK_STR(field(strstr(all.data, "\"type\":\"recording\""),
		      "\"type\":\"recording\"", "sources", v, sizeof(v)),
	    "[\"r1\"]");
	zp_buf_release(&all);
	zp_buf_release(&changed);
}

TEST(emit_event_other_kinds_counted_bad_ones_skipped)
{
	/* Events that give no record are counted, never a record; an
	 * event whose object is missing is skipped with a warning; the
	 * page after them still gives its meeting. */
	static const char *const lines[] = {
	    EVENT("j1",
		"{\"event\":\"meeting.started\","
		"\"payload\":{\"object\":{\"uuid\":\"/v==\"}}}"),
	    EVENT("x1", "{\"event\":42}"), EVENT("x2", "[1,2]"),
	    EVENT("b1", "{\"event\":\"meeting.ended\",\"payload\":{}}"),
	    EVENT("b2",
		"{\"event\":\"meeting.ended\",\"payload\":{"
		"\"object\":{\"id\":\"42\"}}}"),
	    MEETING_HELD};
	struct zp_buf all = ZP_BUF_INIT, changed = ZP_BUF_INIT;
	struct emit_table t;

	CHECK_INT(emit_table_init(&t), 0);
	feed(&t, lines, sizeof(lines) / sizeof(lines[0]));
	CHECK_INT((int)t.events_ignored, 3);
	CHECK_INT((int)t.events, 1); /* b2: built nothing, said why */
	CHECK_INT((int)t.skipped, 2);
	CHECK_INT((int)t.pages, 1);
	emit_table_release(&t);
	run(NULL, lines, sizeof(lines) / sizeof(lines[0]), &all, &changed);
	CHECK_INT((int)(strchr(all.data, '\n') - all.data + 1), (int)all.len);
	CHECK(strstr(all.data, "\"type\":\"meeting\"") != NULL);
	CHECK(strstr(all.data, "\"sources\":[\"m1\"]") != NULL);
	zp_buf_release(&all);
	zp_buf_release(&changed);
}

#define ANN                                                                   \
	"\"user_id\":\"16\",\"user_name\":\"Ann\",\"id\":\"A\","              \
	"\"email\":\"ann@x.example\""
#define CALLER "\"user_id\":\"17\",\"user_name\":\"\",\"email\":\"\""
#define BOB "\"user_id\":\"18\",\"id\":\"B\""
#define JOINED(id, who, at)                                                   \
	EVENT(id,                                                             \
	    "{\"event\":\"meeting.participant_joined\",\"payload\":{"         \
	    "\"object\":{\"uuid\":\"/v==\",\"participant\":{" who             \
	    ",\"join_time\":\"" at "\"}}}}")
#define LEFT(id, who, at)                                                     \
	EVENT(id,                                                             \
	    "{\"event\":\"meeting.participant_left\",\"payload\":{"           \
	    "\"object\":{\"uuid\":\"/v==\",\"participant\":{" who             \
	    ",\"leave_time\":\"" at "\"}}}}")

TEST(emit_event_participant_sessions_pair_in_the_run)
{
	/* Ann joins and leaves, a caller Zoom names no one joins and
	 * leaves, Bob joins and is still there, and a leave whose join came
	 * before the run is counted, not a record.  Then the participants
	 * page gives Ann's session again: the same session, no change. */
	static const char *const lines[] = {
	    JOINED("j1", ANN, "2026-11-10T00:00:00Z"),
	    JOINED("j2", CALLER, "2026-11-10T00:05:00Z"),
	    JOINED("j3", BOB, "2026-11-10T00:06:00Z"),
	    LEFT("l1", ANN, "2026-11-10T00:20:00Z"),
	    LEFT("l9", "\"user_id\":\"99\",\"id\":\"Z\"",
		"2026-11-10T00:21:00Z"),
	    LEFT("l2", CALLER, "2026-11-10T00:30:00Z"), MEETING};
	static const char *const page[] = {PARTS("p1",
	    "\"body\":{\"participants\":[{\"id\":\"A\",\"user_id\":\"16\","
	    "\"user_email\":\"ann@x.example\",\"join_time\":"
	    "\"2026-11-10T00:00:00Z\",\"leave_time\":"
	    "\"2026-11-10T00:20:00Z\"}]}")};
	struct zp_buf all = ZP_BUF_INIT, changed = ZP_BUF_INIT;
	const char *ann = "\"key\":\"acme//v==/A\"";
	const char *caller = "\"key\":\"acme//v==/session:17\"";
	const char *bob = "\"key\":\"acme//v==/B\"";
	struct emit_table t;
	char dir[64], v[256];

	CHECK_INT(emit_table_init(&t), 0);
	feed(&t, lines, sizeof(lines) / sizeof(lines[0]));
	CHECK_INT((int)t.events, 5);
	CHECK_INT((int)t.events_unpaired, 1);
	CHECK_INT((int)t.skipped, 0);
	emit_table_release(&t);

	tmpdir(dir, sizeof(dir));
	run(dir, lines, sizeof(lines) / sizeof(lines[0]), &all, &changed);
	CHECK_STR(field(all.data, ann, "sessions", v, sizeof(v)),
	    "[[\"2026-11-10T00:00:00Z\",\"2026-11-10T00:20:00Z\"]]");
	CHECK_STR(field(all.data, ann, "seconds", v, sizeof(v)), "1200");
	CHECK_STR(
	    field(all.data, ann, "sources", v, sizeof(v)), "[\"j1\",\"l1\"]");
	CHECK_STR(field(all.data, caller, "seconds", v, sizeof(v)), "1500");
	CHECK_STR(field(all.data, bob, "sessions", v, sizeof(v)),
	    "[[\"2026-11-10T00:06:00Z\",null]]");
	CHECK_STR(field(all.data, bob, "seconds", v, sizeof(v)), "0");
	CHECK(strstr(all.data, "acme//v==/Z") == NULL);
	run(dir, page, 1, &all, &changed);
	/* the page's session is the one the events gave: nothing changed,
	 * nothing handed to the sinks (a source alone is no change) */
	CHECK_INT(changed.len, 0);
	CHECK_INT(all.len, 0);
	rm_rf(dir);
	zp_buf_release(&all);
	zp_buf_release(&changed);
}

TEST(emit_event_call_log_and_call_history_are_one_call)
{
	/* A call log event and the call history page name a call by the
	 * same call log id: one record, its result from the page (the
	 * event's "result" has words of its own). */
	static const char *const lines[] = {
	    EVENT("c1",
		"{\"event\":\"phone.callee_call_log_completed\",\"payload\":{"
		"\"object\":{\"user_id\":\"U\",\"call_logs\":[{\"id\":\"L1\","
		"\"call_id\":\"99\",\"caller_number\":\"+15550001\","
		"\"callee_number\":\"+15550002\",\"direction\":\"inbound\","
		"\"duration\":60,\"result\":\"Call connected\",\"date_time\":"
		"\"2026-11-10T09:00:00Z\",\"answer_start_time\":"
		"\"2026-11-10T09:00:05Z\",\"call_end_time\":"
		"\"2026-11-10T09:01:05Z\"},7]}}}"),
	    "{\"v\":1,\"id\":\"h1\",\"kind\":\"page\",\"account\":\"acme\","
	    "\"method\":\"GET\",\"path\":\"/v2/phone/call_history\","
	    "\"endpoint\":\"/v2/phone/call_history\",\"status\":200,\"at\":"
	    "\"2026-11-11T00:00:00Z\",\"body\":{\"call_logs\":[{\"id\":\"L1\","
	    "\"call_id\":\"99\",\"direction\":\"inbound\",\"call_result\":"
	    "\"answered\",\"caller_did_number\":\"+15550001\","
	    "\"callee_did_number\":\"+15550002\",\"start_time\":"
	    "\"2026-11-10T09:00:00Z\",\"answer_time\":"
	    "\"2026-11-10T09:00:05Z\",\"end_time\":\"2026-11-10T09:01:05Z\","
	    "\"duration\":60}]}}"};
	struct zp_buf all = ZP_BUF_INIT, changed = ZP_BUF_INIT;
	const char *key = "\"key\":\"acme/L1\"";
	char v[256];

	run(NULL, lines, 1, &all, &changed);
	CHECK_STR(field(all.data, key, "start_time", v, sizeof(v)),
	    "\"2026-11-10T09:00:00Z\"");
	CHECK_STR(field(all.data, key, "answer_time", v, sizeof(v)),
	    "\"2026-11-10T09:00:05Z\"");
	CHECK_STR(field(all.data, key, "end_time", v, sizeof(v)),
	    "\"2026-11-10T09:01:05Z\"");
	CHECK_STR(
	    field(all.data, key, "caller", v, sizeof(v)), "\"+15550001\"");
	CHECK_STR(field(all.data, key, "call_result", v, sizeof(v)), "null");
	run(NULL, lines, 2, &all, &changed);
	CHECK(strstr(strstr(all.data, key) + 1, key) == NULL);
	CHECK_STR(
	    field(all.data, key, "call_result", v, sizeof(v)), "\"answered\"");
	CHECK_STR(
	    field(all.data, key, "sources", v, sizeof(v)), "[\"c1\",\"h1\"]");
	zp_buf_release(&all);
	zp_buf_release(&changed);
}
