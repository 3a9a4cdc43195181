// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlfuzz: a fuzzer for the "hotline" generic netlink family, run against
 * the real module (selftests/test_nl_fuzz.sh runs it in the VM).
 *
 * It generates requests for every command (dumps too), mostly well formed
 * with valid and boundary values, and mutates a share of them: flags,
 * header fields, truncation, nla_len, attribute types, nesting, widths,
 * strings, duplicates, random bytes. Every request goes through a small
 * emulator of what the kernel is documented to do with it (strict generic
 * netlink validation, then include/uapi/linux/hotline.h and the parsing
 * rules of kmod/netlink.c), which predicts the outcome: no reply, success,
 * or which errors are acceptable. The emulator is also the model: a
 * request that succeeds is applied to it, one that fails must change
 * nothing. After every batch a dump of the table must equal the model
 * field by field, with ids stable and never reused.
 *
 * HOTLINE_CMD_APPLY requests carry one to a few steps (NEW, SET, DEL of
 * channels from the same name pool, with the same generators), mostly
 * valid, some with one bad step (a bad value, a name in two steps, an
 * unknown or existing channel, two sessions probing one address), some
 * mutated. The emulator runs kmod/apply.c's phases over the model: either
 * every step is made, in order, new channels taking consecutive ids, or
 * the request fails and nothing changes, no id consumed. Ids are followed
 * exactly whenever they can be (a NEW that fails for lack of resources
 * may or may not consume one; the next channel seen tells).
 *
 * An outcome outside the expected set, a prediction the kernel disagrees
 * with, a missing or stray reply, a malformed reply or a table that
 * differs from the model is a failure: it is printed with the request in
 * hex and the seed, and the exit status is 1.
 *
 * Dumps interrupted by changes: a second socket starts a dump, reads one
 * part, the first socket changes the table, then the dump is read to its
 * end; it must end cleanly (NLM_F_DUMP_INTR allowed) with every channel
 * that was not touched in it exactly once.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/hotline.h>

#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif
#ifndef NLA_TYPE_MASK
#define NLA_TYPE_MASK (~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff)
#endif

#define BUF_SIZE	65536
#define RX_SIZE		65536
#define MAX_CHANS	4096
#define MAX_ATTRS	512
#define MAX_PRINTED	20

/* ---- PRNG: splitmix64, so a seed replays the same request stream ---- */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n)
{
	return n ? (uint32_t)(rnd64() % n) : 0;
}

static bool chance(unsigned int pct)
{
	return rnd(100) < pct;
}

/* ---- options and counters ---- */

static struct {
	uint64_t seed;
	unsigned long requests;
	unsigned long seconds;
	unsigned long batch;
	unsigned int names;
	bool netns_check;
	bool unpriv;
	bool flush;
	bool verbose;
	bool no_nul_tail;
	const char *hold;
	unsigned int mutate_pct;
	unsigned int intr_pct;
	const char *prefix;
} opt = {
	.requests = 10000,
	.batch = 1000,
	.names = 64,
	.mutate_pct = 45,
	.intr_pct = 1,
	.prefix = "fz",
};

/* outcome counts: index 0 is success, then errno values; NOREPLY last */
#define OUT_NOREPLY	4096
static unsigned long outcomes[OUT_NOREPLY + 1];
static unsigned long n_sent, n_mutated, n_batches, n_dumps, n_intr_tests,
	n_intr_flagged, n_abandoned, n_failures, n_predicted_exact;
static uint64_t max_id_seen;

/* ---- the model ---- */

struct pfx {
	uint8_t family;		/* 0: unset */
	uint8_t len;
	uint8_t addr[16];
};

struct hcfg {
	uint8_t family;
	uint8_t addr[16];
	uint16_t pport, lport;
	uint32_t interval;
	uint8_t dmult;
	bool keyed;
	uint32_t max_loss, max_rtt;
};

struct chan {
	char name[HOTLINE_NAME_MAX + 1];
	uint32_t id;		/* 0: not learned yet */
	uint64_t id_floor;	/* its id must be above this (never reused) */
	uint32_t want_id;	/* the id it must have; 0: not known */
	uint64_t serial;	/* made by the serial-th successful NEW; 0: found */
	struct pfx peer, local;
	uint8_t proto;
	uint16_t pmin, pmax;
	uint8_t dscp;
	uint32_t prio, mark, mask;
	bool has_health;
	struct hcfg h;
	uint32_t failback;	/* ms */
	uint8_t nonrev;
	bool touched;		/* changed during an interrupted dump */
};

static struct chan model[MAX_CHANS];
static unsigned int n_model;

/*
 * Ids: the namespace's next id, while it is known (0: not). A NEW that
 * fails for lack of resources may have used one up (CHANNEL_NEW makes the
 * channel before its health session), so the next id is then unknown
 * until a channel made after it shows its id: channels made after the
 * id_unsure_serial-th successful NEW tell, those made before do not.
 */
static uint32_t next_id;
static uint64_t n_created, id_unsure_serial;
static unsigned long n_ids_exact;	/* new channels seen with the id predicted */

static void ids_unsure(void)
{
	next_id = 0;
	id_unsure_serial = n_created;
}

static struct chan *model_find(const char *name)
{
	for (unsigned int i = 0; i < n_model; i++)
		if (!strcmp(model[i].name, name))
			return &model[i];
	return NULL;
}

static void model_del(struct chan *c)
{
	*c = model[--n_model];
}

/* ---- failures ---- */

static char cur_desc[256];
static const uint8_t *cur_msg;
static size_t cur_len;
static unsigned long cur_index;
static char cur_extack[256];

static void hexdump(const uint8_t *p, size_t n)
{
	size_t i;

	if (n > 512)
		n = 512;
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s%02x", i % 32 ? "" : "\n    ", p[i]);
	fputc('\n', stderr);
}

