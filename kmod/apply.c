// SPDX-License-Identifier: GPL-2.0
/*
 * HOTLINE_CMD_APPLY: many channel changes as one, whole or not at all.
 *
 * hotlinectl apply turns a file into a plan of NEW, SET and DEL steps. Sent
 * as one request each, a plan that fails half way (memory, a port in use)
 * leaves the table half changed, and undoing the steps already made cannot
 * put it back: a deleted channel does not come back with its id, counters
 * and health session. So the plan comes in one request and runs in two
 * phases under the table mutex:
 *
 *   prepare  every step is parsed, checked against the table and the other
 *            steps, and given everything it will need: channel, counters,
 *            id slot, name entry, peer group, health session, HMAC
 *            transform, STAMP port. Nothing a packet, a lookup or a dump
 *            finds changes. Any failure gives it all back, in reverse, and
 *            the request fails with the table as it was.
 *   commit   the steps take effect in order; nothing here can fail.
 *
 * What stays different from one request per step: the steps take effect
 * one after the other (each sends its own config event), not at one
 * instant; a packet is classified by the old or the new configuration of
 * each channel, never by a mix of the two.
 */
#include <linux/err.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include "channel.h"
#include "classify.h"
#include "netlink.h"

struct apply_step {
	struct nlattr *tb[HOTLINE_A_CHANNEL_MAX + 1];
	u8 cmd;
	char name[HOTLINE_NAME_SIZE];
	struct hotline_channel *ch;	/* SET, DEL: found; NEW: prepared */
	struct hotline_channel_cfg *cfg;/* NEW, SET: the new configuration */
	bool cfg_prepared;		/* SET: channel_update_prepare() done */
	struct hotline_health *fresh;	/* a prepared session to start */
	struct health_change chg;	/* SET of a running session */
	bool chg_prepared;
	bool new_identity;		/* will probe an address it does not now */
	struct paths_change pc;		/* NEW, SET: the channel's paths */
	bool pc_prepared;
};

struct apply {
	struct net *net;
	struct hotline_net *hn;
	struct netlink_ext_ack *extack;
	struct apply_step *steps;
	unsigned int n;
	struct apply_step **order;	/* for finding repeats */
};

static const struct nla_policy step_policy[HOTLINE_A_STEP_MAX + 1] = {
	[HOTLINE_A_STEP_CMD] = { .type = NLA_U8 },
	[HOTLINE_A_STEP_CHANNEL] = { .type = NLA_NESTED },
};

static int apply_reject(struct apply *a, const struct nlattr *attr, const char *msg,
			int err)
{
	hotline_reject(a->extack, attr, msg);
	return err;
}

/* One step, before the table is looked at: its command, name and attributes. */
static int step_parse(struct apply *a, struct apply_step *s, const struct nlattr *attr)
{
	struct nlattr *tb[HOTLINE_A_STEP_MAX + 1];
	int err;

	err = nla_parse_nested(tb, HOTLINE_A_STEP_MAX, attr, step_policy, a->extack);
	if (err)
		return err;
	if (!tb[HOTLINE_A_STEP_CMD])
		return apply_reject(a, attr, "step: CMD missing", -EINVAL);
	if (!tb[HOTLINE_A_STEP_CHANNEL])
		return apply_reject(a, attr, "step: CHANNEL missing", -EINVAL);
	s->cmd = nla_get_u8(tb[HOTLINE_A_STEP_CMD]);
	if (s->cmd != HOTLINE_CMD_CHANNEL_NEW && s->cmd != HOTLINE_CMD_CHANNEL_SET &&
	    s->cmd != HOTLINE_CMD_CHANNEL_DEL)
		return apply_reject(a, tb[HOTLINE_A_STEP_CMD],
				    "step: CMD must be CHANNEL_NEW, CHANNEL_SET or CHANNEL_DEL",
				    -EINVAL);
	err = nla_parse_nested(s->tb, HOTLINE_A_CHANNEL_MAX, tb[HOTLINE_A_STEP_CHANNEL],
			       hotline_channel_policy, a->extack);
	if (err)
		return err;
	return hotline_parse_name(s->tb, a->extack, s->name);
}

static int cmp_name(const void *x, const void *y)
{
	const struct apply_step *const *p = x, *const *q = y;

	return memcmp((*p)->name, (*q)->name, HOTLINE_NAME_SIZE);
}

/* Two new sessions to the same address from the same port could not be told apart. */
static int cmp_identity(const void *x, const void *y)
{
	const struct hotline_health_cfg *p = &(*(struct apply_step *const *)x)->cfg->health;
	const struct hotline_health_cfg *q = &(*(struct apply_step *const *)y)->cfg->health;

	if (p->family != q->family)
		return p->family < q->family ? -1 : 1;
	if (p->local_port != q->local_port)
		return p->local_port < q->local_port ? -1 : 1;
	if (p->family == AF_INET)
		return memcmp(&p->probe.v4, &q->probe.v4, sizeof(p->probe.v4));
	return memcmp(&p->probe.v6, &q->probe.v6, sizeof(p->probe.v6));
}

