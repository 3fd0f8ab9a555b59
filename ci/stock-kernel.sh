#!/usr/bin/env bash
# Fetch Debian's signed stock kernels (the newest package of each line; the archive drops old
# versions) and unpack kernel + modules into the cache, ready to boot in qemu.
#
# Usage: ci/stock-kernel.sh [LINE...]      LINE: 6.1 | 6.12 | 7.3   (default: all three)
#   6.1   Debian 12's default kernel   linux-image-6.1.0-<abi>-amd64      (<codename>, e.g. bookworm)
#   6.12  bookworm-security            linux-image-6.12.<n>+deb12-amd64   (<codename>-security)
#   7.3   trixie-backports             linux-binary-7.3.<n>+deb13-amd64 + linux-modules-<same>
#         (linux-image-7.3.*+deb13-amd64 is a meta package there)
# Env:   WBG_CACHE (default ~/.cache/wbguard)
# Output: one line per kernel on stdout:  LINE DIR
#   DIR=$WBG_CACHE/stock/<package version>/ holds boot/vmlinuz-<release>, lib/modules/<release>
#   (depmod -b run on it) and wbg-stock.txt: line, suite, release, each package's exact version
#   and verified sha256.
#
# The archive URIs come from the machine's own apt sources (ci/apt-lib.sh); the machine's apt
# state is never touched.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
WBG_CACHE=${WBG_CACHE:-$HOME/.cache/wbguard}
log() { echo "stock-kernel: $*" >&2; }
die() { echo "stock-kernel: error: $*" >&2; exit 1; }
. "$here/ci/apt-lib.sh"
command -v depmod >/dev/null || die "depmod not installed (package kmod; ci/deps.sh vm)"

lines=("$@")
[ ${#lines[@]} -gt 0 ] || lines=(6.1 6.12 7.3)
codename=$(apt_codename)
main_uri=$(apt_uri_for "$codename")
[ -n "$main_uri" ] || die "no Debian archive URI for suite '$codename' in the machine's apt sources"

mkdir -p "$WBG_CACHE/stock"
exec 8>"$WBG_CACHE/stock/.lock"
flock 8

# newest PKG (by version) among the packages whose name matches ERE, in the current aptopts
newest() {
	local re=$1 best="" bestv="" p v
	for p in $(apt-cache "${aptopts[@]}" pkgnames "${re%%[[\\(]*}" | grep -E "^$re\$" | sort -u); do
		v=$(apt-cache "${aptopts[@]}" policy "$p" | awk '/Candidate:/ { print $2 }')
		[ -n "$v" ] && [ "$v" != "(none)" ] || continue
		if [ -z "$bestv" ] || dpkg --compare-versions "$v" gt "$bestv"; then best=$p bestv=$v; fi
	done
	[ -n "$best" ] && echo "$best $bestv"
}

for line in "${lines[@]}"; do
	case "$line" in
	6.1)  suite=$codename;          uri=$main_uri; re='linux-image-6\.1\.0-[0-9]+-amd64' ;;
	6.12) suite=$codename-security; uri=$(apt_uri_for "$suite"); re='linux-image-6\.12\.[0-9]+\+deb12-amd64' ;;
	7.3)  suite=trixie-backports;   uri=$main_uri; re='linux-binary-7\.3\.[0-9]+\+deb13-amd64' ;;
	*) die "unknown kernel line '$line' (6.1, 6.12, 7.3)" ;;
	esac
	[ -n "$uri" ] || die "line $line: the machine's apt sources name no URI for suite $suite"
	apt_private "$suite" "$uri" >/dev/null || die "apt-get update of $suite failed"
	read -r pkg ver < <(newest "$re") || die "line $line: no package matching $re in $suite"
	# Debian 12's 6.1 kernel is updated through bookworm-security (6.1.192 there while the
	# point release still has 6.1.176): an up-to-date Debian 12 runs the newer one.
	if [ "$line" = 6.1 ] && s_uri=$(apt_uri_for "$codename-security") && [ -n "$s_uri" ]; then
		apt_private "$codename-security" "$s_uri" >/dev/null || die "apt-get update of $codename-security failed"
		if read -r spkg sver < <(newest "$re") && dpkg --compare-versions "$sver" gt "$ver"; then
			pkg=$spkg ver=$sver suite=$codename-security
		else
			apt_private "$suite" "$uri" >/dev/null	# back to the suite the package is in
		fi
	fi
	pkgs=("$pkg")
	# 7.3: the modules are a separate package of the same version
	[ "$line" = 7.3 ] && pkgs+=("${pkg/linux-binary-/linux-modules-}")
	dir=$WBG_CACHE/stock/$ver
	if [ -f "$dir/wbg-stock.txt" ]; then
		log "line $line: $pkg $ver present in $dir"
		echo "$line $dir"
		continue
	fi
	t0=$(date +%s)
	tmp=$dir.tmp
	rm -rf "$tmp"; mkdir -p "$tmp/root"
	: > "$tmp/packages"
	bytes=0
	for p in "${pkgs[@]}"; do
		deb=$(apt_fetch "$p" "$ver" "$WBG_CACHE/debs")
		echo "package: $p $ver sha256:$(sha256sum "$deb" | cut -d' ' -f1) suite:$suite" >> "$tmp/packages"
		bytes=$((bytes + $(stat -c %s "$deb")))
		dpkg-deb -x "$deb" "$tmp/root"
	done
	# merged /usr: newer packages ship usr/lib/modules; depmod -b wants lib/modules
	r=$tmp/root
	if [ ! -d "$r/lib/modules" ] && [ -d "$r/usr/lib/modules" ]; then ln -s usr/lib "$r/lib"; fi
	[ -d "$r/lib/modules" ] || die "line $line: no lib/modules in ${pkgs[*]}"
	release=$(ls -1 "$r/lib/modules" | head -n1)
	# 6.1/6.12: boot/vmlinuz-<release>; 7.3 (trixie layout): lib/modules/<release>/vmlinuz
	vmlinuz=""
	for v in "$r/boot/vmlinuz-$release" "$r/lib/modules/$release/vmlinuz"; do
		[ -f "$v" ] && { vmlinuz=$v; break; }
	done
	[ -n "$vmlinuz" ] || die "line $line: no vmlinuz for $release in ${pkgs[*]}"
	depmod -b "$r" "$release" || die "depmod -b $r $release failed"
	{
		echo "line: $line"
		echo "suite: $suite"
		echo "version: $ver"
		echo "release: $release"
		echo "vmlinuz: ${vmlinuz#"$r"/}"
		cat "$tmp/packages"
		echo "download-bytes: $bytes"
		echo "fetch-seconds: $(( $(date +%s) - t0 ))"
	} > "$r/wbg-stock.txt"
	rm -rf "$dir"
	mv "$r" "$dir"
	rm -rf "$tmp"
	# the .debs are not needed once unpacked
	for p in "${pkgs[@]}"; do rm -f "$WBG_CACHE/debs/${p}_${ver//:/%3a}_"*.deb; done
	log "line $line: $pkg $ver (release $release, $((bytes / 1048576)) MiB, $(( $(date +%s) - t0 )) s) in $dir"
	echo "$line $dir"
done
