/*
 * reverse.c - zp-sanitize --reverse: for an operator who holds the key,
 * every reversible token (p~ and 43 or more base64url characters, with
 * any @domain after it) in the input becomes the original value again,
 * escaped for a JSON string.  Tokens that do not decrypt with the key are
 * left as they are and counted.  Text in, text out: envelopes, records,
 * any lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "error.h"
#include "json.h"
#include "log.h"
#include "tool.h"

#define MIN_TOKEN 43 /* base64url characters of the 32-byte hash */

/* b64url_char tells whether c is a base64url character. */
static int
b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* domain_char tells whether c can be part of an e-mail domain. */
static int
domain_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* token_len is the length of the p~ token (with any @domain) at s, or 0. */
static size_t
token_len(const char *s, size_t n)
{
	size_t i = 2, d;

	if (n < 2 + MIN_TOKEN || s[0] != 'p' || s[1] != '~')
		return 0;
	while (i < n && b64url_char(s[i]))
		i++;
	if (i - 2 < MIN_TOKEN)
		return 0;
	if (i < n && s[i] == '@') {
		for (d = i + 1; d < n && domain_char(s[d]); d++)
			;
		if (d > i + 1)
			i = d;
	}
	return i;
}

/* Buffers of one --reverse run. */
struct rev {
	const struct zp_pseudo *p;
	struct zp_buf out, plain, esc;
	unsigned long reversed, bad;
};

/* put_original appends the original of the token at s[0..n) to r->out,
 * escaped for a JSON string; 0, or 1 when it does not decrypt. */
static int
put_original(struct rev *r, const char *s, size_t n)
{
	zp_buf_reset(&r->plain);
	zp_buf_reset(&r->esc);
	if (zp_pseudo_reverse(r->p, s, n, &r->plain) != 0)
		return 1;
	if (zp_json_write_string(&r->esc, r->plain.data, r->plain.len) != 0)
		return ZP_ENOMEM;
	/* The content between the quotes. */
	return zp_buf_append(&r->out, r->esc.data + 1, r->esc.len - 2);
}

/* reverse_line appends line[0..n) to r->out with its tokens reversed. */
static int
reverse_line(struct rev *r, const char *line, size_t n)
{
	size_t i = 0, start = 0, t;
	int rc = 0;

	while (rc == 0 && i < n) {
		t = (i == 0 || !b64url_char(line[i - 1]))
		    ? token_len(line + i, n - i)
		    : 0;
		if (t == 0) {
			i++;
			continue;
		}
		rc = zp_buf_append(&r->out, line + start, i - start);
		if (rc == 0)
			rc = put_original(r, line + i, t);
		if (rc == 1) {
			r->bad++;
			rc = zp_buf_append(&r->out, line + i, t);
		} else if (rc == 0) {
			r->reversed++;
		}
		i += t;
		start = i;
	}
	if (rc == 0)
		rc = zp_buf_append(&r->out, line + start, n - start);
	return rc;
}

/* sanitize_reverse copies stdin to stdout with p~ tokens reversed. */
int
sanitize_reverse(const struct sanitize_options *o, const struct zp_pseudo *p)
{
	struct rev r = {p, ZP_BUF_INIT, ZP_BUF_INIT, ZP_BUF_INIT, 0, 0};
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	(void)o;
	while (rc == 0 && (n = getline(&line, &cap, stdin)) >= 0) {
		zp_buf_reset(&r.out);
		rc = reverse_line(&r, line, (size_t)n);
		if (rc == 0 &&
		    fwrite(r.out.data, 1, r.out.len, stdout) != r.out.len)
			rc = ZP_EIO;
	}
	free(line);
	if (r.plain.data != NULL)
		zp_crypto_wipe(r.plain.data, r.plain.cap);
	if (r.esc.data != NULL)
		zp_crypto_wipe(r.esc.data, r.esc.cap);
	if (r.out.data != NULL)
		zp_crypto_wipe(r.out.data, r.out.cap);
	zp_buf_release(&r.out);
	zp_buf_release(&r.plain);
	zp_buf_release(&r.esc);
	if (rc == 0 && (ferror(stdin) || fflush(stdout) != 0))
		rc = ZP_EIO;
	zp_info("reversed %lu tokens; %lu did not decrypt with this key",
	    r.reversed, r.bad);
	if (rc != 0)
		return zp_exit_code(rc);
	return r.bad > 0 ? ZP_EXIT_REJECTED : ZP_EXIT_OK;
}
