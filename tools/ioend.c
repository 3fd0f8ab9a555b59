// SPDX-License-Identifier: GPL-2.0
/*
 * wbguard ioend: assert the ext4 conversion-list invariants C1-C4 by
 * following every io_end from allocation to release.
 */
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "common.h"
#include "kbtf.h"
#include "opts.h"
#include "ioend_verdict.h"
#include "jw.h"
#include "where.h"
#include "snap.h"
#include "driver.h"
#include "ioend.skel.h"

enum { MODE_AUTO = 0 };

static struct env {
	struct wbg_opts o;
	int mode;		/* MODE_AUTO or enum ioend_mode */
	long leak_ms;
} env = {
	.o = { .name = "ioend", .ringbuf_kib = 8192, .max_reports = 20 },
	.leak_ms = 5000,
};

static const char doc[] =
"Check the ext4 conversion list: io_ends from allocation to release.\n"
"\n"
"C1 every io_end is released exactly once (a second release is a violation;\n"
"   one still live at the end and older than --leak-ms is a leak).\n"
"C2 an io_end carrying UNWRITTEN ends folio writeback only after its\n"
"   unwritten-to-written conversion finished.\n"
"C3 fsync/fdatasync returns 0 only when no conversion of that inode that\n"
"   was submitted before it began, or by its own writeback, is still queued\n"
"   or running.\n"
"C4 a failed conversion is reported (inode, range, error), and the next\n"
"   fsync of that inode must return an error.\n"
"\n"
"Modes: 'series' uses the ext4_io_end_* tracepoints of the wbguard kernel\n"
"series; 'fentry' hooks ext4's io_end functions on a kernel without them;\n"
"auto (default) picks the first that works and says which. On a kernel with\n"
"neither it exits 2 naming what is missing: never a silent pass.\n"
"\n"
"Runs until Ctrl-C, -d SECONDS, or the end of COMMAND given after --; then\n"
"waits up to --leak-ms for io_ends still in flight before judging leaks.\n"
"\n"
"EXIT STATUS (first that applies): 1 violation; 3 events lost, verdict\n"
"unknown; 4 COMMAND failed; 5 unchecked: no io_end or conversion seen,\n"
"nothing judged; 0 pass. 2 usage or setup error.\n"
"\n"
"EXAMPLES:\n"
"    wbguard ioend -d 10                    # all ext4 filesystems, 10 s\n"
"    wbguard ioend --dev /mnt/test --json   # one filesystem, JSON Lines\n"
"    wbguard ioend --mode fentry -d 5       # force the fentry mode\n"
"    wbguard ioend --dev /mnt -- ioend_fsync write -f /mnt/f -d 5\n";

enum { OPT_MODE = 1000, OPT_LEAK };

static const struct argp_option opts[] = {
	WBG_OPT_DURATION,
	WBG_OPT_DEV,
	WBG_OPT_JSON("violations, failed conversions, a final summary"),
	{ "mode", OPT_MODE, "MODE", 0, "auto (default), series or fentry", 0 },
	{ "leak-ms", OPT_LEAK, "MS", 0, "An io_end live this long at the end is a leak (default 5000)", 0 },
	WBG_OPT_RINGBUF("8192"),
	WBG_OPT_MAX_REPORTS(" per invariant"),
	WBG_OPT_INTERVAL,
	WBG_OPT_METRICS,
	WBG_OPT_VERBOSE,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_MODE:
		if (!strcmp(arg, "auto"))
			env.mode = MODE_AUTO;
		else if (!strcmp(arg, "series"))
			env.mode = IOEND_MODE_SERIES;
		else if (!strcmp(arg, "fentry"))
			env.mode = IOEND_MODE_FENTRY;
		else
			wbg_die("ioend", "invalid mode '%s' (auto, series, fentry)", arg);
		break;
	case OPT_LEAK:
		env.leak_ms = wbg_parse_long("ioend", arg, 1, 3600 * 1000, "leak bound");
		break;
	default:
		return wbg_parse_common(&env.o, key, arg, state);
	}
	return 0;
}

