/*
 * test_schema.c - unit tests of sanitize/schema: one test per rule of
 * RULES-SPEC 1.5.1 with exact input and output JSON, the polymorphic
 * corner (anyOf, if/then/else, const) as Psoxy's code has it, and the
 * /v2/users and participants schemas of zoom.yaml applied to realistic
 * Zoom bodies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "error.h"
#include "harness.h"
#include "json.h"
#include "rules.h"
#include "schema.h"

/*
 * filter_with loads rules text, filters in by the response schema of
 * endpoint ep, and checks the result code and, when 0, the compact output.
 */
static void
filter_with(const char *file, int line, const char *rules, size_t ep,
    const char *in, int want_rc, const char *want)
{
	struct zp_buf err = ZP_BUF_INIT, out = ZP_BUF_INIT, why = ZP_BUF_INIT;
	struct sanitize_rules_options o = {0};
	struct sanitize_rules *r = NULL;
	struct zp_arena a = ZP_ARENA_INIT;
	struct zp_json_parser p;
	struct zp_json *root = NULL;
	int rc;

	o.errors = &err;
	zp_json_parser_init(&p, &a);
	rc =
	    sanitize_rules_load_string("t.yaml", rules, strlen(rules), &o, &r);
	if (rc != 0) {
		zp_test_failf(file, line, "rules: %s", err.data);
		goto out;
	}
	if ((rc = zp_json_parse(&p, in, strlen(in), &root)) != 0) {
		zp_test_failf(file, line, "input: rc %d", rc);
		goto out;
	}
	rc = sanitize_schema_filter(
	    r->endpoints[ep].response_schema, root, &a, &why);
	if (rc != want_rc)
		zp_test_failf(file, line, "filter: rc %d, want %d (%s)", rc,
		    want_rc, why.data ? why.data : "");
	else if (rc == 0 && zp_json_write(&out, root) == 0 &&
	    strcmp(out.data, want) != 0)
		zp_test_failf(file, line, "got  %s\nwant %s", out.data, want);
out:
	sanitize_rules_free(&r);
	zp_json_parser_release(&p);
	zp_arena_release(&a);
	zp_buf_release(&err);
	zp_buf_release(&out);
	zp_buf_release(&why);
}

/* rules_for wraps a flow-style schema (and definitions) into rules. */
static char *
rules_for(const char *schema, const char *defs)
{
	static char text[8192];

	snprintf(text, sizeof(text),
	    "endpoints:\n  - pathTemplate: \"/x\"\n    responseSchema: %s\n%s",
	    schema, defs ? defs : "");
	return text;
}

#define FILTER(schema, in, want)                                              \
	filter_with(                                                          \
	    __FILE__, __LINE__, rules_for(schema, NULL), 0, in, 0, want)
#define FILTER_DEFS(schema, defs, in, want)                                   \
	filter_with(                                                          \
	    __FILE__, __LINE__, rules_for(schema, defs), 0, in, 0, want)
#define FILTER_FAILS(schema, in)                                              \
	filter_with(__FILE__, __LINE__, rules_for(schema, NULL), 0, in,       \
	    ZP_EINVAL, NULL)

/* --- type object ----------------------------------------------------- */

TEST(schema_object_keeps_listed_keys_in_input_order)
{
	FILTER("{type: object, properties: {b: {type: string}, a: {}}}",
	    "{\"a\":1,\"x\":2,\"b\":\"s\",\"y\":{\"b\":1}}",
	    "{\"a\":1,\"b\":\"s\"}");
}

TEST(schema_object_without_properties_drops_every_key)
{
	FILTER("{type: object}", "{\"a\":1,\"b\":[2]}", "{}");
	FILTER("{type: object, properties: {}}", "{\"a\":1}", "{}");
}

TEST(schema_object_mismatch_gives_null_and_keeps_the_key)
{
	FILTER("{type: object, properties: {o: {type: object, properties: "
	       "{a: {}}}}}",
	    "{\"o\":[1],\"p\":2}", "{\"o\":null}");
	FILTER("{type: object, properties: {o: {type: object}}}",
	    "{\"o\":\"s\"}", "{\"o\":null}");
}

