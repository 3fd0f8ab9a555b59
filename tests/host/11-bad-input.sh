#!/usr/bin/env bash
# Bad input: exit 2 and a one-line message naming the problem.
. "$(dirname "$0")/lib.sh"
expect2() {
	local want=$1; shift
	local rc=0
	"$@" > "$WBG_TMP/o" 2> "$WBG_TMP/e" || rc=$?
	[ "$rc" -eq 2 ] || fail "'$*' exit $rc, want 2"
	grep -q -- "$want" "$WBG_TMP/e" || { cat "$WBG_TMP/e"; fail "'$*': no '$want' in message"; }
	[ ! -s "$WBG_TMP/o" ] || fail "'$*' wrote to stdout"
}
expect2 "unrecognized option" "$WBG" stable --no-such-flag
expect2 "bad device" "$WBG" stable --dev /no/such/device
expect2 "bad device" "$WBG" stable --dev 9999:1
expect2 "invalid duration" "$WBG" stable -d abc
expect2 "power of two" "$WBG" stable --ringbuf-kb 6
expect2 "unknown command" "$WBG" nosuchcommand
expect2 "missing: CAP_BPF and CAP_PERFMON" setpriv --reuid=65534 --regid=65534 --clear-groups "$WBG" stable -d 1
expect2 "-f FILE is required" "$REPRO"
expect2 "invalid time" "$REPRO" -f "$WBG_TMP/x" -t -1
