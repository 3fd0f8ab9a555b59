/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A hash index from a two-word key to a 32-bit value (a slot number in the
 * caller's own array): open addressing, linear probing, power-of-two
 * capacity, deletion by backward shift (no tombstones, so a long run of
 * inserts and deletes never degrades lookups). Plain C, unit-tested. It
 * grows at 3/4 load and shrinks at 1/8, so its size follows what is live.
 */
#ifndef WBG_KEYMAP_H
#define WBG_KEYMAP_H

#include <stdbool.h>
#include <stdint.h>

struct keymap_slot {
	uint64_t k1, k2;
	uint32_t val;
	bool used;
};

struct keymap {
	struct keymap_slot *tab;
	uint64_t cap, n;
	uint64_t min_cap;
};

/* @min_cap: power of two, the size it never shrinks below. false: no memory. */
bool keymap_init(struct keymap *m, uint64_t min_cap);
void keymap_free(struct keymap *m);
/* Pointer to the value of (k1, k2), NULL if absent. */
uint32_t *keymap_get(const struct keymap *m, uint64_t k1, uint64_t k2);
/* Insert or overwrite. false: no memory (nothing changed). */
bool keymap_put(struct keymap *m, uint64_t k1, uint64_t k2, uint32_t val);
/* Remove (k1, k2); false if it was absent. */
bool keymap_del(struct keymap *m, uint64_t k1, uint64_t k2);
static inline uint64_t keymap_count(const struct keymap *m) { return m->n; }

#endif
