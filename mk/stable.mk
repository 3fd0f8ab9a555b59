# Stable-pages mutation (included by the top-level Makefile).
#
#   make mutation-stable  the series + patches/mutations/stable-no-wait.patch (ext4's
#                         write_begin without the stable wait): DEBUG_STABLE_WRITES must
#                         count mismatches and warn, write_begin's VM_WARN_ON_ONCE_FOLIO
#                         must fire, wbguard stable must report S1 and S2
#                         (tests/vm/51-stable-debug-check.sh with wbg.mutation=stable-no-wait)
#   make mutation-stable-iomap  the series + patches/mutations/stable-no-wait-iomap.patch
#                         (iomap_get_folio() without FGP_STABLE): the same detectors on xfs
#                         (tests/vm/51 with wbg.stable_fs=xfs), the warning from
#                         iomap_write_begin()
#   make mutation-stable-no-bounce  the series + patches/mutations/stable-no-bounce.patch
#                         (submit_bio() does not bounce DMA-pinned folios: the kernel
#                         before 0007): O_DIRECT reads into a shared mapping under
#                         writeback must give guard errors, debug-check mismatches and
#                         wbguard S1 and S2 on ext4 and xfs over the DIX disk
#                         (tests/vm/54-stable-dmapin.sh)
#   make bench-stable-bounce  the normal path (nothing pinned) with and without 0007's
#                         check: the series kernel and the stable-no-bounce mutation kernel
#                         (make mutation-stable-no-bounce first) booted in turn,
#                         tests/vm/55-stable-bounce-bench.sh -> bench/stable-bounce.txt
#   make bench-stable-check  the cost of DEBUG_STABLE_WRITES per MiB written, off and on:
#                         a streaming writer on a stable-writes loop device, the check
#                         switched off and on (debugfs) alternating in one boot
#                         -> bench/stable-check.txt

.PHONY: mutation-stable mutation-stable-iomap mutation-stable-no-bounce bench-stable-bounce bench-stable-check

# The mutation provokes the series' own debug warning; that one line is expected.
mutation-stable: initramfs
	@WBG_CACHE='$(WBG_CACHE)' KBUILD='$(KBUILD)' VM_BUILD='$(VM_BUILD)' \
		bash ci/mutation.sh stable-no-wait stable-debug \
		'WARNING: .*(mm/filemap.c:[0-9]+|generic_perform_write)'

mutation-stable-iomap: initramfs
	@WBG_CACHE='$(WBG_CACHE)' KBUILD='$(KBUILD)' VM_BUILD='$(VM_BUILD)' WBG_VM_APPEND=wbg.stable_fs=xfs \
		bash ci/mutation.sh stable-no-wait-iomap stable-debug \
		'WARNING: .*(fs/iomap/buffered-io.c:[0-9]+|iomap_write_begin)'

mutation-stable-no-bounce: initramfs
	@WBG_CACHE='$(WBG_CACHE)' KBUILD='$(KBUILD)' VM_BUILD='$(VM_BUILD)' \
		bash ci/mutation.sh stable-no-bounce stable-dmapin

mutations: mutation-stable mutation-stable-iomap mutation-stable-no-bounce

# Instruction counting (WBG_VM_ICOUNT=1, as bench-stable-bounce): under plain TCG the
# difference is below the noise of the host's load.
bench-stable-check: initramfs
	@WBG_VM_ICOUNT=$${WBG_VM_ICOUNT:-1} WBG_VM_TIMEOUT='$(WBG_VM_TIMEOUT)' bash ci/bench.sh stable-check $(VM_KERNEL) \
		$(VM_INITRAMFS) $(VM_BUILD)/stable-check-bench

bench-stable-bounce: initramfs
	@WBG_VM_TIMEOUT='$(WBG_VM_TIMEOUT)' bash ci/bench-bounce.sh $(VM_KERNEL) \
		$(VM_BUILD)/mut-stable-no-bounce/bzImage $(VM_INITRAMFS) $(VM_BUILD)/stable-bounce-bench
