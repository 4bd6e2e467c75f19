/*
 * build.c - records from page and event envelopes (core.h).
 *
 * Which endpoint gives what, from zoom-openapi's Meeting and Phone APIs:
 *
 *   /users                              users
 *   /report/users/{userId}/meetings     meetings (one item per instance)
 *   /past_meetings/{meetingId}          a meeting (the instance's details)
 *   /past_meetings/{meetingId}/instances   meetings (uuid, start_time)
 *   /metrics/meetings                   meetings (dashboard)
 *   /past_meetings/{meetingId}/participants     participation sessions
 *   /report/meetings/{meetingId}/participants   participation sessions
 *   /metrics/meetings/{meetingId}/participants  sessions with device,
 *                                               location, network, role
 *   /past_webinars/{webinarId}/participants     webinar attendance
 *   /users/{userId}/webinars            webinars
 *   /past_webinars/{webinarId}/instances   meetings of kind webinar
 *   /users/{userId}/recordings          recordings (one per instance)
 *   /phone/call_history                 calls
 *
 * Webhook events (emit_build_event): meeting.ended and webinar.ended
 * give the instance's meeting (its duration left to the pages: the
 * event's is the one scheduled), recording.completed its recording, a
 * participant's joined and left events (paired by the session's
 * user_id) a participation's session, a phone call log event its calls
 * (Zoom's call log id is the call history's "id").
 *
 * A participant page names its meeting only in the path, so the UUID is
 * taken from there (decoded once, or twice when Zoom's double encoding
 * left a '%').  A person's identities come from the envelope's
 * "identities" (zp-match): each body value that zp-match resolved is
 * looked up there.
 */
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "error.h"
#include "index.h"
#include "keys.h"
#include "log.h"
#include "url.h"

/* The page being turned into records. */
struct page {
	struct emit_table *t;
	const struct zp_envelope *e;
	const char *account; /* decoded, interned */
	const char *src; /* the envelope id, interned */
	const char *path_id; /* the {meetingId} or {webinarId} of the path:
				JSON text, interned, or NULL */
	const char *where; /* "stdin:12": where the envelope came from */
	const char *endpoint; /* below the API base, or the event's name */
	size_t item; /* the item being built, from 1 */
	int event; /* a webhook event, not a page */
	time_t join; /* a left event's join time, from its joined event */
};

#define MAX_WARNINGS EMIT_MAX_WARNINGS

/* skip counts an item that cannot become a record and says why (the
 * first MAX_WARNINGS times; then how many more at the end). */
static int
skip(struct page *pg, const char *why)
{
	if (pg->t->skipped++ >= MAX_WARNINGS)
		return 0;
	if (pg->item == 0)
		zp_warn("%s: %s %s skipped: %s", pg->where, pg->endpoint,
		    pg->event ? "event" : "page", why);
	else
		zp_warn("%s: %s item %zu skipped: %s", pg->where, pg->endpoint,
		    pg->item, why);
	return 0;
}

/* --- identities ------------------------------------------------------ */

/* mark_identities attaches each member of "identities" to its value's
 * interned JSON text for this page. */
static int
mark_identities(struct page *pg, const struct zp_json *ids)
{
	size_t i;

	emit_page_begin(pg->t);
	if (ids == NULL || ids->type != ZP_JSON_OBJECT)
		return 0;
	for (i = 0; i < ids->n; i++) {
		const struct zp_json_member *m = &ids->u.members[i];
		const char *k = emit_intern_json(pg->t, &m->key);

		if (k == NULL || emit_mark(pg->t, k, &m->value) != 0)
			return ZP_ENOMEM;
	}
	return 0;
}

/* said is what zp-match said of value v (JSON text): its
 * {"person", "via", "internal"}, or NULL. */
static const struct zp_json *
said(struct page *pg, const char *v)
{
	return v != NULL ? emit_marked(pg->t, v) : NULL;
}

/* person_in returns the person of what zp-match said, as interned JSON
 * text, or NULL. */
static const char *
person_in(struct page *pg, const struct zp_json *who)
{
	const struct zp_json *p = who ? zp_json_get(who, "person") : NULL;

	return p != NULL && p->type == ZP_JSON_STRING
	    ? emit_intern_json(pg->t, p)
	    : NULL;
}

/* person_of returns the person zp-match gave value v, or NULL. */
static const char *
person_of(struct page *pg, const char *v)
{
	return person_in(pg, said(pg, v));
}

/* --- values ---------------------------------------------------------- */

/* val returns member key of o as interned JSON text; NULL when absent,
 * null, or an empty string. */
static const char *
val(struct page *pg, const struct zp_json *o, const char *key)
{
	const struct zp_json *v = zp_json_get(o, key);

	if (v == NULL || (v->type == ZP_JSON_STRING && v->n == 0))
		return NULL;
	return emit_intern_json(pg->t, v);
}

/* num returns member key of o when it is a number (or a string of
 * digits, as Zoom sends some ids), as JSON number text. */
