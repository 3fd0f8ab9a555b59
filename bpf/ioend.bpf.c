// SPDX-License-Identifier: GPL-2.0
/*
 * wbguard ioend: follow ext4 io_ends from allocation to release, so that
 * userspace can check C1-C4 (tools/ioend_verdict.c).
 *
 * Two ways in, chosen by userspace before load (autoload):
 *   series: the bare ext4_io_end_*_tp tracepoints of the wbguard kernel
 *           series (tp_btf), plus ext4_convert_unwritten_extents_tp; the
 *           conversion pair fires only for io_ends that convert (failed
 *           I/O is released without one, as in fentry mode);
 *   fentry: ext4_init_io_end (fexit), ext4_io_submit, ext4_put_io_end_defer,
 *           ext4_convert_unwritten_io_end_vec (fentry/fexit) and the stock
 *           kmem_cache_free tracepoint for the release (the object being
 *           freed is one of the io_ends seen allocated).
 * Both use ext4_sync_file_enter/exit (stock tracepoints) for fsync.
 *
 * C2 needs to know when folio writeback ends. At each bio submission the
 * first folio of the bio is sampled (up to IOEND_MAX_FOLIOS per io_end);
 * when the conversion starts and when it ends, a sampled folio that is no
 * longer under writeback means writeback ended before the conversion did:
 * a WB_EARLY event.
 *
 * The ext4 structures are declared here with a ___wbg flavor and CO-RE
 * relocations, so the object builds against any vmlinux.h (ext4 may be a
 * module) and its fields are found by name in the running kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "ioend.h"
#include "wbg_core.bpf.h"
#include "wbg_cgroup.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct list_head___wbg {
	struct list_head___wbg *next, *prev;
} __attribute__((preserve_access_index));

struct ext4_io_end___wbg {
	struct inode *inode;
	struct bio *bio;
	unsigned int flag;
	refcount_t count;
	struct list_head___wbg list_vec;
} __attribute__((preserve_access_index));

struct ext4_io_end_vec___wbg {
	struct list_head___wbg list;
	long long offset;
	long size;
} __attribute__((preserve_access_index));

struct ext4_io_submit___wbg {
	struct bio *io_bio;
} __attribute__((preserve_access_index));

/* Filters and mode, set by userspace before load. */
const volatile __u32 targ_dev = 0;
const volatile __u32 mode = IOEND_MODE_SERIES;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);	/* resized by userspace */
} events SEC(".maps");

/* All counters in one per-CPU slot: one lookup per event (tools/driver.c
 * sums the slot over CPUs). */
struct ioend_counters {
	__u64 c[ICT_NR];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ioend_counters);
} counters SEC(".maps");

/* Folios sampled per io_end, for the C2 check. */
struct ioend_track {
	__u64 folio[IOEND_MAX_FOLIOS];
	__u32 n;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);		/* io_end address */
	__type(value, struct ioend_track);
} tracked SEC(".maps");

static __always_inline void count(__u32 idx)
{
	__u32 zero = 0;
	struct ioend_counters *v = bpf_map_lookup_elem(&counters, &zero);

	if (v && idx < ICT_NR)
		v->c[idx]++;
}

/* Fill the io_end part of @e. Returns false if filtered out. */
static __always_inline bool decode(const struct ext4_io_end___wbg *io,
				   struct ioend_event *e)
{
	struct inode *inode = BPF_CORE_READ(io, inode);
	struct list_head___wbg *first;
	const struct ext4_io_end_vec___wbg *vec;

	e->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	if (targ_dev && e->dev != targ_dev)
		return false;
	e->ino = BPF_CORE_READ(inode, i_ino);
	e->io_end = (__u64)io;
	e->flag = BPF_CORE_READ(io, flag);
	e->count = BPF_CORE_READ(io, count.refs.counter);
	first = BPF_CORE_READ(io, list_vec.next);
	if (first && first != &io->list_vec) {
		vec = (const void *)first;	/* list is the first member */
		e->offset = BPF_CORE_READ(vec, offset);
		e->size = BPF_CORE_READ(vec, size);
	}
	return true;
}

static __always_inline void submit(struct ioend_event *tmpl)
{
	struct ioend_event *e;
	__u64 id = bpf_get_current_pid_tgid();

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(ICT_RB_DROPS);
		return;
	}
	tmpl->ts_ns = bpf_ktime_get_ns();
	tmpl->pid = (__u32)id;
	tmpl->tgid = id >> 32;
	tmpl->cgroup_id = wbg_cgroup_id();
	__builtin_memcpy(e, tmpl, sizeof(*e));
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
}

