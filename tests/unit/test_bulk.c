/*
 * test_bulk.c - unit tests of sanitize/bulk: loading columnar rules (every
 * key, defaults, each refusal with its "FILE:LINE: reason"), each columnar
 * option on CSV, CSV quoting both ways, malformed rows reported while the
 * rest flows, NDJSON, and a roster whose pseudonyms equal those the stream
 * gets from zp_pseudo_value with the same salt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "bulk.h"
#include "error.h"
#include "harness.h"
#include "log.h"
#include "pseudonym.h"

/* What one run gave. */
struct result {
	int rc;
	unsigned long rejected;
	struct zp_buf out;
	struct zp_buf err;
};

/* run_bulk sanitizes input under rules (YAML) as fmt, with salt "salt". */
static void
run_bulk(const char *rules, enum sanitize_bulk_format fmt, const char *input,
    size_t len, struct result *res)
{
	struct sanitize_bulk_rules *r = NULL;
	struct zp_buf why = ZP_BUF_INIT;
	struct zp_capture cap;
	struct zp_pseudo ps;
	char *mem = NULL;
	size_t memlen = 0;
	FILE *in, *out;

	memset(res, 0, sizeof(*res));
	res->rc = sanitize_bulk_rules_load_string(
	    "t.yaml", rules, strlen(rules), &r, &why);
	if (res->rc != 0) {
		zp_buf_puts(&res->err, why.data ? why.data : "");
		zp_buf_release(&why);
		return;
	}
	unsetenv("ZP_LOG_FORMAT");
	unsetenv("ZP_LOG_LEVEL");
	zp_log_init("zp-test", ZP_LOG_INFO, ZP_LOG_TEXT);
	zp_pseudo_init(&ps, "salt", 4);
	in = fmemopen((void *)input, len, "r");
	out = open_memstream(&mem, &memlen);
	zp_capture_begin(&cap);
	res->rc =
	    sanitize_bulk_run(r, &ps, in, "in.csv", out, fmt, &res->rejected);
	zp_capture_end(&cap, &res->err);
	fclose(in);
	fclose(out);
	zp_buf_append(&res->out, mem ? mem : "", memlen);
	if (res->out.data == NULL)
		zp_buf_puts(&res->out, "");
	free(mem);
	zp_pseudo_release(&ps);
	sanitize_bulk_rules_free(&r);
	zp_log_init("zoompipe", ZP_LOG_INFO, ZP_LOG_TEXT);
}

/* result_free releases what run_bulk filled. */
static void
result_free(struct result *res)
{
	zp_buf_release(&res->out);
	zp_buf_release(&res->err);
}

/* check_bulk runs and compares output, stderr, rejects and code. */
static void
check_bulk(const char *file, int line, const char *rules,
    enum sanitize_bulk_format fmt, const char *in, const char *want_out,
    const char *want_err, unsigned long want_rejected, int want_rc)
{
	struct result res;

	run_bulk(rules, fmt, in, strlen(in), &res);
	if (res.rc != want_rc)
		zp_test_failf(file, line, "rc %d, want %d (%s)", res.rc,
		    want_rc, res.err.data ? res.err.data : "");
	if (strcmp(res.out.data ? res.out.data : "", want_out) != 0)
		zp_test_failf(file, line, "output\n%s\nwant\n%s", res.out.data,
		    want_out);
	if (strcmp(res.err.data ? res.err.data : "", want_err) != 0)
		zp_test_failf(file, line, "stderr\n%s\nwant\n%s", res.err.data,
		    want_err);
	if (res.rejected != want_rejected)
		zp_test_failf(file, line, "rejected %lu, want %lu",
		    res.rejected, want_rejected);
	result_free(&res);
}

#define CHECK_CSV(rules, in, out)                                             \
	check_bulk(                                                           \
	    __FILE__, __LINE__, rules, SANITIZE_BULK_CSV, in, out, "", 0, 0)

