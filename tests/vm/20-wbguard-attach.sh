#!/bin/sh
# The wbguard stable tracepoint programs load and attach in the guest and see writeback.
w=$WBG_BIN/wbguard
[ -x $w ] || { echo "FAIL: no $w (make vm-bins)"; exit 1; }
( i=0; while [ $i -lt 20 ]; do dd if=/dev/zero of=/tmp/wbg-attach bs=4k count=8 conv=fsync 2>/dev/null; i=$((i + 1)); done ) &
out=$($w stable -d 3 --json); rc=$?
wait
echo "$out" | tail -n 3
# 5: no stable-writes mapping was dirtied (tmpfs here): unchecked, no pass
[ $rc -eq 0 ] || [ $rc -eq 5 ] || { echo "wbguard stable exit $rc"; exit 1; }
echo "$out" | grep -q '"type":"summary"' || { echo "no JSON summary"; exit 1; }
echo "wbguard stable: loaded, attached, summary ok"
