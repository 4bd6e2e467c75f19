/*
 * zp-envcheck - the verifier of the transport tests.  It reads what a
 * consumer wrote and proves that every envelope of every producer arrived
 * byte-identical, each producer's in order, and that exactly one eos
 * closed the stream.
 *
 * usage: zp-envcheck [--big-bytes N] [--big-every N] [--count N]
 *                    [--producers N] [FILE]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envgen.h"
#include "envelope.h"
#include "log.h"
#include "transport.h"

#define MAX_PRODUCERS 64

/* The tallies of one check. */
struct tally {
	unsigned long next[MAX_PRODUCERS]; /* next seq expected */
	unsigned long total;
	unsigned long big;
	unsigned long eos;
	unsigned long after_eos; /* envelopes seen after the eos */
	unsigned long mismatched;
	unsigned long out_of_order;
};

/* usage prints the synopsis and exits with status. */
static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: zp-envcheck [--big-bytes N] [--big-every N] [--count N] "
	    "[--producers N] [FILE]\n");
	exit(status);
}

/* check_one compares one page envelope with what its producer sent. */
static void
check_one(struct tally *t, const struct envgen *g, unsigned long nprod,
    const struct zp_envelope *e, struct zp_buf *want)
{
	unsigned p;
	unsigned long seq;

	if (e->id == NULL || sscanf(e->id, "p%u-%lu", &p, &seq) != 2 ||
	    p >= nprod) {
		t->mismatched++;
		return;
	}
	zp_buf_reset(want);
	envgen_build(want, g, p, seq);
	if (want->len != e->raw.n || memcmp(want->data, e->raw.p, want->len))
		t->mismatched++;
	if (seq != t->next[p])
		t->out_of_order++;
	t->next[p] = seq + 1;
	t->big += envgen_is_big(g, seq);
	t->total++;
}

/* report prints the tallies and returns the exit status. */
static int
report(const struct tally *t, const struct envgen *g, unsigned long nprod)
{
	unsigned long p, missing = 0;

	for (p = 0; p < nprod; p++)
		if (t->next[p] != g->count)
			missing++;
	printf("envelopes: %lu\n", t->total);
	printf("big envelopes: %lu\n", t->big);
	printf("byte-identical: %s\n", t->mismatched ? "no" : "yes");
	printf("each producer in order: %s\n",
	    t->out_of_order || missing ? "no" : "yes");
	printf("eos: %lu, last: %s\n", t->eos, t->after_eos ? "no" : "yes");
	return t->mismatched || t->out_of_order || missing || t->eos != 1 ||
	    t->after_eos || t->total != g->count * nprod;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"big-bytes", required_argument, NULL, 'b'},
	    {"big-every", required_argument, NULL, 'e'},
	    {"count", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {"producers", required_argument, NULL, 'p'}, {NULL, 0, NULL, 0}};
	static struct tally t;
	struct envgen g = {1000, 0, 0};
	struct zp_transport_opts o = ZP_TRANSPORT_OPTS_DEFAULT;
	struct zp_buf why = ZP_BUF_INIT, want = ZP_BUF_INIT;
	struct zp_envelope e;
	struct zp_in *in = NULL;
	struct zp_slice msg;
	const char *uri;
	unsigned long nprod = 1, v;
	int c, rc;

	zp_log_init("zp-envcheck", ZP_LOG_INFO, ZP_LOG_TEXT);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			usage(0);
		if (c == '?' || envgen_parse_ul(optarg, &v) != 0)
			usage(64);
		if (c == 'b')
			g.big_bytes = v;
		else if (c == 'e')
			g.big_every = v;
		else if (c == 'c')
			g.count = v;
		else if ((nprod = v) == 0 || nprod > MAX_PRODUCERS)
			usage(64);
	}
	uri = optind < argc ? argv[optind] : "-";
	if ((rc = zp_in_open(&in, &uri, 1, &o, &why)) != 0) {
		zp_error("%s", why.data);
		return zp_exit_code(rc);
	}
	zp_env_init(&e);
	while ((rc = zp_in_read(in, &msg)) == 1) {
		if (zp_env_parse(&e, msg.p, msg.n) != 0) {
			zp_error("%s: not an envelope", zp_in_where(in));
			t.mismatched++;
		} else if (zp_env_is(&e, "eos")) {
			t.eos++;
		} else {
			t.after_eos += t.eos > 0;
			check_one(&t, &g, nprod, &e, &want);
		}
	}
	zp_in_close(&in);
	zp_env_release(&e);
	zp_buf_release(&want);
	zp_buf_release(&why);
	return rc < 0 ? zp_exit_code(rc) : report(&t, &g, nprod);
}
