/*
 * jsonpath.c - Psoxy's JSONPath dialect (Jayway JsonPath 2.9.0, default
 * options): a compiler from text to a list of steps, an evaluator over
 * the arena DOM that records where each match sits, and map and delete
 * operations on those places.
 *
 * The evaluator mirrors Jayway's tokens (PropertyPathToken,
 * WildcardPathToken, ArrayIndexToken, ArraySliceToken, PredicatePathToken,
 * ScanPathToken), including their quirks, each noted where it is
 * implemented.  Jayway's PathNotFoundException is swallowed by Psoxy, and
 * it can only be thrown before a path has branched, so "not found"
 * simply means "no match" here.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "error.h"
#include "json.h"
#include "jsonpath.h"

#define MAX_FILTER_NESTING 64
#define INDEX_MIN (-2147483647LL - 1) /* Jayway indexes are Java ints */
#define INDEX_MAX 2147483647LL

/* --- the compiled form ----------------------------------------------- */

enum step_kind {
	STEP_NAMES, /* .a ['a'] ['a','b'] */
	STEP_WILDCARD, /* .* [*] */
	STEP_INDEXES, /* [0] [0,-1] */
	STEP_SLICE, /* [a:b] [a:] [:b] */
	STEP_FILTER, /* [?(...)] */
	STEP_SCAN /* .. (always followed by another step) */
};

/* A property name, decoded. */
struct name {
	const char *s;
	size_t n;
};

enum op {
	OP_EQ,
	OP_NE,
	OP_TSEQ,
	OP_TSNE,
	OP_LT,
	OP_LE,
	OP_GT,
	OP_GE,
	OP_RE,
	OP_IN,
	OP_NIN
};

enum opd_kind {
	OPD_PATH, /* @ followed by names and indexes */
	OPD_STRING,
	OPD_NUMBER, /* s holds the literal's text */
	OPD_TRUE,
	OPD_FALSE,
	OPD_NULL,
	OPD_LIST, /* [literal, ...], only after in and nin */
	OPD_REGEX
};

/* One segment of a filter path: .name, ['name'] or [n]. */
struct fseg {
	int is_index;
	struct name name;
	long long index;
};

/* An operand of a filter comparison. */
struct operand {
	enum opd_kind kind;
	const char *s; /* string bytes or number text */
	size_t n;
	const struct fseg *segs; /* path */
	size_t nsegs;
	const struct operand *items; /* list */
	size_t nitems;
	pcre2_code *re; /* regex, owned by the path's regex list */
};

enum fx_kind { FX_OR, FX_AND, FX_NOT, FX_EXISTS, FX_CMP };

/* A node of a filter expression. */
struct fexpr {
	enum fx_kind kind;
	const struct fexpr *a, *b; /* OR, AND: both; NOT: a */
	enum op op; /* CMP */
	struct operand l, r; /* CMP: both; EXISTS: l, a path */
	int want; /* EXISTS: 1 for @.x, 0 for !@.x */
};

/* One step of a path. */
struct step {
	enum step_kind kind;
	int definite; /* Jayway's isTokenDefinite */
	int upstream_definite; /* every step before this one is definite */
	const struct name *names; /* NAMES */
	const long long *indexes; /* INDEXES */
	size_t n; /* how many names or indexes */
	int has_from, has_to; /* SLICE */
	long long from, to;
	const struct fexpr *filter; /* FILTER */
};

/* A compiled regex, chained so that the path can free them all. */
struct regex {
	pcre2_code *code;
	struct regex *next;
};

struct sanitize_jsonpath {
	struct zp_arena arena; /* steps, names, filters */
	const struct step *steps;
	size_t n;
	struct regex *regexes;
};

/* --- compiler: helpers ----------------------------------------------- */

/* A vector growing in the path's arena while compiling. */
struct vec {
	void *v;
	size_t n;
	size_t cap;
};

/* Compiler state: the expression and where reading is. */
struct parser {
	const char *s;
	size_t pos;
	size_t end; /* trailing whitespace excluded */
	struct sanitize_jsonpath *p;
	struct sanitize_jsonpath_error *err;
	int nesting; /* of filter parentheses and '!' */
};

/* fail records reason at offset at and returns ZP_EPARSE. */
static int
fail(struct parser *ps, size_t at, const char *reason)
{
	if (ps->err != NULL) {
		ps->err->offset = at;
		snprintf(
		    ps->err->reason, sizeof(ps->err->reason), "%s", reason);
	}
	return ZP_EPARSE;
}

/* nomem records an allocation failure and returns ZP_ENOMEM. */
static int
nomem(struct parser *ps)
{
	fail(ps, ps->pos, "out of memory");
	return ZP_ENOMEM;
}

/* push appends room for one element of size sz to v, or returns NULL. */
static void *
push(struct parser *ps, struct vec *v, size_t sz)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 4;
		void *nv = zp_arena_alloc(&ps->p->arena, cap * sz);

		if (nv == NULL)
			return NULL;
		if (v->n > 0)
			memcpy(nv, v->v, v->n * sz);
		v->v = nv;
		v->cap = cap;
	}
	return (char *)v->v + sz * v->n++;
}

/* is_ws tells whether c is whitespace as Jayway trims it. */
static int
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* peek returns the byte at the read position, or -1 at the end. */
static int
peek(const struct parser *ps)
{
	return ps->pos < ps->end ? (unsigned char)ps->s[ps->pos] : -1;
}

/* skip_ws moves past whitespace and returns the next byte or -1. */
static int
skip_ws(struct parser *ps)
{
	while (ps->pos < ps->end && is_ws((unsigned char)ps->s[ps->pos]))
		ps->pos++;
	return peek(ps);
}

/* expect skips whitespace and then c, or fails with reason. */
static int
expect(struct parser *ps, int c, const char *reason)
{
	if (skip_ws(ps) != c)
		return fail(ps, ps->pos, reason);
	ps->pos++;
	return 0;
}