static void failf(const char *fmt, ...)
{
	va_list ap;

	n_failures++;
	if (n_failures > MAX_PRINTED)
		return;
	fprintf(stderr, "nlfuzz: FAIL: request #%lu (seed %" PRIu64 "): ",
		cur_index, opt.seed);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n    request: %s", cur_desc);
	if (cur_extack[0])
		fprintf(stderr, "\n    extack: %s", cur_extack);
	if (cur_msg) {
		fprintf(stderr, "\n    bytes (%zu):", cur_len);
		hexdump(cur_msg, cur_len);
	} else {
		fputc('\n', stderr);
	}
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nlfuzz: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* ---- sockets ---- */

struct nlsock {
	struct mnl_socket *sk;
	uint32_t portid;
};

static uint16_t family_id;
static uint32_t seq_no = 1;
static uint8_t rxbuf[RX_SIZE] __attribute__((aligned(4)));
static uint16_t bad_types[4];		/* nlmsg types no family has */
static unsigned int n_bad_types;

static void sock_open(struct nlsock *s, unsigned int rcvbuf)
{
	struct timeval tv = { .tv_sec = 60 };
	int one = 1;

	s->sk = mnl_socket_open(NETLINK_GENERIC);
	if (!s->sk || mnl_socket_bind(s->sk, 0, MNL_SOCKET_AUTOPID) < 0)
		die("generic netlink socket: %s", strerror(errno));
	/* the extack text makes a failure report say what the kernel saw */
	mnl_socket_setsockopt(s->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	/* errors need not echo requests of up to 16 KiB back */
	mnl_socket_setsockopt(s->sk, NETLINK_CAP_ACK, &one, sizeof(one));
	if (rcvbuf)
		setsockopt(mnl_socket_get_fd(s->sk), SOL_SOCKET, SO_RCVBUF,
			   &rcvbuf, sizeof(rcvbuf));
	/* a request whose answer never comes is a failure, not a hang */
	setsockopt(mnl_socket_get_fd(s->sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	s->portid = mnl_socket_get_portid(s->sk);
}

static void sock_close(struct nlsock *s)
{
	mnl_socket_close(s->sk);
	s->sk = NULL;
}

/* A control request; returns the error and fills *id from a family reply. */
static int ctrl_getfamily(struct nlsock *s, const char *name, uint16_t byid, uint16_t *id)
{
	char buf[512] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;
	uint32_t seq = seq_no++;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	if (name)
		mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	else
		mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, byid);
	if (mnl_socket_sendto(s->sk, nlh, nlh->nlmsg_len) < 0)
		die("send: %s", strerror(errno));
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(s->sk, rxbuf, sizeof(rxbuf));
		const struct nlmsghdr *r = (const void *)rxbuf;
		int len = (int)n;

		if (n < 0)
			die("recv: %s", strerror(errno));
		for (; mnl_nlmsg_ok(r, len); r = mnl_nlmsg_next(r, &len)) {
			if (r->nlmsg_seq != seq)
				continue;
			if (r->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(r);

				return e->error;
			}
			if (r->nlmsg_type == GENL_ID_CTRL && id) {
				const struct nlattr *a;

				mnl_attr_for_each(a, r, GENL_HDRLEN)
					if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
					    mnl_attr_validate(a, MNL_TYPE_U16) == 0)
						*id = mnl_attr_get_u16(a);
			}
		}
	}
}

/* ---- the emulator: strict generic netlink validation ---- */

enum ptype { P_NONE, P_U8, P_U16, P_U32, P_BIN, P_NUL, P_FLAG, P_NEST, P_REJECT };

struct pol {
	enum ptype t;
	const struct pol *nested;
	unsigned int nested_max;
};

static const struct pol prefix_pol[HOTLINE_A_PREFIX_MAX + 1] = {
	[HOTLINE_A_PREFIX_ADDR4] = { P_BIN },
	[HOTLINE_A_PREFIX_ADDR6] = { P_BIN },
	[HOTLINE_A_PREFIX_LEN] = { P_U8 },
};

static const struct pol health_pol[HOTLINE_A_HEALTH_MAX + 1] = {
	[HOTLINE_A_HEALTH_PROBE_ADDR4] = { P_BIN },
	[HOTLINE_A_HEALTH_PROBE_ADDR6] = { P_BIN },
	[HOTLINE_A_HEALTH_PROBE_PORT] = { P_U16 },
	[HOTLINE_A_HEALTH_LOCAL_PORT] = { P_U16 },
	[HOTLINE_A_HEALTH_INTERVAL_MS] = { P_U32 },
	[HOTLINE_A_HEALTH_DETECT_MULT] = { P_U8 },
	[HOTLINE_A_HEALTH_KEY] = { P_BIN },
	[HOTLINE_A_HEALTH_UNAUTHENTICATED] = { P_FLAG },
	[HOTLINE_A_HEALTH_KEYED] = { P_REJECT },
	[HOTLINE_A_HEALTH_MAX_LOSS] = { P_U32 },
	[HOTLINE_A_HEALTH_MAX_RTT_MS] = { P_U32 },
};

static const struct pol chan_pol[HOTLINE_A_CHANNEL_MAX + 1] = {
	[HOTLINE_A_CHANNEL_ID] = { P_REJECT },
	[HOTLINE_A_CHANNEL_NAME] = { P_NUL },
	[HOTLINE_A_CHANNEL_PEER] = { P_NEST, prefix_pol, HOTLINE_A_PREFIX_MAX },
	[HOTLINE_A_CHANNEL_LOCAL] = { P_NEST, prefix_pol, HOTLINE_A_PREFIX_MAX },
	[HOTLINE_A_CHANNEL_PROTO] = { P_U8 },
	[HOTLINE_A_CHANNEL_PORT_MIN] = { P_U16 },
	[HOTLINE_A_CHANNEL_PORT_MAX] = { P_U16 },
	[HOTLINE_A_CHANNEL_DSCP] = { P_U8 },
	[HOTLINE_A_CHANNEL_PRIORITY] = { P_U32 },
	[HOTLINE_A_CHANNEL_MARK] = { P_U32 },
	[HOTLINE_A_CHANNEL_MARK_MASK] = { P_U32 },
	[HOTLINE_A_CHANNEL_STATS] = { P_REJECT },
	[HOTLINE_A_CHANNEL_HEALTH] = { P_NEST, health_pol, HOTLINE_A_HEALTH_MAX },
	[HOTLINE_A_CHANNEL_HEALTH_STATUS] = { P_REJECT },
	[HOTLINE_A_CHANNEL_OLD_STATE] = { P_REJECT },
	[HOTLINE_A_CHANNEL_PAD] = { P_REJECT },
	/* no nested policy at this level: only kmod/apply.c parses its inside */
	[HOTLINE_A_CHANNEL_STEP] = { P_NEST },
	/* nor here: kmod/path.c validates the list (see emu_cfg()) */
	[HOTLINE_A_CHANNEL_PATHS] = { P_NEST },
	[HOTLINE_A_CHANNEL_FAILBACK_MS] = { P_U32 },
	[HOTLINE_A_CHANNEL_NONREVERTIVE] = { P_U8 },
	[HOTLINE_A_CHANNEL_ACTIVE_PATH] = { P_REJECT },
	[HOTLINE_A_CHANNEL_ACTIVE_SINCE] = { P_REJECT },
	[HOTLINE_A_CHANNEL_SWITCHES] = { P_REJECT },
	[HOTLINE_A_CHANNEL_PATH] = { P_REJECT },
	[HOTLINE_A_CHANNEL_SWITCH] = { P_REJECT },
};

static const struct pol step_pol[HOTLINE_A_STEP_MAX + 1] = {
	[HOTLINE_A_STEP_CMD] = { P_U8 },
	[HOTLINE_A_STEP_CHANNEL] = { P_NEST },	/* parsed by apply.c with chan_pol */
};

/* An attribute as the emulator keeps it: where its payload is. */
struct eattr {
	const uint8_t *data;
	uint16_t len;
};

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/*
 * Walks attributes as the kernel's strict parser does; fills tb (last
 * copy wins) and returns false when the kernel must reject them.
 */
static bool emu_parse(const uint8_t *p, int rem, const struct pol *pol,
		      unsigned int maxtype, struct eattr *tb)
{
	memset(tb, 0, sizeof(*tb) * (maxtype + 1));
	while (rem >= 4) {
		uint16_t nla_len = rd16(p), raw = rd16(p + 2);
		unsigned int type = raw & NLA_TYPE_MASK;
		const struct pol *pt;
		int alen;

		if (nla_len < 4 || nla_len > rem)
			break;
		if (type == 0 || type > maxtype)
			return false;
		pt = &pol[type];
		alen = nla_len - 4;
		if (pt->t == P_NEST && !(raw & NLA_F_NESTED))
			return false;
		if (pt->t != P_NEST && (raw & NLA_F_NESTED))
			return false;
		switch (pt->t) {
		case P_NONE:
		case P_REJECT:
			return false;
		case P_U8:
			if (alen != 1)
				return false;
			break;
		case P_U16:
			if (alen != 2)
				return false;
			break;
		case P_U32:
			if (alen != 4)
				return false;
			break;
		case P_FLAG:
			if (alen)
				return false;
			break;
		case P_NUL:
			if (!alen || !memchr(p + 4, 0, alen))
				return false;
			break;
		case P_BIN:
			break;
		case P_NEST: {
			struct eattr sub[32];

			if (alen == 0)
				break;
			if (alen < 4)
				return false;
			/* without a nested policy the payload is not looked at */
			if (pt->nested && !emu_parse(p + 4, alen, pt->nested, pt->nested_max, sub))
				return false;
			break;
		}
		}
		tb[type].data = p + 4;
		tb[type].len = (uint16_t)alen;
		rem -= (nla_len + 3) & ~3;
		p += (nla_len + 3) & ~3;
	}
	return rem <= 0;
}

/* ---- the emulator: what kmod/netlink.c does with a valid message ---- */

/* Expected outcomes as a bit mask; EINVAL and ERANGE are one class. */
#define XP_OK		(1u << 0)
#define XP_INVALID	(1u << 1)
#define XP_ENOENT	(1u << 2)
#define XP_EEXIST	(1u << 3)
#define XP_EOPNOTSUPP	(1u << 4)
#define XP_EPERM		(1u << 5)
#define XP_NOREPLY	(1u << 6)
#define XP_RESOURCE	(1u << 7)	/* EBUSY, EADDRINUSE, ENOMEM, ENOSPC */
#define XP_MSGSIZE	(1u << 8)

static unsigned int class_of(int err)
{
	switch (-err) {
	case 0: return XP_OK;
	case EINVAL: case ERANGE: return XP_INVALID;
	case ENOENT: return XP_ENOENT;
	case EEXIST: return XP_EEXIST;
	case EOPNOTSUPP: return XP_EOPNOTSUPP;
	case EPERM: return XP_EPERM;
	case EBUSY: case EADDRINUSE: case ENOMEM: case ENOSPC: case E2BIG:
		return XP_RESOURCE;
	case EMSGSIZE: return XP_MSGSIZE;
	}
	return 0;	/* not an errno this family may answer with */
}

enum eop { OP_NONE, OP_NEW, OP_SET, OP_DEL, OP_GET, OP_DUMP, OP_APPLY };

/* The emulator's limit; the generated requests carry at most 8 steps. */
#define APPLY_MAX_STEPS	64

/* One step of an APPLY, as kmod/apply.c sees it. */
struct estep {
	uint8_t cmd;		/* HOTLINE_CMD_CHANNEL_NEW, _SET or _DEL */
	char name[HOTLINE_NAME_MAX + 1];
	struct chan result;	/* NEW, SET: the channel as it will be */
	bool new_identity;	/* a session that will probe what it does not now */
	bool leaving;		/* the channel's running session ends or moves */
};

struct pred {
	unsigned int expect;	/* X_* */
	enum eop op;
	bool ack0_only;		/* not dispatched: an ACK of 0 if asked for */
	bool sync;		/* no reply is certain: follow with a sync */
	struct chan result;	/* NEW/SET: the channel as it will be */
	char name[HOTLINE_NAME_MAX + 1];
	unsigned int n_steps;	/* APPLY: the steps, in order */
	struct estep steps[APPLY_MAX_STEPS];
};

static bool name_ok(const struct eattr *a, char *name)
{
	size_t n = strnlen((const char *)a->data, a->len);

	if (n > HOTLINE_NAME_MAX || n == 0)
		return false;
	memcpy(name, a->data, n);
	name[n] = '\0';
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static bool emu_prefix(const struct eattr *nest, struct pfx *p)
{
	struct eattr tb[HOTLINE_A_PREFIX_MAX + 1];
	unsigned int maxlen, i;

	emu_parse(nest->data, nest->len, prefix_pol, HOTLINE_A_PREFIX_MAX, tb);
	if (tb[HOTLINE_A_PREFIX_ADDR4].data && tb[HOTLINE_A_PREFIX_ADDR4].len != 4)
		return false;
	if (tb[HOTLINE_A_PREFIX_ADDR6].data && tb[HOTLINE_A_PREFIX_ADDR6].len != 16)
		return false;
	if (tb[HOTLINE_A_PREFIX_ADDR4].data && tb[HOTLINE_A_PREFIX_ADDR6].data)
		return false;
	memset(p, 0, sizeof(*p));
	if (tb[HOTLINE_A_PREFIX_ADDR4].data) {
		p->family = 2;
		memcpy(p->addr, tb[HOTLINE_A_PREFIX_ADDR4].data, 4);
		maxlen = 32;
	} else if (tb[HOTLINE_A_PREFIX_ADDR6].data) {
		p->family = 10;
		memcpy(p->addr, tb[HOTLINE_A_PREFIX_ADDR6].data, 16);
		maxlen = 128;
	} else {
		return false;
	}
	if (!tb[HOTLINE_A_PREFIX_LEN].data)
		return false;
	p->len = tb[HOTLINE_A_PREFIX_LEN].data[0];
	if (p->len > maxlen)
		return false;
	/* no bit beyond the prefix length may be set */
	for (i = p->len; i < maxlen; i++)
		if (p->addr[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

static bool emu_health(const struct eattr *nest, struct chan *c)
{
	struct eattr tb[HOTLINE_A_HEALTH_MAX + 1];
	const struct eattr *a4, *a6;
	struct hcfg h;

	if (!nest->len) {
		c->has_health = false;
		memset(&c->h, 0, sizeof(c->h));
		return true;
	}
	emu_parse(nest->data, nest->len, health_pol, HOTLINE_A_HEALTH_MAX, tb);
	a4 = &tb[HOTLINE_A_HEALTH_PROBE_ADDR4];
	a6 = &tb[HOTLINE_A_HEALTH_PROBE_ADDR6];
	if ((a4->data && a4->len != 4) || (a6->data && a6->len != 16))
		return false;
	if (tb[HOTLINE_A_HEALTH_PROBE_PORT].data && !rd16(tb[HOTLINE_A_HEALTH_PROBE_PORT].data))
		return false;
	if (tb[HOTLINE_A_HEALTH_LOCAL_PORT].data && !rd16(tb[HOTLINE_A_HEALTH_LOCAL_PORT].data))
		return false;
	if (tb[HOTLINE_A_HEALTH_INTERVAL_MS].data) {
		uint32_t v = rd32(tb[HOTLINE_A_HEALTH_INTERVAL_MS].data);

		if (v < HOTLINE_MIN_INTERVAL_MS || v > HOTLINE_MAX_INTERVAL_MS)
			return false;
	}
	if (tb[HOTLINE_A_HEALTH_DETECT_MULT].data && !tb[HOTLINE_A_HEALTH_DETECT_MULT].data[0])
		return false;
	if (tb[HOTLINE_A_HEALTH_KEY].data && tb[HOTLINE_A_HEALTH_KEY].len != HOTLINE_KEY_LEN)
		return false;
	if (tb[HOTLINE_A_HEALTH_MAX_LOSS].data && rd32(tb[HOTLINE_A_HEALTH_MAX_LOSS].data) > 100)
		return false;

	if (c->has_health) {
		h = c->h;
	} else {
		memset(&h, 0, sizeof(h));
		h.pport = h.lport = HOTLINE_DEFAULT_STAMP_PORT;
		h.interval = HOTLINE_DEFAULT_INTERVAL_MS;
		h.dmult = HOTLINE_DEFAULT_DETECT_MULT;
	}
	if (a4->data && a6->data)
		return false;
	if (a4->data) {
		const uint8_t *b = a4->data;

		/* 0.0.0.0/8 is unicast since 5.3: only 0.0.0.0 itself is "zeronet" */
		if (!rd32(b) || (b[0] & 0xf0) == 0xe0 || rd32(b) == 0xffffffffu)
			return false;
		h.family = 2;
		memset(h.addr, 0, sizeof(h.addr));
		memcpy(h.addr, b, 4);
	} else if (a6->data) {
		static const uint8_t zero[16];

		if (!memcmp(a6->data, zero, 16) || a6->data[0] == 0xff)
			return false;
		h.family = 10;
		memcpy(h.addr, a6->data, 16);
	}
	if (!h.family)
		return false;
	if (tb[HOTLINE_A_HEALTH_PROBE_PORT].data)
		h.pport = rd16(tb[HOTLINE_A_HEALTH_PROBE_PORT].data);
	if (tb[HOTLINE_A_HEALTH_LOCAL_PORT].data)
		h.lport = rd16(tb[HOTLINE_A_HEALTH_LOCAL_PORT].data);
	if (tb[HOTLINE_A_HEALTH_INTERVAL_MS].data)
		h.interval = rd32(tb[HOTLINE_A_HEALTH_INTERVAL_MS].data);
	if (tb[HOTLINE_A_HEALTH_DETECT_MULT].data)
		h.dmult = tb[HOTLINE_A_HEALTH_DETECT_MULT].data[0];
	if (tb[HOTLINE_A_HEALTH_KEY].data && tb[HOTLINE_A_HEALTH_UNAUTHENTICATED].data)
		return false;
	if (tb[HOTLINE_A_HEALTH_KEY].data)
		h.keyed = true;
	else if (tb[HOTLINE_A_HEALTH_UNAUTHENTICATED].data)
		h.keyed = false;
	else if (!c->has_health)
		return false;
	if (tb[HOTLINE_A_HEALTH_MAX_LOSS].data)
		h.max_loss = rd32(tb[HOTLINE_A_HEALTH_MAX_LOSS].data);
	if (tb[HOTLINE_A_HEALTH_MAX_RTT_MS].data)
		h.max_rtt = rd32(tb[HOTLINE_A_HEALTH_MAX_RTT_MS].data);
	c->h = h;
	c->has_health = true;
	return true;
}

static bool proto_has_ports(uint8_t p)
{
	return p == HOTLINE_PROTO_TCP || p == HOTLINE_PROTO_UDP || p == HOTLINE_PROTO_SCTP;
}

/* The configuration the request makes of @c; false: the kernel refuses it. */
static bool emu_cfg(const struct eattr *a, struct chan *c, bool create)
{
	const struct eattr *amin = &a[HOTLINE_A_CHANNEL_PORT_MIN];
	const struct eattr *amax = &a[HOTLINE_A_CHANNEL_PORT_MAX];

	if (a[HOTLINE_A_CHANNEL_PROTO].data && a[HOTLINE_A_CHANNEL_PROTO].data[0] > HOTLINE_PROTO_MAX)
		return false;
	if (a[HOTLINE_A_CHANNEL_DSCP].data && a[HOTLINE_A_CHANNEL_DSCP].data[0] > 63)
		return false;
	if (a[HOTLINE_A_CHANNEL_FAILBACK_MS].data &&
	    rd32(a[HOTLINE_A_CHANNEL_FAILBACK_MS].data) > HOTLINE_MAX_FAILBACK_MS)
		return false;
	if (a[HOTLINE_A_CHANNEL_NONREVERTIVE].data && a[HOTLINE_A_CHANNEL_NONREVERTIVE].data[0] > 1)
		return false;
	if (a[HOTLINE_A_CHANNEL_PEER].data) {
		if (!emu_prefix(&a[HOTLINE_A_CHANNEL_PEER], &c->peer))
			return false;
	} else if (create) {
		return false;
	}
	if (a[HOTLINE_A_CHANNEL_LOCAL].data) {
		if (!a[HOTLINE_A_CHANNEL_LOCAL].len)
			memset(&c->local, 0, sizeof(c->local));
		else if (!emu_prefix(&a[HOTLINE_A_CHANNEL_LOCAL], &c->local))
			return false;
	}
	if (a[HOTLINE_A_CHANNEL_PROTO].data)
		c->proto = a[HOTLINE_A_CHANNEL_PROTO].data[0];
	if (amin->data || amax->data) {
		uint16_t min, max;

		if (!amin->data || !amax->data)
			return false;
		min = rd16(amin->data);
		max = rd16(amax->data);
		if (!min != !max || min > max)
			return false;
		c->pmin = min;
		c->pmax = max;
	}
	if (a[HOTLINE_A_CHANNEL_DSCP].data)
		c->dscp = a[HOTLINE_A_CHANNEL_DSCP].data[0];
	if (a[HOTLINE_A_CHANNEL_PRIORITY].data)
		c->prio = rd32(a[HOTLINE_A_CHANNEL_PRIORITY].data);
	if (a[HOTLINE_A_CHANNEL_MARK].data)
		c->mark = rd32(a[HOTLINE_A_CHANNEL_MARK].data);
	if (a[HOTLINE_A_CHANNEL_MARK_MASK].data)
		c->mask = rd32(a[HOTLINE_A_CHANNEL_MARK_MASK].data);
	if (a[HOTLINE_A_CHANNEL_FAILBACK_MS].data)
		c->failback = rd32(a[HOTLINE_A_CHANNEL_FAILBACK_MS].data);
	if (a[HOTLINE_A_CHANNEL_NONREVERTIVE].data)
		c->nonrev = a[HOTLINE_A_CHANNEL_NONREVERTIVE].data[0];
	/*
	 * Paths: the generator sends only an empty list (no paths, what every
	 * channel of the model has); a list with entries never passes here,
	 * because a valid path needs a nested PATH with a name, a mark and
	 * two addresses, which no mutation of the generated attributes makes.
	 * selftests/test_paths.sh and fi_paths.py check real paths.
	 */
	if (a[HOTLINE_A_CHANNEL_PATHS].data && a[HOTLINE_A_CHANNEL_PATHS].len)
		return false;
	if (a[HOTLINE_A_CHANNEL_HEALTH].data && !emu_health(&a[HOTLINE_A_CHANNEL_HEALTH], c))
		return false;
	if (c->local.family && c->local.family != c->peer.family)
		return false;
	if (c->pmin && !proto_has_ports(c->proto))
		return false;
	return true;
}

static void chan_defaults(struct chan *c)
{
	memset(c, 0, sizeof(*c));
	c->proto = HOTLINE_PROTO_ANY;
	c->dscp = HOTLINE_DEFAULT_DSCP;
	c->prio = HOTLINE_DEFAULT_PRIORITY;
	c->mask = 0xffffffffu;
	c->failback = HOTLINE_DEFAULT_FAILBACK_MS;
}

/* Whether the (valid) attributes @a give a health KEY. */
static bool gives_key(const struct eattr *a)
{
	struct eattr tb[HOTLINE_A_HEALTH_MAX + 1];
	const struct eattr *h = &a[HOTLINE_A_CHANNEL_HEALTH];

	if (!h->data || !h->len)
		return false;
	emu_parse(h->data, h->len, health_pol, HOTLINE_A_HEALTH_MAX, tb);
	return tb[HOTLINE_A_HEALTH_KEY].data != NULL;
}

/*
 * kmod/health.c health_same_identity(): whether @new keeps the session
 * that runs with @old. The model knows no keys: a KEY given (@key_given)
 * is taken for a new one, as the generated keys are random.
 */
static bool same_identity(const struct hcfg *old, const struct hcfg *new, bool key_given)
{
	return old->family == new->family && old->pport == new->pport &&
	       old->lport == new->lport && old->keyed == new->keyed &&
	       !(new->keyed && key_given) &&
	       !memcmp(old->addr, new->addr, old->family == 2 ? 4 : 16);
}

/* Two sessions that would probe one address from one local port. */
static bool same_probe(const struct hcfg *x, const struct hcfg *y)
{
	return x->family == y->family && x->lport == y->lport &&
	       !memcmp(x->addr, y->addr, x->family == 2 ? 4 : 16);
}

/* Whether one of the @n steps @st ends or moves the session of @c. */
static bool leaves(const struct chan *c, const struct estep *st, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (st[i].leaving && !strcmp(st[i].name, c->name))
			return true;
	return false;
}

/*
 * kmod/health.c health_port_get(): a session of channel @self that would
 * probe @h's address from its local port while the running session of
 * another channel does (one that the steps @st do not end or move).
 */
static bool probe_taken(const struct hcfg *h, const char *self, const struct estep *st,
			unsigned int n)
{
	for (unsigned int i = 0; i < n_model; i++) {
		const struct chan *c = &model[i];

		if (c->has_health && strcmp(c->name, self) && same_probe(&c->h, h) &&
		    !leaves(c, st, n))
			return true;
	}
	return false;
}

/*
 * kmod/apply.c step_parse(): one STEP nest. 0 or XP_INVALID; @ctb gets
 * the attributes of the step's channel.
 */
static unsigned int emu_step_parse(const struct eattr *step, struct estep *s, struct eattr *ctb)
{
	struct eattr tb[HOTLINE_A_STEP_MAX + 1];
	const struct eattr *ch = &tb[HOTLINE_A_STEP_CHANNEL];

	memset(s, 0, sizeof(*s));
	if (!emu_parse(step->data, step->len, step_pol, HOTLINE_A_STEP_MAX, tb) ||
	    !tb[HOTLINE_A_STEP_CMD].data || !ch->data)
		return XP_INVALID;
	s->cmd = tb[HOTLINE_A_STEP_CMD].data[0];
	if (s->cmd != HOTLINE_CMD_CHANNEL_NEW && s->cmd != HOTLINE_CMD_CHANNEL_SET &&
	    s->cmd != HOTLINE_CMD_CHANNEL_DEL)
		return XP_INVALID;
	/* what the single command takes at top level, and no STEP in it */
	if (!emu_parse(ch->data, ch->len, chan_pol, HOTLINE_A_CHANNEL_MAX, ctb) ||
	    ctb[HOTLINE_A_CHANNEL_STEP].data || !ctb[HOTLINE_A_CHANNEL_NAME].data ||
	    !name_ok(&ctb[HOTLINE_A_CHANNEL_NAME], s->name))
		return XP_INVALID;
	return 0;
}

/*
 * kmod/apply.c step_resolve(), against the table before the request (a
 * channel is named by one step only): 0, XP_EEXIST, XP_ENOENT or
 * XP_INVALID. Unlike a single NEW, a step finds an existing name before
 * it reads the configuration.
 */
static unsigned int emu_step_resolve(struct estep *s, const struct eattr *ctb)
{
	struct chan *c = model_find(s->name);

	if (s->cmd == HOTLINE_CMD_CHANNEL_NEW) {
		if (c)
			return XP_EEXIST;
		chan_defaults(&s->result);
		if (!emu_cfg(ctb, &s->result, true))
			return XP_INVALID;
		s->new_identity = s->result.has_health;
	} else if (!c) {
		return XP_ENOENT;
	} else if (s->cmd == HOTLINE_CMD_CHANNEL_DEL) {
		s->leaving = c->has_health;
		return 0;
	} else {
		s->result = *c;
		if (!emu_cfg(ctb, &s->result, false))
			return XP_INVALID;
		s->new_identity = s->result.has_health &&
				  (!c->has_health ||
				   !same_identity(&c->h, &s->result.h, gives_key(ctb)));
		s->leaving = c->has_health && (!s->result.has_health || s->new_identity);
	}
	memcpy(s->result.name, s->name, sizeof(s->name));
	return 0;
}

/*
 * Once every step resolved: kmod/apply.c check_identities() (two sessions
 * of the request probing one address from one port), then, as each step
 * is prepared, health_port_get() (a running session, not ended or moved by
 * the request, probes it already). XP_RESOURCE when one must fail (EBUSY,
 * unless an earlier step ran out of something first), else 0.
 */
static unsigned int emu_step_probes(const struct estep *st, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (st[i].new_identity && st[j].new_identity &&
			    same_probe(&st[i].result.h, &st[j].result.h))
				return XP_RESOURCE;
	for (i = 0; i < n; i++)
		if (st[i].new_identity && probe_taken(&st[i].result.h, st[i].name, st, n))
			return XP_RESOURCE;
	return 0;
}

/*
 * kmod/apply.c hotline_nl_apply() for a message whose attributes (@rem
 * bytes at @attrs, @tb) passed the family's policy.
 */
static void predict_apply(const uint8_t *attrs, int rem, const struct eattr *tb,
			  struct pred *p)
{
	struct eattr ctb[HOTLINE_A_CHANNEL_MAX + 1];
	unsigned int i, first = 0;
	bool resources = false;

	p->op = OP_APPLY;
	p->expect = XP_INVALID;
	for (i = 1; i <= HOTLINE_A_CHANNEL_MAX; i++)
		if (i != HOTLINE_A_CHANNEL_STEP && tb[i].data)
			return;
	/*
	 * Every step is parsed (and the names compared) before the first is
	 * looked up, so an EINVAL of any step comes before an EEXIST or
	 * ENOENT of an earlier one; then the first step that fails decides.
	 */
	for (; rem >= 4; rem -= (rd16(attrs) + 3) & ~3, attrs += (rd16(attrs) + 3) & ~3) {
		struct eattr step = { attrs + 4, (uint16_t)(rd16(attrs) - 4) };
		struct estep *s;
		unsigned int err;

		if (rd16(attrs) < 4 || (rd16(attrs + 2) & NLA_TYPE_MASK) != HOTLINE_A_CHANNEL_STEP)
			die("emulator: APPLY: an attribute the policy must have refused");
		if (p->n_steps == APPLY_MAX_STEPS)
			die("emulator: APPLY of more than %d steps", APPLY_MAX_STEPS);
		s = &p->steps[p->n_steps++];
		if (emu_step_parse(&step, s, ctb))
			return;
		for (i = 0; i + 1 < p->n_steps; i++)
			if (!strcmp(p->steps[i].name, s->name))
				return;		/* a channel named by two steps */
		err = emu_step_resolve(s, ctb);
		if (err && !first)
			first = err;
		/* new channels (ids, memory) and sessions (sockets) may fail */
		if (s->cmd == HOTLINE_CMD_CHANNEL_NEW || s->result.has_health)
			resources = true;
	}
	if (!p->n_steps)
		return;
	if (first)
		p->expect = first;
	else if (emu_step_probes(p->steps, p->n_steps))
		p->expect = XP_RESOURCE;
	else
		p->expect = XP_OK | (resources ? XP_RESOURCE : 0);
}

/* What the kernel will do with the @sent bytes at @m. */
static void predict(const uint8_t *m, size_t sent, struct pred *p)
{
	const struct nlmsghdr *nlh = (const void *)m;
	const struct genlmsghdr *g = (const void *)(m + NLMSG_HDRLEN);
	struct eattr tb[HOTLINE_A_CHANNEL_MAX + 1];
	bool dump, ack;
	struct chan *c;

	memset(p, 0, sizeof(*p));
	if (sent < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > sent) {
		p->expect = XP_NOREPLY;
		p->sync = true;
		return;
	}
	ack = nlh->nlmsg_flags & NLM_F_ACK;
	if (!(nlh->nlmsg_flags & NLM_F_REQUEST) || nlh->nlmsg_type < NLMSG_MIN_TYPE) {
		p->expect = ack ? XP_OK : XP_NOREPLY;
		p->ack0_only = true;
		p->sync = !ack;
		return;
	}
	dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	/* errors are always answered, so only a do without ACK needs a sync */
	p->sync = !ack && !dump;
	if (nlh->nlmsg_type != family_id) {
		p->expect = XP_ENOENT;	/* no such family */
		return;
	}
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
		p->expect = XP_INVALID;
		return;
	}
	/*
	 * Commands from resv_start_op (all of ours) get genetlink's header
	 * check before anything else: reserved bytes zero, and no flags but
	 * REQUEST, ACK, ECHO and both bits of DUMP.
	 */
	if (g->cmd >= HOTLINE_CMD_CHANNEL_NEW) {
		uint16_t f = nlh->nlmsg_flags;

		if (dump)
			f &= (uint16_t)~NLM_F_DUMP;
		if (g->reserved || (f & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO))) {
			p->expect = XP_INVALID;
			return;
		}
	}
	if ((g->cmd < HOTLINE_CMD_CHANNEL_NEW || g->cmd > HOTLINE_CMD_CHANNEL_GET) &&
	    g->cmd != HOTLINE_CMD_APPLY) {
		p->expect = XP_EOPNOTSUPP;
		return;
	}
	/*
	 * A dump of a do-only command: 6.1 looks the command up, checks the
	 * permission, then finds no dumpit; from 6.2 (split ops) the lookup
	 * itself fails. So EPERM or EOPNOTSUPP without the capability.
	 */
	if (dump && g->cmd != HOTLINE_CMD_CHANNEL_GET) {
		p->expect = XP_EOPNOTSUPP | (opt.unpriv ? XP_EPERM : 0);
		return;
	}
	if (opt.unpriv && g->cmd != HOTLINE_CMD_CHANNEL_GET) {
		p->expect = XP_EPERM;
		return;
	}
	if (!emu_parse(m + NLMSG_HDRLEN + GENL_HDRLEN,
		       (int)(nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN),
		       chan_pol, HOTLINE_A_CHANNEL_MAX, tb)) {
		p->expect = XP_INVALID;
		return;
	}
	/* a dump takes any well-formed attribute, a STEP too */
	if (dump) {
		p->op = OP_DUMP;
		p->expect = XP_OK;
		return;
	}
	if (g->cmd == HOTLINE_CMD_APPLY) {
		predict_apply(m + NLMSG_HDRLEN + GENL_HDRLEN,
			      (int)(nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN), tb, p);
		return;
	}
	/* kmod/netlink.c hotline_parse_name(): a STEP only in APPLY */
	if (tb[HOTLINE_A_CHANNEL_STEP].data || !tb[HOTLINE_A_CHANNEL_NAME].data ||
	    !name_ok(&tb[HOTLINE_A_CHANNEL_NAME], p->name)) {
		p->expect = XP_INVALID;
		return;
	}
	c = model_find(p->name);
	switch (g->cmd) {
	case HOTLINE_CMD_CHANNEL_GET:
		p->op = OP_GET;
		p->expect = c ? XP_OK : XP_ENOENT;
		break;
	case HOTLINE_CMD_CHANNEL_DEL:
		p->op = OP_DEL;
		p->expect = c ? XP_OK : XP_ENOENT;
		break;
	case HOTLINE_CMD_CHANNEL_NEW:
		p->op = OP_NEW;
		chan_defaults(&p->result);
		if (!emu_cfg(tb, &p->result, true))
			p->expect = XP_INVALID;
		else if (c)
			p->expect = XP_EEXIST;
		else
			p->expect = XP_OK;
		break;
	case HOTLINE_CMD_CHANNEL_SET:
		p->op = OP_SET;
		if (!c) {
			p->expect = XP_ENOENT;
			break;
		}
		p->result = *c;
		p->expect = emu_cfg(tb, &p->result, false) ? XP_OK : XP_INVALID;
		break;
	}
	if (p->op == OP_NEW || p->op == OP_SET) {
		memcpy(p->result.name, p->name, sizeof(p->name));
		/* a health session needs a socket and a free (address, port) */
		if ((p->expect & XP_OK) && p->result.has_health)
			p->expect |= XP_RESOURCE;
		/* a session that starts or moves where another one probes: EBUSY */
		if ((p->expect & XP_OK) && p->result.has_health &&
		    (!c || !c->has_health || !same_identity(&c->h, &p->result.h, gives_key(tb))) &&
		    probe_taken(&p->result.h, p->name, NULL, 0))
			p->expect = XP_RESOURCE;
	}
	/* out of ids or memory may always happen to a new channel */
	if (p->op == OP_NEW && (p->expect & XP_OK))
		p->expect |= XP_RESOURCE;
}

/* ---- reply decoding: every attribute checked ---- */

static bool get_pfx(const struct nlattr *nest, struct pfx *p)
{
	const struct nlattr *a;
	bool haslen = false;

	memset(p, 0, sizeof(*p));
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case HOTLINE_A_PREFIX_ADDR4:
			if (mnl_attr_get_payload_len(a) != 4 || p->family)
				return false;
			p->family = 2;
			memcpy(p->addr, mnl_attr_get_payload(a), 4);
			break;
		case HOTLINE_A_PREFIX_ADDR6:
			if (mnl_attr_get_payload_len(a) != 16 || p->family)
				return false;
			p->family = 10;
			memcpy(p->addr, mnl_attr_get_payload(a), 16);
			break;
		case HOTLINE_A_PREFIX_LEN:
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return false;
			p->len = mnl_attr_get_u8(a);
			haslen = true;
			break;
		default:
			return false;
		}
	}
	return p->family && haslen;
}

static bool get_health(const struct nlattr *nest, struct hcfg *h)
{
	const struct nlattr *a;
	bool auth = false;

	memset(h, 0, sizeof(*h));
	mnl_attr_for_each_nested(a, nest) {
		unsigned int t = mnl_attr_get_type(a), len = mnl_attr_get_payload_len(a);

		switch (t) {
		case HOTLINE_A_HEALTH_PROBE_ADDR4:
			if (len != 4)
				return false;
			h->family = 2;
			memcpy(h->addr, mnl_attr_get_payload(a), 4);
			break;
		case HOTLINE_A_HEALTH_PROBE_ADDR6:
			if (len != 16)
				return false;
			h->family = 10;
			memcpy(h->addr, mnl_attr_get_payload(a), 16);
			break;
		case HOTLINE_A_HEALTH_PROBE_PORT:
		case HOTLINE_A_HEALTH_LOCAL_PORT:
			if (len != 2)
				return false;
			*(t == HOTLINE_A_HEALTH_PROBE_PORT ? &h->pport : &h->lport) =
				mnl_attr_get_u16(a);
			break;
		case HOTLINE_A_HEALTH_INTERVAL_MS:
		case HOTLINE_A_HEALTH_MAX_LOSS:
		case HOTLINE_A_HEALTH_MAX_RTT_MS:
			if (len != 4)
				return false;
			*(t == HOTLINE_A_HEALTH_INTERVAL_MS ? &h->interval :
			  t == HOTLINE_A_HEALTH_MAX_LOSS ? &h->max_loss : &h->max_rtt) =
				mnl_attr_get_u32(a);
			break;
		case HOTLINE_A_HEALTH_DETECT_MULT:
			if (len != 1)
				return false;
			h->dmult = mnl_attr_get_u8(a);
			break;
		case HOTLINE_A_HEALTH_KEYED:
		case HOTLINE_A_HEALTH_UNAUTHENTICATED:
			if (len != 0 || auth)
				return false;
			auth = true;
			h->keyed = t == HOTLINE_A_HEALTH_KEYED;
			break;
		default:	/* the key itself must never come back */
			return false;
		}
	}
	return h->family && auth;
}

/*
 * The attributes fill the payload exactly, nests included (those of
 * replies carry NLA_F_NESTED).
 */
static bool attrs_exact(const uint8_t *p, int rem, unsigned int depth)
{
	while (rem >= 4) {
		uint16_t len = rd16(p), type = rd16(p + 2);

		if (len < 4 || len > rem)
			return false;
		if ((type & NLA_F_NESTED) && (depth > 4 || !attrs_exact(p + 4, len - 4, depth + 1)))
			return false;
		rem -= (len + 3) & ~3;
		p += (len + 3) & ~3;
	}
	return rem == 0;
}

/* A channel message from the kernel; false (with *why) if malformed. */
static bool decode_chan(const struct nlmsghdr *nlh, struct chan *c, const char **why)
{
	const struct nlattr *a;
	unsigned int seen = 0;
	bool status = false;

	memset(c, 0, sizeof(*c));
	*why = "too short";
	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return false;
	*why = "malformed attribute";
	if (!attrs_exact((const uint8_t *)mnl_nlmsg_get_payload(nlh) + GENL_HDRLEN,
			 (int)(mnl_nlmsg_get_payload_len(nlh) - GENL_HDRLEN), 0))
		return false;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		unsigned int t = mnl_attr_get_type(a), len = mnl_attr_get_payload_len(a);

		if (t > 31 || (seen & (1u << t))) {
			*why = "unknown or duplicate attribute";
			return false;
		}
		seen |= 1u << t;
		*why = "bad attribute";
		switch (t) {
		case HOTLINE_A_CHANNEL_ID:
			if (len != 4)
				return false;
			c->id = mnl_attr_get_u32(a);
			break;
		case HOTLINE_A_CHANNEL_NAME:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0 ||
			    strlen(mnl_attr_get_str(a)) > HOTLINE_NAME_MAX)
				return false;
			strcpy(c->name, mnl_attr_get_str(a));
			break;
		case HOTLINE_A_CHANNEL_PEER:
		case HOTLINE_A_CHANNEL_LOCAL:
			if (!get_pfx(a, t == HOTLINE_A_CHANNEL_PEER ? &c->peer : &c->local))
				return false;
			break;
		case HOTLINE_A_CHANNEL_PROTO:
		case HOTLINE_A_CHANNEL_DSCP:
			if (len != 1)
				return false;
			*(t == HOTLINE_A_CHANNEL_PROTO ? &c->proto : &c->dscp) = mnl_attr_get_u8(a);
			break;
		case HOTLINE_A_CHANNEL_PORT_MIN:
		case HOTLINE_A_CHANNEL_PORT_MAX:
			if (len != 2)
				return false;
			*(t == HOTLINE_A_CHANNEL_PORT_MIN ? &c->pmin : &c->pmax) = mnl_attr_get_u16(a);
			break;
		case HOTLINE_A_CHANNEL_PRIORITY:
		case HOTLINE_A_CHANNEL_MARK:
		case HOTLINE_A_CHANNEL_MARK_MASK:
			if (len != 4)
				return false;
			*(t == HOTLINE_A_CHANNEL_PRIORITY ? &c->prio :
			  t == HOTLINE_A_CHANNEL_MARK ? &c->mark : &c->mask) = mnl_attr_get_u32(a);
			break;
		case HOTLINE_A_CHANNEL_STATS:
			if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
				return false;
			break;
		case HOTLINE_A_CHANNEL_HEALTH:
			if (!get_health(a, &c->h))
				return false;
			c->has_health = true;
			break;
		case HOTLINE_A_CHANNEL_HEALTH_STATUS:
			if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
				return false;
			status = true;
			break;
		case HOTLINE_A_CHANNEL_FAILBACK_MS:
			if (len != 4 || mnl_attr_get_u32(a) > HOTLINE_MAX_FAILBACK_MS)
				return false;
			c->failback = mnl_attr_get_u32(a);
			break;
		case HOTLINE_A_CHANNEL_NONREVERTIVE:
			if (len != 1 || mnl_attr_get_u8(a) > 1)
				return false;
			c->nonrev = mnl_attr_get_u8(a);
			break;
		default:
			*why = "unexpected attribute type";
			return false;
		}
	}
	*why = "a required attribute is missing";
