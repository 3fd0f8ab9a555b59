#!/usr/bin/env bash
# make series-export [V=n]: write patches/ from the branch "wbguard":
# git format-patch with a cover letter from the branch description,
# --base (base-commit trailer), the recipients from get_maintainer.pl,
# a new series file, and in CHANGES the range-diff against the series
# as it was before (branch wbguard-prev).
. "$(dirname "$0")/series-lib.sh"
series_base
[ -e "$series_tree/.git" ] || die "no $series_tree: run make series-import first"
cd "$series_tree"
[ -z "$(git status --porcelain --untracked-files=no)" ] || die "uncommitted changes in $series_tree"
n=$(git rev-list --count wbg-base..wbguard)
[ "$n" -gt 0 ] || die "branch wbguard has no commits on wbg-base"
git config branch.wbguard.description >/dev/null || die "branch wbguard has no description (the cover letter text): git branch --edit-description wbguard"

old_v=$(series_version)
V=${V:-$old_v}
changed=1
if git rev-parse -q --verify wbguard-prev >/dev/null; then
	[ -z "$(git range-diff -s wbg-base..wbguard-prev wbg-base..wbguard | grep -v ' = ')" ] && changed=0
fi
[ "$changed" = 1 ] && [ -s "$PATCHES/series" ] && [ "$V" = "$old_v" ] &&
	log "note: re-exporting v$V with changes (V=$((old_v + 1)) starts a new version with a range-diff in CHANGES)"
prefix=PATCH
[ "$V" -gt 1 ] && prefix="PATCH v$V"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git format-patch -q --cover-letter --cover-from-description=subject \
	--base=wbg-base --subject-prefix="$prefix" -o "$tmp/raw" wbg-base..wbguard
# Recipients: maintainers and lists of everything the series touches.
mapfile -t who < <(./scripts/get_maintainer.pl --no-git --no-git-fallback --no-rolestats \
	--no-multiline --separator=$'\n' "$tmp"/raw/0*-*.patch 2>/dev/null | grep -v '^$' || true)
to=() cc=()
for w in "${who[@]}"; do
	case "$w" in
	*@vger.kernel.org*|*@lists.*|*@kvack.org*) cc+=("--cc=$w") ;;
	*) to+=("--to=$w") ;;
	esac
done
rm -rf "$tmp/raw"
git format-patch -q --cover-letter --cover-from-description=subject \
	--base=wbg-base --subject-prefix="$prefix" "${to[@]}" "${cc[@]}" \
	-o "$tmp/out" wbg-base..wbguard

mkdir -p "$PATCHES"
# A new version records what changed since the last one; re-exports of the
# version being prepared do not.
if [ "$V" != "$old_v" ] && git rev-parse -q --verify wbguard-prev >/dev/null &&
   [ "$(git rev-list --count wbg-base..wbguard-prev)" -gt 0 ]; then
	{ echo; echo "## v$V ($(date -u +%F)): range-diff against v$old_v"; echo
	  echo '```'; git range-diff --no-color wbg-base..wbguard-prev wbg-base..wbguard; echo '```'
	} >> "$PATCHES/CHANGES"
	log "CHANGES: range-diff v$old_v..v$V appended; add a line on what changed and why"
fi
find "$PATCHES" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' -delete
cp "$tmp"/out/*.patch "$PATCHES/"
(cd "$tmp/out" && ls [0-9]*-*.patch | grep -v '^0000-') > "$PATCHES/series"
git branch -f wbguard-prev wbguard
log "wrote $n patch(es) + cover letter, [$prefix], ${#to[@]} To, ${#cc[@]} Cc"
