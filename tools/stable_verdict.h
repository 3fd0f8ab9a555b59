/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Verdict for the stable-pages invariants, in plain C: it takes decoded
 * stable_events and the BPF side's exact counters, knows nothing of BPF,
 * and is what the unit tests drive.
 *
 * S1: no folio of a stable-writes mapping is dirtied while under writeback
 *     unless the dirtying thread waits for that writeback before it goes
 *     on (page_mkwrite marks dirty, then waits in folio_wait_stable()).
 *     The BPF side sends each such episode with how it was decided (the
 *     thread's next writeback event, see enum stable_res) and the folio's
 *     state at that moment; this code judges it (stable_verdict.c).
 * S2: with the kernel's stable-writes check (CONFIG_DEBUG_STABLE_WRITES,
 *     stable_writes_check=on), no write bio to a stable-writes device has
 *     its data changed between submission and completion: the device got
 *     what was hashed. Counted exactly by the BPF side.
 * S3: (info) rewrites under writeback on non-stable mappings, and waits
 *     for writeback, with their sleep time under --latency.
 */
#ifndef WBG_STABLE_VERDICT_H
#define WBG_STABLE_VERDICT_H

#include <stdbool.h>
#include <stdint.h>
#include "../bpf/stable.h"
#include "hist.h"
#include "verdict.h"

struct stable_counts {
	uint64_t c[STC_NR];
};

struct stable_state {
	/* from the event stream */
	uint64_t s1_events;		/* violations */
	uint64_t stable_dirty_events;	/* episodes received */
	uint64_t stable_waited;		/* ... the thread waited: fine */
	uint64_t stable_ended;		/* ... writeback over or restarted */
	uint64_t stable_untracked;	/* ... no room to follow it */
	uint64_t stable_kthread;	/* ... by a kernel thread (S1) */
	uint64_t stable_bounced;	/* ... S1 but for the kernel's bounce:
					 * the device got a copy (fine) */
	uint64_t stable_presubmit;	/* ... S1 but changed before the folio
					 * was submitted: the device got the
					 * changed data (fine) */
	bool rewrites_streamed;		/* each rewrite is sent (-r): the
					 * stream must match the counter */
	uint64_t dev_mismatch_events;	/* S2 reports received */
	uint64_t rewrite_events;
	uint64_t wait_events;
	uint64_t wait_stable_events;
	uint64_t wait_slept_events;
	uint64_t dirty_events;		/* --all-events only */
	uint64_t bad_events;		/* unknown type or inconsistent flags */
	struct wbg_hist wait_lat;	/* ns, waits that slept */
	struct wbg_hist wait_lat_stable;
};

struct stable_result {
	enum wbg_verdict verdict;
	uint64_t s1;			/* violations seen */
	uint64_t s2;			/* device got changed data: the
					 * kernel check's count (exact) */
	uint64_t lost;			/* reservations that failed */
	bool core_missing;		/* the kernel lacked a needed enum */
	bool stream_short;		/* fewer events arrived than counted */
	uint64_t unresolved;		/* stable episodes undecided at exit:
					 * the thread had no writeback event
					 * after its dirty (or exited) */
};

enum stable_class {
	STABLE_CLASS_NONE,
	STABLE_CLASS_S1,	/* a violation: report it */
	STABLE_CLASS_S2,	/* a violation: report it */
	STABLE_CLASS_STABLE_OK,	/* dirtied under writeback, then waited */
	STABLE_CLASS_REWRITE,	/* S3 info */
	STABLE_CLASS_WAIT,
	STABLE_CLASS_DIRTY,
	STABLE_CLASS_BAD,
};

void stable_state_init(struct stable_state *st);
enum stable_class stable_feed(struct stable_state *st,
			      const struct stable_event *e);
struct stable_result stable_finish(const struct stable_state *st,
				   const struct stable_counts *cnt);

const char *stable_res_name(unsigned int res);

#endif
