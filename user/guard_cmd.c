// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `hotlinectl guard`: the XDP guard (bpf/guard.bpf.c, loaded by guard.c)
 * on a WAN device, fed from the channel table.
 *
 *   guard attach DEV [mode M] [rate PPS] [burst N] [bytes RATE]
 *                    [byte-burst N] [generic]
 *   guard detach DEV
 *   guard show [DEV]
 *   guard sync DEV
 *   guard watch DEV [hold SECS]
 *
 * The guard's peers are every channel's peer prefix plus every health
 * probe address: what the far gateway sends us. `attach` syncs them once;
 * `sync` again after channels changed; `watch` stays running and keeps
 * them in sync from the "config" multicast group, and sets the guard's
 * armed flag (which makes mode auto enforce) as soon as a channel is down
 * or degraded, clearing it once the channels are up and the guard has
 * dropped nothing for the hold time (default 30 s); each change is a line
 * with its reason. Every event triggers a fresh dump rather than an incremental
 * update: a dump is cheap, and a lost event (socket overrun) cannot leave
 * the guard wrong. An event that takes a channel without paths down or
 * degraded arms the guard before that dump; any arm comes before the peer
 * sync.
 *
 * With -N NETNS the guard's pins live under
 * HOTLINE_GUARD_PIN_ROOT-ns/NETNS/ instead of HOTLINE_GUARD_PIN_ROOT/, so
 * the same device name in two namespaces names two guards.
 *
 * `guard show -j`: an array of
 *   { "dev": "wan0", "ifindex": 3, "xdp_mode": "native"|"generic"|...,
 *     "prog_id": 12, "mode": "enforce", "armed": false,
 *     "limits": { "pps": 100, "pps_burst": 100, "bytes_per_sec": 0,
 *                 "bytes_burst": 0 },                 0: no limit
 *     "peers": { "ipv4": 2, "ipv6": 0 },
 *     "counters": { "hotline": { "packets": 5, "bytes": 490 }, "passed",
 *                   "dropped", "would_drop", "non_ip", "malformed_passed",
 *                   "malformed_dropped" (same shape) } }
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>

#include "guard.h"
#include "hotlinectl.h"
#include "iface.h"
#include "nl.h"
#include "output.h"
#include "status.h"

#define NETNS_PIN_PARENT HOTLINE_GUARD_PIN_ROOT "-ns"

static int guard_fail(const char *what, const char *dev)
{
	errorf("guard %s %s: %s", what, dev, guard_error());
	return EXIT_ERROR;
}

static void pin_root_for_netns(bool create)
{
	char dir[256];

	if (!opts.netns)
		return;
	if (create)
		mkdir(NETNS_PIN_PARENT, 0700);	/* fails harmlessly if there */
	snprintf(dir, sizeof(dir), "%s/%s", NETNS_PIN_PARENT, opts.netns);
	guard_set_pin_root(dir);
}

static void prefix_add(struct guard_prefix **v, size_t *n, uint8_t family,
		       uint8_t len, const union hl_addr *addr)
{
	struct guard_prefix *p;

	*v = realloc(*v, (*n + 1) * sizeof(**v));
	if (!*v)
		abort();
	p = &(*v)[(*n)++];
	memset(p, 0, sizeof(*p));
	p->family = family == AF_INET ? 4 : 6;
	p->len = len;
	memcpy(p->addr, addr->raw, family == AF_INET ? 4 : 16);
}

static void host_add(struct guard_prefix **v, size_t *n, uint8_t family,
		     const union hl_addr *addr)
{
	prefix_add(v, n, family, family == AF_INET ? 32 : 128, addr);
}

/* The peers the guard admits: channel peers and probe addresses, each
 * path's too: a backup path's reflector must get through a flood. */
static size_t guard_peers(const struct hl_channel_list *l,
			  struct guard_prefix **out)
{
	struct guard_prefix *v = NULL;
	size_t i, n = 0;
	unsigned int j;

	for (i = 0; i < l->n; i++) {
		const struct hl_channel *ch = &l->v[i];

		prefix_add(&v, &n, ch->peer.family, ch->peer.len, &ch->peer.addr);
		if ((ch->has & HL_HAS_HEALTH) && (ch->health.has & HL_H_PROBE))
			host_add(&v, &n, ch->health.probe.family, &ch->health.probe.addr);
		for (j = 0; j < ch->npaths; j++)
			host_add(&v, &n, ch->paths[j].family, &ch->paths[j].probe);
	}
	*out = v;
	return n;
}

