// SPDX-License-Identifier: GPL-2.0
/*
 * The health engine: one STAMP (RFC 8762) session per channel with health
 * set, acting as Session-Sender towards the peer's reflector and as
 * Session-Reflector for the peer's sender, on one shared local port.
 *
 * Timers, both CLOCK_MONOTONIC hrtimers in HRTIMER_MODE_REL_SOFT:
 *   tx_timer      every interval less a random 0-25% (as BFD does, so two
 *                 gateways never lock step): declares probes overdue by the
 *                 detection time lost, refreshes why a down session stays
 *                 down, and sends the next probe.
 *   detect_timer  pushed out to detect-mult x interval by every valid
 *                 reply; when it fires and a probe has also gone
 *                 unanswered that long, the session goes down; otherwise
 *                 it looks again when the oldest outstanding probe will
 *                 be overdue (health_math.h explains why).
 * Both hold back while our own tx_timer is overdue (health_self_stalled()).
 *
 * Why soft hrtimers that transmit directly, rather than a work item: a
 * soft hrtimer callback runs in softirq context, where building an skb
 * (GFP_ATOMIC), a route lookup and udp_tunnel_xmit_skb() are all allowed,
 * exactly as in the receive path. A work item would add a trip through the
 * scheduler, and under the load the hotline exists for (a flooded gateway
 * with busy CPUs) that latency lands in T1 and in the probe spacing. Hard
 * hrtimer callbacks run in hardirq context, where we may not transmit.
 *
 * Sender or reflector? Both packet kinds have the same size. A reflected
 * packet always carries a receive timestamp where a test packet has MBZ
 * bytes (stamp_is_reflected()), so the kind is read off the packet. A
 * reply is then accepted only from the session's probe address and port,
 * echoing one of our outstanding sequence numbers together with the exact
 * timestamp we sent with it (and, keyed, with a valid HMAC). Two channels
 * may not probe the same address from the same local port: replies could
 * not be told apart.
 *
 * Transitions are computed under the session spinlock and never sleep;
 * the "health" multicast event is sent right after the lock is dropped,
 * from the same softirq (hotline_nl_notify_health() allocates with
 * GFP_ATOMIC and reads the status through health_fill_status(), which
 * takes the lock itself). No deferral means no event can outlive the
 * session: destroy waits for the timers and for RCU readers.
 *
 * Locking: sessions hang off their stamp_port in an RCU list written under
 * the per-netns stamp mutex; the receive path looks them up under RCU.
 * The identity of a session (family, probe address and port, key) changes
 * only while it is unlinked, so readers use it without the lock. All
 * metrics and the rest of the configuration are under h->lock, taken with
 * spin_lock() in softirq and spin_lock_bh() elsewhere.
 */
#define pr_fmt(fmt) "hotline: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/hrtimer.h>
#include <linux/random.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <crypto/hash.h>
#include <crypto/algapi.h>
#include <hotline/health_math.h>

#include "debugfs.h"
#include "health.h"
#include "netlink.h"
#include "path.h"
#include "stamp.h"

struct hotline_health {
	struct list_head node;		/* in port->sessions */
	struct list_head retired;	/* in a health_reap() batch */
	struct net *net;
	struct hotline_channel *ch;
	struct hotline_pathset *paths;	/* a path's session: its channel's */
	char path[HOTLINE_PATH_NAME_MAX + 1];
	struct stamp_port *port;
	/*
	 * A batch being prepared ends this session or moves it to another
	 * address: its address is free for the batch's other sessions.
	 * Config mutex.
	 */
	bool leaving;

	/* identity: changes only while unlinked */
	u8 family;
	bool keyed;
	union stamp_addr probe;
	__be16 probe_port;
	bool has_src;
	union stamp_addr src;		/* with has_src: ours on the path */
	struct crypto_shash *tfm;	/* keyed only */

	struct hrtimer tx_timer;
	struct hrtimer detect_timer;

	spinlock_t lock;		/* everything below */
	struct hotline_health_cfg cfg;
	struct hotline_health_marking marking;
	struct hl_probes probes;
	struct hl_rtt rtt;
	struct hl_replay replay;
	struct hl_fsm fsm;
	u64 since_ns;			/* CLOCK_REALTIME */
	u64 since_mono_ns;		/* the same instant; READ_ONCE() outside */
	u64 last_valid_ns;		/* CLOCK_MONOTONIC */
	u64 last_tx_ns;			/* CLOCK_MONOTONIC */
	u64 silence_ns;			/* at the last down, see health_expire() */
	u32 refl_seq;
	u64 auth_failures;
	u64 malformed;
	u64 reflected;
	u64 replays;			/* test packets the reflector refused */
	u64 refl_limited;		/* and those over its rate */
	u64 refl_credit_ns;		/* the reflector's token bucket */
	u64 refl_last_ns;		/* CLOCK_MONOTONIC */
};

