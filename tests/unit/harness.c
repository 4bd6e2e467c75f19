/*
 * harness.c - runs every registered unit test, or those whose name
 * contains one of the arguments, and prints the tally.
 */
#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"

#define MAX_TESTS 1024

/* One registered test. */
struct test {
	const char *name;
	void (*fn)(void);
};

static struct test tests[MAX_TESTS];
static int ntests;
static int failed_checks;

void
zp_test_register(const char *name, void (*fn)(void))
{
	if (ntests == MAX_TESTS) {
		fprintf(stderr, "harness: too many tests\n");
		abort();
	}
	tests[ntests].name = name;
	tests[ntests].fn = fn;
	ntests++;
}

void
zp_test_fail(const char *file, int line, const char *what)
{
	printf("    %s:%d: check failed: %s\n", file, line, what);
	failed_checks++;
}

void
zp_test_failf(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("    %s:%d: check failed: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failed_checks++;
}

/* zp_capture_fd_begin points fd target at a fresh temporary file. */
int
zp_capture_fd_begin(struct zp_capture *c, int target)
{
	strcpy(c->path, "/tmp/zp-test-XXXXXX");
	fflush(target == STDOUT_FILENO ? stdout : stderr);
	c->target = target;
	c->fd = mkstemp(c->path);
	if (c->fd < 0)
		return -1;
	c->saved = dup(target);
	if (c->saved < 0 || dup2(c->fd, target) < 0) {
		close(c->fd);
		unlink(c->path);
		return -1;
	}
	return 0;
}

/* zp_capture_end restores fd 2 and appends what was written to out. */
void
zp_capture_end(struct zp_capture *c, struct zp_buf *out)
{
	char tmp[4096];
	ssize_t n;

	fflush(c->target == STDOUT_FILENO ? stdout : stderr);
	dup2(c->saved, c->target);
	close(c->saved);
	lseek(c->fd, 0, SEEK_SET);
	while ((n = read(c->fd, tmp, sizeof(tmp))) > 0)
		zp_buf_append(out, tmp, (size_t)n);
	if (out->data == NULL)
		zp_buf_puts(out, "");
	close(c->fd);
	unlink(c->path);
}

/* zp_capture_begin captures fd 2. */
int
zp_capture_begin(struct zp_capture *c)
{
	return zp_capture_fd_begin(c, STDERR_FILENO);
}

/* selected tells whether a test named name should run. */
static int
selected(const char *name, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return 1;
	for (i = 1; i < argc; i++)
		if (strstr(name, argv[i]) != NULL)
			return 1;
	return 0;
}

/* compare sorts tests by name, so runs are in a stable order. */
static int
compare(const void *a, const void *b)
{
	return strcmp(
	    ((const struct test *)a)->name, ((const struct test *)b)->name);
}

int
main(int argc, char **argv)
{
	int i, passed = 0, failed = 0;

	qsort(tests, (size_t)ntests, sizeof(tests[0]), compare);
	for (i = 0; i < ntests; i++) {
		if (!selected(tests[i].name, argc, argv))
			continue;
		failed_checks = 0;
		fflush(stdout);
		tests[i].fn();
		if (failed_checks == 0) {
			printf("ok   %s\n", tests[i].name);
			passed++;
		} else {
			printf("FAIL %s\n", tests[i].name);
			failed++;
		}
		fflush(stdout);
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
