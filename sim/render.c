/*
 * render.c - the JSON of each entity of the synthetic organization, in the
 * shapes of Zoom's API v2 (meeting-api.json, phone-api.json).
 *
 * Everything here is a pure function of the org, the render context and
 * the simulated clock in it: the same seed gives the same bytes.  URLs
 * point at zoom.us, not at the simulator, whose port changes from run to
 * run.  Values
 * Zoom has but the org does not model (settings, client versions, quality
 * labels) are constants or drawn from a hash of the entity's own id.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "json.h"
#include "org.h"
#include "render.h"

#define ZOOM_WEB "https://zoom.us"
#define CLIENT_VERSION "5.17.11.34827"

/* --- small writers ------------------------------------------------- */

/* kv_str writes "key":"s". */
static void
kv_str(struct zp_jw *w, const char *key, const char *s)
{
	zp_jw_key(w, key);
	zp_jw_str(w, s);
}

/* kv_int writes "key":v. */
static void
kv_int(struct zp_jw *w, const char *key, long long v)
{
	zp_jw_key(w, key);
	zp_jw_int(w, v);
}

/* kv_bool writes "key":true or false. */
static void
kv_bool(struct zp_jw *w, const char *key, int v)
{
	zp_jw_key(w, key);
	zp_jw_bool(w, v);
}

/* kv_time writes "key":"YYYY-MM-DDTHH:MM:SSZ". */
static void
kv_time(struct zp_jw *w, const char *key, time_t t)
{
	char s[21];

	sim_time_format(t, s);
	kv_str(w, key, s);
}

