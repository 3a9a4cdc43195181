#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make install`, `make uninstall` and `make dkms-install` into scratch
# directories (never the host's own): the files land where the man pages
# and units say, with the right modes and paths substituted; an edited
# config survives both install and uninstall; uninstall leaves no file
# behind; the man pages render without a warning; the units pass
# systemd-analyze verify; the bash completion completes; the shipped
# example config is valid; the DKMS source tree builds hotline.ko through
# the MAKE line of its own dkms.conf.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d /tmp/hotline-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

pass() { echo "PASS: install: $1"; passed=$((passed + 1)); }
fail() {
	echo "FAIL: install: $1: $2"
	[ -n "${3:-}" ] && printf '%s\n' "$3" | head -n 20 | sed 's/^/    /'
	failed=$((failed + 1))
}
check_eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; fi; }

kvers=$("$root/scripts/kernels.sh")
d=$tmp/dest
mk() { make -s -C "$root" "$@" 2>&1; }

# ---- install for every test kernel ----
for k in $kvers; do
	if out=$(mk install DESTDIR="$d" KVER="$k"); then
		pass "make install DESTDIR KVER=$k"
	else
		fail "make install DESTDIR KVER=$k" "make failed" "$out"
	fi
	# compressed when the kernel's own modules are (6.12: .ko.xz)
	ko=$(find "$d/lib/modules/$k/updates/kmod" -name 'hotline.ko*' 2>/dev/null | head -n 1)
	if [ -n "$ko" ] && modinfo -F vermagic "$ko" | grep -q "^$k "; then
		pass "module for $k in /lib/modules/$k/updates/kmod, built for $k"
	else
		fail "module for $k" "no $ko or wrong vermagic: $(modinfo -F vermagic "$ko" 2>&1)"
	fi
done

want="etc/hotline/hotline.conf 644
lib/systemd/system-generators/hotline-generator 755
lib/systemd/system/hotline-guard@.service 644
lib/systemd/system/hotline-monitor.service 644
lib/systemd/system/hotline.service 644
usr/local/sbin/hotlinectl 755
usr/local/share/bash-completion/completions/hotlinectl 644
usr/local/share/man/man5/hotline.conf.5 644
usr/local/share/man/man8/hotlinectl.8 644"
got=$(cd "$d" && find . -type f ! -name 'hotline.ko*' -printf '%P %m\n' | sort)
check_eq "install lays out the expected files and modes" "$want" "$got"
check_eq "the units run the installed hotlinectl" \
	"ExecStart=/usr/local/sbin/hotlinectl apply /etc/hotline/hotline.conf
ExecReload=/usr/local/sbin/hotlinectl apply /etc/hotline/hotline.conf
ExecStart=/usr/local/sbin/hotlinectl monitor
ExecStart=/usr/local/sbin/hotlinectl guard watch %i hold \${HOTLINE_GUARD_HOLD}" \
	"$(grep -h '^Exec\(Start\|Reload\)=' "$d/lib/systemd/system/hotline.service" \
		"$d/lib/systemd/system/hotline-monitor.service" \
		"$d/lib/systemd/system/hotline-guard@.service")"
check_eq "the generator runs the installed hotlinectl" \
	"exec /usr/local/sbin/hotlinectl systemd-generator \"\$1\"" \
	"$(grep '^exec ' "$d/lib/systemd/system-generators/hotline-generator")"
if cmp -s "$root/docs/hotline.conf.example" "$d/etc/hotline/hotline.conf"; then
	pass "the example config is installed as /etc/hotline/hotline.conf"
else
	fail "the example config is installed" "differs from docs/hotline.conf.example"
fi
if out=$("$d/usr/local/sbin/hotlinectl" version 2>&1) && grep -q '^hotlinectl ' <<<"$out"; then
	pass "the installed hotlinectl runs"
else
	fail "the installed hotlinectl runs" "version failed" "$out"
fi

# an admin's config is never overwritten, nor removed
echo "# mine" >"$d/etc/hotline/hotline.conf"
mk install DESTDIR="$d" KVER=none-such >/dev/null
check_eq "install keeps an existing hotline.conf" "# mine" "$(cat "$d/etc/hotline/hotline.conf")"
out=$(mk uninstall DESTDIR="$d" KVER=none-such)
check_eq "uninstall keeps an edited hotline.conf" "# mine" "$(cat "$d/etc/hotline/hotline.conf" 2>&1)"
cp "$root/docs/hotline.conf.example" "$d/etc/hotline/hotline.conf"

# ---- uninstall ----
for k in $kvers; do
	mk uninstall DESTDIR="$d" KVER="$k" >/dev/null || fail "make uninstall KVER=$k" "make failed"
done
left=$(find "$d" -type f)
if [ -z "$left" ]; then
	pass "uninstall removes every installed file"
else
	fail "uninstall removes every installed file" "left:" "$left"
fi

# ---- PREFIX, and the installed pieces at work ----
p=$tmp/prefix
if out=$(mk install PREFIX="$p/usr" UNITDIR="$p/units" CONFDIR="$p/etc" KVER=none-such); then
	pass "install with PREFIX, UNITDIR and CONFDIR"
else
	fail "install with PREFIX, UNITDIR and CONFDIR" "make failed" "$out"
fi
if grep -q "no headers for kernel none-such" <<<"$out"; then
	pass "install without kernel headers says the module is not installed"
else
	fail "install without kernel headers says so" "no message" "$out"
fi
check_eq "units follow PREFIX" "ExecStart=$p/usr/sbin/hotlinectl apply /etc/hotline/hotline.conf" \
	"$(grep '^ExecStart=' "$p/units/hotline.service")"

