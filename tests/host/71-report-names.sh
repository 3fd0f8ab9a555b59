#!/usr/bin/env bash
# Reports name the file and the writer's cgroup: S3 rewrites (-r) of the
# reproducer on ext4 without stable writes carry "file" (the path the
# writer has open), "cgroup_id" and "cgroup" (the reproducer's own, from
# /proc/PID/cgroup, the "0::" line); in text, "file PATH" and "cgroup PATH".
. "$(dirname "$0")/lib.sh"
wbg_fs ext4 0
out=$WBG_TMP/out.json
rc=0
"$WBG" stable --json -r --dev "$MNT" -- "$REPRO" -f "$MNT/f" -t 3 -q -y write > "$out" || rc=$?
[ "$rc" -eq 5 ] || fail "exit $rc, want 5 (unchecked: no stable mapping)"
n=$(grep -c '"type":"rewrite"' "$out" || true)
[ "$n" -gt 0 ] || fail "no rewrite reported"
grep -m 200 '"type":"rewrite"' "$out" > "$WBG_TMP/rw"
named=$(jq -r .file "$WBG_TMP/rw" | grep -cx "$MNT/f" || true)
[ "$named" -gt 0 ] || { head -3 "$WBG_TMP/rw"; fail "no rewrite names $MNT/f"; }
# cgroup2 mounted (unified or hybrid): the path is the reproducer's own
if grep -q ' - cgroup2 ' /proc/self/mountinfo; then
	want=$(awk -F: '$1 == "0" {print $3}' /proc/self/cgroup)
	jq -r .cgroup "$WBG_TMP/rw" | grep -qx "$want" || { head -3 "$WBG_TMP/rw"; fail "cgroup is not $want"; }
	[ "$(jq -r .cgroup_id "$WBG_TMP/rw" | sort -n | tail -1)" -gt 0 ] || fail "cgroup_id 0"
fi
"$WBG" stable -r --dev "$MNT" -- "$REPRO" -f "$MNT/f" -t 2 -q -y write > "$WBG_TMP/txt" || true
grep -q "^rewrite  file $MNT/f (dev [0-9]*:[0-9]* ino [0-9]*)" "$WBG_TMP/txt" || { grep rewrite "$WBG_TMP/txt" | head -3; fail "text report does not name the file"; }
echo "ok: $named of $(wc -l < "$WBG_TMP/rw") rewrites name $MNT/f"
