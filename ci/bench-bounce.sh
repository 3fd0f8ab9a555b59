#!/usr/bin/env bash
# make bench-stable-bounce: the normal path (nothing pinned) with and without
# patch 0007's bounce check. Boots the series kernel (FIXED) and the
# stable-no-bounce mutation kernel (NOBOUNCE, make mutation-stable-no-bounce
# builds it) in turn, PAIRS times (A B A B ...), each running only
# tests/vm/55-stable-bounce-bench.sh, and writes bench/stable-bounce.txt:
# every BENCH line, then the throughput ratio fixed/nobounce per block size
# over all rounds. qemu TCG with instruction counting (WBG_VM_ICOUNT, default 1: the guest's
# clock advances 2 ns per instruction), so the guest-timed figures count instructions and do
# not depend on how busy the host is.
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
	WBG_VM_STABLE_CHECK=off WBG_VM_ICOUNT=${WBG_VM_ICOUNT:-1} WBG_VM_TESTS=stable-bounce-bench WBG_VM_APPEND="wbg.bench=stable-bounce $2" WBG_VM_QUIET=1 \
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
	echo "# make bench-stable-bounce, $(date -u +%Y-%m-%dT%H:%MZ), qemu TCG guest (2 vCPU, -icount shift=${WBG_VM_ICOUNT:-1}: guest time counts instructions), $pairs pair(s) of boots"
	echo "# fixed = series with 0007; nobounce = series + patches/mutations/stable-no-bounce.patch"
	cat "$lines"
	# per pair of boots: nobounce time / fixed time (throughput fixed/nobounce), then the
	# median, min and max over the pairs and over all rounds together; and the direct
	# measure: the largest share of a dd's time spent in the check with nothing pinned
	awk -v pairs="$pairs" '
	/ round=/ { split($3, k, "="); split($5, a, "="); split($6, b, "=")
		    t[k[2] ",1M"] += a[2]; t[k[2] ",4k"] += b[2]
		    v[k[2] ",1M", ++nv[k[2] ",1M"]] = a[2]; v[k[2] ",4k", ++nv[k[2] ",4k"]] = b[2]
		    q = boot[k[2]] + 0; p[k[2] ",1M," q] += a[2]; p[k[2] ",4k," q] += b[2] }
	/ summary kernel=/ { split($4, k, "="); boot[k[2]]++ }
	/ timed bs=/ && /kernel=fixed/ { for (i = 1; i <= NF; i++) if ($i ~ /^nopin_share=/) {
		split($i, f, "="); if (f[2] > share) share = f[2] } }
	function sort(a, n,   i, j, x) { for (i = 2; i <= n; i++) { x = a[i]
		for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x } }
	function med(key,   i, n, w) { n = nv[key]; for (i = 1; i <= n; i++) w[i] = v[key, i]
		sort(w, n); return n % 2 ? w[(n + 1) / 2] : (w[n / 2] + w[n / 2 + 1]) / 2 }
	END { for (bi = 1; bi <= 2; bi++) { bs = bi == 1 ? "1M" : "4k"; n = 0
		for (q = 0; q < pairs; q++) if (p["fixed," bs "," q] > 0) r[++n] = p["nobounce," bs "," q] / p["fixed," bs "," q]
		sort(r, n)
		printf "BENCH stable-bounce ratio fixed/nobounce throughput bs=%s: medians of all rounds %.3f, sums %.3f, per pair median %.3f min %.3f max %.3f (%d pairs, TCG icount)\n",
			bs, med("nobounce," bs) / med("fixed," bs), t["nobounce," bs] / t["fixed," bs],
			n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2, r[1], r[n], n }
	      printf "BENCH stable-bounce direct: the check with nothing pinned took at most %.6f%% of a dd'"'"'s time: ratio >= %.6f (TCG icount)\n",
		share * 100, 1 - share }' "$lines"
} > "$here/bench/stable-bounce.txt"
cat "$here/bench/stable-bounce.txt"
