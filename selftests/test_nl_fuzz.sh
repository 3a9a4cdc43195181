#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The hotline netlink family under nlfuzz (selftests/nlfuzz): generated and
# mutated requests, every answer checked against the contract and the
# table against a model after every batch.
#
#   1. as root, in a fresh network namespace;
#   2. as root of a user namespace an unprivileged user made (unshare -Urn
#      as nobody): the changes land in its own namespace only, and a
#      canary channel in the init namespace and one in another namespace
#      stay exactly as they were, and nothing of the user namespace's
#      channels shows outside;
#   3. as an unprivileged user in a namespace with a canary: every change
#      is refused with EPERM and the canary is untouched;
#   4. everything deleted, rmmod; then again with fuzzed channels (and
#      health sessions) left in place, rmmod must still work.
#
# HL_FUZZ_REQUESTS (or HOTLINE_FUZZ_REQUESTS, which passes into the VM)
# is the number of requests of steps 1 and 2 together (default 100000,
# half each). HL_FUZZ_SECONDS (HOTLINE_FUZZ_SECONDS) bounds their time
# (default 240, half each; 0: no bound): 100000 requests take 40-100 s on
# the Debian kernels under TCG, but a KASAN+lockdep kernel answers only
# 110-160 requests/s, so there the bound decides. HL_FUZZ_SEED
# (HOTLINE_FUZZ_SEED) fixes the seeds; HL_FUZZ_ARGS (HOTLINE_FUZZ_ARGS)
# adds options to every run (e.g. --no-nul-tail, see nlfuzz's usage). The fuzzer's summary lines
# (requests/s, outcomes by errno, time per kind of request) are shown.
. "$(dirname "$0")/lib.sh"

NLFUZZ=${NLFUZZ:-$HOTLINE_ROOT/build/nlfuzz/nlfuzz}
N=${HL_FUZZ_REQUESTS:-${HOTLINE_FUZZ_REQUESTS:-100000}}
SECS=${HL_FUZZ_SECONDS:-${HOTLINE_FUZZ_SECONDS:-240}}
read -ra EXTRA <<<"${HL_FUZZ_ARGS:-${HOTLINE_FUZZ_ARGS:-}}"
SEED=${HL_FUZZ_SEED:-${HOTLINE_FUZZ_SEED:-}}
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
NS=hl-fz-$$
NS2=hl-fz2-$$
tmp=$(mktemp -d /tmp/test_nl_fuzz.XXXXXX)
chmod 755 "$tmp"

case $N$SECS in
'' | *[!0-9]*) fail "HL_FUZZ_REQUESTS, HL_FUZZ_SECONDS" "not numbers: '$N' '$SECS'"; exit 1 ;;
esac
# each of the two long runs gets half; the short ones a few seconds each
half_secs=$((SECS / 2))
[ "$SECS" -gt 0 ] && [ "$half_secs" -eq 0 ] && half_secs=1
short_secs=$(( SECS ? 15 : 0 ))
if [ ! -x "$NLFUZZ" ]; then
	fail "nlfuzz" "no $NLFUZZ (make -C selftests/nlfuzz)"
	exit 1
fi

# one seed per run, from SEED; printed, so that HL_FUZZ_SEED replays it
[ -n "$SEED" ] || SEED=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
echo "    test_nl_fuzz: HL_FUZZ_SEED=$SEED HL_FUZZ_REQUESTS=$N HL_FUZZ_SECONDS=$SECS" \
	"HL_FUZZ_ARGS='${EXTRA[*]}'"
seed_of() { echo "--seed=$((SEED + $1))"; }

# summary: the fuzzer's own summary lines, indented.
summary() {
	grep -E '^nlfuzz: (seed|outcomes|time|[0-9]+ batches|netns)' | sed 's/^/    /'
}

# fuzz NAME CMD...: run the fuzzer; PASS when it found nothing. Its
# summary is shown; on failure, its reports too.
fuzz() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	summary <<<"$out"
	if [ "$rc" -eq 0 ]; then
		pass "$name"
	else
		fail "$name" "nlfuzz exited $rc" "$(grep -v '^nlfuzz: \(outcomes\|seed\)' <<<"$out" | head -n 80)"
	fi
}

# show [NETNS]: the table as hotlinectl prints it, counters left out
# (nothing should move them here, but they are not what is compared).
show() {
	local ns=()
	[ -n "${1:-}" ] && ns=(-N "$1")
	"$HOTLINECTL" "${ns[@]}" -j channel show | jq -c 'map(del(.stats))'
}

hl_load
ip netns add "$NS"
ip netns add "$NS2"

