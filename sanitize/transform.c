/*
 * transform.c - Psoxy's twelve transforms (RULES-SPEC section 2) on our
 * arena DOM, driven by compiled JSONPaths, with a bounded pseudonym cache.
 *
 * Every map function follows the Java one it stands for: which JSON types
 * it accepts, what null and blank strings give, and where Java throws (we
 * return ZP_EINVAL so that the whole body is dropped, as Psoxy answers
 * 5xx).  Regex loops follow java.util.regex: find() resumes at the end of
 * the last match, one character further after an empty one.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "transform.h"

#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "error.h"
#include "jsonpath.h"

#define CACHE_SLOTS 16384 /* a power of two */
#define CACHE_WAYS 4 /* entries per set, least recently used evicted */
#define CACHE_DATA 228 /* key bytes plus result bytes per entry */
#define SEEN_BITS (1u << 20) /* the doorkeeper: 128 KiB of bits */
#define MATCH_PAIRS 64 /* ovector pairs kept per match data */
#define STOP_PATH 1 /* map callback: stop this path, not an error */

/* Cache tags: what produced an entry, so equal keys never mix. */
#define TAG_PSEUDO 0x100 /* | enc << 4 | number << 3 | rev << 1 | orig */
#define TAG_TOKENIZE 0x200
#define TAG_HASH_IP 0x300
#define TAG_ENCRYPT_IP 0x400
#define TAG_PROBE 0x500 /* pseudonymizeEmailHeader's email probe */

/* One cached pseudonym: the key's bytes, then the result's. */
struct cache_entry {
	uint64_t h;
	uint16_t tag; /* 0: empty */
	uint16_t klen;
	uint16_t vlen;
	uint8_t plain;
	uint32_t stamp; /* the engine's clock at the last use */
	char data[CACHE_DATA];
};

/* The compiled paths of one transform of the rules. */
struct compiled {
	const struct sanitize_transform *t;
	struct sanitize_jsonpath **paths; /* t->n_json_paths */
	struct sanitize_jsonpath *when; /* applyOnlyWhen, or NULL */
	struct sanitize_jsonpath *escaped; /* jsonPathToProcessWhenEscaped */
};

/* Everything a transform run needs, built once per rule set. */
struct sanitize_engine {
	const struct sanitize_rules *rules;
	const struct zp_pseudo *pseudo;
	const struct zp_pseudo *ip; /* hashIp, encryptIp */
	struct zp_pseudo probe; /* pseudo with PRESERVE domains, no keys */
	struct compiled *ct;
	size_t n_ct;
	const struct compiled *memo; /* the last one looked up */
	int needs_key;
	pcre2_match_data *md, *md2;
	struct sanitize_jsonpath_matches m, m2;
	struct zp_buf out, tmp, tmp2, scratch;
	struct zp_json_parser *parser; /* textDigest isJsonEscaped */
	size_t *counts;
	size_t counts_cap;
	struct cache_entry *cache;
	uint64_t *seen; /* values met once already (may be wrong: a hash) */
	uint32_t clock;
	uint64_t seed;
	struct sanitize_engine_stats st;
};

/* The argument of the map callback. */
struct map_ctx {
	struct sanitize_engine *e;
	const struct sanitize_transform *t;
	struct zp_arena *arena;
};

/* ===================================================================== */
/* Small string helpers                                                   */
/* ===================================================================== */

/* java_space_at gives the length of a Java isWhitespace code point at s. */
static size_t
java_space_at(const unsigned char *s, size_t n)
{
	unsigned cp;

	if (s[0] < 0x80)
		return (s[0] >= 0x09 && s[0] <= 0x0d) || s[0] == ' ' ||
		    (s[0] >= 0x1c && s[0] <= 0x1f);
	if (n >= 3 && s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80)
		return 3; /* U+1680 */
	if (n < 3 || (s[0] != 0xe2 && s[0] != 0xe3) || (s[1] & 0xc0) != 0x80 ||
	    (s[2] & 0xc0) != 0x80)
		return 0;
	cp = ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
	if ((cp >= 0x2000 && cp <= 0x2006) || (cp >= 0x2008 && cp <= 0x200a) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x205f || cp == 0x3000)
		return 3;
	return 0;
}

/* java_blank tells whether s is empty or Java whitespace only (isBlank). */
static int
java_blank(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		if ((k = java_space_at(u + i, n - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

/* utf16_len gives Java's String.length() of the UTF-8 text s. */
static size_t
utf16_len(const char *s, size_t n)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c & 0xc0) != 0x80)
			len += c >= 0xf0 ? 2 : 1;
	}
	return len;
}

/* utf8_next gives the offset after the code point at i. */
static size_t
utf8_next(const char *s, size_t n, size_t i)
{
	i++;
	while (i < n && ((unsigned char)s[i] & 0xc0) == 0x80)
		i++;
	return i;
}

/* java_trim narrows [*a, *b) past chars <= U+0020 at both ends. */
static void
java_trim(const char *s, size_t *a, size_t *b)
{
	while (*a < *b && (unsigned char)s[*a] <= 0x20)
		(*a)++;
	while (*b > *a && (unsigned char)s[*b - 1] <= 0x20)
		(*b)--;
}

/* is_plain tells whether s can be written inside quotes as it is. */
static int
is_plain(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			return 0;
	}
	return 1;
}

/* set_string makes *slot a copy of s[0..n) in arena. */
static int
set_string(struct zp_json *slot, struct zp_arena *arena, const char *s,
    size_t n, int plain)
{
	char *c = zp_arena_alloc(arena, n ? n : 1);

	if (c == NULL)
		return ZP_ENOMEM;
	if (n)
		memcpy(c, s, n);
	slot->type = ZP_JSON_STRING;
	slot->plain = (uint8_t)(plain < 0 ? is_plain(s, n) : plain);
	slot->n = n;
	slot->u.s = c;
	return 0;
}

/* set_null makes *slot a JSON null. */
static int
set_null(struct zp_json *slot)
{
	slot->type = ZP_JSON_NULL;
	slot->plain = 0;
	slot->n = 0;
	slot->u.s = NULL;
	return 0;
}

/* set_buf makes *slot a copy of buffer b in arena. */
static int
set_buf(struct zp_json *slot, struct zp_arena *arena, const struct zp_buf *b,
    int plain)
{
	return set_string(slot, arena, b->data ? b->data : "", b->len, plain);
}

