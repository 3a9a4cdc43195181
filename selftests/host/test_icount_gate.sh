#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The instruction budget (selftests/icount_budget): on each Debian test
# kernel, one VM boot with --icount runs selftests/icount_measure.sh, and
# hotline's added instructions per forwarded packet and per probe must
# stay within the kernel series' budget. Counts, not times: the gate is
# fair on a busy machine. The debug kernel is left out (KASAN and lockdep
# instructions are not hotline's cost).
# shellcheck disable=SC2034 # read by lib.sh: use its helpers on the host
HOTLINE_ON_HOST=1
# shellcheck source=selftests/lib.sh
. "$(dirname "$0")/../lib.sh"

budget=$HOTLINE_ROOT/selftests/icount_budget
tmp=$(mktemp -d)
trap 'rc=$?; rm -rf "$tmp"; (exit "$rc"); cleanup' EXIT

# within NAME MEASURED BUDGET
within() {
	if [ -z "$2" ]; then
		fail "$1" "nothing measured"
	elif [ "$2" -le "$3" ]; then
		pass "$1: $2 instructions, budget $3 ($(awk -v m="$2" -v b="$3" 'BEGIN { printf "%.0f", 100 * m / b }')%)"
	else
		# with the measurement's own lines: windows, state changes
		fail "$1" "$2 instructions, over the budget of $3 in selftests/icount_budget" \
			"$(grep '^icount_measure: ' "$tmp/err")"
	fi
}

n=0
for k in $("$HOTLINE_ROOT/scripts/kernels.sh"); do
	case $k in *-hotline-debug) continue ;; esac
	n=$((n + 1))
	series=$(sed -n 's/^\([0-9]*\.[0-9]*\)[.-].*/\1/p' <<<"$k")
	read -r _ fb pb < <(awk -v s="$series" '$1 == s { print; exit }' "$budget")
	if [ -z "$pb" ]; then
		fail "[$k] budget" "no line for series '$series' in selftests/icount_budget"
		continue
	fi
	if ! "$HOTLINE_ROOT/selftests/vm/run" --kver "$k" --timeout 600 --icount -- \
		selftests/icount_measure.sh >"$tmp/out" 2>"$tmp/err"; then
		fail "[$k] icount_measure ran" "it failed" "$(grep -v '^add \|loaded' "$tmp/err" | tail -n 20)"
		continue
	fi
	# After an emulator fault the runner runs the measurement again
	# (selftests/vm/run) and stdout holds both runs: the last figure is
	# the whole run's (a cold make check failed comparing two of them)
	grep -h '^vm: .*running the command again' "$tmp/err" | sed 's/^/# /'
	within "[$k] added per forwarded packet, 1,000 channels" \
		"$(awk '$1 == "forward" { v = $2 } END { print v }' "$tmp/out")" "$fb"
	within "[$k] per probe round trip" \
		"$(awk '$1 == "probe" { v = $2 } END { print v }' "$tmp/out")" "$pb"
done
[ "$n" -gt 0 ] || fail "kernels" "scripts/kernels.sh found no Debian test kernel"
exit 0
