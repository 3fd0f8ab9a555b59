# Stable-pages mutation (included by the top-level Makefile).
#
#   make mutation-stable  the series + patches/mutations/stable-no-wait.patch (ext4's
#                         write_begin without the stable wait): DEBUG_STABLE_WRITES must
#                         count mismatches and warn, wbguard stable must report S1
#                         (tests/vm/51-stable-debug-check.sh with wbg.mutation=stable-no-wait)
#   make mutation-stable-partial  the series + patches/mutations/stable-check-partial.patch
#                         (the check hashes folios that are not uptodate, as in v1): the read
#                         into a partly written folio of tests/vm/53 must give mismatches
#   make mutation-stable-no-bounce  the series + patches/mutations/stable-no-bounce.patch
#                         (submit_bio() does not bounce DMA-pinned folios: the kernel
#                         before 0009): O_DIRECT reads into a shared mapping under
#                         writeback must give guard errors and debug-check mismatches on
#                         ext4 and xfs over the DIX disk (tests/vm/54-stable-dmapin.sh)
#   make bench-stable-bounce  the normal path (nothing pinned) with and without 0009's
#                         check: the series kernel and the stable-no-bounce mutation kernel
#                         (make mutation-stable-no-bounce first) booted in turn,
#                         tests/vm/55-stable-bounce-bench.sh -> bench/stable-bounce.txt
#   make bench-stable-check  the cost of DEBUG_STABLE_WRITES switched on: a streaming
#                         writer on a stable-writes loop device, check off and on
#                         alternating in one boot -> bench/stable-check.txt

.PHONY: mutation-stable mutation-stable-partial mutation-stable-no-bounce bench-stable-bounce bench-stable-check

# The mutation provokes the series' own debug warning; that one line is expected.
mutation-stable: initramfs
	@WBG_CACHE='$(WBG_CACHE)' KBUILD='$(KBUILD)' VM_BUILD='$(VM_BUILD)' \
		bash ci/mutation.sh stable-no-wait stable-debug \
		'WARNING: .*(mm/filemap.c:[0-9]+|generic_perform_write)'

mutation-stable-partial: initramfs
	@WBG_CACHE='$(WBG_CACHE)' KBUILD='$(KBUILD)' VM_BUILD='$(VM_BUILD)' \
		bash ci/mutation.sh stable-check-partial stable-partial

mutation-stable-no-bounce: initramfs
	@WBG_CACHE='$(WBG_CACHE)' KBUILD='$(KBUILD)' VM_BUILD='$(VM_BUILD)' \
		bash ci/mutation.sh stable-no-bounce stable-dmapin

mutations: mutation-stable mutation-stable-partial mutation-stable-no-bounce

bench-stable-check: initramfs
	@WBG_VM_TIMEOUT='$(WBG_VM_TIMEOUT)' bash ci/bench.sh stable-check $(VM_KERNEL) \
		$(VM_INITRAMFS) $(VM_BUILD)/stable-check-bench

bench-stable-bounce: initramfs
	@WBG_VM_TIMEOUT='$(WBG_VM_TIMEOUT)' bash ci/bench-bounce.sh $(VM_KERNEL) \
		$(VM_BUILD)/mut-stable-no-bounce/bzImage $(VM_INITRAMFS) $(VM_BUILD)/stable-bounce-bench
