/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Health keys: base64 text in a key file, 32 raw bytes on the wire. */
#ifndef HOTLINECTL_KEY_H
#define HOTLINECTL_KEY_H

#include <stddef.h>
#include <stdint.h>

#include <linux/hotline.h>

#include "parse.h"

/* Length of the base64 text of a key, without the NUL: 44 */
#define KEY_B64_LEN	(((HOTLINE_KEY_LEN + 2) / 3) * 4)

/* out must hold 4 * ((len + 2) / 3) + 1 bytes */
void base64_encode(const uint8_t *in, size_t len, char *out);
/* Strict: canonical padding, no stray characters. Returns the decoded
 * length, or -1. */
long base64_decode(const char *in, size_t inlen, uint8_t *out, size_t outmax);

/*
 * Reads a key file (base64 of 32 bytes, surrounding whitespace allowed);
 * refuses one that group or others may read or write, or that belongs to
 * a user other than root or the caller.
 */
int key_file_read(const char *path, uint8_t key[HOTLINE_KEY_LEN],
		  struct parse_error *e);

#endif
