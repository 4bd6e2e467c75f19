/*
 * simload - a small HTTP/1.1 load generator for zp-sim's benchmark.
 *
 * N threads each keep one connection to 127.0.0.1:PORT alive and send
 * GET PATH back to back, reading each answer whole (Content-Length), so
 * the figure is what one server answers, not what a client library costs.
 * The bearer token comes from SIMLOAD_TOKEN (never argv).
 *
 * usage: simload --port N [--path P] [--requests N] [--threads N]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* One worker's share and its tallies. */
struct worker {
	pthread_t thread;
	int port;
	const char *request;
	size_t request_len;
	long todo;
	long ok;
	long failed;
};

/* usage prints the synopsis and exits with status. */
static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: simload --port N [--path P] [--requests N] "
	    "[--threads N]\n");
	exit(status);
}

/* dial connects to 127.0.0.1:port; returns the socket or -1. */
static int
dial(int port)
{
	struct sockaddr_in a;
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (s < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(s);
		return -1;
	}
	return s;
}

/* send_all writes n bytes; 0 or -1. */
static int
send_all(int s, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(s, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* read_answer reads one whole response; returns its status or -1. */
static int
read_answer(int s, char *buf, size_t cap)
{
	size_t have = 0, head, want;
	char *end = NULL, *cl;
	int status;

	while (end == NULL) {
		ssize_t r = read(s, buf + have, cap - 1 - have);

		if (r <= 0)
			return -1;
		have += (size_t)r;
		buf[have] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (end == NULL && have >= cap - 1)
			return -1;
	}
	head = (size_t)(end - buf) + 4;
	want = 0;
	for (cl = strstr(buf, "\r\n"); cl != NULL && cl < end;
	     cl = strstr(cl + 2, "\r\n"))
		if (strncasecmp(cl + 2, "Content-Length:", 15) == 0)
			want = strtoul(cl + 17, NULL, 10);
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
		return -1;
	while (have - head < want) {
		size_t chunk = want - (have - head);
		ssize_t r = read(s, buf, chunk < cap ? chunk : cap);

		if (r <= 0)
			return -1;
		have += (size_t)r;
	}
	return status;
}

/* work sends this worker's requests over one kept-alive connection. */
static void *
work(void *arg)
{
	struct worker *w = arg;
	static __thread char buf[1 << 16];
	int s = dial(w->port);

	for (; w->todo > 0; w->todo--) {
		int status;

		if (s < 0 && (s = dial(w->port)) < 0) {
			w->failed++;
			continue;
		}
		if (send_all(s, w->request, w->request_len) != 0 ||
		    (status = read_answer(s, buf, sizeof(buf))) < 0) {
			close(s);
			s = -1;
			w->failed++;
			continue;
		}
		if (status == 200)
			w->ok++;
		else
			w->failed++;
	}
	if (s >= 0)
		close(s);
	return NULL;
}

/* run starts the workers, waits for them and prints the figures. */
static int
run(int port, const char *path, long requests, int threads)
{
	struct worker *w = calloc((size_t)threads, sizeof(*w));
	const char *token = getenv("SIMLOAD_TOKEN");
	char request[2048];
	struct timespec t0, t1;
	long ok = 0, failed = 0;
	double secs;
	int i, n;

	n = snprintf(request, sizeof(request),
	    "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
	    "Authorization: Bearer %s\r\n\r\n",
	    path, port, token ? token : "");
	if (w == NULL || n < 0 || (size_t)n >= sizeof(request))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < threads; i++) {
		w[i].port = port;
		w[i].request = request;
		w[i].request_len = (size_t)n;
		w[i].todo = requests / threads + (i < requests % threads);
		pthread_create(&w[i].thread, NULL, work, &w[i]);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(w[i].thread, NULL);
		ok += w[i].ok;
		failed += w[i].failed;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("requests %ld ok %ld failed %ld seconds %.3f rate %.0f\n",
	    ok + failed, ok, failed, secs, (double)(ok + failed) / secs);
	free(w);
	return failed != 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
	    {"path", required_argument, NULL, 'P'},
	    {"port", required_argument, NULL, 'p'},
	    {"requests", required_argument, NULL, 'n'},
	    {"threads", required_argument, NULL, 't'}, {NULL, 0, NULL, 0}};
	const char *path = "/v2/users/me";
	long requests = 20000, port = 0, threads = 4;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			usage(0);
		else if (c == 'P')
			path = optarg;
		else if (c == 'p')
			port = strtol(optarg, NULL, 10);
		else if (c == 'n')
			requests = strtol(optarg, NULL, 10);
		else if (c == 't')
			threads = strtol(optarg, NULL, 10);
		else
			usage(64);
	}
	if (port <= 0 || port > 65535 || requests <= 0 || threads <= 0 ||
	    threads > 256)
		usage(64);
	return run((int)port, path, requests, (int)threads);
}
