#!/usr/bin/env bash
# make series-import: turn patches/ into the branch "wbguard" of
# $WBG_CACHE/linux-series (base + git am), for editing with git rebase -i,
# commit --amend and so on; then `make series-export` writes patches/ back.
# The cover letter's text becomes the branch description, which
# series-export turns back into the cover letter.
. "$(dirname "$0")/series-lib.sh"
series_base
ensure_series_tree
cd "$series_tree"
if [ -n "$(git status --porcelain --untracked-files=no)" ] && [ "${FORCE:-}" != 1 ]; then
	die "$series_tree has uncommitted changes (FORCE=1 discards them)"
fi
git am --abort >/dev/null 2>&1 || true
git checkout -q -f -B wbguard wbg-base
mapfile -t files < <(series_files)
if [ ${#files[@]} -gt 0 ]; then
	git am -q --keep-cr "${files[@]}" || { git am --abort || true; die "git am of patches/series failed"; }
fi
git branch -f wbguard-prev wbguard
cover=$PATCHES/0000-cover-letter.patch
if [ -f "$cover" ]; then
	# Subject (unfolded, without the [RFC PATCH vN n/m] tag) and the body
	# up to the shortlog.
	desc=$( { patch_subject "$cover" | sed 's/^\[[^]]*\] //'; echo
		  awk '/^$/ && !body { body = 1; next } body' "$cover" |
		  awk '/^[^ ].* \([0-9]+\):$/ { exit } { print }' |
		  sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'; } )
	git config branch.wbguard.description "$desc"
fi
log "branch wbguard in $series_tree: ${#files[@]} patch(es) on wbg-base"
