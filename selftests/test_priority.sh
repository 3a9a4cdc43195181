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

B4X=10.2.0.3	# hostB's second address: not a channel peer
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
	# even a slow emulated VM overruns). Its queue grows to seconds, so
	# pings to hostB's second address (not a channel peer) are late or
	# lost, while pings to hostB itself (an icmp channel) and the udp
	# channel's datagrams go first: no loss, little delay.
	if ! hl qdisc wan0 rate 1mbit >/dev/null; then
		fail "htb congestion: qdisc wan0 rate 1mbit replaces the qdisc" "hotlinectl failed"
	elif command -v iperf3 >/dev/null; then
		tmp=$(mktemp -d /tmp/test_priority.XXXXXX)
		hl channel add prio-icmp peer "$B4/32" proto icmp >/dev/null ||
			fail "htb congestion: add icmp channel" "hotlinectl failed"
		ns_b ip addr add "$B4X/$PLEN4" dev eth0
		ns_a ping -c1 -W5 "$B4X" >/dev/null
		ip netns exec "$NS_B" iperf3 -s -p 5201 -1 >"$tmp/s1.log" 2>&1 &
		ip netns exec "$NS_B" iperf3 -s -p 5001 -1 >"$tmp/s2.log" 2>&1 &
		wait_for 20 sh -c "ip netns exec $NS_B ss -ltn | grep -q ':5001 ' &&
			ip netns exec $NS_B ss -ltn | grep -q ':5201 '"
		ip netns exec "$NS_A" iperf3 -c "$B4" -p 5201 -u -b 8M -l 1200 -t 10 -J \
			>"$tmp/bulk.json" 2>&1 &
		bulk=$!
		sleep 3
		ip netns exec "$NS_A" ping -c 10 -i 0.3 -W 3 "$B4X" >"$tmp/ping-other.log" 2>&1 &
		pother=$!
		ip netns exec "$NS_A" ping -c 10 -i 0.3 -W 3 "$B4" >"$tmp/ping-hot.log" 2>&1 &
		phot=$!
		ns_a iperf3 -c "$B4" -p 5001 -u -b 128K -l 1200 -t 4 -J >"$tmp/hot.json" 2>&1
		wait "$pother" "$phot" "$bulk"
		# rtt LOG: "RECEIVED AVG-MS" of a ping run (AVG 0 when none came back).
		rtt() {
			local rcvd avg
			rcvd=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$1")
			avg=$(sed -n 's|^rtt [^=]*= [0-9.]*/\([0-9.]*\)/.*|\1|p' "$1")
			echo "${rcvd:-0} ${avg:-0}"
		}
		read -r other_n other_ms <<<"$(rtt "$tmp/ping-other.log")"
		read -r hot_n hot_ms <<<"$(rtt "$tmp/ping-hot.log")"
		hot_loss=$(jq -r '.end.sum.lost_percent // empty' "$tmp/hot.json" 2>/dev/null)
		if [ "$other_n" -le 5 ] || awk -v m="$other_ms" 'BEGIN { exit !(m > 300) }'; then
			pass "htb congestion: link congested (other pings: $other_n/10 back, avg ${other_ms} ms)"
		else
			fail "htb congestion: link congested" \
				"other pings came back ($other_n/10, avg ${other_ms} ms): no queue formed"
		fi
		if [ "$hot_n" -eq 10 ] && awk -v m="$hot_ms" 'BEGIN { exit !(m < 100) }'; then
			pass "htb congestion: channel pings all back, avg ${hot_ms} ms (< 100)"
		else
			fail "htb congestion: channel pings all back fast" \
				"$hot_n/10 back, avg ${hot_ms} ms" "$(tail -3 "$tmp/ping-hot.log")"
		fi
		if [ -z "$hot_loss" ]; then
			fail "htb congestion: udp channel measured" "iperf3 gave no result" \
				"$(tail -5 "$tmp/hot.json")"
		elif awk -v h="$hot_loss" 'BEGIN { exit !(h < 1) }'; then
			pass "htb congestion: udp channel lost $hot_loss% (< 1%)"
		else
			fail "htb congestion: udp channel keeps its packets" "lost $hot_loss%"
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
