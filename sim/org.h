/*
 * org.h - the synthetic Zoom organization that zp-sim serves.
 *
 * sim_org_generate builds every entity from a seed, deterministically: the
 * same options give the same organization, byte for byte, on any machine
 * (a private splitmix64 PRNG, no libc rand, no floating point in what is
 * served).  Times are Unix seconds, UTC; the organization spans the `days`
 * days before `now` and `future_days` after it.  The API serves only
 * instances that have ended by the simulated clock.  All arrays are owned by
 * the org and freed by sim_org_free; entities refer to each other by index.
 */
#ifndef ZP_SIM_ORG_H
#define ZP_SIM_ORG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

enum sim_plan { SIM_PLAN_FREE, SIM_PLAN_PRO, SIM_PLAN_BUSINESS };

/* What to generate. */
struct sim_org_opts {
	uint64_t seed;
	int users; /* members of the account, >= 1 */
	int days; /* history before now, >= 1 */
	int future_days; /* upcoming meetings after now, >= 0: their
			    instances become past as the simulated
			    clock reaches them (webhooks) */
	enum sim_plan plan;
	time_t now; /* the simulated present */
	const char *account_id; /* e.g. "acme" */
	const char *domain; /* e-mail domain, e.g. "acme.example" */
};

/* One member of the account.  Index 0 is the account owner ("me"). */
struct sim_user {
	char id[24]; /* 22 characters, [A-Za-z0-9_-] */
	char email[96]; /* primary, lower case */
	char alt_email[96]; /* a second address (alias), or "" */
	char first_name[32];
	char last_name[32];
	char dept[32];
	char employee_unique_id[16]; /* or "" */
	uint64_t pmi; /* 10 digits */
	int type; /* 1 basic, 2 licensed */
	const char *status; /* "active", "inactive" or "pending" */
	time_t created_at;
	time_t last_login_time;
	const char *timezone; /* e.g. "Europe/Paris" */
};

/* Meeting types, as Zoom numbers them. */
enum sim_mtype {
	SIM_MEETING_INSTANT = 1,
	SIM_MEETING_SCHEDULED = 2,
	SIM_MEETING_RECURRING_NOFIXED = 3,
	SIM_MEETING_RECURRING = 8
};

/* A meeting (one meeting number); its past instances follow. */
struct sim_meeting {
	uint64_t id; /* 10 or 11 digits */
	int type; /* enum sim_mtype */
	int host; /* user index */
	char topic[80];
	time_t created_at;
	time_t start_time; /* first (or only) scheduled start */
	int duration; /* scheduled minutes */
	const char *timezone;
	char password[12]; /* appears in join_url as pwd=... */
	size_t first_instance; /* into sim_org.instances */
	size_t n_instances; /* past instances (0 for future meetings) */
	int listed; /* 1 if /users/{id}/meetings lists it:
		       scheduled and recurring, not instant */
};

/* One past occurrence of a meeting or webinar, named by its UUID. */
struct sim_instance {
	char uuid[32]; /* 24 characters of base64, "==" at the end;
			  some begin with '/' or contain "//" */
	size_t owner; /* meeting or webinar index */
	time_t start;
	time_t end;
	size_t first_part; /* into sim_org.parts (or wparts) */
	size_t n_part; /* join/leave segments */
	int persons; /* distinct participants */
	int has_recording;
};

/* Who a participant is, for the ground truth and for rendering. */
enum sim_pkind {
	SIM_P_HOST, /* the meeting's host */
	SIM_P_INTERNAL, /* another member of the account */
	SIM_P_GUEST, /* external, with a name and an e-mail */
	SIM_P_DIALIN, /* phone caller: number as name, no e-mail */
	SIM_P_ANONYMOUS /* Zoom returns name and e-mail empty */
};

/*
 * One join-to-leave segment of one person in one instance.  A person who
 * rejoins has several segments, each with its own per-meeting user_id.
 */
