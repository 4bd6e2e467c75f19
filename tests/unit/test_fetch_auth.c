/*
 * test_fetch_auth.c - zp-fetch's accounts and OAuth tokens: config,
 * credentials and environment loading with their exact messages, and the
 * token flows against a real zp-sim in this process (Server-to-Server,
 * renewal, refresh-token rotation) and against a canned server that
 * checks the exact request and feeds answers the sim never gives.
 *
 * Every file lives in a fresh directory under /tmp that the test removes.
 * Times passed to fetch_auth_token are made up: renewal is a matter of
 * the now argument, so nothing here sleeps.
 */
#include "harness.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "crypto.h"
#include "error.h"
#include "http.h"
#include "json.h"
#include "sim.h"
#include "url.h"

#define SIM_CLIENT "zp-sim-client"
#define SIM_SECRET "zp-sim-secret"
#define REDIRECT "http://localhost/cb"
#define WAIT_MS 10000 /* the canned server gives up after this */

/* --- files ----------------------------------------------------------- */

/* tmp_dir makes a fresh directory under /tmp, named in dir (64 bytes). */
static int
tmp_dir(char *dir)
{
	strcpy(dir, "/tmp/zp-auth-XXXXXX");
	return mkdtemp(dir) != NULL ? 0 : -1;
}

/* rm_dir removes dir and the files in it. */
static void
rm_dir(const char *dir)
{
	char path[512];
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
}

/* count_files tells how many entries dir holds besides . and .. */
static int
count_files(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0;
	if (d != NULL)
		closedir(d);
	return n;
}

/* put_file writes text to dir/name with mode and its path to path (512
 * bytes); 0 or -1. */
static int
put_file(const char *dir, const char *name, const char *text, mode_t mode,
    char *path)
{
	size_t n = strlen(text);
	int fd, rc = 0;

	snprintf(path, 512, "%s/%s", dir, name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0)
		return -1;
	if (fchmod(fd, mode) != 0 || write(fd, text, n) != (ssize_t)n)
		rc = -1;
	close(fd);
	return rc;
}

/* get_file reads path into out (reset first); 0 or -1. */
static int
get_file(const char *path, struct zp_buf *out)
{
	char tmp[1024];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	zp_buf_reset(out);
	if (fd < 0)
		return -1;
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		zp_buf_append(out, tmp, (size_t)n);
	close(fd);
	if (out->data == NULL)
		zp_buf_puts(out, "");
	return 0;
}

/* mode_of is the permission bits of path, or -1. */
static int
mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (int)(st.st_mode & 0777) : -1;
}

/* has tells whether the text of b contains s. */
static int
has(const struct zp_buf *b, const char *s)
{
	return b->data != NULL && strstr(b->data, s) != NULL;
}

/* starts tells whether the text of b begins with s. */
static int
starts(const struct zp_buf *b, const char *s)
{
	return b->data != NULL && strncmp(b->data, s, strlen(s)) == 0;
}

/* --- an in-process zp-sim -------------------------------------------- */

/* sim_up starts a tiny org (3 users, 2 days) on 127.0.0.1 with a port
 * the kernel picks, as zp-sim's main does; 0 or -1. */
static int
sim_up(struct sim *s, int token_ttl)
{
	memset(s, 0, sizeof(*s));
	s->cfg.org.seed = 7;
	s->cfg.org.users = 3;
	s->cfg.org.days = 2;
	s->cfg.org.future_days = 1;
	s->cfg.org.plan = SIM_PLAN_PRO;
	s->cfg.org.now = time(NULL) / 60 * 60;
	s->cfg.org.account_id = "acme";
	s->cfg.org.domain = "acme.example";
	s->cfg.listen = "127.0.0.1";
	s->cfg.base_path = "/v2";
	s->cfg.client_id = SIM_CLIENT;
	strcpy(s->cfg.client_secret, SIM_SECRET);
	s->cfg.token_ttl = token_ttl;
	s->cfg.page_token_ttl = 900;
	s->cfg.rate_limits = 1;
	s->cfg.speed = 1;
	s->cfg.faults.storm_len = 3;
	s->cfg.faults.slow_ms = 2000;
	if (pthread_mutex_init(&s->lock, NULL) != 0 ||
	    sim_org_generate(&s->org, &s->cfg.org) != 0 ||
	    sim_tokens_new(&s->tokens) != 0 || sim_pages_new(&s->pages) != 0 ||
	    sim_limits_new(&s->limits, s->cfg.org.plan, 0) != 0 ||
	    sim_faults_new(&s->faults, s->cfg.org.seed, &s->cfg.faults) != 0)
		return -1;
	return sim_server_start(s) == 0 ? 0 : -1;
}

/* sim_down stops the server and frees what sim_up made. */
static void
sim_down(struct sim *s)
{
	sim_server_stop(s);
	sim_faults_free(&s->faults);
	sim_limits_free(&s->limits);
	sim_pages_free(&s->pages);
	sim_tokens_free(&s->tokens);
	sim_org_free(&s->org);
	pthread_mutex_destroy(&s->lock);
}

/* sim_ttl changes the lifetime of the tokens the sim issues next. */
static void
sim_ttl(struct sim *s, int ttl)
{
	pthread_mutex_lock(&s->lock);
	s->cfg.token_ttl = ttl;
	pthread_mutex_unlock(&s->lock);
}

/* account_for fills acc for the sim at url (S2S unless refresh_file). */
static void
account_for(struct fetch_account *acc, const char *url, const char *id,
    const char *secret, const char *refresh_file)
{
	memset(acc, 0, sizeof(*acc));
	snprintf(acc->name, sizeof(acc->name), "%s", id[0] ? id : "default");
	snprintf(acc->account_id, sizeof(acc->account_id), "%s", id);
	snprintf(acc->client_id, sizeof(acc->client_id), "%s", SIM_CLIENT);
	snprintf(acc->client_secret, sizeof(acc->client_secret), "%s", secret);
	snprintf(
	    acc->api_url, sizeof(acc->api_url), "%s", FETCH_DEFAULT_API_URL);
	snprintf(acc->oauth_url, sizeof(acc->oauth_url), "%s", url);
	if (refresh_file != NULL)
		snprintf(acc->refresh_token_file,
		    sizeof(acc->refresh_token_file), "%s", refresh_file);
}

/* api_status GETs {api_url}/users?page_size=1 with acc's token and
 * returns the status, or -1. */