static const char *
num(struct page *pg, const struct zp_json *o, const char *key)
{
	const struct zp_json *v = zp_json_get(o, key);
	size_t i;

	if (v == NULL)
		return NULL;
	if (v->type == ZP_JSON_NUMBER)
		return emit_intern(pg->t, v->u.s, v->n);
	if (v->type != ZP_JSON_STRING || v->n == 0 || v->n > 20)
		return NULL;
	for (i = 0; i < v->n; i++)
		if (v->u.s[i] < '0' || v->u.s[i] > '9')
			return NULL;
	return emit_intern(pg->t, v->u.s, v->n);
}

/* str returns member key of o when it is a non-empty string. */
static const char *
str(struct page *pg, const struct zp_json *o, const char *key)
{
	const struct zp_json *v = zp_json_get(o, key);

	return v != NULL && v->type == ZP_JSON_STRING && v->n > 0
	    ? emit_intern_json(pg->t, v)
	    : NULL;
}

/* user_id returns a user id as interned JSON text, a reversible p~
 * token turned into the t~ token of the same value, so that a users
 * page's ids join the participants' and hosts'. */
static const char *
user_id(struct page *pg, const struct zp_json *o, const char *key)
{
	const struct zp_json *v = zp_json_get(o, key);
	struct zp_buf *b = &pg->t->scratch;

	if (v == NULL || v->type != ZP_JSON_STRING || v->n == 0)
		return v != NULL && v->type == ZP_JSON_NUMBER
		    ? emit_intern_str(pg->t, v->u.s, v->n) /* ids are text */
		    : NULL;
	if (v->n < 3 || v->u.s[0] != 'p' || v->u.s[1] != '~')
		return emit_intern_json(pg->t, v);
	zp_buf_reset(b);
	if (match_index_canon_id(v->u.s, v->n, b) != 0)
		return emit_intern_json(pg->t, v);
	return emit_intern_str(pg->t, b->data, b->len);
}

/* typed returns v as field i of r's type wants it: a number where a
 * string belongs becomes its text as a string; any other mismatch
 * (Zoom changed a type, a page was edited) is NULL, so that a record
 * always fits its schema. */
static const char *
typed(struct page *pg, const struct emit_rec *r, int i, const char *v)
{
	size_t n;
	const struct emit_field *f = &emit_fields(r->type, &n)[i];
	char c = v[0];

	switch (f->ftype) {
	case EMIT_F_STRING:
		if (c == '"')
			return v;
		return c == '-' || (c >= '0' && c <= '9')
		    ? emit_intern_str(pg->t, v, strlen(v))
		    : NULL;
	case EMIT_F_INTEGER:
		return (c == '-' || (c >= '0' && c <= '9')) &&
			strpbrk(v, ".eE") == NULL
		    ? v
		    : NULL;
	case EMIT_F_NUMBER:
		return c == '-' || (c >= '0' && c <= '9') ? v : NULL;
	case EMIT_F_BOOLEAN: return c == 't' || c == 'f' ? v : NULL;
	case EMIT_F_ARRAY: return c == '[' ? v : NULL;
	case EMIT_F_OBJECTS: return c == '[' ? v : NULL;
	}
	return NULL;
}

/* put_kept sets slot i of r to member key of o, a string (a time, an
 * id of its own), copied rather than interned, and only when it differs
 * from what the slot holds. */
static void
put_kept(struct page *pg, struct emit_rec *r, int i, const struct zp_json *o,
    const char *key)
{
	const struct zp_json *v = zp_json_get(o, key);
	struct zp_buf *b = &pg->t->scratch;
	const char *old = V(r, i), *copy;

	if (v == NULL || v->type != ZP_JSON_STRING || v->n == 0)
		return;
	zp_buf_reset(b);
	if (zp_json_write_string(b, v->u.s, v->n) != 0)
		return;
	if (old != NULL && emit_len(old) == b->len &&
	    memcmp(old, b->data, b->len) == 0)
		return;
	if ((copy = emit_keep(pg->t, b->data, b->len)) != NULL)
		SETV(pg->t, r, i, copy);
}

/* put sets slot i of r when v is not NULL: a later page wins. */
static void
put(struct page *pg, struct emit_rec *r, int i, const char *v)
{
	if (v != NULL && (v = typed(pg, r, i, v)) != NULL)
		SETV(pg->t, r, i, v);
}

/* items returns the array member key of body, or NULL. */
static const struct zp_json *
items(const struct zp_json *body, const char *key)
{
	const struct zp_json *a = zp_json_get(body, key);

	return a != NULL && a->type == ZP_JSON_ARRAY ? a : NULL;
}

/* --- users ----------------------------------------------------------- */

