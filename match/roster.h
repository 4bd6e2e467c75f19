/*
 * roster.h - the people of one or more HR rosters, in memory.
 *
 * A roster is CSV with a header row (RFC 4180: quoted fields, doubled
 * quotes, commas and line ends inside quotes, CRLF or LF, a UTF-8 BOM,
 * blank lines skipped, values trimmed) or NDJSON (one object per line).
 * Column names and keys are matched ignoring ASCII case and every byte
 * that is not a letter or a digit ("Person ID" = person_id = personId):
 *
 *   person id     person_id, id, person, personid
 *   e-mails       email, emails, mail, email_address, primary_email,
 *                 work_email, alt_email, alternate_email, other_emails,
 *                 secondary_email, aliases
 *   employee id   employee_id, employee_unique_id, employee_number,
 *                 employee
 *   name          name, full_name, display_name
 *   manager       manager, manager_id
 *   department    department, dept
 *   valid from    valid_from, effective_from, from
 *   valid to      valid_to, effective_to, to
 *
 * Other columns are ignored.  Every e-mail column counts; one cell may
 * hold several addresses separated by ';' or ',', or a JSON array of
 * strings (in NDJSON, an array value).  A cell that begins with '{' is one
 * value: a pseudonym in Psoxy's JSON encoding.  Dates are YYYY-MM-DD,
 * optionally followed by 'T' and a time, which is kept but not checked.
 *
 * A bad row is reported with zp_error() as "FILE:LINE: reason", counted in
 * rejected and skipped; the rest of the file still loads.  Several rows
 * with the same person id are records of one person (history, several
 * addresses).  Conflicts between persons (one e-mail claimed by two) are
 * the index's business, since they depend on canonicalization: see
 * match_index_add_roster in index.h.
 *
 * Ownership: a struct match_roster owns every string and record it holds
 * until match_roster_free; records never move once loading is done, and
 * an index that borrows them needs the roster to outlive it.
 */
#ifndef ZP_MATCH_ROSTER_H
#define ZP_MATCH_ROSTER_H

#include <stddef.h>

#include "arena.h"

/* One roster row: a record of a person.  Strings are NUL-terminated. */
struct match_person {
	const char *id; /* the person id, never NULL */
	const char **emails; /* as written (trimmed), deduplicated */
	size_t n_emails;
	const char *employee_id; /* NULL when absent, likewise below */
	const char *name;
	const char *manager;
	const char *department;
	const char *valid_from; /* as written: YYYY-MM-DD[T...] */
	const char *valid_to;
	const char *file; /* where the row was: FILE:LINE of messages */
	unsigned long line;
};

/* How to read a roster's bytes. */
enum match_roster_format {
	MATCH_ROSTER_AUTO, /* NDJSON when the first non-blank byte is '{' */
	MATCH_ROSTER_CSV,
	MATCH_ROSTER_NDJSON
};

/*
 * Every person record loaded so far, from every file, in file order.
 * Read-only for callers; people may move while more files load.
 */
struct match_roster {
	struct match_person *people;
	size_t n;
	size_t cap;
	unsigned long rejected; /* rows skipped with an error */
	struct zp_arena mem; /* private: every string and e-mail list */
};

/* match_roster_new makes an empty roster in *out; 0 or ZP_ENOMEM. */
int match_roster_new(struct match_roster **out);

/* match_roster_free frees *r and clears it; NULL is fine. */
void match_roster_free(struct match_roster **r);

/*
 * match_roster_load_string adds the rows of len bytes at text, named name
 * in messages (copied), read as fmt.  Returns 0, also when rows were
 * rejected; ZP_EPARSE when a CSV has no header row, no person id column,
 * or neither an e-mail nor an employee id column (reported as
 * "FILE:1: reason", nothing added); ZP_ENOMEM; ZP_EINVAL for NULL
 * arguments.  Borrows text.
 */
int match_roster_load_string(struct match_roster *r, const char *name,
    const char *text, size_t len, enum match_roster_format fmt);

/*
 * match_roster_load_file reads path (borrowed) and loads it as above,
 * with the format chosen by the extension (.csv; .ndjson, .jsonl, .json)
 * or else by MATCH_ROSTER_AUTO.  An unreadable file gives ZP_EIO,
 * reported as "FILE: reason".
 */
int match_roster_load_file(struct match_roster *r, const char *path);

/* match_roster_memory is the number of bytes the roster holds. */
size_t match_roster_memory(const struct match_roster *r);

#endif
