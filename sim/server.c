/*
 * server.c - zp-sim's HTTP side: libmicrohttpd in, the pipeline, responses
 * out, the request log and the statistics.  Every MHD_* call is here.
 *
 * A thread per connection lets a slow answer simply sleep.  The server
 * sees each path exactly as sent, still percent-encoded, because Zoom
 * decodes a double-encoded meeting UUID one time more than other path
 * segments (DESIGN.md, Facts): MHD's unescaping is turned off and query
 * values are decoded here, on demand.
 *
 * The pipeline of one request, under sim->lock:
 *   /oauth/...    sim_oauth_handle
 *   /_sim/stats   the statistics as JSON
 *   /v2/...       auth -> category -> faults -> rate limit -> route ->
 *                 faults on the delivery
 *   anything else 404
 * then the statistics and the request log.  The answer is sent after the
 * lock is released, once any slow fault has slept.
 */
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "error.h"
#include "json.h"
#include "log.h"
#include "sim.h"
#include "url.h"

#define MAX_BODY (64 * 1024)
#define CONNECTION_TIMEOUT 120 /* seconds an idle connection is kept */

/* The daemon and what it owns. */
struct sim_server {
	struct MHD_Daemon *daemon;
	char public_url[128];
	int own_log; /* sim->log was opened here and is closed here */
};

/* One request in flight, assembled over several calls from MHD. */
struct request {
	char *uri; /* the request target as sent, from on_uri */
	int started; /* the headers have been seen */
	int too_big; /* the body passed MAX_BODY */
	struct zp_buf body;
};

/* What a request was, for the statistics. */
enum kind { KIND_OTHER, KIND_OAUTH, KIND_STATS, KIND_API };

/* --- small helpers shared with the other modules --------------------- */

/* elapsed is b - a in seconds. */
static double
elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* sim_clock is cfg.org.now plus the real time served, times speed. */
time_t
sim_clock(struct sim *sim)
{
	struct timespec now;

	if (sim->started.tv_sec == 0 && sim->started.tv_nsec == 0)
		return sim->cfg.org.now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return sim->cfg.org.now +
	    (time_t)(elapsed(&sim->started, &now) * sim->cfg.speed);
}

/* header_at is the slot of header name in rs, or rs->n_hdr if it has
 * none. */
static int
header_at(const struct sim_response *rs, const char *name)
{
	int i;

	for (i = 0; i < rs->n_hdr; i++)
		if (strcasecmp(rs->hdr_name[i], name) == 0)
			break;
	return i;
}

/* sim_response_header sets one header, replacing one of the same name. */
void
sim_response_header(
    struct sim_response *rs, const char *name, const char *value)
{
	int i = header_at(rs, name);

	if (i == SIM_MAX_HEADERS)
		return;
	if (i == rs->n_hdr)
		rs->n_hdr++;
	rs->hdr_name[i] = name;
	snprintf(rs->hdr_value[i], sizeof(rs->hdr_value[i]), "%s", value);
}

/* sim_response_error sets status and the body {"code":..,"message":..}. */
void
sim_response_error(
    struct sim_response *rs, int status, int code, const char *message)
{
	struct zp_jw w;

	rs->status = status;
	zp_buf_reset(&rs->body);
	zp_jw_init(&w, &rs->body);
	zp_jw_object(&w);
	zp_jw_key(&w, "code");
	zp_jw_int(&w, code);
	zp_jw_key(&w, "message");
	zp_jw_str(&w, message);
	zp_jw_end(&w);
	zp_jw_finish(&w);
}

/* decode_value appends the form value s..end to out, '+' as a space. */
static int
decode_value(struct zp_buf *out, const char *s, const char *end)
{
	const char *plus;

	while (s < end) {
		plus = memchr(s, '+', (size_t)(end - s));
		if (plus == NULL)
			plus = end;
		if (zp_url_decode(out, s, (size_t)(plus - s)) != 0)
			return ZP_EDECODE;
		if (plus < end && zp_buf_putc(out, ' ') != 0)
			return ZP_ENOMEM;
		s = plus + 1;
	}
	return zp_buf_append(out, "", 0);
}

