/* file.c - whole files: read, replace atomically (file.h). */
#define _GNU_SOURCE /* syncfs(2), sync_file_range(2) */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "splitmix.h"

/* set_err stores e in *err when err is not NULL and returns code. */
static int
set_err(int *err, int e, int code)
{
	if (err != NULL)
		*err = e;
	return code;
}

/* read_fd appends what fd holds to out, up to max bytes in all. */
static int
read_fd(int fd, struct zp_buf *out, size_t max, size_t before, int *err)
{
	char chunk[65536];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return set_err(err, errno, ZP_EIO);
		if (n == 0)
			return 0;
		if (out->len - before + (size_t)n > max)
			return set_err(err, EFBIG, ZP_ETOOBIG);
		if (zp_buf_append(out, chunk, (size_t)n) != 0)
			return set_err(err, ENOMEM, ZP_ENOMEM);
	}
}

/* zp_file_read appends the whole regular file path to out. */
int
zp_file_read(const char *path, struct zp_buf *out, size_t max, int *err)
{
	size_t before = out->len;
	struct stat st;
	int fd, rc;

	set_err(err, 0, 0);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return set_err(
		    err, errno, errno == ENOENT ? ZP_ENOTFOUND : ZP_EIO);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		rc = set_err(
		    err, S_ISDIR(st.st_mode) ? EISDIR : EINVAL, ZP_EIO);
	else
		rc = read_fd(fd, out, max, before, err);
	close(fd);
	if (rc == 0 && zp_buf_reserve(out, 1) != 0)
		rc = set_err(err, ENOMEM, ZP_ENOMEM);
	if (rc != 0) {
		out->len = before;
		if (out->data != NULL)
			out->data[before] = '\0';
		return rc;
	}
	out->data[out->len] = '\0';
	return 0;
}

