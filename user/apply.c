// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `hotlinectl apply FILE [--dry-run | --check]` and `hotlinectl showconf`.
 *
 * apply reads and checks the whole file (key files included) before it
 * talks to the kernel, so a file with any mistake changes nothing. Then it
 * compares the file with the running channels and does the least that
 * makes them equal, in three passes: deletes of channels the file does not
 * name, sets of the attributes that differ, adds of the missing channels.
 * A channel the file describes as it runs is left out: its id, counters
 * and health session go on untouched. The plan goes to the kernel as one
 * request (HOTLINE_CMD_APPLY), which makes every step or none: an apply
 * that fails, even for want of memory, leaves the table as it was.
 *
 * Keys: the kernel never returns a key, only that a channel is keyed. So
 * for a keyed channel apply cannot see whether the key file changed; it
 * sends the key again (a "key" step). The kernel compares keys and keeps
 * the health session when the key is the same, and starts a new session
 * when it differs, so rotating a key is: edit the key file, apply.
 *
 * [Interface DEV] sections (iface.c) come after the channels, device by
 * device: a guard attached then admits the new channels' peers at once,
 * and a device that fails stops the apply with the channels made.
 */
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>

#include <json-c/json.h>
#include <netlink/netlink.h>

#include "config.h"
#include "hotlinectl.h"
#include "iface.h"
#include "nl.h"
#include "route.h"
#include "status.h"

enum step_op { STEP_DEL, STEP_SET, STEP_KEY, STEP_ADD };

struct change {
	char field[HOTLINE_PATH_NAME_MAX + 32];	/* "Mark", "Path isp-a Probe" */
	char old[HL_FMT_MAX + 16], new[HL_FMT_MAX + 16];
};

struct step {
	enum step_op op;
	struct hl_channel req;		/* what is sent */
	const char *key_file;
	struct change *changes;
	size_t nchanges;
	size_t nroute;			/* of them, Via/Device/Table: not the kernel's */
};

/* A step that only changes routes hotlinectl installs: nothing to send. */
static bool step_is_kernel(const struct step *s)
{
	return s->op != STEP_SET || s->nchanges > s->nroute ||
	       (s->req.has & ~HL_HAS_NAME);
}

struct plan {
	struct step *v;
	size_t n;
};

static struct step *plan_add(struct plan *p, enum step_op op, const char *name)
{
	struct step *s;

	p->v = realloc(p->v, (p->n + 1) * sizeof(*p->v));
	if (!p->v)
		abort();
	s = &p->v[p->n++];
	memset(s, 0, sizeof(*s));
	s->op = op;
	channel_init(&s->req);
	snprintf(s->req.name, sizeof(s->req.name), "%s", name);
	s->req.has = HL_HAS_NAME;
	return s;
}

static void plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		explicit_bzero(p->v[i].req.health.key, HOTLINE_KEY_LEN);
		free(p->v[i].changes);
	}
	free(p->v);
}

static void change(struct step *s, const char *field, const char *old,
		   const char *new)
{
	struct change *c;

	s->changes = realloc(s->changes, (s->nchanges + 1) * sizeof(*s->changes));
	if (!s->changes)
		abort();
	c = &s->changes[s->nchanges++];
	snprintf(c->field, sizeof(c->field), "%s", field);
	snprintf(c->old, sizeof(c->old), "%s", old);
	snprintf(c->new, sizeof(c->new), "%s", new);
}

static const char *fmt_local(const struct hl_channel *ch, char *buf)
{
	if (!(ch->has & HL_HAS_LOCAL) || !ch->local.family)
		return "none";
	return format_prefix(&ch->local, buf);
}

static const char *fmt_port(const struct hl_channel *ch, char *buf)
{
	if (!(ch->has & HL_HAS_PORT) || !ch->port_min)
		return "none";
	return format_port_range(ch->port_min, ch->port_max, buf);
}

