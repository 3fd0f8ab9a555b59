# Sourced by ci/kernel-source.sh and ci/stock-kernel.sh: fetch Debian packages from suites
# the machine's apt does not list, without touching the machine's apt state. Each suite gets
# a private state dir in the cache ($WBG_CACHE/apt/<suite>); the archive URI is read from the
# machine's own apt sources (never written into the repo); apt verifies the Release signature
# with debian-archive-keyring, and every .deb is checked once more against the sha256 of the
# signed Packages index.
#
# The caller defines log() and die(), and sets WBG_CACHE.
#
#   apt_uri_for SUITE          the URI of the machine's apt source that names SUITE
#                              (deb822 *.sources or one-line sources.list), or nothing
#   apt_private SUITE URI      apt-get update of SUITE (once per process) into its private state dir; sets the
#                              array `aptopts` that apt-get/apt-cache need to use it. With
#                              APT_SRC=1 the suite's Sources index too (for apt-get source)
#   apt_fetch PKG VER DIR      apt-get download PKG=VER into DIR, check its sha256 against the
#                              index; prints the .deb path (stdout)

apt_keyring=/usr/share/keyrings/debian-archive-keyring.gpg

apt_uri_for() {
	local suite=$1 uri=""
	if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
		# deb822: the URIs of the stanza whose Suites include $suite
		uri=$(awk -v c="$suite" '
			/^[[:space:]]*$/ { if (u != "" && s) { print u; exit } u=""; s=0; next }
			/^URIs:/ { u=$2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == c) s=1 }
			END { if (u != "" && s) print u }' /etc/apt/sources.list.d/*.sources | head -n1)
	fi
	if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
		uri=$(awk -v c="$suite" '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($(i+1) == c) { print $i; exit } } }' /etc/apt/sources.list)
	fi
	echo "$uri"
}

# The machine's Debian codename (bookworm on Debian 12).
apt_codename() {
	local c
	c=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$c" ] || die "cannot read VERSION_CODENAME from /etc/os-release"
	echo "$c"
}

declare -A apt_updated=()
apt_private() {
	local suite=$1 uri=$2 apt_dir=$WBG_CACHE/apt sdir
	[ -f "$apt_keyring" ] || die "missing $apt_keyring (package debian-archive-keyring)"
	sdir=$apt_dir/$suite
	mkdir -p "$apt_dir/parts" "$sdir/lists/partial" "$sdir/cache/archives/partial"
	echo "deb [signed-by=$apt_keyring] $uri $suite main" > "$sdir/sources.list"
	[ "${APT_SRC:-0}" = 1 ] && echo "deb-src [signed-by=$apt_keyring] $uri $suite main" >> "$sdir/sources.list"
	aptopts=(-o Dir::Etc::SourceList="$sdir/sources.list" -o Dir::Etc::SourceParts="$apt_dir/parts"
		 -o Dir::State::Lists="$sdir/lists" -o Dir::Cache="$sdir/cache"
		 -o Dir::State::status=/dev/null -o APT::Sandbox::User=root)
	# once per suite per process: switching back to a suite reuses its lists
	[ -n "${apt_updated[$suite]:-}" ] && return 0
	log "apt-get update ($suite from $uri, private state in $sdir)"
	apt-get -q "${aptopts[@]}" update >&2 && apt_updated[$suite]=1
}

apt_fetch() {
	local pkg=$1 ver=$2 dir=$3 deb want got
	mkdir -p "$dir"
	# apt-get download checks the .deb against the Packages hash, which is covered by the
	# signed InRelease: the download is verified end to end.
	(cd "$dir" && apt-get -q "${aptopts[@]}" download "$pkg=$ver" >&2) ||
		die "apt-get download $pkg=$ver failed"
	deb=$(ls -1 "$dir/${pkg}_${ver//:/%3a}_"*.deb 2>/dev/null | head -n1)
	[ -f "$deb" ] || die "downloaded .deb for $pkg $ver not found in $dir"
	# Independent check: the .deb's sha256 against the signed Packages index apt fetched.
	want=$(apt-cache "${aptopts[@]}" show "$pkg=$ver" | awk '/^SHA256:/ { print $2; exit }')
	got=$(sha256sum "$deb" | cut -d' ' -f1)
	[ -n "$want" ] && [ "$want" = "$got" ] || die "sha256 mismatch for $deb (index $want, file $got)"
	log "verified $(basename "$deb") sha256 $got"
	echo "$deb"
}