/* sim_form_arg finds name in a form-encoded string: 1, 0 or an error. */
int
sim_form_arg(const char *form, const char *name, struct zp_buf *out)
{
	size_t nlen = strlen(name), klen;
	const char *p = form, *end, *eq;
	int rc;

	zp_buf_reset(out);
	while (p != NULL && *p != '\0') {
		end = p + strcspn(p, "&");
		eq = memchr(p, '=', (size_t)(end - p));
		klen = (size_t)((eq != NULL ? eq : end) - p);
		if (klen == nlen && memcmp(p, name, nlen) == 0) {
			rc = decode_value(out, eq != NULL ? eq + 1 : end, end);
			if (rc != 0)
				zp_buf_reset(out);
			return rc == 0 ? 1 : rc;
		}
		p = *end != '\0' ? end + 1 : end;
	}
	return 0;
}

/* sim_query_arg finds name in the query string of rq. */
int
sim_query_arg(
    const struct sim_request *rq, const char *name, struct zp_buf *out)
{
	return sim_form_arg(rq->query, name, out);
}

/* --- statistics ------------------------------------------------------ */

/* write_number writes a key and v with three decimals. */
static void
write_number(struct zp_jw *w, const char *key, double v)
{
	char num[48];

	snprintf(num, sizeof(num), "%.3f", v);
	zp_jw_key(w, key);
	zp_jw_raw(w, num, strlen(num));
}

/* write_count writes a key and the counter v. */
static void
write_count(struct zp_jw *w, const char *key, uint64_t v)
{
	zp_jw_key(w, key);
	zp_jw_int(w, (long long)v);
}

/* write_counts writes the request, category and status counters. */
static void
write_counts(struct zp_jw *w, const struct sim_stats *st)
{
	int c;

	write_count(w, "requests", st->requests);
	zp_jw_key(w, "by_category");
	zp_jw_object(w);
	for (c = 0; c < SIM_NCAT; c++)
		write_count(w, sim_category_name((enum sim_category)c),
		    st->by_category[c]);
	zp_jw_end(w);
	zp_jw_key(w, "statuses");
	zp_jw_object(w);
	write_count(w, "2xx", st->status_2xx);
	write_count(w, "4xx", st->status_4xx);
	write_count(w, "5xx", st->status_5xx);
	zp_jw_end(w);
	zp_jw_key(w, "rate_limited");
	zp_jw_object(w);
	write_count(w, "qps", st->sent_429_qps);
	write_count(w, "daily", st->sent_429_daily);
	zp_jw_end(w);
}

/* write_faults writes the fault and webhook counters. */
static void
write_faults(struct zp_jw *w, const struct sim_stats *st)
{
	int f;

	zp_jw_key(w, "faults");
	zp_jw_object(w);
	write_count(w, "total", st->faults_injected);
	for (f = 0; f < SIM_NFAULT; f++)
		write_count(
		    w, sim_fault_name((enum sim_fault)f), st->by_fault[f]);
	zp_jw_end(w);
	zp_jw_key(w, "webhooks");
	zp_jw_object(w);
	write_count(w, "sent", st->webhooks_sent);
	write_count(w, "failed", st->webhooks_failed);
	zp_jw_end(w);
}

/*
 * sim_stats_write appends the counters, the wall time between the first
 * and the last request, the least wall time the plan's limits allowed,
 * and elapsed / least (1.0: as fast as the limits let any client go).
 */
int
sim_stats_write(struct sim *sim, struct zp_buf *out)
{
	const struct sim_stats *st = &sim->stats;
	double spent = 0, least = sim_limits_min_wall(sim);
	struct zp_jw w;

	if (st->requests > 0)
		spent = elapsed(&st->first_request, &st->last_request);
	zp_jw_init(&w, out);
	zp_jw_object(&w);
	write_counts(&w, st);
	write_faults(&w, st);
	write_number(&w, "elapsed_seconds", spent);
	write_number(&w, "min_wall_seconds", least);
	if (least > 0) {
		write_number(&w, "elapsed_over_min_wall", spent / least);
	} else {
		zp_jw_key(&w, "elapsed_over_min_wall");
		zp_jw_null(&w);
	}
	zp_jw_end(&w);
	return zp_jw_finish(&w);
}

/* --- the request log ------------------------------------------------- */

/* secret_param tells whether a query parameter may carry a credential. */
static int
secret_param(const char *name, size_t n)
{
	static const char *const names[] = {"code", "refresh_token",
	    "access_token", "client_secret", "token", NULL};
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strlen(names[i]) == n && memcmp(names[i], name, n) == 0)
			return 1;
	return 0;
}

