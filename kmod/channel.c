// SPDX-License-Identifier: GPL-2.0
/*
 * The channel table: where a packet finds its channel.
 *
 * Channels are grouped by peer prefix. A peer group is keyed by (family,
 * prefix length, prefix) and lists its channels in ascending id order. To
 * classify a packet we walk the prefix lengths that have at least one
 * group, longest first (a bitmap per family), mask the remote address to
 * that length and look the group up in one hash table; within the group
 * the first channel whose local/proto/port refinements fit wins, and when
 * none fits we go on to the next shorter length. So:
 *
 *   host channels (/32, /128)   one hash lookup, whatever their number
 *   prefix channels             one hash lookup per distinct length present
 *   same peer prefix            channels sharing it are tried in id order
 *
 * The hash tables are rhashtables: they grow and shrink by themselves in
 * the background (100,000 channels are just a bigger table), lookups are
 * lock-free under RCU and never allocate, and inserts stay cheap because
 * resizing is deferred to a worker. A fixed-size hash would need sizing
 * for the worst case up front; a tree or LPM trie would cost
 * O(log n)/O(address bits) per packet where the hash costs O(1).
 *
 * Channels are also kept in an xarray by id, which gives dumps their id
 * order and an O(1) place to resume, and in an rhashtable by name for
 * netlink.
 */
#include <linux/err.h>
#include <linux/in.h>
#include <linux/lockdep.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include "channel.h"
#include "debugfs.h"

struct hotline_peer_key {
	struct in6_addr addr;		/* masked to len */
	u8 family;
	u8 len;
	u16 zero;			/* hashed too, so always zero */
};

struct hotline_peer_group {
	struct rhash_head node;
	struct hotline_peer_key key;
	struct list_head members;	/* hotline_channel_cfg, ascending id */
	/*
	 * Configurations that group_reserve() gave this group and that are
	 * not members yet (a batch being prepared): the group must outlive
	 * them even while it has no members. Writers only.
	 */
	unsigned int reserved;
	struct rcu_head rcu;
};

static const struct rhashtable_params name_params = {
	.key_len = HOTLINE_NAME_SIZE,
	.key_offset = offsetof(struct hotline_channel, name),
	.head_offset = offsetof(struct hotline_channel, name_node),
	.automatic_shrinking = true,
};

/*
 * The peer table's hash and compare run for every lookup of every packet,
 * so they are ours and inline instead of jhash2 and memcmp over the key
 * (a third of the lookup's instructions). The keys are prefixes an admin
 * configured, not chosen by whoever sends the packets, so a cheap mixing
 * hash, seeded by the table, spreads them well enough: a packet's address
 * only picks the bucket it walks.
 */
static u32 peer_hash(const void *data, u32 len, u32 seed)
{
	const struct hotline_peer_key *k = data;
	/* the bytes as they are: byte order does not matter to a hash */
	const u32 *w = (__force const u32 *)k->addr.s6_addr32;
	u64 a = (u64)w[0] << 32 | w[1];
	u64 b = (u64)w[2] << 32 | w[3];

	a ^= rol64(b, 29) ^ ((u64)seed << 32 | (u32)k->family << 8 | k->len);
	/*
	 * The table takes the hash's low bits, and a product's low bits see
	 * only its factor's low bits: fold the high half down on both sides
	 * of the multiply (MurmurHash3's finaliser, one round), or the
	 * leading octets of an IPv4 address, constant across a site's
	 * peers, would pick the bucket.
	 */
	a ^= a >> 33;
	a *= 0xff51afd7ed558ccdULL;
	a ^= a >> 33;
	return (u32)a;
}

static int peer_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct hotline_peer_key *k = arg->key;
	const struct hotline_peer_group *g = obj;

	return !(ipv6_addr_equal(&k->addr, &g->key.addr) &&
		 k->family == g->key.family && k->len == g->key.len);
}

static const struct rhashtable_params group_params = {
	.key_len = sizeof(struct hotline_peer_key),
	.key_offset = offsetof(struct hotline_peer_group, key),
	.head_offset = offsetof(struct hotline_peer_group, node),
	.automatic_shrinking = true,
	.hashfn = peer_hash,
	.obj_cmpfn = peer_cmp,
};

static inline __be32 mask4(unsigned int len)
{
	return len ? htonl(~0U << (32 - len)) : 0;
}

