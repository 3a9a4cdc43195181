// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Path routes with libnl-route (see route.h for what and why).
 *
 * A route is wanted per path with a Device; two paths may share a table
 * (two channels over one ISP use one mark) only if they route it the
 * same way. Rules are keyed by (family, mark, mask, table), routes by
 * (family, table) and valued by (via, device): a changed next hop is a
 * route replaced in place, so traffic of the path never sees the table
 * empty.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/fib_rules.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>

#include "channel.h"
#include "hotlinectl.h"
#include "route.h"

void routes_free(struct hl_routes *r)
{
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

static struct hl_route *routes_push(struct hl_routes *r)
{
	struct hl_route *e;

	r->v = realloc(r->v, (r->n + 1) * sizeof(*r->v));
	if (!r->v)
		abort();
	e = &r->v[r->n++];
	memset(e, 0, sizeof(*e));
	return e;
}

static size_t addr_len(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

static bool same_rule(const struct hl_route *a, const struct hl_route *b)
{
	return a->family == b->family && a->mark == b->mark && a->mask == b->mask &&
	       a->table == b->table;
}

static bool same_route(const struct hl_route *a, const struct hl_route *b)
{
	return a->family == b->family && a->table == b->table &&
	       a->has_via == b->has_via && a->ifindex == b->ifindex &&
	       (!a->has_via || !memcmp(&a->via, &b->via, addr_len(a->family)));
}

/* holds_rule: does @set hold the fwmark rule @r asks for? */
static bool holds_rule(const struct hl_routes *set, const struct hl_route *r)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->v[i].rule && same_rule(&set->v[i], r))
			return true;
	return false;
}

static struct hl_route *find_table(struct hl_routes *r, uint8_t family, uint32_t table)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->v[i].family == family && r->v[i].table == table)
			return &r->v[i];
	return NULL;
}

/*
 * libnl folds the kernel's errno into its own codes, whose texts differ
 * from strerror()'s ("Out of memory" for ENOMEM and ENOBUFS): say the
 * system's words where there is one, as every other hotlinectl error does.
 */
static const char *route_strerror(int err)
{
	static const int map[][2] = {
		{ NLE_NOMEM, ENOMEM }, { NLE_PERM, EPERM }, { NLE_NOACCESS, EACCES },
		{ NLE_EXIST, EEXIST }, { NLE_OBJ_NOTFOUND, ENOENT }, { NLE_NODEV, ENODEV },
		{ NLE_INVAL, EINVAL }, { NLE_BUSY, EBUSY }, { NLE_AGAIN, EAGAIN },
		{ NLE_RANGE, ERANGE }, { NLE_MSGSIZE, EMSGSIZE },
		{ NLE_OPNOTSUPP, EOPNOTSUPP }, { NLE_AF_NOSUPPORT, EAFNOSUPPORT },
		{ NLE_NOADDR, EADDRNOTAVAIL },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i][0] == (err < 0 ? -err : err))
			return strerror(map[i][1]);
	return nl_geterror(err);
}

/* ---- reading back what is ours ----------------------------------------- */

static void read_rule(struct nl_object *obj, void *arg)
{
	struct rtnl_rule *rule = (struct rtnl_rule *)obj;
	struct hl_routes *have = arg;
	struct hl_route *e;
	uint8_t proto = 0;

	if (rtnl_rule_get_protocol(rule, &proto) || proto != HL_RTPROT)
		return;
	e = routes_push(have);
	e->family = (uint8_t)rtnl_rule_get_family(rule);
	e->mark = rtnl_rule_get_mark(rule);
	e->mask = rtnl_rule_get_mask(rule);
	e->table = rtnl_rule_get_table(rule);
	e->rule = true;
}

static void read_route(struct nl_object *obj, void *arg)
{
	struct rtnl_route *rt = (struct rtnl_route *)obj;
	struct hl_routes *have = arg;
	struct rtnl_nexthop *nh;
	struct nl_addr *gw;
	struct hl_route *e;
	uint8_t family;

	if (rtnl_route_get_protocol(rt) != HL_RTPROT || !rtnl_route_get_dst(rt) ||
	    nl_addr_get_prefixlen(rtnl_route_get_dst(rt)) != 0 ||
	    rtnl_route_get_nnexthops(rt) != 1)
		return;
	family = (uint8_t)rtnl_route_get_family(rt);
	e = find_table(have, family, rtnl_route_get_table(rt));
	if (!e || e->route) {
		e = routes_push(have);
		e->family = family;
		e->table = rtnl_route_get_table(rt);
	}
	e->route = true;
	nh = rtnl_route_nexthop_n(rt, 0);
	e->ifindex = rtnl_route_nh_get_ifindex(nh);
	if (!if_indextoname((unsigned int)e->ifindex, e->dev))
		snprintf(e->dev, sizeof(e->dev), "if%d", e->ifindex);
	gw = rtnl_route_nh_get_gateway(nh);
	if (gw && nl_addr_get_len(gw) == addr_len(family)) {
		e->has_via = true;
		memcpy(&e->via, nl_addr_get_binary_addr(gw), addr_len(family));
	}
}

