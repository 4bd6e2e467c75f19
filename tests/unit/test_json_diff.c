/*
 * test_json_diff.c - differential tests of the JSON module against libjq,
 * the oracle for what parses and for value equality.
 *
 * A seeded generator makes random documents that both parsers must accept;
 * our compact output, parsed by jq, must equal jq's value of the original.
 * Mutated documents (truncated, a byte deleted, inserted or replaced) may be
 * rejected by both, but never accepted by us and rejected by jq.  We are
 * stricter than jq 1.6 on purpose (leading zeros, a byte order mark,
 * invalid UTF-8 that jq replaces with U+FFFD, raw control characters in
 * strings, "nan"), so the other difference is allowed.  jq 1.6 reads
 * numbers as doubles: values are compared through jq, never as text.
 *
 * This is the only file of the unit tests that calls jq_* or jv_*.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jv.h>

#include "arena.h"
#include "buf.h"
#include "error.h"
#include "splitmix.h"
#include "harness.h"
#include "json.h"

#define MAX_REPORTS 10

/* --- a small deterministic generator ---------------------------------- */

/* splitmix64 state: the same seed always gives the same documents. */
struct rng {
	uint64_t s;
};

static uint64_t
rng_next(struct rng *r)
{
	return zp_splitmix64(&r->s);
}

/* below returns a number in [0, n). */
static unsigned
below(struct rng *r, unsigned n)
{
	return (unsigned)(rng_next(r) % n);
}

/* One generator run: where the text goes and where randomness comes from. */
struct gen {
	struct rng rng;
	struct zp_buf *out;
	int oom;
};

static void
emit(struct gen *g, const void *p, size_t n)
{
	if (zp_buf_append(g->out, p, n) != 0)
		g->oom = 1;
}

static void
emit_c(struct gen *g, char c)
{
	emit(g, &c, 1);
}

/* gen_ws writes nothing most of the time, else a little whitespace. */
static void
gen_ws(struct gen *g)
{
	static const char ws[] = " \t\n\r";
	unsigned n;

	if (below(&g->rng, 4) != 0)
		return;
	for (n = 1 + below(&g->rng, 3); n > 0; n--)
		emit_c(g, ws[below(&g->rng, 4)]);
}

/* gen_digits writes n random decimal digits, the first one nonzero. */
static void
gen_digits(struct gen *g, unsigned n, int nonzero_first)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		unsigned d = below(&g->rng, 10);

		if (i == 0 && nonzero_first)
			d = 1 + d % 9;
		emit_c(g, (char)('0' + d));
	}
}

/* gen_number writes a number of any grammar form. */
static void
gen_number(struct gen *g)
{
	static const char *signs[] = {"", "+", "-"};

	if (below(&g->rng, 3) == 0)
		emit_c(g, '-');
	switch (below(&g->rng, 4)) {
	case 0: emit_c(g, '0'); break;
	case 1: gen_digits(g, 1 + below(&g->rng, 6), 1); break;
	case 2:
		gen_digits(g, 19, 1); /* a meeting id */
		break;
	default: gen_digits(g, 1 + below(&g->rng, 30), 1); break;
	}
	if (below(&g->rng, 3) == 0) {
		emit_c(g, '.');
		gen_digits(g, 1 + below(&g->rng, 8), 0);
	}
	if (below(&g->rng, 4) == 0) {
		const char *sign = signs[below(&g->rng, 3)];

		emit_c(g, below(&g->rng, 2) ? 'e' : 'E');
		emit(g, sign, strlen(sign));
		gen_digits(g, 1 + below(&g->rng, 3), 0);
	}
}

/* gen_u_escape writes \uXXXX for code unit u, hex digits in either case. */
static void
gen_u_escape(struct gen *g, unsigned u)
{
	const char *hex =
	    below(&g->rng, 2) ? "0123456789abcdef" : "0123456789ABCDEF";
	char e[6] = {'\\', 'u', hex[u >> 12 & 15], hex[u >> 8 & 15],
	    hex[u >> 4 & 15], hex[u & 15]};

	emit(g, e, 6);
}