#define HAS(t) (seen & (1u << (t)))
	if (!HAS(HOTLINE_A_CHANNEL_ID) || !HAS(HOTLINE_A_CHANNEL_NAME) ||
	    !HAS(HOTLINE_A_CHANNEL_PEER) || !HAS(HOTLINE_A_CHANNEL_PROTO) ||
	    !HAS(HOTLINE_A_CHANNEL_DSCP) || !HAS(HOTLINE_A_CHANNEL_PRIORITY) ||
	    !HAS(HOTLINE_A_CHANNEL_MARK) || !HAS(HOTLINE_A_CHANNEL_MARK_MASK) ||
	    !HAS(HOTLINE_A_CHANNEL_STATS))
		return false;
	*why = "PORT_MIN and PORT_MAX come together";
	if (!HAS(HOTLINE_A_CHANNEL_PORT_MIN) != !HAS(HOTLINE_A_CHANNEL_PORT_MAX))
		return false;
	*why = "HEALTH_STATUS comes with HEALTH";
	if (status != c->has_health)
		return false;
#undef HAS
	return true;
}

/* "" when equal, else the first field that differs. */
static const char *chan_diff(const struct chan *want, const struct chan *got)
{
	if (strcmp(want->name, got->name))
		return "name";
	if (memcmp(&want->peer, &got->peer, sizeof(got->peer)))
		return "peer";
	if (memcmp(&want->local, &got->local, sizeof(got->local)))
		return "local";
	if (want->proto != got->proto)
		return "proto";
	if (want->pmin != got->pmin || want->pmax != got->pmax)
		return "ports";
	if (want->dscp != got->dscp)
		return "dscp";
	if (want->prio != got->prio)
		return "priority";
	if (want->mark != got->mark || want->mask != got->mask)
		return "mark";
	if (want->has_health != got->has_health)
		return "health on/off";
	if (want->has_health && memcmp(&want->h, &got->h, sizeof(got->h)))
		return "health config";
	if (want->failback != got->failback || want->nonrev != got->nonrev)
		return "failover settings";
	return "";
}

