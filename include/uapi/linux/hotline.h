/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR LGPL-2.1 */
/*
 * hotline: a prioritised, health-checked channel between two gateways.
 *
 * This header is the whole contract between the hotline kernel module and
 * userspace (hotlinectl, scripts using pyroute2, monitoring agents). It is
 * written to be read: the attribute tree of every command is drawn below.
 *
 * Generic netlink family "hotline" (HOTLINE_GENL_NAME), version 1.
 * Every object lives in the network namespace of the netlink socket that
 * talks to it; a channel made in one namespace is invisible in another.
 *
 * Mutating commands need CAP_NET_ADMIN over the namespace's owning user
 * namespace (GENL_UNS_ADMIN_PERM), so root inside its own user+net
 * namespace manages that namespace's channels.
 *
 * Every rejection carries an extended-ack message naming the attribute that
 * was wrong, and a rejected request changes nothing.
 *
 * HOTLINE_CMD_CHANNEL_NEW: make a channel. NLM_F_ACK is honoured.
 *   Fails with EEXIST when the name is taken.
 *
 *   HOTLINE_A_CHANNEL_NAME: NUL-terminated string, 1..31 bytes of
 *                           [A-Za-z0-9._-]                     (required)
 *   HOTLINE_A_CHANNEL_PEER: nested, the remote side's prefix   (required)
 *       HOTLINE_A_PREFIX_ADDR4: 4 bytes, network order     } exactly one
 *       HOTLINE_A_PREFIX_ADDR6: 16 bytes, network order    }
 *       HOTLINE_A_PREFIX_LEN: u8, 0..32 (IPv4), 0..128 (IPv6)  (required)
 *       Host bits beyond LEN must be zero.
 *   HOTLINE_A_CHANNEL_LOCAL: nested, same layout as PEER; the hotline hosts
 *                            on our side; must be the peer's family. Unset:
 *                            any local address.
 *   HOTLINE_A_CHANNEL_PROTO: u8, one of HOTLINE_PROTO_*; default ANY.
 *                            ICMP means ICMPv6 for IPv6 channels.
 *   HOTLINE_A_CHANNEL_PORT_MIN: u16, host order, 1..65535 }  both or neither;
 *   HOTLINE_A_CHANNEL_PORT_MAX: u16, host order, >= MIN   }  TCP, UDP or
 *                            SCTP only. Matched against the remote side's
 *                            port (destination port on egress, source port
 *                            on ingress).
 *   HOTLINE_A_CHANNEL_DSCP: u8, 0..63, written on egress; default 46 (EF).
 *                           ECN bits are kept.
 *   HOTLINE_A_CHANNEL_PRIORITY: u32, skb->priority on egress; default 7
 *                           (TC_PRIO_CONTROL). A value >= 0x10000 is a
 *                           qdisc class id MAJ:MIN (TC_H_MAKE).
 *   HOTLINE_A_CHANNEL_MARK: u32, fwmark set on ingress and egress packets;
 *                           0 (default) leaves the mark alone.
 *   HOTLINE_A_CHANNEL_MARK_MASK: u32, bits of the mark that are written;
 *                           default 0xffffffff.
 *   HOTLINE_A_CHANNEL_HEALTH: nested, health probing; see below. Unset:
 *                           no probing.
 *
 *   HOTLINE_A_CHANNEL_PATHS: nested, the ways to reach the peer gateway
 *       (see "Paths" below); needs HOTLINE_A_CHANNEL_HEALTH, without a
 *       probe address of its own. Unset: no paths, one session (if any).
 *   HOTLINE_A_CHANNEL_FAILBACK_MS: u32, 0..600000; how long a more
 *       preferred path must stay up before traffic moves back to it;
 *       default 5000.
 *   HOTLINE_A_CHANNEL_NONREVERTIVE: u8, 0 or 1; 1: stay on the active
 *       path while it is up, even when a more preferred one is up too.
 *
 * HOTLINE_CMD_CHANNEL_SET: change a channel, found by HOTLINE_A_CHANNEL_NAME
 *   (required). Every other attribute of CHANNEL_NEW may be given; the ones
 *   given replace the current values, the rest stay. An empty
 *   HOTLINE_A_CHANNEL_LOCAL, PORT_MIN = PORT_MAX = 0, or an empty
 *   HOTLINE_A_CHANNEL_HEALTH clear that part. Fails with ENOENT when there
 *   is no such channel.
 *
 * HOTLINE_CMD_CHANNEL_DEL: remove a channel.
 *   HOTLINE_A_CHANNEL_NAME                                     (required)
 *   Fails with ENOENT when there is no such channel.
 *
 * HOTLINE_CMD_CHANNEL_GET: read channels. With NLM_F_DUMP, all channels of
 *   the namespace in id order, each whole in one message, continued across
 *   as many messages as needed; a dump interrupted by a change is flagged
 *   NLM_F_DUMP_INTR. Without NLM_F_DUMP, HOTLINE_A_CHANNEL_NAME (required)
 *   selects one. Replies carry, besides every configured attribute above:
 *
 *   HOTLINE_A_CHANNEL_ID: u32, kernel-assigned, never reused while loaded
 *   HOTLINE_A_CHANNEL_STATS: nested, per-channel counters
 *       HOTLINE_A_STATS_RX_PACKETS: u64  ingress packets from the peer
 *       HOTLINE_A_STATS_RX_BYTES:   u64  their bytes (IP header onward)
 *       HOTLINE_A_STATS_TX_PACKETS: u64  egress packets to the peer
 *       HOTLINE_A_STATS_TX_BYTES:   u64
 *   HOTLINE_A_CHANNEL_HEALTH_STATUS: nested, only when health is set
 *       HOTLINE_A_STATUS_STATE: u8, enum hotline_health_state
 *       HOTLINE_A_STATUS_DIAG:  u8, enum hotline_health_diag
 *       HOTLINE_A_STATUS_SINCE: u64, CLOCK_REALTIME ns of the last change
 *       HOTLINE_A_STATUS_FLAPS: u32, state transitions so far
 *       HOTLINE_A_STATUS_PROBES_SENT:  u64
 *       HOTLINE_A_STATUS_PROBES_RECV:  u64  valid replies
 *       HOTLINE_A_STATUS_LOST:         u64
 *       HOTLINE_A_STATUS_DUPLICATES:   u64
 *       HOTLINE_A_STATUS_REORDERED:    u64
 *       HOTLINE_A_STATUS_LATE:         u64  replies after the detect time
 *       HOTLINE_A_STATUS_AUTH_FAILURES: u64
 *       HOTLINE_A_STATUS_MALFORMED:    u64
 *       HOTLINE_A_STATUS_REFLECTED:    u64  test packets we reflected
 *       HOTLINE_A_STATUS_REFLECT_LIMITED: u64  test packets not reflected:
 *                                   more than HOTLINE_REFLECT_RATE a
 *                                   second (bursts of HOTLINE_REFLECT_BURST)
 *       HOTLINE_A_STATUS_RTT_LAST:  u64, ns
 *       HOTLINE_A_STATUS_RTT_MIN:   u64, ns (over the window)
 *       HOTLINE_A_STATUS_RTT_MAX:   u64, ns (over the window)
 *       HOTLINE_A_STATUS_RTT_MEAN:  u64, ns (over the window)
 *       HOTLINE_A_STATUS_RTT_P50:   u64, ns (over the window)
 *       HOTLINE_A_STATUS_RTT_P90:   u64, ns (over the window)
 *       HOTLINE_A_STATUS_RTT_P99:   u64, ns (over the window)
 *       HOTLINE_A_STATUS_JITTER:    u64, ns, RFC 3550 estimator
 *       HOTLINE_A_STATUS_LOSS_PPM:  u32, lost probes per million over the
 *                                   window
 *       HOTLINE_A_STATUS_WINDOW:    u32, probes the window covers now
 *       HOTLINE_A_STATUS_SILENCE:   u64, ns: how long no valid reply had
 *                                   come when the session last went down:
 *                                   the detection time, up to one
 *                                   interval more (a probe must also go
 *                                   unanswered that long), and how late
 *                                   this host noticed; 0 until it first
 *                                   goes down
 *
 *   With paths, also (reply-only):
 *   HOTLINE_A_CHANNEL_ACTIVE_PATH: string, the path the channel's traffic
 *       takes; absent while none is usable (traffic follows the main
 *       routing table). HOTLINE_A_CHANNEL_HEALTH_STATUS is then the active
 *       path's session (or, with none active, the most preferred path's).
 *   HOTLINE_A_CHANNEL_ACTIVE_SINCE: u64, CLOCK_REALTIME ns of the last
 *       switch (or of the first choice)
 *   HOTLINE_A_CHANNEL_SWITCHES: u64, switches so far
 *
 * HOTLINE_CMD_APPLY: many changes as one, all or nothing. NLM_F_ACK is
 *   honoured. Carries only steps, made in the order given:
 *
 *   HOTLINE_A_CHANNEL_STEP: nested, repeated                (one or more)
 *       HOTLINE_A_STEP_CMD: u8, HOTLINE_CMD_CHANNEL_NEW, _SET or _DEL
 *                                                             (required)
 *       HOTLINE_A_STEP_CHANNEL: nested, the attributes that command takes
 *                                                             (required)
 *
 *   A channel is named by at most one step. Every step is checked and
 *   given all the memory, ports and sessions it needs before the first
 *   takes effect, so the request either makes every step or fails with
 *   the table as it was (ENOMEM included); the extack points into the
 *   step that failed. Each step made sends its own config event.
 *
 * Health configuration, nested in HOTLINE_A_CHANNEL_HEALTH:
 *
 *   HOTLINE_A_HEALTH_PROBE_ADDR4 / _ADDR6: the peer's reflector address,
 *                           4 or 16 bytes; exactly one (required;
 *                           absent with paths, which have their own)
 *   HOTLINE_A_HEALTH_PROBE_PORT: u16, the peer's reflector port; 862
 *   HOTLINE_A_HEALTH_LOCAL_PORT: u16, our sender/reflector port; 862
 *   HOTLINE_A_HEALTH_INTERVAL_MS: u32, 10..60000; default 1000
 *   HOTLINE_A_HEALTH_DETECT_MULT: u8, 1..255; default 3
 *   HOTLINE_A_HEALTH_KEY: 32 bytes, HMAC-SHA-256 key (authenticated mode)
 *   HOTLINE_A_HEALTH_UNAUTHENTICATED: flag; probe without a key. One of KEY
 *                           and UNAUTHENTICATED is required. The key is
 *                           never sent back to userspace; replies carry
 *                           HOTLINE_A_HEALTH_KEYED (flag) instead.
 *   HOTLINE_A_HEALTH_MAX_LOSS: u32, percent 0..100 over the window; 0 = off
 *   HOTLINE_A_HEALTH_MAX_RTT_MS: u32, applied to p99; 0 = off
 *
 * Paths, nested in HOTLINE_A_CHANNEL_PATHS, up to HOTLINE_PATHS_MAX:
 *
 *   HOTLINE_A_PATHS_PATH: nested, one path                      (repeated)
 *       HOTLINE_A_PATH_NAME: string, 1..15 bytes of [A-Za-z0-9._-],
 *                           unique in the channel                (required)
 *       HOTLINE_A_PATH_PREF: u8, lower is preferred; default 100. Equal
 *                           preferences go by the order given.
 *       HOTLINE_A_PATH_MARK: u32, fwmark the channel's traffic towards the
 *                           peer carries while this path is active, and
 *                           this path's probes always            (required)
 *       HOTLINE_A_PATH_MARK_MASK: u32, its bits; default 0xffffffff. Must
 *                           not share a bit with the channel's MARK_MASK
 *                           when the channel sets a MARK: the channel's
 *                           mark is written first, then the path's.
 *       HOTLINE_A_PATH_LOCAL_ADDR4 / _ADDR6: our address on this path, the
 *                           probes' source                       (required)
 *       HOTLINE_A_PATH_PROBE_ADDR4 / _ADDR6: the peer's reflector on this
 *                           path, same family as LOCAL           (required)
 *       HOTLINE_A_PATH_PROBE_PORT: u16; default the channel's probe port
 *       HOTLINE_A_PATH_INTERVAL_MS, _DETECT_MULT, _MAX_LOSS, _MAX_RTT_MS:
 *                           as in HOTLINE_A_CHANNEL_HEALTH; default the
 *                           channel's (and following it when it changes)
 *       HOTLINE_A_PATH_STATUS: nested, reply-only, the path's session as
 *                           HOTLINE_A_CHANNEL_HEALTH_STATUS carries it
 *       HOTLINE_A_PATH_ACTIVE: flag, reply-only, on the active path
 *
 *   Every path of a channel is of one family; marks differ in their bits
 *   under the masks. In CHANNEL_SET the list replaces the old one whole; a
 *   path whose name, addresses, ports and key are unchanged keeps its
 *   session (state and counters); an empty nest removes every path.
 *
 *   The active path is the most preferred path that is up; a degraded
 *   path only when none is up; none when every path is down, and the
 *   channel's traffic then carries no path mark (main table). A
 *   path that comes up while another is active takes over after
 *   FAILBACK_MS of being up (never, NONREVERTIVE, while the active one is
 *   up). The choice is made in the kernel the moment a session changes
 *   state.
 *
 * Multicast groups:
 *
 *   "config" (HOTLINE_MCGRP_CONFIG): HOTLINE_CMD_CHANNEL_NEW, _SET and _DEL
 *            messages carrying the channel as CHANNEL_GET does, after each
 *            change.
 *   "health" (HOTLINE_MCGRP_HEALTH): HOTLINE_CMD_HEALTH_EVENT on every state
 *            change, carrying HOTLINE_A_CHANNEL_ID, _NAME, _PEER,
 *            HOTLINE_A_CHANNEL_HEALTH_STATUS (new state, diagnostic, time,
 *            metrics) and HOTLINE_A_CHANNEL_OLD_STATE (u8). For a path's
 *            session also HOTLINE_A_CHANNEL_PATH (string, its name); the
 *            status is then that path's. On every switch of the active
 *            path HOTLINE_A_CHANNEL_SWITCH (nested):
 *                HOTLINE_A_SWITCH_FROM: string, absent when none was active
 *                HOTLINE_A_SWITCH_TO:   string, absent when none is
 *                HOTLINE_A_SWITCH_REASON: u8, enum hotline_switch_reason
 *            with the status of the path switched to; with none (TO
 *            absent), of the path switched from, or no status when that
 *            path was removed.
 */
