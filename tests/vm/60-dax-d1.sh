#!/bin/sh
# D1 on the patched kernel: ext4 on /dev/pmem0 mounted -o dax, the
# dax_fault workload (unwritten extents and holes, PTE and PMD write and
# read faults, truncate/hole-punch race) under `wbguard dax --mode series`,
# then e2fsck, a remount and dax_fault --verify-only.
#
# Clean series: 0 D1, nothing lost or unpaired, conversions > 0, PTE and
# PMD faults both seen (at least one PMD fault mapped without fallback),
# data intact before and after the remount.
# With wbg.mutation=dax-unwritten-no-convert on the kernel command line
# (the kernel carries patches/mutations/dax-unwritten-no-convert.patch):
# wbguard must report D1 > 0 (verdict violation; exit 1, even when the workload's
# own check fails too) and the data check must find the
# written data missing or stale after the remount. Either way the test
# passes only if wbguard and the data check agree with the kernel.
set -u
. $WBG_TOP/tests/vm/dax_lib.sh
dax_mount

out=/tmp/dax-d1.json
rc=0
$w dax --mode series --json --dev $mnt -- $wl -f $mnt/f -D -t 2 > $out 2>/tmp/dax-d1.err || rc=$?
cat /tmp/dax-d1.err $out | head -n 40
wlline=$(grep '^dax_fault:.*result=' $out /tmp/dax-d1.err | tail -n 1)
echo "workload: $wlline"
d1=$(field $out D1) lost=$(field $out lost) unm=$(field $out unmatched)
conv=$(field $out conversions) pte=$(field $out faults_pte) pmd=$(field $out faults_pmd)
pmdfb=$(field $out pmd_fallbacks) ipmd=$(field $out iomap_pmd) met=$(field $out d1_met_unwritten)
echo "wbguard dax: exit $rc D1=$d1 lost=$lost unmatched=$unm conversions=$conv faults_pte=$pte faults_pmd=$pmd pmd_fallbacks=$pmdfb iomap_pmd=$ipmd met_unwritten=$met"
[ "$(field $out mode)" = '"series"' ] || fail "not in series mode"
[ "$lost" = 0 ] || fail "events lost"
[ "$unm" = 0 ] || fail "write faults without their ext4 lookup: $unm"
[ "${pte:-0}" -gt 0 ] || fail "no PTE fault seen"
[ "${pmd:-0}" -gt 0 ] || fail "no PMD fault seen"
[ "${met:-0}" -gt 0 ] || fail "no write fault met an unwritten extent"

umount $mnt || fail umount
e2fsck -fn $dev > /tmp/dax-fsck.log 2>&1 || { cat /tmp/dax-fsck.log; fail "e2fsck found errors"; }
mount -t ext4 -o dax $dev $mnt || fail remount
vrc=0
$wl -f $mnt/f -D --verify-only > /tmp/dax-verify.log 2>&1 || vrc=$?
tail -n 6 /tmp/dax-verify.log
vline=$(grep 'verify-only' /tmp/dax-verify.log)
umount $mnt

if [ -z "$mutation" ]; then
	[ "$rc" = 0 ] || fail "wbguard dax exit $rc on the clean series"
	[ "$d1" = 0 ] || fail "D1 violations on the clean series: $d1"
	[ "$(field $out verdict)" = '"pass"' ] || fail "verdict not pass"
	[ "${conv:-0}" -gt 0 ] || fail "no unwritten-extent conversion seen"
	[ "${pmdfb:-0}" -lt "$pmd" ] || fail "every PMD fault fell back to PTEs ($pmdfb of $pmd)"
	echo "$wlline" | grep -q 'result=ok' || fail "workload data check failed"
	[ "$vrc" = 0 ] || fail "data check after remount failed"
	echo "dax D1 clean: D1=0 conversions=$conv faults_pte=$pte faults_pmd=$pmd (fallbacks $pmdfb)"
else
	# 1: a violation wins over the workload's own failed data check
	[ "$rc" = 1 ] || fail "mutation $mutation: wbguard dax exit $rc, want 1"
	[ "$(field $out verdict)" = '"violation"' ] || fail "mutation $mutation: verdict not violation"
	[ "${d1:-0}" -gt 0 ] || fail "mutation $mutation: D1 did not fire"
	grep -q '"type":"D1"' $out || fail "no D1 line"
	[ "$vrc" = 1 ] || fail "mutation $mutation: data check after remount passed (exit $vrc)"
	echo "$vline" | grep -Eq 'missing=[1-9]|stale=[1-9]' || fail "no missing or stale data reported"
	echo "dax D1 mutation $mutation caught: D1=$d1; after remount: $vline"
fi
