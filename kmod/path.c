// SPDX-License-Identifier: GPL-2.0
/*
 * Paths and failover.
 *
 * A channel with paths runs one STAMP session per path instead of its
 * own: each probes the peer's address on that path from ours, with the
 * path's mark, so routing (`ip rule fwmark` -> the path's table) sends it
 * down that path and a path is judged by what happens on it.
 *
 * The active path is chosen here, in the context where a session changes
 * state (a timer or the receive softirq): no userspace in the loop, so a
 * failover takes as long as the detection. The rule:
 *
 *   - the active path stays while it is up; a more preferred path that
 *     comes up takes over once it has been up FAILBACK_MS (never for a
 *     non-revertive channel), so a line that flaps faster than that never
 *     carries traffic;
 *   - when the active path is no longer up, the most preferred path that
 *     is up takes over at once; if none is up, the most preferred
 *     degraded one; if none is either, no path: the channel's traffic
 *     carries no path mark and follows the main routing table rather
 *     than a dead path.
 *
 * The packet path reads one u64 (mask and mark) with READ_ONCE(): a
 * switch is a single store.
 *
 * Locking: ps->lock (spin_lock_bh outside softirq) guards the running
 * set; writers of the set also hold the table mutex, so readers under
 * that mutex may look without ps->lock. Sessions of a set are freed only
 * after a grace period, so an RCU reader may use a session it found in
 * the set after dropping ps->lock. Lock order: ps->lock, then a session's
 * lock (health_fill_status()); sessions call paths_session_changed() with
 * their own lock released.
 */
#define pr_fmt(fmt) "hotline: " fmt

#include <linux/ctype.h>
#include <linux/in.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <hotline/path_choice.h>
#include "channel.h"
#include "debugfs.h"
#include "netlink.h"
#include "path.h"

#define READ_ONLY(msg) { .type = NLA_REJECT, .reject_message = msg }

static const struct nla_policy path_policy[HOTLINE_A_PATH_MAX + 1] = {
	[HOTLINE_A_PATH_NAME] = { .type = NLA_NUL_STRING },
	[HOTLINE_A_PATH_PREF] = { .type = NLA_U8 },
	[HOTLINE_A_PATH_MARK] = { .type = NLA_U32 },
	[HOTLINE_A_PATH_MARK_MASK] = { .type = NLA_U32 },
	[HOTLINE_A_PATH_LOCAL_ADDR4] = { .type = NLA_BINARY },
	[HOTLINE_A_PATH_LOCAL_ADDR6] = { .type = NLA_BINARY },
	[HOTLINE_A_PATH_PROBE_ADDR4] = { .type = NLA_BINARY },
	[HOTLINE_A_PATH_PROBE_ADDR6] = { .type = NLA_BINARY },
	[HOTLINE_A_PATH_PROBE_PORT] = { .type = NLA_U16 },
	[HOTLINE_A_PATH_INTERVAL_MS] = { .type = NLA_U32 },
	[HOTLINE_A_PATH_DETECT_MULT] = { .type = NLA_U8 },
	[HOTLINE_A_PATH_MAX_LOSS] = { .type = NLA_U32 },
	[HOTLINE_A_PATH_MAX_RTT_MS] = { .type = NLA_U32 },
	[HOTLINE_A_PATH_STATUS] = READ_ONLY("path status: reply-only"),
	[HOTLINE_A_PATH_ACTIVE] = READ_ONLY("path active: reply-only"),
};

static const struct nla_policy paths_policy[HOTLINE_A_PATHS_MAX + 1] = {
	[HOTLINE_A_PATHS_PATH] = NLA_POLICY_NESTED(path_policy),
};

