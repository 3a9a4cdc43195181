#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Out of memory, on purpose: failslab and fail_page_alloc, aimed at the
# one task that makes a request (make-it-fail plus task-filter, so the
# rest of the VM, softirqs included, allocates normally), fail 1% to 20%
# of its allocations while it
#
#   * adds, changes, shows and deletes channels (hotlinectl channel ...)
#   * rekeys, re-probes and re-times a keyed health session between the
#     two gateways (channel set ... key-file ...)
#   * applies one 200-channel file over another (hotlinectl apply)
#   * creates network namespaces while others hold channels (unshare
#     failing, then a channel and a session added in the new one)
#   * loads the module (every allocation of its init failed in turn)
#
# Each request must succeed whole (the table is what it asked for) or
# fail with ENOMEM (ENOBUFS: netlink could not queue the message or the
# ACK) and leave the table byte-identical to a dump taken before it. No
# WARN or splat (the VM runner fails on those), no leak (the runner's
# kmemleak scan; the module's own object counters in debugfs must come
# back to 0), and the module unloads.
#
# Two ways of aiming:
#   exec     the request's subshell sets /proc/self/make-it-fail and execs
#            hotlinectl: the whole life of the command is exposed, as for
#            a user on a starved machine. exec, ld.so and the socket fail
#            first nearly every time (at 1%, 10 requests out of 10), which
#            must change nothing either; a few requests per level.
#   request  a preloaded sendto() sets make-it-fail as hotlinectl sends its
#            first message to the hotline family, so the failures land on
#            the request, the module and the answer: everything else.
# Whatever runs under injection runs from copies in tmpfs (see localize).
#
# Skips unless the kernel has fault injection in debugfs (the debug kernel,
# scripts/debug-kernel.sh). Budget knobs (the runner passes HOTLINE_*
# variables into the VM): HOTLINE_FI_LEVELS (percent, "1 5 10 20"),
# HOTLINE_FI_REQUESTS (channel requests per level; HOTLINE_FI_EXEC of
# them from exec), HOTLINE_FI_KEYED,
# HOTLINE_FI_APPLY, HOTLINE_FI_NETNS (per level), HOTLINE_FI_NTH (most
# fault points of one keyed set failed in turn), HOTLINE_FI_INIT (fault
# points of the module load failed in turn), HOTLINE_FI_APPLY_NTH (most
# fault points of one apply failed in turn) and HOTLINE_FI_APPLY_STRIDE
# (every 3rd of them, each direction; make stress: every one),
# HOTLINE_FI_HIGHMEM
# (fail_page_alloc's ignore-gfp-highmem, default 1: see fi_config).
# Defaults keep it near 6 minutes on the debug kernel under TCG; the
# issue's "hundreds per level" is HOTLINE_FI_REQUESTS=200 and an hour.
. "$(dirname "$0")/lib.sh"

FS=/sys/kernel/debug/failslab
FP=/sys/kernel/debug/fail_page_alloc
if [ ! -d "$FS" ]; then
	skip "all" "no $FS: $(uname -r) is not built with CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS (the debug kernel is: scripts/debug-kernel.sh)"
	exit 0
fi
if [ ! -w /proc/self/make-it-fail ]; then
	skip "all" "no /proc/self/make-it-fail on $(uname -r): cannot aim the failures at one task"
	exit 0
fi

LEVELS=${HOTLINE_FI_LEVELS:-1 5 10 20}
N_REQ=${HOTLINE_FI_REQUESTS:-12}
N_EXEC=${HOTLINE_FI_EXEC:-3}
N_KEYED=${HOTLINE_FI_KEYED:-5}
N_APPLY=${HOTLINE_FI_APPLY:-3}
N_NETNS=${HOTLINE_FI_NETNS:-3}
N_INIT=${HOTLINE_FI_INIT:-40}
N_NTH=${HOTLINE_FI_NTH:-80}
N_APPLY_NTH=${HOTLINE_FI_APPLY_NTH:-200}
APPLY_STRIDE=${HOTLINE_FI_APPLY_STRIDE:-3}

NS=hl-fi-$$
NS_REF=hl-firef-$$
NS_NEW=hl-finew-$$
tmp=$(mktemp -d /tmp/hl-fi.XXXXXX)
OBJ=/sys/kernel/debug/hotline/objects
t_start=$SECONDS

hl() { "$HOTLINECTL" "$@"; }
# mark WHAT: where the time goes (TCG and KASAN make it count)
mark() { echo "# $TEST: $1 at $((SECONDS - t_start)) s"; }

# ---- fault injection knobs ------------------------------------------------

# Saved at start, put back on exit: run_all.sh runs other tests in this VM.
declare -A fi_saved
fi_save() {
	local d f
	for d in "$FS" "$FP"; do
		[ -d "$d" ] || continue
		for f in probability interval times space verbose task-filter \
			 ignore-gfp-wait ignore-gfp-highmem min-order; do
			[ -e "$d/$f" ] && fi_saved[$d/$f]=$(<"$d/$f")
		done
	done
}

fi_restore() {
	local k
	[ -d "$FS" ] || return 0
	# probability first, so no intermediate state fails anything
	echo 0 >"$FS/probability" 2>/dev/null
	[ -d "$FP" ] && echo 0 >"$FP/probability" 2>/dev/null
	for k in "${!fi_saved[@]}"; do
		echo "${fi_saved[$k]}" >"$k" 2>/dev/null
	done
}

# fi_config PCT: PCT percent of the allocations of tasks with make-it-fail
# fail, every time (times -1), from the first one (space 0), silently
# (hundreds of failures would flood the console the runner scans).
# ignore-gfp-wait 0: the module allocates with GFP_KERNEL, which sleeps,
# and the default (1) would never fail those. fail_page_alloc keeps
# ignore-gfp-highmem 1 unless HOTLINE_FI_HIGHMEM=0: __GFP_HIGHMEM is only
# in user pages (anonymous memory, page cache), which the module never
# allocates; failing them makes copy_to_user() fault (EFAULT instead of an
# error from the request) and exec read short, noise about the client.
fi_config() {
	local d
	for d in "$FS" "$FP"; do
		[ -d "$d" ] || continue
		echo 0 >"$d/probability"
		echo 1 >"$d/task-filter"
		echo 0 >"$d/ignore-gfp-wait"
		echo 1 >"$d/interval"
		echo -1 >"$d/times"
		echo 0 >"$d/space"
		echo 0 >"$d/verbose"
	done
	if [ -d "$FP" ]; then
		echo "${HOTLINE_FI_HIGHMEM:-1}" >"$FP/ignore-gfp-highmem"
		echo 0 >"$FP/min-order"
	fi
	fi_level "$1"
}

fi_level() {
	echo "$1" >"$FS/probability"
	[ -d "$FP" ] && echo "$1" >"$FP/probability"
	return 0
}

fi_save
trap 'rc=$?; fi_restore; for n in "$NS" "$NS_REF" "$NS_NEW" "${NS_PATHS:-}"; do ip netns del "$n" 2>/dev/null; done
      rm -rf "$tmp"; (exit $rc); cleanup' EXIT

