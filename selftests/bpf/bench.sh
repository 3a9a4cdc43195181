#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# selftests/bpf/bench.sh [-r REPEAT] [-n RUNS]: ns per packet of the XDP
# guard on the running kernel (BPF_PROG_TEST_RUN), median of RUNS runs of
# REPEAT repetitions each. Prints a table; asserts nothing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/build/selftests/bpf
CC=${CC:-gcc}

mkdir -p "$out"
make -s -C "$root/bpf" BUILD="$root/build/bpf"
$CC -std=c11 -Wall -Wextra -Werror -O2 -g \
	-I"$root/include/uapi" -I"$root/include" -I"$root/build/bpf" -I"$root/user" \
	"$here/bench.c" "$root/user/guard.c" "$root/user/guard_mode.c" -lbpf -lelf -lz -lpthread \
	-o "$out/bench"
exec "$out/bench" "$@"
