/*
 * rules.c - load Psoxy REST rules from YAML and match requests against
 * them (RULES-SPEC.md sections 1 and 2).
 *
 * Loading goes in two steps.  libyaml's events are first built into a small
 * tree (ynode) in a scratch arena, which gives every value its line and
 * lets the second step look keys up in any order.  The second step walks
 * that tree into the public structs, copying strings into the rules' own
 * arena, compiling regexes with PCRE2 and collecting every problem as a
 * "FILE:LINE: reason" line.  $refs are resolved at the end, when all the
 * definitions are known, and reference cycles are looked for then.
 *
 * This is the only file that calls yaml_* and pcre2_*.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "rules.h"

#include <errno.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "arena.h"
#include "buf.h"
#include "crypto.h"
#include "error.h"

#define MAX_RULES_BYTES (16u << 20)
#define MAX_DEPTH 128 /* YAML nesting, which bounds every recursion here */
#define MAX_WEIGHT 1000000 /* tree nodes, aliases counted each time */
#define MAX_ANCHORS 10000
#define DEFAULT_MAX_ERRORS 20
#define MAX_KEPT_MESSAGES 1000 /* beyond max_errors; the rest are counted */
#define SHOW_MAX 80 /* bytes of a quoted value in a message */

/* What a loaded rule set owns besides the struct itself. */
struct sanitize_rules_mem {
	struct zp_arena arena;
	pcre2_code **codes;
	size_t n_codes, cap_codes;
};

/* --- the YAML tree --------------------------------------------------- */

enum ykind { Y_SCALAR, Y_SEQ, Y_MAP };

/*
 * One YAML node.  A mapping's kids alternate key and value.  A node that
 * an alias repeats is shared, so the tree is a DAG; weight counts it once
 * per use, which bounds any walk over the tree.
 */
struct ynode {
	enum ykind kind;
	const char *tag; /* NULL when untagged */
	const char *text; /* scalar bytes, NUL-terminated */
	size_t len;
	int plain; /* scalar written without quotes */
	int line; /* 1-based */
	struct ynode **kids;
	size_t n;
	size_t weight;
	int height;
};

/* A named anchor, for aliases. */
struct anchor {
	const char *name;
	struct ynode *node;
	struct anchor *next;
};

/* An open collection: its node, where its kids start, its anchor. */
struct yframe {
	struct ynode *node;
	size_t mark;
	const char *anchor;
};

struct loader;

/* The state of building the tree from events. */
struct ybuild {
	struct loader *L;
	struct zp_arena arena;
	struct yframe *frames;
	size_t depth, cap_frames;
	struct ynode **kids;
	size_t n_kids, cap_kids;
	struct anchor *anchors;
	size_t n_anchors;
	struct ynode *root;
	int docs;
};

/* --- the loader ------------------------------------------------------ */

/* A schema with the loader's bookkeeping around it. */
struct schema_box {
	struct sanitize_schema s;
	const char *def_name; /* set for a top-level definition */
	int ref_line; /* where "$ref" is */
	int state; /* cycle search: 0 new, 1 on the path, 2 done */
	struct schema_box *next; /* every schema of the rules */
};

/* One recorded problem; they are sorted by line before being shown. */
struct message {
	int line;
	size_t seq;
	char *text; /* malloc'd "FILE:LINE: reason\n" */
};

/* Everything one load needs. */
struct loader {
	const char *file;
	const struct sanitize_rules_options *opt;
	size_t max_errors, n_errors;
	struct message *msgs;
	size_t n_msgs, cap_msgs;
	int nomem;
	const char *text;
	size_t len;
	struct sanitize_rules *rules;
	struct sanitize_rules_mem *mem;
	pcre2_compile_context *cctx;
	struct schema_box *schemas;
	struct sanitize_schema *root_schema; /* what "#" refers to */
	int has_definitions;
	struct zp_buf why;
};

static const struct sanitize_rules_options no_options;

/* --- messages -------------------------------------------------------- */

