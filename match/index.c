/*
 * index.c - the identity index: canonical forms of e-mails, ids and
 * pseudonyms, and open-addressing tables (linear probing, as in
 * fetch/keys.c, with a hash that reads eight bytes at a time) whose keys
 * live in one arena.
 */
#include "index.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "error.h"
#include "splitmix.h"
#include "json.h"
#include "log.h"

/* One slot (24 bytes): an interned key (NULL: empty) and its value. */
struct slot {
	const char *key;
	void *val;
	uint32_t hash; /* the low half of the key's hash */
	uint32_t len : 30; /* keys are at most MATCH_MAX_IDENTITY bytes */
	uint32_t conflict : 1; /* claimed by two persons: maps to none */
	uint32_t multi : 1; /* val is a struct claim list: persons whose
			       validity windows do not overlap */
};

/* One of several claims on a key, each in its own validity window. */
struct claim {
	const struct match_person *p;
	struct claim *next;
};

/* A hash table; cap is zero or a power of two, at most 70% full. */
struct table {
	struct slot *slots;
	size_t cap;
	size_t n;
};

struct match_index {
	struct table email; /* canonical e-mail -> struct match_person */
	struct table empid; /* employee id -> struct match_person */
	struct table person; /* person id -> its first match_person */
	struct table user; /* Zoom user id -> struct match_user */
	struct table pmi; /* PMI -> struct match_user */
	struct table alias; /* domain alias -> canonical domain (char *) */
	int ignore_dots;
	char day[11]; /* "as of" for validity windows; "": today */
	int frozen; /* identities were added: options are fixed */
	size_t conflicts;
	struct zp_arena mem; /* keys, users and their e-mail lists */
};

/* --- tables ----------------------------------------------------------- */

/* find returns the slot of key in t (cap > 0), or the empty one for it. */
static struct slot *
find(const struct table *t, const char *key, size_t n, uint32_t h)
{
	size_t i = (size_t)h & (t->cap - 1);

	while (t->slots[i].key != NULL &&
	    (t->slots[i].hash != h || t->slots[i].len != n ||
		memcmp(t->slots[i].key, key, n) != 0))
		i = (i + 1) & (t->cap - 1);
	return &t->slots[i];
}

/* grow doubles t (or makes its first 1024 slots); 0 or ZP_ENOMEM. */
static int
grow(struct table *t)
{
	struct table big = {NULL, t->cap ? t->cap * 2 : 1024, t->n};
	size_t i;

	if ((big.slots = calloc(big.cap, sizeof(*big.slots))) == NULL)
		return ZP_ENOMEM;
	for (i = 0; i < t->cap; i++)
		if (t->slots[i].key != NULL)
			*find(&big, t->slots[i].key, t->slots[i].len,
			    t->slots[i].hash) = t->slots[i];
	free(t->slots);
	*t = big;
	return 0;
}

/* get returns the slot holding key[0..n), or NULL. */
static const struct slot *
get(const struct table *t, const char *key, size_t n)
{
	const struct slot *s;

	if (t->cap == 0)
		return NULL;
	s = find(t, key, n, (uint32_t)zp_hash_bytes(key, n));
	return s->key != NULL ? s : NULL;
}

/*
 * put returns in *out the slot of key[0..n), adding it (key interned in
 * x's arena, val NULL) when absent; 0 or ZP_ENOMEM.
 */
static int
put(struct match_index *x, struct table *t, const char *key, size_t n,
    struct slot **out)
{
	uint32_t h = (uint32_t)zp_hash_bytes(key, n);
	struct slot *s;
	char *k;

	if ((t->n + 1) * 10 > t->cap * 7 && grow(t) != 0)
		return ZP_ENOMEM;
	s = find(t, key, n, h);
	if (s->key == NULL) {
		if ((k = zp_arena_alloc(&x->mem, n + 1)) == NULL)
			return ZP_ENOMEM;
		memcpy(k, key, n);
		k[n] = '\0';
		s->key = k;
		s->hash = h;
		s->len = (uint32_t)n;
		s->val = NULL;
		s->conflict = 0;
		t->n++;
	}
	*out = s;
	return 0;
}