/* Emit an io_end event of @type; @cnt is its counter index. */
static __always_inline void emit_ioend(const void *io_end, __u32 type,
				       __u32 cnt, int ret, __u32 aux,
				       __u64 pos)
{
	struct ioend_event e = {};

	if (!decode(io_end, &e))
		return;
	count(cnt);
	e.type = type;
	e.ret = ret;
	e.aux = aux;
	e.pos = pos;
	submit(&e);
}

static __always_inline void track_alloc(const void *io_end)
{
	struct ioend_track t = {};
	__u64 key = (__u64)io_end;

	if (bpf_map_update_elem(&tracked, &key, &t, BPF_ANY))
		count(ICT_MAP_FULL);
}

static __always_inline void track_bio(const void *io_end, struct bio *bio)
{
	__u64 key = (__u64)io_end, folio;
	struct ioend_track *t;
	__u32 n;

	folio = (__u64)wbg_bio_file_folio(bio);
	if (!folio)
		return;
	t = bpf_map_lookup_elem(&tracked, &key);
	if (!t) {
		/* allocated before we attached */
		track_alloc(io_end);
		t = bpf_map_lookup_elem(&tracked, &key);
		if (!t)
			return;
	}
	n = t->n;
	if (n < IOEND_MAX_FOLIOS) {
		t->folio[n & (IOEND_MAX_FOLIOS - 1)] = folio;
		t->n = n + 1;
	}
}

/* C2: at conversion start (@phase 0) and end (1), every sampled folio of
 * an UNWRITTEN io_end must still be under writeback. */
static __always_inline void check_folios(const struct ext4_io_end___wbg *io,
					 __u32 phase)
{
	int wb_bit = wbg_pg_writeback_bit();
	__u64 key = (__u64)io;
	struct ioend_track *t;
	__u32 i;

	if (!(BPF_CORE_READ(io, flag) & IOEND_FL_UNWRITTEN))
		return;
	t = bpf_map_lookup_elem(&tracked, &key);
	if (!t || wb_bit < 0)
		return;
	for (i = 0; i < IOEND_MAX_FOLIOS; i++) {
		struct folio *f;

		if (i >= t->n)
			break;
		f = (struct folio *)t->folio[i];
		if (!wbg_test_bit(wb_bit, wbg_folio_flags(f))) {
			emit_ioend(io, IOEND_EV_WB_EARLY, ICT_WB_EARLY, 0, phase,
				   BPF_CORE_READ(f, index));
			return;
		}
	}
}

static __always_inline void untrack(const void *io_end)
{
	__u64 key = (__u64)io_end;

	bpf_map_delete_elem(&tracked, &key);
}

/* ---- series mode: the ext4_io_end_* tracepoints ---- */

SEC("tp_btf/ext4_io_end_alloc_tp")
int BPF_PROG(tp_alloc, void *io_end)
{
	track_alloc(io_end);
	emit_ioend(io_end, IOEND_EV_ALLOC, ICT_ALLOC, 0, 0, 0);
	return 0;
}

SEC("tp_btf/ext4_io_end_submit_bio_tp")
int BPF_PROG(tp_submit, void *io_end, struct bio *bio)
{
	if (!bio)	/* see tp_sync_enter */
		return 0;
	track_bio(io_end, bio);
	emit_ioend(io_end, IOEND_EV_SUBMIT, ICT_SUBMIT, 0, 0,
		   BPF_CORE_READ(bio, bi_iter.bi_sector));
	return 0;
}

SEC("tp_btf/ext4_io_end_defer_tp")
int BPF_PROG(tp_defer, void *io_end, bool queued)
{
	if (queued)
		count(ICT_DEFER_QUEUED);
	emit_ioend(io_end, IOEND_EV_DEFER, ICT_DEFER, 0, queued, 0);
	return 0;
}

SEC("tp_btf/ext4_io_end_convert_enter_tp")
int BPF_PROG(tp_conv_start, void *io_end)
{
	emit_ioend(io_end, IOEND_EV_CONV_START, ICT_CONV_START, 0, 0, 0);
	check_folios(io_end, 0);
	return 0;
}