/* buf_vprintf appends printf-formatted text to b. */
static int
buf_vprintf(struct zp_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return ZP_EINVAL;
	if (zp_buf_reserve(b, (size_t)n) != 0)
		return ZP_ENOMEM;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

static int grow(void **v, size_t *cap, size_t n, size_t size);

/*
 * fail records one problem at line (0: no line) and returns ZP_ECONFIG, so
 * that callers can "return fail(...)".
 */
static int fail(struct loader *L, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct loader *L, int line, const char *fmt, ...)
{
	struct zp_buf text = ZP_BUF_INIT;
	va_list ap;
	int rc;

	L->n_errors++;
	if (L->opt->errors == NULL ||
	    L->n_msgs >= L->max_errors + MAX_KEPT_MESSAGES)
		return ZP_ECONFIG;
	if (line > 0)
		rc = zp_buf_printf(&text, "%s:%d: ", L->file, line);
	else
		rc = zp_buf_printf(&text, "%s: ", L->file);
	va_start(ap, fmt);
	if (rc == 0)
		rc = buf_vprintf(&text, fmt, ap);
	va_end(ap);
	if (rc == 0)
		rc = zp_buf_putc(&text, '\n');
	if (rc == 0)
		rc = grow((void **)&L->msgs, &L->cap_msgs, L->n_msgs,
		    sizeof(*L->msgs));
	if (rc != 0) {
		L->nomem = 1;
		zp_buf_release(&text);
		return ZP_ECONFIG;
	}
	L->msgs[L->n_msgs] = (struct message) {line, L->n_msgs, text.data};
	L->n_msgs++;
	return ZP_ECONFIG;
}

/* cmp_messages orders messages by line, then by when they were found. */
static int
cmp_messages(const void *a, const void *b)
{
	const struct message *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* flush_messages appends the first max_errors messages, by line, to out. */
static void
flush_messages(struct loader *L, struct zp_buf *out)
{
	size_t i,
	    more =
		L->n_errors > L->max_errors ? L->n_errors - L->max_errors : 0;

	if (L->n_msgs > 1)
		qsort(L->msgs, L->n_msgs, sizeof(*L->msgs), cmp_messages);
	for (i = 0; i < L->n_msgs; i++) {
		if (i < L->max_errors && out != NULL)
			zp_buf_puts(out, L->msgs[i].text);
		free(L->msgs[i].text);
	}
	free(L->msgs);
	L->msgs = NULL;
	if (more > 0 && out != NULL)
		zp_buf_printf(out, "%s: %zu more error%s not shown\n", L->file,
		    more, more == 1 ? "" : "s");
}

/* utf8_len gives the length of the UTF-8 sequence lead byte c starts. */
static size_t
utf8_len(unsigned char c)
{
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/* show_piece writes the escaped form of the character at s into p. */
static size_t
show_piece(char *p, const char *s, size_t left)
{
	unsigned char c = (unsigned char)*s;
	size_t k;

	if (c == '"' || c == '\\')
		return (size_t)sprintf(p, "\\%c", c);
	if (c == '\n')
		return (size_t)sprintf(p, "\\n");
	if (c == '\t')
		return (size_t)sprintf(p, "\\t");
	if (c < 0x20 || c == 0x7f)
		return (size_t)sprintf(p, "\\x%02x", c);
	k = utf8_len(c);
	if (k > left)
		k = left;
	memcpy(p, s, k);
	return k;
}

/*
 * show writes s[0..n) into out as a double-quoted string for a message:
 * quotes, backslashes and control bytes escaped, cut with "..." past
 * SHOW_MAX bytes.  Returns out.
 */
static const char *
show(char out[SHOW_MAX + 16], const char *s, size_t n)
{
	char piece[8];
	size_t pos = 1, i = 0, k, used;

	out[0] = '"';
	while (i < n) {
		used = utf8_len((unsigned char)s[i]);
		if (used > n - i)
			used = n - i;
		k = show_piece(piece, s + i, n - i);
		if (pos + k > SHOW_MAX) {
			memcpy(out + pos, "...", 3);
			pos += 3;
			break;
		}
		memcpy(out + pos, piece, k);
		pos += k;
		i += (unsigned char)s[i] < 0x80 ? 1 : used;
	}
	out[pos++] = '"';
	out[pos] = '\0';
	return out;
}

/* show_bare is show without the quotes. */
static const char *
show_bare(char out[SHOW_MAX + 16], const char *s, size_t n)
{
	size_t len = strlen(show(out, s, n));

	memmove(out, out + 1, len - 2);
	out[len - 2] = '\0';
	return out;
}

/* show_tag writes tag for a message: !x as it is, anything else as !<x>. */
static const char *
show_tag(char out[SHOW_MAX + 16], const char *tag)
{
	char q[SHOW_MAX + 16];

	snprintf(out, SHOW_MAX + 16, tag[0] == '!' ? "%s" : "!<%s>",
	    show_bare(q, tag, strlen(tag)));
	return out;
}

/* --- memory ---------------------------------------------------------- */

/* alloc returns n zeroed bytes of the rules' arena, or NULL (nomem). */
static void *
alloc(struct loader *L, size_t n)
{
	void *p = zp_arena_alloc(&L->mem->arena, n);

	if (p == NULL) {
		L->nomem = 1;
		return NULL;
	}
	memset(p, 0, n ? n : 1);
	return p;
}

/* alloc_array returns count zeroed elements of size bytes, or NULL. */
static void *
alloc_array(struct loader *L, size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / 4 / size) {
		L->nomem = 1;
		return NULL;
	}
	return alloc(L, count * size);
}

/* dup_text copies n bytes at s into the rules' arena as a C string. */
static char *
dup_text(struct loader *L, const char *s, size_t n)
{
	char *p = alloc(L, n + 1);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

/* --- building the tree from libyaml events --------------------------- */

/* tree_text copies libyaml's string s (NULL is fine) into the tree arena. */
static const char *
tree_text(struct ybuild *b, const unsigned char *s, size_t n)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = zp_arena_alloc(&b->arena, n + 1);
	if (p == NULL) {
		b->L->nomem = 1;
		return NULL;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* tree_node makes a node of kind at line with tag (libyaml's, or NULL). */
static struct ynode *
tree_node(
    struct ybuild *b, enum ykind kind, const unsigned char *tag, int line)
{
	struct ynode *n = zp_arena_alloc(&b->arena, sizeof(*n));

	if (n == NULL) {
		b->L->nomem = 1;
		return NULL;
	}
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->line = line;
	n->weight = 1;
	n->height = 1;
	if (tag != NULL) {
		n->tag = tree_text(b, tag, strlen((const char *)tag));
		if (n->tag == NULL)
			return NULL;
	}
	return n;
}

/* grow makes room for one more element in a malloc'd array. */
static int
grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t want = *cap ? *cap * 2 : 16;
	void *p;

	if (n < *cap)
		return 0;
	p = realloc(*v, want * size);
	if (p == NULL)
		return ZP_ENOMEM;
	*v = p;
	*cap = want;
	return 0;
}

/* tree_add hangs node under the open collection, or makes it the root. */
static int
tree_add(struct ybuild *b, struct ynode *node)
{
	if (b->depth + (size_t)node->height > MAX_DEPTH)
		return fail(b->L, node->line, "nested deeper than %d levels",
		    MAX_DEPTH);
	if (b->depth == 0) {
		b->root = node;
		return 0;
	}
	if (grow((void **)&b->kids, &b->cap_kids, b->n_kids,
		sizeof(*b->kids)) != 0) {
		b->L->nomem = 1;
		return ZP_ENOMEM;
	}
	b->kids[b->n_kids++] = node;
	return 0;
}

/* tree_anchor remembers node under name (NULL: no anchor). */
static int
tree_anchor(struct ybuild *b, const char *name, struct ynode *node)
{
	struct anchor *a;

	if (name == NULL)
		return 0;
	if (++b->n_anchors > MAX_ANCHORS)
		return fail(
		    b->L, node->line, "more than %d anchors", MAX_ANCHORS);
	a = zp_arena_alloc(&b->arena, sizeof(*a));
	if (a == NULL) {
		b->L->nomem = 1;
		return ZP_ENOMEM;
	}
	a->name = name;
	a->node = node;
	a->next = b->anchors;
	b->anchors = a;
	return 0;
}

/* tree_scalar adds a scalar event's node. */
static int
tree_scalar(struct ybuild *b, const yaml_event_t *e, int line)
{
	struct ynode *n = tree_node(b, Y_SCALAR, e->data.scalar.tag, line);
	const char *anchor;
	int rc;

	if (n == NULL)
		return ZP_ENOMEM;
	n->text = tree_text(b, e->data.scalar.value, e->data.scalar.length);
	anchor = tree_text(b, e->data.scalar.anchor,
	    e->data.scalar.anchor ? strlen((const char *)e->data.scalar.anchor)
				  : 0);
	if (n->text == NULL || (e->data.scalar.anchor && anchor == NULL))
		return ZP_ENOMEM;
	n->len = e->data.scalar.length;
	n->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	rc = tree_anchor(b, anchor, n);
	return rc ? rc : tree_add(b, n);
}

/* tree_alias adds the node an alias event names. */
static int
tree_alias(struct ybuild *b, const yaml_event_t *e, int line)
{
	const char *name = (const char *)e->data.alias.anchor;
	struct anchor *a;
	char q[SHOW_MAX + 16];

	for (a = b->anchors; a != NULL; a = a->next)
		if (strcmp(a->name, name) == 0)
			return tree_add(b, a->node);
	return fail(b->L, line, "alias *%s names no complete anchor",
	    show_bare(q, name, strlen(name)));
}

/* tree_open starts a sequence or mapping. */
static int
tree_open(struct ybuild *b, enum ykind kind, const unsigned char *tag,
    const unsigned char *anchor, int line)
{
	struct ynode *n;
	struct yframe *f;

	if (b->depth + 1 > MAX_DEPTH)
		return fail(
		    b->L, line, "nested deeper than %d levels", MAX_DEPTH);
	n = tree_node(b, kind, tag, line);
	if (n == NULL ||
	    grow((void **)&b->frames, &b->cap_frames, b->depth,
		sizeof(*b->frames)) != 0) {
		b->L->nomem = 1;
		return ZP_ENOMEM;
	}
	f = &b->frames[b->depth++];
	f->node = n;
	f->mark = b->n_kids;
	f->anchor =
	    tree_text(b, anchor, anchor ? strlen((const char *)anchor) : 0);
	if (anchor != NULL && f->anchor == NULL)
		return ZP_ENOMEM;
	return 0;
}

/* tree_close ends the innermost collection and adds it to its parent. */
static int
tree_close(struct ybuild *b)
{
	struct yframe f = b->frames[--b->depth];
	struct ynode *n = f.node;
	size_t i, count = b->n_kids - f.mark;
	int rc;

	n->kids = zp_arena_alloc(&b->arena, count * sizeof(*n->kids));
	if (n->kids == NULL) {
		b->L->nomem = 1;
		return ZP_ENOMEM;
	}
	if (count > 0)
		memcpy(n->kids, b->kids + f.mark, count * sizeof(*n->kids));
	n->n = count;
	b->n_kids = f.mark;
	for (i = 0; i < count; i++) {
		n->weight += n->kids[i]->weight;
		if (n->weight > MAX_WEIGHT)
			return fail(b->L, n->line,
			    "more than %d nodes once aliases are expanded",
			    MAX_WEIGHT);
		if (n->kids[i]->height + 1 > n->height)
			n->height = n->kids[i]->height + 1;
	}
	rc = tree_anchor(b, f.anchor, n);
	return rc ? rc : tree_add(b, n);
}

/* tree_event feeds one libyaml event to the builder. */
static int
tree_event(struct ybuild *b, const yaml_event_t *e)
{
	int line = (int)e->start_mark.line + 1;

	switch (e->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->docs > 1)
			return fail(b->L, line, "more than one YAML document");
		return 0;
	case YAML_ALIAS_EVENT: return tree_alias(b, e, line);
	case YAML_SCALAR_EVENT: return tree_scalar(b, e, line);
	case YAML_SEQUENCE_START_EVENT:
		return tree_open(b, Y_SEQ, e->data.sequence_start.tag,
		    e->data.sequence_start.anchor, line);
	case YAML_MAPPING_START_EVENT:
		return tree_open(b, Y_MAP, e->data.mapping_start.tag,
		    e->data.mapping_start.anchor, line);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT: return tree_close(b);
	default: return 0;
	}
}

/* line_at gives the 1-based line of byte offset off of the rules. */
static int
line_at(const struct loader *L, size_t off)
{
	size_t i;
	int line = 1;

	for (i = 0; i < off && i < L->len; i++)
		if (L->text[i] == '\n')
			line++;
	return line;
}

/* yaml_failed reports the error libyaml stopped at. */
static int
yaml_failed(struct loader *L, const yaml_parser_t *p)
{
	int line = (int)p->problem_mark.line + 1;
	const char *problem = p->problem ? p->problem : "unknown error";

	if (p->error == YAML_MEMORY_ERROR) {
		L->nomem = 1;
		return ZP_ENOMEM;
	}
	if (p->error == YAML_READER_ERROR)
		return fail(
		    L, line_at(L, p->problem_offset), "bad YAML: %s", problem);
	if (p->context != NULL)
		return fail(L, line, "bad YAML: %s (%s)", problem, p->context);
	return fail(L, line, "bad YAML: %s", problem);
}

/*
 * tree_build parses the rules' YAML into b->root; nonzero when it did not
 * (the problem is recorded).  b->arena holds the tree.
 */
static int
tree_build(struct loader *L, struct ybuild *b)
{
	yaml_parser_t p;
	yaml_event_t e;
	int rc = 0, done = 0;

	if (!yaml_parser_initialize(&p)) {
		L->nomem = 1;
		return ZP_ENOMEM;
	}
	yaml_parser_set_input_string(
	    &p, (const unsigned char *)L->text, L->len);
	while (rc == 0 && !done) {
		if (!yaml_parser_parse(&p, &e)) {
			rc = yaml_failed(L, &p);
			break;
		}
		rc = tree_event(b, &e);
		done = e.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	if (rc == 0 && b->root == NULL)
		rc = fail(L, 1, "empty rules document");
	return rc;
}

/* --- reading the tree ------------------------------------------------ */

#define YAML_TAG_PREFIX "tag:yaml.org,2002:"

/* is_null tells whether n is YAML's null: ~, null, an empty plain value. */
static int
is_null(const struct ynode *n)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
	size_t i;

	if (n->kind != Y_SCALAR)
		return 0;
	if (n->tag != NULL)
		return strcmp(n->tag, YAML_TAG_PREFIX "null") == 0;
	if (!n->plain)
		return 0;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(n->text, nulls[i]) == 0)
			return 1;
	return 0;
}

/* kind_name names what n is, for "got ..." in messages. */
static const char *
kind_name(const struct ynode *n)
{
	if (n->kind == Y_MAP)
		return "a mapping";
	if (n->kind == Y_SEQ)
		return "a list";
	return is_null(n) ? "null" : "a string";
}

/* check_tag rejects a tag other than YAML's own on a plain value. */
static int
check_tag(struct loader *L, const struct ynode *n)
{
	char q[SHOW_MAX + 16];

	if (n->tag == NULL || strcmp(n->tag, "!") == 0 ||
	    strncmp(n->tag, YAML_TAG_PREFIX, strlen(YAML_TAG_PREFIX)) == 0)
		return 0;
	return fail(L, n->line, "unexpected tag %s", show_tag(q, n->tag));
}

/*
 * expect checks that n is of kind (and carries no foreign tag); what names
 * the value in the message, e.g. "jsonPaths" or "an endpoint".
 */
static int
expect(
    struct loader *L, const struct ynode *n, enum ykind kind, const char *what)
{
	static const char *const want[] = {"a string", "a list", "a mapping"};

	if (n->kind != kind || (kind == Y_SCALAR && is_null(n)))
		return fail(L, n->line, "expected %s for %s, got %s",
		    want[kind], what, kind_name(n));
	return check_tag(L, n);
}

/* key_is tells whether scalar node k spells key. */
static int
key_is(const struct ynode *k, const char *key)
{
	return k->kind == Y_SCALAR && k->len == strlen(key) &&
	    memcmp(k->text, key, k->len) == 0;
}

/* map_get_raw returns the value of key in mapping m, or NULL. */
static const struct ynode *
map_get_raw(const struct ynode *m, const char *key)
{
	size_t i;

	for (i = 0; i + 1 < m->n; i += 2)
		if (key_is(m->kids[i], key))
			return m->kids[i + 1];
	return NULL;
}

/* map_get returns the value of key in m, or NULL if absent or null. */
static const struct ynode *
map_get(const struct ynode *m, const char *key)
{
	const struct ynode *v = map_get_raw(m, key);

	return v != NULL && !is_null(v) ? v : NULL;
}

/* in_list tells whether key node k is one of the NULL-terminated keys. */
static int
in_list(const struct ynode *k, const char *const *keys)
{
	for (; keys != NULL && *keys != NULL; keys++)
		if (key_is(k, *keys))
			return 1;
	return 0;
}

/* cmp_keys orders key nodes by text, then by line, for qsort. */
static int
cmp_keys(const void *a, const void *b)
{
	const struct ynode *x = *(const struct ynode *const *)a;
	const struct ynode *y = *(const struct ynode *const *)b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->text, y->text, n);

	if (c != 0)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* map_dups reports keys that appear twice in mapping m. */
static void
map_dups(struct loader *L, const struct ynode *m)
{
	const struct ynode **keys;
	char q[SHOW_MAX + 16];
	size_t i, n = 0;

	keys = malloc((m->n / 2 + 1) * sizeof(*keys));
	if (keys == NULL) {
		L->nomem = 1;
		return;
	}
	for (i = 0; i + 1 < m->n; i += 2)
		if (m->kids[i]->kind == Y_SCALAR)
			keys[n++] = m->kids[i];
	qsort(keys, n, sizeof(*keys), cmp_keys);
	for (i = 1; i < n; i++)
		if (keys[i]->len == keys[i - 1]->len &&
		    memcmp(keys[i]->text, keys[i - 1]->text, keys[i]->len) ==
			0)
			fail(L, keys[i]->line, "duplicate key %s",
			    show(q, keys[i]->text, keys[i]->len));
	free(keys);
}

/*
 * map_check reports keys of mapping m that are not strings, duplicated, or
 * in neither NULL-terminated list (either may be NULL); what names m.
 * With no lists, any string key is fine.
 */
static void
map_check(struct loader *L, const struct ynode *m, const char *what,
    const char *const *k1, const char *const *k2)
{
	const struct ynode *k;
	char q[SHOW_MAX + 16];
	size_t i;

	for (i = 0; i + 1 < m->n; i += 2) {
		k = m->kids[i];
		if (k->kind != Y_SCALAR || is_null(k)) {
			fail(L, k->line, "expected a string key in %s, got %s",
			    what, kind_name(k));
			continue;
		}
		if (check_tag(L, k) != 0)
			continue;
		if ((k1 != NULL || k2 != NULL) && !in_list(k, k1) &&
		    !in_list(k, k2))
			fail(L, k->line, "unknown key %s in %s",
			    show(q, k->text, k->len), what);
	}
	map_dups(L, m);
}

/* get_string copies scalar v into the rules' arena; NULL on error. */
static const char *
get_string(struct loader *L, const struct ynode *v, const char *what)
{
	if (expect(L, v, Y_SCALAR, what) != 0)
		return NULL;
	if (memchr(v->text, 0, v->len) != NULL) {
		fail(L, v->line, "%s contains a NUL byte", what);
		return NULL;
	}
	return dup_text(L, v->text, v->len);
}

/* get_bool reads true or false (any of YAML's three spellings). */
static int
get_bool(struct loader *L, const struct ynode *v, const char *what, int *out)
{
	static const char *const yes[] = {"true", "True", "TRUE"};
	static const char *const no[] = {"false", "False", "FALSE"};
	char q[SHOW_MAX + 16];
	size_t i;

	if (v->kind != Y_SCALAR)
		return fail(L, v->line,
		    "expected true or false for %s, got %s", what,
		    kind_name(v));
	if (check_tag(L, v) != 0)
		return ZP_ECONFIG;
	for (i = 0; i < 3; i++) {
		if (key_is(v, yes[i]) || key_is(v, no[i])) {
			*out = key_is(v, yes[i]);
			return 0;
		}
	}
	return fail(L, v->line, "expected true or false for %s, got %s", what,
	    show(q, v->text, v->len));
}

/* get_strlist reads a list of strings into out. */
static int
get_strlist(struct loader *L, const struct ynode *v, const char *what,
    struct sanitize_strlist *out)
{
	size_t i;
	int rc = 0;

	if (expect(L, v, Y_SEQ, what) != 0)
		return ZP_ECONFIG;
	out->v = alloc_array(L, v->n, sizeof(*out->v));
	if (out->v == NULL)
		return ZP_ENOMEM;
	for (i = 0; i < v->n; i++) {
		out->v[i] = get_string(L, v->kids[i], what);
		if (out->v[i] == NULL)
			rc = ZP_ECONFIG;
	}
	out->n = v->n;
	out->set = 1;
	return rc;
}

/* opt_strlist reads the optional list key of m into out. */
static int
opt_strlist(struct loader *L, const struct ynode *m, const char *key,
    struct sanitize_strlist *out)
{
	const struct ynode *v = map_get(m, key);

	return v != NULL ? get_strlist(L, v, key, out) : 0;
}

/* opt_bool reads the optional boolean key of m into out. */
static int
opt_bool(struct loader *L, const struct ynode *m, const char *key, int *out)
{
	const struct ynode *v = map_get(m, key);

	return v != NULL ? get_bool(L, v, key, out) : 0;
}

/* require reports key missing (or null) in m, which what names. */
static int
require(
    struct loader *L, const struct ynode *m, const char *key, const char *what)
{
	if (map_get(m, key) != NULL)
		return 0;
	return fail(
	    L, m->line, "missing required key \"%s\" in %s", key, what);
}

/* --- JSONPaths ------------------------------------------------------- */

/* check_path hands one JSONPath to the caller's checker, if any. */
static int
check_path(struct loader *L, const char *path, int line)
{
	char q[SHOW_MAX + 16];
	size_t i;

	if (L->opt->check_path == NULL)
		return 0;
	zp_buf_reset(&L->why);
	if (L->opt->check_path(path, &L->why, L->opt->check_arg) == 0)
		return 0;
	for (i = 0; i < L->why.len; i++)
		if ((unsigned char)L->why.data[i] < 0x20)
			L->why.data[i] = ' ';
	if (L->why.len == 0)
		return fail(
		    L, line, "bad JSONPath %s", show(q, path, strlen(path)));
	return fail(L, line, "bad JSONPath %s: %s",
	    show(q, path, strlen(path)), L->why.data);
}

/* get_path reads one JSONPath scalar into out and checks it. */
static int
get_path(struct loader *L, const struct ynode *v, const char *what,
    struct sanitize_path *out)
{
	out->text = get_string(L, v, what);
	out->line = v->line;
	if (out->text == NULL)
		return ZP_ECONFIG;
	return check_path(L, out->text, v->line);
}

/* opt_path reads the optional JSONPath key of m. */
static int
opt_path(struct loader *L, const struct ynode *m, const char *key,
    struct sanitize_path *out)
{
	const struct ynode *v = map_get(m, key);

	return v != NULL ? get_path(L, v, key, out) : 0;
}

/* opt_paths reads the list of JSONPaths under key of m. */
static int
opt_paths(struct loader *L, const struct ynode *m, const char *key,
    const struct sanitize_path **out, size_t *n)
{
	const struct ynode *v = map_get(m, key);
	struct sanitize_path *p;
	size_t i;
	int rc = 0;

	if (v == NULL)
		return 0;
	if (expect(L, v, Y_SEQ, key) != 0)
		return ZP_ECONFIG;
	p = alloc_array(L, v->n, sizeof(*p));
	if (p == NULL)
		return ZP_ENOMEM;
	for (i = 0; i < v->n; i++)
		if (get_path(L, v->kids[i], key, &p[i]) != 0)
			rc = ZP_ECONFIG;
	*out = p;
	*n = v->n;
	return rc;
}

/* --- regexes --------------------------------------------------------- */

/* keep_code hands a compiled regex to the rules, which free it. */
static int
keep_code(struct loader *L, pcre2_code *code)
{
	struct sanitize_rules_mem *mem = L->mem;

	if (grow((void **)&mem->codes, &mem->cap_codes, mem->n_codes,
		sizeof(*mem->codes)) != 0) {
		pcre2_code_free(code);
		L->nomem = 1;
		return ZP_ENOMEM;
	}
	mem->codes[mem->n_codes++] = code;
	return 0;
}

/*
 * compile compiles pattern[0..len) with flags (plus UTF) into out->code.
 * what names the option in the message; skip is how many bytes a wrapper
 * put before the rules' own text, so that the offset points into it.
 */
static int
compile(struct loader *L, const char *pattern, size_t len, uint32_t flags,
    const char *what, size_t skip, struct sanitize_regex *out)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	pcre2_code *code, *whole;
	int err, rc;

	flags |= PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_BACKSLASH_C;
	code = pcre2_compile(
	    (PCRE2_SPTR)pattern, len, flags, &err, &off, L->cctx);
	if (code == NULL) {
		if (err == PCRE2_ERROR_NOMEMORY) {
			L->nomem = 1;
			return ZP_ENOMEM;
		}
		pcre2_get_error_message(err, msg, sizeof(msg));
		off = off > skip ? off - skip : 0;
		return fail(L, out->line, "bad regex in %s at offset %zu: %s",
		    what, (size_t)off, (const char *)msg);
	}
	out->code = (struct pcre2_real_code_8 *)code;
	if ((rc = keep_code(L, code)) != 0)
		return rc;
	/* Every envelope's path meets these: a copy anchored at compile
	 * time runs as machine code (PCRE2's JIT does not take match-time
	 * anchors); without it the interpreter gives the same results. */
	whole = pcre2_compile((PCRE2_SPTR)pattern, len,
	    flags | PCRE2_ANCHORED | PCRE2_ENDANCHORED, &err, &off, L->cctx);
	if (whole == NULL)
		return 0;
	if (pcre2_jit_compile(whole, PCRE2_JIT_COMPLETE) != 0) {
		pcre2_code_free(whole);
		return 0;
	}
	out->whole = (struct pcre2_real_code_8 *)whole;
	return keep_code(L, whole);
}

/* get_regex reads scalar v as a regex compiled with flags. */
static int
get_regex(struct loader *L, const struct ynode *v, const char *what,
    uint32_t flags, struct sanitize_regex *out)
{
	out->line = v->line;
	out->source = get_string(L, v, what);
	if (out->source == NULL)
		return ZP_ECONFIG;
	return compile(
	    L, out->source, strlen(out->source), flags, what, 0, out);
}

/* opt_regex reads the optional regex key of m. */
static int
opt_regex(struct loader *L, const struct ynode *m, const char *key,
    struct sanitize_regex *out)
{
	const struct ynode *v = map_get(m, key);

	return v != NULL ? get_regex(L, v, key, 0, out) : 0;
}

/* opt_regexes reads the list of regexes under key of m. */
static int
opt_regexes(struct loader *L, const struct ynode *m, const char *key,
    const struct sanitize_regex **out, size_t *n)
{
	const struct ynode *v = map_get(m, key);
	struct sanitize_regex *re;
	size_t i;
	int rc = 0;

	if (v == NULL)
		return 0;
	if (expect(L, v, Y_SEQ, key) != 0)
		return ZP_ECONFIG;
	re = alloc_array(L, v->n, sizeof(*re));
	if (re == NULL)
		return ZP_ENOMEM;
	for (i = 0; i < v->n; i++)
		if (get_regex(L, v->kids[i], key, 0, &re[i]) != 0)
			rc = ZP_ECONFIG;
	*out = re;
	*n = v->n;
	return rc;
}

/* --- pathTemplate (RULES-SPEC 1.4) ----------------------------------- */

/* is_alpha and is_alnum are ASCII-only, like the spec's name class. */
static int
is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
is_alnum(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

/* quantifier_len gives the length of "{n}", "{n,}" or "{n,m}" at s, or 0. */
static size_t
quantifier_len(const char *s)
{
	size_t i = 1;

	if (!(s[i] >= '0' && s[i] <= '9'))
		return 0;
	while (s[i] >= '0' && s[i] <= '9')
		i++;
	if (s[i] == ',')
		for (i++; s[i] >= '0' && s[i] <= '9'; i++)
			;
	return s[i] == '}' ? i + 1 : 0;
}

/*
 * param_len gives the length of "{name}" or "{name?}" at s, or 0; *opt
 * tells which and *name_len how long the name is.
 */
static size_t
param_len(const char *s, int *opt, size_t *name_len)
{
	size_t i = 1;

	if (!is_alpha(s[i]))
		return 0;
	while (is_alnum(s[i]))
		i++;
	*name_len = i - 1;
	*opt = s[i] == '?';
	if (*opt)
		i++;
	return s[i] == '}' ? i + 1 : 0;
}

/*
 * template_regex appends the regex of template t (RULES-SPEC 1.4) to
 * out: parameters become named groups, . ^ $ < > * + [ ] ( ) - = ? ! are
 * escaped, and the whole is wrapped in ^...$.  A '{' that starts neither a
 * parameter nor a quantifier, which Java rejects ("Illegal repetition"),
 * gives ZP_EINVAL with its offset in *bad.
 */
static int
template_regex(const char *t, struct zp_buf *out, size_t *bad)
{
	size_t i, k, name_len;
	int opt, rc = zp_buf_putc(out, '^');

	for (i = 0; t[i] != '\0' && rc == 0; i++) {
		if (t[i] == '{' && (k = param_len(t + i, &opt, &name_len))) {
			rc = zp_buf_printf(out, "(?<%.*s>[^/]%c)",
			    (int)name_len, t + i + 1, opt ? '*' : '+');
			i += k - 1;
			continue;
		}
		if (t[i] == '{' && quantifier_len(t + i) == 0) {
			*bad = i;
			return ZP_EINVAL;
		}
		if (strchr(".^$<>*+[]()-=?!", t[i]) != NULL)
			rc = zp_buf_putc(out, '\\');
		if (rc == 0)
			rc = zp_buf_putc(out, t[i]);
	}
	return rc ? rc : zp_buf_putc(out, '$');
}

/* compile_template compiles endpoint e's path from its template at v. */
static int
compile_template(
    struct loader *L, const struct ynode *v, struct sanitize_endpoint *e)
{
	struct zp_buf re = ZP_BUF_INIT;
	size_t bad = 0;
	int rc = template_regex(e->path_template, &re, &bad);

	e->path.line = v->line;
	if (rc == ZP_EINVAL)
		rc = fail(L, v->line,
		    "bad pathTemplate: \"{\" at offset %zu does not start a "
		    "parameter (names are [A-Za-z][A-Za-z0-9]*)",
		    bad);
	else if (rc != 0)
		L->nomem = 1;
	else if ((e->path.source = dup_text(L, re.data, re.len)) == NULL)
		rc = ZP_ENOMEM;
	else
		rc = compile(L, re.data, re.len, PCRE2_CASELESS,
		    "pathTemplate", 0, &e->path);
	zp_buf_release(&re);
	return rc;
}

/* --- responseSchema (RULES-SPEC 1.5.1) ------------------------------- */

static const char *const schema_keys[] = {"type", "format", "$ref",
    "properties", "items", "anyOf", "if", "then", "else", "const",
    "definitions", "title", "required", "additionalProperties", "$schema",
    NULL};

static const char *const schema_types[] = {
    NULL, "object", "array", "string", "integer", "number", "boolean", "null"};

static struct sanitize_schema *load_schema(
    struct loader *L, const struct ynode *n);

/* box_of returns the box around schema s. */
static struct schema_box *
box_of(const struct sanitize_schema *s)
{
	return (
	    struct schema_box *)((char *)s - offsetof(struct schema_box, s));
}

/* new_schema allocates a schema and enrolls it for $ref resolution. */
static struct schema_box *
new_schema(struct loader *L, int line)
{
	struct schema_box *b = alloc(L, sizeof(*b));

	if (b == NULL)
		return NULL;
	b->s.line = line;
	b->next = L->schemas;
	L->schemas = b;
	return b;
}

/* schema_type reads "type". */
static int
schema_type(struct loader *L, const struct ynode *v, struct sanitize_schema *s)
{
	char q[SHOW_MAX + 16];
	size_t i;

	if (expect(L, v, Y_SCALAR, "type") != 0)
		return ZP_ECONFIG;
	for (i = 1; i < sizeof(schema_types) / sizeof(schema_types[0]); i++)
		if (key_is(v, schema_types[i])) {
			s->type = (enum sanitize_schema_type)i;
			return 0;
		}
	return fail(
	    L, v->line, "unknown schema type %s", show(q, v->text, v->len));
}

/* prop_named tells whether props[0..n) has one called name. */
static int
prop_named(const struct sanitize_schema_prop *p, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i].name != NULL && strcmp(p[i].name, name) == 0)
			return 1;
	return 0;
}