/* pseudo returns the pseudonym of v with salt "salt" (static buffer). */
static const char *
pseudo(const char *v, enum zp_pseudo_encoding enc)
{
	static char out[4][256];
	static int k;
	struct zp_buf b = ZP_BUF_INIT;
	struct zp_pseudo ps;
	char *o = out[k++ % 4];

	zp_pseudo_init(&ps, "salt", 4);
	if (zp_pseudo_value(&ps, v, strlen(v), 0, enc, 0, &b) != 0)
		snprintf(o, 256, "(error)");
	else
		snprintf(o, 256, "%s", b.data);
	zp_buf_release(&b);
	zp_pseudo_release(&ps);
	return o;
}

/* --- rules ------------------------------------------------------------ */

TEST(bulk_rules_defaults)
{
	struct sanitize_bulk_rules *r = NULL;

	CHECK_INT(
	    sanitize_bulk_rules_load_string("t.yaml", "", 0, &r, NULL), 0);
	if (r == NULL)
		return;
	CHECK_INT(r->format, ZP_PSEUDO_JSON);
	CHECK_INT(r->delimiter, ',');
	CHECK_INT(r->has_include, 0);
	CHECK_INT(r->pseudonymize.n + r->redact.n + r->rename.n, 0);
	sanitize_bulk_rules_free(&r);
	CHECK(r == NULL);
	sanitize_bulk_rules_free(&r);
}

TEST(bulk_rules_every_key)
{
	static const char y[] =
	    "columnsToPseudonymize: [\" Email \", email, Employee Id]\n"
	    "columnsToPseudonymizeIfPresent: [manager]\n"
	    "columnsToRedact: [Salary]\n"
	    "columnsToInclude: [a]\n"
	    "columnsToRename: {old: new, OLD: other}\n"
	    "columnsToDuplicate: {Email: email_copy}\n"
	    "pseudonymFormat: URL_SAFE_HASH_ONLY\n"
	    "delimiter: \";\"\n"
	    "defaultScopeIdForSource: hris\n";
	struct sanitize_bulk_rules *r = NULL;

	CHECK_INT(sanitize_bulk_rules_load_string(
		      "t.yaml", y, sizeof(y) - 1, &r, NULL),
	    0);
	if (r == NULL)
		return;
	CHECK_INT(r->pseudonymize.n, 2); /* trimmed, deduplicated */
	CHECK_STR(r->pseudonymize.v[0].s, "Email");
	CHECK_STR(r->pseudonymize.v[1].s, "Employee Id");
	CHECK_INT(r->rename.n, 1); /* the first of old/OLD wins */
	CHECK_STR(r->rename.to[0].s, "new");
	CHECK_STR(r->duplicate.to[0].s, "email_copy");
	CHECK_INT(r->has_include, 1);
	CHECK_INT(r->format, ZP_PSEUDO_URL_SAFE_HASH_ONLY);
	CHECK_INT(r->delimiter, ';');
	sanitize_bulk_rules_free(&r);
}

/* CHECK_RULES_ERROR checks that text fails to load with messages want. */
#define CHECK_RULES_ERROR(text, want)                                         \
	do {                                                                  \
		struct sanitize_bulk_rules *r_ = NULL;                        \
		struct zp_buf e_ = ZP_BUF_INIT;                               \
		CHECK_INT(sanitize_bulk_rules_load_string(                    \
			      "t.yaml", text, strlen(text), &r_, &e_),        \
		    ZP_ECONFIG);                                              \
		CHECK(r_ == NULL);                                            \
		CHECK_STR(e_.data ? e_.data : "", want);                      \
		zp_buf_release(&e_);                                          \
	} while (0)

