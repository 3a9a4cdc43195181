/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The health engine's arithmetic, kept free of sockets, timers and locks so
 * the host unit tests run exactly the code the module runs. Callers
 * serialise access to each structure (the module holds the session lock).
 *
 * Windows. Everything "over the window" is over the last HL_WINDOW probes:
 *   - hl_probes: one slot per sequence number (seq % HL_WINDOW) with its
 *     send time T1 (monotonic) and its NTP wire timestamp. A probe is
 *     outstanding until a reply arrives or its loss timeout passes, then
 *     it is "replied" or "lost"; a reply after that is "late". Loss over
 *     the window is lost / (lost + replied) among the slots held. The
 *     loss timeout is the detection time, or twice the largest RTT in the
 *     window when that is longer (hl_loss_timeout_ns()): a path slower
 *     than its own detection time (25 ms each way probed at 10 ms x 3)
 *     still has every reply answer its probe. A probe unanswered for the
 *     detection time is "overdue" (hl_probes_overdue()), which is what
 *     detection asks, so a longer loss timeout never delays a down.
 *   - hl_rtt: the RTTs of the last HL_WINDOW valid replies, as a ring (age
 *     order) and as a sorted array (value order), so min, max and exact
 *     nearest-rank percentiles are O(1) reads and each new sample costs
 *     one memmove of at most HL_WINDOW entries.
 *   - hl_replay: the reflector's anti-replay bitmap of received sender
 *     sequence numbers.
 *
 * State machine (BFD words):
 *   down --first valid reply--> init --HL_UP_AFTER valid replies in a
 *   row--> up <--thresholds--> degraded; init/up/degraded --no valid
 *   reply for detect-mult x interval, and a probe overdue--> down. Only
 *   valid replies move a session up. The second condition (a probe
 *   unanswered for the detection time since the last valid reply) keeps
 *   RTT jitter alone, replies that are slow but all arrive, from taking
 *   a session down; it delays a real detection by at most one interval.
 *   Degraded is entered when, in up, loss over the window exceeds
 *   max-loss (once HL_LOSS_MIN_SAMPLES probes are resolved) or
 *   p99 RTT exceeds max-rtt; it is left only when every configured metric
 *   is back to HL_HYST_PCT percent of its threshold or below, so a link
 *   hovering at the threshold does not flap.
 */
#ifndef _HOTLINE_HEALTH_MATH_H
#define _HOTLINE_HEALTH_MATH_H

#include <linux/types.h>
#include <linux/hotline.h>

#ifdef __KERNEL__
#include <linux/math64.h>
#include <linux/string.h>
#define hl_div_u64(a, b)	div_u64((a), (b))
#else
#include <string.h>
#define hl_div_u64(a, b)	((__u64)(a) / (__u32)(b))
#endif

#define HL_WINDOW		256	/* probes; a power of two */
#define HL_UP_AFTER		3	/* valid replies in a row for up */
#define HL_LOSS_MIN_SAMPLES	10	/* resolved probes before max-loss applies */
#define HL_HYST_PCT		80	/* leave degraded at 80% of thresholds */

#if (HL_WINDOW & (HL_WINDOW - 1)) != 0
#error "HL_WINDOW must be a power of two"
#endif
#if HL_WINDOW <= 255
#error "HL_WINDOW: a probe must expire before its slot is reused"
#endif

static inline int hl_seq_before(__u32 a, __u32 b)
{
	return (__s32)(a - b) < 0;
}

/* ------------------------------------------------------------------ */
/* Sender: probes in flight, loss, duplicates, reordering, lateness.   */

enum hl_slot_state {
	HL_SLOT_FREE,
	HL_SLOT_SENT,
	HL_SLOT_REPLIED,
	HL_SLOT_LOST,
};

struct hl_slot {
	__u64 t1;		/* monotonic ns */
	__u64 ntp;		/* the timestamp we put on the wire */
	__u32 seq;
	__u8 state;
};