/* --- canonical forms -------------------------------------------------- */

/* A canonical form being written into a fixed buffer. */
struct canon {
	char s[MATCH_MAX_IDENTITY + 1];
	size_t n;
	int over; /* it did not fit */
};

/* cput appends byte c. */
static void
cput(struct canon *c, char ch)
{
	if (c->n < MATCH_MAX_IDENTITY)
		c->s[c->n++] = ch;
	else
		c->over = 1;
}

/* cputs appends s[0..n), as cput would byte by byte. */
static void
cputs(struct canon *c, const char *s, size_t n)
{
	size_t room = MATCH_MAX_IDENTITY - c->n;

	if (n > room) {
		n = room;
		c->over = 1;
	}
	memcpy(c->s + c->n, s, n);
	c->n += n;
}

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* b64val returns the 6-bit value of a base64url character, or -1. */
static int
b64val(char ch)
{
	return zp_base64_value(ch, '-', '_');
}

/*
 * unseal writes prefix and the 43-character base64url of the first 32
 * bytes that the sealed body s[0..n) encodes (a p~ or e~ token: the hash,
 * then at least one AES block).  Its first 42 characters carry 252 bits
 * of the hash; the 43rd carries the last 4 bits and 2 bits of the next
 * byte, which are cleared.  0 or ZP_EINVAL.
 */
static int
unseal(struct canon *c, const char *prefix, const char *s, size_t n)
{
	size_t i;

	if (n < 64 || n % 4 == 1)
		return ZP_EINVAL;
	for (i = 0; i < n; i++)
		if (b64val(s[i]) < 0)
			return ZP_EINVAL;
	cputs(c, prefix, 2);
	cputs(c, s, 42);
	cput(c, b64url[b64val(s[42]) & ~3]);
	return 0;
}

/* is_prefix tells whether s[0..n) begins with the 2-byte prefix p. */
static int
is_prefix(const char *s, size_t n, const char *p)
{
	return n >= 2 && s[0] == p[0] && s[1] == p[1];
}

/* lower_into appends s[0..n) in ASCII lower case, dots dropped if asked. */
static void
lower_into(struct canon *c, const char *s, size_t n, int drop_dots)
{
	size_t i;
	char ch, *o = c->s + c->n;

	if (c->n + n <= MATCH_MAX_IDENTITY) { /* it fits: no check a byte */
		for (i = 0; i < n; i++) {
			ch = s[i];
			if (!drop_dots || ch != '.')
				*o++ = ch >= 'A' && ch <= 'Z'
				    ? (char)(ch - 'A' + 'a')
				    : ch;
		}
		c->n = (size_t)(o - c->s);
		return;
	}
	for (i = 0; i < n; i++) {
		ch = s[i];
		if (drop_dots && ch == '.')
			continue;
		cput(c, ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch);
	}
}

/* domain_raw appends a domain lower-cased, or an h~/e~ token as h~. */
static int
domain_raw(struct canon *c, const char *d, size_t n)
{
	if (n == 0)
		return ZP_EINVAL;
	if (is_prefix(d, n, "e~"))
		return unseal(c, "h~", d + 2, n - 2);
	if (is_prefix(d, n, "h~"))
		cputs(c, d, n);
	else
		lower_into(c, d, n, 0);
	return 0;
}

/* domain appends the canonical domain: domain_raw, then alias-mapped. */
static int
domain(const struct match_index *x, struct canon *c, const char *d, size_t n)
{
	size_t at = c->n;
	const struct slot *s;
	int rc = domain_raw(c, d, n);

	if (rc != 0 || c->over)
		return rc;
	s = get(&x->alias, c->s + at, c->n - at);
	if (s != NULL) {
		c->n = at;
		cputs(c, s->val, strlen(s->val));
	}
	return 0;
}

