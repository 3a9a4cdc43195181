#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# selftests/fuzz/run.sh [SECONDS]: build the libFuzzer targets (clang,
# -fsanitize=fuzzer,address,undefined) and run each for SECONDS (default
# 20; `make stress` gives 600), starting from the seed corpus committed
# under selftests/fuzz/corpus/TARGET. Any crash, leak, sanitizer report or
# broken property is a FAIL, with the reproducer kept in build/fuzz/.
# New inputs found go to build/fuzz/corpus/TARGET, never into the repo.
#
#   fuzz_config           the hotline.conf parser, and print -> parse
#   fuzz_channel_decode   channel_decode(), then every printer of a channel
#
# Ends with "fuzz: N passed, N failed".
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
secs=${1:-20}
out=${BUILD:-$root/build}/fuzz
targets="fuzz_config fuzz_channel_decode"
passed=0 failed=0

case $secs in
'' | *[!0-9]*) echo "usage: selftests/fuzz/run.sh [SECONDS]" >&2; exit 2 ;;
esac

CC=${FUZZ_CC:-}
if [ -z "$CC" ]; then
	for c in clang clang-14; do
		command -v "$c" >/dev/null && { CC=$c; break; }
	done
fi
if [ -z "$CC" ]; then
	echo "FAIL: fuzz: build: no clang (make deps installs it)"
	echo "fuzz: 0 passed, 1 failed"
	exit 1
fi

mkdir -p "$out"
cflags="-std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra -Werror
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	-I$root/user -I$root/include/uapi -I$root/include
	$(pkg-config --cflags libmnl json-c)"
libs="$(pkg-config --libs libmnl json-c) -lm"
u=$root/user
# shellcheck disable=SC2034 # read through ${!srcs_var}
srcs_fuzz_config="$u/config.c $u/guard_mode.c $u/parse.c $u/key.c $u/channel_msg.c $u/path.c"
# shellcheck disable=SC2034
srcs_fuzz_channel_decode="$srcs_fuzz_config $u/output.c $u/status.c"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

for t in $targets; do
	srcs_var=srcs_$t
	# shellcheck disable=SC2086 # word lists on purpose
	if ! berr=$($CC $cflags -o "$out/$t" "$here/$t.c" ${!srcs_var} $libs 2>&1); then
		echo "FAIL: fuzz: $t: build failed"
		printf '%s\n' "$berr" | sed 's/^/    /' | head -n 30
		failed=$((failed + 1))
		continue
	fi
	work=$out/corpus/$t
	mkdir -p "$work" "$out/artifacts/$t"
	log=$out/$t.log
	# seeds first, then whatever earlier runs found
	(cd "$out/artifacts/$t" &&
		"$out/$t" -max_total_time="$secs" -max_len=4096 -timeout=10 \
			-rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix="$out/artifacts/$t/" \
			"$work" "$here/corpus/${t#fuzz_}" >"$log" 2>&1)
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ "$rc" = 0 ] && [ -n "$runs" ] && [ "$runs" -gt 0 ]; then
		echo "PASS: fuzz: $t: ${runs} inputs in ${secs}s, no crash or leak"
		passed=$((passed + 1))
	else
		echo "FAIL: fuzz: $t: exit $rc after ${runs:-0} inputs (log $log; reproducer in $out/artifacts/$t)"
		grep -E 'ERROR|SUMMARY|runtime error|differs|does not parse' "$log" |
			head -n 10 | sed 's/^/    /'
		failed=$((failed + 1))
	fi
done

echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