/* Fills the guard's peers from the channels l; *count gets their number. */
static int sync_list(const char *dev, const struct hl_channel_list *l, size_t *count)
{
	struct guard_prefix *peers = NULL;
	size_t n;
	int err;

	n = guard_peers(l, &peers);
	err = guard_sync_peers(dev, peers, n);
	free(peers);
	if (err)
		return guard_fail("sync", dev);
	if (count)
		*count = n;
	return EXIT_OK;
}

/* The same from a fresh dump. */
static int sync_from(struct hl_nl *nl, const char *dev, struct hl_channel_list *l,
		     size_t *count)
{
	if (channels_fetch(nl, NULL, l))
		return EXIT_ERROR;
	return sync_list(dev, l, count);
}

void guard_pin_root_netns(bool create)
{
	pin_root_for_netns(create);
}

void guard_pin_root_tidy(void)
{
	if (opts.netns)
		rmdir(NETNS_PIN_PARENT);	/* once the last namespace's is gone */
}

int guard_sync_dev(struct hl_nl *nl, const char *dev)
{
	struct hl_channel_list l = { 0 };
	int ret = sync_from(nl, dev, &l, NULL);

	free(l.v);
	return ret;
}

static int check_dev(const char *dev)
{
	if (!*dev || strlen(dev) >= 16 || strchr(dev, '/') || !strcmp(dev, ".") ||
	    !strcmp(dev, ".."))
		return usage_error("invalid device \"%s\"", dev);
	return 0;
}

static int guard_attach_cmd(int argc, char **argv)
{
	enum guard_mode mode = GUARD_MODE_AUTO;
	struct guard_limits lim = { 0 };
	struct hl_channel_list l = { 0 };
	struct parse_error e;
	bool generic = false;
	const char *dev;
	struct hl_nl nl;
	uint32_t v;
	uint64_t bits;
	int i, ret;

	if (argc < 1)
		return usage_error("guard attach needs a DEV");
	dev = argv[0];
	if (check_dev(dev))
		return EXIT_USAGE;
	for (i = 1; i < argc; i++) {
		const char *k = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(k, "generic")) {
			generic = true;
			continue;
		}
		if (!val)
			return usage_error("keyword \"%s\" needs a value", k);
		i++;
		if (!strcmp(k, "mode")) {
			if (guard_mode_parse(val, &mode))
				return usage_error("invalid mode \"%s\": one of off, monitor, enforce, auto",
						   val);
		} else if (!strcmp(k, "rate")) {
			if (parse_u32(val, 1, UINT32_MAX, &v, &e))
				return invalid_arg(k, val, &e);
			lim.pps = v;
		} else if (!strcmp(k, "burst")) {
			if (parse_u32(val, 1, UINT32_MAX, &v, &e))
				return invalid_arg(k, val, &e);
			lim.pps_burst = v;
		} else if (!strcmp(k, "bytes")) {
			if (parse_rate(val, &bits, &e))
				return invalid_arg(k, val, &e);
			lim.bps = bits / 8;
		} else if (!strcmp(k, "byte-burst")) {
			if (parse_u32(val, 1, UINT32_MAX, &v, &e))
				return invalid_arg(k, val, &e);
			lim.bps_burst = v;
		} else {
			return usage_error("unknown keyword \"%s\" for guard attach", k);
		}
	}
	if (lim.pps_burst && !lim.pps)
		return usage_error("burst needs rate PPS");
	if (lim.bps_burst && !lim.bps)
		return usage_error("byte-burst needs bytes RATE");

	/* The channel table first: without it the guard would admit nobody. */
	if (hlnl_open(&nl))
		return EXIT_ERROR;
	ret = EXIT_ERROR;
	if (channels_fetch(&nl, NULL, &l))
		goto out;
	pin_root_for_netns(true);
	if (guard_attach(dev, mode, &lim, generic)) {
		ret = guard_fail("attach", dev);
		goto out;
	}
	ret = sync_from(&nl, dev, &l, NULL);
out:
	free(l.v);
	hlnl_close(&nl);
	return ret;
}

