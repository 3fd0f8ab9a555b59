#!/bin/sh
# wbguard stable on a stock kernel: ext4 (the distribution's module) on the scsi_debug disk
# with T10-DIF type 1 + DIX, whose integrity profile requires stable writes: S1 = 0 and the
# writers held back (waits > 0), or "unchecked" where the kernel has no AS_STABLE_WRITES.
. "$WBG_TOP/tests/stock/stock_lib.sh"
stock_modules ext4
dev=$(scsi_debug_disk) || exit 1
echo 0 > /sys/block/$dev/queue/stable_writes 2>/dev/null	# the integrity profile alone
WBG_STABLE_DEV=/dev/$dev exec bash "$WBG_TOP/tests/host/stable_mode.sh" ext4 1
