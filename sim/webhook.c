/*
 * webhook.c - Zoom's webhook events, signed, as the simulated clock passes
 * them.
 *
 * At start the events of the org at or after the simulated present
 * (cfg.org.now) are listed and sorted by time: the past is history the API
 * serves, webhooks are for what happens while zp-sim runs.  One sender
 * thread first passes Zoom's endpoint.url_validation challenge, then posts
 * each event once sim_clock reaches it.  A delivery fails on a non-2xx
 * answer or none within 3 seconds; Zoom then retries three times, after 5,
 * 30 and 90 minutes, which here are divided by the speed and capped at a
 * few seconds.  Failed events wait in a retry queue so that they hold no
 * later event back.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "crypto.h"
#include "error.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "sim.h"

#define ANSWER_MS 3000 /* Zoom wants an answer within 3 seconds */
#define VALIDATE_RETRY_MS 2000 /* between failed url_validation rounds */
#define RETRY_CAP_MS 3000 /* longest wait before a retry */
#define IDLE_MS 1000 /* longest wait before looking again */
#define MAX_ANSWER (1 << 20) /* bytes of a receiver's answer we read */
#define MAX_ATTEMPTS 4 /* the first delivery and three retries */

/* Zoom's delays before the first, second and third retry, in seconds. */
static const long retry_delay_s[MAX_ATTEMPTS - 1] = {300, 1800, 5400};

/* What happened; at equal times events are sent in this order. */
enum ev_kind {
	EV_MEETING_STARTED,
	EV_PARTICIPANT_JOINED,
	EV_PARTICIPANT_LEFT,
	EV_MEETING_ENDED,
	EV_WEBINAR_ENDED,
	EV_RECORDING_COMPLETED,
	EV_CALL_COMPLETED
};

/* One event to send: its kind, its simulated time and its entity. */
struct event {
	time_t t;
	int kind; /* enum ev_kind */
	size_t index; /* into instances, parts, winstances, recordings or
			 calls of the org, by kind */
};

/* A failed event waiting for its next attempt. */
struct retry {
	struct event ev;
	int attempts; /* made so far */
	struct timespec due; /* CLOCK_MONOTONIC */
};

/* The sender thread and everything it works with. */
struct sim_webhooks {
	struct sim *sim; /* borrowed; outlives the thread */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* signalled on stop; waits use CLOCK_MONOTONIC */
	int stop; /* guarded by mu */
	struct event *events; /* sorted by time, then kind, then index */
	size_t n_events, cap_events, next;
	struct retry *retries; /* sorted by due time */
	size_t n_retries, cap_retries;
	struct zp_http *http;
	struct zp_http_response rs;
	struct zp_buf body; /* the event being sent */
	struct zp_buf sig; /* its x-zm-signature header line */
	struct zp_arena arena;
	struct zp_json_parser parser; /* for the url_validation answer */
};

/* --- time ------------------------------------------------------------ */

