#!/usr/bin/env bash
# A ring buffer far too small for the event rate must give "unknown"
# (exit 3) with the losses counted, never a pass.
. "$(dirname "$0")/lib.sh"
wbg_fs ext4 0
out=$WBG_TMP/out.json
rc=0
"$WBG" stable --json --all-events --ringbuf-kb 4 --dev "$MNT" -- \
	"$REPRO" -f "$MNT/f" -t 4 -q -y write > "$out" || rc=$?
grep '"type":"summary"' "$out"
[ "$rc" -eq 3 ] || fail "exit $rc, want 3"
[ "$(json_field "$out" lost)" -gt 0 ] || fail "no loss counted"
[ "$(json_field "$out" verdict)" = unknown ] || fail "verdict not unknown"
