/* SPDX-License-Identifier: GPL-2.0 */
/* The generic netlink family "hotline" (see netlink.c and the UAPI header). */
#ifndef _HOTLINE_NETLINK_H
#define _HOTLINE_NETLINK_H

#include <linux/types.h>

struct net;
struct hotline_channel;

int hotline_nl_init(void);
void hotline_nl_exit(void);

/*
 * HOTLINE_CMD_HEALTH_EVENT on the "health" group: the channel's id, name
 * and peer and @old_state. Any context (allocates with GFP_ATOMIC); @ch
 * must stay valid for the duration of the call.
 */
void hotline_nl_notify_health(struct net *net, struct hotline_channel *ch, u8 old_state);

#endif /* _HOTLINE_NETLINK_H */
