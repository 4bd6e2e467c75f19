/*
 * test_transport.c - NDJSON over files and pipes, envelopes over ZeroMQ,
 * and the stage loop on top of them.  Everything runs in this process (or
 * a forked child) on real descriptors and sockets: temporary files under
 * /tmp, pipes opened through /dev/fd, TCP on 127.0.0.1 with a port the
 * kernel picks, and ipc:// under a temporary directory.
 */
#include "harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "envelope.h"
#include "error.h"
#include "signals.h"
#include "stage.h"
#include "transport.h"

/* Sockets in tests never wait for ever: a bug fails, it does not hang. */
static const struct zp_transport_opts topts = {1000, 2000};

/* --- helpers --------------------------------------------------------- */

/* tmp_file writes data[0..n) to a new file under /tmp named in path. */
static int
tmp_file(char path[64], const void *data, size_t n)
{
	const char *p = data;
	int fd;

	strcpy(path, "/tmp/zp-test-XXXXXX");
	if ((fd = mkstemp(path)) < 0)
		return -1;
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w <= 0) {
			close(fd);
			unlink(path);
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	close(fd);
	return 0;
}

/* tmp_text is tmp_file of a C string. */
static int
tmp_text(char path[64], const char *text)
{
	return tmp_file(path, text, strlen(text));
}

