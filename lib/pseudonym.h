/*
 * pseudonym.h - Psoxy-compatible pseudonyms of identifiers, byte for byte.
 *
 * A value is hashed as SHA-256(canonical + salt) and encoded as a t~ token,
 * a reversible p~ token, the bare hash, or a small JSON object (Psoxy
 * RULES-SPEC sections 2.1 and 3).  Emails are recognised and canonicalised
 * first and keep a domain suffix; every other value is hashed verbatim.
 *
 * Secrets (salts, key passwords, derived keys) live only in struct
 * zp_pseudo; nothing here logs them.
 */
#ifndef ZP_PSEUDONYM_H
#define ZP_PSEUDONYM_H

#include <stddef.h>

#include "buf.h"
#include "crypto.h"

/* Positive results of zp_pseudo_value: no identity, out left untouched. */
#define ZP_PSEUDO_NULL 1 /* the caller writes a JSON null */
#define ZP_PSEUDO_NULL_STRING 2 /* JSON encoding: the caller writes "null" */

/* EMAIL_CANONICALIZATION: whether dots in the local part count. */
enum zp_pseudo_canon { ZP_PSEUDO_STRICT, ZP_PSEUDO_IGNORE_DOTS };

/* EMAIL_DOMAIN_HANDLING: what follows the '@' of an email's token. */
enum zp_pseudo_domains {
	ZP_PSEUDO_PRESERVE,
	ZP_PSEUDO_REDACT,
	ZP_PSEUDO_TOKENIZE,
	ZP_PSEUDO_ENCRYPT
};

/* The pseudonymize transform's encoding option. */
enum zp_pseudo_encoding {
	ZP_PSEUDO_URL_SAFE_TOKEN,
	ZP_PSEUDO_URL_SAFE_HASH_ONLY,
	ZP_PSEUDO_JSON
};

/*
 * The pseudonymization secrets and options of one deployment, kept
 * together so that the costly PBKDF2 keys are derived once, not per value.
 * Set canon and domains directly after zp_pseudo_init.
 */
struct zp_pseudo {
	unsigned char *salt; /* PSOXY_SALT, owned */
	size_t saltlen;
	unsigned char *domain_salt; /* SALT_EMAIL_DOMAINS, owned, or NULL */
	size_t domain_saltlen;
	int have_key;
	unsigned char key[ZP_AES256_KEY_LEN]; /* from PSOXY_ENCRYPTION_KEY */
	int have_domain_key;
	unsigned char domain_key[ZP_AES256_KEY_LEN];
	enum zp_pseudo_canon canon;
	enum zp_pseudo_domains domains;
};

/*
 * zp_pseudo_init copies saltlen bytes of salt into cfg, with STRICT
 * canonicalisation, PRESERVE domains and no keys.  The salt is borrowed;
 * cfg owns its copy until zp_pseudo_release.  0, ZP_EINVAL or ZP_ENOMEM.
 */
int zp_pseudo_init(struct zp_pseudo *cfg, const void *salt, size_t saltlen);

/*
 * zp_pseudo_set_domain_salt copies the salt for email domains (otherwise
 * the main salt is used).  Borrows salt.  0, ZP_EINVAL or ZP_ENOMEM.
 */
int zp_pseudo_set_domain_salt(
    struct zp_pseudo *cfg, const void *salt, size_t saltlen);

/*
 * zp_pseudo_set_key derives the AES-256 key for p~ tokens with
 * PBKDF2-HMAC-SHA256(pass, salt, 65536, 32); it takes tens of
 * milliseconds, so call it once.  Borrows pass.  0, ZP_EINVAL or
 * ZP_ECRYPTO.
 */
int zp_pseudo_set_key(struct zp_pseudo *cfg, const void *pass, size_t len);

/*
 * zp_pseudo_set_domain_key derives the key for ENCRYPT domains from pass
 * and the domain salt (so set that first); without it the main key is
 * used.  Borrows pass.  0, ZP_EINVAL or ZP_ECRYPTO.
 */
int zp_pseudo_set_domain_key(
    struct zp_pseudo *cfg, const void *pass, size_t len);

/* zp_pseudo_release wipes and frees the secrets in cfg (cfg is kept). */
void zp_pseudo_release(struct zp_pseudo *cfg);

/*
 * zp_pseudo_value appends the pseudonym of the n bytes at v to out.  With
 * is_number, v is the text of a JSON number (hashed as Java's toString
 * gives it, never as an email).  URL_SAFE_TOKEN gives t~ (or p~ when
 * reversible) plus any @domain; URL_SAFE_HASH_ONLY the bare hash; JSON the
 * text of {"domain":…,"hash":…,"reversible":…}, which the caller writes
 * as a JSON string.  A blank string gives ZP_PSEUDO_NULL, or with JSON
 * ZP_PSEUDO_NULL_STRING, and out is untouched.  Errors: ZP_EINVAL (bad
 * number, or reversible/ENCRYPT without a key), ZP_ECRYPTO, ZP_ENOMEM,
 * and out is as it was.  Borrows everything.
 */
int zp_pseudo_value(const struct zp_pseudo *cfg, const char *v, size_t n,
    int is_number, enum zp_pseudo_encoding enc, int reversible,
    struct zp_buf *out);

/*
 * zp_pseudo_number_text appends the text Psoxy hashes for the JSON number
 * v[0..n): Java's toString of the long or double Jackson reads it as
 * ("1.50" gives "1.5", "1e3" gives "1000.0", "-0" gives "0").  Returns 0,
 * ZP_EINVAL for text that is not a JSON number, or ZP_ENOMEM.
 */
int zp_pseudo_number_text(const char *v, size_t n, struct zp_buf *out);

/*
 * zp_pseudo_reverse appends the original value hidden in a p~ token (an
 * @domain suffix is allowed and ignored) to out.  A token that is not a
 * p~ token, or no key, gives ZP_EINVAL; a value that fails to decrypt or
 * does not hash to the embedded hash gives ZP_ECRYPTO.  On error out is as
 * it was.  Borrows everything.
 */
int zp_pseudo_reverse(const struct zp_pseudo *cfg, const char *token, size_t n,
    struct zp_buf *out);

#endif
