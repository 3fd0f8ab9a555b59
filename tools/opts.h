/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The options every wbguard checker shares (stable, ioend, dax): the same
 * names, letters, ranges and error messages, parsed in one place. Each
 * checker lists the WBG_OPT_* entries it offers in its own argp table
 * (help texts that differ take an argument) and hands every key to
 * wbg_parse_common() before its own ones.
 */
#ifndef WBG_OPTS_H
#define WBG_OPTS_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct wbg_opts {
	const char *name;	/* subcommand, for messages */
	long duration_s;	/* 0: until Ctrl-C or COMMAND ends */
	uint32_t dev;		/* kernel dev_t, 0: all devices */
	const char *dev_arg;
	char dev_how[192];	/* what --dev matched, for the start line */
	pid_t pid;		/* 0: all processes */
	bool json;
	bool verbose;
	bool all_events;
	long ringbuf_kib;
	long max_reports;	/* violation lines printed per kind */
	char **cmd;		/* COMMAND after --, or NULL */
	long interval_s;	/* --interval: a summary line every S s, 0: none */
	const char *metrics;	/* --metrics FILE: textfile metrics, or NULL */
	/* set by the subcommand: called every tick_period_s() while tracing */
	void (*tick)(void *arg);
	void *tick_arg;
};

#define WBG_OPT_DURATION \
	{ "duration", 'd', "SECONDS", 0, "Stop after SECONDS (default: until Ctrl-C or COMMAND ends)", 0 }
#define WBG_OPT_DEV \
	{ "dev", 'D', "DEV", 0, "Only this filesystem: a mount point or a file in it, its block device (partition, /dev/mapper/...), or MAJ:MIN; matched against the superblock's s_dev (btrfs: anonymous)", 0 }
#define WBG_OPT_PID \
	{ "pid", 'p', "PID", 0, "Only events from this process (tgid)", 0 }
#define WBG_OPT_JSON(what) \
	{ "json", 'j', NULL, 0, "JSON Lines on stdout (" what ")", 0 }
#define WBG_OPT_ALL_EVENTS(what) \
	{ "all-events", 'a', NULL, 0, what, 0 }
#define WBG_OPT_RINGBUF(dflt) \
	{ "ringbuf-kb", 'b', "KIB", 0, "Ring buffer size in KiB, a power of two >= 4 (default " dflt ")", 0 }
#define WBG_OPT_MAX_REPORTS(per) \
	{ "max-reports", 'm', "N", 0, "Print at most N violation lines" per " (default 20; counts stay exact)", 0 }
/* long-only keys of the shared options (subcommands use 1000..1099) */
enum { WBG_KEY_INTERVAL = 1100, WBG_KEY_METRICS };
#define WBG_OPT_INTERVAL \
	{ "interval", WBG_KEY_INTERVAL, "S", 0, "Every S seconds print a summary line (text, or a JSON line with --json) with the verdict so far", 0 }
#define WBG_OPT_METRICS \
	{ "metrics", WBG_KEY_METRICS, "FILE", 0, "Write node_exporter textfile metrics to FILE (atomically: temporary file, then rename) every --interval (default 15 s) and at the end", 0 }
#define WBG_OPT_VERBOSE \
	{ "verbose", 'v', NULL, 0, "Print libbpf's log", 0 }

/*
 * Parse one of the shared keys (and COMMAND, the first non-option
 * argument, which ends option parsing) into @o. Returns ARGP_ERR_UNKNOWN
 * for any other key; bad values exit WBG_EXIT_SETUP with one line.
 */
error_t wbg_parse_common(struct wbg_opts *o, int key, char *arg,
			 struct argp_state *state);

/* Seconds between ticks: --interval, else 15 with --metrics, else 0. */
long wbg_tick_period_s(const struct wbg_opts *o);

struct wbg_snap;
/*
 * Send a snapshot where the options say: an interval line (not @final:
 * the summary says it then) and the metrics file (final or not). A
 * metrics file that cannot be written is one line on stderr per run.
 */
void wbg_snap_emit(const struct wbg_opts *o, const struct wbg_snap *s, bool final);

/* What a run traces and until when, for its start line: "device /mnt
 * (one process), until the command ends". Returns a static buffer. */
const char *wbg_scope(const struct wbg_opts *o);

struct ring_buffer;
struct wbg_child;
/*
 * The tracing window: start COMMAND (if any) into @child, then consume
 * events until Ctrl-C/SIGTERM, --duration or the end of COMMAND. A ring
 * buffer poll error is printed and ends the window. Returns 0, or -1 with
 * errno set when COMMAND could not be started (nothing traced).
 */
int wbg_trace(const struct wbg_opts *o, struct ring_buffer *rb,
	      struct wbg_child *child);

#endif