static int route_msg(struct nl_msg *msg, void *arg)
{
	struct rtnl_route *rt;

	if (!rtnl_route_parse(nlmsg_hdr(msg), &rt)) {
		read_route((struct nl_object *)rt, arg);
		rtnl_route_put(rt);
	}
	return NL_OK;
}

/*
 * Only routes of protocol HL_RTPROT: with strict checking the kernel
 * filters the dump itself, so a gateway that carries a full table does
 * not copy it out for each hotlinectl command.
 */
static int routes_dump(struct nl_sock *sk, uint8_t family, struct hl_routes *have)
{
	struct rtmsg rtm = { .rtm_family = family, .rtm_protocol = HL_RTPROT };
	int one = 1, err;

	if (setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_GET_STRICT_CHK,
		       &one, sizeof(one)))
		return -NLE_OPNOTSUPP;
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, route_msg, have);
	err = nl_send_simple(sk, RTM_GETROUTE, NLM_F_DUMP, &rtm, sizeof(rtm));
	if (err >= 0)
		err = nl_recvmsgs_default(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_DEFAULT, NULL, NULL);
	return err < 0 ? err : 0;
}

int routes_read(struct nl_sock *sk, struct hl_routes *have)
{
	struct nl_cache *rules = NULL;
	int err;

	memset(have, 0, sizeof(*have));
	err = rtnl_rule_alloc_cache(sk, AF_UNSPEC, &rules);
	if (err) {
		errorf("cannot read the routing rules: %s", route_strerror(err));
		return -1;
	}
	nl_cache_foreach(rules, read_rule, have);
	nl_cache_free(rules);
	err = routes_dump(sk, AF_INET, have);
	if (!err)
		err = routes_dump(sk, AF_INET6, have);
	if (err) {
		errorf("cannot read the routes of hotline's tables: %s", route_strerror(err));
		routes_free(have);
		return -1;
	}
	return 0;
}

/* ---- what the paths want --------------------------------------------------- */

int routes_wanted(const struct hl_channel *v, size_t n, struct hl_routes *want,
		  struct parse_error *e)
{
	size_t c, i, j;

	memset(want, 0, sizeof(*want));
	for (c = 0; v && c < n; c++) {
		for (i = 0; i < v[c].npaths; i++) {
			const struct hl_path *p = &v[c].paths[i];
			struct hl_route r = { 0 };
			unsigned int ifindex;

			if (!p->has_route)
				continue;
			snprintf(r.owner, sizeof(r.owner), "channel %s path %s",
				 v[c].name, p->name);
			ifindex = if_nametoindex(p->dev);
			if (!ifindex) {
				routes_free(want);
				return parse_fail(e, "%s: Device %s: no such device here",
						  r.owner, p->dev);
			}
			r.family = p->family;
			r.mark = p->mark;
			r.mask = p->mark_mask;
			r.table = path_route_table(p);
			r.has_via = p->has_via;
			r.via = p->via;
			r.ifindex = (int)ifindex;
			r.rule = r.route = true;
			snprintf(r.dev, sizeof(r.dev), "%s", p->dev);
			for (j = 0; j < want->n; j++) {
				const struct hl_route *o = &want->v[j];

				if (o->family != r.family || o->table != r.table)
					continue;
				if (!same_route(o, &r) || !same_rule(o, &r)) {
					parse_fail(e, "%s and %s: table %u routed two ways "
						   "(give one of them its own Table and Mark)",
						   o->owner, r.owner, r.table);
					routes_free(want);
					return -1;
				}
				break;
			}
			if (j == want->n)
				*routes_push(want) = r;
		}
	}
	return 0;
}

/* Whether path p is the one an installed entry routes (routes_attach). */
static bool path_routed_by(const struct hl_path *p, const struct hl_route *r)
{
	return p->has_route && r->family == p->family && r->table == path_route_table(p) &&
	       (!r->rule || (r->mark == p->mark && r->mask == p->mark_mask));
}

