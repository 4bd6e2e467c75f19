/*
 * schema.c - the responseSchema filter of RULES-SPEC 1.5.1, in place on
 * the arena DOM.
 *
 * Beyond the plain types, Psoxy's JsonSchemaFilterUtils has a small
 * polymorphic corner that this file follows branch for branch:
 *
 *  - The order of tests on a schema is: $ref, anyOf, the role of the node
 *    (an "if" or "else" node is a condition, a "then" node a projection),
 *    then its type; without a type the value is a plain scalar or null.
 *  - A typed schema with "if" evaluates the condition (and "else" when the
 *    condition fails), and if one holds returns the "then" projection of
 *    the value; otherwise the value "does not match".
 *  - A typed schema with "const" gives "" (an empty string) when the
 *    node's text equals the constant, and "does not match" otherwise.
 *  - "Does not match" makes an enclosing object not match either, makes
 *    anyOf try its next candidate (none left: null), and anywhere else
 *    (an array item, a "then" member, the top level) is a value Jackson
 *    cannot serialize, so the response fails.
 *  - A condition reads the member named by the first of its properties;
 *    a missing member is a Java null that makes Psoxy throw.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "schema.h"

/* Flags of a successful filter step, or'ed into its 0. */
#define R_NOMATCH 1 /* Psoxy's NotMatchedConstant */
#define R_POISON 2 /* a NotMatchedConstant is inside: Jackson throws */

/* How a schema node is read, from where its parent holds it. */
enum role {
	ROLE_PLAIN,
	ROLE_COND, /* "if" and "else": ConditionJsonSchema */
	ROLE_THEN /* "then": ThenJsonSchema */
};

/* What every step needs. */
struct ctx {
	struct zp_arena *a;
	struct zp_buf *why;
};

static int filter(struct ctx *c, const struct sanitize_schema *s,
    enum role role, struct zp_json *v);

/* --- helpers --------------------------------------------------------- */

/* fail records why the response fails and returns ZP_EINVAL. */
static int
fail(struct ctx *c, const struct sanitize_schema *s, const char *reason)
{
	if (c->why != NULL)
		zp_buf_printf(
		    c->why, "rules line %d: %s", s ? s->line : 0, reason);
	return ZP_EINVAL;
}

/* set_null turns *v into a JSON null. */
static void
set_null(struct zp_json *v)
{
	v->type = ZP_JSON_NULL;
	v->n = 0;
	v->u.s = NULL;
}

/* set_text turns *v into the string or number text s[0..n). */
static void
set_text(struct zp_json *v, int type, const char *s, size_t n)
{
	v->type = (uint8_t)type;
	v->plain = 1;
	v->n = n;
	v->u.s = s;
}

/* name_is tells whether the C string name equals k[0..n). */
static int
name_is(const char *name, const char *k, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (name[i] != k[i] || name[i] == '\0')
			return 0;
	return name[n] == '\0';
}

/* find_prop returns the schema s lists for key, or NULL: the first prop
 * of that name, through the index when s has one. */
static const struct sanitize_schema *
find_prop(const struct sanitize_schema *s, const struct zp_json *key)
{
	const char *k = key->u.s;
	const struct sanitize_prop_slot *slot;
	uint32_t h;
	size_t i;

	if (s->prop_slots != NULL) {
		h = sanitize_prop_hash(k, key->n);
		for (;; h++) {
			slot = &s->prop_slots[h & s->prop_mask];
			if (slot->index1 == 0)
				return NULL;
			i = slot->index1 - 1;
			/* len is strlen(name): this is name_is */
			if (slot->len == key->n &&
			    (key->n == 0 ||
				memcmp(s->props[i].name, k, key->n) == 0))
				return s->props[i].schema;
		}
	}
	for (i = 0; i < s->n_props; i++) {
		const char *name = s->props[i].name;

		if (name == NULL || (key->n > 0 && name[0] != k[0]))
			continue;
		if (name_is(name, k, key->n))
			return s->props[i].schema;
	}
	return NULL;
}

