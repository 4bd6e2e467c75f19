/*
 * log.h - diagnostics on stderr, as text lines or one JSON object per line.
 *
 * Text:  zp-fetch: warn: retry status=429 attempt=2 wait=1.4s
 * JSON:  {"ts":"2026-11-22T03:00:00Z","prog":"zp-fetch","level":"warn",
 *         "msg":"retry status=429 attempt=2 wait=1.4s"}
 *
 * Never pass a secret, a token or a raw identity to these functions.
 */
#ifndef ZP_LOG_H
#define ZP_LOG_H

enum zp_log_level { ZP_LOG_ERROR, ZP_LOG_WARN, ZP_LOG_INFO, ZP_LOG_DEBUG };

enum zp_log_format { ZP_LOG_TEXT, ZP_LOG_JSON };

/*
 * zp_log_init sets the program name (borrowed), threshold and format, then
 * applies ZP_LOG_FORMAT (text, json) and ZP_LOG_LEVEL (error, warn, info,
 * debug) from the environment; flags applied later override them.
 */
void zp_log_init(
    const char *prog, enum zp_log_level level, enum zp_log_format format);

/* zp_log_set_level changes the threshold: -q lowers it, -v raises it. */
void zp_log_set_level(enum zp_log_level level);

/* zp_log_parse_format reads "text" or "json"; 0 or ZP_EINVAL. */
int zp_log_parse_format(const char *s, enum zp_log_format *out);

/*
 * zp_log_opt applies one of the common logging flags: "log-format" with
 * value text or json, "quiet" (-q) or "verbose" (-v), each of which moves
 * the threshold one step.  Returns 1 if name was one of them, 0 if not,
 * ZP_EINVAL for a bad value.
 */
int zp_log_opt(const char *name, const char *value);

/*
 * zp_log_status_line(1) says a status line (a progress report ending in
 * no newline) may be on stderr, a terminal: each log line then first
 * clears it, and the tool redraws it.  0 turns that off.
 */
void zp_log_status_line(int on);

/* zp_log writes one line at level if the threshold lets it through. */
void zp_log(enum zp_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define zp_error(...) zp_log(ZP_LOG_ERROR, __VA_ARGS__)
#define zp_warn(...) zp_log(ZP_LOG_WARN, __VA_ARGS__)
#define zp_info(...) zp_log(ZP_LOG_INFO, __VA_ARGS__)
#define zp_debug(...) zp_log(ZP_LOG_DEBUG, __VA_ARGS__)

#endif
