#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `hotlinectl guard` end to end on gw2's WAN device: with the guard
# enforcing 100 packets/s, a ping flood from gw1's own address (not a
# hotline peer) is cut down at gw2 while hostA's pings, forwarded by gw1
# with hostA's address (a channel's peer prefix on gw2), all get through;
# `guard show -j` counts exactly what the flood lost; `guard sync` and
# `guard watch` pick up a channel added later (the flood then passes);
# the same device name in two namespaces holds two guards; `guard detach`
# leaves no XDP program. Bad input changes nothing.
. "$(dirname "$0")/lib.sh"

hl() { "$HOTLINECTL" "$@"; }
gw1() { hl -N "$NS_GW1" "$@"; }
gw2() { hl -N "$NS_GW2" "$@"; }

hl_load
topo_create v4
# The guard's pins need a BPF filesystem at /sys/fs/bpf.
if ! mountpoint -q /sys/fs/bpf; then
	mount -t bpf bpf /sys/fs/bpf || { fail "bpffs" "cannot mount /sys/fs/bpf"; exit 1; }
fi
# Keep IPv6 link-local chatter (also non-hotline IP) out of the counts.
for ns in "$NS_GW1" "$NS_GW2"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.wan0.disable_ipv6=1
done

# flood N: N pings from gw1's WAN address to gw2 at 1 ms (as fast as the
# VM manages); prints "sent received milliseconds".
flood() {
	ns_gw1 ping -c "$1" -i 0.001 -W 1 -q "$GW2_WAN4" |
		sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.* time \([0-9]*\)ms.*/\1 \2 \3/p'
}
gjson() { gw2 -j guard show wan0; }
counter() { gjson | jq -r ".[0].counters.$1.packets"; }

ns_a ping -c 1 -W 2 "$B4" >/dev/null   # ARP and routes warm

# ---- bad input changes nothing ----
check_fails "attach to a missing device fails" gw2 guard attach nosuch0 mode enforce
gw2 guard attach wan0 rate abc >/dev/null 2>&1; rc=$?
check_eq "a bad rate is a usage error" "2" "$rc"
check_eq "nothing attached after bad input" "" "$(ip -n "$NS_GW2" link show wan0 | grep -o 'xdp[a-z]*')"

read -r s0 r0 _ <<<"$(flood 300)"
if [ "${s0:-0}" -gt 0 ] && [ "$((r0 * 100 / s0))" -ge 95 ]; then
	pass "without the guard the flood gets through ($r0/$s0)"
else
	fail "without the guard the flood gets through" "$r0 of $s0 answered"
fi

check "channel for hostA's prefix on gw2" gw2 channel add hosta peer "$NET_A4"
check "guard attach wan0 mode enforce rate 100" gw2 guard attach wan0 mode enforce rate 100
if ip -n "$NS_GW2" link show wan0 | grep -q 'xdp'; then
	pass "an XDP program is on gw2's wan0"
else
	fail "an XDP program is on gw2's wan0" "none" "$(ip -n "$NS_GW2" link show wan0)"
fi
check_eq "guard show -j: mode, limit, peers" "enforce 100 1 false" \
	"$(gjson | jq -r '.[0] | "\(.mode) \(.limits.pps) \(.peers.ipv4) \(.armed)"')"

drop0=$(counter dropped)
pass0=$(counter passed)
hot0=$(counter hotline)
ns_a ping -c 40 -i 0.05 -W 2 -q "$B4" >"/tmp/hostA-ping.$$" &
pa=$!
read -r s1 r1 t1 <<<"$(flood 1000)"
wait "$pa"
aloss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' "/tmp/hostA-ping.$$")
check_eq "hostA's hotline pings all get through the flood" "0" "$aloss"
# The bucket holds 100 packets and refills 100 a second: at most that
# many of the flood's echo requests reach gw2 (+20 for the reply wait).
limit=$((100 + 100 * ${t1:-0} / 1000 + 20))
if [ "${s1:-0}" -gt 0 ] && [ "$r1" -lt "$s1" ] && [ "$r1" -le "$limit" ]; then
	pass "the flood is cut to the rate ($r1/$s1 answered in ${t1}ms, limit $limit)"
else
	fail "the flood is cut to the rate" "$r1 of $s1 answered in ${t1}ms; at most $limit expected"