static int guard_detach_cmd(int argc, char **argv)
{
	int err;

	if (argc != 1)
		return usage_error("usage: guard detach DEV");
	if (check_dev(argv[0]))
		return EXIT_USAGE;
	pin_root_for_netns(false);
	err = guard_detach(argv[0]);
	if (err == -ENOENT) {
		errorf("no hotline guard on %s", argv[0]);
		return EXIT_ERROR;
	}
	if (err)
		return guard_fail("detach", argv[0]);
	if (opts.netns)
		rmdir(NETNS_PIN_PARENT);	/* once the last namespace's is gone */
	return EXIT_OK;
}

static int guard_sync_cmd(int argc, char **argv)
{
	struct hl_channel_list l = { 0 };
	struct hl_nl nl;
	int ret;

	if (argc != 1)
		return usage_error("usage: guard sync DEV");
	if (check_dev(argv[0]))
		return EXIT_USAGE;
	pin_root_for_netns(false);
	if (hlnl_open(&nl))
		return EXIT_ERROR;
	ret = sync_from(&nl, argv[0], &l, NULL);
	free(l.v);
	hlnl_close(&nl);
	return ret;
}

/* ---- show ---- */

static json_object *counter_json(const struct hotline_guard_counter *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "packets", json_object_new_uint64(c->packets));
	json_object_object_add(o, "bytes", json_object_new_uint64(c->bytes));
	return o;
}

static json_object *guard_json(const struct guard_info *gi,
			       const struct guard_stats *st)
{
	json_object *o = json_object_new_object(), *lim, *peers, *cnt;
	int s;

	json_object_object_add(o, "dev", json_object_new_string(gi->ifname));
	json_object_object_add(o, "ifindex", json_object_new_int(gi->ifindex));
	json_object_object_add(o, "xdp_mode", json_object_new_string(gi->xdp_mode));
	json_object_object_add(o, "prog_id", json_object_new_int64(gi->prog_id));
	json_object_object_add(o, "mode",
			       json_object_new_string(guard_mode_name(gi->mode)));
	json_object_object_add(o, "armed", json_object_new_boolean(gi->armed));
	lim = json_object_new_object();
	json_object_object_add(lim, "pps", json_object_new_uint64(gi->limits.pps));
	json_object_object_add(lim, "pps_burst",
			       json_object_new_uint64(gi->limits.pps_burst));
	json_object_object_add(lim, "bytes_per_sec",
			       json_object_new_uint64(gi->limits.bps));
	json_object_object_add(lim, "bytes_burst",
			       json_object_new_uint64(gi->limits.bps_burst));
	json_object_object_add(o, "limits", lim);
	peers = json_object_new_object();
	json_object_object_add(peers, "ipv4", json_object_new_uint64(gi->peers4));
	json_object_object_add(peers, "ipv6", json_object_new_uint64(gi->peers6));
	json_object_object_add(o, "peers", peers);
	cnt = json_object_new_object();
	for (s = 0; s < HOTLINE_GUARD_STAT_MAX; s++)
		json_object_object_add(cnt, guard_stat_name((enum hotline_guard_stat)s),
				       counter_json(&st->c[s]));
	json_object_object_add(o, "counters", cnt);
	return o;
}

static const struct table_col guard_cols[] = {
	{ "DEV", false }, { "MODE", false }, { "ARMED", false }, { "XDP", false },
	{ "PPS", true }, { "BURST", true }, { "BYTES/S", true },
	{ "BYTE_BURST", true }, { "PEERS", true }, { "HOTLINE", true },
	{ "PASSED", true }, { "DROPPED", true }, { "WOULD_DROP", true },
	{ "NON_IP", true }, { "MALFORMED", true },
};
#define NGUARD_COLS (sizeof(guard_cols) / sizeof(guard_cols[0]))

struct show_ctx {
	json_object *arr;
	struct table *t;
	int err;
};

