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
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>

#include <json-c/json.h>

#include "config.h"
#include "hotlinectl.h"
#include "nl.h"
#include "status.h"

enum step_op { STEP_DEL, STEP_SET, STEP_KEY, STEP_ADD };

struct change {
	const char *field;
	char old[HL_FMT_MAX + 16], new[HL_FMT_MAX + 16];
};

/* Config fields, so there are at most this many changes in one step. */
#define MAX_CHANGES 16

struct step {
	enum step_op op;
	struct hl_channel req;		/* what is sent */
	const char *key_file;
	struct change changes[MAX_CHANGES];
	size_t nchanges;
};

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

	for (i = 0; i < p->n; i++)
		explicit_bzero(p->v[i].req.health.key, HOTLINE_KEY_LEN);
	free(p->v);
}

static void change(struct step *s, const char *field, const char *old,
		   const char *new)
{
	struct change *c;

	if (s->nchanges == MAX_CHANGES)
		abort();
	c = &s->changes[s->nchanges++];
	c->field = field;
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

static const char *fmt_unauth(const struct hl_health *h)
{
	return h->keyed ? "no" : "yes";
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
		change(s, "Probe", "none", format_probe(&hw->probe, b));
	} else if (hcur && !hwant) {
		change(s, "Probe", format_probe(&hc->probe, a), "none");
	} else if (hcur && hwant) {
		differs(s, "Probe", format_probe(&hc->probe, a), format_probe(&hw->probe, b));
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
	if (!s->nchanges && (r->has & HL_HAS_HEALTH))
		s->op = STEP_KEY;
	else if (!s->nchanges)
		p->n--;		/* the same: leave it alone */
}

static const struct conf_channel *conf_find(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].ch.name, name))
			return &c->v[i];
	return NULL;
}

static const struct hl_channel *running_find(const struct hl_channel_list *l,
					     const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

static void plan_make(struct plan *p, const struct conf *c,
		      const struct hl_channel_list *running)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < running->n; i++)
		if (!conf_find(c, running->v[i].name))
			plan_add(p, STEP_DEL, running->v[i].name);
	for (i = 0; i < c->n; i++) {
		const struct hl_channel *cur = running_find(running, c->v[i].ch.name);

		if (cur)
			plan_channel(p, cur, &c->v[i]);
	}
	for (i = 0; i < c->n; i++) {
		struct step *s;

		if (running_find(running, c->v[i].ch.name))
			continue;
		s = plan_add(p, STEP_ADD, c->v[i].ch.name);
		s->req = c->v[i].ch;
		s->key_file = c->v[i].key_file;
	}
}

/* The channel as `channel add` would take it, for the plan. */
static void add_words(FILE *f, const struct step *s)
{
	const struct hl_channel *ch = &s->req;
	const struct hl_health *h = &ch->health;
	char buf[HL_FMT_MAX];

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
	fprintf(f, " probe %s local-port %u interval %u detect-mult %u",
		format_probe(&h->probe, buf), h->local_port, h->interval_ms,
		h->detect_mult);
	if (h->keyed)
		fprintf(f, " key-file %s", s->key_file ? s->key_file : "?");
	else
		fprintf(f, " unauthenticated");
	if (h->max_loss_pct)
		fprintf(f, " max-loss %u", h->max_loss_pct);
	if (h->max_rtt_ms)
		fprintf(f, " max-rtt %u", h->max_rtt_ms);
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
 * with IPv6 addresses, health and key (about 320 bytes), and its nests.
 */
#define STEP_ROOM 512

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
static int apply_run(struct hl_nl *nl, const struct plan *p)
{
	static const uint8_t cmds[] = {
		[STEP_DEL] = HOTLINE_CMD_CHANNEL_DEL,
		[STEP_SET] = HOTLINE_CMD_CHANNEL_SET,
		[STEP_KEY] = HOTLINE_CMD_CHANNEL_SET,
		[STEP_ADD] = HOTLINE_CMD_CHANNEL_NEW,
	};
	size_t i, at, size = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr)) +
			     p->n * STEP_ROOM;
	struct nlmsghdr *req;
	struct genlmsghdr *g;
	uint32_t *ends;
	char *buf;
	int err;

	if (!p->n)
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
		struct nlattr *step = mnl_attr_nest_start(req, HOTLINE_A_CHANNEL_STEP);
		struct nlattr *ch;

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
	if (err) {
		hlnl_perror(nl, err);
		if (at < p->n)
			errorf("apply failed at step %zu of %zu (%s %s): nothing was changed",
			       at + 1, p->n, op_names[p->v[at].op], p->v[at].req.name);
		else
			errorf("apply failed: nothing was changed");
		return EXIT_ERROR;
	}
	for (i = 0; !opts.json && i < p->n; i++)
		step_print(stdout, &p->v[i]);
	return EXIT_OK;
}

int cmd_apply(int argc, char **argv)
{
	struct hl_channel_list running = { 0 };
	const char *path = NULL;
	bool dry_run = false, check_only = false;
	struct plan plan = { 0 };
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
	plan_make(&plan, &c, &running);
	if (opts.json) {
		json_object *arr = json_object_new_array();
		size_t j;

		for (j = 0; j < plan.n; j++)
			json_object_array_add(arr, step_json(&plan.v[j]));
		printf("%s\n", json_object_to_json_string_ext(arr,
			JSON_C_TO_STRING_PLAIN));
		json_object_put(arr);
	}
	if (dry_run) {
		size_t j;

		for (j = 0; !opts.json && j < plan.n; j++)
			step_print(stdout, &plan.v[j]);
		ret = EXIT_OK;
		goto out;
	}
	ret = apply_run(&nl, &plan);
out:
	plan_free(&plan);
	free(running.v);
	hlnl_close(&nl);
	conf_free(&c);
	return ret;
}

int cmd_showconf(int argc, char **argv)
{
	struct hl_channel_list l = { 0 };
	struct hl_nl nl;
	int err;

	(void)argv;
	if (argc > 1)
		return usage_error("showconf takes no arguments");
	if (hlnl_open(&nl))
		return EXIT_ERROR;
	err = channels_fetch(&nl, NULL, &l);
	if (!err)
		conf_print(stdout, l.v, NULL, l.n);
	free(l.v);
	hlnl_close(&nl);
	return err ? EXIT_ERROR : EXIT_OK;
}
