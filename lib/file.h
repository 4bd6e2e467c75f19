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
 * zp_file_write_atomic replaces path with the n bytes at data, the new
 * file having mode (permissions from the start: a secret is never
 * readable by others, even briefly).  Returns 0, or ZP_EIO with the errno
 * in *err (when not NULL) and path untouched.  A directory that cannot be
 * fsynced after the rename is not an error.
 */
int zp_file_write_atomic(
    const char *path, const void *data, size_t n, int mode, int *err);

#endif
