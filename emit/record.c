/*
 * record.c - a record's derived facts, its JSON line, and merging a line
 * the state saved into a record of the run (core.h).
 */
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* --- small helpers --------------------------------------------------- */

/* decoded appends the decoded text of interned JSON value text v (a
 * string's content, a number's digits) to b. */
static int
decoded(struct zp_buf *b, const char *v)
{
	size_t n = emit_len(v), at;

	if (n < 2 || v[0] != '"')
		return zp_buf_append(b, v, n);
	if (zp_buf_reserve(b, n) != 0)
		return ZP_ENOMEM;
	at = b->len;
	b->len += zp_json_unescape(v + 1, n - 2, b->data + at);
	b->data[b->len] = '\0';
	return 0;
}

/* day_of_time sets day from interned JSON time text v; 0 when it is no
 * time. */
static int
day_of_time(char day[11], const char *v)
{
	time_t t;

	if (v == NULL || v[0] != '"' ||
	    emit_time_parse(v + 1, emit_len(v) - 2, &t) != 0)
		return 0;
	emit_day_of(t, day);
	return 1;
}

/* set_day sets r's day from the first of times that holds one. */
static void
set_day(struct emit_rec *r, const char *a, const char *b)
{
	if (!day_of_time(r->day, a) && !day_of_time(r->day, b))
		snprintf(r->day, sizeof(r->day), "undated");
}

/* make_key sets r->key, in arena ar, to account "/" and the decoded
 * parts. */
static int
make_key(struct emit_table *t, struct emit_rec *r, struct zp_arena *ar,
    const char *a, const char *b)
{
	struct zp_buf *k = &t->scratch;

	zp_buf_reset(k);
	if (zp_buf_puts(k, r->account) != 0 || zp_buf_putc(k, '/') != 0 ||
	    decoded(k, a) != 0 ||
	    (b != NULL && (zp_buf_putc(k, '/') != 0 || decoded(k, b) != 0)))
		return ZP_ENOMEM;
	r->key = zp_arena_memdup(ar, k->data, k->len + 1);
	return r->key != NULL ? 0 : ZP_ENOMEM;
}

/* lit interns a literal. */
static const char *
lit(struct emit_table *t, const char *s)
{
	return emit_intern(t, s, strlen(s));
}

/* --- meetings -------------------------------------------------------- */

/* kind_of names Zoom's meeting type number (zoom-openapi: 1 instant,
 * 2 scheduled, 3 and 8 recurring, 4 a PMI meeting, started at will; 5, 6
 * and 9 webinars). */
static const char *
kind_of(const char *type)
{
	if (type == NULL)
		return NULL;
	switch (atoi(type)) {
	case 1:
	case 4: return "\"instant\"";
	case 2: return "\"scheduled\"";
	case 3:
	case 8: return "\"recurring\"";
	case 5:
	case 6:
	case 9: return "\"webinar\"";
	default: return NULL;
	}
}

/* host_of is the host's person, else the host id. */
static const char *
host_of(const struct emit_rec *r, int host_id_slot)
{
	return r->person != NULL ? r->person : V(r, host_id_slot);
}

/* finish_meeting fills the kind, the host, a webinar instance's host
 * from its webinar, and the facts its participations need. */
static int
finish_meeting(struct emit_table *t, struct emit_rec *r)
{
	struct emit_minfo *w, *mi;
	const char *k;

	if (V(r, FM_KIND) == NULL && (k = kind_of(V(r, FM_ZOOM_TYPE))))
		SETV(t, r, FM_KIND, lit(t, k));
	if (V(r, FM_HOST_ID) == NULL && V(r, FM_MEETING_ID) != NULL &&
	    (w = emit_pmap_get(t->winfo, r->account, V(r, FM_MEETING_ID)))) {
		SETV(t, r, FM_HOST_ID, w->host_id);
		r->person = w->host_person;
	}
	SETV(t, r, FM_HOST, host_of(r, FM_HOST_ID));
	set_day(r, V(r, FM_START_TIME), V(r, FM_END_TIME));
	if ((mi = emit_minfo_of(t, &t->minfo, r->account, V(r, FM_UUID))) ==
	    NULL)
		return ZP_ENOMEM;
	if (memcmp(mi->day, r->day, sizeof(mi->day)) == 0 &&
	    mi->kind == V(r, FM_KIND) &&
	    mi->meeting_id == V(r, FM_MEETING_ID) &&
	    mi->host_id == V(r, FM_HOST_ID) && mi->host_person == r->person)
		return 0; /* as they were: the index may be reading them */
	emit_facts_change(t);
	memcpy(mi->day, r->day, sizeof(mi->day));
	mi->kind = V(r, FM_KIND);
	mi->meeting_id = V(r, FM_MEETING_ID);
	mi->host_id = V(r, FM_HOST_ID);
	mi->host_person = r->person;
	return 0;
}

