#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Channels deleted while their sessions probe every 10 ms and change
# state all the time, one request per channel and whole plans at a time.
# A state change sends an event that reads the session's channel, so a
# channel freed before its session stopped is a use-after-free that only
# shows when a timer changes the state in that window: a general
# protection fault on a production kernel if the memory was reused, a
# KASAN report on the debug kernel (such a bug was found this way). The
# runner fails the run on either; the test checks that the churn left
# exactly what it should.
#
# gw2 keeps one unauthenticated session per port pair, so its reflector
# answers each of gw1's; netem drops a quarter of gw2's packets and gw1's
# sessions declare a link down after one lost probe (detect-mult 1), so
# they flap up and down many times a second. gw1 adds and deletes them:
#   1. CHANNEL_DEL: rounds of 16 channels added, probing, deleted;
#   2. apply: plans that delete 16 probing channels at once, and plans
#      that replace 8 by 8 others on the same addresses and ports (the
#      leaving sessions hand their ports to the new ones);
#   3. rmmod with the last plan's sessions probing.
. "$(dirname "$0")/lib.sh"

HLH=$HOTLINE_ROOT/selftests/hlhealth.py
N=16
ROUNDS=${HL_CHURN_ROUNDS:-3}
# KASAN, lockdep and TCG make each delete's grace period ~10 times dearer
[ "$HL_DEBUG_KERNEL" = 1 ] && N=8 ROUNDS=${HL_CHURN_ROUNDS:-3}
IVAL=10
tmp=$(mktemp -d /tmp/test_probe_churn.XXXXXX)

h1() { ip netns exec "$NS_GW1" /usr/bin/python3 "$HLH" "$@"; }
h2() { ip netns exec "$NS_GW2" /usr/bin/python3 "$HLH" "$@"; }
c1() { "$HOTLINECTL" -N "$NS_GW1" "$@"; }
# all_up PREFIX COUNT: COUNT of gw1's PREFIX* sessions are up (probing,
# and answered by gw2's reflector)
all_up() { [ "$(hl_states "$NS_GW1" "$1" | awk '$1 == "up" { print $2 }')" = "$2" ]; }
# flaps PREFIX: state changes of gw1's PREFIX* sessions
flaps() { hl_states "$NS_GW1" "$1" | awk '$1 == "flaps" { print $2 }'; }
names() { c1 -j channel show | jq -r '.[].name' | sort | xargs; }
# Later rounds only let the timers run: a session arms its transmit
# timer when it starts, and 10 ms intervals fire many times in this.
PROBE_FOR=0.2

# plan FILE PREFIX FROM TO: channels PREFIXi for i in FROM..TO-1, each
# probing gw2's port 20000+i from local port 10000+i every 10 ms
plan() {
	local f=$1 p=$2 i
	: >"$f"
	for ((i = $3; i < $4; i++)); do
		printf '[Channel %s%d]\nPeer = %s\nProbe = %s:%d\nLocalPort = %d\nInterval = %d\nDetectMult = 1\nUnauthenticated = yes\n\n' \
			"$p" "$i" "$GW2_WAN4" "$GW2_WAN4" $((20000 + i)) $((10000 + i)) "$IVAL" >>"$f"
	done
}

topo_create v4
hl_load

check "gw2 reflects for $N port pairs" \
	h2 bulk_add r "$N" "$GW1_WAN4/32" "$GW1_WAN4" 20000 10000 1000 3

# A listener makes every state change build an event from the channel.
"$HOTLINECTL" -N "$NS_GW1" monitor >"$tmp/monitor" 2>&1 &

lossy() { tc -n "$NS_GW2" qdisc replace dev wan0 root netem loss 25%; }

