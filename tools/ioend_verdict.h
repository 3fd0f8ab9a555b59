/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Verdict for the conversion-list invariants, in plain C: it takes decoded
 * ioend_events in stream order (one ring buffer: the order the kernel
 * reserved them in) and the BPF side's exact counters, knows nothing of
 * BPF, and is what the unit tests drive.
 *
 * C1: every io_end allocated is released exactly once. A second release
 *     is a violation at once; an io_end still live at the end and older
 *     than the leak bound is a leak.
 * C2: an io_end carrying UNWRITTEN ends folio writeback only after its
 *     conversion finished: released before convert_end, a sampled folio
 *     found out of writeback during the conversion (WB_EARLY), or a
 *     writeback_folio_end inside its range before convert_end.
 * C3: an fsync/fdatasync that returns 0 leaves no conversion pending for
 *     the inode that was submitted before the fsync began, or that the
 *     fsync submitted itself (its own writeback, same task, while in it).
 *     io_ends other tasks submit while it runs cover data it need not wait
 *     for.
 * C4: a failed conversion is reported (inode, range, error); a violation
 *     if an fsync of that inode that began after the failure returns 0
 *     and no fsync of it returns the error (fsyncs running concurrently
 *     are waited for: errseq hands an error to one caller per file).
 */
#ifndef WBG_IOEND_VERDICT_H
#define WBG_IOEND_VERDICT_H

#include <stdbool.h>
#include <stdint.h>
#include "../bpf/ioend.h"
#include "hist.h"
#include "keymap.h"
#include "verdict.h"

struct ioend_counts {
	uint64_t c[ICT_NR];
};

enum ioend_inv { IOEND_C1, IOEND_C2, IOEND_C3, IOEND_C4, IOEND_NINV };

static const char *const ioend_inv_name[IOEND_NINV] = { "C1", "C2", "C3", "C4" };

/* What one event meant, for the caller to print. */
struct ioend_report {
	enum ioend_inv inv;
	const char *what;		/* static text */
	uint64_t io_end, ino, pos;
	uint32_t dev;
	int64_t offset, size;
	int err;
	uint32_t pid;			/* task of the event */
	uint64_t cgroup_id;		/* ... and its cgroup */
	uint32_t submit_pid;		/* task that submitted the io_end, 0 */
	uint64_t submit_cgroup;		/* ... and its cgroup */
};

enum ioend_state_kind { IOE_FREE = 0, IOE_LIVE, IOE_RELEASED };

/*
 * One io_end, in a pool whose slot numbers stay put (the indexes hold
 * them). Links are slot number + 1, 0 for none.
 */
struct ioend_entry {
	uint64_t addr;
	enum ioend_state_kind kind;
	uint32_t dev;
	uint32_t flags_seen;		/* OR of io_end->flag over its events */
	uint64_t ino;
	int64_t offset, size;
	uint64_t alloc_ts, submit_seq;
	uint64_t rel_seq;		/* seq of its release (RELEASED) */
	uint32_t submit_pid;		/* task that submitted it (for C3) */
	uint64_t submit_cgroup;		/* its cgroup, for reports */
	uint32_t inode;			/* its inode record + 1 while unconverted */
	uint32_t iprev, inext;		/* that inode's unconverted list */
	uint32_t next_free;		/* pool free list */
	bool submitted, deferred, conv_started, conv_ended, alloc_seen;
};

/*
 * Per (dev, ino): the io_ends still waiting for their conversion (what C2
 * at a folio end and C3 at an fsync exit look at) and the fsyncs running.
 * Freed when both are empty.
 */
struct ioend_inode {
	uint32_t dev;
	uint64_t ino;
	uint32_t head;			/* unconverted io_ends, slot + 1 */
	uint32_t nsyncs;		/* fsyncs of it in progress */
	uint32_t next_free;
};

struct ioend_sync {
	uint32_t pid, dev;
	uint64_t ino, seq;
	bool used;
};

struct ioend_failure {
	uint32_t dev;
	uint64_t ino, seq;
	bool used;
	/* an fsync that began after the failure returned 0 while another
	 * fsync of the inode was running: the error may have gone to that
	 * one (errseq reports it once per file). Judged when it ends. */
	bool suspect;
};

/* Released io_ends remembered (for a second release: C1), oldest first out. */
struct ioend_released {
	uint32_t slot;
	uint64_t rel_seq;
};

