/*
 * pool.c - zp-sanitize's worker threads (pool.h).
 *
 * Jobs live in a ring.  The main thread fills the slot at tail and
 * collects the slot at head once it is done; workers take queued slots in
 * ring order.  One mutex guards the states; two condition variables wake
 * the workers (a job queued, or the end) and the main thread (a job
 * done).
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

#define SLOTS_PER_WORKER 8
#define MAX_WORKERS 8

enum state { FREE, QUEUED, WORKING, DONE };

/* One job: in, out, and where it came from. */
struct job {
	enum state state;
	const struct sanitize_endpoint *ep; /* NULL: pass head as it is */
	struct zp_buf msg; /* head, then the sanitized body and "}" */
	struct zp_buf body; /* the raw body */
	struct zp_buf path, where;
	const char *why; /* dropped: why */
};

/* One worker's own tools. */
struct worker {
	struct sanitize_pool *pl;
	pthread_t thread;
	int started;
	struct sanitize_engine *engine;
	struct zp_arena arena;
	struct zp_json_parser parser;
	struct zp_buf out;
};

struct sanitize_pool {
	pthread_mutex_t lock;
	pthread_cond_t queued, done;
	struct job *jobs;
	size_t n_jobs;
	size_t head; /* the oldest job not yet handed back */
	size_t tail; /* the next free slot */
	size_t take; /* where workers look for the next queued job */
	size_t pending; /* jobs between head and tail */
	size_t queued_n; /* jobs queued and not yet taken */
	int stop;
	struct worker *w;
	size_t n_workers;
};

/* --- the work -------------------------------------------------------- */

/* sanitize_job turns j's raw body into its sanitized form after the head
 * already in j->msg; sets j->why when the page must be dropped. */
static void
sanitize_job(struct worker *w, struct job *j)
{
	struct zp_json *root = NULL;
	int rc;

	zp_arena_reset(&w->arena);
	if (zp_json_parse(&w->parser, j->body.data, j->body.len, &root) != 0) {
		j->why = "the body is not valid JSON";
		return;
	}
	if (j->ep->response_schema != NULL &&
	    sanitize_schema_filter(
		j->ep->response_schema, root, &w->arena, NULL) != 0) {
		j->why = "the responseSchema filter failed";
		return;
	}
	if (sanitize_engine_transform(w->engine, j->ep, root, &w->arena) !=
	    0) {
		j->why = "a transform failed";
		return;
	}
	rc = zp_json_write(&j->msg, root);
	if (rc == 0)
		rc = zp_buf_putc(&j->msg, '}');
	if (rc != 0)
		j->why = "out of memory";
}

