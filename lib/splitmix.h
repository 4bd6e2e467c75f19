/*
 * splitmix.h - splitmix64, the small seeded PRNG behind every
 * deterministic stream of zoompipe (zp-sim's organization and faults, the
 * test and benchmark generators), and the byte hash of the hash tables
 * of zp-match and zp-emit.  Header-only: the functions are tiny and sit
 * on hot loops.
 */
#ifndef ZP_SPLITMIX_H
#define ZP_SPLITMIX_H

#include <stdint.h>
#include <string.h>

/* zp_mix64 scrambles z one to one (the splitmix64 finalizer). */
static inline uint64_t
zp_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* zp_splitmix64 advances *state and returns its next 64 bits. */
static inline uint64_t
zp_splitmix64(uint64_t *state)
{
	*state += 0x9e3779b97f4a7c15ULL;
	return zp_mix64(*state);
}

/* zp_hash_bytes hashes s[0..n) eight bytes at a time (multiply and
 * fold), for the hash tables of hot loops; not for anything stored. */
static inline uint64_t
zp_hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
		h ^= h >> 32;
	}
	if (n > 0) {
		w = 0;
		memcpy(&w, s, n);
		h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
	}
	h ^= h >> 29;
	h *= 0xC4CEB9FE1A85EC53ULL;
	return h ^ (h >> 32);
}

#endif