TEST(bulk_rules_errors)
{
	CHECK_RULES_ERROR("columnsToRedact: [a]\ncolumnsToRedcat: [b]\n",
	    "t.yaml:2: unknown key \"columnsToRedcat\"\n");
	CHECK_RULES_ERROR("columnsToRedact: [a]\ncolumnsToRedact: [b]\n",
	    "t.yaml:2: duplicate key \"columnsToRedact\"\n");
	CHECK_RULES_ERROR("columnsToPseudonymize:\n  - a\n  - \" \"\n",
	    "t.yaml:3: columnsToPseudonymize must not contain a blank "
	    "entry\n");
	CHECK_RULES_ERROR("columnsToRedact: a\n",
	    "t.yaml:1: columnsToRedact: expected a list of column names\n");
	CHECK_RULES_ERROR("columnsToRename: {a: ''}\n",
	    "t.yaml:1: columnsToRename: a blank new name is not allowed\n");
	CHECK_RULES_ERROR("pseudonymFormat: json\n",
	    "t.yaml:1: pseudonymFormat: expected JSON, URL_SAFE_TOKEN or "
	    "URL_SAFE_HASH_ONLY\n");
	CHECK_RULES_ERROR("delimiter: \";;\"\n",
	    "t.yaml:1: delimiter: expected one ASCII character other than a "
	    "quote or a line end\n");
	CHECK_RULES_ERROR("fieldsToTransform: {}\n",
	    "t.yaml:1: fieldsToTransform is not supported (alpha in "
	    "Psoxy)\n");
	CHECK_RULES_ERROR(
	    "- a\n", "t.yaml:1: expected a mapping of columnar rules\n");
	CHECK_RULES_ERROR("columnsToRedact: [a\n",
	    "t.yaml:2: YAML: did not find expected ',' or ']'\n");
	CHECK_RULES_ERROR("endpoints: []\ncolumnsToRedact: 1\n",
	    "t.yaml:1: unknown key \"endpoints\"\n"
	    "t.yaml:2: columnsToRedact: expected a list of column names\n");
}

TEST(bulk_rules_file)
{
	struct sanitize_bulk_rules *r = NULL;
	struct zp_buf why = ZP_BUF_INIT;

	CHECK_INT(
	    sanitize_bulk_rules_load_file("/nonexistent/rules.yaml", &r, &why),
	    ZP_EIO);
	CHECK_STR(
	    why.data, "/nonexistent/rules.yaml: No such file or directory\n");
	zp_buf_release(&why);
}

/* --- CSV: columnar options -------------------------------------------- */

TEST(bulk_csv_passthrough_keeps_crlf_and_quotes_minimally)
{
	CHECK_CSV("", "id,name,note\r\n1,\"Ann\",x\r\n",
	    "id,name,note\r\n1,Ann,x\r\n");
}

TEST(bulk_csv_zoom_ai_metrics_json_pseudonyms)
{
	char want[1024];
	const char *h1 = pseudo("person 1", ZP_PSEUDO_URL_SAFE_HASH_ONLY);
	const char *h2 =
	    pseudo("person_1@acme.com", ZP_PSEUDO_URL_SAFE_HASH_ONLY);

	/* The hashes of Psoxy's own bulk test (RULES-SPEC 3.6). */
	CHECK(strncmp(h1, "GI144x", 6) == 0);
	CHECK(strcmp(h1 + strlen(h1) - 3, "Xeo") == 0);
	CHECK(strncmp(h2, "-MFHtQ", 6) == 0);
	CHECK(strcmp(h2 + strlen(h2) - 3, "4_o") == 0);
	snprintf(want, sizeof(want),
	    "User Name,Email,Action,Feature used,\r\n"
	    "\"{\"\"hash\"\":\"\"%s\"\"}\",\"{\"\"domain\"\":\"\"acme.com\"\","
	    "\"\"hash\"\":\"\"%s\"\"}\",Summary,Meeting summary,\r\n",
	    h1, h2);
	CHECK_CSV("columnsToPseudonymize: [User Name, Email]\n"
		  "columnsToRedact: [Department]\n",
	    "User Name,Email,Action,Feature used,Department,\r\n"
	    "person 1,person_1@acme.com,Summary,Meeting summary,Sales,\r\n",
	    want);
}

TEST(bulk_csv_url_safe_token_and_hash_only)
{
	CHECK_CSV("columnsToPseudonymize: [email]\n"
		  "pseudonymFormat: URL_SAFE_TOKEN\n",
	    "email,team\nbob@example.com,a\nBob@Example.COM,b\n",
	    "email,team\n"
	    "t~PFsxS8oxlBJ9dZkL1zNMvRIajvbO3VzZpbdT-ty6Gm0@example.com,a\n"
	    "t~PFsxS8oxlBJ9dZkL1zNMvRIajvbO3VzZpbdT-ty6Gm0@Example.COM,b\n");
	CHECK_CSV("columnsToPseudonymize: [id]\n"
		  "pseudonymFormat: URL_SAFE_HASH_ONLY\n",
	    "id\n8b29rgg4bb\n",
	    "id\nHhryFcaMsI6okt2OKXNk4oZMIc28htFpliKBztjwCUE\n");
}

