/*
 * table.c - the run's table (core.h): interned strings, records, and the
 * maps that find a record by its natural id or a participation by any
 * identity it carried.
 */
#include "core.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "keys.h"
#include "splitmix.h"

/* One interned string. */
struct emit_intern {
	const char *s;
	uint32_t len;
	uint32_t hash;
};

/* t->marks, what the page being built attached to interned strings (its
 * identities): an entry of another page (stamp) counts as free, so a new
 * page costs nothing to start; cap is a power of two. */

/* One entry of a pointer-pair map; a == NULL is a free slot. */
struct pslot {
	const void *a, *b;
	void *value;
};

/* A pointer-pair map with open addressing, kept at most half full. */
struct emit_pmap {
	size_t n, cap; /* cap is a power of two */
	struct pslot slot[];
};

/* --- hashing --------------------------------------------------------- */

/* hash_pair mixes two pointers. */
static size_t
hash_pair(const void *a, const void *b)
{
	uint64_t h = (uint64_t)(uintptr_t)a * 0x9e3779b97f4a7c15ull;

	h ^= (uint64_t)(uintptr_t)b * 0xc2b2ae3d27d4eb4full;
	h ^= h >> 31;
	return (size_t)h;
}

/* --- interning ------------------------------------------------------- */

/* intern_grow doubles the string table. */
static int
intern_grow(struct emit_table *t)
{
	size_t cap = t->cap_strs ? t->cap_strs * 2 : 4096, i, j;
	struct emit_intern *n = calloc(cap, sizeof(*n));

	if (n == NULL)
		return ZP_ENOMEM;
	zp_mem_populate(n, cap * sizeof(*n)); /* touched all over */
	for (i = 0; i < t->cap_strs; i++) {
		if (t->strs[i].s == NULL)
			continue;
		for (j = t->strs[i].hash & (cap - 1); n[j].s != NULL;
		     j = (j + 1) & (cap - 1))
			;
		n[j] = t->strs[i];
	}
	free(t->strs);
	t->strs = n;
	t->cap_strs = cap;
	return 0;
}

/* intern_entry finds or makes the entry of s[0..n); NULL on ENOMEM. */
static struct emit_intern *
intern_entry(struct emit_table *t, const char *s, size_t n)
{
	uint32_t h = (uint32_t)zp_hash_bytes(s, n);
	struct emit_intern *e;
	size_t i;
	char *copy;

	if (4 * (t->n_strs + 1) > 3 * t->cap_strs && intern_grow(t) != 0)
		return NULL;
	for (i = h & (t->cap_strs - 1); t->strs[i].s != NULL;
	     i = (i + 1) & (t->cap_strs - 1))
		if (t->strs[i].hash == h && t->strs[i].len == n &&
		    memcmp(t->strs[i].s, s, n) == 0)
			return &t->strs[i];
	if ((copy = zp_arena_alloc(&t->str_arena, n + 5)) == NULL)
		return NULL;
	memcpy(copy, &(uint32_t) {(uint32_t)n}, 4); /* for emit_len */
	copy += 4;
	memcpy(copy, s, n);
	copy[n] = '\0';
	e = &t->strs[i];
	e->s = copy;
	e->len = (uint32_t)n;
	e->hash = h;
	t->n_strs++;
	return e;
}

const char *
emit_intern(struct emit_table *t, const char *s, size_t n)
{
	struct emit_intern *e = intern_entry(t, s, n);

	return e != NULL ? e->s : NULL;
}

/* marks_grow doubles the page's marks, keeping the live ones. */
static int
marks_grow(struct emit_table *t)
{
	struct emit_marks *m = &t->marks, n;
	size_t i, j;

	n.cap = m->cap ? m->cap * 2 : 1024;
	n.n = 0;
	n.key = calloc(n.cap, sizeof(*n.key));
	n.dom = calloc(n.cap, sizeof(*n.dom));
	n.stamp = calloc(n.cap, sizeof(*n.stamp));
	if (n.key == NULL || n.dom == NULL || n.stamp == NULL) {
		free(n.key);
		free(n.dom);
		free(n.stamp);
		return ZP_ENOMEM;
	}
	for (i = 0; i < m->cap; i++) {
		if (m->stamp[i] != t->page_no)
			continue;
		for (j = hash_pair(m->key[i], NULL) & (n.cap - 1);
		     n.stamp[j] == t->page_no; j = (j + 1) & (n.cap - 1))
			;
		n.key[j] = m->key[i];
		n.dom[j] = m->dom[i];
		n.stamp[j] = t->page_no;
		n.n++;
	}
	free(m->key);
	free(m->dom);
	free(m->stamp);
	*m = n;
	return 0;
}