/* jackson_string appends s as a JSON string the way Jackson writes it. */
static int
jackson_string(struct zp_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = zp_buf_putc(b, '"');
	size_t i;

	for (i = 0; rc == 0 && i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = c == '"' ? "\\\""
		    : c == '\\'            ? "\\\\"
		    : c == '\b'            ? "\\b"
		    : c == '\f'            ? "\\f"
		    : c == '\n'            ? "\\n"
		    : c == '\r'            ? "\\r"
		    : c == '\t'            ? "\\t"
					   : NULL;

		if (esc != NULL)
			rc = zp_buf_puts(b, esc);
		else if (c < 0x20)
			rc = zp_buf_printf(
			    b, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
		else
			rc = zp_buf_putc(b, (char)c);
	}
	return rc ? rc : zp_buf_putc(b, '"');
}

/* ===================================================================== */
/* The pseudonym cache                                                    */
/* ===================================================================== */

/* cache_hash mixes tag and the key bytes into 64 bits. */
static uint64_t
cache_hash(uint64_t seed, unsigned tag, const char *s, size_t n)
{
	const uint64_t k = 0x9e3779b97f4a7c15ull;
	uint64_t h = seed ^ ((uint64_t)tag << 48) ^ (n * k), w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	w = 0;
	if (n)
		memcpy(&w, s, n);
	h = (h ^ w) * k;
	return h ^ (h >> 32);
}

/* cache_set returns the first entry of the set h falls in. */
static struct cache_entry *
cache_set(struct sanitize_engine *e, uint64_t h)
{
	return &e->cache[h & (CACHE_SLOTS - CACHE_WAYS)];
}

/* cache_find returns the entry for (tag, key), or NULL. */
static struct cache_entry *
cache_find(struct sanitize_engine *e, uint64_t h, unsigned tag, const char *s,
    size_t n)
{
	struct cache_entry *x = cache_set(e, h);
	int w;

	for (w = 0; w < CACHE_WAYS; w++, x++)
		if (x->h == h && x->tag == tag && x->klen == n &&
		    (n == 0 || memcmp(x->data, s, n) == 0)) {
			x->stamp = ++e->clock;
			return x;
		}
	return NULL;
}

/* first_sighting marks hash h as met and tells whether it was not
 * before (1) or may have been (0). */
static int
first_sighting(struct sanitize_engine *e, uint64_t h)
{
	uint32_t bit = (uint32_t)(h >> 40) & (SEEN_BITS - 1);
	uint64_t mask = 1ull << (bit & 63);

	if (e->seen[bit >> 6] & mask)
		return 0;
	e->seen[bit >> 6] |= mask;
	return 1;
}

/* cache_victim picks an empty or the least recently used way of a set. */
static struct cache_entry *
cache_victim(struct cache_entry *set)
{
	struct cache_entry *v = set;
	int w;

	for (w = 0; w < CACHE_WAYS; w++) {
		if (set[w].tag == 0)
			return &set[w];
		if (set[w].stamp < v->stamp)
			v = &set[w];
	}
	return v;
}

/* cache_put stores result r for (tag, key), evicting if it must. */
static void
cache_put(struct sanitize_engine *e, uint64_t h, unsigned tag, const char *s,
    size_t n, const char *r, size_t rn, int plain)
{
	struct cache_entry *x;

	if (n + rn > CACHE_DATA) {
		e->st.uncached++;
		return;
	}
	x = cache_victim(cache_set(e, h));
	if (x->tag != 0)
		e->st.evictions++;
	x->h = h;
	x->tag = (uint16_t)tag;
	x->klen = (uint16_t)n;
	x->vlen = (uint16_t)rn;
	x->plain = (uint8_t)plain;
	x->stamp = ++e->clock;
	if (n)
		memcpy(x->data, s, n);
	if (rn)
		memcpy(x->data + n, r, rn);
}

/* A result: bytes valid until the next pseudonym call. */
struct result {
	const char *s;
	size_t n;
	int plain;
};

/* ===================================================================== */
/* Pseudonyms and tokens                                                  */
/* ===================================================================== */

/* key_missing tells whether cfg lacks a key the options need. */
static int
key_missing(const struct zp_pseudo *cfg, int reversible)
{
	if (reversible && !cfg->have_key)
		return 1;
	return cfg->domains == ZP_PSEUDO_ENCRYPT && !cfg->have_key &&
	    !cfg->have_domain_key;
}

/* add_original turns {...,"hash":…} in out into one with original and
 * reversible, in Psoxy's key order. */
static int
add_original(const struct zp_pseudo *cfg, const char *v, size_t n,
    int is_number, int rev, struct zp_buf *out, struct zp_buf *tmp)
{
	int rc;

	out->len--; /* the closing brace */
	zp_buf_reset(tmp);
	rc = is_number ? zp_pseudo_number_text(v, n, tmp)
		       : zp_buf_append(tmp, v, n);
	if (rc == 0)
		rc = zp_buf_puts(out, ",\"original\":");
	if (rc == 0)
		rc = jackson_string(out, tmp->data ? tmp->data : "", tmp->len);
	if (rc == 0 && rev) {
		rc = zp_buf_puts(out, ",\"reversible\":\"");
		if (rc == 0)
			rc = zp_pseudo_value(cfg, v, n, is_number,
			    ZP_PSEUDO_URL_SAFE_TOKEN, 1, out);
		if (rc == 0)
			rc = zp_buf_putc(out, '"');
	}
	return rc ? rc : zp_buf_putc(out, '}');
}

/* make_pseudonym computes a pseudonym into e->out, uncached. */
static int
make_pseudonym(struct sanitize_engine *e, const struct zp_pseudo *cfg,
    const char *v, size_t n, int is_number, enum zp_pseudo_encoding enc,
    int rev, int orig)
{
	int rc;

	zp_buf_reset(&e->out);
	if (enc == ZP_PSEUDO_JSON && orig) {
		rc = zp_pseudo_value(cfg, v, n, is_number, enc, 0, &e->out);
		if (rc == 0)
			rc = add_original(
			    cfg, v, n, is_number, rev, &e->out, &e->tmp2);
		return rc;
	}
	return zp_pseudo_value(cfg, v, n, is_number, enc, rev, &e->out);
}

/*
 * pseudonym sets *r to the pseudonym of v under cfg, from the cache when
 * it can.  Returns 0, ZP_PSEUDO_NULL or ZP_PSEUDO_NULL_STRING (no
 * identity), ZP_ESECRET, or an error.
 */
static int
pseudonym(struct sanitize_engine *e, const struct zp_pseudo *cfg,
    unsigned tagbase, const char *v, size_t n, int is_number,
    enum zp_pseudo_encoding enc, int rev, int orig, struct result *r)
{
	unsigned tag = tagbase | (unsigned)enc << 4 |
	    (unsigned)(is_number != 0) << 3 | (unsigned)(rev != 0) << 1 |
	    (unsigned)(orig != 0);
	uint64_t h;
	struct cache_entry *x;
	int rc, seen;

	if (!is_number && java_blank(v, n)) /* no identity; not cached */
		return enc == ZP_PSEUDO_JSON ? ZP_PSEUDO_NULL_STRING
					     : ZP_PSEUDO_NULL;
	h = cache_hash(e->seed, tag, v, n);
	/* A value met for the first time is neither looked up nor cached:
	 * ids that occur once (a participant's per-meeting user_id) would
	 * only push the people who recur out of the cache. */
	seen = first_sighting(e, h) == 0;
	if (seen && (x = cache_find(e, h, tag, v, n)) != NULL) {
		e->st.hits++;
		*r = (struct result) {x->data + x->klen, x->vlen, x->plain};
		return 0;
	}
	e->st.misses++;
	if (key_missing(cfg, rev && enc != ZP_PSEUDO_URL_SAFE_HASH_ONLY))
		return ZP_ESECRET;
	rc = make_pseudonym(e, cfg, v, n, is_number, enc, rev, orig);
	if (rc != 0)
		return rc;
	*r = (struct result) {e->out.data ? e->out.data : "", e->out.len, 0};
	r->plain = is_plain(r->s, r->n);
	if (seen)
		cache_put(e, h, tag, v, n, r->s, r->n, r->plain);
	return 0;
}

/* raw_token appends t~ or p~ of SHA-256(v + salt), with no email
 * canonicalisation (tokenize, hashIp, encryptIp). */
static int
raw_token(struct sanitize_engine *e, const struct zp_pseudo *cfg,
    const char *v, size_t n, int rev, struct zp_buf *out)
{
	unsigned char h[ZP_SHA256_LEN];
	struct zp_buf *s = &e->scratch;
	int rc;

	if (rev && !cfg->have_key)
		return ZP_ESECRET;
	zp_buf_reset(s);
	rc = zp_buf_append(s, v, n);
	if (rc == 0)
		rc = zp_buf_append(s, cfg->salt, cfg->saltlen);
	if (rc == 0)
		rc = zp_sha256(s->data, s->len, h);
	zp_crypto_wipe(s->data, s->len);
	zp_buf_reset(s);
	if (rc == 0)
		rc = zp_buf_puts(out, rev ? "p~" : "t~");
	if (rc != 0 || !rev)
		return rc ? rc : zp_base64url_encode(out, h, sizeof(h));
	rc = zp_buf_append(s, h, sizeof(h));
	if (rc == 0)
		rc = zp_aes256cbc_encrypt(cfg->key, h, v, n, s);
	return rc ? rc : zp_base64url_encode(out, s->data, s->len);
}

/* cached_raw_token is raw_token through the cache, keyed by v. */
static int
cached_raw_token(struct sanitize_engine *e, const struct zp_pseudo *cfg,
    unsigned tag, const char *v, size_t n, int rev, struct result *r)
{
	uint64_t h = cache_hash(e->seed, tag, v, n);
	struct cache_entry *x = cache_find(e, h, tag, v, n);
	int rc;

	if (x != NULL) {
		e->st.hits++;
		*r = (struct result) {x->data + x->klen, x->vlen, 1};
		return 0;
	}
	e->st.misses++;
	zp_buf_reset(&e->out);
	if ((rc = raw_token(e, cfg, v, n, rev, &e->out)) != 0)
		return rc;
	*r = (struct result) {e->out.data, e->out.len, 1};
	cache_put(e, h, tag, v, n, r->s, r->n, 1);
	return 0;
}

/* ===================================================================== */
/* Regex helpers (java.util.regex semantics on PCRE2)                     */
/* ===================================================================== */

/* re_match runs re on s from start with opts: 1 match, 0 none, or an
 * error (a PCRE2 limit: we refuse rather than leave PII in place). */
static int
re_match(const struct sanitize_regex *re, pcre2_match_data *md, const char *s,
    size_t n, size_t start, uint32_t opts)
{
	int rc = pcre2_match((const pcre2_code *)re->code, (PCRE2_SPTR)s, n,
	    start, opts, md, NULL);

	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	return rc == PCRE2_ERROR_NOMEMORY ? ZP_ENOMEM : ZP_EINVAL;
}

/* full_match is Java's Matcher.matches(). */
static int
full_match(const struct sanitize_regex *re, pcre2_match_data *md,
    const char *s, size_t n)
{
	if (re->whole != NULL) {
		struct sanitize_regex w = *re;

		w.code = re->whole; /* anchored when compiled: JIT code */
		return re_match(&w, md, s, n, 0, 0);
	}
	return re_match(re, md, s, n, 0, PCRE2_ANCHORED | PCRE2_ENDANCHORED);
}

/* A Java find() loop over one subject. */
struct finder {
	const struct sanitize_regex *re;
	pcre2_match_data *md;
	const char *s;
	size_t n;
	size_t from; /* where the next find starts; > n when done */
	PCRE2_SIZE *ov;
};

/* finder_init starts a find() loop over s. */
static void
finder_init(struct finder *f, const struct sanitize_regex *re,
    pcre2_match_data *md, const char *s, size_t n)
{
	*f = (struct finder) {re, md, s, n, 0, pcre2_get_ovector_pointer(md)};
}

/* finder_next finds the next match: 1 with f->ov set, 0 at the end. */
static int
finder_next(struct finder *f)
{
	int rc;

	if (f->from > f->n)
		return 0;
	rc = re_match(f->re, f->md, f->s, f->n, f->from, 0);
	if (rc != 1) {
		f->from = f->n + 1;
		return rc;
	}
	f->from = f->ov[1];
	if (f->ov[1] == f->ov[0])
		f->from =
		    f->from < f->n ? utf8_next(f->s, f->n, f->from) : f->n + 1;
	return 1;
}

/* group_set tells whether group g took part in the last match. */
static int
group_set(const struct finder *f, int g)
{
	return g < MATCH_PAIRS && f->ov[2 * g] != PCRE2_UNSET;
}

/* capture_count gives the number of capturing groups of re. */
static int
capture_count(const struct sanitize_regex *re)
{
	uint32_t c = 0;

	pcre2_pattern_info(
	    (const pcre2_code *)re->code, PCRE2_INFO_CAPTURECOUNT, &c);
	return (int)c;
}

/* ===================================================================== */
/* redactRegexMatches, filterTokenByRegex (2.3, 2.4)                      */
/* ===================================================================== */

/* replace_all appends s with every find() of re removed. */
static int
replace_all(struct sanitize_engine *e, const struct sanitize_regex *re,
    const char *s, size_t n, struct zp_buf *out)
{
	struct finder f;
	size_t copied = 0;
	int rc;

	finder_init(&f, re, e->md, s, n);
	while ((rc = finder_next(&f)) == 1) {
		if (zp_buf_append(out, s + copied, f.ov[0] - copied) != 0)
			return ZP_ENOMEM;
		copied = f.ov[1];
	}
	return rc ? rc : zp_buf_append(out, s + copied, n - copied);
}

/* t_redact_regex_matches applies each redaction with replaceAll(""). */
static int
t_redact_regex_matches(struct sanitize_engine *e,
    const struct sanitize_transform *t, struct zp_json *slot,
    struct zp_arena *arena)
{
	struct zp_buf *cur = &e->tmp, *next = &e->tmp2, *sw;
	size_t i;
	int rc;

	zp_buf_reset(cur);
	if (zp_buf_append(cur, slot->u.s, slot->n) != 0)
		return ZP_ENOMEM;
	for (i = 0; i < t->n_redactions; i++) {
		zp_buf_reset(next);
		rc = replace_all(
		    e, &t->redactions[i], cur->data, cur->len, next);
		if (rc != 0)
			return rc;
		sw = cur;
		cur = next;
		next = sw;
	}
	return set_buf(slot, arena, cur, -1);
}

/* token_kept tells whether tok fully matches one of t's filters. */
static int
token_kept(struct sanitize_engine *e, const struct sanitize_transform *t,
    const char *tok, size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < t->n_filters; i++)
		if ((rc = full_match(&t->filters[i], e->md2, tok, n)) != 0)
			return rc;
	return 0;
}

