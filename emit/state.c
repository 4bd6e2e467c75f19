/*
 * state.c - zp-emit's --state DIR (core.h):
 *
 *   DIR/FORMAT                    "zp-emit state 1"
 *   DIR/lock                      flock(2): one zp-emit at a time
 *   DIR/records/STREAM/DAY.ndjson  every record ever emitted, sorted by key
 *   DIR/meetings.ndjson           per meeting instance (and webinar) the
 *                                 facts its participations need: day,
 *                                 kind, number, host
 *   DIR/orphans.ndjson            participations saved before their
 *                                 meeting was seen (on their first
 *                                 join's day, to be moved)
 *
 * Every file is replaced atomically (lib/file.h), so a run killed at any
 * moment leaves each file either old or new.
 */
#include "core.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "file.h"
#include "log.h"

#define STATE_FORMAT "zp-emit state 1\n"
#define STATE_MAX_FILE ((size_t)4 << 30)
#define INDEX_KEEP_DAYS 400 /* Zoom serves past meetings for a year */
#define INDEX_PIECE (256 * 1024) /* bytes of the index written at once */

/* The run's meetings.ndjson, built and written to a temporary file on a
 * thread of its own while the flush goes on (emit_state_index_start),
 * renamed by the flush's last commit (emit_state_index_stage). */
struct index {
	char *path; /* DIR/meetings.ndjson (a path of its own: the thread's) */
	char *tmp; /* the temporary file written, or NULL */
	int rc; /* of the build: 0, ZP_ENOMEM or ZP_EIO */
	int err; /* with ZP_EIO, the errno */
	int built; /* rc and tmp are the build's */
	int staged; /* tmp is in the state's batch */
	int saved; /* a commit renamed it */
	int running; /* thread is building it */
	pthread_t thread;
};

struct emit_state {
	char *dir; /* NULL: in memory only */
	int lock_fd;
	int opened; /* the lock is held and the files loaded */
	struct emit_table *t;
	struct emit_orphan *orphans;
	size_t n_orphans, cap_orphans;
	struct zp_buf path;
	struct zp_buf rpath; /* the partition being read (by the merging
				thread, while the writer saves others) */
	struct zp_file_batch batch; /* partitions saved, not committed */
	int made[EMIT_NTYPES]; /* records/STREAM exists */
	struct index index;
};

/* --- paths ----------------------------------------------------------- */

/* path_in sets b to dir/rel (printf-style). */
static const char *
path_in(struct emit_state *s, struct zp_buf *b, const char *fmt, const char *a,
    const char *c)
{
	zp_buf_reset(b);
	if (zp_buf_printf(b, "%s/", s->dir) != 0 ||
	    zp_buf_printf(b, fmt, a, c) != 0)
		return NULL;
	return b->data;
}

/* path_of sets s->path to dir/rel (printf-style). */
static const char *
path_of(struct emit_state *s, const char *fmt, const char *a, const char *b)
{
	return path_in(s, &s->path, fmt, a, b);
}

/* make_dir creates path (one level) unless it exists. */
static int
make_dir(const char *path)
{
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return 0;
	zp_error("%s: cannot create the folder: %s", path, strerror(errno));
	return ZP_EIO;
}

/* --- opening: format, lock, index, orphans ---------------------------- */

/* check_format writes FORMAT in a new state and refuses a foreign one. */
static int
check_format(struct emit_state *s)
{
	struct zp_buf b = ZP_BUF_INIT;
	const char *p = path_of(s, "FORMAT%s%s", "", "");
	int rc, err = 0;

	if (p == NULL)
		return ZP_ENOMEM;
	rc = zp_file_read(p, &b, 4096, &err);
	if (rc == ZP_ENOTFOUND)
		rc = zp_file_write_atomic(
		    p, STATE_FORMAT, strlen(STATE_FORMAT), 0600, &err);
	else if (rc == 0 && strcmp(b.data, STATE_FORMAT) != 0) {
		zp_error("%s: not a zp-emit state of this version (it says "
			 "'%.40s')",
		    s->dir, b.data);
		rc = ZP_ECONFIG;
	}
	if (rc == ZP_EIO)
		zp_error("%s: %s", p, strerror(err));
	zp_buf_release(&b);
	return rc;
}

