// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `hotlinectl qdisc DEV [rate RATE | del | show]`: the egress queueing that
 * turns hotline's skb->priority into strict priority, with libnl-route.
 *
 * Without a rate: a prio qdisc 1: with 3 bands. prio sends a packet whose
 * skb->priority is a class id 1:N straight to band N-1; any other priority
 * goes through the priomap below. Band 0 (class 1:1) holds priority 7 only,
 * hotline's default (TC_PRIO_CONTROL); Linux's usual map would also put
 * priority 6 (TC_PRIO_INTERACTIVE) there, which is demoted to band 1:
 *
 *   priority  0  1  2  3  4  5  6  7  8..15
 *   band      1  2  2  2  1  2  1  0  1
 *
 * Any other local traffic that sets priority 7 (SO_PRIORITY needs
 * CAP_NET_ADMIN for it) shares band 0 with hotline.
 *
 * With a rate: an HTB root 1: shaped to RATE, so the queue forms here, where
 * hotline is served first, and not in a device upstream:
 *
 *   1:    htb, default 1:20
 *   1:1   rate RATE ceil RATE
 *   1:10  hotline: prio 0, rate RATE - RATE/20, ceil RATE
 *   1:20  the rest: prio 1, rate RATE/20, ceil RATE; leaf fq_codel 20:
 *
 * The children's rates add up to RATE, as HTB requires for its guarantees
 * to hold (with hotline at rate RATE too, the device would be sent up to
 * RATE + RATE/20). Hotline borrows first (prio 0), so it can use all of RATE
 * and is held to no less than 95% of it while the rest is busy; the rest
 * keeps 5% and cannot starve. HTB puts a packet whose skb->priority is
 * 1:10 in 1:10 by itself; priority 7 needs a filter on 1: (basic classifier,
 * meta(priority eq 7) ematch, to 1:10). Channels may name either.
 */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/tc_ematch/tc_em_meta.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/route/class.h>
#include <netlink/route/classifier.h>
#include <netlink/route/cls/basic.h>
#include <netlink/route/cls/ematch.h>
#include <netlink/route/cls/ematch/meta.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/htb.h>
#include <netlink/route/qdisc/prio.h>

#include <json-c/json.h>

#include "hotlinectl.h"
#include "iface.h"
#include "nl.h"
#include "output.h"
#include "route.h"

#define HL_HANDLE	TC_HANDLE(1, 0)
#define HL_CLASS_ROOT	TC_HANDLE(1, 1)
#define HL_CLASS_HOT	TC_HANDLE(1, 0x10)
#define HL_CLASS_REST	TC_HANDLE(1, 0x20)
#define HL_LEAF_REST	TC_HANDLE(0x20, 0)
#define HL_FILTER_PREF	1
#define HTB_R2Q		10

static const uint8_t hotline_priomap[TC_PRIO_MAX + 1] = {
	1, 2, 2, 2, 1, 2, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1,
};

struct tc_ctx {
	struct nl_sock *sk;
	const char *dev;
	int ifindex;
	int kerr;		/* errno the kernel answered, 0 if none */
	char ext[256];		/* and its extended ACK message */
};

static int tc_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	const struct nlmsghdr *nlh =
		(const void *)((const char *)err - NLMSG_HDRLEN);
	struct tc_ctx *t = arg;

	(void)nla;
	t->kerr = -err->error;
	if (!hlnl_extack_msg(nlh, t->ext, sizeof(t->ext)))
		t->ext[0] = '\0';
	return NL_STOP;
}

static void tc_reset(struct tc_ctx *t)
{
	t->kerr = 0;
	t->ext[0] = '\0';
}

/* "cannot install WHAT on DEV: strerror[: extack]" */
static void tc_error(const struct tc_ctx *t, int nlerr, const char *what)
{
	const char *why = t->kerr ? strerror(t->kerr) : nl_geterror(nlerr);

	if (t->kerr == EPERM)
		errorf("cannot %s on %s: %s: this needs CAP_NET_ADMIN over the "
		       "network namespace", what, t->dev, why);
	else if (t->ext[0])
		errorf("cannot %s on %s: %s: %s", what, t->dev, why, t->ext);
	else if (t->kerr == ENOENT || t->kerr == EOPNOTSUPP)
		errorf("cannot %s on %s: %s (is the kernel's module for it "
		       "available?)", what, t->dev, why);
	else
		errorf("cannot %s on %s: %s", what, t->dev, why);
}

