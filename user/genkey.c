// SPDX-License-Identifier: GPL-2.0-or-later
/* `hotlinectl genkey`: a new health key, in the form key-file takes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hotlinectl.h"
#include "key.h"

/*
 * `genkey > FILE` makes FILE with the shell's umask, usually 0644, and
 * key-file refuses such a file: make it private before the key is in it,
 * or print nothing.
 */
static int stdout_private(void)
{
	struct stat st;

	if (fstat(STDOUT_FILENO, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 077))
		return 0;
	if (fchmod(STDOUT_FILENO, st.st_mode & 0700) < 0) {
		errorf("genkey: the file it writes to is open to group or others "
		       "(mode %04o) and cannot be made private: %s; "
		       "use (umask 077; hotlinectl genkey > FILE)",
		       (unsigned int)(st.st_mode & 07777), strerror(errno));
		return -1;
	}
	return 0;
}

int cmd_genkey(int argc, char **argv)
{
	uint8_t key[HOTLINE_KEY_LEN];
	char text[KEY_B64_LEN + 1];
	size_t got = 0;

	(void)argv;
	if (argc > 1)
		return usage_error("genkey takes no arguments");
	if (stdout_private() < 0)
		return EXIT_ERROR;
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
	explicit_bzero(key, sizeof(key));
	printf("%s\n", text);
	explicit_bzero(text, sizeof(text));
	return EXIT_OK;
}
