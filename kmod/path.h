/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Paths: the ways one channel can reach its peer gateway, each judged by
 * its own STAMP session, and the one the channel's traffic takes.
 *
 * Configuration (struct hotline_path_cfg) lives in the channel's
 * configuration and is replaced with it. What runs (struct
 * hotline_pathset) lives with the channel: the sessions, the active path,
 * the fail-back timer and the mark the packet path writes.
 */
#ifndef _HOTLINE_PATH_H
#define _HOTLINE_PATH_H

#include <linux/hrtimer.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/hotline.h>
#include "health.h"

struct net;
struct nlattr;
struct netlink_ext_ack;
struct hotline_channel;
struct hotline_channel_cfg;

#define HOTLINE_PATH_NAME_SIZE	(HOTLINE_PATH_NAME_MAX + 1)

struct hotline_path_cfg {
	char name[HOTLINE_PATH_NAME_SIZE];
	u8 pref;
	u8 family;			/* of local and probe */
	u32 mark;
	u32 mark_mask;
	struct in6_addr local;		/* IPv4 in s6_addr32[0] */
	struct in6_addr probe;
	/* the channel's health values unless set here */
	u16 probe_port;			/* 0: the channel's */
	u32 interval_ms;		/* 0: the channel's */
	u8 detect_mult;			/* 0: the channel's */
	bool has_max_loss;
	bool has_max_rtt;
	u32 max_loss_pct;
	u32 max_rtt_ms;
};

/* One running path, in preference order in the set. */
struct hotline_path_run {
	char name[HOTLINE_PATH_NAME_SIZE];
	u8 pref;
	u32 mark;			/* already under its mask */
	u32 mark_mask;
	struct hotline_health *h;
};

struct hotline_pathset {
	struct hotline_channel *ch;
	struct net *net;
	struct hrtimer failback;
	/*
	 * What the packet path writes: the mask of every path's bits in the
	 * upper half, the active path's mark in the lower. Zero value: no
	 * path active, the path bits cleared.
	 */
	u64 steer;
	spinlock_t lock;		/* everything below; taken in softirq */
	bool dead;			/* being freed: arm no timer */
	u8 n;
	s8 active;			/* index in run[]; -1: none */
	bool nonrevertive;
	u32 failback_ms;
	u64 switches;
	u64 active_since_ns;		/* CLOCK_REALTIME */
	struct hotline_path_run run[HOTLINE_PATHS_MAX];
};

/* A change of paths for CHANNEL_SET/NEW, made in prepare/commit halves. */
struct paths_change {
	struct hotline_pathset *ps;	/* the set, new when fresh is true */
	bool fresh;
	u8 n;
	u8 order[HOTLINE_PATHS_MAX];	/* run[k] is cfg->paths[order[k]] */
	struct hotline_path_run run[HOTLINE_PATHS_MAX];
	bool started[HOTLINE_PATHS_MAX];	/* run[i].h prepared here */
	struct health_change chg[HOTLINE_PATHS_MAX];	/* kept sessions' */
	struct hotline_health *gone[HOTLINE_PATHS_MAX];	/* leaving sessions */
	u8 n_gone;
};

/* Netlink: parse HOTLINE_A_CHANNEL_PATHS into @cfg (replacing its paths). */
int paths_parse(const struct nlattr *nest, struct hotline_channel_cfg *cfg,
		struct netlink_ext_ack *extack);
/* Rules across the channel's attributes, checked on the result. */
int paths_check(struct nlattr **a, const struct hotline_channel_cfg *cfg,
		struct netlink_ext_ack *extack);
int paths_cfg_dup(struct hotline_channel_cfg *dst,
		  const struct hotline_channel_cfg *src);
void paths_cfg_free(struct hotline_channel_cfg *cfg);

/*
 * The sessions @cfg asks for, against what @ps (NULL: none yet) runs.
 * hn->lock held; may sleep. prepare makes every allocation and changes
 * nothing a packet or reader sees; commit cannot fail; abort gives back
 * what prepare took.
 */
int paths_prepare(struct net *net, struct hotline_channel *ch,
		  struct hotline_pathset *ps, const struct hotline_channel_cfg *cfg,
		  struct paths_change *pc, struct netlink_ext_ack *extack);
void paths_commit(struct hotline_channel *ch, const struct hotline_channel_cfg *cfg,
		  struct paths_change *pc, struct list_head *retired);
void paths_abort(struct paths_change *pc);

/* Marks @ps's sessions as ending in a batch being prepared (apply.c). */
void paths_set_leaving(struct hotline_pathset *ps, bool leaving);
/* Every session of @ps onto @retired (health_retire()); hn->lock held. */
void paths_retire(struct hotline_pathset *ps, struct list_head *retired);
/* After health_reap() of those: the set is freed with the channel. */
void paths_shutdown(struct hotline_pathset *ps);
void paths_free(struct hotline_pathset *ps);

/* From health.c, any context: a path's session changed state. */
void paths_session_changed(struct hotline_pathset *ps, struct hotline_health *h,
			   u8 old_state);

/* Replies: the paths with their status, and the active one. RCU or hn->lock. */
int paths_fill(struct sk_buff *skb, const struct hotline_pathset *ps,
	       const struct hotline_channel_cfg *cfg);
size_t paths_msg_size(void);
/*
 * The session whose status stands for the channel: the active path's, or
 * the most preferred path's when none is active. RCU or hn->lock.
 */
struct hotline_health *paths_status_session(const struct hotline_pathset *ps);

/*
 * The packet path: the active path's mark as (mask << 32 | mark), mask 0
 * when no path is up. One load, so mask and mark are of one switch.
 */
static inline u64 paths_steer(const struct hotline_pathset *ps)
{
	return READ_ONCE(ps->steer);
}

#endif /* _HOTLINE_PATH_H */
