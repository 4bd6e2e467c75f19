/*
 * ratelimit.c - Zoom's rate limits by category, per second (per minute
 * for Resource-intensive) and per UTC day, with Zoom's headers and 429s.
 *
 * The figures are those of Zoom's "Rate limits" page for the Free, Pro
 * and Business plans.  The per-second window slides: a request is served
 * when fewer than L requests of its category were served in the w seconds
 * before it.  That makes (ceil(n / L) - 1) * w an exact lower bound of the
 * wall time n requests need, which sim_limits_min_wall reports.  Daily
 * budgets count real UTC days; on Pro and Business, Heavy and
 * Resource-intensive share one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "sim.h"

#define DAY 86400
#define QPS_MESSAGE                                                           \
	"You have reached the maximum per-second rate limit for this API. "   \
	"Try again later."

/* The limits of one category under a plan. */
struct cat_limit {
	int per_window; /* requests served per window */
	int window; /* seconds: 1, or 60 for Resource-intensive */
	int group; /* daily budget shared with others, or -1 */
};

/* A plan: its categories and the budgets of its daily groups. */
struct plan {
	struct cat_limit cat[SIM_NCAT];
	long daily[SIM_NCAT];
};

static const struct plan plans[] = {
    [SIM_PLAN_FREE] = {{{4, 1, 0}, {2, 1, 1}, {1, 1, 2}, {10, 60, 3}},
	{6000, 2000, 1000, 30000}},
    [SIM_PLAN_PRO] = {{{30, 1, -1}, {20, 1, -1}, {10, 1, 0}, {10, 60, 0}},
	{30000, 0, 0, 0}},
    [SIM_PLAN_BUSINESS] = {{{80, 1, -1}, {60, 1, -1}, {40, 1, 0}, {20, 60, 0}},
	{60000, 0, 0, 0}},
};

/* What the limiter remembers: recent requests, today's and all counts. */
struct sim_limits {
	struct plan plan;
	struct timespec *recent[SIM_NCAT]; /* ring of the last L served */
	int head[SIM_NCAT]; /* next slot to overwrite */
	int filled[SIM_NCAT];
	uint64_t served[SIM_NCAT]; /* all time, per category */
	long day; /* UTC day of day_used */
	long day_used[SIM_NCAT]; /* per daily group, today */
	uint64_t group_served[SIM_NCAT]; /* per daily group, all time */
};

static const char *const category_names[SIM_NCAT] = {
    "Light", "Medium", "Heavy", "Resource-intensive"};

/* sim_category_name is Zoom's label, or "" for SIM_CAT_NONE. */
const char *
sim_category_name(enum sim_category c)
{
	if (c < 0 || c >= SIM_NCAT)
		return "";
	return category_names[c];
}

/* sim_limits_new builds a limiter for plan; daily_override > 0 replaces
 * every daily budget of the plan. */
int
sim_limits_new(struct sim_limits **l, enum sim_plan plan, long daily_override)
{
	struct sim_limits *n;
	int c;

	*l = NULL;
	if (plan < SIM_PLAN_FREE || plan > SIM_PLAN_BUSINESS)
		return ZP_EINVAL;
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return ZP_ENOMEM;
	n->plan = plans[plan];
	for (c = 0; c < SIM_NCAT; c++) {
		if (daily_override > 0 && n->plan.daily[c] > 0)
			n->plan.daily[c] = daily_override;
		n->recent[c] = calloc((size_t)n->plan.cat[c].per_window,
		    sizeof(struct timespec));
		if (n->recent[c] == NULL) {
			sim_limits_free(&n);
			return ZP_ENOMEM;
		}
	}
	n->day = -1;
	*l = n;
	return 0;
}

/* sim_limits_free releases l and clears the pointer; accepts NULL. */
void
sim_limits_free(struct sim_limits **l)
{
	int c;

	if (l == NULL || *l == NULL)
		return;
	for (c = 0; c < SIM_NCAT; c++)
		free((*l)->recent[c]);
	free(*l);
	*l = NULL;
}

