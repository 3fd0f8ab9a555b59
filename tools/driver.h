/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one collector driver of stable, ioend and dax: open, load and attach
 * the subject's BPF object, read its ring buffer until Ctrl-C, --duration
 * or the end of COMMAND (with --interval/--metrics ticks), settle, read
 * its counters, judge, print, exit code. A subject plugs in its BPF object
 * (opened, rodata set), its event handler (which feeds its plain-C
 * verdict and prints reports) and its judge (verdict, summary table,
 * snapshot). Adding an invariant: one .bpf.c, one verdict file and one
 * struct wbg_subject.
 */
#ifndef WBG_DRIVER_H
#define WBG_DRIVER_H

#include <stdbool.h>
#include <stdint.h>
#include "common.h"
#include "opts.h"
#include "snap.h"

struct bpf_object;
struct bpf_program;
struct wbg_run;

#define WBG_MAX_COUNTERS 64

struct wbg_subject {
	const char *name;
	struct wbg_opts *o;
	/*
	 * Its BPF object, opened with rodata and autoload set (called once,
	 * after argument parsing and preflight). The object must have a
	 * BPF_MAP_TYPE_RINGBUF "events" and a one-slot per-CPU array
	 * "counters" whose value is nr_counters u64s.
	 */
	struct bpf_object *(*open)(void *ctx);
	/* Load it (the skeleton's __load, so that its .bss/.data pointers
	 * map the kernel's copy); 0 or -errno. */
	int (*load)(void *ctx);
	unsigned int nr_counters;
	/* The counter slot the driver fills with the kernel's recursion
	 * misses of the object's programs (wbg_bpf_misses): lost events. */
	unsigned int misses_counter;
	/* Each ring-buffer record (libbpf ring_buffer_sample_fn). */
	int (*on_event)(void *ctx, void *data, size_t len);
	/* Optional: load or attach failed (stage "load"/"attach"); may
	 * explain and exit; returning falls back to wbg_die_bpf. */
	void (*load_failed)(void *ctx, const char *stage, int err);
	/* Optional: the start line on stderr (default: "tracing SCOPE"). */
	void (*started)(void *ctx);
	/* Optional: after tracing, before detach (ioend: wait for io_ends in
	 * flight); @rb is polled by the subject as it needs. */
	void (*settle)(void *ctx, struct ring_buffer *rb);
	/*
	 * Verdict so far (@final false: a tick) or final (@final: after
	 * detach and drain; also print the summary). Fills @snap for
	 * --interval/--metrics.
	 */
	enum wbg_verdict (*judge)(void *ctx, const uint64_t *cnt, bool final,
				  double secs, struct wbg_snap *snap);
	/* Destroy the skeleton (closes the object) and free what open() made. */
	void (*cleanup)(void *ctx);
	void *ctx;
};

/* Run @sub to the end; returns the process exit code (verdict.h rule). */
int wbg_drive(const struct wbg_subject *sub);

/*
 * Events the kernel dropped before our programs ran: the sum of
 * bpf_prog_info.recursion_misses over @obj's loaded programs. A program is
 * skipped when the same program is already running on that CPU: nested in
 * an interrupt (kmem_cache_free from softirq), or, for fentry/fexit, whose
 * trampolines run with migration but not preemption disabled, when the
 * task running it was preempted (Debian's 7.3 is PREEMPT_DYNAMIC, "full").
 */
uint64_t wbg_bpf_misses(struct bpf_object *obj);
/* The same for one program; 0 if it is not loaded. */
uint64_t wbg_prog_misses(const struct bpf_program *prog);

/* Sum the one-slot per-CPU "counters" map of @obj into @out[0..nr). */
void wbg_read_counters(struct bpf_object *obj, unsigned int nr, uint64_t *out);

#endif
