// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host unit tests for the STAMP wire format (include/hotline/stamp.h) and
 * the health engine's arithmetic (include/hotline/health_math.h): the same
 * headers hotline.ko compiles.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <hotline/stamp.h>
#include <hotline/health_math.h>
#include "check.h"

static void test_ntp(void)
{
	uint64_t t = stamp_ntp_from_unix(0, 0);
	uint64_t half = stamp_ntp_from_unix(1700000000, 500000000);
	uint64_t a, b;
	int64_t d;
	uint32_t ns;
	int ok = 1;

	CHECK("ntp_epoch", t == (uint64_t)2208988800U << 32,
	      "unix 0 gave %#llx", (unsigned long long)t);
	CHECK("ntp_half_second", (uint32_t)half == 0x80000000U &&
	      half >> 32 == 1700000000ULL + 2208988800ULL,
	      "got %#llx", (unsigned long long)half);
	for (ns = 0; ns < 1000000000U; ns += 999983) {
		uint32_t back = stamp_ntp_frac_ns(stamp_ntp_from_unix(5, ns));

		if (back > ns || ns - back > 1)
			ok = 0;
	}
	CHECK("ntp_frac_roundtrip", ok, "nanoseconds not kept within 1 ns");
	a = stamp_ntp_from_unix(1000, 250000000);
	b = stamp_ntp_from_unix(998, 750000000);
	d = stamp_ntp_diff_ns(a, b);
	CHECK("ntp_diff", d >= 1499999999 && d <= 1500000001,
	      "1.5 s gave %lld ns", (long long)d);
	CHECK("ntp_diff_negative", stamp_ntp_diff_ns(b, a) == -d,
	      "not antisymmetric");
	/* 2036-02-07 06:28:16 UTC is where NTP era 0 wraps */
	a = stamp_ntp_from_unix(2085978496ULL + 1, 0);
	b = stamp_ntp_from_unix(2085978496ULL - 1, 0);
	d = stamp_ntp_diff_ns(a, b);
	CHECK("ntp_era_rollover", (a >> 32) == 1 && d == 2000000000LL,
	      "across 2036 got sec %llu diff %lld",
	      (unsigned long long)(a >> 32), (long long)d);
}

static int all_zero(const uint8_t *p, int from, int to)
{
	for (; from < to; from++)
		if (p[from])
			return 0;
	return 1;
}

/* Field by field: the struct has padding, which memcmp() would compare too. */
static int view_eq(const struct stamp_view *a, const struct stamp_view *b)
{
	return a->seq == b->seq && a->ts == b->ts && a->err == b->err &&
	       a->rx_ts == b->rx_ts && a->sender_seq == b->sender_seq &&
	       a->sender_ts == b->sender_ts && a->sender_err == b->sender_err &&
	       a->sender_ttl == b->sender_ttl;
}