/* finish_webinar fills the host and the facts its instances need. */
static int
finish_webinar(struct emit_table *t, struct emit_rec *r)
{
	struct emit_minfo *w;

	SETV(t, r, FW_HOST, host_of(r, FW_HOST_ID));
	set_day(r, V(r, FW_CREATED_AT), V(r, FW_START_TIME));
	w = emit_minfo_of(t, &t->winfo, r->account, V(r, FW_WEBINAR_ID));
	if (w == NULL)
		return ZP_ENOMEM;
	if (V(r, FW_HOST_ID) != NULL &&
	    (w->host_id != V(r, FW_HOST_ID) || w->host_person != r->person)) {
		emit_facts_change(t);
		w->host_id = V(r, FW_HOST_ID);
		w->host_person = r->person;
	}
	return 0;
}

/* --- participations -------------------------------------------------- */

/* by_join orders sessions by join, then leave. */
static int
by_join(const void *a, const void *b)
{
	const struct emit_session *x = a, *y = b;

	if (x->join != y->join)
		return x->join < y->join ? -1 : 1;
	return (x->leave > y->leave) - (x->leave < y->leave);
}

/* by_rank orders identities: user ids, e-mails, sessions, then text. */
static int
by_rank(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int rx = (int)emit_rank_of(x), ry = (int)emit_rank_of(y);

	return rx != ry ? rx - ry : strcmp(x, y);
}

/* present counts the seconds the sorted sessions cover, overlaps once;
 * a session with no leave counts nothing. */
static long long
present(const struct emit_rec *r)
{
	long long total = 0;
	int64_t from = 0, to = 0;
	size_t i;
	int open = 0;

	for (i = 0; i < r->n_ses; i++) {
		const struct emit_session *s = &r->ses[i];

		if (s->leave == 0)
			continue;
		if (open && s->join <= to) {
			if (s->leave > to)
				to = s->leave;
			continue;
		}
		if (open)
			total += to - from;
		from = s->join;
		to = s->leave;
		open = 1;
	}
	return open ? total + (to - from) : total;
}

/* minutes_text writes seconds / 60 with at most two decimals. */
static void
minutes_text(long long secs, char out[32])
{
	long long cents = (secs * 100 + 30) / 60, whole = cents / 100;
	int frac = (int)(cents % 100);
	char digits[24];
	size_t i = sizeof(digits), n = 0;

	do {
		digits[--i] = (char)('0' + whole % 10);
		whole /= 10;
	} while (whole > 0 && i > 0);
	memcpy(out, digits + i, sizeof(digits) - i);
	n = sizeof(digits) - i;
	if (frac != 0) {
		out[n++] = '.';
		out[n++] = (char)('0' + frac / 10);
		if (frac % 10 != 0)
			out[n++] = (char)('0' + frac % 10);
	}
	out[n] = '\0';
}

/* part_role says host when an identity (or the person) is the host's,
 * unless the dashboard said already. */
static int
part_role(const struct emit_rec *r, const struct emit_minfo *mi)
{
	size_t i;

	if (r->role_said) /* the dashboard says it */
		return r->role;
	if (mi == NULL || (mi->host_id == NULL && mi->host_person == NULL))
		return r->role; /* as the state had it, or not known */
	for (i = 0; i < r->n_ids; i++)
		if (r->ids[i] == mi->host_id)
			return EMIT_ROLE_HOST;
	if (r->person != NULL && r->person == mi->host_person)
		return EMIT_ROLE_HOST;
	return EMIT_ROLE_ATTENDEE;
}

