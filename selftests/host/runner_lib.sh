# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# What the host tests of selftests/vm/run share: lib.sh's helpers on the
# host, the runner ($run), a scratch directory ($tmp) removed at exit.

# shellcheck disable=SC2034 # read by lib.sh: use its helpers on the host
HOTLINE_ON_HOST=1
# shellcheck source=selftests/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

run=$HOTLINE_ROOT/selftests/vm/run
tmp=$(mktemp -d)
trap 'rc=$?; rm -rf "$tmp"; (exit "$rc"); cleanup' EXIT

# forget_run ERR: a failed run keeps its directory for the log, a boot
# retried keeps its console; the runs ERR (the runner's stderr) names are
# a test's expected failures, so drop them once checked.
forget_run() {
	local d
	sed -n -e 's/^vm: --- full console log: \(.*\)\/console.log$/\1/p' \
		-e 's/.*console kept in \(.*\)\/console.log;.*/\1/p' "$1" |
	while read -r d; do
		case $d in
		"$HOTLINE_ROOT"/build/vm/run.*) rm -rf "$d" ;;
		esac
	done
}
