// SPDX-License-Identifier: GPL-2.0
/*
 * wbguard stable: watch folios being dirtied while under writeback.
 *
 * Default mode: two tp_btf programs, nothing system-wide.
 *   writeback_dirty_folio  - a folio went clean -> dirty (the hot one).
 *                            With PG_writeback set its content may be
 *                            changing while the device checksums it: an
 *                            S1 episode on a stable-writes mapping, S3
 *                            info otherwise.
 *   folio_wait_writeback   - a wait for writeback to end (S3: the cost of
 *                            stable pages), and what decides an episode.
 * --latency adds sched_switch (every context switch of the machine) to
 * time how long each waiter slept.
 *
 * Hot path (a folio dirtied, not under writeback): direct loads of the
 * tp_btf arguments (folio->flags, mapping->flags), one inlined per-CPU
 * counter lookup, one task-storage lookup of the current task, return.
 * No hash map, no probe read, no ring buffer.
 *
 * The S1 rule (see also tools/stable_verdict.c). page_mkwrite marks a
 * folio dirty and then waits in folio_wait_stable() before the PTE becomes
 * writable, all under the folio lock in one page fault: the dirty event
 * under writeback is followed by the same thread's wait on that folio with
 * no other writeback event of that thread in between (or by no wait at
 * all if the writeback ended in between). write_begin waits before the
 * copy, so a correct write() never dirties a stable folio under writeback.
 * So a stable folio dirtied under writeback by thread T opens an episode
 * in T's task storage, decided at T's next writeback event:
 *   - a wait on that folio in the same kernel entry (same user register
 *     frame, task_pt_regs): WAITED, fine;
 *   - a dirty of that same folio: it was cleaned since, so a new writeback
 *     began (the old one ended): REDIRTIED, fine;
 *   - anything else (a dirty or wait of another folio, a wait on that
 *     folio from a later system call or fault): T went on without waiting
 *     in the dirtying entry; if the folio is still the same folio
 *     (mapping, index), still dirty and still under writeback, and
 *     nobody else dirtied it under writeback since (last_dirty_wb), the
 *     writeback that ran at the dirtying still runs: S1. Else it ended
 *     before T went on: fine (a page_mkwrite whose writeback ended
 *     between its dirty and its wait looks exactly like that).
 * A kernel thread without a user mm cannot be in a page fault, so its
 * dirty under writeback (e.g. bio_dirty_fn re-dirtying the pages of a
 * direct-I/O read from a kworker) is decided at once: KTHREAD, S1.
 * The folio state goes to userspace with the episode; the plain-C verdict
 * judges it. Events of other threads on the folio decide nothing: T may be
 * preempted between its dirty and its own wait.
 *
 * Bounce-aware mode (kernels with the stable-bounce fix, issue 13, patch
 * 0007 of the series: the block layer gives a stable-writes device a copy
 * of each DMA-pinned folio of a write, block_stable_bounce_tp, and
 * writeback_folio_end exists). An episode that would be S1 is held in
 * bounce_watch until its writeback
 *   - was bounced: the device checked a copy (sent with STABLE_F_BOUNCED);
 *   - or queued the folio whole in a write bio after the episode
 *     (block_bio_queue): the change came before the device got the data,
 *     and a pin that outlived it would have been bounced there
 *     (STABLE_F_PRESUBMIT);
 *   - or ended without either: sent as it is, S1.
 * The bounce comes at submit_bio(), which may be before or after the
 * dirtying (a folio sits under writeback in a bio being built before it is
 * submitted). Neither excuses btrfs, which checksums data before
 * submit_bio() (checked_at_submit). An episode of a thread decided after
 * the writeback that ran at its dirtying ended is fine (wb_ended).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "stable.h"
#include "wbg_core.bpf.h"
#include "wbg_cgroup.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Filters and modes, set by userspace before load. 0 means "any". */
const volatile __u32 targ_dev = 0;
const volatile __u32 targ_tgid = 0;
const volatile bool all_events = false;
const volatile bool emit_rewrites = false;
const volatile bool latency = false;
/*
 * --writers: pair each write_begin wait (a stable folio, locked, a user
 * thread) with its thread's next dirty, to count the writers that stable
 * pages held back. Off by default: it puts a task-storage lookup, two
 * atomics on a shared counter (task_marks) and the dirty's slow path on
 * every such wait.
 */
const volatile bool pair_writers = false;
const volatile bool bounce_aware = false;
/* Bounce-aware mode: the page size, to tell a bio segment that holds a
 * whole folio. */
const volatile __u32 page_size = 4096;
/* A waiter that goes to sleep later than this after the tracepoint was
 * not sleeping for that writeback. */
const volatile __u64 sleep_window_ns = 1000000;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);	/* resized by userspace */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stable_counters);
} counters SEC(".maps");

