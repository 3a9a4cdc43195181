// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The hotline generic netlink client, on libmnl. Replies are read by hand
 * rather than with mnl_cb_run() so that an interrupted dump can be drained
 * to its end and retried, and so that the extended ACK text of an error is
 * kept for the message the user sees.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "hotlinectl.h"
#include "nl.h"

#define NL_REQ_SIZE	MNL_SOCKET_BUFFER_SIZE
#define NL_RX_SIZE	65536	/* a dump message may be up to 32 KiB */
#define DUMP_TRIES	5

/* The extended ACK attribute @type of an error or DONE message, or NULL. */
static const struct nlattr *extack_attr(const struct nlmsghdr *nlh, uint16_t type)
{
	const char *payload = mnl_nlmsg_get_payload(nlh);
	size_t total = mnl_nlmsg_get_payload_len(nlh);
	size_t off;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	if (nlh->nlmsg_type == NLMSG_DONE) {
		off = sizeof(int);
	} else {
		const struct nlmsgerr *err = (const void *)payload;

		if (total < sizeof(*err))
			return NULL;
		off = sizeof(*err);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += MNL_ALIGN(err->msg.nlmsg_len) - sizeof(struct nlmsghdr);
	}
	while (off + sizeof(struct nlattr) <= total) {
		const struct nlattr *a = (const void *)(payload + off);
		size_t alen = a->nla_len;

		if (alen < sizeof(*a) || off + alen > total)
			break;
		if (mnl_attr_get_type(a) == type)
			return a;
		off += MNL_ALIGN(alen);
	}
	return NULL;
}

const char *hlnl_extack_msg(const struct nlmsghdr *nlh, char *buf, size_t len)
{
	const struct nlattr *a = extack_attr(nlh, NLMSGERR_ATTR_MSG);

	if (!a || mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return NULL;
	snprintf(buf, len, "%s", mnl_attr_get_str(a));
	return buf;
}

static int error_of(struct hl_nl *nl, const struct nlmsghdr *nlh)
{
	int err;

	if (nlh->nlmsg_type == NLMSG_DONE) {
		if (mnl_nlmsg_get_payload_len(nlh) < sizeof(int))
			return 0;
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	} else {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
			return -EBADMSG;
		err = e->error;
	}
	if (err > 0)	/* never from Linux; keep it negative for callers */
		err = -err;
	if (err && !hlnl_extack_msg(nlh, nl->ext_msg, sizeof(nl->ext_msg)))
		nl->ext_msg[0] = '\0';
	nl->ext_offs = 0;
	if (err) {
		const struct nlattr *offs = extack_attr(nlh, NLMSGERR_ATTR_OFFS);

		if (offs && mnl_attr_validate(offs, MNL_TYPE_U32) == 0)
			nl->ext_offs = mnl_attr_get_u32(offs);
	}
	return err;
}

/* Reads until the ACK, error or DONE of seq. *intr: a dump was interrupted. */
static int hlnl_recv(struct hl_nl *nl, uint32_t seq, hlnl_data_fn fn, void *data,
		   bool *intr)
{
	int cb_err = 0;

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sk, nl->rx, NL_RX_SIZE);
		const struct nlmsghdr *nlh = (const void *)nl->rx;
		int len = (int)n;

		if (n < 0) {
			if (errno == ENOBUFS)
				nl->answer_lost = true;
			return errno == ENOSPC ? -EMSGSIZE : -errno;
		}
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != nl->portid)
				continue;	/* left over from an earlier try */
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				*intr = true;
			switch (nlh->nlmsg_type) {
			case NLMSG_NOOP:
				break;
			case NLMSG_ERROR:
			case NLMSG_DONE: {
				int err = error_of(nl, nlh);

				return err ? err : cb_err;
			}
			case NLMSG_OVERRUN:
				return -ENOBUFS;
			default:
				if (fn && !cb_err && fn(nlh, data) < 0) {
					cb_err = -EPROTO;
					nl->reported = true;
				}
			}
		}
	}
}

struct nlmsghdr *hlnl_request(struct hl_nl *nl, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->req);
	struct genlmsghdr *g;

	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = HOTLINE_GENL_VERSION;
	return nlh;
}

static int hlnl_send(struct hl_nl *nl, struct nlmsghdr *req)
{
	req->nlmsg_seq = ++nl->seq;
	nl->ext_msg[0] = '\0';
	nl->reported = false;
	nl->answer_lost = false;
	if (mnl_socket_sendto(nl->sk, req, req->nlmsg_len) < 0)
		return -errno;
	return 0;
}