/* copy_value deep-copies the containers of src into dst, in arena a. */
static int
copy_value(struct zp_arena *a, struct zp_json *dst, const struct zp_json *src)
{
	size_t i, size;
	int rc;

	*dst = *src;
	if ((src->type != ZP_JSON_ARRAY && src->type != ZP_JSON_OBJECT) ||
	    src->n == 0)
		return 0;
	size = src->type == ZP_JSON_ARRAY ? sizeof(struct zp_json)
					  : sizeof(struct zp_json_member);
	if ((dst->u.items = zp_arena_alloc(a, size * src->n)) == NULL)
		return ZP_ENOMEM;
	for (i = 0; i < src->n; i++) {
		if (src->type == ZP_JSON_ARRAY) {
			rc = copy_value(a, &dst->u.items[i], &src->u.items[i]);
		} else {
			dst->u.members[i].key = src->u.members[i].key;
			rc = copy_value(a, &dst->u.members[i].value,
			    &src->u.members[i].value);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* is_integral tells whether number text has no fraction or exponent. */
static int
is_integral(const struct zp_json *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (v->u.s[i] == '.' || v->u.s[i] == 'e' || v->u.s[i] == 'E')
			return 0;
	return 1;
}

/*
 * parse_long reads integral number text into *out as Jackson would (an
 * int or long node); 0, or -1 when it needs a BigInteger.
 */
static int
parse_long(const struct zp_json *v, long long *out)
{
	unsigned long long acc = 0, limit;
	size_t i = 0;
	int neg = v->n > 0 && v->u.s[0] == '-';

	limit = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	for (i = (size_t)neg; i < v->n; i++) {
		unsigned d = (unsigned)(v->u.s[i] - '0');

		if (acc > (limit - d) / 10)
			return -1;
		acc = acc * 10 + d;
	}
	if (neg)
		*out = acc == (unsigned long long)LLONG_MAX + 1
		    ? LLONG_MIN
		    : -(long long)acc;
	else
		*out = (long long)acc;
	return 0;
}

/* parse_double reads number text as Java's Double.parseDouble would. */
static int
parse_double(struct ctx *c, const struct zp_json *v, double *out)
{
	char small[64], *t = small;

	if (v->n >= sizeof(small) &&
	    (t = zp_arena_alloc(c->a, v->n + 1)) == NULL)
		return ZP_ENOMEM;
	memcpy(t, v->u.s, v->n);
	t[v->n] = '\0';
	*out = strtod(t, NULL);
	return 0;
}

/* set_long rewrites *v as the decimal text of x, in the arena. */
static int
set_long(struct ctx *c, struct zp_json *v, long long x)
{
	char t[24];
	int n = snprintf(t, sizeof(t), "%lld", x);
	char *p = zp_arena_memdup(c->a, t, (size_t)n);

	if (p == NULL)
		return ZP_ENOMEM;
	set_text(v, ZP_JSON_NUMBER, p, (size_t)n);
	return 0;
}

/*
 * as_text gives the text Jackson's asText() has for v, in *s and *n; a
 * float keeps its source text where Java would print Double.toString.
 */
static void
as_text(const struct zp_json *v, const char **s, size_t *n)
{
	static const char *const words[] = {"null", "false", "true"};

	switch (v->type) {
	case ZP_JSON_NULL:
	case ZP_JSON_FALSE:
	case ZP_JSON_TRUE:
		*s = words[v->type];
		*n = strlen(*s);
		return;
	case ZP_JSON_NUMBER:
		*s = v->n == 2 && memcmp(v->u.s, "-0", 2) == 0 ? "0" : v->u.s;
		*n = *s == v->u.s ? v->n : 1;
		return;
	case ZP_JSON_STRING:
		*s = v->u.s;
		*n = v->n;
		return;
	default: *s = ""; *n = 0;
	}
}

/* --- the typed leaves ------------------------------------------------ */

/*
 * filter_integer keeps a number that fits in 64 bits as Jackson's int or
 * long, truncating a float toward zero and saturating like a Java cast.
 * RULES-SPEC 1.5.1 keeps null as null; Psoxy's code calls intValue() on
 * the null node there, which may give 0 (see the report of this module).
 */
static int
filter_integer(struct ctx *c, struct zp_json *v)
{
	long long x;
	double d;
	int rc;

	if (v->type == ZP_JSON_NULL)
		return 0;
	if (v->type != ZP_JSON_NUMBER) {
		set_null(v);
		return 0;
	}
	if (is_integral(v)) {
		if (parse_long(v, &x) != 0)
			set_null(v);
		else if (v->n == 2 && v->u.s[0] == '-' && v->u.s[1] == '0')
			set_text(v, ZP_JSON_NUMBER, "0", 1);
		return 0;
	}
	if ((rc = parse_double(c, v, &d)) != 0)
		return rc;
	if (!(d >= -0x1p63 && d <= 0x1p63)) {
		set_null(v);
		return 0;
	}
	d = trunc(d);
	x = d >= 0x1p63 ? LLONG_MAX : (long long)d;
	return set_long(c, v, x);
}

/* filter_scalar applies type string, number, boolean or null to *v. */
static void
filter_scalar(enum sanitize_schema_type t, struct zp_json *v)
{
	int keep = 0;

	switch (t) {
	case SANITIZE_TYPE_STRING: keep = v->type == ZP_JSON_STRING; break;
	case SANITIZE_TYPE_NUMBER:
		keep = v->type == ZP_JSON_NUMBER || v->type == ZP_JSON_NULL;
		break;
	case SANITIZE_TYPE_BOOLEAN:
		if (v->type == ZP_JSON_NULL)
			v->type = ZP_JSON_FALSE;
		keep = v->type == ZP_JSON_TRUE || v->type == ZP_JSON_FALSE;
		break;
	default: break;
	}
	if (!keep)
		set_null(v);
}

/* filter_untyped lets scalars through and turns containers into null. */
static int
filter_untyped(
    struct ctx *c, const struct sanitize_schema *s, struct zp_json *v)
{
	long long x;

	if (v == NULL)
		return fail(c, s,
		    "schema without type applied to a missing "
		    "value (Psoxy throws)");
	if (v->type == ZP_JSON_ARRAY || v->type == ZP_JSON_OBJECT)
		set_null(v);
	else if (v->type == ZP_JSON_NUMBER && is_integral(v) &&
	    parse_long(v, &x) != 0)
		return fail(c, s,
		    "integer beyond 64 bits under a schema without type "
		    "(Psoxy throws)");
	return 0;
}

/* --- containers ------------------------------------------------------ */

/* filter_object keeps the listed and '+' members of *v, in input order. */
static int
filter_object(
    struct ctx *c, const struct sanitize_schema *s, struct zp_json *v)
{
	size_t i, j = 0;
	int rc, flags = 0;

	if (v->type != ZP_JSON_OBJECT) {
		set_null(v);
		return 0;
	}
	for (i = 0; i < v->n; i++) {
		struct zp_json_member *m = &v->u.members[i];
		const struct sanitize_schema *ps;

		if (m->key.n == 0 || m->key.u.s[0] != '+') {
			if ((ps = find_prop(s, &m->key)) == NULL)
				continue;
			if ((rc = filter(c, ps, ROLE_PLAIN, &m->value)) < 0)
				return rc;
			if (rc & R_NOMATCH)
				return R_NOMATCH;
			flags |= rc;
		}
		if (j != i)
			v->u.members[j] = *m;
		j++;
	}
	v->n = j;
	return flags;
}

/* filter_array filters each item of *v and drops those that become null. */
static int
filter_array(struct ctx *c, const struct sanitize_schema *s, struct zp_json *v)
{
	size_t i, j = 0;
	int rc, flags = 0;

	if (v->type != ZP_JSON_ARRAY) {
		set_null(v);
		return 0;
	}
	if (s->items == NULL)
		return fail(c, s, "array schema without items");
	for (i = 0; i < v->n; i++) {
		struct zp_json *it = &v->u.items[i];

		if ((rc = filter(c, s->items, ROLE_PLAIN, it)) < 0)
			return rc;
		if (rc & R_NOMATCH)
			flags |= R_POISON;
		else if (it->type == ZP_JSON_NULL)
			continue;
		flags |= rc & R_POISON;
		if (j != i)
			v->u.items[j] = *it;
		j++;
	}
	v->n = j;
	return flags;
}

/* filter_typed applies the type of s, which has neither if nor const. */
static int
filter_typed(struct ctx *c, const struct sanitize_schema *s, struct zp_json *v)
{
	if (s->type == SANITIZE_TYPE_NULL) {
		if (v != NULL)
			set_null(v);
		return 0;
	}
	if (v == NULL)
		return fail(c, s,
		    "typed schema applied to a missing value "
		    "(Psoxy throws)");
	switch (s->type) {
	case SANITIZE_TYPE_OBJECT: return filter_object(c, s, v);
	case SANITIZE_TYPE_ARRAY: return filter_array(c, s, v);
	case SANITIZE_TYPE_INTEGER: return filter_integer(c, v);
	default: filter_scalar(s->type, v); return 0;
	}
}

/* --- anyOf, if/then/else, const -------------------------------------- */

/*
 * filter_any_of takes the first candidate that does not fail a const or
 * if check; each but the last works on a copy, so a failed one leaves *v
 * as it was.  None left: null.
 */
static int
filter_any_of(
    struct ctx *c, const struct sanitize_schema *s, struct zp_json *v)
{
	struct zp_json tmp;
	size_t i;
	int rc;

	for (i = 0; i < s->n_any_of; i++) {
		int last = i + 1 == s->n_any_of;

		if (v == NULL || last) {
			rc = filter(c, s->any_of[i], ROLE_PLAIN, v);
		} else {
			if ((rc = copy_value(c->a, &tmp, v)) != 0)
				return rc;
			rc = filter(c, s->any_of[i], ROLE_PLAIN, &tmp);
			if (rc >= 0 && !(rc & R_NOMATCH))
				*v = tmp;
		}
		if (rc < 0 || !(rc & R_NOMATCH))
			return rc;
	}
	if (v != NULL)
		set_null(v);
	return 0;
}

/*
 * filter_cond evaluates an "if" or "else" node: the schema of its first
 * property applied to a copy of that member of *v.  Only R_NOMATCH of the
 * result matters to the caller; *v is not changed.
 */
static int
filter_cond(struct ctx *c, const struct sanitize_schema *s, struct zp_json *v)
{
	const struct sanitize_schema_prop *p;
	struct zp_json tmp, *sub = NULL;
	size_t i;
	int rc;

	if (!s->has_props || s->n_props == 0 || s->props[0].name == NULL)
		return fail(c, s, "if/else schema needs one property");
	if (v == NULL)
		return fail(c, s,
		    "if/else applied to a missing value "
		    "(Psoxy throws)");
	p = &s->props[0];
	for (i = 0; v->type == ZP_JSON_OBJECT && i < v->n; i++)
		if (name_is(p->name, v->u.members[i].key.u.s,
			v->u.members[i].key.n))
			sub = &v->u.members[i].value; /* the last one wins */
	if (sub != NULL && (rc = copy_value(c->a, &tmp, sub)) != 0)
		return rc;
	return filter(c, p->schema, ROLE_PLAIN, sub != NULL ? &tmp : NULL);
}

/*
 * filter_then projects *v like an object schema would, but without the
 * '+' rule, with a non-object becoming {} and a failed const poisoning the
 * result instead of propagating.
 */
static int
filter_then(struct ctx *c, const struct sanitize_schema *s, struct zp_json *v)
{
	size_t i, j = 0;
	int rc, flags = 0;

	if (v == NULL)
		return fail(c, s,
		    "then applied to a missing value "
		    "(Psoxy throws)");
	if (v->type != ZP_JSON_OBJECT) {
		v->type = ZP_JSON_OBJECT;
		v->n = 0;
		v->u.members = NULL;
		return 0;
	}
	if (!s->has_props && v->n > 0)
		return fail(c, s, "then schema without properties");
	for (i = 0; i < v->n; i++) {
		struct zp_json_member *m = &v->u.members[i];
		const struct sanitize_schema *ps = find_prop(s, &m->key);

		if (ps == NULL)
			continue;
		if ((rc = filter(c, ps, ROLE_PLAIN, &m->value)) < 0)
			return rc;
		flags |= (rc & R_NOMATCH) ? R_POISON : rc;
		if (j != i)
			v->u.members[j] = *m;
		j++;
	}
	v->n = j;
	return flags;
}

/* filter_if applies a typed schema's if, else and then. */
static int
filter_if(struct ctx *c, const struct sanitize_schema *s, struct zp_json *v)
{
	int rc = filter(c, s->if_, ROLE_COND, v);

	if (rc >= 0 && (rc & R_NOMATCH) && s->else_ != NULL)
		rc = filter(c, s->else_, ROLE_COND, v);
	if (rc < 0)
		return rc;
	if (rc & R_NOMATCH)
		return R_NOMATCH;
	if (s->then_ == NULL)
		return fail(c, s, "if without then (Psoxy throws)");
	return filter(c, s->then_, ROLE_THEN, v);
}

/* filter_const gives "" when the text of *v is the constant. */
static int
filter_const(struct ctx *c, const struct sanitize_schema *s, struct zp_json *v)
{
	const char *t;
	size_t n;

	if (v == NULL)
		return fail(c, s,
		    "const applied to a missing value "
		    "(Psoxy throws)");
	as_text(v, &t, &n);
	if (!name_is(s->const_text, t, n))
		return R_NOMATCH;
	set_text(v, ZP_JSON_STRING, "", 0);
	return 0;
}

/*
 * filter applies s, in the given role, to the value in slot v (NULL for a
 * member that does not exist, Java's null).  It returns the R_* flags or
 * a ZP_E* code.
 */
static int
filter(struct ctx *c, const struct sanitize_schema *s, enum role role,
    struct zp_json *v)
{
	if (s == NULL)
		return fail(c, NULL, "missing schema");
	if (s->ref != NULL) {
		if (s->target == NULL)
			return fail(c, s, "unresolved $ref");
		return filter(c, s->target, ROLE_PLAIN, v);
	}
	if (s->n_any_of > 0)
		return filter_any_of(c, s, v);
	if (role == ROLE_COND)
		return filter_cond(c, s, v);
	if (role == ROLE_THEN)
		return filter_then(c, s, v);
	if (s->type == SANITIZE_TYPE_NONE)
		return filter_untyped(c, s, v);
	if (s->if_ != NULL)
		return filter_if(c, s, v);
	if (s->const_text != NULL)
		return filter_const(c, s, v);
	return filter_typed(c, s, v);
}

int
sanitize_schema_filter(const struct sanitize_schema *s, struct zp_json *v,
    struct zp_arena *a, struct zp_buf *why)
{
	struct ctx c = {a, why};
	int rc;

	if (s == NULL || v == NULL || a == NULL)
		return ZP_EINVAL;
	if ((rc = filter(&c, s, ROLE_PLAIN, v)) < 0)
		return rc;
	if (rc & (R_NOMATCH | R_POISON))
		return fail(&c, s,
		    "a value failed a const check where Psoxy must write it "
		    "(Jackson cannot serialize NotMatchedConstant)");
	return 0;
}
