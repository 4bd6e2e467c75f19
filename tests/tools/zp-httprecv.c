/*
 * zp-httprecv - an NDJSON batch receiver for zp-emit's HTTP sink tests.
 *
 * It listens on 127.0.0.1 (a kernel-chosen port, written to --port-file
 * once it listens) and takes POSTed batches the way zp-emit sends them:
 * Content-Type application/x-ndjson, Idempotency-Key the hex SHA-256 of
 * the body (else 400), X-Zoompipe-Records the number of lines (else 400),
 * and, with --token-file, "Authorization: Bearer TOKEN" (else 401).  To
 * make the sender retry, a seeded draw fails a batch with 500 before
 * storing it (--fail-rate) or with 503 after storing it, an answer lost
 * (--fail-after-rate).  A batch whose key was stored already is answered
 * 200 and counted as a duplicate, not stored again.  --refuse STATUS
 * answers every valid batch with STATUS instead.  Stored batches are
 * appended to --out, line by line.  One connection at a time, kept alive,
 * plain sockets.  SIGTERM or SIGINT ends it with a summary on stderr:
 *
 *   zp-httprecv: batches=N stored=N duplicates=N failed=N records=N
 *   rejected=N connections=N
 *
 * (one line).  usage: zp-httprecv --port-file FILE --out FILE
 * [--fail-rate R] [--fail-after-rate R] [--refuse STATUS] [--seed N]
 * [--token-file FILE]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "error.h"
#include "log.h"
#include "splitmix.h"

#define HEAD_MAX (256 * 1024)
#define BODY_MAX (256L * 1024 * 1024)

/* What the receiver was told, what it stored and what it counted. */
struct recv {
	FILE *out;
	struct zp_buf bearer; /* "Bearer TOKEN", or empty: no check */
	double fail_rate, fail_after_rate;
	int refuse; /* answer every valid batch with this, or 0 */
	uint64_t rng;
	char (*keys)[65]; /* the keys of stored batches */
	size_t n_keys, cap_keys;
	long batches, stored, duplicates, failed, records, rejected;
	long connections;
};

/* One connection: its socket and the bytes read but not yet used. */
struct conn {
	int fd;
	struct zp_buf in;
};

/* One request, pointing into the connection's buffer. */
struct request {
	struct zp_buf head; /* request line and headers, NUL-terminated */
	const char *body;
	size_t body_len, used; /* used: head and body, in bytes */
	int close; /* the client asked to close after the answer */
};

/* stop_pipe wakes the poll loops when a stop signal arrives. */
static int stop_pipe[2] = {-1, -1};
static volatile sig_atomic_t stopping;

/* usage prints the synopsis and exits with status. */
static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: zp-httprecv --port-file FILE --out FILE [--fail-rate R] "
	    "[--fail-after-rate R]\n"
	    "                   [--refuse STATUS] [--seed N] "
	    "[--token-file FILE]\n");
	exit(status);
}

/* on_stop notes SIGTERM or SIGINT and wakes the loop. */
static void
on_stop(int sig)
{
	int saved = errno;

	(void)sig;
	stopping = 1;
	if (write(stop_pipe[1], "x", 1) < 0)
		(void)0;
	errno = saved;
}

/* signals_setup makes the stop pipe and the handlers; 0 or -1. */
static int
signals_setup(void)
{
	struct sigaction sa;

	if (pipe(stop_pipe) != 0)
		return -1;
	fcntl(stop_pipe[1], F_SETFL, O_NONBLOCK);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) != 0 ||
	    sigaction(SIGINT, &sa, NULL) != 0)
		return -1;
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL);
}

/* wait_readable waits until fd can be read (0) or a stop came (-1). */
static int
wait_readable(int fd)
{
	struct pollfd p[2] = {{fd, POLLIN, 0}, {stop_pipe[0], POLLIN, 0}};

	while (!stopping) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (p[1].revents != 0)
			break;
		if (p[0].revents != 0)
			return 0;
	}
	return -1;
}

