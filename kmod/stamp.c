// SPDX-License-Identifier: GPL-2.0
/*
 * STAMP transport for the health engine.
 *
 * Every (netns, local port) has one struct stamp_port with up to two
 * kernel UDP sockets (IPv4, and IPv6 with v6only so both can bind the same
 * port). The sockets are UDP tunnel sockets: encap_rcv hands each datagram
 * to us in softirq right after the UDP checksum check, so reflection and
 * reply processing never wait for a process to be scheduled.
 *
 * Transmission builds the skb itself and sends it with
 * udp_tunnel_xmit_skb()/udp_tunnel6_xmit_skb(), the path the kernel's
 * tunnels use from softirq; that lets the probe carry the channel's DSCP,
 * skb->priority and fwmark (also used for the route lookup) per packet,
 * which a shared socket's options could not.
 */
#define pr_fmt(fmt) "hotline: " fmt

#include <linux/module.h>
#include <linux/skbuff.h>
#include <linux/timekeeping.h>
#include <linux/udp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/version.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/sock.h>
#include <crypto/hash.h>
#include <crypto/sha2.h>

#include "debugfs.h"
#include "health.h"
#include "stamp.h"

struct stamp_net {
	struct mutex lock;		/* ports and their session lists */
	struct list_head ports;
};

static unsigned int stamp_net_id __read_mostly;

static struct stamp_net *stamp_net(struct net *net)
{
	return net_generic(net, stamp_net_id);
}

void stamp_lock(struct net *net)
{
	mutex_lock(&stamp_net(net)->lock);
}

void stamp_unlock(struct net *net)
{
	mutex_unlock(&stamp_net(net)->lock);
}

static bool stamp_tstamp_is_real(const struct sk_buff *skb)
{
	/* newer kernels name the clock in tstamp_type, older ones had one bit */
#ifdef SKB_TSTAMP_TYPE_MASK
	return skb->tstamp_type == SKB_CLOCK_REALTIME;
#else
	return !skb->mono_delivery_time;
#endif
}

static void stamp_rx_time(const struct sk_buff *skb, struct stamp_rx *rx)
{
	u64 real = ktime_get_real_ns();
	/*
	 * The clocks' offset, read under the timekeeper's own sequence
	 * lock: two reads of the clocks, one after the other, can be
	 * milliseconds apart when the CPU is taken between them (a vCPU
	 * whose host thread is preempted, waiting on an emulated clock
	 * device), and that gap went into the converted instant: an RTT of
	 * 77.35 ms over netem's 80.
	 */
	u64 offs = ktime_to_ns(ktime_mono_to_real(0));
	u64 ts = ktime_to_ns(skb->tstamp);

	/*
	 * A driver or the stack may have stamped the packet on arrival, well
	 * before this softirq ran: use that instant on both clocks.
	 */
	if (ts && stamp_tstamp_is_real(skb) && ts <= real && ts >= offs)
		rx->rx_real_ns = ts;
	else
		rx->rx_real_ns = real;
	rx->rx_mono_ns = rx->rx_real_ns - offs;
}

static int stamp_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct stamp_port *sp = rcu_dereference_sk_user_data(sk);
	u8 pkt[STAMP_AUTH_LEN];
	struct stamp_rx rx = {};
	unsigned int len;

	stamp_rx_time(skb, &rx);
	if (!sp || skb->len < sizeof(struct udphdr))
		goto drop;
	len = min_t(unsigned int, skb->len - sizeof(struct udphdr), sizeof(pkt));
	if (skb_copy_bits(skb, sizeof(struct udphdr), pkt, len))
		goto drop;

	rx.sport = udp_hdr(skb)->source;
	if (sk->sk_family == AF_INET) {
		rx.family = AF_INET;
		rx.saddr.v4 = ip_hdr(skb)->saddr;
		rx.daddr.v4 = ip_hdr(skb)->daddr;
		rx.ttl = ip_hdr(skb)->ttl;
	} else {
		rx.family = AF_INET6;
		rx.saddr.v6 = ipv6_hdr(skb)->saddr;
		rx.daddr.v6 = ipv6_hdr(skb)->daddr;
		rx.ttl = ipv6_hdr(skb)->hop_limit;
	}
	health_rx(sp, &rx, pkt, len);
