/*
 * json.h - zoompipe's own JSON: a strict streaming tokenizer, a read-only
 * DOM built from it in an arena, and a compact writer.
 *
 * Strict RFC 8259: UTF-8 is validated, \u escapes are decoded with their
 * surrogate pairs (a lone surrogate is an error), numbers keep their
 * original text so that a 19-digit meeting id survives byte-exact, and
 * duplicate object keys are kept in their order.  Errors name the byte
 * offset and the reason.
 *
 * Ownership: a DOM borrows the source text (unescaped strings and every
 * number point into it) and lives in the caller's arena, so both must
 * outlive the DOM.  Nothing in a DOM is freed singly.
 */
#ifndef ZP_JSON_H
#define ZP_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"

#define ZP_JSON_DEFAULT_DEPTH 512
#define ZP_JSON_MAX_DEPTH 4096

/* Where and why a document was rejected. */
struct zp_json_error {
	size_t offset; /* byte offset of the offending input */
	const char *reason; /* static English text */
};

/* --- tokenizer ------------------------------------------------------- */

enum zp_tok {
	ZP_TOK_ERROR = -1,
	ZP_TOK_END = 0, /* the document ended cleanly */
	ZP_TOK_OBJ_BEGIN,
	ZP_TOK_OBJ_END,
	ZP_TOK_ARR_BEGIN,
	ZP_TOK_ARR_END,
	ZP_TOK_KEY,
	ZP_TOK_STRING,
	ZP_TOK_NUMBER,
	ZP_TOK_TRUE,
	ZP_TOK_FALSE,
	ZP_TOK_NULL
};

/*
 * A pull tokenizer over one complete document in memory.  Each call to
 * zp_json_next validates and returns the next token; start and len give its
 * bytes (for strings and keys the content between the quotes, still
 * escaped), and raw_start the offset of its first byte (the quote, the
 * bracket).  The tokenizer borrows src and allocates nothing.
 */
struct zp_json_tok {
	const char *src;
	size_t len;
	size_t pos;
	size_t start; /* offset of the token's content */
	size_t tlen; /* length of the token's content */
	size_t raw_start; /* offset of the token's first byte */
	int escaped; /* string or key contains backslash escapes */
	int verbatim; /* string can be written back byte for byte */
	int state;
	int depth;
	int max_depth;
	int code; /* ZP_EPARSE or ZP_EDEPTH after ZP_TOK_ERROR */
	struct zp_json_error err;
	uint8_t stack[ZP_JSON_MAX_DEPTH / 8]; /* one bit per level: object? */
};

/* zp_json_tok_init starts tokenizing len bytes at src. */
void zp_json_tok_init(
    struct zp_json_tok *t, const char *src, size_t len, int max_depth);

/* zp_json_next returns the next token, ZP_TOK_END, or ZP_TOK_ERROR. */
enum zp_tok zp_json_next(struct zp_json_tok *t);

/*
 * zp_json_skip finishes the value whose first token tok was just returned
 * (skipping a whole container); it returns 0 or ZP_EPARSE/ZP_EDEPTH.
 */
int zp_json_skip(struct zp_json_tok *t, enum zp_tok tok);

/*
 * zp_json_unescape decodes the validated string content raw[0..n) into out,
 * which must hold n bytes, and returns the decoded length.
 */
size_t zp_json_unescape(const char *raw, size_t n, char *out);

/*
 * zp_json_skip_shallow is zp_json_skip that checks only the value's
 * structure: brackets nest and match, strings end.  UTF-8, escapes,
 * numbers and literals inside are not checked, which is for a caller
 * that parses the value with zp_json_parse afterwards (that checks them
 * all) and does not want it read twice.
 */
int zp_json_skip_shallow(struct zp_json_tok *t, enum zp_tok tok);

/* zp_json_validate checks a whole document; 0, ZP_EPARSE or ZP_EDEPTH. */
int zp_json_validate(const char *src, size_t len, struct zp_json_error *err);

