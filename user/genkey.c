// SPDX-License-Identifier: GPL-2.0-or-later
/* `hotlinectl genkey`: a new health key, in the form key-file takes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "hotlinectl.h"
#include "key.h"

int cmd_genkey(int argc, char **argv)
{
	uint8_t key[HOTLINE_KEY_LEN];
	char text[KEY_B64_LEN + 1];
	size_t got = 0;

	(void)argv;
	if (argc > 1)
		return usage_error("genkey takes no arguments");
	while (got < sizeof(key)) {
		ssize_t n = getrandom(key + got, sizeof(key) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			errorf("getrandom: %s", strerror(errno));
			return EXIT_ERROR;
		}
		got += (size_t)n;
	}
	base64_encode(key, sizeof(key), text);
	memset(key, 0, sizeof(key));
	printf("%s\n", text);
	return EXIT_OK;
}
