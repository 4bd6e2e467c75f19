/*
 * json_dom.c - the read-only DOM, built from the tokenizer into an arena.
 *
 * Values of an open container wait on a scratch stack; when the container
 * closes they are copied into the arena as one contiguous array, so a DOM
 * costs one arena allocation per container and per escaped string.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json.h"

/* zp_json_parser_init prepares p to build DOMs in arena a. */
void
zp_json_parser_init(struct zp_json_parser *p, struct zp_arena *a)
{
	p->arena = a;
	p->scratch = NULL;
	p->top = 0;
	p->cap = 0;
	p->max_depth = ZP_JSON_DEFAULT_DEPTH;
	p->err.offset = 0;
	p->err.reason = NULL;
}

/* zp_json_parser_release frees the scratch stack (not the arena). */
void
zp_json_parser_release(struct zp_json_parser *p)
{
	free(p->scratch);
	p->scratch = NULL;
	p->top = 0;
	p->cap = 0;
}

/* slot returns a fresh scratch value, growing the stack as needed. */
static struct zp_json *
slot(struct zp_json_parser *p)
{
	if (p->top == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		struct zp_json *s = realloc(p->scratch, cap * sizeof(*s));

		if (s == NULL)
			return NULL;
		p->scratch = s;
		p->cap = cap;
	}
	return &p->scratch[p->top++];
}

/* set_string fills v with the string token just read. */
static int
set_string(
    struct zp_json_parser *p, const struct zp_json_tok *t, struct zp_json *v)
{
	const char *raw = t->src + t->start;

	v->type = ZP_JSON_STRING;
	if (!t->escaped) {
		v->plain = (uint8_t)t->verbatim;
		v->n = t->tlen;
		v->u.s = raw;
		return 0;
	}
	char *out = zp_arena_alloc(p->arena, t->tlen);
	if (out == NULL)
		return ZP_ENOMEM;
	v->plain = 0;
	v->n = zp_json_unescape(raw, t->tlen, out);
	v->u.s = out;
	return 0;
}

/* close_frame moves the values of the container at depth d into the arena. */
static int
close_frame(struct zp_json_parser *p, int d)
{
	size_t first = p->frames[d];
	struct zp_json *c = &p->scratch[first - 1];
	size_t count = p->top - first;
	void *items = NULL;

	if (count > 0) {
		items = zp_arena_memdup(p->arena, &p->scratch[first],
		    count * sizeof(struct zp_json));
		if (items == NULL)
			return ZP_ENOMEM;
	}
	if (c->type == ZP_JSON_OBJECT) {
		c->n = count / 2;
		c->u.members = items;
	} else {
		c->n = count;
		c->u.items = items;
	}
	p->top = first;
	return 0;
}

/* add_token turns one scalar or opening token into a scratch value. */
static int
add_token(struct zp_json_parser *p, struct zp_json_tok *t, enum zp_tok tok)
{
	struct zp_json *v = slot(p);

	if (v == NULL)
		return ZP_ENOMEM;
	v->plain = 0;
	v->n = 0;
	v->u.s = NULL;
	switch (tok) {
	case ZP_TOK_OBJ_BEGIN:
	case ZP_TOK_ARR_BEGIN:
		v->type =
		    tok == ZP_TOK_OBJ_BEGIN ? ZP_JSON_OBJECT : ZP_JSON_ARRAY;
		p->frames[t->depth] = p->top;
		return 0;
	case ZP_TOK_KEY:
	case ZP_TOK_STRING: return set_string(p, t, v);
	case ZP_TOK_NUMBER:
		v->type = ZP_JSON_NUMBER;
		v->n = t->tlen;
		v->u.s = t->src + t->start;
		return 0;
	case ZP_TOK_TRUE: v->type = ZP_JSON_TRUE; return 0;
	case ZP_TOK_FALSE: v->type = ZP_JSON_FALSE; return 0;
	default: v->type = ZP_JSON_NULL; return 0;
	}
}

/* zp_json_parse builds the DOM of src[0..len) into p's arena. */
int
zp_json_parse(struct zp_json_parser *p, const char *src, size_t len,
    struct zp_json **out)
{
	struct zp_json_tok t;
	enum zp_tok tok;
	struct zp_json *root;
	int rc = 0;

	p->top = 0;
	zp_json_tok_init(&t, src, len, p->max_depth);
	while ((tok = zp_json_next(&t)) > ZP_TOK_END) {
		if (tok == ZP_TOK_OBJ_END || tok == ZP_TOK_ARR_END)
			rc = close_frame(p, t.depth + 1);
		else
			rc = add_token(p, &t, tok);
		if (rc != 0)
			return rc;
	}
	if (tok == ZP_TOK_ERROR) {
		p->err = t.err;
		return t.code;
	}
	root = zp_arena_memdup(p->arena, &p->scratch[0], sizeof(*root));
	if (root == NULL)
		return ZP_ENOMEM;
	*out = root;
	return 0;
}

/* zp_json_get returns the first member named key of object v, or NULL. */
const struct zp_json *
zp_json_get(const struct zp_json *v, const char *key)
{
	size_t i, n = strlen(key);

	if (v == NULL || v->type != ZP_JSON_OBJECT)
		return NULL;
	for (i = 0; i < v->n; i++) {
		const struct zp_json *k = &v->u.members[i].key;

		if (k->n == n && memcmp(k->u.s, key, n) == 0)
			return &v->u.members[i].value;
	}
	return NULL;
}

/* zp_json_is_str tells whether v is the string s. */
int
zp_json_is_str(const struct zp_json *v, const char *s)
{
	size_t n = strlen(s);

	return v != NULL && v->type == ZP_JSON_STRING && v->n == n &&
	    memcmp(v->u.s, s, n) == 0;
}
