/*
 * pseudonym.c - Psoxy-compatible pseudonyms (RULES-SPEC sections 2.1, 3).
 *
 * The email grammar is a hand-written equivalent of the RFC 2822 mailbox
 * regex Psoxy uses: quoted local parts and comments allowed, no domain
 * literals, a final domain label of 2 to 26 letters.
 */
#include "pseudonym.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json.h"

#define PBKDF2_ITERATIONS 65536
#define MAX_NUMBER_TEXT 512

/* The parts of a recognised email, pointing into the input. */
struct email {
	const char *local;
	size_t llen;
	const char *domain;
	size_t dlen;
};

/* buf_truncate puts b back to len bytes after a failed append. */
static void
buf_truncate(struct zp_buf *b, size_t len)
{
	b->len = len;
	if (b->data != NULL)
		b->data[len] = '\0';
}

/* copy_secret stores a malloc'd copy of n bytes of p in *dst. */
static int
copy_secret(unsigned char **dst, size_t *dstlen, const void *p, size_t n)
{
	unsigned char *c = malloc(n ? n : 1);

	if (c == NULL)
		return ZP_ENOMEM;
	if (n)
		memcpy(c, p, n);
	*dst = c;
	*dstlen = n;
	return 0;
}

/* free_secret wipes and frees a secret copied by copy_secret. */
static void
free_secret(unsigned char **p, size_t *n)
{
	if (*p != NULL) {
		zp_crypto_wipe(*p, *n);
		free(*p);
	}
	*p = NULL;
	*n = 0;
}

/* zp_pseudo_init copies the salt into a fresh config with defaults. */
int
zp_pseudo_init(struct zp_pseudo *cfg, const void *salt, size_t saltlen)
{
	if (cfg == NULL || (salt == NULL && saltlen))
		return ZP_EINVAL;
	memset(cfg, 0, sizeof(*cfg));
	cfg->canon = ZP_PSEUDO_STRICT;
	cfg->domains = ZP_PSEUDO_PRESERVE;
	return copy_secret(&cfg->salt, &cfg->saltlen, salt, saltlen);
}

/* zp_pseudo_set_domain_salt replaces the salt used for email domains. */
int
zp_pseudo_set_domain_salt(
    struct zp_pseudo *cfg, const void *salt, size_t saltlen)
{
	if (cfg == NULL || (salt == NULL && saltlen))
		return ZP_EINVAL;
	free_secret(&cfg->domain_salt, &cfg->domain_saltlen);
	return copy_secret(
	    &cfg->domain_salt, &cfg->domain_saltlen, salt, saltlen);
}

/* derive_key runs Psoxy's PBKDF2 over pass and salt into key. */
static int
derive_key(const void *pass, size_t len, const unsigned char *salt,
    size_t saltlen, unsigned char key[ZP_AES256_KEY_LEN])
{
	if (pass == NULL || len == 0)
		return ZP_EINVAL;
	return zp_pbkdf2_sha256(pass, len, salt, saltlen, PBKDF2_ITERATIONS,
	    key, ZP_AES256_KEY_LEN);
}

/* zp_pseudo_set_key derives the p~ key from pass and the main salt. */
int
zp_pseudo_set_key(struct zp_pseudo *cfg, const void *pass, size_t len)
{
	int rc;

	if (cfg == NULL)
		return ZP_EINVAL;
	rc = derive_key(pass, len, cfg->salt, cfg->saltlen, cfg->key);
	cfg->have_key = rc == 0;
	return rc;
}

/* zp_pseudo_set_domain_key derives the ENCRYPT key for domains. */
int
zp_pseudo_set_domain_key(struct zp_pseudo *cfg, const void *pass, size_t len)
{
	const unsigned char *salt;
	size_t saltlen;
	int rc;

	if (cfg == NULL)
		return ZP_EINVAL;
	salt = cfg->domain_salt ? cfg->domain_salt : cfg->salt;
	saltlen = cfg->domain_salt ? cfg->domain_saltlen : cfg->saltlen;
	rc = derive_key(pass, len, salt, saltlen, cfg->domain_key);
	cfg->have_domain_key = rc == 0;
	return rc;
}

