/*
 * http.c - a small blocking HTTP/1.1 client on libcurl's easy interface.
 *
 * The only file that calls curl_*.  libcurl is initialized once per
 * process (pthread_once) and never cleaned up: other threads may still
 * hold handles when the process exits.  Each exchange ends with
 * curl_easy_reset, which forgets its options but keeps the connection
 * cache, so a handle reuses its keep-alive connections.
 */
#include "http.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "error.h"

/* One easy handle and the buffer libcurl explains its failures in. */
struct zp_http {
	CURL *curl;
	char errbuf[CURL_ERROR_SIZE];
};

/* One exchange, as libcurl's callbacks see it. */
struct exchange {
	const struct zp_http_request *rq;
	struct zp_http_response *rs;
	int err; /* why a callback stopped the exchange, or 0 */
};

/* --- the process's libcurl ------------------------------------------- */

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

/* global_init runs curl_global_init, once, before the first handle. */
static void
global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* --- handles --------------------------------------------------------- */

/* zp_http_new makes a handle in *out; 0, ZP_ENOMEM or ZP_ETRANSPORT. */
int
zp_http_new(struct zp_http **out)
{
	struct zp_http *h;

	*out = NULL;
	if (pthread_once(&global_once, global_init) != 0 ||
	    global_rc != CURLE_OK)
		return ZP_ETRANSPORT;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return ZP_ENOMEM;
	h->curl = curl_easy_init();
	if (h->curl == NULL) {
		free(h);
		return ZP_ENOMEM;
	}
	*out = h;
	return 0;
}

/* zp_http_free closes the handle's connections and frees it. */
void
zp_http_free(struct zp_http **h)
{
	if (h == NULL || *h == NULL)
		return;
	curl_easy_cleanup((*h)->curl);
	free(*h);
	*h = NULL;
}

/* --- callbacks ------------------------------------------------------- */

/* on_body appends a piece of the response body, within rq->max_body. */
static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct exchange *ex = arg;
	struct zp_buf *b = &ex->rs->body;
	size_t len = size * n;

	if (ex->rq->max_body > 0 && len > ex->rq->max_body - b->len) {
		ex->err = ZP_ETOOBIG;
		return 0;
	}
	if (zp_buf_append(b, p, len) != 0) {
		ex->err = ZP_ENOMEM;
		return 0;
	}
	return len;
}

/* trim_end returns n less the spaces, tabs, CRs and LFs ending p[0..n). */
static size_t
trim_end(const char *p, size_t n)
{
	while (n > 0 && strchr(" \t\r\n", p[n - 1]) != NULL)
		n--;
	return n;
}

/* add_header stores one "Name: value" line as "name\0value\0". */
static int
add_header(struct zp_http_response *rs, const char *p, size_t len)
{
	const char *colon = memchr(p, ':', len), *v;
	size_t before = rs->headers.len, namelen;
	int rc;

	if (colon == NULL || colon == p || memchr(p, '\0', len) != NULL)
		return 0; /* the blank line, a folded line: nothing to keep */
	namelen = trim_end(p, (size_t)(colon - p));
	v = colon + 1;
	while (v < p + len && (*v == ' ' || *v == '\t'))
		v++;
	rc = zp_buf_append(&rs->headers, p, namelen);
	if (rc == 0)
		rc = zp_buf_putc(&rs->headers, '\0');
	if (rc == 0)
		rc = zp_buf_append(
		    &rs->headers, v, trim_end(v, (size_t)(p + len - v)));
	if (rc == 0)
		rc = zp_buf_putc(&rs->headers, '\0');
	if (rc != 0) {
		rs->headers.len = before;
		return rc;
	}
	rs->n_headers++;
	return 0;
}

/*
 * on_header keeps the headers of the last response only: a status line
 * (after a 100 Continue, say) starts the list again.
 */
static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct exchange *ex = arg;
	size_t len = size * n;

	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		zp_buf_reset(&ex->rs->headers);
		ex->rs->n_headers = 0;
		return len;
	}
	if (add_header(ex->rs, p, len) != 0) {
		ex->err = ZP_ENOMEM;
		return 0;
	}
	return len;
}

