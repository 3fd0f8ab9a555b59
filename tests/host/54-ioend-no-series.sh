#!/usr/bin/env bash
# On a kernel without the series' io_end tracepoints and without fentry
# (this machine), wbguard ioend must refuse with exit 2 and say what is
# missing -- never run and pass. Also: --help documents it.
. "$(dirname "$0")/lib.sh"
"$WBG" ioend --help > "$WBG_TMP/help" || fail "ioend --help exit $?"
for w in EXAMPLES 'EXIT STATUS' --mode --leak-ms --dev --json --ringbuf-kb C1 C2 C3 C4; do
	grep -q -- "$w" "$WBG_TMP/help" || fail "ioend --help lacks $w"
done
"$WBG" --help | grep -q ioend || fail "wbguard --help does not list ioend"
bpftool btf dump file /sys/kernel/btf/vmlinux > "$WBG_TMP/btf" 2>/dev/null || true
if grep -q "btf_trace_ext4_io_end_alloc_tp'" "$WBG_TMP/btf"; then
	echo "this kernel has the series: not the case under test"
	exit 77
fi
for m in auto series fentry; do
	rc=0
	"$WBG" ioend --mode "$m" -d 1 > "$WBG_TMP/out" 2> "$WBG_TMP/err" || rc=$?
	cat "$WBG_TMP/err"
	[ "$rc" -eq 2 ] || fail "mode $m: exit $rc, expected 2"
	grep -q 'ext4_io_end_alloc' "$WBG_TMP/err" || [ "$m" = fentry ] || fail "mode $m: message does not name the missing tracepoints"
	grep -q 'wbguard ioend:' "$WBG_TMP/err" || fail "mode $m: no message"
	[ "$(grep -c . "$WBG_TMP/err")" -eq 1 ] || fail "mode $m: more than one line on stderr"
	[ ! -s "$WBG_TMP/out" ] || fail "mode $m: printed a summary"
done
grep -q -i 'fentry' "$WBG_TMP/err" || fail "fentry refusal not explained"
