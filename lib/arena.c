/* arena.c - a bump allocator for data that dies all at once. */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN 16
#define ARENA_MIN_BLOCK (64 * 1024)

/* One malloc'd block; off is the first free byte of mem. */
struct zp_arena_block {
	struct zp_arena_block *next;
	size_t size;
	size_t off;
	_Alignas(ARENA_ALIGN) unsigned char mem[];
};

/* new_block prepends a block of at least size usable bytes. */
static struct zp_arena_block *
new_block(struct zp_arena *a, size_t size)
{
	size_t want = a->block_size ? a->block_size : ARENA_MIN_BLOCK, cap;
	struct zp_arena_block *b;

	while (want < size)
		want *= 2;
	b = malloc(sizeof(*b) + want);
	if (b == NULL)
		return NULL;
	b->size = want;
	b->off = 0;
	b->next = a->head;
	a->head = b;
	a->total += want;
	/* Grow geometrically so that big documents need few blocks; a
	 * long-lived arena caps its blocks so that little is left unused. */
	cap = a->max_block ? a->max_block : (size_t)64 << 20;
	a->block_size = want * 2 < cap ? want * 2 : want;
	return b;
}

/* zp_arena_alloc returns size bytes aligned for any scalar, or NULL. */
void *
zp_arena_alloc(struct zp_arena *a, size_t size)
{
	struct zp_arena_block *b = a->head;
	size_t off, al;

	/* No block could hold it, and refusing keeps the sums below exact. */
	if (size > SIZE_MAX / 4)
		return NULL;
	al = a->align8 ? 8 : ARENA_ALIGN;
	size = (size + al - 1) & ~(al - 1);
	if (size == 0)
		size = al;
	if (b == NULL || b->size - b->off < size) {
		b = new_block(a, size);
		if (b == NULL)
			return NULL;
	}
	off = b->off;
	b->off += size;
	a->used += size;
	return b->mem + off;
}

/* zp_arena_memdup copies n bytes into the arena and returns the copy. */
void *
zp_arena_memdup(struct zp_arena *a, const void *p, size_t n)
{
	void *q = zp_arena_alloc(a, n);

	if (q != NULL && n > 0)
		memcpy(q, p, n);
	return q;
}

/* zp_arena_reset keeps the largest block and frees the others. */
void
zp_arena_reset(struct zp_arena *a)
{
	struct zp_arena_block *b, *next, *keep = NULL;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		if (keep == NULL || b->size > keep->size) {
			free(keep);
			keep = b;
		} else {
			free(b);
		}
	}
	a->head = keep;
	a->total = 0;
	if (keep != NULL) {
		keep->next = NULL;
		keep->off = 0;
		a->total = keep->size;
	}
	a->used = 0;
}

/* zp_arena_release frees every block. */
void
zp_arena_release(struct zp_arena *a)
{
	struct zp_arena_block *b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
	a->block_size = 0;
	a->used = 0;
	a->total = 0;
}