bool hotline_prefix_contains(const struct hotline_prefix *p,
			     const struct in6_addr *addr)
{
	if (p->family == AF_INET)
		return !((addr->s6_addr32[0] ^ p->addr.s6_addr32[0]) & mask4(p->len));
	return ipv6_prefix_equal(&p->addr, addr, p->len);
}

static bool prefix_equal(const struct hotline_prefix *a,
			 const struct hotline_prefix *b)
{
	return a->family == b->family && a->len == b->len &&
	       ipv6_addr_equal(&a->addr, &b->addr);
}

/*
 * Bit (32 - len) of v4.present, as there, for the lengths 17..32: the low
 * 16 bits of the word. The lengths up to 16 cover many /16s each and stay
 * in v4.present only.
 */
#define SUB16_LEN_MIN	17
#define SUB16_BITS	GENMASK(32 - SUB16_LEN_MIN, 0)

struct hotline_sub16 {
	struct rcu_head rcu;
	u16 lens[1 << 16];
};

struct hotline_sub16_counts {
	u32 groups[32 - SUB16_LEN_MIN + 1];
};

static bool in_sub16(const struct hotline_peer_key *key)
{
	return key->family == AF_INET && key->len >= SUB16_LEN_MIN;
}

static unsigned int sub16_index(__be32 addr)
{
	return ntohl(addr) >> 16;
}

static void sub16_free_rcu(struct rcu_head *rcu)
{
	kvfree(container_of(rcu, struct hotline_sub16, rcu));
	hotline_obj_put(HOTLINE_OBJ_SUB16_MAP);
	hotline_obj_put(HOTLINE_OBJ_RCU_PENDING);
}

/*
 * The map goes with the last /16 in use: a namespace whose channels are
 * all gone holds nothing. A lookup that still has it reads it until the
 * grace period ends, as it would any other state of the table.
 */
static void sub16_retire_if_unused(struct hotline_net *hn)
{
	struct hotline_sub16 *sub = rcu_dereference_protected(hn->v4_sub, true);

	if (!sub || !xa_empty(&hn->v4_sub_counts))
		return;
	RCU_INIT_POINTER(hn->v4_sub, NULL);
	hotline_call_rcu(&sub->rcu, sub16_free_rcu);
}

/*
 * Group creation's allocations for the per-/16 lengths, before the group
 * exists: the map on the namespace's first such group, the counts on its
 * /16's first; sub16_unreserve() frees them if the group then fails.
 */
static int sub16_reserve(struct hotline_net *hn, const struct hotline_peer_key *key)
{
	struct hotline_sub16_counts *counts;
	struct hotline_sub16 *sub;
	unsigned long idx;
	int err;

	if (!in_sub16(key))
		return 0;
	if (!rcu_access_pointer(hn->v4_sub)) {
		sub = kvzalloc(sizeof(*sub), GFP_KERNEL_ACCOUNT);
		if (!sub)
			return -ENOMEM;
		hotline_obj_get(HOTLINE_OBJ_SUB16_MAP);
		rcu_assign_pointer(hn->v4_sub, sub);
	}
	idx = sub16_index(key->addr.s6_addr32[0]);
	if (xa_load(&hn->v4_sub_counts, idx))
		return 0;
	counts = kzalloc(sizeof(*counts), GFP_KERNEL_ACCOUNT);
	if (!counts)
		return -ENOMEM;
	err = xa_err(xa_store(&hn->v4_sub_counts, idx, counts, GFP_KERNEL_ACCOUNT));
	if (err) {
		kfree(counts);
		return err;
	}
	hotline_obj_get(HOTLINE_OBJ_SUB16_COUNTS);
	return 0;
}

/* After sub16_reserve() for a group that was not created after all. */
static void sub16_unreserve(struct hotline_net *hn, const struct hotline_peer_key *key)
{
	struct hotline_sub16 *sub = rcu_dereference_protected(hn->v4_sub, true);
	unsigned long idx = sub16_index(key->addr.s6_addr32[0]);
	struct hotline_sub16_counts *counts;

	if (!in_sub16(key) || !sub || sub->lens[idx])
		return;
	counts = xa_erase(&hn->v4_sub_counts, idx);
	if (counts)
		hotline_obj_put(HOTLINE_OBJ_SUB16_COUNTS);
	kfree(counts);
	sub16_retire_if_unused(hn);
}

