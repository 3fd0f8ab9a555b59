// SPDX-License-Identifier: GPL-2.0
/*
 * wbguard dax: DAX faults into unwritten extents (D1).
 *
 * Mainline mode (--mode mainline, or auto where its tracepoints exist):
 * D1 from iomap_iter, iomap_iter_dstmap and ext4's block-lookup events in
 * the faulting thread (see "mainline" below). The argument types that are
 * not in every vmlinux.h (ext4 may be a module) are declared here with a
 * ___wbg flavor; CO-RE matches them to the kernel's.
 *
 * Both modes (stock tracepoints, counters only):
 *   dax_pte_fault_done, dax_pmd_fault_done   - fault counts, fallbacks
 *   dax_load_hole, dax_pmd_load_hole         - read faults over holes
 *   ext4_ext_handle_unwritten_extents        - conversions; with
 *                           EXT4_GET_BLOCKS_ZERO they are DAX zero+convert
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "dax.h"
#include "wbg_cgroup.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Filters, set by userspace before load. 0 means "any". */
const volatile __u32 targ_dev = 0;
const volatile __u32 targ_tgid = 0;
/* --mode mainline: the ml_* programs are loaded */
const volatile bool mainline = false;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);	/* resized by userspace */
} events SEC(".maps");

/* All counters in one per-CPU slot: one lookup per event (tools/driver.c
 * sums the slot over CPUs). */
struct dax_counters {
	__u64 c[DXC_NR];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dax_counters);
} counters SEC(".maps");

/* struct iomap and struct ext4_map_blocks, as far as read here. */
struct iomap___wbg {
	loff_t offset;
	u64 length;
	u16 type;
	u16 flags;
} __attribute__((preserve_access_index));

struct ext4_map_blocks___wbg {
	u64 m_pblk;
	u32 m_lblk;
	unsigned int m_len;
	unsigned int m_flags;
} __attribute__((preserve_access_index));

/* FAULT_FLAG_WRITE and the vm_fault_reason bits: from the kernel's enums,
 * with the long-standing values as fallback. */
static __always_inline __u32 fault_flag_write(void)
{
	if (bpf_core_enum_value_exists(enum fault_flag, FAULT_FLAG_WRITE))
		return bpf_core_enum_value(enum fault_flag, FAULT_FLAG_WRITE);
	return 0x1;
}

#define WBG_VMF(name, fallback)						\
	(bpf_core_enum_value_exists(enum vm_fault_reason, name) ?	\
	 bpf_core_enum_value(enum vm_fault_reason, name) : (fallback))

/* EXT4_GET_BLOCKS_ZERO (fs/ext4/ext4.h, a #define: not in BTF). */
#define WBG_EXT4_GET_BLOCKS_ZERO 0x0200

static __always_inline void count(__u32 idx)
{
	__u32 zero = 0;
	struct dax_counters *v = bpf_map_lookup_elem(&counters, &zero);

	if (v && idx < DXC_NR)
		v->c[idx]++;
}

/* Filters; fills the common part of @e. */
static __always_inline bool common(struct inode *inode, struct dax_event *e)
{
	__u64 id = bpf_get_current_pid_tgid();

	if (targ_tgid && (id >> 32) != targ_tgid)
		return false;
	if (!inode)
		return false;
	e->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	if (targ_dev && e->dev != targ_dev)
		return false;
	e->ino = BPF_CORE_READ(inode, i_ino);
	e->fs_magic = BPF_CORE_READ(inode, i_sb, s_magic);
	e->blkbits = BPF_CORE_READ(inode, i_blkbits);
	e->pid = (__u32)id;
	e->tgid = id >> 32;
	e->cgroup_id = wbg_cgroup_id();
	return true;
}

static __always_inline bool pass_filter(struct inode *inode)
{
	__u64 id = bpf_get_current_pid_tgid();

	if (targ_tgid && (id >> 32) != targ_tgid)
		return false;
	if (!inode)
		return false;
	return !targ_dev || BPF_CORE_READ(inode, i_sb, s_dev) == targ_dev;
}

