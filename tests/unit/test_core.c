/*
 * test_core.c - the small modules under everything: the byte buffer, the
 * arena, result codes, logging and stop signals.
 */
#include "harness.h"

#include <signal.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "error.h"
#include "file.h"
#include "json.h"
#include "log.h"
#include "signals.h"

/* --- buf ------------------------------------------------------------- */

TEST(buf_append_and_nul)
{
	struct zp_buf b = ZP_BUF_INIT;

	CHECK_INT(zp_buf_append(&b, "abc", 3), 0);
	CHECK_INT(b.len, 3);
	CHECK(b.cap > b.len);
	CHECK_STR(b.data, "abc");
	CHECK_INT(zp_buf_append(&b, "de\0f", 4), 0);
	CHECK_INT(b.len, 7);
	CHECK_MEM(b.data, b.len, "abcde\0f", 7);
	CHECK_INT(b.data[7], '\0');
	zp_buf_release(&b);
}

TEST(buf_empty_append_terminates)
{
	struct zp_buf b = ZP_BUF_INIT;

	CHECK_INT(zp_buf_append(&b, NULL, 0), 0);
	CHECK(b.data != NULL);
	CHECK_INT(b.len, 0);
	CHECK_STR(b.data, "");
	zp_buf_release(&b);
}

TEST(buf_puts_putc)
{
	struct zp_buf b = ZP_BUF_INIT;

	CHECK_INT(zp_buf_puts(&b, "hello"), 0);
	CHECK_INT(zp_buf_putc(&b, ','), 0);
	CHECK_INT(zp_buf_puts(&b, ""), 0);
	CHECK_INT(zp_buf_putc(&b, ' '), 0);
	CHECK_INT(zp_buf_puts(&b, "world"), 0);
	CHECK_STR(b.data, "hello, world");
	CHECK_INT(b.len, 12);
	zp_buf_release(&b);
}

TEST(buf_printf)
{
	struct zp_buf b = ZP_BUF_INIT;

	CHECK_INT(zp_buf_printf(&b, "%s=%d", "n", 42), 0);
	CHECK_INT(zp_buf_printf(&b, " %zu %.2f", (size_t)7, 1.5), 0);
	CHECK_STR(b.data, "n=42 7 1.50");
	CHECK_INT(b.len, strlen("n=42 7 1.50"));
	CHECK_INT(zp_buf_printf(&b, "%s", ""), 0);
	CHECK_INT(b.len, strlen("n=42 7 1.50"));
	zp_buf_release(&b);
}

TEST(buf_printf_long)
{
	struct zp_buf b = ZP_BUF_INIT;
	char *big = malloc(10001);
	size_t i;

	CHECK(big != NULL);
	if (big == NULL)
		return;
	memset(big, 'x', 10000);
	big[10000] = '\0';
	CHECK_INT(zp_buf_puts(&b, "<"), 0);
	CHECK_INT(zp_buf_printf(&b, "%s>%d", big, 9), 0);
	CHECK_INT(b.len, 10003);
	CHECK_INT(b.data[0], '<');
	for (i = 1; i <= 10000 && b.data[i] == 'x'; i++)
		;
	CHECK_INT(i, 10001);
	CHECK_STR(b.data + 10001, ">9");
	free(big);
	zp_buf_release(&b);
}

TEST(buf_printf_empty_terminates)
{
	struct zp_buf b = ZP_BUF_INIT;

	CHECK_INT(zp_buf_printf(&b, "%s", ""), 0);
	CHECK(b.data != NULL);
	CHECK_STR(b.data, "");
	zp_buf_release(&b);
}

TEST(buf_reset_keeps_memory)
{
	struct zp_buf b = ZP_BUF_INIT;
	char *before;
	size_t cap;

	CHECK_INT(zp_buf_puts(&b, "some text to keep around"), 0);
	before = b.data;
	cap = b.cap;
	zp_buf_reset(&b);
	CHECK_INT(b.len, 0);
	CHECK(b.data == before);
	CHECK_INT(b.cap, cap);
	CHECK_STR(b.data, "");
	CHECK_INT(zp_buf_puts(&b, "again"), 0);
	CHECK(b.data == before);
	CHECK_STR(b.data, "again");
	zp_buf_release(&b);
}

TEST(buf_reset_empty)
{
	struct zp_buf b = ZP_BUF_INIT;

	zp_buf_reset(&b);
	CHECK(b.data == NULL);
	CHECK_INT(b.len, 0);
}

TEST(buf_release_clears)
{
	struct zp_buf b = ZP_BUF_INIT;

	CHECK_INT(zp_buf_puts(&b, "x"), 0);
	zp_buf_release(&b);
	CHECK(b.data == NULL);
	CHECK_INT(b.len, 0);
	CHECK_INT(b.cap, 0);
	zp_buf_release(&b);
	CHECK_INT(zp_buf_puts(&b, "reused"), 0);
	CHECK_STR(b.data, "reused");
	zp_buf_release(&b);
}

