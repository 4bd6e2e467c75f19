/*
 * test_rules.c - unit tests of sanitize/rules: the Zoom rule set loads
 * with every endpoint and transform; pathTemplate becomes the regex of
 * RULES-SPEC 1.4; requests select endpoints as in 1.3 and 1.5 (query
 * strings, allowedQueryParams, allowedMethods, parameter schemas,
 * ambiguity); responseSchema $refs resolve; transform options get their
 * defaults; and every kind of bad rule set fails with its exact
 * "FILE:LINE: reason".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "buf.h"
#include "error.h"
#include "harness.h"
#include "rules.h"

static const char *zoom_rules(void);

/* load parses text as rules named t.yaml, messages appended to err. */
static int
load(const char *text, struct zp_buf *err, struct sanitize_rules **r)
{
	struct sanitize_rules_options o = {0};

	o.errors = err;
	return sanitize_rules_load_string("t.yaml", text, strlen(text), &o, r);
}

/* load_errors loads text, frees whatever loaded, returns the code. */
static int
load_errors(const char *text, struct zp_buf *err)
{
	struct sanitize_rules *r = NULL;
	int rc = load(text, err, &r);

	sanitize_rules_free(&r);
	return rc;
}

/* CHECK_LOAD_ERROR checks that text fails to load with messages want. */
#define CHECK_LOAD_ERROR(text, want)                                          \
	do {                                                                  \
		struct zp_buf e_ = ZP_BUF_INIT;                               \
		CHECK_INT(load_errors(text, &e_), ZP_ECONFIG);                \
		CHECK_STR(e_.data ? e_.data : "", want);                      \
		zp_buf_release(&e_);                                          \
	} while (0)

/* pick returns the index of the endpoint chosen, -1 if blocked, -2 else. */
static long
pick(const struct sanitize_rules *r, const char *method, const char *target)
{
	struct sanitize_match m;
	int rc = sanitize_rules_match(r, method, target, &m);

	if (rc == ZP_ENOTFOUND)
		return -1;
	if (rc != 0 || m.endpoint == NULL)
		return -2;
	return (long)m.index;
}

/* find_prop returns the schema of property name of s, or NULL. */
static const struct sanitize_schema *
find_prop(const struct sanitize_schema *s, const char *name)
{
	size_t i;

	for (i = 0; s != NULL && i < s->n_props; i++)
		if (strcmp(s->props[i].name, name) == 0)
			return s->props[i].schema;
	return NULL;
}

/* find_def returns the top-level definition called name, or NULL. */
static const struct sanitize_schema *
find_def(const struct sanitize_rules *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_definitions; i++)
		if (strcmp(r->definitions[i].name, name) == 0)
			return r->definitions[i].schema;
	return NULL;
}

/* count_paths is a check_path hook that counts calls and accepts all. */
static int
count_paths(const char *path, struct zp_buf *why, void *arg)
{
	(void)path;
	(void)why;
	(*(int *)arg)++;
	return 0;
}

/* --- the Zoom rules ---------------------------------------------------- */

TEST(rules_zoom_loads)
{
	struct sanitize_rules_options o = {0};
	struct sanitize_rules *r = NULL;
	struct zp_buf err = ZP_BUF_INIT;
	const char *z = zoom_rules();
	int paths = 0;

	o.errors = &err;
	o.check_path = count_paths;
	o.check_arg = &paths;
	CHECK_INT(
	    sanitize_rules_load_string("zoom.yaml", z, strlen(z), &o, &r), 0);
	CHECK_STR(err.data ? err.data : "", "");
	if (r == NULL)
		return;
	CHECK_STR(r->name, "zoom.yaml");
	CHECK_STR(r->sha256,
	    "bbd0ebfe794a565747661dbcddca72c1b88c1af41970c4daca5d8701c2d932c"
	    "0");
	CHECK_INT(r->n_endpoints, 10);
	CHECK_INT(r->n_definitions, 22);
	CHECK_INT(paths, 32);
	CHECK(!r->allow_all_endpoints);
	CHECK(!r->allowed_request_headers.set);
	CHECK_STR(r->endpoints[0].path_regex,
	    "^/v2/meetings/[^/?]+(?:/(?!meeting_summary)[^/?]+)?(?:[?].*)?$");
	CHECK_INT(r->endpoints[0].line, 3);
	CHECK(r->endpoints[0].path_template == NULL);
	CHECK_STR(r->endpoints[6].path_template,
	    "/v2/report/users/{userId}/meetings");
	CHECK_STR(r->endpoints[6].path.source,
	    "^/v2/report/users/(?<userId>[^/]+)/meetings$");
	sanitize_rules_free(&r);
	CHECK(r == NULL);
	zp_buf_release(&err);
}

TEST(rules_zoom_transforms)
{
	static const int want[10][3] = {{2, 4, 5}, {3, 1, 5}, {2, 1, 1},
	    {0, 0, 0}, {2, 1, 1}, {2, 1, 1}, {2, 1, 1}, {3, 1, 1}, {2, 1, 1},
	    {2, 1, 2}};
	struct sanitize_rules *r = NULL;
	const struct sanitize_endpoint *e;
	const struct sanitize_transform *t;
	size_t i;

	CHECK_INT(sanitize_rules_load_string("zoom.yaml", zoom_rules(),
		      strlen(zoom_rules()), NULL, &r),
	    0);
	if (r == NULL)
		return;
	for (i = 0; i < r->n_endpoints; i++) {
		e = &r->endpoints[i];
		CHECK_INT(e->n_transforms, want[i][0]);
		CHECK(e->response_schema != NULL);
		CHECK(!e->allowed_methods.set);
		CHECK(e->allowed_query_params.set);
		if (e->n_transforms == 0)
			continue;
		CHECK_INT(e->transforms[0].n_json_paths, want[i][1]);
		CHECK_INT(e->transforms[e->n_transforms - 1].n_json_paths,
		    want[i][2]);
	}
	e = &r->endpoints[0];
	CHECK_INT(e->allowed_query_params.n, 2);
	CHECK_STR(e->allowed_query_params.v[1], "show_previous_occurrences");
	t = &e->transforms[0];
	CHECK_INT(t->kind, SANITIZE_PSEUDONYMIZE);
	CHECK_INT(t->encoding, SANITIZE_ENC_URL_SAFE_TOKEN);
	CHECK(!t->include_reversible && !t->include_original);
	CHECK_STR(t->json_paths[3].text, "$..participants[*]");
	CHECK_INT(t->json_paths[3].line, 13);
	CHECK_INT(e->transforms[1].kind, SANITIZE_REDACT);
	CHECK_STR(e->transforms[1].json_paths[4].text, "$..name");
	CHECK_INT(r->endpoints[1].allowed_query_params.n, 0);
	CHECK_INT(r->endpoints[1].transforms[2].kind, SANITIZE_TEXT_DIGEST);
	CHECK_STR(r->endpoints[1].transforms[2].json_paths[4].text,
	    "$..next_steps[*]");
	CHECK_STR(r->endpoints[1].transforms[0].json_paths[0].text,
	    "$['meeting_host_id','meeting_host_email', "
	    "'summary_last_modified_user_id','summary_last_modified_user_"
	    "email']");
	CHECK(!r->endpoints[7].transforms[0].include_reversible);
	CHECK(r->endpoints[7].transforms[1].include_reversible);
	CHECK_STR(sanitize_transform_name(r->endpoints[7].transforms[2].kind),
	    "redact");
	sanitize_rules_free(&r);
}

TEST(rules_zoom_schema_refs)
{
	struct sanitize_rules *r = NULL;
	const struct sanitize_schema *s, *settings, *room;

	CHECK_INT(sanitize_rules_load_string("zoom.yaml", zoom_rules(),
		      strlen(zoom_rules()), NULL, &r),
	    0);
	if (r == NULL)
		return;
	s = r->endpoints[0].response_schema;
	CHECK_INT(s->type, SANITIZE_TYPE_OBJECT);
	CHECK_INT(s->n_props, 9);
	CHECK_STR(s->props[0].name, "created_at");
	CHECK_STR(s->props[0].schema->format, "date-time");
	CHECK_INT(find_prop(s, "id")->type, SANITIZE_TYPE_INTEGER);
	settings = find_prop(s, "settings");
	CHECK_STR(settings->ref, "#/definitions/MeetingSettings");
	CHECK_INT(settings->type, SANITIZE_TYPE_NONE);
	CHECK(settings->target != NULL);
	CHECK(settings->target == find_def(r, "MeetingSettings"));
	CHECK_STR(r->definitions[0].name, "AuthenticationException");
	CHECK_STR(r->definitions[21].name, "User");
	s = find_prop(settings->target, "breakout_room")->target;
	CHECK(s == find_def(r, "BreakoutRoom"));
	room = find_prop(s, "rooms");
	CHECK_INT(room->type, SANITIZE_TYPE_ARRAY);
	room = room->items->target;
	CHECK_INT(find_prop(room, "participants")->items->type,
	    SANITIZE_TYPE_STRING);
	s = find_prop(r->endpoints[7].response_schema, "users")->items->target;
	CHECK_INT(find_prop(s, "pmi")->type, SANITIZE_TYPE_INTEGER);
	CHECK(find_prop(s, "phone_number") == NULL);
	sanitize_rules_free(&r);
}