SEC("tp_btf/ext4_io_end_convert_exit_tp")
int BPF_PROG(tp_conv_end, void *io_end, int ret)
{
	check_folios(io_end, 1);
	if (ret < 0)
		count(ICT_CONV_FAILED);
	emit_ioend(io_end, IOEND_EV_CONV_END, ICT_CONV_END, ret, 0, 0);
	return 0;
}

SEC("tp_btf/ext4_io_end_release_tp")
int BPF_PROG(tp_release, void *io_end)
{
	untrack(io_end);
	emit_ioend(io_end, IOEND_EV_RELEASE, ICT_RELEASE, 0, 0, 0);
	return 0;
}

/* Both modes: a conversion through ext4_convert_unwritten_extents. With a
 * reserved handle it is the io_end path (CONV_END reports it); without one
 * direct I/O or zeroing, whose failures only this event shows. */
static __always_inline void convert_extents(struct inode *inode, long long offset,
					    long len, bool reserved_handle,
					    __u32 converted, int ret)
{
	struct ioend_event e = {};

	if (!inode)	/* see tp_sync_enter */
		return;
	e.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	if (targ_dev && e.dev != targ_dev)
		return;
	count(ICT_CONVERT_EXTENTS);
	if (ret < 0 && !reserved_handle)
		count(ICT_CONV_FAILED);
	e.type = IOEND_EV_CONVERT_EXTENTS;
	e.ino = BPF_CORE_READ(inode, i_ino);
	e.offset = offset;
	e.size = len;
	e.aux = reserved_handle;
	e.count = converted;
	e.ret = ret;
	/* only failures need the ring buffer; the count says the rest */
	if (ret < 0)
		submit(&e);
}

SEC("tp_btf/ext4_convert_unwritten_extents_tp")
int BPF_PROG(tp_convert_extents, struct inode *inode, long long offset,
	     long len, bool reserved_handle, __u32 converted, int ret)
{
	convert_extents(inode, offset, len, reserved_handle, converted, ret);
	return 0;
}

/* ---- fentry mode: the functions of an unpatched kernel ---- */

SEC("fexit/ext4_init_io_end")
int BPF_PROG(fx_alloc, struct inode *inode, gfp_t flags, void *ret)
{
	if (!ret)
		return 0;
	track_alloc(ret);
	emit_ioend(ret, IOEND_EV_ALLOC, ICT_ALLOC, 0, 0, 0);
	return 0;
}

SEC("fentry/ext4_io_submit")
int BPF_PROG(fe_submit, struct ext4_io_submit___wbg *io)
{
	struct bio *bio = BPF_CORE_READ(io, io_bio);
	void *io_end;

	if (!bio)
		return 0;
	io_end = BPF_CORE_READ(bio, bi_private);
	if (!io_end)
		return 0;
	track_bio(io_end, bio);
	emit_ioend(io_end, IOEND_EV_SUBMIT, ICT_SUBMIT, 0, 0,
		   BPF_CORE_READ(bio, bi_iter.bi_sector));
	return 0;
}

/* The last put of an io_end that needs deferred completion queues it.
 * Inferred at entry (refcount 1, UNWRITTEN with a range): aux = 2. */
SEC("fentry/ext4_put_io_end_defer")
int BPF_PROG(fe_put_defer, struct ext4_io_end___wbg *io)
{
	if (BPF_CORE_READ(io, count.refs.counter) != 1)
		return 0;
	if (!(BPF_CORE_READ(io, flag) & IOEND_FL_UNWRITTEN))
		return 0;
	if (BPF_CORE_READ(io, list_vec.next) == &io->list_vec)
		return 0;
	emit_ioend(io, IOEND_EV_DEFER, ICT_DEFER, 0, 2, 0);
	return 0;
}

SEC("fentry/ext4_convert_unwritten_io_end_vec")
int BPF_PROG(fe_conv_start, void *handle, void *io_end)
{
	emit_ioend(io_end, IOEND_EV_CONV_START, ICT_CONV_START, 0, 0, 0);
	check_folios(io_end, 0);
	return 0;
}

SEC("fexit/ext4_convert_unwritten_io_end_vec")
int BPF_PROG(fx_conv_end, void *handle, void *io_end, int ret)
{
	check_folios(io_end, 1);
	if (ret < 0)
		count(ICT_CONV_FAILED);
	emit_ioend(io_end, IOEND_EV_CONV_END, ICT_CONV_END, ret, 0, 0);
	return 0;
}

