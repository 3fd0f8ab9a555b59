// SPDX-License-Identifier: GPL-2.0
/*
 * wbguard stable: watch folios being dirtied while under writeback.
 *
 * Tracepoints only (tp_btf), so it runs on stock kernels:
 *   writeback_dirty_folio  - a folio went clean -> dirty. With PG_writeback
 *                            set its content may be changing while the
 *                            device checksums it: S1 on a stable-writes
 *                            mapping, S3 info otherwise.
 *   folio_wait_writeback   - a wait for writeback to end (S3: the cost of
 *                            stable pages), and the end of an S1 episode.
 *   sched_switch           - times those waits, and ends S1 episodes.
 *   sys_enter / sys_exit   - end S1 episodes; cheap when none is open.
 *
 * page_mkwrite marks a folio dirty before it waits in folio_wait_stable()
 * and only then lets the PTE become writable, so "dirtied under writeback"
 * alone is not a violation on a stable mapping. Such an event opens an
 * episode for the thread; the thread's next step closes it and the folio's
 * state at that point goes to userspace, whose verdict code judges it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "stable.h"
#include "wbg_core.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Filters, set by userspace before load. 0 means "any". */
const volatile __u32 targ_dev = 0;
const volatile __u32 targ_tgid = 0;
const volatile bool all_events = false;
/* A waiter that goes to sleep later than this after the tracepoint was
 * not sleeping for that writeback. */
const volatile __u64 sleep_window_ns = 1000000;

/* Open S1 episodes; the syscall hooks return at once while it is 0. */
__u64 nr_pending = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);	/* resized by userspace */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STC_NR);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct waiter {
	struct stable_event ev;	/* filled at folio_wait_writeback */
	__u64 sleep_ns;		/* switch-out into D state, 0 if not yet */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);	/* tid */
	__type(value, struct waiter);
} waiters SEC(".maps");

struct pending {
	struct stable_event ev;	/* the dirty event that opened it */
	__u64 folio;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);	/* tid */
	__type(value, struct pending);
} pendings SEC(".maps");

static __always_inline void count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &idx);

	if (v)
		(*v)++;
}

/*
 * Fill @e from the folio and its mapping. Returns false if the event is
 * filtered out or cannot be decoded.
 */
static __always_inline bool decode(struct folio *folio,
				   struct address_space *mapping,
				   struct stable_event *e)
{
	int wb_bit = wbg_pg_writeback_bit();
	int st_bit = wbg_as_stable_writes_bit();
	__u64 id = bpf_get_current_pid_tgid();
	struct inode *host;

	if (targ_tgid && (id >> 32) != targ_tgid)
		return false;
	if (!mapping)
		return false;
	host = BPF_CORE_READ(mapping, host);
	if (!host)
		return false;
	e->dev = BPF_CORE_READ(host, i_sb, s_dev);
	if (targ_dev && e->dev != targ_dev)
		return false;
	if (wb_bit < 0 || st_bit < 0 || wbg_pg_dirty_bit() < 0) {
		count(STC_CORE_MISSING);
		return false;
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->ino = BPF_CORE_READ(host, i_ino);
	e->index = BPF_CORE_READ(folio, index);
	e->latency_ns = 0;
	e->res = 0;
	e->pad = 0;
	e->flags = 0;
	if (wbg_test_bit(st_bit, BPF_CORE_READ(mapping, flags)))
		e->flags |= STABLE_F_STABLE_MAPPING;
	if (wbg_test_bit(wb_bit, wbg_folio_flags(folio)))
		e->flags |= STABLE_F_UNDER_WB;
	e->pid = (__u32)id;
	e->tgid = id >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return true;
}

static __always_inline void emit(const struct stable_event *tmpl, __u32 type,
				 __u64 latency, __u32 extra_flags, __u32 res)
{
	struct stable_event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(STC_RB_DROPS);
		return;
	}
	__builtin_memcpy(e, tmpl, sizeof(*e));
	e->type = type;
	e->latency_ns = latency;
	e->flags |= extra_flags;
	e->res = res;
	bpf_ringbuf_submit(e, 0);
}

/* Close @tid's open S1 episode, reporting the folio's state now. */
static __always_inline void resolve(__u32 tid, struct pending *p, __u32 res)
{
	__u32 now = 0;

	if (res != STABLE_RES_WAITED && res != STABLE_RES_REDIRTIED) {
		unsigned long fl = wbg_folio_flags((void *)p->folio);

		if (wbg_test_bit(wbg_pg_writeback_bit(), fl))
			now |= STABLE_F_NOW_WB;
		if (wbg_test_bit(wbg_pg_dirty_bit(), fl))
			now |= STABLE_F_NOW_DIRTY;
	}
	emit(&p->ev, STABLE_EV_STABLE_DIRTY, bpf_ktime_get_ns() - p->ev.ts_ns,
	     now, res);
	if (!bpf_map_delete_elem(&pendings, &tid))
		__sync_fetch_and_add(&nr_pending, -1);
}

static __always_inline void resolve_tid(__u32 tid, __u32 res)
{
	struct pending *p;

	if (!nr_pending)
		return;
	p = bpf_map_lookup_elem(&pendings, &tid);
	if (p)
		resolve(tid, p, res);
}

