/*
 * fetch.h - the parts of zp-fetch and how they meet.
 *
 *   main.c     options (options.c), accounts, run, summary, exit code
 *   auth.c     accounts and OAuth tokens (auth.h)
 *   plan.c     what each stream fetches: the listings, their paths,
 *              categories and the listings their items lead to
 *   crawl.c    the engine: queues, concurrent requests (libcurl multi),
 *              paging, retries, error handling, envelopes out
 *   limiter.c  a client-side rate limiter per Zoom category
 *   state.c    the state file (watermarks) and the journal that lets a
 *              killed crawl resume
 *   save.c     --save DIR and --replay FILE|DIR
 *
 * A crawl is a set of tasks.  A task is one listing (a path whose pages
 * are followed with next_page_token) or one single GET.  The items of a
 * task's pages create new tasks (a user's report meetings, then each
 * instance's details and participants).  Every task has a key (account and
 * path) so that it is fetched once per run, and the journal records each
 * task when it is created and when all its pages have been written, so a
 * re-run resumes with exactly the tasks still open.
 */
#ifndef ZP_FETCH_H
#define ZP_FETCH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "auth.h"
#include "buf.h"
#include "json.h"

/* What a user asks for with --streams. */
enum fetch_stream {
	FETCH_USERS,
	FETCH_MEETINGS, /* scheduled meetings per user */
	FETCH_PAST_MEETINGS, /* report meetings, instance details,
				participants */
	FETCH_WEBINARS,
	FETCH_RECORDINGS,
	FETCH_PHONE,
	FETCH_METRICS,
	FETCH_NSTREAMS
};

/* Zoom's rate-limit categories. */
enum fetch_category {
	FETCH_LIGHT,
	FETCH_MEDIUM,
	FETCH_HEAVY,
	FETCH_RESOURCE,
	FETCH_NCAT
};

/* The kinds of task: one per Zoom endpoint the crawl calls. */
enum fetch_kind {
	FK_USERS,
	FK_USER_MEETINGS,
	FK_REPORT_MEETINGS,
	FK_PAST_MEETING,
	FK_PAST_PARTICIPANTS,
	FK_REPORT_PARTICIPANTS,
	FK_USER_WEBINARS,
	FK_WEBINAR_INSTANCES,
	FK_WEBINAR_PARTICIPANTS,
	FK_RECORDINGS,
	FK_CALLS,
	FK_METRICS,
	FK_METRICS_PARTICIPANTS,
	FK_NKINDS
};

/* What a kind of task is. */
struct fetch_kind_info {
	const char *name; /* for the journal and logs */
	enum fetch_stream stream;
	enum fetch_category category;
	const char *endpoint; /* the path template below the API base */
	const char *array; /* the key of the items' array, or NULL */
	int paged; /* follows next_page_token */
};

/* fetch_kind_info returns the table row of k. */
const struct fetch_kind_info *fetch_kind_info(enum fetch_kind k);

/* fetch_stream_name is the --streams name of s. */
const char *fetch_stream_name(enum fetch_stream s);

/* fetch_stream_parse reads a comma-separated --streams list into a bit
 * set (1 << stream); 0, or ZP_EINVAL naming the bad word in why. */
int fetch_stream_parse(const char *list, unsigned *set, struct zp_buf *why);

/* fetch_category_name is Zoom's label of c ("Resource-intensive"). */
const char *fetch_category_name(enum fetch_category c);

/* --- days ------------------------------------------------------------- */

/* Dates are whole UTC days counted from 1970-01-01. */
long fetch_day_of(time_t t);

/* fetch_day_parse reads "YYYY-MM-DD" (or an RFC 3339 time, whose date it
 * takes) into *day; 0 or ZP_EINVAL. */
int fetch_day_parse(const char *s, long *day);

/* fetch_day_format writes day as "YYYY-MM-DD" into out[11]. */
void fetch_day_format(long day, char out[11]);

/* fetch_six_months_back is the first day six calendar months before
 * today, the oldest date Zoom's reports reach. */
long fetch_six_months_back(long today);

/* --- the plan: what a run fetches ------------------------------------- */

