/*
 * transport.c - NDJSON over file descriptors and envelopes over ZeroMQ.
 *
 * The only file that calls zmq_*.  One ZeroMQ context serves the process;
 * it is created with the first socket and terminated with the last, which
 * is where linger makes the close wait for queued messages.
 */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zmq.h>

#include "error.h"
#include "signals.h"

#define READ_CHUNK (256 * 1024)
#define PIPE_SIZE (1024 * 1024)
#define WRITE_BUF (256 * 1024)
#define POLL_MS 250

/* --- the process's ZeroMQ context ------------------------------------ */

static void *zctx;
static int zctx_users;

/* ctx_get returns the shared context, creating it on first use. */
static void *
ctx_get(void)
{
	if (zctx == NULL)
		zctx = zmq_ctx_new();
	if (zctx != NULL)
		zctx_users++;
	return zctx;
}

/* ctx_put releases one user; the last one terminates the context. */
static void
ctx_put(void)
{
	if (--zctx_users > 0)
		return;
	while (zmq_ctx_term(zctx) != 0 && errno == EINTR)
		;
	zctx = NULL;
}

/* --- addresses ------------------------------------------------------- */

enum uri_kind { URI_STDIO, URI_FILE, URI_CONNECT, URI_BIND };

/* classify tells what uri names; *addr gets the ZeroMQ endpoint part. */
static int
classify(const char *uri, const char **addr, struct zp_buf *why)
{
	*addr = uri;
	if (strcmp(uri, "-") == 0)
		return URI_STDIO;
	if (strncmp(uri, "bind:", 5) == 0) {
		*addr = uri + 5;
		if (strncmp(*addr, "tcp://", 6) == 0 ||
		    strncmp(*addr, "ipc://", 6) == 0)
			return URI_BIND;
	} else if (strncmp(uri, "tcp://", 6) == 0 ||
	    strncmp(uri, "ipc://", 6) == 0) {
		return URI_CONNECT;
	} else if (strstr(uri, "://") == NULL && uri[0] != '\0') {
		return URI_FILE;
	}
	zp_buf_printf(why,
	    "%s: unknown transport (use -, a file, tcp://, "
	    "bind:tcp://, ipc:// or bind:ipc://)",
	    uri);
	return ZP_EINVAL;
}

/* open_socket makes a PULL or PUSH socket with the options applied. */
static void *
open_socket(int type, const struct zp_transport_opts *o)
{
	void *ctx = ctx_get(), *s;
	int hwm = o->hwm, linger = o->linger_ms;

	if (ctx == NULL)
		return NULL;
	s = zmq_socket(ctx, type);
	if (s == NULL) {
		ctx_put();
		return NULL;
	}
	zmq_setsockopt(
	    s, type == ZMQ_PULL ? ZMQ_RCVHWM : ZMQ_SNDHWM, &hwm, sizeof(hwm));
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
	return s;
}

/* close_socket closes s with its linger and drops the context. */
static void
close_socket(void *s)
{
	if (s == NULL)
		return;
	zmq_close(s);
	ctx_put();
}

/* attach binds or connects s to addr. */
static int
attach(void *s, int kind, const char *addr, char *endpoint, size_t cap,
    struct zp_buf *why)
{
	int rc = kind == URI_BIND ? zmq_bind(s, addr) : zmq_connect(s, addr);
	size_t len = cap;

	if (rc != 0) {
		zp_buf_printf(why, "%s %s: %s",
		    kind == URI_BIND ? "bind" : "connect", addr,
		    zmq_strerror(errno));
		return ZP_ETRANSPORT;
	}
	if (kind == URI_BIND &&
	    zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, endpoint, &len) != 0)
		endpoint[0] = '\0';
	return 0;
}

/* --- input ----------------------------------------------------------- */

/* One descriptor read line by line; [off, len) is not yet delivered. */
struct src {
	int fd;
	int owned;
	int eof;
	char *buf;
	size_t off;
	size_t len;
	size_t cap;
	size_t scan; /* where the search for the next newline resumes */
	unsigned long line;
	const char *name;
};