TEST(buf_reserve)
{
	struct zp_buf b = ZP_BUF_INIT;
	char *p;

	CHECK_INT(zp_buf_reserve(&b, 1000), 0);
	CHECK(b.cap >= 1001);
	CHECK_INT(b.len, 0);
	p = b.data;
	for (int i = 0; i < 1000; i++)
		zp_buf_putc_fast(&b, (char)('a' + i % 26));
	CHECK(b.data == p);
	CHECK_INT(b.len, 1000);
	CHECK_INT(zp_buf_putc(&b, '!'), 0);
	CHECK_INT(b.data[0], 'a');
	CHECK_INT(b.data[999], 'a' + 999 % 26);
	CHECK_INT(b.data[1000], '!');
	CHECK_INT(b.data[1001], '\0');
	zp_buf_release(&b);
}

TEST(buf_reserve_overflow)
{
	struct zp_buf b = ZP_BUF_INIT;

	/* Only sizes whose sum wraps: others would reach malloc. */
	CHECK_INT(zp_buf_reserve(&b, SIZE_MAX), ZP_ENOMEM);
	CHECK(b.data == NULL);
	CHECK_INT(zp_buf_puts(&b, "ab"), 0);
	CHECK_INT(zp_buf_reserve(&b, SIZE_MAX - 2), ZP_ENOMEM);
	CHECK_INT(zp_buf_append(&b, "x", SIZE_MAX - 1), ZP_ENOMEM);
	CHECK_STR(b.data, "ab");
	CHECK_INT(b.len, 2);
	zp_buf_release(&b);
}

TEST(buf_growth_past_megabytes)
{
	struct zp_buf b = ZP_BUF_INIT;
	char chunk[4096];
	size_t i, n = 8 * 1024 * 1024 / sizeof(chunk) + 3;
	int ok = 1;

	for (i = 0; i < sizeof(chunk); i++)
		chunk[i] = (char)('A' + i % 23);
	for (i = 0; i < n; i++) {
		chunk[0] = (char)i;
		if (zp_buf_append(&b, chunk, sizeof(chunk)) != 0)
			ok = 0;
	}
	CHECK(ok);
	CHECK_INT(b.len, n * sizeof(chunk));
	CHECK(b.cap > b.len);
	for (i = 0; i < n && ok; i++)
		if (b.data[i * sizeof(chunk)] != (char)i ||
		    memcmp(b.data + i * sizeof(chunk) + 1, chunk + 1,
			sizeof(chunk) - 1) != 0)
			ok = 0;
	CHECK(ok);
	CHECK_INT(b.data[b.len], '\0');
	zp_buf_release(&b);
}

/* --- arena ----------------------------------------------------------- */

TEST(arena_alignment)
{
	struct zp_arena a = ZP_ARENA_INIT;
	size_t sizes[] = {1, 3, 16, 17, 0, 31, 100, 7, 1000, 5};
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		void *p = zp_arena_alloc(&a, sizes[i]);

		CHECK(p != NULL);
		CHECK_INT((uintptr_t)p % 16, 0);
	}
	zp_arena_release(&a);
}

TEST(arena_distinct_and_writable)
{
	struct zp_arena a = ZP_ARENA_INIT;
	unsigned char *p[64];
	int i, j, ok = 1;

	for (i = 0; i < 64; i++) {
		p[i] = zp_arena_alloc(&a, 24);
		if (p[i] == NULL)
			ok = 0;
		else
			memset(p[i], i, 24);
	}
	CHECK(ok);
	for (i = 0; i < 64 && ok; i++)
		for (j = 0; j < 24; j++)
			if (p[i][j] != i)
				ok = 0;
	CHECK(ok);
	CHECK(a.used >= 64 * 24);
	zp_arena_release(&a);
}

TEST(arena_many_allocations)
{
	struct zp_arena a = ZP_ARENA_INIT;
	unsigned *first = NULL, *last = NULL;
	int i, ok = 1;

	/* Far more than one block: the arena must chain new ones. */
	for (i = 0; i < 200000; i++) {
		unsigned *p = zp_arena_alloc(&a, sizeof(unsigned) * 4);

		if (p == NULL || (uintptr_t)p % 16 != 0) {
			ok = 0;
			break;
		}
		p[0] = (unsigned)i;
		p[3] = (unsigned)~i;
		if (first == NULL)
			first = p;
		last = p;
	}
	CHECK(ok);
	CHECK(first != NULL && first[0] == 0 && first[3] == ~0u);
	CHECK(last != NULL && last[0] == 199999u);
	CHECK(a.total >= a.used);
	CHECK(a.used >= 200000u * 16);
	zp_arena_release(&a);
}

