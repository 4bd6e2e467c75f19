/*
 * gen-participants.c - write a deterministic corpus of Zoom participant
 * pages as NDJSON, one page per line, for the JSON round-trip benchmark.
 *
 * usage: gen-participants [--envelopes] [--mb N] [--people N] [--seed S]
 *
 * With --envelopes each page is the body of a v1 page envelope of
 * GET /v2/report/meetings/{meetingId}/participants, as zp-fetch writes it,
 * for the benchmarks of the stages after it.  With --people N the
 * participants are drawn from N people, each with the same id, name and
 * email in every meeting, as in a real account (user_id stays a number
 * of its own per participation, as Zoom's is).
 *
 * Pages follow GET /report/meetings/{meetingId}/participants in
 * zoom-openapi/meeting-api.json: 300 participants a page, fewer on the last
 * page of a meeting, with the pagination fields around them.  Names mix
 * ASCII, raw UTF-8 and escapes (\" \\ \/ \t \u00e9 and a surrogate pair)
 * so that every path of the string code runs; a fifth of the emails are
 * empty, as Zoom sends for users outside the host's account; registrant
 * ids are 19-digit strings and each page carries a 19-digit int64
 * meeting_id, which jq 1.6 rounds and zoompipe must keep byte-exact.
 * Output stops after the first page that reaches N MB (10^6 bytes); the
 * same N and S always give the same bytes.
 *
 * Exit: 0 ok, 64 usage, 75 write or memory failure.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "error.h"
#include "splitmix.h"

#define PAGE_SIZE 300
#define FLUSH_AT (1u << 20)
#define START_EPOCH 1790848800 /* 2026-10-01T10:00:00Z */

/* The generator's state: its random stream and the pending output. */
struct gen {
	uint64_t rng;
	struct zp_buf out;
	uint64_t written;
	uint64_t target;
	int envelopes; /* wrap each page in a page envelope */
	unsigned people; /* identities from a pool of this many, or 0 */
	unsigned long meeting;
	unsigned long user;
};

/* A display name as JSON string content, and the ASCII of its email. */
struct name {
	const char *json;
	const char *slug;
};

/*
 * Names come in three pools: plain ASCII, raw UTF-8 (about one name part
 * in ten) and text that needs JSON escapes (one in twenty-five).
 */
static const struct name first_ascii[] = {
    {"Jill", "jill"},
    {"Priya", "priya"},
    {"Mei", "mei"},
    {"Kwame", "kwame"},
    {"Dmitri", "dmitri"},
    {"Maria", "maria"},
    {"Fatima", "fatima"},
    {"John", "john"},
    {"Aoife", "aoife"},
    {"Olga", "olga"},
    {"Carlos", "carlos"},
    {"Yuki", "yuki"},
    {"Sarah", "sarah"},
    {"Michael", "michael"},
    {"Emma", "emma"},
    {"David", "david"},
    {"Laura", "laura"},
    {"Ahmed", "ahmed"},
    {"Ravi", "ravi"},
    {"Grace", "grace"},
};

static const struct name first_utf8[] = {
    {"Jos\xc3\xa9", "jose"},
    {"Zo\xc3\xab", "zoe"},
    {"\xc5\x81ukasz", "lukasz"},
    {"S\xc3\xb8ren", "soren"},
    {"\xe6\x9d\x8e\xe9\x9b\xb7", "lilei"},
    {"Ana\xc3\xafs", "anais"},
    {"Bj\xc3\xb6rn", "bjorn"},
    {"\xc3\x89mile", "emile"},
};

static const struct name first_escaped[] = {
    {"Ren\\u00e9e", "renee"},
    {"\\\"DJ\\\"", "dj"},
    {"Tom\\u00e1s", "tomas"},
};

static const struct name last_ascii[] = {
    {"Chill", "chill"},
    {"O'Brien", "obrien"},
    {"Smith", "smith"},
    {"Kowalski", "kowalski"},
    {"Dubois", "dubois"},
    {"Tanaka", "tanaka"},
    {"Wang", "wang"},
    {"Okafor", "okafor"},
    {"Kim", "kim"},
    {"Johnson", "johnson"},
    {"Rossi", "rossi"},
    {"Patel", "patel"},
    {"Brown", "brown"},
    {"Schmidt", "schmidt"},
    {"Silva", "silva"},
    {"Cohen", "cohen"},
};

