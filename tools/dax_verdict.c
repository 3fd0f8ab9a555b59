// SPDX-License-Identifier: GPL-2.0
/* D1 verdict for wbguard dax: plain C, see dax_verdict.h. */
#include <string.h>
#include "dax_verdict.h"

const char *dax_d1_reason_name(enum dax_d1_reason r)
{
	switch (r) {
	case DAX_D1_NOT_CONVERTED:
		return "unwritten extent mapped without zeroing or conversion";
	case DAX_D1_STILL_UNWRITTEN:
		return "allocation ran but the mapping stayed unwritten";
	default:
		return "ok";
	}
}

void dax_state_init(struct dax_state *st)
{
	memset(st, 0, sizeof(*st));
}

static uint32_t home_of(uint32_t key)
{
	return (key * 2654435761u) % DAX_TID_SLOTS;
}

/*
 * The slot of @tid's pending lookup (open addressing, linear probing).
 * A slot holds a lookup only until its fault uses it (slot_drop), so the
 * table bounds lookups in flight, not threads ever seen. NULL when full.
 */
static struct dax_pending *slot_of(struct dax_state *st, uint32_t tid,
				   bool create)
{
	uint32_t key = tid ? tid : 0xffffffffu;
	uint32_t h = home_of(key), i;

	for (i = 0; i < DAX_TID_SLOTS; i++) {
		struct dax_pending *p = &st->slots[(h + i) % DAX_TID_SLOTS];

		if (p->tid == key)
			return p;
		if (p->tid == 0) {
			if (!create)
				return NULL;
			p->tid = key;
			return p;
		}
	}
	return NULL;
}

/* Free a slot; backward shift keeps every probe run without holes. */
static void slot_drop(struct dax_state *st, struct dax_pending *p)
{
	uint32_t hole = (uint32_t)(p - st->slots), i;

	if (p->used)
		st->nr_pending--;
	memset(p, 0, sizeof(*p));
	for (i = (hole + 1) % DAX_TID_SLOTS; st->slots[i].tid;
	     i = (i + 1) % DAX_TID_SLOTS) {
		uint32_t home = home_of(st->slots[i].tid);
		uint32_t d_home = (i + DAX_TID_SLOTS - home) % DAX_TID_SLOTS;
		uint32_t d_hole = (i + DAX_TID_SLOTS - hole) % DAX_TID_SLOTS;

		if (d_home >= d_hole) {
			st->slots[hole] = st->slots[i];
			memset(&st->slots[i], 0, sizeof(st->slots[i]));
			hole = i;
		}
	}
}

/*
 * The table is full: drop lookups older than DAX_PENDING_MAX_NS. A fault
 * follows its lookup at once in the same thread; one that never came was
 * a DAX write(2) or the thread is gone. Dropping it can only make a late
 * fault unmatched (unknown), never a pass.
 */
static void slot_expire(struct dax_state *st, uint64_t now_ns)
{
	uint32_t i;

	for (i = 0; i < DAX_TID_SLOTS; i++) {
		struct dax_pending *p = &st->slots[i];

		/* after a shift slot i holds another entry: look again */
		while (p->tid && p->ev.ts_ns + DAX_PENDING_MAX_NS < now_ns) {
			st->lookups_unused++;
			st->lookups_expired++;
			slot_drop(st, p);
		}
	}
}

static bool covers(const struct dax_event *lk, const struct dax_event *f)
{
	if (lk->dev != f->dev || lk->ino != f->ino || lk->ret <= 0)
		return false;
	return f->offset >= lk->offset &&
	       (unsigned long long)f->offset < lk->offset + lk->length;
}

static void on_lookup(struct dax_state *st, const struct dax_event *e)
{
	struct dax_pending *p;

	st->ext4_events++;
	if (e->ret < 0)
		st->lookup_errors++;
	else if (e->found & DAX_MAP_UNWRITTEN && e->allocated &&
		 (e->mflags & (DAX_MAP_MAPPED | DAX_MAP_UNWRITTEN | DAX_MAP_NEW)) ==
		 (DAX_MAP_MAPPED | DAX_MAP_NEW))
		st->conversions++;
	else if (e->found & DAX_MAP_UNWRITTEN && e->allocated &&
		 (e->mflags & (DAX_MAP_MAPPED | DAX_MAP_UNWRITTEN)) == DAX_MAP_MAPPED)
		st->converted_elsewhere++;
	else if (!(e->found & (DAX_MAP_MAPPED | DAX_MAP_UNWRITTEN)) && e->allocated)
		st->allocations++;
	else if (e->found & DAX_MAP_MAPPED)
		st->overwrites++;

	p = slot_of(st, e->pid, true);
	if (!p) {
		slot_expire(st, e->ts_ns);
		p = slot_of(st, e->pid, true);
	}
	if (!p) {
		st->table_full++;
		return;
	}
	if (p->used)
		st->lookups_unused++;
	else
		st->nr_pending++;
	p->used = true;
	p->ev = *e;
}

