/*
 * crypto.h - hashes, MACs, AES, key derivation and the text encodings that
 * carry their output.
 *
 * This is the only module that talks to OpenSSL; the rest of zoompipe uses
 * these small functions.  Each returns 0 or a negative ZP_E* code.
 * Functions that write into a struct zp_buf append to it and, on failure,
 * leave it as it was.  Every pointer argument is borrowed.
 */
#ifndef ZP_CRYPTO_H
#define ZP_CRYPTO_H

#include <stddef.h>

#include "buf.h"

#define ZP_SHA256_LEN 32
#define ZP_AES256_KEY_LEN 32
#define ZP_AES_BLOCK_LEN 16

/* --- digests, MACs and key derivation -------------------------------- */

/* zp_sha256 writes the SHA-256 digest of len bytes at data to out. */
int zp_sha256(const void *data, size_t len, unsigned char out[32]);

/* zp_hmac_sha256 writes HMAC-SHA256(key, data) to out. */
int zp_hmac_sha256(const void *key, size_t keylen, const void *data,
    size_t len, unsigned char out[32]);

/*
 * zp_pbkdf2_sha256 derives outlen bytes into out from a password and salt
 * with PBKDF2-HMAC-SHA256 and the given iteration count (at least 1).
 */
int zp_pbkdf2_sha256(const void *pass, size_t passlen, const void *salt,
    size_t saltlen, unsigned iterations, unsigned char *out, size_t outlen);

/* zp_random_bytes fills out with n bytes from OpenSSL's secure generator. */
int zp_random_bytes(void *out, size_t n);

/*
 * zp_crypto_equal tells in time independent of the contents whether the n
 * bytes at a and b are equal: 1 if they are, 0 if not.  Use it to compare
 * MACs and signatures.
 */
int zp_crypto_equal(const void *a, const void *b, size_t n);

/* zp_crypto_wipe overwrites n bytes at p with zeros the compiler keeps. */
void zp_crypto_wipe(void *p, size_t n);

/* --- AES-256-CBC with PKCS#7 padding --------------------------------- */

/*
 * zp_aes256cbc_encrypt appends the padded ciphertext of len bytes at in to
 * out: len rounded up to the next multiple of 16 (a full block of padding
 * when len already is one).
 */
int zp_aes256cbc_encrypt(const unsigned char key[32],
    const unsigned char iv[16], const void *in, size_t len,
    struct zp_buf *out);

/*
 * zp_aes256cbc_decrypt appends the plaintext of len bytes of ciphertext at
 * in to out.  A length that is not a positive multiple of 16 or bad
 * padding (a wrong key, a corrupt message) gives ZP_ECRYPTO.
 */
int zp_aes256cbc_decrypt(const unsigned char key[32],
    const unsigned char iv[16], const void *in, size_t len,
    struct zp_buf *out);

/* --- text encodings -------------------------------------------------- */

/*
 * zp_base64_value returns the 6-bit value of c in the base64 alphabet
 * whose last two characters are c62 and c63 ('+' '/', or '-' '_' for
 * URL-safe base64), or -1.  Inline: decoders call it per character.
 */
static inline int
zp_base64_value(char c, char c62, char c63)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == c62)
		return 62;
	if (c == c63)
		return 63;
	return -1;
}

/* zp_base64url_encode appends the URL-safe base64 of in, without '='. */
int zp_base64url_encode(struct zp_buf *out, const void *in, size_t n);

/*
 * zp_base64url_decode appends the bytes that n characters of URL-safe
 * base64 at s encode.  Padding is optional, but if present it must be
 * complete.  A character outside the alphabet, a misplaced '=', an
 * impossible length or nonzero unused bits give ZP_EDECODE.
 */
int zp_base64url_decode(struct zp_buf *out, const char *s, size_t n);

/* zp_base64_encode appends the standard base64 of in, with '=' padding. */
int zp_base64_encode(struct zp_buf *out, const void *in, size_t n);

/*
 * zp_base64_decode appends the bytes that n characters of standard base64
 * at s encode; it is as strict as zp_base64url_decode and also takes the
 * input without padding.  Whitespace is not allowed.
 */
int zp_base64_decode(struct zp_buf *out, const char *s, size_t n);

/* zp_hex_encode appends two lowercase hex digits for each byte of in. */
int zp_hex_encode(struct zp_buf *out, const void *in, size_t n);

/*
 * zp_hex_decode appends the bytes that n hex digits at s (either case)
 * encode; an odd count or a non-hex character gives ZP_EDECODE.
 */
int zp_hex_decode(struct zp_buf *out, const char *s, size_t n);

/* --- Zoom ------------------------------------------------------------ */

/*
 * zp_zoom_webhook_signature appends the value Zoom sends in the
 * x-zm-signature header: "v0=" + hex HMAC-SHA256(secret,
 * "v0:{ts}:{body}"), where ts is the x-zm-request-timestamp header and
 * body the raw request body.  Compare with zp_crypto_equal.
 */
int zp_zoom_webhook_signature(const void *secret, size_t secretlen,
    const char *ts, const void *body, size_t bodylen, struct zp_buf *out);

#endif
