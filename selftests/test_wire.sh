#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# What hotline puts on the wire, seen by the receiver: channels on gw1 for
# hostB's addresses rewrite the DSCP of the traffic hostA sends through
# them, keep its ECN bits, leave every other packet's DSCP alone, keep the
# IPv4 header checksum right and the packets deliverable, and count
# exactly the packets they marked.
#
# Ground truth comes from two places at hostB: the receiving sockets
# (IP_RECVTOS / IPV6_RECVTCLASS give the TOS each datagram arrived with,
# and arriving at all proves the transport checksum was good) and a
# capture of hostB's eth0 read by tshark with checksum validation on.
# hostA computes its checksums in software (tx offload off), so a packet
# on the wire carries a real checksum to validate rather than a partial one.
. "$(dirname "$0")/lib.sh"

for tool in tcpdump tshark ethtool jq ping; do
	if ! command -v "$tool" >/dev/null; then
		fail "tools" "$tool not installed (make deps)"
		exit 1
	fi
done

PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/test_wire.XXXXXX)
B4X=10.2.0.3		# a second host on hostB's LAN, not a channel peer
B6X=fd00:b::3
PAYLOAD=100		# UDP payload bytes per datagram
N=10			# datagrams per case

hl() { "$HOTLINECTL" -N "$NS_GW1" "$@"; }

# rx.py OUT READY: count datagrams per (family, port, TOS) on every UDP
# port below and the bytes of each TCP stream, until SIGTERM; then write
# "udp FAM PORT TOS COUNT" and "tcp PORT BYTES" lines to OUT.
cat >"$tmp/rx.py" <<'EOF'
import select, signal, socket, sys

out, ready = sys.argv[1], sys.argv[2]
stop = False
def term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, term)

udp, tcp_l, tcp_c = {}, {}, {}
for port in (5001, 5003, 5009):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1)
    s.bind(("0.0.0.0", port))
    udp[s] = (4, port)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVTCLASS, 1)
    s.bind(("::", port))
    udp[s] = (6, port)
for port in (5002, 5009):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(4)
    tcp_l[s] = port
open(ready, "w").close()

counts, tcp_bytes = {}, {}
while not stop:
    socks = list(udp) + list(tcp_l) + list(tcp_c)
    try:
        r, _, _ = select.select(socks, [], [], 0.2)
    except InterruptedError:
        continue
    for s in r:
        if s in udp:
            fam, port = udp[s]
            data, anc, _, _ = s.recvmsg(65535, socket.CMSG_SPACE(4))
            tos = -1
            for level, typ, val in anc:
                if (level, typ) in ((socket.IPPROTO_IP, socket.IP_TOS),
                                    (socket.IPPROTO_IPV6, socket.IPV6_TCLASS)):
                    tos = val[0]
            key = (fam, port, tos)
            counts[key] = counts.get(key, 0) + 1
        elif s in tcp_l:
            c, _ = s.accept()
            tcp_c[c] = tcp_l[s]
        else:
            data = s.recv(65536)
            port = tcp_c[s]
            if not data:
                s.close()
                del tcp_c[s]
            tcp_bytes[port] = tcp_bytes.get(port, 0) + len(data)
with open(out, "w") as f:
    for (fam, port, tos), n in sorted(counts.items()):
        f.write("udp %d %d %d %d\n" % (fam, port, tos, n))
    for port, n in sorted(tcp_bytes.items()):
        f.write("tcp %d %d\n" % (port, n))
EOF

# tx.py PAYLOAD CASE...: CASE is udp,ADDR,PORT,TOS,COUNT (COUNT datagrams
# of PAYLOAD bytes) or tcp,ADDR,PORT,TOS,BYTES (one connection).
cat >"$tmp/tx.py" <<'EOF'
import socket, sys

payload = int(sys.argv[1])
for case in sys.argv[2:]:
    kind, addr, port, tos, n = case.split(",")
    port, tos, n = int(port), int(tos, 0), int(n)
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    typ = socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM
    s = socket.socket(fam, typ)
    if fam == socket.AF_INET:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, tos)
    else:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_TCLASS, tos)
    if kind == "udp":
        for _ in range(n):
            s.sendto(b"h" * payload, (addr, port))
    else:
        s.connect((addr, port))
        s.sendall(b"h" * n)
        s.shutdown(socket.SHUT_WR)
        s.recv(1)
    s.close()
EOF

