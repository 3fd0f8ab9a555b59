#!/bin/sh
# The debug check must not call it a violation when bytes that are not
# under I/O change: on a 1k-block ext4, stable_partial writes 64 bytes
# into a hole (one dirty block, three holes, folio not uptodate), starts
# its writeback and reads the page at once, so block_read_full_folio()
# zeroes the holes while the block is in flight. Clean series: no
# mismatch, the partly written folios counted as unchecked, no S1, no
# guard error. With wbg.mutation=stable-check-partial (the check hashes
# every folio, as in v1 of the series) the same run must give mismatches:
# the reproducer does hit the case.
. $WBG_TOP/tests/vm/stable_lib.sh

stable_begin "-b 1024"
$WBG_BIN/wbguard stable --dev /mnt/sd --json -- \
	$WBG_BIN/workloads/stable_partial -f /mnt/sd/partial -p 256 -r 4 > /tmp/p.json
rc=$?
stable_end
grep 'stable_partial:' /tmp/p.json
grep '"type":"summary"' /tmp/p.json
s1=$(summary_field /tmp/p.json S1)
echo "WBG-METRIC stable-partial mutation=${mutation:-none} checked=$checked unchecked=$unchecked mismatch=$mism S1=$s1 dif_errors=$guard guard_lines=$glines wbguard_rc=$rc"

fail=0
grep -q 'stable_partial:.*result=ok' /tmp/p.json || { echo "FAIL: workload"; fail=1; }
[ "${s1:-1}" = 0 ] || { echo "FAIL: S1=$s1"; fail=1; }
[ "$guard" = 0 ] && [ "$glines" = 0 ] || { echo "FAIL: guard errors"; fail=1; }
if [ "$mutation" = stable-check-partial ]; then
	[ "$mism" -gt 0 ] || { echo "FAIL: the whole-folio check saw no mismatch"; fail=1; }
else
	[ "$rc" = 0 ] || { echo "FAIL: wbguard stable exit $rc"; fail=1; }
	[ "$mism" = 0 ] || { echo "FAIL: $mism mismatches on the clean series"; fail=1; }
	[ "$unchecked" -gt 0 ] || { echo "FAIL: no partly written folio under writeback"; fail=1; }
fi
exit $fail