static const char *fmt_u32(uint32_t v, char *buf)
{
	snprintf(buf, HL_FMT_MAX, "%u", v);
	return buf;
}

/* "none" for a channel whose paths probe */
static const char *fmt_probe(const struct hl_health *h, char *buf)
{
	return (h->has & HL_H_PROBE) ? format_probe(&h->probe, buf) : "none";
}

static const char *fmt_opt(const struct hl_path *p, uint32_t flag, uint32_t v,
			   char *buf)
{
	return (p->has & flag) ? fmt_u32(v, buf) : "-";
}

/* Compares one field as the file spells it; records it when it differs. */
static bool differs(struct step *s, const char *field, const char *old,
		    const char *new)
{
	if (!strcmp(old, new))
		return false;
	change(s, field, old, new);
	return true;
}

struct field_diff {
	const char *key, *old, *new;
};

/* One path's settings that differ, as "Path NAME FIELD: OLD -> NEW". */
static void plan_path(struct step *s, const struct hl_path *o, const struct hl_path *n)
{
	char a[8][HL_FMT_MAX], b[8][HL_FMT_MAX], field[HOTLINE_PATH_NAME_MAX + 32];
	const struct field_diff f[] = {
		{ "Local", format_path_addr(o->family, &o->local, a[0]),
		  format_path_addr(n->family, &n->local, b[0]) },
		{ "Probe", format_path_probe(o, a[1]), format_path_probe(n, b[1]) },
		{ "Mark", format_mark(o->mark, o->mark_mask, a[2]),
		  format_mark(n->mark, n->mark_mask, b[2]) },
		{ "Preference", fmt_u32(o->pref, a[3]), fmt_u32(n->pref, b[3]) },
		{ "Interval", fmt_opt(o, HL_P_INTERVAL, o->interval_ms, a[4]),
		  fmt_opt(n, HL_P_INTERVAL, n->interval_ms, b[4]) },
		{ "DetectMult", fmt_opt(o, HL_P_DETECT_MULT, o->detect_mult, a[5]),
		  fmt_opt(n, HL_P_DETECT_MULT, n->detect_mult, b[5]) },
		{ "MaxLoss", fmt_opt(o, HL_P_MAX_LOSS, o->max_loss_pct, a[6]),
		  fmt_opt(n, HL_P_MAX_LOSS, n->max_loss_pct, b[6]) },
		{ "MaxRTT", fmt_opt(o, HL_P_MAX_RTT, o->max_rtt_ms, a[7]),
		  fmt_opt(n, HL_P_MAX_RTT, n->max_rtt_ms, b[7]) },
	};
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		snprintf(field, sizeof(field), "Path %s %s", n->name, f[i].key);
		differs(s, field, f[i].old, f[i].new);
	}
}

static const char *fmt_via(const struct hl_path *p, char *buf)
{
	return p->has_route && p->has_via ? format_path_addr(p->family, &p->via, buf) : "-";
}

/* The route hotlinectl installs for a path: changes of its own. */
static size_t plan_path_route(struct step *s, const struct hl_path *o,
			      const struct hl_path *n)
{
	char a[2][HL_FMT_MAX], b[2][HL_FMT_MAX], field[HOTLINE_PATH_NAME_MAX + 32];
	const struct field_diff f[] = {
		{ "Via", fmt_via(o, a[0]), fmt_via(n, b[0]) },
		{ "Device", o->has_route ? o->dev : "-", n->has_route ? n->dev : "-" },
		{ "Table", o->has_route ? fmt_u32(path_route_table(o), a[1]) : "-",
		  n->has_route ? fmt_u32(path_route_table(n), b[1]) : "-" },
	};
	size_t i, k = 0;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		snprintf(field, sizeof(field), "Path %s %s", n->name, f[i].key);
		k += differs(s, field, f[i].old, f[i].new);
	}
	return k;
}