TEST(schema_object_plus_keys_always_pass)
{
	FILTER("{type: object, properties: {a: {type: string}}}",
	    "{\"+a:textDigest\":{\"n\":3},\"a\":\"x\",\"b\":1,\"+c\":[1]}",
	    "{\"+a:textDigest\":{\"n\":3},\"a\":\"x\",\"+c\":[1]}");
}

TEST(schema_object_top_level_mismatch_gives_null)
{
	FILTER("{type: object, properties: {a: {}}}", "[{\"a\":1}]", "null");
	FILTER("{type: array, items: {}}", "{\"a\":1}", "null");
	FILTER("{type: string}", "{\"a\":1}", "null");
}

/* --- type array ------------------------------------------------------ */

TEST(schema_array_drops_items_that_become_null)
{
	FILTER("{type: array, items: {type: string}}",
	    "[\"a\",1,null,\"b\",{},[],true]", "[\"a\",\"b\"]");
	FILTER("{type: array, items: {type: boolean}}", "[true,null,1]",
	    "[true,false]");
	FILTER("{type: array, items: {type: object, properties: {}}}",
	    "[{\"a\":1},2,{}]", "[{},{}]");
}

TEST(schema_array_non_array_gives_null)
{
	FILTER("{type: object, properties: {l: {type: array, items: {}}}}",
	    "{\"l\":\"x\"}", "{\"l\":null}");
	FILTER("{type: object, properties: {l: {type: array, items: {}}}}",
	    "{\"l\":{\"0\":1}}", "{\"l\":null}");
}

TEST(schema_array_of_arrays)
{
	FILTER("{type: array, items: {type: array, items: {type: integer}}}",
	    "[[1,\"a\",2.9],\"b\",[]]", "[[1,2],[]]");
}

/* --- scalar types ---------------------------------------------------- */

TEST(schema_string_keeps_strings_only)
{
	FILTER("{type: object, properties: {a: {type: string}, b: {type: "
	       "string}, c: {type: string}, d: {type: string}, e: {type: "
	       "string}, f: {type: string}}}",
	    "{\"a\":\"s\",\"b\":1,\"c\":true,\"d\":null,\"e\":{},\"f\":[\"s\"]"
	    "}",
	    "{\"a\":\"s\",\"b\":null,\"c\":null,\"d\":null,\"e\":null,\"f\":"
	    "null}");
}

TEST(schema_string_format_is_ignored)
{
	FILTER("{type: string, format: date-time}", "\"not a date\"",
	    "\"not a date\"");
}

TEST(schema_integer_jackson_conversions)
{
	FILTER("{type: array, items: {type: integer}}",
	    "[1,-7,3.7,-3.7,1e2,0.0025,-0,2147483648,4294967296.9,"
	    "9223372036854775807,-9223372036854775808,"
	    "9.223372036854775807e18]",
	    "[1,-7,3,-3,100,0,0,2147483648,4294967296,9223372036854775807,"
	    "-9223372036854775808,9223372036854775807]");
}

TEST(schema_integer_non_numbers_and_overflow_give_null)
{
	FILTER("{type: object, properties: {a: {type: integer}, b: {type: "
	       "integer}, c: {type: integer}, d: {type: integer}, e: {type: "
	       "integer}, f: {type: integer}, g: {type: integer}, h: {type: "
	       "integer}}}",
	    "{\"a\":\"5\",\"b\":true,\"c\":[1],\"d\":{},"
	    "\"e\":9223372036854775808,\"f\":-9223372036854775809,"
	    "\"g\":1e19,\"h\":1e400}",
	    "{\"a\":null,\"b\":null,\"c\":null,\"d\":null,\"e\":null,\"f\":"
	    "null,\"g\":null,\"h\":null}");
}

TEST(schema_integer_null_stays_null)
{
	FILTER("{type: object, properties: {a: {type: integer}}}",
	    "{\"a\":null}", "{\"a\":null}");
}

