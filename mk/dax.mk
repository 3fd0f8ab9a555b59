# DAX targets (included by the top-level Makefile).
#
#   make vmtest-dax     the clean series: only the guest's DAX tests (tests/vm/6x-dax-*)
#   make mutation-dax   the series + patches/mutations/dax-unwritten-no-convert.patch:
#                       wbguard dax must report D1 and the remount data check must find
#                       the written data missing or stale (tests/vm/60-dax-d1.sh, run with
#                       wbg.mutation=... on the kernel command line)
#   make mutations      runs mutation-dax (other subjects add their own prerequisites)
#
# The mutated kernel (series + the mutation, applied with git apply: WBG_EXTRA_PATCHES) is
# built incrementally in the clean kernel's O= directory and copied out; the guest binaries
# and the initramfs are the clean build's (CO-RE: the mutation changes no type).

DAX_MUT := dax-unwritten-no-convert
DAX_MUT_OUT = $(VM_BUILD)/mut-$(DAX_MUT)
# recursive (=): mk/vm.mk, which sets VM_BUILD and KBUILD, is included after this file
DAX_MUT_KBUILD = $(KBUILD)

.PHONY: vmtest-dax mutation-dax mutations

vmtest-dax: initramfs
	@WBG_VM_TESTS=dax WBG_VM_TIMEOUT='$(WBG_VM_TIMEOUT)' \
		bash ci/qemu-run.sh $(VM_KERNEL) $(VM_INITRAMFS) $(VM_BUILD)/dax

mutation-dax: initramfs
	@mkdir -p $(DAX_MUT_OUT)
	@WBG_CACHE='$(WBG_CACHE)' KBUILD='$(DAX_MUT_KBUILD)' \
		WBG_EXTRA_PATCHES='$(abspath patches/mutations/$(DAX_MUT).patch)' bash ci/kernel-build.sh
	@cp $(DAX_MUT_KBUILD)/arch/x86/boot/bzImage $(DAX_MUT_OUT)/bzImage
	@rc=0; WBG_VM_TESTS=dax-d1 WBG_VM_TIMEOUT='$(WBG_VM_TIMEOUT)' \
		WBG_VM_APPEND='wbg.mutation=$(DAX_MUT)' \
		bash ci/qemu-run.sh $(DAX_MUT_OUT)/bzImage $(VM_INITRAMFS) \
		$(DAX_MUT_OUT) || rc=$$?; \
	if grep -q '^60-dax-d1 PASS' $(DAX_MUT_OUT)/guest-results.txt; then \
		echo "mutation $(DAX_MUT): caught by D1 and by the data check (qemu-run exit $$rc)"; \
	else \
		echo "mutation $(DAX_MUT): NOT caught (see $(DAX_MUT_OUT)/console.log)"; exit 1; \
	fi

mutations: mutation-dax
