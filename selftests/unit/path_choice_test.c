// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host unit tests for the failover rule (include/hotline/path_choice.h),
 * the header kmod/path.c compiles: every state of the active path against
 * every state of the others, the fail-back hold to the nanosecond,
 * non-revertive channels, and switches made by a reconfiguration.
 */
#include <stdio.h>
#include <stdint.h>
#include <hotline/path_choice.h>
#include "check.h"

#define UP	HOTLINE_STATE_UP
#define DOWN	HOTLINE_STATE_DOWN
#define DEG	HOTLINE_STATE_DEGRADED
#define INIT	HOTLINE_STATE_INIT
#define ADMIN	HOTLINE_STATE_ADMIN_DOWN

#define SEC	1000000000ULL
#define HOLD	(5 * SEC)
#define NOW	(100 * SEC)

static const char *const reasons[] = { "none", "up", "down", "degraded", "failback", "config" };

/* choose over paths whose states are @s (all in that state for 60 s) */
static struct hl_choice run(const __u8 *s, int n, int cur, int nonrev, int config)
{
	struct hl_path_state p[HOTLINE_PATHS_MAX];
	struct hl_choice c;
	int i;

	for (i = 0; i < n; i++) {
		p[i].state = s[i];
		p[i].since_ns = NOW - 60 * SEC;
	}
	hl_path_choose(p, n, cur, nonrev, HOLD, NOW, config, &c);
	return c;
}

static void expect(const char *name, const __u8 *s, int n, int cur, int pick, __u8 reason)
{
	struct hl_choice c = run(s, n, cur, 0, 0);

	CHECK(name, c.pick == pick && c.reason == reason && !c.wait_ns,
	      "picked %d (%s, wait %llu), want %d (%s)", c.pick, reasons[c.reason],
	      (unsigned long long)c.wait_ns, pick, reasons[reason]);
}

static void test_states(void)
{
	expect("none active, first up taken", (__u8[]){ UP, UP }, 2, -1, 0, HOTLINE_SWITCH_UP);
	expect("none active, a less preferred up taken at once", (__u8[]){ DOWN, UP }, 2, -1, 1,
	       HOTLINE_SWITCH_UP);
	expect("none up, none degraded: none", (__u8[]){ DOWN, INIT, ADMIN }, 3, -1, -1,
	       HOTLINE_SWITCH_NONE);
	expect("init is not usable", (__u8[]){ INIT, DOWN }, 2, -1, -1, HOTLINE_SWITCH_NONE);
	expect("active up stays", (__u8[]){ UP, UP }, 2, 0, 0, HOTLINE_SWITCH_NONE);
	expect("active down: the next up", (__u8[]){ DOWN, UP }, 2, 0, 1, HOTLINE_SWITCH_DOWN);
	expect("active down: up beats degraded", (__u8[]){ DOWN, DEG, UP }, 3, 0, 2,
	       HOTLINE_SWITCH_DOWN);
	expect("active down: the most preferred up", (__u8[]){ UP, DOWN, UP }, 3, 1, 0,
	       HOTLINE_SWITCH_DOWN);
	expect("active degraded, another up: moves", (__u8[]){ DEG, UP }, 2, 0, 1,
	       HOTLINE_SWITCH_DEGRADED);
	expect("both degraded: the more preferred", (__u8[]){ DEG, DEG }, 2, 1, 0,
	       HOTLINE_SWITCH_DEGRADED);
	expect("active degraded, the only usable: stays", (__u8[]){ DOWN, DEG }, 2, 1, 1,
	       HOTLINE_SWITCH_NONE);
	expect("all down: none", (__u8[]){ DOWN, DOWN }, 2, 0, -1, HOTLINE_SWITCH_DOWN);
	expect("active degraded goes down, none left: none", (__u8[]){ DOWN, DOWN }, 2, 1, -1,
	       HOTLINE_SWITCH_DOWN);
	expect("active up, more preferred degraded: stays", (__u8[]){ DEG, UP }, 2, 1, 1,
	       HOTLINE_SWITCH_NONE);
	expect("active up, a more preferred one up past the hold: back", (__u8[]){ UP, UP, UP }, 3, 1, 0,
	       HOTLINE_SWITCH_FAILBACK);
	expect("an index past the paths counts as none", (__u8[]){ UP }, 1, 5, 0,
	       HOTLINE_SWITCH_UP);
	expect("no paths: none", (__u8[]){ UP }, 0, -1, -1, HOTLINE_SWITCH_NONE);
}

