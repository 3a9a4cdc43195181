/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The routing hotlinectl installs for a path that names its next hop
 * (Via, Device): a rule "fwmark MARK/MASK lookup TABLE" and a default
 * route "via VIA dev DEVICE" in TABLE, both of protocol HL_RTPROT. The
 * protocol is what makes them hotlinectl's: it reads back, replaces and
 * removes only rules and routes of that protocol, never the admin's.
 */
#ifndef HOTLINECTL_ROUTE_H
#define HOTLINECTL_ROUTE_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "parse.h"

struct hl_channel;
struct hl_path;
struct nl_sock;

#define HL_RTPROT	0x68	/* "hotline" in rt_protos.d/hotline.conf */
#define HL_RULE_PRIO	1000	/* before main (32766); after local (0) */

/* One path's route: installed (read back) or wanted (from paths). */
struct hl_route {
	uint8_t family;
	uint32_t mark, mask, table;
	bool has_via;
	union hl_addr via;
	char dev[IF_NAMESIZE];
	int ifindex;
	bool rule, route;		/* read back: which halves exist */
	char owner[64];			/* wanted: "channel to-b path p1" */
};

struct hl_routes {
	struct hl_route *v;
	size_t n;
};

void routes_free(struct hl_routes *r);

/* The table a path's route goes in: Table, else the path's mark. */
uint32_t path_route_table(const struct hl_path *p);
/* Why a table number cannot be a path's: NULL when it can. */
const char *route_table_refused(uint32_t table);

/* hotlinectl's rules and routes in the current netns; 0 or -errno. */
int routes_read(struct nl_sock *sk, struct hl_routes *have);

/*
 * The routes the paths of v[0..n) want, devices resolved: 0, or -1 with
 * e naming the path whose Device does not exist or whose table another
 * path routes differently.
 */
int routes_wanted(const struct hl_channel *v, size_t n, struct hl_routes *want,
		  struct parse_error *e);

/*
 * The routes wanted after one channel changes from old (attached; NULL
 * when new) to ch (NULL when deleted): ch's paths' (devices resolved),
 * and of what have holds everything but what only old's paths routed.
 * others are all the channels (attached), ch's old self skipped by name.
 * 0, or -1 with e saying which path's Device or table is wrong.
 */
int routes_change(const struct hl_routes *have, const struct hl_channel *old,
		  const struct hl_channel *others, size_t n, const struct hl_channel *ch,
		  struct hl_routes *want, struct parse_error *e);

/* Fills each path's Via, Device and Table from what is installed. */
void routes_attach(struct hl_channel *v, size_t n, const struct hl_routes *have);

/*
 * From have to want in two halves: routes_install() adds the rules and
 * (re)places the routes want has and have lacks, routes_remove() deletes
 * what have has and want lacks. A change is install, the kernel, remove;
 * a failed step is undone by routes_restore(have). 0, or -1 after saying
 * what failed.
 */
int routes_install(struct nl_sock *sk, const struct hl_routes *have,
		   const struct hl_routes *want);
int routes_remove(struct nl_sock *sk, const struct hl_routes *have,
		  const struct hl_routes *want);

/* Both halves; for changes that touch routing only. */
int routes_sync(struct nl_sock *sk, const struct hl_routes *have,
		const struct hl_routes *want);

/* Back to what was read before a change that failed half way. */
int routes_restore(struct nl_sock *sk, const struct hl_routes *was);

/* routes_read() and routes_attach() on a socket of its own; -1 after saying why. */
int channels_attach_routes(struct hl_channel *v, size_t n);

/* An rtnetlink socket for the above; NULL after saying why. */
struct nl_sock *route_socket(void);

#endif