static void test_layout(void)
{
	struct stamp_view v = {
		.seq = 0x01020304, .ts = 0x1112131415161718ULL, .err = 0x2122,
		.rx_ts = 0x3132333435363738ULL, .sender_seq = 0x41424344,
		.sender_ts = 0x5152535455565758ULL, .sender_err = 0x6162,
		.sender_ttl = 0x71,
	};
	struct stamp_view p;
	uint8_t pkt[STAMP_AUTH_LEN];

	memset(pkt, 0xee, sizeof(pkt));
	stamp_build(pkt, 0, 0, &v);
	CHECK("sender_unauth_layout", pkt[0] == 1 && pkt[3] == 4 &&
	      pkt[4] == 0x11 && pkt[11] == 0x18 && pkt[12] == 0x21 &&
	      pkt[13] == 0x22 && all_zero(pkt, 14, 44) && pkt[44] == 0xee,
	      "bytes misplaced or MBZ not zero");
	CHECK("sender_unauth_not_reflected", !stamp_is_reflected(pkt, 0),
	      "a test packet looked reflected");

	memset(pkt, 0xee, sizeof(pkt));
	stamp_build(pkt, 1, 0, &v);
	CHECK("sender_auth_layout", pkt[3] == 4 && all_zero(pkt, 4, 16) &&
	      pkt[16] == 0x11 && pkt[23] == 0x18 && pkt[24] == 0x21 &&
	      all_zero(pkt, 26, 112),
	      "bytes misplaced or MBZ not zero");
	CHECK("sender_auth_not_reflected", !stamp_is_reflected(pkt, 1),
	      "a test packet looked reflected");

	memset(pkt, 0xee, sizeof(pkt));
	stamp_build(pkt, 0, 1, &v);
	CHECK("reflector_unauth_layout", pkt[12] == 0x21 &&
	      all_zero(pkt, 14, 16) && pkt[16] == 0x31 && pkt[23] == 0x38 &&
	      pkt[24] == 0x41 && pkt[28] == 0x51 && pkt[36] == 0x61 &&
	      all_zero(pkt, 38, 40) && pkt[40] == 0x71 &&
	      all_zero(pkt, 41, 44),
	      "bytes misplaced or MBZ not zero");
	stamp_parse(pkt, 0, &p);
	CHECK("reflector_unauth_roundtrip", view_eq(&p, &v) &&
	      stamp_is_reflected(pkt, 0), "parse(build(v)) != v");

	memset(pkt, 0xee, sizeof(pkt));
	stamp_build(pkt, 1, 1, &v);
	CHECK("reflector_auth_layout", all_zero(pkt, 4, 16) &&
	      pkt[16] == 0x11 && pkt[24] == 0x21 && all_zero(pkt, 26, 32) &&
	      pkt[32] == 0x31 && all_zero(pkt, 40, 48) && pkt[48] == 0x41 &&
	      all_zero(pkt, 52, 64) && pkt[64] == 0x51 && pkt[72] == 0x61 &&
	      all_zero(pkt, 74, 80) && pkt[80] == 0x71 &&
	      all_zero(pkt, 81, 112),
	      "bytes misplaced or MBZ not zero");
	stamp_parse(pkt, 1, &p);
	CHECK("reflector_auth_roundtrip", view_eq(&p, &v) &&
	      stamp_is_reflected(pkt, 1), "parse(build(v)) != v");
}

