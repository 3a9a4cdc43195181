#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The reflector cannot be turned against anyone. gw2 has an
# unauthenticated channel to gw1, so it reflects test packets from gw1's
# address; stamp_peer plays gw1's sender (or an attacker using its name):
#
#   * a configured peer probing at a sane rate gets every reflection;
#   * a flood of test packets in the peer's name (its address is easy to
#     spoof) is reflected at most HOTLINE_REFLECT_RATE a second with
#     bursts of HOTLINE_REFLECT_BURST; the rest are counted in
#     reflect_limited, and the peer's own probing works again right after;
#   * a reflection is never longer than the test packet, however long
#     the test packet was;
#   * an address that is not a configured peer gets no answer at all;
#   * a keyed session does not answer unauthenticated test packets (they
#     count as auth_failures);
#   * a test packet in the peer's name stamped a day ahead locks the peer
#     out of neither kind of session;
#   * a datagram too short to parse is never answered and counts as
#     malformed; keyed reflections are 112 bytes whatever the test
#     packet's length.
. "$(dirname "$0")/lib.sh"

STAMP_PEER=$HOTLINE_ROOT/build/selftests/stamp_peer
UAPI=$HOTLINE_ROOT/include/uapi/linux/hotline.h
TMP=$(mktemp -d /tmp/test_reflector.XXXXXX)

# g2 FIELD...: gw2's session status (hotlinectl: a Python start is 1.5-2 s)
g2() { hl_status "$NS_GW2" to-gw1 "$@"; }
c2() { "$HOTLINECTL" -N "$NS_GW2" "$@"; }
uapi() { awk -v n="$1" '$1 == "#define" && $2 == n { print $3 }' "$UAPI"; }

if [ ! -x "$STAMP_PEER" ]; then
	fail "stamp_peer" "no $STAMP_PEER: run selftests/unit/health_run.sh on the host"
	exit 1
fi
RATE=$(uapi HOTLINE_REFLECT_RATE)
BURST=$(uapi HOTLINE_REFLECT_BURST)
check_eq "the UAPI header states the reflector's rate and burst" "200 20" "$RATE $BURST"

topo_create v4
hl_load

# gw2's own probes go to gw1:862, where nobody listens; only its
# reflector matters here, for gw1's address (its session stays down).
check "gw2 adds to-gw1 (unauthenticated)" c2 channel add to-gw1 peer "$GW1_WAN4/32" \
	probe "$GW1_WAN4" interval 1000 unauthenticated

# send OUTFILE NS ARGS...: stamp_peer send to gw2 from NS. Each send
# starts where the last one's sequence numbers ended, so the reflector's
# replay window never refuses one.
seq=0
send() {
	local out=$1 ns=$2
	shift 2
	ip netns exec "$ns" "$STAMP_PEER" send "$GW2_WAN4" -s "$seq" "$@" >"$out" 2>&1
	seq=$((seq + 5000))
}
received() { sed -n 's/^sent [0-9]* received \([0-9]*\)$/\1/p' "$1"; }

# ---- a peer at its own pace: every test packet answered ----------------
send "$TMP/pace" "$NS_GW1" -c 40 -i 20 -w 500
check_eq "a peer probing 50 times a second gets all 40 reflections" 40 "$(received "$TMP/pace")"

# ---- a flood in the peer's name ----------------------------------------
sleep 0.2	# the bucket refills: a full burst to start with
# shellcheck disable=SC2046
set -- $(g2 reflected reflect_limited)
refl0=$1 lim0=$2
t0=$(date +%s%N)
send "$TMP/flood" "$NS_GW1" -c 4000 -i 0 -w 300
t1=$(date +%s%N)
# shellcheck disable=SC2046
set -- $(g2 reflected reflect_limited)
refl=$(($1 - refl0)) lim=$(($2 - lim0))
got=$(received "$TMP/flood")
ms=$(((t1 - t0) / 1000000 - 300))	# sending, without the wait for replies
# the most the bucket allows over the send, with 10% and one burst of slack
# for the clock between the two ends of the send
max=$((BURST + RATE * ms * 11 / 10000 + BURST))
echo "# flood: 4000 test packets in $ms ms; reflected $refl, limited $lim, received $got"
if [ "$refl" -le "$max" ] && [ "$refl" -ge "$BURST" ]; then
	pass "a flood of 4000 test packets in $ms ms: $refl reflected (at most $max: $RATE/s + burst $BURST)"
else
	fail "a flood in the peer's name is reflected at most $RATE/s + a burst of $BURST" \
		"$refl reflected in $ms ms, allowed $BURST..$max"
fi
# the veth backlog may drop some of a burst this fast before gw2 sees them
if [ "$((refl + lim))" -le 4000 ] && [ "$((refl + lim))" -ge 3600 ]; then
	pass "every test packet of the flood that arrived was reflected or counted as limited ($((refl + lim)))"
else
	fail "every test packet of the flood was reflected or counted as limited" \
		"reflected $refl + limited $lim of 4000 sent"
fi
if [ "$got" -le "$refl" ]; then
	pass "the flood's sender got no more replies than were reflected ($got of $refl)"
else
	fail "the flood's sender got no more replies than were reflected" "$got received, $refl reflected"
fi
sleep 0.2
send "$TMP/after" "$NS_GW1" -c 10 -i 20 -w 500
check_eq "right after the flood the peer's own probing is answered again" 10 \
	"$(received "$TMP/after")"