/* Everything a run was told, from flags and the environment. */
struct fetch_config {
	unsigned streams; /* bit set of enum fetch_stream */
	const char *since; /* --since DATE, or NULL */
	const char *until; /* --until DATE, or NULL */
	long lookback_days; /* incremental runs start this much earlier */
	long default_days; /* first incremental run without --since */
	const char *state_path; /* --state FILE, or NULL */
	const char *save_dir; /* --save DIR, or NULL */
	int report_participants; /* participants from /report (Heavy)
				    instead of /past_meetings (Medium) */
	int plan; /* 0 free, 1 pro, 2 business, 3 unlimited */
	double rate_share; /* the share of each limit to aim at */
	long concurrency; /* requests in flight at most */
	long page_size; /* page_size of every listing (Zoom: 300 at most) */
	long max_attempts; /* tries of one request before it is an error */
	double backoff_base; /* seconds; doubled per attempt, jittered */
	double backoff_max;
	long timeout_ms; /* one request */
	time_t now; /* the present (--now, for tests) */
	int progress; /* a status line on stderr */
};

/* --- the rate limiter (limiter.c) -------------------------------------- */

struct fetch_limiter;

/* fetch_limiter_new makes a limiter for plan aiming at share of each
 * limit; 0 or ZP_ENOMEM. */
int fetch_limiter_new(struct fetch_limiter **l, int plan, double share);
void fetch_limiter_free(struct fetch_limiter **l);

/* fetch_limiter_wait is how many seconds category c must wait at now
 * before its next request may go (0: it may go now); a stopped category
 * waits forever (a negative answer). */
double fetch_limiter_wait(
    struct fetch_limiter *l, enum fetch_category c, double now);

/* fetch_limiter_take counts one request of c sent at now. */
void fetch_limiter_take(
    struct fetch_limiter *l, enum fetch_category c, double now);

/* fetch_limiter_pause holds c back until now + seconds (a QPS 429). */
void fetch_limiter_pause(struct fetch_limiter *l, enum fetch_category c,
    double now, double seconds);

/* fetch_limiter_learn applies a response's X-RateLimit-Type, -Limit and
 * -Remaining to c, with in_flight other requests of c still unanswered;
 * returns 1 when the daily budget is spent. */
int fetch_limiter_learn(struct fetch_limiter *l, enum fetch_category c,
    const char *type, const char *limit, const char *remaining,
    long in_flight);

/* fetch_limiter_rate is the requests per second c aims at. */
double fetch_limiter_rate(
    const struct fetch_limiter *l, enum fetch_category c);

/* fetch_limiter_spent tells whether c has used up what the Daily-limit
 * headers said was left today (fetch_limiter_wait is then negative). */
int fetch_limiter_spent(const struct fetch_limiter *l, enum fetch_category c);

/* fetch_limiter_stop stops c for the rest of the run (a daily limit). */
void fetch_limiter_stop(struct fetch_limiter *l, enum fetch_category c);

/* fetch_limiter_stopped tells whether c was stopped. */
int fetch_limiter_stopped(
    const struct fetch_limiter *l, enum fetch_category c);

/* --- the state file and the journal (state.c) ------------------------- */

struct fetch_state;

/* One task as the journal and the queues know it. */
struct fetch_task_spec {
	enum fetch_kind kind;
	size_t account; /* index in the accounts */
	const char *path; /* below the API base, with its query, without
			     next_page_token */
};

/*
 * fetch_state_open reads the state file path (missing: empty) and its
 * journal (path + ".journal").  Returns 0, or ZP_ECONFIG with why for a
 * file that cannot be read or parsed.
 */
int fetch_state_open(
    struct fetch_state **s, const char *path, struct zp_buf *why);
void fetch_state_free(struct fetch_state **s);

/* fetch_state_watermark returns the watermark day of account and stream,
 * or -1. */
long fetch_state_watermark(
    const struct fetch_state *s, const char *account, enum fetch_stream st);

/* fetch_state_set_watermark records day for account and stream. */
int fetch_state_set_watermark(struct fetch_state *s, const char *account,
    enum fetch_stream st, long day);

