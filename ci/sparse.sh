#!/usr/bin/env bash
# Prints the path of a sparse that can check the 7.3 tree (used by ci/series-buildcov.sh).
#
# 7.3's headers use __typeof_unqual__ (include/asm-generic/rwonce.h, compiler.h), which
# Debian 12's sparse 0.6.4 cannot parse (102 errors on one file; kbuild's
# scripts/checker-valid.sh rejects it and C= is then ignored). Newer Debian suites carry
# sparse 0.6.5~rc1, which parses it, but its binary needs glibc 2.38 (Debian 12 has 2.36).
# So: the machine's sparse if it passes kbuild's own gate, else sparse built from the
# newest Debian source of SPARSE_SUITES that passes it. The source comes through apt
# (deb-src of the suite, private state, Release signature checked; apt-get source checks
# the .dsc and the tarball against the signed Sources index), is built with the machine's
# gcc without Debian's patches (sparse alone: no libxml2/sqlite/llvm), and cached in $WBG_CACHE/sparse/<version>/.
#
# Usage: ci/sparse.sh GATE-SCRIPT   (the tree's scripts/checker-valid.sh)
# Exit 1 with a one-line error when no sparse passes the gate.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
WBG_CACHE=${WBG_CACHE:-$HOME/.cache/wbguard}
log() { echo "sparse: $*" >&2; }
die() { echo "sparse: error: $*" >&2; exit 1; }
gate=${1:?usage: ci/sparse.sh PATH/TO/scripts/checker-valid.sh}
[ -f "$gate" ] || die "no $gate"
# kbuild's gate: prints 1 when the checker parses __typeof_unqual__ without an error
passes() { [ "$(sh "$gate" "$1" 2>/dev/null || echo 0)" = 1 ]; }

if command -v sparse >/dev/null && passes "$(command -v sparse)"; then
	command -v sparse; exit 0
fi
for d in "$WBG_CACHE"/sparse/*/sparse; do
	[ -x "$d" ] && passes "$d" && { echo "$d"; exit 0; }
done

. "$here/ci/apt-lib.sh"
uri=$(apt_uri_for "$(apt_codename)")
[ -n "$uri" ] || die "no Debian archive URI in the machine's apt sources"
command -v dpkg-source >/dev/null || die "dpkg-source missing (package dpkg-dev)"
for suite in ${SPARSE_SUITES:-forky sid}; do
	APT_SRC=1 apt_private "$suite" "$uri" >/dev/null || { log "apt-get update of $suite failed"; continue; }
	ver=$(apt-cache "${aptopts[@]}" showsrc sparse 2>/dev/null | awk '/^Version:/ { print $2; exit }')
	[ -n "$ver" ] || { log "no sparse source in $suite"; continue; }
	out=$WBG_CACHE/sparse/$ver
	if [ ! -x "$out/sparse" ]; then
		log "building sparse $ver from $suite's source"
		rm -rf "$out.tmp"; mkdir -p "$out.tmp"
		(cd "$out.tmp" && apt-get -q "${aptopts[@]}" source --download-only "sparse=$ver" >&2) ||
			{ log "apt-get source sparse=$ver failed"; continue; }
		# upstream's source without Debian's patches: they make gcc-16 (the suite's
		# compiler) sparse's compiler and GCC_BASE; here it is the machine's gcc
		(cd "$out.tmp" && dpkg-source --no-check --skip-patches -x ./*.dsc src >&2)
		make -C "$out.tmp/src" -j"$(nproc)" sparse CC=gcc HAVE_LIBXML=no HAVE_SQLITE=no HAVE_LLVM=no \
			> "$out.tmp/build.log" 2>&1 || { tail -n 20 "$out.tmp/build.log" >&2; die "building sparse $ver failed"; }
		rm -rf "$out"; mkdir -p "$out"
		cp "$out.tmp/src/sparse" "$out/sparse"
		echo "$suite $ver" > "$out/origin"
		rm -rf "$out.tmp"
	fi
	passes "$out/sparse" && { echo "$out/sparse"; exit 0; }
	log "sparse $ver from $suite does not pass $gate either"
done
die "no sparse that parses __typeof_unqual__ (machine's: $(sparse --version 2>&1 | head -n1); tried ${SPARSE_SUITES:-forky sid})"
