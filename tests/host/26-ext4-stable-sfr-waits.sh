#!/usr/bin/env bash
# wbguard stable counts as "writers held back" only waits that held back a
# writer: write_begin's (page_mkwrite's order is the episode's). One pwrite
# writer with sync_file_range(WAIT_BEFORE | WRITE | WAIT_AFTER) on ext4 with
# stable_writes=1 waits only in sync_file_range, without the folio lock:
# each folio's writeback has ended when sync_file_range returns and nothing
# else dirties the file, so its next pwrite never waits in write_begin.
# Checks: stable waits > 0, writers held back = 0 (the rule before counted
# a sync_file_range wait whose thread next dirtied that folio), and no
# thread holds a mark: dirty_folio's common path (no task lookup) took
# every dirtied folio and no mark is left at exit (task_marks_at_exit).
. "$(dirname "$0")/lib.sh"
wbg_fs ext4 1
out=$WBG_TMP/out.json wl=$WBG_TMP/wl.txt
rc=0
"$WBG" stable --json --writers --dev "$MNT" -- \
	bash -c 'exec "$0" "$@" > "'"$wl"'"' "$REPRO" -f "$MNT/f" -w 1 -m 0 -t "${SECS:-4}" -q -y wait \
	> "$out" || rc=$?
cat "$wl" "$out"
grep -q 'verify_errors=0 bad_records=0 io_errors=0' "$wl" || fail "reproducer data check"
[ "$rc" -eq 0 ] || fail "wbguard exit $rc"
[ "$(json_field "$out" verdict)" = pass ] || fail "verdict not pass"
[ "$(json_field "$out" dirtied_stable)" -gt 1000 ] || fail "stable folios not seen"
ws=$(json_field "$out" waits_stable)
[ "$ws" -gt 0 ] || fail "no sync_file_range wait seen"
w=$(json_field "$out" waits_stable_writer)
[ "$w" -eq 0 ] || fail "$w of $ws sync_file_range waits counted as writers held back"
slow=$(json_field "$out" dirtied_slow_path)
[ "$slow" -eq 0 ] || fail "$slow folios dirtied outside writeback took the task lookup"
[ "$(json_field "$out" task_marks_at_exit)" -eq 0 ] || fail "marks left at exit"
echo "PASS: $ws sync_file_range waits, none counted as a writer held back; common path for every folio"
