/*
 * auth.c - zp-fetch's Zoom accounts (config file, credentials file or
 * environment) and their OAuth access tokens (auth.h).
 *
 * Files are read whole into memory that is wiped afterwards, since they
 * may hold client secrets.  Token answers are read with the streaming
 * tokenizer into fixed buffers that are wiped too, so no copy of a token
 * is left on the heap.  Messages name files, lines, keys and accounts,
 * never a value that could be a secret.
 */
#include "auth.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "crypto.h"
#include "error.h"
#include "file.h"
#include "json.h"
#include "log.h"
#include "signals.h"
#include "url.h"

#define CONFIG_MAX (1024 * 1024) /* the largest config file read */
#define TOKEN_TIMEOUT_MS 30000
#define TOKEN_CONNECT_MS 10000
#define TOKEN_MAX_BODY 65536
#define DEFAULT_LIFETIME 3600.0 /* Zoom: an access token lasts an hour */
#define RENEW_MARGIN_MAX 60.0
#define MSG_MAX 512

/* --- messages and small helpers -------------------------------------- */

/*
 * vsay appends "FILE:LINE: message" (or "FILE: message" when line is 0,
 * or just the message when file is NULL) to why, if there is one, and
 * returns code.
 */
static int
vsay(struct zp_buf *why, int code, const char *file, unsigned line,
    const char *fmt, va_list ap)
{
	char msg[MSG_MAX];

	if (why == NULL)
		return code;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (file != NULL && line > 0)
		zp_buf_printf(why, "%s:%u: %s", file, line, msg);
	else if (file != NULL)
		zp_buf_printf(why, "%s: %s", file, msg);
	else
		zp_buf_puts(why, msg);
	return code;
}

/* say appends a message to why and returns code. */
static int __attribute__((format(printf, 3, 4)))
say(struct zp_buf *why, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = vsay(why, code, NULL, 0, fmt, ap);
	va_end(ap);
	return code;
}

/* copy_str copies s into dst of cap bytes: 0, or -1 if it does not fit. */
static int
copy_str(char *dst, size_t cap, const char *s)
{
	size_t n = strlen(s);

	if (n >= cap)
		return -1;
	memcpy(dst, s, n + 1);
	return 0;
}

/*
 * copy_url copies the http:// or https:// URL s without its trailing
 * slashes into dst of cap bytes: 0, -1 if s is no such URL, -2 if it does
 * not fit.
 */
static int
copy_url(char *dst, size_t cap, const char *s)
{
	const char *host = NULL;
	size_t n = strlen(s);

	if (strncmp(s, "https://", 8) == 0)
		host = s + 8;
	else if (strncmp(s, "http://", 7) == 0)
		host = s + 7;
	if (host == NULL || *host == '\0' || *host == '/')
		return -1;
	while (n > 0 && s[n - 1] == '/')
		n--;
	if (n >= cap)
		return -2;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/* trim strips blanks from both ends of s in place and returns its start. */
static char *
trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (
	    n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	s[n] = '\0';
	return s;
}

/* good_name tells whether s is a valid account name: 1 to 63 bytes of
 * letters, digits, '.', '_' and '-'. */
static int
good_name(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= sizeof(((struct fetch_account *)0)->name))
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) &&
		    strchr("._-", s[i]) == NULL)
			return 0;
	return 1;
}

/* warn_shared warns when a file holding what (a secret) is readable by
 * group or others. */
static void
warn_shared(const char *path, const struct stat *st, const char *what)
{
	if ((st->st_mode & (S_IRGRP | S_IROTH)) != 0)
		zp_warn("%s: holds %s and is readable by group or others "
			"(mode %03o; chmod 600 it)",
		    path, what, (unsigned)(st->st_mode & 0777));
}

/* secret_why is the part of zp_config_secret's message after its "no
 * secret: " prefix. */
static const char *
secret_why(const struct zp_buf *w)
{
	const char *m = w->data != NULL ? w->data : "cannot be read";

	return strncmp(m, "no secret: ", 11) == 0 ? m + 11 : m;
}

/* --- config and credentials files ------------------------------------ */

enum key {
	K_ACCOUNT_ID,
	K_CLIENT_ID,
	K_CLIENT_SECRET,
	K_CLIENT_SECRET_FILE,
	K_REFRESH_TOKEN_FILE,
	K_API_URL,
	K_OAUTH_URL,
	NKEYS
};

static const char *const key_names[NKEYS] = {"account_id", "client_id",
    "client_secret", "client_secret_file", "refresh_token_file", "api_url",
    "oauth_url"};

#define BAD_LINE                                                              \
	"expected \"key = value\", \"[account NAME]\" or a \"#\" comment"

/* Where the reading of one config or credentials file is. */
struct parse {
	const char *file; /* as given: the prefix of every message */
	int multi; /* a config file: keys only inside [account] sections */
	unsigned line; /* the line being read, from 1 */
	struct fetch_accounts *a;
	struct fetch_account *cur; /* the account being read, or NULL */
	unsigned cur_line; /* its header, or its first key */
	unsigned seen; /* one bit per enum key given in cur */
	int inline_secret; /* some line gave client_secret itself */
	struct zp_buf *why;
};

/* fail_at appends "FILE:LINE: message" to why and returns code. */
static int __attribute__((format(printf, 4, 5)))
fail_at(struct parse *p, unsigned line, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = vsay(p->why, code, p->file, line, fmt, ap);
	va_end(ap);
	return code;
}

/*
 * resolve writes into out (cap bytes) the file name v, relative to the
 * directory of the file being read unless it is absolute: 0, or -1 if it
 * does not fit.
 */
