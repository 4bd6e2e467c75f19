/* test_match_fields.c - the table of identity fields zp-match reads. */
#include "harness.h"

#include <string.h>

#include "arena.h"
#include "buf.h"
#include "fields.h"
#include "json.h"

/* collect appends "kind=value;" for each identity visited. */
static int
collect(void *arg, const struct match_field *f, const struct zp_json *item,
    const struct zp_json *value)
{
	(void)item;
	return zp_buf_printf(arg, "%s=%.*s;", match_kind_name(f->kind),
	    (int)value->n, value->u.s);
}

/* visit parses body and writes what match_fields_visit finds into out. */
static void
visit(const char *endpoint, const char *body, struct zp_buf *out)
{
	struct zp_arena a = {0};
	struct zp_json_parser p;
	struct zp_json *root;

	zp_buf_reset(out);
	zp_buf_puts(out, "");
	zp_json_parser_init(&p, &a);
	CHECK_INT(zp_json_parse(&p, body, strlen(body), &root), 0);
	CHECK_INT(match_fields_visit(endpoint, root, collect, out), 0);
	zp_json_parser_release(&p);
	zp_arena_release(&a);
}

TEST(match_fields_users_page)
{
	struct zp_buf b = ZP_BUF_INIT;

	visit("/v2/users",
	    "{\"users\":[{\"id\":\"u1\",\"email\":\"a@x.com\",\"pmi\":123,"
	    "\"employee_unique_id\":\"\",\"display_name\":\"Ann\"},"
	    "{\"id\":\"u2\",\"email\":null}]}",
	    &b);
	CHECK_STR(b.data,
	    "user_id=u1;user_id=u2;email=a@x.com;pmi=123;"
	    "name=Ann;");
	zp_buf_release(&b);
}

TEST(match_fields_participants_and_hosts)
{
	struct zp_buf b = ZP_BUF_INIT;

	/* A participant's user_id is per participation: not an identity. */
	visit("/v2/past_meetings/{meetingId}/participants",
	    "{\"participants\":[{\"id\":\"t~abc\",\"user_id\":\"16778240\","
	    "\"user_email\":\"t~def@acme.com\",\"name\":\"\"}]}",
	    &b);
	CHECK_STR(b.data, "user_id=t~abc;email=t~def@acme.com;");
	visit("/v2/past_meetings/{meetingId}",
	    "{\"uuid\":\"x\",\"host_id\":\"h1\",\"user_email\":\"h@x.com\"}",
	    &b);
	CHECK_STR(b.data, "user_id=h1;email=h@x.com;");
	/* No base path, an unknown endpoint, a body that is not an
	 * object. */
	visit("/users/{userId}/recordings",
	    "{\"meetings\":[{\"host_id\":\"h2\"},7]}", &b);
	CHECK_STR(b.data, "user_id=h2;");
	visit("/v2/groups", "{\"groups\":[{\"id\":\"g\"}]}", &b);
	CHECK_STR(b.data, "");
	visit("/v2/users", "[1,2]", &b);
	CHECK_STR(b.data, "");
	zp_buf_release(&b);
}

TEST(match_fields_table_is_complete)
{
	const struct match_field *f;
	size_t n, i;
	int users = 0;

	f = match_fields(&n);
	CHECK(n > 20);
	for (i = 0; i < n; i++) {
		CHECK(f[i].endpoint[0] == '/');
		CHECK(f[i].key != NULL && f[i].key[0] != '\0');
		users += f[i].directory;
	}
	CHECK_INT(users, 5);
	CHECK_STR(match_kind_name(MATCH_PMI), "pmi");
	CHECK_STR(match_kind_name(MATCH_NKINDS), "");
}