/* The same function on an unpatched kernel (the number of extents
 * converted is not visible there: 0). */
SEC("fexit/ext4_convert_unwritten_extents")
int BPF_PROG(fx_convert_extents, void *handle, struct inode *inode,
	     long long offset, long len, int ret)
{
	convert_extents(inode, offset, len, handle != NULL, 0, ret);
	return 0;
}

/*
 * The release, where the kernel's BTF has ext4_release_io_end (static, but
 * not inlined in the kernels seen: Debian's 6.1, 6.12, 7.3 and ours): one
 * program run per io_end, nothing on the machine's other slab frees, and
 * far fewer recursion misses than a hook on every kmem_cache_free.
 */
SEC("fentry/ext4_release_io_end")
int BPF_PROG(fe_release, void *io_end)
{
	untrack(io_end);
	emit_ioend(io_end, IOEND_EV_RELEASE, ICT_RELEASE, 0, 0, 0);
	return 0;
}

/*
 * Otherwise the release is the slab free of a tracked io_end.
 * The io_end slab cache, learned at the first free of a tracked io_end
 * (ext4 frees every io_end with kmem_cache_free(io_end_cachep, ...), so
 * that free names it). kmem_cache_free fires for every slab free of the
 * machine; once the cache is known, a free from any other cache returns
 * after one compare, and only in-cache frees look the pointer up. Learning
 * it at the allocation instead would mean hooking kmem_cache_alloc, i.e.
 * every slab allocation of the machine, and ext4_init_io_end's return
 * value does not carry the cache; its name (io_end_cachep) is a static
 * variable without BTF. Until the first io_end is released every free is
 * looked up, as before. If slab merging put io_ends in a shared cache,
 * that cache is what the free names: more lookups, still correct.
 */
__u64 ioend_cache = 0;

/* raw_tp, not tp_btf: 6.1 and 6.12 refuse a tp_btf access to its
 * "const void *ptr" ("arg1 type UNKNOWN is not a struct"). */
SEC("raw_tp/kmem_cache_free")
int BPF_PROG(tp_kfree, unsigned long call_site, const void *ptr,
	     const struct kmem_cache *s)
{
	__u64 key = (__u64)ptr, cache = ioend_cache;

	if (cache && cache != (__u64)s)
		return 0;
	count(ICT_FREE_LOOKUPS);
	if (!bpf_map_lookup_elem(&tracked, &key))
		return 0;
	if (!cache)
		ioend_cache = (__u64)s;
	bpf_map_delete_elem(&tracked, &key);
	emit_ioend(ptr, IOEND_EV_RELEASE, ICT_RELEASE, 0, 0, 0);
	return 0;
}

/* ---- both modes: fsync boundaries ---- */

/*
 * ext4 never passes NULL here, but when ext4 is a module (every distribution
 * kernel) the verifier marks the pointer arguments of its tracepoints
 * PTR_MAYBE_NULL (btf_ctx_access(), kernel/bpf/btf.c: "be conservative" for
 * module tracepoints) and refuses arithmetic on them before a NULL check:
 * without these checks the object does not load on Debian's kernels.
 */
SEC("tp_btf/ext4_sync_file_enter")
int BPF_PROG(tp_sync_enter, struct file *file, int datasync)
{
	struct inode *inode;
	struct ioend_event e = {};

	if (!file)
		return 0;
	inode = BPF_CORE_READ(file, f_inode);
	e.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	if (targ_dev && e.dev != targ_dev)
		return 0;
	count(ICT_SYNC_ENTER);
	e.type = IOEND_EV_SYNC_ENTER;
	e.ino = BPF_CORE_READ(inode, i_ino);
	e.aux = datasync;
	submit(&e);
	return 0;
}

SEC("tp_btf/ext4_sync_file_exit")
int BPF_PROG(tp_sync_exit, struct inode *inode, int ret)
{
	struct ioend_event e = {};

	if (!inode)	/* see tp_sync_enter */
		return 0;
	e.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	if (targ_dev && e.dev != targ_dev)
		return 0;
	count(ICT_SYNC_EXIT);
	e.type = IOEND_EV_SYNC_EXIT;
	e.ino = BPF_CORE_READ(inode, i_ino);
	e.ret = ret;
	submit(&e);
	return 0;
}
