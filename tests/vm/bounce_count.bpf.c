// SPDX-License-Identifier: GPL-2.0
/* Guest check of the series' bare tracepoint block_stable_bounce (no tracefs event: a
 * DECLARE_TRACE, which 7.3 names block_stable_bounce_tp): counts the folios the block layer
 * copied for a stable-writes device, and the bios they came from. With the timing programs
 * loaded (bounce_count -t), fentry/fexit on blk_stable_bounce() also sum the time spent in it,
 * split by its result: false = a write bio to a stable device with nothing pinned (the cost
 * the fix adds to the normal path), true = bios that were bounced. No vmlinux.h: only
 * pointers and scalars. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 folios = 0;
__u64 bios = 0;
__u64 last_bio = 0;	/* one slot: bounces of one bio fire back to back */
__u64 calls[2] = {};	/* blk_stable_bounce() calls by result */
__u64 ns[2] = {};	/* and the time spent in them */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

SEC("tp_btf/block_stable_bounce_tp")
int BPF_PROG(on_bounce, void *bio, void *folio)
{
	__sync_fetch_and_add(&folios, 1);
	if (last_bio != (__u64)bio) {
		last_bio = (__u64)bio;
		__sync_fetch_and_add(&bios, 1);
	}
	return 0;
}

SEC("fentry/blk_stable_bounce")
int BPF_PROG(bounce_enter, void *bio)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 t = bpf_ktime_get_ns();

	bpf_map_update_elem(&start, &tid, &t, BPF_ANY);
	return 0;
}

SEC("fexit/blk_stable_bounce")
int BPF_PROG(bounce_exit, void *bio, unsigned long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *t = bpf_map_lookup_elem(&start, &tid);
	int r = ret & 1;	/* bool: only the low byte is defined */

	if (!t)
		return 0;
	__sync_fetch_and_add(&calls[r], 1);
	__sync_fetch_and_add(&ns[r], bpf_ktime_get_ns() - *t);
	bpf_map_delete_elem(&start, &tid);
	return 0;
}
