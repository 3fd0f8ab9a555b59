#!/usr/bin/env bash
# make series-export [V=n] [RFC=0|1]: write patches/ from the branch
# "wbguard": git format-patch with a cover letter from the branch
# description, per-patch recipients from get_maintainer.pl (ci/cc-cmd.sh:
# each patch To: its maintainers and reviewers, Cc: its lists; the cover
# letter Cc: the union of the lists), a base-commit: trailer when
# patches/BASE names the upstream commit of the base, a new series file,
# and in CHANGES the range-diff against the series as it was before (branch
# wbguard-prev) when a new version starts.
#
# V and RFC default to what the cover letter in patches/ says. V=1 gives
# "[PATCH n/m]", V=2 "[PATCH v2 n/m]"; RFC=1 prefixes "RFC".
. "$(dirname "$0")/series-lib.sh"
series_base
[ -e "$series_tree/.git" ] || die "no $series_tree: run make series-import first"
cd "$series_tree"
[ -z "$(git status --porcelain --untracked-files=no)" ] || die "uncommitted changes in $series_tree"
n=$(git rev-list --count wbg-base..wbguard)
[ "$n" -gt 0 ] || die "branch wbguard has no commits on wbg-base"
desc=$(git config branch.wbguard.description) ||
	die "branch wbguard has no description (the cover letter text): git branch --edit-description wbguard"

old_v=$(series_version)
old_rfc=$(series_rfc)
V=${V:-$old_v}
RFC=${RFC:-$old_rfc}
changed=1
if git rev-parse -q --verify wbguard-prev >/dev/null; then
	[ -z "$(git range-diff -s wbg-base..wbguard-prev wbg-base..wbguard | grep -v ' = ')" ] && changed=0
fi
[ "$changed" = 1 ] && [ -s "$PATCHES/series" ] && [ "$V" = "$old_v" ] &&
	log "note: re-exporting v$V with changes (V=$((old_v + 1)) starts a new version with a range-diff in CHANGES)"
prefix=PATCH
[ "$V" -gt 1 ] && prefix="PATCH v$V"
[ "$RFC" = 1 ] && prefix="RFC $prefix"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# --abbrev=12: index lines as in a full kernel repository, the same on
# every machine (the default depends on how many objects the cache holds).
git format-patch -q --cover-letter --cover-from-description=subject --abbrev=12 \
	--subject-prefix="$prefix" -o "$tmp/out" wbg-base..wbguard
cover=$tmp/out/0000-cover-letter.patch

# The subject is the description's first paragraph, whole (v2 went out cut).
want=$(awk 'NF == 0 { exit } { printf "%s%s", sep, $0; sep = " " }' <<<"$desc")
got=$(patch_subject "$cover" | sed 's/^\[[^]]*\] //')
[ "$got" = "$want" ] || die "cover letter subject \"$got\" is not the description's first paragraph \"$want\""
[ ${#want} -le 75 ] || log "warning: cover letter subject is ${#want} characters"

# base-commit: only an upstream commit that b4 and the maintainers can
# resolve; the tarball import commit (wbg-base) is no such thing.
upstream_commit=$(awk '/^upstream-commit:/ { print $2 }' "$PATCHES/BASE" 2>/dev/null || true)
if [ -n "$upstream_commit" ]; then
	awk -v c="$upstream_commit" '/^-- $/ && !done { print "base-commit: " c; print ""; done = 1 } { print }' \
		"$cover" > "$cover.new" && mv "$cover.new" "$cover"
else
	log "no upstream-commit: in patches/BASE, so no base-commit: trailer (the cover letter names the base)"
fi

# $1 = patch file, $2 = header name, $3.. = addresses: add the header
# (folded like format-patch's) at the end of the mail headers.
add_header() {
	local f=$1 h=$2
	shift 2
	[ $# -gt 0 ] || return 0
	local line="$h: $1"
	shift
	for a in "$@"; do line+=$',\n    '"$a"; done
	hdr=$line awk '!done && /^$/ { print ENVIRON["hdr"]; done = 1 } { print }' "$f" > "$f.new" &&
		mv "$f.new" "$f"
}

nto=0 ncc=0
for f in "$tmp"/out/*.patch; do
	mapfile -t to < <(WBG_KTREE=$series_tree "$here/ci/cc-cmd.sh" --to "$f")
	mapfile -t cc < <(WBG_KTREE=$series_tree "$here/ci/cc-cmd.sh" --cc "$f")
	# the cover letter has no people of its own: its lists are its To:
	if [ ${#to[@]} -eq 0 ]; then to=("${cc[@]}"); cc=(); fi
	add_header "$f" To "${to[@]}"
	add_header "$f" Cc "${cc[@]}"
	nto=$((nto + ${#to[@]})) ncc=$((ncc + ${#cc[@]}))
done

mkdir -p "$PATCHES"
# A new version records what changed since the last one; re-exports of the
# version being prepared do not.
if [ "$V" != "$old_v" ] && [ "$changed" = 1 ] && git rev-parse -q --verify wbguard-prev >/dev/null &&
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
log "wrote $n patch(es) + cover letter, [$prefix], per patch: $nto To and $ncc Cc in all"
