/*
 * test_sim_org.c - the synthetic organization of zp-sim: the same seed
 * gives the same bytes, the entities keep their invariants, the lookups
 * find what was made, and the ground truth is valid NDJSON.
 */
#include "harness.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "error.h"
#include "json.h"
#include "org.h"

#define NOW ((time_t)1785000000) /* 2026-07-25T17:20:00Z */

/* make_org generates an organization of users over days, or fails the
 * test; returns 0 when it did. */
static int
make_org(struct sim_org *org, uint64_t seed, int users, int days)
{
	struct sim_org_opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.seed = seed;
	o.users = users;
	o.days = days;
	o.future_days = 7;
	o.plan = SIM_PLAN_BUSINESS;
	o.now = NOW;
	o.account_id = "acme";
	o.domain = "acme.example";
	rc = sim_org_generate(org, &o);
	CHECK_INT(rc, 0);
	return rc;
}

/* dump returns the ground truth of org as one malloc'd string. */
static char *
dump(const struct sim_org *org, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (f == NULL)
		return NULL;
	CHECK_INT(sim_org_dump_truth(org, f), 0);
	fclose(f);
	return text;
}

/* is_digits tells whether s is a non-empty string of decimal digits. */
static int
is_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* --- determinism ----------------------------------------------------- */

TEST(sim_org_same_seed_same_bytes)
{
	struct sim_org a, b, c;
	char *ta, *tb, *tc, *junk;
	size_t la = 0, lb = 0, lc = 0;

	if (make_org(&a, 7, 40, 30) != 0)
		return;
	junk = malloc(12345); /* a different heap for the second run */
	if (make_org(&b, 7, 40, 30) != 0 || make_org(&c, 8, 40, 30) != 0) {
		free(junk);
		sim_org_free(&a);
		sim_org_free(&b);
		return;
	}
	ta = dump(&a, &la);
	tb = dump(&b, &lb);
	tc = dump(&c, &lc);
	CHECK(ta != NULL && tb != NULL && tc != NULL);
	CHECK(la > 10000);
	CHECK(la == lb && ta != NULL && tb != NULL && memcmp(ta, tb, la) == 0);
	CHECK(
	    la != lc || (ta != NULL && tc != NULL && memcmp(ta, tc, la) != 0));
	free(ta);
	free(tb);
	free(tc);
	free(junk);
	sim_org_free(&a);
	sim_org_free(&b);
	sim_org_free(&c);
}

/* --- meetings and instances ------------------------------------------ */

/* check_ranges checks that n owners' instance ranges tile instances in
 * order, each in start order and inside the window. */
static void
check_ranges(const struct sim_instance *in, size_t n_in, size_t n_owner,
    const size_t *first, const size_t *count)
{
	size_t m, k, next = 0;
	const struct sim_instance *si;

	for (m = 0; m < n_owner; m++) {
		CHECK_INT(first[m], next);
		for (k = 0; k < count[m]; k++) {
			si = &in[first[m] + k];
			CHECK_INT(si->owner, m);
			CHECK(si->end - si->start >= 600);
			CHECK(si->end - si->start <= 7200);
			CHECK(k == 0 || si->start > si[-1].start);
			CHECK(si->start >= NOW - 60 * 86400L);
			CHECK(si->end <= NOW + 7 * 86400L);
		}
		next += count[m];
	}
	CHECK_INT(next, n_in);
}

TEST(sim_org_instance_ranges)
{
	struct sim_org org;
	size_t *first, *count, m;

	if (make_org(&org, 42, 200, 60) != 0)
		return;
	first = calloc(org.n_meetings + org.n_webinars, sizeof(size_t));
	count = calloc(org.n_meetings + org.n_webinars, sizeof(size_t));
	for (m = 0; m < org.n_meetings; m++) {
		first[m] = org.meetings[m].first_instance;
		count[m] = org.meetings[m].n_instances;
		CHECK(org.meetings[m].id >= 1000000000ULL);
		CHECK(org.meetings[m].id <= 99999999999ULL);
		CHECK_INT(org.meetings[m].listed,
		    org.meetings[m].type != SIM_MEETING_INSTANT);
		CHECK(strlen(org.meetings[m].password) >= 6);
	}
	check_ranges(
	    org.instances, org.n_instances, org.n_meetings, first, count);
	for (m = 0; m < org.n_webinars; m++) {
		first[m] = org.webinars[m].first_instance;
		count[m] = org.webinars[m].n_instances;
	}
	check_ranges(
	    org.winstances, org.n_winstances, org.n_webinars, first, count);
	free(first);
	free(count);
	sim_org_free(&org);
}