/* redacted appends uri to out with the values of credential parameters
 * replaced, so that no code or token reaches the log. */
static void
redacted(const char *uri, struct zp_buf *out)
{
	const char *q = strchr(uri, '?'), *p, *end, *eq;

	if (q == NULL) {
		zp_buf_puts(out, uri);
		return;
	}
	zp_buf_append(out, uri, (size_t)(q + 1 - uri));
	for (p = q + 1; *p != '\0'; p = *end != '\0' ? end + 1 : end) {
		end = p + strcspn(p, "&");
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq != NULL && secret_param(p, (size_t)(eq - p)))
			zp_buf_printf(
			    out, "%.*sREDACTED", (int)(eq + 1 - p), p);
		else
			zp_buf_append(out, p, (size_t)(end - p));
		if (*end != '\0')
			zp_buf_putc(out, '&');
	}
}

/* now_rfc3339 writes the real time, UTC, to the millisecond. */
static void
now_rfc3339(char out[32])
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(
	    out + n, 32 - n, ".%03dZ", (int)(ts.tv_nsec / 1000000 % 1000));
}

/* write_fault writes the names of the injected faults, or null. */
static void
write_fault(struct zp_jw *w, unsigned faults)
{
	char names[128] = "";
	int f;

	for (f = 0; f < SIM_NFAULT; f++)
		if (faults & (1u << f))
			snprintf(names + strlen(names),
			    sizeof(names) - strlen(names), "%s%s",
			    names[0] != '\0' ? "+" : "",
			    sim_fault_name((enum sim_fault)f));
	if (names[0] == '\0')
		zp_jw_null(w);
	else
		zp_jw_str(w, names);
}

/* log_request writes one NDJSON line for the request and flushes it. */
static void
log_request(struct sim *sim, const char *method, const char *uri,
    const struct sim_response *rs)
{
	struct zp_buf line = ZP_BUF_INIT, path = ZP_BUF_INIT;
	struct zp_jw w;
	char ts[32];

	now_rfc3339(ts);
	redacted(uri, &path);
	zp_jw_init(&w, &line);
	zp_jw_object(&w);
	zp_jw_key(&w, "time");
	zp_jw_str(&w, ts);
	zp_jw_key(&w, "method");
	zp_jw_str(&w, method);
	zp_jw_key(&w, "path");
	zp_jw_str(&w, path.data != NULL ? path.data : "");
	zp_jw_key(&w, "status");
	zp_jw_int(&w, rs->status);
	zp_jw_key(&w, "category");
	if (rs->category == SIM_CAT_NONE)
		zp_jw_null(&w);
	else
		zp_jw_str(&w, sim_category_name(rs->category));
	zp_jw_key(&w, "fault");
	write_fault(&w, rs->faults);
	zp_jw_end(&w);
	if (zp_jw_finish(&w) == 0 && zp_buf_putc(&line, '\n') == 0 &&
	    (fwrite(line.data, 1, line.len, sim->log) != line.len ||
		fflush(sim->log) != 0))
		zp_warn("request log: %s", strerror(errno));
	zp_buf_release(&line);
	zp_buf_release(&path);
}

/* count adds one answered request to the statistics. */
static void
count(struct sim *sim, enum kind kind, const struct sim_response *rs)
{
	struct sim_stats *st = &sim->stats;
	struct timespec now;

	if (kind == KIND_STATS)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (st->requests++ == 0)
		st->first_request = now;
	st->last_request = now;
	if (rs->category != SIM_CAT_NONE)
		st->by_category[rs->category]++;
	if (rs->status >= 200 && rs->status < 300)
		st->status_2xx++;
	else if (rs->status >= 400 && rs->status < 500)
		st->status_4xx++;
	else if (rs->status >= 500)
		st->status_5xx++;
}

/* --- the pipeline ---------------------------------------------------- */