# Everything a task under injection runs is copied to tmpfs first, with
# the libraries it loads, and started through the copied ld.so: a 9p
# request of the guest's root failing half-way (say, paging in a library
# while the task's allocations fail) left every later open in the guest
# failing with EINVAL. Nothing here may read from the 9p root while
# failing.
SYS=$tmp/sys
mkdir -p "$SYS"
localize() { # BIN...
	local bin path lib
	for bin in "$@"; do
		path=$(command -v "$bin") || return 1
		cp "$path" "$SYS/${bin##*/}" || return 1
		for lib in $(ldd "$path" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
			[ -e "$SYS/${lib##*/}" ] || cp -L "$lib" "$SYS/${lib##*/}" || return 1
		done
	done
}
LDSO=$(ldd "$HOTLINECTL" | awk '$1 ~ /^\/.*ld-linux/ { print $1 }')
if ! localize "$HOTLINECTL" || [ ! -e "$SYS/${LDSO##*/}" ]; then
	fail "setup" "cannot copy hotlinectl and its libraries to $SYS"
	exit 1
fi
LDSO=$SYS/${LDSO##*/}
# local BIN ARGS...: run the tmpfs copy of BIN (no locale files either)
local_cmd() {
	local bin=$1
	shift
	LC_ALL=C exec "$LDSO" --library-path "$SYS" --argv0 "$bin" "$SYS/$bin" "$@"
}

# The request window: a preloaded sendto() sets the task's make-it-fail
# when hotlinectl sends its first message to the hotline family, so the
# failures land on the request (and the module), not on exec, ld.so, the
# socket or the family lookup, which would fail first nearly every time:
# at 1% not one request in ten got past them.
cat >"$tmp/fi_shim.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * HL_FI_NTH=N: instead of make-it-fail, fail the Nth fault point from the
 * first hotline message that changes something (not a GET), and say at
 * exit how many were left (0: the fault was injected).
 */
static int armed;

static void put(const char *file, const char *val)
{
	int f = open(file, O_WRONLY);

	if (f >= 0) {
		if (write(f, val, strlen(val)) < 0)
			armed = -1;
		close(f);
	}
}

static void __attribute__((destructor)) left(void)
{
	char buf[32] = "";
	int f;

	if (!getenv("HL_FI_NTH"))
		return;
	f = open("/proc/thread-self/fail-nth", O_RDONLY);
	if (f >= 0 && read(f, buf, sizeof(buf) - 1) > 0)
		fprintf(stderr, "fail-nth-left %s", buf);
	if (f >= 0)
		close(f);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *to, socklen_t tolen)
{
	static ssize_t (*real)(int, const void *, size_t, int,
			       const struct sockaddr *, socklen_t);
	const struct nlmsghdr *nlh = buf;
	const struct genlmsghdr *g = (const void *)(nlh + 1);
	const char *nth = getenv("HL_FI_NTH");

	if (!real)
		real = (ssize_t (*)(int, const void *, size_t, int,
				    const struct sockaddr *, socklen_t))
			dlsym(RTLD_NEXT, "sendto");
	if (!armed && len >= sizeof(*nlh) + sizeof(*g) &&
	    nlh->nlmsg_type > GENL_ID_CTRL) {
		if (!nth) {
			put("/proc/thread-self/make-it-fail", "1");
			armed = 1;
		} else if (g->cmd != 4) {	/* HOTLINE_CMD_CHANNEL_GET */
			put("/proc/thread-self/fail-nth", nth);
			armed = 1;
		}
	}
	return real(fd, buf, len, flags, to, tolen);
}
EOF
if ! out=$(gcc -shared -fPIC -O2 -Wall -o "$SYS/fi_shim.so" "$tmp/fi_shim.c" -ldl 2>&1); then
	skip "all" "cannot build the request-window shim (gcc): $out"
	exit 0
fi
mark "tools copied to tmpfs, shim built"

# inject CMD...: CMD (a localized binary) in a subshell whose allocations,
# from exec on, fail as configured; output to $tmp/out and $tmp/err.
inject() {
	{ (echo 1 >/proc/self/make-it-fail && local_cmd "$@") >"$tmp/out" 2>"$tmp/err" </dev/null; } 2>/dev/null
}

# inject_req ARGS...: hotlinectl ARGS, failing from its first hotline
# request on (the request window).
inject_req() {
	{ (LC_ALL=C exec "$LDSO" --library-path "$SYS" --preload "$SYS/fi_shim.so" \
		--argv0 hotlinectl "$SYS/hotlinectl" "$@") >"$tmp/out" 2>"$tmp/err" </dev/null; } 2>/dev/null
}

# outcome RC: what the injected request did, in $cls:
#   ok       exit 0
#   enomem   failed, saying "Cannot allocate memory" (ENOMEM), wherever:
#            exec, ld.so, the socket, the family lookup or the request
#   enfile   failed to open a socket, saying "Too many open files in
#            system" (ENFILE): the kernel's answer when allocating the
#            socket's inode fails; checked as ENOMEM is (nothing changed)
#   enobufs  failed with ENOBUFS: netlink dropped the request or, after
#            the change was made, its ACK
#   efault   failed with EFAULT: the kernel could not write the answer
#            into the client's memory (a page table for it failed)
#   killed   died of a signal (exec failing past its point of no return)
#   exec     exec or ld.so failed (126, 127): hotlinectl never ran; the
#            errno is exec's or ld.so's, and not always ENOMEM
#   other    anything else: a FAIL
# enobufs, efault and killed may come after the change was made: the
# table must then be unchanged or changed whole.
outcome() {
	if [ "$1" = 0 ]; then
		cls=ok
	elif [ "$1" -gt 128 ]; then
		cls=killed
	elif [ "$1" = 126 ] || [ "$1" = 127 ]; then
		cls="exec"
	elif grep -q 'Cannot allocate memory' "$tmp/err"; then
		cls=enomem
	elif grep -q 'socket: Too many open files in system' "$tmp/err"; then
		cls=enfile
	elif grep -q 'No buffer space available' "$tmp/err"; then
		cls=enobufs
	elif grep -q 'Bad address' "$tmp/err"; then
		cls=efault
	else
		cls=other
	fi
}

# tally ARRAY [PREFIX]: "N ok, N ENOMEM" and the rarer outcomes that
# occurred, from ARRAY[PREFIXclass] counts
tally() {
	local -n _t=$1
	local p=${2:-} out c
	out="${_t[${p}ok]:-0} ok, ${_t[${p}enomem]:-0} ENOMEM"
	for c in enfile enobufs efault killed exec; do
		[ -n "${_t[$p$c]:-}" ] && out+=", ${_t[$p$c]} ${c^^}"
	done
	echo "$out"
}

# objects_zero: every counter in the module's objects file is 0 (RCU
# frees may still be pending for a moment: waited for).
objects_zero() { awk '$2 != 0 { bad = 1 } END { exit bad }' "$OBJ"; }

# ---- the table keeper ----------------------------------------------------

# Dumps and checks from one Python process (pyhotline, a socket per
# namespace) instead of a hotlinectl and a jq per dump: under TCG with
# KASAN every exec costs, and each request needs a dump after it. One
# command a line in, one answer a line out:
#   dump NS                     dump NS (no counters, no status); the one
#                               before it is kept as "before"
#   same NS                     yes if the last two dumps are equal
#   verify NS OP NAME PEER DSCP yes if the last dump is the one before it
#                               with OP (add, set, del) done to NAME
#   showed NS NAME FILE         yes if FILE (channel show -j NAME) agrees
#   peer NS NAME                NAME's peer in the last dump, or -
#   since NS NAME               NAME's session start (status since)
#   keyed NS NAME ADDR IVAL     yes if NAME is keyed, probes ADDR every IVAL
#   save NS FILE                the last dump by name, without ids, to FILE
#   apply NS WANT OUT ERR CLS   after an apply (WANT: a save of the file's
#                               table): ok (the table is WANT, ids kept),
#                               atomic (unchanged), whole (the table is
#                               WANT though the answer was lost), bad
#   netns NAME|- [CMD...]       a child makes a namespace, failing as set
#                               while in unshare(); mounts it at NAME or
#                               runs CMD in it: made, unshare ENOMEM, ...
#   quit                        close the sockets (they hold namespaces)
cat >"$tmp/keeper.py" <<'EOF'
import ctypes, json, os, sys
sys.path.insert(0, os.environ['HOTLINE_ROOT'] + '/selftests')
from pyhotline import Hotline

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)
home = os.open('/proc/self/ns/net', os.O_RDONLY)
socks, last, before, raw = {}, {}, {}, {}
KEEP = ('id', 'name', 'peer', 'local', 'proto', 'port', 'dscp', 'priority',
        'mark', 'mark_mask', 'health')

def sock(ns):
    if ns not in socks:
        fd = os.open('/run/netns/' + ns, os.O_RDONLY)
        if libc.setns(fd, CLONE_NEWNET):
            raise OSError(ctypes.get_errno(), 'setns ' + ns)
        os.close(fd)
        try:
            socks[ns] = Hotline()
        finally:
            libc.setns(home, CLONE_NEWNET)
    return socks[ns]

def dump(ns):
    for _ in range(20):
        r = sock(ns).dump()
        if not r.errno and not r.dump_intr:
            break
    if r.errno:
        raise OSError(r.errno, 'dump of ' + ns)
    raw[ns] = {c['name']: c for c in r.channels}
    before[ns] = last.get(ns)
    last[ns] = [{k: c[k] for k in KEEP} for c in r.channels]
    return last[ns]

def find(t, name):
    return next((c for c in t if c['name'] == name), None)

def others(t, name):
    return [c for c in t if c['name'] != name]

def verify(ns, op, name, peer, dscp):
    b, a = before[ns], last[ns]
    bc, ac = find(b, name), find(a, name)
    if others(b, name) != others(a, name):
        return False
    if op == 'add':
        return (bc is None and ac is not None and ac['peer'] == peer and
                ac['dscp'] == int(dscp) and ac['proto'] == 'udp')
    if op == 'del':
        return bc is not None and ac is None
    if op == 'set':
        def rest(c):
            return {k: v for k, v in c.items() if k not in ('peer', 'dscp')}
        return (bc is not None and ac is not None and ac['peer'] == peer and
                ac['dscp'] == int(dscp) and rest(ac) == rest(bc))
    return a == b

MS_BIND = 4096
libc.unshare(0)     # the ctypes path, paged in now rather than under injection

def netns(name, add):
    """A child makes a network namespace with its allocations failing,
    for unshare(CLONE_NEWNET) only; then it either mounts it at
    /run/netns/NAME or execs ADD... (hotlinectl in the request window) in
    it, and the namespace dies with it."""
    pid = os.fork()
    if pid == 0:
        mif = os.open('/proc/thread-self/make-it-fail', os.O_WRONLY)
        os.pwrite(mif, b'1', 0)
        r = libc.unshare(CLONE_NEWNET)
        err = ctypes.get_errno()
        os.pwrite(mif, b'0', 0)
        if r:
            os._exit(100 + err)
        if name != '-':
            path = ('/run/netns/' + name).encode()
            os.close(os.open(path, os.O_RDONLY | os.O_CREAT, 0o444))
            if libc.mount(b'/proc/self/ns/net', path, None, MS_BIND, None):
                os._exit(99)
            os._exit(0)
        os.execv(add[0], add)
    _, st = os.waitpid(pid, 0)
    if os.WIFSIGNALED(st):
        return 'signal %d' % os.WTERMSIG(st)
    rc = os.WEXITSTATUS(st)
    if rc >= 100:
        return 'unshare %s' % ('ENOMEM' if rc - 100 == 12 else 'errno %d' % (rc - 100))
    return 'made' if rc == 0 else 'made, then exit %d' % rc

def byname(t):
    return {c['name']: {k: v for k, v in c.items() if k != 'id'} for c in t}

def apply_check(ns, want_file, out_file, err_file, cls):
    b, a = before[ns], last[ns]
    with open(want_file) as f:
        want = json.load(f)
    if cls == 'ok':
        ids = {c['name']: c['id'] for c in b}
        kept = all(ids.get(c['name'], c['id']) == c['id'] for c in a)
        return 'ok' if json.loads(json.dumps(byname(a))) == want and kept else 'bad'
    if a == b:
        return 'atomic'
    # only the answer was lost (ENOBUFS, EFAULT, a signal): made whole
    ids = {c['name']: c['id'] for c in b}
    kept = all(ids.get(c['name'], c['id']) == c['id'] for c in a)
    if cls not in ('enomem', 'enfile') and json.loads(json.dumps(byname(a))) == want and kept:
        return 'whole'
    return 'bad'

for line in sys.stdin:
    w = line.split()
    try:
        if w[0] == 'dump':
            print(json.dumps(dump(w[1]), sort_keys=True))
        elif w[0] == 'same':
            print('yes' if before[w[1]] == last[w[1]] else 'no')
        elif w[0] == 'verify':
            print('yes' if verify(*w[1:6]) else 'no')
        elif w[0] == 'showed':
            with open(w[3]) as f:
                s = json.load(f)
            c = find(last[w[1]], w[2])
            print('yes' if len(s) == 1 and c and s[0]['id'] == c['id'] and
                  s[0]['peer'] == c['peer'] and s[0]['dscp'] == c['dscp'] else 'no')
        elif w[0] == 'peer':
            c = find(last[w[1]], w[2])
            print(c['peer'] if c else '-')
        elif w[0] == 'since':
            print(((raw[w[1]].get(w[2]) or {}).get('health_status') or {}).get('since'))
        elif w[0] == 'keyed':
            h = (find(last[w[1]], w[2]) or {}).get('health') or {}
            print('yes' if h.get('keyed') and str(h.get('probe_addr4')) == w[3] and
                  h.get('interval_ms') == int(w[4]) else 'no')
        elif w[0] == 'save':
            with open(w[2], 'w') as f:
                json.dump(byname(last[w[1]]), f, sort_keys=True)
            print('saved %d' % len(last[w[1]]))
        elif w[0] == 'apply':
            print(apply_check(*w[1:6]))
        elif w[0] == 'netns':
            print(netns(w[1], w[2:]))
        elif w[0] == 'quit':
            for h in socks.values():
                h.close()
            print('bye')
            break
        else:
            print('error unknown command ' + w[0])
    except Exception as e:          # answer anyway: the shell waits for a line
        print('error %s: %r' % (w[0], e))
    sys.stdout.flush()
EOF
keeper_on() {
	coproc KEEPER { PYTHONDONTWRITEBYTECODE=1 exec /usr/bin/python3 "$tmp/keeper.py" 2>"$tmp/keeper.err"; }
}
# keep CMD ARGS...: one keeper command; its answer in $kept
keep() {
	echo "$*" >&"${KEEPER[1]}"
	IFS= read -r kept <&"${KEEPER[0]}" || kept="error keeper gone: $(cat "$tmp/keeper.err")"
	case $kept in
	error*) fail "keeper" "$*" "$kept" ;;
	esac
}
keeper_off() {
	[ -n "${KEEPER_PID:-}" ] || return 0
	keep quit
	wait "$KEEPER_PID" 2>/dev/null
}

