#!/usr/bin/env bash
# wbguard dax on the running kernel (the host's 6.18): auto mode must pick
# mainline (D1 from mainline events) and, with no DAX fault here, end
# unchecked (exit 5); --mode stock must say D1 is not checked and end
# unchecked; the removed --mode series must exit 2 with a one-line message
# that names mainline mode.
. "$(dirname "$0")/lib.sh"
DAXW=${DAXW:-$(dirname "$WBG")/workloads/dax_fault}
"$WBG" dax --help > "$WBG_TMP/help" || fail "dax --help exit $?"
for w in EXAMPLES 'EXIT STATUS' --duration --dev --pid --json --mode --ringbuf-kb --verbose; do
	grep -q -- "$w" "$WBG_TMP/help" || fail "dax --help lacks $w"
done
rc=0; "$WBG" dax --mode bogus -d 1 2> "$WBG_TMP/err" || rc=$?
[ "$rc" -eq 2 ] || fail "bad --mode: exit $rc, want 2"
rc=0; "$WBG" dax --mode series -d 1 > /dev/null 2> "$WBG_TMP/err" || rc=$?
cat "$WBG_TMP/err"
[ "$rc" -eq 2 ] || fail "--mode series: exit $rc, want 2"
[ "$(wc -l < "$WBG_TMP/err")" -eq 1 ] || fail "--mode series: not one line"
grep -q 'mode series was removed.*--mode mainline' "$WBG_TMP/err" || fail "--mode series: no clear message"
want_mode=mainline
wbg_fs ext4 0
out=$WBG_TMP/out.json
rc=0
"$WBG" dax --json --dev "$MNT" -- "$DAXW" -f "$MNT/f" -t 0.5 -q > "$out" || rc=$?
cat "$out"
grep -q 'result=ok' "$out" || fail "workload failed"
[ "$(json_field "$out" mode)" = "$want_mode" ] || fail "mode not $want_mode"
[ "$(json_field "$out" lost)" -eq 0 ] || fail "events lost"
# no DAX on a loop device: nothing judged, never a pass
[ "$rc" -eq 5 ] || fail "mainline mode exit $rc, want 5 (unchecked)"
[ "$(json_field "$out" verdict)" = unchecked ] || fail "verdict not unchecked"
json_field "$out" unchecked_reason | grep -q 'no ext4 DAX write fault' || fail "no unchecked reason"
[ "$(json_field "$out" d1_checked)" -eq 0 ] || fail "write faults judged without DAX?"
[ "$(json_field "$out" iomap_pte)" -eq 0 ] || fail "DAX write faults followed on a non-DAX fs?"
want_mode=stock
rc=0
"$WBG" dax --json --mode "$want_mode" --dev "$MNT" -- "$DAXW" -f "$MNT/f" -t 0.5 -q > "$out" || rc=$?
cat "$out"
grep -q 'result=ok' "$out" || fail "workload failed"
[ "$(json_field "$out" mode)" = "$want_mode" ] || fail "mode not $want_mode"
[ "$(json_field "$out" lost)" -eq 0 ] || fail "events lost"
[ "$rc" -eq 5 ] || fail "stock mode exit $rc, want 5 (unchecked)"
json_field "$out" unchecked_reason | grep -q 'stock mode' || fail "no unchecked reason"
[ "$(json_field "$out" verdict)" = unchecked ] || fail "verdict not unchecked"
[ "$(json_field "$out" D1)" = null ] || fail "D1 reported in stock mode"
json_field "$out" 'impossible[0]' | grep -q '^D1:' || fail "impossible checks not stated"
# no DAX on a loop device: nothing counted
[ "$(json_field "$out" faults_pte)" -eq 0 ] || fail "DAX faults on a non-DAX fs?"
# text mode says so too
rc=0; "$WBG" dax --mode stock -d 1 > "$WBG_TMP/text" 2>&1 || rc=$?
[ "$rc" -eq 5 ] || fail "text mode exit $rc, want 5"
grep -q 'D1 .*not checked' "$WBG_TMP/text" || fail "text mode does not say D1 is unchecked"
grep -q '^verdict: unchecked (stock mode' "$WBG_TMP/text" || fail "text verdict line"
echo "wbguard dax: auto (mainline) mode, stock mode and the removed series mode ok"
