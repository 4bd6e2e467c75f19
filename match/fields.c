/*
 * fields.c - the identities in Zoom's answers (fields.h), from the
 * response shapes of zoom-openapi's Meeting and Phone APIs.  A
 * participant's "user_id" is left out: Zoom makes it per participation,
 * not per person.
 */
#include "fields.h"

#include "index.h"

#include <string.h>

#define USERS 1

static const struct match_field fields[] = {
    {"/users", "users", "id", MATCH_USER_ID, USERS},
    {"/users", "users", "email", MATCH_EMAIL, USERS},
    {"/users", "users", "pmi", MATCH_PMI, USERS},
    {"/users", "users", "employee_unique_id", MATCH_EMPLOYEE_ID, USERS},
    {"/users", "users", "display_name", MATCH_NAME, USERS},
    {"/users/{userId}/meetings", "meetings", "host_id", MATCH_USER_ID, 0},
    {"/users/{userId}/meetings", "meetings", "host_email", MATCH_EMAIL, 0},
    {"/report/users/{userId}/meetings", "meetings", "host_id", MATCH_USER_ID,
	0},
    {"/report/users/{userId}/meetings", "meetings", "user_email", MATCH_EMAIL,
	0},
    {"/report/users/{userId}/meetings", "meetings", "host_email", MATCH_EMAIL,
	0},
    {"/past_meetings/{meetingId}", NULL, "host_id", MATCH_USER_ID, 0},
    {"/past_meetings/{meetingId}", NULL, "user_email", MATCH_EMAIL, 0},
    {"/past_meetings/{meetingId}", NULL, "host_email", MATCH_EMAIL, 0},
    {"/past_meetings/{meetingId}/participants", "participants", "id",
	MATCH_USER_ID, 0},
    {"/past_meetings/{meetingId}/participants", "participants", "user_email",
	MATCH_EMAIL, 0},
    {"/past_meetings/{meetingId}/participants", "participants", "name",
	MATCH_NAME, 0},
    {"/report/meetings/{meetingId}/participants", "participants", "id",
	MATCH_USER_ID, 0},
    {"/report/meetings/{meetingId}/participants", "participants", "user_email",
	MATCH_EMAIL, 0},
    {"/report/meetings/{meetingId}/participants", "participants", "name",
	MATCH_NAME, 0},
    {"/past_webinars/{webinarId}/participants", "participants", "id",
	MATCH_USER_ID, 0},
    {"/past_webinars/{webinarId}/participants", "participants", "user_email",
	MATCH_EMAIL, 0},
    {"/past_webinars/{webinarId}/participants", "participants", "name",
	MATCH_NAME, 0},
    {"/users/{userId}/webinars", "webinars", "host_id", MATCH_USER_ID, 0},
    {"/users/{userId}/recordings", "meetings", "host_id", MATCH_USER_ID, 0},
    {"/metrics/meetings", "meetings", "host_id", MATCH_USER_ID, 0},
    {"/metrics/meetings", "meetings", "email", MATCH_EMAIL, 0},
    {"/metrics/meetings/{meetingId}/participants", "participants", "id",
	MATCH_USER_ID, 0},
    {"/metrics/meetings/{meetingId}/participants", "participants", "email",
	MATCH_EMAIL, 0},
    {"/metrics/meetings/{meetingId}/participants", "participants", "user_name",
	MATCH_NAME, 0},
    {"/phone/call_history", "call_logs", "caller_email", MATCH_EMAIL, 0},
    {"/phone/call_history", "call_logs", "callee_email", MATCH_EMAIL, 0},
};

static const char *const kind_names[MATCH_NKINDS] = {
    "user_id", "email", "pmi", "employee_id", "name"};

/* match_fields returns the table. */
const struct match_field *
match_fields(size_t *n)
{
	*n = sizeof(fields) / sizeof(fields[0]);
	return fields;
}

/* match_kind_name names a kind. */
const char *
match_kind_name(enum match_kind k)
{
	return k >= 0 && k < MATCH_NKINDS ? kind_names[k] : "";
}

/* below_base skips the API base path ("/v2") of an endpoint. */
static const char *
below_base(const char *endpoint)
{
	const char *second;

	if (endpoint[0] != '/')
		return endpoint;
	second = strchr(endpoint + 1, '/');
	/* "/v2/users": the base is one segment; "/users" has none. */
	if (second != NULL && endpoint[1] == 'v' && endpoint[2] >= '0' &&
	    endpoint[2] <= '9')
		return second;
	return endpoint;
}

/* has_value tells whether v is a string or number worth matching. */
static int
has_value(const struct zp_json *v)
{
	return v != NULL && v->n > 0 &&
	    (v->type == ZP_JSON_STRING || v->type == ZP_JSON_NUMBER);
}

/* visit_item calls fn for field f in one item. */
static int
visit_item(const struct match_field *f, const struct zp_json *item,
    int (*fn)(void *, const struct match_field *, const struct zp_json *,
	const struct zp_json *),
    void *arg)
{
	const struct zp_json *v;

	if (item->type != ZP_JSON_OBJECT)
		return 0;
	v = zp_json_get(item, f->key);
	return has_value(v) ? fn(arg, f, item, v) : 0;
}

/* visit_field calls fn for field f wherever it is in body. */
static int
visit_field(const struct match_field *f, const struct zp_json *body,
    int (*fn)(void *, const struct match_field *, const struct zp_json *,
	const struct zp_json *),
    void *arg)
{
	const struct zp_json *arr;
	size_t i;
	int rc;

	if (f->array == NULL)
		return visit_item(f, body, fn, arg);
	arr = zp_json_get(body, f->array);
	if (arr == NULL || arr->type != ZP_JSON_ARRAY)
		return 0;
	for (i = 0; i < arr->n; i++)
		if ((rc = visit_item(f, &arr->u.items[i], fn, arg)) != 0)
			return rc;
	return 0;
}

/* match_fields_visit calls fn for every identity of endpoint in body. */
int
match_fields_visit(const char *endpoint, const struct zp_json *body,
    int (*fn)(void *arg, const struct match_field *f,
	const struct zp_json *item, const struct zp_json *value),
    void *arg)
{
	const char *e;
	size_t i;
	int rc, same = 0;

	if (endpoint == NULL || body == NULL || body->type != ZP_JSON_OBJECT)
		return 0;
	e = below_base(endpoint);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		/* Entries of one endpoint share its string: compared once. */
		if (i == 0 || fields[i].endpoint != fields[i - 1].endpoint)
			same = strcmp(fields[i].endpoint, e) == 0;
		if (!same)
			continue;
		if ((rc = visit_field(&fields[i], body, fn, arg)) != 0)
			return rc;
	}
	return 0;
}

/* match_json_str returns member key of o as a string, or {NULL, 0}. */
struct match_str
match_json_str(const struct zp_json *o, const char *key)
{
	const struct zp_json *v = zp_json_get(o, key);
	struct match_str s = {NULL, 0};

	if (v != NULL &&
	    (v->type == ZP_JSON_STRING || v->type == ZP_JSON_NUMBER)) {
		s.s = v->u.s;
		s.n = v->n;
	}
	return s;
}
