// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `hotlinectl path`: add, set, del the paths of a channel.
 *
 *   path add CHANNEL PATH local ADDR probe ADDR[:PORT] mark M[/MASK]
 *            [pref N] [interval D] [detect-mult N] [max-loss P] [max-rtt MS]
 *            [via ADDR] [dev DEV] [table N]
 *            [key-file FILE | unauthenticated]
 *   path set CHANNEL PATH KEY VALUE...
 *   path del CHANNEL PATH
 *
 * The kernel takes a channel's paths as one list that replaces the old
 * (keeping the sessions of the paths it finds unchanged), so each command
 * reads the channel, edits its list and sends it back whole in one
 * CHANNEL_SET. Every argument is checked before the kernel is asked, and
 * the edited list against the rules the kernel will apply, so a mistake
 * is said with its argument and changes nothing.
 *
 * A channel without probing has no key for the paths' sessions: its first
 * path needs key-file or unauthenticated, and then carries the channel's
 * health settings (defaults) too.
 *
 * dev (with via for a gateway) makes hotlinectl install the path's rule
 * and table route (route.h): before the kernel hears of the path, so its
 * first probe already leaves by it; removed after the path goes, unless
 * another path routes the same table. `dev none` removes them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>

#include "channel.h"
#include "hotlinectl.h"
#include "key.h"
#include "nl.h"
#include "route.h"
#include "status.h"

struct path_req {
	struct hl_path path;
	uint32_t given;			/* HL_P_* and the PR_* below */
	uint32_t reset;			/* overrides set back to the channel's */
	uint8_t local_family, probe_family, via_family;
	struct hl_health health;	/* key-file or unauthenticated only */
};

enum {
	PR_LOCAL	= 1u << 16,
	PR_PROBE	= 1u << 17,
	PR_MARK		= 1u << 18,
	PR_VIA		= 1u << 19,
	PR_DEV		= 1u << 20,
	PR_TABLE	= 1u << 21,
	PR_ROUTE	= PR_VIA | PR_DEV | PR_TABLE,
};

struct path_keyword {
	const char *name;
	uint32_t flag;
	bool add_only;			/* key-file, unauthenticated */
	int (*parse)(struct path_req *r, const char *v, struct parse_error *e);
};

static int pk_local(struct path_req *r, const char *v, struct parse_error *e)
{
	return parse_path_addr(v, &r->local_family, &r->path.local, e);
}

static int pk_probe(struct path_req *r, const char *v, struct parse_error *e)
{
	if (parse_path_probe(v, &r->probe_family, &r->path.probe,
			     &r->path.probe_port, e))
		return -1;
	r->path.has = (r->path.has & ~HL_P_PROBE_PORT) |
		      (r->path.probe_port ? HL_P_PROBE_PORT : 0);
	return 0;
}

static int pk_mark(struct path_req *r, const char *v, struct parse_error *e)
{
	return parse_mark(v, &r->path.mark, &r->path.mark_mask, e);
}

static int pk_pref(struct path_req *r, const char *v, struct parse_error *e)
{
	uint32_t n;

	if (parse_u32(v, 0, 255, &n, e))
		return -1;
	r->path.pref = (uint8_t)n;
	return 0;
}

/* "default": the channel's value again (path set) */
static bool pk_default(struct path_req *r, const char *v, uint32_t flag)
{
	if (strcmp(v, "default") != 0)
		return false;
	r->reset |= flag;
	return true;
}

static int pk_interval(struct path_req *r, const char *v, struct parse_error *e)
{
	if (pk_default(r, v, HL_P_INTERVAL))
		return 0;
	return parse_duration_ms(v, HOTLINE_MIN_INTERVAL_MS, HOTLINE_MAX_INTERVAL_MS,
				 &r->path.interval_ms, e);
}