static char *handle_str(uint32_t h, char *buf)
{
	if (h == TC_H_ROOT)
		snprintf(buf, HL_FMT_MAX, "root");
	else if (TC_H_MIN(h) == 0)
		snprintf(buf, HL_FMT_MAX, "%x:", TC_H_MAJ(h) >> 16);
	else
		snprintf(buf, HL_FMT_MAX, "%x:%x", TC_H_MAJ(h) >> 16, TC_H_MIN(h));
	return buf;
}

/* A qdisc object on the device at PARENT; HANDLE and KIND when non-zero. */
static struct rtnl_qdisc *qdisc_new(const struct tc_ctx *t, uint32_t parent,
				    uint32_t handle, const char *kind)
{
	struct rtnl_qdisc *q = rtnl_qdisc_alloc();

	if (!q)
		abort();
	rtnl_tc_set_ifindex(TC_CAST(q), t->ifindex);
	rtnl_tc_set_parent(TC_CAST(q), parent);
	if (handle)
		rtnl_tc_set_handle(TC_CAST(q), handle);
	if (kind)
		rtnl_tc_set_kind(TC_CAST(q), kind);
	return q;
}

/* Creates Q, which it consumes; on failure "cannot install WHAT on DEV". */
static int qdisc_create(struct tc_ctx *t, struct rtnl_qdisc *q,
			const char *what)
{
	int err;

	tc_reset(t);
	err = rtnl_qdisc_add(t->sk, q, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_qdisc_put(q);
	if (err)
		tc_error(t, err, what);
	return err ? -1 : 0;
}

static int root_delete(struct tc_ctx *t, bool quiet_if_none)
{
	struct rtnl_qdisc *q = qdisc_new(t, TC_H_ROOT, 0, NULL);
	int err;

	tc_reset(t);
	err = rtnl_qdisc_delete(t->sk, q);
	rtnl_qdisc_put(q);
	/* the default root (noqueue, pfifo_fast, mq) cannot be deleted */
	if (err && quiet_if_none && (t->kerr == ENOENT || t->kerr == EINVAL))
		return 0;
	if (err)
		tc_error(t, err, "remove the root qdisc");
	return err ? -1 : 0;
}

static int prio_install(struct tc_ctx *t)
{
	struct rtnl_qdisc *q = qdisc_new(t, TC_H_ROOT, HL_HANDLE, "prio");
	int err;

	rtnl_qdisc_prio_set_bands(q, 3);
	err = rtnl_qdisc_prio_set_priomap(q, (uint8_t *)hotline_priomap,
					  sizeof(hotline_priomap));
	if (err) {
		tc_reset(t);
		tc_error(t, err, "install the prio qdisc 1:");
		rtnl_qdisc_put(q);
		return -1;
	}
	return qdisc_create(t, q, "install the prio qdisc 1:");
}

static uint32_t htb_quantum(uint64_t bytes_per_sec)
{
	uint64_t q = bytes_per_sec / HTB_R2Q;

	/* within HTB's sane range, so the kernel does not complain */
	if (q < 1514)
		q = 1514;
	if (q > 200000)
		q = 200000;
	return (uint32_t)q;
}

/* flags: NLM_F_CREATE | NLM_F_EXCL to add the class, 0 to change it */
static int htb_class(struct tc_ctx *t, uint32_t parent, uint32_t handle,
		     uint32_t prio, uint64_t rate, uint64_t ceil, int flags)
{
	struct rtnl_class *c = rtnl_class_alloc();
	char what[64], h[HL_FMT_MAX];
	int err;

	if (!c)
		abort();
	rtnl_tc_set_ifindex(TC_CAST(c), t->ifindex);
	rtnl_tc_set_parent(TC_CAST(c), parent);
	rtnl_tc_set_handle(TC_CAST(c), handle);
	rtnl_tc_set_kind(TC_CAST(c), "htb");
	rtnl_htb_set_prio(c, prio);
	rtnl_htb_set_rate64(c, rate);
	rtnl_htb_set_ceil64(c, ceil);
	rtnl_htb_set_quantum(c, htb_quantum(rate));
	tc_reset(t);
	err = rtnl_class_add(t->sk, c, flags);
	rtnl_class_put(c);
	if (err) {
		snprintf(what, sizeof(what), "%s the HTB class %s",
			 flags ? "install" : "change", handle_str(handle, h));
		tc_error(t, err, what);
	}
	return err ? -1 : 0;
}

/*
 * libnl sets NLA_F_NESTED on every nest it writes, the entries of the ematch
 * list too; but the kernel (tcf_em_tree_validate) compares each entry's raw
 * nla_type with its 1-based index and answers EINVAL to the flag. So the
 * flag is taken off those entries before the request is sent.
 */
static int ematch_list_unflag(struct nl_msg *msg)
{
	struct nlattr *tca_opts, *em, *list, *item;
	int rem;

	tca_opts = nlmsg_find_attr(nlmsg_hdr(msg), sizeof(struct tcmsg), TCA_OPTIONS);
	em = tca_opts ? nla_find(nla_data(tca_opts), nla_len(tca_opts),
				 TCA_BASIC_EMATCHES) : NULL;
	list = em ? nla_find(nla_data(em), nla_len(em), TCA_EMATCH_TREE_LIST) : NULL;
	if (!list)
		return -1;
	nla_for_each_nested(item, list, rem)
		item->nla_type &= (uint16_t)~NLA_F_NESTED;
	return 0;
}

static int hotline_filter(struct tc_ctx *t)
{
	struct rtnl_cls *f = rtnl_cls_alloc();
	struct rtnl_ematch_tree *tree;
	struct rtnl_ematch *m;
	struct rtnl_meta_value *l, *r;
	struct nl_msg *msg;
	int err;

	tree = rtnl_ematch_tree_alloc(RTNL_EMATCH_PROGID);
	m = rtnl_ematch_alloc();
	l = rtnl_meta_value_alloc_id(TCF_META_TYPE_INT, TCF_META_ID_PRIORITY, 0, 0);
	r = rtnl_meta_value_alloc_int(HOTLINE_DEFAULT_PRIORITY);
	if (!f || !tree || !m || !l || !r)
		abort();
	err = rtnl_ematch_set_kind(m, TCF_EM_META);
	if (err) {
		errorf("this libnl-route cannot build a meta ematch: %s",
		       nl_geterror(err));
		rtnl_ematch_free(m);
		rtnl_meta_value_put(l);
		rtnl_meta_value_put(r);
		rtnl_ematch_tree_free(tree);
		rtnl_cls_put(f);
		return -1;
	}
	rtnl_ematch_meta_set_lvalue(m, l);
	rtnl_ematch_meta_set_rvalue(m, r);
	rtnl_ematch_meta_set_operand(m, TCF_EM_OPND_EQ);
	rtnl_ematch_tree_add(tree, m);

	rtnl_tc_set_ifindex(TC_CAST(f), t->ifindex);
	rtnl_tc_set_parent(TC_CAST(f), HL_HANDLE);
	rtnl_tc_set_kind(TC_CAST(f), "basic");
	rtnl_cls_set_prio(f, HL_FILTER_PREF);
	rtnl_cls_set_protocol(f, ETH_P_ALL);
	rtnl_basic_set_target(f, HL_CLASS_HOT);
	rtnl_basic_set_ematch(f, tree);	/* f owns the tree now */
	tc_reset(t);
	err = rtnl_cls_build_add_request(f, NLM_F_CREATE | NLM_F_EXCL, &msg);
	rtnl_cls_put(f);
	/* libnl 3.7 frees an ematch without its meta values: they stay ours */
	rtnl_meta_value_put(l);
	rtnl_meta_value_put(r);
	if (!err && ematch_list_unflag(msg)) {
		nlmsg_free(msg);
		errorf("libnl-route wrote no ematch list for the filter");
		return -1;
	}
	if (!err)
		err = nl_send_sync(t->sk, msg);	/* frees msg */
	if (err)
		tc_error(t, err, "install the filter priority 7 -> 1:10 "
			 "(basic, meta ematch)");
	return err ? -1 : 0;
}

/* The three classes at RATE; flags as htb_class(). */
static int htb_classes(struct tc_ctx *t, uint64_t bits_per_sec, int flags)
{
	uint64_t rate = bits_per_sec / 8;
	uint64_t rest = rate / 20 ? rate / 20 : 1;

	return htb_class(t, HL_HANDLE, HL_CLASS_ROOT, 0, rate, rate, flags) ||
	       htb_class(t, HL_CLASS_ROOT, HL_CLASS_HOT, 0, rate - rest, rate, flags) ||
	       /* rest is guaranteed, rate the ceiling it may borrow up to */
	       /* NOLINTNEXTLINE(readability-suspicious-call-argument) */
	       htb_class(t, HL_CLASS_ROOT, HL_CLASS_REST, 1, rest, rate, flags) ? -1 : 0;
}

static int htb_install(struct tc_ctx *t, uint64_t bits_per_sec)
{
	struct rtnl_qdisc *q = qdisc_new(t, TC_H_ROOT, HL_HANDLE, "htb");

	rtnl_htb_set_defcls(q, TC_H_MIN(HL_CLASS_REST));
	rtnl_htb_set_rate2quantum(q, HTB_R2Q);
	if (qdisc_create(t, q, "install the HTB qdisc 1:") ||
	    htb_classes(t, bits_per_sec, NLM_F_CREATE | NLM_F_EXCL) ||
	    qdisc_create(t, qdisc_new(t, HL_CLASS_REST, HL_LEAF_REST, "fq_codel"),
			 "install the fq_codel qdisc 20: under 1:20"))
		return -1;
	return hotline_filter(t);
}

/* ---- show ---- */

static json_object *tc_stats_json(struct rtnl_tc *tc)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "bytes",
		json_object_new_uint64(rtnl_tc_get_stat(tc, RTNL_TC_BYTES)));
	json_object_object_add(o, "packets",
		json_object_new_uint64(rtnl_tc_get_stat(tc, RTNL_TC_PACKETS)));
	json_object_object_add(o, "drops",
		json_object_new_uint64(rtnl_tc_get_stat(tc, RTNL_TC_DROPS)));
	json_object_object_add(o, "overlimits",
		json_object_new_uint64(rtnl_tc_get_stat(tc, RTNL_TC_OVERLIMITS)));
	json_object_object_add(o, "requeues",
		json_object_new_uint64(rtnl_tc_get_stat(tc, RTNL_TC_REQUEUES)));
	json_object_object_add(o, "qlen",
		json_object_new_uint64(rtnl_tc_get_stat(tc, RTNL_TC_QLEN)));
	json_object_object_add(o, "backlog",
		json_object_new_uint64(rtnl_tc_get_stat(tc, RTNL_TC_BACKLOG)));
	return o;
}

