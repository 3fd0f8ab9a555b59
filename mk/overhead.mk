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

bench-overhead: wbguard workloads $(BUILD)/bench/floor $(BUILD)/bench/floor.bpf.o
	@WBG='$(BUILD)/wbguard' REPRO='$(BUILD)/workloads/stable_repro' FLOOR='$(BUILD)/bench/floor' FLOOR_OBJ='$(BUILD)/bench/floor.bpf.o' bash ci/bench-overhead.sh

# The empty tp_btf programs that give bpf_stats' per-run floor for wbguard's attach kind.
$(BUILD)/bench/floor.bpf.o: ci/bench/floor.bpf.c $(BUILD)/vmlinux.h
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -I$(BUILD) -c $< -o $@
$(BUILD)/bench/floor: ci/bench/floor.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -o $@ $< -lbpf
