/*
 * truth.c - the organization as ground truth: one NDJSON line per entity,
 * so that a test can check what a crawl through the API brought back.
 *
 * Lines come in a fixed order (users, meetings, instances, participations,
 * webinars, webinar instances, webinar participations, recordings, calls)
 * and each has a "type".  Times are RFC 3339 strings (null when unset),
 * meeting and webinar numbers JSON numbers, and strings are what the API
 * serves, so "email" is "" where Zoom returns it empty.
 */
#include "org.h"

#include <stdio.h>

#include "buf.h"
#include "error.h"
#include "json.h"

#define FLUSH_AT 65536

/* A truth file being written: lines gather in buf, then go to f. */
struct truth {
	const struct sim_org *org;
	FILE *f;
	struct zp_buf buf;
	struct zp_jw w;
	int err;
};

static const char *const kinds[] = {
    "host", "internal", "guest", "dialin", "anonymous"};

/* put_str writes key and string value. */
static void
put_str(struct truth *t, const char *key, const char *value)
{
	zp_jw_key(&t->w, key);
	zp_jw_str(&t->w, value != NULL ? value : "");
}

/* put_int writes key and integer value. */
static void
put_int(struct truth *t, const char *key, long long value)
{
	zp_jw_key(&t->w, key);
	zp_jw_int(&t->w, value);
}

/* put_time writes key and t as RFC 3339, or null when t is 0. */
static void
put_time(struct truth *t, const char *key, time_t when)
{
	char s[21];

	zp_jw_key(&t->w, key);
	if (when == 0) {
		zp_jw_null(&t->w);
		return;
	}
	sim_time_format(when, s);
	zp_jw_str(&t->w, s);
}

/* line_begin starts an object of the given type on a new line. */
static void
line_begin(struct truth *t, const char *type)
{
	zp_jw_init(&t->w, &t->buf);
	zp_jw_object(&t->w);
	put_str(t, "type", type);
}

/* line_end closes the line and sends the buffer on once it is large. */
static void
line_end(struct truth *t)
{
	zp_jw_end(&t->w);
	if (t->err == 0)
		t->err = zp_jw_finish(&t->w);
	if (t->err == 0)
		t->err = zp_buf_putc(&t->buf, '\n');
	if (t->err == 0 && t->buf.len >= FLUSH_AT) {
		if (fwrite(t->buf.data, 1, t->buf.len, t->f) != t->buf.len)
			t->err = ZP_EIO;
		zp_buf_reset(&t->buf);
	}
}

/* user_line writes user i. */
static void
user_line(struct truth *t, size_t i)
{
	const struct sim_user *u = &t->org->users[i];

	line_begin(t, "user");
	put_int(t, "index", (long long)i);
	put_str(t, "id", u->id);
	put_str(t, "email", u->email);
	put_str(t, "alt_email", u->alt_email);
	put_str(t, "first_name", u->first_name);
	put_str(t, "last_name", u->last_name);
	put_str(t, "dept", u->dept);
	put_str(t, "employee_unique_id", u->employee_unique_id);
	put_int(t, "pmi", (long long)u->pmi);
	put_int(t, "user_type", u->type);
	put_str(t, "status", u->status);
	put_str(t, "timezone", u->timezone);
	put_time(t, "created_at", u->created_at);
	put_time(t, "last_login_time", u->last_login_time);
	line_end(t);
}

/* meeting_line writes meeting i. */
static void
meeting_line(struct truth *t, size_t i)
{
	const struct sim_meeting *m = &t->org->meetings[i];

	line_begin(t, "meeting");
	put_int(t, "index", (long long)i);
	put_int(t, "id", (long long)m->id);
	put_int(t, "meeting_type", m->type);
	put_int(t, "host", m->host);
	put_str(t, "host_id", t->org->users[m->host].id);
	put_str(t, "topic", m->topic);
	put_time(t, "created_at", m->created_at);
	put_time(t, "start_time", m->start_time);
	put_int(t, "duration", m->duration);
	put_str(t, "timezone", m->timezone);
	put_str(t, "password", m->password);
	zp_jw_key(&t->w, "listed");
	zp_jw_bool(&t->w, m->listed);
	put_int(t, "first_instance", (long long)m->first_instance);
	put_int(t, "n_instances", (long long)m->n_instances);
	line_end(t);
}

/* owner_of tells the number and host of the meeting (or webinar) that
 * instance si belongs to. */
static void
owner_of(const struct sim_org *org, const struct sim_instance *si, int webinar,
    uint64_t *id, int *host)
{
	if (webinar) {
		*id = org->webinars[si->owner].id;
		*host = org->webinars[si->owner].host;
	} else {
		*id = org->meetings[si->owner].id;
		*host = org->meetings[si->owner].host;
	}
}

/* instance_line writes instance i of meetings or, if webinar, webinars. */
static void
instance_line(struct truth *t, size_t i, int webinar)
{
	const struct sim_instance *si =
	    webinar ? &t->org->winstances[i] : &t->org->instances[i];
	uint64_t id;
	int host;

	owner_of(t->org, si, webinar, &id, &host);
	line_begin(t, webinar ? "webinar_instance" : "instance");
	put_int(t, "index", (long long)i);
	put_str(t, "uuid", si->uuid);
	put_int(t, webinar ? "webinar_id" : "meeting_id", (long long)id);
	put_int(t, webinar ? "webinar" : "meeting", (long long)si->owner);
	put_int(t, "host", host);
	put_time(t, "start_time", si->start);
	put_time(t, "end_time", si->end);
	put_int(t, "duration", (long long)(si->end - si->start));
	put_int(t, "segments", (long long)si->n_part);
	put_int(t, "persons", si->persons);
	zp_jw_key(&t->w, "has_recording");
	zp_jw_bool(&t->w, si->has_recording);
	line_end(t);
}

