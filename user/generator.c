// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `hotlinectl systemd-generator DIR [FILE]`: what the systemd generator
 * hotline-generator runs at boot and on every `systemctl daemon-reload`.
 * It writes DIR/hotline.service.d/50-interfaces.conf, a drop-in that
 * makes the file the one place the gateway is described:
 *
 * - hotline.service waits for the device of each [Interface DEV] section
 *   (Wants= and After= its sys-subsystem-net-devices-DEV.device, which
 *   udev announces once the device exists under its final name). The
 *   service runs early, before network-pre.target, and apply changes
 *   nothing when a device it names is missing: without the wait, a NIC
 *   that udev had not yet announced would cost the gateway its channels
 *   at boot, not only that interface's qdisc and guard. A device that
 *   never comes holds the start for systemd's device timeout (90 s by
 *   default), then apply fails naming it.
 * - A guard in auto mode does nothing without `guard watch` beside it:
 *   each [Interface DEV] with `Guard = auto` makes hotline.service want
 *   hotline-guard@DEV.service, so the watch starts with the channels.
 *
 * A drop-in rather than .wants/ links: it needs no path to the unit
 * files, which differ between `make install` and the packages.
 *
 * The file is parsed by the same code as `apply` (key files not read: a
 * generator runs before the file systems are all there, and the keys are
 * apply's business). A file that does not exist wants nothing; a file
 * with errors wants nothing and prints them, as systemd shows a
 * generator's messages in the journal. Nothing is written unless the
 * whole file is good.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "hotlinectl.h"
#include "parse.h"

#define GEN_DEFAULT_FILE	"/etc/hotline/hotline.conf"
#define GEN_DROPIN_DIR		"hotline.service.d"
#define GEN_DROPIN		"50-interfaces.conf"
#define GEN_DEVICE_UNIT		"sys-subsystem-net-devices-"

/*
 * hotline-guard@.service passes its instance with %i, unescaped: a name is
 * used only when it is its own unit-name escape (no \xNN needed).
 */
static bool instance_safe(const char *dev)
{
	return *dev != '.' && name_chars_valid(dev, IF_NAMESIZE - 1);
}

/*
 * The device unit systemd makes of a network device: its sysfs alias
 * /sys/subsystem/net/devices/DEV escaped as systemd-escape --path does
 * (a byte other than a letter, a digit, ':', '_' or '.' as \xNN; '-'
 * too, which stands for '/'). Interface names are at most 15 bytes.
 */
static void device_unit(const char *dev, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = (size_t)snprintf(out, size, "%s", GEN_DEVICE_UNIT);
	const unsigned char *p;

	for (p = (const unsigned char *)dev; *p && n + 5 < size; p++) {
		if (isalnum(*p) || *p == ':' || *p == '_' || *p == '.') {
			out[n++] = (char)*p;
		} else {
			out[n++] = '\\';
			out[n++] = 'x';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 15];
		}
	}
	snprintf(out + n, size - n, ".device");
}

static bool guard_auto(const struct conf_iface *it)
{
	return it->guard && it->guard_mode == GUARD_MODE_AUTO;
}

static bool wants_watch(const struct conf_iface *it)
{
	return guard_auto(it) && instance_safe(it->dev);
}

static int write_dropin(const char *dir, const char *file, const struct conf *c)
{
	char ddir[4096], path[4096 + 64], tmp[4096 + 64], unit[128];
	size_t i;
	FILE *f;
	int fd, len;

	if (!c->nifs)
		return EXIT_OK;
	len = snprintf(ddir, sizeof(ddir), "%s/%s", dir, GEN_DROPIN_DIR);
	if (len < 0 || (size_t)len >= sizeof(ddir)) {
		errorf("systemd-generator: directory name too long: %s", dir);
		return EXIT_ERROR;
	}
	(void)snprintf(path, sizeof(path), "%s/%s", ddir, GEN_DROPIN);
	(void)snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", ddir, GEN_DROPIN);
	if (mkdir(ddir, 0755) < 0 && errno != EEXIST) {
		errorf("systemd-generator: cannot create %s: %s", ddir, strerror(errno));
		return EXIT_ERROR;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		errorf("systemd-generator: cannot write %s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return EXIT_ERROR;
	}
	fprintf(f, "# Written by hotline-generator from %s: the channels wait\n"
		"# for each [Interface DEV]'s device; Guard = auto there gets\n"
		"# its guard watch with them.\n"
		"[Unit]\n", file);
	for (i = 0; i < c->nifs; i++) {
		device_unit(c->ifs[i].dev, unit, sizeof(unit));
		fprintf(f, "Wants=%s\nAfter=%s\n", unit, unit);
	}
	for (i = 0; i < c->nifs; i++) {
		if (wants_watch(&c->ifs[i]))
			fprintf(f, "Wants=hotline-guard@%s.service\n", c->ifs[i].dev);
	}
	if (fclose(f) != 0) {
		errorf("systemd-generator: cannot write %s: %s", tmp, strerror(errno));
		unlink(tmp);
		return EXIT_ERROR;
	}
	if (rename(tmp, path) < 0) {
		errorf("systemd-generator: cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

int cmd_systemd_generator(int argc, char **argv)
{
	const char *dir, *file = GEN_DEFAULT_FILE;
	struct conf c;
	size_t i;
	int ret;

	/* systemd passes three directories: hotline-generator gives the first */
	if (argc < 2 || argc > 3)
		return usage_error("systemd-generator needs DIR (and at most FILE)");
	dir = argv[1];
	if (argc == 3)
		file = argv[2];
	if (access(file, F_OK) < 0 && errno == ENOENT)
		return EXIT_OK;
	if (conf_load(file, 0, &c)) {
		for (i = 0; i < c.nerrors; i++)
			fprintf(stderr, "%s\n", c.errors[i]);
		errorf("systemd-generator: %s: %zu error%s, nothing wanted",
		       file, c.nerrors, c.nerrors == 1 ? "" : "s");
		conf_free(&c);
		return EXIT_ERROR;
	}
	for (i = 0; i < c.nifs; i++) {
		if (guard_auto(&c.ifs[i]) && !wants_watch(&c.ifs[i]))
			errorf("systemd-generator: %s:%u: [Interface %s]: not a name "
			       "hotline-guard@.service can carry (letters, digits, "
			       "_ - . only); no guard watch for it",
			       file, c.ifs[i].line, c.ifs[i].dev);
	}
	ret = write_dropin(dir, file, &c);
	conf_free(&c);
	return ret;
}