/* --- counting -------------------------------------------------------- */

/* seconds_between is b - a in seconds. */
static double
seconds_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* in_window counts the requests of c served less than a window before
 * now. */
static int
in_window(const struct sim_limits *l, enum sim_category c,
    const struct timespec *now)
{
	int i, n = 0;

	for (i = 0; i < l->filled[c]; i++)
		if (seconds_between(&l->recent[c][i], now) <
		    l->plan.cat[c].window)
			n++;
	return n;
}

/* roll_day starts a new daily count when the UTC day has changed. */
static void
roll_day(struct sim_limits *l)
{
	long today = (long)(time(NULL) / DAY);

	if (today == l->day)
		return;
	l->day = today;
	memset(l->day_used, 0, sizeof(l->day_used));
}

/* daily_left is what remains of c's daily budget today, or -1 if c has
 * none. */
static long
daily_left(const struct sim_limits *l, enum sim_category c)
{
	int g = l->plan.cat[c].group;
	long left;

	if (g < 0)
		return -1;
	left = l->plan.daily[g] - l->day_used[g];
	return left > 0 ? left : 0;
}

/* record counts one served request of c at now. */
static void
record(struct sim_limits *l, enum sim_category c, const struct timespec *now)
{
	int size = l->plan.cat[c].per_window, g = l->plan.cat[c].group;

	l->recent[c][l->head[c]] = *now;
	l->head[c] = (l->head[c] + 1) % size;
	if (l->filled[c] < size)
		l->filled[c]++;
	l->served[c]++;
	if (g >= 0) {
		l->day_used[g]++;
		l->group_served[g]++;
	}
}

/* --- headers and answers --------------------------------------------- */

/* put_header adds name: the decimal n. */
static void
put_header(struct sim_response *rs, const char *name, long n)
{
	char v[32];

	snprintf(v, sizeof(v), "%ld", n);
	sim_response_header(rs, name, v);
}

/* set_headers adds the X-RateLimit-* headers: QPS, or Daily-limit when
 * less of the daily budget remains than of the window. */
static void
set_headers(const struct sim_limits *l, enum sim_category c,
    const struct timespec *now, struct sim_response *rs)
{
	long qps_left = l->plan.cat[c].per_window - in_window(l, c, now);
	long day_left = daily_left(l, c);
	int daily = day_left >= 0 && day_left < qps_left;

	if (qps_left < 0)
		qps_left = 0;
	sim_response_header(rs, "X-RateLimit-Category", sim_category_name(c));
	sim_response_header(
	    rs, "X-RateLimit-Type", daily ? "Daily-limit" : "QPS");
	put_header(rs, "X-RateLimit-Limit",
	    daily ? l->plan.daily[l->plan.cat[c].group]
		  : l->plan.cat[c].per_window);
	put_header(rs, "X-RateLimit-Remaining", daily ? day_left : qps_left);
}

/* reject_qps is Zoom's per-second 429 for c; Retry-After is a whole
 * window. */
static void
reject_qps(
    const struct sim_limits *l, enum sim_category c, struct sim_response *rs)
{
	sim_response_error(rs, 429, 429, QPS_MESSAGE);
	sim_response_header(rs, "X-RateLimit-Category", sim_category_name(c));
	sim_response_header(rs, "X-RateLimit-Type", "QPS");
	put_header(rs, "X-RateLimit-Limit", l->plan.cat[c].per_window);
	sim_response_header(rs, "X-RateLimit-Remaining", "0");
	put_header(rs, "Retry-After", l->plan.cat[c].window);
}

/*
 * reject_daily is Zoom's daily-limit 429 for c: Retry-After is the next
 * UTC midnight as a date-time, not seconds (DESIGN.md, Facts).
 */