/* kv_fmt writes "key":"formatted text" (at most 255 bytes). */
static void kv_fmt(struct zp_jw *w, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
kv_fmt(struct zp_jw *w, const char *key, const char *fmt, ...)
{
	char s[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	kv_str(w, key, s);
}

/* kv_empty_array writes "key":[]. */
static void
kv_empty_array(struct zp_jw *w, const char *key)
{
	zp_jw_key(w, key);
	zp_jw_array(w);
	zp_jw_end(w);
}

/* minutes_up is a span of seconds in whole minutes, rounded up as Zoom
 * rounds meeting durations. */
static long long
minutes_up(time_t seconds)
{
	return seconds <= 0 ? 0 : ((long long)seconds + 59) / 60;
}

/* sim_fnv1a is FNV-1a of s; here a stable source of the flags the org
 * lacks. */
uint64_t
sim_fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* full_name is "first last" of user u, in a static-size buffer. */
static void
full_name(const struct sim_user *u, char out[72])
{
	if (u->last_name[0] == '\0')
		snprintf(out, 72, "%s", u->first_name);
	else
		snprintf(out, 72, "%s %s", u->first_name, u->last_name);
}

/* --- users --------------------------------------------------------- */

/* user_core writes the fields the list item and the full body share. */
static void
user_core(struct zp_jw *w, const struct sim_render_ctx *x, size_t i)
{
	const struct sim_user *u = &x->org->users[i];
	char name[72];

	full_name(u, name);
	kv_str(w, "id", u->id);
	kv_str(w, "first_name", u->first_name);
	kv_str(w, "last_name", u->last_name);
	kv_str(w, "display_name", name);
	kv_str(w, "email", u->email);
	kv_int(w, "type", u->type);
	kv_int(w, "pmi", (long long)u->pmi);
	kv_str(w, "timezone", u->timezone);
	kv_int(w, "verified", strcmp(u->status, "pending") != 0);
	kv_str(w, "dept", u->dept);
	kv_time(w, "created_at", u->created_at);
	kv_time(w, "user_created_at", u->created_at);
	if (strcmp(u->status, "pending") != 0) {
		kv_time(w, "last_login_time", u->last_login_time);
		kv_str(w, "last_client_version", CLIENT_VERSION " (mac)");
	}
	kv_str(w, "language", "en-US");
	kv_str(w, "status", u->status);
	kv_str(w, "role_id", i == 0 ? "0" : "2");
	if (u->employee_unique_id[0] != '\0')
		kv_str(w, "employee_unique_id", u->employee_unique_id);
}

/* user_extra writes the fields only GET /users/{userId} has. */
static void
user_extra(struct zp_jw *w, const struct sim_render_ctx *x, size_t i)
{
	const struct sim_user *u = &x->org->users[i];

	kv_str(w, "role_name", i == 0 ? "Owner" : "Member");
	kv_bool(w, "use_pmi", 0);
	kv_fmt(w, "personal_meeting_url", ZOOM_WEB "/j/%llu",
	    (unsigned long long)u->pmi);
	kv_str(w, "phone_number", "");
	kv_str(w, "account_id", x->org->opts.account_id);
	kv_str(w, "cms_user_id", "");
	kv_fmt(w, "jid", "%s@xmpp.zoom.us", u->id);
	kv_empty_array(w, "group_ids");
	kv_empty_array(w, "im_group_ids");
	zp_jw_key(w, "login_types");
	zp_jw_array(w);
	zp_jw_int(w, 100);
	zp_jw_end(w);
	kv_str(w, "cluster", "us06");
}

/* sim_render_user writes the /users item or the /users/{userId} body. */
void
sim_render_user(
    struct zp_jw *w, const struct sim_render_ctx *x, size_t u, int full)
{
	zp_jw_object(w);
	user_core(w, x, u);
	if (full)
		user_extra(w, x, u);
	zp_jw_end(w);
}

/* --- meetings and webinars ----------------------------------------- */

/* derived_uuid makes a UUID for a meeting that never took place. */
static void
derived_uuid(uint64_t seed, uint64_t id, char out[32])
{
	unsigned char d[ZP_SHA256_LEN];
	struct zp_buf b = ZP_BUF_INIT;
	char msg[64];
	int n;

	n = snprintf(msg, sizeof(msg), "zp-sim meeting %llu %llu",
	    (unsigned long long)seed, (unsigned long long)id);
	if (zp_sha256(msg, (size_t)n, d) != 0 ||
	    zp_base64_encode(&b, d, 16) != 0 || b.len < 22) {
		snprintf(out, 32, "%022llu==", (unsigned long long)id);
	} else {
		memcpy(out, b.data, 22);
		memcpy(out + 22, "==", 3);
	}
	zp_buf_release(&b);
}

/* shown_uuid picks the UUID Zoom shows now among n instances at ins: the
 * current or next one's, else the latest one's, else one derived from the
 * seed and id for a meeting that never took place. */
static void
shown_uuid(const struct sim_render_ctx *x, const struct sim_instance *ins,
    size_t n, uint64_t id, char out[32])
{
	const struct sim_instance *best = NULL, *last = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (ins[i].end > x->now &&
		    (best == NULL || ins[i].start < best->start))
			best = &ins[i];
		if (ins[i].end <= x->now &&
		    (last == NULL || ins[i].start > last->start))
			last = &ins[i];
	}
	if (best == NULL)
		best = last;
	if (best != NULL)
		snprintf(out, 32, "%s", best->uuid);
	else
		derived_uuid(x->org->opts.seed, id, out);
}

/* sim_meeting_uuid tells the UUID Zoom shows now for meeting m. */
void
sim_meeting_uuid(const struct sim_render_ctx *x, size_t m, char out[32])
{
	const struct sim_meeting *mt = &x->org->meetings[m];

	shown_uuid(x, x->org->instances + mt->first_instance, mt->n_instances,
	    mt->id, out);
}

/* meeting_settings writes the settings object of GET /meetings/{id}. */
static void
meeting_settings(struct zp_jw *w, int recorded)
{
	zp_jw_key(w, "settings");
	zp_jw_object(w);
	kv_bool(w, "host_video", 1);
	kv_bool(w, "participant_video", 1);
	kv_bool(w, "join_before_host", 0);
	kv_bool(w, "mute_upon_entry", 0);
	kv_bool(w, "watermark", 0);
	kv_bool(w, "use_pmi", 0);
	kv_int(w, "approval_type", 2);
	kv_str(w, "audio", "both");
	kv_str(w, "auto_recording", recorded ? "cloud" : "none");
	kv_bool(w, "waiting_room", 0);
	kv_bool(w, "meeting_authentication", 0);
	kv_str(w, "encryption_type", "enhanced_encryption");
	zp_jw_end(w);
}

/* any_recording tells whether some instance of meeting m was recorded. */
static int
any_recording(const struct sim_org *org, const struct sim_meeting *m)
{
	size_t i;

	for (i = 0; i < m->n_instances; i++)
		if (org->instances[m->first_instance + i].has_recording)
			return 1;
	return 0;
}

/* meeting_detail writes the fields only GET /meetings/{id} has. */
static void
meeting_detail(struct zp_jw *w, const struct sim_render_ctx *x,
    const struct sim_meeting *m)
{
	const struct sim_user *host = &x->org->users[m->host];

	kv_str(w, "host_email", host->email);
	kv_str(w, "status", "waiting");
	kv_str(w, "agenda", "");
	kv_fmt(w, "start_url", ZOOM_WEB "/s/%llu", (unsigned long long)m->id);
	kv_str(w, "password", m->password);
	kv_bool(w, "pre_schedule", 0);
	meeting_settings(w, any_recording(x->org, m));
}

/* sim_render_meeting writes a scheduled meeting, listed or in full. */
void
sim_render_meeting(struct zp_jw *w, const struct sim_render_ctx *x, size_t i,
    const char *uuid, int full)
{
	const struct sim_meeting *m = &x->org->meetings[i];

	zp_jw_object(w);
	kv_str(w, "uuid", uuid);
	kv_int(w, "id", (long long)m->id);
	kv_str(w, "host_id", x->org->users[m->host].id);
	kv_str(w, "topic", m->topic);
	kv_int(w, "type", m->type);
	if (m->type != SIM_MEETING_RECURRING_NOFIXED)
		kv_time(w, "start_time", m->start_time);
	kv_int(w, "duration", m->duration);
	kv_str(w, "timezone", m->timezone);
	kv_time(w, "created_at", m->created_at);
	kv_fmt(w, "join_url", ZOOM_WEB "/j/%llu?pwd=%s",
	    (unsigned long long)m->id, m->password);
	if (full)
		meeting_detail(w, x, m);
	zp_jw_end(w);
}

/* sim_render_webinar writes a /users/{userId}/webinars item. */
void
sim_render_webinar(struct zp_jw *w, const struct sim_render_ctx *x, size_t i)
{
	const struct sim_webinar *wb = &x->org->webinars[i];
	char uuid[32];

	shown_uuid(x, x->org->winstances + wb->first_instance, wb->n_instances,
	    wb->id, uuid);
	zp_jw_object(w);
	kv_str(w, "uuid", uuid);
	kv_int(w, "id", (long long)wb->id);
	kv_str(w, "host_id", x->org->users[wb->host].id);
	kv_str(w, "topic", wb->topic);
	kv_int(w, "type", 5);
	kv_time(w, "start_time", wb->start_time);
	kv_int(w, "duration", wb->duration);
	kv_str(w, "timezone", wb->timezone);
	kv_time(w, "created_at", wb->created_at);
	kv_fmt(w, "join_url", ZOOM_WEB "/j/%llu", (unsigned long long)wb->id);
	kv_bool(w, "is_simulive", 0);
	zp_jw_end(w);
}

/* --- past instances ------------------------------------------------ */

/* Facts about one instance computed from its participation segments. */
struct inst_facts {
	long long total_seconds; /* all segments together */
	int members; /* segments of account members */
	int pstn; /* some segment dialled in */
	int voip; /* some segment joined by a client */
};

/* inst_facts sums up the segments of meeting instance in. */
static void
inst_facts(const struct sim_org *org, const struct sim_instance *in,
    struct inst_facts *f)
{
	const struct sim_part *p;
	size_t k;

	memset(f, 0, sizeof(*f));
	for (k = 0; k < in->n_part; k++) {
		p = &org->parts[in->first_part + k];
		if (p->leave > p->join)
			f->total_seconds += (long long)(p->leave - p->join);
		if (p->user >= 0)
			f->members++;
		if (p->kind == SIM_P_DIALIN)
			f->pstn = 1;
		else
			f->voip = 1;
	}
}

/* instance_head opens the object of instance in, writes the fields the
 * past and report shapes share, and leaves the instance's facts in f. */
static void
instance_head(struct zp_jw *w, const struct sim_render_ctx *x,
    const struct sim_instance *in, struct inst_facts *f)
{
	const struct sim_meeting *m = &x->org->meetings[in->owner];
	const struct sim_user *host = &x->org->users[m->host];
	char name[72];

	inst_facts(x->org, in, f);
	full_name(host, name);
	zp_jw_object(w);
	kv_str(w, "uuid", in->uuid);
	kv_int(w, "id", (long long)m->id);
	kv_str(w, "host_id", host->id);
	kv_int(w, "type", m->type);
	kv_str(w, "topic", m->topic);
	kv_str(w, "user_name", name);
	kv_str(w, "user_email", host->email);
	kv_time(w, "start_time", in->start);
	kv_time(w, "end_time", in->end);
	kv_int(w, "duration", minutes_up(in->end - in->start));
	kv_int(w, "total_minutes", minutes_up((time_t)f->total_seconds));
	kv_int(w, "participants_count", (long long)in->n_part);
	kv_str(w, "dept", host->dept);
	kv_str(w, "source", "Zoom");
}

/* sim_render_past_meeting writes the /past_meetings/{meetingId} body. */
void
sim_render_past_meeting(
    struct zp_jw *w, const struct sim_render_ctx *x, size_t i)
{
	const struct sim_instance *in = &x->org->instances[i];
	struct inst_facts f;

	instance_head(w, x, in, &f);
	zp_jw_end(w);
}

/* sim_render_report_meeting writes the report shape of instance i. */
void
sim_render_report_meeting(
    struct zp_jw *w, const struct sim_render_ctx *x, size_t i)
{
	const struct sim_instance *in = &x->org->instances[i];
	struct inst_facts f;

	instance_head(w, x, in, &f);
	kv_bool(w, "has_screen_share", (sim_fnv1a(in->uuid) & 3) != 0);
	kv_bool(w, "has_recording", in->has_recording);
	kv_bool(w, "has_chat", (sim_fnv1a(in->uuid) & 4) != 0);
	kv_int(w, "meeting_encryption_status", 1);
	kv_int(w, "participants_count_my_account", f.members);
	zp_jw_end(w);
}

/* sim_render_instance_ref writes {"uuid","start_time"}. */
void
sim_render_instance_ref(struct zp_jw *w, const struct sim_instance *in)
{
	zp_jw_object(w);
	kv_str(w, "uuid", in->uuid);
	kv_time(w, "start_time", in->start);
	zp_jw_end(w);
}

/* --- participants -------------------------------------------------- */

/* part_past writes the /past_meetings participant shape. */
static void
part_past(struct zp_jw *w, const struct sim_part *p)
{
	kv_str(w, "id", p->id);
	kv_str(w, "name", p->name);
	kv_str(w, "user_id", p->user_id);
	kv_str(w, "registrant_id", p->registrant_id);
	kv_str(w, "user_email", p->email);
	kv_time(w, "join_time", p->join);
	kv_time(w, "leave_time", p->leave);
	kv_int(w, "duration", (long long)(p->leave - p->join));
	kv_bool(w, "failover", 0);
	kv_str(w, "status", "in_meeting");
	kv_bool(w, "internal_user", p->user >= 0);
}

/* part_report writes the /report participant shape. */
static void
part_report(
    struct zp_jw *w, const struct sim_render_ctx *x, const struct sim_part *p)
{
	kv_str(w, "id", p->id);
	kv_str(w, "user_id", p->user_id);
	kv_str(w, "name", p->name);
	kv_str(w, "user_email", p->email);
	kv_time(w, "join_time", p->join);
	kv_time(w, "leave_time", p->leave);
	kv_int(w, "duration", (long long)(p->leave - p->join));
	kv_str(w, "attentiveness_score", "");
	kv_bool(w, "failover", 0);
	kv_str(w, "status", "in_meeting");
	kv_str(w, "customer_key", "");
	kv_str(w, "participant_user_id", p->id);
	if (x->registrant_id)
		kv_str(w, "registrant_id", p->registrant_id);
}

/* part_metrics writes the dashboard participant shape. */
static void
part_metrics(
    struct zp_jw *w, const struct sim_render_ctx *x, const struct sim_part *p)
{
	int phone = p->kind == SIM_P_DIALIN;

	kv_str(w, "id", p->id);
	kv_str(w, "user_id", p->user_id);
	kv_str(w, "user_name", p->name);
	kv_str(w, "email", p->email);
	kv_str(w, "participant_user_id", p->id);
	kv_str(w, "role", p->kind == SIM_P_HOST ? "host" : "attendee");
	kv_str(w, "device", p->device);
	kv_str(w, "ip_address", p->ip_address);
	kv_str(w, "location", p->location);
	kv_str(w, "network_type", p->network_type);
	kv_str(w, "data_center", "US");
	kv_str(w, "connection_type", phone ? "PSTN" : "UDP");
	kv_time(w, "join_time", p->join);
	kv_time(w, "leave_time", p->leave);
	kv_str(w, "leave_reason", "left the meeting");
	kv_str(w, "version", phone ? "" : CLIENT_VERSION);
	kv_str(w, "audio_quality", "good");
	kv_str(w, "video_quality", phone ? "" : "good");
	kv_bool(w, "share_application", 0);
	kv_bool(w, "share_desktop", 0);
	kv_bool(w, "share_whiteboard", 0);
	kv_bool(w, "recording", 0);
	kv_str(w, "status", "in_meeting");
	kv_str(w, "customer_key", "");
	if (x->registrant_id)
		kv_str(w, "registrant_id", p->registrant_id);
}

/* sim_render_participant writes one participation segment. */
void
sim_render_participant(struct zp_jw *w, const struct sim_render_ctx *x,
    const struct sim_part *p, enum sim_part_style s)
{
	zp_jw_object(w);
	switch (s) {
	case SIM_PART_PAST: part_past(w, p); break;
	case SIM_PART_REPORT: part_report(w, x, p); break;
	case SIM_PART_METRICS: part_metrics(w, x, p); break;
	}
	zp_jw_end(w);
}

/* --- dashboard ----------------------------------------------------- */

/* clock_span writes a duration as Zoom's dashboard does: "MM:SS", or
 * "HH:MM:SS" from one hour on. */
static void
clock_span(time_t seconds, char out[24])
{
	long long s = seconds < 0 ? 0 : (long long)seconds;

	if (s >= 3600)
		snprintf(out, 24, "%02lld:%02lld:%02lld", s / 3600,
		    s / 60 % 60, s % 60);
	else
		snprintf(out, 24, "%02lld:%02lld", s / 60, s % 60);
}

/* sim_render_metrics_meeting writes a /metrics/meetings item. */
void
sim_render_metrics_meeting(
    struct zp_jw *w, const struct sim_render_ctx *x, size_t i)
{
	const struct sim_instance *in = &x->org->instances[i];
	const struct sim_meeting *m = &x->org->meetings[in->owner];
	const struct sim_user *host = &x->org->users[m->host];
	int share = (sim_fnv1a(in->uuid) & 3) != 0;
	struct inst_facts f;
	char name[72], span[24];

	inst_facts(x->org, in, &f);
	full_name(host, name);
	clock_span(in->end - in->start, span);
	zp_jw_object(w);
	kv_str(w, "uuid", in->uuid);
	kv_int(w, "id", (long long)m->id);
	kv_str(w, "topic", m->topic);
	kv_str(w, "host", name);
	kv_str(w, "email", host->email);
	kv_str(w, "user_type", host->type == 2 ? "Licensed" : "Basic");
	kv_time(w, "start_time", in->start);
	kv_time(w, "end_time", in->end);
	kv_str(w, "duration", span);
	kv_int(w, "participants", (long long)in->n_part);
	kv_bool(w, "has_pstn", f.pstn);
	kv_bool(w, "has_voip", f.voip);
	kv_bool(w, "has_3rd_party_audio", 0);
	kv_bool(w, "has_video", f.voip);
	kv_bool(w, "has_screen_share", share);
	kv_bool(w, "has_recording", in->has_recording);
	kv_bool(w, "has_sip", 0);
	kv_bool(w, "has_archiving", 0);
	kv_int(w, "in_room_participants", 0);
	kv_str(w, "dept", host->dept);
	kv_str(w, "audio_quality", "good");
	kv_str(w, "video_quality", f.voip ? "good" : "");
	kv_str(w, "screen_share_quality", share ? "good" : "");
	zp_jw_end(w);
}

/* --- recordings ---------------------------------------------------- */

/* One kind of recording file, in the order an instance's files take. */
struct file_kind {
	const char *file_type;
	const char *extension;
	const char *recording_type;
	unsigned weight; /* its share of the recording's total size */
	int playable;
};

static const struct file_kind file_kinds[] = {
    {"MP4", "MP4", "shared_screen_with_speaker_view", 1000, 1},
    {"M4A", "M4A", "audio_only", 120, 1},
    {"TRANSCRIPT", "VTT", "audio_transcript", 2, 0},
    {"CHAT", "TXT", "chat_file", 1, 0},
    {"TIMELINE", "JSON", "timeline", 1, 0},
    {"MP4", "MP4", "active_speaker", 900, 1},
};

#define N_FILE_KINDS (sizeof(file_kinds) / sizeof(file_kinds[0]))

/* file_kind_of is the kind of file k of a recording. */
static const struct file_kind *
file_kind_of(int k)
{
	return &file_kinds[(size_t)k < N_FILE_KINDS ? (size_t)k
						    : N_FILE_KINDS - 1];
}

/* file_id is the id of file k of recording r: the recording's own id for
 * the first, a UUID-shaped digest of it for the others. */
static void
file_id(const struct sim_recording *r, int k, char out[40])
{
	unsigned char d[ZP_SHA256_LEN];
	char msg[64];
	int n;

	if (k == 0) {
		snprintf(out, 40, "%s", r->id);
		return;
	}
	n = snprintf(msg, sizeof(msg), "%s/%d", r->id, k);
	memset(d, 0, sizeof(d));
	zp_sha256(msg, (size_t)n, d);
	snprintf(out, 40,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x",
	    d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10],
	    d[11], d[12], d[13], d[14], d[15]);
}