/* Under hn->lock, with sub16_reserve() done for @key. */
static void sub16_get(struct hotline_net *hn, const struct hotline_peer_key *key)
{
	struct hotline_sub16 *sub = rcu_dereference_protected(hn->v4_sub, true);
	unsigned long idx = sub16_index(key->addr.s6_addr32[0]);
	struct hotline_sub16_counts *counts = xa_load(&hn->v4_sub_counts, idx);
	unsigned int bit = 32 - key->len;

	if (counts->groups[bit]++ == 0)
		WRITE_ONCE(sub->lens[idx], sub->lens[idx] | BIT(bit));
}

static void sub16_put(struct hotline_net *hn, const struct hotline_peer_key *key)
{
	struct hotline_sub16 *sub = rcu_dereference_protected(hn->v4_sub, true);
	unsigned long idx = sub16_index(key->addr.s6_addr32[0]);
	struct hotline_sub16_counts *counts = xa_load(&hn->v4_sub_counts, idx);
	unsigned int bit = 32 - key->len;

	if (--counts->groups[bit])
		return;
	WRITE_ONCE(sub->lens[idx], sub->lens[idx] & ~BIT(bit));
	if (!sub->lens[idx]) {
		xa_erase(&hn->v4_sub_counts, idx);
		kfree(counts);
		hotline_obj_put(HOTLINE_OBJ_SUB16_COUNTS);
		sub16_retire_if_unused(hn);
	}
}

static struct hotline_lengths *lengths_of(struct hotline_net *hn, u8 family,
					  unsigned int *maxlen)
{
	if (family == AF_INET) {
		*maxlen = 32;
		return &hn->v4;
	}
	*maxlen = 128;
	return &hn->v6;
}

static void lengths_get(struct hotline_net *hn, const struct hotline_peer_key *key)
{
	unsigned int maxlen, bit;
	struct hotline_lengths *lens = lengths_of(hn, key->family, &maxlen);

	bit = maxlen - key->len;
	if (lens->groups[bit]++ == 0)
		set_bit(bit, lens->present);
	if (in_sub16(key))
		sub16_get(hn, key);
}

static void lengths_put(struct hotline_net *hn, const struct hotline_peer_key *key)
{
	unsigned int maxlen, bit;
	struct hotline_lengths *lens = lengths_of(hn, key->family, &maxlen);

	bit = maxlen - key->len;
	if (--lens->groups[bit] == 0)
		clear_bit(bit, lens->present);
	if (in_sub16(key))
		sub16_put(hn, key);
}

static void peer_key(struct hotline_peer_key *key, const struct hotline_prefix *p)
{
	memset(key, 0, sizeof(*key));
	key->addr = p->addr;		/* host bits are zero: netlink checked */
	key->family = p->family;
	key->len = p->len;
}

/*
 * Finds or creates the peer group of @cfg's peer: the one allocation a
 * channel's place in the table needs. A new group is in the table but
 * empty, which the packet path passes over like a missing one.
 */
static int group_reserve(struct hotline_net *hn, struct hotline_channel_cfg *cfg)
{
	struct hotline_peer_group *grp;
	struct hotline_peer_key key;
	int err;

	lockdep_assert_held(&hn->lock);

	peer_key(&key, &cfg->peer);
	grp = rhashtable_lookup_fast(&hn->groups, &key, group_params);
	if (!grp) {
		err = sub16_reserve(hn, &key);
		if (err) {
			sub16_unreserve(hn, &key);
			return err;
		}
		grp = kzalloc(sizeof(*grp), GFP_KERNEL_ACCOUNT);
		if (!grp) {
			sub16_unreserve(hn, &key);
			return -ENOMEM;
		}
		grp->key = key;
		INIT_LIST_HEAD(&grp->members);
		err = rhashtable_insert_fast(&hn->groups, &grp->node, group_params);
		if (err) {
			kfree(grp);
			sub16_unreserve(hn, &key);
			return err;
		}
		hotline_obj_get(HOTLINE_OBJ_PEER_GROUP);
		lengths_get(hn, &key);
	}
	grp->reserved++;
	cfg->group = grp;
	return 0;
}