/* fetch_state_set_resume records when a stopped run may resume ("" to
 * clear). */
int fetch_state_set_resume(struct fetch_state *s, const char *when);

/* fetch_state_save writes the state file atomically; 0 or ZP_EIO. */
int fetch_state_save(struct fetch_state *s, struct zp_buf *why);

/*
 * fetch_state_pending tells whether an unfinished run is in the journal;
 * if so it fills *since, *until and *streams with that run's.
 */
int fetch_state_pending(
    const struct fetch_state *s, long *since, long *until, unsigned *streams);

/*
 * fetch_state_replay calls fn for every task of the journal, in the order
 * added, saying whether it was done; the account is by name.
 */
int fetch_state_replay(const struct fetch_state *s,
    int (*fn)(void *arg, const char *account, enum fetch_kind kind,
	const char *path, int done),
    void *arg);

/* fetch_state_begin starts a journal for a new run over [since, until]
 * with streams. */
int fetch_state_begin(
    struct fetch_state *s, long since, long until, unsigned streams);

/* fetch_state_add journals a new task; fetch_state_done journals that one
 * has all its pages written. */
int fetch_state_add(struct fetch_state *s, const char *account,
    enum fetch_kind kind, const char *path);
int fetch_state_done(
    struct fetch_state *s, const char *account, const char *path);

/* fetch_state_sync makes what the journal holds durable (fsync). */
int fetch_state_sync(struct fetch_state *s);

/* fetch_state_finish ends the run: the journal is removed after the state
 * file is saved. */
int fetch_state_finish(struct fetch_state *s, struct zp_buf *why);

/* --- saving and replaying (save.c) ------------------------------------ */

struct fetch_save;

/* fetch_save_open prepares dir (created if missing) for saved responses;
 * 0 or ZP_EIO with why. */
int fetch_save_open(
    struct fetch_save **sv, const char *dir, struct zp_buf *why);

/*
 * fetch_save_put writes one response: its body as bodies/ID.json, then the
 * envelope without its body as one line of index.ndjson.  env is the
 * envelope as sent (with its body), body its raw body.
 */
int fetch_save_put(struct fetch_save *sv, const char *env, size_t env_len);
int fetch_save_close(struct fetch_save **sv);

/*
 * fetch_replay writes to out the envelopes a saved directory (its
 * index.ndjson and bodies) or an envelope file describes, in order, with
 * no network.  Returns 0, 1 when some lines were bad (logged, skipped),
 * or a ZP_E* code.
 */
struct zp_out;

int fetch_replay(const char *path, struct zp_out *out, unsigned long *count,
    struct zp_buf *why);

/* --- the crawl (crawl.c) ----------------------------------------------- */

/* Tallies for the summary and the exit code. */
struct fetch_stats {
	unsigned long requests, pages, items;
	unsigned long retries, throttled, skipped, errors;
	unsigned long token_renewals, listings_restarted;
	unsigned long tasks_total, tasks_done;
	int interrupted; /* SIGINT/SIGTERM */
	int daily_stopped; /* some category hit its daily limit */
	char resume_after[40]; /* Retry-After of the daily limit */
	unsigned failed_streams; /* bit set */
	int auth_failed;
	int unreachable; /* nothing ever answered */
	int output_failed;
	double seconds, cpu_seconds;
};

struct fetch_plan;

/*
 * fetch_crawl runs a whole crawl of accounts under cfg and plan, writing
 * page envelopes to out (and to sv when saving, may be NULL) and
 * journalling to st (may be NULL).  With resume it takes the open tasks of
 * st's journal instead of starting afresh.  When every task finished and
 * st is set, the streams' watermarks move to the plan's last day.
 * Returns 0, or a ZP_E* code for a failure that stopped the whole crawl;
 * the stats tell the rest.
 */
int fetch_crawl(const struct fetch_config *cfg, const struct fetch_plan *plan,
    struct fetch_accounts *accts, struct zp_out *out, struct fetch_state *st,
    int resume, struct fetch_save *sv, struct fetch_stats *stats);

#endif
