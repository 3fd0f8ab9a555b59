# shellcheck shell=bash
# Helpers for the ioend host tests, on top of lib.sh.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
WL=${WL:-$(dirname "$REPRO")}

# ioend_fs SIZE_MIB STALE [MKFS_OPTS...]: ext4 on a loop device. With
# STALE=1 the image is first filled with non-zero bytes, so blocks exposed
# before their data was written read as "stale" rather than zero.
# Sets MNT and LOOP.
ioend_fs() {
	local mib=$1 stale=$2 img
	shift 2
	img="$WBG_TMP/ioend-${#WBG_LOOPS[@]}.img"
	if [ "$stale" = 1 ]; then
		head -c "${mib}M" < <(yes 'stale device data, never written by a workload') > "$img"
	else
		truncate -s "${mib}M" "$img"
	fi
	LOOP=$(losetup -f --show "$img")
	WBG_LOOPS+=("$LOOP")
	# lazy init: mkfs does not zero the data blocks it leaves free
	mkfs.ext4 -q -F -E lazy_itable_init=1,nodiscard "$@" "$LOOP"
	MNT="$WBG_TMP/mnt-${#WBG_MNTS[@]}"
	mkdir -p "$MNT"
	mount "$LOOP" "$MNT"
	WBG_MNTS+=("$MNT")
}

remount() { umount "$MNT" && mount "$LOOP" "$MNT"; }
