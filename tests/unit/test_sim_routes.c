/*
 * test_sim_routes.c - zp-sim's Zoom endpoints, called through
 * sim_route_handle on a small generated organization: paths and
 * categories, paging and page tokens, UUID encoding, report windows and
 * Zoom's errors, each checked against the org itself.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "error.h"
#include "json.h"
#include "org.h"
#include "render.h"
#include "sim.h"
#include "url.h"

#define T_NOW ((time_t)1795316400) /* 2026-11-22T03:00:00Z */
#define T_DAY 86400

/* --- fixtures -------------------------------------------------------- */

/* sim_open generates an org of users and days into s; 0 or -1. */
static int
sim_open(struct sim *s, int users, int days)
{
	memset(s, 0, sizeof(*s));
	s->cfg.org.seed = 42;
	s->cfg.org.users = users;
	s->cfg.org.days = days;
	s->cfg.org.future_days = 14;
	s->cfg.org.plan = SIM_PLAN_BUSINESS;
	s->cfg.org.now = T_NOW;
	s->cfg.org.account_id = "acme";
	s->cfg.org.domain = "acme.example";
	s->cfg.base_path = "/v2";
	s->cfg.page_token_ttl = 900;
	if (sim_org_generate(&s->org, &s->cfg.org) != 0)
		return -1;
	return sim_pages_new(&s->pages) == 0 ? 0 : -1;
}

/* sim_close frees what sim_open made. */
static void
sim_close(struct sim *s)
{
	sim_pages_free(&s->pages);
	sim_org_free(&s->org);
}

/* One answer: status, category, body and its DOM (root NULL if the body
 * is not JSON). */
struct got {
	int status;
	enum sim_category category;
	struct zp_buf body;
	struct zp_arena arena;
	struct zp_json *root;
};

/* ask sends GET path?query at clock now, with the page token marked
 * expired if expire is set. */
static void
ask(struct sim *s, const char *path, const char *query, time_t now, int expire,
    struct got *g)
{
	struct sim_request rq;
	struct sim_response rs;
	struct zp_json_parser p;

	memset(&rq, 0, sizeof(rq));
	memset(&rs, 0, sizeof(rs));
	memset(g, 0, sizeof(*g));
	rq.method = "GET";
	rq.path = path;
	rq.raw_path = path;
	rq.query = query ? query : "";
	rq.body = "";
	rq.now = now;
	rq.expire_page_token = expire;
	rs.category = SIM_CAT_NONE;
	sim_route_handle(s, &rq, &rs);
	g->status = rs.status;
	g->category = rs.category;
	g->body = rs.body;
	zp_json_parser_init(&p, &g->arena);
	if (g->body.data == NULL ||
	    zp_json_parse(&p, g->body.data, g->body.len, &g->root) != 0)
		g->root = NULL;
	zp_json_parser_release(&p);
}

/* get asks at the fixture's clock. */
static void
get(struct sim *s, const char *path, const char *query, struct got *g)
{
	ask(s, path, query, T_NOW, 0, g);
}

/* got_free frees an answer. */
static void
got_free(struct got *g)
{
	zp_arena_release(&g->arena);
	zp_buf_release(&g->body);
	g->root = NULL;
}

/* jnum reads number member key of v, or -1 when there is none. */
static long long
jnum(const struct zp_json *v, const char *key)
{
	const struct zp_json *m = v ? zp_json_get(v, key) : NULL;
	char s[32];

	if (m == NULL || m->type != ZP_JSON_NUMBER || m->n >= sizeof(s))
		return -1;
	memcpy(s, m->u.s, m->n);
	s[m->n] = '\0';
	return strtoll(s, NULL, 10);
}

/* jstr copies string member key of v into out; "(none)" if absent. */
static const char *
jstr(const struct zp_json *v, const char *key, char *out, size_t n)
{
	const struct zp_json *m = v ? zp_json_get(v, key) : NULL;

	if (m == NULL || m->type != ZP_JSON_STRING || m->n >= n)
		return "(none)";
	memcpy(out, m->u.s, m->n);
	out[m->n] = '\0';
	return out;
}

/* jarr is array member key of v, or NULL. */
static const struct zp_json *
jarr(const struct zp_json *v, const char *key)
{
	const struct zp_json *m = v ? zp_json_get(v, key) : NULL;

	return m && m->type == ZP_JSON_ARRAY ? m : NULL;
}

/* check_error checks a Zoom error answer. */
#define CHECK_ERROR(g, st, code, msg)                                         \
	do {                                                                  \
		char m_[256];                                                 \
		CHECK_INT((g)->status, (st));                                 \
		CHECK_INT(jnum((g)->root, "code"), (code));                   \
		CHECK_STR(jstr((g)->root, "message", m_, sizeof(m_)), (msg)); \
	} while (0)

/* uuid_once is uuid percent-encoded once, in a static buffer. */
static const char *
uuid_once(const char *uuid)
{
	static struct zp_buf b;

	zp_buf_release(&b);
	zp_url_encode(&b, uuid, strlen(uuid));
	return b.data;
}

/* uuid_twice is uuid percent-encoded twice, in a static buffer. */
static const char *
uuid_twice(const char *uuid)
{
	static struct zp_buf b;
	struct zp_buf once = ZP_BUF_INIT;

	zp_buf_release(&b);
	zp_url_encode(&once, uuid, strlen(uuid));
	zp_url_encode(&b, once.data, once.len);
	zp_buf_release(&once);
	return b.data;
}

/* needs_double tells whether Zoom wants uuid encoded twice. */
static int
needs_double(const char *uuid)
{
	return uuid[0] == '/' || strstr(uuid, "//") != NULL;
}

/* find_instance is the first ended meeting instance with at least
 * min_persons persons (and needs_double as asked, -1 for either); -1. */
static long
find_instance(const struct sim_org *org, int min_persons, int dbl)
{
	const struct sim_instance *in;
	size_t i;

	for (i = 0; i < org->n_instances; i++) {
		in = &org->instances[i];
		if (in->end <= T_NOW && in->persons >= min_persons &&
		    (dbl < 0 || needs_double(in->uuid) == dbl))
			return (long)i;
	}
	return -1;
}

/* latest_ended is the latest instance of meeting m ended by T_NOW. */
static long
latest_ended(const struct sim_org *org, size_t m)
{
	const struct sim_meeting *mt = &org->meetings[m];
	long best = -1;
	size_t k;

	for (k = mt->first_instance; k < mt->first_instance + mt->n_instances;
	     k++)
		if (org->instances[k].end <= T_NOW &&
		    (best < 0 ||
			org->instances[k].start >= org->instances[best].start))
			best = (long)k;
	return best;
}

/* --- dispatch -------------------------------------------------------- */