static int show_one(const char *dev, void *arg)
{
	struct show_ctx *c = arg;
	char cell[NGUARD_COLS][24];
	const char *cells[NGUARD_COLS];
	struct guard_info gi;
	struct guard_stats st;
	size_t i;

	if (guard_show(dev, &gi) || guard_read_stats(dev, &st)) {
		errorf("guard show %s: %s", dev, guard_error());
		c->err = EXIT_ERROR;
		return 0;	/* the others still show */
	}
	if (c->arr) {
		json_object_array_add(c->arr, guard_json(&gi, &st));
		return 0;
	}
	{
		uint64_t nums[] = {
			gi.limits.pps, gi.limits.pps_burst, gi.limits.bps,
			gi.limits.bps_burst, gi.peers4 + gi.peers6,
			st.c[HOTLINE_GUARD_STAT_HOTLINE].packets,
			st.c[HOTLINE_GUARD_STAT_PASSED].packets,
			st.c[HOTLINE_GUARD_STAT_DROPPED].packets,
			st.c[HOTLINE_GUARD_STAT_WOULD_DROP].packets,
			st.c[HOTLINE_GUARD_STAT_NON_IP].packets,
			st.c[HOTLINE_GUARD_STAT_MALFORMED_PASSED].packets +
			st.c[HOTLINE_GUARD_STAT_MALFORMED_DROPPED].packets,
		};

		cells[0] = gi.ifname;
		cells[1] = guard_mode_name(gi.mode);
		cells[2] = gi.armed ? "yes" : "no";
		cells[3] = gi.xdp_mode;
		for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
			snprintf(cell[i + 4], sizeof(cell[i + 4]), "%llu",
				 (unsigned long long)nums[i]);
			cells[i + 4] = cell[i + 4];
		}
		/* 0 limit means none */
		for (i = 4; i < 8; i++)
			if (!strcmp(cells[i], "0"))
				cells[i] = NULL;
	}
	table_add(c->t, cells);
	return 0;
}

static int guard_show_cmd(int argc, char **argv)
{
	struct show_ctx c = { 0 };
	int err;

	if (argc > 1)
		return usage_error("usage: guard show [DEV]");
	if (argc == 1 && check_dev(argv[0]))
		return EXIT_USAGE;
	pin_root_for_netns(false);
	if (opts.json)
		c.arr = json_object_new_array();
	else
		c.t = table_new(guard_cols, NGUARD_COLS);
	if (argc == 1) {
		struct guard_info gi;

		/* a missing guard is an error when asked for by name */
		if (guard_show(argv[0], &gi)) {
			errorf("guard show %s: %s", argv[0], guard_error());
			json_object_put(c.arr);
			table_free(c.t);
			return EXIT_ERROR;
		}
		show_one(argv[0], &c);
		err = 0;
	} else {
		err = guard_foreach(show_one, &c);
	}
	if (err) {
		errorf("guard show: %s", guard_error());
		c.err = EXIT_ERROR;
	}
	if (c.arr) {
		json_print(stdout, c.arr);
	} else {
		table_print(c.t, stdout);
		table_free(c.t);
	}
	return c.err;
}

/* ---- watch ---- */

/*
 * Arming is immediate: the first health event that shows a channel down
 * or degraded arms the guard. Disarming waits: every channel must have
 * been up for the hold time *and* the guard must have dropped nothing in
 * that time. Health alone would disarm in the middle of a flood (the
 * armed guard is what brought the channels back), the flood would hurt
 * them again, and the guard would flap with a detection time's damage
 * each round; its drop counter shows whether the flood is still there.
 */
#define WATCH_HOLD_DEFAULT_S	30
#define WATCH_TICK_MS		1000