static int pk_detect_mult(struct path_req *r, const char *v, struct parse_error *e)
{
	uint32_t n;

	if (pk_default(r, v, HL_P_DETECT_MULT))
		return 0;
	if (parse_u32(v, 1, 255, &n, e))
		return -1;
	r->path.detect_mult = (uint8_t)n;
	return 0;
}

static int pk_max_loss(struct path_req *r, const char *v, struct parse_error *e)
{
	if (pk_default(r, v, HL_P_MAX_LOSS))
		return 0;
	return parse_percent(v, &r->path.max_loss_pct, e);
}

static int pk_max_rtt(struct path_req *r, const char *v, struct parse_error *e)
{
	if (pk_default(r, v, HL_P_MAX_RTT))
		return 0;
	return parse_duration_ms(v, 0, 3600000, &r->path.max_rtt_ms, e);
}

static int pk_via(struct path_req *r, const char *v, struct parse_error *e)
{
	uint8_t family;

	r->path.has_via = strcmp(v, "none") != 0;
	if (!r->path.has_via)
		return 0;
	if (parse_path_addr(v, &family, &r->path.via, e))
		return -1;
	r->via_family = family;
	return 0;
}

static int pk_dev(struct path_req *r, const char *v, struct parse_error *e)
{
	r->path.has_route = strcmp(v, "none") != 0;
	if (!r->path.has_route)
		return 0;
	if (!ifname_is_valid(v))
		return parse_fail(e, "must be a device name (1..%d bytes, no / : or spaces)",
				  IF_NAMESIZE - 1);
	snprintf(r->path.dev, sizeof(r->path.dev), "%s", v);
	return 0;
}

static int pk_table(struct path_req *r, const char *v, struct parse_error *e)
{
	if (!strcmp(v, "default")) {
		r->path.table = 0;
		return 0;
	}
	return parse_path_table(v, &r->path.table, e);
}

static int pk_key_file(struct path_req *r, const char *v, struct parse_error *e)
{
	r->health.has |= HL_H_KEY;
	return key_file_read(v, r->health.key, e);
}

static int pk_unauth(struct path_req *r, const char *v, struct parse_error *e)
{
	(void)v;
	(void)e;
	r->health.has |= HL_H_UNAUTH;
	return 0;
}

static const struct path_keyword path_keywords[] = {
	{ "local", PR_LOCAL, false, pk_local },
	{ "probe", PR_PROBE, false, pk_probe },
	{ "mark", PR_MARK, false, pk_mark },
	{ "pref", HL_P_PREF, false, pk_pref },
	{ "interval", HL_P_INTERVAL, false, pk_interval },
	{ "detect-mult", HL_P_DETECT_MULT, false, pk_detect_mult },
	{ "max-loss", HL_P_MAX_LOSS, false, pk_max_loss },
	{ "max-rtt", HL_P_MAX_RTT, false, pk_max_rtt },
	{ "via", PR_VIA, false, pk_via },
	{ "dev", PR_DEV, false, pk_dev },
	{ "table", PR_TABLE, false, pk_table },
	{ "key-file", 0, true, pk_key_file },
	{ "unauthenticated", 0, true, pk_unauth },
};
#define NPATH_KEYWORDS (sizeof(path_keywords) / sizeof(path_keywords[0]))

static const struct path_keyword *path_keyword_find(const char *name)
{
	size_t i;

	for (i = 0; i < NPATH_KEYWORDS; i++)
		if (!strcmp(path_keywords[i].name, name))
			return &path_keywords[i];
	return NULL;
}

/* argv[0] CHANNEL, argv[1] PATH, then KEY VALUE pairs; 0 or EXIT_USAGE. */
static int path_args(int argc, char **argv, const char *verb, char *channel,
		     struct path_req *r)
{
	bool seen[NPATH_KEYWORDS] = { false };
	struct parse_error e;
	int i;

