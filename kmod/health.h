/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The health engine's face towards the rest of the module.
 *
 * netlink.c validates HOTLINE_A_CHANNEL_HEALTH into a struct
 * hotline_health_cfg and keeps it in the channel; the engine (health.c,
 * stamp.c) turns a configuration into a running STAMP session. The engine
 * keeps its own per-netns state (sessions, reflector sockets), so the
 * channel table never has to know about sockets or timers.
 */
#ifndef _HOTLINE_HEALTH_H
#define _HOTLINE_HEALTH_H

#include <linux/types.h>
#include <linux/in6.h>
#include <linux/hotline.h>

struct crypto_shash;
struct net;
struct sk_buff;
struct stamp_port;
struct netlink_ext_ack;
struct hotline_channel;
struct hotline_health;
struct hotline_pathset;

struct hotline_health_cfg {
	u8 family;			/* AF_INET or AF_INET6 */
	union {
		__be32 v4;
		struct in6_addr v6;
	} probe;			/* the peer's reflector */
	/*
	 * A path's session (path.c) probes from its address on that path;
	 * others leave the source to the route.
	 */
	bool has_src;
	union {
		__be32 v4;
		struct in6_addr v6;
	} src;
	u16 probe_port;			/* host order */
	u16 local_port;			/* host order */
	u32 interval_ms;
	u8 detect_mult;
	bool keyed;			/* authenticated mode, key below */
	u8 key[HOTLINE_KEY_LEN];
	u32 max_loss_pct;		/* 0: off */
	u32 max_rtt_ms;			/* 0: off, else applied to p99 */
};

/* How the channel marks its traffic; probes are marked the same way. */
struct hotline_health_marking {
	u8 dscp;
	u32 priority;
	u32 mark;
	u32 mark_mask;
};

int health_init(void);
void health_exit(void);

/*
 * Called with the config mutex held; may sleep. The session belongs to the
 * channel @ch (which stays valid until health_destroy() returns) and reports
 * state changes through hotline_nl_notify_health(). Returns the session or
 * an ERR_PTR(); on error @extack says why and nothing was changed.
 */
struct hotline_health *health_create(struct net *net, struct hotline_channel *ch,
				     const struct hotline_health_cfg *cfg,
				     const struct hotline_health_marking *marking,
				     struct netlink_ext_ack *extack);
/*
 * Keeps the session (state, counters) unless peer, ports or key changed;
 * then the session starts over (down, diagnostic admin-down, counters
 * zero) and a health event is sent if it was not down. Config mutex held;
 * may sleep. On error nothing was changed.
 */
int health_update(struct hotline_health *h, const struct hotline_health_cfg *cfg,
		  const struct hotline_health_marking *marking,
		  struct netlink_ext_ack *extack);
/*
 * health_create() and health_update() in two halves each, for a batch
 * that must happen whole or not at all (HOTLINE_CMD_APPLY). The prepare
 * halves make every allocation, open or take the port and check the probe
 * address is free, and change nothing a packet or a reader sees; the
 * commit halves (start, update_commit) cannot fail; cancel and
 * update_abort give back what prepare took. A prepared session is not
 * running and belongs to nobody until it is started.
 */
struct health_change {
	bool restart;			/* identity changed: the session starts over */
	struct crypto_shash *tfm;	/* the new key's, keyed only */
	struct stamp_port *port;	/* held for the new identity */
};

struct hotline_health *health_prepare(struct net *net, struct hotline_channel *ch,
				      const struct hotline_health_cfg *cfg,
				      const struct hotline_health_marking *marking,
				      struct netlink_ext_ack *extack);
void health_start(struct hotline_health *h);
void health_cancel(struct hotline_health *h);
int health_update_prepare(struct hotline_health *h, const struct hotline_health_cfg *cfg,
			  struct health_change *chg, struct netlink_ext_ack *extack);
void health_update_commit(struct hotline_health *h, const struct hotline_health_cfg *cfg,
			  const struct hotline_health_marking *marking,
			  struct health_change *chg);
void health_update_abort(struct hotline_health *h, struct health_change *chg);
/*
 * While a batch is prepared: @h ends or changes address in it, so another
 * session of the batch may take its probe address. Config mutex held.
 */
void health_set_leaving(struct hotline_health *h, bool leaving);
/* Whether @cfg keeps @h's session (same peer, ports and key). */
bool health_same_identity(const struct hotline_health *h,
			  const struct hotline_health_cfg *cfg);

/*
 * Stops timers and waits for them and for receivers; may sleep (one RCU
 * grace period). NULL is ignored. No event is sent.
 */
void health_destroy(struct hotline_health *h);
/*
 * health_destroy() in two halves, for tearing down many sessions at once
 * (a namespace going away, rmmod): retire each (unlinks it, never sleeps),
 * then reap the batch, which waits for one grace period for all of them
 * instead of one each and then frees them. Same locking as health_destroy().
 */
void health_retire(struct hotline_health *h, struct list_head *batch);
void health_reap(struct list_head *batch);

/* Adds HOTLINE_A_CHANNEL_HEALTH_STATUS; RCU read side is enough. */
int health_fill_status(struct sk_buff *skb, const struct hotline_health *h);
/* The same nest as attribute @type (a path's HOTLINE_A_PATH_STATUS). */
int health_fill_status_as(struct sk_buff *skb, const struct hotline_health *h,
			  int type);
/* Room health_fill_status() needs at most. */
size_t health_status_size(void);
/* Current state, for HOTLINE_A_CHANNEL_OLD_STATE and the guard's auto mode. */
u8 health_state(const struct hotline_health *h);
/* CLOCK_MONOTONIC ns of the last change of state; any context. */
u64 health_since_mono(const struct hotline_health *h);
/*
 * Makes a prepared, not yet started session the one of path @name in
 * @ps: its changes of state go to paths_session_changed() instead of
 * straight out as events. @name is copied.
 */
void health_set_path(struct hotline_health *h, struct hotline_pathset *ps,
		     const char *name);
/* The path's name, "" for a channel's own session. */
const char *health_path_name(const struct hotline_health *h);

/* Everything HOTLINE_A_CHANNEL_HEALTH_STATUS carries, taken consistently. */
struct hotline_health_status {
	u8 state;			/* enum hotline_health_state */
	u8 diag;			/* enum hotline_health_diag */
	u64 since_ns;			/* CLOCK_REALTIME of the last change */
	u32 flaps;
	u64 probes_sent, probes_recv, lost, duplicates, reordered, late;
	u64 auth_failures, malformed, reflected, reflect_limited;
	u64 rtt_last, rtt_min, rtt_max, rtt_mean, rtt_p50, rtt_p90, rtt_p99;
	u64 jitter;			/* ns */
	u32 loss_ppm;
	u32 window;			/* resolved probes behind loss_ppm */
	u64 silence_ns;			/* no valid reply for that long at the last down */
};

/* Snapshot of the session's metrics; any context, never sleeps. */
void health_get_status(const struct hotline_health *h,
		       struct hotline_health_status *st);

#endif /* _HOTLINE_HEALTH_H */