/* part_line writes one participation segment p of a meeting or webinar. */
static void
part_line(struct truth *t, const struct sim_part *p, int webinar)
{
	const struct sim_instance *si = webinar
	    ? &t->org->winstances[p->instance]
	    : &t->org->instances[p->instance];
	uint64_t id;
	int host;

	owner_of(t->org, si, webinar, &id, &host);
	line_begin(t, webinar ? "webinar_participation" : "participation");
	put_int(t, "instance", (long long)p->instance);
	put_str(t, "uuid", si->uuid);
	put_int(t, webinar ? "webinar_id" : "meeting_id", (long long)id);
	put_int(t, "person", p->person);
	put_str(t, "kind", kinds[p->kind]);
	zp_jw_key(&t->w, "user");
	if (p->user >= 0)
		zp_jw_int(&t->w, p->user);
	else
		zp_jw_null(&t->w);
	put_str(t, "id", p->id);
	put_str(t, "name", p->name);
	put_str(t, "email", p->email);
	put_str(t, "user_id", p->user_id);
	put_str(t, "registrant_id", p->registrant_id);
	put_time(t, "join_time", p->join);
	put_time(t, "leave_time", p->leave);
	put_int(t, "duration", (long long)(p->leave - p->join));
	put_str(t, "device", p->device);
	put_str(t, "ip_address", p->ip_address);
	put_str(t, "location", p->location);
	put_str(t, "network_type", p->network_type);
	line_end(t);
}

/* webinar_line writes webinar i. */
static void
webinar_line(struct truth *t, size_t i)
{
	const struct sim_webinar *w = &t->org->webinars[i];

	line_begin(t, "webinar");
	put_int(t, "index", (long long)i);
	put_int(t, "id", (long long)w->id);
	put_int(t, "host", w->host);
	put_str(t, "host_id", t->org->users[w->host].id);
	put_str(t, "topic", w->topic);
	put_time(t, "created_at", w->created_at);
	put_time(t, "start_time", w->start_time);
	put_int(t, "duration", w->duration);
	put_str(t, "timezone", w->timezone);
	put_int(t, "first_instance", (long long)w->first_instance);
	put_int(t, "n_instances", (long long)w->n_instances);
	line_end(t);
}

/* recording_line writes recording i. */
static void
recording_line(struct truth *t, size_t i)
{
	const struct sim_recording *r = &t->org->recordings[i];
	const struct sim_instance *si = &t->org->instances[r->instance];

	line_begin(t, "recording");
	put_str(t, "id", r->id);
	put_int(t, "instance", (long long)r->instance);
	put_str(t, "uuid", si->uuid);
	put_int(t, "meeting_id", (long long)t->org->meetings[si->owner].id);
	put_int(t, "n_files", r->n_files);
	put_int(t, "total_size", (long long)r->total_size);
	put_time(t, "recording_start", r->recording_start);
	put_time(t, "recording_end", r->recording_end);
	line_end(t);
}

/* call_line writes call i. */
static void
call_line(struct truth *t, size_t i)
{
	const struct sim_call *c = &t->org->calls[i];

	line_begin(t, "call");
	put_str(t, "id", c->id);
	put_str(t, "call_id", c->call_id);
	put_int(t, "user", c->user);
	put_str(t, "user_id", t->org->users[c->user].id);
	put_str(t, "direction", c->direction);
	put_str(t, "caller_name", c->caller_name);
	put_str(t, "caller_number", c->caller_number);
	put_str(t, "callee_name", c->callee_name);
	put_str(t, "callee_number", c->callee_number);
	put_str(t, "call_result", c->call_result);
	put_time(t, "start_time", c->start_time);
	put_time(t, "answer_time", c->answer_time);
	put_time(t, "end_time", c->end_time);
	put_int(t, "duration", c->duration);
	line_end(t);
}

/* write_all writes every line, stopping at the first error. */
static void
write_all(struct truth *t)
{
	const struct sim_org *o = t->org;
	size_t i;

	for (i = 0; t->err == 0 && i < o->n_users; i++)
		user_line(t, i);
	for (i = 0; t->err == 0 && i < o->n_meetings; i++)
		meeting_line(t, i);
	for (i = 0; t->err == 0 && i < o->n_instances; i++)
		instance_line(t, i, 0);
	for (i = 0; t->err == 0 && i < o->n_parts; i++)
		part_line(t, &o->parts[i], 0);
	for (i = 0; t->err == 0 && i < o->n_webinars; i++)
		webinar_line(t, i);
	for (i = 0; t->err == 0 && i < o->n_winstances; i++)
		instance_line(t, i, 1);
	for (i = 0; t->err == 0 && i < o->n_wparts; i++)
		part_line(t, &o->wparts[i], 1);
	for (i = 0; t->err == 0 && i < o->n_recordings; i++)
		recording_line(t, i);
	for (i = 0; t->err == 0 && i < o->n_calls; i++)
		call_line(t, i);
}

int
sim_org_dump_truth(const struct sim_org *org, FILE *f)
{
	struct truth t = {.org = org, .f = f, .buf = ZP_BUF_INIT};

	write_all(&t);
	if (t.err == 0 && t.buf.len > 0 &&
	    fwrite(t.buf.data, 1, t.buf.len, f) != t.buf.len)
		t.err = ZP_EIO;
	if (t.err == 0 && fflush(f) != 0)
		t.err = ZP_EIO;
	zp_buf_release(&t.buf);
	return t.err != 0 || ferror(f) ? ZP_EIO : 0;
}