/* hex4 decodes four hex digits at s, or returns -1. */
static long
hex4(const char *s)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		int c = (unsigned char)s[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* put_utf8 writes code point cp to out and returns the bytes written. */
static size_t
put_utf8(char *out, long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * read_u decodes the \uXXXX escape whose 'u' is at ps->pos (and a low
 * surrogate escape after a high one) into out; returns bytes or -1.
 */
static long
read_u(struct parser *ps, char *out)
{
	const char *s = ps->s;
	long hi, lo;

	if (ps->end - ps->pos < 5 || (hi = hex4(s + ps->pos + 1)) < 0)
		return -1;
	ps->pos += 5;
	if (hi >= 0xDC00 && hi <= 0xDFFF)
		return -1;
	if (hi < 0xD800 || hi > 0xDBFF)
		return (long)put_utf8(out, hi);
	if (ps->end - ps->pos < 6 || s[ps->pos] != '\\' ||
	    s[ps->pos + 1] != 'u' || (lo = hex4(s + ps->pos + 2)) < 0xDC00 ||
	    lo > 0xDFFF)
		return -1;
	ps->pos += 6;
	return (long)put_utf8(
	    out, 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00));
}

/* escape_char maps the byte after a backslash to what it stands for. */
static int
escape_char(int c)
{
	switch (c) {
	case '\'':
	case '"':
	case '\\':
	case '/': return c;
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	default: return -1;
	}
}

/* closing_quote returns the offset of the quote q that ends the string
 * starting at from (backslash escapes skipped), or end. */
static size_t
closing_quote(const struct parser *ps, size_t from, char q)
{
	size_t i;

	for (i = from; i < ps->end && ps->s[i] != q; i++)
		if (ps->s[i] == '\\')
			i++;
	return i < ps->end ? i : ps->end;
}

/*
 * parse_quoted reads the string quoted by the byte at ps->pos, decoding
 * the escapes \' \" \\ \/ \b \f \n \r \t and \uXXXX into out.
 */
static int
parse_quoted(struct parser *ps, struct name *out)
{
	size_t start = ps->pos++;
	size_t close = closing_quote(ps, ps->pos, ps->s[start]);
	char *buf = zp_arena_alloc(&ps->p->arena, close - ps->pos + 1);
	size_t n = 0;

	if (close == ps->end)
		return fail(ps, start, "unterminated string");
	if (buf == NULL)
		return nomem(ps);
	while (ps->pos < close) {
		size_t at = ps->pos;
		int c = (unsigned char)ps->s[ps->pos++], e;
		long k;

		if (c != '\\') {
			buf[n++] = (char)c;
			continue;
		}
		if (ps->s[ps->pos] == 'u') {
			if ((k = read_u(ps, buf + n)) < 0)
				return fail(ps, at, "bad \\u escape");
			n += (size_t)k;
			continue;
		}
		if ((e = escape_char((unsigned char)ps->s[ps->pos])) < 0)
			return fail(ps, at, "bad escape");
		buf[n++] = (char)e;
		ps->pos++;
	}
	ps->pos++;
	out->s = buf;
	out->n = n;
	return 0;
}

/* parse_int reads an optional '-' and digits as a Java int. */
static int
parse_int(struct parser *ps, long long *out)
{
	size_t start = ps->pos;
	int neg = 0;
	long long v = 0;

	if (peek(ps) == '-') {
		neg = 1;
		ps->pos++;
	}
	if (peek(ps) < '0' || peek(ps) > '9')
		return fail(ps, start, "bad index");
	while (peek(ps) >= '0' && peek(ps) <= '9') {
		v = v * 10 + (ps->s[ps->pos++] - '0');
		if (v > INDEX_MAX + 1)
			return fail(ps, start, "index out of range");
	}
	v = neg ? -v : v;
	if (v < INDEX_MIN || v > INDEX_MAX)
		return fail(ps, start, "index out of range");
	*out = v;
	return 0;
}

/* new_step appends a step of kind to steps and returns it, or NULL. */
static struct step *
new_step(struct parser *ps, struct vec *steps, enum step_kind kind)
{
	struct step *st = push(ps, steps, sizeof(*st));

	if (st != NULL) {
		memset(st, 0, sizeof(*st));
		st->kind = kind;
	}
	return st;
}

/* --- compiler: filters ----------------------------------------------- */

static int parse_or(struct parser *ps, const struct fexpr **out);

/* new_fexpr allocates a zeroed filter node of kind, or returns NULL. */
static struct fexpr *
new_fexpr(struct parser *ps, enum fx_kind kind)
{
	struct fexpr *e = zp_arena_alloc(&ps->p->arena, sizeof(*e));

	if (e != NULL) {
		memset(e, 0, sizeof(*e));
		e->kind = kind;
	}
	return e;
}

/* is_fname_end tells whether c ends a .name inside a filter path. */
static int
is_fname_end(int c)
{
	return c <= 0 || is_ws(c) || strchr(".[]()<>=~!&|,", c) != NULL;
}

/* is_opchar tells whether c can be part of a symbolic operator. */
static int
is_opchar(int c)
{
	return c > 0 && strchr("<>=~!", c) != NULL;
}

/* is_alpha tells whether c is an ASCII letter. */
static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* parse_fseg_bracket reads ['name'] or [n] of a filter path. */
static int
parse_fseg_bracket(struct parser *ps, struct fseg *sg)
{
	int c, rc;

	ps->pos++;
	c = skip_ws(ps);
	if (c == '\'' || c == '"')
		rc = parse_quoted(ps, &sg->name);
	else if (c == '-' || (c >= '0' && c <= '9')) {
		sg->is_index = 1;
		rc = parse_int(ps, &sg->index);
	} else
		return fail(ps, ps->pos,
		    "filter paths only take ['name'] or [n] in brackets");
	if (rc != 0)
		return rc;
	c = skip_ws(ps);
	if (c == ',' || c == ':')
		return fail(ps, ps->pos,
		    "filter paths take one name or index per bracket");
	return expect(ps, ']', "expected ']'");
}

/* parse_fseg_name reads the name of a .name segment of a filter path. */
static int
parse_fseg_name(struct parser *ps, struct fseg *sg)
{
	size_t start = ps->pos;

	if (peek(ps) == '.')
		return fail(
		    ps, start, "deep scan is not supported in filters");
	if (peek(ps) == '*')
		return fail(
		    ps, start, "wildcards are not supported in filters");
	while (!is_fname_end(peek(ps)))
		ps->pos++;
	if (ps->pos == start)
		return fail(ps, start, "expected a property name");
	if (peek(ps) == '(')
		return fail(ps, start, "functions are not supported");
	sg->name.s = ps->s + start;
	sg->name.n = ps->pos - start;
	return 0;
}

/* parse_fpath reads @ and its .name, ['name'] and [n] segments. */
static int
parse_fpath(struct parser *ps, struct operand *o)
{
	struct vec segs = {NULL, 0, 0};
	int rc = 0;

	ps->pos++;
	while (rc == 0 && (peek(ps) == '.' || peek(ps) == '[')) {
		struct fseg *sg = push(ps, &segs, sizeof(*sg));

		if (sg == NULL)
			return nomem(ps);
		memset(sg, 0, sizeof(*sg));
		if (peek(ps) == '[') {
			rc = parse_fseg_bracket(ps, sg);
			continue;
		}
		ps->pos++;
		if (peek(ps) == '[')
			rc = parse_fseg_bracket(ps, sg);
		else
			rc = parse_fseg_name(ps, sg);
	}
	o->kind = OPD_PATH;
	o->segs = segs.v;
	o->nsegs = segs.n;
	return rc;
}

/* parse_number reads a JSON number literal, kept as text. */
static int
parse_number(struct parser *ps, struct operand *o)
{
	size_t start = ps->pos, digits;

	if (peek(ps) == '-')
		ps->pos++;
	digits = ps->pos;
	while (peek(ps) >= '0' && peek(ps) <= '9')
		ps->pos++;
	if (ps->pos == digits)
		return fail(ps, start, "bad number");
	if (peek(ps) == '.') {
		digits = ++ps->pos;
		while (peek(ps) >= '0' && peek(ps) <= '9')
			ps->pos++;
		if (ps->pos == digits)
			return fail(ps, start, "bad number");
	}
	if (peek(ps) == 'e' || peek(ps) == 'E') {
		ps->pos++;
		if (peek(ps) == '+' || peek(ps) == '-')
			ps->pos++;
		digits = ps->pos;
		while (peek(ps) >= '0' && peek(ps) <= '9')
			ps->pos++;
		if (ps->pos == digits)
			return fail(ps, start, "bad number");
	}
	o->kind = OPD_NUMBER;
	o->s = ps->s + start;
	o->n = ps->pos - start;
	return 0;
}

/* parse_word reads true, false or null. */
static int
parse_word(struct parser *ps, struct operand *o)
{
	static const struct {
		const char *w;
		enum opd_kind kind;
	} words[] = {
	    {"true", OPD_TRUE}, {"false", OPD_FALSE}, {"null", OPD_NULL}};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i].w);

		if (ps->end - ps->pos >= n &&
		    memcmp(ps->s + ps->pos, words[i].w, n) == 0) {
			ps->pos += n;
			o->kind = words[i].kind;
			return 0;
		}
	}
	return fail(ps, ps->pos, "expected a value");
}

/* parse_literal reads a string, number, true, false or null. */
static int
parse_literal(struct parser *ps, struct operand *o)
{
	int c = skip_ws(ps);
	struct name nm;
	int rc;

	if (c == '\'' || c == '"') {
		if ((rc = parse_quoted(ps, &nm)) != 0)
			return rc;
		o->kind = OPD_STRING;
		o->s = nm.s;
		o->n = nm.n;
		return 0;
	}
	if (c == '-' || (c >= '0' && c <= '9'))
		return parse_number(ps, o);
	if (c == 't' || c == 'f' || c == 'n')
		return parse_word(ps, o);
	return fail(ps, ps->pos, "expected a value");
}

/* parse_list reads a list literal [v, ...] of scalar literals. */
static int
parse_list(struct parser *ps, struct operand *o)
{
	struct vec items = {NULL, 0, 0};
	int rc, c;

	ps->pos++;
	o->kind = OPD_LIST;
	if (skip_ws(ps) == ']') {
		ps->pos++;
		return 0;
	}
	for (;;) {
		struct operand *it = push(ps, &items, sizeof(*it));

		if (it == NULL)
			return nomem(ps);
		memset(it, 0, sizeof(*it));
		c = skip_ws(ps);
		if (c == '[' || c == '{' || c == '@')
			return fail(ps, ps->pos,
			    "list literals only hold strings, numbers, "
			    "true, false and null");
		if ((rc = parse_literal(ps, it)) != 0)
			return rc;
		o->items = items.v;
		o->nitems = items.n;
		c = skip_ws(ps);
		ps->pos++;
		if (c == ']')
			return 0;
		if (c != ',')
			return fail(ps, ps->pos - 1, "expected ',' or ']'");
	}
}