static const char *mode_name(int m)
{
	return m == IOEND_MODE_SERIES ? "series" : m == IOEND_MODE_FENTRY ? "fentry" : "auto";
}

/* ---- what the running kernel offers (vmlinux and ext4 module BTF) ---- */

static const char *const series_tps[] = {
	"ext4_io_end_alloc_tp", "ext4_io_end_submit_bio_tp", "ext4_io_end_defer_tp",
	"ext4_io_end_convert_enter_tp", "ext4_io_end_convert_exit_tp",
	"ext4_io_end_release_tp", NULL,
};
static const char *const fentry_funcs[] = {
	"ext4_init_io_end", "ext4_io_submit", "ext4_put_io_end_defer",
	"ext4_convert_unwritten_io_end_vec", NULL,
};

/* Names from @list that are missing, comma-separated into @buf. (ext4 is
 * loaded: the preflight found its ext4_sync_file_* tracepoints.) */
static int missing(struct wbg_kbtf *k, const char *const *list, bool funcs,
		   char *buf, size_t len)
{
	int n = 0;

	buf[0] = 0;
	for (; *list; list++) {
		bool ok = funcs ? wbg_kbtf_have_func(k, *list) : wbg_kbtf_have_tp(k, *list);

		if (ok)
			continue;
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", n ? ", " : "", *list);
		n++;
	}
	return n;
}

/* @conv: the conversions of ext4_convert_unwritten_extents can be traced
 * (its tracepoint in series mode, the function in fentry mode). */
static void set_series(struct ioend_bpf *skel, bool on, bool conv, bool rel_fn)
{
	bpf_program__set_autoload(skel->progs.tp_alloc, on);
	bpf_program__set_autoload(skel->progs.tp_submit, on);
	bpf_program__set_autoload(skel->progs.tp_defer, on);
	bpf_program__set_autoload(skel->progs.tp_conv_start, on);
	bpf_program__set_autoload(skel->progs.tp_conv_end, on);
	bpf_program__set_autoload(skel->progs.tp_release, on);
	bpf_program__set_autoload(skel->progs.tp_convert_extents, on && conv);
	bpf_program__set_autoload(skel->progs.fx_alloc, !on);
	bpf_program__set_autoload(skel->progs.fe_submit, !on);
	bpf_program__set_autoload(skel->progs.fe_put_defer, !on);
	bpf_program__set_autoload(skel->progs.fe_conv_start, !on);
	bpf_program__set_autoload(skel->progs.fx_conv_end, !on);
	bpf_program__set_autoload(skel->progs.fx_convert_extents, !on && conv);
	bpf_program__set_autoload(skel->progs.fe_release, !on && rel_fn);
	bpf_program__set_autoload(skel->progs.tp_kfree, !on && !rel_fn);
}

/* ---- output ---- */


struct run {
	struct ioend_state st;
	long reports[IOEND_NINV];	/* lines printed, per invariant */
	struct ioend_bpf *skel;
	int mode;
	bool conv;
	bool rel_fn;	/* fentry mode: release from ext4_release_io_end */
	char miss_series[512];
	long leaks_shown;
};