/* write_all writes n bytes at p to fd: 0 or an errno value. */
static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t k;

	while (n > 0) {
		k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return errno;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* sync_dir fsyncs the directory that holds path. */
static void
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (slash == NULL)
		dir = strdup(".");
	else
		dir =
		    strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (dir == NULL)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* replaceable tells whether path is missing or a regular file: a rename
 * over a device, a FIFO or a folder (a --port-file /dev/null given as
 * root) would replace it, not write to it.  0, or an errno. */
static int
replaceable(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : errno;
	return S_ISREG(st.st_mode) || S_ISLNK(st.st_mode) ? 0 : EEXIST;
}

/* write_temp writes data into a new temporary file beside path (mode,
 * synced when sync), returning its name in *tmp (the caller's to free
 * and unlink).  0 or an errno; nothing is left behind on failure. */
static int
write_temp(const char *path, const void *data, size_t n, int mode, int sync,
    char **tmp)
{
	struct zp_file_temp t;
	int e = 0, rc;

	if ((rc = zp_file_temp_open(path, mode, &t, &e)) != 0)
		return rc == ZP_ENOMEM ? ENOMEM : e;
	if (zp_file_temp_write(&t, data, n, &e) != 0)
		return e;
	if (sync && fsync(t.fd) != 0) {
		e = errno;
		zp_file_temp_discard(&t);
		return e;
	}
	if (zp_file_temp_close(&t, &e) != 0)
		return e;
	*tmp = t.name;
	return 0;
}

void
zp_file_start_writeback(int fd)
{
	(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

/* zp_file_write_atomic replaces path with data. */
int
zp_file_write_atomic(
    const char *path, const void *data, size_t n, int mode, int *err)
{
	char *tmp = NULL;
	int e;

	set_err(err, 0, 0);
	if ((e = write_temp(path, data, n, mode, 1, &tmp)) != 0)
		return set_err(err, e, ZP_EIO);
	if (rename(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
	}
	free(tmp);
	if (e != 0)
		return set_err(err, e, ZP_EIO);
	sync_dir(path);
	return 0;
}

size_t
zp_file_temp_base(const char *name)
{
	size_t n = strlen(name), k;

	if (n < 8 || name[n - 7] != '.')
		return 0;
	for (k = n - 6; k < n; k++)
		if (!((name[k] >= 'a' && name[k] <= 'z') ||
			(name[k] >= 'A' && name[k] <= 'Z') ||
			(name[k] >= '0' && name[k] <= '9')))
			return 0;
	return n - 7;
}

int
zp_file_lock(const char *path, int mode, int *fd, int *err)
{
	int e;

	set_err(err, 0, 0);
	if ((*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, (mode_t)mode)) < 0)
		return set_err(err, errno, ZP_EIO);
	if (flock(*fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	e = errno;
	close(*fd);
	*fd = -1;
	return set_err(err, e, ZP_EIO);
}

/* --- batches --------------------------------------------------------- */

/* One replacement of a batch. */
struct zp_file_pending {
	char *tmp; /* NULL: remove path */
	char *path;
};

int
zp_file_batch_add(struct zp_file_batch *b, const char *tmp, const char *path)
{
	struct zp_file_pending *v;

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;

		if ((v = realloc(b->v, cap * sizeof(*v))) == NULL)
			return ZP_ENOMEM;
		b->v = v;
		b->cap = cap;
	}
	v = &b->v[b->n];
	v->tmp = tmp != NULL ? strdup(tmp) : NULL;
	v->path = strdup(path);
	if (v->path == NULL || (tmp != NULL && v->tmp == NULL)) {
		free(v->tmp);
		free(v->path);
		return ZP_ENOMEM;
	}
	b->n++;
	return 0;
}

int
zp_file_temp_open(const char *path, int mode, struct zp_file_temp *t, int *err)
{
	int e;

	set_err(err, 0, 0);
	t->fd = -1;
	t->name = NULL;
	if ((e = replaceable(path)) != 0)
		return set_err(err, e, ZP_EIO);
	if ((t->name = malloc(strlen(path) + sizeof(".XXXXXX"))) == NULL)
		return ZP_ENOMEM;
	sprintf(t->name, "%s.XXXXXX", path);
	if ((t->fd = mkstemp(t->name)) < 0) {
		e = errno;
		free(t->name);
		t->name = NULL;
		return set_err(err, e, ZP_EIO);
	}
	if (fchmod(t->fd, (mode_t)mode) != 0) {
		e = errno;
		zp_file_temp_discard(t);
		return set_err(err, e, ZP_EIO);
	}
	return 0;
}

int
zp_file_temp_write(
    struct zp_file_temp *t, const void *data, size_t n, int *err)
{
	int e;

	set_err(err, 0, 0);
	if ((e = write_all(t->fd, data, n)) == 0)
		return 0;
	zp_file_temp_discard(t);
	return set_err(err, e, ZP_EIO);
}

int
zp_file_temp_close(struct zp_file_temp *t, int *err)
{
	int e = 0;

	set_err(err, 0, 0);
	zp_file_start_writeback(t->fd);
	if (close(t->fd) != 0)
		e = errno;
	t->fd = -1;
	if (e == 0)
		return 0;
	zp_file_temp_discard(t);
	return set_err(err, e, ZP_EIO);
}

int
zp_file_temp_commit(const char *tmp, const char *path, int *err)
{
	int fd, e = 0;

	set_err(err, 0, 0);
	if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) < 0)
		e = errno;
	else if (fsync(fd) != 0)
		e = errno;
	if (fd >= 0)
		close(fd);
	if (e == 0 && rename(tmp, path) != 0)
		e = errno;
	if (e != 0) {
		unlink(tmp);
		return set_err(err, e, ZP_EIO);
	}
	sync_dir(path);
	return 0;
}

void
zp_file_temp_discard(struct zp_file_temp *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->name != NULL)
		unlink(t->name);
	free(t->name);
	t->name = NULL;
}

int
zp_file_batch_write(struct zp_file_batch *b, const char *path,
    const void *data, size_t n, int mode, int *err)
{
	char *tmp = NULL;
	int e, rc;

	set_err(err, 0, 0);
	if ((e = write_temp(path, data, n, mode, 0, &tmp)) != 0)
		return e == ENOMEM ? ZP_ENOMEM : set_err(err, e, ZP_EIO);
	if ((rc = zp_file_batch_add(b, tmp, path)) != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* link_temp gives the closed file src a new name beside path (path
 * followed by "." and six characters, as mkstemp's), returned in *tmp
 * (the caller's to free and unlink).  0 or an errno. */
static int
link_temp(const char *src, const char *path, char **tmp)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz"
				  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	static uint64_t seq;
	uint64_t r;
	size_t n = strlen(path);
	int i, k, e;

	if ((e = replaceable(path)) != 0)
		return e;
	if ((*tmp = malloc(n + sizeof(".XXXXXX"))) == NULL)
		return ENOMEM;
	for (i = 0; i < 100; i++) {
		r = zp_mix64(++seq ^ ((uint64_t)getpid() << 32) ^
		    (uint64_t)(uintptr_t)tmp);
		memcpy(*tmp, path, n);
		(*tmp)[n] = '.';
		for (k = 0; k < 6; k++, r /= sizeof(set) - 1)
			(*tmp)[n + 1 + k] = set[r % (sizeof(set) - 1)];
		(*tmp)[n + 7] = '\0';
		if (link(src, *tmp) == 0)
			return 0;
		if ((e = errno) != EEXIST)
			break;
	}
	free(*tmp);
	*tmp = NULL;
	return e;
}

int
zp_file_batch_link(
    struct zp_file_batch *b, const char *src, const char *path, int *err)
{
	char *tmp = NULL;
	int e, rc;

	set_err(err, 0, 0);
	if ((e = link_temp(src, path, &tmp)) != 0)
		return e == ENOMEM ? ZP_ENOMEM : set_err(err, e, ZP_EIO);
	if ((rc = zp_file_batch_add(b, tmp, path)) != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* parent_of writes the folder of path into dir (size n). */
static void
parent_of(const char *path, char *dir, size_t n)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(dir, n, ".");
	else
		snprintf(dir, n, "%.*s",
		    (int)(slash == path ? 1 : (size_t)(slash - path)), path);
}

/* sync_folders runs fn (syncfs or fsync) once on each distinct folder of
 * the batch's paths; with once_per_fs, once on each file system. */
static void
sync_folders(const struct zp_file_batch *b, int (*fn)(int), int once_per_fs)
{
	char dir[4096], last[4096] = "";
	dev_t done[8];
	size_t i, k, n_done = 0;
	struct stat st;
	int fd;

	for (i = 0; i < b->n; i++) {
		parent_of(b->v[i].path, dir, sizeof(dir));
		if (strcmp(dir, last) == 0)
			continue;
		snprintf(last, sizeof(last), "%s", dir);
		if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			continue;
		if (once_per_fs && fstat(fd, &st) == 0) {
			for (k = 0; k < n_done && done[k] != st.st_dev; k++)
				;
			if (k < n_done) { /* synced already */
				close(fd);
				continue;
			}
			if (n_done < sizeof(done) / sizeof(done[0]))
				done[n_done++] = st.st_dev;
		}
		fn(fd);
		close(fd);
	}
}

int
zp_file_batch_commit(struct zp_file_batch *b, int *err, const char **failed)
{
	size_t i;
	int e = 0;

	set_err(err, 0, 0);
	if (failed != NULL)
		*failed = NULL;
	if (b->n == 0)
		return 0;
	sync_folders(b, syncfs, 1); /* every temporary file's data, at once */
	for (i = 0; e == 0 && i < b->n; i++) {
		if (b->v[i].tmp != NULL
			? rename(b->v[i].tmp, b->v[i].path) != 0
			: (unlink(b->v[i].path) != 0 && errno != ENOENT))
			e = errno;
		if (e != 0 && failed != NULL)
			*failed = b->v[i].path;
		if (e == 0) {
			free(b->v[i].tmp);
			b->v[i].tmp = NULL;
		}
	}
	if (e == 0)
		sync_folders(b, fsync, 0);
	zp_file_batch_abort(b);
	return e != 0 ? set_err(err, e, ZP_EIO) : 0;
}

void
zp_file_batch_abort(struct zp_file_batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		if (b->v[i].tmp != NULL)
			unlink(b->v[i].tmp);
		free(b->v[i].tmp);
		free(b->v[i].path);
	}
	b->n = 0;
}

void
zp_file_batch_release(struct zp_file_batch *b)
{
	zp_file_batch_abort(b);
	free(b->v);
	b->v = NULL;
	b->cap = 0;
}
