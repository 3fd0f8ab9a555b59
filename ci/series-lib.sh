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

# The Subject: of a patch file, its folded lines joined (format-patch folds
# long subjects; reading only the first line cut v2's cover subject).
patch_subject() {
	awk '/^$/ { exit }
	     subj && /^[ \t]/ { sub(/^[ \t]+/, " "); s = s $0; next }
	     { subj = 0 }
	     /^Subject: / { subj = 1; s = substr($0, 10) }
	     END { print s }' "$1"
}

# The subject tag of the cover letter in patches/: "[RFC PATCH v2 0/8] ..."
# -> "RFC PATCH v2 0/8".
series_tag() {
	[ -f "$PATCHES/0000-cover-letter.patch" ] || return 0
	patch_subject "$PATCHES/0000-cover-letter.patch" | sed -n 's/^\[\([^]]*\)\].*/\1/p'
}

# The version of the series in patches/ ("[PATCH v2 0/8]" -> 2, no vN -> 1).
series_version() {
	local v
	v=$(series_tag | sed -n 's/.*PATCH v\([0-9]*\) .*/\1/p')
	echo "${v:-1}"
}

# 1 if the series in patches/ is an RFC ("[RFC PATCH ...]").
series_rfc() {
	case "$(series_tag)" in RFC\ *) echo 1 ;; *) echo 0 ;; esac
}

ensure_series_tree() {
	if [ ! -e "$series_tree/.git" ]; then
		git -C "$base" worktree prune
		git -C "$base" worktree add -q -f -B wbguard "$series_tree" wbg-base
	fi
}
