#!/usr/bin/env bash
# Workload (a): buffered writes into fallocated chunks with concurrent
# fsync/fdatasync; every chunk verified after a remount.
. "$(dirname "$0")/ioend_lib.sh"
ioend_fs 512 1
"$WL/ioend_fsync" write -f "$MNT/f" -s 64M -c 1M -t 4 -d 4 | tee "$WBG_TMP/w" || fail "write exit $?"
remount
"$WL/ioend_fsync" verify -f "$MNT/f" | tee "$WBG_TMP/v" || fail "verify exit $?"
grep -q 'stale=0 torn=0 wrong_gen=0 bad=0' "$WBG_TMP/v" || fail "data check"
