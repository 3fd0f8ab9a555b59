#!/bin/sh
# Benchmark (only with wbg.bench=ioend on the kernel command line, i.e.
# make bench-ioend): workload (a) without and with wbguard ioend attached,
# alternating, in the same boot; throughput ratio and the BPF cost per
# program run from kernel.bpf_stats_enabled (run_time_ns / run_cnt).
# Prints "BENCH ioend key=value ..." lines that make bench-ioend collects.
. $WBG_TOP/tests/vm/ioend_lib.sh
[ "$bench" = ioend ] || exit 77
secs=${IOEND_BENCH_SECS:-6}
mibs() { sed -n 's/.*MiB\/s=\([0-9.]*\).*/\1/p' "$1" | tail -n 1; }
echo 1 > /proc/sys/kernel/bpf_stats_enabled || fail "bpf_stats_enabled"
base_sum=0 traced_sum=0 ns=0 cnt=0 ios=0 n=0
for round in 1 2; do
	ioend_mkfs 256
	$wl/ioend_fsync write -f $mnt/f -s 32M -c 512K -t 2 -d $secs > /tmp/bench-base.txt || fail "base run"
	b=$(mibs /tmp/bench-base.txt)
	ioend_mkfs 256
	rc=0
	$w ioend --json --dev $mnt -- $wl/ioend_fsync write -f $mnt/f -s 32M -c 512K -t 2 -d $secs \
		> /tmp/bench-traced.json 2>/dev/null || rc=$?
	[ "$rc" = 0 ] || fail "traced run: wbguard exit $rc"
	t=$(mibs /tmp/bench-traced.json)
	r_ns=$(field /tmp/bench-traced.json bpf_run_ns) r_cnt=$(field /tmp/bench-traced.json bpf_run_cnt)
	r_io=$(field /tmp/bench-traced.json io_end_alloc)
	echo "BENCH ioend round=$round base_mib_s=$b traced_mib_s=$t bpf_run_ns=$r_ns bpf_run_cnt=$r_cnt io_ends=$r_io"
	base_sum=$(awk -v a=$base_sum -v b=$b 'BEGIN{print a+b}')
	traced_sum=$(awk -v a=$traced_sum -v b=$t 'BEGIN{print a+b}')
	ns=$((ns + r_ns)) cnt=$((cnt + r_cnt)) ios=$((ios + r_io)) n=$((n + 1))
done
echo 0 > /proc/sys/kernel/bpf_stats_enabled
awk -v b=$base_sum -v t=$traced_sum -v ns=$ns -v c=$cnt -v io=$ios -v n=$n -v s=$secs 'BEGIN {
	printf "BENCH ioend summary workload=ioend_fsync(32M,2 threads,%ss) rounds=%d base_mib_s=%.2f traced_mib_s=%.2f ratio=%.3f bpf_runs=%d ns_per_run=%.0f io_ends=%d\n",
		s, n, b / n, t / n, (b > 0 ? t / b : 0), c, (c > 0 ? ns / c : 0), io }'
ioend_cleanup
