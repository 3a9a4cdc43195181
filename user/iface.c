// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * apply and showconf for [Interface DEV] sections (hotline.conf(5)).
 *
 * What is installed is read back from the kernel (the root qdiscs, the
 * guards' pins), never remembered, so a hand-made change is seen like any
 * other. Only what can be told to be hotline's is ever changed or removed:
 * a root qdisc 1: as `hotlinectl qdisc` makes it, a guard pinned by
 * `hotlinectl guard`. A file without [Interface] sections leaves every
 * device alone, as files did before these sections existed.
 *
 * The least that makes a device equal to its section: nothing when it is
 * equal (no qdisc or guard config is written: its counters, the guard's
 * bucket and armed flag run on; only the guard's peers are synced with
 * the channel table, which writes nothing new when they are); an HTB rate
 * changed on the classes in place; another kind replaced; the guard's
 * mode or limits rewritten in its config map (peers, armed flag and
 * counters stay); a guard attached or detached only when the file says
 * there is or is not one.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "hotlinectl.h"
#include "iface.h"

static int cmp_dev(const void *a, const void *b)
{
	const struct conf_iface *x = a, *y = b;

	return strcmp(x->dev, y->dev);
}

static struct conf_iface *find(struct conf_iface *v, size_t n, const char *dev)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].dev, dev))
			return &v[i];
	return NULL;
}

struct guard_list {
	struct conf_iface *v;
	size_t n;
	bool failed;
};

static int guard_one(const char *dev, void *arg)
{
	struct guard_list *l = arg;
	struct conf_iface *f;
	struct guard_info gi;

	if (guard_show(dev, &gi)) {
		errorf("guard %s: %s", dev, guard_error());
		l->failed = true;
		return 0;
	}
	f = find(l->v, l->n, dev);
	if (!f) {
		l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
		if (!l->v)
			abort();
		f = &l->v[l->n++];
		memset(f, 0, sizeof(*f));
		snprintf(f->dev, sizeof(f->dev), "%s", dev);
	}
	f->guard = true;
	f->guard_mode = gi.mode;
	f->limits = gi.limits;
	return 0;
}

int iface_state_read(struct conf_iface **v, size_t *n)
{
	struct guard_list l = { 0 };

	if (qdisc_hotline_list(&l.v, &l.n))
		return -1;
	guard_pin_root_netns(false);
	if (guard_foreach(guard_one, &l)) {
		errorf("cannot list the guards: %s", guard_error());
		l.failed = true;
	}
	if (l.failed) {
		free(l.v);
		return -1;
	}
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), cmp_dev);
	*v = l.v;
	*n = l.n;
	return 0;
}

/* ---- the plan ---- */

static void change(struct iface_step *s, bool guard, const char *field,
		   const char *old, const char *new)
{
	struct iface_change *c;

	if (!strcmp(old, new) || s->nch == sizeof(s->ch) / sizeof(s->ch[0]))
		return;
	c = &s->ch[s->nch++];
	c->guard = guard;
	snprintf(c->field, sizeof(c->field), "%s", field);
	snprintf(c->old, sizeof(c->old), "%s", old);
	snprintf(c->new, sizeof(c->new), "%s", new);
}

static const char *fmt_rate(const struct conf_iface *f, char *buf)
{
	return f->qdisc == CONF_QDISC_HTB ? format_rate(f->rate, buf) : "none";
}

static const char *fmt_num(bool guard, uint64_t v, char *buf)
{
	if (!guard || !v)
		return "none";
	snprintf(buf, HL_FMT_MAX, "%llu", (unsigned long long)v);
	return buf;
}

static const char *fmt_bytes(const struct conf_iface *f, char *buf)
{
	return f->guard && f->limits.bps ? format_rate(f->limits.bps * 8, buf) : "none";
}