/* file_size is the share of file k in the total size of recording r:
 * cut at the cumulated weights, so the shares add up to the total. */
static unsigned long long
file_size(const struct sim_recording *r, int k)
{
	unsigned long long sum = 0, upto = 0, total = r->total_size;
	int j;

	for (j = 0; j < r->n_files; j++) {
		sum += file_kind_of(j)->weight;
		if (j < k)
			upto += file_kind_of(j)->weight;
	}
	if (sum == 0)
		return 0;
	return total * (upto + file_kind_of(k)->weight) / sum -
	    total * upto / sum;
}

/* recording_file writes file k of recording r. */
static void
recording_file(struct zp_jw *w, const struct sim_render_ctx *x,
    const struct sim_recording *r, int k)
{
	const struct sim_instance *in = &x->org->instances[r->instance];
	const struct file_kind *fk = file_kind_of(k);
	char id[40];

	file_id(r, k, id);
	zp_jw_object(w);
	kv_str(w, "id", id);
	kv_str(w, "meeting_id", in->uuid);
	kv_time(w, "recording_start", r->recording_start);
	kv_time(w, "recording_end", r->recording_end);
	kv_str(w, "file_type", fk->file_type);
	kv_str(w, "file_extension", fk->extension);
	kv_int(w, "file_size", (long long)file_size(r, k));
	if (fk->playable)
		kv_fmt(w, "play_url", ZOOM_WEB "/rec/play/%s", id);
	kv_fmt(w, "download_url", ZOOM_WEB "/rec/download/%s", id);
	kv_str(w, "status", "completed");
	kv_str(w, "recording_type", fk->recording_type);
	zp_jw_end(w);
}

