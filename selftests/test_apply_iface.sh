#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# [Interface DEV] sections of hotline.conf through `hotlinectl apply` on
# gw2 (-N): an HTB qdisc and a prio qdisc installed with the channels; the
# same file again changes nothing (the root qdisc's counters run on); a new
# rate is changed on the classes in place (counters kept); prio <-> htb is
# a replacement; a guard is attached with its limits, updated in place
# (same link, same program); a broken file or a missing device changes
# nothing; showconf | apply is a no-op; a section taken out of the file
# removes hotline's qdisc and guard there and nothing else; a file without
# [Interface] sections, or another root qdisc, is left alone.
. "$(dirname "$0")/lib.sh"

hl() { "$HOTLINECTL" "$@"; }
gw2() { hl -N "$NS_GW2" "$@"; }
tmp=$(mktemp -d /tmp/hl-iface.XXXXXX)

hl_load
topo_create v4
# The guard's pins need a BPF filesystem at /sys/fs/bpf.
if ! mountpoint -q /sys/fs/bpf; then
	mount -t bpf bpf /sys/fs/bpf || { fail "bpffs" "cannot mount /sys/fs/bpf"; exit 1; }
fi
# The guard's pins outlive the namespace: take them away whatever happened.
trap 'rc=$?; gw2 guard detach wan0 >/dev/null 2>&1; rm -rf "$tmp"; (exit $rc); cleanup' EXIT

# conf FILE [QDISC-KEYS] [GUARD-KEYS]: a channel, wan0 with the keys given
# (lines separated by ;) and lan0 with a prio qdisc.
conf() {
	{
		printf '[Channel hosta]\nPeer = %s\nPriority = 1:10\n\n' "$NET_A4"
		printf '[Interface wan0]\n'
		tr ';' '\n' <<<"$2"
		[ -n "${3:-}" ] && tr ';' '\n' <<<"$3"
		printf '\n[Interface lan0]\nQdisc = prio\n'
	} >"$1"
}
# wan0's root qdisc as "kind handle packets"
root() {
	gw2 -j -s qdisc wan0 show |
		jq -r '.qdiscs[] | select(.parent == "root") | "\(.kind) \(.handle) \(.stats.packets)"'
}
root_pkts() { root | cut -d' ' -f3; }
class_rate() { gw2 -j qdisc wan0 show | jq -r ".classes[] | select(.handle == \"$1\") | .rate"; }
# traffic through wan0's root qdisc: gw2's pings to gw1 leave by it
ping_gw1() { ns_gw2 ping -c "${1:-5}" -i 0.05 -W 1 -q "$GW1_WAN4" >/dev/null 2>&1; }
gjson() { gw2 -j guard show wan0 2>/dev/null; }
guard_line() {
	gjson | jq -r '.[0] | "\(.mode) \(.limits.pps) \(.limits.pps_burst) \(.limits.bytes_per_sec) \(.peers.ipv4)"'
}

# ---- a device that is not there: --check takes it, apply changes nothing ----
printf '[Channel hosta]\nPeer = %s\n\n[Interface nosuch0]\nQdisc = prio\n' "$NET_A4" \
	>"$tmp/missing.conf"
check "--check does not look for the devices" gw2 apply --check "$tmp/missing.conf"
out=$(gw2 apply "$tmp/missing.conf" 2>&1)
rc=$?
check_eq "a missing device: exit 1" 1 "$rc"
check_eq "a missing device: its line, nothing changed" \
	"hotlinectl: $tmp/missing.conf:4: [Interface nosuch0]: no such device in netns $NS_GW2; nothing was changed" \
	"$out"
check_eq "a missing device: no channel was added" "[]" "$(gw2 -j channel show | jq -c .)"

# ---- an HTB and a prio qdisc with the channels ----
conf "$tmp/a.conf" "Qdisc = htb;Rate = 100mbit"
out=$(gw2 apply --dry-run "$tmp/a.conf" 2>&1)
want="+ add hosta peer $NET_A4 dscp ef priority 1:10
~ interface wan0 Qdisc: none -> htb (install)
~ interface wan0 Rate: none -> 100mbit (install)
~ interface lan0 Qdisc: none -> prio (install)"
check_eq "--dry-run prints the interface steps after the channel's" "$want" "$out"
check_eq "--dry-run installs nothing" "noqueue 0: 0" "$(root)"
out=$(gw2 apply "$tmp/a.conf" 2>&1)
check_eq "apply prints the steps it made" "$want" "$out"
check_eq "the channel is there" "hosta" "$(gw2 -j channel show | jq -r '.[].name')"
check_eq "wan0: hotline's HTB at the root" "htb 1:" "$(root | cut -d' ' -f1-2)"
check_eq "wan0: class 1:1 at 100mbit, hotline's 1:10 at 95mbit" "100000000 95000000" \
	"$(class_rate 1:1) $(class_rate 1:10)"
