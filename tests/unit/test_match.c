/*
 * test_match.c - zp-match's roster loader (CSV, NDJSON, bad rows) and its
 * identity index (canonical forms, pseudonyms, conflicts, lookups, scale).
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "index.h"
#include "roster.h"
#include "buf.h"
#include "error.h"
#include "pseudonym.h"

/* load parses text as fmt into a new roster, capturing stderr in err. */
static struct match_roster *
load(const char *name, const char *text, enum match_roster_format fmt, int *rc,
    struct zp_buf *err)
{
	struct match_roster *r = NULL;
	struct zp_capture cap;

	CHECK_INT(match_roster_new(&r), 0);
	zp_buf_reset(err);
	zp_capture_begin(&cap);
	*rc = match_roster_load_string(r, name, text, strlen(text), fmt);
	zp_capture_end(&cap, err);
	return r;
}

/* has tells whether the captured text contains s; it says so if not. */
static int
has(const struct zp_buf *err, const char *s)
{
	if (err->data != NULL && strstr(err->data, s) != NULL)
		return 1;
	fprintf(stderr, "  missing \"%s\" in:\n%s\n", s,
	    err->data ? err->data : "");
	return 0;
}

/* lines counts the lines of the captured text. */
static int
lines(const struct zp_buf *err)
{
	int n = 0;
	size_t i;

	for (i = 0; i < err->len; i++)
		n += err->data[i] == '\n';
	return n;
}

/* --- rosters ---------------------------------------------------------- */

TEST(match_roster_csv)
{
	static const char csv[] =
	    "\xEF\xBB\xBF"
	    "Person ID,E-Mail,alt_email,Employee_Unique_ID,Name,Dept,"
	    "Valid From,valid_to\r\n"
	    "p1,alice@acme.com,\"a@acme.co.uk; alice.b@acme.com\",E1,"
	    "\"Smith, Alice\",R&D,2026-01-01,2026-12-31\r\n"
	    "\r\n"
	    "  p2 , \"bob@acme.com,bob2@acme.com\" ,,,\"Bob "
	    "\"\"B\"\"\nJones\","
	    "Ops,,\r\n"
	    "p3,,,E3,,,,\n"
	    "p4,\"[\"\"c@x.com\"\",\"\"d@x.com\"\"]\"\n";
	struct zp_buf err = ZP_BUF_INIT;
	struct match_roster *r;
	const struct match_person *p;
	int rc;

	r = load("hr.csv", csv, MATCH_ROSTER_AUTO, &rc, &err);
	CHECK_INT(rc, 0);
	CHECK_INT(r->rejected, 0);
	CHECK_INT(err.len, 0);
	CHECK_INT(r->n, 4);
	p = &r->people[0];
	CHECK_STR(p->id, "p1");
	CHECK_INT(p->n_emails, 3);
	CHECK_STR(p->emails[0], "alice@acme.com");
	CHECK_STR(p->emails[1], "a@acme.co.uk");
	CHECK_STR(p->emails[2], "alice.b@acme.com");
	CHECK_STR(p->employee_id, "E1");
	CHECK_STR(p->name, "Smith, Alice");
	CHECK_STR(p->department, "R&D");
	CHECK_STR(p->valid_from, "2026-01-01");
	CHECK_STR(p->valid_to, "2026-12-31");
	CHECK_STR(p->file, "hr.csv");
	CHECK_INT(p->line, 2);
	p = &r->people[1];
	CHECK_STR(p->id, "p2");
	CHECK_INT(p->line, 4);
	CHECK_INT(p->n_emails, 2);
	CHECK_STR(p->emails[1], "bob2@acme.com");
	CHECK(p->employee_id == NULL);
	CHECK_STR(p->name, "Bob \"B\"\nJones");
	CHECK(p->valid_from == NULL);
	p = &r->people[2];
	CHECK_INT(p->line, 6);
	CHECK_INT(p->n_emails, 0);
	CHECK_STR(p->employee_id, "E3");
	p = &r->people[3];
	CHECK_INT(p->line, 7);
	CHECK_INT(p->n_emails, 2);
	CHECK_STR(p->emails[0], "c@x.com");
	CHECK_STR(p->emails[1], "d@x.com");
	CHECK(match_roster_memory(r) > 0);
	match_roster_free(&r);
	match_roster_free(&r);
	CHECK(r == NULL);
	zp_buf_release(&err);
}