static int
resolve(const struct parse *p, const char *v, char *out, size_t cap)
{
	const char *slash = strrchr(p->file, '/');
	int n;

	if (v[0] == '/' || slash == NULL)
		return copy_str(out, cap, v);
	n = snprintf(out, cap, "%.*s/%s", (int)(slash - p->file), p->file, v);
	return n >= 0 && (size_t)n < cap ? 0 : -1;
}

/* start_account begins a new account named name (or unnamed: NULL). */
static int
start_account(struct parse *p, const char *name)
{
	if (p->a->n == FETCH_MAX_ACCOUNTS)
		return fail_at(p, p->line, ZP_ECONFIG, "more than %d accounts",
		    FETCH_MAX_ACCOUNTS);
	p->cur = &p->a->v[p->a->n++];
	memset(p->cur, 0, sizeof(*p->cur));
	if (name != NULL)
		copy_str(p->cur->name, sizeof(p->cur->name), name);
	p->cur_line = p->line;
	p->seen = 0;
	return 0;
}

/* name_account gives acc its default name and checks that no earlier
 * account has the same. */
static int
name_account(struct parse *p, struct fetch_account *acc)
{
	struct fetch_account *o;

	if (acc->name[0] == '\0' && acc->account_id[0] == '\0')
		copy_str(acc->name, sizeof(acc->name), "default");
	else if (acc->name[0] == '\0' &&
	    copy_str(acc->name, sizeof(acc->name), acc->account_id) != 0)
		return fail_at(p, p->cur_line, ZP_ECONFIG,
		    "account_id is too long to name the account; name it "
		    "with [account NAME]");
	for (o = p->a->v; o < acc; o++)
		if (strcmp(o->name, acc->name) == 0)
			return fail_at(p, p->cur_line, ZP_ECONFIG,
			    "duplicate account '%s'", acc->name);
	return 0;
}

/* finish_account checks the account just read, if any, and names it. */
static int
finish_account(struct parse *p)
{
	struct fetch_account *acc = p->cur;
	const char *label;
	char pre[96] = "";

	p->cur = NULL;
	if (acc == NULL)
		return 0;
	label = acc->name[0] != '\0' ? acc->name : acc->account_id;
	if (label[0] != '\0')
		snprintf(pre, sizeof(pre), "account '%.64s': ", label);
	if (acc->client_id[0] == '\0')
		return fail_at(
		    p, p->cur_line, ZP_ECONFIG, "%smissing client_id", pre);
	if (acc->client_secret[0] == '\0')
		return fail_at(p, p->cur_line, ZP_ESECRET,
		    "%smissing client_secret (or client_secret_file)", pre);
	if (acc->account_id[0] == '\0' && acc->refresh_token_file[0] == '\0')
		return fail_at(p, p->cur_line, ZP_ECONFIG,
		    "%smissing account_id (or refresh_token_file)", pre);
	return name_account(p, acc);
}

/* read_secret_file sets the current account's secret from the file v. */
static int
read_secret_file(struct parse *p, const char *v)
{
	struct fetch_account *acc = p->cur;
	struct zp_buf s = ZP_BUF_INIT, w = ZP_BUF_INIT;
	char path[1024];
	struct stat st;
	int rc;

	if (resolve(p, v, path, sizeof(path)) != 0)
		return fail_at(p, p->line, ZP_ECONFIG,
		    "client_secret_file is longer than %zu bytes",
		    sizeof(path) - 1);
	if (stat(path, &st) == 0)
		warn_shared(path, &st, "a client secret");
	rc = zp_config_secret(NULL, path, &s, &w);
	if (rc == 0 &&
	    copy_str(acc->client_secret, sizeof(acc->client_secret), s.data) !=
		0)
		rc = fail_at(p, p->line, ZP_ESECRET,
		    "client_secret_file: the secret is longer than %zu bytes",
		    sizeof(acc->client_secret) - 1);
	else if (rc == ZP_ESECRET)
		rc = fail_at(
		    p, p->line, rc, "client_secret_file: %s", secret_why(&w));
	if (s.data != NULL)
		zp_crypto_wipe(s.data, s.cap);
	zp_buf_release(&s);
	zp_buf_release(&w);
	return rc;
}

/* set_text copies the value v of key k into dst of cap bytes. */
static int
set_text(struct parse *p, enum key k, char *dst, size_t cap, const char *v)
{
	if (copy_str(dst, cap, v) != 0)
		return fail_at(p, p->line,
		    k == K_CLIENT_SECRET ? ZP_ESECRET : ZP_ECONFIG,
		    "%s is longer than %zu bytes", key_names[k], cap - 1);
	return 0;
}

/* set_url_key copies the URL v of key k into dst of cap bytes. */
static int
set_url_key(struct parse *p, enum key k, char *dst, size_t cap, const char *v)
{
	int rc = copy_url(dst, cap, v);

	if (rc == -1)
		return fail_at(p, p->line, ZP_ECONFIG,
		    "%s is not an http:// or https:// URL", key_names[k]);
	if (rc != 0)
		return fail_at(p, p->line, ZP_ECONFIG,
		    "%s is longer than %zu bytes", key_names[k], cap - 1);
	return 0;
}

