/* arena.c - a bump allocator for data that dies all at once. */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

#define ARENA_ALIGN 16
#define ARENA_MIN_BLOCK (64 * 1024)
#define ARENA_POPULATE                                                        \
	(2u << 20) /* a large block is mapped in this much                    \
		      at a time, ahead of its bump pointer */

/* One malloc'd block; off is the first free byte of mem. */
struct zp_arena_block {
	struct zp_arena_block *next;
	size_t size;
	size_t off;
	size_t ready; /* mem[0..ready) is populated, or the block is small */
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
	b->ready = 0;
	if (want <= ARENA_POPULATE) { /* all of it, now */
		zp_mem_populate(b->mem, want);
		b->ready = want;
	}
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
	if (b->off > b->ready) {
		size_t to = b->off - b->ready > ARENA_POPULATE
		    ? b->off
		    : b->ready + ARENA_POPULATE;

		to = to < b->size ? to : b->size;
		zp_mem_populate(b->mem + b->ready, to - b->ready);
		b->ready = to;
	}
	return b->mem + off;
}

void
zp_mem_populate(void *p, size_t n)
{
	uintptr_t page, from, to;
	long k;

	if (n < 64 * 1024)
		return;
	k = sysconf(_SC_PAGESIZE);
	page = k > 0 ? (uintptr_t)k : 4096;
	from = ((uintptr_t)p + page - 1) & ~(page - 1);
	to = ((uintptr_t)p + n) & ~(page - 1);
	if (to > from)
		(void)madvise((void *)from, to - from, MADV_POPULATE_WRITE);
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
