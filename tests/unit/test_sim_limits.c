/*
 * test_sim_limits.c - zp-sim's rate limiter, fault injector and OAuth
 * token logic, driven directly without a server.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "crypto.h"
#include "error.h"
#include "sim.h"

/* --- fixtures -------------------------------------------------------- */

/* sim_init prepares a simulator with plan, its limiter and token table. */
static void
sim_init(struct sim *sim, enum sim_plan plan, long daily)
{
	memset(sim, 0, sizeof(*sim));
	sim->cfg.org.plan = plan;
	sim->cfg.org.account_id = "acme";
	sim->cfg.org.seed = 1;
	sim->cfg.client_id = "cid";
	snprintf(
	    sim->cfg.client_secret, sizeof(sim->cfg.client_secret), "csecret");
	sim->cfg.token_ttl = 3599;
	sim->cfg.public_url = "http://127.0.0.1:1";
	sim->cfg.rate_limits = 1;
	sim->cfg.daily_limit = daily;
	CHECK_INT(sim_limits_new(&sim->limits, plan, daily), 0);
	CHECK_INT(sim_tokens_new(&sim->tokens), 0);
}

/* sim_done frees what sim_init and the tests built. */
static void
sim_done(struct sim *sim)
{
	sim_limits_free(&sim->limits);
	sim_tokens_free(&sim->tokens);
	sim_faults_free(&sim->faults);
	CHECK(sim->limits == NULL && sim->tokens == NULL);
}

/* rs_init starts an empty 200 answer. */
static void
rs_init(struct sim_response *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->status = 200;
	rs->category = SIM_CAT_NONE;
}

/* header returns the value of header name in rs, or NULL. */
static const char *
header(const struct sim_response *rs, const char *name)
{
	int i;

	for (i = 0; i < rs->n_hdr; i++)
		if (strcmp(rs->hdr_name[i], name) == 0)
			return rs->hdr_value[i];
	return NULL;
}

/* at is a monotonic time of s seconds. */
static struct timespec
at(double s)
{
	struct timespec ts;

	ts.tv_sec = (time_t)s + 1000;
	ts.tv_nsec = (long)((s - (double)(time_t)s) * 1e9);
	return ts;
}

/* take asks the limiter for one request of c at second s; rs is reset. */
static int
take(struct sim *sim, enum sim_category c, double s, struct sim_response *rs)
{
	struct timespec t = at(s);

	zp_buf_release(&rs->body);
	rs_init(rs);
	return sim_limits_take(sim, c, &t, rs);
}

/* --- rate limits ----------------------------------------------------- */

TEST(sim_limits_category_names)
{
	CHECK_STR(sim_category_name(SIM_CAT_LIGHT), "Light");
	CHECK_STR(sim_category_name(SIM_CAT_MEDIUM), "Medium");
	CHECK_STR(sim_category_name(SIM_CAT_HEAVY), "Heavy");
	CHECK_STR(sim_category_name(SIM_CAT_RESOURCE), "Resource-intensive");
	CHECK_STR(sim_category_name(SIM_CAT_NONE), "");
}

TEST(sim_limits_qps_free_heavy)
{
	struct sim sim;
	struct sim_response rs = {0};

	sim_init(&sim, SIM_PLAN_FREE, 0);
	CHECK_INT(take(&sim, SIM_CAT_HEAVY, 0.0, &rs), 0);
	CHECK_STR(header(&rs, "X-RateLimit-Category"), "Heavy");
	CHECK_STR(header(&rs, "X-RateLimit-Type"), "QPS");
	CHECK_STR(header(&rs, "X-RateLimit-Limit"), "1");
	CHECK_STR(header(&rs, "X-RateLimit-Remaining"), "0");
	CHECK_INT(take(&sim, SIM_CAT_HEAVY, 0.5, &rs), -1);
	CHECK_INT(rs.status, 429);
	CHECK_STR(header(&rs, "Retry-After"), "1");
	CHECK_STR(header(&rs, "X-RateLimit-Type"), "QPS");
	CHECK(rs.body.data != NULL &&
	    strstr(rs.body.data, "\"code\":429") != NULL &&
	    strstr(rs.body.data, "per-second rate limit") != NULL);
	CHECK_INT(take(&sim, SIM_CAT_HEAVY, 1.0, &rs), 0);
	CHECK_INT(sim.stats.sent_429_qps, 1);
	zp_buf_release(&rs.body);
	sim_done(&sim);
}