/* work is a worker thread: take the next queued job, do it, repeat. */
static void *
work(void *arg)
{
	struct worker *w = arg;
	struct sanitize_pool *pl = w->pl;
	struct job *j;

	pthread_mutex_lock(&pl->lock);
	for (;;) {
		while (!pl->stop && pl->queued_n == 0)
			pthread_cond_wait(&pl->queued, &pl->lock);
		if (pl->stop)
			break;
		/* Jobs passed through as they are sit between the queued
		 * ones: step over them. */
		while (pl->jobs[pl->take].state != QUEUED)
			pl->take = (pl->take + 1) % pl->n_jobs;
		j = &pl->jobs[pl->take];
		pl->take = (pl->take + 1) % pl->n_jobs;
		pl->queued_n--;
		j->state = WORKING;
		pthread_mutex_unlock(&pl->lock);
		sanitize_job(w, j);
		pthread_mutex_lock(&pl->lock);
		j->state = DONE;
		pthread_cond_broadcast(&pl->done);
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
	pl->n_jobs = n * SLOTS_PER_WORKER;
	pl->jobs = calloc(pl->n_jobs, sizeof(*pl->jobs));
	pl->w = calloc(n, sizeof(*pl->w));
	if (pl->jobs == NULL || pl->w == NULL)
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

/* hand_back gives the head job to done and frees its slot; called with
 * the lock released. */
static int
hand_back(struct sanitize_pool *pl, struct job *j,
    int (*done)(void *arg, const struct sanitize_done *d), void *arg)
{
	struct sanitize_done d;
	int rc;

	d.msg = j->why == NULL ? &j->msg : NULL;
	d.why = j->why;
	d.path = j->path.data != NULL ? j->path.data : "(no path)";
	d.where = j->where.data != NULL ? j->where.data : "";
	rc = done(arg, &d);
	pthread_mutex_lock(&pl->lock);
	j->state = FREE;
	pl->head = (pl->head + 1) % pl->n_jobs;
	pl->pending--;
	pthread_mutex_unlock(&pl->lock);
	return rc;
}

/* collect hands back finished jobs in order; with wait_for, it waits
 * until fewer than wait_for jobs are pending. */
static int
collect(struct sanitize_pool *pl, size_t wait_for,
    int (*done)(void *arg, const struct sanitize_done *d), void *arg)
{
	struct job *j;
	int rc = 0, k;

	for (;;) {
		pthread_mutex_lock(&pl->lock);
		while (pl->pending >= wait_for && pl->pending > 0 &&
		    pl->jobs[pl->head].state != DONE)
			pthread_cond_wait(&pl->done, &pl->lock);
		if (pl->pending == 0 || pl->jobs[pl->head].state != DONE) {
			pthread_mutex_unlock(&pl->lock);
			return rc;
		}
		j = &pl->jobs[pl->head];
		pthread_mutex_unlock(&pl->lock);
		if ((k = hand_back(pl, j, done, arg)) != 0 && rc == 0)
			rc = k < 0 ? k : ZP_EIO; /* done's code: downstream closed, ... */
	}
}

/* fill copies a job's input into its slot. */
static int
fill(struct job *j, const char *head, size_t head_len, const char *body,
    size_t body_len, const struct sanitize_endpoint *ep, const char *path,
    const char *where)
{
	zp_buf_reset(&j->msg);
	zp_buf_reset(&j->body);
	zp_buf_reset(&j->path);
	zp_buf_reset(&j->where);
	j->ep = ep;
	j->why = NULL;
	if (zp_buf_append(&j->msg, head, head_len) != 0 ||
	    (body != NULL && zp_buf_append(&j->body, body, body_len) != 0) ||
	    zp_buf_puts(&j->path, path != NULL ? path : "(no path)") != 0 ||
	    zp_buf_puts(&j->where, where != NULL ? where : "") != 0)
		return ZP_ENOMEM;
	return 0;
}

/* sanitize_pool_submit queues one job, in order. */
int
sanitize_pool_submit(struct sanitize_pool *pl, const char *head,
    size_t head_len, const char *body, size_t body_len,
    const struct sanitize_endpoint *ep, const char *path, const char *where,
    int (*done)(void *arg, const struct sanitize_done *d), void *arg)
{
	struct job *j;
	int rc = collect(pl, pl->n_jobs, done, arg);

	if (rc != 0)
		return rc;
	j = &pl->jobs[pl->tail];
	if (fill(j, head, head_len, body, body_len, ep, path, where) != 0)
		return ZP_ENOMEM;
	pthread_mutex_lock(&pl->lock);
	j->state = ep != NULL ? QUEUED : DONE;
	pl->tail = (pl->tail + 1) % pl->n_jobs;
	pl->pending++;
	if (ep != NULL) {
		pl->queued_n++;
		pthread_cond_signal(&pl->queued);
	}
	pthread_mutex_unlock(&pl->lock);
	/* Hand back what is ready without waiting. */
	return collect(pl, (size_t)-1, done, arg);
}

/* sanitize_pool_drain hands back every job, waiting for the workers. */
int
sanitize_pool_drain(struct sanitize_pool *pl,
    int (*done)(void *arg, const struct sanitize_done *d), void *arg)
{
	return collect(pl, 1, done, arg);
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
		zp_buf_release(&pl->w[i].out);
	}
	for (i = 0; pl->jobs != NULL && i < pl->n_jobs; i++) {
		zp_buf_release(&pl->jobs[i].msg);
		zp_buf_release(&pl->jobs[i].body);
		zp_buf_release(&pl->jobs[i].path);
		zp_buf_release(&pl->jobs[i].where);
	}
	pthread_cond_destroy(&pl->queued);
	pthread_cond_destroy(&pl->done);
	pthread_mutex_destroy(&pl->lock);
	free(pl->jobs);
	free(pl->w);
	free(pl);
	*plp = NULL;
}
