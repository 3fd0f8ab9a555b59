/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event layout and counter indices shared by stable.bpf.c and the
 * userspace collector. Plain types only: included by BPF and by C.
 */
#ifndef WBG_STABLE_H
#define WBG_STABLE_H

#define WBG_COMM_LEN 16

enum stable_ev_type {
	/* writeback_dirty_folio on a folio with PG_writeback set, mapping
	 * without stable writes (only with --rewrites) */
	STABLE_EV_DIRTY_UNDER_WB = 1,
	/* folio_wait_writeback with the sleep it led to (only with --latency) */
	STABLE_EV_WAIT = 2,
	/* any writeback_dirty_folio (only with --all-events) */
	STABLE_EV_DIRTY = 3,
	/*
	 * writeback_dirty_folio on a stable-writes folio with PG_writeback
	 * set (an "episode"), sent once it is decided: page_mkwrite marks the
	 * folio dirty and only then waits in folio_wait_stable(), before the
	 * PTE becomes writable, so a dirty bit set under writeback is
	 * harmless if the same thread waits for that folio next, in the same
	 * kernel entry. See enum stable_res and tools/stable_verdict.c.
	 */
	STABLE_EV_STABLE_DIRTY = 4,
	/*
	 * S2: the kernel's stable-writes check (CONFIG_DEBUG_STABLE_WRITES,
	 * block_stable_mismatch_tp) found the data of a write bio to a
	 * stable-writes device changed between submission and completion:
	 * the device got changed data. dev is the bio's block device, sector
	 * and bytes the bio as submitted; ino and index the page cache folio
	 * of its first page when it is one (ino 0: a buffer, or a bounce page
	 * such as fscrypt's).
	 */
	STABLE_EV_DEV_MISMATCH = 5,
};

/* How a STABLE_EV_STABLE_DIRTY episode was decided. */
enum stable_res {
	STABLE_RES_WAITED = 1,	/* the thread's next event: a wait on that
				 * folio in the same kernel entry */
	STABLE_RES_LATER_ENTRY,	/* next event: a wait on that folio, but in
				 * a later kernel entry (other user register
				 * frame: a later system call or fault) */
	STABLE_RES_OTHER_FOLIO,	/* next event: dirtied or waited on another
				 * folio */
	STABLE_RES_REDIRTIED,	/* next event: dirtied the same folio again:
				 * it was cleaned, a new writeback began */
	STABLE_RES_NOT_TRACKED,	/* no task storage for it: not followed */
	STABLE_RES_KTHREAD,	/* a kernel thread without a user mm: it
				 * cannot be in page_mkwrite, decided at once */
};

/* stable_event.flags */
#define STABLE_F_STABLE_MAPPING	0x1	/* AS_STABLE_WRITES set on the mapping */
#define STABLE_F_UNDER_WB	0x2	/* PG_writeback set on the folio */
#define STABLE_F_SLEPT		0x4	/* WAIT: the waiter slept; latency valid */
/* STABLE_DIRTY: the folio's state when the episode was decided */
#define STABLE_F_NOW_WB		0x8	/* PG_writeback still set */
#define STABLE_F_NOW_DIRTY	0x10	/* PG_dirty still set */
#define STABLE_F_KTHREAD	0x40	/* a kernel thread */
/* STABLE_DIRTY: another thread dirtied the folio under writeback after
 * the episode's dirtying (so it was cleaned in between, and the
 * writeback now running may be a later one) */
#define STABLE_F_NOW_SUPERSEDED	0x80
/* STABLE_DIRTY: the device got this writeback from a copy: the kernel
 * bounced the folio because it was DMA-pinned (block_stable_bounce_tp),
 * so its changes under writeback do not reach the device */
#define STABLE_F_BOUNCED	0x100
/* STABLE_DIRTY: the folio had not gone to the device yet: after the
 * dirtying, a write bio carrying the whole folio (not a copy) was queued
 * (block_bio_queue), so the device got and checksummed the changed data
 * (bounce-aware mode: a pin that outlived the dirtying would have been
 * bounced there) */
