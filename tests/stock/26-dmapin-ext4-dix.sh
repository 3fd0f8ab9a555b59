#!/bin/sh
# Issue 13's hole on a stock kernel (none of them has the bounce, patch 0007): ext4 (the
# distribution's module) on the scsi_debug DIF/DIX disk, O_DIRECT reads into a MAP_SHARED
# mapping of a file under writeback (tests/workloads/stable_dmapin; the source file on
# ext4 over a loop device in tmpfs, so the reads run in the loop worker). Must fire: the
# device refuses writes ("GUARD check failed", protection errors, scsi_debug dif_errors > 0)
# and `wbguard stable` reports S1 > 0 (exit 1); on a kernel without AS_STABLE_WRITES (6.1)
# S1 cannot be judged: verdict unchecked (exit 5), and the device's errors alone decide.
# Up to TRIES runs of SECS seconds, stopping at the first that shows both; prints how many
# it took (the reproduction rate, stated in the README).
. "$WBG_TOP/tests/stock/stock_lib.sh"
TRIES=${WBG_DMAPIN_TRIES:-3} SECS=${WBG_DMAPIN_SECS:-6}
DMAPIN=$WBG_BIN/workloads/stable_dmapin
[ -x "$DMAPIN" ] || { echo "FAIL: no $DMAPIN (make vm-bins)"; exit 1; }
fail() { echo "FAIL: $*"; exit 1; }
stock_modules ext4 loop
dev=$(scsi_debug_disk) || exit 1
host=$(readlink -f /sys/block/$dev/device | grep -oE '/host[0-9]+/' | tr -dc 0-9)
dif_errors() { grep -oE 'dif_errors=[0-9]+' /proc/scsi/scsi_debug/$host | cut -d= -f2; }
err_lines() { dmesg | grep -cE 'GUARD check failed|protection error|Buffer I/O error|I/O error, dev '; }
json_num() { grep '"type":"summary"' "$1" | grep -oE "\"$2\":[0-9]+" | cut -d: -f2; }
json_str() { grep '"type":"summary"' "$1" | grep -oE "\"$2\":\"[^\"]*\"" | cut -d'"' -f4; }

img=/tmp/dmapin-src.img src=/mnt/dmsrc
truncate -s 64M $img && loop=$(losetup -f --show $img) || fail "loop device"
mkfs.ext4 -q -F $loop && mkdir -p $src /mnt/sd && mount -t ext4 $loop $src || fail "source fs"
trap 'umount /mnt/sd 2>/dev/null; umount $src; losetup -d $loop; rm -f $img
	echo 64 > /sys/block/$dev/device/queue_depth' EXIT
# one command in flight: writes queue behind it with their PI generated, so a page
# changed meanwhile meets the guard check when the command arrives
echo 1 > /sys/block/$dev/device/queue_depth || fail queue_depth
# The disk holds test 20's filesystem, and the stock scsi_debug then returned zeros with an
# old guard for a sector that mkfs reads (GUARD check failed on READ, mkfs fails, with or
# without discard): rewrite the whole disk first, so every sector's PI matches its data.
dd if=/dev/zero of=/dev/$dev bs=1M oflag=direct 2>/dev/null
mkfs.ext4 -q -F -E nodiscard /dev/$dev && mount -t ext4 /dev/$dev /mnt/sd || fail "ext4 on /dev/$dev"

n=1
while [ $n -le $TRIES ]; do
	out=/tmp/dmapin-stock-$n.json wl=/tmp/dmapin-stock-$n.txt
	e0=$(dif_errors) l0=$(err_lines) rc=0
	"$WBG" stable --dev /mnt/sd --json -- sh -c 'exec "$0" "$@" > '"$wl" \
		"$DMAPIN" -f /mnt/sd/f -s $src/src$n -t "$SECS" -q -D > $out 2>/tmp/dmapin-err.txt || rc=$?
	dife=$(($(dif_errors) - e0)) lines=$(($(err_lines) - l0))
	s1=$(json_num $out S1) verdict=$(json_str $out verdict)
	res=$(sed -n 's/.* result=\([a-z]*\).*/\1/p' $wl)
	echo "WBG-METRIC stock-dmapin kernel=$(uname -r) try=$n S1=${s1:-?} verdict=${verdict:-?} wbguard_rc=$rc dif_errors=$dife error_lines=$lines workload=${res:-none}"
	case "$rc:$verdict" in
	1:violation) judged=1 ;;
	5:unchecked) judged=0 ;;
	*) cat /tmp/dmapin-err.txt; fail "wbguard exit $rc, verdict '${verdict:-none}' (want 1 violation, or 5 unchecked)" ;;
	esac
	if [ $judged = 0 ]; then
		json_str $out unchecked_reason | grep -q AS_STABLE_WRITES ||
			fail "unchecked, but not for want of AS_STABLE_WRITES: $(json_str $out unchecked_reason)"
	fi
	if [ $((dife + lines)) -gt 0 ]; then
		[ $judged = 1 ] && echo "PASS: the hole on $(uname -r): S1 $s1, $dife dif_errors, $lines error lines (try $n of $TRIES)"
		[ $judged = 0 ] && echo "PASS: the hole on $(uname -r): $dife dif_errors, $lines error lines (try $n of $TRIES); S1 unchecked (no AS_STABLE_WRITES)"
		exit 0
	fi
	rm -f /mnt/sd/f $src/src$n
	n=$((n + 1))
done
fail "no guard or I/O error in $TRIES runs of ${SECS}s"
