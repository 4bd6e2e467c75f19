/*
 * splitmix.h - splitmix64, the small seeded PRNG behind every
 * deterministic stream of zoompipe (zp-sim's organization and faults, the
 * test and benchmark generators).  Header-only: the functions are tiny
 * and sit on hot loops.
 */
#ifndef ZP_SPLITMIX_H
#define ZP_SPLITMIX_H

#include <stdint.h>

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

#endif