TEST(rules_zoom_selection)
{
	static const struct {
		const char *target;
		long endpoint;
	} v[] = {
	    {"/v2/users/USER_ID/meetings", 8},
	    {"/v2/users", 7},
	    {"/v2/users/USER_ID/recordings", 9},
	    {"/v2/meetings/MEETING_ID", 0},
	    {"/v2/meetings/99460000470?show_previous_occurrences=false&"
	     "occurrence_id=abcdeg%3D%3D",
		0},
	    {"/v2/meetings/MEETING_ID/meeting_summary", 1},
	    {"/v2/past_meetings/MEETING_ID", 2},
	    {"/v2/past_meetings/MEETING_ID/instances", 3},
	    {"/v2/past_meetings/MEETING_ID/participants", 4},
	    {"/v2/report/users/{userId}/meetings", 6},
	    {"/v2/report/meetings/{meetingId}/participants", 5},
	    {"/v2/report/meetings/abc%2Fdef/participants?page_size=300", 5},
	    {"/v2/meetings/abc%252Fdef", 0},
	    {"/v2/past_meetings/NUXghb123TCj0bP6nPVe/sg==", 2},
	    {"/v2/past_meetings/NUXghb123TCj0bP6nPVe/sg==/participants", 4},
	    {"/v2/meetings/NUXghb123TCj0bP6nPVe/sg==/meeting_summary", 1},
	    {"/V2/USERS?PAGE_SIZE=10", 7},
	    {"/v2/users?page_size=300&next_page_token=x&status=active", 7},
	    {"/v2/report/meetings/{meetingId}", -1},
	    {"/v2/users/", -1},
	    {"/v2/users/ID/meetings/", -1},
	    {"/v2/meetings", -1},
	    {"/v2/past_meetings", -1},
	    {"/v2/meetings//abc", -1},
	    {"/v2/meetings/ab//cd", -1},
	    {"/v2/report/meetings/a/b/c/participants", -1},
	    {"/v2/meetings/ID/polls/POLL", -1},
	    {"/v2/users/ID/settings", -1},
	    {"/v2/report/daily", -1},
	    {"/v2/groups", -1},
	    {"/v2/metrics/webinars", -1},
	    {"/v2/users?include_fields=custom_attributes", -1},
	    {"/v2/meetings/ID/meeting_summary?x=1", -1},
	    {"/v2/past_meetings/ID/instances?page_size=1", -1},
	    {"/v2/meetings/ID?occurrence_id=1&type=2", -1},
	};
	struct sanitize_rules *r = NULL;
	struct sanitize_match m;
	size_t i;
	long got;

	CHECK_INT(sanitize_rules_load_string("zoom.yaml", zoom_rules(),
		      strlen(zoom_rules()), NULL, &r),
	    0);
	if (r == NULL)
		return;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		got = pick(r, "GET", v[i].target);
		if (got != v[i].endpoint)
			zp_test_failf(__FILE__, __LINE__,
			    "%s: endpoint %ld, want %ld", v[i].target, got,
			    v[i].endpoint);
	}
	CHECK_INT(sanitize_rules_match(r, "GET", "/v2/users", &m), 0);
	CHECK_INT(m.count, 1);
	CHECK(m.endpoint == &r->endpoints[7]);
	CHECK_INT(
	    sanitize_rules_match(r, "GET", "/v2/groups", &m), ZP_ENOTFOUND);
	CHECK(m.endpoint == NULL);
	CHECK_INT(m.count, 0);
	CHECK_INT(sanitize_rules_match(NULL, "GET", "/", &m), ZP_EINVAL);
	sanitize_rules_free(&r);
}

/* --- pathTemplate (RULES-SPEC 1.4) ------------------------------------- */

/* template_of loads one endpoint with pathTemplate t (YAML single-quoted). */
static struct sanitize_rules *
template_of(const char *t, struct zp_buf *err)
{
	struct zp_buf y = ZP_BUF_INIT;
	struct sanitize_rules *r = NULL;

	zp_buf_printf(&y, "endpoints:\n  - pathTemplate: '%s'\n", t);
	load(y.data, err, &r);
	zp_buf_release(&y);
	return r;
}

TEST(rules_template_translation)
{
	static const struct {
		const char *tmpl, *regex;
	} v[] = {
	    {"/v2/users", "^/v2/users$"},
	    {"/v2/users/{userId}/meetings",
		"^/v2/users/(?<userId>[^/]+)/meetings$"},
	    {"/a/{id?}", "^/a/(?<id>[^/]*)$"},
	    {"/a/{x1}/{Y2?}/b", "^/a/(?<x1>[^/]+)/(?<Y2>[^/]*)/b$"},
	    {"/a.b-c", "^/a\\.b\\-c$"},
	    {"/.^$<>*+[]()-=?!",
		"^/\\.\\^\\$\\<\\>\\*\\+\\[\\]\\(\\)\\-\\=\\?\\!$"},
	    {"/a|b\\c}", "^/a|b\\c}$"},
	    {"/a{2}", "^/a{2}$"},
	    {"/x{2,}y{1,3}", "^/x{2,}y{1,3}$"},
	    {"/{{id}", NULL},
	    {"", "^$"},
	};
	struct zp_buf err = ZP_BUF_INIT;
	struct sanitize_rules *r;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (v[i].regex == NULL)
			continue;
		zp_buf_reset(&err);
		r = template_of(v[i].tmpl, &err);
		CHECK(r != NULL);
		if (r == NULL) {
			printf("    %s", err.data ? err.data : "");
			continue;
		}
		CHECK_STR(r->endpoints[0].path.source, v[i].regex);
		sanitize_rules_free(&r);
	}
	zp_buf_release(&err);
}

TEST(rules_template_rejects_java_illegal_repetition)
{
	CHECK_LOAD_ERROR("endpoints:\n  - pathTemplate: /v2/users/{user_id}\n",
	    "t.yaml:2: bad pathTemplate: \"{\" at offset 10 does not start a "
	    "parameter (names are [A-Za-z][A-Za-z0-9]*)\n");
	CHECK_LOAD_ERROR("endpoints:\n  - pathTemplate: /{{id}\n",
	    "t.yaml:2: bad pathTemplate: \"{\" at offset 1 does not start a "
	    "parameter (names are [A-Za-z][A-Za-z0-9]*)\n");
	CHECK_LOAD_ERROR("endpoints:\n  - pathTemplate: /{a}/{a}\n",
	    "t.yaml:2: bad regex in pathTemplate at offset 19: two named "
	    "subpatterns have the same name (PCRE2_DUPNAMES not set)\n");
}

TEST(rules_template_matching)
{
	struct zp_buf err = ZP_BUF_INIT;
	struct sanitize_rules *r = template_of("/v2/users/{userId}/x", &err);

	CHECK(r != NULL);
	if (r == NULL)
		return;
	CHECK_INT(pick(r, "GET", "/v2/users/abc/x"), 0);
	CHECK_INT(pick(r, "GET", "/V2/Users/abc/X"), 0);
	CHECK_INT(pick(r, "GET", "/v2/users/a%2Fb/x"), 0);
	CHECK_INT(pick(r, "GET", "/v2/users/a/b/x"), -1);
	CHECK_INT(pick(r, "GET", "/v2/users//x"), -1);
	CHECK_INT(pick(r, "GET", "/v2/users/abc/x/"), -1);
	CHECK_INT(pick(r, "GET", "/v2/users/abc/x?any=thing"), 0);
	CHECK_INT(pick(r, "GET", "/v2/users/abc/x\n"), -1);
	sanitize_rules_free(&r);
	r = template_of("/a/{id?}", &err);
	CHECK(r != NULL);
	if (r != NULL) {
		CHECK_INT(pick(r, "GET", "/a/"), 0);
		CHECK_INT(pick(r, "GET", "/a/b"), 0);
		CHECK_INT(pick(r, "GET", "/a"), -1);
	}
	sanitize_rules_free(&r);
	zp_buf_release(&err);
}

/* --- endpoint selection (RULES-SPEC 1.3, 1.5) -------------------------- */

static const char selection_yaml[] =
    "endpoints:\n"
    "  - pathRegex: '^/r/[^/?]+$'\n"
    "  - pathRegex: '^/q/[^/?]+(?:[?].*)?$'\n"
    "    allowedQueryParams: [page_size, Next_Page_Token]\n"
    "  - pathTemplate: /none\n"
    "    allowedQueryParams: []\n"
    "  - pathTemplate: /m\n"
    "    allowedMethods: [get, Head]\n"
    "  - pathTemplate: /both\n"
    "    pathRegex: '^/both$'\n"
    "  - pathTemplate: /any\n"
    "  - pathRegex: '^/any.*'\n"
    "  - pathTemplate: /nullq\n"
    "    allowedQueryParams:\n";

TEST(rules_selection_query_and_methods)
{
	struct sanitize_rules *r = NULL;
	struct sanitize_match m;

	CHECK_INT(load(selection_yaml, NULL, &r), 0);
	if (r == NULL)
		return;
	/* A regex sees path+query, so one without a query part rejects it. */
	CHECK_INT(pick(r, "GET", "/r/abc"), 0);
	CHECK_INT(pick(r, "GET", "/r/abc?x=1"), -1);
	CHECK_INT(pick(r, "GET", "/q/abc?page_size=3&next_page_token=t"), 1);
	CHECK_INT(pick(r, "GET", "/q/abc?PAGE_SIZE=3"), 1);
	CHECK_INT(pick(r, "GET", "/q/abc?page%5Fsize=3"), 1);
	CHECK_INT(pick(r, "GET", "/q/abc?page_size"), 1);
	CHECK_INT(pick(r, "GET", "/q/abc?page_size=3&&"), 1);
	CHECK_INT(pick(r, "GET", "/q/abc?page_size=3&from=x"), -1);
	CHECK_INT(pick(r, "GET", "/q/abc?from"), -1);
	CHECK_INT(pick(r, "GET", "/q/abc?=3"), 1);
	CHECK_INT(pick(r, "GET", "/none"), 2);
	CHECK_INT(pick(r, "GET", "/none?"), 2);
	CHECK_INT(pick(r, "GET", "/none?a=1"), -1);
	CHECK_INT(pick(r, "GET", "/m"), 3);
	CHECK_INT(pick(r, "head", "/m"), 3);
	CHECK_INT(pick(r, "POST", "/m"), -1);
	/* With both keys the regex is tried on path+query, then the path. */
	CHECK_INT(pick(r, "GET", "/both"), 4);
	CHECK_INT(pick(r, "GET", "/both?x=2"), 4);
	CHECK_INT(pick(r, "GET", "/both/x"), -1);
	CHECK_INT(pick(r, "GET", "/nullq?anything=1"), 7);
	CHECK_STR(r->endpoints[3].allowed_methods.v[0], "GET");
	CHECK_STR(r->endpoints[3].allowed_methods.v[1], "HEAD");
	CHECK(!r->endpoints[7].allowed_query_params.set);
	CHECK(r->endpoints[2].allowed_query_params.set);
	/* Two endpoints match: the first in file order wins, both counted. */
	CHECK_INT(sanitize_rules_match(r, "GET", "/any", &m), 0);
	CHECK_INT(m.index, 5);
	CHECK_INT(m.count, 2);
	CHECK_INT(m.second, 6);
	CHECK_INT(sanitize_rules_match(r, "GET", "/anything", &m), 0);
	CHECK_INT(m.index, 6);
	CHECK_INT(m.count, 1);
	sanitize_rules_free(&r);
}

TEST(rules_selection_allow_all)
{
	struct sanitize_rules *r = NULL;
	struct sanitize_match m;

	CHECK_INT(load("allowAllEndpoints: true\n", NULL, &r), 0);
	if (r == NULL)
		return;
	CHECK_INT(sanitize_rules_match(r, "GET", "/whatever", &m), 0);
	CHECK(m.endpoint == NULL);
	CHECK_INT(m.count, 0);
	sanitize_rules_free(&r);
}

