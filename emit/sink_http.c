/*
 * sink_http.c - --to http://host:port/path (or https://): the records that
 * changed, POSTed as NDJSON batches.
 *
 * Each batch is at most --http-batch records, one per line, and carries
 *
 *   Content-Type: application/x-ndjson
 *   Idempotency-Key: the hex SHA-256 of the exact body
 *   X-Zoompipe-Stream: users, meetings, ... (emit_stream_name)
 *   X-Zoompipe-Records: the number of lines
 *   Authorization: Bearer TOKEN (ZP_EMIT_HTTP_TOKEN or --http-token-file)
 *
 * The key depends on the body alone, so a batch sent again (a retry, or
 * the next run after a failed one) carries the same key and the receiver
 * can drop what it already stored.  A transport error, 408, 429 and 5xx
 * are retried with exponential backoff and equal jitter (an answer's
 * Retry-After in seconds replaces the wait, within --http-backoff-max-ms),
 * up to --http-attempts tries; any other status outside 2xx refuses the
 * batch for good.  Either failure fails the run before the state is saved,
 * so the next run sends the records again.  One handle serves the whole
 * run and keeps its connection alive.  The token is read once, at open,
 * and never logged; URLs are logged without userinfo, query or fragment.
 */
#include "emit.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "error.h"
#include "http.h"
#include "log.h"
#include "signals.h"
#include "splitmix.h"

#define HTTP_BATCH_DEFAULT 500
#define HTTP_ANSWER_MAX (1 << 20) /* the most of an answer kept */
#define HTTP_SHOWN_BODY 200 /* bytes of a refusal's body logged */
#define PAUSE_SLICE_MS 100 /* a stop is noticed within this */

/* One HTTP sink: its connection, what it sends with and what it did. */
struct emit_sink {
	struct zp_http *http;
	struct zp_http_response rs;
	char *url; /* the whole spec, userinfo and query included */
	struct zp_buf shown; /* the URL fit for a log line */
	struct zp_buf auth; /* "Authorization: Bearer ..." or empty */
	struct zp_buf body; /* the batch being sent */
	long batch, attempts, backoff_ms, backoff_max_ms, timeout_ms;
	uint64_t rng;
	long batches, records, retries; /* delivered batches and records */
};

/* How one answer (or its absence) decides a batch's fate. */
enum verdict { SENT, RETRY, REFUSED, BROKEN };

/* --- the URL --------------------------------------------------------- */

/* scheme_len is the length of "http://" or "https://" starting s, or 0. */
static size_t
scheme_len(const char *s)
{
	if (strncasecmp(s, "http://", 7) == 0)
		return 7;
	if (strncasecmp(s, "https://", 8) == 0)
		return 8;
	return 0;
}

/*
 * url_show appends spec to out without its userinfo, query and fragment,
 * so that it can be logged whether or not it is a valid URL.
 */
static int
url_show(struct zp_buf *out, const char *spec)
{
	const char *sep = strstr(spec, "://");
	const char *auth = sep != NULL ? sep + 3 : spec;
	size_t alen = strcspn(auth, "/?#");
	const char *at = NULL, *p;
	int rc;

	for (p = auth; p < auth + alen; p++)
		if (*p == '@')
			at = p;
	rc = zp_buf_append(out, spec, (size_t)(auth - spec));
	if (at != NULL)
		auth = at + 1;
	if (rc == 0)
		rc = zp_buf_append(out, auth, strcspn(auth, "?#"));
	return rc;
}