TEST(sim_routes_category)
{
	CHECK_INT(sim_route_category("GET", "/users"), SIM_CAT_MEDIUM);
	CHECK_INT(sim_route_category("GET", "/users/me"), SIM_CAT_LIGHT);
	CHECK_INT(
	    sim_route_category("GET", "/users/me/meetings"), SIM_CAT_MEDIUM);
	CHECK_INT(
	    sim_route_category("GET", "/users/x/webinars"), SIM_CAT_MEDIUM);
	CHECK_INT(
	    sim_route_category("GET", "/users/x/recordings"), SIM_CAT_MEDIUM);
	CHECK_INT(sim_route_category("GET", "/meetings/123"), SIM_CAT_LIGHT);
	CHECK_INT(sim_route_category("GET", "/past_meetings/%252Fa%253D%253D"),
	    SIM_CAT_LIGHT);
	CHECK_INT(sim_route_category("GET", "/past_meetings/1/instances"),
	    SIM_CAT_MEDIUM);
	CHECK_INT(sim_route_category("GET", "/past_meetings/1/participants"),
	    SIM_CAT_MEDIUM);
	CHECK_INT(sim_route_category("GET", "/past_webinars/1/participants"),
	    SIM_CAT_MEDIUM);
	CHECK_INT(sim_route_category("GET", "/report/users/me/meetings"),
	    SIM_CAT_HEAVY);
	CHECK_INT(
	    sim_route_category("GET", "/report/meetings/1"), SIM_CAT_HEAVY);
	CHECK_INT(sim_route_category("GET", "/report/meetings/1/participants"),
	    SIM_CAT_HEAVY);
	CHECK_INT(sim_route_category("GET", "/report/webinars/1/participants"),
	    SIM_CAT_HEAVY);
	CHECK_INT(
	    sim_route_category("GET", "/metrics/meetings"), SIM_CAT_RESOURCE);
	CHECK_INT(
	    sim_route_category("GET", "/metrics/meetings/1/participants"),
	    SIM_CAT_HEAVY);
	CHECK_INT(
	    sim_route_category("GET", "/phone/call_history"), SIM_CAT_HEAVY);
	CHECK_INT(
	    sim_route_category("GET", "/users?page_size=3"), SIM_CAT_MEDIUM);
	CHECK_INT(sim_route_category("POST", "/users"), SIM_CAT_NONE);
	CHECK_INT(sim_route_category("GET", "/users/"), SIM_CAT_NONE);
	CHECK_INT(sim_route_category("GET", "/users//meetings"), SIM_CAT_NONE);
	CHECK_INT(
	    sim_route_category("GET", "/past_meetings//a==/participants"),
	    SIM_CAT_NONE);
	CHECK_INT(sim_route_category("GET", "/nope"), SIM_CAT_NONE);
	CHECK_INT(sim_route_category("GET", ""), SIM_CAT_NONE);
}

TEST(sim_routes_unknown_path)
{
	struct sim s;
	struct got g;

	if (sim_open(&s, 5, 30) != 0) {
		CHECK(!"sim_open");
		return;
	}
	get(&s, "/users/me/zak", NULL, &g);
	CHECK_ERROR(&g, 404, 404, "Not Found");
	CHECK_INT(g.category, SIM_CAT_NONE);
	got_free(&g);
	get(&s, "/past_meetings/%2Fab%3D%3D/participants/x", NULL, &g);
	CHECK_ERROR(&g, 404, 404, "Not Found");
	got_free(&g);
	get(&s, "/users", NULL, &g);
	CHECK_INT(g.status, 200);
	CHECK_INT(g.category, SIM_CAT_MEDIUM);
	got_free(&g);
	sim_close(&s);
}

/* --- users ----------------------------------------------------------- */

/* count_status counts the users of org with status. */
static long
count_status(const struct sim_org *org, const char *status)
{
	long n = 0;
	size_t i;

	for (i = 0; i < org->n_users; i++)
		n += strcmp(org->users[i].status, status) == 0;
	return n;
}

TEST(sim_routes_users_status)
{
	static const char *const statuses[] = {
	    "active", "inactive", "pending"};
	char q[64], st[16];
	const struct zp_json *a;
	struct sim s;
	struct got g;
	size_t i, k;

	if (sim_open(&s, 40, 30) != 0) {
		CHECK(!"sim_open");
		return;
	}
	get(&s, "/users", "page_size=300", &g);
	CHECK_INT(g.status, 200);
	CHECK_INT(
	    jnum(g.root, "total_records"), count_status(&s.org, "active"));
	CHECK_INT(jnum(g.root, "page_number"), 1);
	got_free(&g);
	for (i = 0; i < 3; i++) {
		snprintf(q, sizeof(q), "status=%s&page_size=300", statuses[i]);
		get(&s, "/users", q, &g);
		a = jarr(g.root, "users");
		CHECK(a != NULL);
		CHECK_INT(jnum(g.root, "total_records"),
		    count_status(&s.org, statuses[i]));
		for (k = 0; a && k < a->n; k++)
			CHECK_STR(
			    jstr(&a->u.items[k], "status", st, sizeof(st)),
			    statuses[i]);
		got_free(&g);
	}
	get(&s, "/users", "status=deleted", &g);
	CHECK_ERROR(&g, 400, 300, "Invalid parameter: status.");
	got_free(&g);
	sim_close(&s);
}

TEST(sim_routes_users_pages)
{
	char q[128], tok[64], id[32], prev[32] = "";
	const struct zp_json *a;
	struct sim s;
	struct got g;
	long seen = 0, pages = 0, total;
	size_t k;

	if (sim_open(&s, 40, 30) != 0) {
		CHECK(!"sim_open");
		return;
	}
	total = count_status(&s.org, "active");
	snprintf(q, sizeof(q), "page_size=7");
	for (;;) {
		get(&s, "/users", q, &g);
		CHECK_INT(g.status, 200);
		CHECK_INT(jnum(g.root, "page_size"), 7);
		CHECK_INT(jnum(g.root, "page_count"), (total + 6) / 7);
		CHECK_INT(jnum(g.root, "total_records"), total);
		a = jarr(g.root, "users");
		for (k = 0; a && k < a->n; k++) {
			jstr(&a->u.items[k], "id", id, sizeof(id));
			CHECK(strcmp(prev, id) != 0);
			snprintf(prev, sizeof(prev), "%s", id);
			seen++;
		}
		pages++;
		jstr(g.root, "next_page_token", tok, sizeof(tok));
		got_free(&g);
		if (tok[0] == '\0' || pages > 100)
			break;
		CHECK_INT(strlen(tok), SIM_PAGE_TOKEN_LEN);
		snprintf(q, sizeof(q), "page_size=7&next_page_token=%s", tok);
	}
	CHECK_INT(seen, total);
	CHECK_INT(pages, (total + 6) / 7);
	/* page_number is the older way to the same pages */
	get(&s, "/users", "page_size=7&page_number=2", &g);
	CHECK_INT(jnum(g.root, "page_number"), 2);
	CHECK_INT(
	    jarr(g.root, "users") ? (long long)jarr(g.root, "users")->n : -1,
	    total > 14 ? 7 : total - 7);
	got_free(&g);
	sim_close(&s);
}