/* remember chains code to the path's regexes so that it gets freed. */
static int
remember(struct parser *ps, pcre2_code *code)
{
	struct regex *r = zp_arena_alloc(&ps->p->arena, sizeof(*r));

	if (r == NULL) {
		pcre2_code_free(code);
		return nomem(ps);
	}
	r->code = code;
	r->next = ps->p->regexes;
	ps->p->regexes = r;
	return 0;
}

/*
 * regex_flags maps Java Pattern flags to PCRE2 options: i m s x as
 * usual, U to Unicode classes, u (Unicode case) to nothing since UTF mode
 * folds Unicode already, d (Unix lines) to LF as the only line end.
 */
static int
regex_flags(struct parser *ps, uint32_t *opts, uint32_t *newline)
{
	for (;;) {
		switch (peek(ps)) {
		case 'i': *opts |= PCRE2_CASELESS; break;
		case 'm': *opts |= PCRE2_MULTILINE; break;
		case 's': *opts |= PCRE2_DOTALL; break;
		case 'x': *opts |= PCRE2_EXTENDED; break;
		case 'U': *opts |= PCRE2_UCP; break;
		case 'u': break;
		case 'd': *newline = PCRE2_NEWLINE_LF; break;
		default:
			if (is_alpha(peek(ps)))
				return fail(ps, ps->pos, "unknown regex flag");
			return 0;
		}
		ps->pos++;
	}
}

/* compile_regex compiles pattern s[0..n) (at offset at) with PCRE2. */
static int
compile_regex(struct parser *ps, const char *s, size_t n, size_t at,
    uint32_t opts, uint32_t newline, pcre2_code **out)
{
	pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
	PCRE2_UCHAR msg[120];
	PCRE2_SIZE off = 0;
	int code = 0;
	char reason[160];

	if (cc == NULL)
		return nomem(ps);
	pcre2_set_newline(cc, newline);
	/* Java's matches(): the whole string must match. */
	*out = pcre2_compile((PCRE2_SPTR)s, n,
	    opts | PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED, &code, &off,
	    cc);
	pcre2_compile_context_free(cc);
	if (*out != NULL)
		return remember(ps, *out);
	if (code == PCRE2_ERROR_NOMEMORY)
		return nomem(ps);
	pcre2_get_error_message(code, msg, sizeof(msg));
	snprintf(reason, sizeof(reason), "bad regex: %s", (char *)msg);
	return fail(ps, at + (off < n ? off : n), reason);
}

/* parse_regex reads /pattern/flags, the pattern ending at an unescaped /. */
static int
parse_regex(struct parser *ps, struct operand *o)
{
	size_t start = ps->pos, body = ps->pos + 1, i;
	uint32_t opts = 0, newline = PCRE2_NEWLINE_ANYCRLF;
	int rc;

	for (i = body; i < ps->end && ps->s[i] != '/'; i++)
		if (ps->s[i] == '\\')
			i++;
	if (i >= ps->end)
		return fail(ps, start, "unterminated regex");
	ps->pos = i + 1;
	if ((rc = regex_flags(ps, &opts, &newline)) != 0)
		return rc;
	o->kind = OPD_REGEX;
	return compile_regex(
	    ps, ps->s + body, i - body, body, opts, newline, &o->re);
}

/*
 * parse_value reads one operand.  A '!' before an @ path is accepted and
 * reported in *bang: Jayway uses it only when the path stands alone
 * (!@.x, "x is missing") and ignores it before a comparison.
 */
static int
parse_value(struct parser *ps, struct operand *o, int *bang)
{
	int c = skip_ws(ps);

	*bang = 0;
	if (c == '!') {
		ps->pos++;
		c = skip_ws(ps);
		if (c != '@' && c != '$')
			return fail(
			    ps, ps->pos, "expected an @ path after '!'");
		*bang = 1;
	}
	switch (c) {
	case '@': return parse_fpath(ps, o);
	case '$':
		return fail(ps, ps->pos,
		    "root references ($) in filters are not supported");
	case '/': return parse_regex(ps, o);
	case '[': return parse_list(ps, o);
	case '{':
		return fail(ps, ps->pos, "object literals are not supported");
	default: return parse_literal(ps, o);
	}
}

/* op_from_text maps an operator's text to an op, or returns -1. */
static int
op_from_text(const char *s, size_t n)
{
	static const struct {
		const char *text;
		enum op op;
	} ops[] = {{"==", OP_EQ}, {"!=", OP_NE}, {"===", OP_TSEQ},
	    {"!==", OP_TSNE}, {"<", OP_LT}, {"<=", OP_LE}, {">", OP_GT},
	    {">=", OP_GE}, {"=~", OP_RE}, {"in", OP_IN}, {"nin", OP_NIN}};
	size_t i, k;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strlen(ops[i].text) != n)
			continue;
		for (k = 0; k < n; k++)
			if ((s[k] | 0x20) != ops[i].text[k])
				break;
		if (k == n)
			return (int)ops[i].op;
	}
	return -1;
}

/*
 * parse_op reads a relational operator: a run of < > = ~ ! or a word
 * (in, nin, any case).  *op is -1 when no operator follows.
 */
static int
parse_op(struct parser *ps, int *op)
{
	int c = skip_ws(ps);
	size_t start = ps->pos;

	*op = -1;
	if (is_opchar(c)) {
		while (is_opchar(peek(ps)))
			ps->pos++;
	} else if (is_alpha(c)) {
		while (is_alpha(peek(ps)))
			ps->pos++;
	} else
		return 0;
	*op = op_from_text(ps->s + start, ps->pos - start);
	if (*op < 0)
		return fail(ps, start, "unsupported filter operator");
	return 0;
}

/* check_cmp rejects operand kinds that op cannot use (Jayway: false). */
static int
check_cmp(struct parser *ps, const struct fexpr *e, size_t at, size_t rat)
{
	int lre = e->l.kind == OPD_REGEX, rre = e->r.kind == OPD_REGEX;

	if (e->op == OP_RE && lre == rre)
		return fail(ps, at, "=~ needs a /regex/ on one side");
	if (e->op != OP_RE && (lre || rre))
		return fail(ps, at, "a /regex/ only goes with =~");
	if (e->l.kind == OPD_LIST)
		return fail(
		    ps, at, "a list literal only goes after in or nin");
	if (e->op != OP_IN && e->op != OP_NIN && e->r.kind == OPD_LIST)
		return fail(
		    ps, rat, "a list literal only goes after in or nin");
	if ((e->op == OP_IN || e->op == OP_NIN) && e->r.kind != OPD_LIST &&
	    e->r.kind != OPD_PATH)
		return fail(ps, rat,
		    "in and nin need a list or an @ path on the right");
	return 0;
}

/* parse_relational reads "value op value" or a lone path (existence). */
static int
parse_relational(struct parser *ps, const struct fexpr **out)
{
	struct fexpr *e = new_fexpr(ps, FX_CMP);
	size_t at, rat;
	int bang, op, rc;

	if (e == NULL)
		return nomem(ps);
	at = ps->pos;
	if ((rc = parse_value(ps, &e->l, &bang)) != 0 ||
	    (rc = parse_op(ps, &op)) != 0)
		return rc;
	if (op < 0) {
		if (e->l.kind != OPD_PATH)
			return fail(
			    ps, at, "a literal needs an operator in a filter");
		e->kind = FX_EXISTS;
		e->want = !bang;
		*out = e;
		return 0;
	}
	e->op = (enum op)op;
	rat = (skip_ws(ps), ps->pos);
	if ((rc = parse_value(ps, &e->r, &bang)) != 0 ||
	    (rc = check_cmp(ps, e, at, rat)) != 0)
		return rc;
	*out = e;
	return 0;
}

/*
 * parse_operand reads '!' operand, '(' or-expression ')' or a relational
 * expression.  A '!' right before an @ path belongs to the path (Jayway's
 * readLogicalANDOperand).
 */
static int
parse_operand(struct parser *ps, const struct fexpr **out)
{
	int c = skip_ws(ps), rc;
	size_t save = ps->pos;
	struct fexpr *e;

	if (c != '!' && c != '(')
		return parse_relational(ps, out);
	if (++ps->nesting > MAX_FILTER_NESTING)
		return fail(ps, ps->pos, "filter nested too deeply");
	ps->pos++;
	if (c == '!') {
		c = skip_ws(ps);
		if (c == '@' || c == '$') {
			ps->pos = save;
			rc = parse_relational(ps, out);
		} else if ((e = new_fexpr(ps, FX_NOT)) == NULL) {
			rc = nomem(ps);
		} else if ((rc = parse_operand(ps, &e->a)) == 0)
			*out = e;
	} else if ((rc = parse_or(ps, out)) == 0)
		rc = expect(ps, ')', "expected ')'");
	ps->nesting--;
	return rc;
}