/*
 * index_props builds s's hash index of its props (rules.h): the first
 * prop of each name, as a linear search in order would find it.
 */
static int
index_props(struct loader *L, struct sanitize_schema *s)
{
	const struct sanitize_schema_prop *p = s->props;
	struct sanitize_prop_slot *slots;
	uint32_t size = 8, h;
	size_t i, n;

	if (s->n_props < 4 || s->n_props > UINT32_MAX / 4)
		return 0;
	while (size < 2 * s->n_props)
		size *= 2;
	if ((slots = alloc_array(L, size, sizeof(*slots))) == NULL)
		return ZP_ENOMEM;
	for (i = 0; i < s->n_props; i++) {
		if (p[i].name == NULL || prop_named(p, i, p[i].name))
			continue;
		n = strlen(p[i].name);
		h = sanitize_prop_hash(p[i].name, n);
		while (slots[h & (size - 1)].index1 != 0)
			h++;
		slots[h & (size - 1)].index1 = (uint32_t)i + 1;
		slots[h & (size - 1)].len = (uint32_t)n;
	}
	s->prop_slots = slots;
	s->prop_mask = size - 1;
	return 0;
}

/* schema_props reads "properties": a mapping of name to schema. */
static int
schema_props(
    struct loader *L, const struct ynode *v, struct sanitize_schema *s)
{
	struct sanitize_schema_prop *p;
	size_t i;