/* random_cp returns a scalar value (no surrogate) of n UTF-8 bytes. */
static unsigned
random_cp(struct gen *g, unsigned n)
{
	static const unsigned lo[] = {0x20, 0x80, 0x800, 0x10000};
	static const unsigned hi[] = {0x7F, 0x7FF, 0xFFFF, 0x10FFFF};
	unsigned cp;

	do {
		/* Now and then take an edge of the range. */
		switch (below(&g->rng, 8)) {
		case 0: cp = lo[n - 1]; break;
		case 1: cp = hi[n - 1]; break;
		default:
			cp = lo[n - 1] +
			    below(&g->rng, hi[n - 1] - lo[n - 1] + 1);
		}
	} while (cp >= 0xD800 && cp <= 0xDFFF);
	return cp;
}

/* gen_raw_utf8 writes one raw multi-byte UTF-8 sequence. */
static void
gen_raw_utf8(struct gen *g)
{
	unsigned n = 2 + below(&g->rng, 3);
	unsigned cp = random_cp(g, n);
	char b[4];

	if (n == 2) {
		b[0] = (char)(0xC0 | cp >> 6);
	} else if (n == 3) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	}
	b[n - 1] = (char)(0x80 | (cp & 0x3F));
	emit(g, b, n);
}

/* gen_string_piece writes one character of a string, in any spelling. */
static void
gen_string_piece(struct gen *g)
{
	static const char simple[] = "\"\\/bfnrt";
	unsigned cp;

	switch (below(&g->rng, 10)) {
	case 0:
		emit_c(g, '\\');
		emit_c(g, simple[below(&g->rng, 8)]);
		break;
	case 1:
		if (below(&g->rng, 2))
			gen_u_escape(g, below(&g->rng, 0x20));
		else
			gen_u_escape(g, random_cp(g, 1 + below(&g->rng, 3)));
		break;
	case 2:
		cp = random_cp(g, 4) - 0x10000;
		gen_u_escape(g, 0xD800 + (cp >> 10));
		gen_u_escape(g, 0xDC00 + (cp & 0x3FF));
		break;
	case 3:
	case 4: gen_raw_utf8(g); break;
	case 5:
		cp = below(&g->rng, 4) ? 'a' + below(&g->rng, 26) : 0x7F;
		emit_c(g, (char)cp);
		break;
	default:
		do
			cp = 0x20 + below(&g->rng, 0x5F);
		while (cp == '"' || cp == '\\');
		emit_c(g, (char)cp);
	}
}

/* gen_string writes a quoted string; some keys repeat on purpose. */
static void
gen_string(struct gen *g, int is_key)
{
	static const char *pool[] = {"\"id\"", "\"a\"", "\"\"", "\"uuid\""};
	unsigned n;

	if (is_key && below(&g->rng, 3) == 0) {
		const char *k = pool[below(&g->rng, 4)];

		emit(g, k, strlen(k));
		return;
	}
	emit_c(g, '"');
	for (n = below(&g->rng, 4) ? below(&g->rng, 8) : below(&g->rng, 40);
	     n > 0; n--)
		gen_string_piece(g);
	emit_c(g, '"');
}

static void gen_value(struct gen *g, int depth);

/* gen_container writes an object or an array of up to 5 entries. */
static void
gen_container(struct gen *g, int obj, int depth)
{
	unsigned i, n = below(&g->rng, 6);

	emit_c(g, obj ? '{' : '[');
	gen_ws(g);
	for (i = 0; i < n; i++) {
		if (i > 0) {
			emit_c(g, ',');
			gen_ws(g);
		}
		if (obj) {
			gen_string(g, 1);
			gen_ws(g);
			emit_c(g, ':');
			gen_ws(g);
		}
		gen_value(g, depth - 1);
		gen_ws(g);
	}
	emit_c(g, obj ? '}' : ']');
}

/* gen_value writes any value; depth bounds how deep containers go. */
static void
gen_value(struct gen *g, int depth)
{
	static const char *lits[] = {"true", "false", "null"};
	unsigned k = below(&g->rng, depth > 0 ? 10 : 6);

	switch (k) {
	case 0:
	case 1: gen_string(g, 0); break;
	case 2:
	case 3: gen_number(g); break;
	case 4:
	case 5:
		k = below(&g->rng, 3);
		emit(g, lits[k], strlen(lits[k]));
		break;
	case 6:
	case 7: gen_container(g, 1, depth); break;
	default: gen_container(g, 0, depth);
	}
}