static u64 health_detect_ns(const struct hotline_health *h)
{
	return (u64)h->cfg.interval_ms * h->cfg.detect_mult * NSEC_PER_MSEC;
}

/*
 * The loss timeout (health_math.h), kept within half the slots' span so
 * a probe is resolved before its slot is reused even at the shortest
 * jittered interval.
 */
static u64 health_loss_ns(const struct hotline_health *h)
{
	return hl_loss_timeout_ns(&h->rtt, health_detect_ns(h),
				  (u64)h->cfg.interval_ms * (HL_WINDOW / 2) *
				  NSEC_PER_MSEC);
}

/*
 * True when our own tx_timer is half an interval or more overdue: this
 * host stalled (or its softirqs starved), so a silence we measure now may
 * be ours, not the peer's. Nothing is declared lost or down until we have
 * probed again; a real outage is then seen one interval later.
 */
static bool health_self_stalled(const struct hotline_health *h, u64 now)
{
	u64 ival = (u64)h->cfg.interval_ms * NSEC_PER_MSEC;

	return now - h->last_tx_ns > ival + ival / 2;
}

/*
 * Under h->lock: declares overdue probes lost and takes the session down
 * when no valid reply came for the detection time and a probe went
 * unanswered that long. Returns true on a transition.
 */
static bool health_expire(struct hotline_health *h, u64 now)
{
	u64 detect = health_detect_ns(h);

	if (health_self_stalled(h, now))
		return false;
	hl_fsm_overdue(&h->fsm, hl_probes_overdue(&h->probes, now, detect));
	hl_fsm_lost(&h->fsm, hl_probes_expire(&h->probes, now,
					      health_loss_ns(h)));
	if (now - h->last_valid_ns < detect || !hl_fsm_expired(&h->fsm))
		return false;
	/*
	 * Kept so an admin can tell a timely down (the detection time, or up
	 * to one interval more when no probe was in flight) from one this
	 * host noticed late: the excess is timer and softirq latency, and
	 * the traffic lost it too.
	 */
	h->silence_ns = now - h->last_valid_ns;
	h->since_ns = ktime_get_real_ns();
	WRITE_ONCE(h->since_mono_ns, now);
	return true;
}

static ktime_t health_tx_delay(u32 interval_ms)
{
	u32 us = interval_ms * USEC_PER_MSEC;

	return ns_to_ktime((u64)(us - get_random_u32_below(us / 4 + 1)) *
			   NSEC_PER_USEC);
}

static u64 health_ntp_now(void)
{
	struct timespec64 ts;

	ktime_get_real_ts64(&ts);
	return stamp_ntp_from_unix(ts.tv_sec, ts.tv_nsec);
}

static u64 health_ntp_from_ns(u64 ns)
{
	struct timespec64 ts = ns_to_timespec64(ns);

	return stamp_ntp_from_unix(ts.tv_sec, ts.tv_nsec);
}

static bool stamp_addr_eq(u8 family, const union stamp_addr *a,
			  const union stamp_addr *b)
{
	if (family == AF_INET)
		return a->v4 == b->v4;
	return ipv6_addr_equal(&a->v6, &b->v6);
}

static bool health_addr_eq(const struct hotline_health *h, u8 family,
			   const union stamp_addr *a)
{
	return h->family == family && stamp_addr_eq(family, &h->probe, a);
}

/*
 * Whether a packet from @saddr to our @daddr is for @h. Paths may reach
 * one peer address from several of ours: the address it reached tells
 * their sessions apart.
 */
static bool health_owns(const struct hotline_health *h, u8 family,
			const union stamp_addr *saddr,
			const union stamp_addr *daddr)
{
	return health_addr_eq(h, family, saddr) &&
	       (!h->has_src || stamp_addr_eq(family, &h->src, daddr));
}

/* Under h->lock, after a transition: stamp the time of the change. */
static void health_changed(struct hotline_health *h)
{
	h->since_ns = ktime_get_real_ns();
	WRITE_ONCE(h->since_mono_ns, ktime_get_ns());
}

static void health_notify(struct hotline_health *h, u8 old_state)
{
	if (h->paths)
		paths_session_changed(h->paths, h, old_state);
	else
		hotline_nl_notify_health(h->net, h->ch, NULL, old_state);
}

static void health_start_timer(struct hotline_health *h)
{
	hrtimer_start(&h->tx_timer, health_tx_delay(h->cfg.interval_ms),
		      HRTIMER_MODE_REL_SOFT);
}

