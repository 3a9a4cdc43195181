#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# selftests/systemd/nextdeb.sh DEB NEWVER NEWMOD OUTDIR
#
# DEB repacked one version up, as the upgrade tests install it: the
# version is in the control file, the source directory's name, dkms.conf
# and the maintainer scripts dh_dkms wrote; the module DKMS builds from
# the repacked hotline-dkms reports NEWMOD. hotlinectl's binary stays as
# it was (its version is compiled in). Prints the new file's path.
set -u
[ $# -eq 4 ] || { echo "usage: nextdeb.sh DEB NEWVER NEWMOD OUTDIR" >&2; exit 2; }
deb=$1 newver=$2 newmod=$3 out=$4
ver=$(dpkg-deb -f "$deb" Version) || exit 1
d=$(mktemp -d "$out/repack.XXXXXX") || exit 1
trap 'rm -rf "$d"' EXIT
dpkg-deb -R "$deb" "$d/x" || exit 1
# text files only (-I): the binaries do not hold the Debian version
grep -rlIF -- "$ver" "$d/x" | while IFS= read -r f; do
	sed -i "s/${ver//./\\.}/$newver/g" "$f"
done
if [ -d "$d/x/usr/src/hotline-$ver" ]; then
	mv "$d/x/usr/src/hotline-$ver" "$d/x/usr/src/hotline-$newver"
	sed -i "s/HOTLINE_VERSION=[^ ]*/HOTLINE_VERSION=$newmod/" \
		"$d/x/usr/src/hotline-$newver/dkms.conf"
fi
# md5sums keep the edited files' old sums: only debsums reads them
name=$(dpkg-deb -f "$deb" Package)_${newver}_$(dpkg-deb -f "$deb" Architecture).deb
dpkg-deb -b "$d/x" "$out/$name" >/dev/null || exit 1
echo "$out/$name"
