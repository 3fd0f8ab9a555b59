#!/usr/bin/env bash
# wbguard tpcount counts bare tracepoints (raw:NAME, DECLARE_TRACE: no
# tracefs event) next to trace events, each under its own name; a bare
# tracepoint the kernel lacks is refused with exit 2 and one line. The
# series' bare tracepoints are counted this way in tests/vm/50; here the
# host kernel's own (sched_update_nr_running_tp fires on every enqueue).
. "$(dirname "$0")/lib.sh"
raw=sched_update_nr_running_tp
bpftool btf dump file /sys/kernel/btf/vmlinux > "$WBG_TMP/btf" 2>/dev/null || true
grep -q "'btf_trace_$raw'" "$WBG_TMP/btf" ||
	fail "the host kernel has no $raw to count"
rc=0
"$WBG" tpcount --json raw:$raw writeback:writeback_dirty_folio -- \
	sh -c "dd if=/dev/zero of=$WBG_TMP/f bs=64k count=16 conv=fsync 2>/dev/null" \
	> "$WBG_TMP/out" || rc=$?
cat "$WBG_TMP/out"
[ "$rc" = 0 ] || fail "tpcount exit $rc"
n=$(grep -oE "\"raw:$raw\":[0-9]+" "$WBG_TMP/out" | cut -d: -f3)
d=$(grep -oE '"writeback:writeback_dirty_folio":[0-9]+' "$WBG_TMP/out" | cut -d: -f3)
[ "${n:-0}" -gt 0 ] || fail "raw:$raw not counted"
[ "${d:-0}" -gt 0 ] || fail "writeback_dirty_folio not counted next to it"
rc=0
"$WBG" tpcount raw:wbg_no_such_tp -d 1 > "$WBG_TMP/out" 2> "$WBG_TMP/err" || rc=$?
[ "$rc" = 2 ] || fail "missing bare tracepoint: exit $rc, expected 2"
[ "$(grep -c . "$WBG_TMP/err")" -eq 1 ] || fail "missing bare tracepoint: not one line"
grep -q 'raw:wbg_no_such_tp' "$WBG_TMP/err" || fail "the message does not name it"
rc=0
"$WBG" tpcount raw:a_tp raw:b_tp raw:c_tp raw:d_tp raw:e_tp raw:f_tp raw:g_tp raw:h_tp raw:i_tp -d 1 \
	2> "$WBG_TMP/err" || rc=$?
[ "$rc" = 2 ] && grep -q 'at most 8 bare' "$WBG_TMP/err" || fail "nine bare tracepoints: exit $rc"
echo "ok: raw:$raw $n, writeback_dirty_folio $d"
