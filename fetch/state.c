/*
 * state.c - what zp-fetch remembers between runs.
 *
 * The state file (--state FILE, JSON, replaced atomically) keeps one
 * watermark per account and stream: the last day a finished run covered.
 * The next incremental run starts there minus the lookback.
 *
 * Beside it, FILE.journal records the run under way, one JSON line per
 * event, appended with single write(2) calls so that a process killed at
 * any moment leaves whole lines (a torn last line, after a machine crash,
 * is skipped):
 *
 *   {"t":"run","since":"2026-08-24","until":"2026-11-22","streams":29}
 *   {"t":"add","a":"acme","k":"report_meetings","p":"/report/users/..."}
 *   {"t":"done","a":"acme","p":"/report/users/..."}
 *
 * A task is added before the page that revealed it is marked done, and is
 * marked done only after all its pages were written out, so every task is
 * either done with its pages delivered or still open in the journal.  A
 * re-run finds the open tasks and fetches them again (their pages may
 * repeat downstream; zp-emit deduplicates).  When the run ends the
 * watermarks are saved and the journal removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "error.h"
#include "fetch.h"
#include "file.h"
#include "keys.h"
#include "log.h"

#define MAX_STATE (64L << 20)

/* One watermark. */
struct mark {
	char account[64];
	enum fetch_stream stream;
	long day;
};

/* One task of the journal. */
struct jtask {
	char *account;
	char *path;
	enum fetch_kind kind;
	int done;
};

struct fetch_state {
	char *path;
	char *journal_path;
	struct mark *marks;
	size_t n_marks;
	char resume[40];
	int fd; /* the journal, open for appending, or -1 */
	/* The unfinished run found in the journal. */
	int pending;
	long since, until;
	unsigned streams;
	struct jtask *tasks;
	size_t n_tasks, cap_tasks;
	struct zp_keys *index; /* "account\tpath" -> task */
};

/* --- files ----------------------------------------------------------- */

/* read_file reads all of path into b; 1 when it does not exist. */
static int
read_file(const char *path, struct zp_buf *b)
{
	int rc = zp_file_read(path, b, MAX_STATE, NULL);

	return rc == ZP_ENOTFOUND ? 1 : rc;
}

/* write_all writes n bytes at p to fd. */
static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return ZP_EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* --- the state file -------------------------------------------------- */

/* add_mark sets (or adds) the watermark of account and stream. */
static int
add_mark(
    struct fetch_state *s, const char *account, enum fetch_stream st, long day)
{
	struct mark *m;
	size_t i;

	for (i = 0; i < s->n_marks; i++)
		if (s->marks[i].stream == st &&
		    strcmp(s->marks[i].account, account) == 0) {
			s->marks[i].day = day;
			return 0;
		}
	m = realloc(s->marks, (s->n_marks + 1) * sizeof(*m));
	if (m == NULL)
		return ZP_ENOMEM;
	s->marks = m;
	m = &s->marks[s->n_marks++];
	snprintf(m->account, sizeof(m->account), "%s", account);
	m->stream = st;
	m->day = day;
	return 0;
}

/* stream_of finds the stream named by the n bytes at name, or -1. */
static int
stream_of(const char *name, size_t n)
{
	int st;

	for (st = 0; st < FETCH_NSTREAMS; st++)
		if (strlen(fetch_stream_name(st)) == n &&
		    memcmp(fetch_stream_name(st), name, n) == 0)
			return st;
	return -1;
}

/* load_account reads one account's watermarks. */
static int
load_account(struct fetch_state *s, const struct zp_json_member *a)
{
	const struct zp_json_member *m;
	char account[64], day_s[32];
	long day;
	size_t i;
	int st, rc;

	if (a->value.type != ZP_JSON_OBJECT || a->key.n >= sizeof(account))
		return ZP_EPARSE;
	snprintf(account, sizeof(account), "%.*s", (int)a->key.n, a->key.u.s);
	for (i = 0; i < a->value.n; i++) {
		m = &a->value.u.members[i];
		st = stream_of(m->key.u.s, m->key.n);
		if (st < 0 || m->value.type != ZP_JSON_STRING ||
		    m->value.n >= sizeof(day_s))
			return ZP_EPARSE;
		snprintf(day_s, sizeof(day_s), "%.*s", (int)m->value.n,
		    m->value.u.s);
		if (fetch_day_parse(day_s, &day) != 0)
			return ZP_EPARSE;
		if ((rc = add_mark(s, account, st, day)) != 0)
			return rc;
	}
	return 0;
}