/* Checks one channel the kernel showed against the model entry @m. */
static void check_shown(struct chan *m, const struct chan *got, const char *where)
{
	const char *d = chan_diff(m, got);

	if (*d)
		failf("%s: channel '%s' differs from the model in %s", where, got->name, d);
	if (m->id && m->id != got->id)
		failf("%s: channel '%s' changed id %u -> %u", where, got->name, m->id, got->id);
	if (!m->id) {
		if (got->id <= m->id_floor)
			failf("%s: new channel '%s' got id %u, not above %" PRIu64
			      " (ids must not be reused)", where, got->name, got->id, m->id_floor);
		else if (m->want_id && got->id != m->want_id)
			failf("%s: new channel '%s' got id %u, not %u (an id consumed or "
			      "skipped since the last one known)", where, got->name, got->id,
			      m->want_id);
		else if (m->want_id)
			n_ids_exact++;
		/* the channels made after it took the ids after its */
		if (!next_id && m->serial > id_unsure_serial)
			next_id = (uint32_t)(got->id + 1 + (n_created - m->serial));
		m->id = got->id;
	}
	if (got->id > max_id_seen)
		max_id_seen = got->id;
}

/* ---- talking to the kernel ---- */

struct reply {
	bool terminated;	/* ERROR or DONE for the request seen */
	int err;
	bool got_ack;
	unsigned int n_data;
	bool intr;
	bool malformed;
	struct chan *chans;	/* data messages decoded, for GET and dumps */
	unsigned int n_chans, cap_chans;
};

static void reply_add(struct reply *r, const struct chan *c)
{
	if (r->n_chans == r->cap_chans) {
		r->cap_chans = r->cap_chans ? 2 * r->cap_chans : 64;
		r->chans = realloc(r->chans, r->cap_chans * sizeof(*r->chans));
		if (!r->chans)
			die("out of memory");
	}
	r->chans[r->n_chans++] = *c;
}

static void extack_of(const struct nlmsghdr *nlh, size_t hdr_off)
{
	const uint8_t *pl = mnl_nlmsg_get_payload(nlh);
	size_t total = mnl_nlmsg_get_payload_len(nlh), off = hdr_off;

	cur_extack[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	while (off + 4 <= total) {
		const struct nlattr *a = (const void *)(pl + off);

		if (a->nla_len < 4 || off + a->nla_len > total)
			return;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG && a->nla_len > 4) {
			snprintf(cur_extack, sizeof(cur_extack), "%.*s",
				 (int)(a->nla_len - 4), (const char *)(a + 1));
			return;
		}
		off += MNL_ALIGN(a->nla_len);
	}
}

/*
 * Handles one message for @seq (or the sync @sync_seq). Returns 1 when the
 * request's answer is complete, 0 to read on.
 */
static int handle_msg(const struct nlmsghdr *nlh, uint32_t portid, uint32_t seq,
		      uint32_t sync_seq, struct reply *r, bool *sync_done)
{
	if (nlh->nlmsg_pid != portid) {
		failf("reply for port %u on socket %u", nlh->nlmsg_pid, portid);
		return 0;
	}
	if (sync_seq && nlh->nlmsg_seq == sync_seq) {
		if (nlh->nlmsg_type != NLMSG_ERROR) {
			failf("sync request: unexpected reply type %u", nlh->nlmsg_type);
			return 0;
		}
		*sync_done = true;
		return 1;
	}
	if (nlh->nlmsg_seq != seq) {
		failf("stray reply (type %u, seq %u, waiting for %u)", nlh->nlmsg_type,
		      nlh->nlmsg_seq, seq);
		return 0;
	}
	if (r->terminated) {
		failf("reply type %u after the request's end", nlh->nlmsg_type);
		return 0;
	}
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		r->intr = true;
	switch (nlh->nlmsg_type) {
	case NLMSG_ERROR: {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
			failf("short NLMSG_ERROR");
			r->malformed = true;
			r->terminated = true;
			return sync_seq ? 0 : 1;
		}
		r->err = e->error;
		r->got_ack = true;
		r->terminated = true;
		if (e->error)
			extack_of(nlh, sizeof(*e) + ((nlh->nlmsg_flags & NLM_F_CAPPED) ? 0 :
				  MNL_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN));
		if (e->msg.nlmsg_seq != seq)
			failf("the error echoes seq %u, not %u", e->msg.nlmsg_seq, seq);
		return sync_seq ? 0 : 1;
	}
	case NLMSG_DONE: {
		int err = 0;

		if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
			memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
		if (err)
			extack_of(nlh, sizeof(int));
		r->err = err;
		r->got_ack = true;
		r->terminated = true;
		return sync_seq ? 0 : 1;
	}
	default:
		if (nlh->nlmsg_type != family_id) {
			failf("reply of type %u", nlh->nlmsg_type);
			r->malformed = true;
		} else {
			struct chan c;
			const char *why;

			r->n_data++;
			if (!decode_chan(nlh, &c, &why)) {
				failf("malformed channel in a reply: %s", why);
				r->malformed = true;
			} else {
				reply_add(r, &c);
			}
		}
		return 0;
	}
}

/* Reads one datagram; returns 1 when complete, 0 to read on, -1 on error. */
static int read_some(struct nlsock *s, uint32_t seq, uint32_t sync_seq, struct reply *r,
		     bool *sync_done, size_t max)
{
	ssize_t n = mnl_socket_recvfrom(s->sk, rxbuf, max);
	const struct nlmsghdr *nlh = (const void *)rxbuf;
	int len = (int)n, done = 0;

	if (n < 0) {
		failf("recv: %s (a missing reply when EAGAIN)", strerror(errno));
		return -1;
	}
	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
		if (handle_msg(nlh, s->portid, seq, sync_seq, r, sync_done))
			done = 1;
	if (len) {
		failf("%d bytes of a partial netlink message", len);
		return -1;
	}
	return done;
}

static void send_raw(struct nlsock *s, const void *buf, size_t len)
{
	if (sendto(mnl_socket_get_fd(s->sk), buf, len, 0,
		   (const struct sockaddr *)&(struct sockaddr_nl){ .nl_family = AF_NETLINK },
		   sizeof(struct sockaddr_nl)) < 0)
		failf("sendto (%zu bytes): %s", len, strerror(errno));
}

/* A request that always fails with EINVAL: everything before its error is
 * the answer of the request before it. */
static uint32_t send_sync(struct nlsock *s)
{
	char buf[64] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq_no++;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = HOTLINE_CMD_CHANNEL_GET;	/* no name: "name: required" */
	g->version = HOTLINE_GENL_VERSION;
	send_raw(s, buf, nlh->nlmsg_len);
	return nlh->nlmsg_seq;
}

/* Sends @len bytes at @buf (seq already in it), reads the full answer. */
static void transact(struct nlsock *s, uint8_t *buf, size_t len, bool sync, struct reply *r)
{
	uint32_t seq = ((struct nlmsghdr *)(void *)buf)->nlmsg_seq, sync_seq = 0;
	bool sync_done = false;

	memset(r, 0, sizeof(*r));
	cur_extack[0] = '\0';
	send_raw(s, buf, len);
	n_sent++;
	if (sync)
		sync_seq = send_sync(s);
	for (;;) {
		int rc = read_some(s, seq, sync_seq, r, &sync_done, sizeof(rxbuf));

		if (rc < 0)
			return;
		if (rc > 0 && (!sync_seq || sync_done))
			return;
	}
}

/* ---- request generation ---- */

static uint8_t req[BUF_SIZE] __attribute__((aligned(4)));
static char pool[256][HOTLINE_NAME_MAX + 1];

static const char name_chars[] =
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

static void make_pool(void)
{
	for (unsigned int i = 0; i < opt.names; i++) {
		int n = snprintf(pool[i], sizeof(pool[i]), "%s%u", opt.prefix, i);

		/* some names of every length up to the longest allowed */
		if (i % 4 == 1)
			for (; n < (int)(2 + i % HOTLINE_NAME_MAX) && n < HOTLINE_NAME_MAX; n++)
				pool[i][n] = name_chars[(i * 7 + n) % (sizeof(name_chars) - 1)];
		if (i % 8 == 3)
			for (; n < HOTLINE_NAME_MAX; n++)
				pool[i][n] = "._-"[n % 3];
		pool[i][n] = '\0';
	}
}

static uint32_t pick_u32(const uint32_t *v, unsigned int n)
{
	return chance(25) ? (uint32_t)rnd64() : v[rnd(n)];
}

/* In a mutated request every value has a chance to be put badly. */
static bool mut;

/* An integer attribute of @width bytes, sometimes of the wrong width. */
static void put_int(struct nlmsghdr *nlh, uint16_t type, unsigned int width, uint64_t v)
{
	static const unsigned int widths[] = { 0, 1, 2, 3, 4, 8 };
	uint8_t b[8];

	if (mut && chance(6))
		width = widths[rnd(6)];
	memcpy(b, &v, 8);	/* little endian: the low bytes first */
	mnl_attr_put(nlh, type, width, b);
}

static void put_bytes(struct nlmsghdr *nlh, uint16_t type, const void *p, size_t len)
{
	mnl_attr_put(nlh, type, len, p);
}

static void rnd_fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd64();
}

