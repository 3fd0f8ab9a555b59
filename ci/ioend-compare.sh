#!/usr/bin/env bash
# The conversion-list verdicts of two guest runs side by side: the ioend tests
# (tests/vm/7x-ioend-*) in series mode on our v7.3.4 + series kernel, and the same tests in
# fentry mode on a kernel without the series (Debian's stock 7.3.4 in make check, whose
# ext4 is a module; the bare base built here with make fentry-ioend-base). Fails when a
# run is missing or failed, or a verdict (exit status, C1-C4, pass/violation/unknown)
# differs; the counts differ between boots and are shown, not compared.
#
# Usage: ci/ioend-compare.sh SERIES_CONSOLE_LOG FENTRY_CONSOLE_LOG
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: ci/ioend-compare.sh SERIES_CONSOLE_LOG FENTRY_CONSOLE_LOG" >&2; exit 2; }
s_log=$1 f_log=$2
for f in "$s_log" "$f_log"; do
	[ -s "$f" ] || { echo "ioend-compare: no console log $f (the run that makes it did not run)"; exit 1; }
done
out=$(dirname "$f_log")
# "TEST#N key=value ..." per wbguard ioend run, N counting the runs of a test
runs() {
	tr -d '\r' < "$1" | awk '
		/^wbguard ioend: exit / { line[++n] = $0; next }
		/^WBG-RESULT [0-9]+-ioend-/ {
			for (i = 1; i <= n; i++) {
				l = line[i]; sub(/^wbguard ioend: exit /, "exit=", l); gsub(/"/, "", l)
				print $2 "#" i, l
			}
			n = 0
		}'
}
val() { grep -oE "(^| )$2=[^ ]*" <<<"$1" | head -n 1 | cut -d= -f2; }
# what is compared: exit status, C1-C4, verdict
verdict() { echo "exit=$(val "$1" exit) C1-4=$(val "$1" C1)/$(val "$1" C2)/$(val "$1" C3)/$(val "$1" C4) $(val "$1" verdict)"; }
runs "$s_log" > "$out/series.runs"
runs "$f_log" > "$out/fentry.runs"
# a failed ioend test fails the comparison even when its verdicts match
rc_s=0 rc_f=0
grep -aqE '^WBG-RESULT [0-9]+-ioend-[a-z-]+ FAIL' "$s_log" && rc_s=1
grep -aqE '^WBG-RESULT [0-9]+-ioend-[a-z-]+ FAIL' "$f_log" && rc_f=1

differ=0
printf '%-22s | %-40s | %-40s | %s\n' run "series mode ($s_log)" "fentry mode ($f_log)" same
while read -r id rest; do
	f=$(grep "^$id " "$out/fentry.runs" | cut -d' ' -f2- || true)
	s_v=$(verdict "$rest") f_v=${f:+$(verdict "$f")}
	same=yes
	[ "$s_v" = "$f_v" ] || { same=NO; differ=$((differ + 1)); }
	printf '%-22s | %-40s | %-40s | %s\n' "$id" "$s_v alloc=$(val "$rest" alloc)" \
		"${f:+$f_v alloc=$(val "$f" alloc)}" "$same"
done < "$out/series.runs"
ns=$(wc -l < "$out/series.runs") nf=$(wc -l < "$out/fentry.runs")
[ "$nf" = "$ns" ] || { echo "ioend-compare: $ns runs in series mode, $nf in fentry mode"; differ=$((differ + 1)); }
[ "$ns" -gt 0 ] || { echo "ioend-compare: no wbguard ioend run found"; differ=$((differ + 1)); }
grep -ah '^WBG-RESULT [0-9]*-ioend' "$s_log" | sed 's/^/series: /' || true
grep -ah '^WBG-RESULT [0-9]*-ioend' "$f_log" | sed 's/^/fentry: /' || true
echo "ioend-compare: $ns run(s), $differ difference(s); failed ioend tests: series $rc_s, fentry $rc_f"
[ "$differ" = 0 ] && [ "$rc_s" = 0 ] && [ "$rc_f" = 0 ]