/* finish_part fills a participation from its sessions, its identities
 * and its meeting (when known: else its day is its first join's). */
static int
finish_part(struct emit_table *t, struct emit_rec *r)
{
	const struct emit_minfo *mi;

	if (r->n_ids == 0)
		return ZP_EINVAL; /* no identity at all: never written */
	if (r->n_ids > 1)
		qsort(r->ids, r->n_ids, sizeof(r->ids[0]), by_rank);
	if (r->n_ses > 1)
		qsort(r->ses, r->n_ses, sizeof(*r->ses), by_join);
	mi = emit_pmap_get(t->minfo, r->account, V(r, FP_MEETING_UUID));
	if (mi != NULL && mi->day[0] != '\0')
		memcpy(r->day, mi->day, sizeof(r->day));
	else if (r->n_ses > 0)
		emit_day_of((time_t)r->ses[0].join, r->day);
	else
		snprintf(r->day, sizeof(r->day), "undated");
	r->role = (uint8_t)part_role(r, mi);
	return 0;
}

/* who is a participation's person: the matched one, else its
 * pseudonymous id (the best ranked identity). */
static const char *
who(const struct emit_rec *r)
{
	return r->person != NULL ? r->person : r->n_ids ? r->ids[0] : NULL;
}

/* --- every type ------------------------------------------------------ */

int
emit_rec_finish(struct emit_table *t, struct emit_rec *r)
{
	switch (r->type) {
	case EMIT_USER: /* a dimension: one partition, rewritten whole */
		snprintf(r->day, sizeof(r->day), "%s", EMIT_USERS_DAY);
		return 0;
	case EMIT_MEETING: return finish_meeting(t, r);
	case EMIT_PARTICIPATION: return finish_part(t, r);
	case EMIT_WEBINAR: return finish_webinar(t, r);
	case EMIT_RECORDING:
		SETV(t, r, FR_HOST, host_of(r, FR_HOST_ID));
		set_day(r, V(r, FR_START_TIME), NULL);
		return 0;
	case EMIT_CALL:
		set_day(r, V(r, FC_START_TIME), V(r, FC_END_TIME));
		return 0;
	}
	return ZP_EINVAL;
}

int
emit_rec_key(struct emit_table *t, struct emit_rec *r, struct zp_arena *a)
{
	static const int id_of[EMIT_NTYPES] = {FU_ID, FM_UUID, FP_MEETING_UUID,
	    FW_WEBINAR_ID, FR_MEETING_UUID, FC_ID};
	const char *id = V(r, id_of[r->type]);

	if (id == NULL)
		return ZP_EINVAL;
	return make_key(
	    t, r, a, id, r->type == EMIT_PARTICIPATION ? who(r) : NULL);
}

/* --- the JSON line --------------------------------------------------- */

/*
 * A record is written by hand rather than with zp_jw: its keys are known
 * and plain, its values are JSON text already, and hundreds of thousands
 * of records a run make the difference.  The bytes are those zp_jw
 * writes (compact JSON).
 */

/* A line being written; err keeps the first failure. */
struct line {
	struct zp_buf *b;
	int err;
};

/* put appends n bytes (room is mostly there: no call). */
static inline void
put(struct line *l, const char *s, size_t n)
{
	struct zp_buf *b = l->b;

	if (b->len + n + 1 <= b->cap) {
		memcpy(b->data + b->len, s, n);
		b->len += n;
		b->data[b->len] = '\0';
	} else if (l->err == 0) {
		l->err = zp_buf_append(b, s, n);
	}
}

/* The text before each field's value: ,"name": (no comma first). */
static struct {
	char text[40];
	uint8_t n;
} keys[EMIT_NTYPES][32];

