/*
 * render.h - the insides of the Zoom endpoints of zp-sim: render.c writes
 * each entity of the organization in Zoom's JSON shapes, pages.c keeps the
 * next_page_token store.  Only routes.c (and the unit tests) use them.
 *
 * Every render function writes one JSON object with the zp_jw_* writer it
 * borrows; errors stay in the writer (zp_jw_finish).  Output depends only
 * on the org, the context and the clock in it, never on the wall clock.
 */
#ifndef ZP_SIM_RENDER_H
#define ZP_SIM_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "json.h"
#include "org.h"
#include "sim.h"

/* What every rendering of one request needs to know besides the entity. */
struct sim_render_ctx {
	const struct sim_org *org;
	time_t now; /* the simulated present */
	int registrant_id; /* include_fields=registrant_id was asked */
};

/* The shapes one participation segment takes, by endpoint family. */
enum sim_part_style {
	SIM_PART_PAST, /* /past_meetings, /past_webinars */
	SIM_PART_REPORT, /* /report/meetings, /report/webinars */
	SIM_PART_METRICS /* /metrics/meetings/{id}/participants */
};

/* --- render.c -------------------------------------------------------- */

/* sim_fnv1a is the 64-bit FNV-1a hash of the string s: the same on every
 * run and machine. */
uint64_t sim_fnv1a(const char *s);

/* sim_render_user writes user u: the /users item, or with full set the
 * /users/{userId} body. */
void sim_render_user(
    struct zp_jw *w, const struct sim_render_ctx *x, size_t u, int full);

/* sim_meeting_uuid writes into out the UUID Zoom shows for meeting m now:
 * the current or next instance's, else the latest one's, else one derived
 * from the seed for a meeting that never took place. */
void sim_meeting_uuid(const struct sim_render_ctx *x, size_t m, char out[32]);

/* sim_render_meeting writes meeting m with the given UUID: the
 * /users/{userId}/meetings item, or with full set the /meetings/{id}
 * body. */
void sim_render_meeting(struct zp_jw *w, const struct sim_render_ctx *x,
    size_t m, const char *uuid, int full);

/* sim_render_webinar writes webinar wb as a /users/{userId}/webinars
 * item. */
void sim_render_webinar(
    struct zp_jw *w, const struct sim_render_ctx *x, size_t wb);

/* sim_render_past_meeting writes meeting instance i as the
 * /past_meetings/{meetingId} body. */
void sim_render_past_meeting(
    struct zp_jw *w, const struct sim_render_ctx *x, size_t i);

/* sim_render_report_meeting writes meeting instance i as Zoom's report
 * shape (/report/meetings/{id} and the /report/users/{id}/meetings
 * items). */
void sim_render_report_meeting(
    struct zp_jw *w, const struct sim_render_ctx *x, size_t i);

/* sim_render_instance_ref writes {"uuid","start_time"} of an instance. */
void sim_render_instance_ref(struct zp_jw *w, const struct sim_instance *in);

/* sim_render_participant writes one join-to-leave segment p in style s. */
void sim_render_participant(struct zp_jw *w, const struct sim_render_ctx *x,
    const struct sim_part *p, enum sim_part_style s);

/* sim_render_metrics_meeting writes meeting instance i as a
 * /metrics/meetings item. */
void sim_render_metrics_meeting(
    struct zp_jw *w, const struct sim_render_ctx *x, size_t i);

/* sim_render_recording writes the cloud recording r as a
 * /users/{userId}/recordings item with its recording_files. */
void sim_render_recording(
    struct zp_jw *w, const struct sim_render_ctx *x, size_t r);

/* sim_render_call writes call c as a /phone/call_history call_logs item. */
void sim_render_call(
    struct zp_jw *w, const struct sim_render_ctx *x, size_t c);

/* --- pages.c --------------------------------------------------------- */

#define SIM_PAGE_TOKEN_LEN 32

/*
 * sim_pages_issue writes into token the next_page_token of listing at
 * offset: base64url of HMAC-SHA256(a key derived from seed,
 * "listing|offset"), cut to 32 characters, so the same seed, listing and
 * offset always give the same token.  It remembers the token with the
 * monotonic time it was last handed out.  Returns 0, ZP_ENOMEM or
 * ZP_ECRYPTO.
 */
int sim_pages_issue(struct sim_pages *p, uint64_t seed, const char *listing,
    size_t offset, char token[SIM_PAGE_TOKEN_LEN + 1]);

/*
 * sim_pages_redeem finds the offset of token for listing.  Returns 0 with
 * *offset set, or ZP_ENOTFOUND when the token is unknown, was issued for
 * another listing, or was last handed out more than ttl seconds ago.
 */
int sim_pages_redeem(struct sim_pages *p, const char *token,
    const char *listing, int ttl, size_t *offset);

#endif
