/*
 * crawl.c - the engine of zp-fetch.
 *
 * One thread.  Tasks wait in one queue per rate-limit category (or in
 * `later` until a retry's backoff is over); each turn of the loop sends
 * as many as the limiter and the concurrency allow (libcurl multi), then
 * handles whatever answered:
 *
 *   2xx with JSON   write the page envelope, add the tasks its items lead
 *                   to, follow next_page_token or mark the task done
 *   transport error, 5xx, a 2xx whose JSON is cut short
 *                   retry with exponential backoff and jitter
 *   401 code 124    renew the token, retry
 *   429 QPS         pause the category for Retry-After, retry
 *   429 Daily-limit stop the category; its tasks stay open for next run
 *   code 3001, 3161, 12702, 1001
 *                   skip the item (a warning and a count)
 *   code 300 on a page token
 *                   ask the page before again with its own token, or
 *                   restart the listing from its first page once the
 *                   tokens are old enough to have expired
 *   code 4700/4711  a missing scope: the stream fails, others go on
 *   anything else   a per-item error; the task stays open in the journal
 *
 * Loop guards: a page token that comes back unchanged, or more pages than
 * the listing's total_records announced, ends the listing with a warning.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "crypto.h"
#include "envelope.h"
#include "error.h"
#include "fetch.h"
#include "keys.h"
#include "log.h"
#include "plan.h"
#include "signals.h"
#include "transport.h"
#include "url.h"

#define PAGE_SIZE 300
#define MAX_RENEWALS 3 /* token renewals for one request */
#define MAX_RESTARTS 10 /* restarts of a listing that get it no further */
#define PAGE_TOKEN_TTL 900 /* Zoom: a next_page_token lasts 15 minutes */
#define MAX_THROTTLED 100 /* QPS 429s one request may meet */
#define IDLE_MS 200 /* longest wait of one turn */

/* A next_page_token and when it came. */
struct page_token {
	char *s;
	double at;
};

/* One task: a listing being paged through, or a single GET. */
struct task {
	enum fetch_kind kind;
	size_t account;
	char *path; /* below the API base, without next_page_token */
	char *token; /* the next_page_token to send, or NULL */
	double token_at; /* when token came */
	struct page_token *used; /* the tokens that fetched pages 2..pages */
	size_t n_used, cap_used;
	long pages; /* pages written */
	long best; /* the most pages any pass of the listing reached */
	int attempts; /* failed tries of the current page */
	int renewals;
	int restarts;
	int throttled;
	double not_before;
	struct task *next;
};

/* A FIFO of tasks. */
struct queue {
	struct task *head, *tail;
	size_t n;
};

/* One request in flight. */
struct flight {
	struct task *task;
	struct zp_http_response rs;
	enum fetch_category cat;
	unsigned long token_gen; /* the account's renewals when sent */
	struct zp_buf sent_path; /* the path as sent, with /v2 and query */
	int used;
};

/* The crawl. */
struct crawl {
	const struct fetch_config *cfg;
	const struct fetch_plan *plan;
	struct fetch_accounts *accts;
	struct zp_out *out;
	struct fetch_state *st;
	struct fetch_save *sv;
	struct fetch_stats *stats;
	struct fetch_limiter *lim;
	struct zp_http_multi *multi;
	struct zp_http *auth_http;
	struct zp_keys *seen;
	struct queue ready[FETCH_NCAT];
	struct queue later;
	struct flight *flights;
	size_t inflight;
	long cat_inflight[FETCH_NCAT];
	size_t adding_account; /* the account add_task files tasks under */
	int journal_adds; /* add_task journals (not while resuming) */
	unsigned open_streams; /* streams with tasks left open */
	int fatal; /* a failure that ends the crawl */
	int token_failures; /* token requests failed in a row */
	int rr;
	double started, last_progress;
	struct zp_arena arena;
	struct zp_json_parser parser;
	struct zp_buf env, url, hdr, why, key;
};

/* --- time and small helpers ------------------------------------------ */

/* mono is CLOCK_MONOTONIC in seconds. */
static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* jitter is a uniform draw from [0.5, 1). */
static double
jitter(void)
{
	uint32_t r = 0;

	zp_random_bytes(&r, sizeof(r));
	return 0.5 + (double)r / 4294967296.0 / 2;
}

/* push_back and push_front file t in q; pop takes the head. */
static void
push_back(struct queue *q, struct task *t)
{
	t->next = NULL;
	if (q->tail != NULL)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
	q->n++;
}

static void
push_front(struct queue *q, struct task *t)
{
	t->next = q->head;
	q->head = t;
	if (q->tail == NULL)
		q->tail = t;
	q->n++;
}

static struct task *
pop(struct queue *q)
{
	struct task *t = q->head;

	if (t == NULL)
		return NULL;
	q->head = t->next;
	if (q->head == NULL)
		q->tail = NULL;
	q->n--;
	t->next = NULL;
	return t;
}

/* forget_used frees the tokens t has used. */
static void
forget_used(struct task *t)
{
	while (t->n_used > 0)
		free(t->used[--t->n_used].s);
}

/* task_free frees t. */
static void
task_free(struct task *t)
{
	if (t == NULL)
		return;
	forget_used(t);
	free(t->used);
	free(t->path);
	free(t->token);
	free(t);
}

