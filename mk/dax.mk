# DAX targets (included by the top-level Makefile).
#
#   make vmtest-dax     the clean series: only the guest's DAX tests (tests/vm/6x-dax-*)
#   make mutation-dax   the series + patches/mutations/dax-unwritten-no-convert.patch:
#                       wbguard dax (mainline mode) must report D1 and the remount data
#                       check must find the written data missing or stale
#                       (tests/vm/62-dax-d1-mainline.sh, the one guest test named dax-d1,
#                       run with wbg.mutation=... on the kernel command line)
#   make mutations      runs mutation-dax (other subjects add their own prerequisites)
#
# ci/mutation.sh builds the mutated kernel (series + the mutation, git apply) incrementally
# in the clean kernel's O= directory and copies it out; the guest binaries and the initramfs
# are the clean build's (CO-RE: the mutation changes no type).

DAX_MUT := dax-unwritten-no-convert

.PHONY: vmtest-dax mutation-dax mutations

vmtest-dax: initramfs
	@WBG_VM_TESTS=dax WBG_VM_TIMEOUT='$(WBG_VM_TIMEOUT)' \
		bash ci/qemu-run.sh $(VM_KERNEL) $(VM_INITRAMFS) $(VM_BUILD)/dax

mutation-dax: initramfs
	@WBG_CACHE='$(WBG_CACHE)' KBUILD='$(KBUILD)' VM_BUILD='$(VM_BUILD)' \
		bash ci/mutation.sh $(DAX_MUT) dax-d1

mutations: mutation-dax