static const struct hotline_attr_limit path_limits[] = {
	{ HOTLINE_A_PATH_LOCAL_ADDR4, 0, 4, 4, "path local: LOCAL_ADDR4 must be 4 bytes" },
	{ HOTLINE_A_PATH_LOCAL_ADDR6, 0, 16, 16, "path local: LOCAL_ADDR6 must be 16 bytes" },
	{ HOTLINE_A_PATH_PROBE_ADDR4, 0, 4, 4, "path probe: PROBE_ADDR4 must be 4 bytes" },
	{ HOTLINE_A_PATH_PROBE_ADDR6, 0, 16, 16, "path probe: PROBE_ADDR6 must be 16 bytes" },
	{ HOTLINE_A_PATH_PROBE_PORT, 2, 1, U16_MAX, "path probe port: out of range 1..65535" },
	{ HOTLINE_A_PATH_INTERVAL_MS, 4, HOTLINE_MIN_INTERVAL_MS, HOTLINE_MAX_INTERVAL_MS,
	  "path interval: out of range 10..60000 ms" },
	{ HOTLINE_A_PATH_DETECT_MULT, 1, 1, U8_MAX, "path detect-mult: out of range 1..255" },
	{ HOTLINE_A_PATH_MAX_LOSS, 4, 0, 100, "path max-loss: a percentage, 0..100" },
};

static bool path_name_char_ok(char c)
{
	return isalnum(c) || c == '.' || c == '_' || c == '-';
}

/* One address of a path: exactly one of @a4 and @a6, unicast. */
static int path_addr(struct netlink_ext_ack *extack, const struct nlattr *nest,
		     const struct nlattr *a4, const struct nlattr *a6, int miss,
		     const char *msg_missing, const char *msg_both,
		     const char *msg_unicast, u8 *family, struct in6_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (a4 && a6)
		return hotline_reject(extack, a6, msg_both);
	if (a4) {
		__be32 v4 = nla_get_in_addr(a4);

		if (ipv4_is_zeronet(v4) || ipv4_is_multicast(v4) || ipv4_is_lbcast(v4))
			return hotline_reject(extack, a4, msg_unicast);
		*family = AF_INET;
		addr->s6_addr32[0] = v4;
		return 0;
	}
	if (a6) {
		*addr = nla_get_in6_addr(a6);
		if (ipv6_addr_any(addr) || ipv6_addr_is_multicast(addr))
			return hotline_reject(extack, a6, msg_unicast);
		*family = AF_INET6;
		return 0;
	}
	NL_SET_ERR_ATTR_MISS(extack, nest, miss);
	return hotline_reject(extack, nest, msg_missing);
}

