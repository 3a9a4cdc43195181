/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A channel name -> array index map, for the places that look a name up
 * once per channel: finding each by a scan made `apply` of 10,000
 * channels cost 3.4 G instructions in the parser's strcmp alone. Open
 * addressing, FNV-1a, the names copied in (the arrays they index move
 * when they grow). Header-only: config.c goes into the unit tests and
 * the fuzzer with its own source lists.
 */
#ifndef HOTLINE_NAME_INDEX_H
#define HOTLINE_NAME_INDEX_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/hotline.h>

struct name_slot {
	char name[HOTLINE_NAME_MAX + 1];
	size_t idx;
	bool used;
};

struct name_index {
	struct name_slot *slot;
	size_t cap;		/* a power of two, or 0 */
	size_t n;
};

#define NAME_INDEX_NONE ((size_t)-1)

static inline size_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return (size_t)(h ^ h >> 32);
}

/* The slot @name is in, or the free one it would take. */
static inline struct name_slot *name_index_slot(const struct name_index *ix,
						const char *name)
{
	size_t i = name_hash(name) & (ix->cap - 1);

	while (ix->slot[i].used && strcmp(ix->slot[i].name, name) != 0)
		i = (i + 1) & (ix->cap - 1);
	return &ix->slot[i];
}

/* The index stored for @name, or NAME_INDEX_NONE. */
static inline size_t name_index_get(const struct name_index *ix, const char *name)
{
	const struct name_slot *s;

	if (!ix->cap)
		return NAME_INDEX_NONE;
	s = name_index_slot(ix, name);
	return s->used ? s->idx : NAME_INDEX_NONE;
}

/*
 * Stores @idx for @name (at most HOTLINE_NAME_MAX characters). Returns
 * 0, 1 when @name is there already (its index kept), -1 out of memory.
 */
static inline int name_index_put(struct name_index *ix, const char *name, size_t idx)
{
	struct name_slot *s;
	size_t len;

	if (2 * (ix->n + 1) > ix->cap) {
		struct name_index big = { .cap = ix->cap ? 2 * ix->cap : 64 };
		size_t i;

		big.slot = calloc(big.cap, sizeof(*big.slot));
		if (!big.slot)
			return -1;
		for (i = 0; i < ix->cap; i++)
			if (ix->slot[i].used)
				*name_index_slot(&big, ix->slot[i].name) = ix->slot[i];
		big.n = ix->n;
		free(ix->slot);
		*ix = big;
	}
	s = name_index_slot(ix, name);
	if (s->used)
		return 1;
	len = strnlen(name, HOTLINE_NAME_MAX);
	memcpy(s->name, name, len);
	s->name[len] = '\0';
	s->idx = idx;
	s->used = true;
	ix->n++;
	return 0;
}

static inline void name_index_free(struct name_index *ix)
{
	free(ix->slot);
	memset(ix, 0, sizeof(*ix));
}

#endif /* HOTLINE_NAME_INDEX_H */
