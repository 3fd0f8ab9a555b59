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
