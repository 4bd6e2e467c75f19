/* test_emit_where.c - zp-emit's --where filter (libjq). */
#include "harness.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "emit.h"
#include "error.h"
#include "log.h"

/* keep runs w on the C string json. */
static int
keep(struct emit_where *w, const char *json)
{
	return emit_where_keep(w, json, strlen(json));
}

/* compile compiles program into *w, capturing the log into log. */
static int
compile(struct emit_where **w, const char *program, struct zp_buf *log)
{
	struct zp_capture c;
	int rc;

	zp_log_init("zp-emit", ZP_LOG_INFO, ZP_LOG_TEXT);
	if (zp_capture_begin(&c) != 0)
		return -100;
	rc = emit_where_new(w, program);
	zp_capture_end(&c, log);
	return rc;
}

/* count counts the occurrences of needle in hay. */
static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

TEST(emit_where_predicates)
{
	struct zp_buf log = ZP_BUF_INIT;
	struct emit_where *w = NULL;

	CHECK_INT(compile(&w, ".seconds > 60", &log), 0);
	CHECK(w != NULL);
	CHECK_STR(log.data, "");
	CHECK_INT(keep(w, "{\"type\":\"participation\",\"seconds\":61}"), 1);
	CHECK_INT(keep(w, "{\"type\":\"participation\",\"seconds\":60}"), 0);
	CHECK_INT(keep(w, "{\"type\":\"participation\",\"seconds\":null}"), 0);
	CHECK_INT(keep(w, "{\"type\":\"participation\"}"), 0);
	emit_where_free(&w);
	CHECK(w == NULL);
	emit_where_free(&w);
	emit_where_free(NULL);

	CHECK_INT(compile(&w, ".type == \"meeting\"", &log), 0);
	CHECK_INT(keep(w, "{\"type\":\"meeting\"}"), 1);
	CHECK_INT(keep(w, "{\"type\":\"call\"}"), 0);
	emit_where_free(&w);

	CHECK_INT(compile(&w, "select(.type != \"call\")", &log), 0);
	CHECK_INT(keep(w, "{\"type\":\"meeting\"}"), 1);
	CHECK_INT(keep(w, "{\"type\":\"call\"}"), 0);
	emit_where_free(&w);

	/* A 19-digit number is compared as jq does (a double). */
	CHECK_INT(compile(&w, ".meeting_id == 93651759790", &log), 0);
	CHECK_INT(keep(w, "{\"meeting_id\":93651759790}"), 1);
	CHECK_INT(keep(w, "{\"meeting_id\":93651759791}"), 0);
	emit_where_free(&w);
	zp_buf_release(&log);
}

TEST(emit_where_first_output_decides)
{
	struct zp_buf log = ZP_BUF_INIT;
	struct emit_where *w = NULL;

	CHECK_INT(compile(&w, ".a[]", &log), 0);
	CHECK_INT(keep(w, "{\"a\":[false,true]}"), 0);
	CHECK_INT(keep(w, "{\"a\":[null]}"), 0);
	CHECK_INT(keep(w, "{\"a\":[0,false]}"), 1);
	CHECK_INT(keep(w, "{\"a\":[\"\"]}"), 1);
	CHECK_INT(keep(w, "{\"a\":[]}"), 0);
	emit_where_free(&w);

	CHECK_INT(compile(&w, "empty", &log), 0);
	CHECK_INT(keep(w, "{\"type\":\"meeting\"}"), 0);
	emit_where_free(&w);

	/* halt on one record does not stop the next one. */
	CHECK_INT(compile(&w, "if .n == 1 then halt else true end", &log), 0);
	CHECK_INT(keep(w, "{\"n\":1}"), 0);
	CHECK_INT(keep(w, "{\"n\":2}"), 1);
	emit_where_free(&w);
	zp_buf_release(&log);
}

TEST(emit_where_syntax_error_refused)
{
	struct zp_buf log = ZP_BUF_INIT;
	struct emit_where *w = (struct emit_where *)&log;

	CHECK_INT(compile(&w, ".seconds >", &log), ZP_EINVAL);
	CHECK(w == NULL);
	CHECK(
	    strstr(log.data, "zp-emit: error: --where: syntax error") != NULL);
	CHECK(strstr(log.data, "compile error") == NULL);
	CHECK_INT(count(log.data, "\n"), 1);
	zp_buf_reset(&log);
	CHECK_INT(compile(&w, "$nope", &log), ZP_EINVAL);
	CHECK(strstr(log.data, "--where: $nope is not defined") != NULL);
	zp_buf_reset(&log);
	/* Modules are not looked for (libjq 1.6 would abort without a
	 * library path). */
	CHECK_INT(compile(&w, "import \"foo\" as f; .", &log), ZP_EINVAL);
	CHECK(strstr(log.data, "--where: module not found: foo") != NULL);
	zp_buf_release(&log);
}

