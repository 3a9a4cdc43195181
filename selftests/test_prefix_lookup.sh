#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Longest-prefix match over peer prefixes of many lengths, as the packet
# path does it: IPv4 lengths up to 16 from one set, the longer ones from
# the set of the packet's own /16 (kmod/channel.c, "per /16"). A
# namespace sends one UDP datagram to each of a list of addresses out
# of a dummy device; each is counted (tx_packets, at POST_ROUTING) on the
# channel whose prefix is the longest to contain it, or on none.
#
#   - a hand-made table with every boundary: /8 around /16s, /17 halves,
#     /24, /25 and /32 inside one /16, a /32 alone in its /16;
#   - deleting the longest prefixes of a /16 hands its packets down to
#     the next, and the /16's counts go with its last long prefix;
#   - 300 random prefixes of 8 to 32 bits inside 10.0.0.0/8 (so /16s
#     are shared and nested) against 600 random addresses, the expected
#     channel computed by brute force;
#   - the debugfs object counts: one length map per namespace while it
#     has a prefix of 17 bits or more, one count block per /16 in use,
#     none left when the channels or the namespace go.
. "$(dirname "$0")/lib.sh"

N=hl-pfx-$$
TMP=$(mktemp -d /tmp/test_prefix_lookup.XXXXXX)
trap 'ip netns del "$N" 2>/dev/null; rm -rf "$TMP"; cleanup' EXIT
hl() { "$HOTLINECTL" -N "$N" "$@"; }
obj() { awk -v o="$1" '$1 == o { print $2 }' /sys/kernel/debug/hotline/objects; }

hl_load
ip netns add "$N"
ip -n "$N" link add d0 type dummy
ip -n "$N" link set d0 up
ip -n "$N" link set lo up
ip -n "$N" addr add 192.0.2.1/24 dev d0
ip -n "$N" route add default dev d0
maps0=$(obj prefix_len_maps)
counts0=$(obj prefix_len_counts)

# send FILE: one datagram to each address in FILE, one Python start
send() {
	ip netns exec "$N" /usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for a in open(sys.argv[1]).read().split():
    s.sendto(b"x", (a, 9))' "$1"
}
# counts: "name tx_packets" per channel, sorted by name
counts() { hl -j channel show | jq -r '.[] | "\(.name) \(.stats.tx_packets)"' | sort; }
# delta BEFORE AFTER: "name n" for each channel whose count moved, sorted
delta() {
	join -a 2 -e 0 -o 2.1,1.2,2.2 "$1" "$2" |
		awk '$3 != $2 { print $1, $3 - $2 }' | sort
}
# expect NAME "ADDR WANT..." ...: sends the addresses, wants each counted
# on WANT (- for none)
expect() {
	local name=$1 pair want=() addrs=()
	shift
	for pair in "$@"; do
		addrs+=("${pair% *}")
		[ "${pair#* }" = - ] || want+=("${pair#* }")
	done
	printf '%s\n' "${addrs[@]}" >"$TMP/addrs"
	counts >"$TMP/before"
	send "$TMP/addrs"
	counts >"$TMP/after"
	check_eq "$name" "$(printf '%s\n' "${want[@]}" | grep . | sort | uniq -c |
		awk '{ print $2, $1 }' | sort)" "$(delta "$TMP/before" "$TMP/after")"
}

# ---- a table with every boundary ------------------------------------------
while read -r name peer; do
	hl channel add "$name" peer "$peer" || fail "channel add $name $peer" "refused"
done <<'EOF'
a8 10.0.0.0/8
b16 10.1.0.0/16
c24 10.1.2.0/24
d25 10.1.2.128/25
e32 10.1.2.200/32
f24 10.2.3.0/24
g17 10.3.0.0/17
h17 10.3.128.0/17
j32 172.16.5.5/32
EOF
check_eq "one length map for the namespace" 1 "$(($(obj prefix_len_maps) - maps0))"
check_eq "count blocks for the four /16s with long prefixes" 4 \
	"$(($(obj prefix_len_counts) - counts0))"
expect "each address on its longest prefix" \
	"10.1.2.200 e32" "10.1.2.201 d25" "10.1.2.127 c24" "10.1.2.5 c24" \
	"10.1.3.1 b16" "10.1.255.255 b16" "10.2.3.4 f24" "10.2.4.4 a8" \
	"10.3.1.1 g17" "10.3.127.255 g17" "10.3.128.0 h17" "10.3.255.1 h17" \
	"10.4.0.1 a8" "10.255.255.255 a8" "172.16.5.5 j32" "172.16.5.6 -" \
	"172.17.5.5 -" "11.1.2.200 -" "9.255.255.255 -"
