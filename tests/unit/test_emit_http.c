/*
 * test_emit_http.c - zp-emit's HTTP sink against a tiny HTTP/1.1 server in
 * this process.
 *
 * The server is one thread on 127.0.0.1 with a port the kernel picks; it
 * keeps a copy of every request and answers with the test's canned
 * replies, in order.  Each test states the exact requests the sink must
 * send (batches, headers, the idempotency key) and what it must log.
 * Waits are a few milliseconds at most and nothing depends on how long
 * anything takes.
 */
#include "harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "crypto.h"
#include "emit.h"
#include "error.h"
#include "log.h"
#include "signals.h"

#define MAX_REQS 16

/* --- a tiny HTTP/1.1 server ------------------------------------------ */

/* One canned reply: the status line and headers (each ending in CRLF)
 * and a body. */
struct canned {
	const char *head;
	const char *body;
};

/* One server thread, its replies and what it was sent. */
struct server {
	int lfd, port;
	int wake[2]; /* a byte on wake[1] stops the thread */
	pthread_t thread;
	const struct canned *replies;
	size_t n_replies;
	int accepts;
	size_t n_reqs;
	struct zp_buf reqs[MAX_REQS]; /* read only after server_stop */
};

/* readable waits until fd can be read (1) or the server is stopped (0). */
static int
readable(struct server *s, int fd)
{
	struct pollfd p[2] = {{fd, POLLIN, 0}, {s->wake[0], POLLIN, 0}};

	if (poll(p, 2, -1) < 0 || p[1].revents != 0)
		return 0;
	return p[0].revents != 0;
}

/* request_done tells whether b holds the head and the whole body. */
static int
request_done(const struct zp_buf *b)
{
	const char *end = b->data ? strstr(b->data, "\r\n\r\n") : NULL;
	const char *cl;
	size_t body = 0;

	if (end == NULL)
		return 0;
	for (cl = b->data; (cl = strchr(cl, '\n')) != NULL && cl < end;)
		if (strncasecmp(++cl, "Content-Length:", 15) == 0)
			body = strtoul(cl + 15, NULL, 10);
	return b->len >= (size_t)(end - b->data) + 4 + body;
}

/* read_request reads one request from fd into b: 1, or 0 at EOF. */
static int
read_request(struct server *s, int fd, struct zp_buf *b)
{
	char tmp[65536];
	ssize_t n;

	zp_buf_reset(b);
	while (!request_done(b)) {
		if (!readable(s, fd))
			return 0;
		n = recv(fd, tmp, sizeof(tmp), 0);
		if (n <= 0)
			return 0;
		zp_buf_append(b, tmp, (size_t)n);
	}
	return 1;
}

/* reply sends the next canned reply, or 500 past the last. */
static void
reply(struct server *s, int fd, size_t i)
{
	struct zp_buf r = ZP_BUF_INIT;
	const struct canned *c = i < s->n_replies ? &s->replies[i] : NULL;
	const char *p;
	ssize_t w;

	if (c == NULL)
		zp_buf_puts(&r,
		    "HTTP/1.1 500 Out of script\r\n"
		    "Content-Length: 0\r\n\r\n");
	else
		zp_buf_printf(&r, "%sContent-Length: %zu\r\n\r\n%s", c->head,
		    strlen(c->body), c->body);
	for (p = r.data; p < r.data + r.len; p += w)
		if ((w = send(fd, p, (size_t)(r.data + r.len - p),
			 MSG_NOSIGNAL)) <= 0)
			break;
	zp_buf_release(&r);
}

/* server_main accepts and serves one connection after another. */
static void *
server_main(void *arg)
{
	struct server *s = arg;
	struct zp_buf req = ZP_BUF_INIT;
	int fd;

	while (readable(s, s->lfd)) {
		if ((fd = accept(s->lfd, NULL, NULL)) < 0)
			continue;
		s->accepts++;
		while (read_request(s, fd, &req)) {
			size_t i = s->n_reqs;

			if (s->n_reqs < MAX_REQS)
				zp_buf_append(
				    &s->reqs[s->n_reqs++], req.data, req.len);
			reply(s, fd, i);
		}
		close(fd);
	}
	zp_buf_release(&req);
	return NULL;
}

/* listen_any makes a socket bound to 127.0.0.1 on a port the kernel
 * picks, listening if listening is set; -1 on failure. */
