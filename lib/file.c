/* file.c - whole files: read, replace atomically (file.h). */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

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

/* fill writes data to the temporary fd with mode and syncs it. */
static int
fill(int fd, const void *data, size_t n, int mode)
{
	int e;

	if (fchmod(fd, (mode_t)mode) != 0)
		return errno;
	if ((e = write_all(fd, data, n)) != 0)
		return e;
	return fsync(fd) != 0 ? errno : 0;
}

/* zp_file_write_atomic replaces path with data. */
int
zp_file_write_atomic(
    const char *path, const void *data, size_t n, int mode, int *err)
{
	char *tmp = malloc(strlen(path) + sizeof(".XXXXXX"));
	int fd, e;

	set_err(err, 0, 0);
	if (tmp == NULL)
		return set_err(err, ENOMEM, ZP_EIO);
	sprintf(tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		e = errno;
		free(tmp);
		return set_err(err, e, ZP_EIO);
	}
	e = fill(fd, data, n, mode);
	if (close(fd) != 0 && e == 0)
		e = errno;
	if (e == 0 && rename(tmp, path) != 0)
		e = errno;
	if (e != 0)
		unlink(tmp);
	free(tmp);
	if (e != 0)
		return set_err(err, e, ZP_EIO);
	sync_dir(path);
	return 0;
}
