// SPDX-License-Identifier: GPL-2.0
/* The hash index against a plain array, over random inserts and deletes. */
#include <stdlib.h>
#include <string.h>
#include "wbg_test.h"
#include "keymap.h"

#define NKEYS 5000

static uint64_t rnd_state = 88172645463325252ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void random_ops_match_array(void)
{
	static int32_t ref[NKEYS];	/* -1: absent */
	struct keymap m;
	uint64_t present = 0, i, peak = 0;
	int k;

	CHECK(keymap_init(&m, 16));
	for (k = 0; k < NKEYS; k++)
		ref[k] = -1;
	for (i = 0; i < 400000; i++) {
		/* phases: fill up, then drain, so it grows and shrinks */
		bool fill = (i / 100000) % 2 == 0;
		uint64_t r = rnd();
		int key = (int)(r % NKEYS);
		uint64_t k1 = key * 0x40ull, k2 = key % 7;	/* clustered keys */
		uint32_t *v;

		if (fill ? (r >> 32) % 4 != 0 : (r >> 32) % 16 == 0) {
			CHECK(keymap_put(&m, k1, k2, (uint32_t)i));
			present += ref[key] < 0;
			ref[key] = (int32_t)i;
		} else {
			CHECK(keymap_del(&m, k1, k2) == (ref[key] >= 0));
			present -= ref[key] >= 0;
			ref[key] = -1;
		}
		v = keymap_get(&m, k1, k2);
		CHECK(ref[key] < 0 ? !v : v && *v == (uint32_t)ref[key]);
		CHECK(keymap_count(&m) == present);
		if (m.cap > peak)
			peak = m.cap;
		if (i % 50000 == 0)
			for (k = 0; k < NKEYS; k++) {
				v = keymap_get(&m, k * 0x40ull, k % 7);
				CHECK(ref[k] < 0 ? !v : v && *v == (uint32_t)ref[k]);
			}
	}
	/* it shrank back after draining */
	CHECK(m.cap < peak);
	CHECK(m.cap >= keymap_count(&m));
	keymap_free(&m);
}

static void same_low_word_differs_by_high(void)
{
	struct keymap m;

	CHECK(keymap_init(&m, 16));
	CHECK(keymap_put(&m, 5, 1, 10));
	CHECK(keymap_put(&m, 5, 2, 20));
	CHECK(*keymap_get(&m, 5, 1) == 10 && *keymap_get(&m, 5, 2) == 20);
	CHECK(keymap_del(&m, 5, 1) && !keymap_get(&m, 5, 1));
	CHECK(*keymap_get(&m, 5, 2) == 20);
	CHECK(!keymap_del(&m, 5, 1));
	keymap_free(&m);
}

int main(void)
{
	int failures = 0;

	RUN(random_ops_match_array);
	RUN(same_low_word_differs_by_high);
	return failures ? 1 : 0;
}
