# Patch series targets (included by the top-level Makefile).
#
#   make series-check    git am one by one on the pristine base, build every
#                        prefix, checkpatch --strict per patch
#   make series-import   patches/ -> branch wbguard in $(WBG_CACHE)/linux-series
#   make series-export   branch wbguard -> patches/ (cover letter, base-commit,
#                        recipients, range-diff into CHANGES); V=n for a new version

.PHONY: series-check series-import series-export

series-check: vm-deps
	@WBG_CACHE='$(WBG_CACHE)' bash ci/series-check.sh

series-import: vm-deps
	@WBG_CACHE='$(WBG_CACHE)' bash ci/series-import.sh

series-export: vm-deps
	@WBG_CACHE='$(WBG_CACHE)' V='$(V)' bash ci/series-export.sh