static void snapshot(struct wbg_snap *s, const struct run *run,
		     const uint64_t *c, const struct ioend_result *r, double secs)
{
	int i;

	wbg_snap_init(s, "ioend", secs);
	for (i = 0; i < IOEND_NINV; i++)
		wbg_snap_inv(s, ioend_inv_name[i], r->viol[i]);
	for (i = ICT_ALLOC; i <= ICT_CONVERT_EXTENTS; i++)
		s->events += c[i];
	s->lost = r->lost;
	s->verdict = r->verdict;
	wbg_snap_add(s, "io_ends_allocated", WBG_COUNTER, c[ICT_ALLOC], "io_ends allocated.");
	wbg_snap_add(s, "io_ends_released", WBG_COUNTER, c[ICT_RELEASE], "io_ends released.");
	wbg_snap_add(s, "conversions", WBG_COUNTER, c[ICT_CONV_END], "Unwritten-extent conversions of io_ends.");
	wbg_snap_add(s, "conversions_failed", WBG_COUNTER, c[ICT_CONV_FAILED], "Conversions that failed.");
	wbg_snap_add(s, "fsyncs", WBG_COUNTER, c[ICT_SYNC_EXIT], "fsync/fdatasync calls that returned.");
	wbg_snap_add(s, "inconsistent", WBG_COUNTER, run->st.inconsistent, "Impossible event orders (unknown).");
	wbg_snap_add(s, "untracked", WBG_COUNTER, r->untracked, "fsyncs or failures that found no room (unknown).");
	wbg_snap_add(s, "io_ends_live", WBG_GAUGE, ioend_live(&run->st), "io_ends allocated, not yet released.");
	wbg_snap_add(s, "state_entries", WBG_GAUGE, ioend_entries(&run->st),
		     "io_ends held by the verdict (live + remembered releases, bounded).");
}

static void print_report(const struct ioend_report *r)
{
	bool failure = r->inv == IOEND_C4 && strstr(r->what, "conversion failed");
	struct wbg_where where;
	struct jw j;

	wbg_where_fill(&where, r->dev, r->ino, r->pid, r->submit_pid, r->cgroup_id);
	if (env.o.json) {
		jw_begin(&j, stdout);
		jw_str(&j, "type", failure ? "conversion_failed" : "violation");
		jw_str(&j, "id", ioend_inv_name[r->inv]);
		jw_str(&j, "what", r->what);
		wbg_where_json(&j, &where);
		if (r->io_end) {
			char a[24];

			snprintf(a, sizeof(a), "0x%llx", (unsigned long long)r->io_end);
			jw_str(&j, "io_end", a);
		} else {
			jw_null(&j, "io_end");	/* fsync and folio events carry none */
		}
		jw_i64(&j, "offset", r->offset);
		jw_i64(&j, "size", r->size);
		jw_u64(&j, "index", r->pos);
		jw_i64(&j, "err", r->err);
		jw_u64(&j, "pid", r->pid);
		jw_u64(&j, "submit_pid", r->submit_pid);
		jw_u64(&j, "submit_cgroup_id", r->submit_cgroup);
		jw_end(&j);
		return;
	}
	printf("%-3s %s:", ioend_inv_name[r->inv], r->what);
	wbg_where_text(stdout, &where);
	printf(" io_end 0x%llx range %lld+%lld", (unsigned long long)r->io_end,
	       (long long)r->offset, (long long)r->size);
	if (r->submit_cgroup && r->submit_cgroup != r->cgroup_id)
		printf(" submitted from cgroup id %llu", (unsigned long long)r->submit_cgroup);
	if (r->err)
		printf(" error %d (%s)", r->err, strerror(-r->err));
	printf("\n");
}

static int on_event(void *ctx, void *data, size_t len)
{
	struct run *run = ctx;
	struct ioend_report rep[2];
	int n, i;

	if (len < sizeof(struct ioend_event))
		return 0;
	n = ioend_feed(&run->st, data, rep);
	for (i = 0; i < n; i++) {
		bool failure = rep[i].inv == IOEND_C4 &&
			       strstr(rep[i].what, "conversion failed");

		/* failed conversions are always shown: that is C4's point */
		if (failure || run->reports[rep[i].inv]++ < env.o.max_reports)
			print_report(&rep[i]);
	}
	return 0;
}

