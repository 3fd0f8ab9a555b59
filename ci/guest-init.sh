#!/bin/sh
# /init of the wbguard test VM (busybox sh). Mounts the pseudo filesystems, runs every
# /tests/vm/NN-name.sh in order, prints one machine-parseable line per test on the console,
#   WBG-RESULT <name> PASS|FAIL|SKIP <seconds>
# then dumps dmesg between WBG-DMESG-BEGIN / WBG-DMESG-END, prints WBG-DONE and ends qemu
# (reboot -f with qemu -no-reboot). Kernel command line switches:
#   wbg.tests=<substring>   only run tests whose name contains it
#   wbg.inject=fail|warn    test-only: add a failing test / raise a kernel WARN (proves the harness fails)
#   wbg.test_timeout=<s>    per-test timeout (default 300)
#   wbg.shell=1             drop to an interactive shell instead of running the tests
export PATH=/bin:/usr/bin:/usr/sbin:/sbin
export HOME=/root TERM=dumb

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mkdir -p /dev/pts /dev/shm /tmp /run /mnt
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
ln -sf /proc/self/fd /dev/fd 2>/dev/null

# scsi_debug implements WRITE SAME (used for BLKZEROOUT/write-zeroes, e.g. by
# mkfs.ext4) without updating its protection information, so zeroed blocks
# later fail the guard check on read. Make the kernel write zero pages instead.
for w in /sys/class/scsi_disk/*/max_write_same_blocks; do
	[ -w "$w" ] && echo 0 > "$w"
done

read -r up _ </proc/uptime
echo "WBG-BOOT uptime=${up}s kernel=$(uname -r)"

filter="" inject="" tmo=300 shell=""
for a in $(cat /proc/cmdline); do
	case "$a" in
	wbg.tests=*) filter=${a#wbg.tests=} ;;
	wbg.inject=*) inject=${a#wbg.inject=} ;;
	wbg.test_timeout=*) tmo=${a#wbg.test_timeout=} ;;
	wbg.shell=1) shell=1 ;;
	esac
done

finish() {
	echo "WBG-DMESG-BEGIN"
	dmesg
	echo "WBG-DMESG-END"
	echo "WBG-DONE"
	sync
	reboot -f
	sleep 5
	echo b >/proc/sysrq-trigger
}

if [ -n "$shell" ]; then
	echo "wbg: interactive shell; 'exit' ends the VM"
	setsid cttyhack sh -l
	finish
fi

now() { cut -d' ' -f1 /proc/uptime; }
run_one() { # name, command...
	name=$1; shift
	echo "WBG-TEST-BEGIN $name"
	echo "wbg: test $name begin" >/dev/kmsg
	t0=$(now)
	# each test in its own process group, killed on timeout
	timeout "$tmo" "$@"
	rc=$?
	t1=$(now)
	echo "wbg: test $name end rc=$rc" >/dev/kmsg
	case $rc in
	0) res=PASS ;;
	77) res=SKIP ;;
	124|143) res=FAIL; echo "wbg: $name timed out after ${tmo}s" ;;
	*) res=FAIL ;;
	esac
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	echo "WBG-RESULT $name $res $secs rc=$rc"
}

cd /tests/vm || { echo "wbg: no /tests/vm"; finish; }
for t in /tests/vm/[0-9]*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	case "$name" in *"$filter"*) ;; *) continue ;; esac
	run_one "$name" sh "$t"
	cd /tests/vm
done

case "$inject" in
fail)
	run_one inject-fail sh -c 'echo "wbg: injected failure (WBG_VM_INJECT=fail)"; exit 1' ;;
warn)
	# a real WARN from LKDTM when built in, else a synthetic WARNING line in the kernel log
	if [ -w /sys/kernel/debug/provoke-crash/DIRECT ]; then
		echo WARNING >/sys/kernel/debug/provoke-crash/DIRECT
	else
		echo "WARNING: CPU: 0 PID: 1 at wbguard-inject (synthetic, no LKDTM)" >/dev/kmsg
	fi ;;
esac

finish
