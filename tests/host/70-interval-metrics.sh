#!/usr/bin/env bash
# --interval and --metrics while a run goes: JSON interval lines with the
# verdict so far, and a node_exporter textfile that Prometheus' own parser
# (promtool check metrics) accepts mid-run and at the end, replaced
# atomically (no temporary file left), final verdict as a gauge.
. "$(dirname "$0")/lib.sh"
command -v promtool > /dev/null || fail "promtool missing (ci/deps.sh installs prometheus)"
wbg_fs ext4 1
out=$WBG_TMP/out.json prom=$WBG_TMP/metrics/wbguard_stable.prom
mkdir -p "$WBG_TMP/metrics"
rc=0
"$WBG" stable --json --dev "$MNT" --interval 1 --metrics "$prom" -- \
	"$REPRO" -f "$MNT/f" -t 5 -q -y write > "$out" &
pid=$!
# a scrape in the middle of the run: the file is complete at any time
for _ in $(seq 50); do [ -s "$prom" ] && break; sleep 0.1; done
[ -s "$prom" ] || fail "no metrics file while running"
cp "$prom" "$WBG_TMP/mid.prom"
wait "$pid" || rc=$?
[ "$rc" -eq 0 ] || { cat "$out"; fail "wbguard exit $rc"; }
n=$(grep -c '"type":"interval"' "$out")
[ "$n" -ge 3 ] || fail "only $n interval lines in a 5 s run with --interval 1"
# wbguard's lines (the reproducer prints its own) are JSON; intervals carry the verdict so far and grow
grep "^{" "$out" | jq -e . > /dev/null || fail "wbguard lines are not JSON"
grep '"type":"interval"' "$out" | jq -r .verdict_so_far | sort -u | grep -qx pass ||
	fail "interval verdict so far is not pass"
first=$(grep '"type":"interval"' "$out" | head -1 | jq .folios_dirtied)
last=$(grep '"type":"interval"' "$out" | tail -1 | jq .folios_dirtied)
[ "$last" -gt "$first" ] || fail "interval counters do not grow ($first -> $last)"
for f in "$WBG_TMP/mid.prom" "$prom"; do
	promtool check metrics < "$f" || fail "promtool rejects $(basename "$f")"
done
grep -qx 'wbguard_run_final{subject="stable"} 0' "$WBG_TMP/mid.prom" || fail "mid-run file says final"
grep -qx 'wbguard_run_final{subject="stable"} 1' "$prom" || fail "final file not final"
grep -qx 'wbguard_verdict{subject="stable",verdict="pass"} 1' "$prom" || fail "final verdict gauge"
grep -qx 'wbguard_violations_total{subject="stable",invariant="S1"} 0' "$prom" || fail "S1 counter"
grep -qx 'wbguard_events_lost_total{subject="stable"} 0' "$prom" || fail "lost counter"
grep -q '^wbguard_build_info{subject="stable",version="[^"]*",libbpf="[0-9]*\.[0-9]*"} 1$' "$prom" || fail "build info"
d=$(awk '$1 == "wbguard_stable_folios_dirtied_total" {print $2}' "$prom")
[ "$d" -eq "$(json_field "$out" dirtied)" ] || fail "textfile dirtied $d != summary"
[ "$(ls "$WBG_TMP/metrics")" = wbguard_stable.prom ] || fail "temporary files left: $(ls "$WBG_TMP/metrics")"
# text intervals too, and a metrics path that cannot be written is one line, not a failure
rc=0
"$WBG" stable -d 2 --interval 1 --metrics /nonexistent/dir/x.prom --dev "$MNT" > "$WBG_TMP/t" 2> "$WBG_TMP/e" || rc=$?
[ "$rc" -eq 5 ] || fail "idle run exit $rc, want 5 (unchecked)"
grep -q '^wbguard stable +1\.[0-9] s: S1 0 S2 0, events [0-9]*, lost 0,.*verdict so far: unchecked$' "$WBG_TMP/t" ||
	{ cat "$WBG_TMP/t"; fail "no text interval line"; }
[ "$(grep -c 'cannot write metrics' "$WBG_TMP/e")" -eq 1 ] || { cat "$WBG_TMP/e"; fail "metrics error not one line"; }
echo "ok: $n interval lines, textfile accepted by promtool mid-run and at the end"
