// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "stable_verdict.h"

void stable_state_init(struct stable_state *st)
{
	memset(st, 0, sizeof(*st));
}

/* How an S1 episode was decided, for its report line. */
const char *stable_res_name(unsigned int res)
{
	static const char *const names[] = {
		[STABLE_RES_WAITED] = "waited",
		[STABLE_RES_LATER_ENTRY] = "later_entry",
		[STABLE_RES_OTHER_FOLIO] = "other_folio",
		[STABLE_RES_REDIRTIED] = "redirtied",
		[STABLE_RES_NOT_TRACKED] = "not_tracked",
		[STABLE_RES_KTHREAD] = "kthread",
	};

	if (res < sizeof(names) / sizeof(names[0]) && names[res])
		return names[res];
	return "unknown";
}

/*
 * An episode: thread T dirtied a folio of a stable-writes mapping while
 * PG_writeback was set. The BPF side decided it at T's next writeback
 * event (writeback_dirty_folio or folio_wait_writeback of T), or at once
 * for a kernel thread without a user mm, and sends how (e->res) with the
 * folio's state at that moment (STABLE_F_NOW_*):
 *
 *   WAITED       T's next event was its wait for that folio in the same
 *                kernel entry: the page_mkwrite order (dirty, then
 *                folio_wait_stable() before the PTE becomes writable). OK.
 *   REDIRTIED    T dirtied the same folio again: it was cleaned in
 *                between, so the writeback running at the dirtying ended
 *                and a new one began. OK.
 *   OTHER_FOLIO  T's next event was about another folio, or a wait for
 *   LATER_ENTRY  this folio in a later system call or fault: T went on
 *                without waiting where it dirtied. If the folio is still
 *                dirty and still under writeback, and no other thread
 *                dirtied it under writeback since (SUPERSEDED: it was
 *                cleaned in between, by the start of a writeback that may
 *                be a later one), no new writeback began since (starting
 *                one cleans it), so the writeback that ran at the
 *                dirtying still runs: the folio was writable or written
 *                under it. S1. Otherwise that writeback ended
 *                before T went on (a page_mkwrite whose writeback ended
 *                between its dirty and its wait, so that it did not wait,
 *                looks just like this): OK, counted as "writeback over".
 *   KTHREAD      a kernel thread without a user mm cannot be in a page
 *                fault, so nothing it dirties under writeback is the
 *                page_mkwrite order (e.g. bio_dirty_fn re-dirtying the
 *                pages of a direct-I/O read): S1 while dirty and under
 *                writeback, which it is at the dirtying.
 *   NOT_TRACKED  no task storage to follow it: unknown.
 *
 * An S1 of the kinds above with STABLE_F_BOUNCED is fine: the kernel gave
 * the device a copy of the folio for that writeback (it was DMA-pinned;
 * bounce-aware mode, see bpf/stable.bpf.c), so what changed was not what
 * the device checksummed. So is one with STABLE_F_PRESUBMIT: the folio was
 * queued whole in a write bio after it changed, so the device checksummed
 * the changed data (a DMA-pinned folio dirtied between the start of its
 * writeback and its submission, whose pin ended before the submission).
 * An event stands for 1 + e->repeat episodes.
 */
static enum stable_class stable_judge(struct stable_state *st,
				      const struct stable_event *e)
{
	bool still = (e->flags & STABLE_F_NOW_WB) && (e->flags & STABLE_F_NOW_DIRTY) &&
		     !(e->flags & STABLE_F_NOW_SUPERSEDED);
	uint64_t n = 1 + (uint64_t)e->repeat;

	if (e->repeat && !still)
		goto bad;	/* only held S1 candidates are merged */
	if (e->flags & (STABLE_F_BOUNCED | STABLE_F_PRESUBMIT)) {
		if (!still || (e->flags & STABLE_F_BOUNCED &&
			       e->flags & STABLE_F_PRESUBMIT))
			goto bad;	/* only S1 candidates ask, one answer */
		switch (e->res) {
		case STABLE_RES_KTHREAD:
		case STABLE_RES_OTHER_FOLIO:
		case STABLE_RES_LATER_ENTRY:
			if (e->flags & STABLE_F_BOUNCED)
				st->stable_bounced += n;
			else
				st->stable_presubmit += n;
			return STABLE_CLASS_STABLE_OK;
		default:
			goto bad;
		}
	}

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
	case STABLE_RES_KTHREAD:
		if (!(e->flags & STABLE_F_KTHREAD))
			break;
		if (still) {
			st->stable_kthread += n;
			st->s1_events += n;
			return STABLE_CLASS_S1;
		}
		st->stable_ended++;
		return STABLE_CLASS_STABLE_OK;
	case STABLE_RES_OTHER_FOLIO:
	case STABLE_RES_LATER_ENTRY:
		if (still) {
			st->s1_events += n;
			return STABLE_CLASS_S1;
		}
		st->stable_ended++;
		return STABLE_CLASS_STABLE_OK;
	}
bad:
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
		st->stable_dirty_events += 1 + (uint64_t)e->repeat;
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
	case STABLE_EV_DEV_MISMATCH:
		/* the kernel compared two hashes: they differ */
		if (e->hash_submit == e->hash_end || !e->bytes)
			break;
		st->dev_mismatch_events++;
		return STABLE_CLASS_S2;
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
				   const struct stable_counts *cnt)
{
	struct stable_result r = {0};

	r.s1 = st->s1_events;
	/*
	 * S2 is counted before the ring buffer: a lost report still counts,
	 * and the device got changed data however many reports arrived.
	 */
	r.s2 = cnt->c[STC_DEV_MISMATCH];
	r.lost = cnt->c[STC_RB_DROPS] + cnt->c[STC_BPF_MISSES];
	r.core_missing = cnt->c[STC_CORE_MISSING] > 0;
	/*
	 * Episodes counted but not received: their thread had no writeback
	 * event after the dirty before the end (or it exited). Not a loss:
	 * every failed reservation is counted in STC_RB_DROPS. Reported.
	 */
	r.unresolved = cnt->c[STC_STABLE_UNDER_WB] > st->stable_dirty_events ?
		       cnt->c[STC_STABLE_UNDER_WB] - st->stable_dirty_events : 0;
	/* More episodes than counted, or (with -r) a rewrite missing: the
	 * stream and the counters disagree. */
	r.stream_short = st->stable_dirty_events > cnt->c[STC_STABLE_UNDER_WB] ||
			 st->dev_mismatch_events > cnt->c[STC_DEV_MISMATCH] ||
			 (st->rewrites_streamed &&
			  st->rewrite_events < cnt->c[STC_REWRITE_NONSTABLE]);
	/* core_missing is no loss: the caller says "unchecked" for it */
	r.verdict = wbg_verdict_of(r.s1 + r.s2, r.lost || r.stream_short ||
				   st->bad_events || st->stable_untracked);
	return r;
}