static enum dax_d1_reason judge(const struct dax_event *lk)
{
	if (!(lk->found & DAX_MAP_UNWRITTEN))
		return DAX_D1_OK;
	if (!lk->allocated)
		return DAX_D1_NOT_CONVERTED;
	if ((lk->mflags & DAX_MAP_UNWRITTEN) || !(lk->mflags & DAX_MAP_MAPPED))
		return DAX_D1_STILL_UNWRITTEN;
	/*
	 * ext4_iomap_alloc() for IOMAP_DAX always passes CREATE_ZERO, so the
	 * blocks it converted were zeroed (NEW). MAPPED without NEW means
	 * another writer (DAX write(2) takes no entry lock) converted them
	 * between the lookup and the allocation: fine.
	 */
	return DAX_D1_OK;
}

static enum dax_class on_fault(struct dax_state *st, const struct dax_event *e)
{
	struct dax_pending *p;
	enum dax_d1_reason r;

	st->fault_events++;
	st->write_faults++;	/* the BPF side follows write faults only */
	p = slot_of(st, e->pid, false);
	/* the thread's lookup is used by this fault, whatever it maps */
	if (p && p->used && (!covers(&p->ev, e))) {
		st->lookups_unused++;
		slot_drop(st, p);
		p = NULL;
	}
	if (e->iomap_type != DAX_IOMAP_MAPPED &&
	    !(e->iomap_flags & DAX_IOMAP_F_SHARED)) {
		/* dax_fault_iter() refuses it (WARN + SIGBUS/fallback) */
		st->write_faults_refused++;
		goto consume;
	}
	st->write_faults_mapped++;
	if (e->fs_magic != DAX_EXT4_SUPER_MAGIC) {
		st->write_faults_other_fs++;
		goto consume;
	}
	if (!p || !p->used) {
		st->write_faults_unmatched++;
		return DAX_CLASS_FAULT;
	}
	st->d1_checked++;
	if (p->ev.found & DAX_MAP_UNWRITTEN)
		st->d1_met_unwritten++;
	r = judge(&p->ev);
	if (r != DAX_D1_OK) {
		st->d1_violations++;
		st->last_reason = r;
		st->last_lookup = p->ev;
		slot_drop(st, p);
		return DAX_CLASS_D1;
	}
consume:
	if (p)
		slot_drop(st, p);
	return DAX_CLASS_FAULT;
}

enum dax_class dax_feed(struct dax_state *st, const struct dax_event *e)
{
	switch (e->type) {
	case DAX_EV_FAULT:
		return on_fault(st, e);
	case DAX_EV_EXT4_WRITE:
		on_lookup(st, e);
		return DAX_CLASS_LOOKUP;
	default:
		st->bad_events++;
		return DAX_CLASS_BAD;
	}
}

struct dax_result dax_finish(const struct dax_state *st,
			     const struct dax_counts *cnt, bool mainline)
{
	struct dax_result r = {0};
	uint64_t sent;

	r.d1 = st->d1_violations;
	r.lost = cnt->c[DXC_RB_DROPS] + cnt->c[DXC_BPF_MISSES];
	/*
	 * Mainline mode: a missed iomap_iter_dstmap run (7.x runs tracepoint
	 * BPF preemptibly, and iomap_iter_dstmap fires for every iomap
	 * operation of the machine) lost a judged fault only if that thread
	 * had a window open; that window then ends without its iomap, which
	 * the fault's end or the thread's next fault counts (ML_UNFINISHED).
	 * None of those: the misses were other threads' iomap operations.
	 */
	/* (userspace reads the two miss counts one after the other: the
	 * part may have grown past the sum; then nothing is excused) */
	if (!cnt->c[DXC_ML_UNFINISHED] &&
	    cnt->c[DXC_ML_DSTMAP_MISSES] <= cnt->c[DXC_BPF_MISSES]) {
		r.misses_excused = cnt->c[DXC_ML_DSTMAP_MISSES];
		r.lost -= r.misses_excused;
	}
	/* a fault whose window could not be kept was not followed */
	r.lost += cnt->c[DXC_ML_NO_WINDOW];
	r.core_missing = cnt->c[DXC_CORE_MISSING] != 0;
	r.checked = mainline;
	r.unmatched = st->write_faults_unmatched + st->table_full;
	/* every event the BPF side did not fail to reserve must have arrived */
	sent = cnt->c[DXC_IOMAP_SENT] + cnt->c[DXC_EXT4_WRITE];
	r.stream_short = st->fault_events + st->ext4_events + r.lost < sent;
	r.verdict = wbg_verdict_of(r.d1, r.lost || r.stream_short ||
				   r.core_missing || r.unmatched ||
				   st->bad_events);
	/* unchecked: stock mode cannot check D1; or no ext4 write fault
	 * (other filesystems' faults are counted, not judged) */
	r.verdict = wbg_verdict_judged(r.verdict, mainline && st->d1_checked);
	return r;
}
