#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# scripts/debug-kernel.sh [--kver]
#
# Build the debug kernel from Debian's linux-source-6.1 package with
# selftests/vm/kconfig/{base,debug}.config merged onto allnoconfig, and
# install it like a Debian kernel: /boot/vmlinuz-KVER, /lib/modules/KVER
# with its build link, so scripts/kernels.sh lists it, `make` builds
# hotline.ko for it and selftests/vm/run --kver KVER boots it.
#
# The build lives outside the clone, in $HOTLINE_CACHE (default
# /var/cache/hotline)/debug-kernel/SOURCE-VERSION, stamped with a key
# that hashes the source package's version, both fragments and this
# script: a second run, from any clone, only reinstalls; a changed
# fragment rebuilds what it touches.  --kver prints the release it installs
# (KVER ends in -hotline-debug) and builds nothing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
kconfig=$root/selftests/vm/kconfig
cache=${HOTLINE_CACHE:-/var/cache/hotline}
LOCALVERSION=-hotline-debug

die() { echo "debug-kernel: $*" >&2; exit 1; }
say() { echo "  DEBUGK  $*"; }

srcpkg=$(dpkg-query -W -f='${db:Status-Status} ${Package} ${Version}\n' 'linux-source-6.1*' 2>/dev/null |
	awk '$1 == "installed" { print $2, $3 }' | sort -V | tail -n 1)
[ -n "$srcpkg" ] || die "linux-source-6.1 is not installed: run 'make deps'"
srcver=${srcpkg#* }
tarball=$(dpkg -L "${srcpkg% *}" | grep -E '/linux-source-[0-9.]+\.tar\.(xz|bz2|gz)$' | head -n 1)
[ -r "$tarball" ] || die "${srcpkg% *} $srcver has no source tarball in /usr/src"

key=$( { echo "$srcver"; cat "$kconfig/base.config" "$kconfig/debug.config" "$0"; } |
	sha256sum | cut -c1-12)
top=$cache/debug-kernel
src=$top/src-$srcver
# One tree per source version, at a fixed path: kbuild's records hold
# absolute paths, so a tree that moved would be rebuilt whole, while one
# that stays is rebuilt only where a changed option reaches.  The tree
# counts as built for KEY (source version + both fragments + this
# script) only when $out/done says KEY.
out=$top/$srcver

kernelrelease() {
	make -s -C "$src" O="$out/build" ARCH=x86_64 LOCALVERSION="$LOCALVERSION" kernelrelease
}

if [ "${1:-}" = --kver ]; then
	[ "$(cat "$out/done" 2>/dev/null)" = "$key" ] || die "not built yet (make debug-kernel)"
	cat "$out/kver"
	exit 0
fi
[ $# -eq 0 ] || die "usage: scripts/debug-kernel.sh [--kver]"

mkdir -p "$top"
exec 9>"$top/lock"
flock 9

if [ "$(cat "$out/done" 2>/dev/null)" != "$key" ]; then
	t0=$SECONDS
	if [ ! -r "$src/Makefile" ]; then
		say "unpacking $tarball ($srcver)"
		rm -rf "$src" "$src.tmp"
		mkdir -p "$src.tmp"
		tar -xf "$tarball" -C "$src.tmp" --strip-components=1
		mv "$src.tmp" "$src"
	fi
	rm -f "$out/done"
	mkdir -p "$out/build"
	say "configuring $srcver (allnoconfig + base.config + debug.config)"
	cat "$kconfig/base.config" "$kconfig/debug.config" >"$out/fragment.config"
	make -s -C "$src" O="$out/build" ARCH=x86_64 \
		KCONFIG_ALLCONFIG="$out/fragment.config" allnoconfig >/dev/null
	# Every line asked for must be in the result: a dependency that
	# silently dropped KASAN or lockdep would make the lane a lie.
	missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$out/fragment.config" | while IFS= read -r want; do
		name=${want%%=*}
		val=${want#*=}
		if [ "$val" = n ]; then
			grep -qx "$name=y" "$out/build/.config" && echo "$want"
		else
			grep -qx "$want" "$out/build/.config" || echo "$want"
		fi
	done)
	[ -z "$missing" ] || die "these settings did not survive into .config: $(echo $missing)"
	say "building $srcver with $(nproc) CPUs into $out"
	make -s -C "$src" O="$out/build" ARCH=x86_64 LOCALVERSION="$LOCALVERSION" \
		-j"$(($(nproc) + 1))" bzImage modules
	kernelrelease >"$out/kver"
	echo "$srcver" >"$out/source-version"
	echo "$((SECONDS - t0))" >"$out/build-seconds"
	echo "$key" >"$out/done"
	say "built $(cat "$out/kver") in $((SECONDS - t0))s"
fi

kver=$(cat "$out/kver")
img=/boot/vmlinuz-$kver
moddir=/lib/modules/$kver
if ! cmp -s "$out/build/arch/x86/boot/bzImage" "$img" ||
   [ "$(readlink "$moddir/build" 2>/dev/null)" != "$out/build" ]; then
	say "installing $kver"
	make -s -C "$src" O="$out/build" ARCH=x86_64 LOCALVERSION="$LOCALVERSION" \
		INSTALL_MOD_PATH=/ modules_install >/dev/null
	install -m 0644 "$out/build/arch/x86/boot/bzImage" "$img.tmp"
	mv -f "$img.tmp" "$img"
	install -m 0644 "$out/build/System.map" "/boot/System.map-$kver"
	install -m 0644 "$out/build/.config" "/boot/config-$kver"
	ln -sfn "$out/build" "$moddir/build"
fi
say "$kver from linux-source $srcver (cache $out)"
