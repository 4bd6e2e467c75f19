/* config.c - flags over ZP_* environment over defaults; secrets apart. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "crypto.h"
#include "error.h"

/* env_value returns the value of env if it is set and not empty. */
static const char *
env_value(const char *env)
{
	const char *v;

	if (env == NULL)
		return NULL;
	v = getenv(env);
	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* zp_config_str returns flag, else a non-empty env value, else def. */
const char *
zp_config_str(const char *flag, const char *env, const char *def)
{
	const char *v;

	if (flag != NULL)
		return flag;
	v = env_value(env);
	return v != NULL ? v : def;
}

/* pick returns the flag or env value and notes which, or NULL. */
static const char *
pick(const char *flag, const char *env, int *from_flag)
{
	*from_flag = flag != NULL;
	return flag != NULL ? flag : env_value(env);
}

/*
 * say_source appends where a value came from: the variable env, or for a
 * flag the option spelled from env's name (ZP_PAGE_SIZE: --page-size).
 */
static void
say_source(struct zp_buf *why, int from_flag, const char *env)
{
	const char *p;
	char c;

	if (env == NULL) {
		zp_buf_puts(why, "option");
		return;
	}
	if (!from_flag) {
		zp_buf_puts(why, env);
		return;
	}
	if (strncmp(env, "ZP_", 3) == 0)
		env += 3;
	zp_buf_puts(why, "--");
	for (p = env; *p != '\0'; p++) {
		c = (char)tolower((unsigned char)*p);
		zp_buf_putc(why, c == '_' ? '-' : c);
	}
}

/* complain appends "source: message" to why, if any; returns ZP_ECONFIG. */
static int __attribute__((format(printf, 4, 5))) complain(
    struct zp_buf *why, int from_flag, const char *env, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (why == NULL)
		return ZP_ECONFIG;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	say_source(why, from_flag, env);
	zp_buf_printf(why, ": %s", msg);
	return ZP_ECONFIG;
}

/*
 * parse_long reads all of s as a decimal integer into v: 0, or -1 if s is
 * not one, or -2 if it does not fit in a long.  Unlike plain strtol it
 * refuses leading blanks, trailing text and the empty string.
 */
static int
parse_long(const char *s, long *v)
{
	const char *digits = s + (s[0] == '-' || s[0] == '+');
	char *end;
	int err;

	if (!isdigit((unsigned char)digits[0]))
		return -1;
	errno = 0;
	*v = strtol(s, &end, 10);
	err = errno;
	if (*end != '\0')
		return -1;
	return err == ERANGE ? -2 : 0;
}

/* zp_config_long stores the flag, env or def integer, checked, in out. */
int
zp_config_long(const char *flag, const char *env, long def, long min, long max,
    long *out, struct zp_buf *why)
{
	const char *s;
	long v;
	int from_flag, rc;

	s = pick(flag, env, &from_flag);
	if (s == NULL) {
		*out = def;
		return 0;
	}
	rc = parse_long(s, &v);
	if (rc == -1)
		return complain(
		    why, from_flag, env, "'%.64s' is not a number", s);
	if (rc == -2 || v < min || v > max)
		return complain(why, from_flag, env,
		    "%.64s is out of range %ld..%ld", s, min, max);
	*out = v;
	return 0;
}

/* parse_bool returns 1 or 0 for the words zoompipe accepts, else -1. */
static int
parse_bool(const char *s)
{
	if (strcmp(s, "1") == 0 || strcasecmp(s, "true") == 0 ||
	    strcasecmp(s, "yes") == 0)
		return 1;
	if (strcmp(s, "0") == 0 || strcasecmp(s, "false") == 0 ||
	    strcasecmp(s, "no") == 0)
		return 0;
	return -1;
}

/* zp_config_bool stores the flag, env or def truth value in out. */
int
zp_config_bool(
    const char *flag, const char *env, int def, int *out, struct zp_buf *why)
{
	const char *s;
	int from_flag, v;

	s = pick(flag, env, &from_flag);
	if (s == NULL) {
		*out = def != 0;
		return 0;
	}
	v = parse_bool(s);
	if (v < 0)
		return complain(why, from_flag, env,
		    "'%.64s' is not a boolean (1/0/true/false/yes/no)", s);
	*out = v;
	return 0;
}

/* --- secrets --------------------------------------------------------- */

/*
 * read_secret appends the contents of path to out and returns 0, or
 * returns an errno value (EFBIG past ZP_SECRET_MAX bytes) with out as it
 * was.  The room is reserved once, so that no realloc leaves a stray copy
 * of the secret on the heap.
 */
static int
read_secret(const char *path, struct zp_buf *out)
{
	size_t start = out->len, got = 0;
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (zp_buf_reserve(out, ZP_SECRET_MAX + 1) != 0) {
		err = ENOMEM;
		goto out;
	}
	while (got <= ZP_SECRET_MAX) {
		n = read(fd, out->data + start + got, ZP_SECRET_MAX + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : 0;
			break;
		}
		got += (size_t)n;
	}
	if (err == 0 && got > ZP_SECRET_MAX)
		err = EFBIG;
out:
	close(fd);
	if (err != 0)
		zp_crypto_wipe(out->data + start, got);
	else
		out->len += got;
	if (out->data != NULL)
		out->data[out->len] = '\0';
	return err;
}

/* strip_newline removes one "\n" or "\r\n" from b past offset start. */
static void
strip_newline(struct zp_buf *b, size_t start)
{
	size_t n = b->len - start;
	const char *end = b->data + b->len;

	if (n >= 2 && end[-2] == '\r' && end[-1] == '\n')
		b->len -= 2;
	else if (n >= 1 && end[-1] == '\n')
		b->len -= 1;
	b->data[b->len] = '\0';
}

/*
 * secret_missing appends to why what was tried: the variables, and the
 * file with the reason it gave nothing.  The secret itself never appears.
 */
static int
secret_missing(struct zp_buf *why, const char *const *envs, const char *file,
    const char *reason)
{
	size_t i;

	if (why == NULL)
		return ZP_ESECRET;
	zp_buf_puts(why, "no secret:");
	for (i = 0; envs != NULL && envs[i] != NULL; i++)
		zp_buf_printf(why, "%s %s", i > 0 ? "," : "", envs[i]);
	if (i > 0)
		zp_buf_printf(why, " %s unset or empty", i > 1 ? "are" : "is");
	else if (file == NULL)
		zp_buf_puts(why, " no variable or file to read it from");
	if (file != NULL)
		zp_buf_printf(
		    why, "%s %s: %s", i > 0 ? ";" : "", file, reason);
	return ZP_ESECRET;
}

/* zp_config_secret appends the first secret of envs, then of file. */
int
zp_config_secret(const char *const *envs, const char *file, struct zp_buf *out,
    struct zp_buf *why)
{
	char reason[128];
	size_t i, start = out->len;
	const char *v;
	int err;

	for (i = 0; envs != NULL && envs[i] != NULL; i++) {
		v = env_value(envs[i]);
		if (v != NULL)
			return zp_buf_puts(out, v);
	}
	if (file == NULL)
		return secret_missing(why, envs, NULL, NULL);
	err = read_secret(file, out);
	if (err == ENOMEM)
		return ZP_ENOMEM;
	if (err == EFBIG)
		snprintf(reason, sizeof(reason), "larger than %d bytes",
		    ZP_SECRET_MAX);
	else if (err != 0)
		snprintf(reason, sizeof(reason), "%s", strerror(err));
	if (err != 0)
		return secret_missing(why, envs, file, reason);
	strip_newline(out, start);
	if (out->len == start)
		return secret_missing(why, envs, file, "the file is empty");
	return 0;
}