	if (expect(L, v, Y_MAP, "properties") != 0)
		return ZP_ECONFIG;
	map_check(L, v, "properties", NULL, NULL);
	p = alloc_array(L, v->n / 2, sizeof(*p));
	if (p == NULL)
		return ZP_ENOMEM;
	for (i = 0; i + 1 < v->n; i += 2) {
		if (v->kids[i]->kind != Y_SCALAR)
			continue;
		p[i / 2].name = dup_text(L, v->kids[i]->text, v->kids[i]->len);
		p[i / 2].schema = load_schema(L, v->kids[i + 1]);
	}
	s->props = p;
	s->n_props = v->n / 2;
	s->has_props = 1;
	return index_props(L, s);
}

/* schema_any_of reads "anyOf": a list of schemas. */
static int
schema_any_of(
    struct loader *L, const struct ynode *v, struct sanitize_schema *s)
{
	struct sanitize_schema **a;
	size_t i;

	if (expect(L, v, Y_SEQ, "anyOf") != 0)
		return ZP_ECONFIG;
	a = alloc_array(L, v->n, sizeof(*a));
	if (a == NULL)
		return ZP_ENOMEM;
	for (i = 0; i < v->n; i++)
		a[i] = load_schema(L, v->kids[i]);
	s->any_of = (const struct sanitize_schema *const *)a;
	s->n_any_of = v->n;
	return 0;
}

/* nested_defs checks a "definitions" inside a schema, which REST ignores. */
static void
nested_defs(struct loader *L, const struct ynode *v)
{
	size_t i;

	if (expect(L, v, Y_MAP, "definitions") != 0)
		return;
	map_check(L, v, "definitions", NULL, NULL);
	for (i = 1; i < v->n; i += 2)
		load_schema(L, v->kids[i]);
}

/* opt_sub reads the optional sub-schema under key of m. */
static const struct sanitize_schema *
opt_sub(struct loader *L, const struct ynode *m, const char *key)
{
	const struct ynode *v = map_get(m, key);

	return v != NULL ? load_schema(L, v) : NULL;
}

/* schema_fields reads every key of schema mapping n into s. */
static void
schema_fields(
    struct loader *L, const struct ynode *n, struct sanitize_schema *s)
{
	const struct ynode *v;

	if ((v = map_get(n, "type")) != NULL)
		schema_type(L, v, s);
	if ((v = map_get(n, "$ref")) != NULL) {
		s->ref = get_string(L, v, "$ref");
		box_of(s)->ref_line = v->line;
	}
	if ((v = map_get(n, "format")) != NULL)
		s->format = get_string(L, v, "format");
	if ((v = map_get(n, "const")) != NULL)
		s->const_text = get_string(L, v, "const");
	if ((v = map_get(n, "properties")) != NULL)
		schema_props(L, v, s);
	if ((v = map_get(n, "anyOf")) != NULL)
		schema_any_of(L, v, s);
	if ((v = map_get(n, "definitions")) != NULL)
		nested_defs(L, v);
	s->items = opt_sub(L, n, "items");
	s->if_ = opt_sub(L, n, "if");
	s->then_ = opt_sub(L, n, "then");
	s->else_ = opt_sub(L, n, "else");
	if (s->type == SANITIZE_TYPE_ARRAY && s->items == NULL && !s->ref)
		require(L, n, "items", "schema of type array");
}

/* load_schema reads schema mapping n; NULL on error (recorded). */
static struct sanitize_schema *
load_schema(struct loader *L, const struct ynode *n)
{
	struct schema_box *b;

	if (expect(L, n, Y_MAP, "a schema") != 0)
		return NULL;
	map_check(L, n, "schema", schema_keys, NULL);
	b = new_schema(L, n->line);
	if (b == NULL)
		return NULL;
	schema_fields(L, n, &b->s);
	return &b->s;
}

/* find_definition returns the top-level definition called name, or NULL. */
static const struct sanitize_schema *
find_definition(const struct sanitize_rules *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_definitions; i++)
		if (r->definitions[i].name != NULL &&
		    strcmp(r->definitions[i].name, name) == 0)
			return r->definitions[i].schema;
	return NULL;
}

/* resolve_ref points s->target at what s->ref names (1.5.1). */
static void
resolve_ref(struct loader *L, struct sanitize_schema *s)
{
	static const char prefix[] = "#/definitions/";
	size_t plen = strlen(prefix);
	int line = box_of(s)->ref_line;
	char q[SHOW_MAX + 16];

	show(q, s->ref, strlen(s->ref));
	if (strcmp(s->ref, "#") == 0)
		s->target = L->root_schema;
	else if (strncmp(s->ref, prefix, plen) != 0)
		fail(L, line,
		    "unsupported $ref %s (expected \"#\" or "
		    "\"#/definitions/NAME\")",
		    q);
	else if (!L->has_definitions)
		fail(L, line, "$ref %s: the rules have no definitions", q);
	else if ((s->target = find_definition(L->rules, s->ref + plen)) ==
	    NULL)
		fail(L, line, "$ref %s: no such definition", q);
}

/* resolve_refs resolves every $ref of the rules. */
static void
resolve_refs(struct loader *L)
{
	struct schema_box *b;

	for (b = L->schemas; b != NULL; b = b->next)
		if (b->s.ref != NULL)
			resolve_ref(L, &b->s);
}

/* n_edges counts the schemas s applies to the same value (not a child). */
static size_t
n_edges(const struct sanitize_schema *s)
{
	return s->ref != NULL ? 1 : s->n_any_of + 3;
}

/* edge returns the i-th schema s applies to the same value, or NULL. */
static const struct sanitize_schema *
edge(const struct sanitize_schema *s, size_t i)
{
	if (s->ref != NULL)
		return s->target;
	if (i < s->n_any_of)
		return s->any_of[i];
	i -= s->n_any_of;
	return i == 0 ? s->if_ : i == 1 ? s->then_ : s->else_;
}

/* One step of the cycle search: a schema and its next edge to follow. */
struct visit {
	const struct sanitize_schema *s;
	size_t next;
};

/*
 * report_cycle names the definitions on the cycle stack[from..depth), which
 * the edge out of closing completes.
 */
static void
report_cycle(struct loader *L, const struct visit *stack, size_t depth,
    size_t from, const struct sanitize_schema *closing)
{
	struct zp_buf path = ZP_BUF_INIT;
	char q[SHOW_MAX + 16];
	const char *name, *first = NULL;
	size_t i;

	for (i = from; i < depth; i++) {
		name = box_of(stack[i].s)->def_name;
		if (name == NULL)
			continue;
		if (first == NULL)
			first = name;
		zp_buf_printf(&path, "#/definitions/%s -> ",
		    show_bare(q, name, strlen(name)));
	}
	zp_buf_printf(&path, "#/definitions/%s",
	    first ? show_bare(q, first, strlen(first)) : "?");
	fail(L, closing->line, "$ref cycle: %s", path.data ? path.data : "");
	zp_buf_release(&path);
}

/*
 * find_cycles looks, from start, for a loop of $ref/anyOf/if/then/else
 * that never descends into the input: filtering would never end.  An
 * explicit stack keeps long $ref chains off the C stack.
 */
static void
find_cycles(struct loader *L, const struct sanitize_schema *start)
{
	struct visit *stack = NULL;
	size_t i, depth = 0, cap = 0;
	const struct sanitize_schema *s, *t;

	if (grow((void **)&stack, &cap, 0, sizeof(*stack)) != 0)
		goto nomem;
	stack[depth++] = (struct visit) {start, 0};
	box_of(start)->state = 1;
	while (depth > 0) {
		s = stack[depth - 1].s;
		if (stack[depth - 1].next >= n_edges(s)) {
			box_of(s)->state = 2;
			depth--;
			continue;
		}
		t = edge(s, stack[depth - 1].next++);
		if (t == NULL || box_of(t)->state == 2)
			continue;
		if (box_of(t)->state == 1) {
			for (i = depth - 1; stack[i].s != t; i--)
				;
			report_cycle(L, stack, depth, i, s);
			continue;
		}
		if (grow((void **)&stack, &cap, depth, sizeof(*stack)) != 0)
			goto nomem;
		stack[depth++] = (struct visit) {t, 0};
		box_of(t)->state = 1;
	}
	free(stack);
	return;
nomem:
	L->nomem = 1;
	free(stack);
}

/* check_cycles runs the cycle search over every schema. */
static void
check_cycles(struct loader *L)
{
	struct schema_box *b;

	for (b = L->schemas; b != NULL; b = b->next)
		if (b->state == 0)
			find_cycles(L, &b->s);
}

/* load_definitions reads the top-level "definitions". */
static void
load_definitions(struct loader *L, const struct ynode *v)
{
	struct sanitize_definition *d;
	struct sanitize_schema *s;
	size_t i;

	if (expect(L, v, Y_MAP, "definitions") != 0)
		return;
	map_check(L, v, "definitions", NULL, NULL);
	d = alloc_array(L, v->n / 2, sizeof(*d));
	if (d == NULL)
		return;
	L->has_definitions = 1;
	for (i = 0; i + 1 < v->n; i += 2) {
		if (v->kids[i]->kind != Y_SCALAR)
			continue;
		d[i / 2].name = dup_text(L, v->kids[i]->text, v->kids[i]->len);
		s = load_schema(L, v->kids[i + 1]);
		d[i / 2].schema = s;
		if (s != NULL)
			box_of(s)->def_name = d[i / 2].name;
	}
	L->rules->definitions = d;
	L->rules->n_definitions = v->n / 2;
}

/* --- parameter schemas (RULES-SPEC 1.2) ------------------------------ */

