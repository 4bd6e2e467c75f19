/*
 * bulk.c - the columnar bulk sanitizer of RULES-SPEC 6.1: YAML rules, a
 * streaming RFC 4180 reader shaped like Apache Commons CSV (as Psoxy
 * configures it: trimmed values, spaces around fields ignored, empty lines
 * skipped), the column plan of ColumnarBulkDataSanitizerImpl, and the CSV
 * and NDJSON writers.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "bulk.h"
#include "error.h"
#include "json.h"
#include "log.h"

#define MAX_ROW ((size_t)16 << 20) /* longest row kept, in bytes */
#define MAX_RULES ((size_t)1 << 20) /* largest rules file */

typedef struct sanitize_bulk_name name_t;

/* --- names ------------------------------------------------------------ */

/* lower folds ASCII letters, as Java's case-insensitive order does. */
static int
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* ci_cmp orders names like String.CASE_INSENSITIVE_ORDER (ASCII). */
static int
ci_cmp(const name_t *a, const name_t *b)
{
	size_t i, n = a->n < b->n ? a->n : b->n;

	for (i = 0; i < n; i++) {
		int x = lower((unsigned char)a->s[i]);
		int y = lower((unsigned char)b->s[i]);

		if (x != y)
			return x - y;
	}
	return a->n < b->n ? -1 : a->n > b->n;
}

/* ci_eq tells whether a and b are equal ignoring ASCII case. */
static int
ci_eq(const name_t *a, const name_t *b)
{
	return a->n == b->n && ci_cmp(a, b) == 0;
}

/* exact_cmp orders names by their bytes, like String.compareTo. */
static int
exact_cmp(const name_t *a, const name_t *b)
{
	size_t n = a->n < b->n ? a->n : b->n;
	int d = memcmp(a->s, b->s, n);

	if (d != 0 || a->n == b->n)
		return d;
	return a->n < b->n ? -1 : 1;
}

/* trim drops bytes up to ' ' from both ends, as Java's String.trim. */
static name_t
trim(const char *s, size_t n)
{
	name_t t;

	while (n > 0 && (unsigned char)s[0] <= ' ') {
		s++;
		n--;
	}
	while (n > 0 && (unsigned char)s[n - 1] <= ' ')
		n--;
	t.s = s;
	t.n = n;
	return t;
}

/* set_find returns the index of name in s (case-insensitive), or -1. */
static long
set_find(const struct sanitize_bulk_set *s, const name_t *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (ci_eq(&s->v[i], name))
			return (long)i;
	return -1;
}

/* map_find returns the index of from in m (case-insensitive), or -1. */
static long
map_find(const struct sanitize_bulk_map *m, const name_t *from)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (ci_eq(&m->from[i], from))
			return (long)i;
	return -1;
}

/* --- loading rules ------------------------------------------------------ */

/* The state of one load. */
struct loader {
	const char *file;
	yaml_document_t *doc;
	struct sanitize_bulk_rules *r;
	struct zp_buf *why;
	int bad;
	int nomem;
};

/* The keys of ColumnarRules, in the order of the bits of "seen". */
static const char *const rule_keys[] = {"columnsToPseudonymize",
    "columnsToPseudonymizeIfPresent", "columnsToRedact", "columnsToInclude",
    "columnsToRename", "columnsToDuplicate", "pseudonymFormat", "delimiter",
    "defaultScopeIdForSource", "fieldsToTransform", NULL};

/* lfail records one "FILE:LINE: reason" line for node n. */
static void lfail(struct loader *L, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
lfail(struct loader *L, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	L->bad = 1;
	if (L->why != NULL)
		zp_buf_printf(L->why, "%s:%lu: %s\n", L->file,
		    n ? (unsigned long)n->start_mark.line + 1 : 1UL, msg);
}

/* scalar returns the text of scalar node n, or NULL for another kind. */
static const char *
scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value
					   : NULL;
}

/* is_null tells whether n is YAML's null (~, null, or nothing). */
static int
is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
	size_t i;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(scalar(n), nulls[i]) == 0)
			return 1;
	return 0;
}

/* keep copies the trimmed text of scalar node n into the rules. */
static int
keep(struct loader *L, const yaml_node_t *n, name_t *out)
{
	name_t t = trim(scalar(n), n->data.scalar.length);
	char *p = zp_arena_alloc(&L->r->mem, t.n + 1);

	if (p == NULL) {
		L->nomem = 1;
		return ZP_ENOMEM;
	}
	memcpy(p, t.s, t.n);
	p[t.n] = '\0';
	out->s = p;
	out->n = t.n;
	return 0;
}

/* set_add inserts name into s in case-insensitive order; first wins. */
static void
set_add(struct sanitize_bulk_set *s, const name_t *name)
{
	size_t i = 0;
	int d = 1;

	while (i < s->n && (d = ci_cmp(&s->v[i], name)) < 0)
		i++;
	if (i < s->n && d == 0)
		return;
	memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof(*s->v));
	s->v[i] = *name;
	s->n++;
}

/* load_set reads a list of column names for key (null: empty). */
static void
load_set(struct loader *L, const char *key, const yaml_node_t *n,
    struct sanitize_bulk_set *s)
{
	yaml_node_item_t *it;
	name_t name;