/* one_user builds the user record of one item of a users page. */
static int
one_user(struct page *pg, const struct zp_json *u)
{
	const char *raw = val(pg, u, "id"), *id = user_id(pg, u, "id");
	const char *email = val(pg, u, "email"), *who;
	struct emit_rec *r;

	if (id == NULL)
		return skip(pg, "no \"id\"");
	if ((r = emit_record(pg->t, EMIT_USER, pg->account, id)) == NULL)
		return ZP_ENOMEM;
	put(pg, r, FU_ID, id);
	who = person_of(pg, raw);
	put(pg, r, FU_PERSON, who != NULL ? who : person_of(pg, email));
	put(pg, r, FU_EMAIL, email);
	put(pg, r, FU_STATUS, val(pg, u, "status"));
	put(pg, r, FU_USER_TYPE, num(pg, u, "type"));
	put(pg, r, FU_PMI, user_id(pg, u, "pmi"));
	put(pg, r, FU_TIMEZONE, val(pg, u, "timezone"));
	put(pg, r, FU_DEPT, val(pg, u, "dept"));
	put_kept(pg, r, FU_CREATED_AT, u, "created_at");
	put_kept(pg, r, FU_LAST_LOGIN_TIME, u, "last_login_time");
	return emit_rec_source(pg->t, r, pg->src);
}

/* --- meetings -------------------------------------------------------- */

/* host_person resolves a host through its id, else its e-mails. */
static const char *
host_person(struct page *pg, const struct zp_json *m, const char *host_id)
{
	const char *who = person_of(pg, host_id);

	if (who == NULL)
		who = person_of(pg, val(pg, m, "host_email"));
	if (who == NULL) /* the report API's user_email is the host's */
		who = person_of(pg, val(pg, m, "user_email"));
	return who;
}

/* path_number is the path's {meetingId} or {webinarId} as a JSON
 * number, when it is one (a number, not an instance's UUID). */
static const char *
path_number(struct page *pg)
{
	const char *p = pg->path_id;
	size_t n;

	if (p == NULL || p[0] != '"' || (n = strlen(p)) < 3 || n > 22 ||
	    strspn(p + 1, "0123456789") != n - 2)
		return NULL;
	return emit_intern(pg->t, p + 1, n - 2);
}

/* one_meeting builds (or completes) the meeting record of one instance;
 * webinar marks a webinar's instance. */
static int
one_meeting(struct page *pg, const struct zp_json *m, int webinar)
{
	const char *uuid = str(pg, m, "uuid"), *host, *id, *count;
	struct emit_rec *r;

	if (uuid == NULL)
		return skip(pg, "no \"uuid\"");
	if ((r = emit_record(pg->t, EMIT_MEETING, pg->account, uuid)) == NULL)
		return ZP_ENOMEM;
	put(pg, r, FM_UUID, uuid);
	id = webinar ? NULL : num(pg, m, "id");
	put(pg, r, FM_MEETING_ID, id != NULL ? id : path_number(pg));
	put(pg, r, FM_ZOOM_TYPE, num(pg, m, "type"));
	if (webinar)
		put(pg, r, FM_KIND, emit_intern(pg->t, "\"webinar\"", 9));
	host = user_id(pg, m, "host_id");
	put(pg, r, FM_HOST_ID, host);
	if (host != NULL)
		r->person = host_person(pg, m, host);
	put_kept(pg, r, FM_START_TIME, m, "start_time");
	put_kept(pg, r, FM_END_TIME, m, "end_time");
	/* an event's duration is the one scheduled, not the one held */
	put(pg, r, FM_DURATION,
	    !pg->event && zp_json_get(m, "duration") != NULL &&
		    zp_json_get(m, "duration")->type == ZP_JSON_NUMBER
		? val(pg, m, "duration")
		: NULL);
	count = num(pg, m, "participants_count");
	put(pg, r, FM_PARTICIPANTS_COUNT,
	    count != NULL ? count : num(pg, m, "participants"));
	return emit_rec_source(pg->t, r, pg->src);
}

/* --- participations -------------------------------------------------- */

/* The identity fields of a participant: user ids, then e-mails. */
static const struct {
	const char *key;
	int user; /* a user id (a p~ token becomes its t~) */
} id_fields[] = {
    {"id", 1},
    {"participant_user_id", 1},
    {"user_email", 0},
    {"email", 0},
};

#define N_ID_FIELDS (sizeof(id_fields) / sizeof(id_fields[0]))

/* The participations of one meeting instance built so far. */
struct plist {
	struct emit_rec **v;
	uint32_t n, cap;
};

/* names tells whether participation r carries one of keys. */
static int
names(const struct emit_rec *r, const char *const *keys, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (keys[i] == r->person)
			return 1;
		for (k = 0; k < r->n_ids; k++)
			if (keys[i] == r->ids[k])
				return 1;
	}
	return 0;
}

/* plist_of finds or makes the list of meeting uuid of the page's
 * account. */
static struct plist *
plist_of(struct page *pg, const char *uuid)
{
	struct plist *l = emit_pmap_get(pg->t->part_ids, pg->account, uuid);

	if (l != NULL)
		return l;
	if ((l = zp_arena_alloc(&pg->t->arena, sizeof(*l))) == NULL)
		return NULL;
	memset(l, 0, sizeof(*l));
	return emit_pmap_put(&pg->t->part_ids, pg->account, uuid, l) == 0
	    ? l
	    : NULL;
}