TEST(match_roster_ndjson)
{
	static const char nd[] =
	    "{\"id\":\"p1\",\"emails\":[\"a@x.com\",\"A2@x.com\"],"
	    "\"employeeId\":1001,\"manager\":null,\"extra\":{\"k\":[1]}}\n"
	    "\n"
	    "{\"person_id\":\"p\\u00e9\",\"email\":\"b@x.com;c@x.com\","
	    "\"MANAGER_ID\":\"p1\",\"full_name\":\"B \\\"Q\\\"\"}\r\n";
	struct zp_buf err = ZP_BUF_INIT;
	struct match_roster *r;
	int rc;

	r = load("hr.ndjson", nd, MATCH_ROSTER_AUTO, &rc, &err);
	CHECK_INT(rc, 0);
	CHECK_INT(err.len, 0);
	CHECK_INT(r->n, 2);
	CHECK_STR(r->people[0].id, "p1");
	CHECK_INT(r->people[0].n_emails, 2);
	CHECK_STR(r->people[0].emails[1], "A2@x.com");
	CHECK_STR(r->people[0].employee_id, "1001");
	CHECK(r->people[0].manager == NULL);
	CHECK_STR(r->people[1].id, "p\xc3\xa9");
	CHECK_INT(r->people[1].line, 3);
	CHECK_INT(r->people[1].n_emails, 2);
	CHECK_STR(r->people[1].emails[1], "c@x.com");
	CHECK_STR(r->people[1].manager, "p1");
	CHECK_STR(r->people[1].name, "B \"Q\"");
	match_roster_free(&r);
	zp_buf_release(&err);
}

TEST(match_roster_bad_csv_rows)
{
	static const char csv[] =
	    "id,email,employee_id,valid_from,valid_to\n"
	    ",x@y.com,E0,,\n"
	    "p1,,,,\n"
	    "p2,b@y.com,,2026-13-01,\n"
	    "p3,c@y.com,,2026-02-01,2026-01-31\n"
	    "p4,d@y.com,,,,extra\n"
	    "p5,e@y.com,,2026-01-01T00:00:00Z,2026-01-01\n"
	    "p6,\"f@y.com\"x,,,\n"
	    "p7,g@y.com,,,\n"
	    "p8,\"unterminated\n";
	struct zp_buf err = ZP_BUF_INIT;
	struct match_roster *r;
	int rc;

	r = load("hr.csv", csv, MATCH_ROSTER_CSV, &rc, &err);
	CHECK_INT(rc, 0);
	CHECK_INT(r->rejected, 7);
	CHECK_INT(r->n, 2);
	CHECK_STR(r->people[0].id, "p5");
	CHECK_STR(r->people[1].id, "p7");
	CHECK_INT(r->people[1].line, 9);
	CHECK(has(&err, "hr.csv:2: no person id\n"));
	CHECK(has(&err,
	    "hr.csv:3: person p1 has no e-mail and no employee "
	    "id\n"));
	CHECK(has(&err, "hr.csv:4: valid_from is not a date (YYYY-MM-DD)\n"));
	CHECK(has(&err, "hr.csv:5: valid_to is before valid_from\n"));
	CHECK(has(&err, "hr.csv:6: 6 fields, the header has 5\n"));
	CHECK(has(
	    &err, "hr.csv:8: unexpected character after a quoted field\n"));
	CHECK(has(&err, "hr.csv:10: end of file inside a quoted field\n"));
	CHECK_INT(lines(&err), 7);
	match_roster_free(&r);
	zp_buf_release(&err);
}

