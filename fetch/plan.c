/*
 * plan.c - the endpoints zp-fetch calls, their rate-limit categories (as
 * Zoom's API reference labels them), and how one listing leads to the
 * next: users to their reports, report meetings to each instance's
 * details and participants, webinars to their instances and attendees.
 *
 * /users/{userId}/meetings lists scheduled meetings only: instant
 * meetings and the earlier instances of recurring ones come from the
 * report API, so past meetings are crawled from
 * /report/users/{userId}/meetings in windows of at most one month
 * (DESIGN.md, Facts).
 */
#include "plan.h"

#include <stdio.h>
#include <string.h>

#include "error.h"
#include "url.h"

#define DAY 86400L
#define WINDOW_DAYS 30 /* Zoom: a report window spans at most a month */

static const struct fetch_kind_info kinds[FK_NKINDS] = {
    [FK_USERS] = {"users", FETCH_USERS, FETCH_MEDIUM, "/users", "users", 1},
    [FK_USER_MEETINGS] = {"user_meetings", FETCH_MEETINGS, FETCH_MEDIUM,
	"/users/{userId}/meetings", "meetings", 1},
    [FK_REPORT_MEETINGS] = {"report_meetings", FETCH_PAST_MEETINGS,
	FETCH_HEAVY, "/report/users/{userId}/meetings", "meetings", 1},
    [FK_PAST_MEETING] = {"past_meeting", FETCH_PAST_MEETINGS, FETCH_LIGHT,
	"/past_meetings/{meetingId}", NULL, 0},
    [FK_PAST_PARTICIPANTS] = {"past_participants", FETCH_PAST_MEETINGS,
	FETCH_MEDIUM, "/past_meetings/{meetingId}/participants",
	"participants", 1},
    [FK_REPORT_PARTICIPANTS] = {"report_participants", FETCH_PAST_MEETINGS,
	FETCH_HEAVY, "/report/meetings/{meetingId}/participants",
	"participants", 1},
    [FK_USER_WEBINARS] = {"user_webinars", FETCH_WEBINARS, FETCH_MEDIUM,
	"/users/{userId}/webinars", "webinars", 1},
    [FK_WEBINAR_INSTANCES] = {"webinar_instances", FETCH_WEBINARS,
	FETCH_MEDIUM, "/past_webinars/{webinarId}/instances", "webinars", 0},
    [FK_WEBINAR_PARTICIPANTS] = {"webinar_participants", FETCH_WEBINARS,
	FETCH_MEDIUM, "/past_webinars/{webinarId}/participants",
	"participants", 1},
    [FK_RECORDINGS] = {"recordings", FETCH_RECORDINGS, FETCH_MEDIUM,
	"/users/{userId}/recordings", "meetings", 1},
    [FK_CALLS] = {"call_history", FETCH_PHONE, FETCH_HEAVY,
	"/phone/call_history", "call_logs", 1},
    [FK_METRICS] = {"metrics_meetings", FETCH_METRICS, FETCH_RESOURCE,
	"/metrics/meetings", "meetings", 1},
    [FK_METRICS_PARTICIPANTS] = {"metrics_participants", FETCH_METRICS,
	FETCH_HEAVY, "/metrics/meetings/{meetingId}/participants",
	"participants", 1},
};

static const char *const stream_names[FETCH_NSTREAMS] = {"users", "meetings",
    "past_meetings", "webinars", "recordings", "phone", "metrics"};

static const char *const category_names[FETCH_NCAT] = {
    "Light", "Medium", "Heavy", "Resource-intensive"};

/* fetch_kind_info returns the table row of k. */
const struct fetch_kind_info *
fetch_kind_info(enum fetch_kind k)
{
	return &kinds[k];
}

/* fetch_stream_name is the --streams name of s. */
const char *
fetch_stream_name(enum fetch_stream s)
{
	return stream_names[s];
}

/* fetch_category_name is Zoom's label of c. */
const char *
fetch_category_name(enum fetch_category c)
{
	return category_names[c];
}

