# shellcheck shell=bash
# Shared by ci/series-buildcov.sh and ci/debian-full-build.sh: the build-coverage scratch tree
# (base + the whole series, one commit per patch), the objects the series touches, and
# kernel makes under the machine's kernel-build lock.
#
#   buildcov_tree           $tree = $WBG_CACHE/linux-buildcov at base + series; sets
#                           commits=(base c1 .. cN); git am only when a patch changed
#   buildcov_targets        the make targets that cover what the series touches (stdout)
#   kmake DIR ARGS...       make -C $tree O=DIR ARGS under the lock (released after,
#                           unless a step holds it: step FUNC ARGS...)
#   guest_config DIR [FRAG...] [-- MAKEVARS]   tinyconfig + kernel-config fragments + FRAGs
#
# Needs series-lib.sh (here, WBG_CACHE, PATCHES, die, log, series_base, series_files).

buildcov=$WBG_CACHE/buildcov
tree=$WBG_CACHE/linux-buildcov
lockf=${WBG_BUILD_LOCK:-${TMPDIR:-/tmp}/wbguard-kernel-build.lock}
JOBS=${JOBS:-$(nproc)}
export ARCH=x86_64
export CCACHE_DIR=${CCACHE_DIR:-$WBG_CACHE/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
export CCACHE_BASEDIR=$tree CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
export KBUILD_BUILD_USER=wbguard KBUILD_BUILD_HOST=vm
ccache=ccache
command -v ccache >/dev/null || ccache=""
lock_wait=0	# seconds spent waiting for the lock, summed

buildcov_tree() {
	local want have f
	mkdir -p "$buildcov"
	mapfile -t files < <(series_files)
	[ ${#files[@]} -gt 0 ] || die "patches/series is empty"
	want=$( { git -C "$base" rev-parse 'wbg-base^{commit}'; for f in "${files[@]}"; do sha256sum < "$f"; done; } | sha256sum | cut -c1-16)
	if [ ! -e "$tree/.git" ]; then
		git -C "$base" worktree prune
		git -C "$base" worktree add -q -f --detach "$tree" wbg-base
	fi
	have=$(cat "$buildcov/tree-state" 2>/dev/null || true)
	if [ "$have" != "$want" ] || ! git -C "$tree" rev-parse -q --verify "$(cat "$buildcov/tree-tip" 2>/dev/null || echo none)^{commit}" >/dev/null; then
		git -C "$tree" am --abort >/dev/null 2>&1 || true
		git -C "$tree" checkout -q -f --detach wbg-base
		git -C "$tree" clean -q -f -d -x
		git -C "$tree" am -q --keep-cr --whitespace=nowarn "${files[@]}" ||
			{ git -C "$tree" am --abort >/dev/null 2>&1 || true; die "git am of the series failed (make series-check says where)"; }
		git -C "$tree" rev-parse HEAD > "$buildcov/tree-tip"
		echo "$want" > "$buildcov/tree-state"
	fi
	mapfile -t commits < <(git -C "$base" rev-parse 'wbg-base^{commit}'; git -C "$tree" rev-list --reverse "wbg-base..$(cat "$buildcov/tree-tip")")
	[ ${#commits[@]} -eq $(( ${#files[@]} + 1 )) ] || die "scratch tree has $(( ${#commits[@]} - 1 )) commits for ${#files[@]} patches"
}

# checkout COMMIT: git touches only the files that differ (make stays incremental)
tree_at() { git -C "$tree" checkout -q -f --detach "$1"; }

# What the whole series touches, as make targets, the same for every prefix (the build dirs
# are incremental: a prefix rebuilds only what it changed, headers included):
#  - the directory of every touched source file or Makefile (fs/ext4/, mm/, block/, ...),
#    recursively, so every object there that includes a changed header is rebuilt;
#  - in a directory too big for that (more than 400 .c files below it, i.e. fs/), only the
#    touched .c files' objects (the RFC before part 5 had fs/dax.o).
# Headers under include/ add no target of their own: their includers in the touched
# directories are rebuilt; includers elsewhere are covered by the full guest and clang builds.
buildcov_targets() {
	local f d
	declare -A seen=()
	while read -r f; do
		case "$f" in
		include/*|Documentation/*|MAINTAINERS|*/Kconfig*|Kconfig*) continue ;;
		*.c|*.h|*/Makefile) ;;
		*) continue ;;
		esac
		d=${f%/*}
		[ "$d" != "$f" ] || continue
		if [ "$(find "$tree/$d" -name '*.c' | wc -l)" -le 400 ]; then
			seen[$d/]=1
		elif [[ "$f" == *.c ]]; then
			seen[${f%.c}.o]=1
		fi
	done < <(git -C "$tree" diff --name-only "${commits[0]}" "${commits[-1]}")
	printf '%s\n' "${!seen[@]}" | sort
}

# The kernel-build lock: taken per step (a prefix, one side of a comparison, a full build)
# and released between steps, so another kernel build waits for one step at most.
lock_held=0
lock_take() {
	local ts tw
	[ "$lock_held" = 0 ] || { lock_held=$((lock_held + 1)); return 0; }
	ts=$(date +%s)
	exec 9>"$lockf"
	flock -n 9 || { log "waiting for the kernel build lock ($lockf)"; flock 9; }
	tw=$(( $(date +%s) - ts )); lock_wait=$((lock_wait + tw))
	[ "$tw" -gt 0 ] && log "waited ${tw}s for the build lock"
	lock_held=1
}
lock_drop() {
	lock_held=$((lock_held - 1))
	[ "$lock_held" -gt 0 ] || { lock_held=0; exec 9>&-; }
}
# step CMD ARGS...: run CMD holding the lock (its kmakes do not release it in between)
step() {
	local rc=0
	lock_take
	"$@" || rc=$?
	lock_drop
	return $rc
}

# kmake DIR ARGS...: one kernel make under the lock (held by the step, or just for this make).
kmake() {
	local dir=$1 rc=0
	shift
	mkdir -p "$dir"
	lock_take
	make -C "$tree" O="$dir" -j"$JOBS" "$@" || rc=$?
	lock_drop
	return $rc
}

# guest_config DIR MAKEVARS... -- FRAGS...: tinyconfig + kernel-config/base, debug, series
# (lenient: a prefix may not define every series symbol) + FRAGS, olddefconfig.
guest_config() {
	local dir=$1 mv=() fr=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do mv+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	fr=("$here/kernel-config/base.config" "$here/kernel-config/debug.config" "$here/kernel-config/series.config" "$@")
	kmake "$dir" -s ${mv[@]+"${mv[@]}"} tinyconfig >/dev/null
	(cd "$tree" && scripts/kconfig/merge_config.sh -m -O "$dir" "$dir/.config" "${fr[@]}") >"$dir/merge.log" 2>&1 ||
		{ cat "$dir/merge.log" >&2; die "merge_config.sh failed for $dir"; }
	kmake "$dir" -s ${mv[@]+"${mv[@]}"} olddefconfig >/dev/null
}

# The new Kconfig symbols the series adds ("config FOO" lines), one a line.
series_symbols() {
	git -C "$tree" diff "${commits[0]}" "${commits[-1]}" -- '*Kconfig*' |
		sed -n 's/^+config \([A-Z0-9_]*\).*/\1/p' | sort -u
}

# debian_config_into DIR CONFIG: Debian's config in build dir DIR, olddefconfig'd for this
# tree and compiler (Debian builds with gcc-14, Debian 12 has gcc-12). Debian's signing
# certificates (debian/certs) are not in linux-source: no trusted/revocation key files, a
# throw-away module signing key is generated as for any local build.
debian_config_into() {
	mkdir -p "$1"
	cp "$2" "$1/.config"
	"$tree/scripts/config" --file "$1/.config" --set-str SYSTEM_TRUSTED_KEYS "" \
		--set-str SYSTEM_REVOCATION_KEYS "" --set-str MODULE_SIG_KEY certs/signing_key.pem
	kmake "$1" -s CC="$ccache gcc" olddefconfig >/dev/null
}