/* Junk nests: unknown types, nests in nests, flags where they don't belong. */
static void put_junk(struct nlmsghdr *nlh, unsigned int maxtype, unsigned int depth)
{
	static const uint16_t types[] = { 0, 0x3fff, 0x7fff, 0xffff, 200, 1000 };
	uint16_t type = chance(50) ? (uint16_t)(maxtype + 1 + rnd(4)) : types[rnd(6)];
	uint8_t b[64];

	if (depth < 8 && chance(50)) {
		struct nlattr *n = mnl_attr_nest_start(nlh, type & NLA_TYPE_MASK);

		if (chance(30))	/* a nest that does not say so */
			n->nla_type &= ~NLA_F_NESTED;
		put_junk(nlh, maxtype, depth + 1);
		mnl_attr_nest_end(nlh, n);
		return;
	}
	rnd_fill(b, sizeof(b));
	mnl_attr_put(nlh, type, rnd(sizeof(b)), b);
}

static void put_name(struct nlmsghdr *nlh)
{
	char s[4100];
	unsigned int n, i;

	if (!mut || chance(70)) {
		mnl_attr_put_strz(nlh, HOTLINE_A_CHANNEL_NAME, pool[rnd(opt.names)]);
		return;
	}
	switch (rnd(7)) {
	case 0:	/* too long */
		n = 32 + (chance(80) ? rnd(300) : rnd(4000));
		for (i = 0; i < n; i++)
			s[i] = name_chars[rnd(sizeof(name_chars) - 1)];
		s[n] = '\0';
		mnl_attr_put(nlh, HOTLINE_A_CHANNEL_NAME, n + 1, s);
		break;
	case 1:	/* no NUL */
		n = (unsigned int)snprintf(s, sizeof(s), "%s", pool[rnd(opt.names)]);
		mnl_attr_put(nlh, HOTLINE_A_CHANNEL_NAME, n, s);
		break;
	case 2:	/* empty, or just a NUL */
		mnl_attr_put(nlh, HOTLINE_A_CHANNEL_NAME, rnd(2), "");
		break;
	case 3:	/* a character that is not allowed */
		n = (unsigned int)snprintf(s, sizeof(s), "%s", pool[rnd(opt.names)]);
		s[rnd(n)] = chance(50) ? " !/:@\x7f\x01\xff"[rnd(8)] : (char)rnd(256);
		mnl_attr_put(nlh, HOTLINE_A_CHANNEL_NAME, n + 1, s);
		break;
	case 4:	/* a valid name, a NUL, then junk (the name ends at the NUL) */
		if (opt.no_nul_tail) {
			mnl_attr_put_strz(nlh, HOTLINE_A_CHANNEL_NAME, pool[rnd(opt.names)]);
			break;
		}
		n = (unsigned int)snprintf(s, sizeof(s), "%s", pool[rnd(opt.names)]);
		s[n] = '\0';
		for (i = n + 1; i < n + 1 + 40; i++)
			s[i] = (char)rnd(256);
		mnl_attr_put(nlh, HOTLINE_A_CHANNEL_NAME, n + 1 + rnd(40), s);
		break;
	case 5:	/* a prefix of a pool name, or the 31/32-byte boundary */
		n = (unsigned int)snprintf(s, sizeof(s), "%s", pool[rnd(opt.names)]);
		while (n < 31 + rnd(2))
			s[n++] = 'x';
		s[n] = '\0';
		mnl_attr_put_strz(nlh, HOTLINE_A_CHANNEL_NAME, s);
		break;
	default:	/* as a nest */
		mnl_attr_put_strz(nlh, HOTLINE_A_CHANNEL_NAME | NLA_F_NESTED, pool[rnd(opt.names)]);
		break;
	}
}

static const uint8_t bad_v4[][4] = {
	{ 0, 0, 0, 0 }, { 0, 1, 2, 3 }, { 224, 0, 0, 1 }, { 239, 255, 255, 255 },
	{ 255, 255, 255, 255 },
};

static void rnd_addr(uint8_t *a, bool v6, unsigned int len)
{
	unsigned int max = v6 ? 128 : 32, i;

	rnd_fill(a, v6 ? 16 : 4);
	/* clear the host bits, except now and then */
	if (!(mut && chance(10)))
		for (i = len; i < max; i++)
			a[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
}

static void put_prefix(struct nlmsghdr *nlh, uint16_t type, int family)
{
	static const uint8_t lens4[] = { 0, 1, 8, 16, 24, 31, 32 };
	static const uint8_t lens6[] = { 0, 1, 32, 48, 64, 127, 128 };
	bool v6 = family ? family == 10 : chance(40);
	struct nlattr *n = mnl_attr_nest_start(nlh, type);
	uint8_t len = v6 ? (chance(50) ? lens6[rnd(7)] : (uint8_t)rnd(129)) :
			   (chance(50) ? lens4[rnd(7)] : (uint8_t)rnd(33));
	uint8_t a[16];

	if (mut && chance(8))
		len = (uint8_t)(v6 ? 129 + rnd(127) : 33 + rnd(200));
	rnd_addr(a, v6, len);
	if (!(mut && chance(5))) {
		if (mut && chance(5))
			put_bytes(nlh, v6 ? HOTLINE_A_PREFIX_ADDR6 : HOTLINE_A_PREFIX_ADDR4, a,
				  rnd(20));
		else
			put_bytes(nlh, v6 ? HOTLINE_A_PREFIX_ADDR6 : HOTLINE_A_PREFIX_ADDR4, a,
				  v6 ? 16 : 4);
	}
	if (mut && chance(4))	/* both families */
		put_bytes(nlh, v6 ? HOTLINE_A_PREFIX_ADDR4 : HOTLINE_A_PREFIX_ADDR6, a,
			  v6 ? 4 : 16);
	if (!(mut && chance(5)))
		put_int(nlh, HOTLINE_A_PREFIX_LEN, 1, len);
	if (mut && chance(5))
		put_junk(nlh, HOTLINE_A_PREFIX_MAX, 1);
	mnl_attr_nest_end(nlh, n);
}

/* The health configuration of a random channel of the model that has one. */
static const struct hcfg *some_session(void)
{
	unsigned int i, k = rnd(n_model ? n_model : 1);

	for (i = 0; i < n_model; i++)
		if (model[(k + i) % n_model].has_health)
			return &model[(k + i) % n_model].h;
	return NULL;
}

static void put_health(struct nlmsghdr *nlh, bool partial)
{
	static const uint32_t ivals[] = { 10, 11, 100, 1000, 5000, 59999, 60000 };
	static const uint32_t bad_ivals[] = { 0, 9, 60001, 0xffffffff };
	static const uint32_t losses[] = { 0, 1, 50, 99, 100 };
	static const uint32_t rtts[] = { 0, 1, 100, 1000, 0xffffffff };
	struct nlattr *n = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_HEALTH);
	/* now and then what a running session probes, from its port: EBUSY */
	const struct hcfg *taken = chance(5) ? some_session() : NULL;
	uint8_t a[32];
	unsigned int p = partial ? 30 : 100;

	if (taken || chance(p)) {
		bool v6 = taken ? taken->family == 10 : chance(40);

		rnd_fill(a, 16);
		if (taken)
			memcpy(a, taken->addr, 16);
		else if (v6)
			a[0] = (uint8_t)(0x20 + rnd(0xc0));	/* unicast mostly */
		else
			a[0] = (uint8_t)(1 + rnd(223));
		if (mut && chance(10)) {
			if (!v6)
				memcpy(a, bad_v4[rnd(5)], 4);
			else if (chance(50))
				a[0] = 0xff;	/* multicast */
			else
				memset(a, 0, 16);	/* :: */
		}
		put_bytes(nlh, v6 ? HOTLINE_A_HEALTH_PROBE_ADDR6 : HOTLINE_A_HEALTH_PROBE_ADDR4, a,
			  mut && chance(5) ? rnd(20) : (v6 ? 16 : 4));
	}
	if (chance(p / 3))
		put_int(nlh, HOTLINE_A_HEALTH_PROBE_PORT, 2,
			mut && chance(10) ? 0 : (chance(50) ? 862 : 1 + rnd(65535)));
	if (taken)
		put_int(nlh, HOTLINE_A_HEALTH_LOCAL_PORT, 2, taken->lport);
	else if (chance(p / 3))
		put_int(nlh, HOTLINE_A_HEALTH_LOCAL_PORT, 2,
			mut && chance(10) ? 0 : (chance(30) ? 1 + rnd(65535) :
						  (chance(50) ? 862 : 40000 + rnd(64))));
	/* short intervals are rare: timers firing every 10 ms cost the VM */
	if (chance(p / 2))
		put_int(nlh, HOTLINE_A_HEALTH_INTERVAL_MS, 4,
			mut && chance(15) ? bad_ivals[rnd(4)] :
			chance(3) ? ivals[rnd(2)] : ivals[2 + rnd(5)]);
	if (chance(p / 3))
		put_int(nlh, HOTLINE_A_HEALTH_DETECT_MULT, 1,
			mut && chance(10) ? 0 : (chance(50) ? 1 + rnd(255) : (chance(50) ? 1 : 255)));
	if (chance(p))	{
		if (chance(50)) {
			rnd_fill(a, 32);
			put_bytes(nlh, HOTLINE_A_HEALTH_KEY, a,
				  mut && chance(10) ? rnd(33) + (chance(50) ? 1 : 0) : 32);
		} else {
			mnl_attr_put(nlh, HOTLINE_A_HEALTH_UNAUTHENTICATED, 0, NULL);
		}
		if (mut && chance(5))	/* both */
			mnl_attr_put(nlh, HOTLINE_A_HEALTH_UNAUTHENTICATED, 0, NULL);
	}
	if (chance(p / 3))
		put_int(nlh, HOTLINE_A_HEALTH_MAX_LOSS, 4,
			mut && chance(10) ? 101 + rnd(1000) : losses[rnd(5)]);
	if (chance(p / 3))
		put_int(nlh, HOTLINE_A_HEALTH_MAX_RTT_MS, 4, pick_u32(rtts, 5));
	if (mut && chance(5))
		mnl_attr_put(nlh, HOTLINE_A_HEALTH_KEYED, 0, NULL);
	if (mut && chance(5))
		put_junk(nlh, HOTLINE_A_HEALTH_MAX, 1);
	mnl_attr_nest_end(nlh, n);
}

/* The body of NEW (@create) or SET: each attribute with its odds. */
static void put_cfg(struct nlmsghdr *nlh, bool create)
{
	static const uint32_t prios[] = { 0, 7, 0xffff, 0x10000, 0x10010, 0xffffffff };
	static const uint32_t marks[] = { 0, 1, 0x10, 0xff, 0xffffffff };
	unsigned int p = create ? 100 : 25;
	int fam = chance(40) ? 10 : 2;
	struct nlattr *empty;

	if (chance(create ? (mut ? 92 : 99) : 20))
		put_prefix(nlh, HOTLINE_A_CHANNEL_PEER, fam);
	if (chance(create ? 30 : 10)) {
		/* mostly of the peer's family; an empty LOCAL clears it */
		if (!create && chance(30)) {
			empty = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_LOCAL);
			mnl_attr_nest_end(nlh, empty);
		} else {
			put_prefix(nlh, HOTLINE_A_CHANNEL_LOCAL,
				   chance(mut ? 80 : 97) ? fam : 12 - fam);
		}
	}
	if (chance(p / 2))
		put_int(nlh, HOTLINE_A_CHANNEL_PROTO, 1,
			mut && chance(10) ? 5 + rnd(251) : rnd(HOTLINE_PROTO_MAX + 1));
	if (chance(p / 3)) {
		uint16_t a = chance(10) ? 1 : chance(10) ? 65535 : (uint16_t)(1 + rnd(65535));
		uint16_t b = chance(20) ? a : (uint16_t)(a + rnd(65536 - a));

		if (!create && chance(15))
			a = b = 0;	/* clears the range */
		if (mut && chance(15)) {
			if (chance(50))
				a = 0;
			else
				b = (uint16_t)(a ? a - 1 : 0);
		}
		if (!(mut && chance(10)))
			put_int(nlh, HOTLINE_A_CHANNEL_PORT_MIN, 2, a);
		if (!(mut && chance(10)))
			put_int(nlh, HOTLINE_A_CHANNEL_PORT_MAX, 2, b);
	}
	if (chance(p / 2))
		put_int(nlh, HOTLINE_A_CHANNEL_DSCP, 1,
			mut && chance(10) ? 64 + rnd(192) : (chance(20) ? 63 * rnd(2) : rnd(64)));
	if (chance(p / 3))
		put_int(nlh, HOTLINE_A_CHANNEL_PRIORITY, 4, pick_u32(prios, 6));
	if (chance(p / 3))
		put_int(nlh, HOTLINE_A_CHANNEL_MARK, 4, pick_u32(marks, 5));
	if (chance(p / 3))
		put_int(nlh, HOTLINE_A_CHANNEL_MARK_MASK, 4, pick_u32(marks, 5));
	if (chance(p / 4))
		put_int(nlh, HOTLINE_A_CHANNEL_FAILBACK_MS, 4,
			mut && chance(10) ? HOTLINE_MAX_FAILBACK_MS + 1 + rnd(1000) :
			chance(30) ? HOTLINE_MAX_FAILBACK_MS * rnd(2) : rnd(60000));
	if (chance(p / 4))
		put_int(nlh, HOTLINE_A_CHANNEL_NONREVERTIVE, 1, mut && chance(10) ? 2 + rnd(254) : rnd(2));
	if (chance(3)) {	/* no paths: the empty list */
		empty = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_PATHS);
		mnl_attr_nest_end(nlh, empty);
	}
	if (chance(create ? 15 : 12)) {
		if (!create && chance(25)) {
			empty = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_HEALTH);
			mnl_attr_nest_end(nlh, empty);
		} else {
			put_health(nlh, !create);
		}
	}
}

/*
 * A STEP where no command takes one (NEW, SET, DEL, GET, a step's
 * channel): mostly a well-formed step, now and then an empty nest. A dump
 * accepts it; the policy only sees a nest.
 */
static void put_stray_step(struct nlmsghdr *nlh)
{
	struct nlattr *st = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_STEP), *ch;

	if (chance(80)) {
		put_int(nlh, HOTLINE_A_STEP_CMD, 1, 1 + rnd(3));
		ch = mnl_attr_nest_start(nlh, HOTLINE_A_STEP_CHANNEL);
		mnl_attr_put_strz(nlh, HOTLINE_A_CHANNEL_NAME, pool[rnd(opt.names)]);
		mnl_attr_nest_end(nlh, ch);
	}
	mnl_attr_nest_end(nlh, st);
}

/* Attributes that are fine in no request, and duplicates. */
static void put_extras(struct nlmsghdr *nlh)
{
	static const uint16_t ro[] = {
		HOTLINE_A_CHANNEL_ID, HOTLINE_A_CHANNEL_STATS,
		HOTLINE_A_CHANNEL_HEALTH_STATUS, HOTLINE_A_CHANNEL_OLD_STATE,
		HOTLINE_A_CHANNEL_PAD, HOTLINE_A_CHANNEL_ACTIVE_PATH,
		HOTLINE_A_CHANNEL_ACTIVE_SINCE, HOTLINE_A_CHANNEL_SWITCHES,
		HOTLINE_A_CHANNEL_PATH, HOTLINE_A_CHANNEL_SWITCH,
	};

	if (chance(8))
		put_int(nlh, ro[rnd(10)], 4, rnd64());
	if (chance(8))
		put_junk(nlh, HOTLINE_A_CHANNEL_MAX, 0);
	if (chance(5))
		put_stray_step(nlh);
	if (chance(10)) {	/* a second copy: the last one counts */
		switch (rnd(4)) {
		case 0: put_name(nlh); break;
		case 1: put_int(nlh, HOTLINE_A_CHANNEL_DSCP, 1, rnd(64)); break;
		case 2: put_prefix(nlh, HOTLINE_A_CHANNEL_PEER, 0); break;
		default: put_int(nlh, HOTLINE_A_CHANNEL_MARK, 4, rnd64()); break;
		}
	}
	if (chance(2)) {	/* a big message */
		static uint8_t big[16000];
		size_t n = rnd(sizeof(big));

		rnd_fill(big, n);
		mnl_attr_put(nlh, HOTLINE_A_CHANNEL_MAX + 1 + rnd(100), n, big);
	}
}

