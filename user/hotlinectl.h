/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every hotlinectl command shares: the global options, the exit
 * statuses, and the command table's entry type.
 */
#ifndef HOTLINECTL_H
#define HOTLINECTL_H

#include <stdbool.h>

#include "parse.h"

#define EXIT_OK		0
#define EXIT_ERROR	1	/* the operation failed, the kernel said no */
#define EXIT_USAGE	2	/* the command line is wrong */

struct global_opts {
	bool json;
	bool stats;
	const char *netns;
};

extern struct global_opts opts;

struct command {
	const char *name;
	int (*run)(int argc, char **argv);	/* argv[0] is the command name */
	const char *usage;			/* one line, after "hotlinectl " */
	const char *help;			/* what `help COMMAND` adds */
};

/* Messages start with "hotlinectl: "; the usage ones return EXIT_USAGE. */
void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* `invalid KEYWORD "VALUE": why`, returns EXIT_USAGE */
int invalid_arg(const char *keyword, const char *value,
		const struct parse_error *e);

int cmd_channel(int argc, char **argv);
int cmd_path(int argc, char **argv);
int cmd_qdisc(int argc, char **argv);
int cmd_genkey(int argc, char **argv);
int cmd_systemd_generator(int argc, char **argv);

#endif
