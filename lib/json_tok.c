/*
 * json_tok.c - the strict streaming JSON tokenizer.
 *
 * A state machine over a complete document in memory.  It validates the
 * grammar of RFC 8259, UTF-8 (Unicode table 3-7: no overlongs, no encoded
 * surrogates, nothing past U+10FFFF) and \u escapes with surrogate pairs.
 */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "error.h"
#include "json.h"
#include "utf8.h"

enum state {
	S_VALUE, /* a value must come */
	S_VALUE_OR_END, /* just after '[' */
	S_KEY_OR_END, /* just after '{' */
	S_KEY, /* after ',' in an object */
	S_COLON, /* after a key */
	S_COMMA_OR_END, /* after a value inside a container */
	S_DONE /* after the top-level value */
};

/* fail records an error at offset and returns ZP_TOK_ERROR. */
static enum zp_tok
fail(struct zp_json_tok *t, size_t offset, const char *reason)
{
	t->err.offset = offset;
	t->err.reason = reason;
	if (t->code == 0)
		t->code = ZP_EPARSE;
	t->pos = t->len; /* no further progress after an error */
	t->state = S_DONE;
	return ZP_TOK_ERROR;
}

/* zp_json_tok_init starts tokenizing len bytes at src. */
void
zp_json_tok_init(
    struct zp_json_tok *t, const char *src, size_t len, int max_depth)
{
	t->src = src;
	t->len = len;
	t->pos = 0;
	t->start = 0;
	t->tlen = 0;
	t->raw_start = 0;
	t->escaped = 0;
	t->state = S_VALUE;
	t->depth = 0;
	if (max_depth <= 0 || max_depth > ZP_JSON_MAX_DEPTH)
		max_depth = ZP_JSON_DEFAULT_DEPTH;
	t->max_depth = max_depth;
	t->code = 0;
	t->err.offset = 0;
	t->err.reason = NULL;
}

/* in_object tells whether the innermost open container is an object. */
static int
in_object(const struct zp_json_tok *t)
{
	int d = t->depth - 1;

	return (t->stack[d >> 3] >> (d & 7)) & 1;
}

/* push opens a container; is_obj says which kind. */
static int
push(struct zp_json_tok *t, int is_obj)
{
	int d = t->depth;

	if (d >= t->max_depth) {
		t->code = ZP_EDEPTH;
		fail(t, t->pos, "nesting deeper than the depth limit");
		return -1;
	}
	if (is_obj)
		t->stack[d >> 3] |= (uint8_t)(1u << (d & 7));
	else
		t->stack[d >> 3] &= (uint8_t) ~(1u << (d & 7));
	t->depth = d + 1;
	return 0;
}

/* after_value sets the state that follows a complete value. */
static void
after_value(struct zp_json_tok *t)
{
	t->state = t->depth == 0 ? S_DONE : S_COMMA_OR_END;
}

/* hex4 reads four hex digits at p into *v; returns 0 or -1. */
static int
hex4(const unsigned char *p, unsigned *v)
{
	unsigned r = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned c = p[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return -1;
		r = r << 4 | d;
	}
	*v = r;
	return 0;
}

/* scan_escape validates the escape at s[i] == '\\'; returns its length. */
static size_t
scan_escape(
    struct zp_json_tok *t, const unsigned char *s, size_t i, size_t end)
{
	unsigned u, lo;

	if (i + 1 >= end)
		return 0;
	switch (s[i + 1]) {
	case '"':
	case '\\':
	case '/':
	case 'b':
	case 'f':
	case 'n':
	case 'r':
	case 't': return 2;
	case 'u': break;
	default: fail(t, i, "invalid escape in string"); return 0;
	}
	if (i + 6 > end || hex4(s + i + 2, &u) != 0) {
		fail(t, i, "\\u escape needs four hex digits");
		return 0;
	}
	if (u >= 0xDC00 && u <= 0xDFFF) {
		fail(t, i, "lone low surrogate in \\u escape");
		return 0;
	}
	if (u < 0xD800 || u > 0xDBFF)
		return 6;
	if (i + 12 > end || s[i + 6] != '\\' || s[i + 7] != 'u' ||
	    hex4(s + i + 8, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF) {
		fail(t, i, "high surrogate not followed by a low surrogate");
		return 0;
	}
	return 12;
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/*
 * special8 flags, in the high bit of each byte, the bytes of p[0..8) that
 * a string scan must look at: controls, '"', '\\', DEL and non-ASCII.  A
 * borrow can only flag bytes above a truly flagged one, so the lowest flag
 * is exact.
 */
static inline uint64_t
special8(const unsigned char *p)
{
	uint64_t x, q, b, d;

	memcpy(&x, p, 8);
	q = x ^ (ONES * '"');
	b = x ^ (ONES * '\\');
	d = x ^ (ONES * 0x7F);
	return (((x - ONES * 0x20) & ~x) | ((q - ONES) & ~q) |
		   ((b - ONES) & ~b) | ((d - ONES) & ~d) | x) &
	    HIGHS;
}

#ifdef __SSE2__
/* special16 is special8 for p[0..16), one bit per byte: a signed
 * compare below 0x20 also takes every byte of 0x80 and above. */
static inline unsigned
special16(const unsigned char *p)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i m =
	    _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)),
			     _mm_cmpeq_epi8(x, _mm_set1_epi8('"'))),
		_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\\')),
		    _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7F))));

	return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* skip_plain advances i past bytes that need no attention in a string. */