/* account_of is the account of t. */
static struct fetch_account *
account_of(struct crawl *c, const struct task *t)
{
	return &c->accts->v[t->account];
}

/* cat_of is the rate-limit category of t. */
static enum fetch_category
cat_of(const struct task *t)
{
	return fetch_kind_info(t->kind)->category;
}

/* stream_of is the stream of t. */
static enum fetch_stream
stream_of(const struct task *t)
{
	return fetch_kind_info(t->kind)->stream;
}

/* failed tells whether t's stream has failed. */
static int
failed(const struct crawl *c, const struct task *t)
{
	return (c->stats->failed_streams >> stream_of(t)) & 1;
}

/* --- adding tasks ---------------------------------------------------- */

/* new_task files a task of kind for path under account in its queue. */
static int
new_task(
    struct crawl *c, size_t account, enum fetch_kind kind, const char *path)
{
	struct task *t = calloc(1, sizeof(*t));

	if (t == NULL || (t->path = strdup(path)) == NULL) {
		free(t);
		return ZP_ENOMEM;
	}
	t->kind = kind;
	t->account = account;
	push_back(&c->ready[cat_of(t)], t);
	c->stats->tasks_total++;
	return 0;
}

/* seen_before records account+path and tells whether it was known. */
static int
seen_before(struct crawl *c, const char *account, const char *path)
{
	zp_buf_reset(&c->key);
	if (zp_buf_printf(&c->key, "%s\t%s", account, path) != 0)
		return ZP_ENOMEM;
	if (zp_keys_get(c->seen, c->key.data) >= 0)
		return 1;
	return zp_keys_put(c->seen, c->key.data, 0);
}

/* add_task is the plan's callback: a task for the account being added,
 * unless this run has it already.  A task of a stream that failed this
 * run is journaled all the same and left open, so that the next run,
 * resuming the journal, has it: a users page that comes in after the
 * stream failed would otherwise take its users' tasks of that stream
 * out of every later run. */
static int
add_task(void *arg, enum fetch_kind kind, const char *path)
{
	struct crawl *c = arg;
	const char *name = c->accts->v[c->adding_account].name;
	int rc;

	if ((rc = seen_before(c, name, path)) != 0)
		return rc < 0 ? rc : 0;
	if (c->st != NULL && c->journal_adds &&
	    (rc = fetch_state_add(c->st, name, kind, path)) != 0)
		return rc;
	if ((c->stats->failed_streams >> fetch_kind_info(kind)->stream) & 1)
		return 0;
	return new_task(c, c->adding_account, kind, path);
}

/* resume_task files one open task of the journal; a done one is only
 * remembered, so that the pages of open tasks do not bring it back. */
static int
resume_task(void *arg, const char *account, enum fetch_kind kind,
    const char *path, int done)
{
	struct crawl *c = arg;
	size_t i;
	int rc;

	if (done) {
		rc = seen_before(c, account, path);
		return rc < 0 ? rc : 0;
	}
	for (i = 0; i < c->accts->n; i++)
		if (strcmp(c->accts->v[i].name, account) == 0)
			break;
	if (i == c->accts->n) {
		zp_warn("the journal names account %s, which is not "
			"configured: its open tasks are left for later",
		    account);
		return 0;
	}
	c->adding_account = i;
	return add_task(c, kind, path);
}

/* --- sending --------------------------------------------------------- */

/* base_path is the path part of an API base URL ("/v2"). */
static const char *
base_path(const char *api_url)
{
	const char *p = strstr(api_url, "://");

	p = p != NULL ? strchr(p + 3, '/') : NULL;
	return p != NULL ? p : "";
}

/* build_url writes the URL of t's next request into c->url. */
static int
build_url(struct crawl *c, const struct task *t)
{
	int rc;

	zp_buf_reset(&c->url);
	rc = zp_http_url_join(&c->url, account_of(c, t)->api_url, t->path);
	if (rc == 0 && t->token != NULL)
		rc = zp_url_query_add(&c->url, "next_page_token", t->token);
	return rc;
}

/* free_flight finds an unused flight slot. */
static struct flight *
free_flight(struct crawl *c)
{
	long i;

	for (i = 0; i < c->cfg->concurrency; i++)
		if (!c->flights[i].used)
			return &c->flights[i];
	return NULL;
}

/* ensure_token renews t's account token when needed; 0 or an error
 * that ends the crawl (credentials refused) or delays t. */
static int
ensure_token(struct crawl *c, struct task *t, double now, int force)
{
	struct fetch_account *a = account_of(c, t);
	int rc;

	zp_buf_reset(&c->why);
	rc = fetch_auth_token(a, c->auth_http, now, force, &c->why);
	if (rc == 0) {
		c->token_failures = 0;
		return 0;
	}
	if (c->why.len > 0)
		zp_error("cannot get an access token: %s", c->why.data);
	else
		zp_error("account %s: cannot get an access token: %s", a->name,
		    zp_strerror(rc));
	if (rc == ZP_EAUTH || rc == ZP_ESECRET || rc == ZP_ECONFIG) {
		c->stats->auth_failed = 1;
		c->fatal = rc;
	} else if (++c->token_failures >= c->cfg->max_attempts) {
		zp_error("the token endpoint failed %d times in a row: giving "
			 "up",
		    c->token_failures);
		c->stats->unreachable = 1;
		c->fatal = rc;
	}
	return rc;
}

