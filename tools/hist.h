/* SPDX-License-Identifier: GPL-2.0 */
/* Power-of-two histogram, as printed by bcc's tools. Plain C. */
#ifndef WBG_HIST_H
#define WBG_HIST_H

#include <stdint.h>
#include <stdio.h>

#define WBG_HIST_SLOTS 40

struct wbg_hist {
	uint64_t slots[WBG_HIST_SLOTS];
	uint64_t count;
	uint64_t sum;
	uint64_t max;
};

void wbg_hist_add(struct wbg_hist *h, uint64_t v);
/* Smallest power-of-two bucket bound below which @pct percent fall. */
uint64_t wbg_hist_percentile(const struct wbg_hist *h, unsigned int pct);
void wbg_hist_print(FILE *f, const struct wbg_hist *h, const char *unit,
		    uint64_t divisor);
/* The histogram as a JSON object (the value of @key, NULL in an array). */
struct jw;
void wbg_hist_jw(struct jw *w, const char *key, const struct wbg_hist *h,
		 uint64_t divisor);
/* The same object alone on @f (no newline). */
void wbg_hist_json(FILE *f, const struct wbg_hist *h, uint64_t divisor);

#endif
