/*
 * deliver.c - the flush's writer (flush.h): each merged partition is
 * handed to the sinks that want it and saved in the state, in the order
 * the merge made them, on a thread of its own.
 *
 * Only the writer touches the sinks, the --where filter and the state's
 * files being replaced; the merging thread only reads saved partitions
 * and fills the next job.  A failure stops the writer: the partitions
 * before the failed one are committed, the failed one and those after
 * are not saved, so the next run delivers them again.
 */
#include "flush.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"

/* --- one partition --------------------------------------------------- */

/* line_of returns the bytes of output line o of job j. */
static struct emit_line
line_of(const struct emit_job *j, const struct emit_out *o)
{
	struct emit_line l = {o->old, o->n};

	if (o->old == NULL)
		l.json = j->lines.data + o->off;
	return l;
}

/* lines_for fills w->all and w->changed with the lines of j that pass
 * --where. */
static int
lines_for(struct emit_writer *w, const struct emit_job *j, size_t *n_all,
    size_t *n_changed)
{
	struct emit_line l;
	size_t i;

	if (j->n_outs > w->cap_lines) {
		free(w->all);
		free(w->changed);
		w->all = malloc(j->n_outs * sizeof(*w->all));
		w->changed = malloc(j->n_outs * sizeof(*w->changed));
		w->cap_lines = w->all && w->changed ? j->n_outs : 0;
		if (w->cap_lines == 0)
			return ZP_ENOMEM;
	}
	*n_all = *n_changed = 0;
	for (i = 0; i < j->n_outs; i++) {
		l = line_of(j, &j->outs[i]);
		if (w->where != NULL &&
		    !emit_where_keep(w->where, l.json, l.len))
			continue;
		w->all[(*n_all)++] = l;
		if (j->outs[i].changed)
			w->changed[(*n_changed)++] = l;
	}
	return 0;
}

/* wants tells whether sink i takes j: a changed partition, or one it
 * lacks. */
static int
wants(struct emit_writer *w, size_t i, const struct emit_job *j)
{
	return j->changed ||
	    (w->ops[i]->missing != NULL &&
		w->ops[i]->missing(w->sinks[i], j->type, j->day));
}

/* deliver hands j to every sink that wants it; *linkable names a file a
 * sink wrote of exactly the partition's bytes, or NULL. */
static int
deliver(struct emit_writer *w, const struct emit_job *j, const char **linkable)
{
	struct emit_part p = {.type = j->type, .day = j->day};
	size_t i;
	int rc, any = j->changed;

	*linkable = NULL;
	for (i = 0; !any && i < w->n_sinks; i++)
		any = wants(w, i, j);
	if (!any)
		return 0;
	if ((rc = lines_for(w, j, &p.n_all, &p.n_changed)) != 0)
		return rc;
	p.all = w->all;
	p.changed = w->changed;
	if (j->fresh && p.n_all == j->n_outs) { /* the lines as they are */
		p.bytes = j->lines.data;
		p.n_bytes = j->lines.len;
	}
	for (i = 0; i < w->n_sinks; i++) {
		if (!wants(w, i, j))
			continue;
		if ((rc = w->ops[i]->put(w->sinks[i], &p)) != 0)
			return rc;
		if (*linkable == NULL && w->ops[i]->file != NULL &&
		    p.n_all == j->n_outs) /* --where kept every line */
			*linkable = w->ops[i]->file(w->sinks[i]);
	}
	w->written++;
	return 0;
}

/* save writes the whole partition into the state, or links the file a
 * sink wrote of the same bytes. */
static int
save(struct emit_writer *w, const struct emit_job *j, const char *linkable)
{
	struct emit_line l;
	size_t i, n = 0;
	int rc = 0;

	for (i = 0; linkable != NULL && i < j->n_outs; i++)
		n += line_of(j, &j->outs[i]).len + 1;
	if (linkable != NULL &&
	    (rc = emit_state_link_part(w->s, j->type, j->day, linkable, n)) !=
		1)
		return rc;
	if (j->fresh) /* the run's lines alone, in key order: the file */
		return emit_state_save_part(
		    w->s, j->type, j->day, j->lines.data, j->lines.len);
	zp_buf_reset(&w->joined);
	for (i = 0; rc == 0 && i < j->n_outs; i++) {
		l = line_of(j, &j->outs[i]);
		if ((rc = zp_buf_append(&w->joined, l.json, l.len)) == 0)
			rc = zp_buf_putc(&w->joined, '\n');
	}
	return rc != 0
	    ? rc
	    : emit_state_save_part(w->s, j->type, j->day,
		  w->joined.data ? w->joined.data : "", w->joined.len);
}

