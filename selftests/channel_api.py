#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""channel_api.py: the pyhotline side of the channel API tests and the
fast channel loader of the benchmarks. Run with /usr/bin/python3 (it has
pyroute2), under `ip netns exec NS` to act in another namespace.

    channel_api.py api            add/get/set/del/dump, then every invalid
                                  request: rejected, extack names the
                                  attribute, table unchanged
    channel_api.py unpriv NAME    (as an unprivileged user) NEW/SET/DEL get
                                  EPERM, GET and dump work and see NAME
    channel_api.py gen N FILE     N channels "NAME PEER" (v4/v6 hosts and
                                  prefixes, canonical text) into FILE
    channel_api.py add FILE [OPTION=VALUE...]
                                  add FILE's channels, many per send(); the
                                  options (proto, dscp, mark, ...) apply to
                                  all of them
    channel_api.py del FILE       delete FILE's channels, batched
    channel_api.py names          "NAME PEER" of every channel, one dump
                                  (fails if the dump was interrupted)

api and unpriv print one line per check, "PASS<TAB>name" or
"FAIL<TAB>name<TAB>why", for the calling test script to report.
"""

import errno
import ipaddress
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyhotline import (A, P, NLM_F_ACK, NLM_F_DUMP, NLM_F_DUMP_INTR,  # noqa: E402
                       NLM_F_REQUEST, NLMSG_DONE, Hotline, Reply,
                       asciiz, channel_attrs, encode_attrs, u8, u16, u32)

NLMSG_ERROR = 2
GENL_CMD_NEW, GENL_CMD_DEL, GENL_CMD_GET = 1, 3, 4


def report(ok, name, why=''):
    if ok:
        print('PASS\t%s' % name, flush=True)
    else:
        print('FAIL\t%s\t%s' % (name, why), flush=True)
    return ok


def table(hl):
    """The whole table as comparable data (stats included: nothing flows;
    health status left out: probes go out and count while we look)."""
    r = hl.dump()
    if not r.ok:
        return ('dump failed', r.errno, r.msg)
    return sorted((tuple(sorted((k, repr(v)) for k, v in c.items() if k != 'health_status'))
                   for c in r.channels))


# --- api ---------------------------------------------------------------------

def check_api():
    hl = Hotline()

    # Round trip of every field, through the kernel and back.
    r = hl.add('api-full', peer='198.51.100.0/24', local='203.0.113.0/28',
               proto='udp', port=(5000, 5010), dscp=34, priority=0x10010,
               mark=0x10, mark_mask=0xf0)
    report(r.ok, 'pyhotline add with every field', repr(r))
    c = hl.show('api-full').channel or {}
    want = {'name': 'api-full', 'peer': '198.51.100.0/24', 'local': '203.0.113.0/28',
            'proto': 'udp', 'port': (5000, 5010), 'dscp': 34, 'priority': 0x10010,
            'mark': 0x10, 'mark_mask': 0xf0}
    got = {k: c.get(k) for k in want}
    report(got == want, 'pyhotline get returns what was added', '%r != %r' % (got, want))
    report(isinstance(c.get('id'), int) and c.get('id', 0) > 0, 'kernel assigned an id',
           repr(c.get('id')))
    report(c.get('stats') == {'rx_packets': 0, 'rx_bytes': 0, 'tx_packets': 0,
                              'tx_bytes': 0}, 'new channel has zero counters',
           repr(c.get('stats')))

    r = hl.add('api-def', peer='2001:db8::/48')
    c = hl.show('api-def').channel or {}
    got = {k: c.get(k) for k in ('peer', 'local', 'proto', 'port', 'dscp', 'priority',
                                 'mark', 'mark_mask')}
    want = {'peer': '2001:db8::/48', 'local': None, 'proto': 'any', 'port': None,
            'dscp': 46, 'priority': 7, 'mark': 0, 'mark_mask': 0xffffffff}
    report(r.ok and got == want, 'pyhotline add with defaults (v6)', '%r %r' % (r, got))

    first_id = (hl.show('api-full').channel or {}).get('id')
    r = hl.set('api-full', dscp=10, port=(0, 0), proto='any', local='')
    c = hl.show('api-full').channel or {}
    got = {k: c.get(k) for k in ('peer', 'local', 'proto', 'port', 'dscp', 'mark', 'id')}
    want = {'peer': '198.51.100.0/24', 'local': None, 'proto': 'any', 'port': None,
            'dscp': 10, 'mark': 0x10, 'id': first_id}
    report(r.ok and got == want, 'pyhotline set changes only what is given, keeps the id',
           '%r %r' % (r, got))

    r = hl.dump()
    names = [c['name'] for c in r.channels]
    report(r.ok and names == ['api-full', 'api-def'], 'pyhotline dump in id order', repr(names))

    r = hl.delete('api-def')
    g = hl.show('api-def')
    report(r.ok and g.errno == errno.ENOENT, 'pyhotline del, then get is ENOENT', '%r %r' % (r, g))

    # A known state for the invalid requests: a udp port channel.
    hl.set('api-full', proto='udp', port=(5000, 5010))
    before = [table(hl)]  # what every refused request must leave

    def bad(name, send, want_errno, words, attr=None, missing=None):
        """@send() must fail with @want_errno (or one of a tuple), its extack message must name
        the attribute (one of @words, case-insensitive), the blamed or
        missing attribute must be @attr / @missing, and the table must be
        as before."""
        wants = want_errno if isinstance(want_errno, tuple) else (want_errno,)
        r = send()
        if r.errno not in wants:
            report(False, name, 'expected %s, got %r' %
                   ('/'.join(errno.errorcode[e] for e in wants), r))
        else:
            report(True, name + ': rejected with ' + errno.errorcode[r.errno])
            msg = (r.msg or '').lower()
            report(any(w in msg for w in words), name + ': extack message names the attribute',
                   'message %r mentions none of %s' % (r.msg, words))
            if attr:
                report(r.bad_attr == attr, name + ': extack points at ' + attr,
                       'blamed %r' % r.bad_attr)
            if missing:
                report(r.missing == missing, name + ': extack reports missing ' + missing,
                       'missing %r' % r.missing)
        after = table(hl)
        report(after == before[0], name + ': table unchanged',
               'before %r after %r' % (before[0], after))

    PEER, LOCAL = 'HOTLINE_A_CHANNEL_PEER', 'HOTLINE_A_CHANNEL_LOCAL'
    LEN = '/HOTLINE_A_PREFIX_LEN'
    ADDR4, ADDR6 = '/HOTLINE_A_PREFIX_ADDR4', '/HOTLINE_A_PREFIX_ADDR6'
    NAME = 'HOTLINE_A_CHANNEL_NAME'
    EINVAL = errno.EINVAL
    # Out-of-range values caught by the attribute policy are ERANGE.
    RANGE = (errno.EINVAL, errno.ERANGE)

    bad('prefix length 33 (v4)', lambda: hl.add('x', peer='10.0.0.0/33'), EINVAL,
        ['peer'], PEER + LEN)
    bad('prefix length 129 (v6)', lambda: hl.add('x', peer='2001:db8::/129'), RANGE,
        ['peer'], PEER + LEN)
    bad('host bits set (v4 peer)', lambda: hl.add('x', peer='10.0.0.1/24'), EINVAL,
        ['peer'], PEER + ADDR4)
    bad('host bits set (v6 local)',
        lambda: hl.add('x', peer='2001:db8::/32', local='2001:db8:1::1/64'), EINVAL,
        ['local'], LOCAL + ADDR6)
    bad('dscp 64', lambda: hl.add('x', peer='10.0.0.0/8', dscp=64), RANGE,
        ['dscp'], 'HOTLINE_A_CHANNEL_DSCP')
    bad('name of 32 bytes', lambda: hl.add('n' * 32, peer='10.0.0.0/8'), EINVAL,
        ['name'], NAME)
    bad('name with a space', lambda: hl.add('bad name', peer='10.0.0.0/8'), EINVAL,
        ['name'], NAME)
    bad('name with a slash', lambda: hl.add('a/b', peer='10.0.0.0/8'), EINVAL,
        ['name'], NAME)
    bad('empty name', lambda: hl.add('', peer='10.0.0.0/8'), EINVAL, ['name'], NAME)
    bad('unknown attribute',
        lambda: hl.raw('new', channel_attrs('x', peer='10.0.0.0/8') + [(99, u32(1))]),
        EINVAL, ['unknown', 'attribute'], 'HOTLINE_A_CHANNEL_99')
    bad('unknown attribute inside peer',
        lambda: hl.raw('new', [(A.NAME, asciiz('x')),
                               (A.PEER, [(P.ADDR4, b'\x0a\0\0\0'), (P.LEN, u8(8)),
                                         (9, u8(0))])]),
        EINVAL, ['unknown', 'attribute', 'peer'], PEER + '/HOTLINE_A_PREFIX_9')
    bad('reply-only attribute (id) in a request',
        lambda: hl.raw('new', channel_attrs('x', peer='10.0.0.0/8') + [(A.ID, u32(5))]),
        EINVAL, ['id'], 'HOTLINE_A_CHANNEL_ID')
    bad('missing name', lambda: hl.raw('new', [(A.PEER, [(P.ADDR4, b'\x0a\0\0\0'),
                                                         (P.LEN, u8(8))])]),
        EINVAL, ['name'], missing=NAME)
    bad('missing peer', lambda: hl.raw('new', [(A.NAME, asciiz('x'))]), EINVAL,
        ['peer'], missing=PEER)
    bad('peer without a length',
        lambda: hl.raw('new', [(A.NAME, asciiz('x')), (A.PEER, [(P.ADDR4, b'\x0a\0\0\0')])]),
        EINVAL, ['peer'], missing=PEER + LEN)
    bad('peer address of 3 bytes',
        lambda: hl.raw('new', [(A.NAME, asciiz('x')),
                               (A.PEER, [(P.ADDR4, b'\x0a\0\0'), (P.LEN, u8(8))])]),
        RANGE, ['peer', 'addr'], PEER + ADDR4)
    bad('peer with both ADDR4 and ADDR6',
        lambda: hl.raw('new', [(A.NAME, asciiz('x')),
                               (A.PEER, [(P.ADDR4, b'\x0a\0\0\0'), (P.ADDR6, b'\0' * 16),
                                         (P.LEN, u8(8))])]),
        EINVAL, ['peer'])
    bad('proto 5 (no such protocol)', lambda: hl.add('x', peer='10.0.0.0/8', proto=5),
        RANGE, ['proto'], 'HOTLINE_A_CHANNEL_PROTO')
    bad('port range reversed',
        lambda: hl.add('x', peer='10.0.0.0/8', proto='udp', port=(6000, 5000)), EINVAL,
        ['port'])
    bad('port min without max',
        lambda: hl.raw('new', channel_attrs('x', peer='10.0.0.0/8', proto='udp') +
                       [(A.PORT_MIN, u16(5000))]), EINVAL, ['port'])
    bad('ports with proto any', lambda: hl.add('x', peer='10.0.0.0/8', port=5000),
        EINVAL, ['port'])
    bad('ports with proto icmp',
        lambda: hl.add('x', peer='10.0.0.0/8', proto='icmp', port=5000), EINVAL, ['port'])
    bad('local of the other family',
        lambda: hl.add('x', peer='10.0.0.0/8', local='2001:db8::/32'), EINVAL, ['local'])
    bad('duplicate name', lambda: hl.add('api-full', peer='10.0.0.0/8'), errno.EEXIST,
        ['name', 'exist'], NAME)
    bad('set of an unknown channel', lambda: hl.set('nope', dscp=1), errno.ENOENT,
        ['name', 'channel'], NAME)
    bad('del of an unknown channel', lambda: hl.delete('nope'), errno.ENOENT,
        ['name', 'channel'], NAME)
    bad('get of an unknown channel', lambda: hl.show('nope'), errno.ENOENT,
        ['name', 'channel'], NAME)
    bad('set leaving ports on proto any', lambda: hl.set('api-full', proto='any'),
        EINVAL, ['port', 'proto'])
    bad('set to a local of the other family',
        lambda: hl.set('api-full', local='2001:db8::/32'), EINVAL, ['local'])
    bad('set with dscp 64 and a valid mark',
        lambda: hl.set('api-full', dscp=64, mark=0x99), RANGE, ['dscp'])
    bad('set with a bad health nest and a valid dscp',
        lambda: hl.set('api-full', dscp=1, health={'interval': 5, 'unauthenticated': True}),
        RANGE, ['health', 'probe', 'interval'])
    hl.delete('api-full')
    check_apply(hl, bad, before)
    hl.close()


def check_apply(hl, bad, before):
    """HOTLINE_CMD_APPLY: a plan made whole, or refused with nothing made."""
    def ids():
        return {c['name']: c['id'] for c in hl.dump().channels}

    def probe(addr):
        return {'probe': addr, 'unauthenticated': True, 'interval': 1000}

    hl.add('ap1', peer='10.61.0.0/16')
    hl.add('ap2', peer='10.62.0.0/16', health=probe('10.62.0.9'))
    hl.add('ap3', peer='10.63.0.0/16')
    old = ids()
    r = hl.apply([('del', [(A.NAME, asciiz('ap1'))]),
                  ('set', channel_attrs('ap2', dscp=10)),
                  ('new', channel_attrs('bp1', peer='10.64.0.0/16', health=probe('10.64.0.9')))])
    now = ids()
    c = hl.show('ap2').channel or {}
    report(r.ok and sorted(now) == ['ap2', 'ap3', 'bp1'] and now['ap2'] == old['ap2'] and
           c.get('dscp') == 10 and 'health' in c and now['bp1'] == max(old.values()) + 1,
           'apply: del, set and new in one request; ids kept, the new one next',
           '%r %r %r' % (r, now, c))
    r = hl.apply([('del', [(A.NAME, asciiz('ap2'))]),
                  ('new', channel_attrs('bp2', peer='10.65.0.0/16', health=probe('10.62.0.9')))])
    report(r.ok, 'apply: a new session may take the address of a session the same apply ends',
           repr(r))
    r = hl.apply([('set', channel_attrs('bp1', health=probe('10.66.0.9'))),
                  ('new', channel_attrs('bp3', peer='10.66.0.0/16', health=probe('10.64.0.9')))])
    report(r.ok, 'apply: ... or the address a session of it moves away from', repr(r))
    last = max(ids().values())
    before[0] = table(hl)

    # each refused plan leaves the table as it was (bad() compares dumps)
    STEP = 'HOTLINE_A_CHANNEL_STEP'
    IN1 = STEP + '[1]/HOTLINE_A_STEP_CHANNEL/'
    ok_new = ('new', channel_attrs('cp1', peer='10.70.0.0/16'))
    bad('apply without a step', lambda: hl.apply([]), errno.EINVAL, ['step'])
    bad('apply with a channel attribute at the top',
        lambda: hl.raw('apply', [(A.NAME, asciiz('x'))]), errno.EINVAL, ['apply', 'step'],
        'HOTLINE_A_CHANNEL_NAME')
    bad('apply step without a command',
        lambda: hl.raw('apply', [(A.STEP, [(2, channel_attrs('x', peer='10.0.0.0/8'))])]),
        errno.EINVAL, ['cmd'], STEP + '[0]')
    bad('apply step with command GET',
        lambda: hl.apply([('get', [(A.NAME, asciiz('ap3'))])]), errno.EINVAL, ['cmd'],
        STEP + '[0]/HOTLINE_A_STEP_CMD')
    bad('a step nested in a step',
        lambda: hl.apply([('new', channel_attrs('x', peer='10.0.0.0/8') +
                           [(A.STEP, [(1, u8(1))])])]), errno.EINVAL, ['step'],
        STEP + '[0]/HOTLINE_A_STEP_CHANNEL/' + STEP + '[0]')
    bad('a step in CHANNEL_NEW', lambda: hl.raw('new', channel_attrs('x', peer='10.0.0.0/8') +
                                                [(A.STEP, [(1, u8(1))])]),
        errno.EINVAL, ['step'], STEP + '[0]')
    bad('apply naming a channel twice',
        lambda: hl.apply([ok_new, ('set', channel_attrs('cp1', dscp=1))]), errno.EINVAL,
        ['name'], IN1 + 'HOTLINE_A_CHANNEL_NAME')
    bad('apply whose second step is invalid',
        lambda: hl.apply([ok_new, ('set', channel_attrs('ap3', dscp=64))]),
        (errno.EINVAL, errno.ERANGE), ['dscp'], IN1 + 'HOTLINE_A_CHANNEL_DSCP')
    bad('apply adding a name that exists',
        lambda: hl.apply([ok_new, ('new', channel_attrs('ap3', peer='10.0.0.0/8'))]),
        errno.EEXIST, ['name'], IN1 + 'HOTLINE_A_CHANNEL_NAME')
    bad('apply deleting a channel that does not exist',
        lambda: hl.apply([ok_new, ('del', [(A.NAME, asciiz('nope'))])]), errno.ENOENT,
        ['name'], IN1 + 'HOTLINE_A_CHANNEL_NAME')
    bad('apply with two new sessions probing one address',
        lambda: hl.apply([('new', channel_attrs('cp2', peer='10.71.0.0/16',
                                                health=probe('10.71.0.9'))),
                          ('new', channel_attrs('cp3', peer='10.72.0.0/16',
                                                health=probe('10.71.0.9')))]),
        errno.EBUSY, ['probe'], IN1 + 'HOTLINE_A_CHANNEL_HEALTH')
    bad('apply with a new session probing a running one\'s address',
        lambda: hl.apply([ok_new, ('new', channel_attrs('cp2', peer='10.71.0.0/16',
                                                        health=probe('10.66.0.9')))]),
        errno.EBUSY, ['probe'])
    r = hl.add('cp9', peer='10.79.0.0/16')
    got = ids().get('cp9')
    report(r.ok and got == last + 1, 'refused applies gave back the ids they had set aside',
           'id %r, want %d' % (got, last + 1))
    for name in list(ids()):
        hl.delete(name)


def check_unpriv(name):
    hl = Hotline()
    for what, send in (('add', lambda: hl.add('unpriv', peer='10.9.0.0/16')),
                       ('set', lambda: hl.set(name, dscp=1)),
                       ('del', lambda: hl.delete(name))):
        r = send()
        report(r.errno == errno.EPERM, 'unprivileged %s is EPERM (pyhotline)' % what, repr(r))
    r = hl.dump()
    report(r.ok and [c['name'] for c in r.channels] == [name],
           'unprivileged dump works (pyhotline)', repr(r))
    r = hl.show(name)
    report(r.ok and r.channel and r.channel['dscp'] != 1,
           'unprivileged get works, channel unchanged (pyhotline)', repr(r))
    hl.close()


# --- bulk --------------------------------------------------------------------

def gen(n, path):
    """A mix like a real deployment's: mostly host peers, some prefixes,
    both families; names are the index, so they are unique and short."""
    with open(path, 'w') as f:
        for i in range(n):
            k = i % 10
            if k < 4:       # IPv4 hosts
                peer = '%s/32' % ipaddress.IPv4Address((10 << 24) + (128 << 16) + i)
            elif k < 6:     # IPv4 prefixes of a few lengths
                plen = (24, 28, 20)[i % 3]
                base = ipaddress.IPv4Address((100 << 24) + (64 << 16) + (i << 12))
                peer = str(ipaddress.ip_network('%s/%d' % (base, plen)))
            elif k < 9:     # IPv6 hosts
                peer = '%s/128' % ipaddress.IPv6Address((0x20010db8 << 96) + (1 << 64) + i)
            else:           # IPv6 prefixes
                plen = (64, 48)[i % 2]
                peer = str(ipaddress.ip_network(
                    '%s/%d' % (ipaddress.IPv6Address((0x20010db8 << 96) + ((i + 2) << 80)), plen),
                    strict=False))
            f.write('c%d %s\n' % (i, peer))


def parse_opts(args):
    kw = {}
    for a in args:
        k, _, v = a.partition('=')
        if k == 'proto':
            kw[k] = v
        elif k == 'port':
            lo, _, hi = v.partition('-')
            kw[k] = (int(lo), int(hi or lo))
        elif k in ('dscp', 'priority', 'mark', 'mark_mask'):
            kw[k] = int(v, 0)
        else:
            raise SystemExit('channel_api.py: unknown option %r' % k)
    return kw


def batched(hl, cmd, bodies, per_send=400):
    """Send @bodies (attribute bytes) as @cmd requests, @per_send netlink
    messages in one send(), and collect every ack. Returns the errors
    as (index, errno, extack message)."""
    sock = hl.sock
    errors = []
    seq0 = 1 << 20
    for start in range(0, len(bodies), per_send):
        chunk = bodies[start:start + per_send]
        buf = bytearray()
        for i, body in enumerate(chunk):
            seq = seq0 + start + i
            genl = struct.pack('BBH', cmd, 1, 0)
            buf += struct.pack('IHHII', 20 + len(body), sock.prid,
                               NLM_F_REQUEST | NLM_F_ACK, seq, 0) + genl + body
        sock._sendto(bytes(buf), (0, 0))
        pending = len(chunk)
        while pending:
            data = sock._recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                mlen, mtype, mflags, mseq, _ = struct.unpack_from('IHHII', data, off)
                if mlen < 16:
                    break
                if mtype == NLMSG_ERROR and mseq >= seq0:
                    r = Reply()
                    Hotline._parse_ack(data[off:off + mlen], mflags, b'', r)
                    if r.errno:
                        errors.append((mseq - seq0, r.errno, r.msg))
                    pending -= 1
                off += (mlen + 3) & ~3
    return errors


def read_list(path):
    with open(path) as f:
        return [line.split() for line in f if line.strip()]


def bulk(mode, path, opts):
    items = read_list(path)
    hl = Hotline()
    # Room for a whole batch of acks even when each carries an error.
    hl.sock.setsockopt(1, 8, 8 << 20)        # SOL_SOCKET, SO_RCVBUF
    t0 = time.monotonic()
    if mode == 'add':
        kw = parse_opts(opts)
        bodies = [encode_attrs(channel_attrs(n, peer=p, **kw)) for n, p in items]
        errors = batched(hl, GENL_CMD_NEW, bodies)
    else:
        bodies = [encode_attrs([(A.NAME, asciiz(n))]) for n, _ in items]
        errors = batched(hl, GENL_CMD_DEL, bodies)
    dt = time.monotonic() - t0
    hl.close()
    for i, e, msg in errors[:10]:
        print('channel_api: %s %s: %s (%s)' % (mode, items[i][0], os.strerror(e), msg),
              file=sys.stderr)
    print('%s %d channels in %.2f s, %d errors' % (mode, len(items), dt, len(errors)),
          file=sys.stderr)
    return 1 if errors else 0


def _attrs(data, pos, end):
    """{type: payload} of the attributes in data[pos:end]."""
    out = {}
    while pos + 4 <= end:
        alen, atype = struct.unpack_from('HH', data, pos)
        if alen < 4:
            break
        out[atype & 0x3fff] = data[pos + 4:pos + alen]
        pos += (alen + 3) & ~3
    return out


def names():
    """One dump through pyhotline's socket, decoded here with struct:
    pyroute2's decoder needs minutes for 100,000 channels in the VM."""
    hl = Hotline()
    sock = hl.sock
    sock.setsockopt(1, 8, 8 << 20)          # SOL_SOCKET, SO_RCVBUF
    seq = 4242
    sock._sendto(struct.pack('IHHII', 20, sock.prid, NLM_F_REQUEST | NLM_F_DUMP, seq, 0) +
                 struct.pack('BBH', GENL_CMD_GET, 1, 0), (0, 0))
    out, intr, done, err = [], False, False, 0
    while not done:
        data = sock._recv(1 << 20)
        off = 0
        while off + 16 <= len(data):
            mlen, mtype, mflags, mseq, _ = struct.unpack_from('IHHII', data, off)
            if mlen < 16:
                break
            if mseq == seq:
                intr |= bool(mflags & NLM_F_DUMP_INTR)
                if mtype == NLMSG_DONE:
                    done = True
                    break
                if mtype == NLMSG_ERROR:
                    (err,) = struct.unpack_from('i', data, off + 16)
                    done = True
                    break
                a = _attrs(data, off + 20, off + mlen)
                name = a.get(A.NAME, b'?\0').split(b'\0')[0].decode()
                peer = _attrs(a.get(A.PEER, b''), 0, len(a.get(A.PEER, b'')))
                if P.ADDR4 in peer:
                    addr = str(ipaddress.IPv4Address(peer[P.ADDR4]))
                else:
                    addr = str(ipaddress.IPv6Address(peer.get(P.ADDR6, bytes(16))))
                out.append('%s %s/%d\n' % (name, addr, peer.get(P.LEN, b'\xff')[0]))
            off += (mlen + 3) & ~3
    hl.close()
    if err:
        print('channel_api: dump failed: %s' % os.strerror(-err), file=sys.stderr)
        return 1
    if intr:
        print('channel_api: dump was interrupted by a change', file=sys.stderr)
        return 1
    sys.stdout.write(''.join(out))
    return 0


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    mode = argv[0]
    if mode == 'api':
        check_api()
    elif mode == 'unpriv' and len(argv) == 2:
        check_unpriv(argv[1])
    elif mode == 'gen' and len(argv) == 3:
        gen(int(argv[1]), argv[2])
    elif mode in ('add', 'del') and len(argv) >= 2:
        return bulk(mode, argv[1], argv[2:])
    elif mode == 'names':
        return names()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