/* sim_render_recording writes one meeting of /users/{userId}/recordings. */
void
sim_render_recording(struct zp_jw *w, const struct sim_render_ctx *x, size_t i)
{
	const struct sim_recording *r = &x->org->recordings[i];
	const struct sim_instance *in = &x->org->instances[r->instance];
	const struct sim_meeting *m = &x->org->meetings[in->owner];
	int k;

	zp_jw_object(w);
	kv_str(w, "uuid", in->uuid);
	kv_int(w, "id", (long long)m->id);
	kv_str(w, "account_id", x->org->opts.account_id);
	kv_str(w, "host_id", x->org->users[m->host].id);
	kv_str(w, "topic", m->topic);
	kv_fmt(w, "type", "%d", m->type);
	kv_time(w, "start_time", in->start);
	kv_int(w, "duration", minutes_up(in->end - in->start));
	kv_int(w, "total_size", (long long)r->total_size);
	kv_int(w, "recording_count", r->n_files);
	kv_fmt(w, "share_url", ZOOM_WEB "/rec/share/%s", r->id);
	zp_jw_key(w, "recording_files");
	zp_jw_array(w);
	for (k = 0; k < r->n_files; k++)
		recording_file(w, x, r, k);
	zp_jw_end(w);
	zp_jw_end(w);
}