int
emit_mark(struct emit_table *t, const char *k, const struct zp_json *dom)
{
	struct emit_marks *m = &t->marks;
	size_t i;

	if (2 * (m->n + 1) > m->cap && marks_grow(t) != 0)
		return ZP_ENOMEM;
	for (i = hash_pair(k, NULL) & (m->cap - 1); m->stamp[i] == t->page_no;
	     i = (i + 1) & (m->cap - 1))
		if (m->key[i] == k)
			break;
	if (m->stamp[i] != t->page_no)
		m->n++;
	m->key[i] = k;
	m->dom[i] = dom;
	m->stamp[i] = t->page_no;
	return 0;
}

const struct zp_json *
emit_marked(const struct emit_table *t, const char *s)
{
	const struct emit_marks *m = &t->marks;
	size_t i;

	if (m->cap == 0)
		return NULL;
	for (i = hash_pair(s, NULL) & (m->cap - 1); m->stamp[i] == t->page_no;
	     i = (i + 1) & (m->cap - 1))
		if (m->key[i] == s)
			return m->dom[i];
	return NULL;
}

void
emit_page_begin(struct emit_table *t)
{
	t->page_no++;
	t->marks.n = 0;
}

const char *
emit_keep(struct emit_table *t, const char *s, size_t n)
{
	char *copy = zp_arena_alloc(&t->arena, n + 5);

	if (copy == NULL)
		return NULL;
	memcpy(copy, &(uint32_t) {(uint32_t)n}, 4); /* for emit_len */
	copy += 4;
	memcpy(copy, s, n);
	copy[n] = '\0';
	return copy;
}

/* intern_quoted interns s[0..n), which needs no escapes, as a JSON
 * string. */
static const char *
intern_quoted(struct emit_table *t, const char *s, size_t n)
{
	zp_buf_reset(&t->tmp);
	if (zp_buf_reserve(&t->tmp, n + 2) != 0)
		return NULL;
	t->tmp.data[0] = '"';
	memcpy(t->tmp.data + 1, s, n);
	t->tmp.data[n + 1] = '"';
	t->tmp.len = n + 2;
	return emit_intern(t, t->tmp.data, t->tmp.len);
}

const char *
emit_intern_json(struct emit_table *t, const struct zp_json *v)
{
	if (v == NULL || v->type == ZP_JSON_NULL)
		return NULL;
	if (v->type == ZP_JSON_NUMBER)
		return emit_intern(t, v->u.s, v->n);
	if (v->type == ZP_JSON_TRUE)
		return emit_intern(t, "true", 4);
	if (v->type == ZP_JSON_FALSE)
		return emit_intern(t, "false", 5);
	if (v->type == ZP_JSON_STRING && v->plain)
		return intern_quoted(t, v->u.s, v->n);
	if (v->type == ZP_JSON_STRING)
		return emit_intern_str(t, v->u.s, v->n);
	zp_buf_reset(&t->tmp);
	if (zp_json_write(&t->tmp, v) != 0)
		return NULL;
	return emit_intern(t, t->tmp.data, t->tmp.len);
}

const char *
emit_intern_str(struct emit_table *t, const char *s, size_t n)
{
	zp_buf_reset(&t->tmp);
	if (zp_json_write_string(&t->tmp, s, n) != 0)
		return NULL;
	return emit_intern(t, t->tmp.data, t->tmp.len);
}

/* --- pointer-pair maps ----------------------------------------------- */