#ifndef _UAPI_LINUX_HOTLINE_H
#define _UAPI_LINUX_HOTLINE_H

#define HOTLINE_GENL_NAME		"hotline"
#define HOTLINE_GENL_VERSION		1
#define HOTLINE_MCGRP_CONFIG		"config"
#define HOTLINE_MCGRP_HEALTH		"health"

#define HOTLINE_NAME_MAX		31	/* bytes, without the NUL */
#define HOTLINE_KEY_LEN			32
#define HOTLINE_DEFAULT_DSCP		46	/* EF */
#define HOTLINE_DEFAULT_PRIORITY	7	/* TC_PRIO_CONTROL */
#define HOTLINE_DEFAULT_STAMP_PORT	862
#define HOTLINE_DEFAULT_INTERVAL_MS	1000
#define HOTLINE_DEFAULT_DETECT_MULT	3
#define HOTLINE_PATHS_MAX		8
#define HOTLINE_PATH_NAME_MAX		15	/* bytes, without the NUL */
#define HOTLINE_DEFAULT_PATH_PREF	100
#define HOTLINE_DEFAULT_FAILBACK_MS	5000
#define HOTLINE_MAX_FAILBACK_MS		600000
#define HOTLINE_MIN_INTERVAL_MS		10
#define HOTLINE_MAX_INTERVAL_MS		60000
/*
 * The reflector answers a peer's test packets at most this often, so a
 * flood of test packets in a configured peer's name (its address is easy
 * to spoof) cannot turn the gateway into a packet source aimed at it: a
 * peer probing at the shortest interval sends half this rate.
 */
