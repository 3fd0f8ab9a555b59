#!/bin/sh
# The modules the stock matrix needs load from the package with the host's kmod (it reads
# .ko.xz; busybox's would not). modules.dep has no soft dependencies: modprobe reads
# modules.softdep, and the crc32c / blake2b providers are loaded first anyway, where the
# kernel has them as modules. scsi_debug takes its dif/dix/guard/size options from the kernel
# command line (modprobe applies "scsi_debug.x=y" from /proc/cmdline).
fail=0
have() { modinfo "$1" >/dev/null 2>&1; }
load() { # a module that is built in (no .ko) passes when /sys/module/<name> exists
	if modprobe "$1" 2>/tmp/modprobe.err; then
		echo "loaded $1"
	elif [ -d "/sys/module/$(echo "$1" | tr - _)" ]; then
		echo "built in: $1"
	else
		echo "FAIL: modprobe $1: $(cat /tmp/modprobe.err)"; fail=1
	fi
}
for m in crc32c_generic libblake2b blake2b_generic; do have $m && load $m; done
for m in ext4 jbd2 xfs btrfs scsi_debug sd_mod loop dm-mod dm-flakey; do load $m; done
have nd_e820 && load nd_e820
load nd_pmem
have dax_pmem && load dax_pmem

for m in ext4 xfs btrfs scsi_debug; do
	[ -s /sys/kernel/btf/$m ] || { echo "FAIL: no /sys/kernel/btf/$m"; fail=1; }
done
p=/sys/module/scsi_debug/parameters
echo "scsi_debug: dif=$(cat $p/dif) dix=$(cat $p/dix) guard=$(cat $p/guard) dev_size_mb=$(cat $p/dev_size_mb)"
[ "$(cat $p/dif)" = 1 ] && [ "$(cat $p/dix)" = 1 ] || { echo "FAIL: scsi_debug without DIF/DIX"; fail=1; }
sleep 1
ls /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*/block 2>/dev/null | sed 's/^/scsi_debug disk: /'
[ -b /dev/pmem0 ] && echo "pmem: /dev/pmem0 $(cat /sys/block/pmem0/size) sectors" ||
	{ echo "FAIL: no /dev/pmem0 (memmap=...!... + nd_e820/nd_pmem)"; fail=1; }
exit $fail
