/*
 * routes.c - the Zoom API v2 endpoints of zp-sim: which path is which
 * endpoint and rate-limit category, the checks Zoom makes on parameters,
 * and Zoom's answers when they fail.  render.c writes the entities,
 * pages.c keeps the next_page_token store.
 *
 * Every answer is a pure function of the org, the request and the
 * simulated clock (rq->now), except that a next_page_token expires after
 * cfg.page_token_ttl seconds of real time.  Only instances that have ended
 * by the clock exist for the past, report, metrics and recording
 * endpoints.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "error.h"
#include "json.h"
#include "org.h"
#include "render.h"
#include "sim.h"
#include "url.h"

#define DAY 86400
#define PAGE_SIZE_DEFAULT 30
#define PAGE_SIZE_MAX 300 /* Zoom clamps larger sizes to this */
#define WINDOW_MAX_DAYS 30 /* to - from beyond this: one month */
#define REPORT_REACH_MONTHS 6 /* reports reach back six months */
#define PARTICIPANTS_YEAR (365L * DAY) /* code 12702 beyond this age */

/* --- Zoom's errors, all in one table --------------------------------- */

enum route_err {
	ERR_NOT_FOUND,
	ERR_USER,
	ERR_MEETING,
	ERR_WEBINAR,
	ERR_UNAVAILABLE,
	ERR_TOKEN,
	ERR_MISSING,
	ERR_INVALID,
	ERR_ORDER,
	ERR_RANGE,
	ERR_SIX_MONTHS,
	ERR_YEAR_MEETING,
	ERR_YEAR_WEBINAR,
	ERR_INTERNAL
};

/* One error answer: the message is text, then the argument and tail when
 * tail is not NULL. */
static const struct {
	int status;
	int code;
	const char *text;
	const char *tail;
} errors[] = {
    [ERR_NOT_FOUND] = {404, 404, "Not Found", NULL},
    [ERR_USER] = {404, 1001, "User does not exist: ", "."},
    [ERR_MEETING] = {404, 3001, "Meeting does not exist: ", "."},
    [ERR_WEBINAR] = {404, 3001, "Webinar does not exist: ", "."},
    [ERR_UNAVAILABLE] = {404, 3001,
	"This meeting is not available or ID is not valid.", NULL},
    [ERR_TOKEN] = {400, 300, "The next page token is invalid or expired.",
	NULL},
    [ERR_MISSING] = {400, 300, "Missing required parameter: ", "."},
    [ERR_INVALID] = {400, 300, "Invalid parameter: ", "."},
    [ERR_ORDER] = {400, 300,
	"The to date can not be earlier than the from date.", NULL},
    [ERR_RANGE] = {400, 300, "The date range can not exceed one month.", NULL},
    [ERR_SIX_MONTHS] = {400, 300,
	"Daily report can only be provided within 6 months prior to the "
	"current date.",
	NULL},
    [ERR_YEAR_MEETING] = {400, 12702, "Can not access meeting a year ago.",
	NULL},
    [ERR_YEAR_WEBINAR] = {400, 12702, "Can not access webinar a year ago.",
	NULL},
    [ERR_INTERNAL] = {500, 500, "Internal server error.", NULL},
};

/* --- one request ----------------------------------------------------- */

struct rctx;

/* One endpoint: its path with '*' for the one variable segment. */
struct route {
	const char *pattern;
	enum sim_category category;
	void (*handle)(struct rctx *c);
};

/* Everything a handler needs about the request it answers. */
struct rctx {
	struct sim *sim;
	const struct sim_org *org;
	struct sim_request *rq;
	struct sim_response *rs;
	const struct route *route;
	const char *arg; /* the variable segment, still percent-encoded */
	size_t arg_len;
	struct sim_render_ctx x;
	const struct sim_part *parts; /* participants: org->parts or wparts */
	enum sim_part_style style; /* participants: their shape */
};

/* fail answers Zoom's error e, with arg (or "") inside its message. */
static void
fail(struct rctx *c, enum route_err e, const char *arg)
{
	struct zp_buf msg = ZP_BUF_INIT;
	const char *text = errors[e].text;

	if (errors[e].tail != NULL &&
	    zp_buf_printf(
		&msg, "%s%s%s", text, arg ? arg : "", errors[e].tail) == 0)
		text = msg.data;
	zp_buf_reset(&c->rs->body);
	sim_response_error(c->rs, errors[e].status, errors[e].code, text);
	zp_buf_release(&msg);
}

/* fail_arg answers error e about the path's variable segment, decoded
 * once (as sent if it does not decode). */
static void
fail_arg(struct rctx *c, enum route_err e)
{
	struct zp_buf text = ZP_BUF_INIT;
	int rc;

	rc = zp_buf_append(&text, "", 0);
	if (rc == 0 && zp_url_decode(&text, c->arg, c->arg_len) != 0)
		rc = zp_buf_append(&text, c->arg, c->arg_len);
	fail(c, rc == 0 ? e : ERR_INTERNAL, text.data);
	zp_buf_release(&text);
}

/* --- the query string ------------------------------------------------ */

/* qarg reads query argument name into out: 1 found, 0 absent, or -1 when
 * the request was answered with an error. */
static int
qarg(struct rctx *c, const char *name, struct zp_buf *out)
{
	int rc = sim_query_arg(c->rq, name, out);

	if (rc == 1 && zp_buf_append(out, "", 0) != 0)
		rc = ZP_ENOMEM; /* an empty value may have left data NULL */
	if (rc == ZP_EDECODE)
		fail(c, ERR_INVALID, name);
	else if (rc < 0)
		fail(c, ERR_INTERNAL, NULL);
	return rc < 0 ? -1 : rc;
}

/* parse_count reads a decimal count; values past a billion saturate.
 * Returns 0 or -1 for anything but digits. */
