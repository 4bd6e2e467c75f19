/*
 * core.h - zp-emit's records in memory: the run's table of interned
 * strings and records (table.c), the builders that fill it from
 * envelopes (build.c), a record as a JSON line and back (record.c), the
 * state directory (state.c) and the end of a run (flush.c).
 *
 * Every value a record holds is interned JSON text ("\"t~Ab…\"", "42",
 * "true"), NUL-terminated, owned by the table: two equal values are the
 * same pointer, so comparing values is comparing pointers.
 */
#ifndef ZP_EMIT_CORE_H
#define ZP_EMIT_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "emit.h"
#include "json.h"

struct zp_keys;

#define EMIT_MAX_SOURCES 16 /* envelope ids kept per record, newest */
#define EMIT_MAX_IDS 8 /* identities kept per participation */
#define EMIT_MAX_WARNINGS 20 /* skipped items logged one by one */
#define EMIT_COMMIT_EVERY 256 /* partitions made durable at once */
#define EMIT_USERS_DAY "all" /* the one partition of users */

/*
 * The position of each field in its type's table (fields.c), so that hot
 * code indexes v[] without looking names up; the unit test
 * emit_fields_positions checks every one against the table.
 */
enum {
	FU_TYPE,
	FU_KEY,
	FU_ACCOUNT,
	FU_DAY,
	FU_ID,
	FU_PERSON,
	FU_EMAIL,
	FU_STATUS,
	FU_USER_TYPE,
	FU_PMI,
	FU_TIMEZONE,
	FU_DEPT,
	FU_CREATED_AT,
	FU_LAST_LOGIN_TIME,
	FU_SOURCES,
	FU_N
};
enum {
	FM_TYPE,
	FM_KEY,
	FM_ACCOUNT,
	FM_DAY,
	FM_UUID,
	FM_MEETING_ID,
	FM_KIND,
	FM_ZOOM_TYPE,
	FM_HOST,
	FM_HOST_ID,
	FM_START_TIME,
	FM_END_TIME,
	FM_DURATION,
	FM_PARTICIPANTS_COUNT,
	FM_SOURCES,
	FM_N
};
enum {
	FP_TYPE,
	FP_KEY,
	FP_ACCOUNT,
	FP_DAY,
	FP_MEETING_UUID,
	FP_MEETING_ID,
	FP_MEETING_KIND,
	FP_PERSON,
	FP_MATCHED,
	FP_PARTICIPANT,
	FP_INTERNAL,
	FP_ROLE,
	FP_FIRST_JOIN,
	FP_LAST_LEAVE,
	FP_SECONDS,
	FP_MINUTES,
	FP_SESSION_COUNT,
	FP_SESSIONS,
	FP_IDS,
	FP_DEVICE,
	FP_IP_ADDRESS,
	FP_LOCATION,
	FP_NETWORK_TYPE,
	FP_DATA_CENTER,
	FP_CONNECTION_TYPE,
	FP_SOURCES,
	FP_N
};
enum {
	FW_TYPE,
	FW_KEY,
	FW_ACCOUNT,
	FW_DAY,
	FW_WEBINAR_ID,
	FW_UUID,
	FW_HOST,
	FW_HOST_ID,
	FW_ZOOM_TYPE,
	FW_START_TIME,
	FW_DURATION,
	FW_TIMEZONE,
	FW_CREATED_AT,
	FW_SOURCES,
	FW_N
};
enum {
	FR_TYPE,
	FR_KEY,
	FR_ACCOUNT,
	FR_DAY,
	FR_MEETING_UUID,
	FR_MEETING_ID,
	FR_HOST,
	FR_HOST_ID,
	FR_START_TIME,
	FR_DURATION,
	FR_TOTAL_SIZE,
	FR_RECORDING_COUNT,
	FR_FILES,
	FR_SOURCES,
	FR_N
};
enum {
	FC_TYPE,
	FC_KEY,
	FC_ACCOUNT,
	FC_DAY,
	FC_ID,
	FC_CALL_ID,
	FC_DIRECTION,
	FC_CALL_TYPE,
	FC_CONNECT_TYPE,
	FC_CALL_RESULT,
	FC_CALLER,
	FC_CALLER_MATCHED,
	FC_CALLEE,
	FC_CALLEE_MATCHED,
	FC_INTERNATIONAL,
	FC_START_TIME,
	FC_ANSWER_TIME,
	FC_END_TIME,
	FC_DURATION,
	FC_SOURCES,
	FC_N
};