/* on_progress stops the exchange once rq->cancel says so. */
static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct exchange *ex = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	if (ex->rq->cancel(ex->rq->cancel_arg) == 0)
		return 0;
	ex->err = ZP_EINTR;
	return 1;
}

/* --- one exchange ---------------------------------------------------- */

/* valid_token tells whether s is a plausible method: upper-case letters. */
static int
valid_token(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < 'A' || *s > 'Z')
			return 0;
	return 1;
}

/*
 * build_headers makes the header list of rq in *out (freed by the caller
 * with curl_slist_free_all), turning off libcurl's "Expect: 100-continue"
 * that would hold a large body back for a second.  A line with CR or LF
 * in it gives ZP_EINVAL: it would smuggle in headers of its own.
 */
static int
build_headers(const struct zp_http_request *rq, struct curl_slist **out)
{
	struct curl_slist *l = curl_slist_append(NULL, "Expect:"), *next;
	size_t i;

	*out = NULL;
	for (i = 0; l != NULL && i < rq->n_headers; i++) {
		if (strpbrk(rq->headers[i], "\r\n") != NULL) {
			curl_slist_free_all(l);
			return ZP_EINVAL;
		}
		next = curl_slist_append(l, rq->headers[i]);
		if (next == NULL)
			curl_slist_free_all(l);
		l = next;
	}
	if (l == NULL)
		return ZP_ENOMEM;
	*out = l;
	return 0;
}

/* set_method chooses the method and attaches the body, if any. */
static int
set_method(CURL *c, const struct zp_http_request *rq)
{
	const char *m = rq->method != NULL ? rq->method : "GET";
	int bad = 0;

	if (!valid_token(m))
		return ZP_EINVAL;
	if (rq->body != NULL || strcmp(m, "POST") == 0) {
		bad |= curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
			   (curl_off_t)rq->body_len) != CURLE_OK;
		bad |= curl_easy_setopt(c, CURLOPT_POSTFIELDS,
			   rq->body != NULL ? rq->body : "") != CURLE_OK;
		if (strcmp(m, "POST") != 0)
			bad |= curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, m) !=
			    CURLE_OK;
	} else if (strcmp(m, "GET") == 0) {
		bad |= curl_easy_setopt(c, CURLOPT_HTTPGET, 1L) != CURLE_OK;
	} else if (strcmp(m, "HEAD") == 0) {
		bad |= curl_easy_setopt(c, CURLOPT_NOBODY, 1L) != CURLE_OK;
	} else {
		bad |=
		    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, m) != CURLE_OK;
	}
	return bad ? ZP_EINVAL : 0;
}

/* set_limits applies the timeouts and the cancel callback of rq. */
static int
set_limits(CURL *c, struct exchange *ex)
{
	const struct zp_http_request *rq = ex->rq;
	int bad = 0;

	if (rq->timeout_ms > 0)
		bad |= curl_easy_setopt(
			   c, CURLOPT_TIMEOUT_MS, rq->timeout_ms) != CURLE_OK;
	if (rq->connect_timeout_ms > 0)
		bad |= curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
			   rq->connect_timeout_ms) != CURLE_OK;
	if (rq->cancel != NULL) {
		bad |= curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION,
			   on_progress) != CURLE_OK;
		bad |=
		    curl_easy_setopt(c, CURLOPT_XFERINFODATA, ex) != CURLE_OK;
		bad |= curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L) != CURLE_OK;
	}
	return bad ? ZP_EINVAL : 0;
}

/* set_options configures h for the exchange ex with header list hdrs. */
static int
set_options(struct zp_http *h, struct exchange *ex, struct curl_slist *hdrs)
{
	CURL *c = h->curl;
	int bad = 0;

	bad |= curl_easy_setopt(c, CURLOPT_URL, ex->rq->url) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_HTTP_VERSION,
		   (long)CURL_HTTP_VERSION_1_1) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_USERAGENT, "zoompipe") != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_WRITEDATA, ex) != CURLE_OK;
	bad |=
	    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_HEADERDATA, ex) != CURLE_OK;
	if (bad)
		return ZP_EINVAL;
	return set_limits(c, ex);
}

