/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which path a channel's traffic takes, as a pure function of the paths'
 * states, so the host unit tests (selftests/unit/path_choice_test.c) run
 * the rule the module runs (kmod/path.c, under its path-set lock).
 *
 * Paths are given in preference order (index 0 most preferred). The rule:
 *   - the active path stays while it is up; a more preferred path that is
 *     up takes over once it has been up for the fail-back hold (never for
 *     a non-revertive channel); until then the caller is told how long to
 *     wait before asking again;
 *   - when the active path is not up (or there is none), the most
 *     preferred path that is up, at once; with none up, the most preferred
 *     degraded one; with none of either, none (-1): the main table.
 * A path in init or admin-down is not usable.
 */
#ifndef _HOTLINE_PATH_CHOICE_H
#define _HOTLINE_PATH_CHOICE_H

#include <linux/types.h>
#include <linux/hotline.h>

struct hl_path_state {
	__u8 state;		/* enum hotline_health_state */
	__u64 since_ns;		/* monotonic time it entered that state */
};

struct hl_choice {
	int pick;		/* index, -1 for none */
	__u8 reason;		/* enum hotline_switch_reason, when pick moved */
	__u64 wait_ns;		/* > 0: ask again after this long */
};

/*
 * @p: @n paths in preference order; @cur: the active index or -1; @config:
 * the paths were just reconfigured (a switch then says so).
 */
static inline void hl_path_choose(const struct hl_path_state *p, int n, int cur,
				  int nonrevertive, __u64 hold_ns, __u64 now,
				  int config, struct hl_choice *out)
{
	__u8 cur_state = HOTLINE_STATE_DOWN;
	int up = -1, deg = -1, i;

	out->wait_ns = 0;
	out->reason = HOTLINE_SWITCH_NONE;
	if (cur >= n)
		cur = -1;
	for (i = 0; i < n; i++) {
		if (i == cur)
			cur_state = p[i].state;
		if (p[i].state == HOTLINE_STATE_UP && up < 0)
			up = i;
		if (p[i].state == HOTLINE_STATE_DEGRADED && deg < 0)
			deg = i;
	}

	if (cur >= 0 && cur_state == HOTLINE_STATE_UP) {
		out->pick = cur;
		if (up >= 0 && up < cur && !nonrevertive) {
			/* a clock read before the change was stamped: not yet */
			__u64 held = now > p[up].since_ns ? now - p[up].since_ns : 0;

			if (held >= hold_ns) {
				out->pick = up;
				out->reason = HOTLINE_SWITCH_FAILBACK;
			} else {
				out->wait_ns = hold_ns - held;
			}
		}
	} else {
		out->pick = up >= 0 ? up : deg;
		if (cur < 0)
			out->reason = HOTLINE_SWITCH_UP;
		else if (cur_state == HOTLINE_STATE_DEGRADED)
			out->reason = HOTLINE_SWITCH_DEGRADED;
		else
			out->reason = HOTLINE_SWITCH_DOWN;
	}
	if (out->pick == cur)
		out->reason = HOTLINE_SWITCH_NONE;
	else if (config)
		out->reason = HOTLINE_SWITCH_CONFIG;
}

#endif /* _HOTLINE_PATH_CHOICE_H */
