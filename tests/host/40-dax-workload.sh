#!/usr/bin/env bash
# The DAX fault workload on ext4 without DAX (the host has no pmem): the
# page cache stands in for DAX, so this proves the workload's own checks.
#  - a clean run passes, and its data survives a remount (--verify-only);
#  - detection power: zeroing a written range with FALLOC_FL_ZERO_RANGE
#    (ext4 turns it back into an unwritten extent: what a lost DAX
#    conversion leaves behind) makes --verify-only fail with "missing"
#    data and an UNWRITTEN extent; a wrong seed fails too.
. "$(dirname "$0")/lib.sh"
DAXW=${DAXW:-$(dirname "$WBG")/workloads/dax_fault}
[ -x "$DAXW" ] || fail "no $DAXW (make workloads)"
wbg_fs ext4 0
out=$WBG_TMP/out
"$DAXW" -f "$MNT/f" -t 1 > "$out" 2>&1 || { cat "$out"; fail "workload exit $?"; }
cat "$out"
grep -q 'result=ok' "$out" || fail "workload did not pass"
grep -q 'dax=no' "$out" || fail "DAX on a loop device?"
grep -qE 'race_writes=[1-9]' "$out" || fail "race writers did nothing"
grep -qE 'punches=[1-9]' "$out" || fail "no hole punched"
grep -qE 'truncates=[1-9]' "$out" || fail "no truncate"
umount "$MNT" && mount "$LOOP" "$MNT"
"$DAXW" -f "$MNT/f" --verify-only || fail "data lost across remount"
rc=0; "$DAXW" -f "$MNT/f" --verify-only -s 99 > "$out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { cat "$out"; fail "wrong seed: exit $rc, want 1"; }
# the PMD-write region (2..4 MiB) back to unwritten
fallocate -z -o $((2 << 20)) -l $((2 << 20)) "$MNT/f"
rc=0; "$DAXW" -f "$MNT/f" --verify-only > "$out" 2>&1 || rc=$?
cat "$out"
[ "$rc" -eq 1 ] || fail "zeroed range: exit $rc, want 1"
grep -q 'missing (reads zeros)' "$out" || fail "missing data not reported"
grep -q 'UNWRITTEN extent' "$out" || fail "unwritten extent not reported"
grep -q '(pmd-write)' "$out" || fail "wrong region reported"
echo "dax_fault workload: clean pass, remount pass, lost conversion caught"
