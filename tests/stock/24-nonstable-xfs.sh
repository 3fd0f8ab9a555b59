#!/bin/sh
# wbguard stable on a stock kernel: xfs on loop, stable_writes=0: rewrites under writeback > 0, verdict unchecked
. "$WBG_TOP/tests/stock/stock_lib.sh"
stock_modules xfs loop
exec bash "$WBG_TOP/tests/host/stable_mode.sh" xfs 0
