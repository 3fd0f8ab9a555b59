/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A snapshot of a run while it goes: the subject's counters, its
 * violations per invariant, events seen and lost, and the verdict so far.
 * Each subcommand fills one (its only output code for --interval and
 * --metrics); this file turns it into an interval line (text or JSON) and
 * a node_exporter textfile (Prometheus text format 0.0.4), written
 * atomically (temporary file in the same directory, then rename). Plain C.
 */
#ifndef WBG_SNAP_H
#define WBG_SNAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "verdict.h"

#define WBG_SNAP_MAX 48

enum wbg_stat_kind { WBG_COUNTER, WBG_GAUGE };

struct wbg_stat {
	const char *key;	/* JSON key and metric name part: [a-z0-9_] */
	const char *help;
	enum wbg_stat_kind kind;
	uint64_t v;
};

struct wbg_snap {
	const char *subject;	/* "stable", "ioend", "dax" */
	double secs;		/* since tracing began */
	uint64_t events;	/* events seen (BPF counters) */
	uint64_t lost;		/* events lost */
	enum wbg_verdict verdict;	/* so far */
	int ninv;
	struct { const char *id; uint64_t v; } inv[8];	/* violations */
	int n;
	struct wbg_stat st[WBG_SNAP_MAX];
};

void wbg_snap_init(struct wbg_snap *s, const char *subject, double secs);
void wbg_snap_inv(struct wbg_snap *s, const char *id, uint64_t v);
void wbg_snap_add(struct wbg_snap *s, const char *key, enum wbg_stat_kind kind,
		  uint64_t v, const char *help);

/* One interval line: text ("wbguard stable +10.0 s: ...") or JSON. */
void wbg_snap_print(FILE *f, const struct wbg_snap *s, bool json);
/* The textfile; @version e.g. from wbg_version()'s parts. */
void wbg_snap_metrics(FILE *f, const struct wbg_snap *s, const char *version,
		      const char *libbpf, bool final);
/* Write the textfile to @path atomically. 0, or -errno. */
int wbg_snap_metrics_file(const char *path, const struct wbg_snap *s,
			  const char *version, const char *libbpf, bool final);

#endif