TEST(arena_populates_large_blocks)
{
	/* Memory populated ahead is resident before it is touched
	 * (mincore), and reads as zeroes; small ranges are left alone. */
	size_t n = 4u << 20, page = (size_t)sysconf(_SC_PAGESIZE), i, in = 0;
	unsigned char *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		      *vec;
	struct zp_arena a = ZP_ARENA_INIT;
	char *big;

	CHECK(p != MAP_FAILED);
	vec = calloc(n / page, 1);
	CHECK(vec != NULL);
	if (p == MAP_FAILED || vec == NULL)
		return;
	zp_mem_populate(p + 1, 1000); /* under 64 KiB: nothing */
	CHECK_INT(mincore(p, n, vec), 0);
	CHECK_INT(vec[0] & 1, 0);
	zp_mem_populate(p + 100, n - 200); /* the whole pages inside */
	CHECK_INT(mincore(p, n, vec), 0);
	for (i = 1; i + 1 < n / page; i++)
		in += vec[i] & 1;
	CHECK_INT((int)in, (int)(n / page - 2));
	CHECK_INT(p[page], 0);
	munmap(p, n);
	free(vec);
	/* An arena's blocks work as before, whatever was populated. */
	a.max_block = (size_t)1 << 20;
	for (i = 0; i < 8; i++) {
		big = zp_arena_alloc(&a, 300000);
		CHECK(big != NULL);
		if (big != NULL)
			memset(big, 'z', 300000);
	}
	big = zp_arena_alloc(&a, 9u << 20); /* larger than any block */
	CHECK(big != NULL);
	if (big != NULL)
		memset(big, 'y', 9u << 20);
	CHECK(a.total >= 8 * 300000 + (9u << 20));
	zp_arena_release(&a);
}

TEST(arena_big_allocation)
{
	struct zp_arena a = ZP_ARENA_INIT;
	char *small = zp_arena_alloc(&a, 10);
	char *big = zp_arena_alloc(&a, 5 * 1024 * 1024);

	CHECK(small != NULL && big != NULL);
	if (big != NULL) {
		memset(big, 'b', 5 * 1024 * 1024);
		CHECK_INT((uintptr_t)big % 16, 0);
	}
	CHECK(a.total >= 5u * 1024 * 1024);
	zp_arena_release(&a);
}

TEST(arena_overflow_refused)
{
	struct zp_arena a = ZP_ARENA_INIT;

	/* Sizes no block could hold are refused before any malloc. */
	CHECK(zp_arena_alloc(&a, SIZE_MAX) == NULL);
	CHECK(zp_arena_alloc(&a, SIZE_MAX - 8) == NULL);
	CHECK(zp_arena_alloc(&a, SIZE_MAX / 2 + 1) == NULL);
	CHECK(zp_arena_alloc(&a, SIZE_MAX / 2 + 17) == NULL);
	CHECK(zp_arena_alloc(&a, SIZE_MAX / 4 + 1) == NULL);
	CHECK(zp_arena_memdup(&a, "", SIZE_MAX) == NULL);
	CHECK(zp_arena_alloc(&a, 32) != NULL);
	zp_arena_release(&a);
}

TEST(arena_memdup)
{
	struct zp_arena a = ZP_ARENA_INIT;
	const char src[] = "copy\0me";
	char *q = zp_arena_memdup(&a, src, sizeof(src));
	char *e = zp_arena_memdup(&a, NULL, 0);

	CHECK(q != NULL && q != src);
	if (q != NULL)
		CHECK_MEM(q, sizeof(src), src, sizeof(src));
	CHECK(e != NULL);
	zp_arena_release(&a);
}

TEST(arena_reset_keeps_one_block)
{
	struct zp_arena a = ZP_ARENA_INIT;
	void *p, *q;
	size_t big;
	int i;

	for (i = 0; i < 100; i++)
		CHECK(zp_arena_alloc(&a, 8000) != NULL);
	big = a.total;
	CHECK(big > 64 * 1024);
	zp_arena_reset(&a);
	CHECK_INT(a.used, 0);
	CHECK(a.head != NULL);
	CHECK(a.total > 0 && a.total < big);
	p = zp_arena_alloc(&a, 100);
	zp_arena_reset(&a);
	q = zp_arena_alloc(&a, 100);
	CHECK(p != NULL && p == q);
	zp_arena_release(&a);
}

TEST(arena_reset_empty_and_release)
{
	struct zp_arena a = ZP_ARENA_INIT;

	zp_arena_reset(&a);
	CHECK(a.head == NULL);
	CHECK_INT(a.total, 0);
	CHECK(zp_arena_alloc(&a, 1) != NULL);
	zp_arena_release(&a);
	CHECK(a.head == NULL);
	CHECK_INT(a.used, 0);
	CHECK_INT(a.total, 0);
	zp_arena_release(&a);
	CHECK(zp_arena_alloc(&a, 1) != NULL);
	zp_arena_release(&a);
}

/* --- error ----------------------------------------------------------- */

TEST(error_strerror_every_code)
{
	static const struct {
		int code;
		const char *text;
	} want[] = {
	    {ZP_OK, "success"},
	    {ZP_ENOMEM, "out of memory"},
	    {ZP_EINVAL, "invalid argument"},
	    {ZP_EPARSE, "malformed JSON"},
	    {ZP_EDEPTH, "JSON nested too deeply"},
	    {ZP_EENVELOPE, "not a valid envelope"},
	    {ZP_EVERSION, "unsupported envelope version"},
	    {ZP_EIO, "input/output error"},
	    {ZP_EPIPE, "downstream closed"},
	    {ZP_ETRANSPORT, "transport failure"},
	    {ZP_EINTR, "interrupted"},
	    {ZP_ECRYPTO, "cryptographic operation failed"},
	    {ZP_ECONFIG, "bad configuration"},
	    {ZP_ESECRET, "secret missing or unreadable"},
	    {ZP_ETOOBIG, "input too large"},
	    {ZP_ENOTFOUND, "not found"},
	    {ZP_EDECODE, "bad encoding"},
	    {ZP_EAUTH, "authentication failed"},
	};
	size_t i;

	CHECK_INT(sizeof(want) / sizeof(want[0]), 1 - ZP_ECODE_MIN);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CHECK_STR(zp_strerror(want[i].code), want[i].text);
}

