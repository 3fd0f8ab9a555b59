// SPDX-License-Identifier: GPL-2.0
/*
 * make bench-overhead only: an empty program of wbguard's attach kind
 * (tp_btf) on each tracepoint wbguard stable uses. Under
 * kernel.bpf_stats_enabled every run of any program also pays the
 * statistics themselves (two sched_clock() reads around the call); what an
 * empty program of the same kind is charged per run is that floor, which
 * no program can go below.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/writeback_dirty_folio")
int BPF_PROG(floor_dirty, struct folio *folio, struct address_space *mapping)
{
	return 0;
}

SEC("tp_btf/folio_wait_writeback")
int BPF_PROG(floor_wait, struct folio *folio, struct address_space *mapping)
{
	return 0;
}
