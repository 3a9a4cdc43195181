/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hotline generic netlink client: one socket, requests with an ACK,
 * dumps that survive concurrent changes, kernel errors with their extended
 * ACK message.
 */
#ifndef HOTLINECTL_NL_H
#define HOTLINECTL_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

struct hl_nl {
	struct mnl_socket *sk;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;		/* generic netlink id of "hotline" */
	uint32_t grp_config, grp_health;/* multicast group ids, 0 if absent */
	char ext_msg[256];		/* extack message of the last error */
	uint32_t ext_offs;		/* and the offset of the attribute it
					 * is about in the request; 0: none */
	bool reported;			/* the last error was printed already */
	bool answer_lost;		/* the request went out, its answer did
					 * not come back (the socket overran):
					 * whether it took effect is unknown */
	char *req;			/* request being built */
	char *rx;
};

/* Called for every data message of a reply; returns 0, or -1 after
 * printing why the message is unusable. */
typedef int (*hlnl_data_fn)(const struct nlmsghdr *nlh, void *data);
/* Called before a dump is retried: forget what the data callback kept. */
typedef void (*hlnl_restart_fn)(void *data);

/* Opens the socket and resolves the family; prints why not and returns -1. */
int hlnl_open(struct hl_nl *nl);
void hlnl_close(struct hl_nl *nl);

/* Starts a hotline request in nl->req (NLM_F_REQUEST | flags). */
struct nlmsghdr *hlnl_request(struct hl_nl *nl, uint8_t cmd, uint16_t flags);

/*
 * Sends req and reads its whole answer; 0 or a negative errno. req may be
 * nl->req or a buffer of the caller's (a request bigger than nl->req).
 */
int hlnl_transact(struct hl_nl *nl, struct nlmsghdr *req, hlnl_data_fn fn,
		void *data);
/* A dump, retried from scratch when the kernel flags it interrupted. */
int hlnl_dump(struct hl_nl *nl, struct nlmsghdr *req, hlnl_data_fn fn,
	    hlnl_restart_fn restart, void *data);

/* Prints the error a request ended with (unless already printed). */
void hlnl_perror(const struct hl_nl *nl, int err);

/* The extended ACK message of an error or DONE message, or NULL. */
const char *hlnl_extack_msg(const struct nlmsghdr *nlh, char *buf, size_t len);

#endif