/* port_ok tells whether p[0..n) is a decimal port 1..65535. */
static int
port_ok(const char *p, size_t n)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = v * 10 + (p[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

/*
 * url_check tells why spec is not an http(s) URL with a host (a static
 * sentence), or returns NULL when it is one.
 */
static const char *
url_check(const char *spec)
{
	size_t skip = scheme_len(spec), alen;
	const char *host, *end, *p, *colon;

	if (skip == 0)
		return "not an http:// or https:// URL";
	for (p = spec; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return "a URL cannot hold spaces or control "
			       "characters";
	host = spec + skip;
	alen = strcspn(host, "/?#");
	end = host + alen;
	for (p = host; p < end; p++)
		if (*p == '@')
			host = p + 1;
	if (*host == '[') {
		p = memchr(host, ']', (size_t)(end - host));
		if (p == NULL || p == host + 1)
			return "a bracketed IPv6 host lacks its ']'";
		colon = p + 1 < end ? p + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return "junk after the IPv6 host";
	} else {
		colon = memchr(host, ':', (size_t)(end - host));
		if ((colon != NULL ? colon : end) == host)
			return "the URL has no host";
	}
	if (colon != NULL && !port_ok(colon + 1, (size_t)(end - colon - 1)))
		return "the port is not a number 1..65535";
	return NULL;
}

/* --- opening --------------------------------------------------------- */

/* positive_or is v when it is positive, else def. */
static long
positive_or(long v, long def)
{
	return v > 0 ? v : def;
}

/*
 * read_token builds the Authorization header from ZP_EMIT_HTTP_TOKEN or
 * o->http_token_file, when either is given; nothing given means no
 * header.  0, or ZP_ESECRET (reported, without the secret).
 */
static int
read_token(struct emit_sink *s, const struct emit_options *o)
{
	static const char *const envs[] = {"ZP_EMIT_HTTP_TOKEN", NULL};
	struct zp_buf tok = ZP_BUF_INIT, why = ZP_BUF_INIT;
	const char *env = getenv(envs[0]);
	size_t i;
	int rc = 0;

	if ((env == NULL || *env == '\0') && o->http_token_file == NULL)
		return 0;
	rc = zp_config_secret(envs, o->http_token_file, &tok, &why);
	if (rc != 0) {
		zp_error(
		    "http token: %s", why.len ? why.data : zp_strerror(rc));
		rc = rc == ZP_ENOMEM ? rc : ZP_ESECRET;
		goto out;
	}
	for (i = 0; i < tok.len; i++)
		if ((unsigned char)tok.data[i] < ' ' || tok.data[i] == 0x7f) {
			zp_error("http token: it holds a control character");
			rc = ZP_ESECRET;
			goto out;
		}
	rc = zp_buf_printf(&s->auth, "Authorization: Bearer %s", tok.data);
out:
	if (tok.data != NULL)
		zp_crypto_wipe(tok.data, tok.cap);
	zp_buf_release(&tok);
	zp_buf_release(&why);
	return rc;
}

/* seed_rng seeds the jitter from the secure generator, else from the
 * time and the process id. */
static void
seed_rng(struct emit_sink *s)
{
	struct timespec ts;

	if (zp_random_bytes(&s->rng, sizeof(s->rng)) == 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	s->rng = zp_mix64((uint64_t)ts.tv_sec ^ ((uint64_t)ts.tv_nsec << 20) ^
	    ((uint64_t)getpid() << 40));
}

/* set_limits copies the batch size, tries, waits and timeout from o. */
static void
set_limits(struct emit_sink *s, const struct emit_options *o)
{
	s->batch = positive_or(o->http_batch, HTTP_BATCH_DEFAULT);
	s->attempts = positive_or(o->http_attempts, 1);
	s->backoff_ms = o->http_backoff_ms > 0 ? o->http_backoff_ms : 0;
	s->backoff_max_ms = o->http_backoff_max_ms > s->backoff_ms
	    ? o->http_backoff_max_ms
	    : s->backoff_ms;
	s->timeout_ms = o->http_timeout_ms > 0 ? o->http_timeout_ms : 0;
}

static void http_free(struct emit_sink **sp);

/* http_open checks the URL, reads the token and makes the handle. */
static int
http_open(
    struct emit_sink **out, const char *spec, const struct emit_options *o)
{
	struct emit_sink *s = calloc(1, sizeof(*s));
	const char *bad;
	int rc;

	*out = NULL;
	if (s == NULL)
		return ZP_ENOMEM;
	if ((rc = url_show(&s->shown, spec)) != 0)
		goto out;
	if ((bad = url_check(spec)) != NULL) {
		zp_error("--to %s: %s", s->shown.data, bad);
		rc = ZP_EINVAL;
		goto out;
	}
	if ((s->url = strdup(spec)) == NULL) {
		rc = ZP_ENOMEM;
		goto out;
	}
	set_limits(s, o);
	seed_rng(s);
	if ((rc = read_token(s, o)) != 0)
		goto out;
	if ((rc = zp_http_new(&s->http)) != 0)
		zp_error("--to %s: %s", s->shown.data, zp_strerror(rc));
out:
	if (rc != 0)
		http_free(&s);
	*out = s;
	return rc;
}

/* --- waiting --------------------------------------------------------- */

/* stop_requested is the exchange's cancel test: SIGINT or SIGTERM. */
static int
stop_requested(void *arg)
{
	(void)arg;
	return zp_interrupted() > 0;
}

/* ts_plus_ms is t moved ms milliseconds later. */
static struct timespec
ts_plus_ms(struct timespec t, long ms)
{
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/* ts_before tells whether a comes before b. */
static int
ts_before(struct timespec a, struct timespec b)
{
	return a.tv_sec < b.tv_sec ||
	    (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

/* pause_ms sleeps ms milliseconds, in slices so that a stop is seen
 * soon; 0, or ZP_EINTR once SIGINT or SIGTERM arrived. */
static int
pause_ms(long ms)
{
	struct timespec now, until, next;

	clock_gettime(CLOCK_MONOTONIC, &now);
	until = ts_plus_ms(now, ms);
	while (!zp_interrupted()) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!ts_before(now, until))
			return 0;
		next = ts_plus_ms(now, PAUSE_SLICE_MS);
		if (ts_before(until, next))
			next = until;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return ZP_EINTR;
}

/* retry_after_ms reads a Retry-After given in whole seconds, or -1. */
static long
retry_after_ms(const struct zp_http_response *rs)
{
	const char *v = zp_http_header(rs, "Retry-After");
	long sec = 0;

	if (v == NULL || *v == '\0' || strlen(v) > 6)
		return -1;
	for (; *v != '\0'; v++) {
		if (*v < '0' || *v > '9')
			return -1; /* an HTTP date: the backoff decides */
		sec = sec * 10 + (*v - '0');
	}
	return sec * 1000;
}

/*
 * retry_wait_ms is the wait after try number attempt (1 for the first) of
 * a batch: the receiver's Retry-After if it gave one, else backoff_ms
 * doubled per try, with equal jitter; never above backoff_max_ms.
 */
static long
retry_wait_ms(
    struct emit_sink *s, long attempt, const struct zp_http_response *rs)
{
	long after = rs->status != 0 ? retry_after_ms(rs) : -1;
	long wait = s->backoff_ms, half;
	long i;

	if (after >= 0)
		return after < s->backoff_max_ms ? after : s->backoff_max_ms;
	for (i = 1; i < attempt && wait < s->backoff_max_ms; i++)
		wait *= 2;
	if (wait > s->backoff_max_ms)
		wait = s->backoff_max_ms;
	half = wait / 2;
	return wait - half +
	    (long)(zp_splitmix64(&s->rng) % (uint64_t)(half + 1));
}

/* --- one batch ------------------------------------------------------- */

/* batch_body fills s->body with n lines and key with its SHA-256 in
 * hex (65 bytes); 0 or ZP_ENOMEM. */
static int
batch_body(
    struct emit_sink *s, const struct emit_line *lines, size_t n, char key[65])
{
	struct zp_buf hex = ZP_BUF_INIT;
	unsigned char sum[ZP_SHA256_LEN];
	size_t i;
	int rc = 0;

	zp_buf_reset(&s->body);
	for (i = 0; rc == 0 && i < n; i++) {
		rc = zp_buf_append(&s->body, lines[i].json, lines[i].len);
		if (rc == 0)
			rc = zp_buf_putc(&s->body, '\n');
	}
	if (rc == 0)
		rc = zp_sha256(s->body.data, s->body.len, sum);
	if (rc == 0)
		rc = zp_hex_encode(&hex, sum, sizeof(sum));
	if (rc == 0)
		memcpy(key, hex.data, 65);
	zp_buf_release(&hex);
	return rc;
}

/* judge turns what zp_http_do returned into the batch's fate. */
static enum verdict
judge(int rc, int status)
{
	if (rc == ZP_ETRANSPORT)
		return RETRY;
	if (rc != 0 && !(rc == ZP_ETOOBIG && status != 0))
		return BROKEN;
	if (status >= 200 && status < 300)
		return SENT;
	if (status == 408 || status == 429 || status >= 500)
		return RETRY;
	return REFUSED;
}

/* what_failed writes the status, or the transport's error, to out. */
static void
what_failed(const struct emit_sink *s, int rc, char *out, size_t cap)
{
	if (rc == ZP_ETRANSPORT)
		snprintf(out, cap, "%s",
		    s->rs.error[0] ? s->rs.error : zp_strerror(rc));
	else
		snprintf(out, cap, "%d", s->rs.status);
}

/* one_line writes the first HTTP_SHOWN_BODY bytes of b to out as one
 * printable line: controls and runs of spaces become one space, bytes
 * past ASCII '?'. */
static void
one_line(const struct zp_buf *b, char out[HTTP_SHOWN_BODY + 1])
{
	size_t i, n = 0, len = b->len;

	if (len > HTTP_SHOWN_BODY)
		len = HTTP_SHOWN_BODY;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)b->data[i];

		c = c <= ' ' || c == 0x7f ? ' ' : c >= 0x80 ? '?' : c;
		if (c != ' ' || (n > 0 && out[n - 1] != ' '))
			out[n++] = (char)c;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* refused logs a permanent refusal: the status and the start of the
 * body, on one line. */
static void
refused(const struct emit_sink *s, long n, size_t k)
{
	char shown[HTTP_SHOWN_BODY + 1];
	int st = s->rs.status;

	one_line(&s->rs.body, shown);
	zp_error("http batch %ld (%zu records) to %s: refused with %d: %s "
		 "(%snot retried; the state is not saved: fix the cause and "
		 "run again)",
	    n, k, s->shown.data, st, shown[0] ? shown : "(no body)",
	    st == 401 || st == 403 ? "check ZP_EMIT_HTTP_TOKEN or the token "
				     "file; "
				   : "");
}

/* broken logs a failure that no retry can mend; a stop is left to the
 * run, which says what it means for the state. */
static void
broken(const struct emit_sink *s, long n, size_t k, int rc)
{
	if (rc != ZP_EINTR)
		zp_error("http batch %ld (%zu records) to %s: %s", n, k,
		    s->shown.data, zp_strerror(rc));
}

/* send_once makes one try at the batch in s->body. */
static int
send_once(struct emit_sink *s, const char *key, const char *stream, size_t k)
{
	char h_key[96], h_stream[96], h_n[48];
	const char *hdrs[5] = {"Content-Type: application/x-ndjson", h_key,
	    h_stream, h_n, s->auth.data};
	struct zp_http_request rq;

	snprintf(h_key, sizeof(h_key), "Idempotency-Key: %s", key);
	snprintf(h_stream, sizeof(h_stream), "X-Zoompipe-Stream: %s", stream);
	snprintf(h_n, sizeof(h_n), "X-Zoompipe-Records: %zu", k);
	memset(&rq, 0, sizeof(rq));
	rq.method = "POST";
	rq.url = s->url;
	rq.headers = hdrs;
	rq.n_headers = s->auth.len > 0 ? 5 : 4;
	rq.body = s->body.data;
	rq.body_len = s->body.len;
	rq.timeout_ms = s->timeout_ms;
	rq.max_body = HTTP_ANSWER_MAX;
	rq.cancel = stop_requested;
	return zp_http_do(s->http, &rq, &s->rs);
}

/*
 * send_batch delivers lines[0..k) of stream as batch number n, retrying
 * what may pass later.  0, ZP_EIO (refused), ZP_ETRANSPORT (every try
 * failed), ZP_EINTR or another error of zp_http_do; each is logged.
 */
static int
send_batch(struct emit_sink *s, const char *stream,
    const struct emit_line *lines, size_t k)
{
	char key[65], what[ZP_HTTP_ERROR_LEN + 16];
	long n = s->batches + 1, a, wait;
	int rc;

	if ((rc = batch_body(s, lines, k, key)) != 0)
		return rc;
	for (a = 1;; a++) {
		rc = send_once(s, key, stream, k);
		switch (judge(rc, s->rs.status)) {
		case SENT: return 0;
		case REFUSED:
			refused(s, n, k);
			/* a token refused: exit 77, as for Zoom's credentials
			 */
			return s->rs.status == 401 || s->rs.status == 403
			    ? ZP_EAUTH
			    : ZP_EIO;
		case BROKEN: broken(s, n, k, rc); return rc;
		case RETRY: break;
		}
		what_failed(s, rc, what, sizeof(what));
		if (a >= s->attempts)
			break;
		wait = retry_wait_ms(s, a, &s->rs);
		zp_warn(
		    "http batch %ld (%zu records) attempt %ld: %s; retry in "
		    "%.1fs",
		    n, k, a, what, (double)wait / 1000);
		if ((rc = pause_ms(wait)) != 0)
			return rc;
		s->retries++;
	}
	zp_error("http batch %ld (%zu records) to %s: gave up after %ld "
		 "attempts (last: %s); the state is not saved, so the next "
		 "run sends these records again",
	    n, k, s->shown.data, a, what);
	return ZP_ETRANSPORT;
}

/* --- the sink -------------------------------------------------------- */

/* http_put sends the partition's changed records in batches. */
static int
http_put(struct emit_sink *s, const struct emit_part *p)
{
	const char *stream = emit_stream_name(p->type);
	size_t i, k;
	int rc;

	for (i = 0; i < p->n_changed; i += k) {
		k = p->n_changed - i;
		if (k > (size_t)s->batch)
			k = (size_t)s->batch;
		if ((rc = send_batch(s, stream, p->changed + i, k)) != 0)
			return rc;
		s->batches++;
		s->records += (long)k;
	}
	return 0;
}

/* http_close says what the sink delivered. */
static int
http_close(struct emit_sink *s)
{
	zp_info("http: %ld records in %ld batches to %s (%ld retries)",
	    s->records, s->batches, s->shown.data, s->retries);
	return 0;
}

/* http_free closes the connection, wipes the token and frees s. */
static void
http_free(struct emit_sink **sp)
{
	struct emit_sink *s;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	zp_http_free(&s->http);
	zp_http_response_release(&s->rs);
	if (s->auth.data != NULL)
		zp_crypto_wipe(s->auth.data, s->auth.cap);
	zp_buf_release(&s->auth);
	zp_buf_release(&s->body);
	zp_buf_release(&s->shown);
	free(s->url);
	free(s);
	*sp = NULL;
}

const struct emit_sink_ops emit_sink_http = {
    "http", http_open, NULL, http_put, http_close, http_free, NULL, NULL};
