/*
 * oauth.c - Zoom's OAuth: Server-to-Server tokens
 * (grant_type=account_credentials), the authorization-code flow with
 * rotating refresh tokens, and bearer-token checks.
 *
 * Tokens are 32 random bytes in base64url, kept in a hash table with
 * their account and their expiry in real monotonic time (the simulated
 * clock does not age them).  Errors of the token endpoint take Zoom's
 * {"reason":...,"error":...} shape; API requests with a bad token get
 * {"code":124,...}.  No token, code or secret is ever logged.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "crypto.h"
#include "error.h"
#include "json.h"
#include "log.h"
#include "sim.h"
#include "url.h"

#define NBUCKET 1024
#define TOKEN_BYTES 32
#define CODE_TTL 600 /* authorization codes, seconds */
#define REFRESH_TTL (90 * 86400) /* Zoom: refresh tokens last 90 days */
#define GRACE 3600 /* expired tokens kept to say so */

#define SCOPES                                                                \
	"user:read:admin meeting:read:admin report:read:admin "               \
	"webinar:read:admin recording:read:admin phone:read:admin "           \
	"dashboard:read:admin"

enum tok_kind { TOK_ACCESS, TOK_REFRESH, TOK_CODE };

/* One issued token or code. */
struct tok {
	struct tok *next;
	char value[48]; /* base64url of TOKEN_BYTES random bytes */
	enum tok_kind kind;
	int dead; /* revoked, or a code or refresh token used */
	const char *account; /* borrowed from the config */
	double expires; /* CLOCK_MONOTONIC seconds */
	char *redirect_uri; /* codes: as given to /oauth/authorize */
};

/* Every token issued, by hash of its value. */
struct sim_tokens {
	struct tok *bucket[NBUCKET];
};

/* sim_tokens_new makes an empty token table. */
int
sim_tokens_new(struct sim_tokens **t)
{
	*t = calloc(1, sizeof(**t));
	return *t != NULL ? 0 : ZP_ENOMEM;
}

/* tok_free releases one entry, wiping its value. */
static void
tok_free(struct tok *k)
{
	zp_crypto_wipe(k->value, sizeof(k->value));
	free(k->redirect_uri);
	free(k);
}

/* sim_tokens_free releases the table and clears the pointer. */
void
sim_tokens_free(struct sim_tokens **t)
{
	struct tok *k, *next;
	size_t i;

	if (t == NULL || *t == NULL)
		return;
	for (i = 0; i < NBUCKET; i++)
		for (k = (*t)->bucket[i]; k != NULL; k = next) {
			next = k->next;
			tok_free(k);
		}
	free(*t);
	*t = NULL;
}

/* --- the table ------------------------------------------------------- */

/* mono_now is CLOCK_MONOTONIC in seconds. */
static double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* bucket_of hashes n bytes of s (FNV-1a) to a bucket. */
static size_t
bucket_of(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h % NBUCKET;
}

/* prune frees the dead and long-expired entries of one chain. */
static void
prune(struct tok **chain, double now)
{
	struct tok *k;

	while ((k = *chain) != NULL) {
		if (k->dead || k->expires + GRACE < now) {
			*chain = k->next;
			tok_free(k);
		} else {
			chain = &k->next;
		}
	}
}

/* lookup finds the entry whose value is the n bytes at s, or NULL. */
static struct tok *
lookup(struct sim_tokens *t, const char *s, size_t n)
{
	struct tok *k;

	if (t == NULL || n == 0 || n >= sizeof(k->value))
		return NULL;
	for (k = t->bucket[bucket_of(s, n)]; k != NULL; k = k->next)
		if (strlen(k->value) == n && zp_crypto_equal(k->value, s, n))
			return k;
	return NULL;
}

/* issue adds a fresh token of kind for account, living ttl seconds. */
static struct tok *
issue(
    struct sim_tokens *t, enum tok_kind kind, const char *account, double ttl)
{
	unsigned char raw[TOKEN_BYTES];
	struct zp_buf b = ZP_BUF_INIT;
	struct tok *k = calloc(1, sizeof(*k));
	double now = mono_now();
	size_t h;