/* plist_add appends r to l. */
static int
plist_add(struct emit_table *t, struct plist *l, struct emit_rec *r)
{
	struct emit_rec **v;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		if ((v = zp_arena_alloc(&t->arena, l->cap * sizeof(*v))) ==
		    NULL)
			return ZP_ENOMEM;
		if (l->n > 0)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v; /* the old array stays in the arena */
	}
	l->v[l->n++] = r;
	return 0;
}

/* part_record finds the participation of the meeting that any of keys
 * (its identities, and last its person if zp-match found one) names,
 * uniting those that two of them name, or makes one. */
static int
part_record(struct page *pg, const char *uuid, const char *const *keys,
    size_t n, struct emit_rec **out)
{
	struct plist *l = plist_of(pg, uuid);
	struct emit_rec *r = NULL;
	uint32_t i, k = 0;

	if (l == NULL)
		return ZP_ENOMEM;
	for (i = 0; i < l->n; i++) {
		if (!names(l->v[i], keys, n)) {
			l->v[k++] = l->v[i];
		} else if (r == NULL) {
			r = l->v[i];
			l->v[k++] = r;
		} else if (emit_rec_merge(pg->t, r, l->v[i]) != 0) {
			return ZP_ENOMEM; /* l->v[i] is dead: dropped */
		}
	}
	l->n = k;
	if (r == NULL) {
		if ((r = emit_rec_new(pg->t, EMIT_PARTICIPATION)) == NULL ||
		    plist_add(pg->t, l, r) != 0)
			return ZP_ENOMEM;
		r->account = pg->account;
		SETV(pg->t, r, FP_MEETING_UUID, uuid);
	}
	*out = r;
	return 0;
}

/* part_extras copies what the dashboard tells of a session. */
static void
part_extras(struct page *pg, struct emit_rec *r, const struct zp_json *p)
{
	static const struct {
		const char *key;
		int slot;
	} extra[] = {{"device", FP_DEVICE}, {"ip_address", FP_IP_ADDRESS},
	    {"location", FP_LOCATION}, {"network_type", FP_NETWORK_TYPE},
	    {"data_center", FP_DATA_CENTER},
	    {"connection_type", FP_CONNECTION_TYPE}};
	const struct zp_json *role = zp_json_get(p, "role");
	size_t i;

	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		put(pg, r, extra[i].slot, str(pg, p, extra[i].key));
	if (zp_json_is_str(role, "host") || zp_json_is_str(role, "attendee")) {
		r->role = zp_json_is_str(role, "host") ? EMIT_ROLE_HOST
						       : EMIT_ROLE_ATTENDEE;
		r->role_said = 1;
	}
}

/* part_session adds the item's join-leave session to r. */
static int
part_session(struct page *pg, struct emit_rec *r, const struct zp_json *p)
{
	const struct zp_json *j = zp_json_get(p, "join_time");
	const struct zp_json *l = zp_json_get(p, "leave_time");
	time_t join, leave = 0;

	if (j == NULL && pg->join != 0)
		join = pg->join; /* a left event: its joined event's time */
	else if (j == NULL || j->type != ZP_JSON_STRING ||
	    emit_time_parse(j->u.s, j->n, &join) != 0)
		return skip(pg,
		    "its \"join_time\" is no RFC 3339 time; the "
		    "session is left out");
	if (l == NULL || l->type != ZP_JSON_STRING ||
	    emit_time_parse(l->u.s, l->n, &leave) != 0 || leave < join)
		leave = 0;
	return emit_rec_session(pg->t, r, join, leave);
}

/* session_user_id is a participant's "user_id", Zoom's id of that one
 * session, when it is a non-empty string or a number; else NULL. */
static const struct zp_json *
session_user_id(const struct zp_json *p)
{
	const struct zp_json *v = zp_json_get(p, "user_id");

	return v != NULL && v->n > 0 &&
		(v->type == ZP_JSON_STRING || v->type == ZP_JSON_NUMBER)
	    ? v
	    : NULL;
}

/* session_id is "session:" and Zoom's per-session participant id. */
static const char *
session_id(struct page *pg, const struct zp_json *p)
{
	const struct zp_json *v = session_user_id(p);
	struct zp_buf *b = &pg->t->scratch;

	if (v == NULL)
		return NULL;
	zp_buf_reset(b);
	if (zp_buf_puts(b, "session:") != 0 ||
	    zp_buf_append(b, v->u.s, v->n) != 0)
		return NULL;
	return emit_intern_str(pg->t, b->data, b->len);
}