drop:
	consume_skb(skb);
	return 0;
}

/*
 * ICMP errors for our probes: the quoted packet starts at skb->data (IP
 * header) in both kernels; only the callback's signature differs.
 */
static void stamp_icmp(struct sock *sk, struct sk_buff *skb, __be16 port)
{
	struct stamp_port *sp = rcu_dereference_sk_user_data(sk);
	union stamp_addr daddr = {};
	u8 family;

	if (!sp)
		return;
	if (sk->sk_family == AF_INET) {
		if (!pskb_may_pull(skb, sizeof(struct iphdr)))
			return;
		family = AF_INET;
		daddr.v4 = ((struct iphdr *)skb->data)->daddr;
	} else {
		if (!pskb_may_pull(skb, sizeof(struct ipv6hdr)))
			return;
		family = AF_INET6;
		daddr.v6 = ((struct ipv6hdr *)skb->data)->daddr;
	}
	health_icmp(sp, family, &daddr, port);
}

/*
 * 6.2 changed the callback's arguments and nothing but the version tells
 * which one the kernel calls.
 */
#if KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE
static void stamp_encap_err_rcv(struct sock *sk, struct sk_buff *skb, int err,
				__be16 port, u32 info, u8 *payload)
{
	stamp_icmp(sk, skb, port);
}
#else
static void stamp_encap_err_rcv(struct sock *sk, struct sk_buff *skb,
				unsigned int udp_offset)
{
	struct udphdr *uh;

	if (!pskb_may_pull(skb, udp_offset + sizeof(*uh)))
		return;
	uh = (struct udphdr *)(skb->data + udp_offset);
	stamp_icmp(sk, skb, uh->dest);
}
#endif

static int stamp_sock_open(struct stamp_port *sp, u8 family,
			   struct socket **sockp)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data = sp,
		.encap_type = 1,
		.encap_rcv = stamp_encap_rcv,
		.encap_err_rcv = stamp_encap_err_rcv,
	};
	struct udp_port_cfg ucfg = {
		.family = family,
		.local_udp_port = htons(sp->port),
		.use_udp_checksums = true,
		.ipv6_v6only = true,
	};
	struct socket *sock;
	int err;

	err = udp_sock_create(sp->net, &ucfg, &sock);
	if (err)
		return err;
	hotline_obj_get(HOTLINE_OBJ_STAMP_SOCKET);
	setup_udp_tunnel_sock(sp->net, sock, &tcfg);
	*sockp = sock;
	return 0;
}

static void stamp_port_free(struct stamp_port *sp)
{
	kfree(sp);
	hotline_obj_put(HOTLINE_OBJ_STAMP_PORT);
}

static void stamp_port_free_rcu(struct rcu_head *rcu)
{
	stamp_port_free(container_of(rcu, struct stamp_port, rcu));
	hotline_obj_put(HOTLINE_OBJ_RCU_PENDING);
}

struct stamp_port *stamp_port_get(struct net *net, u16 port, u8 family,
				  int *err)
{
	struct stamp_net *sn = stamp_net(net);
	struct stamp_port *sp;
	struct socket **sockp;
	bool fresh = false;

	lockdep_assert_held(&sn->lock);
	list_for_each_entry(sp, &sn->ports, node)
		if (sp->port == port)
			goto found;
	sp = kzalloc(sizeof(*sp), GFP_KERNEL);
	if (!sp) {
		*err = -ENOMEM;
		return NULL;
	}
	hotline_obj_get(HOTLINE_OBJ_STAMP_PORT);
	sp->net = net;
	sp->port = port;
	INIT_LIST_HEAD(&sp->sessions);
	fresh = true;
found:
	sockp = family == AF_INET ? &sp->sock4 : &sp->sock6;
	if (!*sockp) {
		*err = stamp_sock_open(sp, family, sockp);
		if (*err) {
			if (fresh)
				stamp_port_free(sp);
			return NULL;
		}
	}
	if (fresh)
		list_add(&sp->node, &sn->ports);
	sp->users++;
	return sp;
}

