/*
 * opt.h - values of command-line flags, with err(3)-style messages.
 *
 * Each parser reports a bad value on stderr as "--NAME: 'VALUE' why" (the
 * value cut at 64 bytes: flags never carry secrets) and returns ZP_EINVAL,
 * so a tool's option loop can stop with exit 64.
 */
#ifndef ZP_OPT_H
#define ZP_OPT_H

#include <time.h>

/* zp_opt_bad reports a misused flag name with value and returns
 * ZP_EINVAL. */
int zp_opt_bad(const char *name, const char *value, const char *why);

/* zp_opt_long reads s as a whole decimal integer in min..max. */
int zp_opt_long(
    const char *name, const char *s, long min, long max, long *out);

/* zp_opt_int is zp_opt_long into an int. */
int zp_opt_int(const char *name, const char *s, long min, long max, int *out);

/* zp_opt_double reads s as a finite number in min..max. */
int zp_opt_double(
    const char *name, const char *s, double min, double max, double *out);

/* zp_opt_time reads "YYYY-MM-DDTHH:MM:SSZ", or a date as midnight UTC. */
int zp_opt_time(const char *name, const char *s, time_t *out);

#endif