/* keep_token appends tok to out, space-separated, if a filter takes it. */
static int
keep_token(struct sanitize_engine *e, const struct sanitize_transform *t,
    const char *tok, size_t n, struct zp_buf *out)
{
	int rc = token_kept(e, t, tok, n);

	if (rc != 1)
		return rc;
	if (out->len > 0 && zp_buf_putc(out, ' ') != 0)
		return ZP_ENOMEM;
	return zp_buf_append(out, tok, n);
}

/*
 * split_filter splits s like Java's String.split(delimiter) (a zero-width
 * match at 0 adds nothing; trailing empty pieces are dropped) and keeps
 * the pieces a filter matches.  Pieces before the last non-empty one are
 * all kept in order; trailing empty ones are dropped, which can only
 * matter for a filter matching "".
 */
static int
split_filter(struct sanitize_engine *e, const struct sanitize_transform *t,
    const char *s, size_t n, struct zp_buf *out)
{
	struct finder f;
	size_t index = 0, empties = 0, k;
	int rc;

	finder_init(&f, &t->delimiter, e->md, s, n);
	while ((rc = finder_next(&f)) == 1) {
		if (index == 0 && f.ov[0] == 0 && f.ov[1] == 0)
			continue;
		if (f.ov[0] == index) {
			empties++; /* held back: may be trailing */
		} else {
			for (k = 0; k < empties; k++)
				if ((rc = keep_token(e, t, "", 0, out)) < 0)
					return rc;
			empties = 0;
			rc = keep_token(e, t, s + index, f.ov[0] - index, out);
			if (rc < 0)
				return rc;
		}
		index = f.ov[1];
	}
	if (rc < 0)
		return rc;
	if (index < n || (index == 0 && n == 0)) {
		for (k = 0; k < empties; k++)
			if ((rc = keep_token(e, t, "", 0, out)) < 0)
				return rc;
		rc = keep_token(e, t, s + index, n - index, out);
	}
	return rc < 0 ? rc : 0;
}

/* t_filter_token_by_regex keeps only the tokens a filter matches. */
static int
t_filter_token_by_regex(struct sanitize_engine *e,
    const struct sanitize_transform *t, struct zp_json *slot,
    struct zp_arena *arena)
{
	struct zp_buf *out = &e->tmp;
	size_t a = 0, b;
	int rc;

	zp_buf_reset(out);
	if (t->delimiter.code == NULL)
		rc = keep_token(e, t, slot->u.s, slot->n, out);
	else
		rc = split_filter(e, t, slot->u.s, slot->n, out);
	if (rc < 0)
		return rc;
	b = out->len;
	java_trim(out->data ? out->data : "", &a, &b);
	if (a == b)
		return set_null(slot);
	return set_string(slot, arena, out->data + a, b - a, -1);
}

/* ===================================================================== */
/* tokenize (2.5)                                                         */
/* ===================================================================== */

/* replace_literal appends s with every occurrence of pat replaced by rep,
 * as Java's String.replace (an empty pat goes between every char). */
static int
replace_literal(const char *s, size_t n, const char *pat, size_t pn,
    const char *rep, size_t rn, struct zp_buf *out)
{
	size_t i = 0, copied = 0;

	if (pn == 0) {
		for (i = 0; i <= n; i = utf8_next(s, n, i)) {
			if (zp_buf_append(out, s + copied, i - copied) != 0 ||
			    zp_buf_append(out, rep, rn) != 0)
				return ZP_ENOMEM;
			copied = i;
			if (i == n)
				break;
		}
		return 0;
	}
	while (i + pn <= n) {
		if (memcmp(s + i, pat, pn) != 0) {
			i++;
			continue;
		}
		if (zp_buf_append(out, s + copied, i - copied) != 0 ||
		    zp_buf_append(out, rep, rn) != 0)
			return ZP_ENOMEM;
		i += pn;
		copied = i;
	}
	return zp_buf_append(out, s + copied, n - copied);
}

