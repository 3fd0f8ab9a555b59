# Sourced by the tests/vm/5x-stable-*.sh guest tests (sh: the host's dash, over 9p): the
# kernel's stable-writes check (CONFIG_DEBUG_STABLE_WRITES, patch 5: each write bio to a
# stable-writes device hashed at submission and at completion), switched on from boot by
# stable_writes_check=on (ci/qemu-run.sh, WBG_VM_STABLE_CHECK), its debugfs counters, and
# ext4 on the scsi_debug DIX disk.
swc=/sys/kernel/debug/block/stable_writes_check
[ -d /sys/kernel/debug/block ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
[ -r $swc/stats ] || { echo "FAIL: kernel without CONFIG_DEBUG_STABLE_WRITES ($swc)"; exit 1; }
[ "$(cat $swc/enabled)" = 1 ] ||
	{ echo "FAIL: the stable-writes check is off: boot with stable_writes_check=on"; exit 1; }
# swc_stat NAME: a counter of the check (checked, bytes, mismatch, skipped)
swc_stat() { awk -v k="$1" '$1 == k { print $2 }' $swc/stats; }
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
# a numeric field of wbguard's JSON summary line in file $1
summary_field() { grep '"type":"summary"' "$1" | grep -oE "\"$2\":[0-9]+" | cut -d: -f2; }

# stable_begin [MKFS_OPTS]: one command in flight, so writes queue up
# behind it after the block layer generated their protection information
# and a page changed under writeback is more often caught by scsi_debug's
# guard check (it verifies when a command arrives, not when it completes);
# a fresh $STABLE_FS (ext4, or xfs) at /mnt/sd; the check's counters noted.
stable_begin() {
	echo "${WBG_STABLE_QD:-1}" > /sys/block/$dev/device/queue_depth ||
		{ echo "cannot set queue_depth"; exit 1; }
	mkdir -p /mnt/sd
	case ${STABLE_FS:=ext4} in
	# shellcheck disable=SC2086
	ext4) mkfs.ext4 -q -F -E nodiscard $1 /dev/$dev ;;
	# 256 MiB is below mkfs.xfs's 300 MB floor, which it waives for fstests' variables
	xfs) TEST_DIR=/mnt TEST_DEV=/dev/$dev QA_CHECK_FS=1 mkfs.xfs -q -f -K /dev/$dev ;;
	*) echo "FAIL: filesystem $STABLE_FS: ext4 or xfs"; exit 1 ;;
	esac || exit 1
	mount -t $STABLE_FS /dev/$dev /mnt/sd || exit 1
	c0=$(swc_stat checked) b0=$(swc_stat bytes) k0=$(swc_stat skipped)
	m0=$(swc_stat mismatch) e0=$(dif_errors) g0=$(guard_lines)
}

# stable_end: the disk back to normal; sets checked (write bios hashed),
# kib (their KiB), skipped (bios left unchecked: no memory), mism, guard
# and glines to what the run added (the unmount's writes included).
stable_end() {
	umount /mnt/sd
	echo 64 > /sys/block/$dev/device/queue_depth
	checked=$(($(swc_stat checked) - c0)) kib=$((($(swc_stat bytes) - b0) / 1024))
	skipped=$(($(swc_stat skipped) - k0))
	mism=$(($(swc_stat mismatch) - m0))
	guard=$(($(dif_errors) - e0)) glines=$(($(guard_lines) - g0))
}
