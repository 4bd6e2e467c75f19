/*
 * http.h - a small blocking HTTP/1.1 client.
 *
 * One struct zp_http is one libcurl easy handle: requests made through the
 * same handle reuse its keep-alive connections.  A handle belongs to one
 * thread at a time; use one handle per thread.  Redirects are not
 * followed, and an HTTP error status is an answer, not an error: only a
 * failed exchange (no connection, a timeout, a reset, a cut-short body)
 * returns ZP_ETRANSPORT, with libcurl's explanation in the response.
 *
 * This is the only module that calls curl_*.  It never logs: request
 * headers carry tokens, and error texts name only the host and the cause.
 */
#ifndef ZP_HTTP_H
#define ZP_HTTP_H

#include <stddef.h>

#include "buf.h"

#define ZP_HTTP_ERROR_LEN 256

struct zp_http;

/*
 * What to send.  Every pointer is borrowed for the duration of the call.
 * A body without a Content-Type header goes out as libcurl's default,
 * application/x-www-form-urlencoded.
 */
struct zp_http_request {
	const char *method; /* "GET", "POST", ...; NULL means GET */
	const char *url; /* http:// or https:// */
	const char *const *headers; /* "Name: value" lines */
	size_t n_headers;
	const void *body; /* NULL: no body (a POST sends "") */
	size_t body_len;
	long timeout_ms; /* the whole exchange; 0: no limit */
	long connect_timeout_ms; /* 0: libcurl's default */
	size_t max_body; /* 0: no limit; more gives ZP_ETOOBIG */
	int (*cancel)(void *arg); /* polled while waiting; nonzero stops
				     the exchange with ZP_EINTR; or NULL */
	void *cancel_arg;
};

/*
 * What came back.  Start it zeroed (ZP_HTTP_RESPONSE_INIT), reuse it for
 * any number of requests, and free it with zp_http_response_release.
 */
struct zp_http_response {
	int status; /* 0 when no answer arrived */
	struct zp_buf headers; /* "name\0value\0" pairs, private: use
				  zp_http_header and _next */
	size_t n_headers;
	struct zp_buf body; /* always NUL-terminated after an answer */
	double total_time; /* seconds the exchange took */
	int timed_out; /* the failure was timeout_ms running out */
	char error[ZP_HTTP_ERROR_LEN]; /* why, after ZP_ETRANSPORT; else "" */
};

#define ZP_HTTP_RESPONSE_INIT                                                 \
	{                                                                     \
		0, ZP_BUF_INIT, 0, ZP_BUF_INIT, 0.0, 0, ""                    \
	}

/*
 * zp_http_new makes a handle in *out, which the caller frees with
 * zp_http_free.  The first call in the process initializes libcurl.
 * Returns 0, ZP_ENOMEM or ZP_ETRANSPORT.
 */
int zp_http_new(struct zp_http **out);

/* zp_http_free closes the handle's connections and frees it; accepts NULL
 * and clears the pointer. */
void zp_http_free(struct zp_http **h);

/*
 * zp_http_do sends rq and waits for the whole answer, which replaces what
 * rs held.  Returns 0 when an answer arrived (whatever its status),
 * ZP_ETRANSPORT when the exchange failed (rs->error says why), ZP_EINTR
 * when rq->cancel stopped it, ZP_ETOOBIG past rq->max_body, ZP_EINVAL for
 * a malformed request or ZP_ENOMEM.  h, rq and rs are borrowed.
 */
int zp_http_do(struct zp_http *h, const struct zp_http_request *rq,
    struct zp_http_response *rs);

/*
 * zp_http_header returns the value of the first response header named name
 * (case-insensitive), or NULL.  The value belongs to rs and lives until rs
 * is reused or released.
 */
const char *zp_http_header(
    const struct zp_http_response *rs, const char *name);

/*
 * zp_http_header_next walks the response headers in the order received:
 * start with *pos = 0; each call returns the next name and sets *value, or
 * returns NULL after the last.  Both strings belong to rs.
 */
const char *zp_http_header_next(
    const struct zp_http_response *rs, size_t *pos, const char **value);

/* zp_http_response_release frees what rs holds and zeroes it. */
void zp_http_response_release(struct zp_http_response *rs);

/*
 * zp_http_url_join appends base and path to out with exactly one '/'
 * between them ("http://h/v2/" + "/users" is "http://h/v2/users"); a path
 * that is already a whole URL ("https://...") is appended alone.  Returns
 * 0 or ZP_ENOMEM; both strings are borrowed.
 */
int zp_http_url_join(struct zp_buf *out, const char *base, const char *path);

/* --- concurrent exchanges ------------------------------------------- */

/*
 * A struct zp_http_multi runs many exchanges at once on one thread
 * (libcurl's multi interface), sharing keep-alive connections.  Start
 * exchanges with zp_http_multi_add, drive them with zp_http_multi_wait,
 * and collect each finished one with zp_http_multi_next.
 */
struct zp_http_multi;

/* zp_http_multi_new makes a runner for up to max exchanges at a time in
 * *out (freed with zp_http_multi_free).  0, ZP_ENOMEM or ZP_ETRANSPORT. */
int zp_http_multi_new(struct zp_http_multi **out, size_t max);

/* zp_http_multi_free abandons unfinished exchanges, closes the
 * connections and frees m; accepts NULL and clears the pointer. */
void zp_http_multi_free(struct zp_http_multi **m);

/*
 * zp_http_multi_add starts rq.  Its URL, headers and body are copied;
 * rs is borrowed until zp_http_multi_next hands back tag with the result
 * (the codes of zp_http_do).  Returns 0, ZP_ETOOBIG when max exchanges
 * are already running, ZP_EINVAL or ZP_ENOMEM.
 */
int zp_http_multi_add(struct zp_http_multi *m,
    const struct zp_http_request *rq, struct zp_http_response *rs, void *tag);

/*
 * zp_http_multi_wait moves the exchanges along until one finishes or
 * timeout_ms passes (0: do what can be done now).  Returns 0 or
 * ZP_ETRANSPORT when libcurl itself failed.
 */
int zp_http_multi_wait(struct zp_http_multi *m, long timeout_ms);

/*
 * zp_http_multi_next hands back one finished exchange: returns 1 with
 * *tag and *rc (0 or the error zp_http_do would have returned), or 0 when
 * none has finished since the last call.
 */
int zp_http_multi_next(struct zp_http_multi *m, void **tag, int *rc);

/* zp_http_multi_running counts the exchanges started and not yet handed
 * back. */
size_t zp_http_multi_running(const struct zp_http_multi *m);

#endif