SEC("tp_btf/writeback_dirty_folio")
int BPF_PROG(dirty_folio, struct folio *folio, struct address_space *mapping)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending np = {}, *p;
	bool stable, under_wb;

	if (nr_pending) {
		p = bpf_map_lookup_elem(&pendings, &tid);
		if (p)
			resolve(tid, p, p->folio == (__u64)folio ?
				STABLE_RES_REDIRTIED : STABLE_RES_OTHER_FOLIO);
	}
	if (!decode(folio, mapping, &np.ev))
		return 0;
	stable = np.ev.flags & STABLE_F_STABLE_MAPPING;
	under_wb = np.ev.flags & STABLE_F_UNDER_WB;

	count(STC_DIRTY);
	if (stable)
		count(STC_DIRTY_STABLE);
	if (under_wb)
		count(stable ? STC_STABLE_UNDER_WB : STC_REWRITE_NONSTABLE);

	if (under_wb && stable) {
		np.folio = (__u64)folio;
		if (bpf_map_update_elem(&pendings, &tid, &np, BPF_NOEXIST)) {
			count(STC_PENDING_FULL);
			emit(&np.ev, STABLE_EV_STABLE_DIRTY, 0, 0,
			     STABLE_RES_NOT_TRACKED);
		} else {
			__sync_fetch_and_add(&nr_pending, 1);
		}
	} else if (under_wb) {
		emit(&np.ev, STABLE_EV_DIRTY_UNDER_WB, 0, 0, 0);
	} else if (all_events) {
		emit(&np.ev, STABLE_EV_DIRTY, 0, 0, 0);
	}
	return 0;
}

#define WBG_PF_KTHREAD 0x00200000

/* Is the current thread in a data-integrity system call? */
static __always_inline __u32 wait_context(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs;
	long nr;

	if (BPF_CORE_READ(task, flags) & WBG_PF_KTHREAD)
		return STABLE_F_KTHREAD;
#ifdef __TARGET_ARCH_x86
	/* orig_ax holds the system call number (the error code in a fault,
	 * which never takes these values: they would set reserved bits). */
	regs = (struct pt_regs *)bpf_task_pt_regs(task);
	nr = BPF_CORE_READ(regs, orig_ax);
	switch (nr) {
	case 26:	/* msync */
	case 74:	/* fsync */
	case 75:	/* fdatasync */
	case 162:	/* sync */
	case 277:	/* sync_file_range */
	case 306:	/* syncfs */
		return STABLE_F_IN_SYNC;
	}
#endif
	return 0;
}

SEC("tp_btf/folio_wait_writeback")
int BPF_PROG(wait_writeback, struct folio *folio, struct address_space *mapping)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct waiter w = {};
	struct waiter *old;
	struct pending *p;

	if (nr_pending) {
		p = bpf_map_lookup_elem(&pendings, &tid);
		if (p)
			resolve(tid, p, p->folio == (__u64)folio ?
				STABLE_RES_WAITED : STABLE_RES_OTHER_FOLIO);
	}
	if (!decode(folio, mapping, &w.ev))
		return 0;
	w.ev.flags |= wait_context();
	count(STC_WAIT);
	if (w.ev.flags & STABLE_F_STABLE_MAPPING) {
		count(STC_WAIT_STABLE);
		if (!(w.ev.flags & (STABLE_F_IN_SYNC | STABLE_F_KTHREAD)))
			count(STC_WAIT_STABLE_WRITER);
	}

	/* A previous wait of this thread that never slept ends here. */
	old = bpf_map_lookup_elem(&waiters, &tid);
	if (old)
		emit(&old->ev, STABLE_EV_WAIT, 0, 0, 0);
	if (bpf_map_update_elem(&waiters, &tid, &w, BPF_ANY)) {
		count(STC_WAITMAP_FULL);
		emit(&w.ev, STABLE_EV_WAIT, 0, 0, 0);
	}
	return 0;
}

/* TASK_UNINTERRUPTIBLE; io_schedule() sleeps in this state. */
#define WBG_TASK_UNINTERRUPTIBLE 0x2

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	__u32 prev_tid = BPF_CORE_READ(prev, pid);
	__u32 next_tid = BPF_CORE_READ(next, pid);
	struct waiter *w;
	__u64 now;

	/* Preemption can hit between folio_mark_dirty and the wait. */
	if (!preempt)
		resolve_tid(prev_tid, STABLE_RES_SLEPT);

	w = bpf_map_lookup_elem(&waiters, &prev_tid);
	if (w && !w->sleep_ns) {
		now = bpf_ktime_get_ns();
		if (!preempt &&
		    (BPF_CORE_READ(prev, __state) & WBG_TASK_UNINTERRUPTIBLE) &&
		    now - w->ev.ts_ns <= sleep_window_ns) {
			w->sleep_ns = now;
		} else {
			/* It ran on without sleeping for the writeback. */
			emit(&w->ev, STABLE_EV_WAIT, 0, 0, 0);
			bpf_map_delete_elem(&waiters, &prev_tid);
		}
	}

	w = bpf_map_lookup_elem(&waiters, &next_tid);
	if (w && w->sleep_ns) {
		now = bpf_ktime_get_ns();
		count(STC_WAIT_SLEPT);
		emit(&w->ev, STABLE_EV_WAIT, now - w->ev.ts_ns, STABLE_F_SLEPT, 0);
		bpf_map_delete_elem(&waiters, &next_tid);
	}
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	resolve_tid((__u32)bpf_get_current_pid_tgid(), STABLE_RES_SYSCALL);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	resolve_tid((__u32)bpf_get_current_pid_tgid(), STABLE_RES_SYSCALL);
	return 0;
}