/* api runs an API request through auth, faults, limits and its route. */
static void
api(struct sim *sim, struct sim_request *rq, struct sim_response *rs)
{
	struct timespec now;

	rs->category = sim_route_category(rq->method, rq->path);
	if (sim_oauth_check(sim, rq, rs) != 0 ||
	    sim_faults_before(sim, rs->category, rq, rs) != 0) {
		if (header_at(rs, "X-RateLimit-Category") == rs->n_hdr)
			sim_limits_headers(sim, rs->category, rs);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (sim_limits_take(sim, rs->category, &now, rs) != 0)
		return;
	if (sim->cfg.missing_scope != NULL &&
	    strcmp(sim_route_scope(rq->path), sim->cfg.missing_scope) == 0) {
		char msg[160];

		snprintf(msg, sizeof(msg),
		    "Invalid access token, does not contain %s scope.",
		    sim->cfg.missing_scope);
		sim_response_error(rs, 400, 4700, msg);
		return;
	}
	sim_route_handle(sim, rq, rs);
	sim_faults_after(sim, rs);
}

/* below_base is path below the base path ("/" for the base itself), or
 * NULL if path is not under it. */
static const char *
below_base(const char *base, const char *path)
{
	size_t n = strlen(base);

	if (n > 0 && base[n - 1] == '/')
		n--;
	if (strncmp(path, base, n) != 0)
		return NULL;
	if (path[n] == '\0')
		return "/";
	return path[n] == '/' ? path + n : NULL;
}

/* under tells whether path is prefix itself or below it. */
static int
under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/');
}

/* dispatch answers one request into rs and says what kind it was. */
static enum kind
dispatch(struct sim *sim, struct sim_request *rq, struct sim_response *rs)
{
	const char *below;

	if (under(rq->raw_path, "/oauth")) {
		sim_oauth_handle(sim, rq, rs);
		return KIND_OAUTH;
	}
	if (strcmp(rq->raw_path, "/_sim/stats") == 0 &&
	    strcmp(rq->method, "GET") == 0) {
		if (sim_stats_write(sim, &rs->body) != 0)
			sim_response_error(
			    rs, 500, 500, "Internal Server Error.");
		return KIND_STATS;
	}
	below = below_base(sim->cfg.base_path, rq->raw_path);
	if (below == NULL) {
		sim_response_error(rs, 404, 404, "Not Found");
		return KIND_OTHER;
	}
	rq->path = below;
	api(sim, rq, rs);
	return KIND_API;
}

/* --- libmicrohttpd --------------------------------------------------- */

/* A body cut off mid-way: the reader fails after half of it. */
struct cut {
	char *data;
	size_t half;
};

/* read_cut hands out the first half of the body, then breaks the
 * connection. */
static ssize_t
read_cut(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct cut *c = cls;
	size_t n;

	if (pos >= c->half)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	n = c->half - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, c->data + pos, n);
	return (ssize_t)n;
}

/* free_cut releases a cut body. */
static void
free_cut(void *cls)
{
	struct cut *c = cls;

	free(c->data);
	free(c);
}

/* reset_response announces the whole body but sends half (it takes the
 * body's bytes from rs). */
static struct MHD_Response *
reset_response(struct sim_response *rs)
{
	struct MHD_Response *resp;
	struct cut *c = malloc(sizeof(*c));

	if (c == NULL)
		return NULL;
	c->data = rs->body.data;
	c->half = rs->body.len / 2;
	resp = MHD_create_response_from_callback(
	    rs->body.len, 4096, read_cut, c, free_cut);
	if (resp == NULL) {
		free(c);
		return NULL;
	}
	rs->body.data = NULL;
	rs->body.len = rs->body.cap = 0;
	return resp;
}