static enum hrtimer_restart health_tx(struct hrtimer *t)
{
	struct hotline_health *h = container_of(t, struct hotline_health,
						tx_timer);
	struct hotline_health_marking marking;
	struct stamp_view v = { .err = STAMP_ERR_ESTIMATE };
	u8 pkt[STAMP_AUTH_LEN];
	bool changed;
	u8 old;

	spin_lock(&h->lock);
	old = h->fsm.state;
	changed = health_expire(h, ktime_get_ns());
	v.ts = health_ntp_now();
	h->last_tx_ns = ktime_get_ns();
	v.seq = hl_probes_sent(&h->probes, h->last_tx_ns, v.ts);
	stamp_build(pkt, h->keyed, 0, &v);
	marking = h->marking;
	/*
	 * Re-armed with hrtimer_start() under the lock, never forwarded:
	 * health_update() may restart the timer while we run.
	 */
	health_start_timer(h);
	spin_unlock(&h->lock);

	if (!h->keyed || !stamp_hmac(h->tfm, pkt, pkt + STAMP_HMAC_OFF))
		stamp_xmit(h->port, h->family, h->has_src ? &h->src : NULL,
			   &h->probe, h->probe_port, pkt, stamp_len(h->keyed),
			   &marking);
	if (changed)
		health_notify(h, old);
	return HRTIMER_NORESTART;
}

static enum hrtimer_restart health_detect(struct hrtimer *t)
{
	struct hotline_health *h = container_of(t, struct hotline_health,
						detect_timer);
	bool changed = false;
	u64 now;
	u8 old;

	spin_lock(&h->lock);
	old = h->fsm.state;
	now = ktime_get_ns();
	changed = health_expire(h, now);
	if (!changed && h->fsm.state != HOTLINE_STATE_DOWN) {
		/*
		 * Not yet: we stalled, or no probe is overdue so far. Look
		 * again when the oldest outstanding one will be (receivers
		 * restart us too; hrtimer_start() copes with either order).
		 */
		u64 when;

		if (health_self_stalled(h, now) ||
		    !hl_probes_next_expiry(&h->probes, health_detect_ns(h),
					   &when) || when <= now)
			when = now + (u64)h->cfg.interval_ms * NSEC_PER_MSEC;
		hrtimer_start(t, ns_to_ktime(when - now), HRTIMER_MODE_REL_SOFT);
	}
	spin_unlock(&h->lock);
	if (changed)
		health_notify(h, old);
	return HRTIMER_NORESTART;
}

/*
 * RTT = (T4 - T1) - (T3 - T2); distrust a reflector time that would make
 * it negative (its clock stepped, or it lies).
 */
static u64 health_rtt(const struct stamp_rx *rx, const struct stamp_view *v,
		      u64 t1)
{
	u64 raw = rx->rx_mono_ns > t1 ? rx->rx_mono_ns - t1 : 0;
	s64 held = stamp_ntp_diff_ns(v->ts, v->rx_ts);

	return held >= 0 && (u64)held <= raw ? raw - held : raw;
}

/* The peer's Session-Reflector answered one of our probes. */
static void health_reply(struct hotline_health *h, const struct stamp_rx *rx,
			 const struct stamp_view *v)
{
	struct hl_thresholds thr;
	struct hl_metrics m;
	enum hl_reply r;
	bool changed;
	u64 t1;
	u8 old;

	spin_lock(&h->lock);
	if (rx->sport != h->probe_port) {
		h->malformed++;
		goto unlock;
	}
	r = hl_probes_reply(&h->probes, v->sender_seq, v->sender_ts, &t1);
	if (r == HL_REPLY_UNKNOWN)
		h->malformed++;
	/*
	 * T1 comes back for valid replies and for the first late one to a
	 * probe still held: that proves nothing about now, but its RTT
	 * lengthens the loss timeout of a path slower than its detection
	 * time.
	 */
	if (t1)
		hl_rtt_add(&h->rtt, health_rtt(rx, v, t1));
	if (r != HL_REPLY_OK && r != HL_REPLY_REORDERED)
		goto unlock;

	thr.max_loss_ppm = h->cfg.max_loss_pct * 10000;
	thr.max_rtt_ns = (u64)h->cfg.max_rtt_ms * NSEC_PER_MSEC;
	m.loss_ppm = hl_probes_loss_ppm(&h->probes);
	m.window = hl_probes_window(&h->probes);
	m.p99 = hl_rtt_percentile(&h->rtt, 99);
	old = h->fsm.state;
	changed = hl_fsm_reply(&h->fsm, &thr, &m);
	if (changed && h->fsm.state == HOTLINE_STATE_INIT)
		hl_probes_window_restart(&h->probes);
	if (changed)
		health_changed(h);
	h->last_valid_ns = ktime_get_ns();
	hrtimer_start(&h->detect_timer, ns_to_ktime(health_detect_ns(h)),
		      HRTIMER_MODE_REL_SOFT);
	spin_unlock(&h->lock);
	if (changed)
		health_notify(h, old);
	return;
unlock:
	spin_unlock(&h->lock);
}

