/* test_config.c - flag/environment/default precedence and secrets. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "error.h"

/* The two variables every secret test reads, in order. */
static const char *const salt_envs[] = {
    "ZP_TEST_SALT", "PSOXY_TEST_SALT", NULL};

/*
 * temp_file writes n bytes at data to a new file and stores its name in
 * path (at least 64 bytes); 0 or -1.
 */
static int
temp_file(const void *data, size_t n, char *path)
{
	const char *dir = getenv("TMPDIR");
	int fd, rc = 0;

	snprintf(path, 64, "%.40s/zp-test-XXXXXX", dir != NULL ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (write(fd, data, n) != (ssize_t)n)
		rc = -1;
	close(fd);
	return rc;
}

/* contains tells whether the n bytes at p include the string s. */
static int
contains(const char *p, size_t n, const char *s)
{
	size_t i, k = strlen(s);

	for (i = 0; p != NULL && i + k <= n; i++)
		if (memcmp(p + i, s, k) == 0)
			return 1;
	return 0;
}

/* --- strings and precedence ----------------------------------------- */

TEST(config_str_precedence)
{
	unsetenv("ZP_TEST_STR");
	CHECK_STR(zp_config_str(NULL, "ZP_TEST_STR", "def"), "def");
	setenv("ZP_TEST_STR", "env", 1);
	CHECK_STR(zp_config_str(NULL, "ZP_TEST_STR", "def"), "env");
	CHECK_STR(zp_config_str("flag", "ZP_TEST_STR", "def"), "flag");
	CHECK_STR(zp_config_str("", "ZP_TEST_STR", "def"), "");
	setenv("ZP_TEST_STR", "", 1);
	CHECK_STR(zp_config_str(NULL, "ZP_TEST_STR", "def"), "def");
	CHECK(zp_config_str(NULL, "ZP_TEST_STR", NULL) == NULL);
	CHECK_STR(zp_config_str(NULL, NULL, "def"), "def");
	unsetenv("ZP_TEST_STR");
}

/* --- integers -------------------------------------------------------- */

TEST(config_long_precedence)
{
	struct zp_buf why = ZP_BUF_INIT;
	long v = 0;
	int rc;

	unsetenv("ZP_HWM");
	rc = zp_config_long(NULL, "ZP_HWM", 1000, 1, 1000000, &v, &why);
	CHECK_INT(rc, 0);
	CHECK_INT(v, 1000);
	setenv("ZP_HWM", "250", 1);
	rc = zp_config_long(NULL, "ZP_HWM", 1000, 1, 1000000, &v, &why);
	CHECK_INT(rc, 0);
	CHECK_INT(v, 250);
	rc = zp_config_long("7", "ZP_HWM", 1000, 1, 1000000, &v, &why);
	CHECK_INT(rc, 0);
	CHECK_INT(v, 7);
	CHECK_INT(why.len, 0);
	unsetenv("ZP_HWM");
	zp_buf_release(&why);
}

TEST(config_long_env_not_a_number)
{
	struct zp_buf why = ZP_BUF_INIT;
	long v = 42;
	int rc;

	setenv("ZP_HWM", "abc", 1);
	rc = zp_config_long(NULL, "ZP_HWM", 1000, 1, 1000000, &v, &why);
	CHECK_INT(rc, ZP_ECONFIG);
	CHECK_STR(why.data, "ZP_HWM: 'abc' is not a number");
	CHECK_INT(v, 42);
	unsetenv("ZP_HWM");
	zp_buf_release(&why);
}

TEST(config_long_flag_out_of_range)
{
	struct zp_buf why = ZP_BUF_INIT;
	long v = 42;
	int rc;

	setenv("ZP_HWM", "5", 1);
	rc = zp_config_long("0", "ZP_HWM", 1000, 1, 1000000, &v, &why);
	CHECK_INT(rc, ZP_ECONFIG);
	CHECK_STR(why.data, "--hwm: 0 is out of range 1..1000000");
	CHECK_INT(v, 42);
	unsetenv("ZP_HWM");
	zp_buf_release(&why);
}

/* The flag is named from the variable; Zoom's page_size is at most 300. */
TEST(config_long_flag_name_from_env)
{
	struct zp_buf why = ZP_BUF_INIT;
	long v;
	int rc;

	rc = zp_config_long("301", "ZP_PAGE_SIZE", 300, 1, 300, &v, &why);
	CHECK_INT(rc, ZP_ECONFIG);
	CHECK_STR(why.data, "--page-size: 301 is out of range 1..300");
	zp_buf_reset(&why);
	setenv("ZP_PAGE_SIZE", "-1", 1);
	rc = zp_config_long(NULL, "ZP_PAGE_SIZE", 300, 1, 300, &v, &why);
	CHECK_INT(rc, ZP_ECONFIG);
	CHECK_STR(why.data, "ZP_PAGE_SIZE: -1 is out of range 1..300");
	unsetenv("ZP_PAGE_SIZE");
	zp_buf_release(&why);
}

TEST(config_long_strict_parse)
{
	static const char *const bad[] = {
	    "",
	    " 5",
	    "5 ",
	    "5x",
	    "+",
	    "-",
	    "0x10",
	    "1e3",
	    "1.5",
	    "--5",
	};
	struct zp_buf why = ZP_BUF_INIT;
	size_t i;
	long v;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		zp_buf_reset(&why);
		CHECK_INT(zp_config_long(bad[i], "ZP_N", 1, -10, 10, &v, &why),
		    ZP_ECONFIG);
		CHECK(contains(why.data, why.len, "is not a number"));
	}
	CHECK_INT(zp_config_long("-10", "ZP_N", 1, -10, 10, &v, NULL), 0);
	CHECK_INT(v, -10);
	CHECK_INT(zp_config_long("+7", "ZP_N", 1, -10, 10, &v, NULL), 0);
	CHECK_INT(v, 7);
	CHECK_INT(zp_config_long("007", "ZP_N", 1, -10, 10, &v, NULL), 0);
	CHECK_INT(v, 7);
	zp_buf_release(&why);
}

