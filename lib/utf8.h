/*
 * utf8.h - UTF-8 validation shared by the JSON reader and writer.
 *
 * Unicode table 3-7: no overlong forms, no encoded surrogates, nothing
 * past U+10FFFF.
 */
#ifndef ZP_UTF8_H
#define ZP_UTF8_H

#include <stddef.h>

/*
 * zp_utf8_seq returns the length (2-4) of the well-formed multi-byte
 * sequence at p, which has avail bytes, or 0 if it is not one.
 */
static inline size_t
zp_utf8_seq(const unsigned char *p, size_t avail)
{
	unsigned c = p[0];
	unsigned lo = 0x80, hi = 0xBF;
	size_t n, i;

	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if (avail < n)
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return n;
}

#endif