static inline size_t
skip_plain(const unsigned char *s, size_t i, size_t end)
{
#ifdef __SSE2__
	unsigned m16;

	for (; i + 16 <= end; i += 16)
		if ((m16 = special16(s + i)) != 0)
			return i + (size_t)__builtin_ctz(m16);
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t m;

	for (; i + 8 <= end; i += 8)
		if ((m = special8(s + i)) != 0)
			return i + ((size_t)__builtin_ctzll(m) >> 3);
#endif
	while (i < end && s[i] >= 0x20 && s[i] < 0x7F && s[i] != '"' &&
	    s[i] != '\\')
		i++;
	return i;
}

/* string_special handles the byte at s[i] that is not plain text. */
static size_t
string_special(
    struct zp_json_tok *t, const unsigned char *s, size_t i, size_t end)
{
	size_t n;

	if (s[i] == '\\') {
		t->escaped = 1;
		t->verbatim = 0;
		return scan_escape(t, s, i, end);
	}
	if (s[i] == 0x7F) {
		t->verbatim = 0; /* written as \u007f, as jq does */
		return 1;
	}
	if (s[i] < 0x20) {
		fail(t, i, "control character in string");
		return 0;
	}
	if ((n = zp_utf8_seq(s + i, end - i)) == 0)
		fail(t, i, "invalid UTF-8 in string");
	return n;
}

/* scan_string validates the string whose quote is at t->pos. */
static enum zp_tok
scan_string(struct zp_json_tok *t, enum zp_tok tok)
{
	const unsigned char *s = (const unsigned char *)t->src;
	size_t open = t->pos, i = t->pos + 1, end = t->len, n;

	t->escaped = 0;
	t->verbatim = 1;
	for (;;) {
		i = skip_plain(s, i, end);
		if (i >= end)
			return fail(t, open, "unterminated string");
		if (s[i] == '"')
			break;
		n = string_special(t, s, i, end);
		if (n == 0)
			return t->code ? ZP_TOK_ERROR
				       : fail(t, open, "unterminated string");
		i += n;
	}
	t->raw_start = open;
	t->start = open + 1;
	t->tlen = i - open - 1;
	t->pos = i + 1;
	return tok;
}

/* digits advances over [0-9]* and returns how many there were. */
static size_t
digits(const unsigned char *s, size_t *i, size_t end)
{
	size_t from = *i;

	while (*i < end && s[*i] >= '0' && s[*i] <= '9')
		(*i)++;
	return *i - from;
}

/* scan_number validates the number starting at t->pos. */
static enum zp_tok
scan_number(struct zp_json_tok *t)
{
	const unsigned char *s = (const unsigned char *)t->src;
	size_t i = t->pos, end = t->len;

	if (s[i] == '-')
		i++;
	if (i < end && s[i] == '0') {
		i++;
		if (i < end && s[i] >= '0' && s[i] <= '9')
			return fail(t, i, "leading zero in number");
	} else if (digits(s, &i, end) == 0) {
		return fail(t, i, "expected digit in number");
	}
	if (i < end && s[i] == '.') {
		i++;
		if (digits(s, &i, end) == 0)
			return fail(
			    t, i, "expected digit after decimal point");
	}
	if (i < end && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < end && (s[i] == '+' || s[i] == '-'))
			i++;
		if (digits(s, &i, end) == 0)
			return fail(t, i, "expected digit in exponent");
	}
	t->raw_start = t->start = t->pos;
	t->tlen = i - t->pos;
	t->pos = i;
	return ZP_TOK_NUMBER;
}

/* scan_literal matches true, false or null at t->pos. */
static enum zp_tok
scan_literal(struct zp_json_tok *t, const char *word, enum zp_tok tok)
{
	size_t n = strlen(word);

	if (t->len - t->pos < n || memcmp(t->src + t->pos, word, n) != 0)
		return fail(t, t->pos, "invalid literal");
	t->raw_start = t->start = t->pos;
	t->tlen = n;
	t->pos += n;
	return tok;
}