	if (k == NULL || zp_random_bytes(raw, sizeof(raw)) != 0 ||
	    zp_base64url_encode(&b, raw, sizeof(raw)) != 0 ||
	    b.len >= sizeof(k->value)) {
		free(k);
		k = NULL;
		goto out;
	}
	memcpy(k->value, b.data, b.len + 1);
	k->kind = kind;
	k->account = account;
	k->expires = now + ttl;
	h = bucket_of(k->value, b.len);
	prune(&t->bucket[h], now);
	k->next = t->bucket[h];
	t->bucket[h] = k;
out:
	zp_crypto_wipe(raw, sizeof(raw));
	if (b.data != NULL)
		zp_crypto_wipe(b.data, b.len);
	zp_buf_release(&b);
	return k;
}

/* --- the token endpoint ---------------------------------------------- */

/* oauth_error answers the token endpoint's error shape. */
static void
oauth_error(
    struct sim_response *rs, int status, const char *error, const char *reason)
{
	struct zp_jw w;

	rs->status = status;
	zp_buf_reset(&rs->body);
	zp_jw_init(&w, &rs->body);
	zp_jw_object(&w);
	zp_jw_key(&w, "reason");
	zp_jw_str(&w, reason);
	zp_jw_key(&w, "error");
	zp_jw_str(&w, error);
	zp_jw_end(&w);
	zp_jw_finish(&w);
}

/* arg finds name in the query, else in a form-encoded body: 1 or 0. */
static int
arg(const struct sim_request *rq, const char *name, struct zp_buf *out)
{
	if (sim_query_arg(rq, name, out) == 1)
		return 1;
	return rq->body != NULL && sim_form_arg(rq->body, name, out) == 1;
}

/* arg_is tells whether argument name is present and equal to value. */
static int
arg_is(const struct sim_request *rq, const char *name, const char *value)
{
	struct zp_buf v = ZP_BUF_INIT;
	int is = arg(rq, name, &v) && strcmp(v.data, value) == 0;

	zp_buf_release(&v);
	return is;
}

/* same_secret compares n bytes at s with the NUL-terminated want. */
static int
same_secret(const char *s, size_t n, const char *want)
{
	return strlen(want) == n && zp_crypto_equal(s, want, n);
}

/* client_ok checks "Authorization: Basic base64(id:secret)". */
static int
client_ok(const struct sim *sim, const char *authorization)
{
	struct zp_buf raw = ZP_BUF_INIT;
	const char *colon, *b64;
	int ok = 0;

	if (authorization == NULL ||
	    strncasecmp(authorization, "Basic ", 6) != 0)
		return 0;
	for (b64 = authorization + 6; *b64 == ' '; b64++)
		;
	if (zp_base64_decode(&raw, b64, strlen(b64)) != 0 || raw.len == 0)
		goto out;
	colon = memchr(raw.data, ':', raw.len);
	if (colon == NULL)
		goto out;
	ok = same_secret(
		 raw.data, (size_t)(colon - raw.data), sim->cfg.client_id) &&
	    same_secret(colon + 1, raw.len - (size_t)(colon + 1 - raw.data),
		sim->cfg.client_secret);
out:
	if (raw.data != NULL)
		zp_crypto_wipe(raw.data, raw.len);
	zp_buf_release(&raw);
	return ok;
}

/* token_answer writes the 200 of the token endpoint. */
static void
token_answer(struct sim *sim, struct sim_response *rs,
    const struct tok *access, const struct tok *refresh)
{
	struct zp_jw w;

	rs->status = 200;
	zp_buf_reset(&rs->body);
	zp_jw_init(&w, &rs->body);
	zp_jw_object(&w);
	zp_jw_key(&w, "access_token");
	zp_jw_str(&w, access->value);
	zp_jw_key(&w, "token_type");
	zp_jw_str(&w, "bearer");
	if (refresh != NULL) {
		zp_jw_key(&w, "refresh_token");
		zp_jw_str(&w, refresh->value);
	}
	zp_jw_key(&w, "expires_in");
	zp_jw_int(&w, sim->cfg.token_ttl);
	zp_jw_key(&w, "scope");
	zp_jw_str(&w, SCOPES);
	zp_jw_key(&w, "api_url");
	zp_jw_str(&w, sim->cfg.public_url != NULL ? sim->cfg.public_url : "");
	zp_jw_end(&w);
	zp_jw_finish(&w);
}