static const struct hl_path *channel_routed_by(const struct hl_channel *ch,
					       const struct hl_route *r)
{
	unsigned int i;

	for (i = 0; ch && i < ch->npaths; i++)
		if (path_routed_by(&ch->paths[i], r))
			return &ch->paths[i];
	return NULL;
}

int routes_change(const struct hl_routes *have, const struct hl_channel *old,
		  const struct hl_channel *others, size_t n, const struct hl_channel *ch,
		  struct hl_routes *want, struct parse_error *e)
{
	const char *name = ch ? ch->name : old ? old->name : "";
	size_t i, j, k;

	if (routes_wanted(ch, ch ? 1 : 0, want, e))
		return -1;
	for (i = 0; i < have->n; i++) {
		const struct hl_route *h = &have->v[i];
		const struct hl_path *by = NULL;
		struct hl_route *w = NULL;

		for (j = 0; j < n; j++) {
			if (!strcmp(others[j].name, name))
				continue;
			by = channel_routed_by(&others[j], h);
			if (by)
				break;
		}
		for (k = 0; k < want->n && !w; k++)
			if (want->v[k].family == h->family && want->v[k].table == h->table)
				w = &want->v[k];
		if (w && h->route && h->rule && same_route(w, h) && same_rule(w, h))
			continue;	/* wanted as it is */
		if (w && by) {
			parse_fail(e, "%s: table %u is channel %s path %s's (give the path a "
				   "Table and Mark of its own)", w->owner, h->table,
				   others[j].name, by->name);
			routes_free(want);
			return -1;
		}
		/* the channel's own old routes, and leftovers its new ones replace */
		if (!by && (w || channel_routed_by(old, h)))
			continue;
		w = routes_push(want);
		*w = *h;
		if (by)
			snprintf(w->owner, sizeof(w->owner), "channel %s path %s",
				 others[j].name, by->name);
	}
	return 0;
}

void routes_attach(struct hl_channel *v, size_t n, const struct hl_routes *have)
{
	size_t c, i, j;

	for (c = 0; c < n; c++) {
		for (i = 0; i < v[c].npaths; i++) {
			struct hl_path *p = &v[c].paths[i];

			for (j = 0; j < have->n; j++) {
				const struct hl_route *r = &have->v[j];

				if (!r->rule || !r->route || r->family != p->family ||
				    r->mark != p->mark || r->mask != p->mark_mask)
					continue;
				p->has_route = true;
				p->has_via = r->has_via;
				p->via = r->via;
				snprintf(p->dev, sizeof(p->dev), "%s", r->dev);
				p->table = r->table == p->mark ? 0 : r->table;
				break;
			}
		}
	}
}

/* ---- changing them ------------------------------------------------------------ */

static struct rtnl_rule *rule_new(const struct hl_route *r)
{
	struct rtnl_rule *rule = rtnl_rule_alloc();

	if (!rule)
		abort();
	rtnl_rule_set_family(rule, r->family);
	rtnl_rule_set_prio(rule, HL_RULE_PRIO);
	rtnl_rule_set_mark(rule, r->mark);
	rtnl_rule_set_mask(rule, r->mask);
	rtnl_rule_set_table(rule, r->table);
	rtnl_rule_set_action(rule, FR_ACT_TO_TBL);
	rtnl_rule_set_protocol(rule, HL_RTPROT);
	return rule;
}

static struct rtnl_route *route_new(const struct hl_route *r, bool with_nexthop)
{
	static const uint8_t zero[16];
	struct rtnl_route *rt = rtnl_route_alloc();
	struct nl_addr *dst;

