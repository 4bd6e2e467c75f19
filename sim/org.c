/*
 * org.c - the synthetic organization zp-sim serves: users, meetings and
 * their instances, participants, webinars, cloud recordings and phone
 * calls, all drawn from one seed, and the tables that find them again.
 *
 * Determinism.  Every entity draws from its own splitmix64 stream, derived
 * from the seed, a tag naming the kind of entity and the entity's index,
 * and entities are made in one fixed order.  The hash tables only answer
 * "is this taken?" and "where is it?", which does not depend on their
 * layout, so nothing generated depends on memory addresses.  No floating
 * point and no libc rand anywhere.
 *
 * Order.  A meeting's instances are appended right after the meeting is
 * made, already in time order, so meeting->first_instance ranges hold
 * without a later sort; a webinar's likewise.  An instance's segments are
 * sorted by join time as they are seated.  Only recordings and calls are
 * sorted at the end, and nothing refers to them by index.
 */
#include "org.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "splitmix.h"

#define DAY 86400L
#define MAX_USERS 100000
#define MAX_DAYS 3660
#define GUEST_BASE 100000 /* person numbers of non-members start here */
#define WHO_MAX 160 /* people in one instance: host, 150, slack */
#define BASIC_LIMIT 2400 /* a basic host's meeting of 3 ends at 40 min */
#define ROSTER_MAX 8
#define N_DIALIN_MAX 1800 /* fictional numbers dialin_number can make */

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* What an entity's random stream is derived for. */
enum tag {
	TAG_USER = 1,
	TAG_GUEST,
	TAG_PLAN,
	TAG_MEETING,
	TAG_ROSTER,
	TAG_UUID,
	TAG_PARTS,
	TAG_REGISTRANT,
	TAG_WHOST,
	TAG_WPLAN,
	TAG_WEBINAR,
	TAG_WUUID,
	TAG_WPARTS,
	TAG_WREGISTRANT,
	TAG_CALLS
};

/* How a meeting is attended, which decides who is seated in it. */
enum style {
	STYLE_ADHOC,
	STYLE_ONE_ON_ONE,
	STYLE_TEAM,
	STYLE_STANDUP,
	STYLE_INSTANT,
	STYLE_OFFICE_HOURS
};

/* ------------------------------------------------------------------ */
/* Word lists                                                          */
/* ------------------------------------------------------------------ */

static const char *const first_names[] = {"James", "Mary", "Robert",
    "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
    "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
    "Sarah", "Daniel", "Karen", "Matthew", "Nancy", "Anthony", "Lisa", "Mark",
    "Betty", "Paul", "Sandra", "Steven", "Ashley", "Andrew", "Emily", "Kenji",
    "Yuki", "Wei", "Mei", "Priya", "Arjun", "Aisha", "Omar", "Fatima", "Lars",
    "Ingrid", "S\303\270ren", "Jos\303\251", "Zo\303\253", "Fran\303\247ois",
    "Chlo\303\251", "Luc\303\255a", "Mateo", "Olga", "Dmitri", "Amara",
    "Kwame", "Hana", "Minh", "Noah", "Emma", "Liam", "Olivia", "Ava", "Ethan"};

static const char *const last_names[] = {"Smith", "Johnson", "Williams",
    "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
    "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris",
    "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell",
    "O'Brien", "M\303\274ller", "Nu\303\261ez", "Garc\303\255a", "Nguyen",
    "Kim", "Patel", "Dubois", "Rossi", "Tanaka", "Sato", "Chen", "Wang",
    "Singh", "Kumar", "Haddad", "Okafor", "Mensah", "Ivanova", "Novak",
    "Jensen", "Larsen", "van der Berg", "Schmidt", "Fischer", "Lopez", "Silva",
    "Costa", "Ali", "Khan", "Park", "Lee"};

/* The Latin-1 letters of the names, after the 0xc3 byte of their UTF-8,
 * and the ASCII letter an e-mail address spells them with. */
static const char fold_from[] = "\270\251\253\247\255\274\261";
static const char fold_to[] = "oeeciun";

/* A time zone with its standard offset (no daylight saving time). */
struct zone {
	const char *name;
	int offset; /* minutes east of UTC */
	const char *location;
};

static const struct zone zones[] = {
    {"America/New_York", -300, "New York (US)"},
    {"America/Chicago", -360, "Chicago (US)"},
    {"America/Denver", -420, "Denver (US)"},
    {"America/Los_Angeles", -480, "San Jose (US)"},
    {"Europe/London", 0, "London (GB)"},
    {"Europe/Paris", 60, "Paris (FR)"},
    {"Europe/Berlin", 60, "Berlin (DE)"},
    {"Asia/Kolkata", 330, "Bengaluru (IN)"},
    {"Asia/Singapore", 480, "Singapore (SG)"},
    {"Asia/Tokyo", 540, "Tokyo (JP)"},
    {"Australia/Sydney", 600, "Sydney (AU)"},
};
static const int zone_weight[] = {30, 10, 5, 20, 10, 8, 5, 5, 3, 2, 2};

static const char *const depts[] = {"Engineering", "Sales", "Marketing",
    "Customer Success", "Product", "Finance", "Human Resources", "Legal",
    "Operations", "Design", "IT", "Research & Development"};
static const int dept_weight[] = {30, 18, 8, 10, 7, 5, 4, 2, 6, 4, 3, 3};

static const char *const guest_domains[] = {"gmail.com", "outlook.com",
    "yahoo.com", "icloud.com", "partner.example", "client.example",
    "vendor.example", "consulting.example", "university.example"};

static const char *const devices[] = {
    "Windows", "Mac", "Windows", "Mac", "iOS", "Android", "Linux", "Web"};

static const char *const projects[] = {"Phoenix", "Atlas", "Q3", "Q4", "FY27",
    "Website", "Mobile App", "Onboarding", "Pricing", "Roadmap", "R&D",
    "Data Platform", "Hiring", "Security", "Billing",
    "\xf0\x9f\x9a\x80 Launch", "Partner", "Budget"};

static const char *const subjects[] = {"Review", "Planning", "Kickoff",
    "Retro", "Sync", "Brainstorm", "Demo", "Interview", "Check-in",
    "Deep Dive", "Workshop", "Q&A", "\"Go/No-Go\"", "Offsite Prep",
    "Design Crit", "Escalation"};

static const char *const team_kinds[] = {"Weekly Sync", "Team Meeting",
    "Staff Meeting", "Planning", "Status Update", "All Hands"};

static const char *const webinar_topics[] = {"Product Update",
    "Customer Webinar", "Best Practices", "Quarterly Roadmap",
    "Onboarding Session", "Partner Briefing", "Ask Me Anything",
    "Industry Trends"};

static const char *const cnam[] = {"SAN FRANCISCO CA", "NEW YORK NY",
    "CHICAGO IL", "WIRELESS CALLER", "BOSTON MA", "SEATTLE WA"};

static const char *const us_areas[] = {
    "415", "212", "312", "617", "206", "202", "303", "512"};

static const int meeting_minutes[] = {15, 30, 30, 30, 45, 60, 60, 90, 120};

/* How many colleagues an ad hoc meeting has, 1 to 8, by weight. */
static const int crowd_weight[] = {300, 250, 150, 100, 80, 50, 40, 30};

/* ------------------------------------------------------------------ */
/* The random streams                                                  */
/* ------------------------------------------------------------------ */

/* A splitmix64 stream. */
struct rng {
	uint64_t s;
};

/* rng_next returns the next 64 bits of r. */
static uint64_t
rng_next(struct rng *r)
{
	return zp_splitmix64(&r->s);
}

/* rng_below returns a number in [0, n), or 0 when n is 0. */
static uint64_t
rng_below(struct rng *r, uint64_t n)
{
	return n == 0 ? 0 : rng_next(r) % n;
}

/* rng_int returns a number in [lo, hi], or lo when hi < lo. */
static long
rng_int(struct rng *r, long lo, long hi)
{
	if (hi <= lo)
		return lo;
	return lo + (long)rng_below(r, (uint64_t)(hi - lo) + 1);
}

/* rng_pm is true with a probability of pm per mille. */
static int
rng_pm(struct rng *r, int pm)
{
	return (int)rng_below(r, 1000) < pm;
}

/* rng_weighted returns an index into weight[0..n), drawn by weight. */
static int
rng_weighted(struct rng *r, const int *weight, int n)
{
	int i, sum = 0, x;

	for (i = 0; i < n; i++)
		sum += weight[i];
	x = (int)rng_below(r, (uint64_t)sum);
	for (i = 0; i < n - 1 && x >= weight[i]; i++)
		x -= weight[i];
	return i;
}

/* rng_derive starts the stream of entity index of the kind tag. */
static struct rng
rng_derive(uint64_t seed, enum tag tag, uint64_t index)
{
	struct rng r;

	r.s = zp_mix64(
	    seed ^ zp_mix64(((uint64_t)tag << 48) ^ zp_mix64(index + 1)));
	return r;
}

/* rng_bytes fills b with 16 bytes of r. */
static void
rng_bytes(struct rng *r, unsigned char b[16])
{
	uint64_t x = 0;
	int i;

	for (i = 0; i < 16; i++) {
		if (i % 8 == 0)
			x = rng_next(r);
		b[i] = (unsigned char)(x >> (56 - 8 * (i % 8)));
	}
}

/* ------------------------------------------------------------------ */
/* Text                                                                */
/* ------------------------------------------------------------------ */

