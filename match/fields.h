/*
 * fields.h - where the identities are in Zoom's answers: the one table
 * zp-match reads, per endpoint, of the fields that name a person.
 */
#ifndef ZP_MATCH_FIELDS_H
#define ZP_MATCH_FIELDS_H

#include <stddef.h>

#include "json.h"

/* What a field holds. */
enum match_kind {
	MATCH_USER_ID, /* a Zoom user id of the account */
	MATCH_EMAIL, /* an e-mail address (or its t~ token) */
	MATCH_PMI, /* a personal meeting id */
	MATCH_EMPLOYEE_ID, /* employee_unique_id */
	MATCH_NAME, /* a display name: matched only with --match-names */
	MATCH_NKINDS
};

/* One field of one endpoint. */
struct match_field {
	const char *endpoint; /* the template below the API base, as in
				 the envelope's "endpoint" after "/v2" */
	const char *array; /* the key of the items' array, or NULL: the
			      body itself */
	const char *key; /* the member that holds the identity */
	enum match_kind kind;
	int directory; /* 1: a users page (the item is one member, whose
			  fields belong together) */
};

/* match_fields returns the table and its length in *n. */
const struct match_field *match_fields(size_t *n);

/* match_kind_name is "user_id", "email", "pmi", "employee_id" or
 * "name". */
const char *match_kind_name(enum match_kind k);

/* A string that need not be NUL-terminated: index.h's, repeated here so
 * that this table stands alone.  (Same layout.) */
struct match_str;

/*
 * match_json_str returns member key of object o as a string (a JSON
 * string's bytes or a number's text), or {NULL, 0} when it is absent or
 * of another type.  Borrows o.
 */
struct match_str match_json_str(const struct zp_json *o, const char *key);

/*
 * match_fields_visit calls fn for every non-empty string or number that
 * a field of endpoint holds in body (the page's parsed JSON): with the
 * field, the item it is in (the object holding key) and the value.
 * endpoint is the envelope's, base path and all ("/v2/users"); an
 * endpoint the table does not know has no identities.  Returns 0 or the
 * first nonzero result of fn.
 */
int match_fields_visit(const char *endpoint, const struct zp_json *body,
    int (*fn)(void *arg, const struct match_field *f,
	const struct zp_json *item, const struct zp_json *value),
    void *arg);

#endif