/* The fields that differ, as the file spells them. */
static void plan_fields(struct iface_step *s)
{
	const struct conf_iface *o = &s->cur, *n = &s->want;
	char a[HL_FMT_MAX], b[HL_FMT_MAX];

	change(s, false, "Qdisc", conf_qdisc_name(o->qdisc), conf_qdisc_name(n->qdisc));
	change(s, false, "Rate", fmt_rate(o, a), fmt_rate(n, b));
	change(s, true, "Guard", o->guard ? guard_mode_name(o->guard_mode) : "none",
	       n->guard ? guard_mode_name(n->guard_mode) : "none");
	change(s, true, "GuardRate", fmt_num(o->guard, o->limits.pps, a),
	       fmt_num(n->guard, n->limits.pps, b));
	change(s, true, "GuardBurst", fmt_num(o->guard, o->limits.pps_burst, a),
	       fmt_num(n->guard, n->limits.pps_burst, b));
	change(s, true, "GuardBytes", fmt_bytes(o, a), fmt_bytes(n, b));
	change(s, true, "GuardByteBurst", fmt_num(o->guard, o->limits.bps_burst, a),
	       fmt_num(n->guard, n->limits.bps_burst, b));
}

static enum iface_qdisc_op qdisc_op(const struct conf_iface *o, const struct conf_iface *n)
{
	if (n->qdisc == CONF_QDISC_NONE)
		return o->qdisc == CONF_QDISC_NONE ? IQ_KEEP : IQ_REMOVE;
	if (o->qdisc == CONF_QDISC_NONE)
		return IQ_INSTALL;
	if (o->qdisc != n->qdisc)
		return IQ_REPLACE;
	return n->qdisc == CONF_QDISC_HTB && o->rate != n->rate ? IQ_RATE : IQ_KEEP;
}

static enum iface_guard_op guard_op(const struct conf_iface *o, const struct conf_iface *n)
{
	if (!n->guard)
		return o->guard ? IG_DETACH : IG_KEEP;
	if (!o->guard)
		return IG_ATTACH;
	if (memcmp(&o->limits, &n->limits, sizeof(o->limits)) != 0)
		return IG_LIMITS;	/* the mode too, in the same write */
	return o->guard_mode != n->guard_mode ? IG_MODE : IG_KEEP;
}

static void step_add(struct iface_plan *p, const struct conf_iface *cur,
		     const struct conf_iface *want, bool named)
{
	struct iface_step *s;

	p->v = realloc(p->v, (p->n + 1) * sizeof(*p->v));
	if (!p->v)
		abort();
	s = &p->v[p->n++];
	memset(s, 0, sizeof(*s));
	if (cur)
		s->cur = *cur;
	else
		snprintf(s->cur.dev, sizeof(s->cur.dev), "%s", want->dev);
	if (want)
		s->want = *want;
	else
		snprintf(s->want.dev, sizeof(s->want.dev), "%s", cur->dev);
	s->named = named;
	s->q = qdisc_op(&s->cur, &s->want);
	s->g = guard_op(&s->cur, &s->want);
	plan_fields(s);
}

/* Every device the file names must be there: checked before any change. */
static int devices_exist(const struct conf *c, const char *fname)
{
	size_t i;
	int err = 0;

	for (i = 0; i < c->nifs; i++) {
		if (if_nametoindex(c->ifs[i].dev))
			continue;
		errorf("%s:%u: [Interface %s]: no such device%s%s; nothing was changed",
		       fname, c->ifs[i].line, c->ifs[i].dev,
		       opts.netns ? " in netns " : "", opts.netns ? opts.netns : "");
		err = -1;
	}
	return err;
}

int iface_plan_make(struct iface_plan *p, const struct conf *c, const char *fname)
{
	struct conf_iface *have = NULL;
	size_t i, nhave = 0;

	memset(p, 0, sizeof(*p));
	if (!c->nifs)
		return 0;
	if (devices_exist(c, fname) || iface_state_read(&have, &nhave))
		return -1;
	for (i = 0; i < c->nifs; i++)
		step_add(p, find(have, nhave, c->ifs[i].dev), &c->ifs[i], true);
	/* hotline's things on devices the file does not name go */
	for (i = 0; i < nhave; i++)
		if (!find(c->ifs, c->nifs, have[i].dev))
			step_add(p, &have[i], NULL, false);
	free(have);
	return 0;
}

void iface_plan_free(struct iface_plan *p)
{
	free(p->v);
	memset(p, 0, sizeof(*p));
}

static const char *const qdisc_how[] = {
	[IQ_KEEP] = "keep", [IQ_INSTALL] = "install", [IQ_REPLACE] = "replace",
	[IQ_RATE] = "in place", [IQ_REMOVE] = "remove",
};
static const char *const guard_how[] = {
	[IG_KEEP] = "keep", [IG_ATTACH] = "attach", [IG_MODE] = "in place",
	[IG_LIMITS] = "in place", [IG_DETACH] = "detach",
};