/* --- participants ---------------------------------------------------- */

/* check_segment checks one segment p of instance si. */
static void
check_segment(const struct sim_org *org, const struct sim_instance *si,
    const struct sim_part *p)
{
	CHECK(p->join >= si->start && p->leave <= si->end);
	CHECK(p->join < p->leave);
	CHECK(is_digits(p->user_id));
	CHECK(p->device != NULL && p->location != NULL &&
	    p->network_type != NULL);
	if (p->user >= 0) {
		CHECK_INT(p->person, p->user);
		CHECK_STR(p->id, org->users[p->user].id);
		CHECK(p->kind == SIM_P_HOST || p->kind == SIM_P_INTERNAL);
		return;
	}
	CHECK(p->person >= 100000);
	CHECK_STR(p->id, "");
	if (p->kind == SIM_P_DIALIN) {
		CHECK_STR(p->email, "");
		CHECK_STR(p->device, "Phone");
		CHECK_STR(p->network_type, "PSTN");
		CHECK(
		    p->name[0] == '+' || strcmp(p->name, "Dial-in User") == 0);
	} else if (p->kind == SIM_P_ANONYMOUS) {
		CHECK_STR(p->name, "");
		CHECK_STR(p->email, "");
	} else {
		CHECK_INT(p->kind, SIM_P_GUEST);
		CHECK(p->name[0] != '\0' && strchr(p->email, '@') != NULL);
	}
}

/* check_instance_parts checks the segments of instance i, whose host is
 * host, and returns how many distinct persons they have. */
static int
check_instance_parts(const struct sim_org *org, const struct sim_part *parts,
    const struct sim_instance *si, size_t i, int host)
{
	const struct sim_part *p = &parts[si->first_part];
	size_t k, j, prev;
	int persons = 0, opens = 0;

	for (k = 0; k < si->n_part; k++) {
		CHECK_INT(p[k].instance, i);
		CHECK(k == 0 || p[k].join >= p[k - 1].join);
		check_segment(org, si, &p[k]);
		if (p[k].kind == SIM_P_HOST) {
			CHECK_INT(p[k].user, host);
			opens += p[k].join == si->start;
		}
		for (j = 0, prev = k; j < k; j++) {
			CHECK(strcmp(p[j].user_id, p[k].user_id) != 0);
			if (p[j].person == p[k].person)
				prev = j;
		}
		if (prev == k)
			persons++;
		else /* one person's segments do not overlap */
			CHECK(p[k].join >= p[prev].leave);
	}
	CHECK_INT(opens, 1); /* the host opened the instance */
	return persons;
}

TEST(sim_org_participants)
{
	struct sim_org org;
	const struct sim_instance *si;
	size_t i, next = 0;

	if (make_org(&org, 42, 120, 45) != 0)
		return;
	for (i = 0; i < org.n_instances; i++) {
		si = &org.instances[i];
		CHECK_INT(si->first_part, next);
		next += si->n_part;
		CHECK_INT(check_instance_parts(&org, org.parts, si, i,
			      org.meetings[si->owner].host),
		    si->persons);
	}
	CHECK_INT(next, org.n_parts);
	for (i = 0, next = 0; i < org.n_winstances; i++) {
		si = &org.winstances[i];
		CHECK_INT(si->first_part, next);
		next += si->n_part;
		CHECK_INT(check_instance_parts(&org, org.wparts, si, i,
			      org.webinars[si->owner].host),
		    si->persons);
		CHECK(si->persons >= 2 && si->persons <= 151);
	}
	CHECK_INT(next, org.n_wparts);
	sim_org_free(&org);
}

TEST(sim_org_guest_keeps_number)
{
	struct sim_org org;
	const char **email;
	size_t i;
	int n = 0;

	if (make_org(&org, 3, 100, 60) != 0)
		return;
	email = calloc(100000, sizeof(*email));
	for (i = 0; i < org.n_parts; i++) {
		const struct sim_part *p = &org.parts[i];
		int g = p->person - 100000;

		if (p->kind != SIM_P_GUEST || g < 0 || g >= 100000)
			continue;
		if (email[g] == NULL)
			email[g] = p->email;
		else if (strcmp(email[g], p->email) == 0)
			n++;
		else
			CHECK_STR(p->email, email[g]);
	}
	CHECK(n > 0); /* some guests came back */
	free(email);
	sim_org_free(&org);
}

/* --- variety --------------------------------------------------------- */

/* Counts of the kinds of things a connector must cope with. */
struct variety {
	int slash_first, slash_double, single, dialin, anonymous;
	int hidden_email, future, unheld, types[9], inactive, pending, alt;
};