/* ---- APPLY requests ---- */

/*
 * The deliberate error of an APPLY, in one step (BAD_TOP: in the request
 * itself). The emulator predicts from the bytes: a "bad" step may turn
 * out fine (a bad DSCP in a DEL, a probe address its owner gives up).
 */
enum {
	BAD_NONE, BAD_VALUE, BAD_TWICE, BAD_UNKNOWN, BAD_EXISTS, BAD_PROBE, BAD_TOP, BAD_MAX
};

static const char *const bad_names[BAD_MAX] = {
	"", "bad-value", "named-twice", "unknown", "exists", "same-probe", "top-level",
};

#define APPLY_GEN_STEPS	6

/* A full health nest probing @src's address from @src's local port. */
static void put_probe_of(struct nlmsghdr *nlh, const struct hcfg *src)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_HEALTH);
	uint8_t key[HOTLINE_KEY_LEN];

	put_bytes(nlh, src->family == 10 ? HOTLINE_A_HEALTH_PROBE_ADDR6 :
		  HOTLINE_A_HEALTH_PROBE_ADDR4, src->addr, src->family == 10 ? 16 : 4);
	put_int(nlh, HOTLINE_A_HEALTH_LOCAL_PORT, 2, src->lport);
	if (chance(50))
		put_int(nlh, HOTLINE_A_HEALTH_PROBE_PORT, 2,
			chance(50) ? src->pport : 1 + rnd(65535));
	if (chance(50))
		put_int(nlh, HOTLINE_A_HEALTH_INTERVAL_MS, 4, 1000 + rnd(4001));
	if (chance(50)) {
		rnd_fill(key, sizeof(key));
		put_bytes(nlh, HOTLINE_A_HEALTH_KEY, key, sizeof(key));
	} else {
		mnl_attr_put(nlh, HOTLINE_A_HEALTH_UNAUTHENTICATED, 0, NULL);
	}
	mnl_attr_nest_end(nlh, n);
}

/*
 * One step: STEP { CMD @cmd, CHANNEL { NAME @name, the attributes of the
 * command } }, with @probe's address and port if given, and the damage of
 * BAD_VALUE if @bad is. Returns the STEP attribute.
 */
static struct nlattr *put_step(struct nlmsghdr *nlh, uint8_t cmd, const char *name,
			       bool bad, const struct hcfg *probe)
{
	static const uint8_t bad_cmds[] = {
		HOTLINE_CMD_UNSPEC, HOTLINE_CMD_CHANNEL_GET, HOTLINE_CMD_HEALTH_EVENT,
		HOTLINE_CMD_APPLY, 7, 255,
	};
	static const uint16_t ro[] = {
		HOTLINE_A_CHANNEL_ID, HOTLINE_A_CHANNEL_STATS,
		HOTLINE_A_CHANNEL_HEALTH_STATUS, HOTLINE_A_CHANNEL_OLD_STATE,
	};
	struct nlattr *st = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_STEP), *ch;
	unsigned int how = bad ? rnd(8) : 8;

	if (how == 0)
		cmd = bad_cmds[rnd(sizeof(bad_cmds))];
	if (how != 1)		/* 1: no CMD */
		put_int(nlh, HOTLINE_A_STEP_CMD, 1, cmd);
	if (how == 2) {		/* no CHANNEL */
		mnl_attr_nest_end(nlh, st);
		return st;
	}
	ch = mnl_attr_nest_start(nlh, HOTLINE_A_STEP_CHANNEL);
	if (mut && chance(30))
		put_name(nlh);
	else
		mnl_attr_put_strz(nlh, HOTLINE_A_CHANNEL_NAME, name);
	if (cmd == HOTLINE_CMD_CHANNEL_NEW || cmd == HOTLINE_CMD_CHANNEL_SET)
		put_cfg(nlh, cmd == HOTLINE_CMD_CHANNEL_NEW);
	else if (chance(10))
		put_cfg(nlh, chance(50));	/* DEL reads only the name */
	if (probe)
		put_probe_of(nlh, probe);
	switch (how) {
	case 3:
		put_int(nlh, HOTLINE_A_CHANNEL_DSCP, 1, 64 + rnd(192));
		break;
	case 4:
		put_int(nlh, HOTLINE_A_CHANNEL_PROTO, 1, HOTLINE_PROTO_MAX + 1 + rnd(200));
		break;
	case 5:
		put_int(nlh, ro[rnd(4)], 4, rnd64());
		break;
	case 6:
		put_stray_step(nlh);
		break;
	case 7:
		put_junk(nlh, HOTLINE_A_CHANNEL_MAX, 1);
		break;
	default:
		break;
	}
	mnl_attr_nest_end(nlh, ch);
	mnl_attr_nest_end(nlh, st);
	return st;
}

/* What the emulator makes of the step @st alone, against the model (0: fine). */
static unsigned int step_check(const struct nlattr *st, struct estep *s)
{
	struct eattr ctb[HOTLINE_A_CHANNEL_MAX + 1];
	struct eattr e = { (const uint8_t *)st + 4, (uint16_t)(st->nla_len - 4) };
	unsigned int err = emu_step_parse(&e, s, ctb);

	return err ? err : emu_step_resolve(s, ctb);
}

/*
 * A name of the pool no step of this request named yet (@used, @n): in
 * the model (@exists 1; 2: with a health session), not in it (0) or
 * either (-1); NULL if none came.
 */
static const char *pick_name(char (*used)[HOTLINE_NAME_MAX + 1], unsigned int n, int exists)
{
	for (unsigned int tries = 0; tries < 64; tries++) {
		const char *name = pool[rnd(opt.names)];
		const struct chan *c = model_find(name);
		unsigned int i;

		for (i = 0; i < n && strcmp(used[i], name); i++)
			;
		if (i == n && (exists < 0 || (exists == 2 ? c && c->has_health : !c == !exists)))
			return name;
	}
	return NULL;
}

/*
 * The steps of an APPLY: 1 to APPLY_GEN_STEPS of them on names of the pool,
 * NEW for a name the table lacks, SET or DEL for one it has, each built
 * again (up to 8 times) until the emulator finds it valid; then now and
 * then one deliberate error, and in a mutated request one step built with
 * mutated values. Describes the steps in @desc; returns their number.
 */
static unsigned int put_apply(struct nlmsghdr *nlh, bool valid_only, char *desc, size_t dlen)
{
	static const char *const ops[] = { "?", "NEW", "SET", "DEL" };
	char used[APPLY_GEN_STEPS][HOTLINE_NAME_MAX + 1];
	struct hcfg probes[APPLY_GEN_STEPS], freed[APPLY_GEN_STEPS];
	unsigned int n = 1 + (chance(75) ? rnd(4) : rnd(APPLY_GEN_STEPS));
	unsigned int bad = valid_only || chance(70) ? BAD_NONE : 1 + rnd(BAD_MAX - 1);
	unsigned int at = rnd(n), mut_at = mut ? rnd(n) : n, top = rnd(4);
	unsigned int i, made, n_probes = 0, n_freed = 0;
	bool mutating = mut;
	size_t used_len = 0;
	struct nlattr *st = NULL;

	desc[0] = '\0';
	if (bad == BAD_PROBE) {		/* mostly after a step that may free one */
		n += n < 2;
		at = 1 + rnd(n - 1);
	}
	if (bad == BAD_TOP && top == 0)
		n = 0;			/* no step at all */
	if (bad == BAD_TOP && top == 1)	/* what the single commands carry */
		mnl_attr_put_strz(nlh, HOTLINE_A_CHANNEL_NAME, pool[rnd(opt.names)]);
	for (i = made = 0; i < n; i++) {
		bool here = bad != BAD_NONE && i == at;
		const struct hcfg *probe = NULL;
		const char *name = NULL;
		size_t start = nlh->nlmsg_len;
		struct estep s;
		uint8_t cmd;

		mut = mutating && i == mut_at;
		if (here && bad == BAD_TWICE && made)
			name = used[rnd(made)];
		else if (here && (bad == BAD_UNKNOWN || bad == BAD_EXISTS))
			name = pick_name(used, made, bad == BAD_EXISTS);
		else if (bad == BAD_PROBE && i < at && chance(60))
			name = pick_name(used, made, 2);	/* its address may be freed */
		if (!name)
			name = pick_name(used, made, -1);
		if (!name)
			break;		/* every name of the pool is taken */
		if (here && bad == BAD_EXISTS)
			cmd = HOTLINE_CMD_CHANNEL_NEW;
		else if (model_find(name))
			cmd = here && bad == BAD_UNKNOWN ? HOTLINE_CMD_CHANNEL_NEW :
			      chance(bad == BAD_PROBE ? 40 : 65) ? HOTLINE_CMD_CHANNEL_SET :
			      HOTLINE_CMD_CHANNEL_DEL;
		else
			cmd = here && bad == BAD_UNKNOWN ?
			      (chance(50) ? HOTLINE_CMD_CHANNEL_SET : HOTLINE_CMD_CHANNEL_DEL) :
			      HOTLINE_CMD_CHANNEL_NEW;
		if (here && bad == BAD_PROBE && cmd != HOTLINE_CMD_CHANNEL_DEL)
			/*
			 * What an earlier step's session gives up (allowed),
			 * what one starts or a running session probes (EBUSY)
			 */
			probe = n_freed && chance(50) ? &freed[rnd(n_freed)] :
				n_probes && chance(50) ? &probes[rnd(n_probes)] : some_session();
		for (unsigned int tries = 0;; tries++) {
			nlh->nlmsg_len = (uint32_t)start;
			st = put_step(nlh, cmd, name, here && bad == BAD_VALUE, probe);
			if (mut || here || tries == 8 || step_check(st, &s) != XP_INVALID)
				break;
		}
		if (!step_check(st, &s) && s.new_identity)
			probes[n_probes++] = s.result.h;
		if (s.leaving)
			freed[n_freed++] = model_find(s.name)->h;
		memcpy(used[made++], name, sizeof(used[0]));	/* a pool or used entry */
		used_len += (size_t)snprintf(desc + used_len, dlen - used_len, "%s%s %s",
					     i ? "," : "", ops[cmd], name);
		if (used_len >= dlen)
			used_len = dlen - 1;
	}
	mut = mutating;
	if (bad == BAD_TOP && top == 2) {	/* an empty STEP */
		st = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_STEP);
		mnl_attr_nest_end(nlh, st);
	} else if (bad == BAD_TOP && top == 3 && made) {	/* not flagged a nest */
		st->nla_type &= (uint16_t)~NLA_F_NESTED;
	}
	if (bad)
		snprintf(desc + used_len, dlen - used_len, " bad=%s", bad_names[bad]);
	return made;
}

/* Offsets of every attribute header in the message, nests included. */
static unsigned int collect_attrs(const uint8_t *p, int rem, size_t base, size_t *offs,
				  unsigned int n, unsigned int depth)
{
	while (rem >= 4 && n < MAX_ATTRS) {
		uint16_t len = rd16(p), type = rd16(p + 2);

		if (len < 4 || len > rem)
			break;
		offs[n++] = base;
		if ((type & NLA_F_NESTED) && depth < 10)
			n = collect_attrs(p + 4, len - 4, base + 4, offs, n, depth + 1);
		rem -= (len + 3) & ~3;
		p += (len + 3) & ~3;
		base += (len + 3) & ~3;
	}
	return n;
}

/* Byte-level damage to a built message. Returns the bytes to send. */
static size_t mutate(uint8_t *m, size_t len, char *desc, size_t dlen)
{
	struct nlmsghdr *nlh = (void *)m;
	struct genlmsghdr *g = (void *)(m + NLMSG_HDRLEN);
	size_t offs[MAX_ATTRS], sent = len;
	unsigned int n, k = 1 + (chance(30) ? rnd(3) : 0);
	size_t used = strlen(desc);

	while (k--) {
		unsigned int what = rnd(12);

#define NOTE(...) (used += (size_t)snprintf(desc + used, used < dlen ? dlen - used : 0, __VA_ARGS__), \
		   used = used < dlen ? used : dlen - 1)
		switch (what) {
		case 0: {	/* flags */
			static const uint16_t bits[] = {
				NLM_F_ACK, NLM_F_ECHO, NLM_F_ROOT, NLM_F_MATCH, NLM_F_ATOMIC,
				NLM_F_DUMP, NLM_F_EXCL, NLM_F_CREATE, NLM_F_DUMP_INTR, 0x4000,
			};
			if (chance(5))
				nlh->nlmsg_flags &= (uint16_t)~NLM_F_REQUEST;
			else
				nlh->nlmsg_flags ^= bits[rnd(10)];
			NOTE(" flags=0x%x", nlh->nlmsg_flags);
			break;
		}
		case 1:
			g->version = (uint8_t)rnd(256);
			NOTE(" version=%u", g->version);
			break;
		case 2: {
			static const uint8_t cmds[] = { 0, 5, 6, 7, 64, 128, 255, 1, 2, 3, 4 };

			g->cmd = cmds[rnd(11)];
			NOTE(" cmd=%u", g->cmd);
			break;
		}
		case 3:
			g->reserved = (uint16_t)(1 + rnd(0xffff));
			NOTE(" reserved=0x%x", g->reserved);
			break;
		case 4:	/* truncated, with a length that says so */
			if (sent > NLMSG_HDRLEN + 1) {
				sent = NLMSG_HDRLEN + rnd((uint32_t)(sent - NLMSG_HDRLEN));
				nlh->nlmsg_len = (uint32_t)sent;
				NOTE(" truncated=%zu", sent);
			}
			break;
		case 5:	/* a length beyond what is sent, or a short datagram */
			if (chance(50)) {
				nlh->nlmsg_len = (uint32_t)(sent + 1 + rnd(100));
				NOTE(" nlmsg_len=%u>sent", nlh->nlmsg_len);
			} else if (chance(50)) {
				nlh->nlmsg_len = rnd(NLMSG_HDRLEN);
				NOTE(" nlmsg_len=%u", nlh->nlmsg_len);
			} else {
				sent = 1 + rnd(NLMSG_HDRLEN - 1);	/* 0: ENODATA */
				NOTE(" datagram=%zu", sent);
			}
			break;
		case 6:	/* nla_len */
		case 7:	/* nla_type */
			if (nlh->nlmsg_len > sent || nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
				break;
			n = collect_attrs(m + NLMSG_HDRLEN + GENL_HDRLEN,
					  (int)(nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN),
					  NLMSG_HDRLEN + GENL_HDRLEN, offs, 0, 0);
			if (n) {
				size_t o = offs[rnd(n)];
				uint16_t v;

				if (what == 6) {
					static const uint16_t lens[] = { 0, 1, 2, 3, 5, 0xffff };

					v = rd16(m + o);
					v = chance(50) ? lens[rnd(6)] : (uint16_t)(v + rnd(9) - 4);
					memcpy(m + o, &v, 2);
					NOTE(" @%zu nla_len=%u", o, v);
				} else {
					v = rd16(m + o + 2);
					switch (rnd(5)) {
					case 0: v ^= NLA_F_NESTED; break;
					case 1: v ^= NLA_F_NET_BYTEORDER; break;
					case 2: v = (uint16_t)((v & ~NLA_TYPE_MASK) | rnd(20)); break;
					case 3: v = (uint16_t)((v & ~NLA_TYPE_MASK) | 0x3fff); break;
					default: v = (uint16_t)((v & ~NLA_TYPE_MASK) | 0); break;
					}
					memcpy(m + o + 2, &v, 2);
					NOTE(" @%zu nla_type=0x%x", o, v);
				}
			}
			break;
		case 8:	/* random bytes after the genl header */
			if (sent > NLMSG_HDRLEN + GENL_HDRLEN) {
				for (unsigned int i = 1 + rnd(4); i; i--) {
					size_t o = NLMSG_HDRLEN + GENL_HDRLEN +
						   rnd((uint32_t)(sent - NLMSG_HDRLEN - GENL_HDRLEN));

					m[o] = (uint8_t)rnd64();
				}
				NOTE(" bytes");
			}
			break;
		case 9:	/* trailing bytes inside the message */
			if (nlh->nlmsg_len == sent && sent + 4 < BUF_SIZE) {
				unsigned int t = 1 + rnd(3);

				rnd_fill(m + sent, t);
				sent += t;
				nlh->nlmsg_len = (uint32_t)sent;
				NOTE(" trailing=%u", t);
			}
			break;
		case 10:	/* nobody's family, or a control message type */
			if (chance(50) && n_bad_types)
				nlh->nlmsg_type = bad_types[rnd(n_bad_types)];
			else
				nlh->nlmsg_type = (uint16_t)rnd(NLMSG_MIN_TYPE);
			NOTE(" type=%u", nlh->nlmsg_type);
			break;
		default:	/* a dump of a do command, or a do without ACK */
			if (chance(50))
				nlh->nlmsg_flags |= NLM_F_DUMP;
			else
				nlh->nlmsg_flags &= (uint16_t)~NLM_F_ACK;
			NOTE(" flags=0x%x", nlh->nlmsg_flags);
			break;
		}
#undef NOTE
	}
	return sent;
}