static void test_probes(void)
{
	static struct hl_probes p;
	const uint64_t ms = 1000000, detect = 30 * ms;
	__u64 t1 = 0;
	uint32_t s;
	int i;

	hl_probes_init(&p, 0);
	for (i = 0; i < 10; i++)
		hl_probes_sent(&p, i * 10 * ms, 1000 + i);
	CHECK("reply_ok", hl_probes_reply(&p, 0, 1000, &t1) == HL_REPLY_OK &&
	      t1 == 0, "first reply not OK");
	CHECK("reply_echo_mismatch",
	      hl_probes_reply(&p, 1, 9999, &t1) == HL_REPLY_UNKNOWN,
	      "a wrong echoed timestamp was accepted");
	CHECK("reply_future", hl_probes_reply(&p, 10, 1010, &t1) ==
	      HL_REPLY_UNKNOWN, "a never-sent sequence number was accepted");
	CHECK("reply_ok_later", hl_probes_reply(&p, 3, 1003, &t1) ==
	      HL_REPLY_OK && t1 == 30 * ms, "seq 3 not OK");
	CHECK("reply_reordered", hl_probes_reply(&p, 2, 1002, &t1) ==
	      HL_REPLY_REORDERED && p.reordered == 1, "seq 2 after 3");
	CHECK("reply_duplicate", hl_probes_reply(&p, 3, 1003, &t1) ==
	      HL_REPLY_DUPLICATE && p.duplicates == 1, "seq 3 twice");
	/* at 60 ms probes 0..3 are older than 30 ms; 1 is still unanswered */
	s = hl_probes_expire(&p, 60 * ms, detect);
	CHECK("expire_declares_lost", s == 1 && p.lost == 1,
	      "declared %u lost, want 1", s);
	CHECK("next_expiry", hl_probes_next_expiry(&p, detect, &t1) &&
	      t1 == 40 * ms + detect, "oldest outstanding is seq 4, sent at 40 ms");
	CHECK("overdue", hl_probes_overdue(&p, 69 * ms, detect) == 0 &&
	      hl_probes_overdue(&p, 70 * ms, detect) == 1 &&
	      hl_probes_overdue(&p, 70 * ms, detect) == 0,
	      "seq 4 (sent at 40 ms) is overdue from 70 ms on, once");
	CHECK("next_expiry_after_overdue", hl_probes_next_expiry(&p, detect, &t1) &&
	      t1 == 50 * ms + detect,
	      "the next to judge is seq 5, sent at 50 ms, not the overdue seq 4");
	CHECK("reply_late", hl_probes_reply(&p, 1, 1001, &t1) == HL_REPLY_LATE &&
	      p.late == 1 && t1 == 10 * ms,
	      "a reply after the loss timeout is late, with its probe's T1");
	CHECK("reply_late_once", hl_probes_reply(&p, 1, 1001, &t1) ==
	      HL_REPLY_LATE && p.late == 2 && t1 == 0,
	      "a replayed late reply taught the RTT again");
	CHECK("loss_window", hl_probes_window(&p) == 4 &&
	      hl_probes_loss_ppm(&p) == 250000,
	      "window %u loss %u ppm, want 4 and 250000",
	      hl_probes_window(&p), hl_probes_loss_ppm(&p));
	CHECK("recv_count", p.recv == 3 && p.sent == 10, "recv %llu sent %llu",
	      (unsigned long long)p.recv, (unsigned long long)p.sent);
	hl_probes_window_restart(&p);
	CHECK("window_restart_forgets_losses", hl_probes_window(&p) == 3 &&
	      hl_probes_loss_ppm(&p) == 0 && p.lost == 1,
	      "window %u loss %u ppm lost %llu, want 3, 0 and 1",
	      hl_probes_window(&p), hl_probes_loss_ppm(&p),
	      (unsigned long long)p.lost);
	s = hl_probes_expire(&p, 200 * ms, detect);
	CHECK("window_restart_keeps_counting", s == 6 &&
	      hl_probes_loss_ppm(&p) == 666666,
	      "declared %u lost, loss %u ppm, want 6 and 666666", s,
	      hl_probes_loss_ppm(&p));

	/* the loss ratio slides: 300 more probes, all answered */
	hl_probes_init(&p, 0xfffffff0U);	/* and wraps the sequence */
	for (i = 0; i < 300; i++) {
		uint32_t seq = hl_probes_sent(&p, i * ms, i);

		hl_probes_expire(&p, i * ms, detect);
		if (i >= 40 || i % 2)
			hl_probes_reply(&p, seq, i, &t1);
	}
	hl_probes_expire(&p, 1000 * ms, detect);
	CHECK("loss_window_slides", p.lost == 20 &&
	      hl_probes_window(&p) == HL_WINDOW &&
	      hl_probes_loss_ppm(&p) == 0,
	      "lost %llu, window %u, loss %u ppm (old losses must age out)",
	      (unsigned long long)p.lost, hl_probes_window(&p),
	      hl_probes_loss_ppm(&p));
	CHECK("reply_too_old", hl_probes_reply(&p, 0xfffffff0U, 0, &t1) ==
	      HL_REPLY_LATE && t1 == 0,
	      "a reply older than the window was accepted");
}

/*
 * A path slower than its detection time: 25 ms each way (RTT 50 ms)
 * probed every 10 ms x 3, run the way kmod/health.c runs the engine.
 * Its replies must all count once the first late one taught the RTT,
 * the session must come up and stay up, and a cut must still be
 * detected the detection time after the last reply, not the (longer)
 * loss timeout after it.
 */
