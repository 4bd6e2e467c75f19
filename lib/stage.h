/*
 * stage.h - the loop every stage runs: read envelopes, count end-of-stream
 * markers, write envelopes, finish with one end-of-stream of its own.
 *
 * A stage expects `producers` eos envelopes (default 1) and ends after the
 * last one; eos envelopes are consumed, not forwarded.  An input that ends
 * (a pipe or file reaching EOF) also ends the stage, with a warning if
 * fewer eos envelopes arrived than expected.  A message that is not a valid
 * envelope is logged with where it came from and why, counted, dropped,
 * and the stream goes on.
 */
#ifndef ZP_STAGE_H
#define ZP_STAGE_H

#include "envelope.h"
#include "transport.h"

#define ZP_STAGE_MAX_IN 16

/* What a stage reads from and writes to. */
struct zp_stage_opts {
	const char *in[ZP_STAGE_MAX_IN]; /* NULL-free; nin of them */
	size_t nin;
	const char *out;
	long producers;
	struct zp_transport_opts t;
};

/* The running loop's state and its tallies. */
struct zp_stage {
	struct zp_in *in;
	struct zp_out *out;
	long producers;
	long eos_seen;
	unsigned long nread; /* valid envelopes delivered */
	unsigned long nbad; /* messages dropped as bad envelopes */
	unsigned long nversion; /* of which: unknown major version */
	unsigned long nwritten;
	int done;
	struct zp_envelope env; /* the current envelope */
};

/*
 * zp_stage_opts_init fills o with the defaults, then the environment:
 * ZP_IN, ZP_OUT, ZP_PRODUCERS, ZP_HWM, ZP_LINGER_MS.  Flags applied
 * afterwards override both.  Returns 0 or ZP_ECONFIG with why filled.
 */
int zp_stage_opts_init(struct zp_stage_opts *o, struct zp_buf *why);

/*
 * zp_stage_opt parses one of the common stage flags (--in, --out,
 * --producers, --hwm, --linger-ms; name without dashes) into o.  Returns 1
 * if name was one of them, 0 if not, ZP_EINVAL (why filled) if its value
 * is bad.
 */
int zp_stage_opt(struct zp_stage_opts *o, const char *name, const char *value,
    struct zp_buf *why);

/*
 * zp_stage_flag is zp_stage_opt for a tool's option loop: a bad value is
 * reported on stderr.  Returns 0 (applied, or not a stage flag: the
 * caller knows which it passed) or ZP_EINVAL.
 */
int zp_stage_flag(
    struct zp_stage_opts *o, const char *name, const char *value);

/* zp_stage_open opens the input and output; why says what failed. */
int zp_stage_open(
    struct zp_stage *s, const struct zp_stage_opts *o, struct zp_buf *why);

/*
 * zp_stage_next parses the next envelope into s->env and returns 1; 0 when
 * the stream has ended; ZP_EINTR after SIGINT/SIGTERM; another negative
 * code if the input failed.  Bad envelopes are logged and skipped.
 */
int zp_stage_next(struct zp_stage *s);

/* zp_stage_forward writes the current envelope's bytes unchanged. */
int zp_stage_forward(struct zp_stage *s);

/* zp_stage_write writes one envelope of len bytes. */
int zp_stage_write(struct zp_stage *s, const char *msg, size_t len);

/*
 * zp_stage_finish sends this stage's eos, flushes and closes the output
 * (lingering until every queued envelope is delivered) and the input.
 * Returns the first output error.
 */
int zp_stage_finish(struct zp_stage *s);

/*
 * zp_stage_exit_code maps how the loop ended (rc of the last call) and the
 * tallies to the exit status of the README's table.
 */
int zp_stage_exit_code(const struct zp_stage *s, int rc);

/* zp_stage_close frees everything zp_stage_finish did not. */
void zp_stage_close(struct zp_stage *s);

#endif
