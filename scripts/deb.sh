#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make deb`: the Debian packages hotline-dkms and hotlinectl into
# build/deb, then lintian on them (docs/packaging.md).
#
# dpkg-buildpackage runs in a copy of the tree, build/deb/hotline-VERSION,
# so nothing it does (debian/hotlinectl, build/, the generated changelog)
# lands in the clone. The copy is every file git tracks or would track,
# as it is in the working tree: what `make install` would install.
#
# The Debian version is BASE+gitCOUNT.gHASH[.dirty]: BASE the newest tag
# (without its "v") or 0.1.0, COUNT the commits up to HEAD. git describe's
# bare hash neither starts with a digit nor grows from one commit to the
# next, and dpkg needs both to order upgrades.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$root/build/deb
: "${HOTLINE_VERSION:=$(git -C "$root" describe --always --dirty --tags 2>/dev/null || echo 0.1.0)}"

# no tag at all is the one case that falls back to 0.1.0; a tag that is
# not a version is refused rather than silently ignored
tag=$(git -C "$root" describe --tags --abbrev=0 2>/dev/null) || tag=
base=0.1.0
if [ -n "$tag" ]; then
	base=$(sed -n 's/^v\{0,1\}\([0-9][0-9A-Za-z.~]*\)$/\1/p' <<<"$tag")
	if [ -z "$base" ]; then
		echo "deb: the newest tag '$tag' is not a version (want [v]DIGITS...)" >&2
		exit 1
	fi
fi
count=$(git -C "$root" rev-list --count HEAD)
hash=$(git -C "$root" rev-parse --short HEAD)
version=$base+git$count.g$hash
case $HOTLINE_VERSION in *-dirty) version=$version.dirty ;; esac

if [ "${1:-}" = --version ]; then
	echo "$version"
	exit 0
fi

src=$out/hotline-$version
echo "  DEB     $version (HOTLINE_VERSION $HOTLINE_VERSION) in ${out#"$root"/}"
# one set of packages at a time: test_deb.sh and the admin find them by glob
rm -rf "$out"
mkdir -p "$src"
cd "$root"
git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do
		# a file deleted in the working tree is still in the index
		[ -e "$f" ] || [ -L "$f" ] || continue
		printf '%s\0' "$f"
	done | xargs -0 cp -P --parents -t "$src"

# The checked-in changelog ends with the packaging's first entry; this
# build's entry goes on top, dated with the commit so that rebuilding the
# same commit gives the same packages.
date=$(date -R -u -d "@$(git log -1 --format=%ct)")
{
	printf 'hotline (%s) unstable; urgency=medium\n\n' "$version"
	printf '  * Built from git %s.\n\n' "$HOTLINE_VERSION"
	printf ' -- hotline developers <hotline@example.org>  %s\n\n' "$date"
	cat debian/changelog
} >"$src/debian/changelog"
echo "$HOTLINE_VERSION" >"$src/debian/hotline-version"

log=$out/build.log
if ! (cd "$src" && dpkg-buildpackage -b -us -uc) >"$log" 2>&1; then
	tail -n 40 "$log" >&2
	echo "deb: dpkg-buildpackage failed, see ${log#"$root"/}" >&2
	exit 1
fi
for f in "$out"/*.deb; do echo "  DEB     ${f#"$root"/}"; done

changes=$(echo "$out"/hotline_"$version"_*.changes)
echo "  LINTIAN ${changes#"$root"/}"
# info and pedantic tags may stay; test_deb.sh looks for the last line
lintian --fail-on error,warning "$changes"
echo "  LINTIAN no error, no warning"