TEST(error_strerror_unknown)
{
	CHECK_STR(zp_strerror(ZP_ECODE_MIN - 1), "unknown error");
	CHECK_STR(zp_strerror(-1000), "unknown error");
	CHECK_STR(zp_strerror(1), "unknown error");
	CHECK_STR(zp_strerror(INT32_MIN), "unknown error");
}

TEST(error_exit_code_table)
{
	CHECK_INT(zp_exit_code(ZP_OK), 0);
	CHECK_INT(zp_exit_code(ZP_EINVAL), 64);
	CHECK_INT(zp_exit_code(ZP_EPARSE), 65);
	CHECK_INT(zp_exit_code(ZP_EDEPTH), 65);
	CHECK_INT(zp_exit_code(ZP_EENVELOPE), 65);
	CHECK_INT(zp_exit_code(ZP_EVERSION), 65);
	CHECK_INT(zp_exit_code(ZP_ETOOBIG), 65);
	CHECK_INT(zp_exit_code(ZP_EDECODE), 65);
	CHECK_INT(zp_exit_code(ZP_ETRANSPORT), 69);
	CHECK_INT(zp_exit_code(ZP_EAUTH), 77);
	CHECK_INT(zp_exit_code(ZP_ENOMEM), 75);
	CHECK_INT(zp_exit_code(ZP_EIO), 75);
	CHECK_INT(zp_exit_code(ZP_EPIPE), 75);
	CHECK_INT(zp_exit_code(ZP_EINTR), 75);
	CHECK_INT(zp_exit_code(ZP_ECONFIG), 78);
	CHECK_INT(zp_exit_code(ZP_ESECRET), 78);
	CHECK_INT(zp_exit_code(ZP_ENOTFOUND), 78);
	CHECK_INT(zp_exit_code(ZP_ECRYPTO), 75);
	CHECK_INT(zp_exit_code(-1000), 75);
}

TEST(error_exit_code_names)
{
	CHECK_INT(ZP_EXIT_OK, 0);
	CHECK_INT(ZP_EXIT_REJECTED, 1);
	CHECK_INT(ZP_EXIT_USAGE, 64);
	CHECK_INT(ZP_EXIT_DATAERR, 65);
	CHECK_INT(ZP_EXIT_UNAVAILABLE, 69);
	CHECK_INT(ZP_EXIT_TEMPFAIL, 75);
	CHECK_INT(ZP_EXIT_AUTH, 77);
	CHECK_INT(ZP_EXIT_CONFIG, 78);
}

/* --- log ------------------------------------------------------------- */

/* log_reset puts the logger back to the state other tests expect. */
static void
log_reset(void)
{
	unsetenv("ZP_LOG_FORMAT");
	unsetenv("ZP_LOG_LEVEL");
	zp_log_init("zoompipe", ZP_LOG_INFO, ZP_LOG_TEXT);
}

TEST(log_text_line)
{
	struct zp_capture c;
	struct zp_buf out = ZP_BUF_INIT;

	unsetenv("ZP_LOG_FORMAT");
	unsetenv("ZP_LOG_LEVEL");
	zp_log_init("zp-test", ZP_LOG_INFO, ZP_LOG_TEXT);
	CHECK_INT(zp_capture_begin(&c), 0);
	zp_warn("retry status=%d attempt=%d", 429, 2);
	zp_error("boom");
	zp_info("hello %s", "there");
	zp_capture_end(&c, &out);
	CHECK_STR(out.data,
	    "zp-test: warn: retry status=429 attempt=2\n"
	    "zp-test: error: boom\n"
	    "zp-test: info: hello there\n");
	zp_buf_release(&out);
	log_reset();
}

/* check_json_line checks one JSON log line and its four members. */
static void
check_json_line(const char *line, size_t n, const char *level, const char *msg)
{
	struct zp_arena a = ZP_ARENA_INIT;
	struct zp_json_parser p;
	struct zp_json *root = NULL;
	const struct zp_json *ts;

	zp_json_parser_init(&p, &a);
	CHECK_INT(zp_json_parse(&p, line, n, &root), 0);
	if (root != NULL) {
		CHECK_INT(root->type, ZP_JSON_OBJECT);
		CHECK_INT(root->n, 4);
		ts = zp_json_get(root, "ts");
		CHECK(ts != NULL && ts->type == ZP_JSON_STRING);
		if (ts != NULL && ts->type == ZP_JSON_STRING) {
			CHECK_INT(ts->n, 20);
			CHECK(ts->u.s[4] == '-' && ts->u.s[10] == 'T' &&
			    ts->u.s[19] == 'Z');
		}
		CHECK(zp_json_is_str(zp_json_get(root, "prog"), "zp-test"));
		CHECK(zp_json_is_str(zp_json_get(root, "level"), level));
		CHECK(zp_json_is_str(zp_json_get(root, "msg"), msg));
	}
	zp_json_parser_release(&p);
	zp_arena_release(&a);
}

