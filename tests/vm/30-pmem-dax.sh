#!/bin/sh
# ext4 on /dev/pmem0 mounted -o dax: write, read back, remount, read back.
set -e
dev=/dev/pmem0
[ -b $dev ] || { echo "no $dev (memmap= + CONFIG_X86_PMEM_LEGACY missing?)"; ls /sys/bus/nd/devices 2>/dev/null; exit 1; }
echo "pmem0: $(cat /sys/block/pmem0/size) sectors, dax=$(cat /sys/block/pmem0/queue/dax 2>/dev/null)"
mnt=/mnt/pmem
mkdir -p $mnt
mkfs.ext4 -q -F -b 4096 -E nodiscard $dev
mount -t ext4 -o dax $dev $mnt
grep " $mnt " /proc/mounts
grep " $mnt " /proc/mounts | grep -q 'dax' || { echo "mounted without dax"; exit 1; }
# 8 MiB of a known pattern, plus a small file written by shell redirection
dd if=/dev/urandom of=/tmp/pattern bs=1M count=8 2>/dev/null
cp /tmp/pattern $mnt/data
echo "hello dax" > $mnt/small
# an mmap write into a fallocated (unwritten) extent, the D1 path, when xfs_io is there
if command -v xfs_io >/dev/null; then
	xfs_io -f -c "falloc 0 1m" -c "mmap -w 0 1m" -c "mwrite -S 0x5a 0 1m" \
		-c "msync -s 0 1m" -c "munmap" $mnt/falloc
fi
sync
want=$(sha256sum </tmp/pattern | cut -d' ' -f1)
got=$(sha256sum <$mnt/data | cut -d' ' -f1)
[ "$want" = "$got" ] || { echo "read-back mismatch before remount"; exit 1; }
umount $mnt
e2fsck -fn $dev >/dev/null || { echo "e2fsck found errors"; exit 1; }
mount -t ext4 -o dax $dev $mnt
got=$(sha256sum <$mnt/data | cut -d' ' -f1)
[ "$want" = "$got" ] || { echo "read-back mismatch after remount"; exit 1; }
[ "$(cat $mnt/small)" = "hello dax" ] || { echo "small file mismatch"; exit 1; }
if [ -f $mnt/falloc ]; then
	want5a=$(head -c 1048576 /dev/zero | tr '\0' 'Z' | sha256sum | cut -d' ' -f1)
	got5a=$(sha256sum <$mnt/falloc | cut -d' ' -f1)
	[ "$want5a" = "$got5a" ] || { echo "mmap write into unwritten extent lost"; exit 1; }
fi
umount $mnt
echo "ext4 -o dax on $dev: write/read/remount/read ok"
