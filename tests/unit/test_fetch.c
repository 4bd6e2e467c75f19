/*
 * test_fetch.c - zp-fetch's modules: days and windows, the plan (which
 * listings lead to which), the rate limiter, the key set, the state file
 * and journal, and the concurrent HTTP runner against an in-process
 * zp-sim.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "error.h"
#include "fetch.h"
#include "http.h"
#include "json.h"
#include "keys.h"
#include "plan.h"

/* --- days and windows ------------------------------------------------- */

TEST(fetch_days)
{
	char out[11];
	long d;

	CHECK_INT(fetch_day_parse("2026-11-22", &d), 0);
	fetch_day_format(d, out);
	CHECK_STR(out, "2026-11-22");
	CHECK_INT(fetch_day_parse("2026-11-22T13:00:00Z", &d), 0);
	fetch_day_format(d, out);
	CHECK_STR(out, "2026-11-22");
	CHECK_INT(fetch_day_parse("2026-02-30", &d), ZP_EINVAL);
	CHECK_INT(fetch_day_parse("2026-13-01", &d), ZP_EINVAL);
	CHECK_INT(fetch_day_parse("yesterday", &d), ZP_EINVAL);
	CHECK_INT(fetch_day_parse("2026-11-2", &d), ZP_EINVAL);
	CHECK_INT(fetch_day_of(0), 0);
	CHECK_INT(fetch_day_of(86399), 0);
	CHECK_INT(fetch_day_of(-1), -1);
}

TEST(fetch_days_six_months_back)
{
	char out[11];
	long d;

	/* Six calendar months, then one day of margin. */
	fetch_day_parse("2026-11-22", &d);
	fetch_day_format(fetch_six_months_back(d), out);
	CHECK_STR(out, "2026-05-23");
	/* August 31st: February has no 31st, so its last day. */
	fetch_day_parse("2026-08-31", &d);
	fetch_day_format(fetch_six_months_back(d), out);
	CHECK_STR(out, "2026-03-01");
	fetch_day_parse("2024-08-31", &d);
	fetch_day_format(fetch_six_months_back(d), out);
	CHECK_STR(out, "2024-03-01");
	fetch_day_parse("2026-03-15", &d);
	fetch_day_format(fetch_six_months_back(d), out);
	CHECK_STR(out, "2025-09-16");
}

/* collect_window appends "from..to;" to a buffer. */
static int
collect_window(void *arg, long from, long to)
{
	char f[11], t[11];

	fetch_day_format(from, f);
	fetch_day_format(to, t);
	return zp_buf_printf(arg, "%s..%s;", f, t);
}

TEST(fetch_windows_split_by_thirty_days)
{
	struct zp_buf b = ZP_BUF_INIT;
	struct fetch_window w;

	fetch_day_parse("2026-08-24", &w.since);
	fetch_day_parse("2026-11-22", &w.until);
	CHECK_INT(fetch_plan_windows(&w, collect_window, &b), 0);
	CHECK_STR(b.data,
	    "2026-08-24..2026-09-22;2026-09-23..2026-10-22;"
	    "2026-10-23..2026-11-21;2026-11-22..2026-11-22;");
	zp_buf_reset(&b);
	w.since = w.until;
	CHECK_INT(fetch_plan_windows(&w, collect_window, &b), 0);
	CHECK_STR(b.data, "2026-11-22..2026-11-22;");
	zp_buf_reset(&b);
	w.since = w.until + 1; /* empty */
	CHECK_INT(fetch_plan_windows(&w, collect_window, &b), 0);
	CHECK(b.len == 0);
	zp_buf_release(&b);
}

TEST(fetch_streams_parse)
{
	struct zp_buf why = ZP_BUF_INIT;
	unsigned set;

	CHECK_INT(fetch_stream_parse("users,phone", &set, &why), 0);
	CHECK_INT(set, (1u << FETCH_USERS) | (1u << FETCH_PHONE));
	CHECK_INT(fetch_stream_parse("users,chat", &set, &why), ZP_EINVAL);
	CHECK_STR(why.data,
	    "unknown stream 'chat' (streams: users, meetings, "
	    "past_meetings, webinars, recordings, phone, "
	    "metrics)");
	zp_buf_reset(&why);
	CHECK_INT(fetch_stream_parse("", &set, &why), ZP_EINVAL);
	CHECK_STR(why.data, "no stream named");
	zp_buf_release(&why);
}

