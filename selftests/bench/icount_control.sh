#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The control plane in instructions and wall time: `hotlinectl apply` of
# a file of N host channels into an empty namespace, the same file applied
# again (nothing to change), `hotlinectl -j channel show` of them, and
# `hotlinectl apply` of an empty file (every channel removed), against
# `ip -batch` adding and deleting N host routes, the kernel's own bulk
# path an admin knows. Each is counted on all vCPUs, user and kernel,
# between two counter reads, and timed; REPS runs each, medians and the
# spread of the instruction counts. What the reads and the guest's ticks
# add is the same in every row and small beside these (printed).
#
# Environment: HOTLINE_BENCH_REPS (5), HOTLINE_BENCH_CHANNELS (10000).
. "$(dirname "$0")/../lib.sh"

REPS=${HOTLINE_BENCH_REPS:-5}
N=${HOTLINE_BENCH_CHANNELS:-10000}
NS=hl-ctl-$$
tmp=$(mktemp -d /tmp/bench_icount_control.XXXXXX)
declare -A RUNS=() WALL=()
OPS="apply reapply show empty routes_add routes_del"
declare -A LABEL=(
	[apply]="hotlinectl apply, $N new"
	[reapply]="hotlinectl apply, unchanged"
	[show]="hotlinectl -j channel show"
	[empty]="hotlinectl apply, all removed"
	[routes_add]="ip -batch, $N routes added"
	[routes_del]="ip -batch, $N routes deleted"
)

say() { echo "bench: $*" >&2; }
# before lib.sh's cleanup, which unloads the module
cleanup_ctl() { ip netns del "$NS" 2>/dev/null; rm -rf "$tmp"; cleanup; }
trap cleanup_ctl EXIT

icount_read >/dev/null || { say "no instruction counts: run under selftests/vm/run --icount"; exit 1; }
hl_load
ip netns add "$NS"
ip -n "$NS" link add d0 type dummy
ip -n "$NS" link set d0 up
for ((i = 0; i < N; i++)); do
	a="10.$((i >> 16)).$(((i >> 8) & 255)).$((i & 255))"
	printf '[Channel c%d]\nPeer = %s/32\n\n' "$i" "$a" >>"$tmp/channels.conf"
	echo "route add $a/32 dev d0" >>"$tmp/add.batch"
	echo "route del $a/32 dev d0" >>"$tmp/del.batch"
done
: >"$tmp/empty.conf"
read -r ou ok < <(icount_overhead)
say "$N channels; a counter read adds $ou user and $ok kernel instructions"

# count OP CMD...: one counted, timed run of CMD; it must succeed.
count() {
	local op=$1 a b t0 t1
	shift
	a=$(icount_read)
	t0=$(date +%s%N)
	if ! "$@" >/dev/null 2>"$tmp/err"; then
		say "rep $rep: ${LABEL[$op]}: failed: $(head -n 3 "$tmp/err")"
		return 1
	fi
	t1=$(date +%s%N)
	b=$(icount_read)
	read -r u k < <(awk -v a="$a" -v b="$b" -v ou="$ou" -v ok="$ok" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		printf "%.0f %.0f\n", y[1] - x[1] - ou, y[2] - x[2] - ok }')
	RUNS[$op]="${RUNS[$op]:-} $u/$k"
	WALL[$op]="${WALL[$op]:-} $(( (t1 - t0) / 1000000 ))"
	say "rep $rep: ${LABEL[$op]}: $(( (t1 - t0) / 1000000 )) ms, user $u, kernel $k"
}

for ((rep = 1; rep <= REPS; rep++)); do
	count apply "$HOTLINECTL" -N "$NS" apply "$tmp/channels.conf" || exit 1
	n=$("$HOTLINECTL" -N "$NS" -j channel show | jq length)
	[ "$n" = "$N" ] || { say "apply left $n channels, not $N"; exit 1; }
	count reapply "$HOTLINECTL" -N "$NS" apply "$tmp/channels.conf" || exit 1
	count show "$HOTLINECTL" -N "$NS" -j channel show || exit 1
	count empty "$HOTLINECTL" -N "$NS" apply "$tmp/empty.conf" || exit 1
	count routes_add ip -n "$NS" -batch "$tmp/add.batch" || exit 1
	count routes_del ip -n "$NS" -batch "$tmp/del.batch" || exit 1
done

# med FIELD RUNS: the median of field FIELD (1 user, 2 kernel) of "u/k" runs
med() { tr ' ' '\n' <<<"$2" | grep . | cut -d/ -f"$1" | median_min_max; }

printf '\nthe control plane, %d host channels or routes, %d runs, kernel %s\n\n' "$N" "$REPS" "$(uname -r)"
printf '| %-32s | %9s | %14s | %14s | %14s | %8s |\n' operation "wall ms" "user insns" \
	"kernel insns" "total / entry" "spread %"
printf '|%s|%s|%s|%s|%s|%s|\n' "----------------------------------" "-----------" \
	"----------------" "----------------" "----------------" "----------"
for op in $OPS; do
	read -r w _ < <(tr ' ' '\n' <<<"${WALL[$op]:-}" | grep . | median_min_max)
	read -r u _ < <(med 1 "${RUNS[$op]:-}")
	read -r k klo khi < <(med 2 "${RUNS[$op]:-}")
	printf '| %-32s | %9s | %14s | %14s | %14s | %8s |\n' "${LABEL[$op]}" "$w" "$u" "$k" \
		"$(awk -v u="$u" -v k="$k" -v n="$N" 'BEGIN { if (u != "-") printf "%.0f", (u + k) / n; else print "-" }')" \
		"$(awk -v m="$k" -v a="$klo" -v b="$khi" 'BEGIN { if (m > 0) printf "%.2f", 100 * (b - a) / m; else print "-" }')"
done
exit 0
