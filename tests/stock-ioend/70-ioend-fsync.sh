#!/bin/sh
# wbguard ioend in fentry mode on a stock kernel (ext4 as a module): the VM suite's
# tests/vm/70-ioend-fsync.sh, whose verdicts ci/ioend-compare.sh compares with series mode on our kernel.
. "$WBG_TOP/tests/stock/stock_lib.sh"
stock_modules ext4 loop dm-mod dm-flakey
grep -qw 'wbg.ioend_mode=fentry' /proc/cmdline || { echo "FAIL: stock kernels run ioend in fentry mode (wbg.ioend_mode=fentry)"; exit 1; }
exec sh "$WBG_TOP/tests/vm/70-ioend-fsync.sh"