static const char *const param_keys[] = {
    "type", "format", "pattern", "enum", "or", "anyOf", NULL};
static const char *const query_param_keys[] = {"required", NULL};

static int load_param(struct loader *L, const struct ynode *n, int query,
    struct sanitize_param_schema *p);

/* param_ors reads "or" (Psoxy's JSON name) or "anyOf" (the spec's). */
static int
param_ors(struct loader *L, const struct ynode *n, int query,
    struct sanitize_param_schema *p)
{
	const char *key = map_get(n, "or") != NULL ? "or" : "anyOf";
	const struct ynode *v = map_get(n, key);
	struct sanitize_param_schema *ors;
	size_t i;

	if (v == NULL)
		return 0;
	if (map_get(n, "or") != NULL && map_get(n, "anyOf") != NULL)
		return fail(L, v->line, "give \"or\" or \"anyOf\", not both");
	if (expect(L, v, Y_SEQ, key) != 0)
		return ZP_ECONFIG;
	ors = alloc_array(L, v->n, sizeof(*ors));
	if (ors == NULL)
		return ZP_ENOMEM;
	for (i = 0; i < v->n; i++)
		load_param(L, v->kids[i], query, &ors[i]);
	p->ors = ors;
	p->n_ors = v->n;
	return 0;
}

/* load_param reads one parameter schema mapping. */
static int
load_param(struct loader *L, const struct ynode *n, int query,
    struct sanitize_param_schema *p)
{
	const struct ynode *v;
	char q[SHOW_MAX + 16];

	if (expect(L, n, Y_MAP, "a parameter schema") != 0)
		return ZP_ECONFIG;
	map_check(L, n, "parameter schema", param_keys,
	    query ? query_param_keys : NULL);
	p->line = n->line;
	if ((v = map_get(n, "type")) != NULL &&
	    (p->type = get_string(L, v, "type")) != NULL &&
	    strcmp(p->type, "string") != 0 &&
	    strcmp(p->type, "integer") != 0 && strcmp(p->type, "number") != 0)
		fail(L, v->line,
		    "unknown parameter type %s (expected string, integer or "
		    "number)",
		    show(q, v->text, v->len));
	if ((v = map_get(n, "format")) != NULL)
		p->format = get_string(L, v, "format");
	opt_regex(L, n, "pattern", &p->pattern);
	opt_strlist(L, n, "enum", &p->enum_values);
	opt_bool(L, n, "required", &p->required);
	return param_ors(L, n, query, p);
}

/* opt_params reads a mapping of parameter name to schema under key. */
static int
opt_params(struct loader *L, const struct ynode *m, const char *key, int query,
    const struct sanitize_param_schema **out, size_t *n)
{
	const struct ynode *v = map_get(m, key);
	struct sanitize_param_schema *p;
	size_t i;

	if (v == NULL)
		return 0;
	if (expect(L, v, Y_MAP, key) != 0)
		return ZP_ECONFIG;
	map_check(L, v, key, NULL, NULL);
	p = alloc_array(L, v->n / 2, sizeof(*p));
	if (p == NULL)
		return ZP_ENOMEM;
	for (i = 0; i + 1 < v->n; i += 2) {
		if (v->kids[i]->kind != Y_SCALAR)
			continue;
		p[i / 2].name = dup_text(L, v->kids[i]->text, v->kids[i]->len);
		load_param(L, v->kids[i + 1], query, &p[i / 2]);
	}
	*out = p;
	*n = v->n / 2;
	return 0;
}

/* check_path_params rejects a path parameter schema the template lacks. */
static void
check_path_params(struct loader *L, const struct sanitize_endpoint *e)
{
	char q[SHOW_MAX + 16];
	size_t i;
	const char *name;

	if (e->path_regex != NULL || e->path.code == NULL)
		return;
	for (i = 0; i < e->n_path_params; i++) {
		name = e->path_params[i].name;
		if (name != NULL &&
		    pcre2_substring_number_from_name(
			(pcre2_code *)e->path.code, (PCRE2_SPTR)name) < 0)
			fail(L, e->path_params[i].line,
			    "pathParameterSchemas: pathTemplate has no "
			    "parameter %s",
			    show(q, name, strlen(name)));
	}
}

/* --- transforms (RULES-SPEC 2) --------------------------------------- */

/* The registry of transform tags (2.12) and each one's own options. */
struct tag_info {
	const char *name;
	const char *const *opts;
};

static const char *const no_opts[] = {NULL};
static const char *const redact_regex_opts[] = {"redactions", NULL};
static const char *const phrases_opts[] = {"allowedPhrases", NULL};
static const char *const exceptions_opts[] = {"exceptions", NULL};
static const char *const pseudonymize_opts[] = {
    "encoding", "includeReversible", "includeOriginal", "onlyIfRegex", NULL};
static const char *const email_header_opts[] = {"encoding", NULL};
static const char *const filter_opts[] = {"delimiter", "filters", NULL};
static const char *const tokenize_opts[] = {"regex", NULL};
static const char *const digest_opts[] = {
    "keywords", "isJsonEscaped", "jsonPathToProcessWhenEscaped", NULL};
static const char *const regex_matches_opts[] = {
    "regex", "includeReversible", NULL};
static const char *const transform_common[] = {
    "method", "jsonPaths", "fields", "applyOnlyWhen", NULL};

/* Indexed by enum sanitize_transform_kind. */
static const struct tag_info transform_tags[] = {
    {"redact", no_opts},
    {"redactRegexMatches", redact_regex_opts},
    {"redactExceptPhrases", phrases_opts},
    {"redactExceptSubstringsMatchingRegexes", exceptions_opts},
    {"pseudonymize", pseudonymize_opts},
    {"pseudonymizeEmailHeader", email_header_opts},
    {"filterTokenByRegex", filter_opts},
    {"tokenize", tokenize_opts},
    {"textDigest", digest_opts},
    {"pseudonymizeRegexMatches", regex_matches_opts},
    {"hashIp", no_opts},
    {"encryptIp", no_opts},
};

#define N_TRANSFORM_TAGS (sizeof(transform_tags) / sizeof(transform_tags[0]))

const char *
sanitize_transform_name(enum sanitize_transform_kind kind)
{
	if ((size_t)kind >= N_TRANSFORM_TAGS)
		return "?";
	return transform_tags[kind].name;
}

/*
 * type_name finds the type of a transform or augment mapping n: its tag
 * (!<x> or !x), else its "method" key.  NULL when there is neither
 * (reported, with kind "transform" or "augment").
 */
static const char *
type_name(struct loader *L, const struct ynode *n, const char *kind)
{
	const struct ynode *method = map_get(n, "method");
	const char *tag = n->tag;
	char q[SHOW_MAX + 16], r[SHOW_MAX + 16];

	if (tag != NULL &&
	    strncmp(tag, YAML_TAG_PREFIX, strlen(YAML_TAG_PREFIX)) == 0)
		tag = NULL;
	while (tag != NULL && *tag == '!')
		tag++;
	if (tag != NULL && *tag == '\0')
		tag = NULL;
	if (method != NULL && method->kind != Y_SCALAR) {
		fail(L, method->line, "expected a string for method, got %s",
		    kind_name(method));
		return NULL;
	}
	if (tag != NULL && method != NULL && !key_is(method, tag)) {
		fail(L, method->line, "method %s contradicts the tag %s",
		    show(q, method->text, method->len), show_tag(r, tag));
		return NULL;
	}
	if (tag != NULL || method != NULL)
		return tag != NULL ? tag : method->text;
	fail(L, n->line,
	    "%s without a type (a tag like !<%s> or a method key)", kind,
	    strcmp(kind, "augment") == 0 ? "textDigest" : "redact");
	return NULL;
}

/* opt_encoding reads "encoding" (2.1); the default is URL_SAFE_TOKEN. */
static int
opt_encoding(
    struct loader *L, const struct ynode *m, enum sanitize_encoding *out)
{
	static const char *const names[] = {
	    "URL_SAFE_TOKEN", "JSON", "URL_SAFE_HASH_ONLY"};
	const struct ynode *v = map_get(m, "encoding");
	char q[SHOW_MAX + 16];
	size_t i;

	*out = SANITIZE_ENC_URL_SAFE_TOKEN;
	if (v == NULL)
		return 0;
	if (expect(L, v, Y_SCALAR, "encoding") != 0)
		return ZP_ECONFIG;
	for (i = 0; i < 3; i++)
		if (key_is(v, names[i])) {
			*out = (enum sanitize_encoding)i;
			return 0;
		}
	return fail(L, v->line,
	    "unknown encoding %s (expected URL_SAFE_TOKEN, JSON or "
	    "URL_SAFE_HASH_ONLY)",
	    show(q, v->text, v->len));
}

/* load_pseudonymize reads the options of !<pseudonymize>. */
static void
load_pseudonymize(
    struct loader *L, const struct ynode *m, struct sanitize_transform *t)
{
	const struct ynode *v;

	opt_encoding(L, m, &t->encoding);
	opt_bool(L, m, "includeReversible", &t->include_reversible);
	opt_bool(L, m, "includeOriginal", &t->include_original);
	if ((v = map_get(m, "onlyIfRegex")) != NULL)
		t->only_if_regex = get_string(L, v, "onlyIfRegex");
	v = map_get(m, "includeOriginal");
	if (t->include_original && t->encoding == SANITIZE_ENC_URL_SAFE_TOKEN)
		fail(L, v->line,
		    "includeOriginal cannot be used with encoding "
		    "URL_SAFE_TOKEN");
}

/* quote_phrase appends phrase p as a literal regex: each ASCII sign escaped.
 */
static int
quote_phrase(struct zp_buf *out, const char *p)
{
	int rc = 0;

	for (; *p != '\0' && rc == 0; p++) {
		if ((unsigned char)*p < 0x80 && !is_alnum(*p))
			rc = zp_buf_putc(out, '\\');
		if (rc == 0)
			rc = zp_buf_putc(out, *p);
	}
	return rc;
}

/* load_phrase compiles phrase regex re from the string node v (2.10). */
static int
load_phrase(struct loader *L, const struct ynode *v, struct sanitize_regex *re)
{
	struct zp_buf b = ZP_BUF_INIT;
	int rc;

	re->line = v->line;
	re->source = get_string(L, v, "allowedPhrases");
	if (re->source == NULL)
		return ZP_ECONFIG;
	rc = zp_buf_puts(&b, "\\b(");
	if (rc == 0)
		rc = quote_phrase(&b, re->source);
	if (rc == 0)
		rc = zp_buf_puts(&b, ")[\\s:]*\\b");
	if (rc == 0)
		rc = compile(
		    L, b.data, b.len, PCRE2_CASELESS, "allowedPhrases", 3, re);
	else
		L->nomem = 1;
	zp_buf_release(&b);
	return rc;
}

/* load_exception compiles .*?(R).*? from the string node v (2.11). */
static int
load_exception(
    struct loader *L, const struct ynode *v, struct sanitize_regex *re)
{
	struct zp_buf b = ZP_BUF_INIT;
	int rc;

	re->line = v->line;
	re->source = get_string(L, v, "exceptions");
	if (re->source == NULL)
		return ZP_ECONFIG;
	rc = zp_buf_printf(&b, ".*?(%s).*?", re->source);
	if (rc == 0)
		rc = compile(L, b.data, b.len, 0, "exceptions", 4, re);
	else
		L->nomem = 1;
	zp_buf_release(&b);
	return rc;
}

/* opt_wrapped reads a list under key, each compiled by one. */
static void
opt_wrapped(struct loader *L, const struct ynode *m, const char *key,
    int (*one)(struct loader *, const struct ynode *, struct sanitize_regex *),
    const struct sanitize_regex **out, size_t *n)
{
	const struct ynode *v = map_get(m, key);
	struct sanitize_regex *re;
	size_t i;

	if (v == NULL || expect(L, v, Y_SEQ, key) != 0)
		return;
	re = alloc_array(L, v->n, sizeof(*re));
	if (re == NULL)
		return;
	for (i = 0; i < v->n; i++)
		one(L, v->kids[i], &re[i]);
	*out = re;
	*n = v->n;
}

