/*
 * harness.h - the unit-test harness: TEST() registers a function, CHECK()
 * records a failed condition and lets the test go on, so one run reports
 * every broken check.  The runner prints one line per test and ends with
 * "unit: N passed, N failed".
 */
#ifndef ZP_HARNESS_H
#define ZP_HARNESS_H

#include <string.h>

void zp_test_register(const char *name, void (*fn)(void));
void zp_test_fail(const char *file, int line, const char *what);
void zp_test_failf(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Where stderr (or stdout) went while a test captured it. */
struct zp_capture {
	char path[64];
	int fd;
	int saved;
	int target; /* the fd captured: 2, or 1 */
};

/* zp_capture_begin points fd 2 at a fresh temporary file; 0 or -1. */
int zp_capture_begin(struct zp_capture *c);

/* zp_capture_fd_begin does so for fd target (1 or 2). */
int zp_capture_fd_begin(struct zp_capture *c, int target);

/*
 * zp_capture_end restores the fd and appends what was written to out (a
 * struct zp_buf *, left as an empty string when nothing was written).
 */
struct zp_buf;
void zp_capture_end(struct zp_capture *c, struct zp_buf *out);

#define TEST(name)                                                            \
	static void name(void);                                               \
	__attribute__((constructor)) static void reg_##name(void)             \
	{                                                                     \
		zp_test_register(#name, name);                                \
	}                                                                     \
	static void name(void)

#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!(cond))                                                  \
			zp_test_fail(__FILE__, __LINE__, #cond);              \
	} while (0)

#define CHECK_INT(a, b)                                                       \
	do {                                                                  \
		long long a_ = (long long)(a), b_ = (long long)(b);           \
		if (a_ != b_)                                                 \
			zp_test_failf(__FILE__, __LINE__,                     \
			    "%s == %s: %lld != %lld", #a, #b, a_, b_);        \
	} while (0)

#define CHECK_STR(a, b)                                                       \
	do {                                                                  \
		const char *a_ = (a), *b_ = (b);                              \
		if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)          \
			zp_test_failf(__FILE__, __LINE__,                     \
			    "%s == %s: \"%s\" != \"%s\"", #a, #b,             \
			    a_ ? a_ : "(null)", b_ ? b_ : "(null)");          \
	} while (0)

#define CHECK_MEM(a, an, b, bn)                                               \
	do {                                                                  \
		size_t an_ = (an), bn_ = (bn);                                \
		if (an_ != bn_ || memcmp((a), (b), an_) != 0)                 \
			zp_test_failf(__FILE__, __LINE__,                     \
			    "%s == %s: \"%.*s\" != \"%.*s\"", #a, #b,         \
			    (int)an_, (const char *)(a), (int)bn_,            \
			    (const char *)(b));                               \
	} while (0)

#endif