/* --- phone --------------------------------------------------------- */

/* kv_side writes "side_name":value, side being "caller" or "callee". */
static void
kv_side(struct zp_jw *w, const char *side, const char *name, const char *value)
{
	char key[48];

	snprintf(key, sizeof(key), "%s_%s", side, name);
	kv_str(w, key, value);
}

/* call_member_side writes the caller_ or callee_ fields of our member. */
static void
call_member_side(struct zp_jw *w, const struct sim_render_ctx *x,
    const char *side, const struct sim_call *c, const char *name,
    const char *number)
{
	const struct sim_user *u = &x->org->users[c->user];
	char ext[16];

	snprintf(ext, sizeof(ext), "%d", 1000 + c->user);
	kv_side(w, side, "ext_id", u->id);
	kv_side(w, side, "did_number", number);
	kv_side(w, side, "ext_number", ext);
	kv_side(w, side, "name", name);
	kv_side(w, side, "email", u->email);
	kv_side(w, side, "ext_type", "user");
	kv_side(w, side, "number_type", "zoom_pstn");
	kv_side(w, side, "device_type", "MAC_Client(" CLIENT_VERSION ")");
	kv_side(w, side, "country_iso_code", "US");
	kv_side(w, side, "country_code", "1");
}

/* call_other_side writes the caller_ or callee_ fields of the outsider. */
static void
call_other_side(
    struct zp_jw *w, const char *side, const char *name, const char *number)
{
	kv_side(w, side, "did_number", number);
	kv_side(w, side, "name", name);
	kv_side(w, side, "number_type", "external_pstn");
	kv_side(w, side, "country_iso_code", "US");
	kv_side(w, side, "country_code", "1");
}

