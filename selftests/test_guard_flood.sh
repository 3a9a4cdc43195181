#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A flood against gw2 while a hotline runs, three ways: no guard, the guard
# enforcing, and the guard in auto driven by `hotlinectl guard watch` as
# the hotline-guard@.service unit runs it.
#
# The hotline: a keyed channel between gw1 and gw2 probing every 20 ms,
# detect-mult 3, max-loss 5 %, max-rtt 50 ms, and hostA pinging hostB
# every 10 ms through it. The flood: UDP from spoofed sources in
# 198.18.0.0/15 (outside every peer prefix), half to a closed port and
# half to the STAMP port, written raw onto gw1's wan0 by two senders
# (selftests/hostile ... flood) at HL_FLOOD_PPS each (default 2600) for
# HL_FLOOD_SECONDS (default 6; auto runs 4 s longer).
#
# The victim, made on purpose (a test of a rescue needs one): a veth
# normally delivers in the sender's own softirq, so a flood is slowed to
# what gw2 can take and never queues. Here gw2's wan0 receives through its
# NAPI ring (GRO on, TSO off on gw1's side so every frame is eligible),
# polled by a thread pinned to CPU 1 while the senders run on CPU 0: a
# NIC's ring and the CPU behind it. gw2 also runs a 3000-rule nftables
# chain at prerouting, a gateway's firewall, so what passes the XDP hook
# is dear. Without the guard the ring overflows and drops hotline packets
# with the flood; the guard (500 packets/s, burst 50, the most that
# firewall can take) drops the rest before it and the ring keeps up.
# Measured under TCG on both kernels: the plain path takes about 3,000
# frames/s here, the guard's path (a veth copies each frame for XDP)
# about 9,000, so 5,200 sits between them with a like margin each way
# (the senders manage about 3,300 a second while the plain path
# overflows, and that overflow takes the hotline down in every run).
# The guard's margin is what drains the ring after a stall: at 7,000 a
# stall of 38 ms on the receiving CPU filled the 256-frame ring and took
# 110 ms to drain, long enough to lift the p99 RTT past max-rtt; at 5,200
# the same stall drains in about 50 ms. The guard's burst must be small,
# or its first burst alone stalls the firewall long enough to take the
# hotline down.
#
# Each phase also reports the longest time either CPU of the guest stood
# still (selftests/stallwatch): under TCG a vCPU thread the host
# descheduled. A CPU that stood still half the detection time or more
# (30 ms) delays the replies queued behind it past max-rtt whatever the
# guard does; the enforce or auto phase then runs once more and says so
# (a vCPU stood still 359 ms in CI's auto phase: the session went down by
# detect time with the guard armed). A guard that fails the hotline fails
# both runs.
#
#   off      the flood must hurt: flaps, or probe loss of 5 % or more
#   enforce  the hotline stays up, no state change while the flood runs
#            (gw2's health events, those after it printed), probe loss
#            under 1 %, no frame dropped at the ring (the guard kept up
#            with the flood)
#   auto     guard watch (hold HL_FLOOD_HOLD s, default 3) arms the guard
#            within two detection times of the health going bad, the
#            channel comes back up while the flood goes on and stays up
#            for its last 2 s or more, and the guard disarms
#            once the flood has stopped and the hold time has passed; the
#            arm and disarm lines name their reasons
#
# Each phase prints probe loss, RTT p99, state changes, hostA's ping loss
# and the flood's delivered rate; make stress runs each phase 30 s.
. "$(dirname "$0")/lib.sh"

HOSTILE=$HOTLINE_ROOT/build/selftests/hostile
PPS=${HL_FLOOD_PPS:-${HOTLINE_FLOOD_PPS:-2600}}
SECS=${HL_FLOOD_SECONDS:-${HOTLINE_FLOOD_SECONDS:-6}}
HOLD=${HL_FLOOD_HOLD:-3}
NFT_RULES=${HL_FLOOD_NFT_RULES:-3000}
GUARD_RATE=${HL_FLOOD_GUARD_RATE:-${HOTLINE_FLOOD_GUARD_RATE:-500}}
tmp=$(mktemp -d /tmp/test_guard_flood.XXXXXX)
stall=0	# set by stalls_end (lib.sh)

