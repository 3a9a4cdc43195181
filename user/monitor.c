// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `hotlinectl monitor [--count N]`: one line per event of the "config" and
 * "health" multicast groups, until SIGINT or SIGTERM (exit 0) or N events.
 *
 *   TIME config new|set|del NAME peer PREFIX [probe ADDR:PORT] [paths A,B]
 *   TIME health NAME OLD -> NEW diag DIAG rtt P50/P99 ms jitter J ms loss L%
 *   TIME health NAME path PATH OLD -> NEW diag DIAG rtt ... (one path's
 *        session: the channel's traffic moves only with a switch)
 *   TIME switch NAME FROM -> TO reason REASON   (FROM, TO: "none" is the
 *        main table; REASON up, down, degraded, failback, config)
 *   TIME warning: events were lost (receive buffer overrun)
 *
 * TIME is RFC 3339 UTC with milliseconds, taken when the event is read.
 * With -j, one JSON object per line:
 *   {"time": "...", "event": "config", "action": "new"|"set"|"del",
 *    "channel": {channel object of `channel show -j`}}
 *   {"time": "...", "event": "health", "id": 1, "name": "cert",
 *    "peer": "198.51.100.0/24", "old_state": "init", "state": "up",
 *    "diag": "none", "path": null | "isp-a",
 *    "status": {status object of `show -j`}}
 *   {"time": "...", "event": "switch", "id": 1, "name": "cert",
 *    "peer": "198.51.100.0/24", "from": "isp-a" | null, "to": null | "isp-b",
 *    "reason": "down", "status": {of the path switched to or from} | null}
 *   {"time": "...", "event": "overrun"}    events were lost; resync
 * stdout is flushed after every line: it is read through pipes and journals.
 *
 * The event loop is shared with `guard watch` (guard_cmd.c).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/genetlink.h>

#include "hotlinectl.h"
#include "nl.h"
#include "output.h"
#include "status.h"

#define EVENT_BUF_SIZE	((size_t)64 * 1024)
#define EVENT_RCVBUF	(1024 * 1024)

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

int events_subscribe(struct hl_nl *nl, bool health)
{
	int fd = mnl_socket_get_fd(nl->sk), rcvbuf = EVENT_RCVBUF;
	uint32_t grps[2] = { nl->grp_config, health ? nl->grp_health : 0 };
	size_t i;

	if (!nl->grp_config) {
		errorf("the hotline module has no \"%s\" multicast group",
		       HOTLINE_MCGRP_CONFIG);
		return -1;
	}
	if (health && !nl->grp_health) {
		errorf("the hotline module has no \"%s\" multicast group",
		       HOTLINE_MCGRP_HEALTH);
		return -1;
	}
	/* a burst of changes should not overrun us; best effort */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	for (i = 0; i < 2; i++) {
		if (!grps[i])
			continue;
		if (mnl_socket_setsockopt(nl->sk, NETLINK_ADD_MEMBERSHIP,
					  &grps[i], sizeof(grps[i])) < 0) {
			errorf("cannot join the hotline multicast group %u: %s",
			       grps[i], strerror(errno));
			return -1;
		}
	}
	return 0;
}

int events_run(struct hl_nl *nl, events_fn fn, void *arg)
{
	return events_run_timed(nl, fn, NULL, NULL, arg);
}

int events_run_timed(struct hl_nl *nl, events_fn fn, events_wait_fn wait_ms,
		     events_wait_fn timeout, void *arg)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct pollfd pfd = { .fd = mnl_socket_get_fd(nl->sk), .events = POLLIN };
	sigset_t block, during;
	char *buf = malloc(EVENT_BUF_SIZE);
	int ret = 0;

	if (!buf) {
		errorf("out of memory");
		return -1;
	}
	/* Signals are only delivered inside ppoll(): no lost wake-up. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &during);
	sigdelset(&during, SIGINT);
	sigdelset(&during, SIGTERM);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	while (!stop_signal && ret == 0) {
		const struct nlmsghdr *nlh;
		struct timespec ts, *tsp = NULL;
		int ms = wait_ms ? wait_ms(arg) : -1, r;
		ssize_t n;
		int len;

		if (ms >= 0) {
			ts.tv_sec = ms / 1000;
			ts.tv_nsec = (long)(ms % 1000) * 1000000;
			tsp = &ts;
		}
		r = ppoll(&pfd, 1, tsp, &during);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			errorf("waiting for events: %s", strerror(errno));
			ret = -1;
			break;
		}
		if (r == 0) {
			ret = timeout ? timeout(arg) : 0;
			continue;
		}
		n = recv(pfd.fd, buf, EVENT_BUF_SIZE, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				ret = fn(NULL, arg);
				continue;
			}
			errorf("reading events: %s", strerror(errno));
			ret = -1;
			break;
		}
		len = (int)n;
		for (nlh = (const void *)buf; ret == 0 && mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			/* events come from the kernel (port 0), in our family */
			if (nlh->nlmsg_pid != 0 || nlh->nlmsg_type != nl->family)
				continue;
			ret = fn(nlh, arg);
		}
	}
	free(buf);
	return ret < 0 ? -1 : 0;
}