/* sim_render_call writes a /phone/call_history call_logs item. */
void
sim_render_call(struct zp_jw *w, const struct sim_render_ctx *x, size_t i)
{
	const struct sim_call *c = &x->org->calls[i];
	int in = strcmp(c->direction, "inbound") == 0;

	zp_jw_object(w);
	kv_str(w, "id", c->id);
	kv_str(w, "call_id", c->call_id);
	kv_str(w, "direction", c->direction);
	kv_bool(w, "international", 0);
	kv_time(w, "start_time", c->start_time);
	if (c->answer_time != 0)
		kv_time(w, "answer_time", c->answer_time);
	kv_time(w, "end_time", c->end_time);
	kv_int(w, "duration", c->duration);
	kv_str(w, "connect_type", "external");
	kv_str(w, "call_type", "general");
	kv_str(w, "call_result", c->call_result);
	if (in) {
		call_other_side(w, "caller", c->caller_name, c->caller_number);
		call_member_side(
		    w, x, "callee", c, c->callee_name, c->callee_number);
	} else {
		call_member_side(
		    w, x, "caller", c, c->caller_name, c->caller_number);
		call_other_side(w, "callee", c->callee_name, c->callee_number);
	}
	kv_str(w, "department", x->org->users[c->user].dept);
	kv_str(w, "recording_status", "non_recorded");
	zp_jw_end(w);
}