# g2 FIELD...: gw2's hotline session status (hotlinectl: a Python start
# costs 1.5-2 s under TCG, and these reads sit between the phases)
g2() { hl_status "$NS_GW2" hl "$@"; }
up2() { [ "$(g2 state)" = up ]; }
c1() { "$HOTLINECTL" -N "$NS_GW1" "$@"; }
c2() { "$HOTLINECTL" -N "$NS_GW2" "$@"; }
# ms_of TIME: an RFC 3339 time as milliseconds since the epoch
ms_of() { date -u -d "$1" +%s%3N; }

if [ ! -x "$HOSTILE" ]; then
	fail "hostile" "no $HOSTILE: run selftests/unit/health_run.sh on the host"
	exit 1
fi
if [ "$(nproc)" -lt 2 ]; then
	skip "all" "needs two CPUs (one for the senders, one for gw2's receive ring)"
	exit 0
fi
hl_load
topo_create v4
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

# ---- the victim: gw2's receive ring on CPU 1, a firewall behind it ----
ip netns exec "$NS_GW1" ethtool -K wan0 tso off >/dev/null &&
	ip netns exec "$NS_GW2" ethtool -K wan0 gro on >/dev/null &&
	ip netns exec "$NS_GW2" sh -c 'echo 1 > /sys/class/net/wan0/threaded'
napi=$(pgrep '^napi/wan0' | head -n 1)
if [ -n "$napi" ] && taskset -p 2 "$napi" >/dev/null; then
	pass "gw2's wan0 polled by a NAPI thread on CPU 1 (pid $napi)"
else
	fail "gw2's wan0 polled by a NAPI thread on CPU 1" "no napi/wan0 thread" \
		"$(ps -eo pid,psr,comm | grep -i napi)"
	exit 1
fi
{
	echo "table inet fw {"
	echo "chain pre {"
	echo "type filter hook prerouting priority -150; policy accept;"
	for i in $(seq 1 "$NFT_RULES"); do
		echo "ip saddr 10.200.$((i / 250)).$((i % 250 + 1)) udp dport $((1000 + i)) counter drop"
	done
	echo "}"
	echo "}"
} >"$tmp/fw.nft"
check "gw2: a firewall of $NFT_RULES rules at prerouting" ip netns exec "$NS_GW2" nft -f "$tmp/fw.nft"

# ---- the hotline ----
"$HOTLINECTL" genkey >"$tmp/k"
opts=(interval 20 detect-mult 3 max-loss 5 max-rtt 50 key-file "$tmp/k" dscp ef)
check "gw1: the hotline channel" c1 channel add hl peer "$NET_B4" local "$NET_A4" \
	probe "$GW2_WAN4" "${opts[@]}"
check "gw2: the hotline channel" c2 channel add hl peer "$NET_A4" local "$NET_B4" \
	probe "$GW1_WAN4" "${opts[@]}"
if ! wait_for 30 up2; then
	fail "the hotline comes up" "gw2 sees $(g2 state)"
	exit 1
fi
pass "the hotline comes up"
mac=$(ip -n "$NS_GW2" -j link show wan0 | jq -r '.[0].address')

# flood SECS: two senders on CPU 0 for SECS seconds; prints the frames
# sent and when the last one left (ms since the epoch)
flood() {
	local pids=() n
	for n in 1 2; do
		ip netns exec "$NS_GW1" taskset -c 0 "$HOSTILE" wan0 "$mac" flood 4000000000 "$n" \
			-4 "$GW1_WAN4" -6 "$GW1_WAN6" -t "$GW2_WAN4" -T "$GW2_WAN6" -d "$1" -r "$PPS" \
			>"$tmp/flood.$n" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
	cat "$tmp/flood.1" "$tmp/flood.2" |
		awk '/^end_ms/ { s += $4; if ($2 > e) e = $2 } END { printf "%.0f %.0f\n", s, e }'
}

# ring_drops: frames gw1's wan0 could not put in gw2's receive ring (a
# veth counts them as its sender's tx drops): the ring overflowed
ring_drops() {
	ip -n "$NS_GW1" -j -s link show wan0 | jq '.[0].stats64.tx.dropped'
}