static int
listen_any(int listening, int *port)
{
	struct sockaddr_in a = {0};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    (listening && listen(fd, 16) != 0) ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

/* server_start starts s with n canned replies; 0 or -1. */
static int
server_start(struct server *s, const struct canned *c, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->replies = c;
	s->n_replies = n;
	if ((s->lfd = listen_any(1, &s->port)) < 0)
		return -1;
	if (pipe(s->wake) != 0) {
		close(s->lfd);
		return -1;
	}
	if (pthread_create(&s->thread, NULL, server_main, s) != 0) {
		close(s->lfd);
		close(s->wake[0]);
		close(s->wake[1]);
		return -1;
	}
	return 0;
}

/* server_stop stops the thread and closes the sockets; reqs stay. */
static void
server_stop(struct server *s)
{
	if (write(s->wake[1], "x", 1) != 1)
		return;
	pthread_join(s->thread, NULL);
	close(s->lfd);
	close(s->wake[0]);
	close(s->wake[1]);
}

/* server_free releases the requests s kept. */
static void
server_free(struct server *s)
{
	size_t i;

	for (i = 0; i < MAX_REQS; i++)
		zp_buf_release(&s->reqs[i]);
}

/* header_of copies the value of header name of request req into out, or
 * returns NULL. */
static const char *
header_of(const struct zp_buf *req, const char *name, char out[256])
{
	const char *end = strstr(req->data, "\r\n\r\n"), *p = req->data;
	size_t n = strlen(name), v;

	while ((p = strstr(p, "\r\n")) != NULL && p < end) {
		p += 2;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			p += strspn(p, " ");
			v = strcspn(p, "\r");
			snprintf(out, 256, "%.*s", (int)v, p);
			return out;
		}
	}
	return NULL;
}

/* body_of returns where the body of request req begins. */
static const char *
body_of(const struct zp_buf *req)
{
	const char *end = strstr(req->data, "\r\n\r\n");

	return end != NULL ? end + 4 : "";
}

/* --- the sink -------------------------------------------------------- */

/* Five records of one partition. */
static const char *const records[] = {
    "{\"type\":\"meeting\",\"key\":\"acme/a\",\"n\":12345678901234567890}",
    "{\"type\":\"meeting\",\"key\":\"acme/b\"}",
    "{\"type\":\"meeting\",\"key\":\"acme/c\",\"s\":\"caf\\u00e9\"}",
    "{\"type\":\"meeting\",\"key\":\"acme/d\"}",
    "{\"type\":\"meeting\",\"key\":\"acme/e\"}"};

/* options_for is a set of options with small waits and batch records. */
static struct emit_options
options_for(long batch, long attempts)
{
	struct emit_options o;

	memset(&o, 0, sizeof(o));
	o.http_batch = batch;
	o.http_attempts = attempts;
	o.http_backoff_ms = 1;
	o.http_backoff_max_ms = 4;
	o.http_timeout_ms = 20000;
	return o;
}

/* part_of makes a partition of the first n records, all changed. */
static struct emit_part
part_of(struct emit_line lines[5], size_t n)
{
	struct emit_part p;
	size_t i;

	for (i = 0; i < 5; i++) {
		lines[i].json = records[i];
		lines[i].len = strlen(records[i]);
	}
	memset(&p, 0, sizeof(p));
	p.type = EMIT_MEETING;
	p.day = "2026-11-09";
	p.all = lines;
	p.n_all = 5;
	p.changed = lines;
	p.n_changed = n;
	return p;
}

/* deliver opens a sink on spec (a %d in it is the server's port), puts p,
 * closes and frees it, with stderr in log; returns put's result, or
 * open's when that failed. */
static int
deliver(struct server *s, const char *spec, const struct emit_options *o,
    const struct emit_part *p, struct zp_buf *log)
{
	struct emit_sink *k = NULL;
	struct zp_capture cap;
	char url[256];
	int rc;

	snprintf(url, sizeof(url), spec, s != NULL ? s->port : 0);
	if (zp_capture_begin(&cap) != 0)
		return -100;
	zp_log_init("zp-emit", ZP_LOG_INFO, ZP_LOG_TEXT);
	rc = emit_sink_http.open(&k, url, o);
	if (rc == 0) {
		rc = emit_sink_http.put(k, p);
		CHECK_INT(emit_sink_http.close(k), 0);
	}
	emit_sink_http.free(&k);
	CHECK(k == NULL);
	zp_log_init("zoompipe", ZP_LOG_INFO, ZP_LOG_TEXT);
	zp_capture_end(&cap, log);
	if (s != NULL)
		server_stop(s);
	return rc;
}