/* Every source of one input and the ZeroMQ socket that gathers the rest. */
struct zp_in {
	struct src *src;
	size_t nsrc;
	size_t nopen;
	size_t next; /* round-robin start */
	void *zsock;
	zmq_msg_t msg;
	int msg_live;
	unsigned long nmsg;
	const char *last; /* name of the source of the last message */
	unsigned long last_line;
	void (*idle)(void *);
	void *idle_arg;
	char where[512];
	char endpoint[256];
};

/* widen_pipe asks for a pipe of PIPE_SIZE bytes when fd is a pipe: the
 * default 64 KiB makes the stages of a chain take turns many thousands
 * of times a second, where a larger one lets each run for longer.  Only
 * a hint: a pipe that stays as it was (fs.pipe-max-size, another
 * owner) works the same. */
static void
widen_pipe(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) &&
	    fcntl(fd, F_GETPIPE_SZ) < PIPE_SIZE)
		(void)fcntl(fd, F_SETPIPE_SZ, PIPE_SIZE);
}

/* open_fd_source opens a descriptor source for "-" or a path. */
static int
open_fd_source(struct src *s, int kind, const char *uri, struct zp_buf *why)
{
	memset(s, 0, sizeof(*s));
	s->name = kind == URI_STDIO ? "stdin" : uri;
	if (kind == URI_STDIO) {
		s->fd = STDIN_FILENO;
		widen_pipe(s->fd);
		return 0;
	}
	s->fd = open(uri, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0) {
		zp_buf_printf(why, "%s: %s", uri, strerror(errno));
		return ZP_EIO;
	}
	s->owned = 1;
	return 0;
}

/* open_one adds uri to in: a descriptor source or the shared socket. */
static int
open_one(struct zp_in *in, const char *uri, const struct zp_transport_opts *o,
    struct zp_buf *why)
{
	const char *addr;
	int kind = classify(uri, &addr, why), rc;

	if (kind < 0)
		return kind;
	if (kind == URI_STDIO || kind == URI_FILE) {
		rc = open_fd_source(&in->src[in->nsrc], kind, uri, why);
		if (rc == 0) {
			in->nsrc++;
			in->nopen++;
		}
		return rc;
	}
	if (in->zsock == NULL &&
	    (in->zsock = open_socket(ZMQ_PULL, o)) == NULL) {
		zp_buf_printf(why, "%s: %s", uri, zmq_strerror(errno));
		return ZP_ETRANSPORT;
	}
	return attach(
	    in->zsock, kind, addr, in->endpoint, sizeof(in->endpoint), why);
}

/* zp_in_open opens the n sources named by uris into *in. */
int
zp_in_open(struct zp_in **inp, const char *const *uris, size_t n,
    const struct zp_transport_opts *o, struct zp_buf *why)
{
	struct zp_in *in = calloc(1, sizeof(*in));
	size_t i;
	int rc = 0;

	*inp = NULL;
	if (in == NULL ||
	    (in->src = calloc(n ? n : 1, sizeof(*in->src))) == NULL) {
		free(in);
		return ZP_ENOMEM;
	}
	for (i = 0; i < n && rc == 0; i++)
		rc = open_one(in, uris[i], o, why);
	if (rc != 0) {
		zp_in_close(&in);
		return rc;
	}
	*inp = in;
	return 0;
}

/* blank drops a trailing CR and tells whether a line holds only spaces. */
static int
blank(struct zp_slice *line)
{
	size_t i;

	if (line->n > 0 && line->p[line->n - 1] == '\r')
		line->n--;
	for (i = 0; i < line->n; i++)
		if (line->p[i] != ' ' && line->p[i] != '\t')
			return 0;
	return 1;
}