/* "isp-a,isp-b" in their order, which breaks ties of preference */
static const char *fmt_path_order(const struct hl_channel *ch, char *buf)
{
	size_t off = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < ch->npaths && off < HL_FMT_MAX; i++)
		off += (size_t)snprintf(buf + off, HL_FMT_MAX - off, "%s%s", i ? "," : "",
					ch->paths[i].name);
	return ch->npaths ? buf : "none";
}

/*
 * Paths, FailbackHold and Revertive. A path list that differs in any way
 * goes whole in the one CHANNEL_SET (the kernel keeps the sessions of the
 * paths it finds unchanged by name); the plan says what changes on which.
 */
static void plan_failover(struct step *s, const struct hl_channel *cur,
			  const struct hl_channel *want)
{
	char a[HL_FMT_MAX], b[HL_FMT_MAX];
	struct hl_channel *r = &s->req;
	size_t before = s->nchanges;
	unsigned int i;

	for (i = 0; i < cur->npaths; i++)
		if (!channel_path_find(want, cur->paths[i].name))
			change(s, "Path", cur->paths[i].name, "none");
	for (i = 0; i < want->npaths; i++) {
		const struct hl_path *o = channel_path_find(cur, want->paths[i].name);

		if (o) {
			plan_path(s, o, &want->paths[i]);
			s->nroute += plan_path_route(s, o, &want->paths[i]);
		} else {
			change(s, "Path", "none", want->paths[i].name);
		}
	}
	if (s->nchanges - s->nroute == before)
		differs(s, "Paths", fmt_path_order(cur, a), fmt_path_order(want, b));
	if (s->nchanges - s->nroute > before) {
		r->has |= HL_HAS_PATHS;
		r->npaths = want->npaths;
		memcpy(r->paths, want->paths, sizeof(r->paths));
	}
	if (!want->npaths)
		return;		/* meaningless without paths: left as they are */
	if (differs(s, "FailbackHold", fmt_u32(cur->failback_ms, a),
		    fmt_u32(want->failback_ms, b))) {
		r->has |= HL_HAS_FAILBACK;
		r->failback_ms = want->failback_ms;
	}
	if (differs(s, "Revertive", cur->nonrevertive ? "no" : "yes",
		    want->nonrevertive ? "no" : "yes")) {
		r->has |= HL_HAS_REVERTIVE;
		r->nonrevertive = want->nonrevertive;
	}
}

static const char *fmt_unauth(const struct hl_health *h)
{
	return h->keyed ? "no" : "yes";
}


/*
 * What it takes to turn cur (running) into want (the file). Appends a set
 * step when an attribute differs, and a key step when the only thing that
 * may differ is the key, which the kernel does not show.
 */