fi
drop1=$(counter dropped)
pass1=$(counter passed)
hot1=$(counter hotline)
lost=$((s1 - r1))
dropped=$((drop1 - drop0))
if [ "$dropped" -ge "$lost" ] && [ "$dropped" -le "$((lost + 5))" ]; then
	pass "guard show: dropped counts what the flood lost ($dropped, lost $lost)"
else
	fail "guard show: dropped counts what the flood lost" "dropped $dropped, flood lost $lost"
fi
if [ "$((pass1 - pass0))" -ge "$r1" ]; then
	pass "guard show: passed counts the answered part ($((pass1 - pass0)) >= $r1)"
else
	fail "guard show: passed counts the answered part" "passed $((pass1 - pass0)) < $r1"
fi
if [ "$((hot1 - hot0))" -ge 40 ]; then
	pass "guard show: hostA's pings counted as hotline ($((hot1 - hot0)))"
else
	fail "guard show: hostA's pings counted as hotline" "$((hot1 - hot0)) < 40"
fi
table=$(gw2 guard show)
if grep -Eq "^wan0 +enforce +no +(native|generic) +100 +100 +- +- +1 +$hot1 +$pass1 +$drop1 " <<<"$table"; then
	pass "guard show table"
else
	fail "guard show table" "unexpected" "$table"
fi

# ---- sync: a channel added later ----
gw2 channel add gw1 peer "$GW1_WAN4/32"
check_eq "attach synced once: the new channel is not a peer yet" "1" \
	"$(gjson | jq -r '.[0].peers.ipv4')"
check "guard sync" gw2 guard sync wan0
check_eq "guard sync picks the new peer" "2" "$(gjson | jq -r '.[0].peers.ipv4')"
read -r s2 r2 _ <<<"$(flood 500)"
if [ "${s2:-0}" -gt 0 ] && [ "$((r2 * 100 / s2))" -ge 95 ]; then
	pass "the flood from a peer now passes ($r2/$s2)"
else
	fail "the flood from a peer now passes" "$r2 of $s2 answered"
fi

# ---- watch: keeps peers in sync from config events ----
"$HOTLINECTL" -N "$NS_GW2" guard watch wan0 hold 2 >"/tmp/watch.$$" 2>&1 &
pw=$!
wait_for 5 grep -q 'peers 2 (start)' "/tmp/watch.$$"
gw2 channel add far peer 10.77.0.0/16 probe 10.78.0.1 interval 100 unauthenticated
peers3() { [ "$(gjson | jq -r '.[0].peers.ipv4')" = 4 ]; }
if wait_for 5 peers3; then
	pass "guard watch adds a new channel's peer and probe address"
else
	fail "guard watch adds a new channel's peer and probe address" \
		"peers $(gjson | jq -r '.[0].peers.ipv4')" "$(cat "/tmp/watch.$$")"
fi
gw2 channel del gw1
peers_back() { [ "$(gjson | jq -r '.[0].peers.ipv4')" = 3 ]; }
if wait_for 5 peers_back; then
	pass "guard watch removes a deleted channel's peer"
else
	fail "guard watch removes a deleted channel's peer" "peers $(gjson | jq -r '.[0].peers.ipv4')"
fi
# far's probe address never answers: with health, the channel goes down
far_state=$(gw2 -j show far | jq -r '.[0].status.state // empty')
if [ -n "$far_state" ]; then
	armed() { [ "$(gjson | jq -r '.[0].armed')" = true ]; }
	if wait_for 10 armed && wait_for 2 grep -q 'guard wan0 armed: far down' "/tmp/watch.$$"; then
		pass "guard watch arms the guard while a channel is down, saying which"
	else
		fail "guard watch arms the guard while a channel is down" \
			"state $(gw2 -j show far | jq -r '.[0].status.state'), armed false" "$(cat "/tmp/watch.$$")"
	fi
	gw2 channel del far
	disarmed() { [ "$(gjson | jq -r '.[0].armed')" = false ]; }
	t0=$SECONDS
	if wait_for 10 disarmed && grep -q 'guard wan0 holding: every channel up' "/tmp/watch.$$" &&
		grep -q 'guard wan0 disarmed: every channel up and nothing dropped for 2 s' "/tmp/watch.$$"; then
		if [ $((SECONDS - t0)) -ge 2 ]; then
			pass "guard watch disarms when every channel is up, after the hold time"
		else
			fail "guard watch disarms after the hold time" "disarmed after $((SECONDS - t0)) s" \
				"$(cat "/tmp/watch.$$")"
		fi
	else
		fail "guard watch disarms when no channel is down" "still armed" "$(cat "/tmp/watch.$$")"
	fi
