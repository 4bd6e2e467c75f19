/*
 * pages.c - the next_page_token store of zp-sim.
 *
 * Tokens are deterministic (a MAC of the listing and the offset under a key
 * drawn from the seed), so two runs with the same seed serve the same
 * bodies.  The store only remembers which tokens were handed out, for what,
 * and when, so that an unknown token, a token of another listing and an
 * old token are refused as Zoom refuses them (code 300).  It has its own
 * lock: routes may run on several server threads at once.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "error.h"
#include "render.h"
#include "sim.h"

#define PAGES_MIN_SLOTS 256

/* One token handed out: what it continues and when it was last given. */
struct page_entry {
	char token[SIM_PAGE_TOKEN_LEN + 1]; /* "" marks a free slot */
	char *listing;
	size_t offset;
	struct timespec issued; /* CLOCK_MONOTONIC */
};

/* An open-addressing hash table of entries, keyed by token. */
struct sim_pages {
	pthread_mutex_t lock;
	struct page_entry *slots;
	size_t n_slots; /* a power of two */
	size_t used;
};

/* sim_pages_new allocates an empty store into *p; 0 or ZP_ENOMEM. */
int
sim_pages_new(struct sim_pages **p)
{
	struct sim_pages *s;

	*p = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return ZP_ENOMEM;
	s->slots = calloc(PAGES_MIN_SLOTS, sizeof(*s->slots));
	if (s->slots == NULL) {
		free(s);
		return ZP_ENOMEM;
	}
	s->n_slots = PAGES_MIN_SLOTS;
	if (pthread_mutex_init(&s->lock, NULL) != 0) {
		free(s->slots);
		free(s);
		return ZP_ENOMEM;
	}
	*p = s;
	return 0;
}

/* sim_pages_free releases the store; accepts NULL and clears *p. */
void
sim_pages_free(struct sim_pages **p)
{
	struct sim_pages *s;
	size_t i;

	if (p == NULL || *p == NULL)
		return;
	s = *p;
	for (i = 0; i < s->n_slots; i++)
		free(s->slots[i].listing);
	free(s->slots);
	pthread_mutex_destroy(&s->lock);
	free(s);
	*p = NULL;
}

/* slot_of returns the slot holding token, or the free slot it belongs in. */
static struct page_entry *
slot_of(struct page_entry *slots, size_t n_slots, const char *token)
{
	size_t i = (size_t)sim_fnv1a(token) & (n_slots - 1);

	while (slots[i].token[0] != '\0' && strcmp(slots[i].token, token) != 0)
		i = (i + 1) & (n_slots - 1);
	return &slots[i];
}

/* grow doubles the table when it is half full; 0 or ZP_ENOMEM. */
static int
grow(struct sim_pages *s)
{
	struct page_entry *slots, *dst;
	size_t i, n;

	if (2 * (s->used + 1) <= s->n_slots)
		return 0;
	n = s->n_slots * 2;
	slots = calloc(n, sizeof(*slots));
	if (slots == NULL)
		return ZP_ENOMEM;
	for (i = 0; i < s->n_slots; i++) {
		if (s->slots[i].token[0] == '\0')
			continue;
		dst = slot_of(slots, n, s->slots[i].token);
		*dst = s->slots[i];
	}
	free(s->slots);
	s->slots = slots;
	s->n_slots = n;
	return 0;
}

/* make_token computes the deterministic token of listing at offset. */
static int
make_token(uint64_t seed, const char *listing, size_t offset,
    char token[SIM_PAGE_TOKEN_LEN + 1])
{
	unsigned char key[ZP_SHA256_LEN], mac[ZP_SHA256_LEN];
	struct zp_buf msg = ZP_BUF_INIT, out = ZP_BUF_INIT;
	int rc;

	rc = zp_buf_printf(
	    &msg, "zp-sim next_page_token %llu", (unsigned long long)seed);
	if (rc == 0)
		rc = zp_sha256(msg.data, msg.len, key);
	zp_buf_reset(&msg);
	if (rc == 0)
		rc = zp_buf_printf(&msg, "%s|%zu", listing, offset);
	if (rc == 0)
		rc = zp_hmac_sha256(key, sizeof(key), msg.data, msg.len, mac);
	if (rc == 0)
		rc = zp_base64url_encode(&out, mac, sizeof(mac));
	if (rc == 0) {
		memcpy(token, out.data, SIM_PAGE_TOKEN_LEN);
		token[SIM_PAGE_TOKEN_LEN] = '\0';
	}
	zp_buf_release(&msg);
	zp_buf_release(&out);
	return rc;
}

/* remember stores or refreshes token; the caller holds the lock. */
static int
remember(struct sim_pages *s, const char *token, const char *listing,
    size_t offset, const struct timespec *now)
{
	struct page_entry *e;
	char *copy;

	e = slot_of(s->slots, s->n_slots, token);
	if (e->token[0] != '\0') {
		e->issued = *now;
		return 0;
	}
	if (grow(s) != 0)
		return ZP_ENOMEM;
	copy = strdup(listing);
	if (copy == NULL)
		return ZP_ENOMEM;
	e = slot_of(s->slots, s->n_slots, token);
	memcpy(e->token, token, SIM_PAGE_TOKEN_LEN + 1);
	e->listing = copy;
	e->offset = offset;
	e->issued = *now;
	s->used++;
	return 0;
}

/* sim_pages_issue hands out the deterministic token of listing at offset
 * and remembers when. */
int
sim_pages_issue(struct sim_pages *p, uint64_t seed, const char *listing,
    size_t offset, char token[SIM_PAGE_TOKEN_LEN + 1])
{
	struct timespec now;
	int rc;

	rc = make_token(seed, listing, offset, token);
	if (rc != 0)
		return rc;
	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&p->lock);
	rc = remember(p, token, listing, offset, &now);
	pthread_mutex_unlock(&p->lock);
	return rc;
}

/* older_than tells whether more than ttl seconds passed from t to now. */
static int
older_than(const struct timespec *t, const struct timespec *now, int ttl)
{
	long long ns;

	ns = (long long)(now->tv_sec - t->tv_sec) * 1000000000LL +
	    (now->tv_nsec - t->tv_nsec);
	return ns > (long long)ttl * 1000000000LL;
}

/* sim_pages_redeem gives the offset of a known, fresh token of listing. */
int
sim_pages_redeem(struct sim_pages *p, const char *token, const char *listing,
    int ttl, size_t *offset)
{
	struct page_entry *e;
	struct timespec now;
	int rc = ZP_ENOTFOUND;

	if (strlen(token) != SIM_PAGE_TOKEN_LEN)
		return ZP_ENOTFOUND;
	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&p->lock);
	e = slot_of(p->slots, p->n_slots, token);
	if (e->token[0] != '\0' && strcmp(e->listing, listing) == 0 &&
	    !older_than(&e->issued, &now, ttl)) {
		*offset = e->offset;
		rc = 0;
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}