TEST(match_roster_bad_ndjson_rows)
{
	static const char nd[] = "{\"id\":\"p1\",\"email\":\"a@x.com\"}\n"
				 "[1,2]\n"
				 "{\"id\":\"p2\",\"email\":\"b@x.com\"\n"
				 "{\"id\":true,\"email\":\"c@x.com\"}\n"
				 "{\"id\":\"p4\",\"emails\":[\"d@x.com\",3]}\n"
				 "{\"email\":\"e@x.com\"}\n"
				 "{\"id\":\"p6\",\"email\":\"f@x.com\"} x\n"
				 "{\"id\":\"p7\",\"employee_id\":\"E7\"}\n";
	struct zp_buf err = ZP_BUF_INIT;
	struct match_roster *r;
	int rc;

	r = load("hr.ndjson", nd, MATCH_ROSTER_NDJSON, &rc, &err);
	CHECK_INT(rc, 0);
	CHECK_INT(r->rejected, 6);
	CHECK_INT(r->n, 2);
	CHECK_STR(r->people[1].id, "p7");
	CHECK_INT(r->people[1].line, 8);
	CHECK(has(&err, "hr.ndjson:2: not a JSON object\n"));
	CHECK(has(&err, "hr.ndjson:3: bad JSON at byte"));
	CHECK(has(&err,
	    "hr.ndjson:4: person id: expected a string, a number "
	    "or null\n"));
	CHECK(
	    has(&err, "hr.ndjson:5: e-mail: expected an array of strings\n"));
	CHECK(has(&err, "hr.ndjson:6: no person id\n"));
	CHECK(has(&err, "hr.ndjson:7: bad JSON at byte"));
	CHECK_INT(lines(&err), 6);
	match_roster_free(&r);
	zp_buf_release(&err);
}

TEST(match_roster_bad_header)
{
	struct zp_buf err = ZP_BUF_INIT;
	struct match_roster *r;
	int rc;

	r = load(
	    "a.csv", "name,email\nx,y@z.com\n", MATCH_ROSTER_CSV, &rc, &err);
	CHECK_INT(rc, ZP_EPARSE);
	CHECK_INT(r->n, 0);
	CHECK(has(&err, "a.csv:1: no person id column (person_id, id)\n"));
	match_roster_free(&r);
	r = load("b.csv", "\n\nid,name\np1,x\n", MATCH_ROSTER_CSV, &rc, &err);
	CHECK_INT(rc, ZP_EPARSE);
	CHECK(has(&err, "b.csv:3: no e-mail or employee id column\n"));
	match_roster_free(&r);
	r = load("c.csv", "\n", MATCH_ROSTER_AUTO, &rc, &err);
	CHECK_INT(rc, ZP_EPARSE);
	CHECK(has(&err, "c.csv:2: no header row\n"));
	match_roster_free(&r);
	r = load("d.ndjson", "", MATCH_ROSTER_NDJSON, &rc, &err);
	CHECK_INT(rc, 0);
	CHECK_INT(r->n, 0);
	match_roster_free(&r);
	zp_buf_release(&err);
}

TEST(match_roster_files)
{
	char path[] = "/tmp/zp-roster-XXXXXX";
	struct match_roster *r = NULL;
	struct zp_capture cap;
	struct zp_buf err = ZP_BUF_INIT;
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	CHECK(f != NULL);
	if (f == NULL)
		return;
	fputs("{\"id\":\"p1\",\"email\":\"a@x.com\"}\n", f);
	fclose(f);
	CHECK_INT(match_roster_new(&r), 0);
	CHECK_INT(match_roster_load_file(r, path), 0);
	CHECK_INT(match_roster_load_string(r, "second.csv",
		      "id,email\np2,b@x.com\n", 20, MATCH_ROSTER_AUTO),
	    0);
	CHECK_INT(r->n, 2);
	CHECK_STR(r->people[0].file, path);
	CHECK_STR(r->people[1].file, "second.csv");
	zp_capture_begin(&cap);
	CHECK_INT(
	    match_roster_load_file(r, "/nonexistent/roster.csv"), ZP_EIO);
	zp_capture_end(&cap, &err);
	CHECK(has(&err, "/nonexistent/roster.csv: No such file"));
	CHECK_INT(match_roster_load_string(NULL, "x", "", 0, 0), ZP_EINVAL);
	match_roster_free(&r);
	unlink(path);
	zp_buf_release(&err);
}

/* --- canonical forms -------------------------------------------------- */

/* canon returns the canonical e-mail of s in x, or "ERR<code>". */
static const char *
canon(const struct match_index *x, const char *s)
{
	static char out[MATCH_MAX_IDENTITY + 16];
	struct zp_buf b = ZP_BUF_INIT;
	int rc = match_index_canon_email(x, s, strlen(s), &b);

	if (rc != 0)
		snprintf(out, sizeof(out), "ERR%d", rc);
	else
		snprintf(out, sizeof(out), "%s", b.data);
	zp_buf_release(&b);
	return out;
}