/* t_tokenize replaces the value, or its regex group 1, by a p~ token. */
static int
t_tokenize(struct sanitize_engine *e, const struct sanitize_transform *t,
    struct zp_json *slot, struct zp_arena *arena)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(e->md);
	const char *s = slot->u.s;
	struct result r;
	size_t gs, ge;
	int rc;

	if (t->regex.code == NULL) {
		rc = cached_raw_token(
		    e, e->pseudo, TAG_TOKENIZE, s, slot->n, 1, &r);
		return rc ? rc : set_string(slot, arena, r.s, r.n, 1);
	}
	if ((rc = full_match(&t->regex, e->md, s, slot->n)) != 1)
		return rc; /* no match: the value stays */
	if (capture_count(&t->regex) < 1 || ov[2] == PCRE2_UNSET)
		return ZP_EINVAL; /* Java: group(1) throws or is null */
	gs = ov[2];
	ge = ov[3];
	rc = cached_raw_token(
	    e, e->pseudo, TAG_TOKENIZE, s + gs, ge - gs, 1, &r);
	if (rc != 0)
		return rc;
	zp_buf_reset(&e->tmp);
	rc = replace_literal(s, slot->n, s + gs, ge - gs, r.s, r.n, &e->tmp);
	return rc ? rc : set_buf(slot, arena, &e->tmp, -1);
}

/* ===================================================================== */
/* textDigest (2.6)                                                       */
/* ===================================================================== */

/* word_count counts Java's trim().split("\\s+") pieces. */
static size_t
word_count(const char *s, size_t n)
{
	size_t a = 0, b = n, i, count = 1;
	int in_space = 0;

	java_trim(s, &a, &b);
	for (i = a; i < b; i++) {
		int sp = s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r');

		if (sp && !in_space)
			count++;
		in_space = sp;
	}
	return count;
}

/* word_char_at gives the lower-cased ASCII word char Java's toLowerCase
 * makes of the code point at s (0 for a \W one) and its length. */
static char
word_char_at(const char *s, size_t n, size_t i, size_t *len)
{
	unsigned char c = (unsigned char)s[i];

	*len = utf8_next(s, n, i) - i;
	if (c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
		return (char)c;
	if (*len == 3 && memcmp(s + i, "\xe2\x84\xaa", 3) == 0)
		return 'k'; /* KELVIN SIGN lower-cases to k */
	if (*len == 2 && memcmp(s + i, "\xc4\xb0", 2) == 0)
		return 'i'; /* U+0130 lower-cases to i + U+0307 */
	return 0;
}

/* keyword_eq tells whether keyword kw lower-cases to tok[0..n). */
static int
keyword_eq(const char *kw, const char *tok, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = kw[i];

		if (c == '\0')
			return 0;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != tok[i])
			return 0;
	}
	return kw[n] == '\0';
}

/* count_token adds one to the first keyword equal to tok. */
static void
count_token(const struct sanitize_transform *t, size_t *counts,
    const char *tok, size_t n)
{
	size_t k;

	for (k = 0; k < t->keywords.n; k++)
		if (keyword_eq(t->keywords.v[k], tok, n)) {
			counts[k]++;
			return;
		}
}

/* count_keywords fills counts with Java's split("\\W+") token matches. */
static int
count_keywords(struct sanitize_engine *e, const struct sanitize_transform *t,
    const char *s, size_t n, size_t *counts)
{
	struct zp_buf *tok = &e->scratch;
	size_t i = 0, len;
	int leading_sep = 0, words = 0;
	char c;

	zp_buf_reset(tok);
	while (i < n) {
		c = word_char_at(s, n, i, &len);
		if (c != 0 && zp_buf_putc(tok, c) != 0)
			return ZP_ENOMEM;
		words |= c != 0;
		leading_sep |= c == 0 && i == 0;
		/* U+0130 becomes i and a non-word U+0307: the token ends */
		if ((c == 0 || (len == 2 && c == 'i')) && tok->len > 0) {
			count_token(t, counts, tok->data, tok->len);
			zp_buf_reset(tok);
		}
		i += len;
	}
	if (tok->len > 0)
		count_token(t, counts, tok->data, tok->len);
	if (leading_sep && words)
		count_token(t, counts, "", 0);
	return 0;
}

/* kw_less orders keyword indexes by lower-cased text. */
static int
kw_less(const char *a, const char *b)
{
	for (;; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;

		if (x != y || x == '\0')
			return (unsigned char)x < (unsigned char)y;
	}
}

/* append_keywords appends "keywords":{…}, sorted by key, if any counted. */
static int
append_keywords(const struct sanitize_transform *t, const size_t *counts,
    struct zp_buf *out)
{
	const char *last = NULL;
	size_t k, j, best, any = 0;
	int rc = 0;

	for (k = 0; k < t->keywords.n; k++)
		any += counts[k];
	if (any == 0)
		return 0;
	rc = zp_buf_puts(out, "\"keywords\":{");
	for (j = 0; rc == 0 && j < t->keywords.n; j++) {
		best = t->keywords.n;
		for (k = 0; k < t->keywords.n; k++)
			if (counts[k] &&
			    (last == NULL ||
				kw_less(last, t->keywords.v[k])) &&
			    (best == t->keywords.n ||
				kw_less(
				    t->keywords.v[k], t->keywords.v[best])))
				best = k;
		if (best == t->keywords.n)
			break;
		if (last != NULL)
			rc = zp_buf_putc(out, ',');
		if (rc == 0)
			rc = zp_buf_putc(out, '"');
		last = t->keywords.v[best];
		for (const char *c = last; rc == 0 && *c; c++)
			rc = zp_buf_putc(out,
			    *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a')
						   : *c);
		if (rc == 0)
			rc = zp_buf_printf(out, "\":%zu", counts[best]);
	}
	return rc ? rc : zp_buf_puts(out, "},");
}

/* digest appends Psoxy's text digest of s as compact JSON text. */
static int
digest(struct sanitize_engine *e, const struct sanitize_transform *t,
    const char *s, size_t n, struct zp_buf *out)
{
	int rc = zp_buf_putc(out, '{');

	if (rc == 0 && n > 0 && t->keywords.n > 0) {
		if (e->counts_cap < t->keywords.n) {
			size_t *c =
			    realloc(e->counts, t->keywords.n * sizeof(*c));

			if (c == NULL)
				return ZP_ENOMEM;
			e->counts = c;
			e->counts_cap = t->keywords.n;
		}
		memset(e->counts, 0, t->keywords.n * sizeof(size_t));
		rc = count_keywords(e, t, s, n, e->counts);
		if (rc == 0)
			rc = append_keywords(t, e->counts, out);
	}
	if (rc == 0)
		rc = zp_buf_printf(out, "\"length\":%zu,\"word_count\":%zu}",
		    utf16_len(s, n), n ? word_count(s, n) : 0);
	return rc;
}

static const struct compiled *find_compiled(
    struct sanitize_engine *e, const struct sanitize_transform *t);

/* escaped_texts_ok checks the matched values are strings or nulls (Java
 * iterates them as List<String>). */
static int
escaped_texts_ok(const struct sanitize_jsonpath_matches *m, size_t from,
    size_t to, const struct zp_json *arr)
{
	size_t i;

	for (i = from; i < to; i++) {
		const struct zp_json *v =
		    arr ? &arr->u.items[i] : m->v[i].value;

		if (v->type != ZP_JSON_STRING && v->type != ZP_JSON_NULL)
			return 0;
	}
	return 1;
}

/* digest_escaped_apply sets every match of the inner path to the digest
 * of the last text (Psoxy sets all matches once per text). */
static int
digest_escaped_apply(struct sanitize_engine *e,
    const struct sanitize_transform *t, struct sanitize_jsonpath_matches *m,
    const struct zp_json *last, struct zp_arena *arena)
{
	struct zp_json d;
	size_t i;
	int rc;

	zp_buf_reset(&e->tmp2);
	rc = last->type == ZP_JSON_STRING
	    ? digest(e, t, last->u.s, last->n, &e->tmp2)
	    : zp_buf_puts(&e->tmp2, "{\"length\":0,\"word_count\":0}");
	if (rc == 0)
		rc = set_buf(&d, arena, &e->tmp2, 0);
	for (i = 0; rc == 0 && i < m->n; i++) {
		struct zp_json *s = sanitize_jsonpath_slot(&m->v[i]);

		if (s != NULL)
			*s = d;
	}
	return rc;
}