hl channel del e32
hl channel del d25
hl channel del g17
expect "deleted long prefixes hand their addresses down" \
	"10.1.2.200 c24" "10.1.2.201 c24" "10.3.1.1 a8" "10.3.200.1 h17"
hl channel del j32
check_eq "a /16's count block goes with its last long prefix" 3 \
	"$(($(obj prefix_len_counts) - counts0))"
expect "172.16.5.5 on nothing once its /32 is gone" "172.16.5.5 -" "10.1.2.9 c24"
hl channel add j32 peer 172.16.5.5/32
expect "and on its /32 again when it is back" "172.16.5.5 j32"
for name in a8 b16 c24 f24 h17 j32; do
	hl channel del "$name"
done
check_eq "no count block left with no channel" 0 "$(($(obj prefix_len_counts) - counts0))"
maps_back() { [ "$(obj prefix_len_maps)" = "$maps0" ]; }
if wait_for 10 maps_back; then
	pass "the length map goes with the last long prefix"
else
	fail "the length map goes with the last long prefix" "$(obj prefix_len_maps) maps, $maps0 before"
fi
# a /16 prefix (one set for the whole space) needs no map
hl channel add s16 peer 10.9.0.0/16
check_eq "a /16 alone brings no map" "$maps0" "$(obj prefix_len_maps)"
expect "and matches on the lengths up to 16" "10.9.1.1 s16" "10.8.1.1 -"
hl channel del s16

# ---- random prefixes against a brute force --------------------------------
# 300 prefixes of 8..32 bits in 10.0.0.0/8, biased to a few /16s so they
# nest; 600 addresses, a third inside a chosen prefix. Written as a plan
# for one `hotlinectl apply`.
/usr/bin/python3 - "$TMP" <<'EOF'
import ipaddress, random, sys
d = sys.argv[1]
rnd = random.Random(16)
nets = {}
while len(nets) < 300:
    l = rnd.choice([8, 12, 15, 16, 17, 18, 20, 22, 24, 24, 25, 28, 30, 31, 32, 32])
    top = rnd.choice([1, 1, 2, 3, 7, 200]) if rnd.random() < 0.8 else rnd.randrange(256)
    a = (10 << 24) | (top << 16) | rnd.randrange(1 << 16)
    n = ipaddress.ip_network((a & ~((1 << (32 - l)) - 1) & 0xffffffff, l))
    nets.setdefault(n, "r%d" % len(nets))
with open(d + "/rand.conf", "w") as f:
    for n, name in nets.items():
        f.write("[Channel %s]\nPeer = %s\n\n" % (name, n))
addrs = []
for i in range(600):
    if i % 3 == 0:
        n = rnd.choice(list(nets))
        a = int(n.network_address) + rnd.randrange(n.num_addresses)
    else:
        a = (10 << 24) | (rnd.choice([1, 2, 3, 7, 200, rnd.randrange(256)]) << 16) | rnd.randrange(1 << 16)
    addrs.append(ipaddress.ip_address(a))
want = {}
for a in addrs:
    best = None
    for n in nets:
        if a in n and (best is None or n.prefixlen > best.prefixlen):
            best = n
    if best is not None:
        want[nets[best]] = want.get(nets[best], 0) + 1
with open(d + "/rand.addrs", "w") as f:
    f.write("\n".join(map(str, addrs)) + "\n")
with open(d + "/rand.want", "w") as f:
    for name in sorted(want):
        f.write("%s %d\n" % (name, want[name]))
print(len(want), sum(want.values()), file=sys.stderr)
EOF
check "apply 300 random prefixes" hl apply "$TMP/rand.conf"
counts >"$TMP/before"
send "$TMP/rand.addrs"
counts >"$TMP/after"
check_eq "600 random addresses, each on its longest prefix (brute force)" \
	"$(sort "$TMP/rand.want")" "$(delta "$TMP/before" "$TMP/after")"
long16=$(awk '/^Peer/ { split($3, p, "/"); if (p[2] >= 17) { split(p[1], o, "."); s[o[1] "." o[2]] = 1 } }
	END { print length(s) }' "$TMP/rand.conf")
check_eq "a count block for each /16 holding a prefix of 17 bits or more" "$long16" \
	"$(($(obj prefix_len_counts) - counts0))"

ip netns del "$N"
gone() { [ "$(obj prefix_len_maps)" = "$maps0" ] && [ "$(obj prefix_len_counts)" = "$counts0" ]; }
if wait_for 20 gone; then
	pass "the namespace's map and counts are freed with it"
else
	fail "the namespace's map and counts are freed with it" \
		"maps $(obj prefix_len_maps) (was $maps0), counts $(obj prefix_len_counts) (was $counts0)"
fi
hl_unload || fail "rmmod" "rmmod failed"
exit 0