/* key_of is the hex SHA-256 of text. */
static void
key_of(const char *text, char out[65])
{
	unsigned char sum[32];
	struct zp_buf hex = ZP_BUF_INIT;

	zp_sha256(text, strlen(text), sum);
	zp_hex_encode(&hex, sum, sizeof(sum));
	snprintf(out, 65, "%s", hex.data);
	zp_buf_release(&hex);
}

static const struct canned ok = {"HTTP/1.1 200 OK\r\n", "{}"};

/* Batches of at most --http-batch lines, each with its exact headers, on
 * one kept-alive connection; the token in no log line, the URL logged
 * without userinfo and query. */
TEST(emit_http_batches)
{
	const struct canned c[] = {ok, ok, ok};
	struct emit_options o = options_for(2, 3);
	struct emit_line lines[5];
	struct emit_part p = part_of(lines, 5);
	struct zp_buf log = ZP_BUF_INIT, want = ZP_BUF_INIT;
	struct server s;
	char v[256], key[65];
	size_t i;

	setenv("ZP_EMIT_HTTP_TOKEN", "tok-SECRET-123", 1);
	CHECK(server_start(&s, c, 3) == 0);
	CHECK_INT(deliver(&s, "http://user:pw@127.0.0.1:%d/ingest?q=1", &o, &p,
		      &log),
	    0);
	unsetenv("ZP_EMIT_HTTP_TOKEN");
	CHECK_INT(s.n_reqs, 3);
	CHECK_INT(s.accepts, 1);
	for (i = 0; i < s.n_reqs && i < 3; i++) {
		const struct zp_buf *r = &s.reqs[i];

		zp_buf_reset(&want);
		zp_buf_printf(&want, "%s\n", records[2 * i]);
		if (i < 2)
			zp_buf_printf(&want, "%s\n", records[2 * i + 1]);
		CHECK(strncmp(r->data, "POST /ingest?q=1 HTTP/1.1\r\n", 27) ==
		    0);
		CHECK_STR(body_of(r), want.data);
		key_of(want.data, key);
		CHECK_STR(header_of(r, "Idempotency-Key", v), key);
		CHECK_STR(
		    header_of(r, "Content-Type", v), "application/x-ndjson");
		CHECK_STR(header_of(r, "X-Zoompipe-Stream", v), "meetings");
		CHECK_STR(
		    header_of(r, "X-Zoompipe-Records", v), i < 2 ? "2" : "1");
		CHECK_STR(
		    header_of(r, "Authorization", v), "Bearer tok-SECRET-123");
		CHECK(header_of(r, "Expect", v) == NULL);
	}
	zp_buf_reset(&want);
	zp_buf_printf(&want,
	    "zp-emit: info: http: 5 records in 3 batches to "
	    "http://127.0.0.1:%d/ingest (0 retries)\n",
	    s.port);
	CHECK_STR(log.data, want.data);
	CHECK(strstr(log.data, "SECRET") == NULL);
	server_free(&s);
	zp_buf_release(&log);
	zp_buf_release(&want);
}

/* The same batch is sent again, with the same key, after 503, 429 and
 * 408 (Retry-After honoured, within the longest wait); no token, no
 * Authorization header. */
TEST(emit_http_retries)
{
	const struct canned c[] = {
	    {"HTTP/1.1 503 Busy\r\nRetry-After: 0\r\n", ""},
	    {"HTTP/1.1 429 Slow down\r\nRetry-After: 3600\r\n", ""},
	    {"HTTP/1.1 408 Timeout\r\n", ""}, ok};
	struct emit_options o = options_for(10, 4);
	struct emit_line lines[5];
	struct emit_part p = part_of(lines, 3);
	struct zp_buf log = ZP_BUF_INIT;
	struct server s;
	char v[256], first[256];
	size_t i;

	CHECK(server_start(&s, c, 4) == 0);
	CHECK_INT(deliver(&s, "http://127.0.0.1:%d/", &o, &p, &log), 0);
	CHECK_INT(s.n_reqs, 4);
	CHECK_INT(s.accepts, 1);
	CHECK(header_of(&s.reqs[0], "Idempotency-Key", first) != NULL);
	for (i = 1; i < s.n_reqs; i++) {
		CHECK_STR(header_of(&s.reqs[i], "Idempotency-Key", v), first);
		CHECK_STR(body_of(&s.reqs[i]), body_of(&s.reqs[0]));
	}
	CHECK(header_of(&s.reqs[0], "Authorization", v) == NULL);
	CHECK(strstr(log.data,
		  "zp-emit: warn: http batch 1 (3 records) "
		  "attempt 1: 503; retry in 0.0s\n") != NULL);
	CHECK(strstr(log.data, "attempt 2: 429; retry in 0.0s\n") != NULL);
	CHECK(strstr(log.data, "attempt 3: 408; retry in 0.0s\n") != NULL);
	CHECK(strstr(log.data, "(3 retries)\n") != NULL);
	server_free(&s);
	zp_buf_release(&log);
}