/* trim drops blanks (bytes up to ' ') from both ends of s[0..*n). */
static const char *
trim(const char *s, size_t *n)
{
	while (*n > 0 && (unsigned char)s[0] <= ' ') {
		s++;
		(*n)--;
	}
	while (*n > 0 && (unsigned char)s[*n - 1] <= ' ')
		(*n)--;
	return s;
}

/* A pseudonym in Psoxy's JSON encoding, its strings unescaped. */
struct json_pseudo {
	char hash[128];
	size_t hn;
	char domain[MATCH_MAX_IDENTITY];
	size_t dn;
	int have_domain;
};

/* json_str unescapes the current string token into out (cap bytes). */
static int
json_str(const struct zp_json_tok *t, char *out, size_t cap, size_t *n)
{
	if (t->tlen > cap)
		return ZP_EINVAL;
	*n = zp_json_unescape(t->src + t->start, t->tlen, out);
	return 0;
}

/* json_pseudo_parse reads {"domain":…,"hash":…,…}; 0 or ZP_EINVAL. */
static int
json_pseudo_parse(const char *s, size_t n, struct json_pseudo *jp)
{
	struct zp_json_tok t;
	enum zp_tok tok;
	char key[16];
	size_t kn;

	jp->hn = jp->dn = 0;
	jp->have_domain = 0;
	zp_json_tok_init(&t, s, n, 2);
	if (zp_json_next(&t) != ZP_TOK_OBJ_BEGIN)
		return ZP_EINVAL;
	while ((tok = zp_json_next(&t)) == ZP_TOK_KEY) {
		if (json_str(&t, key, sizeof(key), &kn) != 0)
			kn = 0;
		if (zp_json_next(&t) != ZP_TOK_STRING)
			return ZP_EINVAL;
		if (kn == 4 && memcmp(key, "hash", 4) == 0 &&
		    json_str(&t, jp->hash, sizeof(jp->hash), &jp->hn) != 0)
			return ZP_EINVAL;
		if (kn == 6 && memcmp(key, "domain", 6) == 0) {
			if (json_str(&t, jp->domain, sizeof(jp->domain),
				&jp->dn) != 0)
				return ZP_EINVAL;
			jp->have_domain = 1;
		}
	}
	if (tok != ZP_TOK_OBJ_END || zp_json_next(&t) != ZP_TOK_END)
		return ZP_EINVAL;
	return jp->hn > 0 ? 0 : ZP_EINVAL;
}

/* canon_json writes the t~ form of a JSON-encoded pseudonym. */
static int
canon_json(const struct match_index *x, struct canon *c, const char *s,
    size_t n, int email)
{
	struct json_pseudo jp;

	if (json_pseudo_parse(s, n, &jp) != 0)
		return ZP_EINVAL;
	cputs(c, "t~", 2);
	cputs(c, jp.hash, jp.hn);
	if (!email || !jp.have_domain)
		return 0;
	cput(c, '@');
	return domain(x, c, jp.domain, jp.dn);
}

/* canon_token writes a t~ or p~ token (with any @domain) as t~. */
static int
canon_token(
    const struct match_index *x, struct canon *c, const char *s, size_t n)
{
	const char *at = memchr(s, '@', n);
	size_t tn = at ? (size_t)(at - s) : n;
	int rc = 0;

	if (s[0] == 'p')
		rc = unseal(c, "t~", s + 2, tn - 2);
	else
		cputs(c, s, tn);
	if (rc != 0 || at == NULL)
		return rc;
	cput(c, '@');
	if (x == NULL) {
		cputs(c, at + 1, n - tn - 1);
		return 0;
	}
	return domain(x, c, at + 1, n - tn - 1);
}

