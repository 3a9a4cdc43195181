// SPDX-License-Identifier: GPL-2.0
/*
 * The datapath: netfilter hooks that find a packet's channel and mark it.
 *
 * Where, for IPv4 and IPv6 alike (priority NF_IP_PRI_MANGLE + 1, i.e. just
 * after conntrack, defragmentation and the mangle table, so a hotline
 * setting wins over a mangle rule, and before NAT, so channels are written
 * in the addresses the hosts themselves use):
 *
 *   PRE_ROUTING   packets from a peer (remote = source): fwmark, rx
 *                 counters. Packets we forward towards a peer (remote =
 *                 destination) get the fwmark here too, so that policy
 *                 routing (`ip rule fwmark`) sees it: routing happens
 *                 right after this hook.
 *   LOCAL_OUT     our own packets towards a peer: fwmark before the
 *                 routing decision is final; when it changes we reroute
 *                 like the mangle table does.
 *   POST_ROUTING  every packet towards a peer, forwarded or local: DSCP
 *                 (ECN kept), skb->priority, fwmark, tx counters. It has
 *                 to be this late because ip_forward() overwrites
 *                 skb->priority from the TOS.
 *
 * Fragments: the first IPv4/IPv6 fragment carries the transport header
 * and is classified with its ports; later fragments have no ports, so
 * they match only channels without a port range (proto still counts).
 * With conntrack loaded, packets arrive here already reassembled.
 *
 * Nothing here sleeps, takes a lock or allocates, except that rewriting
 * the DSCP of a cloned packet must unshare its header first.
 */
#include <linux/icmpv6.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <net/dsfield.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>
#include "channel.h"
#include "classify.h"
#include "debugfs.h"
#include "stamp.h"

/*
 * A packet's addresses and ports as seen on the wire. An IPv4 address
 * fills s6_addr32[0] alone: the lookup reads no more of it, so the rest
 * is left unwritten.
 */
struct hotline_pkt {
	struct in6_addr saddr;
	struct in6_addr daddr;
	u8 family;
	u8 ipproto;
	bool has_ports;
	u16 sport;
	u16 dport;
};

static bool has_ports(u8 ipproto)
{
	return ipproto == IPPROTO_TCP || ipproto == IPPROTO_UDP ||
	       ipproto == IPPROTO_SCTP;
}

static void pkt_ports(const struct sk_buff *skb, int thoff, struct hotline_pkt *p)
{
	__be16 buf[2];
	const __be16 *ports;

	if (!has_ports(p->ipproto))
		return;
	/* Source and destination port open all three headers alike. */
	ports = skb_header_pointer(skb, thoff, sizeof(buf), buf);
	if (!ports)
		return;
	p->sport = ntohs(ports[0]);
	p->dport = ntohs(ports[1]);
	p->has_ports = true;
}

static void pkt_ipv4(const struct sk_buff *skb, struct hotline_pkt *p)
{
	const struct iphdr *iph = ip_hdr(skb);

	p->has_ports = false;
	p->sport = 0;
	p->dport = 0;
	p->family = AF_INET;
	p->saddr.s6_addr32[0] = iph->saddr;
	p->daddr.s6_addr32[0] = iph->daddr;
	p->ipproto = iph->protocol;
	if (iph->frag_off & htons(IP_OFFSET))
		return;		/* a later fragment: no transport header */
	pkt_ports(skb, skb_network_offset(skb) + iph->ihl * 4, p);
}

static void pkt_ipv6(const struct sk_buff *skb, struct hotline_pkt *p)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	u8 nexthdr = ip6h->nexthdr;
	__be16 frag_off;
	int thoff;

	p->has_ports = false;
	p->sport = 0;
	p->dport = 0;
	p->family = AF_INET6;
	p->saddr = ip6h->saddr;
	p->daddr = ip6h->daddr;

	thoff = ipv6_skip_exthdr(skb, skb_network_offset(skb) + sizeof(*ip6h),
				 &nexthdr, &frag_off);
	if (thoff < 0) {
		p->ipproto = IPPROTO_RAW;	/* unknown: only proto-any fits */
		return;
	}
	if (nexthdr == NEXTHDR_FRAGMENT && (ntohs(frag_off) & ~0x7)) {
		/* A later fragment; the skip stopped at its fragment header. */
		struct frag_hdr buf;
		const struct frag_hdr *fh;

		fh = skb_header_pointer(skb, thoff, sizeof(buf), &buf);
		p->ipproto = fh ? fh->nexthdr : IPPROTO_RAW;
		return;
	}
	p->ipproto = nexthdr;
	pkt_ports(skb, thoff, p);
}

