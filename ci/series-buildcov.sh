#!/usr/bin/env bash
# make series-buildcov (called by make series-check): the series builds beyond the guest
# kernel. Parts (BUILDCOV_PARTS, default all, in this order):
#   w1       W=1 on the objects the series touches (ci/buildcov-lib.sh: buildcov_targets),
#            guest config, base and last prefix: a warning of the last prefix that the base
#            does not have (file + message, line numbers ignored) fails
#   sparse   make C=2 on the same objects, same comparison. Debian 12's sparse (0.6.4) cannot
#            parse 7.3's headers: ci/sparse.sh gives one that passes kbuild's gate (built
#            from a newer Debian suite's source); it is first tried on one object, and if
#            that fails the part fails
#   notrace  every prefix, touched objects, a config without CONFIG_TRACING (guest fragments +
#            kernel-config/notrace.config), each Kconfig symbol the series adds =n and =y
#   clang    the last prefix, full bzImage, clang-19 (LLVM=-19), guest config; the touched
#            objects' clang warnings compared with the base's like w1
#   debian   Debian's 7.3.4 stock config (ci/debian-config.sh, olddefconfig): the last prefix's
#            touched directories (ext4 is a module there), timed; the full build with modules
#            is ci/debian-full-build.sh (make series-debian-full), not run here
# Build dirs: $WBG_CACHE/buildcov/<part>, incremental, ccache; the source is a scratch
# worktree of the base ($WBG_CACHE/linux-buildcov). Every kernel make holds the kernel-build
# lock for its own duration only. Prints a table; exit 1 on a failure.
. "$(dirname "$0")/series-lib.sh"
. "$here/ci/buildcov-lib.sh"
series_base
buildcov_tree
read -r -a parts <<<"${BUILDCOV_PARTS:-w1 sparse notrace clang debian}"
logs=$buildcov/logs
mkdir -p "$logs"
for p in "${parts[@]}"; do rm -f "$logs/$p"-*; done
N=$(( ${#commits[@]} - 1 ))
mapfile -t targets < <(buildcov_targets)
mapfile -t syms < <(series_symbols)
log "touched targets: ${targets[*]}"
log "series Kconfig symbols: ${syms[*]:-none}"
fails=0
declare -A res tim
t_all=$(date +%s)

# --- warnings: "file: severity: message" (line/column dropped: lines move between base
# and the series), sorted, one a line; the comparison is a multiset difference.
warnings() { # LOG
	grep -E '^[^ :]+:[0-9]+(:[0-9]+)?: (warning|error): ' "$1" |
		sed -E 's/^([^ :]+):[0-9]+(:[0-9]+)?: /\1: /' | sort || true
}
new_warnings() { # BASELOG LASTLOG: lines of LAST not in BASE
	comm -13 <(warnings "$1") <(warnings "$2")
}
# delete the objects of the targets in build dir $1, so that the next make compiles (or with
# ccache: replays, warnings included) every one of them
drop_objects() {
	local t
	for t in "${targets[@]}"; do
		case "$t" in
		*/) if [ -d "$1/$t" ]; then find "$1/$t" -name '*.o' -delete; fi ;;
		*) rm -f "$1/$t" ;;
		esac
	done
}
# compile the targets once on each side (base, last) in build dir $1 with make vars $2..,
# forced; logs $logs/$part-{base,last}.log; sets cmp_rc (1 = make failed)
base_vs_last() { # PART DIR MAKEVARS...
	local part=$1 dir=$2 side c
	shift 2
	cmp_rc=0
	for side in base last; do
		[ $side = base ] && c=${commits[0]} || c=${commits[N]}
		step side_build "$part" "$dir" "$side" "$c" "$@" || cmp_rc=1
	done
}
side_build() { # PART DIR SIDE COMMIT MAKEVARS...
	local part=$1 dir=$2 side=$3
	tree_at "$4"
	shift 4
	kmake "$dir" -s "$@" olddefconfig >/dev/null
	drop_objects "$dir"
	kmake "$dir" "$@" "${targets[@]}" > "$logs/$part-$side.log" 2>&1 ||
		{ log "$part: make failed on the $side"; tail -n 30 "$logs/$part-$side.log" >&2; return 1; }
}
report_new() { # PART: prints the new warnings, sets res
	local part=$1 new nb nl
	new=$(new_warnings "$logs/$part-base.log" "$logs/$part-last.log")
	nb=$(warnings "$logs/$part-base.log" | wc -l); nl=$(warnings "$logs/$part-last.log" | wc -l)
	if [ "$cmp_rc" != 0 ]; then
		res[$part]="FAIL (make failed, $logs/$part-*.log)"; fails=$((fails + 1))
	elif [ -n "$new" ]; then
		res[$part]="FAIL: $(wc -l <<<"$new") new (base $nb, series $nl)"; fails=$((fails + 1))
		sed 's/^/    new: /' <<<"$new" >&2
	else
		res[$part]="ok: no new warnings (base $nb, series $nl)"
	fi
}

part_w1() {
	local dir=$buildcov/w1
	tree_at "${commits[0]}"
	[ -f "$dir/.config" ] || step guest_config "$dir"
	base_vs_last w1 "$dir" CC="$ccache gcc" W=1
	report_new w1
}

part_sparse() {
	local dir=$buildcov/w1 one cmd out side c sp
	[ -f "$dir/.config" ] || part_w1
	sp=$(WBG_CACHE="$WBG_CACHE" "$here/ci/sparse.sh" "$tree/scripts/checker-valid.sh") ||
		{ res[sparse]="FAIL: no sparse that parses 7.3's headers (ci/sparse.sh)"; fails=$((fails + 1)); return; }
	log "sparse: $sp ($(cat "$(dirname "$sp")/origin" 2>/dev/null || sparse --version))"
	# One file first, the way kbuild runs the checker ($(CHECK) $(CHECKFLAGS) $(c_flags)):
	# the flags of a touched object that w1 compiled (its saved command without the
	# objtool step after ";").
	one=$(git -C "$tree" diff --name-only --diff-filter=M "${commits[0]}" "${commits[N]}" -- '*.c' | head -n1)
	one=${one%.c}.o
	cmd=$(sed -n "s|^savedcmd_$one := ||p" "$dir/$(dirname "$one")/.$(basename "$one").cmd" 2>/dev/null |
		sed -E 's/ ; .*$//; s/^(ccache )?[^ ]*gcc //; s/ -c -o [^ ]+ / /; s/-Wp,-MMD,[^ ]+//')
	local chk=(-D__linux__ -Dlinux -D__STDC__ -Dunix -D__unix__ -Wbitwise -Wno-return-void
		   -Wno-unknown-attribute --arch=x86_64 -mlittle-endian -m64)
	[ -n "$cmd" ] || { res[sparse]="FAIL: no compile command for $one in $dir"; fails=$((fails + 1)); return; }
	(cd "$dir" && eval "$sp ${chk[*]} $cmd") > "$logs/sparse-one.log" 2>&1 || true
	out=$(grep -E ': error: ' "$logs/sparse-one.log" | sed "s|$tree/||g" | head -n 2 || true)
	if [ -n "$out" ]; then
		res[sparse]="FAIL: sparse $sp cannot parse $one ($(grep -c ': error: ' "$logs/sparse-one.log") errors, first: $(head -n1 <<<"$out" | cut -c1-140))"
		fails=$((fails + 1)); return
	fi
	# C=2: sparse on every target object whether or not it is recompiled; same W=1 so
	# nothing recompiles
	cmp_rc=0
	for side in base last; do
		[ $side = base ] && c=${commits[0]} || c=${commits[N]}
		tree_at "$c"
		lock_take
		kmake "$dir" -s CC="$ccache gcc" W=1 olddefconfig >/dev/null
		kmake "$dir" CC="$ccache gcc" W=1 C=2 CHECK="$sp" "${targets[@]}" > "$logs/sparse-$side.raw" 2>&1 ||
			{ cmp_rc=1; tail -n 30 "$logs/sparse-$side.raw" >&2; }
		lock_drop
		grep -q 'is not available or not up to date' "$logs/sparse-$side.raw" &&
			{ res[sparse]="FAIL: kbuild ignored C=2 (sparse not up to date)"; fails=$((fails + 1)); return; }
		# only sparse's lines: the compiler ran (if at all) without new warnings (w1 checks those)
		grep -v -E '^\s*(CC|AR|LD|CHECK|DESCEND|CALL|INSTALL|GEN|HOSTCC|UPD)\b' "$logs/sparse-$side.raw" > "$logs/sparse-$side.log" || true
	done
	report_new sparse
}

# A prefix defines symbol $1 (a "config" line in a Kconfig file of the tree as checked out).
tree_defines() { git -C "$tree" grep -q -E "^[[:space:]]*(menu)?config $1\b" -- '*Kconfig*'; }

# notrace_build DIR K V: config the series' symbols to V in DIR, build the targets of prefix K
notrace_build() {
	local dir=$1 k=$2 v=$3 s w
	for s in ${syms[@]+"${syms[@]}"}; do
		"$tree/scripts/config" --file "$dir/.config" "--$([ "$v" = y ] && echo enable || echo disable)" "$s"
	done
	kmake "$dir" -s CC="$ccache gcc" olddefconfig >/dev/null
	if grep -q '^CONFIG_TRACING=y' "$dir/.config"; then
		log "CONFIG_TRACING=y in $dir/.config: kernel-config/notrace.config no longer drops it"
		return 1
	fi
	kmake "$dir" CC="$ccache gcc" "${targets[@]}" > "$logs/notrace-$k-$v.log" 2>&1 ||
		{ tail -n 30 "$logs/notrace-$k-$v.log" | sed 's/^/    /' >&2; return 1; }
	# the base compiles these objects without a warning (part w1: even with W=1)
	w=$(warnings "$logs/notrace-$k-$v.log")
	[ -z "$w" ] || { sed 's/^/    warning: /' <<<"$w" >&2; return 1; }
}

# Two incremental build dirs, so that no prefix rebuilds what a symbol's toggle touches:
# notrace (the series' symbols =n) and, from the first prefix that defines one, notrace-y
# (all =y; started as a copy of notrace at that prefix).
part_notrace() {
	local dn=$buildcov/notrace dy=$buildcov/notrace-y k t0 r s def
	tree_at "${commits[0]}"
	if [ ! -f "$dn/.config" ]; then
		step guest_config "$dn" CC="$ccache gcc" -- "$here/kernel-config/notrace.config"
		rm -rf "$dy"
	fi
	for ((k = 1; k <= N; k++)); do
		tree_at "${commits[k]}"
		t0=$(date +%s); r=ok
		lock_take
		notrace_build "$dn" "$k" n || r=FAIL
		def=0
		for s in ${syms[@]+"${syms[@]}"}; do tree_defines "$s" && def=1; done
		if [ $def = 1 ]; then
			[ -f "$dy/.config" ] || { rm -rf "$dy"; cp -a "$dn" "$dy"; }
			if notrace_build "$dy" "$k" y; then r+=" (${syms[*]}=n,y)"; else r="FAIL (${syms[*]}=y)"; fi
		fi
		lock_drop
		pre[$k]="$r $(( $(date +%s) - t0 ))s"
		[[ "$r" == ok* ]] || fails=$((fails + 1))
	done
	local bad
	bad=$(printf '%s\n' "${pre[@]}" | grep -c FAIL || true)
	if [ "$bad" = 0 ]; then
		res[notrace]="ok: $N prefixes, no warnings, CONFIG_TRACING/TRACEPOINTS unset ($(grep -c '^CONFIG_' "$dn/.config") options)"
	else
		res[notrace]="FAIL: $bad of $N prefixes"
	fi
}

part_clang() {
	local dir=$buildcov/clang mv=(LLVM=-19 CC="$ccache clang-19") w
	command -v clang-19 >/dev/null && command -v ld.lld-19 >/dev/null ||
		{ res[clang]="FAIL: clang-19/lld-19 not installed (ci/deps.sh vm)"; fails=$((fails + 1)); return; }
	tree_at "${commits[0]}"
	[ -f "$dir/.config" ] || step guest_config "$dir" "${mv[@]}"
	base_vs_last clang "$dir" "${mv[@]}"
	report_new clang
	[ "$cmp_rc" = 0 ] || return
	# the tree is at the last prefix: the full kernel
	if kmake "$dir" "${mv[@]}" bzImage > "$logs/clang-full.log" 2>&1 && [ -f "$dir/arch/x86/boot/bzImage" ]; then
		w=$(warnings "$logs/clang-full.log" | wc -l)
		res[clang]+="; full bzImage ok ($(grep -o 'clang version [0-9.]*' "$dir/include/generated/compile.h" 2>/dev/null || echo clang-19), $w warning(s) elsewhere)"
	else
		res[clang]="FAIL: full build ($logs/clang-full.log)"; fails=$((fails + 1))
		tail -n 30 "$logs/clang-full.log" | sed 's/^/    /' >&2
	fi
}

part_debian() {
	local dir=$buildcov/debian cfg n t0 rc
	cfg=$("$here/ci/debian-config.sh") || { res[debian]="FAIL: no Debian config"; fails=$((fails + 1)); return; }
	tree_at "${commits[N]}"
	if [ ! -f "$dir/.config" ] || [ "$(cat "$dir/.wbg-src-config" 2>/dev/null)" != "$cfg" ]; then
		step debian_config_into "$dir" "$cfg"
		echo "$cfg" > "$dir/.wbg-src-config"
	fi
	lock_take
	kmake "$dir" -s CC="$ccache gcc" olddefconfig >/dev/null
	t0=$(date +%s)
	rc=0; kmake "$dir" CC="$ccache gcc" "${targets[@]}" > "$logs/debian.log" 2>&1 || rc=$?
	lock_drop
	if [ $rc = 0 ]; then
		n=$(grep -E '^\s+CC( \[M\])?\s' "$logs/debian.log" | awk '{ print $NF }' |
			grep -cE "^($(printf '%s|' "${targets[@]}" | sed 's/|$//; s/\./\\./g'))" || true)
		res[debian]="ok: touched dirs, $n objects compiled there (ext4 =m)"
	else
		res[debian]="FAIL ($logs/debian.log)"; fails=$((fails + 1))
		tail -n 30 "$logs/debian.log" | sed 's/^/    /' >&2
	fi
}

declare -A pre
for p in "${parts[@]}"; do
	t0=$(date +%s); w0=$lock_wait
	case "$p" in
	w1|sparse|notrace|clang|debian) "part_$p" ;;
	*) die "unknown part $p (w1 sparse notrace clang debian)" ;;
	esac
	tim[$p]="$(( $(date +%s) - t0 - (lock_wait - w0) ))s"
	[ $((lock_wait - w0)) -gt 0 ] && tim[$p]+=" (+$((lock_wait - w0))s lock wait)"
done
# the tree stays at the last prefix
tree_at "${commits[N]}"

printf '\nbuild coverage of %d patches (targets: %s)\n' "$N" "${targets[*]}"
printf '%-8s %-22s %s\n' part time result
for p in "${parts[@]}"; do
	printf '%-8s %-22s %s\n' "$p" "${tim[$p]}" "${res[$p]:--}"
done
if [[ " ${parts[*]} " == *" notrace "* ]]; then
	for ((k = 1; k <= N; k++)); do
		printf '  notrace prefix %-3s %s\n' "$k" "${pre[$k]:--}"
	done
fi
na=""
for p in "${parts[@]}"; do [[ "${res[$p]:-}" == n/a* ]] && na+="${na:+ }$p"; done
echo "series-buildcov: $fails failure(s)${na:+, not checked (n/a, not a pass): $na}, $(( $(date +%s) - t_all ))s, logs in $logs"
[ "$fails" -eq 0 ]