/* gen_doc writes one whole document into out (which it empties first). */
static void
gen_doc(struct gen *g)
{
	int depth = 1 + (int)below(&g->rng, 6);

	zp_buf_reset(g->out);
	gen_ws(g);
	if (below(&g->rng, 8) == 0)
		gen_value(g, 0);
	else
		gen_container(g, (int)below(&g->rng, 2), depth);
	gen_ws(g);
}

/* --- the oracle ------------------------------------------------------ */

/*
 * jq 1.6 leaks the value it was given when it fails with "Expected
 * separator between values" (as in ["a" "b"]).  So that the sanitizers
 * still see our own leaks, jq's first look at a document runs with leak
 * checking off, and only a document it accepts is parsed again with it on.
 * The hooks are weak: without a sanitizer they are NULL.
 */
extern void __lsan_disable(void) __attribute__((weak));
extern void __lsan_enable(void) __attribute__((weak));

/* jq_parse returns jq's value of s[0..n), or an invalid jv. */
static jv
jq_parse(const char *s, size_t n)
{
	jv v;

	if (__lsan_disable != NULL)
		__lsan_disable();
	v = jv_parse_sized(s, (int)n);
	if (__lsan_enable != NULL)
		__lsan_enable();
	if (jv_get_kind(v) == JV_KIND_INVALID)
		return v;
	jv_free(v);
	return jv_parse_sized(s, (int)n);
}

/* --- the comparison -------------------------------------------------- */

/* The parser under test, its buffers, and the tally. */
struct diff {
	struct zp_arena arena;
	struct zp_json_parser p;
	struct zp_buf out;
	struct zp_buf again;
	long docs, bytes, mutations, both_reject, we_reject, failures;
};

/* report prints one failing document, escaping bytes that are not ASCII. */
static void
report(struct diff *d, const char *why, const char *s, size_t n)
{
	struct zp_buf b = ZP_BUF_INIT;
	size_t i;

	if (d->failures++ >= MAX_REPORTS)
		return;
	for (i = 0; i < n && i < 400; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7F && c != '\\')
			zp_buf_putc(&b, (char)c);
		else
			zp_buf_printf(&b, "\\x%02x", c);
	}
	zp_test_failf(__FILE__, __LINE__, "%s: [%s]%s", why,
	    b.data ? b.data : "", n > 400 ? "..." : "");
	zp_buf_release(&b);
}

/* ours_again checks that our output parses and writes back unchanged. */
static int
ours_again(struct diff *d)
{
	struct zp_json *v;

	if (zp_json_parse(&d->p, d->out.data, d->out.len, &v) != 0)
		return -1;
	zp_buf_reset(&d->again);
	if (zp_json_write(&d->again, v) != 0)
		return -1;
	if (d->again.len != d->out.len ||
	    memcmp(d->again.data, d->out.data, d->out.len) != 0)
		return -1;
	return 0;
}

/* same_as_jq checks our accepted document against jq's value ref. */
static void
same_as_jq(
    struct diff *d, const char *s, size_t n, struct zp_json *root, jv ref)
{
	jv mine;

	zp_buf_reset(&d->out);
	if (zp_json_write(&d->out, root) != 0) {
		report(d, "zp_json_write failed", s, n);
		return;
	}
	mine = jq_parse(d->out.data, d->out.len);
	if (jv_get_kind(mine) == JV_KIND_INVALID) {
		report(d, "jq rejects our output of", s, n);
		jv_free(mine);
		return;
	}
	if (!jv_equal(jv_copy(ref), mine))
		report(d, "our value differs from jq's for", s, n);
	if (ours_again(d) != 0)
		report(d, "our output does not round-trip for", s, n);
}

