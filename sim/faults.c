/*
 * faults.c - seeded fault injection: how data is delivered goes wrong,
 * never the data itself.
 *
 * Each API request draws a fixed set of values, at each stage it reaches,
 * from a private splitmix64 stream seeded from the org seed, so a run
 * that sends the same requests in the same order meets the same faults.  A
 * storm, once started for a category, answers that request and the next
 * storm_len - 1 of the category with Zoom's per-second 429.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "splitmix.h"
#include "sim.h"

/* Keeps the fault stream apart from the org generator's. */
#define FAULT_STREAM 0x6a09e667f3bcc909ULL

/* The injector's state. */
struct sim_faults {
	uint64_t state;
	struct sim_faults_opts o;
	int storm_left[SIM_NCAT];
};

static const char *const fault_names[SIM_NFAULT] = {"http_5xx", "storm_429",
    "slow", "page_expire", "revoke", "truncate", "reset", "html",
    "stuck_token", "low_total"};

/* sim_fault_name is the fault's name in the log and the statistics. */
const char *
sim_fault_name(enum sim_fault f)
{
	if (f < 0 || f >= SIM_NFAULT)
		return "";
	return fault_names[f];
}

/* sim_faults_new starts a fault stream for seed with the rates of o. */
int
sim_faults_new(
    struct sim_faults **f, uint64_t seed, const struct sim_faults_opts *o)
{
	struct sim_faults *n;

	*f = NULL;
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return ZP_ENOMEM;
	n->state = seed ^ FAULT_STREAM;
	if (o != NULL)
		n->o = *o;
	if (n->o.storm_len < 1)
		n->o.storm_len = 1;
	*f = n;
	return 0;
}

/* sim_faults_free releases f and clears the pointer; accepts NULL. */
void
sim_faults_free(struct sim_faults **f)
{
	if (f == NULL)
		return;
	free(*f);
	*f = NULL;
}

/* next is splitmix64: the next 64 bits of the stream. */
static uint64_t
next(struct sim_faults *f)
{
	return zp_splitmix64(&f->state);
}

/* uniform is the next draw in [0, 1). */
static double
uniform(struct sim_faults *f)
{
	return (double)(next(f) >> 11) * 0x1.0p-53;
}

/* note records fault k on rs and in the statistics. */
static void
note(struct sim *sim, struct sim_response *rs, enum sim_fault k)
{
	rs->faults |= 1u << k;
	sim->stats.faults_injected++;
	sim->stats.by_fault[k]++;
}

/* answer_5xx fills rs with 500, 502 or 503 as pick chooses. */
static void
answer_5xx(struct sim_response *rs, double pick)
{
	if (pick < 1.0 / 3)
		sim_response_error(rs, 500, 500, "Internal Server Error.");
	else if (pick < 2.0 / 3)
		sim_response_error(rs, 502, 502, "Bad Gateway.");
	else
		sim_response_error(rs, 503, 503,
		    "Service Unavailable. Please try again later.");
}

/* has_page_token tells whether rq carries a non-empty next_page_token. */
static int
has_page_token(const struct sim_request *rq)
{
	struct zp_buf v = ZP_BUF_INIT;
	int found = sim_query_arg(rq, "next_page_token", &v) == 1 && v.len > 0;

	zp_buf_release(&v);
	return found;
}

/* The draws of one request, always taken in this order. */
struct draws {
	double http_5xx, pick, storm, revoke, slow, page_expire;
};

/* draw takes the request's values from the stream. */
static void
draw(struct sim_faults *f, struct draws *d)
{
	d->http_5xx = uniform(f);
	d->pick = uniform(f);
	d->storm = uniform(f);
	d->revoke = uniform(f);
	d->slow = uniform(f);
	d->page_expire = uniform(f);
}

/* storm answers a 429 if a storm of c is under way or starts now. */
static int
storm(struct sim *sim, enum sim_category c, double u, struct sim_response *rs)
{
	struct sim_faults *f = sim->faults;

	if (c < 0 || c >= SIM_NCAT)
		return 0;
	if (f->storm_left[c] > 0)
		f->storm_left[c]--;
	else if (u < f->o.storm_429)
		f->storm_left[c] = f->o.storm_len - 1;
	else
		return 0;
	sim_limits_reject_qps(sim, c, rs);
	note(sim, rs, SIM_FAULT_429);
	return 1;
}

/* paging_lies marks a request whose listing answer will lie about its
 * paging; drawn only when asked for, so that other runs keep their
 * draws. */
static void
paging_lies(struct sim *sim, struct sim_request *rq, struct sim_response *rs)
{
	struct sim_faults *f = sim->faults;

	if (f->o.stuck_token > 0 && has_page_token(rq) &&
	    uniform(f) < f->o.stuck_token) {
		rq->stuck_page_token = 1;
		note(sim, rs, SIM_FAULT_STUCK_TOKEN);
	}
	if (f->o.low_total > 0 && uniform(f) < f->o.low_total) {
		rq->low_total = 1;
		note(sim, rs, SIM_FAULT_LOW_TOTAL);
	}
}

/* sim_faults_before answers a request itself (1) or marks it (0). */
int
sim_faults_before(struct sim *sim, enum sim_category c, struct sim_request *rq,
    struct sim_response *rs)
{
	struct sim_faults *f = sim->faults;
	struct draws d;

	if (f == NULL)
		return 0;
	draw(f, &d);
	if (storm(sim, c, d.storm, rs))
		return 1;
	if (d.revoke < f->o.revoke) {
		sim_oauth_revoke(sim, rq);
		sim_response_error(rs, 401, 124, "Invalid access token.");
		note(sim, rs, SIM_FAULT_REVOKE);
		return 1;
	}
	if (d.http_5xx < f->o.http_5xx) {
		answer_5xx(rs, d.pick);
		note(sim, rs, SIM_FAULT_5XX);
		return 1;
	}
	/* Drawn only when asked for, so that other runs keep their
	 * draws. */
	if (f->o.html > 0 && uniform(f) < f->o.html) {
		rs->status = 403;
		rs->content_type = "text/html";
		zp_buf_reset(&rs->body);
		zp_buf_puts(&rs->body,
		    "<html><head><title>403 Forbidden</title></head><body>"
		    "<h1>Forbidden</h1></body></html>\n");
		note(sim, rs, SIM_FAULT_HTML);
		return 1;
	}
	if (d.slow < f->o.slow) {
		rs->slow_ms = f->o.slow_ms;
		note(sim, rs, SIM_FAULT_SLOW);
	}
	if (d.page_expire < f->o.page_expire && has_page_token(rq)) {
		rq->expire_page_token = 1;
		note(sim, rs, SIM_FAULT_PAGE_EXPIRE);
	}
	paging_lies(sim, rq, rs);
	return 0;
}

/* sim_faults_after marks a 200 to be reset or truncated on the wire. */
void
sim_faults_after(struct sim *sim, struct sim_response *rs)
{
	struct sim_faults *f = sim->faults;
	double reset, truncate;

	if (f == NULL)
		return;
	reset = uniform(f);
	truncate = uniform(f);
	if (rs->status != 200 || rs->body.len < 2)
		return;
	if (reset < f->o.reset) {
		rs->reset = 1;
		note(sim, rs, SIM_FAULT_RESET);
	} else if (truncate < f->o.truncate) {
		rs->truncate = 1;
		note(sim, rs, SIM_FAULT_TRUNCATE);
	}
}
