#!/bin/sh
# /init of the test VM's initramfs (stage 1, busybox sh): load the modules listed in
# /etc/wbg-modules (the virtio/9p chain of a stock kernel; none for ours, where it is built in),
# mount the host's root filesystem read-only over virtio-9p, put tmpfs on the places the tests
# write, and switch_root into it to run stage 2, ci/guest-init.sh of the checkout, with the
# host's own Debian tools. This is virtme-ng's design: no root image to build, every host tool.
#
# Kernel command line (set by ci/qemu-run.sh):
#   wbg.top=/abs/checkout   the checkout whose ci/guest-init.sh and tests run (required)
#   wbg.bin=/abs/dir        the guest binaries (wbguard, workloads/, tests/; default $top/build/vm)
#   wbg.tag=NAME            the 9p mount tag of the host root (default wbgroot)
#   wbg.msize=BYTES         9p message size (default 512000)
#   wbg.modroot=/abs/dir    a stock kernel's unpacked package (<dir>/lib/modules/<release>):
#                           bound on /run/wbg/modroot; stage 2 points kmod there (modprobe -d)
#   wbg.share.NAME=/abs/dir another host directory the tests read, bound on /run/wbg/share/NAME
#                           (e.g. the fstests build and its plan, under a cache in /root)
#   wbg.stage1_shell=1      a busybox shell here instead of switching root (debugging)
PATH=/bin
export PATH

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1

top="" bin="" tag=wbgroot msize=512000 modroot="" s1shell="" shares=""
for a in $(cat /proc/cmdline); do
	case "$a" in
	wbg.share.*=*) shares="$shares ${a#wbg.share.}" ;;
	wbg.top=*) top=${a#wbg.top=} ;;
	wbg.bin=*) bin=${a#wbg.bin=} ;;
	wbg.tag=*) tag=${a#wbg.tag=} ;;
	wbg.msize=*) msize=${a#wbg.msize=} ;;
	wbg.modroot=*) modroot=${a#wbg.modroot=} ;;
	wbg.stage1_shell=1) s1shell=1 ;;
	esac
done

die() {
	echo "wbg-stage1: error: $*"
	echo "WBG-STAGE1-FAILED"
	echo b >/proc/sysrq-trigger 2>/dev/null
	reboot -f
	sleep 60
}

# modules in dependency order, decompressed (busybox insmod reads plain .ko only)
if [ -s /etc/wbg-modules ]; then
	while read -r m; do
		[ -n "$m" ] || continue
		insmod "/lib/modules/$m" || die "insmod $m failed"
	done </etc/wbg-modules
fi

[ -n "$top" ] || die "no wbg.top= on the kernel command line"
mkdir -p /newroot
# version 9p2000.L with cache=loose: the root does not change under a test run, and caching
# metadata and pages in the guest is what makes starting host binaries over 9p cheap.
mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=$msize,cache=loose "$tag" /newroot ||
	die "mounting the host root (9p tag $tag) failed"
[ -x "/newroot$top/ci/guest-init.sh" ] || [ -f "/newroot$top/ci/guest-init.sh" ] ||
	die "no $top/ci/guest-init.sh in the host root"

# The checkout, the guest binaries and a stock kernel's package get fixed places under /run
# (bind mounts) before any tmpfs goes on: a checkout under /tmp or /root, or a cache under
# /root, would be hidden by them otherwise. Stage 2 and the tests use only these paths:
#   /run/wbg/top  the checkout   /run/wbg/bin  the guest binaries   /run/wbg/modroot  stock modules
mount -t tmpfs -o mode=755 tmpfs /newroot/run || die "tmpfs on /run"
mkdir -p /newroot/run/wbg/top /newroot/run/wbg/bin /newroot/run/lock
mount --bind "/newroot$top" /newroot/run/wbg/top || die "bind $top"
[ -n "$bin" ] || bin=$top/build/vm
if [ -d "/newroot$bin" ]; then
	mount --bind "/newroot$bin" /newroot/run/wbg/bin || die "bind $bin"
else
	echo "wbg-stage1: warning: no guest binaries at $bin"
fi
if [ -n "$modroot" ]; then
	rel=$(uname -r)
	[ -d "/newroot$modroot/lib/modules/$rel" ] || die "no $modroot/lib/modules/$rel in the host root"
	mkdir -p /newroot/run/wbg/modroot
	mount --bind "/newroot$modroot" /newroot/run/wbg/modroot || die "bind $modroot"
fi
for sh in $shares; do
	name=${sh%%=*} dir=${sh#*=}
	[ -d "/newroot$dir" ] || die "wbg.share.$name: no directory $dir in the host root"
	mkdir -p "/newroot/run/wbg/share/$name"
	mount --bind "/newroot$dir" "/newroot/run/wbg/share/$name" || die "bind $dir"
done

# writable places: the tests' scratch files and mount points, tools' state and home
for d in tmp mnt var/tmp var/lib/misc root; do
	[ -d "/newroot/$d" ] || continue
	mount -t tmpfs -o mode=755 tmpfs "/newroot/$d" || die "tmpfs on /$d"
done
chmod 1777 /newroot/tmp /newroot/var/tmp
[ -f /etc/wbg-kernel-release ] && cp /etc/wbg-kernel-release /newroot/run/wbg/kernel-release
[ -f /etc/wbg-modules ] && cp /etc/wbg-modules /newroot/run/wbg/stage1-modules
read -r up _ </proc/uptime
echo "$up" > /newroot/run/wbg/stage1-uptime

if [ -n "$s1shell" ]; then
	echo "wbg-stage1: shell (exit to continue into stage 2)"
	setsid cttyhack sh
fi

for m in dev proc sys; do
	mount --move /$m /newroot/$m || die "move /$m"
done
exec switch_root /newroot /bin/sh /run/wbg/top/ci/guest-init.sh
