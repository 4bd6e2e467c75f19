/*
 * flush.h - inside the flush (flush.c, deliver.c): the partitions the
 * merge makes, and the writer that hands them to the sinks and saves
 * them.
 *
 * flush.c merges the run's records with the state, partition after
 * partition, into jobs; deliver.c's writer takes each job in order on a
 * thread of its own (the sinks' writes, the state's files, the syncs),
 * so that the merge of the next partitions goes on meanwhile.  EMIT_JOBS
 * jobs exist: one being merged, the others queued or being written.
 */
#ifndef ZP_EMIT_FLUSH_H
#define ZP_EMIT_FLUSH_H

#include <pthread.h>

#include "core.h"

#define EMIT_JOBS 2 /* one partition merged while one is written */

/* One line of a partition: new bytes in the job's lines, or a saved
 * line kept as it was (in the job's file). */
struct emit_out {
	const char *key;
	size_t off, n; /* in lines, or: */
	const char *old; /* the saved line kept as it was */
	int changed;
};

/* One partition, merged: its lines in key order, one per key. */
struct emit_job {
	enum emit_type type;
	char day[11];
	int changed; /* something new: delivered and saved */
	int fresh; /* nothing was saved: lines is the whole file */
	struct zp_buf lines; /* the run's lines, each ending in "\n" */
	struct zp_buf file; /* the saved partition the olds point into */
	struct emit_out *outs;
	size_t n_outs, cap_outs;
};

/* The writer: the sinks and the state, and the two jobs. */
struct emit_writer {
	struct emit_sink **sinks;
	const struct emit_sink_ops **ops;
	size_t n_sinks;
	struct emit_state *s;
	struct emit_where *where;
	unsigned long written; /* partitions handed to the sinks */
	unsigned long uncommitted; /* partitions written since the start */
	/* the writer's own buffers */
	struct emit_line *all, *changed;
	size_t cap_lines;
	struct zp_buf joined;
	/* the jobs, and the queue between the threads */
	struct emit_job jobs[EMIT_JOBS];
	int state[EMIT_JOBS]; /* 0 free, 1 being merged, 2 queued or written */
	int queue[EMIT_JOBS], head, n_queued;
	int threaded, done, err;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* emit_writer_start readies w (its thread, when one can be made: else
 * each job is written when it is put).  0 or ZP_ENOMEM. */
int emit_writer_start(struct emit_writer *w, struct emit_sink **sinks,
    const struct emit_sink_ops **ops, size_t n_sinks, struct emit_state *s,
    struct emit_where *where);

/* emit_writer_take waits for a free job and returns it emptied; NULL
 * once the writer has failed (emit_writer_finish tells why). */
struct emit_job *emit_writer_take(struct emit_writer *w);

/* emit_writer_put queues job (taken from w) to be written. */
void emit_writer_put(struct emit_writer *w, struct emit_job *job);

/* emit_writer_finish writes what is queued, stops the thread and
 * returns the first error of the writer (a failed partition is not
 * saved; what the ones before it delivered was committed). */
int emit_writer_finish(struct emit_writer *w);

/* emit_writer_commit makes what the sinks took durable, then the
 * state's record of it: a partition is saved only once every sink has
 * it.  After emit_writer_finish, from the merging thread. */
int emit_writer_commit(struct emit_writer *w);

/* emit_writer_release frees w's memory (after emit_writer_finish). */
void emit_writer_release(struct emit_writer *w);

#endif