/* count_variety fills v from org. */
static void
count_variety(const struct sim_org *org, struct variety *v)
{
	size_t i;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < org->n_instances; i++) {
		v->slash_first += org->instances[i].uuid[0] == '/';
		v->slash_double +=
		    strstr(org->instances[i].uuid, "//") != NULL;
		v->single += org->instances[i].persons == 1;
		v->future += org->instances[i].start > NOW;
	}
	for (i = 0; i < org->n_parts; i++) {
		v->dialin += org->parts[i].kind == SIM_P_DIALIN;
		v->anonymous += org->parts[i].kind == SIM_P_ANONYMOUS;
		v->hidden_email += org->parts[i].kind == SIM_P_INTERNAL &&
		    org->parts[i].email[0] == '\0';
	}
	for (i = 0; i < org->n_meetings; i++) {
		v->unheld += org->meetings[i].n_instances == 0;
		v->types[org->meetings[i].type]++;
	}
	for (i = 0; i < org->n_users; i++) {
		v->inactive += strcmp(org->users[i].status, "inactive") == 0;
		v->pending += strcmp(org->users[i].status, "pending") == 0;
		v->alt += org->users[i].alt_email[0] != '\0';
	}
}

TEST(sim_org_variety)
{
	struct sim_org org;
	struct variety v;
	size_t i;

	if (make_org(&org, 42, 200, 60) != 0)
		return;
	count_variety(&org, &v);
	CHECK(v.slash_first > 0);
	CHECK(v.slash_double > 0);
	CHECK(v.single > 0);
	CHECK(v.dialin > 0);
	CHECK(v.anonymous > 0);
	CHECK(v.hidden_email > 0);
	CHECK(v.future > 0);
	CHECK(v.unheld > 0);
	CHECK(v.types[1] > 0 && v.types[2] > 0 && v.types[3] > 0 &&
	    v.types[8] > 0);
	CHECK(v.inactive > 0 && v.pending > 0 && v.alt > 0);
	CHECK(org.n_webinars > 0 && org.n_recordings > 0 && org.n_calls > 0);
	for (i = 0; i < org.n_recordings; i++) {
		CHECK(i == 0 ||
		    org.recordings[i].recording_start >=
			org.recordings[i - 1].recording_start);
		CHECK(org.instances[org.recordings[i].instance].has_recording);
	}
	for (i = 1; i < org.n_calls; i++)
		CHECK(org.calls[i].start_time >= org.calls[i - 1].start_time);
	sim_org_free(&org);
}

/* --- users ----------------------------------------------------------- */