	if (is_null(n))
		return;
	if (n->type != YAML_SEQUENCE_NODE) {
		lfail(L, n, "%s: expected a list of column names", key);
		return;
	}
	it = n->data.sequence.items.start;
	s->v = zp_arena_alloc(&L->r->mem,
	    sizeof(*s->v) * (size_t)(n->data.sequence.items.top - it + 1));
	if (s->v == NULL) {
		L->nomem = 1;
		return;
	}
	for (; it < n->data.sequence.items.top; it++) {
		yaml_node_t *c = yaml_document_get_node(L->doc, *it);

		if (scalar(c) == NULL || is_null(c))
			lfail(L, c, "%s: expected a column name", key);
		else if (keep(L, c, &name) == 0 && name.n == 0)
			lfail(L, c, "%s must not contain a blank entry", key);
		else if (name.n > 0)
			set_add(s, &name);
	}
}

/* map_add inserts from: to into m in case-insensitive order; first wins. */
static void
map_add(struct sanitize_bulk_map *m, const name_t *from, const name_t *to)
{
	size_t i = 0;
	int d = 1;

	while (i < m->n && (d = ci_cmp(&m->from[i], from)) < 0)
		i++;
	if (i < m->n && d == 0)
		return;
	memmove(&m->from[i + 1], &m->from[i], (m->n - i) * sizeof(*m->from));
	memmove(&m->to[i + 1], &m->to[i], (m->n - i) * sizeof(*m->to));
	m->from[i] = *from;
	m->to[i] = *to;
	m->n++;
}

/* map_pair checks and adds one from: to pair of key's mapping. */
static void
map_pair(struct loader *L, const char *key, const yaml_node_t *k,
    const yaml_node_t *v, struct sanitize_bulk_map *m)
{
	name_t from, to;

	if (scalar(k) == NULL || scalar(v) == NULL || is_null(v)) {
		lfail(L, scalar(k) ? v : k, "%s: expected column: new name",
		    key);
		return;
	}
	if (keep(L, k, &from) != 0 || keep(L, v, &to) != 0)
		return;
	if (from.n == 0)
		lfail(L, k, "%s: a blank column name is not allowed", key);
	else if (to.n == 0)
		lfail(L, v, "%s: a blank new name is not allowed", key);
	else
		map_add(m, &from, &to);
}

/* load_map reads a mapping of column names for key (null: empty). */
static void
load_map(struct loader *L, const char *key, const yaml_node_t *n,
    struct sanitize_bulk_map *m)
{
	yaml_node_pair_t *p;
	size_t cap;

	if (is_null(n))
		return;
	if (n->type != YAML_MAPPING_NODE) {
		lfail(L, n, "%s: expected a mapping of column names", key);
		return;
	}
	p = n->data.mapping.pairs.start;
	cap = (size_t)(n->data.mapping.pairs.top - p) + 1;
	m->from = zp_arena_alloc(&L->r->mem, cap * sizeof(*m->from));
	m->to = zp_arena_alloc(&L->r->mem, cap * sizeof(*m->to));
	if (m->from == NULL || m->to == NULL) {
		L->nomem = 1;
		return;
	}
	for (; p < n->data.mapping.pairs.top; p++)
		map_pair(L, key, yaml_document_get_node(L->doc, p->key),
		    yaml_document_get_node(L->doc, p->value), m);
}

/* load_format reads pseudonymFormat. */
static void
load_format(struct loader *L, const yaml_node_t *n)
{
	static const struct {
		const char *name;
		enum zp_pseudo_encoding enc;
	} f[] = {{"JSON", ZP_PSEUDO_JSON},
	    {"URL_SAFE_TOKEN", ZP_PSEUDO_URL_SAFE_TOKEN},
	    {"URL_SAFE_HASH_ONLY", ZP_PSEUDO_URL_SAFE_HASH_ONLY}};
	size_t i;

	for (i = 0; scalar(n) != NULL && i < sizeof(f) / sizeof(f[0]); i++)
		if (strcmp(scalar(n), f[i].name) == 0) {
			L->r->format = f[i].enc;
			return;
		}
	lfail(L, n,
	    "pseudonymFormat: expected JSON, URL_SAFE_TOKEN or "
	    "URL_SAFE_HASH_ONLY");
}

/* load_delimiter reads delimiter: one character, not a line end or '"'. */
static void
load_delimiter(struct loader *L, const yaml_node_t *n)
{
	const char *s = scalar(n);

	if (s == NULL || n->data.scalar.length != 1 || s[0] == '\r' ||
	    s[0] == '\n' || s[0] == '"' || (unsigned char)s[0] >= 0x80)
		lfail(L, n,
		    "delimiter: expected one ASCII character other than a "
		    "quote or a line end");
	else
		L->r->delimiter = s[0];
}

/* load_key dispatches the value n of top-level key number k. */
static void
load_key(struct loader *L, int k, const yaml_node_t *key, const yaml_node_t *n)
{
	struct sanitize_bulk_rules *r = L->r;

	switch (k) {
	case 0: load_set(L, rule_keys[k], n, &r->pseudonymize); break;
	case 1:
		load_set(L, rule_keys[k], n, &r->pseudonymize_if_present);
		break;
	case 2: load_set(L, rule_keys[k], n, &r->redact); break;
	case 3:
		r->has_include = !is_null(n);
		load_set(L, rule_keys[k], n, &r->include);
		break;
	case 4: load_map(L, rule_keys[k], n, &r->rename); break;
	case 5: load_map(L, rule_keys[k], n, &r->duplicate); break;
	case 6: load_format(L, n); break;
	case 7: load_delimiter(L, n); break;
	case 8: break; /* legacy, ignored by Psoxy too */
	default:
		lfail(L, key,
		    "fieldsToTransform is not supported (alpha in Psoxy)");
	}
}