struct hl_probes {
	struct hl_slot slot[HL_WINDOW];
	__u32 next_seq;		/* the next probe's sequence number */
	__u32 expire_seq;	/* oldest probe not known replied or lost */
	__u32 overdue_seq;	/* oldest probe not yet judged overdue */
	__u32 max_replied;	/* highest sequence number answered */
	__u8 any_replied;
	__u32 win_replied;	/* among the slots: replied ... */
	__u32 win_lost;		/* ... and lost */
	/* all-time counters */
	__u64 sent, recv, lost, duplicates, reordered, late;
};

enum hl_reply {
	HL_REPLY_OK,		/* valid, in order */
	HL_REPLY_REORDERED,	/* valid, after a later probe's reply */
	HL_REPLY_DUPLICATE,	/* already answered (or replayed) */
	HL_REPLY_LATE,		/* already declared lost, or too old */
	HL_REPLY_UNKNOWN,	/* never sent, or the echo does not match */
};

static inline void hl_probes_init(struct hl_probes *p, __u32 first_seq)
{
	memset(p, 0, sizeof(*p));
	p->next_seq = first_seq;
	p->expire_seq = first_seq;
	p->overdue_seq = first_seq;
}

static inline void hl_slot_forget(struct hl_probes *p, struct hl_slot *s)
{
	if (s->state == HL_SLOT_REPLIED)
		p->win_replied--;
	else if (s->state == HL_SLOT_LOST)
		p->win_lost--;
	s->state = HL_SLOT_FREE;
}

/*
 * Declares lost every outstanding probe sent @timeout_ns or more before
 * @now. Returns how many were declared lost now.
 */
static inline __u32 hl_probes_expire(struct hl_probes *p, __u64 now,
				     __u64 timeout_ns)
{
	__u32 n = 0;

	while (p->expire_seq != p->next_seq) {
		struct hl_slot *s = &p->slot[p->expire_seq & (HL_WINDOW - 1)];

		if (s->seq == p->expire_seq && s->state == HL_SLOT_SENT) {
			if (now - s->t1 < timeout_ns)
				break;
			s->state = HL_SLOT_LOST;
			p->win_lost++;
			p->lost++;
			n++;
		}
		p->expire_seq++;
	}
	return n;
}

/* Records a probe about to leave; returns its sequence number. */
static inline __u32 hl_probes_sent(struct hl_probes *p, __u64 t1, __u64 ntp)
{
	__u32 seq = p->next_seq;
	struct hl_slot *s = &p->slot[seq & (HL_WINDOW - 1)];

	if (s->state == HL_SLOT_SENT) {
		/* cannot happen while detect-mult < HL_WINDOW; stay exact */
		p->lost++;
		s->state = HL_SLOT_LOST;
		p->win_lost++;
	}
	hl_slot_forget(p, s);
	s->seq = seq;
	s->t1 = t1;
	s->ntp = ntp;
	s->state = HL_SLOT_SENT;
	p->next_seq = seq + 1;
	/* the slot's previous probe is resolved now: do not wait for it */
	if (p->expire_seq == seq - HL_WINDOW)
		p->expire_seq++;
	p->sent++;
	return seq;
}

/*
 * Matches a reply echoing @seq and our timestamp @echo_ntp. On OK or
 * REORDERED stores the probe's T1 in @t1 and counts it received. LATE
 * stores T1 too, for the first late reply to a probe still held (its RTT
 * is real, and says how long the loss timeout must be); otherwise @t1 is
 * set to 0.
 */