/* Links @cfg into the group group_reserve() gave it; cannot fail. */
static void group_add(struct hotline_channel_cfg *cfg)
{
	struct hotline_peer_group *grp = cfg->group;
	struct hotline_channel_cfg *pos, *last;

	grp->reserved--;
	/*
	 * The packet path stops at the first member that fits, so members
	 * stay in id order. New channels have the highest id and go last in
	 * O(1); only a CHANNEL_SET that moves a channel to another peer
	 * prefix walks the group.
	 */
	last = list_last_entry(&grp->members, struct hotline_channel_cfg, group_node);
	if (list_empty(&grp->members) || last->ch->id < cfg->ch->id) {
		list_add_tail_rcu(&cfg->group_node, &grp->members);
	} else {
		list_for_each_entry(pos, &grp->members, group_node)
			if (pos->ch->id > cfg->ch->id)
				break;
		list_add_tail_rcu(&cfg->group_node, &pos->group_node);
	}
}

static void group_free_rcu(struct rcu_head *rcu)
{
	kfree(container_of(rcu, struct hotline_peer_group, rcu));
	hotline_obj_put(HOTLINE_OBJ_PEER_GROUP);
	hotline_obj_put(HOTLINE_OBJ_RCU_PENDING);
}

static void group_put_if_empty(struct hotline_net *hn, struct hotline_peer_group *grp)
{
	if (!list_empty(&grp->members) || grp->reserved)
		return;
	lengths_put(hn, &grp->key);
	rhashtable_remove_fast(&hn->groups, &grp->node, group_params);
	hotline_call_rcu(&grp->rcu, group_free_rcu);
}

/* Gives back a reservation that never became a membership. */
static void group_unreserve(struct hotline_net *hn, struct hotline_channel_cfg *cfg)
{
	cfg->group->reserved--;
	group_put_if_empty(hn, cfg->group);
	cfg->group = NULL;
}

static void group_unlink(struct hotline_net *hn, struct hotline_channel_cfg *cfg)
{
	lockdep_assert_held(&hn->lock);

	list_del_rcu(&cfg->group_node);
	group_put_if_empty(hn, cfg->group);
}

static void cfg_free_rcu(struct rcu_head *rcu)
{
	channel_cfg_free(container_of(rcu, struct hotline_channel_cfg, rcu));
	hotline_obj_put(HOTLINE_OBJ_RCU_PENDING);
}

/* Not the configuration: channel_create() gives it back on error. */
static void channel_free(struct hotline_channel *ch)
{
	if (ch->stats) {
		free_percpu(ch->stats);
		hotline_obj_put(HOTLINE_OBJ_CHANNEL_STATS);
	}
	/* its sessions are gone and its timer stopped: paths_shutdown() */
	paths_free(ch->paths);
	kfree(ch);
	hotline_obj_put(HOTLINE_OBJ_CHANNEL);
}

static void channel_free_rcu(struct rcu_head *rcu)
{
	struct hotline_channel *ch = container_of(rcu, struct hotline_channel, rcu);

	channel_cfg_free(rcu_dereference_protected(ch->cfg, true));
	channel_free(ch);
	hotline_obj_put(HOTLINE_OBJ_RCU_PENDING);
}

static void bump_genid(struct hotline_net *hn)
{
	u32 id = hn->genid + 1;

	/* 0 means "no generation seen yet" to the netlink dump code. */
	WRITE_ONCE(hn->genid, id ? id : 1);
}

struct hotline_channel_cfg *channel_cfg_new(void)
{
	struct hotline_channel_cfg *cfg;

	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL_ACCOUNT);
	if (!cfg)
		return NULL;
	hotline_obj_get(HOTLINE_OBJ_CHANNEL_CFG);
	INIT_LIST_HEAD(&cfg->group_node);
	cfg->proto = HOTLINE_PROTO_ANY;
	cfg->dscp = HOTLINE_DEFAULT_DSCP;
	cfg->priority = HOTLINE_DEFAULT_PRIORITY;
	cfg->mark_mask = ~0U;
	cfg->failback_ms = HOTLINE_DEFAULT_FAILBACK_MS;
	return cfg;
}

struct hotline_channel_cfg *channel_cfg_dup(const struct hotline_channel_cfg *cfg)
{
	struct hotline_channel_cfg *dup;

