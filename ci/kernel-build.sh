#!/usr/bin/env bash
# Build the guest kernel: pristine base (ci/kernel-source.sh) + git am of patches/series in a
# work tree in the cache, config = tinyconfig + kernel-config/*.config, incremental O= build
# with ccache.
#
# Env:  WBG_CACHE  (default ~/.cache/wbguard)   KSRC  optional user tree (see kernel-source.sh)
#       KBUILD     O= build dir (default $WBG_CACHE/kbuild)
#       WBG_KCONFIGS  fragments, in merge order (default: kernel-config/base.config debug.config)
#       WBG_SERIES    series file (default patches/series); WBG_SERIES=none builds the bare base
#       WBG_EXTRA_PATCHES  plain diffs applied with git apply after the series (test-only
#                     mutations, patches/mutations/)
#       WBG_CONFIG_LENIENT=1  do not stop on options that did not stick (series-check builds
#                     prefixes that do not define every symbol yet)
#       JOBS       make -j (default nproc)
# Output: $KBUILD/arch/x86/boot/bzImage, $KBUILD/vmlinux (with .BTF), $KBUILD/.wbg-kernel
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
WBG_CACHE=${WBG_CACHE:-$HOME/.cache/wbguard}
KBUILD=${KBUILD:-$WBG_CACHE/kbuild}
JOBS=${JOBS:-$(nproc)}
series=${WBG_SERIES:-$here/patches/series}
frags=${WBG_KCONFIGS:-$here/kernel-config/base.config $here/kernel-config/debug.config}
read -r -a extra <<<"${WBG_EXTRA_PATCHES:-}"
log() { echo "kernel-build: $*" >&2; }
die() { echo "kernel-build: error: $*" >&2; exit 1; }
t0=$(date +%s)

base=$("$here/ci/kernel-source.sh" | tail -n1)
[ -d "$base/.git" ] || die "kernel-source.sh gave no base repo"
basecommit=$(git -C "$base" rev-parse wbg-base^{commit})
ts=$(date +%s)

# One kernel build at a time on this machine (2 cores: two builds only slow each other down,
# and builds sharing a cache share its work tree).
mkdir -p "$WBG_CACHE"
exec 9>"${WBG_BUILD_LOCK:-${TMPDIR:-/tmp}/wbguard-kernel-build.lock}"
flock -n 9 || { log "waiting for another kernel build to finish"; flock 9; }
tw=$(date +%s)
[ $((tw - ts)) -gt 0 ] && log "waited $((tw - ts))s for the build lock"
t0=$((t0 + tw - ts))   # the totals below leave the wait out

