#!/usr/bin/env bash
# Workload (b): AIO + O_DIRECT into a 1 GiB fallocated file, truncated
# with the writes in flight (the 2012 deadlock); must end under the watchdog.
. "$(dirname "$0")/ioend_lib.sh"
ioend_fs 2048 0
dmesg_before=$(dmesg | grep -c 'blocked for more than' || true)
rc=0
"$WL/ioend_aio_trunc" -f "$MNT/f" -s 1G -q 32 -r 3 -d 1 -w 60 || rc=$?
[ "$rc" -ne 3 ] || fail "watchdog: truncate vs direct I/O hung"
[ "$rc" -eq 0 ] || fail "ioend_aio_trunc exit $rc"
dmesg_after=$(dmesg | grep -c 'blocked for more than' || true)
[ "$dmesg_after" -eq "$dmesg_before" ] || fail "hung task report in dmesg"
