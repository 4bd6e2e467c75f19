/* stage.c - the read, count end-of-stream, write loop of every stage. */
#include "stage.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "signals.h"

/* long_opt parses a whole-number option with its bounds. */
static int
long_opt(const char *name, const char *value, long min, long max, long *out,
    struct zp_buf *why)
{
	char *end;
	long v;

	v = strtol(value, &end, 10);
	if (value[0] == '\0' || *end != '\0' || v < min || v > max) {
		zp_buf_printf(why, "%s: '%s' is not a number in %ld..%ld",
		    name, value, min, max);
		return ZP_EINVAL;
	}
	*out = v;
	return 0;
}

/* zp_stage_opt parses one of the common stage flags into o. */
int
zp_stage_opt(struct zp_stage_opts *o, const char *name, const char *value,
    struct zp_buf *why)
{
	long v;
	int rc;

	if (strcmp(name, "in") == 0) {
		if (o->nin == ZP_STAGE_MAX_IN) {
			zp_buf_printf(
			    why, "--in: at most %d inputs", ZP_STAGE_MAX_IN);
			return ZP_EINVAL;
		}
		o->in[o->nin++] = value;
		return 1;
	}
	if (strcmp(name, "out") == 0) {
		o->out = value;
		return 1;
	}
	if (strcmp(name, "producers") == 0) {
		rc = long_opt("--producers", value, 1, 1000000, &v, why);
		o->producers = rc == 0 ? v : o->producers;
	} else if (strcmp(name, "hwm") == 0) {
		rc = long_opt("--hwm", value, 1, 10000000, &v, why);
		o->t.hwm = rc == 0 ? (int)v : o->t.hwm;
	} else if (strcmp(name, "linger-ms") == 0) {
		rc = long_opt("--linger-ms", value, -1, 86400000, &v, why);
		o->t.linger_ms = rc == 0 ? (int)v : o->t.linger_ms;
	} else {
		return 0;
	}
	return rc == 0 ? 1 : rc;
}

/* env_or returns the non-empty value of variable name, or def. */
static const char *
env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : def;
}

/* zp_stage_flag applies one stage flag, reporting a bad value. */
int
zp_stage_flag(struct zp_stage_opts *o, const char *name, const char *value)
{
	struct zp_buf why = ZP_BUF_INIT;
	int rc = zp_stage_opt(o, name, value, &why);

	if (rc < 0)
		zp_error("%s", why.data != NULL ? why.data : zp_strerror(rc));
	zp_buf_release(&why);
	return rc < 0 ? ZP_EINVAL : 0;
}

/* zp_stage_opts_init fills o with the defaults, then the environment. */
int
zp_stage_opts_init(struct zp_stage_opts *o, struct zp_buf *why)
{
	static const char *const envs[][2] = {{"ZP_PRODUCERS", "producers"},
	    {"ZP_HWM", "hwm"}, {"ZP_LINGER_MS", "linger-ms"}};
	struct zp_transport_opts t = ZP_TRANSPORT_OPTS_DEFAULT;
	size_t i;

	memset(o, 0, sizeof(*o));
	o->producers = 1;
	o->t = t;
	o->out = env_or("ZP_OUT", "-");
	if (env_or("ZP_IN", NULL) != NULL)
		zp_stage_opt(o, "in", env_or("ZP_IN", NULL), why);
	for (i = 0; i < sizeof(envs) / sizeof(envs[0]); i++) {
		const char *v = env_or(envs[i][0], NULL);

		if (v != NULL && zp_stage_opt(o, envs[i][1], v, why) < 0) {
			zp_buf_printf(why, " (from %s)", envs[i][0]);
			return ZP_ECONFIG;
		}
	}
	return 0;
}

/* flush_out is the input's idle hook: downstream gets what is done. */
static void
flush_out(void *arg)
{
	struct zp_stage *s = arg;

	if (s->out != NULL)
		zp_out_flush(s->out);
}