/* load_filter reads the options of !<filterTokenByRegex> (2.4). */
static void
load_filter(
    struct loader *L, const struct ynode *m, struct sanitize_transform *t)
{
	const struct ynode *v = map_get_raw(m, "delimiter");

	if (v == NULL) {
		t->delimiter.source = "\\s+";
		compile(L, "\\s+", 3, 0, "delimiter", 0, &t->delimiter);
	} else if (!is_null(v)) {
		get_regex(L, v, "delimiter", 0, &t->delimiter);
	}
	opt_regexes(L, m, "filters", &t->filters, &t->n_filters);
}

/* load_digest reads the options of !<textDigest> (2.6). */
static void
load_digest(
    struct loader *L, const struct ynode *m, struct sanitize_transform *t)
{
	opt_strlist(L, m, "keywords", &t->keywords);
	opt_bool(L, m, "isJsonEscaped", &t->is_json_escaped);
	opt_path(
	    L, m, "jsonPathToProcessWhenEscaped", &t->json_path_when_escaped);
	if (t->is_json_escaped && t->json_path_when_escaped.text == NULL)
		fail(L, m->line,
		    "isJsonEscaped needs jsonPathToProcessWhenEscaped");
}

/* load_options reads the options of t's kind from m. */
static void
load_options(
    struct loader *L, const struct ynode *m, struct sanitize_transform *t)
{
	switch (t->kind) {
	case SANITIZE_REDACT_REGEX_MATCHES:
		opt_regexes(
		    L, m, "redactions", &t->redactions, &t->n_redactions);
		break;
	case SANITIZE_REDACT_EXCEPT_PHRASES:
		opt_wrapped(L, m, "allowedPhrases", load_phrase, &t->phrases,
		    &t->n_phrases);
		break;
	case SANITIZE_REDACT_EXCEPT_SUBSTRINGS_MATCHING_REGEXES:
		opt_wrapped(L, m, "exceptions", load_exception, &t->exceptions,
		    &t->n_exceptions);
		break;
	case SANITIZE_PSEUDONYMIZE: load_pseudonymize(L, m, t); break;
	case SANITIZE_PSEUDONYMIZE_EMAIL_HEADER:
		opt_encoding(L, m, &t->encoding);
		break;
	case SANITIZE_FILTER_TOKEN_BY_REGEX: load_filter(L, m, t); break;
	case SANITIZE_TOKENIZE: opt_regex(L, m, "regex", &t->regex); break;
	case SANITIZE_TEXT_DIGEST: load_digest(L, m, t); break;
	case SANITIZE_PSEUDONYMIZE_REGEX_MATCHES:
		opt_regex(L, m, "regex", &t->regex);
		opt_bool(L, m, "includeReversible", &t->include_reversible);
		break;
	default: break;
	}
}

/* required_option names the option kind cannot do without, or NULL. */
static const char *
required_option(enum sanitize_transform_kind kind)
{
	switch (kind) {
	case SANITIZE_REDACT_REGEX_MATCHES: return "redactions";
	case SANITIZE_REDACT_EXCEPT_PHRASES: return "allowedPhrases";
	case SANITIZE_REDACT_EXCEPT_SUBSTRINGS_MATCHING_REGEXES:
		return "exceptions";
	case SANITIZE_FILTER_TOKEN_BY_REGEX: return "filters";
	case SANITIZE_PSEUDONYMIZE_REGEX_MATCHES: return "regex";
	default: return NULL;
	}
}

/* load_transform reads one transform mapping n into t. */
static void
load_transform(
    struct loader *L, const struct ynode *n, struct sanitize_transform *t)
{
	char what[64], q[SHOW_MAX + 16];
	const char *type, *req;
	size_t k;

	if (n->kind != Y_MAP) {
		fail(L, n->line, "expected a mapping for a transform, got %s",
		    kind_name(n));
		return;
	}
	t->line = n->line;
	if ((type = type_name(L, n, "transform")) == NULL)
		return;
	for (k = 0; k < N_TRANSFORM_TAGS; k++)
		if (strcmp(type, transform_tags[k].name) == 0)
			break;
	if (k == N_TRANSFORM_TAGS) {
		fail(
		    L, n->line, "unknown transform tag %s", show_tag(q, type));
		return;
	}
	t->kind = (enum sanitize_transform_kind)k;
	snprintf(what, sizeof(what), "!<%s>", transform_tags[k].name);
	map_check(L, n, what, transform_common, transform_tags[k].opts);
	require(L, n, "jsonPaths", what);
	opt_paths(L, n, "jsonPaths", &t->json_paths, &t->n_json_paths);
	opt_path(L, n, "applyOnlyWhen", &t->apply_only_when);
	if (map_get(n, "fields") != NULL)
		get_strlist(L, map_get(n, "fields"), "fields",
		    &(struct sanitize_strlist) {0});
	if ((req = required_option(t->kind)) != NULL)
		require(L, n, req, what);
	load_options(L, n, t);
}

/* load_transforms reads an endpoint's "transforms" list. */
static void
load_transforms(
    struct loader *L, const struct ynode *m, struct sanitize_endpoint *e)
{
	const struct ynode *v = map_get(m, "transforms");
	struct sanitize_transform *t;
	size_t i;

	if (v == NULL || expect(L, v, Y_SEQ, "transforms") != 0)
		return;
	t = alloc_array(L, v->n, sizeof(*t));
	if (t == NULL)
		return;
	for (i = 0; i < v->n; i++)
		load_transform(L, v->kids[i], &t[i]);
	e->transforms = t;
	e->n_transforms = v->n;
}

/* --- augments -------------------------------------------------------- */

static const char *const augment_common[] = {
    "method", "jsonPaths", "innerJsonPath", "outputSchema", NULL};
static const char *const digest_augment_opts[] = {"keywords", NULL};
static const char *const sentence_opts[] = {
    "taxonomy", "hedgeWords", "constraintWords", NULL};

/* load_taxonomy checks sentenceMetadata's taxonomy: names to word lists. */
static void
load_taxonomy(struct loader *L, const struct ynode *m)
{
	const struct ynode *v = map_get(m, "taxonomy");
	struct sanitize_strlist words;
	size_t i;

	if (v == NULL || expect(L, v, Y_MAP, "taxonomy") != 0)
		return;
	map_check(L, v, "taxonomy", NULL, NULL);
	for (i = 1; i < v->n; i += 2)
		get_strlist(L, v->kids[i], "taxonomy", &words);
}

/* load_augment reads one augment mapping n into a. */
static void
load_augment(
    struct loader *L, const struct ynode *n, struct sanitize_augment *a)
{
	struct sanitize_strlist ignored;
	const char *type;
	char q[SHOW_MAX + 16];

	if (n->kind != Y_MAP) {
		fail(L, n->line, "expected a mapping for an augment, got %s",
		    kind_name(n));
		return;
	}
	a->line = n->line;
	if ((type = type_name(L, n, "augment")) == NULL)
		return;
	if (strcmp(type, "textDigest") == 0) {
		a->kind = SANITIZE_AUGMENT_TEXT_DIGEST;
		map_check(L, n, "!<textDigest>", augment_common,
		    digest_augment_opts);
		opt_strlist(L, n, "keywords", &a->keywords);
	} else if (strcmp(type, "sentenceMetadata") == 0) {
		a->kind = SANITIZE_AUGMENT_SENTENCE_METADATA;
		map_check(L, n, "!<sentenceMetadata>", augment_common,
		    sentence_opts);
		opt_strlist(L, n, "hedgeWords", &ignored);
		opt_strlist(L, n, "constraintWords", &ignored);
		load_taxonomy(L, n);
	} else {
		fail(L, n->line, "unknown augment tag %s", show_tag(q, type));
		return;
	}
	require(L, n, "jsonPaths", "augment");
	opt_paths(L, n, "jsonPaths", &a->json_paths, &a->n_json_paths);
	opt_path(L, n, "innerJsonPath", &a->inner_json_path);
}

/* load_augments reads an endpoint's "augments" list. */
static void
load_augments(
    struct loader *L, const struct ynode *m, struct sanitize_endpoint *e)
{
	const struct ynode *v = map_get(m, "augments");
	struct sanitize_augment *a;
	size_t i;

	if (v == NULL || expect(L, v, Y_SEQ, "augments") != 0)
		return;
	a = alloc_array(L, v->n, sizeof(*a));
	if (a == NULL)
		return;
	for (i = 0; i < v->n; i++)
		load_augment(L, v->kids[i], &a[i]);
	e->augments = a;
	e->n_augments = v->n;
}

/* --- endpoints and the top level ------------------------------------- */

static const char *const endpoint_keys[] = {"pathRegex", "pathTemplate",
    "pathParameterSchemas", "allowedQueryParams", "queryParamSchemas",
    "allowedMethods", "allowedRequestHeaders",
    "allowedRequestHeadersToForward", "requestBody", "responseSchema",
    "augments", "transforms", NULL};

static const char *const rules_keys[] = {"endpoints", "definitions",
    "allowedRequestHeaders", "allowAllEndpoints", "defaultScopeIdForSource",
    NULL};

/*
 * skip_class returns the end of the character class at re[i] (a '['),
 * just past its ']', or 0 when it is not plainly one.
 */
static size_t
skip_class(const char *re, size_t i)
{
	i++;
	if (re[i] == '^')
		i++;
	if (re[i] == ']')
		i++;
	for (; re[i] != '\0' && re[i] != ']'; i++) {
		if (re[i] == '[' && re[i + 1] == ':')
			return 0; /* a POSIX class: not followed here */
		if (re[i] == '\\' && re[++i] == '\0')
			return 0;
	}
	return re[i] == ']' ? i + 1 : 0;
}

/*
 * is_sequence tells whether regex re is a sequence at its top level: no
 * '|' outside groups and classes.  What it cannot follow for sure (\Q,
 * \c, comments, POSIX classes, unbalanced groups) counts as no.
 */
static int
is_sequence(const char *re)
{
	size_t i = 0, depth = 0;

	while (re[i] != '\0') {
		switch (re[i]) {
		case '\\':
			if (re[i + 1] == '\0' || re[i + 1] == 'Q' ||
			    re[i + 1] == 'c')
				return 0;
			i += 2;
			continue;
		case '[':
			if ((i = skip_class(re, i)) == 0)
				return 0;
			continue;
		case '(':
			if (re[i + 1] == '?' && re[i + 2] == '#')
				return 0;
			depth++;
			break;
		case ')':
			if (depth-- == 0)
				return 0;
			break;
		case '|':
			if (depth == 0)
				return 0;
			break;
		case '#': return 0; /* a comment, under (?x) */
		default: break;
		}
		i++;
	}
	return depth == 0;
}

/* prefix_char gives the ASCII literal at re[*i] and steps past it, or
 * -1 when re[*i] is not plainly a literal character. */
static int
prefix_char(const char *re, size_t *i)
{
	unsigned char c = (unsigned char)re[*i], d;

	if (is_alnum((char)c) || (c != '\0' && strchr("/_-~%,:@=&", c))) {
		*i += 1;
		return c;
	}
	d = (unsigned char)re[*i + 1];
	if (c == '\\' && d > ' ' && d < 0x7f && !is_alnum((char)d)) {
		*i += 2;
		return d;
	}
	return -1;
}

/*
 * path_prefix sets e's path_prefix: the literal characters its path
 * regex starts with (after a '^'), when the regex is a sequence at its
 * top level, each but a quantified one.  Every match, anchored at the
 * start of the target, begins with them.
 */
static void
path_prefix(struct loader *L, struct sanitize_endpoint *e)
{
	const char *re = e->path.source;
	char *out;
	size_t i = 0, next, n = 0;
	int c;

	if (re == NULL || e->path.code == NULL || !is_sequence(re))
		return;
	if ((out = alloc(L, strlen(re) + 1)) == NULL)
		return;
	if (re[i] == '^')
		i++;
	for (next = i; (c = prefix_char(re, &next)) >= 0; i = next) {
		if (re[next] == '?' || re[next] == '*' || re[next] == '+' ||
		    re[next] == '{')
			break; /* this one is quantified */
		out[n++] = (char)c;
	}
	e->path_prefix = out;
	e->path_prefix_len = n;
}