/* take_lock holds DIR/lock for the run. */
static int
take_lock(struct emit_state *s)
{
	const char *p = path_of(s, "lock%s%s", "", "");
	int err = 0;

	if (p == NULL)
		return ZP_ENOMEM;
	if (zp_file_lock(p, 0600, &s->lock_fd, &err) == 0)
		return 0;
	if (err == EWOULDBLOCK)
		zp_error("%s: another zp-emit is using this state; run again "
			 "when it is done",
		    s->dir);
	else
		zp_error("%s: %s", p, strerror(err));
	return ZP_EIO;
}

/* str_of interns member key of o (a string) decoded, or NULL. */
static const char *
str_of(struct emit_table *t, const struct zp_json *o, const char *key)
{
	const struct zp_json *v = zp_json_get(o, key);

	return v != NULL && v->type == ZP_JSON_STRING
	    ? emit_intern(t, v->u.s, v->n)
	    : NULL;
}

/* index_line loads one line of meetings.ndjson. */
static int
index_line(struct emit_state *s, const struct zp_json *o)
{
	struct emit_table *t = s->t;
	const char *account = str_of(t, o, "account"), *day;
	const struct zp_json *uuid = zp_json_get(o, "uuid");
	const struct zp_json *wid = zp_json_get(o, "webinar_id");
	struct emit_minfo *mi;

	if (account == NULL)
		return 0;
	if (uuid != NULL && uuid->type == ZP_JSON_STRING)
		mi = emit_minfo_of(
		    t, &t->minfo, account, emit_intern_json(t, uuid));
	else if (wid != NULL && wid->type == ZP_JSON_NUMBER)
		mi = emit_minfo_of(
		    t, &t->winfo, account, emit_intern_json(t, wid));
	else
		return 0;
	if (mi == NULL)
		return ZP_ENOMEM;
	if ((day = str_of(t, o, "day")) != NULL)
		snprintf(mi->day, sizeof(mi->day), "%s", day);
	mi->kind = emit_intern_json(t, zp_json_get(o, "kind"));
	mi->meeting_id = emit_intern_json(t, zp_json_get(o, "meeting_id"));
	mi->host_id = emit_intern_json(t, zp_json_get(o, "host_id"));
	mi->host_person = emit_intern_json(t, zp_json_get(o, "host_person"));
	return 0;
}

/* orphan_line loads one line of orphans.ndjson. */
static int
orphan_line(struct emit_state *s, const struct zp_json *o)
{
	const char *a = str_of(s->t, o, "account"),
		   *k = str_of(s->t, o, "key");
	const char *d = str_of(s->t, o, "day");
	const struct zp_json *u = zp_json_get(o, "uuid");

	if (a == NULL || k == NULL || d == NULL || u == NULL ||
	    u->type != ZP_JSON_STRING)
		return 0;
	return emit_state_add_orphan(s, a, emit_intern_json(s->t, u), k, d);
}

/* load_lines calls fn with the DOM of each line of DIR/name. */
static int
load_lines(struct emit_state *s, const char *name,
    int (*fn)(struct emit_state *, const struct zp_json *))
{
	struct zp_buf b = ZP_BUF_INIT;
	struct zp_arena a = ZP_ARENA_INIT;
	struct zp_json_parser p;
	struct zp_json *o;
	const char *path = path_of(s, "%s%s", name, ""), *line, *nl;
	int rc, err = 0;

	if (path == NULL)
		return ZP_ENOMEM;
	if ((rc = zp_file_read(path, &b, STATE_MAX_FILE, &err)) != 0) {
		if (rc == ZP_ENOTFOUND)
			return 0;
		zp_error("%s: %s", path, strerror(err));
		return rc;
	}
	zp_json_parser_init(&p, &a);
	for (line = b.data; rc == 0 && line < b.data + b.len; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(b.data + b.len - line));
		if (nl == NULL)
			nl = b.data + b.len;
		zp_arena_reset(&a);
		if (nl > line &&
		    zp_json_parse(&p, line, (size_t)(nl - line), &o) == 0)
			rc = fn(s, o);
	}
	zp_json_parser_release(&p);
	zp_arena_release(&a);
	zp_buf_release(&b);
	return rc;
}

/* is_temp tells whether name is a temporary file of a replacement
 * (lib/file.h): a file of ours (*.ndjson, FORMAT), "." and six letters
 * or digits. */
static int
is_temp(const char *name)
{
	size_t n = zp_file_temp_base(name), e = sizeof(".ndjson") - 1;

	return (n == 6 && memcmp(name, "FORMAT", 6) == 0) ||
	    (n > e && memcmp(name + n - e, ".ndjson", e) == 0);
}

/* sweep_in removes the temporary files a killed run left in folder rel
 * of the state (its lock held: no other run is writing them). */