#define STABLE_F_PRESUBMIT	0x200
/* STABLE_DIRTY, held and then sent at the end of its writeback unbounced
 * (bounce-aware mode): a write bio with the folio had been queued before
 * the episode (info: the change followed the submission) */
#define STABLE_F_QUEUED_BEFORE	0x400

struct stable_event {
	unsigned long long ts_ns;
	unsigned long long cgroup_id;	/* the writer's cgroup v2 id, 0 if none */
	unsigned long long ino;
	unsigned long long index;	/* folio index in the file */
	unsigned long long latency_ns;	/* WAIT with STABLE_F_SLEPT; for
					 * STABLE_DIRTY the time to decide */
	unsigned int type;		/* enum stable_ev_type */
	unsigned int flags;		/* STABLE_F_* */
	unsigned int dev;		/* kernel dev_t of the superblock */
	unsigned int pid;		/* thread id */
	unsigned int tgid;
	unsigned int res;		/* STABLE_DIRTY: enum stable_res */
	unsigned int repeat;		/* STABLE_DIRTY: further episodes of the
					 * same folio and writeback that this
					 * one stands for (bounce-aware mode) */
	char comm[WBG_COMM_LEN];
	/* DEV_MISMATCH only */
	unsigned long long sector;	/* first sector as submitted */
	unsigned long long hash_submit;	/* hash of the data at submission */
	unsigned long long hash_end;	/* ... and at completion */
	unsigned int bytes;		/* size as submitted */
	unsigned int pad;
};

/*
 * Exact counters, one per-CPU array slot holding them all (one inlined
 * lookup per event): they are updated before any ring-buffer reservation,
 * so they never lose an event. The verdict compares them with what
 * arrived through the ring buffer.
 */
enum stable_counter {
	STC_DIRTY,		/* writeback_dirty_folio seen (after filters) */
	STC_DIRTY_STABLE,	/* ... on a stable-writes mapping */
	STC_STABLE_UNDER_WB,	/* ... stable mapping and under writeback */
	STC_REWRITE_NONSTABLE,	/* ... non-stable mapping, under writeback */
	STC_WAIT,		/* folio_wait_writeback hits */
	STC_WAIT_STABLE,	/* ... on a stable-writes mapping */
	STC_WAIT_STABLE_WRITER,	/* ... that held back a writer of that
				 * folio: the same thread dirtied it next
				 * (write_begin order) or had just dirtied
				 * it (page_mkwrite order) */
	STC_WAIT_SLEPT,		/* waits whose sleep was timed (--latency) */
	STC_RB_DROPS,		/* ring-buffer reservations that failed */
	STC_WAITMAP_FULL,	/* no task storage for a waiter */
	STC_CORE_MISSING,	/* a needed kernel enum value is missing */
	STC_PENDING_FULL,	/* stable episode not tracked: no storage */
	STC_BOUNCED,		/* folios the kernel bounced (bounce-aware) */
	STC_BOUNCE_PARKED,	/* S1 candidates held until their writeback
				 * was bounced or ended (bounce-aware) */
	STC_PRESUBMIT,		/* held S1 candidates whose folio was then
				 * queued whole in a write bio (bounce-aware) */
	STC_DIRTY_SLOW,		/* STC_DIRTY outside writeback that took the
				 * rare path (a thread held a mark, or
				 * --all-events): the task-storage lookup */
	STC_DEV_MISMATCH,	/* S2: block_stable_mismatch_tp events (the
				 * kernel's stable-writes check) */
	STC_BPF_MISSES,	/* filled by userspace, not BPF: events the kernel's
				 * BPF recursion guard dropped (bpf_prog_info
				 * recursion_misses of every program) */
	STC_NR,
};

struct stable_counters {
	unsigned long long c[STC_NR];
};

#endif /* WBG_STABLE_H */