TEST(log_json_line)
{
	struct zp_capture c;
	struct zp_buf out = ZP_BUF_INIT;
	const char *nl;

	unsetenv("ZP_LOG_FORMAT");
	unsetenv("ZP_LOG_LEVEL");
	zp_log_init("zp-test", ZP_LOG_INFO, ZP_LOG_JSON);
	CHECK_INT(zp_capture_begin(&c), 0);
	zp_warn("quote \" and \\ and\ttab");
	zp_error("second");
	zp_capture_end(&c, &out);
	nl = strchr(out.data, '\n');
	CHECK(nl != NULL);
	if (nl != NULL) {
		check_json_line(out.data, (size_t)(nl - out.data), "warn",
		    "quote \" and \\ and\ttab");
		check_json_line(nl + 1, strlen(nl + 1), "error", "second");
		CHECK(out.data[out.len - 1] == '\n');
		CHECK(strchr(nl + 1, '\n') == out.data + out.len - 1);
	}
	zp_buf_release(&out);
	log_reset();
}

TEST(log_json_invalid_utf8_stays_json)
{
	struct zp_capture c;
	struct zp_buf out = ZP_BUF_INIT;
	struct zp_json_error err;

	unsetenv("ZP_LOG_FORMAT");
	unsetenv("ZP_LOG_LEVEL");
	zp_log_init("zp-test", ZP_LOG_INFO, ZP_LOG_JSON);
	CHECK_INT(zp_capture_begin(&c), 0);
	zp_error("bad \xff\xfe bytes");
	zp_capture_end(&c, &out);
	CHECK(out.len > 1);
	if (out.len > 1)
		CHECK_INT(zp_json_validate(out.data, out.len - 1, &err), 0);
	zp_buf_release(&out);
	log_reset();
}

TEST(log_threshold)
{
	struct zp_capture c;
	struct zp_buf out = ZP_BUF_INIT;

	unsetenv("ZP_LOG_FORMAT");
	unsetenv("ZP_LOG_LEVEL");
	zp_log_init("t", ZP_LOG_WARN, ZP_LOG_TEXT);
	CHECK_INT(zp_capture_begin(&c), 0);
	zp_debug("d1");
	zp_info("i1");
	zp_warn("w1");
	zp_error("e1");
	zp_log_set_level(ZP_LOG_DEBUG);
	zp_debug("d2");
	zp_log_set_level(ZP_LOG_ERROR);
	zp_warn("w3");
	zp_error("e3");
	zp_capture_end(&c, &out);
	CHECK_STR(out.data,
	    "t: warn: w1\nt: error: e1\nt: debug: d2\n"
	    "t: error: e3\n");
	zp_buf_release(&out);
	log_reset();
}

TEST(log_opt_quiet_verbose)
{
	struct zp_capture c;
	struct zp_buf out = ZP_BUF_INIT;

	unsetenv("ZP_LOG_FORMAT");
	unsetenv("ZP_LOG_LEVEL");
	zp_log_init("t", ZP_LOG_INFO, ZP_LOG_TEXT);
	CHECK_INT(zp_capture_begin(&c), 0);
	CHECK_INT(zp_log_opt("quiet", NULL), 1);
	zp_info("hidden");
	zp_warn("shown1");
	CHECK_INT(zp_log_opt("quiet", NULL), 1);
	CHECK_INT(zp_log_opt("quiet", NULL), 1);
	zp_warn("hidden");
	zp_error("shown2");
	CHECK_INT(zp_log_opt("verbose", NULL), 1);
	CHECK_INT(zp_log_opt("verbose", NULL), 1);
	CHECK_INT(zp_log_opt("verbose", NULL), 1);
	CHECK_INT(zp_log_opt("verbose", NULL), 1);
	zp_debug("shown3");
	CHECK_INT(zp_log_opt("log-format", "json"), 1);
	CHECK_INT(zp_log_opt("log-format", "yaml"), ZP_EINVAL);
	CHECK_INT(zp_log_opt("log-format", "text"), 1);
	CHECK_INT(zp_log_opt("color", "yes"), 0);
	zp_debug("shown4");
	zp_capture_end(&c, &out);
	CHECK_STR(out.data,
	    "t: warn: shown1\nt: error: shown2\n"
	    "t: debug: shown3\nt: debug: shown4\n");
	zp_buf_release(&out);
	log_reset();
}

TEST(log_parse_format)
{
	enum zp_log_format f = ZP_LOG_TEXT;

	CHECK_INT(zp_log_parse_format("json", &f), 0);
	CHECK_INT(f, ZP_LOG_JSON);
	CHECK_INT(zp_log_parse_format("text", &f), 0);
	CHECK_INT(f, ZP_LOG_TEXT);
	f = ZP_LOG_JSON;
	CHECK_INT(zp_log_parse_format("JSON", &f), ZP_EINVAL);
	CHECK_INT(zp_log_parse_format("", &f), ZP_EINVAL);
	CHECK_INT(zp_log_parse_format("jsonl", &f), ZP_EINVAL);
	CHECK_INT(f, ZP_LOG_JSON);
}

