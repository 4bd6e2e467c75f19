/*
 * fields.c - the record types of zp-emit and their fields, in output
 * order (emit.h).  Builders fill them, the JSON writer orders them, CSV
 * takes its columns and Singer its schemas from here, and the README's
 * record tables say the same.
 */
#include "emit.h"

#include <string.h>

#define S EMIT_F_STRING
#define I EMIT_F_INTEGER
#define N EMIT_F_NUMBER
#define B EMIT_F_BOOLEAN
#define A EMIT_F_ARRAY
#define O EMIT_F_OBJECTS

/* The fields every record begins with, and the one it ends with. */
#define HEAD(what)                                                            \
	{"type", S, 1, 0, "the record type: " what},                          \
	    {"key", S, 1, 0, "the natural key, unique and stable"},           \
	    {"account", S, 1, 0, "the Zoom account (zp-fetch's name)"},       \
	{                                                                     \
		"day", S, 1, 0,                                               \
		    "the partition: a UTC day YYYY-MM-DD, undated, or all "   \
		    "(users)"                                                 \
	}
#define TAIL                                                                  \
	{                                                                     \
		"sources", A, 1, 0, "the ids of the envelopes it came from"   \
	}

static const struct emit_field user_fields[] = {HEAD("user"),
    {"id", S, 0, 0, "the Zoom user id (a p~ token as its t~ form)"},
    {"person", S, 0, 0, "the matched person, or null"},
    {"email", S, 0, 0, "the e-mail (or its token)"},
    {"status", S, 0, 0, "active, inactive or pending"},
    {"user_type", I, 0, 0, "Zoom's type: 1 basic, 2 licensed, ..."},
    {"pmi", S, 0, 0, "the personal meeting id (or its token)"},
    {"timezone", S, 0, 0, "the user's time zone"},
    {"dept", S, 0, 0, "the department, when the rules kept it"},
    {"created_at", S, 0, 1, "when the user was created"},
    {"last_login_time", S, 0, 1, "the last sign-in"}, TAIL};

static const struct emit_field meeting_fields[] = {HEAD("meeting"),
    {"uuid", S, 0, 0, "the instance's UUID"},
    {"meeting_id", I, 0, 0, "the meeting (or webinar) number"},
    {"kind", S, 0, 0, "scheduled, recurring, instant or webinar"},
    {"zoom_type", I, 0, 0, "Zoom's meeting type number"},
    {"host", S, 0, 0, "the host's person, else the host id"},
    {"host_id", S, 0, 0, "the host's Zoom user id (or its token)"},
    {"start_time", S, 0, 1, "when the instance started"},
    {"end_time", S, 0, 1, "when it ended"},
    {"duration", I, 0, 0, "minutes, as Zoom reports it"},
    {"participants_count", I, 0, 0,
	"participant sessions, as Zoom reports it"},
    TAIL};

static const struct emit_field participation_fields[] = {HEAD("participation"),
    {"meeting_uuid", S, 0, 0, "the meeting instance's UUID"},
    {"meeting_id", I, 0, 0, "the meeting (or webinar) number"},
    {"meeting_kind", S, 0, 0, "scheduled, recurring, instant or webinar"},
    {"person", S, 0, 0,
	"the matched person, else the participant's pseudonymous id"},
    {"matched", B, 0, 0, "whether person is a roster person"},
    {"participant", S, 0, 0,
	"the pseudonymous id: user id, else e-mail, else session id"},
    {"internal", B, 0, 0, "a member of the account (or an internal domain)"},
    {"role", S, 0, 0, "host or attendee (null: meeting not seen yet)"},
    {"first_join", S, 0, 1, "the first join"},
    {"last_leave", S, 0, 1, "the last leave"},
    {"seconds", I, 0, 0, "seconds present, overlaps counted once"},
    {"minutes", N, 0, 0, "seconds / 60, two decimals"},
    {"session_count", I, 0, 0, "join-leave sessions merged"},
    {"sessions", A, 0, 0, "the sessions as [join, leave] pairs"},
    {"ids", A, 0, 0, "every identity the sessions carried"},
    {"device", S, 0, 0, "the device, when the rules kept it"},
    {"ip_address", S, 0, 0, "the IP address, when the rules kept it"},
    {"location", S, 0, 0, "the location, when the rules kept it"},
    {"network_type", S, 0, 0, "the network type, when kept"},
    {"data_center", S, 0, 0, "the data center, when kept"},
    {"connection_type", S, 0, 0, "the connection type, when kept"}, TAIL};

