/*
 * sink_files.c - the file sinks jsonl:DIR and csv:DIR (emit.h).
 *
 * A partition (one type, one day) is one file, DIR/<stream>/<day>.jsonl
 * or .csv, e.g. out/participations/2026-11-09.jsonl.  put writes the
 * whole partition, never a part of it: the file is streamed into a
 * hidden temporary file beside it (.<day>.jsonl.XXXXXX), fsynced, then
 * renamed over the old one and the folder fsynced, so that a reader or
 * a crash sees either the old partition or the new one, never a mix.  A
 * partition left with no records (a stricter --where) has no file: put
 * removes the old one and creates nothing.
 *
 * A partition whose bytes come whole (jsonl) and are DIRECT_MIN or more
 * goes to the disk with O_DIRECT, but for its last partial block; once
 * closed, any file of that size is fdatasynced behind (behind.h), so
 * the commit's syncfs has little left to wait for.
 *
 * CSV is RFC 4180: a header row of the type's field names (fields.c),
 * rows ending in CRLF, a cell quoted when it holds a comma, a quote, CR
 * or LF, or begins or ends with a space or tab, quotes doubled inside.
 * null is an empty cell and the empty string "" (so loaders that read
 * an unquoted empty cell as NULL keep the two apart); numbers keep their
 * JSON text (a 19-digit id stays exact); true and false stay words;
 * arrays and objects are their compact JSON text.
 */
#define _GNU_SOURCE /* O_DIRECT */
#include "emit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "behind.h"
#include "error.h"
#include "file.h"
#include "log.h"

#define FILE_MODE 0644
#define DIR_MODE 0755
#define FLUSH_AT (1u << 20) /* bytes gathered before a write(2) */
#define DIRECT_MIN (256u << 10) /* bytes from which O_DIRECT pays */
#define DIRECT_ALIGN 4096u /* its alignment: any device's block */
#define DIRECT_CHUNK (1u << 20) /* bytes of one O_DIRECT write */
#define MAX_DAY 32 /* "YYYY-MM-DD", "undated" and room to spare */

/* What makes jsonl and csv differ: a header, and a record's bytes. */
struct file_format {
	const char *prefix; /* "jsonl:" */
	const char *ext; /* ".jsonl" */
	int (*header)(struct emit_sink *s, enum emit_type t);
	int (*record)(
	    struct emit_sink *s, enum emit_type t, const struct emit_line *l);
	int lines; /* a file is the lines, each ending in "\n" (jsonl) */
};

/* One file sink: its folder and the buffers reused from file to file. */
struct emit_sink {
	const struct file_format *fmt;
	char *dir; /* DIR without trailing slashes */
	struct zp_buf path; /* the partition file being replaced */
	struct zp_buf tmp; /* its temporary file */
	struct zp_buf out; /* bytes not yet written to fd */
	struct zp_buf cell; /* csv: the JSON text of one array */
	struct zp_arena arena; /* csv: one record's DOM */
	struct zp_json_parser parser;
	int fd; /* the temporary file, or -1 */
	struct zp_file_batch batch; /* files put, renamed at the commit */
	int lock_fd; /* DIR/.zp-emit.lock, held while the sink is open */
	int made[EMIT_NTYPES]; /* DIR/<stream> is known to exist */
	int wrote; /* the last put left its lines in s->tmp */
	char *bounce; /* DIRECT_CHUNK bytes aligned for O_DIRECT, or NULL */
	int no_direct; /* O_DIRECT failed once: buffered writes only */
	size_t size; /* bytes written to the temporary file */
	struct zp_behind behind; /* large files synced as they are closed */
};

/* ------------------------------------------------------------------ */
/* Folders and paths                                                   */
/* ------------------------------------------------------------------ */

/* make_one creates the folder path unless it exists; 0 or an errno. */
static int
make_one(const char *path)
{
	struct stat st;

	if (mkdir(path, DIR_MODE) == 0)
		return 0;
	if (errno != EEXIST)
		return errno;
	if (stat(path, &st) != 0)
		return errno;
	return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
}

/* make_dirs creates path and its missing parents (mkdir -p), logging
 * the first one that fails; 0 or ZP_EIO. */
