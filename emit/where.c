/*
 * where.c - --where FILTER: a jq program run on every record as a
 * predicate (emit.h).  The only file of zoompipe that calls jq_* and
 * jv_*.
 *
 * libjq 1.6 rules obeyed here: every jv_* function consumes its jv
 * arguments and returns a new reference (jv_copy keeps one), and a
 * jq_state runs one input at a time: jq_start resets whatever the last
 * input left, so one state serves the whole run.
 *
 * Error messages are logged once per distinct text with the values jq
 * quotes in them blanked out, because jq puts a piece of the offending
 * value there ("object ({\"email\":...) cannot be matched").
 */
#include "emit.h"

#include <jq.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "log.h"

#define WHERE_MAX_SEEN 16 /* distinct runtime errors logged */
#define WHERE_MAX_MSG 200 /* bytes of one logged message */

/* One compiled --where program and what it has already complained of. */
struct emit_where {
	jq_state *jq;
	int compiling; /* messages are compile errors, not runtime ones */
	int compile_errors; /* compile messages reported */
	char *seen[WHERE_MAX_SEEN]; /* runtime messages already logged */
	size_t n_seen;
	int seen_full; /* "not logging more" was said */
};

/* ------------------------------------------------------------------ */
/* Messages                                                            */
/* ------------------------------------------------------------------ */

/* redact_put appends s[0..n) to out unless that makes it too long. */
static void
redact_put(struct zp_buf *out, const char *s, size_t n)
{
	if (out->len + n <= WHERE_MAX_MSG)
		zp_buf_append(out, s, n);
}

/*
 * redact copies msg[0..n) to out with the inside of every (...) and of
 * every quoted string replaced by "...": jq's value dumps live there,
 * as in 'object ({"email":"al...) cannot be matched'.  A dump cut short
 * ends at "...)" whatever quote it was in; anything else unclosed
 * blanks the rest of the message.
 */
static void
redact(const char *msg, size_t n, struct zp_buf *out)
{
	int depth = 0;
	char quote = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		char c = msg[i];

		if (depth > 0 && n - i >= 4 &&
		    memcmp(msg + i, "...)", 4) == 0) {
			i +=
			    3; /* the end of a truncated dump, quotes or not */
			depth = 0;
			quote = 0;
			redact_put(out, ")", 1);
		} else if (quote != 0) {
			if (c == '\\' && i + 1 < n)
				i++;
			else if (c == quote) {
				quote = 0;
				if (depth == 0)
					redact_put(out, &c, 1);
			}
		} else if (c == '(') {
			if (depth++ == 0)
				redact_put(out, "(...", 4);
		} else if (c == ')' && depth > 0) {
			if (--depth == 0)
				redact_put(out, ")", 1);
		} else if (c == '"' ||
		    (c == '\'' && (i == 0 || msg[i - 1] == ' '))) {
			quote = c;
			if (depth == 0) {
				redact_put(out, &c, 1);
				redact_put(out, "...", 3);
			}
		} else if (depth == 0 && c != '\n' && c != '\r') {
			redact_put(out, &c, 1);
		}
	}
}

/* already_seen tells whether text was logged, remembering it if not. */
static int
already_seen(struct emit_where *w, const char *text)
{
	size_t i;

	for (i = 0; i < w->n_seen; i++)
		if (strcmp(w->seen[i], text) == 0)
			return 1;
	if (w->n_seen == WHERE_MAX_SEEN) {
		if (!w->seen_full)
			zp_warn("--where: more kinds of errors; not logging "
				"them (their records are dropped too)");
		w->seen_full = 1;
		return 1;
	}
	if ((w->seen[w->n_seen] = strdup(text)) != NULL)
		w->n_seen++;
	return 0;
}

/* note_runtime logs the error value msg (consumed) once per text. */
static void
note_runtime(struct emit_where *w, jv msg)
{
	struct zp_buf text = ZP_BUF_INIT;

	if (jv_get_kind(msg) == JV_KIND_STRING)
		redact(jv_string_value(msg),
		    (size_t)jv_string_length_bytes(jv_copy(msg)), &text);
	else
		zp_buf_printf(
		    &text, "error(%s)", jv_kind_name(jv_get_kind(msg)));
	jv_free(msg);
	if (text.data != NULL && !already_seen(w, text.data))
		zp_warn(
		    "--where: %s (records raising it are dropped)", text.data);
	zp_buf_release(&text);
}