static int path_parse(const struct nlattr *nest, struct hotline_path_cfg *p,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[HOTLINE_A_PATH_MAX + 1];
	const struct nlattr *a;
	u8 lfam = 0, pfam = 0;
	size_t len;
	int err, i;

	err = nla_parse_nested(tb, HOTLINE_A_PATH_MAX, nest, path_policy, extack);
	if (!err)
		err = hotline_check_limits(tb, path_limits, ARRAY_SIZE(path_limits), extack);
	if (err)
		return err;
	memset(p, 0, sizeof(*p));

	a = tb[HOTLINE_A_PATH_NAME];
	if (!a) {
		NL_SET_ERR_ATTR_MISS(extack, nest, HOTLINE_A_PATH_NAME);
		return hotline_reject(extack, nest, "path name: required");
	}
	len = strnlen(nla_data(a), nla_len(a));
	if (!len)
		return hotline_reject(extack, a, "path name: must not be empty");
	if (len > HOTLINE_PATH_NAME_MAX)
		return hotline_reject(extack, a, "path name: longer than 15 bytes");
	memcpy(p->name, nla_data(a), len);
	for (i = 0; p->name[i]; i++)
		if (!path_name_char_ok(p->name[i]))
			return hotline_reject(extack, a,
					      "path name: only letters, digits, '.', '_' and '-' are allowed");

	p->pref = tb[HOTLINE_A_PATH_PREF] ? nla_get_u8(tb[HOTLINE_A_PATH_PREF]) :
					    HOTLINE_DEFAULT_PATH_PREF;
	a = tb[HOTLINE_A_PATH_MARK];
	if (!a) {
		NL_SET_ERR_ATTR_MISS(extack, nest, HOTLINE_A_PATH_MARK);
		return hotline_reject(extack, nest, "path mark: required");
	}
	p->mark = nla_get_u32(a);
	p->mark_mask = tb[HOTLINE_A_PATH_MARK_MASK] ?
		       nla_get_u32(tb[HOTLINE_A_PATH_MARK_MASK]) : ~0U;
	if (!p->mark_mask)
		return hotline_reject(extack, tb[HOTLINE_A_PATH_MARK_MASK],
				      "path mark mask: must not be 0");
	if (p->mark & ~p->mark_mask)
		return hotline_reject(extack, a, "path mark: bits set outside its mask");
	/* 0 in the path bits is what traffic carries when no path is active */
	if (!p->mark)
		return hotline_reject(extack, a, "path mark: must not be 0");

	err = path_addr(extack, nest, tb[HOTLINE_A_PATH_LOCAL_ADDR4],
			tb[HOTLINE_A_PATH_LOCAL_ADDR6], HOTLINE_A_PATH_LOCAL_ADDR4,
			"path local: our address on the path is required (LOCAL_ADDR4 or LOCAL_ADDR6)",
			"path local: give LOCAL_ADDR4 or LOCAL_ADDR6, not both",
			"path local: not a unicast address", &lfam, &p->local);
	if (err)
		return err;
	err = path_addr(extack, nest, tb[HOTLINE_A_PATH_PROBE_ADDR4],
			tb[HOTLINE_A_PATH_PROBE_ADDR6], HOTLINE_A_PATH_PROBE_ADDR4,
			"path probe: the peer's address on the path is required (PROBE_ADDR4 or PROBE_ADDR6)",
			"path probe: give PROBE_ADDR4 or PROBE_ADDR6, not both",
			"path probe: not a unicast address", &pfam, &p->probe);
	if (err)
		return err;
	if (lfam != pfam)
		return hotline_reject(extack, tb[HOTLINE_A_PATH_PROBE_ADDR4] ?:
				      tb[HOTLINE_A_PATH_PROBE_ADDR6],
				      "path probe: not the same address family as the path's local address");
	p->family = lfam;

	if (tb[HOTLINE_A_PATH_PROBE_PORT])
		p->probe_port = nla_get_u16(tb[HOTLINE_A_PATH_PROBE_PORT]);
	if (tb[HOTLINE_A_PATH_INTERVAL_MS])
		p->interval_ms = nla_get_u32(tb[HOTLINE_A_PATH_INTERVAL_MS]);
	if (tb[HOTLINE_A_PATH_DETECT_MULT])
		p->detect_mult = nla_get_u8(tb[HOTLINE_A_PATH_DETECT_MULT]);
	if (tb[HOTLINE_A_PATH_MAX_LOSS]) {
		p->has_max_loss = true;
		p->max_loss_pct = nla_get_u32(tb[HOTLINE_A_PATH_MAX_LOSS]);
	}
	if (tb[HOTLINE_A_PATH_MAX_RTT_MS]) {
		p->has_max_rtt = true;
		p->max_rtt_ms = nla_get_u32(tb[HOTLINE_A_PATH_MAX_RTT_MS]);
	}
	return 0;
}

/* Two paths whose marks a rule could not tell apart. */
static bool path_marks_clash(const struct hotline_path_cfg *a,
			     const struct hotline_path_cfg *b)
{
	u32 common = a->mark_mask & b->mark_mask;

	return common && (a->mark & common) == (b->mark & common);
}

/* Why two paths of one channel cannot be; NULL if they can. */
static const char *path_conflict(const struct hotline_path_cfg *o,
				 const struct hotline_path_cfg *p)
{
	if (!strcmp(o->name, p->name))
		return "path name: used twice in the channel";
	if (o->family != p->family)
		return "path: every path of a channel must be of one address family";
	if (path_marks_clash(o, p))
		return "path mark: the same as another path's under their common mask";
	if (ipv6_addr_equal(&o->local, &p->local) && ipv6_addr_equal(&o->probe, &p->probe))
		return "path probe: another path probes this address from the same local address";
	return NULL;
}

int paths_parse(const struct nlattr *nest, struct hotline_channel_cfg *cfg,
		struct netlink_ext_ack *extack)
{
	struct hotline_path_cfg *paths;
	const struct nlattr *a;
	unsigned int n = 0, i;
	int rem, err;