static int
parse_count(const char *s, size_t *out)
{
	size_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v < 1000000000)
			v = v * 10 + (size_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* count_arg reads a count argument, def when absent or 0; 0 or -1. */
static int
count_arg(struct rctx *c, const char *name, size_t def, size_t *out)
{
	struct zp_buf v = ZP_BUF_INIT;
	int rc;

	*out = def;
	rc = qarg(c, name, &v);
	if (rc == 1 && parse_count(v.data, out) != 0) {
		fail(c, ERR_INVALID, name);
		rc = -1;
	}
	if (rc == 1 && *out == 0)
		*out = def;
	zp_buf_release(&v);
	return rc < 0 ? -1 : 0;
}

/* enum_arg reads argument name, one of the NULL-ended allowed values, or
 * def when absent, into out (at least 24 bytes); 0 or -1. */
static int
enum_arg(struct rctx *c, const char *name, const char *const *allowed,
    const char *def, char *out)
{
	struct zp_buf v = ZP_BUF_INIT;
	int rc;

	snprintf(out, 24, "%s", def);
	rc = qarg(c, name, &v);
	if (rc == 1) {
		while (*allowed != NULL && strcmp(*allowed, v.data) != 0)
			allowed++;
		if (*allowed == NULL) {
			fail(c, ERR_INVALID, name);
			rc = -1;
		} else {
			snprintf(out, 24, "%s", *allowed);
		}
	}
	zp_buf_release(&v);
	return rc < 0 ? -1 : 0;
}

/* include_registrant tells whether include_fields asks for registrant_id;
 * -1 when the request was answered with an error. */
static int
include_registrant(struct rctx *c)
{
	struct zp_buf v = ZP_BUF_INIT;
	int rc;

	rc = qarg(c, "include_fields", &v);
	if (rc == 1)
		rc = strstr(v.data, "registrant_id") != NULL;
	zp_buf_release(&v);
	return rc;
}

/* --- dates and windows ----------------------------------------------- */

/* How a from/to window is asked for and checked. */
enum win_mode {
	WIN_REPORT, /* from and to required; six months back at most */
	WIN_RECORDINGS, /* from defaults to yesterday, to to today */
	WIN_PHONE /* dates or date-times; the last 24 hours by default */
};

/* A window of time: [from, until), and the dates as the body echoes. */
struct window {
	time_t from;
	time_t until;
	char from_s[24];
	char to_s[24];
};

/* digits_at tells whether s[at..at+n) are all decimal digits. */
static int
digits_at(const char *s, size_t at, size_t n)
{
	size_t k;

	for (k = at; k < at + n; k++)
		if (s[k] < '0' || s[k] > '9')
			return 0;
	return 1;
}

/* parse_date reads "YYYY-MM-DD" exactly as midnight UTC; 0 or -1.
 * sim_date_parse makes every check of the form itself. */
static int
parse_date(const char *s, time_t *out)
{
	return sim_date_parse(s, out) == 0 ? 0 : -1;
}

/* parse_datetime reads "YYYY-MM-DDTHH:MM:SSZ" exactly; 0 or -1. */
static int
parse_datetime(const char *s, time_t *out)
{
	char date[11];
	int h, m, sec;

	if (strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    s[19] != 'Z' || !digits_at(s, 11, 2) || !digits_at(s, 14, 2) ||
	    !digits_at(s, 17, 2))
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	h = (s[11] - '0') * 10 + (s[12] - '0');
	m = (s[14] - '0') * 10 + (s[15] - '0');
	sec = (s[17] - '0') * 10 + (s[18] - '0');
	if (h > 23 || m > 59 || sec > 59 || parse_date(date, out) != 0)
		return -1;
	*out += h * 3600 + m * 60 + sec;
	return 0;
}

/* date_string writes the UTC date of t as "YYYY-MM-DD". */
static void
date_string(time_t t, char out[24])
{
	char full[21];

	sim_time_format(t, full);
	memcpy(out, full, 10);
	out[10] = '\0';
}

/* midnight is the start of the UTC day of t. */
static time_t
midnight(time_t t)
{
	return t - ((t % DAY) + DAY) % DAY;
}

/* six_months_back is midnight UTC of the date six calendar months before
 * the date of now (the day clamped to the end of a shorter month). */
static time_t
six_months_back(time_t now)
{
	static const int mdays[12] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	struct tm tm;
	int y, leap, last;

	gmtime_r(&now, &tm);
	tm.tm_mon -= REPORT_REACH_MONTHS;
	if (tm.tm_mon < 0) {
		tm.tm_mon += 12;
		tm.tm_year--;
	}
	y = tm.tm_year + 1900;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	last = mdays[tm.tm_mon] + (tm.tm_mon == 1 && leap);
	if (tm.tm_mday > last)
		tm.tm_mday = last;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	return timegm(&tm);
}

/* window_bound reads from or to: 1 read with *t and *is_date set, 0
 * absent, -1 answered with an error. */
static int
window_bound(struct rctx *c, const char *name, enum win_mode mode, time_t *t,
    int *is_date, char out[24])
{
	struct zp_buf v = ZP_BUF_INIT;
	int rc;

	rc = qarg(c, name, &v);
	if (rc == 1) {
		*is_date = parse_date(v.data, t) == 0;
		if (!*is_date &&
		    (mode != WIN_PHONE || parse_datetime(v.data, t) != 0)) {
			fail(c, ERR_INVALID, name);
			rc = -1;
		} else {
			snprintf(out, 24, "%s", v.data);
		}
	}
	zp_buf_release(&v);
	return rc;
}

/* window_defaults fills what was not given, as each endpoint defaults. */
static void
window_defaults(struct rctx *c, enum win_mode mode, int has_from, int has_to,
    struct window *wd, int *to_is_date)
{
	time_t today = midnight(c->rq->now);

	if (mode == WIN_PHONE && !has_from) {
		wd->from = c->rq->now - DAY;
		wd->until = c->rq->now;
		*to_is_date = 0;
		date_string(wd->from, wd->from_s);
		date_string(today, wd->to_s);
		return;
	}
	if (!has_from) {
		wd->from = today - DAY;
		date_string(wd->from, wd->from_s);
	}
	if (!has_to) {
		wd->until = today;
		*to_is_date = 1;
		date_string(today, wd->to_s);
	}
}

/* window_check applies Zoom's rules to a window; 0 or -1 answered. */
static int
window_check(struct rctx *c, enum win_mode mode, const struct window *wd)
{
	if (wd->until < wd->from)
		fail(c, ERR_ORDER, NULL);
	else if (wd->until - wd->from > (time_t)WINDOW_MAX_DAYS * DAY)
		fail(c, ERR_RANGE, NULL);
	else if (mode != WIN_RECORDINGS &&
	    wd->from < six_months_back(c->rq->now))
		fail(c, ERR_SIX_MONTHS, NULL);
	else
		return 0;
	return -1;
}

/* window_arg reads and checks the from/to window of a request; wd->until
 * ends up exclusive (the day after a "to" date).  0 or -1 answered. */
static int
window_arg(struct rctx *c, enum win_mode mode, struct window *wd)
{
	int has_from, has_to, is_date = 1, to_is_date = 1;

	memset(wd, 0, sizeof(*wd));
	has_from =
	    window_bound(c, "from", mode, &wd->from, &is_date, wd->from_s);
	if (has_from < 0)
		return -1;
	has_to =
	    window_bound(c, "to", mode, &wd->until, &to_is_date, wd->to_s);
	if (has_to < 0)
		return -1;
	if (!has_from && mode == WIN_REPORT) {
		fail(c, ERR_MISSING, "from");
		return -1;
	}
	if (!has_to &&
	    (mode == WIN_REPORT || (mode == WIN_PHONE && has_from))) {
		fail(c, ERR_MISSING, "to");
		return -1;
	}
	window_defaults(c, mode, has_from, has_to, wd, &to_is_date);
	if (window_check(c, mode, wd) != 0)
		return -1;
	wd->until += to_is_date ? DAY : 1;
	return 0;
}

/* --- listings and pages ---------------------------------------------- */

/* One item of a listing; listings are sorted by time, then id. */
struct item {
	time_t t;
	uint64_t num; /* a numeric id, or 0 */
	const char *id; /* a string id, or NULL */
	size_t idx; /* the entity's index in the org */
};

/* A growing array of items; oom records a failed append. */
struct items {
	struct item *v;
	size_t n;
	size_t cap;
	int oom;
};

/* A listing being answered: what it is, its items, how they render. */
struct listing {
	char key[320]; /* identifies the listing to its page tokens */
	const char *array; /* the key of the array in the body */
	int page_number; /* the body has page_number */
	int numbered; /* the page_number argument is honoured */
	const struct window *window; /* from/to to echo, or NULL */
	void (*render)(struct rctx *c, struct zp_jw *w, size_t idx);
	struct items items;
};

/* One page of a listing. */
struct page {
	size_t size;
	size_t offset;
	char next[SIM_PAGE_TOKEN_LEN + 1];
	char sent[SIM_PAGE_TOKEN_LEN + 1]; /* the token of the request */
};

/* items_add appends one item, or marks the array out of memory. */
static void
items_add(struct items *l, time_t t, uint64_t num, const char *id, size_t idx)
{
	struct item *v;
	size_t cap;

	if (l->oom)
		return;
	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 64;
		v = realloc(l->v, cap * sizeof(*v));
		if (v == NULL) {
			l->oom = 1;
			return;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].t = t;
	l->v[l->n].num = num;
	l->v[l->n].id = id;
	l->v[l->n].idx = idx;
	l->n++;
}

/* item_cmp orders items by time, numeric id, string id, then index. */
static int
item_cmp(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	int d;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->num != b->num)
		return a->num < b->num ? -1 : 1;
	if (a->id != NULL && b->id != NULL) {
		d = strcmp(a->id, b->id);
		if (d != 0)
			return d;
	}
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* listing_init starts an empty listing named by fmt. */
static void listing_init(struct listing *ls, const char *array,
    void (*render)(struct rctx *, struct zp_jw *, size_t), const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
listing_init(struct listing *ls, const char *array,
    void (*render)(struct rctx *, struct zp_jw *, size_t), const char *fmt,
    ...)
{
	va_list ap;

	memset(ls, 0, sizeof(*ls));
	ls->array = array;
	ls->render = render;
	va_start(ap, fmt);
	vsnprintf(ls->key, sizeof(ls->key), fmt, ap);
	va_end(ap);
}

/* page_token finds where a next_page_token continues: 1 with the offset,
 * 0 when none was given, -1 answered. */
static int
page_token(
    struct rctx *c, const struct listing *ls, size_t *offset, char *sent)
{
	struct zp_buf v = ZP_BUF_INIT;
	int rc;

	rc = qarg(c, "next_page_token", &v);
	if (rc == 1 && v.len == 0)
		rc = 0;
	if (rc == 1 && sent != NULL)
		snprintf(sent, SIM_PAGE_TOKEN_LEN + 1, "%s", v.data);
	if (rc == 1 &&
	    (c->rq->expire_page_token ||
		sim_pages_redeem(c->sim->pages, v.data, ls->key,
		    c->sim->cfg.page_token_ttl, offset) != 0)) {
		fail(c, ERR_TOKEN, NULL);
		rc = -1;
	}
	zp_buf_release(&v);
	return rc;
}

/* page_open reads page_size, next_page_token and page_number; 0 or -1. */
static int
page_open(struct rctx *c, const struct listing *ls, struct page *pg)
{
	size_t number;
	int rc;

	memset(pg, 0, sizeof(*pg));
	if (count_arg(c, "page_size", PAGE_SIZE_DEFAULT, &pg->size) != 0)
		return -1;
	if (pg->size > PAGE_SIZE_MAX)
		pg->size = PAGE_SIZE_MAX;
	rc = page_token(c, ls, &pg->offset, pg->sent);
	if (rc != 0 || !ls->numbered)
		return rc < 0 ? -1 : 0;
	if (count_arg(c, "page_number", 1, &number) != 0)
		return -1;
	pg->offset = (number - 1) * pg->size;
	return 0;
}

/* page_close issues the token of the next page, if there is one. */
static int
page_close(struct rctx *c, const struct listing *ls, struct page *pg)
{
	size_t total = ls->items.n;

	/* Fault: the answer gives back the very token it was sent. */
	if (c->rq->stuck_page_token && pg->sent[0] != '\0') {
		memcpy(pg->next, pg->sent, sizeof(pg->next));
		return 0;
	}
	if (pg->offset >= total || total - pg->offset <= pg->size)
		return 0;
	return sim_pages_issue(c->sim->pages, c->org->opts.seed, ls->key,
	    pg->offset + pg->size, pg->next);
}

/* page_head writes the window and paging fields of a listing body. */
static void
page_head(struct zp_jw *w, const struct listing *ls, const struct page *pg,
    int low_total)
{
	size_t total = low_total ? ls->items.n / 2 : ls->items.n;

	if (ls->window != NULL) {
		zp_jw_key(w, "from");
		zp_jw_str(w, ls->window->from_s);
		zp_jw_key(w, "to");
		zp_jw_str(w, ls->window->to_s);
	}
	zp_jw_key(w, "page_count");
	zp_jw_int(w, (long long)((total + pg->size - 1) / pg->size));
	if (ls->page_number) {
		zp_jw_key(w, "page_number");
		zp_jw_int(w, (long long)(pg->offset / pg->size + 1));
	}
	zp_jw_key(w, "page_size");
	zp_jw_int(w, (long long)pg->size);
	zp_jw_key(w, "total_records");
	zp_jw_int(w, (long long)total);
	zp_jw_key(w, "next_page_token");
	zp_jw_str(w, pg->next);
}

/* respond ends a body being written: 200, or 500 if writing failed. */
static void
respond(struct rctx *c, struct zp_jw *w)
{
	if (zp_jw_finish(w) != 0) {
		fail(c, ERR_INTERNAL, NULL);
		return;
	}
	c->rs->status = 200;
}

/* list_answer sorts a listing and answers the page the request asks for;
 * it frees the items. */
static void
list_answer(struct rctx *c, struct listing *ls)
{
	struct page pg;
	struct zp_jw w;
	size_t k, end;

	if (ls->items.oom) {
		fail(c, ERR_INTERNAL, NULL);
		goto out;
	}
	if (page_open(c, ls, &pg) != 0)
		goto out;
	if (ls->items.n > 1)
		qsort(
		    ls->items.v, ls->items.n, sizeof(*ls->items.v), item_cmp);
	if (page_close(c, ls, &pg) != 0) {
		fail(c, ERR_INTERNAL, NULL);
		goto out;
	}
	zp_buf_reset(&c->rs->body);
	zp_jw_init(&w, &c->rs->body);
	zp_jw_object(&w);
	page_head(&w, ls, &pg, c->rq->low_total);
	zp_jw_key(&w, ls->array);
	zp_jw_array(&w);
	end = pg.offset + pg.size < ls->items.n ? pg.offset + pg.size
						: ls->items.n;
	for (k = pg.offset; k < end; k++)
		ls->render(c, &w, ls->items.v[k].idx);
	zp_jw_end(&w);
	zp_jw_end(&w);
	respond(c, &w);
out:
	free(ls->items.v);
	ls->items.v = NULL;
}

/* --- looking things up ----------------------------------------------- */

/* decode_arg appends the path's variable segment decoded once; 0 or -1. */
static int
decode_arg(const struct rctx *c, struct zp_buf *out)
{
	zp_buf_reset(out);
	if (zp_buf_append(out, "", 0) != 0)
		return -1;
	return zp_url_decode(out, c->arg, c->arg_len) == 0 ? 0 : -1;
}

/* arg_number reads the variable segment as a meeting or webinar number:
 * 1 to 20 digits.  Returns 0 or -1 when it is not a number. */
static int
arg_number(const struct rctx *c, uint64_t *out)
{
	uint64_t v = 0;
	size_t k;

	if (c->arg_len == 0 || c->arg_len > 20)
		return -1;
	for (k = 0; k < c->arg_len; k++) {
		if (c->arg[k] < '0' || c->arg[k] > '9')
			return -1;
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(c->arg[k] - '0');
	}
	*out = v;
	return 0;
}

/*
 * arg_uuid decodes the variable segment as Zoom decodes a UUID: once, and
 * a second time if that left percent signs.  A UUID that begins with '/'
 * or holds "//" must come double-encoded; sent encoded once, it is not
 * found (e_missing, naming the once-decoded text).  Returns 0 with the UUID
 * in out, or -1 answered.
 */
static int
arg_uuid(struct rctx *c, enum route_err e_missing, struct zp_buf *out)
{
	struct zp_buf once = ZP_BUF_INIT;
	int rc = -1;

	if (decode_arg(c, &once) != 0) {
		fail_arg(c, e_missing);
		goto out;
	}
	if (once.data[0] == '/' || strstr(once.data, "//") != NULL) {
		fail(c, e_missing, once.data);
		goto out;
	}
	zp_buf_reset(out);
	if (zp_buf_append(out, "", 0) != 0 ||
	    (strchr(once.data, '%') == NULL
		    ? zp_buf_append(out, once.data, once.len)
		    : zp_url_decode(out, once.data, once.len)) != 0) {
		fail(c, e_missing, once.data);
		goto out;
	}
	rc = 0;
out:
	zp_buf_release(&once);
	return rc;
}

/* find_user resolves the variable segment as a user id, e-mail or "me";
 * the user's index, or -1 answered with code 1001. */
static long
find_user(struct rctx *c)
{
	struct zp_buf v = ZP_BUF_INIT;
	long u = -1;

	if (decode_arg(c, &v) != 0)
		fail_arg(c, ERR_USER);
	else if ((u = sim_org_user(c->org, v.data)) < 0)
		fail(c, ERR_USER, v.data);
	zp_buf_release(&v);
	return u;
}

/* Where the instances of meetings or of webinars are. */
struct family {
	int webinar;
	enum route_err missing;
	enum route_err too_old;
};

static const struct family meetings_f = {0, ERR_MEETING, ERR_YEAR_MEETING};
static const struct family webinars_f = {1, ERR_WEBINAR, ERR_YEAR_WEBINAR};

/* family_instances is the instance array of a family. */
static const struct sim_instance *
family_instances(const struct sim_org *org, const struct family *f)
{
	return f->webinar ? org->winstances : org->instances;
}

/* owner_of finds a meeting or webinar by number; -1 if none exists now. */
static long
owner_of(const struct rctx *c, const struct family *f, uint64_t num)
{
	long i;

	if (f->webinar) {
		i = sim_org_webinar(c->org, num);
		if (i >= 0 && c->org->webinars[i].created_at > c->rq->now)
			i = -1;
	} else {
		i = sim_org_meeting(c->org, num);
		if (i >= 0 && c->org->meetings[i].created_at > c->rq->now)
			i = -1;
	}
	return i;
}

/* owner_range gives the instances of meeting or webinar o. */
static void
owner_range(const struct sim_org *org, const struct family *f, size_t o,
    size_t *first, size_t *n)
{
	if (f->webinar) {
		*first = org->webinars[o].first_instance;
		*n = org->webinars[o].n_instances;
	} else {
		*first = org->meetings[o].first_instance;
		*n = org->meetings[o].n_instances;
	}
}

/* latest_ended is the last instance of owner o that ended by now; -1. */
static long
latest_ended(const struct rctx *c, const struct family *f, size_t o)
{
	const struct sim_instance *ins = family_instances(c->org, f);
	size_t first, n, k;
	long best = -1;

	owner_range(c->org, f, o, &first, &n);
	for (k = first; k < first + n; k++)
		if (ins[k].end <= c->rq->now &&
		    (best < 0 || ins[k].start >= ins[best].start))
			best = (long)k;
	return best;
}

/* instance_by_uuid resolves the segment as an instance UUID; the index,
 * or -1 answered.  With ended set, the instance must have ended. */
static long
instance_by_uuid(struct rctx *c, const struct family *f, int ended)
{
	struct zp_buf uuid = ZP_BUF_INIT;
	long i = -1;

	if (arg_uuid(c, f->missing, &uuid) != 0)
		goto out;
	i = f->webinar ? sim_org_winstance(c->org, uuid.data)
		       : sim_org_instance(c->org, uuid.data);
	if (i >= 0 && ended && family_instances(c->org, f)[i].end > c->rq->now)
		i = -1;
	if (i < 0)
		fail(c, f->missing, uuid.data);
out:
	zp_buf_release(&uuid);
	return i;
}

/* find_past resolves {meetingId} or {webinarId} of a past endpoint: a
 * number means its latest ended instance, anything else a UUID.  The
 * instance index, or -1 answered. */
static long
find_past(struct rctx *c, const struct family *f)
{
	uint64_t num;
	long o, i;

	if (arg_number(c, &num) != 0)
		return instance_by_uuid(c, f, 1);
	o = owner_of(c, f, num);
	i = o < 0 ? -1 : latest_ended(c, f, (size_t)o);
	if (i < 0)
		fail_arg(c, f->missing);
	return i;
}

/* find_meeting resolves {meetingId} as a meeting number or the UUID of one
 * of its instances (then *inst is that instance, else -1); the meeting
 * index, or -1 answered. */
static long
find_meeting(struct rctx *c, long *inst)
{
	uint64_t num;
	long m;

	*inst = -1;
	if (arg_number(c, &num) == 0) {
		m = owner_of(c, &meetings_f, num);
		if (m < 0)
			fail_arg(c, ERR_MEETING);
		return m;
	}
	*inst = instance_by_uuid(c, &meetings_f, 0);
	return *inst < 0 ? -1 : (long)c->org->instances[*inst].owner;
}

/* --- meetings as scheduled ------------------------------------------- */

/* meeting_live tells whether an instance of m is under way now. */
static int
meeting_live(const struct rctx *c, const struct sim_meeting *m)
{
	const struct sim_instance *in;
	size_t k;

	for (k = 0; k < m->n_instances; k++) {
		in = &c->org->instances[m->first_instance + k];
		if (in->start <= c->rq->now && c->rq->now < in->end)
			return 1;
	}
	return 0;
}

/* meeting_upcoming tells whether m is under way or will start later. */
static int
meeting_upcoming(const struct rctx *c, const struct sim_meeting *m)
{
	const struct sim_instance *in;
	size_t k;

	if (m->start_time >= c->rq->now)
		return 1;
	for (k = 0; k < m->n_instances; k++) {
		in = &c->org->instances[m->first_instance + k];
		if (in->end > c->rq->now)
			return 1;
	}
	return 0;
}

/* meeting_of_type tells whether m is listed under type (user meetings). */
static int
meeting_of_type(
    const struct rctx *c, const struct sim_meeting *m, const char *type)
{
	if (strcmp(type, "live") == 0)
		return meeting_live(c, m);
	if (strcmp(type, "upcoming") == 0 ||
	    strcmp(type, "upcoming_meetings") == 0)
		return meeting_upcoming(c, m);
	if (strcmp(type, "previous_meetings") == 0)
		return m->start_time < c->rq->now;
	return 1;
}

/* meeting_gone tells whether GET /meetings/{id} no longer finds m: an
 * instant meeting expires when it ends. */
static int
meeting_gone(const struct rctx *c, const struct sim_meeting *m)
{
	return m->type == SIM_MEETING_INSTANT && !meeting_upcoming(c, m);
}

/* --- renderers of listing items -------------------------------------- */

/* item_user writes a /users item. */
static void
item_user(struct rctx *c, struct zp_jw *w, size_t i)
{
	sim_render_user(w, &c->x, i, 0);
}

/* item_meeting writes a scheduled meeting with the UUID shown now. */
static void
item_meeting(struct rctx *c, struct zp_jw *w, size_t i)
{
	char uuid[32];

	sim_meeting_uuid(&c->x, i, uuid);
	sim_render_meeting(w, &c->x, i, uuid, 0);
}

/* item_webinar writes a /users/{userId}/webinars item. */
static void
item_webinar(struct rctx *c, struct zp_jw *w, size_t i)
{
	sim_render_webinar(w, &c->x, i);
}

/* item_report_meeting writes an instance in the report shape. */
static void
item_report_meeting(struct rctx *c, struct zp_jw *w, size_t i)
{
	sim_render_report_meeting(w, &c->x, i);
}

/* item_metrics_meeting writes an instance in the dashboard shape. */
static void
item_metrics_meeting(struct rctx *c, struct zp_jw *w, size_t i)
{
	sim_render_metrics_meeting(w, &c->x, i);
}

/* item_participant writes a segment of c->parts in c->style. */
static void
item_participant(struct rctx *c, struct zp_jw *w, size_t i)
{
	sim_render_participant(w, &c->x, &c->parts[i], c->style);
}

/* item_recording writes a recorded meeting with its files. */
static void
item_recording(struct rctx *c, struct zp_jw *w, size_t i)
{
	sim_render_recording(w, &c->x, i);
}

/* item_call writes a call log entry. */
static void
item_call(struct rctx *c, struct zp_jw *w, size_t i)
{
	sim_render_call(w, &c->x, i);
}

/* --- users ----------------------------------------------------------- */

static const char *const user_statuses[] = {
    "active", "inactive", "pending", NULL};

/* GET /users: the members with one status, active by default. */
static void
h_users(struct rctx *c)
{
	const struct sim_user *u;
	struct listing ls;
	char status[24];
	size_t i;

	if (enum_arg(c, "status", user_statuses, "active", status) != 0)
		return;
	listing_init(&ls, "users", item_user, "/users|%s", status);
	ls.page_number = ls.numbered = 1;
	for (i = 0; i < c->org->n_users; i++) {
		u = &c->org->users[i];
		if (strcmp(u->status, status) == 0)
			items_add(&ls.items, u->created_at, 0, u->id, i);
	}
	list_answer(c, &ls);
}

/* GET /users/{userId}: one member by id, e-mail or "me". */
static void
h_user(struct rctx *c)
{
	struct zp_jw w;
	long u;

	if ((u = find_user(c)) < 0)
		return;
	zp_buf_reset(&c->rs->body);
	zp_jw_init(&w, &c->rs->body);
	sim_render_user(&w, &c->x, (size_t)u, 1);
	respond(c, &w);
}

static const char *const meeting_types[] = {"scheduled", "live", "upcoming",
    "upcoming_meetings", "previous_meetings", NULL};

/* GET /users/{userId}/meetings: scheduled meetings only, never instant
 * meetings nor past instances. */
static void
h_user_meetings(struct rctx *c)
{
	const struct sim_meeting *m;
	struct listing ls;
	char type[24];
	size_t i;
	long u;

	if ((u = find_user(c)) < 0 ||
	    enum_arg(c, "type", meeting_types, "scheduled", type) != 0)
		return;
	listing_init(&ls, "meetings", item_meeting, "/users/*/meetings|%s|%s",
	    c->org->users[u].id, type);
	ls.page_number = ls.numbered = 1;
	for (i = 0; i < c->org->n_meetings; i++) {
		m = &c->org->meetings[i];
		if (m->listed && m->host == u && m->created_at <= c->rq->now &&
		    meeting_of_type(c, m, type))
			items_add(&ls.items, m->start_time, m->id, NULL, i);
	}
	list_answer(c, &ls);
}

static const char *const webinar_types[] = {"scheduled", "upcoming", NULL};

/* webinar_upcoming tells whether webinar wb is under way or ahead. */
static int
webinar_upcoming(const struct rctx *c, const struct sim_webinar *wb)
{
	size_t k;

	if (wb->start_time >= c->rq->now)
		return 1;
	for (k = 0; k < wb->n_instances; k++)
		if (c->org->winstances[wb->first_instance + k].end >
		    c->rq->now)
			return 1;
	return 0;
}

/* GET /users/{userId}/webinars: the webinars a member hosts. */
static void
h_user_webinars(struct rctx *c)
{
	const struct sim_webinar *wb;
	struct listing ls;
	char type[24];
	size_t i;
	long u;

	if ((u = find_user(c)) < 0 ||
	    enum_arg(c, "type", webinar_types, "scheduled", type) != 0)
		return;
	listing_init(&ls, "webinars", item_webinar, "/users/*/webinars|%s|%s",
	    c->org->users[u].id, type);
	ls.page_number = ls.numbered = 1;
	for (i = 0; i < c->org->n_webinars; i++) {
		wb = &c->org->webinars[i];
		if (wb->host == u && wb->created_at <= c->rq->now &&
		    (strcmp(type, "scheduled") == 0 ||
			webinar_upcoming(c, wb)))
			items_add(&ls.items, wb->start_time, wb->id, NULL, i);
	}
	list_answer(c, &ls);
}

/* GET /users/{userId}/recordings: recorded meetings in a window. */
static void
h_user_recordings(struct rctx *c)
{
	const struct sim_instance *in;
	struct window wd;
	struct listing ls;
	size_t i;
	long u;

	if ((u = find_user(c)) < 0 || window_arg(c, WIN_RECORDINGS, &wd) != 0)
		return;
	listing_init(&ls, "meetings", item_recording,
	    "/users/*/recordings|%s|%lld|%lld", c->org->users[u].id,
	    (long long)wd.from, (long long)wd.until);
	ls.window = &wd;
	for (i = 0; i < c->org->n_recordings; i++) {
		in = &c->org->instances[c->org->recordings[i].instance];
		if (c->org->meetings[in->owner].host == u &&
		    in->end <= c->rq->now && in->start >= wd.from &&
		    in->start < wd.until)
			items_add(&ls.items, in->start, 0, in->uuid, i);
	}
	list_answer(c, &ls);
}

/* --- meetings -------------------------------------------------------- */

/* GET /meetings/{meetingId}: a meeting by number or instance UUID. */
static void
h_meeting(struct rctx *c)
{
	char uuid[32];
	struct zp_jw w;
	long m, i;

	if ((m = find_meeting(c, &i)) < 0)
		return;
	if (meeting_gone(c, &c->org->meetings[m])) {
		fail_arg(c, ERR_MEETING);
		return;
	}
	if (i >= 0)
		snprintf(uuid, sizeof(uuid), "%s", c->org->instances[i].uuid);
	else
		sim_meeting_uuid(&c->x, (size_t)m, uuid);
	zp_buf_reset(&c->rs->body);
	zp_jw_init(&w, &c->rs->body);
	sim_render_meeting(&w, &c->x, (size_t)m, uuid, 1);
	respond(c, &w);
}

/* past_one answers the meeting instance {meetingId} names (its latest
 * ended one for a number), as render writes it. */
static void
past_one(struct rctx *c,
    void (*render)(struct zp_jw *, const struct sim_render_ctx *, size_t))
{
	struct zp_jw w;
	long i;

	if ((i = find_past(c, &meetings_f)) < 0)
		return;
	zp_buf_reset(&c->rs->body);
	zp_jw_init(&w, &c->rs->body);
	render(&w, &c->x, (size_t)i);
	respond(c, &w);
}

/* GET /past_meetings/{meetingId}: one ended instance. */
static void
h_past_meeting(struct rctx *c)
{
	past_one(c, sim_render_past_meeting);
}

/* instances answers the ended instances of the meeting or webinar
 * {meetingId} names (a number, or the UUID of one of its instances),
 * oldest first, under the array key Zoom uses for the family. */
static void
instances(struct rctx *c, const struct family *f)
{
	struct items l = {NULL, 0, 0, 0};
	const struct sim_instance *ins = family_instances(c->org, f), *in;
	struct zp_jw w;
	size_t k, first, n;
	uint64_t num;
	long o, i;

	if (f->webinar) {
		if (arg_number(c, &num) == 0) {
			if ((o = owner_of(c, f, num)) < 0) {
				fail_arg(c, f->missing);
				return;
			}
		} else if ((i = instance_by_uuid(c, f, 0)) >= 0) {
			o = (long)ins[i].owner;
		} else {
			return;
		}
	} else if ((o = find_meeting(c, &i)) < 0) {
		return;
	}
	owner_range(c->org, f, (size_t)o, &first, &n);
	for (k = first; k < first + n; k++) {
		in = &ins[k];
		if (in->end <= c->rq->now)
			items_add(&l, in->start, 0, in->uuid, k);
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), item_cmp);
	zp_buf_reset(&c->rs->body);
	zp_jw_init(&w, &c->rs->body);
	zp_jw_object(&w);
	zp_jw_key(&w, f->webinar ? "webinars" : "meetings");
	zp_jw_array(&w);
	for (k = 0; k < l.n && !l.oom; k++)
		sim_render_instance_ref(&w, &ins[l.v[k].idx]);
	zp_jw_end(&w);
	zp_jw_end(&w);
	if (l.oom)
		fail(c, ERR_INTERNAL, NULL);
	else
		respond(c, &w);
	free(l.v);
}

/* GET /past_meetings/{meetingId}/instances: every ended instance. */
static void
h_past_instances(struct rctx *c)
{
	instances(c, &meetings_f);
}

/* GET /past_webinars/{webinarId}/instances: every ended instance. */
static void
h_past_webinar_instances(struct rctx *c)
{
	instances(c, &webinars_f);
}

/* participants answers the participant listings of every family and
 * style: who joined one ended instance, segment by segment. */
static void
participants(struct rctx *c, const struct family *f, enum sim_part_style style)
{
	const struct sim_instance *in;
	struct listing ls;
	size_t k;
	long i;
	int reg;

	if ((i = find_past(c, f)) < 0)
		return;
	in = &family_instances(c->org, f)[i];
	if (style == SIM_PART_REPORT &&
	    c->rq->now - in->start > PARTICIPANTS_YEAR) {
		fail(c, f->too_old, NULL);
		return;
	}
	if (!f->webinar && style != SIM_PART_METRICS && in->persons < 2) {
		fail(c, ERR_UNAVAILABLE, NULL);
		return;
	}
	if ((reg = include_registrant(c)) < 0)
		return;
	c->x.registrant_id = reg && style != SIM_PART_PAST;
	c->parts = f->webinar ? c->org->wparts : c->org->parts;
	c->style = style;
	listing_init(&ls, "participants", item_participant, "%s|%s|%d",
	    c->route->pattern, in->uuid, c->x.registrant_id);
	for (k = in->first_part; k < in->first_part + in->n_part; k++)
		items_add(
		    &ls.items, c->parts[k].join, 0, c->parts[k].user_id, k);
	list_answer(c, &ls);
}

/* GET /past_meetings/{meetingId}/participants */
static void
h_past_participants(struct rctx *c)
{
	participants(c, &meetings_f, SIM_PART_PAST);
}

/* GET /past_webinars/{webinarId}/participants */
static void
h_past_webinar_participants(struct rctx *c)
{
	participants(c, &webinars_f, SIM_PART_PAST);
}

/* --- reports --------------------------------------------------------- */

static const char *const report_types[] = {
    "past", "pastOne", "pastJoined", NULL};

/* joined tells whether user u took part in instance in. */
static int
joined(const struct sim_org *org, const struct sim_instance *in, long u)
{
	size_t k;

	for (k = in->first_part; k < in->first_part + in->n_part; k++)
		if (org->parts[k].user == u)
			return 1;
	return 0;
}

/* report_wants tells whether instance in belongs in a user's report. */
static int
report_wants(const struct rctx *c, const struct sim_instance *in, long u,
    const char *type)
{
	int hosted = c->org->meetings[in->owner].host == u;

	if (strcmp(type, "pastOne") == 0)
		return hosted && in->persons == 1;
	if (strcmp(type, "pastJoined") == 0)
		return hosted || joined(c->org, in, u);
	return hosted;
}

/* GET /report/users/{userId}/meetings: ended instances in a window. */
static void
h_report_user_meetings(struct rctx *c)
{
	const struct sim_instance *in;
	struct window wd;
	struct listing ls;
	char type[24];
	size_t i;
	long u;

	if ((u = find_user(c)) < 0 ||
	    enum_arg(c, "type", report_types, "past", type) != 0 ||
	    window_arg(c, WIN_REPORT, &wd) != 0)
		return;
	listing_init(&ls, "meetings", item_report_meeting,
	    "/report/users/*/meetings|%s|%lld|%lld|%s", c->org->users[u].id,
	    (long long)wd.from, (long long)wd.until, type);
	ls.window = &wd;
	ls.page_number = 1;
	for (i = 0; i < c->org->n_instances; i++) {
		in = &c->org->instances[i];
		if (in->end <= c->rq->now && in->start >= wd.from &&
		    in->start < wd.until && report_wants(c, in, u, type))
			items_add(&ls.items, in->start, 0, in->uuid, i);
	}
	list_answer(c, &ls);
}

/* GET /report/meetings/{meetingId}: one ended instance, report shape. */
static void
h_report_meeting(struct rctx *c)
{
	past_one(c, sim_render_report_meeting);
}

/* GET /report/meetings/{meetingId}/participants */
static void
h_report_participants(struct rctx *c)
{
	participants(c, &meetings_f, SIM_PART_REPORT);
}

/* GET /report/webinars/{webinarId}/participants */
static void
h_report_webinar_participants(struct rctx *c)
{
	participants(c, &webinars_f, SIM_PART_REPORT);
}

/* --- dashboard ------------------------------------------------------- */

static const char *const metrics_types[] = {"past", "pastOne", "live", NULL};

/* GET /metrics/meetings: the account's meetings in a window.  Live
 * meetings are never listed: only ended instances exist. */
static void
h_metrics_meetings(struct rctx *c)
{
	const struct sim_instance *in;
	struct window wd;
	struct listing ls;
	char type[24];
	size_t i;

	if (enum_arg(c, "type", metrics_types, "live", type) != 0 ||
	    window_arg(c, WIN_REPORT, &wd) != 0)
		return;
	listing_init(&ls, "meetings", item_metrics_meeting,
	    "/metrics/meetings|%lld|%lld|%s", (long long)wd.from,
	    (long long)wd.until, type);
	ls.window = &wd;
	for (i = 0; strcmp(type, "live") != 0 && i < c->org->n_instances;
	     i++) {
		in = &c->org->instances[i];
		if (in->end <= c->rq->now && in->start >= wd.from &&
		    in->start < wd.until &&
		    (strcmp(type, "past") == 0 || in->persons == 1))
			items_add(&ls.items, in->start, 0, in->uuid, i);
	}
	list_answer(c, &ls);
}

/* GET /metrics/meetings/{meetingId}/participants: type=live (Zoom's
 * default) finds nothing, as no meeting is live here. */
static void
h_metrics_participants(struct rctx *c)
{
	char type[24];

	if (enum_arg(c, "type", metrics_types, "live", type) != 0)
		return;
	if (strcmp(type, "live") == 0) {
		fail_arg(c, ERR_MEETING);
		return;
	}
	participants(c, &meetings_f, SIM_PART_METRICS);
}

/* --- phone ----------------------------------------------------------- */

/* GET /phone/call_history: the account's calls in a window. */
static void
h_call_history(struct rctx *c)
{
	const struct sim_call *call;
	struct window wd;
	struct listing ls;
	size_t i;

	if (window_arg(c, WIN_PHONE, &wd) != 0)
		return;
	listing_init(&ls, "call_logs", item_call,
	    "/phone/call_history|%lld|%lld", (long long)wd.from,
	    (long long)wd.until);
	ls.window = &wd;
	for (i = 0; i < c->org->n_calls; i++) {
		call = &c->org->calls[i];
		if (call->end_time <= c->rq->now &&
		    call->start_time >= wd.from && call->start_time < wd.until)
			items_add(&ls.items, call->start_time, 0, call->id, i);
	}
	list_answer(c, &ls);
}

/* --- dispatch -------------------------------------------------------- */

/* Every endpoint, with the "Rate Limit Label" of Zoom's specifications. */
static const struct route routes[] = {
    {"/users", SIM_CAT_MEDIUM, h_users},
    {"/users/*", SIM_CAT_LIGHT, h_user},
    {"/users/*/meetings", SIM_CAT_MEDIUM, h_user_meetings},
    {"/users/*/webinars", SIM_CAT_MEDIUM, h_user_webinars},
    {"/users/*/recordings", SIM_CAT_MEDIUM, h_user_recordings},
    {"/meetings/*", SIM_CAT_LIGHT, h_meeting},
    {"/past_meetings/*", SIM_CAT_LIGHT, h_past_meeting},
    {"/past_meetings/*/instances", SIM_CAT_MEDIUM, h_past_instances},
    {"/past_meetings/*/participants", SIM_CAT_MEDIUM, h_past_participants},
    {"/past_webinars/*/instances", SIM_CAT_MEDIUM, h_past_webinar_instances},
    {"/past_webinars/*/participants", SIM_CAT_MEDIUM,
	h_past_webinar_participants},
    {"/report/users/*/meetings", SIM_CAT_HEAVY, h_report_user_meetings},
    {"/report/meetings/*", SIM_CAT_HEAVY, h_report_meeting},
    {"/report/meetings/*/participants", SIM_CAT_HEAVY, h_report_participants},
    {"/report/webinars/*/participants", SIM_CAT_HEAVY,
	h_report_webinar_participants},
    {"/metrics/meetings", SIM_CAT_RESOURCE, h_metrics_meetings},
    {"/metrics/meetings/*/participants", SIM_CAT_HEAVY,
	h_metrics_participants},
    {"/phone/call_history", SIM_CAT_HEAVY, h_call_history},
};

#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

/* match tells whether path (up to '?') fits pattern and captures the
 * segment that stands for '*'. */
static int
match(const char *pat, const char *path, const char **arg, size_t *arg_len)
{
	size_t pn, sn;

	while (*pat == '/' && *path == '/') {
		pat++;
		path++;
		pn = strcspn(pat, "/");
		sn = strcspn(path, "/?");
		if (pn == 1 && pat[0] == '*') {
			if (sn == 0)
				return 0;
			*arg = path;
			*arg_len = sn;
		} else if (pn != sn || memcmp(pat, path, sn) != 0) {
			return 0;
		}
		pat += pn;
		path += sn;
	}
	return *pat == '\0' && (*path == '\0' || *path == '?');
}

/* find_route is the endpoint of method + path, or NULL. */
static const struct route *
find_route(
    const char *method, const char *path, const char **arg, size_t *arg_len)
{
	size_t i;

	*arg = NULL;
	*arg_len = 0;
	if (method == NULL || path == NULL || strcmp(method, "GET") != 0)
		return NULL;
	for (i = 0; i < N_ROUTES; i++)
		if (match(routes[i].pattern, path, arg, arg_len))
			return &routes[i];
	return NULL;
}

/* sim_route_category tells the rate-limit category of method + path. */
enum sim_category
sim_route_category(const char *method, const char *path)
{
	const struct route *r;
	const char *arg;
	size_t n;

	r = find_route(method, path, &arg, &n);
	return r ? r->category : SIM_CAT_NONE;
}

/* sim_route_handle answers one API request below the base path. */
void
sim_route_handle(
    struct sim *sim, struct sim_request *rq, struct sim_response *rs)
{
	struct rctx c;

	memset(&c, 0, sizeof(c));
	c.sim = sim;
	c.org = &sim->org;
	c.rq = rq;
	c.rs = rs;
	c.x.org = &sim->org;
	c.x.now = rq->now;
	c.route = find_route(rq->method, rq->path, &c.arg, &c.arg_len);
	if (c.route == NULL) {
		rs->category = SIM_CAT_NONE;
		fail(&c, ERR_NOT_FOUND, NULL);
		return;
	}
	rs->category = c.route->category;
	c.route->handle(&c);
}

/* sim_route_scope is the scope an endpoint needs, as Zoom's reference
 * lists it for admin-level apps. */
const char *
sim_route_scope(const char *path)
{
	if (strncmp(path, "/report/", 8) == 0)
		return "report:read:admin";
	if (strncmp(path, "/metrics/", 9) == 0)
		return "dashboard_meetings:read:admin";
	if (strncmp(path, "/phone/", 7) == 0)
		return "phone:read:admin";
	if (strncmp(path, "/past_webinars/", 15) == 0 ||
	    strstr(path, "/webinars") != NULL)
		return "webinar:read:admin";
	if (strstr(path, "/recordings") != NULL)
		return "recording:read:admin";
	if (strncmp(path, "/users", 6) == 0 &&
	    strstr(path, "/meetings") == NULL)
		return "user:read:admin";
	return "meeting:read:admin";
}
