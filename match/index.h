/*
 * index.h - the identity index of zp-match: constant-time lookups from
 * every kind of identity in the stream to a roster person.
 *
 * Four maps, each an open-addressing hash table of our own with keys
 * interned in one arena (no malloc per entry):
 *
 *   canonical e-mail  -> roster person
 *   employee id       -> roster person
 *   person id         -> roster person (its first record)
 *   Zoom user id      -> Zoom user (canonical e-mails, PMI, employee id)
 *   PMI               -> Zoom user
 *
 * Canonical e-mails.  A plain address is lower-cased, loses any "+suffix"
 * of its local part, loses the dots of its local part with ignore_dots
 * (Psoxy's IGNORE_DOTS), and has its domain replaced by the target of a
 * domain alias.  A pseudonym "t~HASH@domain" is its own canonical form
 * (Psoxy hashed the canonical address), except that the domain is
 * lower-cased and alias-mapped; note that aliases and ignore_dots cannot
 * merge tokens whose hashes differ, as the domain and the dots are inside
 * the hash.  A reversible "p~..." token becomes the t~ token of the hash
 * it begins with, so both kinds of token for one value meet; likewise an
 * "e~" (encrypted) domain becomes its "h~" (hashed) form.  Psoxy's JSON
 * encoding {"domain":...,"hash":...} becomes "t~HASH@domain".  Tokens
 * and h~ domains keep their case.
 *
 * Plain ids (person, employee, Zoom user ids, PMIs) are compared exactly,
 * after trimming blanks; p~ ids and JSON-encoded ones become t~ as above.
 *
 * Conflicts.  One canonical e-mail (or employee id) claimed by two
 * different person ids is reported with zp_error() as
 * "FILE:LINE: e-mail ADDR claimed by P1 (FILE:LINE) and P2: neither wins"
 * and then resolves to no person (MATCH_CONFLICT).  ADDR is the canonical
 * form: a token for a pseudonymized roster, and for a raw roster the
 * address itself, since the admin must find the row to fix it and the
 * roster is the admin's own input; nothing else here logs an identity.
 *
 * Ownership: the index borrows the rosters it is given (they must outlive
 * it) and copies everything else.  Lookups do not modify the index, so
 * several threads may look up at once once loading is finished.
 */
#ifndef ZP_MATCH_INDEX_H
#define ZP_MATCH_INDEX_H

#include <stddef.h>

#include "buf.h"
#include "roster.h"

/* A positive result of a lookup: the key is claimed by two persons. */
#define MATCH_CONFLICT 1

/* The longest canonical identity; longer values never match. */
#define MATCH_MAX_IDENTITY 1024

/* How match_index_user_person found a person. */
enum match_via { MATCH_VIA_NONE, MATCH_VIA_EMAIL, MATCH_VIA_EMPLOYEE_ID };

/* A string that need not be NUL-terminated; s NULL or n 0 is absent. */
struct match_str {
	const char *s;
	size_t n;
};

/* One Zoom user of the directory, every string canonical and interned. */
struct match_user {
	const char *id;
	const char **emails;
	size_t n_emails;
	const char *pmi; /* NULL when unknown */
	const char *employee_id; /* NULL when unknown */
};

/* Counts, for logs and tests. */
struct match_index_stats {
	size_t people; /* distinct person ids */
	size_t emails; /* distinct canonical roster e-mails */
	size_t employee_ids;
	size_t users;
	size_t pmis;
	size_t conflicts; /* keys claimed by two persons */
	size_t memory; /* bytes held: tables and arena */
};

struct match_index;

/* match_index_new makes an empty index in *out; 0, ZP_EINVAL, ZP_ENOMEM. */
int match_index_new(struct match_index **out);

/* match_index_free frees *x and clears it; NULL is fine. */
void match_index_free(struct match_index **x);

/*
 * match_index_set_ignore_dots makes dots in local parts count (0) or not;
 * ZP_EINVAL once identities have been added.
 */
int match_index_set_ignore_dots(struct match_index *x, int on);

/*
 * match_index_add_domain_alias makes the domain alias stand for canonical
 * (both copied, lower-cased unless tokens; one level, no chains).  Call it
 * before adding identities: ZP_EINVAL afterwards, or for blank domains.
 */
int match_index_add_domain_alias(
    struct match_index *x, const char *alias, const char *canonical);

