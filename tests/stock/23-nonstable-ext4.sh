#!/bin/sh
# wbguard stable on a stock kernel: ext4 on loop, stable_writes=0: rewrites under writeback > 0, verdict unchecked (no stable mapping)
. "$WBG_TOP/tests/stock/stock_lib.sh"
stock_modules ext4 loop
exec bash "$WBG_TOP/tests/host/stable_mode.sh" ext4 0