/* What one thread has in flight. */
struct task_state {
	__u64 ep_folio;		/* open episode's folio, 0: none */
	__u64 ep_mapping;
	__u64 ep_frame;		/* frame_id() at the dirtying */
	__u64 ep_seq;		/* order_seq at the dirtying (bounce-aware) */
	__u64 wait_folio;	/* last stable wait, for the writer pairing */
	__u64 sleep_ns;		/* --latency: switch-out into D state */
	__u32 lat_pending;	/* --latency: wev not sent yet */
	__u32 pad;
	struct stable_event ep;	/* the dirty event that opened the episode */
	struct stable_event wev;	/* --latency: the wait being timed */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_state);
} tstate SEC(".maps");

/*
 * Rare path only: the last dirty-under-writeback of each stable folio
 * (who and when). A folio found dirty and under writeback when an
 * episode is decided was last dirtied during the writeback now running
 * (starting one cleans it); if that last dirtying is not the episode's
 * own, another thread dirtied it since, under a writeback that may have
 * begun after the episode's ended: the state says nothing about it.
 */
struct dirty_wb_key {
	__u64 folio;
};
struct dirty_wb_val {
	__u64 ts_ns;
	__u32 pid;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct dirty_wb_key);
	__type(value, struct dirty_wb_val);
} last_dirty_wb SEC(".maps");

/*
 * Bounce-aware mode only: folios whose current writeback was bounced, or
 * that hold an S1 candidate waiting to learn whether it will be. An entry
 * lives from the first of these until the folio's writeback_folio_end.
 */
struct bounce_watch {
	struct stable_event ev;	/* the held episode, if have_ev */
	__u32 bounced;		/* this writeback went to the device from a copy */
	__u32 have_ev;
	__u32 submitted;	/* a write bio with this folio was queued */
	__u32 armed;		/* a thread's episode on it is open, undecided */
	__u32 presub;		/* queued whole, unbounced, after that episode */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);	/* folio */
	__type(value, struct bounce_watch);
} bounce_watch SEC(".maps");

/* Entries in bounce_watch: writeback_folio_end returns at once while 0. */
__s64 watch_entries = 0;
/* Entries holding an episode (have_ev) or armed by an open one:
 * block_bio_queue returns at once while 0. */
__s64 held_eps = 0;
/*
 * Bounce-aware mode: threads with an open episode. writeback_folio_end
 * notes ends only while it is not 0, and returns at once otherwise: it
 * runs for every folio, in completion (IRQ) context too, and a longer run
 * there is more often nested in the same program on that CPU (which the
 * kernel then skips: a recursion miss, i.e. a lost event).
 */
__s64 open_eps = 0;
/*
 * Orders episodes against writeback ends (bounce-aware): a counter, not a
 * clock, which may tick coarsely (a guest on refined-jiffies has 4 ms).
 */
__u64 order_seq = 0;

/*
 * Bounce-aware mode only (it needs writeback_folio_end): when the
 * writeback of a folio last ended, noted while episodes are open. An
 * episode decided after the writeback that ran at its dirtying ended is
 * fine whatever the folio's state then: a later writeback of the folio
 * may be running, and the folio dirty under it, without the state telling
 * the two apart.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);	/* folio */
	__type(value, __u64);	/* order_seq at the end */
} wb_ended SEC(".maps");

#ifndef min_t
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#endif

/*
 * Marks the common path of dirty_folio must look for, over all threads:
 * open episodes (task_state.ep_folio) and waits on a locked stable folio
 * (write_begin's) not yet followed by the thread's next writeback event
 * (task_state.wait_folio). Only a thread sets or clears its
 * own marks, each time with an atomic add here, so a thread that holds a
 * mark always reads this as non-zero; while it is 0 no thread holds one
 * and a folio dirtied outside writeback touches no task at all. A thread
 * that exits holding a mark (an episode undecided at exit, a wait never
 * followed by a dirty) leaves it counted: the common path then looks up
 * the task storage as it did before (slower, never wrong).
 */
__s64 task_marks = 0;

/* Room for the user register frame; x86-64 needs 21 words, arm64 ~42. */
#define WBG_FRAME_WORDS 64
struct frame_buf {
	__u64 w[WBG_FRAME_WORDS];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct frame_buf);
} scratch SEC(".maps");

#define WBG_PF_KTHREAD 0x00200000
/* TASK_UNINTERRUPTIBLE; io_schedule() sleeps in this state. */
#define WBG_TASK_UNINTERRUPTIBLE 0x2

static __always_inline struct stable_counters *counters_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&counters, &zero);
}

/* Filters on the tp_btf arguments: direct loads only. */
static __always_inline bool wanted(struct address_space *mapping)
{
	if (!mapping)
		return false;
	if (targ_tgid && (bpf_get_current_pid_tgid() >> 32) != targ_tgid)
		return false;
	if (targ_dev && mapping->host->i_sb->s_dev != targ_dev)
		return false;
	return true;
}