#define HOTLINE_REFLECT_RATE		200	/* per second and session */
#define HOTLINE_REFLECT_BURST		20

enum hotline_cmd {
	HOTLINE_CMD_UNSPEC,
	HOTLINE_CMD_CHANNEL_NEW,
	HOTLINE_CMD_CHANNEL_SET,
	HOTLINE_CMD_CHANNEL_DEL,
	HOTLINE_CMD_CHANNEL_GET,
	HOTLINE_CMD_HEALTH_EVENT,
	HOTLINE_CMD_APPLY,
	__HOTLINE_CMD_MAX
};

#define HOTLINE_CMD_MAX (__HOTLINE_CMD_MAX - 1)

enum hotline_proto {
	HOTLINE_PROTO_ANY,
	HOTLINE_PROTO_TCP,
	HOTLINE_PROTO_UDP,
	HOTLINE_PROTO_ICMP,
	HOTLINE_PROTO_SCTP,
	__HOTLINE_PROTO_MAX
};

#define HOTLINE_PROTO_MAX (__HOTLINE_PROTO_MAX - 1)

enum hotline_channel_attr {
	HOTLINE_A_CHANNEL_UNSPEC,
	HOTLINE_A_CHANNEL_ID,
	HOTLINE_A_CHANNEL_NAME,
	HOTLINE_A_CHANNEL_PEER,
	HOTLINE_A_CHANNEL_LOCAL,
	HOTLINE_A_CHANNEL_PROTO,
	HOTLINE_A_CHANNEL_PORT_MIN,
	HOTLINE_A_CHANNEL_PORT_MAX,
	HOTLINE_A_CHANNEL_DSCP,
	HOTLINE_A_CHANNEL_PRIORITY,
	HOTLINE_A_CHANNEL_MARK,
	HOTLINE_A_CHANNEL_MARK_MASK,
	HOTLINE_A_CHANNEL_STATS,
	HOTLINE_A_CHANNEL_HEALTH,
	HOTLINE_A_CHANNEL_HEALTH_STATUS,
	HOTLINE_A_CHANNEL_OLD_STATE,
	HOTLINE_A_CHANNEL_PAD,
	HOTLINE_A_CHANNEL_STEP,
	HOTLINE_A_CHANNEL_PATHS,
	HOTLINE_A_CHANNEL_FAILBACK_MS,
	HOTLINE_A_CHANNEL_NONREVERTIVE,
	HOTLINE_A_CHANNEL_ACTIVE_PATH,
	HOTLINE_A_CHANNEL_ACTIVE_SINCE,
	HOTLINE_A_CHANNEL_SWITCHES,
	HOTLINE_A_CHANNEL_PATH,
	HOTLINE_A_CHANNEL_SWITCH,
	__HOTLINE_A_CHANNEL_MAX
};

