#!/usr/bin/env bash
# --dev and --pid keep other devices and processes out.
. "$(dirname "$0")/lib.sh"
wbg_fs ext4 0; busy=$MNT
wbg_fs ext4 0; idle=$MNT
# stable_writes=0: S1 judges nothing, so every run here ends unchecked (exit 5)
run() { { "$WBG" stable --json "$@" -- "$REPRO" -f "$busy/f" -t 2 -q -y write || [ $? -eq 5 ]; } |
	grep '"type":"summary"'; }
other=$(run --dev "$idle" | jq .dirtied)
mine=$(run --dev "$busy" | jq .dirtied)
[ "$other" -eq 0 ] || fail "--dev of the idle fs saw $other folios"
[ "$mine" -gt 100 ] || fail "--dev of the busy fs saw only $mine folios"
pid1=$(run --pid 1 | jq .dirtied)
[ "$pid1" -eq 0 ] || fail "--pid 1 saw $pid1 folios of the reproducer"