/* canon_id_of returns the canonical id of s, or "ERR<code>". */
static const char *
canon_id_of(const char *s)
{
	static char out[MATCH_MAX_IDENTITY + 16];
	struct zp_buf b = ZP_BUF_INIT;
	int rc = match_index_canon_id(s, strlen(s), &b);

	if (rc != 0)
		snprintf(out, sizeof(out), "ERR%d", rc);
	else
		snprintf(out, sizeof(out), "%s", b.data);
	zp_buf_release(&b);
	return out;
}

TEST(match_canon_emails)
{
	struct match_index *x = NULL;
	char big[MATCH_MAX_IDENTITY + 10];

	CHECK_INT(match_index_new(&x), 0);
	CHECK_INT(
	    match_index_add_domain_alias(x, "ACME.co.uk", "acme.com"), 0);
	CHECK_INT(match_index_add_domain_alias(x, "", "acme.com"), ZP_EINVAL);
	CHECK_STR(canon(x, " Alice.B+zoom@ACME.COM "), "alice.b@acme.com");
	CHECK_STR(canon(x, "alice.b@Acme.Co.UK"), "alice.b@acme.com");
	CHECK_STR(canon(x, "a@b@c.org"), "a@b@c.org");
	CHECK_STR(canon(x, "+x@c.org"), "@c.org");
	CHECK_STR(canon(x, "nobody"), "ERR-2");
	CHECK_STR(canon(x, "@c.org"), "ERR-2");
	CHECK_STR(canon(x, "a@"), "ERR-2");
	CHECK_STR(canon(x, ""), "ERR-2");
	CHECK_STR(canon(x, "t~AbC@ACME.co.uk"), "t~AbC@acme.com");
	CHECK_STR(canon(x, "t~AbC"), "t~AbC");
	CHECK_STR(canon(x, "t~AbC@h~XyZ"), "t~AbC@h~XyZ");
	CHECK_STR(canon(x, "p~short@x.com"), "ERR-2");
	CHECK_STR(canon(x, "{\"domain\":\"Acme.co.uk\",\"hash\":\"AbC\"}"),
	    "t~AbC@acme.com");
	CHECK_STR(canon(x, "{\"domain\":\"x\"}"), "ERR-2");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[5] = '@';
	CHECK_STR(canon(x, big), "ERR-14");
	CHECK_INT(match_index_set_ignore_dots(x, 1), 0);
	CHECK_STR(canon(x, "Alice.B+zoom@acme.co.uk"), "aliceb@acme.com");
	CHECK_STR(canon_id_of(" 12345 "), "12345");
	CHECK_STR(canon_id_of("AbC-x"), "AbC-x");
	CHECK_STR(canon_id_of("t~AbC"), "t~AbC");
	CHECK_STR(canon_id_of("{\"hash\":\"AbC\"}"), "t~AbC");
	CHECK_STR(canon_id_of(""), "ERR-2");
	match_index_add_user(x, (struct match_str) {"u", 1}, NULL, 0,
	    (struct match_str) {NULL, 0}, (struct match_str) {NULL, 0});
	CHECK_INT(match_index_set_ignore_dots(x, 0), ZP_EINVAL);
	CHECK_INT(
	    match_index_add_domain_alias(x, "a.com", "b.com"), ZP_EINVAL);
	match_index_free(&x);
	match_index_free(&x);
	CHECK(x == NULL);
}

/* pseudo appends the token of v (reversible or not) to a fresh string. */
static char *
pseudo(const struct zp_pseudo *ps, const char *v, int reversible)
{
	struct zp_buf b = ZP_BUF_INIT;

	CHECK_INT(zp_pseudo_value(ps, v, strlen(v), 0,
		      ZP_PSEUDO_URL_SAFE_TOKEN, reversible, &b),
	    0);
	return b.data;
}