# ---- setup ----------------------------------------------------------------

hl_load
topo_create v4
ip netns add "$NS"
ip netns add "$NS_REF"
for n in "$NS" "$NS_REF"; do ip -n "$n" link set lo up; done
hl genkey >"$tmp/k1" && hl genkey >"$tmp/k2" && hl genkey >"$tmp/k3" ||
	{ fail "genkey" "hotlinectl genkey failed"; exit 1; }
chmod 600 "$tmp/k1" "$tmp/k2" "$tmp/k3"
printf '# nothing\n' >"$tmp/empty.conf"
keeper_on

# A few channels that stay: requests land in a table that is not empty,
# with groups of several lengths and a health session.
base_ok=1
hl -N "$NS" channel add base1 peer 10.70.0.0/16 >/dev/null &&
hl -N "$NS" channel add base2 peer 10.70.1.0/24 proto tcp port 443 dscp af41 >/dev/null &&
hl -N "$NS" channel add base3 peer fd00:70::/48 local fd00:71::/64 >/dev/null &&
hl -N "$NS" channel add base4 peer 10.70.2.7 probe 10.70.2.7 unauthenticated interval 1000 >/dev/null ||
	base_ok=0
check_eq "base channels in $NS" 1 "$base_ok"
mark "setup done"

# report_bad NAME WHY: the first three bad requests of a kind are shown.
declare -A shown
report_bad() {
	shown[$1]=$((${shown[$1]:-0} + 1))
	[ "${shown[$1]}" -le 3 ] || return 0
	fail "$1" "$2" "$(printf 'stderr: %s\nstdout: %s' "$(head -c 600 "$tmp/err")" "$(head -c 300 "$tmp/out")")"
}