static __always_inline int send(const struct dax_event *tmpl)
{
	struct dax_event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(DXC_RB_DROPS);
		return -1;
	}
	__builtin_memcpy(e, tmpl, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* EXT4_MAP_* (1 << BH_*) -> DAX_MAP_*; -1 if the enum is missing. */
static __always_inline int norm_map_flags(unsigned int f)
{
	int r = 0;

	if (!bpf_core_enum_value_exists(enum bh_state_bits, BH_New) ||
	    !bpf_core_enum_value_exists(enum bh_state_bits, BH_Mapped) ||
	    !bpf_core_enum_value_exists(enum bh_state_bits, BH_Unwritten))
		return -1;
	if (f & (1u << bpf_core_enum_value(enum bh_state_bits, BH_New)))
		r |= DAX_MAP_NEW;
	if (f & (1u << bpf_core_enum_value(enum bh_state_bits, BH_Mapped)))
		r |= DAX_MAP_MAPPED;
	if (f & (1u << bpf_core_enum_value(enum bh_state_bits, BH_Unwritten)))
		r |= DAX_MAP_UNWRITTEN;
	return r;
}

/* The exact counters of an ext4 DAX write lookup (a window's outcome). */
static __always_inline void count_lookup(int found, bool allocated, int m, int ret)
{
	count(DXC_EXT4_WRITE);
	if (ret < 0)
		count(DXC_EXT4_ERROR);
	else if ((found & DAX_MAP_UNWRITTEN) && allocated &&
		 (m & (DAX_MAP_MAPPED | DAX_MAP_UNWRITTEN | DAX_MAP_NEW)) ==
		 (DAX_MAP_MAPPED | DAX_MAP_NEW))
		count(DXC_EXT4_CONVERT);
	else if (!(found & (DAX_MAP_MAPPED | DAX_MAP_UNWRITTEN)) && allocated)
		count(DXC_EXT4_ALLOC);
	else if (found & DAX_MAP_MAPPED)
		count(DXC_EXT4_OVERWRITE);
}

/* ---- mainline: D1 from events every kernel since 5.15 has --------------------- */
/*
 * --mode mainline follows each DAX write fault in the faulting thread and
 * sends two events per fault: the ext4 lookup (what ext4_iomap_begin()
 * found and did) and the fault (the iomap it maps):
 *   iomap_iter           a DAX write fault's iteration starts (flags
 *                        IOMAP_WRITE | IOMAP_FAULT | IOMAP_DAX): open a
 *                        window, note pos and len;
 *   ext4_es_lookup_extent_exit, ext4_ext_map_blocks_exit
 *                        the first lookup of that inode in the window is
 *                        what ext4_iomap_begin() found (written,
 *                        unwritten, or neither); a later lookup that finds
 *                        it written means it was converted meanwhile;
 *   ext4_ext_map_blocks_exit with EXT4_GET_BLOCKS_ZERO
 *                        ext4_iomap_alloc() ran (only DAX passes ZERO),
 *                        and the mapping it returned;
 *   iomap_iter_dstmap    the iomap ext4_iomap_begin() returned, i.e. what
 *                        dax_fault_iter() is about to map: send the lookup
 *                        and the fault to the verdict
 *                        (tools/dax_verdict.c); close.
 * On other filesystems (xfs) only the fault is sent: counted, not judged.
 * dax_pte_fault_done / dax_pmd_fault_done close a window left open (an
 * ext4_iomap_begin() error). The ext4 events fire for every block lookup
 * of the machine: while no window is open (open_wins 0) they return at
 * once, without looking at the task.
 */
#define WBG_IOMAP_WRITE	0x1
#define WBG_IOMAP_FAULT	0x8
#define WBG_IOMAP_DAX	0x100
#define WBG_DAX_FAULT_WRITE (WBG_IOMAP_WRITE | WBG_IOMAP_FAULT | WBG_IOMAP_DAX)
/* extent_status: the status bits sit above ES_SHIFT = 64 - ES_FLAGS (an
 * anonymous enum, not reachable by CO-RE; unchanged since 4.x) */
#define WBG_ES_SHIFT		59
#define WBG_ES_WRITTEN		0x1
#define WBG_ES_UNWRITTEN	0x2

struct dax_win {
	__u64 inode;
	__u64 pos;
	__u64 len;
	__u32 open;
	__u32 looked;		/* the first lookup was seen */
	__u32 found;		/* DAX_MAP_* of the first lookup */
	__u32 mflags;		/* DAX_MAP_* of the ZERO mapping, or a later lookup */
	__u32 allocated;	/* ZERO mapping ran, or converted meanwhile */
	__s32 ret;		/* the ZERO mapping's result */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct dax_win);
} wins SEC(".maps");

/* Threads with an open window; only the thread itself changes its own. */
__s64 open_wins = 0;

static __always_inline void win_close(struct dax_win *w)
{
	if (w->open) {
		w->open = 0;
		__sync_fetch_and_add(&open_wins, -1);
	}
}