# phase NAME SECS: hostA pings hostB every 10 ms while the flood runs;
# sets loss_pct flaps p50 p99 ping_loss sent flood_start flood_end ring
# stall and prints them. stall is the longest either CPU of the guest stood still
# (stallwatch, a real-time task on each): under TCG a vCPU thread the
# host descheduled, which no guard can help.
phase() {
	local name=$1 secs=$2 f0 s0 l0 f1 s1 l1 pp r0
	read -r f0 s0 l0 <<<"$(g2 flaps probes_sent lost)"
	r0=$(ring_drops)
	stalls_start "$secs"
	ip netns exec "$NS_A" ping -i 0.01 -c $((secs * 100)) -q "$B4" >"$tmp/ping" 2>&1 &
	pp=$!
	flood_start=$(date +%s%3N)
	read -r sent flood_end <<<"$(flood "$secs")"
	read -r f1 s1 l1 p50 p99 <<<"$(g2 flaps probes_sent lost rtt_p50 rtt_p99)"
	ring=$(($(ring_drops) - r0))
	stalls_end
	wait "$pp"
	flaps=$((f1 - f0))
	loss_pct=$(awk -v l=$((l1 - l0)) -v s=$((s1 - s0)) 'BEGIN { printf "%.1f", s ? 100 * l / s : 100 }')
	ping_loss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' "$tmp/ping")
	echo "    $name: probe loss $loss_pct % ($((l1 - l0)) of $((s1 - s0))), RTT p50" \
		"$((p50 / 1000)) us p99 $((p99 / 1000)) us, $flaps state changes, hostA's ping" \
		"loss ${ping_loss:-?} %, flood $((sent / secs)) frames/s sent, $ring ring drops," \
		"the guest's longest CPU stall $stall ms"
}

# ---- off: the victim ----
phase "guard off" "$SECS"
if [ "$flaps" -gt 0 ] || awk -v p="$loss_pct" 'BEGIN { exit !(p >= 5) }'; then
	pass "without the guard the flood hurts the hotline ($flaps state changes, probe loss $loss_pct %)"
else
	fail "without the guard the flood hurts the hotline" \
		"$flaps state changes, probe loss $loss_pct %: no victim, the rescue below proves nothing"
fi
wait_for 30 up2

