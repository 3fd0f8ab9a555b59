#!/usr/bin/env bash
# Scan kernel log text for splats. Prints each offending line and exits 1 when any is found,
# 0 when the log is clean.
#
# Usage: ci/splat-scan.sh FILE...      (- or no file: stdin)
#        ci/splat-scan.sh --selftest   prove the scanner finds each kind of splat and passes a
#                                      clean log (run by ci/qemu-run.sh before every boot)
set -uo pipefail

# One extended regex per kind. Anchored to the kernel's own wording, so a test's output that
# merely mentions a word (e.g. "warning") does not match.
patterns=(
	# WARN()/WARN_ON(): "WARNING: CPU: 0 PID: 1 at file:line func" up to 6.x, "WARNING: file:line at
	# func, CPU#0: comm/pid" in 7.x; lockdep and RCU reports also start with "WARNING: ". Any
	# kernel line that starts with it (after the timestamp) is a splat.
	'^(\[[ 0-9.]+\] )?(\[ *[CT][0-9]+\] )?WARNING: '
	'BUG: '                                            # BUG: KASAN:, BUG: kernel NULL pointer, scheduling while atomic, sleeping function…
	'kernel BUG at '
	'KASAN: |KFENCE: |UBSAN: |KMSAN: '
	'INFO: task .* blocked for more than [0-9]+ seconds'
	'INFO: possible (circular|recursive) locking'
	'INFO: inconsistent lock state|INFO: trying to register non-static key'
	'rcu: INFO: rcu_[a-z]+ (self-)?detected stall|rcu_[a-z]+ self-detected stall|detected stalls on CPUs'
	'watchdog: BUG: soft lockup|Watchdog detected hard LOCKUP'
	'Oops: |Oops#'
	'general protection fault'
	'Kernel panic - not syncing'
	'list_(add|del) corruption'
	'Unable to handle kernel|unable to handle page fault'
	'(stack|slab|page)[- ]?(guard|redzone|poison).*(overwritten|corrupt)'
)
re=$(IFS='|'; echo "${patterns[*]}")

scan() { # files… → matching lines on stdout, return 1 if any
	local hits
	hits=$(grep -nE -- "$re" "$@" 2>/dev/null)
	if [ -n "$hits" ]; then
		printf '%s\n' "$hits"
		return 1
	fi
	return 0
}

selftest() {
	local tmp fails=0 n=0 s
	tmp=$(mktemp -d); trap 'rm -rf "$tmp"' RETURN
	# each sample must be detected
	local samples=(
		'[   12.345678] WARNING: CPU: 1 PID: 234 at fs/ext4/inode.c:1234 ext4_writepages+0x1/0x2'
		'[    3.920197] WARNING: ../linux-base-work/drivers/misc/lkdtm/bugs.c:164 at lkdtm_WARNING+0xf/0x20, CPU#0: init/1'
		'WARNING: fs/ext4/page-io.c:200 at ext4_release_io_end+0x1/0x2, CPU#1: kworker/u8:2/45'
		'[    3.100000] WARNING: possible circular locking dependency detected'
		'[    3.100000] WARNING: suspicious RCU usage'
		'[    9.000000] BUG: KASAN: slab-use-after-free in ext4_end_io_rsv_work+0x10/0x20'
		'[    9.000000] BUG: kernel NULL pointer dereference, address: 0000000000000008'
		'[    9.000000] BUG: sleeping function called from invalid context at mm/filemap.c:1'
		'[    9.000000] kernel BUG at mm/filemap.c:1234!'
		'[   60.000000] INFO: task kworker/u4:1:45 blocked for more than 30 seconds.'
		'[   60.000000] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:'
		'[   60.000000] rcu: INFO: rcu_sched self-detected stall on CPU'
		'[   60.000000] watchdog: BUG: soft lockup - CPU#0 stuck for 26s! [a:1]'
		'[    9.000000] Oops: general protection fault, probably for non-canonical address 0xdead: 0000 [#1] SMP'
		'[    9.000000] general protection fault: 0000 [#1] SMP NOPTI'
		'[    9.000000] Kernel panic - not syncing: Fatal exception'
		'[    9.000000] list_add corruption. prev->next should be next (ffff), but was 0000.'
		'[    9.000000] UBSAN: shift-out-of-bounds in fs/ext4/super.c:1:2'
		'[    9.000000] INFO: trying to register non-static key.'
	)
	for s in "${samples[@]}"; do
		n=$((n + 1))
		printf '[    0.000000] Linux version 7.3.4\n%s\n[   10.0] done\n' "$s" > "$tmp/log"
		if scan "$tmp/log" >/dev/null; then
			echo "splat-scan selftest: MISSED: $s" >&2; fails=$((fails + 1))
		fi
	done
	# a clean log, with look-alikes that are not splats, must pass
	cat > "$tmp/clean" <<'EOS'
[    0.000000] Linux version 7.3.4 (wbguard@vm) (gcc (Debian 12.2.0-14) 12.2.0) #1 SMP PREEMPT_DYNAMIC
[    0.100000] Kernel command line: console=ttyS0 scsi_debug.dif=1 scsi_debug.dix=1
[    1.000000] sd 0:0:0:0: [sda] Enabling DIX T10-DIF-TYPE1-CRC, application tag size 6 bytes
[    1.200000] EXT4-fs (pmem0): mounted filesystem 1234 r/w with ordered data mode.
[    1.300000] wbg: test 40-stable-scsi-debug begin
[    1.300000] this line mentions a warning and a bug in lower case, and BUGS: none
[    1.300000] test output: mkfs WARNING: not a kernel line start
[    1.300000] EXT4-fs warning (device sda): ext4_something: not a WARN splat
[    1.400000] lkdtm: Performing direct entry EXCEPTION skipped
[    2.000000] wbg: test 40-stable-scsi-debug end rc=0
EOS
	n=$((n + 1))
	if ! scan "$tmp/clean" >/dev/null; then
		echo "splat-scan selftest: FALSE POSITIVE on the clean sample:" >&2
		scan "$tmp/clean" >&2; fails=$((fails + 1))
	fi
	if [ $fails -eq 0 ]; then
		echo "splat-scan selftest: $n cases ok"
		return 0
	fi
	echo "splat-scan selftest: $fails of $n cases wrong" >&2
	return 1
}

case "${1:-}" in
--selftest) selftest; exit $? ;;
-h|--help) sed -n '2,9p' "$0"; exit 0 ;;
esac
if [ $# -eq 0 ]; then set -- -; fi
scan "$@"
