#!/bin/sh
# Stage 2 of the wbguard test VM: runs as PID 1 after ci/guest-stage1.sh switched root to the
# host's root filesystem (read-only over 9p, tmpfs on /tmp /run /mnt /var/tmp /root), with the
# host's Debian tools (sh is dash). Runs every tests/vm/NN-name.sh of the checkout in order,
# prints one machine-parseable line per test on the console,
#   WBG-RESULT <name> PASS|FAIL|SKIP <seconds>
# then dumps dmesg between WBG-DMESG-BEGIN / WBG-DMESG-END, prints WBG-DONE and ends qemu
# (busybox reboot -f with qemu -no-reboot: Debian's /sbin/reboot needs systemd).
# Paths (bind mounts made by stage 1), exported to the tests:
#   WBG_TOP=/run/wbg/top  the checkout      WBG_BIN=/run/wbg/bin  wbguard, workloads/, tests/
# Kernel command line switches:
#   wbg.tests=<substring>   only run tests whose name contains it
#   wbg.suite=<dir>         the test directory, relative to the checkout (default tests/vm)
#   wbg.inject=fail|warn    test-only: add a failing test / raise a kernel WARN (proves the harness fails)
#   wbg.mutation=<name>     read by the tests themselves (a mutated kernel: expect the violation)
#   wbg.test_timeout=<s>    per-test timeout (default 300)
#   wbg.shell=1             drop to an interactive shell (bash) instead of running the tests
#   wbg.fastutils=0|1       busybox applets first on PATH for plain text utilities (cat, grep,
#                           sed, awk, ...; default 1 for tests/vm, which were written for busybox,
#                           0 otherwise): a static applet starts in ~12 ms under TCG, a dynamic
#                           Debian one in 45-65 ms (ld.so, not 9p: the same from tmpfs).
#                           Filesystem, block and BPF tools are always Debian's.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LC_ALL=C
export WBG_TOP=/run/wbg/top WBG_BIN=/run/wbg/bin

exec </dev/console >/dev/console 2>&1
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
mount -t configfs configfs /sys/kernel/config 2>/dev/null
[ -e /dev/fd ] || ln -sf /proc/self/fd /dev/fd
hostname wbg-guest 2>/dev/null

# A stock kernel's modules (stage 1 bound its package on /run/wbg/modroot): the machine has
# no /lib/modules/<release> for it and its root is read-only, so kmod is pointed there with
# -d / -b, for the tests (modprobe, modinfo on PATH) and for the kernel's own request_module.
if [ -d /run/wbg/modroot/lib/modules ]; then
	mkdir -p /run/wbg/sbin
	printf '#!/bin/sh\nexec /sbin/modprobe -d /run/wbg/modroot "$@"\n' > /run/wbg/sbin/modprobe
	printf '#!/bin/sh\nexec /sbin/modinfo -b /run/wbg/modroot "$@"\n' > /run/wbg/sbin/modinfo
	chmod 755 /run/wbg/sbin/modprobe /run/wbg/sbin/modinfo
	export PATH=/run/wbg/sbin:$PATH
	echo /run/wbg/sbin/modprobe > /proc/sys/kernel/modprobe
fi

# scsi_debug implements WRITE SAME (used for BLKZEROOUT/write-zeroes, e.g. by
# mkfs.ext4) without updating its protection information, so zeroed blocks
# later fail the guard check on read. Make the kernel write zero pages instead.
for w in /sys/class/scsi_disk/*/max_write_same_blocks; do
	[ -w "$w" ] && echo 0 > "$w"
done

read -r up _ </proc/uptime
read -r s1 </run/wbg/stage1-uptime 2>/dev/null || s1=?
echo "WBG-BOOT uptime=${up}s stage1=${s1}s kernel=$(uname -r) root=9p"

filter="" inject="" tmo=300 shell="" suite=tests/vm fastutils=""
for a in $(cat /proc/cmdline); do
	case "$a" in
	wbg.tests=*) filter=${a#wbg.tests=} ;;
	wbg.suite=*) suite=${a#wbg.suite=} ;;
	wbg.inject=*) inject=${a#wbg.inject=} ;;
	wbg.test_timeout=*) tmo=${a#wbg.test_timeout=} ;;
	wbg.shell=1) shell=1 ;;
	wbg.fastutils=*) fastutils=${a#wbg.fastutils=} ;;
	esac
done

[ -n "$shell" ] && fastutils=${fastutils:-0}	# the shell gets the real tools
[ -n "$fastutils" ] || { [ "$suite" = tests/vm ] && fastutils=1 || fastutils=0; }
if [ "$fastutils" = 1 ]; then
	mkdir -p /run/wbg/fast
	for a in cat cut grep egrep fgrep sed awk tr head tail wc sleep seq basename dirname expr \
		 sort uniq tee od md5sum xargs date stat readlink nproc mkdir rm; do
		ln -s /bin/busybox /run/wbg/fast/$a
	done
	export PATH=/run/wbg/fast:$PATH
fi

finish() {
	echo "WBG-DMESG-BEGIN"
	dmesg
	echo "WBG-DMESG-END"
	echo "WBG-DONE"
	sync
	busybox reboot -f
	sleep 5
	echo b >/proc/sysrq-trigger
	sleep 60
}

if [ -n "$shell" ]; then
	echo "wbg: interactive shell; 'exit' ends the VM"
	setsid -c bash -l
	finish
fi

now() { cut -d' ' -f1 /proc/uptime; }
run_one() { # name, command...
	name=$1; shift
	echo "WBG-TEST-BEGIN $name"
	echo "wbg: test $name begin" >/dev/kmsg
	t0=$(now)
	# each test in its own process group, killed on timeout
	timeout -k 10 "$tmo" "$@"
	rc=$?
	t1=$(now)
	echo "wbg: test $name end rc=$rc" >/dev/kmsg
	case $rc in
	0) res=PASS ;;
	77) res=SKIP ;;
	124|137|143) res=FAIL; echo "wbg: $name timed out after ${tmo}s" ;;
	*) res=FAIL ;;
	esac
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	echo "WBG-RESULT $name $res $secs rc=$rc"
}

tdir=$WBG_TOP/$suite
cd "$tdir" || { echo "wbg: no $tdir"; finish; }
for t in "$tdir"/[0-9]*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	case "$name" in *"$filter"*) ;; *) continue ;; esac
	run_one "$name" sh "$t"
	cd "$tdir"
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