/* load_root reads the top-level mapping of the rules. */
static void
load_root(struct loader *L, const yaml_node_t *root)
{
	unsigned seen = 0;
	yaml_node_pair_t *p;
	int k;

	if (root == NULL || is_null(root))
		return; /* an empty file: every default */
	if (root->type != YAML_MAPPING_NODE) {
		lfail(L, root, "expected a mapping of columnar rules");
		return;
	}
	for (p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *key = yaml_document_get_node(L->doc, p->key);
		const char *s = scalar(key);

		for (k = 0; s != NULL && rule_keys[k] != NULL; k++)
			if (strcmp(s, rule_keys[k]) == 0)
				break;
		if (s == NULL || rule_keys[k] == NULL)
			lfail(L, key, "unknown key \"%s\"", s ? s : "?");
		else if (seen & (1u << k))
			lfail(L, key, "duplicate key \"%s\"", s);
		else {
			seen |= 1u << k;
			load_key(L, k, key,
			    yaml_document_get_node(L->doc, p->value));
		}
	}
}

/* parse_yaml loads text into doc; on a syntax error it records why. */
static int
parse_yaml(struct loader *L, const char *text, size_t len, yaml_document_t *d)
{
	yaml_parser_t p;
	int ok;

	if (!yaml_parser_initialize(&p))
		return ZP_ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	ok = yaml_parser_load(&p, d);
	if (!ok) {
		L->bad = 1;
		if (L->why != NULL)
			zp_buf_printf(L->why, "%s:%lu: YAML: %s\n", L->file,
			    (unsigned long)p.problem_mark.line + 1,
			    p.problem ? p.problem : "syntax error");
	}
	yaml_parser_delete(&p);
	return ok ? 0 : ZP_ECONFIG;
}

int
sanitize_bulk_rules_load_string(const char *name, const char *text, size_t len,
    struct sanitize_bulk_rules **out, struct zp_buf *why)
{
	struct loader L = {name, NULL, NULL, why, 0, 0};
	yaml_document_t doc;
	int rc;

	if (out == NULL)
		return ZP_EINVAL;
	*out = NULL;
	if (name == NULL || (text == NULL && len > 0))
		return ZP_EINVAL;
	if ((L.r = calloc(1, sizeof(*L.r))) == NULL)
		return ZP_ENOMEM;
	L.r->name = name;
	L.r->format = ZP_PSEUDO_JSON;
	L.r->delimiter = ',';
	L.doc = &doc;
	if ((rc = parse_yaml(&L, text ? text : "", len, &doc)) == 0) {
		load_root(&L, yaml_document_get_root_node(&doc));
		yaml_document_delete(&doc);
		rc = L.nomem ? ZP_ENOMEM : L.bad ? ZP_ECONFIG : 0;
	}
	if (rc != 0)
		sanitize_bulk_rules_free(&L.r);
	*out = L.r;
	return rc;
}

int
sanitize_bulk_rules_load_file(
    const char *path, struct sanitize_bulk_rules **out, struct zp_buf *why)
{
	struct zp_buf text = ZP_BUF_INIT;
	char chunk[8192];
	FILE *f;
	size_t n;
	int rc = 0, e;

	if (out == NULL || path == NULL)
		return ZP_EINVAL;
	*out = NULL;
	if ((f = fopen(path, "rb")) == NULL) {
		e = errno;
		if (why != NULL)
			zp_buf_printf(why, "%s: %s\n", path, strerror(e));
		return ZP_EIO;
	}
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = text.len + n > MAX_RULES ? ZP_ETOOBIG
					      : zp_buf_append(&text, chunk, n);
	if (rc == 0 && ferror(f))
		rc = ZP_EIO;
	fclose(f);
	if (rc != 0 && why != NULL)
		zp_buf_printf(why, "%s: %s\n", path, zp_strerror(rc));
	if (rc == 0)
		rc = sanitize_bulk_rules_load_string(
		    path, text.data, text.len, out, why);
	zp_buf_release(&text);
	return rc;
}

void
sanitize_bulk_rules_free(struct sanitize_bulk_rules **r)
{
	if (r == NULL || *r == NULL)
		return;
	zp_arena_release(&(*r)->mem);
	free(*r);
	*r = NULL;
}

/* --- the column plan ---------------------------------------------------- */

/*
 * One output column: an entry of Psoxy's columnTransforms table, keyed by
 * name, reading source, pseudonymizing n_pseudo times (a column listed in
 * both pseudonymize lists is pseudonymized twice, as in Psoxy).
 */
struct col {
	name_t name; /* the first spelling registered */
	name_t source;
	int n_pseudo;
	size_t pos; /* the header position it sorts by */
	long src; /* index of source in a row, -1 when not in the header */
	name_t display; /* the header's own spelling when it has one */
};

/* The columns of one header, with its case-insensitive name map. */
struct plan {
	const name_t *hdr; /* the header, borrowed */
	long *hmap; /* per distinct name: its last index; -1 duplicates */
	size_t *kept; /* header indices kept, in order (not redacted...) */
	size_t n_kept;
	struct col *cols;
	size_t n_cols;
	size_t n_hdr;
};

/* hpos returns the index name maps to in the header, or -1. */
static long
hpos(const struct plan *p, const name_t *name)
{
	size_t i;

	for (i = 0; i < p->n_hdr; i++)
		if (p->hmap[i] >= 0 && ci_eq(&p->hdr[i], name))
			return p->hmap[i];
	return -1;
}

