/*
 * transport.h - where envelopes come from and go to.
 *
 *   -                   NDJSON on stdin / stdout, one envelope per line
 *   PATH                NDJSON in a file (or FIFO)
 *   tcp://host:port     ZeroMQ, connect (PULL for input, PUSH for output)
 *   bind:tcp://IF:port  ZeroMQ, bind (IF may be the wildcard, port too)
 *   ipc:///path         ZeroMQ over a Unix socket, connect
 *   bind:ipc:///path    ZeroMQ over a Unix socket, bind
 *
 * Lines may be of any length.  Over ZeroMQ every message is one envelope;
 * sockets have high-water marks (backpressure, not loss) and linger on
 * close so that nothing queued is lost at exit.  An input may name several
 * sources; they are read fairly, each source in its own order.
 *
 * All zmq_* calls of zoompipe live in transport.c.
 */
#ifndef ZP_TRANSPORT_H
#define ZP_TRANSPORT_H

#include <stddef.h>

#include "buf.h"
#include "envelope.h"

/* Socket tuning, from flags or ZP_HWM / ZP_LINGER_MS. */
struct zp_transport_opts {
	int hwm; /* messages queued per socket before send blocks */
	int linger_ms; /* how long close waits for queued messages; -1: ever */
};

#define ZP_TRANSPORT_OPTS_DEFAULT                                             \
	{                                                                     \
		1000, -1                                                      \
	}

struct zp_in;
struct zp_out;

/*
 * zp_in_open opens the n sources named by uris into *in.  On failure it
 * returns ZP_EINVAL, ZP_EIO or ZP_ETRANSPORT and explains in why.
 */
int zp_in_open(struct zp_in **in, const char *const *uris, size_t n,
    const struct zp_transport_opts *o, struct zp_buf *why);

/*
 * zp_in_read stores the next message in *msg (borrowed until the next call)
 * and returns 1; 0 when every source has ended (ZeroMQ sources never end);
 * ZP_EINTR after a stop signal; ZP_EIO or ZP_ETRANSPORT on failure.
 */
int zp_in_read(struct zp_in *in, struct zp_slice *msg);

/*
 * zp_in_on_idle registers fn(arg), called whenever the input is about to
 * wait for data; a stage flushes its output there so that downstream sees
 * every envelope as soon as the upstream pauses.
 */
void zp_in_on_idle(struct zp_in *in, void (*fn)(void *), void *arg);

/* zp_in_where describes where the last message came from ("stdin:12"). */
const char *zp_in_where(struct zp_in *in);

/* zp_in_endpoint returns the bound ZeroMQ endpoint (port resolved) or NULL. */
const char *zp_in_endpoint(const struct zp_in *in);

/* zp_in_close closes every source; accepts NULL and clears the pointer. */
void zp_in_close(struct zp_in **in);

/* zp_out_open opens the destination uri into *out. */
int zp_out_open(struct zp_out **out, const char *uri,
    const struct zp_transport_opts *o, struct zp_buf *why);

/*
 * zp_out_write sends one envelope of len bytes (no newline).  Returns 0,
 * ZP_EPIPE when the reader went away, ZP_EIO or ZP_ETRANSPORT.
 */
int zp_out_write(struct zp_out *out, const char *msg, size_t len);

/* zp_out_flush pushes buffered lines to the pipe or file. */
int zp_out_flush(struct zp_out *out);

/* zp_out_endpoint returns the bound ZeroMQ endpoint (port resolved) or NULL.
 */
const char *zp_out_endpoint(const struct zp_out *out);

/*
 * zp_out_close flushes, waits (linger) until queued messages are delivered
 * and frees; accepts NULL and clears the pointer.  Returns the first error
 * the output met.
 */
int zp_out_close(struct zp_out **out);

#endif
