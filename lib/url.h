/*
 * url.h - percent-encoding (RFC 3986) and the pieces of Zoom API URLs.
 *
 * Every function appends to a struct zp_buf it borrows and, on failure,
 * leaves the buffer as it was.  Strings passed in are borrowed.
 */
#ifndef ZP_URL_H
#define ZP_URL_H

#include <stddef.h>

#include "buf.h"

/*
 * zp_url_encode appends n bytes at s with every byte except the RFC 3986
 * unreserved characters (A-Z a-z 0-9 - . _ ~) written as %XX, uppercase.
 * It suits both a path segment and a query value.
 */
int zp_url_encode(struct zp_buf *out, const char *s, size_t n);

/*
 * zp_url_decode appends the bytes that n percent-encoded characters at s
 * stand for.  A '%' not followed by two hex digits gives ZP_EDECODE; '+'
 * is kept as '+' (this is not form decoding).
 */
int zp_url_decode(struct zp_buf *out, const char *s, size_t n);

/*
 * zp_zoom_uuid_path appends the meeting UUID uuid as Zoom wants it in a
 * path segment: encoded twice if it begins with '/' or contains "//",
 * otherwise once.  An empty UUID gives ZP_EINVAL.
 */
int zp_zoom_uuid_path(struct zp_buf *out, const char *uuid);

/*
 * zp_url_query_add appends "?key=value" to url, or "&key=value" if url
 * already has a query, with key and value percent-encoded.
 */
int zp_url_query_add(struct zp_buf *url, const char *key, const char *value);

#endif
