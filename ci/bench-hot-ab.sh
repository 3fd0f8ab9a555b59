#!/usr/bin/env bash
# A/B of the stable hot program: two wbguard builds attached at once to the
# same workload (the bench-overhead one: ext4, stable_writes=1, stable_repro
# -w 4 -m 0 -y write), plus an empty bpftrace program on the same
# tracepoint (the bpf_stats floor of that run). Prints, per trial, each
# build's dirty_folio ns per run, gross and net of the floor, and its
# total BPF ns per dirtied folio (all its programs). The attach order
# alternates between trials (the second program on a tracepoint runs with
# the first one's cache lines warm).
#
#   bash ci/bench-hot-ab.sh WBGUARD_A WBGUARD_B [TRIALS] [SECS]
# Root. Env: REPRO (build/workloads/stable_repro), WBG_AB_ARGS (extra
# wbguard stable arguments, default none), WBG_AB_NODEV_A / WBG_AB_NODEV_B
# (non-empty: that side runs without --dev <mnt>, i.e. on all devices),
# WBG_AB_ANY_VERDICT (non-empty: do not require verdict pass, e.g. for an
# empty test build).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
A=$(readlink -f "$1") B=$(readlink -f "$2")
TRIALS=${3:-6} SECS=${4:-6}
REPRO=$(readlink -f "${REPRO:-$here/build/workloads/stable_repro}")
die() { echo "bench-hot-ab: $*" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || die "needs root"

. "$(dirname "$0")/bench-lib.sh"
bench_stable_fs wbg-ab

ids() { bpftool prog show -j | jq -r ".[].id" | sort; }
# start BIN -> sets NEWIDS (its tracing program ids) and appends to pids
start_wbg() {
	local before i
	before=$(ids)
	local dev=(--dev "$mnt") nodev
	eval "nodev=\${WBG_AB_NODEV_$2:-}"
	[ -z "$nodev" ] || dev=()
	# shellcheck disable=SC2086
	"$1" stable "${dev[@]}" ${WBG_AB_ARGS:-} > "$tmp/out.$2" 2>&1 &
	pids+=($!)
	eval "pid_$2=$!"
	for i in $(seq 100); do
		NEWIDS=$(comm -13 <(echo "$before") <(ids))
		[ "$(echo "$NEWIDS" | grep -c .)" -ge 2 ] && break
		sleep 0.1
	done
	sleep 0.3
	NEWIDS=$(comm -13 <(echo "$before") <(ids))
}
# stop PID: SIGINT, then SIGKILL if it has not ended within 10 s
stop() {
	local i
	kill -INT "$1" 2>/dev/null || return 0
	for i in $(seq 100); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}
snap() { bpftool prog show -j > "$1"; }
# sum FIELD IDS: delta over IDS between s0 and s1
sum() {
	jq -n --slurpfile a "$tmp/s0" --slurpfile b "$tmp/s1" --arg f "$1" \
		--argjson ids "$(echo "$2" | jq -R . | jq -s 'map(tonumber? // empty)')" '
		def v(s; i): (s[0][] | select(.id == i) | .[$f]) // 0;
		[ $ids[] as $i | v($b; $i) - v($a; $i) ] | add // 0'
}
dirty_id() {
	jq -r --argjson ids "$(echo "$1" | jq -R . | jq -s 'map(tonumber? // empty)')" \
		'.[] | select(.name == "dirty_folio") | select(.id as $i | $ids | index($i)) | .id' "$tmp/s1"
}

echo 1 > /proc/sys/kernel/bpf_stats_enabled
printf '# %s, load %s\n' "$(date -u +%H:%M:%SZ)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '# trial order floor | A hot gross net, per folio gross net | B hot gross net, per folio gross net\n'
for t in $(seq "$TRIALS"); do
	if [ $((t % 2)) -eq 1 ]; then order="A B"; else order="B A"; fi
	for w in $order; do
		if [ "$w" = A ]; then start_wbg "$A" A; idsA=$NEWIDS; else start_wbg "$B" B; idsB=$NEWIDS; fi
	done
	before=$(ids)
	bpftrace -e 'tracepoint:writeback:writeback_dirty_folio { }' > /dev/null 2>&1 &
	pids+=($!); btpid=$!
	for i in $(seq 100); do
		idsE=$(comm -13 <(echo "$before") <(ids))
		[ -n "$idsE" ] && break
		sleep 0.1
	done
	sleep 0.3
	sync; sleep 1
	snap "$tmp/s0"
	"$REPRO" -f "$mnt/f" -w 4 -m 0 -t "$SECS" -q -y write > /dev/null
	snap "$tmp/s1"
	for p in "$btpid" "$pid_A" "$pid_B"; do stop "$p"; done
	fl_ns=$(sum run_time_ns "$idsE") fl_n=$(sum run_cnt "$idsE")
	line="$t $order $(awk -v a="$fl_ns" -v b="$fl_n" 'BEGIN { printf "%.1f", a / b }')"
	for w in A B; do
		if [ "$w" = A ]; then wid=$idsA; else wid=$idsB; fi
		hid=$(dirty_id "$wid")
		h_ns=$(sum run_time_ns "$hid") h_n=$(sum run_cnt "$hid")
		a_ns=$(sum run_time_ns "$wid") a_n=$(sum run_cnt "$wid")
		line+=" | $(awk -v hn="$h_ns" -v hc="$h_n" -v an="$a_ns" -v ac="$a_n" -v fn="$fl_ns" -v fc="$fl_n" 'BEGIN {
			f = fn / fc
			printf "%.1f %.1f, %.1f %.1f", hn / hc, hn / hc - f, an / hc, (an - ac * f) / hc }')"
	done
	echo "$line"
	[ -n "${WBG_AB_ANY_VERDICT:-}" ] ||
	grep -q 'verdict: pass' "$tmp/out.A" && grep -q 'verdict: pass' "$tmp/out.B" ||
		{ cat "$tmp/out.A" "$tmp/out.B"; die "a collector did not pass"; }
done
printf '# %s, load %s\n' "$(date -u +%H:%M:%SZ)" "$(cut -d' ' -f1-3 /proc/loadavg)"
