#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# hotline.ko itself: its metadata, and that loading registers the generic
# netlink family "hotline" and unloading removes it again, repeatedly.
# shellcheck source=selftests/lib.sh
. "$(dirname "$0")/lib.sh"

if [ ! -r "$HOTLINE_KO" ]; then
	fail "built" "no $HOTLINE_KO for $(uname -r) (run 'make kmod')"
	exit 1
fi

check_eq "modinfo license" "GPL" "$(modinfo -F license "$HOTLINE_KO")"
desc=$(modinfo -F description "$HOTLINE_KO")
if [ -n "$desc" ]; then
	pass "modinfo description"
else
	fail "modinfo description" "hotline.ko has no MODULE_DESCRIPTION"
fi
check_eq "modinfo version is the tree's git describe" \
	"$HOTLINE_VERSION" "$(modinfo -F version "$HOTLINE_KO")"
check_eq "modinfo vermagic matches the running kernel" \
	"$(uname -r)" "$(modinfo -F vermagic "$HOTLINE_KO" | cut -d' ' -f1)"

family_present() { genl ctrl get name hotline >/dev/null 2>&1; }

if family_present; then
	fail "family absent before insmod" "genl family hotline exists before loading"
else
	pass "family absent before insmod"
fi

# shellcheck disable=SC2119 # no module parameters
hl_load
pass "loads"
check "genl family registered" genl ctrl get name hotline
check_eq "/sys/module/hotline/version" "$HOTLINE_VERSION" \
	"$(cat /sys/module/hotline/version 2>/dev/null)"

if hl_unload; then
	pass "unloads"
else
	fail "unloads" "rmmod hotline failed"
fi
if family_present; then
	fail "genl family gone after rmmod" "genl ctrl still lists hotline"
else
	pass "genl family gone after rmmod"
fi

# Registration and teardown must be repeatable: a leak or a missed
# unregister shows up as a failing second insmod (-EEXIST) or a WARN.
ok=1
for i in 1 2 3; do
	if ! out=$(modprobe -a udp_tunnel ip6_udp_tunnel 2>&1 &&
		   insmod "$HOTLINE_KO" 2>&1); then
		fail "load/unload cycle" "insmod #$i failed" "$out"
		ok=0
		break
	fi
	if ! family_present; then
		fail "load/unload cycle" "family missing after insmod #$i"
		ok=0
		break
	fi
	if ! out=$(rmmod hotline 2>&1); then
		fail "load/unload cycle" "rmmod #$i failed" "$out"
		ok=0
		break
	fi
done
[ "$ok" = 1 ] && pass "load/unload cycle x3"
exit 0