/* The current thread's open window on @inode, or NULL: cheap while none is open. */
static __always_inline struct dax_win *win_of(struct inode *inode)
{
	struct dax_win *w;

	if (!open_wins)
		return NULL;
	w = bpf_task_storage_get(&wins, bpf_get_current_task_btf(), NULL, 0);
	if (!w || !w->open || w->inode != (__u64)inode)
		return NULL;
	return w;
}

SEC("tp_btf/iomap_iter")
int BPF_PROG(ml_iter, struct iomap_iter *iter, const void *ops, unsigned long caller)
{
	struct inode *inode;
	struct dax_win *w;

	/*
	 * Every iomap operation of the machine comes here: direct loads of
	 * the tp_btf argument, the flags first. It may be NULL to the
	 * verifier (7.x): test that before.
	 */
	if (!iter || (iter->flags & WBG_DAX_FAULT_WRITE) != WBG_DAX_FAULT_WRITE)
		return 0;
	/* the fault's first call (no mapping yet), not the one that ends it */
	if (iter->iomap.length)
		return 0;
	inode = iter->inode;
	if (!pass_filter(inode))
		return 0;
	w = bpf_task_storage_get(&wins, bpf_get_current_task_btf(), NULL,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!w) {
		count(DXC_ML_NO_WINDOW);
		return 0;
	}
	if (w->open)	/* the last fault's iomap never came */
		count(DXC_ML_UNFINISHED);
	else
		__sync_fetch_and_add(&open_wins, 1);
	w->open = 1;
	w->inode = (__u64)inode;
	w->pos = iter->pos;
	w->len = iter->len;
	w->looked = 0;
	w->found = 0;
	w->mflags = 0;
	w->allocated = 0;
	w->ret = 0;
	return 0;
}

/* A lookup result: the first is what ext4_iomap_begin() found. */
static __always_inline void win_lookup(struct dax_win *w, int f)
{
	if (!w->looked) {
		w->looked = 1;
		w->found = f;
	} else if ((w->found & DAX_MAP_UNWRITTEN) && (f & DAX_MAP_MAPPED) &&
		   !(f & DAX_MAP_UNWRITTEN) && !w->allocated) {
		/* written by now: converted by another writer meanwhile */
		w->allocated = 1;
		w->mflags = DAX_MAP_MAPPED;
	}
}

SEC("tp_btf/ext4_es_lookup_extent_exit")
int BPF_PROG(ml_es_lookup, struct inode *inode, struct extent_status *es, int found)
{
	struct dax_win *w = win_of(inode);
	__u64 st;
	int f = 0;

	if (!w || !found || !es)
		return 0;
	st = BPF_CORE_READ(es, es_pblk) >> WBG_ES_SHIFT;
	if (st & WBG_ES_UNWRITTEN)
		f = DAX_MAP_UNWRITTEN;
	else if (st & WBG_ES_WRITTEN)
		f = DAX_MAP_MAPPED;
	win_lookup(w, f);
	return 0;
}

SEC("tp_btf/ext4_ext_map_blocks_exit")
int BPF_PROG(ml_map_exit, struct inode *inode, unsigned int flags, void *map_, int ret)
{
	struct ext4_map_blocks___wbg *map = map_;
	struct dax_win *w = win_of(inode);
	int m;

	if (!w || !map)
		return 0;
	m = norm_map_flags(BPF_CORE_READ(map, m_flags));
	if (m < 0) {
		count(DXC_CORE_MISSING);
		return 0;
	}
	if (flags & WBG_EXT4_GET_BLOCKS_ZERO) {
		/* ext4_iomap_alloc() for IOMAP_DAX: what it mapped */
		w->allocated = 1;
		w->mflags = m;
		w->ret = ret;
	} else {
		win_lookup(w, ret > 0 ? m : 0);
	}
	return 0;
}