/* copy_str copies s into dst of size n, cut short if need be. */
static void
copy_str(char *dst, size_t n, const char *s)
{
	size_t len = strlen(s);

	if (len >= n)
		len = n - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/* say formats into dst of size n; returns 0, or -1 if it was cut short. */
static int say(char *dst, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
say(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(dst, n, fmt, ap);
	va_end(ap);
	return len < 0 || (size_t)len >= n ? -1 : 0;
}

static const char b64_std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/*
 * encode16 writes the base64 of 16 bytes in the alphabet abc into out: 22
 * characters, then "==" when pad is set, then a NUL.
 */
static void
encode16(const unsigned char b[16], const char *abc, int pad, char *out)
{
	uint32_t v;
	int i, o = 0;

	for (i = 0; i < 15; i += 3) {
		v = (uint32_t)b[i] << 16 | (uint32_t)b[i + 1] << 8 | b[i + 2];
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = abc[v >> 6 & 63];
		out[o++] = abc[v & 63];
	}
	out[o++] = abc[b[15] >> 2];
	out[o++] = abc[(b[15] & 3) << 4];
	if (pad) {
		out[o++] = '=';
		out[o++] = '=';
	}
	out[o] = '\0';
}

/* set_slash makes base64 character k of b a '/' (all six bits set). */
static void
set_slash(unsigned char b[16], int k)
{
	int j, pos;

	for (j = 0; j < 6; j++) {
		pos = 6 * k + j;
		b[pos / 8] |= (unsigned char)(0x80 >> (pos % 8));
	}
}

/*
 * uuid_draw writes a meeting UUID: base64 of 16 bytes.  Chance gives 1.6%
 * a leading '/', and 1.5% more are made so (about 3% in all); 1.5% are
 * made to hold "//" inside (about 2% with chance).  Zoom's paths encode
 * such UUIDs twice.  Characters 0 to 20 carry six data bits each.
 */
static void
uuid_draw(struct rng *r, char out[32])
{
	unsigned char b[16];
	int pm, k;

	rng_bytes(r, b);
	pm = (int)rng_below(r, 1000);
	if (pm < 15) {
		set_slash(b, 0);
	} else if (pm < 30) {
		k = (int)rng_int(r, 1, 19);
		set_slash(b, k);
		set_slash(b, k + 1);
	}
	encode16(b, b64_std, 1, out);
}

/* hex_uuid writes 16 bytes of r as a version 4 UUID, 36 characters. */
static void
hex_uuid(struct rng *r, char out[40])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	int i, o = 0;

	rng_bytes(r, b);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = '\0';
}

/* url_id writes 16 bytes of r as 22 characters of base64url. */
static void
url_id(struct rng *r, char out[24])
{
	unsigned char b[16];

	rng_bytes(r, b);
	encode16(b, b64_url, 0, out);
}

/*
 * ascii_fold writes name as it goes into an e-mail address, into out[32]:
 * lower case, accents dropped, spaces and apostrophes left out.
 */
static void
ascii_fold(const char *name, char out[32])
{
	const unsigned char *s = (const unsigned char *)name;
	const char *hit;
	size_t o = 0;

	for (; *s != '\0' && o < 31; s++) {
		if (*s >= 'A' && *s <= 'Z')
			out[o++] = (char)(*s - 'A' + 'a');
		else if (*s >= 'a' && *s <= 'z')
			out[o++] = (char)*s;
		else if (*s == 0xc3 && s[1] != '\0' &&
		    (hit = strchr(fold_from, s[1])) != NULL)
			out[o++] = fold_to[hit - fold_from], s++;
	}
	out[o] = '\0';
}

/* ------------------------------------------------------------------ */
/* Hash tables                                                         */
/* ------------------------------------------------------------------ */

/*
 * An open-addressing table from a 64-bit hash to an index (-1: empty).
 * Entries with equal hashes are told apart by a callback that looks at the
 * entity itself; number tables need none, because mix64 is one to one.
 */
struct sim_table {
	uint64_t *hash;
	long *val;
	size_t cap; /* a power of two, or 0 */
	size_t n;
};

/* Whether entity v has the string key; ctx is the org or the generator. */
typedef int (*key_eq)(const void *ctx, long v, const char *key);

/* The lookup tables behind sim_org_user and friends. */
struct sim_index {
	char account_id[65]; /* the copies org->opts points at */
	char domain[49];
	struct sim_table user_id; /* user id -> user */
	struct sim_table email; /* either address, any case -> user */
	struct sim_table number; /* every PMI, meeting, webinar number */
	struct sim_table meeting; /* meeting number -> meeting */
	struct sim_table instance; /* UUID -> meeting instance */
	struct sim_table webinar; /* webinar number -> webinar */
	struct sim_table winstance; /* UUID -> webinar instance */
};

/* hash_str hashes s (FNV-1a, then mixed), lower-cased first if fold. */
static uint64_t
hash_str(const char *s, int fold)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	unsigned char c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (fold && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = (h ^ c) * 0x100000001b3ULL;
	}
	return zp_mix64(h);
}

/* table_grow doubles t and puts every entry back. */
static int
table_grow(struct sim_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64, i, j;
	uint64_t *hash = malloc(cap * sizeof(*hash));
	long *val = malloc(cap * sizeof(*val));

	if (hash == NULL || val == NULL) {
		free(hash);
		free(val);
		return ZP_ENOMEM;
	}
	for (i = 0; i < cap; i++)
		val[i] = -1;
	for (i = 0; i < t->cap; i++) {
		if (t->val[i] < 0)
			continue;
		for (j = t->hash[i] & (cap - 1); val[j] >= 0;
		     j = (j + 1) & (cap - 1))
			;
		hash[j] = t->hash[i];
		val[j] = t->val[i];
	}
	free(t->hash);
	free(t->val);
	t->hash = hash;
	t->val = val;
	t->cap = cap;
	return 0;
}

/* table_put adds h -> v (v >= 0) to t. */
static int
table_put(struct sim_table *t, uint64_t h, long v)
{
	size_t j;
	int rc;

	if ((t->n + 1) * 2 > t->cap && (rc = table_grow(t)) != 0)
		return rc;
	for (j = h & (t->cap - 1); t->val[j] >= 0; j = (j + 1) & (t->cap - 1))
		;
	t->hash[j] = h;
	t->val[j] = v;
	t->n++;
	return 0;
}

/* table_find returns the entry of hash h for which eq accepts key (any
 * entry of hash h when eq is NULL), or -1. */
static long
table_find(const struct sim_table *t, uint64_t h, const char *key, key_eq eq,
    const void *ctx)
{
	size_t j;

	if (t->cap == 0)
		return -1;
	for (j = h & (t->cap - 1); t->val[j] >= 0; j = (j + 1) & (t->cap - 1))
		if (t->hash[j] == h && (eq == NULL || eq(ctx, t->val[j], key)))
			return t->val[j];
	return -1;
}

/* table_free releases t. */
static void
table_free(struct sim_table *t)
{
	free(t->hash);
	free(t->val);
	memset(t, 0, sizeof(*t));
}

/* eq_user_id tells whether user v has the id key. */
static int
eq_user_id(const void *ctx, long v, const char *key)
{
	return strcmp(((const struct sim_org *)ctx)->users[v].id, key) == 0;
}

/* eq_email tells whether either address of user v is key, in any case. */
static int
eq_email(const void *ctx, long v, const char *key)
{
	const struct sim_user *u = &((const struct sim_org *)ctx)->users[v];

	return strcasecmp(u->email, key) == 0 ||
	    (u->alt_email[0] != '\0' && strcasecmp(u->alt_email, key) == 0);
}

/* eq_instance tells whether meeting instance v has the UUID key. */
static int
eq_instance(const void *ctx, long v, const char *key)
{
	return strcmp(((const struct sim_org *)ctx)->instances[v].uuid, key) ==
	    0;
}

/* eq_winstance tells whether webinar instance v has the UUID key. */
static int
eq_winstance(const void *ctx, long v, const char *key)
{
	return strcmp(((const struct sim_org *)ctx)->winstances[v].uuid,
		   key) == 0;
}

/* ------------------------------------------------------------------ */
/* The generator                                                       */
/* ------------------------------------------------------------------ */

/* What the generator remembers of a meeting to seat its participants. */
struct mmeta {
	unsigned char style; /* enum style */
	unsigned char registration; /* attendees registered first */
};

/* An external guest; the same guest keeps the same person number. */
struct guest {
	char name[64];
	char email[96]; /* as the guest typed it: case may vary */
	int zone;
};

/* The part of the window in which one user can meet. */
struct span {
	time_t lo, hi; /* seconds */
	long off; /* the user's offset from UTC, seconds */
	long day_lo, day_hi; /* local days */
};

/* The generator's private state, freed once the org is made. */
struct gen {
	struct sim_org *org;
	struct sim_index *ix;
	uint64_t seed;
	time_t start, end; /* the window: days before now to future_days */
	time_t *from, *until; /* per user: when the user can meet */
	int *zone; /* per user: index into zones[] */
	int *dept; /* per user: index into depts[] */
	int *dept_first; /* users of department d are dept_users[ */
	int *dept_users; /*   dept_first[d] .. dept_first[d + 1]) */
	struct guest *guests;
	int n_guests;
	struct sim_table guest_email;
	int n_dialin;
	int next_anon; /* the next anonymous person's number */
	struct mmeta *meta;
	size_t cap_meta, cap_meetings, cap_instances, cap_parts;
	size_t cap_webinars, cap_winstances, cap_wparts;
	size_t cap_recordings, cap_calls;
	struct sim_part *who; /* the people of the instance being seated */
	int n_who;
};

/* reserve makes room for need elements of size in *p of capacity *cap. */
static int
reserve(void *p, size_t *cap, size_t need, size_t size)
{
	void **pp = p, *q;
	size_t ncap = *cap;

	if (need <= ncap)
		return 0;
	while (ncap < need)
		ncap = ncap ? ncap + ncap / 2 : 64;
	if (ncap > SIZE_MAX / size)
		return ZP_ENOMEM;
	q = realloc(*pp, ncap * size);
	if (q == NULL)
		return ZP_ENOMEM;
	*pp = q;
	*cap = ncap;
	return 0;
}

/* shrink gives back the unused tail of *p, keeping it if that fails. */
static void
shrink(void *p, size_t *cap, size_t n, size_t size)
{
	void **pp = p, *q;

	if (n == 0 || n == *cap)
		return;
	q = realloc(*pp, n * size);
	if (q != NULL) {
		*pp = q;
		*cap = n;
	}
}

