#!/usr/bin/env bash
# make install (PREFIX, DESTDIR): binary, man page (renders without groff
# warnings), example systemd unit (systemd-analyze verify: its ExecStart is
# the installed binary, its man: link resolves).
. "$(dirname "$0")/lib.sh"
root=$WBG_TMP/inst prefix=$WBG_TMP/inst/usr
make -s install PREFIX="$prefix" BUILD="$(dirname "$WBG")" > /dev/null || fail "make install"
for f in sbin/wbguard share/man/man8/wbguard.8 lib/systemd/system/wbguard-stable.service; do
	[ -f "$prefix/$f" ] || fail "not installed: $f"
done
"$prefix/sbin/wbguard" --version | grep -q '^wbguard ' || fail "installed binary"
unit=$prefix/lib/systemd/system/wbguard-stable.service
grep -qx "ExecStart=$prefix/sbin/wbguard stable .*--metrics .*" "$unit" || fail "ExecStart: $(grep ExecStart "$unit")"
# (-Wbreak: the long test prefix cannot be adjusted in a FILES line)
w=$(groff -man -Tutf8 -ww -Wbreak -z "$prefix/share/man/man8/wbguard.8" 2>&1)
[ -z "$w" ] || fail "groff warnings: $w"
MANPATH=$prefix/share/man MANWIDTH=80 man wbguard 2>/dev/null | grep -q 'EXIT STATUS' || fail "man wbguard"
if [ -d /run/systemd/system ] || command -v systemd-analyze > /dev/null; then
	MANPATH=$prefix/share/man systemd-analyze verify "$unit" || fail "systemd-analyze verify"
fi
# DESTDIR stages under another root with the PREFIX paths inside
make -s install PREFIX=/usr/local DESTDIR="$root/stage" BUILD="$(dirname "$WBG")" > /dev/null || fail "make install DESTDIR"
grep -qx "ExecStart=/usr/local/sbin/wbguard stable .*" "$root/stage/usr/local/lib/systemd/system/wbguard-stable.service" ||
	fail "DESTDIR unit does not name PREFIX"
make -s uninstall PREFIX=/usr/local DESTDIR="$root/stage" > /dev/null
[ -z "$(find "$root/stage" -type f)" ] || fail "uninstall left files"
echo "ok: make install / uninstall"