static int
make_dirs(char *path)
{
	char *p;
	int e;

	for (p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (p[-1] != '/') {
			char c = *p;

			*p = '\0';
			e = make_one(path);
			*p = c;
			if (e != 0) {
				zp_error("cannot create directory %.*s: %s",
				    (int)(p - path), path, strerror(e));
				return ZP_EIO;
			}
		}
		if (*p == '\0')
			return 0;
	}
}

/* day_ok tells whether day is a safe file name: letters, digits, - _. */
static int
day_ok(const char *day)
{
	size_t i, n = strlen(day);

	if (n == 0 || n > MAX_DAY)
		return 0;
	for (i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
			    "VWXYZ0123456789-_",
			day[i]))
			return 0;
	return 1;
}

/* set_paths fills s->path (and s->tmp, when tmp) for partition
 * (t, day); 0, ZP_EINVAL (logged) or ZP_ENOMEM. */
static int
set_paths(struct emit_sink *s, enum emit_type t, const char *day, int tmp)
{
	const char *stream;

	if ((unsigned)t >= EMIT_NTYPES || day == NULL || !day_ok(day)) {
		zp_error("%s%s: bad partition %d/%s", s->fmt->prefix, s->dir,
		    (int)t, day != NULL ? day : "(null)");
		return ZP_EINVAL;
	}
	stream = emit_stream_name(t);
	zp_buf_reset(&s->path);
	if (zp_buf_printf(
		&s->path, "%s/%s/%s%s", s->dir, stream, day, s->fmt->ext) != 0)
		return ZP_ENOMEM;
	if (!tmp)
		return 0;
	zp_buf_reset(&s->tmp);
	if (zp_buf_printf(&s->tmp, "%s/%s/.%s%s.XXXXXX", s->dir, stream, day,
		s->fmt->ext) != 0)
		return ZP_ENOMEM;
	return 0;
}

/* make_stream creates DIR/<stream> the first time t is put. */
static int
make_stream(struct emit_sink *s, enum emit_type t)
{
	struct zp_buf p = ZP_BUF_INIT;
	int rc;

	if (s->made[t])
		return 0;
	if (zp_buf_printf(&p, "%s/%s", s->dir, emit_stream_name(t)) != 0)
		return ZP_ENOMEM;
	rc = make_dirs(p.data);
	zp_buf_release(&p);
	if (rc == 0)
		s->made[t] = 1;
	return rc;
}

/* ------------------------------------------------------------------ */
/* The temporary file                                                  */
/* ------------------------------------------------------------------ */

/* tmp_begin creates s->tmp (its XXXXXX replaced) with FILE_MODE. */
static int
tmp_begin(struct emit_sink *s)
{
	int e;

	s->fd = mkstemp(s->tmp.data);
	if (s->fd < 0 || fchmod(s->fd, FILE_MODE) != 0) {
		e = errno;
		zp_error("cannot create %s: %s", s->tmp.data, strerror(e));
		if (s->fd >= 0) {
			close(s->fd);
			unlink(s->tmp.data);
		}
		s->fd = -1;
		return ZP_EIO;
	}
	zp_buf_reset(&s->out);
	s->size = 0;
	return 0;
}

/* tmp_write writes n bytes at p to the temporary file. */
static int
tmp_write(struct emit_sink *s, const char *p, size_t n)
{
	ssize_t k;

	while (n > 0) {
		k = write(s->fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int e = errno;

			zp_error(
			    "cannot write %s: %s", s->tmp.data, strerror(e));
			return ZP_EIO;
		}
		p += k;
		n -= (size_t)k;
		s->size += (size_t)k;
	}
	return 0;
}

/* set_direct turns O_DIRECT on or off for s->fd; 0 or -1. */
static int
set_direct(struct emit_sink *s, int on)
{
	int fl = fcntl(s->fd, F_GETFL);

	if (fl < 0)
		return -1;
	fl = on ? fl | O_DIRECT : fl & ~O_DIRECT;
	return fcntl(s->fd, F_SETFL, fl);
}

/* tmp_write_big writes n bytes at p to the temporary file: whole blocks
 * with O_DIRECT, through s->bounce, so that they go to the disk without
 * being copied into the page cache first (which, on the benchmark
 * machine, costs twice as much as the write); the last partial block,
 * or all of it when the file system will not take O_DIRECT or the file
 * does not end on a block, as tmp_write does. */