void stamp_port_retire(struct stamp_port *sp, struct list_head *dead)
{
	lockdep_assert_held(&stamp_net(sp->net)->lock);
	if (--sp->users)
		return;
	WARN_ON_ONCE(!list_empty(&sp->sessions));
	list_move(&sp->node, dead);
	/* receivers still running hold RCU; new ones find no port */
	if (sp->sock4)
		rcu_assign_sk_user_data(sp->sock4->sk, NULL);
	if (sp->sock6)
		rcu_assign_sk_user_data(sp->sock6->sk, NULL);
}

static void stamp_sock_close(struct socket *sock)
{
	if (!sock)
		return;
	kernel_sock_shutdown(sock, SHUT_RDWR);
	sock_release(sock);
	hotline_obj_put(HOTLINE_OBJ_STAMP_SOCKET);
}

/*
 * udp_tunnel_sock_release() waits for a grace period per socket; a netns
 * with thousands of ports going away would wait thousands of times. Here
 * the sockets were unhooked by stamp_port_retire(), so one grace period
 * covers them all.
 */
void stamp_ports_release(struct list_head *dead)
{
	struct stamp_port *sp, *tmp;

	if (list_empty(dead))
		return;
	synchronize_rcu();
	list_for_each_entry_safe(sp, tmp, dead, node) {
		list_del(&sp->node);
		stamp_sock_close(sp->sock4);
		stamp_sock_close(sp->sock6);
		hotline_call_rcu(&sp->rcu, stamp_port_free_rcu);
	}
}

void stamp_port_put(struct stamp_port *sp)
{
	LIST_HEAD(dead);

	stamp_port_retire(sp, &dead);
	stamp_ports_release(&dead);
}

static void stamp_mark_skb(struct sk_buff *skb,
			   const struct hotline_health_marking *m)
{
	skb->priority = m->priority;
	if (m->mark)
		skb->mark = (skb->mark & ~m->mark_mask) | (m->mark & m->mark_mask);
}

static int stamp_xmit4(struct stamp_port *sp, struct sk_buff *skb, __be32 src,
		       __be32 dst, __be16 dport, u8 tos)
{
	struct sock *sk = sp->sock4->sk;
	struct flowi4 fl4 = {
		.saddr = src,
		.daddr = dst,
		.flowi4_tos = RT_TOS(tos),
		.flowi4_mark = skb->mark,
		.flowi4_proto = IPPROTO_UDP,
		.fl4_sport = htons(sp->port),
		.fl4_dport = dport,
	};
	struct rtable *rt;

	rt = ip_route_output_key(sp->net, &fl4);
	if (IS_ERR(rt)) {
		kfree_skb(skb);
		return PTR_ERR(rt);
	}
	udp_tunnel_xmit_skb(rt, sk, skb, fl4.saddr, fl4.daddr, tos, STAMP_TTL,
			    0, htons(sp->port), dport, false, false);
	return 0;
}