struct sim_part {
	size_t instance; /* into sim_org.instances (or winstances) */
	int user; /* user index, or -1 for non-members */
	int kind; /* enum sim_pkind */
	int person; /* stable person number within the org:
		       user index, or 100000 + guest number */
	char name[64]; /* as Zoom returns it ("" if empty) */
	char email[96]; /* as Zoom returns it ("" if empty) */
	char id[24]; /* Zoom user id for members, else "" */
	char user_id[16]; /* per-meeting participant id, digits */
	char registrant_id[24]; /* or "" */
	time_t join;
	time_t leave;
	const char *device; /* "Windows", "Mac", "iOS", "Phone", ... */
	char ip_address[16];
	const char *location;
	const char *network_type; /* "Wired", "Wifi", "Cellular", "PSTN" */
};

/* A webinar; its past instances are in sim_org.winstances. */
struct sim_webinar {
	uint64_t id;
	int host;
	char topic[80];
	time_t created_at;
	time_t start_time;
	int duration;
	const char *timezone;
	size_t first_instance;
	size_t n_instances;
};

/* A cloud recording of one meeting instance. */
struct sim_recording {
	size_t instance; /* into sim_org.instances */
	char id[40]; /* recording id of the first file */
	int n_files; /* MP4, M4A, TRANSCRIPT, ... */
	uint64_t total_size;
	time_t recording_start;
	time_t recording_end;
};

/* One Zoom Phone call log entry. */
struct sim_call {
	char id[40];
	char call_id[24];
	int user; /* the member on our side */
	const char *direction; /* "inbound" or "outbound" */
	char caller_name[64];
	char caller_number[20];
	char callee_name[64];
	char callee_number[20];
	const char
	    *call_result; /* "answered", "no_answer", "voicemail", ... */
	time_t start_time;
	time_t answer_time; /* 0 if never answered */
	time_t end_time;
	int duration;
};

struct sim_index;

/* The whole organization. */
struct sim_org {
	struct sim_org_opts opts;
	struct sim_user *users;
	size_t n_users;
	struct sim_meeting *meetings;
	size_t n_meetings;
	struct sim_instance *instances;
	size_t n_instances;
	struct sim_part *parts;
	size_t n_parts;
	struct sim_webinar *webinars;
	size_t n_webinars;
	struct sim_instance *winstances;
	size_t n_winstances;
	struct sim_part *wparts;
	size_t n_wparts;
	struct sim_recording *recordings;
	size_t n_recordings;
	struct sim_call *calls;
	size_t n_calls;
	struct sim_index *index; /* private lookup tables */
};

/*
 * sim_org_generate fills org from o (o->account_id and o->domain are
 * copied).  Returns 0, ZP_EINVAL for impossible options, or ZP_ENOMEM.
 * A meeting's instances are contiguous (first_instance, n_instances) and
 * in start order, and so are a webinar's; parts are sorted by instance,
 * then join time; recordings and calls by start time.
 */
int sim_org_generate(struct sim_org *org, const struct sim_org_opts *o);

/* sim_org_free releases everything the org holds; accepts a zeroed org. */
void sim_org_free(struct sim_org *org);

/* sim_org_user finds a user by id, e-mail (either) or "me"; -1 if none. */
long sim_org_user(const struct sim_org *org, const char *id_or_email);

/* sim_org_meeting finds a meeting by its number; -1 if none. */
long sim_org_meeting(const struct sim_org *org, uint64_t id);

/* sim_org_instance finds a meeting instance by UUID; -1 if none. */
long sim_org_instance(const struct sim_org *org, const char *uuid);

/* sim_org_webinar finds a webinar by its number; -1 if none. */
long sim_org_webinar(const struct sim_org *org, uint64_t id);

/* sim_org_winstance finds a webinar instance by UUID; -1 if none. */
long sim_org_winstance(const struct sim_org *org, const char *uuid);

/*
 * sim_org_dump_truth writes every entity and every participation as NDJSON
 * lines, each with a "type" field (user, meeting, instance, participation,
 * webinar, webinar_instance, webinar_participation, recording, call), in a
 * fixed order.  Returns 0 or ZP_EIO.
 */
int sim_org_dump_truth(const struct sim_org *org, FILE *f);

/* sim_time_format writes t as "YYYY-MM-DDTHH:MM:SSZ" into out[21]. */
void sim_time_format(time_t t, char out[21]);

/* sim_date_parse reads "YYYY-MM-DD" as midnight UTC; 0 or ZP_EINVAL. */
int sim_date_parse(const char *s, time_t *out);

#endif