TEST(sim_limits_qps_sliding_window)
{
	struct sim sim;
	struct sim_response rs = {0};
	int i;

	sim_init(&sim, SIM_PLAN_FREE, 0);
	for (i = 0; i < 4; i++)
		CHECK_INT(take(&sim, SIM_CAT_LIGHT, 0.9 + i * 0.01, &rs), 0);
	/* A new second, but less than a second after the first four. */
	CHECK_INT(take(&sim, SIM_CAT_LIGHT, 1.1, &rs), -1);
	CHECK_INT(take(&sim, SIM_CAT_LIGHT, 1.95, &rs), 0);
	CHECK_STR(header(&rs, "X-RateLimit-Remaining"), "3");
	/* Categories are counted apart. */
	CHECK_INT(take(&sim, SIM_CAT_MEDIUM, 1.95, &rs), 0);
	CHECK_STR(header(&rs, "X-RateLimit-Remaining"), "1");
	zp_buf_release(&rs.body);
	sim_done(&sim);
}

TEST(sim_limits_resource_per_minute)
{
	struct sim sim;
	struct sim_response rs = {0};
	int i;

	sim_init(&sim, SIM_PLAN_PRO, 0);
	for (i = 0; i < 10; i++)
		CHECK_INT(take(&sim, SIM_CAT_RESOURCE, i, &rs), 0);
	CHECK_INT(take(&sim, SIM_CAT_RESOURCE, 30, &rs), -1);
	CHECK_STR(header(&rs, "Retry-After"), "60");
	CHECK_STR(header(&rs, "X-RateLimit-Limit"), "10");
	CHECK_INT(take(&sim, SIM_CAT_RESOURCE, 60, &rs), 0);
	zp_buf_release(&rs.body);
	sim_done(&sim);
}

/* is_midnight tells whether s is "YYYY-MM-DDT00:00:00Z". */
static int
is_midnight(const char *s)
{
	int y, m, d;
	char tail[16];

	return s != NULL && strlen(s) == 20 &&
	    sscanf(s, "%4d-%2d-%2d%15s", &y, &m, &d, tail) == 4 &&
	    strcmp(tail, "T00:00:00Z") == 0;
}

TEST(sim_limits_daily_shared_on_pro)
{
	struct sim sim;
	struct sim_response rs = {0};

	sim_init(&sim, SIM_PLAN_PRO, 3);
	CHECK_INT(take(&sim, SIM_CAT_HEAVY, 0, &rs), 0);
	CHECK_INT(take(&sim, SIM_CAT_RESOURCE, 0, &rs), 0);
	CHECK_STR(header(&rs, "X-RateLimit-Type"), "Daily-limit");
	CHECK_STR(header(&rs, "X-RateLimit-Limit"), "3");
	CHECK_STR(header(&rs, "X-RateLimit-Remaining"), "1");
	CHECK_INT(take(&sim, SIM_CAT_HEAVY, 5, &rs), 0);
	CHECK_INT(take(&sim, SIM_CAT_RESOURCE, 100, &rs), -1);
	CHECK_INT(rs.status, 429);
	CHECK_STR(header(&rs, "X-RateLimit-Type"), "Daily-limit");
	CHECK(is_midnight(header(&rs, "Retry-After")));
	CHECK(rs.body.data != NULL &&
	    strstr(rs.body.data, "daily rate limit of (3)") != NULL);
	CHECK_INT(sim.stats.sent_429_daily, 1);
	/* Light has no daily budget on Pro. */
	CHECK_INT(take(&sim, SIM_CAT_LIGHT, 100, &rs), 0);
	CHECK_STR(header(&rs, "X-RateLimit-Type"), "QPS");
	zp_buf_release(&rs.body);
	sim_done(&sim);
}

