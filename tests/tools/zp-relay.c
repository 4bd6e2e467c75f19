/*
 * zp-relay - the smallest stage: it forwards every envelope unchanged
 * from its inputs to its output and ends after the eos of every producer.
 * The transport tests run it between separate producer processes.
 *
 * usage: zp-relay [-qv] [--endpoint-file FILE] [--hwm N] [--in URI]...
 *                 [--linger-ms N] [--log-format text|json] [--out URI]
 *                 [--producers N]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "stage.h"

/* usage prints the synopsis and exits with status. */
static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: zp-relay [-qv] [--endpoint-file FILE] [--hwm N] "
	    "[--in URI]... [--linger-ms N] [--log-format text|json] "
	    "[--out URI] [--producers N]\n");
	exit(status);
}

/* write_endpoint saves the bound input endpoint for a test to read. */
static int
write_endpoint(const char *file, const char *endpoint)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	f = fopen(tmp, "w");
	if (f == NULL)
		return ZP_EIO;
	fprintf(f, "%s\n", endpoint ? endpoint : "");
	if (fclose(f) != 0 || rename(tmp, file) != 0)
		return ZP_EIO;
	return 0;
}

/* relay forwards envelopes until the stream ends; returns the last rc. */
static int
relay(struct zp_stage *s)
{
	int rc;

	while ((rc = zp_stage_next(s)) == 1)
		if ((rc = zp_stage_forward(s)) != 0)
			return rc;
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"endpoint-file", required_argument, NULL, 'E'},
	    {"help", no_argument, NULL, 'h'},
	    {"hwm", required_argument, NULL, 'H'},
	    {"in", required_argument, NULL, 'i'},
	    {"linger-ms", required_argument, NULL, 'L'},
	    {"log-format", required_argument, NULL, 'F'},
	    {"out", required_argument, NULL, 'o'},
	    {"producers", required_argument, NULL, 'p'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"verbose", no_argument, NULL, 'v'}, {NULL, 0, NULL, 0}};
	struct zp_stage_opts o;
	struct zp_stage s;
	struct zp_buf why = ZP_BUF_INIT;
	const char *endpoint_file = NULL;
	int c, idx, rc, frc;

	zp_log_init("zp-relay", ZP_LOG_INFO, ZP_LOG_TEXT);
	if (zp_stage_opts_init(&o, &why) != 0) {
		zp_error("%s", why.data);
		zp_buf_release(&why);
		return ZP_EXIT_CONFIG;
	}
	while ((c = getopt_long(argc, argv, "hqv", opts, &idx)) != -1) {
		if (c == 'h')
			usage(0);
		if (c == 'E')
			endpoint_file = optarg;
		else if (c == 'q' || c == 'v')
			zp_log_opt(c == 'q' ? "quiet" : "verbose", NULL);
		else if (c == 'F' && zp_log_opt("log-format", optarg) != 1)
			goto usage_error;
		else if (c != 'F' &&
		    (c == '?' ||
			zp_stage_opt(&o, opts[idx].name, optarg, &why) != 1))
			goto usage_error;
	}
	if (optind != argc)
		goto usage_error;
	rc = zp_stage_open(&s, &o, &why);
	if (rc == 0 && endpoint_file != NULL)
		rc = write_endpoint(endpoint_file, zp_in_endpoint(s.in));
	if (rc != 0) {
		zp_error("%s", why.len ? why.data : zp_strerror(rc));
		zp_stage_close(&s);
		zp_buf_release(&why);
		return zp_exit_code(rc);
	}
	rc = relay(&s);
	if (rc == ZP_EINTR)
		zp_warn("interrupted: finishing after %lu envelopes", s.nread);
	else if (rc < 0)
		zp_error("%s", zp_strerror(rc));
	frc = zp_stage_finish(&s);
	if (frc != 0 && frc != rc) {
		zp_error("output: %s", zp_strerror(frc));
		if (rc >= 0)
			rc = frc;
	}
	zp_info("relayed %lu envelopes, %lu dropped, %ld end-of-stream",
	    s.nread, s.nbad, s.eos_seen);
	c = zp_stage_exit_code(&s, rc);
	zp_stage_close(&s);
	zp_buf_release(&why);
	return c;
usage_error:
	if (why.len)
		zp_error("%s", why.data);
	zp_buf_release(&why);
	usage(64);
}