	err = nla_validate_nested(nest, HOTLINE_A_PATHS_MAX, paths_policy, extack);
	if (err)
		return err;
	paths = kcalloc(HOTLINE_PATHS_MAX, sizeof(*paths), GFP_KERNEL_ACCOUNT);
	if (!paths)
		return -ENOMEM;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != HOTLINE_A_PATHS_PATH) {
			err = hotline_reject(extack, a, "paths: only PATH entries");
			goto fail;
		}
		if (n == HOTLINE_PATHS_MAX) {
			err = hotline_reject(extack, a, "paths: at most 8 per channel");
			goto fail;
		}
		err = path_parse(a, &paths[n], extack);
		if (err)
			goto fail;
		for (i = 0; i < n; i++) {
			const char *why = path_conflict(&paths[i], &paths[n]);

			if (why) {
				err = hotline_reject(extack, a, why);
				goto fail;
			}
		}
		n++;
	}
	paths_cfg_free(cfg);
	if (n) {
		cfg->paths = paths;
		cfg->n_paths = n;
	} else {
		kfree(paths);
	}
	return 0;
fail:
	kfree(paths);
	return err;
}

int paths_check(struct nlattr **a, const struct hotline_channel_cfg *cfg,
		struct netlink_ext_ack *extack)
{
	const struct nlattr *at = a[HOTLINE_A_CHANNEL_PATHS];
	unsigned int i;

	if (!cfg->n_paths)
		return 0;
	if (!cfg->has_health)
		return hotline_reject(extack, at ?: a[HOTLINE_A_CHANNEL_HEALTH],
				      "paths: need health (key or unauthenticated, ports, interval) for their sessions");
	for (i = 0; i < cfg->n_paths; i++) {
		const struct hotline_path_cfg *p = &cfg->paths[i];

		if (p->family != cfg->peer.family)
			return hotline_reject(extack, at ?: a[HOTLINE_A_CHANNEL_PEER],
					      "path: not the same address family as the channel's peer");
		if (cfg->mark && (p->mark_mask & cfg->mark_mask))
			return hotline_reject(extack, at ?: a[HOTLINE_A_CHANNEL_MARK_MASK],
					      "path mark mask: shares bits with the channel's MARK_MASK");
	}
	return 0;
}

int paths_cfg_dup(struct hotline_channel_cfg *dst,
		  const struct hotline_channel_cfg *src)
{
	dst->paths = NULL;
	if (!src->n_paths)
		return 0;
	dst->paths = kmemdup(src->paths, HOTLINE_PATHS_MAX * sizeof(*src->paths),
			     GFP_KERNEL_ACCOUNT);
	if (!dst->paths) {
		dst->n_paths = 0;
		return -ENOMEM;
	}
	return 0;
}

void paths_cfg_free(struct hotline_channel_cfg *cfg)
{
	kfree(cfg->paths);
	cfg->paths = NULL;
	cfg->n_paths = 0;
}

/* ---- running paths ------------------------------------------------------ */

/* The session configuration of path @p: the channel's, with the path's. */
static void path_health_cfg(const struct hotline_channel_cfg *cfg,
			    const struct hotline_path_cfg *p,
			    struct hotline_health_cfg *h)
{
	*h = cfg->health;
	h->family = p->family;
	h->has_src = true;
	memset(&h->probe, 0, sizeof(h->probe));
	memset(&h->src, 0, sizeof(h->src));
	if (p->family == AF_INET) {
		h->probe.v4 = p->probe.s6_addr32[0];
		h->src.v4 = p->local.s6_addr32[0];
	} else {
		h->probe.v6 = p->probe;
		h->src.v6 = p->local;
	}
	if (p->probe_port)
		h->probe_port = p->probe_port;
	if (p->interval_ms)
		h->interval_ms = p->interval_ms;
	if (p->detect_mult)
		h->detect_mult = p->detect_mult;
	if (p->has_max_loss)
		h->max_loss_pct = p->max_loss_pct;
	if (p->has_max_rtt)
		h->max_rtt_ms = p->max_rtt_ms;
}

/* A path's probes: the channel's marking, then the path's mark on top. */
static void path_marking(const struct hotline_channel_cfg *cfg,
			 const struct hotline_path_cfg *p,
			 struct hotline_health_marking *m)
{
	u32 mask;

	hotline_health_marking(cfg, m);
	mask = m->mark ? m->mark_mask : 0;
	m->mark = (m->mark & mask & ~p->mark_mask) | p->mark;
	m->mark_mask = mask | p->mark_mask;
}