static void
sweep_in(struct emit_state *s, const char *rel)
{
	struct dirent *e;
	DIR *d;

	if (path_of(s, "%s%s", rel, "") == NULL ||
	    (d = opendir(s->path.data)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (is_temp(e->d_name) &&
		    unlinkat(dirfd(d), e->d_name, 0) == 0)
			zp_debug(
			    "state: removed %s/%s, left by a run that was "
			    "stopped",
			    s->path.data, e->d_name);
	closedir(d);
}

/* sweep removes the temporary files of killed runs from the state. */
static void
sweep(struct emit_state *s)
{
	char rel[64];
	int ty;

	sweep_in(s, ".");
	for (ty = 0; ty < EMIT_NTYPES; ty++) {
		snprintf(rel, sizeof(rel), "records/%s",
		    emit_stream_name((enum emit_type)ty));
		sweep_in(s, rel);
	}
}

int
emit_state_open(struct emit_state **out, const char *dir, struct emit_table *t)
{
	struct emit_state *s = calloc(1, sizeof(*s));
	const char *p;
	int rc = 0;

	*out = s;
	if (s == NULL)
		return ZP_ENOMEM;
	s->lock_fd = -1;
	s->t = t;
	if (dir == NULL)
		return 0;
	if ((s->dir = strdup(dir)) == NULL ||
	    (p = path_of(s, "%s%s", "meetings.ndjson", "")) == NULL ||
	    (s->index.path = strdup(p)) == NULL)
		return ZP_ENOMEM;
	if ((rc = make_dir(dir)) != 0 || (rc = take_lock(s)) != 0 ||
	    (rc = check_format(s)) != 0)
		return rc;
	sweep(s);
	if ((rc = load_lines(s, "meetings.ndjson", index_line)) != 0 ||
	    (rc = load_lines(s, "orphans.ndjson", orphan_line)) != 0)
		return rc;
	s->opened = 1;
	return 0;
}

/* --- partitions ------------------------------------------------------ */

int
emit_state_load_part(struct emit_state *s, enum emit_type ty, const char *day,
    struct zp_buf *out)
{
	const char *p;
	int rc, err = 0;

	if (s->dir == NULL)
		return 0;
	if ((p = path_in(s, &s->rpath, "records/%s/%s.ndjson",
		 emit_stream_name(ty), day)) == NULL)
		return ZP_ENOMEM;
	rc = zp_file_read(p, out, STATE_MAX_FILE, &err);
	if (rc == ZP_ENOTFOUND)
		return 0;
	if (rc != 0)
		zp_error("%s: %s", p,
		    rc == ZP_EIO ? strerror(err) : zp_strerror(rc));
	return rc;
}

/* part_path sets s->path to partition (ty, day)'s file, its folders
 * made the first time; 0, ZP_EIO (reported) or ZP_ENOMEM. */
static int
part_path(struct emit_state *s, enum emit_type ty, const char *day)
{
	const char *p;
	int rc = 0;

	if (!s->made[ty] &&
	    ((p = path_of(s, "records%s%s", "", "")) == NULL ||
		(rc = make_dir(p)) != 0 ||
		(p = path_of(s, "records/%s%s", emit_stream_name(ty), "")) ==
		    NULL ||
		(rc = make_dir(p)) != 0))
		return rc ? rc : ZP_ENOMEM;
	s->made[ty] = 1;
	return path_of(s, "records/%s/%s.ndjson", emit_stream_name(ty), day) ==
		NULL
	    ? ZP_ENOMEM
	    : 0;
}

int
emit_state_save_part(struct emit_state *s, enum emit_type ty, const char *day,
    const char *data, size_t n)
{
	int rc, err = 0;

	if (s->dir == NULL)
		return 0;
	if ((rc = part_path(s, ty, day)) != 0)
		return rc;
	if ((rc = zp_file_batch_write(
		 &s->batch, s->path.data, data, n, 0600, &err)))
		zp_error("%s: %s", s->path.data,
		    rc == ZP_EIO ? strerror(err) : zp_strerror(rc));
	return rc;
}

int
emit_state_link_part(struct emit_state *s, enum emit_type ty, const char *day,
    const char *src, size_t n)
{
	struct stat st;
	int rc, err = 0;

	if (s->dir == NULL)
		return 0;
	if (stat(src, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uintmax_t)st.st_size != (uintmax_t)n)
		return 1; /* not the partition's bytes: write them */
	if ((rc = part_path(s, ty, day)) != 0)
		return rc;
	rc = zp_file_batch_link(&s->batch, src, s->path.data, &err);
	if (rc == ZP_EIO) {
		zp_debug("%s: no link to %s (%s): written", s->path.data, src,
		    strerror(err));
		return 1;
	}
	return rc;
}

int
emit_state_drop_part(struct emit_state *s, enum emit_type ty, const char *day)
{
	if (s->dir == NULL)
		return 0;
	if (path_of(s, "records/%s/%s.ndjson", emit_stream_name(ty), day) ==
	    NULL)
		return ZP_ENOMEM;
	return zp_file_batch_add(&s->batch, NULL, s->path.data);
}

/* day_file tells whether name is a partition file, "DAY.ndjson", its
 * day copied into day (size n). */
static int
day_file(const char *name, char *day, size_t n)
{
	size_t k = strlen(name), e = sizeof(".ndjson") - 1;

	if (name[0] == '.' || k <= e || k - e >= n ||
	    strcmp(name + k - e, ".ndjson") != 0)
		return 0;
	memcpy(day, name, k - e);
	day[k - e] = '\0';
	return 1;
}

int
emit_state_days(
    struct emit_state *s, enum emit_type ty, char ***days, size_t *n)
{
	struct dirent *e;
	char day[11], **grown; /* as a record's day */
	DIR *d;
	int rc = 0;

	*days = NULL;
	*n = 0;
	if (s->dir == NULL ||
	    path_of(s, "records/%s%s", emit_stream_name(ty), "") == NULL)
		return s->dir == NULL ? 0 : ZP_ENOMEM;
	if ((d = opendir(s->path.data)) == NULL) {
		if (errno == ENOENT)
			return 0;
		zp_error("%s: %s", s->path.data, strerror(errno));
		return ZP_EIO;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (!day_file(e->d_name, day, sizeof(day)))
			continue;
		if ((grown = realloc(*days, (*n + 1) * sizeof(*grown))) ==
		    NULL) {
			rc = ZP_ENOMEM;
			break;
		}
		*days = grown;
		if (((*days)[*n] = strdup(day)) == NULL)
			rc = ZP_ENOMEM;
		else
			(*n)++;
	}
	closedir(d);
	return rc;
}

int
emit_state_commit(struct emit_state *s)
{
	const char *failed = NULL;
	int err = 0, staged = s->index.staged;

	s->index.staged = 0; /* the batch is done with it either way */
	if (zp_file_batch_commit(&s->batch, &err, &failed) == 0) {
		s->index.saved = staged;
		return 0;
	}
	zp_error("%s: %s", failed ? failed : s->dir, strerror(err));
	return ZP_EIO;
}

/* --- index and orphans ----------------------------------------------- */

/* A file being written line by line. */
/* One meeting's (or webinar's) facts, for the index. */
struct fact {
	const struct emit_minfo *mi;
	int webinar;
};

/* The facts the index keeps, gathered. */
struct facts {
	struct fact *v;
	size_t n, cap;
	char oldest[11]; /* meetings before this day are dropped */
	int webinar; /* of the map being gathered */
};

/* put_kv writes "key": v (JSON text, or null). */
static void
put_kv(struct zp_jw *w, const char *key, const char *v)
{
	zp_jw_key(w, key);
	if (v != NULL)
		zp_jw_raw(w, v, strlen(v));
	else
		zp_jw_null(w);
}

/* index_write appends one meeting's (or webinar's) line to b. */
static int
index_write(struct zp_buf *b, const struct fact *f)
{
	const struct emit_minfo *mi = f->mi;
	struct zp_jw w;

	zp_jw_init(&w, b);
	zp_jw_object(&w);
	zp_jw_key(&w, "account");
	zp_jw_str(&w, mi->account);
	put_kv(&w, f->webinar ? "webinar_id" : "uuid", mi->uuid);
	if (!f->webinar) {
		zp_jw_key(&w, "day");
		zp_jw_str(&w, mi->day);
		put_kv(&w, "kind", mi->kind);
		put_kv(&w, "meeting_id", mi->meeting_id);
	}
	put_kv(&w, "host_id", mi->host_id);
	put_kv(&w, "host_person", mi->host_person);
	zp_jw_end(&w);
	if (zp_jw_finish(&w) != 0 || zp_buf_putc(b, '\n') != 0)
		return ZP_ENOMEM;
	return 0;
}

/* gather adds a meeting's (or webinar's) facts the index keeps. */
static int
gather(void *arg, void *v)
{
	struct facts *fs = arg;
	const struct emit_minfo *mi = v;

	if (!fs->webinar && mi->day[0] != 'u' &&
	    strcmp(mi->day, fs->oldest) < 0)
		return 0;
	if (!fs->webinar && mi->day[0] == '\0')
		return 0; /* a meeting only its participants named */
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 1024;
		struct fact *g = realloc(fs->v, cap * sizeof(*g));

		if (g == NULL)
			return ZP_ENOMEM;
		fs->v = g;
		fs->cap = cap;
	}
	fs->v[fs->n].mi = mi;
	fs->v[fs->n++].webinar = fs->webinar;
	return 0;
}

/* save_file replaces DIR/name with b. */
static int
save_file(struct emit_state *s, const char *name, const struct zp_buf *b)
{
	const char *p = path_of(s, "%s%s", name, "");
	int rc, err = 0;

	if (p == NULL)
		return ZP_ENOMEM;
	if ((rc = zp_file_write_atomic(
		 p, b->data ? b->data : "", b->len, 0600, &err)) != 0)
		zp_error("%s: %s", p, strerror(err));
	return rc;
}

/* by_fact orders the index's lines: by account, meetings before
 * webinars, then by id (as the lines sort bytewise), so that a file
 * written from hash tables is the same from run to run. */
static int
by_fact(const void *a, const void *b)
{
	const struct fact *x = a, *y = b;
	int c = strcmp(x->mi->account, y->mi->account);

	if (c != 0)
		return c;
	if (x->webinar != y->webinar)
		return x->webinar - y->webinar;
	return strcmp(x->mi->uuid, y->mi->uuid);
}

/* index_out writes the index, the run's facts with the state's, sorted,
 * to the temporary file t, a piece at a time.  0, ZP_ENOMEM or ZP_EIO
 * (the errno in *err; t removed). */
static int
index_out(struct emit_state *s, struct zp_file_temp *t, int *err)
{
	struct facts fs = {0};
	struct zp_buf b = ZP_BUF_INIT;
	size_t i;
	int rc;

	emit_day_of(time(NULL) - (time_t)INDEX_KEEP_DAYS * 86400, fs.oldest);
	rc = emit_pmap_each(s->t->minfo, gather, &fs);
	fs.webinar = 1;
	if (rc == 0)
		rc = emit_pmap_each(s->t->winfo, gather, &fs);
	if (rc == 0 && fs.n > 1)
		qsort(fs.v, fs.n, sizeof(*fs.v), by_fact);
	for (i = 0; rc == 0 && i < fs.n; i++)
		if ((rc = index_write(&b, &fs.v[i])) == 0 &&
		    (b.len >= INDEX_PIECE || i + 1 == fs.n)) {
			rc = zp_file_temp_write(t, b.data, b.len, err);
			zp_buf_reset(&b);
		}
	free(fs.v);
	zp_buf_release(&b);
	return rc;
}

/* build_index writes the index into a temporary file beside
 * DIR/meetings.ndjson (ix->tmp). */
static void
build_index(struct emit_state *s)
{
	struct index *ix = &s->index;
	struct zp_file_temp t;
	int rc;

	if ((rc = zp_file_temp_open(ix->path, 0600, &t, &ix->err)) == 0 &&
	    (rc = index_out(s, &t, &ix->err)) == 0 &&
	    (rc = zp_file_temp_close(&t, &ix->err)) == 0)
		ix->tmp = t.name;
	else if (rc == ZP_ENOMEM)
		zp_file_temp_discard(&t);
	ix->rc = rc;
	ix->built = 1;
}

/* index_run is the index's thread; signals go to the others. */
static void *
index_run(void *arg)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	build_index(arg);
	return NULL;
}