TEST(emit_where_runtime_error_keeps_nothing)
{
	struct zp_buf log = ZP_BUF_INIT;
	struct emit_where *w = NULL;
	struct zp_capture c;

	CHECK_INT(compile(&w, ".x | tonumber", &log), 0);
	CHECK(zp_capture_begin(&c) == 0);
	CHECK_INT(keep(w, "{\"x\":\"abc\"}"), 0);
	CHECK_INT(keep(w, "{\"x\":\"xyz\"}"), 0);
	CHECK_INT(keep(w, "{\"x\":\"42\"}"), 1);
	CHECK_INT(keep(w, "{\"x\":\"abc\"}"), 0);
	zp_capture_end(&c, &log);
	/* Logged once, at warn, without the record's values. */
	CHECK_INT(count(log.data, "zp-emit: warn: --where: "), 1);
	CHECK(strstr(log.data, "abc") == NULL);
	CHECK(strstr(log.data, "xyz") == NULL);
	emit_where_free(&w);

	zp_buf_reset(&log);
	CHECK_INT(compile(&w, "error(.)", &log), 0);
	CHECK(zp_capture_begin(&c) == 0);
	CHECK_INT(keep(w, "{\"email\":\"alice@example.com\"}"), 0);
	CHECK_INT(keep(w, "{\"email\":\"bob@example.com\"}"), 0);
	zp_capture_end(&c, &log);
	CHECK(strstr(log.data, "example.com") == NULL);
	CHECK_INT(count(log.data, "--where: error(object)"), 1);
	emit_where_free(&w);

	zp_buf_reset(&log);
	CHECK_INT(compile(&w, "test(\"a\")", &log), 0);
	CHECK(zp_capture_begin(&c) == 0);
	CHECK_INT(keep(w, "{\"secret\":\"(x)y\\\"z\"}"), 0);
	CHECK_INT(keep(w, "{\"secret2\":1}"), 0);
	zp_capture_end(&c, &log);
	CHECK(strstr(log.data, "secret") == NULL);
	CHECK(strstr(log.data, "cannot be matched, as it is not a string") !=
	    NULL);
	CHECK_INT(count(log.data, "\n"), 1);
	emit_where_free(&w);
	zp_buf_release(&log);
}

TEST(emit_where_risky_builtins_do_not_crash)
{
	static const char *programs[] = {"debug", "input", "[inputs]",
	    "input_line_number", "input_filename", "$__loc__",
	    "get_search_list", "halt_error", "error(null)", "limit(0; .)"};
	struct zp_buf log = ZP_BUF_INIT;
	struct emit_where *w = NULL;
	struct zp_capture c;
	size_t i;

	for (i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
		CHECK_INT(compile(&w, programs[i], &log), 0);
		CHECK(w != NULL);
		CHECK(zp_capture_begin(&c) == 0);
		if (w != NULL)
			keep(w, "{\"type\":\"meeting\",\"n\":1}");
		zp_capture_end(&c, &log);
		CHECK(strstr(log.data, "meeting") == NULL);
		zp_buf_reset(&log);
		emit_where_free(&w);
	}
	CHECK_INT(compile(&w, "debug | .n == 1", &log), 0);
	CHECK_INT(keep(w, "{\"n\":1}"), 1);
	emit_where_free(&w);
	zp_buf_release(&log);
}

TEST(emit_where_many_records_and_error_kinds)
{
	struct zp_buf log = ZP_BUF_INIT;
	struct emit_where *w = NULL;
	struct zp_capture c;
	char rec[64];
	int i, kept = 0;

	CHECK_INT(compile(&w,
		      "if .i % 50 == 0 then error(\"kind \\(.i)\") "
		      "else .i % 2 == 0 end",
		      &log),
	    0);
	CHECK(zp_capture_begin(&c) == 0);
	for (i = 0; i < 20000; i++) {
		snprintf(rec, sizeof(rec), "{\"i\":%d}", i);
		kept += keep(w, rec);
	}
	CHECK_INT(keep(w, "not json"), 0);
	zp_capture_end(&c, &log);
	CHECK_INT(kept, 10000 - 400);
	/* At most 16 distinct messages, then one line saying so. */
	CHECK_INT(count(log.data, "\n"), 17);
	CHECK_INT(count(log.data, "more kinds of errors"), 1);
	emit_where_free(&w);
	zp_buf_release(&log);
}