/* canon_plain writes a plain address as local@domain, canonicalized. */
static int
canon_plain(
    const struct match_index *x, struct canon *c, const char *s, size_t n)
{
	const char *at = s + n;
	const char *plus;
	size_t ln;

	while (at > s && at[-1] != '@')
		at--;
	if (at == s || at == s + 1 || at == s + n)
		return ZP_EINVAL;
	ln = (size_t)(at - 1 - s);
	if ((plus = memchr(s, '+', ln)) != NULL)
		ln = (size_t)(plus - s);
	lower_into(c, s, ln, x->ignore_dots);
	cput(c, '@');
	return domain(x, c, at, (size_t)(s + n - at));
}

/* canon_email fills c with the canonical e-mail of v[0..n). */
static int
canon_email(
    const struct match_index *x, const char *v, size_t n, struct canon *c)
{
	int rc;

	c->n = 0;
	c->over = 0;
	v = trim(v, &n);
	if (n == 0)
		return ZP_EINVAL;
	if (v[0] == '{')
		rc = canon_json(x, c, v, n, 1);
	else if (is_prefix(v, n, "t~") || is_prefix(v, n, "p~"))
		rc = canon_token(x, c, v, n);
	else
		rc = canon_plain(x, c, v, n);
	return rc != 0 ? rc : c->over ? ZP_ETOOBIG : 0;
}

/* canon_id fills c with the canonical form of the plain id v[0..n). */
static int
canon_id(const char *v, size_t n, struct canon *c)
{
	int rc = 0;

	c->n = 0;
	c->over = 0;
	v = trim(v, &n);
	if (n == 0)
		return ZP_EINVAL;
	if (v[0] == '{')
		rc = canon_json(NULL, c, v, n, 0);
	else if (is_prefix(v, n, "p~"))
		rc = canon_token(NULL, c, v, n);
	else
		cputs(c, v, n);
	return rc != 0 ? rc : c->over ? ZP_ETOOBIG : 0;
}

int
match_index_canon_email(
    const struct match_index *x, const char *v, size_t n, struct zp_buf *out)
{
	struct canon c;
	int rc;

	if (x == NULL || v == NULL || out == NULL)
		return ZP_EINVAL;
	rc = canon_email(x, v, n, &c);
	return rc != 0 ? rc : zp_buf_append(out, c.s, c.n);
}

int
match_index_canon_id(const char *v, size_t n, struct zp_buf *out)
{
	struct canon c;
	int rc;

	if (v == NULL || out == NULL)
		return ZP_EINVAL;
	rc = canon_id(v, n, &c);
	return rc != 0 ? rc : zp_buf_append(out, c.s, c.n);
}

/* --- building --------------------------------------------------------- */

int
match_index_new(struct match_index **out)
{
	if (out == NULL)
		return ZP_EINVAL;
	*out = calloc(1, sizeof(**out));
	return *out != NULL ? 0 : ZP_ENOMEM;
}

void
match_index_free(struct match_index **x)
{
	if (x == NULL || *x == NULL)
		return;
	free((*x)->email.slots);
	free((*x)->empid.slots);
	free((*x)->person.slots);
	free((*x)->user.slots);
	free((*x)->pmi.slots);
	free((*x)->alias.slots);
	zp_arena_release(&(*x)->mem);
	free(*x);
	*x = NULL;
}

int
match_index_set_ignore_dots(struct match_index *x, int on)
{
	if (x == NULL || x->frozen)
		return ZP_EINVAL;
	x->ignore_dots = on != 0;
	return 0;
}

int
match_index_add_domain_alias(
    struct match_index *x, const char *alias, const char *canonical)
{
	struct canon a, t;
	struct slot *s;
	int rc;

	if (x == NULL || alias == NULL || canonical == NULL || x->frozen)
		return ZP_EINVAL;
	a.n = t.n = 0;
	a.over = t.over = 0;
	if (domain_raw(&a, alias, strlen(alias)) != 0 ||
	    domain_raw(&t, canonical, strlen(canonical)) != 0 || a.over ||
	    t.over)
		return ZP_EINVAL;
	if ((rc = put(x, &x->alias, a.s, a.n, &s)) != 0)
		return rc;
	s->val = zp_arena_memdup(&x->mem, t.s, t.n + 1);
	if (s->val == NULL)
		return ZP_ENOMEM;
	((char *)s->val)[t.n] = '\0';
	return 0;
}