/* set_key applies the value v of key k to the current account. */
static int
set_key(struct parse *p, enum key k, const char *v)
{
	struct fetch_account *acc = p->cur;

	switch (k) {
	case K_ACCOUNT_ID:
		return set_text(
		    p, k, acc->account_id, sizeof(acc->account_id), v);
	case K_CLIENT_ID:
		return set_text(
		    p, k, acc->client_id, sizeof(acc->client_id), v);
	case K_CLIENT_SECRET:
		p->inline_secret = 1;
		return set_text(
		    p, k, acc->client_secret, sizeof(acc->client_secret), v);
	case K_CLIENT_SECRET_FILE: return read_secret_file(p, v);
	case K_REFRESH_TOKEN_FILE:
		if (resolve(p, v, acc->refresh_token_file,
			sizeof(acc->refresh_token_file)) != 0)
			return fail_at(p, p->line, ZP_ECONFIG,
			    "refresh_token_file is longer than %zu bytes",
			    sizeof(acc->refresh_token_file) - 1);
		return 0;
	case K_API_URL:
		acc->api_url_explicit = 1;
		return set_url_key(
		    p, k, acc->api_url, sizeof(acc->api_url), v);
	case K_OAUTH_URL:
		return set_url_key(
		    p, k, acc->oauth_url, sizeof(acc->oauth_url), v);
	case NKEYS: break;
	}
	return ZP_EINVAL;
}

/* key_of returns the enum key named s, or -1. */
static int
key_of(const char *s)
{
	int k;

	for (k = 0; k < NKEYS; k++)
		if (strcmp(s, key_names[k]) == 0)
			return k;
	return -1;
}

/* unknown_key reports key s, naming it only when it looks like a key
 * (a mistyped line must not print a secret). */
static int
unknown_key(struct parse *p, const char *s)
{
	size_t n = strspn(s,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
	    ".");

	if (s[n] == '\0' && n <= 64)
		return fail_at(p, p->line, ZP_ECONFIG, "unknown key '%s'", s);
	return fail_at(p, p->line, ZP_ECONFIG, "unknown key");
}

/* parse_pair applies one "key = value" line s (trimmed, writable). */
static int
parse_pair(struct parse *p, char *s)
{
	char *eq = strchr(s, '='), *key, *value;
	int k, rc;
	unsigned both = 1u << K_CLIENT_SECRET | 1u << K_CLIENT_SECRET_FILE;

	if (eq == NULL || eq == s)
		return fail_at(p, p->line, ZP_ECONFIG, BAD_LINE);
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	if ((k = key_of(key)) < 0)
		return unknown_key(p, key);
	if (p->cur == NULL && p->multi)
		return fail_at(p, p->line, ZP_ECONFIG,
		    "%s outside an [account NAME] section", key);
	if (p->cur == NULL && (rc = start_account(p, NULL)) != 0)
		return rc;
	if (p->seen & 1u << k)
		return fail_at(
		    p, p->line, ZP_ECONFIG, "duplicate key '%s'", key);
	if ((both >> k & 1u) != 0 && (p->seen & both) != 0)
		return fail_at(p, p->line, ZP_ECONFIG,
		    "client_secret and client_secret_file both set");
	if (*value == '\0')
		return fail_at(
		    p, p->line, ZP_ECONFIG, "empty value for %s", key);
	p->seen |= 1u << k;
	return set_key(p, (enum key)k, value);
}

/* parse_header starts the account of an "[account NAME]" line s. */
static int
parse_header(struct parse *p, char *s)
{
	size_t n = strlen(s);
	char *name;
	int rc;

	if (n < 2 || s[n - 1] != ']')
		return fail_at(
		    p, p->line, ZP_ECONFIG, "expected \"[account NAME]\"");
	s[n - 1] = '\0';
	name = trim(s + 1);
	if (strncmp(name, "account", 7) != 0 ||
	    (name[7] != ' ' && name[7] != '\t'))
		return fail_at(
		    p, p->line, ZP_ECONFIG, "expected \"[account NAME]\"");
	name = trim(name + 7);
	if (!good_name(name))
		return fail_at(p, p->line, ZP_ECONFIG,
		    "bad account name: 1 to 63 letters, digits, '.', '_' or "
		    "'-'");
	if ((rc = finish_account(p)) != 0)
		return rc;
	if (!p->multi && p->a->n > 0)
		return fail_at(p, p->line, ZP_ECONFIG,
		    "a credentials file holds one account");
	return start_account(p, name);
}

/* parse_line reads one line s of n bytes (writable, NUL-terminated). */
static int
parse_line(struct parse *p, char *s, size_t n)
{
	if (memchr(s, '\0', n) != NULL)
		return fail_at(p, p->line, ZP_ECONFIG, BAD_LINE);
	s = trim(s);
	if (*s == '\0' || *s == '#')
		return 0;
	if (*s == '[')
		return parse_header(p, s);
	return parse_pair(p, s);
}

/* parse_text reads every line of text[0..len) (writable, NUL after). */
static int
parse_text(struct parse *p, char *text, size_t len)
{
	char *s = text, *end = text + len, *nl;
	int rc = 0;

	while (rc == 0 && s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL)
			nl = end;
		*nl = '\0';
		p->line++;
		rc = parse_line(p, s, (size_t)(nl - s));
		s = nl + 1;
	}
	if (rc == 0)
		rc = finish_account(p);
	if (rc == 0 && p->a->n == 0)
		rc = fail_at(p, 0, ZP_ECONFIG, "no account in the file");
	return rc;
}

/*
 * slurp reads the whole regular file path into out (reserved once, so
 * that a secret is not copied around the heap) and its status into st.
 * Returns 0 or an errno value.
 */
