/* behind.c - flush behind (behind.h). */
#include "behind.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

/* run syncs each file it is handed until told to stop. */
static void *
run(void *arg)
{
	struct zp_behind *b = arg;
	sigset_t all;
	int fd;

	sigfillset(&all); /* signals are the main thread's to see */
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_mutex_lock(&b->mu);
	for (;;) {
		while (b->fd < 0 && !b->stop)
			pthread_cond_wait(&b->cv, &b->mu);
		if (b->fd < 0)
			break;
		fd = b->fd;
		pthread_mutex_unlock(&b->mu);
		(void)fdatasync(fd); /* the commit reports what fails */
		close(fd);
		pthread_mutex_lock(&b->mu);
		b->fd = -1;
	}
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

/* start makes b's thread; 0, or -1 (b is then marked broken). */
static int
start(struct zp_behind *b)
{
	if (b->broken)
		return -1;
	if (pthread_mutex_init(&b->mu, NULL) != 0) {
		b->broken = 1;
		return -1;
	}
	if (pthread_cond_init(&b->cv, NULL) != 0) {
		pthread_mutex_destroy(&b->mu);
		b->broken = 1;
		return -1;
	}
	b->fd = -1;
	b->stop = 0;
	if (pthread_create(&b->thread, NULL, run, b) != 0) {
		pthread_cond_destroy(&b->cv);
		pthread_mutex_destroy(&b->mu);
		b->broken = 1;
		return -1;
	}
	b->started = 1;
	return 0;
}

void
zp_behind_kick(struct zp_behind *b, int fd)
{
	int dup_fd;

	if (!b->started && start(b) != 0)
		return;
	pthread_mutex_lock(&b->mu);
	if (b->fd < 0 && (dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) >= 0) {
		b->fd = dup_fd;
		pthread_cond_signal(&b->cv);
	}
	pthread_mutex_unlock(&b->mu);
}

void
zp_behind_stop(struct zp_behind *b)
{
	if (!b->started)
		return;
	pthread_mutex_lock(&b->mu);
	b->stop = 1;
	pthread_cond_signal(&b->cv);
	pthread_mutex_unlock(&b->mu);
	pthread_join(b->thread, NULL);
	pthread_cond_destroy(&b->cv);
	pthread_mutex_destroy(&b->mu);
	b->started = 0;
}