/*
 * Set or clear one of the current thread's marks, keeping task_marks.
 * An exchange, so that a program interrupting this one on the same
 * thread (a folio dirtied in interrupt context is charged to the
 * interrupted thread) cannot count the same change twice.
 */
static __always_inline void set_mark(__u64 *slot, __u64 v)
{
	__u64 old = __sync_lock_test_and_set(slot, v);

	if (!old && v)
		__sync_fetch_and_add(&task_marks, 1);
	else if (old && !v)
		__sync_fetch_and_add(&task_marks, -1);
}

/*
 * The current task's state, if it has any. A task without any BPF local
 * storage has task->bpf_storage NULL: one direct load instead of the
 * helper call for most tasks of the machine.
 */
static __always_inline struct task_state *state_of(struct task_struct *task)
{
	if (bpf_core_field_exists(task->bpf_storage) && !task->bpf_storage)
		return NULL;
	return bpf_task_storage_get(&tstate, task, NULL, 0);
}

static __always_inline bool bits_known(void)
{
	return wbg_pg_writeback_bit() >= 0 && wbg_pg_dirty_bit() >= 0 &&
	       wbg_as_stable_writes_bit() >= 0;
}

/*
 * A fingerprint of the current kernel entry: a hash of the user register
 * frame saved when the thread entered the kernel (system call or fault).
 * It does not change within one entry; two entries with the same value
 * would need bit-identical user registers (instruction and stack
 * pointer, system call number, arguments). Rare paths only.
 */
static __always_inline __u64 frame_id(struct task_struct *task)
{
	__u32 zero = 0, sz = bpf_core_type_size(struct pt_regs);
	__u64 h = 14695981039346656037ULL;
	struct frame_buf *b = bpf_map_lookup_elem(&scratch, &zero);
	int i;

	if (!b)
		return 0;
	if (sz > sizeof(b->w))
		sz = sizeof(b->w);
	/* the helper is declared returning long in libbpf 1.1 */
	if (bpf_probe_read_kernel(b->w, sz, (const void *)bpf_task_pt_regs(task)))
		return 0;
	for (i = 0; i < WBG_FRAME_WORDS; i++) {
		if (i >= sz / 8)
			break;
		h = (h ^ b->w[i]) * 1099511628211ULL;
	}
	return h;
}

/* Rare paths: the event record for the ring buffer. */
static __always_inline void fill(struct stable_event *e, struct folio *folio,
				 struct address_space *mapping, unsigned long fl,
				 bool stable)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct inode *host = mapping->host;

	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->dev = host->i_sb->s_dev;
	e->ino = host->i_ino;
	e->index = folio->index;
	if (stable)
		e->flags |= STABLE_F_STABLE_MAPPING;
	if (wbg_test_bit(wbg_pg_writeback_bit(), fl))
		e->flags |= STABLE_F_UNDER_WB;
	e->pid = (__u32)id;
	e->tgid = id >> 32;
	e->cgroup_id = wbg_cgroup_id();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
}

static __always_inline void emit(struct stable_counters *c,
				 const struct stable_event *tmpl, __u32 type,
				 __u64 lat, __u32 extra_flags, __u32 res)
{
	struct stable_event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		c->c[STC_RB_DROPS]++;
		return;
	}
	__builtin_memcpy(e, tmpl, sizeof(*e));
	e->type = type;
	e->latency_ns = lat;
	e->flags |= extra_flags;
	e->res = res;
	bpf_ringbuf_submit(e, 0);
}

/* What the verdict would call S1 (stable_judge): still dirty and under the
 * writeback that ran at the dirtying. */
static __always_inline bool s1_candidate(__u32 now)
{
	return (now & STABLE_F_NOW_WB) && (now & STABLE_F_NOW_DIRTY) &&
	       !(now & STABLE_F_NOW_SUPERSEDED);
}

/*
 * Send a decided episode. In bounce-aware mode an S1 candidate first asks
 * whether its writeback was bounced: yes, sent flagged; not yet, held in
 * bounce_watch until the bounce or the end of that writeback.
 */