/*
 * Sorts the first @k of a->order by @cmp and refuses the plan when two
 * compare equal, pointing at attribute @type of the later step.
 */
static int find_repeat(struct apply *a, unsigned int k,
		       int (*cmp)(const void *, const void *), int type,
		       const char *msg, int err)
{
	struct apply_step *p, *q;
	unsigned int i;

	sort(a->order, k, sizeof(*a->order), cmp, NULL);
	for (i = 1; i < k; i++) {
		p = a->order[i - 1];
		q = a->order[i];
		if (!cmp(&p, &q))
			return apply_reject(a, (p > q ? p : q)->tb[type], msg, err);
	}
	return 0;
}

/* A channel named by two steps: which one would it end up as? */
static int check_names(struct apply *a)
{
	unsigned int i;

	for (i = 0; i < a->n; i++)
		a->order[i] = &a->steps[i];
	return find_repeat(a, a->n, cmp_name, HOTLINE_A_CHANNEL_NAME,
			   "name: named by an earlier step of this apply too", -EINVAL);
}

/* After step_resolve(): sessions of the plan that would probe one address. */
static int check_identities(struct apply *a)
{
	unsigned int i, k = 0;

	for (i = 0; i < a->n; i++)
		if (a->steps[i].new_identity)
			a->order[k++] = &a->steps[i];
	return find_repeat(a, k, cmp_identity, HOTLINE_A_CHANNEL_HEALTH,
			   "health probe: another step of this apply probes this address from this local port",
			   -EBUSY);
}

/*
 * Finds the channels, reads the new configurations and marks the sessions
 * that end or move, so that every check of the next phase sees the table
 * as the whole plan leaves it.
 */
static int step_resolve(struct apply *a, struct apply_step *s)
{
	struct hotline_health *h;
	bool own;
	int err;

	s->ch = channel_find(a->hn, s->name);
	if (s->cmd == HOTLINE_CMD_CHANNEL_NEW) {
		if (s->ch) {
			s->ch = NULL;
			return apply_reject(a, s->tb[HOTLINE_A_CHANNEL_NAME],
					    "name: a channel with this name exists", -EEXIST);
		}
		s->cfg = channel_cfg_new();
		if (!s->cfg)
			return -ENOMEM;
		err = hotline_parse_cfg(s->tb, a->extack, s->cfg, true);
		s->new_identity = !err && s->cfg->has_health && !s->cfg->n_paths;
		return err;
	}
	if (!s->ch)
		return apply_reject(a, s->tb[HOTLINE_A_CHANNEL_NAME], "name: no such channel",
				    -ENOENT);
	h = s->ch->health;
	if (s->cmd == HOTLINE_CMD_CHANNEL_DEL) {
		if (h)
			health_set_leaving(h, true);
		paths_set_leaving(s->ch->paths, true);
		return 0;
	}
	s->cfg = channel_cfg_dup(channel_cfg_locked(a->hn, s->ch));
	if (!s->cfg)
		return -ENOMEM;
	err = hotline_parse_cfg(s->tb, a->extack, s->cfg, false);
	if (err)
		return err;
	own = s->cfg->has_health && !s->cfg->n_paths;
	if (own)
		s->new_identity = !h || !health_same_identity(h, &s->cfg->health);
	if (h && (!own || s->new_identity))
		health_set_leaving(h, true);
	return 0;
}

/* Everything the step will need; nothing anyone sees. */
static int step_prepare(struct apply *a, struct apply_step *s, u32 *next_id)
{
	struct hotline_health_marking marking;
	int err;

	if (s->cmd == HOTLINE_CMD_CHANNEL_DEL)
		return 0;
	if (s->cmd == HOTLINE_CMD_CHANNEL_NEW) {
		s->ch = channel_prepare(a->hn, s->name, s->cfg, *next_id, a->extack);
		if (IS_ERR(s->ch)) {
			err = PTR_ERR(s->ch);
			s->ch = NULL;
			return err;
		}
		(*next_id)++;
	} else {
		err = channel_update_prepare(a->hn, s->ch, s->cfg, a->extack);
		if (err)
			return err;
		s->cfg_prepared = true;
	}
	err = paths_prepare(a->net, s->ch, s->cmd == HOTLINE_CMD_CHANNEL_SET ?
			    s->ch->paths : NULL, s->cfg, &s->pc, a->extack);
	if (err)
		return err;
	s->pc_prepared = true;
	/* a channel with paths has their sessions instead of its own */
	if (!s->cfg->has_health || s->cfg->n_paths)
		return 0;
	hotline_health_marking(s->cfg, &marking);
	if (s->cmd == HOTLINE_CMD_CHANNEL_SET && s->ch->health) {
		err = health_update_prepare(s->ch->health, &s->cfg->health, &s->chg, a->extack);
		s->chg_prepared = !err;
		return err;
	}
	s->fresh = health_prepare(a->net, s->ch, &s->cfg->health, &marking, a->extack);
	if (IS_ERR(s->fresh)) {
		err = PTR_ERR(s->fresh);
		s->fresh = NULL;
		return err;
	}
	return 0;
}

