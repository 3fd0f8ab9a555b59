# Debian's stock kernels (included by the top-level Makefile).
#
#   make stock-matrix   tests/stock/*.sh on Debian 12's 6.1, bookworm-security's 6.12 and
#                       trixie-backports' 7.3.4 (newest package of each line, fetched and
#                       verified by ci/stock-kernel.sh, nothing built): wbguard stable on
#                       ext4/xfs/btrfs and wbguard dax in stock mode, with the distribution's
#                       own modules; the table goes to $(BUILD)/stock/matrix.md. The guest
#                       runs the host build of wbguard (build/wbguard: CO-RE, the binary
#                       users run), not the VM suite's.
#   make stock-ioend    tests/stock-ioend/*.sh: the VM suite's ioend tests in fentry mode on
#                       the same kernels (build/stock-ioend). Not in make check yet: on
#                       Debian's preemptible kernels the BPF recursion guard drops events
#                       (counted: verdict unknown) and a C1 can follow from a missed
#                       allocation; 6.1 shows no unwritten conversion (README).
# Variables: WBG_STOCK_LINES (default 6.1 6.12 7.3), WBG_VM_TESTS, WBG_VM_TIMEOUT.

WBG_STOCK_OUT ?= $(BUILD)/stock

.PHONY: stock-matrix stock-ioend

stock-matrix: vm-deps wbguard workloads
	@WBG_CACHE='$(WBG_CACHE)' WBG_VM_BIN='$(abspath $(BUILD))' WBG_STOCK_OUT='$(WBG_STOCK_OUT)' \
		$(VM_RUN_ENV) bash ci/stock-boot.sh $(WBG_STOCK_LINES)

stock-ioend: vm-deps wbguard workloads
	@WBG_CACHE='$(WBG_CACHE)' WBG_VM_BIN='$(abspath $(BUILD))' WBG_STOCK_OUT='$(BUILD)/stock-ioend' \
		WBG_STOCK_SUITE=tests/stock-ioend $(VM_RUN_ENV) bash ci/stock-boot.sh $(WBG_STOCK_LINES)
