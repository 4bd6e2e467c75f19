/*
 * behind.h - flush behind: files already written made durable on a
 * thread of their own, so that the commit that must wait for them later
 * finds little left to wait for.
 *
 * A commit's fsync or syncfs waits for the device to make durable what
 * it was given, which can take as long as writing it did.  A sink that
 * has written a large file hands a descriptor of it to zp_behind_kick;
 * the thread fdatasyncs it (the device's cache flushed with it) while
 * the writer goes on with the next file.  It is an optimization only:
 * nothing waits for it and the commit still syncs everything itself.  A
 * kick while the thread is busy is dropped: the next one, or the
 * commit, covers that file.
 */
#ifndef ZP_BEHIND_H
#define ZP_BEHIND_H

#include <pthread.h>

struct zp_behind {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int fd; /* the file to sync next, or -1 */
	int started, broken, stop;
};

#define ZP_BEHIND_INIT                                                        \
	{                                                                     \
		.fd = -1                                                      \
	}

/* zp_behind_kick hands a duplicate of fd to b's thread (started the
 * first time) unless it is busy; never fails (at worst does nothing). */
void zp_behind_kick(struct zp_behind *b, int fd);

/* zp_behind_stop waits for the sync under way, if any, and stops the
 * thread; b can be kicked again afterwards. */
void zp_behind_stop(struct zp_behind *b);

#endif
