/*
 * sim.h - the parts of zp-sim and how they meet.
 *
 *   main.c       options, start, stop, the report on exit
 *   org.c        the synthetic organization (org.h), truth.c its dump
 *   server.c     libmicrohttpd: requests in, responses out, the pipeline
 *                auth -> rate limit -> faults -> route -> log -> stats
 *   oauth.c      /oauth/token and /oauth/authorize, bearer token checks
 *   ratelimit.c  Zoom's per-category QPS and daily limits, the headers,
 *                Retry-After, and the least wall time a client needed
 *   faults.c     seeded fault injection
 *   routes.c     the Zoom endpoints, render.c their JSON, pages.c the
 *                next_page_token store
 *   webhook.c    signed webhook events as the simulated clock passes them
 *
 * Every MHD_* call is in server.c.  Everything mutable in struct sim is
 * guarded by sim->lock; the org is read-only once generated.
 */
#ifndef ZP_SIM_H
#define ZP_SIM_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "buf.h"
#include "org.h"

/* Rate-limit categories, as Zoom labels endpoints. */
enum sim_category {
	SIM_CAT_NONE = -1,
	SIM_CAT_LIGHT,
	SIM_CAT_MEDIUM,
	SIM_CAT_HEAVY,
	SIM_CAT_RESOURCE, /* "Resource-intensive" */
	SIM_NCAT
};

/* Fault rates, each a probability in [0, 1], drawn from the seed. */
struct sim_faults_opts {
	double storm_429; /* start a storm: the next requests of the category
			     get 429 QPS for storm_len requests */
	int storm_len;
	double http_5xx; /* answer 500, 502 or 503 */
	double reset; /* close the connection halfway through the body */
	double truncate; /* a 200 whose JSON body is cut short */
	double slow; /* answer after slow_ms */
	int slow_ms;
	double page_expire; /* a valid next_page_token is reported expired */
	double revoke; /* the bearer token is revoked (401 code 124) */
	double html; /* a 403 whose body is an HTML page, not JSON */
	double stuck_token; /* a page answers with the token it was sent */
	double low_total; /* total_records says half of what there is */
};

/* Everything zp-sim was told. */
struct sim_config {
	struct sim_org_opts org;
	const char *listen; /* "127.0.0.1" */
	int port; /* 0: the kernel picks; see sim->port */
	const char *port_file; /* where to write the chosen port, or NULL */
	const char *base_path; /* "/v2" */
	const char *public_url; /* "http://127.0.0.1:PORT", for api_url */
	const char *client_id; /* OAuth client id */
	char client_secret[128]; /* from ZP_SIM_CLIENT_SECRET or a file */
	char webhook_secret[128]; /* from ZP_SIM_WEBHOOK_SECRET or a file */
	int token_ttl; /* expires_in of access tokens, seconds */
	int page_token_ttl; /* seconds; Zoom: 900 */
	int rate_limits; /* 0 turns rate limiting off */
	long daily_limit; /* override of the plan's daily limit; 0 */
	struct sim_faults_opts faults;
	const char *log_path; /* request log, NDJSON, or NULL */
	const char *truth_path; /* --dump-truth */
	const char *webhook_url; /* or NULL */
	const char *missing_scope; /* the app lacks this scope, or NULL */
	double speed; /* simulated seconds per real second */
};

/* One HTTP request as the routes see it. */
struct sim_request {
	const char *method;
	const char *path; /* below the base path, still percent-encoded:
			     "/past_meetings/%252Fab%253D%253D/participants" */
	const char *raw_path; /* the whole path as sent, with the base path */
	const char *query; /* the raw query string without '?', or "" */
	const char *body; /* request body (POST), NUL-terminated, or "" */
	size_t body_len;
	const char *authorization; /* the Authorization header, or NULL */
	const char *account; /* account of the bearer token, once checked */
	int expire_page_token; /* set by faults: treat the token as expired */
	int stuck_page_token; /* set by faults: give back the token sent */
	int low_total; /* set by faults: under-report total_records */
	time_t now; /* the simulated present */
};

