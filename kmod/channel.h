/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The channel table of one network namespace.
 *
 * A channel is split in two so that CHANNEL_SET can replace its settings
 * atomically while everything that identifies it stays put:
 *
 *   struct hotline_channel      id, name, counters, health session; lives
 *                               from CHANNEL_NEW to CHANNEL_DEL
 *   struct hotline_channel_cfg  what it matches and how it marks; never
 *                               changed once published, CHANNEL_SET swaps
 *                               in a new one under the table mutex
 *
 * Locking: every change holds hotline_net.lock (a mutex). The packet path
 * and netlink readers use RCU only; channels, configurations and peer
 * groups are freed after a grace period.
 */
#ifndef _HOTLINE_CHANNEL_H
#define _HOTLINE_CHANNEL_H

#include <linux/bitmap.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <linux/xarray.h>
#include <net/netns/generic.h>
#include <linux/hotline.h>
#include "health.h"
#include "path.h"

struct net;
struct netlink_ext_ack;
struct hotline_peer_group;

#define HOTLINE_NAME_SIZE	(HOTLINE_NAME_MAX + 1)

/* An address prefix; IPv4 lives in addr.s6_addr32[0], the rest is zero. */
struct hotline_prefix {
	struct in6_addr addr;
	u8 family;			/* AF_INET, AF_INET6; 0: none */
	u8 len;
};

struct hotline_channel_cfg {
	struct hotline_channel *ch;	/* the channel this configures */
	struct hotline_peer_group *group;
	struct list_head group_node;	/* in group->members, ascending id */
	struct hotline_prefix peer;
	struct hotline_prefix local;	/* family 0: any local address */
	u8 proto;			/* HOTLINE_PROTO_* */
	u8 ipproto;			/* IPPROTO_* it stands for; 0: any */
	u16 port_min;			/* host order; 0: any port */
	u16 port_max;
	u8 dscp;
	u32 priority;
	u32 mark;
	u32 mark_mask;
	bool has_health;
	struct hotline_health_cfg health;
	u8 n_paths;
	bool nonrevertive;
	u32 failback_ms;
	/* HOTLINE_PATHS_MAX slots, n_paths used, in the order given; path.c */
	struct hotline_path_cfg *paths;
	struct rcu_head rcu;
};

struct hotline_pcpu_stats {
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	struct u64_stats_sync syncp;
};

struct hotline_stats {
	u64 rx_packets;
	u64 rx_bytes;
	u64 tx_packets;
	u64 tx_bytes;
};

struct hotline_channel {
	u32 id;
	char name[HOTLINE_NAME_SIZE];	/* zero-padded: the name hash key */
	struct rhash_head name_node;
	struct hotline_channel_cfg __rcu *cfg;
	struct hotline_pcpu_stats __percpu *stats;
	/*
	 * The running session or NULL. Written under hotline_net.lock with
	 * WRITE_ONCE(); readers (GET, dumps, health events) use READ_ONCE()
	 * under RCU: health_destroy() waits for a grace period after it is
	 * cleared, so a session seen here stays valid until rcu_read_unlock().
	 */
	struct hotline_health *health;
	/*
	 * With paths: their sessions and the active one, instead of a
	 * session of its own. Set under hotline_net.lock (WRITE_ONCE), kept
	 * until the channel is freed, so an RCU reader may use it.
	 */
	struct hotline_pathset *paths;
	/*
	 * False from channel_prepare() to channel_publish(): in the name
	 * table already, but lookups pass it over, so a batch that is
	 * abandoned was never seen.
	 */
	bool live;
	struct rcu_head rcu;
};

/*
 * Which peer prefix lengths have at least one channel, per family. Bit
 * (maxlen - len) stands for length len, so walking the set bits upwards
 * visits the lengths longest first.
 */
struct hotline_lengths {
	DECLARE_BITMAP(present, 129);
	u32 groups[129];		/* peer groups per length; writers only */
};

struct hotline_sub16;

struct hotline_net {
	struct mutex lock;		/* serialises every change */
	struct xarray channels;		/* id -> channel, for dumps in id order */
	struct rhashtable names;	/* name -> channel */
	struct rhashtable groups;	/* (family, len, peer) -> peer group */
	struct hotline_lengths v4;
	struct hotline_lengths v6;
	/*
	 * IPv4 lengths 17 to 32 once more, per /16 of the address space:
	 * which of them have a group inside each /16, so that a lookup
	 * probes only those (and the lengths up to 16, from v4). NULL while
	 * there is no such group (128 KB when there is). v4_sub_counts
	 * holds the groups per length of each /16 in use; writers only.
	 */
	struct hotline_sub16 __rcu *v4_sub;
	struct xarray v4_sub_counts;
	u32 next_id;			/* monotonic; ids are never reused */
	u32 genid;			/* changes with every change, for dumps */
	bool hooked;			/* netfilter hooks in place: classify.c */
};