/* One device's lines: each change with how it is made, or "unchanged". */
static void step_print(FILE *f, const struct iface_step *s, bool guard)
{
	size_t i;

	for (i = 0; i < s->nch; i++) {
		const struct iface_change *c = &s->ch[i];

		if (c->guard != guard)
			continue;
		fprintf(f, "~ interface %s %s: %s -> %s (%s)\n", s->want.dev, c->field,
			c->old, c->new, c->guard ? guard_how[s->g] : qdisc_how[s->q]);
	}
}

static void step_print_all(FILE *f, const struct iface_step *s)
{
	if (s->q == IQ_KEEP && s->g == IG_KEEP) {
		if (s->named)
			fprintf(f, "= interface %s: unchanged\n", s->want.dev);
		return;
	}
	step_print(f, s, false);
	step_print(f, s, true);
}

void iface_plan_print(FILE *f, const struct iface_plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		step_print_all(f, &p->v[i]);
}

void iface_plan_json(json_object *arr, const struct iface_plan *p)
{
	size_t i, j;

	for (i = 0; i < p->n; i++) {
		const struct iface_step *s = &p->v[i];
		json_object *o = json_object_new_object(), *ch = json_object_new_array();

		json_object_object_add(o, "op", json_object_new_string("interface"));
		json_object_object_add(o, "name", json_object_new_string(s->want.dev));
		json_object_object_add(o, "qdisc", json_object_new_string(qdisc_how[s->q]));
		json_object_object_add(o, "guard", json_object_new_string(guard_how[s->g]));
		for (j = 0; j < s->nch; j++) {
			json_object *c = json_object_new_object();

			json_object_object_add(c, "field",
					       json_object_new_string(s->ch[j].field));
			json_object_object_add(c, "old", json_object_new_string(s->ch[j].old));
			json_object_object_add(c, "new", json_object_new_string(s->ch[j].new));
			json_object_array_add(ch, c);
		}
		json_object_object_add(o, "changes", ch);
		json_object_array_add(arr, o);
	}
}

/* ---- making it so ---- */

static int qdisc_run(const struct iface_step *s)
{
	const struct conf_iface *w = &s->want;

	switch (s->q) {
	case IQ_KEEP:
		return 0;
	case IQ_INSTALL:
	case IQ_REPLACE:
		return qdisc_hotline_install(w->dev, w->qdisc, w->rate);
	case IQ_RATE:
		return qdisc_hotline_rate(w->dev, w->rate);
	case IQ_REMOVE:
		return qdisc_hotline_remove(w->dev);
	}
	return -1;
}

static int guard_fail(const char *what, const char *dev)
{
	errorf("guard %s %s: %s", what, dev, guard_error());
	return -1;
}

static int guard_run(struct hl_nl *nl, const struct iface_step *s)
{
	const struct conf_iface *w = &s->want;
	int err;

	switch (s->g) {
	case IG_KEEP:
		break;
	case IG_ATTACH:
	case IG_LIMITS:
		/* on a guard already there: mode and limits in place */
		if (guard_attach(w->dev, w->guard_mode, &w->limits, false))
			return guard_fail(s->g == IG_ATTACH ? "attach" : "update", w->dev);
		break;
	case IG_MODE:
		if (guard_set_mode(w->dev, w->guard_mode))
			return guard_fail("update", w->dev);
		break;
	case IG_DETACH:
		err = guard_detach(w->dev);
		if (err && err != -ENOENT)
			return guard_fail("detach", w->dev);
		guard_pin_root_tidy();
		return 0;
	}
	/* the channels may have changed: the guard admits their peers */
	return w->guard && guard_sync_dev(nl, w->dev) ? -1 : 0;
}

int iface_plan_run(struct hl_nl *nl, const struct iface_plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->v[i].g == IG_ATTACH)
			guard_pin_root_netns(true);
	for (i = 0; i < p->n; i++) {
		const struct iface_step *s = &p->v[i];

		if (qdisc_run(s) || guard_run(nl, s)) {
			errorf("apply stopped at interface %s: the channels%s were "
			       "changed; %s may be half changed, the devices after it "
			       "were not", s->want.dev, i ? " and the interfaces above" : "",
			       s->want.dev);
			return -1;
		}
		if (!opts.json)
			step_print_all(stdout, s);
	}
	return 0;
}
