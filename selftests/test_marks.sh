#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The fwmark a channel sets, proved by what it does to routing: on gw2, a
# channel for hostA's prefix with `mark 0x10` plus `ip rule fwmark 0x10
# lookup 100`, where table 100 prohibits hostB, must stop hostA's packets
# at gw2 (ICMP "packet filtered" back to hostA) while they flow without
# the channel. The mask writes only its bits: a mark set before hotline's
# hook keeps the bits outside the mask, and only the exact combined value
# matches the rule. nftables counters at gw2 give the exact count of
# marked packets on ingress (forward hook) and egress (postrouting).
. "$(dirname "$0")/lib.sh"

command -v nft >/dev/null || { fail "tools" "nft not installed (make deps)"; exit 1; }
hl() { "$HOTLINECTL" -N "$NS_GW2" "$@"; }

hl_load
topo_create both

# ping_ok FAM DST: one echo from hostA gets its reply.
ping_ok() { ns_a ping "-$1" -c1 -W3 "$2" >/dev/null 2>&1; }

# ping_filtered FAM DST: one echo from hostA is refused by gw2's policy
# route (prohibit: ICMP administratively prohibited, "Packet filtered").
ping_filtered() {
	local out
	out=$(ns_a ping "-$1" -c1 -W3 "$2" 2>&1)
	grep -Eqi 'filtered|prohibited' <<<"$out"
}

# expect NAME CMD...: PASS when CMD succeeds, with ping's view on failure.
expect() {
	local name=$1
	shift
	if "$@"; then
		pass "$name"
	else
		fail "$name" "$* did not hold" "$(ns_a ping "-$2" -c1 -W3 "$3" 2>&1 | tail -3)"
	fi
}

expect "v4 reachable before any channel" ping_ok 4 "$B4"
expect "v6 reachable before any channel" ping_ok 6 "$B6"

# Exact counts of marked packets at gw2: forward sees hostA's packets
# after PRE_ROUTING (ingress from the peer), postrouting at priority 300
# sees the replies to hostA after hotline's egress hook.
ns_gw2 nft -f - <<EOF || fail "setup" "nft ruleset refused"
table inet hlmarks {
	chain count_forward {
		type filter hook forward priority 0;
		ip saddr $A4 meta mark 0x10 counter
		ip6 saddr $A6 meta mark 0x10 counter
	}
	chain count_postrouting {
		type filter hook postrouting priority 300;
		ip daddr $A4 icmp type echo-reply meta mark 0x10 counter
		ip6 daddr $A6 icmpv6 type echo-reply meta mark 0x10 counter
	}
}
EOF
# nft_counts: the four counters in ruleset order.
nft_counts() {
	ns_gw2 nft list table inet hlmarks |
		awk '/counter packets/ { for (i = 1; i <= NF; i++)
			if ($i == "packets") printf "%s ", $(i + 1) } END { print "" }'
}

check "add channel with mark 0x10 (v4)" hl channel add m4 peer "$NET_A4" mark 0x10
check "add channel with mark 0x10 (v6)" hl channel add m6 peer "$NET_A6" mark 0x10
PINGS=4
ns_a ping -c "$PINGS" -i 0.2 -W3 "$B4" >/dev/null
ns_a ping -6 -c "$PINGS" -i 0.2 -W3 "$B6" >/dev/null
check_eq "marked: ingress v4, ingress v6, egress v4, egress v6 (nft counters)" \
	"$PINGS $PINGS $PINGS $PINGS" "$(nft_counts | xargs)"
ns_gw2 nft delete table inet hlmarks

# Policy routing on the mark
ns_gw2 ip rule add fwmark 0x10 lookup 100 priority 100
ns_gw2 ip route add prohibit "$B4/32" table 100
ns_gw2 ip -6 rule add fwmark 0x10 lookup 100 priority 100
ns_gw2 ip -6 route add prohibit "$B6/128" table 100
expect "v4: ingress mark 0x10 sends hostA's packets to table 100" ping_filtered 4 "$B4"
expect "v6: ingress mark 0x10 sends hostA's packets to table 100" ping_filtered 6 "$B6"

check "del channel (v4)" hl channel del m4
check "del channel (v6)" hl channel del m6
expect "v4: without the channel the packets are not marked" ping_ok 4 "$B4"
expect "v6: without the channel the packets are not marked" ping_ok 6 "$B6"
ns_gw2 ip rule del fwmark 0x10 lookup 100 priority 100
ns_gw2 ip -6 rule del fwmark 0x10 lookup 100 priority 100

# Mask: a mark 0x103 set first (at raw priority, before hotline) and the
# channel's 0x10/0xf0 must give 0x113. Only that exact value is routed to
# the prohibit table, so 0x10 (mask ignored) or 0x103 (no mark) pass.
ns_gw2 nft -f - <<EOF || fail "setup" "nft ruleset refused"
table inet hlpremark {
	chain premark {
		type filter hook prerouting priority -300;
		ip saddr $A4 meta mark set 0x103
		ip6 saddr $A6 meta mark set 0x103
	}
}
EOF
ns_gw2 ip rule add fwmark 0x113 lookup 100 priority 100
ns_gw2 ip -6 rule add fwmark 0x113 lookup 100 priority 100
expect "v4: premark 0x103 alone is not routed to table 100" ping_ok 4 "$B4"
expect "v6: premark 0x103 alone is not routed to table 100" ping_ok 6 "$B6"
check "add channel with mark 0x10/0xf0 (v4)" hl channel add mm4 peer "$NET_A4" mark 0x10/0xf0
check "add channel with mark 0x10/0xf0 (v6)" hl channel add mm6 peer "$NET_A6" mark 0x10/0xf0
expect "v4: mask keeps the other bits (0x103 -> 0x113)" ping_filtered 4 "$B4"
expect "v6: mask keeps the other bits (0x103 -> 0x113)" ping_filtered 6 "$B6"

# Without a mask the whole mark is replaced: 0x10 matches no rule.
check "set mark 0x10 without mask (v4)" hl channel set mm4 mark 0x10/0xffffffff
expect "v4: full mask replaces the mark (0x10, not routed)" ping_ok 4 "$B4"
exit 0