/* fail records why libcurl gave up and maps its code to ours. */
static int
fail(struct zp_http *h, struct zp_http_response *rs, CURLcode cc)
{
	const char *why = h->errbuf[0] ? h->errbuf : curl_easy_strerror(cc);

	snprintf(rs->error, sizeof(rs->error), "%.*s",
	    (int)trim_end(why, strlen(why)), why);
	rs->timed_out = cc == CURLE_OPERATION_TIMEDOUT;
	switch (cc) {
	case CURLE_OUT_OF_MEMORY: return ZP_ENOMEM;
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_BAD_FUNCTION_ARGUMENT: return ZP_EINVAL;
	default: return ZP_ETRANSPORT;
	}
}

/* finish fills rs from the handle after curl_easy_perform returned cc. */
static int
finish(struct zp_http *h, struct exchange *ex, CURLcode cc)
{
	struct zp_http_response *rs = ex->rs;
	double seconds = 0;
	long status = 0;

	curl_easy_getinfo(h->curl, CURLINFO_TOTAL_TIME, &seconds);
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
	rs->total_time = seconds;
	rs->status = (int)status;
	if (ex->err != 0)
		return ex->err;
	if (cc != CURLE_OK)
		return fail(h, rs, cc);
	if (rs->body.data == NULL)
		return zp_buf_puts(&rs->body, "");
	return 0;
}

/* response_reset empties rs for a new exchange, keeping its memory. */
static void
response_reset(struct zp_http_response *rs)
{
	rs->status = 0;
	zp_buf_reset(&rs->headers);
	rs->n_headers = 0;
	zp_buf_reset(&rs->body);
	rs->total_time = 0;
	rs->timed_out = 0;
	rs->error[0] = '\0';
}

/* zp_http_do sends rq and waits for the whole answer into rs. */
int
zp_http_do(struct zp_http *h, const struct zp_http_request *rq,
    struct zp_http_response *rs)
{
	struct exchange ex = {rq, rs, 0};
	struct curl_slist *hdrs = NULL;
	int rc;

	response_reset(rs);
	if (rq->url == NULL)
		return ZP_EINVAL;
	h->errbuf[0] = '\0';
	if ((rc = build_headers(rq, &hdrs)) != 0)
		goto out;
	if ((rc = set_method(h->curl, rq)) != 0 ||
	    (rc = set_options(h, &ex, hdrs)) != 0)
		goto out;
	rc = finish(h, &ex, curl_easy_perform(h->curl));
out:
	/* Forget every option, and so every pointer this call lent the
	 * handle, but keep the connections. */
	curl_easy_reset(h->curl);
	curl_slist_free_all(hdrs);
	return rc;
}

/* --- responses ------------------------------------------------------- */

/* zp_http_header_next returns the next header name and sets *value. */
const char *
zp_http_header_next(
    const struct zp_http_response *rs, size_t *pos, const char **value)
{
	const char *name;

	if (*pos >= rs->headers.len)
		return NULL;
	name = rs->headers.data + *pos;
	*value = name + strlen(name) + 1;
	*pos = (size_t)(*value - rs->headers.data) + strlen(*value) + 1;
	return name;
}

/* zp_http_header returns the first value of header name, or NULL. */
const char *
zp_http_header(const struct zp_http_response *rs, const char *name)
{
	const char *n, *v;
	size_t pos = 0;

	while ((n = zp_http_header_next(rs, &pos, &v)) != NULL)
		if (strcasecmp(n, name) == 0)
			return v;
	return NULL;
}

/* zp_http_response_release frees what rs holds and zeroes it. */
void
zp_http_response_release(struct zp_http_response *rs)
{
	zp_buf_release(&rs->headers);
	zp_buf_release(&rs->body);
	response_reset(rs);
}

