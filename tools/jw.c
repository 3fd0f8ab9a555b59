// SPDX-License-Identifier: GPL-2.0
/* JSON Lines writer: see jw.h. */
#include <math.h>
#include "jw.h"

static void str_lit(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Comma and key before a value. */
static void key(struct jw *w, const char *k)
{
	if (w->need_comma[w->depth])
		fputc(',', w->f);
	w->need_comma[w->depth] = true;
	if (k) {
		str_lit(w->f, k);
		fputc(':', w->f);
	}
}

static void jopen(struct jw *w, const char *k, char c)
{
	key(w, k);
	fputc(c, w->f);
	if (w->depth < JW_MAX_DEPTH - 1)
		w->depth++;
	w->need_comma[w->depth] = false;
}

static void jclose(struct jw *w, char c)
{
	fputc(c, w->f);
	if (w->depth > 0)
		w->depth--;
}

void jw_begin(struct jw *w, FILE *f)
{
	w->f = f;
	w->depth = 0;
	w->need_comma[0] = false;
	jopen(w, NULL, '{');
}

void jw_end(struct jw *w)
{
	jclose(w, '}');
	fputc('\n', w->f);
	fflush(w->f);
}

void jw_obj(struct jw *w, const char *k) { jopen(w, k, '{'); }
void jw_obj_end(struct jw *w) { jclose(w, '}'); }
void jw_arr(struct jw *w, const char *k) { jopen(w, k, '['); }
void jw_arr_end(struct jw *w) { jclose(w, ']'); }

void jw_str(struct jw *w, const char *k, const char *v)
{
	key(w, k);
	if (v)
		str_lit(w->f, v);
	else
		fputs("null", w->f);
}

void jw_u64(struct jw *w, const char *k, uint64_t v)
{
	key(w, k);
	fprintf(w->f, "%llu", (unsigned long long)v);
}

void jw_i64(struct jw *w, const char *k, int64_t v)
{
	key(w, k);
	fprintf(w->f, "%lld", (long long)v);
}

void jw_bool(struct jw *w, const char *k, bool v)
{
	key(w, k);
	fputs(v ? "true" : "false", w->f);
}

void jw_null(struct jw *w, const char *k)
{
	key(w, k);
	fputs("null", w->f);
}

void jw_double(struct jw *w, const char *k, double v, int prec)
{
	key(w, k);
	if (isfinite(v))
		fprintf(w->f, "%.*f", prec, v);
	else
		fputs("null", w->f);
}

void jw_dev(struct jw *w, const char *k, uint32_t kdev)
{
	key(w, k);
	fprintf(w->f, "\"%u:%u\"", kdev >> 20, kdev & 0xfffff);
}
