#!/bin/sh
# CONFIG_DEBUG_STABLE_WRITES on the scsi_debug DIX disk: with the check
# switched on (vm.stable_writes_check=1), the stable reproducer runs
# under wbguard stable. On the clean series: folios checked > 0,
# mismatches 0, S1 0, no guard errors. With wbg.mutation=stable-no-wait
# on the kernel command line (patches/mutations/stable-no-wait.patch
# applied, make mutations) all three detectors must fire instead: the
# debug check, wbguard stable's S1 and scsi_debug's guard check.
sysctl=/proc/sys/vm/stable_writes_check
[ -w $sysctl ] || { echo "kernel without CONFIG_DEBUG_STABLE_WRITES"; exit 77; }
mutation=
for a in $(cat /proc/cmdline); do
	case "$a" in wbg.mutation=*) mutation=${a#wbg.mutation=} ;; esac
done
SECS=${WBG_STABLE_SECS:-15}

dev=""
for b in /sys/block/sd*; do
	case "$(cat "$b/device/model" 2>/dev/null)" in scsi_debug*) dev=${b##*/}; break ;; esac
done
[ -n "$dev" ] || { echo "no scsi_debug disk"; exit 1; }
host=$(readlink -f /sys/block/$dev/device | grep -oE '/host[0-9]+/' | tr -dc 0-9)
dif_errors() { grep -oE 'dif_errors=[0-9]+' /proc/scsi/scsi_debug/$host | cut -d= -f2; }
vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }

# One command in flight: writes queue up behind it after the block layer
# generated their protection information, so a page changed under
# writeback is more often caught by scsi_debug's guard check (it verifies
# when a command arrives, not when it completes). Same on clean and mutated.
QD=${WBG_STABLE_QD:-1}
echo $QD > /sys/block/$dev/device/queue_depth || { echo "cannot set queue_depth"; exit 1; }
mkdir -p /mnt/sd
/usr/sbin/mkfs.ext4 -q -F -E nodiscard /dev/$dev || exit 1
mount -t ext4 /dev/$dev /mnt/sd || exit 1
echo 1 > $sysctl
c0=$(vmstat stable_writes_checked) m0=$(vmstat stable_writes_mismatch) e0=$(dif_errors)
g0=$(dmesg | grep -c 'GUARD check failed')
/bin/wbguard stable --dev /mnt/sd --json -- \
	/bin/workloads/stable_repro -f /mnt/sd/repro -t "$SECS" -w 4 -m 1 -y write -q > /tmp/s.json
rc=$?
echo 0 > $sysctl
umount /mnt/sd
echo 64 > /sys/block/$dev/device/queue_depth
c1=$(vmstat stable_writes_checked) m1=$(vmstat stable_writes_mismatch) e1=$(dif_errors)
g1=$(dmesg | grep -c 'GUARD check failed')
sum=$(grep '"type":"summary"' /tmp/s.json)
echo "$sum"
s1=$(echo "$sum" | grep -oE '"S1":[0-9]+' | cut -d: -f2)
checked=$((c1 - c0)) mism=$((m1 - m0)) guard=$((e1 - e0)) glines=$((g1 - g0))
echo "WBG-METRIC stable-debug mutation=${mutation:-none} checked=$checked mismatch=$mism S1=$s1 dif_errors=$guard guard_lines=$glines wbguard_rc=$rc"

fail=0
[ "$checked" -gt 0 ] || { echo "FAIL: no folio checked"; fail=1; }
if [ "$mutation" = stable-no-wait ]; then
	[ "$mism" -gt 0 ] || { echo "FAIL: debug check saw no mismatch"; fail=1; }
	[ "${s1:-0}" -gt 0 ] || { echo "FAIL: wbguard stable reported no S1"; fail=1; }
	[ "$rc" = 1 ] || { echo "FAIL: wbguard stable exit $rc, want 1"; fail=1; }
	dmesg | grep -q 'returned a stable-writes folio under writeback' ||
		{ echo "FAIL: no write_begin warning"; fail=1; }
	[ "$guard" -gt 0 ] || [ "$glines" -gt 0 ] ||
		{ echo "FAIL: scsi_debug counted no guard error"; fail=1; }
else
	[ "$mism" = 0 ] || { echo "FAIL: $mism mismatches on the clean series"; fail=1; }
	[ "${s1:-1}" = 0 ] || { echo "FAIL: S1=$s1"; fail=1; }
	[ "$rc" = 0 ] || { echo "FAIL: wbguard stable exit $rc"; fail=1; }
	[ "$guard" = 0 ] && [ "$glines" = 0 ] || { echo "FAIL: guard errors"; fail=1; }
fi
exit $fail
