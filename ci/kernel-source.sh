#!/usr/bin/env bash
# Prepare the pristine kernel base as a git repository in the cache.
#
# Usage: ci/kernel-source.sh            (uses $KSRC if set, else Debian's linux-source-7.3)
# Env:   WBG_CACHE  cache dir (default ~/.cache/wbguard)
#        KSRC       optional user tree (git or plain) used instead of the Debian package
#        WBG_KPKG   Debian source package (default linux-source-7.3)
# Output: stdout = the base repo: a git repo whose tag wbg-base is the pristine tree
#         ($WBG_CACHE/linux-base for Debian; $WBG_CACHE/ksrc-<hash> for KSRC: a git KSRC's HEAD,
#         or a plain KSRC imported as one commit)
#         patches/BASE            upstream tag, Debian version, tarball sha256 (Debian path only)
#
# Nothing on the machine's apt configuration is changed: a private apt state dir in the cache
# is used, with the archive URI read from the machine's own apt sources.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
WBG_CACHE=${WBG_CACHE:-$HOME/.cache/wbguard}
pkg=${WBG_KPKG:-linux-source-7.3}
upstream_tag=${WBG_UPSTREAM_TAG:-v${pkg#linux-source-}}
base=$WBG_CACHE/linux-base
log() { echo "kernel-source: $*" >&2; }
die() { echo "kernel-source: error: $*" >&2; exit 1; }

is_kernel_tree() {
	[ -f "$1/Makefile" ] && [ -f "$1/Kconfig" ] && [ -f "$1/scripts/kconfig/merge_config.sh" ] &&
		grep -q '^VERSION = ' "$1/Makefile"
}

# The same tarball must give the same base commit on every machine, since
# the series' base-commit trailer names it: fixed identity and dates.
base_git() {
	GIT_AUTHOR_NAME="wbguard base import" GIT_AUTHOR_EMAIL="base@wbguard.invalid" \
	GIT_COMMITTER_NAME="wbguard base import" GIT_COMMITTER_EMAIL="base@wbguard.invalid" \
	GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
		git "$@"
}

commit_tree() { # $1 = dir, $2 = message: commit everything (Debian's .gitignore has "/*")
	git -C "$1" config user.name >/dev/null || git -C "$1" config user.name "wbguard ci"
	git -C "$1" config user.email >/dev/null || git -C "$1" config user.email "ci@wbguard.invalid"
	git -C "$1" config gc.auto 0
	git -C "$1" add -f -A .
	git -C "$1" diff --cached --quiet && git -C "$1" rev-parse -q --verify HEAD >/dev/null ||
		base_git -C "$1" commit -q -m "$2"
	git -C "$1" tag -f wbg-base >/dev/null
}

if [ -n "${KSRC:-}" ]; then
	[ -d "$KSRC" ] || die "KSRC=$KSRC: no such directory"
	is_kernel_tree "$KSRC" || die "KSRC=$KSRC is not a kernel source tree (needs Makefile with VERSION, Kconfig, scripts/kconfig/merge_config.sh)"
	KSRC=$(cd "$KSRC" && pwd)
	key=$(printf %s "$KSRC" | sha1sum | cut -c1-10)
	base=$WBG_CACHE/ksrc-$key
	mkdir -p "$base"
	if git -C "$KSRC" rev-parse -q --verify HEAD >/dev/null 2>&1 &&
	   [ "$(git -C "$KSRC" rev-parse --show-toplevel)" = "$KSRC" ]; then
		# git tree: its HEAD (committed state) is the base
		[ -d "$base/.git" ] || git init -q -b base "$base"
		git -C "$base" fetch -q --no-tags "$KSRC" HEAD
		git -C "$base" tag -f wbg-base FETCH_HEAD >/dev/null
		[ -n "$(git -C "$KSRC" status --porcelain --untracked-files=no | head -n1)" ] &&
			log "warning: KSRC has uncommitted changes; only its HEAD is used"
		log "KSRC git tree $KSRC at $(git -C "$base" rev-parse --short wbg-base)"
	else
		# plain tree: import it as one commit
		[ -d "$base/.git" ] || git init -q -b base "$base"
		rsync -a --delete --exclude=/.git "$KSRC"/ "$base"/
		commit_tree "$base" "KSRC import of $KSRC"
		log "KSRC plain tree $KSRC imported at $(git -C "$base" rev-parse --short wbg-base)"
	fi
	echo "$base"
	exit 0
fi

# one fetch/extract at a time per cache
mkdir -p "$WBG_CACHE"
exec 8>"$WBG_CACHE/.kernel-source.lock"
flock 8

if [ -d "$base/.git" ] && git -C "$base" rev-parse -q --verify refs/tags/wbg-base >/dev/null &&
   [ -f "$base/.git/wbg-stamp" ]; then
	log "base present: $base ($(cat "$base/.git/wbg-stamp"))"
	echo "$base"
	exit 0
fi

# --- the archive URI and suite, from the machine's own apt sources -----------------------
. "$here/ci/apt-lib.sh"
codename=$(apt_codename)
uri=$(apt_uri_for "$codename")
[ -n "$uri" ] || die "no Debian archive URI for suite '$codename' in the machine's apt sources"
# linux-source-7.3 is in trixie-backports (bookworm-backports stops at 6.12): try the suites in
# order, first one that has the package wins.
suites=${WBG_KSUITES:-trixie-backports $codename-backports}

ver=""
for suite in $suites; do
	apt_private "$suite" "$uri" || { log "apt-get update of $suite failed"; continue; }
	ver=$(apt-cache "${aptopts[@]}" policy "$pkg" | awk '/Candidate:/ { print $2 }')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] && break
	log "$pkg not in $suite"; ver=""
done
[ -n "$ver" ] || die "$pkg not found in any of: $suites"
# patches/BASE pins the Debian version the series was made on: use it while the archive has it.
pinned=$(awk -v p="$pkg" '/^debian-package:/ { pk = $2 } /^debian-version:/ { v = $2 } END { if (pk == p) print v }' "$here/patches/BASE" 2>/dev/null || true)
if [ -n "$pinned" ] && [ "$pinned" != "$ver" ]; then
	if apt-cache "${aptopts[@]}" show "$pkg=$pinned" >/dev/null 2>&1; then
		ver=$pinned
	else
		log "warning: patches/BASE pins $pkg $pinned, no longer in $suite; using $ver (patches/BASE will be rewritten)"
	fi
fi
log "$pkg $ver"
deb=$(apt_fetch "$pkg" "$ver" "$WBG_CACHE/debs")
got=$(sha256sum "$deb" | cut -d" " -f1)   # apt_fetch checked it against the index

# --- extract the tarball ------------------------------------------------------------------
tmp=$WBG_CACHE/extract.$$
rm -rf "$tmp"; mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
tarpath=$(dpkg-deb --fsys-tarfile "$deb" | tar -t | grep -E '^\./usr/src/linux-source-[^/]*\.tar\.(xz|gz|bz2|zst)$' | head -n1)
[ -n "$tarpath" ] || die "no kernel tarball in $deb"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "$tarpath"
tarball=$tmp/${tarpath#./}
tar_sha=$(sha256sum "$tarball" | cut -d' ' -f1)
log "tarball $(basename "$tarball") sha256 $tar_sha"
mkdir -p "$tmp/src"
tar -x -C "$tmp/src" --strip-components=1 -f "$tarball"
is_kernel_tree "$tmp/src" || die "extracted tarball is not a kernel tree"
kver=$(make -s -C "$tmp/src" kernelversion 2>/dev/null || true)

rm -rf "$base"
mv "$tmp/src" "$base"
git -C "$base" init -q -b base
commit_tree "$base" "Debian $pkg $ver ($upstream_tag + stable + Debian patches)

tarball sha256: $tar_sha
make kernelversion: $kver"
echo "$pkg $ver $tar_sha" > "$base/.git/wbg-stamp"

# --- patches/BASE -------------------------------------------------------------------------
# upstream-commit: (the upstream commit of v$kver, for the cover letter's base-commit:) is
# not in the tarball; it is written by hand and kept while the kernel version stays.
old_kver=$(awk '/^kernelversion:/ { print $2 }' "$here/patches/BASE" 2>/dev/null || true)
upstream_commit=""
[ "$old_kver" = "$kver" ] &&
	upstream_commit=$(grep '^upstream-commit:' "$here/patches/BASE" 2>/dev/null || true)
{ cat <<EOB
upstream: $upstream_tag
stable: v$kver
kernelversion: $kver
debian-package: $pkg
debian-version: $ver
suite: $suite
tarball: $(basename "$tarball")
tarball-sha256: $tar_sha
deb-sha256: $got
EOB
  [ -z "$upstream_commit" ] || echo "$upstream_commit"
} > "$here/patches/BASE.new"
mv "$here/patches/BASE.new" "$here/patches/BASE"
log "base ready: $base (kernelversion $kver); wrote patches/BASE"
echo "$base"