static void on_leak(const struct ioend_entry *e, void *arg)
{
	struct wbg_where where;
	long *n = arg;
	char a[24];
	struct jw j;

	if ((*n)++ >= env.o.max_reports)
		return;
	wbg_where_fill(&where, e->dev, e->ino, e->submit_pid, 0, e->submit_cgroup);
	snprintf(a, sizeof(a), "0x%llx", (unsigned long long)e->addr);
	if (env.o.json) {
		jw_begin(&j, stdout);
		jw_str(&j, "type", "violation");
		jw_str(&j, "id", "C1");
		jw_str(&j, "what", "io_end never released");
		wbg_where_json(&j, &where);
		jw_str(&j, "io_end", a);
		jw_i64(&j, "offset", e->offset);
		jw_i64(&j, "size", e->size);
		jw_u64(&j, "flags", e->flags_seen);
		jw_end(&j);
		return;
	}
	printf("C1  io_end never released:");
	wbg_where_text(stdout, &where);
	printf(" io_end %s range %lld+%lld flags 0x%x\n", a, (long long)e->offset,
	       (long long)e->size, e->flags_seen);
}

static uint64_t bpf_run_ns, bpf_run_cnt;

static void read_bpf_stats(struct ioend_bpf *skel)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, skel->obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		bpf_run_ns += info.run_time_ns;
		bpf_run_cnt += info.run_cnt;
	}
}

#define UNCHECKED_WHY "no ext4 io_end and no unwritten-extent conversion was seen in the traced scope: C1-C4 judged nothing"