/*
 * The reflector's rate limit, a token bucket kept as nanoseconds of
 * credit: a reflection costs 1/HOTLINE_REFLECT_RATE s, credit grows with
 * time up to HOTLINE_REFLECT_BURST reflections. Under h->lock.
 */
#define REFLECT_COST_NS	(NSEC_PER_SEC / HOTLINE_REFLECT_RATE)

static bool health_reflect_allowed(struct hotline_health *h, u64 now)
{
	u64 credit = h->refl_credit_ns;

	/* receive times are taken before the lock: never run backwards */
	if (now > h->refl_last_ns) {
		credit += now - h->refl_last_ns;
		h->refl_last_ns = now;
	}
	credit = min_t(u64, credit, HOTLINE_REFLECT_BURST * REFLECT_COST_NS);
	if (credit < REFLECT_COST_NS) {
		h->refl_credit_ns = credit;
		return false;
	}
	h->refl_credit_ns = credit - REFLECT_COST_NS;
	return true;
}

/* The peer's Session-Sender sent a test packet: reflect it. */
static void health_reflect(struct hotline_health *h, const struct stamp_rx *rx,
			   const struct stamp_view *v)
{
	struct hotline_health_marking marking;
	struct stamp_view r = {
		.err = STAMP_ERR_ESTIMATE,
		.sender_seq = v->seq,
		.sender_ts = v->ts,
		.sender_err = v->err,
		.sender_ttl = rx->ttl,
	};
	u8 pkt[STAMP_AUTH_LEN];

	spin_lock(&h->lock);
	/*
	 * Only a keyed session has a replay window: its timestamp is under the
	 * HMAC. Anyone can forge an unauthenticated test packet outright, so a
	 * window would protect nothing there, and one spoofed timestamp far
	 * ahead would move its floor past every packet the real peer sends.
	 */
	if (h->keyed && !hl_replay_accept(&h->replay, v->seq, v->ts)) {
		h->replays++;
		spin_unlock(&h->lock);
		return;
	}
	if (!health_reflect_allowed(h, rx->rx_mono_ns)) {
		h->refl_limited++;
		spin_unlock(&h->lock);
		return;
	}
	r.seq = h->refl_seq++;
	h->reflected++;
	marking = h->marking;
	spin_unlock(&h->lock);

	r.rx_ts = health_ntp_from_ns(rx->rx_real_ns);
	r.ts = health_ntp_now();
	stamp_build(pkt, h->keyed, 1, &r);
	if (h->keyed && stamp_hmac(h->tfm, pkt, pkt + STAMP_HMAC_OFF))
		return;
	/* a path answers from the address probed, so over the same path */
	stamp_xmit(h->port, h->family, h->has_src ? &rx->daddr : NULL,
		   &rx->saddr, rx->sport, pkt, stamp_len(h->keyed), &marking);
}

static void health_auth_failed(struct hotline_health *h)
{
	spin_lock(&h->lock);
	h->auth_failures++;
	h->fsm.auth_failures++;
	spin_unlock(&h->lock);
}

static void health_session_rx(struct hotline_health *h,
			      const struct stamp_rx *rx, const u8 *pkt,
			      unsigned int len)
{
	u8 mac[STAMP_HMAC_LEN];
	struct stamp_view v;

	if (len < stamp_len(h->keyed)) {
		/* an unauthenticated packet where a key is required */
		if (h->keyed && len >= STAMP_UNAUTH_LEN) {
			health_auth_failed(h);
			return;
		}
		spin_lock(&h->lock);
		h->malformed++;
		spin_unlock(&h->lock);
		return;
	}
	if (h->keyed && (stamp_hmac(h->tfm, pkt, mac) ||
			 crypto_memneq(mac, pkt + STAMP_HMAC_OFF, sizeof(mac)))) {
		health_auth_failed(h);
		return;
	}
	stamp_parse(pkt, h->keyed, &v);
	if (stamp_is_reflected(pkt, h->keyed))
		health_reply(h, rx, &v);
	else
		health_reflect(h, rx, &v);
}

void health_rx(struct stamp_port *sp, const struct stamp_rx *rx,
	       const u8 *pkt, unsigned int len)
{
	struct hotline_health *h;

	/* only peers we have a session with are answered or believed */
	list_for_each_entry_rcu(h, &sp->sessions, node) {
		if (health_owns(h, rx->family, &rx->saddr, &rx->daddr)) {
			health_session_rx(h, rx, pkt, len);
			return;
		}
	}
}

