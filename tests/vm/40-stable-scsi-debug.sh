#!/bin/sh
# The 2011 stable-pages experiment on a modern kernel: ext4 on the scsi_debug DIX disk
# (T10-DIF type 1, CRC guard, dif=1 dix=1 guard=0 on the kernel command line), the stable
# reproducer under `wbguard stable`: S1 = 0, waits > 0, and no guard errors from scsi_debug.
SECS=${WBG_STABLE_SECS:-15}
w=$WBG_BIN/wbguard r=$WBG_BIN/workloads/stable_repro
[ -x $w ] && [ -x $r ] || { echo "FAIL: no wbguard or stable_repro (make vm-bins)"; exit 1; }

dev=""
for b in /sys/block/sd*; do
	[ -e "$b/device/model" ] || continue
	case "$(cat "$b/device/model")" in scsi_debug*) dev=${b##*/}; break ;; esac
done
[ -n "$dev" ] || { echo "no scsi_debug disk (CONFIG_SCSI_DEBUG=y?)"; exit 1; }
fmt=$(cat /sys/block/$dev/integrity/format 2>/dev/null)
echo "scsi_debug disk /dev/$dev integrity: $fmt, stable_writes=$(cat /sys/block/$dev/queue/stable_writes)"
[ "$fmt" = T10-DIF-TYPE1-CRC ] || { echo "expected T10-DIF-TYPE1-CRC"; exit 1; }
host=$(readlink -f /sys/block/$dev/device | grep -oE '/host[0-9]+/' | tr -dc 0-9)
proc=/proc/scsi/scsi_debug/$host
counters() { grep -oE 'dix_reads=[0-9]+, dix_writes=[0-9]+, dif_errors=[0-9]+' $proc; }
val() { counters | grep -oE "$1=[0-9]+" | cut -d= -f2; }
echo "before: $(counters)"
e0=$(val dif_errors); wr0=$(val dix_writes)
g0=$(dmesg | grep -c 'GUARD check failed')

mnt=/mnt/sd
mkdir -p $mnt
mkfs.ext4 -q -F -E nodiscard /dev/$dev || exit 1
mount -t ext4 /dev/$dev $mnt || exit 1
$w stable --dev $mnt --json -- $r -f $mnt/repro -t "$SECS" -w 2 -m 2 >/tmp/stable.json
rc=$?
sync
umount $mnt
e2fsck -fn /dev/$dev >/dev/null || { echo "e2fsck found errors"; rc=1; }
sum=$(grep '"type":"summary"' /tmp/stable.json | tail -n 1)
echo "summary: $sum"
num() { echo "$sum" | grep -oE "\"$1\":[0-9]+" | cut -d: -f2; }
s1=$(num S1) waits=$(num waits) wst=$(num waits_stable) dst=$(num dirtied_stable) lost=$(num lost)
echo "after:  $(counters)"
e1=$(val dif_errors); wr1=$(val dix_writes)
g1=$(dmesg | grep -c 'GUARD check failed')
echo "WBG-METRIC scsi_debug host$host dix_writes=$((wr1 - wr0)) dif_errors=$((e1 - e0)) guard_failed_lines=$((g1 - g0))"
echo "WBG-METRIC stable S1=$s1 waits=$waits waits_stable=$wst dirtied_stable=$dst lost=$lost"

fail=0
[ "$rc" -eq 0 ] || { echo "FAIL: wbguard stable exit $rc"; fail=1; }
[ -n "$sum" ] || { echo "FAIL: no summary"; exit 1; }
[ "$s1" = 0 ] || { echo "FAIL: S1=$s1"; fail=1; }
[ "${waits:-0}" -gt 0 ] || { echo "FAIL: no folio_wait_writeback waits"; fail=1; }
[ "${dst:-0}" -gt 0 ] || { echo "FAIL: no folio dirtied on a stable mapping"; fail=1; }
[ "${lost:-1}" = 0 ] || { echo "FAIL: events lost"; fail=1; }
[ $((wr1 - wr0)) -gt 0 ] || { echo "FAIL: no DIX writes"; fail=1; }
[ "$e1" -eq "$e0" ] || { echo "FAIL: scsi_debug dif_errors $e0 -> $e1"; fail=1; }
[ "$g1" -eq "$g0" ] || { echo "FAIL: 'GUARD check failed' in dmesg"; fail=1; }
exit $fail