static void report(int mode, const struct run *run, const struct ioend_counts *cnt,
		   const struct ioend_result *r, double secs)
{
	const struct ioend_state *st = &run->st;
	const uint64_t *c = cnt->c;
	unsigned long long p50 = wbg_hist_percentile(&st->conv_lat, 50) / 1000;
	unsigned long long p99 = wbg_hist_percentile(&st->conv_lat, 99) / 1000;

	if (env.o.json) {
		struct jw j;

		jw_begin(&j, stdout);
		jw_str(&j, "type", "summary");
		jw_str(&j, "subject", "ioend");
		jw_str(&j, "mode", mode_name(mode));
		jw_double(&j, "seconds", secs, 3);
		jw_u64(&j, "io_end_alloc", c[ICT_ALLOC]);
		jw_u64(&j, "bios_submitted", c[ICT_SUBMIT]);
		jw_u64(&j, "deferred", c[ICT_DEFER]);
		jw_u64(&j, "deferred_queued", c[ICT_DEFER_QUEUED]);
		jw_u64(&j, "deferred_unwritten", st->deferred_unwritten);
		jw_u64(&j, "conversions", c[ICT_CONV_END]);
		jw_u64(&j, "converted_inline", st->converted_inline);
		jw_u64(&j, "conversions_failed", c[ICT_CONV_FAILED]);
		jw_u64(&j, "released", c[ICT_RELEASE]);
		jw_u64(&j, "fsyncs", c[ICT_SYNC_EXIT]);
		jw_u64(&j, "convert_extents", c[ICT_CONVERT_EXTENTS]);
		jw_u64(&j, "C1", r->viol[IOEND_C1]);
		jw_u64(&j, "C2", r->viol[IOEND_C2]);
		jw_u64(&j, "C3", r->viol[IOEND_C3]);
		jw_u64(&j, "C4", r->viol[IOEND_C4]);
		jw_u64(&j, "leaks", r->leaks);
		jw_u64(&j, "C1_unproven", r->unproven);
		jw_u64(&j, "in_flight", r->in_flight);
		jw_u64(&j, "c4_surfaced", st->c4_surfaced);
		jw_u64(&j, "untracked_release", st->untracked_release);
		jw_u64(&j, "releases_forgotten", st->released_forgotten);
		jw_u64(&j, "inconsistent", st->inconsistent);
		jw_u64(&j, "conv_latency_us_p50", p50);
		jw_u64(&j, "conv_latency_us_p99", p99);
		jw_u64(&j, "bpf_run_ns", bpf_run_ns);
		jw_u64(&j, "bpf_run_cnt", bpf_run_cnt);
		jw_u64(&j, "free_lookups", c[ICT_FREE_LOOKUPS]);
		/* every field that can make the verdict unknown or unchecked */
		jw_u64(&j, "lost", r->lost);
		jw_u64(&j, "rb_drops", c[ICT_RB_DROPS]);
		jw_u64(&j, "bpf_recursion_misses", c[ICT_BPF_MISSES]);
		jw_u64(&j, "map_full", c[ICT_MAP_FULL]);
		jw_u64(&j, "syncs_table_full", st->syncs_full);
		jw_u64(&j, "failures_table_full", st->fails_full);
		jw_u64(&j, "index_nomem", st->nomem);
		jw_str(&j, "verdict", wbg_verdict_name(r->verdict));
		if (r->verdict == WBG_UNCHECKED)
			jw_str(&j, "unchecked_reason", UNCHECKED_WHY);
		jw_end(&j);
		return;
	}
	printf("\nwbguard ioend: %.1f s, %s mode\n", secs, mode_name(mode));
	printf("  io_ends allocated / released          %llu / %llu (in flight at end %llu)\n",
	       (unsigned long long)c[ICT_ALLOC], (unsigned long long)c[ICT_RELEASE],
	       (unsigned long long)r->in_flight);
	printf("  bios submitted                        %llu\n", (unsigned long long)c[ICT_SUBMIT]);
	printf("  deferred to the conversion list       %llu (work queued %llu, unwritten %llu)\n",
	       (unsigned long long)c[ICT_DEFER], (unsigned long long)c[ICT_DEFER_QUEUED],
	       (unsigned long long)st->deferred_unwritten);
	printf("  conversions                           %llu (inline, not deferred: %llu; failed %llu)\n",
	       (unsigned long long)c[ICT_CONV_END], (unsigned long long)st->converted_inline,
	       (unsigned long long)c[ICT_CONV_FAILED]);
	if (st->conv_lat.count)
		printf("  alloc -> conversion end (us)          p50 < %llu, p99 < %llu\n", p50, p99);
	printf("  fsync/fdatasync                       %llu\n", (unsigned long long)c[ICT_SYNC_EXIT]);
	printf("  C1 leaks / double releases            %llu / %llu%s\n",
	       (unsigned long long)r->leaks,
	       (unsigned long long)(r->viol[IOEND_C1] - r->leaks),
	       r->unproven ? " (not proof: events were lost, a lost event can look like these)" : "");
	printf("  C2 writeback ended before conversion  %llu\n", (unsigned long long)r->viol[IOEND_C2]);
	printf("  C3 fsync returned before conversion   %llu\n", (unsigned long long)r->viol[IOEND_C3]);
	printf("  C4 failed conversions / swallowed     %llu / %llu\n",
	       (unsigned long long)st->c4_failed, (unsigned long long)r->viol[IOEND_C4]);
	if (bpf_run_cnt)
		printf("  BPF cost (kernel.bpf_stats_enabled)   %.0f ns/run over %llu runs\n",
		       (double)bpf_run_ns / bpf_run_cnt, (unsigned long long)bpf_run_cnt);
	printf("  events lost                           %llu%s\n", (unsigned long long)r->lost,
	       c[ICT_MAP_FULL] ? " (tracking map full)" : "");
	if (st->inconsistent)
		printf("  inconsistent event order              %llu\n",
		       (unsigned long long)st->inconsistent);
	if (r->untracked)
		printf("  fsyncs / failures not followed (full) %llu / %llu\n",
		       (unsigned long long)st->syncs_full, (unsigned long long)st->fails_full);
	if (r->verdict == WBG_UNCHECKED)
		printf("verdict: unchecked (%s)\n", UNCHECKED_WHY);
	else
		printf("verdict: %s%s\n", wbg_verdict_name(r->verdict),
		       r->verdict != WBG_UNKNOWN ? "" : r->lost ?
		       " (events were lost; raise --ringbuf-kb)" :
		       " (event order impossible, or C3/C4 tables full)");
}