/* send_response queues rs on the connection, as faults want it sent. */
static enum MHD_Result
send_response(struct MHD_Connection *conn, struct sim_response *rs)
{
	struct MHD_Response *resp;
	size_t len = rs->truncate ? rs->body.len / 2 : rs->body.len;
	enum MHD_Result ret;
	int i;

	if (rs->reset)
		resp = reset_response(rs);
	else
		resp = MHD_create_response_from_buffer(len,
		    rs->body.data != NULL ? rs->body.data : "",
		    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    rs->content_type != NULL ? rs->content_type : "application/json");
	for (i = 0; i < rs->n_hdr; i++)
		MHD_add_response_header(
		    resp, rs->hdr_name[i], rs->hdr_value[i]);
	ret = MHD_queue_response(conn, (unsigned)rs->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* sleep_ms waits ms milliseconds, resuming after signals. */
static void
sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* request_init fills rq from the raw target; path receives the path. */
static int
request_init(struct sim *sim, struct sim_request *rq,
    struct MHD_Connection *conn, const char *method, struct request *r,
    struct zp_buf *path)
{
	const char *q = strchr(r->uri, '?');
	size_t n = q != NULL ? (size_t)(q - r->uri) : strlen(r->uri);

	memset(rq, 0, sizeof(*rq));
	if (zp_buf_append(path, r->uri, n) != 0 ||
	    zp_buf_append(&r->body, "", 0) != 0)
		return ZP_ENOMEM;
	rq->method = method;
	rq->raw_path = path->data;
	rq->path = path->data;
	rq->query = q != NULL ? q + 1 : "";
	rq->body = r->body.data;
	rq->body_len = r->body.len;
	rq->authorization = MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	rq->now = sim_clock(sim);
	return 0;
}

/* answer runs the pipeline for a request whose body has arrived. */
static enum MHD_Result
answer(struct sim *sim, struct MHD_Connection *conn, const char *method,
    struct request *r)
{
	struct sim_response rs;
	struct sim_request rq;
	struct zp_buf path = ZP_BUF_INIT;
	enum kind kind = KIND_OTHER;
	enum MHD_Result ret;

	memset(&rs, 0, sizeof(rs));
	rs.status = 200;
	rs.category = SIM_CAT_NONE;
	if (request_init(sim, &rq, conn, method, r, &path) != 0)
		return MHD_NO;
	pthread_mutex_lock(&sim->lock);
	if (r->too_big)
		sim_response_error(&rs, 413, 413, "Request Entity Too Large");
	else
		kind = dispatch(sim, &rq, &rs);
	count(sim, kind, &rs);
	if (sim->log != NULL)
		log_request(sim, method, r->uri, &rs);
	pthread_mutex_unlock(&sim->lock);
	if (rs.slow_ms > 0)
		sleep_ms(rs.slow_ms);
	ret = send_response(conn, &rs);
	zp_buf_release(&rs.body);
	zp_buf_release(&path);
	return ret;
}

/* on_request is MHD's access handler: it gathers the body, then answers. */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct request *r = *con_cls;

	(void)url;
	(void)version;
	if (r == NULL || r->uri == NULL)
		return MHD_NO;
	if (!r->started) {
		r->started = 1;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (r->body.len + *upload_data_size > MAX_BODY)
			r->too_big = 1;
		else if (zp_buf_append(
			     &r->body, upload_data, *upload_data_size) != 0)
			return MHD_NO;
		*upload_data_size = 0;
		return MHD_YES;
	}
	return answer(cls, conn, method, r);
}

/* on_uri starts a request with its target exactly as sent. */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct request *r = calloc(1, sizeof(*r));

	(void)cls;
	(void)conn;
	if (r != NULL && (r->uri = strdup(uri)) == NULL) {
		free(r);
		r = NULL;
	}
	return r;
}

/* on_completed frees a finished request. */
static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct request *r = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (r == NULL)
		return;
	free(r->uri);
	zp_buf_release(&r->body);
	free(r);
	*con_cls = NULL;
}

/* keep_escaped leaves the path and query as sent: see the top. */
static size_t
keep_escaped(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	return strlen(s);
}

/* on_mhd_error passes libmicrohttpd's complaints to the debug log. */
static void
on_mhd_error(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	zp_debug("http: %s", msg);
}

/* start_daemon listens on addr and serves sim. */
static struct MHD_Daemon *
start_daemon(struct sim *sim, const struct addrinfo *addr)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;

	if (addr->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	return MHD_start_daemon(flags, (uint16_t)sim->cfg.port, NULL, NULL,
	    on_request, sim, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, NULL,
	    MHD_OPTION_SOCK_ADDR, addr->ai_addr, MHD_OPTION_URI_LOG_CALLBACK,
	    on_uri, NULL, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	    MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT,
	    MHD_OPTION_END);
}

/* --- start and stop -------------------------------------------------- */

/* resolve turns cfg.listen and cfg.port into a socket address. */
static int
resolve(const struct sim_config *cfg, struct addrinfo **out)
{
	struct addrinfo hints;
	char port[16];

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%d", cfg->port);
	return getaddrinfo(cfg->listen, port, &hints, out) == 0 ? 0
								: ZP_ECONFIG;
}

/* write_port_file saves the port through a rename, so that a reader
 * never sees half of it. */
