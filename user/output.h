/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Output for humans (aligned tables) and for scripts (JSON); the shapes are
 * documented at the top of output.c.
 */
#ifndef HOTLINECTL_OUTPUT_H
#define HOTLINECTL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

#include "channel.h"

struct table_col {
	const char *head;
	bool right;		/* right-aligned, for numbers */
};

struct table;

struct table *table_new(const struct table_col *cols, size_t ncols);
/* Copies ncols cells; NULL cells print as "-". */
void table_add(struct table *t, const char *const *cells);
void table_print(const struct table *t, FILE *f);
void table_free(struct table *t);

json_object *channel_json(const struct hl_channel *ch);
/* One member of a channel object's "paths" (output.c). */
json_object *path_json(const struct hl_path *p);
/* Prints a JSON value and a newline, then drops the reference. */
void json_print(FILE *f, json_object *o);

void channels_print(FILE *f, const struct hl_channel *chs, size_t n,
		    bool json, bool stats);

#endif