/* one_participant adds one item of a participants page. */
static int
one_participant(struct page *pg, const char *uuid, const struct zp_json *p)
{
	const char *keys[N_ID_FIELDS + 2], *v, *who = NULL;
	const struct zp_json *s, *in;
	size_t i, n = 0, nid;
	struct emit_rec *r;
	int internal = 0, rc;

	for (i = 0; i < N_ID_FIELDS; i++) {
		if ((v = id_fields[i].user
			    ? user_id(pg, p, id_fields[i].key)
			    : str(pg, p, id_fields[i].key)) == NULL)
			continue;
		keys[n++] = v;
		if ((s = said(pg, v)) == NULL)
			continue;
		if (who == NULL)
			who = person_in(pg, s);
		in = zp_json_get(s, "internal");
		internal |= in != NULL && in->type == ZP_JSON_TRUE;
	}
	if (n == 0 && (v = session_id(pg, p)) != NULL)
		keys[n++] = v; /* Zoom names no one: the session is all */
	if (n == 0)
		return skip(pg, "no identity and no session id");
	nid = n;
	if (who != NULL)
		keys[n++] = who;
	if ((rc = part_record(pg, uuid, keys, n, &r)) != 0)
		return rc;
	for (i = 0; i < nid; i++)
		if (emit_rec_id(pg->t, r, keys[i]) != 0)
			return ZP_ENOMEM;
	if (who != NULL)
		r->person = who;
	r->internal |= (uint8_t)internal;
	part_extras(pg, r, p);
	if (emit_rec_source(pg->t, r, pg->src) != 0)
		return ZP_ENOMEM;
	return part_session(pg, r, p);
}

/* --- webinars, recordings, calls ------------------------------------- */

/* one_webinar builds the record of one webinar of a host's list. */
static int
one_webinar(struct page *pg, const struct zp_json *w)
{
	const char *id = num(pg, w, "id"), *host;
	struct emit_rec *r;

	if (id == NULL)
		return skip(pg, "no numeric \"id\"");
	if ((r = emit_record(pg->t, EMIT_WEBINAR, pg->account, id)) == NULL)
		return ZP_ENOMEM;
	put(pg, r, FW_WEBINAR_ID, id);
	put(pg, r, FW_UUID, str(pg, w, "uuid"));
	host = user_id(pg, w, "host_id");
	put(pg, r, FW_HOST_ID, host);
	if (host != NULL)
		r->person = host_person(pg, w, host);
	put(pg, r, FW_ZOOM_TYPE, num(pg, w, "type"));
	put_kept(pg, r, FW_START_TIME, w, "start_time");
	put(pg, r, FW_DURATION, num(pg, w, "duration"));
	put(pg, r, FW_TIMEZONE, val(pg, w, "timezone"));
	put_kept(pg, r, FW_CREATED_AT, w, "created_at");
	return emit_rec_source(pg->t, r, pg->src);
}

/* files_json writes the summary of a recording's files. */
static const char *
files_json(struct page *pg, const struct zp_json *files)
{
	static const char *const keys[] = {"id", "file_type", "recording_type",
	    "recording_start", "recording_end", "file_size", "status"};
	struct zp_buf *b = &pg->t->scratch;
	struct zp_jw w;
	size_t i, k;

	if (files == NULL || files->type != ZP_JSON_ARRAY)
		return NULL;
	zp_buf_reset(b);
	zp_jw_init(&w, b);
	zp_jw_array(&w);
	for (i = 0; i < files->n; i++) {
		const struct zp_json *f = &files->u.items[i], *v;

		if (f->type != ZP_JSON_OBJECT)
			continue;
		zp_jw_object(&w);
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			zp_jw_key(&w, keys[k]);
			v = zp_json_get(f, keys[k]);
			if (v == NULL || v->type == ZP_JSON_ARRAY ||
			    v->type == ZP_JSON_OBJECT)
				zp_jw_null(&w);
			else if (v->type == ZP_JSON_STRING)
				zp_jw_strn(&w, v->u.s, v->n);
			else
				zp_jw_raw(&w,
				    v->type == ZP_JSON_NUMBER      ? v->u.s
					: v->type == ZP_JSON_TRUE  ? "true"
					: v->type == ZP_JSON_FALSE ? "false"
								   : "null",
				    v->type == ZP_JSON_NUMBER      ? v->n
					: v->type == ZP_JSON_TRUE  ? 4
					: v->type == ZP_JSON_FALSE ? 5
								   : 4);
		}
		zp_jw_end(&w);
	}
	zp_jw_end(&w);
	if (zp_jw_finish(&w) != 0)
		return NULL;
	return emit_intern(pg->t, b->data, b->len);
}

/* one_recording builds the record of one recorded instance. */
static int
one_recording(struct page *pg, const struct zp_json *m)
{
	const char *uuid = str(pg, m, "uuid"), *host;
	struct emit_rec *r;

	if (uuid == NULL)
		return skip(pg, "no \"uuid\"");
	if ((r = emit_record(pg->t, EMIT_RECORDING, pg->account, uuid)) ==
	    NULL)
		return ZP_ENOMEM;
	put(pg, r, FR_MEETING_UUID, uuid);
	put(pg, r, FR_MEETING_ID, num(pg, m, "id"));
	host = user_id(pg, m, "host_id");
	put(pg, r, FR_HOST_ID, host);
	if (host != NULL)
		r->person = host_person(pg, m, host);
	put_kept(pg, r, FR_START_TIME, m, "start_time");
	put(pg, r, FR_DURATION, num(pg, m, "duration"));
	put(pg, r, FR_TOTAL_SIZE, num(pg, m, "total_size"));
	put(pg, r, FR_RECORDING_COUNT, num(pg, m, "recording_count"));
	put(pg, r, FR_FILES,
	    files_json(pg, zp_json_get(m, "recording_files")));
	return emit_rec_source(pg->t, r, pg->src);
}