void health_icmp(struct stamp_port *sp, u8 family,
		 const union stamp_addr *daddr, __be16 dport)
{
	struct hotline_health *h;

	list_for_each_entry_rcu(h, &sp->sessions, node) {
		if (health_addr_eq(h, family, daddr) && h->probe_port == dport) {
			spin_lock(&h->lock);
			h->fsm.unreachable++;
			spin_unlock(&h->lock);
			return;
		}
	}
}

bool health_same_identity(const struct hotline_health *h,
			  const struct hotline_health_cfg *cfg)
{
	const struct hotline_health_cfg *old = &h->cfg;

	if (old->family != cfg->family || old->probe_port != cfg->probe_port ||
	    old->local_port != cfg->local_port || old->keyed != cfg->keyed ||
	    old->has_src != cfg->has_src)
		return false;
	if (cfg->keyed && memcmp(old->key, cfg->key, HOTLINE_KEY_LEN))
		return false;
	if (cfg->has_src &&
	    (cfg->family == AF_INET ? old->src.v4 != cfg->src.v4 :
	     !ipv6_addr_equal(&old->src.v6, &cfg->src.v6)))
		return false;
	if (cfg->family == AF_INET)
		return old->probe.v4 == cfg->probe.v4;
	return ipv6_addr_equal(&old->probe.v6, &cfg->probe.v6);
}

/* NULL (unkeyed) is ignored. */
static void health_tfm_free(struct crypto_shash *tfm)
{
	if (!tfm)
		return;
	crypto_free_shash(tfm);
	hotline_obj_put(HOTLINE_OBJ_HMAC_TFM);
}

static struct crypto_shash *health_tfm(const struct hotline_health_cfg *cfg,
				       struct netlink_ext_ack *extack)
{
	struct crypto_shash *tfm;
	int err;

	if (!cfg->keyed)
		return NULL;
	tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(tfm)) {
		NL_SET_ERR_MSG_MOD(extack, "HMAC-SHA-256 is not available in this kernel");
		return tfm;
	}
	hotline_obj_get(HOTLINE_OBJ_HMAC_TFM);
	err = crypto_shash_setkey(tfm, cfg->key, HOTLINE_KEY_LEN);
	if (err) {
		health_tfm_free(tfm);
		NL_SET_ERR_MSG_MOD(extack, "health key rejected by HMAC-SHA-256");
		return ERR_PTR(err);
	}
	return tfm;
}

/*
 * Takes a port reference for @cfg, refusing a second session probing the
 * same address from the same local port. @self is skipped (update).
 */
static struct stamp_port *health_port_get(struct net *net,
					  const struct hotline_health_cfg *cfg,
					  const struct hotline_health *self,
					  struct netlink_ext_ack *extack)
{
	union stamp_addr probe = {}, src = {};
	struct hotline_health *o;
	struct stamp_port *sp;
	int err = 0;

	if (cfg->family == AF_INET) {
		probe.v4 = cfg->probe.v4;
		src.v4 = cfg->src.v4;
	} else {
		probe.v6 = cfg->probe.v6;
		src.v6 = cfg->src.v6;
	}
	sp = stamp_port_get(net, cfg->local_port, cfg->family, &err);
	if (!sp) {
		if (err == -EADDRINUSE)
			NL_SET_ERR_MSG_MOD(extack, "health local port is in use by another socket");
		else
			NL_SET_ERR_MSG_MOD(extack, "cannot open the health local port");
		return ERR_PTR(err);
	}
	/* sessions from different addresses of ours are told apart by them */
	list_for_each_entry(o, &sp->sessions, node)
		if (o != self && !o->leaving && health_addr_eq(o, cfg->family, &probe) &&
		    (!o->has_src || !cfg->has_src ||
		     stamp_addr_eq(cfg->family, &o->src, &src)))
			goto taken;
	return sp;

taken:
	/* replies from that address could not be told apart */
	stamp_port_put(sp);
	NL_SET_ERR_MSG_MOD(extack,
			   "another channel already probes this address from this local port");
	return ERR_PTR(-EBUSY);
}