/* send_task starts t's next request. */
static int
send_task(struct crawl *c, struct task *t, double now)
{
	struct flight *f = free_flight(c);
	struct fetch_account *a = account_of(c, t);
	const char *hdrs[2];
	struct zp_http_request rq = {0};
	int rc;

	if (f == NULL)
		return ZP_ETOOBIG;
	if ((rc = build_url(c, t)) != 0 ||
	    (rc = fetch_auth_header(a, &c->hdr)) != 0)
		return rc;
	hdrs[0] = c->hdr.data;
	hdrs[1] = "Accept: application/json";
	rq.method = "GET";
	rq.url = c->url.data;
	rq.headers = hdrs;
	rq.n_headers = 2;
	rq.timeout_ms = c->cfg->timeout_ms;
	rq.connect_timeout_ms = 10000;
	zp_buf_reset(&f->sent_path);
	if ((rc = zp_buf_puts(&f->sent_path, base_path(c->url.data))) != 0)
		return rc;
	if ((rc = zp_http_multi_add(c->multi, &rq, &f->rs, f)) != 0)
		return rc;
	f->used = 1;
	f->task = t;
	f->cat = cat_of(t);
	f->token_gen = a->renewals;
	c->inflight++;
	c->cat_inflight[f->cat]++;
	c->stats->requests++;
	fetch_limiter_take(c->lim, f->cat, now);
	return 0;
}

/* retry_later files t to be tried again after delay seconds. */
static void
retry_later(struct crawl *c, struct task *t, double now, double delay)
{
	t->not_before = now + delay;
	push_back(&c->later, t);
}

static void daily_stop(
    struct crawl *c, enum fetch_category cat, const char *retry_after);
static double backoff_wait(const struct fetch_config *cfg, int attempts);

/* dispatch_category sends what category cat may send now. */
static void
dispatch_category(struct crawl *c, enum fetch_category cat, double now)
{
	struct task *t;
	int rc;

	if (c->ready[cat].n > 0 && fetch_limiter_spent(c->lim, cat))
		daily_stop(c, cat, NULL);
	while (c->inflight < (size_t)c->cfg->concurrency && !c->fatal &&
	    c->ready[cat].n > 0 && fetch_limiter_wait(c->lim, cat, now) == 0) {
		t = pop(&c->ready[cat]);
		if (failed(c, t)) {
			task_free(t);
			continue;
		}
		if (ensure_token(c, t, now, 0) != 0) {
			if (c->fatal) {
				push_front(&c->ready[cat], t);
				return;
			}
			retry_later(c, t, now,
			    backoff_wait(c->cfg, c->token_failures));
			continue;
		}
		if ((rc = send_task(c, t, now)) != 0) {
			zp_error(
			    "cannot start a request: %s", zp_strerror(rc));
			push_front(&c->ready[cat], t);
			c->fatal = rc;
			return;
		}
	}
}

/* dispatch gives every category its turn, starting with a different one
 * each time. */
static void
dispatch(struct crawl *c, double now)
{
	struct queue waiting;
	struct task *t;
	int i;

	/* Tasks whose backoff is over go back to the head of their queue. */
	waiting = c->later;
	c->later = (struct queue) {NULL, NULL, 0};
	while ((t = pop(&waiting)) != NULL) {
		if (t->not_before > now)
			push_back(&c->later, t);
		else
			push_front(&c->ready[cat_of(t)], t);
	}
	for (i = 0; i < FETCH_NCAT; i++)
		dispatch_category(c, (c->rr + i) % FETCH_NCAT, now);
	c->rr++;
}

/* --- answers --------------------------------------------------------- */

/* describe writes a short name of t for logs: its kind and path, which
 * holds ids and dates but never a secret. */
static const char *
describe(struct crawl *c, const struct task *t)
{
	zp_buf_reset(&c->why);
	zp_buf_printf(&c->why, "%s %s", account_of(c, t)->name, t->path);
	return c->why.data != NULL ? c->why.data : "";
}

/* task_done records that t has all its pages out. */
static int
task_done(struct crawl *c, struct task *t)
{
	int rc = 0;

	if (c->st != NULL) {
		/* The pages must be out before the journal says so. */
		if ((rc = zp_out_flush(c->out)) == 0)
			rc = fetch_state_done(
			    c->st, account_of(c, t)->name, t->path);
	}
	c->stats->tasks_done++;
	task_free(t);
	if (rc != 0 && !c->fatal) {
		zp_error("cannot record progress: %s", zp_strerror(rc));
		c->fatal = rc;
	}
	return rc;
}

/* task_error gives up on t for this run: it stays open in the journal so
 * that the next run tries again. */