static void plan_channel(struct plan *p, const struct hl_channel *cur,
			 const struct conf_channel *cc)
{
	const struct hl_channel *want = &cc->ch;
	const struct hl_health *hc = &cur->health, *hw = &want->health;
	bool hcur = cur->has & HL_HAS_HEALTH, hwant = want->has & HL_HAS_HEALTH;
	char a[HL_FMT_MAX], b[HL_FMT_MAX];
	struct step *s = plan_add(p, STEP_SET, want->name);
	struct hl_channel *r = &s->req;
	size_t before;

	s->key_file = cc->key_file;
	if (differs(s, "Peer", format_prefix(&cur->peer, a),
		    format_prefix(&want->peer, b))) {
		r->has |= HL_HAS_PEER;
		r->peer = want->peer;
	}
	if (differs(s, "Local", fmt_local(cur, a), fmt_local(want, b))) {
		r->has |= HL_HAS_LOCAL;
		if (want->has & HL_HAS_LOCAL)
			r->local = want->local;
	}
	if (differs(s, "Protocol", proto_name(cur->proto), proto_name(want->proto))) {
		r->has |= HL_HAS_PROTO;
		r->proto = want->proto;
	}
	if (differs(s, "Port", fmt_port(cur, a), fmt_port(want, b))) {
		r->has |= HL_HAS_PORT;
		if (want->has & HL_HAS_PORT) {
			r->port_min = want->port_min;
			r->port_max = want->port_max;
		}
	}
	if (differs(s, "DSCP", format_dscp(cur->dscp, a), format_dscp(want->dscp, b))) {
		r->has |= HL_HAS_DSCP;
		r->dscp = want->dscp;
	}
	if (differs(s, "Priority", format_priority(cur->priority, a),
		    format_priority(want->priority, b))) {
		r->has |= HL_HAS_PRIORITY;
		r->priority = want->priority;
	}
	if (differs(s, "Mark", format_mark(cur->mark, cur->mark_mask, a),
		    format_mark(want->mark, want->mark_mask, b))) {
		r->has |= HL_HAS_MARK;
		r->mark = want->mark;
		r->mark_mask = want->mark_mask;
	}

	before = s->nchanges;
	if (!hcur && hwant) {
		change(s, "Probe", "none", fmt_probe(hw, b));
	} else if (hcur && !hwant) {
		change(s, "Probe", fmt_probe(hc, a), "none");
	} else if (hcur && hwant) {
		differs(s, "Probe", fmt_probe(hc, a), fmt_probe(hw, b));
		differs(s, "LocalPort", fmt_u32(hc->local_port, a), fmt_u32(hw->local_port, b));
		differs(s, "Interval", fmt_u32(hc->interval_ms, a), fmt_u32(hw->interval_ms, b));
		differs(s, "DetectMult", fmt_u32(hc->detect_mult, a),
			fmt_u32(hw->detect_mult, b));
		differs(s, "Unauthenticated", fmt_unauth(hc), fmt_unauth(hw));
		differs(s, "MaxLoss", fmt_u32(hc->max_loss_pct, a), fmt_u32(hw->max_loss_pct, b));
		differs(s, "MaxRTT", fmt_u32(hc->max_rtt_ms, a), fmt_u32(hw->max_rtt_ms, b));
	}
	if (s->nchanges > before || (hcur && hwant && hw->keyed)) {
		/* the health nest goes whole, with the key when there is one */
		r->has |= HL_HAS_HEALTH;
		if (hwant)
			r->health = *hw;
	}
	plan_failover(s, cur, want);
	if (!s->nchanges && (r->has & HL_HAS_HEALTH))
		s->op = STEP_KEY;
	else if (!s->nchanges)
		free(p->v[--p->n].changes);	/* the same: leave it alone */
}

static void plan_make(struct plan *p, const struct conf *c,
		      const struct hl_channel_list *running)
{
	struct name_index ix = { 0 };
	size_t i, k;

	memset(p, 0, sizeof(*p));
	/* one look-up a channel: a scan each made 10,000 channels quadratic */
	for (i = 0; i < running->n; i++)
		if (name_index_put(&ix, running->v[i].name, i) < 0)
			abort();
	for (i = 0; i < running->n; i++)
		if (!conf_find(c, running->v[i].name))
			plan_add(p, STEP_DEL, running->v[i].name);
	for (i = 0; i < c->n; i++) {
		k = name_index_get(&ix, c->v[i].ch.name);
		if (k != NAME_INDEX_NONE)
			plan_channel(p, &running->v[k], &c->v[i]);
	}
	for (i = 0; i < c->n; i++) {
		struct step *s;

		if (name_index_get(&ix, c->v[i].ch.name) != NAME_INDEX_NONE)
			continue;
		s = plan_add(p, STEP_ADD, c->v[i].ch.name);
		s->req = c->v[i].ch;
		s->key_file = c->v[i].key_file;
	}
	name_index_free(&ix);
}

