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
	int rc = 0;

	*out = s;
	if (s == NULL)
		return ZP_ENOMEM;
	s->lock_fd = -1;
	s->t = t;
	if (dir == NULL)
		return 0;
	if ((s->dir = strdup(dir)) == NULL)
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
	int err = 0;

	if (zp_file_batch_commit(&s->batch, &err, &failed) == 0)
		return 0;
	zp_error("%s: %s", failed ? failed : s->dir, strerror(err));
	return ZP_EIO;
}

/* --- index and orphans ----------------------------------------------- */

/* A file being written line by line. */
struct lines {
	struct zp_buf b;
	char oldest[11]; /* meetings before this day are dropped */
	int err;
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

/* index_write writes one meeting's (or webinar's) facts. */
static int
index_write(struct lines *l, const struct emit_minfo *mi, int webinar)
{
	struct zp_jw w;

	if (!webinar && mi->day[0] != 'u' && strcmp(mi->day, l->oldest) < 0)
		return 0;
	if (!webinar && mi->day[0] == '\0')
		return 0; /* a meeting only its participants named */
	zp_jw_init(&w, &l->b);
	zp_jw_object(&w);
	zp_jw_key(&w, "account");
	zp_jw_str(&w, mi->account);
	put_kv(&w, webinar ? "webinar_id" : "uuid", mi->uuid);
	if (!webinar) {
		zp_jw_key(&w, "day");
		zp_jw_str(&w, mi->day);
		put_kv(&w, "kind", mi->kind);
		put_kv(&w, "meeting_id", mi->meeting_id);
	}
	put_kv(&w, "host_id", mi->host_id);
	put_kv(&w, "host_person", mi->host_person);
	zp_jw_end(&w);
	if (zp_jw_finish(&w) != 0 || zp_buf_putc(&l->b, '\n') != 0)
		l->err = ZP_ENOMEM;
	return l->err;
}

static int
index_meeting(void *arg, void *v)
{
	return index_write(arg, v, 0);
}

static int
index_webinar(void *arg, void *v)
{
	return index_write(arg, v, 1);
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

/* A line of a buffer, for sorting. */
struct span {
	const char *p;
	size_t n;
};

/* by_span orders lines bytewise. */
static int
by_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	int c = memcmp(x->p, y->p, x->n < y->n ? x->n : y->n);

	return c != 0 ? c : (x->n > y->n) - (x->n < y->n);
}

/* sorted_lines replaces the lines of b (each ending in "\n") by the same
 * lines in bytewise order, so that a file written from a hash table's
 * order is the same from run to run.  0 or ZP_ENOMEM. */
static int
sorted_lines(struct zp_buf *b)
{
	struct zp_buf out = ZP_BUF_INIT;
	struct span *v = NULL;
	size_t n = 0, cap = 0, i;
	const char *p, *nl, *end = b->data + b->len;
	int rc = 0;

	for (p = b->data; b->len > 0 && p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (n == cap) {
			struct span *g;

			cap = cap ? cap * 2 : 1024;
			if ((g = realloc(v, cap * sizeof(*v))) == NULL) {
				free(v);
				return ZP_ENOMEM;
			}
			v = g;
		}
		v[n].p = p;
		v[n++].n = (size_t)(nl - p);
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), by_span);
	if (n > 0 && (rc = zp_buf_reserve(&out, b->len + 1)) == 0)
		for (i = 0; rc == 0 && i < n; i++)
			if ((rc = zp_buf_append(&out, v[i].p, v[i].n)) == 0)
				rc = zp_buf_putc(&out, '\n');
	free(v);
	if (rc != 0) {
		zp_buf_release(&out);
		return ZP_ENOMEM;
	}
	zp_buf_release(b);
	*b = out;
	return 0;
}

/* save_index writes the meeting facts back, the run's with the
 * state's. */
static int
save_index(struct emit_state *s)
{
	struct lines l = {.b = ZP_BUF_INIT};
	int rc;

	if (s->dir == NULL)
		return 0;
	emit_day_of(time(NULL) - (time_t)INDEX_KEEP_DAYS * 86400, l.oldest);
	rc = emit_pmap_each(s->t->minfo, index_meeting, &l);
	if (rc == 0)
		rc = emit_pmap_each(s->t->winfo, index_webinar, &l);
	if (rc == 0)
		rc = sorted_lines(&l.b);
	if (rc == 0)
		rc = save_file(s, "meetings.ndjson", &l.b);
	zp_buf_release(&l.b);
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