/* ts_add_ms moves t forward by ms milliseconds. */
static void
ts_add_ms(struct timespec *t, long ms)
{
	t->tv_sec += ms / 1000;
	t->tv_nsec += (ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/* ms_until tells how many milliseconds from now until t (at least 0). */
static long
ms_until(const struct timespec *t, const struct timespec *now)
{
	long long ms = (long long)(t->tv_sec - now->tv_sec) * 1000 +
	    (t->tv_nsec - now->tv_nsec) / 1000000;

	return ms > 0 ? (long)(ms > IDLE_MS ? IDLE_MS : ms) : 0;
}

/*
 * real_ms tells how many real milliseconds sim_s simulated seconds take at
 * the configured speed, at least 1 and at most cap (also when the clock
 * is frozen).
 */
static long
real_ms(const struct sim *sim, double sim_s, long cap)
{
	double ms;

	if (sim->cfg.speed <= 0)
		return cap;
	ms = sim_s * 1000.0 / sim->cfg.speed;
	if (ms >= (double)cap)
		return cap;
	return ms < 1.0 ? 1 : (long)ms + 1;
}

/* --- the sender's wake-ups ------------------------------------------- */

/* stopping tells whether sim_webhooks_stop was called: 1 if so. */
static int
stopping(void *arg)
{
	struct sim_webhooks *w = arg;
	int stop;

	pthread_mutex_lock(&w->mu);
	stop = w->stop;
	pthread_mutex_unlock(&w->mu);
	return stop;
}

/* wait_ms sleeps up to ms milliseconds unless stopped; 1 if stopped. */
static int
wait_ms(struct sim_webhooks *w, long ms)
{
	struct timespec until;
	int stop;

	clock_gettime(CLOCK_MONOTONIC, &until);
	ts_add_ms(&until, ms);
	pthread_mutex_lock(&w->mu);
	while (!w->stop &&
	    pthread_cond_timedwait(&w->cv, &w->mu, &until) != ETIMEDOUT)
		;
	stop = w->stop;
	pthread_mutex_unlock(&w->mu);
	return stop;
}

/* count adds one delivery to the statistics: sent if ok, else failed. */
static void
count(struct sim *sim, int ok)
{
	pthread_mutex_lock(&sim->lock);
	if (ok)
		sim->stats.webhooks_sent++;
	else
		sim->stats.webhooks_failed++;
	pthread_mutex_unlock(&sim->lock);
}

/* --- the list of events ---------------------------------------------- */

/* add appends one event if it is at or after the simulated start. */
static int
add(struct sim_webhooks *w, int kind, time_t t, size_t index)
{
	struct event *e;
	size_t cap;

	if (t < w->sim->cfg.org.now)
		return 0;
	if (w->n_events == w->cap_events) {
		cap = w->cap_events ? w->cap_events * 2 : 64;
		e = realloc(w->events, cap * sizeof(*e));
		if (e == NULL)
			return ZP_ENOMEM;
		w->events = e;
		w->cap_events = cap;
	}
	w->events[w->n_events++] = (struct event) {t, kind, index};
	return 0;
}

/* event_cmp orders events by time, then kind, then entity. */
static int
event_cmp(const void *pa, const void *pb)
{
	const struct event *a = pa, *b = pb;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* collect lists every event of the org still to come, in time order. */
static int
collect(struct sim_webhooks *w)
{
	const struct sim_org *o = &w->sim->org;
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < o->n_instances; i++) {
		rc = add(w, EV_MEETING_STARTED, o->instances[i].start, i);
		if (rc == 0)
			rc = add(w, EV_MEETING_ENDED, o->instances[i].end, i);
	}
	for (i = 0; rc == 0 && i < o->n_parts; i++) {
		rc = add(w, EV_PARTICIPANT_JOINED, o->parts[i].join, i);
		if (rc == 0)
			rc = add(w, EV_PARTICIPANT_LEFT, o->parts[i].leave, i);
	}
	for (i = 0; rc == 0 && i < o->n_winstances; i++)
		rc = add(w, EV_WEBINAR_ENDED, o->winstances[i].end, i);
	for (i = 0; rc == 0 && i < o->n_recordings; i++)
		rc = add(w, EV_RECORDING_COMPLETED,
		    o->recordings[i].recording_end, i);
	for (i = 0; rc == 0 && i < o->n_calls; i++)
		rc = add(w, EV_CALL_COMPLETED, o->calls[i].end_time, i);
	if (rc == 0 && w->n_events > 1)
		qsort(w->events, w->n_events, sizeof(*w->events), event_cmp);
	return rc;
}

/* --- rendering ------------------------------------------------------- */

/* event_name is the Zoom event name of e. */
static const char *
event_name(const struct sim_org *o, const struct event *e)
{
	switch (e->kind) {
	case EV_MEETING_STARTED: return "meeting.started";
	case EV_PARTICIPANT_JOINED: return "meeting.participant_joined";
	case EV_PARTICIPANT_LEFT: return "meeting.participant_left";
	case EV_MEETING_ENDED: return "meeting.ended";
	case EV_WEBINAR_ENDED: return "webinar.ended";
	case EV_RECORDING_COMPLETED: return "recording.completed";
	default: break;
	}
	/* The callee's log when the call came in to our member. */
	return strcmp(o->calls[e->index].direction, "inbound") == 0
	    ? "phone.callee_call_log_completed"
	    : "phone.caller_call_log_completed";
}

/* What meetings and webinars have in common in an event's object. */
struct owner {
	uint64_t id;
	int host;
	const char *topic;
	int type;
	int duration;
	const char *timezone;
};

/* meeting_owner describes the meeting of instance in. */
static struct owner
meeting_owner(const struct sim_org *o, const struct sim_instance *in)
{
	const struct sim_meeting *m = &o->meetings[in->owner];

	return (struct owner) {
	    m->id, m->host, m->topic, m->type, m->duration, m->timezone};
}

/* jw_time writes the key k with t as "YYYY-MM-DDTHH:MM:SSZ". */
static void
jw_time(struct zp_jw *j, const char *k, time_t t)
{
	char s[21];

	sim_time_format(t, s);
	zp_jw_key(j, k);
	zp_jw_str(j, s);
}

/* jw_kv writes the key k with the string v ("" for NULL). */
static void
jw_kv(struct zp_jw *j, const char *k, const char *v)
{
	zp_jw_key(j, k);
	zp_jw_str(j, v != NULL ? v : "");
}

/*
 * instance_fields writes the fields Zoom's meeting and webinar objects
 * share, with end_time when end is not 0; the object stays open.
 */
static void
instance_fields(struct zp_jw *j, const struct sim_org *o,
    const struct owner *w, const struct sim_instance *in, time_t end)
{
	char id[24];

	snprintf(id, sizeof(id), "%llu", (unsigned long long)w->id);
	jw_kv(j, "id", id);
	jw_kv(j, "uuid", in->uuid);
	jw_kv(j, "host_id", o->users[w->host].id);
	jw_kv(j, "topic", w->topic);
	zp_jw_key(j, "type");
	zp_jw_int(j, w->type);
	jw_time(j, "start_time", in->start);
	if (end != 0)
		jw_time(j, "end_time", end);
	zp_jw_key(j, "duration");
	zp_jw_int(j, w->duration);
	jw_kv(j, "timezone", w->timezone);
}

/* participant writes object.participant of a joined or left event. */
static void
participant(struct zp_jw *j, const struct sim_part *p, int left)
{
	zp_jw_key(j, "participant");
	zp_jw_object(j);
	jw_kv(j, "user_id", p->user_id);
	jw_kv(j, "user_name", p->name);
	jw_kv(j, "id", p->id);
	if (left)
		jw_time(j, "leave_time", p->leave);
	else
		jw_time(j, "join_time", p->join);
	jw_kv(j, "email", p->email);
	if (p->registrant_id[0] != '\0')
		jw_kv(j, "registrant_id", p->registrant_id);
	jw_kv(j, "participant_user_id", p->id);
	zp_jw_end(j);
}

/* meeting_object writes object of a meeting or participant event. */
static void
meeting_object(struct zp_jw *j, const struct sim_org *o, const struct event *e)
{
	const struct sim_part *p = NULL;
	const struct sim_instance *in;
	struct owner m;

	if (e->kind == EV_PARTICIPANT_JOINED || e->kind == EV_PARTICIPANT_LEFT)
		p = &o->parts[e->index];
	in = &o->instances[p != NULL ? p->instance : e->index];
	m = meeting_owner(o, in);
	zp_jw_object(j);
	instance_fields(
	    j, o, &m, in, e->kind == EV_MEETING_ENDED ? in->end : 0);
	if (p != NULL)
		participant(j, p, e->kind == EV_PARTICIPANT_LEFT);
	zp_jw_end(j);
}

/* webinar_object writes object of webinar.ended. */
static void
webinar_object(struct zp_jw *j, const struct sim_org *o, size_t index)
{
	const struct sim_instance *in = &o->winstances[index];
	const struct sim_webinar *wb = &o->webinars[in->owner];
	struct owner w = {wb->id, wb->host, wb->topic, 5, wb->duration,
	    wb->timezone}; /* type 5: a webinar */

	zp_jw_object(j);
	instance_fields(j, o, &w, in, in->end);
	zp_jw_end(j);
}

/* recording_object writes object of recording.completed. */
static void
recording_object(struct zp_jw *j, const struct sim_org *o, size_t index)
{
	const struct sim_recording *r = &o->recordings[index];
	const struct sim_instance *in = &o->instances[r->instance];
	struct owner m = meeting_owner(o, in);

	/* Zoom's duration here is the recording's, in minutes. */
	m.duration = (int)((r->recording_end - r->recording_start + 59) / 60);
	zp_jw_object(j);
	instance_fields(j, o, &m, in, 0);
	jw_kv(j, "account_id", o->opts.account_id);
	zp_jw_key(j, "total_size");
	zp_jw_int(j, (long long)r->total_size);
	zp_jw_key(j, "recording_count");
	zp_jw_int(j, r->n_files);
	zp_jw_end(j);
}

/* call_object writes object of a phone call log event. */
static void
call_object(struct zp_jw *j, const struct sim_org *o, size_t index)
{
	const struct sim_call *c = &o->calls[index];

	zp_jw_object(j);
	jw_kv(j, "user_id", o->users[c->user].id);
	zp_jw_key(j, "call_logs");
	zp_jw_array(j);
	zp_jw_object(j);
	jw_kv(j, "id", c->id);
	jw_kv(j, "call_id", c->call_id);
	jw_kv(j, "caller_number", c->caller_number);
	jw_kv(j, "caller_name", c->caller_name);
	jw_kv(j, "callee_number", c->callee_number);
	jw_kv(j, "callee_name", c->callee_name);
	jw_kv(j, "direction", c->direction);
	zp_jw_key(j, "duration");
	zp_jw_int(j, c->duration);
	jw_kv(j, "result", c->call_result);
	jw_time(j, "date_time", c->start_time);
	if (c->answer_time != 0)
		jw_time(j, "answer_start_time", c->answer_time);
	jw_time(j, "call_end_time", c->end_time);
	zp_jw_end(j);
	zp_jw_end(j);
	zp_jw_end(j);
}

/* render writes the body of event e into w->body. */
static int
render(struct sim_webhooks *w, const struct event *e)
{
	const struct sim_org *o = &w->sim->org;
	struct zp_jw j;

	zp_buf_reset(&w->body);
	zp_jw_init(&j, &w->body);
	zp_jw_object(&j);
	jw_kv(&j, "event", event_name(o, e));
	zp_jw_key(&j, "event_ts");
	zp_jw_int(&j, (long long)e->t * 1000);
	zp_jw_key(&j, "payload");
	zp_jw_object(&j);
	jw_kv(&j, "account_id", o->opts.account_id);
	zp_jw_key(&j, "object");
	if (e->kind == EV_WEBINAR_ENDED)
		webinar_object(&j, o, e->index);
	else if (e->kind == EV_RECORDING_COMPLETED)
		recording_object(&j, o, e->index);
	else if (e->kind == EV_CALL_COMPLETED)
		call_object(&j, o, e->index);
	else
		meeting_object(&j, o, e);
	zp_jw_end(&j);
	zp_jw_end(&j);
	return zp_jw_finish(&j);
}

/* --- posting --------------------------------------------------------- */

/*
 * post sends w->body, signed as Zoom signs it, and waits up to 3 seconds
 * for the answer in w->rs.  The request timestamp is the real time of
 * sending, as receivers that reject stale requests expect; the event's
 * own time is its event_ts.  Returns 0 when an answer came.
 */
static int
post(struct sim_webhooks *w)
{
	const char *secret = w->sim->cfg.webhook_secret;
	char ts[24], ts_line[64];
	const char *hdrs[4];
	struct zp_http_request rq = {0};
	int rc;

	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
	snprintf(ts_line, sizeof(ts_line), "x-zm-request-timestamp: %s", ts);
	zp_buf_reset(&w->sig);
	rc = zp_buf_puts(&w->sig, "x-zm-signature: ");
	if (rc == 0)
		rc = zp_zoom_webhook_signature(secret, strlen(secret), ts,
		    w->body.data, w->body.len, &w->sig);
	if (rc != 0)
		return rc;
	hdrs[0] = "Content-Type: application/json";
	hdrs[1] = "User-Agent: Zoom Marketplace/1.0a";
	hdrs[2] = ts_line;
	hdrs[3] = w->sig.data;
	rq.method = "POST";
	rq.url = w->sim->cfg.webhook_url;
	rq.headers = hdrs;
	rq.n_headers = 4;
	rq.body = w->body.data;
	rq.body_len = w->body.len;
	rq.timeout_ms = ANSWER_MS;
	rq.max_body = MAX_ANSWER;
	rq.cancel = stopping;
	rq.cancel_arg = w;
	return zp_http_do(w->http, &rq, &w->rs);
}

/* answered_2xx tells whether post's result rc is a 2xx answer. */
static int
answered_2xx(const struct sim_webhooks *w, int rc)
{
	return rc == 0 && w->rs.status >= 200 && w->rs.status <= 299;
}

/* why_failed is the text of a failed post's result rc. */
static const char *
why_failed(const struct sim_webhooks *w, int rc)
{
	return rc == ZP_ETRANSPORT && w->rs.error[0] ? w->rs.error
						     : zp_strerror(rc);
}

/* log_failure says why an attempt of what failed, without secrets. */
static void
log_failure(
    const struct sim_webhooks *w, const char *what, int attempt, int rc)
{
	if (rc == 0)
		zp_warn("webhook: failed event=%s attempt=%d status=%d", what,
		    attempt, w->rs.status);
	else
		zp_warn("webhook: failed event=%s attempt=%d error=%s", what,
		    attempt, why_failed(w, rc));
}

/* --- endpoint.url_validation ----------------------------------------- */

/* challenge_body writes the url_validation event for token into w->body. */
static int
challenge_body(struct sim_webhooks *w, const char *token)
{
	struct zp_jw j;

	zp_buf_reset(&w->body);
	zp_jw_init(&j, &w->body);
	zp_jw_object(&j);
	zp_jw_key(&j, "payload");
	zp_jw_object(&j);
	jw_kv(&j, "plainToken", token);
	zp_jw_end(&j);
	zp_jw_key(&j, "event_ts");
	zp_jw_int(&j, (long long)sim_clock(w->sim) * 1000);
	jw_kv(&j, "event", "endpoint.url_validation");
	zp_jw_end(&j);
	return zp_jw_finish(&j);
}

/*
 * check_answer tells whether w->rs is {"plainToken":token,
 * "encryptedToken":hex HMAC-SHA256(secret, token)}: 0 or ZP_EINVAL.
 */
static int
check_answer(struct sim_webhooks *w, const char *token)
{
	const char *secret = w->sim->cfg.webhook_secret;
	unsigned char mac[ZP_SHA256_LEN];
	struct zp_buf hex = ZP_BUF_INIT;
	struct zp_json *root = NULL;
	const struct zp_json *e;
	int rc = ZP_EINVAL;

	zp_arena_reset(&w->arena);
	if (zp_json_parse(
		&w->parser, w->rs.body.data, w->rs.body.len, &root) != 0)
		goto out;
	e = zp_json_get(root, "encryptedToken");
	if (!zp_json_is_str(zp_json_get(root, "plainToken"), token) ||
	    e == NULL || e->type != ZP_JSON_STRING)
		goto out;
	if (zp_hmac_sha256(
		secret, strlen(secret), token, strlen(token), mac) != 0 ||
	    zp_hex_encode(&hex, mac, sizeof(mac)) != 0)
		goto out;
	if (e->n == hex.len && zp_crypto_equal(e->u.s, hex.data, hex.len))
		rc = 0;
out:
	zp_buf_release(&hex);
	return rc;
}

/* challenge runs one url_validation round with a fresh token: 0 if passed. */
static int
challenge(struct sim_webhooks *w)
{
	unsigned char raw[16];
	struct zp_buf token = ZP_BUF_INIT;
	int rc;

	rc = zp_random_bytes(raw, sizeof(raw));
	if (rc == 0)
		rc = zp_base64url_encode(&token, raw, sizeof(raw));
	if (rc == 0)
		rc = challenge_body(w, token.data);
	if (rc == 0)
		rc = post(w);
	if (rc == 0 && !answered_2xx(w, rc)) {
		zp_error("webhook: endpoint.url_validation: status=%d",
		    w->rs.status);
		rc = ZP_ETRANSPORT;
	} else if (rc == 0 && (rc = check_answer(w, token.data)) != 0) {
		zp_error("webhook: endpoint.url_validation: wrong answer");
	} else if (rc != 0 && rc != ZP_EINTR) {
		zp_error(
		    "webhook: endpoint.url_validation: %s", why_failed(w, rc));
	}
	zp_buf_release(&token);
	return rc;
}

/* validate repeats the challenge until it passes: 0, or 1 if stopped. */
static int
validate(struct sim_webhooks *w)
{
	while (challenge(w) != 0)
		if (wait_ms(w, VALIDATE_RETRY_MS))
			return 1;
	zp_info("webhook: endpoint validated");
	return 0;
}

/* --- delivery -------------------------------------------------------- */

/* retries_grow makes room for one more retry; 0 or ZP_ENOMEM. */
static int
retries_grow(struct sim_webhooks *w)
{
	struct retry *p;
	size_t cap;

	if (w->n_retries < w->cap_retries)
		return 0;
	cap = w->cap_retries ? w->cap_retries * 2 : 16;
	p = realloc(w->retries, cap * sizeof(*p));
	if (p == NULL)
		return ZP_ENOMEM;
	w->retries = p;
	w->cap_retries = cap;
	return 0;
}

/*
 * schedule_retry queues ev, already tried attempts times, for Zoom's next
 * retry delay divided by the speed (at most RETRY_CAP_MS) from now.
 */
static void
schedule_retry(struct sim_webhooks *w, const struct event *ev, int attempts)
{
	struct retry r = {*ev, attempts, {0, 0}};
	double delay_s = (double)retry_delay_s[attempts - 1];
	size_t i;

	if (retries_grow(w) != 0) {
		zp_error("webhook: out of memory, event dropped");
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &r.due);
	ts_add_ms(&r.due, real_ms(w->sim, delay_s, RETRY_CAP_MS));
	for (i = w->n_retries; i > 0; i--) {
		const struct timespec *d = &w->retries[i - 1].due;

		if (d->tv_sec < r.due.tv_sec ||
		    (d->tv_sec == r.due.tv_sec && d->tv_nsec <= r.due.tv_nsec))
			break;
		w->retries[i] = w->retries[i - 1];
	}
	w->retries[i] = r;
	w->n_retries++;
}

/*
 * deliver makes attempt number attempts (from 1) to send ev, counts it,
 * and queues a retry after a failure unless that was the last attempt.
 */
static void
deliver(struct sim_webhooks *w, const struct event *ev, int attempts)
{
	const char *name = event_name(&w->sim->org, ev);
	int rc = render(w, ev), ok;

	if (rc == 0)
		rc = post(w);
	if (rc == ZP_EINTR)
		return; /* stopping: neither sent nor failed */
	ok = answered_2xx(w, rc);
	count(w->sim, ok);
	if (ok) {
		zp_debug("webhook: sent event=%s attempt=%d status=%d", name,
		    attempts, w->rs.status);
		return;
	}
	log_failure(w, name, attempts, rc);
	if (attempts < MAX_ATTEMPTS)
		schedule_retry(w, ev, attempts);
	else
		zp_warn(
		    "webhook: gave up event=%s attempts=%d", name, attempts);
}

/* step sends one event that is due, or waits until one may be. */
static void
step(struct sim_webhooks *w)
{
	struct timespec mono;
	time_t now = sim_clock(w->sim);
	long ms = IDLE_MS;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	if (w->n_retries > 0 && ms_until(&w->retries[0].due, &mono) == 0) {
		struct retry r = w->retries[0];

		memmove(w->retries, w->retries + 1,
		    --w->n_retries * sizeof(*w->retries));
		deliver(w, &r.ev, r.attempts + 1);
		return;
	}
	if (w->next < w->n_events && w->events[w->next].t <= now) {
		deliver(w, &w->events[w->next++], 1);
		return;
	}
	if (w->n_retries > 0)
		ms = ms_until(&w->retries[0].due, &mono);
	if (w->next < w->n_events) {
		long until = real_ms(
		    w->sim, difftime(w->events[w->next].t, now), IDLE_MS);

		ms = until < ms ? until : ms;
	}
	wait_ms(w, ms);
}

/* sender is the thread: validate the endpoint, then send as time passes. */
static void *
sender(void *arg)
{
	struct sim_webhooks *w = arg;

	if (validate(w) != 0)
		return NULL;
	while (!stopping(w))
		step(w);
	return NULL;
}

/* --- start and stop -------------------------------------------------- */

/* webhooks_free releases everything w holds; accepts NULL. */
static void
webhooks_free(struct sim_webhooks **pw)
{
	struct sim_webhooks *w = *pw;

	if (w == NULL)
		return;
	zp_http_free(&w->http);
	zp_http_response_release(&w->rs);
	zp_buf_release(&w->body);
	zp_buf_release(&w->sig);
	zp_json_parser_release(&w->parser);
	zp_arena_release(&w->arena);
	free(w->events);
	free(w->retries);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
	*pw = NULL;
}

/*
 * webhooks_new makes the sender's state in *out (freed with webhooks_free,
 * also after a failure once *out is set); 0 or a ZP_E* code.
 */
static int
webhooks_new(struct sim *sim, struct sim_webhooks **out)
{
	struct sim_webhooks *w = calloc(1, sizeof(*w));
	pthread_condattr_t ca;
	int rc;

	*out = NULL;
	if (w == NULL)
		return ZP_ENOMEM;
	w->sim = sim;
	if (pthread_condattr_init(&ca) != 0) {
		free(w);
		return ZP_ENOMEM;
	}
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	rc = pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (rc != 0 || pthread_mutex_init(&w->mu, NULL) != 0) {
		if (rc == 0)
			pthread_cond_destroy(&w->cv);
		free(w);
		return ZP_ENOMEM;
	}
	zp_json_parser_init(&w->parser, &w->arena);
	*out = w;
	return zp_http_new(&w->http);
}

/*
 * spawn starts the sender with every signal blocked, so that SIGINT and
 * SIGTERM reach the thread that waits for them.
 */
static int
spawn(struct sim_webhooks *w)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&w->thread, NULL, sender, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc == 0 ? 0 : ZP_ENOMEM;
}

/*
 * sim_webhooks_start starts the sender when cfg.webhook_url is set; it
 * borrows sim until sim_webhooks_stop.  0, ZP_ESECRET without a webhook
 * secret, or ZP_ENOMEM.
 */
int
sim_webhooks_start(struct sim *sim)
{
	struct sim_webhooks *w = NULL;
	int rc;

	if (sim->cfg.webhook_url == NULL || sim->cfg.webhook_url[0] == '\0')
		return 0;
	if (sim->cfg.webhook_secret[0] == '\0') {
		zp_error("webhook: a webhook URL needs a webhook secret");
		return ZP_ESECRET;
	}
	rc = webhooks_new(sim, &w);
	if (rc == 0)
		rc = collect(w);
	if (rc == 0)
		rc = spawn(w);
	if (rc != 0) {
		webhooks_free(&w);
		return rc;
	}
	zp_info("webhook: %zu events to send", w->n_events);
	sim->webhooks = w;
	return 0;
}

/* sim_webhooks_stop wakes the sender, waits for it and frees its state. */
void
sim_webhooks_stop(struct sim *sim)
{
	struct sim_webhooks *w = sim->webhooks;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	webhooks_free(&sim->webhooks);
}
