#!/bin/sh
# The stable-writes check must not call it a violation when bytes that are
# not under I/O change, and must check the bytes that are: on a 1k-block
# ext4, stable_partial writes 64 bytes into a hole (one dirty block, three
# holes, folio not uptodate), starts its writeback and reads the page at
# once, so block_read_full_folio() zeroes the holes while the block is in
# flight. The check hashes the bio's segments, i.e. the written 1 KiB
# block only: every such block is checked (write bios >= pages x rounds),
# none mismatches, no S1, no S2, no guard error. (The folio-based check
# of revisions 1-2 hashed whole folios: revision 1 reported the filled
# holes as mismatches, revision 2 skipped these folios altogether.)
. $WBG_TOP/tests/vm/stable_lib.sh
PAGES=256 ROUNDS=4 STABLE_FS=ext4

stable_begin "-b 1024"
$WBG_BIN/wbguard stable --dev /mnt/sd --json -- \
	$WBG_BIN/workloads/stable_partial -f /mnt/sd/partial -p $PAGES -r $ROUNDS > /tmp/p.json
rc=$?
stable_end
grep 'stable_partial:' /tmp/p.json
grep '"type":"summary"' /tmp/p.json
s1=$(summary_field /tmp/p.json S1) s2=$(summary_field /tmp/p.json S2)
echo "WBG-METRIC stable-partial mutation=${mutation:-none} checked_bios=$checked checked_kib=$kib skipped=$skipped mismatch=$mism S1=$s1 S2=$s2 dif_errors=$guard guard_lines=$glines wbguard_rc=$rc"

fail=0
grep -q 'stable_partial:.*result=ok' /tmp/p.json || { echo "FAIL: workload"; fail=1; }
[ "${s1:-1}" = 0 ] || { echo "FAIL: S1=$s1"; fail=1; }
[ "${s2:-1}" = 0 ] || { echo "FAIL: S2=$s2"; fail=1; }
[ "$guard" = 0 ] && [ "$glines" = 0 ] || { echo "FAIL: guard errors"; fail=1; }
[ "$rc" = 0 ] || { echo "FAIL: wbguard stable exit $rc"; fail=1; }
[ "$mism" = 0 ] || { echo "FAIL: $mism mismatches on the clean series"; fail=1; }
[ "$skipped" = 0 ] || { echo "FAIL: $skipped write bios left unchecked"; fail=1; }
# each pwrite's block goes out in a bio of its own (sync_file_range per page)
[ "$checked" -ge $((PAGES * ROUNDS)) ] ||
	{ echo "FAIL: $checked write bios checked, want >= $((PAGES * ROUNDS)) (one per partly written folio)"; fail=1; }
exit $fail
