#!/bin/sh
# wbguard stable on a stock kernel: ext4 (the distribution's module) on the scsi_debug disk
# with T10-DIF type 1 + DIX, whose integrity profile requires stable writes: S1 = 0 and the
# writers held back (waits > 0), or "unchecked" where the kernel has no AS_STABLE_WRITES.
. "$WBG_TOP/tests/stock/stock_lib.sh"
stock_modules ext4
dev=$(scsi_debug_disk) || exit 1
# what the kernel made of the integrity profile (6.12+ derive stable writes from it and
# show 0 here; 6.1 sets the queue flag, which this file shows and which an admin could clear)
echo "/dev/$dev: integrity $(cat /sys/block/$dev/integrity/format), queue/stable_writes $(cat /sys/block/$dev/queue/stable_writes)"
WBG_STABLE_DEV=/dev/$dev exec bash "$WBG_TOP/tests/host/stable_mode.sh" ext4 1
