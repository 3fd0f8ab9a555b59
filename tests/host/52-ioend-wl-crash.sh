#!/usr/bin/env bash
# Workload (c): fdatasync'd data in unwritten extents survives
# EXT4_IOC_SHUTDOWN (no log flush) + remount; nothing stale shows.
. "$(dirname "$0")/ioend_lib.sh"
ioend_fs 512 1
for i in 1 2 3; do
	rm -f "$MNT/f"
	"$WL/ioend_crash" run -f "$MNT/f" -l "$WBG_TMP/log" -s 128M -c 256K -t 4 -d 3 -p $((20 * i)) \
		|| fail "run exit $?"
	remount
	"$WL/ioend_crash" verify -f "$MNT/f" -l "$WBG_TMP/log" -c 256K | tee "$WBG_TMP/v" \
		|| fail "verify exit $? (round $i)"
	grep -q 'stale=0 torn=0 lost_after_fsync=0 bad=0' "$WBG_TMP/v" || fail "data check"
done
