// SPDX-License-Identifier: GPL-2.0
/*
 * wbguard tpcount: count hits of arbitrary tracepoints. One program,
 * attached once per tracepoint with the tracepoint's slot as the BPF
 * cookie. Used to prove that tracepoints exist and fire.
 *
 * Bare tracepoints (DECLARE_TRACE: no tracefs event) attach only as raw
 * tracepoints, which take no cookie before libbpf 1.5 and kernel 6.10:
 * one program each, its slot set before load.
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

#define TPCOUNT_RAW 8
const volatile __u32 raw_slot[TPCOUNT_RAW] = {};

static __always_inline int count_slot(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&hits, &slot);

	if (v)
		(*v)++;
	return 0;
}

#define COUNT_RAW(n)				\
SEC("raw_tp")					\
int count_raw##n(void *ctx)			\
{						\
	return count_slot(raw_slot[n]);		\
}

COUNT_RAW(0)
COUNT_RAW(1)
COUNT_RAW(2)
COUNT_RAW(3)
COUNT_RAW(4)
COUNT_RAW(5)
COUNT_RAW(6)
COUNT_RAW(7)
