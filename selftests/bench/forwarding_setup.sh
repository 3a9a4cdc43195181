# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # SETUPS, LABEL: for the scenarios
#
# What the forwarding scenarios share (sourced, not a scenario): the
# topology, the channel files, hostB's sink, pktgen on hostA and loading
# channels into gw1. After fwd_setup:
#   $FWD/all      100,000 host channels "NAME PREFIX" (or COUNT), the hot peer
#                 (hostB) first
#   $FWD/first1k  the first 1,000 of them, $FWD/rest the others
#   $FWD/one      the hot one alone, $FWD/more the first 1,000 but it
#   $FWD/nft_peers the first 1,000 as bare addresses (nft_marking.sh)
#   $FWD/prefixes 1,000 prefix channels, 125 at each of 8 lengths (/16 to
#                 /30), the hot one hostB's /16: the shortest, so every
#                 lookup walks all eight lengths before it finds it

# The setups both scenarios compare, in the order they run.
SETUPS="nomod nft hl1 hl1k hl100k hlpfx"
declare -A LABEL=(
	[nomod]="no module"
	[nft]="nftables, 1,000-peer set"
	[hl1]="hotline, 1 channel"
	[hl1k]="hotline, 1,000 channels"
	[hl100k]="hotline, 100,000 channels"
	[hlpfx]="hotline, 1,000 prefixes, 8 lengths"
)

# fwd_setup DIR [COUNT]: build all of it in DIR, with COUNT (100,000)
# channels in $FWD/all.
fwd_setup() {
	local i count=${2:-100000}
	FWD=$1
	topo_create v4
	{
		echo "hot $B4/32"
		for ((i = 1; i < count; i++)); do
			echo "c$i 172.$((16 + (i >> 16))).$(((i >> 8) & 255)).$((i & 255))/32"
		done
	} >"$FWD/all"
	head -n 1000 "$FWD/all" >"$FWD/first1k"
	tail -n +1001 "$FWD/all" >"$FWD/rest"
	head -n 1 "$FWD/all" >"$FWD/one"
	tail -n +2 "$FWD/first1k" >"$FWD/more"
	cut -d' ' -f2 "$FWD/first1k" | sed 's|/32||' >"$FWD/nft_peers"
	# the others in 40.0.0.0/5, one /8 a length, far from every test net
	{
		echo "phot ${B4%.*.*}.0.0/16"
		awk 'BEGIN {
			for (k = 0; k < 8; k++) {
				len = 16 + 2 * k
				for (j = (k == 0); j < 125; j++) {
					a = (40 + k) * 16777216 + j * 2 ^ (32 - len)
					printf "p%d_%d %d.%d.%d.%d/%d\n", len, j, int(a / 16777216),
						int(a / 65536) % 256, int(a / 256) % 256, a % 256, len
				}
			}
		}'
	} >"$FWD/prefixes"

	# hostB drops the packets right away (no socket, no ICMP errors), so
	# what is measured is gw1's and gw2's forwarding.
	ns_b nft -f - <<'NFT' || return 1
table ip sink {
	chain in {
		type filter hook input priority 0; policy accept;
		udp dport 9 drop
	}
}
NFT
	# Neighbours resolved once, so no run pays for ARP, and pinned: an
	# entry left to age goes stale within a minute, and a stale one sends
	# each packet through neigh_resolve_output (about 200 instructions
	# more in the counted runs) until confirmed again, so runs counted
	# later would pay for it and earlier ones not.
	ns_a ping -c1 -W5 "$B4" >/dev/null
	pin_neighbours "$NS_A" "$NS_GW1" "$NS_GW2" "$NS_B"
}

fwd_rx_packets() { ns_b cat /sys/class/net/eth0/statistics/rx_packets; }

_fwd_pg() { ip netns exec "$NS_A" sh -c "echo '$2' >/proc/net/pktgen/$1"; }

# fwd_pktgen_setup PKT COUNT DELAY_NS: hostA's pktgen sends COUNT (0:
# until stopped) PKT-byte UDP packets to hostB, DELAY_NS apart.
fwd_pktgen_setup() {
	local mac c
	mac=$(ns_gw1 cat /sys/class/net/lan0/address)
	_fwd_pg kpktgend_0 rem_device_all
	_fwd_pg kpktgend_0 "add_device eth0"
	# veth cannot transmit one skb twice: clone_skb 0.
	for c in "count $2" "clone_skb 0" "pkt_size $1" "delay $3" \
		"dst $B4" "dst_mac $mac" "src_min $A4" "src_max $A4" \
		"udp_src_min 9" "udp_src_max 9" "udp_dst_min 9" "udp_dst_max 9"; do
		_fwd_pg eth0 "$c"
	done
}

# fwd_load FILE: add FILE's channels to gw1 in one pyhotline process.
fwd_load() {
	local t0=$SECONDS
	ip netns exec "$NS_GW1" /usr/bin/python3 "$HOTLINE_ROOT/selftests/channel_api.py" \
		add "$1" proto=any mark=0x10 >&2 || echo "bench: channel load failed" >&2
	echo "bench:   loaded $(wc -l <"$1") channels in $((SECONDS - t0)) s" >&2
}

# fwd_icount_run N OVERHEAD: one instruction-counted run of the N packets
# fwd_pktgen_setup armed (under selftests/vm/run --icount, called from a
# process on CPU 1): prints vCPU 0's kernel instructions per packet, less
# OVERHEAD for the counter read; fails, saying so, when hostB did not
# receive all N.
fwd_icount_run() {
	local a b ra rb
	ra=$(fwd_rx_packets)
	a=$(icount_read 0) || return 1
	ip netns exec "$NS_A" sh -c 'echo start >/proc/net/pktgen/pgctrl'
	b=$(icount_read 0) || return 1
	sleep 0.2
	rb=$(fwd_rx_packets)
	if [ $((rb - ra)) -lt "$1" ]; then
		echo "hostB received $((rb - ra)) of $1 packets" >&2
		return 1
	fi
	awk -v a="${a#* }" -v b="${b#* }" -v o="$2" -v n="$1" \
		'BEGIN { printf "%.0f\n", (b - a - o) / n }'
}
