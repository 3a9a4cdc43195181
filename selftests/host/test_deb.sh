#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make deb`, then what it built: both packages hold their files, the
# config is a conffile, hotlinectl depends on the packages of the
# libraries it is linked against, lintian has nothing to say beyond
# info, hotlinectl and the module DKMS builds from hotline-dkms report the
# tree's git describe, and the maintainer scripts neither start nor
# restart a service. Then the packages' life on a root: dpkg -i, DKMS
# building hotline.ko for each Debian kernel with headers, an upgrade one
# version up over an edited hotline.conf, purge, in a chroot of this host
# whose writes go to a tmpfs layer (selftests/systemd/pkgroot.sh), never
# to the host's own root. The installed layer is kept for the guests that
# boot on it (selftests/systemd/test_gateway.sh).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d /tmp/hotline-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
start=$SECONDS

pass() { echo "PASS: deb: $1"; passed=$((passed + 1)); }
fail() {
	echo "FAIL: deb: $1: $2"
	[ -n "${3:-}" ] && printf '%s\n' "$3" | head -n 20 | sed 's/^/    /'
	failed=$((failed + 1))
}
check_eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; fi; }
finish() {
	echo "deb: took $((SECONDS - start))s"
	echo "deb: $passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
}

# what the Makefile passes as HOTLINE_VERSION
hv=$(git -C "$root" describe --always --dirty --tags 2>/dev/null || echo 0.1.0)
out=$root/build/deb

# ---- make deb ----
if log=$(make -s -C "$root" deb 2>&1); then
	pass "make deb (HOTLINE_VERSION $hv) in $((SECONDS - start))s"
else
	fail "make deb" "make failed" "$(tail -n 20 <<<"$log")"
fi
arch=$(dpkg --print-architecture)
dkms_deb=$(find "$out" -maxdepth 1 -name 'hotline-dkms_*_all.deb')
ctl_deb=$(find "$out" -maxdepth 1 -name "hotlinectl_*_$arch.deb")
if [ -f "$dkms_deb" ] && [ -f "$ctl_deb" ]; then
	pass "build/deb holds one hotline-dkms and one hotlinectl .deb"
else
	fail "build/deb holds both .debs" "found '$dkms_deb' and '$ctl_deb'" \
		"$(ls "$out" 2>&1)"
	finish
fi

# ---- the version ----
ver=$(dpkg-deb -f "$ctl_deb" Version)
check_eq "both packages have the same version" "$ver" "$(dpkg-deb -f "$dkms_deb" Version)"
count=$(git -C "$root" rev-list --count HEAD)
hash=$(git -C "$root" rev-parse --short HEAD)
if [[ $ver =~ ^[0-9][0-9A-Za-z.~]*\+git$count\.g$hash(\.dirty)?$ ]]; then
	pass "version $ver: a digit first, then +git<commits>.g<hash>"
else
	fail "version has the form BASE+gitCOUNT.gHASH" "got '$ver' for $count commits, HEAD $hash"
fi
# the next commit, and a dirty tree of it, must sort above this build
next=${ver/+git$count./+git$((count + 1)).}
if dpkg --compare-versions "$ver" lt "$next" &&
   dpkg --compare-versions "$next" lt "$next.dirty" &&
   dpkg --compare-versions "${ver/+git$count./+git9.}" lt "${ver/+git$count./+git10.}"; then
	pass "dpkg orders the versions of later commits higher ($ver < $next)"
else
	fail "dpkg orders later commits higher" "$ver vs $next"
fi
# the base comes from the newest tag: a version tag gives it, any other
# tag is refused (a clone of HEAD, so the clone's own tags are untouched)
git clone -q "$root" "$tmp/tags"
cp "$root/scripts/deb.sh" "$tmp/tags/scripts/deb.sh"
git -C "$tmp/tags" tag v1.2
check_eq "tag v1.2: version 1.2+git$count.g$hash" "1.2+git$count.g$hash" \
	"$(HOTLINE_VERSION=x "$tmp/tags/scripts/deb.sh" --version 2>&1)"
git -C "$tmp/tags" tag -d v1.2 >/dev/null
git -C "$tmp/tags" tag release-x
if out=$(HOTLINE_VERSION=x "$tmp/tags/scripts/deb.sh" --version 2>&1); then
	fail "a tag that is not a version is refused" "printed '$out'"
else
	check_eq "a tag that is not a version is refused" \
		"deb: the newest tag 'release-x' is not a version (want [v]DIGITS...)" "$out"