static void tc_stats_text(struct rtnl_tc *tc)
{
	printf(" Sent %llu bytes %llu pkt (dropped %llu, overlimits %llu requeues %llu)\n"
	       " backlog %llub %llup\n",
	       (unsigned long long)rtnl_tc_get_stat(tc, RTNL_TC_BYTES),
	       (unsigned long long)rtnl_tc_get_stat(tc, RTNL_TC_PACKETS),
	       (unsigned long long)rtnl_tc_get_stat(tc, RTNL_TC_DROPS),
	       (unsigned long long)rtnl_tc_get_stat(tc, RTNL_TC_OVERLIMITS),
	       (unsigned long long)rtnl_tc_get_stat(tc, RTNL_TC_REQUEUES),
	       (unsigned long long)rtnl_tc_get_stat(tc, RTNL_TC_BACKLOG),
	       (unsigned long long)rtnl_tc_get_stat(tc, RTNL_TC_QLEN));
}

/* kind, handle and parent, in json and as the start of tc's line */
static json_object *tc_head(struct rtnl_tc *tc, const char *type, char *line,
			    size_t len)
{
	json_object *o = json_object_new_object();
	char h[HL_FMT_MAX], p[HL_FMT_MAX];
	uint32_t parent = rtnl_tc_get_parent(tc);

	/* filter handles are numbers of their classifier, not class ids */
	if (!strcmp(type, "filter"))
		snprintf(h, sizeof(h), "0x%x", rtnl_tc_get_handle(tc));
	else
		handle_str(rtnl_tc_get_handle(tc), h);
	handle_str(parent, p);
	json_object_object_add(o, "kind", json_object_new_string(rtnl_tc_get_kind(tc)));
	json_object_object_add(o, "handle", json_object_new_string(h));
	json_object_object_add(o, "parent", json_object_new_string(p));
	snprintf(line, len, "%s %s %s %s%s", type, rtnl_tc_get_kind(tc), h,
		 parent == TC_H_ROOT ? "" : "parent ", p);
	return o;
}