static int
tmp_write_big(struct emit_sink *s, const char *p, size_t n)
{
	size_t chunk;
	ssize_t k;

	if (n < DIRECT_MIN || s->no_direct || s->size % DIRECT_ALIGN != 0)
		return tmp_write(s, p, n);
	if (s->bounce == NULL &&
	    posix_memalign((void **)&s->bounce, DIRECT_ALIGN, DIRECT_CHUNK) !=
		0)
		s->bounce = NULL;
	if (s->bounce == NULL || set_direct(s, 1) != 0) {
		s->no_direct = 1;
		return tmp_write(s, p, n);
	}
	while (n >= DIRECT_ALIGN) {
		chunk = n < DIRECT_CHUNK ? n - n % DIRECT_ALIGN : DIRECT_CHUNK;
		memcpy(s->bounce, p, chunk);
		k = write(s->fd, s->bounce, chunk);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno == EINVAL)
			s->no_direct = 1; /* not for this file system */
		if (k <= 0 || (size_t)k % DIRECT_ALIGN != 0) {
			if (k > 0) {
				p += k;
				n -= (size_t)k;
				s->size += (size_t)k;
			}
			break; /* the rest as any other write */
		}
		p += k;
		n -= (size_t)k;
		s->size += (size_t)k;
	}
	if (set_direct(s, 0) != 0) {
		int e = errno;

		zp_error("cannot write %s: %s", s->tmp.data, strerror(e));
		return ZP_EIO;
	}
	return tmp_write(s, p, n);
}

/* tmp_flush writes what s->out holds to the temporary file. */
static int
tmp_flush(struct emit_sink *s)
{
	int rc = tmp_write(s, s->out.data, s->out.len);

	if (rc == 0)
		zp_buf_reset(&s->out);
	return rc;
}

/* tmp_maybe_flush writes s->out once it has grown past FLUSH_AT. */
static int
tmp_maybe_flush(struct emit_sink *s)
{
	return s->out.len >= FLUSH_AT ? tmp_flush(s) : 0;
}

/* tmp_abort closes and removes the temporary file, if any. */
static void
tmp_abort(struct emit_sink *s)
{
	if (s->fd < 0)
		return;
	close(s->fd);
	unlink(s->tmp.data);
	s->fd = -1;
}

/* tmp_done writes the rest and closes the temporary file, to be renamed
 * over s->path at the commit; on failure the old file is untouched. */