/* floor_div divides rounding toward minus infinity. */
static long
floor_div(long a, long b)
{
	long q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* weekday is the day of the week of local day d (days since 1970-01-01,
 * a Thursday), 0 for Sunday. */
static long
weekday(long d)
{
	return ((d % 7) + 11) % 7;
}

/* workday tells whether local day d is Monday to Friday. */
static int
workday(long d)
{
	return weekday(d) >= 1 && weekday(d) <= 5;
}

/* user_span finds when user u can meet; -1 if never within the window. */
static int
user_span(const struct gen *g, int u, struct span *s)
{
	s->off = zones[g->zone[u]].offset * 60L;
	s->lo = g->from[u] > g->start ? g->from[u] : g->start;
	s->hi = g->until[u] < g->end ? g->until[u] : g->end;
	if (s->hi - s->lo < DAY)
		return -1;
	s->day_lo = floor_div((long)s->lo + s->off, DAY);
	s->day_hi = floor_div((long)s->hi + s->off, DAY);
	return 0;
}

/* slot_time is minute of local day d, in UTC seconds. */
static time_t
slot_time(const struct span *s, long d, long minute)
{
	return (time_t)(d * DAY + minute * 60 - s->off);
}

/* random_workday draws a local working day of s (rarely one past it):
 * weekend days are drawn again, so Mondays are not favoured. */
static long
random_workday(struct rng *r, const struct span *s)
{
	long d = rng_int(r, s->day_lo, s->day_hi);
	int k;

	for (k = 0; k < 8 && !workday(d); k++)
		d = rng_int(r, s->day_lo, s->day_hi);
	while (!workday(d))
		d++;
	return d;
}

/* inside tells whether [start, end) lies in the span. */
static int
inside(const struct span *s, time_t start, time_t end)
{
	return start >= s->lo && end <= s->hi;
}

/* available tells whether user u can take part in a meeting at t. */
static int
available(const struct gen *g, int u, time_t t)
{
	return g->from[u] <= t && t <= g->until[u];
}

/* actual_len draws how long a meeting scheduled for minutes lasted. */
static time_t
actual_len(struct rng *r, int minutes)
{
	long len = minutes * 60L + rng_int(r, -300, 600);

	return len < 600 ? 600 : len > 7200 ? 7200 : len;
}

/* number_make draws a number in [base, base + range) that no PMI, meeting
 * or webinar has, and claims it. */
static int
number_make(
    struct gen *g, struct rng *r, uint64_t base, uint64_t range, uint64_t *out)
{
	uint64_t v;

	do
		v = base + rng_below(r, range);
	while (table_find(&g->ix->number, zp_mix64(v), NULL, NULL, NULL) >= 0);
	*out = v;
	return table_put(&g->ix->number, zp_mix64(v), 0);
}

/* meeting_number draws a meeting number of 11 digits (or, 20% of the
 * time, 10). */
static int
meeting_number(struct gen *g, struct rng *r, uint64_t *out)
{
	if (rng_pm(r, 800))
		return number_make(g, r, 80000000000ULL, 19999999999ULL, out);
	return number_make(g, r, 1000000000ULL, 9000000000ULL, out);
}

/* dialin_number writes fictional phone number j: the 555-01xx numbers of
 * eight US area codes, then London's 020 7946 0xxx. */
static void
dialin_number(int j, char out[20])
{
	j %= N_DIALIN_MAX;
	if (j < 800)
		say(out, 20, "+1%s55501%02d", us_areas[j / 100], j % 100);
	else
		say(out, 20, "+442079460%03d", j - 800);
}

/* ------------------------------------------------------------------ */
/* Users                                                               */
/* ------------------------------------------------------------------ */

/* user_status draws status, creation and last login of user u, and when
 * the user can meet. */
static void
user_status(struct gen *g, struct rng *r, int u)
{
	struct sim_user *su = &g->org->users[u];
	time_t now = g->org->opts.now, lo, last;
	int pm = u == 0 ? 1000 : (int)rng_below(r, 1000);

	su->status = pm < 50 ? "inactive" : pm < 70 ? "pending" : "active";
	if (pm >= 50 && pm < 70) {
		su->created_at = now - rng_int(r, DAY, 20 * DAY);
		g->from[u] = g->end + 1; /* never */
		g->until[u] = g->end;
		return;
	}
	if (u != 0 && rng_pm(r, 60)) /* hired during the history */
		su->created_at = g->start +
		    (time_t)rng_below(r, (uint64_t)(now - g->start));
	else
		su->created_at = g->start - rng_int(r, 30 * DAY, 1500 * DAY);
	g->from[u] = su->created_at;
	g->until[u] = g->end;
	if (pm < 50) { /* deactivated at some time in the history */
		lo = su->created_at > g->start ? su->created_at : g->start;
		g->until[u] = lo + (time_t)rng_below(r, (uint64_t)(now - lo));
	}
	last =
	    (g->until[u] < now ? g->until[u] : now) - rng_int(r, 600, 7 * DAY);
	su->last_login_time = last > su->created_at ? last : su->created_at;
}

/* user_id_make draws a user id no other user has. */
static int
user_id_make(struct gen *g, struct rng *r, int u)
{
	struct sim_user *su = &g->org->users[u];

	do
		url_id(r, su->id);
	while (table_find(&g->ix->user_id, hash_str(su->id, 0), su->id,
		   eq_user_id, g->org) >= 0);
	return table_put(&g->ix->user_id, hash_str(su->id, 0), u);
}

/* address_free writes local@domain into out, adding 2, 3, ... to local
 * until no user has the address; 0 or ZP_EINVAL if it does not fit. */
static int
address_free(
    struct gen *g, const char *local, const char *domain, char out[96])
{
	int k;

	if (say(out, 96, "%s@%s", local, domain) != 0)
		return ZP_EINVAL;
	for (k = 2; table_find(&g->ix->email, hash_str(out, 1), out, eq_email,
			g->org) >= 0;
	     k++)
		if (say(out, 96, "%s%d@%s", local, k, domain) != 0)
			return ZP_EINVAL;
	return 0;
}

/*
 * user_emails gives user u first.last@domain and, about 10% of the time,
 * an alias: f.last@domain or first@corp.domain.
 */
static int
user_emails(struct gen *g, struct rng *r, int u)
{
	struct sim_user *su = &g->org->users[u];
	char local[72], dom[64], first[32], last[32];
	int rc;

	ascii_fold(su->first_name, first);
	ascii_fold(su->last_name, last);
	say(local, sizeof(local), "%s.%s", first, last);
	if ((rc = address_free(g, local, g->ix->domain, su->email)) != 0 ||
	    (rc = table_put(&g->ix->email, hash_str(su->email, 1), u)) != 0)
		return rc;
	if (!rng_pm(r, 100))
		return 0;
	if (rng_pm(r, 500)) {
		say(local, sizeof(local), "%c.%s", first[0], last);
		say(dom, sizeof(dom), "%s", g->ix->domain);
	} else {
		say(local, sizeof(local), "%s", first);
		say(dom, sizeof(dom), "corp.%s", g->ix->domain);
	}
	if ((rc = address_free(g, local, dom, su->alt_email)) != 0)
		return rc;
	return table_put(&g->ix->email, hash_str(su->alt_email, 1), u);
}

/* gen_user makes member u; user 0 is the account owner. */
static int
gen_user(struct gen *g, int u)
{
	struct sim_user *su = &g->org->users[u];
	struct rng r = rng_derive(g->seed, TAG_USER, (uint64_t)u);
	const char *fn = first_names[rng_below(&r, NELEM(first_names))];
	const char *ln = last_names[rng_below(&r, NELEM(last_names))];
	int rc;

	copy_str(su->first_name, sizeof(su->first_name), fn);
	copy_str(su->last_name, sizeof(su->last_name), ln);
	g->dept[u] = rng_weighted(&r, dept_weight, (int)NELEM(dept_weight));
	g->zone[u] = rng_weighted(&r, zone_weight, (int)NELEM(zone_weight));
	copy_str(su->dept, sizeof(su->dept), depts[g->dept[u]]);
	su->timezone = zones[g->zone[u]].name;
	user_status(g, &r, u);
	su->type = 1;
	if (g->org->opts.plan != SIM_PLAN_FREE && (u == 0 || rng_pm(&r, 800)))
		su->type = 2;
	if (rng_pm(&r, 700))
		say(su->employee_unique_id, sizeof(su->employee_unique_id),
		    "E%07ld", 1000000L + u * 9L + (long)rng_below(&r, 9));
	if ((rc = user_id_make(g, &r, u)) != 0 ||
	    (rc = user_emails(g, &r, u)) != 0)
		return rc;
	return number_make(g, &r, 1000000000ULL, 9000000000ULL, &su->pmi);
}

/* gen_departments lists the users of each department who ever join. */
static int
gen_departments(struct gen *g)
{
	size_t n = g->org->n_users, nd = NELEM(depts);
	int *fill, u, d;

	g->dept_first = calloc(nd + 1, sizeof(int));
	g->dept_users = calloc(n, sizeof(int));
	fill = calloc(nd, sizeof(int));
	if (g->dept_first == NULL || g->dept_users == NULL || fill == NULL) {
		free(fill);
		return ZP_ENOMEM;
	}
	for (u = 0; u < (int)n; u++)
		if (g->from[u] <= g->until[u])
			g->dept_first[g->dept[u] + 1]++;
	for (d = 0; d < (int)nd; d++)
		g->dept_first[d + 1] += g->dept_first[d];
	for (u = 0; u < (int)n; u++)
		if (g->from[u] <= g->until[u]) {
			d = g->dept[u];
			g->dept_users[g->dept_first[d] + fill[d]++] = u;
		}
	free(fill);
	return 0;
}

/* gen_users makes every member of the account. */
static int
gen_users(struct gen *g)
{
	struct sim_org *org = g->org;
	size_t n = (size_t)org->opts.users;
	int u, rc;

	org->users = calloc(n, sizeof(*org->users));
	g->from = calloc(n, sizeof(time_t));
	g->until = calloc(n, sizeof(time_t));
	g->zone = calloc(n, sizeof(int));
	g->dept = calloc(n, sizeof(int));
	if (org->users == NULL || g->from == NULL || g->until == NULL ||
	    g->zone == NULL || g->dept == NULL)
		return ZP_ENOMEM;
	org->n_users = n;
	for (u = 0; u < (int)n; u++)
		if ((rc = gen_user(g, u)) != 0)
			return rc;
	return gen_departments(g);
}

/* eq_guest tells whether guest v has the address key, in any case. */
static int
eq_guest(const void *ctx, long v, const char *key)
{
	return strcasecmp(((const struct gen *)ctx)->guests[v].email, key) ==
	    0;
}

/* gen_guest makes external guest gi: a name and an address at a public
 * or a partner domain, sometimes typed with capitals. */
static int
gen_guest(struct gen *g, int gi)
{
	struct guest *gu = &g->guests[gi];
	struct rng r = rng_derive(g->seed, TAG_GUEST, (uint64_t)gi);
	const char *fn = first_names[rng_below(&r, NELEM(first_names))];
	const char *ln = last_names[rng_below(&r, NELEM(last_names))];
	const char *dom = guest_domains[rng_below(&r, NELEM(guest_domains))];
	int caps = rng_pm(&r, 50), k;
	char local[72], first[32], last[32];

	ascii_fold(fn, first);
	ascii_fold(ln, last);
	say(gu->name, sizeof(gu->name), "%s %s", fn, ln);
	say(local, sizeof(local), "%s.%s", first, last);
	if (caps)
		local[0] = (char)(local[0] - 'a' + 'A');
	say(gu->email, sizeof(gu->email), "%s@%s", local, dom);
	for (k = 2; table_find(&g->guest_email, hash_str(gu->email, 1),
			gu->email, eq_guest, g) >= 0;
	     k++)
		say(gu->email, sizeof(gu->email), "%s%d@%s", local, k, dom);
	gu->zone = rng_weighted(&r, zone_weight, (int)NELEM(zone_weight));
	return table_put(&g->guest_email, hash_str(gu->email, 1), gi);
}

/* gen_guests makes the pool of external guests and dial-in callers. */
static int
gen_guests(struct gen *g)
{
	int n = g->org->opts.users / 2 + 200, gi, rc;

	g->guests = calloc((size_t)n, sizeof(*g->guests));
	if (g->guests == NULL)
		return ZP_ENOMEM;
	g->n_guests = n;
	for (gi = 0; gi < n; gi++)
		if ((rc = gen_guest(g, gi)) != 0)
			return rc;
	g->n_dialin = g->org->opts.users / 10 + 20;
	if (g->n_dialin > N_DIALIN_MAX)
		g->n_dialin = N_DIALIN_MAX;
	g->next_anon = GUEST_BASE + g->n_guests + g->n_dialin;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Meetings and their instances                                        */
/* ------------------------------------------------------------------ */

/* pick_colleague draws a user other than host, most often from the host's
 * department; -1 when the draw hit the host. */
static int
pick_colleague(struct gen *g, struct rng *r, int host)
{
	int d = g->dept[host], u;
	int n = g->dept_first[d + 1] - g->dept_first[d];

	if (n > 1 && rng_pm(r, 800))
		u = g->dept_users[g->dept_first[d] +
		    (int)rng_below(r, (uint64_t)n)];
	else
		u = (int)rng_below(r, g->org->n_users);
	return u == host ? -1 : u;
}

/* in_list tells whether v is one of a[0..n). */
static int
in_list(const int *a, int n, int v)
{
	int i;

	for (i = 0; i < n; i++)
		if (a[i] == v)
			return 1;
	return 0;
}

/* roster fills out with the invitees of recurring meeting m, the same for
 * every instance; returns how many. */
static int
roster(struct gen *g, size_t m, int out[ROSTER_MAX])
{
	struct rng r = rng_derive(g->seed, TAG_ROSTER, m);
	int host = g->org->meetings[m].host, want, n = 0, tries, u;

	want =
	    g->meta[m].style == STYLE_ONE_ON_ONE ? 1 : (int)rng_int(&r, 3, 8);
	for (tries = 0; n < want && tries < want * 8; tries++) {
		u = pick_colleague(g, &r, host);
		if (u < 0 || g->from[u] > g->until[u] || in_list(out, n, u))
			continue;
		out[n++] = u;
	}
	return n;
}

/* topic_words writes one word of a, sep and one word of b, drawn in
 * that order, into out[80]. */
static void
topic_words(struct rng *r, const char *const *a, size_t na,
    const char *const *b, size_t nb, const char *sep, char out[80])
{
	const char *x = a[rng_below(r, na)], *y = b[rng_below(r, nb)];

	say(out, 80, "%s%s%s", x, sep, y);
}

/* make_topic names meeting m after its style. */
static void
make_topic(struct gen *g, struct rng *r, size_t m)
{
	struct sim_meeting *sm = &g->org->meetings[m];
	const struct sim_user *h = &g->org->users[sm->host];
	const char *dept = depts[g->dept[sm->host]];
	int ros[ROSTER_MAX];
	size_t n = sizeof(sm->topic);

	switch (g->meta[m].style) {
	case STYLE_ONE_ON_ONE:
		if (roster(g, m, ros) > 0)
			say(sm->topic, n, "%s / %s 1:1", h->first_name,
			    g->org->users[ros[0]].first_name);
		else
			say(sm->topic, n, "%s 1:1", h->first_name);
		break;
	case STYLE_TEAM:
		say(sm->topic, n, "%s %s", dept,
		    team_kinds[rng_below(r, NELEM(team_kinds))]);
		break;
	case STYLE_STANDUP: say(sm->topic, n, "%s Daily Standup", dept); break;
	case STYLE_INSTANT:
		say(sm->topic, n, "%s %s's Zoom Meeting", h->first_name,
		    h->last_name);
		break;
	case STYLE_OFFICE_HOURS:
		say(sm->topic, n, "%s Office Hours", dept);
		break;
	default:
		topic_words(r, projects, NELEM(projects), subjects,
		    NELEM(subjects), " ", sm->topic);
	}
}

/* make_password draws a passcode of 6 to 10 letters and digits. */
static void
make_password(struct rng *r, char out[12])
{
	static const char abc[] =
	    "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
	int n = (int)rng_int(r, 6, 10), i;

	for (i = 0; i < n; i++)
		out[i] = abc[rng_below(r, sizeof(abc) - 1)];
	out[n] = '\0';
}

/* add_meeting appends a meeting hosted by u and returns its index, or a
 * negative ZP_E* code. */
static long
add_meeting(
    struct gen *g, int u, int type, int style, time_t start, int minutes)
{
	struct sim_org *org = g->org;
	size_t m = org->n_meetings;
	struct rng r = rng_derive(g->seed, TAG_MEETING, m);
	struct sim_meeting *sm;
	int rc;

	if ((rc = reserve(&org->meetings, &g->cap_meetings, m + 1,
		 sizeof(*org->meetings))) != 0 ||
	    (rc = reserve(&g->meta, &g->cap_meta, m + 1, sizeof(*g->meta))) !=
		0)
		return rc;
	sm = &org->meetings[m];
	memset(sm, 0, sizeof(*sm));
	sm->type = type;
	sm->host = u;
	sm->start_time = start;
	sm->duration = minutes;
	sm->timezone = org->users[u].timezone;
	sm->created_at = type == SIM_MEETING_INSTANT
	    ? start - rng_int(&r, 0, 20)
	    : start - rng_int(&r, 3600, 21 * DAY);
	if (sm->created_at < org->users[u].created_at)
		sm->created_at = org->users[u].created_at;
	sm->first_instance = org->n_instances;
	sm->listed = type != SIM_MEETING_INSTANT;
	make_password(&r, sm->password);
	g->meta[m].style = (unsigned char)style;
	g->meta[m].registration = style == STYLE_ADHOC && rng_pm(&r, 100);
	org->n_meetings++;
	make_topic(g, &r, m);
	if ((rc = meeting_number(g, &r, &sm->id)) != 0 ||
	    (rc = table_put(&g->ix->meeting, zp_mix64(sm->id), (long)m)) != 0)
		return rc;
	return (long)m;
}

/* uuid_taken tells whether a meeting or webinar instance has uuid. */
static int
uuid_taken(const struct gen *g, const char *uuid)
{
	uint64_t h = hash_str(uuid, 0);

	return table_find(&g->ix->instance, h, uuid, eq_instance, g->org) >=
	    0 ||
	    table_find(&g->ix->winstance, h, uuid, eq_winstance, g->org) >= 0;
}

/* append_instance appends an instance of meeting or, if webinar, webinar
 * owner from start to end, with a UUID no other instance has. */
static int
append_instance(
    struct gen *g, int webinar, size_t owner, time_t start, time_t end)
{
	struct sim_org *org = g->org;
	struct sim_instance **ins =
	    webinar ? &org->winstances : &org->instances;
	size_t *n = webinar ? &org->n_winstances : &org->n_instances;
	size_t *cap = webinar ? &g->cap_winstances : &g->cap_instances;
	size_t i = *n;
	struct rng r = rng_derive(g->seed, webinar ? TAG_WUUID : TAG_UUID, i);
	struct sim_instance *si;
	int rc;

	if ((rc = reserve(ins, cap, i + 1, sizeof(**ins))) != 0)
		return rc;
	si = &(*ins)[i];
	memset(si, 0, sizeof(*si));
	si->owner = owner;
	si->start = start;
	si->end = end;
	do
		uuid_draw(&r, si->uuid);
	while (uuid_taken(g, si->uuid));
	if ((rc = table_put(webinar ? &g->ix->winstance : &g->ix->instance,
		 hash_str(si->uuid, 0), (long)i)) != 0)
		return rc;
	(*n)++;
	if (webinar)
		org->webinars[owner].n_instances++;
	else
		org->meetings[owner].n_instances++;
	return 0;
}

/* add_instance appends an instance of meeting m from start to end. */
static int
add_instance(struct gen *g, size_t m, time_t start, time_t end)
{
	return append_instance(g, 0, m, start, end);
}

/* plan_oneoff schedules a one-off meeting of u that happened (or, in the
 * future part of the window, will happen) once. */
static int
plan_oneoff(struct gen *g, int u, const struct span *s, struct rng *r)
{
	long d = random_workday(r, s);
	int minutes = meeting_minutes[rng_below(r, NELEM(meeting_minutes))];
	time_t slot = slot_time(s, d, 9 * 60 + 30 * rng_int(r, 0, 15));
	time_t start = slot + rng_int(r, -120, 300);
	time_t end = start + actual_len(r, minutes);
	long m;

	if (!inside(s, start, end))
		return 0;
	m = add_meeting(
	    g, u, SIM_MEETING_SCHEDULED, STYLE_ADHOC, slot, minutes);
	return m < 0 ? (int)m : add_instance(g, (size_t)m, start, end);
}

/* plan_future schedules a meeting of u after the window: listed, never
 * held while the simulation runs. */
static int
plan_future(struct gen *g, int u, const struct span *s, struct rng *r)
{
	long d = floor_div((long)g->end + s->off, DAY) + rng_int(r, 1, 30);
	int minutes = meeting_minutes[rng_below(r, NELEM(meeting_minutes))];
	long m;

	while (!workday(d))
		d++;
	m = add_meeting(g, u, SIM_MEETING_SCHEDULED, STYLE_ADHOC,
	    slot_time(s, d, 9 * 60 + 30 * rng_int(r, 0, 15)), minutes);
	return m < 0 ? (int)m : 0;
}

/* plan_instant makes an instant meeting of u with its one instance. */
static int
plan_instant(struct gen *g, int u, const struct span *s, struct rng *r)
{
	long d = random_workday(r, s);
	time_t start = slot_time(s, d, rng_int(r, 8 * 60, 17 * 60 + 30));
	time_t end;
	long m;

	start += rng_int(r, 0, 59);
	end = start + rng_int(r, 600, 3600);
	if (!inside(s, start, end))
		return 0;
	m = add_meeting(g, u, SIM_MEETING_INSTANT, STYLE_INSTANT, start,
	    (int)((end - start) / 60));
	return m < 0 ? (int)m : add_instance(g, (size_t)m, start, end);
}

/* recurring_slot draws the length and the local starting minute of a
 * recurring meeting of the given style. */
static void
recurring_slot(struct rng *r, int style, int *minutes, long *minute)
{
	if (style == STYLE_STANDUP) {
		*minutes = 15;
		*minute = 9 * 60 + 15 * rng_int(r, 0, 4);
		return;
	}
	*minutes = 30;
	if (style != STYLE_ONE_ON_ONE)
		*minutes += 15 * (int)rng_int(r, 0, 2);
	*minute = 9 * 60 + 30 * rng_int(r, 0, 15);
}

/*
 * plan_recurring makes a recurring meeting of u with a fixed time (type
 * 8): a daily standup, or a weekly one-on-one or team meeting, held on
 * working days from its first to its last day with a few skipped.
 */
static int
plan_recurring(
    struct gen *g, int u, const struct span *s, struct rng *r, int style)
{
	int step = style == STYLE_STANDUP ? 1 : 7, minutes;
	long range = s->day_hi - s->day_lo, first, last, minute, d;
	time_t start, end;
	long m;
	int rc;

	recurring_slot(r, style, &minutes, &minute);
	first =
	    rng_pm(r, 600) ? s->day_lo : s->day_lo + rng_int(r, 0, range / 2);
	last = rng_pm(r, 800) ? s->day_hi : first + rng_int(r, 28, range);
	if (step == 7)
		for (d = rng_int(r, 1, 5); weekday(first) != d;)
			first++;
	while (!workday(first))
		first++;
	m = add_meeting(g, u, SIM_MEETING_RECURRING, style,
	    slot_time(s, first, minute), minutes);
	if (m < 0)
		return (int)m;
	for (d = first; d <= last; d += step) {
		if (!workday(d) || rng_pm(r, 70))
			continue;
		start = slot_time(s, d, minute) + rng_int(r, -60, 240);
		end = start + actual_len(r, minutes);
		if (inside(s, start, end) &&
		    (rc = add_instance(g, (size_t)m, start, end)) != 0)
			return rc;
	}
	return 0;
}

/* compare_long orders longs for qsort. */
static int
compare_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* plan_office_hours makes a recurring meeting of u with no fixed time
 * (type 3), held on two to five days. */
static int
plan_office_hours(struct gen *g, int u, const struct span *s, struct rng *r)
{
	long days[5], m;
	int n = (int)rng_int(r, 2, 5), k, rc;
	time_t start, end;

	for (k = 0; k < n; k++)
		days[k] = random_workday(r, s);
	qsort(days, (size_t)n, sizeof(days[0]), compare_long);
	m = add_meeting(g, u, SIM_MEETING_RECURRING_NOFIXED,
	    STYLE_OFFICE_HOURS, slot_time(s, days[0], 14 * 60), 60);
	if (m < 0)
		return (int)m;
	for (k = 0; k < n; k++) {
		if (k > 0 && days[k] == days[k - 1])
			continue;
		start = slot_time(s, days[k], 9 * 60 + 30 * rng_int(r, 0, 14));
		end = start + actual_len(r, 60);
		if (inside(s, start, end) &&
		    (rc = add_instance(g, (size_t)m, start, end)) != 0)
			return rc;
	}
	return 0;
}

/*
 * plan_user makes every meeting user u hosts.  An activity factor of 20%
 * to 180% scales the one-off and instant meetings: on average about one
 * scheduled meeting a week and one instant meeting a fortnight.
 */
static int
plan_user(struct gen *g, int u)
{
	struct rng r = rng_derive(g->seed, TAG_PLAN, (uint64_t)u);
	long total = g->org->opts.days + g->org->opts.future_days;
	long activity = rng_int(&r, 20, 180), n, k;
	struct span s;
	int rc = 0;

	if (user_span(g, u, &s) != 0)
		return 0;
	n = total * activity / 700 + rng_int(&r, 0, 1);
	for (k = 0; k < n && rc == 0; k++)
		rc = plan_oneoff(g, u, &s, &r);
	n = total * activity / 1400 + rng_int(&r, 0, 1);
	for (k = 0; k < n && rc == 0; k++)
		rc = plan_instant(g, u, &s, &r);
	if (rc == 0 && rng_pm(&r, 400))
		rc = plan_recurring(g, u, &s, &r,
		    rng_pm(&r, 450) ? STYLE_ONE_ON_ONE : STYLE_TEAM);
	if (rc == 0 && rng_pm(&r, 150))
		rc = plan_recurring(g, u, &s, &r, STYLE_TEAM);
	if (rc == 0 && rng_pm(&r, 60))
		rc = plan_recurring(g, u, &s, &r, STYLE_STANDUP);
	if (rc == 0 && rng_pm(&r, 80))
		rc = plan_office_hours(g, u, &s, &r);
	if (rc == 0 && g->until[u] >= g->end && rng_pm(&r, 500))
		rc = plan_future(g, u, &s, &r);
	return rc;
}

/* gen_meetings makes the meetings of every user, in user order. */
static int
gen_meetings(struct gen *g)
{
	int u, rc;

	for (u = 0; u < (int)g->org->n_users; u++)
		if ((rc = plan_user(g, u)) != 0)
			return rc;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Participants                                                        */
/* ------------------------------------------------------------------ */

/* Up to three join-to-leave segments of one person. */
struct segs {
	time_t join[3], leave[3];
	int n;
};

/* segs_split cuts the last segment of s in two with a gap between. */
static void
segs_split(struct rng *r, struct segs *s)
{
	time_t a = s->join[s->n - 1], b = s->leave[s->n - 1], len = b - a;
	time_t gap, cut;

	if (len < 240 || s->n == 3)
		return;
	gap = rng_int(r, 20, len / 4 < 300 ? len / 4 : 300);
	cut = a + 60 + (time_t)rng_below(r, (uint64_t)(len - 120 - gap) + 1);
	s->leave[s->n - 1] = cut;
	s->join[s->n] = cut + gap;
	s->leave[s->n] = b;
	s->n++;
}

/*
 * segs_make draws when one person was in an instance from start to end
 * (at least 600 s): the host opens and closes it; others may join late,
 * leave early, or drop out and rejoin.
 */
static void
segs_make(struct rng *r, time_t start, time_t end, int host, struct segs *s)
{
	time_t third = (end - start) / 3;

	s->n = 1;
	s->join[0] = start;
	s->leave[0] = end;
	if (!host) {
		s->join[0] += rng_int(r, 0, 90);
		if (rng_pm(r, 200))
			s->join[0] = start + rng_int(r, 120, third);
		s->leave[0] -= rng_int(r, 0, 60);
		if (rng_pm(r, 150))
			s->leave[0] = end - rng_int(r, 120, third);
	}
	if (rng_pm(r, host ? 50 : 80)) {
		segs_split(r, s);
		if (rng_pm(r, 250))
			segs_split(r, s);
	}
}

/* who_add returns a cleared template for one more person, or NULL. */
static struct sim_part *
who_add(struct gen *g)
{
	struct sim_part *p;

	if (g->n_who == WHO_MAX)
		return NULL;
	p = &g->who[g->n_who++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* who_has tells whether person is seated already. */
static int
who_has(const struct gen *g, int person)
{
	int k;

	for (k = 0; k < g->n_who; k++)
		if (g->who[k].person == person)
			return 1;
	return 0;
}

/* public_ip writes an address from the documentation ranges. */
static void
public_ip(struct rng *r, char out[16])
{
	static const char *const nets[] = {
	    "192.0.2", "198.51.100", "203.0.113"};
	const char *net = nets[rng_below(r, NELEM(nets))];

	say(out, 16, "%s.%d", net, (int)rng_int(r, 1, 254));
}

/* office_ip writes an address of the office network, 10.0.0.0/11. */
static void
office_ip(struct rng *r, char out[16])
{
	int a = (int)rng_int(r, 0, 31), b = (int)rng_int(r, 0, 255);
	int c = (int)rng_int(r, 1, 254);

	say(out, 16, "10.%d.%d.%d", a, b, c);
}

/* registrant writes the registrant id of person for owner: the same in
 * every instance. */
static void
registrant(struct gen *g, enum tag tag, size_t owner, int person, char out[24])
{
	struct rng r =
	    rng_derive(g->seed, tag, (uint64_t)owner << 24 ^ (uint64_t)person);

	url_id(&r, out);
}

/* device_of fills device and network type of a person at a computer or a
 * phone. */
static void
device_of(struct rng *r, struct sim_part *p)
{
	p->device = devices[rng_below(r, NELEM(devices))];
	if (strcmp(p->device, "iOS") == 0 || strcmp(p->device, "Android") == 0)
		p->network_type = rng_pm(r, 500) ? "Cellular" : "Wifi";
	else
		p->network_type = rng_pm(r, 400) ? "Wired" : "Wifi";
}

/*
 * who_member seats member u.  Zoom sometimes returns a member's e-mail
 * empty (3%), and a member with an alias sometimes shows up under it.
 */
static void
who_member(
    struct gen *g, struct rng *r, int u, int kind, enum tag reg, size_t owner)
{
	const struct sim_user *su = &g->org->users[u];
	struct sim_part *p = who_add(g);

	if (p == NULL)
		return;
	p->user = u;
	p->kind = kind;
	p->person = u;
	say(p->name, sizeof(p->name), "%s %s", su->first_name, su->last_name);
	if (kind != SIM_P_HOST && rng_pm(r, 30))
		p->email[0] = '\0';
	else if (su->alt_email[0] != '\0' && kind != SIM_P_HOST &&
	    rng_pm(r, 100))
		copy_str(p->email, sizeof(p->email), su->alt_email);
	else
		copy_str(p->email, sizeof(p->email), su->email);
	copy_str(p->id, sizeof(p->id), su->id);
	if (reg != 0 && kind != SIM_P_HOST)
		registrant(g, reg, owner, p->person, p->registrant_id);
	device_of(r, p);
	if (rng_pm(r, 600))
		office_ip(r, p->ip_address);
	else
		public_ip(r, p->ip_address);
	p->location = zones[g->zone[u]].location;
}

/* who_guest seats external guest gi. */
static void
who_guest(struct gen *g, struct rng *r, int gi, enum tag reg, size_t owner)
{
	const struct guest *gu = &g->guests[gi];
	struct sim_part *p = who_add(g);

	if (p == NULL)
		return;
	p->user = -1;
	p->kind = SIM_P_GUEST;
	p->person = GUEST_BASE + gi;
	copy_str(p->name, sizeof(p->name), gu->name);
	copy_str(p->email, sizeof(p->email), gu->email);
	if (reg != 0)
		registrant(g, reg, owner, p->person, p->registrant_id);
	device_of(r, p);
	public_ip(r, p->ip_address);
	p->location = zones[gu->zone].location;
}

/* who_dialin seats a phone caller: the number, or "Dial-in User". */
static void
who_dialin(struct gen *g, struct rng *r)
{
	int j = (int)rng_below(r, (uint64_t)g->n_dialin);
	struct sim_part *p = who_add(g);

	if (p == NULL)
		return;
	p->user = -1;
	p->kind = SIM_P_DIALIN;
	p->person = GUEST_BASE + g->n_guests + j;
	if (rng_pm(r, 700))
		dialin_number(j, p->name);
	else
		copy_str(p->name, sizeof(p->name), "Dial-in User");
	p->device = "Phone";
	p->network_type = "PSTN";
	p->location = j < 800 ? "United States" : "United Kingdom";
}

/* who_anonymous seats a participant Zoom names nothing: a new person
 * every time. */
static void
who_anonymous(struct gen *g, struct rng *r)
{
	struct sim_part *p = who_add(g);

	if (p == NULL)
		return;
	p->user = -1;
	p->kind = SIM_P_ANONYMOUS;
	p->person = g->next_anon++;
	p->device = "Web";
	p->network_type = "Wifi";
	public_ip(r, p->ip_address);
	p->location = zones[rng_below(r, NELEM(zones))].location;
}

/* seat_colleagues seats n colleagues of host who can attend at t. */
static void
seat_colleagues(struct gen *g, struct rng *r, int host, int n, time_t t,
    enum tag reg, size_t owner)
{
	int k, u;

	for (k = 0; k < n * 4 && n > 0; k++) {
		u = pick_colleague(g, r, host);
		if (u < 0 || !available(g, u, t) || who_has(g, u))
			continue;
		who_member(g, r, u, SIM_P_INTERNAL, reg, owner);
		n--;
	}
}

/* seat_guests seats n guests, most from the host's own circle of
 * contacts so that the same guests come back. */
static void
seat_guests(
    struct gen *g, struct rng *r, int host, int n, enum tag reg, size_t owner)
{
	int k, gi;

	for (k = 0; k < n * 4 && n > 0; k++) {
		if (rng_pm(r, 700))
			gi = (int)(((long)host * 13 + rng_int(r, 0, 9)) %
			    g->n_guests);
		else
			gi = (int)rng_below(r, (uint64_t)g->n_guests);
		if (who_has(g, GUEST_BASE + gi))
			continue;
		who_guest(g, r, gi, reg, owner);
		n--;
	}
}

/* seat_roster seats the invitees of recurring meeting m who come to this
 * instance (about 85%). */
static void
seat_roster(struct gen *g, struct rng *r, size_t m, time_t t)
{
	int ros[ROSTER_MAX], n = roster(g, m, ros), k;

	for (k = 0; k < n; k++)
		if (available(g, ros[k], t) && rng_pm(r, 850))
			who_member(g, r, ros[k], SIM_P_INTERNAL, 0, m);
}

/* meeting_crowd seats everyone but the host in meeting instance i. */
static void
meeting_crowd(struct gen *g, struct rng *r, size_t i)
{
	const struct sim_instance *si = &g->org->instances[i];
	size_t m = si->owner;
	int host = g->org->meetings[m].host, guests = 0, pm;
	enum tag reg = g->meta[m].registration ? TAG_REGISTRANT : 0;

	switch (g->meta[m].style) {
	case STYLE_ADHOC:
		seat_colleagues(g, r, host,
		    1 +
			rng_weighted(
			    r, crowd_weight, (int)NELEM(crowd_weight)),
		    si->start, reg, m);
		pm = (int)rng_below(r, 1000);
		guests = pm < 150 ? 1 : pm < 230 ? 2 : pm < 270 ? 3 : 0;
		break;
	case STYLE_INSTANT:
		seat_colleagues(
		    g, r, host, (int)rng_int(r, 1, 3), si->start, 0, m);
		guests = rng_pm(r, 50);
		break;
	case STYLE_OFFICE_HOURS:
		seat_colleagues(
		    g, r, host, (int)rng_int(r, 1, 5), si->start, 0, m);
		guests = rng_pm(r, 100);
		break;
	default:
		seat_roster(g, r, m, si->start);
		guests = g->meta[m].style == STYLE_TEAM && rng_pm(r, 30);
	}
	seat_guests(g, r, host, guests, reg, m);
	if (rng_pm(r, 100))
		who_dialin(g, r);
	if (rng_pm(r, 50))
		who_anonymous(g, r);
}

/* part_cmp orders segments by join time, then person. */
static int
part_cmp(const void *a, const void *b)
{
	const struct sim_part *x = a, *y = b;

	if (x->join != y->join)
		return x->join < y->join ? -1 : 1;
	return (x->person > y->person) - (x->person < y->person);
}

/*
 * seat writes the segments of everyone in g->who into *parts for
 * instance idx, sorted by join time, each with its own per-meeting
 * user_id, and records the range in si.
 */
static int
seat(struct gen *g, struct rng *r, struct sim_instance *si, size_t idx,
    struct sim_part **parts, size_t *n, size_t *cap)
{
	size_t first = *n, j;
	uint64_t base = 16778240 + rng_below(r, 4096) * 1024;
	struct segs s;
	int k, rc;

	for (k = 0; k < g->n_who; k++) {
		segs_make(
		    r, si->start, si->end, g->who[k].kind == SIM_P_HOST, &s);
		if ((rc = reserve(
			 parts, cap, *n + (size_t)s.n, sizeof(**parts))) != 0)
			return rc;
		for (j = 0; j < (size_t)s.n; j++) {
			(*parts)[*n] = g->who[k];
			(*parts)[*n].instance = idx;
			(*parts)[*n].join = s.join[j];
			(*parts)[*n].leave = s.leave[j];
			(*n)++;
		}
	}
	qsort(*parts + first, *n - first, sizeof(**parts), part_cmp);
	for (j = first; j < *n; j++)
		say((*parts)[j].user_id, sizeof((*parts)[j].user_id), "%llu",
		    (unsigned long long)(base + 1024 * (j - first)));
	si->first_part = first;
	si->n_part = *n - first;
	si->persons = g->n_who;
	return 0;
}

/* maybe_record gives about a quarter of the instances of licensed hosts
 * that lasted over ten minutes a cloud recording. */
static int
maybe_record(struct gen *g, struct rng *r, size_t i)
{
	struct sim_org *org = g->org;
	struct sim_instance *si = &org->instances[i];
	struct sim_recording *rec;
	time_t secs = si->end - si->start;
	int rc;

	if (org->opts.plan == SIM_PLAN_FREE || secs <= 600 ||
	    org->users[org->meetings[si->owner].host].type != 2 ||
	    !rng_pm(r, 250))
		return 0;
	if ((rc = reserve(&org->recordings, &g->cap_recordings,
		 org->n_recordings + 1, sizeof(*org->recordings))) != 0)
		return rc;
	rec = &org->recordings[org->n_recordings++];
	memset(rec, 0, sizeof(*rec));
	rec->instance = i;
	hex_uuid(r, rec->id);
	rec->n_files = (int)rng_int(r, 2, 4);
	rec->recording_start = si->start + rng_int(r, 0, 120);
	rec->recording_end = si->end - rng_int(r, 0, 30);
	rec->total_size = (uint64_t)secs * (uint64_t)rng_int(r, 54000, 84000);
	rec->total_size +=
	    (uint64_t)(rec->n_files - 2) * (uint64_t)rng_int(r, 20000, 70000);
	si->has_recording = 1;
	return 0;
}

/* gen_meeting_parts seats the participants of every meeting instance. */
static int
gen_meeting_parts(struct gen *g)
{
	struct sim_org *org = g->org;
	struct sim_instance *si;
	struct rng r;
	size_t i;
	int host, rc;

	if ((rc = reserve(&org->parts, &g->cap_parts, org->n_instances * 6,
		 sizeof(*org->parts))) != 0)
		return rc;
	for (i = 0; i < org->n_instances; i++) {
		si = &org->instances[i];
		r = rng_derive(g->seed, TAG_PARTS, i);
		host = org->meetings[si->owner].host;
		g->n_who = 0;
		who_member(g, &r, host, SIM_P_HOST, 0, si->owner);
		if (!rng_pm(&r, 80))
			meeting_crowd(g, &r, i);
		if (org->users[host].type == 1 && g->n_who >= 3 &&
		    si->end - si->start > BASIC_LIMIT)
			si->end = si->start + BASIC_LIMIT;
		if ((rc = seat(g, &r, si, i, &org->parts, &org->n_parts,
			 &g->cap_parts)) != 0 ||
		    (rc = maybe_record(g, &r, i)) != 0)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Webinars                                                            */
/* ------------------------------------------------------------------ */

/* add_webinar appends a webinar of u and returns its index, or a negative
 * ZP_E* code. */
static long
add_webinar(struct gen *g, int u, time_t start, int minutes)
{
	struct sim_org *org = g->org;
	size_t w = org->n_webinars;
	struct rng r = rng_derive(g->seed, TAG_WEBINAR, w);
	struct sim_webinar *sw;
	int rc;

	if ((rc = reserve(&org->webinars, &g->cap_webinars, w + 1,
		 sizeof(*org->webinars))) != 0)
		return rc;
	sw = &org->webinars[w];
	memset(sw, 0, sizeof(*sw));
	sw->host = u;
	topic_words(&r, webinar_topics, NELEM(webinar_topics), projects,
	    NELEM(projects), ": ", sw->topic);
	sw->start_time = start;
	sw->duration = minutes;
	sw->timezone = org->users[u].timezone;
	sw->created_at = start - rng_int(&r, 7 * DAY, 30 * DAY);
	if (sw->created_at < org->users[u].created_at)
		sw->created_at = org->users[u].created_at;
	sw->first_instance = org->n_winstances;
	org->n_webinars++;
	if ((rc = number_make(
		 g, &r, 90000000000ULL, 9999999999ULL, &sw->id)) != 0)
		return rc;
	rc = table_put(&g->ix->webinar, zp_mix64(sw->id), (long)w);
	return rc != 0 ? rc : (long)w;
}

/* add_winstance appends an instance of webinar w from start to end. */
static int
add_winstance(struct gen *g, size_t w, time_t start, time_t end)
{
	return append_instance(g, 1, w, start, end);
}

/* plan_webinar makes one webinar of u: one session, or a weekly series of
 * two or three. */
static int
plan_webinar(struct gen *g, int u, const struct span *s, struct rng *r)
{
	long d = random_workday(r, s),
	     minute = 10 * 60 + 30 * rng_int(r, 0, 10);
	int minutes = rng_pm(r, 500) ? 60 : 90, n = 1, k, rc;
	time_t start, end;
	long w;

	if (rng_pm(r, 150))
		n = (int)rng_int(r, 2, 3);
	w = add_webinar(g, u, slot_time(s, d, minute), minutes);
	if (w < 0)
		return (int)w;
	for (k = 0; k < n; k++, d += 7) {
		start = slot_time(s, d, minute) + rng_int(r, -60, 240);
		end = start + actual_len(r, minutes);
		if (inside(s, start, end) &&
		    (rc = add_winstance(g, (size_t)w, start, end)) != 0)
			return rc;
	}
	return 0;
}

/* webinar_host tells whether user u hosts webinars: about 1.5% of the
 * licensed members who ever meet. */
static int
webinar_host(const struct gen *g, int u)
{
	struct rng r = rng_derive(g->seed, TAG_WHOST, (uint64_t)u);

	return g->org->users[u].type == 2 && g->from[u] <= g->until[u] &&
	    rng_pm(&r, 15);
}

/* plan_host makes about one webinar a month for webinar host u. */
static int
plan_host(struct gen *g, int u)
{
	struct rng r = rng_derive(g->seed, TAG_WPLAN, (uint64_t)u);
	long total = g->org->opts.days + g->org->opts.future_days, n, k;
	struct span s;
	int rc;

	if (user_span(g, u, &s) != 0)
		return 0;
	n = total / 30 + (rng_int(&r, 0, 29) < total % 30);
	for (k = 0; k < n; k++)
		if ((rc = plan_webinar(g, u, &s, &r)) != 0)
			return rc;
	return 0;
}

/* gen_webinars makes the webinars of every webinar host, or of the owner
 * when no one else hosts any. */
static int
gen_webinars(struct gen *g)
{
	int u, found = 0, rc;

	if (g->org->opts.plan == SIM_PLAN_FREE)
		return 0;
	for (u = 0; u < (int)g->org->n_users; u++) {
		if (!webinar_host(g, u))
			continue;
		found = 1;
		if ((rc = plan_host(g, u)) != 0)
			return rc;
	}
	return found ? 0 : plan_host(g, 0);
}

/* webinar_crowd seats 10 to 150 attendees of webinar instance i: mostly
 * guests, some members, a few anonymous. */
static void
webinar_crowd(struct gen *g, struct rng *r, size_t i)
{
	size_t w = g->org->winstances[i].owner;
	time_t t = g->org->winstances[i].start;
	int want = (int)rng_int(r, 10, 150) + 1, tries, pm, x;

	for (tries = 0; g->n_who < want && tries < want * 3; tries++) {
		pm = (int)rng_below(r, 1000);
		if (pm < 120) {
			x = (int)rng_below(r, g->org->n_users);
			if (available(g, x, t) && !who_has(g, x))
				who_member(g, r, x, SIM_P_INTERNAL,
				    TAG_WREGISTRANT, w);
		} else if (pm < 140) {
			who_anonymous(g, r);
		} else {
			x = (int)rng_below(r, (uint64_t)g->n_guests);
			if (!who_has(g, GUEST_BASE + x))
				who_guest(g, r, x, TAG_WREGISTRANT, w);
		}
	}
}

/* gen_webinar_parts seats the attendees of every webinar instance. */
static int
gen_webinar_parts(struct gen *g)
{
	struct sim_org *org = g->org;
	struct sim_instance *si;
	struct rng r;
	size_t i;
	int rc;

	for (i = 0; i < org->n_winstances; i++) {
		si = &org->winstances[i];
		r = rng_derive(g->seed, TAG_WPARTS, i);
		g->n_who = 0;
		who_member(g, &r, org->webinars[si->owner].host, SIM_P_HOST, 0,
		    si->owner);
		webinar_crowd(g, &r, i);
		if ((rc = seat(g, &r, si, i, &org->wparts, &org->n_wparts,
			 &g->cap_wparts)) != 0)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Phone calls                                                         */
/* ------------------------------------------------------------------ */

/* call_parties fills both ends of call c of member u with an outside
 * number. */
static void
call_parties(struct gen *g, struct rng *r, int u, struct sim_call *c)
{
	const struct sim_user *su = &g->org->users[u];
	char name[64], number[20], ours[64], our_number[20];

	if (rng_pm(r, 500))
		copy_str(name, sizeof(name),
		    g->guests[rng_below(r, (uint64_t)g->n_guests)].name);
	else
		copy_str(name, sizeof(name), cnam[rng_below(r, NELEM(cnam))]);
	dialin_number((int)rng_below(r, N_DIALIN_MAX), number);
	say(ours, sizeof(ours), "%s %s", su->first_name, su->last_name);
	say(our_number, sizeof(our_number), "+1650%07d", 5550000 + u);
	c->direction = rng_pm(r, 500) ? "inbound" : "outbound";
	if (c->direction[0] == 'i') {
		memcpy(c->caller_name, name, sizeof(name));
		memcpy(c->caller_number, number, sizeof(number));
		memcpy(c->callee_name, ours, sizeof(ours));
		memcpy(c->callee_number, our_number, sizeof(our_number));
	} else {
		memcpy(c->caller_name, ours, sizeof(ours));
		memcpy(c->caller_number, our_number, sizeof(our_number));
		memcpy(c->callee_name, name, sizeof(name));
		memcpy(c->callee_number, number, sizeof(number));
	}
}

/* call_times draws how call c starting at start went: answered, not
 * answered, or sent to voicemail. */
static void
call_times(struct rng *r, time_t start, struct sim_call *c)
{
	int pm = (int)rng_below(r, 1000);
	time_t ring = rng_int(r, 5, 25);

	c->start_time = start;
	if (pm < 700) {
		c->call_result = "answered";
		c->answer_time = start + ring;
		c->duration = (int)(rng_pm(r, 600) ? rng_int(r, 30, 300)
						   : rng_int(r, 300, 1800));
		c->end_time = c->answer_time + c->duration;
	} else if (pm < 870) {
		c->call_result = "no_answer";
		c->end_time = start + rng_int(r, 20, 40);
	} else {
		c->call_result = "voicemail";
		c->duration = (int)rng_int(r, 10, 90);
		c->end_time = start + 25 + c->duration;
	}
}

/* add_call appends a call of member u starting at start; returns its end,
 * 0 if it did not fit in the span, or a negative ZP_E* code. */
static long
add_call(
    struct gen *g, struct rng *r, int u, const struct span *s, time_t start)
{
	struct sim_org *org = g->org;
	struct sim_call *c;
	int rc;

	if ((rc = reserve(&org->calls, &g->cap_calls, org->n_calls + 1,
		 sizeof(*org->calls))) != 0)
		return rc;
	c = &org->calls[org->n_calls];
	memset(c, 0, sizeof(*c));
	c->user = u;
	hex_uuid(r, c->id);
	say(c->call_id, sizeof(c->call_id), "7%018llu",
	    (unsigned long long)rng_below(r, 1000000000000000000ULL));
	call_parties(g, r, u, c);
	call_times(r, start, c);
	if (!inside(s, c->start_time, c->end_time))
		return 0;
	org->n_calls++;
	return (long)c->end_time;
}

/* plan_calls gives about 30% of the members Zoom Phone and about one call
 * per working day, one after the other. */
static int
plan_calls(struct gen *g, int u)
{
	struct rng r = rng_derive(g->seed, TAG_CALLS, (uint64_t)u);
	struct span s;
	time_t start;
	long d, end;
	int n, k, pm;

	if (!rng_pm(&r, 300) || user_span(g, u, &s) != 0)
		return 0;
	for (d = s.day_lo; d <= s.day_hi; d++) {
		if (!workday(d))
			continue;
		pm = (int)rng_below(&r, 1000);
		n = pm < 300 ? 0 : pm < 750 ? 1 : 2;
		start = slot_time(&s, d, rng_int(&r, 8 * 60, 12 * 60));
		for (k = 0; k < n; k++) {
			end = add_call(
			    g, &r, u, &s, start + rng_int(&r, 0, 3599));
			if (end < 0)
				return (int)end;
			start = (end > start ? end : start) + 3600;
		}
	}
	return 0;
}

/* gen_calls makes the phone calls of every member. */
static int
gen_calls(struct gen *g)
{
	int u, rc;

	if (g->org->opts.plan == SIM_PLAN_FREE)
		return 0;
	for (u = 0; u < (int)g->org->n_users; u++)
		if ((rc = plan_calls(g, u)) != 0)
			return rc;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Putting it together                                                 */
/* ------------------------------------------------------------------ */

/* recording_cmp orders recordings by start, then instance. */
static int
recording_cmp(const void *a, const void *b)
{
	const struct sim_recording *x = a, *y = b;

	if (x->recording_start != y->recording_start)
		return x->recording_start < y->recording_start ? -1 : 1;
	return (x->instance > y->instance) - (x->instance < y->instance);
}

/* call_cmp orders calls by start, then member: a member's calls never
 * start at the same second. */
static int
call_cmp(const void *a, const void *b)
{
	const struct sim_call *x = a, *y = b;

	if (x->start_time != y->start_time)
		return x->start_time < y->start_time ? -1 : 1;
	return (x->user > y->user) - (x->user < y->user);
}

/* gen_finish sorts recordings and calls and gives back spare memory. */
static int
gen_finish(struct gen *g)
{
	struct sim_org *org = g->org;

	if (org->n_recordings > 1)
		qsort(org->recordings, org->n_recordings,
		    sizeof(*org->recordings), recording_cmp);
	if (org->n_calls > 1)
		qsort(org->calls, org->n_calls, sizeof(*org->calls), call_cmp);
	shrink(&org->meetings, &g->cap_meetings, org->n_meetings,
	    sizeof(*org->meetings));
	shrink(&org->instances, &g->cap_instances, org->n_instances,
	    sizeof(*org->instances));
	shrink(&org->parts, &g->cap_parts, org->n_parts, sizeof(*org->parts));
	shrink(
	    &org->wparts, &g->cap_wparts, org->n_wparts, sizeof(*org->wparts));
	shrink(&org->calls, &g->cap_calls, org->n_calls, sizeof(*org->calls));
	return 0;
}

/* domain_ok tells whether s is a plausible e-mail domain that fits. */
static int
domain_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= sizeof(((struct sim_index *)0)->domain))
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= 'A' && s[i] <= 'Z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
			s[i] == '-'))
			return 0;
	return 1;
}

/* opts_check tells whether o can be generated: 0 or ZP_EINVAL. */
static int
opts_check(const struct sim_org_opts *o)
{
	if (o == NULL || o->users < 1 || o->users > MAX_USERS || o->days < 1 ||
	    o->days > MAX_DAYS || o->future_days < 0 || o->future_days > 366 ||
	    o->plan < SIM_PLAN_FREE || o->plan > SIM_PLAN_BUSINESS ||
	    o->account_id == NULL || o->account_id[0] == '\0' ||
	    o->domain == NULL || !domain_ok(o->domain))
		return ZP_EINVAL;
	if (strlen(o->account_id) >=
	    sizeof(((struct sim_index *)0)->account_id))
		return ZP_EINVAL;
	if (o->now < (time_t)(o->days + 2000) * DAY ||
	    o->now > (time_t)253000000000LL)
		return ZP_EINVAL;
	return 0;
}

/* gen_init prepares g and the org's index for o. */
static int
gen_init(struct gen *g, struct sim_org *org, const struct sim_org_opts *o)
{
	size_t i;

	g->org = org;
	g->seed = o->seed;
	g->start = o->now - (time_t)o->days * DAY;
	g->end = o->now + (time_t)o->future_days * DAY;
	g->who = calloc(WHO_MAX, sizeof(*g->who));
	org->index = g->ix = calloc(1, sizeof(*g->ix));
	if (g->who == NULL || g->ix == NULL)
		return ZP_ENOMEM;
	copy_str(g->ix->account_id, sizeof(g->ix->account_id), o->account_id);
	copy_str(g->ix->domain, sizeof(g->ix->domain), o->domain);
	for (i = 0; g->ix->domain[i] != '\0'; i++)
		if (g->ix->domain[i] >= 'A' && g->ix->domain[i] <= 'Z')
			g->ix->domain[i] =
			    (char)(g->ix->domain[i] - 'A' + 'a');
	org->opts = *o;
	org->opts.account_id = g->ix->account_id;
	org->opts.domain = g->ix->domain;
	return 0;
}

/* gen_release frees what only the generator needed. */
static void
gen_release(struct gen *g)
{
	free(g->from);
	free(g->until);
	free(g->zone);
	free(g->dept);
	free(g->dept_first);
	free(g->dept_users);
	free(g->guests);
	table_free(&g->guest_email);
	free(g->meta);
	free(g->who);
}

int
sim_org_generate(struct sim_org *org, const struct sim_org_opts *o)
{
	static int (*const steps[])(struct gen *) = {gen_users, gen_guests,
	    gen_meetings, gen_meeting_parts, gen_webinars, gen_webinar_parts,
	    gen_calls, gen_finish};
	struct gen g;
	size_t k;
	int rc;

	memset(org, 0, sizeof(*org));
	if ((rc = opts_check(o)) != 0)
		return rc;
	memset(&g, 0, sizeof(g));
	rc = gen_init(&g, org, o);
	for (k = 0; rc == 0 && k < NELEM(steps); k++)
		rc = steps[k](&g);
	gen_release(&g);
	if (rc != 0)
		sim_org_free(org);
	return rc;
}

void
sim_org_free(struct sim_org *org)
{
	struct sim_index *ix;

	if (org == NULL)
		return;
	ix = org->index;
	if (ix != NULL) {
		table_free(&ix->user_id);
		table_free(&ix->email);
		table_free(&ix->number);
		table_free(&ix->meeting);
		table_free(&ix->instance);
		table_free(&ix->webinar);
		table_free(&ix->winstance);
		free(ix);
	}
	free(org->users);
	free(org->meetings);
	free(org->instances);
	free(org->parts);
	free(org->webinars);
	free(org->winstances);
	free(org->wparts);
	free(org->recordings);
	free(org->calls);
	memset(org, 0, sizeof(*org));
}

/* ------------------------------------------------------------------ */
/* Lookups                                                             */
/* ------------------------------------------------------------------ */

long
sim_org_user(const struct sim_org *org, const char *id_or_email)
{
	const struct sim_index *ix;
	long v;

	if (org == NULL || org->index == NULL || id_or_email == NULL)
		return -1;
	ix = org->index;
	if (strcmp(id_or_email, "me") == 0)
		return org->n_users > 0 ? 0 : -1;
	v = table_find(&ix->user_id, hash_str(id_or_email, 0), id_or_email,
	    eq_user_id, org);
	if (v >= 0)
		return v;
	return table_find(
	    &ix->email, hash_str(id_or_email, 1), id_or_email, eq_email, org);
}

long
sim_org_meeting(const struct sim_org *org, uint64_t id)
{
	if (org == NULL || org->index == NULL)
		return -1;
	return table_find(
	    &org->index->meeting, zp_mix64(id), NULL, NULL, NULL);
}

long
sim_org_instance(const struct sim_org *org, const char *uuid)
{
	if (org == NULL || org->index == NULL || uuid == NULL)
		return -1;
	return table_find(
	    &org->index->instance, hash_str(uuid, 0), uuid, eq_instance, org);
}

long
sim_org_webinar(const struct sim_org *org, uint64_t id)
{
	if (org == NULL || org->index == NULL)
		return -1;
	return table_find(
	    &org->index->webinar, zp_mix64(id), NULL, NULL, NULL);
}

long
sim_org_winstance(const struct sim_org *org, const char *uuid)
{
	if (org == NULL || org->index == NULL || uuid == NULL)
		return -1;
	return table_find(&org->index->winstance, hash_str(uuid, 0), uuid,
	    eq_winstance, org);
}

/* ------------------------------------------------------------------ */
/* Time                                                                */
/* ------------------------------------------------------------------ */

void
sim_time_format(time_t t, char out[21])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		copy_str(out, 21, "1970-01-01T00:00:00Z");
}

/* digits reads n decimal digits at s; -1 if one is not a digit. */
static int
digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* month_days is the number of days of month mon (1-12) of year y. */
static int
month_days(int y, int mon)
{
	static const int days[] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return days[mon - 1] + (mon == 2 && leap);
}

int
sim_date_parse(const char *s, time_t *out)
{
	struct tm tm;
	int y, mon, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return ZP_EINVAL;
	y = digits(s, 4);
	mon = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 1970 || mon < 1 || mon > 12 || d < 1 || d > month_days(y, mon))
		return ZP_EINVAL;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = d;
	*out = timegm(&tm);
	return 0;
}