static void line_add(char *line, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void line_add(char *line, size_t len, const char *fmt, ...)
{
	size_t used = strlen(line);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line + used, len - used, fmt, ap);
	va_end(ap);
}

struct show_ctx {
	struct tc_ctx *t;
	json_object *list;
};

static void emit(struct show_ctx *s, struct rtnl_tc *tc, json_object *o,
		 const char *line)
{
	if (opts.json) {
		json_object_object_add(o, "stats", tc_stats_json(tc));
		json_object_array_add(s->list, o);
		return;
	}
	json_object_put(o);
	printf("%s\n", line);
	if (opts.stats)
		tc_stats_text(tc);
}

static void show_qdisc(struct nl_object *obj, void *arg)
{
	struct show_ctx *s = arg;
	struct rtnl_qdisc *q = (struct rtnl_qdisc *)obj;
	struct rtnl_tc *tc = TC_CAST(q);
	const char *kind = rtnl_tc_get_kind(tc);
	char line[512];
	json_object *o;

	if (rtnl_tc_get_ifindex(tc) != s->t->ifindex)
		return;
	o = tc_head(tc, "qdisc", line, sizeof(line));
	if (kind && !strcmp(kind, "prio")) {
		uint8_t *map = rtnl_qdisc_prio_get_priomap(q);
		json_object *m = json_object_new_array();
		int i;

		json_object_object_add(o, "bands",
			json_object_new_int(rtnl_qdisc_prio_get_bands(q)));
		line_add(line, sizeof(line), " bands %d priomap",
			 rtnl_qdisc_prio_get_bands(q));
		for (i = 0; map && i <= TC_PRIO_MAX; i++) {
			json_object_array_add(m, json_object_new_int(map[i]));
			line_add(line, sizeof(line), " %u", map[i]);
		}
		json_object_object_add(o, "priomap", m);
	} else if (kind && !strcmp(kind, "htb")) {
		uint32_t def = rtnl_htb_get_defcls(q);

		json_object_object_add(o, "default", json_object_new_int64(def));
		line_add(line, sizeof(line), " default 0x%x", def);
	}
	emit(s, tc, o, line);
}