/* overlap tells whether the validity windows of a and b share a day
 * (a missing bound is open). */
static int
overlap(const struct match_person *a, const struct match_person *b)
{
	if (a->valid_from != NULL && b->valid_to != NULL &&
	    strncmp(a->valid_from, b->valid_to, 10) > 0)
		return 0;
	if (b->valid_from != NULL && a->valid_to != NULL &&
	    strncmp(b->valid_from, a->valid_to, 10) > 0)
		return 0;
	return 1;
}

/* add_claim adds p to the claims of slot s, making it a list if need
 * be.  0 or ZP_ENOMEM. */
static int
add_claim(struct match_index *x, struct slot *s, const struct match_person *p)
{
	struct claim *c = zp_arena_alloc(&x->mem, sizeof(*c)), *first;

	if (c == NULL)
		return ZP_ENOMEM;
	if (!s->multi) {
		if ((first = zp_arena_alloc(&x->mem, sizeof(*first))) == NULL)
			return ZP_ENOMEM;
		first->p = s->val;
		first->next = NULL;
		s->val = first;
		s->multi = 1;
	}
	c->p = p;
	c->next = s->val;
	s->val = c;
	return 0;
}

/* rival finds a claim of s by another person whose window overlaps p's,
 * or NULL. */
static const struct match_person *
rival(const struct slot *s, const struct match_person *p)
{
	const struct claim *c;
	const struct match_person *q = s->val;

	if (!s->multi)
		return strcmp(q->id, p->id) != 0 && overlap(q, p) ? q : NULL;
	for (c = s->val; c != NULL; c = c->next)
		if (strcmp(c->p->id, p->id) != 0 && overlap(c->p, p))
			return c->p;
	return NULL;
}

/* oldest is the first person that claimed slot s. */
static const struct match_person *
oldest(const struct slot *s)
{
	const struct claim *c = s->val;

	if (!s->multi)
		return s->val;
	while (c->next != NULL)
		c = c->next;
	return c->p;
}

/*
 * claim maps key c (of kind what, for messages) to person p.  Another
 * person's claim whose validity window overlaps p's makes a conflict:
 * then neither wins.  Claims in windows that do not overlap (an address
 * handed on from one person to the next) are all kept, and a lookup
 * takes the one valid on the index's day.  0 or ZP_ENOMEM.
 */
static int
claim(struct match_index *x, struct table *t, const char *what,
    const struct canon *c, const struct match_person *p)
{
	const struct match_person *first;
	struct slot *s;
	int rc = put(x, t, c->s, c->n, &s);

	if (rc != 0)
		return rc;
	if (s->val == NULL) {
		s->val = (void *)p;
		return 0;
	}
	if (s->conflict) {
		/* Reported against the first claimant, as every later one. */
		first = oldest(s);
		if (strcmp(first->id, p->id) == 0)
			return 0;
	} else if ((first = rival(s, p)) == NULL) {
		if (!s->multi &&
		    strcmp(((const struct match_person *)s->val)->id, p->id) ==
			0)
			return 0; /* another record of the same person */
		return add_claim(x, s, p);
	} else {
		x->conflicts++;
		s->conflict = 1;
	}
	zp_error("%s:%lu: %s %s claimed by %s (%s:%lu) and %s: neither wins",
	    p->file, p->line, what, s->key, first->id, first->file,
	    first->line, p->id);
	return 0;
}