	if (!rt)
		abort();
	dst = nl_addr_build(r->family, zero, addr_len(r->family));
	if (!dst)
		abort();
	nl_addr_set_prefixlen(dst, 0);
	rtnl_route_set_family(rt, r->family);
	rtnl_route_set_table(rt, r->table);
	rtnl_route_set_dst(rt, dst);
	nl_addr_put(dst);
	rtnl_route_set_protocol(rt, HL_RTPROT);
	rtnl_route_set_type(rt, RTN_UNICAST);
	/* a delete matches on scope too: libnl would guess "link" without a gateway */
	rtnl_route_set_scope(rt, r->has_via ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
	if (with_nexthop) {
		struct rtnl_nexthop *nh = rtnl_route_nh_alloc();

		if (!nh)
			abort();
		rtnl_route_nh_set_ifindex(nh, r->ifindex);
		if (r->has_via) {
			struct nl_addr *gw = nl_addr_build(r->family, &r->via,
							   addr_len(r->family));

			if (!gw)
				abort();
			rtnl_route_nh_set_gateway(nh, gw);
			nl_addr_put(gw);
		}
		rtnl_route_add_nexthop(rt, nh);
	}
	return rt;
}

static const char *fam_name(uint8_t family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

int routes_install(struct nl_sock *sk, const struct hl_routes *have,
		   const struct hl_routes *want)
{
	struct hl_routes h = { .v = have->v, .n = have->n };
	size_t i;
	int err;

	for (i = 0; i < want->n; i++) {
		const struct hl_route *w = &want->v[i];
		const struct hl_route *o = find_table(&h, w->family, w->table);
		if (w->route && (!o || !o->route || !same_route(o, w))) {
			struct rtnl_route *rt = route_new(w, true);

			err = rtnl_route_add(sk, rt, NLM_F_CREATE | NLM_F_REPLACE);
			rtnl_route_put(rt);
			if (err) {
				errorf("%s: cannot install the %s default route of table "
				       "%u on %s: %s", w->owner, fam_name(w->family),
				       w->table, w->dev, route_strerror(err));
				return -1;
			}
		}
		if (w->rule && !holds_rule(have, w)) {
			struct rtnl_rule *r = rule_new(w);

			err = rtnl_rule_add(sk, r, NLM_F_CREATE | NLM_F_EXCL);
			rtnl_rule_put(r);
			if (err && err != -NLE_EXIST) {
				errorf("%s: cannot install the %s rule fwmark 0x%x/0x%x "
				       "lookup %u: %s", w->owner, fam_name(w->family),
				       w->mark, w->mask, w->table, route_strerror(err));
				return -1;
			}
		}
	}
	return 0;
}

int routes_remove(struct nl_sock *sk, const struct hl_routes *have,
		  const struct hl_routes *want)
{
	struct hl_routes w = { .v = want->v, .n = want->n };
	int ret = 0, err;
	size_t i;

	for (i = 0; i < have->n; i++) {
		const struct hl_route *o = &have->v[i];
		const struct hl_route *k = find_table(&w, o->family, o->table);

		if (o->rule && !holds_rule(want, o)) {
			struct rtnl_rule *r = rule_new(o);

			err = rtnl_rule_delete(sk, r, 0);
			rtnl_rule_put(r);
			if (err && err != -NLE_OBJ_NOTFOUND) {
				errorf("cannot remove the %s rule fwmark 0x%x/0x%x lookup "
				       "%u: %s", fam_name(o->family), o->mark, o->mask,
				       o->table, route_strerror(err));
				ret = -1;
			}
		}
		if (o->route && !(k && k->route)) {
			struct rtnl_route *rt = route_new(o, false);

			err = rtnl_route_delete(sk, rt, 0);
			rtnl_route_put(rt);
			if (err && err != -NLE_OBJ_NOTFOUND) {
				errorf("cannot remove the %s default route of table %u: %s",
				       fam_name(o->family), o->table, route_strerror(err));
				ret = -1;
			}
		}
	}
	return ret;
}

int routes_sync(struct nl_sock *sk, const struct hl_routes *have,
		const struct hl_routes *want)
{
	if (routes_install(sk, have, want))
		return -1;
	return routes_remove(sk, have, want);
}

int routes_restore(struct nl_sock *sk, const struct hl_routes *was)
{
	struct hl_routes now;
	int ret;

	if (routes_read(sk, &now))
		return -1;
	ret = routes_sync(sk, &now, was);
	routes_free(&now);
	return ret;
}

struct nl_sock *route_socket(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk)
		abort();
	errno = 0;
	err = nl_connect(sk, NETLINK_ROUTE);
	if (err) {
		/* libnl's code for a failed socket() or bind() is often just
		 * NLE_FAILURE: the system call's errno says more
		 */
		errorf("cannot open an rtnetlink socket: %s",
		       errno ? strerror(errno) : route_strerror(err));
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

int channels_attach_routes(struct hl_channel *v, size_t n)
{
	struct hl_routes have = { 0 };
	struct nl_sock *sk = route_socket();
	int err = -1;

	if (sk && !routes_read(sk, &have)) {
		routes_attach(v, n, &have);
		err = 0;
	}
	routes_free(&have);
	if (sk)
		nl_socket_free(sk);
	return err;
}