# ---- enforce ----
check "gw2: the guard enforcing $GUARD_RATE packets/s" c2 guard attach wan0 mode enforce rate "$GUARD_RATE" burst 50
# settled: up with no loss left in its window. Attaching XDP restarts
# the veth's ring and a few probes die with it; they stay in the loss
# window (256 probes, 5 s) and a channel starting the flood just under
# max-loss would cross it on the flood's first lost probe, and come back
# up inside it: a state change the guard did not cause. So the phase
# starts from a clean window.
settled2() { [ "$(g2 state loss_ppm)" = "up 0" ]; }
settle() {
	wait_for 30 settled2 ||
		echo "# not settled after 30 s: gw2 sees $(g2 state loss_ppm) (state, window loss in ppm)"
}
sleep 1
settle
# health_events FROM TO [BASE]: gw2's channel's state changes the
# monitor saw from FROM to TO (ms since the epoch), "+MS STATE (DIAG)" a
# line, MS from BASE (default FROM)
health_events() {
	jq -r --argjson from "$1" --argjson to "$2" --argjson base "${3:-$1}" '
		select(.event == "health" and .path == null
			and .status.since_ns / 1000000 >= $from and .status.since_ns / 1000000 <= $to)
		| (.status.since_ns / 1000000 - $base | floor) as $ms
		| "\(if $ms >= 0 then "+" else "" end)\($ms) ms \(.old_state) -> \(.state) (\(.diag))"' \
		"$tmp/events" 2>/dev/null
}
# enforce_phase NAME: the phase with gw2's events monitored; sets
# flood_flaps, the state changes while the flood ran, and prints those
# after it (the flood over, a guest the host paused while this script
# reads the counters is not the guard's to answer for: printed, judged
# by the loss only)
enforce_phase() {
	local mon
	: >"$tmp/events"
	"$HOTLINECTL" -N "$NS_GW2" -j monitor >"$tmp/events" 2>&1 &
	mon=$!
	phase "$1" "$SECS"
	kill -TERM "$mon" 2>/dev/null
	wait "$mon" 2>/dev/null
	health_events 0 "$((flood_start - 1))" "$flood_start" >"$tmp/before"
	some_of "$tmp/before" | sed 's/^/    before the flood: /'
	health_events "$flood_start" "$flood_end" >"$tmp/during"
	flood_flaps=$(wc -l <"$tmp/during")
	some_of "$tmp/during" | sed 's/^/    during the flood: /'
	health_events "$((flood_end + 1))" 99999999999999 >"$tmp/after"
	some_of "$tmp/after" | sed 's/^/    after the flood: /'
}
# some_of FILE: its first 8 lines, then how many more
some_of() {
	awk 'NR <= 8 { print } END { if (NR > 8) print "(" NR - 8 " more)" }' "$1"
}
# enforce_ok: no state change while the flood ran, probe loss under 1 %,
# no ring drop
enforce_ok() {
	[ "$flood_flaps" = 0 ] && [ "$ring" = 0 ] &&
		awk -v p="$loss_pct" 'BEGIN { exit !(p < 1) }'
}
# again_after_stall NAME WHAT: a round whose checks failed (WHAT) while
# a CPU of the guest stood still 30 ms or more, half the detection time
# (the host descheduled it), is run once more: says so, waits for the
# hotline to be up; false when the guest ran throughout.
again_after_stall() {
	[ "$stall" -ge 30 ] || return 1
	echo "# $1: a CPU of the guest stood still $stall ms (30 ms or more: the host" \
		"descheduled it), $2: once more"
	settle
}
# again_after_unrest NAME: a round whose checks failed after the channel
# changed state in the moments before the flood (from the monitor's start
# on: the phase's counters were read, then it went down or came back, and
# the probes lost then count against the round) is run once more from a
# settled channel: the guard had not been asked anything yet. Seen once
# on 6.12 (12-04): down 521 ms before the flood, back up degraded by the
# loss, and up again during the flood, with no CPU stall to show for it.
again_after_unrest() {
	[ -s "$tmp/before" ] || return 1
	echo "# $1: the channel changed state before the flood began: once more"
	settle
}
enforce_phase "enforce"
if ! enforce_ok && { again_after_stall enforce "$flood_flaps state changes, $ring ring drops" ||
	again_after_unrest enforce; }; then
	enforce_phase "enforce, again"
fi
if enforce_ok; then
	pass "enforce: the hotline stays up through the flood, probe loss $loss_pct % (under 1 %), no ring drop"
else
	fail "enforce: the hotline stays up, probe loss under 1 %, no ring drop" \
		"$flood_flaps state changes while the flood ran, probe loss $loss_pct %," \
		"$ring ring drops, the guest's longest CPU stall $stall ms" "$(some_of "$tmp/during")"
fi
dropped=$(c2 -j guard show wan0 | jq '.[0].counters.dropped.packets')
check_eq "enforce: the guard dropped the flood beyond the rate" 1 \
	"$([ "$dropped" -ge $((sent / 2)) ] && echo 1 || echo "0 ($dropped of $sent)")"

# ---- auto, driven by guard watch as hotline-guard@wan0.service runs it ----
# The unit's own ExecStart (contrib/hotline-guard@.service) with the
# substitutions make install and systemd make (@SBINDIR@, %i, the hold
# as a drop-in's Environment= sets it), under the unit's capability
# bounding set and no-new-privileges (setpriv). gw2's namespace stands for
# the host's: entered with nsenter, which keeps the mounts, so the pins are
# where a unit finds them (/sys/fs/bpf/hotline), and the guard is attached
# there as an admin would, without -N.
unit=$HOTLINE_ROOT/contrib/hotline-guard@.service
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$unit" | tr 'A-Z ' 'a-z,' | sed 's/cap_/+/g')
read -ra watch_cmd <<<"$(sed -n 's/^ExecStart=//p' "$unit" |
	sed "s|@SBINDIR@/hotlinectl|$HOTLINECTL|; s|%i|wan0|; s|\${HOTLINE_GUARD_HOLD}|$HOLD|")"