/* --- the plan ---------------------------------------------------------- */

/* collect_task appends "kind path\n" to a buffer. */
static int
collect_task(void *arg, enum fetch_kind kind, const char *path)
{
	return zp_buf_printf(
	    arg, "%s %s\n", fetch_kind_info(kind)->name, path);
}

/* a_plan is a plan over 2026-10-01..2026-11-15 with every stream. */
static void
a_plan(struct fetch_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->streams = (1u << FETCH_NSTREAMS) - 1;
	p->page_size = 300;
	fetch_day_parse("2026-10-01", &p->full.since);
	fetch_day_parse("2026-11-15", &p->full.until);
	p->report = p->full;
}

TEST(fetch_plan_first_tasks)
{
	struct zp_buf b = ZP_BUF_INIT;
	struct fetch_plan p;

	a_plan(&p);
	CHECK_INT(fetch_plan_roots(&p, collect_task, &b), 0);
	CHECK_STR(b.data,
	    "users /users?status=active&page_size=300\n"
	    "users /users?status=inactive&page_size=300\n"
	    "users /users?status=pending&page_size=300\n"
	    "call_history /phone/call_history?from=2026-10-01&to=2026-10-30"
	    "&page_size=300\n"
	    "call_history /phone/call_history?from=2026-10-31&to=2026-11-15"
	    "&page_size=300\n"
	    "metrics_meetings /metrics/meetings?type=past&from=2026-10-01&"
	    "to=2026-10-30&page_size=300\n"
	    "metrics_meetings /metrics/meetings?type=past&from=2026-10-31&"
	    "to=2026-11-15&page_size=300\n");
	zp_buf_reset(&b);
	p.streams = 1u << FETCH_PHONE;
	CHECK_INT(fetch_plan_roots(&p, collect_task, &b), 0);
	CHECK(strstr(b.data, "/users") == NULL);
	zp_buf_release(&b);
}

/* children runs the plan on one page body of kind k. */
static void
children(const struct fetch_plan *p, enum fetch_kind k, const char *body,
    struct zp_buf *out)
{
	struct zp_arena arena = {0};
	struct zp_json_parser parser;
	struct zp_json *root;

	zp_json_parser_init(&parser, &arena);
	CHECK_INT(zp_json_parse(&parser, body, strlen(body), &root), 0);
	CHECK_INT(fetch_plan_children(p, k, root, collect_task, out), 0);
	zp_json_parser_release(&parser);
	zp_arena_release(&arena);
}

TEST(fetch_plan_users_lead_to_their_listings)
{
	struct zp_buf b = ZP_BUF_INIT;
	struct fetch_plan p;

	a_plan(&p);
	p.streams = (1u << FETCH_PAST_MEETINGS) | (1u << FETCH_WEBINARS) |
	    (1u << FETCH_RECORDINGS) | (1u << FETCH_MEETINGS);
	fetch_day_parse("2026-11-01", &p.report.since); /* clamped */
	children(&p, FK_USERS,
	    "{\"users\":[{\"id\":\"u+1\",\"status\":\"active\"},"
	    "{\"id\":\"p\",\"status\":\"pending\"},{\"status\":\"active\"},"
	    "7]}",
	    &b);
	CHECK_STR(b.data,
	    "user_meetings /users/u%2B1/meetings?type=scheduled&"
	    "page_size=300\n"
	    "report_meetings /report/users/u%2B1/meetings?type=past&"
	    "from=2026-11-01&to=2026-11-15&page_size=300\n"
	    "user_webinars /users/u%2B1/webinars?page_size=300\n"
	    "recordings /users/u%2B1/recordings?from=2026-10-01&"
	    "to=2026-10-30&page_size=300\n"
	    "recordings /users/u%2B1/recordings?from=2026-10-31&"
	    "to=2026-11-15&page_size=300\n");
	zp_buf_release(&b);
}