/* --- URLs ------------------------------------------------------------ */

/* is_absolute tells whether path is a whole http(s) URL. */
static int
is_absolute(const char *path)
{
	return strncasecmp(path, "http://", 7) == 0 ||
	    strncasecmp(path, "https://", 8) == 0;
}

/* zp_http_url_join appends base and path joined by exactly one '/'. */
int
zp_http_url_join(struct zp_buf *out, const char *base, const char *path)
{
	size_t before = out->len, blen = strlen(base);

	if (is_absolute(path))
		return zp_buf_puts(out, path);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	while (*path == '/')
		path++;
	if (zp_buf_append(out, base, blen) != 0 ||
	    zp_buf_putc(out, '/') != 0 || zp_buf_puts(out, path) != 0) {
		out->len = before;
		if (out->data != NULL)
			out->data[before] = '\0';
		return ZP_ENOMEM;
	}
	return 0;
}

/* --- concurrent exchanges -------------------------------------------- */

/* One exchange slot of a runner: its handle and what it owns. */
struct slot {
	struct zp_http h;
	struct zp_http_request rq; /* url and body point at the copies */
	char *url;
	void *body;
	struct curl_slist *hdrs;
	struct exchange ex;
	void *tag;
	int busy; /* started and not yet finished */
	int done; /* finished, waiting for zp_http_multi_next */
	int rc;
};

/* The runner: the multi handle, its slots, and the finished ones in the
 * order they finished. */
struct zp_http_multi {
	CURLM *multi;
	struct slot *slots;
	size_t max;
	size_t running; /* busy or done, not yet handed back */
	size_t *finished; /* a queue of slot indexes */
	size_t fhead, fcount;
};

/* zp_http_multi_new makes a runner for up to max exchanges at a time. */
int
zp_http_multi_new(struct zp_http_multi **out, size_t max)
{
	struct zp_http_multi *m;
	size_t i;

	*out = NULL;
	if (max == 0)
		return ZP_EINVAL;
	if (pthread_once(&global_once, global_init) != 0 ||
	    global_rc != CURLE_OK)
		return ZP_ETRANSPORT;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return ZP_ENOMEM;
	m->max = max;
	m->multi = curl_multi_init();
	m->slots = calloc(max, sizeof(*m->slots));
	m->finished = calloc(max, sizeof(*m->finished));
	if (m->multi == NULL || m->slots == NULL || m->finished == NULL) {
		zp_http_multi_free(&m);
		return ZP_ENOMEM;
	}
	for (i = 0; i < max; i++)
		if ((m->slots[i].h.curl = curl_easy_init()) == NULL) {
			zp_http_multi_free(&m);
			return ZP_ENOMEM;
		}
	*out = m;
	return 0;
}

/* slot_clear forgets the exchange of s and frees its copies. */
static void
slot_clear(struct slot *s)
{
	curl_easy_reset(s->h.curl);
	curl_slist_free_all(s->hdrs);
	free(s->url);
	free(s->body);
	s->hdrs = NULL;
	s->url = NULL;
	s->body = NULL;
	s->busy = s->done = 0;
	s->tag = NULL;
}

/* zp_http_multi_free abandons what runs and frees m. */
void
zp_http_multi_free(struct zp_http_multi **mp)
{
	struct zp_http_multi *m;
	size_t i;

	if (mp == NULL || (m = *mp) == NULL)
		return;
	for (i = 0; m->slots != NULL && i < m->max; i++) {
		if (m->slots[i].h.curl == NULL)
			continue;
		if (m->slots[i].busy && m->multi != NULL)
			curl_multi_remove_handle(m->multi, m->slots[i].h.curl);
		slot_clear(&m->slots[i]);
		curl_easy_cleanup(m->slots[i].h.curl);
	}
	if (m->multi != NULL)
		curl_multi_cleanup(m->multi);
	free(m->slots);
	free(m->finished);
	free(m);
	*mp = NULL;
}