/* add_person indexes one roster record. */
static int
add_person(struct match_index *x, const struct match_person *p)
{
	struct canon c;
	struct slot *s;
	size_t i;
	int rc;

	if (canon_id(p->id, strlen(p->id), &c) != 0)
		return 0; /* the roster refused blank ids already */
	if ((rc = put(x, &x->person, c.s, c.n, &s)) != 0)
		return rc;
	if (s->val == NULL)
		s->val = (void *)p;
	for (i = 0; i < p->n_emails; i++) {
		if (canon_email(x, p->emails[i], strlen(p->emails[i]), &c) !=
		    0) {
			zp_error(
			    "%s:%lu: not an e-mail address", p->file, p->line);
			continue;
		}
		if ((rc = claim(x, &x->email, "e-mail", &c, p)) != 0)
			return rc;
	}
	if (p->employee_id == NULL ||
	    canon_id(p->employee_id, strlen(p->employee_id), &c) != 0)
		return 0;
	return claim(x, &x->empid, "employee id", &c, p);
}

int
match_index_add_roster(struct match_index *x, const struct match_roster *r)
{
	size_t i;
	int rc;

	if (x == NULL || r == NULL)
		return ZP_EINVAL;
	x->frozen = 1;
	for (i = 0; i < r->n; i++)
		if ((rc = add_person(x, &r->people[i])) != 0)
			return rc;
	return 0;
}

/* intern_canon returns a NUL-terminated copy of c, or NULL. */
static const char *
intern_canon(struct match_index *x, const struct canon *c)
{
	char *e = zp_arena_alloc(&x->mem, c->n + 1);

	if (e != NULL) {
		memcpy(e, c->s, c->n);
		e[c->n] = '\0';
	}
	return e;
}

/*
 * user_email adds canonical e-mail c to u unless it is there already; a
 * roster address shares the roster table's copy of its text.
 */
static int
user_email(struct match_index *x, struct match_user *u, const struct canon *c)
{
	const struct slot *s = get(&x->email, c->s, c->n);
	const char **v;
	const char *e;
	size_t i;

	for (i = 0; i < u->n_emails; i++)
		if (strlen(u->emails[i]) == c->n &&
		    memcmp(u->emails[i], c->s, c->n) == 0)
			return 0;
	v = zp_arena_alloc(&x->mem, (u->n_emails + 1) * sizeof(*v));
	e = s != NULL ? s->key : intern_canon(x, c);
	if (v == NULL || e == NULL)
		return ZP_ENOMEM;
	if (u->n_emails > 0)
		memcpy(v, u->emails, u->n_emails * sizeof(*v));
	v[u->n_emails++] = e;
	u->emails = v;
	return 0;
}

/* user_of returns in *out the user of canonical id c, made if new. */
static int
user_of(struct match_index *x, const struct canon *c, struct match_user **out)
{
	struct slot *s;
	int rc = put(x, &x->user, c->s, c->n, &s);

	if (rc != 0)
		return rc;
	if (s->val == NULL) {
		struct match_user *u = zp_arena_alloc(&x->mem, sizeof(*u));

		if (u == NULL)
			return ZP_ENOMEM;
		memset(u, 0, sizeof(*u));
		u->id = s->key;
		s->val = u;
	}
	*out = s->val;
	return 0;
}

/* user_pmi points PMI p (raw) at u. */
static int
user_pmi(struct match_index *x, struct match_user *u, struct match_str p)
{
	struct canon c;
	struct slot *s;
	int rc;

	if (p.s == NULL || canon_id(p.s, p.n, &c) != 0)
		return 0;
	if ((rc = put(x, &x->pmi, c.s, c.n, &s)) != 0)
		return rc;
	s->val = u;
	u->pmi = s->key;
	return 0;
}

int
match_index_add_user(struct match_index *x, struct match_str id,
    const struct match_str *emails, size_t n_emails, struct match_str pmi,
    struct match_str employee_id)
{
	struct match_user *u;
	struct canon c;
	size_t i;
	int rc;