TEST(bulk_csv_names_match_case_insensitively)
{
	CHECK_CSV("columnsToPseudonymize: [employee id]\n"
		  "columnsToRedact: [SALARY]\n"
		  "pseudonymFormat: URL_SAFE_TOKEN\n",
	    " Employee ID ,Salary,Team\n8b29rgg4bb,100,a\n",
	    "Employee ID,Team\n"
	    "t~HhryFcaMsI6okt2OKXNk4oZMIc28htFpliKBztjwCUE,a\n");
}

TEST(bulk_csv_rename_takes_the_original_place_then_pseudonymizes)
{
	CHECK_CSV("columnsToRename: {employee_id: worker_id}\n"
		  "columnsToPseudonymize: [worker_id]\n"
		  "pseudonymFormat: URL_SAFE_TOKEN\n",
	    "team,employee_id,title\na,8b29rgg4bb,eng\n",
	    "team,worker_id,title\n"
	    "a,t~HhryFcaMsI6okt2OKXNk4oZMIc28htFpliKBztjwCUE,eng\n");
}

TEST(bulk_csv_duplicate_copies_before_pseudonymizing)
{
	/* New columns follow the originals in name order. */
	CHECK_CSV("columnsToDuplicate: {id: z_raw_id, team: a_team}\n"
		  "columnsToPseudonymize: [id]\n"
		  "pseudonymFormat: URL_SAFE_TOKEN\n",
	    "id,team\n8b29rgg4bb,x\n",
	    "id,team,a_team,z_raw_id\n"
	    "t~HhryFcaMsI6okt2OKXNk4oZMIc28htFpliKBztjwCUE,x,x,8b29rgg4bb\n");
}

TEST(bulk_csv_include_is_an_allow_list)
{
	CHECK_CSV(
	    "columnsToInclude: [c, A]\n", "a,b,c\n1,2,3\n", "a,c\n1,3\n");
	/* Pseudonymized columns are written even when not included. */
	CHECK_CSV("columnsToInclude: []\ncolumnsToPseudonymize: [b]\n"
		  "pseudonymFormat: URL_SAFE_HASH_ONLY\n",
	    "a,b\n1,8b29rgg4bb\n",
	    "b\nHhryFcaMsI6okt2OKXNk4oZMIc28htFpliKBztjwCUE\n");
	/* null means every column. */
	CHECK_CSV("columnsToInclude: null\n", "a,b\n1,2\n", "a,b\n1,2\n");
}

TEST(bulk_csv_redact_drops_columns)
{
	CHECK_CSV(
	    "columnsToRedact: [b, missing]\n", "a,b,c\n1,2,3\n", "a,c\n1,3\n");
}

TEST(bulk_csv_pseudonymize_if_present_and_missing_columns)
{
	check_bulk(__FILE__, __LINE__,
	    "columnsToPseudonymizeIfPresent: [id, manager]\n"
	    "columnsToPseudonymize: [email]\n"
	    "pseudonymFormat: URL_SAFE_HASH_ONLY\n",
	    SANITIZE_BULK_CSV, "id,team\n8b29rgg4bb,a\n",
	    "id,team,email\nHhryFcaMsI6okt2OKXNk4oZMIc28htFpliKBztjwCUE,a,\n",
	    "zp-test: warn: in.csv: no column \"email\" in the header; column "
	    "\"email\" is written empty\n",
	    0, 0);
}

TEST(bulk_csv_blank_cells_stay_empty)
{
	CHECK_CSV("columnsToPseudonymize: [a, b]\n", "a,b,c\n,\"  \",x\n",
	    "a,b,c\n,,x\n");
}

/* --- CSV: syntax ------------------------------------------------------- */

TEST(bulk_csv_quoting_edge_cases)
{
	CHECK_CSV("",
	    "id,name,note\r\n"
	    "1,\"Smith, Jo\",\"He said \"\"hi\"\"\"\r\n"
	    "2,  Ann  ,  \" multi\r\nline \"  \r\n"
	    "3,#tag,\r\n"
	    ",x,\"  \"\r\n"
	    "\r\n"
	    "\xc3\xa9t\xc3\xa9,a\"b,!\r\n"
	    "5,\"\",\"\"\"\"",
	    "id,name,note\r\n"
	    "1,\"Smith, Jo\",\"He said \"\"hi\"\"\"\r\n"
	    "2,Ann,\"multi\r\nline\"\r\n"
	    "3,\"#tag\",\r\n"
	    ",x,\r\n"
	    "\"\xc3\xa9t\xc3\xa9\",\"a\"\"b\",\"!\"\r\n"
	    "5,,\"\"\"\"\r\n");
}

