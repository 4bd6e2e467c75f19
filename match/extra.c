/*
 * extra.c - what zp-match knows besides the rosters: the overrides an
 * admin wrote, the display names (for --match-names), and the Zoom user
 * directory kept between runs (--directory).
 *
 * Overrides file: one "IDENTITY,PERSON" per line ('#' comments and blank
 * lines skipped; a first line "identity,person" is a header).  IDENTITY
 * is an e-mail, a Zoom user id or PMI, raw or pseudonymized; PERSON a
 * roster person id, or "ignore" to leave the identity unmatched on
 * purpose.  Directory file: NDJSON, one Zoom user per line:
 * {"id":…,"emails":[…],"pmi":…,"employee_id":…}.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "error.h"
#include "fields.h"
#include "file.h"
#include "json.h"
#include "log.h"
#include "tool.h"

#define MAX_FILE (1L << 30)

/* A string map: keys and values interned in an arena. */
struct smap {
	const char **keys;
	const char **vals;
	size_t cap, n;
};

struct match_extra {
	struct zp_arena mem;
	struct smap overrides; /* canonical identity -> person or "" */
	struct smap names; /* lower-cased name -> person, "" if several */
	struct smap users; /* Zoom user id -> its directory line */
	struct match_index *x;
	struct zp_buf canon, tmp;
};

/* --- the map --------------------------------------------------------- */

/* hash_of is FNV-1a of n bytes at s. */
static uint64_t
hash_of(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n-- > 0)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

/* slot finds where key[0..n) is or belongs in m. */
static size_t
slot(const struct smap *m, const char *key, size_t n)
{
	size_t i = (size_t)hash_of(key, n) & (m->cap - 1);

	while (m->keys[i] != NULL &&
	    (strlen(m->keys[i]) != n || memcmp(m->keys[i], key, n) != 0))
		i = (i + 1) & (m->cap - 1);
	return i;
}

/* smap_grow doubles m (or makes it). */
static int
smap_grow(struct smap *m)
{
	struct smap b = {NULL, NULL, m->cap ? m->cap * 2 : 256, 0};
	size_t i, j;

	b.keys = calloc(b.cap, sizeof(*b.keys));
	b.vals = calloc(b.cap, sizeof(*b.vals));
	if (b.keys == NULL || b.vals == NULL) {
		free(b.keys);
		free(b.vals);
		return ZP_ENOMEM;
	}
	for (i = 0; i < m->cap; i++) {
		if (m->keys[i] == NULL)
			continue;
		j = slot(&b, m->keys[i], strlen(m->keys[i]));
		b.keys[j] = m->keys[i];
		b.vals[j] = m->vals[i];
		b.n++;
	}
	free(m->keys);
	free(m->vals);
	*m = b;
	return 0;
}

/* smap_get returns the value of key, or NULL. */
static const char *
smap_get(const struct smap *m, const char *key, size_t n)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	i = slot(m, key, n);
	return m->keys[i] != NULL ? m->vals[i] : NULL;
}

/* smap_put sets key to val (both interned in a); returns the value it
 * had (or NULL) through *old when old is not NULL. */
static int
smap_put(struct smap *m, struct zp_arena *a, const char *key, size_t n,
    const char *val, size_t vn, const char **old)
{
	size_t i;
	char *k, *v;

	if ((m->n + 1) * 2 > m->cap && smap_grow(m) != 0)
		return ZP_ENOMEM;
	i = slot(m, key, n);
	if (old != NULL)
		*old = m->vals[i];
	if ((v = zp_arena_alloc(a, vn + 1)) == NULL)
		return ZP_ENOMEM;
	memcpy(v, val, vn);
	v[vn] = '\0';
	if (m->keys[i] == NULL) {
		if ((k = zp_arena_alloc(a, n + 1)) == NULL)
			return ZP_ENOMEM;
		memcpy(k, key, n);
		k[n] = '\0';
		m->keys[i] = k;
		m->n++;
	}
	m->vals[i] = v;
	return 0;
}