static void task_error(struct crawl *c, struct task *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
task_error(struct crawl *c, struct task *t, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	zp_error("%s: %s (left for the next run)", describe(c, t), what);
	c->stats->errors++;
	c->open_streams |= 1u << stream_of(t);
	task_free(t);
}

/* backoff_wait is the jittered wait before try number attempts + 1. */
static double
backoff_wait(const struct fetch_config *cfg, int attempts)
{
	double wait =
	    cfg->backoff_base * pow(2, attempts > 0 ? attempts - 1 : 0);

	if (wait > cfg->backoff_max)
		wait = cfg->backoff_max;
	return wait * jitter();
}

/* backoff retries t after an exponential, jittered wait, or gives up. */
static void
backoff(
    struct crawl *c, struct task *t, double now, const char *why, long status)
{
	double wait;

	t->attempts++;
	if (t->attempts >= c->cfg->max_attempts) {
		if (status == 0 && c->stats->pages == 0)
			c->stats->unreachable = 1;
		task_error(c, t, "%s (status %ld); gave up after %d tries",
		    why, status, t->attempts);
		return;
	}
	wait = backoff_wait(c->cfg, t->attempts);
	c->stats->retries++;
	zp_info("retry %s status=%ld attempt=%d wait=%.1fs: %s",
	    fetch_kind_info(t->kind)->name, status, t->attempts + 1, wait,
	    why);
	retry_later(c, t, now, wait);
}

/* zoom_error reads Zoom's {"code":N,"message":"..."} from a body. */
static long
zoom_error(struct crawl *c, const struct zp_buf *body, char *msg, size_t cap)
{
	const struct zp_json *code, *m;
	struct zp_json *root;
	long n = -1;

	msg[0] = '\0';
	zp_arena_reset(&c->arena);
	if (body->len == 0 ||
	    zp_json_parse(&c->parser, body->data, body->len, &root) != 0 ||
	    root->type != ZP_JSON_OBJECT)
		return -2; /* not JSON */
	code = zp_json_get(root, "code");
	if (code != NULL && code->type == ZP_JSON_NUMBER)
		n = strtol(code->u.s, NULL, 10);
	m = zp_json_get(root, "message");
	if (m != NULL && m->type == ZP_JSON_STRING)
		snprintf(msg, cap, "%.*s", (int)m->n, m->u.s);
	return n;
}

/* scope_of finds the scope a 4700 message names: "Invalid access token,
 * does not contain role:read:admin scope." or "...scopes:[x]". */
static void
scope_of(const char *msg, char *out, size_t cap)
{
	const char *p = strstr(msg, "does not contain ");
	size_t n = 0;

	snprintf(out, cap, "(not named by Zoom)");
	if (p != NULL) {
		p += strlen("does not contain ");
		if (strncmp(p, "scopes:", 7) == 0)
			p += 7;
		p += strspn(p, " [");
		n = strcspn(p, " ]");
	}
	if (n > 0)
		snprintf(out, cap, "%.*s", (int)n, p);
}

/* fail_stream ends t's stream for this run, naming the missing scope. */
static void
fail_stream(struct crawl *c, struct task *t, long code, const char *msg)
{
	char scope[256];
	enum fetch_stream s = stream_of(t);

	if (!((c->stats->failed_streams >> s) & 1)) {
		scope_of(msg, scope, sizeof(scope));
		zp_error("stream %s failed: the app lacks the scope %s "
			 "(Zoom code %ld: %s)",
		    fetch_stream_name(s), scope, code, msg);
	}
	c->stats->failed_streams |= 1u << s;
	task_free(t);
}

/* daily_stop stops category cat: its tasks wait for the next run. */
static void
daily_stop(struct crawl *c, enum fetch_category cat, const char *retry_after)
{
	time_t midnight = (time(NULL) / 86400 + 1) * 86400;
	struct tm tm;

	if (fetch_limiter_stopped(c->lim, cat))
		return;
	fetch_limiter_stop(c->lim, cat);
	c->stats->daily_stopped = 1;
	if (retry_after != NULL && *retry_after != '\0' &&
	    strlen(retry_after) < sizeof(c->stats->resume_after))
		snprintf(c->stats->resume_after,
		    sizeof(c->stats->resume_after), "%s", retry_after);
	else if (c->stats->resume_after[0] == '\0') {
		gmtime_r(&midnight, &tm);
		strftime(c->stats->resume_after,
		    sizeof(c->stats->resume_after), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	zp_warn("daily limit of the %s category reached: its requests stop "
		"here; run again with the same --state after %s",
	    fetch_category_name(cat), c->stats->resume_after);
}

/* retry_after_seconds reads a Retry-After in seconds (default 1). */
static double
retry_after_seconds(const char *v)
{
	char *end;
	double s;

	if (v == NULL)
		return 1;
	s = strtod(v, &end);
	return end != v && *end == '\0' && s >= 0 && s < 3600 ? s : 1;
}

/* on_throttled handles a 429: a pause and a retry, or a daily stop. */
static void
on_throttled(struct crawl *c, struct flight *f, double now)
{
	const char *type = zp_http_header(&f->rs, "X-RateLimit-Type");
	const char *after = zp_http_header(&f->rs, "Retry-After");
	struct task *t = f->task;

	c->stats->throttled++;
	if (type != NULL && strcmp(type, "Daily-limit") == 0) {
		daily_stop(c, f->cat, after);
		push_front(&c->ready[f->cat], t);
		return;
	}
	if (++t->throttled > MAX_THROTTLED) {
		task_error(c, t, "throttled (429) %d times", t->throttled);
		return;
	}
	fetch_limiter_pause(c->lim, f->cat, now, retry_after_seconds(after));
	zp_info("retry %s status=429 wait=%.1fs",
	    fetch_kind_info(t->kind)->name, retry_after_seconds(after));
	push_front(&c->ready[f->cat], t);
}

/* on_unauthorized renews the token (unless another answer already did)
 * and retries. */
static void
on_unauthorized(struct crawl *c, struct flight *f, long code, double now)
{
	struct task *t = f->task;

	if (code != 124 || ++t->renewals > MAX_RENEWALS) {
		task_error(c, t, "401 %s (Zoom code %ld)",
		    code == 124 ? "after renewing the token" : "unauthorized",
		    code);
		return;
	}
	if (account_of(c, t)->renewals == f->token_gen) {
		if (ensure_token(c, t, now, 1) != 0) {
			push_front(&c->ready[f->cat], t);
			return;
		}
		c->stats->token_renewals++;
	}
	push_front(&c->ready[f->cat], t);
}

/*
 * restart_listing goes on with t after Zoom refused its page token (code
 * 300).  A token lives 15 minutes (DESIGN.md, Facts): one refused sooner
 * was not expired, and the token that fetched the page before, seconds
 * ago, is asked again for that page and a new token (and if it is refused
 * too, the one before it).  Once the tokens are that old, or there is no
 * page before, or at the last restart allowed (Zoom may have dropped
 * every token of the listing), it starts over from its first page.
 * Starting over at every refusal would let a listing of n pages end only
 * after n answers in a row without one, which a long listing may never
 * see.  Only restarts that get the listing no further than before count
 * towards MAX_RESTARTS (on_page resets them).
 */
static void
restart_listing(struct crawl *c, struct task *t, const char *msg, double now)
{
	struct page_token *back;

	if (++t->restarts > MAX_RESTARTS) {
		task_error(c, t,
		    "the page token expired %d times without the listing "
		    "getting further than page %ld",
		    t->restarts, t->best);
		return;
	}
	free(t->token);
	t->token = NULL;
	back = t->n_used > 0 ? &t->used[t->n_used - 1] : NULL;
	if (back != NULL && t->restarts < MAX_RESTARTS &&
	    now - back->at < PAGE_TOKEN_TTL) {
		t->token = back->s;
		t->token_at = back->at;
		t->n_used--;
		t->pages--;
		zp_warn("%s: %s: restarting the listing at page %ld",
		    describe(c, t), msg, t->pages + 1);
	} else {
		forget_used(t);
		t->pages = 0;
		zp_warn("%s: %s: restarting the listing", describe(c, t), msg);
	}
	t->attempts = 0;
	c->stats->listings_restarted++;
	push_front(&c->ready[cat_of(t)], t);
}

/* on_client_error handles a 4xx other than 401 and 429. */
static void
on_client_error(struct crawl *c, struct flight *f, double now)
{
	const char *content_type;
	struct task *t = f->task;
	char msg[512];
	long code = zoom_error(c, &f->rs.body, msg, sizeof(msg));

	if (code == 4700 || code == 4711) {
		fail_stream(c, t, code, msg);
	} else if (code == 3001 || code == 3161 || code == 12702 ||
	    code == 1001) {
		zp_warn("skip %s: %d code %ld: %s", describe(c, t),
		    f->rs.status, code, msg);
		c->stats->skipped++;
		task_done(c, t);
	} else if (code == 300 && t->token != NULL &&
	    strstr(msg, "next page token") != NULL) {
		restart_listing(c, t, msg, now);
	} else if (code == -2) {
		content_type = zp_http_header(&f->rs, "Content-Type");
		task_error(c, t, "HTTP %d with a body that is not JSON (%s)",
		    f->rs.status, content_type ? content_type : "no type");
	} else {
		task_error(c, t, "HTTP %d, Zoom code %ld: %s", f->rs.status,
		    code, msg);
	}
}

/* endpoint_of writes the endpoint template of t, with the base path. */
static int
endpoint_of(struct crawl *c, const struct task *t, struct zp_buf *out)
{
	zp_buf_reset(out);
	if (zp_buf_puts(out, base_path(account_of(c, t)->api_url)) != 0)
		return ZP_ENOMEM;
	return zp_buf_puts(out, fetch_kind_info(t->kind)->endpoint);
}

/* write_page writes the envelope of one page. */
static int
write_page(struct crawl *c, struct flight *f)
{
	struct zp_buf endpoint = ZP_BUF_INIT;
	struct zp_env_new n = {0};
	int rc;

	if ((rc = endpoint_of(c, f->task, &endpoint)) != 0)
		goto out;
	n.kind = "page";
	n.account = account_of(c, f->task)->name;
	n.method = "GET";
	n.path = f->sent_path.data;
	n.endpoint = endpoint.data;
	n.status = f->rs.status;
	n.body.p = f->rs.body.data;
	n.body.n = f->rs.body.len;
	zp_buf_reset(&c->env);
	if ((rc = zp_env_build(&c->env, &n)) != 0)
		goto out;
	if ((rc = zp_out_write(c->out, c->env.data, c->env.len)) != 0) {
		c->stats->output_failed = 1;
		goto out;
	}
	if (c->sv != NULL &&
	    (rc = fetch_save_put(c->sv, c->env.data, c->env.len)) != 0)
		zp_error("--save: %s", zp_strerror(rc));
	c->stats->pages++;
out:
	zp_buf_release(&endpoint);
	return rc;
}

/* next_token reads next_page_token and total_records of a page; returns
 * the token (in the arena) or NULL, and the pages announced in *expect
 * (-1 when unknown). */
static const struct zp_json *
next_token(const struct zp_json *root, long *expect)
{
	const struct zp_json *tok = zp_json_get(root, "next_page_token");
	const struct zp_json *total = zp_json_get(root, "total_records");
	const struct zp_json *size = zp_json_get(root, "page_size");
	long n, per = PAGE_SIZE;

	*expect = -1;
	if (total != NULL && total->type == ZP_JSON_NUMBER) {
		n = strtol(total->u.s, NULL, 10);
		if (size != NULL && size->type == ZP_JSON_NUMBER)
			per = strtol(size->u.s, NULL, 10);
		if (per > 0)
			*expect = (n + per - 1) / per;
	}
	if (tok == NULL || tok->type != ZP_JSON_STRING || tok->n == 0)
		return NULL;
	return tok;
}

/* keep_used remembers the token that fetched t's last page, if any. */
static int
keep_used(struct task *t)
{
	struct page_token *v;
	size_t cap;

	if (t->token == NULL)
		return 0;
	if (t->n_used == t->cap_used) {
		cap = t->cap_used > 0 ? t->cap_used * 2 : 8;
		v = realloc(t->used, cap * sizeof(*v));
		if (v == NULL)
			return ZP_ENOMEM;
		t->used = v;
		t->cap_used = cap;
	}
	t->used[t->n_used].s = t->token;
	t->used[t->n_used].at = t->token_at;
	t->n_used++;
	t->token = NULL;
	return 0;
}

/* follow decides whether t goes on to another page. */
static void
follow(struct crawl *c, struct task *t, const struct zp_json *root, double now)
{
	const struct zp_json *tok;
	long expect;
	char *next;

	tok =
	    fetch_kind_info(t->kind)->paged ? next_token(root, &expect) : NULL;
	if (tok == NULL) {
		task_done(c, t);
		return;
	}
	if (t->token != NULL && strlen(t->token) == tok->n &&
	    memcmp(t->token, tok->u.s, tok->n) == 0) {
		zp_warn("%s: the page token came back unchanged: ending the "
			"listing after %ld pages",
		    describe(c, t), t->pages);
		task_done(c, t);
		return;
	}
	if (expect >= 0 && t->pages >= (expect > 0 ? expect : 1)) {
		zp_warn("%s: more pages than the %ld announced: ending the "
			"listing",
		    describe(c, t), expect);
		task_done(c, t);
		return;
	}
	if ((next = malloc(tok->n + 1)) == NULL || keep_used(t) != 0) {
		free(next);
		task_error(c, t, "out of memory");
		return;
	}
	memcpy(next, tok->u.s, tok->n);
	next[tok->n] = '\0';
	t->token = next;
	t->token_at = now;
	t->attempts = t->renewals = t->throttled = 0;
	push_front(&c->ready[cat_of(t)], t);
}

/* on_page handles a 2xx answer. */
static void
on_page(struct crawl *c, struct flight *f, double now)
{
	struct task *t = f->task;
	struct zp_json *root;
	int rc;

	zp_arena_reset(&c->arena);
	if (zp_json_parse(
		&c->parser, f->rs.body.data, f->rs.body.len, &root) != 0) {
		backoff(c, t, now, "the body is not whole JSON", f->rs.status);
		return;
	}
	if ((rc = write_page(c, f)) != 0) {
		if (!c->fatal)
			zp_error("cannot write a page: %s", zp_strerror(rc));
		c->fatal = rc;
		push_front(&c->ready[cat_of(t)], t);
		return;
	}
	if (++t->pages > t->best) {
		t->best = t->pages;
		t->restarts = 0;
	}
	c->adding_account = t->account;
	c->journal_adds = 1;
	rc = fetch_plan_children(c->plan, t->kind, root, add_task, c);
	if (rc != 0) {
		zp_error("cannot add tasks: %s", zp_strerror(rc));
		c->fatal = rc;
		push_front(&c->ready[cat_of(t)], t);
		return;
	}
	follow(c, t, root, now);
}

/* learn applies the rate-limit headers of an answer. */
static void
learn(struct crawl *c, struct flight *f)
{
	const struct zp_http_response *rs = &f->rs;

	if (fetch_limiter_learn(c->lim, f->cat,
		zp_http_header(rs, "X-RateLimit-Type"),
		zp_http_header(rs, "X-RateLimit-Limit"),
		zp_http_header(rs, "X-RateLimit-Remaining"),
		c->cat_inflight[f->cat]) == 1)
		daily_stop(c, f->cat, NULL);
}

/* answered handles one finished request. */
static void
answered(struct crawl *c, struct flight *f, int rc, double now)
{
	int status = f->rs.status;
	char msg[512];

	f->used = 0;
	c->inflight--;
	c->cat_inflight[f->cat]--;
	if (rc != 0) {
		backoff(c, f->task, now,
		    f->rs.error[0] ? f->rs.error : zp_strerror(rc), status);
		return;
	}
	learn(c, f);
	if (status >= 200 && status < 300)
		on_page(c, f, now);
	else if (status == 429)
		on_throttled(c, f, now);
	else if (status == 401)
		on_unauthorized(
		    c, f, zoom_error(c, &f->rs.body, msg, sizeof(msg)), now);
	else if (status >= 500 || status == 408)
		backoff(c, f->task, now, "server error", status);
	else
		on_client_error(c, f, now);
}

/* --- the loop -------------------------------------------------------- */

/* queued counts the tasks waiting in categories that may still send. */
static size_t
queued(const struct crawl *c)
{
	size_t n = 0;
	struct task *t;
	int i;

	for (i = 0; i < FETCH_NCAT; i++)
		if (!fetch_limiter_stopped(c->lim, i))
			n += c->ready[i].n;
	for (t = c->later.head; t != NULL; t = t->next)
		if (!fetch_limiter_stopped(c->lim, cat_of(t)))
			n++;
	return n;
}

/* next_wake is how long the loop may sleep before something can go. */
static long
next_wake(struct crawl *c, double now)
{
	double wait = IDLE_MS / 1000.0, w;
	struct task *t;
	int i;

	for (i = 0; i < FETCH_NCAT; i++) {
		if (c->ready[i].n == 0)
			continue;
		w = fetch_limiter_wait(c->lim, i, now);
		if (w >= 0 && w < wait)
			wait = w;
	}
	for (t = c->later.head; t != NULL; t = t->next)
		if (t->not_before - now < wait)
			wait = t->not_before - now;
	if (c->inflight >= (size_t)c->cfg->concurrency)
		wait = IDLE_MS / 1000.0;
	return wait <= 0 ? 0 : (long)ceil(wait * 1000);
}

/* stream_counts writes " stream:N" for each stream with tasks waiting. */
static void
stream_counts(const struct crawl *c, char *out, size_t cap)
{
	unsigned long n[FETCH_NSTREAMS] = {0};
	const struct task *t;
	size_t len = 0;
	int i;

	for (i = 0; i < FETCH_NCAT; i++)
		for (t = c->ready[i].head; t != NULL; t = t->next)
			n[stream_of(t)]++;
	for (t = c->later.head; t != NULL; t = t->next)
		n[stream_of(t)]++;
	out[0] = '\0';
	for (i = 0; i < FETCH_NSTREAMS && len < cap; i++)
		if (n[i] > 0)
			len += (size_t)snprintf(out + len, cap - len,
			    " %s:%lu", fetch_stream_name(i), n[i]);
}

/* progress prints the status line on a terminal, once a second: totals,
 * rate, 429s, an ETA from the busiest category, and the tasks waiting
 * per stream. */
static void
progress(struct crawl *c, double now, int last)
{
	double eta = 0, e, rate;
	char streams[256];
	int i;

	if (!c->cfg->progress || (!last && now - c->last_progress < 1))
		return;
	c->last_progress = now;
	for (i = 0; i < FETCH_NCAT; i++) {
		rate = fetch_limiter_rate(c->lim, i);
		e = rate > 0 ? (double)c->ready[i].n / rate : 0;
		if (e > eta)
			eta = e;
	}
	stream_counts(c, streams, sizeof(streams));
	fprintf(stderr,
	    "\r\033[Kzp-fetch: %lu requests (%.0f/s), %lu pages, %lu/%lu "
	    "tasks, %lu throttled, %lu retries, ETA %.0fs, waiting%s%s",
	    c->stats->requests,
	    c->stats->requests / (now - c->started > 0 ? now - c->started : 1),
	    c->stats->pages, c->stats->tasks_done, c->stats->tasks_total,
	    c->stats->throttled, c->stats->retries, eta,
	    streams[0] ? streams : " none", last ? "\n" : "");
}

/* run turns the loop until no task can go on. */
static void
run(struct crawl *c)
{
	struct flight *f;
	void *tag;
	double now;
	int rc;

	for (;;) {
		now = mono();
		if (zp_interrupted() && !c->stats->interrupted) {
			c->stats->interrupted = 1;
			zp_warn("interrupted: finishing the requests in "
				"flight");
		}
		if (!c->stats->interrupted && !c->fatal)
			dispatch(c, now);
		if (c->inflight == 0 &&
		    (c->stats->interrupted || c->fatal || queued(c) == 0))
			break;
		if (zp_http_multi_wait(c->multi, next_wake(c, now)) != 0) {
			c->fatal = ZP_ETRANSPORT;
			break;
		}
		while (zp_http_multi_next(c->multi, &tag, &rc)) {
			f = tag;
			answered(c, f, rc, mono());
		}
		progress(c, now, 0);
	}
	progress(c, mono(), 1);
}

/* --- set-up and the end ---------------------------------------------- */

/* add_roots files the first tasks of every account. */
static int
add_roots(struct crawl *c)
{
	size_t i;
	int rc;

	c->journal_adds = 1;
	for (i = 0; i < c->accts->n; i++) {
		c->adding_account = i;
		if ((rc = fetch_plan_roots(c->plan, add_task, c)) != 0)
			return rc;
	}
	return 0;
}

/* start opens what the crawl needs and files its first tasks. */
static int
start(struct crawl *c, int resume)
{
	int rc;

	c->flights = calloc((size_t)c->cfg->concurrency, sizeof(*c->flights));
	if (c->flights == NULL)
		return ZP_ENOMEM;
	zp_json_parser_init(&c->parser, &c->arena);
	if ((rc = fetch_limiter_new(
		 &c->lim, c->cfg->plan, c->cfg->rate_share)) != 0 ||
	    (rc = zp_http_multi_new(&c->multi, (size_t)c->cfg->concurrency)) !=
		0 ||
	    (rc = zp_http_new(&c->auth_http)) != 0 ||
	    (rc = zp_keys_new(&c->seen)) != 0)
		return rc;
	if (resume) {
		c->journal_adds = 0;
		rc = fetch_state_replay(c->st, resume_task, c);
		c->journal_adds = 1;
		zp_info("resuming the unfinished run: %lu open tasks",
		    c->stats->tasks_total);
		return rc;
	}
	if (c->st != NULL &&
	    (rc = fetch_state_begin(c->st, c->plan->full.since,
		 c->plan->full.until, c->plan->streams)) != 0) {
		zp_error("cannot start the journal: %s", zp_strerror(rc));
		return rc;
	}
	return add_roots(c);
}

/* drain frees every task still queued, noting their streams as open. */
static void
drain(struct crawl *c)
{
	struct task *t;
	int i;

	for (i = 0; i < FETCH_NCAT; i++)
		while ((t = pop(&c->ready[i])) != NULL) {
			c->open_streams |= 1u << stream_of(t);
			task_free(t);
		}
	while ((t = pop(&c->later)) != NULL) {
		c->open_streams |= 1u << stream_of(t);
		task_free(t);
	}
}

/* finish_state moves the watermarks of a completed run, or keeps the
 * journal of an unfinished one. */
static int
finish_state(struct crawl *c)
{
	unsigned done = c->plan->streams & ~c->stats->failed_streams;
	size_t i;
	int s, rc = 0;

	if (c->st == NULL)
		return 0;
	zp_buf_reset(&c->why);
	if (c->open_streams != 0 || c->fatal || c->stats->interrupted) {
		if (c->stats->daily_stopped)
			fetch_state_set_resume(c->st, c->stats->resume_after);
		rc = fetch_state_sync(c->st);
		if (rc == 0)
			rc = fetch_state_save(c->st, &c->why);
	} else {
		for (i = 0; i < c->accts->n; i++)
			for (s = 0; s < FETCH_NSTREAMS; s++)
				if ((done >> s) & 1)
					fetch_state_set_watermark(c->st,
					    c->accts->v[i].name, s,
					    c->plan->full.until);
		fetch_state_set_resume(c->st, "");
		rc = fetch_state_finish(c->st, &c->why);
	}
	if (rc != 0)
		zp_error("%s", c->why.len ? c->why.data : zp_strerror(rc));
	return rc;
}

/* cleanup frees what start made. */
static void
cleanup(struct crawl *c)
{
	long i;

	drain(c);
	for (i = 0; c->flights != NULL && i < c->cfg->concurrency; i++) {
		if (c->flights[i].used)
			task_free(c->flights[i].task);
		zp_http_response_release(&c->flights[i].rs);
		zp_buf_release(&c->flights[i].sent_path);
	}
	zp_http_multi_free(&c->multi);
	free(c->flights);
	fetch_limiter_free(&c->lim);
	zp_http_free(&c->auth_http);
	zp_keys_free(&c->seen);
	zp_json_parser_release(&c->parser);
	zp_arena_release(&c->arena);
	zp_buf_release(&c->env);
	zp_buf_release(&c->url);
	zp_buf_release(&c->hdr);
	zp_buf_release(&c->why);
	zp_buf_release(&c->key);
}

/* cpu_seconds is the CPU time this process used so far. */
static double
cpu_seconds(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* fetch_crawl runs a whole crawl. */
int
fetch_crawl(const struct fetch_config *cfg, const struct fetch_plan *plan,
    struct fetch_accounts *accts, struct zp_out *out, struct fetch_state *st,
    int resume, struct fetch_save *sv, struct fetch_stats *stats)
{
	struct crawl c;
	int rc;

	memset(&c, 0, sizeof(c));
	memset(stats, 0, sizeof(*stats));
	c.cfg = cfg;
	c.plan = plan;
	c.accts = accts;
	c.out = out;
	c.st = st;
	c.sv = sv;
	c.stats = stats;
	c.started = c.last_progress = mono();
	zp_log_status_line(cfg->progress);
	if ((rc = start(&c, resume)) != 0) {
		zp_error("cannot start the crawl: %s", zp_strerror(rc));
		c.fatal = rc;
	} else {
		run(&c);
	}
	zp_log_status_line(0);
	drain(&c);
	if (zp_out_flush(out) != 0)
		stats->output_failed = 1;
	stats->seconds = mono() - c.started;
	stats->cpu_seconds = cpu_seconds();
	if (!(c.fatal && stats->tasks_done == 0 && stats->pages == 0))
		finish_state(&c);
	rc = c.fatal;
	cleanup(&c);
	return rc;
}
