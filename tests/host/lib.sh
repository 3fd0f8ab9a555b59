# shellcheck shell=bash
# Helpers for host tests: loop devices with a filesystem, cleaned up on exit.
# A test sources this, then calls wbg_fs FSTYPE STABLE (0|1).
set -euo pipefail

WBG=${WBG:-build/wbguard}
REPRO=${REPRO:-build/workloads/stable_repro}
[ "$(id -u)" -eq 0 ] || { echo "host tests need root"; exit 77; }

WBG_TMP=$(mktemp -d /var/tmp/wbg-host.XXXXXX)
WBG_LOOPS=()
WBG_MNTS=()
WBG_DMS=()

wbg_cleanup() {
	local m l
	# innermost (last) mounts first: subvolume and bind mounts
	for ((l = ${#WBG_MNTS[@]} - 1; l >= 0; l--)); do
		m=${WBG_MNTS[l]}
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
	for m in "${WBG_DMS[@]}"; do dmsetup remove "$m" 2>/dev/null || true; done
	for l in "${WBG_LOOPS[@]}"; do losetup -d "$l" 2>/dev/null || true; done
	rm -rf "$WBG_TMP"
}
trap wbg_cleanup EXIT

# wbg_fs FSTYPE STABLE [MOUNT-OPTIONS] -> sets MNT and LOOP. stable_writes
# is sampled at mount time, so it is set before mounting.
wbg_fs() {
	local fstype=$1 stable=$2 mopts=${3:-} img
	img="$WBG_TMP/$fstype-${#WBG_LOOPS[@]}.img"
	truncate -s 512M "$img"
	LOOP=$(losetup -f --show "$img")
	WBG_LOOPS+=("$LOOP")
	echo "$stable" > "/sys/block/$(basename "$LOOP")/queue/stable_writes"
	wbg_mkfs_mount "$fstype" "$LOOP" "$mopts"
}

# wbg_mkfs_mount FSTYPE BLOCKDEV [MOUNT-OPTIONS] -> makes FSTYPE on
# BLOCKDEV, mounts it on a new directory, sets MNT.
wbg_mkfs_mount() {
	local fstype=$1 dev=$2 mopts=${3:-}
	case "$fstype" in
	ext4) mkfs.ext4 -q -F "$dev" ;;
	xfs) mkfs.xfs -q -f "$dev" ;;
	btrfs) mkfs.btrfs -q -f "$dev" > /dev/null ;;
	*) echo "unknown fstype $fstype"; return 1 ;;
	esac
	MNT="$WBG_TMP/mnt-${#WBG_MNTS[@]}"
	mkdir -p "$MNT"
	mount ${mopts:+-o "$mopts"} "$dev" "$MNT"
	WBG_MNTS+=("$MNT")
}

# wbg_loop SIZE_MIB -> a loop device over a new image (partition scan on),
# sets LOOP.
wbg_loop() {
	local img="$WBG_TMP/disk-${#WBG_LOOPS[@]}.img"
	truncate -s "$1"M "$img"
	LOOP=$(losetup -f --show -P "$img")
	WBG_LOOPS+=("$LOOP")
}

# MAJ:MIN of a block device node
wbg_majmin() { printf '%d:%d' "0x$(stat -L -c %t "$1")" "0x$(stat -L -c %T "$1")"; }

# json_field FILE KEY: a numeric or string field of the summary line.
json_field() {
	grep '"type":"summary"' "$1" | jq -r ".$2"
}

fail() { echo "FAIL: $*"; exit 1; }