static void show_class(struct nl_object *obj, void *arg)
{
	struct show_ctx *s = arg;
	struct rtnl_class *c = (struct rtnl_class *)obj;
	struct rtnl_tc *tc = TC_CAST(c);
	const char *kind = rtnl_tc_get_kind(tc);
	char line[512], r[HL_FMT_MAX], cl[HL_FMT_MAX];
	json_object *o = tc_head(tc, "class", line, sizeof(line));

	if (kind && !strcmp(kind, "htb")) {
		uint64_t rate = 0, ceil = 0;

		rtnl_htb_get_rate64(c, &rate);
		rtnl_htb_get_ceil64(c, &ceil);
		json_object_object_add(o, "prio",
			json_object_new_int64(rtnl_htb_get_prio(c)));
		json_object_object_add(o, "rate", json_object_new_uint64(rate * 8));
		json_object_object_add(o, "ceil", json_object_new_uint64(ceil * 8));
		line_add(line, sizeof(line), " prio %u rate %s",
			 rtnl_htb_get_prio(c), format_rate(rate * 8, r));
		line_add(line, sizeof(line), " ceil %s", format_rate(ceil * 8, cl));
	}
	emit(s, tc, o, line);
}

static void show_filter(struct nl_object *obj, void *arg)
{
	struct show_ctx *s = arg;
	struct rtnl_cls *f = (struct rtnl_cls *)obj;
	struct rtnl_tc *tc = TC_CAST(f);
	const char *kind = rtnl_tc_get_kind(tc);
	char line[512], cl[HL_FMT_MAX];
	json_object *o;

	/* the dump heads each preference with a handle-less entry: no filter */
	if (!rtnl_tc_get_handle(tc))
		return;
	o = tc_head(tc, "filter", line, sizeof(line));

	json_object_object_add(o, "pref", json_object_new_int(rtnl_cls_get_prio(f)));
	line_add(line, sizeof(line), " pref %u", rtnl_cls_get_prio(f));
	if (kind && !strcmp(kind, "basic")) {
		handle_str(rtnl_basic_get_target(f), cl);
		json_object_object_add(o, "classid", json_object_new_string(cl));
		line_add(line, sizeof(line), " classid %s%s", cl,
			 rtnl_basic_get_ematch(f) ? " ematch" : "");
	}
	emit(s, tc, o, line);
}

