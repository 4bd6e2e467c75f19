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

/* The sink: standard output, its first write error kept. */
struct emit_sink {
	struct emit_stdout out;
};

/* put_line writes one record and its newline to stdout's buffer. */
static int
put_line(struct emit_sink *s, const struct emit_line *l)
{
	int rc = emit_stdout_write(&s->out, l->json, l->len);

	return rc != 0 ? rc : emit_stdout_write(&s->out, "\n", 1);
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
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return ZP_ENOMEM;
	(*out)->out.who = "";
	return 0;
}

/* stdout_put writes the partition's changed records, then flushes. */
static int
stdout_put(struct emit_sink *s, const struct emit_part *p)
{
	size_t i;
	int rc;

	for (i = 0; i < p->n_changed; i++)
		if ((rc = put_line(s, &p->changed[i])) != 0)
			return rc;
	return emit_stdout_flush(&s->out);
}

/* stdout_close flushes what is left; a write error fails the run. */
static int
stdout_close(struct emit_sink *s)
{
	return emit_stdout_flush(&s->out);
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
