# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # addresses are for the scripts
#
# A gateway pair joined by two disjoint paths, for failover: sourced after
# selftests/lib.sh (which removes these namespaces on exit too).
#
#	                   p1 -- r1 (10 ms each way) -- p1
#	hostA -- lan0 gw1                                  gw2 lan0 -- hostB
#	                   p2 -- r2 (25 ms each way) -- p2
#
#	namespace  device  IPv4                      namespace  device  IPv4
#	$NS_GW1    p1      $P1_GW1 10.31.0.1         $NS_R1     west    10.31.0.2 ($P1_R1A)
#	$NS_R1     east    10.32.0.2 ($P1_R1B)       $NS_GW2    p1      $P1_GW2 10.32.0.1
#	$NS_GW1    p2      $P2_GW1 10.41.0.1         $NS_R2     west    10.41.0.2 ($P2_R2A)
#	$NS_R2     east    10.42.0.2 ($P2_R2B)       $NS_GW2    p2      $P2_GW2 10.42.0.1
#
# With paths_topo_create both, IPv6 too: fd00:31::1 (gw1) fd00:31::2 (r1
# west), fd00:32::2 (r1 east), fd00:32::1 (gw2) as $P1_GW1_6 $P1_R1A_6
# $P1_R1B_6 $P1_GW2_6, and fd00:41::/fd00:42:: alike for path 2.
#
# hostA, hostB and the gateways' LAN side are topo_create's.  Each gateway reaches the far gateway's address on a path through
# that path's router (10.32/24 and 10.42/24 from gw1, 10.31/24 and 10.41/24
# from gw2), whatever carries the LANs; the LAN routes are the caller's
# (paths_lan_route).  The routers forward everything between their two
# sides, each way through a netem delay; paths_cut makes a router drop
# everything it would forward, so the cut is beyond the gateways' first
# hop: their own links, neighbours and carrier stay up.

NS_R1=hl-r1-$$
NS_R2=hl-r2-$$
_topo_more_ns="$NS_R1 $NS_R2"
P1_GW1=10.31.0.1 P1_R1A=10.31.0.2 P1_R1B=10.32.0.2 P1_GW2=10.32.0.1
P2_GW1=10.41.0.1 P2_R2A=10.41.0.2 P2_R2B=10.42.0.2 P2_GW2=10.42.0.1
P1_GW1_6=fd00:31::1 P1_R1A_6=fd00:31::2 P1_R1B_6=fd00:32::2 P1_GW2_6=fd00:32::1
P2_GW1_6=fd00:41::1 P2_R2A_6=fd00:41::2 P2_R2B_6=fd00:42::2 P2_GW2_6=fd00:42::1
_paths_v6=0
P1_DELAY_MS=${P1_DELAY_MS:-10}
P2_DELAY_MS=${P2_DELAY_MS:-25}

