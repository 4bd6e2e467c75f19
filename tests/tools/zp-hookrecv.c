/*
 * zp-hookrecv - a webhook receiver for zp-sim's end-to-end tests.
 *
 * It listens on 127.0.0.1 (a kernel-chosen port, written to --port-file),
 * checks every request's x-zm-signature with the secret from
 * ZP_HOOK_SECRET, answers Zoom's endpoint.url_validation challenge, fails
 * the first --fail-first events with 500 (to see retries), and appends each
 * accepted event body as one line to --out.  It exits after --count
 * accepted events.  One connection at a time, plain sockets.
 *
 * usage: zp-hookrecv --count N --out FILE --port-file FILE [--fail-first N]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"
#include "crypto.h"
#include "error.h"
#include "json.h"
#include "log.h"

/* What the receiver was told and what it counted. */
struct recv {
	const char *secret;
	FILE *out;
	long count;
	long fail_first;
	long accepted;
	long bad_signatures;
	long validations;
};

/* One request as read off the socket. */
struct request {
	struct zp_buf raw;
	size_t body_at;
	size_t body_len;
	char ts[32];
	char sig[128];
};

/* usage prints the synopsis and exits with status. */
static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: zp-hookrecv --count N --out FILE --port-file FILE "
	    "[--fail-first N]\n");
	exit(status);
}

/* header copies the value of header name (case-insensitive) into out. */
static void
header(const char *head, const char *name, char *out, size_t cap)
{
	size_t n = strlen(name);
	const char *p = head;

	out[0] = '\0';
	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1, *e = strstr(v, "\r\n");
			size_t len;

			while (*v == ' ')
				v++;
			len = e ? (size_t)(e - v) : strlen(v);
			if (len >= cap)
				len = cap - 1;
			memcpy(out, v, len);
			out[len] = '\0';
			return;
		}
	}
}

/* read_request reads headers and the Content-Length body; 0 or -1. */
static int
read_request(int s, struct request *rq)
{
	char tmp[8192], len[32];
	char *end = NULL;
	ssize_t r;

	zp_buf_reset(&rq->raw);
	while (end == NULL) {
		if ((r = read(s, tmp, sizeof(tmp))) <= 0)
			return -1;
		zp_buf_append(&rq->raw, tmp, (size_t)r);
		end = strstr(rq->raw.data, "\r\n\r\n");
	}
	rq->body_at = (size_t)(end - rq->raw.data) + 4;
	*end = '\0';
	header(rq->raw.data, "Content-Length", len, sizeof(len));
	header(rq->raw.data, "x-zm-request-timestamp", rq->ts, sizeof(rq->ts));
	header(rq->raw.data, "x-zm-signature", rq->sig, sizeof(rq->sig));
	rq->body_len = strtoul(len, NULL, 10);
	while (rq->raw.len - rq->body_at < rq->body_len) {
		if ((r = read(s, tmp, sizeof(tmp))) <= 0)
			return -1;
		zp_buf_append(&rq->raw, tmp, (size_t)r);
	}
	return 0;
}

/* answer writes a JSON response with status. */
static void
answer(int s, int status, const char *body)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
	    "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n",
	    status, status == 200 ? "OK" : "Error", strlen(body));

	if (write(s, head, (size_t)n) < 0 || write(s, body, strlen(body)) < 0)
		zp_warn("answer: %s", strerror(errno));
}

/* signed_ok checks the x-zm-signature of rq. */
static int
signed_ok(const struct recv *rv, const struct request *rq)
{
	struct zp_buf want = ZP_BUF_INIT;
	int ok;

	zp_zoom_webhook_signature(rv->secret, strlen(rv->secret), rq->ts,
	    rq->raw.data + rq->body_at, rq->body_len, &want);
	ok = want.len == strlen(rq->sig) &&
	    zp_crypto_equal(want.data, rq->sig, want.len);
	zp_buf_release(&want);
	return ok;
}

