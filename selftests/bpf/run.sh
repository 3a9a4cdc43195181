#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# selftests/bpf/run.sh: the XDP guard and its packet parser, on the host.
#
#   1. include/hotline/flow.h compiles freestanding, and as strict C11
#      with gcc and clang
#   2. flow_test: the parser on crafted frames, every truncation and
#      200000 random mutations, under AddressSanitizer + UBSan
#   3. guard_test: bpf/guard.bpf.o through BPF_PROG_TEST_RUN
#   4. guard_test --attach: the loader library (user/guard.c) attaching to
#      veth devices, in a private network and mount namespace with its own
#      BPF filesystem (nothing on the host is touched)
#
# Builds into build/selftests/bpf. Exit status non-zero if anything failed.
#
#   selftests/bpf/run.sh --no-build   run the binaries built before, first
#       proving the verifier takes the production program: for a read-only
#       tree such as the VM's,
#       selftests/vm/run --kver KVER -- selftests/bpf/run.sh --no-build
set -uo pipefail

nobuild=0
case ${1:-} in
"") ;;
--no-build) nobuild=1 ;;
*) echo "usage: selftests/bpf/run.sh [--no-build]" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/build/selftests/bpf
CC=${CC:-gcc}
CFLAGS="-std=c11 -Wall -Wextra -Werror -g"
INC="-I$root/include/uapi -I$root/include"
failed=0

fail() { echo "FAIL: $*"; failed=1; }

# build NAME CMD...: run a build step quietly; show its output on failure.
build() {
	local name=$1 log
	shift
	[ "$nobuild" = 1 ] && return 0
	if ! log=$("$@" 2>&1); then
		fail "build $name: $(echo "$log" | head -n 20)"
		return 1
	fi
}

# 1. include/hotline/flow.h alone: freestanding, strict C11, gcc and clang.
freestanding() {
	printf '%s\n' '#include <hotline/flow.h>' \
		'int parse(const void *d, const void *e, struct hotline_flow *f);' \
		'int parse(const void *d, const void *e, struct hotline_flow *f)' \
		'{ return hotline_parse_eth(d, e, f) + hotline_parse_ip(d, e, f); }' \
		>"$out/flow_freestanding.c"
	arch_inc=/usr/include/$($CC -dumpmachine)
	if $CC -std=c11 -Wall -Wextra -Werror -ffreestanding -nostdinc \
		-isystem /usr/include -isystem "$arch_inc" $INC \
		-c "$out/flow_freestanding.c" -o "$out/flow_freestanding.o" 2>"$out/ff.log" &&
	   clang -std=c11 -Wall -Wextra -Werror -Wpedantic -ffreestanding $INC \
		-c "$out/flow_freestanding.c" -o "$out/flow_freestanding_clang.o" 2>>"$out/ff.log"; then
		echo "PASS: flow.h compiles freestanding with gcc and clang"
	else
		fail "flow.h compiles freestanding with gcc and clang: $(head -n 5 "$out/ff.log")"
	fi
	# No calls out: nothing undefined in the objects but what every
	# freestanding C environment provides (compilers call memset/memcpy
	# for struct clears and copies).
	undef=$(nm -u "$out/flow_freestanding.o" "$out/flow_freestanding_clang.o" 2>/dev/null |
		awk '$1 == "U" && $2 !~ /^mem(set|cpy|move|cmp)$/ { print $2 }')
	if [ -z "$undef" ]; then
		echo "PASS: flow.h needs no library symbol"
	else
		fail "flow.h needs no library symbol: $undef"
	fi
}

if [ "$nobuild" = 1 ]; then
	for b in flow_test guard_test; do
		if [ ! -x "$out/$b" ]; then
			fail "--no-build: no $out/$b: run selftests/bpf/run.sh on the host first"
			exit 1
		fi
	done
	"$out/guard_test" --verifier-only || failed=1
else
	mkdir -p "$out"
	build bpf make -s -C "$root/bpf" BUILD="$root/build/bpf" || exit 1
	freestanding
fi

# 2. Parser unit tests under sanitizers.
if build flow_test $CC $CFLAGS -O1 -D_DEFAULT_SOURCE \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer $INC "$here/flow_test.c" -o "$out/flow_test"; then
	ASAN_OPTIONS=detect_leaks=1 "$out/flow_test" || failed=1
fi

# 3. The BPF program.
if ! build guard_test $CC $CFLAGS -O2 $INC -I"$root/build/bpf" -I"$root/user" \
	"$here/guard_test.c" "$root/user/guard.c" "$root/user/guard_mode.c" -lbpf -lelf -lz \
	-o "$out/guard_test"; then
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: guard: BPF_PROG_TEST_RUN needs root (CAP_BPF, CAP_NET_ADMIN)"
	exit $failed
fi
"$out/guard_test" || failed=1

# 4. The loader on real (virtual) devices, in throw-away namespaces.
if ! command -v unshare >/dev/null || ! unshare -mn true 2>/dev/null; then
	echo "SKIP: guard attach: cannot make a private network and mount namespace"
elif ! command -v ip >/dev/null; then
	echo "SKIP: guard attach: iproute2 (ip) is missing"
else
	unshare -mn bash -c '
		set -e
		mount --make-rprivate /
		d=$(mktemp -d /tmp/hotline-bpffs.XXXXXX)
		trap "umount $d 2>/dev/null; rmdir $d" EXIT
		if ! mount -t bpf bpf "$d" 2>/dev/null; then
			echo "SKIP: guard attach: cannot mount a BPF filesystem"
			exit 0
		fi
		ip link set lo up
		"$1" --attach "$d/hotline"
	' _ "$out/guard_test" || failed=1
fi

exit $failed