/* digest_escaped digests texts inside a JSON-escaped string (2.6). */
static int
digest_escaped(struct sanitize_engine *e, const struct sanitize_transform *t,
    struct zp_json *slot, struct zp_arena *arena)
{
	const struct compiled *c = find_compiled(e, t);
	struct zp_json *inner, *arr = NULL;
	struct sanitize_jsonpath *own = NULL;
	const struct sanitize_jsonpath *p = c ? c->escaped : NULL;
	struct zp_json last;
	int rc;

	if (p == NULL) {
		const char *x = t->json_path_when_escaped.text;

		if (sanitize_jsonpath_compile(x, strlen(x), &own, NULL) != 0)
			return ZP_EINVAL;
		p = own;
	}
	if (e->parser == NULL) {
		if ((e->parser = malloc(sizeof(*e->parser))) == NULL) {
			rc = ZP_ENOMEM;
			goto out;
		}
		zp_json_parser_init(e->parser, arena);
	}
	e->parser->arena = arena;
	rc = zp_json_parse(e->parser, slot->u.s, slot->n, &inner);
	if (rc != 0) {
		rc = rc == ZP_ENOMEM ? rc : ZP_EINVAL;
		goto out;
	}
	if ((rc = sanitize_jsonpath_eval(p, inner, &e->m2)) != 0)
		goto out;
	if (e->m2.n > 0 && e->m2.v[0].parent == NULL) {
		rc = ZP_EINVAL; /* Jayway cannot set the root */
		goto out;
	}
	if (sanitize_jsonpath_is_definite(p)) {
		if (e->m2.n == 0) {
			rc = STOP_PATH; /* PathNotFound, swallowed by Psoxy */
			goto out;
		}
		arr = e->m2.v[0].value;
		if (arr->type != ZP_JSON_ARRAY) {
			rc = ZP_EINVAL; /* not a List */
			goto out;
		}
	}
	if (!escaped_texts_ok(&e->m2, 0, arr ? arr->n : e->m2.n, arr)) {
		rc = ZP_EINVAL;
		goto out;
	}
	if ((arr ? arr->n : e->m2.n) > 0) {
		last = arr ? arr->u.items[arr->n - 1]
			   : *e->m2.v[e->m2.n - 1].value;
		rc = digest_escaped_apply(e, t, &e->m2, &last, arena);
	}
	zp_buf_reset(&e->tmp);
	if (rc == 0)
		rc = zp_json_write(&e->tmp, inner);
	if (rc == 0)
		rc = set_buf(slot, arena, &e->tmp, 0);
out:
	sanitize_jsonpath_free(&own);
	return rc;
}

/* t_text_digest replaces a string by its digest's JSON text. */
static int
t_text_digest(struct sanitize_engine *e, const struct sanitize_transform *t,
    struct zp_json *slot, struct zp_arena *arena)
{
	int rc;

	if (t->is_json_escaped && t->json_path_when_escaped.text != NULL)
		return digest_escaped(e, t, slot, arena);
	zp_buf_reset(&e->tmp);
	rc = digest(e, t, slot->u.s, slot->n, &e->tmp);
	return rc ? rc : set_buf(slot, arena, &e->tmp, 0);
}

/* ===================================================================== */
/* pseudonymize, pseudonymizeEmailHeader, pseudonymizeRegexMatches        */
/* ===================================================================== */

/* to_enc maps the rules' encoding to the pseudonym library's. */
static enum zp_pseudo_encoding
to_enc(enum sanitize_encoding enc)
{
	switch (enc) {
	case SANITIZE_ENC_JSON: return ZP_PSEUDO_JSON;
	case SANITIZE_ENC_URL_SAFE_HASH_ONLY:
		return ZP_PSEUDO_URL_SAFE_HASH_ONLY;
	case SANITIZE_ENC_URL_SAFE_TOKEN: break;
	}
	return ZP_PSEUDO_URL_SAFE_TOKEN;
}

/* t_pseudonymize replaces a string or number by its pseudonym (2.1). */
static int
t_pseudonymize(struct sanitize_engine *e, const struct sanitize_transform *t,
    struct zp_json *slot, struct zp_arena *arena)
{
	enum zp_pseudo_encoding enc = to_enc(t->encoding);
	struct result r;
	int rc;

	if (slot->type == ZP_JSON_NULL)
		return enc == ZP_PSEUDO_JSON
		    ? set_string(slot, arena, "null", 4, 1)
		    : 0;
	if (slot->type != ZP_JSON_STRING && slot->type != ZP_JSON_NUMBER)
		return ZP_EINVAL; /* Java: "Value must be some basic type" */
	rc = pseudonym(e, e->pseudo, TAG_PSEUDO, slot->u.s, slot->n,
	    slot->type == ZP_JSON_NUMBER, enc, t->include_reversible,
	    t->include_original, &r);
	if (rc == ZP_PSEUDO_NULL)
		return set_null(slot);
	if (rc == ZP_PSEUDO_NULL_STRING)
		return set_string(slot, arena, "null", 4, 1);
	return rc ? rc : set_string(slot, arena, r.s, r.n, r.plain);
}

/* next_address returns the end of the address starting at i: the next
 * comma outside quotes, comments and angle brackets, or n. */
static size_t
next_address(const char *s, size_t n, size_t i)
{
	int quoted = 0, comment = 0, angle = 0;

	for (; i < n; i++) {
		char c = s[i];

		if ((quoted || comment) && c == '\\' && i + 1 < n)
			i++;
		else if (quoted)
			quoted = c != '"';
		else if (c == '"')
			quoted = 1;
		else if (c == '(')
			comment++;
		else if (c == ')' && comment)
			comment--;
		else if (comment)
			continue;
		else if (c == '<')
			angle = 1;
		else if (c == '>')
			angle = 0;
		else if (c == ',' && !angle)
			return i;
	}
	return n;
}

/* header_address appends the pseudonym of one address; 1 when it is not
 * a valid mailbox. */
static int
header_address(struct sanitize_engine *e, enum zp_pseudo_encoding enc,
    const char *a, size_t n, struct zp_buf *out)
{
	struct result r;
	int rc;

	/* Is it a mailbox?  Only emails get "@domain" after the 45 bytes
	 * of a t~ token under PRESERVE. */
	rc = pseudonym(e, &e->probe, TAG_PROBE, a, n, 0,
	    ZP_PSEUDO_URL_SAFE_TOKEN, 0, 0, &r);
	if (rc > 0)
		return 1;
	if (rc != 0)
		return rc;
	if (r.n <= 45 || r.s[45] != '@')
		return 1;
	if (enc != ZP_PSEUDO_URL_SAFE_TOKEN ||
	    e->pseudo->domains != ZP_PSEUDO_PRESERVE) {
		rc = pseudonym(
		    e, e->pseudo, TAG_PSEUDO, a, n, 0, enc, 0, 0, &r);
		if (rc != 0)
			return rc > 0 ? 1 : rc;
	}
	return zp_buf_append(out, r.s, r.n);
}

/* t_pseudonymize_email_header pseudonymizes an address list (2.7). */
static int
t_pseudonymize_email_header(struct sanitize_engine *e,
    const struct sanitize_transform *t, struct zp_json *slot,
    struct zp_arena *arena)
{
	enum zp_pseudo_encoding enc = to_enc(t->encoding);
	const char *s = slot->u.s;
	size_t i = 0, end;
	int rc = 0;

	if (slot->type == ZP_JSON_NULL)
		return 0;
	if (slot->type != ZP_JSON_STRING)
		return ZP_EINVAL; /* Java: "Value must be string" */
	if (java_blank(s, slot->n))
		return set_string(slot, arena, "", 0, 1);
	zp_buf_reset(&e->tmp);
	if (enc == ZP_PSEUDO_JSON)
		rc = zp_buf_putc(&e->tmp, '[');
	while (rc == 0 && i <= slot->n) {
		end = next_address(s, slot->n, i);
		if (i > 0)
			rc = zp_buf_putc(&e->tmp, ',');
		if (rc == 0)
			rc = header_address(e, enc, s + i, end - i, &e->tmp);
		i = end + 1;
	}
	if (rc == 1)
		return set_null(slot); /* not a valid address list */
	if (rc == 0 && enc == ZP_PSEUDO_JSON)
		rc = zp_buf_putc(&e->tmp, ']');
	return rc ? rc : set_buf(slot, arena, &e->tmp, -1);
}

