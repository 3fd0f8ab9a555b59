#!/bin/sh
# wbguard stable on a stock kernel: btrfs -o nodatasum: no stable mapping (unchecked); btrfs still waits for writeback, so no rewrite under writeback
. "$WBG_TOP/tests/stock/stock_lib.sh"
stock_modules btrfs loop
exec bash "$WBG_TOP/tests/host/stable_mode.sh" btrfs 0