static void paths_set_steer(struct hotline_pathset *ps)
{
	u32 mask = 0, mark = 0;
	int i;

	for (i = 0; i < ps->n; i++)
		mask |= ps->run[i].mark_mask;
	if (ps->active >= 0)
		mark = ps->run[ps->active].mark;
	WRITE_ONCE(ps->steer, (u64)mask << 32 | mark);
}

/* A switch of the active path, told after ps->lock is dropped. */
struct path_switch {
	char from[HOTLINE_PATH_NAME_SIZE];	/* "" for none */
	char to[HOTLINE_PATH_NAME_SIZE];
	u8 reason;
	struct hotline_health *status;		/* the session to report */
};

static void paths_switch(struct hotline_pathset *ps, int to, u8 reason,
			 struct path_switch *sw)
{
	int from = ps->active;

	strscpy(sw->from, from >= 0 ? ps->run[from].name : "", sizeof(sw->from));
	strscpy(sw->to, to >= 0 ? ps->run[to].name : "", sizeof(sw->to));
	sw->reason = reason;
	sw->status = to >= 0 ? ps->run[to].h : from >= 0 ? ps->run[from].h : NULL;
	ps->active = to;
	ps->switches++;
	ps->active_since_ns = ktime_get_real_ns();
	paths_set_steer(ps);
}

/*
 * Under ps->lock: applies the rule (include/hotline/path_choice.h).
 * Returns true with @sw filled when the active path changed; arms the
 * fail-back timer when a more preferred path is up but not yet for long
 * enough.
 */
static bool paths_choose(struct hotline_pathset *ps, u64 now, bool config,
			 struct path_switch *sw)
{
	struct hl_path_state st[HOTLINE_PATHS_MAX];
	struct hl_choice c;
	int i;

	for (i = 0; i < ps->n; i++) {
		st[i].state = health_state(ps->run[i].h);
		st[i].since_ns = health_since_mono(ps->run[i].h);
	}
	hl_path_choose(st, ps->n, ps->active, ps->nonrevertive,
		       (u64)ps->failback_ms * NSEC_PER_MSEC, now, config, &c);
	if (c.wait_ns && !ps->dead)
		hrtimer_start(&ps->failback, ns_to_ktime(c.wait_ns), HRTIMER_MODE_REL_SOFT);
	if (c.pick == ps->active)
		return false;
	paths_switch(ps, c.pick, c.reason, sw);
	return true;
}

static void paths_tell_switch(struct hotline_pathset *ps, const struct path_switch *sw)
{
	rcu_read_lock();
	hotline_nl_notify_switch(ps->net, ps->ch, sw->from, sw->to, sw->reason,
				 sw->status);
	rcu_read_unlock();
}

static enum hrtimer_restart paths_failback(struct hrtimer *t)
{
	struct hotline_pathset *ps = container_of(t, struct hotline_pathset, failback);
	struct path_switch sw;
	bool switched = false;

	spin_lock(&ps->lock);
	if (!ps->dead)
		switched = paths_choose(ps, ktime_get_ns(), false, &sw);
	spin_unlock(&ps->lock);
	if (switched)
		paths_tell_switch(ps, &sw);
	return HRTIMER_NORESTART;
}

void paths_session_changed(struct hotline_pathset *ps, struct hotline_health *h,
			   u8 old_state)
{
	struct path_switch sw;
	bool switched;

	hotline_nl_notify_health(ps->net, ps->ch, h, old_state);
	spin_lock_bh(&ps->lock);
	switched = !ps->dead && paths_choose(ps, ktime_get_ns(), false, &sw);
	spin_unlock_bh(&ps->lock);
	if (switched)
		paths_tell_switch(ps, &sw);
}

static struct hotline_pathset *pathset_new(struct net *net, struct hotline_channel *ch)
{
	struct hotline_pathset *ps;

	ps = kzalloc(sizeof(*ps), GFP_KERNEL_ACCOUNT);
	if (!ps)
		return NULL;
	hotline_obj_get(HOTLINE_OBJ_PATHSET);
	ps->ch = ch;
	ps->net = net;
	ps->active = -1;
	spin_lock_init(&ps->lock);
	hrtimer_init(&ps->failback, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	ps->failback.function = paths_failback;
	return ps;
}

void paths_free(struct hotline_pathset *ps)
{
	if (!ps)
		return;
	kfree(ps);
	hotline_obj_put(HOTLINE_OBJ_PATHSET);
}

static int paths_find(const struct hotline_path_run *run, unsigned int n,
		      const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(run[i].name, name))
			return i;
	return -1;
}

