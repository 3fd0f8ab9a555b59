/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event layout and counter indices shared by stable.bpf.c and the
 * userspace collector. Plain types only: included by BPF and by C.
 */
#ifndef WBG_STABLE_H
#define WBG_STABLE_H

#define WBG_COMM_LEN 16

enum stable_ev_type {
	/* writeback_dirty_folio on a folio with PG_writeback set */
	STABLE_EV_DIRTY_UNDER_WB = 1,
	/* folio_wait_writeback, with the sleep it led to (if any) */
	STABLE_EV_WAIT = 2,
	/* any writeback_dirty_folio (only with --all-events) */
	STABLE_EV_DIRTY = 3,
	/*
	 * writeback_dirty_folio on a stable-writes folio with PG_writeback
	 * set, sent once the thread's next step shows what followed:
	 * page_mkwrite marks the folio dirty and only then waits in
	 * folio_wait_stable(), before the PTE becomes writable, so a dirty
	 * bit set under writeback is harmless if the same thread then waits
	 * for that folio. See stable_res.
	 */
	STABLE_EV_STABLE_DIRTY = 4,
};

/* How a STABLE_EV_STABLE_DIRTY episode ended. */
enum stable_res {
	STABLE_RES_WAITED = 1,	/* the thread waited on that folio */
	STABLE_RES_SYSCALL,	/* the thread entered or left a system call */
	STABLE_RES_SLEPT,	/* the thread slept (not preempted) */
	STABLE_RES_OTHER_FOLIO,	/* dirtied or waited on another folio */
	STABLE_RES_REDIRTIED,	/* dirtied the same folio again: it was
				 * cleaned, so a new writeback began */
	STABLE_RES_NOT_TRACKED,	/* pending table full */
};

/* stable_event.flags */
#define STABLE_F_STABLE_MAPPING	0x1	/* AS_STABLE_WRITES set on the mapping */
#define STABLE_F_UNDER_WB	0x2	/* PG_writeback set on the folio */
#define STABLE_F_SLEPT		0x4	/* WAIT: the waiter slept; latency valid */
/* STABLE_DIRTY: the folio's state when the episode was resolved */
#define STABLE_F_NOW_WB		0x8	/* PG_writeback still set */
#define STABLE_F_NOW_DIRTY	0x10	/* PG_dirty still set */
/* WAIT: where the waiter was. A wait inside a data-integrity system call
 * (fsync, fdatasync, msync, sync_file_range, sync, syncfs) is the caller
 * asking for it; elsewhere (write, page fault) on a stable mapping it is
 * the price of stable pages. */
#define STABLE_F_IN_SYNC	0x20
#define STABLE_F_KTHREAD	0x40

struct stable_event {
	unsigned long long ts_ns;
	unsigned long long ino;
	unsigned long long index;	/* folio index in the file */
	unsigned long long latency_ns;	/* WAIT with STABLE_F_SLEPT; for
					 * STABLE_DIRTY the time to resolve */
	unsigned int type;		/* enum stable_ev_type */
	unsigned int flags;		/* STABLE_F_* */
	unsigned int dev;		/* kernel dev_t of the superblock */
	unsigned int pid;		/* thread id */
	unsigned int tgid;
	unsigned int res;		/* STABLE_DIRTY: enum stable_res */
	unsigned int pad;
	char comm[WBG_COMM_LEN];
};

/*
 * Exact counters, kept in a per-CPU array: they are updated before any
 * ring-buffer reservation, so they never lose an event. The verdict
 * compares them with what arrived through the ring buffer.
 */
enum stable_counter {
	STC_DIRTY,		/* writeback_dirty_folio seen (after filters) */
	STC_DIRTY_STABLE,	/* ... on a stable-writes mapping */
	STC_STABLE_UNDER_WB,	/* ... stable mapping and under writeback */
	STC_REWRITE_NONSTABLE,	/* ... non-stable mapping, under writeback */
	STC_WAIT,		/* folio_wait_writeback hits */
	STC_WAIT_STABLE,	/* ... on a stable-writes mapping */
	STC_WAIT_STABLE_WRITER,	/* ... stable, by a writer: not in a sync
				 * system call, not a kernel thread */
	STC_WAIT_SLEPT,		/* waits whose sleep was timed */
	STC_RB_DROPS,		/* ring-buffer reservations that failed */
	STC_WAITMAP_FULL,	/* waiter table full: latency not measured */
	STC_CORE_MISSING,	/* a needed kernel enum value is missing */
	STC_PENDING_FULL,	/* stable episode not tracked: table full */
	STC_NR,
};

#endif /* WBG_STABLE_H */