static int
tmp_done(struct emit_sink *s)
{
	int rc, e = 0;

	if ((rc = tmp_flush(s)) != 0) {
		tmp_abort(s);
		return rc;
	}
	zp_file_start_writeback(s->fd);
	if (s->size >= DIRECT_MIN)
		zp_behind_kick(&s->behind, s->fd);
	if (close(s->fd) != 0)
		e = errno;
	s->fd = -1;
	if (e != 0) {
		zp_error("cannot write %s: %s", s->tmp.data, strerror(e));
		unlink(s->tmp.data);
		return ZP_EIO;
	}
	if (zp_file_batch_add(&s->batch, s->tmp.data, s->path.data) != 0) {
		unlink(s->tmp.data);
		return ZP_ENOMEM;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* jsonl                                                               */
/* ------------------------------------------------------------------ */

/* jsonl_header: a JSON Lines file has none. */
static int
jsonl_header(struct emit_sink *s, enum emit_type t)
{
	(void)s;
	(void)t;
	return 0;
}

/* jsonl_record appends the record line and its newline. */
static int
jsonl_record(struct emit_sink *s, enum emit_type t, const struct emit_line *l)
{
	(void)t;
	if (zp_buf_append(&s->out, l->json, l->len) != 0 ||
	    zp_buf_putc(&s->out, '\n') != 0)
		return ZP_ENOMEM;
	return 0;
}

/* ------------------------------------------------------------------ */
/* csv                                                                 */
/* ------------------------------------------------------------------ */

/* csv_needs_quotes tells whether cell s[0..n) must be quoted. */
static int
csv_needs_quotes(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 1; /* "" is the empty string; nothing is null */
	if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
		return 1;
	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return 1;
	return 0;
}

/* csv_cell appends s[0..n) as one cell, quoted when needed. */
static int
csv_cell(struct zp_buf *out, const char *s, size_t n)
{
	const char *q;

	if (!csv_needs_quotes(s, n))
		return zp_buf_append(out, s, n);
	if (zp_buf_putc(out, '"') != 0)
		return ZP_ENOMEM;
	while ((q = memchr(s, '"', n)) != NULL) {
		if (zp_buf_append(out, s, (size_t)(q - s) + 1) != 0 ||
		    zp_buf_putc(out, '"') != 0)
			return ZP_ENOMEM;
		n -= (size_t)(q - s) + 1;
		s = q + 1;
	}
	if (zp_buf_append(out, s, n) != 0 || zp_buf_putc(out, '"') != 0)
		return ZP_ENOMEM;
	return 0;
}

/* csv_value appends the cell of value v (NULL: the field is absent). */
static int
csv_value(struct emit_sink *s, const struct zp_json *v)
{
	if (v == NULL)
		return 0;
	switch (v->type) {
	case ZP_JSON_NULL: return 0;
	case ZP_JSON_FALSE: return zp_buf_puts(&s->out, "false");
	case ZP_JSON_TRUE: return zp_buf_puts(&s->out, "true");
	case ZP_JSON_NUMBER: return zp_buf_append(&s->out, v->u.s, v->n);
	case ZP_JSON_STRING: return csv_cell(&s->out, v->u.s, v->n);
	default:
		zp_buf_reset(&s->cell);
		if (zp_json_write(&s->cell, v) != 0)
			return ZP_ENOMEM;
		return csv_cell(&s->out, s->cell.data, s->cell.len);
	}
}

/* field_value finds field name in object o, first at *next (records
 * keep the table's order), else anywhere; NULL when absent. */
static const struct zp_json *
field_value(const struct zp_json *o, size_t *next, const char *name)
{
	const struct zp_json_member *m;

	if (*next < o->n) {
		m = &o->u.members[*next];
		if (zp_json_is_str(&m->key, name)) {
			(*next)++;
			return &m->value;
		}
	}
	return zp_json_get(o, name);
}

/* csv_header appends the field names of t as the first row. */
static int
csv_header(struct emit_sink *s, enum emit_type t)
{
	const struct emit_field *f;
	size_t i, n;

	f = emit_fields(t, &n);
	for (i = 0; i < n; i++)
		if ((i > 0 && zp_buf_putc(&s->out, ',') != 0) ||
		    csv_cell(&s->out, f[i].name, strlen(f[i].name)) != 0)
			return ZP_ENOMEM;
	return zp_buf_puts(&s->out, "\r\n");
}

/* csv_parse builds the DOM of record l in s->arena. */
static int
csv_parse(
    struct emit_sink *s, const struct emit_line *l, const struct zp_json **out)
{
	struct zp_json *root;
	int rc;

	zp_arena_reset(&s->arena);
	rc = zp_json_parse(&s->parser, l->json, l->len, &root);
	if (rc == ZP_ENOMEM)
		return rc;
	if (rc != 0) {
		zp_error("%s: a record does not parse: %s at byte %zu",
		    s->path.data, s->parser.err.reason, s->parser.err.offset);
		return ZP_EPARSE;
	}
	if (root->type != ZP_JSON_OBJECT) {
		zp_error("%s: a record is not a JSON object", s->path.data);
		return ZP_EPARSE;
	}
	*out = root;
	return 0;
}

/* csv_record appends the row of record l, one cell per field of t. */
static int
csv_record(struct emit_sink *s, enum emit_type t, const struct emit_line *l)
{
	const struct emit_field *f;
	const struct zp_json *root;
	size_t i, n, next = 0;
	int rc;

	if ((rc = csv_parse(s, l, &root)) != 0)
		return rc;
	f = emit_fields(t, &n);
	for (i = 0; i < n; i++) {
		if (i > 0 && zp_buf_putc(&s->out, ',') != 0)
			return ZP_ENOMEM;
		if (csv_value(s, field_value(root, &next, f[i].name)) != 0)
			return ZP_ENOMEM;
	}
	return zp_buf_puts(&s->out, "\r\n");
}

/* ------------------------------------------------------------------ */
/* The sink                                                            */
/* ------------------------------------------------------------------ */

/* files_free releases the sink (accepts NULL) and clears *sp. */
static void
files_free(struct emit_sink **sp)
{
	struct emit_sink *s;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	tmp_abort(s);
	zp_behind_stop(&s->behind);
	zp_file_batch_release(&s->batch);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	zp_buf_release(&s->path);
	zp_buf_release(&s->tmp);
	zp_buf_release(&s->out);
	zp_buf_release(&s->cell);
	free(s->bounce);
	zp_json_parser_release(&s->parser);
	zp_arena_release(&s->arena);
	free(s->dir);
	free(s);
	*sp = NULL;
}

/* files_dir checks DIR, creating it (and its parents) when missing. */
static int
files_dir(struct emit_sink *s)
{
	int rc;

	if ((rc = make_dirs(s->dir)) != 0)
		return rc;
	if (access(s->dir, W_OK | X_OK) != 0) {
		int e = errno;

		zp_error("cannot write in %s: %s", s->dir, strerror(e));
		return ZP_EIO;
	}
	return 0;
}

/* files_lock holds DIR/.zp-emit.lock, so that one zp-emit at a time
 * writes DIR and the temporary files left there are nobody's. */
static int
files_lock(struct emit_sink *s)
{
	struct zp_buf p = ZP_BUF_INIT;
	int rc = zp_buf_printf(&p, "%s/.zp-emit.lock", s->dir), err = 0;

	if (rc != 0)
		return rc;
	if ((rc = zp_file_lock(p.data, 0644, &s->lock_fd, &err)) != 0) {
		if (err == EWOULDBLOCK)
			zp_error(
			    "%s: another zp-emit is writing there", s->dir);
		else
			zp_error(
			    "cannot create %s: %s", p.data, strerror(err));
	}
	zp_buf_release(&p);
	return rc;
}

/* is_leftover tells whether name is a temporary file of ours: ".DAY" +
 * ext + "." and six characters (a run killed before its rename). */
static int
is_leftover(const char *name, const char *ext)
{
	size_t n = zp_file_temp_base(name), e = strlen(ext);

	return name[0] == '.' && n > e + 1 &&
	    memcmp(name + n - e, ext, e) == 0;
}

/* sweep removes the temporary files a killed run left in DIR/<stream>. */
static void
sweep(struct emit_sink *s)
{
	struct zp_buf p = ZP_BUF_INIT;
	struct dirent *d;
	DIR *dir;
	int t;

	for (t = 0; t < EMIT_NTYPES; t++) {
		zp_buf_reset(&p);
		if (zp_buf_printf(&p, "%s/%s", s->dir, emit_stream_name(t)) ||
		    (dir = opendir(p.data)) == NULL)
			continue;
		while ((d = readdir(dir)) != NULL)
			if (is_leftover(d->d_name, s->fmt->ext))
				unlinkat(dirfd(dir), d->d_name, 0);
		closedir(dir);
	}
	zp_buf_release(&p);
}

/* files_open makes the sink of spec "<prefix>DIR"; 0, ZP_EINVAL (no
 * DIR), ZP_EIO (DIR unusable, logged) or ZP_ENOMEM. */
static int
files_open(
    struct emit_sink **out, const char *spec, const struct file_format *fmt)
{
	size_t n = strlen(fmt->prefix);
	struct emit_sink *s;
	int rc;

	*out = NULL;
	if (strncmp(spec, fmt->prefix, n) != 0 || spec[n] == '\0') {
		zp_error("--to %s needs a directory, as in %sout", spec,
		    fmt->prefix);
		return ZP_EINVAL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return ZP_ENOMEM;
	s->fmt = fmt;
	s->fd = -1;
	s->lock_fd = -1;
	zp_json_parser_init(&s->parser, &s->arena);
	if ((s->dir = strdup(spec + n)) == NULL) {
		files_free(&s);
		return ZP_ENOMEM;
	}
	for (n = strlen(s->dir); n > 1 && s->dir[n - 1] == '/'; n--)
		s->dir[n - 1] = '\0';
	if ((rc = files_dir(s)) != 0) {
		files_free(&s);
		/* a folder that cannot be made or written needs a fix, not a
		 * retry: a configuration error (78) */
		return rc == ZP_EIO ? ZP_ECONFIG : rc;
	}
	if ((rc = files_lock(s)) != 0) {
		files_free(&s);
		return rc; /* another zp-emit: 75, run again later */
	}
	sweep(s);
	*out = s;
	return 0;
}

/* files_missing: 1 when the partition file does not exist, 0 when it
 * does, ZP_EIO (logged) when that cannot be told. */
static int
files_missing(struct emit_sink *s, enum emit_type t, const char *day)
{
	struct stat st;
	int rc, e;

	if ((rc = set_paths(s, t, day, 0)) != 0)
		return rc;
	if (stat(s->path.data, &st) == 0)
		return 0;
	if ((e = errno) == ENOENT || e == ENOTDIR)
		return 1;
	zp_error("cannot look at %s: %s", s->path.data, strerror(e));
	return ZP_EIO;
}

/* files_remove deletes, at the commit, the file of a partition left
 * with no records. */
static int
files_remove(struct emit_sink *s)
{
	return zp_file_batch_add(&s->batch, NULL, s->path.data);
}

/* files_write streams the header and every record of p into the
 * temporary file already open. */
static int
files_write(struct emit_sink *s, const struct emit_part *p)
{
	size_t i;
	int rc;

	if ((rc = s->fmt->header(s, p->type)) != 0)
		return rc;
	if (p->bytes != NULL && s->fmt->lines) {
		/* the file's bytes already: written from where they are */
		zp_buf_reset(&s->out);
		return tmp_write_big(s, p->bytes, p->n_bytes);
	}
	for (i = 0; i < p->n_all; i++) {
		if ((rc = s->fmt->record(s, p->type, &p->all[i])) != 0)
			return rc;
		if ((rc = tmp_maybe_flush(s)) != 0)
			return rc;
	}
	return 0;
}

/* files_put replaces the file of partition p with all its records. */
static int
files_put(struct emit_sink *s, const struct emit_part *p)
{
	int rc;

	s->wrote = 0;
	if ((rc = set_paths(s, p->type, p->day, 1)) != 0)
		return rc;
	if (p->n_all == 0)
		return files_remove(s);
	if ((rc = make_stream(s, p->type)) != 0 || (rc = tmp_begin(s)) != 0)
		return rc;
	if ((rc = files_write(s, p)) != 0) {
		if (rc == ZP_ENOMEM)
			zp_error("%s: out of memory", s->path.data);
		tmp_abort(s);
		return rc;
	}
	if ((rc = tmp_done(s)) == 0)
		s->wrote = 1;
	return rc;
}

/* files_file names the temporary file of the last put when the format
 * makes a file of the lines alone (jsonl). */
static const char *
files_file(struct emit_sink *s)
{
	return s->wrote && s->fmt->lines ? s->tmp.data : NULL;
}

/* files_commit syncs the files put since the last commit and renames
 * them over their partitions. */
static int
files_commit(struct emit_sink *s)
{
	const char *failed = NULL;
	int e = 0;

	if (zp_file_batch_commit(&s->batch, &e, &failed) == 0)
		return 0;
	zp_error(
	    "cannot replace %s: %s", failed ? failed : s->dir, strerror(e));
	return ZP_EIO;
}

/* files_close: the run commits before it closes; what is left was not
 * meant to be (a failed run) and is removed. */
static int
files_close(struct emit_sink *s)
{
	zp_file_batch_abort(&s->batch);
	return 0;
}

static const struct file_format jsonl_format = {
    "jsonl:", ".jsonl", jsonl_header, jsonl_record, 1};
static const struct file_format csv_format = {
    "csv:", ".csv", csv_header, csv_record, 0};

/* jsonl_open opens "jsonl:DIR". */
static int
jsonl_open(
    struct emit_sink **out, const char *spec, const struct emit_options *o)
{
	(void)o;
	return files_open(out, spec, &jsonl_format);
}

/* csv_open opens "csv:DIR". */
static int
csv_open(
    struct emit_sink **out, const char *spec, const struct emit_options *o)
{
	(void)o;
	return files_open(out, spec, &csv_format);
}

const struct emit_sink_ops emit_sink_jsonl = {"jsonl:", jsonl_open,
    files_missing, files_put, files_close, files_free, files_commit,
    files_file};
const struct emit_sink_ops emit_sink_csv = {"csv:", csv_open, files_missing,
    files_put, files_close, files_free, files_commit, files_file};