TEST(schema_number_keeps_numbers_and_their_text)
{
	FILTER("{type: object, properties: {a: {type: number}, b: {type: "
	       "number}, c: {type: number}, d: {type: number}, e: {type: "
	       "number}, f: {type: number}, g: {type: number}}}",
	    "{\"a\":1,\"b\":1.50,\"c\":\"1\",\"d\":null,\"e\":true,\"f\":[],"
	    "\"g\":123456789012345678901234567890}",
	    "{\"a\":1,\"b\":1.50,\"c\":null,\"d\":null,\"e\":null,\"f\":null,"
	    "\"g\":123456789012345678901234567890}");
}

TEST(schema_boolean_null_becomes_false)
{
	FILTER("{type: object, properties: {a: {type: boolean}, b: {type: "
	       "boolean}, c: {type: boolean}, d: {type: boolean}, e: {type: "
	       "boolean}}}",
	    "{\"a\":true,\"b\":false,\"c\":null,\"d\":\"true\",\"e\":0}",
	    "{\"a\":true,\"b\":false,\"c\":false,\"d\":null,\"e\":null}");
}

TEST(schema_null_type_always_gives_null)
{
	FILTER("{type: object, properties: {a: {type: 'null'}, b: {type: "
	       "'null'}, c: {type: 'null'}, d: {type: 'null'}}}",
	    "{\"a\":1,\"b\":\"x\",\"c\":null,\"d\":{\"e\":1}}",
	    "{\"a\":null,\"b\":null,\"c\":null,\"d\":null}");
}

/* --- no type --------------------------------------------------------- */

TEST(schema_no_type_scalars_pass_containers_null)
{
	FILTER("{type: object, properties: {a: {}, b: {}, c: {}, d: {}, e: "
	       "{}, f: {}, g: {}}}",
	    "{\"a\":\"s\",\"b\":1,\"c\":true,\"d\":null,\"e\":{\"x\":1},"
	    "\"f\":[1],\"g\":1.5}",
	    "{\"a\":\"s\",\"b\":1,\"c\":true,\"d\":null,\"e\":null,\"f\":null,"
	    "\"g\":1.5}");
}

TEST(schema_no_type_properties_do_not_filter)
{
	FILTER("{type: object, properties: {e: {properties: {x: {}}}}}",
	    "{\"e\":{\"x\":1}}", "{\"e\":null}");
	FILTER("{properties: {x: {}}}", "{\"x\":1}", "null");
}

TEST(schema_no_type_big_integer_fails)
{
	FILTER_FAILS("{type: object, properties: {a: {}}}",
	    "{\"a\":123456789012345678901234567890}");
	FILTER("{type: object, properties: {a: {}}}",
	    "{\"a\":-9223372036854775808}", "{\"a\":-9223372036854775808}");
}

/* --- $ref ------------------------------------------------------------ */

TEST(schema_ref_to_definitions)
{
	FILTER_DEFS("{type: object, properties: {u: {$ref: "
		    "'#/definitions/U'}, l: {type: array, items: {$ref: "
		    "'#/definitions/U'}}}}",
	    "definitions: {U: {type: object, properties: {id: {type: "
	    "string}, n: {type: integer}}}}\n",
	    "{\"u\":{\"n\":2.5,\"id\":\"a\",\"x\":0},\"l\":[{\"id\":\"b\"},"
	    "null,\"c\"]}",
	    "{\"u\":{\"n\":2,\"id\":\"a\"},\"l\":[{\"id\":\"b\"}]}");
}

TEST(schema_ref_to_definitions_recursively)
{
	FILTER_DEFS("{$ref: '#/definitions/T'}",
	    "definitions: {T: {type: object, properties: {v: {type: "
	    "integer}, kids: {type: array, items: {$ref: "
	    "'#/definitions/T'}}}}}\n",
	    "{\"v\":1,\"w\":0,\"kids\":[{\"v\":2,\"kids\":[{\"v\":3.5,\"x\":"
	    "1}]},7]}",
	    "{\"v\":1,\"kids\":[{\"v\":2,\"kids\":[{\"v\":3}]}]}");
}