/*
 * plan_headers fills the name map (the first spelling of a repeated
 * name stands for its last position, as in Commons CSV) and the list of
 * header columns that are neither redacted nor left out of an include.
 */
static void
plan_headers(const struct sanitize_bulk_rules *r, struct plan *p)
{
	size_t i, j;

	for (i = 0; i < p->n_hdr; i++) {
		p->hmap[i] = (long)i;
		for (j = 0; j < i; j++)
			if (p->hmap[j] >= 0 && ci_eq(&p->hdr[j], &p->hdr[i])) {
				p->hmap[j] = (long)i;
				p->hmap[i] = -1;
				break;
			}
	}
	p->n_kept = 0;
	for (i = 0; i < p->n_hdr; i++) {
		for (j = 0; j < p->n_hdr; j++)
			if (p->hmap[j] == (long)i)
				break;
		if (j == p->n_hdr || set_find(&r->redact, &p->hdr[j]) >= 0 ||
		    (r->has_include && set_find(&r->include, &p->hdr[j]) < 0))
			continue;
		p->kept[p->n_kept++] = j;
	}
}

/* kept_find returns the kept header named name, or NULL. */
static const name_t *
kept_find(const struct plan *p, const name_t *name)
{
	size_t i;

	for (i = 0; i < p->n_kept; i++)
		if (ci_eq(&p->hdr[p->kept[i]], name))
			return &p->hdr[p->kept[i]];
	return NULL;
}

/* col_add registers a transform of source into column name. */
static void
col_add(struct plan *p, const name_t *name, const name_t *source, int pseudo)
{
	size_t i;

	for (i = 0; i < p->n_cols; i++)
		if (ci_eq(&p->cols[i].name, name))
			break;
	if (i == p->n_cols) {
		memset(&p->cols[i], 0, sizeof(p->cols[i]));
		p->cols[i].name = *name;
		p->cols[i].source = *source;
		p->n_cols++;
	}
	p->cols[i].n_pseudo += pseudo;
}

/* col_register fills the table in Psoxy's order of registration. */
static void
col_register(const struct sanitize_bulk_rules *r, struct plan *p)
{
	size_t i;

	p->n_cols = 0;
	for (i = 0; i < r->duplicate.n; i++)
		col_add(p, &r->duplicate.to[i], &r->duplicate.from[i], 0);
	for (i = 0; i < r->rename.n; i++)
		col_add(p, &r->rename.to[i], &r->rename.from[i], 0);
	for (i = 0; i < r->pseudonymize.n; i++)
		col_add(p, &r->pseudonymize.v[i], &r->pseudonymize.v[i], 1);
	for (i = 0; i < r->pseudonymize_if_present.n; i++)
		if (kept_find(p, &r->pseudonymize_if_present.v[i]) != NULL)
			col_add(p, &r->pseudonymize_if_present.v[i],
			    &r->pseudonymize_if_present.v[i], 1);
	for (i = 0; i < p->n_kept; i++) {
		const name_t *h = &p->hdr[p->kept[i]];
		size_t j;

		for (j = 0; j < p->n_cols; j++)
			if (ci_eq(&p->cols[j].name, h))
				break;
		if (j == p->n_cols && map_find(&r->rename, h) < 0)
			col_add(p, h, h, 0);
	}
}

/* col_place computes where column c goes and what it reads. */
static void
col_place(
    const struct sanitize_bulk_rules *r, const struct plan *p, struct col *c)
{
	const name_t *h;
	long at = hpos(p, &c->name);
	size_t i;

	c->pos = at >= 0 ? (size_t)at : (size_t)-1;
	for (i = 0; i < r->rename.n; i++)
		if (ci_eq(&r->rename.to[i], &c->name)) {
			at = hpos(p, &r->rename.from[i]);
			if (at >= 0 && (size_t)at < c->pos)
				c->pos = (size_t)at;
			break;
		}
	c->src = hpos(p, &c->source);
	h = kept_find(p, &c->name);
	c->display = h != NULL ? *h : c->name;
}

/* col_order sorts by header position, then by name as Java compares. */
static int
col_order(const void *a, const void *b)
{
	const struct col *x = a, *y = b;

	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return exact_cmp(&x->name, &y->name);
}

/*
 * plan_build computes the output columns of header hdr[0..n) (borrowed,
 * it must outlive the plan) with memory from a.  0 or ZP_ENOMEM.
 */
static int
plan_build(const struct sanitize_bulk_rules *r, const name_t *hdr, size_t n,
    struct zp_arena *a, struct plan *p)
{
	size_t i,
	    cap = r->duplicate.n + r->rename.n + r->pseudonymize.n +
	    r->pseudonymize_if_present.n + n + 1;

	p->hdr = hdr;
	p->n_hdr = n;
	p->hmap = zp_arena_alloc(a, (n + 1) * sizeof(*p->hmap));
	p->kept = zp_arena_alloc(a, (n + 1) * sizeof(*p->kept));
	p->cols = zp_arena_alloc(a, cap * sizeof(*p->cols));
	if (p->hmap == NULL || p->kept == NULL || p->cols == NULL)
		return ZP_ENOMEM;
	plan_headers(r, p);
	col_register(r, p);
	for (i = 0; i < p->n_cols; i++)
		col_place(r, p, &p->cols[i]);
	qsort(p->cols, p->n_cols, sizeof(*p->cols), col_order);
	return 0;
}

