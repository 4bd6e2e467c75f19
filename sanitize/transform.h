/*
 * transform.h - apply a rule set's transforms (RULES-SPEC section 2) to a
 * parsed response body: pseudonymize, redact and the ten other tags, on
 * the places their JSONPaths select, in the order Psoxy applies them.
 *
 * An engine is built once per rule set and pseudonym configuration: it
 * compiles every jsonPaths and applyOnlyWhen expression, keeps PCRE2 match
 * data for the rules' regexes, and caches pseudonyms, since the same
 * identities recur on every page.  The cache is a fixed table (4 MiB)
 * whose entries are overwritten when full, so memory stays bounded.
 *
 * Errors.  Where Psoxy fails the whole response with a 5xx (pseudonymize
 * of a boolean, object or array; a non-string given to
 * pseudonymizeEmailHeader or pseudonymizeRegexMatches; a map at the root;
 * an applyOnlyWhen that is not a list; a Jayway evaluation error), the
 * functions return ZP_EINVAL and the caller drops the body.  A transform
 * that needs PSOXY_ENCRYPTION_KEY when none is configured gives
 * ZP_ESECRET.  Secrets and values never appear in error texts.
 *
 * Ownership: the engine borrows the rule set and the pseudonym
 * configurations, which must outlive it.  It is not thread-safe (match
 * data and cache are mutable); use one engine per thread.
 */
#ifndef ZP_SANITIZE_TRANSFORM_H
#define ZP_SANITIZE_TRANSFORM_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "json.h"
#include "pseudonym.h"
#include "rules.h"

struct sanitize_engine;

/* Counters of the pseudonym cache, for --stats style reporting. */
struct sanitize_engine_stats {
	unsigned long long hits;
	unsigned long long misses;
	unsigned long long evictions;
	unsigned long long uncached; /* too long to cache */
	size_t cache_bytes; /* memory the table holds */
};

/*
 * sanitize_engine_new builds an engine for rules with pseudo (salt and
 * optional key).  Returns 0 and a new engine in *out, which the caller
 * frees with sanitize_engine_free; ZP_ECONFIG with "FILE:LINE: bad
 * JSONPath ..." appended to why (if not NULL) when a path does not
 * compile; ZP_ENOMEM; ZP_EINVAL for NULL arguments.  rules and pseudo
 * are borrowed for the engine's lifetime.
 */
int sanitize_engine_new(struct sanitize_engine **out,
    const struct sanitize_rules *rules, const struct zp_pseudo *pseudo,
    struct zp_buf *why);

/* sanitize_engine_free frees *e and clears it; NULL is fine. */
void sanitize_engine_free(struct sanitize_engine **e);

/*
 * sanitize_engine_set_ip_pseudo makes hashIp and encryptIp use ip (SALT_IP
 * and the key derived from ENCRYPTION_KEY_IP, or PSOXY_ENCRYPTION_KEY, with
 * that salt) instead of the main configuration.  ip is borrowed; NULL
 * goes back to the main one.
 */
void sanitize_engine_set_ip_pseudo(
    struct sanitize_engine *e, const struct zp_pseudo *ip);

/*
 * sanitize_engine_needs_key tells whether any transform of the rules can
 * need PSOXY_ENCRYPTION_KEY (includeReversible, tokenize, encryptIp), so
 * a tool can refuse to start without one.
 */
int sanitize_engine_needs_key(const struct sanitize_engine *e);

/*
 * sanitize_engine_transform applies ep's transforms in list order, each
 * transform's jsonPaths in order, to the document at root as already
 * changed (RULES-SPEC 0 step 4.3).  ep must belong to the engine's rules.
 * New strings live in arena, the document's.  Returns 0; ZP_EINVAL where
 * Psoxy fails the response; ZP_ESECRET; ZP_ENOMEM; ZP_ECRYPTO.  On error
 * the document is partly transformed and must not be emitted.
 */
int sanitize_engine_transform(struct sanitize_engine *e,
    const struct sanitize_endpoint *ep, struct zp_json *root,
    struct zp_arena *arena);

/*
 * sanitize_transform_value replaces the value in *slot with t's result,
 * as a map step does (redact here sets null, as the bulk record rules
 * do).  New memory comes from arena.  Returns 0 or an error as above.
 * t may come from any rule set.
 */
int sanitize_transform_value(struct sanitize_engine *e,
    const struct sanitize_transform *t, struct zp_json *slot,
    struct zp_arena *arena);

/* sanitize_engine_stats copies the cache counters into *st. */
void sanitize_engine_stats(
    const struct sanitize_engine *e, struct sanitize_engine_stats *st);

/* sanitize_engine_clear_cache empties the pseudonym cache (for tests). */
void sanitize_engine_clear_cache(struct sanitize_engine *e);

#endif