#define SIM_MAX_HEADERS 8

/* Injected faults, for the request log and the statistics. */
enum sim_fault {
	SIM_FAULT_5XX, /* "http_5xx" */
	SIM_FAULT_429, /* "storm_429" */
	SIM_FAULT_SLOW, /* "slow" */
	SIM_FAULT_PAGE_EXPIRE, /* "page_expire" */
	SIM_FAULT_REVOKE, /* "revoke" */
	SIM_FAULT_TRUNCATE, /* "truncate" */
	SIM_FAULT_RESET, /* "reset" */
	SIM_FAULT_HTML, /* "html" */
	SIM_FAULT_STUCK_TOKEN, /* "stuck_token" */
	SIM_FAULT_LOW_TOTAL, /* "low_total" */
	SIM_NFAULT
};

/* One HTTP response being built. */
struct sim_response {
	int status;
	struct zp_buf body; /* JSON unless content_type says else */
	const char *content_type; /* NULL: application/json */
	enum sim_category category;
	const char *hdr_name[SIM_MAX_HEADERS];
	char hdr_value[SIM_MAX_HEADERS][128];
	int n_hdr;
	int reset; /* faults: cut the connection mid-body */
	int truncate; /* faults: cut the body short */
	int slow_ms; /* faults: wait before answering */
	unsigned faults; /* bit 1 << enum sim_fault per injected
			    fault, for the request log */
};

struct sim_tokens; /* oauth.c */
struct sim_pages; /* pages.c */
struct sim_limits; /* ratelimit.c */
struct sim_faults; /* faults.c */
struct sim_webhooks; /* webhook.c */
struct sim_server; /* server.c */

/* Counters for /_sim/stats and the report on exit. */
struct sim_stats {
	uint64_t requests;
	uint64_t by_category[SIM_NCAT];
	uint64_t status_2xx, status_4xx, status_5xx;
	uint64_t sent_429_qps, sent_429_daily;
	uint64_t faults_injected;
	uint64_t by_fault[SIM_NFAULT];
	uint64_t webhooks_sent, webhooks_failed;
	struct timespec first_request, last_request; /* CLOCK_MONOTONIC */
};

/* The running simulator. */
struct sim {
	struct sim_config cfg;
	struct sim_org org;
	pthread_mutex_t lock;
	struct sim_tokens *tokens;
	struct sim_pages *pages;
	struct sim_limits *limits;
	struct sim_faults *faults;
	struct sim_webhooks *webhooks;
	struct sim_server *server;
	struct sim_stats stats;
	FILE *log;
	int port;
	struct timespec started; /* CLOCK_MONOTONIC when serving began */
};

/*
 * sim_clock is the simulated present: cfg.org.now plus the real time since
 * sim->started times cfg.speed (0 freezes the clock).  In server.c.
 */
time_t sim_clock(struct sim *sim);

/* sim_response_header adds one header (name borrowed, value copied). */
void sim_response_header(
    struct sim_response *rs, const char *name, const char *value);

/* sim_response_error sets status and a Zoom error body
 * {"code":code,"message":message}. */
void sim_response_error(
    struct sim_response *rs, int status, int code, const char *message);

/* --- oauth.c --------------------------------------------------------- */

int sim_tokens_new(struct sim_tokens **t);
void sim_tokens_free(struct sim_tokens **t);

/* sim_oauth_handle answers POST /oauth/token and GET /oauth/authorize. */
void sim_oauth_handle(
    struct sim *sim, const struct sim_request *rq, struct sim_response *rs);

/*
 * sim_oauth_check validates the request's bearer token and sets
 * rq->account; on failure fills rs with 401 code 124 and returns -1.
 */
int sim_oauth_check(
    struct sim *sim, struct sim_request *rq, struct sim_response *rs);

/* sim_oauth_revoke invalidates the bearer token of rq (a fault). */
void sim_oauth_revoke(struct sim *sim, const struct sim_request *rq);

/* --- ratelimit.c ----------------------------------------------------- */

