#!/usr/bin/env bash
# make soak: SOAK_SECS (default 1800) of the stable reproducer on ext4 with
# stable writes under `wbguard stable --interval --metrics`, sampling every
# SOAK_EVERY s (default 60): wbguard's RSS, the fill of its BPF maps,
# events/s. Passes when RSS stays within 10 % (after the first sample:
# warm-up), nothing was lost and the verdict is pass.
#
# Only stable soaks on this host: wbguard ioend needs the series'
# tracepoints or fentry, and the host kernel has neither (it refuses
# fentry); the ioend verdict's memory is bounded by construction and by
# the unit test long_stream_stays_bounded instead.
#
# Usage: ci/soak.sh BUILD_DIR   (root; env SOAK_SECS, SOAK_EVERY)
set -euo pipefail
build=${1:-build}
WBG=$build/wbguard REPRO=$build/workloads/stable_repro
. "$(dirname "$0")/../tests/host/lib.sh"
secs=${SOAK_SECS:-1800} every=${SOAK_EVERY:-60}
[ "$secs" -ge $((2 * every)) ] || fail "SOAK_SECS=$secs: need at least two samples of SOAK_EVERY=$every"

wbg_fs ext4 1
out=$WBG_TMP/soak.json prom=$WBG_TMP/wbguard_stable.prom
"$WBG" stable --json --dev "$MNT" --interval "$every" --metrics "$prom" -- \
	"$REPRO" -f "$MNT/f" -t "$secs" -q -y write > "$out" &
wpid=$!
# a failing check must not leave wbguard (and the writers) running
soak_cleanup() { kill "$wpid" 2>/dev/null && wait "$wpid" 2>/dev/null; wbg_cleanup; }
trap soak_cleanup EXIT

# BPF maps held by wbguard: map ids from its fds' fdinfo
map_fill() {
	local id fd line name type max n fill=""
	for fd in /proc/"$wpid"/fdinfo/*; do
		id=$(awk '/^map_id:/ {print $2}' "$fd" 2>/dev/null) || continue
		[ -n "$id" ] || continue
		line=$(bpftool map show id "$id" -j 2>/dev/null) || continue
		name=$(jq -r .name <<< "$line") type=$(jq -r .type <<< "$line")
		max=$(jq -r .max_entries <<< "$line")
		case "$type" in
		ringbuf|array|percpu_array) continue ;;
		task_storage)	# per task, freed with the task: not dumpable
			fill+=" $name=per-task"; continue ;;
		esac
		n=$(bpftool map dump id "$id" -j 2>/dev/null | jq length 2>/dev/null) || n='?'
		fill+=" $name=${n:-?}/$max"
	done
	echo "${fill:- (none)}"
}

rss=() t=0 prev_events=0
while kill -0 "$wpid" 2>/dev/null; do
	sleep "$every" & wait $! || true
	t=$((t + every))
	kill -0 "$wpid" 2>/dev/null || break
	r=$(awk '/^VmRSS:/ {print $2}' /proc/"$wpid"/status 2>/dev/null || echo 0)
	[ "$r" -gt 0 ] || break
	rss+=("$r")
	last=$(grep '"type":"interval"' "$out" | tail -1 || true)
	[ -n "$last" ] || last='{}'	# no interval line yet
	ev=$(jq -r '.events // 0' <<< "$last")
	lost=$(jq -r '.lost // 0' <<< "$last")
	printf 'soak t=%ss rss=%s KiB events/s=%s lost=%s maps:%s\n' "$t" "$r" \
		$(( (ev - prev_events) / every )) "$lost" "$(map_fill)"
	prev_events=$ev
done
rc=0
wait "$wpid" || rc=$?
grep '"type":"summary"' "$out" | jq -c '{seconds, dirtied, dirtied_stable, S1, lost, verdict}'
[ "$rc" -eq 0 ] || fail "wbguard exit $rc"
[ "$(json_field "$out" verdict)" = pass ] || fail "verdict not pass"
[ "$(json_field "$out" lost)" -eq 0 ] || fail "events lost"
grep -q 'verify_errors=0 bad_records=0 io_errors=0' "$out" || fail "reproducer data check"
[ "${#rss[@]}" -ge 2 ] || fail "only ${#rss[@]} RSS samples"
# flat: every sample after the first (warm-up) within 10 % of the second
base=${rss[1]} min=${rss[1]} max=${rss[1]}
for r in "${rss[@]:1}"; do
	[ "$r" -lt "$min" ] && min=$r
	[ "$r" -gt "$max" ] && max=$r
done
echo "soak: ${#rss[@]} samples, RSS after warm-up $min..$max KiB (base $base), $(grep -c '"type":"interval"' "$out") intervals"
[ $(( (max - min) * 100 )) -le $(( base * 10 )) ] || fail "RSS not flat: $min..$max KiB"
if command -v promtool > /dev/null; then promtool check metrics < "$prom" || fail "final metrics rejected"; fi
echo "soak: pass ($secs s; host soak is stable only: ioend needs the series or fentry)"
