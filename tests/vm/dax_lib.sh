# Sourced by the guest's DAX D1 test (tests/vm/62-dax-d1-mainline.sh):
# the binaries, the mutation named on the kernel command line ($mutation), fail(),
# field FILE KEY (a field of the JSON summary line) and dax_mount: ext4 -o dax on
# /dev/pmem0 at $mnt, unmounted again whatever happens.
w=$WBG_BIN/wbguard wl=$WBG_BIN/workloads/dax_fault dev=/dev/pmem0 mnt=/mnt/dax
[ -x $w ] || { echo "FAIL: no $w (make vm-bins)"; exit 1; }
[ -x $wl ] || { echo "FAIL: no $wl (make vm-bins)"; exit 1; }
[ -b $dev ] || { echo "FAIL: no $dev"; exit 1; }
mutation=
for a in $(cat /proc/cmdline); do
	case "$a" in wbg.mutation=*) mutation=${a#wbg.mutation=} ;; esac
done
fail() { echo "FAIL: $*"; exit 1; }
# a numeric (or null) field of the JSON summary line
field() { grep '"type":"summary"' "$1" | sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p"; }
# leave pmem0 unmounted for the next test, whatever happens
trap 'umount $mnt 2>/dev/null' EXIT
dax_mount() {
	mkdir -p $mnt
	# stride/stripe of 2 MiB so that mballoc aligns large extents for PMD faults
	mkfs.ext4 -q -F -b 4096 -E stride=512,stripe_width=512,nodiscard $dev || fail mkfs
	mount -t ext4 -o dax $dev $mnt || fail "mount -o dax"
	grep " $mnt " /proc/mounts | grep -q dax || fail "mounted without dax"
}
