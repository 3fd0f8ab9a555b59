// SPDX-License-Identifier: GPL-2.0
/* Interval lines and Prometheus textfile metrics: see snap.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "jw.h"
#include "snap.h"

void wbg_snap_init(struct wbg_snap *s, const char *subject, double secs)
{
	memset(s, 0, sizeof(*s));
	s->subject = subject;
	s->secs = secs;
}

void wbg_snap_inv(struct wbg_snap *s, const char *id, uint64_t v)
{
	if (s->ninv < (int)(sizeof(s->inv) / sizeof(s->inv[0]))) {
		s->inv[s->ninv].id = id;
		s->inv[s->ninv++].v = v;
	}
}

void wbg_snap_add(struct wbg_snap *s, const char *key, enum wbg_stat_kind kind,
		  uint64_t v, const char *help)
{
	if (s->n < WBG_SNAP_MAX)
		s->st[s->n++] = (struct wbg_stat){ key, help, kind, v };
}

void wbg_snap_print(FILE *f, const struct wbg_snap *s, bool json)
{
	struct jw j;
	int i;

	if (json) {
		jw_begin(&j, f);
		jw_str(&j, "type", "interval");
		jw_str(&j, "subject", s->subject);
		jw_double(&j, "seconds", s->secs, 3);
		for (i = 0; i < s->ninv; i++)
			jw_u64(&j, s->inv[i].id, s->inv[i].v);
		jw_u64(&j, "events", s->events);
		jw_u64(&j, "lost", s->lost);
		for (i = 0; i < s->n; i++)
			jw_u64(&j, s->st[i].key, s->st[i].v);
		jw_str(&j, "verdict_so_far", wbg_verdict_name(s->verdict));
		jw_end(&j);
		return;
	}
	fprintf(f, "wbguard %s +%.1f s:", s->subject, s->secs);
	for (i = 0; i < s->ninv; i++)
		fprintf(f, " %s %llu", s->inv[i].id, (unsigned long long)s->inv[i].v);
	fprintf(f, ", events %llu, lost %llu", (unsigned long long)s->events,
		(unsigned long long)s->lost);
	for (i = 0; i < s->n; i++)
		fprintf(f, ", %s %llu", s->st[i].key, (unsigned long long)s->st[i].v);
	fprintf(f, "; verdict so far: %s\n", wbg_verdict_name(s->verdict));
	fflush(f);
}

/* Label values: backslash, quote and newline escaped (text format). */
static void label(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

static void family(FILE *f, const char *name, const char *help, const char *type)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void wbg_snap_metrics(FILE *f, const struct wbg_snap *s, const char *version,
		      const char *libbpf, bool final)
{
	static const enum wbg_verdict all[] = {
		WBG_PASS, WBG_VIOLATION, WBG_UNKNOWN, WBG_UNCHECKED,
	};
	const char *sub = s->subject;
	unsigned int i;

	family(f, "wbguard_build_info", "wbguard build (git describe) and libbpf version.", "gauge");
	fprintf(f, "wbguard_build_info{subject=\"%s\",version=\"", sub);
	label(f, version);
	fprintf(f, "\",libbpf=\"");
	label(f, libbpf);
	fprintf(f, "\"} 1\n");

	family(f, "wbguard_violations_total", "Violations seen, per invariant.", "counter");
	for (i = 0; i < (unsigned int)s->ninv; i++)
		fprintf(f, "wbguard_violations_total{subject=\"%s\",invariant=\"%s\"} %llu\n",
			sub, s->inv[i].id, (unsigned long long)s->inv[i].v);

	family(f, "wbguard_events_total", "Events seen by the BPF programs.", "counter");
	fprintf(f, "wbguard_events_total{subject=\"%s\"} %llu\n", sub,
		(unsigned long long)s->events);
	family(f, "wbguard_events_lost_total",
	       "Events lost (ring buffer full, tracking table full): the verdict is unknown.",
	       "counter");
	fprintf(f, "wbguard_events_lost_total{subject=\"%s\"} %llu\n", sub,
		(unsigned long long)s->lost);

	family(f, "wbguard_verdict",
	       "Verdict so far: 1 for the current one (pass, violation, unknown, unchecked).",
	       "gauge");
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		fprintf(f, "wbguard_verdict{subject=\"%s\",verdict=\"%s\"} %d\n", sub,
			wbg_verdict_name(all[i]), s->verdict == all[i]);
	family(f, "wbguard_run_final", "1 once the run has ended (the verdict is final).",
	       "gauge");
	fprintf(f, "wbguard_run_final{subject=\"%s\"} %d\n", sub, final);
	family(f, "wbguard_run_seconds", "Seconds since tracing began.", "gauge");
	fprintf(f, "wbguard_run_seconds{subject=\"%s\"} %.3f\n", sub, s->secs);

	for (i = 0; i < (unsigned int)s->n; i++) {
		const struct wbg_stat *st = &s->st[i];
		char name[128];

		snprintf(name, sizeof(name), "wbguard_%s_%s%s", sub, st->key,
			 st->kind == WBG_COUNTER ? "_total" : "");
		family(f, name, st->help, st->kind == WBG_COUNTER ? "counter" : "gauge");
		fprintf(f, "%s %llu\n", name, (unsigned long long)st->v);
	}
}

int wbg_snap_metrics_file(const char *path, const struct wbg_snap *s,
			  const char *version, const char *libbpf, bool final)
{
	char tmp[4096];
	FILE *f;
	int err = 0;

	/* same directory, so rename() replaces the file in one step; the
	 * textfile collector ignores names not ending in .prom */
	if (snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	wbg_snap_metrics(f, s, version, libbpf, final);
	if (fflush(f) || ferror(f))
		err = errno ? -errno : -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}