struct watch {
	struct hl_nl *nl;
	const char *dev;
	size_t peers;
	int armed;		/* -1: not known yet */
	bool said_peers;	/* the first count of peers is said */
	uint64_t hold_ns;
	uint64_t quiet_since;	/* armed, all up, no drop since; 0: not quiet */
	uint64_t drops;		/* the guard's drop counters when last read */
	char reason[256];	/* why it is armed */
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int guard_drops(const char *dev, uint64_t *drops)
{
	struct guard_stats st;

	if (guard_read_stats(dev, &st))
		return -1;
	*drops = st.c[HOTLINE_GUARD_STAT_DROPPED].packets +
		 st.c[HOTLINE_GUARD_STAT_MALFORMED_DROPPED].packets;
	return 0;
}

/* "cert down (detect-expired)": one bad channel, after sep */
static int bad_one(char *buf, size_t size, const char *sep,
		   const struct hl_channel *ch, uint8_t state, uint8_t diag,
		   bool no_path)
{
	return snprintf(buf, size, "%s%s %s%s%s%s%s", sep, ch->name,
			health_state_name(state), no_path ? " (no path up)" : "",
			diag ? " (" : "", diag ? health_diag_name(diag) : "",
			diag ? ")" : "");
}

/* "cert down (detect-expired), b degraded (threshold)", as much as fits,
 * then "N more"; "" when every channel is up */
static void bad_reason(const struct hl_channel_list *l, char *buf, size_t size)
{
	size_t i, off = 0, more = 0;

	buf[0] = '\0';
	for (i = 0; i < l->n; i++) {
		const struct hl_channel *ch = &l->v[i];
		/* a path's own session is not the channel: its traffic is */
		uint8_t state = channel_state(ch), diag = ch->status.diag;
		bool no_path = ch->npaths && !channel_active_path(ch);
		int n;

		if (!channel_has_status(ch) || !health_state_is_bad(state))
			continue;
		if (no_path)
			diag = HOTLINE_DIAG_NONE;	/* the status is one path's */
		n = bad_one(buf + off, size - off, off ? ", " : "", ch, state, diag,
			    no_path);
		if (n < 0 || (size_t)n >= size - off - 16) {
			buf[off] = '\0';
			more++;
			continue;
		}
		off += (size_t)n;
	}
	if (more)
		snprintf(buf + off, size - off, "%s%zu more", off ? ", " : "", more);
}

static void watch_say(const struct watch *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void watch_say(const struct watch *w, const char *fmt, ...)
{
	char time[HL_STATUS_FMT_MAX];
	va_list ap;

	format_time(realtime_ns(), time);
	printf("%s guard %s ", time, w->dev);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	/* a write error stays on stdout; the next write meets it too */
	(void)fflush(stdout);
}

static int watch_set(struct watch *w, bool armed)
{
	if (guard_set_armed(w->dev, armed))
		return guard_fail("watch", w->dev);
	w->armed = armed;
	return 0;
}

static int watch_resync(struct watch *w, const char *why)
{
	struct hl_channel_list l = { 0 };
	char reason[sizeof(w->reason)];
	uint64_t now, drops;
	size_t n = 0;
	int ret;

	if (channels_fetch(w->nl, NULL, &l)) {
		ret = EXIT_ERROR;
		goto out;
	}
	/* armed before the peer sync: a flood starves this process */
	bad_reason(&l, reason, sizeof(reason));
	if (reason[0]) {
		w->quiet_since = 0;
		if (w->armed != 1 || strcmp(reason, w->reason) != 0) {
			ret = w->armed == 1 ? 0 : watch_set(w, true);
			if (ret)
				goto out;
			snprintf(w->reason, sizeof(w->reason), "%s", reason);
			watch_say(w, "armed: %s", reason);
		}
	}
	ret = sync_list(w->dev, &l, &n);
	if (ret)
		goto out;
	if (n != w->peers || !w->said_peers)
		watch_say(w, "peers %zu (%s)", n, why);
	w->peers = n;
	w->said_peers = true;
	if (reason[0])
		goto out;
	now = mono_ns();
	if (w->armed != 1) {
		if (w->armed < 0 && watch_set(w, false)) {
			ret = EXIT_ERROR;
			goto out;
		}
		if (w->armed == 0 && !strcmp(why, "start"))
			watch_say(w, "disarmed: every channel up");
		goto out;
	}
	/* armed, and every channel is up: wait for a quiet hold time */
	if (guard_drops(w->dev, &drops)) {
		ret = guard_fail("watch", w->dev);
		goto out;
	}
	if (!w->quiet_since || drops != w->drops) {
		if (!w->quiet_since)
			watch_say(w, "holding: every channel up; disarming after %llu s "
				  "without a drop", (unsigned long long)(w->hold_ns / 1000000000ULL));
		w->quiet_since = now;
		w->drops = drops;
	}
	if (now - w->quiet_since >= w->hold_ns) {
		if (watch_set(w, false)) {
			ret = EXIT_ERROR;
			goto out;
		}
		w->quiet_since = 0;
		w->reason[0] = '\0';
		watch_say(w, "disarmed: every channel up and nothing dropped for %llu s",
			  (unsigned long long)(w->hold_ns / 1000000000ULL));
	}
out:
	free(l.v);
	return ret;
}

/*
 * The channel an event takes bad, when the event alone says so: a channel
 * without paths whose own session went down or degraded. A channel with
 * paths is bad only when no path carries it, which the dump tells.
 */
static bool event_is_bad(const struct nlmsghdr *nlh, struct hl_health_event *ev)
{
	const struct genlmsghdr *g;
	struct parse_error e;

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return false;
	g = mnl_nlmsg_get_payload(nlh);
	if (g->cmd != HOTLINE_CMD_HEALTH_EVENT || health_event_decode(nlh, ev, &e))
		return false;	/* the resync's dump reads it, or says why not */
	return !ev->is_switch && !ev->path[0] && !ev->ch.npaths &&
	       health_state_is_bad(ev->ch.status.state);
}

static int watch_event(const struct nlmsghdr *nlh, void *arg)
{
	struct watch *w = arg;
	struct hl_health_event ev;

	/*
	 * A channel going bad arms the guard before anything else: under a
	 * flood this process competes with the softirqs for the CPU, and
	 * the dump and the peer sync that follow took the arm 140 ms past
	 * the state change on a TCG guest. The resync then finds the other
	 * channels' state and the peers as before.
	 */
	if (nlh && w->armed != 1 && event_is_bad(nlh, &ev)) {
		if (watch_set(w, true))
			return -1;
		bad_one(w->reason, sizeof(w->reason), "", &ev.ch,
			ev.ch.status.state, ev.ch.status.diag, false);
		w->quiet_since = 0;
		watch_say(w, "armed: %s", w->reason);
	}
	return watch_resync(w, nlh ? "event" : "events lost") ? -1 : 0;
}

/* While holding, look again every second: drops move no event. */
static int watch_wait_ms(void *arg)
{
	const struct watch *w = arg;

	return w->quiet_since ? WATCH_TICK_MS : -1;
}

static int watch_tick(void *arg)
{
	return watch_resync(arg, "hold") ? -1 : 0;
}

static int guard_watch_cmd(int argc, char **argv)
{
	uint32_t hold = WATCH_HOLD_DEFAULT_S;
	struct parse_error e;
	struct guard_info gi;
	struct hl_nl nl, ev;
	struct watch w;
	int ret = EXIT_ERROR;

	if (argc != 1 && !(argc == 3 && !strcmp(argv[1], "hold")))
		return usage_error("usage: guard watch DEV [hold SECS]");
	if (argc == 3 && parse_u32(argv[2], 0, 86400, &hold, &e))
		return invalid_arg("hold", argv[2], &e);
	if (check_dev(argv[0]))
		return EXIT_USAGE;
	pin_root_for_netns(false);
	if (guard_show(argv[0], &gi)) {
		errorf("guard watch %s: %s", argv[0], guard_error());
		return EXIT_ERROR;
	}
	/* Events on their own socket, so dumps never read them by mistake;
	 * joined before the first dump so no change falls in between. */
	if (hlnl_open(&ev))
		return EXIT_ERROR;
	if (hlnl_open(&nl)) {
		hlnl_close(&ev);
		return EXIT_ERROR;
	}
	w = (struct watch){ .nl = &nl, .dev = argv[0], .armed = -1,
			    .hold_ns = (uint64_t)hold * 1000000000ULL };
	if (events_subscribe(&ev, ev.grp_health != 0))
		goto out;
	if (watch_resync(&w, "start"))
		goto out;
	if (!events_run_timed(&ev, watch_event, watch_wait_ms, watch_tick, &w))
		ret = EXIT_OK;
out:
	hlnl_close(&nl);
	hlnl_close(&ev);
	return ret;
}

int cmd_guard(int argc, char **argv)
{
	const char *verb;

	if (argc < 2)
		return guard_show_cmd(0, NULL);
	verb = argv[1];
	argc -= 2;
	argv += 2;
	if (!strcmp(verb, "attach"))
		return guard_attach_cmd(argc, argv);
	if (!strcmp(verb, "detach"))
		return guard_detach_cmd(argc, argv);
	if (!strcmp(verb, "show"))
		return guard_show_cmd(argc, argv);
	if (!strcmp(verb, "sync"))
		return guard_sync_cmd(argc, argv);
	if (!strcmp(verb, "watch"))
		return guard_watch_cmd(argc, argv);
	return usage_error("unknown guard command \"%s\": use attach, detach, show, sync or watch",
			   verb);
}
