# What `wbguard stable` costs on the running kernel (included by the top-level Makefile).
#
#   make bench-overhead  ext4 on a stable-writes loop device, 4 pwrite + sync_file_range
#                        writers: (a) the hot program's ns per run (bpf_stats), (b) BPF time
#                        per dirtied folio against a bpftrace per-inode counter, (c) the
#                        workload's throughput with wbguard stable over without (median of
#                        interleaved rounds) -> bench/overhead.txt, each against its target
#                        (issue 11); exit 1 if one is missed. Root; a busy host adds noise
#                        (the load is noted in the file).

.PHONY: bench-overhead

bench-overhead: wbguard workloads
	@WBG='$(BUILD)/wbguard' REPRO='$(BUILD)/workloads/stable_repro' bash ci/bench-overhead.sh