static int
api_status(struct zp_http *h, const struct fetch_account *acc)
{
	struct zp_http_response rs = ZP_HTTP_RESPONSE_INIT;
	struct zp_http_request rq = {0};
	struct zp_buf url = ZP_BUF_INIT, auth = ZP_BUF_INIT;
	const char *headers[1];
	int status = -1;

	if (zp_http_url_join(&url, acc->api_url, "/users?page_size=1") != 0 ||
	    fetch_auth_header(acc, &auth) != 0)
		goto out;
	headers[0] = auth.data;
	rq.url = url.data;
	rq.headers = headers;
	rq.n_headers = 1;
	rq.timeout_ms = WAIT_MS;
	if (zp_http_do(h, &rq, &rs) == 0)
		status = rs.status;
out:
	zp_http_response_release(&rs);
	zp_buf_release(&url);
	zp_buf_release(&auth);
	return status;
}

/* authorize_code asks the sim's /oauth/authorize for a one-time code. */
static int
authorize_code(struct zp_http *h, const char *base, struct zp_buf *code)
{
	struct zp_http_response rs = ZP_HTTP_RESPONSE_INIT;
	struct zp_http_request rq = {0};
	struct zp_buf url = ZP_BUF_INIT;
	const char *loc, *c;
	int rc = -1;

	zp_http_url_join(&url, base, "/oauth/authorize");
	zp_url_query_add(&url, "response_type", "code");
	zp_url_query_add(&url, "client_id", SIM_CLIENT);
	zp_url_query_add(&url, "redirect_uri", REDIRECT);
	rq.url = url.data;
	rq.timeout_ms = WAIT_MS;
	if (zp_http_do(h, &rq, &rs) == 0 && rs.status == 302 &&
	    (loc = zp_http_header(&rs, "Location")) != NULL &&
	    (c = strstr(loc, "?code=")) != NULL) {
		c += 6;
		rc = zp_url_decode(code, c, strcspn(c, "&")) == 0 ? 0 : -1;
	}
	zp_http_response_release(&rs);
	zp_buf_release(&url);
	return rc;
}

/* sim_basic writes the sim client's "Authorization: Basic ..." header. */
static void
sim_basic(struct zp_buf *out)
{
	static const char cred[] = SIM_CLIENT ":" SIM_SECRET;

	zp_buf_puts(out, "Authorization: Basic ");
	zp_base64_encode(out, cred, sizeof(cred) - 1);
}

/* json_str copies the string member key of the JSON object text into
 * out; 0 or -1. */
static int
json_str(const char *text, const char *key, struct zp_buf *out)
{
	struct zp_arena arena = ZP_ARENA_INIT;
	struct zp_json_parser p;
	struct zp_json *root;
	const struct zp_json *v;
	int rc = -1;

	zp_json_parser_init(&p, &arena);
	if (zp_json_parse(&p, text, strlen(text), &root) == 0 &&
	    (v = zp_json_get(root, key)) != NULL && v->type == ZP_JSON_STRING)
		rc = zp_buf_append(out, v->u.s, v->n) == 0 ? 0 : -1;
	zp_json_parser_release(&p);
	zp_arena_release(&arena);
	return rc;
}

/*
 * first_refresh gets a refresh token from the sim at base the way an
 * OAuth app does: /oauth/authorize gives a code, grant_type=
 * authorization_code trades it.  0 or -1.
 */
static int
first_refresh(struct zp_http *h, const char *base, struct zp_buf *token)
{
	struct zp_http_response rs = ZP_HTTP_RESPONSE_INIT;
	struct zp_http_request rq = {0};
	struct zp_buf code = ZP_BUF_INIT, url = ZP_BUF_INIT,
		      body = ZP_BUF_INIT, auth = ZP_BUF_INIT;
	const char *headers[1];
	int rc = -1;

	if (authorize_code(h, base, &code) != 0)
		goto out;
	zp_http_url_join(&url, base, "/oauth/token");
	zp_buf_puts(&body, "grant_type=authorization_code&code=");
	zp_url_encode(&body, code.data, code.len);
	zp_buf_puts(&body, "&redirect_uri=");
	zp_url_encode(&body, REDIRECT, strlen(REDIRECT));
	sim_basic(&auth);
	headers[0] = auth.data;
	rq.method = "POST";
	rq.url = url.data;
	rq.headers = headers;
	rq.n_headers = 1;
	rq.body = body.data;
	rq.body_len = body.len;
	rq.timeout_ms = WAIT_MS;
	if (zp_http_do(h, &rq, &rs) == 0 && rs.status == 200)
		rc = json_str(rs.body.data, "refresh_token", token);
out:
	zp_http_response_release(&rs);
	zp_buf_release(&code);
	zp_buf_release(&url);
	zp_buf_release(&body);
	zp_buf_release(&auth);
	return rc;
}

/* --- Server-to-Server OAuth against the sim -------------------------- */

TEST(fetch_auth_s2s_token)
{
	struct zp_buf why = ZP_BUF_INIT, want = ZP_BUF_INIT;
	struct fetch_account acc, fixed;
	struct zp_http *h = NULL;
	struct sim s;

	CHECK_INT(sim_up(&s, 3599), 0);
	CHECK_INT(zp_http_new(&h), 0);
	account_for(&acc, s.cfg.public_url, "acme", SIM_SECRET, NULL);
	CHECK_INT(fetch_auth_token(&acc, h, 1000.0, 0, &why), 0);
	CHECK(why.len == 0);
	CHECK(strlen(acc.access_token) > 20);
	CHECK_INT(acc.renewals, 1);
	CHECK(acc.lifetime == 3599.0);
	CHECK(acc.expires_at == 1000.0 + 3599.0);
	zp_buf_printf(&want, "%s/v2", s.cfg.public_url);
	CHECK_STR(acc.api_url, want.data);
	CHECK_INT(api_status(h, &acc), 200);

	/* An explicit API URL is kept whatever the token answer says. */
	account_for(&fixed, s.cfg.public_url, "acme", SIM_SECRET, NULL);
	strcpy(fixed.api_url, "http://explicit.invalid/v2");
	fixed.api_url_explicit = 1;
	CHECK_INT(fetch_auth_token(&fixed, h, 1000.0, 0, &why), 0);
	CHECK_STR(fixed.api_url, "http://explicit.invalid/v2");
	CHECK(strcmp(fixed.access_token, acc.access_token) != 0);

	zp_http_free(&h);
	sim_down(&s);
	zp_buf_release(&why);
	zp_buf_release(&want);
}