/* party fills one side of a call: the person, else a pseudonymous id. */
static void
party(struct page *pg, struct emit_rec *r, const struct zp_json *c,
    const char *side, int slot, int matched_slot)
{
	static const char *const keys[] = {
	    "email", "ext_id", "did_number", "ext_number", "number"};
	const char *first = NULL, *who = NULL, *v;
	char key[32];
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(key, sizeof(key), "%s_%s", side, keys[i]);
		if ((v = str(pg, c, key)) == NULL)
			continue;
		if (first == NULL)
			first = v;
		if (who == NULL)
			who = person_of(pg, v);
	}
	put(pg, r, slot, who != NULL ? who : first);
	if (first != NULL || who != NULL)
		SETV(pg->t, r, matched_slot,
		    emit_intern(pg->t, who ? "true" : "false", who ? 4 : 5));
}

/* one_call builds the record of one call log. */
static int
one_call(struct page *pg, const struct zp_json *c)
{
	const char *id = str(pg, c, "id");
	struct emit_rec *r;

	if (id == NULL)
		return skip(pg, "no \"id\"");
	if ((r = emit_record(pg->t, EMIT_CALL, pg->account, id)) == NULL)
		return ZP_ENOMEM;
	put(pg, r, FC_ID, id);
	put_kept(pg, r, FC_CALL_ID, c, "call_id");
	put(pg, r, FC_DIRECTION, val(pg, c, "direction"));
	put(pg, r, FC_CALL_TYPE, val(pg, c, "call_type"));
	put(pg, r, FC_CONNECT_TYPE, val(pg, c, "connect_type"));
	/* a call log event's "result" has words of its own: the call
	 * history page gives call_result */
	if (!pg->event)
		put(pg, r, FC_CALL_RESULT, val(pg, c, "call_result"));
	party(pg, r, c, "caller", FC_CALLER, FC_CALLER_MATCHED);
	party(pg, r, c, "callee", FC_CALLEE, FC_CALLEE_MATCHED);
	put(pg, r, FC_INTERNATIONAL, val(pg, c, "international"));
	/* the call log event names the times otherwise */
	put_kept(
	    pg, r, FC_START_TIME, c, pg->event ? "date_time" : "start_time");
	put_kept(pg, r, FC_ANSWER_TIME, c,
	    pg->event ? "answer_start_time" : "answer_time");
	put_kept(
	    pg, r, FC_END_TIME, c, pg->event ? "call_end_time" : "end_time");
	put(pg, r, FC_DURATION, num(pg, c, "duration"));
	return emit_rec_source(pg->t, r, pg->src);
}

/* --- endpoints ------------------------------------------------------- */

/* What a page's items are. */
enum what {
	W_USERS,
	W_MEETINGS,
	W_MEETING, /* the body is one meeting */
	W_WEBINAR_INSTANCES,
	W_PARTICIPANTS,
	W_WEBINARS,
	W_RECORDINGS,
	W_CALLS,
	W_JOINED, /* an event's participant, joining */
	W_LEFT, /* an event's participant, leaving */
	W_CALL_LOGS /* an event's call logs */
};

static const struct {
	const char *endpoint; /* below the API base */
	const char *array; /* the items' key, NULL: the body */
	enum what what;
} endpoints[] = {
    {"/users", "users", W_USERS},
    {"/report/users/{userId}/meetings", "meetings", W_MEETINGS},
    {"/past_meetings/{meetingId}", NULL, W_MEETING},
    {"/past_meetings/{meetingId}/instances", "meetings", W_MEETINGS},
    {"/metrics/meetings", "meetings", W_MEETINGS},
    {"/past_meetings/{meetingId}/participants", "participants",
	W_PARTICIPANTS},
    {"/report/meetings/{meetingId}/participants", "participants",
	W_PARTICIPANTS},
    {"/metrics/meetings/{meetingId}/participants", "participants",
	W_PARTICIPANTS},
    {"/past_webinars/{webinarId}/participants", "participants",
	W_PARTICIPANTS},
    {"/report/webinars/{webinarId}/participants", "participants",
	W_PARTICIPANTS},
    {"/users/{userId}/webinars", "webinars", W_WEBINARS},
    {"/past_webinars/{webinarId}/instances", "webinars", W_WEBINAR_INSTANCES},
    {"/users/{userId}/recordings", "meetings", W_RECORDINGS},
    {"/phone/call_history", "call_logs", W_CALLS},
};