# ---- channel add / set / show / del (exec) ----------------------------------

# Names fi0..fi7; k picks the name and its addresses. Even k probe (a
# health session, so add and del start and stop one). set moves the peer
# between a /24 and a /25 of another prefix (a new peer group: the
# allocation of the group can fail) and changes the DSCP.
channel_level() {
	local pct=$1 i k name op cur peer dscp rc bad=0 t0=$SECONDS summary o
	local -a args inj
	local -A n=()
	RANDOM=$pct
	keep dump "$NS"
	for ((i = 0; i < N_REQ; i++)); do
		# the first few from exec on, as a user on a starved machine
		# would see it; the rest in the request window
		if [ "$i" -lt "$N_EXEC" ]; then
			inj=(inject hotlinectl)
		else
			inj=(inject_req)
		fi
		k=$((RANDOM % 8))
		name=fi$k
		keep peer "$NS" "$name"
		cur=$kept
		if [ "$cur" = - ]; then
			op=add
		else
			case $((RANDOM % 4)) in
			0) op=del ;; 1|2) op="set" ;; 3) op="show" ;;
			esac
		fi
		peer=- dscp=0
		case $op in
		add)
			peer=10.77.$k.0/24 dscp=$((32 + 2 * (k % 3 + 1)))	# af4N
			args=(peer "$peer" proto udp port $((1000 + k))-$((2000 + k))
			      dscp "$dscp" mark "0x$((k + 1))0/0xf0")
			[ $((k % 2)) = 0 ] &&
				args+=(probe "10.77.$k.1" unauthenticated interval 1000)
			fi_level "$pct"
			"${inj[@]}" -N "$NS" channel add "$name" "${args[@]}"
			;;
		set)
			if [ "$cur" = "10.77.$k.0/24" ]; then
				peer=10.78.$k.0/25 dscp=$((8 * (k % 7 + 1)))	# csN
			else
				peer=10.77.$k.0/24 dscp=$((32 + 2 * (k % 3 + 1)))
			fi
			fi_level "$pct"
			"${inj[@]}" -N "$NS" channel set "$name" peer "$peer" dscp "$dscp"
			;;
		del)
			fi_level "$pct"
			"${inj[@]}" -N "$NS" channel del "$name"
			;;
		show)
			fi_level "$pct"
			"${inj[@]}" -N "$NS" -j channel show "$name"
			;;
		esac
		rc=$?
		fi_level 0
		outcome "$rc"
		if [ "$i" -lt "$N_EXEC" ]; then
			n[exec.$cls]=$((${n[exec.$cls]:-0} + 1))
		else
			n[$op.$cls]=$((${n[$op.$cls]:-0} + 1))
		fi
		keep dump "$NS"
		case $cls in
		ok)
			if [ "$op" = show ]; then
				keep showed "$NS" "$name" "$tmp/out"
			else
				keep verify "$NS" "$op" "$name" "$peer" "$dscp"
			fi
			if [ "$kept" != yes ]; then
				report_bad "$op at $pct%: success is the whole change" \
					"$op $name succeeded, but the table is not what it asked for"
				bad=$((bad + 1))
			fi
			;;
		enomem|enfile|exec)
			keep same "$NS"
			if [ "$kept" != yes ]; then
				report_bad "$op at $pct%: ENOMEM leaves the table unchanged" \
					"$op $name failed with ENOMEM and changed the table"
				bad=$((bad + 1))
			fi
			;;
		enobufs|efault|killed)
			# made whole with only the answer lost, or not made
			keep same "$NS"
			if [ "$kept" != yes ] && [ "$op" != show ]; then
				keep verify "$NS" "$op" "$name" "$peer" "$dscp"
			fi
			if [ "$kept" != yes ]; then
				report_bad "$op at $pct%: $cls leaves the table unchanged or changed whole" \
					"$op $name ended $cls (exit $rc): the table is neither"
				bad=$((bad + 1))
			fi
			;;
		other)
			report_bad "$op at $pct%: fails only with ENOMEM or ENOBUFS" \
				"$op $name exited $rc with another error"
			bad=$((bad + 1))
			;;
		esac
	done
	summary=
	for o in add set del show; do
		summary+=" $o: $(tally n "$o.");"
	done
	summary+=" from exec: $(tally n exec.);"
	if [ "$bad" = 0 ]; then
		pass "channel requests at $pct%: $N_REQ:${summary%;}; the table unchanged by each failure ($((SECONDS - t0)) s)"
	else
		fail "channel requests at $pct%" "$bad of $N_REQ requests broke the rule;${summary%;}"
	fi
}

