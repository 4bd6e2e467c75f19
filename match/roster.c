/*
 * roster.c - loading HR rosters (CSV or NDJSON) into person records.
 *
 * The CSV reader here is our own small in-memory one: sanitize/bulk.c has
 * a streaming reader shaped for Psoxy's output, but it is private to that
 * file and built around column plans.  Both follow RFC 4180 the same way
 * (values trimmed, blank lines skipped), so a roster that zp-sanitize's
 * bulk mode wrote reads back here unchanged.
 */
#include "roster.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "json.h"
#include "log.h"

#define MAX_ROSTER ((size_t)1 << 30) /* largest roster file read */

/* What a column or key holds. */
enum col {
	COL_NONE,
	COL_ID,
	COL_EMAIL,
	COL_EMPID,
	COL_NAME,
	COL_MANAGER,
	COL_DEPT,
	COL_FROM,
	COL_TO,
	COL_MAX
};

/* The documented aliases, squeezed (lower case, letters and digits). */
static const struct {
	const char *name;
	enum col col;
} aliases[] = {{"personid", COL_ID}, {"id", COL_ID}, {"person", COL_ID},
    {"email", COL_EMAIL}, {"emails", COL_EMAIL}, {"mail", COL_EMAIL},
    {"emailaddress", COL_EMAIL}, {"primaryemail", COL_EMAIL},
    {"workemail", COL_EMAIL}, {"altemail", COL_EMAIL},
    {"alternateemail", COL_EMAIL}, {"otheremails", COL_EMAIL},
    {"secondaryemail", COL_EMAIL}, {"aliases", COL_EMAIL},
    {"employeeid", COL_EMPID}, {"employeeuniqueid", COL_EMPID},
    {"employeenumber", COL_EMPID}, {"employee", COL_EMPID}, {"name", COL_NAME},
    {"fullname", COL_NAME}, {"displayname", COL_NAME},
    {"manager", COL_MANAGER}, {"managerid", COL_MANAGER},
    {"department", COL_DEPT}, {"dept", COL_DEPT}, {"validfrom", COL_FROM},
    {"effectivefrom", COL_FROM}, {"from", COL_FROM}, {"validto", COL_TO},
    {"effectiveto", COL_TO}, {"to", COL_TO}};

/* The field names of messages, by column kind. */
static const char *const col_names[COL_MAX] = {"", "person id", "e-mail",
    "employee id", "name", "manager", "department", "valid_from", "valid_to"};

/* column_kind maps a column name or key to what it holds. */
static enum col
column_kind(const char *s, size_t n)
{
	char sq[64];
	size_t i, k = 0;

	for (i = 0; i < n && k < sizeof(sq) - 1; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			sq[k++] = (char)(c - 'A' + 'a');
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			sq[k++] = (char)c;
	}
	sq[k] = '\0';
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(sq, aliases[i].name) == 0)
			return aliases[i].col;
	return COL_NONE;
}

/* --- rows ------------------------------------------------------------- */

/* The state of one load: the row being assembled and its problems. */
struct loader {
	struct match_roster *r;
	const char *file; /* interned in r->mem */
	unsigned long line;
	const char *f[COL_MAX]; /* first non-blank value of each kind */
	const char **emails; /* this row's, reused from row to row */
	size_t n_emails, cap_emails;
	char bad[256]; /* why the row is rejected; "" while it is fine */
	int nomem;
	struct zp_buf tmp; /* unescaped JSON strings */
};