/* parse_chain reads operands joined by the two-byte operator tok. */
static int
parse_chain(struct parser *ps, const char *tok, enum fx_kind kind,
    const struct fexpr **out)
{
	int rc = kind == FX_OR ? parse_chain(ps, "&&", FX_AND, out)
			       : parse_operand(ps, out);

	while (rc == 0 && skip_ws(ps) == tok[0] && ps->end - ps->pos >= 2 &&
	    ps->s[ps->pos + 1] == tok[1]) {
		struct fexpr *e = new_fexpr(ps, kind);

		if (e == NULL)
			return nomem(ps);
		ps->pos += 2;
		e->a = *out;
		rc = kind == FX_OR ? parse_chain(ps, "&&", FX_AND, &e->b)
				   : parse_operand(ps, &e->b);
		*out = e;
	}
	return rc;
}

/* parse_or reads a || chain of && chains of operands. */
static int
parse_or(struct parser *ps, const struct fexpr **out)
{
	return parse_chain(ps, "||", FX_OR, out);
}

/* parse_filter reads ?(expression)] after '[' (Jayway's [?(...)]). */
static int
parse_filter(struct parser *ps, struct vec *steps)
{
	struct step *st;
	int rc;

	ps->pos++;
	if (skip_ws(ps) == ']')
		return fail(
		    ps, ps->pos, "filter placeholders [?] are not supported");
	if ((rc = expect(ps, '(', "expected '(' after '[?'")) != 0)
		return rc;
	if ((st = new_step(ps, steps, STEP_FILTER)) == NULL)
		return nomem(ps);
	if ((rc = parse_or(ps, &st->filter)) != 0 ||
	    (rc = expect(ps, ')', "expected ')'")) != 0)
		return rc;
	return expect(ps, ']', "expected ']' after the filter");
}

/* --- compiler: steps ------------------------------------------------- */

/* parse_names reads 'a' or 'a', 'b' ... ] with the same quotes. */
static int
parse_names(struct parser *ps, struct vec *steps)
{
	struct vec names = {NULL, 0, 0};
	char q = ps->s[ps->pos];
	struct step *st;
	int rc, c;

	for (;;) {
		struct name *nm = push(ps, &names, sizeof(*nm));

		if (nm == NULL)
			return nomem(ps);
		if ((rc = parse_quoted(ps, nm)) != 0)
			return rc;
		c = skip_ws(ps);
		if (c == ']')
			break;
		if (c != ',')
			return fail(ps, ps->pos, "expected ',' or ']'");
		ps->pos++;
		if (skip_ws(ps) != q)
			return fail(ps, ps->pos,
			    "expected a name in the same quotes after ','");
	}
	ps->pos++;
	if ((st = new_step(ps, steps, STEP_NAMES)) == NULL)
		return nomem(ps);
	st->names = names.v;
	st->n = names.n;
	return 0;
}

/* parse_slice reads the rest of [from:to] once from (if any) is read. */
static int
parse_slice(struct parser *ps, struct step *st)
{
	size_t colon = ps->pos;
	int c;

	ps->pos++;
	c = skip_ws(ps);
	if (c == '-' || (c >= '0' && c <= '9')) {
		int rc = parse_int(ps, &st->to);

		if (rc != 0)
			return rc;
		st->has_to = 1;
	}
	c = skip_ws(ps);
	if (c == ':')
		return fail(ps, ps->pos, "slice steps are not supported");
	if (!st->has_from && !st->has_to)
		return fail(ps, colon, "empty slice");
	return expect(ps, ']', "expected ']'");
}

/* parse_indexes reads n, n, ... ] or a slice a:b ] after '['. */
static int
parse_indexes(struct parser *ps, struct vec *steps)
{
	struct vec idx = {NULL, 0, 0};
	struct step *st = new_step(ps, steps, STEP_INDEXES);
	long long v = 0;
	int rc, c;

	if (st == NULL)
		return nomem(ps);
	if (peek(ps) != ':') {
		if ((rc = parse_int(ps, &v)) != 0)
			return rc;
		st->has_from = 1;
		st->from = v;
	}
	if (skip_ws(ps) == ':') {
		st->kind = STEP_SLICE;
		return parse_slice(ps, st);
	}
	for (;;) {
		long long *slot = push(ps, &idx, sizeof(*slot));

		if (slot == NULL)
			return nomem(ps);
		*slot = v;
		st->indexes = idx.v;
		st->n = idx.n;
		c = skip_ws(ps);
		ps->pos++;
		if (c == ']')
			return 0;
		if (c != ',')
			return fail(ps, ps->pos - 1, "expected ',' or ']'");
		skip_ws(ps);
		if ((rc = parse_int(ps, &v)) != 0)
			return rc;
	}
}

/* parse_bracket reads a [...] step; ps->pos is at '['. */
static int
parse_bracket(struct parser *ps, struct vec *steps)
{
	size_t at = ps->pos++;
	int c = skip_ws(ps);

	if (c == '\'' || c == '"')
		return parse_names(ps, steps);
	if (c == '*') {
		ps->pos++;
		if (new_step(ps, steps, STEP_WILDCARD) == NULL)
			return nomem(ps);
		return expect(ps, ']', "expected ']' after '*'");
	}
	if (c == '?')
		return parse_filter(ps, steps);
	if (c == '-' || c == ':' || (c >= '0' && c <= '9'))
		return parse_indexes(ps, steps);
	if (c == ']')
		return fail(ps, at, "empty brackets");
	if (c < 0)
		return fail(ps, at, "unterminated '['");
	return fail(ps, ps->pos,
	    "expected a quoted name, '*', '?(' or an index after '['");
}

/* parse_dot_name reads the name of .name up to '.', '[' or the end. */
static int
parse_dot_name(struct parser *ps, struct vec *steps)
{
	size_t start = ps->pos;
	struct step *st;
	struct name *nm;
	int c;

	while ((c = peek(ps)) >= 0 && c != '.' && c != '[' && c != '(') {
		if (is_ws(c))
			return fail(ps, ps->pos,
			    "whitespace in a property name: use ['...']");
		ps->pos++;
	}
	if (c == '(')
		return fail(ps, start, "functions are not supported");
	st = new_step(ps, steps, STEP_NAMES);
	nm = zp_arena_alloc(&ps->p->arena, sizeof(*nm));
	if (st == NULL || nm == NULL)
		return nomem(ps);
	nm->s = ps->s + start;
	nm->n = ps->pos - start;
	st->names = nm;
	st->n = 1;
	return 0;
}

/* parse_dot reads .x or ..x, where x is a name, *, or a [...] step. */
static int
parse_dot(struct parser *ps, struct vec *steps)
{
	size_t at = ps->pos;

	if (ps->end - ps->pos >= 2 && ps->s[ps->pos + 1] == '.') {
		if (new_step(ps, steps, STEP_SCAN) == NULL)
			return nomem(ps);
		ps->pos += 2;
		if (ps->pos == ps->end)
			return fail(ps, at, "path must not end with '..'");
	} else if (++ps->pos == ps->end)
		return fail(ps, at, "path must not end with '.'");
	switch (ps->s[ps->pos]) {
	case '.': return fail(ps, ps->pos, "unexpected '.'");
	case '[': return parse_bracket(ps, steps);
	case '*':
		ps->pos++;
		return new_step(ps, steps, STEP_WILDCARD) ? 0 : nomem(ps);
	default: return parse_dot_name(ps, steps);
	}
}

/* mark_definite fills in Jayway's definiteness of every step. */
static void
mark_definite(struct step *st, size_t n)
{
	size_t i;
	int up = 1;

	for (i = 0; i < n; i++) {
		switch (st[i].kind) {
		case STEP_NAMES:
			/* A leaf ['a','b'] is merged into one result. */
			st[i].definite = st[i].n == 1 || i + 1 == n;
			break;
		case STEP_INDEXES: st[i].definite = st[i].n == 1; break;
		default: st[i].definite = 0; break;
		}
		st[i].upstream_definite = up;
		up = up && st[i].definite;
	}
}

