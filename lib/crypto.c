/* crypto.c - OpenSSL 3 behind small functions; no other file calls it. */
#include "crypto.h"

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "error.h"

/* The two base64 alphabets of RFC 4648: section 4 and section 5. */
static const char b64_std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* OpenSSL names are passed as non-const char * in OSSL_PARAM. */
static char name_sha256[] = "SHA256";

/*
 * Algorithms fetched once per process: OpenSSL 3 looks an algorithm up on
 * every call that names it implicitly, which more than doubles the cost
 * of hashing a short value for a pseudonym.
 */
static pthread_once_t algs_once = PTHREAD_ONCE_INIT;
static EVP_MD *alg_sha256;
static EVP_MAC *alg_hmac;

/* buf_truncate puts b back to len bytes after a failed append. */
static void
buf_truncate(struct zp_buf *b, size_t len)
{
	b->len = len;
	if (b->data != NULL)
		b->data[len] = '\0';
}

/*
 * crypto_fail empties OpenSSL's thread error queue, so a refused operation
 * leaves nothing behind for an unrelated later check, and returns
 * ZP_ECRYPTO.
 */
static int
crypto_fail(void)
{
	ERR_clear_error();
	return ZP_ECRYPTO;
}

/* fetch_algs looks up the algorithms in the default library context. */
static void
fetch_algs(void)
{
	alg_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	alg_hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

/* have_algs tells whether the algorithms are fetched, fetching once. */
static int
have_algs(void)
{
	if (pthread_once(&algs_once, fetch_algs) != 0)
		return 0;
	return alg_sha256 != NULL && alg_hmac != NULL;
}

/* --- digests, MACs and key derivation -------------------------------- */

/* zp_sha256 writes the SHA-256 digest of len bytes at data to out. */
int
zp_sha256(const void *data, size_t len, unsigned char out[32])
{
	if (!have_algs() ||
	    EVP_Digest(data, len, out, NULL, alg_sha256, NULL) != 1)
		return crypto_fail();
	return 0;
}

/* hmac_begin returns an HMAC-SHA256 context keyed with key, or NULL. */
static EVP_MAC_CTX *
hmac_begin(const void *key, size_t keylen)
{
	static const unsigned char nokey[1];
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;

	if (!have_algs())
		return NULL;
	ctx = EVP_MAC_CTX_new(alg_hmac);
	if (ctx == NULL)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_MAC_PARAM_DIGEST, name_sha256, 0);
	params[1] = OSSL_PARAM_construct_end();
	/* An empty key is legal HMAC, but OpenSSL wants a pointer for it. */
	if (EVP_MAC_init(ctx, keylen > 0 ? key : nokey, keylen, params) != 1) {
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* hmac_update feeds len bytes at data to ctx; 1 on success as OpenSSL. */
static int
hmac_update(EVP_MAC_CTX *ctx, const void *data, size_t len)
{
	if (len == 0)
		return 1;
	return EVP_MAC_update(ctx, data, len);
}

/* hmac_final writes the 32-byte MAC of ctx to out; 1 on success. */
static int
hmac_final(EVP_MAC_CTX *ctx, unsigned char out[32])
{
	size_t outl = 0;

	if (EVP_MAC_final(ctx, out, &outl, ZP_SHA256_LEN) != 1)
		return 0;
	return outl == ZP_SHA256_LEN;
}

/* zp_hmac_sha256 writes HMAC-SHA256(key, data) to out. */
int
zp_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
    unsigned char out[32])
{
	EVP_MAC_CTX *ctx;
	int rc = ZP_ECRYPTO;

	ctx = hmac_begin(key, keylen);
	if (ctx == NULL)
		goto out;
	if (hmac_update(ctx, data, len) != 1 || hmac_final(ctx, out) != 1)
		goto out;
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	return rc == 0 ? 0 : crypto_fail();
}

/* zp_pbkdf2_sha256 derives outlen bytes with PBKDF2-HMAC-SHA256. */
int
zp_pbkdf2_sha256(const void *pass, size_t passlen, const void *salt,
    size_t saltlen, unsigned iterations, unsigned char *out, size_t outlen)
{
	static const unsigned char empty[1];
	OSSL_PARAM params[6], *p = params;
	uint64_t iter = iterations;
	int pkcs5 = 1; /* no SP 800-132 minimums: any salt, any count */
	EVP_KDF *kdf;
	EVP_KDF_CTX *ctx = NULL;
	int rc = ZP_ECRYPTO;

	if (iterations == 0 || outlen == 0)
		return ZP_EINVAL;
	kdf = EVP_KDF_fetch(NULL, "PBKDF2", NULL);
	if (kdf == NULL)
		goto out;
	ctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	if (ctx == NULL)
		goto out;
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
	    (void *)(passlen > 0 ? pass : empty), passlen);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)(saltlen > 0 ? salt : empty), saltlen);
	*p++ = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_ITER, &iter);
	*p++ = OSSL_PARAM_construct_utf8_string(
	    OSSL_KDF_PARAM_DIGEST, name_sha256, 0);
	*p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_PKCS5, &pkcs5);
	*p = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, out, outlen, params) == 1)
		rc = 0;