TEST(sim_limits_off_still_sends_headers)
{
	struct sim sim;
	struct sim_response rs = {0};
	int i;

	sim_init(&sim, SIM_PLAN_FREE, 0);
	sim.cfg.rate_limits = 0;
	for (i = 0; i < 20; i++)
		CHECK_INT(take(&sim, SIM_CAT_HEAVY, 0, &rs), 0);
	CHECK_STR(header(&rs, "X-RateLimit-Category"), "Heavy");
	CHECK_STR(header(&rs, "X-RateLimit-Remaining"), "0");
	CHECK_INT(sim.stats.sent_429_qps, 0);
	/* 20 Heavy at 1/s need 19 seconds under the plan's limits. */
	CHECK(sim_limits_min_wall(&sim) == 19.0);
	zp_buf_release(&rs.body);
	sim_done(&sim);
}

TEST(sim_limits_min_wall_max_over_categories)
{
	struct sim sim;
	struct sim_response rs = {0};
	int i;

	sim_init(&sim, SIM_PLAN_PRO, 0);
	CHECK(sim_limits_min_wall(&sim) == 0.0);
	for (i = 0; i < 61; i++)
		CHECK_INT(take(&sim, SIM_CAT_LIGHT, i / 30, &rs), 0);
	CHECK(sim_limits_min_wall(&sim) == 2.0);
	for (i = 0; i < 11; i++)
		CHECK_INT(
		    take(&sim, SIM_CAT_RESOURCE, i < 10 ? 0 : 60, &rs), 0);
	CHECK(sim_limits_min_wall(&sim) == 60.0);
	for (i = 0; i < 9; i++)
		CHECK_INT(take(&sim, SIM_CAT_RESOURCE, 61, &rs), 0);
	/* A 429 is not a served request. */
	CHECK_INT(take(&sim, SIM_CAT_RESOURCE, 62, &rs), -1);
	CHECK(sim_limits_min_wall(&sim) == 60.0);
	CHECK_INT(take(&sim, SIM_CAT_RESOURCE, 121, &rs), 0);
	CHECK(sim_limits_min_wall(&sim) == 120.0);
	zp_buf_release(&rs.body);
	sim_done(&sim);
}

TEST(sim_limits_min_wall_counts_days)
{
	struct sim sim;
	struct sim_response rs = {0};
	int i;

	sim_init(&sim, SIM_PLAN_BUSINESS, 2);
	sim.cfg.rate_limits = 0;
	for (i = 0; i < 5; i++)
		take(&sim, SIM_CAT_HEAVY, i, &rs);
	/* Five requests with two a day need two more days. */
	CHECK(sim_limits_min_wall(&sim) == 2 * 86400.0);
	zp_buf_release(&rs.body);
	sim_done(&sim);
}

TEST(sim_limits_headers_and_storm_do_not_count)
{
	struct sim sim;
	struct sim_response rs;

	sim_init(&sim, SIM_PLAN_FREE, 0);
	rs_init(&rs);
	sim_limits_headers(&sim, SIM_CAT_MEDIUM, &rs);
	CHECK_STR(header(&rs, "X-RateLimit-Limit"), "2");
	CHECK_STR(header(&rs, "X-RateLimit-Remaining"), "2");
	sim_limits_reject_qps(&sim, SIM_CAT_MEDIUM, &rs);
	CHECK_INT(rs.status, 429);
	CHECK_STR(header(&rs, "X-RateLimit-Remaining"), "0");
	CHECK_INT(rs.n_hdr, 5);
	CHECK_INT(sim.stats.sent_429_qps, 0);
	CHECK(sim_limits_min_wall(&sim) == 0.0);
	zp_buf_release(&rs.body);
	sim_done(&sim);
}

/* --- faults ---------------------------------------------------------- */

/* fault_run sends one request of c with or without a page token through
 * the injector; returns the status, or 0 for a request it let through. */
static int
fault_run(struct sim *sim, enum sim_category c, const char *query,
    struct sim_response *rs, struct sim_request *rq)
{
	memset(rq, 0, sizeof(*rq));
	rq->method = "GET";
	rq->path = "/users";
	rq->raw_path = "/v2/users";
	rq->query = query;
	rq->body = "";
	zp_buf_release(&rs->body);
	rs_init(rs);
	rs->category = c;
	if (sim_faults_before(sim, c, rq, rs))
		return rs->status;
	zp_buf_puts(&rs->body, "{\"users\":[]}");
	sim_faults_after(sim, rs);
	return 0;
}