TEST(sim_routes_page_size)
{
	struct sim s;
	struct got g;

	if (sim_open(&s, 5, 30) != 0) {
		CHECK(!"sim_open");
		return;
	}
	get(&s, "/users", "page_size=1000", &g);
	CHECK_INT(jnum(g.root, "page_size"), 300);
	got_free(&g);
	get(&s, "/users", NULL, &g);
	CHECK_INT(jnum(g.root, "page_size"), 30);
	got_free(&g);
	get(&s, "/users", "page_size=99999999999999999999", &g);
	CHECK_INT(jnum(g.root, "page_size"), 300);
	got_free(&g);
	get(&s, "/users", "page_size=ten", &g);
	CHECK_ERROR(&g, 400, 300, "Invalid parameter: page_size.");
	got_free(&g);
	get(&s, "/users", "page_size=%zz", &g);
	CHECK_ERROR(&g, 400, 300, "Invalid parameter: page_size.");
	got_free(&g);
	sim_close(&s);
}

/* first_token asks /users for 1 item a page and returns the token. */
static void
first_token(struct sim *s, const char *query, char tok[64])
{
	struct got g;

	get(s, "/users", query, &g);
	jstr(g.root, "next_page_token", tok, 64);
	got_free(&g);
}

TEST(sim_routes_page_token_rules)
{
	char tok[64], again[64], q[160];
	struct sim s, s2;
	struct got g;

	if (sim_open(&s, 12, 30) != 0 || sim_open(&s2, 12, 30) != 0) {
		CHECK(!"sim_open");
		return;
	}
	first_token(&s, "page_size=1", tok);
	first_token(&s, "page_size=1", again);
	CHECK_STR(again, tok);
	first_token(&s2, "page_size=1", again);
	CHECK_STR(again, tok); /* same seed, same listing, same token */
	first_token(&s, "page_size=2", again);
	CHECK(strcmp(again, tok) != 0); /* another offset */

	snprintf(q, sizeof(q), "page_size=1&next_page_token=%s", tok);
	get(&s, "/users", q, &g);
	CHECK_INT(g.status, 200);
	got_free(&g);
	ask(&s, "/users", q, T_NOW, 1, &g);
	CHECK_ERROR(
	    &g, 400, 300, "The next page token is invalid or expired.");
	got_free(&g);
	snprintf(q, sizeof(q), "status=pending&next_page_token=%s", tok);
	get(&s, "/users", q, &g);
	CHECK_ERROR(
	    &g, 400, 300, "The next page token is invalid or expired.");
	got_free(&g);
	get(&s, "/users", "next_page_token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    &g);
	CHECK_ERROR(
	    &g, 400, 300, "The next page token is invalid or expired.");
	got_free(&g);
	/* s2 never handed this token out */
	snprintf(q, sizeof(q), "page_size=1&next_page_token=%s", tok);
	sim_pages_free(&s2.pages);
	sim_pages_new(&s2.pages);
	get(&s2, "/users", q, &g);
	CHECK_ERROR(
	    &g, 400, 300, "The next page token is invalid or expired.");
	got_free(&g);
	/* a token older than the ttl has expired */
	s.cfg.page_token_ttl = 0;
	get(&s, "/users", q, &g);
	CHECK_ERROR(
	    &g, 400, 300, "The next page token is invalid or expired.");
	got_free(&g);
	sim_close(&s);
	sim_close(&s2);
}

TEST(sim_routes_pages_store)
{
	char t1[SIM_PAGE_TOKEN_LEN + 1], t2[SIM_PAGE_TOKEN_LEN + 1];
	struct sim_pages *p = NULL;
	size_t off = 0;
	char key[32];
	int i;

	CHECK_INT(sim_pages_new(&p), 0);
	for (i = 0; i < 2000; i++) { /* grows the table a few times */
		snprintf(key, sizeof(key), "listing-%d", i % 7);
		CHECK_INT(sim_pages_issue(p, 7, key, (size_t)i, t1), 0);
	}
	CHECK_INT(sim_pages_issue(p, 7, "a", 30, t1), 0);
	CHECK_INT(sim_pages_issue(p, 8, "a", 30, t2), 0);
	CHECK(strcmp(t1, t2) != 0);
	CHECK_INT(sim_pages_redeem(p, t1, "a", 900, &off), 0);
	CHECK_INT(off, 30);
	CHECK_INT(sim_pages_redeem(p, t1, "b", 900, &off), ZP_ENOTFOUND);
	CHECK_INT(sim_pages_redeem(p, "short", "a", 900, &off), ZP_ENOTFOUND);
	snprintf(key, sizeof(key), "listing-3");
	CHECK_INT(sim_pages_issue(p, 7, key, 1998, t2), 0);
	CHECK_INT(sim_pages_redeem(p, t2, key, 900, &off), 0);
	CHECK_INT(off, 1998);
	sim_pages_free(&p);
	CHECK(p == NULL);
	sim_pages_free(&p);
}

TEST(sim_routes_user_lookup)
{
	char path[256], v[128];
	const struct sim_user *u;
	struct sim s;
	struct got g;

	if (sim_open(&s, 8, 30) != 0) {
		CHECK(!"sim_open");
		return;
	}
	u = &s.org.users[3];
	snprintf(path, sizeof(path), "/users/%s", u->id);
	get(&s, path, NULL, &g);
	CHECK_INT(g.status, 200);
	CHECK_STR(jstr(g.root, "email", v, sizeof(v)), u->email);
	CHECK_INT(jnum(g.root, "pmi"), (long long)u->pmi);
	CHECK_STR(jstr(g.root, "account_id", v, sizeof(v)), "acme");
	got_free(&g);
	snprintf(path, sizeof(path), "/users/%s", uuid_once(u->email));
	get(&s, path, NULL, &g);
	CHECK_STR(jstr(g.root, "id", v, sizeof(v)), u->id);
	got_free(&g);
	get(&s, "/users/me", NULL, &g);
	CHECK_STR(jstr(g.root, "id", v, sizeof(v)), s.org.users[0].id);
	CHECK_STR(jstr(g.root, "role_name", v, sizeof(v)), "Owner");
	got_free(&g);
	get(&s, "/users/nobody%40acme.example", NULL, &g);
	CHECK_ERROR(
	    &g, 404, 1001, "User does not exist: nobody@acme.example.");
	got_free(&g);
	get(&s, "/users/bad%zz", NULL, &g);
	CHECK_ERROR(&g, 404, 1001, "User does not exist: bad%zz.");
	got_free(&g);
	sim_close(&s);
}

/* --- meetings -------------------------------------------------------- */

/* upcoming tells whether meeting m is under way or still to come. */
static int
upcoming(const struct sim_org *org, long m)
{
	const struct sim_meeting *mt;
	size_t k;

	if (m < 0)
		return 0;
	mt = &org->meetings[m];
	if (mt->start_time >= T_NOW)
		return 1;
	for (k = 0; k < mt->n_instances; k++)
		if (org->instances[mt->first_instance + k].end > T_NOW)
			return 1;
	return 0;
}

TEST(sim_routes_user_meetings_scheduled_only)
{
	const struct sim_meeting *m;
	const struct zp_json *a;
	char path[128];
	struct sim s;
	struct got g;
	long want, u, k;
	size_t i;

	if (sim_open(&s, 20, 60) != 0) {
		CHECK(!"sim_open");
		return;
	}
	for (u = 0; u < 5; u++) {
		want = 0;
		for (i = 0; i < s.org.n_meetings; i++) {
			m = &s.org.meetings[i];
			want += m->host == u && m->listed &&
			    m->created_at <= T_NOW;
		}
		snprintf(path, sizeof(path), "/users/%s/meetings",
		    s.org.users[u].id);
		get(&s, path, "page_size=300", &g);
		CHECK_INT(g.status, 200);
		CHECK_INT(jnum(g.root, "total_records"), want);
		a = jarr(g.root, "meetings");
		for (k = 0; a && k < (long)a->n; k++) {
			long mi = sim_org_meeting(
			    &s.org, (uint64_t)jnum(&a->u.items[k], "id"));

			CHECK(mi >= 0);
			CHECK(jnum(&a->u.items[k], "type") !=
			    SIM_MEETING_INSTANT);
			if (mi >= 0)
				CHECK(s.org.meetings[mi].listed);
		}
		got_free(&g);
	}
	get(&s, "/users/me/meetings", "type=upcoming&page_size=300", &g);
	CHECK_INT(g.status, 200);
	a = jarr(g.root, "meetings");
	for (k = 0; a && k < (long)a->n; k++)
		CHECK(upcoming(&s.org,
		    sim_org_meeting(
			&s.org, (uint64_t)jnum(&a->u.items[k], "id"))));
	got_free(&g);
	get(&s, "/users/me/meetings", "type=previous_meetings&page_size=300",
	    &g);
	CHECK_INT(g.status, 200);
	a = jarr(g.root, "meetings");
	for (k = 0; a && k < (long)a->n; k++) {
		long mi = sim_org_meeting(
		    &s.org, (uint64_t)jnum(&a->u.items[k], "id"));

		CHECK(mi >= 0 && s.org.meetings[mi].start_time < T_NOW);
	}
	got_free(&g);
	get(&s, "/users/me/meetings", "type=past", &g);
	CHECK_ERROR(&g, 400, 300, "Invalid parameter: type.");
	got_free(&g);
	get(&s, "/users/nobody/meetings", NULL, &g);
	CHECK_ERROR(&g, 404, 1001, "User does not exist: nobody.");
	got_free(&g);
	sim_close(&s);
}

TEST(sim_routes_meeting_get)
{
	const struct sim_meeting *m = NULL;
	const struct sim_instance *in;
	char path[128], v[64];
	struct sim s;
	struct got g;
	size_t i;

	if (sim_open(&s, 20, 60) != 0) {
		CHECK(!"sim_open");
		return;
	}
	for (i = 0; i < s.org.n_meetings && m == NULL; i++)
		if (s.org.meetings[i].type == SIM_MEETING_RECURRING &&
		    s.org.meetings[i].n_instances > 1)
			m = &s.org.meetings[i];
	CHECK(m != NULL);
	if (m == NULL)
		goto out;
	snprintf(
	    path, sizeof(path), "/meetings/%llu", (unsigned long long)m->id);
	get(&s, path, NULL, &g);
	CHECK_INT(g.status, 200);
	CHECK_INT(jnum(g.root, "id"), (long long)m->id);
	CHECK_STR(
	    jstr(g.root, "host_id", v, sizeof(v)), s.org.users[m->host].id);
	CHECK_STR(jstr(g.root, "topic", v, sizeof(v)), m->topic);
	CHECK(strstr(jstr(g.root, "join_url", v, sizeof(v)), m->password));
	got_free(&g);
	in = &s.org.instances[m->first_instance];
	snprintf(path, sizeof(path), "/meetings/%s", uuid_twice(in->uuid));
	get(&s, path, NULL, &g);
	CHECK_INT(g.status, 200);
	CHECK_INT(jnum(g.root, "id"), (long long)m->id);
	CHECK_STR(jstr(g.root, "uuid", v, sizeof(v)), in->uuid);
	got_free(&g);
	get(&s, "/meetings/12345", NULL, &g);
	CHECK_ERROR(&g, 404, 3001, "Meeting does not exist: 12345.");
	got_free(&g);
out:
	sim_close(&s);
}

TEST(sim_routes_instant_meeting_expired)
{
	const struct sim_meeting *m = NULL;
	char path[128], msg[128];
	struct sim s;
	struct got g;
	size_t i;

	if (sim_open(&s, 20, 60) != 0) {
		CHECK(!"sim_open");
		return;
	}
	for (i = 0; i < s.org.n_meetings && m == NULL; i++)
		if (s.org.meetings[i].type == SIM_MEETING_INSTANT &&
		    s.org.meetings[i].n_instances == 1 &&
		    s.org.instances[s.org.meetings[i].first_instance].end <=
			T_NOW)
			m = &s.org.meetings[i];
	CHECK(m != NULL);
	if (m != NULL) {
		snprintf(path, sizeof(path), "/meetings/%llu",
		    (unsigned long long)m->id);
		snprintf(msg, sizeof(msg), "Meeting does not exist: %llu.",
		    (unsigned long long)m->id);
		get(&s, path, NULL, &g);
		CHECK_ERROR(&g, 404, 3001, msg);
		got_free(&g);
		/* its instance is still in the past APIs */
		snprintf(path, sizeof(path), "/past_meetings/%llu",
		    (unsigned long long)m->id);
		get(&s, path, NULL, &g);
		CHECK_INT(g.status, 200);
		got_free(&g);
	}
	sim_close(&s);
}

/* --- past meetings and UUIDs ----------------------------------------- */

TEST(sim_routes_uuid_encoding)
{
	const struct sim_instance *in = NULL;
	char path[256], msg[128], v[64];
	struct sim s;
	struct got g;
	long i;

	if (sim_open(&s, 30, 90) != 0) {
		CHECK(!"sim_open");
		return;
	}
	i = find_instance(&s.org, 0, 1);
	CHECK(i >= 0);
	if (i >= 0) {
		in = &s.org.instances[i];
		snprintf(path, sizeof(path), "/past_meetings/%s",
		    uuid_twice(in->uuid));
		get(&s, path, NULL, &g);
		CHECK_INT(g.status, 200);
		CHECK_STR(jstr(g.root, "uuid", v, sizeof(v)), in->uuid);
		got_free(&g);
		snprintf(path, sizeof(path), "/past_meetings/%s",
		    uuid_once(in->uuid));
		snprintf(
		    msg, sizeof(msg), "Meeting does not exist: %s.", in->uuid);
		get(&s, path, NULL, &g);
		CHECK_ERROR(&g, 404, 3001, msg);
		got_free(&g);
	}
	i = find_instance(&s.org, 0, 0);
	CHECK(i >= 0);
	if (i >= 0) {
		in = &s.org.instances[i];
		snprintf(path, sizeof(path), "/past_meetings/%s",
		    uuid_once(in->uuid));
		get(&s, path, NULL, &g);
		CHECK_INT(g.status, 200);
		CHECK_STR(jstr(g.root, "uuid", v, sizeof(v)), in->uuid);
		got_free(&g);
		snprintf(path, sizeof(path), "/past_meetings/%s",
		    uuid_twice(in->uuid));
		get(&s, path, NULL, &g);
		CHECK_INT(g.status, 200);
		got_free(&g);
	}
	/* a '/' inside, not first nor doubled: encoded once is enough */
	for (i = 0; i < (long)s.org.n_instances; i++) {
		in = &s.org.instances[i];
		if (in->end <= T_NOW && strchr(in->uuid, '/') != NULL &&
		    !needs_double(in->uuid))
			break;
	}
	CHECK(i < (long)s.org.n_instances);
	if (i < (long)s.org.n_instances) {
		snprintf(path, sizeof(path), "/past_meetings/%s",
		    uuid_once(in->uuid));
		get(&s, path, NULL, &g);
		CHECK_INT(g.status, 200);
		CHECK_STR(jstr(g.root, "uuid", v, sizeof(v)), in->uuid);
		got_free(&g);
	}
	get(&s, "/past_meetings/ab%2Bc%3D%3D", NULL, &g);
	CHECK_ERROR(&g, 404, 3001, "Meeting does not exist: ab+c==.");
	got_free(&g);
	get(&s, "/past_meetings/%252F%252Fab%253D%253D", NULL, &g);
	CHECK_ERROR(&g, 404, 3001, "Meeting does not exist: //ab==.");
	got_free(&g);
	sim_close(&s);
}

TEST(sim_routes_past_meeting_by_number)
{
	const struct sim_meeting *m = NULL;
	char path[128], v[64];
	struct sim s;
	struct got g;
	long last = -1;
	size_t i, ended;

	if (sim_open(&s, 20, 60) != 0) {
		CHECK(!"sim_open");
		return;
	}
	for (i = 0; i < s.org.n_meetings && m == NULL; i++)
		if (s.org.meetings[i].n_instances > 2 &&
		    (last = latest_ended(&s.org, i)) >= 0)
			m = &s.org.meetings[i];
	CHECK(m != NULL);
	if (m == NULL)
		goto out;
	snprintf(path, sizeof(path), "/past_meetings/%llu",
	    (unsigned long long)m->id);
	get(&s, path, NULL, &g);
	CHECK_INT(g.status, 200);
	CHECK_STR(
	    jstr(g.root, "uuid", v, sizeof(v)), s.org.instances[last].uuid);
	CHECK_STR(
	    jstr(g.root, "host_id", v, sizeof(v)), s.org.users[m->host].id);
	CHECK_INT(jnum(g.root, "participants_count"),
	    (long long)s.org.instances[last].n_part);
	got_free(&g);
	snprintf(path, sizeof(path), "/past_meetings/%llu/instances",
	    (unsigned long long)m->id);
	get(&s, path, NULL, &g);
	CHECK_INT(g.status, 200);
	for (ended = 0, i = m->first_instance;
	     i < m->first_instance + m->n_instances; i++)
		ended += s.org.instances[i].end <= T_NOW;
	CHECK_INT(jarr(g.root, "meetings")
		? (long long)jarr(g.root, "meetings")->n
		: -1,
	    (long long)ended);
	got_free(&g);
	get(&s, "/past_meetings/99/instances", NULL, &g);
	CHECK_ERROR(&g, 404, 3001, "Meeting does not exist: 99.");
	got_free(&g);
out:
	sim_close(&s);
}

TEST(sim_routes_future_instance_hidden)
{
	const struct sim_instance *in = NULL;
	char path[256], msg[128];
	struct sim s;
	struct got g;
	size_t i;

	if (sim_open(&s, 20, 60) != 0) {
		CHECK(!"sim_open");
		return;
	}
	for (i = 0; i < s.org.n_instances && in == NULL; i++)
		if (s.org.instances[i].end > T_NOW)
			in = &s.org.instances[i];
	CHECK(in != NULL);
	if (in != NULL) {
		snprintf(path, sizeof(path), "/past_meetings/%s/participants",
		    uuid_twice(in->uuid));
		snprintf(
		    msg, sizeof(msg), "Meeting does not exist: %s.", in->uuid);
		get(&s, path, NULL, &g);
		CHECK_ERROR(&g, 404, 3001, msg);
		got_free(&g);
		/* once the clock has passed its end, it is there */
		ask(&s, path, NULL, in->end + 60, 0, &g);
		CHECK(g.status == 200 || g.status == 404);
		if (in->persons >= 2)
			CHECK_INT(g.status, 200);
		got_free(&g);
	}
	sim_close(&s);
}

/* --- participants ---------------------------------------------------- */

TEST(sim_routes_past_participants)
{
	const struct sim_instance *in;
	const struct sim_part *p;
	const struct zp_json *a, *it;
	char path[256], v[128];
	struct sim s;
	struct got g;
	size_t k;
	long i;

	if (sim_open(&s, 20, 60) != 0) {
		CHECK(!"sim_open");
		return;
	}
	i = find_instance(&s.org, 2, -1);
	CHECK(i >= 0);
	if (i < 0)
		goto out;
	in = &s.org.instances[i];
	snprintf(path, sizeof(path), "/past_meetings/%s/participants",
	    uuid_twice(in->uuid));
	get(&s, path, "page_size=300", &g);
	CHECK_INT(g.status, 200);
	CHECK_INT(jnum(g.root, "total_records"), (long long)in->n_part);
	CHECK_STR(jstr(g.root, "next_page_token", v, sizeof(v)), "");
	a = jarr(g.root, "participants");
	CHECK(a != NULL && a->n == in->n_part);
	for (k = 0; a && k < a->n && k < in->n_part; k++) {
		it = &a->u.items[k];
		p = &s.org.parts[in->first_part + k];
		CHECK_STR(jstr(it, "name", v, sizeof(v)), p->name);
		CHECK_STR(jstr(it, "user_email", v, sizeof(v)), p->email);
		CHECK_STR(jstr(it, "id", v, sizeof(v)), p->id);
		CHECK_STR(jstr(it, "user_id", v, sizeof(v)), p->user_id);
		CHECK_INT(
		    jnum(it, "duration"), (long long)(p->leave - p->join));
		CHECK(zp_json_get(it, "internal_user") != NULL);
	}
	got_free(&g);
	/* a page at a time gives the same segments */
	get(&s, path, "page_size=1", &g);
	CHECK_INT(jnum(g.root, "page_count"), (long long)in->n_part);
	got_free(&g);
out:
	sim_close(&s);
}

TEST(sim_routes_participants_need_two)
{
	const struct sim_instance *in = NULL;
	char path[256];
	struct sim s;
	struct got g;
	size_t i;

	if (sim_open(&s, 30, 90) != 0) {
		CHECK(!"sim_open");
		return;
	}
	for (i = 0; i < s.org.n_instances && in == NULL; i++)
		if (s.org.instances[i].end <= T_NOW &&
		    s.org.instances[i].persons < 2)
			in = &s.org.instances[i];
	if (in != NULL) {
		snprintf(path, sizeof(path), "/past_meetings/%s/participants",
		    uuid_twice(in->uuid));
		get(&s, path, NULL, &g);
		CHECK_ERROR(&g, 404, 3001,
		    "This meeting is not available or ID is not valid.");
		got_free(&g);
		snprintf(path, sizeof(path),
		    "/report/meetings/%s/participants", uuid_twice(in->uuid));
		get(&s, path, NULL, &g);
		CHECK_ERROR(&g, 404, 3001,
		    "This meeting is not available or ID is not valid.");
		got_free(&g);
		snprintf(path, sizeof(path), "/past_meetings/%s",
		    uuid_twice(in->uuid));
		get(&s, path, NULL, &g);
		CHECK_INT(g.status, 200);
		got_free(&g);
	} else {
		printf("    (no one-person instance in this org)\n");
	}
	sim_close(&s);
}

TEST(sim_routes_dialin_anonymous_as_held)
{
	const struct sim_instance *in;
	const struct sim_part *p;
	const struct zp_json *a;
	char path[256], v[128];
	struct sim s;
	struct got g;
	size_t k, i, checked = 0;

	if (sim_open(&s, 30, 90) != 0) {
		CHECK(!"sim_open");
		return;
	}
	for (i = 0; i < s.org.n_parts && checked < 6; i++) {
		p = &s.org.parts[i];
		in = &s.org.instances[p->instance];
		if ((p->kind != SIM_P_DIALIN && p->kind != SIM_P_ANONYMOUS &&
			p->kind != SIM_P_GUEST) ||
		    in->end > T_NOW || in->persons < 2 ||
		    T_NOW - in->start > 300L * T_DAY)
			continue;
		k = i - in->first_part;
		snprintf(path, sizeof(path),
		    "/report/meetings/%s/participants", uuid_twice(in->uuid));
		get(&s, path, "page_size=300", &g);
		a = jarr(g.root, "participants");
		CHECK(a != NULL && k < a->n);
		if (a != NULL && k < a->n) {
			CHECK_STR(jstr(&a->u.items[k], "name", v, sizeof(v)),
			    p->name);
			CHECK_STR(
			    jstr(&a->u.items[k], "user_email", v, sizeof(v)),
			    p->email);
			CHECK_STR(
			    jstr(&a->u.items[k], "id", v, sizeof(v)), "");
		}
		got_free(&g);
		checked++;
	}
	CHECK(checked > 0);
	sim_close(&s);
}

TEST(sim_routes_report_participants_rules)
{
	const struct sim_instance *in = NULL, *old = NULL;
	const struct zp_json *a;
	char path[256];
	struct sim s;
	struct got g;
	size_t i;

	if (sim_open(&s, 10, 420) != 0) {
		CHECK(!"sim_open");
		return;
	}
	for (i = 0; i < s.org.n_instances; i++) {
		const struct sim_instance *x = &s.org.instances[i];

		if (x->end > T_NOW || x->persons < 2)
			continue;
		if (T_NOW - x->start > 366L * T_DAY && old == NULL)
			old = x;
		if (T_NOW - x->start < 30L * T_DAY && in == NULL)
			in = x;
	}
	CHECK(old != NULL && in != NULL);
	if (old != NULL) {
		snprintf(path, sizeof(path),
		    "/report/meetings/%s/participants", uuid_twice(old->uuid));
		get(&s, path, NULL, &g);
		CHECK_ERROR(
		    &g, 400, 12702, "Can not access meeting a year ago.");
		got_free(&g);
		snprintf(path, sizeof(path), "/past_meetings/%s/participants",
		    uuid_twice(old->uuid));
		get(&s, path, NULL, &g);
		CHECK_INT(g.status, 200);
		got_free(&g);
	}
	if (in != NULL) {
		snprintf(path, sizeof(path),
		    "/report/meetings/%s/participants", uuid_twice(in->uuid));
		get(&s, path, "include_fields=registrant_id", &g);
		CHECK_INT(g.status, 200);
		a = jarr(g.root, "participants");
		CHECK(a != NULL && a->n > 0 &&
		    zp_json_get(&a->u.items[0], "registrant_id") != NULL);
		CHECK(a != NULL && a->n > 0 &&
		    zp_json_get(&a->u.items[0], "participant_user_id") !=
			NULL);
		got_free(&g);
		get(&s, path, NULL, &g);
		a = jarr(g.root, "participants");
		CHECK(a != NULL && a->n > 0 &&
		    zp_json_get(&a->u.items[0], "registrant_id") == NULL);
		got_free(&g);
		snprintf(path, sizeof(path), "/report/meetings/%s",
		    uuid_twice(in->uuid));
		get(&s, path, NULL, &g);
		CHECK_INT(g.status, 200);
		CHECK_INT(
		    jnum(g.root, "participants_count"), (long long)in->n_part);
		got_free(&g);
	}
	sim_close(&s);
}

/* --- report windows -------------------------------------------------- */

TEST(sim_routes_report_windows)
{
	static const struct {
		const char *query;
		int status;
		const char *message;
	} cases[] = {
	    {"to=2026-11-20", 400, "Missing required parameter: from."},
	    {"from=2026-11-01", 400, "Missing required parameter: to."},
	    {"from=2026-11-1&to=2026-11-20", 400, "Invalid parameter: from."},
	    {"from=2026-11-01&to=2026-02-30", 400, "Invalid parameter: to."},
	    {"from=2026-11-10&to=2026-11-09", 400,
		"The to date can not be earlier than the from date."},
	    {"from=2026-10-01&to=2026-11-01", 400,
		"The date range can not exceed one month."},
	    {"from=2026-05-21&to=2026-06-01", 400,
		"Daily report can only be provided within 6 months prior "
		"to the current date."},
	    {"from=2026-05-22&to=2026-06-01", 200, NULL},
	    {"from=2026-10-01&to=2026-10-31", 200, NULL},
	    {"from=2026-11-22&to=2026-11-22", 200, NULL},
	    {"from=2026-11-01&to=2026-11-20&type=pastAll", 400,
		"Invalid parameter: type."},
	};
	static const char *const paths[] = {
	    "/report/users/me/meetings", "/metrics/meetings"};
	struct sim s;
	struct got g;
	size_t i, k;

	if (sim_open(&s, 10, 200) != 0) {
		CHECK(!"sim_open");
		return;
	}
	for (k = 0; k < 2; k++) {
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			get(&s, paths[k], cases[i].query, &g);
			if (cases[i].message != NULL) {
				CHECK_ERROR(&g, cases[i].status, 300,
				    cases[i].message);
			} else {
				CHECK_INT(g.status, 200);
			}
			if (g.status != cases[i].status)
				printf(
				    "    %s?%s\n", paths[k], cases[i].query);
			got_free(&g);
		}
	}
	sim_close(&s);
}

