/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Verdict for the DAX invariant, in plain C: it takes decoded dax_events
 * and the BPF side's exact counters, knows nothing of BPF, and is what
 * the unit tests drive.
 *
 * D1: a DAX write fault that meets an unwritten extent maps the PFN only
 *     after the blocks were zeroed and the extent converted.
 *
 * For each DAX write fault, the BPF side (mainline mode, rebuilt from
 * iomap_iter, iomap_iter_dstmap and ext4's block-lookup events) sends
 * what ext4_iomap_begin() did (DAX_EV_EXT4_WRITE: what the lookup found,
 * whether ext4_iomap_alloc() ran with EXT4_GET_BLOCKS_CREATE_ZERO, and
 * the mapping it returned), then the iomap dax_fault_iter() is about to
 * map (DAX_EV_FAULT), both from the faulting thread, in that order. A
 * write fault handed a MAPPED iomap maps the PFN. It violates D1 when the same thread's lookup
 * for that block found UNWRITTEN and then
 *   - ext4_iomap_alloc() did not run (no zeroing, no conversion), or
 *   - the mapping it returned is still UNWRITTEN, or not MAPPED.
 * ext4_iomap_alloc() for IOMAP_DAX always maps with CREATE_ZERO, which
 * zeroes what it converts (and marks it NEW): that it ran and returned a
 * written mapping is the zeroing-and-conversion D1 asks for.
 * Write faults on other filesystems are counted, not judged. A MAPPED
 * write fault on ext4 with no matching lookup cannot be judged: the
 * verdict is then unknown, as with lost events.
 */
#ifndef WBG_DAX_VERDICT_H
#define WBG_DAX_VERDICT_H

#include <stdbool.h>
#include <stdint.h>
#include "../bpf/dax.h"
#include "verdict.h"

struct dax_counts {
	uint64_t c[DXC_NR];
};

enum dax_d1_reason {
	DAX_D1_OK = 0,
	DAX_D1_NOT_CONVERTED,	/* found UNWRITTEN, ext4_iomap_alloc() skipped */
	DAX_D1_STILL_UNWRITTEN,	/* allocation ran, mapping still unwritten */
};

const char *dax_d1_reason_name(enum dax_d1_reason r);

/*
 * DAX write lookups waiting for their fault, by thread: a slot is freed
 * when the fault uses it, so this bounds lookups in flight (a lookup and
 * its fault are one call in one thread), not threads over the run.
 */
#define DAX_TID_SLOTS 4096
/* A lookup pending this long is dropped when the table is full. */
#define DAX_PENDING_MAX_NS 1000000000ull

struct dax_pending {
	uint32_t tid;		/* 0: free; tid 0 is stored as ~0 */
	bool used;
	struct dax_event ev;
};

struct dax_state {
	struct dax_pending slots[DAX_TID_SLOTS];
	uint64_t nr_pending;
	/* from the stream */
	uint64_t fault_events;
	uint64_t ext4_events;
	uint64_t write_faults;
	uint64_t write_faults_mapped;	/* PFN mapped for a write */
	uint64_t write_faults_refused;	/* handed UNWRITTEN/HOLE: SIGBUS */
	uint64_t write_faults_other_fs;	/* not ext4: not judged */
	uint64_t write_faults_unmatched;/* ext4, no lookup for the block */
	uint64_t d1_checked;		/* ext4 write faults judged */
	uint64_t d1_met_unwritten;	/* ... whose lookup found UNWRITTEN */
	uint64_t d1_violations;
	uint64_t conversions;		/* lookups: UNWRITTEN -> zeroed+MAPPED */
	uint64_t converted_elsewhere;	/* ... MAPPED without NEW: converted by
					 * another writer meanwhile */
	uint64_t allocations;		/* lookups: hole -> allocated */
	uint64_t overwrites;		/* lookups: already MAPPED */
	uint64_t lookup_errors;
	uint64_t lookups_unused;	/* replaced before a fault used them
					 * (DAX write(2), PMD fallback) */
	uint64_t lookups_expired;	/* ... dropped after DAX_PENDING_MAX_NS */
	uint64_t table_full;
	uint64_t bad_events;
	enum dax_d1_reason last_reason;	/* of the last D1 violation */
	struct dax_event last_lookup;	/* its lookup */
};

struct dax_result {
	enum wbg_verdict verdict;
	uint64_t d1;
	uint64_t lost;			/* reservations that failed */
	bool stream_short;		/* fewer events arrived than counted */
	bool core_missing;
	bool checked;			/* mainline mode: D1 could be checked */
	uint64_t unmatched;		/* judged impossible: see above */
	uint64_t misses_excused;	/* mainline: ml_dstmap misses that
					 * provably lost no judged fault */
};

enum dax_class {
	DAX_CLASS_NONE,
	DAX_CLASS_D1,		/* a violation: report it */
	DAX_CLASS_FAULT,
	DAX_CLASS_LOOKUP,
	DAX_CLASS_BAD,
};

void dax_state_init(struct dax_state *st);
enum dax_class dax_feed(struct dax_state *st, const struct dax_event *e);
/* @mainline: mainline mode's programs were attached (D1 checkable). */
struct dax_result dax_finish(const struct dax_state *st,
			     const struct dax_counts *cnt, bool mainline);

#endif