/* validation answers the url_validation challenge of plain token p. */
static void
validation(int s, const struct recv *rv, const struct zp_json *p)
{
	unsigned char mac[32];
	struct zp_buf hex = ZP_BUF_INIT, body = ZP_BUF_INIT;
	struct zp_jw w;

	zp_hmac_sha256(rv->secret, strlen(rv->secret), p->u.s, p->n, mac);
	zp_hex_encode(&hex, mac, sizeof(mac));
	zp_jw_init(&w, &body);
	zp_jw_object(&w);
	zp_jw_key(&w, "plainToken");
	zp_jw_strn(&w, p->u.s, p->n);
	zp_jw_key(&w, "encryptedToken");
	zp_jw_str(&w, hex.data);
	zp_jw_end(&w);
	answer(s, 200, body.data);
	zp_buf_release(&hex);
	zp_buf_release(&body);
}

/* handle serves one connection. */
static void
handle(int s, struct recv *rv, struct request *rq)
{
	struct zp_arena arena = ZP_ARENA_INIT;
	struct zp_json_parser p;
	struct zp_json *root = NULL;
	const struct zp_json *plain;

	zp_json_parser_init(&p, &arena);
	if (read_request(s, rq) != 0)
		goto out;
	if (!signed_ok(rv, rq)) {
		rv->bad_signatures++;
		answer(s, 401, "{\"error\":\"bad signature\"}");
		goto out;
	}
	if (zp_json_parse(
		&p, rq->raw.data + rq->body_at, rq->body_len, &root) != 0) {
		answer(s, 400, "{\"error\":\"bad json\"}");
		goto out;
	}
	plain = zp_json_get(zp_json_get(root, "payload"), "plainToken");
	if (zp_json_is_str(
		zp_json_get(root, "event"), "endpoint.url_validation") &&
	    plain != NULL && plain->type == ZP_JSON_STRING) {
		rv->validations++;
		validation(s, rv, plain);
	} else if (rv->fail_first > 0) {
		rv->fail_first--;
		answer(s, 500, "{\"error\":\"failing on purpose\"}");
	} else {
		fwrite(rq->raw.data + rq->body_at, 1, rq->body_len, rv->out);
		fputc('\n', rv->out);
		fflush(rv->out);
		rv->accepted++;
		answer(s, 200, "{}");
	}
out:
	zp_json_parser_release(&p);
	zp_arena_release(&arena);
}

/* listen_any binds 127.0.0.1 on a free port; returns the socket. */
static int
listen_any(const char *port_file)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	FILE *f;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(s, 16) != 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) != 0)
		return -1;
	f = fopen(port_file, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "%d\n", ntohs(a.sin_port));
	fclose(f);
	return s;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"count", required_argument, NULL, 'c'},
	    {"fail-first", required_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {"out", required_argument, NULL, 'o'},
	    {"port-file", required_argument, NULL, 'p'}, {NULL, 0, NULL, 0}};
	struct recv rv = {NULL, NULL, 0, 0, 0, 0, 0};
	struct request rq = {ZP_BUF_INIT, 0, 0, "", ""};
	const char *out = NULL, *port_file = NULL;
	int c, ls;

	zp_log_init("zp-hookrecv", ZP_LOG_INFO, ZP_LOG_TEXT);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			usage(0);
		else if (c == 'c')
			rv.count = strtol(optarg, NULL, 10);
		else if (c == 'f')
			rv.fail_first = strtol(optarg, NULL, 10);
		else if (c == 'o')
			out = optarg;
		else if (c == 'p')
			port_file = optarg;
		else
			usage(64);
	}
	rv.secret = getenv("ZP_HOOK_SECRET");
	if (out == NULL || port_file == NULL || rv.count <= 0 ||
	    rv.secret == NULL || rv.secret[0] == '\0')
		usage(64);
	if ((rv.out = fopen(out, "w")) == NULL ||
	    (ls = listen_any(port_file)) < 0) {
		zp_error(
		    "cannot listen or write %s: %s", out, strerror(errno));
		return ZP_EXIT_UNAVAILABLE;
	}
	while (rv.accepted < rv.count) {
		int s = accept(ls, NULL, NULL);

		if (s < 0)
			continue;
		handle(s, &rv, &rq);
		close(s);
	}
	zp_info("accepted %ld events, %ld validations, %ld bad signatures",
	    rv.accepted, rv.validations, rv.bad_signatures);
	zp_buf_release(&rq.raw);
	close(ls);
	return fclose(rv.out) == 0 ? 0 : ZP_EXIT_TEMPFAIL;
}
