/*
 * test_http.c - the HTTP client against a tiny HTTP/1.1 server in this
 * process, and zp-sim's webhook sender against a receiver built the same
 * way.
 *
 * The server is one thread on 127.0.0.1 with a port the kernel picks.  It
 * reads one request at a time, keeps a copy of it, and answers what its
 * handler says: canned bytes, silence, a body cut short or a reset.  Each
 * test states both the exact request the client must send and the reply
 * it must parse.  Nothing here depends on how long anything takes: the
 * only clock is a generous deadline that turns a hang into a failure.
 */
#include "harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "crypto.h"
#include "error.h"
#include "http.h"
#include "json.h"
#include "sim.h"

#define MAX_REQS 64
#define HANG_GUARD_S 30 /* a test that waits longer than this has hung */

/* --- a tiny HTTP/1.1 server ------------------------------------------ */

/* What the server does once it has read a request. */
enum mode {
	ANSWER, /* send the reply and keep the connection */
	SILENT, /* never answer; wait for the client to hang up */
	CUT, /* send the reply, then close: a body cut short */
	RESET /* send the reply, then reset the connection */
};

/* One server thread, its listening socket and what it was sent. */
struct server {
	int lfd, port;
	int wake[2]; /* a byte on wake[1] stops the thread */
	pthread_t thread;
	/* handle fills reply and mode for the request req[0..len). */
	void (*handle)(struct server *s, const char *req, size_t len,
	    struct zp_buf *reply, enum mode *mode);
	void *arg;
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
	size_t head, body = 0;

	if (end == NULL)
		return 0;
	head = (size_t)(end - b->data) + 4;
	for (cl = b->data; (cl = strchr(cl, '\n')) != NULL && cl < end;)
		if (strncasecmp(++cl, "Content-Length:", 15) == 0)
			body = strtoul(cl + 15, NULL, 10);
	return b->len >= head + body;
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

/* send_all writes n bytes at p to fd, without SIGPIPE. */
static void
send_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0 && (w = send(fd, p, n, MSG_NOSIGNAL)) > 0) {
		p += w;
		n -= (size_t)w;
	}
}

/* serve answers the requests of one connection; 1 to close with RST. */
static int
serve(struct server *s, int fd)
{
	struct zp_buf req = ZP_BUF_INIT, reply = ZP_BUF_INIT;
	enum mode mode = ANSWER;

	while (mode == ANSWER && read_request(s, fd, &req)) {
		if (s->n_reqs < MAX_REQS)
			zp_buf_append(
			    &s->reqs[s->n_reqs++], req.data, req.len);
		zp_buf_reset(&reply);
		mode = ANSWER;
		s->handle(s, req.data, req.len, &reply, &mode);
		if (mode != SILENT)
			send_all(fd, reply.data ? reply.data : "", reply.len);
	}
	if (mode == SILENT) /* until the client gives up */
		while (readable(s, fd) && recv(fd, req.data, 1, 0) > 0)
			;
	zp_buf_release(&req);
	zp_buf_release(&reply);
	return mode == RESET;
}