#define HOTLINE_A_CHANNEL_MAX (__HOTLINE_A_CHANNEL_MAX - 1)

enum hotline_prefix_attr {
	HOTLINE_A_PREFIX_UNSPEC,
	HOTLINE_A_PREFIX_ADDR4,
	HOTLINE_A_PREFIX_ADDR6,
	HOTLINE_A_PREFIX_LEN,
	__HOTLINE_A_PREFIX_MAX
};

#define HOTLINE_A_PREFIX_MAX (__HOTLINE_A_PREFIX_MAX - 1)

enum hotline_stats_attr {
	HOTLINE_A_STATS_UNSPEC,
	HOTLINE_A_STATS_RX_PACKETS,
	HOTLINE_A_STATS_RX_BYTES,
	HOTLINE_A_STATS_TX_PACKETS,
	HOTLINE_A_STATS_TX_BYTES,
	HOTLINE_A_STATS_PAD,
	__HOTLINE_A_STATS_MAX
};

#define HOTLINE_A_STATS_MAX (__HOTLINE_A_STATS_MAX - 1)

enum hotline_health_attr {
	HOTLINE_A_HEALTH_UNSPEC,
	HOTLINE_A_HEALTH_PROBE_ADDR4,
	HOTLINE_A_HEALTH_PROBE_ADDR6,
	HOTLINE_A_HEALTH_PROBE_PORT,
	HOTLINE_A_HEALTH_LOCAL_PORT,
	HOTLINE_A_HEALTH_INTERVAL_MS,
	HOTLINE_A_HEALTH_DETECT_MULT,
	HOTLINE_A_HEALTH_KEY,
	HOTLINE_A_HEALTH_UNAUTHENTICATED,
	HOTLINE_A_HEALTH_KEYED,
	HOTLINE_A_HEALTH_MAX_LOSS,
	HOTLINE_A_HEALTH_MAX_RTT_MS,
	__HOTLINE_A_HEALTH_MAX
};

