/*
 * sink_stdout.c - the "-" sink: the records that changed, one JSON line
 * each, on standard output and nothing else (emit.h).
 *
 * Lines go through stdio's buffer, which is flushed at the end of every
 * partition: a write error (a full disk, a reader gone) then fails the put
 * of that partition, before the state saves it, so that the next run
 * sends it again.
 */
#include "emit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"

/* The sink keeps only the first write error: after it, nothing is sent. */
struct emit_sink {
	int err;
};

/* fail records the write error e (an errno) once, logs it, returns it. */
static int
fail(struct emit_sink *s, int e)
{
	if (s->err == 0) {
		s->err = e == EPIPE ? ZP_EPIPE : ZP_EIO;
		zp_error("cannot write to stdout: %s",
		    e == EPIPE ? zp_strerror(ZP_EPIPE) : strerror(e));
	}
	return s->err;
}

/* put_line writes one record and its newline to stdout's buffer. */
static int
put_line(struct emit_sink *s, const struct emit_line *l)
{
	errno = 0;
	if (fwrite(l->json, 1, l->len, stdout) != l->len ||
	    putchar('\n') == EOF)
		return fail(s, errno != 0 ? errno : EIO);
	return 0;
}

/* flush pushes stdout's buffer out and reports any error it met. */
static int
flush(struct emit_sink *s)
{
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		return fail(s, errno != 0 ? errno : EIO);
	return 0;
}

/* stdout_open accepts the spec "-" alone. */
static int
stdout_open(
    struct emit_sink **out, const char *spec, const struct emit_options *o)
{
	(void)o;
	*out = NULL;
	if (strcmp(spec, "-") != 0) {
		zp_error("--to %s: the stdout sink is \"-\"", spec);
		return ZP_EINVAL;
	}
	*out = calloc(1, sizeof(**out));
	return *out == NULL ? ZP_ENOMEM : 0;
}

/* stdout_put writes the partition's changed records, then flushes. */
static int
stdout_put(struct emit_sink *s, const struct emit_part *p)
{
	size_t i;
	int rc;

	if (s->err != 0)
		return s->err;
	for (i = 0; i < p->n_changed; i++)
		if ((rc = put_line(s, &p->changed[i])) != 0)
			return rc;
	return flush(s);
}

/* stdout_close flushes what is left; a write error fails the run. */
static int
stdout_close(struct emit_sink *s)
{
	if (s->err != 0)
		return s->err;
	return flush(s);
}

/* stdout_free releases the sink; stdout itself stays open for main. */
static void
stdout_free(struct emit_sink **s)
{
	if (s == NULL)
		return;
	free(*s);
	*s = NULL;
}

const struct emit_sink_ops emit_sink_stdout = {
    .prefix = "-",
    .open = stdout_open,
    .missing = NULL,
    .put = stdout_put,
    .close = stdout_close,
    .free = stdout_free,
};