TEST(bulk_csv_header_quoting_and_empty_names)
{
	CHECK_CSV("", "\"\",\"a,b\"\n1,2\n", "\"\",\"a,b\"\n1,2\n");
	/* A repeated name is one column: first spelling, last position. */
	CHECK_CSV("", "x,X,y,\n1,2,3,4\n", "x,y,\n2,3,4\n");
}

TEST(bulk_csv_bom_lf_and_delimiter)
{
	CHECK_CSV("delimiter: \";\"\n",
	    "\xef\xbb\xbf"
	    "a;b\n1,5;2\n",
	    "a,b\n\"1,5\",2\n");
	CHECK_CSV("delimiter: \"\\t\"\n", "a\tb\n x \t y\n", "a,b\nx,y\n");
	CHECK_CSV("", "a,b\r1,2\r", "a,b\r1,2\r");
}

TEST(bulk_csv_bad_rows_are_reported_and_the_rest_flows)
{
	check_bulk(__FILE__, __LINE__, "", SANITIZE_BULK_CSV,
	    "a,b\n"
	    "1,2\n"
	    "3,\"x\"y\n"
	    "4\n"
	    "5,6\n"
	    "\"multi\nline\",7,8\n"
	    "9,10\n"
	    "11,\"unterminated\n12,13\n",
	    "a,b\n1,2\n5,6\n9,10\n",
	    "zp-test: error: in.csv:3: unexpected character after a quoted "
	    "field\n"
	    "zp-test: error: in.csv:4: expected 2 fields, got 1\n"
	    "zp-test: error: in.csv:6: expected 2 fields, got 3\n"
	    "zp-test: error: in.csv:9: end of file inside a quoted field\n",
	    4, 0);
}

TEST(bulk_csv_without_header_fails)
{
	check_bulk(__FILE__, __LINE__, "", SANITIZE_BULK_CSV, "\r\n\n", "",
	    "zp-test: error: in.csv: no header row\n", 0, ZP_EPARSE);
	check_bulk(__FILE__, __LINE__, "", SANITIZE_BULK_CSV, "\"a,b\n", "",
	    "zp-test: error: in.csv:1: header: end of file inside a quoted "
	    "field\n",
	    0, ZP_EPARSE);
	/* A header alone is written back with its line end. */
	CHECK_CSV("", "a,b\r\n", "a,b\r\n");
	CHECK_CSV("", "a,b", "a,b");
}

/* --- NDJSON ------------------------------------------------------------ */

TEST(bulk_ndjson_applies_the_options_to_top_level_keys)
{
	check_bulk(__FILE__, __LINE__,
	    "columnsToPseudonymize: [email, id]\n"
	    "columnsToRedact: [secret]\n"
	    "columnsToRename: {dept: department}\n"
	    "pseudonymFormat: URL_SAFE_TOKEN\n",
	    SANITIZE_BULK_NDJSON,
	    "{\"email\":\"bob@example.com\",\"id\":111111111,\"secret\":\"x\","
	    "\"dept\":\"R&D\",\"n\":1.5,\"o\":{\"email\":\"a@b.co\"}}\n"
	    "\n"
	    "not json\n"
	    "[1]\n"
	    "{\"email\":true}\n"
	    "{\"email\":\"  \",\"id\":null,\"Secret\":1}\n"
	    "{\"ID\":\"8b29rgg4bb\"}\r\n"
	    "{\"a\":1}",
	    "{\"email\":\"t~PFsxS8oxlBJ9dZkL1zNMvRIajvbO3VzZpbdT-ty6Gm0@"
	    "example.com\",\"id\":\"t~LKW3WIP3bZzEQFelvQBi0lpLDZtk-"
	    "1qJbWe3rHfhYhc\",\"department\":\"R&D\",\"n\":1.5,\"o\":{"
	    "\"email\":\"a@b.co\"}}\n"
	    "{\"email\":null,\"id\":null}\n"
	    "{\"ID\":\"t~HhryFcaMsI6okt2OKXNk4oZMIc28htFpliKBztjwCUE\"}\n"
	    "{\"a\":1}\n",
	    "zp-test: error: in.csv:3: bad JSON at byte 0: invalid literal\n"
	    "zp-test: error: in.csv:4: not a JSON object\n"
	    "zp-test: error: in.csv:5: cannot pseudonymize a boolean in "
	    "\"email\"\n",
	    3, 0);
}