/*
 * match_index_canon_email appends the canonical form of the e-mail or
 * e-mail pseudonym v[0..n) to out.  0; ZP_EINVAL when v is no e-mail (no
 * '@' with text on both sides) or a malformed token; ZP_ETOOBIG past
 * MATCH_MAX_IDENTITY bytes; ZP_ENOMEM.  Borrows v.
 */
int match_index_canon_email(
    const struct match_index *x, const char *v, size_t n, struct zp_buf *out);

/*
 * match_index_canon_id appends the canonical form of the plain id v[0..n)
 * to out; errors as above (ZP_EINVAL for a blank id or a bad token).
 */
int match_index_canon_id(const char *v, size_t n, struct zp_buf *out);

/*
 * match_index_add_roster indexes every record of r (borrowed: r must
 * outlive x and load nothing more), reporting conflicts as described
 * above.  Roster e-mails that are no e-mail are reported as
 * "FILE:LINE: not an e-mail address" and skipped.  0 or ZP_ENOMEM.
 */
int match_index_add_roster(
    struct match_index *x, const struct match_roster *r);

/*
 * match_index_add_user records the Zoom user id (copied, canonical) with
 * its e-mails, PMI and employee id (each may be absent).  Adding a user id
 * again adds the new e-mails and replaces a PMI or employee id that is
 * given; a PMI names the user that added it last.  E-mails that are no
 * e-mail are skipped.  0; ZP_EINVAL for a blank or malformed id;
 * ZP_ENOMEM.  Borrows every argument.
 */
int match_index_add_user(struct match_index *x, struct match_str id,
    const struct match_str *emails, size_t n_emails, struct match_str pmi,
    struct match_str employee_id);

/*
 * The lookups take a raw identity v[0..n), canonicalize it and store what
 * it maps to in *out (borrowed from the index or its rosters).  Each
 * returns 0 when found, MATCH_CONFLICT when two persons claim it (*out
 * NULL), ZP_ENOTFOUND (also for a value that cannot be canonicalized),
 * with *out NULL.
 */

/* match_index_email finds the person of a roster e-mail. */
int match_index_email(const struct match_index *x, const char *v, size_t n,
    const struct match_person **out);

/* match_index_employee finds the person of an employee id. */
int match_index_employee(const struct match_index *x, const char *v, size_t n,
    const struct match_person **out);

/* match_index_person finds the first record of a person id. */
int match_index_person(const struct match_index *x, const char *v, size_t n,
    const struct match_person **out);

/* match_index_user finds a Zoom user by id. */
int match_index_user(const struct match_index *x, const char *v, size_t n,
    const struct match_user **out);

/* match_index_pmi finds the Zoom user whose PMI is v. */
int match_index_pmi(const struct match_index *x, const char *v, size_t n,
    const struct match_user **out);

/*
 * match_index_user_person resolves a Zoom user id to a person: through
 * the user's e-mails (MATCH_CONFLICT when they name different persons or
 * one of them is in conflict), else through its employee id.  *via (may
 * be NULL) says which; results as for the lookups above.
 */
int match_index_user_person(const struct match_index *x, const char *v,
    size_t n, const struct match_person **out, enum match_via *via);

/*
 * match_index_user_found is match_index_user_person for the result rc
 * and user u that match_index_user gave for the id: it spares a second
 * lookup of the id.
 */
int match_index_user_found(const struct match_index *x, int rc,
    const struct match_user *u, const struct match_person **out,
    enum match_via *via);

/*
 * match_index_set_day sets the day (YYYY-MM-DD; NULL or "": today) the
 * lookups below are made as of.  A roster record with valid_from or
 * valid_to is found only on the days of its window, and an e-mail or
 * employee id handed from one person to another (windows that do not
 * overlap) resolves to the one valid that day; claims whose windows
 * overlap are a conflict.  Not for concurrent lookups while it changes.
 */
void match_index_set_day(struct match_index *x, const char *day);

/* match_index_set_day_n is match_index_set_day for day[0..n) (n is 10
 * for a day; below 10, today), which need not be NUL-terminated. */
void match_index_set_day_n(struct match_index *x, const char *day, size_t n);

/* match_index_stats fills st with the index's counts and memory. */
void match_index_stats(
    const struct match_index *x, struct match_index_stats *st);

#endif
