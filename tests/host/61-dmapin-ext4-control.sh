#!/usr/bin/env bash
# The control of 60-dmapin-ext4-hole: the same filesystem (ext4 on loop,
# stable_writes=1) and the same wbguard invocation, but a plain rewrite
# workload (pwrite, mmap stores, O_DIRECT writes: stable_repro) instead of
# direct reads into a mapping. Every writer goes through write_begin or
# page_mkwrite, which wait for writeback: S1 = 0 and stable-page waits > 0.
. "$(dirname "$0")/lib.sh"
wbg_fs ext4 1
out=$WBG_TMP/out.json wl=$WBG_TMP/wl.txt
rc=0
"$WBG" stable --json --writers -m 1000000 --dev "$MNT" -- \
	bash -c 'exec "$0" "$@" > "'"$wl"'"' "$REPRO" -f "$MNT/f" -t "${SECS:-6}" -q -y write \
	> "$out" || rc=$?
cat "$wl" "$out"
grep -q 'verify_errors=0 bad_records=0 io_errors=0' "$wl" || fail "reproducer data check"
echo "S1 = $(json_field "$out" S1), waits by writers held back = $(json_field "$out" waits_stable_writer)"
[ "$rc" -eq 0 ] || fail "wbguard exit $rc"
[ "$(json_field "$out" dirtied_stable)" -gt 1000 ] || fail "stable folios not seen"
[ "$(json_field "$out" S1)" -eq 0 ] || fail "S1 on plain rewrites"
[ "$(json_field "$out" waits_stable_writer)" -gt 0 ] || fail "no stable-page wait by a writer"
[ "$(json_field "$out" lost)" -eq 0 ] || fail "events lost"
[ "$(json_field "$out" verdict)" = pass ] || fail "verdict not pass"
