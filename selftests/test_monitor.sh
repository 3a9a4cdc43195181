#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The read side of hotlinectl against the module: `monitor` (text and -j)
# reports channel additions, changes and removals in order, with their
# names and peers, exits 0 on SIGTERM and after --count N events; `show`
# and `stats` (table, -j, --prometheus) report the counters that real
# forwarded traffic produced; and, when the health engine is in the build,
# a probed channel going up shows in `show -j` and as a health event.
. "$(dirname "$0")/lib.sh"

hl() { "$HOTLINECTL" "$@"; }
gw1() { hl -N "$NS_GW1" "$@"; }

hl_load
topo_create v4

outj=$(mktemp /tmp/monitor-j.XXXXXX)
outt=$(mktemp /tmp/monitor-t.XXXXXX)
outc=$(mktemp /tmp/monitor-c.XXXXXX)

# not through gw1(): $! must be hotlinectl itself, not a subshell
"$HOTLINECTL" -N "$NS_GW1" -j monitor >"$outj" 2>"$outj.err" &
pj=$!
"$HOTLINECTL" -N "$NS_GW1" monitor >"$outt" 2>"$outt.err" &
pt=$!

# Until both monitors have joined the groups, events pass them by: make
# warm-up channels until each has seen one (their events are ignored).
ready=0
for i in $(seq 1 40); do
	gw1 channel add "warm-$i" peer "192.0.2.$((100 + i))/32"
	if grep -q '"warm-' "$outj" && grep -q ' warm-' "$outt"; then
		ready=1
		break
	fi
	sleep 0.25
done
if [ "$ready" != 1 ]; then
	fail "monitors subscribe" "no event after 10 s" "$(cat "$outj" "$outj.err" "$outt.err")"
	exit 1
fi
pass "monitors subscribe"
for c in $(gw1 -j channel show | jq -r '.[].name | select(startswith("warm-"))'); do
	gw1 channel del "$c"
done

# The sequence whose events are checked, with reads in between.
gw1 channel add a peer 192.0.2.1/32
gw1 channel set a dscp cs1
gw1 channel add b peer 2001:db8::/48 proto tcp port 443
gw1 channel add lan peer "$B4/32"