/* load_state parses the state file's text. */
static int
load_state(struct fetch_state *s, const struct zp_buf *text)
{
	struct zp_arena arena = {0};
	struct zp_json_parser p;
	const struct zp_json *accts, *resume;
	struct zp_json *root;
	size_t i;
	int rc;

	zp_json_parser_init(&p, &arena);
	rc = zp_json_parse(&p, text->data, text->len, &root);
	if (rc == 0 && root->type != ZP_JSON_OBJECT)
		rc = ZP_EPARSE;
	accts = rc == 0 ? zp_json_get(root, "accounts") : NULL;
	if (accts != NULL && accts->type != ZP_JSON_OBJECT)
		rc = ZP_EPARSE;
	for (i = 0; rc == 0 && accts != NULL && i < accts->n; i++)
		rc = load_account(s, &accts->u.members[i]);
	resume = rc == 0 ? zp_json_get(root, "resume_after") : NULL;
	if (resume != NULL && resume->type == ZP_JSON_STRING &&
	    resume->n < sizeof(s->resume))
		snprintf(s->resume, sizeof(s->resume), "%.*s", (int)resume->n,
		    resume->u.s);
	zp_json_parser_release(&p);
	zp_arena_release(&arena);
	return rc;
}

/* --- the journal ----------------------------------------------------- */

/* json_str copies the string member key of o, or returns NULL. */
static char *
json_str(const struct zp_json *o, const char *key)
{
	const struct zp_json *v = zp_json_get(o, key);
	char *s;

	if (v == NULL || v->type != ZP_JSON_STRING)
		return NULL;
	if ((s = malloc(v->n + 1)) == NULL)
		return NULL;
	memcpy(s, v->u.s, v->n);
	s[v->n] = '\0';
	return s;
}

/* kind_of finds the task kind named name, or -1. */
static int
kind_of(const char *name)
{
	int k;

	for (k = 0; name != NULL && k < FK_NKINDS; k++)
		if (strcmp(fetch_kind_info(k)->name, name) == 0)
			return k;
	return -1;
}

/* key_of writes "account\tpath" into b. */
static int
key_of(struct zp_buf *b, const char *account, const char *path)
{
	zp_buf_reset(b);
	return zp_buf_printf(b, "%s\t%s", account, path);
}

/* journal_add records one added task in memory. */
static int
journal_add(struct fetch_state *s, char *account, char *path, int kind)
{
	struct zp_buf key = ZP_BUF_INIT;
	struct jtask *t;
	int rc;

	if ((rc = key_of(&key, account, path)) == 0 &&
	    zp_keys_get(s->index, key.data) >= 0)
		rc = 1; /* added twice: once is enough */
	if (rc == 0 && s->n_tasks == s->cap_tasks) {
		s->cap_tasks = s->cap_tasks ? s->cap_tasks * 2 : 1024;
		t = realloc(s->tasks, s->cap_tasks * sizeof(*t));
		if (t == NULL)
			rc = ZP_ENOMEM;
		else
			s->tasks = t;
	}
	if (rc == 0)
		rc = zp_keys_put(s->index, key.data, (long)s->n_tasks);
	zp_buf_release(&key);
	if (rc != 0) {
		free(account);
		free(path);
		return rc == 1 ? 0 : rc;
	}
	s->tasks[s->n_tasks++] = (struct jtask) {account, path, kind, 0};
	return 0;
}

