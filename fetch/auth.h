/*
 * auth.h - zp-fetch's Zoom accounts and their OAuth access tokens.
 *
 * An account comes from the environment (ZP_ZOOM_ACCOUNT_ID,
 * ZP_ZOOM_CLIENT_ID, ZP_ZOOM_CLIENT_SECRET, or Psoxy's PSOXY_ZOOM_*
 * names), from a credentials file, or from a config file that names
 * several accounts.  Two flows:
 *
 *   Server-to-Server OAuth: POST {oauth_url}/oauth/token with
 *     grant_type=account_credentials&account_id=ID and HTTP Basic
 *     client_id:client_secret.
 *   Authorization code (an OAuth app): the refresh token lives in a 0600
 *     file; every refresh (grant_type=refresh_token) returns a new one,
 *     which is written back atomically (temporary file, fsync, rename)
 *     before the access token is used, since Zoom invalidates the old.
 *
 * Tokens are kept in memory and renewed before they expire; a 401 code 124
 * from the API renews them at once (fetch_auth_token with force).  The
 * token answer's api_url, when present, becomes the API base (plus "/v2")
 * unless the account's API URL was set explicitly.  Secrets and tokens
 * never appear in logs or in the texts this module writes to `why`.
 */
#ifndef ZP_FETCH_AUTH_H
#define ZP_FETCH_AUTH_H

#include <stddef.h>

#include "buf.h"
#include "http.h"

#define FETCH_MAX_ACCOUNTS 64
#define FETCH_DEFAULT_API_URL "https://api.zoom.us/v2"
#define FETCH_DEFAULT_OAUTH_URL "https://zoom.us"

/* One Zoom account: who it is, how to authenticate, its current token. */
struct fetch_account {
	char name[64]; /* the label on envelopes ("account"); default: the
			  account id */
	char account_id[128];
	char client_id[128];
	char client_secret[256]; /* secret */
	char api_url[512]; /* the API base, e.g. "https://api.zoom.us/v2" */
	int api_url_explicit; /* set by config or flag: api_url of a token
				 answer does not replace it */
	char oauth_url[512]; /* e.g. "https://zoom.us" */
	char refresh_token_file[1024]; /* set: authorization-code flow */

	/* The token in use, filled by fetch_auth_token. */
	char access_token[4096]; /* secret */
	double expires_at; /* CLOCK_MONOTONIC seconds; 0: none yet */
	double lifetime; /* expires_in of that token, seconds: the
			    renewal margin is a tenth of it, at most 60 s */
	unsigned long renewals; /* tokens obtained so far */
};

/* Every account a run crawls. */
struct fetch_accounts {
	struct fetch_account v[FETCH_MAX_ACCOUNTS];
	size_t n;
};

/*
 * fetch_accounts_load fills a from the config file path (several
 * accounts) or, when path is NULL, from the credentials file cred_path
 * (one account) or, when that is NULL too, from the environment.
 * api_url and oauth_url, if not NULL, override every account's (and set
 * api_url_explicit).  Returns 0, or ZP_ECONFIG / ZP_ESECRET (or
 * ZP_ENOMEM) with one line appended to why (which may be NULL) saying
 * which file, line and key is wrong (never a secret's value); a holds
 * no account then.  Strings are borrowed and copied.
 *
 * File format (config and credentials alike): lines "key = value",
 * blank lines and "#" comments (a "#" only at the start of a line, as a
 * secret may hold one); "[account NAME]" starts an account (NAME:
 * letters, digits, '.', '_', '-').  Values are taken literally, without
 * quotes.  Keys: account_id, client_id, client_secret,
 * client_secret_file, refresh_token_file, api_url, oauth_url.  A config
 * file puts every key in a section; a credentials file holds one account,
 * with or without a section.  Relative file names in a file are relative
 * to that file's directory.  client_id and a client secret are required,
 * and account_id unless refresh_token_file is set.  An unknown or
 * repeated key, a duplicate account name, a missing required key or a
 * line of no known shape is an error "FILE:LINE: reason".  A file that
 * holds a client secret and is readable by group or others is warned
 * about.
 *
 * Environment: ZP_ZOOM_ACCOUNT_ID, ZP_ZOOM_CLIENT_ID and
 * ZP_ZOOM_CLIENT_SECRET, each falling back to its PSOXY_ZOOM_* name;
 * ZP_ZOOM_REFRESH_TOKEN_FILE, ZP_ZOOM_API_URL and ZP_ZOOM_OAUTH_URL (read
 * for this source only: the caller passes its flags as api_url and
 * oauth_url).  The account is named after its account id, or "default".
 */
int fetch_accounts_load(struct fetch_accounts *a, const char *path,
    const char *cred_path, const char *api_url, const char *oauth_url,
    struct zp_buf *why);

/*
 * fetch_auth_token makes sure acc holds an access token valid for at
 * least a little while longer (renewing it when less than a tenth of its
 * life, at most 60 s, is left), or a new one when force is set.  h is a
 * blocking client the caller owns; now is CLOCK_MONOTONIC seconds.
 * Errors append one line to why (which may be NULL).  Returns 0; ZP_EAUTH when
 * Zoom refused the credentials (why has Zoom's reason, never a secret);
 * ZP_ETRANSPORT when the token endpoint could not be reached or answered
 * another error (429, 5xx); ZP_ESECRET when the refresh token file cannot be
 * read or written; ZP_EDECODE for an answer that is not a token; ZP_EINTR when
 * a stop signal (zp_interrupted) cut the exchange short.  On failure acc keeps
 * the token it had.
 */
int fetch_auth_token(struct fetch_account *acc, struct zp_http *h, double now,
    int force, struct zp_buf *why);

/*
 * fetch_auth_header writes "Authorization: Bearer TOKEN" into out
 * (replacing what it held).  Returns 0 or ZP_ENOMEM.
 */
int fetch_auth_header(const struct fetch_account *acc, struct zp_buf *out);

/* fetch_accounts_wipe overwrites every secret and token in a with zeros. */
void fetch_accounts_wipe(struct fetch_accounts *a);

#endif