/* jq_rejects reports a document that we accept, with jq's reason. */
static void
jq_rejects(struct diff *d, jv ref, const char *s, size_t n)
{
	jv msg = jv_invalid_get_msg(jv_copy(ref));
	const char *m = "?";
	char why[256];

	if (jv_get_kind(msg) == JV_KIND_STRING)
		m = jv_string_value(msg);
	/* jq quotes the whole document after a '('; leave that out. */
	snprintf(why, sizeof(why), "we accept what jq rejects (%.*s)",
	    (int)strcspn(m, "(\n"), m);
	report(d, why, s, n);
	jv_free(msg);
}

/* check_one compares both parsers on s; generated ones must be accepted. */
static void
check_one(struct diff *d, const char *s, size_t n, int generated)
{
	struct zp_json *root = NULL;
	int rc, vrc;
	jv ref;

	zp_arena_reset(&d->arena);
	rc = zp_json_parse(&d->p, s, n, &root);
	vrc = zp_json_validate(s, n, NULL);
	ref = jq_parse(s, n);
	if (rc != vrc)
		report(d, "zp_json_validate disagrees with parse", s, n);
	if (jv_get_kind(ref) == JV_KIND_INVALID) {
		if (generated)
			report(d, "jq rejects a generated document", s, n);
		if (rc == 0)
			jq_rejects(d, ref, s, n);
		else
			d->both_reject++;
	} else if (rc != 0) {
		if (generated)
			report(d, "we reject a generated document", s, n);
		d->we_reject++;
	} else {
		same_as_jq(d, s, n, root, ref);
	}
	jv_free(ref);
}

/* One of the interesting bytes a mutation puts in. */
static const char interesting[] = "\"\\,:[]{}0123456789-+.eEu tfn\x00\x01"
				  "\x1f\x7f\x80\xbf\xc0\xc3\xed\xef\xf4\xff";

/* mutate copies src[0..n) into m with one random change at one place. */
static void
mutate(struct gen *g, const char *src, size_t n, struct zp_buf *m)
{
	size_t at = n > 0 ? below(&g->rng, (unsigned)n) : 0;
	char c = interesting[below(&g->rng, sizeof(interesting) - 1)];

	zp_buf_reset(m);
	zp_buf_append(m, src, at);
	switch (below(&g->rng, 4)) {
	case 0: /* truncate */ return;
	case 1: /* delete a byte */ at++; break;
	case 2: /* insert a byte */ zp_buf_append(m, &c, 1); break;
	default: /* replace a byte */ zp_buf_append(m, &c, 1); at++;
	}
	if (at < n)
		zp_buf_append(m, src + at, n - at);
}

/* diff_init prepares the parser and buffers of a differential run. */
static void
diff_init(struct diff *d)
{
	struct zp_arena a = ZP_ARENA_INIT;
	struct zp_buf b = ZP_BUF_INIT;

	memset(d, 0, sizeof(*d));
	d->arena = a;
	d->out = b;
	d->again = b;
	zp_json_parser_init(&d->p, &d->arena);
}

static void
diff_release(struct diff *d)
{
	zp_json_parser_release(&d->p);
	zp_arena_release(&d->arena);
	zp_buf_release(&d->out);
	zp_buf_release(&d->again);
}

/* run_seed checks ndocs generated documents and nmut mutants of each. */
static void
run_seed(struct diff *d, uint64_t seed, int ndocs, int nmut)
{
	struct zp_buf doc = ZP_BUF_INIT, m = ZP_BUF_INIT, m2 = ZP_BUF_INIT;
	struct gen g = {{seed}, &doc, 0};
	int i, j;

	for (i = 0; i < ndocs && !g.oom; i++) {
		gen_doc(&g);
		check_one(d, doc.data, doc.len, 1);
		d->docs++;
		d->bytes += (long)doc.len;
		for (j = 0; j < nmut; j++) {
			mutate(&g, doc.data, doc.len, &m);
			if (j % 4 == 3) { /* now and then, two changes */
				mutate(&g, m.data, m.len, &m2);
				check_one(d, m2.data, m2.len, 0);
			} else {
				check_one(d, m.data, m.len, 0);
			}
			d->mutations++;
		}
	}
	CHECK(!g.oom);
	zp_buf_release(&doc);
	zp_buf_release(&m);
	zp_buf_release(&m2);
}