static __always_inline void send_episode(struct stable_counters *c,
					 const struct stable_event *tmpl,
					 __u64 folio, __u64 lat, __u32 now,
					 __u32 res)
{
	struct bounce_watch *w, zero = {};

	if (!bounce_aware || !s1_candidate(now)) {
		emit(c, tmpl, STABLE_EV_STABLE_DIRTY, lat, now, res);
		return;
	}
	w = bpf_map_lookup_elem(&bounce_watch, &folio);
	if (w && w->armed) {
		w->armed = 0;
		__sync_fetch_and_add(&held_eps, -1);
	}
	if (w && w->bounced) {
		emit(c, tmpl, STABLE_EV_STABLE_DIRTY, lat, now | STABLE_F_BOUNCED, res);
		return;
	}
	if (w && w->presub) {
		/* queued whole after the dirtying, before this decision */
		w->presub = 0;
		c->c[STC_PRESUBMIT]++;
		emit(c, tmpl, STABLE_EV_STABLE_DIRTY, lat, now | STABLE_F_PRESUBMIT, res);
		return;
	}
	if (w && w->have_ev) {
		/* same folio, same writeback: the same outcome */
		w->ev.repeat++;
		return;
	}
	if (!w) {
		if (bpf_map_update_elem(&bounce_watch, &folio, &zero, BPF_NOEXIST) ||
		    !(w = bpf_map_lookup_elem(&bounce_watch, &folio))) {
			c->c[STC_PENDING_FULL]++;
			emit(c, tmpl, STABLE_EV_STABLE_DIRTY, lat, now,
			     STABLE_RES_NOT_TRACKED);
			return;
		}
		__sync_fetch_and_add(&watch_entries, 1);
	}
	__builtin_memcpy(&w->ev, tmpl, sizeof(w->ev));
	w->ev.type = STABLE_EV_STABLE_DIRTY;
	w->ev.latency_ns = lat;
	w->ev.flags |= now;
	w->ev.res = res;
	w->ev.repeat = 0;
	w->have_ev = 1;
	__sync_fetch_and_add(&held_eps, 1);
	c->c[STC_BOUNCE_PARKED]++;
}

/*
 * The episode's folio now: still the same folio (not freed and reused),
 * and whether it is still dirty and under writeback. The folio pointer
 * was saved as a number, so these are probe reads (rare path).
 */
static __always_inline __u32 folio_now(const struct task_state *s)
{
	struct folio *f = (struct folio *)s->ep_folio;
	struct dirty_wb_key k = { .folio = s->ep_folio };
	struct dirty_wb_val *last;
	unsigned long fl;
	__u32 now = 0;

	__u64 *ended;

	if ((__u64)BPF_CORE_READ(f, mapping) != s->ep_mapping ||
	    BPF_CORE_READ(f, index) != s->ep.index)
		return 0;
	ended = bpf_map_lookup_elem(&wb_ended, &k.folio);
	if (ended && *ended > s->ep_seq)
		return 0;	/* that writeback is over */
	fl = wbg_folio_flags(f);
	if (wbg_test_bit(wbg_pg_writeback_bit(), fl))
		now |= STABLE_F_NOW_WB;
	if (wbg_test_bit(wbg_pg_dirty_bit(), fl))
		now |= STABLE_F_NOW_DIRTY;
	last = bpf_map_lookup_elem(&last_dirty_wb, &k);
	if (last && (last->ts_ns != s->ep.ts_ns || last->pid != s->ep.pid))
		now |= STABLE_F_NOW_SUPERSEDED;
	return now;
}

/*
 * The thread's next writeback event after its episode: decide it (the
 * rule is at the top of this file). Returns true if it was the wait of
 * the dirtying entry (a writer held back, page_mkwrite order).
 */
static __always_inline bool decide(struct stable_counters *c,
				   struct task_state *s, struct task_struct *task,
				   struct folio *folio, bool is_wait)
{
	__u32 res, now = 0;

	if (s->ep_folio != (__u64)folio)
		res = STABLE_RES_OTHER_FOLIO;
	else if (!is_wait)
		res = STABLE_RES_REDIRTIED;
	else if (frame_id(task) == s->ep_frame)
		res = STABLE_RES_WAITED;
	else
		res = STABLE_RES_LATER_ENTRY;
	if (res == STABLE_RES_OTHER_FOLIO || res == STABLE_RES_LATER_ENTRY)
		now = folio_now(s);
	send_episode(c, &s->ep, s->ep_folio, bpf_ktime_get_ns() - s->ep.ts_ns,
		     now, res);
	set_mark(&s->ep_folio, 0);
	if (bounce_aware)
		__sync_fetch_and_add(&open_eps, -1);
	return res == STABLE_RES_WAITED;
}

/*
 * Bounce-aware mode: a thread's episode on @folio opens; it is decided at
 * the thread's next writeback event, maybe after the folio's bio was
 * queued. Watch the folio from now on, so that a bio queued in between is
 * known when the episode is decided (bounce_watch.presub).
 */
static __always_inline void arm(struct stable_counters *c, __u64 folio)
{
	struct bounce_watch *w, zero = {};

	w = bpf_map_lookup_elem(&bounce_watch, &folio);
	if (!w) {
		if (bpf_map_update_elem(&bounce_watch, &folio, &zero, BPF_NOEXIST) ||
		    !(w = bpf_map_lookup_elem(&bounce_watch, &folio))) {
			c->c[STC_PENDING_FULL]++;
			return;
		}
		__sync_fetch_and_add(&watch_entries, 1);
	}
	if (w->bounced || w->armed)
		return;
	w->armed = 1;
	__sync_fetch_and_add(&held_eps, 1);
}