/* t_pseudonymize_regex_matches pseudonymizes group 1 (or the whole hit)
 * of every find() (2.8). */
static int
t_pseudonymize_regex_matches(struct sanitize_engine *e,
    const struct sanitize_transform *t, struct zp_json *slot,
    struct zp_arena *arena)
{
	int g = capture_count(&t->regex) > 0, rc, replaced = 0;
	const char *s = slot->u.s;
	size_t copied = 0, gs, ge;
	struct finder f;
	struct result r;

	if (slot->type == ZP_JSON_NULL)
		return 0;
	if (slot->type != ZP_JSON_STRING)
		return ZP_EINVAL; /* Java casts to String */
	if (java_blank(s, slot->n))
		return set_null(slot);
	zp_buf_reset(&e->tmp);
	finder_init(&f, &t->regex, e->md, s, slot->n);
	while ((rc = finder_next(&f)) == 1) {
		if (!group_set(&f, g))
			continue;
		gs = f.ov[2 * g];
		ge = f.ov[2 * g + 1];
		if (gs < copied || java_blank(s + gs, ge - gs))
			continue;
		rc = pseudonym(e, e->pseudo, TAG_PSEUDO, s + gs, ge - gs, 0,
		    ZP_PSEUDO_URL_SAFE_TOKEN, t->include_reversible, 0, &r);
		if (rc < 0)
			return rc;
		if (rc > 0)
			continue;
		if (zp_buf_append(&e->tmp, s + copied, gs - copied) != 0 ||
		    zp_buf_append(&e->tmp, r.s, r.n) != 0)
			return ZP_ENOMEM;
		copied = ge;
		replaced = 1;
	}
	if (rc < 0)
		return rc;
	if (!replaced)
		return set_null(slot);
	if (zp_buf_append(&e->tmp, s + copied, slot->n - copied) != 0)
		return ZP_ENOMEM;
	return set_buf(slot, arena, &e->tmp, -1);
}

/* ===================================================================== */
/* hashIp, encryptIp (2.9): Java's InetAddress literal parsing            */
/* ===================================================================== */

/* dec_part reads a decimal without a leading zero from s[*i..n) up to
 * max; 0 or -1. */
static int
dec_part(
    const char *s, size_t n, size_t *i, unsigned long max, unsigned long *v)
{
	size_t start = *i;

	*v = 0;
	while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
		*v = *v * 10 + (unsigned long)(s[*i] - '0');
		if (*v > max || *i - start > 10)
			return -1;
		(*i)++;
	}
	if (*i == start || (s[start] == '0' && *i - start > 1))
		return -1; /* empty, or ambiguous octal-looking */
	return 0;
}

/* parse_v4 reads Java's IPv4 literal forms a, a.b, a.b.c, a.b.c.d. */
static int
parse_v4(const char *s, size_t n, unsigned char ip[4])
{
	static const unsigned long last_max[] = {
	    0xffffffffUL, 0xffffffUL, 0xffffUL, 0xffUL};
	unsigned long part[4], v;
	size_t i = 0, k = 0;

	for (;;) {
		if (k == 4 || dec_part(s, n, &i, 0xffffffffUL, &part[k]) != 0)
			return -1;
		k++;
		if (i == n)
			break;
		if (s[i++] != '.' || i == n)
			return -1;
	}
	for (i = 0; i + 1 < k; i++)
		if (part[i] > 0xff)
			return -1;
	if (part[k - 1] > last_max[k - 1])
		return -1;
	v = part[k - 1];
	for (i = 0; i + 1 < k; i++)
		v |= part[i] << (8 * (3 - i));
	for (i = 0; i < 4; i++)
		ip[i] = (unsigned char)(v >> (8 * (3 - i)));
	return 0;
}

/* hex_group reads 1-4 hex digits at s[*i]; 0 or -1. */
static int
hex_group(const char *s, size_t n, size_t *i, unsigned *v)
{
	size_t start = *i;
	int d;

	*v = 0;
	while (*i < n && *i - start < 5) {
		char c = s[*i];

		d = c >= '0' && c <= '9'   ? c - '0'
		    : c >= 'a' && c <= 'f' ? c - 'a' + 10
		    : c >= 'A' && c <= 'F' ? c - 'A' + 10
					   : -1;
		if (d < 0)
			break;
		*v = *v * 16 + (unsigned)d;
		(*i)++;
	}
	return *i > start && *i - start <= 4 ? 0 : -1;
}

/* v6_tail parses a dotted quad ending an IPv6 literal into g[k], g[k+1]. */
static int
v6_tail(const char *s, size_t n, size_t at, unsigned g[8], size_t k)
{
	unsigned char q[4];
	size_t dots = 0, i;

	for (i = at; i < n; i++)
		dots += s[i] == '.';
	if (dots != 3 || k > 6 || parse_v4(s + at, n - at, q) != 0)
		return -1;
	g[k] = (unsigned)q[0] << 8 | q[1];
	g[k + 1] = (unsigned)q[2] << 8 | q[3];
	return 0;
}

/* parse_v6 reads an IPv6 literal (with :: and an IPv4 tail) into g. */
static int
parse_v6(const char *s, size_t n, unsigned g[8])
{
	unsigned head[8] = {0}, v;
	size_t i = 0, k = 0, gap = 8, start;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	} else if (n > 0 && s[0] == ':') {
		return -1;
	}
	while (i < n) {
		start = i;
		if (hex_group(s, n, &i, &v) != 0 || (i < n && s[i] == '.')) {
			if (v6_tail(s, n, start, head, k) != 0)
				return -1;
			k += 2;
			i = n;
			break;
		}
		if (k == 8)
			return -1;
		head[k++] = v;
		if (i == n)
			break;
		if (s[i++] != ':' || i == n)
			return -1;
		if (s[i] == ':') {
			if (gap != 8)
				return -1;
			gap = k;
			if (++i == n)
				break;
		}
	}
	if ((gap == 8 && k != 8) || (gap != 8 && k > 7))
		return -1;
	memset(g, 0, 8 * sizeof(*g));
	for (i = 0; i < k; i++)
		g[i < gap ? i : 8 - k + i] = head[i];
	return 0;
}

/* canonical_ip appends getHostAddress() of the IP literal s; -1 if it is
 * none (Java would look a host name up; we treat that as invalid). */
static int
canonical_ip(const char *s, size_t n, struct zp_buf *out)
{
	unsigned char q[4];
	unsigned g[8];
	int i, mapped;

	if (parse_v4(s, n, q) == 0)
		return zp_buf_printf(
		    out, "%u.%u.%u.%u", q[0], q[1], q[2], q[3]);
	if (!memchr(s, ':', n) || parse_v6(s, n, g) != 0)
		return -1;
	mapped = g[5] == 0xffff;
	for (i = 0; i < 5; i++)
		mapped = mapped && g[i] == 0;
	if (mapped)
		return zp_buf_printf(out, "%u.%u.%u.%u", g[6] >> 8,
		    g[6] & 0xff, g[7] >> 8, g[7] & 0xff);
	return zp_buf_printf(out, "%x:%x:%x:%x:%x:%x:%x:%x", g[0], g[1], g[2],
	    g[3], g[4], g[5], g[6], g[7]);
}

/* looks_like_ip applies Psoxy's two prefilter regexes. */
static int
looks_like_ip(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF:.", s[i]) || s[i] == '\0')
			return 0;
	return n > 0; /* the IPv4 pattern's strings are a subset */
}

/* t_ip hashes or encrypts the canonical form of an IP address. */
static int
t_ip(struct sanitize_engine *e, int encrypt, struct zp_json *slot,
    struct zp_arena *arena)
{
	const struct zp_pseudo *cfg = e->ip ? e->ip : e->pseudo;
	unsigned tag = encrypt ? TAG_ENCRYPT_IP : TAG_HASH_IP;
	uint64_t h = cache_hash(e->seed, tag, slot->u.s, slot->n);
	struct cache_entry *x = cache_find(e, h, tag, slot->u.s, slot->n);
	int rc;

