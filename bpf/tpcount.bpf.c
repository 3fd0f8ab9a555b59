// SPDX-License-Identifier: GPL-2.0
/*
 * wbguard tpcount: count hits of arbitrary tracepoints. One program,
 * attached once per tracepoint with the tracepoint's slot as the BPF
 * cookie. Used to prove that tracepoints exist and fire.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#define TPCOUNT_MAX 64

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TPCOUNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

SEC("tracepoint")
int count_hit(void *ctx)
{
	__u32 slot = (__u32)bpf_get_attach_cookie(ctx);
	__u64 *v = bpf_map_lookup_elem(&hits, &slot);

	if (v)
		(*v)++;
	return 0;
}