/* grant_pair issues an access token, and a refresh token if asked. */
static void
grant_pair(struct sim *sim, struct sim_response *rs, int with_refresh)
{
	const char *account = sim->cfg.org.account_id;
	struct tok *access, *refresh = NULL;

	access = issue(sim->tokens, TOK_ACCESS, account, sim->cfg.token_ttl);
	if (access != NULL && with_refresh)
		refresh =
		    issue(sim->tokens, TOK_REFRESH, account, REFRESH_TTL);
	if (access == NULL || (with_refresh && refresh == NULL)) {
		sim_response_error(rs, 500, 500, "Internal Server Error.");
		return;
	}
	token_answer(sim, rs, access, refresh);
	zp_debug("oauth: issued an access token%s for account %s",
	    with_refresh ? " and a refresh token" : "", account);
}

/* grant_account answers grant_type=account_credentials. */
static void
grant_account(
    struct sim *sim, const struct sim_request *rq, struct sim_response *rs)
{
	if (!arg_is(rq, "account_id", sim->cfg.org.account_id)) {
		oauth_error(rs, 400, "invalid_request",
		    "Invalid request : Account does not exist");
		return;
	}
	grant_pair(sim, rs, 0);
}

/* use_once finds a live token of kind named by argument name and spends
 * it; NULL if there is none. */
static struct tok *
use_once(struct sim *sim, const struct sim_request *rq, const char *name,
    enum tok_kind kind)
{
	struct zp_buf v = ZP_BUF_INIT;
	struct tok *k = NULL;

	if (arg(rq, name, &v))
		k = lookup(sim->tokens, v.data, v.len);
	if (v.data != NULL)
		zp_crypto_wipe(v.data, v.len);
	zp_buf_release(&v);
	if (k == NULL || k->kind != kind || k->dead ||
	    k->expires <= mono_now())
		return NULL;
	k->dead = 1;
	return k;
}

/* grant_code answers grant_type=authorization_code. */
static void
grant_code(
    struct sim *sim, const struct sim_request *rq, struct sim_response *rs)
{
	struct tok *code = use_once(sim, rq, "code", TOK_CODE);

	if (code == NULL) {
		oauth_error(
		    rs, 400, "invalid_grant", "Invalid authorization code");
		return;
	}
	if (!arg_is(rq, "redirect_uri", code->redirect_uri)) {
		oauth_error(
		    rs, 400, "invalid_request", "Redirect URI mismatch.");
		return;
	}
	grant_pair(sim, rs, 1);
}

/* grant_refresh answers grant_type=refresh_token: the refresh token is
 * spent and a new one comes with the new access token. */
static void
grant_refresh(
    struct sim *sim, const struct sim_request *rq, struct sim_response *rs)
{
	if (use_once(sim, rq, "refresh_token", TOK_REFRESH) == NULL) {
		oauth_error(rs, 400, "invalid_request", "Invalid Token!");
		return;
	}
	grant_pair(sim, rs, 1);
}

/* token answers POST /oauth/token. */
static void
token(struct sim *sim, const struct sim_request *rq, struct sim_response *rs)
{
	if (!client_ok(sim, rq->authorization))
		oauth_error(rs, 401, "invalid_client",
		    "Invalid client_id or client_secret");
	else if (arg_is(rq, "grant_type", "account_credentials"))
		grant_account(sim, rq, rs);
	else if (arg_is(rq, "grant_type", "authorization_code"))
		grant_code(sim, rq, rs);
	else if (arg_is(rq, "grant_type", "refresh_token"))
		grant_refresh(sim, rq, rs);
	else
		oauth_error(rs, 400, "unsupported_grant_type",
		    "Unsupported grant type");
}

/* --- the authorization endpoint -------------------------------------- */

/*
 * location builds redirect_uri?code=CODE[&state=STATE] into out; the
 * header must fit a sim_response value.  0, or -1 if it does not.
 */