int sim_limits_new(
    struct sim_limits **l, enum sim_plan plan, long daily_override);
void sim_limits_free(struct sim_limits **l);

/*
 * sim_limits_take counts one request of category c at monotonic time now
 * for account; returns 0 and sets the X-RateLimit-* headers, or fills rs
 * with Zoom's 429 (QPS or Daily-limit, with Retry-After) and returns -1.
 */
int sim_limits_take(struct sim *sim, enum sim_category c,
    const struct timespec *now, struct sim_response *rs);

/* sim_limits_min_wall is the least wall time, in seconds, any client
 * needed for the requests served so far under the plan's limits. */
double sim_limits_min_wall(struct sim *sim);

/* sim_limits_headers adds the X-RateLimit-* headers of category c
 * without counting a request (for answers that bypass the limiter). */
void sim_limits_headers(
    struct sim *sim, enum sim_category c, struct sim_response *rs);

/* sim_limits_reject_qps fills rs with Zoom's per-second (per-minute for
 * Resource-intensive) 429 for c, without counting it: a 429 storm. */
void sim_limits_reject_qps(
    struct sim *sim, enum sim_category c, struct sim_response *rs);

/* sim_category_name is Zoom's label: "Light", ..., "Resource-intensive". */
const char *sim_category_name(enum sim_category c);

/* --- faults.c -------------------------------------------------------- */

int sim_faults_new(
    struct sim_faults **f, uint64_t seed, const struct sim_faults_opts *o);
void sim_faults_free(struct sim_faults **f);

/*
 * sim_faults_before decides the faults of one request before it is routed:
 * it may answer it itself (5xx, a 429 storm, a revoked token: returns 1
 * with rs filled) or mark it (rq->expire_page_token, rs->slow_ms) and
 * return 0.
 */
int sim_faults_before(struct sim *sim, enum sim_category c,
    struct sim_request *rq, struct sim_response *rs);

/* sim_faults_after may mark a routed 200 for truncation or a reset. */
void sim_faults_after(struct sim *sim, struct sim_response *rs);

/* sim_fault_name is the fault's name in the log and the statistics. */
const char *sim_fault_name(enum sim_fault f);

/* --- routes.c, render.c, pages.c ------------------------------------- */

int sim_pages_new(struct sim_pages **p);
void sim_pages_free(struct sim_pages **p);

/* sim_route_category tells the category of method + path (below the base
 * path), or SIM_CAT_NONE when no endpoint matches. */
enum sim_category sim_route_category(const char *method, const char *path);

/* sim_route_scope is the OAuth scope the endpoint at path (below the base
 * path) needs, e.g. "report:read:admin". */
const char *sim_route_scope(const char *path);

/*
 * sim_route_handle answers one API request (below the base path) into rs:
 * a Zoom body with status, or Zoom's error (404 code 3001, 300, 12702...).
 */
void sim_route_handle(
    struct sim *sim, struct sim_request *rq, struct sim_response *rs);

/* --- webhook.c ------------------------------------------------------- */

int sim_webhooks_start(struct sim *sim);
void sim_webhooks_stop(struct sim *sim);

/* --- server.c -------------------------------------------------------- */

/* sim_server_start listens and serves in its own threads; sets sim->port. */
int sim_server_start(struct sim *sim);
void sim_server_stop(struct sim *sim);

/* sim_stats_write appends the statistics as one JSON object; call it
 * with sim->lock held or once the server has stopped. */
int sim_stats_write(struct sim *sim, struct zp_buf *out);

/*
 * sim_form_arg finds the first name=value pair called name in form, an
 * application/x-www-form-urlencoded string ("a=1&b=x%2By"), and stores
 * its decoded value in out (reset first; '+' stands for a space).
 * Returns 1 if found, 0 if absent, ZP_EDECODE or ZP_ENOMEM.
 */
int sim_form_arg(const char *form, const char *name, struct zp_buf *out);

/* sim_query_arg is sim_form_arg over the query string of rq. */
int sim_query_arg(
    const struct sim_request *rq, const char *name, struct zp_buf *out);

#endif