static int
slurp(const char *path, struct zp_buf *out, struct stat *st)
{
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (fstat(fd, st) != 0)
		err = errno;
	else if (!S_ISREG(st->st_mode))
		err = EINVAL;
	else if (st->st_size > CONFIG_MAX)
		err = EFBIG;
	else if (zp_buf_reserve(out, (size_t)st->st_size + 1) != 0)
		err = ENOMEM;
	while (err == 0 && out->len < (size_t)st->st_size) {
		n = read(
		    fd, out->data + out->len, (size_t)st->st_size - out->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : 0;
			break;
		}
		out->len += (size_t)n;
	}
	close(fd);
	if (out->data != NULL)
		out->data[out->len] = '\0';
	return err;
}

/* load_file reads the accounts of the config (multi) or credentials file
 * path into a. */
static int
load_file(
    struct fetch_accounts *a, const char *path, int multi, struct zp_buf *why)
{
	struct parse p = {path, multi, 0, a, NULL, 0, 0, 0, why};
	struct zp_buf text = ZP_BUF_INIT;
	struct stat st;
	int err, rc;

	err = slurp(path, &text, &st);
	if (err == ENOMEM)
		rc = ZP_ENOMEM;
	else if (err != 0)
		rc = fail_at(&p, 0, ZP_ECONFIG, "%s",
		    err == EINVAL      ? "not a regular file"
			: err == EFBIG ? "larger than 1 MiB"
				       : strerror(err));
	else
		rc = parse_text(&p, text.data, text.len);
	if (rc == 0 && p.inline_secret)
		warn_shared(path, &st, "a client secret");
	if (text.data != NULL)
		zp_crypto_wipe(text.data, text.cap);
	zp_buf_release(&text);
	return rc;
}

/* --- the environment ------------------------------------------------- */

