#!/usr/bin/env bash
# Usage: stable_mode.sh FSTYPE STABLE          (FSTYPE ext4 | xfs | btrfs)
# Runs the reproducer under wbguard stable and checks:
#   STABLE=1: S1 = 0, verdict pass, and writers were held back by
#             stable-page waits (outside fsync/msync/sync_file_range)
#   STABLE=0: rewrites under writeback > 0 (the detector sees them),
#             no stable mapping involved: S1 judged nothing, so
#             verdict unchecked, exit 5 (never a pass)
# Where the stable writes come from:
#   ext4, xfs: a loop device with queue/stable_writes=STABLE, or the device
#              WBG_STABLE_DEV (e.g. the scsi_debug DIX disk: an integrity
#              profile requires stable writes by itself; STABLE must be 1)
#   btrfs:     its data checksums (every data mapping is stable; the loop
#              device stays at stable_writes=0); STABLE=0 mounts nodatasum.
#              btrfs waits for writeback in both write paths whether or not
#              the mapping is stable (buffered writes wait for the ordered
#              extent, btrfs_page_mkwrite() calls folio_wait_writeback()
#              unconditionally), so with nodatasum the check is the other
#              way round: no stable mapping, no rewrite under writeback, waits.
# A kernel whose BTF has no AS_STABLE_WRITES (older 6.1.y) cannot tell stable
# mappings apart: there STABLE=1 must end unchecked (exit 5) naming that.
# Used by the host suite and, in the guest, by tests/stock (Debian's kernels).
# Prints one "WBG-MATRIX ..." line with the verdict and the key counts.
. "$(dirname "$0")/lib.sh"
fstype=$1 stable=$2
mopts="" qstable=$stable kind=loop
[ "$fstype" = btrfs ] && { qstable=0; kind=loop+csum; }
[ "$fstype" = btrfs ] && [ "$stable" = 0 ] && { mopts=nodatasum; kind=loop+nodatasum; }
if [ -n "${WBG_STABLE_DEV:-}" ]; then
	[ "$stable" = 1 ] || fail "WBG_STABLE_DEV is a stable device: STABLE must be 1"
	kind="$(basename "$WBG_STABLE_DEV")($(cat "/sys/block/$(basename "$WBG_STABLE_DEV")/integrity/format" 2>/dev/null || echo none))"
	wbg_mkfs_mount "$fstype" "$WBG_STABLE_DEV" "$mopts"
else
	wbg_fs "$fstype" "$qstable" "$mopts"
fi
# (not "| grep -q": with pipefail, bpftool's SIGPIPE would read as "absent")
btf=$(bpftool btf dump file /sys/kernel/btf/vmlinux format raw 2>/dev/null || true)
have_enum=0
[[ $btf == *"'AS_STABLE_WRITES' val="* ]] && have_enum=1
unset btf
# btrfs asks for stable writes per data mapping (btrfs_update_inode_mapping_flags() in
# 7.3) only since the per-mapping flag went upstream (6.7, "filemap: add a per-mapping
# stable writes flag"). Older kernels, Debian 12's 6.1 among them (its AS_STABLE_WRITES
# is a stable backport set from SB_I_STABLE_WRITES, which btrfs does not set), have no
# stable btrfs mapping: S1 has nothing to judge there. Seen: 6.1.192 none; 6.12, 7.3 yes.
btrfs_stable=1
if [ "$fstype" = btrfs ]; then
	IFS=. read -r kmaj kmin _ <<<"$(uname -r)"
	[ "$kmaj" -gt 6 ] || { [ "$kmaj" -eq 6 ] && [ "$kmin" -ge 7 ]; } || btrfs_stable=0
fi
out=$WBG_TMP/out.json
rc=0
"$WBG" stable --json --writers --dev "$MNT" -- "$REPRO" -f "$MNT/f" -t "${WBG_STABLE_SECS:-6}" -q -y write > "$out" || rc=$?
cat "$out"
echo "WBG-MATRIX sub=stable fs=$fstype dev=$kind stable=$stable exit=$rc verdict=$(json_field "$out" verdict)" \
	"S1=$(json_field "$out" S1) dirtied=$(json_field "$out" dirtied) dirtied_stable=$(json_field "$out" dirtied_stable)" \
	"waits_stable_writer=$(json_field "$out" waits_stable_writer) rewrites_under_writeback=$(json_field "$out" rewrites_under_writeback)" \
	"lost=$(json_field "$out" lost)"
if [ "$stable" = 1 ] && [ "$btrfs_stable" = 0 ]; then
	[ "$rc" -eq 5 ] || fail "wbguard exit $rc for btrfs on $(uname -r) (want 5: no stable mapping)"
	[ "$(json_field "$out" dirtied_stable)" -eq 0 ] || fail "stable btrfs mappings on $(uname -r)?"
	json_field "$out" unchecked_reason | grep -q 'stable-writes mapping' || fail "no unchecked reason"
	[ "$(json_field "$out" rewrites_under_writeback)" -eq 0 ] || fail "btrfs rewrote under writeback"
	echo "btrfs on $(uname -r) does not mark its mappings stable: S1 unchecked, as it must be"
	exit 0