fi_config 0
for pct in $LEVELS; do
	channel_level "$pct"
done
mark "channel requests done"

# ---- keyed health session: set key-file / probe / interval (window) ------

# gw1 probes gw2 with a key; gw2 reflects. Once the session has come up,
# gw2 changes to a third key and refuses gw1's probes, so gw1's session
# stays down with no transitions of its own: then its start time (since)
# changes only when a request restarts it, which a new key or probe must
# do, an interval alone must not, and a failed request never may. The key
# is not in a dump (the kernel never returns it): since is how a key
# change shows.
c1() { hl -N "$NS_GW1" "$@"; }
c2() { hl -N "$NS_GW2" "$@"; }
state() { c1 -j show to-gw2 | jq -r '.[0].status.state'; }
is_state() { [ "$(state)" = "$1" ]; }
# a second address on gw2 to move the probe to: a new session identity
ip -n "$NS_GW2" addr add 10.12.0.3/24 dev wan0
check "gw2 reflects for gw1 (keyed)" c2 channel add to-gw1 peer "$GW1_WAN4/32" \
	probe "$GW1_WAN4" interval 100 key-file "$tmp/k1"
check "gw1 probes gw2 (keyed)" c1 channel add to-gw2 peer 10.12.0.0/29 \
	probe "$GW2_WAN4" interval 100 key-file "$tmp/k1"
keyed_ok=0
if wait_for 60 is_state up; then
	pass "the keyed session comes up"
	c2 channel set to-gw1 probe "$GW1_WAN4" interval 100 key-file "$tmp/k3" >/dev/null
	if wait_for 30 is_state down; then
		pass "gw2 on another key: gw1's session goes down"
		keyed_ok=1
	else
		fail "gw2 on another key: gw1's session goes down" "state $(state)"
	fi
else
	fail "the keyed session comes up" "state $(state)"
fi

keyed_level() {
	local pct=$1 i key=k1 probe=$GW2_WAN4 ival=100 nkey nprobe nival s0 s1 rc bad=0 t0=$SECONDS
	local fresh done_ok kept_all summary
	local -A n=()
	RANDOM=$pct
	# from a known state: the key is not in a dump, so the level before
	# may have left it anywhere
	c1 channel set to-gw2 probe "$probe" interval "$ival" key-file "$tmp/$key" >/dev/null
	keep dump "$NS_GW1"
	keep since "$NS_GW1" to-gw2
	s0=$kept
	for ((i = 0; i < N_KEYED; i++)); do
		nkey=$key nprobe=$probe nival=$ival
		case $((RANDOM % 3)) in
		0) [ "$key" = k1 ] && nkey=k2 || nkey=k1 ;;
		1) [ "$ival" = 100 ] && nival=200 || nival=100 ;;
		2) [ "$probe" = "$GW2_WAN4" ] && nprobe=10.12.0.3 || nprobe=$GW2_WAN4 ;;
		esac
		fresh=0
		{ [ "$nkey" != "$key" ] || [ "$nprobe" != "$probe" ]; } && fresh=1
		fi_level "$pct"
		inject_req -N "$NS_GW1" channel set to-gw2 probe "$nprobe" \
			interval "$nival" key-file "$tmp/$nkey"
		rc=$?
		fi_level 0
		outcome "$rc"
		n[$cls]=$((${n[$cls]:-0} + 1))
		keep dump "$NS_GW1"
		keep since "$NS_GW1" to-gw2
		s1=$kept
		# the whole change: the new probe and interval, and a new
		# session exactly when the key or the probe changed
		done_ok=0 kept_all=0
		keep keyed "$NS_GW1" to-gw2 "$nprobe" "$nival"
		if [ "$kept" = yes ] && { { [ "$fresh" = 1 ] && [ "$s1" != "$s0" ]; } ||
					  { [ "$fresh" = 0 ] && [ "$s1" = "$s0" ]; }; }; then
			done_ok=1
		fi
		keep same "$NS_GW1"
		[ "$kept" = yes ] && [ "$s1" = "$s0" ] && kept_all=1
		case $cls in
		ok)
			if [ "$done_ok" != 1 ]; then
				report_bad "keyed set at $pct%: success is the whole change" \
					"set $nkey, probe $nprobe, interval $nival (new session: $fresh): since $s0 -> $s1"
				bad=$((bad + 1))
			fi
			;;
		enomem|enfile)
			if [ "$kept_all" != 1 ]; then
				report_bad "keyed set at $pct%: ENOMEM keeps channel and session" \
					"set $nkey, probe $nprobe, interval $nival failed, but the table changed or since $s0 -> $s1"
				bad=$((bad + 1))
			fi
			;;
		enobufs|efault|killed)
			if [ "$kept_all" != 1 ] && [ "$done_ok" != 1 ]; then
				report_bad "keyed set at $pct%: $cls is all or nothing" \
					"set $nkey, probe $nprobe, interval $nival ended $cls: since $s0 -> $s1"
				bad=$((bad + 1))
			fi
			;;
		other)
			report_bad "keyed set at $pct%: fails only with ENOMEM or ENOBUFS" "exited $rc"
			bad=$((bad + 1))
			;;
		esac
		if [ "$done_ok" = 1 ] && { [ "$kept_all" != 1 ] || [ "$cls" = ok ]; }; then
			key=$nkey probe=$nprobe ival=$nival
		fi
		s0=$s1
	done
	summary=$(tally n)
	if [ "$bad" = 0 ]; then
		pass "keyed session set at $pct%: $N_KEYED requests, $summary; channel and session unchanged by each failure ($((SECONDS - t0)) s)"
	else
		fail "keyed session set at $pct%" "$bad of $N_KEYED requests broke the rule; $summary"
	fi
}

