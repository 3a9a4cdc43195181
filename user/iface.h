/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * [Interface DEV] sections made true: hotline's root qdisc (qdisc.c) and
 * XDP guard (guard.c) on each device, read back and changed by apply
 * (iface.c) with the least that makes them equal to the file.
 */
#ifndef HOTLINECTL_IFACE_H
#define HOTLINECTL_IFACE_H

#include <stdio.h>

#include <json-c/json.h>

#include "config.h"
#include "nl.h"

/* qdisc.c. Each returns 0, or -1 after saying what failed. */
/* Every device whose root is hotline's qdisc: dev, qdisc and rate set. */
int qdisc_hotline_list(struct conf_iface **v, size_t *n);
/* Replaces DEV's root with hotline's KIND (a clean slate, as `qdisc`). */
int qdisc_hotline_install(const char *dev, enum conf_qdisc kind, uint64_t rate);
/* Changes the rate of hotline's HTB classes in place: the qdisc stays. */
int qdisc_hotline_rate(const char *dev, uint64_t rate);
int qdisc_hotline_remove(const char *dev);

/* guard_cmd.c: the pins of this -N namespace (made, tidied after a
 * detach); peers from the channels. */
void guard_pin_root_netns(bool create);
void guard_pin_root_tidy(void);
int guard_sync_dev(struct hl_nl *nl, const char *dev);

/* What an apply does to the devices; iface.c. */
enum iface_qdisc_op { IQ_KEEP, IQ_INSTALL, IQ_REPLACE, IQ_RATE, IQ_REMOVE };
enum iface_guard_op { IG_KEEP, IG_ATTACH, IG_MODE, IG_LIMITS, IG_DETACH };

struct iface_change {
	char field[16];
	char old[HL_FMT_MAX], new[HL_FMT_MAX];
	bool guard;		/* a guard key, else a qdisc key */
};

struct iface_step {
	struct conf_iface cur, want;
	bool named;		/* by the file; else hotline's things go */
	enum iface_qdisc_op q;
	enum iface_guard_op g;
	struct iface_change ch[8];
	size_t nch;
};

struct iface_plan {
	struct iface_step *v;
	size_t n;
};

/* What hotline has on the devices, sorted by name (showconf, apply). */
int iface_state_read(struct conf_iface **v, size_t *n);
/*
 * The steps that make the devices what c says, when c has [Interface]
 * sections (none: no step, every device is left alone). A device the
 * file names that does not exist is an error at its line. 0, or -1 after
 * saying what is wrong.
 */
int iface_plan_make(struct iface_plan *p, const struct conf *c, const char *fname);
void iface_plan_print(FILE *f, const struct iface_plan *p);
void iface_plan_json(json_object *arr, const struct iface_plan *p);
/* Makes the steps, printing each once made; stops at the first failure. */
int iface_plan_run(struct hl_nl *nl, const struct iface_plan *p);
void iface_plan_free(struct iface_plan *p);

#endif
