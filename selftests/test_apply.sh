#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# hotlinectl apply and showconf against the real module: a file applied to
# an empty table makes exactly its channels; applied to a partly matching
# table it adds, changes and deletes only what differs (unchanged channels
# keep their id, changed ones keep theirs too); a broken file or --dry-run
# changes nothing; showconf | apply - is a no-op that leaves ids and
# counters running; -N acts in another namespace only; without the module
# both commands say to load it.
. "$(dirname "$0")/lib.sh"

hl() { "$HOTLINECTL" "$@"; }
tmp=$(mktemp -d /tmp/hl-apply.XXXXXX)
T=hl-t-$$
# The initial namespace outlives the test: empty its table whatever
# happened, or run_all.sh would rightly call the channels leaked.
trap 'rc=$?; hl_is_loaded && echo "# nothing" | hl apply - >/dev/null 2>&1
	rm -rf "$tmp"; ip netns del "$T" 2>/dev/null; (exit $rc); cleanup' EXIT

# field NAME JQ [hotlinectl options]: one field of a channel from channel show -j
field() {
	local name=$1 expr=$2
	shift 2
	hl -j "$@" channel show "$name" | jq -r ".[0]$expr"
}

names() { hl -j "$@" channel show | jq -r '.[].name' | sort | xargs; }
# the whole table, counters included, for "nothing changed" checks
table() { hl -j -s channel show; }

# ---- without the module ----
printf '[Channel a]\nPeer = 192.0.2.1\n' >"$tmp/one.conf"
for cmd in "apply $tmp/one.conf" "showconf"; do
	# shellcheck disable=SC2086
	out=$(hl $cmd 2>&1)
	rc=$?
	if [ "$rc" = 1 ] && grep -q "hotline module not loaded: modprobe hotline" <<<"$out"; then
		pass "${cmd%% *} without the module says to load it"
	else
		fail "${cmd%% *} without the module says to load it" "exit $rc" "$out"
	fi
done
out=$(printf '[Channel a]\nPeer = 192.0.2.1/8\n' | hl apply - 2>&1)
rc=$?
if [ "$rc" = 1 ] && grep -q '^<stdin>:2: invalid Peer' <<<"$out"; then
	pass "a broken file is reported before the module is needed"
else
	fail "a broken file is reported before the module is needed" "exit $rc" "$out"
fi

hl_load
hl genkey >"$tmp/k1.key"
hl genkey >"$tmp/k2.key"

# ---- an empty table ----
cat >"$tmp/first.conf" <<EOF
# the first table
[Channel a]
Peer = 192.0.2.1

[Channel b]
Peer = 2001:db8:b::/48
Local = 2001:db8:1::/64
Protocol = tcp
Port = 443
DSCP = af41
Priority = 1:10
Mark = 0x10/0xff

[Channel c]
Peer = 198.51.100.0/24
Probe = 198.51.100.7:8620
Interval = 200
Unauthenticated = yes

[Channel d]
Peer = 203.0.113.9
Probe = 203.0.113.9
KeyFile = k1.key
MaxLoss = 5
EOF
check "apply on an empty table" hl apply "$tmp/first.conf"
check_eq "the table has the file's channels" "a b c d" "$(names)"
check_eq "b's attributes" "2001:db8:b::/48 2001:db8:1::/64 tcp 443 34 1:10 0x10 0xff" \
	"$(hl -j channel show b | jq -r '.[0] | "\(.peer) \(.local) \(.proto) \(.port) \(.dscp) \(.priority) \(.mark) \(.mark_mask)"')"
check_eq "a has the defaults" "any null 46 7 0x0" \
	"$(hl -j channel show a | jq -r '.[0] | "\(.proto) \(.port) \(.dscp) \(.priority) \(.mark)"')"
check_eq "c probes unauthenticated every 200 ms" "198.51.100.7:8620 200 false" \
	"$(field c '.health | "\(.probe) \(.interval_ms) \(.authenticated)"')"
check_eq "d is keyed from its key file" "true 5" \
	"$(field d '.health | "\(.authenticated) \(.max_loss_pct)"')"

ids() { hl -j channel show | jq -r 'map("\(.name)=\(.id)") | join(" ")'; }
ids_before=$(ids)

# session NAME: "since probes_sent" of the channel's health session
session() { hl -j show "$1" | jq -r '.[0].status | "\(.since_ns) \(.probes_sent)"'; }

# ---- the same file again: only the key is sent again ----
sleep 2
sess1=$(session d)
out=$(hl apply "$tmp/first.conf" 2>&1)
rc=$?
check_eq "apply of the same file succeeds" 0 "$rc"
check_eq "the same file again: only d's key is re-sent" \
	"~ key d: sent again from $tmp/k1.key (an unchanged key keeps the health session)" "$out"