TEST(sim_routes_report_user_meetings)
{
	static const char *const types[] = {"past", "pastOne", "pastJoined"};
	const struct sim_instance *in;
	const struct zp_json *a;
	char q[128], v[64];
	time_t from, to;
	struct sim s;
	struct got g;
	size_t i, t, p;
	long want, u = 1;
	int hosted, joined;

	if (sim_open(&s, 20, 60) != 0) {
		CHECK(!"sim_open");
		return;
	}
	sim_date_parse("2026-10-25", &from);
	sim_date_parse("2026-11-22", &to);
	for (t = 0; t < 3; t++) {
		want = 0;
		for (i = 0; i < s.org.n_instances; i++) {
			in = &s.org.instances[i];
			if (in->end > T_NOW || in->start < from ||
			    in->start >= to + T_DAY)
				continue;
			hosted = s.org.meetings[in->owner].host == u;
			for (joined = 0, p = in->first_part;
			     p < in->first_part + in->n_part; p++)
				joined |= s.org.parts[p].user == u;
			want += t == 0 ? hosted
			    : t == 1   ? hosted && in->persons == 1
				       : hosted || joined;
		}
		snprintf(q, sizeof(q),
		    "from=2026-10-25&to=2026-11-22&page_size=300&type=%s",
		    types[t]);
		snprintf(v, sizeof(v), "/report/users/%s/meetings",
		    s.org.users[u].id);
		get(&s, v, q, &g);
		CHECK_INT(g.status, 200);
		CHECK_INT(jnum(g.root, "total_records"), want);
		CHECK_STR(jstr(g.root, "from", v, sizeof(v)), "2026-10-25");
		CHECK_STR(jstr(g.root, "to", v, sizeof(v)), "2026-11-22");
		a = jarr(g.root, "meetings");
		CHECK(a != NULL && (long)a->n == want);
		if (t == 0 && a != NULL && a->n > 0)
			CHECK_STR(
			    jstr(&a->u.items[0], "host_id", v, sizeof(v)),
			    s.org.users[u].id);
		got_free(&g);
	}
	sim_close(&s);
}

