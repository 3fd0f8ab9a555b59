#!/bin/sh
# Guest side of `make fstests` (ci/fstests-run.sh boots this suite: wbg.suite=tests/fstests).
# Runs the fstests listed in the plan file the host wrote (plan.txt of the directory bound on
# /run/wbg/share/plan by stage 1, wbg.share.plan=DIR), one `./check` per test so that a hang
# or crash costs one test, and
# prints one line per test on the console for the host to collect:
#   WBG-FSTEST-BEGIN <config> <test>
#   WBG-FSTEST <config> <test> pass|fail|notrun <seconds> [reason]
# Plan lines: "<config> <test>", config one of the sections below. fstests itself is the
# build from ci/fstests-build.sh (wbg.share.fstests=DIR), copied to tmpfs: it writes into
# its own tree (results/, local.config).
set -u
plan=/run/wbg/share/plan/plan.txt src=/run/wbg/share/fstests
[ -r "$plan" ] || { echo "fstests: no plan file '$plan'"; exit 1; }
[ -x "$src/check" ] || { echo "fstests: no fstests build at '$src'"; exit 1; }

# without fstests' .git, half of its files: over 9p the copy costs per file
mkdir /tmp/fstests && tar -C "$src" --exclude=./.git -cf - . | tar -C /tmp/fstests -xf - || exit 1
cd /tmp/fstests || exit 1
# fstests runs some tests as users fsgqa, fsgqa2, 123456-fsgqa: the root is read-only,
# so ci/fstests-build.sh adds them on the host; tests that need more do not run.
mkdir -p /mnt/test /mnt/scratch /tmp/fst-img
# the images' own tmpfs: a full image file is an ENOSPC of the loop device, not of /tmp
mount -t tmpfs -o size=80% tmpfs /tmp/fst-img || exit 1

# Devices: loop files on the guest's tmpfs (sparse; the guest gets RAM for them),
# scsi_debug (DIF/DIX, stable writes) and pmem (DAX) from the harness.
loopdev() { # file size_mb
	truncate -s "${2}M" "$1" && losetup -f --show "$1"
}
dixdev() {
	for d in /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*/block/*; do
		[ -e "$d" ] && { echo "/dev/$(basename "$d")"; return 0; }
	done
	return 1
}
TEST_LOOP=$(loopdev /tmp/fst-img/test.img 3072) || exit 1
SCRATCH_LOOP=$(loopdev /tmp/fst-img/scratch.img 3072) || exit 1
# No udev in the guest: libdevmapper makes the /dev/mapper nodes of dm-flakey and
# dm-error itself (without this, the log tests' /dev/mapper/flakey-test did not appear),
# but as block nodes where udev makes symlinks to ../dm-N, and fstests finds a dm
# device's sysfs name (/sys/fs/xfs/dm-N/error) through that link. A dmsetup first in
# PATH (fstests' DMSETUP_PROG) turns the nodes into udev's symlinks after every call.
export DM_DISABLE_UDEV=1
if real_dmsetup=$(command -v dmsetup); then
	mkdir -p /tmp/fst-bin
	cat > /tmp/fst-bin/dmsetup <<EOF
#!/bin/sh
# links left by a removed device go first: libdevmapper would not replace them
clean() {
	for l in /dev/mapper/*; do
		[ -L "\$l" ] && [ ! -e "\$l" ] && rm -f "\$l"
	done
}
clean
$real_dmsetup "\$@"
rc=\$?
case " \$* " in *" remove "*|*" remove_all "*) exit \$rc ;; esac
for n in /sys/block/dm-*/dm/name; do
	[ -r "\$n" ] || continue
	name=\$(cat "\$n") dm=\${n#/sys/block/}
	l=/dev/mapper/\$name dm=\${dm%%/*}
	[ -n "\$name" ] && [ ! -L "\$l" ] || continue
	rm -f "\$l" && ln -s "../\$dm" "\$l"
done
clean
exit \$rc
EOF
	chmod 755 /tmp/fst-bin/dmsetup
	export PATH=/tmp/fst-bin:$PATH
fi

config() { # name: export the fstests configuration of one section
	unset MOUNT_OPTIONS TEST_FS_MOUNT_OPTS MKFS_OPTIONS
	export TEST_DIR=/mnt/test SCRATCH_MNT=/mnt/scratch
	export TEST_DEV=$TEST_LOOP SCRATCH_DEV=$SCRATCH_LOOP
	case "$1" in
	ext4) export FSTYP=ext4 ;;
	xfs) export FSTYP=xfs ;;
	ext4-dix|xfs-dix)	# scratch on the DIF/DIX scsi_debug disk: stable writes
		export FSTYP=${1%-dix}
		SCRATCH_DEV=$(dixdev) || { echo "fstests: no scsi_debug disk"; return 1; }
		# one command in flight, as on a slow or busy array: writes wait in the
		# queue after their protection information was generated ;;
		echo 1 > "/sys/block/${SCRATCH_DEV#/dev/}/device/queue_depth" ;;
	ext4-dax|xfs-dax)	# scratch on pmem, mounted -o dax
		export FSTYP=${1%-dax} SCRATCH_DEV=/dev/pmem0 MOUNT_OPTIONS="-o dax=always"
		[ -b /dev/pmem0 ] || { echo "fstests: no /dev/pmem0"; return 1; } ;;
	*) echo "fstests: unknown config $1"; return 1 ;;
	esac
	# the test device is made once per config
	umount "$TEST_DIR" 2>/dev/null
	case "$FSTYP" in
	ext4) mkfs.ext4 -q -F "$TEST_DEV" ;;
	xfs) mkfs.xfs -q -f "$TEST_DEV" ;;
	esac
}

now() { cut -d' ' -f1 /proc/uptime; }
cur=""
while read -r cfg t _; do
	case "$cfg" in ''|'#'*) continue ;; esac
	if [ "$cfg" != "$cur" ]; then
		config "$cfg" || { echo "WBG-FSTEST $cfg $t fail 0 config"; continue; }
		cur=$cfg
	fi
	echo "WBG-FSTEST-BEGIN $cfg $t"
	echo "wbg: fstests $cfg $t begin" > /dev/kmsg
	t0=$(now)
	rm -rf results
	timeout -k 10 "${WBG_FSTEST_TIMEOUT:-900}" ./check "$t" > /tmp/check.out 2>&1
	rc=$?
	t1=$(now)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
	if grep -q "^Not run: .*$t" /tmp/check.out; then
		res=notrun why=$(grep -m1 "\[not run\]" /tmp/check.out | sed 's/.*\[not run\] *//' | tr ' ' '_')
	elif grep -q "^Passed all 1 tests" /tmp/check.out; then
		res=pass why=""
	else
		res=fail why="rc=$rc"
		[ "$rc" = 124 ] || [ "$rc" = 137 ] && why=timeout
		sed 's/^/  | /' /tmp/check.out | tail -n 40
		for f in $(find results -path "*/$t.out.bad" -o -path "*/$t.dmesg" 2>/dev/null); do
			head -n 30 "$f" | sed "s|^|  ${f##*.}\| |"
		done
		# the test's own log (it lives in the guest's tmpfs only)
		for f in $(find results -path "*/$t.full" 2>/dev/null); do
			tail -n 25 "$f" | sed "s|^|  full\| |"
		done
	fi
	echo "WBG-FSTEST $cfg $t $res $secs $why"
	echo "wbg: fstests $cfg $t end $res" > /dev/kmsg
	umount /mnt/scratch 2>/dev/null
done < "$plan"
exit 0
