// SPDX-License-Identifier: GPL-2.0
#include "hist.h"
#include "jw.h"

static unsigned int slot_of(uint64_t v)
{
	unsigned int s = 0;

	while (v > 1 && s < WBG_HIST_SLOTS - 1) {
		v >>= 1;
		s++;
	}
	return s;
}

void wbg_hist_add(struct wbg_hist *h, uint64_t v)
{
	h->slots[slot_of(v)]++;
	h->count++;
	h->sum += v;
	if (v > h->max)
		h->max = v;
}

uint64_t wbg_hist_percentile(const struct wbg_hist *h, unsigned int pct)
{
	uint64_t want, seen = 0;
	unsigned int s;

	if (!h->count)
		return 0;
	want = (h->count * pct + 99) / 100;
	for (s = 0; s < WBG_HIST_SLOTS; s++) {
		seen += h->slots[s];
		if (seen >= want)
			return 1ull << (s + 1);
	}
	return h->max;
}

void wbg_hist_print(FILE *f, const struct wbg_hist *h, const char *unit,
		    uint64_t divisor)
{
	unsigned int s, last = 0, first = WBG_HIST_SLOTS;
	uint64_t peak = 0;

	for (s = 0; s < WBG_HIST_SLOTS; s++) {
		if (!h->slots[s])
			continue;
		if (first == WBG_HIST_SLOTS)
			first = s;
		last = s;
		if (h->slots[s] > peak)
			peak = h->slots[s];
	}
	if (!h->count) {
		fprintf(f, "    (no samples)\n");
		return;
	}
	fprintf(f, "    %20s : %-10s |%-40s|\n", unit, "count", "distribution");
	for (s = first; s <= last; s++) {
		uint64_t lo = s ? (1ull << s) : 0, hi = (1ull << (s + 1)) - 1;
		unsigned int bar = (unsigned int)(h->slots[s] * 40 / peak);
		char range[48];

		snprintf(range, sizeof(range), "%llu -> %llu",
			 (unsigned long long)(lo / divisor),
			 (unsigned long long)(hi / divisor));
		fprintf(f, "    %20s : %-10llu |%-*.*s%*s|\n", range,
			(unsigned long long)h->slots[s], bar, bar,
			"****************************************", 40 - bar, "");
	}
}

void wbg_hist_jw(struct jw *w, const char *key, const struct wbg_hist *h,
		 uint64_t divisor)
{
	unsigned int s;

	/* buckets as [lo, hi, count] in the recorded unit (ns): keyed by the
	 * divided bound, the small buckets all became "0" (duplicate keys) */
	jw_obj(w, key);
	jw_u64(w, "count", h->count);
	jw_u64(w, "avg", h->count ? h->sum / h->count / divisor : 0);
	jw_u64(w, "max", h->max / divisor);
	jw_u64(w, "p50", wbg_hist_percentile(h, 50) / divisor);
	jw_u64(w, "p99", wbg_hist_percentile(h, 99) / divisor);
	jw_arr(w, "log2_buckets_ns");
	for (s = 0; s < WBG_HIST_SLOTS; s++) {
		if (!h->slots[s])
			continue;
		jw_arr(w, NULL);
		jw_u64(w, NULL, s ? 1ull << s : 0ull);
		jw_u64(w, NULL, (1ull << (s + 1)) - 1);
		jw_u64(w, NULL, h->slots[s]);
		jw_arr_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

void wbg_hist_json(FILE *f, const struct wbg_hist *h, uint64_t divisor)
{
	struct jw w = { .f = f };

	wbg_hist_jw(&w, NULL, h, divisor);
}
