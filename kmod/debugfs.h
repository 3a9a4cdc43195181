/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live object accounting and the debugfs directory (see debugfs.c).
 *
 * Every long-lived object the module allocates is counted from allocation
 * to free, so the test suite can prove that tearing down channels and
 * namespaces gives everything back. Only the control path and teardown
 * count; the packet path allocates nothing long-lived and never touches
 * these counters.
 */
#ifndef _HOTLINE_DEBUGFS_H
#define _HOTLINE_DEBUGFS_H

#include <linux/atomic.h>
#include <linux/rcupdate.h>

enum hotline_obj {
	HOTLINE_OBJ_CHANNEL,		/* struct hotline_channel */
	HOTLINE_OBJ_CHANNEL_STATS,	/* its per-CPU counters */
	HOTLINE_OBJ_CHANNEL_CFG,	/* struct hotline_channel_cfg */
	HOTLINE_OBJ_PEER_GROUP,		/* struct hotline_peer_group */
	HOTLINE_OBJ_SUB16_MAP,		/* a namespace's IPv4 lengths per /16 */
	HOTLINE_OBJ_SUB16_COUNTS,	/* groups per length of one /16 */
	HOTLINE_OBJ_HEALTH_SESSION,	/* struct hotline_health */
	HOTLINE_OBJ_SESSION_TIMER,	/* its hrtimers, init to final cancel */
	HOTLINE_OBJ_HMAC_TFM,		/* keyed sessions' crypto_shash */
	HOTLINE_OBJ_STAMP_PORT,		/* struct stamp_port */
	HOTLINE_OBJ_STAMP_SOCKET,	/* its kernel UDP sockets */
	HOTLINE_OBJ_PATHSET,		/* struct hotline_pathset */
	HOTLINE_OBJ_NF_HOOKS,		/* namespaces' sets of netfilter hooks */
	HOTLINE_OBJ_RCU_PENDING,	/* call_rcu() queued, callback not run */
	HOTLINE_OBJ_MAX,
};

extern atomic_long_t hotline_objects[HOTLINE_OBJ_MAX];

static inline void hotline_obj_add(enum hotline_obj type, long n)
{
	atomic_long_add(n, &hotline_objects[type]);
}

static inline void hotline_obj_get(enum hotline_obj type)
{
	hotline_obj_add(type, 1);
}

static inline void hotline_obj_put(enum hotline_obj type)
{
	hotline_obj_add(type, -1);
}

/*
 * call_rcu() that counts the callback as pending until it has run; the
 * callback ends with hotline_obj_put(HOTLINE_OBJ_RCU_PENDING). Used
 * instead of kfree_rcu() so that frees still waiting for a grace period
 * are visible too.
 */
static inline void hotline_call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	hotline_obj_get(HOTLINE_OBJ_RCU_PENDING);
	call_rcu(head, func);
}

void hotline_debugfs_init(void);
void hotline_debugfs_exit(void);
/* At unload, once every RCU callback has run: complain about leftovers. */
void hotline_objects_check(void);

#endif /* _HOTLINE_DEBUGFS_H */
