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

# ---- object accounting: what run_all.sh's leak check reads ----
# Every long-lived object is counted while it exists; a keyed and an
# unkeyed health session on the default port share one socket. Deleting
# a channel, and then the namespace with the other still in it, must
# bring every count back to zero, pending RCU frees included.
OBJECTS=/sys/kernel/debug/hotline/objects
obj() { awk -v n="$1" '$1 == n { print $2 }' "$OBJECTS"; }
nonzero() { awk '$2 != 0 { printf "%s%s %s", sep, $1, $2; sep = ", " }' "$OBJECTS"; }
# shellcheck disable=SC2317 # called through wait_for
objects_zero() { [ -r "$OBJECTS" ] && [ -z "$(nonzero)" ]; }
# the counts that do not depend on RCU timing
counts() {
	local n
	for n in channels channel_stats channel_cfgs peer_groups health_sessions \
		 session_timers hmac_tfms stamp_ports stamp_sockets; do
		printf '%s=%s ' "$n" "$(obj "$n")"
	done
}

NS=hl-obj-$$
KEY=$(mktemp /tmp/hl-obj.XXXXXX)
if [ ! -r "$OBJECTS" ]; then
	fail "objects file" "no $OBJECTS"
else
	check_eq "objects: one 'name value' per line" "" \
		"$(grep -Ev '^[a-z_]+ -?[0-9]+$' "$OBJECTS")"
	check_eq "objects: all zero after load" "" "$(nonzero)"
	ip netns add "$NS"
	"$HOTLINECTL" genkey >"$KEY"
	check "objects: add a keyed channel" "$HOTLINECTL" -N "$NS" channel add o1 \
		peer 192.0.2.0/24 probe 192.0.2.1 key-file "$KEY"
	check "objects: add an unkeyed channel" "$HOTLINECTL" -N "$NS" channel add o2 \
		peer 198.51.100.1/32 probe 198.51.100.1 unauthenticated
	check "objects: change a channel" "$HOTLINECTL" -N "$NS" channel set o2 dscp 10
	check_eq "objects: counted while they exist" \
		"channels=2 channel_stats=2 channel_cfgs=2 peer_groups=2 health_sessions=2 session_timers=4 hmac_tfms=1 stamp_ports=1 stamp_sockets=1 " \
		"$(counts)"
	check "objects: delete the keyed channel" "$HOTLINECTL" -N "$NS" channel del o1
	check_eq "objects: its share is gone" \
		"channels=1 channel_stats=1 channel_cfgs=1 peer_groups=1 health_sessions=1 session_timers=2 hmac_tfms=0 stamp_ports=1 stamp_sockets=1 " \
		"$(counts)"
	ip netns del "$NS"
	if wait_for 30 objects_zero; then
		pass "objects: all zero once the namespace is gone"
	else
		fail "objects: all zero once the namespace is gone" "left: $(nonzero)"
	fi
fi
rm -f "$KEY"

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