/* take_line delivers the next complete line of s, skipping empty ones. */
static int
take_line(struct src *s, struct zp_slice *msg)
{
	for (;;) {
		char *nl = memchr(s->buf + s->scan, '\n', s->len - s->scan);
		size_t end;

		if (nl == NULL) {
			s->scan = s->len;
			if (!s->eof || s->off == s->len)
				return 0;
			end = s->len; /* a last line without its newline */
		} else {
			end = (size_t)(nl - s->buf);
		}
		msg->p = s->buf + s->off;
		msg->n = end - s->off;
		s->line++;
		s->off = s->scan = end < s->len ? end + 1 : end;
		if (!blank(msg))
			return 1;
	}
}

/* fill reads more of s; 0, or ZP_EINTR / ZP_EIO. */
static int
fill(struct src *s)
{
	ssize_t n;

	if (s->off > 0) {
		memmove(s->buf, s->buf + s->off, s->len - s->off);
		s->len -= s->off;
		s->scan -= s->off;
		s->off = 0;
	}
	if (s->cap - s->len < READ_CHUNK) {
		size_t cap = s->cap ? s->cap * 2 : 2 * READ_CHUNK;
		char *b = realloc(s->buf, cap);

		if (b == NULL)
			return ZP_ENOMEM;
		s->buf = b;
		s->cap = cap;
	}
	for (;;) {
		n = read(s->fd, s->buf + s->len, s->cap - s->len);
		if (n >= 0)
			break;
		if (errno != EINTR)
			return ZP_EIO;
		if (zp_interrupted())
			return ZP_EINTR;
	}
	if (n == 0)
		s->eof = 1;
	s->len += (size_t)n;
	return 0;
}

/* recv_msg takes one waiting ZeroMQ message; 1, 0 if none, or an error. */
static int
recv_msg(struct zp_in *in, struct zp_slice *msg)
{
	zmq_msg_init(&in->msg);
	if (zmq_msg_recv(&in->msg, in->zsock, ZMQ_DONTWAIT) < 0) {
		int e = errno;

		zmq_msg_close(&in->msg);
		if (e == EAGAIN || e == EINTR)
			return 0;
		return ZP_ETRANSPORT;
	}
	in->msg_live = 1;
	msg->p = zmq_msg_data(&in->msg);
	msg->n = zmq_msg_size(&in->msg);
	in->nmsg++;
	in->last = in->endpoint[0] ? in->endpoint : "zeromq";
	in->last_line = in->nmsg;
	return 1;
}

/* source_ended notes an end of file on s. */
static void
source_ended(struct zp_in *in, struct src *s)
{
	if (s->eof && s->fd >= 0) {
		if (s->owned)
			close(s->fd);
		s->fd = -1;
		in->nopen--;
	}
}

/*
 * take_ready takes a line of s; beside a socket it first reads s if s has
 * no line but data is waiting, so that a busy socket cannot starve it.
 */
static int
take_ready(struct zp_in *in, struct src *s, struct zp_slice *msg)
{
	struct pollfd p = {s->fd, POLLIN, 0};
	int rc;

	if (s->buf != NULL && take_line(s, msg))
		return 1;
	if (in->zsock == NULL || s->fd < 0 || poll(&p, 1, 0) != 1)
		return 0;
	if ((rc = fill(s)) != 0)
		return rc;
	source_ended(in, s);
	return take_line(s, msg);
}

/*
 * next_line delivers a ready message from any source, fairly: the sources
 * take turns, the ZeroMQ socket being one more turn after the descriptors.
 */
static int
next_line(struct zp_in *in, struct zp_slice *msg)
{
	size_t nslot = in->nsrc + (in->zsock != NULL), k;
	int rc;

	for (k = 0; k < nslot; k++) {
		size_t i = (in->next + k) % nslot;

		if (i == in->nsrc)
			rc = recv_msg(in, msg);
		else
			rc = take_ready(in, &in->src[i], msg);
		if (rc == 0)
			continue;
		if (rc == 1) {
			in->next = (i + 1) % nslot;
			if (i < in->nsrc) {
				in->last = in->src[i].name;
				in->last_line = in->src[i].line;
			}
		}
		return rc;
	}
	return 0;
}

