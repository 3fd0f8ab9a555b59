#!/bin/sh
# Benchmark (only with wbg.bench=stable-bounce on the kernel command line,
# i.e. make bench-stable-bounce, which boots the series kernel and the
# stable-no-bounce mutation kernel in turn): the normal writeback path on a
# stable-writes device with nothing pinned. ext4 on the scsi_debug DIX disk
# (PI generated and verified for every write), a streaming writer (dd
# conv=fsync) with bs=1M (large folios) and bs=4k (4 KiB folios, more bios
# per MiB), rounds alternating between the two, after a warm-up pair. The
# fixed kernel checks every write bio's folios for pins in submit_bio();
# the mutation kernel does not. A last run of each under bounce_count -t
# times blk_stable_bounce() itself (fentry/fexit; their cost included).
# Prints "BENCH stable-bounce ..." lines and a summary per block size.
bench=
for a in $(cat /proc/cmdline); do
	case "$a" in wbg.bench=*) bench=${a#wbg.bench=} ;; esac
done
[ "$bench" = stable-bounce ] || exit 77
. $WBG_TOP/tests/vm/stable_lib.sh
kernel=fixed
[ "$mutation" = stable-no-bounce ] && kernel=nobounce
ROUNDS=${STABLE_BOUNCE_ROUNDS:-8}
fail() { echo "FAIL: $*"; exit 1; }
now_cs() { tr -d . < /proc/uptime | cut -d' ' -f1; }
mkdir -p /mnt/sd
mkfs.ext4 -q -F -E nodiscard /dev/$dev || fail mkfs
mount -t ext4 /dev/$dev /mnt/sd || fail mount
trap 'umount /mnt/sd 2>/dev/null' EXIT

# run BS: one timed dd; prints centiseconds
run() {
	case $1 in 1M) count=64 ;; 4k) count=4096 ;; esac
	rm -f /mnt/sd/f; sync
	t0=$(now_cs)
	dd if=/dev/zero of=/mnt/sd/f bs=$1 count=$count conv=fsync 2>/dev/null || fail dd
	echo $(($(now_cs) - t0))
}
run 1M > /dev/null; run 4k > /dev/null
t1M=0 t4k=0 r=1
while [ $r -le $ROUNDS ]; do
	a=$(run 1M) b=$(run 4k)
	echo "BENCH stable-bounce kernel=$kernel round=$r bs1M_cs=$a bs4k_cs=$b"
	t1M=$((t1M + a)) t4k=$((t4k + b)) r=$((r + 1))
done
# The check's own time, measured directly: the share of the dd's wall time
# spent in blk_stable_bounce() calls that found nothing pinned (fentry/fexit,
# their own cost included, so an upper bound). Less noisy under TCG than the
# throughput ratio of two kernels.
for bs in 1M 4k; do
	rm -f /mnt/sd/f; sync
	t0=$(now_cs)
	line=$($WBG_BIN/tests/bounce_count -t -- sh -c "$(command -v dd) if=/dev/zero of=/mnt/sd/f bs=$bs count=$([ $bs = 1M ] && echo 64 || echo 4096) conv=fsync 2>/dev/null" |
		sed -n 's/^bounce_count: \(nopin_calls=.*\)/\1/p')
	t=$(($(now_cs) - t0))
	ns=$(echo "$line" | sed -n 's/.*nopin_ns=\([0-9]*\).*/\1/p')
	share=$(awk -v ns="${ns:-0}" -v cs=$t 'BEGIN { printf "%.6f", cs ? ns / (cs * 1e7) : 0 }')
	echo "BENCH stable-bounce kernel=$kernel timed bs=$bs dd_cs=$t nopin_share=$share $line"
done
awk -v k=$kernel -v n=$ROUNDS -v a=$t1M -v b=$t4k 'BEGIN {
	printf "BENCH stable-bounce summary kernel=%s rounds=%d bs1M_mib_s=%.2f bs4k_mib_s=%.2f\n",
		k, n, n * 64 / (a / 100), n * 16 / (b / 100) }'
