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

wbg_cleanup() {
	local m l
	for m in "${WBG_MNTS[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
	for l in "${WBG_LOOPS[@]}"; do losetup -d "$l" 2>/dev/null || true; done
	rm -rf "$WBG_TMP"
}
trap wbg_cleanup EXIT

# wbg_fs FSTYPE STABLE -> sets MNT and LOOP. stable_writes is sampled at
# mount time, so it is set before mounting.
wbg_fs() {
	local fstype=$1 stable=$2 img
	img="$WBG_TMP/$fstype-${#WBG_LOOPS[@]}.img"
	truncate -s 512M "$img"
	LOOP=$(losetup -f --show "$img")
	WBG_LOOPS+=("$LOOP")
	case "$fstype" in
	ext4) mkfs.ext4 -q -F "$LOOP" ;;
	xfs) mkfs.xfs -q -f "$LOOP" ;;
	*) echo "unknown fstype $fstype"; return 1 ;;
	esac
	echo "$stable" > "/sys/block/$(basename "$LOOP")/queue/stable_writes"
	MNT="$WBG_TMP/mnt-${#WBG_MNTS[@]}"
	mkdir -p "$MNT"
	mount "$LOOP" "$MNT"
	WBG_MNTS+=("$MNT")
}

# json_field FILE KEY: a numeric or string field of the summary line.
json_field() {
	grep '"type":"summary"' "$1" | jq -r ".$2"
}

fail() { echo "FAIL: $*"; exit 1; }