/* fetch_stream_parse reads a comma-separated list of stream names. */
int
fetch_stream_parse(const char *list, unsigned *set, struct zp_buf *why)
{
	const char *p = list, *end;
	size_t n;
	int s, found;

	*set = 0;
	while (*p != '\0') {
		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		found = 0;
		for (s = 0; s < FETCH_NSTREAMS && !found; s++)
			if (strlen(stream_names[s]) == n &&
			    strncmp(stream_names[s], p, n) == 0) {
				*set |= 1u << s;
				found = 1;
			}
		if (!found) {
			zp_buf_printf(why,
			    "unknown stream '%.*s' (streams: users, meetings, "
			    "past_meetings, webinars, recordings, phone, "
			    "metrics)",
			    (int)n, p);
			return ZP_EINVAL;
		}
		p += n + (end != NULL);
	}
	if (*set == 0) {
		zp_buf_puts(why, "no stream named");
		return ZP_EINVAL;
	}
	return 0;
}

/* --- days ------------------------------------------------------------ */

/* fetch_day_of is the UTC day of t. */
long
fetch_day_of(time_t t)
{
	long d = (long)(t / DAY);

	return t < 0 && t % DAY != 0 ? d - 1 : d;
}

/* fetch_day_parse reads "YYYY-MM-DD" or the date of an RFC 3339 time. */
int
fetch_day_parse(const char *s, long *day)
{
	struct tm tm;
	int y, m, d, n = 0;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    (s[10] != '\0' && s[10] != 'T') || m < 1 || m > 12 || d < 1 ||
	    d > 31)
		return ZP_EINVAL;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	*day = fetch_day_of(timegm(&tm));
	return tm.tm_mday == d ? 0 : ZP_EINVAL;
}

