#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The guided tour, run inside the VM by `make demo`. It narrates in plain
# words and then shows the real command and its real output; nothing
# printed here is canned. The story: two gateways come up, the hotline
# between them is applied from a file with keyed health probing, it keeps
# its latency on a saturated link, its health engine sees the link cut and
# come back, the XDP guard keeps it alive through a flood, and with two
# paths between the gateways it moves off the one that fails.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_paths.sh"

DEMO=$HOTLINE_ROOT/selftests/demo
KEY=/tmp/hotline-demo.key
FLOOD_SRC=10.12.0.66	# an address on gw1's WAN side that is no hotline peer

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
# ping_summary OUTPUT: "avg A ms, max M ms, loss L" from ping -q's output.
ping_summary() {
	awk -F'[/ ]+' '/packet loss/ { for (i = 1; i <= NF; i++) if ($i ~ /%$/) loss = $i }
		/^rtt|^round-trip/ { avg = $8; max = $9 }
		END { printf "avg %s ms, max %s ms, loss %s\n", avg, max, loss }' <<<"$1"
}
# ping_counts FILE: "SENT RECEIVED MS" from ping -q's output in FILE
ping_counts() {
	sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.* time \([0-9]*\)ms.*/\1 \2 \3/p' "$1"
}
# state NS: the health state of channel cert there ("" without one)
state() { ip netns exec "$1" "$HOTLINECTL" -j show cert 2>/dev/null | jq -r '.[0].status.state // empty' 2>/dev/null; }
# rtt_line NS: the session's probes and RTT, from `show -j`
rtt_line() {
	ip netns exec "$1" "$HOTLINECTL" -j show cert 2>/dev/null | jq -r '.[0].status |
		"\(.probes_recv)/\(.probes_sent) probes answered, RTT p50 \(.rtt_p50_ns / 1e4 | round / 100) ms, p99 \(.rtt_p99_ns / 1e4 | round / 100) ms"' 2>/dev/null
}
is_state() { [ "$(state "$1")" = "$2" ]; }
# wait_state NS STATE SECONDS: prints how long it took (s, 0.1 s precision), or fails
wait_state() {
	local t0
	t0=$(date +%s%N)
	wait_for "$3" is_state "$1" "$2" || return 1
	awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'
}

summary=()
note() { summary+=("$1|$2"); }

say "1. Two organisations, two gateways"
explain "hostA sits behind gw1, hostB behind gw2; gw1 and gw2 are joined by one link (wan0)."
explain "Each box is a network namespace in this VM, running kernel $(uname -r)."
topo_create v4
show gw1 ip -br addr show
show gw2 ip -br addr show

say "2. Load hotline.ko"
show host modprobe -a udp_tunnel ip6_udp_tunnel
show host insmod "$HOTLINE_KO"
show host modinfo -F version "$HOTLINE_KO"
explain "The module registers the generic netlink family 'hotline':"
show host genl ctrl get name hotline

say "3. Declare the hotline from a file, with keyed health probing"
explain "Both gateways share a key made by hotlinectl genkey (authenticated STAMP, RFC 8762)."
printf '\033[2m[host]$ %s genkey > %s\033[0m\n' "$HOTLINECTL" "$KEY"
(umask 077 && "$HOTLINECTL" genkey >"$KEY")
explain "($(wc -c <"$KEY") bytes of base64, the same file for both gateways here)"
explain "gw1's configuration (gw2's is its mirror, $DEMO/hotline-gw2.conf):"
sed 's/^/   | /' "$DEMO/hotline.conf" | grep -v '^   | # SPDX'
explain "A monitor on gw1 records every event from now on (shown in part 6)."
ns_gw1 "$HOTLINECTL" monitor >/tmp/demo.monitor 2>&1 &
monitor_pid=$!
sleep 0.5
show gw1 "$HOTLINECTL" apply "$DEMO/hotline.conf"
show gw2 "$HOTLINECTL" apply "$DEMO/hotline-gw2.conf"
health=0
if t=$(wait_state "$NS_GW1" up 15); then
	health=1
	explain "gw1's health session to gw2 is up (${t}s after gw1's apply). After a few seconds of probes:"
	sleep 3
	show gw1 "$HOTLINECTL" show
	note "health after apply" "up within ${t}s; $(rtt_line "$NS_GW1")"