/* --- reading ------------------------------------------------------------ */

/* A buffered byte reader that counts lines. */
struct reader {
	FILE *in;
	size_t pos, len;
	int eof, err, started;
	unsigned long line; /* the line of the next byte, from 1 */
	char buf[1 << 16];
};

/* rd_fill refills the buffer; 1 if bytes are available, 0 at the end. */
static int
rd_fill(struct reader *rd)
{
	if (rd->eof)
		return 0;
	rd->pos = 0;
	rd->len = fread(rd->buf, 1, sizeof(rd->buf), rd->in);
	if (rd->len == 0) {
		rd->eof = 1;
		rd->err = ferror(rd->in) != 0;
		return 0;
	}
	if (!rd->started && rd->len >= 3 &&
	    memcmp(rd->buf, "\xEF\xBB\xBF", 3) == 0)
		rd->pos = 3; /* a UTF-8 byte order mark */
	rd->started = 1;
	return rd->pos < rd->len || rd_fill(rd);
}

/* rd_get returns the next byte, or EOF. */
static inline int
rd_get(struct reader *rd)
{
	if (rd->pos == rd->len && !rd_fill(rd))
		return EOF;
	return (unsigned char)rd->buf[rd->pos++];
}

/* rd_peek returns the next byte without taking it, or EOF. */
static inline int
rd_peek(struct reader *rd)
{
	if (rd->pos == rd->len && !rd_fill(rd))
		return EOF;
	return (unsigned char)rd->buf[rd->pos];
}

/* rd_eol finishes the line end that began with c; it returns its text. */
static const char *
rd_eol(struct reader *rd, int c)
{
	rd->line++;
	if (c == '\r' && rd_peek(rd) == '\n') {
		rd->pos++;
		return "\r\n";
	}
	return c == '\r' ? "\r" : "\n";
}

/* One CSV record: its fields as offsets into rec. */
struct csv {
	struct reader *rd;
	char delim;
	struct zp_buf rec;
	size_t *off, *len;
	size_t n, cap;
	const char *eol; /* the first record end seen, or NULL */
	unsigned long start_line;
	const char *bad; /* why the record is malformed, or NULL */
	int nomem;
};

/* csv_put appends byte c to the record unless it is too long. */
static void
csv_put(struct csv *c, int ch)
{
	if (c->rec.len >= MAX_ROW) {
		c->bad = "row longer than 16 MiB";
		return;
	}
	if (zp_buf_putc(&c->rec, (char)ch) != 0)
		c->nomem = 1;
}

/* is_space tells whether ch is blank around a field (not the delimiter). */
static int
is_space(const struct csv *c, int ch)
{
	return (ch == ' ' || ch == '\t') && ch != c->delim;
}

/* csv_quoted reads a quoted field after its '"'; returns the next byte. */
static int
csv_quoted(struct csv *c)
{
	int ch;

	for (;;) {
		ch = rd_get(c->rd);
		if (ch == EOF) {
			c->bad = "end of file inside a quoted field";
			return EOF;
		}
		if (ch == '"') {
			if (rd_peek(c->rd) != '"')
				break;
			c->rd->pos++;
		} else if (ch == '\r' || ch == '\n') {
			const char *e = rd_eol(c->rd, ch);

			for (; e[1] != '\0'; e++)
				csv_put(c, *e);
			ch = *e;
		}
		csv_put(c, ch);
	}
	while (is_space(c, ch = rd_get(c->rd)))
		;
	if (ch != c->delim && ch != '\r' && ch != '\n' && ch != EOF) {
		c->bad = "unexpected character after a quoted field";
		while (ch != '\r' && ch != '\n' && ch != EOF)
			ch = rd_get(c->rd);
	}
	return ch;
}

/* csv_end_field trims the field begun at start and records it. */
static void
csv_end_field(struct csv *c, size_t start)
{
	name_t t =
	    trim(c->rec.data ? c->rec.data + start : "", c->rec.len - start);

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		size_t *o = realloc(c->off, cap * sizeof(*o));

		if (o != NULL)
			c->off = o;
		o = o ? realloc(c->len, cap * sizeof(*o)) : NULL;
		if (o == NULL) {
			c->nomem = 1;
			return;
		}
		c->len = o;
		c->cap = cap;
	}
	c->off[c->n] = t.n ? (size_t)(t.s - c->rec.data) : start;
	c->len[c->n++] = t.n;
}

/* csv_field reads one field whose first byte is ch; returns the next. */
static int
csv_field(struct csv *c, int ch)
{
	size_t start = c->rec.len;

	while (is_space(c, ch))
		ch = rd_get(c->rd);
	if (ch == '"') {
		ch = csv_quoted(c);
	} else {
		while (
		    ch != c->delim && ch != '\r' && ch != '\n' && ch != EOF) {
			csv_put(c, ch);
			ch = rd_get(c->rd);
		}
	}
	csv_end_field(c, start);
	return ch;
}

/*
 * csv_read reads the next record, skipping empty lines: 1, 0 at the end,
 * -1 for a malformed record (consumed; c->bad says why), ZP_ENOMEM or
 * ZP_EIO.
 */