for page in man8/hotlinectl.8 man5/hotline.conf.5; do
	err=$(MANWIDTH=80 man --warnings -l "$p/usr/share/man/$page" 2>&1 >/dev/null)
	lines=$(MANWIDTH=80 man -l "$p/usr/share/man/$page" 2>/dev/null | wc -l)
	if [ -z "$err" ] && [ "$lines" -gt 50 ]; then
		pass "man --warnings renders $page cleanly ($lines lines)"
	else
		fail "man --warnings renders $page cleanly" "$lines lines" "$err"
	fi
done

if command -v systemd-analyze >/dev/null; then
	# a template is verified through an instance of it
	ln -s hotline-guard@.service "$p/units/hotline-guard@wan0.service"
	if out=$(MANPATH=$p/usr/share/man systemd-analyze verify \
		"$p/units/hotline.service" "$p/units/hotline-monitor.service" \
		"$p/units/hotline-guard@wan0.service" 2>&1); then
		pass "systemd-analyze verify accepts the three units (the guard's as hotline-guard@wan0)"
	else
		fail "systemd-analyze verify accepts the three units" "it complained" "$out"
	fi
else
	fail "systemd-analyze verify" "systemd-analyze is missing"
fi

if [ -r /usr/share/bash-completion/bash_completion ]; then
	comp=$(PATH=$p/usr/sbin:$PATH bash -c '
		. /usr/share/bash-completion/bash_completion
		. "$1"
		c() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"
		      COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _hotlinectl
		      echo "${COMPREPLY[*]}"; }
		c hotlinectl ap; c hotlinectl channel ""; c hotlinectl channel add x pr
		c hotlinectl apply --d; c hotlinectl channel add x dscp af4' _ \
		"$p/usr/share/bash-completion/completions/hotlinectl" 2>&1)
	check_eq "bash completion completes commands, verbs, keywords, values" \
		"apply
add set del show
proto priority probe
--dry-run
af41 af42 af43" "$comp"
else
	fail "bash completion" "bash-completion is not installed (make deps)"
fi

# the example is valid as shipped (no channels) and with its sections uncommented
ctl=$p/usr/sbin/hotlinectl
if out=$("$ctl" apply --check "$p/etc/hotline.conf" 2>&1); then
	pass "the installed example config is valid"
else
	fail "the installed example config is valid" "apply --check failed" "$out"
fi
sed -n '/^# \[Channel/,$p' "$root/docs/hotline.conf.example" | sed 's/^# \{0,1\}//' >"$tmp/ex.conf"
"$ctl" genkey >"$tmp/cert.key"
"$ctl" genkey >"$tmp/cert-gov.key"
if out=$("$ctl" apply --check "$tmp/ex.conf" 2>&1) &&
   [ "$(grep -c '^\[Channel' "$tmp/ex.conf")" -ge 2 ]; then
	pass "the example's channels, uncommented, are valid"
else
	fail "the example's channels, uncommented, are valid" "apply --check failed" "$out"
fi
mk uninstall PREFIX="$p/usr" UNITDIR="$p/units" CONFDIR="$p/etc" KVER=none-such >/dev/null
check_eq "uninstall with the same variables empties the prefix" "" "$(find "$p" -type f)"

# ---- dkms-install ----
k=$(head -n 1 <<<"$kvers")
dk=$tmp/dkms
if out=$(mk dkms-install DESTDIR="$dk" DKMS=echo); then
	pass "make dkms-install DESTDIR DKMS=echo"
else
	fail "make dkms-install DESTDIR DKMS=echo" "make failed" "$out"
fi
src=$(find "$dk/usr/src" -mindepth 1 -maxdepth 1 -name 'hotline-*' | head -n 1)
ver=${src##*/hotline-}
check_eq "dkms add, build, install of that version" \
	"add $src
build -m hotline -v $ver
install -m hotline -v $ver" "$(grep -E '^(add|build|install) ' <<<"$out")"
if [ -n "$ver" ] && grep -q "^PACKAGE_VERSION=\"$ver\"$" "$src/dkms.conf" &&
   ! grep -q @VERSION@ "$src/dkms.conf"; then
	pass "dkms.conf carries the version"
else
	fail "dkms.conf carries the version" "version '$ver'" "$(cat "$src/dkms.conf" 2>&1)"
fi
# what dkms does: copy the tree to its build dir and run MAKE[0]
if [ -n "$k" ] && [ -n "$ver" ]; then
	dkms_tree=$tmp/dkms-tree
	mkdir -p "$dkms_tree/hotline/$ver"
	cp -R "$src" "$dkms_tree/hotline/$ver/build"
	out=$(
		kernel_source_dir=/lib/modules/$k/build
		# shellcheck disable=SC1090,SC2034
		. "$src/dkms.conf"
		eval "${MAKE[0]}" 2>&1 &&
		echo "BUILT $dkms_tree/hotline/$ver/build/${BUILT_MODULE_LOCATION[0]}${BUILT_MODULE_NAME[0]}.ko"
	)
	ko=$(sed -n 's/^BUILT //p' <<<"$out")
	if [ -n "$ko" ] && [ "$(modinfo -F version "$ko" 2>/dev/null)" = "$ver" ]; then
		pass "the DKMS tree builds hotline.ko $ver for $k with dkms.conf's MAKE"
	else
		fail "the DKMS tree builds hotline.ko with dkms.conf's MAKE" "no module, or not version $ver" "$out"
	fi
fi

echo "install: $passed passed, $failed failed"
[ "$failed" = 0 ]
