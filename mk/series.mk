# Patch series targets (included by the top-level Makefile).
#
#   make series-check    git am one by one on the pristine base, build every
#                        prefix, checkpatch --strict per patch
#   make series-import   patches/ -> branch wbguard in $(WBG_CACHE)/linux-series
#   make series-export   branch wbguard -> patches/ (cover letter, per-patch
#                        recipients via ci/cc-cmd.sh, base-commit when patches/BASE
#                        has upstream-commit:, range-diff into CHANGES); V=n for a
#                        new version, RFC=0|1 for the "RFC" prefix

.PHONY: series-check series-import series-export

series-check: vm-deps
	@WBG_CACHE='$(WBG_CACHE)' bash ci/series-check.sh

series-import: vm-deps
	@WBG_CACHE='$(WBG_CACHE)' bash ci/series-import.sh

series-export: vm-deps
	@WBG_CACHE='$(WBG_CACHE)' V='$(V)' RFC='$(RFC)' bash ci/series-export.sh