nnp=()
grep -qx 'NoNewPrivileges=yes' "$unit" && nnp=(--no-new-privs)
u2() { nsenter --net="/run/netns/$NS_GW2" "$@"; }
# the guard's pins outside gw2's own pin root: gone however the test ends
unit_exit() {
	local rc=$?
	u2 "$HOTLINECTL" guard detach wan0 >/dev/null 2>&1
	(exit "$rc")
	cleanup
}
trap unit_exit EXIT
check "gw2: the enforcing guard detaches" c2 guard detach wan0
check "gw2: the guard in auto, attached in the namespace" \
	u2 "$HOTLINECTL" guard attach wan0 mode auto rate "$GUARD_RATE" burst 50
echo "# the unit's watch: setpriv ${nnp[*]} --bounding-set -all,$caps -- ${watch_cmd[*]}"

# disarmed_after_flood: the time of the watch's first disarm by the hold
# that came after the flood began. A watch that found the channel still
# degraded by the enforce phase armed at its start and disarmed by the
# same hold before the flood: that line is not the answer to the flood.
disarmed_after_flood() {
	local t
	while read -r t; do
		if [ "$(ms_of "$t")" -ge "$flood_start" ]; then
			echo "$t"
			return 0
		fi
	done < <(sed -n "s/^\([^ ]*\) guard wan0 disarmed: every channel up and nothing dropped for $HOLD s.*/\1/p" "$tmp/watch")
	return 1
}