/* --- recordings, webinars, phone, dashboard -------------------------- */

TEST(sim_routes_recordings)
{
	const struct sim_recording *r = NULL;
	const struct sim_instance *in;
	const struct zp_json *a, *files;
	char path[128], q[128], day[21], v[128];
	long long sum = 0;
	struct sim s;
	struct got g;
	size_t i, k;

	if (sim_open(&s, 30, 60) != 0) {
		CHECK(!"sim_open");
		return;
	}
	for (i = 0; i < s.org.n_recordings && r == NULL; i++)
		if (s.org.instances[s.org.recordings[i].instance].end <= T_NOW)
			r = &s.org.recordings[i];
	CHECK(r != NULL);
	if (r == NULL)
		goto out;
	in = &s.org.instances[r->instance];
	sim_time_format(in->start, day);
	day[10] = '\0';
	snprintf(path, sizeof(path), "/users/%s/recordings",
	    s.org.users[s.org.meetings[in->owner].host].id);
	snprintf(q, sizeof(q), "from=%s&to=%s&page_size=300", day, day);
	get(&s, path, q, &g);
	CHECK_INT(g.status, 200);
	a = jarr(g.root, "meetings");
	CHECK(a != NULL && a->n >= 1);
	for (k = 0; a && k < a->n; k++) {
		if (strcmp(jstr(&a->u.items[k], "uuid", v, sizeof(v)),
			in->uuid) != 0)
			continue;
		files = jarr(&a->u.items[k], "recording_files");
		CHECK(files != NULL && (int)files->n == r->n_files);
		for (i = 0; files && i < files->n; i++) {
			sum += jnum(&files->u.items[i], "file_size");
			CHECK_STR(jstr(&files->u.items[i], "meeting_id", v,
				      sizeof(v)),
			    in->uuid);
		}
		CHECK_INT(sum, (long long)r->total_size);
		CHECK_STR(jstr(&files->u.items[0], "id", v, sizeof(v)), r->id);
	}
	CHECK(sum > 0);
	got_free(&g);
	/* by default, yesterday and today */
	get(&s, path, NULL, &g);
	CHECK_INT(g.status, 200);
	CHECK_STR(jstr(g.root, "from", v, sizeof(v)), "2026-11-21");
	CHECK_STR(jstr(g.root, "to", v, sizeof(v)), "2026-11-22");
	got_free(&g);
	get(&s, path, "from=2026-09-01&to=2026-10-15", &g);
	CHECK_ERROR(&g, 400, 300, "The date range can not exceed one month.");
	got_free(&g);
out:
	sim_close(&s);
}