static void test_slow_path(void)
{
	static struct hl_probes p;
	static struct hl_rtt r;
	const uint64_t ms = 1000000, detect = 30 * ms, rtt = 50 * ms;
	/* the clock starts at 1 s: a T1 of 0 means "not held" */
	const uint64_t cap = 128 * 10 * ms, t0 = 1000 * ms, cut = t0 + 2000 * ms;
	struct hl_thresholds thr = { 0 };
	uint64_t now, last_valid = 0, down_at = 0, lost_before_cut = 0;
	uint32_t seq, ok = 0, late_learnt = 0, state_at_cut = 0;
	struct hl_fsm f;
	__u64 t1;

	hl_probes_init(&p, 0);
	hl_rtt_init(&r);
	hl_fsm_init(&f);
	for (now = t0; now < t0 + 3000 * ms && !down_at; now += ms) {
		/* replies to the probes sent RTT ago (none from the cut on) */
		if (now >= t0 + rtt && now % (10 * ms) == 0 &&
		    now - rtt < cut - rtt / 2) {
			seq = (uint32_t)((now - rtt - t0) / (10 * ms));
			switch (hl_probes_reply(&p, seq, seq, &t1)) {
			case HL_REPLY_OK:
			case HL_REPLY_REORDERED: {
				struct hl_metrics m = {
					.loss_ppm = hl_probes_loss_ppm(&p),
					.window = hl_probes_window(&p),
				};

				hl_rtt_add(&r, now - t1);
				hl_fsm_reply(&f, &thr, &m);
				last_valid = now;
				ok++;
				break;
			}
			case HL_REPLY_LATE:
				if (t1) {
					hl_rtt_add(&r, now - t1);
					late_learnt++;
				}
				break;
			default:
				break;
			}
		}
		hl_fsm_lost(&f, hl_probes_expire(&p, now,
						 hl_loss_timeout_ns(&r, detect, cap)));
		if (now == cut) {
			lost_before_cut = p.lost;
			state_at_cut = f.state;
		}
		hl_fsm_overdue(&f, hl_probes_overdue(&p, now, detect));
		if (f.state != HOTLINE_STATE_DOWN && now - last_valid >= detect &&
		    hl_fsm_expired(&f))
			down_at = now;
		if (now % (10 * ms) == 0)
			hl_probes_sent(&p, now, (now - t0) / (10 * ms));
	}
	CHECK("slow_path_loss_timeout", hl_loss_timeout_ns(&r, detect, cap) ==
	      2 * rtt && hl_loss_timeout_ns(&r, 200 * ms, cap) == 200 * ms &&
	      hl_loss_timeout_ns(&r, detect, 60 * ms) == 60 * ms,
	      "loss timeout %llu ms, want twice the RTT",
	      (unsigned long long)(hl_loss_timeout_ns(&r, detect, cap) / ms));
	CHECK("slow_path_learns", late_learnt == 2 && lost_before_cut == 2,
	      "%u late replies taught the RTT, %llu probes lost before the cut",
	      late_learnt, (unsigned long long)lost_before_cut);
	CHECK("slow_path_up", state_at_cut == HOTLINE_STATE_UP && ok > 180,
	      "state %u at the cut after %u valid replies", state_at_cut, ok);
	CHECK("slow_path_detects", down_at == last_valid + detect,
	      "down at %llu ms, last reply at %llu ms: want detect-time after",
	      (unsigned long long)(down_at / ms),
	      (unsigned long long)(last_valid / ms));
}

