#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Strict priority on gw1's WAN side: with the qdisc `hotlinectl qdisc`
# installs, packets of a channel are queued in the top band (prio: band 0,
# class 1:1; HTB: class 1:10) and everything else below, as the qdisc's
# own per-class counters show. Under HTB with a rate, a flood of other
# traffic saturating the link does not make the channel lose packets.
# `qdisc DEV del` gives the device its default qdisc back.
. "$(dirname "$0")/lib.sh"

require_modules sch_prio sch_htb
hl() { "$HOTLINECTL" -N "$NS_GW1" "$@"; }

N=40	# channel datagrams per round
M=40	# other datagrams per round

hl_load
topo_create v4

# send_udp COUNT PORT: COUNT datagrams from hostA to hostB:PORT, TOS 0.
send_udp() {
	ns_a bash -c 'for ((i = 0; i < $1; i++)); do
		echo hotline >"/dev/udp/$2/$3" || exit 1; done' _ "$1" "$B4" "$2"
}

# class_pkts: "CLASSID PACKETS" per class of gw1's wan0.
class_pkts() {
	ns_gw1 tc -s class show dev wan0 |
		awk '$1 == "class" { c = $3 } $1 == "Sent" && c { print c, $4; c = "" }'
}

# delta BEFORE AFTER CLASSID: packets CLASSID sent between two snapshots.
delta() {
	local b a
	b=$(awk -v c="$3" '$1 == c { print $2 }' <<<"$1")
	a=$(awk -v c="$3" '$1 == c { print $2 }' <<<"$2")
	echo $(( ${a:-0} - ${b:-0} ))
}

# sum_delta BEFORE AFTER CLASSID...: packets those classes sent.
sum_delta() {
	local b=$1 a=$2 total=0 c
	shift 2
	for c in "$@"; do
		total=$((total + $(delta "$b" "$a" "$c")))
	done
	echo "$total"
}

# in_range NAME LO HI VALUE
in_range() {
	if [ "$4" -ge "$2" ] && [ "$4" -le "$3" ]; then
		pass "$1"
	else
		fail "$1" "expected $2..$3, got $4"
	fi
}

# A stray packet of gw1's own (ARP refresh, IPv6 link-local chatter)
# may land in the top band too; nothing else may.
SLACK=2

# one_round QDISC-NAME TOPCLASS OTHERCLASS...: send both kinds and read
# the counters of the leaf classes.
one_round() {
	local name=$1 topc=$2 before after top rest
	shift 2
	before=$(class_pkts)
	send_udp "$N" 5001 || fail "$name: send" "sending channel traffic failed"
	send_udp "$M" 5009 || fail "$name: send" "sending other traffic failed"
	after=$(class_pkts)
	top=$(delta "$before" "$after" "$topc")
	rest=$(sum_delta "$before" "$after" "$@")
	in_range "$name: channel packets queued in $topc" "$N" "$((N + SLACK))" "$top"
	in_range "$name: other packets queued in $*" "$M" "$((M + SLACK))" "$rest"
}

check "add channel" hl channel add prio-udp peer "$B4/32" proto udp port 5001
default_qdisc=$(ns_gw1 tc qdisc show dev wan0)
ns_a ping -c1 -W5 "$B4" >/dev/null || fail "setup" "hostA cannot reach hostB"

# prio
if check "qdisc wan0 (prio) installed" hl qdisc wan0; then
	if ns_gw1 tc qdisc show dev wan0 | grep -q '^qdisc prio 1: root'; then
		pass "prio: root qdisc is prio 1:"
	else
		fail "prio: root qdisc is prio 1:" "tc shows something else" \
			"$(ns_gw1 tc qdisc show dev wan0)"
	fi
	one_round prio 1:1 1:2 1:3
fi

# HTB with a rate
if check "qdisc wan0 rate 10mbit (HTB) installed" hl qdisc wan0 rate 10mbit; then
	if ns_gw1 tc qdisc show dev wan0 | grep -q '^qdisc htb 1: root'; then
		pass "htb: root qdisc is htb 1:"
	else
		fail "htb: root qdisc is htb 1:" "tc shows something else" \
			"$(ns_gw1 tc qdisc show dev wan0)"
	fi
	one_round htb 1:10 1:20

	# Congestion: 8 Mbit/s of other traffic into a 1 Mbit/s link (a rate
	# even a slow emulated VM overruns). A second 800 kbit/s flow then
	# competes with it, first on a port no channel covers and then on the
	# channel's port: fq_codel shares the link fairly between the first
	# two, so that one loses heavily, while the channel's goes first and
	# keeps its packets.
	if ! hl qdisc wan0 rate 1mbit >/dev/null; then
		fail "htb congestion: qdisc wan0 rate 1mbit replaces the qdisc" "hotlinectl failed"
	elif command -v iperf3 >/dev/null; then
		tmp=$(mktemp -d /tmp/test_priority.XXXXXX)
		for port in 5201 5001 5009; do
			ip netns exec "$NS_B" iperf3 -s -p "$port" -1 >"$tmp/s$port.log" 2>&1 &
		done
		wait_for 20 sh -c "ip netns exec $NS_B ss -ltn | grep -q ':5001 ' &&
			ip netns exec $NS_B ss -ltn | grep -q ':5009 ' &&
			ip netns exec $NS_B ss -ltn | grep -q ':5201 '"
		ip netns exec "$NS_A" iperf3 -c "$B4" -p 5201 -u -b 8M -l 1200 -t 16 -J \
			>"$tmp/bulk.json" 2>&1 &
		bulk=$!
		sleep 3
		ns_a iperf3 -c "$B4" -p 5009 -u -b 800K -l 1200 -t 4 -J >"$tmp/other.json" 2>&1
		ns_a iperf3 -c "$B4" -p 5001 -u -b 800K -l 1200 -t 4 -J >"$tmp/hot.json" 2>&1
		wait "$bulk"
		loss() { jq -r '.end.sum.lost_percent // empty' "$1" 2>/dev/null; }
		other_loss=$(loss "$tmp/other.json")
		hot_loss=$(loss "$tmp/hot.json")
		if [ -z "$other_loss" ] || [ -z "$hot_loss" ]; then
			fail "htb congestion: measured" "iperf3 gave no result" \
				"$(tail -n 5 "$tmp/other.json" "$tmp/hot.json")"
		else
			if awk -v l="$other_loss" 'BEGIN { exit !(l > 20) }'; then
				pass "htb congestion: link congested (an 800 kbit/s flow outside channels lost $other_loss%)"
			else
				fail "htb congestion: link congested" \
					"an 800 kbit/s flow outside channels lost only $other_loss%" \
					"$(jq -r '.error // "flood: \(.end.sum.packets) packets at \(.end.sum.bits_per_second) bit/s"' \
						"$tmp/bulk.json" 2>&1)"
			fi
			if awk -v l="$hot_loss" 'BEGIN { exit !(l < 2) }'; then
				pass "htb congestion: the same flow in a channel lost $hot_loss% (< 2%)"
			else
				fail "htb congestion: the same flow in a channel keeps its packets" \
					"lost $hot_loss% (outside a channel: $other_loss%)" \
					"$(ns_gw1 tc -s class show dev wan0)"
			fi
		fi
		rm -rf "$tmp"
	else
		skip "htb congestion" "iperf3 not installed"
	fi
fi

# Back to the default
if check "qdisc wan0 del" hl qdisc wan0 del; then
	check_eq "qdisc del restores the default qdisc" "$default_qdisc" \
		"$(ns_gw1 tc qdisc show dev wan0)"
fi
exit 0