SEC("tp_btf/iomap_iter_dstmap")
int BPF_PROG(ml_dstmap, struct inode *inode, struct iomap *iomap_)
{
	struct iomap___wbg *iomap = (void *)iomap_;
	struct dax_win *w = win_of(inode);
	struct dax_event e = {};
	int blocks;

	if (!w)
		return 0;
	if (!iomap || !common(inode, &e)) {
		win_close(w);
		return 0;
	}
	e.offset = BPF_CORE_READ(iomap, offset);
	e.length = BPF_CORE_READ(iomap, length);
	e.iomap_type = BPF_CORE_READ(iomap, type);
	e.iomap_flags = BPF_CORE_READ(iomap, flags);
	blocks = e.length >> e.blkbits;

	/* ext4: what ext4_iomap_begin() found and did (other filesystems
	 * have no lookup here: their faults are counted, not judged) */
	if (e.fs_magic == DAX_EXT4_SUPER_MAGIC) {
		e.type = DAX_EV_EXT4_WRITE;
		e.found = w->found;
		e.allocated = w->allocated;
		e.mflags = w->allocated ? w->mflags :
			   (e.iomap_type == DAX_IOMAP_MAPPED ? DAX_MAP_MAPPED :
			    e.iomap_type == DAX_IOMAP_UNWRITTEN ? DAX_MAP_UNWRITTEN : 0);
		e.ret = w->allocated && w->ret < 0 ? w->ret : (blocks > 0 ? blocks : 1);
		e.lblk = e.offset >> e.blkbits;
		e.len = blocks;
		count_lookup(e.found, e.allocated, e.mflags, e.ret);
		send(&e);
	}

	/* the write fault that maps it */
	e.type = DAX_EV_FAULT;
	e.pmd = w->len > 4096;	/* dax_iomap_pmd_fault() asks for PMD_SIZE */
	e.pgoff = w->pos >> 12;
	e.found = e.mflags = e.allocated = 0;
	e.ret = 0;
	count(e.pmd ? DXC_IOMAP_PMD : DXC_IOMAP_PTE);
	if (e.iomap_type == DAX_IOMAP_UNWRITTEN || e.iomap_type == DAX_IOMAP_HOLE)
		count(DXC_IOMAP_WRITE_UNWRITTEN);
	count(DXC_IOMAP_SENT);
	send(&e);
	win_close(w);
	return 0;
}

/* A fault that ended without its iomap (ext4_iomap_begin() failed). */
static __always_inline void ml_fault_end(void)
{
	struct dax_win *w;

	if (!open_wins)
		return;
	w = bpf_task_storage_get(&wins, bpf_get_current_task_btf(), NULL, 0);
	if (w && w->open) {
		count(DXC_ML_UNFINISHED);
		win_close(w);
	}
}

/* ---- stock: counters ------------------------------------------------------------ */

static __always_inline void fault_done(struct inode *inode, void *vmf_, int result,
				       bool pmd)
{
	struct vm_fault *vmf = vmf_;
	bool write;

	if (!pass_filter(inode))
		return;
	write = BPF_CORE_READ(vmf, flags) & fault_flag_write();
	if (pmd) {
		count(DXC_PMD_DONE);
		if (write)
			count(DXC_PMD_DONE_WRITE);
		if (result & WBG_VMF(VM_FAULT_FALLBACK, 0x800))
			count(DXC_PMD_FALLBACK);
	} else {
		count(DXC_PTE_DONE);
		if (write)
			count(DXC_PTE_DONE_WRITE);
		if (result & WBG_VMF(VM_FAULT_MAJOR, 0x4))
			count(DXC_PTE_MAJOR);
		if (result & (WBG_VMF(VM_FAULT_SIGBUS, 0x2) | WBG_VMF(VM_FAULT_OOM, 0x1) |
			      WBG_VMF(VM_FAULT_SIGSEGV, 0x40) | WBG_VMF(VM_FAULT_HWPOISON, 0x10)))
			count(DXC_PTE_ERROR);
	}
}

SEC("tp_btf/dax_pte_fault_done")
int BPF_PROG(pte_fault_done, struct inode *inode, void *vmf, int result)
{
	if (mainline)
		ml_fault_end();
	fault_done(inode, vmf, result, false);
	return 0;
}

SEC("tp_btf/dax_pmd_fault_done")
int BPF_PROG(pmd_fault_done, struct inode *inode, void *vmf, unsigned long max_pgoff,
	     int result)
{
	if (mainline)
		ml_fault_end();
	fault_done(inode, vmf, result, true);
	return 0;
}

SEC("tp_btf/dax_load_hole")
int BPF_PROG(load_hole, struct inode *inode, void *vmf, int result)
{
	if (pass_filter(inode))
		count(DXC_HOLE_PTE);
	return 0;
}

SEC("tp_btf/dax_pmd_load_hole")
int BPF_PROG(pmd_load_hole, struct inode *inode, void *vmf, void *zero_folio,
	     void *entry)
{
	if (pass_filter(inode))
		count(DXC_HOLE_PMD);
	return 0;
}

SEC("tp_btf/ext4_ext_handle_unwritten_extents")
int BPF_PROG(handle_unwritten, struct inode *inode, void *map, int flags,
	     unsigned int allocated, u64 newblock)
{
	/* only ext4_iomap_alloc() for IOMAP_DAX passes EXT4_GET_BLOCKS_ZERO */
	if (!pass_filter(inode))
		return 0;
	if (flags & WBG_EXT4_GET_BLOCKS_ZERO)
		count(DXC_STOCK_ZERO_CONVERT);
	return 0;
}