# auto_round NAME: the watch and a monitor started, the flood, and the
# watch's answers judged; the verdicts are kept (verdict) for the caller
# to report, so a round the host stalled can run again before anything
# is said
auto_round() {
	local name=$1 mon watch bad armed delay last_bad up_again t after
	v_kind=() v_title=() v_why=() v_out=()
	: >"$tmp/events"
	: >"$tmp/watch"
	# started directly, not through c2: $! must be hotlinectl itself, or the
	# kill below leaves it holding gw2's namespace and its channel alive
	"$HOTLINECTL" -N "$NS_GW2" -j monitor >"$tmp/events" 2>&1 &
	mon=$!
	# nsenter and setpriv exec, so $! is hotlinectl itself (not through
	# u2: a function in the background is a subshell, and killing it left
	# the watch running into the next round)
	nsenter --net="/run/netns/$NS_GW2" setpriv "${nnp[@]}" --inh-caps=-all \
		--bounding-set="-all,$caps" -- "${watch_cmd[@]}" >"$tmp/watch" 2>&1 &
	watch=$!
	if ! wait_for 10 grep -q 'disarmed: every channel up' "$tmp/watch"; then
		verdict fail "guard watch starts disarmed" "$(cat "$tmp/watch")"
	fi
	phase "$name" $((SECS + 4))
	# the first health event that took the channel down or degraded
	bad=$(jq -r 'select(.event == "health" and (.state == "down" or .state == "degraded"))
		| "\(.status.since_ns) \(.state)"' "$tmp/events" 2>/dev/null | head -n 1)
	# the first arm after the watch stood disarmed: a channel still degraded
	# by the enforce phase arms it at its start (rightly), which is not this
	armed=$(awk '/ guard wan0 disarmed: every channel up/ { ready = 1; next }
		ready && / guard wan0 armed: / { sub(/ guard wan0 armed: /, " "); print; exit }' "$tmp/watch")
	if [ -n "$bad" ] && [ -n "$armed" ]; then
		delay=$(( $(ms_of "${armed%% *}") - ${bad%% *} / 1000000 ))
		# the event is read and the map written by a process the flood
		# competes with, on a guest whose host may be busy. When the
		# watch dumped the channels and synced the peers first, 61 ms
		# was seen on 6.12 with another VM running and 140 ms on 6.1 in
		# CI; arming on the event itself took 3 ms. The bound is two
		# detection times (60 ms each); the delay itself is printed
		if [ "$delay" -ge 0 ] && [ "$delay" -le 120 ] &&
			[[ "${armed#* }" =~ ^hl\ (down|degraded) ]]; then
			verdict pass "auto: the guard armed ${delay} ms after the channel went ${bad#* } (within two 60 ms detection times): ${armed#* }"
		else
			verdict fail "auto: the guard armed within two detection times, naming the channel" \
				"${delay} ms after the channel went ${bad#* }: '${armed#* }'" "$(cat "$tmp/watch")"
		fi
	else
		verdict fail "auto: the flood degrades the hotline and the guard arms" \
			"health event: '${bad:-none}', watch: '${armed:-none}'" "$(cat "$tmp/watch")"
	fi
	# back up while the flood still ran, and up to its end for 2 s or more
	# (100 probes without a state change): the first up after the last
	# down or degraded before the flood ended. Coming back is not one
	# step: at the arm the session goes down, up on the next reply, then
	# degraded until the loss leaves its window. What comes after the
	# flood is not the rescue's: a guest paused past the detection time
	# once the flood is over (the host busy with this script) took the
	# session down 1.4 s after it, and back up degraded by the loss it
	# left in the window; it is printed, not judged
	last_bad=$(jq -r --argjson fend "$flood_end" 'select(.event == "health"
		and (.state == "down" or .state == "degraded")
		and .status.since_ns / 1000000 < $fend) | .status.since_ns' \
		"$tmp/events" 2>/dev/null | tail -n 1)
	up_again=
	if [ -n "$last_bad" ]; then
		up_again=$(jq -r --argjson lb "$last_bad" 'select(.event == "health" and
			.state == "up" and .status.since_ns > $lb) | .status.since_ns' \
			"$tmp/events" 2>/dev/null | head -n 1)
	fi
	if [ -n "$bad" ] && [ -n "$up_again" ] &&
		[ $((up_again / 1000000 + 2000)) -le "$flood_end" ]; then
		verdict pass "auto: the hotline came back up $(( flood_end - up_again / 1000000 )) ms before the flood ended and stayed up to its end"
	else
		verdict fail "auto: the hotline comes back up 2 s or more before the flood ends and stays up" \
			"last down or degraded at ${last_bad:-never}, up again at ${up_again:-never}, flood ended $flood_end ms" \
			"$(jq -r 'select(.event == "health") | "\(.status.since_ns) \(.state)"' "$tmp/events" 2>/dev/null)"
	fi
	jq -r --argjson fend "$flood_end" 'select(.event == "health" and .status.since_ns / 1000000 >= $fend)
		| "    after the flood: \(.state) at +\(.status.since_ns / 1000000 - $fend | floor) ms"' \
		"$tmp/events" 2>/dev/null
	if wait_for $((HOLD + 10)) disarmed_after_flood >/dev/null; then
		t=$(disarmed_after_flood)
		after=$(( $(ms_of "$t") - flood_end ))
		if [ "$after" -ge $((HOLD * 1000)) ]; then
			verdict pass "auto: disarmed $after ms after the flood stopped (hold $HOLD s)"
		else
			verdict fail "auto: disarmed only after the hold time" "$after ms after the flood stopped" \
				"$(cat "$tmp/watch")"
		fi
	else
		verdict fail "auto: the guard disarms after the flood and the hold time" "$(cat "$tmp/watch")"
	fi
	sed 's/^/    watch: /' "$tmp/watch"
	kill -TERM "$watch" "$mon" 2>/dev/null
	wait "$watch" "$mon" 2>/dev/null
}
# verdict pass|fail TITLE [WHY [OUTPUT]]: kept for report_verdicts
verdict() {
	v_kind+=("$1")
	v_title+=("$2")
	v_why+=("${3:-}")
	v_out+=("${4:-}")
}
# report_verdicts: each kept verdict said as pass or fail
report_verdicts() {
	local i
	for i in "${!v_kind[@]}"; do
		if [ "${v_kind[i]}" = pass ]; then
			pass "${v_title[i]}"
		else
			fail "${v_title[i]}" "${v_why[i]}" "${v_out[i]}"
		fi
	done
}

auto_round "auto"
if [[ " ${v_kind[*]} " == *" fail "* ]] &&
	again_after_stall auto "a check failed (first round below)"; then
	report_verdicts | sed 's/^/#   first round: /'
	auto_round "auto, again"
fi
report_verdicts
check "gw2: the guard detaches" u2 "$HOTLINECTL" guard detach wan0
rm -rf "$tmp"
exit 0
