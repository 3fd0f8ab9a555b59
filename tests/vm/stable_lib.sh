# Sourced by the tests/vm/5x-stable-*.sh guest tests (sh: the host's dash, over 9p): the
# debug check's sysctl and counters, and ext4 on the scsi_debug DIX disk.
sysctl=/proc/sys/vm/stable_writes_check
[ -w $sysctl ] || { echo "FAIL: kernel without CONFIG_DEBUG_STABLE_WRITES"; exit 1; }
mutation=
for a in $(cat /proc/cmdline); do
	case "$a" in wbg.mutation=*) mutation=${a#wbg.mutation=} ;; esac
done

dev=""
for b in /sys/block/sd*; do
	case "$(cat "$b/device/model" 2>/dev/null)" in scsi_debug*) dev=${b##*/}; break ;; esac
done
[ -n "$dev" ] || { echo "no scsi_debug disk"; exit 1; }
host=$(readlink -f /sys/block/$dev/device | grep -oE '/host[0-9]+/' | tr -dc 0-9)
dif_errors() { grep -oE 'dif_errors=[0-9]+' /proc/scsi/scsi_debug/$host | cut -d= -f2; }
guard_lines() { dmesg | grep -c 'GUARD check failed'; }
vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
# a numeric field of wbguard's JSON summary line in file $1
summary_field() { grep '"type":"summary"' "$1" | grep -oE "\"$2\":[0-9]+" | cut -d: -f2; }

# stable_begin [MKFS_OPTS]: one command in flight, so writes queue up
# behind it after the block layer generated their protection information
# and a page changed under writeback is more often caught by scsi_debug's
# guard check (it verifies when a command arrives, not when it completes);
# a fresh ext4 at /mnt/sd; the check on; counters noted.
stable_begin() {
	echo "${WBG_STABLE_QD:-1}" > /sys/block/$dev/device/queue_depth ||
		{ echo "cannot set queue_depth"; exit 1; }
	mkdir -p /mnt/sd
	# shellcheck disable=SC2086
	mkfs.ext4 -q -F -E nodiscard $1 /dev/$dev || exit 1
	mount -t ext4 /dev/$dev /mnt/sd || exit 1
	echo 1 > $sysctl
	c0=$(vmstat stable_writes_checked) u0=$(vmstat stable_writes_unchecked)
	m0=$(vmstat stable_writes_mismatch) e0=$(dif_errors) g0=$(guard_lines)
}

# stable_end: the check off, the disk back to normal; sets checked,
# unchecked, mism, guard and glines to what the run added.
stable_end() {
	echo 0 > $sysctl
	umount /mnt/sd
	echo 64 > /sys/block/$dev/device/queue_depth
	checked=$(($(vmstat stable_writes_checked) - c0))
	unchecked=$(($(vmstat stable_writes_unchecked) - u0))
	mism=$(($(vmstat stable_writes_mismatch) - m0))
	guard=$(($(dif_errors) - e0)) glines=$(($(guard_lines) - g0))
}