out:
	EVP_KDF_CTX_free(ctx);
	return rc == 0 ? 0 : crypto_fail();
}

/* zp_random_bytes fills out with n bytes from OpenSSL's generator. */
int
zp_random_bytes(void *out, size_t n)
{
	unsigned char *p = out;
	size_t chunk;

	while (n > 0) {
		chunk = n < INT_MAX ? n : INT_MAX;
		if (RAND_bytes(p, (int)chunk) != 1)
			return crypto_fail();
		p += chunk;
		n -= chunk;
	}
	return 0;
}

/* zp_crypto_equal compares n bytes in constant time; 1 if equal. */
int
zp_crypto_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

/* zp_crypto_wipe overwrites n bytes at p with zeros the compiler keeps. */
void
zp_crypto_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		OPENSSL_cleanse(p, n);
}

/* --- AES-256-CBC with PKCS#7 padding --------------------------------- */

/*
 * aes_cbc runs the cipher in direction enc (1 encrypt, 0 decrypt) over len
 * bytes at in and appends the result to out.  OpenSSL may write up to one
 * block more than len before it strips padding, so that much is reserved.
 */
static int
aes_cbc(int enc, const unsigned char *key, const unsigned char *iv,
    const void *in, size_t len, struct zp_buf *out)
{
	const EVP_CIPHER *aes = EVP_aes_256_cbc();
	EVP_CIPHER_CTX *ctx = NULL;
	unsigned char *dst;
	int n1 = 0, n2 = 0, rc;

	if (len > INT_MAX - 2 * ZP_AES_BLOCK_LEN)
		return ZP_ETOOBIG;
	rc = zp_buf_reserve(out, len + ZP_AES_BLOCK_LEN);
	if (rc != 0)
		return rc;
	dst = (unsigned char *)out->data + out->len;
	rc = ZP_ECRYPTO;
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL ||
	    EVP_CipherInit_ex2(ctx, aes, key, iv, enc, NULL) != 1 ||
	    EVP_CipherUpdate(ctx, dst, &n1, in, (int)len) != 1 ||
	    EVP_CipherFinal_ex(ctx, dst + n1, &n2) != 1)
		goto out;
	out->len += (size_t)n1 + (size_t)n2;
	out->data[out->len] = '\0';
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	if (rc != 0) {
		/* Do not leave a partial plaintext in the spare capacity. */
		zp_crypto_wipe(dst, len + ZP_AES_BLOCK_LEN);
		out->data[out->len] = '\0';
		return crypto_fail();
	}
	return 0;
}

/* zp_aes256cbc_encrypt appends the PKCS#7-padded ciphertext of in. */
int
zp_aes256cbc_encrypt(const unsigned char key[32], const unsigned char iv[16],
    const void *in, size_t len, struct zp_buf *out)
{
	return aes_cbc(1, key, iv, in, len, out);
}

/* zp_aes256cbc_decrypt appends the plaintext of in after checking padding. */
int
zp_aes256cbc_decrypt(const unsigned char key[32], const unsigned char iv[16],
    const void *in, size_t len, struct zp_buf *out)
{
	if (len == 0 || len % ZP_AES_BLOCK_LEN != 0)
		return ZP_ECRYPTO;
	return aes_cbc(0, key, iv, in, len, out);
}

/* --- base64 ---------------------------------------------------------- */

/* b64_encode appends the base64 of in in alphabet abc, padded if pad. */
static int
b64_encode(
    struct zp_buf *out, const void *in, size_t n, const char *abc, int pad)
{
	const unsigned char *p = in;
	unsigned long v;
	size_t i, k, chars;

	if (n / 3 >= SIZE_MAX / 4 - 1)
		return ZP_ENOMEM;
	if (zp_buf_reserve(out, (n + 2) / 3 * 4) != 0)
		return ZP_ENOMEM;
	for (i = 0; i < n; i += 3) {
		v = (unsigned long)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		chars = n - i >= 3 ? 4 : n - i + 1;
		for (k = 0; k < chars; k++)
			zp_buf_putc_fast(out, abc[v >> (18 - 6 * k) & 63]);
		for (; pad && k < 4; k++)
			zp_buf_putc_fast(out, '=');
	}
	out->data[out->len] = '\0';
	return 0;
}

/*
 * b64_unpad finds how many of the n characters at s are data: padding, if
 * any, must make the length a multiple of 4 with one or two '='.  Returns
 * the data length, or -1 for a misplaced '=' or an impossible length.
 */
