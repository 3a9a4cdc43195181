# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# The hand-made nftables equivalent of a hotline channel set, for the
# forwarding benchmark to compare against (sourced, not a scenario):
# a set of peer addresses, and for packets towards them the fwmark before
# routing, then DSCP EF, skb->priority 7 and the fwmark after it, with a
# counter, at the hook priority hotline uses (mangle + 1).
#
#	nft_marking_load NETNS PEERS_FILE   PEERS_FILE: one IPv4 address a line
#	nft_marking_unload NETNS

nft_marking_load() {
	local ns=$1 peers=$2
	{
		echo 'table ip hlbench {'
		echo '	set peers {'
		echo '		type ipv4_addr'
		printf '		elements = { '
		paste -sd, "$peers"
		echo '		}'
		echo '	}'
		echo '	chain pre {'
		echo '		type filter hook prerouting priority mangle + 1; policy accept;'
		echo '		ip daddr @peers meta mark set 0x10'
		echo '	}'
		echo '	chain post {'
		echo '		type filter hook postrouting priority mangle + 1; policy accept;'
		echo '		ip daddr @peers ip dscp set ef meta priority set 0:7 meta mark set 0x10 counter'
		echo '	}'
		echo '}'
	} | ip netns exec "$ns" nft -f -
}

nft_marking_unload() {
	ip netns exec "$1" nft delete table ip hlbench
}
