#!/bin/sh
# Issue 13 in the guest: O_DIRECT reads into a MAP_SHARED mapping of a file
# on the scsi_debug DIX disk while that file is under writeback
# (tests/workloads/stable_dmapin), on ext4 and on xfs (iomap writeback),
# with the stable-writes check on (from boot: stable_writes_check=on) and
# `wbguard stable` attached (S1, and S2 from the check's mismatches). The source of the
# reads is ext4 on a loop device in tmpfs (not stable), so the reads run in
# the loop worker, concurrent with the target's writeback.
#
# On the series (0007: submit_bio() gives a stable-writes device copies of
# folios that may be DMA-pinned): every run ends with the data check ok, no
# "GUARD check failed" / protection error / "Buffer I/O error" line, no
# scsi_debug dif_errors, no debug-check mismatch, and the bounce tracepoint
# (block_stable_bounce_tp, counted by tests/vm/bounce_count) fired. bounce_count
# -t also times blk_stable_bounce() (fentry/fexit): the mean cost of a call
# that found nothing pinned, and per bounced folio, printed with each run.
# With wbg.mutation=stable-no-bounce (patches/mutations/stable-no-bounce.patch,
# the bounce disabled): no bounce, and over the runs guard errors > 0 and
# mismatches > 0 and S2 > 0; how many runs showed guard errors is printed.
# wbguard stable judges every run too (nothing lost): on the series S1 = 0,
# exit 0 (a folio changed under a bounced writeback, or changed before its
# bio was queued, is not S1: stable_bounced, stable_presubmit); with the
# mutation S1 > 0 over the runs. The S1 reports of a run are shown.
#
# wbg.dmapin_runs=N  runs per filesystem (default 3; 10 for the figures)
# wbg.dmapin_secs=S  racing seconds per run (default 6)
# wbg.dmapin_fs=LIST filesystems, comma-separated (default ext4,xfs)
. $WBG_TOP/tests/vm/stable_lib.sh
RUNS=3 SECS=6 FSLIST="ext4 xfs"
for a in $(cat /proc/cmdline); do
	case "$a" in
	wbg.dmapin_runs=*) RUNS=${a#*=} ;;
	wbg.dmapin_secs=*) SECS=${a#*=} ;;
	wbg.dmapin_fs=*) FSLIST=$(echo "${a#*=}" | tr , ' ') ;;
	esac
done
dmapin=$WBG_BIN/workloads/stable_dmapin bc=$WBG_BIN/tests/bounce_count
[ -x $dmapin ] && [ -x $bc ] || { echo "FAIL: no stable_dmapin or bounce_count (make vm-bins)"; exit 1; }
fail() { echo "FAIL: $*"; exit 1; }
case "$mutation" in ''|stable-no-bounce) ;; *) echo "mutation $mutation: not this test's"; exit 77 ;; esac
# every kernel line that says a write was refused or failed
err_lines() { dmesg | grep -cE 'GUARD check failed|protection error|Buffer I/O error|I/O error, dev '; }

src=/mnt/dmsrc
img=/tmp/dmapin-src.img
truncate -s 64M $img || fail truncate
loop=$(losetup -f --show $img) || fail losetup
mkfs.ext4 -q -F $loop || fail "mkfs source"
mkdir -p $src /mnt/sd
mount -t ext4 $loop $src || fail "mount source"
cleanup() {
	umount /mnt/sd 2>/dev/null
	umount $src 2>/dev/null
	losetup -d $loop 2>/dev/null
	rm -f $img
	echo 64 > /sys/block/$dev/device/queue_depth
}
trap cleanup EXIT