	dup = kmemdup(cfg, sizeof(*cfg), GFP_KERNEL_ACCOUNT);
	if (!dup)
		return NULL;
	hotline_obj_get(HOTLINE_OBJ_CHANNEL_CFG);
	dup->ch = NULL;
	dup->group = NULL;
	INIT_LIST_HEAD(&dup->group_node);
	if (paths_cfg_dup(dup, cfg)) {
		channel_cfg_free(dup);
		return NULL;
	}
	return dup;
}

void channel_cfg_free(struct hotline_channel_cfg *cfg)
{
	if (!cfg)
		return;
	paths_cfg_free(cfg);
	/* kfree_sensitive: the configuration may hold the health key. */
	kfree_sensitive(cfg);
	hotline_obj_put(HOTLINE_OBJ_CHANNEL_CFG);
}

static void cfg_finish(struct hotline_channel_cfg *cfg, struct hotline_channel *ch)
{
	static const u8 ipproto[] = {
		[HOTLINE_PROTO_ANY] = 0,
		[HOTLINE_PROTO_TCP] = IPPROTO_TCP,
		[HOTLINE_PROTO_UDP] = IPPROTO_UDP,
		[HOTLINE_PROTO_ICMP] = IPPROTO_ICMP,
		[HOTLINE_PROTO_SCTP] = IPPROTO_SCTP,
	};

	cfg->ch = ch;
	cfg->ipproto = ipproto[cfg->proto];
	if (cfg->proto == HOTLINE_PROTO_ICMP && cfg->peer.family == AF_INET6)
		cfg->ipproto = IPPROTO_ICMPV6;
}

struct hotline_channel_cfg *channel_cfg_locked(struct hotline_net *hn,
					       struct hotline_channel *ch)
{
	return rcu_dereference_protected(ch->cfg, lockdep_is_held(&hn->lock));
}

struct hotline_channel *channel_find(struct hotline_net *hn, const char *name)
{
	struct hotline_channel *ch;

	lockdep_assert_held(&hn->lock);
	ch = rhashtable_lookup_fast(&hn->names, name, name_params);
	return ch && ch->live ? ch : NULL;
}

struct hotline_channel *channel_find_rcu(struct hotline_net *hn, const char *name)
{
	struct hotline_channel *ch = rhashtable_lookup(&hn->names, name, name_params);

	return ch && READ_ONCE(ch->live) ? ch : NULL;
}

struct hotline_channel *channel_prepare(struct hotline_net *hn, const char *name,
					struct hotline_channel_cfg *cfg, u32 id,
					struct netlink_ext_ack *extack)
{
	struct hotline_channel *ch;
	int cpu, err;

	lockdep_assert_held(&hn->lock);

	if (!id) {
		NL_SET_ERR_MSG(extack, "channel ids exhausted: reload the module");
		return ERR_PTR(-ENOSPC);
	}

	ch = kzalloc(sizeof(*ch), GFP_KERNEL_ACCOUNT);
	if (!ch)
		goto err_nomem;
	hotline_obj_get(HOTLINE_OBJ_CHANNEL);
	ch->stats = alloc_percpu_gfp(struct hotline_pcpu_stats, GFP_KERNEL_ACCOUNT);
	if (!ch->stats)
		goto err_free;
	hotline_obj_get(HOTLINE_OBJ_CHANNEL_STATS);
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(ch->stats, cpu)->syncp);
	strscpy(ch->name, name, sizeof(ch->name));	/* rest stays zero */
	ch->id = id;
	cfg_finish(cfg, ch);
	RCU_INIT_POINTER(ch->cfg, cfg);

	/* a reserved slot reads as empty, and storing into it cannot fail */
	if (xa_reserve(&hn->channels, id, GFP_KERNEL_ACCOUNT))
		goto err_free;
	err = rhashtable_insert_fast(&hn->names, &ch->name_node, name_params);
	if (err)
		goto err_release;
	if (group_reserve(hn, cfg))
		goto err_unname;
	return ch;

err_unname:
	rhashtable_remove_fast(&hn->names, &ch->name_node, name_params);
	xa_release(&hn->channels, id);
	/* lookups skip it (not live) but may be looking at it */
	RCU_INIT_POINTER(ch->cfg, NULL);
	cfg->ch = NULL;
	hotline_call_rcu(&ch->rcu, channel_free_rcu);
	goto err_nomem;
err_release:
	xa_release(&hn->channels, id);
err_free:
	channel_free(ch);
	cfg->ch = NULL;