TEST(rules_selection_parameter_schemas)
{
	static const char yaml[] = "endpoints:\n"
				   "  - pathTemplate: /u/{userId}/{n}\n"
				   "    pathParameterSchemas:\n"
				   "      userId:\n"
				   "        or:\n"
				   "          - format: reversible-pseudonym\n"
				   "          - pattern: '[a-z]+@[a-z.]+'\n"
				   "      n:\n"
				   "        type: integer\n"
				   "  - pathTemplate: /q\n"
				   "    queryParamSchemas:\n"
				   "      from:\n"
				   "        type: string\n"
				   "        pattern: '\\d{4}-\\d{2}-\\d{2}'\n"
				   "        required: true\n"
				   "      kind:\n"
				   "        enum: [live, past]\n"
				   "      x:\n"
				   "        type: number\n";
	struct sanitize_rules *r = NULL;
	struct zp_buf err = ZP_BUF_INIT;

	CHECK_INT(load(yaml, &err, &r), 0);
	CHECK_STR(err.data ? err.data : "", "");
	if (r == NULL)
		return;
	CHECK_INT(
	    pick(r, "GET",
		"/u/p~JzXCV2FA272NOeqHYQbR4PewwSZI9hznATn7Wse3j8GpsoD91NC0n"
		"Dg1vNKrhPEc/12"),
	    0);
	CHECK_INT(pick(r, "GET", "/u/bob@example.com/3"), 0);
	CHECK_INT(pick(r, "GET", "/u/Bob/3"), -1);
	CHECK_INT(pick(r, "GET", "/u/p~short/3"), -1);
	CHECK_INT(pick(r, "GET", "/u/bob@example.com/x3"), -1);
	CHECK_INT(pick(r, "GET", "/q?from=2024-01-02"), 1);
	CHECK_INT(pick(r, "GET", "/q?from=2024-01-02&kind=past&x=1.5e3"), 1);
	CHECK_INT(pick(r, "GET", "/q?from=2024%2D01-02"), 1);
	CHECK_INT(pick(r, "GET", "/q?from=yesterday"), -1);
	CHECK_INT(pick(r, "GET", "/q"), -1);
	CHECK_INT(pick(r, "GET", "/q?from"), -1);
	CHECK_INT(pick(r, "GET", "/q?from=2024-01-02&kind=future"), -1);
	CHECK_INT(pick(r, "GET", "/q?from=2024-01-02&x=abc"), -1);
	CHECK_INT(pick(r, "GET", "/q?from=2024-01-02&Kind=future"), 1);
	CHECK(r->endpoints[1].query_params[0].required);
	CHECK_STR(r->endpoints[0].path_params[0].name, "userId");
	CHECK_INT(r->endpoints[0].path_params[0].n_ors, 2);
	sanitize_rules_free(&r);
	zp_buf_release(&err);
}

/* --- responseSchema ---------------------------------------------------- */

TEST(rules_schema_refs_and_keys)
{
	static const char yaml[] =
	    "endpoints:\n"
	    "  - pathTemplate: /a\n"
	    "    responseSchema:\n"
	    "      $schema: http://json-schema.org/draft-07/schema#\n"
	    "      title: ignored\n"
	    "      type: object\n"
	    "      required: [x]\n"
	    "      additionalProperties: true\n"
	    "      properties:\n"
	    "        '+x:textDigest': {type: string}\n"
	    "        self: {$ref: '#'}\n"
	    "        node: {$ref: '#/definitions/Node'}\n"
	    "        either:\n"
	    "          anyOf: [{type: string}, {$ref: '#/definitions/Node'}]\n"
	    "        k: {type: string, const: abc}\n"
	    "        noprops: {type: object}\n"
	    "        empty: {type: object, properties: {}}\n"
	    "        n: {type: 'null'}\n"
	    "        b: {type: boolean}\n"
	    "        f: {type: number}\n"
	    "definitions:\n"
	    "  Node:\n"
	    "    type: object\n"
	    "    properties:\n"
	    "      children:\n"
	    "        type: array\n"
	    "        items: {$ref: '#/definitions/Node'}\n";
	struct sanitize_rules *r = NULL;
	struct zp_buf err = ZP_BUF_INIT;
	const struct sanitize_schema *s, *node;

	CHECK_INT(load(yaml, &err, &r), 0);
	CHECK_STR(err.data ? err.data : "", "");
	if (r == NULL)
		return;
	s = r->endpoints[0].response_schema;
	node = r->definitions[0].schema;
	CHECK_INT(s->n_props, 10);
	CHECK_STR(s->props[0].name, "+x:textDigest");
	CHECK(find_prop(s, "self")->target != NULL);
	CHECK_INT(find_prop(s, "self")->target->type, SANITIZE_TYPE_NONE);
	CHECK(find_prop(s, "node")->target == node);
	CHECK(find_prop(node, "children")->items->target == node);
	CHECK_INT(find_prop(s, "either")->n_any_of, 2);
	CHECK(find_prop(s, "either")->any_of[1]->target == node);
	CHECK_STR(find_prop(s, "k")->const_text, "abc");
	CHECK(!find_prop(s, "noprops")->has_props);
	CHECK(find_prop(s, "empty")->has_props);
	CHECK_INT(find_prop(s, "empty")->n_props, 0);
	CHECK_INT(find_prop(s, "n")->type, SANITIZE_TYPE_NULL);
	CHECK_INT(find_prop(s, "b")->type, SANITIZE_TYPE_BOOLEAN);
	CHECK_INT(find_prop(s, "f")->type, SANITIZE_TYPE_NUMBER);
	CHECK_INT(find_prop(s, "f")->line, 20);
	sanitize_rules_free(&r);
	zp_buf_release(&err);
}

TEST(rules_schema_ref_errors)
{
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    responseSchema:\n"
			 "      type: object\n"
			 "      $ref: '#/definitions/Nope'\n"
			 "definitions:\n"
			 "  Yes: {type: string}\n",
	    "t.yaml:5: $ref \"#/definitions/Nope\": no such definition\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    responseSchema: {$ref: '#/definitions/X'}\n",
	    "t.yaml:3: $ref \"#/definitions/X\": the rules have no "
	    "definitions\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    responseSchema: {$ref: 'other.json#/X'}\n",
	    "t.yaml:3: unsupported $ref \"other.json#/X\" (expected \"#\" or "
	    "\"#/definitions/NAME\")\n");
	CHECK_LOAD_ERROR("endpoints: []\n"
			 "definitions:\n"
			 "  A:\n"
			 "    $ref: '#/definitions/B'\n"
			 "  B:\n"
			 "    anyOf:\n"
			 "      - $ref: '#/definitions/A'\n",
	    "t.yaml:6: $ref cycle: #/definitions/A -> #/definitions/B -> "
	    "#/definitions/A\n");
	CHECK_LOAD_ERROR("endpoints: []\n"
			 "definitions:\n"
			 "  Self: {$ref: '#/definitions/Self'}\n",
	    "t.yaml:3: $ref cycle: #/definitions/Self -> "
	    "#/definitions/Self\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    responseSchema:\n"
			 "      type: array\n",
	    "t.yaml:4: missing required key \"items\" in schema of type "
	    "array\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    responseSchema:\n"
			 "      type: objet\n",
	    "t.yaml:4: unknown schema type \"objet\"\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    responseSchema:\n"
			 "      type: object\n"
			 "      description: nope\n",
	    "t.yaml:5: unknown key \"description\" in schema\n");
}

/* --- transforms (RULES-SPEC 2) ----------------------------------------- */

static const char transforms_yaml[] =
    "endpoints:\n"
    "  - pathTemplate: /t\n"
    "    transforms:\n"
    "      - !<redact>\n"
    "        jsonPaths: [$.a]\n"
    "        applyOnlyWhen: '$.records[?(@.x == 1)]'\n"
    "      - !<redactRegexMatches>\n"
    "        jsonPaths: [$.b]\n"
    "        redactions: ['(?i)pwd=[^&]*', 'x+']\n"
    "      - !<redactExceptPhrases>\n"
    "        jsonPaths: [$.c]\n"
    "        allowedPhrases: ['phrase1', 'a.b (c)']\n"
    "      - !<redactExceptSubstringsMatchingRegexes>\n"
    "        jsonPaths: [$.d]\n"
    "        exceptions: ['Q[0-9]']\n"
    "      - !<pseudonymize>\n"
    "        jsonPaths: [$.e]\n"
    "      - !<pseudonymize>\n"
    "        jsonPaths: [$.e2]\n"
    "        encoding: JSON\n"
    "        includeOriginal: true\n"
    "        includeReversible: True\n"
    "        onlyIfRegex: '(unused'\n"
    "      - !<pseudonymizeEmailHeader>\n"
    "        jsonPaths: [$.f]\n"
    "        encoding: URL_SAFE_HASH_ONLY\n"
    "      - !<filterTokenByRegex>\n"
    "        jsonPaths: [$.g]\n"
    "        filters: ['[a-z]+']\n"
    "      - !<filterTokenByRegex>\n"
    "        jsonPaths: [$.g2]\n"
    "        delimiter: ','\n"
    "        filters: []\n"
    "      - !<filterTokenByRegex>\n"
    "        jsonPaths: [$.g3]\n"
    "        delimiter: ~\n"
    "        filters: [x]\n"
    "      - !<tokenize>\n"
    "        jsonPaths: [$.h]\n"
    "      - !<tokenize>\n"
    "        jsonPaths: [$.h2]\n"
    "        regex: '^https://graph.microsoft.com/(.*)$'\n"
    "      - !<textDigest>\n"
    "        jsonPaths: [$.i]\n"
    "        keywords: [alpha, beta]\n"
    "        isJsonEscaped: true\n"
    "        jsonPathToProcessWhenEscaped: $.text\n"
    "      - !<pseudonymizeRegexMatches>\n"
    "        jsonPaths: [$.j]\n"
    "        regex: '^(?:smtp|SMTP):(.*)$'\n"
    "        includeReversible: true\n"
    "      - !<hashIp>\n"
    "        jsonPaths: [$.k]\n"
    "      - !encryptIp\n"
    "        jsonPaths: [$.l]\n"
    "      - method: redact\n"
    "        jsonPaths: [$.m]\n"
    "        fields: [old]\n"
    "      - !<redact>\n"
    "        method: redact\n"
    "        jsonPaths: []\n";

/* matches runs re over all of s. */
static int
matches(const struct sanitize_regex *re, const char *s)
{
	return sanitize_regex_full_match(re, s, strlen(s));
}

