/*
 * config.h - where each setting comes from: a command-line flag beats a
 * ZP_* environment variable, which beats the built-in default.  Secrets
 * come only from the environment or a file, never from a flag.
 *
 * An environment variable that is set but empty counts as unset.  Errors
 * are ZP_ECONFIG (ZP_ESECRET for secrets) with one line of English,
 * without a trailing newline, appended to why (which may be NULL).  The
 * line names where the bad value came from: the variable, or the flag
 * spelled from the variable's name (ZP_PAGE_SIZE gives --page-size).  It
 * never contains a secret.
 */
#ifndef ZP_CONFIG_H
#define ZP_CONFIG_H

#include "buf.h"

/* The largest secret file zp_config_secret reads. */
#define ZP_SECRET_MAX 65536

/*
 * zp_config_str returns flag if it is not NULL, else the value of the
 * environment variable env if set and not empty, else def.  The result is
 * borrowed from one of those; env may be NULL.
 */
const char *zp_config_str(const char *flag, const char *env, const char *def);

/*
 * zp_config_long stores in out the decimal integer that flag, env or def
 * (in that order, as zp_config_str) supplies.  A value that is not wholly
 * a number or lies outside min..max gives ZP_ECONFIG and leaves out alone,
 * for example "ZP_HWM: 'abc' is not a number" or "--hwm: 0 is out of
 * range 1..1000000".  The default is trusted.
 */
int zp_config_long(const char *flag, const char *env, long def, long min,
    long max, long *out, struct zp_buf *why);

/*
 * zp_config_bool stores in out 1 or 0 for the flag, env or def value, which
 * must be 1, 0, true, false, yes or no (in any case); anything else gives
 * ZP_ECONFIG.
 */
int zp_config_bool(
    const char *flag, const char *env, int def, int *out, struct zp_buf *why);

/*
 * zp_config_secret appends to out the first secret found: the value of
 * the first set, non-empty variable of the NULL-terminated list envs, else
 * the whole contents of file (if file is not NULL) with one trailing "\n"
 * or "\r\n" removed.  Nothing found, an unreadable or oversized file, or
 * an empty secret give ZP_ESECRET and a line that says which variables
 * and file were tried.  Release out with zp_crypto_wipe before freeing it.
 */
int zp_config_secret(const char *const *envs, const char *file,
    struct zp_buf *out, struct zp_buf *why);

#endif
