# shellcheck shell=bash
# Shared by the series scripts: where the base and the editing branch live.
#   base repo:  $(ci/kernel-source.sh), tag wbg-base = pristine v7.3 tree
#   editing:    $WBG_CACHE/linux-series, a worktree of the base on branch
#               "wbguard" (the series), "wbguard-prev" = the series as it
#               was last imported or exported (for range-diffs)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WBG_CACHE=${WBG_CACHE:-$HOME/.cache/wbguard}
PATCHES=${PATCHES:-$here/patches}
series_tree=$WBG_CACHE/linux-series
die() { echo "${0##*/}: error: $*" >&2; exit 1; }
log() { echo "${0##*/}: $*" >&2; }

series_base() {
	base=$("$here/ci/kernel-source.sh" | tail -n1)
	[ -d "$base/.git" ] || die "no base repository"
}

# The patch files named by patches/series, in order.
series_files() {
	local p
	[ -s "$PATCHES/series" ] || return 0
	while read -r p _; do
		case "$p" in ''|'#'*) continue ;; esac
		[ -f "$PATCHES/$p" ] || die "patches/series names $p, which does not exist"
		echo "$PATCHES/$p"
	done < "$PATCHES/series"
}

# The version of the series in patches/ ("[PATCH v2 0/8]" -> 2).
series_version() {
	local v
	v=$(sed -n 's/^Subject: \[PATCH v\([0-9]*\) .*/\1/p' "$PATCHES/0000-cover-letter.patch" 2>/dev/null | head -n1)
	echo "${v:-1}"
}

ensure_series_tree() {
	if [ ! -e "$series_tree/.git" ]; then
		git -C "$base" worktree prune
		git -C "$base" worktree add -q -f -B wbguard "$series_tree" wbg-base
	fi
}