/* id_ok tells whether s is a Zoom user id: 22 of [A-Za-z0-9_-]. */
static int
id_ok(const char *s)
{
	return strlen(s) == 22 &&
	    strspn(s,
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789_-") == 22;
}

TEST(sim_org_users)
{
	struct sim_org org;
	const struct sim_user *u;
	size_t i;

	if (make_org(&org, 11, 300, 30) != 0)
		return;
	CHECK_STR(org.users[0].status, "active");
	CHECK_INT(org.users[0].type, 2);
	CHECK_STR(org.opts.domain, "acme.example");
	for (i = 0; i < org.n_users; i++) {
		u = &org.users[i];
		CHECK(id_ok(u->id));
		CHECK(strstr(u->email, "@acme.example") != NULL);
		CHECK(strspn(u->email,
			  "abcdefghijklmnopqrstuvwxyz0123456789.@") ==
		    strlen(u->email));
		CHECK(u->pmi >= 1000000000ULL && u->pmi <= 9999999999ULL);
		CHECK(u->type == 1 || u->type == 2);
		CHECK(u->timezone != NULL && u->dept[0] != '\0');
		CHECK_INT(sim_org_user(&org, u->id), i);
		CHECK_INT(sim_org_user(&org, u->email), i);
	}
	sim_org_free(&org);
}

/* --- lookups --------------------------------------------------------- */

/* upper returns s in upper case, in a static buffer. */
static const char *
upper(const char *s)
{
	static char out[128];
	size_t i;

	for (i = 0; s[i] != '\0' && i < sizeof(out) - 1; i++)
		out[i] =
		    (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
	out[i] = '\0';
	return out;
}

TEST(sim_org_lookups)
{
	struct sim_org org;
	size_t i;
	long alt = -1;

	if (make_org(&org, 5, 150, 30) != 0)
		return;
	CHECK_INT(sim_org_user(&org, "me"), 0);
	CHECK_INT(sim_org_user(&org, upper(org.users[7].email)), 7);
	for (i = 0; i < org.n_users && alt < 0; i++)
		if (org.users[i].alt_email[0] != '\0')
			alt = (long)i;
	CHECK(alt >= 0);
	if (alt >= 0)
		CHECK_INT(sim_org_user(&org, org.users[alt].alt_email), alt);
	for (i = 0; i < org.n_meetings; i++)
		CHECK_INT(sim_org_meeting(&org, org.meetings[i].id), i);
	for (i = 0; i < org.n_instances; i++)
		CHECK_INT(sim_org_instance(&org, org.instances[i].uuid), i);
	for (i = 0; i < org.n_webinars; i++)
		CHECK_INT(sim_org_webinar(&org, org.webinars[i].id), i);
	for (i = 0; i < org.n_winstances; i++)
		CHECK_INT(sim_org_winstance(&org, org.winstances[i].uuid), i);
	CHECK_INT(sim_org_user(&org, "nobody@acme.example"), -1);
	CHECK_INT(sim_org_user(&org, ""), -1);
	CHECK_INT(sim_org_user(&org, NULL), -1);
	CHECK_INT(sim_org_user(&org, "AAAAAAAAAAAAAAAAAAAAAA"), -1);
	CHECK_INT(sim_org_meeting(&org, 1), -1);
	CHECK_INT(sim_org_meeting(&org, org.users[3].pmi), -1);
	CHECK_INT(sim_org_instance(&org, "AAAAAAAAAAAAAAAAAAAAAA=="), -1);
	if (org.n_winstances > 0)
		CHECK_INT(sim_org_instance(&org, org.winstances[0].uuid), -1);
	CHECK_INT(sim_org_webinar(&org, 1), -1);
	CHECK_INT(sim_org_winstance(&org, org.instances[0].uuid), -1);
	sim_org_free(&org);
	CHECK_INT(sim_org_user(&org, "me"), -1);
}

/* --- the ground truth ------------------------------------------------ */

/* The line types in the order they are written. */
static const char *const truth_types[] = {"user", "meeting", "instance",
    "participation", "webinar", "webinar_instance", "webinar_participation",
    "recording", "call"};

/* type_of returns the index in truth_types of the line at s, or -1. */
static int
type_of(const char *s, size_t n)
{
	char head[64];
	int k;

	for (k = 0; k < 9; k++) {
		snprintf(
		    head, sizeof(head), "{\"type\":\"%s\",", truth_types[k]);
		if (n > strlen(head) && memcmp(s, head, strlen(head)) == 0)
			return k;
	}
	return -1;
}

TEST(sim_org_truth_lines)
{
	struct sim_org org;
	struct zp_json_error err;
	size_t len = 0, count[9] = {0}, n;
	char *text, *p, *nl;
	int k, last = 0;

	if (make_org(&org, 9, 60, 20) != 0)
		return;
	text = dump(&org, &len);
	for (p = text; p != NULL && p < text + len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(text + len - p));
		CHECK(nl != NULL);
		if (nl == NULL)
			break;
		n = (size_t)(nl - p);
		CHECK_INT(zp_json_validate(p, n, &err), 0);
		k = type_of(p, n);
		CHECK(k >= last);
		if (k < 0)
			break;
		last = k;
		count[k]++;
	}
	CHECK_INT(count[0], org.n_users);
	CHECK_INT(count[1], org.n_meetings);
	CHECK_INT(count[2], org.n_instances);
	CHECK_INT(count[3], org.n_parts);
	CHECK_INT(count[4], org.n_webinars);
	CHECK_INT(count[5], org.n_winstances);
	CHECK_INT(count[6], org.n_wparts);
	CHECK_INT(count[7], org.n_recordings);
	CHECK_INT(count[8], org.n_calls);
	CHECK(text != NULL && strstr(text, "\"kind\":\"host\"") != NULL);
	free(text);
	sim_org_free(&org);
}

/* --- options --------------------------------------------------------- */

TEST(sim_org_rejects_bad_options)
{
	struct sim_org org;
	struct sim_org_opts o;

	memset(&o, 0, sizeof(o));
	o.seed = 1;
	o.users = 10;
	o.days = 10;
	o.now = NOW;
	o.account_id = "acme";
	o.domain = "acme.example";
	o.users = 0;
	CHECK_INT(sim_org_generate(&org, &o), ZP_EINVAL);
	CHECK(org.users == NULL && org.index == NULL);
	o.users = 10;
	o.days = 0;
	CHECK_INT(sim_org_generate(&org, &o), ZP_EINVAL);
	o.days = 10;
	o.domain = "acme example";
	CHECK_INT(sim_org_generate(&org, &o), ZP_EINVAL);
	o.domain = "acme.example";
	o.account_id = NULL;
	CHECK_INT(sim_org_generate(&org, &o), ZP_EINVAL);
	o.account_id = "acme";
	o.future_days = -1;
	CHECK_INT(sim_org_generate(&org, &o), ZP_EINVAL);
	CHECK_INT(sim_org_generate(&org, NULL), ZP_EINVAL);
	sim_org_free(&org);
	sim_org_free(&org);
	sim_org_free(NULL);
}

TEST(sim_org_tiny_and_free_plan)
{
	struct sim_org org;
	struct sim_org_opts o;
	size_t i;

	memset(&o, 0, sizeof(o));
	o.seed = 1;
	o.users = 1;
	o.days = 1;
	o.now = NOW;
	o.plan = SIM_PLAN_FREE;
	o.account_id = "a";
	o.domain = "A.Example";
	CHECK_INT(sim_org_generate(&org, &o), 0);
	CHECK_INT(org.n_users, 1);
	CHECK_STR(org.opts.domain, "a.example");
	CHECK(org.opts.domain != o.domain);
	CHECK_INT(org.n_webinars, 0);
	CHECK_INT(org.n_recordings, 0);
	CHECK_INT(org.n_calls, 0);
	CHECK_INT(org.users[0].type, 1);
	for (i = 0; i < org.n_instances; i++)
		CHECK(org.instances[i].persons <= 2 ||
		    org.instances[i].end - org.instances[i].start <= 2400);
	sim_org_free(&org);
}

/* --- time ------------------------------------------------------------ */

TEST(sim_org_date_parse)
{
	time_t t = 0;

	CHECK_INT(sim_date_parse("2026-01-01", &t), 0);
	CHECK_INT(t, 1767225600);
	CHECK_INT(sim_date_parse("2024-02-29", &t), 0);
	CHECK_INT(t, 1709164800);
	CHECK_INT(sim_date_parse("2026-02-30", &t), ZP_EINVAL);
	CHECK_INT(sim_date_parse("2025-02-29", &t), ZP_EINVAL);
	CHECK_INT(sim_date_parse("2026-1-1", &t), ZP_EINVAL);
	CHECK_INT(sim_date_parse("2026-13-01", &t), ZP_EINVAL);
	CHECK_INT(sim_date_parse("2026-00-10", &t), ZP_EINVAL);
	CHECK_INT(sim_date_parse("2026-04-31", &t), ZP_EINVAL);
	CHECK_INT(sim_date_parse("2026-01-01x", &t), ZP_EINVAL);
	CHECK_INT(sim_date_parse("2026/01/01", &t), ZP_EINVAL);
	CHECK_INT(sim_date_parse("+026-01-01", &t), ZP_EINVAL);
	CHECK_INT(sim_date_parse("", &t), ZP_EINVAL);
	CHECK_INT(sim_date_parse(NULL, &t), ZP_EINVAL);
}

TEST(sim_org_time_format)
{
	char s[21];

	sim_time_format(0, s);
	CHECK_STR(s, "1970-01-01T00:00:00Z");
	sim_time_format(1767225600, s);
	CHECK_STR(s, "2026-01-01T00:00:00Z");
	sim_time_format(NOW, s);
	CHECK_STR(s, "2026-07-25T17:20:00Z");
	sim_time_format(1709251199, s);
	CHECK_STR(s, "2024-02-29T23:59:59Z");
}

/* --- size ------------------------------------------------------------ */

TEST(sim_org_large)
{
	struct sim_org org;
	struct sim_org_opts o;
	struct timespec a, b;

	memset(&o, 0, sizeof(o));
	o.seed = 42;
	o.users = 2000;
	o.days = 180;
	o.future_days = 7;
	o.plan = SIM_PLAN_BUSINESS;
	o.now = NOW;
	o.account_id = "acme";
	o.domain = "acme.example";
	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK_INT(sim_org_generate(&org, &o), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf(
	    "     2000 users, 180 days: %zu meetings, %zu instances, "
	    "%zu parts, %zu webinars, %zu recordings, %zu calls in %ld ms\n",
	    org.n_meetings, org.n_instances, org.n_parts, org.n_webinars,
	    org.n_recordings, org.n_calls,
	    (long)((b.tv_sec - a.tv_sec) * 1000 +
		(b.tv_nsec - a.tv_nsec) / 1000000));
	CHECK_INT(org.n_users, 2000);
	CHECK(org.n_instances > 10000);
	sim_org_free(&org);
}