TEST(fetch_auth_s2s_bad_secret)
{
	struct zp_buf why = ZP_BUF_INIT, log = ZP_BUF_INIT;
	struct fetch_account acc;
	struct zp_capture cap;
	struct zp_http *h = NULL;
	struct sim s;

	CHECK_INT(sim_up(&s, 3599), 0);
	CHECK_INT(zp_http_new(&h), 0);
	account_for(&acc, s.cfg.public_url, "acme", "wrong-S3CRET", NULL);
	CHECK_INT(zp_capture_begin(&cap), 0);
	CHECK_INT(fetch_auth_token(&acc, h, 1000.0, 0, &why), ZP_EAUTH);
	zp_capture_end(&cap, &log);
	CHECK_STR(why.data,
	    "account acme: Zoom refused the credentials (HTTP 401): "
	    "invalid_client: Invalid client_id or client_secret");
	CHECK(!has(&why, "S3CRET") && !has(&log, "S3CRET"));
	CHECK_STR(acc.access_token, "");
	CHECK_INT(acc.renewals, 0);
	CHECK(acc.expires_at == 0);
	zp_http_free(&h);
	sim_down(&s);
	zp_buf_release(&why);
	zp_buf_release(&log);
}

TEST(fetch_auth_s2s_unknown_account)
{
	struct zp_buf why = ZP_BUF_INIT;
	struct fetch_account acc;
	struct zp_http *h = NULL;
	struct sim s;

	CHECK_INT(sim_up(&s, 3599), 0);
	CHECK_INT(zp_http_new(&h), 0);
	account_for(&acc, s.cfg.public_url, "nosuch", SIM_SECRET, NULL);
	CHECK_INT(fetch_auth_token(&acc, h, 1000.0, 0, &why), ZP_EAUTH);
	CHECK_STR(why.data,
	    "account nosuch: Zoom refused the credentials (HTTP 400): "
	    "invalid_request: Invalid request : Account does not exist");
	CHECK_STR(acc.access_token, "");
	zp_http_free(&h);
	sim_down(&s);
	zp_buf_release(&why);
}

TEST(fetch_auth_renewal)
{
	struct zp_buf why = ZP_BUF_INIT;
	struct fetch_account acc;
	struct zp_http *h = NULL;
	char first[sizeof(acc.access_token)];
	struct sim s;

	CHECK_INT(sim_up(&s, 100), 0);
	CHECK_INT(zp_http_new(&h), 0);
	account_for(&acc, s.cfg.public_url, "acme", SIM_SECRET, NULL);

	/* A 100 s token is renewed when less than 10 s are left. */
	CHECK_INT(fetch_auth_token(&acc, h, 1000.0, 0, &why), 0);
	CHECK(acc.expires_at == 1100.0);
	strcpy(first, acc.access_token);
	CHECK_INT(fetch_auth_token(&acc, h, 1089.9, 0, &why), 0);
	CHECK_INT(acc.renewals, 1);
	CHECK_STR(acc.access_token, first);
	CHECK_INT(fetch_auth_token(&acc, h, 1090.0, 0, &why), 0);
	CHECK_INT(acc.renewals, 2);
	CHECK(strcmp(acc.access_token, first) != 0);
	CHECK(acc.expires_at == 1190.0);

	/* A 3599 s token is renewed when less than 60 s are left. */
	sim_ttl(&s, 3599);
	CHECK_INT(fetch_auth_token(&acc, h, 2000.0, 1, &why), 0);
	CHECK_INT(acc.renewals, 3);
	CHECK(acc.expires_at == 5599.0);
	CHECK_INT(fetch_auth_token(&acc, h, 5538.9, 0, &why), 0);
	CHECK_INT(acc.renewals, 3);
	CHECK_INT(fetch_auth_token(&acc, h, 5539.0, 0, &why), 0);
	CHECK_INT(acc.renewals, 4);

	/* A token past its expiry, or none at all, is always renewed. */
	CHECK_INT(fetch_auth_token(&acc, h, 1e6, 0, &why), 0);
	CHECK_INT(acc.renewals, 5);
	CHECK(why.len == 0);
	zp_http_free(&h);
	sim_down(&s);
	zp_buf_release(&why);
}

TEST(fetch_auth_force)
{
	struct zp_buf why = ZP_BUF_INIT;
	struct fetch_account acc;
	struct zp_http *h = NULL;
	char first[sizeof(acc.access_token)];
	struct sim s;

	CHECK_INT(sim_up(&s, 3599), 0);
	CHECK_INT(zp_http_new(&h), 0);
	account_for(&acc, s.cfg.public_url, "acme", SIM_SECRET, NULL);
	CHECK_INT(fetch_auth_token(&acc, h, 1000.0, 0, &why), 0);
	strcpy(first, acc.access_token);
	CHECK_INT(fetch_auth_token(&acc, h, 1001.0, 0, &why), 0);
	CHECK_INT(acc.renewals, 1);
	CHECK_INT(fetch_auth_token(&acc, h, 1001.0, 1, &why), 0);
	CHECK_INT(acc.renewals, 2);
	CHECK(strcmp(acc.access_token, first) != 0);
	CHECK(acc.expires_at == 1001.0 + 3599.0);
	CHECK_INT(api_status(h, &acc), 200);

	/* A failed renewal leaves the token in hand as it was. */
	strcpy(first, acc.access_token);
	strcpy(acc.client_secret, "not-it");
	CHECK_INT(fetch_auth_token(&acc, h, 1002.0, 1, &why), ZP_EAUTH);
	CHECK_STR(acc.access_token, first);
	CHECK_INT(acc.renewals, 2);
	zp_http_free(&h);
	sim_down(&s);
	zp_buf_release(&why);
}