/* zp_pseudo_release wipes and frees every secret cfg holds. */
void
zp_pseudo_release(struct zp_pseudo *cfg)
{
	if (cfg == NULL)
		return;
	free_secret(&cfg->salt, &cfg->saltlen);
	free_secret(&cfg->domain_salt, &cfg->domain_saltlen);
	zp_crypto_wipe(cfg->key, sizeof(cfg->key));
	zp_crypto_wipe(cfg->domain_key, sizeof(cfg->domain_key));
	cfg->have_key = cfg->have_domain_key = 0;
}

/* --- blank values (Java String.isBlank) ------------------------------ */

/* utf8_space returns the length of a Java whitespace code point at s. */
static size_t
utf8_space(const unsigned char *s, size_t n)
{
	unsigned cp;

	if (n >= 3 && s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80)
		return 3; /* U+1680 */
	if (n < 3 || (s[0] != 0xe2 && s[0] != 0xe3))
		return 0;
	cp = ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
	if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
		return 0;
	if ((cp >= 0x2000 && cp <= 0x2006) || (cp >= 0x2008 && cp <= 0x200a) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x205f || cp == 0x3000)
		return 3;
	return 0;
}

/* is_blank tells whether v is empty or only Java whitespace. */
static int
is_blank(const char *v, size_t n)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t i = 0, k;

	while (i < n) {
		if ((s[i] >= 0x09 && s[i] <= 0x0d) || s[i] == ' ' ||
		    (s[i] >= 0x1c && s[i] <= 0x1f)) {
			i++;
			continue;
		}
		k = utf8_space(s + i, n - i);
		if (k == 0)
			return 0;
		i += k;
	}
	return 1;
}

/* --- email grammar --------------------------------------------------- */