check_eq "the same file again: every id kept" "$ids_before" "$(ids)"
sess2=$(session d)
if [ "$sess1" = "null null" ]; then
	skip "the same key sent again keeps d's health session" \
		"this hotline.ko reports no health status"
elif [ "${sess1% *}" = "${sess2% *}" ] && [ "${sess2#* }" -ge "${sess1#* }" ] &&
   [ "${sess1#* }" -ge 1 ]; then
	pass "the same key sent again keeps d's health session ($sess1 / $sess2)"
else
	fail "the same key sent again keeps d's health session" "since/probes $sess1 then $sess2"
fi

# ---- a partly matching table ----
cat >"$tmp/second.conf" <<EOF
[Channel a]
Peer = 192.0.2.1

[Channel b]
Peer = 2001:db8:b::/48
DSCP = ef
Mark = 0x10/0xff
Priority = 1:10

[Channel d]
Peer = 203.0.113.9
Probe = 203.0.113.9
KeyFile = $tmp/k2.key
Interval = 500
MaxLoss = 5

[Channel e]
Peer = 192.0.2.128/25
Protocol = udp
Port = 1000-2000
EOF
before=$(table)
out=$(hl apply --dry-run "$tmp/second.conf" 2>&1)
rc=$?
check_eq "--dry-run succeeds" 0 "$rc"
want="- del c
~ set b Local: 2001:db8:1::/64 -> none
~ set b Protocol: tcp -> any
~ set b Port: 443 -> none
~ set b DSCP: af41 -> ef
~ set d Interval: 1000 -> 500
+ add e peer 192.0.2.128/25 proto udp port 1000-2000 dscp ef priority 7"
check_eq "--dry-run prints the plan" "$want" "$out"
check_eq "--dry-run changes nothing" "$before" "$(table)"
out=$(hl -j apply --dry-run "$tmp/second.conf" 2>&1)
check_eq "--dry-run -j prints the plan as JSON" "del c,set b 4,set d 1,add e" \
	"$(jq -r 'map("\(.op) \(.name)\(if .changes then " \(.changes | length)" else "" end)") | join(",")' <<<"$out")"

sleep 2
sess1=$(session d)
out=$(hl apply "$tmp/second.conf" 2>&1)
rc=$?
sess2=$(session d)
check_eq "apply of a partly matching file succeeds" 0 "$rc"
if [ "$sess1" = "null null" ]; then
	skip "a new key file starts a new health session for d" \
		"this hotline.ko reports no health status"
elif [ "${sess2#* }" -lt "${sess1#* }" ]; then
	pass "a new key file starts a new health session for d ($sess1 / $sess2)"
else
	fail "a new key file starts a new health session for d" "since/probes $sess1 then $sess2"
fi
check_eq "apply prints the steps it took" "$want" "$out"
check_eq "the table is the file's" "a b d e" "$(names)"
id_of() { sed -n "s/.*\b$1=\([0-9]*\).*/\1/p" <<<"$2"; }
after=$(ids)
for n in a b d; do
	check_eq "$n keeps its id" "$(id_of "$n" "$ids_before")" "$(id_of "$n" "$after")"
done
check_eq "b changed" "null any null 46 1:10 0x10" \
	"$(hl -j channel show b | jq -r '.[0] | "\(.local) \(.proto) \(.port) \(.dscp) \(.priority) \(.mark)"')"
check_eq "d's interval changed" "500" "$(field d '.health.interval_ms')"
check_eq "e added" "udp 1000-2000" "$(hl -j channel show e | jq -r '.[0] | "\(.proto) \(.port)"')"
out=$(hl apply "$tmp/second.conf" 2>&1)
check_eq "applied again: only the key step" \
	"~ key d: sent again from $tmp/k2.key (an unchanged key keeps the health session)" "$out"

# ---- a broken file changes nothing ----
cat >"$tmp/broken.conf" <<EOF
[Channel a]
Peer = 192.0.2.1
[Channel zz]
Peer = 192.0.2.77
DSCP = 99
Colour = blue
[Channel d]
Peer = 203.0.113.9
Probe = 203.0.113.9
KeyFile = $tmp/missing.key
EOF
before=$(table)
out=$(hl apply "$tmp/broken.conf" 2>&1)
rc=$?
check_eq "a broken file: exit 1" 1 "$rc"
want="$tmp/broken.conf:5: invalid DSCP \"99\": must be 0..63 or a name (ef, csN, afNN)
$tmp/broken.conf:6: unknown key \"Colour\"
$tmp/broken.conf:10: invalid KeyFile \"$tmp/missing.key\": cannot open it: No such file or directory
hotlinectl: $tmp/broken.conf: 3 errors, nothing was changed"
check_eq "a broken file: every error with its line" "$want" "$out"
check_eq "a broken file: the table is unchanged" "$before" "$(table)"

