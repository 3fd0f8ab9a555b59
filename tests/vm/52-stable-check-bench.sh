#!/bin/sh
# Benchmark (only with wbg.bench=stable-check on the kernel command line,
# i.e. make bench-stable-check): what CONFIG_DEBUG_STABLE_WRITES costs when
# switched on. ext4 on a loop device that asks for stable writes
# (queue/stable_writes=1 before mkfs and mount), a streaming writer (dd
# with conv=fsync, 128 MiB; 32 MiB for bs=4k) run with
# vm.stable_writes_check=0 and =1, alternating, in one boot, after a
# warm-up pair that is not counted; once with bs=1M (ext4 builds 1 MiB
# folios) and once with bs=4k (4 KiB folios: the per-folio part of the
# cost, xarray store and erase, 256 times as often).
# Prints "BENCH stable-check ..." lines, a summary per block size.
# The check's own work is two jhash passes per folio (writeback start and
# end) plus an xarray store and erase; the rounds with 0 pay the static
# branch only.
bench=
for a in $(cat /proc/cmdline); do
	case "$a" in wbg.bench=*) bench=${a#wbg.bench=} ;; esac
done
[ "$bench" = stable-check ] || exit 77
sysctl=/proc/sys/vm/stable_writes_check
[ -w $sysctl ] || { echo "kernel without CONFIG_DEBUG_STABLE_WRITES"; exit 1; }
fail() { echo "FAIL: $*"; exit 1; }
ROUNDS=${STABLE_BENCH_ROUNDS:-6}
BLOCK_SIZES=${STABLE_BENCH_BS:-1M 4k}

img=/tmp/stable-bench.img mnt=/mnt/sbench
truncate -s 256M $img || fail truncate
loop=$(losetup -f --show $img) || fail losetup
q=/sys/block/${loop#/dev/}/queue/stable_writes
echo 1 > $q || fail "cannot set $q"
mkfs.ext4 -q -F -E nodiscard $loop || fail mkfs
mkdir -p $mnt
mount -t ext4 $loop $mnt || fail mount
vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
# centiseconds since boot
now_cs() { tr -d . < /proc/uptime | cut -d' ' -f1; }

# one timed run: $1 = check on/off, $bs the dd block size; prints
# "cs checked mismatch"
run() {
	echo "$1" > $sysctl
	rm -f $mnt/f; sync
	c0=$(vmstat stable_writes_checked) m0=$(vmstat stable_writes_mismatch)
	t0=$(now_cs)
	dd if=/dev/zero of=$mnt/f bs=$bs count=$count conv=fsync 2>/dev/null || fail dd
	t1=$(now_cs)
	echo 0 > $sysctl
	echo "$((t1 - t0)) $(($(vmstat stable_writes_checked) - c0)) $(($(vmstat stable_writes_mismatch) - m0))"
}

# bench BS: a warm-up pair first (page cache, allocator, loop worker), not
# counted; then the order alternates each round (off/on, on/off) so that a
# drift over the run does not land on one side
bench() {
	bs=$1
	case $bs in
	# 4 KiB writes cost more system calls: fewer MiB keep the run short
	1M) MIB=${STABLE_BENCH_MIB:-128} count=$MIB ;;
	4k) MIB=${STABLE_BENCH_MIB_4K:-32} count=$((MIB * 256)) ;;
	*) fail "block size $bs: 1M or 4k" ;;
	esac
	run 0 > /dev/null; run 1 > /dev/null
	off_cs=0 on_cs=0 on_checked=0 off_checked=0 mism=0 r=1
	while [ $r -le $ROUNDS ]; do
		if [ $((r % 2)) = 1 ]; then
			set -- $(run 0); a_cs=$1 a_chk=$2
			set -- $(run 1); b_cs=$1 b_chk=$2 b_mis=$3
		else
			set -- $(run 1); b_cs=$1 b_chk=$2 b_mis=$3
			set -- $(run 0); a_cs=$1 a_chk=$2
		fi
		echo "BENCH stable-check bs=$bs round=$r mib=$MIB off_cs=$a_cs on_cs=$b_cs off_checked=$a_chk on_checked=$b_chk on_mismatch=$b_mis"
		off_cs=$((off_cs + a_cs)) on_cs=$((on_cs + b_cs))
		off_checked=$((off_checked + a_chk)) on_checked=$((on_checked + b_chk)) mism=$((mism + b_mis))
		r=$((r + 1))
	done
	[ "$on_checked" -gt 0 ] || fail "the check was on but no folio was checked (stable_writes not honoured?)"
	[ "$off_checked" = 0 ] || fail "folios checked with the check off"
	[ "$mism" = 0 ] || fail "$mism mismatches from a single writer"
	awk -v off=$off_cs -v on=$on_cs -v n=$ROUNDS -v mib=$MIB -v chk=$on_checked -v bs=$bs 'BEGIN {
		off_s = off / 100; on_s = on / 100
		printf "BENCH stable-check summary workload=dd(%dMiB,bs=%s,conv=fsync) rounds=%d off_mib_s=%.1f on_mib_s=%.1f ratio=%.3f folios_checked=%d kib_per_folio=%.0f extra_ms_per_mib=%.2f\n",
			mib, bs, n, n * mib / off_s, n * mib / on_s, off_s / on_s, chk,
			n * mib * 1024 / chk, (on_s - off_s) * 1000 / (n * mib) }'
}

for b in $BLOCK_SIZES; do
	bench $b
done
umount $mnt
losetup -d $loop
rm -f $img