# Every fault point of one request, failed in turn (fail-nth, counted
# from the SET): a new key and a new peer prefix at once. The new key
# restarts the session before the channel moves to another peer group,
# whose allocation can still fail; the request must then put the old
# session back as it was, or it fails with ENOMEM having changed what runs.
keyed_nth() {
	local nth key=k1 peer=10.12.0.0/29 nkey npeer rc left s0 s1 bad=0 t0=$SECONDS
	local ok_req done_ok kept_all
	local -A n=()
	# from a known state: the keyed levels left probe and interval anywhere
	c1 channel set to-gw2 peer "$peer" probe "$GW2_WAN4" interval 100 \
		key-file "$tmp/$key" >/dev/null
	keep dump "$NS_GW1"
	keep since "$NS_GW1" to-gw2
	s0=$kept
	for ((nth = 1; nth <= N_NTH; nth++)); do
		[ "$key" = k1 ] && nkey=k2 || nkey=k1
		[ "$peer" = 10.12.0.0/29 ] && npeer=10.12.0.0/28 || npeer=10.12.0.0/29
		HL_FI_NTH=$nth inject_req -N "$NS_GW1" channel set to-gw2 peer "$npeer" \
			probe "$GW2_WAN4" interval 100 key-file "$tmp/$nkey"
		rc=$?
		outcome "$rc"
		left=$(sed -n 's/^fail-nth-left \([0-9]*\).*/\1/p' "$tmp/err")
		n[$cls]=$((${n[$cls]:-0} + 1))
		keep dump "$NS_GW1"
		keep since "$NS_GW1" to-gw2
		s1=$kept
		done_ok=0 kept_all=0
		keep verify "$NS_GW1" set to-gw2 "$npeer" 46
		[ "$kept" = yes ] && [ "$s1" != "$s0" ] && done_ok=1
		keep same "$NS_GW1"
		[ "$kept" = yes ] && [ "$s1" = "$s0" ] && kept_all=1
		ok_req=0
		case $cls in
		ok) [ "$done_ok" = 1 ] && ok_req=1 ;;
		enomem|enfile) [ "$kept_all" = 1 ] && ok_req=1 ;;
		enobufs|efault|killed) [ "$done_ok" = 1 ] || [ "$kept_all" = 1 ] && ok_req=1 ;;
		esac
		if [ "$ok_req" != 1 ]; then
			bad=$((bad + 1))
			report_bad "keyed set, fault $nth of the request: $cls keeps all or nothing" \
				"set $nkey, peer $npeer ended $cls (exit $rc): table $( [ "$kept_all" = 1 ] && echo unchanged || echo changed), session since $s0 -> $s1"
		fi
		if [ "$done_ok" = 1 ] || { [ "$cls" = ok ] && [ "$kept_all" != 1 ]; }; then
			key=$nkey peer=$npeer
		fi
		s0=$s1
		# past the last fault point: the request ran without one
		[ "$cls" = ok ] && [ -n "$left" ] && [ "$left" != 0 ] && break
	done
	if [ "$bad" = 0 ]; then
		pass "keyed set with a new peer group, each of its $((nth - 1)) fault points failed in turn: $(tally n); all or nothing each time ($((SECONDS - t0)) s)"
	else
		fail "keyed set with a new peer group, fault points failed in turn" "$bad of $nth broke the rule; $(tally n)"
	fi
	# back on the peer the rest expects
	c1 channel set to-gw2 peer 10.12.0.0/29 probe "$GW2_WAN4" interval 100 \
		key-file "$tmp/k1" >/dev/null
}

if [ "$keyed_ok" = 1 ]; then
	for pct in $LEVELS; do
		keyed_level "$pct"
	done
	keyed_nth
	mark "keyed session done"
	# the session the table describes is the one that runs: both back
	# on key 1 and gw2's address, it comes up again
	check "keyed session: gw2 back on key 1" \
		c2 channel set to-gw1 probe "$GW1_WAN4" interval 100 key-file "$tmp/k1"
	check "keyed session: gw1 back on key 1 and gw2's address" \
		c1 channel set to-gw2 probe "$GW2_WAN4" interval 100 key-file "$tmp/k1"
	if wait_for 60 is_state up; then
		pass "keyed session: up again after the injected requests"
	else
		fail "keyed session: up again after the injected requests" "state $(state)"
	fi
else
	skip "keyed session set" "no keyed session to change (see above)"
fi

# ---- apply of a 200-channel file (window) ---------------------------------

# A and B: 200 channels each, 198 in common; B drops two of A's, changes
# two and adds two, so either way the plan has six steps. Some channels
# probe: apply makes and ends health sessions too.
mkconf() { # a or b
	local i peer
	for ((i = 0; i < 200; i++)); do
		[ "$1" = b ] && { [ "$i" = 10 ] || [ "$i" = 11 ]; } && continue
		if [ $((i % 4)) = 3 ]; then
			peer=10.200.$((i / 100)).$((i % 100))
		else
			peer=10.$((100 + i / 100)).$((i % 100)).0/24
		fi
		printf '[Channel c%03d]\nPeer = %s\n' "$i" "$peer"
		case $((i % 4)) in
		1) printf 'Protocol = tcp\nPort = %d\n' $((8000 + i)) ;;
		2) printf 'Local = 192.168.%d.0/24\nDSCP = cs3\n' "$i" ;;
		esac
		if [ "$1" = b ] && { [ "$i" = 20 ] || [ "$i" = 21 ]; }; then
			printf 'DSCP = af21\nPriority = 1:10\n'
		fi
		if [ $((i % 40)) = 5 ]; then
			printf 'Probe = 10.%d.%d.9\nUnauthenticated = yes\n' $((100 + i / 100)) $((i % 100))
		fi
		echo
	done
	if [ "$1" = b ]; then
		printf '[Channel d000]\nPeer = 10.150.0.0/16\nProbe = 10.150.0.9\nUnauthenticated = yes\n\n'
		printf '[Channel d001]\nPeer = fd00:150::/48\nProtocol = udp\nPort = 53\n\n'
	fi
}
mkconf a >"$tmp/a.conf"
mkconf b >"$tmp/b.conf"
for f in a b; do
	check "apply of file ${f^^} in a reference namespace (no injection)" \
		hl -N "$NS_REF" apply "$tmp/$f.conf"
	keep dump "$NS_REF"
	keep save "$NS_REF" "$tmp/want.$f"
done
check_eq "file A has 200 channels, B too" "200 200" \
	"$(jq length "$tmp/want.a") $(jq length "$tmp/want.b")"
check "apply of A where the injected applies run" hl -N "$NS" apply "$tmp/a.conf"

apply_level() {
	local pct=$1 i target rc bad=0 t0=$SECONDS summary
	local -A n=()
	keep dump "$NS"
	for ((i = 0; i < N_APPLY; i++)); do
		[ $((i % 2)) = 0 ] && target=b || target=a
		fi_level "$pct"
		inject_req -N "$NS" apply "$tmp/$target.conf"
		rc=$?
		fi_level 0
		outcome "$rc"
		n[$cls]=$((${n[$cls]:-0} + 1))
		keep dump "$NS"
		if [ "$cls" = other ]; then
			report_bad "apply at $pct%: fails only with ENOMEM or ENOBUFS" "exited $rc"
			bad=$((bad + 1))
			continue
		fi
		keep apply "$NS" "$tmp/want.$target" "$tmp/out" "$tmp/err" "$cls"
		case $kept in
		ok|atomic|whole) ;;
		*)
			report_bad "apply at $pct%: all of the file or none of it" \
				"apply of ${target^^} ended $cls (exit $rc): the table is $kept"
			bad=$((bad + 1))
			;;
		esac
	done
	summary=$(tally n)
	if [ "$bad" != 0 ]; then
		fail "apply at $pct%" "$bad of $N_APPLY applies left the table neither as it was nor as the file says; $summary"
	else
		pass "apply of 200 channels at $pct%: $N_APPLY applies, $summary; each one made all of the file or none of it ($((SECONDS - t0)) s)"
	fi
}