/* Fresh state for a (re)started session; not linked, timers idle. */
static void health_reset(struct hotline_health *h,
			 const struct hotline_health_cfg *cfg,
			 const struct hotline_health_marking *marking)
{
	h->family = cfg->family;
	h->keyed = cfg->keyed;
	memset(&h->probe, 0, sizeof(h->probe));
	if (cfg->family == AF_INET)
		h->probe.v4 = cfg->probe.v4;
	else
		h->probe.v6 = cfg->probe.v6;
	h->probe_port = htons(cfg->probe_port);
	h->has_src = cfg->has_src;
	memset(&h->src, 0, sizeof(h->src));
	if (cfg->has_src && cfg->family == AF_INET)
		h->src.v4 = cfg->src.v4;
	else if (cfg->has_src)
		h->src.v6 = cfg->src.v6;
	h->cfg = *cfg;
	h->marking = *marking;
	hl_probes_init(&h->probes, 0);
	hl_rtt_init(&h->rtt);
	hl_replay_init(&h->replay);
	hl_fsm_init(&h->fsm);
	h->since_ns = ktime_get_real_ns();
	h->last_valid_ns = ktime_get_ns();
	WRITE_ONCE(h->since_mono_ns, h->last_valid_ns);
	h->last_tx_ns = h->last_valid_ns;
	h->silence_ns = 0;
	h->refl_seq = 0;
	h->auth_failures = 0;
	h->malformed = 0;
	h->reflected = 0;
	h->replays = 0;
	h->refl_limited = 0;
	h->refl_credit_ns = HOTLINE_REFLECT_BURST * REFLECT_COST_NS;
	h->refl_last_ns = h->last_valid_ns;
}

/* Under stamp_lock(). */
static void health_link(struct hotline_health *h, struct stamp_port *sp)
{
	h->port = sp;
	list_add_tail_rcu(&h->node, &sp->sessions);
}

/* Receivers can no longer find @h; those that already did may go on. */
static void health_unlink(struct hotline_health *h)
{
	stamp_lock(h->net);
	list_del_rcu(&h->node);
	stamp_unlock(h->net);
}

/*
 * After health_unlink() and a grace period: nothing else touches @h. Its
 * port goes on @dead when this was the port's last session.
 */
static void health_quiesce(struct hotline_health *h, struct list_head *dead)
{
	/* only receivers re-arm detect_timer, so it stays cancelled */
	hrtimer_cancel(&h->tx_timer);
	hrtimer_cancel(&h->detect_timer);
	stamp_lock(h->net);
	stamp_port_retire(h->port, dead);
	stamp_unlock(h->net);
	h->port = NULL;
}

/* Session memory, once its timers are initialised: create's error path too. */
static void health_free(struct hotline_health *h)
{
	hotline_obj_add(HOTLINE_OBJ_SESSION_TIMER, -2);
	health_tfm_free(h->tfm);
	memzero_explicit(h->cfg.key, sizeof(h->cfg.key));
	kvfree(h);
	hotline_obj_put(HOTLINE_OBJ_HEALTH_SESSION);
}

/*
 * The one teardown order, for a session being restarted (@free false) as
 * for a batch being destroyed: each was unlinked by health_retire(); one
 * grace period for the whole batch lets receivers and status readers that
 * found them finish; then timers stop and ports lose a user; and one more
 * grace period (in stamp_ports_release()) for the ports left without
 * sessions.
 */
static void health_teardown(struct list_head *batch, bool free)
{
	struct hotline_health *h, *tmp;
	LIST_HEAD(dead);

	if (list_empty(batch))
		return;
	synchronize_rcu();
	list_for_each_entry_safe(h, tmp, batch, retired) {
		list_del(&h->retired);
		health_quiesce(h, &dead);
		if (free)
			health_free(h);
	}
	stamp_ports_release(&dead);
}

/* Stops @h without freeing it, so it can start afresh. */
static void health_stop(struct hotline_health *h)
{
	LIST_HEAD(batch);

	health_retire(h, &batch);
	health_teardown(&batch, false);
}

struct hotline_health *health_prepare(struct net *net, struct hotline_channel *ch,
				      const struct hotline_health_cfg *cfg,
				      const struct hotline_health_marking *marking,
				      struct netlink_ext_ack *extack)
{
	struct hotline_health *h;
	struct stamp_port *sp;
	int err;