/* ---- the driver's view of ioend ---- */

static struct bpf_object *open_obj(void *ctx)
{
	struct run *run = ctx;
	struct ioend_bpf *skel = ioend_bpf__open();

	if (!skel)
		return NULL;
	run->skel = skel;
	skel->rodata->targ_dev = env.o.dev;
	skel->rodata->mode = run->mode;
	skel->rodata->have_cgroups = wbg_kernel_has_cgroups();
	set_series(skel, run->mode == IOEND_MODE_SERIES, run->conv, run->rel_fn);
	/* a refused mode is reported in one line (load_failed) */
	if (!env.o.verbose)
		libbpf_set_print(NULL);
	return skel->obj;
}

static int load_obj(void *ctx)
{
	return ioend_bpf__load(((struct run *)ctx)->skel);
}

static void load_failed(void *ctx, const char *stage, int err)
{
	struct run *run = ctx;
	char missing[64];

	wbg_setup_libbpf_log(env.o.verbose);
	if ((err == -EPERM || err == -EACCES) &&
	    wbg_bpf_caps_missing(missing, sizeof(missing)))
		return;	/* the driver names the capabilities */
	if (run->mode == IOEND_MODE_FENTRY)
		wbg_die("ioend", "no way to trace io_ends on this kernel: the "
			"ext4_io_end_* tracepoints are missing (%s; the wbguard series "
			"is not applied) and fentry/fexit programs cannot be %s: %s%s",
			run->miss_series[0] ? run->miss_series : "none",
			!strcmp(stage, "attach") ? "attached" : "loaded", strerror(-err),
			err == -EPERM || err == -EACCES ?
			" (this kernel refuses fentry; use a kernel with the series)" : "");
	wbg_die("ioend", "cannot %s the series-mode BPF programs: %s; -v shows libbpf's log",
		stage, strerror(-err));
}

static void started(void *ctx)
{
	struct run *run = ctx;

	wbg_setup_libbpf_log(env.o.verbose);
	fprintf(stderr, "wbguard ioend: %s mode%s, tracing %s\n", mode_name(run->mode),
		!run->conv ? " (no ext4_convert_unwritten_extents to trace: direct I/O conversions not seen)" :
		run->mode != IOEND_MODE_FENTRY ? "" : run->rel_fn ?
		" (release from ext4_release_io_end; failed-I/O conversions not seen)" :
		" (release from kmem_cache_free; failed-I/O conversions not seen)",
		wbg_scope(&env.o));
}

/* Give io_ends in flight the leak bound to be released. */
static void settle(void *ctx, struct ring_buffer *rb)
{
	struct run *run = ctx;
	uint64_t leak_ns = (uint64_t)env.leak_ms * 1000000ull;
	/* ts_ns (bpf_ktime_get_ns) and wbg_now_ns are both CLOCK_MONOTONIC */
	uint64_t start = wbg_now_ns();

	while (!wbg_exiting && ioend_live(&run->st) &&
	       wbg_now_ns() - start < leak_ns + 200000000ull) {
		ring_buffer__poll(rb, 100);
		if (ioend_live(&run->st) == ioend_pending_leaks(&run->st, wbg_now_ns()))
			break;
	}
}

static enum wbg_verdict judge(void *ctx, const uint64_t *c, bool final,
			      double secs, struct wbg_snap *snap)
{
	struct run *run = ctx;
	struct ioend_counts cnt;
	struct ioend_result r;

	memcpy(cnt.c, c, sizeof(cnt.c));
	if (final) {
		read_bpf_stats(run->skel);
		r = ioend_finish(&run->st, &cnt, wbg_now_ns(), on_leak, &run->leaks_shown);
		report(run->mode, run, &cnt, &r, secs);
	} else {
		r = ioend_finish(&run->st, &cnt, wbg_now_ns(), NULL, NULL);
	}
	snapshot(snap, run, c, &r, secs);
	return r.verdict;
}