/* What the packet path knows about a packet, oriented towards the peer. */
struct hotline_flow {
	const struct in6_addr *remote;	/* IPv4 in s6_addr32[0] */
	const struct in6_addr *local;
	u8 family;
	u8 ipproto;			/* 255 when no header could be found */
	bool has_port;			/* false for non-first fragments */
	u16 port;			/* the remote side's port, host order */
};

extern unsigned int hotline_net_id;

/* Inline: every hook asks, once a packet. */
static inline struct hotline_net *hotline_pernet(const struct net *net)
{
	return net_generic(net, hotline_net_id);
}

int channel_net_init(struct hotline_net *hn);
void channel_net_exit(struct hotline_net *hn);

/*
 * Configurations: allocated with defaults, owned by the caller until given
 * to channel_create()/channel_update_commit().
 */
struct hotline_channel_cfg *channel_cfg_new(void);
struct hotline_channel_cfg *channel_cfg_dup(const struct hotline_channel_cfg *cfg);
void channel_cfg_free(struct hotline_channel_cfg *cfg);
bool hotline_prefix_contains(const struct hotline_prefix *p,
			     const struct in6_addr *addr);

/*
 * Writers: hn->lock held. On error nothing changed and @cfg is still the
 * caller's; on success the table owns it.
 */
struct hotline_channel *channel_find(struct hotline_net *hn, const char *name);
struct hotline_channel *channel_create(struct hotline_net *hn, const char *name,
				       struct hotline_channel_cfg *cfg,
				       struct netlink_ext_ack *extack);
/*
 * channel_create() in two halves, for a batch that must happen whole or
 * not at all (HOTLINE_CMD_APPLY). prepare makes every allocation the
 * channel needs (itself, its counters, the id slot @id, its name entry,
 * its peer group) and nothing a lookup, dump or packet finds; then either
 * publish, which cannot fail and must go in ascending @id order, or
 * unprepare, which gives @cfg back. @id is hn->next_id for the first
 * channel of a batch, one more for each after it.
 */
struct hotline_channel *channel_prepare(struct hotline_net *hn, const char *name,
					struct hotline_channel_cfg *cfg, u32 id,
					struct netlink_ext_ack *extack);
void channel_publish(struct hotline_net *hn, struct hotline_channel *ch);
void channel_unprepare(struct hotline_net *hn, struct hotline_channel *ch);
/*
 * A new configuration for @ch in two steps, so that a caller can put a
 * step of its own that may fail between them: prepare makes the one
 * allocation (a new peer group) and changes nothing a lookup returns;
 * then either commit, which cannot fail and gives @cfg to the table, or
 * abort, which gives it back.
 */
int channel_update_prepare(struct hotline_net *hn, struct hotline_channel *ch,
			   struct hotline_channel_cfg *cfg,
			   struct netlink_ext_ack *extack);
void channel_update_commit(struct hotline_net *hn, struct hotline_channel *ch,
			   struct hotline_channel_cfg *cfg);
void channel_update_abort(struct hotline_net *hn, struct hotline_channel *ch,
			  struct hotline_channel_cfg *cfg);
void channel_delete(struct hotline_net *hn, struct hotline_channel *ch);
struct hotline_channel_cfg *channel_cfg_locked(struct hotline_net *hn,
					       struct hotline_channel *ch);

/* Readers: under rcu_read_lock(). @name is zero-padded to HOTLINE_NAME_SIZE. */
struct hotline_channel *channel_find_rcu(struct hotline_net *hn, const char *name);
const struct hotline_channel_cfg *channel_lookup(struct hotline_net *hn,
						 const struct hotline_flow *flow);
void channel_read_stats(const struct hotline_channel *ch, struct hotline_stats *st);

static inline void channel_count(struct hotline_channel *ch, bool tx,
				 unsigned int packets, unsigned int bytes)
{
	struct hotline_pcpu_stats *s;
	unsigned long flags;

	/* Egress hooks run in process context too, so pin the CPU. */
	s = get_cpu_ptr(ch->stats);
	flags = u64_stats_update_begin_irqsave(&s->syncp);
	if (tx) {
		u64_stats_add(&s->tx_packets, packets);
		u64_stats_add(&s->tx_bytes, bytes);
	} else {
		u64_stats_add(&s->rx_packets, packets);
		u64_stats_add(&s->rx_bytes, bytes);
	}
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(ch->stats);
}

#endif /* _HOTLINE_CHANNEL_H */