/* fetch_day_format writes day as YYYY-MM-DD. */
void
fetch_day_format(long day, char out[11])
{
	time_t t = (time_t)day * DAY;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* fetch_six_months_back is the day six calendar months before today,
 * the day after it in fact: one day of margin against Zoom's counting. */
long
fetch_six_months_back(long today)
{
	static const int mdays[12] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	time_t t = (time_t)today * DAY;
	struct tm tm;
	int y, last;

	gmtime_r(&t, &tm);
	tm.tm_mon -= 6;
	if (tm.tm_mon < 0) {
		tm.tm_mon += 12;
		tm.tm_year--;
	}
	y = tm.tm_year + 1900;
	last = mdays[tm.tm_mon] +
	    (tm.tm_mon == 1 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	if (tm.tm_mday > last)
		tm.tm_mday = last;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	return fetch_day_of(timegm(&tm)) + 1;
}

/* --- windows --------------------------------------------------------- */

/* fetch_plan_windows splits w into windows of at most WINDOW_DAYS. */
int
fetch_plan_windows(const struct fetch_window *w,
    int (*fn)(void *arg, long from, long to), void *arg)
{
	long from, to;
	int rc;

	for (from = w->since; from <= w->until; from = to + 1) {
		to = from + WINDOW_DAYS - 1;
		if (to > w->until)
			to = w->until;
		if ((rc = fn(arg, from, to)) != 0)
			return rc;
	}
	return 0;
}

/* A path being built for one kind of task. */
struct windowed {
	fetch_plan_add_fn add;
	void *arg;
	enum fetch_kind kind;
	const char *prefix; /* the path up to '?' */
	const char *extra; /* query before from/to, ending in '&', or "" */
	int page_size;
};

/* add_window adds the task of one window of a windowed listing. */
static int
add_window(void *arg, long from, long to)
{
	const struct windowed *w = arg;
	char f[11], t[11], path[1024];

	fetch_day_format(from, f);
	fetch_day_format(to, t);
	if ((size_t)snprintf(path, sizeof(path),
		"%s?%sfrom=%s&to=%s&page_size=%d", w->prefix, w->extra, f, t,
		w->page_size) >= sizeof(path))
		return ZP_ETOOBIG;
	return w->add(w->arg, w->kind, path);
}

/* add_windows adds one task per window of win. */
static int
add_windows(const struct fetch_plan *p, const struct fetch_window *win,
    enum fetch_kind kind, const char *prefix, const char *extra,
    fetch_plan_add_fn add, void *arg)
{
	struct windowed w = {add, arg, kind, prefix, extra, p->page_size};

	return fetch_plan_windows(win, add_window, &w);
}

/* --- roots ----------------------------------------------------------- */

/* per_user tells whether a stream of the set needs every user. */
static int
per_user(unsigned streams)
{
	return (streams &
		   ((1u << FETCH_USERS) | (1u << FETCH_MEETINGS) |
		       (1u << FETCH_PAST_MEETINGS) | (1u << FETCH_WEBINARS) |
		       (1u << FETCH_RECORDINGS))) != 0;
}

/* fetch_plan_roots adds the first tasks of one account. */
int
fetch_plan_roots(const struct fetch_plan *p, fetch_plan_add_fn add, void *arg)
{
	static const char *const statuses[] = {
	    "active", "inactive", "pending"};
	char path[64];
	size_t i;
	int rc;

	for (i = 0; per_user(p->streams) && i < 3; i++) {
		snprintf(path, sizeof(path), "/users?status=%s&page_size=%d",
		    statuses[i], p->page_size);
		if ((rc = add(arg, FK_USERS, path)) != 0)
			return rc;
	}
	if ((p->streams & (1u << FETCH_PHONE)) &&
	    (rc = add_windows(p, &p->report, FK_CALLS, "/phone/call_history",
		 "", add, arg)) != 0)
		return rc;
	if ((p->streams & (1u << FETCH_METRICS)) &&
	    (rc = add_windows(p, &p->report, FK_METRICS, "/metrics/meetings",
		 "type=past&", add, arg)) != 0)
		return rc;
	return 0;
}

/* --- children -------------------------------------------------------- */

/* str_of returns the string member key of item as a NUL-terminated copy
 * in out, or NULL when it is missing, empty or too long. */
static const char *
str_of(const struct zp_json *item, const char *key, char *out, size_t cap)
{
	const struct zp_json *v = zp_json_get(item, key);

	if (v == NULL || v->n == 0 || v->n >= cap)
		return NULL;
	if (v->type != ZP_JSON_STRING && v->type != ZP_JSON_NUMBER)
		return NULL;
	memcpy(out, v->u.s, v->n);
	out[v->n] = '\0';
	return out;
}

/* add_one adds prefix + encoded id + suffix; uuid chooses Zoom's
 * double-encoding rule for meeting UUIDs over plain encoding. */
static int
add_one(const struct fetch_plan *p, fetch_plan_add_fn add, void *arg,
    enum fetch_kind kind, const char *prefix, const char *id, int uuid,
    const char *suffix)
{
	struct zp_buf path = ZP_BUF_INIT;
	int rc;

	rc = zp_buf_puts(&path, prefix);
	if (rc == 0)
		rc = uuid ? zp_zoom_uuid_path(&path, id)
			  : zp_url_encode(&path, id, strlen(id));
	if (rc == 0)
		rc = zp_buf_puts(&path, suffix);
	if (rc == 0 && fetch_kind_info(kind)->paged)
		rc = zp_buf_printf(&path, "%cpage_size=%d",
		    strchr(suffix, '?') != NULL ? '&' : '?', p->page_size);
	if (rc == 0)
		rc = add(arg, kind, path.data);
	zp_buf_release(&path);
	return rc;
}

/* user_children adds what one member of the account leads to. */
static int
user_children(const struct fetch_plan *p, const struct zp_json *u,
    fetch_plan_add_fn add, void *arg)
{
	char id[256], prefix[300];
	struct zp_buf enc = ZP_BUF_INIT;
	int rc = 0;

	/* A pending member has never signed in: nothing to crawl. */
	if (str_of(u, "id", id, sizeof(id)) == NULL ||
	    zp_json_is_str(zp_json_get(u, "status"), "pending"))
		return 0;
	if (zp_url_encode(&enc, id, strlen(id)) != 0)
		return ZP_ENOMEM;
	if (p->streams & (1u << FETCH_MEETINGS))
		rc = add_one(p, add, arg, FK_USER_MEETINGS, "/users/", id, 0,
		    "/meetings?type=scheduled");
	snprintf(
	    prefix, sizeof(prefix), "/report/users/%s/meetings", enc.data);
	if (rc == 0 && (p->streams & (1u << FETCH_PAST_MEETINGS)))
		rc = add_windows(p, &p->report, FK_REPORT_MEETINGS, prefix,
		    "type=past&", add, arg);
	if (rc == 0 && (p->streams & (1u << FETCH_WEBINARS)))
		rc = add_one(p, add, arg, FK_USER_WEBINARS, "/users/", id, 0,
		    "/webinars");
	snprintf(prefix, sizeof(prefix), "/users/%s/recordings", enc.data);
	if (rc == 0 && (p->streams & (1u << FETCH_RECORDINGS)))
		rc = add_windows(
		    p, &p->full, FK_RECORDINGS, prefix, "", add, arg);
	zp_buf_release(&enc);
	return rc;
}

/* instance_children adds the details and participants of one ended
 * meeting instance. */
static int
instance_children(const struct fetch_plan *p, const struct zp_json *m,
    fetch_plan_add_fn add, void *arg)
{
	char uuid[256];
	int rc;

	if (str_of(m, "uuid", uuid, sizeof(uuid)) == NULL)
		return 0;
	rc = add_one(
	    p, add, arg, FK_PAST_MEETING, "/past_meetings/", uuid, 1, "");
	if (rc == 0 && p->report_participants)
		rc = add_one(p, add, arg, FK_REPORT_PARTICIPANTS,
		    "/report/meetings/", uuid, 1, "/participants");
	else if (rc == 0)
		rc = add_one(p, add, arg, FK_PAST_PARTICIPANTS,
		    "/past_meetings/", uuid, 1, "/participants");
	return rc;
}

/* in_window tells whether the start_time of item falls in w. */
static int
in_window(const struct zp_json *item, const struct fetch_window *w)
{
	char t[64];
	long day;

	if (str_of(item, "start_time", t, sizeof(t)) == NULL ||
	    fetch_day_parse(t, &day) != 0)
		return 1; /* no date to judge by: keep it */
	return day >= w->since && day <= w->until;
}

/* item_children adds what one item of a kind-k page leads to. */
static int
item_children(const struct fetch_plan *p, enum fetch_kind k,
    const struct zp_json *it, fetch_plan_add_fn add, void *arg)
{
	char id[256];

	switch (k) {
	case FK_USERS: return user_children(p, it, add, arg);
	case FK_REPORT_MEETINGS: return instance_children(p, it, add, arg);
	case FK_USER_WEBINARS:
		if (str_of(it, "id", id, sizeof(id)) == NULL)
			return 0;
		return add_one(p, add, arg, FK_WEBINAR_INSTANCES,
		    "/past_webinars/", id, 0, "/instances");
	case FK_WEBINAR_INSTANCES:
		if (str_of(it, "uuid", id, sizeof(id)) == NULL ||
		    !in_window(it, &p->full))
			return 0;
		return add_one(p, add, arg, FK_WEBINAR_PARTICIPANTS,
		    "/past_webinars/", id, 1, "/participants");
	case FK_METRICS:
		if (str_of(it, "uuid", id, sizeof(id)) == NULL)
			return 0;
		return add_one(p, add, arg, FK_METRICS_PARTICIPANTS,
		    "/metrics/meetings/", id, 1, "/participants?type=past");
	default: return 0;
	}
}

/* fetch_plan_children adds the tasks the items of one page lead to. */
int
fetch_plan_children(const struct fetch_plan *p, enum fetch_kind k,
    const struct zp_json *body, fetch_plan_add_fn add, void *arg)
{
	const struct zp_json *arr;
	size_t i;
	int rc;

	if (kinds[k].array == NULL || body == NULL ||
	    body->type != ZP_JSON_OBJECT)
		return 0;
	arr = zp_json_get(body, kinds[k].array);
	if (arr == NULL || arr->type != ZP_JSON_ARRAY)
		return 0;
	for (i = 0; i < arr->n; i++) {
		if (arr->u.items[i].type != ZP_JSON_OBJECT)
			continue;
		rc = item_children(p, k, &arr->u.items[i], add, arg);
		if (rc != 0)
			return rc;
	}
	return 0;
}