TEST(log_env_overrides_init)
{
	struct zp_capture c;
	struct zp_buf out = ZP_BUF_INIT;
	const char *nl;

	setenv("ZP_LOG_FORMAT", "json", 1);
	setenv("ZP_LOG_LEVEL", "error", 1);
	zp_log_init("zp-test", ZP_LOG_DEBUG, ZP_LOG_TEXT);
	CHECK_INT(zp_capture_begin(&c), 0);
	zp_warn("hidden");
	zp_error("only");
	zp_capture_end(&c, &out);
	nl = strchr(out.data, '\n');
	CHECK(nl != NULL && nl[1] == '\0');
	if (nl != NULL)
		check_json_line(
		    out.data, (size_t)(nl - out.data), "error", "only");
	zp_buf_release(&out);
	log_reset();
}

TEST(log_env_bad_values_warn)
{
	struct zp_capture c;
	struct zp_buf out = ZP_BUF_INIT;

	setenv("ZP_LOG_FORMAT", "xml", 1);
	setenv("ZP_LOG_LEVEL", "loud", 1);
	CHECK_INT(zp_capture_begin(&c), 0);
	zp_log_init("t", ZP_LOG_INFO, ZP_LOG_TEXT);
	zp_info("still text");
	zp_capture_end(&c, &out);
	CHECK_STR(out.data,
	    "t: warn: ZP_LOG_FORMAT: 'xml' is neither text "
	    "nor json\n"
	    "t: warn: ZP_LOG_LEVEL: 'loud' is not error, "
	    "warn, info or debug\n"
	    "t: info: still text\n");
	zp_buf_release(&out);
	log_reset();
}

TEST(log_long_message_truncated)
{
	struct zp_capture c;
	struct zp_buf out = ZP_BUF_INIT;
	char *big = malloc(10000);

	CHECK(big != NULL);
	if (big == NULL)
		return;
	memset(big, 'm', 9999);
	big[9999] = '\0';
	unsetenv("ZP_LOG_FORMAT");
	unsetenv("ZP_LOG_LEVEL");
	zp_log_init("t", ZP_LOG_INFO, ZP_LOG_TEXT);
	CHECK_INT(zp_capture_begin(&c), 0);
	zp_error("%s", big);
	zp_capture_end(&c, &out);
	CHECK(out.len > 4000 && out.len < 4200);
	CHECK(strncmp(out.data, "t: error: mmm", 13) == 0);
	CHECK(out.data[out.len - 1] == '\n');
	free(big);
	zp_buf_release(&out);
	log_reset();
}

/* --- signals (in child processes: the counter is process-wide) ------- */

/* run_child runs fn in a forked child and returns its exit status. */
static int
run_child(int (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn());
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (!WIFEXITED(status))
		return 1000 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return WEXITSTATUS(status);
}

/* child_sigterm: a SIGTERM after install is counted, not fatal. */
static int
child_sigterm(void)
{
	if (zp_interrupted() != 0)
		return 2;
	if (zp_signals_install() != 0)
		return 3;
	if (raise(SIGTERM) != 0)
		return 4;
	if (zp_interrupted() != 1)
		return 5;
	if (raise(SIGINT) != 0)
		return 6;
	return zp_interrupted() == 2 ? 0 : 7;
}

/* child_sigpipe: SIGPIPE is ignored, so a write to a dead pipe fails. */
static int
child_sigpipe(void)
{
	int p[2];
	ssize_t n;

	if (zp_signals_install() != 0 || pipe(p) != 0)
		return 2;
	close(p[0]);
	if (raise(SIGPIPE) != 0)
		return 3;
	n = write(p[1], "x", 1);
	close(p[1]);
	return n < 0 && zp_interrupted() == 0 ? 0 : 4;
}

/* child_saturates: many signals never wrap the counter around. */
static int
child_saturates(void)
{
	int i;

	if (zp_signals_install() != 0)
		return 2;
	for (i = 0; i < 300; i++)
		raise(SIGINT);
	return zp_interrupted() > 1 && zp_interrupted() <= 300 ? 0 : 3;
}

TEST(signals_sigterm_counted)
{
	CHECK_INT(run_child(child_sigterm), 0);
	CHECK_INT(zp_interrupted(), 0);
}

TEST(signals_sigpipe_ignored)
{
	CHECK_INT(run_child(child_sigpipe), 0);
}

TEST(signals_counter_saturates)
{
	CHECK_INT(run_child(child_saturates), 0);
}

/* --- file.h ---------------------------------------------------------- */