	memset(r, 0, sizeof(*r));
	path_init(&r->path);
	if (argc < 2)
		return usage_error("path %s needs a CHANNEL and a PATH name", verb);
	if (parse_name(argv[0], channel, &e))
		return invalid_arg("channel", argv[0], &e);
	if (parse_path_name(argv[1], r->path.name, &e))
		return invalid_arg("path", argv[1], &e);
	for (i = 2; i < argc; i++) {
		const struct path_keyword *k = path_keyword_find(argv[i]);
		size_t j;

		if (!k || (k->add_only && strcmp(verb, "add") != 0))
			return usage_error("unknown keyword \"%s\" for path %s", argv[i], verb);
		j = (size_t)(k - path_keywords);
		if (seen[j])
			return usage_error("keyword \"%s\" is given twice", k->name);
		seen[j] = true;
		if (!strcmp(k->name, "unauthenticated")) {
			k->parse(r, NULL, &e);
			continue;
		}
		if (i + 1 >= argc)
			return usage_error("keyword \"%s\" needs a value", k->name);
		i++;
		r->given |= k->flag;
		if (k->parse(r, argv[i], &e))
			return invalid_arg(k->name, argv[i], &e);
	}
	if ((r->health.has & HL_H_KEY) && (r->health.has & HL_H_UNAUTH))
		return usage_error("key-file and unauthenticated exclude each other");
	if ((r->given & PR_LOCAL) && (r->given & PR_PROBE) &&
	    r->local_family != r->probe_family)
		return usage_error("local and probe must both be IPv4 or both IPv6");
	if ((r->given & PR_LOCAL) && (r->given & PR_VIA) && r->path.has_via &&
	    r->local_family != r->via_family)
		return usage_error("via must be of the path's address family (local's)");
	if (!strcmp(verb, "add") && (r->given & (PR_VIA | PR_TABLE)) && !(r->given & PR_DEV))
		return usage_error("%s needs dev: the path's route is installed only with "
				   "its device", (r->given & PR_VIA) ? "via" : "table");
	return 0;
}

/* Writes what r gives over p; the overrides set to "default" are dropped. */
static void path_apply(struct hl_path *p, const struct path_req *r)
{
	const struct hl_path *n = &r->path;

	if (r->given & PR_LOCAL) {
		p->family = r->local_family;
		p->local = n->local;
	}
	if (r->given & PR_PROBE) {
		p->family = r->probe_family;
		p->probe = n->probe;
		p->probe_port = n->probe_port;
		p->has = (p->has & ~HL_P_PROBE_PORT) | (n->has & HL_P_PROBE_PORT);
	}
	if (r->given & PR_MARK) {
		p->mark = n->mark;
		p->mark_mask = n->mark_mask;
	}
	if (r->given & HL_P_PREF)
		p->pref = n->pref;
	if (r->given & HL_P_INTERVAL)
		p->interval_ms = n->interval_ms;
	if (r->given & HL_P_DETECT_MULT)
		p->detect_mult = n->detect_mult;
	if (r->given & HL_P_MAX_LOSS)
		p->max_loss_pct = n->max_loss_pct;
	if (r->given & HL_P_MAX_RTT)
		p->max_rtt_ms = n->max_rtt_ms;
	if (r->given & PR_DEV) {
		p->has_route = n->has_route;
		memcpy(p->dev, n->dev, sizeof(p->dev));
		if (!n->has_route) {	/* dev none: the whole route goes */
			p->has_via = false;
			p->table = 0;
		}
	}
	if (r->given & PR_VIA) {
		p->has_via = n->has_via;
		p->via = n->via;
	}
	if (r->given & PR_TABLE)
		p->table = n->table;
	p->has |= r->given & (HL_P_OVERRIDES & ~HL_P_PROBE_PORT);
	p->has &= ~r->reset;
}

enum path_op { PATH_ADD, PATH_SET, PATH_DEL };

/* The channel's list with the change made; 0, or an exit status after
 * saying why the change cannot be made. */