/* parse_path reads a whole expression into ps->p. */
static int
parse_path(struct parser *ps)
{
	struct vec steps = {NULL, 0, 0};
	int rc = 0;

	while (ps->pos < ps->end && is_ws((unsigned char)ps->s[ps->pos]))
		ps->pos++;
	while (ps->end > ps->pos && is_ws((unsigned char)ps->s[ps->end - 1]))
		ps->end--;
	if (ps->pos == ps->end)
		return fail(ps, ps->pos, "empty path");
	if (ps->s[ps->pos] != '$')
		return fail(ps, ps->pos, "path must start with '$'");
	ps->pos++;
	while (rc == 0 && ps->pos < ps->end) {
		if (ps->s[ps->pos] == '.')
			rc = parse_dot(ps, &steps);
		else if (ps->s[ps->pos] == '[')
			rc = parse_bracket(ps, &steps);
		else
			rc = fail(ps, ps->pos, "expected '.' or '['");
	}
	if (rc != 0)
		return rc;
	mark_definite(steps.v, steps.n);
	ps->p->steps = steps.v;
	ps->p->n = steps.n;
	return 0;
}

/* sanitize_jsonpath_compile compiles len bytes at expr. */
int
sanitize_jsonpath_compile(const char *expr, size_t len,
    struct sanitize_jsonpath **out, struct sanitize_jsonpath_error *err)
{
	struct parser ps;
	struct sanitize_jsonpath *p;
	int rc;

	*out = NULL;
	if (err != NULL) {
		err->offset = 0;
		err->reason[0] = '\0';
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return ZP_ENOMEM;
	p->arena.block_size = 1024; /* paths are small; start small */
	memset(&ps, 0, sizeof(ps));
	ps.s = expr;
	ps.end = len;
	ps.p = p;
	ps.err = err;
	rc = parse_path(&ps);
	if (rc != 0) {
		sanitize_jsonpath_free(&p);
		return rc;
	}
	*out = p;
	return 0;
}

/* sanitize_jsonpath_free frees *p and clears it. */
void
sanitize_jsonpath_free(struct sanitize_jsonpath **pp)
{
	struct sanitize_jsonpath *p = pp != NULL ? *pp : NULL;
	struct regex *r;

	if (p == NULL)
		return;
	for (r = p->regexes; r != NULL; r = r->next)
		pcre2_code_free(r->code);
	zp_arena_release(&p->arena);
	free(p);
	*pp = NULL;
}

/* sanitize_jsonpath_check compiles path and reports why it is bad. */
int
sanitize_jsonpath_check(const char *path, struct zp_buf *why, void *arg)
{
	struct sanitize_jsonpath *p = NULL;
	struct sanitize_jsonpath_error err;
	int rc = sanitize_jsonpath_compile(path, strlen(path), &p, &err);

	(void)arg;
	sanitize_jsonpath_free(&p);
	if (rc != 0 && why != NULL)
		zp_buf_printf(
		    why, "at offset %zu: %s", err.offset, err.reason);
	return rc;
}

/* sanitize_jsonpath_is_definite tells whether p matches one place at most. */
int
sanitize_jsonpath_is_definite(const struct sanitize_jsonpath *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!p->steps[i].definite)
			return 0;
	return 1;
}

/* --- filter values --------------------------------------------------- */

/* What an operand stands for on one item (Jayway's ValueNode kinds). */
enum vkind { V_UNDEF, V_NULL, V_BOOL, V_NUM, V_STR, V_JSON, V_LIST };

/* A filter value: a literal or a node found by an @ path. */
struct val {
	enum vkind k;
	const char *s; /* V_STR bytes, V_NUM text */
	size_t n;
	int b; /* V_BOOL */
	const struct zp_json *j; /* V_JSON: an object or array */
	const struct operand *lit; /* V_LIST */
};

/* last_member returns the last value named nm in object v (Jackson keeps
 * the last of duplicate keys), or NULL. */
static const struct zp_json *
last_member(const struct zp_json *v, const struct name *nm)
{
	size_t i;

	for (i = v->n; i-- > 0;) {
		const struct zp_json *k = &v->u.members[i].key;

		if (k->n == nm->n && memcmp(k->u.s, nm->s, nm->n) == 0)
			return &v->u.members[i].value;
	}
	return NULL;
}

/* resolve follows the segments of an @ path from item, or gives NULL. */
static const struct zp_json *
resolve(const struct operand *o, const struct zp_json *item)
{
	size_t i;

	for (i = 0; item != NULL && i < o->nsegs; i++) {
		const struct fseg *sg = &o->segs[i];
		long long k;

		if (!sg->is_index) {
			item = item->type == ZP_JSON_OBJECT
			    ? last_member(item, &sg->name)
			    : NULL;
			continue;
		}
		if (item->type != ZP_JSON_ARRAY)
			return NULL;
		k = sg->index < 0 ? (long long)item->n + sg->index : sg->index;
		item = k >= 0 && k < (long long)item->n ? &item->u.items[k]
							: NULL;
	}
	return item;
}

/* node_val describes DOM node v (NULL: undefined) as a filter value. */
static struct val
node_val(const struct zp_json *v)
{
	struct val r;

	memset(&r, 0, sizeof(r));
	if (v == NULL)
		return r;
	switch (v->type) {
	case ZP_JSON_NULL: r.k = V_NULL; break;
	case ZP_JSON_TRUE:
	case ZP_JSON_FALSE:
		r.k = V_BOOL;
		r.b = v->type == ZP_JSON_TRUE;
		break;
	case ZP_JSON_NUMBER:
	case ZP_JSON_STRING:
		r.k = v->type == ZP_JSON_NUMBER ? V_NUM : V_STR;
		r.s = v->u.s;
		r.n = v->n;
		break;
	default: r.k = V_JSON; r.j = v;
	}
	return r;
}

/* operand_val evaluates operand o on item. */
static struct val
operand_val(const struct operand *o, const struct zp_json *item)
{
	struct val r;

	memset(&r, 0, sizeof(r));
	switch (o->kind) {
	case OPD_PATH: return node_val(resolve(o, item));
	case OPD_STRING:
	case OPD_NUMBER:
		r.k = o->kind == OPD_STRING ? V_STR : V_NUM;
		r.s = o->s;
		r.n = o->n;
		return r;
	case OPD_TRUE:
	case OPD_FALSE:
		r.k = V_BOOL;
		r.b = o->kind == OPD_TRUE;
		return r;
	case OPD_NULL: r.k = V_NULL; return r;
	case OPD_LIST:
		r.k = V_LIST;
		r.lit = o;
		return r;
	default: return r; /* regexes are handled by the =~ operator */
	}
}

/* --- filter comparisons ---------------------------------------------- */

/*
 * A decimal number read from text, compared like Java's BigDecimal:
 * digits are the mantissa with at most one '.', mag the power of ten of
 * the first non-zero digit.
 */
struct dec {
	int neg;
	const char *m;
	size_t mn;
	size_t first; /* index of the first non-zero digit; mn if zero */
	long long mag;
};

/* dec_digits scans [+-]digits[.digits] at s and returns its length. */
static size_t
dec_digits(const char *s, size_t n, struct dec *d, size_t *point)
{
	size_t i = 0, nd = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		d->neg = s[i++] == '-';
	d->m = s + i;
	*point = SIZE_MAX;
	for (; i < n; i++) {
		if (s[i] == '.' && *point == SIZE_MAX)
			*point = (size_t)(s + i - d->m);
		else if (s[i] >= '0' && s[i] <= '9')
			nd++;
		else
			break;
	}
	d->mn = (size_t)(s + i - d->m);
	return nd > 0 ? i : 0;
}

/* dec_exponent reads [eE][+-]digits at s (saturating); -1 if malformed. */
static int
dec_exponent(const char *s, size_t n, long long *e)
{
	size_t i = 1;
	int neg = 0;

	*e = 0;
	if (n == 0)
		return 0;
	if (s[0] != 'e' && s[0] != 'E')
		return -1;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (i == n)
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (*e < 1000000000000LL)
			*e = *e * 10 + (s[i] - '0');
	}
	*e = neg ? -*e : *e;
	return 0;
}

