#!/usr/bin/env bash
# Workload (d), ENOSPC half: a full filesystem, scattered writes splitting
# unwritten extents; what fdatasync accepted reads back.
. "$(dirname "$0")/ioend_lib.sh"
wbg_fs ext4 0
"$WL/ioend_errors" -m enospc -f "$MNT/f" -t 2 -d 3 | tee "$WBG_TMP/o" || fail "exit $?"
grep -q 'verify: checked=[1-9][0-9]* bad=0' "$WBG_TMP/o" || fail "nothing verified"
