// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the hotline.conf parser (user/config.c). Besides not
 * crashing, leaking or invoking undefined behaviour, a file that parses
 * must print (conf_print, conf_print_ifaces) into a file that parses back
 * to the same channels and interfaces: the property `showconf | apply -`
 * relies on.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char **keys;
	struct hl_channel *chs;
	struct conf c, back;
	char *text = NULL;
	size_t len = 0, i;
	FILE *f;

	if (conf_parse((const char *)data, size, "fuzz.conf", NULL, 0, &c)) {
		conf_free(&c);
		return 0;
	}
	chs = calloc(c.n + 1, sizeof(*chs));
	keys = calloc(c.n + 1, sizeof(*keys));
	if (!chs || !keys)
		abort();
	for (i = 0; i < c.n; i++) {
		chs[i] = c.v[i].ch;
		keys[i] = c.v[i].key_file;
	}
	f = open_memstream(&text, &len);
	if (!f)
		abort();
	conf_print(f, chs, keys, c.n);
	conf_print_ifaces(f, c.ifs, c.nifs, c.n > 0);
	fclose(f);
	if (conf_parse(text, len, "printed.conf", NULL, 0, &back) || back.n != c.n ||
	    back.nifs != c.nifs) {
		fprintf(stderr, "printed config does not parse back:\n%s", text);
		abort();
	}
	for (i = 0; i < c.n; i++) {
		const char *k1 = c.v[i].key_file, *k2 = back.v[i].key_file;

		if (!conf_channel_equal(&c.v[i].ch, &back.v[i].ch) ||
		    !k1 != !k2 || (k1 && strcmp(k1, k2))) {
			fprintf(stderr, "channel %zu differs after print and parse:\n%s",
				i, text);
			abort();
		}
	}
	for (i = 0; i < c.nifs; i++) {
		if (!conf_iface_equal(&c.ifs[i], &back.ifs[i])) {
			fprintf(stderr, "interface %zu differs after print and parse:\n%s",
				i, text);
			abort();
		}
	}
	conf_free(&back);
	conf_free(&c);
	free(text);
	free(chs);
	free(keys);
	return 0;
}