/* --- reading a request ----------------------------------------------- */

/* header finds the value of header name (case-insensitive) in the head;
 * returns it and its length in *len, or NULL. */
static const char *
header(const char *head, const char *name, size_t *len)
{
	size_t n = strlen(name);
	const char *p = head, *v, *e;

	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, n) != 0 || p[n] != ':')
			continue;
		v = p + n + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		e = strstr(v, "\r\n");
		*len = e ? (size_t)(e - v) : strlen(v);
		while (*len > 0 && (v[*len - 1] == ' ' || v[*len - 1] == '\t'))
			(*len)--;
		return v;
	}
	return NULL;
}

/* header_is tells whether header name equals value (case-insensitive). */
static int
header_is(const char *head, const char *name, const char *value)
{
	size_t n;
	const char *v = header(head, name, &n);

	return v != NULL && n == strlen(value) &&
	    strncasecmp(v, value, n) == 0;
}

/* read_more appends what the peer sent next; 0, or -1 at its end or a
 * stop. */
static int
read_more(struct conn *c)
{
	char tmp[65536];
	ssize_t r;

	if (wait_readable(c->fd) != 0)
		return -1;
	do
		r = read(c->fd, tmp, sizeof(tmp));
	while (r < 0 && errno == EINTR && !stopping);
	if (r <= 0)
		return -1;
	return zp_buf_append(&c->in, tmp, (size_t)r) == 0 ? 0 : -1;
}

/* head_end finds the blank line that ends a request head in b, or
 * NULL. */
static const char *
head_end(const struct zp_buf *b)
{
	size_t i;

	for (i = 0; i + 4 <= b->len; i++)
		if (memcmp(b->data + i, "\r\n\r\n", 4) == 0)
			return b->data + i;
	return NULL;
}

/* body_length reads Content-Length (absent: 0); -1 when it is bad. */
static long
body_length(const char *head)
{
	size_t n, i;
	const char *v = header(head, "Content-Length", &n);
	long len = 0;

	if (v == NULL)
		return 0;
	if (n == 0 || n > 12)
		return -1;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		len = len * 10 + (v[i] - '0');
	}
	return len;
}

/*
 * read_request reads the next request of c into rq: 0, -1 when the
 * connection ended, or an HTTP status (400, 413, 431, 501) for a request
 * that cannot be read, after which the connection must close.
 */
static int
read_request(struct conn *c, struct request *rq)
{
	const char *end = NULL;
	long len;
	size_t at;

	while ((end = head_end(&c->in)) == NULL) {
		if (c->in.len > HEAD_MAX)
			return 431;
		if (read_more(c) != 0)
			return -1;
	}
	at = (size_t)(end - c->in.data) + 4;
	zp_buf_reset(&rq->head);
	zp_buf_append(&rq->head, c->in.data, at - 2);
	if (memchr(rq->head.data, '\0', rq->head.len) != NULL)
		return 400;
	if (header(rq->head.data, "Transfer-Encoding", &(size_t) {0}) != NULL)
		return 501;
	if ((len = body_length(rq->head.data)) < 0)
		return 400;
	if (len > BODY_MAX)
		return 413;
	while (c->in.len - at < (size_t)len)
		if (read_more(c) != 0)
			return -1;
	rq->body = c->in.data + at;
	rq->body_len = (size_t)len;
	rq->used = at + (size_t)len;
	rq->close = header_is(rq->head.data, "Connection", "close") ||
	    (strstr(rq->head.data, " HTTP/1.0\r\n") != NULL &&
		!header_is(rq->head.data, "Connection", "keep-alive"));
	return 0;
}

/* consume drops the request just served from the connection's buffer. */
static void
consume(struct conn *c, size_t n)
{
	memmove(c->in.data, c->in.data + n, c->in.len - n);
	c->in.len -= n;
	c->in.data[c->in.len] = '\0';
}

/* --- answering ------------------------------------------------------- */

/* reason is the reason phrase of the statuses this receiver sends. */
static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 405: return "Method Not Allowed";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	default: return "Status";
	}
}