	if (x == NULL || id.s == NULL || (emails == NULL && n_emails > 0))
		return ZP_EINVAL;
	x->frozen = 1;
	if ((rc = canon_id(id.s, id.n, &c)) != 0)
		return rc == ZP_ETOOBIG ? rc : ZP_EINVAL;
	if ((rc = user_of(x, &c, &u)) != 0)
		return rc;
	for (i = 0; i < n_emails; i++)
		if (emails[i].s != NULL &&
		    canon_email(x, emails[i].s, emails[i].n, &c) == 0 &&
		    (rc = user_email(x, u, &c)) != 0)
			return rc;
	if ((rc = user_pmi(x, u, pmi)) != 0)
		return rc;
	if (employee_id.s != NULL &&
	    canon_id(employee_id.s, employee_id.n, &c) == 0 &&
	    (u->employee_id = intern_canon(x, &c)) == NULL)
		return ZP_ENOMEM;
	return 0;
}

/* --- lookups ---------------------------------------------------------- */

/* valid_on tells whether person record p is valid on day (YYYY-MM-DD). */
static int
valid_on(const struct match_person *p, const char *day)
{
	return (p->valid_from == NULL ||
		   strncmp(p->valid_from, day, 10) <= 0) &&
	    (p->valid_to == NULL || strncmp(day, p->valid_to, 10) <= 0);
}

/* today writes the UTC date into out[11]. */
static void
today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* day_of writes the index's day, or today when none was set, into
 * out[11]. */
static void
day_of(const struct match_index *x, char out[11])
{
	if (x->day[0] != '\0')
		memcpy(out, x->day, 11);
	else
		today(out);
}

/*
 * result turns slot s into a lookup result and *out: the claim valid on
 * the index's day (today when none was set).  A person record with a
 * validity window is found only within it.
 */
static int
result(const struct match_index *x, const struct slot *s, const void **out)
{
	const struct claim *c;
	char day[11];

	*out = NULL;
	if (s == NULL)
		return ZP_ENOTFOUND;
	if (s->conflict)
		return MATCH_CONFLICT;
	if (s->val == NULL)
		return ZP_ENOTFOUND;
	if (!s->multi) {
		*out = s->val;
		return 0;
	}
	day_of(x, day);
	for (c = s->val; c != NULL; c = c->next)
		if (valid_on(c->p, day)) {
			*out = c->p;
			return 0;
		}
	return ZP_ENOTFOUND;
}

/* person_result is result for the roster tables: a single record is
 * found only within its validity window. */
static int
person_result(
    const struct match_index *x, const struct slot *s, const void **out)
{
	const struct match_person *p;
	char day[11];
	int rc = result(x, s, out);

	if (rc != 0 || s->multi)
		return rc;
	p = *out;
	if (p->valid_from == NULL && p->valid_to == NULL)
		return 0; /* valid on every day */
	day_of(x, day);
	if (!valid_on(p, day)) {
		*out = NULL;
		return ZP_ENOTFOUND;
	}
	return 0;
}

/* match_index_set_day sets the day lookups are made as of (YYYY-MM-DD,
 * or NULL / "" for today). */
void
match_index_set_day(struct match_index *x, const char *day)
{
	match_index_set_day_n(x, day, day != NULL ? strnlen(day, 10) : 0);
}

/* match_index_set_day_n sets the day to day[0..n) when n is 10, else to
 * today. */
void
match_index_set_day_n(struct match_index *x, const char *day, size_t n)
{
	if (n < 10) {
		x->day[0] = '\0';
		return;
	}
	memcpy(x->day, day, 10);
	x->day[10] = '\0';
}

/* by_email looks up a canonical e-mail in the roster. */
static int
by_email(const struct match_index *x, const char *v, size_t n,
    const struct match_person **out)
{
	struct canon c;

	*out = NULL;
	if (v == NULL || canon_email(x, v, n, &c) != 0)
		return ZP_ENOTFOUND;
	return person_result(x, get(&x->email, c.s, c.n), (const void **)out);
}