TEST(config_long_overflow)
{
	struct zp_buf why = ZP_BUF_INIT;
	long v;
	int rc;

	rc = zp_config_long(
	    "99999999999999999999999", "ZP_N", 1, 0, 100, &v, &why);
	CHECK_INT(rc, ZP_ECONFIG);
	CHECK_STR(
	    why.data, "--n: 99999999999999999999999 is out of range 0..100");
	zp_buf_release(&why);
}

TEST(config_long_why_null)
{
	long v = 3;

	CHECK_INT(zp_config_long("x", "ZP_N", 1, 0, 9, &v, NULL), ZP_ECONFIG);
	CHECK_INT(v, 3);
}

/* --- booleans -------------------------------------------------------- */

TEST(config_bool_words)
{
	static const char *const yes[] = {"1", "true", "yes", "TRUE", "Yes"};
	static const char *const no[] = {"0", "false", "no", "FALSE", "No"};
	size_t i;
	int v;

	for (i = 0; i < 5; i++) {
		v = -1;
		CHECK_INT(zp_config_bool(yes[i], "ZP_B", 0, &v, NULL), 0);
		CHECK_INT(v, 1);
		CHECK_INT(zp_config_bool(no[i], "ZP_B", 1, &v, NULL), 0);
		CHECK_INT(v, 0);
	}
}