/* smap_free frees m's tables (the strings are in the arena). */
static void
smap_free(struct smap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* --- identities ------------------------------------------------------ */

/* canon writes the canonical form of an identity into e->canon: as an
 * e-mail when it has an '@', else as an id.  0 or an error. */
static int
canon(struct match_extra *e, const char *v, size_t n)
{
	zp_buf_reset(&e->canon);
	if (memchr(v, '@', n) != NULL &&
	    match_index_canon_email(e->x, v, n, &e->canon) == 0)
		return 0;
	zp_buf_reset(&e->canon);
	return match_index_canon_id(v, n, &e->canon);
}

/* trim narrows s[0..*n) to its non-blank middle. */
static const char *
trim(const char *s, size_t *n)
{
	while (*n > 0 && isspace((unsigned char)*s)) {
		s++;
		(*n)--;
	}
	while (*n > 0 && isspace((unsigned char)s[*n - 1]))
		(*n)--;
	return s;
}

/* override_line reads one line of the overrides file. */
static int
override_line(struct match_extra *e, const char *path, unsigned long line,
    const char *s, size_t n)
{
	const char *comma = memchr(s, ',', n), *id, *person;
	size_t idn, pn;

	s = trim(s, &n);
	if (n == 0 || s[0] == '#')
		return 0;
	if (line == 1 && n >= 15 && strncmp(s, "identity,person", 15) == 0)
		return 0;
	if (comma == NULL) {
		zp_error("%s:%lu: expected IDENTITY,PERSON", path, line);
		return 1;
	}
	idn = (size_t)(comma - s);
	id = trim(s, &idn);
	pn = n - (size_t)(comma - s) - 1;
	person = trim(comma + 1, &pn);
	if (idn == 0 || pn == 0) {
		zp_error("%s:%lu: %s is empty", path, line,
		    idn == 0 ? "the identity" : "the person");
		return 1;
	}
	if (canon(e, id, idn) != 0) {
		zp_error(
		    "%s:%lu: not an identity zp-match can use", path, line);
		return 1;
	}
	if (pn == 6 && strncmp(person, "ignore", 6) == 0)
		pn = 0;
	return smap_put(&e->overrides, &e->mem, e->canon.data, e->canon.len,
	    person, pn, NULL);
}

/* each_line calls fn for every line of text. */
static int
each_line(struct match_extra *e, const char *path, const struct zp_buf *text,
    int (*fn)(struct match_extra *, const char *, unsigned long, const char *,
	size_t),
    unsigned long *bad)
{
	const char *p = text->data, *end = text->data + text->len, *nl;
	unsigned long line = 0;
	int rc;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		rc = fn(e, path, ++line, p, (size_t)(nl - p));
		if (rc < 0)
			return rc;
		*bad += (unsigned long)rc;
		p = nl + 1;
	}
	return 0;
}

/* --- the directory --------------------------------------------------- */

/* directory_line adds one user of the directory file to the index. */
static int
directory_line(struct match_extra *e, const char *path, unsigned long line,
    const char *s, size_t n)
{
	struct zp_arena a = {0};
	struct zp_json_parser p;
	struct zp_json *root;
	const struct zp_json *em;
	struct match_str emails[16], id;
	size_t k, ne = 0;
	int rc = 1;

	s = trim(s, &n);
	if (n == 0)
		return 0;
	zp_json_parser_init(&p, &a);
	if (zp_json_parse(&p, s, n, &root) == 0 &&
	    root->type == ZP_JSON_OBJECT &&
	    (id = match_json_str(root, "id")).n > 0) {
		em = zp_json_get(root, "emails");
		for (k = 0; em != NULL && em->type == ZP_JSON_ARRAY &&
		     k < em->n && ne < 16;
		     k++)
			if (em->u.items[k].type == ZP_JSON_STRING)
				emails[ne++] = (struct match_str) {
				    em->u.items[k].u.s, em->u.items[k].n};
		rc = match_index_add_user(e->x, id, emails, ne,
			 match_json_str(root, "pmi"),
			 match_json_str(root, "employee_id")) == 0
		    ? 0
		    : 1;
		if (rc == 0)
			rc = smap_put(
			    &e->users, &e->mem, id.s, id.n, s, n, NULL);
	}
	if (rc == 1)
		zp_error("%s:%lu: not a directory entry", path, line);
	zp_json_parser_release(&p);
	zp_arena_release(&a);
	return rc;
}

/* match_extra_user notes a Zoom user seen in the stream. */
int
match_extra_user(struct match_extra *e, const char *line, size_t n)
{
	struct zp_arena a = {0};
	struct zp_json_parser p;
	struct zp_json *root;
	struct match_str id = {NULL, 0};
	int rc = ZP_EINVAL;

	zp_json_parser_init(&p, &a);
	if (zp_json_parse(&p, line, n, &root) == 0 &&
	    root->type == ZP_JSON_OBJECT &&
	    (id = match_json_str(root, "id")).n > 0)
		rc = smap_put(&e->users, &e->mem, id.s, id.n, line, n, NULL);
	zp_json_parser_release(&p);
	zp_arena_release(&a);
	return rc;
}

/* match_extra_save writes the directory atomically. */
int
match_extra_save(const struct match_extra *e, const char *path)
{
	struct zp_buf b = ZP_BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < e->users.cap; i++)
		if (e->users.keys[i] != NULL)
			rc = zp_buf_printf(&b, "%s\n", e->users.vals[i]);
	if (rc == 0)
		rc = zp_file_write_atomic(
		    path, b.data ? b.data : "", b.len, 0600, NULL);
	zp_buf_release(&b);
	return rc;
}

