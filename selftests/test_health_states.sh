#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The health engine's states beyond up and down, end to end between the
# two gateways (unauthenticated sessions; test_health covers the keyed
# ones):
#
#   - changing what does not identify a session (interval, detect-mult,
#     DSCP, priority, thresholds) keeps it up: no event, no flap, its
#     counters carry on;
#   - degraded: a p99 RTT over max-rtt (netem delay) and a windowed loss
#     over max-loss (netem loss) each move an up session to degraded with
#     diagnostic "threshold", and it comes back up once the window is
#     clean again; in between, inside the hysteresis band (80% of the
#     threshold), it stays degraded;
#   - peer unreachable: probes to a port nobody listens on draw ICMP port
#     unreachable from the peer; the session stays down with diagnostic
#     peer-unreachable, and hotlinectl shows it.

. "$(dirname "$0")/lib.sh"

require_modules sch_netem

HLH=$HOTLINE_ROOT/selftests/hlhealth.py
TMP=$(mktemp -d /tmp/test_health_states.XXXXXX)

h1() { ip netns exec "$NS_GW1" /usr/bin/python3 "$HLH" "$@"; }
h2() { ip netns exec "$NS_GW2" /usr/bin/python3 "$HLH" "$@"; }
c1() { "$HOTLINECTL" -N "$NS_GW1" "$@"; }
c2() { "$HOTLINECTL" -N "$NS_GW2" "$@"; }
ms() { awk -v n="$1" 'BEGIN { printf "%.1f", n / 1e6 }'; }
# polled through hotlinectl and jq (lib.sh hl_status): a tenth of a Python start under TCG
state_is() { [ "$(hl_status "$NS_GW1" st state)" = "$1" ]; }
# degraded_snap FIELD: st is degraded; its diag and FIELD (in $snap_diag,
# $snap_val) come from that same dump. Read later they could belong to a
# session that has moved on: a stalled guest can take it down and up again
# (with a fresh loss window) between two reads.
degraded_snap() {
	local st
	read -r st snap_diag snap_val <<<"$(hl_status "$NS_GW1" st state diag "$1")"
	[ "$st" = degraded ]
}
listening() { grep -q subscribed "$TMP/ev"; }

topo_create v4
hl_load
wan_netem_idle "$NS_GW1" "$NS_GW2"

# 20 ms so the 256-probe window turns over in about 5 s; detect-mult 10
# so the lossy and delayed phases below cannot be mistaken for a cut.
check "gw1 adds st" c1 channel add st peer "$GW2_WAN4/32" probe "$GW2_WAN4" \
	interval 20 detect-mult 10 unauthenticated
check "gw2 adds st" c2 channel add st peer "$GW1_WAN4/32" probe "$GW1_WAN4" \
	interval 20 detect-mult 10 unauthenticated
if ! h1 wait st up 15 >/dev/null || ! h2 wait st up 15 >/dev/null; then
	fail "sessions up" "gw1 $(h1 get st state diag), gw2 $(h2 get st state diag)"
	exit 1
fi

# ---- changes that keep the session -----------------------------------------
h1 monitor 120 >"$TMP/ev" 2>&1 &
mon=$!
wait_for 30 listening || fail "monitor" "hlhealth.py monitor did not subscribe within 30 s"
read -r flaps0 sent0 <<<"$(h1 get st flaps probes_sent)"
# A flap is a failure unless a CPU of this emulated guest stood still for
# the detection time (the shorter of before and after the change): then
# the machine took the session down, the check is a SKIP with the stall,
# and the next change starts from the session up again.
# detect_ms: gw1's detection time for st as the module holds it, in $det
detect_ms() {
	det=$(c1 -j show st | jq -r '.[0].health | .interval_ms * .detect_mult')
	[[ $det =~ ^[1-9][0-9]*$ ]] || fail "st's detection time from hotlinectl -j show" "read '$det'"
}
detect_ms
det_ms=$det
echo "# st's detection time: $det_ms ms"
spoiled=
for change in "interval 30" "detect-mult 12" "dscp af41" "priority 6" \
	"max-rtt 500" "max-loss 50" "interval 20 detect-mult 10"; do
	stalls_start 20 10000
	# shellcheck disable=SC2086
	if ! c1 channel set st $change; then
		stalls_end
		fail "channel set st $change" "refused"
		continue
	fi
	sleep 0.5
	read -r st flaps sent <<<"$(h1 get st state flaps probes_sent)"
	stalls_end
	detect_ms
	new_ms=$det
	echo "# set $change: detection $det_ms -> $new_ms ms"
	short_ms=$((new_ms < det_ms ? new_ms : det_ms))
	det_ms=$new_ms
	if [ "$st" = up ] && [ "$flaps" = "$flaps0" ] && [ "$sent" -gt "$sent0" ]; then
		pass "set $change: still up, no flap, probes_sent went on ($sent0 -> $sent)"
	elif emulated && [ "${stall:-0}" -ge "$short_ms" ]; then
		skip "set $change keeps the session" "a CPU stood still $stall ms (detection $short_ms ms): state $st, flaps $flaps0 -> $flaps"
		spoiled+=" $change"
		wait_for 20 state_is up || fail "up again after the stall" "$(h1 get st state diag)"
		read -r flaps sent <<<"$(h1 get st flaps probes_sent)"
		flaps0=$flaps
	else
		fail "set $change keeps the session" "state $st, flaps $flaps0 -> $flaps, probes_sent $sent0 -> $sent, longest CPU stall $stall ms"
	fi
	sent0=$sent