static int
write_port_file(const char *file, int port)
{
	struct zp_buf tmp = ZP_BUF_INIT;
	FILE *f;
	int rc = ZP_EIO;

	if (zp_buf_printf(&tmp, "%s.tmp", file) != 0)
		return ZP_ENOMEM;
	f = fopen(tmp.data, "w");
	if (f != NULL) {
		fprintf(f, "%d\n", port);
		if (fclose(f) == 0 && rename(tmp.data, file) == 0)
			rc = 0;
	}
	if (rc != 0)
		zp_error("%s: %s", file, strerror(errno));
	zp_buf_release(&tmp);
	return rc;
}

/* set_public_url fills cfg.public_url unless it was given. */
static void
set_public_url(struct sim *sim, struct sim_server *s)
{
	const char *host = sim->cfg.listen;

	if (sim->cfg.public_url != NULL)
		return;
	if (strcmp(host, "0.0.0.0") == 0)
		host = "127.0.0.1";
	else if (strcmp(host, "::") == 0)
		host = "::1";
	snprintf(s->public_url, sizeof(s->public_url),
	    strchr(host, ':') != NULL ? "http://[%s]:%d" : "http://%s:%d",
	    host, sim->port);
	sim->cfg.public_url = s->public_url;
}

/* open_log opens the request log; "-" is stdout. */
static int
open_log(struct sim *sim, struct sim_server *s)
{
	const char *path = sim->cfg.log_path;

	if (path == NULL || sim->log != NULL)
		return 0;
	if (strcmp(path, "-") == 0) {
		sim->log = stdout;
		return 0;
	}
	sim->log = fopen(path, "a");
	if (sim->log == NULL) {
		zp_error("%s: %s", path, strerror(errno));
		return ZP_ECONFIG;
	}
	s->own_log = 1;
	return 0;
}

/* close_log closes the request log if this server opened it. */
static void
close_log(struct sim *sim, struct sim_server *s)
{
	if (s->own_log && sim->log != NULL)
		fclose(sim->log);
	else if (sim->log != NULL)
		fflush(sim->log);
	if (s->own_log)
		sim->log = NULL;
	s->own_log = 0;
}

/* listen_now starts the daemon and learns its port. */
static int
listen_now(struct sim *sim, struct sim_server *s)
{
	const union MHD_DaemonInfo *info;
	struct addrinfo *addr;

	if (resolve(&sim->cfg, &addr) != 0) {
		zp_error(
		    "cannot resolve listen address '%s'", sim->cfg.listen);
		return ZP_ECONFIG;
	}
	clock_gettime(CLOCK_MONOTONIC, &sim->started);
	s->daemon = start_daemon(sim, addr);
	freeaddrinfo(addr);
	if (s->daemon == NULL) {
		zp_error("cannot listen on %s port %d", sim->cfg.listen,
		    sim->cfg.port);
		return ZP_ETRANSPORT;
	}
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	sim->port = info != NULL ? info->port : sim->cfg.port;
	return 0;
}

/* sim_server_start listens, serves in MHD's threads and sets sim->port. */
int
sim_server_start(struct sim *sim)
{
	struct sim_server *s = calloc(1, sizeof(*s));
	int rc;

	if (s == NULL)
		return ZP_ENOMEM;
	rc = open_log(sim, s);
	if (rc == 0)
		rc = listen_now(sim, s);
	if (rc == 0) {
		pthread_mutex_lock(&sim->lock);
		set_public_url(sim, s);
		pthread_mutex_unlock(&sim->lock);
	}
	if (rc == 0 && sim->cfg.port_file != NULL)
		rc = write_port_file(sim->cfg.port_file, sim->port);
	if (rc != 0) {
		if (s->daemon != NULL)
			MHD_stop_daemon(s->daemon);
		close_log(sim, s);
		free(s);
		return rc;
	}
	sim->server = s;
	return 0;
}

/* sim_server_stop stops serving, waits for the connections and closes
 * the request log; accepts a server that never started. */
void
sim_server_stop(struct sim *sim)
{
	struct sim_server *s = sim->server;

	if (s == NULL)
		return;
	MHD_stop_daemon(s->daemon);
	close_log(sim, s);
	if (sim->cfg.public_url == s->public_url)
		sim->cfg.public_url = NULL;
	free(s);
	sim->server = NULL;
}
