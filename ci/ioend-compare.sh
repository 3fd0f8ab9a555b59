#!/usr/bin/env bash
# make fentry-ioend: the conversion-list tests (tests/vm/7x-ioend-*) once on
# the series kernel (series mode) and once on the bare v7.3 base (fentry
# mode), then their verdicts side by side. Fails when a run fails or a
# verdict (exit status, C1-C4, pass/violation/unknown) differs; the counts
# differ between boots and are shown, not compared.
#
# Usage: ci/ioend-compare.sh SERIES_BZIMAGE BASE_BZIMAGE INITRAMFS OUTDIR
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: ci/ioend-compare.sh SERIES_BZIMAGE BASE_BZIMAGE INITRAMFS OUTDIR" >&2; exit 2; }
series_k=$1 base_k=$2 initrd=$3 out=$4
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out/series" "$out/fentry"

rc_s=0 rc_f=0
WBG_VM_TESTS=ioend bash "$here/ci/qemu-run.sh" "$series_k" "$initrd" "$out/series" || rc_s=$?
WBG_VM_TESTS=ioend WBG_VM_APPEND=wbg.ioend_mode=fentry \
	bash "$here/ci/qemu-run.sh" "$base_k" "$initrd" "$out/fentry" || rc_f=$?

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
runs "$out/series/console.log" > "$out/series.runs"
runs "$out/fentry/console.log" > "$out/fentry.runs"

differ=0
printf '%-22s | %-40s | %-40s | %s\n' run "series mode (patched v7.3)" "fentry mode (bare v7.3)" same
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
grep -h '^WBG-RESULT [0-9]*-ioend' "$out/fentry/results.txt" 2>/dev/null | sed 's/^/fentry: /' || true
echo "ioend-compare: $ns run(s), $differ difference(s); qemu-run exit series $rc_s, fentry $rc_f"
[ "$differ" = 0 ] && [ "$rc_s" = 0 ] && [ "$rc_f" = 0 ]