static int
csv_read(struct csv *c)
{
	const char *eol;
	int ch;

	zp_buf_reset(&c->rec);
	c->n = 0;
	c->bad = NULL;
	while ((ch = rd_get(c->rd)) == '\r' || ch == '\n')
		rd_eol(c->rd, ch);
	if (ch == EOF)
		return c->rd->err ? ZP_EIO : 0;
	c->start_line = c->rd->line;
	while ((ch = csv_field(c, ch)) == c->delim && !c->nomem)
		ch = rd_get(c->rd);
	if (ch == '\r' || ch == '\n') {
		eol = rd_eol(c->rd, ch);
		if (c->eol == NULL)
			c->eol = eol;
	}
	if (c->nomem)
		return ZP_ENOMEM;
	if (c->rd->err)
		return ZP_EIO;
	return c->bad != NULL ? -1 : 1;
}

/* csv_fields gives the fields of the record just read as names. */
static int
csv_fields(struct csv *c, name_t **names, size_t *cap)
{
	size_t i;

	if (*cap < c->n) {
		name_t *v = realloc(*names, c->n * sizeof(*v));

		if (v == NULL)
			return ZP_ENOMEM;
		*names = v;
		*cap = c->n;
	}
	for (i = 0; i < c->n; i++) {
		(*names)[i].s = c->rec.data ? c->rec.data + c->off[i] : "";
		(*names)[i].n = c->len[i];
	}
	return 0;
}

/* --- writing ------------------------------------------------------------ */

/* The state of one run. */
struct run {
	const struct sanitize_bulk_rules *r;
	const struct zp_pseudo *pseudo;
	const char *in_name;
	FILE *out;
	unsigned long rejected;
	struct zp_buf line; /* the output row being built */
	struct zp_buf tmp[2]; /* pseudonyms of pseudonyms */
	struct zp_arena arena;
};

/* reject reports a dropped row on stderr and counts it. */
static void reject(struct run *R, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
reject(struct run *R, unsigned long line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	zp_error("%s:%lu: %s", R->in_name, line, msg);
	R->rejected++;
}

/*
 * pseudo_chain pseudonymizes v[0..n) times times with the rules' format;
 * 0 with the result in *out, 1 for no identity (null), or a ZP_E* code.
 */
static int
pseudo_chain(struct run *R, const char *v, size_t n, int is_number, int times,
    name_t *out)
{
	int k, rc;

	for (k = 0; k < times; k++) {
		struct zp_buf *b = &R->tmp[k % 2];

		zp_buf_reset(b);
		rc = zp_pseudo_value(
		    R->pseudo, v, n, is_number && k == 0, R->r->format, 0, b);
		if (rc != 0)
			return rc > 0 ? 1 : rc;
		v = b->data;
		n = b->len;
	}
	out->s = v;
	out->n = n;
	return 0;
}

/*
 * csv_needs_quotes follows Commons CSV's minimal quoting: a first field
 * that is empty or starts outside RFC 4180 TEXTDATA, any field starting at
 * or below '#', holding a line end, quote or comma, or ending in a blank.
 */
static int
csv_needs_quotes(const char *s, size_t n, int first)
{
	unsigned char c;
	size_t i;

	if (n == 0)
		return first;
	c = (unsigned char)s[0];
	if (first && (c < 0x20 || c == '"' || c == ',' || c > 0x7E))
		return 1;
	if (c <= '#')
		return 1;
	for (i = 0; i < n; i++)
		if (s[i] == '\r' || s[i] == '\n' || s[i] == '"' || s[i] == ',')
			return 1;
	return (unsigned char)s[n - 1] <= ' ';
}

/* csv_write_field appends s[0..n) to b, quoted when needed. */
static int
csv_write_field(struct zp_buf *b, const char *s, size_t n, int first)
{
	size_t i;
	int rc = 0;

	if (!first)
		rc = zp_buf_putc(b, ',');
	if (!csv_needs_quotes(s, n, first))
		return rc ? rc : zp_buf_append(b, s, n);
	rc = rc ? rc : zp_buf_putc(b, '"');
	for (i = 0; rc == 0 && i < n; i++)
		rc = s[i] == '"' ? zp_buf_append(b, "\"\"", 2)
				 : zp_buf_putc(b, s[i]);
	return rc ? rc : zp_buf_putc(b, '"');
}

/* flush_line writes the built row to the output. */
static int
flush_line(struct run *R)
{
	if (R->line.len > 0 &&
	    fwrite(R->line.data, 1, R->line.len, R->out) != R->line.len)
		return ZP_EIO;
	zp_buf_reset(&R->line);
	return 0;
}

/* csv_header writes the output header row. */
static int
csv_header(struct run *R, const struct plan *p, const char *eol)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < p->n_cols; i++)
		rc = csv_write_field(&R->line, p->cols[i].display.s,
		    p->cols[i].display.n, i == 0);
	if (rc == 0)
		rc = zp_buf_puts(&R->line, eol);
	return rc ? rc : flush_line(R);
}

/* csv_row writes one sanitized row, or rejects it; 0 or ZP_E*. */
static int
csv_row(struct run *R, const struct plan *p, const name_t *f,
    unsigned long line, const char *eol)
{
	size_t i;
	int rc = 0;

	zp_buf_reset(&R->line);
	for (i = 0; rc == 0 && i < p->n_cols; i++) {
		const struct col *c = &p->cols[i];
		name_t v = {"", 0};

		if (c->src >= 0 && f[c->src].n > 0) {
			v = f[c->src];
			rc = pseudo_chain(R, v.s, v.n, 0, c->n_pseudo, &v);
		}
		if (rc > 0 || (rc == 0 && v.n == 0))
			rc = i > 0 ? zp_buf_putc(&R->line, ',') : 0;
		else if (rc == 0)
			rc = csv_write_field(&R->line, v.s, v.n, i == 0);
	}
	if (rc == ZP_ENOMEM)
		return rc;
	if (rc != 0) {
		reject(R, line, "cannot pseudonymize: %s", zp_strerror(rc));
		return 0;
	}
	if ((rc = zp_buf_puts(&R->line, eol)) != 0)
		return rc;
	return flush_line(R);
}

