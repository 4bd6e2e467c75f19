/* opt.c - values of command-line flags (opt.h). */
#include "opt.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"

/* zp_opt_bad reports a misused option and returns ZP_EINVAL. */
int
zp_opt_bad(const char *name, const char *value, const char *why)
{
	zp_error("--%s: '%.64s' %s", name, value, why);
	return ZP_EINVAL;
}

/* zp_opt_long reads s as a whole decimal integer in min..max. */
int
zp_opt_long(const char *name, const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!(isdigit((unsigned char)s[0]) || s[0] == '-') || *end != '\0' ||
	    errno != 0)
		return zp_opt_bad(name, s, "is not a number");
	if (v < min || v > max) {
		zp_error(
		    "--%s: %ld is out of range %ld..%ld", name, v, min, max);
		return ZP_EINVAL;
	}
	*out = v;
	return 0;
}

/* zp_opt_int is zp_opt_long into an int. */
int
zp_opt_int(const char *name, const char *s, long min, long max, int *out)
{
	long v;
	int rc = zp_opt_long(name, s, min, max, &v);

	if (rc == 0)
		*out = (int)v;
	return rc;
}

/* zp_opt_double reads s as a finite number in min..max. */
int
zp_opt_double(
    const char *name, const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v))
		return zp_opt_bad(name, s, "is not a number");
	if (v < min || v > max)
		return zp_opt_bad(name, s, "is out of range");
	*out = v;
	return 0;
}

/* zp_opt_time reads "YYYY-MM-DDTHH:MM:SSZ" (or a date, as midnight UTC). */
int
zp_opt_time(const char *name, const char *s, time_t *out)
{
	struct tm tm, back;
	int n = 0;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon,
		&tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    s[n] != '\0') {
		n = 0;
		memset(&tm, 0, sizeof(tm));
		if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon,
			&tm.tm_mday, &n) != 3 ||
		    s[n] != '\0')
			return zp_opt_bad(
			    name, s, "is not YYYY-MM-DDTHH:MM:SSZ");
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	back = tm;
	t = timegm(&tm);
	if (t == (time_t)-1 || tm.tm_mday != back.tm_mday ||
	    tm.tm_hour != back.tm_hour || tm.tm_min != back.tm_min ||
	    tm.tm_sec != back.tm_sec || tm.tm_mon != back.tm_mon)
		return zp_opt_bad(name, s, "is not a valid time");
	*out = t;
	return 0;
}