static int stamp_xmit6(struct stamp_port *sp, struct sk_buff *skb,
		       const struct in6_addr *src, const struct in6_addr *dst,
		       __be16 dport, u8 tclass)
{
#if IS_ENABLED(CONFIG_IPV6)
	struct sock *sk = sp->sock6->sk;
	struct flowi6 fl6 = {
		.saddr = *src,
		.daddr = *dst,
		.flowi6_mark = skb->mark,
		.flowi6_proto = IPPROTO_UDP,
		.fl6_sport = htons(sp->port),
		.fl6_dport = dport,
	};
	struct dst_entry *dst_e;

	dst_e = ipv6_stub->ipv6_dst_lookup_flow(sp->net, sk, &fl6, NULL);
	if (IS_ERR(dst_e)) {
		kfree_skb(skb);
		return PTR_ERR(dst_e);
	}
	udp_tunnel6_xmit_skb(dst_e, sk, skb, dst_e->dev, &fl6.saddr, &fl6.daddr,
			     tclass, STAMP_TTL, 0, htons(sp->port), dport,
			     false);
	return 0;
#else
	kfree_skb(skb);
	return -EAFNOSUPPORT;
#endif
}

int stamp_xmit(struct stamp_port *sp, u8 family, const union stamp_addr *src,
	       const union stamp_addr *dst, __be16 dport, const u8 *payload,
	       unsigned int len, const struct hotline_health_marking *marking)
{
	static const union stamp_addr any;
	unsigned int headroom = LL_MAX_HEADER + sizeof(struct ipv6hdr) +
				sizeof(struct udphdr);
	/* DSCP in the upper six bits; ECN stays 0 (not ECN-capable) */
	u8 tos = marking->dscp << 2;
	struct sk_buff *skb;

	if ((family == AF_INET && !sp->sock4) ||
	    (family == AF_INET6 && !sp->sock6))
		return -EAFNOSUPPORT;
	skb = alloc_skb(headroom + len, GFP_ATOMIC);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, headroom);
	skb_put_data(skb, payload, len);
	stamp_mark_skb(skb, marking);
	if (!src)
		src = &any;
	if (family == AF_INET)
		return stamp_xmit4(sp, skb, src->v4, dst->v4, dport, tos);
	return stamp_xmit6(sp, skb, &src->v6, &dst->v6, dport, tos);
}

bool stamp_sock_is_ours(const struct sock *sk)
{
	/* a raw socket may say IPPROTO_UDP too: only a UDP one has encap_rcv */
	return sk && sk_fullsock(sk) && sk->sk_type == SOCK_DGRAM &&
	       sk->sk_protocol == IPPROTO_UDP &&
	       READ_ONCE(udp_sk(sk)->encap_rcv) == stamp_encap_rcv;
}

int stamp_hmac(struct crypto_shash *tfm, const u8 *pkt, u8 mac[STAMP_HMAC_LEN])
{
	SHASH_DESC_ON_STACK(desc, tfm);
	u8 full[SHA256_DIGEST_SIZE];
	int err;

	desc->tfm = tfm;
	err = crypto_shash_digest(desc, pkt, STAMP_HMAC_OFF, full);
	shash_desc_zero(desc);
	memcpy(mac, full, STAMP_HMAC_LEN);
	memzero_explicit(full, sizeof(full));
	return err;
}

static int __net_init stamp_net_init(struct net *net)
{
	struct stamp_net *sn = stamp_net(net);

	mutex_init(&sn->lock);
	INIT_LIST_HEAD(&sn->ports);
	return 0;
}

static void __net_exit stamp_net_exit(struct net *net)
{
	/*
	 * Channels, and with them every session and socket, are gone by
	 * now: the module core's pernet exit runs before this one because
	 * health_init() registers first.
	 */
	WARN_ON_ONCE(!list_empty(&stamp_net(net)->ports));
}

static struct pernet_operations stamp_net_ops = {
	.init = stamp_net_init,
	.exit = stamp_net_exit,
	.id = &stamp_net_id,
	.size = sizeof(struct stamp_net),
};

int stamp_init(void)
{
	return register_pernet_subsys(&stamp_net_ops);
}

void stamp_exit(void)
{
	unregister_pernet_subsys(&stamp_net_ops);
	/* port frees queued with call_rcu() must run before the module text goes */
	rcu_barrier();
}