/* dec_parse reads a BigDecimal-style number; 0 or -1 if not a number. */
static int
dec_parse(const char *s, size_t n, struct dec *d)
{
	size_t point, len, i;
	long long e;

	memset(d, 0, sizeof(*d));
	if ((len = dec_digits(s, n, d, &point)) == 0 ||
	    dec_exponent(s + len, n - len, &e) != 0)
		return -1;
	if (point == SIZE_MAX)
		point = d->mn;
	for (i = 0; i < d->mn && (d->m[i] == '0' || d->m[i] == '.'); i++)
		;
	d->first = i;
	if (i < d->mn)
		d->mag = (i < point ? (long long)(point - i) - 1
				    : (long long)point - (long long)i) +
		    e;
	return 0;
}

/* dec_next returns the next digit of d from *i, or 0 past the end. */
static int
dec_next(const struct dec *d, size_t *i)
{
	if (*i < d->mn && d->m[*i] == '.')
		(*i)++;
	if (*i >= d->mn)
		return 0;
	return d->m[(*i)++] - '0';
}

/* dec_cmp compares two decimals by value: <0, 0 or >0. */
static int
dec_cmp(const struct dec *a, const struct dec *b)
{
	int az = a->first == a->mn, bz = b->first == b->mn, sign, c = 0;
	size_t i = a->first, j = b->first;

	if (az || bz) {
		if (az && bz)
			return 0;
		return az ? (b->neg ? 1 : -1) : (a->neg ? -1 : 1);
	}
	if (a->neg != b->neg)
		return a->neg ? -1 : 1;
	sign = a->neg ? -1 : 1;
	if (a->mag != b->mag)
		return a->mag < b->mag ? -sign : sign;
	while (c == 0 && (i < a->mn || j < b->mn))
		c = dec_next(a, &i) - dec_next(b, &j);
	return c * sign;
}

/* num_cmp compares two number texts; *ok is 0 if one is not a number. */
static int
num_cmp(const char *a, size_t an, const char *b, size_t bn, int *ok)
{
	struct dec x, y;

	*ok = dec_parse(a, an, &x) == 0 && dec_parse(b, bn, &y) == 0;
	return *ok ? dec_cmp(&x, &y) : 0;
}

/* utf8_len is the length of the UTF-8 sequence that lead byte c starts
 * (1 for a byte that starts none, which is then taken as it is). */
static int
utf8_len(int c)
{
	if (c >= 0xF0)
		return 4;
	if (c >= 0xE0)
		return 3;
	if (c >= 0xC0)
		return 2;
	return 1;
}

/* utf16_next yields the next UTF-16 code unit of s, as Java sees it. */
static int
utf16_next(const unsigned char *s, size_t n, size_t *i, int *low)
{
	long cp;
	int k, len;

	if (*low) {
		k = *low;
		*low = 0;
		return k;
	}
	cp = s[*i];
	len = utf8_len(s[*i]);
	if (*i + (size_t)len > n)
		len = 1;
	if (len > 1)
		cp &= 0x3F >> (len - 1);
	for (k = 1; k < len; k++)
		cp = (cp << 6) | (s[*i + k] & 0x3F);
	*i += (size_t)len;
	if (cp < 0x10000)
		return (int)cp;
	*low = (int)(0xDC00 + ((cp - 0x10000) & 0x3FF));
	return (int)(0xD800 + ((cp - 0x10000) >> 10));
}

/* str_cmp compares UTF-8 strings in Java's order (by UTF-16 units). */
static int
str_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;
	size_t i = 0, j = 0;
	int xl = 0, yl = 0;

	while ((i < an || xl) && (j < bn || yl)) {
		int c =
		    utf16_next(x, an, &i, &xl) - utf16_next(y, bn, &j, &yl);

		if (c != 0)
			return c;
	}
	return (i < an || xl) - (j < bn || yl);
}

static int json_equal(const struct zp_json *a, const struct zp_json *b);

/* is_float tells whether number text is written with a fraction or an
 * exponent (Jackson reads it as a Double, otherwise as an integer). */
static int
is_float(const char *s, size_t n)
{
	return memchr(s, '.', n) || memchr(s, 'e', n) || memchr(s, 'E', n);
}

/* num_equal compares DOM numbers as Java's Integer/Long/Double.equals. */
static int
num_equal(const struct zp_json *a, const struct zp_json *b)
{
	char x[64], y[64];
	double dx, dy;
	int ok;

	if (is_float(a->u.s, a->n) != is_float(b->u.s, b->n))
		return 0;
	if (!is_float(a->u.s, a->n))
		return num_cmp(a->u.s, a->n, b->u.s, b->n, &ok) == 0 && ok;
	if (a->n >= sizeof(x) || b->n >= sizeof(y))
		return a->n == b->n && memcmp(a->u.s, b->u.s, a->n) == 0;
	memcpy(x, a->u.s, a->n);
	x[a->n] = '\0';
	memcpy(y, b->u.s, b->n);
	y[b->n] = '\0';
	dx = strtod(x, NULL);
	dy = strtod(y, NULL);
	return dx == dy && signbit(dx) == signbit(dy);
}

/* object_equal compares objects as Java maps: same keys, equal values. */
static int
object_equal(const struct zp_json *a, const struct zp_json *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		const struct zp_json *k = &a->u.members[i].key;
		const struct name nm = {k->u.s, k->n};
		const struct zp_json *v = last_member(b, &nm);

		if (v == NULL || !json_equal(last_member(a, &nm), v))
			return 0;
	}
	return 1;
}

/* json_equal compares two DOM values as Java's equals on Jackson's
 * parse would. */
static int
json_equal(const struct zp_json *a, const struct zp_json *b)
{
	size_t i;

	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case ZP_JSON_NUMBER: return num_equal(a, b);
	case ZP_JSON_STRING:
		return a->n == b->n && memcmp(a->u.s, b->u.s, a->n) == 0;
	case ZP_JSON_ARRAY:
		if (a->n != b->n)
			return 0;
		for (i = 0; i < a->n; i++)
			if (!json_equal(&a->u.items[i], &b->u.items[i]))
				return 0;
		return 1;
	case ZP_JSON_OBJECT: return object_equal(a, b);
	default: return 1;
	}
}

/*
 * val_eq is Jayway's left.equals(right): a string equals a number whose
 * text it is; a number equals a string or number of the same decimal
 * value (so '1.0' == 1 is false but 1 == '1.0' is true); booleans and
 * nulls only equal their kind; undefined equals nothing.
 */
static int
val_eq(const struct val *l, const struct val *r)
{
	int ok, c;

	if (l->k == V_JSON && r->k == V_JSON)
		return json_equal(l->j, r->j);
	switch (l->k) {
	case V_STR:
		return (r->k == V_STR || r->k == V_NUM) && l->n == r->n &&
		    memcmp(l->s, r->s, l->n) == 0;
	case V_NUM:
		if (r->k != V_NUM && r->k != V_STR)
			return 0;
		c = num_cmp(l->s, l->n, r->s, r->n, &ok);
		return ok && c == 0;
	case V_BOOL: return r->k == V_BOOL && l->b == r->b;
	case V_NULL: return r->k == V_NULL;
	default: return 0;
	}
}

/* val_order compares for < <= > >=; *ok is 0 when Jayway says false. */
static int
val_order(const struct val *l, const struct val *r, int *ok)
{
	*ok = 1;
	if (l->k == V_NUM && r->k == V_NUM)
		return num_cmp(l->s, l->n, r->s, r->n, ok);
	if ((l->k == V_STR || l->k == V_NUM) &&
	    (r->k == V_STR || r->k == V_NUM))
		return str_cmp(l->s, l->n, r->s, r->n);
	*ok = 0;
	return 0;
}

/*
 * val_in tells whether l equals an element of list r: 1 yes, 0 no, -1
 * when r is neither a list nor an array (Jayway throws, and the whole
 * filter is false).
 */
static int
val_in(const struct val *l, const struct val *r)
{
	size_t i;

	if (r->k == V_LIST) {
		for (i = 0; i < r->lit->nitems; i++) {
			struct val e = operand_val(&r->lit->items[i], NULL);

			if (val_eq(l, &e))
				return 1;
		}
		return 0;
	}
	if (r->k != V_JSON)
		return -1;
	if (r->j->type != ZP_JSON_ARRAY)
		return 0;
	for (i = 0; i < r->j->n; i++) {
		struct val e = node_val(&r->j->u.items[i]);

		if (val_eq(l, &e))
			return 1;
	}
	return 0;
}

/* same_kind is the class test of === and !==. */
static int
same_kind(const struct val *l, const struct val *r)
{
	return l->k == r->k;
}