#define HOTLINE_A_HEALTH_MAX (__HOTLINE_A_HEALTH_MAX - 1)

enum hotline_status_attr {
	HOTLINE_A_STATUS_UNSPEC,
	HOTLINE_A_STATUS_STATE,
	HOTLINE_A_STATUS_DIAG,
	HOTLINE_A_STATUS_SINCE,
	HOTLINE_A_STATUS_FLAPS,
	HOTLINE_A_STATUS_PROBES_SENT,
	HOTLINE_A_STATUS_PROBES_RECV,
	HOTLINE_A_STATUS_LOST,
	HOTLINE_A_STATUS_DUPLICATES,
	HOTLINE_A_STATUS_REORDERED,
	HOTLINE_A_STATUS_LATE,
	HOTLINE_A_STATUS_AUTH_FAILURES,
	HOTLINE_A_STATUS_MALFORMED,
	HOTLINE_A_STATUS_REFLECTED,
	HOTLINE_A_STATUS_RTT_LAST,
	HOTLINE_A_STATUS_RTT_MIN,
	HOTLINE_A_STATUS_RTT_MAX,
	HOTLINE_A_STATUS_RTT_MEAN,
	HOTLINE_A_STATUS_RTT_P50,
	HOTLINE_A_STATUS_RTT_P90,
	HOTLINE_A_STATUS_RTT_P99,
	HOTLINE_A_STATUS_JITTER,
	HOTLINE_A_STATUS_LOSS_PPM,
	HOTLINE_A_STATUS_WINDOW,
	HOTLINE_A_STATUS_PAD,
	HOTLINE_A_STATUS_REFLECT_LIMITED,
	HOTLINE_A_STATUS_SILENCE,
	__HOTLINE_A_STATUS_MAX
};