/* index_wait joins the index's thread, if any. */
static void
index_wait(struct emit_state *s)
{
	if (!s->index.running)
		return;
	pthread_join(s->index.thread, NULL);
	s->index.running = 0;
}

/* index_drop removes the index's temporary file (one a batch has is not
 * the index's any more): the next save builds it again. */
static void
index_drop(struct index *ix)
{
	if (ix->tmp != NULL)
		unlink(ix->tmp);
	free(ix->tmp);
	ix->tmp = NULL;
	ix->rc = 0;
	ix->built = ix->staged = 0;
}

/* index_stale is the table's facts_change while the thread reads the
 * facts: it waits for it, and the close builds the index again. */
static void
index_stale(void *arg)
{
	struct emit_state *s = arg;

	index_wait(s);
	index_drop(&s->index);
}

void
emit_state_index_start(struct emit_state *s)
{
	struct index *ix;

	if (s == NULL || s->dir == NULL || !s->opened)
		return;
	ix = &s->index;
	if (ix->built || ix->running || ix->saved)
		return;
	s->t->facts_change = index_stale;
	s->t->facts_arg = s;
	ix->running = pthread_create(&ix->thread, NULL, index_run, s) == 0;
	if (!ix->running)
		s->t->facts_change = NULL;
}

void
emit_state_index_stage(struct emit_state *s)
{
	struct index *ix;

	if (s == NULL || s->dir == NULL || !s->opened)
		return;
	ix = &s->index;
	index_wait(s);
	if (ix->built && ix->rc == 0 && ix->tmp != NULL &&
	    zp_file_batch_add(&s->batch, ix->tmp, ix->path) == 0) {
		ix->staged = 1; /* the batch removes it if not committed */
		free(ix->tmp);
		ix->tmp = NULL;
	}
}