/* journal_done marks one task done in memory. */
static int
journal_done(struct fetch_state *s, char *account, char *path)
{
	struct zp_buf key = ZP_BUF_INIT;
	long i = -1;

	if (key_of(&key, account, path) == 0)
		i = zp_keys_get(s->index, key.data);
	if (i >= 0)
		s->tasks[i].done = 1;
	zp_buf_release(&key);
	free(account);
	free(path);
	return 0;
}

/* journal_run reads the line that starts a run. */
static int
journal_run(struct fetch_state *s, const struct zp_json *o)
{
	char *since = json_str(o, "since"), *until = json_str(o, "until");
	const struct zp_json *st = zp_json_get(o, "streams");
	int rc = ZP_EPARSE;

	if (since != NULL && until != NULL && st != NULL &&
	    st->type == ZP_JSON_NUMBER &&
	    fetch_day_parse(since, &s->since) == 0 &&
	    fetch_day_parse(until, &s->until) == 0) {
		s->streams = (unsigned)strtoul(st->u.s, NULL, 10);
		s->pending = 1;
		rc = 0;
	}
	free(since);
	free(until);
	return rc;
}

/* journal_line applies one line of the journal. */
static int
journal_line(struct fetch_state *s, struct zp_json_parser *p, const char *line,
    size_t n)
{
	struct zp_json *o;
	char *t = NULL, *a, *path, *k;
	int rc, kind;

	if (zp_json_parse(p, line, n, &o) != 0 || o->type != ZP_JSON_OBJECT ||
	    (t = json_str(o, "t")) == NULL) {
		free(t);
		return ZP_EPARSE;
	}
	if (strcmp(t, "run") == 0) {
		free(t);
		return journal_run(s, o);
	}
	a = json_str(o, "a");
	path = json_str(o, "p");
	k = json_str(o, "k");
	kind = kind_of(k);
	free(k);
	if (a == NULL || path == NULL || (strcmp(t, "add") == 0 && kind < 0) ||
	    (strcmp(t, "add") != 0 && strcmp(t, "done") != 0))
		rc = ZP_EPARSE;
	else if (strcmp(t, "add") == 0)
		return free(t), journal_add(s, a, path, kind);
	else
		return free(t), journal_done(s, a, path);
	free(t);
	free(a);
	free(path);
	return rc;
}

/* load_journal reads the journal, skipping lines it cannot parse. */
static int
load_journal(struct fetch_state *s, const struct zp_buf *text)
{
	struct zp_arena arena = {0};
	struct zp_json_parser p;
	const char *line = text->data, *nl;
	size_t n, lineno = 0, bad = 0;
	int rc = 0;

	zp_json_parser_init(&p, &arena);
	while (rc == 0 && line < text->data + text->len) {
		nl = memchr(
		    line, '\n', (size_t)(text->data + text->len - line));
		n = nl != NULL ? (size_t)(nl - line)
			       : (size_t)(text->data + text->len - line);
		lineno++;
		rc = journal_line(s, &p, line, n);
		if (rc == ZP_EPARSE) {
			bad++;
			rc = 0;
		}
		zp_arena_reset(&arena);
		line += n + 1;
	}
	if (bad > 0)
		zp_warn("%s: skipped %zu unreadable line%s of %zu",
		    s->journal_path, bad, bad == 1 ? "" : "s", lineno);
	zp_json_parser_release(&p);
	zp_arena_release(&arena);
	return rc;
}

/* --- the interface --------------------------------------------------- */

/* open_files reads the state file and the journal of s. */
static int
open_files(struct fetch_state *s, struct zp_buf *why)
{
	struct zp_buf text = ZP_BUF_INIT;
	int rc;

	rc = read_file(s->path, &text);
	if (rc == 0 && (rc = load_state(s, &text)) != 0)
		zp_buf_printf(why, "%s: not a zp-fetch state file", s->path);
	else if (rc < 0)
		zp_buf_printf(
		    why, "%s: cannot read: %s", s->path, zp_strerror(rc));
	zp_buf_reset(&text);
	if (rc >= 0) {
		rc = read_file(s->journal_path, &text);
		if (rc == 0)
			rc = load_journal(s, &text);
		else if (rc < 0)
			zp_buf_printf(why, "%s: cannot read: %s",
			    s->journal_path, zp_strerror(rc));
	}
	zp_buf_release(&text);
	return rc < 0 ? ZP_ECONFIG : 0;
}