/* wait_any polls every open source once and reads what is ready. */
static int
wait_any(struct zp_in *in)
{
	zmq_pollitem_t items[64];
	size_t map[64], n = 0, i;
	int rc;

	for (i = 0; i < in->nsrc && n < 63; i++) {
		if (in->src[i].fd < 0)
			continue;
		items[n] =
		    (zmq_pollitem_t) {NULL, in->src[i].fd, ZMQ_POLLIN, 0};
		map[n++] = i;
	}
	if (in->zsock != NULL)
		items[n++] = (zmq_pollitem_t) {in->zsock, 0, ZMQ_POLLIN, 0};
	if (in->idle != NULL && zmq_poll(items, (int)n, 0) == 0)
		in->idle(in->idle_arg);
	rc = zmq_poll(items, (int)n, POLL_MS);
	if (rc < 0)
		return errno == EINTR ? 0 : ZP_ETRANSPORT;
	for (i = 0; i < n; i++) {
		if (items[i].socket != NULL ||
		    !(items[i].revents & (ZMQ_POLLIN | ZMQ_POLLERR)))
			continue;
		struct src *s = &in->src[map[i]];
		if ((rc = fill(s)) != 0)
			return rc;
		source_ended(in, s);
	}
	return 0;
}

/* idle_if_blocking calls the idle hook when a read of fd would wait. */
static void
idle_if_blocking(struct zp_in *in, int fd)
{
	struct pollfd p = {fd, POLLIN, 0};

	if (in->idle != NULL && poll(&p, 1, 0) == 0)
		in->idle(in->idle_arg);
}

/* zp_in_on_idle registers fn(arg), called before the input waits. */
void
zp_in_on_idle(struct zp_in *in, void (*fn)(void *), void *arg)
{
	in->idle = fn;
	in->idle_arg = arg;
}

/* zp_in_read stores the next message in *msg and returns 1, 0 or error. */
int
zp_in_read(struct zp_in *in, struct zp_slice *msg)
{
	int rc;

	if (in->msg_live) {
		zmq_msg_close(&in->msg);
		in->msg_live = 0;
	}
	for (;;) {
		if ((rc = next_line(in, msg)) != 0)
			return rc;
		if (in->nopen == 0 && in->zsock == NULL)
			return 0;
		if (zp_interrupted())
			return ZP_EINTR;
		if (in->zsock == NULL && in->nsrc == 1) {
			idle_if_blocking(in, in->src[0].fd);
			rc = fill(&in->src[0]);
			source_ended(in, &in->src[0]);
		} else {
			rc = wait_any(in);
		}
		if (rc != 0)
			return rc;
	}
}

/* zp_in_where describes where the last message came from. */
const char *
zp_in_where(struct zp_in *in)
{
	snprintf(in->where, sizeof(in->where), "%s:%lu",
	    in->last ? in->last : "input", in->last_line);
	return in->where;
}

/* zp_in_endpoint returns the bound ZeroMQ endpoint or NULL. */
const char *
zp_in_endpoint(const struct zp_in *in)
{
	return in->endpoint[0] ? in->endpoint : NULL;
}

/* zp_in_close closes every source; accepts NULL and clears the pointer. */
void
zp_in_close(struct zp_in **inp)
{
	struct zp_in *in = *inp;
	size_t i;

	if (in == NULL)
		return;
	if (in->msg_live)
		zmq_msg_close(&in->msg);
	for (i = 0; i < in->nsrc; i++) {
		if (in->src[i].owned && in->src[i].fd >= 0)
			close(in->src[i].fd);
		free(in->src[i].buf);
	}
	close_socket(in->zsock);
	free(in->src);
	free(in);
	*inp = NULL;
}

/* --- output ---------------------------------------------------------- */

/* A descriptor with a line buffer, or a PUSH socket. */
struct zp_out {
	int fd;
	int owned;
	void *zsock;
	char *buf;
	size_t len;
	int err; /* the first error met, kept for zp_out_close */
	char endpoint[256];
};