fi
if [ "$stable" = 1 ] && [ "$have_enum" = 0 ]; then
	# the kernel cannot support S1: the tool must say so, never pass
	[ "$rc" -eq 5 ] || fail "wbguard exit $rc on a kernel without AS_STABLE_WRITES (want 5, unchecked)"
	[ "$(json_field "$out" verdict)" = unchecked ] || fail "verdict not unchecked"
	json_field "$out" unchecked_reason | grep -q AS_STABLE_WRITES || fail "unchecked reason does not name AS_STABLE_WRITES"
	echo "kernel without AS_STABLE_WRITES: S1 unchecked, as it must be"
	exit 0
fi
# 7.x runs tracepoint BPF preemptibly: a task preempted inside a program
# makes the next task on that CPU miss it (the kernel's per-CPU recursion
# guard). Such a run must end unknown (exit 3), never pass or unchecked;
# it is accepted as that only when every lost event is such a miss.
misses=$(json_field "$out" bpf_recursion_misses)
lost=$(json_field "$out" lost)
kernel_drops=0
if [ "$rc" -eq 3 ] && [ "${misses:-0}" -gt 0 ] && [ "$lost" = "$misses" ]; then
	[ "$(json_field "$out" verdict)" = unknown ] || fail "events lost but verdict not unknown"
	echo "verdict unknown: $misses BPF recursion misses on $(uname -r) (not a pass)"
	kernel_drops=1
else
	[ "$rc" -eq $(( stable ? 0 : 5 )) ] || fail "wbguard exit $rc"
	[ "$lost" -eq 0 ] || fail "events lost"
fi
grep -q 'verify_errors=0 bad_records=0 io_errors=0' "$out" || fail "reproducer data check"
dirtied=$(json_field "$out" dirtied)
[ "$dirtied" -gt 1000 ] || fail "only $dirtied folios dirtied: tracepoint not seen"
[ "$(json_field "$out" S1)" -eq 0 ] || fail "S1 violations on a correct kernel"
if [ "$stable" = 1 ]; then
	[ "$kernel_drops" = 1 ] || [ "$(json_field "$out" verdict)" = pass ] || fail "verdict not pass"
	ds=$(json_field "$out" dirtied_stable)
	if [ "$fstype" = btrfs ]; then
		# the btree inode's metadata folios share s_dev and are not stable
		[ "$ds" -gt $((dirtied / 2)) ] || fail "only $ds of $dirtied folios on stable mappings"
	else
		[ "$ds" -eq "$dirtied" ] || fail "mapping not seen as stable"
	fi
	w=$(json_field "$out" waits_stable_writer)
	[ "$w" -gt 0 ] || fail "no stable-page wait by a writer"
	# The pwrite writers wait in write_begin, a pairing only their next
	# dirty makes (outside writeback, through the task_marks gate): waits
	# by writers beyond page_mkwrite's (stable_then_waited) prove the gate
	# opens. A gate that never opens still counts page_mkwrite's.
	wb=$((w - $(json_field "$out" stable_then_waited)))
	[ "$wb" -gt 0 ] || fail "no write_begin wait paired with its writer's dirty (task_marks gate shut?)"
	[ "$(json_field "$out" dirtied_slow_path)" -gt 0 ] || fail "no dirty took the marked path"
	# a missed dirty may leave its thread's mark
	[ "$kernel_drops" = 1 ] || [ "$(json_field "$out" task_marks_at_exit)" -eq 0 ] || fail "marks left at exit"
	[ "$(json_field "$out" rewrites_under_writeback)" -eq 0 ] || fail "non-stable rewrites on a stable fs"
else
	[ "$(json_field "$out" dirtied_stable)" -eq 0 ] || fail "mapping seen as stable"
	if [ "$kernel_drops" = 0 ]; then
		[ "$(json_field "$out" verdict)" = unchecked ] || fail "verdict not unchecked"
		json_field "$out" unchecked_reason | grep -q 'stable-writes mapping' || fail "no unchecked reason"
	fi
	r=$(json_field "$out" rewrites_under_writeback)
	if [ "$fstype" = btrfs ]; then
		[ "$r" -eq 0 ] || fail "$r rewrites under writeback on btrfs (it waits on every path)"
		[ "$(json_field "$out" waits)" -gt 0 ] || fail "btrfs nodatasum: no writeback wait seen"
	else
		[ "$r" -gt 0 ] || fail "no rewrite under writeback seen with stable_writes=0"
	fi
	[ "$(json_field "$out" waits_stable_writer)" -eq 0 ] || fail "stable waits without stable writes"
fi
