/*
 * canonical.c - zp-match --canonical-roster: the rosters written back
 * with canonical e-mails, so that zp-sanitize --bulk pseudonymizes them
 * into the very tokens the sanitized stream carries.  Psoxy hashes the
 * lower-cased address without its +suffix; the domain is inside the
 * hash, so an alias domain must be replaced before hashing, not after.
 */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "tool.h"

/* put_cell writes s as one CSV cell (quoted when it needs to be). */
static void
put_cell(FILE *f, const char *s, int last)
{
	const char *p;

	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
	} else {
		fputc('"', f);
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	}
	fputc(last ? '\n' : ',', f);
}

/* put_row writes one person record with one e-mail. */
static void
put_row(const struct match_person *p, const char *email)
{
	put_cell(stdout, p->id, 0);
	put_cell(stdout, email, 0);
	put_cell(stdout, p->employee_id, 0);
	put_cell(stdout, p->name, 0);
	put_cell(stdout, p->manager, 0);
	put_cell(stdout, p->department, 0);
	put_cell(stdout, p->valid_from, 0);
	put_cell(stdout, p->valid_to, 1);
}

/* match_write_canonical writes the rosters with canonical e-mails. */
int
match_write_canonical(
    const struct match_index *x, const struct match_roster *r)
{
	struct zp_buf c = ZP_BUF_INIT;
	size_t i, k;

	fputs("person_id,email,employee_id,name,manager,department,"
	      "valid_from,valid_to\n",
	    stdout);
	for (i = 0; i < r->n; i++) {
		const struct match_person *p = &r->people[i];

		if (p->n_emails == 0)
			put_row(p, NULL);
		for (k = 0; k < p->n_emails; k++) {
			zp_buf_reset(&c);
			if (match_index_canon_email(x, p->emails[k],
				strlen(p->emails[k]), &c) != 0)
				continue; /* reported when indexed */
			put_row(p, c.data);
		}
	}
	zp_buf_release(&c);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		zp_error("cannot write the roster: %s", zp_strerror(ZP_EIO));
		return ZP_EXIT_TEMPFAIL;
	}
	return ZP_EXIT_OK;
}
