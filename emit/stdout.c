/*
 * stdout.c - standard output for the sinks that print (- and singer):
 * the first write error is kept, logged once, and fails every write
 * after it, so that a closed reader or a full disk stops the run before
 * the state saves what did not arrive.
 */
#include "emit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "log.h"

/* fail keeps the write error e (an errno) once and logs it. */
static int
fail(struct emit_stdout *o, int e)
{
	if (o->err == 0) {
		o->err = e == EPIPE ? ZP_EPIPE : ZP_EIO;
		zp_error("%scannot write to stdout: %s", o->who,
		    e == EPIPE ? zp_strerror(ZP_EPIPE) : strerror(e));
	}
	return o->err;
}

int
emit_stdout_write(struct emit_stdout *o, const char *p, size_t n)
{
	if (o->err != 0)
		return o->err;
	errno = 0;
	if (n > 0 && fwrite(p, 1, n, stdout) != n)
		return fail(o, errno != 0 ? errno : EIO);
	return 0;
}

int
emit_stdout_flush(struct emit_stdout *o)
{
	if (o->err != 0)
		return o->err;
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		return fail(o, errno != 0 ? errno : EIO);
	return 0;
}
