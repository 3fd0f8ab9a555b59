#!/bin/sh
# xfs on /dev/pmem0 mounted -o dax: the dax_fault workload under wbguard
# dax (auto: mainline mode). D1 is judged on ext4 only (ext4's lookup
# events); here the collector must follow xfs's write faults to their iomap
# and count them as "other fs", lose nothing, and the data check must pass
# before and after a remount.
set -u
w=$WBG_BIN/wbguard wl=$WBG_BIN/workloads/dax_fault dev=/dev/pmem0 mnt=/mnt/daxxfs
[ -x $w ] && [ -x $wl ] || { echo "FAIL: no wbguard or dax_fault (make vm-bins)"; exit 1; }
command -v mkfs.xfs >/dev/null || { echo "FAIL: no mkfs.xfs (ci/deps.sh)"; exit 1; }
[ -b $dev ] || { echo "no $dev"; exit 1; }
for a in $(cat /proc/cmdline); do
	case "$a" in wbg.mutation=*) echo "mutation run: xfs is not affected"; exit 77 ;; esac
done
fail() { echo "FAIL: $*"; exit 1; }
# leave pmem0 unmounted for the next test, whatever happens
trap 'umount $mnt 2>/dev/null' EXIT
field() { grep '"type":"summary"' "$1" | sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p"; }
mkdir -p $mnt
mkfs.xfs -q -f -m reflink=0 -d agcount=2,su=2m,sw=1 -l size=64m,su=32k $dev || fail mkfs.xfs
mount -t xfs -o dax $dev $mnt || fail "mount -o dax"
out=/tmp/dax-xfs.json
rc=0
$w dax --json --dev $mnt -- $wl -f $mnt/f -D -t 1 > $out 2>/tmp/dax-xfs.err || rc=$?
cat /tmp/dax-xfs.err; cat $out
umount $mnt || fail umount
mount -t xfs -o dax $dev $mnt || fail remount
vrc=0; $wl -f $mnt/f -D --verify-only || vrc=$?
umount $mnt
# xfs write faults are counted, not judged: D1 judged nothing, exit 5
[ "$rc" = 5 ] || fail "wbguard dax exit $rc, want 5 (unchecked)"
[ "$(field $out verdict)" = '"unchecked"' ] || fail "verdict not unchecked"
grep -q 'result=ok' $out || fail "workload data check failed"
[ "$vrc" = 0 ] || fail "data check after remount failed"
[ "$(field $out lost)" = 0 ] || fail "events lost"
[ "$(field $out write_faults_other_fs)" -gt 0 ] || fail "xfs write faults not seen"
[ "$(field $out D1)" = 0 ] || fail "D1 on xfs?"
echo "xfs -o dax: faults_pte=$(field $out faults_pte) faults_pmd=$(field $out faults_pmd) other_fs_write_faults=$(field $out write_faults_other_fs)"