static long
b64_unpad(const char *s, size_t n)
{
	size_t data = n;

	while (data > 0 && s[data - 1] == '=')
		data--;
	if (data < n && (n % 4 != 0 || n - data > 2))
		return -1;
	if (data % 4 == 1 || data > LONG_MAX)
		return -1;
	return (long)data;
}

/* b64_decode appends the bytes n base64 characters at s encode. */
static int
b64_decode(struct zp_buf *out, const char *s, size_t n, const char *abc)
{
	size_t start = out->len, i, data;
	unsigned long v = 0;
	int bits = 0, c;
	long d = b64_unpad(s, n);

	if (d < 0)
		return ZP_EDECODE;
	data = (size_t)d;
	if (zp_buf_reserve(out, data / 4 * 3 + 2) != 0)
		return ZP_ENOMEM;
	for (i = 0; i < data; i++) {
		c = zp_base64_value(s[i], abc[62], abc[63]);
		if (c < 0)
			goto bad;
		v = (v << 6 | (unsigned long)c) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			zp_buf_putc_fast(out, (char)(v >> bits & 0xff));
		}
	}
	/* The leftover bits of the last character must be zero. */
	if ((v & ((1ul << bits) - 1)) != 0)
		goto bad;
	out->data[out->len] = '\0';
	return 0;
bad:
	buf_truncate(out, start);
	return ZP_EDECODE;
}

/* zp_base64url_encode appends the URL-safe base64 of in, without '='. */
int
zp_base64url_encode(struct zp_buf *out, const void *in, size_t n)
{
	return b64_encode(out, in, n, b64_url, 0);
}

/* zp_base64url_decode appends the bytes URL-safe base64 at s encodes. */
int
zp_base64url_decode(struct zp_buf *out, const char *s, size_t n)
{
	return b64_decode(out, s, n, b64_url);
}

/* zp_base64_encode appends the standard base64 of in, with '=' padding. */
int
zp_base64_encode(struct zp_buf *out, const void *in, size_t n)
{
	return b64_encode(out, in, n, b64_std, 1);
}

/* zp_base64_decode appends the bytes standard base64 at s encodes. */
int
zp_base64_decode(struct zp_buf *out, const char *s, size_t n)
{
	return b64_decode(out, s, n, b64_std);
}

/* --- hex ------------------------------------------------------------- */

/* zp_hex_encode appends two lowercase hex digits for each byte of in. */
int
zp_hex_encode(struct zp_buf *out, const void *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = in;
	size_t i;

	if (n > (SIZE_MAX - 1) / 2 || zp_buf_reserve(out, n * 2) != 0)
		return ZP_ENOMEM;
	for (i = 0; i < n; i++) {
		zp_buf_putc_fast(out, digits[p[i] >> 4]);
		zp_buf_putc_fast(out, digits[p[i] & 15]);
	}
	out->data[out->len] = '\0';
	return 0;
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

/* zp_hex_decode appends the bytes that n hex digits at s encode. */
int
zp_hex_decode(struct zp_buf *out, const char *s, size_t n)
{
	size_t start = out->len, i;
	int hi, lo;

	if (n % 2 != 0)
		return ZP_EDECODE;
	if (zp_buf_reserve(out, n / 2) != 0)
		return ZP_ENOMEM;
	for (i = 0; i < n; i += 2) {
		hi = hex_value(s[i]);
		lo = hex_value(s[i + 1]);
		if (hi < 0 || lo < 0) {
			buf_truncate(out, start);
			return ZP_EDECODE;
		}
		zp_buf_putc_fast(out, (char)(hi << 4 | lo));
	}
	out->data[out->len] = '\0';
	return 0;
}

/* --- Zoom ------------------------------------------------------------ */

/* zp_zoom_webhook_signature appends "v0=" + hex HMAC of "v0:ts:body". */
int
zp_zoom_webhook_signature(const void *secret, size_t secretlen, const char *ts,
    const void *body, size_t bodylen, struct zp_buf *out)
{
	unsigned char mac[ZP_SHA256_LEN];
	size_t start = out->len;
	EVP_MAC_CTX *ctx;
	int rc = ZP_ECRYPTO;

	ctx = hmac_begin(secret, secretlen);
	if (ctx == NULL)
		goto out;
	if (hmac_update(ctx, "v0:", 3) != 1 ||
	    hmac_update(ctx, ts, strlen(ts)) != 1 ||
	    hmac_update(ctx, ":", 1) != 1 ||
	    hmac_update(ctx, body, bodylen) != 1 || hmac_final(ctx, mac) != 1)
		goto out;
	rc = zp_buf_puts(out, "v0=");
	if (rc == 0)
		rc = zp_hex_encode(out, mac, sizeof(mac));
out:
	EVP_MAC_CTX_free(ctx);
	if (rc == ZP_ECRYPTO)
		ERR_clear_error();
	if (rc != 0)
		buf_truncate(out, start);
	return rc;
}