hl_load
topo_create both
ns_b ip addr add "$B4X/$PLEN4" dev eth0
ns_b ip addr add "$B6X/$PLEN6" dev eth0 nodad
ns_a ethtool -K eth0 tx off >/dev/null 2>&1 ||
	fail "setup" "cannot turn off tx checksum offload on hostA"

# Neighbours resolved before anything is counted or captured.
ns_a ping -c1 -W5 "$B4" >/dev/null && ns_a ping -6 -c1 -W5 "$B6" >/dev/null &&
	ns_a ping -c1 -W5 "$B4X" >/dev/null && ns_a ping -6 -c1 -W5 "$B6X" >/dev/null ||
	fail "setup" "hostA cannot reach hostB before any channel exists"

# Two channels share each peer: within a peer the lower id is tried
# first, and a packet that does not fit it falls to the next.
check "add udp port channel (v4, dscp default)" \
	hl channel add w-udp peer "$B4/32" proto udp port 5001
check "add tcp port channel (v4, dscp af41)" \
	hl channel add w-tcp peer "$B4/32" proto tcp port 5002 dscp af41
check "add icmp channel (v4, dscp cs5)" \
	hl channel add w-icmp peer "$B4/32" proto icmp dscp cs5
check "add udp port channel (v6, dscp ef)" \
	hl channel add w6-udp peer "$B6/128" proto udp port 5001 dscp ef
check "add any-proto channel (v6, dscp 18)" \
	hl channel add w6-any peer "$B6/128" dscp 18

ip netns exec "$NS_B" "$PY" "$tmp/rx.py" "$tmp/rx.out" "$tmp/rx.ready" &
rx_pid=$!
ip netns exec "$NS_B" tcpdump -i eth0 -nn -U -w "$tmp/b.pcap" \
	'udp or tcp or icmp or icmp6' 2>"$tmp/tcpdump.err" &
td_pid=$!
wait_for 30 test -e "$tmp/rx.ready" || fail "setup" "receiver did not start"
wait_for 30 grep -q 'listening on' "$tmp/tcpdump.err" ||
	fail "setup" "tcpdump did not start" "$(cat "$tmp/tcpdump.err")"

TCP_BYTES=20000
out=$(ns_a "$PY" "$tmp/tx.py" "$PAYLOAD" \
	"udp,$B4,5001,0x00,$N" "udp,$B4,5001,0x01,$N" \
	"udp,$B4,5001,0x02,$N" "udp,$B4,5001,0x2b,$N" \
	"udp,$B4,5009,0x2a,$N" "udp,$B4X,5001,0x2a,$N" \
	"tcp,$B4,5002,0x28,$TCP_BYTES" "tcp,$B4,5009,0x28,$TCP_BYTES" \
	"udp,$B6,5001,0x00,$N" "udp,$B6,5001,0x2b,$N" \
	"udp,$B6,5003,0x29,$N" "udp,$B6X,5001,0x2a,$N" 2>&1) ||
	fail "send" "sender failed" "$out"
PINGS=5
ns_a ping -c "$PINGS" -i 0.2 -W 5 -Q 0x28 "$B4" >/dev/null ||
	fail "icmp delivered (v4)" "ping $B4 lost packets"
ns_a ping -6 -c "$PINGS" -i 0.2 -W 5 -Q 0x28 "$B6" >/dev/null ||
	fail "icmp delivered (v6)" "ping $B6 lost packets"

sleep 1
kill -TERM "$rx_pid"
wait "$rx_pid"
kill -TERM "$td_pid"
wait "$td_pid"

# udp_got FAM PORT TOS: datagrams that reached hostB's socket with that TOS.
udp_got() {
	awk -v f="$1" -v p="$2" -v t="$3" \
		'$1 == "udp" && $2 == f && $3 == p && $4 == t { n += $5 }
		 END { print n + 0 }' "$tmp/rx.out"
}
udp_any() {
	awk -v f="$1" -v p="$2" '$1 == "udp" && $2 == f && $3 == p { n += $5 }
		END { print n + 0 }' "$tmp/rx.out"
}

