/*
 * save.c - --save DIR keeps every raw response; --replay produces the
 * same envelopes again with no network.
 *
 * A saved directory holds bodies/ID.json (each response body, byte for
 * byte as Zoom sent it) and index.ndjson (each envelope as sent, without
 * its body, one line per response in the order they arrived).  A body is
 * written before its index line, so a crawl killed halfway leaves at most
 * an orphan body, never an index line without its body.
 *
 * --replay DIR reads the index and joins each line with its body; the
 * result is byte for byte the envelope first sent.  --replay FILE reads a
 * file of envelopes (zp-fetch's own output, say) and passes its pages and
 * events on; its eos markers are dropped, since replay sends its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "envelope.h"
#include "error.h"
#include "fetch.h"
#include "file.h"
#include "log.h"
#include "transport.h"

#define MAX_LINE (256L << 20)

struct fetch_save {
	char *dir;
	FILE *index;
	struct zp_envelope env;
	struct zp_buf path, line;
};

/* make_dir creates path unless it is a directory already. */
static int
make_dir(const char *path)
{
	struct stat st;

	if (mkdir(path, 0755) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	return ZP_EIO;
}

/* fetch_save_open prepares dir for saved responses. */
int
fetch_save_open(struct fetch_save **out, const char *dir, struct zp_buf *why)
{
	struct fetch_save *sv;
	struct zp_buf p = ZP_BUF_INIT;
	int rc = 0;

	*out = NULL;
	if ((sv = calloc(1, sizeof(*sv))) == NULL ||
	    (sv->dir = strdup(dir)) == NULL) {
		free(sv);
		return ZP_ENOMEM;
	}
	zp_env_init(&sv->env);
	if (make_dir(dir) != 0 || zp_buf_printf(&p, "%s/bodies", dir) != 0 ||
	    make_dir(p.data) != 0)
		rc = ZP_EIO;
	zp_buf_reset(&p);
	if (rc == 0 &&
	    (zp_buf_printf(&p, "%s/index.ndjson", dir) != 0 ||
		(sv->index = fopen(p.data, "a")) == NULL))
		rc = ZP_EIO;
	if (rc != 0) {
		zp_buf_printf(
		    why, "--save %s: cannot create: %s", dir, strerror(errno));
		fetch_save_close(&sv);
	}
	zp_buf_release(&p);
	*out = sv;
	return rc;
}

/* write_body writes one body file. */
static int
write_body(const char *path, const char *p, size_t n)
{
	FILE *f = fopen(path, "w");
	int rc = 0;

	if (f == NULL)
		return ZP_EIO;
	if (fwrite(p, 1, n, f) != n)
		rc = ZP_EIO;
	if (fclose(f) != 0)
		rc = ZP_EIO;
	return rc;
}

/* fetch_save_put saves one response. */
int
fetch_save_put(struct fetch_save *sv, const char *env, size_t env_len)
{
	struct zp_slice none = {"null", 4};
	int rc;

	if ((rc = zp_env_parse(&sv->env, env, env_len)) != 0)
		return rc;
	zp_buf_reset(&sv->path);
	if (sv->env.id == NULL || strchr(sv->env.id, '/') != NULL ||
	    zp_buf_printf(
		&sv->path, "%s/bodies/%s.json", sv->dir, sv->env.id) != 0)
		return ZP_EINVAL;
	if (sv->env.body.p != NULL &&
	    (rc = write_body(sv->path.data, sv->env.body.p, sv->env.body.n)) !=
		0)
		return rc;
	/* The index line is the envelope with "body":null. */
	zp_buf_reset(&sv->line);
	if ((rc = zp_env_write(&sv->line, &sv->env, NULL, 0, &none)) != 0)
		return rc;
	if (fwrite(sv->line.data, 1, sv->line.len, sv->index) !=
		sv->line.len ||
	    fputc('\n', sv->index) == EOF || fflush(sv->index) != 0)
		return ZP_EIO;
	return 0;
}

/* fetch_save_close closes the index. */
int
fetch_save_close(struct fetch_save **svp)
{
	struct fetch_save *sv;
	int rc = 0;

	if (svp == NULL || (sv = *svp) == NULL)
		return 0;
	if (sv->index != NULL && fclose(sv->index) != 0)
		rc = ZP_EIO;
	zp_env_release(&sv->env);
	zp_buf_release(&sv->path);
	zp_buf_release(&sv->line);
	free(sv->dir);
	free(sv);
	*svp = NULL;
	return rc;
}

/* --- replay ---------------------------------------------------------- */

/* What a replay reads with. */
struct replay {
	const char *path;
	const char *dir; /* a saved directory, or NULL */
	struct zp_out *out;
	struct zp_envelope env;
	struct zp_buf body, file, msg;
	unsigned long count, bad;
};

/* replay_saved joins one index line with its body and writes it. */
static int
replay_saved(struct replay *r)
{
	struct zp_slice body;

	zp_buf_reset(&r->file);
	if (r->env.id == NULL || strchr(r->env.id, '/') != NULL ||
	    zp_buf_printf(&r->file, "%s/bodies/%s.json", r->dir, r->env.id))
		return ZP_EENVELOPE;
	zp_buf_reset(&r->body);
	if (zp_file_read(r->file.data, &r->body, MAX_LINE, NULL) != 0)
		return ZP_ENOTFOUND;
	if (zp_json_validate(r->body.data, r->body.len, NULL) != 0)
		return ZP_EPARSE;
	body.p = r->body.data;
	body.n = r->body.len;
	zp_buf_reset(&r->msg);
	if (zp_env_write(&r->msg, &r->env, NULL, 0, &body) != 0)
		return ZP_ENOMEM;
	return zp_out_write(r->out, r->msg.data, r->msg.len);
}

/* replay_line handles one line of an index or envelope file. */
static int
replay_line(struct replay *r, const char *line, size_t n, size_t lineno)
{
	struct zp_buf why = ZP_BUF_INIT;
	int rc = zp_env_parse(&r->env, line, n);

	if (rc == 0 && zp_env_is(&r->env, "eos"))
		return 0;
	if (rc == 0)
		rc = r->dir != NULL ? replay_saved(r)
				    : zp_out_write(r->out, line, n);
	if (rc == 0) {
		r->count++;
		return 0;
	}
	if (rc == ZP_EPIPE || rc == ZP_EIO || rc == ZP_ETRANSPORT)
		return rc;
	if (rc == ZP_ENOTFOUND || (rc == ZP_EPARSE && r->dir != NULL))
		zp_buf_printf(&why, "%s",
		    rc == ZP_ENOTFOUND ? "its body file is missing"
				       : "its body file is not JSON");
	else
		zp_env_describe(&r->env, rc, &why);
	zp_error("%s:%zu: skipped: %s", r->path, lineno,
	    why.data != NULL ? why.data : zp_strerror(rc));
	zp_buf_release(&why);
	r->bad++;
	return 0;
}

/* replay_file reads path line by line. */
static int
replay_file(struct replay *r, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int rc = 0;

	if (f == NULL)
		return ZP_ENOTFOUND;
	while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			n--;
		if (n == 0)
			continue;
		rc = replay_line(r, line, (size_t)n, lineno);
	}
	if (rc == 0 && ferror(f))
		rc = ZP_EIO;
	free(line);
	fclose(f);
	return rc;
}