/* ---- monitor ---- */

struct monitor {
	unsigned long count, seen;
};

static const char *config_action(uint8_t cmd)
{
	switch (cmd) {
	case HOTLINE_CMD_CHANNEL_NEW: return "new";
	case HOTLINE_CMD_CHANNEL_SET: return "set";
	case HOTLINE_CMD_CHANNEL_DEL: return "del";
	}
	return NULL;
}

static json_object *event_json(const char *time, const char *event)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "time", json_object_new_string(time));
	json_object_object_add(o, "event", json_object_new_string(event));
	return o;
}

static void print_config(const char *time, const char *action,
			 const struct hl_channel *ch)
{
	char peer[HL_FMT_MAX], probe[HL_FMT_MAX];
	unsigned int i;

	if (opts.json) {
		json_object *o = event_json(time, "config");

		json_object_object_add(o, "action", json_object_new_string(action));
		json_object_object_add(o, "channel", channel_json(ch));
		json_print(stdout, o);
		return;
	}
	printf("%s config %s %s peer %s", time, action, ch->name,
	       format_prefix(&ch->peer, peer));
	if ((ch->has & HL_HAS_HEALTH) && (ch->health.has & HL_H_PROBE))
		printf(" probe %s", format_probe(&ch->health.probe, probe));
	for (i = 0; i < ch->npaths; i++)
		printf("%s%s", i ? "," : " paths ", ch->paths[i].name);
	putchar('\n');
}

/* The members every health group event starts with. */
static json_object *channel_event_json(const char *time, const char *event,
				       const struct hl_channel *ch)
{
	json_object *o = event_json(time, event);
	char peer[HL_FMT_MAX];

	json_object_object_add(o, "id", json_object_new_int64(ch->id));
	json_object_object_add(o, "name", json_object_new_string(ch->name));
	json_object_object_add(o, "peer",
			       json_object_new_string(format_prefix(&ch->peer, peer)));
	return o;
}

static json_object *name_or_null(const char *name)
{
	return name[0] ? json_object_new_string(name) : NULL;
}

static void print_switch(const char *time, const struct hl_health_event *ev)
{
	const struct hl_switch *sw = &ev->sw;

	if (opts.json) {
		json_object *o = channel_event_json(time, "switch", &ev->ch);

		json_object_object_add(o, "from", name_or_null(sw->from));
		json_object_object_add(o, "to", name_or_null(sw->to));
		json_object_object_add(o, "reason", json_object_new_string(
					       switch_reason_name(sw->reason)));
		json_object_object_add(o, "status", (ev->ch.has & HL_HAS_STATUS) ?
				       status_json(&ev->ch.status) : NULL);
		json_print(stdout, o);
		return;
	}
	printf("%s switch %s %s -> %s reason %s\n", time, ev->ch.name,
	       sw->from[0] ? sw->from : "none", sw->to[0] ? sw->to : "none",
	       switch_reason_name(sw->reason));
}