/* server_main accepts and serves one connection after another. */
static void *
server_main(void *arg)
{
	struct server *s = arg;
	struct linger hard = {1, 0};
	int fd;

	while (readable(s, s->lfd)) {
		if ((fd = accept(s->lfd, NULL, NULL)) < 0)
			continue;
		s->accepts++;
		if (serve(s, fd))
			setsockopt(
			    fd, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
		close(fd);
	}
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

/* server_start starts s with handler h and its argument; 0 or -1. */
static int
server_start(struct server *s,
    void (*h)(
	struct server *, const char *, size_t, struct zp_buf *, enum mode *),
    void *arg)
{
	memset(s, 0, sizeof(*s));
	s->handle = h;
	s->arg = arg;
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

/* url_of writes http://127.0.0.1:PORT followed by path into out. */
static void
url_of(const struct server *s, const char *path, char out[128])
{
	snprintf(out, 128, "http://127.0.0.1:%d%s", s->port, path);
}

/* --- canned replies -------------------------------------------------- */

/* One canned reply: status line and headers, a body, what to do. */
struct canned {
	const char *head; /* up to the headers, each ending in CRLF */
	const char *body;
	enum mode mode;
	long length; /* Content-Length to announce; -1: the body's */
};

/* The replies of one test, in order; past the last the server says 500. */
struct script {
	const struct canned *c;
	size_t n, next;
};

/* play answers each request with the script's next reply. */
static void
play(struct server *s, const char *req, size_t len, struct zp_buf *reply,
    enum mode *mode)
{
	struct script *sc = s->arg;
	const struct canned *c = &sc->c[sc->next < sc->n ? sc->next : 0];

	(void)req;
	(void)len;
	if (sc->next++ >= sc->n) {
		zp_buf_puts(reply,
		    "HTTP/1.1 500 Out of script\r\n"
		    "Content-Length: 0\r\n\r\n");
		return;
	}
	*mode = c->mode;
	zp_buf_printf(reply, "%sContent-Length: %ld\r\n\r\n%s", c->head,
	    c->length >= 0 ? c->length : (long)strlen(c->body), c->body);
}

/* header_of copies the value of header name of request req into out. */
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

/* --- the client ------------------------------------------------------ */

/* exchange runs one request against a server that plays n canned replies. */
static int
exchange(const struct canned *c, size_t n, struct zp_http_request *rq,
    struct server *s, struct zp_http_response *rs)
{
	struct script sc = {c, n, 0};
	struct zp_http *h = NULL;
	char url[128];
	int rc;

	if (server_start(s, play, &sc) != 0)
		return -100;
	url_of(s, rq->url, url);
	rq->url = url;
	rc = zp_http_new(&h);
	if (rc == 0)
		rc = zp_http_do(h, rq, rs);
	zp_http_free(&h);
	CHECK(h == NULL);
	server_stop(s);
	return rc;
}

TEST(http_get)
{
	static const struct canned c[] = {{"HTTP/1.1 200 OK\r\n"
					   "Content-Type: application/json\r\n"
					   "X-RateLimit-Remaining: 42\r\n"
					   "X-Pad:   padded value  \r\n",
	    "{\"id\":\"me\"}", ANSWER, -1}};
	const char *hdrs[] = {"Authorization: Bearer t0ken", "Accept: */*"};
	struct zp_http_request rq = {.method = "GET",
	    .url = "/v2/users/me?page_size=300",
	    .headers = hdrs,
	    .n_headers = 2,
	    .timeout_ms = 10000};
	struct zp_http_response rs = ZP_HTTP_RESPONSE_INIT;
	struct server s;
	const char *name, *value;
	char v[256];
	size_t pos = 0;

	CHECK_INT(exchange(c, 1, &rq, &s, &rs), 0);
	CHECK_INT(s.n_reqs, 1);
	CHECK(strncmp(s.reqs[0].data,
		  "GET /v2/users/me?page_size=300 HTTP/1.1\r\n", 41) == 0);
	CHECK_STR(header_of(&s.reqs[0], "Authorization", v), "Bearer t0ken");
	CHECK_STR(header_of(&s.reqs[0], "Accept", v), "*/*");
	CHECK(header_of(&s.reqs[0], "Host", v) != NULL);
	CHECK(header_of(&s.reqs[0], "Expect", v) == NULL);
	CHECK(header_of(&s.reqs[0], "Content-Length", v) == NULL);
	CHECK_STR(body_of(&s.reqs[0]), "");
	CHECK_INT(rs.status, 200);
	CHECK_STR(rs.body.data, "{\"id\":\"me\"}");
	CHECK_INT(rs.body.len, 11);
	CHECK_STR(zp_http_header(&rs, "x-ratelimit-remaining"), "42");
	CHECK_STR(zp_http_header(&rs, "CONTENT-TYPE"), "application/json");
	CHECK_STR(zp_http_header(&rs, "X-Pad"), "padded value");
	CHECK_STR(zp_http_header(&rs, "Content-Length"), "11");
	CHECK(zp_http_header(&rs, "Retry-After") == NULL);
	CHECK_INT(rs.n_headers, 4);
	name = zp_http_header_next(&rs, &pos, &value);
	CHECK_STR(name, "Content-Type");
	CHECK_STR(value, "application/json");
	CHECK_STR(rs.error, "");
	CHECK(rs.total_time >= 0);
	zp_http_response_release(&rs);
	server_free(&s);
}

TEST(http_post_large_body)
{
	static const struct canned c[] = {
	    {"HTTP/1.1 201 Created\r\n", "done", ANSWER, -1}};
	const char *hdrs[] = {"Content-Type: application/json"};
	struct zp_http_request rq = {.method = "POST",
	    .url = "/hook",
	    .headers = hdrs,
	    .n_headers = 1,
	    .timeout_ms = 10000};
	struct zp_http_response rs = ZP_HTTP_RESPONSE_INIT;
	struct zp_buf body = ZP_BUF_INIT;
	struct server s;
	char v[256], want[32];
	int i;

	for (i = 0; i < 20000; i++)
		zp_buf_printf(&body, "%05d", i);
	rq.body = body.data;
	rq.body_len = body.len;
	CHECK_INT(exchange(c, 1, &rq, &s, &rs), 0);
	CHECK_INT(s.n_reqs, 1);
	CHECK(strncmp(s.reqs[0].data, "POST /hook HTTP/1.1\r\n", 21) == 0);
	snprintf(want, sizeof(want), "%zu", body.len);
	CHECK_STR(header_of(&s.reqs[0], "Content-Length", v), want);
	CHECK_STR(
	    header_of(&s.reqs[0], "Content-Type", v), "application/json");
	CHECK(header_of(&s.reqs[0], "Expect", v) == NULL);
	CHECK_STR(body_of(&s.reqs[0]), body.data);
	CHECK_INT(rs.status, 201);
	CHECK_STR(rs.body.data, "done");
	zp_http_response_release(&rs);
	zp_buf_release(&body);
	server_free(&s);
}

TEST(http_methods)
{
	static const struct canned c[] = {
	    {"HTTP/1.1 204 No Content\r\n", "", ANSWER, -1},
	    {"HTTP/1.1 200 OK\r\n", "{}", ANSWER, -1},
	    {"HTTP/1.1 200 OK\r\n", "", ANSWER, -1}};
	struct script sc = {c, 3, 0};
	struct zp_http_request rq = {.timeout_ms = 10000};
	struct zp_http_response rs = ZP_HTTP_RESPONSE_INIT;
	struct zp_http *h = NULL;
	struct server s;
	char url[128], v[256];

	CHECK_INT(server_start(&s, play, &sc), 0);
	url_of(&s, "/x", url);
	rq.url = url;
	CHECK_INT(zp_http_new(&h), 0);
	rq.method = "DELETE";
	CHECK_INT(zp_http_do(h, &rq, &rs), 0);
	CHECK_INT(rs.status, 204);
	CHECK_STR(rs.body.data, "");
	rq.method = "PATCH";
	rq.body = "{\"a\":1}";
	rq.body_len = 7;
	CHECK_INT(zp_http_do(h, &rq, &rs), 0);
	CHECK_STR(rs.body.data, "{}");
	rq.method = "POST";
	rq.body = NULL;
	rq.body_len = 0;
	CHECK_INT(zp_http_do(h, &rq, &rs), 0);
	zp_http_free(&h);
	server_stop(&s);
	CHECK_INT(s.n_reqs, 3);
	CHECK(strncmp(s.reqs[0].data, "DELETE /x HTTP/1.1\r\n", 20) == 0);
	CHECK(strncmp(s.reqs[1].data, "PATCH /x HTTP/1.1\r\n", 19) == 0);
	CHECK_STR(body_of(&s.reqs[1]), "{\"a\":1}");
	CHECK(strncmp(s.reqs[2].data, "POST /x HTTP/1.1\r\n", 18) == 0);
	CHECK_STR(header_of(&s.reqs[2], "Content-Length", v), "0");
	zp_http_response_release(&rs);
	server_free(&s);
}

TEST(http_keepalive)
{
	static const struct canned c[] = {
	    {"HTTP/1.1 200 OK\r\n", "one", ANSWER, -1},
	    {"HTTP/1.1 200 OK\r\nX-N: 2\r\n", "two", ANSWER, -1}};
	struct script sc = {c, 2, 0};
	struct zp_http_request rq = {.timeout_ms = 10000};
	struct zp_http_response rs = ZP_HTTP_RESPONSE_INIT;
	struct zp_http *h = NULL;
	struct server s;
	char url[128];

	CHECK_INT(server_start(&s, play, &sc), 0);
	url_of(&s, "/a", url);
	rq.url = url;
	CHECK_INT(zp_http_new(&h), 0);
	CHECK_INT(zp_http_do(h, &rq, &rs), 0);
	CHECK_STR(rs.body.data, "one");
	CHECK(zp_http_header(&rs, "X-N") == NULL);
	url_of(&s, "/b", url);
	CHECK_INT(zp_http_do(h, &rq, &rs), 0);
	CHECK_STR(rs.body.data, "two");
	CHECK_STR(zp_http_header(&rs, "X-N"), "2");
	zp_http_free(&h);
	server_stop(&s);
	CHECK_INT(s.accepts, 1);
	CHECK_INT(s.n_reqs, 2);
	CHECK(strncmp(s.reqs[1].data, "GET /b HTTP/1.1\r\n", 17) == 0);
	zp_http_response_release(&rs);
	server_free(&s);
}

TEST(http_status_is_an_answer)
{
	static const struct canned c[] = {{"HTTP/1.1 429 Too Many Requests\r\n"
					   "Retry-After: 7\r\n",
	    "{\"code\":429,\"message\":\"Too many requests\"}", ANSWER, -1}};
	struct zp_http_request rq = {.url = "/", .timeout_ms = 10000};
	struct zp_http_response rs = ZP_HTTP_RESPONSE_INIT;
	struct server s;

	CHECK_INT(exchange(c, 1, &rq, &s, &rs), 0);
	CHECK_INT(rs.status, 429);
	CHECK_STR(zp_http_header(&rs, "retry-after"), "7");
	CHECK(strstr(rs.body.data, "Too many") != NULL);
	zp_http_response_release(&rs);
	server_free(&s);
}

TEST(http_headers_of_last_response)
{
	static const struct canned c[] = {{"HTTP/1.1 100 Continue\r\n"
					   "X-Early: 1\r\n\r\n"
					   "HTTP/1.1 200 OK\r\nX-Late: 2\r\n",
	    "ok", ANSWER, -1}};
	struct zp_http_request rq = {.method = "POST",
	    .url = "/",
	    .body = "x",
	    .body_len = 1,
	    .timeout_ms = 10000};
	struct zp_http_response rs = ZP_HTTP_RESPONSE_INIT;
	struct server s;

	CHECK_INT(exchange(c, 1, &rq, &s, &rs), 0);
	CHECK_INT(rs.status, 200);
	CHECK(zp_http_header(&rs, "X-Early") == NULL);
	CHECK_STR(zp_http_header(&rs, "X-Late"), "2");
	CHECK_INT(rs.n_headers, 2);
	CHECK_STR(rs.body.data, "ok");
	zp_http_response_release(&rs);
	server_free(&s);
}

TEST(http_timeout)
{
	static const struct canned c[] = {{"", "", SILENT, -1}};
	struct zp_http_request rq = {.url = "/slow", .timeout_ms = 200};
	struct zp_http_response rs = ZP_HTTP_RESPONSE_INIT;
	struct server s;

	CHECK_INT(exchange(c, 1, &rq, &s, &rs), ZP_ETRANSPORT);
	CHECK_INT(rs.timed_out, 1);
	CHECK_INT(rs.status, 0);
	CHECK(rs.error[0] != '\0');
	zp_http_response_release(&rs);
	server_free(&s);
}

TEST(http_refused)
{
	struct zp_http_request rq = {.url = NULL, .timeout_ms = 10000};
	struct zp_http_response rs = ZP_HTTP_RESPONSE_INIT;
	struct zp_http *h = NULL;
	char url[128];
	int port, fd = listen_any(0, &port); /* bound, never listening */

	CHECK(fd >= 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	rq.url = url;
	CHECK_INT(zp_http_new(&h), 0);
	CHECK_INT(zp_http_do(h, &rq, &rs), ZP_ETRANSPORT);
	CHECK_INT(rs.status, 0);
	CHECK_INT(rs.timed_out, 0);
	CHECK(rs.error[0] != '\0');
	zp_http_free(&h);
	close(fd);
	zp_http_response_release(&rs);
}

TEST(http_reset_mid_body)
{
	static const struct canned c[] = {
	    {"HTTP/1.1 200 OK\r\n", "{\"users\":[", RESET, 100}};
	struct zp_http_request rq = {.url = "/users", .timeout_ms = 10000};
	struct zp_http_response rs = ZP_HTTP_RESPONSE_INIT;
	struct server s;

	CHECK_INT(exchange(c, 1, &rq, &s, &rs), ZP_ETRANSPORT);
	CHECK(rs.error[0] != '\0');
	zp_http_response_release(&rs);
	server_free(&s);
}

TEST(http_cut_short)
{
	static const struct canned c[] = {
	    {"HTTP/1.1 200 OK\r\n", "{\"users\":[", CUT, 100}};
	struct zp_http_request rq = {.url = "/users", .timeout_ms = 10000};
	struct zp_http_response rs = ZP_HTTP_RESPONSE_INIT;
	struct server s;

	CHECK_INT(exchange(c, 1, &rq, &s, &rs), ZP_ETRANSPORT);
	CHECK(rs.error[0] != '\0');
	zp_http_response_release(&rs);
	server_free(&s);
}

TEST(http_max_body)
{
	static const struct canned c[] = {
	    {"HTTP/1.1 200 OK\r\n", "0123456789abcdef", ANSWER, -1}};
	struct zp_http_request rq = {
	    .url = "/", .timeout_ms = 10000, .max_body = 10};
	struct zp_http_response rs = ZP_HTTP_RESPONSE_INIT;
	struct server s;

	CHECK_INT(exchange(c, 1, &rq, &s, &rs), ZP_ETOOBIG);
	zp_http_response_release(&rs);
	server_free(&s);
}

/* cancel_now asks every exchange to stop. */
static int
cancel_now(void *arg)
{
	(*(int *)arg)++;
	return 1;
}

TEST(http_cancel)
{
	static const struct canned c[] = {{"", "", SILENT, -1}};
	int calls = 0;
	struct zp_http_request rq = {.url = "/",
	    .timeout_ms = 10000,
	    .cancel = cancel_now,
	    .cancel_arg = &calls};
	struct zp_http_response rs = ZP_HTTP_RESPONSE_INIT;
	struct server s;

	CHECK_INT(exchange(c, 1, &rq, &s, &rs), ZP_EINTR);
	CHECK(calls > 0);
	zp_http_response_release(&rs);
	server_free(&s);
}

TEST(http_bad_requests)
{
	const char *evil[] = {"X-A: 1\r\nX-Injected: 2"};
	struct zp_http_request rq = {.url = "http://127.0.0.1:9/"};
	struct zp_http_response rs = ZP_HTTP_RESPONSE_INIT;
	struct zp_http *h = NULL;

	CHECK_INT(zp_http_new(&h), 0);
	rq.method = "get ";
	CHECK_INT(zp_http_do(h, &rq, &rs), ZP_EINVAL);
	rq.method = "GET";
	rq.headers = evil;
	rq.n_headers = 1;
	CHECK_INT(zp_http_do(h, &rq, &rs), ZP_EINVAL);
	rq.n_headers = 0;
	rq.url = "file:///etc/passwd";
	CHECK_INT(zp_http_do(h, &rq, &rs), ZP_EINVAL);
	rq.url = NULL;
	CHECK_INT(zp_http_do(h, &rq, &rs), ZP_EINVAL);
	zp_http_free(&h);
	zp_http_free(&h);
	zp_http_free(NULL);
	zp_http_response_release(&rs);
}

TEST(http_url_join)
{
	struct zp_buf b = ZP_BUF_INIT;

	CHECK_INT(zp_http_url_join(&b, "http://h:1/v2", "users/me"), 0);
	CHECK_STR(b.data, "http://h:1/v2/users/me");
	zp_buf_reset(&b);
	zp_http_url_join(&b, "http://h:1/v2/", "/users/me");
	CHECK_STR(b.data, "http://h:1/v2/users/me");
	zp_buf_reset(&b);
	zp_http_url_join(&b, "http://h:1/v2//", "//users");
	CHECK_STR(b.data, "http://h:1/v2/users");
	zp_buf_reset(&b);
	zp_http_url_join(&b, "http://h:1/v2", "HTTPS://zoom.us/rec/1");
	CHECK_STR(b.data, "HTTPS://zoom.us/rec/1");
	zp_buf_reset(&b);
	zp_http_url_join(&b, "http://h:1", "/x?u=http://y");
	CHECK_STR(b.data, "http://h:1/x?u=http://y");
	zp_buf_release(&b);
}

/* --- zp-sim's webhook sender ----------------------------------------- */

#define NOW ((time_t)1700000000) /* 2023-11-14T22:13:20Z */
#define SECRET "whsec-test-0123456789"

/* A webhook receiver: checks signatures, answers the challenge, records. */
struct receiver {
	int silent; /* never answer anything */
	atomic_int seen; /* requests received so far */
	int wrong_answers; /* url_validation answers to get wrong first */
	const char *fail_event; /* answer 500 to this event ... */
	int fail_times; /* ... this many times, or always if < 0 */
	int failed;
	int validations;
	int bad; /* requests that Zoom would not have sent */
	struct zp_buf names; /* every event name received, one a line */
	struct zp_buf bodies[MAX_REQS];
	size_t n_bodies;
	struct zp_arena arena;
	struct zp_json_parser parser;
};

/* signed_ok tells whether request req carries Zoom's headers, signed. */
static int
signed_ok(const struct zp_buf *req)
{
	struct zp_buf want = ZP_BUF_INIT;
	const char *body = body_of(req);
	char ts[256], sig[256], ctype[256];
	int ok;

	if (header_of(req, "x-zm-request-timestamp", ts) == NULL ||
	    header_of(req, "x-zm-signature", sig) == NULL ||
	    header_of(req, "Content-Type", ctype) == NULL)
		return 0;
	zp_zoom_webhook_signature(
	    SECRET, strlen(SECRET), ts, body, strlen(body), &want);
	ok = want.data != NULL && strcmp(want.data, sig) == 0 &&
	    strcmp(ctype, "application/json") == 0;
	zp_buf_release(&want);
	return ok;
}

/* answer_challenge writes the url_validation answer for plain to reply,
 * right unless r still has wrong answers to give. */
static void
answer_challenge(
    struct receiver *r, const struct zp_json *plain, struct zp_buf *reply)
{
	unsigned char mac[32];
	struct zp_buf hex = ZP_BUF_INIT, body = ZP_BUF_INIT;
	struct zp_jw j;

	zp_hmac_sha256(SECRET, strlen(SECRET), plain->u.s, plain->n, mac);
	if (r->validations <= r->wrong_answers)
		mac[0] ^= 1;
	zp_hex_encode(&hex, mac, sizeof(mac));
	zp_jw_init(&j, &body);
	zp_jw_object(&j);
	zp_jw_key(&j, "plainToken");
	zp_jw_strn(&j, plain->u.s, plain->n);
	zp_jw_key(&j, "encryptedToken");
	zp_jw_str(&j, hex.data);
	zp_jw_end(&j);
	zp_jw_finish(&j);
	zp_buf_printf(reply,
	    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n%s",
	    body.len, body.data);
	zp_buf_release(&hex);
	zp_buf_release(&body);
}

/* receive is the receiver's request handler. */
static void
receive(struct server *s, const char *req, size_t len, struct zp_buf *reply,
    enum mode *mode)
{
	struct receiver *r = s->arg;
	struct zp_buf copy = {(char *)req, len, len};
	struct zp_json *root = NULL;
	const struct zp_json *ev;
	const char *body = body_of(&copy);
	int fail;

	atomic_fetch_add(&r->seen, 1);
	if (r->silent) {
		*mode = SILENT;
		return;
	}
	if (!signed_ok(&copy))
		r->bad++;
	zp_arena_reset(&r->arena);
	if (zp_json_parse(&r->parser, body, strlen(body), &root) != 0 ||
	    (ev = zp_json_get(root, "event")) == NULL ||
	    ev->type != ZP_JSON_STRING) {
		r->bad++;
		zp_buf_puts(
		    reply, "HTTP/1.1 400 Bad\r\nContent-Length: 0\r\n\r\n");
		return;
	}
	zp_buf_printf(&r->names, "%.*s\n", (int)ev->n, ev->u.s);
	if (zp_json_is_str(ev, "endpoint.url_validation")) {
		r->validations++;
		answer_challenge(r,
		    zp_json_get(zp_json_get(root, "payload"), "plainToken"),
		    reply);
		return;
	}
	if (r->n_bodies < MAX_REQS)
		zp_buf_puts(&r->bodies[r->n_bodies++], body);
	fail = r->fail_event != NULL && zp_json_is_str(ev, r->fail_event) &&
	    (r->fail_times < 0 || r->failed < r->fail_times);
	r->failed += fail;
	zp_buf_puts(reply,
	    fail ? "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n"
		 : "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
}

/* receiver_free releases what r recorded. */
static void
receiver_free(struct receiver *r)
{
	size_t i;

	zp_buf_release(&r->names);
	for (i = 0; i < MAX_REQS; i++)
		zp_buf_release(&r->bodies[i]);
	zp_json_parser_release(&r->parser);
	zp_arena_release(&r->arena);
}

/* The hand-built organization: everything after NOW is sent. */
static struct sim_user t_users[] = {
    {.id = "uHOST000000000000000AA", .email = "host@acme.example"}};
static struct sim_meeting t_meetings[] = {{.id = 81234567890ULL,
    .type = 2,
    .host = 0,
    .topic = "Weekly sync",
    .duration = 30,
    .timezone = "Europe/Paris"}};
static struct sim_instance t_instances[] = {
    {.uuid = "pastPASTpastPASTpast12==",
	.owner = 0,
	.start = NOW - 7200,
	.end = NOW - 5400},
    {.uuid = "abcdEFGHijklMNOPqrst12==",
	.owner = 0,
	.start = NOW + 100,
	.end = NOW + 1900}};
static struct sim_part t_parts[] = {
    {.instance = 0, .user = 0, .join = NOW - 7200, .leave = NOW - 5400},
    {.instance = 1,
	.user = 0,
	.kind = SIM_P_HOST,
	.name = "Hope Host",
	.email = "host@acme.example",
	.id = "uHOST000000000000000AA",
	.user_id = "16778240",
	.join = NOW + 100,
	.leave = NOW + 1900},
    {.instance = 1,
	.user = -1,
	.kind = SIM_P_GUEST,
	.name = "Guest One",
	.email = "guest@other.example",
	.user_id = "16779264",
	.join = NOW + 200,
	.leave = NOW + 1000}};
static struct sim_webinar t_webinars[] = {{.id = 91234567890ULL,
    .host = 0,
    .topic = "Town hall",
    .duration = 60,
    .timezone = "UTC"}};
static struct sim_instance t_winstances[] = {
    {.uuid = "webiWEBIwebiWEBIwebi12==",
	.owner = 0,
	.start = NOW + 2000,
	.end = NOW + 5600}};
static struct sim_recording t_recordings[] = {{.instance = 1,
    .id = "rec-1",
    .n_files = 3,
    .total_size = 123456,
    .recording_start = NOW + 110,
    .recording_end = NOW + 1900}};
static struct sim_call t_calls[] = {{.id = "call-past",
					.user = 0,
					.direction = "inbound",
					.end_time = NOW - 1},
    {.id = "call-now",
	.call_id = "700",
	.user = 0,
	.direction = "outbound",
	.call_result = "answered",
	.start_time = NOW - 60,
	.answer_time = NOW - 55,
	.end_time = NOW,
	.duration = 60},
    {.id = "call-in",
	.call_id = "701",
	.user = 0,
	.direction = "inbound",
	.caller_name = "Ext Caller",
	.caller_number = "+15550100",
	.callee_name = "Hope Host",
	.callee_number = "+15550199",
	.call_result = "no_answer",
	.start_time = NOW + 300,
	.end_time = NOW + 400,
	.duration = 0}};

/* The events the org above gives, in the order they must arrive. */
static const char expected_events[] = "phone.caller_call_log_completed\n"
				      "meeting.started\n"
				      "meeting.participant_joined\n"
				      "meeting.participant_joined\n"
				      "phone.callee_call_log_completed\n"
				      "meeting.participant_left\n"
				      "meeting.participant_left\n"
				      "meeting.ended\n"
				      "recording.completed\n"
				      "webinar.ended\n";
#define N_EVENTS 10

/* sim_for fills sim to send the hand-built org's events to port. */
static void
sim_for(struct sim *sim, char url[128], int port)
{
	memset(sim, 0, sizeof(*sim));
	snprintf(url, 128, "http://127.0.0.1:%d/zoom/webhook", port);
	sim->cfg.webhook_url = url;
	strcpy(sim->cfg.webhook_secret, SECRET);
	sim->cfg.speed = 100000; /* 5600 simulated seconds in 56 ms */
	sim->cfg.org.now = NOW;
	sim->org.opts.now = NOW;
	sim->org.opts.account_id = "acme";
	sim->org.users = t_users;
	sim->org.n_users = 1;
	sim->org.meetings = t_meetings;
	sim->org.n_meetings = 1;
	sim->org.instances = t_instances;
	sim->org.n_instances = 2;
	sim->org.parts = t_parts;
	sim->org.n_parts = 3;
	sim->org.webinars = t_webinars;
	sim->org.n_webinars = 1;
	sim->org.winstances = t_winstances;
	sim->org.n_winstances = 1;
	sim->org.recordings = t_recordings;
	sim->org.n_recordings = 1;
	sim->org.calls = t_calls;
	sim->org.n_calls = 3;
	pthread_mutex_init(&sim->lock, NULL);
	clock_gettime(CLOCK_MONOTONIC, &sim->started);
}

/* deliveries tells how many webhooks sim counted, sent plus failed. */
static uint64_t
deliveries(struct sim *sim, uint64_t *sent, uint64_t *failed)
{
	pthread_mutex_lock(&sim->lock);
	*sent = sim->stats.webhooks_sent;
	*failed = sim->stats.webhooks_failed;
	pthread_mutex_unlock(&sim->lock);
	return *sent + *failed;
}

/*
 * run_sender starts the sender against a receiver r, waits until it has
 * counted want deliveries (with want 0: until r got a request), or the
 * hang guard, stops it and returns its log lines in log.
 */
static void
run_sender(struct receiver *r, uint64_t want, uint64_t *sent, uint64_t *failed,
    struct zp_buf *log)
{
	struct timespec nap = {0, 5000000};
	struct zp_capture cap;
	struct server s;
	struct sim sim;
	char url[128];
	int i;

	zp_json_parser_init(&r->parser, &r->arena);
	CHECK_INT(server_start(&s, receive, r), 0);
	sim_for(&sim, url, s.port);
	CHECK_INT(zp_capture_begin(&cap), 0);
	CHECK_INT(sim_webhooks_start(&sim), 0);
	for (i = 0; i < HANG_GUARD_S * 200; i++) {
		if (want == 0 ? atomic_load(&r->seen) > 0
			      : deliveries(&sim, sent, failed) >= want)
			break;
		nanosleep(&nap, NULL);
	}
	sim_webhooks_stop(&sim);
	CHECK(sim.webhooks == NULL);
	zp_capture_end(&cap, log);
	server_stop(&s);
	server_free(&s);
	deliveries(&sim, sent, failed);
	pthread_mutex_destroy(&sim.lock);
}

TEST(sim_webhook_events)
{
	struct receiver r = {0};
	struct zp_buf log = ZP_BUF_INIT;
	uint64_t sent, failed;

	run_sender(&r, N_EVENTS, &sent, &failed, &log);
	CHECK_INT(sent, N_EVENTS);
	CHECK_INT(failed, 0);
	CHECK_INT(r.bad, 0);
	CHECK_INT(r.validations, 1);
	CHECK(strncmp(r.names.data, "endpoint.url_validation\n", 24) == 0);
	CHECK_STR(r.names.data + 24, expected_events);
	CHECK_INT(r.n_bodies, N_EVENTS);
	CHECK_STR(r.bodies[7].data,
	    "{\"event\":\"meeting.ended\",\"event_ts\":1700001900000,"
	    "\"payload\":{\"account_id\":\"acme\",\"object\":{"
	    "\"id\":\"81234567890\",\"uuid\":\"abcdEFGHijklMNOPqrst12==\","
	    "\"host_id\":\"uHOST000000000000000AA\",\"topic\":\"Weekly sync\","
	    "\"type\":2,\"start_time\":\"2023-11-14T22:15:00Z\","
	    "\"end_time\":\"2023-11-14T22:45:00Z\",\"duration\":30,"
	    "\"timezone\":\"Europe/Paris\"}}}");
	CHECK(strstr(r.bodies[3].data,
		  "\"participant\":{\"user_id\":\"16779264\","
		  "\"user_name\":\"Guest One\",\"id\":\"\","
		  "\"join_time\":\"2023-11-14T22:16:40Z\","
		  "\"email\":\"guest@other.example\","
		  "\"participant_user_id\":\"\"}") != NULL);
	CHECK(strstr(r.bodies[5].data,
		  "\"leave_time\":\"2023-11-14T22:30:00Z\"") != NULL);
	CHECK(strstr(r.bodies[4].data,
		  "\"object\":{\"user_id\":\"uHOST000000000000000AA\","
		  "\"call_logs\":[{\"id\":\"call-in\",\"call_id\":\"701\"") !=
	    NULL);
	CHECK(strstr(r.bodies[8].data, "\"recording_count\":3") != NULL);
	CHECK(strstr(r.bodies[9].data, "\"id\":\"91234567890\"") != NULL);
	CHECK(strstr(log.data, SECRET) == NULL);
	zp_buf_release(&log);
	receiver_free(&r);
}

TEST(sim_webhook_retries)
{
	struct receiver r = {0};
	struct zp_buf log = ZP_BUF_INIT;
	uint64_t sent, failed;
	size_t i, started = 0, ended = 0;

	r.fail_event = "meeting.started"; /* fails once, then arrives */
	r.fail_times = 1;
	run_sender(&r, N_EVENTS + 1, &sent, &failed, &log);
	CHECK_INT(sent, N_EVENTS);
	CHECK_INT(failed, 1);
	for (i = 0; i < r.n_bodies; i++)
		started += strstr(r.bodies[i].data, "meeting.started") != NULL;
	CHECK_INT(started, 2);
	CHECK(strstr(log.data,
		  "failed event=meeting.started attempt=1 "
		  "status=500") != NULL);
	zp_buf_release(&log);
	receiver_free(&r);

	memset(&r, 0, sizeof(r));
	r.fail_event = "webinar.ended"; /* never accepted: given up */
	r.fail_times = -1;
	run_sender(&r, N_EVENTS + 3, &sent, &failed, &log);
	CHECK_INT(sent, N_EVENTS - 1);
	CHECK_INT(failed, 4);
	for (i = 0; i < r.n_bodies; i++)
		ended += strstr(r.bodies[i].data, "webinar.ended") != NULL;
	CHECK_INT(ended, 4);
	CHECK(strstr(log.data, "gave up event=webinar.ended attempts=4") !=
	    NULL);
	zp_buf_release(&log);
	receiver_free(&r);
}

TEST(sim_webhook_validation_retry)
{
	struct receiver r = {0};
	struct zp_buf log = ZP_BUF_INIT;
	uint64_t sent, failed;

	r.wrong_answers = 1;
	run_sender(&r, N_EVENTS, &sent, &failed, &log);
	CHECK_INT(sent, N_EVENTS);
	CHECK_INT(r.validations, 2);
	CHECK(strncmp(r.names.data,
		  "endpoint.url_validation\nendpoint.url_validation\n"
		  "phone.caller_call_log_completed\n",
		  80) == 0);
	CHECK(strstr(log.data, "wrong answer") != NULL);
	CHECK(strstr(log.data, SECRET) == NULL);
	zp_buf_release(&log);
	receiver_free(&r);
}

TEST(sim_webhook_off)
{
	struct sim sim;

	memset(&sim, 0, sizeof(sim));
	CHECK_INT(sim_webhooks_start(&sim), 0);
	CHECK(sim.webhooks == NULL);
	sim_webhooks_stop(&sim);
}

TEST(sim_webhook_stop_in_flight)
{
	struct receiver r = {0};
	struct zp_buf log = ZP_BUF_INIT;
	uint64_t sent, failed;

	r.silent = 1; /* the challenge is never answered: stop cancels it */
	atomic_init(&r.seen, 0);
	run_sender(&r, 0, &sent, &failed, &log);
	CHECK_INT(sent, 0);
	CHECK_INT(failed, 0);
	zp_buf_release(&log);
	receiver_free(&r);
}