/*
 * Where field i of type ty lives in a record's v[]: -1 for the fields a
 * record computes when it is written (type, key, account, day, sources,
 * and a participation's times, sessions and identities), which take no
 * room in the hundreds of thousands of records a run holds.
 */
extern signed char emit_slots[EMIT_NTYPES][32];
extern unsigned char emit_nslots[EMIT_NTYPES];

/* V reads field i of record r (JSON text or NULL); SETV writes it. */
#define V(r, i)                                                               \
	(emit_slots[(r)->type][(i)] >= 0 &&                                   \
		    emit_slots[(r)->type][(i)] < (r)->n_v                     \
		? (r)->v[emit_slots[(r)->type][(i)]]                          \
		: (const char *)NULL)
#define SETV(t, r, i, x) emit_setv((t), (r), (i), (x))

/* emit_setv sets field i of r to x, making room for the record's slots
 * when it had only its first; 0, ZP_EINVAL (a computed field) or
 * ZP_ENOMEM. */
struct emit_table;
struct emit_rec;
int emit_setv(struct emit_table *t, struct emit_rec *r, int i, const char *x);

/*
 * How a participation's identity ranks as its pseudonymous id: a user
 * id, else an e-mail (it has an '@'), else Zoom's per-session
 * participant id, written "session:ID" because it names no one.
 */
enum emit_rank { EMIT_RANK_USER, EMIT_RANK_EMAIL, EMIT_RANK_SESSION };

/* emit_rank_of tells the rank of identity id (JSON text). */
enum emit_rank emit_rank_of(const char *id);

/* A participation's role in its meeting. */
enum emit_role { EMIT_ROLE_NONE, EMIT_ROLE_HOST, EMIT_ROLE_ATTENDEE };

/* One join-leave session of a participation; leave 0: not known. */
struct emit_session {
	int64_t join;
	int64_t leave;
};

/*
 * One record.  v[i] is field i of the type's table (fields.c) as
 * interned JSON text, or NULL for null; the fields type, key, account,
 * day and sources (and a participation's derived fields) are not in v
 * but computed when the record is written.
 */
struct emit_rec {
	uint8_t type;
	uint8_t dead; /* merged into another record of the run */
	uint8_t n_src, cap_src, n_ids, cap_ids;
	uint16_t n_ses, cap_ses;
	uint8_t internal; /* participations: a member (or internal domain) */
	uint8_t role; /* participations: enum emit_role */
	uint8_t role_said; /* the dashboard gave the role */
	uint8_t n_v; /* slots allocated in v */
	const char *key; /* the natural key (decoded text), interned */
	const char *account; /* decoded text, interned */
	char day[11];
	const char **v;
	const char **src; /* decoded 32-hex ids, oldest first */
	struct emit_session *ses;
	const char **ids; /* JSON text, like v */
	const char *person; /* participations: the matched person; meetings,
			       webinars, recordings: the host's (JSON text) */
};

/* Facts about a meeting instance that its participations need. */
struct emit_minfo {
	const char *account, *uuid; /* decoded, interned */
	char day[11];
	const char *kind; /* JSON text or NULL */
	const char *meeting_id;
	const char *host_id;
	const char *host_person; /* JSON text of the matched person */
};

