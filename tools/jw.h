/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one JSON writer of wbguard: objects and arrays with keys and
 * values written through typed calls, commas and escaping done here, one
 * line per top-level object (JSON Lines). Plain C, unit-tested.
 */
#ifndef WBG_JW_H
#define WBG_JW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 8

struct jw {
	FILE *f;
	int depth;
	bool need_comma[JW_MAX_DEPTH];
};

/* Start a top-level object on @f; jw_end() closes it with a newline. */
void jw_begin(struct jw *w, FILE *f);
void jw_end(struct jw *w);
/* Nested object/array as the value of @key (NULL inside an array). */
void jw_obj(struct jw *w, const char *key);
void jw_obj_end(struct jw *w);
void jw_arr(struct jw *w, const char *key);
void jw_arr_end(struct jw *w);
/* Values; @key is NULL inside an array. A NULL string is null. */
void jw_str(struct jw *w, const char *key, const char *v);
void jw_u64(struct jw *w, const char *key, uint64_t v);
void jw_i64(struct jw *w, const char *key, int64_t v);
void jw_bool(struct jw *w, const char *key, bool v);
void jw_null(struct jw *w, const char *key);
/* A number with @prec decimals (seconds, ratios). */
void jw_double(struct jw *w, const char *key, double v, int prec);
/* "MAJ:MIN" of a kernel dev_t (MINORBITS 20) */
void jw_dev(struct jw *w, const char *key, uint32_t kdev);

#endif