/* Indices of @cfg's paths by preference, ties in the order given. */
static void paths_order(const struct hotline_channel_cfg *cfg, u8 *order)
{
	int i, j;

	for (i = 0; i < cfg->n_paths; i++) {
		u8 v = i;

		for (j = i; j > 0 && cfg->paths[order[j - 1]].pref > cfg->paths[v].pref; j--)
			order[j] = order[j - 1];
		order[j] = v;
	}
}

int paths_prepare(struct net *net, struct hotline_channel *ch,
		  struct hotline_pathset *ps, const struct hotline_channel_cfg *cfg,
		  struct paths_change *pc, struct netlink_ext_ack *extack)
{
	unsigned int k, i;
	int err = 0;

	memset(pc, 0, sizeof(*pc));
	if (!ps) {
		if (!cfg->n_paths)
			return 0;
		ps = pathset_new(net, ch);
		if (!ps)
			return -ENOMEM;
		pc->fresh = true;
	}
	pc->ps = ps;

	/* the paths that go: their addresses are free for the others */
	for (i = 0; i < ps->n; i++) {
		bool kept = false;

		for (k = 0; k < cfg->n_paths; k++)
			kept |= !strcmp(cfg->paths[k].name, ps->run[i].name);
		if (!kept) {
			pc->gone[pc->n_gone++] = ps->run[i].h;
			health_set_leaving(ps->run[i].h, true);
		}
	}

	paths_order(cfg, pc->order);
	for (k = 0; k < cfg->n_paths; k++) {
		const struct hotline_path_cfg *p = &cfg->paths[pc->order[k]];
		struct hotline_path_run *r = &pc->run[k];
		struct hotline_health_marking marking;
		struct hotline_health_cfg hc;
		int old;

		strscpy(r->name, p->name, sizeof(r->name));
		r->pref = p->pref;
		r->mark = p->mark;
		r->mark_mask = p->mark_mask;
		path_health_cfg(cfg, p, &hc);
		old = paths_find(ps->run, ps->n, p->name);
		if (old >= 0) {
			r->h = ps->run[old].h;
			err = health_update_prepare(r->h, &hc, &pc->chg[k], extack);
		} else {
			path_marking(cfg, p, &marking);
			r->h = health_prepare(net, ch, &hc, &marking, extack);
			if (IS_ERR(r->h)) {
				err = PTR_ERR(r->h);
				r->h = NULL;
			} else {
				health_set_path(r->h, ps, p->name);
				pc->started[k] = true;
			}
		}
		memzero_explicit(&hc, sizeof(hc));
		if (err) {
			pc->n = k;
			paths_abort(pc);
			return err;
		}
	}
	pc->n = cfg->n_paths;
	return 0;
}

void paths_abort(struct paths_change *pc)
{
	unsigned int k;

	for (k = 0; k < pc->n; k++) {
		if (pc->started[k])
			health_cancel(pc->run[k].h);
		else
			health_update_abort(pc->run[k].h, &pc->chg[k]);
	}
	for (k = 0; k < pc->n_gone; k++)
		health_set_leaving(pc->gone[k], false);
	if (pc->fresh)
		paths_free(pc->ps);
	memset(pc, 0, sizeof(*pc));
}

void paths_commit(struct hotline_channel *ch, const struct hotline_channel_cfg *cfg,
		  struct paths_change *pc, struct list_head *retired)
{
	struct hotline_pathset *ps = pc->ps;
	char was[HOTLINE_PATH_NAME_SIZE] = "";
	struct path_switch sw;
	bool switched;
	unsigned int k;

	if (!ps)
		return;
	if (pc->fresh)
		WRITE_ONCE(ch->paths, ps);	/* steers nothing until a path is up */