/* warn_missing warns once per column whose source is not in the file. */
static void
warn_missing(const struct run *R, const struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n_cols; i++)
		if (p->cols[i].src < 0)
			zp_warn("%s: no column \"%.*s\" in the header; column "
				"\"%.*s\" is written empty",
			    R->in_name, (int)p->cols[i].source.n,
			    p->cols[i].source.s, (int)p->cols[i].name.n,
			    p->cols[i].name.s);
}

/* copy_names copies v[0..n) and their bytes into a; NULL: no memory. */
static name_t *
copy_names(struct zp_arena *a, const name_t *v, size_t n)
{
	name_t *c = zp_arena_alloc(a, (n + 1) * sizeof(*c));
	size_t i;

	for (i = 0; c != NULL && i < n; i++) {
		c[i].n = v[i].n;
		if ((c[i].s = zp_arena_memdup(a, v[i].s, v[i].n + 1)) == NULL)
			return NULL;
	}
	return c;
}

/* csv_header_in reads the header record and plans the columns. */
static int
csv_header_in(
    struct run *R, struct csv *c, name_t **names, size_t *cap, struct plan *p)
{
	name_t *hdr;
	int rc = csv_read(c);

	if (rc == 0 || rc == -1) {
		if (rc == 0)
			zp_error("%s: no header row", R->in_name);
		else
			zp_error("%s:%lu: header: %s", R->in_name,
			    c->start_line, c->bad);
		return ZP_EPARSE;
	}
	if (rc < 0 || (rc = csv_fields(c, names, cap)) != 0)
		return rc;
	/* The plan borrows the names: keep a copy out of the record. */
	if ((hdr = copy_names(&R->arena, *names, c->n)) == NULL)
		return ZP_ENOMEM;
	if ((rc = plan_build(R->r, hdr, c->n, &R->arena, p)) != 0)
		return rc;
	warn_missing(R, p);
	return 0;
}

/* run_csv sanitizes a CSV stream: header, then one record at a time. */
static int
run_csv(struct run *R, struct reader *rd)
{
	struct csv c;
	struct plan p;
	name_t *names = NULL;
	size_t cap = 0;
	const char *eol;
	int rc;

	memset(&c, 0, sizeof(c));
	c.rd = rd;
	c.delim = R->r->delimiter;
	if ((rc = csv_header_in(R, &c, &names, &cap, &p)) != 0)
		goto out;
	eol = c.eol != NULL ? c.eol : "";
	if ((rc = csv_header(R, &p, eol)) != 0)
		goto out;
	while ((rc = csv_read(&c)) != 0) {
		if (rc == -1) {
			reject(R, c.start_line, "%s", c.bad);
			continue;
		}
		if (rc < 0)
			break;
		if (c.n != p.n_hdr) {
			reject(R, c.start_line, "expected %zu fields, got %zu",
			    p.n_hdr, c.n);
			continue;
		}
		if ((rc = csv_fields(&c, &names, &cap)) != 0 ||
		    (rc = csv_row(R, &p, names, c.start_line, eol)) != 0)
			break;
	}
out:
	free(names);
	free(c.off);
	free(c.len);
	zp_buf_release(&c.rec);
	return rc;
}

/* --- NDJSON -----------------------------------------------------------------
 */

/*
 * read_line reads one line (without its '\n') into b, keeping at most
 * MAX_ROW bytes and setting *too_long past that: 1, or 0 at the end.
 */
static int
read_line(struct reader *rd, struct zp_buf *b, int *too_long)
{
	int got = 0;

	zp_buf_reset(b);
	*too_long = 0;
	for (;;) {
		const char *at, *nl;
		size_t take, room;

		if (rd->pos == rd->len && !rd_fill(rd))
			return got;
		got = 1;
		at = rd->buf + rd->pos;
		nl = memchr(at, '\n', rd->len - rd->pos);
		take = nl ? (size_t)(nl - at) : rd->len - rd->pos;
		room = MAX_ROW - b->len;
		if (take > room)
			*too_long = 1;
		if (zp_buf_append(b, at, take < room ? take : room) != 0)
			return ZP_ENOMEM;
		rd->pos += take;
		if (nl != NULL) {
			rd->pos++;
			rd->line++;
			return 1;
		}
	}
}

/* kind_name names a JSON type for messages. */
static const char *
kind_name(int type)
{
	switch (type) {
	case ZP_JSON_TRUE:
	case ZP_JSON_FALSE: return "a boolean";
	case ZP_JSON_ARRAY: return "an array";
	default: return "an object";
	}
}

/*
 * nd_value appends the value of column c, read from v, to the line: as
 * is, or pseudonymized (strings and numbers; blank and null give null).
 * 0, 1 when v cannot be pseudonymized, or a ZP_E* code.
 */