err_nomem:
	NL_SET_ERR_MSG(extack, "out of memory for the channel table");
	return ERR_PTR(-ENOMEM);
}

void channel_publish(struct hotline_net *hn, struct hotline_channel *ch)
{
	void *old;

	lockdep_assert_held(&hn->lock);

	old = xa_store(&hn->channels, ch->id, ch, GFP_KERNEL_ACCOUNT);
	WARN_ON_ONCE(xa_is_err(old));
	group_add(channel_cfg_locked(hn, ch));
	WRITE_ONCE(ch->live, true);
	hn->next_id = ch->id + 1;
	bump_genid(hn);
}

void channel_unprepare(struct hotline_net *hn, struct hotline_channel *ch)
{
	struct hotline_channel_cfg *cfg = channel_cfg_locked(hn, ch);

	group_unreserve(hn, cfg);
	cfg->ch = NULL;
	rhashtable_remove_fast(&hn->names, &ch->name_node, name_params);
	xa_release(&hn->channels, ch->id);
	RCU_INIT_POINTER(ch->cfg, NULL);
	hotline_call_rcu(&ch->rcu, channel_free_rcu);
}

struct hotline_channel *channel_create(struct hotline_net *hn, const char *name,
				       struct hotline_channel_cfg *cfg,
				       struct netlink_ext_ack *extack)
{
	struct hotline_channel *ch = channel_prepare(hn, name, cfg, hn->next_id, extack);

	if (!IS_ERR(ch))
		channel_publish(hn, ch);
	return ch;
}

int channel_update_prepare(struct hotline_net *hn, struct hotline_channel *ch,
			   struct hotline_channel_cfg *cfg,
			   struct netlink_ext_ack *extack)
{
	struct hotline_channel_cfg *old = channel_cfg_locked(hn, ch);
	int err;

	cfg_finish(cfg, ch);
	if (prefix_equal(&old->peer, &cfg->peer)) {
		cfg->group = old->group;
		return 0;
	}
	err = group_reserve(hn, cfg);
	if (err) {
		cfg->ch = NULL;
		NL_SET_ERR_MSG(extack, "out of memory for the channel table");
	}
	return err;
}

void channel_update_commit(struct hotline_net *hn, struct hotline_channel *ch,
			   struct hotline_channel_cfg *cfg)
{
	struct hotline_channel_cfg *old = channel_cfg_locked(hn, ch);

	if (cfg->group == old->group) {
		list_replace_rcu(&old->group_node, &cfg->group_node);
	} else {
		/* both for a moment: a reader finds the channel either way */
		group_add(cfg);
		group_unlink(hn, old);
	}
	rcu_assign_pointer(ch->cfg, cfg);
	hotline_call_rcu(&old->rcu, cfg_free_rcu);
	bump_genid(hn);
}

void channel_update_abort(struct hotline_net *hn, struct hotline_channel *ch,
			  struct hotline_channel_cfg *cfg)
{
	if (cfg->group && cfg->group != channel_cfg_locked(hn, ch)->group)
		group_unreserve(hn, cfg);
	cfg->group = NULL;
	cfg->ch = NULL;
}

void channel_delete(struct hotline_net *hn, struct hotline_channel *ch)
{
	group_unlink(hn, channel_cfg_locked(hn, ch));
	rhashtable_remove_fast(&hn->names, &ch->name_node, name_params);
	xa_erase(&hn->channels, ch->id);
	bump_genid(hn);
	hotline_call_rcu(&ch->rcu, channel_free_rcu);
}

static bool cfg_fits(const struct hotline_channel_cfg *cfg,
		     const struct hotline_flow *flow)
{
	if (cfg->local.family && !hotline_prefix_contains(&cfg->local, flow->local))
		return false;
	if (cfg->ipproto && cfg->ipproto != flow->ipproto)
		return false;
	if (cfg->port_min &&
	    (!flow->has_port || flow->port < cfg->port_min || flow->port > cfg->port_max))
		return false;
	return true;
}