/* pmap_grow makes *m twice as large (or new). */
static int
pmap_grow(struct emit_pmap **m)
{
	size_t cap = *m ? (*m)->cap * 2 : 1024, i, j;
	struct emit_pmap *n = calloc(1, sizeof(*n) + cap * sizeof(n->slot[0]));

	if (n == NULL)
		return ZP_ENOMEM;
	zp_mem_populate(n, sizeof(*n) + cap * sizeof(n->slot[0]));
	n->cap = cap;
	for (i = 0; *m != NULL && i < (*m)->cap; i++) {
		const struct pslot *s = &(*m)->slot[i];

		if (s->a == NULL)
			continue;
		for (j = hash_pair(s->a, s->b) & (cap - 1); n->slot[j].a;
		     j = (j + 1) & (cap - 1))
			;
		n->slot[j] = *s;
		n->n++;
	}
	free(*m);
	*m = n;
	return 0;
}

void *
emit_pmap_get(const struct emit_pmap *m, const void *a, const void *b)
{
	size_t i;

	if (m == NULL)
		return NULL;
	for (i = hash_pair(a, b) & (m->cap - 1); m->slot[i].a != NULL;
	     i = (i + 1) & (m->cap - 1))
		if (m->slot[i].a == a && m->slot[i].b == b)
			return m->slot[i].value;
	return NULL;
}

int
emit_pmap_put(struct emit_pmap **m, const void *a, const void *b, void *value)
{
	size_t i;

	if ((*m == NULL || 2 * ((*m)->n + 1) > (*m)->cap) && pmap_grow(m) != 0)
		return ZP_ENOMEM;
	for (i = hash_pair(a, b) & ((*m)->cap - 1); (*m)->slot[i].a != NULL;
	     i = (i + 1) & ((*m)->cap - 1))
		if ((*m)->slot[i].a == a && (*m)->slot[i].b == b) {
			(*m)->slot[i].value = value;
			return 0;
		}
	(*m)->slot[i].a = a;
	(*m)->slot[i].b = b;
	(*m)->slot[i].value = value;
	(*m)->n++;
	return 0;
}

int
emit_pmap_each(
    const struct emit_pmap *m, int (*fn)(void *arg, void *v), void *arg)
{
	size_t i;
	int rc;

	for (i = 0; m != NULL && i < m->cap; i++)
		if (m->slot[i].a != NULL &&
		    (rc = fn(arg, m->slot[i].value)) != 0)
			return rc;
	return 0;
}

void
emit_pmap_free(struct emit_pmap **m)
{
	if (m == NULL)
		return;
	free(*m);
	*m = NULL;
}

/* --- records --------------------------------------------------------- */

signed char emit_slots[EMIT_NTYPES][32];
unsigned char emit_nslots[EMIT_NTYPES];

/* computed tells whether field i of type ty is made when written. */
static int
computed(enum emit_type ty, size_t i, size_t n)
{
	if (i < 4 || i + 1 == n)
		return 1; /* type, key, account, day; sources */
	return ty == EMIT_PARTICIPATION &&
	    ((i >= FP_FIRST_JOIN && i <= FP_IDS) || i == FP_PERSON ||
		i == FP_MATCHED || i == FP_PARTICIPANT || i == FP_INTERNAL ||
		i == FP_ROLE || i == FP_MEETING_ID || i == FP_MEETING_KIND);
}

/* slots_init fills emit_slots from the field table. */
static void
slots_init(void)
{
	size_t ty, i, n;

	for (ty = 0; ty < EMIT_NTYPES; ty++) {
		emit_fields(ty, &n);
		emit_nslots[ty] = 0;
		for (i = 0; i < n && i < 32; i++)
			emit_slots[ty][i] = computed(ty, i, n)
			    ? -1
			    : (signed char)emit_nslots[ty]++;
	}
}

int
emit_table_init(struct emit_table *t)
{
	memset(t, 0, sizeof(*t));
	slots_init();
	t->arena.max_block = (size_t)1 << 20; /* little left unused */
	t->arena.align8 = 1;
	t->str_arena.max_block = (size_t)1 << 20;
	t->str_arena.align8 = 1;
	return intern_grow(t);
}

void
emit_table_shrink(struct emit_table *t)
{
	size_t i;

	for (i = 0; i < EMIT_NTYPES; i++)
		emit_pmap_free(&t->maps[i]);
	emit_pmap_free(&t->part_ids);
	zp_keys_free(&t->joins);
	free(t->recs);
	t->recs = NULL;
	t->n_recs = t->cap_recs = 0;
	free(t->marks.key);
	free(t->marks.dom);
	free(t->marks.stamp);
	memset(&t->marks, 0, sizeof(t->marks));
	/* the strings stay (the meeting facts point at them); their hash
	 * table goes: nothing is interned after the flush */
	free(t->strs);
	t->strs = NULL;
	t->n_strs = t->cap_strs = 0;
}