TEST(config_bool_precedence_and_errors)
{
	struct zp_buf why = ZP_BUF_INIT;
	int v = -1;

	unsetenv("ZP_VERBOSE");
	CHECK_INT(zp_config_bool(NULL, "ZP_VERBOSE", 1, &v, &why), 0);
	CHECK_INT(v, 1);
	setenv("ZP_VERBOSE", "no", 1);
	CHECK_INT(zp_config_bool(NULL, "ZP_VERBOSE", 1, &v, &why), 0);
	CHECK_INT(v, 0);
	CHECK_INT(zp_config_bool("yes", "ZP_VERBOSE", 0, &v, &why), 0);
	CHECK_INT(v, 1);
	setenv("ZP_VERBOSE", "maybe", 1);
	CHECK_INT(zp_config_bool(NULL, "ZP_VERBOSE", 0, &v, &why), ZP_ECONFIG);
	CHECK_STR(why.data,
	    "ZP_VERBOSE: 'maybe' is not a boolean (1/0/true/false/yes/no)");
	zp_buf_reset(&why);
	CHECK_INT(zp_config_bool("", "ZP_VERBOSE", 0, &v, &why), ZP_ECONFIG);
	CHECK_STR(why.data,
	    "--verbose: '' is not a boolean (1/0/true/false/yes/no)");
	CHECK_INT(v, 1);
	unsetenv("ZP_VERBOSE");
	zp_buf_release(&why);
}

/* --- secrets --------------------------------------------------------- */

TEST(config_secret_env_order)
{
	struct zp_buf out = ZP_BUF_INIT, why = ZP_BUF_INIT;

	unsetenv("ZP_TEST_SALT");
	setenv("PSOXY_TEST_SALT", "psoxy-salt", 1);
	CHECK_INT(zp_config_secret(salt_envs, NULL, &out, &why), 0);
	CHECK_STR(out.data, "psoxy-salt");
	zp_buf_reset(&out);
	setenv("ZP_TEST_SALT", "zp-salt", 1);
	CHECK_INT(zp_config_secret(salt_envs, NULL, &out, &why), 0);
	CHECK_STR(out.data, "zp-salt");
	zp_buf_reset(&out);
	setenv("ZP_TEST_SALT", "", 1);
	CHECK_INT(zp_config_secret(salt_envs, NULL, &out, &why), 0);
	CHECK_STR(out.data, "psoxy-salt");
	CHECK_INT(why.len, 0);
	unsetenv("ZP_TEST_SALT");
	unsetenv("PSOXY_TEST_SALT");
	zp_buf_release(&out);
	zp_buf_release(&why);
}

TEST(config_secret_env_over_file)
{
	struct zp_buf out = ZP_BUF_INIT;
	char path[64];

	CHECK_INT(temp_file("from-file\n", 10, path), 0);
	setenv("PSOXY_TEST_SALT", "from-env", 1);
	CHECK_INT(zp_config_secret(salt_envs, path, &out, NULL), 0);
	CHECK_STR(out.data, "from-env");
	unsetenv("PSOXY_TEST_SALT");
	zp_buf_reset(&out);
	CHECK_INT(zp_config_secret(salt_envs, path, &out, NULL), 0);
	CHECK_STR(out.data, "from-file");
	unlink(path);
	zp_buf_release(&out);
}

TEST(config_secret_file_newlines)
{
	static const char *const cases[][2] = {
	    {"s3cret", "s3cret"},
	    {"s3cret\n", "s3cret"},
	    {"s3cret\r\n", "s3cret"},
	    {"s3cret\n\n", "s3cret\n"},
	    {"s3cret\r", "s3cret\r"},
	    {" spaced \n", " spaced "},
	};
	struct zp_buf out = ZP_BUF_INIT;
	char path[64];
	size_t i;

	unsetenv("ZP_TEST_SALT");
	unsetenv("PSOXY_TEST_SALT");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		zp_buf_reset(&out);
		CHECK_INT(
		    temp_file(cases[i][0], strlen(cases[i][0]), path), 0);
		CHECK_INT(zp_config_secret(salt_envs, path, &out, NULL), 0);
		CHECK_STR(out.data, cases[i][1]);
		unlink(path);
	}
	zp_buf_release(&out);
}

