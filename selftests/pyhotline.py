#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""pyhotline: a small client for the "hotline" generic netlink family.

For tests that need what hotlinectl will not send: raw or invalid
attributes, and the kernel's exact answer (errno, extack message, the
attribute it blamed). Run with /usr/bin/python3 (it has pyroute2).

    from pyhotline import Hotline, A, P, H

    with Hotline() as hl:                       # the caller's netns
        r = hl.add('ch1', peer='198.51.100.7/32', proto='udp',
                   port=(5000, 5010), dscp=46, mark=0x10, mark_mask=0xff,
                   health={'probe': '198.51.100.7', 'unauthenticated': True})
        r.ok, r.errno, r.msg, r.bad_attr, r.missing
        hl.set('ch1', dscp=10, local='')        # '' clears local
        hl.show('ch1').channel                  # dict, see decode_channel()
        hl.dump().channels                      # list of dicts, id order
        hl.delete('ch1')
        # anything at all, as (type, value) TLVs:
        hl.raw('new', [(A.NAME, b'x\\0'), (A.PEER, [(P.ADDR4, b'\\1\\2\\3')])])

Every request returns a Reply; nothing raises for a kernel error
(Reply.check() does). See the CLI at the bottom for examples.
"""

import errno as _errno
import ipaddress
import json
import os
import select
import struct
import sys


def _pyroute2_without_its_init():
    """pyroute2's package __init__ imports all of pyroute2 (NDB, asyncio,
    unittest.mock...): 2.2 s of every helper start under TCG, against 0.5 s
    for the two submodules used here. A bare package object with the real
    search path lets those submodules import without it."""
    import importlib.util
    import types
    if 'pyroute2' in sys.modules:
        return
    spec = importlib.util.find_spec('pyroute2')
    if spec is None or not spec.submodule_search_locations:
        return
    pkg = types.ModuleType('pyroute2')
    pkg.__path__ = list(spec.submodule_search_locations)
    pkg.__spec__ = spec
    sys.modules['pyroute2'] = pkg
    # pyroute2.config asks platform.architecture() and the processor of
    # platform.uname(), which run file(1) and uname(1): a fork and exec
    # each per start. Neither answer matters to it beyond os.uname().
    import platform
    saved = platform.architecture, platform.uname
    platform.architecture = lambda *a, **k: (
        '64bit' if sys.maxsize > 2 ** 32 else '32bit', 'ELF')
    u = os.uname()

    class _Uname(tuple):
        system, node, release, version, machine = u
        processor = ''
    platform.uname = lambda: _Uname(tuple(u) + ('',))
    try:
        import pyroute2.config  # noqa: F401
    finally:
        platform.architecture, platform.uname = saved


_pyroute2_without_its_init()

from pyroute2.netlink import NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, genlmsg, nla  # noqa: E402
from pyroute2.netlink.generic import GenericNetlinkSocket  # noqa: E402

NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_MULTI = 0x2
NLM_F_DUMP_INTR = 0x10
NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200
NLA_F_NESTED = 0x8000
NLA_TYPE_MASK = 0x3FFF

NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_OFFS = 2
NLMSGERR_ATTR_MISS_TYPE = 5
NLMSGERR_ATTR_MISS_NEST = 6

GENL_NAME = 'hotline'
GENL_VERSION = 1


class _Enum:
    """Attribute numbers, mirroring include/uapi/linux/hotline.h."""

    def __init__(self, prefix, names):
        self.prefix = prefix
        self.names = names
        for i, n in enumerate(names):
            if n:
                setattr(self, n, i)

    def name(self, num):
        if 0 <= num < len(self.names) and self.names[num]:
            return self.prefix + self.names[num]
        return '%s%d' % (self.prefix, num)


CMD = _Enum('HOTLINE_CMD_', [None, 'CHANNEL_NEW', 'CHANNEL_SET', 'CHANNEL_DEL',
                             'CHANNEL_GET', 'HEALTH_EVENT', 'APPLY'])
A = _Enum('HOTLINE_A_CHANNEL_', [
    None, 'ID', 'NAME', 'PEER', 'LOCAL', 'PROTO', 'PORT_MIN', 'PORT_MAX',
    'DSCP', 'PRIORITY', 'MARK', 'MARK_MASK', 'STATS', 'HEALTH',
    'HEALTH_STATUS', 'OLD_STATE', 'PAD', 'STEP', 'PATHS', 'FAILBACK_MS',
    'NONREVERTIVE', 'ACTIVE_PATH', 'ACTIVE_SINCE', 'SWITCHES', 'PATH', 'SWITCH'])
PS = _Enum('HOTLINE_A_PATHS_', [None, 'PATH'])
PT = _Enum('HOTLINE_A_PATH_', [
    None, 'NAME', 'PREF', 'MARK', 'MARK_MASK', 'LOCAL_ADDR4', 'LOCAL_ADDR6',
    'PROBE_ADDR4', 'PROBE_ADDR6', 'PROBE_PORT', 'INTERVAL_MS', 'DETECT_MULT',
    'MAX_LOSS', 'MAX_RTT_MS', 'STATUS', 'ACTIVE'])
SW = _Enum('HOTLINE_A_SWITCH_', [None, 'FROM', 'TO', 'REASON'])
STP = _Enum('HOTLINE_A_STEP_', [None, 'CMD', 'CHANNEL'])
P = _Enum('HOTLINE_A_PREFIX_', [None, 'ADDR4', 'ADDR6', 'LEN'])
S = _Enum('HOTLINE_A_STATS_', [None, 'RX_PACKETS', 'RX_BYTES', 'TX_PACKETS',
                               'TX_BYTES', 'PAD'])
H = _Enum('HOTLINE_A_HEALTH_', [
    None, 'PROBE_ADDR4', 'PROBE_ADDR6', 'PROBE_PORT', 'LOCAL_PORT',
    'INTERVAL_MS', 'DETECT_MULT', 'KEY', 'UNAUTHENTICATED', 'KEYED',
    'MAX_LOSS', 'MAX_RTT_MS'])
ST = _Enum('HOTLINE_A_STATUS_', [
    None, 'STATE', 'DIAG', 'SINCE', 'FLAPS', 'PROBES_SENT', 'PROBES_RECV',
    'LOST', 'DUPLICATES', 'REORDERED', 'LATE', 'AUTH_FAILURES', 'MALFORMED',
    'REFLECTED', 'RTT_LAST', 'RTT_MIN', 'RTT_MAX', 'RTT_MEAN', 'RTT_P50',
    'RTT_P90', 'RTT_P99', 'JITTER', 'LOSS_PPM', 'WINDOW', 'PAD', 'REFLECT_LIMITED',
    'SILENCE'])

PROTOS = ['any', 'tcp', 'udp', 'icmp', 'sctp']
STATES = ['admin-down', 'down', 'init', 'up', 'degraded']
DIAGS = ['none', 'detect-expired', 'auth-failures', 'admin-down',
         'peer-unreachable', 'threshold']
REASONS = ['none', 'up', 'down', 'degraded', 'failback', 'config']

# Which enum the attributes inside a nest use, for naming a blamed attribute.
_NESTS = {
    (A, A.PEER): P, (A, A.LOCAL): P, (A, A.STATS): S,
    (A, A.HEALTH): H, (A, A.HEALTH_STATUS): ST,
    (A, A.STEP): STP, (STP, STP.CHANNEL): A,
    (A, A.PATHS): PS, (PS, PS.PATH): PT, (PT, PT.STATUS): ST,
    (A, A.SWITCH): SW,
}


# --- pyroute2 message classes, used to decode replies and events ---------

class _prefix(nla):
    nla_map = (('HOTLINE_A_PREFIX_UNSPEC', 'none'),
               ('HOTLINE_A_PREFIX_ADDR4', 'ip4addr'),
               ('HOTLINE_A_PREFIX_ADDR6', 'ip6addr'),
               ('HOTLINE_A_PREFIX_LEN', 'uint8'))


class _stats(nla):
    nla_map = tuple((S.name(i), 'uint64' if i else 'none')
                    for i in range(len(S.names)))


class _health(nla):
    nla_map = (('HOTLINE_A_HEALTH_UNSPEC', 'none'),
               ('HOTLINE_A_HEALTH_PROBE_ADDR4', 'ip4addr'),
               ('HOTLINE_A_HEALTH_PROBE_ADDR6', 'ip6addr'),
               ('HOTLINE_A_HEALTH_PROBE_PORT', 'uint16'),
               ('HOTLINE_A_HEALTH_LOCAL_PORT', 'uint16'),
               ('HOTLINE_A_HEALTH_INTERVAL_MS', 'uint32'),
               ('HOTLINE_A_HEALTH_DETECT_MULT', 'uint8'),
               ('HOTLINE_A_HEALTH_KEY', 'hex'),
               ('HOTLINE_A_HEALTH_UNAUTHENTICATED', 'flag'),
               ('HOTLINE_A_HEALTH_KEYED', 'flag'),
               ('HOTLINE_A_HEALTH_MAX_LOSS', 'uint32'),
               ('HOTLINE_A_HEALTH_MAX_RTT_MS', 'uint32'))


_STATUS_TYPES = {'STATE': 'uint8', 'DIAG': 'uint8', 'FLAPS': 'uint32',
                 'LOSS_PPM': 'uint32', 'WINDOW': 'uint32'}


class _status(nla):
    nla_map = tuple((ST.name(i), 'none' if n in (None, 'PAD') else
                     _STATUS_TYPES.get(n, 'uint64'))
                    for i, n in enumerate(ST.names))


class _path(nla):
    nla_map = (('HOTLINE_A_PATH_UNSPEC', 'none'),
               ('HOTLINE_A_PATH_NAME', 'asciiz'),
               ('HOTLINE_A_PATH_PREF', 'uint8'),
               ('HOTLINE_A_PATH_MARK', 'uint32'),
               ('HOTLINE_A_PATH_MARK_MASK', 'uint32'),
               ('HOTLINE_A_PATH_LOCAL_ADDR4', 'ip4addr'),
               ('HOTLINE_A_PATH_LOCAL_ADDR6', 'ip6addr'),
               ('HOTLINE_A_PATH_PROBE_ADDR4', 'ip4addr'),
               ('HOTLINE_A_PATH_PROBE_ADDR6', 'ip6addr'),
               ('HOTLINE_A_PATH_PROBE_PORT', 'uint16'),
               ('HOTLINE_A_PATH_INTERVAL_MS', 'uint32'),
               ('HOTLINE_A_PATH_DETECT_MULT', 'uint8'),
               ('HOTLINE_A_PATH_MAX_LOSS', 'uint32'),
               ('HOTLINE_A_PATH_MAX_RTT_MS', 'uint32'),
               ('HOTLINE_A_PATH_STATUS', 'hl_status'),
               ('HOTLINE_A_PATH_ACTIVE', 'flag'))
    hl_status = _status


class _paths(nla):
    nla_map = (('HOTLINE_A_PATHS_UNSPEC', 'none'),
               ('HOTLINE_A_PATHS_PATH', 'hl_path'))
    hl_path = _path


class _switch(nla):
    nla_map = (('HOTLINE_A_SWITCH_UNSPEC', 'none'),
               ('HOTLINE_A_SWITCH_FROM', 'asciiz'),
               ('HOTLINE_A_SWITCH_TO', 'asciiz'),
               ('HOTLINE_A_SWITCH_REASON', 'uint8'))


class hotlinemsg(genlmsg):
    nla_map = (('HOTLINE_A_CHANNEL_UNSPEC', 'none'),
               ('HOTLINE_A_CHANNEL_ID', 'uint32'),
               ('HOTLINE_A_CHANNEL_NAME', 'asciiz'),
               ('HOTLINE_A_CHANNEL_PEER', 'hl_prefix'),
               ('HOTLINE_A_CHANNEL_LOCAL', 'hl_prefix'),
               ('HOTLINE_A_CHANNEL_PROTO', 'uint8'),
               ('HOTLINE_A_CHANNEL_PORT_MIN', 'uint16'),
               ('HOTLINE_A_CHANNEL_PORT_MAX', 'uint16'),
               ('HOTLINE_A_CHANNEL_DSCP', 'uint8'),
               ('HOTLINE_A_CHANNEL_PRIORITY', 'uint32'),
               ('HOTLINE_A_CHANNEL_MARK', 'uint32'),
               ('HOTLINE_A_CHANNEL_MARK_MASK', 'uint32'),
               ('HOTLINE_A_CHANNEL_STATS', 'hl_stats'),
               ('HOTLINE_A_CHANNEL_HEALTH', 'hl_health'),
               ('HOTLINE_A_CHANNEL_HEALTH_STATUS', 'hl_status'),
               ('HOTLINE_A_CHANNEL_OLD_STATE', 'uint8'),
               ('HOTLINE_A_CHANNEL_PAD', 'none'),
               ('HOTLINE_A_CHANNEL_STEP', 'none'),
               ('HOTLINE_A_CHANNEL_PATHS', 'hl_paths'),
               ('HOTLINE_A_CHANNEL_FAILBACK_MS', 'uint32'),
               ('HOTLINE_A_CHANNEL_NONREVERTIVE', 'uint8'),
               ('HOTLINE_A_CHANNEL_ACTIVE_PATH', 'asciiz'),
               ('HOTLINE_A_CHANNEL_ACTIVE_SINCE', 'uint64'),
               ('HOTLINE_A_CHANNEL_SWITCHES', 'uint64'),
               ('HOTLINE_A_CHANNEL_PATH', 'asciiz'),
               ('HOTLINE_A_CHANNEL_SWITCH', 'hl_switch'))

    hl_paths = _paths
    hl_switch = _switch
    hl_prefix = _prefix
    hl_stats = _stats
    hl_health = _health
    hl_status = _status


def _prefix_str(p):
    if p is None:
        return None
    addr = p.get_attr('HOTLINE_A_PREFIX_ADDR4') or p.get_attr('HOTLINE_A_PREFIX_ADDR6')
    return '%s/%s' % (addr, p.get_attr('HOTLINE_A_PREFIX_LEN'))


def _nest_dict(n, enum):
    if n is None:
        return None
    out = {}
    for name, value in n['attrs']:
        key = name[len(enum.prefix):].lower()
        if key not in ('unspec', 'pad'):
            out[key] = value
    return out


def decode_channel(msg):
    """A CHANNEL_* or HEALTH_EVENT message as a dict.

    Keys: cmd, id, name, peer ('ADDR/LEN'), local (or None), proto ('udp'),
    port ((min, max) or None), dscp, priority, mark, mark_mask,
    stats {rx_packets, rx_bytes, tx_packets, tx_bytes}, health (dict of
    the HEALTH nest: probe_addr4/6, probe_port, local_port, interval_ms,
    detect_mult, keyed or unauthenticated (True), max_loss, max_rtt_ms;
    or None), health_status (dict with state/diag as names; or None),
    old_state (name or None), dump_intr (bool).
    """
    g = msg.get_attr
    proto = g('HOTLINE_A_CHANNEL_PROTO')
    pmin = g('HOTLINE_A_CHANNEL_PORT_MIN')
    status = _nest_dict(g('HOTLINE_A_CHANNEL_HEALTH_STATUS'), ST)
    if status:
        if 'state' in status:
            status['state'] = _lookup(STATES, status['state'])
        if 'diag' in status:
            status['diag'] = _lookup(DIAGS, status['diag'])
    old = g('HOTLINE_A_CHANNEL_OLD_STATE')
    return {
        'cmd': CMD.name(msg['cmd']),
        'id': g('HOTLINE_A_CHANNEL_ID'),
        'name': g('HOTLINE_A_CHANNEL_NAME'),
        'peer': _prefix_str(g('HOTLINE_A_CHANNEL_PEER')),
        'local': _prefix_str(g('HOTLINE_A_CHANNEL_LOCAL')),
        'proto': _lookup(PROTOS, proto) if proto is not None else None,
        'port': (pmin, g('HOTLINE_A_CHANNEL_PORT_MAX')) if pmin is not None else None,
        'dscp': g('HOTLINE_A_CHANNEL_DSCP'),
        'priority': g('HOTLINE_A_CHANNEL_PRIORITY'),
        'mark': g('HOTLINE_A_CHANNEL_MARK'),
        'mark_mask': g('HOTLINE_A_CHANNEL_MARK_MASK'),
        'stats': _nest_dict(g('HOTLINE_A_CHANNEL_STATS'), S),
        'health': _nest_dict(g('HOTLINE_A_CHANNEL_HEALTH'), H),
        'health_status': status,
        'old_state': _lookup(STATES, old) if old is not None else None,
        'dump_intr': bool(msg['header']['flags'] & NLM_F_DUMP_INTR),
        'failback_ms': g('HOTLINE_A_CHANNEL_FAILBACK_MS'),
        'nonrevertive': g('HOTLINE_A_CHANNEL_NONREVERTIVE'),
        'paths': _decode_paths(g('HOTLINE_A_CHANNEL_PATHS')),
        'active_path': g('HOTLINE_A_CHANNEL_ACTIVE_PATH'),
        'active_since': g('HOTLINE_A_CHANNEL_ACTIVE_SINCE'),
        'switches': g('HOTLINE_A_CHANNEL_SWITCHES'),
        'path': g('HOTLINE_A_CHANNEL_PATH'),
        'switch': _decode_switch(g('HOTLINE_A_CHANNEL_SWITCH')),
    }


def _status_dict(n):
    status = _nest_dict(n, ST)
    if status:
        if 'state' in status:
            status['state'] = _lookup(STATES, status['state'])
        if 'diag' in status:
            status['diag'] = _lookup(DIAGS, status['diag'])
    return status


def _decode_paths(n):
    if n is None:
        return None
    out = []
    for p in n.get_attrs('HOTLINE_A_PATHS_PATH'):
        d = {}
        for name, value in p['attrs']:
            key = name[len(PT.prefix):].lower()
            if key == 'status':
                value = _status_dict(value)
            elif key == 'active':
                value = True
            if key != 'unspec':
                d[key] = value
        d['local'] = d.get('local_addr4') or d.get('local_addr6')
        d['probe'] = d.get('probe_addr4') or d.get('probe_addr6')
        out.append(d)
    return out


def _decode_switch(n):
    if n is None:
        return None
    r = n.get_attr('HOTLINE_A_SWITCH_REASON')
    return {'from': n.get_attr('HOTLINE_A_SWITCH_FROM'),
            'to': n.get_attr('HOTLINE_A_SWITCH_TO'),
            'reason': _lookup(REASONS, r) if r is not None else None}


def _lookup(names, i):
    return names[i] if 0 <= i < len(names) else i


# --- raw TLV encoding: sends exactly what it is given ----------------------

def encode_attrs(attrs):
    """[(type, value), ...] to bytes. value: bytes (sent as is), a list
    (a nest, NLA_F_NESTED set), an int with a struct format as
    (fmt, int), or None (a flag)."""
    out = b''
    for atype, value in attrs:
        if isinstance(value, list):
            payload = encode_attrs(value)
            atype |= NLA_F_NESTED
        elif isinstance(value, tuple):
            payload = struct.pack(value[0], value[1])
        elif value is None:
            payload = b''
        else:
            payload = bytes(value)
        out += struct.pack('HH', 4 + len(payload), atype) + payload
        out += b'\0' * (-len(payload) % 4)
    return out


def u8(v):
    return ('B', v)


def u16(v):
    return ('H', v)


def u32(v):
    return ('I', v)


def asciiz(s):
    return s.encode() + b'\0'


def prefix_attrs(text):
    """'198.51.100.0/24' -> PREFIX TLVs (host bits are sent as given)."""
    addr, _, plen = text.partition('/')
    ip = ipaddress.ip_address(addr)
    if not plen:
        plen = 32 if ip.version == 4 else 128
    kind = P.ADDR4 if ip.version == 4 else P.ADDR6
    return [(kind, ip.packed), (P.LEN, u8(int(plen)))]


def health_attrs(h):
    """health dict -> HEALTH TLVs. Keys: probe (address), probe_port,
    local_port, interval, detect_mult, key (32 bytes), unauthenticated
    (True), max_loss, max_rtt. {} clears health in SET."""
    out = []
    if 'probe' in h:
        ip = ipaddress.ip_address(h['probe'])
        out.append((H.PROBE_ADDR4 if ip.version == 4 else H.PROBE_ADDR6, ip.packed))
    for key, attr, fmt in (('probe_port', H.PROBE_PORT, u16),
                           ('local_port', H.LOCAL_PORT, u16),
                           ('interval', H.INTERVAL_MS, u32),
                           ('detect_mult', H.DETECT_MULT, u8),
                           ('max_loss', H.MAX_LOSS, u32),
                           ('max_rtt', H.MAX_RTT_MS, u32)):
        if key in h:
            out.append((attr, fmt(h[key])))
    if 'key' in h:
        out.append((H.KEY, bytes(h['key'])))
    if h.get('unauthenticated'):
        out.append((H.UNAUTHENTICATED, None))
    return out


def path_attrs(p):
    """path dict -> PATH TLVs. Keys: name, pref, mark, mark_mask, local,
    probe (addresses), probe_port, interval, detect_mult, max_loss, max_rtt."""
    out = [(PT.NAME, asciiz(p['name']))] if 'name' in p else []
    for key, a4, a6 in (('local', PT.LOCAL_ADDR4, PT.LOCAL_ADDR6),
                        ('probe', PT.PROBE_ADDR4, PT.PROBE_ADDR6)):
        if key in p:
            ip = ipaddress.ip_address(p[key])
            out.append((a4 if ip.version == 4 else a6, ip.packed))
    for key, attr, fmt in (('pref', PT.PREF, u8), ('mark', PT.MARK, u32),
                           ('mark_mask', PT.MARK_MASK, u32),
                           ('probe_port', PT.PROBE_PORT, u16),
                           ('interval', PT.INTERVAL_MS, u32),
                           ('detect_mult', PT.DETECT_MULT, u8),
                           ('max_loss', PT.MAX_LOSS, u32),
                           ('max_rtt', PT.MAX_RTT_MS, u32)):
        if key in p:
            out.append((attr, fmt(p[key])))
    return out


def channel_attrs(name, peer=None, local=None, proto=None, port=None, dscp=None,
                  priority=None, mark=None, mark_mask=None, health=None,
                  paths=None, failback=None, nonrevertive=None):
    """Keyword arguments -> channel TLVs. local='' and health={} send empty
    nests (clear in SET); port is N, (min, max) or (0, 0) to clear; proto
    is a name or number."""
    attrs = [(A.NAME, asciiz(name))]
    if peer is not None:
        attrs.append((A.PEER, prefix_attrs(peer)))
    if local is not None:
        attrs.append((A.LOCAL, prefix_attrs(local) if local else []))
    if proto is not None:
        attrs.append((A.PROTO, u8(PROTOS.index(proto) if isinstance(proto, str) else proto)))
    if port is not None:
        lo, hi = (port, port) if isinstance(port, int) else port
        attrs += [(A.PORT_MIN, u16(lo)), (A.PORT_MAX, u16(hi))]
    for value, attr, fmt in ((dscp, A.DSCP, u8), (priority, A.PRIORITY, u32),
                             (mark, A.MARK, u32), (mark_mask, A.MARK_MASK, u32)):
        if value is not None:
            attrs.append((attr, fmt(value)))
    if health is not None:
        attrs.append((A.HEALTH, health_attrs(health)))
    if paths is not None:
        attrs.append((A.PATHS, [(PS.PATH, path_attrs(p)) for p in paths]))
    if failback is not None:
        attrs.append((A.FAILBACK_MS, u32(failback)))
    if nonrevertive is not None:
        attrs.append((A.NONREVERTIVE, u8(nonrevertive)))
    return attrs


def _attr_path(data, offset, base=20, enum=A):
    """Name the attribute at @offset (from the start of the request) by
    walking the request's TLVs; '' when the offset is not an attribute.
    The steps of an APPLY are numbered from 0: HOTLINE_A_CHANNEL_STEP[1]."""
    pos = base
    steps = 0
    while pos + 4 <= len(data):
        alen, atype = struct.unpack_from('HH', data, pos)
        if alen < 4:
            break
        t = atype & NLA_TYPE_MASK
        name = enum.name(t)
        if enum is A and t == A.STEP:
            name += '[%d]' % steps
            steps += 1
        if pos == offset:
            return name
        if pos < offset < pos + alen:
            inner = _NESTS.get((enum, t))
            if inner is None:
                return name
            sub = _attr_path(data[:pos + alen], offset, pos + 4, inner)
            return name + ('/' + sub if sub else '')
        pos += (alen + 3) & ~3
    return ''


class HotlineError(Exception):
    def __init__(self, reply):
        super().__init__('%s (%s)%s%s' % (
            reply.msg or os.strerror(reply.errno), _errno.errorcode.get(reply.errno, reply.errno),
            ' [attr %s]' % reply.bad_attr if reply.bad_attr else '',
            ' [missing %s]' % reply.missing if reply.missing else ''))
        self.reply = reply


class Reply:
    """The kernel's answer. errno: 0 or the positive errno; msg: extack
    message; bad_attr: the blamed attribute as a path of UAPI names
    ('HOTLINE_A_CHANNEL_PEER/HOTLINE_A_PREFIX_LEN'); missing: the missing
    attribute's name (NLMSGERR_ATTR_MISS_TYPE); channels: decoded
    messages; dump_intr: some dump message carried NLM_F_DUMP_INTR."""

    def __init__(self):
        self.errno = 0
        self.msg = None
        self.bad_attr = None
        self.missing = None
        self.channels = []
        self.dump_intr = False
        self.nmsgs = 0          # datagrams (recv calls) a dump took

    @property
    def ok(self):
        return self.errno == 0

    @property
    def channel(self):
        return self.channels[0] if self.channels else None

    def check(self):
        if self.errno:
            raise HotlineError(self)
        return self

    def __repr__(self):
        if self.errno:
            return '<Reply %s msg=%r attr=%s missing=%s>' % (
                _errno.errorcode.get(self.errno, self.errno), self.msg,
                self.bad_attr, self.missing)
        return '<Reply ok, %d channel(s)>' % len(self.channels)


class HotlineSocket(GenericNetlinkSocket):
    """The pyroute2 socket, bound to the family; extended acks on."""

    def __init__(self):
        super().__init__(ext_ack=True)
        self.bind(GENL_NAME, hotlinemsg)


class Hotline:
    """Talks to the hotline family in the current netns (run the script
    under `ip netns exec NS` for another)."""

    CMDS = {'new': CMD.CHANNEL_NEW, 'set': CMD.CHANNEL_SET,
            'del': CMD.CHANNEL_DEL, 'get': CMD.CHANNEL_GET, 'apply': CMD.APPLY}

    def __init__(self):
        self.sock = HotlineSocket()
        self._seq = 0

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- requests --

    def raw(self, cmd, attrs, flags=NLM_F_REQUEST | NLM_F_ACK, version=GENL_VERSION,
            reserved=0, payload=None):
        """Send one message; cmd is a number or 'new'/'set'/'del'/'get'.
        attrs go through encode_attrs() unless payload (bytes) is given."""
        cmd = self.CMDS.get(cmd, cmd)
        body = payload if payload is not None else encode_attrs(attrs)
        self._seq += 1
        seq = self._seq
        genl = struct.pack('BBH', cmd, version, reserved)
        data = struct.pack('IHHII', 16 + 4 + len(body), self.sock.prid, flags, seq, 0)
        data += genl + body
        self.sock._sendto(data, (0, 0))
        return self._collect(data, seq)

    def _collect(self, request, seq):
        reply = Reply()
        while True:
            buf = self.sock._recv(1 << 20)
            reply.nmsgs += 1
            off = 0
            while off + 16 <= len(buf):
                mlen, mtype, mflags, mseq, _ = struct.unpack_from('IHHII', buf, off)
                if mlen < 16:
                    return reply
                if mseq != seq:
                    off += (mlen + 3) & ~3
                    continue
                if mflags & NLM_F_DUMP_INTR:
                    reply.dump_intr = True
                if mtype == NLMSG_ERROR:
                    self._parse_ack(buf[off:off + mlen], mflags, request, reply)
                    return reply
                if mtype == NLMSG_DONE:
                    if mlen >= 20:
                        self._parse_ack(buf[off:off + mlen], mflags, request, reply)
                    return reply
                msg = hotlinemsg(buf[off:off + mlen])
                msg.decode()
                reply.channels.append(decode_channel(msg))
                off += (mlen + 3) & ~3

    @staticmethod
    def _parse_ack(m, flags, request, reply):
        (err,) = struct.unpack_from('i', m, 16)
        reply.errno = -err
        if not flags & NLM_F_ACK_TLVS:
            return
        inner_len = 16 if flags & NLM_F_CAPPED else struct.unpack_from('I', m, 20)[0]
        pos = 20 + ((inner_len + 3) & ~3)
        miss_type = miss_nest = None
        while pos + 4 <= len(m):
            alen, atype = struct.unpack_from('HH', m, pos)
            if alen < 4:
                break
            val = m[pos + 4:pos + alen]
            atype &= NLA_TYPE_MASK
            if atype == NLMSGERR_ATTR_MSG:
                reply.msg = val.split(b'\0')[0].decode()
            elif atype == NLMSGERR_ATTR_OFFS:
                reply.bad_attr = _attr_path(request, struct.unpack('I', val)[0]) or None
            elif atype == NLMSGERR_ATTR_MISS_TYPE:
                miss_type = struct.unpack('I', val)[0]
            elif atype == NLMSGERR_ATTR_MISS_NEST:
                miss_nest = struct.unpack('I', val)[0]
            pos += (alen + 3) & ~3
        if miss_type is not None:
            enum, where = A, ''
            if miss_nest is not None:
                where = _attr_path(request, miss_nest)
                last = where.rsplit('/', 1)[-1]
                for (outer, num), inner in _NESTS.items():
                    if outer.name(num) == last:
                        enum = inner
                where += '/'
            reply.missing = where + enum.name(miss_type)

    def add(self, name, **kw):
        return self.raw('new', channel_attrs(name, **kw))

    def set(self, name, **kw):
        return self.raw('set', channel_attrs(name, **kw))

    def apply(self, steps):
        """steps: [(cmd, channel TLVs)], cmd 'new', 'set', 'del' or a
        number; one HOTLINE_CMD_APPLY, all of them or none."""
        return self.raw('apply', [(A.STEP, [(STP.CMD, u8(self.CMDS.get(c, c))),
                                            (STP.CHANNEL, attrs)])
                                  for c, attrs in steps])

    def delete(self, name):
        return self.raw('del', [(A.NAME, asciiz(name))])

    def show(self, name):
        return self.raw('get', [(A.NAME, asciiz(name))])

    def dump(self):
        return self.raw('get', [], flags=NLM_F_REQUEST | NLM_F_DUMP)

    # -- events --

    def subscribe(self, *groups):
        """groups: 'config', 'health'."""
        for g in groups:
            self.sock.add_membership(g)

    def events(self, timeout=1.0):
        """Decoded multicast messages until @timeout seconds pass quietly."""
        while True:
            r, _, _ = select.select([self.sock.fileno()], [], [], timeout)
            if not r:
                return
            buf = self.sock._recv(1 << 20)
            off = 0
            while off + 16 <= len(buf):
                mlen, mtype, _, mseq, _ = struct.unpack_from('IHHII', buf, off)
                if mlen < 16:
                    break
                if mtype == self.sock.prid and mseq == 0:
                    msg = hotlinemsg(buf[off:off + mlen])
                    msg.decode()
                    yield decode_channel(msg)
                off += (mlen + 3) & ~3


# --- a tiny CLI, for poking at the module by hand ---------------------------

def _cli_kwargs(args):
    kw = {}
    health = {}
    for a in args:
        k, _, v = a.partition('=')
        if k in ('peer', 'local', 'proto'):
            kw[k] = v
        elif k == 'port':
            lo, _, hi = v.partition('-')
            kw[k] = (int(lo, 0), int(hi or lo, 0))
        elif k in ('dscp', 'priority', 'mark', 'mark_mask'):
            kw[k] = int(v, 0)
        elif k == 'health' and v == '':
            kw['health'] = {}
        elif k == 'probe':
            health[k] = v
        elif k == 'key':
            health[k] = bytes.fromhex(v)
        elif k == 'unauthenticated':
            health[k] = True
        elif k in ('probe_port', 'local_port', 'interval', 'detect_mult',
                   'max_loss', 'max_rtt'):
            health[k] = int(v, 0)
        else:
            raise SystemExit('unknown key %r' % k)
    if health:
        kw['health'] = health
    return kw


def main(argv):
    """pyhotline.py add|set NAME key=value...   (peer= local= proto= port=N[-M]
           dscp= priority= mark= mark_mask= probe= key=HEX unauthenticated
           interval= detect_mult= probe_port= local_port= max_loss= max_rtt=
           health= (empty: clear))
       pyhotline.py del|get NAME      pyhotline.py dump      pyhotline.py monitor [SECS]
    Prints JSON; on a kernel error prints 'error: ERRNO: msg [attr ...]' and exits 1."""
    if len(argv) < 1:
        print(main.__doc__, file=sys.stderr)
        return 2
    cmd = argv[0]
    with Hotline() as hl:
        if cmd == 'add':
            r = hl.add(argv[1], **_cli_kwargs(argv[2:]))
        elif cmd == 'set':
            r = hl.set(argv[1], **_cli_kwargs(argv[2:]))
        elif cmd == 'del':
            r = hl.delete(argv[1])
        elif cmd == 'get':
            r = hl.show(argv[1])
        elif cmd == 'dump':
            r = hl.dump()
        elif cmd == 'monitor':
            hl.subscribe('config', 'health')
            for ev in hl.events(float(argv[1]) if len(argv) > 1 else 3600):
                print(json.dumps(ev), flush=True)
            return 0
        else:
            print(main.__doc__, file=sys.stderr)
            return 2
    if not r.ok:
        print('error: %s' % HotlineError(r), file=sys.stderr)
        return 1
    if cmd in ('get', 'dump'):
        print(json.dumps(r.channels if cmd == 'dump' else r.channel, indent=1))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
