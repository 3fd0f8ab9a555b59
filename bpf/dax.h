/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event layout and counter indices shared by dax.bpf.c and the userspace
 * collector (wbguard dax). Plain types only: included by BPF and by C.
 */
#ifndef WBG_DAX_H
#define WBG_DAX_H

#define WBG_DAX_COMM_LEN 16

/* Both come from one DAX write fault, rebuilt from mainline events in the
 * faulting thread (dax.bpf.c), the lookup first. */
enum dax_ev_type {
	/* the iomap a PTE/PMD write fault is about to map (iomap_iter_dstmap) */
	DAX_EV_FAULT = 1,
	/* ext4 only: what ext4_iomap_begin()'s lookup found for that write
	 * and whether ext4_iomap_alloc() ran (ext4's block-lookup events) */
	DAX_EV_EXT4_WRITE = 2,
};

/* Block-mapping flags, normalized by the BPF side from the kernel's
 * enum bh_state_bits (EXT4_MAP_* = 1 << BH_*). */
#define DAX_MAP_NEW		0x1
#define DAX_MAP_MAPPED		0x2
#define DAX_MAP_UNWRITTEN	0x4

/* iomap->type and iomap->flags (include/linux/iomap.h; stable UAPI-like
 * values since 4.x). */
#define DAX_IOMAP_HOLE		0
#define DAX_IOMAP_DELALLOC	1
#define DAX_IOMAP_MAPPED	2
#define DAX_IOMAP_UNWRITTEN	3
#define DAX_IOMAP_INLINE	4
#define DAX_IOMAP_F_NEW		0x1
#define DAX_IOMAP_F_DIRTY	0x2
#define DAX_IOMAP_F_SHARED	0x4

#define DAX_EXT4_SUPER_MAGIC	0xEF53

struct dax_event {
	unsigned long long ts_ns;
	unsigned long long cgroup_id;	/* the task's cgroup v2 id, 0 if none */
	unsigned long long ino;
	/* FAULT: iomap offset and length (bytes), the faulting page offset.
	 * EXT4_WRITE: offset = lblk << blkbits, length = len << blkbits. */
	long long offset;
	unsigned long long length;
	unsigned long long pgoff;
	unsigned int type;		/* enum dax_ev_type */
	unsigned int dev;		/* kernel dev_t of the superblock */
	unsigned int pid;		/* thread id */
	unsigned int tgid;
	unsigned int fs_magic;		/* sb->s_magic */
	int ret;			/* EXT4_WRITE: blocks mapped or -errno */
	unsigned int found;		/* EXT4_WRITE: DAX_MAP_* of the lookup */
	unsigned int mflags;		/* EXT4_WRITE: DAX_MAP_* handed to DAX */
	unsigned int lblk;		/* EXT4_WRITE */
	unsigned int len;		/* EXT4_WRITE: blocks */
	unsigned short iomap_type;	/* FAULT: DAX_IOMAP_* */
	unsigned short iomap_flags;	/* FAULT: DAX_IOMAP_F_* */
	unsigned char pmd;		/* FAULT: PMD fault */
	unsigned char allocated;	/* EXT4_WRITE: ext4_iomap_alloc() ran */
	unsigned char blkbits;		/* inode->i_blkbits */
	char comm[WBG_DAX_COMM_LEN];
};

/*
 * Exact counters (per-CPU array), updated before any ring-buffer
 * reservation: the verdict compares them with what arrived.
 */
enum dax_counter {
	/* mainline mode: DAX write faults followed to their iomap */
	DXC_IOMAP_PTE,		/* PTE write faults */
	DXC_IOMAP_PMD,		/* PMD write faults */
	DXC_IOMAP_WRITE_UNWRITTEN, /* write fault handed an UNWRITTEN or HOLE
				 * iomap: dax_fault_iter WARNs and refuses */
	DXC_IOMAP_SENT,		/* FAULT events we tried to send */
	/* mainline mode: the ext4 lookup of each such fault */
	DXC_EXT4_WRITE,		/* DAX write lookups (all sent) */
	DXC_EXT4_CONVERT,	/* found UNWRITTEN, zeroed + converted */
	DXC_EXT4_ALLOC,		/* found a hole, allocated */
	DXC_EXT4_OVERWRITE,	/* found MAPPED, nothing to do */
	DXC_EXT4_ERROR,		/* ret < 0 */
	/* both modes: the stock fs_dax / ext4 tracepoints */
	DXC_PTE_DONE,		/* dax_pte_fault_done */
	DXC_PTE_DONE_WRITE,
	DXC_PTE_MAJOR,		/* VM_FAULT_MAJOR: blocks were allocated/new */
	DXC_PTE_ERROR,		/* VM_FAULT_SIGBUS/ERROR results */
	DXC_PMD_DONE,		/* dax_pmd_fault_done */
	DXC_PMD_DONE_WRITE,
	DXC_PMD_FALLBACK,	/* ... VM_FAULT_FALLBACK: retried as PTE */
	DXC_HOLE_PTE,		/* dax_load_hole */
	DXC_HOLE_PMD,		/* dax_pmd_load_hole */
	DXC_STOCK_ZERO_CONVERT,	/* ext4_ext_handle_unwritten_extents with
				 * EXT4_GET_BLOCKS_ZERO: a DAX zero+convert */
	/* mainline mode: following a fault (see dax.bpf.c) */
	DXC_ML_NO_WINDOW,	/* no task storage for a fault's window: not
				 * followed (its fault is then unmatched) */
	DXC_ML_UNFINISHED,	/* a window closed by the fault's end or
				 * replaced by the next fault without its
				 * iomap (ext4_iomap_begin() failed, or the
				 * iomap_iter_dstmap run was missed) */
	DXC_ML_DSTMAP_MISSES,	/* filled by userspace: the recursion misses
				 * of ml_dstmap alone (see dax_finish()) */
	DXC_RB_DROPS,		/* ring-buffer reservations that failed */
	DXC_CORE_MISSING,	/* a needed kernel enum value is missing */
	DXC_BPF_MISSES,	/* filled by userspace, not BPF: events the kernel's
				 * BPF recursion guard dropped (bpf_prog_info
				 * recursion_misses of every program) */
	DXC_NR,
};

#endif /* WBG_DAX_H */
