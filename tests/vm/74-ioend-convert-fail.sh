#!/bin/sh
# A conversion that fails on its own (the data I/O succeeded) must reach
# fsync: patch 1 of the series. No fault injection is needed; a read error
# on the extent tree leaf, with errors=continue, is such a failure:
#
#  - ext4 (4 KiB blocks, errors=continue, dioread_nolock) on a dm-linear
#    device over a loop device; f is 1 MiB fallocated with every other
#    block of its first 256 KiB written, so its extents (about 65) need a
#    tree: depth 1, one leaf block, found with debugfs;
#  - remount (empty caches), then a 4 KiB buffered write into block 9, a
#    one-block unwritten extent. The write looks the extent up, which
#    reads the leaf into the buffer cache;
#  - suspend the dm device (--nolockfs), so the data write is held once
#    submitted, and run fsync (in tests/vm/ioend_convfail.sh, under
#    wbguard ioend). Writeback maps block 9 with the leaf from the cache
#    (an unwritten extent that the write covers whole is mapped, not
#    split: the leaf stays clean and unreferenced) and starts folio
#    writeback;
#  - drop the clean page cache (the leaf's buffer with it), reload the
#    table with the error target on the leaf's 8 sectors, resume: the
#    data write completes without error, and the conversion, run by the
#    io_end worker, reads the leaf and gets EIO.
#
# ext4 logs "failed to convert unwritten extents" either way and block 9
# reads back as zeroes after a remount (the data is lost). With the fix the
# first fsync returns EIO and wbguard's C4 stays 0; without it
# (wbg.mutation=ioend-conversion-error-dropped, or fentry mode on a kernel
# without the series) fsync returns 0 and C4 reports the swallowed failure.
. $WBG_TOP/tests/vm/ioend_lib.sh
[ -z "$bench" ] || exit 77
case "$mutation" in
''|ioend-conversion-error-dropped) ;;
*) exit 77 ;;
esac
dbg=/sbin/debugfs name=wbgconv mnt=/mnt/ioend
blk=9 img=/tmp/convfail-$$.img sz=$((64 * 2048))
cleanup() {
	umount $mnt 2>/dev/null
	dmsetup remove $name 2>/dev/null
	[ -n "${loop:-}" ] && losetup -d $loop 2>/dev/null
	rm -f $img
}
fail() { echo "FAIL: $*"; cleanup; exit 1; }
e0=$(dmesg | grep -c 'failed to convert unwritten extents')
truncate -s 64M $img || fail truncate
loop=$(losetup -f --show $img) || fail losetup
echo "0 $sz linear $loop 0" | dmsetup create $name || fail "dmsetup create"
dmdev=/dev/dm-$(dmsetup info -c --noheadings -o minor $name | tr -d ' ')
[ -b $dmdev ] || fail "no $dmdev"
# no lazy init: no background I/O while the device is suspended
mkfs.ext4 -q -F -b 4096 -E nodiscard,lazy_itable_init=0,lazy_journal_init=0 $dmdev || fail mkfs
mkdir -p $mnt
opts=errors=continue,dioread_nolock
mount -t ext4 -o $opts $dmdev $mnt || fail mount
xfs_io -f -c "falloc 0 1m" $mnt/f || fail falloc
for b in $(seq 0 2 62); do echo "pwrite -q $((b * 4096)) 4096"; done | xfs_io $mnt/f || fail "pwrite"
xfs_io -c fsync $mnt/f || fail "fsync (setup)"
umount $mnt || fail umount
# "(ETB0):N": the one extent tree block at depth 0 below the inode
$dbg -R "stat /f" $dmdev 2>/dev/null > /tmp/convfail.stat
leaf=$(sed -n 's/.*(ETB0):\([0-9]*\).*/\1/p' /tmp/convfail.stat | head -n 1)
netb=$(grep -o '(ETB[0-9]*)' /tmp/convfail.stat | wc -l)
[ -n "$leaf" ] && [ "$netb" = 1 ] || { cat /tmp/convfail.stat; fail "want one extent tree leaf, found $netb"; }
# "(9[u]):N": block 9 is a one-block unwritten extent
grep -q "($blk\[u\]):" /tmp/convfail.stat || { cat /tmp/convfail.stat; fail "block $blk is not a one-block unwritten extent"; }
ls1=$((leaf * 8))
echo "extent tree leaf: block $leaf (sectors $ls1-$((ls1 + 7))); target: file block $blk"
# the dm table that fails the leaf, and only it
table_err=$(printf '0 %d linear %s 0\n%d 8 error\n%d %d linear %s %d\n' \
	$ls1 $loop $ls1 $((ls1 + 8)) $((sz - ls1 - 8)) $loop $((ls1 + 8)))
