/*
 * jsonrt.c - the JSON round-trip benchmark: parse each NDJSON line into a
 * DOM and write it back compact, as `jq -c .` does.
 *
 * usage: jsonrt [--stats] [FILE | -]
 *
 * Input is read in large chunks and split with memchr, so a line may have
 * any length; the arena is reset for each line, so memory follows the
 * longest line rather than the file.  Blank lines are skipped.  stdout
 * carries only the output lines; --stats adds one line on stderr with the
 * bytes read, the seconds taken, MB/s (10^6 bytes) and the peak RSS.
 *
 * Exit: 0 ok, 64 usage, 65 malformed line ("jsonrt: line N: byte B:
 * reason", B counted from 0 within line N), 75 read, write or memory
 * failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "error.h"
#include "json.h"

#define READ_MIN (1u << 18) /* never read() less than this at once */
#define FLUSH_AT (1u << 18) /* write() output in pieces this large */

/* Buffered input: bytes [start, end) of buf are read but not consumed. */
struct reader {
	int fd;
	int eof;
	char *buf;
	size_t cap;
	size_t start;
	size_t scan; /* bytes from start known to hold no newline */
	size_t end;
	unsigned long long bytes;
};

/* One round-trip run: DOM memory, output, and where the input is. */
struct rt {
	struct zp_arena arena;
	struct zp_json_parser parser;
	struct zp_buf out;
	unsigned long long line;
};

/* fill compacts r and reads at least once more; 0, or -1 with errno. */
static int
fill(struct reader *r)
{
	ssize_t n;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end < READ_MIN) {
		size_t cap = r->cap ? r->cap * 2 : 4 * READ_MIN;
		char *p = realloc(r->buf, cap);

		if (p == NULL) {
			errno = ENOMEM;
			return -1;
		}
		r->buf = p;
		r->cap = cap;
	}
	do
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	r->eof = n == 0;
	r->end += (size_t)n;
	r->bytes += (unsigned long long)n;
	return 0;
}

/*
 * next_line points *line at the next line without its newline; it returns
 * 1, 0 at the end of input, or -1 with errno.  The line is valid until the
 * next call.
 */
static int
next_line(struct reader *r, const char **line, size_t *len)
{
	for (;;) {
		size_t from = r->start + r->scan;
		char *nl = r->end > from
		    ? memchr(r->buf + from, '\n', r->end - from)
		    : NULL;

		if (nl != NULL) {
			*line = r->buf + r->start;
			*len = (size_t)(nl - *line);
			r->start += *len + 1;
			r->scan = 0;
			return 1;
		}
		r->scan = r->end - r->start;
		if (r->eof) {
			*line = r->buf + r->start;
			*len = r->end - r->start;
			r->start = r->end;
			r->scan = 0;
			return *len > 0;
		}
		if (fill(r) != 0)
			return -1;
	}
}

/* write_all writes n bytes to fd; 0, or -1 with errno. */
static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* flush writes the pending output when force is set or it is large. */
static int
flush(struct rt *rt, int force)
{
	if (rt->out.len == 0 || (!force && rt->out.len < FLUSH_AT))
		return 0;
	if (write_all(STDOUT_FILENO, rt->out.data, rt->out.len) != 0) {
		fprintf(stderr, "jsonrt: write: %s\n", strerror(errno));
		return ZP_EIO;
	}
	zp_buf_reset(&rt->out);
	return 0;
}

/* is_blank tells whether s[0..n) is only JSON whitespace. */
static int
is_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* round_trip parses one line and appends its compact form to rt->out. */
static int
round_trip(struct rt *rt, const char *s, size_t n)
{
	struct zp_json *root;
	int rc;

	if (is_blank(s, n))
		return 0;
	zp_arena_reset(&rt->arena);
	rc = zp_json_parse(&rt->parser, s, n, &root);
	if (rc == ZP_EPARSE || rc == ZP_EDEPTH) {
		fprintf(stderr, "jsonrt: line %llu: byte %zu: %s\n", rt->line,
		    rt->parser.err.offset, rt->parser.err.reason);
		return rc;
	}
	if (rc == 0)
		rc = zp_json_write(&rt->out, root);
	if (rc == 0)
		rc = zp_buf_putc(&rt->out, '\n');
	if (rc != 0) {
		fprintf(stderr, "jsonrt: line %llu: %s\n", rt->line,
		    zp_strerror(rc));
		return rc;
	}
	return flush(rt, 0);
}

/*
 * run round-trips every line of r; 0 or the first error code.  The lines
 * before a bad one are still written out, as jq does.
 */
static int
run(struct rt *rt, struct reader *r)
{
	const char *line;
	size_t len;
	int more, rc = 0;

	while (rc == 0 && (more = next_line(r, &line, &len)) != 0) {
		if (more < 0) {
			fprintf(stderr, "jsonrt: read: %s\n", strerror(errno));
			rc = ZP_EIO;
			break;
		}
		rt->line++;
		rc = round_trip(rt, line, len);
	}
	if (rc != ZP_EIO && flush(rt, 1) != 0 && rc == 0)
		rc = ZP_EIO;
	return rc;
}

/* now returns a monotonic time in seconds. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* print_stats reports bytes, seconds, throughput and peak RSS on stderr. */
static void
print_stats(unsigned long long bytes, double secs)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr,
	    "jsonrt: stats bytes=%llu seconds=%.3f mb_per_s=%.1f "
	    "peak_rss_kib=%ld\n",
	    bytes, secs, secs > 0 ? (double)bytes / 1e6 / secs : 0.0,
	    ru.ru_maxrss);
}

/* usage prints the synopsis to f. */
static void
usage(FILE *f)
{
	fprintf(f, "usage: jsonrt [--stats] [FILE | -]\n");
}

/* open_input opens path ("-" or NULL for stdin); the fd or -1. */
static int
open_input(const char *path)
{
	int fd;

	if (path == NULL || strcmp(path, "-") == 0)
		return STDIN_FILENO;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		fprintf(stderr, "jsonrt: %s: %s\n", path, strerror(errno));
	return fd;
}

/* main round-trips FILE or stdin to stdout; the exit status says how. */
int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"stats", no_argument, NULL, 's'},
	    {NULL, 0, NULL, 0},
	};
	struct reader r = {0};
	struct rt rt = {ZP_ARENA_INIT, {0}, ZP_BUF_INIT, 0};
	int c, stats = 0, rc;
	double t0 = now();

	while ((c = getopt_long(argc, argv, "hs", opts, NULL)) != -1) {
		switch (c) {
		case 'h': usage(stdout); return ZP_EXIT_OK;
		case 's': stats = 1; break;
		default: usage(stderr); return ZP_EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		usage(stderr);
		return ZP_EXIT_USAGE;
	}
	r.fd = open_input(argv[optind]);
	if (r.fd < 0)
		return ZP_EXIT_TEMPFAIL;
	zp_json_parser_init(&rt.parser, &rt.arena);
	rc = run(&rt, &r);
	if (stats)
		print_stats(r.bytes, now() - t0);
	zp_json_parser_release(&rt.parser);
	zp_arena_release(&rt.arena);
	zp_buf_release(&rt.out);
	free(r.buf);
	return zp_exit_code(rc);
}