TEST(schema_ref_hash_is_the_untyped_pseudo_root)
{
	FILTER("{type: object, properties: {a: {$ref: '#'}, b: {$ref: '#'}, "
	       "c: {$ref: '#'}}}",
	    "{\"a\":\"s\",\"b\":{\"x\":1},\"c\":[1]}",
	    "{\"a\":\"s\",\"b\":null,\"c\":null}");
}

/* --- anyOf, if/then/else, const (Psoxy's polymorphic filters) -------- */

TEST(schema_any_of_takes_first_candidate_passing_const)
{
	/* A matched const becomes "" in Psoxy's output: kept as is. */
	FILTER("{type: array, items: {anyOf: [{type: object, properties: "
	       "{kind: {type: string, const: user}, name: {type: string}}}, "
	       "{type: object, properties: {kind: {type: string, const: "
	       "group}, size: {type: integer}}}]}}",
	    "[{\"kind\":\"user\",\"name\":\"a\",\"size\":1},"
	    "{\"kind\":\"group\",\"name\":\"b\",\"size\":2.5},"
	    "{\"kind\":\"bot\",\"name\":\"c\"}]",
	    "[{\"kind\":\"\",\"name\":\"a\"},{\"kind\":\"\",\"size\":2}]");
}

TEST(schema_any_of_without_const_takes_the_first)
{
	FILTER("{anyOf: [{type: string}, {type: integer}]}", "3.5", "null");
	FILTER("{anyOf: [{type: integer}, {type: string}]}", "3.5", "3");
}

TEST(schema_if_then_projects_when_the_condition_holds)
{
	static const char s[] =
	    "{type: object, if: {properties: {kind: {type: string, const: "
	    "user}}}, then: {properties: {kind: {type: string}, name: {type: "
	    "string}}}}";

	FILTER(s, "{\"kind\":\"user\",\"name\":\"n\",\"x\":1}",
	    "{\"kind\":\"user\",\"name\":\"n\"}");
	/* A failed condition cannot be written: the response fails. */
	FILTER_FAILS(s, "{\"kind\":\"bot\",\"name\":\"n\"}");
	/* A missing discriminator is a Java null: Psoxy throws. */
	FILTER_FAILS(s, "{\"name\":\"n\"}");
	/* Only type null accepts the missing member; then turns "s" to {}. */
	FILTER("{type: string, if: {properties: {k: {type: 'null'}}}, then: "
	       "{properties: {}}}",
	    "\"s\"", "{}");
}

TEST(schema_if_else_then_is_applied_after_else_holds)
{
	/* A condition on a non-object reads a Java null: Psoxy throws. */
	FILTER_FAILS("{anyOf: [{type: object, if: {properties: {kind: {type: "
		     "string, const: user}}}, then: {properties: {}}}, "
		     "{type: 'null'}]}",
	    "[{\"kind\":\"user\"}]");
	FILTER("{type: array, items: {anyOf: [{type: object, if: "
	       "{properties: {kind: {type: string, const: user}}}, else: "
	       "{properties: {kind: {type: string, const: admin}}}, then: "
	       "{properties: {name: {type: string}}}}, {type: 'null'}]}}",
	    "[{\"kind\":\"admin\",\"name\":\"n\"},{\"kind\":\"bot\"},"
	    "{\"kind\":\"user\",\"name\":1}]",
	    "[{\"name\":\"n\"},{\"name\":null}]");
}