/*
 * note_compile reports one compile message of jq, such as "jq: error:
 * syntax error, unexpected $end ... at <top-level>, line 1:\n.a >", as
 * its first line without the "jq: error: " prefix; jq's closing "jq: 1
 * compile error" is left out.
 */
static void
note_compile(struct emit_where *w, const char *s)
{
	const char *end;
	size_t n;

	if (strncmp(s, "jq: error: ", 11) == 0)
		s += 11;
	else if (strncmp(s, "jq: ", 4) == 0 && strstr(s, " compile error"))
		return;
	end = strchr(s, '\n');
	n = end != NULL ? (size_t)(end - s) : strlen(s);
	while (n > 0 && (s[n - 1] == ':' || s[n - 1] == ' '))
		n--;
	zp_error("--where: %.*s", (int)n, s);
	w->compile_errors++;
}

/* on_error is jq's error callback: it owns msg. */
static void
on_error(void *data, jv msg)
{
	struct emit_where *w = data;

	if (!w->compiling) {
		note_runtime(w, msg);
		return;
	}
	if (jv_get_kind(msg) == JV_KIND_STRING)
		note_compile(w, jv_string_value(msg));
	else
		note_compile(w, "the program does not compile");
	jv_free(msg);
}

/* on_debug swallows what debug would print: it is record content. */
static void
on_debug(void *data, jv msg)
{
	(void)data;
	jv_free(msg);
}

/* on_input answers input and inputs: there is no more input. */
static jv
on_input(jq_state *jq, void *data)
{
	(void)jq;
	(void)data;
	return jv_invalid();
}

/* ------------------------------------------------------------------ */
/* The filter                                                          */
/* ------------------------------------------------------------------ */

/*
 * emit_where_new compiles program.  Without the callbacks and the empty
 * library path, libjq 1.6 crashes on debug, input and import.
 */
int
emit_where_new(struct emit_where **out, const char *program)
{
	struct emit_where *w;

	*out = NULL;
	if (program == NULL) {
		zp_error("--where: no program");
		return ZP_EINVAL;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->jq = jq_init()) == NULL) {
		free(w);
		return ZP_ENOMEM;
	}
	jq_set_error_cb(w->jq, on_error, w);
	jq_set_debug_cb(w->jq, on_debug, w);
	jq_set_input_cb(w->jq, on_input, w);
	jq_set_attr(w->jq, jv_string("JQ_LIBRARY_PATH"), jv_array());
	w->compiling = 1;
	if (!jq_compile(w->jq, program)) {
		if (w->compile_errors == 0)
			zp_error("--where: the program does not compile");
		emit_where_free(&w);
		return ZP_EINVAL;
	}
	w->compiling = 0;
	*out = w;
	return 0;
}

/* truthy tells whether result (consumed) is an output other than false
 * and null, noting an error output. */
static int
truthy(struct emit_where *w, jv result)
{
	jv_kind k = jv_get_kind(result);

	if (k == JV_KIND_INVALID) {
		if (jv_invalid_has_msg(jv_copy(result)))
			note_runtime(w, jv_invalid_get_msg(result));
		else
			jv_free(result);
		return 0;
	}
	jv_free(result);
	return k != JV_KIND_FALSE && k != JV_KIND_NULL;
}

/* emit_where_keep runs the program on one record line. */
int
emit_where_keep(struct emit_where *w, const char *json, size_t len)
{
	jv input;

	if (len > INT_MAX) {
		note_runtime(w, jv_string("the record is too large for jq"));
		return 0;
	}
	input = jv_parse_sized(json, (int)len);
	if (!jv_is_valid(input)) {
		jv_free(input);
		note_runtime(w, jv_string("a record is not valid JSON"));
		return 0;
	}
	jq_start(w->jq, input, 0);
	return truthy(w, jq_next(w->jq));
}

/* emit_where_free tears the jq state down and clears *wp. */
void
emit_where_free(struct emit_where **wp)
{
	size_t i;

	if (wp == NULL || *wp == NULL)
		return;
	jq_teardown(&(*wp)->jq);
	for (i = 0; i < (*wp)->n_seen; i++)
		free((*wp)->seen[i]);
	free(*wp);
	*wp = NULL;
}