# ---- show and stats: counters from real traffic ----
sent=$(ns_a ping -c 5 -i 0.1 -W 2 "$B4" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
check_eq "5 pings forwarded" "5" "$sent"
js=$(gw1 -j show)
check_eq "show -j lists the channels" "a b lan" \
	"$(jq -r '[.[].name | select(startswith("warm-") | not)] | join(" ")' <<<"$js")"
check_eq "show -j: no status without probing" "null" \
	"$(jq -r '.[] | select(.name == "a") | .status' <<<"$js")"
check_eq "show -j keeps the channel object" "192.0.2.1/32 8 443" \
	"$(jq -r '[(.[] | select(.name == "a") | .peer, .dscp), (.[] | select(.name == "b") | .port)] | join(" ")' <<<"$js")"
txp=$(jq -r '.[] | select(.name == "lan") | .stats.tx_packets' <<<"$js")
if [ "${txp:-0}" -ge 5 ]; then
	pass "show -j counts the forwarded pings ($txp)"
else
	fail "show -j counts the forwarded pings" "tx_packets $txp < 5" "$js"
fi
table=$(gw1 show)
if head -n1 <<<"$table" | grep -Eq '^NAME +PEER +STATE +SINCE +P50\(ms\) +P99\(ms\) +JITTER\(ms\) +LOSS\(%\) +PROBES$' &&
   grep -Eq '^lan +10\.2\.0\.2/32 +- ' <<<"$table"; then
	pass "show table"
else
	fail "show table" "unexpected layout" "$table"
fi
stable=$(gw1 -s show lan)
if head -n1 <<<"$stable" | grep -q 'RX_PKTS.*FLAPS$' && [ "$(wc -l <<<"$stable")" = 2 ]; then
	pass "show -s NAME adds counters"
else
	fail "show -s NAME adds counters" "unexpected" "$stable"
fi
check_fails "show of a missing channel fails" gw1 show nosuch
prom=$(gw1 stats --prometheus)
ptx=$(sed -n 's/^hotline_channel_tx_packets_total{channel="lan",peer="10\.2\.0\.2\/32"} \([0-9]*\)$/\1/p' <<<"$prom")
if [ -n "$ptx" ] && [ "$ptx" -ge "$txp" ]; then
	pass "stats --prometheus has the channel's counter ($ptx)"
else
	fail "stats --prometheus has the channel's counter" "got '$ptx', show said $txp" "$prom"
fi
check_eq "stats --prometheus: TYPE once per family" "" \
	"$(grep '^# TYPE' <<<"$prom" | awk '{print $3}' | sort | uniq -d)"
check_eq "stats -p NAME selects one channel" "1" \
	"$(gw1 stats lan -p | grep -c '^hotline_channel_rx_packets_total')"
check_eq "stats -j" "$txp" \
	"$(gw1 -j stats lan | jq -r '.[0].stats.tx_packets')"

gw1 channel del a
gw1 channel del b
gw1 channel del lan

# ---- the events ----
seen_del_lan() {
	grep -v '"warm-' "$outj" | jq -e -s 'map(select(.action == "del" and .channel.name == "lan")) | length == 1' >/dev/null &&
	grep -q ' config del lan ' "$outt"
}
wait_for 5 seen_del_lan
events=$(grep -v '"warm-' "$outj" | jq -r 'select(.event == "config") | "\(.action) \(.channel.name)"' | xargs)
check_eq "monitor -j: config events in order" \
	"new a set a new b new lan del a del b del lan" "$events"
check_eq "monitor -j: the set carries the new value" "8" \
	"$(jq -r 'select(.action == "set" and .channel.name == "a") | .channel.dscp' "$outj")"
check_eq "monitor -j: peers" "2001:db8::/48" \
	"$(jq -r 'select(.action == "new" and .channel.name == "b") | .channel.peer' "$outj")"
if jq -e -s 'all(.[]; .time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$"))' "$outj" >/dev/null; then
	pass "monitor -j: RFC 3339 times"
else
	fail "monitor -j: RFC 3339 times" "bad time" "$(head -n 3 "$outj")"
fi
text=$(grep -v ' warm-' "$outt" | grep ' config ' | sed 's/^[^ ]* //' | tr '\n' '|')
check_eq "monitor: text lines" \
	"config new a peer 192.0.2.1/32|config set a peer 192.0.2.1/32|config new b peer 2001:db8::/48|config new lan peer 10.2.0.2/32|config del a peer 192.0.2.1/32|config del b peer 2001:db8::/48|config del lan peer 10.2.0.2/32|" \
	"$text"

# ---- health events, when the engine is in this build ----
hl -N "$NS_GW2" channel add hp peer "$GW1_WAN4/32" probe "$GW1_WAN4" interval 50 unauthenticated
gw1 channel add hp peer "$GW2_WAN4/32" probe "$GW2_WAN4" interval 50 unauthenticated
hp_up() { [ "$(gw1 -j show hp | jq -r '.[0].status.state')" = up ]; }
if wait_for 10 hp_up; then
	pass "a probed channel goes up in show -j"
	hp_event() {
		jq -e -s 'map(select(.event == "health" and .name == "hp" and .state == "up")) | length >= 1' "$outj" >/dev/null &&
		grep -Eq ' health hp [a-z-]+ -> up diag ' "$outt"
	}
	if wait_for 5 hp_event; then
		pass "monitor reports the health event (text and -j)"
	else
		fail "monitor reports the health event" "no up event for hp" \
			"$(grep -v warm- "$outj" | tail -n 5; tail -n 3 "$outt")"
	fi
	check_eq "show: the state column" "up" "$(gw1 show hp | awk 'NR == 2 { print $3 }')"
	check_eq "stats --prometheus: the state series" "1" \
		"$(gw1 stats hp -p | sed -n 's/^hotline_health_state{channel="hp",peer="10\.12\.0\.2\/32",state="up"} //p')"
	# the peer's reflector goes: down after 150 ms (50 ms x 3) without a
	# reply, which the down event says, in text and in JSON
	hl -N "$NS_GW2" channel del hp
	hp_down() {
		jq -e -s 'map(select(.event == "health" and .name == "hp" and .state == "down")) | length >= 1' "$outj" >/dev/null &&
		grep -Eq ' health hp up -> down diag .* silent [0-9.]+ ms$' "$outt"
	}
	if wait_for 5 hp_down; then
		sil_t=$(grep -E ' health hp up -> down ' "$outt" | tail -n 1 | sed -n 's/.* silent \([0-9.]*\) ms$/\1/p')
		sil_j=$(jq -r 'select(.event == "health" and .name == "hp" and .state == "down") | .status.silence_ns' "$outj" | tail -n 1)
		# at least the detection time; under TCG a late host adds to it
		if awk -v t="$sil_t" -v j="$sil_j" 'BEGIN { exit !(t >= 150 && t < 5000 && j >= 150e6 && (j / 1e6 - t) ^ 2 <= 0.25) }'; then
			pass "monitor: the down says how long it was silent ($sil_t ms; detection 150)"
		else
			fail "monitor: the down says how long it was silent" "text '$sil_t' ms, JSON '$sil_j' ns; want >= 150 ms and the same" \
				"$(grep ' hp ' "$outt" | tail -n 3)"
		fi
	else
		fail "monitor reports the down" "no down event for hp" \
			"$(grep -v warm- "$outj" | tail -n 5; tail -n 3 "$outt")"
	fi
else
	skip "health events" "health engine not in this build (show -j hp status: $(gw1 -j show hp | jq -c '.[0].status'))"
fi

kill -TERM "$pj" "$pt"
wait "$pj"
rj=$?
wait "$pt"
rt=$?
check_eq "monitor exits 0 on SIGTERM" "0 0" "$rj $rt"
check_eq "monitor printed no warnings" "" "$(cat "$outj.err" "$outt.err")"
rm -f "$outj.err" "$outt.err"

# --count N: exits by itself after N events
timeout 20 "$HOTLINECTL" -N "$NS_GW1" monitor --count 2 >"$outc" &
pc=$!
for i in $(seq 1 40); do
	kill -0 "$pc" 2>/dev/null || break
	gw1 channel set hp dscp "$((i % 2 ? 10 : 12))"
	sleep 0.25
done
wait "$pc"
rc=$?
check_eq "monitor --count 2 exits 0 after two events" "0 2" "$rc $(grep -c ' config set hp ' "$outc")"
check_fails "monitor --count 0 is refused" gw1 monitor --count 0

# ---- who hears events: any user, and only in the namespace of the change ----
# The groups carry no permission flag, so an unprivileged user in gw1
# hears gw1's events as it may read gw1's table; a listener in gw2 hears
# nothing of gw1's changes (genlmsg_multicast_netns), and the other way.
outn=$(mktemp /tmp/monitor-n.XXXXXX)
outo=$(mktemp /tmp/monitor-o.XXXXXX)
ip netns exec "$NS_GW1" setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$HOTLINECTL" -j monitor >"$outn" 2>&1 &
pn=$!
"$HOTLINECTL" -N "$NS_GW2" -j monitor >"$outo" 2>&1 &
po=$!
# warm-up until each hears its own namespace, then only the marked names count
ready=0
for i in $(seq 1 40); do
	gw1 channel add "warm1-$i" peer "192.0.2.$((100 + i))/32"
	hl -N "$NS_GW2" channel add "warm2-$i" peer "192.0.2.$((100 + i))/32"
	if grep -q '"warm1-' "$outn" && grep -q '"warm2-' "$outo"; then
		ready=1
		break
	fi
	sleep 0.25
done
if [ "$ready" = 1 ]; then
	pass "an unprivileged monitor in gw1 and a monitor in gw2 subscribe"
	gw1 channel add x-gw1 peer 198.51.100.1/32
	gw1 channel set x-gw1 dscp cs2
	gw1 channel del x-gw1
	hl -N "$NS_GW2" channel add y-gw2 peer 198.51.100.2/32
	# shellcheck disable=SC2317
	heard() { grep -q '"y-gw2"' "$outo" && [ "$(grep -c '"x-gw1"' "$outn")" -ge 3 ]; }
	wait_for 10 heard
	check_eq "the unprivileged monitor hears gw1's add, set and del" "3" \
		"$(grep -c '"x-gw1"' "$outn")"
	check_eq "and nothing of gw2's channels" "0" "$(grep -c '"y-gw2"\|"warm2-' "$outn")"
	check_eq "gw2's monitor hears its own channel" "1" "$(grep -c '"y-gw2"' "$outo")"
	check_eq "and nothing of gw1's" "0" "$(grep -c '"x-gw1"\|"warm1-' "$outo")"
else
	fail "an unprivileged monitor in gw1 and a monitor in gw2 subscribe" "no event after 10 s" \
		"$(cat "$outn" "$outo")"
fi
kill -TERM "$pn" "$po"
wait "$pn" "$po"
rm -f "$outn" "$outo"
