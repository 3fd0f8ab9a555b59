#!/usr/bin/env bash
# Usage: stable_mode.sh FSTYPE STABLE
# Runs the reproducer under wbguard stable on a loop device and checks:
#   stable_writes=1: S1 = 0, verdict pass, and writers were held back by
#                    stable-page waits (outside fsync/msync/sync_file_range)
#   stable_writes=0: rewrites under writeback > 0 (the detector sees them),
#                    no stable mapping involved: S1 judged nothing, so
#                    verdict unchecked, exit 5 (never a pass)
. "$(dirname "$0")/lib.sh"
fstype=$1 stable=$2
wbg_fs "$fstype" "$stable"
out=$WBG_TMP/out.json
rc=0
"$WBG" stable --json --dev "$MNT" -- "$REPRO" -f "$MNT/f" -t 6 -q -y write > "$out" || rc=$?
cat "$out"
[ "$rc" -eq $(( stable ? 0 : 5 )) ] || fail "wbguard exit $rc"
grep -q 'verify_errors=0 bad_records=0 io_errors=0' "$out" || fail "reproducer data check"
dirtied=$(json_field "$out" dirtied)
[ "$dirtied" -gt 1000 ] || fail "only $dirtied folios dirtied: tracepoint not seen"
[ "$(json_field "$out" S1)" -eq 0 ] || fail "S1 violations on a correct kernel"
[ "$(json_field "$out" lost)" -eq 0 ] || fail "events lost"
if [ "$stable" = 1 ]; then
	[ "$(json_field "$out" verdict)" = pass ] || fail "verdict not pass"
	[ "$(json_field "$out" dirtied_stable)" -eq "$dirtied" ] || fail "mapping not seen as stable"
	w=$(json_field "$out" waits_stable_writer)
	[ "$w" -gt 0 ] || fail "no stable-page wait by a writer"
	[ "$(json_field "$out" rewrites_under_writeback)" -eq 0 ] || fail "non-stable rewrites on a stable fs"
else
	[ "$(json_field "$out" dirtied_stable)" -eq 0 ] || fail "mapping seen as stable"
	[ "$(json_field "$out" verdict)" = unchecked ] || fail "verdict not unchecked"
	json_field "$out" unchecked_reason | grep -q 'stable-writes mapping' || fail "no unchecked reason"
	r=$(json_field "$out" rewrites_under_writeback)
	[ "$r" -gt 0 ] || fail "no rewrite under writeback seen with stable_writes=0"
	[ "$(json_field "$out" waits_stable_writer)" -eq 0 ] || fail "stable waits without stable writes"
fi