# --- work tree: base + series ------------------------------------------------------------
# One work tree per base repo, a git worktree of it on branch "work". Rebuilt only when the
# base or a patch changed; git touches only the files that differ, so make stays incremental.
work=$base-work
patches=()
if [ "$series" != none ] && [ -s "$series" ]; then
	pdir=$(dirname "$series")
	while read -r p _; do
		case "$p" in ''|'#'*) continue ;; esac
		case "$p" in /*) ;; *) p=$pdir/$p ;; esac	# absolute, or relative to the series file
		[ -f "$p" ] || die "$series names $p, which does not exist"
		patches+=("$p")
	done < "$series"
fi
# Options only the series defines (kernel-config/series.config) join when it is applied.
if [ -z "${WBG_KCONFIGS:-}" ] && [ ${#patches[@]} -gt 0 ]; then
	frags+=" $here/kernel-config/series.config"
fi
# The work tree's state, one line per item: the base, each applied patch, each extra diff.
# Moving between states touches as few files as possible (make stays incremental): extra
# diffs are dropped with reset --hard (only the files they changed), and a series that
# extends the applied one (series-check, prefix by prefix) only git-ams the new patches.
state() { echo "base $basecommit"
	for p in ${patches[@]+"${patches[@]}"}; do echo "patch $(sha256sum < "$p" | cut -c1-16)"; done; }
want=$(state)
want_extra=$(for p in ${extra[@]+"${extra[@]}"}; do echo "extra $(sha256sum < "$p" | cut -c1-16)"; done)
if [ ! -e "$work/.git" ]; then
	git -C "$base" worktree prune
	git -C "$base" worktree add -q -f -B work "$work" "$basecommit"
fi
stampf=$base/.git/wbg-work-state
have=$(grep -v '^extra ' "$stampf" 2>/dev/null || true)
have_extra=$(grep '^extra ' "$stampf" 2>/dev/null || true)
am() { # patch files...
	[ $# -gt 0 ] || return 0
	git -C "$work" am -q --keep-cr --whitespace=nowarn "$@" ||
		{ git -C "$work" am --abort >/dev/null 2>&1 || true
		  die "git am of $series failed on the base $(git -C "$base" rev-parse --short "$basecommit")"; }
}
if [ "$have" != "$want" ] || [ "$have_extra" != "$want_extra" ]; then
	git -C "$work" am --abort >/dev/null 2>&1 || true
	# drop the uncommitted extra diffs of the previous state
	[ -n "$have_extra" ] && git -C "$work" reset -q --hard
	nhave=$(grep -c '^patch ' <<<"$have" || true)
	if [ -n "$have" ] && [ "$have" = "$(head -n $((nhave + 1)) <<<"$want")" ] &&
	   [ "$(git -C "$work" rev-list --count "$basecommit"..HEAD 2>/dev/null)" = "$nhave" ]; then
		log "work tree: base + $nhave patch(es) applied, git am $(( ${#patches[@]} - nhave )) more"
		am ${patches[@]+"${patches[@]:$nhave}"}
	else
		log "work tree: base $(git -C "$base" rev-parse --short "$basecommit") + ${#patches[@]} patch(es)"
		git -C "$work" checkout -q -f -B work "$basecommit"
		git -C "$work" clean -q -f -d -x
		am ${patches[@]+"${patches[@]}"}
	fi
	for p in ${extra[@]+"${extra[@]}"}; do
		git -C "$work" apply --whitespace=nowarn "$p" || die "git apply $p failed"
		log "applied $(basename "$p") (test-only)"
	done
	{ echo "$want"; [ -z "$want_extra" ] || echo "$want_extra"; } > "$stampf"
else
	log "work tree up to date ($(git -C "$work" log --oneline "$basecommit"..HEAD | wc -l) patch(es) on base${want_extra:+, with test-only diffs})"
fi

# --- config: tinyconfig + fragments, checked --------------------------------------------
mkdir -p "$KBUILD"
export ARCH=x86_64
# The merged config depends only on the fragments, the tree (its Kconfig files) and the lenient
# switch: skip tinyconfig + merge + olddefconfig (~45 s) when none changed.
cfgkey=$( { git -C "$work" rev-parse HEAD; git -C "$work" status --porcelain --untracked-files=no | sha256sum
	    echo "${WBG_CONFIG_LENIENT:-0} $frags"; for f in $frags; do sha256sum < "$f"; done; } | sha256sum | cut -c1-16)
if [ -f "$KBUILD/.config" ] && [ "$(cat "$KBUILD/.wbg-cfg-key" 2>/dev/null)" = "$cfgkey" ]; then
	log "config unchanged"
else
	cfgtmp=$KBUILD/.wbg-cfg
	rm -rf "$cfgtmp"; mkdir -p "$cfgtmp"
	make -s -C "$work" O="$cfgtmp" tinyconfig >/dev/null
	# shellcheck disable=SC2086
	(cd "$work" && scripts/kconfig/merge_config.sh -m -O "$cfgtmp" "$cfgtmp/.config" $frags) >"$cfgtmp/merge.log" 2>&1 ||
		{ cat "$cfgtmp/merge.log" >&2; die "merge_config.sh failed"; }
	make -s -C "$work" O="$cfgtmp" olddefconfig >/dev/null
	missing=()
	for f in $frags; do
		while IFS= read -r l; do
			case "$l" in
			"# CONFIG_"*" is not set")
				n=${l#\# }; n=${n%% *}
				grep -q "^$n=" "$cfgtmp/.config" && missing+=("$l (got $(grep "^$n=" "$cfgtmp/.config"))") ;;
			CONFIG_*=*)
				grep -qxF "$l" "$cfgtmp/.config" ||
					missing+=("$l (got $(grep -E "^${l%%=*}=|^# ${l%%=*} is not set" "$cfgtmp/.config" || echo unset))") ;;
			esac
		done < "$f"
	done
	if [ ${#missing[@]} -gt 0 ] && [ "${WBG_CONFIG_LENIENT:-0}" = 1 ]; then
		log "lenient: ${#missing[@]} requested option(s) not in this tree"
	elif [ ${#missing[@]} -gt 0 ]; then
		log "these requested options did not stick (a dependency is missing or the symbol changed):"
		printf '  %s\n' "${missing[@]}" >&2
		die "config check failed (fragments: $frags)"
	fi
	if ! cmp -s "$cfgtmp/.config" "$KBUILD/.config"; then
		cp "$cfgtmp/.config" "$KBUILD/.config"
		log "config updated"
	fi
	rm -rf "$cfgtmp"
	echo "$cfgkey" > "$KBUILD/.wbg-cfg-key"
fi

# --- build -------------------------------------------------------------------------------
export CCACHE_DIR=${CCACHE_DIR:-$WBG_CACHE/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
# ccache: same hit for the same source whatever the work tree's path
export CCACHE_BASEDIR=$work CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
cc="ccache gcc"
command -v ccache >/dev/null || cc=gcc
# Reproducible-ish: no timestamp/user/host in the version string, so an unchanged tree relinks nothing.
export KBUILD_BUILD_TIMESTAMP="${KBUILD_BUILD_TIMESTAMP:-$(git -C "$work" log -1 --format=%cd --date=rfc2822 HEAD)}"
export KBUILD_BUILD_USER=wbguard KBUILD_BUILD_HOST=vm
tb=$(date +%s)
log "make -j$JOBS O=$KBUILD (source $work)"
if ! make -s -C "$work" O="$KBUILD" CC="$cc" -j"$JOBS" bzImage >"$KBUILD/.wbg-build.log" 2>&1; then
	tail -n 60 "$KBUILD/.wbg-build.log" >&2
	die "kernel build failed (full log: $KBUILD/.wbg-build.log)"
fi
[ -f "$KBUILD/arch/x86/boot/bzImage" ] || die "no bzImage"
[ -f "$KBUILD/vmlinux" ] || die "no vmlinux"
[[ "$(objdump -h "$KBUILD/vmlinux")" == *" .BTF "* ]] || die "vmlinux has no .BTF section (pahole/dwarves missing?)"
kr=$(cat "$KBUILD/include/config/kernel.release")
{ echo "release $kr"; echo "base $basecommit"; echo "head $(git -C "$work" rev-parse HEAD)"
  echo "patches ${#patches[@]}"; } > "$KBUILD/.wbg-kernel"
t1=$(date +%s)
log "done: $kr bzImage+vmlinux(BTF) in $KBUILD; make $((t1 - tb))s, total $((t1 - t0))s"