static void test_hold(void)
{
	struct hl_path_state p[2] = { { UP, NOW - HOLD + 1 }, { UP, NOW - 60 * SEC } };
	struct hl_choice c;

	hl_path_choose(p, 2, 1, 0, HOLD, NOW, 0, &c);
	CHECK("fail-back waits 1 ns short of the hold", c.pick == 1 && c.wait_ns == 1,
	      "picked %d, wait %llu", c.pick, (unsigned long long)c.wait_ns);
	p[0].since_ns = NOW - HOLD;
	hl_path_choose(p, 2, 1, 0, HOLD, NOW, 0, &c);
	CHECK("fail-back at the hold", c.pick == 0 && c.reason == HOTLINE_SWITCH_FAILBACK &&
	      !c.wait_ns, "picked %d (%s)", c.pick, reasons[c.reason]);
	p[0].since_ns = NOW;
	hl_path_choose(p, 2, 1, 0, HOLD, NOW, 0, &c);
	CHECK("just up: wait the whole hold", c.pick == 1 && c.wait_ns == HOLD,
	      "picked %d, wait %llu", c.pick, (unsigned long long)c.wait_ns);
	p[0].since_ns = NOW + 5;	/* stamped after our clock read */
	hl_path_choose(p, 2, 1, 0, HOLD, NOW, 0, &c);
	CHECK("a since after now is held 0", c.pick == 1 && c.wait_ns == HOLD,
	      "picked %d, wait %llu", c.pick, (unsigned long long)c.wait_ns);
	p[0].since_ns = NOW;
	hl_path_choose(p, 2, 1, 0, 0, NOW, 0, &c);
	CHECK("hold 0: back at once", c.pick == 0 && c.reason == HOTLINE_SWITCH_FAILBACK,
	      "picked %d", c.pick);
	p[1].state = DOWN;
	hl_path_choose(p, 2, 1, 0, HOLD, NOW, 0, &c);
	CHECK("active down: a preferred path just up is taken without the hold",
	      c.pick == 0 && c.reason == HOTLINE_SWITCH_DOWN && !c.wait_ns,
	      "picked %d (%s), wait %llu", c.pick, reasons[c.reason],
	      (unsigned long long)c.wait_ns);
}

static void test_nonrevertive(void)
{
	struct hl_choice c = run((__u8[]){ UP, UP }, 2, 1, 1, 0);

	CHECK("non-revertive: stays on the active path while it is up",
	      c.pick == 1 && !c.wait_ns, "picked %d, wait %llu", c.pick,
	      (unsigned long long)c.wait_ns);
	c = run((__u8[]){ UP, DOWN }, 2, 1, 1, 0);
	CHECK("non-revertive: leaves a path that went down", c.pick == 0 &&
	      c.reason == HOTLINE_SWITCH_DOWN, "picked %d", c.pick);
}

static void test_config(void)
{
	struct hl_choice c = run((__u8[]){ UP, UP }, 2, 1, 0, 1);

	CHECK("reconfigured: a switch says config", c.pick == 0 &&
	      c.reason == HOTLINE_SWITCH_CONFIG, "picked %d (%s)", c.pick, reasons[c.reason]);
	c = run((__u8[]){ UP, UP }, 2, 0, 0, 1);
	CHECK("reconfigured, no switch: reason none", c.pick == 0 &&
	      c.reason == HOTLINE_SWITCH_NONE, "picked %d (%s)", c.pick, reasons[c.reason]);
}

int main(void)
{
	test_states();
	test_hold();
	test_nonrevertive();
	test_config();
	return failures ? 1 : 0;
}