/* slurp replaces out with the contents of the file at path. */
static int
slurp(const char *path, struct zp_buf *out)
{
	char tmp[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	zp_buf_reset(out);
	zp_buf_puts(out, "");
	if (fd < 0)
		return -1;
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		zp_buf_append(out, tmp, (size_t)n);
	close(fd);
	return n < 0 ? -1 : 0;
}

/* drain reads in to its end, each message and a newline into out. */
static int
drain(struct zp_in *in, struct zp_buf *out)
{
	struct zp_slice msg;
	int rc, n = 0;

	zp_buf_puts(out, "");
	while ((rc = zp_in_read(in, &msg)) == 1) {
		zp_buf_append(out, msg.p, msg.n);
		zp_buf_putc(out, '\n');
		n++;
	}
	return rc < 0 ? rc : n;
}

/* open_one opens an input on the single source uri. */
static int
open_one(struct zp_in **in, const char *uri, struct zp_buf *why)
{
	return zp_in_open(in, &uri, 1, &topts, why);
}

/* read_path returns every line of the file at path, as drain gives them. */
static const char *
read_path(const char *path)
{
	static struct zp_buf out;
	struct zp_buf why = ZP_BUF_INIT;
	struct zp_in *in = NULL;
	int rc;

	zp_buf_release(&out);
	rc = open_one(&in, path, &why);
	zp_buf_release(&why);
	if (rc != 0)
		return "(open failed)";
	rc = drain(in, &out);
	zp_in_close(&in);
	return rc < 0 ? "(read failed)" : out.data;
}

/* fd_uri names descriptor fd as a path, "/dev/fd/N". */
static const char *
fd_uri(char uri[32], int fd)
{
	snprintf(uri, 32, "/dev/fd/%d", fd);
	return uri;
}

/* Dispositions a test changes and puts back. */
struct saved_signals {
	struct sigaction intr, term, pipe;
};

/* signals_save records SIGINT, SIGTERM and SIGPIPE handling. */
static void
signals_save(struct saved_signals *s)
{
	sigaction(SIGINT, NULL, &s->intr);
	sigaction(SIGTERM, NULL, &s->term);
	sigaction(SIGPIPE, NULL, &s->pipe);
}

/* signals_restore puts back what signals_save recorded. */
static void
signals_restore(const struct saved_signals *s)
{
	sigaction(SIGINT, &s->intr, NULL);
	sigaction(SIGTERM, &s->term, NULL);
	sigaction(SIGPIPE, &s->pipe, NULL);
}

/* run_child runs fn in a forked child and returns its exit status. */
static int
run_child(int (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0)
		_exit(fn());
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (!WIFEXITED(status))
		return 1000 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return WEXITSTATUS(status);
}

/* logged tells whether log holds the line "LEVEL: PATH:LINE: text". */
static int
logged(const struct zp_buf *log, const char *level, const char *path, int line,
    const char *text)
{
	char want[256];

	snprintf(
	    want, sizeof(want), ": %s: %s:%d: %s\n", level, path, line, text);
	return log->data != NULL && strstr(log->data, want) != NULL;
}

/* --- files: lines ---------------------------------------------------- */

TEST(transport_file_lines)
{
	char path[64];

	CHECK_INT(tmp_text(path, "a\n{\"x\":1}\nccc\n"), 0);
	CHECK_STR(read_path(path), "a\n{\"x\":1}\nccc\n");
	unlink(path);
}

TEST(transport_file_end_is_sticky)
{
	struct zp_buf why = ZP_BUF_INIT;
	struct zp_in *in = NULL;
	struct zp_slice msg;
	char path[64];

	CHECK_INT(tmp_text(path, "only\n"), 0);
	CHECK_INT(open_one(&in, path, &why), 0);
	CHECK_INT(zp_in_read(in, &msg), 1);
	CHECK_MEM(msg.p, msg.n, "only", 4);
	CHECK_INT(zp_in_read(in, &msg), 0);
	CHECK_INT(zp_in_read(in, &msg), 0);
	CHECK(zp_in_endpoint(in) == NULL);
	zp_in_close(&in);
	CHECK(in == NULL);
	zp_in_close(&in);
	zp_buf_release(&why);
	unlink(path);
}

TEST(transport_empty_file)
{
	char path[64];

	CHECK_INT(tmp_text(path, ""), 0);
	CHECK_STR(read_path(path), "");
	unlink(path);
	CHECK_INT(tmp_text(path, "\n\n  \n\r\n"), 0);
	CHECK_STR(read_path(path), "");
	unlink(path);
}

TEST(transport_crlf_stripped)
{
	char path[64];

	CHECK_INT(tmp_text(path, "a\r\nb b\r\n\r\nc\r\r\n"), 0);
	CHECK_STR(read_path(path), "a\nb b\nc\r\n");
	unlink(path);
}

TEST(transport_blank_lines_skipped)
{
	char path[64];

	CHECK_INT(tmp_text(path, "\n  \n\t\n x \n\n\t \t\r\ny\n\n"), 0);
	CHECK_STR(read_path(path), " x \ny\n");
	unlink(path);
}

TEST(transport_last_line_without_newline)
{
	char path[64];

	CHECK_INT(tmp_text(path, "a\nlast"), 0);
	CHECK_STR(read_path(path), "a\nlast\n");
	unlink(path);
	CHECK_INT(tmp_text(path, "a\r\nlast\r"), 0);
	CHECK_STR(read_path(path), "a\nlast\n");
	unlink(path);
	CHECK_INT(tmp_text(path, "a\n \t "), 0);
	CHECK_STR(read_path(path), "a\n");
	unlink(path);
	CHECK_INT(tmp_text(path, "x"), 0);
	CHECK_STR(read_path(path), "x\n");
	unlink(path);
}

TEST(transport_long_lines)
{
	size_t big = 3 * 1024 * 1024 + 17, i;
	struct zp_buf data = ZP_BUF_INIT;
	char path[64];
	const char *got;

	/* Two 3 MB lines around a short one, the last without newline. */
	for (i = 0; i < big; i++)
		zp_buf_putc(&data, (char)('a' + i % 26));
	zp_buf_puts(&data, "\nshort\n");
	for (i = 0; i < big; i++)
		zp_buf_putc(&data, (char)('0' + i % 10));
	CHECK_INT(tmp_file(path, data.data, data.len), 0);
	got = read_path(path);
	CHECK_INT(strlen(got), data.len + 1);
	CHECK(memcmp(got, data.data, data.len) == 0);
	CHECK(got[data.len] == '\n');
	unlink(path);
	zp_buf_release(&data);
}

TEST(transport_many_short_lines)
{
	struct zp_buf data = ZP_BUF_INIT, got = ZP_BUF_INIT;
	struct zp_buf why = ZP_BUF_INIT;
	struct zp_in *in = NULL;
	char path[64], where[96];
	int i;

	/* Enough lines to cross several read chunks at odd offsets. */
	for (i = 0; i < 200000; i++)
		zp_buf_printf(&data, "{\"n\":%d}\n", i);
	CHECK_INT(tmp_file(path, data.data, data.len), 0);
	CHECK_INT(open_one(&in, path, &why), 0);
	CHECK_INT(drain(in, &got), 200000);
	CHECK_MEM(got.data, got.len, data.data, data.len);
	snprintf(where, sizeof(where), "%s:200000", path);
	CHECK_STR(zp_in_where(in), where);
	zp_in_close(&in);
	unlink(path);
	zp_buf_release(&why);
	zp_buf_release(&got);
	zp_buf_release(&data);
}

TEST(transport_where)
{
	struct zp_buf why = ZP_BUF_INIT;
	struct zp_in *in = NULL;
	struct zp_slice msg;
	char path[64], want[96];

	CHECK_INT(tmp_text(path, "a\n\n  \nb\r\nc"), 0);
	CHECK_INT(open_one(&in, path, &why), 0);
	CHECK_STR(zp_in_where(in), "input:0");
	CHECK_INT(zp_in_read(in, &msg), 1);
	snprintf(want, sizeof(want), "%s:1", path);
	CHECK_STR(zp_in_where(in), want);
	/* Lines are counted as in the file, blank ones included. */
	CHECK_INT(zp_in_read(in, &msg), 1);
	CHECK_MEM(msg.p, msg.n, "b", 1);
	snprintf(want, sizeof(want), "%s:4", path);
	CHECK_STR(zp_in_where(in), want);
	CHECK_INT(zp_in_read(in, &msg), 1);
	snprintf(want, sizeof(want), "%s:5", path);
	CHECK_STR(zp_in_where(in), want);
	CHECK_INT(zp_in_read(in, &msg), 0);
	zp_in_close(&in);
	zp_buf_release(&why);
	unlink(path);
}

TEST(transport_stdin_dash)
{
	struct zp_buf why = ZP_BUF_INIT, got = ZP_BUF_INIT;
	struct zp_in *in = NULL;
	char path[64];
	int fd, saved;

	CHECK_INT(tmp_text(path, "one\n\ntwo\n"), 0);
	fd = open(path, O_RDONLY);
	saved = dup(STDIN_FILENO);
	CHECK(fd >= 0 && saved >= 0);
	if (fd < 0 || saved < 0 || dup2(fd, STDIN_FILENO) < 0) {
		unlink(path);
		return;
	}
	close(fd);
	CHECK_INT(open_one(&in, "-", &why), 0);
	CHECK_INT(drain(in, &got), 2);
	CHECK_STR(got.data, "one\ntwo\n");
	CHECK_STR(zp_in_where(in), "stdin:3");
	zp_in_close(&in);
	/* Closing the input leaves stdin itself open. */
	CHECK(fcntl(STDIN_FILENO, F_GETFD) >= 0);
	dup2(saved, STDIN_FILENO);
	close(saved);
	unlink(path);
	zp_buf_release(&got);
	zp_buf_release(&why);
}

/* --- files: several sources ------------------------------------------ */

/* source_order checks that the lines of prefix p arrive as p1, p2, ... */
static int
source_order(const char *got, const char *p, int count)
{
	char want[32];
	const char *at = got;
	int i;

	for (i = 1; i <= count; i++) {
		snprintf(want, sizeof(want), "%s%d\n", p, i);
		if ((at = strstr(at, want)) == NULL)
			return 0;
		at += strlen(want);
	}
	return 1;
}

TEST(transport_sources_in_order)
{
	const char *uris[3];
	char p[3][64];
	struct zp_buf why = ZP_BUF_INIT, got = ZP_BUF_INIT;
	struct zp_in *in = NULL;
	const char *nl;

	CHECK_INT(tmp_text(p[0], "a1\na2\na3\na4\na5\n"), 0);
	CHECK_INT(tmp_text(p[1], "b1\n\nb2\nb3"), 0);
	CHECK_INT(tmp_text(p[2], "c1\n"), 0);
	uris[0] = p[0];
	uris[1] = p[1];
	uris[2] = p[2];
	CHECK_INT(zp_in_open(&in, uris, 3, &topts, &why), 0);
	CHECK_INT(drain(in, &got), 9);
	CHECK(source_order(got.data, "a", 5));
	CHECK(source_order(got.data, "b", 3));
	CHECK(source_order(got.data, "c", 1));
	/* Fairly: the first three lines come one from each source. */
	nl = got.data;
	CHECK(got.len > 9 && got.data[2] == '\n' && got.data[5] == '\n');
	if (got.len > 9)
		CHECK(nl[0] != nl[3] && nl[3] != nl[6] && nl[0] != nl[6]);
	zp_in_close(&in);
	unlink(p[0]);
	unlink(p[1]);
	unlink(p[2]);
	zp_buf_release(&got);
	zp_buf_release(&why);
}

TEST(transport_sources_fair_when_large)
{
	const char *uris[2];
	char p[2][64];
	struct zp_buf a = ZP_BUF_INIT, b = ZP_BUF_INIT, why = ZP_BUF_INIT;
	struct zp_in *in = NULL;
	struct zp_slice msg;
	long na = 0, nb = 0, nb_when_a_done = -1, lines = 150000, i;
	int ok = 1;

	for (i = 1; i <= lines; i++) {
		zp_buf_printf(&a, "A%ld\n", i);
		zp_buf_printf(&b, "B%ld\n", i);
	}
	CHECK_INT(tmp_file(p[0], a.data, a.len), 0);
	CHECK_INT(tmp_file(p[1], b.data, b.len), 0);
	uris[0] = p[0];
	uris[1] = p[1];
	CHECK_INT(zp_in_open(&in, uris, 2, &topts, &why), 0);
	while (in != NULL && zp_in_read(in, &msg) == 1) {
		char want[32];
		long *n = msg.p[0] == 'A' ? &na : &nb;

		snprintf(want, sizeof(want), "%c%ld", msg.p[0], *n + 1);
		if (msg.n != strlen(want) || memcmp(msg.p, want, msg.n) != 0)
			ok = 0;
		++*n;
		if (na == lines && nb_when_a_done < 0)
			nb_when_a_done = nb;
	}
	CHECK(ok);
	CHECK_INT(na, lines);
	CHECK_INT(nb, lines);
	/* Neither source waits for the other to finish. */
	CHECK(nb_when_a_done >= lines / 2);
	zp_in_close(&in);
	unlink(p[0]);
	unlink(p[1]);
	zp_buf_release(&a);
	zp_buf_release(&b);
	zp_buf_release(&why);
}

/* --- opening errors -------------------------------------------------- */

TEST(transport_unknown_uri)
{
	static const char *const bad[] = {"http://example.com/x", "",
	    "bind:udp://127.0.0.1:5", "bind:/tmp/x", "udp://h:1",
	    "inproc://x"};
	struct zp_buf why = ZP_BUF_INIT, want = ZP_BUF_INIT;
	struct zp_in *in = (struct zp_in *)&why;
	struct zp_out *out = (struct zp_out *)&why;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		zp_buf_reset(&why);
		zp_buf_reset(&want);
		zp_buf_printf(&want,
		    "%s: unknown transport (use -, a file, "
		    "tcp://, bind:tcp://, ipc:// or "
		    "bind:ipc://)",
		    bad[i]);
		CHECK_INT(open_one(&in, bad[i], &why), ZP_EINVAL);
		CHECK(in == NULL);
		CHECK_STR(why.data, want.data);
		zp_buf_reset(&why);
		CHECK_INT(zp_out_open(&out, bad[i], &topts, &why), ZP_EINVAL);
		CHECK(out == NULL);
		CHECK_STR(why.data, want.data);
	}
	zp_buf_release(&why);
	zp_buf_release(&want);
}

TEST(transport_missing_file)
{
	const char *uris[2];
	char path[64];
	struct zp_buf why = ZP_BUF_INIT;
	struct zp_in *in = NULL;

	CHECK_INT(open_one(&in, "/nonexistent-zp/in.ndjson", &why), ZP_EIO);
	CHECK(in == NULL);
	CHECK_STR(
	    why.data, "/nonexistent-zp/in.ndjson: No such file or directory");
	/* A bad second source closes the first one again. */
	CHECK_INT(tmp_text(path, "x\n"), 0);
	uris[0] = path;
	uris[1] = "/nonexistent-zp/b";
	zp_buf_reset(&why);
	CHECK_INT(zp_in_open(&in, uris, 2, &topts, &why), ZP_EIO);
	CHECK(in == NULL);
	CHECK_STR(why.data, "/nonexistent-zp/b: No such file or directory");
	unlink(path);
	zp_buf_release(&why);
}

