// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `hotlinectl channel`: add, set, del, show.
 *
 * Health settings are one nested attribute that the kernel replaces whole,
 * and it never gives a key back. So `channel set` with some health options
 * reads the channel first and sends the merged settings; a keyed channel
 * then needs its key-file again, which is said plainly rather than guessed.
 *
 * A channel with paths (path_cmd.c) keeps its health settings as the
 * paths' defaults: `set` edits them without a probe address. `set probe
 * ADDR` replaces the paths by that one probe, and `set health none` drops
 * the paths with the probing, both in one request, as the kernel allows no
 * paths without probing and no probe address beside paths.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include <netlink/netlink.h>

#include "channel.h"
#include "hotlinectl.h"
#include "key.h"
#include "nl.h"
#include "output.h"
#include "route.h"
#include "status.h"

/* Health options other than probe: any of them without probe on add is an
 * error, on set it edits the current health settings. */
#define HL_H_TUNING (HL_H_LOCAL_PORT | HL_H_INTERVAL | HL_H_DETECT_MULT | \
		     HL_H_KEY | HL_H_UNAUTH | HL_H_MAX_LOSS | HL_H_MAX_RTT)

struct channel_req {
	struct hl_channel ch;
	bool health_none;
};

enum kw_flags {
	KW_FLAG		= 1 << 0,	/* takes no value */
	KW_SET_ONLY	= 1 << 1,
};

struct keyword {
	const char *name;
	unsigned int flags;
	int (*parse)(struct channel_req *r, const char *v, struct parse_error *e);
};

static int kw_peer(struct channel_req *r, const char *v, struct parse_error *e)
{
	r->ch.has |= HL_HAS_PEER;
	return parse_prefix(v, &r->ch.peer, e);
}

static int kw_local(struct channel_req *r, const char *v, struct parse_error *e)
{
	r->ch.has |= HL_HAS_LOCAL;
	if (!strcmp(v, "none")) {
		memset(&r->ch.local, 0, sizeof(r->ch.local));
		return 0;
	}
	return parse_prefix(v, &r->ch.local, e);
}

static int kw_proto(struct channel_req *r, const char *v, struct parse_error *e)
{
	r->ch.has |= HL_HAS_PROTO;
	return parse_proto(v, &r->ch.proto, e);
}

static int kw_port(struct channel_req *r, const char *v, struct parse_error *e)
{
	r->ch.has |= HL_HAS_PORT;
	if (!strcmp(v, "none")) {
		r->ch.port_min = r->ch.port_max = 0;
		return 0;
	}
	return parse_port_range(v, &r->ch.port_min, &r->ch.port_max, e);
}

static int kw_dscp(struct channel_req *r, const char *v, struct parse_error *e)
{
	r->ch.has |= HL_HAS_DSCP;
	return parse_dscp(v, &r->ch.dscp, e);
}

static int kw_priority(struct channel_req *r, const char *v,
		       struct parse_error *e)
{
	r->ch.has |= HL_HAS_PRIORITY;
	return parse_priority(v, &r->ch.priority, e);
}

static int kw_mark(struct channel_req *r, const char *v, struct parse_error *e)
{
	r->ch.has |= HL_HAS_MARK;
	return parse_mark(v, &r->ch.mark, &r->ch.mark_mask, e);
}

static int kw_probe(struct channel_req *r, const char *v, struct parse_error *e)
{
	r->ch.health.has |= HL_H_PROBE;
	return parse_probe(v, HOTLINE_DEFAULT_STAMP_PORT, &r->ch.health.probe, e);
}

static int kw_health(struct channel_req *r, const char *v, struct parse_error *e)
{
	if (strcmp(v, "none") != 0) {
		snprintf(e->why, sizeof(e->why),
			 "only \"health none\" is known (it removes probing)");
		return -1;
	}
	r->health_none = true;
	return 0;
}

static int kw_local_port(struct channel_req *r, const char *v,
			 struct parse_error *e)
{
	r->ch.health.has |= HL_H_LOCAL_PORT;
	return parse_port(v, &r->ch.health.local_port, e);
}

static int kw_interval(struct channel_req *r, const char *v,
		       struct parse_error *e)
{
	r->ch.health.has |= HL_H_INTERVAL;
	return parse_duration_ms(v, HOTLINE_MIN_INTERVAL_MS,
				 HOTLINE_MAX_INTERVAL_MS,
				 &r->ch.health.interval_ms, e);
}

static int kw_detect_mult(struct channel_req *r, const char *v,
			  struct parse_error *e)
{
	uint32_t n;

	r->ch.health.has |= HL_H_DETECT_MULT;
	if (parse_u32(v, 1, 255, &n, e))
		return -1;
	r->ch.health.detect_mult = (uint8_t)n;
	return 0;
}

static int kw_key_file(struct channel_req *r, const char *v,
		       struct parse_error *e)
{
	r->ch.health.has |= HL_H_KEY;
	return key_file_read(v, r->ch.health.key, e);
}

static int kw_unauth(struct channel_req *r, const char *v,
		     struct parse_error *e)
{
	(void)v;
	(void)e;
	r->ch.health.has |= HL_H_UNAUTH;
	return 0;
}

static int kw_max_loss(struct channel_req *r, const char *v,
		       struct parse_error *e)
{
	r->ch.health.has |= HL_H_MAX_LOSS;
	return parse_percent(v, &r->ch.health.max_loss_pct, e);
}

static int kw_max_rtt(struct channel_req *r, const char *v,
		      struct parse_error *e)
{
	r->ch.health.has |= HL_H_MAX_RTT;
	return parse_duration_ms(v, 0, 3600000, &r->ch.health.max_rtt_ms, e);
}

static int kw_failback(struct channel_req *r, const char *v, struct parse_error *e)
{
	r->ch.has |= HL_HAS_FAILBACK;
	return parse_duration_ms(v, 0, HOTLINE_MAX_FAILBACK_MS, &r->ch.failback_ms, e);
}

static int kw_revertive(struct channel_req *r, const char *v, struct parse_error *e)
{
	r->ch.has |= HL_HAS_REVERTIVE;
	if (!strcmp(v, "yes"))
		r->ch.nonrevertive = false;
	else if (!strcmp(v, "no"))
		r->ch.nonrevertive = true;
	else
		return parse_fail(e, "must be yes or no");
	return 0;
}

static const struct keyword keywords[] = {
	{ "peer", 0, kw_peer },
	{ "local", 0, kw_local },
	{ "proto", 0, kw_proto },
	{ "port", 0, kw_port },
	{ "dscp", 0, kw_dscp },
	{ "priority", 0, kw_priority },
	{ "mark", 0, kw_mark },
	{ "probe", 0, kw_probe },
	{ "health", KW_SET_ONLY, kw_health },
	{ "local-port", 0, kw_local_port },
	{ "interval", 0, kw_interval },
	{ "detect-mult", 0, kw_detect_mult },
	{ "key-file", 0, kw_key_file },
	{ "unauthenticated", KW_FLAG, kw_unauth },
	{ "max-loss", 0, kw_max_loss },
	{ "max-rtt", 0, kw_max_rtt },
	{ "failback", 0, kw_failback },
	{ "revertive", 0, kw_revertive },
};
#define NKEYWORDS (sizeof(keywords) / sizeof(keywords[0]))

static bool port_proto(uint8_t proto)
{
	return proto == HOTLINE_PROTO_TCP || proto == HOTLINE_PROTO_UDP ||
	       proto == HOTLINE_PROTO_SCTP;
}

/* argv[0] is NAME; returns 0 or EXIT_USAGE after saying why. */
static int channel_args(int argc, char **argv, bool is_set,
			struct channel_req *r)
{
	const char *verb = is_set ? "set" : "add";
	bool seen[NKEYWORDS] = { false };
	struct parse_error e;
	struct hl_health *h = &r->ch.health;
	int i;

	memset(r, 0, sizeof(*r));
	channel_init(&r->ch);
	if (argc < 1)
		return usage_error("channel %s needs a NAME", verb);
	if (parse_name(argv[0], r->ch.name, &e))
		return invalid_arg("name", argv[0], &e);
	r->ch.has |= HL_HAS_NAME;

	for (i = 1; i < argc; i++) {
		const struct keyword *k = NULL;
		size_t j;

		for (j = 0; j < NKEYWORDS; j++)
			if (!strcmp(argv[i], keywords[j].name))
				k = &keywords[j];
		if (!k || ((k->flags & KW_SET_ONLY) && !is_set))
			return usage_error("unknown keyword \"%s\" for channel %s",
					   argv[i], verb);
		j = (size_t)(k - keywords);
		if (seen[j])
			return usage_error("keyword \"%s\" is given twice", k->name);
		seen[j] = true;
		if (k->flags & KW_FLAG) {
			k->parse(r, NULL, &e);
			continue;
		}
		if (i + 1 >= argc)
			return usage_error("keyword \"%s\" needs a value", k->name);
		i++;
		if (k->parse(r, argv[i], &e))
			return invalid_arg(k->name, argv[i], &e);
	}

	/* on add, "none" is what leaving the option out means */
	if (!is_set && (r->ch.has & HL_HAS_LOCAL) && !r->ch.local.family)
		r->ch.has &= ~HL_HAS_LOCAL;
	if (!is_set && (r->ch.has & HL_HAS_PORT) && !r->ch.port_min)
		r->ch.has &= ~HL_HAS_PORT;
	if (!is_set && !(r->ch.has & HL_HAS_PEER))
		return usage_error("channel add needs peer PREFIX");
	if ((r->ch.has & HL_HAS_PEER) && (r->ch.has & HL_HAS_LOCAL) &&
	    r->ch.local.family && r->ch.local.family != r->ch.peer.family)
		return usage_error("local and peer must both be IPv4 or both IPv6");
	if ((r->ch.has & HL_HAS_PORT) && r->ch.port_min &&
	    (!is_set || (r->ch.has & HL_HAS_PROTO)) && !port_proto(r->ch.proto))
		return usage_error("port needs proto tcp, udp or sctp");
	if ((h->has & HL_H_KEY) && (h->has & HL_H_UNAUTH))
		return usage_error("key-file and unauthenticated exclude each other");
	if (r->health_none && h->has)
		return usage_error("health none cannot go with other health options");
	if (!is_set && h->has && !(h->has & HL_H_PROBE))
		return usage_error("health options need probe ADDR[:PORT]");
	if (!is_set && (h->has & HL_H_PROBE) && !(h->has & (HL_H_KEY | HL_H_UNAUTH)))
		return usage_error("probe needs key-file PATH (see genkey) or unauthenticated");
	if (h->has)
		r->ch.has |= HL_HAS_HEALTH;
	if (r->health_none) {
		/* paths cannot be without probing: they go too */
		r->ch.has |= HL_HAS_HEALTH | HL_HAS_PATHS;
		r->ch.npaths = 0;
		memset(h, 0, sizeof(*h));
	}
	return 0;
}

/* Collects the channels the kernel sends for a GET or a dump. */
static int channel_collect(const struct nlmsghdr *nlh, void *data)
{
	struct hl_channel_list *l = data;
	struct parse_error e;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v)
			abort();
	}
	if (channel_decode(nlh, &l->v[l->n], &e)) {
		errorf("the kernel sent a malformed channel: %s", e.why);
		return -1;
	}
	l->n++;
	return 0;
}

static void channel_list_reset(void *data)
{
	((struct hl_channel_list *)data)->n = 0;
}

/* One channel into l, saying nothing of an error. */
static int channel_get(struct hl_nl *nl, const char *name, struct hl_channel_list *l)
{
	struct nlmsghdr *req;

	l->n = 0;
	req = hlnl_request(nl, HOTLINE_CMD_CHANNEL_GET, NLM_F_ACK);
	mnl_attr_put_strz(req, HOTLINE_A_CHANNEL_NAME, name);
	return hlnl_transact(nl, req, channel_collect, l);
}

int channels_fetch(struct hl_nl *nl, const char *name, struct hl_channel_list *l)
{
	struct nlmsghdr *req;
	int err;

	l->n = 0;
	if (name) {
		err = channel_get(nl, name, l);
	} else {
		req = hlnl_request(nl, HOTLINE_CMD_CHANNEL_GET, NLM_F_DUMP);
		err = hlnl_dump(nl, req, channel_collect, channel_list_reset, l);
	}
	if (err == -ENOENT && name && !nl->ext_msg[0])
		errorf("no channel named \"%s\"", name);
	else if (err)
		hlnl_perror(nl, err);
	return err;
}

static void channel_error(const struct hl_nl *nl, int err, const char *name)
{
	if (err == -ENOENT && !nl->ext_msg[0])
		errorf("no channel named \"%s\"", name);
	else if (err == -EEXIST && !nl->ext_msg[0])
		errorf("a channel named \"%s\" exists already", name);
	else
		hlnl_perror(nl, err);
}

/* Fills what `set` left out of the health settings from the channel now. */
static int health_merge(struct hl_nl *nl, struct hl_channel *ch)
{
	struct hl_channel_list l = { 0 };
	struct hl_health *h = &ch->health, cur;
	int ret = EXIT_ERROR;
	bool keyed;

	if (channels_fetch(nl, ch->name, &l))
		goto out;
	if (l.n != 1) {
		errorf("the kernel did not return channel \"%s\"", ch->name);
		goto out;
	}
	if (!(l.v[0].has & HL_HAS_HEALTH)) {
		if (!(h->has & HL_H_PROBE)) {
			ret = usage_error("channel \"%s\" has no health probing yet: "
					  "give probe ADDR[:PORT]", ch->name);
			goto out;
		}
		if (!(h->has & (HL_H_KEY | HL_H_UNAUTH))) {
			ret = usage_error("probe needs key-file PATH (see genkey) "
					  "or unauthenticated");
			goto out;
		}
		ret = EXIT_OK;
		goto out;
	}
	cur = l.v[0].health;
	if ((h->has & HL_H_PROBE) && l.v[0].npaths) {
		/* one probe address instead of the paths, in one request */
		ch->has |= HL_HAS_PATHS;
		ch->npaths = 0;
	}
	if (!(h->has & HL_H_PROBE))
		h->probe = cur.probe;
	if (cur.has & HL_H_PROBE)
		h->has |= HL_H_PROBE;
	if (!(h->has & HL_H_LOCAL_PORT))
		h->local_port = cur.local_port;
	if (!(h->has & HL_H_INTERVAL))
		h->interval_ms = cur.interval_ms;
	if (!(h->has & HL_H_DETECT_MULT))
		h->detect_mult = cur.detect_mult;
	if (!(h->has & HL_H_MAX_LOSS))
		h->max_loss_pct = cur.max_loss_pct;
	if (!(h->has & HL_H_MAX_RTT))
		h->max_rtt_ms = cur.max_rtt_ms;
	if (!(h->has & (HL_H_KEY | HL_H_UNAUTH))) {
		if (cur.keyed) {
			ret = usage_error("channel \"%s\" is keyed and the kernel never "
					  "returns keys: give key-file PATH again",
					  ch->name);
			goto out;
		}
		h->has |= HL_H_UNAUTH;
	}
	keyed = h->has & HL_H_KEY;
	h->has |= HL_H_TUNING;
	h->has &= ~(keyed ? HL_H_UNAUTH : HL_H_KEY);
	ret = EXIT_OK;
out:
	free(l.v);
	return ret;
}

/*
 * The routes hotlinectl installed for the channel's paths (route.h) go
 * with the channel or its paths (channel del, channel set probe ADDR or
 * health none), but those another channel's paths route by too: read
 * before the kernel changes, removed after.
 */
static int channel_routes_plan(struct hl_nl *nl, struct nl_sock *rt, const char *name,
			       struct hl_routes *have, struct hl_routes *want)
{
	struct hl_channel_list all = { 0 };
	struct parse_error e;
	int ret = EXIT_ERROR;
	size_t i;

	/*
	 * Only a channel with paths has routes of its own. Asked first and
	 * quietly (a missing channel is the change's error to report), this
	 * keeps deleting one of 10,000 pathless channels from reading them
	 * all: that made a delete cost a dump of the whole table.
	 */
	if (channel_get(nl, name, &all) || all.n != 1 || !all.v[0].npaths) {
		ret = EXIT_OK;
		goto out;
	}
	if (channels_fetch(nl, NULL, &all) || routes_read(rt, have))
		goto out;
	routes_attach(all.v, all.n, have);
	for (i = 0; i < all.n && strcmp(all.v[i].name, name) != 0; i++)
		;
	if (i == all.n) {
		ret = EXIT_OK;	/* the kernel says why it cannot delete it */
		goto out;
	}
	if (routes_change(have, &all.v[i], all.v, all.n, NULL, want, &e))
		errorf("%s", e.why);
	else
		ret = EXIT_OK;
out:
	free(all.v);
	return ret;
}

static int channel_change(int argc, char **argv, bool is_set)
{
	struct hl_routes have = { 0 }, want = { 0 };
	struct nl_sock *rt = NULL;
	struct channel_req r;
	struct hl_nl nl;
	struct nlmsghdr *req;
	int ret, err;

	ret = channel_args(argc, argv, is_set, &r);
	if (ret)
		return ret;
	if (is_set && (r.ch.has & ~HL_HAS_NAME) == 0)
		return usage_error("channel set %s: nothing to change", r.ch.name);
	if (hlnl_open(&nl))
		return EXIT_ERROR;
	if (is_set && r.ch.health.has) {
		ret = health_merge(&nl, &r.ch);
		if (ret)
			goto out;
	}
	if (is_set && (r.ch.has & HL_HAS_PATHS) && !r.ch.npaths) {
		rt = route_socket();
		ret = EXIT_ERROR;
		if (!rt || channel_routes_plan(&nl, rt, r.ch.name, &have, &want))
			goto out;
	}
	req = hlnl_request(&nl, is_set ? HOTLINE_CMD_CHANNEL_SET :
			 HOTLINE_CMD_CHANNEL_NEW, NLM_F_ACK);
	channel_encode(req, &r.ch);
	err = hlnl_transact(&nl, req, NULL, NULL);
	ret = EXIT_OK;
	if (err) {
		channel_error(&nl, err, r.ch.name);
		ret = EXIT_ERROR;
	} else if (rt && routes_remove(rt, &have, &want)) {
		ret = EXIT_ERROR;
	}
out:
	explicit_bzero(&r.ch.health.key, sizeof(r.ch.health.key));
	routes_free(&have);
	routes_free(&want);
	if (rt)
		nl_socket_free(rt);
	hlnl_close(&nl);
	return ret;
}

static int channel_del(int argc, char **argv)
{
	struct hl_routes have = { 0 }, want = { 0 };
	char name[HOTLINE_NAME_MAX + 1];
	struct nl_sock *rt = NULL;
	struct parse_error e;
	struct nlmsghdr *req;
	struct hl_nl nl;
	int err = -1;

	if (argc != 1)
		return usage_error("usage: channel del NAME");
	if (parse_name(argv[0], name, &e))
		return invalid_arg("name", argv[0], &e);
	if (hlnl_open(&nl))
		return EXIT_ERROR;
	rt = route_socket();
	if (!rt || channel_routes_plan(&nl, rt, name, &have, &want))
		goto out;
	req = hlnl_request(&nl, HOTLINE_CMD_CHANNEL_DEL, NLM_F_ACK);
	mnl_attr_put_strz(req, HOTLINE_A_CHANNEL_NAME, name);
	err = hlnl_transact(&nl, req, NULL, NULL);
	if (err)
		channel_error(&nl, err, name);
	else if (routes_remove(rt, &have, &want))
		err = -1;
out:
	routes_free(&have);
	routes_free(&want);
	if (rt)
		nl_socket_free(rt);
	hlnl_close(&nl);
	return err ? EXIT_ERROR : EXIT_OK;
}

static int channel_show(int argc, char **argv)
{
	char name[HOTLINE_NAME_MAX + 1];
	struct hl_channel_list l = { 0 };
	struct parse_error e;
	struct hl_nl nl;
	int err;

	if (argc > 1)
		return usage_error("usage: channel show [NAME]");
	if (argc == 1 && parse_name(argv[0], name, &e))
		return invalid_arg("name", argv[0], &e);
	if (hlnl_open(&nl))
		return EXIT_ERROR;
	err = channels_fetch(&nl, argc == 1 ? name : NULL, &l);
	if (!err)
		channels_print(stdout, l.v, l.n, opts.json, opts.stats);
	free(l.v);
	hlnl_close(&nl);
	return err ? EXIT_ERROR : EXIT_OK;
}

int cmd_channel(int argc, char **argv)
{
	const char *verb;

	if (argc < 2)
		return channel_show(0, NULL);
	verb = argv[1];
	argc -= 2;
	argv += 2;
	if (!strcmp(verb, "add"))
		return channel_change(argc, argv, false);
	if (!strcmp(verb, "set"))
		return channel_change(argc, argv, true);
	if (!strcmp(verb, "del") || !strcmp(verb, "delete"))
		return channel_del(argc, argv);
	if (!strcmp(verb, "show") || !strcmp(verb, "list"))
		return channel_show(argc, argv);
	return usage_error("unknown channel command \"%s\": use add, set, del or show",
			   verb);
}