# _paths_router R DELAY GW1_ADDR R_A R_B GW2_ADDR PATHDEV
_paths_router() {
	local r=$1 delay=$2 g1=$3 ra=$4 rb=$5 g2=$6 dev=$7 d
	ip netns add "$r" &&
	ip -n "$r" link set lo up &&
	ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1 &&
	ip link add name "$dev" netns "$NS_GW1" type veth peer name west netns "$r" &&
	ip link add name east netns "$r" type veth peer name "$dev" netns "$NS_GW2" &&
	ip -n "$NS_GW1" addr add "$g1/24" dev "$dev" &&
	ip -n "$r" addr add "$ra/24" dev west &&
	ip -n "$r" addr add "$rb/24" dev east &&
	ip -n "$NS_GW2" addr add "$g2/24" dev "$dev" || return 1
	ip -n "$NS_GW1" link set "$dev" up &&
	ip -n "$NS_GW2" link set "$dev" up || return 1
	for d in west east; do
		ip -n "$r" link set "$d" up &&
		ip netns exec "$r" tc qdisc add dev "$d" root netem \
			delay "${delay}ms" limit 10000 || return 1
	done
	ip -n "$r" route add "$NET_A4" via "$g1" &&
	ip -n "$r" route add "$NET_B4" via "$g2" &&
	ip -n "$NS_GW1" route add "${g2%.*}.0/24" via "$ra" &&
	ip -n "$NS_GW2" route add "${g1%.*}.0/24" via "$rb" || return 1
	[ "$_paths_v6" = 1 ] || return 0
	# the same path in IPv6: 10.N.0.x is fd00:N::x
	local n1=${g1#10.} n2=${g2#10.}
	n1=${n1%%.*} n2=${n2%%.*}
	ip netns exec "$r" sysctl -qw net.ipv6.conf.all.forwarding=1 \
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 &&
	ip -n "$NS_GW1" addr add "fd00:$n1::1/64" dev "$dev" nodad &&
	ip -n "$r" addr add "fd00:$n1::2/64" dev west nodad &&
	ip -n "$r" addr add "fd00:$n2::2/64" dev east nodad &&
	ip -n "$NS_GW2" addr add "fd00:$n2::1/64" dev "$dev" nodad &&
	ip -n "$r" -6 route add "$NET_A6" via "fd00:$n1::1" &&
	ip -n "$r" -6 route add "$NET_B6" via "fd00:$n2::1" &&
	ip -n "$NS_GW1" -6 route add "fd00:$n2::/64" via "fd00:$n1::2" &&
	ip -n "$NS_GW2" -6 route add "fd00:$n1::/64" via "fd00:$n2::2"
}

_paths_build() {
	local ns
	# The gateway pair's direct link is not part of this topology.
	ip -n "$NS_GW1" link del wan0 || return 1
	for ns in "$NS_GW1" "$NS_GW2"; do
		# Replies may come back over the other path (multipath, a
		# tracker that has switched one side only).
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0 || return 1
	done
	_paths_router "$NS_R1" "$P1_DELAY_MS" "$P1_GW1" "$P1_R1A" "$P1_R1B" "$P1_GW2" p1 &&
	_paths_router "$NS_R2" "$P2_DELAY_MS" "$P2_GW1" "$P2_R2A" "$P2_R2B" "$P2_GW2" p2
}

# paths_topo_create [v4|both]: build it (default IPv4 only); a failure
# ends the script with a FAIL.
paths_topo_create() {
	_paths_v6=0
	[ "${1:-v4}" = both ] && _paths_v6=1
	topo_create "${1:-v4}"
	paths_topo_add
}

# paths_topo_add: turn the IPv4 topology topo_create made into this one
# (its wan0 link goes); a failure ends the script with a FAIL.
paths_topo_add() {
	local out
	require_modules sch_netem nf_tables
	if ! out=$(_paths_build 2>&1); then
		fail "paths_topo_create" "could not build the two-path topology" "$out"
		exit 1
	fi
}

# paths_lan_route 1|2|multi: route each gateway's far LAN over path 1,
# path 2, or both as one multipath route.
paths_lan_route() {
	case $1 in
	1) ip -n "$NS_GW1" route replace "$NET_B4" via "$P1_R1A" &&
	   ip -n "$NS_GW2" route replace "$NET_A4" via "$P1_R1B" &&
	   _paths_lan_route6 "$P1_R1A_6" "$P1_R1B_6" ;;
	2) ip -n "$NS_GW1" route replace "$NET_B4" via "$P2_R2A" &&
	   ip -n "$NS_GW2" route replace "$NET_A4" via "$P2_R2B" &&
	   _paths_lan_route6 "$P2_R2A_6" "$P2_R2B_6" ;;
	multi)
	   ip -n "$NS_GW1" route replace "$NET_B4" nexthop via "$P1_R1A" nexthop via "$P2_R2A" &&
	   ip -n "$NS_GW2" route replace "$NET_A4" nexthop via "$P1_R1B" nexthop via "$P2_R2B" ;;
	*) return 1 ;;
	esac
}

_paths_lan_route6() { # VIA_FROM_GW1 VIA_FROM_GW2
	[ "$_paths_v6" = 1 ] || return 0
	ip -n "$NS_GW1" -6 route replace "$NET_B6" via "$1" &&
	ip -n "$NS_GW2" -6 route replace "$NET_A6" via "$2"
}

# paths_cut R / paths_restore R: router namespace R drops / forwards again
# everything between its sides, both ways.
paths_cut() {
	ip netns exec "$1" nft -f - <<'NFT'
table inet hotline_cut {
	chain forward {
		type filter hook forward priority 0; policy drop;
	}
}
NFT
}

paths_restore() {
	ip netns exec "$1" nft delete table inet hotline_cut
}

# paths_forwarded R: packets router R has sent towards gw2 so far.
paths_forwarded() {
	ip netns exec "$1" cat /sys/class/net/east/statistics/tx_packets
}