/* scan_value reads the value that starts at t->pos. */
static enum zp_tok
scan_value(struct zp_json_tok *t, unsigned char c)
{
	enum zp_tok tok;

	switch (c) {
	case '{':
		if (push(t, 1) != 0)
			return ZP_TOK_ERROR;
		t->raw_start = t->start = t->pos++;
		t->tlen = 1;
		t->state = S_KEY_OR_END;
		return ZP_TOK_OBJ_BEGIN;
	case '[':
		if (push(t, 0) != 0)
			return ZP_TOK_ERROR;
		t->raw_start = t->start = t->pos++;
		t->tlen = 1;
		t->state = S_VALUE_OR_END;
		return ZP_TOK_ARR_BEGIN;
	case '"': tok = scan_string(t, ZP_TOK_STRING); break;
	case 't': tok = scan_literal(t, "true", ZP_TOK_TRUE); break;
	case 'f': tok = scan_literal(t, "false", ZP_TOK_FALSE); break;
	case 'n': tok = scan_literal(t, "null", ZP_TOK_NULL); break;
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			tok = scan_number(t);
		else if (c == 0xEF)
			return fail(
			    t, t->pos, "byte order mark or stray UTF-8");
		else
			return fail(t, t->pos, "unexpected character");
	}
	if (tok != ZP_TOK_ERROR)
		after_value(t);
	return tok;
}

/* close_container pops the container closed by c at t->pos. */
static enum zp_tok
close_container(struct zp_json_tok *t, unsigned char c)
{
	int obj = in_object(t);

	if (c != (obj ? '}' : ']'))
		return fail(t, t->pos,
		    obj ? "expected ',' or '}'" : "expected ',' or ']'");
	t->raw_start = t->start = t->pos++;
	t->tlen = 1;
	t->depth--;
	after_value(t);
	return obj ? ZP_TOK_OBJ_END : ZP_TOK_ARR_END;
}

/* quote_or_escape advances i to the next '"' or '\\' (8 bytes at a
 * time where it can), or to end. */
static inline size_t
quote_or_escape(const unsigned char *s, size_t i, size_t end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t x, q, b, m;

	for (; i + 8 <= end; i += 8) {
		memcpy(&x, s + i, 8);
		q = x ^ (ONES * '"');
		b = x ^ (ONES * '\\');
		if ((m = (((q - ONES) & ~q) | ((b - ONES) & ~b)) & HIGHS) != 0)
			return i + ((size_t)__builtin_ctzll(m) >> 3);
	}
#endif
	while (i < end && s[i] != '"' && s[i] != '\\')
		i++;
	return i;
}

/* shallow_string skips the string whose quote is at s[i]; returns the
 * offset after its closing quote, or 0 when it does not end. */
static size_t
shallow_string(const unsigned char *s, size_t i, size_t end)
{
	for (i++;;) {
		i = quote_or_escape(s, i, end);
		if (i >= end)
			return 0;
		if (s[i] == '"')
			return i + 1;
		i += 2; /* an escape and the byte it escapes */
	}
}

int
zp_json_skip_shallow(struct zp_json_tok *t, enum zp_tok tok)
{
	const unsigned char *s = (const unsigned char *)t->src;
	uint8_t stack[ZP_JSON_MAX_DEPTH / 8] = {0}; /* 1: an object */
	size_t i = t->pos, end = t->len;
	int d = 0, limit = t->max_depth - t->depth;

	if (tok != ZP_TOK_OBJ_BEGIN && tok != ZP_TOK_ARR_BEGIN)
		return zp_json_skip(t, tok);
	while (i < end) {
		unsigned char c = s[i];

		if (c == '"') {
			if ((i = shallow_string(s, i, end)) == 0)
				break;
			continue;
		}
		if (c == '{' || c == '[') {
			if (++d > limit || d >= ZP_JSON_MAX_DEPTH) {
				fail(t, i,
				    "nesting deeper than the depth limit");
				return t->code = ZP_EDEPTH;
			}
			stack[d / 8] =
			    (uint8_t)((stack[d / 8] & ~(1u << (d % 8))) |
				(unsigned)(c == '{') << (d % 8));
		} else if (c == '}' || c == ']') {
			if (d == 0) {
				t->pos = i;
				return close_container(t, c) == ZP_TOK_ERROR
				    ? t->code
				    : 0;
			}
			if ((c == '}') != ((stack[d / 8] >> (d % 8)) & 1))
				break;
			d--;
		}
		i++;
	}
	fail(t, i < end ? i : end, "unterminated or unbalanced value");
	return ZP_EPARSE;
}