	for (k = 0; k < pc->n; k++) {
		const struct hotline_path_cfg *p = &cfg->paths[pc->order[k]];
		struct hotline_health_marking marking;
		struct hotline_health_cfg hc;

		if (pc->started[k]) {
			health_start(pc->run[k].h);
			continue;
		}
		path_health_cfg(cfg, p, &hc);
		path_marking(cfg, p, &marking);
		health_update_commit(pc->run[k].h, &hc, &marking, &pc->chg[k]);
		memzero_explicit(&hc, sizeof(hc));
	}

	spin_lock_bh(&ps->lock);
	if (ps->active >= 0)
		strscpy(was, ps->run[ps->active].name, sizeof(was));
	memcpy(ps->run, pc->run, sizeof(ps->run));
	ps->n = pc->n;
	ps->failback_ms = cfg->failback_ms;
	ps->nonrevertive = cfg->nonrevertive;
	ps->active = was[0] ? paths_find(ps->run, ps->n, was) : -1;
	paths_set_steer(ps);
	switched = paths_choose(ps, ktime_get_ns(), true, &sw);
	if (!switched && was[0] && ps->active < 0) {
		/* the active path was removed and none can take over */
		strscpy(sw.from, was, sizeof(sw.from));
		sw.to[0] = '\0';
		sw.reason = HOTLINE_SWITCH_CONFIG;
		sw.status = NULL;	/* the path it was is gone */
		ps->switches++;
		ps->active_since_ns = ktime_get_real_ns();
		switched = true;
	} else if (switched && was[0] && strcmp(sw.from, was)) {
		strscpy(sw.from, was, sizeof(sw.from));
	}
	spin_unlock_bh(&ps->lock);
	if (switched)
		paths_tell_switch(ps, &sw);

	for (k = 0; k < pc->n_gone; k++)
		health_retire(pc->gone[k], retired);
	memset(pc, 0, sizeof(*pc));
}

void paths_retire(struct hotline_pathset *ps, struct list_head *retired)
{
	int i, n;

	if (!ps)
		return;
	spin_lock_bh(&ps->lock);
	n = ps->n;
	spin_unlock_bh(&ps->lock);
	/* the table mutex keeps run[] as it is */
	for (i = 0; i < n; i++)
		health_retire(ps->run[i].h, retired);
}

void paths_set_leaving(struct hotline_pathset *ps, bool leaving)
{
	int i;

	if (!ps)
		return;
	/* the table mutex keeps run[] as it is */
	for (i = 0; i < ps->n; i++)
		health_set_leaving(ps->run[i].h, leaving);
}

void paths_shutdown(struct hotline_pathset *ps)
{
	if (!ps)
		return;
	spin_lock_bh(&ps->lock);
	ps->dead = true;
	ps->n = 0;
	ps->active = -1;
	WRITE_ONCE(ps->steer, 0);
	spin_unlock_bh(&ps->lock);
	hrtimer_cancel(&ps->failback);
}

struct hotline_health *paths_status_session(const struct hotline_pathset *cps)
{
	struct hotline_pathset *ps = (struct hotline_pathset *)cps;
	struct hotline_health *h = NULL;

	spin_lock_bh(&ps->lock);
	if (ps->active >= 0)
		h = ps->run[ps->active].h;
	else if (ps->n)
		h = ps->run[0].h;
	spin_unlock_bh(&ps->lock);
	return h;
}

static int put_path_addr(struct sk_buff *skb, int t4, int t6, u8 family,
			 const struct in6_addr *a)
{
	if (family == AF_INET)
		return nla_put_in_addr(skb, t4, a->s6_addr32[0]);
	return nla_put_in6_addr(skb, t6, a);
}

