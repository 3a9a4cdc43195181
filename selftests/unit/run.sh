#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# hotlinectl's host unit tests: the C tests of the parsers, formatters,
# output and channel decoder, built plainly and with ASan+UBSan (any
# sanitizer report stops the run and fails it); the command line without
# the module; `qdisc` in network namespaces when this host allows them.
# Prints PASS/FAIL/SKIP per check and ends with "unit: N passed, N failed".
#
#   selftests/unit/run.sh           (BUILD=DIR to build elsewhere)
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD:-$root/build}
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

passed=0 failed=0 skipped=0

# run NAME CMD...: show its lines, count them, and fail a run that died
# without saying FAIL itself (a sanitizer report, a crash)
run() {
	local name=$1 out rc p f s
	shift
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	p=$(grep -c '^PASS:' <<<"$out")
	f=$(grep -c '^FAIL:' <<<"$out")
	s=$(grep -c '^SKIP:' <<<"$out")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "FAIL: $name: exited with status $rc"
		f=1
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

if ! make -s -C "$root/user" BUILD="$build" test; then
	echo "FAIL: unit build: make -C user test"
	echo "unit: 0 passed, 1 failed"
	exit 1
fi

for t in test_parse test_channel_msg test_output test_key test_config test_status test_prometheus; do
	run "$t" "$build/unit/$t"
	run "$t [asan]" "$build/unit-asan/$t" " [asan]"
done
run "cli" "$here/cli.sh" "$root/user/hotlinectl"
run "cli [asan]" "$here/cli.sh" "$build/user-asan/hotlinectl" " [asan]"
run "qdisc" "$here/qdisc_netns.sh" "$root/user/hotlinectl"
# The health maths under ASan/UBSan; also builds build/selftests/stamp_peer,
# which the VM's test_health sends hostile packets with.
run "health_math" "$here/health_run.sh"

echo "unit: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