/* Any other 4xx refuses the batch for good: ZP_EIO, one try, the status
 * and the start of the body on one line. */
TEST(emit_http_refused)
{
	const struct canned c[] = {
	    {"HTTP/1.1 400 Bad\r\n", "{\"error\":\n\t\"bad\r\n  thing\"}\n"}};
	struct emit_options o = options_for(10, 5);
	struct emit_line lines[5];
	struct emit_part p = part_of(lines, 5);
	struct zp_buf log = ZP_BUF_INIT;
	struct server s;

	CHECK(server_start(&s, c, 1) == 0);
	CHECK_INT(deliver(&s, "http://127.0.0.1:%d/x", &o, &p, &log), ZP_EIO);
	CHECK_INT(s.n_reqs, 1);
	CHECK(strstr(log.data,
		  "zp-emit: error: http batch 1 (5 records) to "
		  "http://127.0.0.1:") != NULL);
	CHECK(strstr(log.data,
		  "/x: refused with 400: {\"error\": \"bad thing\"} (not "
		  "retried; the state is not saved") != NULL);
	CHECK(strstr(log.data, "0 records in 0 batches") != NULL);
	server_free(&s);
	zp_buf_release(&log);
}

/* After --http-attempts failed tries: ZP_ETRANSPORT, and the log says
 * that the next run sends the records again. */
TEST(emit_http_gives_up)
{
	const struct canned c[] = {{"HTTP/1.1 500 Oops\r\n", ""},
	    {"HTTP/1.1 502 Oops\r\n", ""}, {"HTTP/1.1 500 Oops\r\n", ""}, ok};
	struct emit_options o = options_for(10, 3);
	struct emit_line lines[5];
	struct emit_part p = part_of(lines, 2);
	struct zp_buf log = ZP_BUF_INIT;
	struct server s;

	CHECK(server_start(&s, c, 4) == 0);
	CHECK_INT(
	    deliver(&s, "http://127.0.0.1:%d/x", &o, &p, &log), ZP_ETRANSPORT);
	CHECK_INT(s.n_reqs, 3);
	CHECK(strstr(log.data, "attempt 2: 502; retry in") != NULL);
	CHECK(strstr(log.data,
		  "gave up after 3 attempts (last: 500); the state is not "
		  "saved, "
		  "so the next run sends these records again\n") != NULL);
	server_free(&s);
	zp_buf_release(&log);
}

/* No connection at all is a transport error, retried, then given up. */
TEST(emit_http_unreachable)
{
	struct emit_options o = options_for(10, 2);
	struct emit_line lines[5];
	struct emit_part p = part_of(lines, 1);
	struct zp_buf log = ZP_BUF_INIT;
	char spec[64];
	int port, fd = listen_any(0, &port); /* bound, never listening */

	CHECK(fd >= 0);
	snprintf(spec, sizeof(spec), "http://127.0.0.1:%d/", port);
	CHECK_INT(deliver(NULL, spec, &o, &p, &log), ZP_ETRANSPORT);
	CHECK(
	    strstr(log.data, "http batch 1 (1 records) attempt 1: ") != NULL);
	CHECK(strstr(log.data, "gave up after 2 attempts") != NULL);
	close(fd);
	zp_buf_release(&log);
}

/* A partition without changes sends nothing. */
TEST(emit_http_nothing_changed)
{
	struct emit_options o = options_for(10, 2);
	struct emit_line lines[5];
	struct emit_part p = part_of(lines, 0);
	struct zp_buf log = ZP_BUF_INIT;
	struct server s;

	CHECK(server_start(&s, &ok, 1) == 0);
	CHECK_INT(deliver(&s, "http://127.0.0.1:%d/", &o, &p, &log), 0);
	CHECK_INT(s.accepts, 0);
	CHECK(strstr(log.data, "0 records in 0 batches") != NULL);
	server_free(&s);
	zp_buf_release(&log);
}

