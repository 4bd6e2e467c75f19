/*
 * zp-envgen - a producer for the transport tests: it sends the
 * deterministic envelopes of envgen.h, then its end-of-stream.
 *
 * usage: zp-envgen [--big-bytes N] [--big-every N] [--count N]
 *                  [--out URI] [--producer P]
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "envgen.h"
#include "envelope.h"
#include "log.h"
#include "signals.h"
#include "transport.h"

/* usage prints the synopsis and exits with status. */
static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: zp-envgen [--big-bytes N] [--big-every N] [--count N] "
	    "[--out URI] [--producer P]\n");
	exit(status);
}

/* send_all writes every envelope and the eos; returns 0 or an error. */
static int
send_all(struct zp_out *out, const struct envgen *g, unsigned p)
{
	struct zp_buf b = ZP_BUF_INIT;
	unsigned long seq;
	int rc = 0;

	for (seq = 0; seq < g->count && rc == 0; seq++) {
		zp_buf_reset(&b);
		rc = envgen_build(&b, g, p, seq);
		if (rc == 0)
			rc = zp_out_write(out, b.data, b.len);
	}
	if (rc == 0) {
		zp_buf_reset(&b);
		rc = zp_env_eos(&b, NULL);
		if (rc == 0)
			rc = zp_out_write(out, b.data, b.len);
	}
	zp_buf_release(&b);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"big-bytes", required_argument, NULL, 'b'},
	    {"big-every", required_argument, NULL, 'e'},
	    {"count", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {"out", required_argument, NULL, 'o'},
	    {"producer", required_argument, NULL, 'p'}, {NULL, 0, NULL, 0}};
	struct envgen g = {1000, 0, 0};
	struct zp_transport_opts t = ZP_TRANSPORT_OPTS_DEFAULT;
	struct zp_buf why = ZP_BUF_INIT;
	struct zp_out *out = NULL;
	const char *uri = "-";
	unsigned long p = 0, v;
	int c, rc;

	zp_log_init("zp-envgen", ZP_LOG_INFO, ZP_LOG_TEXT);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			usage(0);
		if (c == 'o') {
			uri = optarg;
			continue;
		}
		if (c == '?' || envgen_parse_ul(optarg, &v) != 0)
			usage(64);
		if (c == 'b')
			g.big_bytes = v;
		else if (c == 'e')
			g.big_every = v;
		else if (c == 'c')
			g.count = v;
		else
			p = v;
	}
	zp_signals_install();
	rc = zp_out_open(&out, uri, &t, &why);
	if (rc == 0)
		rc = send_all(out, &g, (unsigned)p);
	if (rc != 0 && why.len == 0)
		zp_buf_printf(&why, "write: %s", zp_strerror(rc));
	c = zp_out_close(&out);
	if (rc == 0 && c != 0) {
		rc = c;
		zp_buf_printf(&why, "close: %s", zp_strerror(rc));
	}
	if (rc != 0)
		zp_error("%s", why.data);
	zp_buf_release(&why);
	return zp_exit_code(rc);
}
