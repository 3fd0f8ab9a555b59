#!/bin/sh
# D1 from mainline events (wbguard dax --mode mainline: iomap_iter,
# iomap_iter_dstmap and ext4's block-lookup events; the series has no DAX
# tracepoint): ext4 on /dev/pmem0 mounted -o dax, the dax_fault workload
# (unwritten extents and holes, PTE and PMD write and read faults,
# truncate/hole-punch race), then e2fsck, a remount and
# dax_fault --verify-only.
#
# Clean kernel: D1 0, every ext4 write fault paired and judged, some met an
# unwritten extent and were converted, nothing lost, verdict pass; PTE and
# PMD faults both seen (at least one PMD fault mapped without fallback);
# data intact before and after the remount.
# With wbg.mutation=dax-unwritten-no-convert on the kernel command line
# (the kernel carries patches/mutations/dax-unwritten-no-convert.patch:
# ext4_iomap_begin() hands an unwritten extent to DAX as MAPPED, without
# ext4_iomap_alloc()): D1 > 0, verdict violation, exit 1 (even when the
# workload's own check fails too), and the data check must find the written
# data missing or stale after the remount. Either way the test passes only
# if wbguard and the data check agree with the kernel.
set -u
. $WBG_TOP/tests/vm/dax_lib.sh
dax_mount
out=/tmp/dax-ml.json rc=0
$w dax --mode mainline --json --dev $mnt -- $wl -f $mnt/f -D -t 2 > $out 2>/tmp/dax-ml.err || rc=$?
cat /tmp/dax-ml.err; grep -v '"type":"summary"' $out | head -n 5; grep '"type":"summary"' $out
wlline=$(grep '^dax_fault:.*result=' $out /tmp/dax-ml.err | tail -n 1)
echo "workload: $wlline"
d1=$(field $out D1) lost=$(field $out lost) unm=$(field $out unmatched)
chk=$(field $out d1_checked) met=$(field $out d1_met_unwritten) conv=$(field $out conversions)
ipte=$(field $out iomap_pte) ipmd=$(field $out iomap_pmd)
pte=$(field $out faults_pte) pmd=$(field $out faults_pmd) pmdfb=$(field $out pmd_fallbacks)
echo "WBG-METRIC dax-mainline mutation=${mutation:-none} exit=$rc D1=$d1 d1_checked=$chk met_unwritten=$met conversions=$conv iomap_pte=$ipte iomap_pmd=$ipmd faults_pte=$pte faults_pmd=$pmd pmd_fallbacks=$pmdfb unmatched=$unm lost=$lost"
[ "$(field $out mode)" = '"mainline"' ] || fail "not in mainline mode"
[ "$lost" = 0 ] || fail "events lost"
[ "$unm" = 0 ] || fail "write faults without their ext4 lookup: $unm"
[ "${chk:-0}" -gt 0 ] || fail "no ext4 DAX write fault judged"
[ "${met:-0}" -gt 0 ] || fail "no write fault met an unwritten extent"
[ "${pte:-0}" -gt 0 ] || fail "no PTE fault seen"
[ "${pmd:-0}" -gt 0 ] || fail "no PMD fault seen"

umount $mnt || fail umount
e2fsck -fn $dev > /tmp/dax-fsck.log 2>&1 || { cat /tmp/dax-fsck.log; fail "e2fsck found errors"; }
mount -t ext4 -o dax $dev $mnt || fail remount
vrc=0
$wl -f $mnt/f -D --verify-only > /tmp/dax-verify.log 2>&1 || vrc=$?
tail -n 6 /tmp/dax-verify.log
vline=$(grep 'verify-only' /tmp/dax-verify.log)
umount $mnt

if [ -z "$mutation" ]; then
	[ "$rc" = 0 ] || fail "wbguard dax --mode mainline exit $rc on the clean kernel"
	[ "$d1" = 0 ] || fail "D1 on the clean kernel: $d1"
	[ "$(field $out verdict)" = '"pass"' ] || fail "verdict not pass"
	[ "${conv:-0}" -gt 0 ] || fail "no zero+convert seen"
	[ "${pmdfb:-0}" -lt "$pmd" ] || fail "every PMD fault fell back to PTEs ($pmdfb of $pmd)"
	echo "$wlline" | grep -q 'result=ok' || fail "workload data check failed"
	[ "$vrc" = 0 ] || fail "data check after remount failed"
	echo "dax D1 from mainline events, clean: D1=0, $chk write faults judged, $met met unwritten, $conv converted; faults_pte=$pte faults_pmd=$pmd (fallbacks $pmdfb); data intact after remount"
else
	# 1: a violation wins over the workload's own failed data check
	[ "$rc" = 1 ] || fail "mutation $mutation: exit $rc, want 1"
	[ "${d1:-0}" -gt 0 ] || fail "mutation $mutation: D1 did not fire"
	[ "$(field $out verdict)" = '"violation"' ] || fail "verdict not violation"
	grep -q '"type":"D1"' $out || fail "no D1 line"
	[ "$vrc" = 1 ] || fail "mutation $mutation: data check after remount passed (exit $vrc)"
	echo "$vline" | grep -Eq 'missing=[1-9]|stale=[1-9]' || fail "no missing or stale data reported"
	echo "dax D1 mutation $mutation caught from mainline events: D1=$d1; after remount: $vline"
fi