# Every fault point of one apply, failed in turn (fail-nth, counted from
# the APPLY request): each abandons the plan at another place in its
# prepare phase (a step's configuration, channel, id slot, name entry,
# peer group, health session, its socket) and must leave the table as it
# was, or, past the last one, make all of it. With a stride of 3 the
# points go 1, 4, 7, ...; the direction (A to B, B to A) changes only
# when an apply went through, so the points each direction meets shift
# from one success to the next.
apply_nth() {
	local nth target=b rc left bad=0 t0=$SECONDS
	local -A n=()
	keep dump "$NS"
	for ((nth = 1; nth <= N_APPLY_NTH; nth += APPLY_STRIDE)); do
		HL_FI_NTH=$nth inject_req -N "$NS" apply "$tmp/$target.conf"
		rc=$?
		outcome "$rc"
		left=$(sed -n 's/^fail-nth-left \([0-9]*\).*/\1/p' "$tmp/err")
		n[$cls]=$((${n[$cls]:-0} + 1))
		keep dump "$NS"
		keep apply "$NS" "$tmp/want.$target" "$tmp/out" "$tmp/err" "$cls"
		case $cls:$kept in
		ok:ok|enomem:atomic|enfile:atomic|enobufs:atomic|enobufs:whole) ;;
		efault:atomic|efault:whole|killed:atomic|killed:whole) ;;
		*)
			bad=$((bad + 1))
			report_bad "apply, fault $nth of the request: all of the file or none of it" \
				"apply of ${target^^} ended $cls (exit $rc): the table is $kept"
			;;
		esac
		[ "$kept" = ok ] || [ "$kept" = whole ] &&
			{ [ "$target" = b ] && target=a || target=b; }
		# past the last fault point: the request ran without one
		[ "$cls" = ok ] && [ -n "$left" ] && [ "$left" != 0 ] && break
	done
	if [ "$bad" = 0 ]; then
		pass "apply of 200 channels, its fault points 1..$((nth - APPLY_STRIDE)) failed in turn (every $APPLY_STRIDE): $(tally n); all of the file or none of it each time ($((SECONDS - t0)) s)"
	else
		fail "apply of 200 channels, fault points failed in turn" "$bad of $nth broke the rule; $(tally n)"
	fi
}

for pct in $LEVELS; do
	apply_level "$pct"
done
apply_nth
mark "apply done"
check "apply without injection converges on B" hl -N "$NS" apply "$tmp/b.conf"
keep dump "$NS"
keep save "$NS" "$tmp/now"
check "the table is file B's" cmp -s "$tmp/now" "$tmp/want.b"

# ---- channel paths: every fault point of a request, in turn (fail-nth) -----
# A NEW with two keyed paths, a SET that changes one path in place and adds
# another, and an APPLY of both (selftests/fi_paths.py): each either takes
# effect whole or fails leaving the table, the kept path's session and the
# module's sessions, transforms and path sets as they were.
NS_PATHS=hl-fipath-$$
if ip netns add "$NS_PATHS"; then
	fi_config 0
	t0=$SECONDS
	# nsenter, not ip netns exec: that one mounts a /sys without debugfs
	out=$(nsenter --net="/run/netns/$NS_PATHS" /usr/bin/python3 "$HOTLINE_ROOT/selftests/fi_paths.py" \
		"$OBJ" "${HL_FI_PATHS_NTH:-400}" 2>&1)
	rc=$?
	fi_restore
	if [ "$rc" = 0 ]; then
		pass "paths: each fault point of NEW, SET and APPLY with keyed paths failed in turn: all or nothing, sessions kept ($(echo "$out" | tr '\n' ';' | sed 's/;$//'); $((SECONDS - t0)) s)"
	else
		fail "paths: fault points failed in turn keep all or nothing" "exit $rc" "$out"
	fi
	ip netns del "$NS_PATHS"
else
	fail "paths" "cannot create a namespace"
fi
mark "paths done"

# ---- network namespace creation with channels present (exec) --------------

netns_level() {
	local pct=$1 i t0=$SECONDS bad=0 summary named k
	local -A n=()
	for ((i = 0; i < N_NETNS; i++)); do
		# one that dies at once, with a channel and a health session
		# added in it in the request window (failing too)
		fi_level "$pct"
		keep netns - "$LDSO" --library-path "$SYS" --preload "$SYS/fi_shim.so" \
			--argv0 hotlinectl "$SYS/hotlinectl" channel add nn \
			peer 10.90.0.0/24 probe 10.90.0.1 unauthenticated interval 100
		fi_level 0
		n[$kept]=$((${n[$kept]:-0} + 1))
		case $kept in
		made|"made, then exit 1"|"unshare "*) ;;
		*) bad=$((bad + 1)); report_bad "netns at $pct%: a failing namespace fails cleanly" "$kept" ;;
		esac
		# and a named one that lives on: a channel in it, then away
		fi_level "$pct"
		keep netns "$NS_NEW"
		fi_level 0
		n[named $kept]=$((${n[named $kept]:-0} + 1))
		case $kept in
		made)
			hl -N "$NS_NEW" channel add nn peer 10.91.0.0/24 probe 10.91.0.1 \
				unauthenticated >"$tmp/out" 2>"$tmp/err" || {
				bad=$((bad + 1))
				report_bad "netns at $pct%: a namespace made under injection works" \
					"channel add in it failed"
			}
			ip netns del "$NS_NEW"
			;;
		"unshare "*) ;;
		*) bad=$((bad + 1)); report_bad "netns at $pct%: a failing namespace fails cleanly" "$kept" ;;
		esac
		rm -f "/run/netns/$NS_NEW"
	done
	# unshare's errno is whichever subsystem's init failed: not only
	# ENOMEM (EEXIST, ENODEV, EAFNOSUPPORT seen), none of them hotline's
	summary="${n[made]:-0} made (the request in it failed in ${n[made, then exit 1]:-0})"
	named="${n[named made]:-0} made"
	for k in "${!n[@]}"; do
		case $k in
		"unshare "*) summary+=", ${n[$k]} ${k#unshare }" ;;
		"named unshare "*) named+=", ${n[$k]} ${k#named unshare }" ;;
		esac
	done
	summary+="; named: $named"
	if [ "$bad" = 0 ]; then
		pass "netns creation at $pct%: $N_NETNS+$N_NETNS namespaces: $summary ($((SECONDS - t0)) s)"
	else
		fail "netns creation at $pct%" "$bad broke the rule; $summary"
	fi
}

for pct in $LEVELS; do
	netns_level "$pct"
done
mark "netns done"
keep dump "$NS"
keep save "$NS" "$tmp/now"
check "$NS kept its table through the namespace churn" cmp -s "$tmp/now" "$tmp/want.b"

# ---- delete everything: the module's objects come back to 0 ---------------

keeper_off
hl -N "$NS" apply "$tmp/empty.conf" >/dev/null
hl -N "$NS_REF" apply "$tmp/empty.conf" >/dev/null
c1 channel del to-gw2 >/dev/null
c2 channel del to-gw1 >/dev/null
for n in "$NS" "$NS_GW1" "$NS_GW2" "$NS_REF"; do
	check_eq "no channels left in $n" 0 "$(hl -N "$n" -j channel show | jq length)"
done
if [ -r "$OBJ" ]; then
	if wait_for 30 objects_zero; then
		pass "every object the module counted is freed"
	else
		fail "every object the module counted is freed" "after 30 s" "$(cat "$OBJ")"
	fi
