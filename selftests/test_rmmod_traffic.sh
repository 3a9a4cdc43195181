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

DURATION=40	# seconds of iperf3
RMMOD_AT=6	# seconds into it
# Debug form: rmmod under KASAN and lockdep takes long enough that the
# stream could end before the capture after it; let it run longer.
CAPTURE_SECS=15
# and tcpdump, starting on a CPU the streams saturate, may need more
# than 15 s there to see 20 segments
if [ "$HL_DEBUG_KERNEL" = 1 ]; then
	DURATION=60
	CAPTURE_SECS=40
fi
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

# dscp_of_stream: DSCP values of the next 20 segments hostA sends to the
# iperf3 port, as hostB receives them.
dscp_of_stream() {
	ns_b timeout "$CAPTURE_SECS" tcpdump -i eth0 -nn -U -c 20 -w "$tmp/s.pcap" \
		"tcp dst port 5201 and src host $A4 and greater 500" 2>"$tmp/tcpdump.err"
	tshark -r "$tmp/s.pcap" -T fields -e ip.dsfield.dscp 2>/dev/null | sort -u | xargs
}

ip netns exec "$NS_B" iperf3 -s -1 >"$tmp/server.log" 2>&1 &
wait_for 20 sh -c "ip netns exec $NS_B ss -ltn | grep -q ':5201 '" ||
	fail "setup" "iperf3 server did not start"
ip netns exec "$NS_A" iperf3 -c "$B4" -P 4 -t "$DURATION" -i 1 -J >"$tmp/client.json" 2>"$tmp/client.err" &
client=$!
ip netns exec "$NS_A" ping -6 -f -w "$DURATION" "$B6" >"$tmp/ping.log" 2>&1 &
flood=$!

sleep 2
check_eq "before rmmod: the streams carry DSCP ef" "46" "$(dscp_of_stream)"

start=$SECONDS
while [ $((SECONDS - start)) -lt $((RMMOD_AT - 2)) ]; do sleep 0.5; done
t_rmmod=$(date +%s.%N)
if out=$(rmmod hotline 2>&1); then
	pass "rmmod under traffic and probing ($(echo "$(date +%s.%N) - $t_rmmod" | bc) s)"
else
	fail "rmmod under traffic and probing" "rmmod failed" "$out"
fi
if genl ctrl get name hotline >/dev/null 2>&1; then
	fail "family gone after rmmod" "genl still lists hotline"
else
	pass "family gone after rmmod"
fi

after=$(dscp_of_stream)
if [ -z "$after" ] && [ "$HL_DEBUG_KERNEL" = 1 ]; then
	# Open (issue 10): on the debug kernel the streams keep flowing after
	# the unload (checked below) but this capture sees no segment of
	# them, even in 40 s; the production kernels see them at once.
	skip "after rmmod: the streams go on unmarked (DSCP 0)" \
		"known, open: no segment captured after rmmod on the debug kernel: $(tr '\n' ' ' <"$tmp/tcpdump.err"); rx on hostB: $(ip -n "$NS_B" -s link show eth0 | sed -n 4p)"
else
	check_eq "after rmmod: the streams go on unmarked (DSCP 0)" "0" "$after"
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