/*
 * regex_match applies re to what Jayway matches: a string, a number's
 * text, "true"/"false", or "" for anything else (null, missing,
 * containers).  1 match, 0 none.
 */
static int
regex_match(pcre2_code *re, const struct val *v, pcre2_match_data *md)
{
	const char *s = "";
	size_t n = 0;

	if (v->k == V_STR || v->k == V_NUM) {
		s = v->s;
		n = v->n;
	} else if (v->k == V_BOOL) {
		s = v->b ? "true" : "false";
		n = strlen(s);
	}
	return pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, NULL) >= 0;
}

/* cmp_eval evaluates comparison e on item: 1, 0 or -1 (abort). */
static int
cmp_eval(
    const struct fexpr *e, const struct zp_json *item, pcre2_match_data *md)
{
	struct val l = operand_val(&e->l, item), r = operand_val(&e->r, item);
	int c, ok, in;

	switch (e->op) {
	case OP_EQ: return val_eq(&l, &r);
	case OP_NE: return !val_eq(&l, &r);
	case OP_TSEQ: return same_kind(&l, &r) && val_eq(&l, &r);
	case OP_TSNE: return !(same_kind(&l, &r) && val_eq(&l, &r));
	case OP_RE:
		return e->l.kind == OPD_REGEX ? regex_match(e->l.re, &r, md)
					      : regex_match(e->r.re, &l, md);
	case OP_IN:
	case OP_NIN:
		if ((in = val_in(&l, &r)) < 0)
			return -1;
		return e->op == OP_IN ? in : !in;
	default: break;
	}
	c = val_order(&l, &r, &ok);
	if (!ok)
		return 0;
	switch (e->op) {
	case OP_LT: return c < 0;
	case OP_LE: return c <= 0;
	case OP_GT: return c > 0;
	default: return c >= 0;
	}
}

/*
 * fx_eval evaluates filter e with @ = item: 1 true, 0 false, -1 when
 * Jayway would throw inside the predicate (the item is then rejected).
 * && and || stop early, so a later throw is never reached.
 */
static int
fx_eval(
    const struct fexpr *e, const struct zp_json *item, pcre2_match_data *md)
{
	int a;

	switch (e->kind) {
	case FX_OR:
	case FX_AND:
		a = fx_eval(e->a, item, md);
		if (a < 0 || a == (e->kind == FX_OR))
			return a;
		return fx_eval(e->b, item, md);
	case FX_NOT: return (a = fx_eval(e->a, item, md)) < 0 ? a : !a;
	case FX_EXISTS: return (resolve(&e->l, item) != NULL) == e->want;
	default: return cmp_eval(e, item, md);
	}
}

/* --- evaluation ------------------------------------------------------ */

/* Where a value sits: slot index of parent, at nesting depth. */
struct loc {
	struct zp_json *parent;
	size_t index;
	size_t depth;
};

/* Evaluation state of one sanitize_jsonpath_eval. */
struct ev {
	const struct sanitize_jsonpath *p;
	struct sanitize_jsonpath_matches *m;
	pcre2_match_data *md;
};

static int run(
    struct ev *ev, size_t i, struct zp_json *node, struct loc loc, size_t nd);

/* keeps tells whether filter step st keeps item (an abort is a no). */
static int
keeps(struct ev *ev, const struct step *st, const struct zp_json *item)
{
	return fx_eval(st->filter, item, ev->md) > 0;
}

/* add_match records node, found at loc. */
static int
add_match(struct ev *ev, struct zp_json *node, struct loc loc)
{
	struct sanitize_jsonpath_matches *m = ev->m;

	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		struct sanitize_jsonpath_match *v =
		    realloc(m->v, cap * sizeof(*v));

		if (v == NULL)
			return ZP_ENOMEM;
		m->v = v;
		m->cap = cap;
	}
	m->v[m->n].parent = loc.parent;
	m->v[m->n].index = loc.index;
	m->v[m->n].depth = loc.depth;
	m->v[m->n].value = node;
	m->n++;
	return 0;
}

/* child returns slot k of container node. */
static struct zp_json *
child(struct zp_json *node, size_t k)
{
	return node->type == ZP_JSON_OBJECT ? &node->u.members[k].value
					    : &node->u.items[k];
}

/* descend runs step i+1 on slot k of container node (at depth nd). */
static int
descend(struct ev *ev, size_t i, struct zp_json *node, size_t k, size_t nd)
{
	struct loc loc = {node, k, nd + 1};

	return run(ev, i + 1, child(node, k), loc, nd + 1);
}

/* key_is tells whether member k of object v is named nm. */
static int
key_is(const struct zp_json *v, size_t k, const struct name *nm)
{
	const struct zp_json *key = &v->u.members[k].key;

	return key->n == nm->n && memcmp(key->u.s, nm->s, nm->n) == 0;
}

/*
 * step_names: each listed name present in an object, in list order (a
 * duplicated key at each of its places); anything but an object, or a
 * missing name, matches nothing.
 */
static int
step_names(struct ev *ev, size_t i, struct zp_json *node, size_t nd)
{
	const struct step *st = &ev->p->steps[i];
	size_t j, k;
	int rc = 0;

	if (node->type != ZP_JSON_OBJECT)
		return 0;
	for (j = 0; rc == 0 && j < st->n; j++)
		for (k = 0; rc == 0 && k < node->n; k++)
			if (key_is(node, k, &st->names[j]))
				rc = descend(ev, i, node, k, nd);
	return rc;
}

/* step_wildcard: every member value of an object, every array item. */
static int
step_wildcard(struct ev *ev, size_t i, struct zp_json *node, size_t nd)
{
	size_t k;
	int rc = 0;

	if (node->type != ZP_JSON_OBJECT && node->type != ZP_JSON_ARRAY)
		return 0;
	for (k = 0; rc == 0 && k < node->n; k++)
		rc = descend(ev, i, node, k, nd);
	return rc;
}

/* array_at runs step i+1 on item k of array node, k < 0 counting from
 * the end; an index out of range matches nothing. */
static int
array_at(struct ev *ev, size_t i, struct zp_json *node, long long k, size_t nd)
{
	long long len = (long long)node->n;

	if (k < 0)
		k += len;
	if (k < 0 || k >= len)
		return 0;
	return descend(ev, i, node, (size_t)k, nd);
}

/* step_indexes: the listed items of an array, in list order. */
static int
step_indexes(struct ev *ev, size_t i, struct zp_json *node, size_t nd)
{
	const struct step *st = &ev->p->steps[i];
	size_t j;
	int rc = 0;

	if (node->type != ZP_JSON_ARRAY)
		return 0;
	for (j = 0; rc == 0 && j < st->n; j++)
		rc = array_at(ev, i, node, st->indexes[j], nd);
	return rc;
}

/*
 * step_slice follows ArraySliceToken: [a:] and [:b] count a negative
 * bound from the end; [a:b] does not adjust a negative a or b, but each
 * index it walks that is negative counts from the end, so [-2:3] on five
 * items gives 3, 4, 0, 1, 2 and [1:-1] gives nothing.
 */
static int
step_slice(struct ev *ev, size_t i, struct zp_json *node, size_t nd)
{
	const struct step *st = &ev->p->steps[i];
	long long len = (long long)node->n, from = st->from, to = st->to, k;
	int rc = 0;

	if (node->type != ZP_JSON_ARRAY || len == 0)
		return 0;
	if (!st->has_to) {
		from = from < 0 ? len + from : from;
		from = from < 0 ? 0 : from;
		to = len;
	} else if (!st->has_from) {
		from = 0;
		to = to < 0 ? len + to : to;
		to = to > len ? len : to;
	} else {
		to = to > len ? len : to;
		from =
		    from < -len ? -len : from; /* skips what is out of range */
	}
	for (k = from; rc == 0 && k < to; k++)
		rc = array_at(ev, i, node, k, nd);
	return rc;
}

/*
 * step_filter: on an object the filter tests the object itself, which
 * stays where it is; on an array it tests each item.  On a scalar Jayway
 * throws when every step before was definite, and otherwise skips it.
 */
static int
step_filter(
    struct ev *ev, size_t i, struct zp_json *node, struct loc loc, size_t nd)
{
	const struct step *st = &ev->p->steps[i];
	size_t k;
	int rc = 0;

	if (node->type == ZP_JSON_OBJECT)
		return keeps(ev, st, node) ? run(ev, i + 1, node, loc, nd) : 0;
	if (node->type != ZP_JSON_ARRAY)
		return st->upstream_definite ? ZP_EINVAL : 0;
	for (k = 0; rc == 0 && k < node->n; k++)
		if (keeps(ev, st, &node->u.items[k]))
			rc = descend(ev, i, node, k, nd);
	return rc;
}