/* A stable folio dirtied under writeback: open an episode (rare path). */
static __always_inline void open_episode(struct stable_counters *c,
					 struct task_struct *task,
					 struct task_state *s,
					 struct folio *folio,
					 struct address_space *mapping,
					 unsigned long fl)
{
	struct dirty_wb_key k = { .folio = (__u64)folio };
	struct dirty_wb_val v = {};
	struct stable_event ev;

	fill(&ev, folio, mapping, fl, true);
	v.ts_ns = ev.ts_ns;
	v.pid = ev.pid;
	bpf_map_update_elem(&last_dirty_wb, &k, &v, BPF_ANY);
	if ((task->flags & WBG_PF_KTHREAD) && !task->mm) {
		__u32 now = STABLE_F_NOW_WB;

		if (wbg_test_bit(wbg_pg_dirty_bit(), fl))
			now |= STABLE_F_NOW_DIRTY;
		ev.flags |= STABLE_F_KTHREAD;
		send_episode(c, &ev, (__u64)folio, 0, now, STABLE_RES_KTHREAD);
		return;
	}
	if (!s)
		s = bpf_task_storage_get(&tstate, task, NULL,
					 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!s) {
		c->c[STC_PENDING_FULL]++;
		emit(c, &ev, STABLE_EV_STABLE_DIRTY, 0, 0, STABLE_RES_NOT_TRACKED);
		return;
	}
	s->ep = ev;
	s->ep_mapping = (__u64)mapping;
	s->ep_frame = frame_id(task);
	set_mark(&s->ep_folio, (__u64)folio);
	if (bounce_aware) {
		s->ep_seq = __sync_fetch_and_add(&order_seq, 1);
		__sync_fetch_and_add(&open_eps, 1);
		arm(c, (__u64)folio);
	}
}

/*
 * What both hot programs do first: the filters, the counter slot, and the
 * kernel's enum values (a kernel without them is counted, not judged).
 * NULL: return at once.
 */
static __always_inline struct stable_counters *enter(struct address_space *mapping)
{
	struct stable_counters *c;

	if (!wanted(mapping))
		return NULL;
	c = counters_get();
	if (!c)
		return NULL;
	if (!bits_known()) {
		c->c[STC_CORE_MISSING]++;
		return NULL;
	}
	return c;
}

/*
 * dirty_folio's rare part: the folio is under writeback, a thread holds a
 * mark (task_marks), or --all-events. A subprogram, so that the common
 * path's code is only the few instructions before the call.
 */
static __noinline int dirty_rare(struct stable_counters *c, struct folio *folio,
				 struct address_space *mapping, unsigned long fl,
				 bool stable)
{
	struct task_struct *task;
	struct task_state *s;

	task = bpf_get_current_task_btf();
	if (!wbg_test_bit(wbg_pg_writeback_bit(), fl))
		c->c[STC_DIRTY_SLOW]++;
	s = task_marks ? state_of(task) : NULL;
	if (s) {
		if (s->ep_folio)
			decide(c, s, task, folio, false);
		/*
		 * write_begin order: waited on this folio, now dirties it.
		 * (S3 info: not checked to be the same kernel entry, which
		 * would cost a frame_id() on this path.)
		 */
		if (s->wait_folio) {
			if (s->wait_folio == (__u64)folio)
				c->c[STC_WAIT_STABLE_WRITER]++;
			set_mark(&s->wait_folio, 0);
		}
	}

	if (!wbg_test_bit(wbg_pg_writeback_bit(), fl)) {
		if (all_events) {
			struct stable_event ev;

			fill(&ev, folio, mapping, fl, stable);
			emit(c, &ev, STABLE_EV_DIRTY, 0, 0, 0);
		}
		return 0;
	}
	if (stable) {
		c->c[STC_STABLE_UNDER_WB]++;
		open_episode(c, task, s, folio, mapping, fl);
	} else {
		c->c[STC_REWRITE_NONSTABLE]++;
		if (emit_rewrites) {
			struct stable_event ev;

			fill(&ev, folio, mapping, fl, false);
			emit(c, &ev, STABLE_EV_DIRTY_UNDER_WB, 0, 0, 0);
		}
	}
	return 0;
}

/*
 * The hot program. Common path: a folio dirtied outside writeback while
 * no thread holds a mark: the filters, two flag words, the counters,
 * return.
 */
