#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Health-engine helper for the VM tests and the benchmark: reads the
kernel's own numbers through pyhotline (no hotlinectl involved), waits for
states, times detection, and creates channels in bulk. One process does
what a shell loop would need hundreds of interpreter starts for, which
matters under TCG.

  hlhealth.py get NAME FIELD...          health_status fields, one line
  hlhealth.py wait NAME STATE SECS       exit 0 once NAME is in STATE
  hlhealth.py wait_recv NAME N SECS      exit 0 once probes_recv >= N
  hlhealth.py monitor SECS [NAME STATE] health events: "T NAME OLD NEW",
                                         after a "# subscribed" line
  hlhealth.py cut SECS NAME CMD...       run CMD (the cut), print seconds
                                         from its end to NAME going down
                                         (the kernel's time of the change)
  hlhealth.py bulk_add PREFIX N PEER PROBE LPORT0 PPORT0 IVAL MULT [DSCP]
                                         N unauthenticated channels
                                         PREFIXi, local port LPORT0+i,
                                         probing PROBE:PPORT0+i; keyed
                                         when HL_BULK_KEY holds 64 hex
                                         digits
  hlhealth.py bulk_del PREFIX N          delete PREFIX0 .. PREFIX(N-1)
  hlhealth.py states PREFIX              "state count" for the channels
                                         named PREFIX*, plus "flaps N"
  hlhealth.py add|set NAME JSON          CHANNEL_NEW/SET with pyhotline's
                                         channel_attrs() keywords as JSON;
                                         prints "ok" or the kernel's error
                                         as "ERRNO: msg [attr A] [missing M]"
  hlhealth.py sets NAME                  a SET of NAME per JSON line on
                                         stdin, an answer line as above each
  hlhealth.py paths NAME                 "active A switches N since NS" (A
                                         "-" for none, NS the realtime of
                                         the last switch), then per path
                                         "NAME STATE RTT_P50 PROBES_SENT
                                         LOSS_PPM"
  hlhealth.py path NAME PATH FIELD...    a path's status fields, one line
In monitor, a path's session reports "T NAME OLD NEW PATH" and a switch
of the active path "T NAME switch FROM TO REASON" ("-" for none).
T is time.monotonic() (CLOCK_MONOTONIC, the kernel's clock too).
"""
import errno
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyhotline import Hotline, HotlineError  # noqa: E402


def status(hl, name):
    r = hl.show(name)
    if not r.ok:
        raise SystemExit('get %s failed: %r' % (name, r))
    return r.channel['health_status'] or {}


def main(argv):
    cmd = argv[0]
    with Hotline() as hl:
        if cmd == 'get':
            st = status(hl, argv[1])
            print(' '.join(str(st.get(f)) for f in argv[2:]))
            return 0
        if cmd in ('wait', 'wait_recv'):
            end = time.monotonic() + float(argv[3])
            while True:
                st = status(hl, argv[1])
                if cmd == 'wait' and st.get('state') == argv[2]:
                    return 0
                if cmd == 'wait_recv' and st.get('probes_recv', 0) >= int(argv[2]):
                    return 0
                if time.monotonic() > end:
                    print('state %s probes_recv %s' % (st.get('state'),
                                                      st.get('probes_recv')))
                    return 1
                time.sleep(0.05)
        if cmd == 'monitor':
            # monitor SECS [NAME STATE]: with NAME STATE, stop early once
            # NAME has gone down and then reached STATE.
            hl.subscribe('health')
            print('# subscribed', flush=True)
            end = time.monotonic() + float(argv[1])
            until = tuple(argv[2:4]) if len(argv) >= 4 else None
            went_down = False
            while time.monotonic() < end:
                for ev in hl.events(0.2):
                    st = ev['health_status'] or {}
                    if ev['switch']:
                        sw = ev['switch']
                        print('%.6f %s switch %s %s %s' % (
                            time.monotonic(), ev['name'], sw['from'] or '-',
                            sw['to'] or '-', sw['reason']), flush=True)
                        continue
                    print('%.6f %s %s %s%s' % (time.monotonic(), ev['name'],
                                               ev['old_state'], st.get('state'),
                                               ' ' + ev['path'] if ev['path'] else ''),
                          flush=True)
                    if until and ev['name'] == until[0]:
                        if st.get('state') == 'down':
                            went_down = True
                        elif went_down and st.get('state') == until[1]:
                            return 0
            return 0
        if cmd == 'cut':
            hl.subscribe('health')
            limit, name = float(argv[1]), argv[2]
            subprocess.run(argv[3:], check=True)
            t0 = time.monotonic()
            r0 = time.time()
            while time.monotonic() - t0 < limit:
                for ev in hl.events(0.05):
                    st = ev['health_status'] or {}
                    if ev['name'] == name and st.get('state') == 'down':
                        # the kernel stamps the transition (since, realtime
                        # ns): event delivery and our wakeup do not count
                        since = st.get('since')
                        if since:
                            print('%.6f' % (since / 1e9 - r0))
                        else:
                            print('%.6f' % (time.monotonic() - t0))
                        return 0
            print('none')
            return 1
        if cmd == 'bulk_add':
            prefix, n, peer, probe = argv[1], int(argv[2]), argv[3], argv[4]
            lport0, pport0, ival, mult = (int(x) for x in argv[5:9])
            dscp = int(argv[9]) if len(argv) > 9 else None
            key = bytes.fromhex(os.environ.get('HL_BULK_KEY', ''))
            if key and len(key) != 32:
                raise SystemExit('HL_BULK_KEY: 64 hex digits, not %d bytes' % len(key))
            for i in range(n):
                kw = {'peer': peer, 'health': {
                    'probe': probe, 'probe_port': pport0 + i,
                    'local_port': lport0 + i, 'interval': ival,
                    'detect_mult': mult}}
                if key:
                    kw['health']['key'] = key
                else:
                    kw['health']['unauthenticated'] = True
                if dscp is not None:
                    kw['dscp'] = dscp
                r = hl.add('%s%d' % (prefix, i), **kw)
                if not r.ok:
                    raise SystemExit('add %s%d failed: %r' % (prefix, i, r))
            return 0
        if cmd == 'bulk_del':
            for i in range(int(argv[2])):
                r = hl.delete('%s%d' % (argv[1], i))
                if not r.ok:
                    raise SystemExit('del %s%d failed: %r' % (argv[1], i, r))
            return 0
        if cmd in ('add', 'set'):
            kw = json.loads(argv[2])
            r = hl.add(argv[1], **kw) if cmd == 'add' else hl.set(argv[1], **kw)
            if r.ok:
                print('ok')
                return 0
            print('%s: %s' % (errno.errorcode.get(r.errno, r.errno), HotlineError(r)))
            return 1
        if cmd == 'sets':
            # one SET per line of JSON on stdin, one answer line each:
            # a batch of refusals costs one interpreter start, not one each
            for line in sys.stdin:
                r = hl.set(argv[1], **json.loads(line))
                print('ok' if r.ok else '%s: %s' % (
                    errno.errorcode.get(r.errno, r.errno),
                    str(HotlineError(r)).replace('\n', ' ')), flush=True)
            return 0
        if cmd in ('paths', 'path'):
            r = hl.show(argv[1])
            if not r.ok:
                raise SystemExit('get %s failed: %r' % (argv[1], r))
            ch = r.channel
            for p in ch['paths'] or []:
                st = p.get('status') or {}
                if cmd == 'path' and p['name'] == argv[2]:
                    print(' '.join(str(st.get(f)) for f in argv[3:]))
                    return 0
                if cmd == 'paths' and p is ch['paths'][0]:
                    print('active %s switches %s since %s' % (
                        ch['active_path'] or '-', ch['switches'], ch['active_since']))
                if cmd == 'paths':
                    print(p['name'], st.get('state'), st.get('rtt_p50'),
                          st.get('probes_sent'), st.get('loss_ppm'))
            return 0 if cmd == 'paths' else 1
        if cmd == 'states':
            counts, flaps = {}, 0
            for ch in hl.dump().channels:
                if not ch['name'].startswith(argv[1]):
                    continue
                st = ch['health_status'] or {}
                counts[st.get('state')] = counts.get(st.get('state'), 0) + 1
                flaps += st.get('flaps', 0)
            for k, v in sorted(counts.items(), key=str):
                print(k, v)
            print('flaps', flaps)
            return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
