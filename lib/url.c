/* url.c - percent-encoding and the pieces of Zoom API URLs. */
#include "url.h"

#include <stdint.h>
#include <string.h>

#include "error.h"

/* buf_truncate puts b back to len bytes after a failed append. */
static void
buf_truncate(struct zp_buf *b, size_t len)
{
	b->len = len;
	if (b->data != NULL)
		b->data[len] = '\0';
}

/* unreserved tells whether c is an RFC 3986 unreserved character. */
static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

/* hex_value returns the value of hex digit c (either case), or -1. */
static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* zp_url_encode appends s with all but unreserved bytes as %XX. */
int
zp_url_encode(struct zp_buf *out, const char *s, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	unsigned char c;
	size_t i;

	if (n > (SIZE_MAX - 1) / 3 || zp_buf_reserve(out, n * 3) != 0)
		return ZP_ENOMEM;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (unreserved(c)) {
			zp_buf_putc_fast(out, (char)c);
			continue;
		}
		zp_buf_putc_fast(out, '%');
		zp_buf_putc_fast(out, digits[c >> 4]);
		zp_buf_putc_fast(out, digits[c & 15]);
	}
	out->data[out->len] = '\0';
	return 0;
}

/* zp_url_decode appends the bytes percent-encoded text stands for. */
int
zp_url_decode(struct zp_buf *out, const char *s, size_t n)
{
	size_t start = out->len, i;
	int hi, lo;

	if (zp_buf_reserve(out, n) != 0)
		return ZP_ENOMEM;
	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			zp_buf_putc_fast(out, s[i]);
			continue;
		}
		hi = i + 2 < n ? hex_value(s[i + 1]) : -1;
		lo = i + 2 < n ? hex_value(s[i + 2]) : -1;
		if (hi < 0 || lo < 0) {
			buf_truncate(out, start);
			return ZP_EDECODE;
		}
		zp_buf_putc_fast(out, (char)(hi << 4 | lo));
		i += 2;
	}
	out->data[out->len] = '\0';
	return 0;
}

/*
 * zp_zoom_uuid_path appends uuid encoded once, or twice when it begins
 * with '/' or contains "//": Zoom decodes such a path segment one time
 * more than others (DESIGN.md, Facts).
 */
int
zp_zoom_uuid_path(struct zp_buf *out, const char *uuid)
{
	struct zp_buf once = ZP_BUF_INIT;
	int rc;

	if (uuid[0] == '\0')
		return ZP_EINVAL;
	if (uuid[0] != '/' && strstr(uuid, "//") == NULL)
		return zp_url_encode(out, uuid, strlen(uuid));
	rc = zp_url_encode(&once, uuid, strlen(uuid));
	if (rc != 0)
		goto out;
	rc = zp_url_encode(out, once.data, once.len);
out:
	zp_buf_release(&once);
	return rc;
}

/* zp_url_query_add appends ?key=value or &key=value, both encoded. */
int
zp_url_query_add(struct zp_buf *url, const char *key, const char *value)
{
	size_t start = url->len;
	int has_query;
	int rc;

	has_query = url->len > 0 && memchr(url->data, '?', url->len) != NULL;
	rc = zp_buf_putc(url, has_query ? '&' : '?');
	if (rc == 0)
		rc = zp_url_encode(url, key, strlen(key));
	if (rc == 0)
		rc = zp_buf_putc(url, '=');
	if (rc == 0)
		rc = zp_url_encode(url, value, strlen(value));
	if (rc != 0)
		buf_truncate(url, start);
	return rc;
}
