/*
 * pool.c - zp-sanitize's worker threads (pool.h).
 *
 * Envelopes travel in batches, so that the threads meet once per batch
 * and not once per page.  Batches live in a ring.  The main thread fills
 * the batch at tail (its own until closed), closes it when it holds
 * BATCH_ITEMS envelopes or BATCH_BYTES of input, and collects the batch at
 * head once it is done; workers take queued batches in ring order.  One
 * mutex guards the states; two condition variables wake the workers (a
 * batch queued, or the end) and the main thread (a batch done).  A
 * batch's buffers and item array are kept and reused: no memory is
 * allocated per envelope once they have grown.
 */
#include "pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "error.h"
#include "json.h"
#include "schema.h"
#include "transform.h"

#define BATCHES_PER_WORKER 4
#define BATCH_ITEMS 32
#define BATCH_BYTES (256 * 1024)
#define MAX_WORKERS 8

enum state { FREE, QUEUED, WORKING, DONE };

/* One envelope of a batch: offsets into the batch's buffers. */
struct item {
	const struct sanitize_endpoint *ep; /* NULL: pass head as it is */
	size_t head, head_len; /* in in */
	size_t body, body_len; /* in in, NUL-terminated */
	size_t path, where; /* in in, C strings */
	size_t out, out_len; /* in out: the sanitized envelope */
	const char *why; /* dropped: why */
};

/* A batch: its envelopes in order, what they came with and became. */
struct batch {
	enum state state;
	struct item *items;
	size_t n, cap;
	int work; /* an item has a body to sanitize */
	struct zp_buf in, out;
};

/* One worker's own tools. */
struct worker {
	struct sanitize_pool *pl;
	pthread_t thread;
	int started;
	struct sanitize_engine *engine;
	struct zp_arena arena;
	struct zp_json_parser parser;
};

struct sanitize_pool {
	pthread_mutex_t lock;
	pthread_cond_t queued, done;
	struct batch *b;
	size_t n_b;
	size_t head; /* the oldest batch not yet handed back */
	size_t tail; /* the batch being filled, or the next free one */
	size_t take; /* where workers look for the next queued batch */
	size_t pending; /* closed batches between head and tail */
	size_t queued_n; /* batches queued and not yet taken */
	int filling; /* the batch at tail is open */
	int stop;
	struct worker *w;
	size_t n_workers;
};

/* --- the work -------------------------------------------------------- */

/* sanitize_item writes item it's envelope, its head then its sanitized
 * body and "}", to b->out; sets it->why when the page must be dropped. */
static void
sanitize_item(struct worker *w, struct batch *b, struct item *it)
{
	struct zp_json *root = NULL;
	int rc;

	zp_arena_reset(&w->arena);
	it->out = b->out.len;
	if (zp_json_parse(
		&w->parser, b->in.data + it->body, it->body_len, &root) != 0) {
		it->why = "the body is not valid JSON";
		return;
	}
	if (it->ep->response_schema != NULL &&
	    sanitize_schema_filter(
		it->ep->response_schema, root, &w->arena, NULL) != 0) {
		it->why = "the responseSchema filter failed";
		return;
	}
	if (sanitize_engine_transform(w->engine, it->ep, root, &w->arena) !=
	    0) {
		it->why = "a transform failed";
		return;
	}
	rc = zp_buf_append(&b->out, b->in.data + it->head, it->head_len);
	if (rc == 0)
		rc = zp_json_write(&b->out, root);
	if (rc == 0)
		rc = zp_buf_putc(&b->out, '}');
	if (rc != 0) {
		it->why = "out of memory";
		b->out.len = it->out;
		return;
	}
	it->out_len = b->out.len - it->out;
}

/* sanitize_batch sanitizes every item of b that has a body. */
static void
sanitize_batch(struct worker *w, struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->items[i].ep != NULL)
			sanitize_item(w, b, &b->items[i]);
}

/* work is a worker thread: take the next queued batch, do it, repeat. */
static void *
work(void *arg)
{
	struct worker *w = arg;
	struct sanitize_pool *pl = w->pl;
	struct batch *b;

	pthread_mutex_lock(&pl->lock);
	for (;;) {
		while (!pl->stop && pl->queued_n == 0)
			pthread_cond_wait(&pl->queued, &pl->lock);
		if (pl->stop)
			break;
		/* Batches with nothing to sanitize sit between the queued
		 * ones: step over them. */
		while (pl->b[pl->take].state != QUEUED)
			pl->take = (pl->take + 1) % pl->n_b;
		b = &pl->b[pl->take];
		pl->take = (pl->take + 1) % pl->n_b;
		pl->queued_n--;
		b->state = WORKING;
		pthread_mutex_unlock(&pl->lock);
		sanitize_batch(w, b);
		pthread_mutex_lock(&pl->lock);
		b->state = DONE;
		/* Only the main thread waits for it. */
		pthread_cond_signal(&pl->done);
	}
	pthread_mutex_unlock(&pl->lock);
	return NULL;
}