TEST(sim_routes_webinars)
{
	const struct sim_webinar *wb = NULL;
	const struct sim_instance *in;
	char path[256], msg[96];
	struct sim s;
	struct got g;
	size_t i;

	if (sim_open(&s, 60, 90) != 0) {
		CHECK(!"sim_open");
		return;
	}
	for (i = 0; i < s.org.n_webinars && wb == NULL; i++)
		if (s.org.webinars[i].n_instances > 0 &&
		    s.org.winstances[s.org.webinars[i].first_instance].end <=
			T_NOW)
			wb = &s.org.webinars[i];
	if (wb == NULL) {
		printf("    (no past webinar in this org)\n");
		goto out;
	}
	snprintf(path, sizeof(path), "/users/%s/webinars",
	    s.org.users[wb->host].id);
	get(&s, path, "page_size=300", &g);
	CHECK_INT(g.status, 200);
	CHECK(jnum(g.root, "total_records") >= 1);
	got_free(&g);
	in = &s.org.winstances[wb->first_instance];
	snprintf(path, sizeof(path), "/past_webinars/%s/participants",
	    uuid_twice(in->uuid));
	get(&s, path, "page_size=300", &g);
	CHECK_INT(g.status, 200);
	CHECK_INT(jnum(g.root, "total_records"), (long long)in->n_part);
	got_free(&g);
	snprintf(path, sizeof(path), "/report/webinars/%llu/participants",
	    (unsigned long long)wb->id);
	get(&s, path, NULL, &g);
	CHECK(g.status == 200 || g.status == 400);
	got_free(&g);
	get(&s, "/past_webinars/777/participants", NULL, &g);
	snprintf(msg, sizeof(msg), "Webinar does not exist: 777.");
	CHECK_ERROR(&g, 404, 3001, msg);
	got_free(&g);
out:
	sim_close(&s);
}

