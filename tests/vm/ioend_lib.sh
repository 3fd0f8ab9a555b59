# Sourced by the tests/vm/7x-ioend-*.sh guest tests (sh: the host's dash, over 9p).
w=$WBG_BIN/wbguard wl=$WBG_BIN/workloads
[ -x $w ] || { echo "FAIL: no $w (make vm-bins)"; exit 1; }
[ -x $wl/ioend_fsync ] || { echo "FAIL: no ioend workloads (make vm-bins)"; exit 1; }
mutation= bench= ioend_mode=
for a in $(cat /proc/cmdline); do
	case "$a" in
	wbg.mutation=*) mutation=${a#wbg.mutation=} ;;
	wbg.bench=*) bench=${a#wbg.bench=} ;;
	wbg.ioend_mode=*) ioend_mode=${a#wbg.ioend_mode=} ;;
	esac
done
# wbg.ioend_mode=fentry on the kernel command line: the unpatched kernel
MODE=${ioend_mode:-series}
fail() { echo "FAIL: $*"; exit 1; }
# a numeric (or quoted) field of the JSON summary line
field() { grep '"type":"summary"' "$1" | sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p"; }
# ioend_mkfs SIZE_MIB [MOUNT_OPTS]: ext4 on a loop device over tmpfs at $mnt
ioend_mkfs() {
	img=/tmp/ioend-$$.img mnt=/mnt/ioend
	umount $mnt 2>/dev/null
	[ -n "${loop:-}" ] && losetup -d $loop 2>/dev/null
	rm -f $img
	truncate -s "$1"M $img || fail truncate
	loop=$(losetup -f --show $img) || fail losetup
	mkfs.ext4 -q -F -E nodiscard $loop || fail mkfs
	mkdir -p $mnt
	mount -t ext4 ${2:+-o $2} $loop $mnt || fail "mount ${2:-}"
}
ioend_cleanup() {
	umount $mnt 2>/dev/null
	[ -n "${loop:-}" ] && losetup -d $loop 2>/dev/null
	rm -f $img
}
# summary line for the log
ioend_line() {
	echo "wbguard ioend: exit $2 mode=$(field $1 mode) alloc=$(field $1 io_end_alloc) released=$(field $1 released) deferred_unwritten=$(field $1 deferred_unwritten) conversions=$(field $1 conversions) inline=$(field $1 converted_inline) convert_extents=$(field $1 convert_extents) fsyncs=$(field $1 fsyncs) C1=$(field $1 C1) C2=$(field $1 C2) C3=$(field $1 C3) C4=$(field $1 C4) failed=$(field $1 conversions_failed) lost=$(field $1 lost) verdict=$(field $1 verdict)"
}
