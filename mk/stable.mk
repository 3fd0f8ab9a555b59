# Stable-pages mutation (included by the top-level Makefile).
#
#   make mutation-stable  the series + patches/mutations/stable-no-wait.patch (ext4's
#                         write_begin without the stable wait): DEBUG_STABLE_WRITES must
#                         count mismatches and warn, wbguard stable must report S1
#                         (tests/vm/51-stable-debug-check.sh with wbg.mutation=stable-no-wait)

.PHONY: mutation-stable

# The mutation provokes the series' own debug warning; that one line is expected.
mutation-stable: initramfs
	@WBG_CACHE='$(WBG_CACHE)' KBUILD='$(KBUILD)' VM_BUILD='$(VM_BUILD)' \
		bash ci/mutation.sh stable-no-wait stable-debug \
		'WARNING: .*(mm/filemap.c:[0-9]+|generic_perform_write)'

mutations: mutation-stable
