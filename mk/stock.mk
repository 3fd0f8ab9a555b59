# Debian's stock kernels (included by the top-level Makefile).
#
#   make stock-matrix   tests/stock/*.sh on Debian 12's 6.1, bookworm-security's 6.12 and
#                       trixie-backports' 7.3.4 (newest package of each line, fetched and
#                       verified by ci/stock-kernel.sh, nothing built): wbguard stable on
#                       ext4/xfs/btrfs, wbguard ioend in fentry mode, wbguard dax in stock
#                       mode, with the distribution's own modules; the table goes to
#                       $(BUILD)/stock/matrix.md. The guest runs the host build of wbguard
#                       (build/wbguard: CO-RE, the binary users run), not the VM suite's.
# Variables: WBG_STOCK_LINES (default 6.1 6.12 7.3), WBG_VM_TESTS, WBG_VM_TIMEOUT.

WBG_STOCK_OUT ?= $(BUILD)/stock

.PHONY: stock-matrix

stock-matrix: vm-deps wbguard workloads
	@WBG_CACHE='$(WBG_CACHE)' WBG_VM_BIN='$(abspath $(BUILD))' WBG_STOCK_OUT='$(WBG_STOCK_OUT)' \
		$(VM_RUN_ENV) bash ci/stock-boot.sh $(WBG_STOCK_LINES)
