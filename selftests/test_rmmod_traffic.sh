#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# rmmod under load: TCP streams (iperf3, several in parallel) and an IPv6
# ping flood run through channels on gw1 while health probes run between
# the gateways; rmmod must succeed without a kernel warning (the VM runner
# fails the run on any splat) and the traffic must go on afterwards,
# unmarked.
. "$(dirname "$0")/lib.sh"

for tool in iperf3 tcpdump tshark jq; do
	command -v "$tool" >/dev/null || { fail "tools" "$tool not installed (make deps)"; exit 1; }
done

DURATION=20	# seconds of iperf3: 14 s of it after the unload
RMMOD_AT=6	# seconds into it
# rmmod under KASAN and lockdep, on a guest the streams saturate, has
# taken from 1 to 28 s, and 55 s once in a cold make check of 12-02 (the
# other debug guest beside it): leave the stream time to go on after it.
[ "$HL_DEBUG_KERNEL" = 1 ] && DURATION=90
# Packets in flight when the hooks went away may still arrive marked:
# the "after" half starts this long after rmmod returned.
SETTLE=1
tmp=$(mktemp -d /tmp/test_rmmod_traffic.XXXXXX)

hl_load
topo_create both

check "channel for hostB (tcp, v4)" \
	"$HOTLINECTL" -N "$NS_GW1" channel add rm-tcp peer "$B4/32" proto tcp
check "channel for hostB (any, v6)" \
	"$HOTLINECTL" -N "$NS_GW1" channel add rm-v6 peer "$B6/128"
check "probing channel gw1 -> gw2" \
	"$HOTLINECTL" -N "$NS_GW1" channel add rm-probe peer "$GW2_WAN4/32" \
	probe "$GW2_WAN4" interval 20 unauthenticated
check "probing channel gw2 -> gw1" \
	"$HOTLINECTL" -N "$NS_GW2" channel add rm-probe peer "$GW1_WAN4/32" \
	probe "$GW1_WAN4" interval 20 unauthenticated

# One capture for the whole test, started before the streams, split by
# time afterwards: a tcpdump started after rmmod can take longer to come
# up on a saturated debug-kernel guest than the stream has left to run.
# Segments of hostA's stream to the iperf3 port, as hostB receives them.
# Not through ns_b: $! must be tcpdump itself (ip netns exec execs it),
# and SIGTERM, since a background job of a script ignores SIGINT.
ip netns exec "$NS_B" tcpdump -i eth0 -nn -U -s 96 -w "$tmp/s.pcap" \
	"tcp dst port 5201 and src host $A4 and greater 500" 2>"$tmp/tcpdump.err" &
capture=$!
wait_for 60 grep -q listening "$tmp/tcpdump.err" ||
	fail "setup" "tcpdump did not start" "$(cat "$tmp/tcpdump.err")"

# dscp_between FROM TO: the DSCP of each captured segment with
# FROM <= time < TO (epoch seconds), one per line. The capture is decoded
# once (tshark's start alone is seconds under TCG).
dscp_between() {
	[ -s "$tmp/s.fields" ] ||
		tshark -r "$tmp/s.pcap" -T fields -e frame.time_epoch -e ip.dsfield.dscp \
			>"$tmp/s.fields" 2>/dev/null
	awk -v a="$1" -v b="$2" '$1 >= a && $1 < b { print $2 }' "$tmp/s.fields"
}

ip netns exec "$NS_B" iperf3 -s -1 >"$tmp/server.log" 2>&1 &
wait_for 20 sh -c "ip netns exec $NS_B ss -ltn | grep -q ':5201 '" ||
	fail "setup" "iperf3 server did not start"
ip netns exec "$NS_A" iperf3 -c "$B4" -P 4 -t "$DURATION" -i 1 -J >"$tmp/client.json" 2>"$tmp/client.err" &
client=$!
ip netns exec "$NS_A" ping -6 -f -w "$DURATION" "$B6" >"$tmp/ping.log" 2>&1 &
flood=$!

t_start=$(date +%s.%N)
sleep "$RMMOD_AT"
t_rmmod=$(date +%s.%N)
out=$(rmmod hotline 2>&1)
rc=$?
t_gone=$(date +%s.%N)
if [ "$rc" = 0 ]; then
	pass "rmmod under traffic and probing ($(echo "$t_gone - $t_rmmod" | bc) s)"
else
	fail "rmmod under traffic and probing" "rmmod failed" "$out"
fi
if genl ctrl get name hotline >/dev/null 2>&1; then
	fail "family gone after rmmod" "genl still lists hotline"
else
	pass "family gone after rmmod"
fi

wait "$client"
rc=$?
if [ "$rc" -ne 0 ]; then
	fail "iperf3 completed" "client exited $rc" \
		"$(cat "$tmp/client.err"; jq -r '.error // empty' "$tmp/client.json" 2>/dev/null)"
else
	pass "iperf3 completed"
	# Every second after the unload moved data: nothing stalled.
	stalled=$(jq -r --argjson t "$((RMMOD_AT + 1))" \
		'[.intervals[].sum | select(.start >= $t and .bytes == 0)] | length' \
		"$tmp/client.json")
	late=$(jq -r --argjson t "$((RMMOD_AT + 1))" \
		'[.intervals[].sum | select(.start >= $t)] | length' "$tmp/client.json")
	if [ "$late" -gt 0 ] && [ "$stalled" = 0 ]; then
		pass "traffic flowed in every second after rmmod ($late s)"
	else
		fail "traffic flowed in every second after rmmod" \
			"$stalled of $late intervals after rmmod moved no data"
	fi
fi
wait "$flood"
kill -TERM "$capture"
wait "$capture"
dscp_between "$t_start" "$t_rmmod" >"$tmp/before"
dscp_between "$(echo "$t_gone + $SETTLE" | bc)" 1e12 >"$tmp/after"
n_before=$(wc -l <"$tmp/before") n_after=$(wc -l <"$tmp/after")
check_eq "before rmmod: the streams carry DSCP ef ($n_before segments)" "46" \
	"$(sort -un "$tmp/before" | xargs)"
if [ "$n_after" -ge 20 ]; then
	check_eq "after rmmod: the streams go on unmarked, DSCP 0 ($n_after segments)" "0" \
		"$(sort -un "$tmp/after" | xargs)"
else
	fail "after rmmod: the streams go on unmarked" \
		"only $n_after segments captured from ${SETTLE} s after rmmod: $(tr '\n' ' ' <"$tmp/tcpdump.err")"
fi
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$tmp/ping.log")
if [ "${received:-0}" -gt 0 ]; then
	pass "ping flood (v6) answered across the unload ($received replies)"
else
	fail "ping flood (v6) answered across the unload" "no replies" "$(tail -3 "$tmp/ping.log")"
fi

# The module comes back cleanly after being pulled under load.
hl_load
check "reload: channel add works" "$HOTLINECTL" -N "$NS_GW1" channel add again peer "$B4/32"
rm -rf "$tmp"
exit 0
