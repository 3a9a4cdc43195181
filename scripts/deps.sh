#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install every Debian package that building, testing, benchmarking and the
# demo need. Idempotent: asks apt only for what is missing, and refreshes
# the package lists at most once per run. frr is here for its bfdd, the
# reference the health benchmark compares against; on a host with systemd
# its packaged service starts zebra and staticd (bfdd stays off), which
# hotline neither needs nor touches.
#
#   scripts/deps.sh         everything: the core list and the packaging one
#   scripts/deps.sh core    building, testing, benchmarks, the demo
#   scripts/deps.sh deb     `make deb` and selftests/host/test_deb.sh only
set -e

PKGS="
make gcc libc6-dev pkg-config git xz-utils kmod
clang llvm lld libclang-rt-14-dev bpftool libbpf-dev libelf-dev zlib1g-dev
libmnl-dev libnl-3-dev libnl-route-3-dev libnl-genl-3-dev libjson-c-dev
linux-image-amd64 linux-headers-amd64
linux-image-6.12-amd64 linux-headers-6.12-amd64
sparse
qemu-system-x86 busybox-static
iproute2 iputils-ping iperf3 tcpdump tshark nftables ethtool procps
python3 python3-pyroute2
gnuplot-nox man-db groff-base
libssl-dev
bash-completion jq
stress-ng frr
linux-source-6.1 bc bison flex cpio dwarves
cppcheck clang-tidy
"

# `make deb`: dpkg-buildpackage with debhelper and its dkms add-on, lintian
# on the result; test_deb.sh builds the packaged DKMS source with dkms.
# The packages' Build-Depends (clang, libbpf-dev...) are in the core list.
DEB_PKGS="
dpkg-dev debhelper dh-dkms dkms lintian
"

case "${1:-all}" in
all)	PKGS="$PKGS $DEB_PKGS" ;;
core)	;;
deb)	PKGS=$DEB_PKGS ;;
*)	echo "usage: $0 [core|deb]" >&2; exit 2 ;;
esac

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) || st=absent
	[ "$st" = installed ] || missing="$missing $p"
done

if [ -z "$missing" ]; then
	echo "  DEPS    all installed"
	exit 0
fi

echo "  DEPS    installing:$missing"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# The guest boots on hotline's own busybox initramfs (selftests/vm), never
# on Debian's: INITRD=No spares the two kernels' postinst a minute or more
# each of building one (the kernels' packages honour it; sudo keeps it
# with env). update-initramfs then has no image of its own to refresh.
# shellcheck disable=SC2086
$SUDO env INITRD=No apt-get install -y -q --no-install-recommends $missing
