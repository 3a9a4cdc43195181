/* SPDX-License-Identifier: GPL-2.0 */
/* The generic netlink family "hotline" (see netlink.c and the UAPI header). */
#ifndef _HOTLINE_NETLINK_H
#define _HOTLINE_NETLINK_H

#include <linux/types.h>

struct genl_info;
struct net;
struct nlattr;
struct nla_policy;
struct netlink_ext_ack;
struct sk_buff;
struct hotline_channel;
struct hotline_net;
struct list_head;
struct hotline_channel_cfg;
struct hotline_health_marking;
struct hotline_health;

/* An attribute's allowed values (integers) or payload lengths (binary). */
struct hotline_attr_limit {
	u16 type;
	u8 width;		/* 1, 2 or 4: integer of that size; 0: binary */
	u32 min, max;
	const char *msg;	/* a literal: extack keeps the pointer */
};

/* Refuses the first attribute of @tb outside its limit, naming it. */
int hotline_check_limits(struct nlattr **tb, const struct hotline_attr_limit *lim,
			 size_t n, struct netlink_ext_ack *extack);
int hotline_nl_init(void);
void hotline_nl_exit(void);

/*
 * HOTLINE_CMD_HEALTH_EVENT on the "health" group: the channel's id, name
 * and peer and @old_state, with the status of @h (a path's session; NULL:
 * the channel's own) and the path's name. Any context (allocates with GFP_ATOMIC); @ch
 * must stay valid for the duration of the call.
 */
void hotline_nl_notify_health(struct net *net, struct hotline_channel *ch,
			      struct hotline_health *h, u8 old_state);
/*
 * The same event for a switch of the channel's active path from @from to
 * @to ("" for none) for @reason, with @h's status (may be NULL). Any
 * context; RCU read side held.
 */
void hotline_nl_notify_switch(struct net *net, struct hotline_channel *ch,
			      const char *from, const char *to, u8 reason,
			      struct hotline_health *h);

/*
 * For HOTLINE_CMD_APPLY (apply.c), which parses each step's channel as the
 * single-channel commands parse their request. @a is a parsed attribute
 * table of hotline_channel_policy; errors go to @extack and name the
 * attribute.
 */
extern const struct nla_policy hotline_channel_policy[];
/*
 * Sets the extack to @msg (a literal: the extack keeps the pointer) about
 * @attr (NULL: the request as a whole); returns -EINVAL.
 */
int hotline_reject(struct netlink_ext_ack *extack, const struct nlattr *attr,
		   const char *msg);
int hotline_parse_name(struct nlattr **a, struct netlink_ext_ack *extack, char *name);
/* Applies @a to @cfg: defaults for NEW (@create), a copy of the current one for SET. */
int hotline_parse_cfg(struct nlattr **a, struct netlink_ext_ack *extack,
		      struct hotline_channel_cfg *cfg, bool create);
void hotline_health_marking(const struct hotline_channel_cfg *cfg,
			    struct hotline_health_marking *m);
/*
 * A config event (@cmd: CHANNEL_NEW, _SET, _DEL) for @ch as @cfg has it,
 * built while the channel is in the table; NULL when nobody listens or
 * memory is short. _send() takes it, NULL included.
 */
struct sk_buff *hotline_config_event(struct net *net, const struct hotline_channel *ch,
				     const struct hotline_channel_cfg *cfg, u8 cmd);
void hotline_config_event_send(struct net *net, struct sk_buff *skb);
/* Both at once, for a channel that stays in the table. */
void hotline_config_notify(struct net *net, const struct hotline_channel *ch,
			   const struct hotline_channel_cfg *cfg, u8 cmd);
/*
 * CHANNEL_DEL of @ch, config event included; its health session is
 * stopped first (one grace period). Table mutex held.
 */
void hotline_channel_remove(struct net *net, struct hotline_net *hn,
			    struct hotline_channel *ch);
int hotline_nl_apply(struct sk_buff *skb, struct genl_info *info);

#endif /* _HOTLINE_NETLINK_H */