/* The run's table. */
struct emit_table {
	struct zp_arena arena; /* records, slot arrays, sessions, kept text */
	struct zp_arena str_arena; /* the interned strings alone: packed, so
				      that a look-up's compare finds its
				      string in the cache more often */
	struct emit_intern *strs; /* interned strings */
	size_t n_strs, cap_strs;
	struct emit_pmap *maps[EMIT_NTYPES]; /* (account, id) -> record */
	struct emit_pmap *part_ids; /* (account, uuid) -> the instance's
				       participations (build.c) */
	struct emit_pmap *minfo; /* (account, uuid) -> struct emit_minfo */
	struct emit_pmap *winfo; /* (account, webinar id) -> emit_minfo */
	void (*facts_change)(void *arg); /* called (once) before a fact of
					    minfo or winfo changes while
					    another thread reads them */
	void *facts_arg;
	unsigned long page_no; /* stamps the page's identities */
	struct emit_marks {
		const char **key;
		const struct zp_json **dom;
		unsigned long *stamp;
		size_t n, cap;
	} marks; /* table.c: the page's identities, by interned value */
	struct emit_rec **recs; /* every record of the run, in order */
	size_t n_recs, cap_recs;
	unsigned long counts[EMIT_NTYPES]; /* records built, per type */
	unsigned long pages, skipped;
	unsigned long ignored; /* pages of other endpoints or statuses */
	unsigned long events; /* webhook events that built records */
	unsigned long events_ignored; /* events of other kinds */
	unsigned long events_unpaired; /* a leave with no join in the run */
	struct zp_keys *joins; /* account, instance, session: join time */
	struct zp_buf tmp, scratch;
};

/* --- table.c --------------------------------------------------------- */

/* emit_table_init prepares an empty table (and emit_slots, once);
 * emit_table_release frees it. */
int emit_table_init(struct emit_table *t);
void emit_table_release(struct emit_table *t);

/* emit_table_shrink frees what only the build and the flush use (the
 * records' list and maps, the intern hash table), keeping every string
 * and the meeting facts; nothing may be interned afterwards. */
void emit_table_shrink(struct emit_table *t);

/* emit_intern returns the interned copy of s[0..n), NULL on ENOMEM. */
const char *emit_intern(struct emit_table *t, const char *s, size_t n);

/* emit_len is the length of interned string s, in O(1): interning keeps
 * it in the four bytes before the text. */
static inline size_t
emit_len(const char *s)
{
	uint32_t n;

	memcpy(&n, s - 4, 4);
	return n;
}

/* emit_keep copies s[0..n) into the table like an interned string
 * (emit_len works on it) but without interning it: for values nearly
 * every record has its own (times), where interning costs more than it
 * saves.  NULL on ENOMEM. */
const char *emit_keep(struct emit_table *t, const char *s, size_t n);

/* emit_intern_json interns the JSON text of DOM value v (compact), or
 * returns NULL for null and absent values (and on ENOMEM). */
const char *emit_intern_json(struct emit_table *t, const struct zp_json *v);

/*
 * emit_mark attaches dom to the interned string s for the page being
 * built (0 or ZP_ENOMEM); emit_marked returns what was attached to s
 * during this page, or NULL.
 */
int emit_mark(struct emit_table *t, const char *s, const struct zp_json *dom);
const struct zp_json *emit_marked(const struct emit_table *t, const char *s);

/* emit_page_begin forgets the marks of the page before. */
void emit_page_begin(struct emit_table *t);

/* emit_intern_str interns the JSON string text of s[0..n). */
const char *emit_intern_str(struct emit_table *t, const char *s, size_t n);

/* emit_record finds or makes the record of type ty with natural id
 * (account, id) (both interned); NULL on ENOMEM. */
struct emit_rec *emit_record(struct emit_table *t, enum emit_type ty,
    const char *account, const char *id);

/* emit_rec_new makes a record with no map entry (participations). */
struct emit_rec *emit_rec_new(struct emit_table *t, enum emit_type ty);

/* emit_rec_source notes envelope id (interned) as a source of r,
 * keeping the newest EMIT_MAX_SOURCES; 0 or ZP_ENOMEM. */
int emit_rec_source(struct emit_table *t, struct emit_rec *r, const char *id);

/* emit_rec_session adds a session, keeping one per join time (the later
 * leave wins); 0 or ZP_ENOMEM. */