/* keys_init fills keys once. */
static void
keys_init(void)
{
	const struct emit_field *f;
	size_t ty, i, n;

	if (keys[0][0].n != 0)
		return;
	for (ty = 0; ty < EMIT_NTYPES; ty++)
		for (f = emit_fields(ty, &n), i = 0; i < n && i < 32; i++)
			keys[ty][i].n = (uint8_t)snprintf(keys[ty][i].text,
			    sizeof(keys[ty][i].text),
			    "%s\"%s\":", i ? "," : "", f[i].name);
}

/* put_key writes the separator and the key of field i of type ty. */
static void
put_key(struct line *l, enum emit_type ty, size_t i)
{
	put(l, keys[ty][i].text, keys[ty][i].n);
}

/* put_plain writes s, which needs no escapes, as a JSON string. */
static void
put_plain(struct line *l, const char *s, size_t n)
{
	if (l->err != 0 || (l->err = zp_buf_reserve(l->b, n + 2)) != 0)
		return;
	zp_buf_putc_fast(l->b, '"');
	memcpy(l->b->data + l->b->len, s, n);
	l->b->len += n;
	zp_buf_putc_fast(l->b, '"');
	l->b->data[l->b->len] = '\0';
}

/* put_str writes s as a JSON string. */
static void
put_str(struct line *l, const char *s)
{
	if (l->err == 0)
		l->err = zp_json_write_string(l->b, s, strlen(s));
}

/* put_raw writes interned JSON text v, or null. */
static void
put_raw(struct line *l, const char *v)
{
	if (v == NULL)
		put(l, "null", 4);
	else
		put(l, v, emit_len(v));
}