/* write_all writes n bytes at p to fd; 0 or -1. */
static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* answer sends status with a JSON body, keeping the connection unless
 * close says otherwise. */
static void
answer(int fd, int status, const char *body, int close)
{
	struct zp_buf b = ZP_BUF_INIT;

	zp_buf_printf(&b,
	    "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n%s\r\n%s",
	    status, reason(status), strlen(body),
	    close ? "Connection: close\r\n" : "", body);
	if (b.data == NULL || write_all(fd, b.data, b.len) != 0)
		zp_warn("answer %d: %s", status, strerror(errno));
	zp_buf_release(&b);
}

/* --- a batch --------------------------------------------------------- */

/* token_ok tells whether the request carries the bearer token (always,
 * when none is required). */
static int
token_ok(const struct recv *rv, const struct request *rq)
{
	size_t n;
	const char *v;

	if (rv->bearer.len == 0)
		return 1;
	v = header(rq->head.data, "Authorization", &n);
	return v != NULL && n == rv->bearer.len &&
	    zp_crypto_equal(v, rv->bearer.data, n);
}

/* key_ok tells whether Idempotency-Key is the SHA-256 of the body, and
 * copies it to key. */
static int
key_ok(const struct request *rq, char key[65])
{
	unsigned char sum[ZP_SHA256_LEN];
	struct zp_buf hex = ZP_BUF_INIT;
	size_t n;
	const char *v = header(rq->head.data, "Idempotency-Key", &n);
	int ok;

	if (v == NULL || n != 64)
		return 0;
	zp_sha256(rq->body, rq->body_len, sum);
	zp_hex_encode(&hex, sum, sizeof(sum));
	ok = hex.data != NULL && memcmp(hex.data, v, 64) == 0;
	memcpy(key, v, 64);
	key[64] = '\0';
	zp_buf_release(&hex);
	return ok;
}

/* lines counts the records of a body, which must end with a newline;
 * -1 when it is empty or does not. */
static long
lines(const struct request *rq)
{
	long n = 0;
	size_t i;

	if (rq->body_len == 0 || rq->body[rq->body_len - 1] != '\n')
		return -1;
	for (i = 0; i < rq->body_len; i++)
		n += rq->body[i] == '\n';
	return n;
}

/* records_ok tells whether X-Zoompipe-Records says n. */
static int
records_ok(const struct request *rq, long n)
{
	char want[32];
	size_t len;
	const char *v = header(rq->head.data, "X-Zoompipe-Records", &len);

	snprintf(want, sizeof(want), "%ld", n);
	return v != NULL && len == strlen(want) && memcmp(v, want, len) == 0;
}

/* seen tells whether a batch with key was stored already. */
static int
seen(const struct recv *rv, const char *key)
{
	size_t i;

	for (i = 0; i < rv->n_keys; i++)
		if (memcmp(rv->keys[i], key, 64) == 0)
			return 1;
	return 0;
}

/* store appends the batch to --out and remembers its key; 0 or -1. */
static int
store(struct recv *rv, const struct request *rq, const char *key, long n)
{
	if (rv->n_keys == rv->cap_keys) {
		size_t cap = rv->cap_keys ? rv->cap_keys * 2 : 64;
		char(*k)[65] = realloc(rv->keys, cap * sizeof(*k));

		if (k == NULL)
			return -1;
		rv->keys = k;
		rv->cap_keys = cap;
	}
	if (fwrite(rq->body, 1, rq->body_len, rv->out) != rq->body_len ||
	    fflush(rv->out) != 0)
		return -1;
	memcpy(rv->keys[rv->n_keys++], key, 65);
	rv->stored++;
	rv->records += n;
	return 0;
}

/* draw is the next uniform number of [0, 1) from the seeded stream. */
static double
draw(struct recv *rv)
{
	return (double)(zp_splitmix64(&rv->rng) >> 11) / 9007199254740992.0;
}