done
pkill -f "$HLH monitor"
wait $mon 2>/dev/null
if ! awk '$2 == "st"' "$TMP/ev" | grep -q .; then
	pass "no health event while only settings changed"
elif [ -n "$spoiled" ]; then
	skip "no health event while only settings changed" "the emulated machine stalled a session down (set$spoiled): $(tr '\n' ' ' <"$TMP/ev")"
else
	fail "no health event while only settings changed" "$(cat "$TMP/ev")"
fi

# ---- degraded by RTT ----------------------------------------------------------
h1 monitor 120 >"$TMP/ev" 2>&1 &
mon=$!
wait_for 30 listening || fail "monitor" "hlhealth.py monitor did not subscribe within 30 s"
check "max-rtt 30" c1 channel set st max-rtt 30
# 2 x 16 ms: every RTT is over 32 ms, over max-rtt from the first sample
wan_netem "$NS_GW1" delay 16ms
wan_netem "$NS_GW2" delay 16ms
if wait_for 20 degraded_snap rtt_p99; then
	check_eq "RTT p99 $(ms "$snap_val") ms over max-rtt 30: degraded, diagnostic" threshold "$snap_diag"
else
	fail "RTT over max-rtt: degraded" "state $(h1 get st state diag rtt_p99)"
fi
# 2 x 12.5 ms = 25 ms: under max-rtt, over its 80% (24 ms), with room for
# the 1-3 ms TCG adds. Once the window holds only these samples the
# session must still be degraded.
wan_netem "$NS_GW1" delay 12500us
wan_netem "$NS_GW2" delay 12500us
sleep 8
read -r st p99 <<<"$(h1 get st state rtt_p99)"
if [ "$st" = degraded ] && [ "$p99" -ge 24000000 ] && [ "$p99" -lt 30000000 ]; then
	pass "RTT p99 $(ms "$p99") ms, between 80% of max-rtt and max-rtt: still degraded (hysteresis)"
elif [ "$st" = degraded ]; then
	skip "hysteresis band" "p99 $(ms "$p99") ms did not land in 24..30 ms (emulated timers); state degraded"
else
	fail "hysteresis: stays degraded inside the band" "state $st, p99 $(ms "$p99") ms"
fi
wan_netem "$NS_GW1" off
wan_netem "$NS_GW2" off
if wait_for 30 state_is up; then
	pass "RTT back to idle: up again ($(ms "$(h1 get st rtt_p99)") ms p99)"
else
	fail "RTT back to idle: up again" "$(h1 get st state diag rtt_p99)"
fi
sleep 1
pkill -f "$HLH monitor"
wait $mon 2>/dev/null
seq=$(awk '$2 == "st" { print $3 "->" $4 }' "$TMP/ev" | tr '\n' ' ')
if printf '%s\n' "$seq" | grep -q '^up->degraded degraded->up $'; then
	pass "events: $seq"
else
	fail "events: up->degraded, degraded->up" "saw '$seq'" "$(cat "$TMP/ev")"
fi
check "max-rtt off" c1 channel set st max-rtt 0

# ---- degraded by loss ---------------------------------------------------------
check "max-loss 10" c1 channel set st max-loss 10
# 30% of gw2's replies lost: 3 in a row 1 time in 37, 10 in a row never
wan_netem "$NS_GW2" loss 30%
if wait_for 30 degraded_snap loss_ppm; then
	check_eq "loss $((snap_val / 10000))% over max-loss 10%: degraded, diagnostic" threshold "$snap_diag"
	# degraded with max-rtt off: the window's loss was over max-loss, and
	# leaving takes it back under 80% of it
	if [ "$snap_val" -gt 80000 ]; then
		pass "window loss $((snap_val / 10000))% when degraded: over 80% of max-loss"
	else
		fail "window loss over 80% of max-loss while degraded" "$snap_val ppm"
	fi
else
	fail "loss over max-loss: degraded" "$(h1 get st state diag loss_ppm)"
fi
wan_netem "$NS_GW2" off
if wait_for 40 state_is up; then
	pass "loss gone: up again (window loss $(( $(h1 get st loss_ppm) / 10000 ))%)"
else
	fail "loss gone: up again" "$(h1 get st state diag loss_ppm)"
fi
check "max-loss off" c1 channel set st max-loss 0

# ---- peer unreachable ----------------------------------------------------------
# Nothing listens on gw2's UDP 9999: gw2 answers ICMP port unreachable.
check "gw1 adds un" c1 channel add un peer 10.99.0.0/24 probe "$GW2_WAN4:9999" \
	local-port 9000 interval 100 detect-mult 3 unauthenticated
un_diag() { [ "$(h1 get un diag)" = peer-unreachable ]; }
if wait_for 10 un_diag; then
	pass "probes to a closed port: down, diagnostic peer-unreachable"
else
	fail "probes to a closed port: peer-unreachable" "$(h1 get un state diag probes_sent probes_recv)"
fi
if c1 -j show un | grep -q '"peer-unreachable"'; then
	pass "hotlinectl -j show un names the diagnostic"
else
	fail "hotlinectl -j show un names the diagnostic" "$(c1 -j show un 2>&1)"
fi
check "state of the other session unaffected" state_is up

hl_unload || fail "rmmod" "rmmod failed"
rm -rf "$TMP"
exit 0
