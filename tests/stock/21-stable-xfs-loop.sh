#!/bin/sh
# wbguard stable on a stock kernel: xfs on a loop device with queue/stable_writes=1: S1 = 0, writers held back
. "$WBG_TOP/tests/stock/stock_lib.sh"
stock_modules xfs loop
exec bash "$WBG_TOP/tests/host/stable_mode.sh" xfs 1
