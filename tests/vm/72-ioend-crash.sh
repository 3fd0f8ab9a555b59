#!/bin/sh
# Workload (c) under wbguard ioend: chunks fdatasync'd into unwritten
# extents, EXT4_IOC_SHUTDOWN without log flush in the middle, remount
# (journal replay), verify: logged chunks intact, nothing stale or torn.
# Conversions that fail after the shutdown are reported (C4 failures) but
# fsync surfaced them, so C4 stays 0; no io_end leaks.
. $WBG_TOP/tests/vm/ioend_lib.sh
[ -z "$mutation$bench" ] || exit 77
ioend_mkfs 256
out=/tmp/ioend-c.json rc=0
$w ioend --mode $MODE --json --dev $mnt -- $wl/ioend_crash run -f $mnt/f -l /tmp/ioend-c.log -s 64M -c 256K -t 2 -d 4 -p 50 \
	> $out 2>/tmp/ioend-c.err || rc=$?
cat /tmp/ioend-c.err; grep '^ioend_crash' $out; grep '"type":"violation"' $out | head -n 5
ioend_line $out $rc
umount $mnt || fail umount
mount -t ext4 $loop $mnt || fail "remount after shutdown"
vrc=0
$wl/ioend_crash verify -f $mnt/f -l /tmp/ioend-c.log -c 256K || vrc=$?
[ "$vrc" = 0 ] || fail "crash data check"
[ "$rc" = 0 ] || fail "wbguard ioend exit $rc"
[ "$(field $out io_end_alloc)" -gt 0 ] || fail "no io_end traced"
[ "$(field $out leaks)" = 0 ] || fail "io_end leak"
ioend_cleanup