static inline enum hl_reply hl_probes_reply(struct hl_probes *p, __u32 seq,
					    __u64 echo_ntp, __u64 *t1)
{
	struct hl_slot *s = &p->slot[seq & (HL_WINDOW - 1)];
	enum hl_reply r = HL_REPLY_OK;

	*t1 = 0;
	if (!hl_seq_before(seq, p->next_seq))
		return HL_REPLY_UNKNOWN;
	if (p->next_seq - seq > HL_WINDOW || s->seq != seq ||
	    s->state == HL_SLOT_FREE) {
		p->late++;
		return HL_REPLY_LATE;
	}
	if (s->ntp != echo_ntp)
		return HL_REPLY_UNKNOWN;
	switch (s->state) {
	case HL_SLOT_REPLIED:
		p->duplicates++;
		return HL_REPLY_DUPLICATE;
	case HL_SLOT_LOST:
		p->late++;
		/* once: a replayed late reply must not fill the RTT window */
		*t1 = s->t1;
		s->t1 = 0;
		return HL_REPLY_LATE;
	default:
		break;
	}
	if (p->any_replied && hl_seq_before(seq, p->max_replied)) {
		p->reordered++;
		r = HL_REPLY_REORDERED;
	} else {
		p->max_replied = seq;
		p->any_replied = 1;
	}
	s->state = HL_SLOT_REPLIED;
	p->win_replied++;
	p->recv++;
	*t1 = s->t1;
	return r;
}

/*
 * When the oldest outstanding probe not yet judged overdue will be, for
 * the caller's timer; returns 0 when there is none.
 */
static inline int hl_probes_next_expiry(const struct hl_probes *p,
					__u64 detect_ns, __u64 *when)
{
	__u32 seq = p->expire_seq;

	if (hl_seq_before(seq, p->overdue_seq))
		seq = p->overdue_seq;
	for (; seq != p->next_seq; seq++) {
		const struct hl_slot *s = &p->slot[seq & (HL_WINDOW - 1)];

		if (s->seq == seq && s->state == HL_SLOT_SENT) {
			*when = s->t1 + detect_ns;
			return 1;
		}
	}
	return 0;
}

/*
 * Judges overdue every probe sent @detect_ns or more before @now and still
 * unanswered, each once. Returns how many became overdue now.
 */
static inline __u32 hl_probes_overdue(struct hl_probes *p, __u64 now,
				      __u64 detect_ns)
{
	__u32 n = 0;

	if (hl_seq_before(p->overdue_seq, p->expire_seq))
		p->overdue_seq = p->expire_seq;
	while (p->overdue_seq != p->next_seq) {
		struct hl_slot *s = &p->slot[p->overdue_seq & (HL_WINDOW - 1)];

		if (s->seq == p->overdue_seq && s->state == HL_SLOT_SENT) {
			if (now - s->t1 < detect_ns)
				break;
			n++;
		}
		p->overdue_seq++;
	}
	return n;
}

/*
 * The peer came back (down -> init): the probes lost while it was away
 * were the outage, which the state already reported, so the loss window
 * starts over and judges the link as it is now. Without this a session
 * whose peer started a few seconds after it would come up "degraded".
 * Replies to those probes still count as late; the all-time count stays.
 */
static inline void hl_probes_window_restart(struct hl_probes *p)
{
	__u32 i;

	for (i = 0; i < HL_WINDOW; i++)
		if (p->slot[i].state == HL_SLOT_LOST)
			p->slot[i].state = HL_SLOT_FREE;
	p->win_lost = 0;
}

/* Resolved probes the loss ratio covers now. */
static inline __u32 hl_probes_window(const struct hl_probes *p)
{
	return p->win_replied + p->win_lost;
}

/* Lost probes per million over the window. */
static inline __u32 hl_probes_loss_ppm(const struct hl_probes *p)
{
	__u32 total = hl_probes_window(p);

	/* win_lost <= HL_WINDOW, so the product fits 32 bits */
	return total ? p->win_lost * 1000000U / total : 0;
}

/* ------------------------------------------------------------------ */
/* RTT window, percentiles and RFC 3550 jitter.                        */

struct hl_rtt {
	__u64 ring[HL_WINDOW];		/* age order */
	__u64 sorted[HL_WINDOW];	/* value order, count entries */
	__u32 head;			/* next ring slot */
	__u32 count;
	__u64 sum;
	__u64 last;
	__u64 jitter;			/* ns */
	__u8 have_last;
};

struct hl_rtt_stats {
	__u64 last, min, max, mean, p50, p90, p99, jitter;
	__u32 count;
};

