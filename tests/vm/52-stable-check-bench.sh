#!/bin/sh
# Benchmark (only with wbg.bench=stable-check on the kernel command line,
# i.e. make bench-stable-check): what CONFIG_DEBUG_STABLE_WRITES costs per
# MiB written, switched off and on. ext4 on a loop device that asks for
# stable writes (queue/stable_writes=1 before mkfs and mount), a streaming
# writer (dd with conv=fsync, 128 MiB; 32 MiB for bs=4k) run with the
# check off and on, alternating, in one boot, after a warm-up pair that is
# not counted; once with bs=1M and once with bs=4k. The check is switched
# with its debugfs file (block/stable_writes_check/enabled), so both sides
# run in the same boot: two boots would add the noise of a whole guest
# (page cache, loop worker placement) to a difference of a few percent.
# Prints "BENCH stable-check ..." lines, a summary per block size.
# The check's own work: a CRC32C of each write bio's data at submission
# and at completion, and a slab allocation; the rounds that are off pay
# one static branch per bio.
bench=
for a in $(cat /proc/cmdline); do
	case "$a" in wbg.bench=*) bench=${a#wbg.bench=} ;; esac
done
[ "$bench" = stable-check ] || exit 77
swc=/sys/kernel/debug/block/stable_writes_check
[ -d /sys/kernel/debug/block ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
[ -w $swc/enabled ] || { echo "kernel without CONFIG_DEBUG_STABLE_WRITES ($swc)"; exit 1; }
boot_state=$(cat $swc/enabled)
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
swc_stat() { awk -v k="$1" '$1 == k { print $2 }' $swc/stats; }
# centiseconds since boot
now_cs() { tr -d . < /proc/uptime | cut -d' ' -f1; }

# one timed run: $1 = check on/off, $bs the dd block size; prints
# "cs checked_bios mismatch checked_kib"
run() {
	echo "$1" > $swc/enabled
	rm -f $mnt/f; sync
	c0=$(swc_stat checked) m0=$(swc_stat mismatch) b0=$(swc_stat bytes)
	t0=$(now_cs)
	dd if=/dev/zero of=$mnt/f bs=$bs count=$count conv=fsync 2>/dev/null || fail dd
	t1=$(now_cs)
	echo 0 > $swc/enabled
	echo "$((t1 - t0)) $(($(swc_stat checked) - c0)) $(($(swc_stat mismatch) - m0)) $((($(swc_stat bytes) - b0) / 1024))"
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
	off_cs=0 on_cs=0 on_checked=0 off_checked=0 mism=0 on_kib=0 r=1
	while [ $r -le $ROUNDS ]; do
		if [ $((r % 2)) = 1 ]; then
			set -- $(run 0); a_cs=$1 a_chk=$2
			set -- $(run 1); b_cs=$1 b_chk=$2 b_mis=$3 b_kib=$4
		else
			set -- $(run 1); b_cs=$1 b_chk=$2 b_mis=$3 b_kib=$4
			set -- $(run 0); a_cs=$1 a_chk=$2
		fi
		echo "BENCH stable-check bs=$bs round=$r mib=$MIB off_cs=$a_cs on_cs=$b_cs off_checked_bios=$a_chk on_checked_bios=$b_chk on_checked_kib=$b_kib on_mismatch=$b_mis"
		off_cs=$((off_cs + a_cs)) on_cs=$((on_cs + b_cs)) on_kib=$((on_kib + b_kib))
		off_checked=$((off_checked + a_chk)) on_checked=$((on_checked + b_chk)) mism=$((mism + b_mis))
		r=$((r + 1))
	done
	[ "$on_checked" -gt 0 ] || fail "the check was on but no bio was checked (stable_writes not honoured?)"
	[ "$off_checked" = 0 ] || fail "bios checked with the check off"
	[ "$mism" = 0 ] || fail "$mism mismatches from a single writer"
	awk -v off=$off_cs -v on=$on_cs -v n=$ROUNDS -v mib=$MIB -v chk=$on_checked -v kib=$on_kib -v bs=$bs 'BEGIN {
		off_s = off / 100; on_s = on / 100
		printf "BENCH stable-check summary workload=dd(%dMiB,bs=%s,conv=fsync) rounds=%d off_mib_s=%.1f on_mib_s=%.1f ratio=%.3f bios_checked=%d kib_checked=%d kib_per_bio=%.0f off_ms_per_mib=%.2f on_ms_per_mib=%.2f extra_ms_per_mib=%.2f\n",
			mib, bs, n, n * mib / off_s, n * mib / on_s, off_s / on_s, chk, kib,
			kib / chk, off_s * 1000 / (n * mib), on_s * 1000 / (n * mib),
			(on_s - off_s) * 1000 / (n * mib) }'
}

for b in $BLOCK_SIZES; do
	bench $b
done
echo "$boot_state" > $swc/enabled
umount $mnt
losetup -d $loop
rm -f $img
