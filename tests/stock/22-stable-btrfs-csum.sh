#!/bin/sh
# wbguard stable on a stock kernel: btrfs on loop (stable_writes=0): its data checksums make the mappings stable; S1 = 0, writers held back
. "$WBG_TOP/tests/stock/stock_lib.sh"
stock_modules btrfs loop
exec bash "$WBG_TOP/tests/host/stable_mode.sh" btrfs 1
