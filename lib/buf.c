/* buf.c - a growable byte buffer. */
#include "buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* zp_buf_reserve makes room for extra more bytes (plus the NUL). */
int
zp_buf_reserve(struct zp_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra >= SIZE_MAX - b->len)
		return ZP_ENOMEM;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap * 2 > cap ? cap * 2 : need;
	p = realloc(b->data, cap);
	if (p == NULL)
		return ZP_ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

/* zp_buf_append copies n bytes from p to the end of b. */
int
zp_buf_append(struct zp_buf *b, const void *p, size_t n)
{
	if (zp_buf_reserve(b, n) != 0)
		return ZP_ENOMEM;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

/* zp_buf_puts appends the C string s. */
int
zp_buf_puts(struct zp_buf *b, const char *s)
{
	return zp_buf_append(b, s, strlen(s));
}

/* zp_buf_putc appends one byte. */
int
zp_buf_putc(struct zp_buf *b, char c)
{
	return zp_buf_append(b, &c, 1);
}

/* zp_buf_printf appends printf-formatted text. */
int
zp_buf_printf(struct zp_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return ZP_EINVAL;
	if (zp_buf_reserve(b, (size_t)n) != 0)
		return ZP_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

/* zp_buf_reset empties b and keeps its memory for reuse. */
void
zp_buf_reset(struct zp_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* zp_buf_release frees the bytes of b and empties it; b itself is kept. */
void
zp_buf_release(struct zp_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}