check_eq "lan0: hotline's prio" "prio 1: 3 1 2 2 2 1 2 1 0 1 1 1 1 1 1 1 1" \
	"$(gw2 -j qdisc lan0 show | jq -r '.qdiscs[] | select(.parent == "root") | "\(.kind) \(.handle) \(.bands) \(.priomap | join(" "))"')"

# ---- the same file again: nothing is written, the counters run on ----
ping_gw1 5
p1=$(root_pkts)
out=$(gw2 apply "$tmp/a.conf" 2>&1)
check_eq "the same file again: both interfaces unchanged" \
	"= interface wan0: unchanged
= interface lan0: unchanged" "$out"
p2=$(root_pkts)
if [ "${p1:-0}" -ge 5 ] && [ "${p2:-0}" -ge "$p1" ]; then
	pass "the same file again: the root qdisc's counters are kept ($p1, $p2)"
else
	fail "the same file again: the root qdisc's counters are kept" "packets $p1 then $p2"
fi

check_eq "--dry-run -j: an object a device" "interface wan0 keep keep 0,interface lan0 keep keep 0" \
	"$(gw2 -j apply --dry-run "$tmp/a.conf" | jq -r 'map("\(.op) \(.name) \(.qdisc) \(.guard) \(.changes | length)") | join(",")')"

# ---- a new rate: the classes change, the qdisc stays ----
conf "$tmp/b.conf" "Qdisc = htb;Rate = 50mbit"
out=$(gw2 apply "$tmp/b.conf" 2>&1)
check_eq "a new rate is changed in place" \
	"~ interface wan0 Rate: 100mbit -> 50mbit (in place)
= interface lan0: unchanged" "$out"
check_eq "the classes have the new rate" "50000000 47500000" \
	"$(class_rate 1:1) $(class_rate 1:10)"
p3=$(root_pkts)
if [ "${p3:-0}" -ge "$p2" ] && [ "$(root | cut -d' ' -f1-2)" = "htb 1:" ]; then
	pass "a new rate: the root qdisc and its counters are kept ($p2, $p3)"
else
	fail "a new rate: the root qdisc and its counters are kept" "packets $p2 then $p3: $(root)"
fi

# ---- another kind: replaced, and back ----
conf "$tmp/c.conf" "Qdisc = prio"
out=$(gw2 apply "$tmp/c.conf" 2>&1)
check_eq "htb -> prio is a replacement" \
	"~ interface wan0 Qdisc: htb -> prio (replace)
~ interface wan0 Rate: 50mbit -> none (replace)
= interface lan0: unchanged" "$out"
check_eq "wan0 has hotline's prio, no classes left" "prio 1: 3 0" \
	"$(gw2 -j qdisc wan0 show | jq -r '"\(.qdiscs[] | select(.parent == "root") | "\(.kind) \(.handle) \(.bands)") \(.classes | map(select(.kind == "htb")) | length)"')"
out=$(gw2 apply "$tmp/a.conf" 2>&1)
check_eq "prio -> htb is a replacement" \
	"~ interface wan0 Qdisc: prio -> htb (replace)
~ interface wan0 Rate: none -> 100mbit (replace)
= interface lan0: unchanged" "$out"
check_eq "wan0 has hotline's HTB at 100mbit again" "htb 1: 100000000" \
	"$(root | cut -d' ' -f1-2) $(class_rate 1:1)"

# ---- the guard: attached with its limits, updated in place ----
conf "$tmp/g1.conf" "Qdisc = htb;Rate = 100mbit" "Guard = auto;GuardRate = 20000"
out=$(gw2 apply "$tmp/g1.conf" 2>&1)
check_eq "a guard is attached" \
	"~ interface wan0 Guard: none -> auto (attach)
~ interface wan0 GuardRate: none -> 20000 (attach)
~ interface wan0 GuardBurst: none -> 20000 (attach)
= interface lan0: unchanged" "$out"
check_eq "guard show: mode auto, 20000/s, burst 20000, hostA's prefix its peer" \
	"auto 20000 20000 0 1" "$(guard_line)"
link1=$(gjson | jq -r '.[0] | "\(.prog_id)"')
conf "$tmp/g2.conf" "Qdisc = htb;Rate = 100mbit" \
	"Guard = enforce;GuardRate = 30000;GuardBurst = 500;GuardBytes = 80mbit"
out=$(gw2 apply "$tmp/g2.conf" 2>&1)
check_eq "new guard mode and limits are updated in place" \
	"~ interface wan0 Guard: auto -> enforce (in place)
~ interface wan0 GuardRate: 20000 -> 30000 (in place)
~ interface wan0 GuardBurst: 20000 -> 500 (in place)
~ interface wan0 GuardBytes: none -> 80mbit (in place)
~ interface wan0 GuardByteBurst: none -> 10000000 (in place)
= interface lan0: unchanged" "$out"
check_eq "guard show has the new mode and limits" "enforce 30000 500 10000000 1" \
	"$(guard_line)"
check_eq "the same guard program stays attached" "$link1" \
	"$(gjson | jq -r '.[0] | "\(.prog_id)"')"