static void
reject_daily(
    const struct sim_limits *l, enum sim_category c, struct sim_response *rs)
{
	long limit = l->plan.daily[l->plan.cat[c].group];
	time_t midnight = (time_t)(l->day + 1) * DAY;
	char when[32], msg[256];
	struct tm tm;

	gmtime_r(&midnight, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(msg, sizeof(msg),
	    "You have exceeded the daily rate limit of (%ld) requests for the "
	    "category %s (Daily-limit). Please try again after (%s).",
	    limit, sim_category_name(c), when);
	sim_response_error(rs, 429, 429, msg);
	sim_response_header(rs, "X-RateLimit-Category", sim_category_name(c));
	sim_response_header(rs, "X-RateLimit-Type", "Daily-limit");
	put_header(rs, "X-RateLimit-Limit", limit);
	sim_response_header(rs, "X-RateLimit-Remaining", "0");
	sim_response_header(rs, "Retry-After", when);
}

/* window_full tells whether c already served L requests in the window
 * before now. */
static int
window_full(const struct sim_limits *l, enum sim_category c,
    const struct timespec *now)
{
	return in_window(l, c, now) >= l->plan.cat[c].per_window;
}

/* sim_limits_take serves or refuses one request of c at monotonic now. */
int
sim_limits_take(struct sim *sim, enum sim_category c,
    const struct timespec *now, struct sim_response *rs)
{
	struct sim_limits *l = sim->limits;

	if (l == NULL || c < 0 || c >= SIM_NCAT)
		return 0;
	roll_day(l);
	if (sim->cfg.rate_limits && daily_left(l, c) == 0) {
		sim->stats.sent_429_daily++;
		reject_daily(l, c, rs);
		return -1;
	}
	if (sim->cfg.rate_limits && window_full(l, c, now)) {
		sim->stats.sent_429_qps++;
		reject_qps(l, c, rs);
		return -1;
	}
	record(l, c, now);
	set_headers(l, c, now, rs);
	return 0;
}

/* sim_limits_headers adds c's headers without counting a request. */
void
sim_limits_headers(
    struct sim *sim, enum sim_category c, struct sim_response *rs)
{
	struct timespec now;

	if (sim->limits == NULL || c < 0 || c >= SIM_NCAT)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	roll_day(sim->limits);
	set_headers(sim->limits, c, &now, rs);
}

/* sim_limits_reject_qps fills rs with c's QPS 429, uncounted. */
void
sim_limits_reject_qps(
    struct sim *sim, enum sim_category c, struct sim_response *rs)
{
	if (sim->limits == NULL || c < 0 || c >= SIM_NCAT) {
		sim_response_error(rs, 429, 429, QPS_MESSAGE);
		sim_response_header(rs, "Retry-After", "1");
		return;
	}
	reject_qps(sim->limits, c, rs);
}

/* --- the least wall time --------------------------------------------- */

/* windows_needed is ceil(n / per) - 1: the gaps between the windows n
 * requests must spread over. */
static uint64_t
windows_needed(uint64_t n, long per)
{
	if (n == 0 || per <= 0)
		return 0;
	return (n + (uint64_t)per - 1) / (uint64_t)per - 1;
}

/*
 * sim_limits_min_wall is the largest per-category need, since categories
 * run in parallel, plus a full day for each extra day a daily budget
 * forced (the daily groups too are independent: the largest counts).
 */
double
sim_limits_min_wall(struct sim *sim)
{
	const struct sim_limits *l = sim->limits;
	double need = 0, c_need;
	uint64_t days = 0, d;
	int c;

	if (l == NULL)
		return 0;
	for (c = 0; c < SIM_NCAT; c++) {
		c_need = (double)windows_needed(
			     l->served[c], l->plan.cat[c].per_window) *
		    l->plan.cat[c].window;
		if (c_need > need)
			need = c_need;
		d = windows_needed(l->group_served[c], l->plan.daily[c]);
		if (d > days)
			days = d;
	}
	return need + (double)days * DAY;
}