# Receiver view. Ports 5001 of both hosts share the socket, so the
# counts per port add up the channel and non-channel cases.
EF=46 AF11=10 AF21=18
tos() { echo $(( ($1 << 2) | $2 )); }
check_eq "udp to channel port: DSCP ef, ECN 0 kept (v4)" "$N" "$(udp_got 4 5001 "$(tos $EF 0)")"
check_eq "udp to channel port: DSCP ef, ECN ECT(1) kept (v4)" "$N" "$(udp_got 4 5001 "$(tos $EF 1)")"
check_eq "udp to channel port: DSCP ef, ECN ECT(0) kept (v4)" "$N" "$(udp_got 4 5001 "$(tos $EF 2)")"
check_eq "udp af11+CE to channel port: DSCP ef, CE kept (v4)" "$N" "$(udp_got 4 5001 "$(tos $EF 3)")"
check_eq "udp to other port keeps DSCP af11 and ECN (v4)" "$N" "$(udp_got 4 5009 "$(tos $AF11 2)")"
check_eq "udp to other host keeps DSCP af11 and ECN (v4)" "$N" "$(udp_got 4 5001 "$(tos $AF11 2)")"
check_eq "all v4 udp delivered (transport checksum good)" "$((6 * N))" \
	"$(( $(udp_any 4 5001) + $(udp_any 4 5009) ))"
check_eq "udp to channel port: DSCP ef, ECN 0 kept (v6)" "$N" "$(udp_got 6 5001 "$(tos $EF 0)")"
check_eq "udp af11+CE to channel port: DSCP ef, CE kept (v6)" "$N" "$(udp_got 6 5001 "$(tos $EF 3)")"
check_eq "udp to any-proto channel: its DSCP 18, ECN kept (v6)" "$N" "$(udp_got 6 5003 "$(tos $AF21 1)")"
check_eq "udp to other host keeps DSCP af11 and ECN (v6)" "$N" "$(udp_got 6 5001 "$(tos $AF11 2)")"
check_eq "tcp to channel port delivered whole" "$TCP_BYTES" \
	"$(awk '$1 == "tcp" && $2 == 5002 { print $3 }' "$tmp/rx.out")"
check_eq "tcp to other port delivered whole" "$TCP_BYTES" \
	"$(awk '$1 == "tcp" && $2 == 5009 { print $3 }' "$tmp/rx.out")"

# Wire view: one line per packet from the capture, absent fields "-".
tshark -r "$tmp/b.pcap" -n -o ip.check_checksum:TRUE \
	-o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE \
	-T fields -E separator=/t -E occurrence=f \
	-e ip.src -e ipv6.src -e ip.dst -e ipv6.dst \
	-e ip.dsfield.dscp -e ipv6.tclass.dscp -e ip.dsfield.ecn -e ipv6.tclass.ecn \
	-e ip.checksum.status -e udp.checksum.status -e tcp.checksum.status \
	-e tcp.srcport -e tcp.dstport -e icmp.type -e icmpv6.type \
	2>"$tmp/tshark.err" >"$tmp/wire.tsv" ||
	fail "tshark" "could not read the capture" "$(cat "$tmp/tshark.err")"
awk -F'\t' '
	function f(i) { return $i == "" ? "-" : $i }
	function either(i, j) { return $i != "" ? $i : f(j) }
	{ print either(1, 2), either(3, 4), either(5, 6), either(7, 8),
		f(9), f(10), f(11), f(12), f(13), either(14, 15) }' \
	"$tmp/wire.tsv" >"$tmp/wire"

# wire_count AWK-CONDITION: packets in the capture that satisfy it
# (fields: $1 src $2 dst $3 dscp $4 ecn $5 ip csum $6 udp csum $7 tcp csum
# $8 tcp sport $9 tcp dport $10 icmp type).
wire_count() { awk "$1 { n++ } END { print n + 0 }" "$tmp/wire"; }

a2b_tcp=$(wire_count "\$1 == \"$A4\" && \$9 == 5002")
b2a_tcp=$(wire_count "\$1 == \"$B4\" && \$8 == 5002")
if [ "$a2b_tcp" -gt 0 ]; then
	check_eq "tcp to channel port: every segment DSCP af41 on the wire" 0 \
		"$(wire_count "\$1 == \"$A4\" && \$9 == 5002 && \$3 != 34")"
else
	fail "tcp to channel port: every segment DSCP af41 on the wire" "no segments captured"
fi
check_eq "tcp to other port: every segment keeps DSCP af11" 0 \
	"$(wire_count "\$1 == \"$A4\" && \$9 == 5009 && \$3 != 10")"
check_eq "icmp echo requests: DSCP cs5 on the wire (v4)" "$PINGS" \
	"$(wire_count "\$1 == \"$A4\" && \$10 == 8 && \$3 == 40 && \$4 == 0")"