/*
 * scan_wants is ScanPathToken's predicate for the step j after "..": an
 * object holding the name (all the names for a last ['a','b']; any
 * object for a ['a','b'] that is not last), an array for an index or
 * slice, anything for a wildcard, what the filter accepts for a filter.
 */
static int
scan_wants(struct ev *ev, size_t j, struct zp_json *node)
{
	const struct step *st = &ev->p->steps[j];
	size_t a, k;

	switch (st->kind) {
	case STEP_NAMES:
		if (node->type != ZP_JSON_OBJECT)
			return 0;
		if (st->n > 1 && j + 1 < ev->p->n)
			return 1;
		for (a = 0; a < st->n; a++) {
			for (k = 0; k < node->n; k++)
				if (key_is(node, k, &st->names[a]))
					break;
			if (k == node->n)
				return 0;
		}
		return 1;
	case STEP_INDEXES:
	case STEP_SLICE: return node->type == ZP_JSON_ARRAY;
	case STEP_FILTER: return keeps(ev, st, node);
	default: return 1;
	}
}

/*
 * scan_here runs the step j after ".." on node if it wants node.  When
 * node is an array and the step after ".." wants the array and is not the
 * last, Jayway skips it and runs the step after it on every item, at the
 * array's own place (a quirk: $..[*][?(@.x)] matches the array).
 */
static int
scan_here(
    struct ev *ev, size_t j, struct zp_json *node, struct loc loc, size_t nd)
{
	size_t k;
	int rc = 0;

	if (!scan_wants(ev, j, node))
		return 0;
	if (node->type == ZP_JSON_OBJECT || j + 1 == ev->p->n)
		return run(ev, j, node, loc, nd);
	for (k = 0; rc == 0 && k < node->n; k++)
		rc = run(ev, j + 1, &node->u.items[k], loc, nd + 1);
	return rc;
}

/*
 * scan walks node and its subtree for "..": the node first, then its
 * members in order or items in order, parents before children.
 */
static int
scan(struct ev *ev, size_t j, struct zp_json *node, struct loc loc, size_t nd)
{
	size_t k;
	int rc;

	if (node->type != ZP_JSON_OBJECT && node->type != ZP_JSON_ARRAY)
		return 0;
	rc = scan_here(ev, j, node, loc, nd);
	for (k = 0; rc == 0 && k < node->n; k++) {
		struct loc cl = {node, k, nd + 1};

		rc = scan(ev, j, child(node, k), cl, nd + 1);
	}
	return rc;
}

/* run applies steps i.. to node, which sits at loc and depth nd. */
static int
run(struct ev *ev, size_t i, struct zp_json *node, struct loc loc, size_t nd)
{
	if (i == ev->p->n)
		return add_match(ev, node, loc);
	switch (ev->p->steps[i].kind) {
	case STEP_NAMES: return step_names(ev, i, node, nd);
	case STEP_WILDCARD: return step_wildcard(ev, i, node, nd);
	case STEP_INDEXES: return step_indexes(ev, i, node, nd);
	case STEP_SLICE: return step_slice(ev, i, node, nd);
	case STEP_FILTER: return step_filter(ev, i, node, loc, nd);
	default: return scan(ev, i + 1, node, loc, nd);
	}
}

/* has_regex tells whether any filter of p holds a regex. */
static int
has_regex(const struct sanitize_jsonpath *p)
{
	return p->regexes != NULL;
}

/* sanitize_jsonpath_eval lists every match of p in root. */
int
sanitize_jsonpath_eval(const struct sanitize_jsonpath *p, struct zp_json *root,
    struct sanitize_jsonpath_matches *m)
{
	struct ev ev = {p, m, NULL};
	struct loc top = {NULL, 0, 0};
	int rc;

	m->n = 0;
	if (has_regex(p) && (ev.md = pcre2_match_data_create(1, NULL)) == NULL)
		return ZP_ENOMEM;
	rc = run(&ev, 0, root, top, 0);
	pcre2_match_data_free(ev.md);
	if (rc != 0)
		m->n = 0;
	return rc;
}

/* --- map and delete -------------------------------------------------- */

/*
 * by_place orders matches for changing the document: deepest slot first,
 * then by container, then highest index first, then evaluation order.
 * A change then never moves or replaces a slot a later change uses.
 */
static int
by_place(const void *x, const void *y)
{
	const struct sanitize_jsonpath_match *a = x, *b = y;
	uintptr_t pa = (uintptr_t)a->parent, pb = (uintptr_t)b->parent;

	if (a->depth != b->depth)
		return a->depth > b->depth ? -1 : 1;
	if (pa != pb)
		return pa < pb ? -1 : 1;
	if (a->index != b->index)
		return a->index > b->index ? -1 : 1;
	return 0;
}

/*
 * prepare evaluates p and sorts the matches by place.  Matches that
 * compare equal are the same place, so the order among them is moot.
 */
static int
prepare(const struct sanitize_jsonpath *p, struct zp_json *root,
    struct sanitize_jsonpath_matches *m, int moves)
{
	size_t i;
	int rc = sanitize_jsonpath_eval(p, root, m), mixed = 0;

	if (rc != 0)
		return rc;
	for (i = 0; i < m->n; i++) {
		if (m->v[i].parent == NULL)
			return ZP_EINVAL;
		mixed |= m->v[i].depth != m->v[0].depth;
	}
	/* Replacing values in place moves no slot; only a match inside
	 * another (a deeper one) must go first.  Deleting moves slots: the
	 * full order then. */
	if (m->n > 1 && (moves || mixed))
		qsort(m->v, m->n, sizeof(m->v[0]), by_place);
	return 0;
}

/* sanitize_jsonpath_slot returns the slot of m now, or NULL. */
struct zp_json *
sanitize_jsonpath_slot(const struct sanitize_jsonpath_match *m)
{
	const struct zp_json *p = m->parent;

	if (p == NULL ||
	    (p->type != ZP_JSON_OBJECT && p->type != ZP_JSON_ARRAY))
		return NULL;
	if (m->index >= p->n)
		return NULL;
	return child(m->parent, m->index);
}

/* sanitize_jsonpath_map calls fn on every matched slot, deepest first. */
int
sanitize_jsonpath_map(const struct sanitize_jsonpath *p, struct zp_json *root,
    struct sanitize_jsonpath_matches *m, sanitize_jsonpath_fn fn, void *arg)
{
	size_t i;
	int rc = prepare(p, root, m, 0);

	for (i = 0; rc == 0 && i < m->n; i++) {
		struct zp_json *slot = sanitize_jsonpath_slot(&m->v[i]);

		if (slot != NULL)
			rc = fn(slot, arg);
	}
	return rc;
}

/* remove_slot deletes slot k of container c, moving the rest down. */
static void
remove_slot(struct zp_json *c, size_t k)
{
	if (c->type == ZP_JSON_OBJECT)
		memmove(&c->u.members[k], &c->u.members[k + 1],
		    (c->n - k - 1) * sizeof(c->u.members[0]));
	else
		memmove(&c->u.items[k], &c->u.items[k + 1],
		    (c->n - k - 1) * sizeof(c->u.items[0]));
	c->n--;
}

/* sanitize_jsonpath_delete removes every matched member or item. */
int
sanitize_jsonpath_delete(const struct sanitize_jsonpath *p,
    struct zp_json *root, struct sanitize_jsonpath_matches *m)
{
	size_t i;
	int rc = prepare(p, root, m, 1);

	for (i = 0; rc == 0 && i < m->n; i++) {
		const struct sanitize_jsonpath_match *x = &m->v[i];

		/* Jayway removes a key by name: twice is once.  An array
		 * item is removed by index: twice removes the next one. */
		if (i > 0 && x->parent == m->v[i - 1].parent &&
		    x->index == m->v[i - 1].index &&
		    x->parent->type == ZP_JSON_OBJECT)
			continue;
		if (sanitize_jsonpath_slot(x) != NULL)
			remove_slot(x->parent, x->index);
	}
	return rc;
}

/* sanitize_jsonpath_matches_release frees m's list and empties it. */
void
sanitize_jsonpath_matches_release(struct sanitize_jsonpath_matches *m)
{
	free(m->v);
	m->v = NULL;
	m->n = 0;
	m->cap = 0;
}