# ---- the kernel refuses a step: nothing is applied, the step is named ----
# (224.0.0.1 passes the file's checks; the module wants a unicast probe)
{ cat "$tmp/second.conf"; printf '[Channel f1]\nPeer = 192.0.2.64/26\n'
  printf '[Channel f2]\nPeer = 192.0.2.32/27\nProbe = 224.0.0.1\nUnauthenticated = yes\n'
} | sed 's/^DSCP = ef$/DSCP = cs1/' >"$tmp/refused.conf"
before=$(table)
hl apply "$tmp/refused.conf" >"$tmp/out" 2>"$tmp/err"
rc=$?
check_eq "a refused step: exit 1" 1 "$rc"
check_eq "a refused step: no step is reported as made" "" "$(cat "$tmp/out")"
if grep -q "not a unicast address" "$tmp/err" &&
   grep -q "^hotlinectl: apply failed at step 4 of 4 (add f2): nothing was changed$" "$tmp/err"; then
	pass "a refused step: the kernel's reason and the step are reported"
else
	fail "a refused step: the kernel's reason and the step are reported" "stderr:" "$(cat "$tmp/err")"
fi
check_eq "a refused step: the steps before it were not made either" "$before" "$(table)"
check "back to the second file" hl apply "$tmp/second.conf"

# ---- showconf | apply -: a no-op, in another namespace (-N) ----
ip netns add "$T"
ip -n "$T" link set lo up
ip -n "$T" link add dum0 type dummy
ip -n "$T" addr add 10.9.0.1/24 dev dum0
ip -n "$T" link set dum0 up
cat >"$tmp/t.conf" <<EOF
[Channel t1]
Peer = 10.9.0.0/24
Protocol = icmp
DSCP = cs5
[Channel t2]
Peer = 10.9.0.0/24
Protocol = udp
Port = 9
Probe = 10.9.0.2
Interval = 50
Unauthenticated = yes
EOF
init_before=$(table)
check "apply -N in a second namespace" hl -N "$T" apply "$tmp/t.conf"
check_eq "-N: the namespace has its channels" "t1 t2" "$(names -N "$T")"
check_eq "-N: the initial namespace is untouched" "$init_before" "$(table)"

tx() { field t1 .stats.tx_packets -N "$T"; }
ip netns exec "$T" ping -c 5 -i 0.05 -W 1 10.9.0.2 >/dev/null 2>&1
tx1=$(tx)
ids_t=$(hl -j -N "$T" channel show | jq -c 'map([.name, .id])')
hl -N "$T" showconf >"$tmp/shown.conf"
out=$(hl -N "$T" showconf | hl -N "$T" apply - 2>&1)
rc=$?
check_eq "showconf | apply -: succeeds" 0 "$rc"
check_eq "showconf | apply -: nothing to do" "" "$out"
check_eq "showconf | apply -: ids kept" "$ids_t" \
	"$(hl -j -N "$T" channel show | jq -c 'map([.name, .id])')"
tx2=$(tx)
ip netns exec "$T" ping -c 5 -i 0.05 -W 1 10.9.0.2 >/dev/null 2>&1
tx3=$(tx)
if [ "$tx1" -ge 5 ] && [ "$tx2" -ge "$tx1" ] && [ "$tx3" -ge $((tx2 + 5)) ]; then
	pass "showconf | apply -: counters keep counting ($tx1, $tx2, $tx3)"
else
	fail "showconf | apply -: counters keep counting" "tx packets $tx1, $tx2, $tx3"
fi
check_eq "showconf prints what apply took" "$(cat "$tmp/shown.conf")" "$(hl -N "$T" showconf)"
check "showconf output is a valid file for apply --dry-run" \
	hl -N "$T" apply --dry-run "$tmp/shown.conf"
check_eq "showconf of a keyed channel says the key is not readable" \
	"# KeyFile = <set: the kernel never returns keys; name the key file here>" \
	"$(hl showconf | grep KeyFile)"

printf '# nothing\n' >"$tmp/empty.conf"
check "apply of an empty file in the second namespace" hl -N "$T" apply "$tmp/empty.conf"
check_eq "it emptied that namespace" "" "$(names -N "$T")"
check_eq "and left the initial namespace alone" "a b d e" "$(names)"
check "apply of an empty file" hl apply "$tmp/empty.conf"
check_eq "it emptied the table" "" "$(names)"