/* row_fail records the first problem of the current row. */
static void row_fail(struct loader *L, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
row_fail(struct loader *L, const char *fmt, ...)
{
	va_list ap;

	if (L->bad[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(L->bad, sizeof(L->bad), fmt, ap);
	va_end(ap);
}

/* row_begin forgets the previous row; line is where the new one starts. */
static void
row_begin(struct loader *L, unsigned long line)
{
	memset(L->f, 0, sizeof(L->f));
	L->n_emails = 0;
	L->bad[0] = '\0';
	L->line = line;
}

/* trim drops blanks (bytes up to ' ') from both ends of s[0..*n). */
static const char *
trim(const char *s, size_t *n)
{
	while (*n > 0 && (unsigned char)s[0] <= ' ') {
		s++;
		(*n)--;
	}
	while (*n > 0 && (unsigned char)s[*n - 1] <= ' ')
		(*n)--;
	return s;
}

/* intern copies s[0..n) with a NUL into the roster, or NULL. */
static const char *
intern(struct loader *L, const char *s, size_t n)
{
	char *p = zp_arena_alloc(&L->r->mem, n + 1);

	if (p == NULL) {
		L->nomem = 1;
		return NULL;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* email_add appends one trimmed address to the row unless already there. */
static void
email_add(struct loader *L, const char *s, size_t n)
{
	size_t i;

	s = trim(s, &n);
	if (n == 0)
		return;
	for (i = 0; i < L->n_emails; i++)
		if (strlen(L->emails[i]) == n &&
		    memcmp(L->emails[i], s, n) == 0)
			return;
	if (L->n_emails == L->cap_emails) {
		size_t cap = L->cap_emails ? L->cap_emails * 2 : 8;
		const char **v = realloc(L->emails, cap * sizeof(*v));

		if (v == NULL) {
			L->nomem = 1;
			return;
		}
		L->emails = v;
		L->cap_emails = cap;
	}
	if ((L->emails[L->n_emails] = intern(L, s, n)) != NULL)
		L->n_emails++;
}

/* email_array adds the strings of the JSON array s[0..n) (a CSV cell). */
static void
email_array(struct loader *L, const char *s, size_t n)
{
	struct zp_json_tok t;
	enum zp_tok tok;

	zp_json_tok_init(&t, s, n, 2);
	if (zp_json_next(&t) != ZP_TOK_ARR_BEGIN)
		return;
	while ((tok = zp_json_next(&t)) == ZP_TOK_STRING) {
		zp_buf_reset(&L->tmp);
		if (zp_buf_reserve(&L->tmp, t.tlen) != 0) {
			L->nomem = 1;
			return;
		}
		L->tmp.len =
		    zp_json_unescape(t.src + t.start, t.tlen, L->tmp.data);
		email_add(L, L->tmp.data, L->tmp.len);
	}
	if (tok != ZP_TOK_ARR_END || zp_json_next(&t) != ZP_TOK_END)
		row_fail(L, "e-mail: expected a JSON array of strings");
}

/* email_cell splits one e-mail cell at ';' and ',' (see roster.h). */
static void
email_cell(struct loader *L, const char *s, size_t n, int arrays)
{
	size_t i, start = 0;

	s = trim(s, &n);
	if (n > 0 && s[0] == '{') {
		email_add(L, s, n);
		return;
	}
	if (arrays && n > 0 && s[0] == '[') {
		email_array(L, s, n);
		return;
	}
	for (i = 0; i <= n; i++)
		if (i == n || s[i] == ';' || s[i] == ',') {
			email_add(L, s + start, i - start);
			start = i + 1;
		}
}

/* row_set takes the value of one cell of kind k (blank cells are absent). */
static void
row_set(struct loader *L, enum col k, const char *s, size_t n, int arrays)
{
	s = trim(s, &n);
	if (k == COL_NONE || n == 0)
		return;
	if (k == COL_EMAIL)
		email_cell(L, s, n, arrays);
	else if (L->f[k] == NULL)
		L->f[k] = intern(L, s, n);
}

/* is_date tells whether s is YYYY-MM-DD, optionally followed by 'T'. */
static int
is_date(const char *s)
{
	static const char shape[] = "dddd-dd-dd";
	int i, month, day;

	for (i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != '-')
			return 0;
	if (s[10] != '\0' && s[10] != 'T' && s[10] != ' ')
		return 0;
	month = (s[5] - '0') * 10 + (s[6] - '0');
	day = (s[8] - '0') * 10 + (s[9] - '0');
	return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/* row_check finds the first reason to reject the assembled row. */
static void
row_check(struct loader *L)
{
	if (L->f[COL_ID] == NULL)
		row_fail(L, "no person id");
	else if (L->n_emails == 0 && L->f[COL_EMPID] == NULL)
		row_fail(L, "person %s has no e-mail and no employee id",
		    L->f[COL_ID]);
	else if (L->f[COL_FROM] != NULL && !is_date(L->f[COL_FROM]))
		row_fail(L, "valid_from is not a date (YYYY-MM-DD)");
	else if (L->f[COL_TO] != NULL && !is_date(L->f[COL_TO]))
		row_fail(L, "valid_to is not a date (YYYY-MM-DD)");
	else if (L->f[COL_FROM] != NULL && L->f[COL_TO] != NULL &&
	    strncmp(L->f[COL_TO], L->f[COL_FROM], 10) < 0)
		row_fail(L, "valid_to is before valid_from");
}

/* person_push appends a zeroed record to the roster, or NULL. */
static struct match_person *
person_push(struct loader *L)
{
	struct match_roster *r = L->r;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		struct match_person *v = realloc(r->people, cap * sizeof(*v));

		if (v == NULL) {
			L->nomem = 1;
			return NULL;
		}
		r->people = v;
		r->cap = cap;
	}
	memset(&r->people[r->n], 0, sizeof(r->people[0]));
	return &r->people[r->n++];
}

/* row_end reports or stores the assembled row. */
static void
row_end(struct loader *L)
{
	struct match_person *p;

	if (L->nomem)
		return;
	row_check(L);
	if (L->bad[0] != '\0') {
		zp_error("%s:%lu: %s", L->file, L->line, L->bad);
		L->r->rejected++;
		return;
	}
	if ((p = person_push(L)) == NULL)
		return;
	p->id = L->f[COL_ID];
	p->employee_id = L->f[COL_EMPID];
	p->name = L->f[COL_NAME];
	p->manager = L->f[COL_MANAGER];
	p->department = L->f[COL_DEPT];
	p->valid_from = L->f[COL_FROM];
	p->valid_to = L->f[COL_TO];
	p->file = L->file;
	p->line = L->line;
	p->n_emails = L->n_emails;
	p->emails = zp_arena_memdup(
	    &L->r->mem, L->emails, L->n_emails * sizeof(*L->emails));
	if (p->emails == NULL)
		L->nomem = 1;
}

/* --- CSV -------------------------------------------------------------- */

/* A CSV reader over text in memory; a record's fields index rec. */
struct csv {
	const char *p, *end;
	unsigned long line; /* the line of p, from 1 */
	struct zp_buf rec;
	size_t *off, *len;
	size_t n, cap;
	const char *bad; /* why the record is malformed, or NULL */
	int nomem;
};

/* csv_eol steps over the line end at p, if there is one: 1 if so. */
static int
csv_eol(struct csv *c)
{
	if (c->p < c->end && (*c->p == '\r' || *c->p == '\n')) {
		if (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')
			c->p++;
		c->p++;
		c->line++;
		return 1;
	}
	return 0;
}

/* csv_put appends one byte to the record. */
static void
csv_put(struct csv *c, char ch)
{
	if (zp_buf_putc(&c->rec, ch) != 0)
		c->nomem = 1;
}

/* csv_quoted reads a quoted field from just after its opening quote. */
static void
csv_quoted(struct csv *c)
{
	for (;;) {
		if (c->p == c->end) {
			c->bad = "end of file inside a quoted field";
			return;
		}
		if (*c->p == '"' && (c->p + 1 == c->end || c->p[1] != '"'))
			break;
		if (*c->p == '"')
			c->p++;
		if (*c->p == '\n' ||
		    (*c->p == '\r' && (c->p + 1 == c->end || c->p[1] != '\n')))
			c->line++;
		csv_put(c, *c->p++);
	}
	c->p++;
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
	if (c->p < c->end && *c->p != ',' && *c->p != '\r' && *c->p != '\n') {
		c->bad = "unexpected character after a quoted field";
		while (c->p < c->end && *c->p != '\r' && *c->p != '\n')
			c->p++;
	}
}

/* csv_mark records the field that began at byte start of rec. */
static void
csv_mark(struct csv *c, size_t start)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		size_t *o = realloc(c->off, cap * sizeof(*o));

		if (o != NULL)
			c->off = o;
		o = o ? realloc(c->len, cap * sizeof(*o)) : NULL;
		if (o == NULL) {
			c->nomem = 1;
			return;
		}
		c->len = o;
		c->cap = cap;
	}
	c->off[c->n] = start;
	c->len[c->n++] = c->rec.len - start;
}

/* csv_field reads one field at p, up to its delimiter or line end. */
static void
csv_field(struct csv *c)
{
	size_t start = c->rec.len;

	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
	if (c->p < c->end && *c->p == '"') {
		c->p++;
		csv_quoted(c);
	} else {
		while (c->p < c->end && *c->p != ',' && *c->p != '\r' &&
		    *c->p != '\n')
			csv_put(c, *c->p++);
	}
	csv_mark(c, start);
}

/*
 * csv_read reads the next record, skipping blank lines: 1, 0 at the end,
 * -1 for a malformed record (c->bad says why), ZP_ENOMEM.
 */
static int
csv_read(struct csv *c)
{
	zp_buf_reset(&c->rec);
	c->n = 0;
	c->bad = NULL;
	while (csv_eol(c))
		;
	if (c->p == c->end)
		return 0;
	for (;;) {
		csv_field(c);
		if (c->bad != NULL || c->p == c->end || *c->p != ',')
			break;
		c->p++;
	}
	csv_eol(c);
	if (c->nomem)
		return ZP_ENOMEM;
	return c->bad != NULL ? -1 : 1;
}

/* csv_cell returns the first byte of field i of the record just read. */
static const char *
csv_cell(const struct csv *c, size_t i)
{
	return c->rec.data != NULL ? c->rec.data + c->off[i] : "";
}

/* csv_header maps each column of the header record to its kind. */
static int
csv_header(struct loader *L, struct csv *c, enum col **kinds, size_t *n)
{
	int have[COL_MAX] = {0};
	size_t i;

	if ((*kinds = calloc(c->n + 1, sizeof(**kinds))) == NULL)
		return ZP_ENOMEM;
	for (i = 0; i < c->n; i++)
		have[(*kinds)[i] = column_kind(csv_cell(c, i), c->len[i])] = 1;
	*n = c->n;
	if (!have[COL_ID])
		zp_error("%s:%lu: no person id column (person_id, id)",
		    L->file, L->line);
	else if (!have[COL_EMAIL] && !have[COL_EMPID])
		zp_error("%s:%lu: no e-mail or employee id column", L->file,
		    L->line);
	else
		return 0;
	return ZP_EPARSE;
}

/* csv_row turns one data record into a row. */
static void
csv_row(
    struct loader *L, const struct csv *c, const enum col *kinds, size_t nk)
{
	size_t i;

	if (c->n > nk) {
		row_fail(L, "%zu fields, the header has %zu", c->n, nk);
		return;
	}
	for (i = 0; i < c->n; i++)
		row_set(L, kinds[i], csv_cell(c, i), c->len[i], 1);
}

/* load_csv reads a header and then every record of text. */
static int
load_csv(struct loader *L, const char *text, size_t len)
{
	struct csv c = {
	    text, text + len, 1, ZP_BUF_INIT, NULL, NULL, 0, 0, NULL, 0};
	enum col *kinds = NULL;
	size_t nk = 0;
	int rc;

	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		c.p += 3;
	while (csv_eol(&c))
		;
	L->line = c.line;
	rc = csv_read(&c);
	if (rc == 0 || rc == -1) {
		zp_error("%s:%lu: %s", L->file, L->line,
		    rc == 0 ? "no header row" : c.bad);
		rc = ZP_EPARSE;
	} else if (rc == 1) {
		rc = csv_header(L, &c, &kinds, &nk);
	}
	while (rc == 0 && !L->nomem) {
		unsigned long at;

		while (csv_eol(&c))
			;
		at = c.line;
		if ((rc = csv_read(&c)) <= 0 && rc != -1)
			break;
		row_begin(L, at);
		if (rc == -1)
			row_fail(L, "%s", c.bad);
		else
			csv_row(L, &c, kinds, nk);
		row_end(L);
		rc = 0;
	}
	free(kinds);
	free(c.off);
	free(c.len);
	zp_buf_release(&c.rec);
	return L->nomem ? ZP_ENOMEM : rc;
}

/* --- NDJSON ----------------------------------------------------------- */

/* tok_text gives the current string token unescaped, in L->tmp. */
static int
tok_text(struct loader *L, const struct zp_json_tok *t)
{
	zp_buf_reset(&L->tmp);
	if (zp_buf_reserve(&L->tmp, t->tlen) != 0) {
		L->nomem = 1;
		return ZP_ENOMEM;
	}
	L->tmp.len = zp_json_unescape(t->src + t->start, t->tlen, L->tmp.data);
	L->tmp.data[L->tmp.len] = '\0';
	return 0;
}

/* json_emails adds the strings of an array value of an e-mail key. */
static void
json_emails(struct loader *L, struct zp_json_tok *t)
{
	enum zp_tok tok;

	while ((tok = zp_json_next(t)) == ZP_TOK_STRING)
		if (tok_text(L, t) == 0)
			email_add(L, L->tmp.data, L->tmp.len);
	if (tok == ZP_TOK_NULL || tok == ZP_TOK_NUMBER || tok == ZP_TOK_TRUE ||
	    tok == ZP_TOK_FALSE || tok == ZP_TOK_OBJ_BEGIN ||
	    tok == ZP_TOK_ARR_BEGIN) {
		row_fail(L, "e-mail: expected an array of strings");
		zp_json_skip(t, tok);
		while ((tok = zp_json_next(t)) != ZP_TOK_ARR_END &&
		    tok != ZP_TOK_ERROR)
			zp_json_skip(t, tok);
	}
}

/* json_value takes the value of a key of kind k whose first token is tok. */
static void
json_value(
    struct loader *L, struct zp_json_tok *t, enum col k, enum zp_tok tok)
{
	if (k == COL_NONE || tok == ZP_TOK_NULL) {
		zp_json_skip(t, tok);
	} else if (tok == ZP_TOK_STRING) {
		if (tok_text(L, t) == 0)
			row_set(L, k, L->tmp.data, L->tmp.len, 0);
	} else if (tok == ZP_TOK_NUMBER) {
		row_set(L, k, t->src + t->start, t->tlen, 0);
	} else if (k == COL_EMAIL && tok == ZP_TOK_ARR_BEGIN) {
		json_emails(L, t);
	} else {
		row_fail(L, "%s: expected a string, a number or null",
		    col_names[k]);
		zp_json_skip(t, tok);
	}
}

/* json_row reads the object on one line into the row. */
static void
json_row(struct loader *L, const char *s, size_t n)
{
	struct zp_json_tok t;
	enum zp_tok tok;

	zp_json_tok_init(&t, s, n, 64);
	if (zp_json_next(&t) != ZP_TOK_OBJ_BEGIN) {
		row_fail(L, "not a JSON object");
		return;
	}
	while ((tok = zp_json_next(&t)) == ZP_TOK_KEY && !L->nomem) {
		enum col k = COL_NONE;

		if (tok_text(L, &t) == 0)
			k = column_kind(L->tmp.data, L->tmp.len);
		json_value(L, &t, k, zp_json_next(&t));
	}
	if (tok == ZP_TOK_OBJ_END)
		tok = zp_json_next(&t);
	if (tok == ZP_TOK_ERROR || t.code != 0) {
		L->bad[0] = '\0';
		row_fail(L, "bad JSON at byte %zu: %s", t.err.offset,
		    t.err.reason ? t.err.reason : "?");
	} else if (tok != ZP_TOK_END) {
		row_fail(L, "not a JSON object");
	}
}

/* load_ndjson reads one object per non-blank line of text. */
static int
load_ndjson(struct loader *L, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	unsigned long line = 1;

	while (p < end && !L->nomem) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *s = trim(p, &n);

		if (n > 0) {
			row_begin(L, line);
			json_row(L, s, n);
			row_end(L);
		}
		p = nl ? nl + 1 : end;
		line++;
	}
	return L->nomem ? ZP_ENOMEM : 0;
}

/* --- the roster ------------------------------------------------------- */

int
match_roster_new(struct match_roster **out)
{
	if (out == NULL)
		return ZP_EINVAL;
	*out = calloc(1, sizeof(**out));
	return *out != NULL ? 0 : ZP_ENOMEM;
}

void
match_roster_free(struct match_roster **r)
{
	if (r == NULL || *r == NULL)
		return;
	free((*r)->people);
	zp_arena_release(&(*r)->mem);
	free(*r);
	*r = NULL;
}

/* sniff picks NDJSON when the first non-blank byte is '{'. */
static enum match_roster_format
sniff(const char *text, size_t len)
{
	size_t n = len;

	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		return MATCH_ROSTER_CSV;
	text = trim(text, &n);
	return n > 0 && text[0] == '{' ? MATCH_ROSTER_NDJSON
				       : MATCH_ROSTER_CSV;
}

int
match_roster_load_string(struct match_roster *r, const char *name,
    const char *text, size_t len, enum match_roster_format fmt)
{
	struct loader L;
	int rc;

	if (r == NULL || name == NULL || (text == NULL && len > 0))
		return ZP_EINVAL;
	memset(&L, 0, sizeof(L));
	L.r = r;
	if ((L.file = intern(&L, name, strlen(name))) == NULL)
		return ZP_ENOMEM;
	if (text == NULL)
		text = "";
	if (fmt == MATCH_ROSTER_AUTO)
		fmt = sniff(text, len);
	rc = fmt == MATCH_ROSTER_NDJSON ? load_ndjson(&L, text, len)
					: load_csv(&L, text, len);
	free(L.emails);
	zp_buf_release(&L.tmp);
	return rc;
}

/* read_all appends the whole of f to b; 0, ZP_EIO, ZP_ETOOBIG, ZP_ENOMEM. */
static int
read_all(FILE *f, struct zp_buf *b)
{
	char chunk[65536];
	size_t n;
	int rc = 0;

	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = b->len + n > MAX_ROSTER ? ZP_ETOOBIG
					     : zp_buf_append(b, chunk, n);
	if (rc == 0 && ferror(f))
		rc = ZP_EIO;
	return rc;
}

/* format_of chooses a format by the extension of path. */
static enum match_roster_format
format_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot == NULL)
		return MATCH_ROSTER_AUTO;
	if (strcmp(dot, ".csv") == 0 || strcmp(dot, ".CSV") == 0)
		return MATCH_ROSTER_CSV;
	if (strcmp(dot, ".ndjson") == 0 || strcmp(dot, ".jsonl") == 0 ||
	    strcmp(dot, ".json") == 0)
		return MATCH_ROSTER_NDJSON;
	return MATCH_ROSTER_AUTO;
}

int
match_roster_load_file(struct match_roster *r, const char *path)
{
	struct zp_buf text = ZP_BUF_INIT;
	FILE *f;
	int rc;

	if (r == NULL || path == NULL)
		return ZP_EINVAL;
	if ((f = fopen(path, "rb")) == NULL) {
		int e = errno;

		zp_error("%s: %s", path, strerror(e));
		return ZP_EIO;
	}
	rc = read_all(f, &text);
	fclose(f);
	if (rc != 0)
		zp_error("%s: %s", path, zp_strerror(rc));
	else
		rc = match_roster_load_string(
		    r, path, text.data, text.len, format_of(path));
	zp_buf_release(&text);
	return rc;
}

size_t
match_roster_memory(const struct match_roster *r)
{
	return r->mem.total + r->cap * sizeof(*r->people) + sizeof(*r);
}