/* A path as `path add` would take it. */
static void path_words(FILE *f, const struct hl_path *p)
{
	struct path_override ov[4];
	char buf[HL_FMT_MAX];
	size_t i, n;

	fprintf(f, "; path %s local %s", p->name,
		format_path_addr(p->family, &p->local, buf));
	fprintf(f, " probe %s", format_path_probe(p, buf));
	fprintf(f, " mark %s pref %u", format_mark(p->mark, p->mark_mask, buf), p->pref);
	n = path_overrides(p, ov);
	for (i = 0; i < n; i++)
		fprintf(f, " %s %u", ov[i].cli, ov[i].value);
	if (p->has_via)
		fprintf(f, " via %s", format_path_addr(p->family, &p->via, buf));
	if (p->has_route)
		fprintf(f, " dev %s table %u", p->dev, path_route_table(p));
}

/* The channel as `channel add` would take it, for the plan. */
static void add_words(FILE *f, const struct step *s)
{
	const struct hl_channel *ch = &s->req;
	const struct hl_health *h = &ch->health;
	char buf[HL_FMT_MAX];
	unsigned int i;

	fprintf(f, " peer %s", format_prefix(&ch->peer, buf));
	if ((ch->has & HL_HAS_LOCAL) && ch->local.family)
		fprintf(f, " local %s", format_prefix(&ch->local, buf));
	if (ch->proto != HOTLINE_PROTO_ANY)
		fprintf(f, " proto %s", proto_name(ch->proto));
	if ((ch->has & HL_HAS_PORT) && ch->port_min)
		fprintf(f, " port %s", format_port_range(ch->port_min, ch->port_max, buf));
	fprintf(f, " dscp %s", format_dscp(ch->dscp, buf));
	fprintf(f, " priority %s", format_priority(ch->priority, buf));
	if (ch->mark || ch->mark_mask != UINT32_MAX)
		fprintf(f, " mark %s", format_mark(ch->mark, ch->mark_mask, buf));
	if (!(ch->has & HL_HAS_HEALTH))
		return;
	if (h->has & HL_H_PROBE)
		fprintf(f, " probe %s", format_probe(&h->probe, buf));
	fprintf(f, " local-port %u interval %u detect-mult %u", h->local_port,
		h->interval_ms, h->detect_mult);
	if (h->keyed)
		fprintf(f, " key-file %s", s->key_file ? s->key_file : "?");
	else
		fprintf(f, " unauthenticated");
	if (h->max_loss_pct)
		fprintf(f, " max-loss %u", h->max_loss_pct);
	if (h->max_rtt_ms)
		fprintf(f, " max-rtt %u", h->max_rtt_ms);
	if (ch->npaths)
		fprintf(f, " failback %ums revertive %s", ch->failback_ms,
			ch->nonrevertive ? "no" : "yes");
	for (i = 0; i < ch->npaths; i++)
		path_words(f, &ch->paths[i]);
}

static void step_print(FILE *f, const struct step *s)
{
	size_t i;

	switch (s->op) {
	case STEP_DEL:
		fprintf(f, "- del %s\n", s->req.name);
		break;
	case STEP_SET:
		for (i = 0; i < s->nchanges; i++)
			fprintf(f, "~ set %s %s: %s -> %s\n", s->req.name,
				s->changes[i].field, s->changes[i].old,
				s->changes[i].new);
		break;
	case STEP_KEY:
		fprintf(f, "~ key %s: sent again from %s (an unchanged key keeps "
			"the health session)\n", s->req.name,
			s->key_file ? s->key_file : "?");
		break;
	case STEP_ADD:
		fprintf(f, "+ add %s", s->req.name);
		add_words(f, s);
		fputc('\n', f);
		break;
	}
}

static const char *const op_names[] = {
	[STEP_DEL] = "del", [STEP_SET] = "set", [STEP_KEY] = "key",
	[STEP_ADD] = "add",
};

