#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# scripts/lint.sh [TOOL...]: static analysis, one result line per tool in
# the form selftests/check.sh counts, the findings below a FAIL:
#
#   PASS: lint: cppcheck
#   FAIL: lint: checkpatch: 3 findings
#   kmod/main.c:12: WARNING:LONG_LINE: ...
#
# TOOL is sparse, checkpatch, cppcheck or clang-tidy (default: all four).
#
#   sparse      hotline.ko with C=2 (every file checked, built or not) for
#               each kernel of scripts/kernels.sh; any warning or error in
#               hotline's own files fails.
#   checkpatch  --strict on kmod/ and include/, less the types listed in
#               kmod/checkpatch.ignore ("TYPE  # why" per line).
#   cppcheck    user/*.c and the C test helpers in selftests/, with
#               user/.cppcheck.cfg and user/.cppcheck-suppressions.
#   clang-tidy  user/*.c with the checks of user/.clang-tidy, all errors.
#
# Compiler flags come from user/Makefile itself, so the analysers see
# what gcc sees.  Needs the build tree of `make kmod bpf` (the generated
# BPF skeleton, the per-kernel module trees) and makes it if missing.
# KVERS (as make passes it) narrows sparse to those kernels.
# Exit status: non-zero if any tool failed.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
build=$root/build
work=$build/lint
cache=${HOTLINE_CACHE:-/var/cache/hotline}
jobs=${LINT_JOBS:-2}
failed=0

tools=${*:-sparse checkpatch cppcheck clang-tidy}
for t in $tools; do
	case $t in
	sparse | checkpatch | cppcheck | clang-tidy) ;;
	*) echo "usage: scripts/lint.sh [sparse|checkpatch|cppcheck|clang-tidy]..." >&2; exit 2 ;;
	esac
done

mkdir -p "$work"
cd "$root" || exit 1
kvers=${KVERS:-$(scripts/kernels.sh)}
# sparse builds hotline.ko where make puts it: with make's version (run
# alone, a module labelled otherwise would fail test_module's version
# check in the next VM run)
version=${HOTLINE_VERSION:-$(git describe --always --dirty --tags 2>/dev/null || echo 0.1.0)}

# result TOOL FINDINGS-FILE [WHY]: PASS when the file is empty and no WHY
# is given, else FAIL with the findings underneath, counted by their
# "[KVER] file:line:" first lines (notes and excerpts follow some).
result() {
	local tool=$1 file=$2 why=${3:-} n
	if [ -z "$why" ] && [ ! -s "$file" ]; then
		echo "PASS: lint: $tool"
		return
	fi
	failed=1
	n=$(grep -E '^(\[[^]]*\] )?[^ :]+:[0-9]+:' "$file" | grep -c -v ': note: ')
	[ -n "$why" ] || why="$n finding$([ "$n" -eq 1 ] || echo s)"
	echo "FAIL: lint: $tool: $why"
	sed -e '$a\' "$file"
}

# The per-kernel module trees and the BPF skeleton guard.c includes.
prepare() {
	local k need=
	for k in $kvers; do
		[ -r "$build/kmod/$k/Kbuild" ] || need=1
	done
	[ -r "$build/bpf/guard.skel.h" ] || need=1
	[ -z "$need" ] || make -s -C "$root" kmod bpf >&2
}

