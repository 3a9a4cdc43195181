// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Health keys and `genkey`. The key file holds what genkey prints: the
 * base64 of 32 random bytes, the HMAC-SHA-256 key of authenticated STAMP.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "key.h"

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void base64_encode(const uint8_t *in, size_t len, char *out)
{
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

		*out++ = b64[v >> 18];
		*out++ = b64[(v >> 12) & 63];
		*out++ = b64[(v >> 6) & 63];
		*out++ = b64[v & 63];
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;

		*out++ = b64[v >> 18];
		*out++ = b64[(v >> 12) & 63];
		*out++ = '=';
		*out++ = '=';
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;

		*out++ = b64[v >> 18];
		*out++ = b64[(v >> 12) & 63];
		*out++ = b64[(v >> 6) & 63];
		*out++ = '=';
	}
	*out = '\0';
}

static int b64_value(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

long base64_decode(const char *in, size_t inlen, uint8_t *out, size_t outmax)
{
	size_t i, n = 0;

	if (inlen % 4)
		return -1;
	for (i = 0; i < inlen; i += 4) {
		int v[4], k, pad = 0;
		uint32_t w;

		for (k = 0; k < 4; k++) {
			if (in[i + k] == '=' && i + 4 == inlen && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			if (pad)	/* data after padding */
				return -1;
			v[k] = b64_value(in[i + k]);
			if (v[k] < 0)
				return -1;
		}
		w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 |
		    (uint32_t)v[2] << 6 | (uint32_t)v[3];
		/* canonical: the bits the padding hides must be zero */
		if ((pad == 1 && (w & 0xff)) || (pad == 2 && (w & 0xffff)))
			return -1;
		if (n + 3 - (size_t)pad > outmax)
			return -1;
		out[n++] = (uint8_t)(w >> 16);
		if (pad < 2)
			out[n++] = (uint8_t)(w >> 8);
		if (pad < 1)
			out[n++] = (uint8_t)w;
	}
	return (long)n;
}

/*
 * Whoever can read a key file can forge health replies, whoever can
 * write it can swap the key: like sshd with a private key, refuse a file
 * open to group or others, or owned by anyone but root or ourselves.
 */
static int key_file_private(int fd, struct parse_error *e)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return parse_fail(e, "cannot stat it: %s", strerror(errno));
	if (st.st_mode & 077)
		return parse_fail(e, "it is open to group or others (mode %04o): "
				  "chmod 600 it", (unsigned int)(st.st_mode & 07777));
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return parse_fail(e, "it belongs to uid %u, neither root nor us: "
				  "chown it", (unsigned int)st.st_uid);
	return 0;
}

int key_file_read(const char *path, uint8_t key[HOTLINE_KEY_LEN],
		  struct parse_error *e)
{
	char text[256];
	uint8_t raw[HOTLINE_KEY_LEN + 3];
	ssize_t n;
	size_t start = 0, end;
	long len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return parse_fail(e, "cannot open it: %s", strerror(errno));
	if (key_file_private(fd, e) < 0) {
		close(fd);
		return -1;
	}
	n = read(fd, text, sizeof(text) - 1);
	if (n < 0) {
		int err = errno;

		close(fd);
		return parse_fail(e, "cannot read it: %s", strerror(err));
	}
	close(fd);
	end = (size_t)n;
	text[end] = '\0';
	while (start < end && isspace((unsigned char)text[start]))
		start++;
	while (end > start && isspace((unsigned char)text[end - 1]))
		end--;
	len = base64_decode(text + start, end - start, raw, sizeof(raw));
	explicit_bzero(text, sizeof(text));
	if (len != HOTLINE_KEY_LEN) {
		explicit_bzero(raw, sizeof(raw));
		return parse_fail(e, "it must hold the base64 of a %d-byte key "
			    "(hotlinectl genkey makes one)", HOTLINE_KEY_LEN);
	}
	memcpy(key, raw, HOTLINE_KEY_LEN);
	explicit_bzero(raw, sizeof(raw));
	return 0;
}