TEST(match_canon_pseudonyms)
{
	struct match_index *x = NULL;
	struct zp_pseudo ps;
	char *t, *p, *ti, *pi, *te, *pe;
	char want[128], lowered[128];

	CHECK_INT(zp_pseudo_init(&ps, "salt", 4), 0);
	CHECK_INT(zp_pseudo_set_key(&ps, "secret", 6), 0);
	CHECK_INT(match_index_new(&x), 0);
	t = pseudo(&ps, "Alice+zoom@Acme.com", 0);
	p = pseudo(&ps, "alice@acme.com", 1);
	CHECK(strncmp(t, "t~", 2) == 0 && strncmp(p, "p~", 2) == 0);
	CHECK(strlen(p) > strlen(t) + 20);
	/* PRESERVE keeps the domain's case after the token; we lower it. */
	CHECK(strstr(t, "@Acme.com") != NULL);
	snprintf(want, sizeof(want), "%.45s@acme.com", t);
	CHECK_STR(canon(x, p), want);
	CHECK_STR(canon(x, t), want);
	ti = pseudo(&ps, "AbCdEf123", 0);
	pi = pseudo(&ps, "AbCdEf123", 1);
	CHECK_STR(canon_id_of(pi), ti);
	CHECK_INT(strlen(canon_id_of(pi)), 45);
	/* An ENCRYPT domain (e~) meets its TOKENIZE form (h~). */
	ps.domains = ZP_PSEUDO_TOKENIZE;
	te = pseudo(&ps, "bob@acme.com", 0);
	ps.domains = ZP_PSEUDO_ENCRYPT;
	pe = pseudo(&ps, "bob@acme.com", 1);
	CHECK(strstr(te, "@h~") != NULL && strstr(pe, "@e~") != NULL);
	CHECK_STR(canon(x, pe), te);
	/* Psoxy's JSON encoding gives the same token. */
	snprintf(want, sizeof(want),
	    "{\"domain\":\"Acme.com\",\"hash\":\"%.43s\"}", t + 2);
	snprintf(lowered, sizeof(lowered), "%s", canon(x, t));
	CHECK_STR(canon(x, want), lowered);
	free(t);
	free(p);
	free(ti);
	free(pi);
	free(te);
	free(pe);
	zp_pseudo_release(&ps);
	match_index_free(&x);
}

/* --- the index -------------------------------------------------------- */

/* S makes a match_str of a C string (NULL: absent). */
static struct match_str
S(const char *s) {
	struct match_str m = {s, s ? strlen(s) : 0};

	return m;
}

TEST(match_index_conflicts)
{
	static const char csv[] = "id,email,employee_id\n"
				  "p1,Bob@x.com,E1\n"
				  "p1,bob+hr@x.com,E1\n"
				  "p2,bob@x.com;carol@x.com,E2\n"
				  "p3,BOB+3@X.com,E1\n"
				  "p4,dave@x.com,\n";
	struct zp_buf err = ZP_BUF_INIT;
	struct match_roster *r;
	struct match_index *x = NULL;
	const struct match_person *p;
	struct match_index_stats st;
	struct zp_capture cap;
	int rc;

	r = load("hr.csv", csv, MATCH_ROSTER_CSV, &rc, &err);
	CHECK_INT(rc, 0);
	CHECK_INT(match_index_new(&x), 0);
	zp_capture_begin(&cap);
	CHECK_INT(match_index_add_roster(x, r), 0);
	zp_capture_end(&cap, &err);
	CHECK(has(&err,
	    "hr.csv:4: e-mail bob@x.com claimed by p1 (hr.csv:2) "
	    "and p2: neither wins\n"));
	CHECK(has(&err,
	    "hr.csv:5: e-mail bob@x.com claimed by p1 (hr.csv:2) "
	    "and p3: neither wins\n"));
	CHECK(has(&err,
	    "hr.csv:5: employee id E1 claimed by p1 (hr.csv:2) "
	    "and p3: neither wins\n"));
	CHECK_INT(lines(&err), 3);
	CHECK_INT(match_index_email(x, "BOB@x.com", 9, &p), MATCH_CONFLICT);
	CHECK(p == NULL);
	CHECK_INT(match_index_employee(x, "E1", 2, &p), MATCH_CONFLICT);
	CHECK_INT(match_index_email(x, "carol@x.com", 11, &p), 0);
	CHECK(p != NULL && strcmp(p->id, "p2") == 0);
	CHECK_INT(match_index_employee(x, "E2", 2, &p), 0);
	CHECK_INT(match_index_person(x, "p1", 2, &p), 0);
	CHECK(p != NULL && p->line == 2);
	match_index_stats(x, &st);
	CHECK_INT(st.people, 4);
	CHECK_INT(st.emails, 3);
	CHECK_INT(st.employee_ids, 2);
	CHECK_INT(st.conflicts, 2);
	match_index_free(&x);
	match_roster_free(&r);
	zp_buf_release(&err);
}

