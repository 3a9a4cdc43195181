#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# selftests/systemd/pkgroot.sh LAYER [--on BASE] -- CMD ARGS...
# selftests/systemd/pkgroot.sh --installed LAYER
#
# CMD run as root in a chroot of this host's root in which every write
# lands in LAYER/upper: an overlay whose lower layers are BASE/upper (when
# given) and the host root, left as it was. This is where the packages are
# installed, upgraded and purged for the tests (selftests/host/test_deb.sh),
# natively: DKMS builds hotline.ko for every kernel in a few seconds here,
# where a guest under TCG takes two minutes a kernel and a minute for each
# depmod. A guest then boots on LAYER as one more lower layer of its own
# root (selftests/vm/run --layer), the packages installed as dpkg left them.
#
# LAYER lives on a tmpfs of its own (it is made one when it is not): the
# kernel will not stack an overlay whose upper directory sits inside its
# lower, and the host root is the lower. The chroot has its own /run (no
# service manager in it: the maintainer scripts start nothing), the host's
# /dev, /proc and /sys; its /lib/modules holds the kernels the host has
# when it starts but the hotline-debug ones, which are no Debian kernel
# an admin installs. LAYER/log is everything CMD printed.
#
# --installed LAYER makes LAYER the host root with build/deb's
# hotline-dkms and hotlinectl installed (dpkg -i), unless it already is:
# LAYER/stamp names the packages, the kernels and the host's dpkg
# database it was made from, and a layer made from anything else is
# made again (a guest on a layer whose dpkg status is older than the
# host root's would see the host's packages half gone).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
die() { echo "pkgroot: $*" >&2; exit 1; }
# debian_kernels ROOT: the kernels of ROOT/lib/modules the chroot shows,
# the hotline-debug test kernels left out
debian_kernels() {
	local m
	for m in "$1"/lib/modules/*; do
		case $m in *-hotline-debug) continue ;; esac
		[ -d "$m" ] && echo "${m##*/}"
	done
}

if [ "${1:-}" = --installed ]; then
	[ $# -eq 2 ] || die "usage: pkgroot.sh --installed LAYER"
	layer=$2
	arch=$(dpkg --print-architecture)
	debs=$(find "$root/build/deb" -maxdepth 1 \( -name 'hotline-dkms_*_all.deb' -o \
		-name "hotlinectl_*_$arch.deb" \) 2>/dev/null | sort)
	[ "$(wc -w <<<"$debs")" = 2 ] ||
		die "build/deb holds no hotline-dkms and hotlinectl .deb (or more than one): run 'make deb'"
	# shellcheck disable=SC2086 # two paths without spaces
	stamp=$(md5sum $debs /var/lib/dpkg/status | sed 's| .*/| |'; debian_kernels "")
	if [ -r "$layer/stamp" ] && [ "$(cat "$layer/stamp")" = "$stamp" ]; then
		echo "pkgroot: $layer: the packages are installed there already"
		exit 0
	fi
	if [ -d "$layer" ]; then
		umount "$layer" 2>/dev/null
		rm -rf "$layer" || die "cannot remove the old $layer"
	fi
	t0=$SECONDS
	# shellcheck disable=SC2086
	"$0" "$layer" -- dpkg -i $debs || die "dpkg -i failed (log: $layer/log)"
	echo "$stamp" >"$layer/stamp"
	echo "pkgroot: installed in $((SECONDS - t0)) s"
	exit 0
fi

[ $# -ge 3 ] || die "usage: pkgroot.sh LAYER [--on BASE] -- CMD ARGS..."
layer=$1
shift
base=
if [ "$1" = --on ]; then
	base=$2
	shift 2
	[ -d "$base/upper" ] || die "$base/upper: no such layer"
fi
[ "$1" = -- ] || die "usage: pkgroot.sh LAYER [--on BASE] -- CMD ARGS..."
shift
[ "$(id -u)" = 0 ] || die "needs root (mount, chroot)"

mkdir -p "$layer" || die "cannot create $layer"
if [ "$(stat -f -c %T "$layer")" != tmpfs ]; then
	mount -t tmpfs -o mode=0755 hotline-pkgroot "$layer" || die "cannot mount a tmpfs on $layer"
fi
mkdir -p "$layer/upper" "$layer/work" "$layer/root"
lower=/
[ -n "$base" ] && lower=$base/upper:/
mount -t overlay -o "lowerdir=$lower,upperdir=$layer/upper,workdir=$layer/work" \
	hotline-pkgroot "$layer/root" || die "cannot mount the overlay on $layer/root"
r=$layer/root
cleanup() {
	local h
	for h in "$layer"/hold/*; do
		[ -d "$h" ] && umount "$h" 2>/dev/null
	done
	umount -R "$r" 2>/dev/null || umount -R -l "$r"
}
trap cleanup EXIT
mount --rbind /dev "$r/dev" && mount -t proc proc "$r/proc" &&
	mount --rbind /sys "$r/sys" && mount -t tmpfs -o mode=0755 tmpfs "$r/run" ||
	die "cannot mount /dev, /proc, /sys and /run in $r"
mkdir -p "$r/run/lock"
# The chroot's /lib/modules: Debian's kernels as they are when it starts,
# each still the overlay's (DKMS's writes land in the layer), in a tmpfs
# of their own, so that a kernel the host installs meanwhile (make check
# installs the debug kernel beside this) is not half seen
hold=$layer/hold
mkdir -p "$hold"
mapfile -t kernels < <(debian_kernels "$r")
for k in "${kernels[@]}"; do
	mkdir -p "$hold/$k" && mount --bind "$r/lib/modules/$k" "$hold/$k" ||
		die "cannot hold /lib/modules/$k"
done
mount -t tmpfs -o mode=0755 tmpfs "$r/lib/modules" || die "cannot mount a tmpfs on $r/lib/modules"
for k in "${kernels[@]}"; do
	mkdir "$r/lib/modules/$k" && mount --bind "$hold/$k" "$r/lib/modules/$k" ||
		die "cannot put /lib/modules/$k back"
	umount "$hold/$k" && rmdir "$hold/$k"
done
# autoinstall_all_kernels: DKMS builds for every kernel of the root; in
# a chroot it otherwise builds an upgrade for the newest kernel only
chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
	DEBIAN_FRONTEND=noninteractive autoinstall_all_kernels=1 "$@" </dev/null 2>&1 |
	tee -a "$layer/log"
exit "${PIPESTATUS[0]}"