mount -t ext4 -o $opts $dmdev $mnt || fail remount
xfs_io -c "pwrite -q $((blk * 4096)) 4096" $mnt/f || fail "pwrite block $blk"
dmsetup suspend --nolockfs $name || fail "dmsetup suspend"
out=/tmp/convfail.json res=/tmp/convfail.res rc=0
rm -f $res.*
F=$mnt/f DMNAME=$name TABLE_ERR=$table_err RES=$res \
	$w ioend --mode $MODE --json --dev $mnt -- sh $WBG_TOP/tests/vm/ioend_convfail.sh \
	> $out 2>/tmp/convfail.err || rc=$?
dmsetup resume $name 2>/dev/null	# in case the steps stopped early
cat /tmp/convfail.err $res.log 2>/dev/null
grep '"id":"C4"' $out | head -n 2
# not "wbguard ioend: exit": ci/ioend-compare.sh compares those between kernels, and
# this test's verdict depends on whether the kernel has the fix
echo "convert-fail: wbguard exit $rc mode=$(field $out mode) failed=$(field $out conversions_failed) fsyncs=$(field $out fsyncs) C4=$(field $out C4) lost=$(field $out lost) verdict=$(field $out verdict)"
# an fsync failed if xfs_io said so (its exit status or its message)
f1=$(cat $res.fsync1.rc 2>/dev/null) f2=$(cat $res.fsync2.rc 2>/dev/null)
[ "$f1" = 0 ] && [ -s $res.fsync1.err ] && f1=1
[ "$f2" = 0 ] && [ -s $res.fsync2.err ] && f2=1
echo "convert-fail: first fsync: exit $f1 ($(cat $res.fsync1.err 2>/dev/null)), second fsync: exit $f2"
# what is on disk: the table without the error, a fresh mount, block 9
printf '0 %d linear %s 0\n' $sz $loop | dmsetup reload $name && dmsetup resume $name || fail "dmsetup reload"
umount $mnt || fail "umount after the run"
mount -t ext4 -o ro $dmdev $mnt || fail "mount to read back"
head16=$(od -An -tx1 -j $((blk * 4096)) -N 16 $mnt/f | tr -d ' \n')
echo "convert-fail: block $blk after a remount: $head16"
emerg=$(( $(dmesg | grep -c 'failed to convert unwritten extents') - e0 ))
echo "convert-fail: new kernel 'failed to convert' lines: $emerg"

[ -n "$f1" ] && [ -n "$f2" ] || fail "the fsync steps did not run (see above)"
[ "$(field $out lost)" = 0 ] || fail "events lost"
[ "$emerg" -gt 0 ] || fail "no conversion failed: the scenario did not reach the conversion"
[ "$head16" = 00000000000000000000000000000000 ] || fail "block $blk reads $head16, not zeroes: did the conversion fail?"
[ "$(field $out conversions_failed)" -gt 0 ] || fail "wbguard saw no failed conversion"
[ "$f2" = 0 ] || fail "second fsync: exit $f2"
if [ "$f1" != 0 ]; then
	grep -q 'Input/output error' $res.fsync1.err || fail "first fsync failed, but not with EIO"
fi
case "$mutation,$MODE" in
ioend-conversion-error-dropped,*)
	[ "$f1" = 0 ] || fail "mutation $mutation: fsync returned an error"
	[ "$rc" = 1 ] || fail "mutation $mutation: wbguard exit $rc, want 1"
	[ "$(field $out C4)" -gt 0 ] || fail "mutation $mutation: C4 did not fire"
	echo "mutation $mutation caught: fsync returned 0 after the failed conversion, C4=$(field $out C4)" ;;
,fentry)
	# a kernel without the series has no fix: wbguard must agree with what fsync did
	if [ "$f1" = 0 ]; then
		[ "$rc" = 1 ] && [ "$(field $out C4)" -gt 0 ] || fail "fsync returned 0, C4=$(field $out C4), exit $rc"
		echo "no fix in this kernel: fsync returned 0, C4=$(field $out C4)"
	else
		[ "$rc" = 0 ] && [ "$(field $out C4)" = 0 ] || fail "fsync returned EIO, C4=$(field $out C4), exit $rc"
	fi ;;
*)
	[ "$f1" != 0 ] || fail "fsync returned 0 after a failed conversion (the fix is missing)"
	[ "$rc" = 0 ] || fail "wbguard ioend exit $rc"
	[ "$(field $out C4)" = 0 ] || fail "C4 on the fixed kernel"
	[ "$(field $out verdict)" = '"pass"' ] || fail "verdict not pass" ;;
esac
cleanup