int hlnl_transact(struct hl_nl *nl, struct nlmsghdr *req, hlnl_data_fn fn,
		void *data)
{
	bool intr = false;
	int err = hlnl_send(nl, req);

	return err ? err : hlnl_recv(nl, req->nlmsg_seq, fn, data, &intr);
}

int hlnl_dump(struct hl_nl *nl, struct nlmsghdr *req, hlnl_data_fn fn,
	    hlnl_restart_fn restart, void *data)
{
	int try, err;

	for (try = 0; try < DUMP_TRIES; try++) {
		bool intr = false;

		err = hlnl_send(nl, req);
		if (!err)
			err = hlnl_recv(nl, req->nlmsg_seq, fn, data, &intr);
		if (err || !intr)
			return err;
		if (restart)
			restart(data);
	}
	snprintf(nl->ext_msg, sizeof(nl->ext_msg),
		 "the channels kept changing during %d dumps", DUMP_TRIES);
	return -EAGAIN;
}

void hlnl_perror(const struct hl_nl *nl, int err)
{
	if (nl->reported)
		return;
	if (err == -EPERM) {
		errorf("%s: this needs CAP_NET_ADMIN over the network namespace",
		       strerror(EPERM));
		return;
	}
	if (nl->ext_msg[0])
		errorf("%s: %s", strerror(-err), nl->ext_msg);
	else
		errorf("%s", strerror(-err));
}

struct family_info {
	uint16_t id;
	uint32_t grp_config, grp_health;
};

static int mcast_group(const struct nlattr *grp, struct family_info *fi)
{
	const struct nlattr *a;
	const char *name = NULL;
	uint32_t id = 0;

	mnl_attr_for_each_nested(a, grp) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			name = mnl_attr_get_str(a);
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			id = mnl_attr_get_u32(a);
	}
	if (name && !strcmp(name, HOTLINE_MCGRP_CONFIG))
		fi->grp_config = id;
	else if (name && !strcmp(name, HOTLINE_MCGRP_HEALTH))
		fi->grp_health = id;
	return 0;
}

static int family_reply(const struct nlmsghdr *nlh, void *data)
{
	struct family_info *fi = data;
	const struct nlattr *a, *grp;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U16) == 0)
				fi->id = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mnl_attr_for_each_nested(grp, a)
				mcast_group(grp, fi);
			break;
		}
	}
	return 0;
}

int hlnl_open(struct hl_nl *nl)
{
	struct family_info fi = { 0 };
	struct nlmsghdr *req;
	struct genlmsghdr *g;
	int one = 1, err;

	memset(nl, 0, sizeof(*nl));
	nl->req = malloc(NL_REQ_SIZE);
	nl->rx = malloc(NL_RX_SIZE);
	if (!nl->req || !nl->rx) {
		errorf("out of memory");
		goto fail;
	}
	nl->sk = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sk || mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		errorf("cannot open a generic netlink socket: %s", strerror(errno));
		goto fail;
	}
	/* Both are best effort: old kernels simply send less detail. */
	mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sk, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = (uint32_t)time(NULL);

	req = mnl_nlmsg_put_header(nl->req);
	req->nlmsg_type = GENL_ID_CTRL;
	req->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g = mnl_nlmsg_put_extra_header(req, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(req, CTRL_ATTR_FAMILY_NAME, HOTLINE_GENL_NAME);
	err = hlnl_transact(nl, req, family_reply, &fi);
	if (err == -ENOENT) {
		/* insmod does not load what the module needs; modprobe does */
		errorf("hotline module not loaded: modprobe hotline "
		       "(or: modprobe -a udp_tunnel ip6_udp_tunnel && insmod hotline.ko)");
		goto fail;
	}
	if (err) {
		hlnl_perror(nl, err);
		goto fail;
	}
	if (!fi.id) {
		errorf("the kernel did not say which id the hotline family has");
		goto fail;
	}
	nl->family = fi.id;
	nl->grp_config = fi.grp_config;
	nl->grp_health = fi.grp_health;
	return 0;
fail:
	hlnl_close(nl);
	return -1;
}

void hlnl_close(struct hl_nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	/* a channel request may have carried a health key */
	if (nl->req)
		explicit_bzero(nl->req, NL_REQ_SIZE);
	free(nl->req);
	free(nl->rx);
	memset(nl, 0, sizeof(*nl));
}