static int
nd_value(struct run *R, const struct col *c, const struct zp_json *v)
{
	name_t out;
	int rc;

	if (c->n_pseudo == 0)
		return zp_json_write(&R->line, v);
	if (v->type == ZP_JSON_STRING && trim(v->u.s, v->n).n == 0)
		return zp_buf_puts(&R->line, "null");
	if (v->type == ZP_JSON_NULL)
		return zp_buf_puts(&R->line, "null");
	if (v->type != ZP_JSON_STRING && v->type != ZP_JSON_NUMBER)
		return 1;
	rc = pseudo_chain(
	    R, v->u.s, v->n, v->type == ZP_JSON_NUMBER, c->n_pseudo, &out);
	if (rc != 0)
		return rc > 0 ? zp_buf_puts(&R->line, "null") : rc;
	return zp_json_write_string(&R->line, out.s, out.n);
}

/* nd_object writes the sanitized object root, or rejects its line. */
static int
nd_object(struct run *R, const struct zp_json *root, unsigned long line)
{
	name_t *hdr = zp_arena_alloc(&R->arena, (root->n + 1) * sizeof(*hdr));
	struct plan p;
	size_t i, k = 0;
	int rc;

	if (hdr == NULL)
		return ZP_ENOMEM;
	for (i = 0; i < root->n; i++) {
		hdr[i].s = root->u.members[i].key.u.s;
		hdr[i].n = root->u.members[i].key.n;
	}
	if ((rc = plan_build(R->r, hdr, root->n, &R->arena, &p)) != 0)
		return rc;
	zp_buf_reset(&R->line);
	rc = zp_buf_putc(&R->line, '{');
	for (i = 0; rc == 0 && i < p.n_cols; i++) {
		const struct col *c = &p.cols[i];
		const struct zp_json *v;

		if (c->src < 0)
			continue;
		v = &root->u.members[c->src].value;
		if (k++ > 0)
			rc = zp_buf_putc(&R->line, ',');
		if (rc == 0)
			rc = zp_json_write_string(
			    &R->line, c->display.s, c->display.n);
		if (rc == 0)
			rc = zp_buf_putc(&R->line, ':');
		if (rc == 0 && (rc = nd_value(R, c, v)) == 1) {
			reject(R, line, "cannot pseudonymize %s in \"%.*s\"",
			    kind_name(v->type), (int)c->name.n, c->name.s);
			return 0;
		}
	}
	if (rc == 0)
		rc = zp_buf_puts(&R->line, "}\n");
	if (rc == ZP_ENOMEM)
		return rc;
	if (rc != 0) {
		reject(R, line, "cannot pseudonymize: %s", zp_strerror(rc));
		return 0;
	}
	return flush_line(R);
}

/* nd_line sanitizes one NDJSON line; malformed lines are rejected. */
static int
nd_line(struct run *R, struct zp_json_parser *jp, struct zp_buf *b,
    unsigned long line)
{
	struct zp_json *root = NULL;
	int rc;

	if (b->len > 0 && b->data[b->len - 1] == '\r')
		b->data[--b->len] = '\0';
	if (trim(b->data ? b->data : "", b->len).n == 0)
		return 0; /* an empty line */
	zp_arena_reset(&R->arena);
	rc = zp_json_parse(jp, b->data, b->len, &root);
	if (rc == ZP_ENOMEM)
		return rc;
	if (rc != 0) {
		reject(R, line, "bad JSON at byte %zu: %s", jp->err.offset,
		    jp->err.reason ? jp->err.reason : zp_strerror(rc));
		return 0;
	}
	if (root->type != ZP_JSON_OBJECT) {
		reject(R, line, "not a JSON object");
		return 0;
	}
	return nd_object(R, root, line);
}

/* run_ndjson sanitizes an NDJSON stream one line at a time. */
static int
run_ndjson(struct run *R, struct reader *rd)
{
	struct zp_json_parser jp;
	struct zp_buf b = ZP_BUF_INIT;
	unsigned long line;
	int rc, too_long;

	zp_json_parser_init(&jp, &R->arena);
	for (;;) {
		line = rd->line;
		if ((rc = read_line(rd, &b, &too_long)) <= 0)
			break;
		if (too_long)
			reject(R, line, "line longer than 16 MiB");
		else if ((rc = nd_line(R, &jp, &b, line)) != 0)
			break;
	}
	if (rc == 0 && rd->err)
		rc = ZP_EIO;
	zp_json_parser_release(&jp);
	zp_buf_release(&b);
	return rc;
}

int
sanitize_bulk_run(const struct sanitize_bulk_rules *r,
    const struct zp_pseudo *pseudo, FILE *in, const char *in_name, FILE *out,
    enum sanitize_bulk_format fmt, unsigned long *rejected)
{
	struct reader *rd;
	struct run R;
	int rc;

	if (r == NULL || pseudo == NULL || in == NULL || out == NULL)
		return ZP_EINVAL;
	if ((rd = calloc(1, sizeof(*rd))) == NULL)
		return ZP_ENOMEM;
	memset(&R, 0, sizeof(R));
	R.r = r;
	R.pseudo = pseudo;
	R.in_name = in_name != NULL ? in_name : "-";
	R.out = out;
	rd->in = in;
	rd->line = 1;
	if (fmt == SANITIZE_BULK_CSV)
		rc = run_csv(&R, rd);
	else
		rc = run_ndjson(&R, rd);
	if (fflush(out) != 0 && rc == 0)
		rc = ZP_EIO;
	if (rejected != NULL)
		*rejected = R.rejected;
	zp_buf_release(&R.line);
	zp_buf_release(&R.tmp[0]);
	zp_buf_release(&R.tmp[1]);
	zp_arena_release(&R.arena);
	free(rd);
	return rc;
}