else
	explain "The health session did not come up within 15 s: gw1 reports state '$(state "$NS_GW1")'."
	explain "The parts of the tour that need the health engine say so and are skipped."
	show gw1 "$HOTLINECTL" show
	note "health after apply" "not up within 15 s (state '$(state "$NS_GW1")')"
fi

say "4. On the wire: what gw2 receives"
ns_gw2 timeout 8 tcpdump -l -n -v -i wan0 -c 4 \
	'(icmp[icmptype] = icmp-echo) or (tcp dst port 5201 and tcp[tcpflags] & tcp-syn != 0)' \
	>/tmp/demo.tcpdump 2>/dev/null &
tcpdump_pid=$!
sleep 1
ns_a ping -c 3 -i 0.2 "$B4" >/dev/null
ns_b timeout 6 iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
sleep 0.5
ns_a timeout 5 iperf3 -c "$B4" -p 5201 -n 2K >/dev/null 2>&1
wait "$tcpdump_pid"
explain "Each packet from hostA that gw2 received: its TOS byte and protocol (tcpdump -v):"
grep -oE 'tos 0x[0-9a-f]+|proto [A-Z]+' /tmp/demo.tcpdump | paste -d' ' - - | sed 's/^/   /'
explain "0xb8 is DSCP EF (46) with ECN 0: hostA's pings to hostB are in channel cert, and so is"
explain "the TCP connection to hostB (the channel has no Protocol, so it takes any)."

say "5. A saturated link: the hotline next to an ordinary flow"
explain "8 TCP flows from hostA to gw2's LAN address 10.2.0.1 (no hotline peer) fill gw1's"
explain "20 Mbit/s wan0. Meanwhile hostA pings hostB (hotline) and 10.2.0.1 (not hotline)"
explain "over the same link, 60 pings each at 0.1 s. Twice: first with a plain shaper (HTB"
explain "with one 1000-packet FIFO, what a shaped link does by default), then with hotline's."
ns_gw2 iperf3 -s -D -p 5202 >/dev/null 2>&1
sleep 0.5
# saturate LABEL: one measurement under load; adds its rows to the summary
saturate() {
	local hot cold load load_pid hot_pid hs
	ns_a iperf3 -c "$GW2_LAN4" -p 5202 -P 8 -t 13 >/tmp/demo.load 2>&1 &
	load_pid=$!
	sleep 4
	ns_a ping -n -q -c 60 -i 0.1 -W 3 "$B4" >/tmp/demo.ping.hot 2>&1 &
	hot_pid=$!
	ns_a ping -n -q -c 60 -i 0.1 -W 3 "$GW2_LAN4" >/tmp/demo.ping.cold 2>&1
	wait "$hot_pid"
	# the health probes cross the same queue (gw1 -> gw2's WAN address)
	hs=$(state "$NS_GW1")
	wait "$load_pid"
	hot=$(ping_summary "$(cat /tmp/demo.ping.hot)")
	cold=$(ping_summary "$(cat /tmp/demo.ping.cold)")
	load=$(awk '/SUM.*receiver/ { print $(NF-2), $(NF-1) }' /tmp/demo.load)
	printf '   hotline ping (hostA -> hostB):       %s\n' "$hot"
	printf '   ordinary ping (hostA -> 10.2.0.1):   %s\n' "$cold"
	printf '   the 8 TCP flows got:                 %s\n' "${load:-?}"
	[ "$health" = 1 ] && printf "   gw1's health session, under the load: %s\n" "${hs:-?}"
	note "$1: hotline ping" "$hot"
	note "$1: ordinary ping" "$cold"
	[ "$health" = 1 ] && note "$1: health under load" "${hs:-?}"
}
explain "a) The plain shaper:"
show gw1 tc qdisc replace dev wan0 root handle 1: htb default 1
show gw1 tc class add dev wan0 parent 1: classid 1:1 htb rate 20mbit ceil 20mbit
show gw1 tc qdisc add dev wan0 parent 1:1 pfifo limit 1000
saturate "plain shaper"
explain "Both pings wait behind the same FIFO: the hotline's DSCP alone changes nothing here,"
explain "and the health probes, queued behind it too, may miss their detection time."
explain "b) hotline's queueing: hotline first (HTB class 1:10), the rest under fq_codel:"
show gw1 tc qdisc del dev wan0 root
show gw1 "$HOTLINECTL" qdisc wan0 rate 20mbit
saturate "hotline qdisc"
explain "The ordinary ping is a sparse flow, and fq_codel serves those early as well; what"
explain "1:10 adds is that the hotline does not depend on that. Packets per class on gw1:"
ns_gw1 tc -s class show dev wan0 | grep -A1 '^class htb' | grep -v '^--' | sed 's/^/   /'

