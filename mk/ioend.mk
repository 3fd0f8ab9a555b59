# ioend targets (included by the top-level Makefile).
#
#   make vmtest-ioend     the clean series: only the guest's ioend tests (tests/vm/7x-ioend-*)
#   make mutation-ioend-wb-before-convert, make mutation-ioend-leak
#                         the series + patches/mutations/<name>.patch (WBG_EXTRA_PATCHES);
#                         tests/vm/70-ioend-fsync.sh must see C2 (resp. C1 leaks) fire
#   make mutation-ioend-conversion-error-dropped
#                         patch 1 (the fix) reverted on the series: tests/vm/74-ioend-convert-fail.sh
#                         must see fsync return 0 after a failed conversion, and C4 fire
#   make mutations        also runs the three ioend mutations
#   make fentry-ioend-series  the ioend tests in series mode and in fentry mode on the
#                         series kernel (make check: no other kernel to build or fetch)
#   make fentry-ioend     the ioend tests in series mode on the series kernel and in
#                         fentry mode on Debian's stock 7.3.4; the verdicts must be the same
#                         (fentry-ioend-base: against the bare base built here)
#   make bench-ioend      workload (a) with and without wbguard ioend in one boot; the
#                         BENCH lines go to bench/ioend.txt

IOEND_MUTS := ioend-wb-before-convert ioend-leak ioend-conversion-error-dropped
# the guest test (wbg.tests= substring) that must catch each
ioend_mut_test = $(if $(filter ioend-conversion-error-dropped,$(1)),ioend-convert-fail,ioend-fsync)
IOEND_FENTRY_OUT = $(VM_BUILD)/ioend-fentry

.PHONY: vmtest-ioend fentry-compare fentry-ioend fentry-ioend-base fentry-ioend-series bench-ioend $(addprefix mutation-,$(IOEND_MUTS))

vmtest-ioend: initramfs
	@WBG_VM_TESTS=ioend WBG_VM_TIMEOUT='$(WBG_VM_TIMEOUT)' \
		bash ci/qemu-run.sh $(VM_KERNEL) $(VM_INITRAMFS) $(VM_BUILD)/ioend

# $(1): mutation name; ci/mutation.sh builds it incrementally in the clean kernel's O=
# directory (the mutations touch fs/ext4/page-io.c only) and runs the guest test that
# ioend_mut_test names with wbg.mutation=$(1). Variables are escaped ($$): this file is
# included before mk/vm.mk.
define ioend_mutation
mutation-$(1): initramfs
	@WBG_CACHE='$$(WBG_CACHE)' KBUILD='$$(KBUILD)' VM_BUILD='$$(VM_BUILD)' \
		bash ci/mutation.sh $(1) $(call ioend_mut_test,$(1))
endef
$(foreach m,$(IOEND_MUTS),$(eval $(call ioend_mutation,$(m))))

mutations: $(addprefix mutation-,$(IOEND_MUTS))

# fentry mode against series mode: the same ioend tests, verdicts compared by
# ci/ioend-compare.sh.
#   fentry-ioend-series both modes on the series kernel, two boots (make check). fentry mode
#                     hooks the same ext4 functions on any kernel; on Debian's 7.3.4 the
#                     trampolines' recursion guard loses events (README), on ours none so
#                     far, so the verdicts must be equal.
#   fentry-ioend-base against the bare v7.3.4 base built here with our config (a second
#                     kernel build, ~13 min cold: not in make check)
#   fentry-ioend      against Debian's stock 7.3.4 (ext4 a module), booting both for the
#                     ioend tests; not in make check yet (see mk/stock.mk, stock-ioend)
#   fentry-compare    compare the logs of a VM suite run and a stock-ioend run
fentry-compare:
	@bash ci/ioend-compare.sh $(VM_BUILD)/console.log $(BUILD)/stock-ioend/7.3/console.log

fentry-ioend: vmtest-ioend
	@$(MAKE) --no-print-directory stock-ioend WBG_STOCK_LINES=7.3 BUILD='$(BUILD)' || true
	@bash ci/ioend-compare.sh $(VM_BUILD)/ioend/console.log $(BUILD)/stock-ioend/7.3/console.log

# The ioend tests in series mode on kernel $(1) and in fentry mode on kernel $(2) (output
# $(IOEND_FENTRY_OUT)/$(3)), then the verdicts compared. A failed boot leaves its log short
# and the comparison fails on it, so qemu-run's own status is not the result.
define ioend_modes_compared
	@mkdir -p $(IOEND_FENTRY_OUT)
	@WBG_VM_TESTS=ioend bash ci/qemu-run.sh $(1) $(VM_INITRAMFS) $(IOEND_FENTRY_OUT)/series || true
	@WBG_VM_TESTS=ioend WBG_VM_APPEND=wbg.ioend_mode=fentry bash ci/qemu-run.sh \
		$(2) $(VM_INITRAMFS) $(IOEND_FENTRY_OUT)/$(3) || true
	@bash ci/ioend-compare.sh $(IOEND_FENTRY_OUT)/series/console.log \
		$(IOEND_FENTRY_OUT)/$(3)/console.log
endef

fentry-ioend-series: initramfs
	$(call ioend_modes_compared,$(VM_KERNEL),$(VM_KERNEL),fentry-series)

fentry-ioend-base: initramfs
	@mkdir -p $(IOEND_FENTRY_OUT)
	@cp $(VM_KERNEL) $(IOEND_FENTRY_OUT)/series-bzImage
	@WBG_CACHE='$(WBG_CACHE)' KBUILD='$(KBUILD)' WBG_SERIES=none WBG_CONFIG_LENIENT=1 \
		bash ci/kernel-build.sh
	@cp $(KBUILD)/arch/x86/boot/bzImage $(IOEND_FENTRY_OUT)/base-bzImage
	$(call ioend_modes_compared,$(IOEND_FENTRY_OUT)/series-bzImage,$(IOEND_FENTRY_OUT)/base-bzImage,fentry)

bench-ioend: initramfs
	@WBG_VM_TIMEOUT='$(WBG_VM_TIMEOUT)' bash ci/bench.sh ioend $(VM_KERNEL) $(VM_INITRAMFS) $(VM_BUILD)/ioend-bench