static const struct hotline_channel_cfg *
pkt_lookup(struct hotline_net *hn, const struct hotline_pkt *p, bool remote_is_src)
{
	struct hotline_flow flow = {
		.family = p->family,
		.ipproto = p->ipproto,
		.has_port = p->has_ports,
	};

	if (remote_is_src) {
		flow.remote = &p->saddr;
		flow.local = &p->daddr;
		flow.port = p->sport;
	} else {
		flow.remote = &p->daddr;
		flow.local = &p->saddr;
		flow.port = p->dport;
	}
	return channel_lookup(hn, &flow);
}

/* What every hook does first: parse the packet, find its channel. */
static const struct hotline_channel_cfg *
hook_lookup(const struct sk_buff *skb, const struct nf_hook_state *state,
	    struct hotline_pkt *p, bool remote_is_src)
{
	if (state->pf == NFPROTO_IPV4)
		pkt_ipv4(skb, p);
	else
		pkt_ipv6(skb, p);
	return pkt_lookup(hotline_pernet(state->net), p, remote_is_src);
}

static void set_mark(struct sk_buff *skb, const struct hotline_channel_cfg *cfg)
{
	if (cfg->mark)
		skb->mark = (skb->mark & ~cfg->mark_mask) | (cfg->mark & cfg->mark_mask);
}

/*
 * Towards the peer: the channel's mark, then the active path's, which
 * routing turns into the path (ip rule fwmark -> the path's table). Not
 * on packets from the peer (those go to our side, whatever path they came
 * by) and not on our own probes, which each path routes already.
 */
static void set_mark_out(struct sk_buff *skb, const struct hotline_channel_cfg *cfg)
{
	const struct hotline_pathset *ps = READ_ONCE(cfg->ch->paths);
	u64 steer;
	u32 mask;

	set_mark(skb, cfg);
	if (!ps)
		return;
	steer = paths_steer(ps);
	mask = steer >> 32;
	/* the socket test costs a load or two: only when there is a mark to set */
	if (mask && !stamp_sock_is_ours(skb->sk))
		skb->mark = (skb->mark & ~mask) | (u32)steer;
}

static unsigned int gso_packets(const struct sk_buff *skb)
{
	return skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
}

static void set_dscp(struct sk_buff *skb, u8 pf, u8 dscp)
{
	bool v4 = pf == NFPROTO_IPV4;
	u8 ds = dscp << 2;
	u8 old;

	old = v4 ? ipv4_get_dsfield(ip_hdr(skb)) : ipv6_get_dsfield(ipv6_hdr(skb));
	if ((old & ~INET_ECN_MASK) == ds)
		return;
	/* a clone shares its header: unshare before writing */
	if (skb_ensure_writable(skb, skb_network_offset(skb) +
				(v4 ? sizeof(struct iphdr) : sizeof(struct ipv6hdr))))
		return;
	if (v4)
		ipv4_change_dsfield(ip_hdr(skb), INET_ECN_MASK, ds);
	else
		ipv6_change_dsfield(ipv6_hdr(skb), INET_ECN_MASK, ds);
}

static unsigned int hotline_ingress(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	const struct hotline_channel_cfg *cfg;
	struct hotline_pkt p;

	cfg = hook_lookup(skb, state, &p, true);
	if (cfg) {
		set_mark(skb, cfg);
		channel_count(cfg->ch, false, gso_packets(skb), skb->len);
		return NF_ACCEPT;
	}
	/* To be forwarded towards a peer: mark before the routing decision. */
	cfg = pkt_lookup(hotline_pernet(state->net), &p, false);
	if (cfg)
		set_mark_out(skb, cfg);
	return NF_ACCEPT;
}