SEC("tp_btf/writeback_dirty_folio")
int BPF_PROG(dirty_folio, struct folio *folio, struct address_space *mapping)
{
	struct stable_counters *c;
	unsigned long fl;
	bool stable;

	c = enter(mapping);
	if (!c)
		return 0;
	fl = wbg_folio_flags_load(folio);
	stable = wbg_test_bit(wbg_as_stable_writes_bit(), mapping->flags);
	c->c[STC_DIRTY]++;
	c->c[STC_DIRTY_STABLE] += stable;
	if (!wbg_test_bit(wbg_pg_writeback_bit(), fl) && !task_marks &&
	    !all_events)
		return 0;
	return dirty_rare(c, folio, mapping, fl, stable);
}

/* PG_locked at the wait (a kernel without the enum: taken as locked). */
static __always_inline bool folio_locked(struct folio *folio)
{
	if (!bpf_core_enum_value_exists(enum pageflags, PG_locked))
		return true;
	return wbg_test_bit(bpf_core_enum_value(enum pageflags, PG_locked),
			    wbg_folio_flags_load(folio));
}

/* --latency: remember the wait so that sched_switch can time its sleep. */
static __always_inline void latency_start(struct stable_counters *c,
					  struct task_state *s,
					  struct folio *folio,
					  struct address_space *mapping,
					  bool stable, bool kthread)
{
	if (s->lat_pending)	/* the previous wait never slept */
		emit(c, &s->wev, STABLE_EV_WAIT, 0, 0, 0);
	fill(&s->wev, folio, mapping, wbg_folio_flags_load(folio), stable);
	if (kthread)
		s->wev.flags |= STABLE_F_KTHREAD;
	s->sleep_ns = 0;
	s->lat_pending = 1;
}