/* reject answers a request that breaks the protocol and counts it. */
static void
reject(struct recv *rv, int fd, int status, const char *why, int close)
{
	char body[256];

	rv->rejected++;
	zp_warn("%d: %s", status, why);
	snprintf(body, sizeof(body), "{\"error\":\"%s\"}", why);
	answer(fd, status, body, close);
}

/* take handles one valid batch of n records with key: fail it, store
 * it, or see it again. */
static void
take(
    struct recv *rv, int fd, const struct request *rq, const char *key, long n)
{
	double u = draw(rv);

	if (u < rv->fail_rate) {
		rv->failed++;
		answer(
		    fd, 500, "{\"error\":\"failing on purpose\"}", rq->close);
		return;
	}
	if (seen(rv, key)) {
		rv->duplicates++;
		answer(fd, 200, "{\"stored\":false,\"duplicate\":true}",
		    rq->close);
		return;
	}
	if (store(rv, rq, key, n) != 0) {
		zp_error("cannot write --out: %s", strerror(errno));
		answer(fd, 500, "{\"error\":\"cannot store\"}", rq->close);
		return;
	}
	if (u < rv->fail_rate + rv->fail_after_rate) {
		rv->failed++;
		answer(fd, 503,
		    "{\"error\":\"stored, answer lost on purpose\"}",
		    rq->close);
		return;
	}
	answer(fd, 200, "{\"stored\":true}", rq->close);
}

/* handle checks one request and answers it. */
static void
handle(struct recv *rv, int fd, const struct request *rq)
{
	char key[65];
	long n;

	if (strncmp(rq->head.data, "POST ", 5) != 0) {
		reject(rv, fd, 405, "only POST", rq->close);
		return;
	}
	rv->batches++;
	if (!token_ok(rv, rq))
		reject(rv, fd, 401, "bad or missing bearer token", rq->close);
	else if (!header_is(
		     rq->head.data, "Content-Type", "application/x-ndjson"))
		reject(rv, fd, 415, "not application/x-ndjson", rq->close);
	else if (!key_ok(rq, key))
		reject(rv, fd, 400,
		    "Idempotency-Key is not the body's SHA-256", rq->close);
	else if ((n = lines(rq)) < 0 || !records_ok(rq, n))
		reject(rv, fd, 400, "X-Zoompipe-Records is not the line count",
		    rq->close);
	else if (rv->refuse != 0) {
		rv->rejected++;
		answer(fd, rv->refuse,
		    "{\"error\": \"refused on purpose\",\n"
		    "  \"hint\": \"this receiver refuses every batch\"}\n",
		    rq->close);
	} else
		take(rv, fd, rq, key, n);
}

/* serve answers the requests of one connection until it ends. */
static void
serve(struct recv *rv, int fd)
{
	struct conn c = {fd, ZP_BUF_INIT};
	struct request rq = {ZP_BUF_INIT, NULL, 0, 0, 0};
	int rc;

	while ((rc = read_request(&c, &rq)) == 0) {
		handle(rv, fd, &rq);
		if (rq.close)
			break;
		consume(&c, rq.used);
	}
	if (rc > 0)
		reject(rv, fd, rc, "unreadable request", 1);
	zp_buf_release(&rq.head);
	zp_buf_release(&c.in);
}

/* --- setup ----------------------------------------------------------- */

/* listen_any binds 127.0.0.1 on a free port and only then writes the
 * port to port_file (atomically); returns the socket or -1. */
static int
listen_any(const char *port_file)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	struct zp_buf tmp = ZP_BUF_INIT;
	int s = socket(AF_INET, SOCK_STREAM, 0), ok;
	FILE *f;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(s, 16) != 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) != 0)
		return -1;
	zp_buf_printf(&tmp, "%s.tmp", port_file);
	f = tmp.data != NULL ? fopen(tmp.data, "w") : NULL;
	ok = f != NULL && fprintf(f, "%d\n", ntohs(a.sin_port)) > 0;
	ok = f != NULL && fclose(f) == 0 && ok &&
	    rename(tmp.data, port_file) == 0;
	zp_buf_release(&tmp);
	if (!ok) {
		close(s);
		return -1;
	}
	return s;
}