static unsigned int hotline_local_out(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	const struct hotline_channel_cfg *cfg;
	struct hotline_pkt p;
	u32 mark = skb->mark;
	int err;

	cfg = hook_lookup(skb, state, &p, false);
	if (!cfg)
		return NF_ACCEPT;
	set_mark_out(skb, cfg);
	if (skb->mark == mark)
		return NF_ACCEPT;

	/* The route was chosen without the mark: choose again with it. */
	if (state->pf == NFPROTO_IPV4)
		err = ip_route_me_harder(state->net, state->sk, skb, RTN_UNSPEC);
	else
		err = ip6_route_me_harder(state->net, state->sk, skb);
	return err < 0 ? NF_DROP_ERR(err) : NF_ACCEPT;
}

static unsigned int hotline_egress(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	const struct hotline_channel_cfg *cfg;
	struct hotline_pkt p;

	cfg = hook_lookup(skb, state, &p, false);
	if (!cfg)
		return NF_ACCEPT;
	set_dscp(skb, state->pf, cfg->dscp);
	skb->priority = cfg->priority;
	set_mark_out(skb, cfg);
	channel_count(cfg->ch, true, gso_packets(skb), skb->len);
	return NF_ACCEPT;
}

/* Every hook sits right after mangle: the top of this file says why. */
#define HOTLINE_HOOK(fn, family, num, prio) \
	{ .hook = fn, .pf = family, .hooknum = num, .priority = (prio) + 1 }

static const struct nf_hook_ops hotline_nf_ops[] = {
	HOTLINE_HOOK(hotline_ingress, NFPROTO_IPV4, NF_INET_PRE_ROUTING, NF_IP_PRI_MANGLE),
	HOTLINE_HOOK(hotline_local_out, NFPROTO_IPV4, NF_INET_LOCAL_OUT, NF_IP_PRI_MANGLE),
	HOTLINE_HOOK(hotline_egress, NFPROTO_IPV4, NF_INET_POST_ROUTING, NF_IP_PRI_MANGLE),
	HOTLINE_HOOK(hotline_ingress, NFPROTO_IPV6, NF_INET_PRE_ROUTING, NF_IP6_PRI_MANGLE),
	HOTLINE_HOOK(hotline_local_out, NFPROTO_IPV6, NF_INET_LOCAL_OUT, NF_IP6_PRI_MANGLE),
	HOTLINE_HOOK(hotline_egress, NFPROTO_IPV6, NF_INET_POST_ROUTING, NF_IP6_PRI_MANGLE),
};

/*
 * The hooks are in place only while the namespace has a channel, so that
 * a namespace without one (a container's, the far side of a test's veth)
 * pays nothing for the module, not even netfilter's call into a hook that
 * finds an empty table: that was a third of the module's cost per
 * forwarded packet (docs/benchmarks.md, instruction counts).
 *
 * Called under hotline_net.lock before a channel is prepared: a channel
 * is never published without its hooks.
 */
int classify_hooks_need(struct net *net, struct hotline_net *hn,
			struct netlink_ext_ack *extack)
{
	int err;

	if (hn->hooked)
		return 0;
	err = nf_register_net_hooks(net, hotline_nf_ops, ARRAY_SIZE(hotline_nf_ops));
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot register the netfilter hooks");
		return err;
	}
	hn->hooked = true;
	hotline_obj_get(HOTLINE_OBJ_NF_HOOKS);
	return 0;
}

/* Under hotline_net.lock, after a change: no channel left, no hooks. */
void classify_hooks_idle(struct net *net, struct hotline_net *hn)
{
	if (!hn->hooked || !xa_empty(&hn->channels))
		return;
	/* Waits for packets still inside the hooks (synchronize_net). */
	nf_unregister_net_hooks(net, hotline_nf_ops, ARRAY_SIZE(hotline_nf_ops));
	hn->hooked = false;
	hotline_obj_put(HOTLINE_OBJ_NF_HOOKS);
}

/* The namespace is going: nothing else runs in it. */
void classify_net_exit(struct net *net)
{
	struct hotline_net *hn = hotline_pernet(net);

	if (!hn->hooked)
		return;
	nf_unregister_net_hooks(net, hotline_nf_ops, ARRAY_SIZE(hotline_nf_ops));
	hn->hooked = false;
	hotline_obj_put(HOTLINE_OBJ_NF_HOOKS);
}