static void test_rtt(void)
{
	static struct hl_rtt r;
	struct hl_rtt_stats st;
	int i;

	hl_rtt_init(&r);
	for (i = 100; i >= 1; i--)
		hl_rtt_add(&r, i * 1000);
	hl_rtt_stats(&r, &st);
	CHECK("rtt_percentiles", st.min == 1000 && st.max == 100000 &&
	      st.p50 == 50000 && st.p90 == 90000 && st.p99 == 99000 &&
	      st.mean == 50500, "min %llu max %llu p50 %llu p90 %llu p99 %llu mean %llu",
	      (unsigned long long)st.min, (unsigned long long)st.max,
	      (unsigned long long)st.p50, (unsigned long long)st.p90,
	      (unsigned long long)st.p99, (unsigned long long)st.mean);
	/* 256 more samples of 5 us push every old one out */
	for (i = 0; i < HL_WINDOW; i++)
		hl_rtt_add(&r, 5000);
	hl_rtt_stats(&r, &st);
	CHECK("rtt_window_slides", st.min == 5000 && st.max == 5000 &&
	      st.p99 == 5000 && st.count == HL_WINDOW && st.mean == 5000,
	      "max %llu after the window slid", (unsigned long long)st.max);
	hl_rtt_add(&r, 1000000);
	hl_rtt_stats(&r, &st);
	CHECK("rtt_single_outlier", st.max == 1000000 && st.p99 == 5000,
	      "one outlier in 256 moved p99 to %llu",
	      (unsigned long long)st.p99);

	/* RFC 3550: J += (|D| - J) / 16, alternating 10 ms / 20 ms */
	hl_rtt_init(&r);
	for (i = 0; i < 200; i++)
		hl_rtt_add(&r, i % 2 ? 20000000 : 10000000);
	CHECK("jitter_converges", r.jitter > 9900000 && r.jitter <= 10000000,
	      "jitter %llu ns, want ~10 ms", (unsigned long long)r.jitter);
	hl_rtt_init(&r);
	hl_rtt_add(&r, 1000);
	hl_rtt_add(&r, 17000);
	CHECK("jitter_first_step", r.jitter == 1000, "jitter %llu want 1000",
	      (unsigned long long)r.jitter);
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * The sorted window against a plain sort of the last HL_WINDOW samples,
 * over samples with many repeats (the one-shift update's ties) and a
 * drifting level (the new sample on either side of the old one).
 */
static void test_rtt_sorted(void)
{
	static struct hl_rtt r;
	static __u64 ref[HL_WINDOW];
	unsigned int seed = 12345, n, k, bad = 0;
	__u64 sum;

	hl_rtt_init(&r);
	for (n = 1; n <= 20000 && !bad; n++) {
		__u64 v;

		seed = seed * 1103515245 + 12345;
		v = (seed >> 16) % (n < 10000 ? 40 : 4000) + n / 100;
		hl_rtt_add(&r, v);
		k = n < HL_WINDOW ? n : HL_WINDOW;
		/* the last k samples are the ring's, oldest at head */
		memcpy(ref, r.ring, sizeof(ref));
		qsort(ref, k, sizeof(ref[0]), cmp_u64);
		/* slots the ring has not filled yet hold 0 */
		sum = 0;
		for (unsigned int i = 0; i < HL_WINDOW; i++)
			sum += r.ring[i];
		if (r.count != k || memcmp(ref, r.sorted, k * sizeof(ref[0])) ||
		    r.sum != sum)
			bad = n;
	}
	CHECK("rtt_sorted_matches_a_sort", !bad,
	      "after sample %u the sorted window or its sum differs from a sort", bad);
}

static void test_replay(void)
{
	struct hl_replay r;

	hl_replay_init(&r);
	CHECK("replay_first", hl_replay_accept(&r, 5, 100), "first rejected");
	CHECK("replay_next", hl_replay_accept(&r, 7, 120), "fresh rejected");
	CHECK("replay_same", !hl_replay_accept(&r, 7, 120), "replay accepted");
	CHECK("replay_reordered", hl_replay_accept(&r, 6, 110),
	      "late but unseen rejected");
	CHECK("replay_reordered_twice", !hl_replay_accept(&r, 6, 110),
	      "replay of a reordered packet accepted");
	CHECK("replay_far_ahead", hl_replay_accept(&r, 1000, 200), "jump");
	CHECK("replay_too_old", !hl_replay_accept(&r, 7, 120),
	      "packet older than the window accepted");
	CHECK("replay_restart", hl_replay_accept(&r, 0, 300) && r.top == 0,
	      "sender restart (newer timestamp) rejected");
	CHECK("replay_after_restart", !hl_replay_accept(&r, 1000, 200),
	      "old packet accepted after a restart");
	CHECK("replay_wrap", hl_replay_accept(&r, 0xffffffffU, 301) &&
	      hl_replay_accept(&r, 1, 302) && !hl_replay_accept(&r, 1, 302),
	      "sequence wrap mishandled");
}

static void test_fsm(void)
{
	struct hl_thresholds thr = { .max_loss_ppm = 100000, .max_rtt_ns = 50000000 };
	struct hl_metrics good = { .loss_ppm = 0, .window = 20, .p99 = 1000000 };
	struct hl_metrics lossy = { .loss_ppm = 200000, .window = 20, .p99 = 1000000 };
	struct hl_metrics slow = { .loss_ppm = 0, .window = 20, .p99 = 60000000 };
	struct hl_metrics near = { .loss_ppm = 90000, .window = 20, .p99 = 1000000 };
	struct hl_metrics early = { .loss_ppm = 500000, .window = 4, .p99 = 1000000 };
	struct hl_fsm f;

	hl_fsm_init(&f);
	CHECK("fsm_starts_down", f.state == HOTLINE_STATE_DOWN, "state %u", f.state);
	CHECK("fsm_init", hl_fsm_reply(&f, &thr, &good) &&
	      f.state == HOTLINE_STATE_INIT, "state %u", f.state);
	CHECK("fsm_not_up_yet", !hl_fsm_reply(&f, &thr, &good) &&
	      f.state == HOTLINE_STATE_INIT, "up after 2 replies");
	CHECK("fsm_up", hl_fsm_reply(&f, &thr, &good) &&
	      f.state == HOTLINE_STATE_UP, "state %u after 3", f.state);
	CHECK("fsm_loss_needs_samples", !hl_fsm_reply(&f, &thr, &early),
	      "degraded on 4 probes");
	CHECK("fsm_degraded_loss", hl_fsm_reply(&f, &thr, &lossy) &&
	      f.state == HOTLINE_STATE_DEGRADED &&
	      f.diag == HOTLINE_DIAG_THRESHOLD, "state %u", f.state);
	CHECK("fsm_hysteresis_holds", !hl_fsm_reply(&f, &thr, &near) &&
	      f.state == HOTLINE_STATE_DEGRADED,
	      "left degraded at 90%% of max-loss");
	CHECK("fsm_recovers", hl_fsm_reply(&f, &thr, &good) &&
	      f.state == HOTLINE_STATE_UP, "state %u", f.state);
	CHECK("fsm_degraded_rtt", hl_fsm_reply(&f, &thr, &slow) &&
	      f.state == HOTLINE_STATE_DEGRADED, "p99 over max-rtt");
	CHECK("fsm_jitter_not_down", !hl_fsm_expired(&f) &&
	      f.state == HOTLINE_STATE_DEGRADED,
	      "down although no probe was lost");
	f.auth_failures = 3;
	hl_fsm_lost(&f, 1);
	CHECK("fsm_down_auth", hl_fsm_expired(&f) &&
	      f.state == HOTLINE_STATE_DOWN &&
	      f.diag == HOTLINE_DIAG_AUTH_FAILURES, "diag %u", f.diag);
	f.unreachable = 1;
	CHECK("fsm_down_refresh_diag", !hl_fsm_expired(&f) &&
	      f.diag == HOTLINE_DIAG_PEER_UNREACHABLE && f.flaps == 6,
	      "diag %u flaps %u", f.diag, f.flaps);
	hl_fsm_reply(&f, &thr, &good);
	hl_fsm_lost(&f, 1);
	hl_fsm_reply(&f, &thr, &good);
	hl_fsm_reply(&f, &thr, &good);
	CHECK("fsm_loss_breaks_run", f.state == HOTLINE_STATE_INIT,
	      "up although a probe was lost in the first 3");
	hl_fsm_lost(&f, 2);
	CHECK("fsm_expired_detect", hl_fsm_expired(&f) &&
	      f.diag == HOTLINE_DIAG_DETECT_EXPIRED, "diag %u", f.diag);
}

int main(void)
{
	test_ntp();
	test_layout();
	test_probes();
	test_slow_path();
	test_rtt();
	test_rtt_sorted();
	test_replay();
	test_fsm();
	return failures ? 1 : 0;
}
