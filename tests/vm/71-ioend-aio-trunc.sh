#!/bin/sh
# Workload (b) under wbguard ioend: AIO + O_DIRECT into a 1 GiB fallocated
# file with a concurrent truncate (the 2012 deadlock) must finish under the
# workload's watchdog; the direct-I/O conversions are seen through
# ext4_convert_unwritten_extents; no hung task (dmesg is scanned at the end).
. $WBG_TOP/tests/vm/ioend_lib.sh
[ -z "$mutation$bench" ] || exit 77
ioend_mkfs 1536
out=/tmp/ioend-b.json rc=0
$w ioend --mode $MODE --json --dev $mnt -- $wl/ioend_aio_trunc -f $mnt/f -s 1G -q 16 -b 64K -r 2 -d 2 -w 90 \
	> $out 2>/tmp/ioend-b.err || rc=$?
cat /tmp/ioend-b.err; grep '^ioend_aio_trunc' $out
ioend_line $out $rc
[ "$rc" != 4 ] || fail "workload failed (exit 3 from the workload = hung)"
[ "$rc" = 0 ] || fail "wbguard ioend exit $rc"
[ "$(field $out lost)" = 0 ] || fail "events lost"
[ "$(field $out convert_extents)" -gt 0 ] || fail "no direct-I/O conversion seen"
dmesg | grep -q 'blocked for more than' && fail "hung task"
ioend_cleanup