/* zp_json_next returns the next token, ZP_TOK_END, or ZP_TOK_ERROR. */
enum zp_tok
zp_json_next(struct zp_json_tok *t)
{
	const unsigned char *s = (const unsigned char *)t->src;
	unsigned char c;

	for (;;) {
		while (t->pos < t->len &&
		    (s[t->pos] == ' ' || s[t->pos] == '\n' ||
			s[t->pos] == '\r' || s[t->pos] == '\t'))
			t->pos++;
		if (t->pos >= t->len) {
			if (t->state == S_DONE && t->code == 0)
				return ZP_TOK_END;
			if (t->code != 0)
				return ZP_TOK_ERROR;
			return fail(t, t->len, "unexpected end of input");
		}
		c = s[t->pos];
		switch (t->state) {
		case S_VALUE: return scan_value(t, c);
		case S_VALUE_OR_END:
			if (c == ']')
				return close_container(t, c);
			return scan_value(t, c);
		case S_KEY_OR_END:
			if (c == '}')
				return close_container(t, c);
			/* fall through */
		case S_KEY:
			if (c != '"')
				return fail(t, t->pos, "expected string key");
			if (scan_string(t, ZP_TOK_KEY) == ZP_TOK_ERROR)
				return ZP_TOK_ERROR;
			t->state = S_COLON;
			return ZP_TOK_KEY;
		case S_COLON:
			if (c != ':')
				return fail(
				    t, t->pos, "expected ':' after key");
			t->pos++;
			t->state = S_VALUE;
			break;
		case S_COMMA_OR_END:
			if (c != ',')
				return close_container(t, c);
			t->pos++;
			t->state = in_object(t) ? S_KEY : S_VALUE;
			break;
		default:
			return fail(
			    t, t->pos, "trailing characters after value");
		}
	}
}

/* zp_json_skip finishes the value whose first token tok was returned. */
int
zp_json_skip(struct zp_json_tok *t, enum zp_tok tok)
{
	int depth;

	if (tok == ZP_TOK_ERROR)
		return t->code;
	if (tok != ZP_TOK_OBJ_BEGIN && tok != ZP_TOK_ARR_BEGIN)
		return 0;
	depth = t->depth - 1;
	while (t->depth > depth) {
		if (zp_json_next(t) == ZP_TOK_ERROR)
			return t->code;
	}
	return 0;
}

/* put_utf8 encodes code point u at out; returns the bytes written. */
static size_t
put_utf8(char *out, unsigned u)
{
	if (u < 0x80) {
		out[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		out[0] = (char)(0xC0 | u >> 6);
		out[1] = (char)(0x80 | (u & 0x3F));
		return 2;
	}
	if (u < 0x10000) {
		out[0] = (char)(0xE0 | u >> 12);
		out[1] = (char)(0x80 | ((u >> 6) & 0x3F));
		out[2] = (char)(0x80 | (u & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | u >> 18);
	out[1] = (char)(0x80 | ((u >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((u >> 6) & 0x3F));
	out[3] = (char)(0x80 | (u & 0x3F));
	return 4;
}

/* zp_json_unescape decodes validated string content into out. */
size_t
zp_json_unescape(const char *raw, size_t n, char *out)
{
	const unsigned char *s = (const unsigned char *)raw;
	size_t i = 0, o = 0;
	unsigned u = 0, lo = 0;

	while (i < n) {
		const void *bs = memchr(s + i, '\\', n - i);
		size_t run =
		    bs ? (size_t)((const unsigned char *)bs - s) - i : n - i;

		memcpy(out + o, s + i, run);
		o += run;
		i += run;
		if (i >= n)
			break;
		switch (s[i + 1]) {
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u':
			hex4(s + i + 2, &u);
			if (u >= 0xD800 && u <= 0xDBFF) {
				hex4(s + i + 8, &lo);
				u = 0x10000 + ((u - 0xD800) << 10) +
				    (lo - 0xDC00);
				i += 6;
			}
			o += put_utf8(out + o, u);
			i += 6;
			continue;
		default: out[o++] = (char)s[i + 1]; break;
		}
		i += 2;
	}
	return o;
}

/* zp_json_validate checks a whole document. */
int
zp_json_validate(const char *src, size_t len, struct zp_json_error *err)
{
	struct zp_json_tok t;
	enum zp_tok tok;

	zp_json_tok_init(&t, src, len, 0);
	while ((tok = zp_json_next(&t)) > ZP_TOK_END)
		;
	if (tok == ZP_TOK_ERROR && err != NULL)
		*err = t.err;
	return tok == ZP_TOK_ERROR ? t.code : 0;
}
