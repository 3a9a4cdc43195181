/* SPDX-License-Identifier: GPL-2.0 */
/* The netfilter hooks of one network namespace (see classify.c). */
#ifndef _HOTLINE_CLASSIFY_H
#define _HOTLINE_CLASSIFY_H

struct net;
struct hotline_net;
struct netlink_ext_ack;

int classify_hooks_need(struct net *net, struct hotline_net *hn,
			struct netlink_ext_ack *extack);
void classify_hooks_idle(struct net *net, struct hotline_net *hn);
void classify_net_exit(struct net *net);

#endif /* _HOTLINE_CLASSIFY_H */
