/* SPDX-License-Identifier: GPL-2.0 */
/* The netfilter hooks of one network namespace (see classify.c). */
#ifndef _HOTLINE_CLASSIFY_H
#define _HOTLINE_CLASSIFY_H

struct net;

int classify_net_init(struct net *net);
void classify_net_exit(struct net *net);

#endif /* _HOTLINE_CLASSIFY_H */