check_eq "the qdisc was left alone meanwhile" "htb 1:" "$(root | cut -d' ' -f1-2)"
sed 's/^Guard = enforce$/Guard = monitor/' "$tmp/g2.conf" >"$tmp/g3.conf"
out=$(gw2 apply "$tmp/g3.conf" 2>&1)
check_eq "a new mode alone is set in place" \
	"~ interface wan0 Guard: enforce -> monitor (in place)
= interface lan0: unchanged|monitor 30000 500 10000000 1|$link1" \
	"$out|$(guard_line)|$(gjson | jq -r '.[0].prog_id')"
check "and back to enforce" gw2 apply "$tmp/g2.conf"

# ---- a broken file changes nothing ----
before=$(gw2 showconf)
{ cat "$tmp/g2.conf"; printf '\n[Interface lan1]\nQdisc = htb\nRate = fast\nColour = blue\n'; } \
	| sed 's/^Rate = 100mbit$/Rate = 10mbit/' >"$tmp/broken.conf"
out=$(gw2 apply "$tmp/broken.conf" 2>&1)
rc=$?
check_eq "a broken file: exit 1" 1 "$rc"
check_eq "a broken file: each error at its line" \
	"$tmp/broken.conf:18: invalid Rate \"fast\": must be a rate of at least 1kbit, like 500kbit, 20mbit or 1gbit
$tmp/broken.conf:19: unknown key \"Colour\"
hotlinectl: $tmp/broken.conf: 2 errors, nothing was changed" "$out"
check_eq "a broken file: showconf is as before" "$before" "$(gw2 showconf)"

# ---- showconf | apply: nothing to do ----
gw2 showconf >"$tmp/shown.conf"
check_eq "showconf prints the interfaces in file form" \
	"[Interface lan0]
Qdisc = prio
Guard = none

[Interface wan0]
Qdisc = htb
Rate = 100mbit
Guard = enforce
GuardRate = 30000
GuardBurst = 500
GuardBytes = 80mbit" "$(sed -n '/^\[Interface/,$p' "$tmp/shown.conf")"
ping_gw1 3
p4=$(root_pkts)
out=$(gw2 apply "$tmp/shown.conf" 2>&1)
check_eq "showconf | apply: every interface unchanged" \
	"= interface lan0: unchanged
= interface wan0: unchanged" "$out"
check_eq "showconf | apply: showconf the same after" "$(cat "$tmp/shown.conf")" "$(gw2 showconf)"
p5=$(root_pkts)
if [ "${p4:-0}" -ge 3 ] && [ "${p5:-0}" -ge "$p4" ]; then
	pass "showconf | apply: the root qdisc's counters are kept ($p4, $p5)"
else
	fail "showconf | apply: the root qdisc's counters are kept" "packets $p4 then $p5"
fi

# ---- a file without [Interface] sections leaves the devices alone ----
printf '[Channel hosta]\nPeer = %s\nPriority = 1:10\n' "$NET_A4" >"$tmp/chan.conf"
out=$(gw2 apply "$tmp/chan.conf" 2>&1)
check_eq "no [Interface] section: no interface step" "" "$out"
check_eq "no [Interface] section: qdisc and guard stay" "htb 1: enforce" \
	"$(root | cut -d' ' -f1-2) $(gjson | jq -r '.[0].mode')"

# ---- a section taken out: hotline's qdisc and guard go, nothing else ----
printf '[Channel hosta]\nPeer = %s\nPriority = 1:10\n\n[Interface lan0]\nQdisc = prio\n' \
	"$NET_A4" >"$tmp/lan.conf"
out=$(gw2 apply "$tmp/lan.conf" 2>&1)
check_eq "wan0 left out: its qdisc removed, its guard detached" \
	"= interface lan0: unchanged
~ interface wan0 Qdisc: htb -> none (remove)
~ interface wan0 Rate: 100mbit -> none (remove)
~ interface wan0 Guard: enforce -> none (detach)
~ interface wan0 GuardRate: 30000 -> none (detach)
~ interface wan0 GuardBurst: 500 -> none (detach)
~ interface wan0 GuardBytes: 80mbit -> none (detach)
~ interface wan0 GuardByteBurst: 10000000 -> none (detach)" "$out"
check_eq "wan0: the kernel's default root, no XDP program" "noqueue 0:" \
	"$(root | cut -d' ' -f1-2)$(ip -n "$NS_GW2" link show wan0 | grep -o ' xdp[a-z]*')"
# a root qdisc 1: that is not hotline's is never taken away
ip netns exec "$NS_GW2" tc qdisc add dev wan0 root handle 1: htb default 5
out=$(gw2 apply "$tmp/lan.conf" 2>&1)
check_eq "another root qdisc 1: is not hotline's: left alone" \
	"= interface lan0: unchanged|htb 1:" "$out|$(root | cut -d' ' -f1-2)"
check_eq "showconf does not claim it" "" "$(gw2 showconf | grep -F '[Interface wan0]')"