/*
 * find_group1 searches s with re (Java find()) and returns group 1 of the
 * first hit, "" if the hit has no group 1, or "(none)".
 */
static const char *
find_group1(const struct sanitize_regex *re, const char *s, struct zp_buf *out)
{
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);
	PCRE2_SIZE *ov;
	int rc = pcre2_match((const pcre2_code *)re->code, (PCRE2_SPTR)s,
	    strlen(s), 0, 0, md, NULL);

	zp_buf_reset(out);
	zp_buf_puts(out, rc < 0 ? "(none)" : "");
	ov = pcre2_get_ovector_pointer(md);
	if (rc >= 2 && ov[2] != PCRE2_UNSET)
		zp_buf_append(out, s + ov[2], ov[3] - ov[2]);
	pcre2_match_data_free(md);
	return out->data;
}

TEST(rules_transform_options)
{
	struct sanitize_rules *r = NULL;
	struct zp_buf err = ZP_BUF_INIT;
	const struct sanitize_transform *t;
	struct zp_buf g = ZP_BUF_INIT;

	CHECK_INT(load(transforms_yaml, &err, &r), 0);
	CHECK_STR(err.data ? err.data : "", "");
	if (r == NULL)
		return;
	CHECK_INT(r->endpoints[0].n_transforms, 18);
	t = r->endpoints[0].transforms;
	CHECK_INT(t[0].kind, SANITIZE_REDACT);
	CHECK_STR(t[0].apply_only_when.text, "$.records[?(@.x == 1)]");
	CHECK_INT(t[0].apply_only_when.line, 6);
	CHECK(t[1].apply_only_when.text == NULL);
	CHECK_INT(t[1].kind, SANITIZE_REDACT_REGEX_MATCHES);
	CHECK_INT(t[1].n_redactions, 2);
	CHECK_STR(t[1].redactions[0].source, "(?i)pwd=[^&]*");
	CHECK_INT(matches(&t[1].redactions[0], "PWD=abc"), 1);
	CHECK_INT(t[2].n_phrases, 2);
	CHECK_STR(t[2].phrases[1].source, "a.b (c)");
	CHECK_INT(matches(&t[2].phrases[0], "PHRASE1"), 1);
	CHECK_INT(matches(&t[2].phrases[0], "phrase1:"), 0);
	CHECK_STR(find_group1(&t[2].phrases[0], "blah Phrase1: blah", &g),
	    "Phrase1");
	CHECK_STR(find_group1(&t[2].phrases[1], "x A.B (C) y", &g), "A.B (C)");
	CHECK_STR(find_group1(&t[2].phrases[1], "x A.B (C)y", &g), "A.B (C)");
	/* Java's quirk too: \b after ")" cannot match at the very end. */
	CHECK_STR(find_group1(&t[2].phrases[1], "x A.B (C)", &g), "(none)");
	CHECK_STR(find_group1(&t[2].phrases[1], "aXb (c)y", &g), "(none)");
	CHECK_STR(find_group1(&t[3].exceptions[0], "in Q3 we", &g), "Q3");
	CHECK_STR(t[3].exceptions[0].source, "Q[0-9]");
	CHECK_INT(matches(&t[3].exceptions[0], "in Q3 we"), 1);
	CHECK_INT(matches(&t[3].exceptions[0], "in Q3\nwe"), 0);
	CHECK_INT(matches(&t[3].exceptions[0], "in Q3\rwe"), 0);
	CHECK_INT(t[4].encoding, SANITIZE_ENC_URL_SAFE_TOKEN);
	CHECK(!t[4].include_original && !t[4].include_reversible);
	CHECK(t[4].only_if_regex == NULL);
	CHECK_INT(t[5].encoding, SANITIZE_ENC_JSON);
	CHECK(t[5].include_original && t[5].include_reversible);
	CHECK_STR(t[5].only_if_regex, "(unused");
	CHECK_INT(t[6].kind, SANITIZE_PSEUDONYMIZE_EMAIL_HEADER);
	CHECK_INT(t[6].encoding, SANITIZE_ENC_URL_SAFE_HASH_ONLY);
	CHECK_STR(t[7].delimiter.source, "\\s+");
	CHECK_INT(matches(&t[7].delimiter, " \t\n"), 1);
	CHECK_INT(matches(&t[7].filters[0], "abc"), 1);
	CHECK_STR(t[8].delimiter.source, ",");
	CHECK_INT(t[8].n_filters, 0);
	CHECK(t[8].filters != NULL);
	CHECK(t[9].delimiter.code == NULL && t[9].delimiter.source == NULL);
	CHECK_INT(t[10].kind, SANITIZE_TOKENIZE);
	CHECK(t[10].regex.code == NULL);
	CHECK_INT(t[11].kind, SANITIZE_TOKENIZE);
	CHECK_INT(t[11].regex.line, 42);
	CHECK_INT(
	    matches(&t[11].regex, "https://graph.microsoft.com/v1/x"), 1);
	CHECK_INT(t[12].keywords.n, 2);
	CHECK(t[12].is_json_escaped);
	CHECK_STR(t[12].json_path_when_escaped.text, "$.text");
	CHECK_INT(t[13].kind, SANITIZE_PSEUDONYMIZE_REGEX_MATCHES);
	CHECK(t[13].include_reversible);
	CHECK_INT(matches(&t[13].regex, "smtp:a@b.com"), 1);
	CHECK_INT(matches(&t[13].regex, "Smtp:a@b.com"), 0);
	CHECK_INT(t[14].kind, SANITIZE_HASH_IP);
	CHECK_INT(t[15].kind, SANITIZE_ENCRYPT_IP);
	CHECK_INT(t[16].kind, SANITIZE_REDACT);
	CHECK_STR(t[16].json_paths[0].text, "$.m");
	CHECK_INT(t[17].kind, SANITIZE_REDACT);
	CHECK_INT(t[17].n_json_paths, 0);
	CHECK_INT(t[17].line, 59);
	sanitize_rules_free(&r);
	zp_buf_release(&err);
	zp_buf_release(&g);
}

TEST(rules_transform_names)
{
	static const char *const names[] = {"redact", "redactRegexMatches",
	    "redactExceptPhrases", "redactExceptSubstringsMatchingRegexes",
	    "pseudonymize", "pseudonymizeEmailHeader", "filterTokenByRegex",
	    "tokenize", "textDigest", "pseudonymizeRegexMatches", "hashIp",
	    "encryptIp"};
	int i;

	for (i = 0; i < 12; i++)
		CHECK_STR(
		    sanitize_transform_name((enum sanitize_transform_kind)i),
		    names[i]);
}

TEST(rules_augments)
{
	static const char yaml[] = "endpoints:\n"
				   "  - pathTemplate: /a\n"
				   "    augments:\n"
				   "      - !<textDigest>\n"
				   "        jsonPaths: [$.body]\n"
				   "        keywords: [x]\n"
				   "      - method: sentenceMetadata\n"
				   "        jsonPaths: [$.text]\n"
				   "        innerJsonPath: $.inner\n"
				   "        hedgeWords: [maybe]\n"
				   "        taxonomy: {risk: [danger]}\n";
	struct sanitize_rules *r = NULL;
	struct zp_buf err = ZP_BUF_INIT;
	const struct sanitize_augment *a;

	CHECK_INT(load(yaml, &err, &r), 0);
	CHECK_STR(err.data ? err.data : "", "");
	if (r == NULL)
		return;
	CHECK_INT(r->endpoints[0].n_augments, 2);
	a = r->endpoints[0].augments;
	CHECK_INT(a[0].kind, SANITIZE_AUGMENT_TEXT_DIGEST);
	CHECK_STR(a[0].keywords.v[0], "x");
	CHECK_INT(a[1].kind, SANITIZE_AUGMENT_SENTENCE_METADATA);
	CHECK_STR(a[1].inner_json_path.text, "$.inner");
	CHECK_STR(a[1].json_paths[0].text, "$.text");
	sanitize_rules_free(&r);
	zp_buf_release(&err);
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    augments:\n"
			 "      - !<classify>\n"
			 "        jsonPaths: [$.body]\n",
	    "t.yaml:4: unknown augment tag !<classify>\n");
}

/* --- errors ------------------------------------------------------------ */

TEST(rules_error_unknown_keys)
{
	CHECK_LOAD_ERROR("endpoints: []\nallowedQueryParams: []\n",
	    "t.yaml:2: unknown key \"allowedQueryParams\" in rules\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    allowedQueryParam: [x]\n",
	    "t.yaml:3: unknown key \"allowedQueryParam\" in endpoint\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    transforms:\n"
			 "      - !<redact>\n"
			 "        jsonPaths: [$.a]\n"
			 "        encoding: JSON\n",
	    "t.yaml:6: unknown key \"encoding\" in !<redact>\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    queryParamSchemas:\n"
			 "      x: {type: string, nullable: true}\n",
	    "t.yaml:4: unknown key \"nullable\" in parameter schema\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a/{id}\n"
			 "    pathParameterSchemas:\n"
			 "      id: {required: true}\n",
	    "t.yaml:4: unknown key \"required\" in parameter schema\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    pathTemplate: /b\n",
	    "t.yaml:3: duplicate key \"pathTemplate\"\n");
}

TEST(rules_error_tags)
{
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    transforms:\n"
			 "      - !<pseudonymise>\n"
			 "        jsonPaths: [$.a]\n",
	    "t.yaml:4: unknown transform tag !<pseudonymise>\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    transforms:\n"
			 "      - jsonPaths: [$.a]\n",
	    "t.yaml:4: transform without a type (a tag like !<redact> or a "
	    "method key)\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    transforms:\n"
			 "      - !<redact>\n"
			 "        method: pseudonymize\n"
			 "        jsonPaths: [$.a]\n",
	    "t.yaml:5: method \"pseudonymize\" contradicts the tag "
	    "!<redact>\n");
	CHECK_LOAD_ERROR("endpoints:\n  - pathTemplate: !path /a\n",
	    "t.yaml:2: unexpected tag !path\n");
}