	if (x != NULL) {
		e->st.hits++;
		return set_string(slot, arena, x->data + x->klen, x->vlen, 1);
	}
	e->st.misses++;
	zp_buf_reset(&e->tmp);
	if (!looks_like_ip(slot->u.s, slot->n) ||
	    canonical_ip(slot->u.s, slot->n, &e->tmp) != 0)
		return set_null(slot);
	zp_buf_reset(&e->out);
	rc = raw_token(e, cfg, e->tmp.data, e->tmp.len, encrypt, &e->out);
	if (rc != 0)
		return rc;
	cache_put(e, h, tag, slot->u.s, slot->n, e->out.data, e->out.len, 1);
	return set_buf(slot, arena, &e->out, 1);
}

/* ===================================================================== */
/* redactExceptPhrases, redactExceptSubstringsMatchingRegexes (2.10-11)   */
/* ===================================================================== */

/* t_redact_except_phrases keeps the first hit of each allowed phrase. */
static int
t_redact_except_phrases(struct sanitize_engine *e,
    const struct sanitize_transform *t, struct zp_json *slot,
    struct zp_arena *arena)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(e->md);
	size_t i;
	int rc, any = 0;

	zp_buf_reset(&e->tmp);
	for (i = 0; i < t->n_phrases; i++) {
		rc = re_match(&t->phrases[i], e->md, slot->u.s, slot->n, 0, 0);
		if (rc < 0)
			return rc;
		if (rc == 0 || ov[2] == PCRE2_UNSET)
			continue;
		if ((any++ && zp_buf_putc(&e->tmp, ',') != 0) ||
		    zp_buf_append(&e->tmp, slot->u.s + ov[2], ov[3] - ov[2]))
			return ZP_ENOMEM;
	}
	return set_buf(slot, arena, &e->tmp, -1);
}

/* t_redact_except_substrings keeps the longest exception matched. */
static int
t_redact_except_substrings(struct sanitize_engine *e,
    const struct sanitize_transform *t, struct zp_json *slot,
    struct zp_arena *arena)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(e->md);
	size_t i, best_len = 0, bs = 0, bn = 0, len;
	int rc, found = 0;

	for (i = 0; i < t->n_exceptions; i++) {
		rc = full_match(&t->exceptions[i], e->md, slot->u.s, slot->n);
		if (rc < 0)
			return rc;
		if (rc == 0 || ov[2] == PCRE2_UNSET)
			continue;
		len = utf16_len(slot->u.s + ov[2], ov[3] - ov[2]);
		if (!found || len > best_len) {
			found = 1;
			best_len = len;
			bs = ov[2];
			bn = ov[3] - ov[2];
		}
	}
	return set_string(slot, arena, found ? slot->u.s + bs : "", bn, -1);
}

/* ===================================================================== */
/* Dispatch                                                               */
/* ===================================================================== */

/* string_only handles the shared prologue of the string transforms: a
 * non-string gives null, a blank string stays.  1 means "done". */
static int
string_only(struct zp_json *slot)
{
	if (slot->type != ZP_JSON_STRING) {
		set_null(slot);
		return 1;
	}
	return java_blank(slot->u.s, slot->n);
}

/* transform_string runs the transforms that take strings only. */
static int
transform_string(struct sanitize_engine *e, const struct sanitize_transform *t,
    struct zp_json *slot, struct zp_arena *arena)
{
	switch (t->kind) {
	case SANITIZE_REDACT_REGEX_MATCHES:
		return t_redact_regex_matches(e, t, slot, arena);
	case SANITIZE_FILTER_TOKEN_BY_REGEX:
		return t_filter_token_by_regex(e, t, slot, arena);
	case SANITIZE_TOKENIZE: return t_tokenize(e, t, slot, arena);
	case SANITIZE_HASH_IP: return t_ip(e, 0, slot, arena);
	case SANITIZE_ENCRYPT_IP: return t_ip(e, 1, slot, arena);
	case SANITIZE_REDACT_EXCEPT_PHRASES:
		return t_redact_except_phrases(e, t, slot, arena);
	case SANITIZE_REDACT_EXCEPT_SUBSTRINGS_MATCHING_REGEXES:
		return t_redact_except_substrings(e, t, slot, arena);
	default: return ZP_EINVAL;
	}
}

/* transform_one applies t to one slot; STOP_PATH may come back. */
static int
transform_one(struct sanitize_engine *e, const struct sanitize_transform *t,
    struct zp_json *slot, struct zp_arena *arena)
{
	switch (t->kind) {
	case SANITIZE_REDACT: return set_null(slot);
	case SANITIZE_PSEUDONYMIZE: return t_pseudonymize(e, t, slot, arena);
	case SANITIZE_PSEUDONYMIZE_EMAIL_HEADER:
		return t_pseudonymize_email_header(e, t, slot, arena);
	case SANITIZE_PSEUDONYMIZE_REGEX_MATCHES:
		return t_pseudonymize_regex_matches(e, t, slot, arena);
	case SANITIZE_TEXT_DIGEST:
		if (slot->type != ZP_JSON_STRING)
			return set_null(slot);
		return t_text_digest(e, t, slot, arena);
	default:
		if (string_only(slot))
			return 0;
		return transform_string(e, t, slot, arena);
	}
}

/* sanitize_transform_value applies t to the value in one slot. */
int
sanitize_transform_value(struct sanitize_engine *e,
    const struct sanitize_transform *t, struct zp_json *slot,
    struct zp_arena *arena)
{
	int rc;

	if (e == NULL || t == NULL || slot == NULL || arena == NULL)
		return ZP_EINVAL;
	rc = transform_one(e, t, slot, arena);
	return rc == STOP_PATH ? 0 : rc;
}

/* map_cb is the jsonpath map callback: one matched slot. */
static int
map_cb(struct zp_json *slot, void *arg)
{
	struct map_ctx *c = arg;

	return transform_one(c->e, c->t, slot, c->arena);
}

/* ===================================================================== */
/* Engine                                                                 */
/* ===================================================================== */

/* find_compiled returns the compiled form of t, or NULL for a transform
 * from another rule set. */
static const struct compiled *
find_compiled(struct sanitize_engine *e, const struct sanitize_transform *t)
{
	size_t i;

	if (e->memo != NULL && e->memo->t == t)
		return e->memo;
	for (i = 0; i < e->n_ct; i++)
		if (e->ct[i].t == t)
			return e->memo = &e->ct[i];
	return NULL;
}

/* compile_path compiles one rule path, or explains why not in why. */
static int
compile_path(const struct sanitize_rules *rules, const struct sanitize_path *p,
    struct sanitize_jsonpath **out, struct zp_buf *why)
{
	struct sanitize_jsonpath_error err;
	int rc;

	if (p->text == NULL)
		return 0;
	rc = sanitize_jsonpath_compile(p->text, strlen(p->text), out, &err);
	if (rc == ZP_EPARSE) {
		if (why != NULL)
			zp_buf_printf(why,
			    "%s:%d: bad JSONPath \"%s\" at offset %zu: %s\n",
			    rules->name ? rules->name : "<rules>", p->line,
			    p->text, err.offset, err.reason);
		return ZP_ECONFIG;
	}
	return rc;
}

/* needs_key tells whether t can need PSOXY_ENCRYPTION_KEY. */
static int
needs_key(const struct sanitize_transform *t)
{
	switch (t->kind) {
	case SANITIZE_PSEUDONYMIZE:
		return t->include_reversible &&
		    t->encoding != SANITIZE_ENC_URL_SAFE_HASH_ONLY;
	case SANITIZE_PSEUDONYMIZE_REGEX_MATCHES: return t->include_reversible;
	case SANITIZE_TOKENIZE:
	case SANITIZE_ENCRYPT_IP: return 1;
	default: return 0;
	}
}

/* compile_transform compiles every path of t into c. */
static int
compile_transform(struct sanitize_engine *e,
    const struct sanitize_transform *t, struct compiled *c, struct zp_buf *why)
{
	size_t i;
	int rc = 0, first = 0;

	c->t = t;
	e->needs_key |= needs_key(t);
	c->paths =
	    calloc(t->n_json_paths ? t->n_json_paths : 1, sizeof(*c->paths));
	if (c->paths == NULL)
		return ZP_ENOMEM;
	for (i = 0; i < t->n_json_paths; i++)
		if ((rc = compile_path(e->rules, &t->json_paths[i],
			 &c->paths[i], why)) != 0 &&
		    first == 0)
			first = rc;
	if ((rc = compile_path(
		 e->rules, &t->apply_only_when, &c->when, why)) &&
	    first == 0)
		first = rc;
	if (t->kind == SANITIZE_TEXT_DIGEST && t->is_json_escaped &&
	    (rc = compile_path(e->rules, &t->json_path_when_escaped,
		 &c->escaped, why)) != 0 &&
	    first == 0)
		first = rc;
	return first;
}