static const struct name last_utf8[] = {
    {"Garc\xc3\xad"
     "a",
	"garcia"},
    {"M\xc3\xbcller", "muller"},
    {"\xc5\x8ctsuka", "otsuka"},
    {"\xd0\x98\xd0\xb2\xd0\xb0"
     "\xd0\xbd\xd0\xbe\xd0\xb2\xd0\xb0",
	"ivanova"},
    {"Nu\xc3\xb1"
     "ez",
	"nunez"},
    {"Nguy\xe1\xbb\x85n", "nguyen"},
};

static const struct name last_escaped[] = {
    {"Back\\\\slash", "bs"},
    {"(AT\\/T Guest)", "att"},
    {"Laptop\\tRoom", "room"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define POOL(p)                                                               \
	{                                                                     \
		p##_ascii, p##_utf8, p##_escaped, COUNT(p##_ascii),           \
		    COUNT(p##_utf8), COUNT(p##_escaped)                       \
	}

/* The three pools of one name part. */
struct name_pool {
	const struct name *ascii, *utf8, *escaped;
	unsigned n_ascii, n_utf8, n_escaped;
};

static const struct name_pool first_names = POOL(first);
static const struct name_pool last_names = POOL(last);

static const char *const domains[] = {
    "example.com",
    "example.org",
    "corp.example.net",
    "mail.example.co.jp",
};

/* die reports msg on stderr and exits with status. */
static void
die(int status, const char *msg)
{
	fprintf(stderr, "gen-participants: %s\n", msg);
	exit(status);
}

/* next_random returns the next value of a splitmix64 stream. */
static uint64_t
next_random(struct gen *g)
{
	return zp_splitmix64(&g->rng);
}

/* pick returns a random number below n. */
static unsigned
pick(struct gen *g, unsigned n)
{
	return (unsigned)(next_random(g) % n);
}

/* put appends n bytes to the output or dies. */
static void
put(struct gen *g, const char *s, size_t n)
{
	if (zp_buf_append(&g->out, s, n) != 0)
		die(ZP_EXIT_TEMPFAIL, "out of memory");
}

/* put_str appends the C string s. */
static void
put_str(struct gen *g, const char *s)
{
	put(g, s, strlen(s));
}

/* put_u64 appends v in decimal. */
static void
put_u64(struct gen *g, uint64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v);

	put(g, tmp, (size_t)n);
}

/* put_key appends ,"key": (without the comma for the first member). */
static void
put_key(struct gen *g, const char *key, int first)
{
	if (!first)
		put(g, ",", 1);
	put(g, "\"", 1);
	put_str(g, key);
	put(g, "\":", 2);
}

/* put_token appends a quoted random token of n URL-safe base64 chars. */
static void
put_token(struct gen *g, size_t n)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char tmp[64];
	uint64_t r = 0;
	size_t i;

	for (i = 0; i < n && i < sizeof(tmp); i++) {
		if (i % 10 == 0)
			r = next_random(g);
		tmp[i] = alphabet[r & 63];
		r >>= 6;
	}
	put(g, "\"", 1);
	put(g, tmp, i);
	put(g, "\"", 1);
}

/* put_time appends epoch t as a quoted ISO 8601 UTC time. */
static void
put_time(struct gen *g, time_t t)
{
	struct tm tm;
	char tmp[32];
	size_t n;

	gmtime_r(&t, &tm);
	n = strftime(tmp, sizeof(tmp), "\"%Y-%m-%dT%H:%M:%SZ\"", &tm);
	put(g, tmp, n);
}

/* put_suffix appends the emoji, pronoun or device some names carry. */
static void
put_suffix(struct gen *g)
{
	switch (pick(g, 50)) {
	case 0: put_str(g, " \\ud83d\\ude00"); break;
	case 1: put_str(g, " (she\\/her)"); break;
	case 2:
	case 3: put_str(g, " \xf0\x9f\x8e\xa7"); break;
	case 4:
	case 5: put_str(g, " - iPhone"); break;
	default: break;
	}
}

/* choose_name picks one entry of pool p. */
static const struct name *
choose_name(struct gen *g, const struct name_pool *p)
{
	unsigned r = pick(g, 50);

	if (r < 2)
		return &p->escaped[pick(g, p->n_escaped)];
	if (r < 7)
		return &p->utf8[pick(g, p->n_utf8)];
	return &p->ascii[pick(g, p->n_ascii)];
}

/* put_identity appends the id, user, name and email members.  With a
 * pool of people, a person's id, name and email come from a random stream
 * of their own, so the same person looks the same in every meeting. */
static void
put_identity(struct gen *g)
{
	uint64_t saved = g->rng, person;
	const struct name *f, *l;

	if (g->people > 0) {
		person = pick(g, g->people) + 1;
		saved = g->rng;
		g->rng = person * 0x9e3779b97f4a7c15ULL;
	}
	f = choose_name(g, &first_names);
	l = choose_name(g, &last_names);

	put_key(g, "id", 1);
	if (pick(g, 10) == 0)
		put(g, "\"\"", 2); /* a guest who did not sign in */
	else
		put_token(g, 22);
	put_key(g, "user_id", 0);
	put(g, "\"", 1);
	put_u64(g, 16778240 + g->user++);
	put(g, "\"", 1);
	put_key(g, "name", 0);
	put(g, "\"", 1);
	put_str(g, f->json);
	put(g, " ", 1);
	put_str(g, l->json);
	put_suffix(g);
	put(g, "\"", 1);
	put_key(g, "user_email", 0);
	put(g, "\"", 1);
	if (pick(g, 5) != 0) {
		put_str(g, f->slug);
		put(g, ".", 1);
		put_str(g, l->slug);
		put(g, "@", 1);
		put_str(g, domains[pick(g, COUNT(domains))]);
	}
	put(g, "\"", 1);
	if (g->people > 0)
		g->rng = saved;
}

/* put_attendance appends the time, duration and status members. */
static void
put_attendance(struct gen *g, time_t start)
{
	time_t join = start + (time_t)pick(g, 3600);
	unsigned duration = 30 + pick(g, 7200);

	put_key(g, "join_time", 0);
	put_time(g, join);
	put_key(g, "leave_time", 0);
	put_time(g, join + (time_t)duration);
	put_key(g, "duration", 0);
	put_u64(g, duration);
	put_key(g, "attentiveness_score", 0);
	put(g, "\"\"", 2);
	put_key(g, "failover", 0);
	put_str(g, pick(g, 100) == 0 ? "true" : "false");
	put_key(g, "status", 0);
	put_str(
	    g, pick(g, 20) == 0 ? "\"in_waiting_room\"" : "\"in_meeting\"");
}

/* put_participant appends one participant object. */
static void
put_participant(struct gen *g, time_t start)
{
	put(g, "{", 1);
	put_identity(g);
	put_attendance(g, start);
	put_key(g, "registrant_id", 0);
	if (pick(g, 2) == 0) {
		put(g, "\"", 1);
		put_u64(g,
		    1000000000000000000ULL +
			next_random(g) % 9000000000000000000ULL);
		put(g, "\"", 1);
	} else {
		put(g, "\"\"", 2);
	}
	put_key(g, "customer_key", 0);
	if (pick(g, 10) == 0)
		put_token(g, 1 + pick(g, 15));
	else
		put(g, "\"\"", 2);
	put_key(g, "participant_user_id", 0);
	put_token(g, 22);
	put(g, "}", 1);
}

/* put_page appends page number page (from 1) of a meeting and a newline. */
static void
put_page(struct gen *g, uint64_t meeting_id, unsigned total, unsigned page,
    time_t start)
{
	unsigned pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
	unsigned last = total - (pages - 1) * PAGE_SIZE;
	unsigned n = page < pages ? PAGE_SIZE : last;
	unsigned i;
	char head[512];

	if (g->envelopes) {
		snprintf(head, sizeof(head),
		    "{\"v\":1,\"id\":\"%016" PRIx64 "%016" PRIx64
		    "\",\"kind\":\"page\",\"account\":\"acme\",\"method\":"
		    "\"GET\",\"path\":\"/v2/report/meetings/%" PRIu64
		    "/participants?page_size=300\",\"endpoint\":\"/v2/report/"
		    "meetings/{meetingId}/"
		    "participants\",\"status\":200,\"at\":"
		    "\"2026-11-22T03:00:00Z\",\"body\":",
		    meeting_id, (uint64_t)page, meeting_id);
		put_str(g, head);
	}
	put(g, "{", 1);
	put_key(g, "page_count", 1);
	put_u64(g, pages);
	put_key(g, "page_size", 0);
	put_u64(g, PAGE_SIZE);
	put_key(g, "total_records", 0);
	put_u64(g, total);
	put_key(g, "meeting_id", 0);
	put_u64(g, meeting_id);
	put_key(g, "next_page_token", 0);
	if (page < pages)
		put_token(g, 35);
	else
		put(g, "\"\"", 2);
	put_key(g, "participants", 0);
	put(g, "[", 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			put(g, ",", 1);
		put_participant(g, start);
	}
	put(g, g->envelopes ? "]}}\n" : "]}\n", g->envelopes ? 4 : 3);
}

/* flush writes the pending output to stdout when force or it is large. */
static void
flush(struct gen *g, int force)
{
	if (g->out.len == 0 || (!force && g->out.len < FLUSH_AT))
		return;
	if (fwrite(g->out.data, 1, g->out.len, stdout) != g->out.len)
		die(ZP_EXIT_TEMPFAIL, "write error on stdout");
	g->written += g->out.len;
	zp_buf_reset(&g->out);
}

/* put_meeting appends the pages of one meeting until the target is met. */
static void
put_meeting(struct gen *g)
{
	uint64_t id =
	    1000000000000000000ULL + next_random(g) % 9000000000000000000ULL;
	unsigned total = 301 + pick(g, 5700);
	time_t start = START_EPOCH + (time_t)g->meeting * 5400;
	unsigned page;

	g->meeting++;
	for (page = 1; (page - 1) * PAGE_SIZE < total; page++) {
		put_page(g, id, total, page, start);
		flush(g, 0);
		if (g->written + g->out.len >= g->target)
			return;
	}
}

/* usage prints the synopsis to f. */
static void
usage(FILE *f)
{
	fprintf(
	    f, "usage: gen-participants [--envelopes] [--mb N] [--seed S]\n");
}

/* parse_u64 reads a decimal option value or exits with a usage error. */
static uint64_t
parse_u64(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (*s == '\0' || *end != '\0' || *s == '-') {
		usage(stderr);
		exit(ZP_EXIT_USAGE);
	}
	return v;
}

/* main writes --mb MB of pages generated from --seed to stdout. */
int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"envelopes", no_argument, NULL, 'e'},
	    {"help", no_argument, NULL, 'h'},
	    {"mb", required_argument, NULL, 'm'},
	    {"people", required_argument, NULL, 'p'},
	    {"seed", required_argument, NULL, 's'},
	    {NULL, 0, NULL, 0},
	};
	struct gen g = {.out = ZP_BUF_INIT, .target = 100000000};
	int c;

	while ((c = getopt_long(argc, argv, "ehm:p:s:", opts, NULL)) != -1) {
		switch (c) {
		case 'e': g.envelopes = 1; break;
		case 'p': g.people = (unsigned)parse_u64(optarg); break;
		case 'h': usage(stdout); return ZP_EXIT_OK;
		case 'm': g.target = parse_u64(optarg) * 1000000; break;
		case 's': g.rng = parse_u64(optarg); break;
		default: usage(stderr); return ZP_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return ZP_EXIT_USAGE;
	}
	while (g.written + g.out.len < g.target)
		put_meeting(&g);
	flush(&g, 1);
	zp_buf_release(&g.out);
	if (ferror(stdout) || fclose(stdout) != 0)
		die(ZP_EXIT_TEMPFAIL, "write error on stdout");
	return ZP_EXIT_OK;
}