say "6. The link is cut, and comes back"
if [ "$health" = 1 ]; then
	explain "netem drops every packet gw2 sends on wan0 (loss 100%): gw1's probes get no reply."
	cut_at=$(date -u +%H:%M:%S.%3N)
	show gw2 tc qdisc add dev wan0 root netem loss 100%
	if t=$(wait_state "$NS_GW1" down 10); then
		explain "Cut at $cut_at (UTC); this script saw gw1's state 'down' ${t}s later, polling"
		explain "under TCG (the detect time is 3 x 100 ms; the monitor below has the event's time):"
		note "link cut" "down within ${t}s"
	else
		explain "gw1 did not declare the link down within 10 s (state '$(state "$NS_GW1")')."
		note "link cut" "not down within 10 s (state '$(state "$NS_GW1")')"
	fi
	show gw1 "$HOTLINECTL" show
	explain "Restore the link:"
	show gw2 tc qdisc del dev wan0 root
	if t=$(wait_state "$NS_GW1" up 15); then
		explain "Up again ${t}s after the restore."
		note "link restored" "up within ${t}s"
	else
		explain "Not up again within 15 s (state '$(state "$NS_GW1")')."
		note "link restored" "not up within 15 s (state '$(state "$NS_GW1")')"
	fi
	sleep 0.5
	note "health, whole tour" "$(state "$NS_GW1"); $(rtt_line "$NS_GW1")"
	explain "What 'hotlinectl monitor' on gw1 printed since part 3:"
	sed 's/^/   | /' /tmp/demo.monitor
else
	explain "Skipped: this needs the health engine, and no session came up in part 3."
	note "link cut" "skipped (no health session)"
fi
kill "$monitor_pid" 2>/dev/null
wait "$monitor_pid" 2>/dev/null

say "7. A flood against gw2, and the guard"
explain "The XDP guard on gw2's wan0 passes hotline peers (hostA, the probe address) first"
explain "and limits everything else to 100 packets/s:"
explain "(hotlinectl -N enters the namespace itself and keeps this VM's /sys/fs/bpf, where the"
explain "guard pins its maps; ip netns exec would mount a fresh /sys.)"
show host "$HOTLINECTL" -N "$NS_GW2" guard attach wan0 mode enforce rate 100
explain "gw1 floods gw2 with 1000 pings at 1 ms from $FLOOD_SRC, no hotline peer, while"
explain "hostA pings hostB through gw2 (hotline) 40 times at 50 ms."
ns_gw1 ip addr add "$FLOOD_SRC/24" dev wan0
ns_a ping -n -q -c 40 -i 0.05 -W 2 "$B4" >/tmp/demo.ping.guard 2>&1 &
gping_pid=$!
ns_gw1 ping -n -q -c 1000 -i 0.001 -W 1 -I "$FLOOD_SRC" "$GW2_WAN4" >/tmp/demo.flood 2>&1
wait "$gping_pid"
read -r fsent frecv fms <<<"$(ping_counts /tmp/demo.flood)"
flood="${frecv:-?} of ${fsent:-?} answered in ${fms:-?} ms"
# what the bucket lets through: a burst of 100, then 100 a second
allowed=$(( 100 + 100 * ${fms:-0} / 1000 ))
gping=$(ping_summary "$(cat /tmp/demo.ping.guard)")
printf '   flood (gw1 -> gw2):            %s (the guard allows 100 + 100/s x %s ms = %s)\n' "$flood" "${fms:-?}" "$allowed"
printf '   hotline ping (hostA -> hostB): %s\n' "$gping"
note "flood against gw2" "$flood"
note "hotline ping through the flood" "$gping"
show host "$HOTLINECTL" -N "$NS_GW2" guard show wan0
show host "$HOTLINECTL" -N "$NS_GW2" guard detach wan0