TEST(fetch_auth_unreachable)
{
	struct sockaddr_in sa = {0};
	socklen_t len = sizeof(sa);
	struct zp_buf why = ZP_BUF_INIT;
	struct fetch_account acc;
	struct zp_http *h = NULL;
	char url[64];
	int fd;

	/* A port bound but not listening refuses connections. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK_INT(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	CHECK_INT(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", ntohs(sa.sin_port));
	CHECK_INT(zp_http_new(&h), 0);
	account_for(&acc, url, "acme", SIM_SECRET, NULL);
	CHECK_INT(fetch_auth_token(&acc, h, 1000.0, 0, &why), ZP_ETRANSPORT);
	CHECK(strncmp(why.data, "account acme: token endpoint: ", 30) == 0);
	CHECK(why.len > 30);
	CHECK(!has(&why, SIM_SECRET));
	CHECK_STR(acc.access_token, "");
	close(fd);
	zp_http_free(&h);
	zp_buf_release(&why);
}

/* --- the authorization-code flow against the sim --------------------- */

TEST(fetch_auth_refresh_rotation)
{
	struct zp_buf why = ZP_BUF_INIT, first = ZP_BUF_INIT,
		      text = ZP_BUF_INIT, second = ZP_BUF_INIT,
		      log = ZP_BUF_INIT, want = ZP_BUF_INIT;
	struct fetch_account acc;
	struct zp_capture cap;
	struct zp_http *h = NULL;
	char dir[64], path[512];
	struct sim s;

	CHECK_INT(tmp_dir(dir), 0);
	CHECK_INT(sim_up(&s, 3599), 0);
	CHECK_INT(zp_http_new(&h), 0);
	CHECK_INT(first_refresh(h, s.cfg.public_url, &first), 0);
	zp_buf_printf(&text, "%s\n", first.data);
	CHECK_INT(put_file(dir, "refresh", text.data, 0640, path), 0);
	account_for(&acc, s.cfg.public_url, "", SIM_SECRET, path);

	/* The token is rotated and saved, 0600, with no temporary left. */
	CHECK_INT(zp_capture_begin(&cap), 0);
	CHECK_INT(fetch_auth_token(&acc, h, 1000.0, 0, &why), 0);
	zp_capture_end(&cap, &log);
	CHECK(why.len == 0);
	zp_buf_printf(
	    &want, "%s: holds a refresh token and has mode 640", path);
	CHECK(has(&log, want.data));
	CHECK(!has(&log, first.data));
	CHECK_INT(acc.renewals, 1);
	CHECK(acc.expires_at == 1000.0 + 3599.0);
	CHECK_INT(api_status(h, &acc), 200);
	CHECK_INT(get_file(path, &second), 0);
	CHECK(second.len > 20 && second.data[second.len - 1] == '\n');
	CHECK(strcmp(second.data, text.data) != 0);
	CHECK_INT(mode_of(path), 0600);
	CHECK_INT(count_files(dir), 1);

	/* The saved token works in its turn. */
	CHECK_INT(fetch_auth_token(&acc, h, 1001.0, 1, &why), 0);
	CHECK_INT(acc.renewals, 2);
	CHECK_INT(get_file(path, &text), 0);
	CHECK(strcmp(second.data, text.data) != 0);

	/* The first one was spent: Zoom refuses it, the file is kept. */
	zp_buf_reset(&text);
	zp_buf_printf(&text, "%s\n", first.data);
	CHECK_INT(put_file(dir, "refresh", text.data, 0600, path), 0);
	CHECK_INT(fetch_auth_token(&acc, h, 1002.0, 1, &why), ZP_EAUTH);
	CHECK_STR(why.data,
	    "account default: Zoom refused the credentials (HTTP 400): "
	    "invalid_request: Invalid Token!");
	CHECK(!has(&why, first.data));
	CHECK_INT(get_file(path, &second), 0);
	CHECK_STR(second.data, text.data);
	CHECK_INT(acc.renewals, 2);

	zp_http_free(&h);
	sim_down(&s);
	rm_dir(dir);
	zp_buf_release(&why);
	zp_buf_release(&first);
	zp_buf_release(&second);
	zp_buf_release(&text);
	zp_buf_release(&log);
	zp_buf_release(&want);
}

TEST(fetch_auth_refresh_missing_file)
{
	struct zp_buf why = ZP_BUF_INIT, want = ZP_BUF_INIT;
	struct fetch_account acc;
	struct zp_http *h = NULL;
	char dir[64], path[512];

	CHECK_INT(tmp_dir(dir), 0);
	snprintf(path, sizeof(path), "%s/none", dir);
	CHECK_INT(zp_http_new(&h), 0);
	account_for(&acc, "http://127.0.0.1:9", "", SIM_SECRET, path);
	CHECK_INT(fetch_auth_token(&acc, h, 1000.0, 0, &why), ZP_ESECRET);
	zp_buf_printf(&want,
	    "account default: refresh_token_file: %s: No such file or "
	    "directory",
	    path);
	CHECK_STR(why.data, want.data);
	zp_http_free(&h);
	rm_dir(dir);
	zp_buf_release(&why);
	zp_buf_release(&want);
}

/* --- a canned token endpoint ----------------------------------------- */

#define MAX_CANNED 4

/* A one-request-per-connection server that answers canned replies in
 * order and keeps each request it read. */
struct canned {
	int lfd, port;
	pthread_t thread;
	const char *replies[MAX_CANNED];
	size_t n_replies;
	struct zp_buf reqs[MAX_CANNED]; /* read only after canned_stop */
};

/* wait_in waits until fd is readable; 1, or 0 after WAIT_MS. */
static int
wait_in(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};

	return poll(&p, 1, WAIT_MS) == 1;
}

/* request_done tells whether b holds a head and its whole body. */
static int
request_done(const struct zp_buf *b)
{
	const char *end = b->data ? strstr(b->data, "\r\n\r\n") : NULL;
	const char *cl;
	size_t body = 0;

	if (end == NULL)
		return 0;
	cl = strstr(b->data, "\r\nContent-Length:");
	if (cl != NULL && cl < end)
		body = strtoul(cl + 17, NULL, 10);
	return b->len >= (size_t)(end + 4 - b->data) + body;
}

/* canned_run serves one reply per connection, then ends. */
static void *
canned_run(void *arg)
{
	struct canned *c = arg;
	char tmp[4096];
	ssize_t n;
	size_t i;
	int fd;

	for (i = 0; i < c->n_replies; i++) {
		if (!wait_in(c->lfd) || (fd = accept(c->lfd, NULL, NULL)) < 0)
			break;
		while (!request_done(&c->reqs[i]) && wait_in(fd) &&
		    (n = read(fd, tmp, sizeof(tmp))) > 0)
			zp_buf_append(&c->reqs[i], tmp, (size_t)n);
		if (write(fd, c->replies[i], strlen(c->replies[i])) < 0)
			i = c->n_replies;
		close(fd);
	}
	return NULL;
}

