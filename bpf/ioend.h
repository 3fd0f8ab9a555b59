/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event layout and counter indices shared by ioend.bpf.c and the
 * userspace collector (tools/ioend.c, tools/ioend_verdict.c). Plain
 * types only: included by BPF and by C.
 */
#ifndef WBG_IOEND_H
#define WBG_IOEND_H

#define IOEND_COMM_LEN 16

/* ext4 io_end flags (fs/ext4/ext4.h) */
#define IOEND_FL_UNWRITTEN	0x1
#define IOEND_FL_FAILED		0x2

enum ioend_ev_type {
	IOEND_EV_ALLOC = 1,	/* io_end created for a writeback run */
	IOEND_EV_SUBMIT,	/* a bio carrying it submitted; sector in .pos */
	IOEND_EV_DEFER,		/* completion put on the conversion list;
				 * .aux = 1 if the work was queued */
	IOEND_EV_CONV_START,	/* conversion (or error handling) begins */
	IOEND_EV_CONV_END,	/* ... ends, .ret */
	IOEND_EV_RELEASE,	/* its bios end folio writeback; freed */
	/*
	 * A folio of this io_end was found no longer under writeback while
	 * its conversion had not finished (.pos = folio index, .aux = 0 at
	 * convert start, 1 at convert end). The BPF side samples the folios
	 * of each bio at submission and checks them at conversion.
	 */
	IOEND_EV_WB_EARLY,
	IOEND_EV_FOLIO_END,	/* writeback_folio_end: .pos = index,
				 * .aux = nr_pages (series mm tracepoint) */
	IOEND_EV_SYNC_ENTER,	/* ext4_sync_file_enter, .aux = datasync */
	IOEND_EV_SYNC_EXIT,	/* ext4_sync_file_exit, .ret */
	/* ext4_convert_unwritten_extents (every path, incl. direct I/O):
	 * .aux = reserved_handle, .count = blocks converted, .ret */
	IOEND_EV_CONVERT_EXTENTS,
	IOEND_EV_NR,
};

struct ioend_event {
	unsigned long long ts_ns;
	unsigned long long cgroup_id;	/* the task's cgroup v2 id, 0 if none */
	unsigned long long io_end;	/* kernel address: the identity */
	unsigned long long ino;
	long long offset;		/* first range of the io_end (bytes) */
	long long size;
	unsigned long long pos;		/* SUBMIT: sector; WB_EARLY/FOLIO_END: index */
	unsigned int type;		/* enum ioend_ev_type */
	unsigned int dev;		/* kernel dev_t of the superblock */
	unsigned int flag;		/* io_end->flag at the event */
	int ret;
	unsigned int aux;
	unsigned int count;		/* io_end refcount, or blocks converted */
	unsigned int pid;
	unsigned int tgid;
	char comm[IOEND_COMM_LEN];
};

/* How the BPF side is hooked; set in .rodata before load. */
enum ioend_mode {
	IOEND_MODE_SERIES = 1,	/* the series' ext4_io_end_* tracepoints */
	IOEND_MODE_FENTRY = 2,	/* fentry/fexit on ext4's io_end functions */
};

/*
 * Exact counters (per-CPU array), updated before any ring-buffer
 * reservation: they never lose an event.
 */
enum ioend_counter {
	ICT_ALLOC,
	ICT_SUBMIT,
	ICT_DEFER,
	ICT_DEFER_QUEUED,
	ICT_CONV_START,
	ICT_CONV_END,
	ICT_CONV_FAILED,
	ICT_RELEASE,
	ICT_WB_EARLY,
	ICT_FOLIO_END,
	ICT_SYNC_ENTER,
	ICT_SYNC_EXIT,
	ICT_CONVERT_EXTENTS,
	ICT_RB_DROPS,		/* ring-buffer reservations that failed */
	ICT_MAP_FULL,		/* a tracking map was full: state lost */
	ICT_FREE_LOOKUPS,	/* fentry mode: slab frees looked up */
	ICT_BPF_MISSES,	/* filled by userspace, not BPF: events the kernel's
				 * BPF recursion guard dropped (bpf_prog_info
				 * recursion_misses of every program) */
	ICT_NR,
};

#define IOEND_MAX_FOLIOS 8	/* folios sampled per io_end for C2 */

#endif /* WBG_IOEND_H */
