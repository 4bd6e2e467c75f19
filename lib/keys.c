/* keys.c - a string set with values, open addressing, FNV-1a. */
#include "keys.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* One slot: a copied key (NULL: empty) and its value. */
struct slot {
	char *key;
	long value;
	uint64_t hash;
};

struct zp_keys {
	struct slot *slots;
	size_t cap; /* a power of two */
	size_t n;
};

/* hash_of is FNV-1a of s. */
static uint64_t
hash_of(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* zp_keys_new makes an empty set. */
int
zp_keys_new(struct zp_keys **out)
{
	struct zp_keys *k = calloc(1, sizeof(*k));

	*out = NULL;
	if (k == NULL)
		return ZP_ENOMEM;
	k->cap = 1024;
	if ((k->slots = calloc(k->cap, sizeof(*k->slots))) == NULL) {
		free(k);
		return ZP_ENOMEM;
	}
	*out = k;
	return 0;
}

/* zp_keys_free frees every key and the set. */
void
zp_keys_free(struct zp_keys **kp)
{
	size_t i;

	if (kp == NULL || *kp == NULL)
		return;
	for (i = 0; i < (*kp)->cap; i++)
		free((*kp)->slots[i].key);
	free((*kp)->slots);
	free(*kp);
	*kp = NULL;
}

/* find returns the slot of key, or the empty slot where it belongs. */
static struct slot *
find(const struct zp_keys *k, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (k->cap - 1);

	while (k->slots[i].key != NULL &&
	    (k->slots[i].hash != h || strcmp(k->slots[i].key, key) != 0))
		i = (i + 1) & (k->cap - 1);
	return &k->slots[i];
}

/* grow doubles the table. */
static int
grow(struct zp_keys *k)
{
	struct zp_keys bigger = {NULL, k->cap * 2, k->n};
	size_t i;

	if ((bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots))) == NULL)
		return ZP_ENOMEM;
	for (i = 0; i < k->cap; i++)
		if (k->slots[i].key != NULL)
			*find(&bigger, k->slots[i].key, k->slots[i].hash) =
			    k->slots[i];
	free(k->slots);
	*k = bigger;
	return 0;
}

/* zp_keys_get returns the value of key, or -1. */
long
zp_keys_get(const struct zp_keys *k, const char *key)
{
	const struct slot *s = find(k, key, hash_of(key));

	return s->key != NULL ? s->value : -1;
}

/* zp_keys_put sets key to value. */
int
zp_keys_put(struct zp_keys *k, const char *key, long value)
{
	uint64_t h = hash_of(key);
	struct slot *s;

	if ((k->n + 1) * 2 > k->cap && grow(k) != 0)
		return ZP_ENOMEM;
	s = find(k, key, h);
	if (s->key == NULL) {
		if ((s->key = strdup(key)) == NULL)
			return ZP_ENOMEM;
		s->hash = h;
		k->n++;
	}
	s->value = value;
	return 0;
}

/* zp_keys_count is the number of keys. */
size_t
zp_keys_count(const struct zp_keys *k)
{
	return k->n;
}