/* load_path reads pathRegex and pathTemplate and compiles the path. */
static void
load_path(struct loader *L, const struct ynode *m, struct sanitize_endpoint *e)
{
	const struct ynode *re = map_get(m, "pathRegex");
	const struct ynode *tp = map_get(m, "pathTemplate");

	if (re == NULL && tp == NULL) {
		fail(L, m->line, "endpoint needs pathRegex or pathTemplate");
		return;
	}
	if (tp != NULL)
		e->path_template = get_string(L, tp, "pathTemplate");
	if (re != NULL) {
		if (get_regex(L, re, "pathRegex", PCRE2_CASELESS, &e->path) ==
		    0)
			e->path_regex = e->path.source;
	} else if (e->path_template != NULL) {
		compile_template(L, tp, e);
	}
	path_prefix(L, e);
}

/* upper_case turns the ASCII letters of s to upper case in place. */
static void
upper_case(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

/* load_methods reads "allowedMethods", upper-cased for comparison. */
static void
load_methods(
    struct loader *L, const struct ynode *m, struct sanitize_endpoint *e)
{
	size_t i;

	if (opt_strlist(L, m, "allowedMethods", &e->allowed_methods) != 0)
		return;
	for (i = 0; i < e->allowed_methods.n; i++)
		upper_case((char *)e->allowed_methods.v[i]);
}

/* load_headers merges allowedRequestHeaders and its deprecated twin. */
static void
load_headers(
    struct loader *L, const struct ynode *m, struct sanitize_endpoint *e)
{
	struct sanitize_strlist a = {0}, b = {0};
	const char **v;

	if (opt_strlist(L, m, "allowedRequestHeaders", &a) != 0 ||
	    opt_strlist(L, m, "allowedRequestHeadersToForward", &b) != 0)
		return;
	if (!b.set) {
		e->allowed_request_headers = a;
		return;
	}
	if (!a.set) {
		e->allowed_request_headers = b;
		return;
	}
	v = alloc_array(L, a.n + b.n, sizeof(*v));
	if (v == NULL)
		return;
	memcpy(v, a.v, a.n * sizeof(*v));
	memcpy(v + a.n, b.v, b.n * sizeof(*v));
	e->allowed_request_headers =
	    (struct sanitize_strlist) {v, a.n + b.n, 1};
}

/* load_endpoint reads one endpoint mapping n into e. */
static void
load_endpoint(
    struct loader *L, const struct ynode *n, struct sanitize_endpoint *e)
{
	const struct ynode *v;

	if (expect(L, n, Y_MAP, "an endpoint") != 0)
		return;
	map_check(L, n, "endpoint", endpoint_keys, NULL);
	e->line = n->line;
	load_path(L, n, e);
	opt_params(L, n, "pathParameterSchemas", 0, &e->path_params,
	    &e->n_path_params);
	check_path_params(L, e);
	opt_strlist(L, n, "allowedQueryParams", &e->allowed_query_params);
	opt_params(L, n, "queryParamSchemas", 1, &e->query_params,
	    &e->n_query_params);
	load_methods(L, n, e);
	load_headers(L, n, e);
	e->has_request_body = map_get(n, "requestBody") != NULL;
	if ((v = map_get(n, "responseSchema")) != NULL)
		e->response_schema = load_schema(L, v);
	load_augments(L, n, e);
	load_transforms(L, n, e);
}

/* load_endpoints reads the top-level "endpoints" list. */
static void
load_endpoints(struct loader *L, const struct ynode *v)
{
	struct sanitize_endpoint *e;
	size_t i;

	if (expect(L, v, Y_SEQ, "endpoints") != 0)
		return;
	e = alloc_array(L, v->n, sizeof(*e));
	if (e == NULL)
		return;
	for (i = 0; i < v->n; i++)
		load_endpoint(L, v->kids[i], &e[i]);
	L->rules->endpoints = e;
	L->rules->n_endpoints = v->n;
}

/* load_top reads the rules mapping at the root of the document. */
static void
load_top(struct loader *L, const struct ynode *root)
{
	struct sanitize_rules *r = L->rules;
	const struct ynode *v;

	if (expect(L, root, Y_MAP, "the rules") != 0)
		return;
	map_check(L, root, "rules", rules_keys, NULL);
	opt_bool(L, root, "allowAllEndpoints", &r->allow_all_endpoints);
	opt_strlist(
	    L, root, "allowedRequestHeaders", &r->allowed_request_headers);
	if ((v = map_get(root, "definitions")) != NULL)
		load_definitions(L, v);
	if ((v = map_get(root, "endpoints")) != NULL)
		load_endpoints(L, v);
	else if (!r->allow_all_endpoints)
		require(L, root, "endpoints", "rules");
	resolve_refs(L);
	check_cycles(L);
}

/* --- loading --------------------------------------------------------- */

/* hex_sha256 writes the hex SHA-256 of len bytes at p into out. */
static int
hex_sha256(const char *p, size_t len, char out[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[32];
	size_t i;
	int rc = zp_sha256(p, len, md);

	if (rc != 0)
		return rc;
	for (i = 0; i < 32; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[64] = '\0';
	return 0;
}

/* new_rules allocates an empty rule set named name. */
static struct sanitize_rules *
new_rules(const char *name)
{
	struct sanitize_rules *r = calloc(1, sizeof(*r));
	struct zp_arena arena = ZP_ARENA_INIT;

	if (r == NULL)
		return NULL;
	r->mem = calloc(1, sizeof(*r->mem));
	if (r->mem == NULL) {
		free(r);
		return NULL;
	}
	r->mem->arena = arena;
	r->name = zp_arena_memdup(&r->mem->arena, name, strlen(name) + 1);
	if (r->name == NULL)
		sanitize_rules_free(&r);
	return r;
}

/* loader_init prepares L to load text into a new rule set. */
static int
loader_init(struct loader *L, const char *name, const char *text, size_t len,
    const struct sanitize_rules_options *opt)
{
	struct zp_buf empty = ZP_BUF_INIT;

	memset(L, 0, sizeof(*L));
	L->opt = opt != NULL ? opt : &no_options;
	L->max_errors =
	    L->opt->max_errors ? L->opt->max_errors : DEFAULT_MAX_ERRORS;
	L->text = text;
	L->len = len;
	L->why = empty;
	L->rules = new_rules(name);
	if (L->rules == NULL)
		return ZP_ENOMEM;
	L->file = L->rules->name;
	L->mem = L->rules->mem;
	L->cctx = pcre2_compile_context_create(NULL);
	L->root_schema = alloc(L, sizeof(*L->root_schema));
	if (L->cctx == NULL || L->root_schema == NULL)
		return ZP_ENOMEM;
	pcre2_set_newline(L->cctx, PCRE2_NEWLINE_ANYCRLF);
	return hex_sha256(text, len, L->rules->sha256);
}

/* loader_finish releases L's scratch and says how the load went. */
static int
loader_finish(struct loader *L, int rc)
{
	pcre2_compile_context_free(L->cctx);
	zp_buf_release(&L->why);
	if (rc == 0 && L->nomem)
		rc = ZP_ENOMEM;
	if (rc == 0 && L->n_errors > 0)
		rc = ZP_ECONFIG;
	flush_messages(L, L->opt->errors);
	return rc;
}

int
sanitize_rules_load_string(const char *name, const char *text, size_t len,
    const struct sanitize_rules_options *opt, struct sanitize_rules **out)
{
	struct loader L;
	struct ybuild b;
	int rc;

	if (out == NULL)
		return ZP_EINVAL;
	*out = NULL;
	if (name == NULL || (text == NULL && len > 0))
		return ZP_EINVAL;
	rc = loader_init(&L, name, text ? text : "", len, opt);
	if (rc == 0) {
		memset(&b, 0, sizeof(b));
		b.L = &L;
		rc = tree_build(&L, &b);
		if (rc == 0)
			load_top(&L, b.root);
		free(b.frames);
		free(b.kids);
		zp_arena_release(&b.arena);
	}
	rc = loader_finish(&L, rc);
	if (rc == 0)
		*out = L.rules;
	else
		sanitize_rules_free(&L.rules);
	return rc;
}

/* read_all appends the contents of f to out, refusing more than max bytes. */
static int
read_all(FILE *f, struct zp_buf *out, size_t max)
{
	size_t n;

	for (;;) {
		if (zp_buf_reserve(out, 65536) != 0)
			return ZP_ENOMEM;
		n = fread(out->data + out->len, 1, 65536, f);
		out->len += n;
		out->data[out->len] = '\0';
		if (out->len > max)
			return ZP_ETOOBIG;
		if (n < 65536)
			return ferror(f) ? ZP_EIO : 0;
	}
}

int
sanitize_rules_load_file(const char *path,
    const struct sanitize_rules_options *opt, struct sanitize_rules **out)
{
	struct zp_buf text = ZP_BUF_INIT;
	struct zp_buf *errors = opt != NULL ? opt->errors : NULL;
	FILE *f;
	int rc, err;

	if (out == NULL || path == NULL)
		return ZP_EINVAL;
	*out = NULL;
	f = fopen(path, "rb");
	if (f == NULL) {
		err = errno;
		if (errors != NULL)
			zp_buf_printf(errors, "%s: %s\n", path, strerror(err));
		return ZP_EIO;
	}
	rc = read_all(f, &text, MAX_RULES_BYTES);
	err = errno;
	fclose(f);
	if (rc == 0)
		rc = sanitize_rules_load_string(
		    path, text.data, text.len, opt, out);
	else if (errors != NULL)
		zp_buf_printf(errors, "%s: %s\n", path,
		    rc == ZP_ETOOBIG   ? "larger than 16 MiB"
			: rc == ZP_EIO ? strerror(err)
				       : zp_strerror(rc));
	zp_buf_release(&text);
	return rc;
}

void
sanitize_rules_free(struct sanitize_rules **rules)
{
	struct sanitize_rules_mem *mem;
	size_t i;

	if (rules == NULL || *rules == NULL)
		return;
	mem = (*rules)->mem;
	if (mem != NULL) {
		for (i = 0; i < mem->n_codes; i++)
			pcre2_code_free(mem->codes[i]);
		free(mem->codes);
		zp_arena_release(&mem->arena);
		free(mem);
	}
	free(*rules);
	*rules = NULL;
}

/* --- matching (RULES-SPEC 1.3, 1.5) ---------------------------------- */

/* full_match runs re over all of s[0..n) into md: 1 match, 0 not. */
static int
full_match(const struct sanitize_regex *re, const char *s, size_t n,
    pcre2_match_data *md)
{
	int rc = re->whole != NULL
	    ? pcre2_match((const pcre2_code *)re->whole, (PCRE2_SPTR)s, n, 0,
		  0, md, NULL)
	    : pcre2_match((const pcre2_code *)re->code, (PCRE2_SPTR)s, n, 0,
		  PCRE2_ANCHORED | PCRE2_ENDANCHORED, md, NULL);

	return rc >= 0;
}

int
sanitize_regex_full_match(
    const struct sanitize_regex *re, const char *s, size_t n)
{
	pcre2_match_data *md;
	int rc;

	if (re == NULL || re->code == NULL || (s == NULL && n > 0))
		return ZP_EINVAL;
	md = pcre2_match_data_create(1, NULL);
	if (md == NULL)
		return ZP_ENOMEM;
	rc = full_match(re, s ? s : "", n, md);
	pcre2_match_data_free(md);
	return rc;
}

/* hex_value gives the value of hex digit c, or -1. */
static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * form_decode appends s[0..n) decoded as a form field: '+' is a space,
 * %XX a byte, and a '%' without two hex digits stays as it is.
 */
static int
form_decode(struct zp_buf *out, const char *s, size_t n)
{
	size_t i;
	int hi, lo, rc = zp_buf_reserve(out, n);

	for (i = 0; i < n && rc == 0; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    (hi = hex_value(s[i + 1])) >= 0 &&
		    (lo = hex_value(s[i + 2])) >= 0) {
			zp_buf_putc_fast(out, (char)(hi * 16 + lo));
			i += 2;
		} else {
			zp_buf_putc_fast(out, s[i] == '+' ? ' ' : s[i]);
		}
	}
	if (rc == 0)
		out->data[out->len] = '\0';
	return rc;
}

/* One query parameter: name and value spans of the raw query. */
struct qparam {
	const char *name, *value; /* value NULL for a bare "name" */
	size_t name_len, value_len;
};

/* next_param splits the next pair off *q (advanced past it); 0 at end. */
static int
next_param(const char **q, struct qparam *p)
{
	const char *s = *q, *end, *eq;

	if (s == NULL || *s == '\0')
		return 0;
	end = s + strcspn(s, "&");
	*q = *end == '&' ? end + 1 : end;
	eq = memchr(s, '=', (size_t)(end - s));
	p->name = s;
	p->name_len = (size_t)((eq ? eq : end) - s);
	p->value = eq ? eq + 1 : NULL;
	p->value_len = eq ? (size_t)(end - eq - 1) : 0;
	return 1;
}

/* ascii_caseeq compares two byte strings ignoring ASCII case. */
static int
ascii_caseeq(const char *a, size_t an, const char *b)
{
	size_t i;
	char x, y;

	if (strlen(b) != an)
		return 0;
	for (i = 0; i < an; i++) {
		x = a[i] >= 'A' && a[i] <= 'Z' ? (char)(a[i] + 32) : a[i];
		y = b[i] >= 'A' && b[i] <= 'Z' ? (char)(b[i] + 32) : b[i];
		if (x != y)
			return 0;
	}
	return 1;
}

/* list_has_ci tells whether list l holds s[0..n), ignoring ASCII case. */
static int
list_has_ci(const struct sanitize_strlist *l, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (ascii_caseeq(s, n, l->v[i]))
			return 1;
	return 0;
}

/* list_has_exact tells whether list l holds exactly s[0..n). */
static int
list_has_exact(const struct sanitize_strlist *l, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strlen(l->v[i]) == n && memcmp(l->v[i], s, n) == 0)
			return 1;
	return 0;
}

/* is_digits tells whether s[0..n), trimmed of bytes <= ' ', is \d+. */
static int
is_digits(const char *s, size_t n)
{
	size_t i;

	while (n > 0 && (unsigned char)*s <= ' ')
		s++, n--;
	while (n > 0 && (unsigned char)s[n - 1] <= ' ')
		n--;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

/* digits_at counts the ASCII digits at s[*i..n) and moves *i past them. */
static size_t
digits_at(const char *s, size_t n, size_t *i)
{
	size_t start = *i;

	while (*i < n && s[*i] >= '0' && s[*i] <= '9')
		(*i)++;
	return *i - start;
}

/*
 * is_java_double approximates Java's Double.parseDouble on s[0..n):
 * trimmed, an optional sign, then NaN, Infinity, or decimal digits with an
 * optional fraction and exponent and an f/F/d/D suffix.  Hex floats are
 * not accepted.
 */
static int
is_java_double(const char *s, size_t n)
{
	size_t i = 0, mant;

	while (n > 0 && (unsigned char)*s <= ' ')
		s++, n--;
	while (n > 0 && (unsigned char)s[n - 1] <= ' ')
		n--;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	if ((n - i == 3 && memcmp(s + i, "NaN", 3) == 0) ||
	    (n - i == 8 && memcmp(s + i, "Infinity", 8) == 0))
		return 1;
	mant = digits_at(s, n, &i);
	if (i < n && s[i] == '.') {
		i++;
		mant += digits_at(s, n, &i);
	}
	if (mant == 0)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (digits_at(s, n, &i) == 0)
			return 0;
	}
	if (i < n && strchr("fFdD", s[i]) != NULL && s[i] != '\0')
		i++;
	return i == n;
}

/* is_reversible tells whether s[0..n) is p~ and 43+ base64url chars. */
static int
is_reversible(const char *s, size_t n)
{
	size_t i;

	if (n < 45 || s[0] != 'p' || s[1] != '~')
		return 0;
	for (i = 2; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
	return 1;
}

/* param_ok checks value s[0..n) against schema p the way Psoxy does. */
static int
param_ok(const struct sanitize_param_schema *p, const char *s, size_t n)
{
	size_t i;
	int rc;

	if (p->type != NULL && strcmp(p->type, "integer") == 0)
		return is_digits(s, n);
	if (p->type != NULL && strcmp(p->type, "number") == 0 &&
	    !is_java_double(s, n))
		return 0;
	if (p->format != NULL &&
	    (strcmp(p->format, "reversible-pseudonym") == 0 ||
		strcmp(p->format, "pseudonym") == 0) &&
	    !is_reversible(s, n))
		return 0;
	if (p->enum_values.set && !list_has_exact(&p->enum_values, s, n))
		return 0;
	if (p->pattern.code != NULL &&
	    (rc = sanitize_regex_full_match(&p->pattern, s, n)) != 1)
		return rc;
	if (p->n_ors == 0)
		return 1;
	for (i = 0; i < p->n_ors; i++)
		if ((rc = param_ok(&p->ors[i], s, n)) != 0)
			return rc;
	return 0;
}

/*
 * query_value_ok checks one query value against the schema of its name,
 * if any (names compare exactly here, as in Psoxy).
 */
static int
query_value_ok(const struct sanitize_endpoint *e, const char *name,
    const struct qparam *q, struct zp_buf *tmp)
{
	size_t i;

	for (i = 0; i < e->n_query_params; i++) {
		if (strcmp(e->query_params[i].name, name) != 0)
			continue;
		zp_buf_reset(tmp);
		if (form_decode(tmp, q->value, q->value_len) != 0)
			return ZP_ENOMEM;
		return param_ok(
		    &e->query_params[i], tmp->data ? tmp->data : "", tmp->len);
	}
	return 1;
}

/* query_has tells whether query q gives name a value. */
static int
query_has(const char *q, const char *name, struct zp_buf *tmp)
{
	struct qparam p;

	while (next_param(&q, &p)) {
		zp_buf_reset(tmp);
		if (form_decode(tmp, p.name, p.name_len) != 0)
			return ZP_ENOMEM;
		if (p.value != NULL && tmp->len == strlen(name) &&
		    memcmp(tmp->data, name, tmp->len) == 0)
			return 1;
	}
	return 0;
}

/*
 * query_pairs_ok checks each parameter of raw query q (NULL: none) against
 * allowedQueryParams (names decoded, ASCII case ignored) and the schemas.
 */
static int
query_pairs_ok(const struct sanitize_endpoint *e, const char *q,
    struct zp_buf *name, struct zp_buf *tmp)
{
	struct qparam p;
	int rc;

	while (next_param(&q, &p)) {
		if (p.name_len == 0)
			continue;
		zp_buf_reset(name);
		if (form_decode(name, p.name, p.name_len) != 0)
			return ZP_ENOMEM;
		if (e->allowed_query_params.set &&
		    !list_has_ci(
			&e->allowed_query_params, name->data, name->len))
			return 0;
		if (p.value != NULL &&
		    (rc = query_value_ok(e, name->data, &p, tmp)) != 1)
			return rc;
	}
	return 1;
}

/* query_ok applies an endpoint's query rules to raw query q. */
static int
query_ok(const struct sanitize_endpoint *e, const char *q)
{
	struct zp_buf name = ZP_BUF_INIT, tmp = ZP_BUF_INIT;
	size_t i;
	int rc = query_pairs_ok(e, q, &name, &tmp);

	for (i = 0; rc == 1 && i < e->n_query_params; i++)
		if (e->query_params[i].required)
			rc = query_has(q, e->query_params[i].name, &tmp);
	zp_buf_release(&name);
	zp_buf_release(&tmp);
	return rc;
}

/* method_ok applies allowedMethods to method, compared in upper case. */
static int
method_ok(const struct sanitize_endpoint *e, const char *method)
{
	size_t i, n = strlen(method);

	if (!e->allowed_methods.set)
		return 1;
	for (i = 0; i < e->allowed_methods.n; i++)
		if (ascii_caseeq(method, n, e->allowed_methods.v[i]))
			return 1;
	return 0;
}

/* path_params_ok checks the template's captured values (md, over s). */
static int
path_params_ok(
    const struct sanitize_endpoint *e, pcre2_match_data *md, const char *s)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	uint32_t count = pcre2_get_ovector_count(md);
	size_t i;
	int g, rc;

	for (i = 0; i < e->n_path_params; i++) {
		g = pcre2_substring_number_from_name(
		    (const pcre2_code *)e->path.code,
		    (PCRE2_SPTR)e->path_params[i].name);
		if (g < 0 || (uint32_t)g >= count || ov[2 * g] == PCRE2_UNSET)
			return 0;
		rc = param_ok(&e->path_params[i], s + ov[2 * g],
		    ov[2 * g + 1] - ov[2 * g]);
		if (rc != 1)
			return rc;
	}
	return 1;
}

/*
 * path_ok matches e's path regex: pathRegex against the whole target,
 * then (or only) the template's against the path; with path parameter
 * schemas, the captured values must pass them.
 */
static int
path_ok(const struct sanitize_endpoint *e, const char *target, size_t plen,
    pcre2_match_data *md)
{
	size_t n = strlen(target);

	if (e->path_regex != NULL && full_match(&e->path, target, n, md))
		return e->path_template && e->n_path_params
		    ? path_params_ok(e, md, target)
		    : 1;
	if (e->path_regex != NULL && e->path_template == NULL)
		return 0;
	if (!full_match(&e->path, target, plen, md))
		return 0;
	return e->n_path_params ? path_params_ok(e, md, target) : 1;
}

/* ascii_lower gives c in lower case if it is an ASCII capital. */
static unsigned char
ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/*
 * prefix_differs tells whether target[0..plen) surely starts otherwise
 * than e's path_prefix: an ASCII byte that differs (ignoring case) with
 * only ASCII before it, which no caseless UTF match could accept.
 */
static int
prefix_differs(
    const struct sanitize_endpoint *e, const char *target, size_t plen)
{
	size_t i;

	for (i = 0; i < e->path_prefix_len && i < plen; i++) {
		unsigned char c = (unsigned char)target[i];

		if (c >= 0x80)
			return 0;
		if (ascii_lower(c) !=
		    ascii_lower((unsigned char)e->path_prefix[i]))
			return 1;
	}
	return 0;
}

/* endpoint_allows tells whether e allows method on target, whose path
 * is its first plen bytes: 1, 0, <0. */
static int
endpoint_allows(const struct sanitize_endpoint *e, const char *method,
    const char *target, size_t plen)
{
	const char *query = target[plen] == '?' ? target + plen + 1 : NULL;
	pcre2_match_data *md;
	int rc;

	if (e->path.code == NULL || prefix_differs(e, target, plen))
		return 0;
	md = pcre2_match_data_create_from_pattern(
	    (const pcre2_code *)e->path.code, NULL);
	if (md == NULL)
		return ZP_ENOMEM;
	rc = path_ok(e, target, plen, md);
	if (rc == 1)
		rc = query_ok(e, query);
	if (rc == 1)
		rc = method_ok(e, method);
	pcre2_match_data_free(md);
	return rc;
}

int
sanitize_rules_match(const struct sanitize_rules *rules, const char *method,
    const char *target, struct sanitize_match *m)
{
	size_t i, plen;
	int rc;

	if (rules == NULL || method == NULL || target == NULL || m == NULL)
		return ZP_EINVAL;
	memset(m, 0, sizeof(*m));
	plen = strcspn(target, "?");
	for (i = 0; i < rules->n_endpoints; i++) {
		rc = endpoint_allows(
		    &rules->endpoints[i], method, target, plen);
		if (rc < 0)
			return rc;
		if (rc == 0)
			continue;
		if (m->count == 0) {
			m->endpoint = &rules->endpoints[i];
			m->index = i;
		} else if (m->count == 1) {
			m->second = i;
		}
		m->count++;
	}
	return m->count > 0 || rules->allow_all_endpoints ? 0 : ZP_ENOTFOUND;
}