static int put_path(struct sk_buff *skb, const struct hotline_path_cfg *p,
		    struct hotline_health *h, bool active)
{
	struct nlattr *nest = nla_nest_start(skb, HOTLINE_A_PATHS_PATH);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, HOTLINE_A_PATH_NAME, p->name) ||
	    nla_put_u8(skb, HOTLINE_A_PATH_PREF, p->pref) ||
	    nla_put_u32(skb, HOTLINE_A_PATH_MARK, p->mark) ||
	    nla_put_u32(skb, HOTLINE_A_PATH_MARK_MASK, p->mark_mask) ||
	    put_path_addr(skb, HOTLINE_A_PATH_LOCAL_ADDR4, HOTLINE_A_PATH_LOCAL_ADDR6,
			  p->family, &p->local) ||
	    put_path_addr(skb, HOTLINE_A_PATH_PROBE_ADDR4, HOTLINE_A_PATH_PROBE_ADDR6,
			  p->family, &p->probe) ||
	    (p->probe_port && nla_put_u16(skb, HOTLINE_A_PATH_PROBE_PORT, p->probe_port)) ||
	    (p->interval_ms && nla_put_u32(skb, HOTLINE_A_PATH_INTERVAL_MS, p->interval_ms)) ||
	    (p->detect_mult && nla_put_u8(skb, HOTLINE_A_PATH_DETECT_MULT, p->detect_mult)) ||
	    (p->has_max_loss && nla_put_u32(skb, HOTLINE_A_PATH_MAX_LOSS, p->max_loss_pct)) ||
	    (p->has_max_rtt && nla_put_u32(skb, HOTLINE_A_PATH_MAX_RTT_MS, p->max_rtt_ms)) ||
	    (h && health_fill_status_as(skb, h, HOTLINE_A_PATH_STATUS)) ||
	    (active && nla_put_flag(skb, HOTLINE_A_PATH_ACTIVE))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

int paths_fill(struct sk_buff *skb, const struct hotline_pathset *cps,
	       const struct hotline_channel_cfg *cfg)
{
	struct hotline_pathset *ps = (struct hotline_pathset *)cps;
	struct hotline_path_run run[HOTLINE_PATHS_MAX];
	char active[HOTLINE_PATH_NAME_SIZE] = "";
	u64 switches = 0, since = 0;
	struct nlattr *nest;
	unsigned int i;
	int n = 0, r;

	if (ps) {
		spin_lock_bh(&ps->lock);
		n = ps->n;
		memcpy(run, ps->run, sizeof(run));
		if (ps->active >= 0)
			strscpy(active, ps->run[ps->active].name, sizeof(active));
		switches = ps->switches;
		since = ps->active_since_ns;
		spin_unlock_bh(&ps->lock);
	}
	if (nla_put_u32(skb, HOTLINE_A_CHANNEL_FAILBACK_MS, cfg->failback_ms) ||
	    nla_put_u8(skb, HOTLINE_A_CHANNEL_NONREVERTIVE, cfg->nonrevertive))
		return -EMSGSIZE;
	if (!cfg->n_paths)
		return 0;
	if ((active[0] && nla_put_string(skb, HOTLINE_A_CHANNEL_ACTIVE_PATH, active)) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_CHANNEL_ACTIVE_SINCE, since,
			      HOTLINE_A_CHANNEL_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_CHANNEL_SWITCHES, switches,
			      HOTLINE_A_CHANNEL_PAD))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, HOTLINE_A_CHANNEL_PATHS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < cfg->n_paths; i++) {
		const struct hotline_path_cfg *p = &cfg->paths[i];

		/* a configuration newer than the set has no session yet */
		r = paths_find(run, n, p->name);
		if (put_path(skb, p, r >= 0 ? run[r].h : NULL,
			     r >= 0 && !strcmp(active, p->name))) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

size_t paths_msg_size(void)
{
	size_t path = nla_total_size(0) +			/* PATH */
		      nla_total_size(HOTLINE_PATH_NAME_SIZE) +
		      nla_total_size(sizeof(u8)) +		/* PREF */
		      2 * nla_total_size(sizeof(u32)) +		/* MARK, MASK */
		      2 * nla_total_size(sizeof(struct in6_addr)) +
		      nla_total_size(sizeof(u16)) +		/* PROBE_PORT */
		      3 * nla_total_size(sizeof(u32)) +		/* INTERVAL, LOSS, RTT */
		      nla_total_size(sizeof(u8)) +		/* DETECT_MULT */
		      health_status_size() +
		      nla_total_size(0);			/* ACTIVE */

	return nla_total_size(sizeof(u32)) +			/* FAILBACK_MS */
	       nla_total_size(sizeof(u8)) +			/* NONREVERTIVE */
	       nla_total_size(HOTLINE_PATH_NAME_SIZE) +		/* ACTIVE_PATH */
	       2 * nla_total_size_64bit(sizeof(u64)) +		/* SINCE, SWITCHES */
	       nla_total_size(0) + HOTLINE_PATHS_MAX * path;	/* PATHS */
}