TEST(rules_error_missing_options)
{
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    transforms:\n"
			 "      - !<pseudonymizeRegexMatches>\n"
			 "        jsonPaths: [$.a]\n",
	    "t.yaml:4: missing required key \"regex\" in "
	    "!<pseudonymizeRegexMatches>\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    transforms:\n"
			 "      - !<redact> {}\n",
	    "t.yaml:4: missing required key \"jsonPaths\" in !<redact>\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    transforms:\n"
			 "      - !<filterTokenByRegex>\n"
			 "        jsonPaths: [$.a]\n"
			 "      - !<redactRegexMatches>\n"
			 "        jsonPaths: [$.a]\n"
			 "        redactions: ~\n",
	    "t.yaml:4: missing required key \"filters\" in "
	    "!<filterTokenByRegex>\n"
	    "t.yaml:6: missing required key \"redactions\" in "
	    "!<redactRegexMatches>\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    transforms:\n"
			 "      - !<textDigest>\n"
			 "        jsonPaths: [$.a]\n"
			 "        isJsonEscaped: true\n",
	    "t.yaml:4: isJsonEscaped needs jsonPathToProcessWhenEscaped\n");
	CHECK_LOAD_ERROR("endpoints:\n  - allowedMethods: [GET]\n",
	    "t.yaml:2: endpoint needs pathRegex or pathTemplate\n");
	CHECK_LOAD_ERROR("definitions: {}\n",
	    "t.yaml:1: missing required key \"endpoints\" in rules\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a/{id}\n"
			 "    pathParameterSchemas:\n"
			 "      userId: {type: integer}\n",
	    "t.yaml:4: pathParameterSchemas: pathTemplate has no parameter "
	    "\"userId\"\n");
}

TEST(rules_error_option_values)
{
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    transforms:\n"
			 "      - !<pseudonymize>\n"
			 "        jsonPaths: [$.a]\n"
			 "        includeOriginal: true\n",
	    "t.yaml:6: includeOriginal cannot be used with encoding "
	    "URL_SAFE_TOKEN\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    transforms:\n"
			 "      - !<pseudonymize>\n"
			 "        jsonPaths: [$.a]\n"
			 "        includeReversible: maybe\n"
			 "        encoding: url_safe_token\n",
	    "t.yaml:6: expected true or false for includeReversible, got "
	    "\"maybe\"\n"
	    "t.yaml:7: unknown encoding \"url_safe_token\" (expected "
	    "URL_SAFE_TOKEN, JSON or URL_SAFE_HASH_ONLY)\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    queryParamSchemas:\n"
			 "      x: {type: date}\n",
	    "t.yaml:4: unknown parameter type \"date\" (expected string, "
	    "integer or number)\n");
}

TEST(rules_error_regex)
{
	CHECK_LOAD_ERROR("endpoints:\n  - pathRegex: \"^/v2/(users\"\n",
	    "t.yaml:2: bad regex in pathRegex at offset 11: missing closing "
	    "parenthesis\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    transforms:\n"
			 "      - !<redactRegexMatches>\n"
			 "        jsonPaths: [$.a]\n"
			 "        redactions:\n"
			 "          - ok\n"
			 "          - '[a-'\n",
	    "t.yaml:8: bad regex in redactions at offset 3: missing "
	    "terminating ] for character class\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    transforms:\n"
			 "      - !<redactExceptSubstringsMatchingRegexes>\n"
			 "        jsonPaths: [$.a]\n"
			 "        exceptions: ['a)b']\n",
	    "t.yaml:6: bad regex in exceptions at offset 3: unmatched closing "
	    "parenthesis\n");
	CHECK_LOAD_ERROR("endpoints:\n  - pathRegex: 'a\\Cb'\n",
	    "t.yaml:2: bad regex in pathRegex at offset 3: using \\C is "
	    "disabled by the application\n");
}

TEST(rules_error_yaml)
{
	CHECK_LOAD_ERROR("", "t.yaml:1: empty rules document\n");
	CHECK_LOAD_ERROR(
	    "# only a comment\n", "t.yaml:1: empty rules document\n");
	CHECK_LOAD_ERROR("endpoints:\n  - pathTemplate: \"/a\n",
	    "t.yaml:3: bad YAML: found unexpected end of stream (while "
	    "scanning a quoted scalar)\n");
	CHECK_LOAD_ERROR("endpoints: [\n",
	    "t.yaml:2: bad YAML: did not find "
	    "expected node content (while "
	    "parsing a flow node)\n");
	CHECK_LOAD_ERROR("a: 1\n\x01\n",
	    "t.yaml:2: bad YAML: control characters are not allowed\n");
	CHECK_LOAD_ERROR("endpoints: {a: 1}\n",
	    "t.yaml:1: expected a list for endpoints, got a mapping\n");
	CHECK_LOAD_ERROR("- a\n",
	    "t.yaml:1: expected a mapping for the rules, got a list\n");
	CHECK_LOAD_ERROR("endpoints:\n  - /v2/users\n",
	    "t.yaml:2: expected a mapping for an endpoint, got a string\n");
	CHECK_LOAD_ERROR("endpoints:\n  - pathTemplate: [a]\n",
	    "t.yaml:2: expected a string for pathTemplate, got a list\n");
	CHECK_LOAD_ERROR("endpoints:\n"
			 "  - pathTemplate: /a\n"
			 "    transforms:\n"
			 "      - !<redact>\n"
			 "        jsonPaths: [~]\n",
	    "t.yaml:5: expected a string for jsonPaths, got null\n");
	CHECK_LOAD_ERROR("endpoints: []\n---\nendpoints: []\n",
	    "t.yaml:2: more than one YAML document\n");
	CHECK_LOAD_ERROR("endpoints: &a [*a]\n",
	    "t.yaml:1: alias *a names no complete anchor\n");
	CHECK_LOAD_ERROR("endpoints:\n  - pathTemplate: \"/a\\0b\"\n",
	    "t.yaml:2: pathTemplate contains a NUL byte\n");
}

TEST(rules_error_collects_all)
{
	static const char yaml[] = "endpoints:\n"
				   "  - pathTemplate: /a\n"
				   "    one: 1\n"
				   "    two: 2\n"
				   "    three: 3\n"
				   "wrong: true\n";
	struct sanitize_rules_options o = {0};
	struct sanitize_rules *r = NULL;
	struct zp_buf err = ZP_BUF_INIT;

	CHECK_LOAD_ERROR(yaml,
	    "t.yaml:3: unknown key \"one\" in endpoint\n"
	    "t.yaml:4: unknown key \"two\" in endpoint\n"
	    "t.yaml:5: unknown key \"three\" in endpoint\n"
	    "t.yaml:6: unknown key \"wrong\" in rules\n");
	o.errors = &err;
	o.max_errors = 2;
	CHECK_INT(sanitize_rules_load_string("x", yaml, strlen(yaml), &o, &r),
	    ZP_ECONFIG);
	CHECK(r == NULL);
	CHECK_STR(err.data,
	    "x:3: unknown key \"one\" in endpoint\n"
	    "x:4: unknown key \"two\" in endpoint\n"
	    "x: 2 more errors not shown\n");
	zp_buf_release(&err);
	CHECK_INT(
	    sanitize_rules_load_string("x", yaml, strlen(yaml), NULL, &r),
	    ZP_ECONFIG);
	CHECK_INT(
	    sanitize_rules_load_string("x", NULL, 1, NULL, &r), ZP_EINVAL);
}

/* dollar_only is a check_path hook that wants paths to start with $. */
static int
dollar_only(const char *path, struct zp_buf *why, void *arg)
{
	(void)arg;
	if (path[0] == '$')
		return 0;
	if (path[0] != '\0')
		zp_buf_puts(why, "must start with $");
	return -1;
}

TEST(rules_error_json_paths)
{
	static const char yaml[] = "endpoints:\n"
				   "  - pathTemplate: /a\n"
				   "    transforms:\n"
				   "      - !<redact>\n"
				   "        jsonPaths: [$.ok, a.b, '']\n"
				   "        applyOnlyWhen: x\n";
	struct sanitize_rules_options o = {0};
	struct sanitize_rules *r = NULL;
	struct zp_buf err = ZP_BUF_INIT;

	o.errors = &err;
	o.check_path = dollar_only;
	CHECK_INT(
	    sanitize_rules_load_string("t.yaml", yaml, strlen(yaml), &o, &r),
	    ZP_ECONFIG);
	CHECK_STR(err.data,
	    "t.yaml:5: bad JSONPath \"a.b\": must start with $\n"
	    "t.yaml:5: bad JSONPath \"\"\n"
	    "t.yaml:6: bad JSONPath \"x\": must start with $\n");
	zp_buf_release(&err);
	CHECK_INT(load_errors(yaml, NULL), 0);
}