/* compile_all compiles every transform of every endpoint. */
static int
compile_all(struct sanitize_engine *e, struct zp_buf *why)
{
	const struct sanitize_rules *r = e->rules;
	size_t i, j, n = 0;
	int rc, first = 0;

	for (i = 0; i < r->n_endpoints; i++)
		n += r->endpoints[i].n_transforms;
	e->ct = calloc(n ? n : 1, sizeof(*e->ct));
	if (e->ct == NULL)
		return ZP_ENOMEM;
	for (i = 0; i < r->n_endpoints; i++)
		for (j = 0; j < r->endpoints[i].n_transforms; j++) {
			rc = compile_transform(e,
			    &r->endpoints[i].transforms[j], &e->ct[e->n_ct++],
			    why);
			if (rc != 0 && first == 0)
				first = rc;
		}
	return first;
}

/* engine_alloc creates the engine's buffers, match data and cache. */
static int
engine_alloc(struct sanitize_engine *e)
{
	e->md = pcre2_match_data_create(MATCH_PAIRS, NULL);
	e->md2 = pcre2_match_data_create(MATCH_PAIRS, NULL);
	e->cache = calloc(CACHE_SLOTS, sizeof(*e->cache));
	e->seen = calloc(SEEN_BITS / 64, sizeof(*e->seen));
	if (e->md == NULL || e->md2 == NULL || e->cache == NULL ||
	    e->seen == NULL)
		return ZP_ENOMEM;
	if (zp_random_bytes(&e->seed, sizeof(e->seed)) != 0)
		e->seed = 0x243f6a8885a308d3ull;
	return 0;
}

/* sanitize_engine_new builds an engine over rules and pseudo. */
int
sanitize_engine_new(struct sanitize_engine **out,
    const struct sanitize_rules *rules, const struct zp_pseudo *pseudo,
    struct zp_buf *why)
{
	struct sanitize_engine *e;
	int rc;

	if (out == NULL)
		return ZP_EINVAL;
	*out = NULL;
	if (rules == NULL || pseudo == NULL)
		return ZP_EINVAL;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return ZP_ENOMEM;
	e->rules = rules;
	e->pseudo = pseudo;
	e->probe = *pseudo; /* borrows the salt pointers; never released */
	e->probe.have_key = e->probe.have_domain_key = 0;
	zp_crypto_wipe(e->probe.key, sizeof(e->probe.key));
	zp_crypto_wipe(e->probe.domain_key, sizeof(e->probe.domain_key));
	e->probe.domains = ZP_PSEUDO_PRESERVE;
	rc = engine_alloc(e);
	if (rc == 0)
		rc = compile_all(e, why);
	if (rc != 0) {
		sanitize_engine_free(&e);
		return rc;
	}
	*out = e;
	return 0;
}

/* release_buf wipes (it may hold identities) and frees b. */
static void
release_buf(struct zp_buf *b)
{
	if (b->data != NULL)
		zp_crypto_wipe(b->data, b->cap);
	zp_buf_release(b);
}

/* sanitize_engine_free frees everything the engine owns. */
void
sanitize_engine_free(struct sanitize_engine **ep)
{
	struct sanitize_engine *e = ep ? *ep : NULL;
	size_t i, j;

	if (e == NULL)
		return;
	for (i = 0; i < e->n_ct; i++) {
		for (j = 0; e->ct[i].paths && j < e->ct[i].t->n_json_paths;
		     j++)
			sanitize_jsonpath_free(&e->ct[i].paths[j]);
		free(e->ct[i].paths);
		sanitize_jsonpath_free(&e->ct[i].when);
		sanitize_jsonpath_free(&e->ct[i].escaped);
	}
	free(e->ct);
	pcre2_match_data_free(e->md);
	pcre2_match_data_free(e->md2);
	sanitize_jsonpath_matches_release(&e->m);
	sanitize_jsonpath_matches_release(&e->m2);
	release_buf(&e->out);
	release_buf(&e->tmp);
	release_buf(&e->tmp2);
	release_buf(&e->scratch);
	if (e->parser != NULL)
		zp_json_parser_release(e->parser);
	free(e->parser);
	free(e->counts);
	if (e->cache != NULL)
		zp_crypto_wipe(e->cache, CACHE_SLOTS * sizeof(*e->cache));
	free(e->cache);
	free(e->seen);
	zp_crypto_wipe(&e->probe, sizeof(e->probe));
	free(e);
	*ep = NULL;
}

/* sanitize_engine_set_ip_pseudo picks the configuration of the IP tags. */
void
sanitize_engine_set_ip_pseudo(
    struct sanitize_engine *e, const struct zp_pseudo *ip)
{
	if (e == NULL)
		return;
	e->ip = ip;
	sanitize_engine_clear_cache(e);
}

/* sanitize_engine_needs_key reports whether a p~ key can be needed. */
int
sanitize_engine_needs_key(const struct sanitize_engine *e)
{
	return e != NULL && e->needs_key;
}

/* sanitize_engine_stats copies the cache counters. */
void
sanitize_engine_stats(
    const struct sanitize_engine *e, struct sanitize_engine_stats *st)
{
	if (e == NULL || st == NULL)
		return;
	*st = e->st;
	st->cache_bytes = CACHE_SLOTS * sizeof(*e->cache);
}

/* sanitize_engine_clear_cache forgets every cached pseudonym. */
void
sanitize_engine_clear_cache(struct sanitize_engine *e)
{
	if (e == NULL || e->cache == NULL)
		return;
	zp_crypto_wipe(e->cache, CACHE_SLOTS * sizeof(*e->cache));
}

/* ===================================================================== */
/* Applying an endpoint's transforms                                      */
/* ===================================================================== */

/*
 * applies evaluates applyOnlyWhen like Psoxy: read() cast to a List.  An
 * indefinite path gives a list; a definite one must land on an array (or
 * null, which counts as empty), else Java throws.  1 apply, 0 skip.
 */
static int
applies(
    struct sanitize_engine *e, const struct compiled *c, struct zp_json *root)
{
	const struct zp_json *v;
	int rc;

	if (c->when == NULL)
		return 1;
	if ((rc = sanitize_jsonpath_eval(c->when, root, &e->m2)) != 0)
		return rc;
	if (!sanitize_jsonpath_is_definite(c->when))
		return e->m2.n > 0;
	if (e->m2.n == 0)
		return ZP_EINVAL; /* PathNotFoundException, not caught */
	v = e->m2.v[0].value;
	if (v->type == ZP_JSON_NULL)
		return 0;
	if (v->type != ZP_JSON_ARRAY)
		return ZP_EINVAL; /* ClassCastException */
	return v->n > 0;
}

/* apply_compiled runs one transform over all its paths in order. */
static int
apply_compiled(struct sanitize_engine *e, const struct compiled *c,
    struct zp_json *root, struct zp_arena *arena)
{
	struct map_ctx ctx = {e, c->t, arena};
	size_t i;
	int rc = applies(e, c, root);

	if (rc <= 0)
		return rc;
	for (i = 0; i < c->t->n_json_paths; i++) {
		if (c->t->kind == SANITIZE_REDACT)
			rc =
			    sanitize_jsonpath_delete(c->paths[i], root, &e->m);
		else
			rc = sanitize_jsonpath_map(
			    c->paths[i], root, &e->m, map_cb, &ctx);
		if (rc == STOP_PATH)
			rc = 0;
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* sanitize_engine_transform applies ep's transforms to root in order. */
int
sanitize_engine_transform(struct sanitize_engine *e,
    const struct sanitize_endpoint *ep, struct zp_json *root,
    struct zp_arena *arena)
{
	const struct compiled *c;
	size_t i;
	int rc;

	if (e == NULL || ep == NULL || root == NULL || arena == NULL)
		return ZP_EINVAL;
	for (i = 0; i < ep->n_transforms; i++) {
		if ((c = find_compiled(e, &ep->transforms[i])) == NULL)
			return ZP_EINVAL; /* ep is not from the engine's rules
					   */
		if ((rc = apply_compiled(e, c, root, arena)) != 0)
			return rc;
	}
	return 0;
}