/* Gives back what step_resolve() and step_prepare() took; in reverse order. */
static void step_undo(struct apply *a, struct apply_step *s)
{
	if (s->pc_prepared)
		paths_abort(&s->pc);
	if (s->fresh)
		health_cancel(s->fresh);
	if (s->chg_prepared)
		health_update_abort(s->ch->health, &s->chg);
	if (s->cfg_prepared)
		channel_update_abort(a->hn, s->ch, s->cfg);
	if (s->cmd == HOTLINE_CMD_CHANNEL_NEW && s->ch)
		channel_unprepare(a->hn, s->ch);
	if (s->cmd != HOTLINE_CMD_CHANNEL_NEW && s->ch && s->ch->health)
		health_set_leaving(s->ch->health, false);
	if (s->cmd == HOTLINE_CMD_CHANNEL_DEL && s->ch)
		paths_set_leaving(s->ch->paths, false);
	channel_cfg_free(s->cfg);
}

static void step_commit(struct apply *a, struct apply_step *s, struct list_head *retired)
{
	struct hotline_health *h = s->ch->health;
	struct hotline_health_marking marking;

	if (h)
		health_set_leaving(h, false);
	switch (s->cmd) {
	case HOTLINE_CMD_CHANNEL_DEL:
		hotline_channel_remove(a->net, a->hn, s->ch);
		return;
	case HOTLINE_CMD_CHANNEL_NEW:
		channel_publish(a->hn, s->ch);
		break;
	default:
		channel_update_commit(a->hn, s->ch, s->cfg);
		if (s->chg_prepared) {
			hotline_health_marking(s->cfg, &marking);
			health_update_commit(h, &s->cfg->health, &marking, &s->chg);
		} else if (h) {
			WRITE_ONCE(s->ch->health, NULL);
			health_retire(h, retired);
		}
		break;
	}
	if (s->fresh) {
		health_start(s->fresh);
		WRITE_ONCE(s->ch->health, s->fresh);
	}
	if (s->pc_prepared)
		paths_commit(s->ch, s->cfg, &s->pc, retired);
	hotline_config_notify(a->net, s->ch, s->cfg, s->cmd);
}

int hotline_nl_apply(struct sk_buff *skb, struct genl_info *info)
{
	struct apply a = {
		.net = genl_info_net(info),
		.extack = info->extack,
	};
	const struct nlattr *attr;
	unsigned int i, done = 0;
	LIST_HEAD(retired);
	u32 next_id;
	int rem, err = 0;

	a.hn = hotline_pernet(a.net);
	for (i = 1; i <= HOTLINE_A_CHANNEL_MAX; i++)
		if (info->attrs[i] && i != HOTLINE_A_CHANNEL_STEP)
			return apply_reject(&a, info->attrs[i],
					    "apply: carries only STEP attributes", -EINVAL);
	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem)
		if (nla_type(attr) == HOTLINE_A_CHANNEL_STEP)
			a.n++;
	if (!a.n)
		return apply_reject(&a, NULL, "apply: no STEP", -EINVAL);
	a.steps = kvcalloc(a.n, sizeof(*a.steps), GFP_KERNEL);
	a.order = kvcalloc(a.n, sizeof(*a.order), GFP_KERNEL);
	if (!a.steps || !a.order) {
		err = -ENOMEM;
		goto out_free;
	}
	i = 0;
	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		err = step_parse(&a, &a.steps[i++], attr);
		if (err)
			goto out_free;
	}
	err = check_names(&a);
	if (err)
		goto out_free;

	mutex_lock(&a.hn->lock);
	for (done = 0; done < a.n; done++) {
		err = step_resolve(&a, &a.steps[done]);
		if (err) {
			done++;		/* it may hold a configuration */
			goto out_undo;
		}
	}
	err = check_identities(&a);
	if (err)
		goto out_undo;
	next_id = a.hn->next_id;
	for (i = 0; i < a.n; i++) {
		if (a.steps[i].cmd != HOTLINE_CMD_CHANNEL_NEW)
			continue;
		err = classify_hooks_need(a.net, a.hn, a.extack);
		if (err)
			goto out_undo;
		break;
	}
	for (i = 0; i < a.n; i++) {
		err = step_prepare(&a, &a.steps[i], &next_id);
		if (err)
			goto out_undo;
	}

	for (i = 0; i < a.n; i++) {
		step_commit(&a, &a.steps[i], &retired);
		a.steps[i].cfg = NULL;	/* the table's now */
	}
	/* one grace period for every session the plan ended */
	health_reap(&retired);
	classify_hooks_idle(a.net, a.hn);
	mutex_unlock(&a.hn->lock);
	goto out_free;

out_undo:
	while (done--)
		step_undo(&a, &a.steps[done]);
	classify_hooks_idle(a.net, a.hn);
	mutex_unlock(&a.hn->lock);
out_free:
	kvfree(a.order);
	kvfree(a.steps);
	return err;
}