TEST(file_write_atomic_and_read)
{
	char dir[] = "/tmp/zp-file-test.XXXXXX", path[64], sub[80];
	struct zp_buf b = ZP_BUF_INIT;
	struct stat st;
	int err = -1;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/f", dir);
	CHECK_INT(zp_file_read(path, &b, 100, &err), ZP_ENOTFOUND);
	CHECK_INT(err, ENOENT);
	CHECK_INT(zp_file_write_atomic(path, "one\n", 4, 0600, &err), 0);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	CHECK_INT(zp_file_write_atomic(path, "two", 3, 0644, NULL), 0);
	CHECK_INT(zp_file_read(path, &b, 100, NULL), 0);
	CHECK_STR(b.data, "two");
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0644);
	/* Too big: out is left as it was. */
	zp_buf_reset(&b);
	zp_buf_puts(&b, "kept");
	CHECK_INT(zp_file_read(path, &b, 2, &err), ZP_ETOOBIG);
	CHECK_STR(b.data, "kept");
	CHECK_INT(zp_file_read(dir, &b, 100, &err), ZP_EIO);
	CHECK_INT(err, EISDIR);
	/* A directory that does not exist: nothing is written. */
	snprintf(sub, sizeof(sub), "%s/no/such", dir);
	CHECK_INT(zp_file_write_atomic(sub, "x", 1, 0600, &err), ZP_EIO);
	CHECK_INT(err, ENOENT);
	unlink(path);
	CHECK_INT(rmdir(dir), 0);
	zp_buf_release(&b);
}

TEST(file_write_atomic_leaves_devices_alone)
{
	char dir[] = "/tmp/zp-file-test.XXXXXX", fifo[64];
	struct stat st;
	int err = 0;

	/* A rename over a FIFO (or /dev/null) would replace it. */
	CHECK(mkdtemp(dir) != NULL);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	CHECK_INT(mkfifo(fifo, 0600), 0);
	CHECK_INT(zp_file_write_atomic(fifo, "x", 1, 0600, &err), ZP_EIO);
	CHECK_INT(err, EEXIST);
	CHECK_INT(stat(fifo, &st), 0);
	CHECK(S_ISFIFO(st.st_mode));
	unlink(fifo);
	CHECK_INT(rmdir(dir), 0);
}