TEST(fetch_plan_instances_double_encoded)
{
	struct zp_buf b = ZP_BUF_INIT;
	struct fetch_plan p;

	a_plan(&p);
	p.page_size = 50;
	children(&p, FK_REPORT_MEETINGS,
	    "{\"meetings\":[{\"uuid\":\"/ab==\"},{\"uuid\":\"a//b\"},"
	    "{\"uuid\":\"a/b+c\"}]}",
	    &b);
	CHECK_STR(b.data,
	    "past_meeting /past_meetings/%252Fab%253D%253D\n"
	    "past_participants /past_meetings/%252Fab%253D%253D/"
	    "participants?page_size=50\n"
	    "past_meeting /past_meetings/a%252F%252Fb\n"
	    "past_participants /past_meetings/a%252F%252Fb/participants?"
	    "page_size=50\n"
	    "past_meeting /past_meetings/a%2Fb%2Bc\n"
	    "past_participants /past_meetings/a%2Fb%2Bc/participants?"
	    "page_size=50\n");
	zp_buf_reset(&b);
	p.report_participants = 1;
	children(
	    &p, FK_REPORT_MEETINGS, "{\"meetings\":[{\"uuid\":\"x\"}]}", &b);
	CHECK_STR(b.data,
	    "past_meeting /past_meetings/x\n"
	    "report_participants /report/meetings/x/participants?"
	    "page_size=50\n");
	zp_buf_release(&b);
}

TEST(fetch_plan_webinar_instances_in_window)
{
	struct zp_buf b = ZP_BUF_INIT;
	struct fetch_plan p;

	a_plan(&p);
	children(&p, FK_USER_WEBINARS, "{\"webinars\":[{\"id\":912}]}", &b);
	CHECK_STR(b.data, "webinar_instances /past_webinars/912/instances\n");
	zp_buf_reset(&b);
	children(&p, FK_WEBINAR_INSTANCES,
	    "{\"webinars\":[{\"uuid\":\"old\",\"start_time\":"
	    "\"2026-09-30T23:00:00Z\"},{\"uuid\":\"in\",\"start_time\":"
	    "\"2026-10-01T00:00:00Z\"}]}",
	    &b);
	CHECK_STR(b.data,
	    "webinar_participants /past_webinars/in/"
	    "participants?page_size=300\n");
	zp_buf_release(&b);
}

/* --- the limiter ------------------------------------------------------- */

TEST(fetch_limiter_sliding_window)
{
	struct fetch_limiter *l = NULL;
	int i;

	/* Pro, Heavy: 10 a second; share 0.5 stretches the window to 2 s
	 * (plus a 50 ms margin). */
	CHECK_INT(fetch_limiter_new(&l, 1, 0.5), 0);
	for (i = 0; i < 10; i++) {
		CHECK(fetch_limiter_wait(l, FETCH_HEAVY, 100.0) == 0);
		fetch_limiter_take(l, FETCH_HEAVY, 100.0);
	}
	CHECK(fetch_limiter_wait(l, FETCH_HEAVY, 100.0) > 2.04);
	CHECK(fetch_limiter_wait(l, FETCH_HEAVY, 100.0) < 2.06);
	CHECK(fetch_limiter_wait(l, FETCH_HEAVY, 102.1) == 0);
	/* Other categories are not affected. */
	CHECK(fetch_limiter_wait(l, FETCH_LIGHT, 100.0) == 0);
	CHECK(fetch_limiter_rate(l, FETCH_HEAVY) > 4.8);
	CHECK(fetch_limiter_rate(l, FETCH_HEAVY) < 5.0);
	fetch_limiter_free(&l);
	CHECK(l == NULL);
	CHECK_INT(fetch_limiter_new(&l, 1, 0), ZP_EINVAL);
	CHECK_INT(fetch_limiter_new(&l, 7, 0.8), ZP_EINVAL);
}

TEST(fetch_limiter_pause_and_headers)
{
	struct fetch_limiter *l = NULL;

	CHECK_INT(fetch_limiter_new(&l, 1, 1), 0);
	fetch_limiter_pause(l, FETCH_MEDIUM, 10.0, 1.5);
	CHECK(fetch_limiter_wait(l, FETCH_MEDIUM, 10.0) == 1.5);
	CHECK(fetch_limiter_wait(l, FETCH_MEDIUM, 11.5) == 0);
	/* A QPS limit below the plan's wins: 2 a second for Light. */
	CHECK_INT(fetch_limiter_learn(l, FETCH_LIGHT, "QPS", "2", "1", 0), 0);
	fetch_limiter_take(l, FETCH_LIGHT, 20.0);
	fetch_limiter_take(l, FETCH_LIGHT, 20.0);
	CHECK(fetch_limiter_wait(l, FETCH_LIGHT, 20.0) > 1.0);
	/* A daily budget: what is left, less what is in flight, then
	 * spent. */
	CHECK_INT(fetch_limiter_learn(
		      l, FETCH_HEAVY, "Daily-limit", "30000", "3", 1),
	    0);
	CHECK(!fetch_limiter_spent(l, FETCH_HEAVY));
	fetch_limiter_take(l, FETCH_HEAVY, 30.0);
	CHECK(!fetch_limiter_spent(l, FETCH_HEAVY));
	fetch_limiter_take(l, FETCH_HEAVY, 30.0);
	CHECK(fetch_limiter_spent(l, FETCH_HEAVY));
	CHECK(fetch_limiter_wait(l, FETCH_HEAVY, 30.0) < 0);
	CHECK_INT(fetch_limiter_learn(
		      l, FETCH_RESOURCE, "Daily-limit", "30000", "0", 0),
	    1);
	fetch_limiter_stop(l, FETCH_MEDIUM);
	CHECK(fetch_limiter_stopped(l, FETCH_MEDIUM));
	CHECK(fetch_limiter_wait(l, FETCH_MEDIUM, 99.0) < 0);
	fetch_limiter_free(&l);
}