int emit_rec_session(
    struct emit_table *t, struct emit_rec *r, int64_t join, int64_t leave);

/* emit_rec_id adds identity (interned JSON text) to a participation
 * (at most EMIT_MAX_IDS); 0 or ZP_ENOMEM. */
int emit_rec_id(struct emit_table *t, struct emit_rec *r, const char *id);

/* emit_rec_merge moves everything of record b into a (same type and
 * natural id): sessions, identities, sources, and the fields a lacks;
 * b is left dead, pointing at a.  0 or ZP_ENOMEM. */
int emit_rec_merge(
    struct emit_table *t, struct emit_rec *a, struct emit_rec *b);

/* The pointer-pair map: (a, b) -> value, both interned pointers. */
void *emit_pmap_get(const struct emit_pmap *m, const void *a, const void *b);
int emit_pmap_put(
    struct emit_pmap **m, const void *a, const void *b, void *value);
void emit_pmap_free(struct emit_pmap **m);
/* emit_pmap_each calls fn with every value of m until fn returns
 * nonzero, which it returns. */
int emit_pmap_each(
    const struct emit_pmap *m, int (*fn)(void *arg, void *v), void *arg);

/* emit_minfo_of finds or makes the meeting facts of (account, uuid)
 * (interned) in map *m; NULL on ENOMEM. */
struct emit_minfo *emit_minfo_of(struct emit_table *t, struct emit_pmap **m,
    const char *account, const char *uuid);

/* emit_facts_change is called before a meeting's or webinar's facts are
 * changed or added: it calls t->facts_change once, if set. */
void emit_facts_change(struct emit_table *t);

/* --- build.c --------------------------------------------------------- */

/*
 * emit_build adds the records one page envelope holds to t: body is its
 * parsed body, ids its parsed "identities" object (or NULL), where says
 * where it came from for warnings.  Unknown endpoints and answers other
 * than 2xx add nothing; an item that cannot become a record is skipped,
 * counted in t->skipped and, the first times, logged.  0, or ZP_ENOMEM.
 */
int emit_build(struct emit_table *t, const struct zp_envelope *e,
    const struct zp_json *body, const struct zp_json *ids, const char *where);

/*
 * emit_build_event adds the records of one webhook event envelope (body:
 * Zoom's {"event", "payload": {"object"}}) as emit_build does for a
 * page: meeting.ended and webinar.ended give the instance's meeting,
 * recording.completed its recording, a participant's joined and left
 * events (paired in the run by the session's user_id) a participation's
 * session, a phone call log event its calls.  A left event whose join
 * this run did not see is counted in t->events_unpaired, other events in
 * t->events_ignored.  0, or ZP_ENOMEM.
 */
int emit_build_event(struct emit_table *t, const struct zp_envelope *e,
    const struct zp_json *body, const struct zp_json *ids, const char *where);

/* --- record.c -------------------------------------------------------- */

/* emit_rec_finish computes the derived facts of a record (its day, a
 * participation's role and order, a meeting's kind and host) from the
 * meetings known (emit_flush calls it); ZP_EINVAL for a participation
 * with no identity, which is never written. */
int emit_rec_finish(struct emit_table *t, struct emit_rec *r);

/* emit_rec_key sets r->key, in arena a (a finished record); 0,
 * ZP_EINVAL (no natural id) or ZP_ENOMEM. */
int emit_rec_key(struct emit_table *t, struct emit_rec *r, struct zp_arena *a);

/* emit_rec_write appends r as one JSON line without newline. */
int emit_rec_write(
    const struct emit_table *t, const struct emit_rec *r, struct zp_buf *out);

/*
 * emit_rec_absorb merges the record of JSON line old (a DOM) into r:
 * fields r lacks are taken from old, a participation's sessions and
 * identities are united, sources are old's followed by r's.  0 or
 * ZP_ENOMEM.
 */
int emit_rec_absorb(
    struct emit_table *t, struct emit_rec *r, const struct zp_json *old);

