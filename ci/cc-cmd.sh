#!/usr/bin/env bash
# Recipients of one patch of the series, one address per line, for
# git send-email --cc-cmd (and used by make series-export to write the To:
# and Cc: headers of each patch).
#
# Usage: ci/cc-cmd.sh [--to|--cc|--all] PATCH
#   --all (default)  maintainers, reviewers and lists of what PATCH touches
#   --to             maintainers and reviewers only (people)
#   --cc             mailing lists only
# A cover letter (0000-*.patch, or a patch without a diff) gets no people
# and, with --cc/--all, the union of the lists of the NNNN-*.patch files
# next to it: every list that receives one patch sees the cover letter.
#
# get_maintainer.pl runs in the kernel tree $WBG_KTREE; default: the series
# tree ($WBG_CACHE/linux-series, the series applied, so that the series' own
# MAINTAINERS lines count), else the base tree. Its options: no roles (git
# send-email wants bare addresses), no git history (the base is a tarball
# import: there is none). "Fixes:" lookups fail for the same reason; that is
# noted once on stderr.
#
#   git send-email --cc-cmd='ci/cc-cmd.sh --all' patches/0*.patch
set -euo pipefail
WBG_CACHE=${WBG_CACHE:-$HOME/.cache/wbguard}
die() { echo "cc-cmd: error: $*" >&2; exit 2; }

role=all
case "${1:-}" in
--to) role=to; shift ;;
--cc) role=cc; shift ;;
--all) shift ;;
esac
[ $# -eq 1 ] || die "usage: ci/cc-cmd.sh [--to|--cc|--all] PATCH"
patch=$1
[ -f "$patch" ] || die "no such patch: $patch"
patch=$(cd "$(dirname "$patch")" && pwd)/$(basename "$patch")

ktree=${WBG_KTREE:-}
if [ -z "$ktree" ]; then
	if [ -x "$WBG_CACHE/linux-series/scripts/get_maintainer.pl" ]; then
		ktree=$WBG_CACHE/linux-series
	else
		ktree=$WBG_CACHE/linux-base
	fi
fi
[ -x "$ktree/scripts/get_maintainer.pl" ] || die "no scripts/get_maintainer.pl in $ktree (set WBG_KTREE)"

# $1 = to|cc|all, $2 = patch: get_maintainer.pl's answer for that role
gm() {
	local opts=(--no-rolestats --no-git --no-git-fallback) err
	case "$1" in
	to) opts+=(--no-l) ;;
	cc) opts+=(--no-m --no-r) ;;
	esac
	err=$(mktemp)
	# PERL_HASH_SEED=0: get_maintainer.pl orders sections of equal weight by
	# perl's hash order, which changes from run to run (patch 7's To: came
	# out in two orders); a fixed seed gives the same headers every export.
	(cd "$ktree" && PERL_HASH_SEED=0 ./scripts/get_maintainer.pl "${opts[@]}" "$2") 2>"$err" ||
		{ cat "$err" >&2; rm -f "$err"; die "get_maintainer.pl failed"; }
	if [ "$1" != cc ] && grep -q 'unknown revision' "$err"; then
		echo "cc-cmd: ${2##*/}: a Fixes: commit is not in $ktree (no history); its signers are not added" >&2
	fi
	# anything else get_maintainer.pl says is passed on
	grep -v -e 'unknown revision' -e "^Use '--' to separate" -e "^'git <command>" "$err" >&2 || true
	rm -f "$err"
}

is_cover() {
	case "${1##*/}" in 0000-*) return 0 ;; esac
	! grep -q '^diff --git ' "$1"
}

if is_cover "$patch"; then
	[ "$role" = to ] && exit 0
	mapfile -t sib < <(find "$(dirname "$patch")" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' \
		! -name '0000-*' | sort)
	[ ${#sib[@]} -gt 0 ] || die "cover letter ${patch##*/} without patches next to it"
	# one get_maintainer.pl run per patch: the lists each patch gets
	for s in "${sib[@]}"; do gm cc "$s"; done | awk '!seen[$0]++'
	exit 0
fi

gm "$role" "$patch"
