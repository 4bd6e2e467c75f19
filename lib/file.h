/*
 * file.h - whole files: read one into memory, replace one atomically.
 *
 * Replacing goes through a temporary file beside the target, written,
 * fsynced and renamed over it, then the directory is fsynced: a crash at
 * any moment leaves either the old contents or the new, never a mix.
 */
#ifndef ZP_FILE_H
#define ZP_FILE_H

#include <stddef.h>

#include "buf.h"

/*
 * zp_file_read appends the whole regular file path to out (then a NUL
 * not counted in out->len).  Returns 0; ZP_ENOTFOUND when it does not
 * exist; ZP_ETOOBIG past max bytes; ZP_EIO (not a regular file, a read
 * error) or ZP_ENOMEM, with the errno in *err when err is not NULL.
 */
int zp_file_read(const char *path, struct zp_buf *out, size_t max, int *err);

/*
 * zp_file_write_atomic replaces path with the n bytes at data (a path
 * that is something else than a regular file or a link, a device say, is
 * left alone: ZP_EIO with EEXIST), the new file having mode (permissions from
 * the start: a secret is never readable by others, even briefly).  Returns 0,
 * or ZP_EIO with the errno in *err (when not NULL) and path untouched.  A
 * directory that cannot be fsynced after the rename is not an error.
 */
int zp_file_write_atomic(
    const char *path, const void *data, size_t n, int mode, int *err);

/*
 * zp_file_lock opens (creating, with mode) the lock file path and takes
 * an exclusive flock(2) on it without waiting, into *fd, held until it
 * is closed.  0; ZP_EIO with the errno in *err (EWOULDBLOCK: another
 * process holds it), and *fd -1.
 */
int zp_file_lock(const char *path, int mode, int *fd, int *err);

/*
 * zp_file_temp_base tells whether name is that of a temporary file
 * beside another, as the replacements here and mkstemp(3) make them:
 * the other's name, "." and six letters or digits (one a killed run may
 * have left).  The length of the other's name, or 0.
 */
size_t zp_file_temp_base(const char *name);

/*
 * zp_file_start_writeback asks the kernel to start writing fd's dirty
 * pages to disk now, without waiting for them (sync_file_range(2)), so
 * that a batch's one syncfs at the commit finds most of them written.
 * A hint: it does nothing where the call is not supported.
 */
void zp_file_start_writeback(int fd);

/*
 * A batch of replacements made durable together: many files written one
 * after the other would each pay an fsync; a batch pays one syncfs(2) of
 * the filesystem for all, then renames each temporary file over its
 * target and fsyncs each folder once.  A crash before the commit leaves
 * every target as it was (and temporary files beside them); during the
 * renames, each target either old or new.
 */
struct zp_file_pending;
struct zp_file_batch {
	struct zp_file_pending *v;
	size_t n, cap;
};

#define ZP_FILE_BATCH_INIT                                                    \
	{                                                                     \
		NULL, 0, 0                                                    \
	}

/*
 * A temporary file beside a target, written in pieces (a file too large
 * to build in memory first): zp_file_temp_open makes it, with mode;
 * zp_file_temp_write appends; zp_file_temp_close closes it, leaving its
 * name in t->name (the caller's to free, and to unlink or give to
 * zp_file_batch_add), not yet synced; zp_file_temp_discard removes it.
 * 0, ZP_ENOMEM, or ZP_EIO with the errno in *err; after a failure the
 * file is removed and t->name is NULL.
 */
struct zp_file_temp {
	int fd;
	char *name;
};

int zp_file_temp_open(
    const char *path, int mode, struct zp_file_temp *t, int *err);
int zp_file_temp_write(
    struct zp_file_temp *t, const void *data, size_t n, int *err);
int zp_file_temp_close(struct zp_file_temp *t, int *err);
void zp_file_temp_discard(struct zp_file_temp *t);

/*
 * zp_file_temp_commit makes the closed temporary file tmp durable and
 * renames it over path, then syncs the folder: zp_file_write_atomic for
 * a file written in pieces.  0, or ZP_EIO with the errno in *err (tmp
 * removed, path untouched).
 */
int zp_file_temp_commit(const char *tmp, const char *path, int *err);

/*
 * zp_file_batch_write writes data into a new temporary file beside path
 * (mode as zp_file_write_atomic's) and adds it to b, to replace path at
 * the commit.  0, or ZP_EIO with the errno in *err, or ZP_ENOMEM.
 */
int zp_file_batch_write(struct zp_file_batch *b, const char *path,
    const void *data, size_t n, int mode, int *err);

/*
 * zp_file_batch_add adds a temporary file the caller wrote and closed
 * (tmp, beside path) to replace path at the commit; tmp NULL removes
 * path at the commit.  Both are copied.  0 or ZP_ENOMEM.
 */
int zp_file_batch_add(
    struct zp_file_batch *b, const char *tmp, const char *path);

/*
 * zp_file_batch_link adds to b a second name for the closed file src,
 * beside path (on src's file system), to replace path at the commit:
 * the same bytes, not written twice, the two names sharing one file
 * (and its mode).  0; ZP_EIO with the errno in *err (EXDEV on another
 * file system, EPERM where links are refused, EMLINK: the caller writes
 * the bytes instead); ZP_ENOMEM.
 */
int zp_file_batch_link(
    struct zp_file_batch *b, const char *src, const char *path, int *err);

/*
 * zp_file_batch_commit syncs, renames and removes as added, then empties
 * b.  0, or ZP_EIO with the errno in *err and the path that failed in
 * *failed (borrowed until the next call); the temporary files not yet
 * renamed are removed.
 */
int zp_file_batch_commit(
    struct zp_file_batch *b, int *err, const char **failed);

/* zp_file_batch_abort removes the temporary files and empties b. */
void zp_file_batch_abort(struct zp_file_batch *b);

/* zp_file_batch_release aborts what is pending and frees b's memory. */
void zp_file_batch_release(struct zp_file_batch *b);

#endif
