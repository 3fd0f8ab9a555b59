#!/usr/bin/env bash
# make bench-stable-bounce: the normal path (nothing pinned) with and without
# patch 0009's bounce check. Boots the series kernel (FIXED) and the
# stable-no-bounce mutation kernel (NOBOUNCE, make mutation-stable-no-bounce
# builds it) in turn, PAIRS times (A B A B ...), each running only
# tests/vm/55-stable-bounce-bench.sh, and writes bench/stable-bounce.txt:
# every BENCH line, then the throughput ratio fixed/nobounce per block size
# over all rounds (qemu TCG figures).
#   ci/bench-bounce.sh FIXED_BZIMAGE NOBOUNCE_BZIMAGE INITRAMFS OUTDIR
# Env: WBG_BENCH_PAIRS (default 2)
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: ci/bench-bounce.sh FIXED NOBOUNCE INITRAMFS OUTDIR" >&2; exit 2; }
fixed=$1 nobounce=$2 initrd=$3 out=$4
here=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$nobounce" ] || { echo "bench-bounce: no $nobounce (make mutation-stable-no-bounce first)" >&2; exit 2; }
pairs=${WBG_BENCH_PAIRS:-2}
mkdir -p "$out" "$here/bench"
lines=$out/bench-lines.txt
: > "$lines"
boot() { # kernel append tag
	local o=$out/$3 rc=0
	WBG_VM_TESTS=stable-bounce-bench WBG_VM_APPEND="wbg.bench=stable-bounce $2" WBG_VM_QUIET=1 \
		bash "$here/ci/qemu-run.sh" "$1" "$initrd" "$o" >/dev/null || rc=$?
	grep -h '^BENCH stable-bounce ' "$o/console.log" | tr -d '\r' >> "$lines"
	grep -q '^BENCH stable-bounce summary' "$o/console.log" ||
		{ echo "bench-bounce: $3 gave no summary (qemu-run exit $rc, see $o/console.log)" >&2; exit 1; }
}
for p in $(seq 1 "$pairs"); do
	boot "$fixed" "" "fixed-$p"
	boot "$nobounce" "wbg.mutation=stable-no-bounce" "nobounce-$p"
done
{
	echo "# make bench-stable-bounce, $(date -u +%Y-%m-%dT%H:%MZ), qemu TCG guest (2 vCPU), $pairs pair(s) of boots"
	echo "# fixed = series with 0009; nobounce = series + patches/mutations/stable-no-bounce.patch"
	cat "$lines"
	awk '/ round=/ { split($3, k, "="); for (i = 5; i <= 6; i++) { split($i, f, "="); t[k[2] "," f[1]] += f[2] } }
	     END { printf "BENCH stable-bounce ratio fixed/nobounce throughput: bs=1M %.3f bs=4k %.3f (TCG)\n",
			t["nobounce,bs1M_cs"] / t["fixed,bs1M_cs"], t["nobounce,bs4k_cs"] / t["fixed,bs4k_cs"] }' "$lines"
} > "$here/bench/stable-bounce.txt"
cat "$here/bench/stable-bounce.txt"