TEST(match_index_lookups)
{
	static const char nd[] =
	    "{\"id\":\"p1\",\"email\":\"alice@acme.com\",\"employee_id\":"
	    "\"E1\"}\n"
	    "{\"id\":\"p2\",\"email\":\"bob@acme.com\",\"employee_id\":\"E2\"}"
	    "\n"
	    "{\"id\":\"p3\",\"email\":\"zed@acme.com\"}\n";
	struct match_str ue[] = {
	    S("Alice+z@ACME.co.uk"), S("not-an-email"), S("alice@acme.com")};
	struct match_str mixed[] = {S("alice@acme.com"), S("bob@acme.com")};
	struct zp_buf err = ZP_BUF_INIT;
	struct match_roster *r;
	struct match_index *x = NULL;
	const struct match_person *p;
	const struct match_user *u;
	enum match_via via;
	int rc;

	r = load("hr.ndjson", nd, MATCH_ROSTER_AUTO, &rc, &err);
	CHECK_INT(match_index_new(&x), 0);
	CHECK_INT(
	    match_index_add_domain_alias(x, "acme.co.uk", "acme.com"), 0);
	CHECK_INT(match_index_add_roster(x, r), 0);
	CHECK_INT(
	    match_index_add_user(x, S("U1"), ue, 3, S("1234567890"), S(NULL)),
	    0);
	CHECK_INT(
	    match_index_add_user(x, S("U2"), NULL, 0, S(NULL), S(" E2 ")), 0);
	CHECK_INT(
	    match_index_add_user(x, S("U3"), mixed, 2, S(NULL), S(NULL)), 0);
	CHECK_INT(
	    match_index_add_user(x, S("U4"), NULL, 0, S("42"), S(NULL)), 0);
	CHECK_INT(match_index_add_user(x, S(" "), NULL, 0, S(NULL), S(NULL)),
	    ZP_EINVAL);
	CHECK_INT(match_index_user(x, "U1", 2, &u), 0);
	CHECK(u != NULL && u->n_emails == 1);
	CHECK(u != NULL && strcmp(u->emails[0], "alice@acme.com") == 0);
	CHECK(u != NULL && strcmp(u->pmi, "1234567890") == 0);
	CHECK_INT(match_index_user(x, "u1", 2, &u), ZP_ENOTFOUND);
	CHECK(u == NULL);
	CHECK_INT(match_index_pmi(x, "1234567890", 10, &u), 0);
	CHECK(u != NULL && strcmp(u->id, "U1") == 0);
	CHECK_INT(match_index_user_person(x, "U1", 2, &p, &via), 0);
	CHECK(p != NULL && strcmp(p->id, "p1") == 0);
	CHECK_INT(via, MATCH_VIA_EMAIL);
	CHECK_INT(match_index_user_person(x, "U2", 2, &p, &via), 0);
	CHECK(p != NULL && strcmp(p->id, "p2") == 0);
	CHECK_INT(via, MATCH_VIA_EMPLOYEE_ID);
	CHECK_INT(
	    match_index_user_person(x, "U3", 2, &p, &via), MATCH_CONFLICT);
	CHECK(p == NULL);
	CHECK_INT(match_index_user_person(x, "U4", 2, &p, &via), ZP_ENOTFOUND);
	CHECK_INT(via, MATCH_VIA_NONE);
	CHECK_INT(match_index_user_person(x, "U9", 2, &p, NULL), ZP_ENOTFOUND);
	/* A second users page adds e-mails and moves the PMI. */
	CHECK_INT(
	    match_index_add_user(x, S("U4"), mixed + 1, 1, S("43"), S(NULL)),
	    0);
	CHECK_INT(match_index_user_person(x, "U4", 2, &p, &via), 0);
	CHECK(p != NULL && strcmp(p->id, "p2") == 0);
	CHECK_INT(match_index_pmi(x, "43", 2, &u), 0);
	CHECK_INT(match_index_pmi(x, "42", 2, &u), 0);
	CHECK_INT(match_index_email(x, "Zed+x@acme.co.uk", 16, &p), 0);
	CHECK(p != NULL && strcmp(p->id, "p3") == 0);
	CHECK_INT(
	    match_index_email(x, "guest@other.org", 15, &p), ZP_ENOTFOUND);
	CHECK_INT(match_index_email(x, "garbage", 7, &p), ZP_ENOTFOUND);
	CHECK_INT(match_index_employee(x, "E1", 2, &p), 0);
	CHECK(p != NULL && strcmp(p->id, "p1") == 0);
	match_index_free(&x);
	match_roster_free(&r);
	zp_buf_release(&err);
}