/* --- DOM ------------------------------------------------------------- */

enum zp_json_type {
	ZP_JSON_NULL,
	ZP_JSON_FALSE,
	ZP_JSON_TRUE,
	ZP_JSON_NUMBER,
	ZP_JSON_STRING,
	ZP_JSON_ARRAY,
	ZP_JSON_OBJECT
};

struct zp_json_member;

/*
 * One value.  Strings hold their decoded bytes (not NUL-terminated);
 * numbers their source text; arrays n items; objects n members.
 */
struct zp_json {
	uint8_t type;
	uint8_t plain; /* string: bytes can be written without escaping */
	size_t n; /* string/number: bytes; array/object: entries */
	union {
		const char *s;
		struct zp_json *items;
		struct zp_json_member *members;
	} u;
};

/* One object entry; key is always a ZP_JSON_STRING. */
struct zp_json_member {
	struct zp_json key;
	struct zp_json value;
};

/* Reusable parser state: scratch stacks survive between documents. */
struct zp_json_parser {
	struct zp_arena *arena; /* borrowed; receives every node */
	struct zp_json *scratch;
	size_t top;
	size_t cap;
	size_t frames[ZP_JSON_MAX_DEPTH + 1];
	int max_depth;
	struct zp_json_error err;
};

/* zp_json_parser_init prepares p to build DOMs in arena a. */
void zp_json_parser_init(struct zp_json_parser *p, struct zp_arena *a);

/*
 * zp_json_parse builds the DOM of src[0..len) into p's arena and stores its
 * root in *out.  Returns 0, ZP_EPARSE, ZP_EDEPTH or ZP_ENOMEM; p->err says
 * where on a parse error.
 */
int zp_json_parse(struct zp_json_parser *p, const char *src, size_t len,
    struct zp_json **out);

/* zp_json_parser_release frees the scratch stacks (not the arena). */
void zp_json_parser_release(struct zp_json_parser *p);

/* zp_json_get returns the first member named key of object v, or NULL. */
const struct zp_json *zp_json_get(const struct zp_json *v, const char *key);

/* zp_json_is_str tells whether v is the string s. */
int zp_json_is_str(const struct zp_json *v, const char *s);

/* --- writer ---------------------------------------------------------- */

/* zp_json_write appends the compact serialization of v to out. */
int zp_json_write(struct zp_buf *out, const struct zp_json *v);

/*
 * zp_json_write_string appends s[0..n) as a quoted JSON string.  Invalid
 * UTF-8 is replaced with U+FFFD so the output is always valid JSON.
 */
int zp_json_write_string(struct zp_buf *out, const char *s, size_t n);

/*
 * A streaming writer of compact JSON: it inserts commas and colons, so the
 * caller only says what comes next.  It borrows out.
 */
struct zp_jw {
	struct zp_buf *out;
	int depth;
	int err;
	uint8_t need_comma[ZP_JSON_DEFAULT_DEPTH];
	char closer[ZP_JSON_DEFAULT_DEPTH];
};

void zp_jw_init(struct zp_jw *w, struct zp_buf *out);
void zp_jw_object(struct zp_jw *w);
void zp_jw_array(struct zp_jw *w);
/* zp_jw_end closes the innermost open object or array. */
void zp_jw_end(struct zp_jw *w);
void zp_jw_key(struct zp_jw *w, const char *key);
void zp_jw_str(struct zp_jw *w, const char *s);
void zp_jw_strn(struct zp_jw *w, const char *s, size_t n);
void zp_jw_int(struct zp_jw *w, long long v);
void zp_jw_bool(struct zp_jw *w, int v);
void zp_jw_null(struct zp_jw *w);
/* zp_jw_raw writes n bytes of already valid JSON as one value. */
void zp_jw_raw(struct zp_jw *w, const char *json, size_t n);
/* zp_jw_finish returns 0 or the first error any call met. */
int zp_jw_finish(struct zp_jw *w);

#endif