	h = kvzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return ERR_PTR(-ENOMEM);
	hotline_obj_get(HOTLINE_OBJ_HEALTH_SESSION);
	h->net = net;
	h->ch = ch;
	spin_lock_init(&h->lock);
	hrtimer_init(&h->tx_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	h->tx_timer.function = health_tx;
	hrtimer_init(&h->detect_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	h->detect_timer.function = health_detect;
	hotline_obj_add(HOTLINE_OBJ_SESSION_TIMER, 2);

	h->tfm = health_tfm(cfg, extack);
	if (IS_ERR(h->tfm)) {
		err = PTR_ERR(h->tfm);
		h->tfm = NULL;
		goto free;
	}
	stamp_lock(net);
	sp = health_port_get(net, cfg, NULL, extack);
	stamp_unlock(net);
	if (IS_ERR(sp)) {
		err = PTR_ERR(sp);
		goto free;
	}
	health_reset(h, cfg, marking);
	h->port = sp;		/* held, not linked: nothing reaches us yet */
	return h;

free:
	/* never armed, never linked: nothing to wait for */
	health_free(h);
	return ERR_PTR(err);
}

void health_start(struct hotline_health *h)
{
	stamp_lock(h->net);
	health_link(h, h->port);
	stamp_unlock(h->net);
	health_start_timer(h);
}

/* Gives back a port reference health_port_get() took. */
static void health_port_put(struct net *net, struct stamp_port *sp)
{
	stamp_lock(net);
	stamp_port_put(sp);
	stamp_unlock(net);
}

void health_cancel(struct hotline_health *h)
{
	health_port_put(h->net, h->port);
	health_free(h);
}

struct hotline_health *health_create(struct net *net, struct hotline_channel *ch,
				     const struct hotline_health_cfg *cfg,
				     const struct hotline_health_marking *marking,
				     struct netlink_ext_ack *extack)
{
	struct hotline_health *h = health_prepare(net, ch, cfg, marking, extack);

	if (!IS_ERR(h))
		health_start(h);
	return h;
}

int health_update_prepare(struct hotline_health *h, const struct hotline_health_cfg *cfg,
			  struct health_change *chg, struct netlink_ext_ack *extack)
{
	struct crypto_shash *tfm;
	struct stamp_port *sp;

	memset(chg, 0, sizeof(*chg));
	if (health_same_identity(h, cfg))
		return 0;

	/* peer, ports or key changed: a new session under the same handle */
	tfm = health_tfm(cfg, extack);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	stamp_lock(h->net);
	sp = health_port_get(h->net, cfg, h, extack);
	stamp_unlock(h->net);
	if (IS_ERR(sp)) {
		health_tfm_free(tfm);
		return PTR_ERR(sp);
	}
	chg->restart = true;
	chg->tfm = tfm;
	chg->port = sp;
	return 0;
}

void health_update_commit(struct hotline_health *h, const struct hotline_health_cfg *cfg,
			  const struct hotline_health_marking *marking,
			  struct health_change *chg)
{
	struct crypto_shash *old_tfm;
	bool restart;
	u8 old;

	if (!chg->restart) {
		spin_lock_bh(&h->lock);
		restart = h->cfg.interval_ms != cfg->interval_ms;
		h->cfg = *cfg;
		h->marking = *marking;
		/* a new interval applies now, not after the old one */
		if (restart)
			health_start_timer(h);
		spin_unlock_bh(&h->lock);
		return;
	}

	health_stop(h);
	old_tfm = h->tfm;
	h->tfm = chg->tfm;
	/* status readers (dumps) may still look at us */
	spin_lock_bh(&h->lock);
	old = h->fsm.state;
	health_reset(h, cfg, marking);
	h->fsm.diag = HOTLINE_DIAG_ADMIN_DOWN;
	spin_unlock_bh(&h->lock);
	stamp_lock(h->net);
	health_link(h, chg->port);
	stamp_unlock(h->net);
	health_start_timer(h);
	health_tfm_free(old_tfm);
	memset(chg, 0, sizeof(*chg));
	if (old != HOTLINE_STATE_DOWN)
		health_notify(h, old);
}

void health_update_abort(struct hotline_health *h, struct health_change *chg)
{
	if (!chg->restart)
		return;
	health_tfm_free(chg->tfm);
	health_port_put(h->net, chg->port);
	memset(chg, 0, sizeof(*chg));
}

int health_update(struct hotline_health *h, const struct hotline_health_cfg *cfg,
		  const struct hotline_health_marking *marking,
		  struct netlink_ext_ack *extack)
{
	struct health_change chg;
	int err = health_update_prepare(h, cfg, &chg, extack);

	if (!err)
		health_update_commit(h, cfg, marking, &chg);
	return err;
}

void health_set_leaving(struct hotline_health *h, bool leaving)
{
	h->leaving = leaving;
}

void health_retire(struct hotline_health *h, struct list_head *batch)
{
	if (!h)
		return;
	health_unlink(h);
	list_add_tail(&h->retired, batch);
}

void health_reap(struct list_head *batch)
{
	health_teardown(batch, true);
}

void health_destroy(struct hotline_health *h)
{
	LIST_HEAD(batch);

	health_retire(h, &batch);
	health_reap(&batch);
}

void health_get_status(const struct hotline_health *ch,
		       struct hotline_health_status *st)
{
	/* the lock is not part of the session's logical state */
	struct hotline_health *h = (struct hotline_health *)ch;
	struct hl_rtt_stats rs;

	spin_lock_bh(&h->lock);
	hl_rtt_stats(&h->rtt, &rs);
	st->state = h->fsm.state;
	st->diag = h->fsm.diag;
	st->since_ns = h->since_ns;
	st->flaps = h->fsm.flaps;
	st->probes_sent = h->probes.sent;
	st->probes_recv = h->probes.recv;
	st->lost = h->probes.lost;
	/* replayed test packets are duplicates the reflector refused */
	st->duplicates = h->probes.duplicates + h->replays;
	st->reordered = h->probes.reordered;
	st->late = h->probes.late;
	st->auth_failures = h->auth_failures;
	st->malformed = h->malformed;
	st->reflected = h->reflected;
	st->reflect_limited = h->refl_limited;
	st->silence_ns = h->silence_ns;
	st->loss_ppm = hl_probes_loss_ppm(&h->probes);
	st->window = hl_probes_window(&h->probes);
	spin_unlock_bh(&h->lock);
	st->rtt_last = rs.last;
	st->rtt_min = rs.min;
	st->rtt_max = rs.max;
	st->rtt_mean = rs.mean;
	st->rtt_p50 = rs.p50;
	st->rtt_p90 = rs.p90;
	st->rtt_p99 = rs.p99;
	st->jitter = rs.jitter;
}

size_t health_status_size(void)
{
	return nla_total_size(0) +			/* the nest */
	       2 * nla_total_size(sizeof(u8)) +		/* STATE, DIAG */
	       20 * nla_total_size_64bit(sizeof(u64)) +	/* SINCE .. SILENCE */
	       3 * nla_total_size(sizeof(u32));		/* FLAPS, LOSS_PPM, WINDOW */
}

int health_fill_status(struct sk_buff *skb, const struct hotline_health *h)
{
	return health_fill_status_as(skb, h, HOTLINE_A_CHANNEL_HEALTH_STATUS);
}

int health_fill_status_as(struct sk_buff *skb, const struct hotline_health *h,
			  int type)
{
	struct hotline_health_status st;
	struct nlattr *nest;

	health_get_status(h, &st);
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, HOTLINE_A_STATUS_STATE, st.state) ||
	    nla_put_u8(skb, HOTLINE_A_STATUS_DIAG, st.diag) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATUS_SINCE, st.since_ns,
			      HOTLINE_A_STATUS_PAD) ||
	    nla_put_u32(skb, HOTLINE_A_STATUS_FLAPS, st.flaps) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATUS_PROBES_SENT, st.probes_sent,
			      HOTLINE_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATUS_PROBES_RECV, st.probes_recv,
			      HOTLINE_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATUS_LOST, st.lost,
			      HOTLINE_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATUS_DUPLICATES, st.duplicates,
			      HOTLINE_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATUS_REORDERED, st.reordered,
			      HOTLINE_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATUS_LATE, st.late,
			      HOTLINE_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATUS_AUTH_FAILURES,
			      st.auth_failures, HOTLINE_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATUS_MALFORMED, st.malformed,
			      HOTLINE_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATUS_REFLECTED, st.reflected,
			      HOTLINE_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATUS_REFLECT_LIMITED,
			      st.reflect_limited, HOTLINE_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATUS_SILENCE, st.silence_ns,
			      HOTLINE_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATUS_RTT_LAST, st.rtt_last,
			      HOTLINE_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATUS_RTT_MIN, st.rtt_min,
			      HOTLINE_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATUS_RTT_MAX, st.rtt_max,
			      HOTLINE_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATUS_RTT_MEAN, st.rtt_mean,
			      HOTLINE_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATUS_RTT_P50, st.rtt_p50,
			      HOTLINE_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATUS_RTT_P90, st.rtt_p90,
			      HOTLINE_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATUS_RTT_P99, st.rtt_p99,
			      HOTLINE_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATUS_JITTER, st.jitter,
			      HOTLINE_A_STATUS_PAD) ||
	    nla_put_u32(skb, HOTLINE_A_STATUS_LOSS_PPM, st.loss_ppm) ||
	    nla_put_u32(skb, HOTLINE_A_STATUS_WINDOW, st.window)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

u8 health_state(const struct hotline_health *h)
{
	return READ_ONCE(h->fsm.state);
}

u64 health_since_mono(const struct hotline_health *h)
{
	return READ_ONCE(h->since_mono_ns);
}

void health_set_path(struct hotline_health *h, struct hotline_pathset *ps,
		     const char *name)
{
	h->paths = ps;
	strscpy(h->path, name, sizeof(h->path));
}

const char *health_path_name(const struct hotline_health *h)
{
	return h->path;
}

int health_init(void)
{
	return stamp_init();
}

void health_exit(void)
{
	stamp_exit();
}
