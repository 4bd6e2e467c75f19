/*
 * plan.h - what a crawl fetches: the first tasks of each account and the
 * tasks that the items of each page lead to.
 */
#ifndef ZP_FETCH_PLAN_H
#define ZP_FETCH_PLAN_H

#include "fetch.h"

/* The days a run covers, per kind of window. */
struct fetch_window {
	long since, until; /* inclusive days; since > until: empty */
};

/* What the plan needs to know about a run. */
struct fetch_plan {
	unsigned streams;
	int report_participants;
	int page_size; /* 1..300 */
	struct fetch_window report; /* reports, metrics, phone: clamped to
				       six months */
	struct fetch_window full; /* recordings, webinars: as asked */
};

/* Called for each task the plan wants; returns 0 or a ZP_E* code. */
typedef int (*fetch_plan_add_fn)(
    void *arg, enum fetch_kind kind, const char *path);

/*
 * fetch_plan_roots adds the first tasks of one account: the user
 * listings and the account-wide windows (phone, metrics).
 */
int fetch_plan_roots(
    const struct fetch_plan *p, fetch_plan_add_fn add, void *arg);

/*
 * fetch_plan_children adds the tasks that the items of one page of a
 * kind-k task lead to.  body is the page's parsed JSON.  Returns 0, or a
 * ZP_E* code from add.
 */
int fetch_plan_children(const struct fetch_plan *p, enum fetch_kind k,
    const struct zp_json *body, fetch_plan_add_fn add, void *arg);

/* fetch_plan_windows splits [w.since, w.until] into windows of at most
 * 30 days: calls fn with each from and to day. */
int fetch_plan_windows(const struct fetch_window *w,
    int (*fn)(void *arg, long from, long to), void *arg);

#endif
