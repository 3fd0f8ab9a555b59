#!/bin/sh
# Issue 13, what patch 0007 does not cover: btrfs. btrfs computes its data
# checksums before submit_bio(), so neither a copy made there (0007's bounce)
# nor a change just before it is known to match its checksum. O_DIRECT reads
# into a MAP_SHARED mapping of a file on btrfs (tests/workloads/stable_dmapin
# -k: no fsync at the end, the racing writes stay on disk) under `wbguard
# stable`, then `btrfs scrub`; first on the scsi_debug DIX disk (stable
# writes: 0007 bounces, the device checks PI), then on a loop device in tmpfs
# (no stable writes: only btrfs's checksums need stable pages, and nothing is
# bounced). Asserts that wbguard excuses nothing on btrfs: S1 > 0, exit 1, no
# episode counted as bounced or changed before submission, in every run. On the
# loop device the race window is short (writeback to tmpfs ends at once): S1 was
# 57-176 per 6 s run and 0 once in a CI run (wbguard exit 0, nothing excused: the
# race did not land). Such a run is repeated, at most MAX_RETRY times per device,
# and counted (retries=); an exit 0 with S1 > 0, an exit 1 with S1 0, or any
# other exit fails at once.
# Measures the rest: scrub's checksum errors, the device's PI errors and the
# folios 0007 bounced, per run. Booted without 0007 (the stable-no-bounce
# mutation kernel, without wbg.mutation=) it measures the unfixed kernel.
# wbg.dmapin_runs=N (default 3), wbg.dmapin_secs=S (default 6).
. $WBG_TOP/tests/vm/stable_lib.sh
RUNS=3 SECS=6 MAX_RETRY=2
for a in $(cat /proc/cmdline); do
	case "$a" in
	wbg.dmapin_runs=*) RUNS=${a#*=} ;;
	wbg.dmapin_secs=*) SECS=${a#*=} ;;
	esac
done
case "$mutation" in '') ;; *) echo "mutation $mutation: not this test's"; exit 77 ;; esac
dmapin=$WBG_BIN/workloads/stable_dmapin bc=$WBG_BIN/tests/bounce_count
[ -x $dmapin ] && [ -x $bc ] || { echo "FAIL: no stable_dmapin or bounce_count (make vm-bins)"; exit 1; }
command -v mkfs.btrfs > /dev/null || { echo "FAIL: no mkfs.btrfs"; exit 1; }
fail() { echo "FAIL: $*"; exit 1; }

src=/mnt/dmsrc img=/tmp/dmapin-src.img
truncate -s 64M $img && loop=$(losetup -f --show $img) || fail "loop device"
mkfs.ext4 -q -F $loop && mkdir -p $src /mnt/sd && mount -t ext4 $loop $src || fail "source fs"
trap 'umount /mnt/sd 2>/dev/null; umount $src; losetup -d $loop; rm -f $img' EXIT
# one_dev DEV LABEL: RUNS runs on a fresh btrfs on DEV
T_s1=0 T_csum=0 T_csum_runs=0 T_retries=0
one_dev() {
	bdev=$1 label=$2 retries=0
	mkfs.btrfs -q -f $bdev > /dev/null || fail "mkfs.btrfs $bdev"
	# commit=1: the extents the race wrote reach a committed tree (what scrub reads)
	mount -t btrfs -o commit=1 $bdev /mnt/sd || fail "mount btrfs $bdev"
	n=1
	while [ $n -le $RUNS ]; do
		out=/tmp/dmapin-btrfs-$n.json wl=/tmp/dmapin-btrfs-$n.txt rc=0
		e0=$(dif_errors) g0=$(guard_lines)
		$bc -- $WBG_BIN/wbguard stable --dev /mnt/sd --json -- \
			sh -c 'exec "$0" "$@" > '"$wl" $dmapin -f /mnt/sd/f -s $src/src$n \
			-t "$SECS" -q -k > $out 2>/tmp/dmapin-err.txt || rc=$?
		dife=$(($(dif_errors) - e0)) guard=$(($(guard_lines) - g0))
		bounced=$(sed -n 's/^bounce_count: folios=\([0-9]*\) .*/\1/p' $out)
		s1=$(summary_field $out S1) sb=$(summary_field $out stable_bounced)
		ps=$(summary_field $out stable_presubmit)
		sleep 2
		btrfs scrub start -B /mnt/sd > /tmp/scrub-$n.txt 2>&1
		csum=$(sed -n 's/.*csum=\([0-9]*\).*/\1/p' /tmp/scrub-$n.txt | head -n 1)
		echo "WBG-METRIC stable-dmapin-btrfs dev=$label run=$n bounced_folios=${bounced:-?} S1=${s1:-?} s1_bounced=${sb:-?} s1_presubmit=${ps:-?} wbguard_rc=$rc dif_errors=$dife guard_lines=$guard scrub_csum_errors=${csum:-0}"
		# an excused episode is not in S1: checked before an S1 of 0 can be repeated
		[ "${sb:-0}" = 0 ] && [ "${ps:-0}" = 0 ] || fail "$label run $n: wbguard excused btrfs episodes (bounced ${sb:-?}, presubmit ${ps:-?})"
		if [ "$rc" = 0 ] && [ "${s1:-x}" = 0 ] && [ $retries -lt $MAX_RETRY ]; then
			retries=$((retries + 1))
			echo "run $n: the race did not land (wbguard exit 0, S1 0; workload: $(tail -n 1 $wl)); repeated ($retries of at most $MAX_RETRY)"
			rm -f /mnt/sd/f $src/src$n
			continue
		fi
		[ "$rc" = 1 ] && [ "${s1:-0}" -gt 0 ] || { cat /tmp/dmapin-err.txt; tail -n 1 $wl; fail "$label run $n: wbguard exit $rc, S1 ${s1:-none} (want 1, S1 > 0 on btrfs; $retries repeated)"; }
		T_s1=$((T_s1 + s1)) T_csum=$((T_csum + ${csum:-0}))
		[ "${csum:-0}" -gt 0 ] && T_csum_runs=$((T_csum_runs + 1))
		rm -f /mnt/sd/f $src/src$n
		n=$((n + 1))
	done
	umount /mnt/sd || fail "umount $bdev"
	T_retries=$((T_retries + retries))
}

# the DIX disk (stable writes: 0007 bounces), then a loop device in tmpfs
# (no stable writes: nothing is bounced, btrfs's checksums alone)
one_dev /dev/$dev dix
truncate -s 256M /tmp/btrfs.img && bloop=$(losetup -f --show /tmp/btrfs.img) || fail "loop for btrfs"
one_dev $bloop loop
losetup -d $bloop; rm -f /tmp/btrfs.img
echo "WBG-METRIC stable-dmapin-btrfs total runs=$((2 * RUNS)) retries=$T_retries S1=$T_s1 scrub_csum_errors=$T_csum runs_with_csum_errors=$T_csum_runs"
echo "PASS: btrfs: S1 in every judged run ($T_s1 in all; $T_retries run(s) where the race did not land repeated), nothing excused; scrub checksum errors in $T_csum_runs of $((2 * RUNS)) runs ($T_csum)"
