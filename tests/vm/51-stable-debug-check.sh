#!/bin/sh
# CONFIG_DEBUG_STABLE_WRITES on the scsi_debug DIX disk: with the check on
# from boot (stable_writes_check=on), the stable reproducer runs under
# wbguard stable, which also counts the check's mismatches (S2). On the
# clean series: write bios checked > 0, mismatches 0, S1 0, S2 0, no guard
# errors. With wbg.mutation=stable-no-wait on the kernel command line
# (patches/mutations/stable-no-wait.patch applied, make mutations) all
# detectors must fire instead: the check's mismatches and warning, the
# write_begin warning (VM_WARN_ON_ONCE_FOLIO, CONFIG_DEBUG_VM), wbguard
# stable's S1 and S2, and scsi_debug's guard check. wbg.stable_fs=xfs runs it on
# xfs (iomap's buffered writes), where wbg.mutation=stable-no-wait-iomap
# (iomap_get_folio() without FGP_STABLE) must fire the same detectors, the
# warning from iomap_write_begin().
. $WBG_TOP/tests/vm/stable_lib.sh
SECS=${WBG_STABLE_SECS:-15}
for a in $(cat /proc/cmdline); do
	case "$a" in wbg.stable_fs=*) STABLE_FS=${a#*=} ;; esac
done

stable_begin
$WBG_BIN/wbguard stable --dev /mnt/sd --json -- \
	$WBG_BIN/workloads/stable_repro -f /mnt/sd/repro -t "$SECS" -w 4 -m 1 -y write -q > /tmp/s.json
rc=$?
stable_end
grep '"type":"summary"' /tmp/s.json
s1=$(summary_field /tmp/s.json S1) s2=$(summary_field /tmp/s.json S2)
echo "WBG-METRIC stable-debug fs=$STABLE_FS mutation=${mutation:-none} checked_bios=$checked checked_kib=$kib skipped=$skipped mismatch=$mism S1=$s1 S2=$s2 dif_errors=$guard guard_lines=$glines wbguard_rc=$rc"

fail=0
[ "$checked" -gt 0 ] || { echo "FAIL: no write bio checked"; fail=1; }
grep -q '"S2_check":"on"' /tmp/s.json || { echo "FAIL: wbguard stable did not see the check on"; fail=1; }
# wbguard ends before the unmount, whose writes the kernel's count includes
[ "${s2:-1}" -le "$mism" ] || { echo "FAIL: S2=$s2 > the check's $mism mismatches"; fail=1; }
if [ "$mutation" = stable-no-wait ] || [ "$mutation" = stable-no-wait-iomap ]; then
	[ "$mism" -gt 0 ] || { echo "FAIL: debug check saw no mismatch"; fail=1; }
	[ "${s2:-0}" -gt 0 ] || { echo "FAIL: wbguard stable reported no S2"; fail=1; }
	[ "${s1:-0}" -gt 0 ] || { echo "FAIL: wbguard stable reported no S1"; fail=1; }
	[ "$rc" = 1 ] || { echo "FAIL: wbguard stable exit $rc, want 1"; fail=1; }
	grep -m1 '"type":"S2"' /tmp/s.json
	dmesg | grep -q 'stable writes: data changed while being written' ||
		{ echo "FAIL: no mismatch warning from the check"; fail=1; }
	dmesg | grep -q 'VM_WARN_ON_ONCE_FOLIO(folio_stable_under_writeback' ||
		{ echo "FAIL: no write_begin / iomap_write_begin warning"; fail=1; }
	[ "$guard" -gt 0 ] || [ "$glines" -gt 0 ] ||
		{ echo "FAIL: scsi_debug counted no guard error"; fail=1; }
else
	[ "$mism" = 0 ] || { echo "FAIL: $mism mismatches on the clean series"; fail=1; }
	[ "$skipped" = 0 ] || { echo "FAIL: $skipped write bios left unchecked"; fail=1; }
	[ "${s1:-1}" = 0 ] || { echo "FAIL: S1=$s1"; fail=1; }
	[ "${s2:-1}" = 0 ] || { echo "FAIL: S2=$s2"; fail=1; }
	[ "$rc" = 0 ] || { echo "FAIL: wbguard stable exit $rc"; fail=1; }
	[ "$guard" = 0 ] && [ "$glines" = 0 ] || { echo "FAIL: guard errors"; fail=1; }
fi
exit $fail