static void print_health(const char *time, const struct hl_health_event *ev)
{
	const struct hl_status *s = &ev->ch.status;
	char p50[HL_STATUS_FMT_MAX], p99[HL_STATUS_FMT_MAX];
	char jit[HL_STATUS_FMT_MAX], loss[HL_STATUS_FMT_MAX];
	char sil[HL_STATUS_FMT_MAX];

	if (opts.json) {
		json_object *o = channel_event_json(time, "health", &ev->ch);

		json_object_object_add(o, "old_state", json_object_new_string(
					       health_state_name(ev->old_state)));
		json_object_object_add(o, "state", json_object_new_string(
					       health_state_name(s->state)));
		json_object_object_add(o, "diag", json_object_new_string(
					       health_diag_name(s->diag)));
		json_object_object_add(o, "path", name_or_null(ev->path));
		json_object_object_add(o, "status", status_json(s));
		json_print(stdout, o);
		return;
	}
	printf("%s health %s%s%s %s -> %s diag %s rtt %s/%s ms jitter %s ms loss %s%%",
	       time, ev->ch.name, ev->path[0] ? " path " : "", ev->path,
	       health_state_name(ev->old_state),
	       health_state_name(s->state), health_diag_name(s->diag),
	       format_ms(s->rtt_p50, p50), format_ms(s->rtt_p99, p99),
	       format_ms(s->jitter, jit), format_loss_pct(s->loss_ppm, loss));
	/* how long it had been silent: the detection time, or a late host */
	if (s->state == HOTLINE_STATE_DOWN &&
	    ev->old_state != HOTLINE_STATE_ADMIN_DOWN && s->silence_ns)
		printf(" silent %s ms", format_ms(s->silence_ns, sil));
	putchar('\n');
}

static int monitor_event(const struct nlmsghdr *nlh, void *arg)
{
	struct monitor *m = arg;
	char time[HL_STATUS_FMT_MAX];
	struct parse_error e;
	const struct genlmsghdr *g;
	const char *action;

	format_time(realtime_ns(), time);
	if (!nlh) {
		if (opts.json)
			json_print(stdout, event_json(time, "overrun"));
		else
			printf("%s warning: events were lost (receive buffer overrun)\n",
			       time);
		/* a write error stays on stdout; the next write meets it too */
		(void)fflush(stdout);
		return 0;
	}
	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return 0;
	g = mnl_nlmsg_get_payload(nlh);
	action = config_action(g->cmd);
	if (action) {
		struct hl_channel ch;

		if (channel_decode(nlh, &ch, &e)) {
			errorf("warning: a malformed config event: %s", e.why);
			return 0;
		}
		print_config(time, action, &ch);
	} else if (g->cmd == HOTLINE_CMD_HEALTH_EVENT) {
		struct hl_health_event ev;

		if (health_event_decode(nlh, &ev, &e)) {
			errorf("warning: a malformed health event: %s", e.why);
			return 0;
		}
		if (ev.is_switch)
			print_switch(time, &ev);
		else
			print_health(time, &ev);
	} else {
		return 0;	/* a command of a newer module */
	}
	(void)fflush(stdout);	/* errors: as above */
	m->seen++;
	return m->count && m->seen >= m->count ? 1 : 0;
}

int cmd_monitor(int argc, char **argv)
{
	struct monitor m = { 0 };
	struct parse_error e;
	struct hl_nl nl;
	uint32_t n;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--count") || !strcmp(argv[i], "count")) {
			if (i + 1 >= argc)
				return usage_error("%s needs a number of events", argv[i]);
			if (parse_u32(argv[i + 1], 1, UINT32_MAX, &n, &e))
				return invalid_arg(argv[i], argv[i + 1], &e);
			m.count = n;
			i++;
		} else {
			return usage_error("unknown monitor argument \"%s\": usage: monitor [--count N]",
					   argv[i]);
		}
	}
	if (hlnl_open(&nl))
		return EXIT_ERROR;
	/* health events are optional: an older module only has config */
	ret = events_subscribe(&nl, nl.grp_health != 0);
	if (!ret)
		ret = events_run(&nl, monitor_event, &m);
	hlnl_close(&nl);
	return ret ? EXIT_ERROR : EXIT_OK;
}
