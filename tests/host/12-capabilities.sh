#!/usr/bin/env bash
# No euid check: an unprivileged user with CAP_BPF + CAP_PERFMON traces;
# without one of them the kernel refuses and one line names what is missing.
. "$(dirname "$0")/lib.sh"
asuser() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
rc=0
asuser --inh-caps=+bpf,+perfmon --ambient-caps=+bpf,+perfmon \
	"$WBG" stable -d 1 > "$WBG_TMP/o" 2> "$WBG_TMP/e" || rc=$?
# 0 or 5 (nothing stable dirtied on this host meanwhile): it ran and judged
[ "$rc" -eq 0 ] || [ "$rc" -eq 5 ] || { cat "$WBG_TMP/e"; fail "uid 65534 with CAP_BPF+CAP_PERFMON: exit $rc"; }
grep -q '^verdict:' "$WBG_TMP/o" || fail "no verdict line"
rc=0
asuser --inh-caps=+bpf --ambient-caps=+bpf "$WBG" stable -d 1 > "$WBG_TMP/o" 2> "$WBG_TMP/e" || rc=$?
[ "$rc" -eq 2 ] || fail "without CAP_PERFMON: exit $rc, want 2"
[ "$(wc -l < "$WBG_TMP/e")" -eq 1 ] || { cat "$WBG_TMP/e"; fail "more than one line on stderr"; }
grep -q 'missing: CAP_PERFMON' "$WBG_TMP/e" || { cat "$WBG_TMP/e"; fail "CAP_PERFMON not named"; }
rc=0
asuser "$WBG" ioend -d 1 > "$WBG_TMP/o" 2> "$WBG_TMP/e" || rc=$?
[ "$rc" -eq 2 ] || fail "ioend without capabilities: exit $rc, want 2"
grep -q 'missing: CAP_BPF and CAP_PERFMON' "$WBG_TMP/e" || { cat "$WBG_TMP/e"; fail "ioend: capabilities not named"; }
echo "ok: capabilities decide, not the euid"