/* fetch_state_open reads the state file and its journal. */
int
fetch_state_open(
    struct fetch_state **out, const char *path, struct zp_buf *why)
{
	struct fetch_state *s;
	int rc;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return ZP_ENOMEM;
	s->fd = -1;
	s->path = strdup(path);
	s->journal_path = malloc(strlen(path) + sizeof(".journal"));
	rc = zp_keys_new(&s->index);
	if (s->path == NULL || s->journal_path == NULL || rc != 0) {
		fetch_state_free(&s);
		return ZP_ENOMEM;
	}
	sprintf(s->journal_path, "%s.journal", path);
	if ((rc = open_files(s, why)) != 0) {
		fetch_state_free(&s);
		return rc;
	}
	*out = s;
	return 0;
}

/* fetch_state_free closes the journal and frees s. */
void
fetch_state_free(struct fetch_state **sp)
{
	struct fetch_state *s;
	size_t i;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	if (s->fd >= 0)
		close(s->fd);
	for (i = 0; i < s->n_tasks; i++) {
		free(s->tasks[i].account);
		free(s->tasks[i].path);
	}
	free(s->tasks);
	zp_keys_free(&s->index);
	free(s->marks);
	free(s->path);
	free(s->journal_path);
	free(s);
	*sp = NULL;
}

/* fetch_state_watermark returns the watermark of account and stream. */
long
fetch_state_watermark(
    const struct fetch_state *s, const char *account, enum fetch_stream st)
{
	size_t i;

	for (i = 0; i < s->n_marks; i++)
		if (s->marks[i].stream == st &&
		    strcmp(s->marks[i].account, account) == 0)
			return s->marks[i].day;
	return -1;
}

/* fetch_state_set_watermark records day for account and stream. */
int
fetch_state_set_watermark(
    struct fetch_state *s, const char *account, enum fetch_stream st, long day)
{
	return add_mark(s, account, st, day);
}

/* fetch_state_set_resume records when a stopped run may resume. */
int
fetch_state_set_resume(struct fetch_state *s, const char *when)
{
	snprintf(s->resume, sizeof(s->resume), "%s", when);
	return 0;
}

/* state_json writes the state file's text into b. */
static int
state_json(const struct fetch_state *s, struct zp_buf *b)
{
	struct zp_jw w;
	char day[11];
	size_t i, j;

	zp_jw_init(&w, b);
	zp_jw_object(&w);
	zp_jw_key(&w, "v");
	zp_jw_int(&w, 1);
	zp_jw_key(&w, "accounts");
	zp_jw_object(&w);
	for (i = 0; i < s->n_marks; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(s->marks[j].account, s->marks[i].account) ==
			    0)
				break;
		if (j < i)
			continue; /* written with its first mark */
		zp_jw_key(&w, s->marks[i].account);
		zp_jw_object(&w);
		for (j = i; j < s->n_marks; j++) {
			if (strcmp(s->marks[j].account, s->marks[i].account))
				continue;
			fetch_day_format(s->marks[j].day, day);
			zp_jw_key(&w, fetch_stream_name(s->marks[j].stream));
			zp_jw_str(&w, day);
		}
		zp_jw_end(&w);
	}
	zp_jw_end(&w);
	zp_jw_key(&w, "resume_after");
	zp_jw_str(&w, s->resume);
	zp_jw_end(&w);
	if (zp_jw_finish(&w) != 0)
		return ZP_ENOMEM;
	return zp_buf_putc(b, '\n');
}

/* fetch_state_save writes the state file atomically. */
int
fetch_state_save(struct fetch_state *s, struct zp_buf *why)
{
	struct zp_buf b = ZP_BUF_INIT;
	int rc = state_json(s, &b);

	if (rc == 0)
		rc = zp_file_write_atomic(s->path, b.data, b.len, 0644, NULL);
	if (rc != 0)
		zp_buf_printf(
		    why, "%s: cannot write: %s", s->path, zp_strerror(rc));
	zp_buf_release(&b);
	return rc;
}