static const char *cmd_name(unsigned int cmd)
{
	static const char *const names[] = {
		"UNSPEC", "NEW", "SET", "DEL", "GET", "EVENT", "APPLY",
	};

	return cmd < 7 ? names[cmd] : "?";
}

/* The kinds of request generated, as the summary counts them. */
enum { K_NEW, K_SET, K_DEL, K_GET, K_DUMP, K_APPLY, K_MAX };
static const char *const k_names[K_MAX] = { "NEW", "SET", "DEL", "GET", "dump", "APPLY" };
static unsigned long k_sent[K_MAX], k_ok[K_MAX];
static unsigned long apply_outcomes[OUT_NOREPLY + 1], n_apply_steps;

/*
 * Builds the next request into req; returns its length (the bytes to
 * send), describes it in @desc and tells its K_ @kind. @valid_only: no
 * mutation and no deliberate error (for the changes made in the middle
 * of a dump).
 */
static size_t gen_request(bool valid_only, char *desc, size_t dlen, bool *mutated,
			  unsigned int *kind)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	struct genlmsghdr *g;
	unsigned int r = rnd(100), cmd;
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	char steps[192] = "";
	size_t len;

	mut = !valid_only && chance(opt.mutate_pct);
	if (valid_only)
		cmd = r < 45 ? HOTLINE_CMD_CHANNEL_NEW : r < 67 ? HOTLINE_CMD_CHANNEL_SET :
		      r < 88 ? HOTLINE_CMD_CHANNEL_DEL : HOTLINE_CMD_APPLY;
	else
		cmd = r < 28 ? HOTLINE_CMD_CHANNEL_NEW : r < 54 ? HOTLINE_CMD_CHANNEL_SET :
		      r < 70 ? HOTLINE_CMD_CHANNEL_DEL : r < 87 ? HOTLINE_CMD_CHANNEL_GET :
		      HOTLINE_CMD_APPLY;
	if (cmd == HOTLINE_CMD_CHANNEL_GET && chance(25))
		flags |= NLM_F_DUMP;
	/* some requests without ACK: success then sends nothing at all */
	if (chance(4))
		flags &= (uint16_t)~NLM_F_ACK;
	nlh->nlmsg_type = family_id;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq_no++;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = (uint8_t)cmd;
	g->version = HOTLINE_GENL_VERSION;

	*kind = cmd == HOTLINE_CMD_APPLY ? K_APPLY : (flags & NLM_F_DUMP) ? K_DUMP :
		cmd - HOTLINE_CMD_CHANNEL_NEW;
	if (cmd == HOTLINE_CMD_APPLY) {
		n_apply_steps += put_apply(nlh, valid_only, steps, sizeof(steps));
	} else if (!(flags & NLM_F_ROOT) || mut) {
		if (!(mut && chance(4)))
			put_name(nlh);
		if (cmd == HOTLINE_CMD_CHANNEL_NEW)
			put_cfg(nlh, true);
		else if (cmd == HOTLINE_CMD_CHANNEL_SET)
			put_cfg(nlh, false);
		else if (mut && chance(30))
			put_cfg(nlh, chance(50));	/* attributes a command ignores */
	} else if (chance(10)) {
		put_stray_step(nlh);	/* a dump takes it */
	}
	if (mut)
		put_extras(nlh);
	len = nlh->nlmsg_len;
	snprintf(desc, dlen, "%s%s%s%s flags=0x%x%s", cmd_name(cmd), steps[0] ? " " : "", steps,
		 (flags & NLM_F_DUMP) == NLM_F_DUMP ? "(dump)" : "", flags,
		 mut ? " mutated:" : "");
	*mutated = mut;
	if (mut && chance(60))
		len = mutate(req, len, desc, dlen);
	return len;
}

/* ---- checking a request's answer ---- */

static void count_outcome(unsigned long *out, int err, bool noreply)
{
	int e = -err;

	if (noreply)
		out[OUT_NOREPLY]++;
	else if (e >= 0 && e < OUT_NOREPLY)
		out[e]++;
}

static const char *errname(int e)
{
	static char buf[32];

	switch (e) {
	case 0: return "ok";
	case EINVAL: return "EINVAL";
	case ERANGE: return "ERANGE";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EPERM: return "EPERM";
	case EMSGSIZE: return "EMSGSIZE";
	case ENOMEM: return "ENOMEM";
	case E2BIG: return "E2BIG";
	case ENOSPC: return "ENOSPC";
	case EBUSY: return "EBUSY";
	case EADDRINUSE: return "EADDRINUSE";
	case OUT_NOREPLY: return "no-reply";
	}
	snprintf(buf, sizeof(buf), "errno%d", e);
	return buf;
}

static void model_compare(const struct chan *got, unsigned int n, const char *where);

/* A NEW, SET or DEL of @name that was made, on the model. */
static void model_change(enum eop op, const char *name, const struct chan *result)
{
	struct chan *c = model_find(name);

	switch (op) {
	case OP_NEW:
		if (n_model == MAX_CHANS)
			die("model full");
		c = &model[n_model++];
		*c = *result;
		c->id = 0;
		c->id_floor = max_id_seen;
		c->want_id = next_id ? next_id++ : 0;
		c->serial = ++n_created;
		c->touched = true;
		break;
	case OP_SET:
		if (c) {
			struct chan was = *c;

			*c = *result;
			c->id = was.id;
			c->id_floor = was.id_floor;
			c->want_id = was.want_id;
			c->serial = was.serial;
			c->touched = true;
		}
		break;
	case OP_DEL:
		if (c)
			model_del(c);
		break;
	default:
		break;
	}
}

static unsigned long n_apply_made;	/* steps of the APPLY requests that succeeded */

/* The answer @r to the request whose prediction is @p: check, then apply. */
static void conclude(const struct pred *p, const struct reply *r)
{
	static const enum eop step_ops[] = {
		[HOTLINE_CMD_CHANNEL_NEW] = OP_NEW,
		[HOTLINE_CMD_CHANNEL_SET] = OP_SET,
		[HOTLINE_CMD_CHANNEL_DEL] = OP_DEL,
	};
	bool noreply = !r->got_ack && !r->n_data;
	unsigned int cls, i;
	struct chan *c;

	count_outcome(outcomes, r->err, noreply);
	if (p->expect == XP_NOREPLY) {
		if (!noreply)
			failf("a reply (error %d) to a message the kernel must ignore", r->err);
		return;
	}
	if (noreply && !p->sync) {
		failf("no reply");
		return;
	}
	/* a do without ACK: silence is success */
	cls = class_of(r->err);
	if (!cls) {
		failf("unexpected errno %d (%s)", r->err, strerror(-r->err));
		ids_unsure();
		return;
	}
	if (!(cls & p->expect)) {
		failf("outcome %s, but the contract says 0x%x (1 ok, 2 EINVAL/ERANGE, "
		      "4 ENOENT, 8 EEXIST, 16 EOPNOTSUPP, 32 EPERM, 128 EBUSY/EADDRINUSE/"
		      "ENOMEM/ENOSPC)", errname(-r->err), p->expect);
		ids_unsure();
		return;
	}
	if (p->expect == cls)
		n_predicted_exact++;
	if (r->err) {
		/* a single NEW may fail after it took an id; an APPLY never does */
		if (p->op == OP_NEW && cls == XP_RESOURCE)
			ids_unsure();
		return;
	}
	if (p->ack0_only) {
		if (r->n_data)
			failf("data in answer to a message that is not a request");
		return;
	}
	c = model_find(p->name);
	switch (p->op) {
	case OP_NEW:
	case OP_SET:
	case OP_DEL:
		model_change(p->op, p->name, &p->result);
		break;
	case OP_APPLY:
		/* every step, in order; new channels take consecutive ids */
		for (i = 0; i < p->n_steps; i++)
			model_change(step_ops[p->steps[i].cmd], p->steps[i].name,
				     &p->steps[i].result);
		n_apply_made += p->n_steps;
		break;
	case OP_GET:
		if (r->n_chans != 1 || r->n_data != 1)
			failf("GET answered with %u channels", r->n_chans);
		else if (c)
			check_shown(c, &r->chans[0], "GET");
		break;
	case OP_DUMP:
		if (r->intr)
			failf("NLM_F_DUMP_INTR on a dump nothing changed during");
		else if (!r->malformed)
			model_compare(r->chans, r->n_chans, "dump");
		break;
	default:
		break;
	}
	if (p->op != OP_GET && p->op != OP_DUMP && r->n_data)
		failf("%u data messages in answer to a change", r->n_data);
}

/*
 * --no-nul-tail: zero what follows the first NUL of every top-level name,
 * whatever the mutations did to it, so such names cannot reach the kernel.
 */