TEST(schema_const_compares_the_node_text)
{
	FILTER("{type: array, items: {type: string, const: a}}", "[\"a\"]",
	    "[\"\"]");
	FILTER("{type: object, properties: {n: {type: integer, const: '5'}, "
	       "b: {type: boolean, const: 'true'}, z: {type: string, const: "
	       "'null'}}}",
	    "{\"n\":5,\"b\":true,\"z\":null}",
	    "{\"n\":\"\",\"b\":\"\",\"z\":\"\"}");
	/* A mismatch in an array item or at the top level fails. */
	FILTER_FAILS(
	    "{type: array, items: {type: string, const: a}}", "[\"a\",\"b\"]");
	FILTER_FAILS("{type: string, const: a}", "\"b\"");
	/* In an object it makes the whole object not match. */
	FILTER_FAILS("{type: object, properties: {o: {type: object, "
		     "properties: {k: {type: string, const: a}}}}}",
	    "{\"o\":{\"k\":\"b\"}}");
}

TEST(schema_error_names_the_rules_line)
{
	struct zp_buf why = ZP_BUF_INIT;
	struct sanitize_rules *r = NULL;
	struct zp_arena a = ZP_ARENA_INIT;
	struct zp_json_parser p;
	struct zp_json *root = NULL;
	const char *text = rules_for("{type: string, const: a}", NULL);

	zp_json_parser_init(&p, &a);
	CHECK_INT(
	    sanitize_rules_load_string("t.yaml", text, strlen(text), NULL, &r),
	    0);
	CHECK_INT(zp_json_parse(&p, "\"b\"", 3, &root), 0);
	if (r != NULL && root != NULL) {
		CHECK_INT(sanitize_schema_filter(
			      r->endpoints[0].response_schema, root, &a, &why),
		    ZP_EINVAL);
		CHECK_STR(why.data,
		    "rules line 3: a value failed a const check where Psoxy "
		    "must write it (Jackson cannot serialize "
		    "NotMatchedConstant)");
	}
	CHECK_INT(sanitize_schema_filter(NULL, root, &a, NULL), ZP_EINVAL);
	sanitize_rules_free(&r);
	zp_json_parser_release(&p);
	zp_arena_release(&a);
	zp_buf_release(&why);
}

/* --- zoom.yaml -------------------------------------------------------- */

/* The /v2/users and past-meeting participants schemas of zoom.yaml. */
static const char zoom_yaml[] =
    "endpoints:\n"
    "  - pathTemplate: \"/v2/users\"\n"
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
    "  - pathRegex: "
    "\"^/v2/past_meetings/[^/?]+(?:/[^/?]+)?/participants(?:[?].*)?$\"\n"
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
    "definitions:\n"
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
    "        type: \"integer\"\n"
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
    "        type: \"string\"\n";

TEST(schema_zoom_list_users)
{
	filter_with(__FILE__, __LINE__, zoom_yaml, 0,
	    "{\"page_count\":1,\"page_number\":1,\"page_size\":300,"
	    "\"total_records\":2,\"next_page_token\":\"\",\"users\":[{\"id\":"
	    "\"z8yAAAAA8bbbQ\",\"first_name\":\"Jill\",\"last_name\":"
	    "\"Chill\",\"display_name\":\"Jill Chill\",\"email\":"
	    "\"jchill@example.com\",\"type\":1,\"pmi\":111111111,"
	    "\"timezone\":\"Asia/Shanghai\",\"verified\":1,\"dept\":\"\","
	    "\"created_at\":\"2019-06-01T07:58:03Z\",\"last_login_time\":"
	    "\"2019-06-01T07:58:03Z\",\"last_client_version\":"
	    "\"4.4.55383.0716(android)\",\"pic_url\":"
	    "\"https://example.com/photo.jpg\",\"language\":\"en-US\","
	    "\"phone_number\":\"+1 800000000\",\"status\":\"active\","
	    "\"role_id\":\"0\",\"employee_unique_id\":"
	    "\"HqDyI037Qjili1kNsSIrIg\",\"group_ids\":"
	    "[\"RSMaSp8sTEGK0_oamiA2_w\"],\"im_group_ids\":"
	    "[\"t-_-d56CSWG-7BF15LLrOw\"],\"user_created_at\":"
	    "\"2019-06-01T07:58:03Z\"},{\"id\":\"Lfi0BlBQTM-bbktE9BRUvA\","
	    "\"email\":\"bob@example.com\",\"type\":2,\"pmi\":97763643886,"
	    "\"status\":\"pending\",\"group_ids\":[],\"custom_attributes\":"
	    "[{\"key\":\"cbf\",\"name\":\"A1\",\"value\":\"1\"}]}]}",
	    0,
	    "{\"page_count\":1,\"page_number\":1,\"page_size\":300,"
	    "\"total_records\":2,\"next_page_token\":\"\",\"users\":[{\"id\":"
	    "\"z8yAAAAA8bbbQ\",\"email\":\"jchill@example.com\",\"type\":1,"
	    "\"pmi\":111111111,\"timezone\":\"Asia/Shanghai\",\"created_at\":"
	    "\"2019-06-01T07:58:03Z\",\"last_login_time\":"
	    "\"2019-06-01T07:58:03Z\",\"status\":\"active\",\"group_ids\":"
	    "[\"RSMaSp8sTEGK0_oamiA2_w\"],\"im_group_ids\":"
	    "[\"t-_-d56CSWG-7BF15LLrOw\"]},{\"id\":\"Lfi0BlBQTM-bbktE9BRUvA\","
	    "\"email\":\"bob@example.com\",\"type\":2,\"pmi\":97763643886,"
	    "\"status\":\"pending\",\"group_ids\":[]}]}");
}