TEST(match_index_pseudonymized_roster)
{
	struct zp_pseudo ps;
	struct zp_buf csv = ZP_BUF_INIT, err = ZP_BUF_INIT;
	struct match_roster *r;
	struct match_index *x = NULL;
	const struct match_person *p;
	char *ta, *pa, *tb, *pu, *tu;
	struct match_str e;
	int rc;

	CHECK_INT(zp_pseudo_init(&ps, "salt", 4), 0);
	CHECK_INT(zp_pseudo_set_key(&ps, "secret", 6), 0);
	ta = pseudo(&ps, "alice@acme.com", 0);
	pa = pseudo(&ps, "Alice+x@acme.com", 1);
	tb = pseudo(&ps, "bob@acme.com", 0);
	pu = pseudo(&ps, "zoomuser1", 1);
	tu = pseudo(&ps, "zoomuser1", 0);
	zp_buf_printf(&csv, "id,email\np1,%s\np2,%s\n", pa, tb);
	r = load("hr.csv", csv.data, MATCH_ROSTER_CSV, &rc, &err);
	CHECK_INT(rc, 0);
	CHECK_INT(match_index_new(&x), 0);
	CHECK_INT(match_index_add_roster(x, r), 0);
	CHECK_INT(match_index_email(x, ta, strlen(ta), &p), 0);
	CHECK(p != NULL && strcmp(p->id, "p1") == 0);
	e = S(ta);
	CHECK_INT(match_index_add_user(x, S(pu), &e, 1, S(NULL), S(NULL)), 0);
	CHECK_INT(match_index_user_person(x, tu, strlen(tu), &p, NULL), 0);
	CHECK(p != NULL && strcmp(p->id, "p1") == 0);
	CHECK_INT(match_index_email(x, tb, strlen(tb), &p), 0);
	CHECK(p != NULL && strcmp(p->id, "p2") == 0);
	free(ta);
	free(pa);
	free(tb);
	free(pu);
	free(tu);
	zp_pseudo_release(&ps);
	match_index_free(&x);
	match_roster_free(&r);
	zp_buf_release(&csv);
	zp_buf_release(&err);
}

#define SCALE_PEOPLE 100000
#define SCALE_USERS 200000