static void cleanup(void *ctx)
{
	struct run *run = ctx;

	ioend_bpf__destroy(run->skel);
	ioend_state_free(&run->st);
	free(run);
}

static struct wbg_subject sub = {
	.name = "ioend", .o = &env.o, .open = open_obj, .load = load_obj,
	.nr_counters = ICT_NR, .misses_counter = ICT_BPF_MISSES, .on_event = on_event, .load_failed = load_failed,
	.started = started, .settle = settle, .judge = judge, .cleanup = cleanup,
};

int cmd_ioend(int argc, char **argv)
{
	static const struct argp argp = {
		.options = opts, .parser = parse_arg,
		.args_doc = "[-- COMMAND [ARG...]]", .doc = doc,
	};
	static const char *const sync_tps[] = {
		"ext4_sync_file_enter", "ext4_sync_file_exit", NULL,
	};
	char miss_fentry[512], *miss_series;
	struct run *run;
	struct wbg_kbtf k;
	uint32_t rb_bytes;
	int mode;
	bool conv_tp, conv_fn, series_ok, fentry_ok;

	if (argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, NULL))
		return WBG_EXIT_SETUP;
	/* large (the verdict's fixed fsync table): not on the stack */
	run = calloc(1, sizeof(*run));
	if (!run)
		wbg_die("ioend", "out of memory");
	miss_series = run->miss_series;
	if (wbg_ringbuf_bytes(env.o.ringbuf_kib, &rb_bytes))
		wbg_die("ioend", "--ringbuf-kb must be a power of two >= 4");

	/* ext4's tracepoints: in vmlinux, or in /sys/kernel/btf/ext4 when
	 * ext4 is a module (which must then be loaded) */
	wbg_preflight("ioend", sync_tps, &k);
	wbg_setup_libbpf_log(env.o.verbose);

	series_ok = !missing(&k, series_tps, false, miss_series, sizeof(run->miss_series));
	fentry_ok = !missing(&k, fentry_funcs, true, miss_fentry, sizeof(miss_fentry));
	run->rel_fn = wbg_kbtf_have_func(&k, "ext4_release_io_end");
	if (!run->rel_fn && !wbg_kbtf_have_tp(&k, "kmem_cache_free")) {
		snprintf(miss_fentry + strlen(miss_fentry),
			 sizeof(miss_fentry) - strlen(miss_fentry), "%stracepoint kmem_cache_free",
			 fentry_ok ? "" : ", ");
		fentry_ok = false;
	}
	conv_tp = wbg_kbtf_tp_nargs(&k, "ext4_convert_unwritten_extents_tp") == 6;
	conv_fn = wbg_kbtf_have_func(&k, "ext4_convert_unwritten_extents");
	wbg_kbtf_close(&k);

	mode = env.mode;
	if (mode == IOEND_MODE_SERIES && !series_ok)
		wbg_die("ioend", "series mode: tracepoints missing in the running kernel: %s "
			"(the wbguard ext4 io_end patches are not applied)", miss_series);
	if (mode == IOEND_MODE_FENTRY && !fentry_ok)
		wbg_die("ioend", "fentry mode: missing in the kernel's BTF: %s", miss_fentry);
	if (mode == MODE_AUTO && !series_ok && !fentry_ok)
		wbg_die("ioend", "no way to trace io_ends: tracepoints missing: %s (the wbguard "
			"series is not applied); fentry targets missing: %s",
			miss_series, miss_fentry);
	if (mode == MODE_AUTO)
		mode = series_ok ? IOEND_MODE_SERIES : IOEND_MODE_FENTRY;

	run->mode = mode;
	run->conv = mode == IOEND_MODE_SERIES ? conv_tp : conv_fn;
	ioend_state_init(&run->st, (uint64_t)env.leak_ms * 1000000ull);
	sub.ctx = run;
	return wbg_drive(&sub);
}