/* The webhook events that give records, and what their object is. */
static const struct {
	const char *name;
	enum what what;
} events[] = {
    {"meeting.ended", W_MEETING},
    {"webinar.ended", W_WEBINAR_INSTANCES},
    {"recording.completed", W_RECORDINGS},
    {"meeting.participant_joined", W_JOINED},
    {"meeting.participant_left", W_LEFT},
    {"webinar.participant_joined", W_JOINED},
    {"webinar.participant_left", W_LEFT},
    {"phone.caller_call_log_completed", W_CALL_LOGS},
    {"phone.callee_call_log_completed", W_CALL_LOGS},
};

/* below_base skips the API base ("/v2") of an endpoint template. */
static const char *
below_base(const char *endpoint)
{
	const char *second = strchr(endpoint + 1, '/');

	if (endpoint[0] == '/' && second != NULL && endpoint[1] == 'v' &&
	    endpoint[2] >= '0' && endpoint[2] <= '9')
		return second;
	return endpoint;
}

/* decode_uuid percent-decodes seg[0..n) into b, and once more when a
 * '%' is left: Zoom wants UUIDs that begin with '/' or hold "//"
 * encoded twice. */
static int
decode_uuid(struct emit_table *t, const char *seg, size_t n, struct zp_buf *b)
{
	zp_buf_reset(b);
	if (zp_url_decode(b, seg, n) != 0)
		return ZP_EDECODE;
	if (memchr(b->data, '%', b->len) == NULL)
		return 0;
	zp_buf_reset(&t->tmp);
	if (zp_buf_append(&t->tmp, b->data, b->len) != 0)
		return ZP_ENOMEM;
	zp_buf_reset(b);
	return zp_url_decode(b, t->tmp.data, t->tmp.len) != 0 ? ZP_EDECODE : 0;
}

/* path_param returns the path segment where the endpoint template has
 * its {meetingId} or {webinarId}, decoded, as interned JSON text; NULL
 * if none. */
static const char *
path_param(struct page *pg)
{
	const char *tp = pg->e->endpoint, *pp = pg->e->path;
	struct zp_buf *b = &pg->t->scratch;
	size_t n;

	if (pp == NULL)
		return NULL;
	while (*tp != '\0' && *pp != '\0' && *pp != '?') {
		if (*tp != '{') {
			if (*tp++ != *pp++)
				return NULL;
			continue;
		}
		n = strcspn(pp, "/?");
		if (strncmp(tp, "{meetingId}", 11) == 0 ||
		    strncmp(tp, "{webinarId}", 11) == 0)
			return decode_uuid(pg->t, pp, n, b) == 0
			    ? emit_intern_str(pg->t, b->data, b->len)
			    : NULL;
		tp += strcspn(tp, "/");
		pp += n;
	}
	return NULL;
}

/* join_key is the key of a participant's session in t->joins: account,
 * instance and Zoom's user_id of that session, or NULL.  It lives in
 * t->tmp, so until the next intern. */
static const char *
join_key(struct page *pg, const char *uuid, const struct zp_json *p)
{
	const struct zp_json *v = session_user_id(p);
	struct zp_buf *b = &pg->t->tmp;

	if (v == NULL)
		return NULL;
	zp_buf_reset(b);
	if (zp_buf_printf(
		b, "%s\t%s\t%.*s", pg->account, uuid, (int)v->n, v->u.s) != 0)
		return NULL;
	return b->data;
}

/*
 * one_session_event adds the session of a participant's joined or left
 * event (object: the instance, with "participant").  A joined event
 * opens the session and notes its join time; the left event of the same
 * session (Zoom's user_id) closes it.  A left event whose join came
 * before this run is counted: the participants page will give the
 * whole session.
 */
static int
one_session_event(struct page *pg, enum what w, const struct zp_json *o)
{
	const char *uuid = str(pg, o, "uuid"), *key;
	const struct zp_json *p = zp_json_get(o, "participant"), *j;
	struct emit_table *t = pg->t;
	time_t join;
	long at;

	if (uuid == NULL)
		return skip(pg, "no \"uuid\"");
	if (p == NULL || p->type != ZP_JSON_OBJECT)
		return skip(pg, "\"participant\" is not an object");
	key = join_key(pg, uuid, p);
	if (w == W_JOINED) {
		j = zp_json_get(p, "join_time");
		if (key != NULL && j != NULL && j->type == ZP_JSON_STRING &&
		    emit_time_parse(j->u.s, j->n, &join) == 0) {
			if (t->joins == NULL && zp_keys_new(&t->joins) != 0)
				return ZP_ENOMEM;
			if (zp_keys_put(t->joins, key, (long)join) != 0)
				return ZP_ENOMEM;
		}
		return one_participant(pg, uuid, p);
	}
	if (key == NULL || t->joins == NULL ||
	    (at = zp_keys_get(t->joins, key)) < 0) {
		t->events_unpaired++;
		return 0;
	}
	pg->join = (time_t)at;
	return one_participant(pg, uuid, p);
}