const struct hotline_channel_cfg *channel_lookup(struct hotline_net *hn,
						 const struct hotline_flow *flow)
{
	const struct hotline_channel_cfg *cfg;
	const struct hotline_peer_group *grp;
	const struct hotline_lengths *lens;
	const struct hotline_sub16 *sub;
	struct hotline_peer_key key;
	unsigned int maxlen, w;

	lens = lengths_of(hn, flow->family, &maxlen);
	memset(&key, 0, sizeof(key));
	key.family = flow->family;
	sub = flow->family == AF_INET ? rcu_dereference(hn->v4_sub) : NULL;

	/*
	 * The set bits, longest length first, a word at a time: IPv4's 33
	 * bits are one word, and the scan stays in line (for_each_set_bit
	 * calls out for every bit). A word read while a writer changes it
	 * is a lookup racing the change, as with any other reader.
	 */
	for (w = 0; w < BITS_TO_LONGS(maxlen + 1); w++) {
		unsigned long bits = READ_ONCE(lens->present[w]);

		/* IPv4 is one word; its long lengths, this /16's only */
		if (sub)
			bits = (bits & ~SUB16_BITS) |
			       READ_ONCE(sub->lens[sub16_index(flow->remote->s6_addr32[0])]);
		while (bits) {
			key.len = maxlen - (w * BITS_PER_LONG + __ffs(bits));
			bits &= bits - 1;
			if (flow->family == AF_INET)
				key.addr.s6_addr32[0] = flow->remote->s6_addr32[0] &
							mask4(key.len);
			else
				ipv6_addr_prefix(&key.addr, flow->remote, key.len);

			grp = rhashtable_lookup(&hn->groups, &key, group_params);
			if (!grp)
				continue;
			list_for_each_entry_rcu(cfg, &grp->members, group_node)
				if (cfg_fits(cfg, flow))
					return cfg;
		}
	}
	return NULL;
}

void channel_read_stats(const struct hotline_channel *ch, struct hotline_stats *st)
{
	int cpu;

	memset(st, 0, sizeof(*st));
	for_each_possible_cpu(cpu) {
		const struct hotline_pcpu_stats *s = per_cpu_ptr(ch->stats, cpu);
		u64 rxp, rxb, txp, txb;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			rxp = u64_stats_read(&s->rx_packets);
			rxb = u64_stats_read(&s->rx_bytes);
			txp = u64_stats_read(&s->tx_packets);
			txb = u64_stats_read(&s->tx_bytes);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		st->rx_packets += rxp;
		st->rx_bytes += rxb;
		st->tx_packets += txp;
		st->tx_bytes += txb;
	}
}

int channel_net_init(struct hotline_net *hn)
{
	int err;

	mutex_init(&hn->lock);
	xa_init(&hn->channels);
	xa_init(&hn->v4_sub_counts);
	hn->next_id = 1;
	hn->genid = 1;
	err = rhashtable_init(&hn->names, &name_params);
	if (err)
		return err;
	err = rhashtable_init(&hn->groups, &group_params);
	if (err)
		rhashtable_destroy(&hn->names);
	return err;
}

void channel_net_exit(struct hotline_net *hn)
{
	struct hotline_sub16_counts *counts;
	struct hotline_channel *ch;
	LIST_HEAD(retired);
	unsigned long id;

	mutex_lock(&hn->lock);
	xa_for_each(&hn->channels, id, ch) {
		struct hotline_health *h = ch->health;

		WRITE_ONCE(ch->health, NULL);
		health_retire(h, &retired);
		paths_retire(ch->paths, &retired);
	}
	/* thousands of sessions: one grace period, not one each */
	health_reap(&retired);
	xa_for_each(&hn->channels, id, ch)
		paths_shutdown(ch->paths);
	xa_for_each(&hn->channels, id, ch)
		channel_delete(hn, ch);
	mutex_unlock(&hn->lock);

	rhashtable_destroy(&hn->groups);
	rhashtable_destroy(&hn->names);
	xa_destroy(&hn->channels);
	/* every group is gone, and with the last of a /16 its counts and map */
	WARN_ON_ONCE(!xa_empty(&hn->v4_sub_counts));
	xa_for_each(&hn->v4_sub_counts, id, counts) {
		kfree(counts);
		hotline_obj_put(HOTLINE_OBJ_SUB16_COUNTS);
	}
	xa_destroy(&hn->v4_sub_counts);
	if (rcu_access_pointer(hn->v4_sub))
		hotline_call_rcu(&rcu_dereference_protected(hn->v4_sub, true)->rcu,
				 sub16_free_rcu);
	mutex_destroy(&hn->lock);
}