TEST(bulk_ndjson_json_format_writes_a_json_string)
{
	char want[512];

	snprintf(want, sizeof(want), "{\"u\":\"{\\\"hash\\\":\\\"%s\\\"}\"}\n",
	    pseudo("person 1", ZP_PSEUDO_URL_SAFE_HASH_ONLY));
	check_bulk(__FILE__, __LINE__, "columnsToPseudonymize: [u]\n",
	    SANITIZE_BULK_NDJSON, "{\"u\":\"person 1\"}\n", want, "", 0, 0);
}

/* --- joining the stream ------------------------------------------------ */

TEST(bulk_roster_joins_the_stream)
{
	static const char *const emails[] = {"jchill@example.com",
	    "Bob@Example.COM", "alice+zoom@worklytics.co",
	    "Alice Example <Alice@worklytics.co>", "27423744"};
	struct zp_buf in = ZP_BUF_INIT, want = ZP_BUF_INIT;
	struct result res;
	size_t i;

	zp_buf_puts(&in, "Email,Manager Email,Title\r\n");
	zp_buf_puts(&want, "Email,Manager Email,Title\r\n");
	for (i = 0; i < sizeof(emails) / sizeof(emails[0]); i++) {
		zp_buf_printf(&in, "\"%s\",%s,Engineer\r\n", emails[i],
		    emails[(i + 1) % 5]);
		zp_buf_printf(&want, "%s,%s,Engineer\r\n",
		    pseudo(emails[i], ZP_PSEUDO_URL_SAFE_TOKEN),
		    pseudo(emails[(i + 1) % 5], ZP_PSEUDO_URL_SAFE_TOKEN));
	}
	run_bulk("columnsToPseudonymize: [Email, Manager Email]\n"
		 "pseudonymFormat: URL_SAFE_TOKEN\n",
	    SANITIZE_BULK_CSV, in.data, in.len, &res);
	CHECK_INT(res.rc, 0);
	CHECK_STR(res.out.data, want.data);
	/* The same person with or without a display name or +tag. */
	CHECK_STR(pseudo("alice+zoom@worklytics.co", ZP_PSEUDO_URL_SAFE_TOKEN),
	    pseudo("Alice Example <Alice@worklytics.co>",
		ZP_PSEUDO_URL_SAFE_TOKEN));
	result_free(&res);
	zp_buf_release(&in);
	zp_buf_release(&want);
}

TEST(bulk_streams_many_rows)
{
	struct sanitize_bulk_rules *r = NULL;
	struct zp_pseudo ps;
	unsigned long rejected = 1, i, rows = 0;
	FILE *in = tmpfile(), *out = tmpfile();
	char line[256];

	if (in == NULL || out == NULL)
		return;
	CHECK_INT(sanitize_bulk_rules_load_string("t.yaml",
		      "columnsToPseudonymize: [id]\n",
		      strlen("columnsToPseudonymize: [id]\n"), &r, NULL),
	    0);
	fputs("id,n\n", in);
	for (i = 0; i < 50000; i++)
		fprintf(in, "user%lu@example.com,%lu\n", i, i);
	rewind(in);
	zp_pseudo_init(&ps, "salt", 4);
	CHECK_INT(sanitize_bulk_run(r, &ps, in, "big.csv", out,
		      SANITIZE_BULK_CSV, &rejected),
	    0);
	CHECK_INT(rejected, 0);
	rewind(out);
	while (fgets(line, sizeof(line), out) != NULL)
		rows++;
	CHECK_INT(rows, 50001);
	zp_pseudo_release(&ps);
	sanitize_bulk_rules_free(&r);
	fclose(in);
	fclose(out);
}
