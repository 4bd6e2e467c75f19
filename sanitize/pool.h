/*
 * pool.h - zp-sanitize's workers: page bodies sanitized on several
 * threads, envelopes written in the order they came.
 *
 * The main thread reads and parses envelopes and decides what each
 * becomes; a page to sanitize goes to the pool as the envelope written
 * up to its "body": key (the head) and a copy of its raw body.  Envelopes
 * go to the workers in batches (up to 32, or 256 KB of input), so that
 * threads meet once per batch.  Each worker has its own engine (and so
 * its own pseudonym cache), arena and parser; it parses the body, applies
 * the endpoint's responseSchema and transforms, and writes the compact
 * result.  The main thread collects finished batches strictly in
 * submission order, so the output is the same whatever the number of
 * workers.
 */
#ifndef ZP_SANITIZE_POOL_H
#define ZP_SANITIZE_POOL_H

#include <stddef.h>

#include "buf.h"
#include "pseudonym.h"
#include "rules.h"

struct sanitize_pool;

/* What a finished job hands back, in order. */
struct sanitize_done {
	const char *msg; /* the whole envelope to write, or NULL when the
			    page is dropped */
	size_t len; /* msg's length */
	const char *why; /* why it was dropped (static text), or NULL */
	const char *path; /* the page's path, for the log */
	const char *where; /* where it was read ("stdin:12") */
};

/*
 * sanitize_pool_new starts n workers (1 or more) for rules and p, each
 * with an engine of its own.  Returns 0, ZP_ECONFIG (why filled) or
 * ZP_ENOMEM.  rules and p are borrowed for the pool's life.
 */
int sanitize_pool_new(struct sanitize_pool **out, size_t n,
    const struct sanitize_rules *rules, const struct zp_pseudo *p,
    struct zp_buf *why);

/*
 * sanitize_pool_submit queues one envelope: head is the envelope up to and
 * including "body": (copied), body its raw JSON (copied), ep the
 * endpoint; or, with ep NULL, head is a whole envelope to pass in order.
 * path and where are copied for the log.  Envelopes wait in the open
 * batch until it is full (or sanitize_pool_flush); it blocks while every
 * batch is in use, handing finished ones to done(arg, ...) in order
 * meanwhile.  Returns 0 or the first nonzero result of done, or
 * ZP_ENOMEM.
 */
int sanitize_pool_submit(struct sanitize_pool *pl, const char *head,
    size_t head_len, const char *body, size_t body_len,
    const struct sanitize_endpoint *ep, const char *path, const char *where,
    int (*done)(void *arg, const struct sanitize_done *d), void *arg);

/* sanitize_pool_flush sends the open batch to the workers and hands every
 * envelope still queued to done, in order, waiting for the workers (for
 * when the input pauses).  Returns 0 or the first nonzero result. */
int sanitize_pool_flush(struct sanitize_pool *pl,
    int (*done)(void *arg, const struct sanitize_done *d), void *arg);

/* sanitize_pool_drain hands every job still queued to done, in order,
 * waiting for the workers.  Returns 0 or the first nonzero result. */
int sanitize_pool_drain(struct sanitize_pool *pl,
    int (*done)(void *arg, const struct sanitize_done *d), void *arg);

/* sanitize_pool_free stops the workers and frees everything; NULL is
 * fine. */
void sanitize_pool_free(struct sanitize_pool **pl);

/* sanitize_pool_threads picks the number of workers: ZP_THREADS if set,
 * else the processors online (at most 8). */
size_t sanitize_pool_threads(void);

#endif