#define HOTLINE_A_STATUS_MAX (__HOTLINE_A_STATUS_MAX - 1)

enum hotline_step_attr {
	HOTLINE_A_STEP_UNSPEC,
	HOTLINE_A_STEP_CMD,
	HOTLINE_A_STEP_CHANNEL,
	__HOTLINE_A_STEP_MAX
};

#define HOTLINE_A_STEP_MAX (__HOTLINE_A_STEP_MAX - 1)

enum hotline_paths_attr {
	HOTLINE_A_PATHS_UNSPEC,
	HOTLINE_A_PATHS_PATH,
	__HOTLINE_A_PATHS_MAX
};

#define HOTLINE_A_PATHS_MAX (__HOTLINE_A_PATHS_MAX - 1)

enum hotline_path_attr {
	HOTLINE_A_PATH_UNSPEC,
	HOTLINE_A_PATH_NAME,
	HOTLINE_A_PATH_PREF,
	HOTLINE_A_PATH_MARK,
	HOTLINE_A_PATH_MARK_MASK,
	HOTLINE_A_PATH_LOCAL_ADDR4,
	HOTLINE_A_PATH_LOCAL_ADDR6,
	HOTLINE_A_PATH_PROBE_ADDR4,
	HOTLINE_A_PATH_PROBE_ADDR6,
	HOTLINE_A_PATH_PROBE_PORT,
	HOTLINE_A_PATH_INTERVAL_MS,
	HOTLINE_A_PATH_DETECT_MULT,
	HOTLINE_A_PATH_MAX_LOSS,
	HOTLINE_A_PATH_MAX_RTT_MS,
	HOTLINE_A_PATH_STATUS,
	HOTLINE_A_PATH_ACTIVE,
	__HOTLINE_A_PATH_MAX
};

