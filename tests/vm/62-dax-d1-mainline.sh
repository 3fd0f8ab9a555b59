#!/bin/sh
# D1 from mainline events only (wbguard dax --mode mainline: iomap_iter,
# iomap_iter_dstmap and ext4's block-lookup events, no series tracepoint),
# on the same kernel and workload as tests/vm/60-dax-d1.sh: ext4 -o dax on
# /dev/pmem0, the dax_fault workload (unwritten extents and holes, PTE and
# PMD faults, truncate/hole-punch race).
#
# Clean series: D1 0, every ext4 write fault paired and judged, some met
# an unwritten extent and were converted, nothing lost, verdict pass.
# With wbg.mutation=dax-unwritten-no-convert (ext4_iomap_begin() hands an
# unwritten extent to DAX as MAPPED, without ext4_iomap_alloc()): D1 > 0,
# verdict violation, exit 1 — the same finding as the series' events.
set -u
. $WBG_TOP/tests/vm/dax_lib.sh
dax_mount
out=/tmp/dax-ml.json rc=0
$w dax --mode mainline --json --dev $mnt -- $wl -f $mnt/f -D -t 2 > $out 2>/tmp/dax-ml.err || rc=$?
cat /tmp/dax-ml.err; grep -v '"type":"summary"' $out | head -n 5; grep '"type":"summary"' $out
umount $mnt
d1=$(field $out D1) lost=$(field $out lost) unm=$(field $out unmatched)
chk=$(field $out d1_checked) met=$(field $out d1_met_unwritten) conv=$(field $out conversions)
ipte=$(field $out iomap_pte) ipmd=$(field $out iomap_pmd)
echo "WBG-METRIC dax-mainline mutation=${mutation:-none} exit=$rc D1=$d1 d1_checked=$chk met_unwritten=$met conversions=$conv iomap_pte=$ipte iomap_pmd=$ipmd unmatched=$unm lost=$lost"
[ "$(field $out mode)" = '"mainline"' ] || fail "not in mainline mode"
[ "$lost" = 0 ] || fail "events lost"
[ "${chk:-0}" -gt 0 ] || fail "no ext4 DAX write fault judged"
[ "${met:-0}" -gt 0 ] || fail "no write fault met an unwritten extent"
if [ -z "$mutation" ]; then
	[ "$rc" = 0 ] || fail "wbguard dax --mode mainline exit $rc on the clean series"
	[ "$d1" = 0 ] || fail "D1 on the clean series: $d1"
	[ "$unm" = 0 ] || fail "write faults without their lookup: $unm"
	[ "${conv:-0}" -gt 0 ] || fail "no zero+convert seen"
	[ "$(field $out verdict)" = '"pass"' ] || fail "verdict not pass"
	echo "dax D1 from mainline events, clean: D1=0, $chk write faults judged, $met met unwritten, $conv converted"
else
	[ "$rc" = 1 ] || fail "mutation $mutation: exit $rc, want 1"
	[ "${d1:-0}" -gt 0 ] || fail "mutation $mutation: D1 did not fire"
	[ "$(field $out verdict)" = '"violation"' ] || fail "verdict not violation"
	grep -q '"type":"D1"' $out || fail "no D1 line"
	echo "dax D1 mutation $mutation caught from mainline events: D1=$d1"
fi