TEST(sim_faults_names)
{
	CHECK_STR(sim_fault_name(SIM_FAULT_5XX), "http_5xx");
	CHECK_STR(sim_fault_name(SIM_FAULT_429), "storm_429");
	CHECK_STR(sim_fault_name(SIM_FAULT_RESET), "reset");
	CHECK_STR(sim_fault_name(SIM_NFAULT), "");
}

TEST(sim_faults_none_at_zero_rates)
{
	struct sim sim;
	struct sim_faults_opts o = {0};
	struct sim_response rs = {0};
	struct sim_request rq;
	int i;

	sim_init(&sim, SIM_PLAN_PRO, 0);
	CHECK_INT(sim_faults_new(&sim.faults, 7, &o), 0);
	for (i = 0; i < 500; i++) {
		CHECK_INT(fault_run(&sim, SIM_CAT_LIGHT, "next_page_token=x",
			      &rs, &rq),
		    0);
		CHECK(!rs.reset && !rs.truncate && !rs.slow_ms && !rs.faults);
		CHECK(!rq.expire_page_token);
	}
	CHECK_INT(sim.stats.faults_injected, 0);
	zp_buf_release(&rs.body);
	sim_done(&sim);
}

/* outcomes runs n requests with o and seed and writes each outcome. */
static void
outcomes(const struct sim_faults_opts *o, uint64_t seed, int n, int *out)
{
	struct sim sim;
	struct sim_response rs = {0};
	struct sim_request rq;
	int i;

	sim_init(&sim, SIM_PLAN_PRO, 0);
	CHECK_INT(sim_faults_new(&sim.faults, seed, o), 0);
	for (i = 0; i < n; i++)
		out[i] = fault_run(&sim, (enum sim_category)(i % SIM_NCAT),
			     "next_page_token=t", &rs, &rq) *
			100 +
		    (int)rs.faults;
	zp_buf_release(&rs.body);
	sim_done(&sim);
}

TEST(sim_faults_deterministic_per_seed)
{
	struct sim_faults_opts o = {.storm_429 = 0.05,
	    .storm_len = 3,
	    .http_5xx = 0.1,
	    .reset = 0.1,
	    .truncate = 0.1,
	    .slow = 0.1,
	    .slow_ms = 5,
	    .page_expire = 0.1,
	    .revoke = 0.05};
	int a[300], b[300], c[300], i, same = 1, other = 1;

	outcomes(&o, 42, 300, a);
	outcomes(&o, 42, 300, b);
	outcomes(&o, 43, 300, c);
	for (i = 0; i < 300; i++) {
		same &= a[i] == b[i];
		other &= a[i] == c[i];
	}
	CHECK(same);
	CHECK(!other);
}

TEST(sim_faults_5xx_codes)
{
	struct sim sim;
	struct sim_faults_opts o = {.http_5xx = 1};
	struct sim_response rs = {0};
	struct sim_request rq;
	int i, st, seen[3] = {0, 0, 0};

	sim_init(&sim, SIM_PLAN_PRO, 0);
	CHECK_INT(sim_faults_new(&sim.faults, 1, &o), 0);
	for (i = 0; i < 60; i++) {
		st = fault_run(&sim, SIM_CAT_LIGHT, "", &rs, &rq);
		CHECK(st == 500 || st == 502 || st == 503);
		if (st >= 500 && st <= 503)
			seen[st == 500 ? 0 : st == 502 ? 1 : 2]++;
		CHECK(rs.body.data != NULL &&
		    strncmp(rs.body.data, "{\"code\":5", 9) == 0);
		CHECK_INT(rs.faults, 1u << SIM_FAULT_5XX);
	}
	CHECK(seen[0] > 0 && seen[1] > 0 && seen[2] > 0);
	CHECK_INT(sim.stats.by_fault[SIM_FAULT_5XX], 60);
	CHECK_INT(sim.stats.faults_injected, 60);
	zp_buf_release(&rs.body);
	sim_done(&sim);
}