/* by_id looks up the canonical id of v in table t (of persons, whose
 * windows count, when persons is set). */
static int
by_id(const struct match_index *x, const struct table *t, int persons,
    const char *v, size_t n, const void **out)
{
	struct canon c;

	*out = NULL;
	if (v == NULL || canon_id(v, n, &c) != 0)
		return ZP_ENOTFOUND;
	return persons ? person_result(x, get(t, c.s, c.n), out)
		       : result(x, get(t, c.s, c.n), out);
}

int
match_index_email(const struct match_index *x, const char *v, size_t n,
    const struct match_person **out)
{
	return by_email(x, v, n, out);
}

int
match_index_employee(const struct match_index *x, const char *v, size_t n,
    const struct match_person **out)
{
	return by_id(x, &x->empid, 1, v, n, (const void **)out);
}

int
match_index_person(const struct match_index *x, const char *v, size_t n,
    const struct match_person **out)
{
	return by_id(x, &x->person, 0, v, n, (const void **)out);
}

int
match_index_user(const struct match_index *x, const char *v, size_t n,
    const struct match_user **out)
{
	return by_id(x, &x->user, 0, v, n, (const void **)out);
}

int
match_index_pmi(const struct match_index *x, const char *v, size_t n,
    const struct match_user **out)
{
	return by_id(x, &x->pmi, 0, v, n, (const void **)out);
}

/* via_emails resolves the canonical e-mails of u to one person. */
static int
via_emails(const struct match_index *x, const struct match_user *u,
    const struct match_person **out)
{
	const struct match_person *p;
	size_t i;
	int rc;

	*out = NULL;
	for (i = 0; i < u->n_emails; i++) {
		const struct slot *s =
		    get(&x->email, u->emails[i], strlen(u->emails[i]));

		if ((rc = person_result(x, s, (const void **)&p)) ==
		    MATCH_CONFLICT)
			return rc;
		if (rc != 0)
			continue;
		if (*out != NULL && strcmp((*out)->id, p->id) != 0) {
			*out = NULL;
			return MATCH_CONFLICT;
		}
		*out = p;
	}
	return *out != NULL ? 0 : ZP_ENOTFOUND;
}

int
match_index_user_person(const struct match_index *x, const char *v, size_t n,
    const struct match_person **out, enum match_via *via)
{
	const struct match_user *u;
	int rc = match_index_user(x, v, n, &u);

	return match_index_user_found(x, rc, u, out, via);
}

int
match_index_user_found(const struct match_index *x, int rc,
    const struct match_user *u, const struct match_person **out,
    enum match_via *via)
{
	enum match_via how = MATCH_VIA_NONE;

	*out = NULL;
	if (rc == 0 && (rc = via_emails(x, u, out)) == 0)
		how = MATCH_VIA_EMAIL;
	else if (rc == ZP_ENOTFOUND && u != NULL && u->employee_id != NULL) {
		rc = person_result(x,
		    get(&x->empid, u->employee_id, strlen(u->employee_id)),
		    (const void **)out);
		how = rc == 0 ? MATCH_VIA_EMPLOYEE_ID : MATCH_VIA_NONE;
	}
	if (via != NULL)
		*via = how;
	return rc;
}

/* table_bytes is the memory of t's slots. */
static size_t
table_bytes(const struct table *t)
{
	return t->cap * sizeof(*t->slots);
}

void
match_index_stats(const struct match_index *x, struct match_index_stats *st)
{
	st->people = x->person.n;
	st->emails = x->email.n;
	st->employee_ids = x->empid.n;
	st->users = x->user.n;
	st->pmis = x->pmi.n;
	st->conflicts = x->conflicts;
	st->memory = sizeof(*x) + x->mem.total + table_bytes(&x->email) +
	    table_bytes(&x->empid) + table_bytes(&x->person) +
	    table_bytes(&x->user) + table_bytes(&x->pmi) +
	    table_bytes(&x->alias);
}
