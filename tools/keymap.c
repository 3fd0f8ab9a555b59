// SPDX-License-Identifier: GPL-2.0
/* Two-word-key hash index: see keymap.h. */
#include <stdlib.h>
#include "keymap.h"

static uint64_t mix(uint64_t k1, uint64_t k2)
{
	uint64_t a = k1 ^ (k2 * 0x9e3779b97f4a7c15ull);

	a ^= a >> 33;
	a *= 0xff51afd7ed558ccdull;
	a ^= a >> 33;
	a *= 0xc4ceb9fe1a85ec53ull;
	a ^= a >> 33;
	return a;
}

bool keymap_init(struct keymap *m, uint64_t min_cap)
{
	m->min_cap = min_cap < 16 ? 16 : min_cap;
	m->cap = m->min_cap;
	m->n = 0;
	m->tab = calloc(m->cap, sizeof(*m->tab));
	return m->tab != NULL;
}

void keymap_free(struct keymap *m)
{
	free(m->tab);
	m->tab = NULL;
	m->cap = m->n = 0;
}

static struct keymap_slot *find(const struct keymap *m, uint64_t k1, uint64_t k2)
{
	uint64_t mask = m->cap - 1, i;

	if (!m->tab)
		return NULL;
	for (i = mix(k1, k2) & mask;; i = (i + 1) & mask) {
		struct keymap_slot *s = &m->tab[i];

		if (!s->used)
			return NULL;
		if (s->k1 == k1 && s->k2 == k2)
			return s;
	}
}

uint32_t *keymap_get(const struct keymap *m, uint64_t k1, uint64_t k2)
{
	struct keymap_slot *s = find(m, k1, k2);

	return s ? &s->val : NULL;
}

static void place(struct keymap *m, const struct keymap_slot *src)
{
	uint64_t mask = m->cap - 1, i;

	for (i = mix(src->k1, src->k2) & mask; m->tab[i].used; i = (i + 1) & mask)
		;
	m->tab[i] = *src;
}

static bool resize(struct keymap *m, uint64_t cap)
{
	struct keymap_slot *old = m->tab;
	uint64_t oldcap = m->cap, i;

	m->tab = calloc(cap, sizeof(*m->tab));
	if (!m->tab) {
		m->tab = old;
		return false;
	}
	m->cap = cap;
	for (i = 0; i < oldcap; i++)
		if (old[i].used)
			place(m, &old[i]);
	free(old);
	return true;
}

bool keymap_put(struct keymap *m, uint64_t k1, uint64_t k2, uint32_t val)
{
	struct keymap_slot *s = find(m, k1, k2), n;

	if (s) {
		s->val = val;
		return true;
	}
	if (!m->tab || ((m->n + 1) * 4 > m->cap * 3 && !resize(m, m->cap * 2)))
		return false;
	n = (struct keymap_slot){ .k1 = k1, .k2 = k2, .val = val, .used = true };
	place(m, &n);
	m->n++;
	return true;
}

bool keymap_del(struct keymap *m, uint64_t k1, uint64_t k2)
{
	struct keymap_slot *s = find(m, k1, k2);
	uint64_t mask = m->cap - 1, hole, i;

	if (!s)
		return false;
	hole = (uint64_t)(s - m->tab);
	m->tab[hole].used = false;
	/*
	 * Backward shift: move up every later entry of the probe run whose
	 * home slot does not lie cyclically in (hole, i], so no lookup meets
	 * the hole before its key.
	 */
	for (i = (hole + 1) & mask; m->tab[i].used; i = (i + 1) & mask) {
		uint64_t home = mix(m->tab[i].k1, m->tab[i].k2) & mask;

		if (((i - home) & mask) >= ((i - hole) & mask)) {
			m->tab[hole] = m->tab[i];
			m->tab[i].used = false;
			hole = i;
		}
	}
	m->n--;
	if (m->cap > m->min_cap && m->n * 8 < m->cap)
		resize(m, m->cap / 2);	/* on failure it just stays larger */
	return true;
}