/* A spec that is no http(s) URL with a host is refused at open, and the
 * error shows neither its userinfo nor its query. */
TEST(emit_http_bad_urls)
{
	static const char *const bad[] = {"http", "http:/x", "ftp://h/",
	    "http://", "http:///p", "http://pw@:80/?tok=SECRET", "http://h:0/",
	    "http://h:65536/", "http://h:8x/", "http://[::1/", "http://h/a b",
	    "https://SECRET@/p"};
	struct emit_options o = options_for(10, 2);
	struct emit_line lines[5];
	struct emit_part p = part_of(lines, 1);
	struct zp_buf log = ZP_BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		zp_buf_reset(&log);
		CHECK_INT(deliver(NULL, bad[i], &o, &p, &log), ZP_EINVAL);
		CHECK(strncmp(log.data, "zp-emit: error: --to ", 21) == 0);
		CHECK(strstr(log.data, "SECRET") == NULL);
	}
	zp_buf_release(&log);
}

/* The token may come from a file (one trailing newline dropped); a file
 * that cannot be read fails the open. */
TEST(emit_http_token_file)
{
	struct emit_options o = options_for(10, 2);
	struct emit_line lines[5];
	struct emit_part p = part_of(lines, 1);
	struct zp_buf log = ZP_BUF_INIT;
	char path[] = "/tmp/zp-test-token-XXXXXX", v[256];
	struct server s;
	int fd = mkstemp(path);

	CHECK(fd >= 0 && write(fd, "file-SECRET\n", 12) == 12);
	close(fd);
	o.http_token_file = path;
	CHECK(server_start(&s, &ok, 1) == 0);
	CHECK_INT(deliver(&s, "http://127.0.0.1:%d/", &o, &p, &log), 0);
	CHECK_STR(
	    header_of(&s.reqs[0], "Authorization", v), "Bearer file-SECRET");
	CHECK(strstr(log.data, "SECRET") == NULL);
	server_free(&s);
	unlink(path);
	zp_buf_reset(&log);
	CHECK_INT(
	    deliver(NULL, "http://127.0.0.1:1/", &o, &p, &log), ZP_ESECRET);
	CHECK(strstr(log.data, "zp-emit: error: http token: ") != NULL);
	zp_buf_release(&log);
}

/* child_interrupted runs a sink whose first try fails and whose wait is
 * long, with stderr on fd; it exits 0 when put returns ZP_EINTR. */
static int
child_interrupted(int port, int fd)
{
	struct emit_options o = options_for(10, 3);
	struct emit_line lines[5];
	struct emit_part p = part_of(lines, 1);
	struct emit_sink *k = NULL;
	char url[64];
	int rc;

	o.http_backoff_ms = o.http_backoff_max_ms = 600000;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	zp_log_init("zp-emit", ZP_LOG_INFO, ZP_LOG_TEXT);
	if (zp_signals_install() != 0 || dup2(fd, 2) < 0 ||
	    emit_sink_http.open(&k, url, &o) != 0)
		return 2;
	rc = emit_sink_http.put(k, &p);
	emit_sink_http.free(&k);
	return rc == ZP_EINTR ? 0 : 3;
}

/* SIGTERM during a backoff wait ends it at once with ZP_EINTR (in a child
 * process: the stop counter is process-wide). */
TEST(emit_http_interrupted_wait)
{
	const struct canned c[] = {{"HTTP/1.1 503 Busy\r\n", ""}};
	struct zp_buf err = ZP_BUF_INIT;
	struct server s;
	char tmp[512];
	int pipefd[2], status = -1;
	ssize_t n;
	pid_t pid;

	CHECK(server_start(&s, c, 1) == 0);
	CHECK(pipe(pipefd) == 0);
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == 0)
		_exit(child_interrupted(s.port, pipefd[1]));
	close(pipefd[1]);
	/* The warning is logged just before the wait begins. */
	while ((err.data == NULL || strstr(err.data, "retry in") == NULL) &&
	    (n = read(pipefd[0], tmp, sizeof(tmp))) > 0)
		zp_buf_append(&err, tmp, (size_t)n);
	CHECK(err.data != NULL && strstr(err.data, "attempt 1: 503") != NULL);
	kill(pid, SIGTERM);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(pipefd[0]);
	server_stop(&s);
	CHECK_INT(s.n_reqs, 1);
	server_free(&s);
	zp_buf_release(&err);
}
