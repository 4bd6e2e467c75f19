/*
 * buf.h - a growable byte buffer.
 *
 * The buffer owns its bytes.  data is always NUL-terminated after a
 * successful append (the NUL is not counted in len), so text can be handed
 * to C string functions.  Appends return 0 or ZP_ENOMEM and leave the buffer
 * unchanged on failure.
 */
#ifndef ZP_BUF_H
#define ZP_BUF_H

#include <stddef.h>

/* A byte string that grows as text is appended: the unit of every writer. */
struct zp_buf {
	char *data;
	size_t len;
	size_t cap;
};

#define ZP_BUF_INIT                                                           \
	{                                                                     \
		NULL, 0, 0                                                    \
	}

/* zp_buf_reserve makes room for extra more bytes (plus the NUL). */
int zp_buf_reserve(struct zp_buf *b, size_t extra);

/* zp_buf_append copies n bytes from p to the end of b. */
int zp_buf_append(struct zp_buf *b, const void *p, size_t n);

/* zp_buf_puts appends the C string s. */
int zp_buf_puts(struct zp_buf *b, const char *s);

/* zp_buf_putc appends one byte. */
int zp_buf_putc(struct zp_buf *b, char c);

/* zp_buf_printf appends printf-formatted text. */
int zp_buf_printf(struct zp_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* zp_buf_reset empties b and keeps its memory for reuse. */
void zp_buf_reset(struct zp_buf *b);

/* zp_buf_release frees the bytes of b and empties it; b itself is kept. */
void zp_buf_release(struct zp_buf *b);

/* zp_buf_putc_fast appends one byte when room was reserved beforehand. */
static inline void
zp_buf_putc_fast(struct zp_buf *b, char c)
{
	b->data[b->len++] = c;
}

#endif