static int tc_show(struct tc_ctx *t)
{
	struct nl_cache *qc = NULL, *cc = NULL, *fc = NULL;
	json_object *root = NULL;
	struct show_ctx s = { .t = t };
	int err;

	tc_reset(t);
	err = rtnl_qdisc_alloc_cache(t->sk, &qc);
	if (!err)
		err = rtnl_class_alloc_cache(t->sk, t->ifindex, &cc);
	if (!err)
		err = rtnl_cls_alloc_cache(t->sk, t->ifindex, HL_HANDLE, &fc);
	if (err) {
		tc_error(t, err, "read the queueing setup");
		goto out;
	}
	if (opts.json) {
		root = json_object_new_object();
		json_object_object_add(root, "dev", json_object_new_string(t->dev));
		s.list = json_object_new_array();
		json_object_object_add(root, "qdiscs", s.list);
	}
	nl_cache_foreach(qc, show_qdisc, &s);
	if (opts.json) {
		s.list = json_object_new_array();
		json_object_object_add(root, "classes", s.list);
	}
	nl_cache_foreach(cc, show_class, &s);
	if (opts.json) {
		s.list = json_object_new_array();
		json_object_object_add(root, "filters", s.list);
	}
	nl_cache_foreach(fc, show_filter, &s);
	if (opts.json)
		json_print(stdout, root);
out:
	if (qc)
		nl_cache_free(qc);
	if (cc)
		nl_cache_free(cc);
	if (fc)
		nl_cache_free(fc);
	return err ? -1 : 0;
}

