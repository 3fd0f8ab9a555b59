#!/usr/bin/env bash
# make demo: the stable-pages experiment on the running kernel.
# ext4 on a loop device, the reproducer under `wbguard stable`, once with
# queue/stable_writes=1 and once with 0, then a side-by-side report.
set -euo pipefail
BUILD=${1:-build}
export WBG=$BUILD/wbguard REPRO=$BUILD/workloads/stable_repro
[ "$(id -u)" -eq 0 ] || { echo "make demo: needs root (loop devices, BPF)" >&2; exit 2; }
SECS=${DEMO_SECONDS:-8}
. "$(dirname "$0")/host/lib.sh"

declare -A res
for stable in 1 0; do
	wbg_fs ext4 "$stable"
	echo "== stable_writes=$stable: $REPRO -f $MNT/f -t $SECS -y write (4 pwrite + 1 mmap writers)"
	rc=0
	"$WBG" stable --json --latency --writers --dev "$MNT" -- "$REPRO" -f "$MNT/f" -t "$SECS" -y write \
		> "$WBG_TMP/s$stable.json" || rc=$?
	grep -v '^{' "$WBG_TMP/s$stable.json" || true
	for k in dirtied S1 stable_then_waited rewrites_under_writeback waits \
		 waits_stable_writer lost verdict; do
		res[$stable,$k]=$(json_field "$WBG_TMP/s$stable.json" "$k")
	done
	res[$stable,p50]=$(grep '"type":"summary"' "$WBG_TMP/s$stable.json" | jq .wait_sleep_us.p50)
	res[$stable,rc]=$rc
	umount "$MNT"
done

printf '\n%-48s %14s %14s\n' "wbguard stable, ext4 on loop, ${SECS}s" "stable_writes=1" "stable_writes=0"
row() { printf '%-48s %14s %14s\n' "$1" "${res[1,$2]}" "${res[0,$2]}"; }
row "folios dirtied" dirtied
row "S1 stable folio changed under writeback" S1
row "  dirtied under writeback, then waited" stable_then_waited
row "S3 rewrites under writeback" rewrites_under_writeback
row "S3 folio_wait_writeback (all)" waits
row "   writers held back by stable pages" waits_stable_writer
row "   wait sleep p50 bucket (us)" p50
row "events lost" lost
row "verdict" verdict
row "exit code" rc
echo
if [ "${res[1,S1]}" -eq 0 ] && [ "${res[1,waits_stable_writer]}" -gt 0 ] &&
   [ "${res[0,rewrites_under_writeback]}" -gt 0 ]; then
	echo "demo: stable pages hold: no stable folio changed under writeback, writers waited instead;"
	echo "      without stable writes the same workload rewrote folios under writeback."
else
	echo "demo: unexpected result (see the table)" >&2
	exit 1
fi