TEST(file_batch_commit_and_abort)
{
	char dir[] = "/tmp/zp-file-test.XXXXXX", a[64], b[64], c[64];
	struct zp_file_batch batch = ZP_FILE_BATCH_INIT;
	struct zp_buf got = ZP_BUF_INIT;
	const char *failed = NULL;
	struct stat st;
	int err = 0;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	snprintf(c, sizeof(c), "%s/c", dir);
	CHECK_INT(zp_file_write_atomic(a, "old a", 5, 0600, NULL), 0);
	CHECK_INT(zp_file_write_atomic(c, "old c", 5, 0600, NULL), 0);
	CHECK_INT(zp_file_batch_write(&batch, a, "new a", 5, 0644, &err), 0);
	CHECK_INT(zp_file_batch_write(&batch, b, "new b", 5, 0600, &err), 0);
	CHECK_INT(zp_file_batch_add(&batch, NULL, c), 0); /* remove c */
	/* Nothing is visible before the commit. */
	CHECK_INT(zp_file_read(a, &got, 100, NULL), 0);
	CHECK_STR(got.data, "old a");
	CHECK_INT(stat(b, &st), -1);
	CHECK_INT(zp_file_batch_commit(&batch, &err, &failed), 0);
	zp_buf_reset(&got);
	CHECK_INT(zp_file_read(a, &got, 100, NULL), 0);
	CHECK_STR(got.data, "new a");
	CHECK_INT(stat(a, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0644);
	zp_buf_reset(&got);
	CHECK_INT(zp_file_read(b, &got, 100, NULL), 0);
	CHECK_STR(got.data, "new b");
	CHECK_INT(stat(c, &st), -1);
	/* An abort removes the temporary files and changes nothing. */
	CHECK_INT(zp_file_batch_write(&batch, a, "newer", 5, 0644, &err), 0);
	zp_file_batch_abort(&batch);
	zp_buf_reset(&got);
	CHECK_INT(zp_file_read(a, &got, 100, NULL), 0);
	CHECK_STR(got.data, "new a");
	zp_file_batch_release(&batch);
	unlink(a);
	unlink(b);
	CHECK_INT(rmdir(dir), 0); /* no temporary file is left */
	zp_buf_release(&got);
}

TEST(file_batch_link)
{
	char dir[] = "/tmp/zp-file-test.XXXXXX", src[64], a[64], other[64];
	struct zp_file_batch batch = ZP_FILE_BATCH_INIT;
	struct zp_buf got = ZP_BUF_INIT;
	struct stat st, st_src;
	int err = 0;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(src, sizeof(src), "%s/src", dir);
	snprintf(a, sizeof(a), "%s/a", dir);
	CHECK_INT(zp_file_write_atomic(src, "lines\n", 6, 0644, NULL), 0);
	CHECK_INT(zp_file_write_atomic(a, "old a", 5, 0600, NULL), 0);
	CHECK_INT(zp_file_batch_link(&batch, src, a, &err), 0);
	/* Nothing is visible before the commit; then a is src's file. */
	CHECK_INT(zp_file_read(a, &got, 100, NULL), 0);
	CHECK_STR(got.data, "old a");
	CHECK_INT(zp_file_batch_commit(&batch, &err, NULL), 0);
	zp_buf_reset(&got);
	CHECK_INT(zp_file_read(a, &got, 100, NULL), 0);
	CHECK_STR(got.data, "lines\n");
	CHECK_INT(stat(a, &st), 0);
	CHECK_INT(stat(src, &st_src), 0);
	CHECK(st.st_ino == st_src.st_ino);
	CHECK_INT((int)st.st_nlink, 2);
	/* An abort removes the new name only. */
	CHECK_INT(zp_file_batch_link(&batch, src, a, &err), 0);
	CHECK_INT(stat(src, &st_src), 0);
	CHECK_INT((int)st_src.st_nlink, 3);
	zp_file_batch_abort(&batch);
	CHECK_INT(stat(src, &st_src), 0);
	CHECK_INT((int)st_src.st_nlink, 2);
	/* Another file system (/dev/shm is a tmpfs): EXDEV, nothing
	 * added, so that the caller writes the bytes instead. */
	CHECK_INT(stat("/dev/shm", &st), 0);
	CHECK(st.st_dev != st_src.st_dev);
	snprintf(
	    other, sizeof(other), "/dev/shm/zp-file-test-%ld", (long)getpid());
	CHECK_INT(zp_file_batch_link(&batch, src, other, &err), ZP_EIO);
	CHECK_INT(err, EXDEV);
	CHECK_INT(zp_file_batch_commit(&batch, &err, NULL), 0);
	CHECK_INT(stat(other, &st), -1);
	/* A device is never replaced, not even by a link. */
	CHECK_INT(zp_file_batch_link(&batch, src, "/dev/null", &err), ZP_EIO);
	CHECK_INT(err, EEXIST);
	zp_file_batch_release(&batch);
	unlink(src);
	unlink(a);
	CHECK_INT(rmdir(dir), 0); /* no temporary file is left */
	zp_buf_release(&got);
}

TEST(file_temp_in_pieces)
{
	char dir[] = "/tmp/zp-file-test.XXXXXX", a[64];
	struct zp_file_temp t;
	struct zp_buf got = ZP_BUF_INIT;
	struct stat st;
	int err = 0, i;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(a, sizeof(a), "%s/a", dir);
	CHECK_INT(zp_file_write_atomic(a, "old", 3, 0600, NULL), 0);
	/* Pieces go to a file beside a; a is untouched until the commit. */
	CHECK_INT(zp_file_temp_open(a, 0640, &t, &err), 0);
	for (i = 0; i < 3; i++)
		CHECK_INT(zp_file_temp_write(&t, "line\n", 5, &err), 0);
	CHECK_INT(zp_file_temp_close(&t, &err), 0);
	CHECK(t.name != NULL &&
	    zp_file_temp_base(strrchr(t.name, '/') + 1) == 1);
	CHECK_INT(zp_file_read(a, &got, 100, NULL), 0);
	CHECK_STR(got.data, "old");
	CHECK_INT(zp_file_temp_commit(t.name, a, &err), 0);
	CHECK_INT(stat(t.name, &st), -1);
	free(t.name);
	zp_buf_reset(&got);
	CHECK_INT(zp_file_read(a, &got, 100, NULL), 0);
	CHECK_STR(got.data, "line\nline\nline\n");
	CHECK_INT(stat(a, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0640);
	/* Discarded: removed, a as it was. */
	CHECK_INT(zp_file_temp_open(a, 0600, &t, &err), 0);
	CHECK_INT(zp_file_temp_write(&t, "x", 1, &err), 0);
	zp_file_temp_discard(&t);
	CHECK(t.name == NULL && t.fd == -1);
	/* A commit that cannot rename removes the temporary file. */
	CHECK_INT(zp_file_temp_open(a, 0600, &t, &err), 0);
	CHECK_INT(zp_file_temp_close(&t, &err), 0);
	CHECK_INT(
	    zp_file_temp_commit(t.name, "/nonexistent-dir/a", &err), ZP_EIO);
	CHECK_INT(err, ENOENT);
	CHECK_INT(stat(t.name, &st), -1);
	free(t.name);
	/* A device is never replaced; a folder that is not there fails. */
	CHECK_INT(zp_file_temp_open("/dev/null", 0600, &t, &err), ZP_EIO);
	CHECK_INT(err, EEXIST);
	CHECK(t.name == NULL);
	CHECK_INT(
	    zp_file_temp_open("/nonexistent-dir/a", 0600, &t, &err), ZP_EIO);
	CHECK_INT(err, ENOENT);
	zp_buf_reset(&got);
	CHECK_INT(zp_file_read(a, &got, 100, NULL), 0);
	CHECK_STR(got.data, "line\nline\nline\n");
	unlink(a);
	CHECK_INT(rmdir(dir), 0); /* no temporary file is left */
	zp_buf_release(&got);
}

TEST(file_temp_base)
{
	CHECK_INT((int)zp_file_temp_base("meetings.ndjson.aZ09xy"), 15);
	CHECK_INT((int)zp_file_temp_base(".2026-11-09.jsonl.Q1w2E3"), 17);
	/* the shape alone: callers check that the base is a file of theirs */
	CHECK_INT((int)zp_file_temp_base("meetings.ndjson"), 8);
	CHECK_INT((int)zp_file_temp_base("a.ndjson.ab-12C"), 0);
	CHECK_INT((int)zp_file_temp_base("x.abcdefg"), 0);
	CHECK_INT((int)zp_file_temp_base(".abcdef"), 0);
	CHECK_INT((int)zp_file_temp_base("F.abcdef"), 1);
}
