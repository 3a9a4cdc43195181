#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Fault injection for channel paths: every fault point of one request,
failed in turn (/proc/thread-self/fail-nth, armed right before the request
is sent, so the fault lands in the request and not in Python).

  fi_paths.py OBJECTS_FILE MAX_NTH

Run in a namespace of its own (ip netns exec), on a kernel with
CONFIG_FAULT_INJECTION and failslab/fail_page_alloc configured to fail
(test_fault_inject.sh does that). For each of three requests:

  new    CHANNEL_NEW of a keyed channel with two paths
  set    CHANNEL_SET of a channel with one path: that path changed in
         place (interval) and a second one added
  apply  HOTLINE_CMD_APPLY: the SET above and a NEW with two paths

each fault point from the first on is failed in turn until the request
runs past the last one. After each, the namespace's table must be as it
was (the request failed) or as the request asks (it succeeded, or failed
only in delivering its answer), never in between; a path that was kept
must keep its session (same since); and the module's counts of sessions,
HMAC transforms and path sets must match the table. Prints one line per
request: "REQUEST FAULTS ok=N failed=N bad=N", then the bad cases, and
exits 1 if any was bad.
"""
import errno
import json
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyhotline import (A, GENL_VERSION, NLM_F_ACK, NLM_F_REQUEST, STP,  # noqa: E402
                       Hotline, channel_attrs, encode_attrs, u8)

KEY = list(range(1, 33))
PORT = 9862


def path(name, n, interval=None):
    p = {'name': name, 'pref': 10 * n, 'mark': n << 8, 'mark_mask': 0xff00,
         'local': '10.77.%d.1' % n, 'probe': '10.78.%d.1' % n}
    if interval:
        p['interval'] = interval
    return p


def chan(paths):
    return {'peer': '10.79.0.0/24', 'failback': 1000, 'paths': paths,
            'health': {'interval': 1000, 'detect_mult': 3, 'key': KEY,
                       'local_port': PORT}}


BASE = chan([path('p1', 1)])
TARGET_PATHS = [path('p1', 1, interval=2000), path('p2', 2)]
NEW2 = chan([path('q1', 3), path('q2', 4)])


def objects(fname):
    out = {}
    with open(fname) as f:
        for line in f:
            k, v = line.split()
            out[k] = int(v)
    return out


def view(hl, name):
    """(configuration, {path: since}) of a channel; (None, {}) if absent."""
    r = hl.show(name)
    if r.errno == errno.ENOENT:
        return None, {}
    c = r.check().channel
    since = {}
    for p in c['paths'] or []:
        since[p['name']] = (p.get('status') or {}).get('since')
        p.pop('status', None)
        p.pop('active', None)
    keep = ('peer', 'health', 'paths', 'failback_ms', 'nonrevertive')
    return json.dumps({k: c[k] for k in keep}, sort_keys=True, default=str), since


def send_armed(hl, cmd, attrs, nth):
    """One request with the nth fault point of this thread armed right
    before it is sent. Returns (errno or None for a client-side failure,
    faults left: 0 when the fault was injected)."""
    body = encode_attrs(attrs)
    hl._seq += 1
    seq = hl._seq
    data = struct.pack('IHHII', 16 + 4 + len(body), hl.sock.prid,
                       NLM_F_REQUEST | NLM_F_ACK, seq, 0)
    data += struct.pack('BBH', cmd, GENL_VERSION, 0) + body
    # both opened before arming: an open allocates, and would take the fault
    # meant for the request; the file does not seek, so one fd each way
    rfd = os.open('/proc/thread-self/fail-nth', os.O_RDONLY)
    wfd = os.open('/proc/thread-self/fail-nth', os.O_WRONLY)
    err = None
    try:
        os.write(wfd, b'%d' % nth)
        try:
            hl.sock._sendto(data, (0, 0))
            err = hl._collect(data, seq).errno
        except OSError as e:
            err = e.errno
        left = int(os.read(rfd, 32) or b'0')
        os.write(wfd, b'0')
    finally:
        os.close(rfd)
        os.close(wfd)
    return err, left


def counts(fname):
    """The objects a path change makes, once the frees waiting for a grace
    period (a deleted channel's path set) have run."""
    end = time.monotonic() + 5
    o = objects(fname)
    while o.get('rcu_pending', 0) and time.monotonic() < end:
        time.sleep(0.01)
        o = objects(fname)
    return {k: o.get(k, 0) for k in ('health_sessions', 'hmac_tfms', 'pathsets')}


def sweep(hl, label, objfile, max_nth, reset, request, states):
    """states: [(name, configuration before or None, after), ...] for each
    channel the request touches. A case is good when every channel is all
    before or all after, together; when paths that stay keep their
    sessions; and when the module's object counts are those of the state
    the table is in (taken once without injection)."""
    reset()
    c_before = counts(objfile)
    hl.raw(*request()).check()
    c_after = counts(objfile)
    ok = failed = 0
    bad = []
    nth = left = 0
    while nth < max_nth:
        nth += 1
        reset()
        before = {n: view(hl, n) for n, _, _ in states}
        err, left = send_armed(hl, *request(), nth)
        after = {n: view(hl, n) for n, _, _ in states}
        c1 = counts(objfile)
        done = all(after[n][0] == want for n, _, want in states)
        unchanged = all(after[n][0] == before[n][0] for n, _, _ in states)
        why = None
        for n, _, _ in states:
            for p, since in before[n][1].items():
                if p in after[n][1] and after[n][1][p] != since:
                    why = '%s path %s: its session restarted' % (n, p)
        if done:
            ok += 1
            if c1 != c_after:
                why = 'done, but the module holds %s, not %s' % (c1, c_after)
        elif unchanged:
            failed += 1
            if err == 0:
                why = 'succeeded but changed nothing'
            elif c1 != c_before:
                why = 'failed, but the module holds %s, not %s' % (c1, c_before)
        else:
            why = 'half done: %s' % {n: after[n][0] for n, _, _ in states}
        if why:
            bad.append('%s fault %d (errno %s): %s' % (label, nth, err, why))
        if left:
            break
    # past the last fault point: the request ran without one
    faults = nth - 1 if left else nth
    print('%s %d ok=%d failed=%d bad=%d%s' % (
        label, faults, ok, failed, len(bad), '' if left else ' (stopped at the limit)'))
    return bad


def main(argv):
    objfile, max_nth = argv[0], int(argv[1])
    bad = []
    with Hotline() as hl:
        def clean():
            for n in ('fi-p', 'fi-q'):
                hl.delete(n)

        def reset_base():
            clean()
            hl.add('fi-p', **BASE).check()

        # what the kernel reports for each state, made without injection
        reset_base()
        base_cfg = view(hl, 'fi-p')[0]
        hl.set('fi-p', paths=TARGET_PATHS).check()
        target_cfg = view(hl, 'fi-p')[0]
        hl.add('fi-q', **NEW2).check()
        new2_cfg = view(hl, 'fi-q')[0]

        bad += sweep(hl, 'new', objfile, max_nth, clean,
                     lambda: (1, channel_attrs('fi-q', **NEW2)),
                     [('fi-q', None, new2_cfg)])
        bad += sweep(hl, 'set', objfile, max_nth, reset_base,
                     lambda: (2, channel_attrs('fi-p', paths=TARGET_PATHS)),
                     [('fi-p', base_cfg, target_cfg)])
        bad += sweep(hl, 'apply', objfile, max_nth, reset_base,
                     lambda: (6, [(A.STEP, [(STP.CMD, u8(2)),
                                            (STP.CHANNEL, channel_attrs('fi-p', paths=TARGET_PATHS))]),
                                  (A.STEP, [(STP.CMD, u8(1)),
                                            (STP.CHANNEL, channel_attrs('fi-q', **NEW2))])]),
                     [('fi-p', base_cfg, target_cfg), ('fi-q', None, new2_cfg)])
        clean()
    for b in bad:
        print('bad: ' + b)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