static int path_edit(struct hl_channel *ch, enum path_op op, const struct path_req *r)
{
	struct hl_path *p = channel_path(ch, r->path.name);
	struct parse_error e;

	if (op == PATH_ADD && p)
		return usage_error("channel \"%s\" has a path \"%s\" already: path set "
				   "changes it", ch->name, r->path.name);
	if (op != PATH_ADD && !p) {
		errorf("channel \"%s\" has no path \"%s\"", ch->name, r->path.name);
		return EXIT_ERROR;
	}
	if (op == PATH_DEL) {
		if (ch->npaths == 1)
			return usage_error("\"%s\" is the last path of channel \"%s\": "
					   "channel set %s probe ADDR replaces the paths "
					   "by one probe, channel set %s health none stops "
					   "probing", r->path.name, ch->name, ch->name, ch->name);
		memmove(p, p + 1, (size_t)(&ch->paths[ch->npaths] - (p + 1)) * sizeof(*p));
		ch->npaths--;
		return 0;
	}
	if (op == PATH_ADD) {
		if (ch->npaths == HOTLINE_PATHS_MAX)
			return usage_error("channel \"%s\" has %d paths, the most it may have",
					   ch->name, HOTLINE_PATHS_MAX);
		p = &ch->paths[ch->npaths++];
		path_init(p);
		snprintf(p->name, sizeof(p->name), "%s", r->path.name);
	}
	path_apply(p, r);
	if ((r->given & PR_VIA) && r->path.has_via && r->via_family != p->family)
		return usage_error("path %s %s %s: via is not of the path's address family",
				   op == PATH_ADD ? "add" : "set", ch->name, r->path.name);
	if (path_check(p, &e) || paths_check(ch, &e))
		return usage_error("path %s %s %s: %s", op == PATH_ADD ? "add" : "set",
				   ch->name, r->path.name, e.why);
	return 0;
}

static int path_fetch(struct hl_nl *nl, const char *name, struct hl_channel *ch)
{
	struct hl_channel_list l = { 0 };
	int ret = EXIT_ERROR;

	if (!channels_fetch(nl, name, &l) && l.n == 1) {
		*ch = l.v[0];
		ret = EXIT_OK;
	} else if (l.n != 1) {
		errorf("the kernel did not return channel \"%s\"", name);
	}
	free(l.v);
	return ret;
}

/* The health a channel without probing gets with its first path. */
static int health_for_paths(const struct hl_channel *cur, struct hl_channel *req,
			    const struct path_req *r)
{
	struct hl_health *h = &req->health;

	if (cur->has & HL_HAS_HEALTH) {
		if (r->health.has)
			return usage_error("channel \"%s\" probes already: key-file and "
					   "unauthenticated are channel set's", cur->name);
		return 0;
	}
	if (!r->health.has)
		return usage_error("channel \"%s\" has no probing yet: its first path "
				   "needs key-file PATH (see genkey) or unauthenticated",
				   cur->name);
	memset(h, 0, sizeof(*h));
	h->has = r->health.has;
	memcpy(h->key, r->health.key, sizeof(h->key));
	req->has |= HL_HAS_HEALTH;
	return 0;
}

/* The channel, and all of them, with their paths' routes as installed. */
static int path_fetch_routed(struct hl_nl *nl, struct nl_sock *rt, const char *name,
			     struct hl_channel *ch, struct hl_channel_list *all,
			     struct hl_routes *have)
{
	int ret = path_fetch(nl, name, ch);

	if (!ret && channels_fetch(nl, NULL, all))
		ret = EXIT_ERROR;
	if (!ret && routes_read(rt, have))
		ret = EXIT_ERROR;
	if (!ret) {
		routes_attach(ch, 1, have);
		routes_attach(all->v, all->n, have);
	}
	return ret;
}