else
	skip "guard watch arming" "health engine not in this build (no status for far)"
fi
kill -TERM "$pw"
wait "$pw"
check_eq "guard watch exits 0 on SIGTERM" "0" "$?"

# ---- the pins: root's alone ----
# Whoever can write config or peers4/6 can switch the guard off, so every
# directory on the way is 0700 and every pin 0600, both root's; and
# nobody can neither read the guard nor change it, through hotlinectl
# or bpftool. (Debian also disables unprivileged bpf(); the modes are
# what holds where an administrator enables it.)
pins=$(ls -d /sys/fs/bpf/hotline-ns/"$NS_GW2"/wan0 2>/dev/null)
if [ -n "$pins" ]; then
	modes=$(stat -c '%n %a %U' /sys/fs/bpf/hotline-ns /sys/fs/bpf/hotline-ns/"$NS_GW2" "$pins" "$pins"/*)
	bad=$(awk '($2 != "700" && $2 != "600") || $3 != "root"' <<<"$modes")
	check_eq "the guard's pin directories are 0700 and its pins 0600, all root's" "" "$bad"
	NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	before=$(gjson | jq -c '.[0] | del(.counters)')
	echo "    kernel.unprivileged_bpf_disabled=$(sysctl -n kernel.unprivileged_bpf_disabled)"
	check_fails "nobody cannot read the guard (guard show)" \
		"${NOBODY[@]}" "$HOTLINECTL" -N "$NS_GW2" guard show wan0
	check_fails "nobody cannot open the config pin (bpftool)" \
		"${NOBODY[@]}" bpftool map show pinned "$pins/config"
	# the config as it is, written back: root may (the control), nobody not
	read -ra val <<<"$(bpftool -j map lookup pinned "$pins/config" key hex 00 00 00 00 |
		jq -r '.value | map(sub("^0x"; "")) | join(" ")')"
	check "root can write the config pin back as it is (bpftool)" \
		bpftool map update pinned "$pins/config" key hex 00 00 00 00 value hex "${val[@]}"
	check_fails "nobody cannot update the config pin (bpftool)" \
		"${NOBODY[@]}" bpftool map update pinned "$pins/config" key hex 00 00 00 00 \
		value hex "${val[@]}"
	check_eq "the guard unchanged by nobody's attempts" "$before" \
		"$(gjson | jq -c '.[0] | del(.counters)')"
else
	fail "the guard's pins" "no /sys/fs/bpf/hotline-ns/$NS_GW2/wan0" \
		"$(find /sys/fs/bpf -maxdepth 3 2>&1 | head -n 20)"
fi

# ---- two namespaces, one device name ----
check "a guard on gw1's wan0 too" gw1 guard attach wan0 mode monitor
check_eq "each namespace shows its own guard" "monitor enforce" \
	"$(gw1 -j guard show | jq -r '.[0].mode') $(gjson | jq -r '.[0].mode')"
check "guard detach on gw1" gw1 guard detach wan0
check_eq "gw2's guard is untouched" "enforce" "$(gjson | jq -r '.[0].mode')"

# ---- detach ----
check "guard detach" gw2 guard detach wan0
check_eq "no XDP program after detach" "" "$(ip -n "$NS_GW2" link show wan0 | grep -o 'xdp[a-z]*')"
check_fails "guard show of a detached device fails" gw2 guard show wan0
check_fails "detach twice fails" gw2 guard detach wan0
read -r s3 r3 _ <<<"$(flood 300)"
if [ "${s3:-0}" -gt 0 ] && [ "$((r3 * 100 / s3))" -ge 95 ]; then
	pass "after detach the flood passes again ($r3/$s3)"
else
	fail "after detach the flood passes again" "$r3 of $s3 answered"
fi
sed "s/^/    watch: /" "/tmp/watch.$$"
rm -f "/tmp/hostA-ping.$$" "/tmp/watch.$$"