static void clear_nul_tails(uint8_t *m, size_t sent)
{
	const struct nlmsghdr *nlh = (const void *)m;
	uint8_t *p = m + NLMSG_HDRLEN + GENL_HDRLEN;
	int rem;

	if (sent < NLMSG_HDRLEN + GENL_HDRLEN || nlh->nlmsg_len > sent ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return;
	rem = (int)(nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN);
	while (rem >= 4) {
		uint16_t len = rd16(p), type = rd16(p + 2) & NLA_TYPE_MASK;
		uint8_t *nul;

		if (len < 4 || len > rem)
			break;
		if (type == HOTLINE_A_CHANNEL_NAME && (nul = memchr(p + 4, 0, len - 4)))
			memset(nul, 0, (size_t)(p + len - nul));
		rem -= (len + 3) & ~3;
		p += (len + 3) & ~3;
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum { T_REJECTED, T_GET, T_DUMP, T_CHANGE, T_HEALTH, T_APPLY, T_MAX };
static const char *const t_names[T_MAX] = {
	"rejected", "get", "dump", "change", "change with health", "apply",
};
static double t_sum[T_MAX];
static unsigned long t_n[T_MAX];

/* One generated request, start to end. */
static void one_request(struct nlsock *s, bool valid_only)
{
	static char desc[sizeof(cur_desc)];
	struct reply r;
	struct pred p;
	bool mutated;
	unsigned int kind;
	size_t len = gen_request(valid_only, desc, sizeof(desc), &mutated, &kind);

	cur_index = n_sent;
	memcpy(cur_desc, desc, sizeof(desc));
	cur_msg = req;
	cur_len = len;
	if (opt.no_nul_tail)
		clear_nul_tails(req, len);
	predict(req, len, &p);
	if (mutated)
		n_mutated++;
	{
		/* where the time goes: a health session costs a socket or a
		 * grace period, the rest is parsing and the table */
		struct chan *c = p.name[0] ? model_find(p.name) : NULL;
		bool health = (c && c->has_health) ||
			      ((p.op == OP_NEW || p.op == OP_SET) && p.result.has_health);
		double t = now_s();
		unsigned int k;

		transact(s, req, len, p.sync, &r);
		t = now_s() - t;
		k = r.err || p.ack0_only || p.op == OP_NONE ? T_REJECTED :
		    p.op == OP_DUMP ? T_DUMP : p.op == OP_GET ? T_GET :
		    p.op == OP_APPLY ? T_APPLY : health ? T_HEALTH : T_CHANGE;
		t_sum[k] += t;
		t_n[k]++;
	}
	k_sent[kind]++;
	/* made: dispatched and not refused (a do without ACK answers nothing) */
	if (p.op != OP_NONE && !p.ack0_only && !r.err && (r.got_ack || r.n_data || p.sync))
		k_ok[kind]++;
	if (kind == K_APPLY)
		count_outcome(apply_outcomes, r.err, !r.got_ack && !r.n_data);
	conclude(&p, &r);
	free(r.chans);
	cur_msg = NULL;
}

/* ---- whole-table checks ---- */

static int dump_table(struct nlsock *s, struct reply *r)
{
	char buf[64] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP;
	nlh->nlmsg_seq = seq_no++;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = HOTLINE_CMD_CHANNEL_GET;
	g->version = HOTLINE_GENL_VERSION;
	transact(s, (uint8_t *)buf, nlh->nlmsg_len, false, r);
	n_sent--;	/* the checks are not counted as fuzz requests */
	n_dumps++;
	return r->err;
}

/* The dump @got must be the model, in id order. */
static void model_compare(const struct chan *got, unsigned int n, const char *where)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		struct chan *m = model_find(got[i].name);

		if (i && got[i].id <= got[i - 1].id)
			failf("%s: ids not in ascending order (%u after %u)", where, got[i].id,
			      got[i - 1].id);
		for (j = 0; j < i; j++)
			if (!strcmp(got[j].name, got[i].name))
				failf("%s: '%s' shown twice", where, got[i].name);
		if (!m) {
			failf("%s: channel '%s' (id %u) is not in the model", where, got[i].name,
			      got[i].id);
			continue;
		}
		check_shown(m, &got[i], where);
	}
	for (i = 0; i < n_model; i++) {
		for (j = 0; j < n; j++)
			if (!strcmp(got[j].name, model[i].name))
				break;
		if (j == n)
			failf("%s: channel '%s' of the model is missing", where, model[i].name);
	}
}

/* Makes the model what the kernel shows (at start, or after a failure). */
static void model_load(const struct reply *r)
{
	ids_unsure();
	n_model = 0;
	for (unsigned int i = 0; i < r->n_chans && i < MAX_CHANS; i++) {
		model[n_model] = r->chans[i];
		if (r->chans[i].id > max_id_seen)
			max_id_seen = r->chans[i].id;
		n_model++;
	}
}

static void check_batch(struct nlsock *s)
{
	unsigned long before = n_failures;
	struct reply r;
	int tries;

	cur_msg = NULL;
	snprintf(cur_desc, sizeof(cur_desc), "batch check (CHANNEL_GET dump)");
	for (tries = 0; tries < 3; tries++) {
		if (dump_table(s, &r)) {
			failf("the dump failed: %d", r.err);
			free(r.chans);
			return;
		}
		if (!r.intr)
			break;
		free(r.chans);
	}
	if (r.intr)
		failf("NLM_F_DUMP_INTR on a dump nothing changed during");
	else
		model_compare(r.chans, r.n_chans, "batch check");
	if (n_failures != before)
		model_load(&r);	/* go on from what is there */
	for (unsigned int i = 0; i < n_model; i++)
		model[i].touched = false;
	free(r.chans);
	n_batches++;
}

/*
 * The kernel sizes dump parts by the largest read so far and keeps one
 * part queued ahead: small reads make many parts, so that the changes
 * land in the middle of the dump rather than after it was all made.
 */
#define DUMP_RX 4096

/*
 * A dump on a socket of its own, read one part at a time, with changes
 * made through @s after the first part.
 */
static void interrupted_dump(struct nlsock *s)
{
	struct nlsock d;
	char buf[64] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;
	static struct chan before[MAX_CHANS];
	unsigned int n_before = n_model, i, j, changes = 1 + rnd(3);
	bool sync_done = false, abandon = chance(20);
	struct reply r;
	uint32_t seq;
	int rc;

	sock_open(&d, 0);
	memcpy(before, model, n_model * sizeof(model[0]));
	for (i = 0; i < n_model; i++)
		model[i].touched = false;

	nlh->nlmsg_type = family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq = seq_no++;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = HOTLINE_CMD_CHANNEL_GET;
	g->version = HOTLINE_GENL_VERSION;
	memset(&r, 0, sizeof(r));
	snprintf(cur_desc, sizeof(cur_desc), "interrupted dump");
	cur_msg = NULL;
	send_raw(&d, buf, nlh->nlmsg_len);
	n_intr_tests++;
	{
		/* one datagram only: the rest is made after the changes */
		ssize_t n = recv(mnl_socket_get_fd(d.sk), rxbuf, DUMP_RX, 0);
		const struct nlmsghdr *m = (const void *)rxbuf;
		int len = (int)n;

		if (n < 0) {
			failf("interrupted dump: recv: %s", strerror(errno));
			sock_close(&d);
			return;
		}
		for (rc = 0; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len))
			rc |= handle_msg(m, d.portid, seq, 0, &r, &sync_done);
	}
	for (i = 0; i < changes; i++)
		one_request(s, true);
	if (abandon) {
		/* the kernel must drop the rest of the dump with the socket */
		n_abandoned++;
		sock_close(&d);
		free(r.chans);
		return;
	}
	while (!r.terminated) {
		if (read_some(&d, seq, 0, &r, &sync_done, DUMP_RX) < 0)
			break;
	}
	snprintf(cur_desc, sizeof(cur_desc), "interrupted dump");
	cur_msg = NULL;
	if (r.terminated && r.err)
		failf("interrupted dump ended with error %d", r.err);
	if (r.intr)
		n_intr_flagged++;
	for (i = 1; i < r.n_chans; i++)
		if (r.chans[i].id <= r.chans[i - 1].id)
			failf("interrupted dump: ids not ascending (%u after %u)",
			      r.chans[i].id, r.chans[i - 1].id);
	/* channels nobody touched were there all along: once each, as they are */
	for (i = 0; i < n_before; i++) {
		struct chan *now = model_find(before[i].name);
		unsigned int seen = 0;

		if (!now || now->touched || !before[i].id)
			continue;
		for (j = 0; j < r.n_chans; j++)
			if (r.chans[j].id == before[i].id) {
				seen++;
				if (*chan_diff(now, &r.chans[j]))
					failf("interrupted dump: untouched '%s' differs in %s",
					      now->name, chan_diff(now, &r.chans[j]));
			}
		if (seen != 1)
			failf("interrupted dump: untouched channel '%s' (id %u) shown %u times",
			      before[i].name, before[i].id, seen);
	}
	free(r.chans);
	sock_close(&d);
}

/* ---- setup and summary ---- */

static void find_bad_types(struct nlsock *s)
{
	static const uint16_t cand[] = { 0x7ff0, 0xfff0, 0xfffe, 0xffff };

	for (unsigned int i = 0; i < 4; i++)
		if (ctrl_getfamily(s, NULL, cand[i], NULL) == -ENOENT)
			bad_types[n_bad_types++] = cand[i];
}

/*
 * In a user namespace, nothing outside may be reachable: the table starts
 * empty (the init namespace's channels are not visible), and joining the
 * init network namespace is refused.
 */
static void netns_check(const struct reply *r)
{
	int fd;

	snprintf(cur_desc, sizeof(cur_desc), "netns check");
	if (r->n_chans)
		failf("netns check: %u channels visible at start (first '%s')", r->n_chans,
		      r->chans[0].name);
	fd = open("/proc/1/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (setns(fd, CLONE_NEWNET) == 0) {
			failf("netns check: joined the init network namespace");
			fprintf(stderr, "nlfuzz: stopping: this is not the namespace to fuzz\n");
			exit(1);
		}
		close(fd);
	}
	printf("nlfuzz: netns check: own namespace empty at start; init netns not joinable (%s)\n",
	       fd < 0 ? "not even openable" : "setns refused");
}

/* Deletes every channel (and checks that the table ends empty). */
static void flush(struct nlsock *s)
{
	char buf[128] __attribute__((aligned(4)));
	struct reply r;

	while (n_model) {
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
		struct genlmsghdr *g;

		nlh->nlmsg_type = family_id;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		nlh->nlmsg_seq = seq_no++;
		g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
		g->cmd = HOTLINE_CMD_CHANNEL_DEL;
		g->version = HOTLINE_GENL_VERSION;
		mnl_attr_put_strz(nlh, HOTLINE_A_CHANNEL_NAME, model[n_model - 1].name);
		snprintf(cur_desc, sizeof(cur_desc), "flush: DEL %s", model[n_model - 1].name);
		transact(s, (uint8_t *)buf, nlh->nlmsg_len, false, &r);
		n_sent--;
		if (r.err)
			failf("flush: DEL '%s': %d", model[n_model - 1].name, r.err);
		free(r.chans);
		n_model--;
	}
	dump_table(s, &r);
	snprintf(cur_desc, sizeof(cur_desc), "flush");
	if (r.n_chans)
		failf("flush: %u channels left", r.n_chans);
	free(r.chans);
}

/*
 * Keeps the namespace (and its channels) alive while someone outside
 * checks that none of them is visible there.
 */
static void hold(void)
{
	char path[4096], tmpp[4096];
	FILE *f;

	snprintf(tmpp, sizeof(tmpp), "%s/held.tmp", opt.hold);
	snprintf(path, sizeof(path), "%s/held", opt.hold);
	f = fopen(tmpp, "w");
	if (!f)
		die("%s: %s", tmpp, strerror(errno));
	for (unsigned int i = 0; i < n_model; i++)
		fprintf(f, "%s\n", model[i].name);
	if (fclose(f) || rename(tmpp, path))
		die("%s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/go", opt.hold);
	for (int i = 0; i < 6000 && access(path, F_OK); i++)
		usleep(100000);
}

static void summary(double secs)
{
	unsigned long total = 0;

	for (unsigned int i = 0; i <= OUT_NOREPLY; i++)
		total += outcomes[i];
	printf("nlfuzz: seed %" PRIu64 ": %lu requests (%lu mutated) in %.1f s, %.0f requests/s\n",
	       opt.seed, n_sent, n_mutated, secs, secs > 0 ? (double)n_sent / secs : 0.0);
	printf("nlfuzz: outcomes:");
	for (unsigned int i = 0; i <= OUT_NOREPLY; i++)
		if (outcomes[i])
			printf(" %s=%lu", errname((int)i), outcomes[i]);
	printf(" (of %lu; %lu as exactly predicted)\n", total, n_predicted_exact);
	printf("nlfuzz: outcomes by command (as generated, before any mutation of it):");
	for (unsigned int k = 0; k < K_MAX; k++)
		printf("%s %s %lu (%.1f%%, %lu made)", k ? "," : "", k_names[k], k_sent[k],
		       n_sent ? 100.0 * (double)k_sent[k] / (double)n_sent : 0.0, k_ok[k]);
	printf("\n");
	printf("nlfuzz: outcomes of APPLY:");
	total = 0;
	for (unsigned int i = 0; i <= OUT_NOREPLY; i++)
		if (apply_outcomes[i]) {
			printf(" %s=%lu", errname((int)i), apply_outcomes[i]);
			total += apply_outcomes[i];
		}
	printf(" (of %lu, with %lu steps; %lu steps made)\n", total, n_apply_steps,
	       n_apply_made);
	printf("nlfuzz: time per request:");
	for (unsigned int k = 0, sep = 0; k < T_MAX; k++)
		if (t_n[k])
			printf("%s %s %.2f ms (%lu)", sep++ ? "," : "", t_names[k],
			       1e3 * t_sum[k] / (double)t_n[k], t_n[k]);
	printf("\n");
	printf("nlfuzz: %lu batches checked, %lu dumps, %lu interrupted-dump tests "
	       "(%lu flagged NLM_F_DUMP_INTR, %lu abandoned), %lu new ids as predicted, "
	       "%u channels at end, %lu failures\n", n_batches, n_dumps, n_intr_tests,
	       n_intr_flagged, n_abandoned, n_ids_exact, n_model, n_failures);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: nlfuzz [--seed N] [--requests N] [--seconds S] [--batch N] [--names N]\n"
		"              [--mutate PCT] [--interrupt PCT] [--prefix STR]\n"
		"              [--netns-check] [--unpriv] [--flush] [--verbose]\n"
		"              [--hold DIR] [--no-nul-tail]\n"
		"  --requests N   fuzz requests to send (default 10000; 0: only check)\n"
		"  --seconds S    stop sooner, after S seconds (default: no limit)\n"
		"  --batch N      check the whole table every N requests (1000)\n"
		"  --names N      channel names in play, 1..256 (64)\n"
		"  --mutate PCT   share of requests that are mutated (45)\n"
		"  --interrupt PCT  chance per request of an interrupted-dump test (1)\n"
		"  --netns-check  the namespace must start empty and the init netns\n"
		"                 must not be joinable (run as root of a user namespace)\n"
		"  --unpriv       no CAP_NET_ADMIN: every change must fail with EPERM\n"
		"  --flush        delete every channel at the end, check the table is empty\n"
		"  --no-nul-tail  no names with bytes after their NUL (hotline.ko up to\n"
		"                 1f48fee keys channels by those bytes too)\n"
		"  --hold DIR     at the end, list the channels in DIR/held and wait (up to\n"
		"                 10 minutes) for DIR/go: others may look for them meanwhile\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "requests", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 't' },
		{ "batch", required_argument, NULL, 'b' },
		{ "names", required_argument, NULL, 'N' },
		{ "mutate", required_argument, NULL, 'm' },
		{ "interrupt", required_argument, NULL, 'i' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "netns-check", no_argument, NULL, 'c' },
		{ "unpriv", no_argument, NULL, 'u' },
		{ "flush", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "hold", required_argument, NULL, 'H' },
		{ "no-nul-tail", no_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	bool seeded = false;
	struct nlsock s;
	struct reply r;
	double t0, secs;
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 's': opt.seed = strtoull(optarg, NULL, 0); seeded = true; break;
		case 'n': opt.requests = strtoul(optarg, NULL, 0); break;
		case 't': opt.seconds = strtoul(optarg, NULL, 0); break;
		case 'b': opt.batch = strtoul(optarg, NULL, 0); break;
		case 'N': opt.names = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'm': opt.mutate_pct = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'i': opt.intr_pct = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'p': opt.prefix = optarg; break;
		case 'c': opt.netns_check = true; break;
		case 'u': opt.unpriv = true; break;
		case 'f': opt.flush = true; break;
		case 'v': opt.verbose = true; break;
		case 'H': opt.hold = optarg; break;
		case 'T': opt.no_nul_tail = true; break;
		default: usage();
		}
	}
	if (optind != argc || !opt.batch || !opt.names || opt.names > 256 ||
	    strlen(opt.prefix) > 8 || opt.mutate_pct > 100 || opt.intr_pct > 100)
		usage();
	if (!seeded) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		opt.seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid();
	}
	rng_state = opt.seed;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("nlfuzz: seed %" PRIu64 " (replay with --seed %" PRIu64 "), %lu requests, "
	       "batch %lu%s%s\n", opt.seed, opt.seed, opt.requests, opt.batch,
	       opt.netns_check ? ", netns check" : "", opt.unpriv ? ", unprivileged" : "");
	make_pool();

	sock_open(&s, 1 << 20);
	if (ctrl_getfamily(&s, HOTLINE_GENL_NAME, 0, &family_id) || !family_id)
		die("no generic netlink family '%s': is hotline.ko loaded?", HOTLINE_GENL_NAME);
	find_bad_types(&s);

	/* the model starts as what is there: channels of others included */
	snprintf(cur_desc, sizeof(cur_desc), "initial dump");
	if (dump_table(&s, &r))
		die("the initial dump failed: %s", strerror(-r.err));
	if (opt.netns_check)
		netns_check(&r);
	model_load(&r);
	free(r.chans);

	t0 = now_s();
	for (unsigned long i = 0; i < opt.requests; i++) {
		one_request(&s, false);
		if (opt.intr_pct && chance(opt.intr_pct))
			interrupted_dump(&s);
		if ((i + 1) % opt.batch == 0)
			check_batch(&s);
		if (opt.seconds && (i & 63) == 63 && now_s() - t0 >= (double)opt.seconds) {
			printf("nlfuzz: time limit of %lu s reached after %lu requests\n",
			       opt.seconds, n_sent);
			break;
		}
		if (opt.verbose && (i + 1) % 10000 == 0)
			printf("nlfuzz: %lu requests, %.0f/s, %u channels, %lu failures\n",
			       n_sent, (double)n_sent / (now_s() - t0), n_model, n_failures);
	}
	secs = now_s() - t0;
	check_batch(&s);
	if (opt.flush)
		flush(&s);
	summary(secs);
	if (opt.hold)
		hold();
	if (n_failures > MAX_PRINTED)
		fprintf(stderr, "nlfuzz: (only the first %d failures were printed)\n", MAX_PRINTED);
	return n_failures ? 1 : 0;
}