/* fetch_replay writes the envelopes that path describes. */
int
fetch_replay(const char *path, struct zp_out *out, unsigned long *count,
    struct zp_buf *why)
{
	struct replay r;
	struct zp_buf index = ZP_BUF_INIT;
	struct stat st;
	int rc;

	memset(&r, 0, sizeof(r));
	r.out = out;
	zp_env_init(&r.env);
	if (stat(path, &st) != 0) {
		zp_buf_printf(why, "--replay %s: %s", path, strerror(errno));
		return ZP_ENOTFOUND;
	}
	if (S_ISDIR(st.st_mode)) {
		r.dir = path;
		zp_buf_printf(&index, "%s/index.ndjson", path);
		r.path = index.data;
	} else {
		r.path = path;
	}
	rc = replay_file(&r, r.path);
	if (rc == ZP_ENOTFOUND)
		zp_buf_printf(
		    why, "--replay %s: cannot read %s", path, r.path);
	else if (rc != 0)
		zp_buf_printf(why, "--replay %s: %s", path, zp_strerror(rc));
	*count = r.count;
	zp_env_release(&r.env);
	zp_buf_release(&r.body);
	zp_buf_release(&r.file);
	zp_buf_release(&r.msg);
	zp_buf_release(&index);
	if (rc == 0 && r.bad > 0)
		return 1;
	return rc;
}