/* rate reads a probability 0..1 or dies with usage. */
static double
rate(const char *s)
{
	char *end;
	double r = strtod(s, &end);

	if (end == s || *end != '\0' || !(r >= 0 && r <= 1)) {
		zp_error("'%s' is not a rate between 0 and 1", s);
		usage(64);
	}
	return r;
}

/* read_bearer loads the token of file into "Bearer TOKEN"; 0 or -1. */
static int
read_bearer(struct recv *rv, const char *file)
{
	struct zp_buf why = ZP_BUF_INIT;
	int rc;

	zp_buf_puts(&rv->bearer, "Bearer ");
	rc = zp_config_secret(NULL, file, &rv->bearer, &why);
	if (rc != 0)
		zp_error(
		    "--token-file: %s", why.len ? why.data : "unreadable");
	zp_buf_release(&why);
	return rc == 0 ? 0 : -1;
}

/* parse_args fills rv and the two paths from the command line. */
static void
parse_args(struct recv *rv, int argc, char **argv, const char **out,
    const char **port_file)
{
	static const struct option opts[] = {
	    {"fail-after-rate", required_argument, NULL, 'a'},
	    {"fail-rate", required_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {"out", required_argument, NULL, 'o'},
	    {"port-file", required_argument, NULL, 'p'},
	    {"refuse", required_argument, NULL, 'r'},
	    {"seed", required_argument, NULL, 's'},
	    {"token-file", required_argument, NULL, 't'}, {NULL, 0, NULL, 0}};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			usage(0);
		else if (c == 'a')
			rv->fail_after_rate = rate(optarg);
		else if (c == 'f')
			rv->fail_rate = rate(optarg);
		else if (c == 'o')
			*out = optarg;
		else if (c == 'p')
			*port_file = optarg;
		else if (c == 'r')
			rv->refuse = (int)strtol(optarg, NULL, 10);
		else if (c == 's')
			rv->rng = strtoull(optarg, NULL, 10);
		else if (c == 't' && read_bearer(rv, optarg) != 0)
			exit(ZP_EXIT_CONFIG);
		else if (c == '?')
			usage(64);
	}
	if (optind != argc || *out == NULL || *port_file == NULL ||
	    rv->fail_rate + rv->fail_after_rate > 1 ||
	    (rv->refuse != 0 && (rv->refuse < 200 || rv->refuse > 599)))
		usage(64);
}

int
main(int argc, char **argv)
{
	struct recv rv;
	const char *out = NULL, *port_file = NULL;
	int ls, s, rc;

	memset(&rv, 0, sizeof(rv));
	rv.rng = 1;
	zp_log_init("zp-httprecv", ZP_LOG_INFO, ZP_LOG_TEXT);
	parse_args(&rv, argc, argv, &out, &port_file);
	if (signals_setup() != 0 || (rv.out = fopen(out, "a")) == NULL ||
	    (ls = listen_any(port_file)) < 0) {
		zp_error(
		    "cannot listen or write %s: %s", out, strerror(errno));
		return ZP_EXIT_UNAVAILABLE;
	}
	while (wait_readable(ls) == 0) {
		if ((s = accept(ls, NULL, NULL)) < 0)
			continue;
		rv.connections++;
		serve(&rv, s);
		close(s);
	}
	close(ls);
	rc = fclose(rv.out) == 0 ? 0 : ZP_EXIT_TEMPFAIL;
	fprintf(stderr,
	    "zp-httprecv: batches=%ld stored=%ld duplicates=%ld failed=%ld "
	    "records=%ld rejected=%ld connections=%ld\n",
	    rv.batches, rv.stored, rv.duplicates, rv.failed, rv.records,
	    rv.rejected, rv.connections);
	if (rv.bearer.data != NULL)
		zp_crypto_wipe(rv.bearer.data, rv.bearer.cap);
	zp_buf_release(&rv.bearer);
	free(rv.keys);
	return rc;
}