# one_fs FSTYPE: RUNS runs on a fresh FSTYPE on the DIX disk; adds to the totals
T_bounced=0 T_guard=0 T_mism=0 T_guard_runs=0 T_runs=0 T_bad=0 T_s1=0 T_s2=0
one_fs() {
	fs=$1
	# one command in flight: writes queue up behind it after their PI was
	# generated, so a page changed in the meantime meets the guard check
	echo "${WBG_STABLE_QD:-1}" > /sys/block/$dev/device/queue_depth || fail queue_depth
	case $fs in
	ext4) mkfs.ext4 -q -F -E nodiscard /dev/$dev ;;
	# 256 MiB is below mkfs.xfs's 300 MB floor, which it waives for fstests' variables
	xfs) TEST_DIR=/mnt TEST_DEV=/dev/$dev QA_CHECK_FS=1 mkfs.xfs -q -f -K /dev/$dev ;;
	esac || fail "mkfs.$fs"
	mount -t $fs /dev/$dev /mnt/sd || fail "mount $fs"
	n=1
	while [ $n -le $RUNS ]; do
		out=/tmp/dmapin-$fs-$n.json wl=/tmp/dmapin-$fs-$n.txt
		c0=$(swc_stat checked) m0=$(swc_stat mismatch) k0=$(swc_stat skipped)
		e0=$(dif_errors) l0=$(err_lines)
		rc=0
		$bc -t -- $WBG_BIN/wbguard stable --dev /mnt/sd --json -- \
			sh -c 'exec "$0" "$@" > '"$wl" $dmapin -f /mnt/sd/f -s $src/src$n \
			-t "$SECS" -q -D > $out 2>/tmp/dmapin-err.txt || rc=$?
		checked=$(($(swc_stat checked) - c0)) skipped=$(($(swc_stat skipped) - k0))
		mism=$(($(swc_stat mismatch) - m0))
		dife=$(($(dif_errors) - e0)) lines=$(($(err_lines) - l0))
		bounced=$(sed -n 's/^bounce_count: folios=\([0-9]*\) .*/\1/p' $out)
		bbios=$(sed -n 's/^bounce_count: .* bios=\([0-9]*\)$/\1/p' $out)
		timing=$(sed -n 's/^bounce_count: \(nopin_calls=.*\)/\1/p' $out)
		s1=$(summary_field $out S1) s2=$(summary_field $out S2) lost=$(summary_field $out lost)
		presub=$(summary_field $out stable_presubmit)
		sbounced=$(summary_field $out stable_bounced)
		res=$(sed -n 's/.* result=\([a-z]*\).*/\1/p' $wl)
		echo "WBG-METRIC stable-dmapin fs=$fs run=$n mutation=${mutation:-none} bounced_folios=${bounced:-?} bounce_bios=${bbios:-?} checked_bios=$checked skipped=$skipped mismatch=$mism dif_errors=$dife error_lines=$lines S1=${s1:-?} S2=${s2:-?} s1_bounced=${sbounced:-?} s1_presubmit=${presub:-?} lost=${lost:-?} wbguard_rc=$rc workload=${res:-none} $timing"
		[ -n "$bounced" ] || { cat /tmp/dmapin-err.txt; fail "bounce_count printed nothing (rc $rc)"; }
		T_runs=$((T_runs + 1)) T_bounced=$((T_bounced + bounced))
		T_s1=$((T_s1 + ${s1:-0})) T_s2=$((T_s2 + ${s2:-0}))
		T_guard=$((T_guard + dife + lines)) T_mism=$((T_mism + mism))
		[ $((dife + lines)) -gt 0 ] && T_guard_runs=$((T_guard_runs + 1))
		if [ -z "$mutation" ]; then
			bad=""
			[ "$res" = ok ] || bad="$bad workload=${res:-none}"
			[ "$mism" = 0 ] || bad="$bad mismatch=$mism"
			[ "$dife" = 0 ] && [ "$lines" = 0 ] || bad="$bad guard/io errors=$dife+$lines"
			[ "$checked" -gt 0 ] || bad="$bad nothing checked"
			[ "$skipped" = 0 ] || bad="$bad skipped=$skipped"
			[ "${s1:-?}" = 0 ] || bad="$bad S1=${s1:-none}"
			[ "${s2:-?}" = 0 ] || bad="$bad S2=${s2:-none}"
			[ "$rc" = 0 ] || bad="$bad wbguard_rc=$rc"
			[ -z "$bad" ] || { echo "run $n on $fs:$bad"; cat $wl /tmp/dmapin-err.txt; T_bad=$((T_bad + 1)); }
			# what the S1 reports were (how each was decided, its flags)
			grep '"type":"S1"' $out | head -n 3
		fi
		rm -f /mnt/sd/f $src/src$n
		n=$((n + 1))
	done
	umount /mnt/sd || fail "umount $fs"
	echo "$fs: $RUNS run(s) of ${SECS}s"
}

for fs in $FSLIST; do
	one_fs $fs
done
echo "WBG-METRIC stable-dmapin total mutation=${mutation:-none} runs=$T_runs bounced_folios=$T_bounced guard_or_io_errors=$T_guard runs_with_guard_errors=$T_guard_runs mismatches=$T_mism S1=$T_s1 S2=$T_s2 bad_runs=$T_bad"
dmesg | grep -E 'GUARD check failed|protection error|Buffer I/O error|stable writes:' | tail -n 5

if [ "$mutation" = stable-no-bounce ]; then
	[ "$T_bounced" = 0 ] || fail "$T_bounced folios bounced with the bounce disabled"
	[ "$T_guard" -gt 0 ] || fail "no guard or I/O error without the bounce"
	[ "$T_mism" -gt 0 ] || fail "the debug check saw no mismatch without the bounce"
	[ "$T_s1" -gt 0 ] || fail "wbguard stable saw no S1 without the bounce"
	[ "$T_s2" -gt 0 ] || fail "wbguard stable saw no S2 without the bounce"
	echo "PASS: without the bounce: guard/I/O errors in $T_guard_runs of $T_runs runs ($T_guard lines+dif_errors), $T_mism mismatches, S1 $T_s1, S2 $T_s2"
	exit 0
fi
[ "$T_bad" = 0 ] || fail "$T_bad of $T_runs runs failed"
[ "$T_bounced" -gt 0 ] || fail "block_stable_bounce_tp never fired: nothing was bounced"
echo "PASS: $T_runs runs: $T_bounced folios bounced, 0 guard/I/O errors, 0 mismatches, S1 0, S2 0"