static inline void hl_rtt_init(struct hl_rtt *r)
{
	memset(r, 0, sizeof(*r));
}

/* Index of the first sorted entry >= @v. */
static inline __u32 hl_rtt_lower_bound(const struct hl_rtt *r, __u64 v)
{
	__u32 lo = 0, hi = r->count;

	while (lo < hi) {
		__u32 mid = lo + (hi - lo) / 2;

		if (r->sorted[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Once the window is full, the oldest sample leaves as the new one comes:
 * one shift of the entries between the two places, not one shift to take
 * the old out and another to put the new in. On a steady link the two
 * places are near each other, so this moves a few entries where the two
 * shifts moved about a window's worth (the largest cost of a probe in
 * the instruction profile, docs/benchmarks.md).
 */
static inline void hl_rtt_add(struct hl_rtt *r, __u64 rtt)
{
	__u32 i, j;

	if (r->count == HL_WINDOW) {
		__u64 old = r->ring[r->head];

		j = hl_rtt_lower_bound(r, old);		/* leaves */
		i = hl_rtt_lower_bound(r, rtt);		/* comes, before j's removal */
		if (i <= j) {
			memmove(&r->sorted[i + 1], &r->sorted[i],
				(j - i) * sizeof(r->sorted[0]));
			r->sorted[i] = rtt;
		} else {
			memmove(&r->sorted[j], &r->sorted[j + 1],
				(i - 1 - j) * sizeof(r->sorted[0]));
			r->sorted[i - 1] = rtt;
		}
		r->sum += rtt - old;
	} else {
		i = hl_rtt_lower_bound(r, rtt);
		memmove(&r->sorted[i + 1], &r->sorted[i],
			(r->count - i) * sizeof(r->sorted[0]));
		r->sorted[i] = rtt;
		r->count++;
		r->sum += rtt;
	}
	r->ring[r->head] = rtt;
	r->head = (r->head + 1) & (HL_WINDOW - 1);

	/*
	 * RFC 3550 6.4.1: D is the change in transit time between two
	 * consecutive packets; for a round trip that is the change in RTT.
	 */
	if (r->have_last) {
		__u64 d = rtt > r->last ? rtt - r->last : r->last - rtt;

		if (d >= r->jitter)
			r->jitter += (d - r->jitter) / 16;
		else
			r->jitter -= (r->jitter - d) / 16;
	}
	r->last = rtt;
	r->have_last = 1;
}

/* Nearest-rank percentile @pct (1..100) over the window; 0 when empty. */
static inline __u64 hl_rtt_percentile(const struct hl_rtt *r, __u32 pct)
{
	__u32 rank;

	if (!r->count)
		return 0;
	rank = (pct * r->count + 99) / 100;
	if (rank < 1)
		rank = 1;
	return r->sorted[rank - 1];
}

static inline void hl_rtt_stats(const struct hl_rtt *r, struct hl_rtt_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->last = r->last;
	st->jitter = r->jitter;
	st->count = r->count;
	if (!r->count)
		return;
	st->min = r->sorted[0];
	st->max = r->sorted[r->count - 1];
	st->mean = hl_div_u64(r->sum, r->count);
	st->p50 = hl_rtt_percentile(r, 50);
	st->p90 = hl_rtt_percentile(r, 90);
	st->p99 = hl_rtt_percentile(r, 99);
}

/*
 * How long a probe may go unanswered before it counts as lost: the
 * detection time, or twice the window's largest RTT when that is longer,
 * at most @cap_ns (the caller keeps it inside the slots' span). With no
 * RTT known yet it is the detection time; a late reply teaches the RTT.
 */
static inline __u64 hl_loss_timeout_ns(const struct hl_rtt *r,
				       __u64 detect_ns, __u64 cap_ns)
{
	__u64 t = 2 * hl_rtt_percentile(r, 100);

	if (t < detect_ns)
		t = detect_ns;
	return t < cap_ns ? t : cap_ns;
}

/* ------------------------------------------------------------------ */
/* Reflector anti-replay.                                              */

/*
 * A test packet is accepted when its sequence number is ahead of every
 * one seen, or inside the window and not seen yet, or when its (HMAC-
 * covered) timestamp is newer than every accepted one: that is a sender
 * that restarted its sequence numbers, and the window starts over. A
 * replayed packet fails all three: it was accepted once, so its timestamp
 * is not newer than the newest accepted. After a restart, packets older
 * than the one that restarted the window are refused whatever their
 * sequence number, so the previous run's packets cannot be replayed.
 */
struct hl_replay {
	__u64 bits[HL_WINDOW / 64];
	__u32 top;		/* highest accepted sequence number */
	__u64 top_ts;		/* newest accepted sender timestamp */
	__u64 floor_ts;		/* timestamp that (re)started the window */
	__u8 started;
};

static inline void hl_replay_init(struct hl_replay *r)
{
	memset(r, 0, sizeof(*r));
}

static inline int hl_replay_test_bit(const struct hl_replay *r, __u32 seq)
{
	__u32 b = seq & (HL_WINDOW - 1);

	return (r->bits[b / 64] >> (b % 64)) & 1;
}

static inline void hl_replay_set_bit(struct hl_replay *r, __u32 seq, int on)
{
	__u32 b = seq & (HL_WINDOW - 1);

	if (on)
		r->bits[b / 64] |= 1ULL << (b % 64);
	else
		r->bits[b / 64] &= ~(1ULL << (b % 64));
}

static inline void hl_replay_restart(struct hl_replay *r, __u32 seq, __u64 ts)
{
	memset(r->bits, 0, sizeof(r->bits));
	r->top = seq;
	r->top_ts = ts;
	r->floor_ts = ts;
	r->started = 1;
	hl_replay_set_bit(r, seq, 1);
}

/* Returns 1 and records @seq when the packet is fresh, 0 for a replay. */
static inline int hl_replay_accept(struct hl_replay *r, __u32 seq, __u64 ts)
{
	__s32 d = (__s32)(seq - r->top);

	if (!r->started) {
		hl_replay_restart(r, seq, ts);
		return 1;
	}
	if (ts < r->floor_ts)
		return 0;
	if (d > 0) {
		if (d >= HL_WINDOW) {
			memset(r->bits, 0, sizeof(r->bits));
		} else {
			__u32 s;

			for (s = r->top + 1; s != seq; s++)
				hl_replay_set_bit(r, s, 0);
		}
		r->top = seq;
		hl_replay_set_bit(r, seq, 1);
	} else if (d > -HL_WINDOW && !hl_replay_test_bit(r, seq)) {
		hl_replay_set_bit(r, seq, 1);
	} else if (ts > r->top_ts) {
		hl_replay_restart(r, seq, ts);
		return 1;
	} else {
		return 0;
	}
	if (ts > r->top_ts)
		r->top_ts = ts;
	return 1;
}

/* ------------------------------------------------------------------ */
/* State machine.                                                       */

struct hl_fsm {
	__u8 state;		/* enum hotline_health_state */
	__u8 diag;		/* enum hotline_health_diag */
	__u32 flaps;
	__u32 in_a_row;		/* valid replies since the last loss */
	__u32 lost_since_reply;	/* probes lost since the last valid reply */
	__u32 overdue_since_reply;	/* and judged overdue */
	__u32 auth_failures;	/* since the last valid reply */
	__u32 unreachable;	/* ICMP errors since the last valid reply */
};

struct hl_thresholds {
	__u32 max_loss_ppm;	/* 0: off */
	__u64 max_rtt_ns;	/* 0: off; applied to p99 */
};

struct hl_metrics {
	__u32 loss_ppm;
	__u32 window;		/* resolved probes behind loss_ppm */
	__u64 p99;
};

static inline void hl_fsm_init(struct hl_fsm *f)
{
	memset(f, 0, sizeof(*f));
	f->state = HOTLINE_STATE_DOWN;
	f->diag = HOTLINE_DIAG_NONE;
}

/* Moves to @state with @diag; returns 1 when the state changed. */
static inline int hl_fsm_set(struct hl_fsm *f, __u8 state, __u8 diag)
{
	if (f->state == state)
		return 0;
	f->state = state;
	f->diag = diag;
	f->flaps++;
	return 1;
}

static inline int hl_over_threshold(const struct hl_thresholds *t,
				    const struct hl_metrics *m)
{
	if (t->max_loss_ppm && m->window >= HL_LOSS_MIN_SAMPLES &&
	    m->loss_ppm > t->max_loss_ppm)
		return 1;
	return t->max_rtt_ns && m->p99 > t->max_rtt_ns;
}

static inline int hl_under_hysteresis(const struct hl_thresholds *t,
				      const struct hl_metrics *m)
{
	if (t->max_loss_ppm &&
	    (__u64)m->loss_ppm * 100 > (__u64)t->max_loss_ppm * HL_HYST_PCT)
		return 0;
	if (t->max_rtt_ns && m->p99 > t->max_rtt_ns / 100 * HL_HYST_PCT)
		return 0;
	return 1;
}

/* A valid reply arrived and the metrics include it. */
static inline int hl_fsm_reply(struct hl_fsm *f, const struct hl_thresholds *t,
			       const struct hl_metrics *m)
{
	f->in_a_row++;
	f->lost_since_reply = 0;
	f->overdue_since_reply = 0;
	f->auth_failures = 0;
	f->unreachable = 0;
	switch (f->state) {
	case HOTLINE_STATE_DOWN:
		return hl_fsm_set(f, HOTLINE_STATE_INIT, HOTLINE_DIAG_NONE);
	case HOTLINE_STATE_INIT:
		if (f->in_a_row >= HL_UP_AFTER)
			return hl_fsm_set(f, HOTLINE_STATE_UP, HOTLINE_DIAG_NONE);
		return 0;
	case HOTLINE_STATE_UP:
		if (hl_over_threshold(t, m))
			return hl_fsm_set(f, HOTLINE_STATE_DEGRADED,
					  HOTLINE_DIAG_THRESHOLD);
		return 0;
	case HOTLINE_STATE_DEGRADED:
		if (hl_under_hysteresis(t, m))
			return hl_fsm_set(f, HOTLINE_STATE_UP, HOTLINE_DIAG_NONE);
		return 0;
	default:
		return 0;
	}
}

/* @n probes were declared lost: "in a row" starts over. */
static inline void hl_fsm_lost(struct hl_fsm *f, __u32 n)
{
	if (!n)
		return;
	f->in_a_row = 0;
	f->lost_since_reply += n;
}

/*
 * @n probes went unanswered for the detection time. Unlike a loss this
 * does not break "in a row": on a path slower than its detection time
 * every probe is overdue before its reply comes.
 */
static inline void hl_fsm_overdue(struct hl_fsm *f, __u32 n)
{
	f->overdue_since_reply += n;
}

/*
 * No valid reply for the detection time. Only counts once a probe was lost
 * or judged overdue since the last valid reply (see the top of this
 * file). A session that is down already only has its diagnostic refreshed
 * (why it stays down), which is not a transition.
 */
static inline int hl_fsm_expired(struct hl_fsm *f)
{
	__u8 diag = HOTLINE_DIAG_DETECT_EXPIRED;

	if ((!f->lost_since_reply && !f->overdue_since_reply) ||
	    f->state == HOTLINE_STATE_ADMIN_DOWN)
		return 0;
	f->in_a_row = 0;
	if (f->unreachable)
		diag = HOTLINE_DIAG_PEER_UNREACHABLE;
	else if (f->auth_failures)
		diag = HOTLINE_DIAG_AUTH_FAILURES;
	if (f->state == HOTLINE_STATE_DOWN) {
		/* still down: keep the reason current, no transition */
		f->diag = diag;
		return 0;
	}
	return hl_fsm_set(f, HOTLINE_STATE_DOWN, diag);
}

#endif /* _HOTLINE_HEALTH_MATH_H */