/* is_atext tells whether c may appear in an RFC 2822 atom. */
static int
is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') ||
	    (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* is_alnum tells whether c is an ASCII letter or digit. */
static int
is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* skip_comment returns the end of the (nested) comment at i, or i. */
static size_t
skip_comment(const char *s, size_t n, size_t i)
{
	size_t j = i + 1;
	int depth = 1;

	if (i >= n || s[i] != '(')
		return i;
	while (j < n && depth > 0) {
		if (s[j] == '\\' && j + 1 < n)
			j++;
		else if (s[j] == '(')
			depth++;
		else if (s[j] == ')')
			depth--;
		j++;
	}
	return depth == 0 ? j : i;
}

/* skip_cfws returns the position after any whitespace and comments. */
static size_t
skip_cfws(const char *s, size_t n, size_t i)
{
	size_t j;

	for (;;) {
		if (i < n && (s[i] == ' ' || s[i] == '\t')) {
			i++;
		} else if (i + 2 < n && s[i] == '\r' && s[i + 1] == '\n' &&
		    (s[i + 2] == ' ' || s[i + 2] == '\t')) {
			i += 3;
		} else if ((j = skip_comment(s, n, i)) != i) {
			i = j;
		} else {
			return i;
		}
	}
}

/* scan_dot_atom returns the end of the dot-atom at i, or i if none. */
static size_t
scan_dot_atom(const char *s, size_t n, size_t i)
{
	size_t j = i, end = i;

	while (j < n && is_atext((unsigned char)s[j])) {
		while (j < n && is_atext((unsigned char)s[j]))
			j++;
		end = j;
		if (j + 1 < n && s[j] == '.' &&
		    is_atext((unsigned char)s[j + 1]))
			j++;
		else
			break;
	}
	return end;
}

/* scan_quoted returns the end of the quoted string at i, or i if none. */
static size_t
scan_quoted(const char *s, size_t n, size_t i)
{
	size_t j = i + 1;

	if (i >= n || s[i] != '"')
		return i;
	for (; j < n; j++) {
		unsigned char c = (unsigned char)s[j];

		if (c == '"')
			return j + 1;
		if (c == '\\' && j + 1 < n && s[j + 1] >= 0x20 &&
		    s[j + 1] < 0x7f)
			j++;
		else if (c < 0x20 && c != '\t')
			return i;
		else if (c == '\\' || c >= 0x7f)
			return i;
	}
	return i;
}

/* valid_label tells whether s[0..n) is an RFC 1035 label. */
static int
valid_label(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 63 || !is_alnum((unsigned char)s[0]) ||
	    !is_alnum((unsigned char)s[n - 1]))
		return 0;
	for (i = 1; i + 1 < n; i++)
		if (!is_alnum((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

/* valid_tld tells whether s[0..n) is 2 to 26 ASCII letters. */
static int
valid_tld(const char *s, size_t n)
{
	size_t i;

	if (n < 2 || n > 26)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= 'A' && s[i] <= 'Z')))
			return 0;
	return 1;
}

/* scan_domain returns the end of a valid email domain at i, or i. */
static size_t
scan_domain(const char *s, size_t n, size_t i)
{
	size_t j = i, start = i, labels = 0;

	while (j < n &&
	    (is_alnum((unsigned char)s[j]) || s[j] == '-' || s[j] == '.'))
		j++;
	for (size_t k = i; k <= j; k++) {
		if (k < j && s[k] != '.')
			continue;
		if (!valid_label(s + start, k - start))
			return i;
		labels++;
		if (k == j && !valid_tld(s + start, k - start))
			return i;
		start = k + 1;
	}
	return labels >= 2 ? j : i;
}

/* parse_addr_spec reads local@domain (with CFWS) from i; end or i. */
static size_t
parse_addr_spec(const char *s, size_t n, size_t i, struct email *e)
{
	size_t j = skip_cfws(s, n, i), k;

	if (j < n && s[j] == '"')
		k = scan_quoted(s, n, j);
	else
		k = scan_dot_atom(s, n, j);
	if (k == j)
		return i;
	e->local = s + j;
	e->llen = k - j;
	j = skip_cfws(s, n, k);
	if (j >= n || s[j] != '@')
		return i;
	j = skip_cfws(s, n, j + 1);
	k = scan_domain(s, n, j);
	if (k == j)
		return i;
	e->domain = s + j;
	e->dlen = k - j;
	return skip_cfws(s, n, k);
}

/* skip_phrase returns the end of a display name (words and CFWS) at i. */
static size_t
skip_phrase(const char *s, size_t n, size_t i)
{
	size_t j;

	for (;;) {
		i = skip_cfws(s, n, i);
		j = scan_quoted(s, n, i);
		if (j == i)
			while (j < n && is_atext((unsigned char)s[j]))
				j++;
		if (j == i)
			return i;
		i = j;
	}
}

/* unquote_local drops the quotes of a local part that needs none. */
static void
unquote_local(struct email *e)
{
	if (e->llen < 2 || e->local[0] != '"')
		return;
	if (scan_dot_atom(e->local + 1, e->llen - 2, 0) == e->llen - 2) {
		e->local++;
		e->llen -= 2;
	}
}

/* parse_email tells whether s[0..n) is a mailbox, filling e if so. */
static int
parse_email(const char *s, size_t n, struct email *e)
{
	size_t j;

	if (parse_addr_spec(s, n, 0, e) == n && n > 0) {
		unquote_local(e);
		return 1;
	}
	j = skip_cfws(s, n, skip_phrase(s, n, 0));
	if (j >= n || s[j] != '<')
		return 0;
	j = parse_addr_spec(s, n, j + 1, e);
	if (j >= n || s[j] != '>' || e->llen == 0)
		return 0;
	if (skip_cfws(s, n, j + 1) != n)
		return 0;
	unquote_local(e);
	return 1;
}

/* --- numbers (Java toString) ----------------------------------------- */

/* java_integer appends an integer's JSON text as Java prints it. */
static int
java_integer(const char *v, size_t n, struct zp_buf *out)
{
	size_t i = v[0] == '-';

	while (i < n && v[i] == '0')
		i++;
	if (i == n) /* "-0" is the integer 0 */
		return zp_buf_putc(out, '0');
	return zp_buf_append(out, v, n);
}

/* java_digits appends digits d (exponent e10 of d[0]) in Java style. */
static int
java_digits(const char *d, size_t nd, int e10, struct zp_buf *out)
{
	int rc = 0, k;

	if (e10 >= -3 && e10 < 7) {
		for (k = e10 < 0 ? e10 : 0; rc == 0 && k <= e10; k++)
			rc = zp_buf_putc(
			    out, k >= 0 && (size_t)k < nd ? d[k] : '0');
		if (rc == 0)
			rc = zp_buf_putc(out, '.');
		for (k = e10 + 1; rc == 0 && (k < (int)nd || k == e10 + 1);
		     k++)
			rc = zp_buf_putc(
			    out, k >= 0 && k < (int)nd ? d[k] : '0');
		return rc;
	}
	rc = zp_buf_printf(out, "%c.", d[0]);
	if (rc == 0)
		rc = nd > 1 ? zp_buf_append(out, d + 1, nd - 1)
			    : zp_buf_putc(out, '0');
	return rc ? rc : zp_buf_printf(out, "E%d", e10);
}

/* java_double appends Double.toString of the JSON float text v. */
static int
java_double(const char *v, size_t n, struct zp_buf *out)
{
	char text[MAX_NUMBER_TEXT], sci[40], digits[20];
	double d;
	size_t nd = 0;
	int p, e10 = 0;

	if (n >= sizeof(text))
		return ZP_EINVAL;
	memcpy(text, v, n);
	text[n] = '\0';
	d = strtod(text, NULL);
	if (isinf(d))
		return zp_buf_puts(out, d < 0 ? "-Infinity" : "Infinity");
	if (d == 0)
		return zp_buf_puts(out, signbit(d) ? "-0.0" : "0.0");
	if (d < 0 && zp_buf_putc(out, '-') != 0)
		return ZP_ENOMEM;
	for (p = 1; p <= 17; p++) {
		snprintf(sci, sizeof(sci), "%.*e", p - 1, fabs(d));
		if (strtod(sci, NULL) == fabs(d))
			break;
	}
	for (char *c = sci; *c && *c != 'e'; c++)
		if (*c != '.')
			digits[nd++] = *c;
	e10 = atoi(strchr(sci, 'e') + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	return java_digits(digits, nd, e10, out);
}

/* valid_number tells whether v[0..n) is a JSON number. */
static int
valid_number(const char *v, size_t n)
{
	struct zp_json_tok t;

	zp_json_tok_init(&t, v, n, 1);
	return zp_json_next(&t) == ZP_TOK_NUMBER &&
	    zp_json_next(&t) == ZP_TOK_END;
}

/* zp_pseudo_number_text appends the Java toString of the JSON number
 * text v. */
int
zp_pseudo_number_text(const char *v, size_t n, struct zp_buf *out)
{
	if (!valid_number(v, n))
		return ZP_EINVAL;
	if (memchr(v, '.', n) || memchr(v, 'e', n) || memchr(v, 'E', n))
		return java_double(v, n, out);
	return java_integer(v, n, out);
}

/* --- hashing and tokens ---------------------------------------------- */

/* append_lower appends s[0..n) in ASCII lower case, minus dots if asked. */
static int
append_lower(struct zp_buf *b, const char *s, size_t n, int drop_dots)
{
	int rc = zp_buf_reserve(b, n);

	if (rc != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (drop_dots && c == '.')
			continue;
		zp_buf_putc_fast(b, c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	b->data[b->len] = '\0';
	return 0;
}

/* canonical_email appends local (lowered, cut at '+') '@' domain. */
static int
canonical_email(
    const struct zp_pseudo *cfg, const struct email *e, struct zp_buf *b)
{
	const char *plus = memchr(e->local, '+', e->llen);
	size_t llen = plus ? (size_t)(plus - e->local) : e->llen;
	int rc;

	rc = append_lower(
	    b, e->local, llen, cfg->canon == ZP_PSEUDO_IGNORE_DOTS);
	if (rc == 0)
		rc = zp_buf_putc(b, '@');
	return rc ? rc : append_lower(b, e->domain, e->dlen, 0);
}

/* salted_hash writes SHA-256(s[0..n) + salt) to hash. */
static int
salted_hash(const char *s, size_t n, const unsigned char *salt, size_t saltlen,
    unsigned char hash[ZP_SHA256_LEN])
{
	struct zp_buf b = ZP_BUF_INIT;
	int rc = zp_buf_append(&b, s, n);

	if (rc == 0)
		rc = zp_buf_append(&b, salt, saltlen);
	if (rc == 0)
		rc = zp_sha256(b.data, b.len, hash);
	if (b.data != NULL)
		zp_crypto_wipe(b.data, b.len);
	zp_buf_release(&b);
	return rc;
}

/* append_sealed appends b64url(hash || AES-CBC(key, hash[0:16], v)). */
static int
append_sealed(struct zp_buf *out, const unsigned char key[32],
    const unsigned char hash[ZP_SHA256_LEN], const char *v, size_t n)
{
	struct zp_buf b = ZP_BUF_INIT;
	int rc = zp_buf_append(&b, hash, ZP_SHA256_LEN);

	if (rc == 0)
		rc = zp_aes256cbc_encrypt(key, hash, v, n, &b);
	if (rc == 0)
		rc = zp_base64url_encode(out, b.data, b.len);
	zp_buf_release(&b);
	return rc;
}

/* append_domain appends the domain part of an email token (sans '@'). */
static int
append_domain(
    const struct zp_pseudo *cfg, const struct email *e, struct zp_buf *out)
{
	const unsigned char *salt =
	    cfg->domain_salt ? cfg->domain_salt : cfg->salt;
	size_t saltlen = cfg->domain_salt ? cfg->domain_saltlen : cfg->saltlen;
	unsigned char h[ZP_SHA256_LEN];
	int rc;

	if (cfg->domains == ZP_PSEUDO_PRESERVE)
		return zp_buf_append(out, e->domain, e->dlen);
	rc = salted_hash(e->domain, e->dlen, salt, saltlen, h);
	if (rc != 0)
		return rc;
	if (cfg->domains == ZP_PSEUDO_TOKENIZE) {
		rc = zp_buf_puts(out, "h~");
		return rc ? rc : zp_base64url_encode(out, h, sizeof(h));
	}
	if (!cfg->have_domain_key && !cfg->have_key)
		return ZP_EINVAL;
	rc = zp_buf_puts(out, "e~");
	return rc ? rc
		  : append_sealed(out,
			cfg->have_domain_key ? cfg->domain_key : cfg->key, h,
			e->domain, e->dlen);
}

/* One value on its way to a pseudonym. */
struct subject {
	const char *orig; /* the value as given: the p~ plaintext */
	size_t olen;
	int is_email;
	struct email e;
	unsigned char hash[ZP_SHA256_LEN];
};

/* append_token appends the t~ or p~ token, with any @domain suffix. */
static int
append_token(const struct zp_pseudo *cfg, const struct subject *sj,
    int reversible, int with_domain, struct zp_buf *out)
{
	int rc;

	if (reversible && !cfg->have_key)
		return ZP_EINVAL;
	rc = zp_buf_puts(out, reversible ? "p~" : "t~");
	if (rc == 0 && reversible)
		rc =
		    append_sealed(out, cfg->key, sj->hash, sj->orig, sj->olen);
	else if (rc == 0)
		rc = zp_base64url_encode(out, sj->hash, ZP_SHA256_LEN);
	if (rc != 0 || !with_domain || !sj->is_email ||
	    cfg->domains == ZP_PSEUDO_REDACT)
		return rc;
	rc = zp_buf_putc(out, '@');
	return rc ? rc : append_domain(cfg, &sj->e, out);
}

/* append_json appends {"domain":…,"hash":…,"reversible":…} as text. */
static int
append_json(const struct zp_pseudo *cfg, const struct subject *sj,
    int reversible, struct zp_buf *out)
{
	struct zp_buf tmp = ZP_BUF_INIT;
	struct zp_jw w;
	int rc = 0;

	zp_jw_init(&w, out);
	zp_jw_object(&w);
	if (sj->is_email && cfg->domains != ZP_PSEUDO_REDACT) {
		rc = append_domain(cfg, &sj->e, &tmp);
		zp_jw_key(&w, "domain");
		zp_jw_strn(&w, tmp.data ? tmp.data : "", tmp.len);
	}
	zp_buf_reset(&tmp);
	if (rc == 0)
		rc = zp_base64url_encode(&tmp, sj->hash, ZP_SHA256_LEN);
	zp_jw_key(&w, "hash");
	zp_jw_strn(&w, tmp.data ? tmp.data : "", tmp.len);
	zp_buf_reset(&tmp);
	if (rc == 0 && reversible) {
		rc = append_token(cfg, sj, 1, 1, &tmp);
		zp_jw_key(&w, "reversible");
		zp_jw_strn(&w, tmp.data ? tmp.data : "", tmp.len);
	}
	zp_jw_end(&w);
	zp_buf_release(&tmp);
	return rc ? rc : zp_jw_finish(&w);
}

/* hash_subject detects an email in sj and hashes its canonical form. */
static int
hash_subject(const struct zp_pseudo *cfg, struct subject *sj, int is_number)
{
	struct zp_buf canon = ZP_BUF_INIT;
	int rc = 0;

	sj->is_email = !is_number && parse_email(sj->orig, sj->olen, &sj->e);
	if (sj->is_email)
		rc = canonical_email(cfg, &sj->e, &canon);
	else
		rc = zp_buf_append(&canon, sj->orig, sj->olen);
	if (rc == 0)
		rc = salted_hash(
		    canon.data, canon.len, cfg->salt, cfg->saltlen, sj->hash);
	if (canon.data != NULL)
		zp_crypto_wipe(canon.data, canon.len);
	zp_buf_release(&canon);
	return rc;
}

/* encode_subject appends the pseudonym of a hashed subject to out. */
static int
encode_subject(const struct zp_pseudo *cfg, const struct subject *sj,
    enum zp_pseudo_encoding enc, int reversible, struct zp_buf *out)
{
	switch (enc) {
	case ZP_PSEUDO_URL_SAFE_TOKEN:
		return append_token(cfg, sj, reversible, 1, out);
	case ZP_PSEUDO_URL_SAFE_HASH_ONLY:
		return zp_base64url_encode(out, sj->hash, ZP_SHA256_LEN);
	case ZP_PSEUDO_JSON: return append_json(cfg, sj, reversible, out);
	}
	return ZP_EINVAL;
}

/* zp_pseudo_value appends the pseudonym of one value in encoding enc. */
int
zp_pseudo_value(const struct zp_pseudo *cfg, const char *v, size_t n,
    int is_number, enum zp_pseudo_encoding enc, int reversible,
    struct zp_buf *out)
{
	struct zp_buf num = ZP_BUF_INIT;
	struct subject sj = {v, n, 0, {NULL, 0, NULL, 0}, {0}};
	size_t mark = out ? out->len : 0;
	int rc;

	if (cfg == NULL || out == NULL || (v == NULL && n))
		return ZP_EINVAL;
	if (v == NULL || (!is_number && is_blank(v, n)))
		return enc == ZP_PSEUDO_JSON ? ZP_PSEUDO_NULL_STRING
					     : ZP_PSEUDO_NULL;
	if (is_number) {
		if ((rc = zp_pseudo_number_text(v, n, &num)) != 0)
			goto out;
		sj.orig = num.data;
		sj.olen = num.len;
	}
	rc = hash_subject(cfg, &sj, is_number);
	if (rc == 0)
		rc = encode_subject(cfg, &sj, enc, reversible, out);
out:
	if (rc != 0)
		buf_truncate(out, mark);
	zp_buf_release(&num);
	return rc;
}

/* --- reversal -------------------------------------------------------- */

/* open_sealed decrypts hash || ciphertext in raw and checks the hash. */
static int
open_sealed(const struct zp_pseudo *cfg, const struct zp_buf *raw,
    struct zp_buf *plain)
{
	struct subject sj;
	const unsigned char *h = (const unsigned char *)raw->data;
	int rc;

	if (raw->len < ZP_SHA256_LEN + ZP_AES_BLOCK_LEN ||
	    (raw->len - ZP_SHA256_LEN) % ZP_AES_BLOCK_LEN != 0)
		return ZP_EINVAL;
	rc = zp_aes256cbc_decrypt(
	    cfg->key, h, h + ZP_SHA256_LEN, raw->len - ZP_SHA256_LEN, plain);
	if (rc != 0)
		return ZP_ECRYPTO;
	memset(&sj, 0, sizeof(sj));
	sj.orig = plain->data ? plain->data : "";
	sj.olen = plain->len;
	if ((rc = hash_subject(cfg, &sj, 0)) != 0)
		return rc;
	return zp_crypto_equal(sj.hash, h, ZP_SHA256_LEN) ? 0 : ZP_ECRYPTO;
}

/* zp_pseudo_reverse appends the verified original inside a p~ token. */
int
zp_pseudo_reverse(const struct zp_pseudo *cfg, const char *token, size_t n,
    struct zp_buf *out)
{
	struct zp_buf raw = ZP_BUF_INIT, plain = ZP_BUF_INIT;
	const char *at;
	size_t blen;
	int rc;

	if (cfg == NULL || token == NULL || out == NULL || !cfg->have_key)
		return ZP_EINVAL;
	if (n < 2 || token[0] != 'p' || token[1] != '~')
		return ZP_EINVAL;
	at = memchr(token, '@', n);
	blen = (at ? (size_t)(at - token) : n) - 2;
	rc = zp_base64url_decode(&raw, token + 2, blen);
	if (rc != 0)
		rc = ZP_EINVAL;
	else
		rc = open_sealed(cfg, &raw, &plain);
	if (rc == 0)
		rc = zp_buf_append(
		    out, plain.data ? plain.data : "", plain.len);
	if (plain.data != NULL)
		zp_crypto_wipe(plain.data, plain.len);
	zp_buf_release(&plain);
	zp_buf_release(&raw);
	return rc;
}