TEST(sim_routes_call_history)
{
	const struct sim_call *c;
	const struct zp_json *a;
	long want = 0;
	time_t from, to;
	char v[64];
	struct sim s;
	struct got g;
	size_t i;

	if (sim_open(&s, 40, 60) != 0) {
		CHECK(!"sim_open");
		return;
	}
	sim_date_parse("2026-11-01", &from);
	sim_date_parse("2026-11-20", &to);
	for (i = 0; i < s.org.n_calls; i++) {
		c = &s.org.calls[i];
		want += c->end_time <= T_NOW && c->start_time >= from &&
		    c->start_time < to + T_DAY;
	}
	get(&s, "/phone/call_history",
	    "from=2026-11-01&to=2026-11-20&page_size=300", &g);
	CHECK_INT(g.status, 200);
	CHECK_INT(jnum(g.root, "total_records"), want);
	a = jarr(g.root, "call_logs");
	if (a != NULL && a->n > 0) {
		CHECK(zp_json_get(&a->u.items[0], "call_id") != NULL);
		CHECK(
		    zp_json_get(&a->u.items[0], "caller_did_number") != NULL);
		CHECK(
		    zp_json_get(&a->u.items[0], "callee_did_number") != NULL);
		CHECK(zp_json_get(&a->u.items[0], "call_result") != NULL);
	}
	CHECK(want > 0);
	got_free(&g);
	get(&s, "/phone/call_history",
	    "from=2026-11-20T00:00:00Z&to=2026-11-20T23:59:59Z", &g);
	CHECK_INT(g.status, 200);
	got_free(&g);
	get(&s, "/phone/call_history", NULL, &g);
	CHECK_INT(g.status, 200);
	CHECK_STR(jstr(g.root, "from", v, sizeof(v)), "2026-11-21");
	got_free(&g);
	get(&s, "/phone/call_history", "from=2026-11-01", &g);
	CHECK_ERROR(&g, 400, 300, "Missing required parameter: to.");
	got_free(&g);
	sim_close(&s);
}