void
emit_table_release(struct emit_table *t)
{
	emit_table_shrink(t);
	emit_pmap_free(&t->minfo);
	emit_pmap_free(&t->winfo);
	zp_arena_release(&t->arena);
	zp_arena_release(&t->str_arena);
	zp_buf_release(&t->tmp);
	zp_buf_release(&t->scratch);
	memset(t, 0, sizeof(*t));
}

struct emit_rec *
emit_rec_new(struct emit_table *t, enum emit_type ty)
{
	struct emit_rec *r, **grown;
	/* a participation's first slot is its meeting; the others are the
	 * dashboard's, which few pages give: room for them comes then */
	size_t nf = ty == EMIT_PARTICIPATION ? 1 : emit_nslots[ty];

	if (t->n_recs == t->cap_recs) {
		size_t cap = t->cap_recs ? t->cap_recs * 2 : 4096;

		if ((grown = realloc(t->recs, cap * sizeof(*grown))) == NULL)
			return NULL;
		t->recs = grown;
		t->cap_recs = cap;
	}
	r = zp_arena_alloc(&t->arena, sizeof(*r));
	if (r == NULL)
		return NULL;
	memset(r, 0, sizeof(*r));
	if ((r->v = zp_arena_alloc(&t->arena, nf * sizeof(*r->v))) == NULL)
		return NULL;
	memset(r->v, 0, nf * sizeof(*r->v));
	r->n_v = (uint8_t)nf;
	r->type = (uint8_t)ty;
	t->recs[t->n_recs++] = r;
	t->counts[ty]++;
	return r;
}

struct emit_rec *
emit_record(struct emit_table *t, enum emit_type ty, const char *account,
    const char *id)
{
	struct emit_rec *r = emit_pmap_get(t->maps[ty], account, id);

	if (r != NULL)
		return r;
	if ((r = emit_rec_new(t, ty)) == NULL ||
	    emit_pmap_put(&t->maps[ty], account, id, r) != 0)
		return NULL;
	r->account = account;
	return r;
}

/* grow makes room for one more pointer in *v (n used, *cap held, at
 * most max), in the table's arena: records mostly hold one or two. */
static int
grow(struct emit_table *t, const char ***v, size_t n, uint8_t *cap,
    size_t first, size_t max)
{
	size_t c = *cap ? (size_t)*cap * 2 : first;
	const char **nv;

	if (n < *cap)
		return 0;
	if (c > max)
		c = max;
	if ((nv = zp_arena_alloc(&t->arena, c * sizeof(*nv))) == NULL)
		return ZP_ENOMEM;
	if (n > 0)
		memcpy(nv, *v, n * sizeof(*nv));
	*v = nv; /* the old array stays in the arena */
	*cap = (uint8_t)c;
	return 0;
}

int
emit_rec_source(struct emit_table *t, struct emit_rec *r, const char *id)
{
	size_t i;

	if (id == NULL)
		return 0;
	for (i = 0; i < r->n_src; i++)
		if (r->src[i] == id)
			return 0;
	if (r->n_src == EMIT_MAX_SOURCES) {
		memmove(r->src, r->src + 1,
		    (EMIT_MAX_SOURCES - 1) * sizeof(r->src[0]));
		r->n_src--;
	}
	if (grow(t, &r->src, r->n_src, &r->cap_src, 1, EMIT_MAX_SOURCES) != 0)
		return ZP_ENOMEM;
	r->src[r->n_src++] = id;
	return 0;
}

int
emit_rec_session(
    struct emit_table *t, struct emit_rec *r, int64_t join, int64_t leave)
{
	struct emit_session *n;
	size_t i;

	for (i = 0; i < r->n_ses; i++)
		if (r->ses[i].join == join) {
			if (leave > r->ses[i].leave)
				r->ses[i].leave = leave;
			return 0;
		}
	if (r->n_ses == r->cap_ses) {
		size_t cap = r->cap_ses ? (size_t)r->cap_ses * 2 : 1;

		if (cap > UINT16_MAX)
			return 0; /* a person does not rejoin 65,535 times */
		n = zp_arena_alloc(&t->arena, cap * sizeof(*n));
		if (n == NULL)
			return ZP_ENOMEM;
		if (r->n_ses > 0)
			memcpy(n, r->ses, r->n_ses * sizeof(*n));
		r->ses = n; /* the old array stays in the arena */
		r->cap_ses = (uint16_t)cap;
	}
	r->ses[r->n_ses].join = join;
	r->ses[r->n_ses].leave = leave;
	r->n_ses++;
	return 0;
}