# ---- CHANNEL_DEL of probing channels ---------------------------------------
# Made by one apply (fast), deleted by one request each.
plan "$tmp/full.conf" c 0 "$N"
plan "$tmp/a.conf" a 0 $((N / 2))
plan "$tmp/b.conf" b 0 $((N / 2))
echo "# nothing" >"$tmp/empty.conf"
t0=$SECONDS
ok=1
for ((r = 1; r <= ROUNDS && ok; r++)); do
	c1 apply "$tmp/full.conf" >"$tmp/out" 2>&1 || { ok=0; break; }
	if [ "$r" = 1 ]; then
		# the first round proves the sessions probe and are answered
		if wait_for 60 all_up c "$N"; then
			pass "$N sessions at $IVAL ms come up against gw2's reflector"
		else
			fail "$N sessions at $IVAL ms come up" "$(hl_states "$NS_GW1" c | xargs)"
		fi
		lossy
		f0=$(flaps c)
		e0=$(wc -l <"$tmp/monitor")
		sleep 1
		f1=$(flaps c)
		e1=$(wc -l <"$tmp/monitor")
		if [ $((f1 - f0)) -ge "$N" ] && [ $((e1 - e0)) -ge "$N" ]; then
			pass "with 25% loss and detect-mult 1 they flap ($((f1 - f0)) state changes, $((e1 - e0)) events)"
		else
			fail "with 25% loss and detect-mult 1 they flap, seen by monitor" \
				"$((f1 - f0)) state changes, $((e1 - e0)) events"
		fi
	else
		sleep "$PROBE_FOR"
	fi
	for ((i = 0; i < N; i++)); do
		c1 channel del "c$i" >"$tmp/out" 2>&1 || { ok=0; break; }
	done
done
if [ "$ok" = 1 ]; then
	check_eq "$ROUNDS rounds of $N probing channels deleted one by one: table empty" \
		"" "$(names)"
else
	fail "$N probing channels deleted one by one" "round $r" "$(cat "$tmp/out")"
fi
echo "# CHANNEL_DEL rounds: $((SECONDS - t0)) s"

# ---- apply: whole plans of probing channels deleted or replaced ------------
t0=$SECONDS
ok=1
for ((r = 1; r <= ROUNDS; r++)); do
	c1 apply "$tmp/full.conf" >"$tmp/out" 2>&1 || { ok=0; break; }
	sleep "$PROBE_FOR"
	c1 apply "$tmp/empty.conf" >"$tmp/out" 2>&1 || { ok=0; break; }
	[ -z "$(names)" ] || { ok=0; echo "left: $(names)" >"$tmp/out"; break; }
done
if [ "$ok" = 1 ]; then
	pass "$ROUNDS plans adding $N probing channels, then deleting all of them in one apply"
else
	fail "plans deleting $N probing channels in one apply" "round $r" "$(cat "$tmp/out")"
fi

echo "# delete-all plans: $((SECONDS - t0)) s"
t0=$SECONDS
ok=1
c1 apply "$tmp/a.conf" >"$tmp/out" 2>&1 || ok=0
for ((r = 1; r <= ROUNDS && ok; r++)); do
	for f in b a; do
		sleep "$PROBE_FOR"
		c1 apply "$tmp/$f.conf" >"$tmp/out" 2>&1 || { ok=0; break; }
	done
done
if [ "$ok" = 1 ]; then
	pass "$((2 * ROUNDS)) plans replacing $((N / 2)) probing channels by $((N / 2)) on the same ports"
else
	fail "plans replacing probing channels on the same ports" "round $r" "$(cat "$tmp/out")"
fi
echo "# replacing plans: $((SECONDS - t0)) s"
tc -n "$NS_GW2" qdisc del dev wan0 root
want=$(for ((i = 0; i < N / 2; i++)); do echo "a$i"; done | sort | xargs)
check_eq "the last plan's channels are the table" "$want" "$(names)"
if wait_for 60 all_up a $((N / 2)); then
	pass "the handed-over sessions come up on the ports they took"
else
	fail "the handed-over sessions come up" "$(hl_states "$NS_GW1" a | xargs)"
fi

# ---- rmmod while they probe --------------------------------------------------
if hl_unload; then
	pass "rmmod with $((N / 2 + N)) sessions probing"
else
	fail "rmmod with $((N / 2 + N)) sessions probing" "rmmod failed"
fi
rm -rf "$tmp"
exit 0