int
emit_writer_commit(struct emit_writer *w)
{
	size_t i;
	int rc;

	for (i = 0; i < w->n_sinks; i++)
		if (w->ops[i]->commit != NULL &&
		    (rc = w->ops[i]->commit(w->sinks[i])) != 0)
			return rc;
	return emit_state_commit(w->s);
}

/* write_job delivers and saves j, committing every EMIT_COMMIT_EVERY
 * partitions; after a failure it commits what the partitions before it
 * delivered. */
static int
write_job(struct emit_writer *w, const struct emit_job *j)
{
	const char *linkable;
	int rc = deliver(w, j, &linkable);

	if (rc == 0 && j->changed)
		rc = save(w, j, linkable);
	if (rc != 0) {
		emit_writer_commit(w);
		return rc;
	}
	return ++w->uncommitted % EMIT_COMMIT_EVERY == 0
	    ? emit_writer_commit(w)
	    : 0;
}

/* --- the thread ------------------------------------------------------ */

/* run writes the queued jobs in order until told it is done; once one
 * failed, the others are freed unwritten. */
static void *
run(void *arg)
{
	struct emit_writer *w = arg;
	sigset_t all;
	int k, rc;

	sigfillset(&all); /* signals are the merging thread's to see */
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->n_queued == 0 && !w->done)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->n_queued == 0)
			break;
		k = w->queue[w->head];
		rc = w->err;
		pthread_mutex_unlock(&w->mu);
		if (rc == 0)
			rc = write_job(w, &w->jobs[k]);
		pthread_mutex_lock(&w->mu);
		if (rc != 0 && w->err == 0)
			w->err = rc;
		w->head = (w->head + 1) % EMIT_JOBS;
		w->n_queued--;
		w->state[k] = 0;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int
emit_writer_start(struct emit_writer *w, struct emit_sink **sinks,
    const struct emit_sink_ops **ops, size_t n_sinks, struct emit_state *s,
    struct emit_where *where)
{
	memset(w, 0, sizeof(*w));
	w->sinks = sinks;
	w->ops = ops;
	w->n_sinks = n_sinks;
	w->s = s;
	w->where = where;
	if (pthread_mutex_init(&w->mu, NULL) != 0)
		return ZP_ENOMEM;
	if (pthread_cond_init(&w->cv, NULL) != 0) {
		pthread_mutex_destroy(&w->mu);
		return ZP_ENOMEM;
	}
	w->threaded = pthread_create(&w->thread, NULL, run, w) == 0;
	if (!w->threaded)
		zp_debug("flush: no writer thread; writing as it merges");
	return 0;
}

/* free_job is the index of a free job, or -1. */
static int
free_job(const struct emit_writer *w)
{
	int k;

	for (k = 0; k < EMIT_JOBS; k++)
		if (w->state[k] == 0)
			return k;
	return -1;
}

struct emit_job *
emit_writer_take(struct emit_writer *w)
{
	struct emit_job *j = NULL;
	int k = -1;

	pthread_mutex_lock(&w->mu);
	while (w->err == 0 && (k = free_job(w)) < 0)
		pthread_cond_wait(&w->cv, &w->mu);
	if (w->err == 0) {
		w->state[k] = 1;
		j = &w->jobs[k];
	}
	pthread_mutex_unlock(&w->mu);
	if (j != NULL) {
		zp_buf_reset(&j->lines);
		zp_buf_reset(&j->file);
		j->n_outs = 0;
		j->changed = j->fresh = 0;
	}
	return j;
}

void
emit_writer_put(struct emit_writer *w, struct emit_job *j)
{
	int k = (int)(j - w->jobs), rc;

	if (!w->threaded) {
		rc = w->err == 0 ? write_job(w, j) : 0;
		if (rc != 0)
			w->err = rc;
		w->state[k] = 0;
		return;
	}
	pthread_mutex_lock(&w->mu);
	w->state[k] = 2;
	w->queue[(w->head + w->n_queued) % EMIT_JOBS] = k;
	w->n_queued++;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

int
emit_writer_finish(struct emit_writer *w)
{
	if (w->threaded) {
		pthread_mutex_lock(&w->mu);
		w->done = 1;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
		w->threaded = 0;
	}
	return w->err;
}

void
emit_writer_release(struct emit_writer *w)
{
	int k;

	for (k = 0; k < EMIT_JOBS; k++) {
		zp_buf_release(&w->jobs[k].lines);
		zp_buf_release(&w->jobs[k].file);
		free(w->jobs[k].outs);
	}
	free(w->all);
	free(w->changed);
	zp_buf_release(&w->joined);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
}
