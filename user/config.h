/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hotline.conf: the declarative channel table that `apply` makes true and
 * `showconf` prints (the format is in docs/hotline.conf.5).
 *
 * The parser is a pure function of the text (plus reading key files when
 * asked to), so the unit tests and the fuzzer drive it directly. It never
 * stops at the first mistake: every error of the file is collected, each as
 * "FILE:LINE: message", and a file with any error yields no channels.
 */
#ifndef HOTLINECTL_CONFIG_H
#define HOTLINECTL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <net/if.h>

#include "channel.h"
#include "guard.h"
#include "name_index.h"

/* One [Channel NAME] section, with every default filled in, and the
 * paths of its [Path NAME PATH] sections in ch.paths. */
struct conf_channel {
	struct hl_channel ch;	/* health.has: HL_H_KEY or HL_H_UNAUTH */
	char *key_file;		/* as resolved; NULL when there is none */
	unsigned int line;	/* of the [Channel NAME] header */
};

/* The root qdisc hotline installs on a device (see qdisc.c). */
enum conf_qdisc {
	CONF_QDISC_NONE,	/* none of hotline's; another root is left alone */
	CONF_QDISC_PRIO,
	CONF_QDISC_HTB,
};

/*
 * One [Interface DEV] section: hotline's qdisc and guard on DEV. The
 * guard's bursts are filled in as the guard would fill them (a rate's
 * burst defaults to one second of it), so a section compares equal to
 * what the guard reports back.
 */
struct conf_iface {
	char dev[IF_NAMESIZE];
	enum conf_qdisc qdisc;
	uint64_t rate;			/* bit/s; with CONF_QDISC_HTB only */
	bool guard;			/* false: no guard (Guard = none) */
	enum guard_mode guard_mode;
	struct guard_limits limits;	/* bytes in bytes, as guard.h */
	unsigned int line;		/* of the [Interface DEV] header */
};

struct conf {
	struct conf_channel *v;
	size_t n;
	size_t cap;		/* of v */
	struct name_index ix;	/* name -> index in v, for conf_find() */
	struct conf_iface *ifs;	/* in the file's order */
	size_t nifs;
	char **errors;		/* "FILE:LINE: message" */
	size_t nerrors;
};

enum conf_flags {
	CONF_READ_KEYS	= 1 << 0,	/* read each KeyFile into health.key */
};

/*
 * Parses text (len bytes, need not be NUL-terminated) named fname in the
 * messages. KeyFile paths that are relative are taken from the directory
 * of fname (base_dir, or the current directory when NULL). Returns the
 * number of errors; c is always filled and must be freed.
 */
size_t conf_parse(const char *text, size_t len, const char *fname,
		  const char *base_dir, unsigned int flags, struct conf *c);

/* Reads a whole file ("-" is standard input) and parses it. */
size_t conf_load(const char *path, unsigned int flags, struct conf *c);

void conf_free(struct conf *c);

/* The channel named name, or NULL. */
struct conf_channel *conf_find(const struct conf *c, const char *name);

/*
 * Prints channels in hotline.conf form; key_files[i] is the KeyFile of
 * chs[i] (NULL: a keyed channel gets a comment saying the key cannot be
 * read back from the kernel). key_files may be NULL altogether.
 */
void conf_print(FILE *f, const struct hl_channel *chs, const char *const *key_files,
		size_t n);

/* "htb", "prio" or "none", as the file spells it. */
const char *conf_qdisc_name(enum conf_qdisc q);
/* The burst the guard gives a rate that has none: one second's worth. */
uint64_t conf_guard_burst(uint64_t rate);

/* Prints [Interface DEV] sections, a blank line between them (and before
 * the first when blank: channels came before). */
void conf_print_ifaces(FILE *f, const struct conf_iface *v, size_t n, bool blank);
/* What a config can say about an interface: not its line. */
bool conf_iface_equal(const struct conf_iface *a, const struct conf_iface *b);

/*
 * Compares what a config can say about two channels (not id or counters):
 * paths in their order (it breaks ties of preference), FailbackHold and
 * Revertive when there are paths.
 */
bool conf_channel_equal(const struct hl_channel *a, const struct hl_channel *b);
/* Two paths as a config describes them (not their status). */
bool conf_path_equal(const struct hl_path *a, const struct hl_path *b);

/* The commands (apply.c). */
int cmd_apply(int argc, char **argv);
int cmd_showconf(int argc, char **argv);

#endif