TEST(transport_close_null)
{
	struct zp_in *in = NULL;
	struct zp_out *out = NULL;

	zp_in_close(&in);
	CHECK_INT(zp_out_close(&out), 0);
	CHECK(in == NULL && out == NULL);
}

/* --- output to files and pipes --------------------------------------- */

TEST(transport_out_file_lines)
{
	struct zp_buf why = ZP_BUF_INIT, got = ZP_BUF_INIT;
	struct zp_out *out = NULL;
	char path[64];

	CHECK_INT(tmp_text(path, "old contents that must go away\n"), 0);
	CHECK_INT(zp_out_open(&out, path, &topts, &why), 0);
	CHECK(zp_out_endpoint(out) == NULL);
	CHECK_INT(zp_out_write(out, "{\"a\":1}", 7), 0);
	CHECK_INT(zp_out_write(out, "b", 1), 0);
	CHECK_INT(zp_out_flush(out), 0);
	CHECK_INT(slurp(path, &got), 0);
	CHECK_STR(got.data, "{\"a\":1}\nb\n");
	CHECK_INT(zp_out_write(out, "", 0), 0);
	CHECK_INT(zp_out_write(out, "c", 1), 0);
	CHECK_INT(zp_out_close(&out), 0);
	CHECK(out == NULL);
	CHECK_INT(slurp(path, &got), 0);
	CHECK_STR(got.data, "{\"a\":1}\nb\n\nc\n");
	unlink(path);
	zp_buf_release(&got);
	zp_buf_release(&why);
}

TEST(transport_out_big_message)
{
	struct zp_buf why = ZP_BUF_INIT, got = ZP_BUF_INIT;
	struct zp_buf want = ZP_BUF_INIT;
	struct zp_out *out = NULL;
	size_t big[] = {
	    256 * 1024 - 1, 256 * 1024, 256 * 1024 + 1, 1024 * 1024 + 7};
	char path[64], *msg;
	size_t i, j;

	CHECK_INT(tmp_text(path, ""), 0);
	CHECK_INT(zp_out_open(&out, path, &topts, &why), 0);
	for (i = 0; i < sizeof(big) / sizeof(big[0]) && out != NULL; i++) {
		msg = malloc(big[i]);
		if (msg == NULL)
			break;
		for (j = 0; j < big[i]; j++)
			msg[j] = (char)('a' + (i + j) % 26);
		CHECK_INT(zp_out_write(out, "small", 5), 0);
		CHECK_INT(zp_out_write(out, msg, big[i]), 0);
		zp_buf_puts(&want, "small\n");
		zp_buf_append(&want, msg, big[i]);
		zp_buf_putc(&want, '\n');
		free(msg);
	}
	CHECK_INT(zp_out_write(out, "end", 3), 0);
	zp_buf_puts(&want, "end\n");
	CHECK_INT(zp_out_close(&out), 0);
	CHECK_INT(slurp(path, &got), 0);
	CHECK_INT(got.len, want.len);
	CHECK(
	    got.len == want.len && memcmp(got.data, want.data, got.len) == 0);
	/* And the same bytes read back as the same messages. */
	CHECK(strcmp(read_path(path), want.data) == 0);
	unlink(path);
	zp_buf_release(&want);
	zp_buf_release(&got);
	zp_buf_release(&why);
}

TEST(transport_out_many_messages)
{
	struct zp_buf why = ZP_BUF_INIT, got = ZP_BUF_INIT;
	struct zp_buf want = ZP_BUF_INIT, msg = ZP_BUF_INIT;
	struct zp_out *out = NULL;
	char path[64];
	int i, ok = 1;

	CHECK_INT(tmp_text(path, ""), 0);
	CHECK_INT(zp_out_open(&out, path, &topts, &why), 0);
	for (i = 0; i < 100000 && out != NULL; i++) {
		zp_buf_reset(&msg);
		zp_buf_printf(&msg, "{\"i\":%d,\"pad\":\"%.*s\"}", i, i % 97,
		    "0123456789012345678901234567890123456789012345678901"
		    "234567890123456789012345678901234567890123456789");
		if (zp_out_write(out, msg.data, msg.len) != 0)
			ok = 0;
		zp_buf_append(&want, msg.data, msg.len);
		zp_buf_putc(&want, '\n');
	}
	CHECK(ok);
	CHECK_INT(zp_out_close(&out), 0);
	CHECK_INT(slurp(path, &got), 0);
	CHECK_MEM(got.data, got.len, want.data, want.len);
	unlink(path);
	zp_buf_release(&msg);
	zp_buf_release(&want);
	zp_buf_release(&got);
	zp_buf_release(&why);
}

TEST(transport_out_open_fails)
{
	struct zp_buf why = ZP_BUF_INIT;
	struct zp_out *out = NULL;

	CHECK_INT(
	    zp_out_open(&out, "/nonexistent-zp/out.ndjson", &topts, &why),
	    ZP_EIO);
	CHECK(out == NULL);
	CHECK_STR(
	    why.data, "/nonexistent-zp/out.ndjson: No such file or directory");
	zp_buf_release(&why);
}

TEST(transport_out_epipe)
{
	struct saved_signals saved;
	struct zp_buf why = ZP_BUF_INIT;
	struct zp_out *out = NULL;
	char uri[32];
	char *big = calloc(1, 512 * 1024);
	int p[2];

	CHECK(big != NULL && pipe(p) == 0);
	if (big == NULL)
		return;
	signals_save(&saved);
	signal(SIGPIPE, SIG_IGN);
	/* Open while the reader still exists, then let it go away. */
	CHECK_INT(zp_out_open(&out, fd_uri(uri, p[1]), &topts, &why), 0);
	close(p[0]);
	close(p[1]);
	if (out != NULL) {
		CHECK_INT(zp_out_write(out, "lost", 4), 0);
		CHECK_INT(zp_out_flush(out), ZP_EPIPE);
		CHECK_INT(zp_out_write(out, "more", 4), ZP_EPIPE);
		CHECK_INT(zp_out_flush(out), ZP_EPIPE);
		CHECK_INT(zp_out_close(&out), ZP_EPIPE);
	}
	/* A message too big to buffer meets the closed pipe at once. */
	CHECK(pipe(p) == 0);
	CHECK_INT(zp_out_open(&out, fd_uri(uri, p[1]), &topts, &why), 0);
	close(p[0]);
	close(p[1]);
	if (out != NULL) {
		memset(big, 'x', 512 * 1024 - 1);
		CHECK_INT(zp_out_write(out, big, 512 * 1024 - 1), ZP_EPIPE);
		CHECK_INT(zp_out_close(&out), ZP_EPIPE);
	}
	signals_restore(&saved);
	free(big);
	zp_buf_release(&why);
}

TEST(transport_out_full_disk)
{
	struct zp_buf why = ZP_BUF_INIT;
	struct zp_out *out = NULL;

	if (access("/dev/full", W_OK) != 0)
		return; /* nothing to test on a system without it */
	CHECK_INT(zp_out_open(&out, "/dev/full", &topts, &why), 0);
	if (out != NULL) {
		CHECK_INT(zp_out_write(out, "x", 1), 0);
		CHECK_INT(zp_out_flush(out), ZP_EIO);
		CHECK_INT(zp_out_close(&out), ZP_EIO);
	}
	zp_buf_release(&why);
}

/* --- the idle hook --------------------------------------------------- */

/* What an idle hook saw and what it does on its first call. */
struct idle {
	int calls;
	int fd; /* written to, then closed, on the first call */
	const char *say; /* what to write there */
};

/* on_idle counts the call and, the first time, feeds the input. */
static void
on_idle(void *arg)
{
	struct idle *h = arg;

	if (h->calls++ == 0 && h->fd >= 0) {
		if (write(h->fd, h->say, strlen(h->say)) < 0)
			h->calls += 1000;
		close(h->fd);
		h->fd = -1;
	}
}