check_eq "icmpv6 echo requests: channel DSCP 18 on the wire (v6)" "$PINGS" \
	"$(wire_count "\$1 == \"$A6\" && \$10 == 128 && \$3 == 18 && \$4 == 0")"
v4pkts=$(wire_count "\$1 == \"$A4\"")
if [ "$v4pkts" -gt "$((6 * N))" ]; then
	check_eq "IPv4 header checksum valid on every rewritten and plain packet" 0 \
		"$(wire_count "\$1 == \"$A4\" && \$5 != 1")"
else
	fail "IPv4 header checksum valid on every rewritten and plain packet" \
		"only $v4pkts IPv4 packets from hostA captured"
fi
# wire_none NAME AWK-CONDITION: PASS when no captured packet fits.
wire_none() {
	local bad
	bad=$(awk "$2" "$tmp/wire")
	if [ -z "$bad" ]; then
		pass "$1"
	else
		fail "$1" "$(wc -l <<<"$bad") packets (src dst dscp ecn ipsum udpsum tcpsum sport dport icmp)" \
			"$(head -5 <<<"$bad")"
	fi
}
wire_none "UDP checksum valid on the wire (v4 and v6)" \
	"(\$1 == \"$A4\" || \$1 == \"$A6\") && \$6 != \"-\" && \$6 != 1"
wire_none "TCP checksum valid on the wire" \
	"\$1 == \"$A4\" && \$7 != \"-\" && \$7 != 1"

# Counters: tx counts what gw1 marked towards hostB, rx what came back
# from it. Nothing else reaches gw1 from or for hostB's addresses: the
# neighbours were resolved beforehand and neighbour discovery is between
# link neighbours, never a channel peer behind a router.
hl -j -s channel show >"$tmp/show.json" 2>"$tmp/show.err" ||
	fail "counters" "channel show failed" "$(cat "$tmp/show.err")"
chan_stat() { jq -r --arg n "$1" ".[] | select(.name == \$n) | .stats.$2" "$tmp/show.json"; }
check_eq "w-udp tx_packets = datagrams sent to its port" "$((4 * N))" "$(chan_stat w-udp tx_packets)"
check_eq "w-udp tx_bytes = their IP lengths" "$((4 * N * (20 + 8 + PAYLOAD)))" "$(chan_stat w-udp tx_bytes)"
check_eq "w-udp rx_packets = 0 (hostB never sent from port 5001)" 0 "$(chan_stat w-udp rx_packets)"
check_eq "w-tcp tx_packets = segments captured to port 5002" "$a2b_tcp" "$(chan_stat w-tcp tx_packets)"
check_eq "w-tcp rx_packets = segments captured from port 5002" "$b2a_tcp" "$(chan_stat w-tcp rx_packets)"
check_eq "w-icmp tx_packets = echo requests" "$PINGS" "$(chan_stat w-icmp tx_packets)"
check_eq "w-icmp rx_packets = echo replies" "$PINGS" "$(chan_stat w-icmp rx_packets)"
check_eq "w6-udp tx_packets = datagrams sent to its port" "$((2 * N))" "$(chan_stat w6-udp tx_packets)"
check_eq "w6-udp tx_bytes = their IP lengths" "$((2 * N * (40 + 8 + PAYLOAD)))" "$(chan_stat w6-udp tx_bytes)"
check_eq "w6-any tx_packets = udp to 5003 + echo requests" "$((N + PINGS))" "$(chan_stat w6-any tx_packets)"
check_eq "w6-any rx_packets = echo replies" "$PINGS" "$(chan_stat w6-any rx_packets)"

# After del, traffic is left alone.
for c in w-udp w-tcp w-icmp w6-udp w6-any; do
	check "del channel $c" hl channel del "$c"
done
ip netns exec "$NS_B" tcpdump -i eth0 -nn -U -c 3 -w "$tmp/after.pcap" 'icmp[icmptype] == 8' \
	2>"$tmp/tcpdump2.err" &
td_pid=$!
wait_for 30 grep -q 'listening on' "$tmp/tcpdump2.err"
ns_a ping -c 3 -i 0.2 -W 5 -Q 0x28 "$B4" >/dev/null
wait_for 10 sh -c "! kill -0 $td_pid"
kill -TERM "$td_pid" 2>/dev/null
wait "$td_pid"
check_eq "after del: echo requests keep their DSCP af11" "10 10 10" \
	"$(tshark -r "$tmp/after.pcap" -T fields -e ip.dsfield.dscp 2>/dev/null | xargs)"

rm -rf "$tmp"
exit 0
