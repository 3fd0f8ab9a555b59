#!/usr/bin/env bash
# Compare the fstests results of the base and the series (ci/fstests-run.sh's result files):
# a test that passes on the base and fails on the series is a regression and fails this
# script. Writes OUTDIR/summary.md (one row per test) and prints the counts.
# Usage: ci/fstests-compare.sh OUTDIR LIST BASE_BZIMAGE SERIES_BZIMAGE
set -uo pipefail
out=${1:?usage: fstests-compare.sh OUTDIR LIST BASE_BZIMAGE SERIES_BZIMAGE}
list=${2:?}
bdir=$out/base-$(sha256sum "${3:?}" | cut -c1-12)
sdir=$out/series-$(sha256sum "${4:?}" | cut -c1-12)
res() { [ -f "$1" ] && cut -d' ' -f1 "$1" || echo missing; }
# the table's cell: verdict, seconds, notrun reason or failure, and the first run's verdict
# when the test was run twice (fail then pass = flaky)
cell() {
	[ -f "$1" ] || { echo missing; return; }
	read -r v secs why < "$1"
	printf '%s %ss%s%s' "$v" "$secs" "${why:+ ($(echo "$why" | tr _ ' '))}" \
		"$([ -f "$1.1" ] && echo ", 1st run $(cut -d' ' -f1 "$1.1")")"
}

{
	echo "| config | test | base | series |"
	echo "|---|---|---|---|"
} > "$out/summary.md"
n=0 regress=0 missing=0 both=0 newpass=0 notrun=0 bothfail=0
while read -r cfg t _; do
	b=$(res "$bdir/$cfg/$t.res") s=$(res "$sdir/$cfg/$t.res")
	n=$((n + 1))
	echo "| $cfg | $t | $(cell "$bdir/$cfg/$t.res") | $(cell "$sdir/$cfg/$t.res") |" >> "$out/summary.md"
	case "$b/$s" in
	*missing*) missing=$((missing + 1)); echo "fstests-compare: $cfg $t: no result (base $b, series $s)" ;;
	pass/pass) both=$((both + 1)) ;;
	pass/*) regress=$((regress + 1)); echo "fstests-compare: REGRESSION $cfg $t: base pass, series $s ($(cat "$sdir/$cfg/$t.res"))" ;;
	*/pass) newpass=$((newpass + 1)) ;;
	notrun/notrun) notrun=$((notrun + 1)) ;;
	fail/fail) bothfail=$((bothfail + 1)) ;;
	esac
done < <(grep -vE '^[[:space:]]*(#|$)' "$list")
echo "fstests-compare: $n tests: $both pass on both, $newpass pass only on the series, $notrun not run on either, $bothfail fail on both, $regress regressions, $missing without a result (table: $out/summary.md)"
[ "$regress" -eq 0 ] && [ "$missing" -eq 0 ]
