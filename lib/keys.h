/*
 * keys.h - a set of strings, each with a value: the tasks a crawl has
 * seen, the journal's index, the identities zp-match could not resolve.
 * Open addressing with FNV-1a; keys are copied.
 */
#ifndef ZP_KEYS_H
#define ZP_KEYS_H

#include <stddef.h>

struct zp_keys;

/* zp_keys_new makes an empty set in *k; 0 or ZP_ENOMEM. */
int zp_keys_new(struct zp_keys **k);

/* zp_keys_free frees k; accepts NULL and clears the pointer. */
void zp_keys_free(struct zp_keys **k);

/* zp_keys_get returns the value of key (>= 0), or -1 when absent. */
long zp_keys_get(const struct zp_keys *k, const char *key);

/* zp_keys_put sets key to value (>= 0), copying key; 0 or ZP_ENOMEM. */
int zp_keys_put(struct zp_keys *k, const char *key, long value);

/* zp_keys_count is the number of keys. */
size_t zp_keys_count(const struct zp_keys *k);

#endif
