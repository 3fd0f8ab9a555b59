#!/usr/bin/env bash
# Debian's stock kernel config for the 7.3 line: the config-<release> file of the package
# linux-base-<release> (the "base files" package that Debian's linux-image-<release> meta
# package depends on; linux-binary-<release>, which ci/stock-kernel.sh unpacks, has none).
# The version is the one ci/stock-kernel.sh fetched (same suite, same verification).
#
# Usage: ci/debian-config.sh      Env: WBG_CACHE (default ~/.cache/wbguard)
# Output: stdout = path of the config ($WBG_CACHE/stock/debian-config/config-<release>);
#         beside it modules.order-<release> (the modules Debian's build made) and config-<release>.source
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
WBG_CACHE=${WBG_CACHE:-$HOME/.cache/wbguard}
log() { echo "debian-config: $*" >&2; }
die() { echo "debian-config: error: $*" >&2; exit 1; }
. "$here/ci/apt-lib.sh"

read -r _ sdir < <("$here/ci/stock-kernel.sh" 7.3 | tail -n1)
[ -f "$sdir/wbg-stock.txt" ] || die "ci/stock-kernel.sh 7.3 gave no kernel"
ver=$(awk '/^version:/ { print $2 }' "$sdir/wbg-stock.txt")
release=$(awk '/^release:/ { print $2 }' "$sdir/wbg-stock.txt")
suite=$(awk '/^suite:/ { print $2 }' "$sdir/wbg-stock.txt")
out=$WBG_CACHE/stock/debian-config
cfg=$out/config-$release
if [ -s "$cfg" ]; then
	echo "$cfg"
	exit 0
fi
uri=$(apt_uri_for "$(apt_codename)")
[ -n "$uri" ] || die "no Debian archive URI in the machine's apt sources"
apt_private "$suite" "$uri" >/dev/null || die "apt-get update of $suite failed"
pkg=linux-base-$release
deb=$(apt_fetch "$pkg" "$ver" "$WBG_CACHE/debs")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
# trixie layout: usr/lib/modules/<release>/config; older: boot/config-<release>
src=""
for c in "$tmp/usr/lib/modules/$release/config" "$tmp/boot/config-$release"; do
	[ -f "$c" ] && { src=$c; break; }
done
[ -n "$src" ] || die "$pkg $ver has neither usr/lib/modules/$release/config nor boot/config-$release"
mkdir -p "$out"
# modules.order: how many modules Debian's own build made (the full-build extrapolation)
mo=$(dirname "$src")/modules.order
[ -f "$mo" ] && cp "$mo" "$out.modules.order.tmp"
cp "$src" "$cfg.tmp"
echo "# from $pkg $ver ($suite), sha256 $(sha256sum "$deb" | cut -d' ' -f1), ${src#"$tmp"/}" > "$out/config-$release.source"
[ -f "$out.modules.order.tmp" ] && mv "$out.modules.order.tmp" "$out/modules.order-$release"
mv "$cfg.tmp" "$cfg"
rm -f "$deb"
log "$pkg $ver: ${src#"$tmp"/} -> $cfg"
echo "$cfg"
