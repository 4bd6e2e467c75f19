/*
 * arena.h - a bump allocator for data that dies all at once.
 *
 * A JSON DOM is built in an arena and freed by resetting it, so parsing one
 * envelope after another costs no malloc once the arena has grown to the
 * size of the largest body.  Memory from an arena is never freed singly.
 */
#ifndef ZP_ARENA_H
#define ZP_ARENA_H

#include <stddef.h>

struct zp_arena_block;

/* A chain of blocks; allocation bumps a pointer in the newest one. */
struct zp_arena {
	struct zp_arena_block *head;
	size_t block_size;
	size_t used; /* bytes handed out since the last reset */
	size_t total; /* bytes held in all blocks */
	size_t max_block; /* blocks grow up to this; 0: 64 MiB */
	int align8; /* align to 8 bytes, not 16: many small items, none
		       needing more (pointers, 64-bit integers, text) */
};

#define ZP_ARENA_INIT                                                         \
	{                                                                     \
		NULL, 0, 0, 0, 0, 0                                           \
	}

/*
 * zp_mem_populate maps in the whole pages of [p, p + n) for writing in one
 * call (madvise MADV_POPULATE_WRITE), before they are touched: a guest
 * that pays a trap per page faulted pays one for the range instead.  A
 * hint: it does nothing below 64 KiB or where the kernel lacks it.
 */
void zp_mem_populate(void *p, size_t n);

/*
 * zp_arena_alloc returns size bytes aligned for any scalar type, or NULL.
 * The memory belongs to the arena.
 */
void *zp_arena_alloc(struct zp_arena *a, size_t size);

/* zp_arena_memdup copies n bytes into the arena and returns the copy. */
void *zp_arena_memdup(struct zp_arena *a, const void *p, size_t n);

/*
 * zp_arena_reset makes all memory reusable; it keeps the largest block and
 * frees the others so that one huge body does not pin memory forever.
 */
void zp_arena_reset(struct zp_arena *a);

/* zp_arena_release frees every block. */
void zp_arena_release(struct zp_arena *a);

#endif