TEST(match_index_scale)
{
	struct zp_buf csv = ZP_BUF_INIT, err = ZP_BUF_INIT, k = ZP_BUF_INIT;
	struct match_roster *r;
	struct match_index *x = NULL;
	struct match_index_stats st;
	const struct match_person *p;
	const struct match_user *u;
	clock_t t0 = clock();
	size_t misses = 0;
	int i, rc;

	zp_buf_puts(&csv, "person_id,email,employee_id,name\n");
	for (i = 0; i < SCALE_PEOPLE; i++)
		zp_buf_printf(&csv,
		    "person-%06d,first.last%d@example.com;fl%d@example.org,"
		    "E%06d,Person Number %d\n",
		    i, i, i, i, i);
	r = load("big.csv", csv.data, MATCH_ROSTER_CSV, &rc, &err);
	CHECK_INT(rc, 0);
	CHECK_INT(r->n, SCALE_PEOPLE);
	CHECK_INT(match_index_new(&x), 0);
	CHECK_INT(match_index_add_roster(x, r), 0);
	for (i = 0; i < SCALE_USERS; i++) {
		char id[32], pmi[16], mail[48];
		struct match_str e;

		snprintf(id, sizeof(id), "zU%08dAbCdEfGhIjK", i);
		snprintf(pmi, sizeof(pmi), "%d", 1000000000 + i);
		snprintf(mail, sizeof(mail), "First.Last%d+zoom@Example.com",
		    i % SCALE_PEOPLE);
		e = S(mail);
		if (match_index_add_user(x, S(id), &e, 1, S(pmi), S(NULL)) !=
		    0)
			misses++;
	}
	for (i = 0; i < SCALE_USERS; i++) {
		char id[32], pmi[16];

		snprintf(id, sizeof(id), "zU%08dAbCdEfGhIjK", i);
		snprintf(pmi, sizeof(pmi), "%d", 1000000000 + i);
		if (match_index_user_person(x, id, strlen(id), &p, NULL) !=
			0 ||
		    match_index_pmi(x, pmi, strlen(pmi), &u) != 0)
			misses++;
	}
	for (i = 0; i < SCALE_PEOPLE; i++) {
		zp_buf_reset(&k);
		zp_buf_printf(&k, "E%06d", i);
		if (match_index_employee(x, k.data, k.len, &p) != 0)
			misses++;
	}
	CHECK_INT(misses, 0);
	match_index_stats(x, &st);
	CHECK_INT(st.people, SCALE_PEOPLE);
	CHECK_INT(st.emails, 2 * SCALE_PEOPLE);
	CHECK_INT(st.users, SCALE_USERS);
	CHECK_INT(st.pmis, SCALE_USERS);
	CHECK(st.memory + match_roster_memory(r) < ((size_t)128 << 20));
	fprintf(stderr, "  scale: index %.1f MB, roster %.1f MB, %.2f s cpu\n",
	    st.memory / 1048576.0, match_roster_memory(r) / 1048576.0,
	    (double)(clock() - t0) / CLOCKS_PER_SEC);
	match_index_free(&x);
	match_roster_free(&r);
	zp_buf_release(&csv);
	zp_buf_release(&err);
	zp_buf_release(&k);
}

TEST(match_index_validity_windows)
{
	static const char csv[] = "id,email,employee_id,valid_from,valid_to\n"
				  "a,box@x.com,E1,2025-01-01,2026-06-30\n"
				  "b,box@x.com,E1,2026-07-01,\n"
				  "c,old@x.com,,,2026-03-31\n";
	struct zp_buf err = ZP_BUF_INIT;
	struct match_roster *r;
	struct match_index *x = NULL;
	const struct match_person *p;
	struct match_index_stats st;
	int rc;

	r = load("v.csv", csv, MATCH_ROSTER_CSV, &rc, &err);
	CHECK_INT(rc, 0);
	CHECK_INT(match_index_new(&x), 0);
	CHECK_INT(match_index_add_roster(x, r), 0);
	match_index_stats(x, &st);
	CHECK_INT(st.conflicts, 0);
	match_index_set_day(x, "2026-05-04");
	CHECK_INT(match_index_email(x, "box@x.com", 9, &p), 0);
	CHECK(p != NULL && strcmp(p->id, "a") == 0);
	CHECK_INT(match_index_employee(x, "E1", 2, &p), 0);
	CHECK(p != NULL && strcmp(p->id, "a") == 0);
	CHECK_INT(match_index_email(x, "old@x.com", 9, &p), ZP_ENOTFOUND);
	match_index_set_day(x, "2026-02-02");
	CHECK_INT(match_index_email(x, "old@x.com", 9, &p), 0);
	CHECK(p != NULL && strcmp(p->id, "c") == 0);
	match_index_set_day(x, "2026-09-14T10:00:00Z");
	CHECK_INT(match_index_email(x, "box@x.com", 9, &p), 0);
	CHECK(p != NULL && strcmp(p->id, "b") == 0);
	CHECK_INT(match_index_email(x, "old@x.com", 9, &p), ZP_ENOTFOUND);
	CHECK(p == NULL);
	match_index_set_day(x, "2024-12-31");
	CHECK_INT(match_index_email(x, "box@x.com", 9, &p), ZP_ENOTFOUND);
	match_index_free(&x);
	match_roster_free(&r);
	zp_buf_release(&err);
}