static int
location(const char *redirect_uri, const char *code, const char *state,
    struct zp_buf *out)
{
	zp_buf_puts(out, redirect_uri);
	zp_url_query_add(out, "code", code);
	if (state != NULL)
		zp_url_query_add(out, "state", state);
	if (out->data == NULL ||
	    out->len >= sizeof(((struct sim_response *)0)->hdr_value[0]))
		return -1;
	return 0;
}

/* redirect issues a code bound to uri and answers 302 to it. */
static void
redirect(struct sim *sim, const char *uri, const char *state,
    struct sim_response *rs)
{
	struct zp_buf loc = ZP_BUF_INIT;
	struct tok *code;

	code = issue(sim->tokens, TOK_CODE, sim->cfg.org.account_id, CODE_TTL);
	if (code == NULL || (code->redirect_uri = strdup(uri)) == NULL) {
		if (code != NULL)
			code->dead = 1;
		sim_response_error(rs, 500, 500, "Internal Server Error.");
		return;
	}
	if (location(uri, code->value, state, &loc) != 0) {
		code->dead = 1;
		oauth_error(
		    rs, 400, "invalid_request", "Redirect URI too long");
	} else {
		rs->status = 302;
		sim_response_header(rs, "Location", loc.data);
	}
	if (loc.data != NULL)
		zp_crypto_wipe(loc.data, loc.len);
	zp_buf_release(&loc);
}

/* authorize answers GET /oauth/authorize: approved at once, 302 to
 * redirect_uri with a one-time code. */
static void
authorize(
    struct sim *sim, const struct sim_request *rq, struct sim_response *rs)
{
	struct zp_buf uri = ZP_BUF_INIT, state = ZP_BUF_INIT;

	if (!arg_is(rq, "response_type", "code"))
		oauth_error(rs, 400, "unsupported_response_type",
		    "Unsupported response type");
	else if (!arg_is(rq, "client_id", sim->cfg.client_id))
		oauth_error(rs, 400, "invalid_client", "Invalid client_id");
	else if (!arg(rq, "redirect_uri", &uri) || uri.len == 0)
		oauth_error(
		    rs, 400, "invalid_request", "Invalid redirect uri");
	else
		redirect(sim, uri.data,
		    arg(rq, "state", &state) ? state.data : NULL, rs);
	zp_buf_release(&state);
	zp_buf_release(&uri);
}

/* sim_oauth_handle answers POST /oauth/token and GET /oauth/authorize. */
void
sim_oauth_handle(
    struct sim *sim, const struct sim_request *rq, struct sim_response *rs)
{
	const char *path = rq->raw_path != NULL ? rq->raw_path : rq->path;

	if (strcmp(path, "/oauth/token") == 0 &&
	    strcmp(rq->method, "POST") == 0)
		token(sim, rq, rs);
	else if (strcmp(path, "/oauth/authorize") == 0 &&
	    strcmp(rq->method, "GET") == 0)
		authorize(sim, rq, rs);
	else
		sim_response_error(rs, 404, 404, "Not Found");
}

/* --- bearer tokens --------------------------------------------------- */

/* bearer finds the token of "Authorization: Bearer TOKEN" in rq. */
static struct tok *
bearer(struct sim *sim, const struct sim_request *rq)
{
	const char *s = rq->authorization;
	size_t n;

	if (s == NULL || strncasecmp(s, "Bearer ", 7) != 0)
		return NULL;
	for (s += 7; *s == ' '; s++)
		;
	n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		n--;
	return lookup(sim->tokens, s, n);
}

/* sim_oauth_check accepts a live access token and sets rq->account. */
int
sim_oauth_check(
    struct sim *sim, struct sim_request *rq, struct sim_response *rs)
{
	struct tok *k = bearer(sim, rq);

	if (k == NULL || k->kind != TOK_ACCESS || k->dead) {
		sim_response_error(rs, 401, 124, "Invalid access token.");
		return -1;
	}
	if (k->expires <= mono_now()) {
		sim_response_error(rs, 401, 124, "Access token is expired.");
		return -1;
	}
	rq->account = k->account;
	return 0;
}

/* sim_oauth_revoke kills the bearer token of rq, if it has one. */
void
sim_oauth_revoke(struct sim *sim, const struct sim_request *rq)
{
	struct tok *k = bearer(sim, rq);

	if (k != NULL && k->kind == TOK_ACCESS)
		k->dead = 1;
}