/* emit_rec_from_line rebuilds a record from its JSON line's DOM (an
 * orphan moving to its meeting's day); NULL on bad data or ENOMEM. */
struct emit_rec *emit_rec_from_line(
    struct emit_table *t, enum emit_type ty, const struct zp_json *old);

/* --- state.c --------------------------------------------------------- */

struct emit_state;

/*
 * emit_state_open opens (creating) the state directory dir and locks it
 * against another zp-emit; dir NULL gives a state that remembers nothing.
 * Returns 0, ZP_EIO (reported: a folder or file it cannot use, a lock
 * another holds), ZP_ECONFIG (a foreign state) or ZP_ENOMEM.
 */
int emit_state_open(
    struct emit_state **out, const char *dir, struct emit_table *t);

/* emit_state_load_part appends partition (type, day) to out (nothing
 * when there is none); 0 or ZP_EIO (reported). */
int emit_state_load_part(struct emit_state *s, enum emit_type ty,
    const char *day, struct zp_buf *out);

/* emit_state_save_part replaces partition (type, day) with data at the
 * next emit_state_commit, which makes every partition saved since the
 * last one durable at once; 0 or ZP_EIO (reported). */
int emit_state_save_part(struct emit_state *s, enum emit_type ty,
    const char *day, const char *data, size_t n);
/* emit_state_link_part is emit_state_save_part for a partition whose n
 * bytes a sink wrote into the closed file src: the state's file becomes
 * a second name of src.  1 when it cannot (src is not n bytes long, is
 * on another file system, links are refused): the caller saves the
 * bytes; else as emit_state_save_part. */
int emit_state_link_part(struct emit_state *s, enum emit_type ty,
    const char *day, const char *src, size_t n);
int emit_state_commit(struct emit_state *s);
/* emit_state_drop_part removes partition (type, day) at the next
 * commit; 0 or ZP_ENOMEM. */
int emit_state_drop_part(
    struct emit_state *s, enum emit_type ty, const char *day);
/* emit_state_days lists, into *days (the caller frees each and the
 * array), the days of type's saved partitions; 0, ZP_EIO (reported) or
 * ZP_ENOMEM. */
int emit_state_days(
    struct emit_state *s, enum emit_type ty, char ***days, size_t *n);

/* The orphans: participations saved before their meeting was seen. */
struct emit_orphan {
	const char *account, *uuid, *key; /* interned, decoded */
	char day[11];
	int resolved; /* moved to its meeting's day in this run */
};
struct emit_orphan *emit_state_orphans(struct emit_state *s, size_t *n);

/* emit_state_add_orphan adds to the orphan list (saved at close). */
int emit_state_add_orphan(struct emit_state *s, const char *account,
    const char *uuid, const char *key, const char *day);

/* emit_state_index_start begins building the index the close saves, on a
 * thread, once every meeting and webinar of the run is finished.  A fact
 * that changes after (emit_facts_change) waits for that thread and has
 * the index built again at the close. */
void emit_state_index_start(struct emit_state *s);

/* emit_state_index_stage has the next emit_state_commit rename the index
 * the thread wrote, when it is still the run's. */
void emit_state_index_stage(struct emit_state *s);

/* emit_state_close saves the index (unless a commit did) and orphans,
 * unlocks and frees. */
int emit_state_close(struct emit_state **s);

/* --- flush.c --------------------------------------------------------- */

/* Tallies of a flush. */
struct emit_flush_stats {
	unsigned long records[EMIT_NTYPES]; /* in the run */
	unsigned long changed[EMIT_NTYPES]; /* new or changed */
	unsigned long partitions, written;
};

/*
 * emit_flush merges the run's records into the state partition by
 * partition and hands each partition that changed to the sinks, then
 * saves it.  A sink's failure stops it (the partitions not saved are
 * sent again by the next run).  0 or the first error.
 */
int emit_flush(struct emit_table *t, struct emit_state *s,
    struct emit_sink **sinks, const struct emit_sink_ops **ops, size_t n_sinks,
    struct emit_where *where, struct emit_flush_stats *st);

#endif
