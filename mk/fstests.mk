# fstests in the guest (included by the top-level Makefile). Not part of make check: under
# TCG the list takes hours. Resumable: run it again and it goes on where it stopped.
#
#   make fstests        build fstests (ci/fstests-build.sh, from ../shared/fstests.tar.gz),
#                       the bare base (our config, no series) in $(WBG_CACHE)/kbuild-base and
#                       the series kernel; run $(FSTESTS_LIST) on both (ci/fstests-run.sh);
#                       compare (ci/fstests-compare.sh): a test that passes on the base and
#                       fails on the series fails the target; the table goes to
#                       $(FSTESTS_OUT)/summary.md
#   make fstests-series only the series kernel's run (no base build)
# Variables: FSTESTS_LIST (default tests/fstests/list.txt), WBG_FSTESTS_SHARD (tests per
# boot), FSTESTS_OUT (default build/fstests). Results are kept per kernel image
# (<label>-<sha256 prefix of bzImage>), so a changed kernel starts a fresh run.

FSTESTS_OUT ?= $(BUILD)/fstests
FSTESTS_LIST ?= tests/fstests/list.txt
FSTESTS_KBUILD_BASE = $(WBG_CACHE)/kbuild-base

.PHONY: fstests fstests-series fstests-base-kernel

fstests-base-kernel: vm-deps
	@$(VM_ENV) KBUILD='$(FSTESTS_KBUILD_BASE)' WBG_SERIES=none bash ci/kernel-build.sh

fstests-series: initramfs
	@bash ci/fstests-run.sh series $(VM_KERNEL) $(FSTESTS_LIST) $(FSTESTS_OUT)

# the base is built first: building the series last leaves the shared work tree on it
fstests: fstests-base-kernel
	@$(MAKE) --no-print-directory initramfs
	@bash ci/fstests-run.sh base $(FSTESTS_KBUILD_BASE)/arch/x86/boot/bzImage $(FSTESTS_LIST) $(FSTESTS_OUT)
	@bash ci/fstests-run.sh series $(VM_KERNEL) $(FSTESTS_LIST) $(FSTESTS_OUT)
	@bash ci/fstests-compare.sh $(FSTESTS_OUT) $(FSTESTS_LIST) \
		$(FSTESTS_KBUILD_BASE)/arch/x86/boot/bzImage $(VM_KERNEL)