/* call_logs adds the calls of a call log event's "call_logs". */
static int
call_logs(struct page *pg, const struct zp_json *o)
{
	const struct zp_json *a = items(o, "call_logs");
	size_t i;
	int rc = 0;

	if (a == NULL)
		return skip(pg, "\"call_logs\" is not an array");
	for (i = 0; rc == 0 && i < a->n; i++) {
		pg->item = i + 1;
		rc = a->u.items[i].type == ZP_JSON_OBJECT
		    ? one_call(pg, &a->u.items[i])
		    : skip(pg, "not an object");
	}
	return rc;
}

/* one_item dispatches one item of a page. */
static int
one_item(struct page *pg, enum what w, const struct zp_json *it)
{
	if (it->type != ZP_JSON_OBJECT)
		return skip(pg, "not an object");
	switch (w) {
	case W_USERS: return one_user(pg, it);
	case W_MEETINGS:
	case W_MEETING: return one_meeting(pg, it, 0);
	case W_WEBINAR_INSTANCES: return one_meeting(pg, it, 1);
	case W_PARTICIPANTS:
		return pg->path_id != NULL
		    ? one_participant(pg, pg->path_id, it)
		    : skip(pg, "the path names no meeting");
	case W_WEBINARS: return one_webinar(pg, it);
	case W_RECORDINGS: return one_recording(pg, it);
	case W_CALLS: return one_call(pg, it);
	case W_JOINED:
	case W_LEFT: return one_session_event(pg, w, it);
	case W_CALL_LOGS: return call_logs(pg, it);
	}
	return 0;
}

/* begin sets the account and source of pg and marks its identities. */
static int
begin(struct page *pg, const struct zp_json *ids)
{
	const struct zp_envelope *e = pg->e;
	struct emit_table *t = pg->t;

	pg->account = emit_intern(t, e->account ? e->account : "",
	    e->account ? strlen(e->account) : 0);
	/* an envelope id is its page's alone: copied, not interned */
	pg->src = e->id != NULL
	    ? zp_arena_memdup(&t->arena, e->id, strlen(e->id) + 1)
	    : NULL;
	if (pg->account == NULL)
		return ZP_ENOMEM;
	return mark_identities(pg, ids);
}

int
emit_build(struct emit_table *t, const struct zp_envelope *e,
    const struct zp_json *body, const struct zp_json *ids, const char *where)
{
	struct page pg = {.t = t, .e = e, .where = where};
	const struct zp_json *arr;
	const char *ep;
	size_t i, k;
	int rc = 0;

	if (e->endpoint == NULL || body == NULL || e->status < 200 ||
	    e->status > 299) {
		t->ignored++;
		return 0;
	}
	ep = below_base(e->endpoint);
	for (k = 0; k < sizeof(endpoints) / sizeof(endpoints[0]); k++)
		if (strcmp(ep, endpoints[k].endpoint) == 0)
			break;
	if (k == sizeof(endpoints) / sizeof(endpoints[0])) {
		t->ignored++;
		return 0;
	}
	pg.endpoint = ep;
	if (body->type != ZP_JSON_OBJECT)
		return skip(&pg, "the body is not an object");
	t->pages++;
	if ((rc = begin(&pg, ids)) != 0)
		return rc;
	pg.path_id = path_param(&pg);
	if (endpoints[k].array == NULL) {
		pg.item = 1;
		return one_item(&pg, endpoints[k].what, body);
	}
	if ((arr = items(body, endpoints[k].array)) == NULL) {
		if (zp_json_get(body, endpoints[k].array) == NULL)
			return 0; /* an empty answer may leave it out */
		zp_buf_reset(&t->scratch);
		zp_buf_printf(
		    &t->scratch, "\"%s\" is not an array", endpoints[k].array);
		return skip(&pg, t->scratch.data);
	}
	for (i = 0; rc == 0 && i < arr->n; i++) {
		pg.item = i + 1;
		rc = one_item(&pg, endpoints[k].what, &arr->u.items[i]);
	}
	return rc;
}

int
emit_build_event(struct emit_table *t, const struct zp_envelope *e,
    const struct zp_json *body, const struct zp_json *ids, const char *where)
{
	struct page pg = {.t = t, .e = e, .where = where, .event = 1};
	const struct zp_json *name, *payload, *obj;
	unsigned long unpaired;
	size_t k;
	int rc;

	name = body != NULL ? zp_json_get(body, "event") : NULL;
	for (k = 0; k < sizeof(events) / sizeof(events[0]); k++)
		if (zp_json_is_str(name, events[k].name))
			break;
	if (k == sizeof(events) / sizeof(events[0])) {
		t->events_ignored++;
		return 0;
	}
	pg.endpoint = events[k].name;
	payload = zp_json_get(body, "payload");
	obj = payload != NULL ? zp_json_get(payload, "object") : NULL;
	if (obj == NULL || obj->type != ZP_JSON_OBJECT)
		return skip(&pg, "\"payload\".\"object\" is not an object");
	if ((rc = begin(&pg, ids)) != 0)
		return rc;
	unpaired = t->events_unpaired;
	rc = one_item(&pg, events[k].what, obj);
	if (t->events_unpaired == unpaired)
		t->events++;
	return rc;
}
