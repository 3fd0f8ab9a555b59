#!/usr/bin/env bash
# --help documents options, EXAMPLES and exit codes, and exits 0.
. "$(dirname "$0")/lib.sh"
"$WBG" --help > "$WBG_TMP/top" || fail "wbguard --help exit $?"
"$WBG" stable --help > "$WBG_TMP/stable" || fail "wbguard stable --help exit $?"
for f in top stable; do
	grep -q EXAMPLES "$WBG_TMP/$f" || fail "$f: no EXAMPLES"
	grep -q 'EXIT STATUS' "$WBG_TMP/$f" || fail "$f: no EXIT STATUS"
done
for opt in --duration --dev --pid --json --ringbuf-kb --verbose; do
	grep -q -- "$opt" "$WBG_TMP/stable" || fail "stable --help lacks $opt"
done
# --version: the build's git describe and libbpf's version, for every command
for c in "" stable ioend dax; do
	v=$("$WBG" $c --version) || fail "wbguard $c --version exit $?"
	echo "$v" | grep -Eq '^wbguard [0-9a-f]{7,}(-dirty)?|^wbguard .+ \(libbpf [0-9]+\.[0-9]+\)$' ||
		fail "wbguard $c --version: '$v'"
	echo "$v" | grep -q '(libbpf [0-9]*\.[0-9]*)' || fail "no libbpf version in '$v'"
done