say "8. Two providers: the active path fails, the hotline moves"
explain "Gateways that carry a hotline are usually multi-homed. gw1 and gw2 are now joined by"
explain "two disjoint paths instead of wan0: isp-a (10 ms each way, through router r1) and"
explain "isp-b (25 ms, through r2). Their main tables send hostB's traffic over isp-b."
paths_topo_add
paths_lan_route 2
show gw1 ip -br addr show
explain "gw1's file for it (gw2's is its mirror, $DEMO/hotline-paths-gw2.conf):"
sed 's/^/   | /' "$DEMO/hotline-paths.conf" | grep -v '^   | # SPDX'
ns_gw1 "$HOTLINECTL" monitor >/tmp/demo.monitor.paths 2>&1 &
monitor_pid=$!
sleep 0.5
show gw1 "$HOTLINECTL" apply "$DEMO/hotline-paths.conf"
show gw2 "$HOTLINECTL" apply "$DEMO/hotline-paths-gw2.conf"
explain "hotlinectl installed each path's rule and route (protocol 0x68, hotline's own):"
show gw1 ip rule show
show gw1 ip route show table 256
# paths_up NS: both paths' sessions up, isp-a active
paths_up() {
	ip netns exec "$1" "$HOTLINECTL" -j show cert 2>/dev/null | jq -e '.[0] |
		([.paths[] | select(.status.state == "up")] | length) == 2 and
		.active_path == "isp-a"' >/dev/null 2>&1
}
active_path() { ip netns exec "$1" "$HOTLINECTL" -j show cert 2>/dev/null | jq -r '.[0].active_path // "none"'; }
if wait_for 20 paths_up "$NS_GW1" && wait_for 20 paths_up "$NS_GW2"; then
	sleep 2
	show gw1 "$HOTLINECTL" show cert
	explain "hostA pings hostB every 10 ms for 12 s (the hotline stream). 3 s in, r1 drops"
	explain "everything it would forward: a cut beyond gw1's first hop, so gw1's own link,"
	explain "its neighbour and its carrier all stay up. 3 s later isp-a is repaired."
	ns_a ping -n -q -c 1200 -i 0.01 -W 1 "$B4" >/tmp/demo.ping.paths 2>&1 &
	ppid=$!
	sleep 3
	cut_at=$(date -u +%H:%M:%S.%3N)
	paths_cut "$NS_R1"
	cut_done=$(date -u +%H:%M:%S.%3N)
	sleep 1
	during=$(active_path "$NS_GW1")
	# nft itself takes a few hundred ms to start under emulation, so the
	# cut lies somewhere between the two stamps
	explain "r1 cut between $cut_at and $cut_done (UTC). One second later gw1's traffic is on: $during"
	show gw1 "$HOTLINECTL" show cert
	sleep 2
	paths_restore "$NS_R1"
	explain "isp-a repaired at $(date -u +%H:%M:%S.%3N); hotline waits for it to stay up 3 s"
	explain "(FailbackHold) before it moves back, so a flapping line cannot make traffic flap."
	wait "$ppid"
	pping=$(ping_summary "$(cat /tmp/demo.ping.paths)")
	read -r psent precv _ <<<"$(ping_counts /tmp/demo.ping.paths)"
	lost=$(( ${psent:-0} - ${precv:-0} ))
	printf '   hotline ping across the cut and the repair: %s (%s of 1200 lost)\n' "$pping" "${lost:-?}"
	explain "What 'hotlinectl monitor' on gw1 printed in this part (the switch events are the"
	explain "kernel's, stamped when it moved the traffic):"
	sed 's/^/   | /' /tmp/demo.monitor.paths
	show gw1 "$HOTLINECTL" show cert
	switched=$(awk '$2 == "switch" && $6 == "isp-b" && $8 == "down" { print substr($1, 12, 12); exit }' /tmp/demo.monitor.paths)
	note "failover, isp-a cut" "cut by $cut_done, on ${during} (kernel switched at ${switched:-?}); ping lost ${lost:-?} of 1200 at 10 ms"
	note "fail-back after repair" "on $(active_path "$NS_GW1") now; switches: $(grep -c ' switch ' /tmp/demo.monitor.paths)"
else
	explain "The two paths' sessions did not both come up within 20 s:"
	show gw1 "$HOTLINECTL" show cert
	note "failover" "skipped (the paths did not come up)"
fi
kill "$monitor_pid" 2>/dev/null
wait "$monitor_pid" 2>/dev/null

say "Summary"
for row in "${summary[@]}"; do
	printf '   %-32s %s\n' "${row%%|*}" "${row#*|}"
done
rm -f "$KEY"