TEST(config_secret_binary_file)
{
	struct zp_buf out = ZP_BUF_INIT;
	char path[64];

	CHECK_INT(temp_file("a\0b\n", 4, path), 0);
	CHECK_INT(zp_config_secret(NULL, path, &out, NULL), 0);
	CHECK_MEM(out.data, out.len, "a\0b", 3);
	unlink(path);
	zp_buf_release(&out);
}

TEST(config_secret_missing)
{
	struct zp_buf out = ZP_BUF_INIT, why = ZP_BUF_INIT;
	static const char *const one[] = {"ZP_TEST_KEY", NULL};
	int rc;

	unsetenv("ZP_TEST_SALT");
	unsetenv("PSOXY_TEST_SALT");
	unsetenv("ZP_TEST_KEY");
	rc = zp_config_secret(salt_envs, "/nonexistent/zp-salt", &out, &why);
	CHECK_INT(rc, ZP_ESECRET);
	CHECK_STR(why.data,
	    "no secret: ZP_TEST_SALT, PSOXY_TEST_SALT are unset or empty; "
	    "/nonexistent/zp-salt: No such file or directory");
	CHECK_INT(out.len, 0);
	zp_buf_reset(&why);
	CHECK_INT(zp_config_secret(one, NULL, &out, &why), ZP_ESECRET);
	CHECK_STR(why.data, "no secret: ZP_TEST_KEY is unset or empty");
	zp_buf_reset(&why);
	CHECK_INT(zp_config_secret(NULL, NULL, &out, &why), ZP_ESECRET);
	CHECK_STR(why.data, "no secret: no variable or file to read it from");
	zp_buf_reset(&why);
	CHECK_INT(zp_config_secret(NULL, "/", &out, &why), ZP_ESECRET);
	CHECK_STR(why.data, "no secret: /: Is a directory");
	zp_buf_release(&out);
	zp_buf_release(&why);
}

TEST(config_secret_empty)
{
	struct zp_buf out = ZP_BUF_INIT, why = ZP_BUF_INIT;
	static const char *const one[] = {"ZP_TEST_KEY", NULL};
	char path[64];

	setenv("ZP_TEST_KEY", "", 1);
	CHECK_INT(temp_file("\n", 1, path), 0);
	CHECK_INT(zp_config_secret(one, path, &out, &why), ZP_ESECRET);
	CHECK(contains(why.data, why.len, "ZP_TEST_KEY is unset or empty"));
	CHECK(contains(why.data, why.len, ": the file is empty"));
	CHECK_INT(out.len, 0);
	unlink(path);
	unsetenv("ZP_TEST_KEY");
	zp_buf_release(&out);
	zp_buf_release(&why);
}

/*
 * A secret file that is too large fails; neither the message nor the
 * buffer's spare room may keep any of its bytes.
 */
TEST(config_secret_never_in_why)
{
	static char big[ZP_SECRET_MAX + 2];
	struct zp_buf out = ZP_BUF_INIT, why = ZP_BUF_INIT;
	const char *word = "hunter2-SECRET";
	size_t i, k = strlen(word);
	char path[64];

	for (i = 0; i + k <= sizeof(big); i += k)
		memcpy(big + i, word, k);
	CHECK_INT(temp_file(big, sizeof(big), path), 0);
	CHECK_INT(zp_config_secret(salt_envs, path, &out, &why), ZP_ESECRET);
	CHECK(contains(why.data, why.len, "larger than 65536 bytes"));
	CHECK(!contains(why.data, why.len, "hunter2"));
	CHECK_INT(out.len, 0);
	CHECK(!contains(out.data, out.cap, "hunter2"));
	unlink(path);
	zp_buf_reset(&why);
	CHECK_INT(temp_file(big, ZP_SECRET_MAX, path), 0);
	CHECK_INT(zp_config_secret(salt_envs, path, &out, &why), 0);
	CHECK_INT(out.len, ZP_SECRET_MAX);
	CHECK_INT(why.len, 0);
	unlink(path);
	zp_buf_release(&out);
	zp_buf_release(&why);
}
