#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Channels belong to a network namespace: one made in X is invisible in Y
# and in the initial namespace, and names are per namespace. Deleting a
# namespace that holds channels (some with health probes) while traffic
# floods through it is clean: no kernel warning (the VM runner fails the
# run on any splat), the namespace really goes away, and hotline.ko still
# unloads afterwards.
. "$(dirname "$0")/lib.sh"

X=hl-x-$$
Y=hl-y-$$
hl() { "$HOTLINECTL" "$@"; }

# names NS: the channel names in NS (or the initial namespace when NS is
# empty), sorted, on one line.
names() {
	local out
	if [ -n "$1" ]; then
		out=$(hl -j -N "$1" channel show) || return 1
	else
		out=$(hl -j channel show) || return 1
	fi
	jq -r '.[].name' <<<"$out" | sort | xargs
}

hl_load
ip netns add "$X"
ip netns add "$Y"

check "add channel in X" hl -N "$X" channel add only-x peer 192.0.2.1/32
check "add channel in X (v6)" hl -N "$X" channel add shared peer 2001:db8::1/128
check_eq "X sees its channels" "only-x shared" "$(names "$X")"
check_eq "Y sees none of X's channels" "" "$(names "$Y")"
check_eq "init netns sees none of X's channels" "" "$(names "")"
# hook_sets: how many namespaces have hotline's netfilter hooks in place
# (debugfs; only one that holds a channel should: a namespace without
# channels pays nothing for the module). X has them, Y not yet.
hook_sets() { awk '$1 == "nf_hook_sets" { print $2 }' /sys/kernel/debug/hotline/objects; }
sets0=$(($(hook_sets) - 1))
check_eq "X has the hooks, Y without channels not" 1 "$(($(hook_sets) - sets0))"
check "the same name is free in Y" hl -N "$Y" channel add shared peer 198.51.100.0/24
check_eq "Y's first channel brings its hooks" 2 "$(($(hook_sets) - sets0))"
check_eq "Y's channel is its own" "198.51.100.0/24" \
	"$(hl -j -N "$Y" channel show shared | jq -r '.[0].peer')"
check_eq "X's channel of that name is unchanged" "2001:db8::1/128" \
	"$(hl -j -N "$X" channel show shared | jq -r '.[0].peer')"
check_fails "del of X's channel from Y fails" hl -N "$Y" channel del only-x
check_eq "X still has its channels" "only-x shared" "$(names "$X")"
check "del in Y leaves X alone" hl -N "$Y" channel del shared
check_eq "X still has its channels after Y's del" "only-x shared" "$(names "$X")"
check_eq "Y's last channel gone, its hooks are gone; X keeps its" 1 "$(($(hook_sets) - sets0))"
# the same through apply: a file with one channel, then an empty one
printf '[Channel a]\nPeer = 198.51.100.7/32\n' >"/tmp/hl-netns-$$.conf"
check "apply a channel into Y" hl -N "$Y" apply "/tmp/hl-netns-$$.conf"
check_eq "apply's first channel brings Y's hooks" 2 "$(($(hook_sets) - sets0))"
: >"/tmp/hl-netns-$$.conf"
check "apply an empty file into Y" hl -N "$Y" apply "/tmp/hl-netns-$$.conf"
check_eq "apply that removed the last channel took the hooks" 1 "$(($(hook_sets) - sets0))"
# a first channel the kernel refuses after taking the hooks (its health
# port is held by another socket): the hooks go with it. The holder is
# waited for up to 60 s: a Python start on the debug kernel beside the
# lane's other guest took longer than the 10 s once given, and the
# channel then took the free port
ip netns exec "$Y" python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 40999))
time.sleep(600)' &
holder=$!
# /proc/net/udp, not ss: the debug kernel's udp_diag is a module that
# nothing loads there (its modules are not under /lib/modules)
if wait_for 60 sh -c "ip netns exec $Y cat /proc/net/udp | grep -q '^ *[0-9]*: [0-9A-F]*:A027 '"; then
	check_fails "a first channel whose health port is taken is refused" \
		hl -N "$Y" channel add bad peer 198.51.100.9/32 probe 198.51.100.9 \
		local-port 40999 unauthenticated
	check_eq "and leaves Y without hooks" 1 "$(($(hook_sets) - sets0))"
	check_eq "and without channels" "" "$(names "$Y")"
else
	fail "a socket holds port 40999 in Y" "python3 had not bound it after 60 s"
fi
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
rm -f "/tmp/hl-netns-$$.conf"
ip netns del "$Y"
check_eq "X unaffected by Y's deletion" "only-x shared" "$(names "$X")"

# gone NS: the namespace's veth peers have disappeared from their other
# ends, i.e. the kernel has finished tearing it down.
veth_gone() { ! ip -n "$1" link show "$2" >/dev/null 2>&1; }

# Deleting a forwarding gateway with channels while floods run through.
for round in 1 2; do
	topo_create both
	hl -N "$NS_GW1" channel add "b4-$round" peer "$B4/32" >/dev/null &&
	hl -N "$NS_GW1" channel add "b6-$round" peer "$NET_B6" proto icmp >/dev/null &&
	hl -N "$NS_GW1" channel add "probe-$round" peer "$GW2_WAN4/32" \
		probe "$GW2_WAN4" interval 20 unauthenticated >/dev/null &&
	hl -N "$NS_GW2" channel add "probe-$round" peer "$GW1_WAN4/32" \
		probe "$GW1_WAN4" interval 20 unauthenticated >/dev/null &&
	hl -N "$NS_GW2" channel add "a4-$round" peer "$NET_A4" mark 0x10 >/dev/null
	rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "round $round: channels in both gateways" "channel add failed"
	fi
	ip netns exec "$NS_A" ping -f -w 20 "$B4" >/dev/null 2>&1 &
	p4=$!
	ip netns exec "$NS_A" ping -6 -f -w 20 "$B6" >/dev/null 2>&1 &
	p6=$!
	sleep 2
	if ! kill -0 "$p4" 2>/dev/null; then
		fail "round $round: flood running" "ping -f ended before the deletion"
	fi
	# gw2 goes first in round 2, so both orders are covered.
	if [ "$round" = 1 ]; then
		first=$NS_GW1 other=$NS_GW2 peer_ns=$NS_A peer_dev=eth0
	else
		first=$NS_GW2 other=$NS_GW1 peer_ns=$NS_B peer_dev=eth0
	fi
	if ip netns del "$first"; then
		pass "round $round: ip netns del of a gateway with channels under traffic"
	else
		fail "round $round: ip netns del of a gateway with channels under traffic" "ip netns del failed"
	fi
	if wait_for 60 veth_gone "$peer_ns" "$peer_dev"; then
		pass "round $round: the namespace was torn down"
	else
		fail "round $round: the namespace was torn down" "its veth is still there after 60 s"
	fi
	check "round $round: the surviving gateway's channels still answer" \
		hl -N "$other" channel show "probe-$round"
	kill "$p4" "$p6" 2>/dev/null
	wait "$p4" "$p6" 2>/dev/null
	topo_destroy
done

ip netns del "$X"
if hl_unload; then
	pass "module unloads after namespaces with channels were deleted"
else
	fail "module unloads after namespaces with channels were deleted" "rmmod failed"
fi
exit 0