#define HOTLINE_A_PATH_MAX (__HOTLINE_A_PATH_MAX - 1)

enum hotline_switch_attr {
	HOTLINE_A_SWITCH_UNSPEC,
	HOTLINE_A_SWITCH_FROM,
	HOTLINE_A_SWITCH_TO,
	HOTLINE_A_SWITCH_REASON,
	__HOTLINE_A_SWITCH_MAX
};

#define HOTLINE_A_SWITCH_MAX (__HOTLINE_A_SWITCH_MAX - 1)

/* Why the active path changed. */
enum hotline_switch_reason {
	HOTLINE_SWITCH_NONE,
	HOTLINE_SWITCH_UP,		/* a path came up while none was up */
	HOTLINE_SWITCH_DOWN,		/* the active path went down */
	HOTLINE_SWITCH_DEGRADED,	/* the active path degraded, another is up */
	HOTLINE_SWITCH_FAILBACK,	/* a more preferred path stayed up FAILBACK_MS */
	HOTLINE_SWITCH_CONFIG,		/* paths or preferences were changed */
	__HOTLINE_SWITCH_MAX
};

#define HOTLINE_SWITCH_MAX (__HOTLINE_SWITCH_MAX - 1)

/* Link state, in the words of BFD (RFC 5880 section 4.1). */
enum hotline_health_state {
	HOTLINE_STATE_ADMIN_DOWN,
	HOTLINE_STATE_DOWN,
	HOTLINE_STATE_INIT,
	HOTLINE_STATE_UP,
	HOTLINE_STATE_DEGRADED,
	__HOTLINE_STATE_MAX
};

#define HOTLINE_STATE_MAX (__HOTLINE_STATE_MAX - 1)

/* Why the state last changed. */
enum hotline_health_diag {
	HOTLINE_DIAG_NONE,
	HOTLINE_DIAG_DETECT_EXPIRED,	/* no valid reply for detect-mult x interval */
	HOTLINE_DIAG_AUTH_FAILURES,	/* replies arrive but fail authentication */
	HOTLINE_DIAG_ADMIN_DOWN,	/* configured or reconfigured by an admin */
	HOTLINE_DIAG_PEER_UNREACHABLE,	/* ICMP error for our probes */
	HOTLINE_DIAG_THRESHOLD,		/* max-loss or max-rtt exceeded */
	__HOTLINE_DIAG_MAX
};

#define HOTLINE_DIAG_MAX (__HOTLINE_DIAG_MAX - 1)

#endif /* _UAPI_LINUX_HOTLINE_H */
