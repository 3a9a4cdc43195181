/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Link health as hotlinectl reports it: the words for states and
 * diagnostics, the formatting of times, RTTs and loss, the JSON of a
 * health status, and the decoding of the "health" multicast event.
 * Everything here is a pure function (status.c), so the unit tests and
 * fuzzers use it without a kernel.
 *
 * The commands built on it are declared at the end (show.c, monitor.c,
 * stats.c, guard_cmd.c).
 */
#ifndef HOTLINECTL_STATUS_H
#define HOTLINECTL_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "channel.h"

/* "admin-down", "down", "init", "up", "degraded"; "?" beyond the enum */
const char *health_state_name(uint8_t state);
/* "none", "detect-expired", "auth-failures", "admin-down",
 * "peer-unreachable", "threshold" */
const char *health_diag_name(uint8_t diag);

/* "none", "up", "down", "degraded", "failback", "config"; "?" beyond */
const char *switch_reason_name(uint8_t reason);

/* The channel reports a health status (it has probing configured). */
bool channel_has_status(const struct hl_channel *ch);

/*
 * The state of the channel as its traffic sees it. Without paths, its
 * session's. With paths, the active path's; with none active (the traffic
 * has no path: main table) the best of the paths' states, which is down
 * when every path is down: the status the kernel reports then is the most
 * preferred path's, which alone says nothing about the channel.
 */
uint8_t channel_state(const struct hl_channel *ch);

/* Down or degraded: the states that arm the guard in auto mode. */
bool health_state_is_bad(uint8_t state);

#define HL_STATUS_FMT_MAX 32

/*
 * Milliseconds with 3 significant digits, no unit: 1234567 ns "1.23",
 * 12345678 ns "12.3", 123456789 ns "123", 0 "0", 45000 ns "0.045".
 */
char *format_ms(uint64_t ns, char *buf);
/* Percent from parts per million, up to 3 decimals: 250 ppm "0.025" */
char *format_loss_pct(uint32_t ppm, char *buf);
/* A duration as people read it: "45s", "3m12s", "2h05m", "3d04h";
 * "-" for a time in the future (clock stepped back) or never (0). */
char *format_ago(uint64_t now_ns, uint64_t then_ns, char *buf);
/* RFC 3339 UTC with milliseconds: 2026-11-26T22:13:32.123Z */
char *format_time(uint64_t realtime_ns, char *buf);

/* CLOCK_REALTIME now, in ns. */
uint64_t realtime_ns(void);

/* The "status" object of `show -j` (field names in status.c). */
json_object *status_json(const struct hl_status *s);

/*
 * A HOTLINE_CMD_HEALTH_EVENT, decoded like a channel (channel_decode())
 * plus one of three kinds:
 *   the channel's session changed: status (with its state) and OLD_STATE
 *       required;
 *   a path's session changed (path set): the same, about that path only;
 *       the channel's traffic may not have noticed;
 *   the active path switched (is_switch): SWITCH required, no OLD_STATE
 *       needed, the status (of the path switched to, or from) optional.
 * Returns 0 or -1 with the reason in e.
 */
struct hl_health_event {
	struct hl_channel ch;
	uint8_t old_state;
	char path[HOTLINE_PATH_NAME_MAX + 1];	/* "": the channel's session */
	bool is_switch;
	struct hl_switch sw;
};

int health_event_decode(const struct nlmsghdr *nlh, struct hl_health_event *ev,
			struct parse_error *e);

/* ---- commands (need nl.c) ---- */

struct hl_nl;

struct hl_channel_list {
	struct hl_channel *v;
	size_t n, cap;
};

/*
 * Reads one channel (name) or all; prints why not and returns a negative
 * errno. The list is replaced; free l->v when done.
 */
int channels_fetch(struct hl_nl *nl, const char *name, struct hl_channel_list *l);

/*
 * Events of the multicast groups (monitor.c). events_subscribe() joins
 * "config", and "health" too when asked; events_run() calls fn for every
 * hotline message the kernel multicasts, with nlh NULL when the socket
 * overran (events were lost: resync), until SIGINT/SIGTERM (returns 0),
 * fn returns 1 (0) or fails (-1, fn said why).
 */
typedef int (*events_fn)(const struct nlmsghdr *nlh, void *arg);
int events_subscribe(struct hl_nl *nl, bool health);
int events_run(struct hl_nl *nl, events_fn fn, void *arg);

/*
 * events_run() with a timer: before each wait, wait_ms(arg) says how long
 * to wait at most (negative: no limit); when that time passes with no
 * event, timeout(arg) is called, and its result counts as fn's does.
 */
typedef int (*events_wait_fn)(void *arg);
int events_run_timed(struct hl_nl *nl, events_fn fn, events_wait_fn wait_ms,
		     events_wait_fn timeout, void *arg);

int cmd_show(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_guard(int argc, char **argv);

#endif
