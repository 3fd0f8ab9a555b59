# Stable-pages mutation (included by the top-level Makefile).
#
#   make mutation-stable  the series + patches/mutations/stable-no-wait.patch (ext4's
#                         write_begin without the stable wait): DEBUG_STABLE_WRITES must
#                         count mismatches and warn, wbguard stable must report S1
#                         (tests/vm/51-stable-debug-check.sh with wbg.mutation=stable-no-wait)
#   make mutation-stable-partial  the series + patches/mutations/stable-check-partial.patch
#                         (the check hashes folios that are not uptodate, as in v1): the read
#                         into a partly written folio of tests/vm/53 must give mismatches
#   make bench-stable-check  the cost of DEBUG_STABLE_WRITES switched on: a streaming
#                         writer on a stable-writes loop device, check off and on
#                         alternating in one boot -> bench/stable-check.txt

.PHONY: mutation-stable mutation-stable-partial bench-stable-check

# The mutation provokes the series' own debug warning; that one line is expected.
mutation-stable: initramfs
	@WBG_CACHE='$(WBG_CACHE)' KBUILD='$(KBUILD)' VM_BUILD='$(VM_BUILD)' \
		bash ci/mutation.sh stable-no-wait stable-debug \
		'WARNING: .*(mm/filemap.c:[0-9]+|generic_perform_write)'

mutation-stable-partial: initramfs
	@WBG_CACHE='$(WBG_CACHE)' KBUILD='$(KBUILD)' VM_BUILD='$(VM_BUILD)' \
		bash ci/mutation.sh stable-check-partial stable-partial

mutations: mutation-stable mutation-stable-partial

bench-stable-check: initramfs
	@WBG_VM_TIMEOUT='$(WBG_VM_TIMEOUT)' bash ci/bench.sh stable-check $(VM_KERNEL) \
		$(VM_INITRAMFS) $(VM_BUILD)/stable-check-bench