TEST(transport_idle_before_blocking)
{
	struct zp_buf why = ZP_BUF_INIT;
	struct zp_in *in = NULL;
	struct idle h = {0, -1, "two\n"};
	struct zp_slice msg;
	char uri[32];
	int p[2];

	CHECK(pipe(p) == 0);
	CHECK(write(p[1], "one\n", 4) == 4);
	CHECK_INT(open_one(&in, fd_uri(uri, p[0]), &why), 0);
	close(p[0]);
	if (in == NULL) {
		close(p[1]);
		return;
	}
	/*
	 * "two" is only written by the hook, so the input can only get it
	 * if it calls the hook when the pipe runs dry.
	 */
	h.fd = p[1];
	zp_in_on_idle(in, on_idle, &h);
	CHECK_INT(zp_in_read(in, &msg), 1);
	CHECK_MEM(msg.p, msg.n, "one", 3);
	CHECK_INT(zp_in_read(in, &msg), 1);
	CHECK_MEM(msg.p, msg.n, "two", 3);
	CHECK(h.calls >= 1 && h.calls < 1000);
	CHECK_INT(zp_in_read(in, &msg), 0);
	zp_in_close(&in);
	if (h.fd >= 0)
		close(h.fd);
	zp_buf_release(&why);
}

/* writer_child writes c1, waits for a byte on go, writes c2, exits. */
static int
writer_child(int out, int go)
{
	struct pollfd p = {go, POLLIN, 0};
	char c;
	int waited;

	if (write(out, "c1\n", 3) != 3)
		return 2;
	/* The parent's idle hook says go; ten seconds is only a backstop. */
	waited = poll(&p, 1, 10000) == 1 && read(go, &c, 1) == 1;
	if (write(out, "c2\n", 3) != 3)
		return 3;
	return waited ? 0 : 1;
}

TEST(transport_idle_with_several_sources)
{
	struct zp_buf why = ZP_BUF_INIT, got = ZP_BUF_INIT;
	struct zp_in *in = NULL;
	struct idle h = {0, -1, "g"};
	const char *uris[2];
	char uri[32], path[64];
	int data[2], go[2], status = -1, n;
	pid_t pid;

	CHECK_INT(tmp_text(path, "f1\nf2\n"), 0);
	CHECK(pipe(data) == 0 && pipe(go) == 0);
	uris[0] = fd_uri(uri, data[0]);
	uris[1] = path;
	CHECK_INT(zp_in_open(&in, uris, 2, &topts, &why), 0);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		close(data[0]);
		close(go[1]);
		_exit(writer_child(data[1], go[0]));
	}
	close(data[0]);
	close(data[1]);
	close(go[0]);
	h.fd = go[1];
	CHECK(pid > 0 && in != NULL);
	if (in != NULL) {
		zp_in_on_idle(in, on_idle, &h);
		n = drain(in, &got);
		CHECK_INT(n, 4);
		CHECK(source_order(got.data, "f", 2));
		CHECK(source_order(got.data, "c", 2));
		CHECK(h.calls >= 1 && h.calls < 1000);
	}
	zp_in_close(&in);
	if (h.fd >= 0)
		close(h.fd);
	if (pid > 0)
		CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0);
	unlink(path);
	zp_buf_release(&got);
	zp_buf_release(&why);
}

/* child_interrupted: a read after a stop signal returns ZP_EINTR. */
static int
child_interrupted(void)
{
	struct zp_buf why = ZP_BUF_INIT;
	struct zp_in *in = NULL;
	struct zp_slice msg;
	const char *uri;
	char name[32];
	int p[2], rc;

	if (zp_signals_install() != 0 || pipe(p) != 0)
		return 2;
	uri = fd_uri(name, p[0]);
	if (zp_in_open(&in, &uri, 1, &topts, &why) != 0)
		return 3;
	raise(SIGTERM);
	rc = zp_in_read(in, &msg);
	zp_in_close(&in);
	zp_buf_release(&why);
	return rc == ZP_EINTR ? 0 : 4;
}

TEST(transport_read_interrupted)
{
	CHECK_INT(run_child(child_interrupted), 0);
}

/* --- ZeroMQ ---------------------------------------------------------- */

/* make_msg fills b with message i of a test stream; i == 3 is 1 MB. */
static void
make_msg(struct zp_buf *b, int i)
{
	size_t j, n = i == 3 ? 1024 * 1024 : (size_t)(i * 37 % 500);

	zp_buf_reset(b);
	zp_buf_printf(b, "{\"v\":1,\"kind\":\"page\",\"n\":%d,\"pad\":\"", i);
	for (j = 0; j < n; j++)
		zp_buf_putc(b, (char)('a' + (i + j) % 26));
	zp_buf_puts(b, "\"}");
	if (i == 5)
		b->data[20] =
		    '\n'; /* one envelope per message, not per line */
}

/* send_recv sends n messages through out and checks them on in. */
static void
send_recv(struct zp_out *out, struct zp_in *in, int n, const char *from)
{
	struct zp_buf b = ZP_BUF_INIT;
	struct zp_slice msg;
	char want[300];
	int i, sent = 1, same = 1, where = 1;

	for (i = 0; i < n; i++) {
		make_msg(&b, i);
		if (zp_out_write(out, b.data, b.len) != 0)
			sent = 0;
	}
	CHECK(sent);
	CHECK_INT(zp_out_flush(out), 0);
	for (i = 0; i < n && sent; i++) {
		make_msg(&b, i);
		if (zp_in_read(in, &msg) != 1 || msg.n != b.len ||
		    memcmp(msg.p, b.data, b.len) != 0)
			same = 0;
		snprintf(want, sizeof(want), "%s:%d", from, i + 1);
		if (strcmp(zp_in_where(in), want) != 0)
			where = 0;
	}
	CHECK(same);
	CHECK(where);
	zp_buf_release(&b);
}

TEST(transport_zmq_tcp)
{
	struct zp_buf why = ZP_BUF_INIT;
	struct zp_out *out = NULL;
	struct zp_in *in = NULL;
	const char *ep = NULL;

	alarm(60); /* a lost message fails the run, it does not hang it */
	CHECK_INT(
	    zp_out_open(&out, "bind:tcp://127.0.0.1:*", &topts, &why), 0);
	if (out != NULL)
		ep = zp_out_endpoint(out);
	CHECK(ep != NULL && strncmp(ep, "tcp://127.0.0.1:", 16) == 0);
	CHECK(ep != NULL && atoi(ep + 16) > 0);
	if (ep != NULL && strncmp(ep, "tcp://", 6) == 0) {
		CHECK_INT(open_one(&in, ep, &why), 0);
		if (in != NULL) {
			CHECK(zp_in_endpoint(in) == NULL);
			send_recv(out, in, 40, "zeromq");
		}
	}
	CHECK_INT(zp_out_close(&out), 0);
	zp_in_close(&in);
	alarm(0);
	zp_buf_release(&why);
}

