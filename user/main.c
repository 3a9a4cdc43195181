// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hotlinectl: configure hotline channels, the priority qdisc and the guard,
 * and report link health.
 *
 * Every command is one entry of the table below; `help`, `help COMMAND` and
 * `COMMAND help` are printed from it, so a command cannot exist without its
 * help.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "config.h"
#include "hotlinectl.h"
#include "status.h"

#ifndef HOTLINE_VERSION
#define HOTLINE_VERSION "unknown"
#endif

#define MODULE_VERSION_PATH "/sys/module/hotline/version"

struct global_opts opts;

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const struct command commands[] = {
	{
		"channel", cmd_channel,
		"channel [ add | set | del | show ] ...",
		"  channel add NAME peer PREFIX [local PREFIX] [proto P] [port N[-M]]\n"
		"                   [dscp D] [priority P] [mark V[/M]]\n"
		"                   [probe ADDR[:PORT] [local-port N] [interval MS]\n"
		"                    [detect-mult N] (key-file PATH | unauthenticated)\n"
		"                    [max-loss PCT] [max-rtt MS]]\n"
		"                   [failback DURATION] [revertive yes|no]\n"
		"  channel set NAME OPTION...    change only what is given;\n"
		"                                local none, port none, health none clear\n"
		"  channel del NAME\n"
		"  channel [show [NAME]]         -s adds counters; -j prints JSON\n"
		"\n"
		"  PREFIX    ADDR[/LEN], IPv4 or IPv6, no host bits (a bare address is /32 or /128)\n"
		"  P         any (default), tcp, udp, icmp, sctp; port needs tcp, udp or sctp\n"
		"  D         DSCP written on egress: 0..63 or ef (default), csN, afNN, le, va\n"
		"  priority  skb->priority on egress: a number (default 7, TC_PRIO_CONTROL)\n"
		"            or a qdisc class MAJ:MIN in hex such as 1:10\n"
		"  mark      fwmark VALUE[/MASK] on both directions (0 leaves it alone)\n"
		"  probe     the peer's STAMP reflector (port 862 unless given; IPv6 as [ADDR]:PORT)\n"
		"  interval  10..60000 ms between probes (default 1000); detect-mult 1..255 (3)\n"
		"  key-file  holds the base64 of a 32-byte key (hotlinectl genkey > FILE)\n"
		"  max-loss  percent lost over the window beyond which the link is degraded\n"
		"  max-rtt   p99 RTT in ms beyond which the link is degraded\n"
		"  failback  how long a more preferred path must be up before the traffic\n"
		"            goes back to it: 0..600s (default 5s); see hotlinectl help path\n"
		"  revertive no: stay on the active path while it is up (default yes)\n"
	},
	{
		"path", cmd_path,
		"path [ add | set | del ] CHANNEL PATH ...",
		"  path add CHANNEL PATH local ADDR probe ADDR[:PORT] mark M[/MASK]\n"
		"                        [pref N] [interval D] [detect-mult N]\n"
		"                        [max-loss PCT] [max-rtt MS]\n"
		"                        [key-file FILE | unauthenticated]\n"
		"  path set CHANNEL PATH KEY VALUE...   change only what is given;\n"
		"                        interval, detect-mult, max-loss, max-rtt default:\n"
		"                        the channel's value again\n"
		"  path del CHANNEL PATH\n"
		"\n"
		"  A path is one way to the peer gateway (an ISP, a circuit, a tunnel),\n"
		"  probed from our address on it (local) to the peer's reflector on it\n"
		"  (probe). The kernel sends the channel's traffic with the mark of the\n"
		"  most preferred path that is up (pref: lower first, default 100), so\n"
		"  ip rule fwmark M lookup TABLE steers it; with no path up, no path mark\n"
		"  (the main table). Up to 8 paths, one address family, marks that differ\n"
		"  under their masks. interval, detect-mult, max-loss and max-rtt default\n"
		"  to the channel's health settings. A channel without probing needs\n"
		"  key-file or unauthenticated with its first path. show lists the\n"
		"  paths under their channel; monitor prints each switch.\n"
	},
	{
		"qdisc", cmd_qdisc,
		"qdisc DEV [ rate RATE | del | show ]",
		"  qdisc DEV             root prio qdisc 1: with 3 bands; band 0 (class 1:1)\n"
		"                        carries priority 7 (hotline's default) only\n"
		"  qdisc DEV rate RATE   root HTB 1: shaped to RATE; hotline in class 1:10\n"
		"                        (priority 7, or channels with priority 1:10),\n"
		"                        everything else in 1:20 (fq_codel)\n"
		"  qdisc DEV del         remove the root qdisc (back to the default)\n"
		"  qdisc DEV show        what is installed (-s adds counters)\n"
		"\n"
		"  RATE  bits per second with tc's units: 500kbit, 20mbit, 1gbit\n"
		"        (kbps, mbps are bytes per second, as in tc)\n"
	},
	{
		"show", cmd_show,
		"show [NAME]",
		"  health of each channel: STATE (admin-down, down, init, up, degraded;\n"
		"  - without probing), SINCE (time since the last change), RTT p50 and\n"
		"  p99 and jitter in ms, LOSS in % over the window, PROBES sent/received\n"
		"  -s adds packet and probe counters; -j prints JSON\n"
	},
	{
		"monitor", cmd_monitor,
		"monitor [--count N]",
		"  print channel changes and health state changes as they happen, one\n"
		"  line each, until interrupted (or N events); -j: one JSON object a line\n"
	},
	{
		"stats", cmd_stats,
		"stats [NAME] [--prometheus|-p]",
		"  channel and probe counters as a table (-j: JSON), or with\n"
		"  --prometheus in the Prometheus text format (metrics hotline_*)\n"
	},
	{
		"guard", cmd_guard,
		"guard [ attach | detach | show | sync | watch ] ...",
		"  guard attach DEV [mode M] [rate PPS] [burst N] [bytes RATE]\n"
		"               [byte-burst N] [generic]\n"
		"  guard detach DEV\n"
		"  guard show [DEV]       mode, limits, peers, verdict counters (-j JSON)\n"
		"  guard sync DEV         admit the peers of the channels now\n"
		"  guard watch DEV [hold SECS]\n"
		"                         keep the peers in sync; arm the guard when a\n"
		"                         channel goes down or degraded, disarm once all\n"
		"                         are up and nothing was dropped for SECS (30);\n"
		"                         one line per change, with why; until interrupted\n"
		"\n"
		"  The XDP guard on DEV (the WAN side) always passes packets from hotline\n"
		"  peers (channel peer prefixes and probe addresses) and rate-limits the\n"
		"  rest. M: off, monitor (count only), enforce, auto (default: enforce\n"
		"  while armed by guard watch). PPS packets/s, N packets; RATE tc units\n"
		"  (20mbit); generic forces generic XDP. attach also syncs the peers.\n"
	},
	{
		"apply", cmd_apply,
		"apply FILE [--dry-run | --check]",
		"  make the running channels equal FILE (hotline.conf(5); - reads\n"
		"  standard input). The whole file is checked first, key files\n"
		"  included: any error, all of them reported as FILE:LINE, and nothing\n"
		"  changes. Then channels not in FILE are deleted, changed ones get\n"
		"  only what differs, missing ones are added, all in one request: the\n"
		"  kernel makes every step or, if one cannot be made, none. Unchanged\n"
		"  channels keep their id, counters and health session. Once made,\n"
		"  the steps are printed:\n"
		"    - del NAME      ~ set NAME FIELD: OLD -> NEW      + add NAME ...\n"
		"    ~ set NAME Path: none -> P (added), Path: P -> none (removed),\n"
		"      Path P FIELD: OLD -> NEW; a channel whose paths change gets its\n"
		"      whole list, and unchanged paths keep their sessions\n"
		"    ~ key NAME: sent again (keys cannot be read back; an unchanged\n"
		"                key keeps the health session)\n"
		"  Then, if FILE has [Interface DEV] sections, each device's qdisc and\n"
		"  guard (hotline's on devices FILE does not name are removed):\n"
		"    ~ interface DEV KEY: OLD -> NEW (install|replace|in place|remove|\n"
		"                                     attach|detach)\n"
		"    = interface DEV: unchanged      (nothing written)\n"
		"  --dry-run, -n   print the steps, change nothing (-j: as JSON)\n"
		"  --check         only read and check FILE (not whether its devices\n"
		"                  exist); needs no module\n"
	},
	{
		"showconf", cmd_showconf,
		"showconf",
		"  print the running channels, and the devices with hotline's qdisc or\n"
		"  guard, as hotline.conf; apply takes it back unchanged. Keys cannot be read from the kernel: a keyed channel\n"
		"  gets a \"# KeyFile = ...\" comment to replace with its key file.\n"
	},
	{
		"genkey", cmd_genkey,
		"genkey",
		"  prints a new random 32-byte key in base64, for key-file\n"
	},
	{
		"systemd-generator", cmd_systemd_generator,
		"systemd-generator DIR [FILE]",
		"  what the systemd generator hotline-generator runs: for each\n"
		"  [Interface DEV] in FILE (/etc/hotline/hotline.conf), makes\n"
		"  hotline.service wait for DEV's device unit and, with Guard =\n"
		"  auto, want hotline-guard@DEV (the drop-in DIR/hotline.service.d/\n"
		"  50-interfaces.conf); a file with errors wants nothing and they\n"
		"  are printed\n"
	},
	{
		"version", cmd_version,
		"version",
		"  the versions of hotlinectl and of the loaded hotline module\n"
	},
	{
		"help", cmd_help,
		"help [COMMAND]",
		"  all commands, or one command in detail\n"
	},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void vmsg(const char *fmt, va_list ap)
{
	fputs("hotlinectl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void errorf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

int invalid_arg(const char *keyword, const char *value,
		const struct parse_error *e)
{
	return usage_error("invalid %s \"%s\": %s", keyword, value, e->why);
}

static const struct command *command_find(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void usage(FILE *f)
{
	size_t i;

	fputs("Usage: hotlinectl [-j|--json] [-s|--stats] [-N|--netns NETNS] "
	      "[-h|--help] COMMAND ...\n\nCommands:\n", f);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %s\n", commands[i].usage);
	fputs("\nOptions:\n"
	      "  -j, --json         JSON output\n"
	      "  -s, --stats        include counters\n"
	      "  -N, --netns NETNS  act in network namespace NETNS (/run/netns/NETNS)\n"
	      "  -h, --help         this help\n"
	      "\n`hotlinectl help COMMAND` describes one command.\n"
	      "Exit status: 0 done, 1 failed, 2 usage error.\n", f);
}

static void command_help(const struct command *c)
{
	printf("Usage: hotlinectl %s\n\n%s", c->usage, c->help);
}

static int cmd_help(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	c = command_find(argv[1]);
	if (!c || argc > 2)
		return usage_error("no help for \"%s\": see hotlinectl help", argv[1]);
	command_help(c);
	return EXIT_OK;
}

static int cmd_version(int argc, char **argv)
{
	char modver[64] = "";
	FILE *f;

	(void)argv;
	if (argc > 1)
		return usage_error("version takes no arguments");
	f = fopen(MODULE_VERSION_PATH, "re");
	if (f) {
		if (!fgets(modver, sizeof(modver), f))
			modver[0] = '\0';
		(void)fclose(f);	/* read only: nothing to lose */
		modver[strcspn(modver, "\n")] = '\0';
	}
	if (opts.json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "hotlinectl",
				       json_object_new_string(HOTLINE_VERSION));
		json_object_object_add(o, "module", modver[0] ?
				       json_object_new_string(modver) : NULL);
		printf("%s\n", json_object_to_json_string_ext(o,
			JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		printf("hotlinectl %s\nhotline module %s\n", HOTLINE_VERSION,
		       modver[0] ? modver : "not loaded");
	}
	return EXIT_OK;
}

static int netns_enter(const char *name)
{
	char path[4096];
	int fd;

	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return usage_error("invalid netns \"%s\": must be a name under /run/netns",
				   name);
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		errorf("network namespace \"%s\" not found: %s: %s", name, path,
		       strerror(errno));
		return EXIT_ERROR;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		errorf("cannot enter network namespace \"%s\": %s", name,
		       strerror(errno));
		close(fd);
		return EXIT_ERROR;
	}
	close(fd);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "stats", no_argument, NULL, 's' },
		{ "netns", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct command *c;
	int opt, ret;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+jsN:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			opts.json = true;
			break;
		case 's':
			opts.stats = true;
			break;
		case 'N':
			opts.netns = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			if (optopt == 'N')
				return usage_error("option -N needs a network namespace");
			return usage_error("unknown option \"%s\": see hotlinectl help",
					   argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	c = command_find(argv[0]);
	if (!c)
		return usage_error("unknown command \"%s\": see hotlinectl help",
				   argv[0]);
	if (argc >= 2 && (!strcmp(argv[1], "help") || !strcmp(argv[1], "-h") ||
			  !strcmp(argv[1], "--help"))) {
		command_help(c);
		return EXIT_OK;
	}
	if (opts.netns) {
		ret = netns_enter(opts.netns);
		if (ret)
			return ret;
	}
	return c->run(argc, argv);
}