/* env_value is the value of name if it is set and not empty, or NULL. */
static const char *
env_value(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

/*
 * env_copy copies the value of variable zp, else of psoxy (may be NULL),
 * into dst of cap bytes.  Returns 1 if one was set, 0 if neither, or
 * ZP_ECONFIG when the value does not fit.
 */
static int
env_copy(char *dst, size_t cap, const char *zp, const char *psoxy,
    struct zp_buf *why)
{
	const char *name = zp, *v = env_value(zp);

	if (v == NULL && psoxy != NULL) {
		name = psoxy;
		v = env_value(psoxy);
	}
	if (v == NULL)
		return 0;
	if (copy_str(dst, cap, v) != 0)
		return say(why, ZP_ECONFIG, "%s is longer than %zu bytes",
		    name, cap - 1);
	return 1;
}

/* env_url copies the URL in variable name, if set, into dst of cap
 * bytes: 1 if set, 0 if not, or ZP_ECONFIG. */
static int
env_url(char *dst, size_t cap, const char *name, struct zp_buf *why)
{
	const char *v = env_value(name);
	int rc;

	if (v == NULL)
		return 0;
	rc = copy_url(dst, cap, v);
	if (rc == -1)
		return say(why, ZP_ECONFIG,
		    "%s is not an http:// or https:// URL", name);
	if (rc != 0)
		return say(why, ZP_ECONFIG, "%s is longer than %zu bytes",
		    name, cap - 1);
	return 1;
}

/* env_secret sets acc's client secret from ZP_ZOOM_CLIENT_SECRET or
 * PSOXY_ZOOM_CLIENT_SECRET. */
static int
env_secret(struct fetch_account *acc, struct zp_buf *why)
{
	static const char *const envs[] = {
	    "ZP_ZOOM_CLIENT_SECRET", "PSOXY_ZOOM_CLIENT_SECRET", NULL};
	struct zp_buf s = ZP_BUF_INIT;
	int rc;

	rc = zp_config_secret(envs, NULL, &s, why);
	if (rc == 0 &&
	    copy_str(acc->client_secret, sizeof(acc->client_secret), s.data) !=
		0)
		rc = say(why, ZP_ESECRET,
		    "the client secret is longer than %zu "
		    "bytes",
		    sizeof(acc->client_secret) - 1);
	if (s.data != NULL)
		zp_crypto_wipe(s.data, s.len);
	zp_buf_release(&s);
	return rc;
}

/* env_ids sets acc's account id, client id and refresh token file. */
static int
env_ids(struct fetch_account *acc, struct zp_buf *why)
{
	int has_account, has_client, has_refresh;

	has_account = env_copy(acc->account_id, sizeof(acc->account_id),
	    "ZP_ZOOM_ACCOUNT_ID", "PSOXY_ZOOM_ACCOUNT_ID", why);
	if (has_account < 0)
		return has_account;
	has_refresh =
	    env_copy(acc->refresh_token_file, sizeof(acc->refresh_token_file),
		"ZP_ZOOM_REFRESH_TOKEN_FILE", NULL, why);
	if (has_refresh < 0)
		return has_refresh;
	if (!has_account && !has_refresh)
		return say(why, ZP_ECONFIG,
		    "ZP_ZOOM_ACCOUNT_ID (or PSOXY_ZOOM_ACCOUNT_ID) is unset, "
		    "and so is ZP_ZOOM_REFRESH_TOKEN_FILE");
	has_client = env_copy(acc->client_id, sizeof(acc->client_id),
	    "ZP_ZOOM_CLIENT_ID", "PSOXY_ZOOM_CLIENT_ID", why);
	if (has_client < 0)
		return has_client;
	if (!has_client)
		return say(why, ZP_ECONFIG,
		    "ZP_ZOOM_CLIENT_ID (or PSOXY_ZOOM_CLIENT_ID) is unset");
	return 0;
}

/* load_env reads the one account of the environment into a. */
static int
load_env(struct fetch_accounts *a, struct zp_buf *why)
{
	struct fetch_account *acc = &a->v[0];
	int rc;

	memset(acc, 0, sizeof(*acc));
	if ((rc = env_ids(acc, why)) != 0 || (rc = env_secret(acc, why)) != 0)
		return rc;
	rc = env_url(
	    acc->api_url, sizeof(acc->api_url), "ZP_ZOOM_API_URL", why);
	if (rc < 0)
		return rc;
	acc->api_url_explicit = rc;
	rc = env_url(
	    acc->oauth_url, sizeof(acc->oauth_url), "ZP_ZOOM_OAUTH_URL", why);
	if (rc < 0)
		return rc;
	if (acc->account_id[0] == '\0')
		copy_str(acc->name, sizeof(acc->name), "default");
	else if (copy_str(acc->name, sizeof(acc->name), acc->account_id) != 0)
		return say(why, ZP_ECONFIG,
		    "ZP_ZOOM_ACCOUNT_ID is too long to name the account; use "
		    "a config file with [account NAME]");
	a->n = 1;
	return 0;
}

/* --- loading --------------------------------------------------------- */

/* check_override validates an api_url or oauth_url override into dst. */
static int
check_override(
    const char *what, const char *v, char *dst, size_t cap, struct zp_buf *why)
{
	int rc;

	if (v == NULL)
		return 0;
	rc = copy_url(dst, cap, v);
	if (rc == -1)
		return say(why, ZP_ECONFIG,
		    "%s is not an http:// or https:// URL", what);
	if (rc != 0)
		return say(why, ZP_ECONFIG, "%s is longer than %zu bytes",
		    what, cap - 1);
	return 0;
}

/* finish_urls applies the overrides, then the defaults, to every
 * account of a. */
static int
finish_urls(struct fetch_accounts *a, const char *api_url,
    const char *oauth_url, struct zp_buf *why)
{
	char api[sizeof(a->v[0].api_url)], oauth[sizeof(a->v[0].oauth_url)];
	struct fetch_account *acc;
	int rc;

	if ((rc = check_override("api_url", api_url, api, sizeof(api), why)) !=
		0 ||
	    (rc = check_override(
		 "oauth_url", oauth_url, oauth, sizeof(oauth), why)) != 0)
		return rc;
	for (acc = a->v; acc < a->v + a->n; acc++) {
		if (api_url != NULL) {
			copy_str(acc->api_url, sizeof(acc->api_url), api);
			acc->api_url_explicit = 1;
		} else if (acc->api_url[0] == '\0') {
			copy_str(acc->api_url, sizeof(acc->api_url),
			    FETCH_DEFAULT_API_URL);
		}
		if (oauth_url != NULL)
			copy_str(
			    acc->oauth_url, sizeof(acc->oauth_url), oauth);
		else if (acc->oauth_url[0] == '\0')
			copy_str(acc->oauth_url, sizeof(acc->oauth_url),
			    FETCH_DEFAULT_OAUTH_URL);
	}
	return 0;
}

/* fetch_accounts_load fills a from a config file, a credentials file or
 * the environment, then applies the URL overrides and defaults. */
int
fetch_accounts_load(struct fetch_accounts *a, const char *path,
    const char *cred_path, const char *api_url, const char *oauth_url,
    struct zp_buf *why)
{
	int rc;

	memset(a, 0, sizeof(*a));
	if (path != NULL)
		rc = load_file(a, path, 1, why);
	else if (cred_path != NULL)
		rc = load_file(a, cred_path, 0, why);
	else
		rc = load_env(a, why);
	if (rc == 0)
		rc = finish_urls(a, api_url, oauth_url, why);
	if (rc != 0) {
		fetch_accounts_wipe(a);
		a->n = 0;
	}
	return rc;
}

/* --- the token answer ------------------------------------------------ */

/* What a token answer (or the error of the token endpoint) said; every
 * field is NUL-terminated, "" when absent. */
struct answer {
	char access_token[sizeof(((struct fetch_account *)0)->access_token)];
	char refresh_token[2048];
	char api_url[512];
	char error[128];
	char reason[256];
	char message[256];
	double expires_in; /* -1 when absent */
};

/* One string member of the answer that is kept: key, where, whether a
 * value too long is an error (tokens) or ignored (texts). */
struct field {
	const char *key;
	char *dst;
	size_t cap;
	int required_whole;
};

/*
 * take_string unescapes the string just read by t into dst of cap bytes.
 * Returns 0, or ZP_ETOOBIG when it does not fit.
 */
static int
take_string(const struct zp_json_tok *t, char *dst, size_t cap)
{
	size_t n;

	if (t->tlen >= cap)
		return ZP_ETOOBIG;
	n = zp_json_unescape(t->src + t->start, t->tlen, dst);
	dst[n] = '\0';
	return 0;
}

/* take_number reads the number just read by t as expires_in, if it is
 * a plausible lifetime. */
static void
take_number(const struct zp_json_tok *t, struct answer *an)
{
	char num[32], *end;
	double v;

	if (t->tlen >= sizeof(num))
		return;
	memcpy(num, t->src + t->start, t->tlen);
	num[t->tlen] = '\0';
	v = strtod(num, &end);
	if (*end == '\0' && v >= 0 && v < 1e9)
		an->expires_in = v;
}

/* find_field returns the kept field named by the key just read, or NULL. */
static const struct field *
find_field(const struct zp_json_tok *t, const struct field *f, size_t n)
{
	size_t i;

	if (t->escaped)
		return NULL;
	for (i = 0; i < n; i++)
		if (strlen(f[i].key) == t->tlen &&
		    memcmp(f[i].key, t->src + t->start, t->tlen) == 0)
			return &f[i];
	return NULL;
}

/* parse_member reads the value of the member whose key t just read. */
static int
parse_member(struct zp_json_tok *t, struct answer *an)
{
	const struct field fields[] = {
	    {"access_token", an->access_token, sizeof(an->access_token), 1},
	    {"refresh_token", an->refresh_token, sizeof(an->refresh_token), 1},
	    {"api_url", an->api_url, sizeof(an->api_url), 0},
	    {"error", an->error, sizeof(an->error), 0},
	    {"reason", an->reason, sizeof(an->reason), 0},
	    {"message", an->message, sizeof(an->message), 0}};
	const struct field *f = find_field(t, fields, 6);
	int expires = !t->escaped && t->tlen == 10 &&
	    memcmp(t->src + t->start, "expires_in", 10) == 0;
	enum zp_tok tok = zp_json_next(t);

	if (tok == ZP_TOK_STRING && f != NULL) {
		if (take_string(t, f->dst, f->cap) != 0 && f->required_whole)
			return ZP_ETOOBIG;
		return 0;
	}
	if (tok == ZP_TOK_NUMBER && expires) {
		take_number(t, an);
		return 0;
	}
	return zp_json_skip(t, tok) == 0 ? 0 : ZP_EDECODE;
}

/*
 * parse_answer reads the JSON object src[0..len) into an.  Returns 0,
 * ZP_EDECODE when it is not a JSON object, or ZP_ETOOBIG when a token in
 * it does not fit.
 */
static int
parse_answer(const char *src, size_t len, struct answer *an)
{
	struct zp_json_tok t;
	enum zp_tok tok;
	int rc;

	an->expires_in = -1;
	zp_json_tok_init(&t, src, len, ZP_JSON_DEFAULT_DEPTH);
	if (zp_json_next(&t) != ZP_TOK_OBJ_BEGIN)
		return ZP_EDECODE;
	while ((tok = zp_json_next(&t)) == ZP_TOK_KEY)
		if ((rc = parse_member(&t, an)) != 0)
			return rc;
	if (tok != ZP_TOK_OBJ_END || zp_json_next(&t) != ZP_TOK_END)
		return ZP_EDECODE;
	return 0;
}

/* put_clean appends up to 200 bytes of the server's text s to why, with
 * anything but printable ASCII replaced by '?', so that it stays one
 * line. */
static void
put_clean(struct zp_buf *why, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i < 200; i++)
		zp_buf_putc(why, s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?');
}

/*
 * refused says why the token endpoint did not give a token: ZP_EAUTH for
 * 400, 401 and 403 (Zoom refused the credentials or the grant), with
 * Zoom's "error: reason"; ZP_ETRANSPORT for any other status.
 */
static int
refused(const struct fetch_account *acc, int status, const struct answer *an,
    struct zp_buf *why)
{
	const char *reason = an->reason[0] != '\0' ? an->reason : an->message;
	int code = status == 400 || status == 401 || status == 403
	    ? ZP_EAUTH
	    : ZP_ETRANSPORT;

	if (why == NULL)
		return code;
	if (code == ZP_EAUTH)
		zp_buf_printf(why,
		    "account %s: Zoom refused the credentials (HTTP %d)",
		    acc->name, status);
	else
		zp_buf_printf(why,
		    "account %s: the token endpoint answered HTTP %d",
		    acc->name, status);
	if (an->error[0] != '\0' || reason[0] != '\0')
		zp_buf_puts(why, ": ");
	put_clean(why, an->error);
	if (an->error[0] != '\0' && reason[0] != '\0')
		zp_buf_puts(why, ": ");
	put_clean(why, reason);
	return code;
}

/* read_answer turns the token endpoint's answer rs into an, or says
 * why it is not a token. */
static int
read_answer(const struct fetch_account *acc, const struct zp_http_response *rs,
    struct answer *an, struct zp_buf *why)
{
	const char *body = rs->body.data != NULL ? rs->body.data : "";
	int rc = parse_answer(body, rs->body.len, an);

	if (rs->status < 200 || rs->status > 299)
		return refused(acc, rs->status, an, why);
	if (rc == ZP_ETOOBIG)
		return say(why, ZP_EDECODE,
		    "account %s: a token in the token answer is too long",
		    acc->name);
	if (rc != 0)
		return say(why, ZP_EDECODE,
		    "account %s: the token answer (HTTP %d) is not a JSON "
		    "object",
		    acc->name, rs->status);
	if (an->access_token[0] == '\0')
		return say(why, ZP_EDECODE,
		    "account %s: the token answer has no access_token",
		    acc->name);
	return 0;
}

/* --- the token endpoint ---------------------------------------------- */

/* stop_requested tells zp_http to give up when a stop signal came. */
static int
stop_requested(void *arg)
{
	(void)arg;
	return zp_interrupted() != 0;
}

/* basic_header writes "Authorization: Basic base64(client_id:secret)"
 * into out, which the caller wipes. */
static int
basic_header(const struct fetch_account *acc, struct zp_buf *out)
{
	struct zp_buf raw = ZP_BUF_INIT;
	size_t n = strlen(acc->client_id) + 1 + strlen(acc->client_secret);
	int rc;

	rc = zp_buf_reserve(&raw, n);
	if (rc == 0)
		rc = zp_buf_reserve(out, 21 + (n + 2) / 3 * 4);
	if (rc == 0)
		rc = zp_buf_printf(
		    &raw, "%s:%s", acc->client_id, acc->client_secret);
	if (rc == 0)
		rc = zp_buf_puts(out, "Authorization: Basic ");
	if (rc == 0)
		rc = zp_base64_encode(out, raw.data, raw.len);
	if (raw.data != NULL)
		zp_crypto_wipe(raw.data, raw.cap);
	zp_buf_release(&raw);
	return rc;
}

/*
 * post_token POSTs to url (form body, or NULL for none) with the
 * account's Basic credentials and reads the answer into an.  Returns 0
 * or the code of auth.h's fetch_auth_token, with why.
 */
static int
post_token(const struct fetch_account *acc, struct zp_http *h, const char *url,
    const char *body, struct answer *an, struct zp_buf *why)
{
	struct zp_http_response rs = ZP_HTTP_RESPONSE_INIT;
	struct zp_http_request rq;
	struct zp_buf auth = ZP_BUF_INIT;
	const char *headers[2];
	int rc;

	if ((rc = basic_header(acc, &auth)) != 0)
		goto out;
	headers[0] = auth.data;
	headers[1] = "Content-Type: application/x-www-form-urlencoded";
	memset(&rq, 0, sizeof(rq));
	rq.method = "POST";
	rq.url = url;
	rq.headers = headers;
	rq.n_headers = body != NULL ? 2 : 1;
	rq.body = body;
	rq.body_len = body != NULL ? strlen(body) : 0;
	rq.timeout_ms = TOKEN_TIMEOUT_MS;
	rq.connect_timeout_ms = TOKEN_CONNECT_MS;
	rq.max_body = TOKEN_MAX_BODY;
	rq.cancel = stop_requested;
	rc = zp_http_do(h, &rq, &rs);
	if (rc == 0)
		rc = read_answer(acc, &rs, an, why);
	else
		say(why, rc, "account %s: token endpoint: %s", acc->name,
		    rc == ZP_ETRANSPORT && rs.error[0] != '\0'
			? rs.error
			: zp_strerror(rc));
out:
	if (auth.data != NULL)
		zp_crypto_wipe(auth.data, auth.cap);
	if (rs.body.data != NULL)
		zp_crypto_wipe(rs.body.data, rs.body.cap);
	zp_buf_release(&auth);
	zp_http_response_release(&rs);
	return rc;
}

/* token_url writes {oauth_url}/oauth/token into url. */
static int
token_url(const struct fetch_account *acc, struct zp_buf *url)
{
	return zp_http_url_join(url, acc->oauth_url, "/oauth/token");
}

/* adopt_api_url makes {api_url}/v2 of a token answer acc's API base,
 * unless it was set explicitly. */
static void
adopt_api_url(struct fetch_account *acc, const char *api_url)
{
	char base[sizeof(acc->api_url)];
	size_t n;

	if (acc->api_url_explicit || api_url[0] == '\0')
		return;
	if (copy_url(base, sizeof(base) - 3, api_url) != 0) {
		zp_warn("account %s: the token answer's api_url is not an "
			"http(s) URL; keeping %s",
		    acc->name, acc->api_url);
		return;
	}
	n = strlen(base);
	if (n < 3 || strcmp(base + n - 3, "/v2") != 0)
		memcpy(base + n, "/v2", 4);
	if (strcmp(base, acc->api_url) == 0)
		return;
	memcpy(acc->api_url, base, sizeof(base));
	zp_debug("account %s: API base %s (from the token answer)", acc->name,
	    acc->api_url);
}

/* adopt makes the token of an acc's, with its expiry from now. */
static void
adopt(struct fetch_account *acc, const struct answer *an, double now)
{
	zp_crypto_wipe(acc->access_token, sizeof(acc->access_token));
	memcpy(
	    acc->access_token, an->access_token, strlen(an->access_token) + 1);
	acc->lifetime =
	    an->expires_in >= 0 ? an->expires_in : DEFAULT_LIFETIME;
	acc->expires_at = now + acc->lifetime;
	acc->renewals++;
	adopt_api_url(acc, an->api_url);
	zp_debug("account %s: new access token, expires in %.0fs (token %lu)",
	    acc->name, acc->lifetime, acc->renewals);
}

/* s2s_token gets a Server-to-Server OAuth token for acc. */
static int
s2s_token(struct fetch_account *acc, struct zp_http *h, double now,
    struct zp_buf *why)
{
	struct zp_buf url = ZP_BUF_INIT;
	struct answer *an = calloc(1, sizeof(*an));
	int rc = an != NULL ? 0 : ZP_ENOMEM;

	if (rc == 0)
		rc = token_url(acc, &url);
	if (rc == 0)
		rc = zp_url_query_add(
		    &url, "grant_type", "account_credentials");
	if (rc == 0)
		rc = zp_url_query_add(&url, "account_id", acc->account_id);
	if (rc == 0)
		rc = post_token(acc, h, url.data, NULL, an, why);
	if (rc == 0)
		adopt(acc, an, now);
	if (an != NULL)
		zp_crypto_wipe(an, sizeof(*an));
	free(an);
	zp_buf_release(&url);
	return rc;
}

/* --- the refresh token file ------------------------------------------ */

/* read_refresh appends the refresh token of acc's file to out, warning
 * when the file's mode is not 0600. */
static int
read_refresh(
    const struct fetch_account *acc, struct zp_buf *out, struct zp_buf *why)
{
	const char *path = acc->refresh_token_file;
	struct zp_buf w = ZP_BUF_INIT;
	struct stat st;
	int rc;

	if (stat(path, &st) == 0 && (st.st_mode & 0777) != 0600)
		zp_warn("%s: holds a refresh token and has mode %03o; chmod "
			"600 it",
		    path, (unsigned)(st.st_mode & 0777));
	rc = zp_config_secret(NULL, path, out, &w);
	if (rc == ZP_ESECRET)
		say(why, rc, "account %s: refresh_token_file: %s", acc->name,
		    secret_why(&w));
	zp_buf_release(&w);
	return rc;
}

/*
 * write_atomic replaces the contents of path with token and a newline
 * (file.h: a 0600 temporary file beside it, synced, renamed over path).
 * 0 or an errno value; on failure path is untouched.
 */
static int
write_atomic(const char *path, const char *token)
{
	struct zp_buf text = ZP_BUF_INIT;
	int err = 0;

	if (zp_buf_reserve(&text, strlen(token) + 2) != 0)
		return ENOMEM;
	zp_buf_puts(&text, token);
	zp_buf_putc(&text, '\n');
	if (zp_file_write_atomic(path, text.data, text.len, 0600, &err) != 0 &&
	    err == 0)
		err = EIO;
	zp_crypto_wipe(text.data, text.cap);
	zp_buf_release(&text);
	return err;
}

/* save_refresh stores the new refresh token of acc in its file. */
static int
save_refresh(
    const struct fetch_account *acc, const char *token, struct zp_buf *why)
{
	int err = write_atomic(acc->refresh_token_file, token);

	if (err == 0)
		return 0;
	return say(why, ZP_ESECRET,
	    "account %s: cannot save the new refresh token to %s: %s (the "
	    "old one no longer works: authorize the app again)",
	    acc->name, acc->refresh_token_file, strerror(err));
}

/* refresh_body writes the form grant_type=refresh_token&refresh_token=T
 * into body (reserved once: the caller wipes it). */
static int
refresh_body(struct zp_buf *body, const struct zp_buf *token)
{
	int rc = zp_buf_reserve(body, 64 + 3 * token->len);

	if (rc == 0)
		rc = zp_buf_puts(
		    body, "grant_type=refresh_token&refresh_token=");
	if (rc == 0)
		rc = zp_url_encode(body, token->data, token->len);
	return rc;
}

/*
 * refresh_grant exchanges acc's refresh token for an access token and
 * saves the new refresh token before the access token is adopted.
 */
static int
refresh_grant(struct fetch_account *acc, struct zp_http *h, double now,
    struct zp_buf *why)
{
	struct zp_buf url = ZP_BUF_INIT, old = ZP_BUF_INIT, body = ZP_BUF_INIT;
	struct answer *an = calloc(1, sizeof(*an));
	int rc = an != NULL ? 0 : ZP_ENOMEM;

	if (rc == 0)
		rc = read_refresh(acc, &old, why);
	if (rc == 0)
		rc = token_url(acc, &url);
	if (rc == 0)
		rc = refresh_body(&body, &old);
	if (rc == 0)
		rc = post_token(acc, h, url.data, body.data, an, why);
	if (rc == 0 && an->refresh_token[0] == '\0')
		zp_warn("account %s: the token answer has no new refresh "
			"token; keeping the old one",
		    acc->name);
	else if (rc == 0)
		rc = save_refresh(acc, an->refresh_token, why);
	if (rc == 0)
		adopt(acc, an, now);
	if (an != NULL)
		zp_crypto_wipe(an, sizeof(*an));
	free(an);
	if (old.data != NULL)
		zp_crypto_wipe(old.data, old.cap);
	if (body.data != NULL)
		zp_crypto_wipe(body.data, body.cap);
	zp_buf_release(&old);
	zp_buf_release(&body);
	zp_buf_release(&url);
	return rc;
}

/* --- the interface --------------------------------------------------- */

/* needs_token tells whether acc has no token, or one with less than a
 * tenth of its life (at most 60 s) left at now. */
static int
needs_token(const struct fetch_account *acc, double now)
{
	double margin = acc->lifetime / 10;

	if (acc->access_token[0] == '\0' || acc->expires_at <= 0)
		return 1;
	if (margin > RENEW_MARGIN_MAX)
		margin = RENEW_MARGIN_MAX;
	return now >= acc->expires_at - margin;
}

/* fetch_auth_token renews acc's access token when it is due or forced. */
int
fetch_auth_token(struct fetch_account *acc, struct zp_http *h, double now,
    int force, struct zp_buf *why)
{
	if (acc == NULL || h == NULL)
		return ZP_EINVAL;
	if (!force && !needs_token(acc, now))
		return 0;
	if (acc->refresh_token_file[0] != '\0')
		return refresh_grant(acc, h, now, why);
	return s2s_token(acc, h, now, why);
}

/* fetch_auth_header writes "Authorization: Bearer TOKEN" into out. */
int
fetch_auth_header(const struct fetch_account *acc, struct zp_buf *out)
{
	size_t n = strlen(acc->access_token);
	int rc;

	zp_buf_reset(out);
	rc = zp_buf_reserve(out, 22 + n);
	if (rc == 0)
		rc = zp_buf_puts(out, "Authorization: Bearer ");
	if (rc == 0)
		rc = zp_buf_append(out, acc->access_token, n);
	return rc;
}

/* fetch_accounts_wipe zeroes every secret and token in a. */
void
fetch_accounts_wipe(struct fetch_accounts *a)
{
	size_t i;

	for (i = 0; i < FETCH_MAX_ACCOUNTS; i++) {
		zp_crypto_wipe(
		    a->v[i].client_secret, sizeof(a->v[i].client_secret));
		zp_crypto_wipe(
		    a->v[i].access_token, sizeof(a->v[i].access_token));
		a->v[i].expires_at = 0;
		a->v[i].lifetime = 0;
	}
}
