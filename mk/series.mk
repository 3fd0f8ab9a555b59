# Patch series targets (included by the top-level Makefile).
#
#   make series-check    git am one by one on the pristine base, build every
#                        prefix, checkpatch --strict per patch, then series-buildcov
#   make series-buildcov build coverage (ci/series-buildcov.sh): W=1 and sparse on the
#                        touched objects against the base, every prefix without
#                        CONFIG_TRACING, clang-19 full build, Debian's config on the
#                        touched directories; BUILDCOV_PARTS="w1 sparse notrace clang debian"
#   make series-debian-full  the last prefix with Debian's stock config, vmlinux + all
#                        modules (hours on 2 cores; not in series-check)
#   make series-import   patches/ -> branch wbguard in $(WBG_CACHE)/linux-series
#   make series-export   branch wbguard -> patches/ (cover letter, per-patch
#                        recipients via ci/cc-cmd.sh, base-commit when patches/BASE
#                        has upstream-commit:, range-diff into CHANGES); V=n for a
#                        new version, RFC=0|1 for the "RFC" prefix

.PHONY: series-check series-buildcov series-debian-full series-import series-export

series-check: vm-deps
	@WBG_CACHE='$(WBG_CACHE)' bash ci/series-check.sh

series-buildcov: vm-deps
	@WBG_CACHE='$(WBG_CACHE)' BUILDCOV_PARTS='$(BUILDCOV_PARTS)' bash ci/series-buildcov.sh

series-debian-full: vm-deps
	@WBG_CACHE='$(WBG_CACHE)' bash ci/debian-full-build.sh

series-import: vm-deps
	@WBG_CACHE='$(WBG_CACHE)' bash ci/series-import.sh

series-export: vm-deps
	@WBG_CACHE='$(WBG_CACHE)' V='$(V)' RFC='$(RFC)' bash ci/series-export.sh