TEST(sim_faults_storm_covers_next_requests_of_category)
{
	struct sim sim;
	struct sim_faults_opts o = {.storm_429 = 0.1, .storm_len = 4};
	struct sim_response rs = {0};
	struct sim_request rq;
	int i, st, run = 0, runs = 0, short_runs = 0;

	sim_init(&sim, SIM_PLAN_PRO, 0);
	CHECK_INT(sim_faults_new(&sim.faults, 9, &o), 0);
	for (i = 0; i < 2000; i++) {
		/* Medium requests between Light ones must not end a storm. */
		fault_run(&sim, SIM_CAT_MEDIUM, "", &rs, &rq);
		st = fault_run(&sim, SIM_CAT_LIGHT, "", &rs, &rq);
		if (st == 429) {
			CHECK_STR(header(&rs, "X-RateLimit-Type"), "QPS");
			CHECK_STR(header(&rs, "Retry-After"), "1");
			run++;
			continue;
		}
		if (run > 0) {
			runs++;
			short_runs += run % 4 != 0;
		}
		run = 0;
	}
	CHECK(runs > 10);
	CHECK_INT(short_runs, 0);
	CHECK_INT(sim.stats.sent_429_qps, 0);
	zp_buf_release(&rs.body);
	sim_done(&sim);
}

TEST(sim_faults_page_expire_needs_token)
{
	struct sim sim;
	struct sim_faults_opts o = {.page_expire = 1};
	struct sim_response rs = {0};
	struct sim_request rq;

	sim_init(&sim, SIM_PLAN_PRO, 0);
	CHECK_INT(sim_faults_new(&sim.faults, 1, &o), 0);
	CHECK_INT(
	    fault_run(&sim, SIM_CAT_MEDIUM, "page_size=30", &rs, &rq), 0);
	CHECK(!rq.expire_page_token);
	CHECK_INT(
	    fault_run(&sim, SIM_CAT_MEDIUM, "next_page_token=", &rs, &rq), 0);
	CHECK(!rq.expire_page_token);
	CHECK_INT(fault_run(&sim, SIM_CAT_MEDIUM,
		      "page_size=30&next_page_token=abc", &rs, &rq),
	    0);
	CHECK(rq.expire_page_token);
	CHECK_INT(rs.faults, 1u << SIM_FAULT_PAGE_EXPIRE);
	zp_buf_release(&rs.body);
	sim_done(&sim);
}

TEST(sim_faults_delivery_only_on_200)
{
	struct sim sim;
	struct sim_faults_opts o = {
	    .reset = 1, .truncate = 1, .slow = 1, .slow_ms = 250};
	struct sim_response rs;

	sim_init(&sim, SIM_PLAN_PRO, 0);
	CHECK_INT(sim_faults_new(&sim.faults, 1, &o), 0);
	rs_init(&rs);
	zp_buf_puts(&rs.body, "{\"a\":1}");
	sim_faults_after(&sim, &rs);
	CHECK(rs.reset && !rs.truncate);
	zp_buf_release(&rs.body);
	rs_init(&rs);
	sim_response_error(&rs, 404, 3001, "Meeting does not exist.");
	sim_faults_after(&sim, &rs);
	CHECK(!rs.reset && !rs.truncate && rs.faults == 0);
	zp_buf_release(&rs.body);
	sim_done(&sim);
}

/* --- OAuth ----------------------------------------------------------- */

/* basic writes "Basic base64(id:secret)" into out. */
static void
basic(const char *id, const char *secret, char out[256])
{
	struct zp_buf raw = ZP_BUF_INIT, b64 = ZP_BUF_INIT;

	zp_buf_printf(&raw, "%s:%s", id, secret);
	zp_base64_encode(&b64, raw.data, raw.len);
	snprintf(out, 256, "Basic %s", b64.data);
	zp_buf_release(&raw);
	zp_buf_release(&b64);
}

/* oauth calls the token or authorize endpoint; rs holds the answer. */
static void
oauth(struct sim *sim, const char *method, const char *path, const char *query,
    const char *body, const char *auth, struct sim_response *rs)
{
	struct sim_request rq;

	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	rq.path = path;
	rq.raw_path = path;
	rq.query = query;
	rq.body = body;
	rq.body_len = strlen(body);
	rq.authorization = auth;
	zp_buf_release(&rs->body);
	rs_init(rs);
	sim_oauth_handle(sim, &rq, rs);
}

