#!/usr/bin/env bash
# make series-check: the series applies to the pristine base with git am,
# one patch at a time, without fuzz; every prefix builds (incremental
# build of the guest kernel config); checkpatch.pl --strict per patch.
# Then the build coverage (ci/series-buildcov.sh: W=1, sparse, no-tracing
# prefixes, clang, Debian's config; SERIES_CHECK_BUILDCOV=0 leaves it out).
# Prints a table per step, each timed, and exits non-zero on any failure.
#
# checkpatch CHECKs are reported but do not fail the run (TRACE_EVENT
# macros always draw some); ERRORs and WARNINGs fail it unless the patch
# is listed in patches/CHANGES under "checkpatch exceptions" with a reason.
. "$(dirname "$0")/series-lib.sh"
series_base
mapfile -t files < <(series_files)
[ ${#files[@]} -gt 0 ] || die "patches/series is empty"
t_all=$(date +%s)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. git am without fuzz, one patch at a time, in a scratch worktree.
scratch=$WBG_CACHE/linux-series-check
git -C "$base" worktree prune
[ -e "$scratch/.git" ] || git -C "$base" worktree add -q -f --detach "$scratch" wbg-base
git -C "$scratch" am --abort >/dev/null 2>&1 || true
git -C "$scratch" checkout -q -f --detach wbg-base
fails=0
declare -A am_ok cp_res build_res build_t
for f in "${files[@]}"; do
	p=${f##*/}
	if git -C "$scratch" am -q --keep-cr "$f" 2>"$tmp/am.err"; then
		am_ok[$p]=ok
	else
		am_ok[$p]=FAIL; fails=$((fails + 1))
		sed 's/^/    /' "$tmp/am.err" >&2
		git -C "$scratch" am --abort >/dev/null 2>&1 || true
		break
	fi
	# checkpatch from the tree being patched
	out=$("$scratch/scripts/checkpatch.pl" --strict --no-summary --terse "$f" 2>&1 || true)
	e=$(grep -c ': ERROR:' <<<"$out" || true)
	w=$(grep -c ': WARNING:' <<<"$out" || true)
	c=$(grep -c ': CHECK:' <<<"$out" || true)
	cp_res[$p]="${e}E ${w}W ${c}C"
	if [ $((e + w)) -gt 0 ] && ! grep -qF "$p" "$PATCHES/CHANGES" 2>/dev/null; then
		grep -E ': (ERROR|WARNING):' <<<"$out" | sed 's/^/    /' >&2
		cp_res[$p]+=" FAIL"; fails=$((fails + 1))
	fi
done

# 2. Every prefix builds: the guest kernel, incrementally, prefix by prefix.
t_am=$(( $(date +%s) - t_all )); t_build=$(date +%s)
if [ "${SERIES_CHECK_BUILD:-1}" = 1 ]; then
	for ((k = 1; k <= ${#files[@]}; k++)); do
		p=${files[k - 1]##*/}
		[ "${am_ok[$p]:-}" = ok ] || break
		printf '%s\n' "${files[@]:0:k}" > "$tmp/series"
		t0=$(date +%s)
		if WBG_SERIES=$tmp/series WBG_CONFIG_LENIENT=1 bash "$here/ci/kernel-build.sh" \
			> "$tmp/build.log" 2>&1; then
			build_res[$p]=ok
		else
			build_res[$p]=FAIL; fails=$((fails + 1))
			tail -n 25 "$tmp/build.log" | sed 's/^/    /' >&2
		fi
		build_t[$p]=$(( $(date +%s) - t0 ))
	done
fi

t_build=$(( $(date +%s) - t_build ))

printf '\n%-4s %-66s %-6s %-16s %s\n' "#" "patch" "git am" "checkpatch" "build"
i=0
for f in "${files[@]}"; do
	i=$((i + 1)); p=${f##*/}
	printf '%-4s %-66.66s %-6s %-16s %s\n' "$i" "$p" "${am_ok[$p]:--}" "${cp_res[$p]:--}" \
		"${build_res[$p]:--}${build_t[$p]:+ (${build_t[$p]}s)}"
done
# 3. Build coverage beyond the guest config (its own table, after this one).
buildcov=skipped t_cov=0
if [ "${SERIES_CHECK_BUILDCOV:-1}" = 1 ] && [ "$fails" -eq 0 ]; then
	t_cov=$(date +%s)
	if bash "$here/ci/series-buildcov.sh" | tee "$tmp/buildcov.out"; then buildcov=ok; else buildcov=FAIL; fails=$((fails + 1)); fi
	na=$(sed -n 's/.*not checked (n\/a, not a pass): \([^,]*\),.*/\1/p' "$tmp/buildcov.out")
	[ -z "$na" ] || buildcov+=" (n/a: $na)"
	t_cov=$(( $(date +%s) - t_cov ))
fi

echo "series-check: git am + checkpatch ${t_am}s, guest-config prefix builds ${t_build}s, build coverage $buildcov ${t_cov}s"
echo "series-check: ${#files[@]} patches, $fails failure(s), $(( $(date +%s) - t_all ))s"
[ "$fails" -eq 0 ]