/* zp_stage_open opens the input and output. */
int
zp_stage_open(
    struct zp_stage *s, const struct zp_stage_opts *o, struct zp_buf *why)
{
	static const char *const stdin_only[] = {"-"};
	int rc;

	memset(s, 0, sizeof(*s));
	zp_env_init(&s->env);
	s->producers = o->producers > 0 ? o->producers : 1;
	if ((rc = zp_signals_install()) != 0)
		return rc;
	rc = zp_in_open(&s->in, o->nin ? o->in : stdin_only,
	    o->nin ? o->nin : 1, &o->t, why);
	if (rc == 0)
		rc = zp_out_open(&s->out, o->out ? o->out : "-", &o->t, why);
	if (rc == 0)
		zp_in_on_idle(s->in, flush_out, s);
	if (rc == 0 && zp_in_endpoint(s->in) != NULL)
		zp_info("listening on %s", zp_in_endpoint(s->in));
	if (rc == 0 && zp_out_endpoint(s->out) != NULL)
		zp_info("serving on %s", zp_out_endpoint(s->out));
	return rc;
}

/* reject logs a message that is not a valid envelope. */
static void
reject(struct zp_stage *s, int rc)
{
	struct zp_buf why = ZP_BUF_INIT;

	zp_env_describe(&s->env, rc, &why);
	zp_error("%s: bad envelope dropped: %s", zp_in_where(s->in),
	    why.data ? why.data : zp_strerror(rc));
	zp_buf_release(&why);
	s->nbad++;
	if (rc == ZP_EVERSION)
		s->nversion++;
}

/* zp_stage_next parses the next envelope into s->env. */
int
zp_stage_next(struct zp_stage *s)
{
	struct zp_slice msg;
	int rc;

	while (!s->done) {
		if (zp_interrupted())
			return ZP_EINTR;
		rc = zp_in_read(s->in, &msg);
		if (rc == 0) {
			if (s->eos_seen < s->producers)
				zp_warn("input ended after %ld of %ld "
					"end-of-stream envelopes",
				    s->eos_seen, s->producers);
			s->done = 1;
			break;
		}
		if (rc < 0)
			return rc;
		rc = zp_env_parse(&s->env, msg.p, msg.n);
		if (rc != 0) {
			reject(s, rc);
			continue;
		}
		if (zp_env_is(&s->env, "eos")) {
			s->done = ++s->eos_seen >= s->producers;
			continue;
		}
		s->nread++;
		return 1;
	}
	return 0;
}

/* zp_stage_write writes one envelope of len bytes. */
int
zp_stage_write(struct zp_stage *s, const char *msg, size_t len)
{
	int rc = zp_out_write(s->out, msg, len);

	if (rc == 0)
		s->nwritten++;
	return rc;
}

/* zp_stage_forward writes the current envelope's bytes unchanged. */
int
zp_stage_forward(struct zp_stage *s)
{
	return zp_stage_write(s, s->env.raw.p, s->env.raw.n);
}

/* zp_stage_finish sends this stage's eos and closes the output. */
int
zp_stage_finish(struct zp_stage *s)
{
	struct zp_buf eos = ZP_BUF_INIT;
	int rc = zp_env_eos(&eos, NULL);

	if (rc == 0 && s->out != NULL)
		rc = zp_out_write(s->out, eos.data, eos.len);
	zp_buf_release(&eos);
	int crc = zp_out_close(&s->out);
	if (rc == 0)
		rc = crc;
	zp_in_close(&s->in);
	return rc;
}

/* zp_stage_exit_code maps how the loop ended to the exit status. */
int
zp_stage_exit_code(const struct zp_stage *s, int rc)
{
	if (rc < 0)
		return zp_exit_code(rc);
	if (s->nversion > 0)
		return ZP_EXIT_DATAERR;
	return s->nbad > 0 ? ZP_EXIT_REJECTED : ZP_EXIT_OK;
}

/* zp_stage_close frees everything zp_stage_finish did not. */
void
zp_stage_close(struct zp_stage *s)
{
	zp_out_close(&s->out);
	zp_in_close(&s->in);
	zp_env_release(&s->env);
}