/* put_int writes v (not negative) in decimal. */
static void
put_int(struct line *l, long long v)
{
	char s[24];
	size_t i = sizeof(s);

	do {
		s[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 && i > 0);
	put(l, s + i, sizeof(s) - i);
}

/* put_time writes time t as a JSON string, or null for 0. */
static void
put_time(struct line *l, int64_t t)
{
	char s[24];

	if (t == 0) {
		put(l, "null", 4);
		return;
	}
	s[0] = '"';
	emit_time_format((time_t)t, s + 1);
	s[21] = '"';
	put(l, s, 22);
}

/* put_times writes the participation facts its sessions give; 1 if
 * field i was one of them. */
static int
put_times(struct line *l, const struct emit_rec *r, size_t i)
{
	int64_t last = 0;
	char m[32];
	size_t k;

	switch (i) {
	case FP_FIRST_JOIN:
		put_time(l, r->n_ses ? r->ses[0].join : 0);
		return 1;
	case FP_LAST_LEAVE:
		for (k = 0; k < r->n_ses; k++)
			if (r->ses[k].leave > last)
				last = r->ses[k].leave;
		put_time(l, last);
		return 1;
	case FP_SECONDS: put_int(l, present(r)); return 1;
	case FP_MINUTES:
		minutes_text(present(r), m);
		put(l, m, strlen(m));
		return 1; /* present() twice: a handful of sessions */
	case FP_SESSION_COUNT: put_int(l, r->n_ses); return 1;
	case FP_SESSIONS:
		put(l, "[", 1);
		for (k = 0; k < r->n_ses; k++) {
			put(l, k ? ",[" : "[", k ? 2 : 1);
			put_time(l, r->ses[k].join);
			put(l, ",", 1);
			put_time(l, r->ses[k].leave);
			put(l, "]", 1);
		}
		put(l, "]", 1);
		return 1;
	case FP_IDS:
		put(l, "[", 1);
		for (k = 0; k < r->n_ids; k++) {
			if (k > 0)
				put(l, ",", 1);
			put_raw(l, r->ids[k]);
		}
		put(l, "]", 1);
		return 1;
	}
	return 0;
}

/* put_who writes a participation's facts of its person and meeting; 1
 * if field i was one of them. */
static int
put_who(struct line *l, const struct emit_table *t, const struct emit_rec *r,
    size_t i)
{
	static const char *const roles[] = {
	    "null", "\"host\"", "\"attendee\""};
	const struct emit_minfo *mi;

	switch (i) {
	case FP_PERSON: put_raw(l, who(r)); return 1;
	case FP_MATCHED:
		put(l, r->person ? "true" : "false", r->person ? 4 : 5);
		return 1;
	case FP_PARTICIPANT: put_raw(l, r->n_ids ? r->ids[0] : NULL); return 1;
	case FP_INTERNAL:
		put(l, r->internal ? "true" : "false", r->internal ? 4 : 5);
		return 1;
	case FP_ROLE: put(l, roles[r->role], strlen(roles[r->role])); return 1;
	case FP_MEETING_ID:
	case FP_MEETING_KIND:
		mi =
		    emit_pmap_get(t->minfo, r->account, V(r, FP_MEETING_UUID));
		put_raw(l,
		    mi == NULL               ? NULL
			: i == FP_MEETING_ID ? mi->meeting_id
					     : mi->kind);
		return 1;
	}
	return 0;
}

/* put_sources writes the envelope ids. */
static void
put_sources(struct line *l, const struct emit_rec *r)
{
	size_t k;

	put(l, "[", 1);
	for (k = 0; k < r->n_src; k++) {
		if (k > 0)
			put(l, ",", 1);
		if (strspn(r->src[k], "0123456789abcdef") == strlen(r->src[k]))
			put_plain(l, r->src[k], strlen(r->src[k]));
		else
			put_str(l, r->src[k]);
	}
	put(l, "]", 1);
}

int
emit_rec_write(
    const struct emit_table *t, const struct emit_rec *r, struct zp_buf *out)
{
	struct line l = {out, 0};
	size_t i, n;

	keys_init();
	emit_fields(r->type, &n);
	put(&l, "{", 1);
	for (i = 0; i < n; i++) {
		put_key(&l, r->type, i);
		switch (i) {
		case 0:
			put_plain(&l, emit_type_name(r->type),
			    strlen(emit_type_name(r->type)));
			continue;
		case 1: put_str(&l, r->key != NULL ? r->key : ""); continue;
		case 2: put_str(&l, r->account ? r->account : ""); continue;
		case 3: put_plain(&l, r->day, strlen(r->day)); continue;
		}
		if (i + 1 == n)
			put_sources(&l, r);
		else if (r->type != EMIT_PARTICIPATION ||
		    (!put_times(&l, r, i) && !put_who(&l, t, r, i)))
			put_raw(&l, V(r, i));
	}
	put(&l, "}", 1);
	return l.err;
}

/* --- merging a saved line -------------------------------------------- */

/* old_sessions adds the [join, leave] pairs of a saved line. */
static int
old_sessions(struct emit_table *t, struct emit_rec *r, const struct zp_json *a)
{
	time_t j, l;
	size_t i;

	if (a == NULL || a->type != ZP_JSON_ARRAY)
		return 0;
	for (i = 0; i < a->n; i++) {
		const struct zp_json *p = &a->u.items[i];

		if (p->type != ZP_JSON_ARRAY || p->n != 2 ||
		    p->u.items[0].type != ZP_JSON_STRING ||
		    emit_time_parse(p->u.items[0].u.s, p->u.items[0].n, &j) !=
			0)
			continue;
		if (p->u.items[1].type != ZP_JSON_STRING ||
		    emit_time_parse(p->u.items[1].u.s, p->u.items[1].n, &l) !=
			0)
			l = 0;
		if (emit_rec_session(t, r, j, l) != 0)
			return ZP_ENOMEM;
	}
	return 0;
}

/* old_ids adds the identities of a saved participation. */
static int
old_ids(struct emit_table *t, struct emit_rec *r, const struct zp_json *a)
{
	const char *v;
	size_t i;

	if (a == NULL || a->type != ZP_JSON_ARRAY)
		return 0;
	for (i = 0; i < a->n; i++) {
		if (a->u.items[i].type != ZP_JSON_STRING)
			continue;
		if ((v = emit_intern_json(t, &a->u.items[i])) == NULL ||
		    emit_rec_id(t, r, v) != 0)
			return ZP_ENOMEM;
	}
	return 0;
}

/* old_sources puts the saved sources before the run's. */
static int
old_sources(struct emit_table *t, struct emit_rec *r, const struct zp_json *a)
{
	const char *mine[EMIT_MAX_SOURCES], *v;
	size_t i, n = r->n_src;

	if (n > 0)
		memcpy(mine, r->src, n * sizeof(mine[0]));
	r->n_src = 0;
	for (i = 0; a != NULL && a->type == ZP_JSON_ARRAY && i < a->n; i++) {
		if (a->u.items[i].type != ZP_JSON_STRING)
			continue;
		v = emit_intern(t, a->u.items[i].u.s, a->u.items[i].n);
		if (v == NULL || emit_rec_source(t, r, v) != 0)
			return ZP_ENOMEM;
	}
	for (i = 0; i < n; i++)
		if (emit_rec_source(t, r, mine[i]) != 0)
			return ZP_ENOMEM;
	return 0;
}

/* old_person takes a saved participation's person when the run has
 * none (a run without the roster does not forget a match). */
static void
old_person(struct emit_table *t, struct emit_rec *r, const struct zp_json *o)
{
	const struct zp_json *m = zp_json_get(o, "matched");

	if (r->person == NULL && m != NULL && m->type == ZP_JSON_TRUE)
		r->person = emit_intern_json(t, zp_json_get(o, "person"));
}

/* is_derived tells whether field i of type ty is computed at finish
 * (a participation's computed fields take no slot at all). */
static int
is_derived(enum emit_type ty, size_t i)
{
	return (ty == EMIT_MEETING && i == FM_HOST) ||
	    (ty == EMIT_WEBINAR && i == FW_HOST) ||
	    (ty == EMIT_RECORDING && i == FR_HOST);
}

/* old_role takes a saved participation's role when the run cannot tell
 * it (its meeting is not known). */
static void
old_role(struct emit_rec *r, const struct zp_json *o)
{
	const struct zp_json *v = zp_json_get(o, "role");

	if (r->role != EMIT_ROLE_NONE || v == NULL)
		return;
	if (zp_json_is_str(v, "host"))
		r->role = EMIT_ROLE_HOST;
	else if (zp_json_is_str(v, "attendee"))
		r->role = EMIT_ROLE_ATTENDEE;
}

int
emit_rec_absorb(
    struct emit_table *t, struct emit_rec *r, const struct zp_json *old)
{
	size_t i, n;
	const struct emit_field *f = emit_fields(r->type, &n);
	int rc;

	for (i = 4; i + 1 < n; i++)
		if (emit_slots[r->type][i] >= 0 && V(r, i) == NULL &&
		    !is_derived(r->type, i))
			SETV(t, r, i,
			    emit_intern_json(t, zp_json_get(old, f[i].name)));
	if (r->type == EMIT_PARTICIPATION) {
		const struct zp_json *in = zp_json_get(old, "internal");

		if (in != NULL && in->type == ZP_JSON_TRUE)
			r->internal = 1;
		old_person(t, r, old);
		old_role(r, old);
		if ((rc = old_sessions(t, r, zp_json_get(old, "sessions"))) ||
		    (rc = old_ids(t, r, zp_json_get(old, "ids"))))
			return rc;
	} else if (r->person == NULL && r->type != EMIT_USER &&
	    r->type != EMIT_CALL) {
		/* the saved host, when it was a person and the run has none */
		const char *h = emit_intern_json(t, zp_json_get(old, "host"));
		int hid = r->type == EMIT_MEETING ? FM_HOST_ID
		    : r->type == EMIT_WEBINAR     ? FW_HOST_ID
						  : FR_HOST_ID;

		if (h != NULL && h != V(r, hid))
			r->person = h;
	}
	return old_sources(t, r, zp_json_get(old, "sources"));
}

struct emit_rec *
emit_rec_from_line(
    struct emit_table *t, enum emit_type ty, const struct zp_json *old)
{
	const struct zp_json *a = zp_json_get(old, "account");
	struct emit_rec *r;

	if (a == NULL || a->type != ZP_JSON_STRING ||
	    (r = emit_rec_new(t, ty)) == NULL)
		return NULL;
	r->account = emit_intern(t, a->u.s, a->n);
	if (r->account == NULL || emit_rec_absorb(t, r, old) != 0)
		return NULL;
	return r;
}
