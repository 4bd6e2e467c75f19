/*
 * limiter.c - zp-fetch's side of Zoom's rate limits.
 *
 * Zoom counts requests per category in a window (a second; a minute for
 * Resource-intensive) and per day.  The limiter mirrors that with a
 * sliding window: category c may send when fewer than L of its requests
 * went out in the last w / share seconds plus a small margin (requests
 * reach the server a little later than they leave, and not all equally
 * late).  So with share 1 it runs at the plan's limit without ever being
 * refused, and with the default 0.8 at four fifths of it.  A QPS 429
 * pauses the category for its Retry-After; the X-RateLimit headers of each
 * answer correct the limit and reveal a spent daily budget before Zoom
 * has to refuse.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fetch.h"

#define MARGIN 0.05 /* seconds added to each window */
#define MAX_PER_WINDOW 1000

/* One category's window: the send times of its last `limit` requests. */
struct bucket {
	int limit; /* requests per window */
	double window; /* seconds, share applied */
	double *sent; /* ring of limit send times */
	int head, filled;
	double paused_until;
	long daily_left; /* what the last Daily-limit header left, less what
			    went since; -1: unknown */
	int stopped;
};

struct fetch_limiter {
	struct bucket b[FETCH_NCAT];
	double share;
	int unlimited; /* no limit of our own: only 429s hold us back */
};

/* The plans' limits: requests per window for Light, Medium, Heavy and
 * Resource-intensive (whose window is a minute). */
static const int plan_limits[4][FETCH_NCAT] = {
    {4, 2, 1, 10}, /* free */
    {30, 20, 10, 10}, /* pro */
    {80, 60, 40, 20}, /* business */
    {MAX_PER_WINDOW, MAX_PER_WINDOW, MAX_PER_WINDOW,
	MAX_PER_WINDOW * 60}, /* unlimited: a simulator, a proxy */
};

/* base_window is the window of c in seconds. */
static double
base_window(enum fetch_category c)
{
	return c == FETCH_RESOURCE ? 60.0 : 1.0;
}

/* bucket_size sets the limit of b, keeping no history. */
static int
bucket_size(struct bucket *b, int limit)
{
	double *sent = calloc((size_t)limit, sizeof(*sent));

	if (sent == NULL)
		return ZP_ENOMEM;
	free(b->sent);
	b->sent = sent;
	b->limit = limit;
	b->head = b->filled = 0;
	return 0;
}

/* fetch_limiter_new makes a limiter for plan aiming at share. */
int
fetch_limiter_new(struct fetch_limiter **out, int plan, double share)
{
	struct fetch_limiter *l;
	int c;

	*out = NULL;
	if (plan < 0 || plan > 3 || !(share > 0 && share <= 1))
		return ZP_EINVAL;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return ZP_ENOMEM;
	l->share = share;
	l->unlimited = plan == 3;
	for (c = 0; c < FETCH_NCAT; c++) {
		l->b[c].window = base_window(c) / share + MARGIN;
		l->b[c].daily_left = -1;
		if (bucket_size(&l->b[c], plan_limits[plan][c]) != 0) {
			fetch_limiter_free(&l);
			return ZP_ENOMEM;
		}
	}
	*out = l;
	return 0;
}

/* fetch_limiter_free releases l and clears the pointer. */
void
fetch_limiter_free(struct fetch_limiter **l)
{
	int c;

	if (l == NULL || *l == NULL)
		return;
	for (c = 0; c < FETCH_NCAT; c++)
		free((*l)->b[c].sent);
	free(*l);
	*l = NULL;
}

/* fetch_limiter_wait is how long c must wait at now before sending. */
double
fetch_limiter_wait(struct fetch_limiter *l, enum fetch_category c, double now)
{
	const struct bucket *b = &l->b[c];
	double oldest, wait = 0;

	if (b->stopped || b->daily_left == 0)
		return -1;
	if (b->paused_until > now)
		wait = b->paused_until - now;
	if (b->filled == b->limit) {
		/* head is the oldest of the last `limit` sends. */
		oldest = b->sent[b->head];
		if (oldest + b->window - now > wait)
			wait = oldest + b->window - now;
	}
	return wait;
}

/* fetch_limiter_take counts one request of c sent at now. */
void
fetch_limiter_take(struct fetch_limiter *l, enum fetch_category c, double now)
{
	struct bucket *b = &l->b[c];

	if (b->daily_left > 0)
		b->daily_left--;
	b->sent[b->head] = now;
	b->head = (b->head + 1) % b->limit;
	if (b->filled < b->limit)
		b->filled++;
}

/* fetch_limiter_pause holds c back until now + seconds. */
void
fetch_limiter_pause(
    struct fetch_limiter *l, enum fetch_category c, double now, double seconds)
{
	if (now + seconds > l->b[c].paused_until)
		l->b[c].paused_until = now + seconds;
}

/* parse_count reads a non-negative decimal header value, or -1. */
static long
parse_count(const char *s)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	return *end == '\0' && v >= 0 ? v : -1;
}

/* fetch_limiter_learn applies a response's X-RateLimit headers to c. */
int
fetch_limiter_learn(struct fetch_limiter *l, enum fetch_category c,
    const char *type, const char *limit, const char *remaining, long in_flight)
{
	long lim = parse_count(limit), rem = parse_count(remaining);
	struct bucket *b = &l->b[c];

	if (type == NULL)
		return 0;
	if (strcmp(type, "Daily-limit") == 0) {
		/* The answer counted what was served before it; the
		 * requests still in flight will use some of what is left. */
		if (rem >= 0)
			b->daily_left = rem > in_flight ? rem - in_flight : 0;
		return rem == 0;
	}
	/* A QPS limit lower than the plan's (a smaller account, a changed
	 * table) wins; a higher one is left alone: the plan is a promise
	 * the user made. */
	if (!l->unlimited && strcmp(type, "QPS") == 0 && lim > 0 &&
	    lim < b->limit && lim <= MAX_PER_WINDOW)
		bucket_size(b, (int)lim);
	return 0;
}

/* fetch_limiter_stop stops c for the rest of the run. */
void
fetch_limiter_stop(struct fetch_limiter *l, enum fetch_category c)
{
	l->b[c].stopped = 1;
}

/* fetch_limiter_stopped tells whether c was stopped. */
int
fetch_limiter_stopped(const struct fetch_limiter *l, enum fetch_category c)
{
	return l->b[c].stopped;
}

/* fetch_limiter_rate is the requests per second c aims at. */
double
fetch_limiter_rate(const struct fetch_limiter *l, enum fetch_category c)
{
	return l->b[c].limit / l->b[c].window;
}

/* fetch_limiter_spent tells whether c has used up what the Daily-limit
 * headers said was left today. */
int
fetch_limiter_spent(const struct fetch_limiter *l, enum fetch_category c)
{
	return l->b[c].daily_left == 0;
}