/* field copies the JSON string field name of body into out[128]. */
static const char *
field(const char *body, const char *name, char out[128])
{
	char key[64];
	const char *p, *end;

	out[0] = '\0';
	snprintf(key, sizeof(key), "\"%s\":\"", name);
	p = body != NULL ? strstr(body, key) : NULL;
	if (p == NULL)
		return out;
	p += strlen(key);
	end = strchr(p, '"');
	if (end != NULL && end - p < 128)
		snprintf(out, 128, "%.*s", (int)(end - p), p);
	return out;
}

/* check_bearer runs sim_oauth_check with token; returns its result. */
static int
check_bearer(struct sim *sim, const char *token, struct sim_response *rs)
{
	struct sim_request rq;
	char auth[256];

	snprintf(auth, sizeof(auth), "Bearer %s", token);
	memset(&rq, 0, sizeof(rq));
	rq.authorization = auth;
	zp_buf_release(&rs->body);
	rs_init(rs);
	return sim_oauth_check(sim, &rq, rs);
}

TEST(sim_oauth_account_credentials)
{
	struct sim sim;
	struct sim_response rs = {0};
	char auth[256], tok[128], tmp[128];

	sim_init(&sim, SIM_PLAN_PRO, 0);
	basic("cid", "csecret", auth);
	oauth(&sim, "POST", "/oauth/token",
	    "grant_type=account_credentials&account_id=acme", "", auth, &rs);
	CHECK_INT(rs.status, 200);
	field(rs.body.data, "access_token", tok);
	CHECK_INT(strlen(tok), 43);
	CHECK_STR(field(rs.body.data, "token_type", tmp), "bearer");
	CHECK_STR(field(rs.body.data, "api_url", tmp), "http://127.0.0.1:1");
	CHECK(strstr(rs.body.data, "\"expires_in\":3599") != NULL);
	CHECK(strstr(rs.body.data, "refresh_token") == NULL);
	CHECK_INT(check_bearer(&sim, tok, &rs), 0);
	/* The same grant as a form body. */
	oauth(&sim, "POST", "/oauth/token", "",
	    "grant_type=account_credentials&account_id=acme", auth, &rs);
	CHECK_INT(rs.status, 200);
	CHECK(strcmp(field(rs.body.data, "access_token", tmp), tok) != 0);
	zp_buf_release(&rs.body);
	sim_done(&sim);
}

TEST(sim_oauth_token_errors)
{
	struct sim sim;
	struct sim_response rs = {0};
	char good[256], bad[256];

	sim_init(&sim, SIM_PLAN_PRO, 0);
	basic("cid", "csecret", good);
	basic("cid", "wrong", bad);
	oauth(&sim, "POST", "/oauth/token",
	    "grant_type=account_credentials&account_id=acme", "", bad, &rs);
	CHECK_INT(rs.status, 401);
	CHECK_STR(rs.body.data,
	    "{\"reason\":\"Invalid client_id or client_secret\","
	    "\"error\":\"invalid_client\"}");
	oauth(&sim, "POST", "/oauth/token",
	    "grant_type=account_credentials&account_id=acme", "", NULL, &rs);
	CHECK_INT(rs.status, 401);
	oauth(&sim, "POST", "/oauth/token",
	    "grant_type=account_credentials&account_id=other", "", good, &rs);
	CHECK_INT(rs.status, 400);
	CHECK_STR(rs.body.data,
	    "{\"reason\":\"Invalid request : Account does not exist\","
	    "\"error\":\"invalid_request\"}");
	oauth(&sim, "POST", "/oauth/token", "grant_type=password", "", good,
	    &rs);
	CHECK_INT(rs.status, 400);
	CHECK_STR(rs.body.data,
	    "{\"reason\":\"Unsupported grant type\","
	    "\"error\":\"unsupported_grant_type\"}");
	oauth(&sim, "POST", "/oauth/token",
	    "grant_type=refresh_token&refresh_token=nope", "", good, &rs);
	CHECK_INT(rs.status, 400);
	CHECK_STR(rs.body.data,
	    "{\"reason\":\"Invalid Token!\",\"error\":\"invalid_request\"}");
	zp_buf_release(&rs.body);
	sim_done(&sim);
}