/* --- the pool -------------------------------------------------------- */

/* sanitize_pool_threads picks the number of workers. */
size_t
sanitize_pool_threads(void)
{
	const char *v = getenv("ZP_THREADS");
	long n = v != NULL && *v != '\0' ? strtol(v, NULL, 10)
					 : sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	return n > MAX_WORKERS ? MAX_WORKERS : (size_t)n;
}

/* worker_init gives w its engine, arena and parser. */
static int
worker_init(struct worker *w, struct sanitize_pool *pl,
    const struct sanitize_rules *rules, const struct zp_pseudo *p,
    struct zp_buf *why)
{
	w->pl = pl;
	zp_json_parser_init(&w->parser, &w->arena);
	return sanitize_engine_new(&w->engine, rules, p, why);
}

/* sanitize_pool_new starts n workers. */
int
sanitize_pool_new(struct sanitize_pool **out, size_t n,
    const struct sanitize_rules *rules, const struct zp_pseudo *p,
    struct zp_buf *why)
{
	struct sanitize_pool *pl;
	size_t i;
	int rc = 0;

	*out = NULL;
	if ((pl = calloc(1, sizeof(*pl))) == NULL)
		return ZP_ENOMEM;
	pthread_mutex_init(&pl->lock, NULL);
	pthread_cond_init(&pl->queued, NULL);
	pthread_cond_init(&pl->done, NULL);
	pl->n_workers = n;
	pl->n_b = n * BATCHES_PER_WORKER;
	pl->b = calloc(pl->n_b, sizeof(*pl->b));
	pl->w = calloc(n, sizeof(*pl->w));
	if (pl->b == NULL || pl->w == NULL)
		rc = ZP_ENOMEM;
	for (i = 0; rc == 0 && i < n; i++)
		rc = worker_init(&pl->w[i], pl, rules, p, why);
	for (i = 0; rc == 0 && i < n; i++) {
		if (pthread_create(&pl->w[i].thread, NULL, work, &pl->w[i]) !=
		    0)
			rc = ZP_ENOMEM;
		else
			pl->w[i].started = 1;
	}
	if (rc != 0) {
		sanitize_pool_free(&pl);
		return rc;
	}
	*out = pl;
	return 0;
}

/* hand_back gives every item of the head batch b to done, in order, and
 * frees its slot; called with the lock released.  Returns the first
 * nonzero result of done, after handing back all the items. */
static int
hand_back(struct sanitize_pool *pl, struct batch *b,
    int (*done)(void *arg, const struct sanitize_done *d), void *arg)
{
	struct sanitize_done d;
	size_t i;
	int rc = 0, k;

	for (i = 0; i < b->n; i++) {
		const struct item *it = &b->items[i];

		d.msg = NULL;
		d.len = 0;
		if (it->ep == NULL) {
			d.msg = b->in.data + it->head;
			d.len = it->head_len;
		} else if (it->why == NULL) {
			d.msg = b->out.data + it->out;
			d.len = it->out_len;
		}
		d.why = it->why;
		d.path = b->in.data + it->path;
		d.where = b->in.data + it->where;
		if ((k = done(arg, &d)) != 0 && rc == 0)
			rc = k;
	}
	pthread_mutex_lock(&pl->lock);
	b->state = FREE;
	pl->head = (pl->head + 1) % pl->n_b;
	pl->pending--;
	pthread_mutex_unlock(&pl->lock);
	return rc;
}

/* collect hands back finished batches in order; with wait_for, it waits
 * until fewer than wait_for batches are pending. */
static int
collect(struct sanitize_pool *pl, size_t wait_for,
    int (*done)(void *arg, const struct sanitize_done *d), void *arg)
{
	struct batch *b;
	int rc = 0, k;

	for (;;) {
		pthread_mutex_lock(&pl->lock);
		while (pl->pending >= wait_for && pl->pending > 0 &&
		    pl->b[pl->head].state != DONE)
			pthread_cond_wait(&pl->done, &pl->lock);
		if (pl->pending == 0 || pl->b[pl->head].state != DONE) {
			pthread_mutex_unlock(&pl->lock);
			return rc;
		}
		b = &pl->b[pl->head];
		pthread_mutex_unlock(&pl->lock);
		/* done's code: downstream closed, ... */
		if ((k = hand_back(pl, b, done, arg)) != 0 && rc == 0)
			rc = k < 0 ? k : ZP_EIO;
	}
}

/* close_batch hands the batch at tail to the workers (or, with nothing
 * to sanitize in it, straight to collect). */
static void
close_batch(struct sanitize_pool *pl)
{
	struct batch *b = &pl->b[pl->tail];

	pl->filling = 0;
	pthread_mutex_lock(&pl->lock);
	b->state = b->work ? QUEUED : DONE;
	pl->tail = (pl->tail + 1) % pl->n_b;
	pl->pending++;
	if (b->work) {
		pl->queued_n++;
		pthread_cond_signal(&pl->queued);
	}
	pthread_mutex_unlock(&pl->lock);
}

