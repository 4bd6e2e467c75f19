/*
 * jsonpath.h - the JSONPath dialect of Psoxy's rules (Jayway JsonPath
 * 2.9.0 with default options, RULES-SPEC section 4), compiled once and
 * evaluated on our arena DOM, so that a transform can replace every
 * matched value in place or delete it.
 *
 * Supported: $, .name, ['a'] and ['a','b'] (also after '.' and '..'),
 * .* and [*], ..name and ..['a','b'] and ..* and ..[...], [n], [n,m]
 * (negative counts from the end), [a:b] [a:] [:b], and filters [?(...)]
 * with ==, !=, ===, !==, <, <=, >, >=, =~ /re/flags, in, nin, &&, ||, !,
 * parentheses and existence tests (@.a, !@.a).  Filter operands are @
 * paths made of .name, ['name'] and [n], literals ('s', "s", numbers,
 * true, false, null) and, after in/nin, a list literal ['a', 1].
 * Functions, $ inside filters, [?] placeholders, slice steps and a path
 * not starting with $ are rejected when compiling.
 *
 * Matching follows Jayway (see jsonpath.c for each rule): a missing key,
 * a type mismatch or an empty array matches nothing; ..x visits the node
 * itself, then its subtree, parents first; ..['a','b'] only counts an
 * object holding all of a and b.  A key that appears twice in an object
 * is matched at both places, so redact and pseudonymize reach every copy.
 *
 * Ownership: a compiled path owns all its memory and is read-only, so it
 * may be shared by threads.  Matches point into the caller's DOM; they
 * borrow it and go stale once it changes.
 */
#ifndef ZP_SANITIZE_JSONPATH_H
#define ZP_SANITIZE_JSONPATH_H

#include <stddef.h>

#include "buf.h"
#include "json.h"

struct sanitize_jsonpath;

/* Where and why an expression was rejected. */
struct sanitize_jsonpath_error {
	size_t offset; /* byte offset into the expression as given */
	char reason[160]; /* English text, NUL-terminated */
};

/*
 * One place a path matched: the value in slot index of parent, an object
 * (index counts members) or an array.  parent is NULL when the match is
 * the root itself.  depth is the nesting depth of the slot (the root's is
 * 0, its members' 1).  value is the value found while evaluating.
 */
struct sanitize_jsonpath_match {
	struct zp_json *parent;
	size_t index;
	size_t depth;
	struct zp_json *value;
};

/* A reusable, growable list of matches; v is malloc'd and owned. */
struct sanitize_jsonpath_matches {
	struct sanitize_jsonpath_match *v;
	size_t n;
	size_t cap;
};

#define SANITIZE_JSONPATH_MATCHES_INIT                                        \
	{                                                                     \
		NULL, 0, 0                                                    \
	}

/*
 * sanitize_jsonpath_compile compiles len bytes at expr (surrounding
 * whitespace is ignored).  Returns 0 and a new path in *out, which the
 * caller frees with sanitize_jsonpath_free; ZP_EPARSE with err filled
 * (when err is not NULL) for a bad expression; ZP_ENOMEM.  On failure
 * *out is NULL.  expr is borrowed.
 */
int sanitize_jsonpath_compile(const char *expr, size_t len,
    struct sanitize_jsonpath **out, struct sanitize_jsonpath_error *err);

/* sanitize_jsonpath_free frees *p and clears it; NULL is fine. */
void sanitize_jsonpath_free(struct sanitize_jsonpath **p);

/*
 * sanitize_jsonpath_check compiles the NUL-terminated path and frees it
 * again: 0 when it compiles, else ZP_EPARSE (or ZP_ENOMEM) with
 * "at offset N: reason" appended to why.  arg is unused.  Its shape is
 * that of sanitize_rules_options.check_path.
 */
int sanitize_jsonpath_check(const char *path, struct zp_buf *why, void *arg);

/*
 * sanitize_jsonpath_is_definite tells whether p can match at most one
 * place (Jayway's "definite": no scan, wildcard, filter, slice, index list
 * or multi-name step before the last one).
 */
int sanitize_jsonpath_is_definite(const struct sanitize_jsonpath *p);

/*
 * sanitize_jsonpath_eval empties m and appends every match of p in root,
 * in Jayway's evaluation order, without duplicates removed.  Returns 0
 * (also when nothing matched); ZP_EINVAL where Jayway throws an error
 * that fails the whole response (a filter applied to a scalar at a
 * definite position, such as $.a[?(@.b)] with a a string); ZP_ENOMEM.
 * root is borrowed and not changed.
 */
int sanitize_jsonpath_eval(const struct sanitize_jsonpath *p,
    struct zp_json *root, struct sanitize_jsonpath_matches *m);

/*
 * A map function: it may overwrite *slot with a new value whose memory
 * outlives the document (the document's arena, or static).  A string it
 * writes may set plain to 0 to have the writer escape it.  It returns 0
 * or a ZP_E* code that stops the map.
 */
typedef int (*sanitize_jsonpath_fn)(struct zp_json *slot, void *arg);

/*
 * sanitize_jsonpath_map evaluates p on root (using m as scratch) and
 * calls fn once per match, deepest first, so that a match inside another
 * is seen before its container changes; a place matched twice is passed
 * twice (Psoxy transforms it twice).  Returns 0; an evaluation error or
 * ZP_EINVAL when $ itself matched (Jayway refuses to map the root), with
 * the document unchanged; or the first error of fn, which stops the map
 * with the earlier calls' changes made.
 */
int sanitize_jsonpath_map(const struct sanitize_jsonpath *p,
    struct zp_json *root, struct sanitize_jsonpath_matches *m,
    sanitize_jsonpath_fn fn, void *arg);

/*
 * sanitize_jsonpath_delete evaluates p on root (using m as scratch) and
 * removes every matched object member or array item, deepest first and
 * highest index first, in place.  Like Jayway, a key matched twice is
 * removed once and an array item matched twice removes the next item too.
 * Returns 0, an evaluation error, or ZP_EINVAL when $ itself matched (the
 * document is then unchanged).
 */
int sanitize_jsonpath_delete(const struct sanitize_jsonpath *p,
    struct zp_json *root, struct sanitize_jsonpath_matches *m);

/*
 * sanitize_jsonpath_slot returns the slot match m refers to in the
 * document as it is now, or NULL when that place no longer exists (or
 * when m is the root, whose slot the caller owns).
 */
struct zp_json *sanitize_jsonpath_slot(
    const struct sanitize_jsonpath_match *m);

/* sanitize_jsonpath_matches_release frees m's list and empties it. */
void sanitize_jsonpath_matches_release(struct sanitize_jsonpath_matches *m);

#endif