fi
if [ ! -e "$root/debian/files" ] && [ ! -e "$root/debian/hotlinectl" ] &&
   [ "$(dpkg-parsechangelog -l "$root/debian/changelog" -S Version)" != "$ver" ]; then
	pass "the build left the clone's debian/ as it was"
else
	fail "the build left the clone's debian/ as it was" "build files or a new changelog entry in $root/debian"
fi

# ---- contents ----
missing_in() {	# deb, then the paths that must be in it
	local deb=$1 list
	shift
	list=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|')
	for p in "$@"; do grep -qxF "$p" <<<"$list" || echo "$p"; done
}
miss=$(missing_in "$ctl_deb" /usr/sbin/hotlinectl /usr/share/man/man8/hotlinectl.8.gz \
	/usr/share/man/man5/hotline.conf.5.gz /usr/share/bash-completion/completions/hotlinectl \
	/lib/systemd/system/hotline.service /lib/systemd/system/hotline-monitor.service \
	/lib/systemd/system/hotline-guard@.service /lib/systemd/system-generators/hotline-generator \
	/etc/hotline/hotline.conf)
check_eq "hotlinectl holds the program, man pages, completion, 3 units, the generator, hotline.conf" "" "$miss"

uver=${ver%-*}	# native: the upstream version is the whole of it
src=/usr/src/hotline-$uver
kfiles=$(cd "$root" && for f in Kbuild kmod/Kbuild kmod/*.c kmod/*.h include/hotline/*.h \
	include/uapi/linux/*.h; do echo "$src/$f"; done)
# shellcheck disable=SC2086
miss=$(missing_in "$dkms_deb" "$src/dkms.conf" $kfiles)
check_eq "hotline-dkms holds $src/dkms.conf and the module's $(wc -l <<<"$kfiles") sources" "" "$miss"

x=$tmp/ctl
dpkg-deb -x "$ctl_deb" "$x"
dpkg-deb -e "$ctl_deb" "$x/DEBIAN"
check_eq "DEBIAN/conffiles of hotlinectl is /etc/hotline/hotline.conf" \
	"/etc/hotline/hotline.conf" "$(cat "$x/DEBIAN/conffiles" 2>&1)"
if cmp -s "$root/docs/hotline.conf.example" "$x/etc/hotline/hotline.conf"; then
	pass "the conffile is docs/hotline.conf.example"
else
	fail "the conffile is docs/hotline.conf.example" "it differs"
fi
check_eq "the units run /usr/sbin/hotlinectl" \
	"ExecStart=/usr/sbin/hotlinectl apply /etc/hotline/hotline.conf
ExecStart=/usr/sbin/hotlinectl monitor
ExecStart=/usr/sbin/hotlinectl guard watch %i hold \${HOTLINE_GUARD_HOLD}" \
	"$(grep -h '^ExecStart=' "$x/lib/systemd/system/hotline.service" \
		"$x/lib/systemd/system/hotline-monitor.service" \
		"$x/lib/systemd/system/hotline-guard@.service")"

# ---- Depends: the packages of the libraries hotlinectl is linked against ----
bin=$x/usr/sbin/hotlinectl
depends=$(dpkg-deb -f "$ctl_deb" Depends)
dep_names=$(tr ',|' '\n\n' <<<"$depends" | sed 's/(.*)//; s/ //g' | grep .)
ldd_out=$(ldd "$bin" 2>&1)
want="" bad=""
for so in $(objdump -p "$bin" | awk '$1 == "NEEDED" { print $2 }'); do
	path=$(awk -v so="$so" '$1 == so && $2 == "=>" { print $3 }' <<<"$ldd_out")
	# on a merged /usr, ldd and dpkg may name the library by different paths
	pkg=$( { dpkg -S "$path" || dpkg -S "/usr$path" || dpkg -S "${path#/usr}"; } 2>/dev/null |
		head -n 1 | cut -d: -f1)
	if [ -z "$pkg" ]; then
		bad="$bad $so(no package)"
		continue
	fi
	want="$want $so:$pkg"
	grep -qxF "$pkg" <<<"$dep_names" || bad="$bad $so($pkg)"
done
if [ -n "$want" ] && [ -z "$bad" ]; then
	pass "Depends names the package of every library hotlinectl needs:$want"
else
	fail "Depends names the package of every library hotlinectl needs" \
		"missing:${bad:- no NEEDED entries}" "Depends: $depends"
fi

# ---- lintian ----
# make deb ran it on the .changes and stops when it fails; once is enough
# (half a minute on a loaded host)
if grep -qx '  LINTIAN no error, no warning' <<<"$log" &&
   ! grep -q '^[EW]: ' <<<"$log"; then
	pass "lintian --fail-on error,warning exits 0 on the .changes (make deb)"
else
	fail "lintian --fail-on error,warning exits 0" "make deb says" \
		"$(grep -A 20 '  LINTIAN' <<<"$log")"
fi

# ---- the packaged hotlinectl ----
vout=$("$bin" version 2>&1)
check_eq "the packaged hotlinectl reports HOTLINE_VERSION" "hotlinectl $hv" "$(head -n 1 <<<"$vout")"

# ---- install, upgrade, purge in a chroot of this host ----
# selftests/systemd/pkgroot.sh: an overlay of the host root, written to a
# tmpfs layer, the host's own root untouched. Natively, where DKMS builds
# for both kernels in seconds; the guests of selftests/systemd boot on the
# installed layer to run the module and the units (make check's
# systemd stage).
d=$tmp/dkms
mkdir -p "$d/x"
dpkg-deb -x "$dkms_deb" "$d/x"
conf=$d/x$src/dkms.conf
if grep -qx "PACKAGE_VERSION=\"$uver\"" "$conf" && grep -qx 'AUTOINSTALL="yes"' "$conf" &&
   grep -q "HOTLINE_VERSION=$hv modules\"$" "$conf" && ! grep -q @ "$conf"; then
	pass "dkms.conf: PACKAGE_VERSION $uver as the directory, HOTLINE_VERSION $hv, AUTOINSTALL"
else
	fail "dkms.conf carries both versions" "in $src" "$(cat "$conf" 2>&1)"
fi
pkgroot=$root/selftests/systemd/pkgroot.sh
layers=${HOTLINE_PKG_LAYERS:-/dev/shm/hotline-pkgroot}
A=$layers/installed B=$layers/upgraded
kvers=$("$root/scripts/kernels.sh" | grep -v -- '-hotline-debug$')
host_before=$(md5sum /var/lib/dpkg/status; find /var/lib/dkms /usr/src /etc/hotline 2>/dev/null | sort | md5sum)
t=$SECONDS
# installed afresh: a layer of identical packages would otherwise be kept
rm -rf "$A"
if ilog=$("$pkgroot" --installed "$A" 2>&1); then
	pass "dpkg -i of hotline-dkms and hotlinectl in a chroot of this host ($((SECONDS - t)) s)"
else
	fail "dpkg -i in a chroot of this host" "pkgroot.sh failed" "$(tail -n 20 "$A/log" 2>&1; echo "$ilog")"
fi
# in_root LAYER CMD...: CMD in LAYER's chroot (upgraded: on top of installed)
in_root() {
	local l=$1
	shift
	if [ "$l" = "$B" ]; then
		"$pkgroot" "$B" --on "$A" -- "$@" 2>&1
	else
		"$pkgroot" "$l" -- "$@" 2>&1
	fi
}
# per_kernel LAYER VERSION MODVER: for each kernel, DKMS's status, the
# module on disk with its version, for that kernel, in modules.dep
per_kernel() {
	local l=$1 v=$2 mv=$3 k st
	st=$(in_root "$l" dkms status hotline)
	for k in $kvers; do
		check_eq "dkms status: hotline/$v installed for $k" 1 \
			"$(grep -c "^hotline/$v, $k, [^:]*: installed" <<<"$st")"
		check_eq "modinfo -k $k hotline: /lib/modules/$k/updates/dkms, $mv, for $k" \
			"/lib/modules/$k/updates/dkms/hotline.ko $mv $k" \
			"$(in_root "$l" sh -c "modinfo -k '$k' -n hotline | sed 's/\.xz\$//'; modinfo -k '$k' -F version hotline; modinfo -k '$k' -F vermagic hotline | cut -d' ' -f1" | paste -sd' ')"
	done
}
if [ -z "$kvers" ]; then
	fail "the kernels DKMS builds for" "none with headers (scripts/kernels.sh): run 'make deps'"
else
	per_kernel "$A" "$uver" "$hv"
	check_eq "hotline.service enabled by the install" enabled \
		"$(in_root "$A" systemctl is-enabled hotline.service)"
fi

# the upgrade: one version up, over an edited hotline.conf
newver=$uver.1 newmod=$hv.next
rm -rf "$B"
next=$tmp/next
mkdir -p "$next"
if ndkms=$("$root/selftests/systemd/nextdeb.sh" "$dkms_deb" "$newver" "$newmod" "$next") &&
   nctl=$("$root/selftests/systemd/nextdeb.sh" "$ctl_deb" "$newver" "$newmod" "$next"); then
	pass "the packages repacked as version $newver (module $newmod)"
else
	fail "the packages repacked one version up" "nextdeb.sh failed"
fi
t=$SECONDS
if ulog=$(in_root "$B" sh -c "echo '# the admin was here' >>/etc/hotline/hotline.conf &&
	md5sum /etc/hotline/hotline.conf >/root/edited.md5 && dpkg -i '$ndkms' '$nctl'"); then
	pass "dpkg -i of $newver over $uver ($((SECONDS - t)) s)"
else
	fail "dpkg -i of $newver over $uver" "failed" "$(tail -n 20 <<<"$ulog")"
fi
check_eq "dpkg: both packages at $newver" "$newver $newver" \
	"$(in_root "$B" dpkg-query -W -f '${Version} ' hotline-dkms hotlinectl | sed 's/ $//')"
check_eq "the upgrade kept the admin's edited hotline.conf" "/etc/hotline/hotline.conf: OK" \
	"$(in_root "$B" md5sum -c /root/edited.md5)"
[ -n "$kvers" ] && per_kernel "$B" "$newver" "$newmod"
check_eq "dkms: $uver gone, its sources too" "" \
	"$(in_root "$B" sh -c "dkms status hotline/$uver; ls -d /usr/src/hotline-$uver /var/lib/dkms/hotline/$uver 2>/dev/null")"

# purge
t=$SECONDS
if plog=$(in_root "$B" dpkg --purge hotlinectl hotline-dkms); then
	pass "dpkg --purge hotlinectl hotline-dkms ($((SECONDS - t)) s)"
else
	fail "dpkg --purge hotlinectl hotline-dkms" "failed" "$(tail -n 20 <<<"$plog")"
fi
check_eq "purge removed the modules, the DKMS tree, the sources, the config, the binary and the units" "" \
	"$(in_root "$B" sh -c 'ls -d /usr/src/hotline-* /var/lib/dkms/hotline /etc/hotline /usr/sbin/hotlinectl \
		/lib/systemd/system/hotline*.service /lib/systemd/system-generators/hotline-generator \
		/etc/systemd/system/multi-user.target.wants/hotline.service \
		/lib/modules/*/updates/dkms/hotline.ko* 2>/dev/null')"
check_eq "dpkg knows no hotline package" "" \
	"$(in_root "$B" sh -c "dpkg-query -W -f '\${db:Status-Abbrev}\${Package}\n' 'hotline*' 2>/dev/null | grep -v '^un'")"
for k in $kvers; do
	check_eq "modprobe no longer finds hotline for $k" "not found" \
		"$(in_root "$B" modinfo -k "$k" -n hotline >/dev/null 2>&1 && echo found || echo "not found")"
done
rm -rf "$B"
check_eq "the host's own root untouched (dpkg status, /var/lib/dkms, /usr/src, /etc/hotline)" \
	"$host_before" "$(md5sum /var/lib/dpkg/status; find /var/lib/dkms /usr/src /etc/hotline 2>/dev/null | sort | md5sum)"

# ---- maintainer scripts ----
dk=$tmp/dkms-ctrl
dpkg-deb -e "$dkms_deb" "$dk"
if grep -q "DKMS_VERSION=$uver$" "$dk/postinst" && grep -q common.postinst "$dk/postinst" &&
   grep -q 'dkms remove -m $DKMS_NAME -v $DKMS_VERSION' "$dk/prerm"; then
	pass "hotline-dkms: postinst adds and builds $uver with DKMS, prerm removes it"
else
	fail "hotline-dkms maintainer scripts" "no dkms snippets" "$(cat "$dk/postinst" "$dk/prerm" 2>&1)"
fi
scripts=$(cat "$x"/DEBIAN/{preinst,postinst,prerm,postrm} 2>/dev/null)
if grep -q "deb-systemd-helper enable 'hotline.service'" <<<"$scripts"; then
	pass "hotlinectl: postinst enables hotline.service"
else
	fail "hotlinectl: postinst enables hotline.service" "no enable" "$scripts"
fi
# --no-start and --no-stop-on-upgrade: no script starts, stops or restarts a unit
if ! grep -q 'deb-systemd-invoke\|systemctl .*\(start\|stop\)' <<<"$scripts" &&
   grep -q "debian-installed 'hotline-monitor.service'" <<<"$scripts" &&
   ! grep -q "hotline-guard" <<<"$scripts"; then
	pass "hotlinectl: no unit started, stopped or restarted; the monitor and guard not enabled"
else
	fail "hotlinectl: units neither started nor restarted" "found" \
		"$(grep -n 'deb-systemd-invoke\|systemctl\|hotline-guard\|hotline-monitor' <<<"$scripts")"
fi

# a time, not a check: this host is shared
echo "# deb: ${SECONDS}s in all, $((SECONDS - start))s after make deb started"
finish