/* slot_copy copies the URL and body of rq into s. */
static int
slot_copy(struct slot *s, const struct zp_http_request *rq)
{
	s->rq = *rq;
	s->rq.headers = NULL;
	s->rq.n_headers = 0;
	if ((s->url = strdup(rq->url)) == NULL)
		return ZP_ENOMEM;
	s->rq.url = s->url;
	if (rq->body != NULL) {
		if ((s->body = malloc(rq->body_len + 1)) == NULL)
			return ZP_ENOMEM;
		memcpy(s->body, rq->body, rq->body_len);
		s->rq.body = s->body;
	}
	return 0;
}

/* zp_http_multi_add starts rq in a free slot. */
int
zp_http_multi_add(struct zp_http_multi *m, const struct zp_http_request *rq,
    struct zp_http_response *rs, void *tag)
{
	struct slot *s = NULL;
	size_t i;
	int rc;

	if (rq->url == NULL)
		return ZP_EINVAL;
	for (i = 0; i < m->max && s == NULL; i++)
		if (!m->slots[i].busy && !m->slots[i].done)
			s = &m->slots[i];
	if (s == NULL)
		return ZP_ETOOBIG;
	response_reset(rs);
	s->h.errbuf[0] = '\0';
	s->ex = (struct exchange) {&s->rq, rs, 0};
	if ((rc = slot_copy(s, rq)) != 0 ||
	    (rc = build_headers(rq, &s->hdrs)) != 0 ||
	    (rc = set_method(s->h.curl, &s->rq)) != 0 ||
	    (rc = set_options(&s->h, &s->ex, s->hdrs)) != 0)
		goto fail;
	if (curl_easy_setopt(s->h.curl, CURLOPT_PRIVATE, s) != CURLE_OK ||
	    curl_multi_add_handle(m->multi, s->h.curl) != CURLM_OK) {
		rc = ZP_ENOMEM;
		goto fail;
	}
	s->tag = tag;
	s->busy = 1;
	m->running++;
	return 0;
fail:
	slot_clear(s);
	return rc;
}

/* collect moves every exchange libcurl reports finished to the queue. */
static void
collect(struct zp_http_multi *m)
{
	struct slot *s;
	CURLMsg *msg;
	char *priv;
	int left;

	while ((msg = curl_multi_info_read(m->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		priv = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
		s = (struct slot *)(void *)priv;
		if (s == NULL || !s->busy)
			continue;
		s->rc = finish(&s->h, &s->ex, msg->data.result);
		curl_multi_remove_handle(m->multi, s->h.curl);
		s->busy = 0;
		s->done = 1;
		m->finished[(m->fhead + m->fcount) % m->max] =
		    (size_t)(s - m->slots);
		m->fcount++;
	}
}

/* zp_http_multi_wait moves exchanges along for at most timeout_ms. */
int
zp_http_multi_wait(struct zp_http_multi *m, long timeout_ms)
{
	int still;

	if (curl_multi_perform(m->multi, &still) != CURLM_OK)
		return ZP_ETRANSPORT;
	collect(m);
	if (m->fcount > 0 || timeout_ms <= 0)
		return 0;
	if (curl_multi_poll(m->multi, NULL, 0, (int)timeout_ms, NULL) !=
	    CURLM_OK)
		return ZP_ETRANSPORT;
	if (curl_multi_perform(m->multi, &still) != CURLM_OK)
		return ZP_ETRANSPORT;
	collect(m);
	return 0;
}

/* zp_http_multi_next hands back the oldest finished exchange. */
int
zp_http_multi_next(struct zp_http_multi *m, void **tag, int *rc)
{
	struct slot *s;

	if (m->fcount == 0)
		return 0;
	s = &m->slots[m->finished[m->fhead]];
	m->fhead = (m->fhead + 1) % m->max;
	m->fcount--;
	*tag = s->tag;
	*rc = s->rc;
	slot_clear(s);
	m->running--;
	return 1;
}

/* zp_http_multi_running counts exchanges not yet handed back. */
size_t
zp_http_multi_running(const struct zp_http_multi *m)
{
	return m->running;
}
