# SPDX-License-Identifier: GPL-2.0-or-later
#
# FRR's bfdd as the reference the health benchmark holds hotline against
# (sourced by health.sh). bfdd is a userspace daemon, so it shares the
# scheduler with whatever else runs on the gateway; hotline's engine runs
# in softirq. Both are set to the same interval and detect multiplier on
# the same link.
#
# bfdd keys a single-hop session by (peer, local address), so each of the
# N sessions gets its own pair of addresses on the gateways' wan0:
# 10.13.1.i/16 on one side, 10.13.2.i/16 on the other. bfdd runs without
# zebra (a single-hop session with a local address needs no interface
# information) and with every path under DIR, since /etc and /var/run may
# be read-only or absent in the VM.

BFDD=${BFDD:-/usr/lib/frr/bfdd}

bfdd_available() {
	[ -x "$BFDD" ] && command -v vtysh >/dev/null && getent passwd frr >/dev/null
}

# bfdd_addrs NS DEV NET N: 10.13.NET.1 .. 10.13.NET.N on DEV
bfdd_addrs() {
	local i
	for ((i = 1; i <= $4; i++)); do
		echo "address add 10.13.$3.$i/16 dev $2"
	done | ip -n "$1" -batch -
}

# bfdd_start NS DIR MYNET PEERNET N IVAL MULT: one bfdd in NS with N
# sessions 10.13.MYNET.i -> 10.13.PEERNET.i at IVAL ms x MULT
bfdd_start() {
	local ns=$1 dir=$2 me=$3 peer=$4 n=$5 ival=$6 mult=$7 i
	mkdir -p "$dir"
	{
		echo bfd
		for ((i = 1; i <= n; i++)); do
			echo " peer 10.13.$peer.$i local-address 10.13.$me.$i"
			echo "  receive-interval $ival"
			echo "  transmit-interval $ival"
			echo "  detect-multiplier $mult"
			echo " !"
		done
		echo "!"
	} >"$dir/bfdd.conf"
	chown -R frr:frr "$dir"
	ip netns exec "$ns" "$BFDD" -d -u frr -g frr -f "$dir/bfdd.conf" \
		-i "$dir/bfdd.pid" --vty_socket "$dir" --bfdctl "$dir/bfdd.sock" \
		-z "$dir/zserv.api" --log "file:$dir/bfdd.log"
}

# bfdd_up DIR: sessions in state up
bfdd_up() {
	vtysh --vty_socket "$1" -c 'show bfd peers json' |
		jq '[.[] | select(.status == "up")] | length'
}

# bfdd_downs DIR: transitions to down over all sessions since start
bfdd_downs() {
	vtysh --vty_socket "$1" -c 'show bfd peers counters json' |
		jq '[.[]."session-down"] | add // 0'
}

bfdd_stop() {
	[ -f "$1/bfdd.pid" ] && kill "$(cat "$1/bfdd.pid")" 2>/dev/null
	rm -f "$1/bfdd.pid"
}

bfdd_version() {
	"$BFDD" --version 2>/dev/null | awk 'NR == 1 { print $NF }'
}
