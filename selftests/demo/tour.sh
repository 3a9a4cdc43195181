#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The guided tour, run inside the VM by `make demo`. It narrates in plain
# words and then shows the real command and its real output; nothing
# printed here is canned.
. "$(dirname "$0")/../lib.sh"

hl() { "$HOTLINECTL" "$@"; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
explain() { printf '   %s\n' "$@"; }
# show NS CMD...: print the command as typed on that host, then run it.
show() {
	local ns=$1
	shift
	printf '\033[2m[%s]$ %s\033[0m\n' "$ns" "$*"
	case $ns in
	hostA) ns_a "$@" ;;
	gw1) ns_gw1 "$@" ;;
	gw2) ns_gw2 "$@" ;;
	hostB) ns_b "$@" ;;
	*) "$@" ;;
	esac
}
# rtt_summary NS COUNT INTERVAL DEST: "p50 ms / max ms / loss" from ping.
rtt_summary() {
	local out
	out=$(ip netns exec "$1" ping -n -q -c "$2" -i "$3" -W 1 "$4" 2>&1)
	awk -F'[/ ]+' '/packet loss/ { for (i = 1; i <= NF; i++) if ($i ~ /%$/) loss = $i }
		/^rtt|^round-trip/ { avg = $8; max = $9 }
		END { printf "avg %s ms, max %s ms, loss %s\n", avg, max, loss }' <<<"$out"
}

summary=()
note() { summary+=("$1|$2"); }

say "1. Two organisations, two gateways"
explain "hostA sits behind gw1, hostB behind gw2; gw1 and gw2 are joined by one link."
explain "Each box is a network namespace in this VM, running kernel $(uname -r)."
topo_create both
show gw1 ip -br addr show
show gw2 ip -br addr show

say "2. Load hotline.ko"
show host modprobe -a udp_tunnel ip6_udp_tunnel
show host insmod "$HOTLINE_KO"
show host modinfo -F version "$HOTLINE_KO"
explain "The module registers the generic netlink family 'hotline':"
show host genl ctrl get name hotline

say "3. Declare the hotline: hostA <-> hostB, ICMP and UDP port 5001"
explain "On gw1, packets to hostB of the channel get DSCP EF, priority 7 and a mark."
show gw1 "$HOTLINECTL" channel add cert-icmp peer "$B4/32" proto icmp dscp ef mark 0x10
show gw1 "$HOTLINECTL" channel add cert-udp peer "$B4/32" proto udp port 5001 dscp ef
show gw1 "$HOTLINECTL" channel show

say "4. On the wire: what gw2 receives"
ns_gw2 timeout 8 tcpdump -l -n -v -i wan0 -c 6 \
	'(icmp[icmptype] = icmp-echo) or (tcp dst port 5201 and tcp[tcpflags] & tcp-syn != 0)' \
	>/tmp/demo.tcpdump 2>/dev/null &
sleep 1
ns_a ping -c 3 -i 0.2 "$B4" >/dev/null
ns_b timeout 6 iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
sleep 0.5
ns_a timeout 5 iperf3 -c "$B4" -p 5201 -n 2K >/dev/null 2>&1
wait
explain "Each packet gw2 received: its TOS byte and protocol (tcpdump -v):"
grep -oE 'tos 0x[0-9a-f]+|proto [A-Z]+' /tmp/demo.tcpdump | paste -d' ' - - | sed 's/^/   /'
explain "0xb8 is DSCP EF (46) with ECN 0: the ICMP of channel cert-icmp. The TCP"
explain "connection to port 5201 is in no channel and keeps the TOS its sender chose."
show gw1 "$HOTLINECTL" -s channel show

say "5. Give the hotline strict priority on gw1's link"
explain "A 20 Mbit/s HTB on gw1's wan0: the hotline class may use the whole rate first."
show gw1 "$HOTLINECTL" qdisc wan0 rate 20mbit

say "6. Saturate the link and compare"
explain "8 TCP flows from hostA to hostB fill the 20 Mbit/s link. We ping hostB twice:"
explain "once from the hotline (ICMP is in channel cert-icmp), once without hotline."
ns_b iperf3 -s -D -p 5201 >/dev/null 2>&1
sleep 0.5
ns_a iperf3 -c "$B4" -p 5201 -P 8 -t 25 >/dev/null 2>&1 &
sleep 4
hot=$(rtt_summary "$NS_A" 40 0.1 "$B4")
printf '   hotline ping under load:     %s\n' "$hot"
note "hotline ping, saturated link" "$hot"
ns_gw1 "$HOTLINECTL" channel del cert-icmp
cold=$(rtt_summary "$NS_A" 40 0.1 "$B4")
printf '   same ping, channel removed:  %s\n' "$cold"
note "plain ping, saturated link" "$cold"
wait
explain "Packets and bytes per HTB class on gw1 (1:10 is the hotline class):"
ns_gw1 tc -s class show dev wan0 | grep -A1 "^class htb" | grep -v "^--"

say "Summary"
for row in "${summary[@]}"; do
	printf '   %-32s %s\n' "${row%%|*}" "${row#*|}"
done