static const struct emit_field webinar_fields[] = {HEAD("webinar"),
    {"webinar_id", I, 0, 0, "the webinar number"},
    {"uuid", S, 0, 0, "the webinar's UUID"},
    {"host", S, 0, 0, "the host's person, else the host id"},
    {"host_id", S, 0, 0, "the host's Zoom user id (or its token)"},
    {"zoom_type", I, 0, 0, "Zoom's webinar type: 5, 6 or 9"},
    {"start_time", S, 0, 1, "the scheduled start"},
    {"duration", I, 0, 0, "scheduled minutes"},
    {"timezone", S, 0, 0, "the webinar's time zone"},
    {"created_at", S, 0, 1, "when it was created"}, TAIL};

static const struct emit_field recording_fields[] = {HEAD("recording"),
    {"meeting_uuid", S, 0, 0, "the recorded instance's UUID"},
    {"meeting_id", I, 0, 0, "the meeting number"},
    {"host", S, 0, 0, "the host's person, else the host id"},
    {"host_id", S, 0, 0, "the host's Zoom user id (or its token)"},
    {"start_time", S, 0, 1, "when the meeting started"},
    {"duration", I, 0, 0, "minutes"},
    {"total_size", I, 0, 0, "bytes over all files"},
    {"recording_count", I, 0, 0, "the number of files"},
    {"files", O, 0, 0,
	"the files: id, file_type, recording_type, start, end, size, status"},
    TAIL};

static const struct emit_field call_fields[] = {HEAD("call"),
    {"id", S, 0, 0, "the call log id"}, {"call_id", S, 0, 0, "the call id"},
    {"direction", S, 0, 0, "inbound or outbound"},
    {"call_type", S, 0, 0, "Zoom's call type"},
    {"connect_type", S, 0, 0, "internal or external"},
    {"call_result", S, 0, 0, "answered, missed, ..."},
    {"caller", S, 0, 0, "the caller's person, else pseudonymous id"},
    {"caller_matched", B, 0, 0, "whether caller is a roster person"},
    {"callee", S, 0, 0, "the callee's person, else pseudonymous id"},
    {"callee_matched", B, 0, 0, "whether callee is a roster person"},
    {"international", B, 0, 0, "an international call"},
    {"start_time", S, 0, 1, "when the call started"},
    {"answer_time", S, 0, 1, "when it was answered"},
    {"end_time", S, 0, 1, "when it ended"}, {"duration", I, 0, 0, "seconds"},
    TAIL};

/* The types, in enum emit_type order. */
static const struct {
	const char *name, *stream;
	const struct emit_field *fields;
	size_t n;
} types[EMIT_NTYPES] = {
#define T(n, s, f)                                                            \
	{                                                                     \
		n, s, f, sizeof(f) / sizeof(f[0])                             \
	}
    T("user", "users", user_fields),
    T("meeting", "meetings", meeting_fields),
    T("participation", "participations", participation_fields),
    T("webinar", "webinars", webinar_fields),
    T("recording", "recordings", recording_fields),
    T("call", "calls", call_fields),
#undef T
};

const char *
emit_type_name(enum emit_type t)
{
	return t < EMIT_NTYPES ? types[t].name : "";
}

const char *
emit_stream_name(enum emit_type t)
{
	return t < EMIT_NTYPES ? types[t].stream : "";
}

int
emit_type_of(const char *s)
{
	int t;

	for (t = 0; t < EMIT_NTYPES; t++)
		if (strcmp(s, types[t].name) == 0 ||
		    strcmp(s, types[t].stream) == 0)
			return t;
	return -1;
}

const struct emit_field *
emit_fields(enum emit_type t, size_t *n)
{
	if (t >= EMIT_NTYPES) {
		*n = 0;
		return NULL;
	}
	*n = types[t].n;
	return types[t].fields;
}

int
emit_field_index(enum emit_type t, const char *name)
{
	size_t i, n;
	const struct emit_field *f = emit_fields(t, &n);

	for (i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return (int)i;
	return -1;
}
