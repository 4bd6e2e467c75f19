/*
 * envgen.h - the deterministic envelopes of the transport tests.
 *
 * Envelope seq of producer p is a pure function of (p, seq, big_every,
 * big_bytes), so a checker regenerates the exact bytes a producer sent and
 * compares them with what arrived.  Header-only: zp-envgen and zp-envcheck
 * include it.
 */
#ifndef ZP_ENVGEN_H
#define ZP_ENVGEN_H

#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "error.h"
#include "splitmix.h"

/* The shape of one generated stream. */
struct envgen {
	unsigned long count; /* envelopes per producer */
	unsigned long big_every; /* every Nth envelope is big; 0: none */
	size_t big_bytes; /* size of a big envelope's padding */
};

/* envgen_rand is splitmix64: a tiny PRNG with a 64-bit state. */
static inline uint64_t
envgen_rand(uint64_t *s)
{
	return zp_splitmix64(s);
}

/* envgen_is_big tells whether envelope seq is one of the big ones. */
static inline int
envgen_is_big(const struct envgen *g, unsigned long seq)
{
	return g->big_every > 0 && seq % g->big_every == g->big_every / 2;
}

/* envgen_pad appends n bytes of varied string content (valid JSON). */
static inline int
envgen_pad(struct zp_buf *b, uint64_t *s, size_t n)
{
	static const char *const pieces[] = {"abc", "\\\"", "\\\\", "\xc3\xa9",
	    "\\u00e9", "\\ud83d\\ude00", "\xe2\x82\xac", " ", "\\n",
	    "0123456789", "\xf0\x9f\x98\x80", "/"};
	size_t start = b->len;
	int rc = zp_buf_reserve(b, n + 16);

	while (rc == 0 && b->len - start < n) {
		uint64_t r = envgen_rand(s);
		const char *p = pieces[r % 12];

		rc = zp_buf_puts(b, p);
		if (rc == 0 && (r >> 8) % 4 == 0)
			rc = zp_buf_putc(b, (char)('a' + (r >> 16) % 26));
	}
	return rc;
}

/* envgen_build appends the envelope seq of producer p (no newline). */
static inline int
envgen_build(
    struct zp_buf *b, const struct envgen *g, unsigned p, unsigned long seq)
{
	uint64_t s = ((uint64_t)p << 40) ^ seq ^ 0x5eedULL;
	size_t pad =
	    envgen_is_big(g, seq) ? g->big_bytes : 40 + envgen_rand(&s) % 200;
	int rc = zp_buf_printf(b,
	    "{\"v\":1,\"id\":\"p%u-%lu\",\"kind\":\"page\","
	    "\"account\":\"acct%u\",\"method\":\"GET\","
	    "\"path\":\"/v2/past_meetings/%%252Fab%%253D%%253D/participants"
	    "?page_size=300&seq=%lu\","
	    "\"endpoint\":\"/v2/past_meetings/{meetingId}/participants\","
	    "\"status\":200,\"at\":\"2026-11-22T03:00:00Z\","
	    "\"x-trace\":{\"hop\":[1,2.5e3,null,true]},"
	    "\"body\":{\"producer\":%u,\"seq\":%lu,"
	    "\"id\":1234567890123456789,\"text\":\"",
	    p, seq, p, seq, p, seq);

	if (rc == 0)
		rc = envgen_pad(b, &s, pad);
	if (rc == 0)
		rc = zp_buf_puts(b, "\"}}");
	return rc;
}

/* envgen_parse_ul reads a whole unsigned decimal; 0 or -1. */
static inline int
envgen_parse_ul(const char *s, unsigned long *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (s[0] < '0' || s[0] > '9' || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

#endif