TEST(sim_routes_metrics)
{
	const struct sim_instance *in;
	char path[256];
	time_t from, to;
	long want = 0;
	struct sim s;
	struct got g;
	size_t i;
	long pick = -1;

	if (sim_open(&s, 20, 60) != 0) {
		CHECK(!"sim_open");
		return;
	}
	sim_date_parse("2026-11-01", &from);
	sim_date_parse("2026-11-21", &to);
	for (i = 0; i < s.org.n_instances; i++) {
		in = &s.org.instances[i];
		if (in->end <= T_NOW && in->start >= from &&
		    in->start < to + T_DAY) {
			want++;
			pick = (long)i;
		}
	}
	get(&s, "/metrics/meetings",
	    "type=past&from=2026-11-01&to=2026-11-21&page_size=300", &g);
	CHECK_INT(g.status, 200);
	CHECK_INT(jnum(g.root, "total_records"), want);
	got_free(&g);
	get(&s, "/metrics/meetings", "from=2026-11-01&to=2026-11-21", &g);
	CHECK_INT(jnum(g.root, "total_records"), 0); /* live: none */
	got_free(&g);
	CHECK(pick >= 0);
	if (pick >= 0) {
		in = &s.org.instances[pick];
		snprintf(path, sizeof(path),
		    "/metrics/meetings/%s/participants", uuid_twice(in->uuid));
		get(&s, path, "type=past&page_size=300", &g);
		CHECK_INT(g.status, 200);
		CHECK_INT(
		    jnum(g.root, "total_records"), (long long)in->n_part);
		got_free(&g);
		get(&s, path, NULL, &g);
		CHECK_INT(g.status, 404);
		CHECK_INT(jnum(g.root, "code"), 3001);
		got_free(&g);
	}
	sim_close(&s);
}

/* --- determinism ----------------------------------------------------- */

TEST(sim_routes_same_seed_same_bytes)
{
	static const struct {
		const char *path;
		const char *query;
	} reqs[] = {
	    {"/users", "page_size=5"},
	    {"/users/me", NULL},
	    {"/users/me/meetings", NULL},
	    {"/report/users/me/meetings", "from=2026-11-01&to=2026-11-21"},
	    {"/metrics/meetings", "type=past&from=2026-11-01&to=2026-11-21"},
	    {"/phone/call_history", "from=2026-11-01&to=2026-11-21"},
	    {"/users/me/recordings", "from=2026-11-01&to=2026-11-21"},
	};
	struct sim a, b;
	struct got ga, gb;
	size_t i;

	if (sim_open(&a, 15, 40) != 0 || sim_open(&b, 15, 40) != 0) {
		CHECK(!"sim_open");
		return;
	}
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		get(&a, reqs[i].path, reqs[i].query, &ga);
		get(&b, reqs[i].path, reqs[i].query, &gb);
		CHECK_INT(ga.status, 200);
		CHECK(ga.root != NULL);
		CHECK_MEM(
		    ga.body.data, ga.body.len, gb.body.data, gb.body.len);
		got_free(&ga);
		got_free(&gb);
	}
	sim_close(&a);
	sim_close(&b);
}
