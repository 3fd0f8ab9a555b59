# ioend targets (included by the top-level Makefile).
#
#   make vmtest-ioend     the clean series: only the guest's ioend tests (tests/vm/7x-ioend-*)
#   make mutation-ioend-wb-before-convert, make mutation-ioend-leak
#                         the series + patches/mutations/<name>.patch (WBG_EXTRA_PATCHES);
#                         tests/vm/70-ioend-fsync.sh must see C2 (resp. C1 leaks) fire
#   make mutations        also runs both ioend mutations
#   make fentry-ioend     the ioend tests in series mode on the series kernel and in
#                         fentry mode on the bare base; the verdicts must be the same
#   make bench-ioend      workload (a) with and without wbguard ioend in one boot; the
#                         BENCH lines go to bench/ioend.txt

IOEND_MUTS := ioend-wb-before-convert ioend-leak
IOEND_FENTRY_OUT = $(VM_BUILD)/ioend-fentry

.PHONY: vmtest-ioend fentry-ioend bench-ioend $(addprefix mutation-,$(IOEND_MUTS))

vmtest-ioend: initramfs
	@WBG_VM_TESTS=ioend WBG_VM_TIMEOUT='$(WBG_VM_TIMEOUT)' \
		bash ci/qemu-run.sh $(VM_KERNEL) $(VM_INITRAMFS) $(VM_BUILD)/ioend

# $(1): mutation name; ci/mutation.sh builds it incrementally in the clean kernel's O=
# directory (the mutations touch fs/ext4/page-io.c only) and runs 70-ioend-fsync with
# wbg.mutation=$(1). Variables are escaped ($$): this file is included before mk/vm.mk.
define ioend_mutation
mutation-$(1): initramfs
	@WBG_CACHE='$$(WBG_CACHE)' KBUILD='$$(KBUILD)' VM_BUILD='$$(VM_BUILD)' \
		bash ci/mutation.sh $(1) ioend-fsync
endef
$(foreach m,$(IOEND_MUTS),$(eval $(call ioend_mutation,$(m))))

mutations: $(addprefix mutation-,$(IOEND_MUTS))

# The unpatched v7.3 base: fentry mode. The series kernel (the prerequisite) is copied
# out first, then the base is built incrementally in the same O= directory (the series'
# own config symbols do not exist there: lenient); ci/ioend-compare.sh runs the ioend
# tests on both and compares the verdicts. The guest binaries are CO-RE, built against
# the series' BTF (the io_end structures are the same).
fentry-ioend: initramfs
	@mkdir -p $(IOEND_FENTRY_OUT)
	@cp $(VM_KERNEL) $(IOEND_FENTRY_OUT)/series-bzImage
	@WBG_CACHE='$(WBG_CACHE)' KBUILD='$(KBUILD)' WBG_SERIES=none WBG_CONFIG_LENIENT=1 \
		bash ci/kernel-build.sh
	@cp $(KBUILD)/arch/x86/boot/bzImage $(IOEND_FENTRY_OUT)/base-bzImage
	@WBG_VM_TIMEOUT='$(WBG_VM_TIMEOUT)' bash ci/ioend-compare.sh $(IOEND_FENTRY_OUT)/series-bzImage \
		$(IOEND_FENTRY_OUT)/base-bzImage $(VM_INITRAMFS) $(IOEND_FENTRY_OUT)

bench-ioend: initramfs
	@WBG_VM_TIMEOUT='$(WBG_VM_TIMEOUT)' bash ci/bench.sh ioend $(VM_KERNEL) $(VM_INITRAMFS) $(VM_BUILD)/ioend-bench