static int path_send(struct hl_nl *nl, const struct hl_channel *req)
{
	struct nlmsghdr *nlh = hlnl_request(nl, HOTLINE_CMD_CHANNEL_SET, NLM_F_ACK);
	int err;

	channel_encode(nlh, req);
	err = hlnl_transact(nl, nlh, NULL, NULL);
	if (err) {
		hlnl_perror(nl, err);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

static int path_change(int argc, char **argv, enum path_op op)
{
	static const char *const verbs[] = { "add", "set", "del" };
	char channel[HOTLINE_NAME_MAX + 1];
	struct hl_routes have = { 0 }, want = { 0 };
	struct hl_channel_list all = { 0 };
	struct hl_channel cur, old, req;
	struct nl_sock *rt = NULL;
	struct parse_error e;
	struct path_req r;
	bool kernel;
	struct hl_nl nl;
	int ret;

	ret = path_args(argc, argv, verbs[op], channel, &r);
	if (ret)
		return ret;
	if (op == PATH_ADD && (r.given & (PR_LOCAL | PR_PROBE | PR_MARK)) !=
	    (PR_LOCAL | PR_PROBE | PR_MARK))
		ret = usage_error("path add needs local ADDR, probe ADDR[:PORT] and "
				  "mark M[/MASK]");
	else if (op == PATH_SET && !r.given && !r.reset)
		ret = usage_error("path set %s %s: nothing to change", channel, r.path.name);
	else if (op == PATH_DEL && argc != 2)
		ret = usage_error("usage: path del CHANNEL PATH");
	if (ret)
		goto out_key;
	if (hlnl_open(&nl)) {
		ret = EXIT_ERROR;
		goto out_key;
	}
	rt = route_socket();
	ret = rt ? path_fetch_routed(&nl, rt, channel, &cur, &all, &have) : EXIT_ERROR;
	if (!ret) {
		old = cur;
		ret = path_edit(&cur, op, &r);
	}
	if (!ret && routes_change(&have, &old, all.v, all.n, &cur, &want, &e)) {
		errorf("%s; nothing was changed", e.why);
		ret = EXIT_ERROR;
	}
	channel_init(&req);
	snprintf(req.name, sizeof(req.name), "%s", channel);
	req.has = HL_HAS_NAME | HL_HAS_PATHS;
	if (!ret && op == PATH_ADD)
		ret = health_for_paths(&cur, &req, &r);
	if (ret)
		goto out;
	req.npaths = cur.npaths;
	memcpy(req.paths, cur.paths, sizeof(req.paths));
	/* a change of the route alone is hotlinectl's: the kernel has none */
	kernel = op != PATH_SET || (r.given & ~PR_ROUTE) || r.reset;
	if (routes_install(rt, &have, &want)) {
		routes_restore(rt, &have);
		ret = EXIT_ERROR;
		goto out;
	}
	if (kernel && path_send(&nl, &req)) {
		routes_restore(rt, &have);
		ret = EXIT_ERROR;
		goto out;
	}
	if (routes_remove(rt, &have, &want))
		ret = EXIT_ERROR;
out:
	explicit_bzero(req.health.key, sizeof(req.health.key));
	routes_free(&have);
	routes_free(&want);
	free(all.v);
	if (rt)
		nl_socket_free(rt);
	hlnl_close(&nl);
out_key:
	explicit_bzero(r.health.key, sizeof(r.health.key));
	return ret;
}

int cmd_path(int argc, char **argv)
{
	const char *verb;

	if (argc < 2)
		return usage_error("path needs add, set or del: see hotlinectl help path");
	verb = argv[1];
	argc -= 2;
	argv += 2;
	if (!strcmp(verb, "add"))
		return path_change(argc, argv, PATH_ADD);
	if (!strcmp(verb, "set"))
		return path_change(argc, argv, PATH_SET);
	if (!strcmp(verb, "del") || !strcmp(verb, "delete"))
		return path_change(argc, argv, PATH_DEL);
	return usage_error("unknown path command \"%s\": use add, set or del", verb);
}