TEST(sim_oauth_check_invalid_expired_revoked)
{
	struct sim sim;
	struct sim_response rs = {0};
	struct sim_request rq;
	char auth[256], tok[128], bearer[256];

	sim_init(&sim, SIM_PLAN_PRO, 0);
	CHECK_INT(check_bearer(&sim, "nope", &rs), -1);
	CHECK_INT(rs.status, 401);
	CHECK_STR(rs.body.data,
	    "{\"code\":124,\"message\":\"Invalid access token.\"}");
	memset(&rq, 0, sizeof(rq));
	CHECK_INT(sim_oauth_check(&sim, &rq, &rs), -1);
	/* A token that lives zero seconds is expired at once. */
	sim.cfg.token_ttl = 0;
	basic("cid", "csecret", auth);
	oauth(&sim, "POST", "/oauth/token",
	    "grant_type=account_credentials&account_id=acme", "", auth, &rs);
	field(rs.body.data, "access_token", tok);
	CHECK_INT(check_bearer(&sim, tok, &rs), -1);
	CHECK_STR(rs.body.data,
	    "{\"code\":124,\"message\":\"Access token is expired.\"}");
	/* A revoked token is invalid. */
	sim.cfg.token_ttl = 3599;
	oauth(&sim, "POST", "/oauth/token",
	    "grant_type=account_credentials&account_id=acme", "", auth, &rs);
	field(rs.body.data, "access_token", tok);
	CHECK_INT(check_bearer(&sim, tok, &rs), 0);
	snprintf(bearer, sizeof(bearer), "Bearer %s", tok);
	rq.authorization = bearer;
	CHECK_INT(sim_oauth_check(&sim, &rq, &rs), 0);
	CHECK_STR(rq.account, "acme");
	sim_oauth_revoke(&sim, &rq);
	CHECK_INT(check_bearer(&sim, tok, &rs), -1);
	CHECK(strstr(rs.body.data, "Invalid access token.") != NULL);
	zp_buf_release(&rs.body);
	sim_done(&sim);
}

TEST(sim_oauth_revoke_fault)
{
	struct sim sim;
	struct sim_faults_opts o = {.revoke = 1};
	struct sim_response rs = {0};
	struct sim_request rq;
	char auth[256], tok[128], bearer[256];

	sim_init(&sim, SIM_PLAN_PRO, 0);
	CHECK_INT(sim_faults_new(&sim.faults, 3, &o), 0);
	basic("cid", "csecret", auth);
	oauth(&sim, "POST", "/oauth/token",
	    "grant_type=account_credentials&account_id=acme", "", auth, &rs);
	field(rs.body.data, "access_token", tok);
	snprintf(bearer, sizeof(bearer), "Bearer %s", tok);
	memset(&rq, 0, sizeof(rq));
	rq.authorization = bearer;
	rq.query = "";
	zp_buf_release(&rs.body);
	rs_init(&rs);
	CHECK_INT(sim_faults_before(&sim, SIM_CAT_LIGHT, &rq, &rs), 1);
	CHECK_INT(rs.status, 401);
	CHECK_INT(rs.faults, 1u << SIM_FAULT_REVOKE);
	CHECK_INT(check_bearer(&sim, tok, &rs), -1);
	zp_buf_release(&rs.body);
	sim_done(&sim);
}

/* code_from takes the code out of a Location header into out[128]. */
static const char *
code_from(const char *location, char out[128])
{
	const char *p = location != NULL ? strstr(location, "code=") : NULL;

	out[0] = '\0';
	if (p != NULL)
		snprintf(out, 128, "%.*s", (int)strcspn(p + 5, "&"), p + 5);
	return out;
}