#define IOEND_MAX_SYNCS 1024
#define IOEND_MAX_FAILURES 256
/*
 * A second release is recognised while the first is among the last this
 * many releases; slab reuses a freed io_end's address long before that.
 */
#define IOEND_MAX_RELEASED 65536

struct ioend_state {
	uint64_t leak_ns;		/* C1 bound */
	uint64_t seq;			/* events fed */
	uint64_t last_ts;
	/* io_ends: a pool indexed by address */
	struct ioend_entry *ents;
	uint32_t nents, capents, ent_free;
	struct keymap by_addr;		/* io_end address -> slot */
	uint64_t live;			/* IOE_LIVE entries */
	uint64_t unconverted;		/* live, UNWRITTEN seen, not converted */
	struct ioend_released *released;/* ring of IOEND_MAX_RELEASED */
	uint64_t rel_head, rel_count;
	uint64_t released_forgotten;	/* dropped from the ring (bounded) */
	/* inodes with unconverted io_ends or fsyncs running */
	struct ioend_inode *inodes;
	uint32_t ninodes, capinodes, inode_free;
	struct keymap by_inode;		/* (dev, ino) -> inode record */
	struct ioend_sync syncs[IOEND_MAX_SYNCS];
	struct keymap by_pid;		/* fsync in progress: pid -> syncs[] */
	uint32_t sync_free[IOEND_MAX_SYNCS], nsync_free;
	struct ioend_failure fails[IOEND_MAX_FAILURES];
	uint64_t nomem;			/* an index could not grow: unknown */
	/* from the stream */
	uint64_t ev[IOEND_EV_NR];
	uint64_t viol[IOEND_NINV];
	uint64_t released_twice;	/* C1 part of viol[]: a release of a
					 * released io_end (a lost alloc of a
					 * reused address looks the same) */
	uint64_t c4_failed;		/* failed conversions reported */
	uint64_t c4_surfaced;		/* ... then an fsync returned an error */
	uint64_t deferred_unwritten;	/* DEFER with UNWRITTEN */
	uint64_t converted_inline;	/* converted without a DEFER */
	uint64_t untracked_release;	/* allocated before tracing began */
	uint64_t inconsistent;		/* event order impossible without loss */
	uint64_t syncs_untracked;	/* exit without enter: began before tracing */
	uint64_t syncs_full;		/* no room to follow an fsync: unknown */
	uint64_t fails_full;		/* no room to remember a failure: unknown */
	struct wbg_hist conv_lat;	/* defer (or submit) -> convert_end, ns */
	struct wbg_hist life;		/* alloc -> release, ns */
};

struct ioend_result {
	enum wbg_verdict verdict;
	uint64_t viol[IOEND_NINV];	/* incl. leaks found at the end */
	uint64_t leaks;			/* C1 part of viol[] found at the end */
	uint64_t unproven;		/* C1 claims that lost events could
					 * explain (leaks and second releases
					 * when lost or inconsistent): not
					 * counted in the verdict */
	uint64_t in_flight;		/* live, younger than the bound */
	uint64_t lost;			/* ring-buffer drops + full maps */
	uint64_t untracked;		/* C3/C4 tables full (syncs_full + fails_full) */
	bool inconsistent;
	bool judged;			/* an io_end or a conversion was seen */
};

/* Entries held (live + remembered releases): what bounds its memory. */
static inline uint64_t ioend_entries(const struct ioend_state *st)
{
	return keymap_count(&st->by_addr);
}

void ioend_state_init(struct ioend_state *st, uint64_t leak_ns);
void ioend_state_free(struct ioend_state *st);
/*
 * Feed one event. Returns the number of reports written to @rep (0..2),
 * each a violation or (C4 with .err != 0 and what "conversion failed") an
 * error to show.
 */
int ioend_feed(struct ioend_state *st, const struct ioend_event *e,
	       struct ioend_report rep[2]);
/* Live io_ends that would count as leaks at time @now_ns. */
uint64_t ioend_pending_leaks(const struct ioend_state *st, uint64_t now_ns);
/* Live io_ends at all. */
static inline uint64_t ioend_live(const struct ioend_state *st) { return st->live; }
/*
 * End of run at @now_ns (same clock as ts_ns). @leak_cb, if given, is
 * called for each leaked io_end.
 */
struct ioend_result ioend_finish(struct ioend_state *st,
				 const struct ioend_counts *cnt, uint64_t now_ns,
				 void (*leak_cb)(const struct ioend_entry *, void *),
				 void *arg);

#endif