/* put_text appends s[0..n) and a NUL to b's input; its offset in *at. */
static int
put_text(struct batch *b, const char *s, size_t n, size_t *at)
{
	*at = b->in.len;
	if (zp_buf_append(&b->in, s, n) != 0 ||
	    zp_buf_append(&b->in, "", 1) != 0)
		return ZP_ENOMEM;
	return 0;
}

/* add_item copies one envelope's input into the open batch b. */
static int
add_item(struct batch *b, const char *head, size_t head_len, const char *body,
    size_t body_len, const struct sanitize_endpoint *ep, const char *path,
    const char *where)
{
	struct item *it;

	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : BATCH_ITEMS;

		if ((it = realloc(b->items, cap * sizeof(*it))) == NULL)
			return ZP_ENOMEM;
		b->items = it;
		b->cap = cap;
	}
	it = &b->items[b->n];
	memset(it, 0, sizeof(*it));
	it->ep = ep;
	it->head_len = head_len;
	it->body_len = body != NULL ? body_len : 0;
	if (put_text(b, head, head_len, &it->head) != 0 ||
	    put_text(b, body != NULL ? body : "", it->body_len, &it->body) !=
		0 ||
	    put_text(b, path != NULL ? path : "(no path)",
		strlen(path != NULL ? path : "(no path)"), &it->path) != 0 ||
	    put_text(b, where != NULL ? where : "",
		strlen(where != NULL ? where : ""), &it->where) != 0)
		return ZP_ENOMEM;
	b->n++;
	if (ep != NULL)
		b->work = 1;
	return 0;
}

/* open_batch makes the batch at tail the one being filled, waiting (and
 * handing back finished batches) while the ring is full. */
static int
open_batch(struct sanitize_pool *pl,
    int (*done)(void *arg, const struct sanitize_done *d), void *arg)
{
	struct batch *b;
	int rc = collect(pl, pl->n_b, done, arg);

	if (rc != 0)
		return rc;
	b = &pl->b[pl->tail];
	b->n = 0;
	b->work = 0;
	zp_buf_reset(&b->in);
	zp_buf_reset(&b->out);
	pl->filling = 1;
	return 0;
}

/* sanitize_pool_submit adds one envelope to the open batch, in order. */
int
sanitize_pool_submit(struct sanitize_pool *pl, const char *head,
    size_t head_len, const char *body, size_t body_len,
    const struct sanitize_endpoint *ep, const char *path, const char *where,
    int (*done)(void *arg, const struct sanitize_done *d), void *arg)
{
	struct batch *b;
	int rc;

	if (!pl->filling && (rc = open_batch(pl, done, arg)) != 0)
		return rc;
	b = &pl->b[pl->tail];
	if (add_item(b, head, head_len, body, body_len, ep, path, where) != 0)
		return ZP_ENOMEM;
	if (b->n < BATCH_ITEMS && b->in.len < BATCH_BYTES)
		return 0;
	close_batch(pl);
	/* Hand back what is ready without waiting. */
	return collect(pl, (size_t)-1, done, arg);
}

/* sanitize_pool_flush hands the open batch to the workers and back every
 * batch, waiting for them. */
int
sanitize_pool_flush(struct sanitize_pool *pl,
    int (*done)(void *arg, const struct sanitize_done *d), void *arg)
{
	if (pl->filling)
		close_batch(pl);
	return collect(pl, 1, done, arg);
}

/* sanitize_pool_drain hands back every envelope, waiting for the
 * workers. */
int
sanitize_pool_drain(struct sanitize_pool *pl,
    int (*done)(void *arg, const struct sanitize_done *d), void *arg)
{
	return sanitize_pool_flush(pl, done, arg);
}

/* sanitize_pool_free stops the workers and frees everything. */
void
sanitize_pool_free(struct sanitize_pool **plp)
{
	struct sanitize_pool *pl;
	size_t i;

	if (plp == NULL || (pl = *plp) == NULL)
		return;
	pthread_mutex_lock(&pl->lock);
	pl->stop = 1;
	pthread_cond_broadcast(&pl->queued);
	pthread_mutex_unlock(&pl->lock);
	for (i = 0; pl->w != NULL && i < pl->n_workers; i++) {
		if (pl->w[i].started)
			pthread_join(pl->w[i].thread, NULL);
		sanitize_engine_free(&pl->w[i].engine);
		zp_json_parser_release(&pl->w[i].parser);
		zp_arena_release(&pl->w[i].arena);
	}
	for (i = 0; pl->b != NULL && i < pl->n_b; i++) {
		free(pl->b[i].items);
		zp_buf_release(&pl->b[i].in);
		zp_buf_release(&pl->b[i].out);
	}
	pthread_cond_destroy(&pl->queued);
	pthread_cond_destroy(&pl->done);
	pthread_mutex_destroy(&pl->lock);
	free(pl->b);
	free(pl->w);
	free(pl);
	*plp = NULL;
}