static json_object *step_json(const struct step *s)
{
	json_object *o = json_object_new_object(), *arr;
	size_t i;

	json_object_object_add(o, "op", json_object_new_string(op_names[s->op]));
	json_object_object_add(o, "name", json_object_new_string(s->req.name));
	if (s->op != STEP_SET)
		return o;
	arr = json_object_new_array();
	for (i = 0; i < s->nchanges; i++) {
		json_object *c = json_object_new_object();

		json_object_object_add(c, "field",
				       json_object_new_string(s->changes[i].field));
		json_object_object_add(c, "old",
				       json_object_new_string(s->changes[i].old));
		json_object_object_add(c, "new",
				       json_object_new_string(s->changes[i].new));
		json_object_array_add(arr, c);
	}
	json_object_object_add(o, "changes", arr);
	return o;
}

static void conf_errors_print(const struct conf *c)
{
	size_t i;

	for (i = 0; i < c->nerrors; i++)
		fprintf(stderr, "%s\n", c->errors[i]);
}

/*
 * Room one step takes at most in the request: every attribute of a channel
 * with IPv6 addresses, health and key (about 320 bytes), and its nests;
 * and each path's (name, pref, mark, mask, two IPv6 addresses, port and
 * four overrides: about 130 bytes).
 */
#define STEP_ROOM	512
#define PATH_ROOM	192

static size_t plan_room(const struct plan *p)
{
	size_t i, room = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr));

	for (i = 0; i < p->n; i++)
		room += STEP_ROOM + (size_t)p->v[i].req.npaths * PATH_ROOM;
	return room;
}

/* The step whose attributes hold request offset @offs, or n if none does. */
static size_t step_at(const uint32_t *ends, size_t n, uint32_t offs)
{
	size_t i;

	for (i = 0; offs && i < n; i++)
		if (offs < ends[i])
			return i;
	return n;
}

/* Lets the socket send @len bytes at once: the whole plan is one request. */
static void sndbuf_fit(struct hl_nl *nl, size_t len)
{
	int fd = mnl_socket_get_fd(nl->sk), want = len > INT32_MAX / 2 ? INT32_MAX / 2 : (int)len;

	if (len < 128UL * 1024)
		return;
	/* beyond net.core.wmem_max only with CAP_NET_ADMIN: best effort */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof(want)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want));
}

/*
 * The whole plan as one HOTLINE_CMD_APPLY: the kernel makes every step or
 * none, so a failure (a port in use, memory) leaves the table as it was.
 */