/* fetch_state_pending reports the unfinished run of the journal. */
int
fetch_state_pending(
    const struct fetch_state *s, long *since, long *until, unsigned *streams)
{
	if (!s->pending)
		return 0;
	*since = s->since;
	*until = s->until;
	*streams = s->streams;
	return 1;
}

/* fetch_state_replay calls fn for every task of the journal. */
int
fetch_state_replay(const struct fetch_state *s,
    int (*fn)(void *arg, const char *account, enum fetch_kind kind,
	const char *path, int done),
    void *arg)
{
	size_t i;
	int rc;

	for (i = 0; i < s->n_tasks; i++) {
		rc = fn(arg, s->tasks[i].account, s->tasks[i].kind,
		    s->tasks[i].path, s->tasks[i].done);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* append writes one line to the journal, opening it if needed. */
static int
append(struct fetch_state *s, const struct zp_buf *line)
{
	if (s->fd < 0)
		s->fd = open(s->journal_path,
		    O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (s->fd < 0)
		return ZP_EIO;
	return write_all(s->fd, line->data, line->len);
}

/* fetch_state_begin starts a new journal for a run. */
int
fetch_state_begin(
    struct fetch_state *s, long since, long until, unsigned streams)
{
	struct zp_buf b = ZP_BUF_INIT;
	char f[11], t[11];
	int rc;

	if (s->fd >= 0)
		close(s->fd);
	s->fd = open(s->journal_path,
	    O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (s->fd < 0)
		return ZP_EIO;
	fetch_day_format(since, f);
	fetch_day_format(until, t);
	rc = zp_buf_printf(&b,
	    "{\"t\":\"run\",\"since\":\"%s\",\"until\":\"%s\","
	    "\"streams\":%u}\n",
	    f, t, streams);
	if (rc == 0)
		rc = append(s, &b);
	zp_buf_release(&b);
	return rc;
}

/* event writes an add or done line. */
static int
event(struct fetch_state *s, const char *t, const char *account,
    const char *kind, const char *path)
{
	struct zp_buf b = ZP_BUF_INIT;
	struct zp_jw w;
	int rc;

	zp_jw_init(&w, &b);
	zp_jw_object(&w);
	zp_jw_key(&w, "t");
	zp_jw_str(&w, t);
	zp_jw_key(&w, "a");
	zp_jw_str(&w, account);
	if (kind != NULL) {
		zp_jw_key(&w, "k");
		zp_jw_str(&w, kind);
	}
	zp_jw_key(&w, "p");
	zp_jw_str(&w, path);
	zp_jw_end(&w);
	rc = zp_jw_finish(&w);
	if (rc == 0)
		rc = zp_buf_putc(&b, '\n');
	if (rc == 0)
		rc = append(s, &b);
	zp_buf_release(&b);
	return rc;
}

/* fetch_state_add journals a new task. */
int
fetch_state_add(struct fetch_state *s, const char *account,
    enum fetch_kind kind, const char *path)
{
	return event(s, "add", account, fetch_kind_info(kind)->name, path);
}

/* fetch_state_done journals a finished task. */
int
fetch_state_done(struct fetch_state *s, const char *account, const char *path)
{
	return event(s, "done", account, NULL, path);
}

/* fetch_state_sync makes the journal durable. */
int
fetch_state_sync(struct fetch_state *s)
{
	if (s->fd >= 0 && fsync(s->fd) != 0)
		return ZP_EIO;
	return 0;
}

/* fetch_state_finish saves the state file, then removes the journal. */
int
fetch_state_finish(struct fetch_state *s, struct zp_buf *why)
{
	int rc = fetch_state_save(s, why);

	if (rc != 0)
		return rc;
	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
	if (unlink(s->journal_path) != 0 && errno != ENOENT) {
		zp_buf_printf(why, "%s: cannot remove", s->journal_path);
		return ZP_EIO;
	}
	return 0;
}