int
emit_rec_id(struct emit_table *t, struct emit_rec *r, const char *id)
{
	size_t i;

	if (id == NULL || r->n_ids == EMIT_MAX_IDS)
		return 0;
	for (i = 0; i < r->n_ids; i++)
		if (r->ids[i] == id)
			return 0;
	if (grow(t, &r->ids, r->n_ids, &r->cap_ids, 2, EMIT_MAX_IDS) != 0)
		return ZP_ENOMEM;
	r->ids[r->n_ids++] = id;
	return 0;
}

/* slot_field is the field that slot k of type ty holds. */
static int
slot_field(enum emit_type ty, size_t k)
{
	int i;

	for (i = 0; i < 32; i++)
		if (emit_slots[ty][i] == (signed char)k)
			return i;
	return -1;
}

int
emit_rec_merge(struct emit_table *t, struct emit_rec *a, struct emit_rec *b)
{
	size_t i;

	for (i = 0; i < b->n_ses; i++)
		if (emit_rec_session(t, a, b->ses[i].join, b->ses[i].leave) !=
		    0)
			return ZP_ENOMEM;
	for (i = 0; i < b->n_ids; i++)
		if (emit_rec_id(t, a, b->ids[i]) != 0)
			return ZP_ENOMEM;
	for (i = 0; i < b->n_src; i++)
		if (emit_rec_source(t, a, b->src[i]) != 0)
			return ZP_ENOMEM;
	for (i = 0; i < b->n_v; i++)
		if ((i >= a->n_v || a->v[i] == NULL) && b->v[i] != NULL &&
		    emit_setv(t, a, slot_field(a->type, i), b->v[i]) != 0)
			return ZP_ENOMEM;
	a->internal |= b->internal;
	if (!a->role_said && b->role_said) {
		a->role = b->role;
		a->role_said = 1;
	}
	if (a->person == NULL)
		a->person = b->person;
	b->dead = 1;
	return 0;
}

enum emit_rank
emit_rank_of(const char *id)
{
	if (strncmp(id, "\"session:", 9) == 0)
		return EMIT_RANK_SESSION;
	return strchr(id, '@') != NULL ? EMIT_RANK_EMAIL : EMIT_RANK_USER;
}

int
emit_setv(struct emit_table *t, struct emit_rec *r, int i, const char *x)
{
	int slot = emit_slots[r->type][i];
	const char **v;

	if (slot < 0)
		return ZP_EINVAL;
	if (slot >= r->n_v) {
		if (x == NULL)
			return 0;
		v = zp_arena_alloc(
		    &t->arena, emit_nslots[r->type] * sizeof(*v));
		if (v == NULL)
			return ZP_ENOMEM;
		memset(v, 0, emit_nslots[r->type] * sizeof(*v));
		if (r->n_v > 0)
			memcpy(v, r->v, r->n_v * sizeof(*v));
		r->v = v; /* the short array stays in the arena */
		r->n_v = emit_nslots[r->type];
	}
	r->v[slot] = x;
	return 0;
}

void
emit_facts_change(struct emit_table *t)
{
	void (*fn)(void *) = t->facts_change;

	t->facts_change = NULL;
	if (fn != NULL)
		fn(t->facts_arg);
}

struct emit_minfo *
emit_minfo_of(struct emit_table *t, struct emit_pmap **m, const char *account,
    const char *uuid)
{
	struct emit_minfo *mi = emit_pmap_get(*m, account, uuid);

	if (mi != NULL)
		return mi;
	if ((mi = zp_arena_alloc(&t->arena, sizeof(*mi))) == NULL)
		return NULL;
	memset(mi, 0, sizeof(*mi));
	mi->account = account;
	mi->uuid = uuid;
	emit_facts_change(t);
	if (emit_pmap_put(m, account, uuid, mi) != 0)
		return NULL;
	return mi;
}
