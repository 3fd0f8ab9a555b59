#!/usr/bin/env bash
# wbguard stable's default mode keeps every pwrite writer on the common
# path: without --writers no stable wait marks its thread, so the dirty
# that follows a write_begin wait takes no task lookup (dirtied_slow_path
# 0: only S1 episodes, which this workload never opens, would), no mark
# is left, the writer count is not reported (writer_pairing false, no
# waits_stable_writer), and S1 is judged as with it: 0, pass.
. "$(dirname "$0")/lib.sh"
wbg_fs ext4 1
out=$WBG_TMP/out.json wl=$WBG_TMP/wl.txt
rc=0
"$WBG" stable --json --dev "$MNT" -- \
	bash -c 'exec "$0" "$@" > "'"$wl"'"' "$REPRO" -f "$MNT/f" -w 4 -m 0 -t "${SECS:-4}" -q -y write \
	> "$out" || rc=$?
cat "$wl" "$out"
grep -q 'verify_errors=0 bad_records=0 io_errors=0' "$wl" || fail "reproducer data check"
[ "$rc" -eq 0 ] || fail "wbguard exit $rc"
[ "$(json_field "$out" verdict)" = pass ] || fail "verdict not pass"
[ "$(json_field "$out" S1)" -eq 0 ] || fail "S1 on a correct kernel"
[ "$(json_field "$out" dirtied_stable)" -gt 1000 ] || fail "stable folios not seen"
ws=$(json_field "$out" waits_stable)
[ "$ws" -gt 0 ] || fail "no stable wait seen: nothing to prove"
[ "$(json_field "$out" writer_pairing)" = false ] || fail "writer pairing on by default"
! grep -q '"waits_stable_writer"' "$out" || fail "waits_stable_writer reported without --writers"
slow=$(json_field "$out" dirtied_slow_path)
[ "$slow" -eq 0 ] || fail "$slow dirties after $ws stable waits took the task lookup"
[ "$(json_field "$out" task_marks_at_exit)" -eq 0 ] || fail "marks left at exit"
echo "PASS: $ws stable waits, every dirty on the common path, S1 0"