/* DEV's index and a socket whose errors come back with the extack. */
static int tc_open(struct tc_ctx *t, const char *dev)
{
	int one = 1;

	t->dev = dev;
	t->ifindex = (int)if_nametoindex(dev);
	if (!t->ifindex) {
		errorf("no device \"%s\"%s%s", dev, opts.netns ? " in netns " : "",
		       opts.netns ? opts.netns : "");
		return -1;
	}
	t->sk = route_socket();
	if (!t->sk)
		return -1;
	setsockopt(nl_socket_get_fd(t->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nl_socket_modify_err_cb(t->sk, NL_CB_CUSTOM, tc_err_cb, t);
	return 0;
}

/* ---- hotline's root qdisc, for apply and showconf ---- */

/* An HTB root is hotline's with its default class and the three classes. */
static bool htb_is_hotline(struct rtnl_qdisc *q, struct nl_cache *classes,
			   int ifindex, uint64_t *bits_per_sec)
{
	struct rtnl_class *root, *hot, *rest;
	uint64_t rate = 0;
	bool ok;

	if (rtnl_htb_get_defcls(q) != TC_H_MIN(HL_CLASS_REST))
		return false;
	root = rtnl_class_get(classes, ifindex, HL_CLASS_ROOT);
	hot = rtnl_class_get(classes, ifindex, HL_CLASS_HOT);
	rest = rtnl_class_get(classes, ifindex, HL_CLASS_REST);
	ok = root && hot && rest && !rtnl_htb_get_rate64(root, &rate);
	*bits_per_sec = rate * 8;
	if (root)
		rtnl_class_put(root);
	if (hot)
		rtnl_class_put(hot);
	if (rest)
		rtnl_class_put(rest);
	return ok;
}

/*
 * Which of hotline's qdiscs Q is: handle 1: at the root, and a prio with
 * hotline's three bands and priomap, or an HTB as htb_install() makes it.
 * Any other root (the kernel's default, an admin's own) is CONF_QDISC_NONE:
 * apply never removes what it cannot tell is hotline's.
 */
static int qdisc_classify(struct nl_sock *sk, struct rtnl_qdisc *q,
			  enum conf_qdisc *kind, uint64_t *rate)
{
	const char *k = rtnl_tc_get_kind(TC_CAST(q));
	int ifindex = rtnl_tc_get_ifindex(TC_CAST(q));
	struct nl_cache *classes;
	uint8_t *map;
	int err;

	*kind = CONF_QDISC_NONE;
	*rate = 0;
	if (rtnl_tc_get_parent(TC_CAST(q)) != TC_H_ROOT ||
	    rtnl_tc_get_handle(TC_CAST(q)) != HL_HANDLE || !k)
		return 0;
	if (!strcmp(k, "prio")) {
		map = rtnl_qdisc_prio_get_priomap(q);
		if (rtnl_qdisc_prio_get_bands(q) == 3 && map &&
		    !memcmp(map, hotline_priomap, sizeof(hotline_priomap)))
			*kind = CONF_QDISC_PRIO;
		return 0;
	}
	if (strcmp(k, "htb") != 0)
		return 0;
	err = rtnl_class_alloc_cache(sk, ifindex, &classes);
	if (err)
		return err;
	if (htb_is_hotline(q, classes, ifindex, rate))
		*kind = CONF_QDISC_HTB;
	nl_cache_free(classes);
	return 0;
}

struct list_ctx {
	struct nl_sock *sk;
	struct conf_iface *v;
	size_t n;
	int err;
};

static void list_one(struct nl_object *obj, void *arg)
{
	struct rtnl_qdisc *q = (struct rtnl_qdisc *)obj;
	struct list_ctx *l = arg;
	char name[IF_NAMESIZE];
	enum conf_qdisc kind;
	struct conf_iface *f;
	uint64_t rate;
	int err;

	if (l->err)
		return;
	err = qdisc_classify(l->sk, q, &kind, &rate);
	if (err) {
		l->err = err;
		return;
	}
	if (kind == CONF_QDISC_NONE ||
	    !if_indextoname((unsigned int)rtnl_tc_get_ifindex(TC_CAST(q)), name))
		return;		/* a device gone since the dump: nothing to say */
	l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	if (!l->v)
		abort();
	f = &l->v[l->n++];
	memset(f, 0, sizeof(*f));
	snprintf(f->dev, sizeof(f->dev), "%s", name);
	f->qdisc = kind;
	f->rate = rate;
}

int qdisc_hotline_list(struct conf_iface **v, size_t *n)
{
	struct list_ctx l = { 0 };
	struct nl_cache *qc = NULL;
	int err;

	*v = NULL;
	*n = 0;
	l.sk = route_socket();
	if (!l.sk)
		return -1;
	err = rtnl_qdisc_alloc_cache(l.sk, &qc);
	if (!err) {
		nl_cache_foreach(qc, list_one, &l);
		err = l.err;
		nl_cache_free(qc);
	}
	nl_socket_free(l.sk);
	if (err) {
		errorf("cannot read the devices' qdiscs: %s", nl_geterror(err));
		free(l.v);
		return -1;
	}
	*v = l.v;
	*n = l.n;
	return 0;
}

/* Runs fn on a socket for DEV; -1 after saying what failed. */
static int on_dev(const char *dev, int (*fn)(struct tc_ctx *t, uint64_t rate),
		  uint64_t rate)
{
	struct tc_ctx t = { 0 };
	int err;

	if (tc_open(&t, dev))
		return -1;
	err = fn(&t, rate);
	nl_socket_free(t.sk);
	return err;
}

/*
 * A clean slate (whatever root was there goes with its classes), then
 * hotline's HTB at RATE, or its prio when RATE is 0; on failure the device
 * is left as it was without us, not half set up.
 */
static int do_install(struct tc_ctx *t, uint64_t rate)
{
	if (root_delete(t, true))
		return -1;
	if (rate ? htb_install(t, rate) : prio_install(t)) {
		root_delete(t, true);
		return -1;
	}
	return 0;
}

static int do_rate(struct tc_ctx *t, uint64_t rate)
{
	return htb_classes(t, rate, 0);
}

static int do_remove(struct tc_ctx *t, uint64_t rate)
{
	(void)rate;
	return root_delete(t, true);
}

int qdisc_hotline_install(const char *dev, enum conf_qdisc kind, uint64_t rate)
{
	return on_dev(dev, do_install, kind == CONF_QDISC_HTB ? rate : 0);
}

int qdisc_hotline_rate(const char *dev, uint64_t rate)
{
	return on_dev(dev, do_rate, rate);
}

int qdisc_hotline_remove(const char *dev)
{
	return on_dev(dev, do_remove, 0);
}

enum qdisc_action { QDISC_PRIO, QDISC_HTB, QDISC_DEL, QDISC_SHOW };

int cmd_qdisc(int argc, char **argv)
{
	enum qdisc_action action = QDISC_PRIO;
	struct tc_ctx t = { 0 };
	struct parse_error e;
	uint64_t rate = 0;
	int ret = EXIT_ERROR;

	if (argc < 2)
		return usage_error("qdisc needs a device: qdisc DEV [rate RATE | del | show]");
	t.dev = argv[1];
	if (!*t.dev || strlen(t.dev) >= IFNAMSIZ || strchr(t.dev, '/'))
		return usage_error("invalid device \"%s\": not an interface name",
				   t.dev);
	if (argc == 3 && (!strcmp(argv[2], "del") || !strcmp(argv[2], "delete")))
		action = QDISC_DEL;
	else if (argc == 3 && (!strcmp(argv[2], "show") || !strcmp(argv[2], "list")))
		action = QDISC_SHOW;
	else if (argc >= 3 && !strcmp(argv[2], "rate")) {
		if (argc < 4)
			return usage_error("keyword \"rate\" needs a value");
		if (argc > 4)
			return usage_error("unexpected \"%s\" after rate %s",
					   argv[4], argv[3]);
		if (parse_rate(argv[3], &rate, &e))
			return invalid_arg("rate", argv[3], &e);
		action = QDISC_HTB;
	} else if (argc > 2) {
		return usage_error("unknown keyword \"%s\" for qdisc: use rate, del or show",
				   argv[2]);
	}

	if (tc_open(&t, t.dev))
		return EXIT_ERROR;

	switch (action) {
	case QDISC_SHOW:
		ret = tc_show(&t) ? EXIT_ERROR : EXIT_OK;
		goto out;
	case QDISC_DEL:
		ret = root_delete(&t, true) ? EXIT_ERROR : EXIT_OK;
		goto out;
	case QDISC_PRIO:
	case QDISC_HTB:
		break;
	}
	if (do_install(&t, action == QDISC_HTB ? rate : 0))
		goto out;
	ret = tc_show(&t) ? EXIT_ERROR : EXIT_OK;
out:
	nl_socket_free(t.sk);
	return ret;
}