/* save_index writes the meeting facts back, the run's with the state's,
 * unless a commit did. */
static int
save_index(struct emit_state *s)
{
	struct index *ix = &s->index;
	int rc;

	if (s->dir == NULL)
		return 0;
	index_wait(s);
	if (ix->saved)
		return 0;
	if (!ix->built || (ix->rc == 0 && ix->tmp == NULL)) {
		index_drop(ix); /* none yet, or a batch failed with it */
		build_index(s);
	}
	if ((rc = ix->rc) == 0) {
		rc = zp_file_temp_commit(ix->tmp, ix->path, &ix->err);
		free(ix->tmp); /* renamed, or removed */
		ix->tmp = NULL;
		ix->saved = rc == 0;
	}
	if (rc == ZP_EIO)
		zp_error("%s: %s", ix->path, strerror(ix->err));
	return rc;
}

struct emit_orphan *
emit_state_orphans(struct emit_state *s, size_t *n)
{
	*n = s->n_orphans;
	return s->orphans;
}

int
emit_state_add_orphan(struct emit_state *s, const char *account,
    const char *uuid, const char *key, const char *day)
{
	struct emit_orphan *o;

	if (s->n_orphans == s->cap_orphans) {
		size_t cap = s->cap_orphans ? s->cap_orphans * 2 : 64;

		if ((o = realloc(s->orphans, cap * sizeof(*o))) == NULL)
			return ZP_ENOMEM;
		s->orphans = o;
		s->cap_orphans = cap;
	}
	o = &s->orphans[s->n_orphans++];
	memset(o, 0, sizeof(*o));
	o->account = account;
	o->uuid = uuid;
	o->key = key;
	snprintf(o->day, sizeof(o->day), "%s", day);
	return 0;
}

