/*
 * keys.h - a set of strings, each with a value: the tasks a crawl has
 * seen, the journal's index.  Open addressing with FNV-1a; keys are
 * copied.
 */
#ifndef ZP_FETCH_KEYS_H
#define ZP_FETCH_KEYS_H

#include <stddef.h>

struct fetch_keys;

/* fetch_keys_new makes an empty set in *k; 0 or ZP_ENOMEM. */
int fetch_keys_new(struct fetch_keys **k);

/* fetch_keys_free frees k; accepts NULL and clears the pointer. */
void fetch_keys_free(struct fetch_keys **k);

/* fetch_keys_get returns the value of key (>= 0), or -1 when absent. */
long fetch_keys_get(const struct fetch_keys *k, const char *key);

/* fetch_keys_put sets key to value (>= 0), copying key; 0 or ZP_ENOMEM. */
int fetch_keys_put(struct fetch_keys *k, const char *key, long value);

/* fetch_keys_count is the number of keys. */
size_t fetch_keys_count(const struct fetch_keys *k);

#endif