# ---- never more bytes out than in ---------------------------------------
# answered_with WANT LEN... [-- SEND-ARGS]: test packets of each LEN bytes
# are each answered, with WANT bytes
answered_with() {
	local want=$1 len lens bad=""
	shift
	local lengths=() args=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do lengths+=("$1"); shift; done
	[ $# -gt 0 ] && { shift; args=("$@"); }
	for len in "${lengths[@]}"; do
		sleep 0.1
		send "$TMP/len" "$NS_GW1" -c 3 -i 20 -w 300 -P "$len" "${args[@]}"
		lens=$(sed -n 's/^reply .* len=\([0-9]*\)$/\1/p' "$TMP/len" | sort -u | tr '\n' ' ')
		[ "$lens" = "$want " ] && [ "$(received "$TMP/len")" = 3 ] ||
			bad+="$len bytes in: $(received "$TMP/len") replies of ${lens:-no} bytes; "
	done
	[ -z "$bad" ] || { echo "$bad"; return 1; }
}
check "test packets of 44 to 1472 bytes are answered with 44" \
	answered_with 44 44 45 100 512 1472

# ---- too short to parse: never answered, counted ---------------------------
# short_sends NAME FIELD LEN... [-- SEND-ARGS]: one datagram of each LEN
# bytes from gw1; none is answered and FIELD grows by one for each
short_sends() {
	local name=$1 field=$2 n got=0 f0 want=0
	shift 2
	local lengths=() args=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do lengths+=("$1"); shift; done
	[ $# -gt 0 ] && { shift; args=("$@"); }
	f0=$(g2 "$field")
	for n in "${lengths[@]}"; do
		send "$TMP/short" "$NS_GW1" -c 1 -w 20 -T "$n" "${args[@]}"
		got=$((got + $(received "$TMP/short")))
		want=$((want + 1))
	done
	check_eq "$name: no answer" 0 "$got"
	# shellcheck disable=SC2317
	counted() { [ $(($(g2 "$field") - f0)) -ge "$want" ]; }
	if wait_for 10 counted; then
		pass "$name: each counted in $field ($want)"
	else
		fail "$name: each counted in $field" "$(($(g2 "$field") - f0)) of $want"
	fi
}
# every field boundary of the 44-byte layout, not all 44 lengths: each
# send is a process start under TCG, and test_hostile sends every length
short_sends "datagrams of 0 to 43 bytes at each field boundary from gw1" malformed \
	0 1 3 4 8 11 12 13 14 16 20 24 32 40 43

# ---- not a configured peer: silence --------------------------------------
# shellcheck disable=SC2046
set -- $(g2 reflected reflect_limited malformed)
before="$*"
send "$TMP/stranger" "$NS_A" -c 20 -i 10 -w 300
# shellcheck disable=SC2046
set -- $(g2 reflected reflect_limited malformed)
check_eq "host A (not a configured peer) gets no reflection" 0 "$(received "$TMP/stranger")"
check_eq "and moves none of the session's counters" "$before" "$*"

# ---- unauthenticated: a timestamp far ahead does not lock the peer out ----
# An unauthenticated test packet can be forged outright, so the session
# keeps no replay window that one such packet could push past the peer.
send "$TMP/ahead" "$NS_GW1" -c 1 -w 300 -A 86400 -s 4000000000
check_eq "a test packet in gw1's name stamped a day ahead is answered" 1 "$(received "$TMP/ahead")"
send "$TMP/after_ahead" "$NS_GW1" -c 10 -i 20 -w 300
check_eq "and gw1's own test packets after it are all answered" 10 "$(received "$TMP/after_ahead")"

# ---- keyed: unauthenticated test packets are not answered ----------------
"$HOTLINECTL" genkey >"$TMP/k" && chmod 600 "$TMP/k"
KEYHEX=$(base64 -d <"$TMP/k" | od -An -tx1 | tr -d ' \n')
check "gw2's channel becomes keyed" c2 channel set to-gw1 probe "$GW1_WAN4" key-file "$TMP/k"
af0=$(g2 auth_failures)
send "$TMP/unauth" "$NS_GW1" -c 10 -i 20 -w 300 -k "$KEYHEX" -U
check_eq "a keyed session answers no unauthenticated test packet" 0 "$(received "$TMP/unauth")"
check_eq "and counts each as an auth failure" 10 "$(($(g2 auth_failures) - af0))"
send "$TMP/keyed" "$NS_GW1" -c 10 -i 20 -w 300 -k "$KEYHEX"
check_eq "the same packets signed with the key are answered" 10 "$(received "$TMP/keyed")"
check "keyed: test packets of 112 to 1472 bytes are answered with 112" \
	answered_with 112 112 113 512 1472 -- -k "$KEYHEX"
short_sends "keyed: datagrams of 0, 1, 20 and 43 bytes" malformed 0 1 20 43 -- -k "$KEYHEX"
# Keyed, the timestamp is under the HMAC: a forger's packet stamped a day
# ahead fails it before the replay window sees it.
send "$TMP/ahead_k" "$NS_GW1" -c 1 -w 300 -A 86400 -s 4000000000 -k "$KEYHEX" -W
check_eq "keyed: a forged test packet stamped a day ahead is not answered" 0 "$(received "$TMP/ahead_k")"
send "$TMP/after_k" "$NS_GW1" -c 10 -i 20 -w 300 -k "$KEYHEX"
check_eq "and gw1's signed test packets after it are all answered" 10 "$(received "$TMP/after_k")"

rm -rf "$TMP"
