/* SPDX-License-Identifier: GPL-2.0 */
/*
 * STAMP transport: per-netns, per-port kernel UDP sockets shared by the
 * Session-Sender and the Session-Reflector of every session on that port,
 * packet transmission with the channel's marking, and the HMAC.
 */
#ifndef _HOTLINE_KMOD_STAMP_H
#define _HOTLINE_KMOD_STAMP_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/in6.h>
#include <hotline/stamp.h>

struct net;
struct sock;
struct socket;
struct crypto_shash;
struct hotline_health_marking;

union stamp_addr {
	__be32 v4;
	struct in6_addr v6;
};

/* One local UDP port in one netns, with a socket per address family. */
struct stamp_port {
	struct list_head node;		/* in the netns' port list */
	struct net *net;
	u16 port;			/* host order */
	unsigned int users;		/* sessions; under the netns mutex */
	struct socket *sock4;
	struct socket *sock6;
	struct list_head sessions;	/* struct hotline_health, RCU */
	struct rcu_head rcu;
};

/* What the receive path learnt about a packet besides its payload. */
struct stamp_rx {
	u8 family;
	union stamp_addr saddr;
	union stamp_addr daddr;		/* ours, the one the peer probed */
	__be16 sport;
	u8 ttl;				/* TTL or hop limit as received */
	u64 rx_real_ns;			/* CLOCK_REALTIME, as early as we know */
	u64 rx_mono_ns;			/* the same instant, CLOCK_MONOTONIC */
};

int stamp_init(void);
void stamp_exit(void);

/*
 * Takes a reference on the port's socket for @family, creating it (and the
 * port) when needed. Serialised by stamp_lock()/stamp_unlock().
 */
struct stamp_port *stamp_port_get(struct net *net, u16 port, u8 family,
				  int *err);
/* Drops a reference; the last one closes the port's sockets. */
void stamp_port_put(struct stamp_port *sp);
/*
 * stamp_port_put() in two halves, for many ports at once: retire drops
 * the reference and, on the last, unhooks the port and moves it to @dead
 * (under stamp_lock(), never sleeps); release then closes every port on
 * @dead after a single grace period. Until then the port numbers stay
 * bound, so callers hold whatever keeps new sessions out (the config
 * mutex) across both.
 */
void stamp_port_retire(struct stamp_port *sp, struct list_head *dead);
void stamp_ports_release(struct list_head *dead);
void stamp_lock(struct net *net);
void stamp_unlock(struct net *net);

/*
 * Sends @len bytes of STAMP payload from @src (NULL: the route's choice);
 * callable from softirq.
 */
int stamp_xmit(struct stamp_port *sp, u8 family, const union stamp_addr *src,
	       const union stamp_addr *dst, __be16 dport, const u8 *payload,
	       unsigned int len, const struct hotline_health_marking *marking);
/* Whether @sk is one of the STAMP sockets: its packets are routed already. */
bool stamp_sock_is_ours(const struct sock *sk);

/* HMAC-SHA-256 over the first STAMP_HMAC_OFF bytes, truncated. */
int stamp_hmac(struct crypto_shash *tfm, const u8 *pkt,
	       u8 mac[STAMP_HMAC_LEN]);

/* Provided by health.c: a STAMP packet (either kind) arrived on @sp. */
void health_rx(struct stamp_port *sp, const struct stamp_rx *rx,
	       const u8 *pkt, unsigned int len);
/* Provided by health.c: an ICMP error came back for a packet to @daddr. */
void health_icmp(struct stamp_port *sp, u8 family,
		 const union stamp_addr *daddr, __be16 dport);

#endif /* _HOTLINE_KMOD_STAMP_H */
