# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Setup 4 of the congestion benchmark: the best an admin can do by hand
# without hotline (sourced, not a scenario). nftables gives the peer's
# UDP traffic DSCP EF and skb->priority 1:10 after routing, and tc builds
# the same HTB as `hotlinectl qdisc DEV rate RATE`: a strict-priority
# class 1:10 that may take the whole rate, the rest in 1:20 under
# fq_codel with 5% guaranteed. HTB sends a packet whose skb->priority
# names one of its classes straight there, so no tc filter is needed.
#
#	manual_load NETNS DEV RATE_KBIT PEER_IPV4
#	manual_unload NETNS DEV

manual_load() {
	local ns=$1 dev=$2 kbit=$3 peer=$4 rest
	rest=$((kbit / 20))
	ip netns exec "$ns" nft -f - <<-EOF || return 1
	table ip hlmanual {
		chain post {
			type filter hook postrouting priority mangle + 1; policy accept;
			ip daddr $peer meta l4proto udp ip dscp set ef meta priority set 1:10 counter
		}
	}
	EOF
	tc -n "$ns" qdisc replace dev "$dev" root handle 1: htb default 20 r2q 10 &&
	tc -n "$ns" class add dev "$dev" parent 1: classid 1:1 htb \
		rate "${kbit}kbit" ceil "${kbit}kbit" &&
	tc -n "$ns" class add dev "$dev" parent 1:1 classid 1:10 htb prio 0 \
		rate "$((kbit - rest))kbit" ceil "${kbit}kbit" &&
	tc -n "$ns" class add dev "$dev" parent 1:1 classid 1:20 htb prio 1 \
		rate "${rest}kbit" ceil "${kbit}kbit" &&
	tc -n "$ns" qdisc add dev "$dev" parent 1:10 handle 10: pfifo limit 1000 &&
	tc -n "$ns" qdisc add dev "$dev" parent 1:20 handle 20: fq_codel
}

manual_unload() {
	ip netns exec "$1" nft delete table ip hlmanual 2>/dev/null
	tc -n "$1" qdisc del dev "$2" root 2>/dev/null
	return 0
}