TEST(schema_zoom_past_meeting_participants)
{
	filter_with(__FILE__, __LINE__, zoom_yaml, 1,
	    "{\"page_count\":1,\"page_size\":30,\"total_records\":2,"
	    "\"next_page_token\":\"\",\"participants\":[{\"id\":"
	    "\"30R7kT7bTIKSNUFEuH_Qlg\",\"name\":\"Joe Example\","
	    "\"user_email\":\"joe@example.com\",\"pmi\":111111111,"
	    "\"registrant_id\":\"_Lm-3Bt1QxyIWbKXX2KqHg\",\"join_time\":"
	    "\"2019-02-01T12:34:12.660Z\",\"leave_time\":"
	    "\"2019-03-01T12:34:12.660Z\",\"duration\":20,\"failover\":false,"
	    "\"status\":\"in_meeting\",\"internal_user\":true,\"bo_mtg_id\":"
	    "\"27423744\",\"customer_key\":\"349589LkJyeW\",\"user_id\":"
	    "\"27423744\"},{\"id\":\"\",\"name\":\"Dial-in\",\"user_email\":"
	    "\"\",\"duration\":1.5,\"failover\":null,\"status\":"
	    "\"in_waiting_room\",\"user_id\":16778240}]}",
	    0,
	    "{\"page_count\":1,\"page_size\":30,\"total_records\":2,"
	    "\"next_page_token\":\"\",\"participants\":[{\"id\":"
	    "\"30R7kT7bTIKSNUFEuH_Qlg\",\"name\":\"Joe Example\","
	    "\"user_email\":\"joe@example.com\",\"registrant_id\":"
	    "\"_Lm-3Bt1QxyIWbKXX2KqHg\",\"join_time\":"
	    "\"2019-02-01T12:34:12.660Z\",\"leave_time\":"
	    "\"2019-03-01T12:34:12.660Z\",\"duration\":20,\"failover\":false,"
	    "\"status\":\"in_meeting\",\"bo_mtg_id\":\"27423744\","
	    "\"customer_key\":\"349589LkJyeW\",\"user_id\":\"27423744\"},"
	    "{\"id\":\"\",\"name\":\"Dial-in\",\"user_email\":\"\","
	    "\"duration\":1,\"failover\":false,\"status\":"
	    "\"in_waiting_room\",\"user_id\":null}]}");
}

TEST(schema_zoom_error_body_shape_becomes_null)
{
	filter_with(__FILE__, __LINE__, zoom_yaml, 1,
	    "[{\"code\":124,\"message\":\"Invalid access token.\"}]", 0,
	    "null");
	filter_with(__FILE__, __LINE__, zoom_yaml, 0,
	    "{\"code\":124,\"message\":\"Invalid access token.\"}", 0, "{}");
}