TEST(rules_aliases)
{
	static const char ok[] = "x-common: &paths [$.a, $.b]\n"
				 "endpoints:\n"
				 "  - pathTemplate: /a\n"
				 "    transforms:\n"
				 "      - !<redact>\n"
				 "        jsonPaths: *paths\n";
	struct zp_buf bomb = ZP_BUF_INIT, err = ZP_BUF_INIT;
	int i, j;

	/* Aliases work; the unknown key is still an unknown key. */
	CHECK_LOAD_ERROR(ok, "t.yaml:1: unknown key \"x-common\" in rules\n");
	zp_buf_puts(&bomb, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (i = 1; i < 8; i++) {
		zp_buf_printf(&bomb, "a%d: &a%d [", i, i);
		for (j = 0; j < 10; j++)
			zp_buf_printf(&bomb, "%s*a%d", j ? ", " : "", i - 1);
		zp_buf_puts(&bomb, "]\n");
	}
	CHECK_INT(load_errors(bomb.data, &err), ZP_ECONFIG);
	CHECK_STR(err.data,
	    "t.yaml:6: more than 1000000 nodes once aliases "
	    "are expanded\n");
	zp_buf_release(&bomb);
	zp_buf_release(&err);
}

TEST(rules_depth_limit)
{
	struct zp_buf deep = ZP_BUF_INIT, err = ZP_BUF_INIT;
	int i;

	for (i = 0; i < 200; i++)
		zp_buf_putc(&deep, '[');
	CHECK_INT(load_errors(deep.data, &err), ZP_ECONFIG);
	CHECK_STR(err.data, "t.yaml:1: nested deeper than 128 levels\n");
	zp_buf_release(&deep);
	zp_buf_release(&err);
}

TEST(rules_load_file)
{
	char path[] = "/tmp/zp-rules-XXXXXX";
	struct sanitize_rules_options o = {0};
	struct sanitize_rules *r = NULL;
	struct zp_buf err = ZP_BUF_INIT;
	const char *z = zoom_rules();
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK_INT(write(fd, z, strlen(z)), (long long)strlen(z));
	close(fd);
	o.errors = &err;
	CHECK_INT(sanitize_rules_load_file(path, &o, &r), 0);
	CHECK(r != NULL && strcmp(r->name, path) == 0);
	CHECK(r != NULL && r->n_endpoints == 10);
	CHECK_STR(r ? r->sha256 : "",
	    "bbd0ebfe794a565747661dbcddca72c1b88c1af41970c4daca5d8701c2d932c"
	    "0");
	sanitize_rules_free(&r);
	sanitize_rules_free(&r);
	unlink(path);
	zp_buf_reset(&err);
	CHECK_INT(sanitize_rules_load_file(path, &o, &r), ZP_EIO);
	CHECK(r == NULL);
	CHECK(err.data != NULL && strncmp(err.data, path, strlen(path)) == 0);
	CHECK(err.data != NULL &&
	    strcmp(err.data + strlen(path), ": No such file or directory\n") ==
		0);
	CHECK_INT(sanitize_rules_load_file(NULL, &o, &r), ZP_EINVAL);
	zp_buf_release(&err);
}

/* --- the data ---------------------------------------------------------- */

/*
 * zoom_rules returns Psoxy's docs/sources/zoom/zoom.yaml (v0.6.x, HEAD
 * 5f92cb2), byte for byte: its SHA-256 is checked above.
 */
static const char *
zoom_rules(void)
{
	static const char text[] =
	    "---\n"
	    "endpoints:\n"
	    "  - pathRegex: "
	    "\"^/v2/meetings/[^/?]+(?:/(?!meeting_summary)[^/"
	    "?]+)?(?:[?].*)?$\"\n"
	    "    allowedQueryParams:\n"
	    "      - \"occurrence_id\"\n"
	    "      - \"show_previous_occurrences\"\n"
	    "    transforms:\n"
	    "      - !<pseudonymize>\n"
	    "        jsonPaths:\n"
	    "          - \"$.['host_id','host_email']\"\n"
	    "          - \"$..email\"\n"
	    "          - \"$..contact_email\"\n"
	    "          - \"$..participants[*]\"\n"
	    "        encoding: \"URL_SAFE_TOKEN\"\n"
	    "      - !<redact>\n"
	    "        jsonPaths:\n"
	    "          - \"$.['topic','agenda','custom_keys']\"\n"
	    "          - "
	    "\"$.settings.['alternative_hosts','enforce_login_domains','"
	    "approved_or_denied_countries_or_regions','audio_conference_info',"
	    "'name','authentication_name','authentication_option','contact_"
	    "name','custom_keys','global_dial_in_countries','global_dial_in_"
	    "numbers']\"\n"
	    "          - "
	    "\"$.['password','h323_password','pstn_password','encrypted_"
	    "password','start_url']\"\n"
	    "          - \"$..join_url\"\n"
	    "          - \"$..name\"\n"
	    "    responseSchema:\n"
	    "      type: \"object\"\n"
	    "      properties:\n"
	    "        created_at:\n"
	    "          type: \"string\"\n"
	    "          format: \"date-time\"\n"
	    "        host_id:\n"
	    "          type: \"string\"\n"
	    "        id:\n"
	    "          type: \"integer\"\n"
	    "        settings:\n"
	    "          $ref: \"#/definitions/MeetingSettings\"\n"
	    "        start_time:\n"
	    "          type: \"string\"\n"
	    "          format: \"date-time\"\n"
	    "        status:\n"
	    "          type: \"string\"\n"
	    "        timezone:\n"
	    "          type: \"string\"\n"
	    "        type:\n"
	    "          type: \"integer\"\n"
	    "        uuid:\n"
	    "          type: \"string\"\n"
	    "  - pathRegex: "
	    "\"^/v2/meetings/[^/?]+(?:/[^/?]+)?/meeting_summary(?:[?].*)?$\"\n"
	    "    allowedQueryParams: []\n"
	    "    transforms:\n"
	    "      - !<pseudonymize>\n"
	    "        jsonPaths:\n"
	    "          - \"$['meeting_host_id','meeting_host_email', "
	    "'summary_last_modified_user_id','summary_last_modified_user_"
	    "email']\"\n"
	    "        encoding: \"URL_SAFE_TOKEN\"\n"
	    "      - !<redact>\n"
	    "        jsonPaths:\n"
	    "          - \"$['meeting_topic','summary_title']\"\n"
	    "      - !<textDigest>\n"
	    "        jsonPaths:\n"
	    "          - \"$..summary_overview\"\n"
	    "          - \"$.summary_details[*].label\"\n"
	    "          - \"$.summary_details[*].summary\"\n"
	    "          - \"$.edited_summary.summary_details\"\n"
	    "          - \"$..next_steps[*]\"\n"
	    "    responseSchema:\n"
	    "      type: \"object\"\n"
	    "      properties:\n"
	    "        edited_summary:\n"
	    "          $ref: \"#/definitions/EditedSummary\"\n"
	    "        meeting_end_time:\n"
	    "          type: \"string\"\n"
	    "          format: \"date-time\"\n"
	    "        meeting_host_email:\n"
	    "          type: \"string\"\n"
	    "        meeting_host_id:\n"
	    "          type: \"string\"\n"
	    "        meeting_id:\n"
	    "          type: \"integer\"\n"
	    "        meeting_start_time:\n"
	    "          type: \"string\"\n"
	    "          format: \"date-time\"\n"
	    "        meeting_uuid:\n"
	    "          type: \"string\"\n"
	    "        next_steps:\n"
	    "          type: \"array\"\n"
	    "          items:\n"
	    "            type: \"string\"\n"
	    "        summary_created_time:\n"
	    "          type: \"string\"\n"
	    "          format: \"date-time\"\n"
	    "        summary_details:\n"
	    "          type: \"array\"\n"
	    "          items:\n"
	    "            $ref: \"#/definitions/SummaryDetail\"\n"
	    "        summary_end_time:\n"
	    "          type: \"string\"\n"
	    "          format: \"date-time\"\n"
	    "        summary_last_modified_time:\n"
	    "          type: \"string\"\n"
	    "          format: \"date-time\"\n"
	    "        summary_last_modified_user_email:\n"
	    "          type: \"string\"\n"
	    "        summary_last_modified_user_id:\n"
	    "          type: \"string\"\n"
	    "        summary_overview:\n"
	    "          type: \"string\"\n"
	    "        summary_start_time:\n"
	    "          type: \"string\"\n"
	    "          format: \"date-time\"\n"
	    "  - pathRegex: "
	    "\"^/v2/past_meetings/[^/?]+(?:/(?!(?:instances|participants))[^/"
	    "?]+)?(?:[?].*)?$\"\n"
	    "    allowedQueryParams: []\n"
	    "    transforms:\n"
	    "      - !<pseudonymize>\n"
	    "        jsonPaths:\n"
	    "          - \"$.['host_id','user_email','host_email']\"\n"
	    "        encoding: \"URL_SAFE_TOKEN\"\n"
	    "      - !<redact>\n"
	    "        jsonPaths:\n"
	    "          - \"$.['user_name','topic','agenda']\"\n"
	    "    responseSchema:\n"
	    "      type: \"object\"\n"
	    "      properties:\n"
	    "        dept:\n"
	    "          type: \"string\"\n"
	    "        duration:\n"
	    "          type: \"integer\"\n"
	    "        end_time:\n"
	    "          type: \"string\"\n"
	    "          format: \"date-time\"\n"
	    "        has_meeting_summary:\n"
	    "          type: \"boolean\"\n"
	    "        host_id:\n"
	    "          type: \"string\"\n"
	    "        id:\n"
	    "          type: \"integer\"\n"
	    "        participants_count:\n"
	    "          type: \"integer\"\n"
	    "        source:\n"
	    "          type: \"string\"\n"
	    "        start_time:\n"
	    "          type: \"string\"\n"
	    "          format: \"date-time\"\n"
	    "        topic:\n"
	    "          type: \"string\"\n"
	    "        total_minutes:\n"
	    "          type: \"integer\"\n"
	    "        type:\n"
	    "          type: \"integer\"\n"
	    "        user_email:\n"
	    "          type: \"string\"\n"
	    "        user_name:\n"
	    "          type: \"string\"\n"
	    "        uuid:\n"
	    "          type: \"string\"\n"
	    "  - pathRegex: "
	    "\"^/v2/past_meetings/[^/?]+(?:/[^/?]+)?/instances(?:[?].*)?$\"\n"
	    "    allowedQueryParams: []\n"
	    "    responseSchema:\n"
	    "      type: \"object\"\n"
	    "      properties:\n"
	    "        meetings:\n"
	    "          type: \"array\"\n"
	    "          items:\n"
	    "            $ref: \"#/definitions/MeetingOccurrence\"\n"
	    "        next_page_token:\n"
	    "          type: \"string\"\n"
	    "        page_count:\n"
	    "          type: \"integer\"\n"
	    "        page_number:\n"
	    "          type: \"integer\"\n"
	    "        page_size:\n"
	    "          type: \"integer\"\n"
	    "        total_records:\n"
	    "          type: \"integer\"\n"
	    "  - pathRegex: "
	    "\"^/v2/past_meetings/[^/?]+(?:/[^/?]+)?/"
	    "participants(?:[?].*)?$\"\n"
	    "    allowedQueryParams:\n"
	    "      - \"page_size\"\n"
	    "      - \"next_page_token\"\n"
	    "    transforms:\n"
	    "      - !<pseudonymize>\n"
	    "        jsonPaths:\n"
	    "          - \"$.participants[*]['id','user_email','pmi']\"\n"
	    "        encoding: \"URL_SAFE_TOKEN\"\n"
	    "      - !<redact>\n"
	    "        jsonPaths:\n"
	    "          - \"$.participants[*]['name','registrant_id']\"\n"
	    "    responseSchema:\n"
	    "      type: \"object\"\n"
	    "      properties:\n"
	    "        next_page_token:\n"
	    "          type: \"string\"\n"
	    "        page_count:\n"
	    "          type: \"integer\"\n"
	    "        page_number:\n"
	    "          type: \"integer\"\n"
	    "        page_size:\n"
	    "          type: \"integer\"\n"
	    "        participants:\n"
	    "          type: \"array\"\n"
	    "          items:\n"
	    "            $ref: \"#/definitions/MeetingParticipant\"\n"
	    "        total_records:\n"
	    "          type: \"integer\"\n"
	    "  - pathRegex: "
	    "\"^/v2/report/meetings/[^/?]+(?:/[^/?]+)?/"
	    "participants(?:[?].*)?$\"\n"
	    "    allowedQueryParams:\n"
	    "      - \"page_size\"\n"
	    "      - \"next_page_token\"\n"
	    "    transforms:\n"
	    "      - !<pseudonymize>\n"
	    "        jsonPaths:\n"
	    "          - "
	    "\"$.participants[*]['id','user_email','user_id','pmi']\"\n"
	    "        encoding: \"URL_SAFE_TOKEN\"\n"
	    "      - !<redact>\n"
	    "        jsonPaths:\n"
	    "          - "
	    "\"$.participants[*]['name','registrant_id','display_name']\"\n"
	    "    responseSchema:\n"
	    "      type: \"object\"\n"
	    "      properties:\n"
	    "        next_page_token:\n"
	    "          type: \"string\"\n"
	    "        page_count:\n"
	    "          type: \"integer\"\n"
	    "        page_number:\n"
	    "          type: \"integer\"\n"
	    "        page_size:\n"
	    "          type: \"integer\"\n"
	    "        participants:\n"
	    "          type: \"array\"\n"
	    "          items:\n"
	    "            $ref: \"#/definitions/MeetingParticipant\"\n"
	    "        total_records:\n"
	    "          type: \"integer\"\n"
	    "  - pathTemplate: \"/v2/report/users/{userId}/meetings\"\n"
	    "    allowedQueryParams:\n"
	    "      - \"from\"\n"
	    "      - \"to\"\n"
	    "      - \"type\"\n"
	    "      - \"page_size\"\n"
	    "      - \"next_page_token\"\n"
	    "    transforms:\n"
	    "      - !<pseudonymize>\n"
	    "        jsonPaths:\n"
	    "          - "
	    "\"$.meetings[*]['host_id','user_email','host_email']\"\n"
	    "        encoding: \"URL_SAFE_TOKEN\"\n"
	    "      - !<redact>\n"
	    "        jsonPaths:\n"
	    "          - "
	    "\"$.meetings[*]['user_name','topic','custom_keys','tracking_"
	    "fields']\"\n"
	    "    responseSchema:\n"
	    "      type: \"object\"\n"
	    "      properties:\n"
	    "        meetings:\n"
	    "          type: \"array\"\n"
	    "          items:\n"
	    "            $ref: \"#/definitions/MeetingsItem\"\n"
	    "        next_page_token:\n"
	    "          type: \"string\"\n"
	    "        page_count:\n"
	    "          type: \"integer\"\n"
	    "        page_number:\n"
	    "          type: \"integer\"\n"
	    "        page_size:\n"
	    "          type: \"integer\"\n"
	    "        total_records:\n"
	    "          type: \"integer\"\n"
	    "  - pathTemplate: \"/v2/users\"\n"
	    "    allowedQueryParams:\n"
	    "      - \"status\"\n"
	    "      - \"page_size\"\n"
	    "      - \"page_number\"\n"
	    "      - \"next_page_token\"\n"
	    "    transforms:\n"
	    "      - !<pseudonymize>\n"
	    "        jsonPaths:\n"
	    "          - \"$.users[*]['email','phone_number']\"\n"
	    "        encoding: \"URL_SAFE_TOKEN\"\n"
	    "      - !<pseudonymize>\n"
	    "        jsonPaths:\n"
	    "          - \"$.users[*]['id','pmi']\"\n"
	    "        includeReversible: true\n"
	    "        encoding: \"URL_SAFE_TOKEN\"\n"
	    "      - !<redact>\n"
	    "        jsonPaths:\n"
	    "          - "
	    "\"$.users[*]['display_name','first_name','last_name','pic_url','"
	    "employee_unique_id']\"\n"
	    "    responseSchema:\n"
	    "      type: \"object\"\n"
	    "      properties:\n"
	    "        next_page_token:\n"
	    "          type: \"string\"\n"
	    "        page_count:\n"
	    "          type: \"integer\"\n"
	    "        page_number:\n"
	    "          type: \"integer\"\n"
	    "        page_size:\n"
	    "          type: \"integer\"\n"
	    "        total_records:\n"
	    "          type: \"integer\"\n"
	    "        users:\n"
	    "          type: \"array\"\n"
	    "          items:\n"
	    "            $ref: \"#/definitions/User\"\n"
	    "  - pathTemplate: \"/v2/users/{userId}/meetings\"\n"
	    "    allowedQueryParams:\n"
	    "      - \"page_size\"\n"
	    "      - \"next_page_token\"\n"
	    "      - \"type\"\n"
	    "      - \"from\"\n"
	    "      - \"to\"\n"
	    "    transforms:\n"
	    "      - !<pseudonymize>\n"
	    "        jsonPaths:\n"
	    "          - \"$.meetings[*]['host_id','host_email']\"\n"
	    "        encoding: \"URL_SAFE_TOKEN\"\n"
	    "      - !<redact>\n"
	    "        jsonPaths:\n"
	    "          - "
	    "\"$.meetings[*]['topic','join_url','start_url','agenda']\"\n"
	    "    responseSchema:\n"
	    "      type: \"object\"\n"
	    "      properties:\n"
	    "        meetings:\n"
	    "          type: \"array\"\n"
	    "          items:\n"
	    "            $ref: \"#/definitions/Meeting\"\n"
	    "        next_page_token:\n"
	    "          type: \"string\"\n"
	    "        page_count:\n"
	    "          type: \"integer\"\n"
	    "        page_number:\n"
	    "          type: \"integer\"\n"
	    "        page_size:\n"
	    "          type: \"integer\"\n"
	    "        total_records:\n"
	    "          type: \"integer\"\n"
	    "  - pathTemplate: \"/v2/users/{userId}/recordings\"\n"
	    "    allowedQueryParams:\n"
	    "      - \"from\"\n"
	    "      - \"to\"\n"
	    "      - \"page_size\"\n"
	    "      - \"next_page_token\"\n"
	    "    transforms:\n"
	    "      - !<pseudonymize>\n"
	    "        jsonPaths:\n"
	    "          - \"$.meetings[*]['host_id','account_id']\"\n"
	    "        encoding: \"URL_SAFE_TOKEN\"\n"
	    "      - !<redact>\n"
	    "        jsonPaths:\n"
	    "          - "
	    "\"$..['topic','share_url','recording_play_passcode']\"\n"
	    "          - "
	    "\"$..recording_files[*]['download_url','file_path','play_url','"
	    "agenda']\"\n"
	    "    responseSchema:\n"
	    "      type: \"object\"\n"
	    "      properties:\n"
	    "        from:\n"
	    "          type: \"string\"\n"
	    "        meetings:\n"
	    "          type: \"array\"\n"
	    "          items:\n"
	    "            $ref: \"#/definitions/MeetingRecording\"\n"
	    "        next_page_token:\n"
	    "          type: \"string\"\n"
	    "        page_count:\n"
	    "          type: \"integer\"\n"
	    "        page_number:\n"
	    "          type: \"integer\"\n"
	    "        page_size:\n"
	    "          type: \"integer\"\n"
	    "        to:\n"
	    "          type: \"string\"\n"
	    "        total_records:\n"
	    "          type: \"integer\"\n"
	    "definitions:\n"
	    "  AuthenticationException:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      email:\n"
	    "        type: \"string\"\n"
	    "  BreakoutRoom:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      enable:\n"
	    "        type: \"boolean\"\n"
	    "      rooms:\n"
	    "        type: \"array\"\n"
	    "        items:\n"
	    "          $ref: \"#/definitions/Room\"\n"
	    "  ContinuousMeetingChat:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      auto_add_invited_external_users:\n"
	    "        type: \"boolean\"\n"
	    "      auto_add_meeting_participants:\n"
	    "        type: \"boolean\"\n"
	    "      channel_id:\n"
	    "        type: \"string\"\n"
	    "      enable:\n"
	    "        type: \"boolean\"\n"
	    "      who_is_added:\n"
	    "        type: \"string\"\n"
	    "  CustomKeysItem:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      key:\n"
	    "        type: \"string\"\n"
	    "      value:\n"
	    "        type: \"string\"\n"
	    "  EditedSummary:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      next_steps:\n"
	    "        type: \"array\"\n"
	    "        items:\n"
	    "          type: \"string\"\n"
	    "      summary_details:\n"
	    "        type: \"string\"\n"
	    "      summary_overview:\n"
	    "        type: \"string\"\n"
	    "  Interpreter:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      email:\n"
	    "        type: \"string\"\n"
	    "      interpreter_languages:\n"
	    "        type: \"string\"\n"
	    "      languages:\n"
	    "        type: \"string\"\n"
	    "  LanguageInterpretation:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      enable:\n"
	    "        type: \"boolean\"\n"
	    "      interpreters:\n"
	    "        type: \"array\"\n"
	    "        items:\n"
	    "          $ref: \"#/definitions/Interpreter\"\n"
	    "  Meeting:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      created_at:\n"
	    "        type: \"string\"\n"
	    "        format: \"date-time\"\n"
	    "      duration:\n"
	    "        type: \"integer\"\n"
	    "      host_id:\n"
	    "        type: \"string\"\n"
	    "      id:\n"
	    "        type: \"integer\"\n"
	    "      sourceId:\n"
	    "        type: \"string\"\n"
	    "      start_time:\n"
	    "        type: \"string\"\n"
	    "        format: \"date-time\"\n"
	    "      timezone:\n"
	    "        type: \"string\"\n"
	    "      type:\n"
	    "        type: \"integer\"\n"
	    "  MeetingInvitee:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      email:\n"
	    "        type: \"string\"\n"
	    "      internal_user:\n"
	    "        type: \"boolean\"\n"
	    "  MeetingOccurrence:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      duration:\n"
	    "        type: \"integer\"\n"
	    "      end_time:\n"
	    "        type: \"string\"\n"
	    "        format: \"date-time\"\n"
	    "      host_id:\n"
	    "        type: \"string\"\n"
	    "      meeting_id:\n"
	    "        type: \"string\"\n"
	    "      meeting_type:\n"
	    "        type: \"integer\"\n"
	    "      participants:\n"
	    "        type: \"array\"\n"
	    "        items:\n"
	    "          $ref: \"#/definitions/MeetingParticipant\"\n"
	    "      participants_count:\n"
	    "        type: \"integer\"\n"
	    "      start_time:\n"
	    "        type: \"string\"\n"
	    "        format: \"date-time\"\n"
	    "      topic_length:\n"
	    "        type: \"integer\"\n"
	    "      total_minutes:\n"
	    "        type: \"integer\"\n"
	    "      user_id:\n"
	    "        type: \"string\"\n"
	    "      uuid:\n"
	    "        type: \"string\"\n"
	    "      workItemId:\n"
	    "        type: \"string\"\n"
	    "  MeetingParticipant:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      bo_mtg_id:\n"
	    "        type: \"string\"\n"
	    "      customer_key:\n"
	    "        type: \"string\"\n"
	    "      duration:\n"
	    "        type: \"integer\"\n"
	    "      failover:\n"
	    "        type: \"boolean\"\n"
	    "      id:\n"
	    "        type: \"string\"\n"
	    "      join_time:\n"
	    "        type: \"string\"\n"
	    "        format: \"date-time\"\n"
	    "      leave_time:\n"
	    "        type: \"string\"\n"
	    "        format: \"date-time\"\n"
	    "      name:\n"
	    "        type: \"string\"\n"
	    "      registrant_id:\n"
	    "        type: \"string\"\n"
	    "      status:\n"
	    "        type: \"string\"\n"
	    "      user_email:\n"
	    "        type: \"string\"\n"
	    "      user_id:\n"
	    "        type: \"string\"\n"
	    "  MeetingRecording:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      account_id:\n"
	    "        type: \"string\"\n"
	    "      duration:\n"
	    "        type: \"integer\"\n"
	    "      host_id:\n"
	    "        type: \"string\"\n"
	    "      id:\n"
	    "        type: \"integer\"\n"
	    "      recording_count:\n"
	    "        type: \"integer\"\n"
	    "      recording_files:\n"
	    "        type: \"array\"\n"
	    "        items:\n"
	    "          $ref: \"#/definitions/RecordingFile\"\n"
	    "      start_time:\n"
	    "        type: \"string\"\n"
	    "        format: \"date-time\"\n"
	    "      total_size:\n"
	    "        type: \"integer\"\n"
	    "      type:\n"
	    "        type: \"string\"\n"
	    "      uuid:\n"
	    "        type: \"string\"\n"
	    "  MeetingSettings:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      allow_host_control_participant_mute_state:\n"
	    "        type: \"boolean\"\n"
	    "      allow_multiple_devices:\n"
	    "        type: \"boolean\"\n"
	    "      alternative_host_update_polls:\n"
	    "        type: \"boolean\"\n"
	    "      alternative_hosts_email_notification:\n"
	    "        type: \"boolean\"\n"
	    "      approval_type:\n"
	    "        type: \"integer\"\n"
	    "      audio:\n"
	    "        type: \"string\"\n"
	    "      authentication_domains:\n"
	    "        type: \"string\"\n"
	    "      authentication_exception:\n"
	    "        type: \"array\"\n"
	    "        items:\n"
	    "          $ref: \"#/definitions/AuthenticationException\"\n"
	    "      auto_recording:\n"
	    "        type: \"string\"\n"
	    "      auto_start_ai_companion_questions:\n"
	    "        type: \"boolean\"\n"
	    "      auto_start_meeting_summary:\n"
	    "        type: \"boolean\"\n"
	    "      breakout_room:\n"
	    "        $ref: \"#/definitions/BreakoutRoom\"\n"
	    "      calendar_type:\n"
	    "        type: \"integer\"\n"
	    "      close_registration:\n"
	    "        type: \"boolean\"\n"
	    "      cn_meeting:\n"
	    "        type: \"boolean\"\n"
	    "      contact_email:\n"
	    "        type: \"string\"\n"
	    "      continuous_meeting_chat:\n"
	    "        $ref: \"#/definitions/ContinuousMeetingChat\"\n"
	    "      device_testing:\n"
	    "        type: \"boolean\"\n"
	    "      disable_participant_video:\n"
	    "        type: \"boolean\"\n"
	    "      email_notification:\n"
	    "        type: \"boolean\"\n"
	    "      encryption_type:\n"
	    "        type: \"string\"\n"
	    "      enforce_login:\n"
	    "        type: \"boolean\"\n"
	    "      focus_mode:\n"
	    "        type: \"boolean\"\n"
	    "      host_save_video_order:\n"
	    "        type: \"boolean\"\n"
	    "      host_video:\n"
	    "        type: \"boolean\"\n"
	    "      in_meeting:\n"
	    "        type: \"boolean\"\n"
	    "      internal_meeting:\n"
	    "        type: \"boolean\"\n"
	    "      jbh_time:\n"
	    "        type: \"integer\"\n"
	    "      join_before_host:\n"
	    "        type: \"boolean\"\n"
	    "      language_interpretation:\n"
	    "        $ref: \"#/definitions/LanguageInterpretation\"\n"
	    "      meeting_authentication:\n"
	    "        type: \"boolean\"\n"
	    "      meeting_invitees:\n"
	    "        type: \"array\"\n"
	    "        items:\n"
	    "          $ref: \"#/definitions/MeetingInvitee\"\n"
	    "      mute_upon_entry:\n"
	    "        type: \"boolean\"\n"
	    "      participant_focused_meeting:\n"
	    "        type: \"boolean\"\n"
	    "      participant_video:\n"
	    "        type: \"boolean\"\n"
	    "      private_meeting:\n"
	    "        type: \"boolean\"\n"
	    "      push_change_to_calendar:\n"
	    "        type: \"boolean\"\n"
	    "      question_and_answer:\n"
	    "        $ref: \"#/definitions/QuestionAndAnswer\"\n"
	    "      registrants_confirmation_email:\n"
	    "        type: \"boolean\"\n"
	    "      registrants_email_notification:\n"
	    "        type: \"boolean\"\n"
	    "      registration_type:\n"
	    "        type: \"integer\"\n"
	    "      resources:\n"
	    "        type: \"array\"\n"
	    "        items:\n"
	    "          $ref: \"#/definitions/Resource\"\n"
	    "      show_share_button:\n"
	    "        type: \"boolean\"\n"
	    "      sign_language_interpretation:\n"
	    "        $ref: \"#/definitions/SignLanguageInterpretation\"\n"
	    "      use_pmi:\n"
	    "        type: \"boolean\"\n"
	    "      waiting_room:\n"
	    "        type: \"boolean\"\n"
	    "      watermark:\n"
	    "        type: \"boolean\"\n"
	    "      who_can_ask_questions:\n"
	    "        type: \"integer\"\n"
	    "      who_will_receive_summary:\n"
	    "        type: \"integer\"\n"
	    "  MeetingsItem:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      custom_keys:\n"
	    "        type: \"array\"\n"
	    "        items:\n"
	    "          $ref: \"#/definitions/CustomKeysItem\"\n"
	    "      duration:\n"
	    "        type: \"integer\"\n"
	    "      end_time:\n"
	    "        type: \"string\"\n"
	    "        format: \"date-time\"\n"
	    "      host_id:\n"
	    "        type: \"string\"\n"
	    "      id:\n"
	    "        type: \"integer\"\n"
	    "      join_time:\n"
	    "        type: \"string\"\n"
	    "      join_waiting_room_time:\n"
	    "        type: \"string\"\n"
	    "      leave_time:\n"
	    "        type: \"string\"\n"
	    "      participants_count:\n"
	    "        type: \"integer\"\n"
	    "      schedule_time:\n"
	    "        type: \"string\"\n"
	    "      session_key:\n"
	    "        type: \"string\"\n"
	    "      source:\n"
	    "        type: \"string\"\n"
	    "      start_time:\n"
	    "        type: \"string\"\n"
	    "        format: \"date-time\"\n"
	    "      topic:\n"
	    "        type: \"string\"\n"
	    "      total_minutes:\n"
	    "        type: \"integer\"\n"
	    "      type:\n"
	    "        type: \"integer\"\n"
	    "      user_email:\n"
	    "        type: \"string\"\n"
	    "      user_name:\n"
	    "        type: \"string\"\n"
	    "      uuid:\n"
	    "        type: \"string\"\n"
	    "  QuestionAndAnswer:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      allow_anonymous_questions:\n"
	    "        type: \"boolean\"\n"
	    "      allow_submit_questions:\n"
	    "        type: \"boolean\"\n"
	    "      attendees_can_comment:\n"
	    "        type: \"boolean\"\n"
	    "      attendees_can_upvote:\n"
	    "        type: \"boolean\"\n"
	    "      enable:\n"
	    "        type: \"boolean\"\n"
	    "      question_visibility:\n"
	    "        type: \"string\"\n"
	    "  RecordingFile:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      deleted_time:\n"
	    "        type: \"string\"\n"
	    "        format: \"date-time\"\n"
	    "      file_extension:\n"
	    "        type: \"string\"\n"
	    "      file_size:\n"
	    "        type: \"integer\"\n"
	    "      file_type:\n"
	    "        type: \"string\"\n"
	    "      id:\n"
	    "        type: \"string\"\n"
	    "      meeting_id:\n"
	    "        type: \"string\"\n"
	    "      recording_end:\n"
	    "        type: \"string\"\n"
	    "        format: \"date-time\"\n"
	    "      recording_start:\n"
	    "        type: \"string\"\n"
	    "        format: \"date-time\"\n"
	    "      recording_type:\n"
	    "        type: \"string\"\n"
	    "      status:\n"
	    "        type: \"string\"\n"
	    "  Resource:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      permission_level:\n"
	    "        type: \"string\"\n"
	    "      resource_id:\n"
	    "        type: \"string\"\n"
	    "      resource_type:\n"
	    "        type: \"string\"\n"
	    "  Room:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      participants:\n"
	    "        type: \"array\"\n"
	    "        items:\n"
	    "          type: \"string\"\n"
	    "  SignInterpreter:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      email:\n"
	    "        type: \"string\"\n"
	    "      sign_language:\n"
	    "        type: \"string\"\n"
	    "  SignLanguageInterpretation:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      enable:\n"
	    "        type: \"boolean\"\n"
	    "      interpreters:\n"
	    "        type: \"array\"\n"
	    "        items:\n"
	    "          $ref: \"#/definitions/SignInterpreter\"\n"
	    "  SummaryDetail:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      label:\n"
	    "        type: \"string\"\n"
	    "      summary:\n"
	    "        type: \"string\"\n"
	    "  User:\n"
	    "    type: \"object\"\n"
	    "    properties:\n"
	    "      created_at:\n"
	    "        type: \"string\"\n"
	    "        format: \"date-time\"\n"
	    "      email:\n"
	    "        type: \"string\"\n"
	    "      fullName:\n"
	    "        type: \"string\"\n"
	    "      group_ids:\n"
	    "        type: \"array\"\n"
	    "        items:\n"
	    "          type: \"string\"\n"
	    "      id:\n"
	    "        type: \"string\"\n"
	    "      im_group_ids:\n"
	    "        type: \"array\"\n"
	    "        items:\n"
	    "          type: \"string\"\n"
	    "      last_login_time:\n"
	    "        type: \"string\"\n"
	    "        format: \"date-time\"\n"
	    "      pmi:\n"
	    "        type: \"integer\"\n"
	    "      status:\n"
	    "        type: \"string\"\n"
	    "      timezone:\n"
	    "        type: \"string\"\n"
	    "      type:\n"
	    "        type: \"integer\"\n";
	return text;
}