/* --- names ----------------------------------------------------------- */

/* lower writes the lower-cased s[0..n) into b. */
static int
lower(struct zp_buf *b, const char *s, size_t n)
{
	size_t i;

	zp_buf_reset(b);
	if (zp_buf_reserve(b, n + 1) != 0)
		return ZP_ENOMEM;
	for (i = 0; i < n; i++)
		b->data[i] = (char)tolower((unsigned char)s[i]);
	b->len = n;
	b->data[n] = '\0';
	return 0;
}

/* add_names maps every roster display name to its person, or to "" when
 * two persons share it. */
static int
add_names(struct match_extra *e, const struct match_roster *r)
{
	const char *old;
	size_t i;
	int rc;

	for (i = 0; i < r->n; i++) {
		const struct match_person *p = &r->people[i];

		if (p->name == NULL || *p->name == '\0')
			continue;
		if ((rc = lower(&e->tmp, p->name, strlen(p->name))) != 0)
			return rc;
		old = smap_get(&e->names, e->tmp.data, e->tmp.len);
		if (old != NULL && strcmp(old, p->id) != 0)
			rc = smap_put(&e->names, &e->mem, e->tmp.data,
			    e->tmp.len, "", 0, NULL);
		else
			rc = smap_put(&e->names, &e->mem, e->tmp.data,
			    e->tmp.len, p->id, strlen(p->id), NULL);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* match_extra_name finds the one person with display name v. */
const char *
match_extra_name(const struct match_extra *e, const char *v, size_t n)
{
	struct zp_buf b = ZP_BUF_INIT;
	const char *p = NULL;

	if (lower(&b, v, n) == 0)
		p = smap_get(&e->names, b.data, b.len);
	zp_buf_release(&b);
	return p != NULL && *p != '\0' ? p : NULL;
}

/* match_extra_override looks an identity up in the overrides. */
int
match_extra_override(
    const struct match_extra *e, const char *v, size_t n, const char **person)
{
	struct match_extra *m = (struct match_extra *)e;
	const char *p;

	if (e->overrides.n == 0 || canon(m, v, n) != 0)
		return 0;
	p = smap_get(&e->overrides, m->canon.data, m->canon.len);
	if (p == NULL)
		return 0;
	*person = *p != '\0' ? p : NULL;
	return 1;
}

/* --- loading --------------------------------------------------------- */

/* load reads path and feeds its lines to fn; a missing directory file is
 * an empty one. */
static int
load(struct match_extra *e, const char *path, int may_be_missing,
    int (*fn)(struct match_extra *, const char *, unsigned long, const char *,
	size_t))
{
	struct zp_buf text = ZP_BUF_INIT;
	unsigned long bad = 0;
	int rc = zp_file_read(path, &text, MAX_FILE, NULL);

	if (rc == ZP_ENOTFOUND && may_be_missing) {
		zp_buf_release(&text);
		return 0;
	}
	if (rc != 0) {
		zp_error("%s: cannot read: %s", path, zp_strerror(rc));
		zp_buf_release(&text);
		return ZP_ECONFIG;
	}
	rc = each_line(e, path, &text, fn, &bad);
	if (bad > 0)
		zp_warn("%s: %lu line%s skipped (see above)", path, bad,
		    bad == 1 ? "" : "s");
	zp_buf_release(&text);
	return rc;
}

/* match_extra_new loads the overrides, the directory and the names. */
int
match_extra_new(struct match_extra **out, const struct match_options *o,
    struct match_index *x, const struct match_roster *r)
{
	struct match_extra *e = calloc(1, sizeof(*e));
	int rc = 0;

	*out = NULL;
	if (e == NULL)
		return ZP_ENOMEM;
	e->x = x;
	if (o->overrides != NULL)
		rc = load(e, o->overrides, 0, override_line);
	if (rc == 0 && o->directory != NULL)
		rc = load(e, o->directory, 1, directory_line);
	if (rc == 0 && o->match_names)
		rc = add_names(e, r);
	if (rc != 0) {
		match_extra_free(&e);
		return rc;
	}
	*out = e;
	return 0;
}

/* match_extra_free frees e. */
void
match_extra_free(struct match_extra **ep)
{
	struct match_extra *e;

	if (ep == NULL || (e = *ep) == NULL)
		return;
	smap_free(&e->overrides);
	smap_free(&e->names);
	smap_free(&e->users);
	zp_arena_release(&e->mem);
	zp_buf_release(&e->canon);
	zp_buf_release(&e->tmp);
	free(e);
	*ep = NULL;
}