/* save_orphans writes the orphans not moved in this run. */
static int
save_orphans(struct emit_state *s)
{
	struct zp_buf b = ZP_BUF_INIT;
	struct zp_jw w;
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < s->n_orphans; i++) {
		const struct emit_orphan *o = &s->orphans[i];

		if (o->resolved)
			continue;
		zp_jw_init(&w, &b);
		zp_jw_object(&w);
		zp_jw_key(&w, "account");
		zp_jw_str(&w, o->account);
		put_kv(&w, "uuid", o->uuid);
		zp_jw_key(&w, "key");
		zp_jw_str(&w, o->key);
		zp_jw_key(&w, "day");
		zp_jw_str(&w, o->day);
		zp_jw_end(&w);
		if ((rc = zp_jw_finish(&w)) == 0)
			rc = zp_buf_putc(&b, '\n');
	}
	if (rc == 0)
		rc = save_file(s, "orphans.ndjson", &b);
	zp_buf_release(&b);
	return rc;
}

int
emit_state_close(struct emit_state **sp)
{
	struct emit_state *s = sp ? *sp : NULL;
	int rc = 0;

	if (s == NULL)
		return 0;
	if (s->dir != NULL && s->opened) {
		rc = save_index(s);
		if (rc == 0)
			rc = save_orphans(s);
	}
	index_wait(s);
	index_drop(&s->index);
	free(s->index.path);
	if (s->t != NULL && s->t->facts_change == index_stale)
		s->t->facts_change = NULL;
	zp_file_batch_release(&s->batch); /* what no commit made durable */
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	free(s->dir);
	free(s->orphans);
	zp_buf_release(&s->path);
	zp_buf_release(&s->rpath);
	free(s);
	*sp = NULL;
	return rc;
}
