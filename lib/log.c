/* log.c - diagnostics on stderr, as text lines or JSON lines. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "error.h"
#include "json.h"

static const char *log_prog = "zoompipe";
static enum zp_log_level log_level = ZP_LOG_INFO;
static enum zp_log_format log_format = ZP_LOG_TEXT;
static int log_over_status; /* a status line may be on the terminal */

static const char *const level_names[] = {"error", "warn", "info", "debug"};

/* zp_log_init sets the program name (borrowed), threshold and format. */
void
zp_log_init(
    const char *prog, enum zp_log_level level, enum zp_log_format format)
{
	const char *env;
	int i;

	log_prog = prog;
	log_level = level;
	log_format = format;
	env = getenv("ZP_LOG_FORMAT");
	if (env != NULL && env[0] != '\0' &&
	    zp_log_parse_format(env, &log_format) != 0)
		zp_warn("ZP_LOG_FORMAT: '%s' is neither text nor json", env);
	env = getenv("ZP_LOG_LEVEL");
	if (env == NULL || env[0] == '\0')
		return;
	for (i = 0; i < 4; i++)
		if (strcmp(env, level_names[i]) == 0)
			break;
	if (i < 4)
		log_level = (enum zp_log_level)i;
	else
		zp_warn("ZP_LOG_LEVEL: '%s' is not error, warn, info or debug",
		    env);
}

/* zp_log_opt applies one of the common logging flags. */
int
zp_log_opt(const char *name, const char *value)
{
	if (strcmp(name, "log-format") == 0)
		return zp_log_parse_format(value, &log_format) == 0
		    ? 1
		    : ZP_EINVAL;
	if (strcmp(name, "quiet") == 0) {
		if (log_level > ZP_LOG_ERROR)
			log_level--;
		return 1;
	}
	if (strcmp(name, "verbose") == 0) {
		if (log_level < ZP_LOG_DEBUG)
			log_level++;
		return 1;
	}
	return 0;
}

/* zp_log_set_level changes the threshold. */
void
zp_log_set_level(enum zp_log_level level)
{
	log_level = level;
}

/* zp_log_parse_format reads "text" or "json". */
int
zp_log_parse_format(const char *s, enum zp_log_format *out)
{
	if (strcmp(s, "text") == 0)
		*out = ZP_LOG_TEXT;
	else if (strcmp(s, "json") == 0)
		*out = ZP_LOG_JSON;
	else
		return ZP_EINVAL;
	return 0;
}

/* emit_json writes msg as one JSON object line on stderr. */
static void
emit_json(enum zp_log_level level, const char *msg)
{
	struct zp_buf b = ZP_BUF_INIT;
	struct zp_jw w;
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	zp_jw_init(&w, &b);
	zp_jw_object(&w);
	zp_jw_key(&w, "ts");
	zp_jw_str(&w, ts);
	zp_jw_key(&w, "prog");
	zp_jw_str(&w, log_prog);
	zp_jw_key(&w, "level");
	zp_jw_str(&w, level_names[level]);
	zp_jw_key(&w, "msg");
	zp_jw_str(&w, msg);
	zp_jw_end(&w);
	if (zp_jw_finish(&w) == 0 && zp_buf_putc(&b, '\n') == 0)
		fwrite(b.data, 1, b.len, stderr);
	zp_buf_release(&b);
}

/* zp_log writes one line at level if the threshold lets it through. */
void
zp_log(enum zp_log_level level, const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log_over_status)
		fputs("\r\033[K", stderr); /* the status line comes back */
	if (log_format == ZP_LOG_JSON)
		emit_json(level, msg);
	else
		fprintf(
		    stderr, "%s: %s: %s\n", log_prog, level_names[level], msg);
}

/* zp_log_status_line tells the log that a status line may be on the
 * terminal, so that each line first clears it. */
void
zp_log_status_line(int on)
{
	log_over_status = on;
}