else
	skip "every object the module counted is freed" "no $OBJ in this hotline.ko"
fi
topo_destroy
ip netns del "$NS"
ip netns del "$NS_REF"
if hl_unload; then
	pass "rmmod after the injected requests"
else
	fail "rmmod after the injected requests" "hotline would not unload"
	exit 1
fi

# ---- module init (fail-nth) -------------------------------------------------

# Namespaces to init into: the per-namespace init runs once for each, and
# a failure in the middle must undo the ones before.
for n in 1 2 3; do ip netns add "$NS-init$n"; done
trap 'rc=$?; fi_restore; for n in "$NS" "$NS_REF" "$NS_NEW" "$NS-init1" "$NS-init2" "$NS-init3"; do
      ip netns del "$n" 2>/dev/null; done; rm -rf "$tmp"; (exit $rc); cleanup' EXIT
modprobe -a udp_tunnel ip6_udp_tunnel 2>/dev/null
cp "$HOTLINE_KO" "$tmp/hotline.ko"	# tmpfs: the sweep reads it hundreds of times

# The sweep: fail the Nth fault point of finit_module() (fail-nth counts
# every slab and page allocation the task makes), for N_INIT points
# counting back from the last one whose failure fails the load: the end
# of the module's init. The loader's own points come before init's. Done in
# one Python process so that nothing but finit_module() runs between
# arming fail-nth and the call. After every failed load: no module, no
# debugfs directory, no genl family. Loads that succeed although a fault
# was injected (one the kernel absorbs) are unloaded and counted.
# Aimed at init's points only, never at random across the whole load:
# the loader's own allocations are the kernel's business, and failing
# them can trip a WARN_ON_ONCE in mm/vmalloc.c (alloc_vmap_area, when
# the GFP_NOWAIT node for splitting a free area cannot be had; seen on
# the debug kernel, with module_alloc's KASAN shadow).
cat >"$tmp/init_sweep.py" <<'EOF'
import ctypes, os, socket, struct, sys

ko, steps = sys.argv[1], int(sys.argv[2])
libc = ctypes.CDLL(None, use_errno=True)
SYS_finit_module, SYS_delete_module = 313, 176
nth = os.open('/proc/thread-self/fail-nth', os.O_RDWR)
kofd = os.open(ko, os.O_RDONLY)
empty = ctypes.c_char_p(b'')
name = ctypes.c_char_p(b'hotline')

def genl_family_exists():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
    try:
        fam = b'hotline\0'
        attr = struct.pack('=HH', 4 + len(fam), 2) + fam
        attr += b'\0' * (-len(attr) % 4)
        msg = struct.pack('=BBH', 3, 1, 0) + attr        # CTRL_CMD_GETFAMILY
        s.send(struct.pack('=IHHII', 16 + len(msg), 0x10, 1, 1, 0) + msg)
        r = s.recv(65536)
        typ = struct.unpack_from('=H', r, 4)[0]
        if typ == 2:                                     # NLMSG_ERROR
            return struct.unpack_from('=i', r, 16)[0] == 0
        return True
    finally:
        s.close()

def load(n):
    os.pwrite(nth, b'%d' % n, 0)
    r = libc.syscall(SYS_finit_module, kofd, empty, 0)
    err = ctypes.get_errno()
    left = int(os.pread(nth, 32, 0))
    os.pwrite(nth, b'0', 0)
    return r, err, left

def unload():
    if libc.syscall(SYS_delete_module, name, os.O_NONBLOCK) != 0:
        print('FAILED unload errno %d' % ctypes.get_errno())
        sys.exit(1)

def clean():
    bad = [p for p in ('/sys/module/hotline', '/sys/kernel/debug/hotline')
           if os.path.exists(p)]
    if genl_family_exists():
        bad.append('genl family hotline')
    return bad

# how many fault points does a clean load pass?
big = 1 << 30
r, err, left = load(big)
if r != 0:
    print('FAILED plain load errno %d' % err)
    sys.exit(1)
unload()
total = big - left
print('points %d' % total)
sys.stdout.flush()

def check_failed(n, err):
    bad = clean()
    if bad:
        print('FAILED load with fault %d of %d failed (errno %d) and left %s'
              % (n, total, err, ', '.join(bad)))
        sys.exit(1)
    if err != 12:
        print('FAILED load with fault %d of %d: errno %d, not ENOMEM' % (n, total, err))
        sys.exit(1)

# The last points are after the module's init (the uevent, kmemleak's
# own records): failing them does not fail the load. Find the last one
# that does, in strides of 8, then sweep down from it one by one.
counts = {'failed': 0, 'absorbed': 0, 'probes': 0}
end = None
for n in range(total, 0, -8):
    counts['probes'] += 1
    r, err, left = load(n)
    if r == 0:
        unload()
        continue
    check_failed(n, err)
    end = n
    break
if end is None:
    print('FAILED no fault point fails the load')
    sys.exit(1)
for n in range(min(end + 7, total), end, -1):
    counts['probes'] += 1
    r, err, left = load(n)
    if r == 0:
        unload()
        continue
    check_failed(n, err)
    end = n
    break
for n in range(end, max(end - steps, 0), -1):
    r, err, left = load(n)
    if r == 0:
        unload()
        counts['absorbed'] += 1
        continue
    counts['failed'] += 1
    check_failed(n, err)
print('sweep %d..%d of %d: %d loads failed cleanly, %d absorbed the fault (%d loads to find the end)'
      % (max(end - steps, 0) + 1, end, total, counts['failed'], counts['absorbed'],
         counts['probes']))

EOF

t0=$SECONDS
fi_config 0
out=$(/usr/bin/python3 "$tmp/init_sweep.py" "$tmp/hotline.ko" "$N_INIT" 2>&1)
rc=$?
fi_level 0
if [ "$rc" = 0 ] && ! grep -q FAILED <<<"$out"; then
	pts=$(sed -n 's/^points //p' <<<"$out")
	sw=$(sed -n 's/^sweep //p' <<<"$out")
	pass "module init: fault points $sw; $pts in a load; each failed load left nothing ($((SECONDS - t0)) s)"
else
	fail "module init fails cleanly" "the sweep exited $rc" "$out"
fi
hl_is_loaded && rmmod hotline

# a normal load afterwards works, in every namespace
hl_load
ok=1
for n in 1 2 3; do
	hl -N "$NS-init$n" channel add after peer 10.95.$n.0/24 probe 10.95.$n.1 \
		unauthenticated >/dev/null || ok=0
done
check_eq "a normal load after the sweep works in every namespace" 1 "$ok"
for n in 1 2 3; do ip netns del "$NS-init$n"; done
if [ -r "$OBJ" ]; then
	if wait_for 30 objects_zero; then
		pass "namespaces deleted with channels: every object freed"
	else
		fail "namespaces deleted with channels: every object freed" "after 30 s" "$(cat "$OBJ")"
	fi
fi
if hl_unload; then
	pass "rmmod at the end"
else
	fail "rmmod at the end" "hotline would not unload"
fi
echo "# test_fault_inject: $((SECONDS - t_start)) s"
exit 0