TEST(json_diff_random_docs)
{
	static const uint64_t seeds[] = {1, 0x5EED, 20240611, 0xC0FFEE};
	struct diff d;
	size_t i;

	diff_init(&d);
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		run_seed(&d, seeds[i], 1000, 8);
	printf("    json_diff: %ld docs (%ld bytes) and %ld mutations checked "
	       "against libjq: %ld rejected by both, %ld only by us\n",
	    d.docs, d.bytes, d.mutations, d.both_reject, d.we_reject);
	CHECK_INT(d.failures, 0);
	diff_release(&d);
}

/* Hand-written documents: each one must pass the same checks. */
static const char *const tricky[] = {
    "0",
    "-0",
    "-0.0e-0",
    "1E400",
    "-1e-400",
    "1234567890123456789",
    "12345678901234567890123456789012345678901234567890",
    "[1.7976931348623157e308,5e-324,2.2250738585072014e-308]",
    "\"\\u0000\"",
    "\"\\uDBFF\\uDFFF\"",
    "\"\\ud800\\udc00\"",
    "\"\xf4\x8f\xbf\xbf\"",
    "\"\xef\xbf\xbf\"",
    "\"\x7f\"",
    "{\"a\":1,\"a\":2}",
    "{\"a\":{\"a\":[]},\"a\":null}",
    " [ ] ",
    "\t{\r\n}\n",
    "[[[[[[[[[[]]]]]]]]]]",
    /* Rejected by us; jq 1.6 takes some of them. */
    "",
    " ",
    "01",
    "-01",
    "1.",
    ".1",
    "1e",
    "+1",
    "nan",
    "NaN",
    "Infinity",
    "-",
    "[1,]",
    "{\"a\":1,}",
    "[1 2]",
    "{\"a\" 1}",
    "\xef\xbb\xbf[]",
    "\"\xff\"",
    "\"\xc0\x80\"",
    "\"\xed\xa0\x80\"",
    "\"\xf4\x90\x80\x80\"",
    "\"\xe2\x82\"",
    "\"\\ud83d\"",
    "\"\\ude00\"",
    "\"\\x\"",
    "\"\x01\"",
    "\"a\nb\"",
    "[]]",
    "[",
    "{",
    "\"",
    "tru",
    "true false",
    "[1]x",
    "{\"a\":1}}",
    "\"\\u12\"",
    "'a'",
    "[01]",
    "[1.e1]",
    "[-]",
    "\"abc",
    "{\"a\"}",
};

TEST(json_diff_tricky)
{
	struct diff d;
	size_t i;

	diff_init(&d);
	for (i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++)
		check_one(&d, tricky[i], strlen(tricky[i]), 0);
	CHECK_INT(d.failures, 0);
	diff_release(&d);
}

/* check_dump compares our string writer with jq's for one string doc. */
static void
check_dump(struct diff *d, const char *s, size_t n)
{
	struct zp_json *v;
	jv ref, dump;

	zp_arena_reset(&d->arena);
	if (zp_json_parse(&d->p, s, n, &v) != 0) {
		report(d, "we reject a generated string", s, n);
		return;
	}
	zp_buf_reset(&d->out);
	zp_json_write(&d->out, v);
	ref = jq_parse(s, n);
	if (jv_get_kind(ref) != JV_KIND_STRING) {
		report(d, "jq does not read a string from", s, n);
		jv_free(ref);
		return;
	}
	dump = jv_dump_string(ref, 0);
	if ((size_t)jv_string_length_bytes(jv_copy(dump)) != d->out.len ||
	    memcmp(jv_string_value(dump), d->out.data, d->out.len) != 0)
		report(d, "our escaping differs from jq's for", s, n);
	jv_free(dump);
}

TEST(json_diff_string_escaping)
{
	struct zp_buf doc = ZP_BUF_INIT;
	struct gen g = {{77}, &doc, 0};
	struct diff d;
	int i;

	diff_init(&d);
	for (i = 0; i < 2000; i++) {
		zp_buf_reset(&doc);
		gen_string(&g, 0);
		check_dump(&d, doc.data, doc.len);
	}
	CHECK(!g.oom);
	CHECK_INT(d.failures, 0);
	zp_buf_release(&doc);
	diff_release(&d);
}