# ---- sparse -------------------------------------------------------------
#
# The same command as `make kmod` plus C=2, so kbuild sees unchanged flags
# and rebuilds nothing: only the checker runs, on every file.  Sparse
# also warns about the kernel's own headers; only lines naming a file of
# the module tree (kmod/, include/, linked into build/kmod/KVER) count.
lint_sparse() {
	local out=$work/sparse.txt log=$work/sparse.log k why=
	: >"$out"
	[ -n "$kvers" ] || { result sparse "$out" "no kernel headers (scripts/kernels.sh printed none)"; return; }
	command -v sparse >/dev/null || { result sparse "$out" "sparse is not installed (make deps)"; return; }
	for k in $kvers; do
		if ! make -s -C "/lib/modules/$k/build" M="$build/kmod/$k" W=1 C=2 \
			HOTLINE_VERSION="$version" modules >"$log" 2>&1; then
			why="${why:+$why; }the build for $k failed"
			sed "s|^|[$k] |" "$log" >>"$out"
			continue
		fi
		# Prefixes compared as strings: a KVER may hold a "+". Our
		# headers come in as build/kmod/KVER/kmod/../include/...
		awk -v b="$build/kmod/$k/" -v r="$root/" -v k="$k" '
			!/^[^ :]+:[0-9]+:([0-9]+:)? +(warning|error):/ { next }
			{
				p = $0
				if (index(p, b) == 1)
					p = substr(p, length(b) + 1)
				else if (index(p, r) == 1)
					p = substr(p, length(r) + 1)
				else
					next
				sub(/^kmod\/\.\.\/include\//, "include/", p)
				if (p ~ /^(kmod|include)\//)
					print "[" k "] " p
			}' "$log" >>"$out"
	done
	result sparse "$out" "$why"
}

# ---- checkpatch ---------------------------------------------------------
#
# checkpatch.pl from the kernel tree scripts/debug-kernel.sh unpacks, else
# the three files it needs taken out of Debian's linux-source tarball
# (single members by exact name: listing a 130 MB .tar.xz takes minutes).
find_checkpatch() {
	local d tarball top m
	for d in $(ls -d "$cache"/debug-kernel/src-*/ 2>/dev/null | sort -V -r); do
		if [ -r "$d/scripts/checkpatch.pl" ] && [ -r "$d/scripts/spelling.txt" ]; then
			echo "$d/scripts/checkpatch.pl"
			return 0
		fi
	done
	d=$work/checkpatch
	if [ -r "$d/checkpatch.pl" ] && [ -r "$d/spelling.txt" ]; then
		echo "$d/checkpatch.pl"
		return 0
	fi
	tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
	[ -n "$tarball" ] || return 1
	top=$(basename "$tarball" .tar.xz)
	mkdir -p "$d.tmp" || return 1
	tar -xJf "$tarball" -C "$d.tmp" --strip-components=2 \
		"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch" || { rm -rf "$d.tmp"; return 1; }
	for m in checkpatch.pl spelling.txt const_structs.checkpatch; do
		[ -r "$d.tmp/$m" ] || { rm -rf "$d.tmp"; return 1; }
	done
	rm -rf "$d" && mv "$d.tmp" "$d" && echo "$d/checkpatch.pl"
}

# Run in a scratch directory holding links to kmod/ and include/: the
# paths checkpatch sees (and matches its rules against) are the
# repository's, but its CamelCase cache file lands there, not in the
# clone.  GIT_DIR lets it seed that cache from our include/ as it would
# at the top of the tree.
lint_checkpatch() {
	local out=$work/checkpatch.txt cp ignore='' files rc scratch=$work/checkpatch-run
	: >"$out"
	cp=$(find_checkpatch) || {
		result checkpatch "$out" "no checkpatch.pl: neither $cache/debug-kernel/src-*/ nor /usr/src/linux-source-*.tar.xz (make deps)"
		return
	}
	if [ -r kmod/checkpatch.ignore ]; then
		ignore=$(sed -e 's/#.*//' kmod/checkpatch.ignore | awk 'NF { print $1 }' | paste -sd, -)
	fi
	files=$(ls kmod/*.[ch] include/uapi/linux/*.h include/hotline/*.h)
	mkdir -p "$scratch"
	ln -sfn "$root/kmod" "$scratch/kmod"
	ln -sfn "$root/include" "$scratch/include"
	# shellcheck disable=SC2086 # the file list is split on purpose
	(cd "$scratch" && GIT_DIR=$root/.git perl "$cp" --strict --no-tree --terse \
		--show-types --no-summary ${ignore:+--ignore "$ignore"} -f $files) \
		>"$work/checkpatch.log" 2>&1
	rc=$?
	grep -v '^$' "$work/checkpatch.log" >"$out"
	if [ "$rc" -ne 0 ] && [ ! -s "$out" ]; then
		result checkpatch "$out" "checkpatch.pl exited $rc"
	else
		result checkpatch "$out"
	fi
}

# ---- cppcheck, clang-tidy -----------------------------------------------

# user/Makefile's compiler flags, printed by the Makefile itself.
user_cflags() {
	make -s -C "$root/user" --no-print-directory BUILD="$build" HOTLINE_VERSION=lint \
		--eval='lint-cflags: ; @echo $(CFLAGS_COMMON)' lint-cflags
}

lint_cppcheck() {
	local out=$work/cppcheck.txt flags f defs=() incs=() srcs rc
	: >"$out"
	command -v cppcheck >/dev/null || { result cppcheck "$out" "cppcheck is not installed (make deps)"; return; }
	flags=$(user_cflags) || { result cppcheck "$out" "cannot read the flags of user/Makefile"; return; }
	# Only what changes the code cppcheck sees: includes and defines.
	for f in $flags; do
		case $f in
		-I/*) incs+=("$f") ;;
		-I*) incs+=("-I$root/user/${f#-I}") ;;
		-D*) defs+=("$f") ;;
		esac
	done
	srcs=$(ls user/*.c selftests/*.c selftests/unit/*.c selftests/fuzz/*.c \
		selftests/bpf/*.c selftests/bench/*.c selftests/vm/icount/*.c 2>/dev/null)
	# shellcheck disable=SC2086 # the file list is split on purpose
	cppcheck -q -j "$jobs" --std=c11 --error-exitcode=1 --inline-suppr \
		--enable=warning,style,performance,portability \
		--library=posix --library=gnu --library=user/.cppcheck.cfg \
		--suppressions-list=user/.cppcheck-suppressions \
		"${defs[@]}" -I"$root/user" "${incs[@]}" \
		--template='{file}:{line}: {severity}: {message} [{id}]' \
		$srcs >"$out" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ] && [ ! -s "$out" ]; then
		result cppcheck "$out" "cppcheck exited $rc"
	else
		result cppcheck "$out"
	fi
}

# One file per clang-tidy, $jobs at a time: it is the slow one.
lint_clang_tidy() {
	local out=$work/clang-tidy.txt flags tidy f broken
	: >"$out"
	tidy=$(command -v clang-tidy || ls /usr/bin/clang-tidy-* 2>/dev/null | sort -V | tail -n 1)
	[ -n "$tidy" ] || { result clang-tidy "$out" "clang-tidy is not installed (make deps)"; return; }
	flags=$(user_cflags) || { result clang-tidy "$out" "cannot read the flags of user/Makefile"; return; }
	rm -rf "$work/tidy" && mkdir -p "$work/tidy"
	# clang-tidy finds user/.clang-tidy beside the sources.
	# shellcheck disable=SC2016,SC2086 # $1.. are sh's; the flags are split on purpose
	(cd user && printf '%s\n' *.c |
		xargs -P "$jobs" -I{} sh -c 'tidy=$1 f=$2 dir=$3; shift 3
			"$tidy" -quiet "$f" -- "$@" >"$dir/$f.txt" 2>&1 || echo "$f" >>"$dir/failed"' \
			sh "$tidy" {} "$work/tidy" $flags)
	# The findings, each once (a header's come with every file including
	# it), without clang-tidy's "N warnings generated" chatter. A finding
	# starts at a "file:line:col: warning|error:" line; its notes and
	# source excerpts follow. Those located in build/ are in code bpftool
	# generates (the skeleton guard.c includes), not ours to change; the
	# analyser still follows our calls into it.
	for f in "$work"/tidy/*.txt; do
		[ -e "$f" ] && sed "s|$root/||g" "$f"
	done | awk '
		function flush() {
			if (head != "" && !(head in seen) && head !~ /^build\//)
				printf "%s", block
			if (head != "")
				seen[head] = 1
			head = block = ""
		}
		/^[^ :]+:[0-9]+:[0-9]+: (warning|error):/ { flush(); head = $0 }
		/^[0-9]+ (warning|error)s? (generated|treated as errors?)\.$/ { next }
		head != "" { block = block $0 "\n" }
		END { flush() }' >"$out"
	# A file that failed without any finding at all: clang-tidy itself broke.
	broken=
	if [ -s "$work/tidy/failed" ]; then
		for f in $(cat "$work/tidy/failed"); do
			grep -q -E '^[^ :]+:[0-9]+:[0-9]+: (warning|error):' "$work/tidy/$f.txt" ||
				broken="$broken $f"
		done
	fi
	if [ -n "$broken" ]; then
		for f in $broken; do sed "s|^|$f: |" "$work/tidy/$f.txt"; done >>"$out"
		result clang-tidy "$out" "clang-tidy failed on$broken"
	else
		result clang-tidy "$out"
	fi
}

prepare
for t in $tools; do
	t0=$SECONDS
	case $t in
	sparse) lint_sparse ;;
	checkpatch) lint_checkpatch ;;
	cppcheck) lint_cppcheck ;;
	clang-tidy) lint_clang_tidy ;;
	esac
	echo "lint: $t: $((SECONDS - t0))s" >&2
done
exit "$failed"