/* zp_out_open opens the destination uri into *out. */
int
zp_out_open(struct zp_out **outp, const char *uri,
    const struct zp_transport_opts *o, struct zp_buf *why)
{
	struct zp_out *out = calloc(1, sizeof(*out));
	const char *addr;
	int kind = classify(uri, &addr, why), rc = 0;

	*outp = NULL;
	if (out == NULL)
		return ZP_ENOMEM;
	out->fd = -1;
	if (kind < 0) {
		rc = kind;
	} else if (kind == URI_STDIO || kind == URI_FILE) {
		out->fd = kind == URI_STDIO
		    ? STDOUT_FILENO
		    : open(
			  uri, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		out->owned = kind == URI_FILE;
		if (out->fd >= 0)
			widen_pipe(out->fd);
		out->buf = malloc(WRITE_BUF);
		if (out->fd < 0)
			zp_buf_printf(why, "%s: %s", uri, strerror(errno));
		rc = out->fd < 0 ? ZP_EIO : out->buf == NULL ? ZP_ENOMEM : 0;
	} else if ((out->zsock = open_socket(ZMQ_PUSH, o)) == NULL) {
		zp_buf_printf(why, "%s: %s", uri, zmq_strerror(errno));
		rc = ZP_ETRANSPORT;
	} else {
		rc = attach(out->zsock, kind, addr, out->endpoint,
		    sizeof(out->endpoint), why);
	}
	if (rc != 0) {
		zp_out_close(&out);
		return rc;
	}
	*outp = out;
	return 0;
}

/* write_all writes every byte of the iovecs, finishing through EINTR. */
static int
write_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno == EPIPE ? ZP_EPIPE : ZP_EIO;
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* zp_out_flush pushes buffered lines to the pipe or file. */
int
zp_out_flush(struct zp_out *out)
{
	struct iovec iov = {out->buf, out->len};

	if (out->err != 0 || out->len == 0)
		return out->err;
	out->err = write_all(out->fd, &iov, 1);
	out->len = 0;
	return out->err;
}

/* send_msg sends one ZeroMQ message, finishing it through EINTR. */
static int
send_msg(struct zp_out *out, const char *msg, size_t len)
{
	while (zmq_send(out->zsock, msg, len, 0) < 0) {
		if (errno != EINTR)
			return ZP_ETRANSPORT;
		/* A second stop signal abandons a send blocked at the HWM. */
		if (zp_interrupted() > 1)
			return ZP_EINTR;
	}
	return 0;
}

/* zp_out_write sends one envelope of len bytes (no newline). */
int
zp_out_write(struct zp_out *out, const char *msg, size_t len)
{
	struct iovec iov[2] = {{(void *)msg, len}, {"\n", 1}};

	if (out->err != 0)
		return out->err;
	if (out->zsock != NULL)
		return out->err = send_msg(out, msg, len);
	if (len + 1 <= WRITE_BUF - out->len) {
		memcpy(out->buf + out->len, msg, len);
		out->buf[out->len + len] = '\n';
		out->len += len + 1;
		return 0;
	}
	if (zp_out_flush(out) != 0)
		return out->err;
	if (len + 1 <= WRITE_BUF)
		return zp_out_write(out, msg, len);
	return out->err = write_all(out->fd, iov, 2);
}

/* zp_out_endpoint returns the bound ZeroMQ endpoint or NULL. */
const char *
zp_out_endpoint(const struct zp_out *out)
{
	return out->endpoint[0] ? out->endpoint : NULL;
}

/* zp_out_close flushes, lingers until queued messages are sent, frees. */
int
zp_out_close(struct zp_out **outp)
{
	struct zp_out *out = *outp;
	int rc;

	if (out == NULL)
		return 0;
	if (out->fd >= 0 && out->buf != NULL)
		zp_out_flush(out);
	if (out->owned && out->fd >= 0 && close(out->fd) != 0 && !out->err)
		out->err = ZP_EIO;
	close_socket(out->zsock);
	rc = out->err;
	free(out->buf);
	free(out);
	*outp = NULL;
	return rc;
}
