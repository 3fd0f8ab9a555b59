#!/usr/bin/env bash
# make series-debian-full: the last prefix of the series, Debian's 7.3.4 stock config
# (ci/debian-config.sh, olddefconfig), the FULL build: vmlinux + all modules (make all).
# Not part of make series-check: on 2 cores it takes hours (README, "The patch series").
# Same build dir as series-buildcov's debian part ($WBG_CACHE/buildcov/debian), so its touched
# directories are reused; incremental and ccache'd like the other build-coverage dirs.
# Holds the kernel-build lock for the whole make (other kernel builds wait).
. "$(dirname "$0")/series-lib.sh"
. "$here/ci/buildcov-lib.sh"
series_base
buildcov_tree
dir=$buildcov/debian
cfg=$("$here/ci/debian-config.sh")
tree_at "${commits[-1]}"
if [ ! -f "$dir/.config" ] || [ "$(cat "$dir/.wbg-src-config" 2>/dev/null)" != "$cfg" ]; then
	debian_config_into "$dir" "$cfg"
	echo "$cfg" > "$dir/.wbg-src-config"
fi
# A stopped build resumes where it was, so each run keeps its own log: an object compiled in an
# earlier run prints its warnings only there, and the verdict counts them over every part.
logs=$buildcov/logs/debian-full
mkdir -p "$logs"
log=$logs/$(date +%Y%m%d-%H%M%S).log
t0=$(date +%s)
kmake "$dir" -s CC="$ccache gcc" olddefconfig >/dev/null
if kmake "$dir" CC="$ccache gcc" all > "$log" 2>&1; then
	n=$(find "$dir" -name '*.ko' | wc -l)
	objs=$(find "$dir" -name '*.o' | wc -l)
	# every compiler, objtool and modpost warning of every run; one in a directory the series
	# touches fails (the others are the base's, with this machine's gcc 12, and are listed)
	cat "$logs"/*.log | grep -E '(warning|error):|^WARNING:' | sort -u > "$logs/warnings.txt" || true
	mapfile -t dirs < <(git -C "$tree" diff --name-only "${commits[0]}" "${commits[-1]}" -- '*.c' '*.h' | xargs -r -n1 dirname | sort -u)
	touched=0
	for d in "${dirs[@]}"; do
		touched=$(( touched + $(grep -c -E "(^|/)$d/[^/ ]+:" "$logs/warnings.txt" || true) ))
	done
	echo "series-debian-full: vmlinux + $n modules ($objs objects); warnings over $(ls "$logs"/*.log | wc -l) run(s): $(wc -l < "$logs/warnings.txt") in all, $touched in the directories the series touches (${dirs[*]}); this run $(( $(date +%s) - t0 - lock_wait ))s (+${lock_wait}s lock wait); logs $logs"
	[ -s "$logs/warnings.txt" ] && sed 's/^/    /' "$logs/warnings.txt" | head -n 40 >&2
	[ "$touched" = 0 ] || { echo "series-debian-full: FAILED: warnings in touched directories"; exit 1; }
	echo "series-debian-full: ok"
else
	tail -n 40 "$log" >&2
	echo "series-debian-full: FAILED after $(( $(date +%s) - t0 ))s; log $log"
	exit 1
fi