/* ipc_path makes a temporary directory and the socket path in it. */
static int
ipc_path(char dir[64], char uri[128], const char *prefix)
{
	strcpy(dir, "/tmp/zp-test-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(uri, 128, "%sipc://%s/s", prefix, dir);
	return 0;
}

/* ipc_cleanup removes the socket file, if any, and the directory. */
static void
ipc_cleanup(const char *dir)
{
	char sock[96];

	snprintf(sock, sizeof(sock), "%s/s", dir);
	unlink(sock);
	CHECK_INT(rmdir(dir), 0);
}

TEST(transport_zmq_ipc)
{
	struct zp_buf why = ZP_BUF_INIT;
	struct zp_out *out = NULL;
	struct zp_in *in = NULL;
	char dir[64], bind[128], conn[128];
	const char *ep;

	alarm(60);
	CHECK_INT(ipc_path(dir, bind, "bind:"), 0);
	snprintf(conn, sizeof(conn), "ipc://%s/s", dir);
	CHECK_INT(open_one(&in, bind, &why), 0);
	ep = in != NULL ? zp_in_endpoint(in) : NULL;
	CHECK(ep != NULL && strcmp(ep, conn) == 0);
	CHECK_INT(zp_out_open(&out, conn, &topts, &why), 0);
	if (in != NULL && out != NULL)
		send_recv(out, in, 25, conn);
	CHECK_INT(zp_out_close(&out), 0);
	zp_in_close(&in);
	alarm(0);
	ipc_cleanup(dir);
	zp_buf_release(&why);
}

TEST(transport_zmq_two_pushers)
{
	struct zp_buf why = ZP_BUF_INIT, b = ZP_BUF_INIT;
	struct zp_out *o1 = NULL, *o2 = NULL;
	struct zp_in *in = NULL;
	struct zp_slice msg;
	char dir[64], bind[128], conn[128];
	int i, n1 = 0, n2 = 0, ok = 1;

	alarm(60);
	CHECK_INT(ipc_path(dir, bind, "bind:"), 0);
	snprintf(conn, sizeof(conn), "ipc://%s/s", dir);
	CHECK_INT(open_one(&in, bind, &why), 0);
	CHECK_INT(zp_out_open(&o1, conn, &topts, &why), 0);
	CHECK_INT(zp_out_open(&o2, conn, &topts, &why), 0);
	for (i = 0; i < 50 && o1 != NULL && o2 != NULL; i++) {
		zp_buf_reset(&b);
		zp_buf_printf(&b, "one %d", i);
		CHECK_INT(zp_out_write(o1, b.data, b.len), 0);
		zp_buf_reset(&b);
		zp_buf_printf(&b, "two %d", i);
		CHECK_INT(zp_out_write(o2, b.data, b.len), 0);
	}
	/* Each pusher's messages arrive in the order it sent them. */
	for (i = 0; i < 100 && in != NULL && o1 != NULL && o2 != NULL; i++) {
		char want[32];

		if (zp_in_read(in, &msg) != 1) {
			ok = 0;
			break;
		}
		if (msg.n > 4 && memcmp(msg.p, "one ", 4) == 0)
			snprintf(want, sizeof(want), "one %d", n1++);
		else
			snprintf(want, sizeof(want), "two %d", n2++);
		if (msg.n != strlen(want) || memcmp(msg.p, want, msg.n) != 0)
			ok = 0;
	}
	CHECK(ok);
	CHECK_INT(n1, 50);
	CHECK_INT(n2, 50);
	CHECK_INT(zp_out_close(&o1), 0);
	CHECK_INT(zp_out_close(&o2), 0);
	zp_in_close(&in);
	alarm(0);
	ipc_cleanup(dir);
	zp_buf_release(&b);
	zp_buf_release(&why);
}

TEST(transport_zmq_bind_in_use)
{
	struct zp_buf why = ZP_BUF_INIT, want = ZP_BUF_INIT;
	struct zp_out *a = NULL, *b = NULL;
	struct zp_in *in = NULL;
	const char *ep;

	CHECK_INT(zp_out_open(&a, "bind:tcp://127.0.0.1:*", &topts, &why), 0);
	ep = a != NULL ? zp_out_endpoint(a) : NULL;
	CHECK(ep != NULL);
	if (ep != NULL) {
		zp_buf_printf(&want, "bind:%s", ep);
		CHECK_INT(
		    zp_out_open(&b, want.data, &topts, &why), ZP_ETRANSPORT);
		CHECK(b == NULL);
		CHECK(why.data != NULL && strncmp(why.data, "bind ", 5) == 0);
		CHECK(why.data != NULL && strstr(why.data, ep) != NULL);
		zp_buf_reset(&why);
		CHECK_INT(open_one(&in, want.data, &why), ZP_ETRANSPORT);
		CHECK(in == NULL);
		CHECK(why.data != NULL && strncmp(why.data, "bind ", 5) == 0);
	}
	CHECK_INT(zp_out_close(&a), 0);
	zp_buf_release(&want);
	zp_buf_release(&why);
}

TEST(transport_zmq_bad_endpoint)
{
	struct zp_buf why = ZP_BUF_INIT;
	struct zp_in *in = NULL;

	CHECK_INT(open_one(&in, "bind:tcp://127.0.0.1:notaport", &why),
	    ZP_ETRANSPORT);
	CHECK(in == NULL);
	CHECK(why.data != NULL &&
	    strncmp(why.data, "bind tcp://127.0.0.1:notaport: ", 31) == 0);
	zp_buf_release(&why);
}

/* What the ZeroMQ idle hook sends on its first call. */
struct zidle {
	int calls;
	struct zp_out *out;
};

/* on_zidle sends one message the first time the input would wait. */
static void
on_zidle(void *arg)
{
	struct zidle *h = arg;

	if (h->calls++ == 0 && zp_out_write(h->out, "late", 4) != 0)
		h->calls += 1000;
}

TEST(transport_zmq_idle)
{
	struct zp_buf why = ZP_BUF_INIT;
	struct zp_out *out = NULL;
	struct zp_in *in = NULL;
	struct zidle h = {0, NULL};
	struct zp_slice msg;
	char dir[64], bind[128], conn[128];

	alarm(60);
	CHECK_INT(ipc_path(dir, bind, "bind:"), 0);
	snprintf(conn, sizeof(conn), "ipc://%s/s", dir);
	CHECK_INT(open_one(&in, bind, &why), 0);
	CHECK_INT(zp_out_open(&out, conn, &topts, &why), 0);
	if (in != NULL && out != NULL) {
		h.out = out;
		zp_in_on_idle(in, on_zidle, &h);
		CHECK_INT(zp_in_read(in, &msg), 1);
		CHECK_MEM(msg.p, msg.n, "late", 4);
		CHECK(h.calls >= 1 && h.calls < 1000);
	}
	CHECK_INT(zp_out_close(&out), 0);
	zp_in_close(&in);
	alarm(0);
	ipc_cleanup(dir);
	zp_buf_release(&why);
}

TEST(transport_zmq_and_file_together)
{
	struct zp_buf why = ZP_BUF_INIT, got = ZP_BUF_INIT;
	struct zp_out *out = NULL;
	struct zp_in *in = NULL;
	struct zp_slice msg;
	const char *uris[2];
	char dir[64], bind[128], conn[128], path[64];
	int i, rc = 1;

	alarm(60);
	CHECK_INT(tmp_text(path, "f1\nf2\nf3\n"), 0);
	CHECK_INT(ipc_path(dir, bind, "bind:"), 0);
	snprintf(conn, sizeof(conn), "ipc://%s/s", dir);
	uris[0] = path;
	uris[1] = bind;
	CHECK_INT(zp_in_open(&in, uris, 2, &topts, &why), 0);
	CHECK_INT(zp_out_open(&out, conn, &topts, &why), 0);
	if (in != NULL && out != NULL) {
		CHECK_INT(zp_out_write(out, "z1", 2), 0);
		CHECK_INT(zp_out_write(out, "z2", 2), 0);
		/* The file ends, the socket does not: read just six. */
		zp_buf_puts(&got, "");
		for (i = 0; i < 5 && rc == 1; i++) {
			rc = zp_in_read(in, &msg);
			if (rc == 1) {
				zp_buf_append(&got, msg.p, msg.n);
				zp_buf_putc(&got, '\n');
			}
		}
		CHECK_INT(rc, 1);
		CHECK_INT(got.len, 15);
		CHECK(source_order(got.data, "f", 3));
		CHECK(source_order(got.data, "z", 2));
	}
	CHECK_INT(zp_out_close(&out), 0);
	zp_in_close(&in);
	alarm(0);
	ipc_cleanup(dir);
	unlink(path);
	zp_buf_release(&got);
	zp_buf_release(&why);
}

/* --- stage options --------------------------------------------------- */

/* clear_stage_env removes every variable zp_stage_opts_init reads. */
static void
clear_stage_env(void)
{
	unsetenv("ZP_IN");
	unsetenv("ZP_OUT");
	unsetenv("ZP_PRODUCERS");
	unsetenv("ZP_HWM");
	unsetenv("ZP_LINGER_MS");
}

TEST(stage_opts_defaults)
{
	struct zp_stage_opts o;
	struct zp_buf why = ZP_BUF_INIT;

	clear_stage_env();
	CHECK_INT(zp_stage_opts_init(&o, &why), 0);
	CHECK_INT(o.nin, 0);
	CHECK_STR(o.out, "-");
	CHECK_INT(o.producers, 1);
	CHECK_INT(o.t.hwm, 1000);
	CHECK_INT(o.t.linger_ms, -1);
	CHECK_INT(why.len, 0);
	zp_buf_release(&why);
}

TEST(stage_opts_from_env)
{
	struct zp_stage_opts o;
	struct zp_buf why = ZP_BUF_INIT;

	clear_stage_env();
	setenv("ZP_IN", "in.ndjson", 1);
	setenv("ZP_OUT", "bind:tcp://127.0.0.1:*", 1);
	setenv("ZP_PRODUCERS", "2", 1);
	setenv("ZP_HWM", "50", 1);
	setenv("ZP_LINGER_MS", "0", 1);
	CHECK_INT(zp_stage_opts_init(&o, &why), 0);
	CHECK_INT(o.nin, 1);
	CHECK_STR(o.in[0], "in.ndjson");
	CHECK_STR(o.out, "bind:tcp://127.0.0.1:*");
	CHECK_INT(o.producers, 2);
	CHECK_INT(o.t.hwm, 50);
	CHECK_INT(o.t.linger_ms, 0);
	/* Flags applied afterwards win over the environment. */
	CHECK_INT(zp_stage_opt(&o, "producers", "3", &why), 1);
	CHECK_INT(zp_stage_opt(&o, "out", "-", &why), 1);
	CHECK_INT(o.producers, 3);
	CHECK_STR(o.out, "-");
	clear_stage_env();
	zp_buf_release(&why);
}

TEST(stage_opts_empty_env_ignored)
{
	struct zp_stage_opts o;
	struct zp_buf why = ZP_BUF_INIT;

	clear_stage_env();
	setenv("ZP_HWM", "", 1);
	setenv("ZP_OUT", "", 1);
	setenv("ZP_IN", "", 1);
	CHECK_INT(zp_stage_opts_init(&o, &why), 0);
	CHECK_INT(o.t.hwm, 1000);
	CHECK_STR(o.out, "-");
	CHECK_INT(o.nin, 0);
	clear_stage_env();
	zp_buf_release(&why);
}

/* check_bad_env checks the message for a bad value of variable name. */
static void
check_bad_env(const char *name, const char *value, const char *want)
{
	struct zp_stage_opts o;
	struct zp_buf why = ZP_BUF_INIT;

	clear_stage_env();
	setenv(name, value, 1);
	CHECK_INT(zp_stage_opts_init(&o, &why), ZP_ECONFIG);
	CHECK_STR(why.data, want);
	clear_stage_env();
	zp_buf_release(&why);
}

TEST(stage_opts_bad_env)
{
	check_bad_env("ZP_HWM", "bad",
	    "--hwm: 'bad' is not a number in 1..10000000 (from ZP_HWM)");
	check_bad_env("ZP_PRODUCERS", "0",
	    "--producers: '0' is not a number in 1..1000000 "
	    "(from ZP_PRODUCERS)");
	check_bad_env("ZP_LINGER_MS", "-2",
	    "--linger-ms: '-2' is not a number in -1..86400000 "
	    "(from ZP_LINGER_MS)");
	check_bad_env("ZP_HWM", "10x",
	    "--hwm: '10x' is not a number in 1..10000000 (from ZP_HWM)");
}

TEST(stage_opt_each_flag)
{
	struct zp_stage_opts o;
	struct zp_buf why = ZP_BUF_INIT;

	clear_stage_env();
	CHECK_INT(zp_stage_opts_init(&o, &why), 0);
	CHECK_INT(zp_stage_opt(&o, "in", "a", &why), 1);
	CHECK_INT(zp_stage_opt(&o, "in", "b", &why), 1);
	CHECK_INT(o.nin, 2);
	CHECK_STR(o.in[0], "a");
	CHECK_STR(o.in[1], "b");
	CHECK_INT(zp_stage_opt(&o, "out", "o", &why), 1);
	CHECK_STR(o.out, "o");
	CHECK_INT(zp_stage_opt(&o, "producers", "1000000", &why), 1);
	CHECK_INT(o.producers, 1000000);
	CHECK_INT(zp_stage_opt(&o, "hwm", "1", &why), 1);
	CHECK_INT(o.t.hwm, 1);
	CHECK_INT(zp_stage_opt(&o, "hwm", "10000000", &why), 1);
	CHECK_INT(o.t.hwm, 10000000);
	CHECK_INT(zp_stage_opt(&o, "linger-ms", "-1", &why), 1);
	CHECK_INT(o.t.linger_ms, -1);
	CHECK_INT(zp_stage_opt(&o, "linger-ms", "86400000", &why), 1);
	CHECK_INT(o.t.linger_ms, 86400000);
	CHECK_INT(zp_stage_opt(&o, "verbose", "x", &why), 0);
	CHECK_INT(zp_stage_opt(&o, "producer", "2", &why), 0);
	CHECK_INT(why.len, 0);
	zp_buf_release(&why);
}

/* check_bad_opt checks that flag name rejects value, keeping the old one. */
static void
check_bad_opt(const char *name, const char *value, const char *want)
{
	struct zp_stage_opts o;
	struct zp_buf why = ZP_BUF_INIT;

	clear_stage_env();
	CHECK_INT(zp_stage_opts_init(&o, &why), 0);
	CHECK_INT(zp_stage_opt(&o, name, value, &why), ZP_EINVAL);
	CHECK_STR(why.data, want);
	CHECK_INT(o.producers, 1);
	CHECK_INT(o.t.hwm, 1000);
	CHECK_INT(o.t.linger_ms, -1);
	zp_buf_release(&why);
}

TEST(stage_opt_bad_values)
{
	check_bad_opt("producers", "",
	    "--producers: '' is not a number in "
	    "1..1000000");
	check_bad_opt("producers", "1000001",
	    "--producers: '1000001' is not a number in 1..1000000");
	check_bad_opt("producers", "two",
	    "--producers: 'two' is not a number in 1..1000000");
	check_bad_opt("hwm", "0", "--hwm: '0' is not a number in 1..10000000");
	check_bad_opt("hwm", "99999999999999999999999",
	    "--hwm: '99999999999999999999999' is not a number in "
	    "1..10000000");
	check_bad_opt("linger-ms", "1.5",
	    "--linger-ms: '1.5' is not a number in -1..86400000");
}

TEST(stage_opt_too_many_inputs)
{
	struct zp_stage_opts o;
	struct zp_buf why = ZP_BUF_INIT;
	int i;

	clear_stage_env();
	CHECK_INT(zp_stage_opts_init(&o, &why), 0);
	for (i = 0; i < ZP_STAGE_MAX_IN; i++)
		CHECK_INT(zp_stage_opt(&o, "in", "x", &why), 1);
	CHECK_INT(zp_stage_opt(&o, "in", "x", &why), ZP_EINVAL);
	CHECK_STR(why.data, "--in: at most 16 inputs");
	CHECK_INT(o.nin, ZP_STAGE_MAX_IN);
	zp_buf_release(&why);
}

/* --- the stage loop -------------------------------------------------- */

/* stage_opts sets o to read the nin paths in and write out. */
static void
stage_opts(struct zp_stage_opts *o, const char *const *in, size_t nin,
    const char *out, long producers)
{
	struct zp_buf why = ZP_BUF_INIT;
	size_t i;

	clear_stage_env();
	zp_stage_opts_init(o, &why);
	for (i = 0; i < nin; i++)
		zp_stage_opt(o, "in", in[i], &why);
	o->out = out;
	o->producers = producers;
	o->t = topts;
	zp_buf_release(&why);
}

/* run_stage forwards every envelope; it returns the last rc. */
static int
run_stage(struct zp_stage *s)
{
	int rc;

	while ((rc = zp_stage_next(s)) == 1)
		if ((rc = zp_stage_forward(s)) != 0)
			break;
	return rc;
}

/* count_lines counts the newlines of s. */
static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

static const char stage_input[] =
    "{\"v\":1,\"kind\":\"page\",\"account\":\"a\",\"body\":1}\n"
    "not json\n"
    "{\"v\":1,\"kind\":\"eos\",\"account\":\"p1\"}\n"
    "{\"v\":2,\"kind\":\"page\"}\n"
    "{\"v\":1,\"kind\":\"event\",\"body\":{\"x\":1}}\n"
    "{\"v\":1}\n"
    "{\"v\":1,\"kind\":\"eos\",\"account\":\"p2\"}\n"
    "{\"v\":1,\"kind\":\"page\",\"body\":\"after the last eos\"}\n";

TEST(stage_two_producers)
{
	struct saved_signals saved;
	struct zp_stage_opts o;
	struct zp_stage s;
	struct zp_buf why = ZP_BUF_INIT, got = ZP_BUF_INIT;
	struct zp_envelope e;
	const char *fwd = "{\"v\":1,\"kind\":\"page\",\"account\":\"a\","
			  "\"body\":1}\n"
			  "{\"v\":1,\"kind\":\"event\",\"body\":{\"x\":1}}\n";
	char in[64], out[64];
	const char *inp = in, *last;
	struct zp_buf log = ZP_BUF_INIT;
	struct zp_capture c;
	int rc;

	signals_save(&saved);
	CHECK_INT(tmp_text(in, stage_input), 0);
	CHECK_INT(tmp_text(out, ""), 0);
	stage_opts(&o, &inp, 1, out, 2);
	CHECK_INT(zp_stage_open(&s, &o, &why), 0);
	CHECK_INT(zp_capture_begin(&c), 0);
	rc = run_stage(&s);
	zp_capture_end(&c, &log);
	CHECK_INT(rc, 0);
	/* Each bad envelope is logged with where it was and why. */
	CHECK(logged(&log, "error", in, 2,
	    "bad envelope dropped: byte 0: invalid literal"));
	CHECK(logged(&log, "error", in, 4,
	    "bad envelope dropped: unsupported envelope version (this "
	    "build reads v1)"));
	CHECK(logged(&log, "error", in, 6,
	    "bad envelope dropped: missing field 'kind'"));
	CHECK_INT(count_lines(log.data), 3);
	zp_buf_release(&log);
	CHECK_INT(s.nread, 2);
	CHECK_INT(s.nwritten, 2);
	CHECK_INT(s.nbad, 3);
	CHECK_INT(s.nversion, 1);
	CHECK_INT(s.eos_seen, 2);
	CHECK(s.done);
	CHECK_INT(zp_stage_next(&s), 0);
	CHECK_INT(zp_stage_exit_code(&s, rc), 65);
	CHECK_INT(zp_stage_finish(&s), 0);
	zp_stage_close(&s);
	/* Both envelopes forwarded byte for byte, then one eos of ours. */
	CHECK_INT(slurp(out, &got), 0);
	CHECK_INT(count_lines(got.data), 3);
	CHECK(strncmp(got.data, fwd, strlen(fwd)) == 0);
	last = got.len > strlen(fwd) ? got.data + strlen(fwd) : "\n";
	zp_env_init(&e);
	CHECK_INT(zp_env_parse(&e, last, strlen(last) - 1), 0);
	CHECK(zp_env_is(&e, "eos"));
	CHECK(e.account == NULL);
	zp_env_release(&e);
	unlink(in);
	unlink(out);
	signals_restore(&saved);
	zp_buf_release(&got);
	zp_buf_release(&why);
}

TEST(stage_two_input_files)
{
	struct saved_signals saved;
	struct zp_stage_opts o;
	struct zp_stage s;
	struct zp_buf why = ZP_BUF_INIT, got = ZP_BUF_INIT;
	char in[2][64], out[64];
	const char *inp[2] = {in[0], in[1]};
	int rc;

	signals_save(&saved);
	CHECK_INT(tmp_text(in[0],
		      "{\"v\":1,\"kind\":\"page\",\"n\":1}\n"
		      "{\"v\":1,\"kind\":\"page\",\"n\":2}\n"
		      "{\"v\":1,\"kind\":\"eos\"}\n"),
	    0);
	CHECK_INT(tmp_text(in[1],
		      "{\"v\":1,\"kind\":\"page\",\"n\":3}\n"
		      "{\"v\":1,\"kind\":\"eos\"}\n"),
	    0);
	CHECK_INT(tmp_text(out, ""), 0);
	stage_opts(&o, inp, 2, out, 2);
	CHECK_INT(zp_stage_open(&s, &o, &why), 0);
	rc = run_stage(&s);
	CHECK_INT(rc, 0);
	CHECK_INT(s.nread, 3);
	CHECK_INT(s.eos_seen, 2);
	CHECK_INT(s.nbad, 0);
	CHECK_INT(zp_stage_exit_code(&s, rc), 0);
	CHECK_INT(zp_stage_finish(&s), 0);
	zp_stage_close(&s);
	CHECK_INT(slurp(out, &got), 0);
	CHECK_INT(count_lines(got.data), 4);
	CHECK(strstr(got.data, "\"n\":1}\n") != NULL);
	CHECK(strstr(got.data, "\"n\":2}\n") != NULL);
	CHECK(strstr(got.data, "\"n\":3}\n") != NULL);
	CHECK(strstr(got.data, "\"n\":1") < strstr(got.data, "\"n\":2"));
	unlink(in[0]);
	unlink(in[1]);
	unlink(out);
	signals_restore(&saved);
	zp_buf_release(&got);
	zp_buf_release(&why);
}

TEST(stage_input_ends_before_eos)
{
	struct saved_signals saved;
	struct zp_stage_opts o;
	struct zp_stage s;
	struct zp_buf why = ZP_BUF_INIT, got = ZP_BUF_INIT;
	struct zp_buf log = ZP_BUF_INIT;
	struct zp_capture c;
	char in[64], out[64];
	const char *inp = in;
	int rc;

	signals_save(&saved);
	CHECK_INT(tmp_text(in,
		      "{\"v\":1,\"kind\":\"page\"}\n"
		      "{\"v\":1,\"kind\":\"eos\"}\n"
		      "[]\n"),
	    0);
	CHECK_INT(tmp_text(out, ""), 0);
	stage_opts(&o, &inp, 1, out, 3);
	CHECK_INT(zp_stage_open(&s, &o, &why), 0);
	CHECK_INT(zp_capture_begin(&c), 0);
	rc = run_stage(&s);
	zp_capture_end(&c, &log);
	CHECK_INT(rc, 0);
	CHECK(logged(&log, "error", in, 3,
	    "bad envelope dropped: envelope is not a JSON object"));
	CHECK(strstr(log.data,
		  ": warn: input ended after 1 of 3 end-of-stream "
		  "envelopes\n") != NULL);
	zp_buf_release(&log);
	CHECK_INT(s.nread, 1);
	CHECK_INT(s.eos_seen, 1);
	CHECK_INT(s.nbad, 1);
	CHECK(s.done);
	CHECK_INT(zp_stage_exit_code(&s, rc), 1);
	CHECK_INT(zp_stage_finish(&s), 0);
	zp_stage_close(&s);
	CHECK_INT(slurp(out, &got), 0);
	CHECK_INT(count_lines(got.data), 2);
	unlink(in);
	unlink(out);
	signals_restore(&saved);
	zp_buf_release(&got);
	zp_buf_release(&why);
}

TEST(stage_write_own_envelopes)
{
	struct saved_signals saved;
	struct zp_stage_opts o;
	struct zp_stage s;
	struct zp_buf why = ZP_BUF_INIT, got = ZP_BUF_INIT;
	struct zp_buf env = ZP_BUF_INIT;
	struct zp_env_field add = {{"sanitized", 9}, {"true", 4}};
	const char *want = "{\"v\":1,\"kind\":\"page\",\"x\":1,"
			   "\"sanitized\":true}\n{\"v\":1,\"id\":\"";
	char in[64], out[64];
	const char *inp = in;
	int rc;

	signals_save(&saved);
	CHECK_INT(tmp_text(in,
		      "{\"v\":1,\"kind\":\"page\",\"x\":1}\n"
		      "{\"v\":1,\"kind\":\"eos\"}\n"),
	    0);
	CHECK_INT(tmp_text(out, ""), 0);
	stage_opts(&o, &inp, 1, out, 1);
	CHECK_INT(zp_stage_open(&s, &o, &why), 0);
	while ((rc = zp_stage_next(&s)) == 1) {
		zp_buf_reset(&env);
		CHECK_INT(zp_env_write(&env, &s.env, &add, 1, NULL), 0);
		CHECK_INT(zp_stage_write(&s, env.data, env.len), 0);
	}
	CHECK_INT(rc, 0);
	CHECK_INT(s.nwritten, 1);
	CHECK_INT(zp_stage_exit_code(&s, rc), 0);
	CHECK_INT(zp_stage_finish(&s), 0);
	zp_stage_close(&s);
	CHECK_INT(slurp(out, &got), 0);
	CHECK(strncmp(got.data, want, strlen(want)) == 0);
	unlink(in);
	unlink(out);
	signals_restore(&saved);
	zp_buf_release(&env);
	zp_buf_release(&got);
	zp_buf_release(&why);
}

TEST(stage_exit_codes)
{
	struct zp_stage s;

	memset(&s, 0, sizeof(s));
	CHECK_INT(zp_stage_exit_code(&s, 0), 0);
	s.nread = 10;
	CHECK_INT(zp_stage_exit_code(&s, 0), 0);
	s.nbad = 1;
	CHECK_INT(zp_stage_exit_code(&s, 0), 1);
	s.nversion = 1;
	CHECK_INT(zp_stage_exit_code(&s, 0), 65);
	CHECK_INT(zp_stage_exit_code(&s, ZP_EINTR), 75);
	CHECK_INT(zp_stage_exit_code(&s, ZP_EPIPE), 75);
	CHECK_INT(zp_stage_exit_code(&s, ZP_EIO), 75);
	CHECK_INT(zp_stage_exit_code(&s, ZP_ETRANSPORT), 69);
	s.nbad = s.nversion = 0;
	CHECK_INT(zp_stage_exit_code(&s, ZP_EINTR), 75);
}

TEST(stage_open_fails)
{
	struct saved_signals saved;
	struct zp_stage_opts o;
	struct zp_stage s;
	struct zp_buf why = ZP_BUF_INIT;
	const char *inp = "/nonexistent-zp/in";
	char in[64];

	signals_save(&saved);
	stage_opts(&o, &inp, 1, "-", 1);
	CHECK_INT(zp_stage_open(&s, &o, &why), ZP_EIO);
	CHECK_STR(why.data, "/nonexistent-zp/in: No such file or directory");
	CHECK_INT(zp_stage_exit_code(&s, ZP_EIO), 75);
	zp_stage_close(&s);
	CHECK(s.in == NULL && s.out == NULL);
	CHECK_INT(tmp_text(in, ""), 0);
	inp = in;
	zp_buf_reset(&why);
	stage_opts(&o, &inp, 1, "ftp://x", 1);
	CHECK_INT(zp_stage_open(&s, &o, &why), ZP_EINVAL);
	CHECK(why.data != NULL &&
	    strncmp(why.data, "ftp://x: unknown", 16) == 0);
	zp_stage_close(&s);
	unlink(in);
	signals_restore(&saved);
	zp_buf_release(&why);
}

/* child_stage_interrupted: a stop signal ends the loop with exit 75. */
static int
child_stage_interrupted(void)
{
	struct zp_stage_opts o;
	struct zp_stage s;
	struct zp_buf why = ZP_BUF_INIT;
	const char *inp;
	char in[64];
	int rc, code;

	if (tmp_text(in, "{\"v\":1,\"kind\":\"page\"}\n") != 0)
		return 2;
	inp = in;
	stage_opts(&o, &inp, 1, "/dev/null", 1);
	if (zp_stage_open(&s, &o, &why) != 0) {
		unlink(in);
		return 3;
	}
	raise(SIGTERM);
	rc = zp_stage_next(&s);
	code = zp_stage_exit_code(&s, rc);
	zp_stage_finish(&s);
	zp_stage_close(&s);
	zp_buf_release(&why);
	unlink(in);
	return rc == ZP_EINTR && code == 75 ? 0 : 4;
}

TEST(stage_interrupted)
{
	CHECK_INT(run_child(child_stage_interrupted), 0);
}

TEST(stage_over_zmq)
{
	struct saved_signals saved;
	struct zp_stage_opts o;
	struct zp_stage s;
	struct zp_buf why = ZP_BUF_INIT, got = ZP_BUF_INIT;
	struct zp_buf b = ZP_BUF_INIT, log = ZP_BUF_INIT;
	struct zp_out *up = NULL;
	struct zp_capture c;
	char out[64], dir[64], bind[128], conn[128];
	const char *inp = bind;
	int rc, i;

	/* An upstream pushes to a stage whose input is a bound socket. */
	alarm(60);
	signals_save(&saved);
	CHECK_INT(ipc_path(dir, bind, "bind:"), 0);
	snprintf(conn, sizeof(conn), "ipc://%s/s", dir);
	CHECK_INT(tmp_text(out, ""), 0);
	stage_opts(&o, &inp, 1, out, 1);
	CHECK_INT(zp_capture_begin(&c), 0);
	CHECK_INT(zp_stage_open(&s, &o, &why), 0);
	zp_capture_end(&c, &log);
	CHECK(strstr(log.data, ": info: listening on ") != NULL);
	CHECK(strstr(log.data, conn) != NULL);
	zp_buf_release(&log);
	CHECK_INT(zp_out_open(&up, conn, &topts, &why), 0);
	for (i = 0; i < 10 && up != NULL; i++) {
		zp_buf_reset(&b);
		zp_buf_printf(&b, "{\"v\":1,\"kind\":\"page\",\"i\":%d}", i);
		CHECK_INT(zp_out_write(up, b.data, b.len), 0);
	}
	zp_buf_reset(&b);
	CHECK_INT(zp_env_eos(&b, "up"), 0);
	if (up != NULL)
		CHECK_INT(zp_out_write(up, b.data, b.len), 0);
	/* The socket never ends: only the eos can stop the loop. */
	rc = up != NULL && s.in != NULL ? run_stage(&s) : -1;
	CHECK_INT(rc, 0);
	CHECK_INT(s.nread, 10);
	CHECK_INT(s.eos_seen, 1);
	CHECK_INT(zp_out_close(&up), 0);
	CHECK_INT(zp_stage_finish(&s), 0);
	zp_stage_close(&s);
	CHECK_INT(slurp(out, &got), 0);
	CHECK_INT(count_lines(got.data), 11);
	CHECK(strncmp(got.data, "{\"v\":1,\"kind\":\"page\",\"i\":0}\n", 28) ==
	    0);
	alarm(0);
	ipc_cleanup(dir);
	unlink(out);
	signals_restore(&saved);
	zp_buf_release(&b);
	zp_buf_release(&got);
	zp_buf_release(&why);
}

TEST(transport_zmq_does_not_starve_files)
{
	struct zp_buf why = ZP_BUF_INIT, b = ZP_BUF_INIT;
	struct zp_out *out = NULL;
	struct zp_in *in = NULL;
	struct zp_slice msg;
	const char *uris[2];
	char dir[64], bind[128], conn[128], path[64];
	int i, files = 0, ok = 1;

	alarm(60);
	CHECK_INT(tmp_text(path, "f1\nf2\nf3\n"), 0);
	CHECK_INT(ipc_path(dir, bind, "bind:"), 0);
	snprintf(conn, sizeof(conn), "ipc://%s/s", dir);
	uris[0] = path;
	uris[1] = bind;
	CHECK_INT(zp_in_open(&in, uris, 2, &topts, &why), 0);
	CHECK_INT(zp_out_open(&out, conn, &topts, &why), 0);
	for (i = 0; i < 200 && in != NULL && out != NULL; i++) {
		zp_buf_reset(&b);
		zp_buf_printf(&b, "z%d", i + 1);
		if (zp_out_write(out, b.data, b.len) != 0)
			ok = 0;
	}
	CHECK(ok);
	/* A pause so that the socket is busy before the first read. */
	usleep(200 * 1000);
	for (i = 0; i < 6 && in != NULL && out != NULL; i++) {
		if (zp_in_read(in, &msg) != 1)
			break;
		files += msg.p[0] == 'f';
	}
	/* Fairly: a busy socket does not keep the file waiting. */
	CHECK_INT(files, 3);
	CHECK_INT(zp_out_close(&out), 0);
	zp_in_close(&in);
	alarm(0);
	ipc_cleanup(dir);
	unlink(path);
	zp_buf_release(&b);
	zp_buf_release(&why);
}