TEST(sim_oauth_authorization_code_and_rotation)
{
	struct sim sim;
	struct sim_response rs = {0};
	char auth[256], code[128], refresh[128], refresh2[128], form[512];

	sim_init(&sim, SIM_PLAN_PRO, 0);
	basic("cid", "csecret", auth);
	oauth(&sim, "GET", "/oauth/authorize",
	    "response_type=code&client_id=cid&state=s1"
	    "&redirect_uri=http%3A%2F%2Flocalhost%2Fcb",
	    "", NULL, &rs);
	CHECK_INT(rs.status, 302);
	CHECK(header(&rs, "Location") != NULL &&
	    strncmp(header(&rs, "Location"),
		"http://localhost/cb?code=", 25) == 0 &&
	    strstr(header(&rs, "Location"), "&state=s1") != NULL);
	code_from(header(&rs, "Location"), code);
	CHECK_INT(strlen(code), 43);
	snprintf(form, sizeof(form),
	    "grant_type=authorization_code&code=%s"
	    "&redirect_uri=http%%3A%%2F%%2Flocalhost%%2Fcb",
	    code);
	oauth(&sim, "POST", "/oauth/token", "", form, auth, &rs);
	CHECK_INT(rs.status, 200);
	field(rs.body.data, "refresh_token", refresh);
	CHECK_INT(strlen(refresh), 43);
	/* A code is good once. */
	oauth(&sim, "POST", "/oauth/token", "", form, auth, &rs);
	CHECK_INT(rs.status, 400);
	CHECK_STR(rs.body.data,
	    "{\"reason\":\"Invalid authorization code\","
	    "\"error\":\"invalid_grant\"}");
	/* Each refresh gives a new refresh token and spends the old one. */
	snprintf(form, sizeof(form),
	    "grant_type=refresh_token&refresh_token=%s", refresh);
	oauth(&sim, "POST", "/oauth/token", "", form, auth, &rs);
	CHECK_INT(rs.status, 200);
	field(rs.body.data, "refresh_token", refresh2);
	CHECK(strlen(refresh2) == 43 && strcmp(refresh, refresh2) != 0);
	oauth(&sim, "POST", "/oauth/token", "", form, auth, &rs);
	CHECK_INT(rs.status, 400);
	snprintf(form, sizeof(form),
	    "grant_type=refresh_token&refresh_token=%s", refresh2);
	oauth(&sim, "POST", "/oauth/token", form, "", auth, &rs);
	CHECK_INT(rs.status, 200);
	zp_buf_release(&rs.body);
	sim_done(&sim);
}

TEST(sim_oauth_authorize_errors)
{
	struct sim sim;
	struct sim_response rs = {0};
	char auth[256], form[512];

	sim_init(&sim, SIM_PLAN_PRO, 0);
	oauth(&sim, "GET", "/oauth/authorize",
	    "response_type=token&client_id=cid&redirect_uri=x", "", NULL, &rs);
	CHECK_INT(rs.status, 400);
	oauth(&sim, "GET", "/oauth/authorize",
	    "response_type=code&client_id=other&redirect_uri=x", "", NULL,
	    &rs);
	CHECK_INT(rs.status, 400);
	oauth(&sim, "GET", "/oauth/authorize",
	    "response_type=code&client_id=cid", "", NULL, &rs);
	CHECK_INT(rs.status, 400);
	/* A code with the wrong redirect_uri is refused. */
	oauth(&sim, "GET", "/oauth/authorize",
	    "response_type=code&client_id=cid&redirect_uri=http%3A%2F%2Fa%2F",
	    "", NULL, &rs);
	CHECK_INT(rs.status, 302);
	basic("cid", "csecret", auth);
	snprintf(form, sizeof(form),
	    "grant_type=authorization_code&code=%.60s&redirect_uri=http://b/",
	    strstr(header(&rs, "Location"), "code=") + 5);
	oauth(&sim, "POST", "/oauth/token", "", form, auth, &rs);
	CHECK_INT(rs.status, 400);
	oauth(&sim, "DELETE", "/oauth/token", "", "", auth, &rs);
	CHECK_INT(rs.status, 404);
	zp_buf_release(&rs.body);
	sim_done(&sim);
}

TEST(sim_oauth_form_arg)
{
	struct zp_buf v = ZP_BUF_INIT;

	CHECK_INT(sim_form_arg("a=1&bb=x%2By+z&c", "bb", &v), 1);
	CHECK_STR(v.data, "x+y z");
	CHECK_INT(sim_form_arg("a=1&bb=2", "b", &v), 0);
	CHECK_INT(sim_form_arg("a=1&c", "c", &v), 1);
	CHECK_STR(v.data, "");
	CHECK_INT(sim_form_arg("a=%zz", "a", &v), ZP_EDECODE);
	CHECK_INT(sim_form_arg("", "a", &v), 0);
	CHECK_INT(sim_form_arg(NULL, "a", &v), 0);
	zp_buf_release(&v);
}