check "canary in the init namespace" "$HOTLINECTL" channel add fzcanary \
	peer 192.0.2.0/24 local 198.51.100.0/24 proto udp port 5000-5001 dscp 10 \
	priority 1:10 mark 0x5/0xff
check "canary in another namespace" "$HOTLINECTL" -N "$NS2" channel add fzcanary2 \
	peer 2001:db8::/32 proto tcp dscp 0
init_before=$(show)
ns2_before=$(show "$NS2")

half=$((N / 2))
fuzz "up to $half requests as root in a fresh namespace" \
	ip netns exec "$NS" "$NLFUZZ" --requests "$half" --seconds "$half_secs" "$(seed_of 0)" "${EXTRA[@]}"

# The user namespace's fuzzer checks from inside that it starts empty and
# cannot join the init namespace. At its end it lists its channels and
# waits (--hold) while we look for them from outside.
chmod 777 "$tmp"
outside_before=$(printf '%s\n' "$(show)" "$(show "$NS")" "$(show "$NS2")")
"${NOBODY[@]}" unshare -Urn "$NLFUZZ" --netns-check --prefix fu --hold "$tmp" \
	--requests "$((N - half))" --seconds "$half_secs" "$(seed_of 1)" "${EXTRA[@]}" \
	>"$tmp/userns.log" 2>&1 &
userns=$!
# held, or ended without getting there (called through wait_for)
# shellcheck disable=SC2317
held_or_gone() { [ -e "$tmp/held" ] || ! kill -0 "$userns" 2>/dev/null; }
# under TCG on a debug kernel this is most of the test's time
if wait_for $(( SECS ? 3 * half_secs + 600 : 86400 )) held_or_gone && [ -e "$tmp/held" ]; then
	# Every table outside is compared whole, not searched for the held
	# names: the first run mutates names byte by byte and can make one
	# of them (fz3... -> fu3...) in $NS quite legitimately.
	now=$(printf '%s\n' "$(show)" "$(show "$NS")" "$(show "$NS2")")
	if [ "$now" = "$outside_before" ]; then
		pass "none of the user namespace's $(wc -l <"$tmp/held") channels visible outside"
	else
		fail "none of the user namespace's channels visible outside" "tables changed:" \
			"$(diff <(echo "$outside_before") <(echo "$now") | head -n 40)"
	fi
fi
touch "$tmp/go"
wait "$userns"
rc=$?
summary <"$tmp/userns.log"
name="up to $((N - half)) requests as root of an unprivileged user namespace"
if [ "$rc" -eq 0 ]; then
	pass "$name"
else
	fail "$name" "nlfuzz exited $rc" "$(grep -v '^nlfuzz: \(outcomes\|seed\)' "$tmp/userns.log" | head -n 80)"
fi

check_eq "the init namespace's canary is unchanged" "$init_before" "$(show)"
check_eq "the other namespace's canary is unchanged" "$ns2_before" "$(show "$NS2")"
n=$("$HOTLINECTL" -j channel show | jq length)
check_eq "only the canary in the init namespace" 1 "$n"

m=$((N / 50))
[ "$m" -gt 5000 ] && m=5000
[ "$m" -lt 200 ] && m=200
fuzz "up to $m requests unprivileged: all changes refused (EPERM)" \
	ip netns exec "$NS2" "${NOBODY[@]}" "$NLFUZZ" --unpriv --requests "$m" \
	--seconds "$short_secs" "$(seed_of 2)" "${EXTRA[@]}"
check_eq "the canary survived the unprivileged fuzzer" "$ns2_before" "$(show "$NS2")"

# --- the end: everything deleted, then rmmod --------------------------
fuzz "delete every fuzzed channel" ip netns exec "$NS" "$NLFUZZ" --requests 0 --flush "${EXTRA[@]}"
"$HOTLINECTL" channel del fzcanary
"$HOTLINECTL" -N "$NS2" channel del fzcanary2
left=$( { show; show "$NS"; show "$NS2"; } | tr -d '\n')
check_eq "every table empty" "[][][]" "$left"
if hl_unload; then
	pass "rmmod after the fuzzing"
else
	fail "rmmod after the fuzzing" "rmmod failed"
fi

# The exit path with whatever the fuzzer leaves: channels, health
# sessions and their sockets, in a namespace that still exists.
hl_load
fuzz "up to 2000 requests, channels left in place" \
	ip netns exec "$NS" "$NLFUZZ" --requests 2000 --seconds "$short_secs" "$(seed_of 3)" "${EXTRA[@]}"
if hl_unload; then
	pass "rmmod with fuzzed channels left"
else
	fail "rmmod with fuzzed channels left" "rmmod failed"
fi

ip netns del "$NS"
ip netns del "$NS2"
rm -rf "$tmp"
exit 0