/* --- keys -------------------------------------------------------------- */

TEST(keys_grow)
{
	struct zp_keys *k = NULL;
	char key[32];
	long i;

	CHECK_INT(zp_keys_new(&k), 0);
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "acme\t/p/%ld", i);
		CHECK_INT(zp_keys_put(k, key, i), 0);
	}
	CHECK_INT(zp_keys_count(k), 5000);
	CHECK_INT(zp_keys_get(k, "acme\t/p/4321"), 4321);
	CHECK_INT(zp_keys_get(k, "acme\t/p/5000"), -1);
	CHECK_INT(zp_keys_put(k, "acme\t/p/7", 70), 0);
	CHECK_INT(zp_keys_get(k, "acme\t/p/7"), 70);
	CHECK_INT(zp_keys_count(k), 5000);
	zp_keys_free(&k);
	CHECK(k == NULL);
}

/* --- state ------------------------------------------------------------- */

/* One task replayed from a journal. */
static int
collect_journal(void *arg, const char *account, enum fetch_kind kind,
    const char *path, int done)
{
	return zp_buf_printf(arg, "%s %s %s%s\n", account,
	    fetch_kind_info(kind)->name, path, done ? " done" : "");
}

/* temp_state makes a fresh directory and the state path in it. */
static void
temp_state(char dir[64], char path[96])
{
	snprintf(dir, 64, "/tmp/zp-fetch-test.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, 96, "%s/state.json", dir);
}

/* remove_state deletes the files temp_state's directory may hold. */
static void
remove_state(const char *dir, const char *path)
{
	char j[128];

	snprintf(j, sizeof(j), "%s.journal", path);
	unlink(j);
	unlink(path);
	rmdir(dir);
}

TEST(fetch_state_journal_round_trip)
{
	struct zp_buf why = ZP_BUF_INIT, b = ZP_BUF_INIT;
	struct zp_capture cap;
	struct fetch_state *s = NULL;
	char dir[64], path[96], journal[128];
	long since, until, d;
	unsigned streams;
	FILE *f;

	temp_state(dir, path);
	CHECK_INT(fetch_state_open(&s, path, &why), 0);
	CHECK_INT(fetch_state_pending(s, &since, &until, &streams), 0);
	fetch_day_parse("2026-11-01", &d);
	CHECK_INT(fetch_state_begin(s, d, d + 21, 5), 0);
	CHECK_INT(fetch_state_add(s, "acme", FK_USERS, "/users?a=1"), 0);
	CHECK_INT(fetch_state_add(s, "acme", FK_PAST_MEETING, "/p/x"), 0);
	CHECK_INT(fetch_state_add(s, "beta", FK_USERS, "/users?a=1"), 0);
	CHECK_INT(fetch_state_done(s, "acme", "/users?a=1"), 0);
	CHECK_INT(fetch_state_sync(s), 0);
	fetch_state_free(&s);
	/* A torn last line, as after a crash, is skipped. */
	snprintf(journal, sizeof(journal), "%s.journal", path);
	f = fopen(journal, "a");
	fputs("{\"t\":\"done\",\"a\":\"ac", f);
	fclose(f);
	CHECK_INT(zp_capture_begin(&cap), 0);
	CHECK_INT(fetch_state_open(&s, path, &why), 0);
	zp_capture_end(&cap, &b);
	CHECK(strstr(b.data,
		  "state.json.journal: skipped 1 unreadable line "
		  "of 6\n") != NULL);
	zp_buf_reset(&b);
	CHECK_INT(fetch_state_pending(s, &since, &until, &streams), 1);
	CHECK_INT(since, d);
	CHECK_INT(until, d + 21);
	CHECK_INT(streams, 5);
	CHECK_INT(fetch_state_replay(s, collect_journal, &b), 0);
	CHECK_STR(b.data,
	    "acme users /users?a=1 done\n"
	    "acme past_meeting /p/x\n"
	    "beta users /users?a=1\n");
	/* The end of the run: watermarks saved, the journal gone. */
	CHECK_INT(
	    fetch_state_set_watermark(s, "acme", FETCH_USERS, d + 21), 0);
	CHECK_INT(fetch_state_set_watermark(s, "beta", FETCH_USERS, d), 0);
	CHECK_INT(fetch_state_finish(s, &why), 0);
	fetch_state_free(&s);
	CHECK(access(journal, F_OK) != 0);
	CHECK_INT(fetch_state_open(&s, path, &why), 0);
	CHECK_INT(fetch_state_pending(s, &since, &until, &streams), 0);
	CHECK_INT(fetch_state_watermark(s, "acme", FETCH_USERS), d + 21);
	CHECK_INT(fetch_state_watermark(s, "beta", FETCH_USERS), d);
	CHECK_INT(fetch_state_watermark(s, "beta", FETCH_PHONE), -1);
	fetch_state_free(&s);
	zp_buf_release(&why);
	zp_buf_release(&b);
	remove_state(dir, path);
}

TEST(fetch_state_bad_file)
{
	struct zp_buf why = ZP_BUF_INIT;
	struct fetch_state *s = NULL;
	char dir[64], path[96];
	FILE *f;

	temp_state(dir, path);
	f = fopen(path, "w");
	fputs("{\"accounts\":{\"acme\":{\"users\":\"not a date\"}}}", f);
	fclose(f);
	CHECK_INT(fetch_state_open(&s, path, &why), ZP_ECONFIG);
	CHECK(s == NULL);
	CHECK(strstr(why.data, "not a zp-fetch state file") != NULL);
	zp_buf_release(&why);
	remove_state(dir, path);
}

/* --- concurrent HTTP against an in-process zp-sim ---------------------- */

TEST(http_multi_runs_exchanges_at_once)
{
	struct zp_http_response rs[6] = {ZP_HTTP_RESPONSE_INIT,
	    ZP_HTTP_RESPONSE_INIT, ZP_HTTP_RESPONSE_INIT,
	    ZP_HTTP_RESPONSE_INIT, ZP_HTTP_RESPONSE_INIT,
	    ZP_HTTP_RESPONSE_INIT};
	struct zp_http_request rq = {0};
	struct zp_http_multi *m = NULL;
	int seen[6] = {0}, rc, i, done = 0, turns = 0;
	void *tag;

	CHECK_INT(zp_http_multi_new(&m, 4), 0);
	/* Nothing listens on port 9 of 127.0.0.1: every exchange fails,
	 * each handed back once with its tag. */
	rq.url = "http://127.0.0.1:9/x";
	rq.connect_timeout_ms = 2000;
	for (i = 0; i < 4; i++)
		CHECK_INT(zp_http_multi_add(m, &rq, &rs[i], &seen[i]), 0);
	CHECK_INT(zp_http_multi_add(m, &rq, &rs[4], &seen[4]), ZP_ETOOBIG);
	CHECK_INT(zp_http_multi_running(m), 4);
	while (done < 4 && turns++ < 1000) {
		CHECK_INT(zp_http_multi_wait(m, 100), 0);
		while (zp_http_multi_next(m, &tag, &rc)) {
			CHECK_INT(rc, ZP_ETRANSPORT);
			(*(int *)tag)++;
			done++;
		}
	}
	for (i = 0; i < 4; i++)
		CHECK_INT(seen[i], 1);
	CHECK(rs[0].error[0] != '\0');
	CHECK_INT(zp_http_multi_running(m), 0);
	/* Slots are free again. */
	CHECK_INT(zp_http_multi_add(m, &rq, &rs[5], &seen[5]), 0);
	zp_http_multi_free(&m);
	CHECK(m == NULL);
	for (i = 0; i < 6; i++)
		zp_http_response_release(&rs[i]);
}