static int apply_kernel(struct hl_nl *nl, const struct plan *p)
{
	static const uint8_t cmds[] = {
		[STEP_DEL] = HOTLINE_CMD_CHANNEL_DEL,
		[STEP_SET] = HOTLINE_CMD_CHANNEL_SET,
		[STEP_KEY] = HOTLINE_CMD_CHANNEL_SET,
		[STEP_ADD] = HOTLINE_CMD_CHANNEL_NEW,
	};
	size_t i, at, size = plan_room(p);
	struct nlmsghdr *req;
	struct genlmsghdr *g;
	uint32_t *ends;
	char *buf;
	int err;

	for (i = 0; i < p->n && !step_is_kernel(&p->v[i]); i++)
		;
	if (i == p->n)
		return EXIT_OK;
	buf = calloc(1, size);
	ends = calloc(p->n, sizeof(*ends));
	if (!buf || !ends) {
		free(buf);
		free(ends);
		errorf("out of memory for a plan of %zu steps; nothing was changed", p->n);
		return EXIT_ERROR;
	}
	req = mnl_nlmsg_put_header(buf);
	req->nlmsg_type = nl->family;
	req->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g = mnl_nlmsg_put_extra_header(req, sizeof(*g));
	g->cmd = HOTLINE_CMD_APPLY;
	g->version = HOTLINE_GENL_VERSION;
	for (i = 0; i < p->n; i++) {
		struct nlattr *step, *ch;

		ends[i] = req->nlmsg_len;
		if (!step_is_kernel(&p->v[i]))
			continue;
		step = mnl_attr_nest_start(req, HOTLINE_A_CHANNEL_STEP);
		mnl_attr_put_u8(req, HOTLINE_A_STEP_CMD, cmds[p->v[i].op]);
		ch = mnl_attr_nest_start(req, HOTLINE_A_STEP_CHANNEL);
		channel_encode(req, &p->v[i].req);
		mnl_attr_nest_end(req, ch);
		mnl_attr_nest_end(req, step);
		ends[i] = req->nlmsg_len;
	}
	sndbuf_fit(nl, req->nlmsg_len);
	err = hlnl_transact(nl, req, NULL, NULL);
	/* the request held the keys */
	explicit_bzero(buf, size);
	free(buf);
	at = step_at(ends, p->n, nl->ext_offs);
	free(ends);
	if (err == -EMSGSIZE) {
		errorf("the plan's %zu steps make a request larger than this socket may "
		       "send (net.core.wmem_max); nothing was changed", p->n);
		return EXIT_ERROR;
	}
	if (err && nl->answer_lost) {
		hlnl_perror(nl, err);
		errorf("the kernel's answer to the apply was lost: the plan of %zu steps "
		       "may have been carried out whole or not at all; 'hotlinectl showconf' "
		       "shows which, and applying the file again completes it", p->n);
		return EXIT_ERROR;
	}
	if (err) {
		hlnl_perror(nl, err);
		if (at < p->n)
			errorf("apply failed at step %zu of %zu (%s %s): nothing was changed",
			       at + 1, p->n, op_names[p->v[at].op], p->v[at].req.name);
		else
			errorf("apply failed: nothing was changed");
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

/*
 * Routes first (a new path's probes leave by its table from the start),
 * then the channels, then the routes no path wants any more; a failure
 * puts the routes back as they were.
 */
static int apply_run(struct hl_nl *nl, const struct plan *p, struct nl_sock *rt,
		     const struct hl_routes *have, const struct hl_routes *want)
{
	size_t i;

	if (routes_install(rt, have, want)) {
		routes_restore(rt, have);
		errorf("apply failed: nothing was changed");
		return EXIT_ERROR;
	}
	if (apply_kernel(nl, p)) {
		/* a lost answer may hide channels that use the new routes */
		if (!nl->answer_lost)
			routes_restore(rt, have);
		return EXIT_ERROR;
	}
	if (routes_remove(rt, have, want)) {
		errorf("the channels were changed; some of the routes no path uses "
		       "any more could not be removed (see above)");
		return EXIT_ERROR;
	}
	for (i = 0; !opts.json && i < p->n; i++)
		step_print(stdout, &p->v[i]);
	return EXIT_OK;
}

/* The routes the file's paths want; 0, or -1 after saying which is wrong. */
static int conf_routes(const char *path, const struct conf *c, struct hl_routes *want)
{
	struct hl_channel *v = calloc(c->n ? c->n : 1, sizeof(*v));
	struct parse_error e;
	size_t i;
	int err;

	if (!v)
		abort();
	for (i = 0; i < c->n; i++)
		v[i] = c->v[i].ch;
	err = routes_wanted(v, c->n, want, &e);
	for (i = 0; i < c->n; i++)
		explicit_bzero(v[i].health.key, sizeof(v[i].health.key));
	free(v);
	if (err)
		errorf("%s: %s; nothing was changed", path, e.why);
	return err;
}

int cmd_apply(int argc, char **argv)
{
	struct hl_channel_list running = { 0 };
	struct hl_routes have = { 0 }, want = { 0 };
	const char *path = NULL;
	bool dry_run = false, check_only = false;
	struct plan plan = { 0 };
	struct iface_plan iplan = { 0 };
	struct nl_sock *rt = NULL;
	struct conf c;
	struct hl_nl nl;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dry-run") || !strcmp(argv[i], "-n"))
			dry_run = true;
		else if (!strcmp(argv[i], "--check"))
			check_only = true;
		else if (!path)
			path = argv[i];
		else
			return usage_error("apply takes one FILE (and --dry-run), "
					   "not also \"%s\"", argv[i]);
	}
	if (!path)
		return usage_error("apply needs a FILE (- for standard input)");
	if (dry_run && check_only)
		return usage_error("apply takes --dry-run or --check, not both");
	if (conf_load(path, CONF_READ_KEYS, &c)) {
		conf_errors_print(&c);
		errorf("%s: %zu error%s, nothing was changed", path, c.nerrors,
		       c.nerrors == 1 ? "" : "s");
		conf_free(&c);
		return EXIT_ERROR;
	}
	if (check_only) {
		conf_free(&c);
		return EXIT_OK;
	}
	if (hlnl_open(&nl)) {
		conf_free(&c);
		return EXIT_ERROR;
	}
	ret = EXIT_ERROR;
	if (channels_fetch(&nl, NULL, &running))
		goto out;
	rt = route_socket();
	if (!rt || routes_read(rt, &have))
		goto out;
	routes_attach(running.v, running.n, &have);
	if (conf_routes(path, &c, &want))
		goto out;
	plan_make(&plan, &c, &running);
	/* read before any change: a missing device stops the whole apply */
	if (iface_plan_make(&iplan, &c, path))
		goto out;
	if (opts.json) {
		json_object *arr = json_object_new_array();
		size_t j;

		for (j = 0; j < plan.n; j++)
			json_object_array_add(arr, step_json(&plan.v[j]));
		iface_plan_json(arr, &iplan);
		printf("%s\n", json_object_to_json_string_ext(arr,
			JSON_C_TO_STRING_PLAIN));
		json_object_put(arr);
	}
	if (dry_run) {
		size_t j;

		for (j = 0; !opts.json && j < plan.n; j++)
			step_print(stdout, &plan.v[j]);
		if (!opts.json)
			iface_plan_print(stdout, &iplan);
		ret = EXIT_OK;
		goto out;
	}
	/* channels first: a guard attached next admits their peers at once */
	ret = apply_run(&nl, &plan, rt, &have, &want);
	if (ret == EXIT_OK && iface_plan_run(&nl, &iplan))
		ret = EXIT_ERROR;
out:
	iface_plan_free(&iplan);
	plan_free(&plan);
	free(running.v);
	routes_free(&have);
	routes_free(&want);
	if (rt)
		nl_socket_free(rt);
	hlnl_close(&nl);
	conf_free(&c);
	return ret;
}

/*
 * The devices in file form. A guard whose device went away is pinned
 * still; a section for it would not apply, so it gets a comment instead.
 */
static void ifaces_print(struct conf_iface *v, size_t n, bool blank)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (if_nametoindex(v[i].dev)) {
			v[k++] = v[i];
			continue;
		}
		printf("%s# a hotline guard is pinned for %s, a device that is gone: "
		       "hotlinectl guard detach %s\n", blank || i ? "\n" : "",
		       v[i].dev, v[i].dev);
		blank = true;
	}
	conf_print_ifaces(stdout, v, k, blank);
}

int cmd_showconf(int argc, char **argv)
{
	struct hl_channel_list l = { 0 };
	struct hl_routes have = { 0 };
	struct conf_iface *ifs = NULL;
	struct nl_sock *rt;
	size_t nifs = 0;
	struct hl_nl nl;
	int err;

	(void)argv;
	if (argc > 1)
		return usage_error("showconf takes no arguments");
	if (hlnl_open(&nl))
		return EXIT_ERROR;
	err = channels_fetch(&nl, NULL, &l);
	rt = err ? NULL : route_socket();
	if (!rt || routes_read(rt, &have))
		err = -1;
	if (!err && iface_state_read(&ifs, &nifs))
		err = -1;
	if (!err) {
		routes_attach(l.v, l.n, &have);
		conf_print(stdout, l.v, NULL, l.n);
		ifaces_print(ifs, nifs, l.n > 0);
	}
	free(ifs);
	routes_free(&have);
	if (rt)
		nl_socket_free(rt);
	free(l.v);
	hlnl_close(&nl);
	return err ? EXIT_ERROR : EXIT_OK;
}
