#!/bin/sh
# CONFIG_DEBUG_STABLE_WRITES on the scsi_debug DIX disk: with the check
# switched on (vm.stable_writes_check=1), the stable reproducer runs
# under wbguard stable. On the clean series: folios checked > 0,
# mismatches 0, S1 0, no guard errors. With wbg.mutation=stable-no-wait
# on the kernel command line (patches/mutations/stable-no-wait.patch
# applied, make mutations) all three detectors must fire instead: the
# debug check, wbguard stable's S1 and scsi_debug's guard check.
. $WBG_TOP/tests/vm/stable_lib.sh
SECS=${WBG_STABLE_SECS:-15}

stable_begin
$WBG_BIN/wbguard stable --dev /mnt/sd --json -- \
	$WBG_BIN/workloads/stable_repro -f /mnt/sd/repro -t "$SECS" -w 4 -m 1 -y write -q > /tmp/s.json
rc=$?
stable_end
grep '"type":"summary"' /tmp/s.json
s1=$(summary_field /tmp/s.json S1)
echo "WBG-METRIC stable-debug mutation=${mutation:-none} checked=$checked unchecked=$unchecked mismatch=$mism S1=$s1 dif_errors=$guard guard_lines=$glines wbguard_rc=$rc"

fail=0
[ "$checked" -gt 0 ] || { echo "FAIL: no folio checked"; fail=1; }
if [ "$mutation" = stable-no-wait ]; then
	[ "$mism" -gt 0 ] || { echo "FAIL: debug check saw no mismatch"; fail=1; }
	[ "${s1:-0}" -gt 0 ] || { echo "FAIL: wbguard stable reported no S1"; fail=1; }
	[ "$rc" = 1 ] || { echo "FAIL: wbguard stable exit $rc, want 1"; fail=1; }
	dmesg | grep -q 'returned a stable-writes folio under writeback' ||
		{ echo "FAIL: no write_begin warning"; fail=1; }
	[ "$guard" -gt 0 ] || [ "$glines" -gt 0 ] ||
		{ echo "FAIL: scsi_debug counted no guard error"; fail=1; }
else
	[ "$mism" = 0 ] || { echo "FAIL: $mism mismatches on the clean series"; fail=1; }
	[ "${s1:-1}" = 0 ] || { echo "FAIL: S1=$s1"; fail=1; }
	[ "$rc" = 0 ] || { echo "FAIL: wbguard stable exit $rc"; fail=1; }
	[ "$guard" = 0 ] && [ "$glines" = 0 ] || { echo "FAIL: guard errors"; fail=1; }
fi
exit $fail