/* canned_start listens on 127.0.0.1 and serves replies; 0 or -1. */
static int
canned_start(struct canned *c, const char *const *replies, size_t n)
{
	struct sockaddr_in sa = {0};
	socklen_t len = sizeof(sa);

	memset(c, 0, sizeof(*c));
	memcpy(c->replies, replies, n * sizeof(*replies));
	c->n_replies = n;
	c->lfd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (c->lfd < 0 || bind(c->lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(c->lfd, 4) != 0 ||
	    getsockname(c->lfd, (struct sockaddr *)&sa, &len) != 0)
		return -1;
	c->port = ntohs(sa.sin_port);
	return pthread_create(&c->thread, NULL, canned_run, c) == 0 ? 0 : -1;
}

/* canned_stop waits for the server to finish and closes it. */
static void
canned_stop(struct canned *c)
{
	pthread_join(c->thread, NULL);
	close(c->lfd);
}

/* canned_free releases the requests kept. */
static void
canned_free(struct canned *c)
{
	size_t i;

	for (i = 0; i < MAX_CANNED; i++)
		zp_buf_release(&c->reqs[i]);
}

/* reply builds an HTTP/1.1 answer with status and a JSON body. */
static void
reply(struct zp_buf *out, const char *status, const char *body)
{
	zp_buf_printf(out,
	    "HTTP/1.1 %s\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
	    status, strlen(body), body);
}

/* basic_of writes the expected header line for id:secret. */
static void
basic_of(struct zp_buf *out, const char *id, const char *secret)
{
	struct zp_buf raw = ZP_BUF_INIT;

	zp_buf_printf(&raw, "%s:%s", id, secret);
	zp_buf_puts(out, "\r\nAuthorization: Basic ");
	zp_base64_encode(out, raw.data, raw.len);
	zp_buf_puts(out, "\r\n");
	zp_buf_release(&raw);
}

/* body_of is the body of the request text in b. */
static const char *
body_of(const struct zp_buf *b)
{
	const char *end = b->data ? strstr(b->data, "\r\n\r\n") : NULL;

	return end != NULL ? end + 4 : "";
}

TEST(fetch_auth_s2s_request)
{
	struct zp_buf ok = ZP_BUF_INIT, why = ZP_BUF_INIT, want = ZP_BUF_INIT;
	struct fetch_account acc;
	struct zp_http *h = NULL;
	struct canned c;
	const char *replies[1];
	char url[64];

	reply(&ok, "200 OK",
	    "{\"access_token\":\"a\\/b\\u0041\",\"token_type\":\"bearer\","
	    "\"extra\":{\"x\":[1,{\"access_token\":\"no\"}]},"
	    "\"expires_in\":1800,\"api_url\":\"https://api-eu.zoom.us/\"}");
	replies[0] = ok.data;
	CHECK_INT(canned_start(&c, replies, 1), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", c.port);
	account_for(&acc, url, "Ab/c d", "p:ss", NULL);
	CHECK_INT(zp_http_new(&h), 0);
	CHECK_INT(fetch_auth_token(&acc, h, 50.0, 0, &why), 0);
	canned_stop(&c);
	CHECK(starts(&c.reqs[0],
	    "POST /oauth/token?grant_type=account_credentials"
	    "&account_id=Ab%2Fc%20d HTTP/1.1\r\n"));
	basic_of(&want, SIM_CLIENT, "p:ss");
	CHECK(has(&c.reqs[0], want.data));
	CHECK(has(&c.reqs[0], "\r\nContent-Length: 0\r\n"));
	CHECK_STR(body_of(&c.reqs[0]), "");
	CHECK_STR(acc.access_token, "a/bA");
	CHECK(acc.lifetime == 1800.0 && acc.expires_at == 1850.0);
	CHECK_STR(acc.api_url, "https://api-eu.zoom.us/v2");
	zp_http_free(&h);
	canned_free(&c);
	zp_buf_release(&ok);
	zp_buf_release(&why);
	zp_buf_release(&want);
}

TEST(fetch_auth_refresh_request)
{
	struct zp_buf ok = ZP_BUF_INIT, why = ZP_BUF_INIT, text = ZP_BUF_INIT,
		      want = ZP_BUF_INIT;
	struct fetch_account acc;
	struct zp_http *h = NULL;
	struct canned c;
	const char *replies[1];
	char url[64], dir[64], path[512];

	CHECK_INT(tmp_dir(dir), 0);
	CHECK_INT(put_file(dir, "rt", "old+/=tok\r\n", 0600, path), 0);
	reply(&ok, "200 OK",
	    "{\"access_token\":\"acc1\",\"refresh_token\":\"new\\\"tok\"}");
	replies[0] = ok.data;
	CHECK_INT(canned_start(&c, replies, 1), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", c.port);
	account_for(&acc, url, "", "sec", path);
	CHECK_INT(zp_http_new(&h), 0);
	CHECK_INT(fetch_auth_token(&acc, h, 10.0, 0, &why), 0);
	canned_stop(&c);
	CHECK(starts(&c.reqs[0], "POST /oauth/token HTTP/1.1\r\n"));
	basic_of(&want, SIM_CLIENT, "sec");
	CHECK(has(&c.reqs[0], want.data));
	CHECK(has(&c.reqs[0],
	    "\r\nContent-Type: application/x-www-form-urlencoded\r\n"));
	CHECK_STR(body_of(&c.reqs[0]),
	    "grant_type=refresh_token&refresh_token=old%2B%2F%3Dtok");
	CHECK_STR(acc.access_token, "acc1");
	CHECK(acc.lifetime == 3600.0 && acc.expires_at == 3610.0);
	CHECK_STR(acc.api_url, FETCH_DEFAULT_API_URL);
	CHECK_INT(get_file(path, &text), 0);
	CHECK_STR(text.data, "new\"tok\n");
	CHECK_INT(mode_of(path), 0600);
	zp_http_free(&h);
	canned_free(&c);
	rm_dir(dir);
	zp_buf_release(&ok);
	zp_buf_release(&why);
	zp_buf_release(&text);
	zp_buf_release(&want);
}

/* One answer of the token endpoint and what fetch_auth_token makes of it. */
struct bad_answer {
	const char *status;
	const char *body;
	int rc;
	const char *why;
};

TEST(fetch_auth_bad_answers)
{
	static const struct bad_answer cases[] = {
	    {"200 OK", "<html>hello</html>", ZP_EDECODE,
		"account acme: the token answer (HTTP 200) is not a JSON "
		"object"},
	    {"200 OK", "{\"access_token\":\"x\"} {}", ZP_EDECODE,
		"account acme: the token answer (HTTP 200) is not a JSON "
		"object"},
	    {"200 OK", "{\"token_type\":\"bearer\"}", ZP_EDECODE,
		"account acme: the token answer has no access_token"},
	    {"503 Service Unavailable", "{\"code\":503}", ZP_ETRANSPORT,
		"account acme: the token endpoint answered HTTP 503"},
	    {"401 Unauthorized", "nope", ZP_EAUTH,
		"account acme: Zoom refused the credentials (HTTP 401)"},
	    {"400 Bad Request",
		"{\"reason\":\"bad\\nline\",\"error\":\"invalid_request\"}",
		ZP_EAUTH,
		"account acme: Zoom refused the credentials (HTTP 400): "
		"invalid_request: bad?line"},
	    {"403 Forbidden", "{\"code\":4700,\"message\":\"No scopes.\"}",
		ZP_EAUTH,
		"account acme: Zoom refused the credentials (HTTP 403): No "
		"scopes."}};
	struct zp_buf ans = ZP_BUF_INIT, why = ZP_BUF_INIT;
	struct fetch_account acc;
	struct zp_http *h = NULL;
	struct canned c;
	const char *replies[1];
	char url[64];
	size_t i;

	CHECK_INT(zp_http_new(&h), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		zp_buf_reset(&ans);
		zp_buf_reset(&why);
		reply(&ans, cases[i].status, cases[i].body);
		replies[0] = ans.data;
		CHECK_INT(canned_start(&c, replies, 1), 0);
		snprintf(url, sizeof(url), "http://127.0.0.1:%d", c.port);
		account_for(&acc, url, "acme", "sec", NULL);
		CHECK_INT(
		    fetch_auth_token(&acc, h, 1.0, 0, &why), cases[i].rc);
		CHECK_STR(why.data, cases[i].why);
		CHECK_STR(acc.access_token, "");
		canned_stop(&c);
		canned_free(&c);
	}
	zp_http_free(&h);
	zp_buf_release(&ans);
	zp_buf_release(&why);
}

/* --- config files ---------------------------------------------------- */

TEST(fetch_auth_config_accounts)
{
	static const char text[] = "# two Zoom accounts\n"
				   "\n"
				   "[account acme]\n"
				   "  account_id = AcMe123  \n"
				   "client_id=cid-1\r\n"
				   "client_secret = s3cr3t # not a comment\n"
				   "\t# an indented comment\n"
				   "[ account  eu.branch-2 ]\n"
				   "account_id = EU9\n"
				   "client_id = cid-2\n"
				   "client_secret_file = secret.txt\n"
				   "api_url = https://api-eu.zoom.us/v2/\n"
				   "oauth_url = https://zoom.eu\n"
				   "[account app]\n"
				   "client_id = cid-3\n"
				   "client_secret = x\n"
				   "refresh_token_file = tokens/app\n";
	struct zp_buf why = ZP_BUF_INIT, want = ZP_BUF_INIT;
	static struct fetch_accounts a;
	char dir[64], path[512], spath[512];

	CHECK_INT(tmp_dir(dir), 0);
	CHECK_INT(
	    put_file(dir, "secret.txt", "file-s3cr3t\n", 0600, spath), 0);
	CHECK_INT(put_file(dir, "zoom.conf", text, 0600, path), 0);
	CHECK_INT(fetch_accounts_load(&a, path, NULL, NULL, NULL, &why), 0);
	CHECK(why.len == 0);
	CHECK_INT(a.n, 3);
	CHECK_STR(a.v[0].name, "acme");
	CHECK_STR(a.v[0].account_id, "AcMe123");
	CHECK_STR(a.v[0].client_id, "cid-1");
	CHECK_STR(a.v[0].client_secret, "s3cr3t # not a comment");
	CHECK_STR(a.v[0].api_url, FETCH_DEFAULT_API_URL);
	CHECK_INT(a.v[0].api_url_explicit, 0);
	CHECK_STR(a.v[0].oauth_url, FETCH_DEFAULT_OAUTH_URL);
	CHECK_STR(a.v[0].refresh_token_file, "");
	CHECK_STR(a.v[1].name, "eu.branch-2");
	CHECK_STR(a.v[1].client_secret, "file-s3cr3t");
	CHECK_STR(a.v[1].api_url, "https://api-eu.zoom.us/v2");
	CHECK_INT(a.v[1].api_url_explicit, 1);
	CHECK_STR(a.v[1].oauth_url, "https://zoom.eu");
	CHECK_STR(a.v[2].name, "app");
	CHECK_STR(a.v[2].account_id, "");
	zp_buf_printf(&want, "%s/tokens/app", dir);
	CHECK_STR(a.v[2].refresh_token_file, want.data);
	CHECK(a.v[2].expires_at == 0 && a.v[2].access_token[0] == '\0');

	/* Overrides replace every account's URLs. */
	CHECK_INT(fetch_accounts_load(&a, path, NULL, "http://127.0.0.1:1/v2/",
		      "http://127.0.0.1:1", &why),
	    0);
	CHECK_STR(a.v[0].api_url, "http://127.0.0.1:1/v2");
	CHECK_INT(a.v[0].api_url_explicit, 1);
	CHECK_STR(a.v[1].oauth_url, "http://127.0.0.1:1");
	CHECK_INT(fetch_accounts_load(&a, path, NULL, "ftp://x", NULL, &why),
	    ZP_ECONFIG);
	CHECK_STR(why.data, "api_url is not an http:// or https:// URL");
	CHECK_INT(a.n, 0);
	CHECK_STR(a.v[0].client_secret, "");

	fetch_accounts_wipe(&a);
	rm_dir(dir);
	zp_buf_release(&why);
	zp_buf_release(&want);
}

/* One bad config file: its text, the code and the message after "FILE". */
struct bad_config {
	const char *text;
	int rc;
	const char *why;
};

#define GOOD "client_id = c\nclient_secret = s3cr3t-VALUE\n"

TEST(fetch_auth_config_errors)
{
	static const struct bad_config cases[] = {
	    {"[account a]\naccount_id = 1\n" GOOD "bogus = 2\n", ZP_ECONFIG,
		":5: unknown key 'bogus'"},
	    {"[account a]\ns3cr3t-VALUE x = 2\n", ZP_ECONFIG,
		":2: unknown key"},
	    {"[account a]\naccount_id = 1\n" GOOD "[account a]\n"
	     "account_id = 2\n" GOOD,
		ZP_ECONFIG, ":5: duplicate account 'a'"},
	    {"[account a]\naccount_id = 1\nclient_secret = s3cr3t-VALUE\n",
		ZP_ECONFIG, ":1: account 'a': missing client_id"},
	    {"[account a]\naccount_id = 1\nclient_id = c\n", ZP_ESECRET,
		":1: account 'a': missing client_secret (or "
		"client_secret_file)"},
	    {"# c\n[account a]\n" GOOD, ZP_ECONFIG,
		":2: account 'a': missing account_id (or refresh_token_file)"},
	    {"[account a]\ns3cr3t-VALUE\n", ZP_ECONFIG,
		":2: expected \"key = value\", \"[account NAME]\" or a \"#\" "
		"comment"},
	    {"[account a]\n= s3cr3t-VALUE\n", ZP_ECONFIG,
		":2: expected \"key = value\", \"[account NAME]\" or a \"#\" "
		"comment"},
	    {"client_id = c\n", ZP_ECONFIG,
		":1: client_id outside an [account NAME] section"},
	    {"[account a]\nclient_id = c\nclient_id = d\n", ZP_ECONFIG,
		":3: duplicate key 'client_id'"},
	    {"[account a]\n" GOOD "client_secret_file = f\n", ZP_ECONFIG,
		":4: client_secret and client_secret_file both set"},
	    {"[acount a]\n", ZP_ECONFIG, ":1: expected \"[account NAME]\""},
	    {"[account a\n", ZP_ECONFIG, ":1: expected \"[account NAME]\""},
	    {"[account a b]\n", ZP_ECONFIG,
		":1: bad account name: 1 to 63 letters, digits, '.', '_' or "
		"'-'"},
	    {"[account a]\naccount_id = 1\n" GOOD "api_url = ftp://x\n",
		ZP_ECONFIG, ":5: api_url is not an http:// or https:// URL"},
	    {"[account a]\nclient_id =\n", ZP_ECONFIG,
		":2: empty value for client_id"},
	    {"[account a]\nclient_secret = s3cr3t-VALUE\n"
	     "account_id = x\nclient_id = c\n[account b]\n",
		ZP_ECONFIG, ":5: account 'b': missing client_id"},
	    {"\n# nothing\n", ZP_ECONFIG, ": no account in the file"},
	    {"", ZP_ECONFIG, ": no account in the file"}};
	struct zp_buf why = ZP_BUF_INIT, want = ZP_BUF_INIT;
	static struct fetch_accounts a;
	char dir[64], path[512];
	size_t i;

	CHECK_INT(tmp_dir(dir), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		zp_buf_reset(&why);
		zp_buf_reset(&want);
		CHECK_INT(
		    put_file(dir, "c.conf", cases[i].text, 0600, path), 0);
		CHECK_INT(
		    fetch_accounts_load(&a, path, NULL, NULL, NULL, &why),
		    cases[i].rc);
		zp_buf_printf(&want, "%s%s", path, cases[i].why);
		CHECK_STR(why.data, want.data);
		CHECK(!has(&why, "s3cr3t"));
		CHECK_INT(a.n, 0);
	}

	/* A secret file that is not there, and a config that is not. */
	zp_buf_reset(&why);
	zp_buf_reset(&want);
	CHECK_INT(put_file(dir, "c.conf",
		      "[account a]\naccount_id = 1\nclient_secret_file = "
		      "nosuch\nclient_id = c\n",
		      0600, path),
	    0);
	CHECK_INT(
	    fetch_accounts_load(&a, path, NULL, NULL, NULL, &why), ZP_ESECRET);
	zp_buf_printf(&want,
	    "%s:3: client_secret_file: %s/nosuch: No such file or directory",
	    path, dir);
	CHECK_STR(why.data, want.data);
	zp_buf_reset(&why);
	zp_buf_reset(&want);
	CHECK_INT(fetch_accounts_load(
		      &a, "/nonexistent/zp.conf", NULL, NULL, NULL, &why),
	    ZP_ECONFIG);
	CHECK_STR(why.data, "/nonexistent/zp.conf: No such file or directory");
	rm_dir(dir);
	zp_buf_release(&why);
	zp_buf_release(&want);
}

TEST(fetch_auth_credentials_file)
{
	struct zp_buf why = ZP_BUF_INIT, want = ZP_BUF_INIT, log = ZP_BUF_INIT;
	static struct fetch_accounts a;
	struct zp_capture cap;
	char dir[64], path[512];

	CHECK_INT(tmp_dir(dir), 0);

	/* Without a section, named after the account id; 0600 is quiet. */
	CHECK_INT(
	    put_file(dir, "cred", "account_id = Z1\n" GOOD, 0600, path), 0);
	CHECK_INT(zp_capture_begin(&cap), 0);
	CHECK_INT(fetch_accounts_load(&a, NULL, path, NULL, NULL, &why), 0);
	zp_capture_end(&cap, &log);
	CHECK_STR(log.data, "");
	CHECK_INT(a.n, 1);
	CHECK_STR(a.v[0].name, "Z1");
	CHECK_STR(a.v[0].client_secret, "s3cr3t-VALUE");

	/* With a section; readable by others: a warning, no secret. */
	CHECK_INT(put_file(dir, "cred",
		      "[account main]\naccount_id = Z1\n" GOOD, 0644, path),
	    0);
	zp_buf_reset(&log);
	CHECK_INT(zp_capture_begin(&cap), 0);
	CHECK_INT(fetch_accounts_load(&a, NULL, path, NULL, NULL, &why), 0);
	zp_capture_end(&cap, &log);
	zp_buf_printf(&want,
	    "%s: holds a client secret and is readable by group or others",
	    path);
	CHECK(has(&log, want.data));
	CHECK(!has(&log, "s3cr3t"));
	CHECK_STR(a.v[0].name, "main");

	/* One account only. */
	CHECK_INT(put_file(dir, "cred",
		      "account_id = Z1\n" GOOD "[account two]\n", 0600, path),
	    0);
	CHECK_INT(
	    fetch_accounts_load(&a, NULL, path, NULL, NULL, &why), ZP_ECONFIG);
	zp_buf_reset(&want);
	zp_buf_printf(
	    &want, "%s:4: a credentials file holds one account", path);
	CHECK_STR(why.data, want.data);
	CHECK_INT(a.n, 0);

	/* The refresh-token flow needs no account id: "default". */
	CHECK_INT(put_file(dir, "cred", GOOD "refresh_token_file = /x/rt\n",
		      0600, path),
	    0);
	zp_buf_reset(&why);
	CHECK_INT(fetch_accounts_load(&a, NULL, path, NULL, NULL, &why), 0);
	CHECK_STR(a.v[0].name, "default");
	CHECK_STR(a.v[0].refresh_token_file, "/x/rt");
	fetch_accounts_wipe(&a);
	rm_dir(dir);
	zp_buf_release(&why);
	zp_buf_release(&want);
	zp_buf_release(&log);
}

/* --- the environment ------------------------------------------------- */

static const char *const env_names[] = {"ZP_ZOOM_ACCOUNT_ID",
    "ZP_ZOOM_CLIENT_ID", "ZP_ZOOM_CLIENT_SECRET", "PSOXY_ZOOM_ACCOUNT_ID",
    "PSOXY_ZOOM_CLIENT_ID", "PSOXY_ZOOM_CLIENT_SECRET",
    "ZP_ZOOM_REFRESH_TOKEN_FILE", "ZP_ZOOM_API_URL", "ZP_ZOOM_OAUTH_URL",
    NULL};

/* env_clear unsets every variable this module reads. */
static void
env_clear(void)
{
	size_t i;

	for (i = 0; env_names[i] != NULL; i++)
		unsetenv(env_names[i]);
}

TEST(fetch_auth_env)
{
	struct zp_buf why = ZP_BUF_INIT;
	static struct fetch_accounts a;

	env_clear();
	CHECK_INT(
	    fetch_accounts_load(&a, NULL, NULL, NULL, NULL, &why), ZP_ECONFIG);
	CHECK_STR(why.data,
	    "ZP_ZOOM_ACCOUNT_ID (or PSOXY_ZOOM_ACCOUNT_ID) is unset, and so "
	    "is ZP_ZOOM_REFRESH_TOKEN_FILE");

	/* Psoxy's names alone. */
	setenv("PSOXY_ZOOM_ACCOUNT_ID", "psoxy-acct", 1);
	zp_buf_reset(&why);
	CHECK_INT(
	    fetch_accounts_load(&a, NULL, NULL, NULL, NULL, &why), ZP_ECONFIG);
	CHECK_STR(
	    why.data, "ZP_ZOOM_CLIENT_ID (or PSOXY_ZOOM_CLIENT_ID) is unset");
	setenv("PSOXY_ZOOM_CLIENT_ID", "psoxy-client", 1);
	zp_buf_reset(&why);
	CHECK_INT(
	    fetch_accounts_load(&a, NULL, NULL, NULL, NULL, &why), ZP_ESECRET);
	CHECK_STR(why.data,
	    "no secret: ZP_ZOOM_CLIENT_SECRET, PSOXY_ZOOM_CLIENT_SECRET are "
	    "unset or empty");
	setenv("PSOXY_ZOOM_CLIENT_SECRET", "psoxy-secret", 1);
	CHECK_INT(fetch_accounts_load(&a, NULL, NULL, NULL, NULL, &why), 0);
	CHECK_INT(a.n, 1);
	CHECK_STR(a.v[0].name, "psoxy-acct");
	CHECK_STR(a.v[0].account_id, "psoxy-acct");
	CHECK_STR(a.v[0].client_id, "psoxy-client");
	CHECK_STR(a.v[0].client_secret, "psoxy-secret");
	CHECK_STR(a.v[0].api_url, FETCH_DEFAULT_API_URL);
	CHECK_STR(a.v[0].oauth_url, FETCH_DEFAULT_OAUTH_URL);
	CHECK_INT(a.v[0].api_url_explicit, 0);

	/* ZP_ names win; an empty one counts as unset. */
	setenv("ZP_ZOOM_ACCOUNT_ID", "zp-acct", 1);
	setenv("ZP_ZOOM_CLIENT_ID", "", 1);
	setenv("ZP_ZOOM_CLIENT_SECRET", "zp-secret", 1);
	setenv("ZP_ZOOM_API_URL", "http://127.0.0.1:2/v2/", 1);
	setenv("ZP_ZOOM_OAUTH_URL", "http://127.0.0.1:2", 1);
	CHECK_INT(fetch_accounts_load(&a, NULL, NULL, NULL, NULL, &why), 0);
	CHECK_STR(a.v[0].name, "zp-acct");
	CHECK_STR(a.v[0].client_id, "psoxy-client");
	CHECK_STR(a.v[0].client_secret, "zp-secret");
	CHECK_STR(a.v[0].api_url, "http://127.0.0.1:2/v2");
	CHECK_INT(a.v[0].api_url_explicit, 1);
	CHECK_STR(a.v[0].oauth_url, "http://127.0.0.1:2");

	/* The refresh-token flow without an account id. */
	env_clear();
	setenv("ZP_ZOOM_CLIENT_ID", "c", 1);
	setenv("ZP_ZOOM_CLIENT_SECRET", "s", 1);
	setenv("ZP_ZOOM_REFRESH_TOKEN_FILE", "/x/rt", 1);
	setenv("ZP_ZOOM_OAUTH_URL", "mailto:x", 1);
	zp_buf_reset(&why);
	CHECK_INT(
	    fetch_accounts_load(&a, NULL, NULL, NULL, NULL, &why), ZP_ECONFIG);
	CHECK_STR(
	    why.data, "ZP_ZOOM_OAUTH_URL is not an http:// or https:// URL");
	unsetenv("ZP_ZOOM_OAUTH_URL");
	CHECK_INT(fetch_accounts_load(&a, NULL, NULL, NULL, NULL, &why), 0);
	CHECK_STR(a.v[0].name, "default");
	CHECK_STR(a.v[0].account_id, "");
	CHECK_STR(a.v[0].refresh_token_file, "/x/rt");

	env_clear();
	fetch_accounts_wipe(&a);
	zp_buf_release(&why);
}

/* --- header and wipe ------------------------------------------------- */

TEST(fetch_auth_header_and_wipe)
{
	struct zp_buf out = ZP_BUF_INIT;
	static struct fetch_accounts a;

	memset(&a, 0, sizeof(a));
	a.n = 1;
	strcpy(a.v[0].access_token, "tok-123");
	strcpy(a.v[0].client_secret, "sec");
	a.v[0].expires_at = 99;
	zp_buf_puts(&out, "old text");
	CHECK_INT(fetch_auth_header(&a.v[0], &out), 0);
	CHECK_STR(out.data, "Authorization: Bearer tok-123");
	fetch_accounts_wipe(&a);
	CHECK_STR(a.v[0].access_token, "");
	CHECK_STR(a.v[0].client_secret, "");
	CHECK(a.v[0].expires_at == 0);
	zp_buf_release(&out);
}
