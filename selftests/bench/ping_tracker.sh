#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# ping_tracker.sh TARGET PREFIX PRIMARY_VIA BACKUP_VIA
#
# The failover anchor of the failover benchmark: what mwan3-style tools
# do on a multi-homed router. Pings TARGET (the far gateway's address on
# the primary path, reached over that path whatever PREFIX uses) once a
# second with a 1 s timeout; after 3 misses in a row it moves PREFIX to
# BACKUP_VIA, and after 3 replies in a row back to PRIMARY_VIA. Runs in
# the gateway's namespace until killed; prints each switch on stderr.
# Not executable on purpose: selftests/bench/run takes executable .sh
# files for scenarios.
set -u
target=$1 prefix=$2 primary=$3 backup=$4
misses=0 hits=0 on=primary

while :; do
	t0=${EPOCHREALTIME/./}
	if ping -n -q -c 1 -W 1 "$target" >/dev/null 2>&1; then
		misses=0 hits=$((hits + 1))
	else
		hits=0 misses=$((misses + 1))
	fi
	if [ "$on" = primary ] && [ "$misses" -ge 3 ]; then
		ip route replace "$prefix" via "$backup" && on=backup &&
			echo "ping_tracker: $target missed 3 times: $prefix via $backup" >&2
	elif [ "$on" = backup ] && [ "$hits" -ge 3 ]; then
		ip route replace "$prefix" via "$primary" && on=primary &&
			echo "ping_tracker: $target answered 3 times: $prefix via $primary" >&2
	fi
	# one probe a second, however long the last one took
	left=$(( 1000000 - (${EPOCHREALTIME/./} - t0) ))
	[ "$left" -gt 0 ] && sleep "$(printf '0.%06d' "$left")"
done