SEC("tp_btf/folio_wait_writeback")
int BPF_PROG(wait_writeback, struct folio *folio, struct address_space *mapping)
{
	struct stable_counters *c;
	struct task_struct *task;
	struct task_state *s;
	bool stable, kthread;

	c = enter(mapping);
	if (!c)
		return 0;
	stable = wbg_test_bit(wbg_as_stable_writes_bit(), mapping->flags);
	c->c[STC_WAIT]++;
	task = bpf_get_current_task_btf();
	kthread = (task->flags & WBG_PF_KTHREAD) && !task->mm;
	/* while no thread holds a mark, no thread has state to decide */
	s = task_marks ? state_of(task) : NULL;
	if (s && s->ep_folio && decide(c, s, task, folio, true))
		c->c[STC_WAIT_STABLE_WRITER]++;	/* page_mkwrite order */
	else if (pair_writers && stable && !kthread && folio_locked(folio)) {
		/*
		 * write_begin order is known at the thread's next dirty.
		 * write_begin waits under the folio lock; fsync, msync and
		 * sync_file_range wait without it and hold back no writer:
		 * they mark nothing, so that a thread that ends after its
		 * last fsync does not leave a mark behind (task_marks).
		 */
		if (!s)
			s = bpf_task_storage_get(&tstate, task, NULL,
						 BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (s)
			set_mark(&s->wait_folio, (__u64)folio);
		else
			c->c[STC_WAITMAP_FULL]++;
	} else if (s && s->wait_folio) {
		/* the pairing is with the thread's last wait */
		set_mark(&s->wait_folio, 0);
	}
	if (stable)
		c->c[STC_WAIT_STABLE]++;

	if (latency) {
		if (!s)
			s = bpf_task_storage_get(&tstate, task, NULL,
						 BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (s)
			latency_start(c, s, folio, mapping, stable, kthread);
		else
			c->c[STC_WAITMAP_FULL]++;
	}
	return 0;
}

/* --latency only (autoload off otherwise): every context switch. */
SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	struct stable_counters *c = counters_get();
	struct task_state *s;
	__u64 now;

	if (!c)
		return 0;
	s = state_of(prev);
	if (s && s->lat_pending && !s->sleep_ns) {
		now = bpf_ktime_get_ns();
		if (!preempt && (prev->__state & WBG_TASK_UNINTERRUPTIBLE) &&
		    now - s->wev.ts_ns <= sleep_window_ns) {
			s->sleep_ns = now;
		} else {
			/* It ran on without sleeping for the writeback. */
			emit(c, &s->wev, STABLE_EV_WAIT, 0, 0, 0);
			s->lat_pending = 0;
		}
	}
	s = state_of(next);
	if (s && s->lat_pending && s->sleep_ns) {
		now = bpf_ktime_get_ns();
		c->c[STC_WAIT_SLEPT]++;
		emit(c, &s->wev, STABLE_EV_WAIT, now - s->wev.ts_ns,
		     STABLE_F_SLEPT, 0);
		s->lat_pending = 0;
	}
	return 0;
}

/* include/linux/fs/super_types.h, include/uapi/linux/magic.h */
#define WBG_SB_I_STABLE_WRITES	0x00000008
#define WBG_BTRFS_SUPER_MAGIC	0x9123683E

/*
 * Whether the checks that need stable pages on @mapping (a number) are made
 * over what submit_bio() passes on: the device requires stable writes
 * (SB_I_STABLE_WRITES: PI generated in the block layer, digests, md) and the
 * filesystem does not checksum data itself before submission. btrfs does
 * (its data checksums, also on a stable device): there a copy made at
 * submit_bio(), or a change made before it, may still mismatch the
 * checksum, so neither excuses an S1 (rare path, probe reads).
 */
static __always_inline bool checked_at_submit(__u64 mapping)
{
	struct super_block *sb;

	sb = BPF_CORE_READ((struct address_space *)mapping, host, i_sb);
	return (BPF_CORE_READ(sb, s_iflags) & WBG_SB_I_STABLE_WRITES) &&
	       BPF_CORE_READ(sb, s_magic) != WBG_BTRFS_SUPER_MAGIC;
}

/* Bounce-aware mode only (autoload off otherwise). */
SEC("tp_btf/block_stable_bounce_tp")
int BPF_PROG(stable_bounce, struct bio *bio, struct folio *folio)
{
	struct bounce_watch *w, v = { .bounced = 1 };
	struct stable_counters *c;
	__u64 key = (__u64)folio, mv = 0;

	/*
	 * Only file folios: not anonymous memory (a direct write's buffer,
	 * PAGE_MAPPING_ANON) nor other tagged mappings. Read as a number:
	 * the verifier allows no bit test on a pointer. The pid filter does
	 * not apply: the bounce runs in whoever submits the writeback.
	 */
	bpf_core_read(&mv, sizeof(mv), &folio->mapping);
	if (!mv || (mv & 3))
		return 0;
	if (targ_dev &&
	    BPF_CORE_READ((struct address_space *)mv, host, i_sb, s_dev) != targ_dev)
		return 0;
	c = counters_get();
	if (!c)
		return 0;
	c->c[STC_BOUNCED]++;
	if (!checked_at_submit(mv))
		return 0;	/* counted, excuses nothing */
	w = bpf_map_lookup_elem(&bounce_watch, &key);
	if (!w) {
		if (bpf_map_update_elem(&bounce_watch, &key, &v, BPF_NOEXIST))
			c->c[STC_PENDING_FULL]++;
		else
			__sync_fetch_and_add(&watch_entries, 1);
		return 0;
	}
	w->bounced = 1;
	if (w->have_ev) {
		emit(c, &w->ev, STABLE_EV_STABLE_DIRTY, w->ev.latency_ns,
		     STABLE_F_BOUNCED, w->ev.res);
		w->have_ev = 0;
		__sync_fetch_and_add(&held_eps, -1);
	}
	return 0;
}

/*
 * Bytes of the folio whose head page is @page: probe reads, for a page
 * pointer read out of a bio (rare path).
 */
static __always_inline __u64 folio_bytes(struct folio *folio)
{
	int head = -1;

	if (bpf_core_enum_value_exists(enum pageflags, PG_head))
		head = bpf_core_enum_value(enum pageflags, PG_head);
	if (head < 0)
		return ~0ULL;	/* unknown: never whole */
	if (!wbg_test_bit(head, wbg_folio_flags(folio)))
		return page_size;
	return (__u64)page_size << (BPF_CORE_READ(folio, _flags_1) & 0xff);
}

struct queue_walk {
	__u64 vec;		/* bio->bi_io_vec */
	__u64 page;		/* the segment being walked: its first page, */
	__u64 first;		/* where its bytes begin in that page's run */
	__u64 end;		/* and end */
};

/*
 * One page of a segment: a held episode's folio whose head it is, and
 * which the segment carries whole, changed before the device got it.
 */
static long queue_page(__u64 k, void *data)
{
	struct queue_walk *qw = data;
	__u64 key = qw->page + k * bpf_core_type_size(struct page);
	__u64 at = k * page_size;
	struct stable_counters *c;
	struct bounce_watch *w;

	w = bpf_map_lookup_elem(&bounce_watch, &key);
	if (!w)
		return 0;
	if (!(w->have_ev || w->armed) || w->bounced || w->submitted ||
	    at < qw->first || at + folio_bytes((struct folio *)key) > qw->end ||
	    !checked_at_submit((__u64)BPF_CORE_READ((struct folio *)key, mapping))) {
		w->submitted = 1;
		return 0;
	}
	if (w->armed) {
		/* the thread's episode is decided later: tell it then */
		w->presub = 1;
	}
	if (w->have_ev) {
		c = counters_get();
		if (c) {
			c->c[STC_PRESUBMIT]++;
			emit(c, &w->ev, STABLE_EV_STABLE_DIRTY, w->ev.latency_ns,
			     STABLE_F_PRESUBMIT, w->ev.res);
		}
		w->have_ev = 0;
		__sync_fetch_and_add(&held_eps, -1);
	}
	w->submitted = 1;
	return 0;
}

/*
 * One segment of a queued write bio. A segment may run over several
 * folios: bio_add_page() merges physically contiguous pages, and the
 * vmemmap keeps their struct pages contiguous too.
 */
static long queue_segment(__u64 i, void *data)
{
	struct queue_walk *qw = data;
	struct bio_vec bv;

	if (bpf_probe_read_kernel(&bv, sizeof(bv),
				  (const void *)(qw->vec + i * sizeof(bv))))
		return 1;
	qw->page = (__u64)bv.bv_page;
	qw->first = bv.bv_offset;
	qw->end = (__u64)bv.bv_offset + bv.bv_len;
	/* up to 4 MiB of 4 KiB pages; folios past that stay held (S1) */
	bpf_loop(min_t(__u64, (qw->end + page_size - 1) / page_size, 1024),
		 queue_page, qw, 0);
	return 0;
}

/*
 * Bounce-aware mode only: a bio enters the block layer (submit_bio_noacct,
 * before protection information is generated for it). A held episode
 * whose folio it carries whole, as it is (a bounced folio travels as a
 * copy, not as itself), changed before the device got it: the device
 * checksums what it holds now, changed data included. That is a
 * DMA-pinned folio changed between the start of its writeback and its
 * submission, with the pin gone by then (else it would have been
 * bounced): ext4 and iomap put a folio under writeback while they build
 * its bio. An episode after the folio was queued, or with only part of a
 * large folio queued, stays held: S1 unless bounced.
 */
SEC("tp_btf/block_bio_queue")
int BPF_PROG(stable_bio_queue, struct bio *bio)
{
	struct queue_walk qw;
	__u32 n;

	if (!held_eps)
		return 0;
	if ((bio->bi_opf & 0xff) != bpf_core_enum_value(enum req_op, REQ_OP_WRITE))
		return 0;
	n = bio->bi_vcnt;
	if (n > 256)	/* BIO_MAX_VECS */
		n = 256;
	/* as a number: the segments are probe-read, at any index */
	qw.vec = (__u64)BPF_CORE_READ(bio, bi_io_vec);
	bpf_loop(n, queue_segment, &qw, 0);
	return 0;
}

/* Bounce-aware mode only: a held episode's writeback ended unbounced. */
SEC("tp_btf/writeback_folio_end")
int BPF_PROG(stable_wb_end, struct folio *folio, struct address_space *mapping)
{
	struct stable_counters *c;
	struct bounce_watch *w;
	__u64 key = (__u64)folio;

	if (open_eps) {
		__u64 now = __sync_fetch_and_add(&order_seq, 1);

		bpf_map_update_elem(&wb_ended, &key, &now, BPF_ANY);
	}
	if (!watch_entries)
		return 0;
	w = bpf_map_lookup_elem(&bounce_watch, &key);
	if (!w)
		return 0;
	if (w->have_ev) {
		c = counters_get();
		if (c)
			emit(c, &w->ev, STABLE_EV_STABLE_DIRTY, w->ev.latency_ns,
			     w->submitted ? STABLE_F_QUEUED_BEFORE : 0, w->ev.res);
		__sync_fetch_and_add(&held_eps, -1);
	}
	if (w->armed)
		__sync_fetch_and_add(&held_eps, -1);
	if (!bpf_map_delete_elem(&bounce_watch, &key))
		__sync_fetch_and_add(&watch_entries, -1);
	return 0;
}

/*
 * S2, kernels with CONFIG_DEBUG_STABLE_WRITES only (autoload off
 * otherwise): the kernel hashed a write bio to a stable-writes device at
 * submission and again at completion, and the two differ. Counted
 * exactly before the ring buffer; the file is named from the bio's first
 * page if that is the head of a page cache folio (probe reads: rare
 * path). Runs in the completion's context (often an interrupt): no pid
 * filter, no writer.
 */
SEC("tp_btf/block_stable_mismatch_tp")
int BPF_PROG(stable_dev_mismatch, struct bio *bio, sector_t sector,
	     unsigned int bytes, __u64 expected, __u64 found)
{
	__u32 dev = BPF_CORE_READ(bio, bi_bdev, bd_dev);
	struct stable_counters *c;
	struct stable_event *e;
	struct folio *folio;

	if (targ_dev && dev != targ_dev)
		return 0;
	c = counters_get();
	if (!c)
		return 0;
	c->c[STC_DEV_MISMATCH]++;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		c->c[STC_RB_DROPS]++;
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->type = STABLE_EV_DEV_MISMATCH;
	e->dev = dev;
	e->sector = sector;
	e->bytes = bytes;
	e->hash_submit = expected;
	e->hash_end = found;
	e->index = ~0ULL;
	folio = wbg_bio_file_folio(bio);
	if (folio) {
		e->ino = BPF_CORE_READ(folio, mapping, host, i_ino);
		e->index = BPF_CORE_READ(folio, index);
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}
