#!/bin/sh
# Workload (a) under wbguard ioend: buffered writes into fallocated chunks
# with concurrent fsync/fdatasync, then a remount and a data check.
# Clean series: exit 0, C1-C4 = 0, nothing lost, io_ends traced, unwritten
# io_ends deferred to the conversion list. Then again mounted with
# dioread_lock: the unwritten extents are converted before the I/O, so the
# deferred-unwritten count drops (the tracer tells the paths apart).
# With wbg.mutation=ioend-wb-before-convert: C2 and C3 fire (exit 1);
# with wbg.mutation=ioend-leak: C1 leaks are reported (exit 1).

. $WBG_TOP/tests/vm/ioend_lib.sh
[ -z "$bench" ] || exit 77
ioend_mkfs 256
out=/tmp/ioend-a.json rc=0
$w ioend --mode $MODE --json --dev $mnt --leak-ms 3000 -- \
	$wl/ioend_fsync write -f $mnt/f -s 32M -c 512K -t 2 -d 5 > $out 2>/tmp/ioend-a.err || rc=$?
cat /tmp/ioend-a.err; grep -v '"type":"summary"' $out | head -n 10
ioend_line $out $rc
umount $mnt || fail umount
frc=0
e2fsck -fn $loop > /tmp/ioend-fsck.log 2>&1 || { frc=$?; tail -n 5 /tmp/ioend-fsck.log; }
mount -t ext4 $loop $mnt || fail remount
vrc=0
$wl/ioend_fsync verify -f $mnt/f || vrc=$?
[ "$(field $out lost)" = 0 ] || fail "events lost"
[ "$(field $out io_end_alloc)" -gt 0 ] || fail "no io_end traced"
case "$mutation" in
ioend-wb-before-convert)
	[ "$rc" = 1 ] || fail "mutation $mutation: exit $rc, want 1"
	[ "$(field $out C2)" -gt 0 ] || fail "mutation $mutation: C2 did not fire"
	grep -q '"id":"C2"' $out || fail "no C2 line"
	[ "$(field $out C3)" -gt 0 ] || fail "mutation $mutation: C3 did not fire"
	grep -q '"id":"C3"' $out || fail "no C3 line"
	echo "mutation $mutation caught: C2=$(field $out C2) C3=$(field $out C3)"
	exit 0 ;;
ioend-leak)
	[ "$rc" = 1 ] || fail "mutation $mutation: exit $rc, want 1"
	[ "$(field $out leaks)" -gt 0 ] || fail "mutation $mutation: no C1 leak"
	grep -q '"id":"C1"' $out || fail "no C1 line"
	echo "mutation $mutation caught: C1 leaks=$(field $out leaks)"
	exit 0 ;;
esac
[ "$rc" = 0 ] || fail "wbguard ioend exit $rc on the clean kernel"
[ "$frc" = 0 ] || fail "e2fsck found errors"
[ "$vrc" = 0 ] || fail "data check after remount"
for c in C1 C2 C3 C4; do [ "$(field $out $c)" = 0 ] || fail "$c on the clean kernel"; done
[ "$(field $out verdict)" = '"pass"' ] || fail "verdict not pass"
[ "$(field $out released)" -gt 0 ] || fail "no release traced"
[ "$(field $out conversions)" -gt 0 ] || fail "no conversion traced"
[ "$MODE" = fentry ] || [ "$(field $out deferred_unwritten)" -gt 0 ] || fail "no deferred unwritten io_end"
d_nolock=$(field $out deferred_unwritten) c_nolock=$(field $out conversions)

# the same with dioread_lock: conversion happens at block allocation
ioend_mkfs 256 dioread_lock
out2=/tmp/ioend-a2.json rc=0
$w ioend --mode $MODE --json --dev $mnt -- \
	$wl/ioend_fsync write -f $mnt/f -s 32M -c 512K -t 2 -d 5 > $out2 2>/dev/null || rc=$?
ioend_line $out2 $rc
[ "$rc" = 0 ] || fail "wbguard ioend exit $rc with dioread_lock"
[ "$(field $out2 io_end_alloc)" -gt 0 ] || fail "no io_end traced with dioread_lock"
d_lock=$(field $out2 deferred_unwritten) c_lock=$(field $out2 conversions)
echo "deferred unwritten io_ends: dioread_nolock (default) $d_nolock, dioread_lock $d_lock; conversions $c_nolock vs $c_lock"
[ "$d_lock" -lt "$d_nolock" ] || fail "dioread_lock did not reduce deferred conversions"
ioend_cleanup
