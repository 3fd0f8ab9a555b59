// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "stable_verdict.h"

void stable_state_init(struct stable_state *st)
{
	memset(st, 0, sizeof(*st));
}

/*
 * The thread dirtied a stable folio under writeback and then did
 * something else. If it waited on that folio, the PTE or the copy came
 * after the writeback: fine. Otherwise, if the folio is still dirty and
 * still under writeback when the thread goes on, the writeback that was
 * running at the dirtying is still running and the thread did not wait
 * for it: its data changes under I/O. A folio no longer dirty was
 * cleaned for a new writeback since (which write-protected it again);
 * one no longer under writeback finished before we could tell.
 */
static enum stable_class stable_judge(struct stable_state *st,
				      const struct stable_event *e)
{
	switch (e->res) {
	case STABLE_RES_WAITED:
		st->stable_waited++;
		return STABLE_CLASS_STABLE_OK;
	case STABLE_RES_REDIRTIED:
		st->stable_ended++;
		return STABLE_CLASS_STABLE_OK;
	case STABLE_RES_NOT_TRACKED:
		st->stable_untracked++;
		return STABLE_CLASS_STABLE_OK;
	case STABLE_RES_SYSCALL:
	case STABLE_RES_SLEPT:
	case STABLE_RES_OTHER_FOLIO:
		if ((e->flags & STABLE_F_NOW_WB) && (e->flags & STABLE_F_NOW_DIRTY)) {
			st->s1_events++;
			return STABLE_CLASS_S1;
		}
		st->stable_ended++;
		return STABLE_CLASS_STABLE_OK;
	}
	st->bad_events++;
	return STABLE_CLASS_BAD;
}

enum stable_class stable_feed(struct stable_state *st,
			      const struct stable_event *e)
{
	bool stable = e->flags & STABLE_F_STABLE_MAPPING;

	switch (e->type) {
	case STABLE_EV_DIRTY_UNDER_WB:
		if (!(e->flags & STABLE_F_UNDER_WB) || stable)
			break;
		st->rewrite_events++;
		return STABLE_CLASS_REWRITE;
	case STABLE_EV_STABLE_DIRTY:
		if (!(e->flags & STABLE_F_UNDER_WB) || !stable)
			break;
		st->stable_dirty_events++;
		return stable_judge(st, e);
	case STABLE_EV_WAIT:
		st->wait_events++;
		if (stable)
			st->wait_stable_events++;
		if (e->flags & STABLE_F_SLEPT) {
			st->wait_slept_events++;
			wbg_hist_add(&st->wait_lat, e->latency_ns);
			if (stable)
				wbg_hist_add(&st->wait_lat_stable, e->latency_ns);
		}
		return STABLE_CLASS_WAIT;
	case STABLE_EV_DIRTY:
		if (e->flags & STABLE_F_UNDER_WB)
			break;
		st->dirty_events++;
		return STABLE_CLASS_DIRTY;
	}
	st->bad_events++;
	return STABLE_CLASS_BAD;
}

struct stable_result stable_finish(const struct stable_state *st,
				   const struct stable_counts *cnt,
				   uint64_t cnt_open)
{
	struct stable_result r = {0};

	r.s1 = st->s1_events;
	r.lost = cnt->c[STC_RB_DROPS];
	r.core_missing = cnt->c[STC_CORE_MISSING] > 0;
	r.unresolved = cnt->c[STC_STABLE_UNDER_WB] > st->stable_dirty_events ?
		       cnt->c[STC_STABLE_UNDER_WB] - st->stable_dirty_events : 0;
	/*
	 * Every dirty-under-writeback is sent: fewer arrivals than counted
	 * mean loss, except stable episodes still open at exit (@open).
	 */
	r.stream_short = st->rewrite_events < cnt->c[STC_REWRITE_NONSTABLE] ||
			 r.unresolved > cnt_open;
	/* core_missing is no loss: the caller says "unchecked" for it */
	r.verdict = wbg_verdict_of(r.s1, r.lost || r.stream_short ||
				   st->bad_events || st->stable_untracked);
	return r;
}
