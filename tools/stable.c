// SPDX-License-Identifier: GPL-2.0
/*
 * wbguard stable: assert that no folio of a stable-writes mapping is
 * dirtied while under writeback (S1) and measure what stable pages cost
 * on the others (S3). Tracepoints only: runs on stock kernels with BTF.
 */
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "common.h"
#include "opts.h"
#include "stable_verdict.h"
#include "jw.h"
#include "where.h"
#include "snap.h"
#include "driver.h"
#include "kbtf.h"
#include "stable.skel.h"

static struct env {
	struct wbg_opts o;
	bool show_rewrites;
	bool latency;
	bool writers;		/* --writers: pair write_begin waits */
	bool bounce_aware;	/* the kernel bounces DMA-pinned folios */
	bool dev_check;		/* the kernel has CONFIG_DEBUG_STABLE_WRITES */
	const char *dev_check_state;	/* its switch: on, off, unknown */
} env = {
	.o = { .name = "stable", .ringbuf_kib = 4096, .max_reports = 20 },
};

static const char doc[] =
"Check stable pages: report folios dirtied while under writeback.\n"
"\n"
"S1 (violation): a folio of a mapping that requires stable writes\n"
"    (AS_STABLE_WRITES: T10 PI/DIX, dm-integrity, queue/stable_writes=1, ...)\n"
"    is dirtied while PG_writeback is set, and the dirtying thread's next\n"
"    writeback event is not its wait for that folio in the same system\n"
"    call or fault, while that writeback still runs; a kernel thread's\n"
"    such dirty at once. (page_mkwrite dirties first and then waits in\n"
"    folio_wait_stable(): that order is counted, not reported.)\n"
"S2 (violation, kernels with CONFIG_DEBUG_STABLE_WRITES booted with\n"
"    stable_writes_check=on): the data of a write to a stable-writes device\n"
"    changed between its submission and its completion (the kernel hashes\n"
"    it at both): the device got changed data.\n"
"S3 (info): the same on mappings without stable writes (rewrites under\n"
"    writeback), folio_wait_writeback waits; with --writers those that\n"
"    held back a writer; with --latency the time each waiter slept.\n"
"\n"
"Only writeback tracepoints by default; --latency adds sched_switch\n"
"(every context switch of the machine pays for it); --writers adds a\n"
"task-storage lookup and two shared atomics to each stable wait under\n"
"the folio lock, and a task lookup to the dirty that follows it.\n"
"\n"
"Runs until Ctrl-C, -d SECONDS, or the end of COMMAND given after --.\n"
"\n"
"EXIT STATUS (first that applies): 1 violation; 3 events lost, verdict\n"
"unknown; 4 COMMAND failed; 5 unchecked: no folio of a stable-writes mapping\n"
"was dirtied (or the kernel cannot tell them), nothing judged; 0 pass.\n"
"2 usage or setup error.\n"
"\n"
"EXAMPLES:\n"
"    wbguard stable -d 10                  # all devices, 10 seconds\n"
"    wbguard stable --dev /mnt/test        # filesystem mounted there\n"
"    wbguard stable --dev 7:0 --json       # loop0, JSON Lines\n"
"    wbguard stable -p 1234 -r             # one process, print rewrites\n"
"    wbguard stable --dev /mnt -- ./stable_repro -f /mnt/f -t 5\n";

static const struct argp_option opts[] = {
	WBG_OPT_DURATION,
	WBG_OPT_DEV,
	WBG_OPT_PID,
	WBG_OPT_JSON("events and a final summary"),
	{ "rewrites", 'r', NULL, 0, "Also print each S3 rewrite under writeback", 0 },
	{ "latency", 'L', NULL, 0, "Time waiters' sleep (attaches sched_switch: costs every context switch)", 0 },
	{ "writers", 1000, NULL, 0, "Count the writers stable pages held back: pair each write_begin wait with its thread's next dirty (costs every such wait)", 0 },
	WBG_OPT_ALL_EVENTS("Send every dirtied folio through the ring buffer (heavy; for testing loss accounting)"),
	WBG_OPT_RINGBUF("4096"),
	WBG_OPT_MAX_REPORTS(""),
	WBG_OPT_INTERVAL,
	WBG_OPT_METRICS,
	WBG_OPT_VERBOSE,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'r':
		env.show_rewrites = true;
		break;
	case 'L':
		env.latency = true;
		break;
	case 1000:
		env.writers = true;
		break;
	default:
		return wbg_parse_common(&env.o, key, arg, state);
	}
	return 0;
}

struct run {
	struct stable_state st;
	long reports;
	struct stable_bpf *skel;
};

static void print_event(const struct stable_event *e, const char *what)
{
	bool stable = e->flags & STABLE_F_STABLE_MAPPING;
	struct wbg_where where;
	struct jw j;

	/* the writer may still hold the file: name it (rare path) */
	wbg_where_fill(&where, e->dev, e->ino, e->pid, e->tgid, e->cgroup_id);
	if (env.o.json) {
		jw_begin(&j, stdout);
		jw_str(&j, "type", what);
		wbg_where_json(&j, &where);
		jw_u64(&j, "index", e->index);
		jw_bool(&j, "stable", stable);
		jw_u64(&j, "pid", e->pid);
		jw_u64(&j, "tgid", e->tgid);
		jw_str(&j, "comm", e->comm);
		jw_u64(&j, "ts_ns", e->ts_ns);
		if (e->type == STABLE_EV_STABLE_DIRTY) {
			jw_str(&j, "decided_by", stable_res_name(e->res));
			jw_u64(&j, "flags", e->flags);
			jw_u64(&j, "repeat", e->repeat);
			jw_u64(&j, "decided_after_ns", e->latency_ns);
		}
		jw_end(&j);
		return;
	}
	printf("%-8s", what);
	wbg_where_text(stdout, &where);
	printf(" index %llu pid %u (%s)%s\n", e->index, e->pid, e->comm,
	       stable ? ": stable folio dirtied under writeback, writer went on without waiting" : "");
}

/* S2: the kernel's stable-writes check found a write bio changed in flight. */
static void print_dev_mismatch(const struct stable_event *e)
{
	struct wbg_where where;
	struct jw j;

	wbg_where_fill(&where, e->dev, e->ino, 0, 0, 0);
	if (env.o.json) {
		jw_begin(&j, stdout);
		jw_str(&j, "type", "S2");
		wbg_where_json(&j, &where);
		if (e->ino)
			jw_u64(&j, "index", e->index);
		jw_u64(&j, "sector", e->sector);
		jw_u64(&j, "bytes", e->bytes);
		jw_u64(&j, "hash_submit", e->hash_submit);
		jw_u64(&j, "hash_end", e->hash_end);
		jw_u64(&j, "ts_ns", e->ts_ns);
		jw_end(&j);
		return;
	}
	printf("%-8s", "S2");
	wbg_where_text(stdout, &where);
	if (e->ino)
		printf(" index %llu", e->index);
	printf(" sector %llu, %u bytes: device got changed data (hash %016llx at submission, %016llx at completion)\n",
	       e->sector, e->bytes, e->hash_submit, e->hash_end);
}

static int on_event(void *ctx, void *data, size_t len)
{
	struct run *run = ctx;
	const struct stable_event *e = data;

	if (len < sizeof(*e))
		return 0;
	switch (stable_feed(&run->st, e)) {
	case STABLE_CLASS_S1:
		if (run->reports++ < env.o.max_reports)
			print_event(e, "S1");
		break;
	case STABLE_CLASS_S2:
		if (run->reports++ < env.o.max_reports)
			print_dev_mismatch(e);
		break;
	case STABLE_CLASS_REWRITE:
		if (env.show_rewrites)
			print_event(e, "rewrite");
		break;
	default:
		break;
	}
	return 0;
}

static void report(const struct run *run, const struct stable_counts *cnt,
		   const struct stable_result *r, enum wbg_verdict v,
		   const char *unchecked, double secs)
{
	const struct stable_state *st = &run->st;
	const uint64_t *c = cnt->c;
	char held[64] = "--writers";	/* the writer count, or how to get it */

	if (env.o.json) {
		struct jw j;

		jw_begin(&j, stdout);
		jw_str(&j, "type", "summary");
		jw_str(&j, "subject", "stable");
		jw_str(&j, "mode", env.latency ? "latency" : "tracepoint");
		jw_double(&j, "seconds", secs, 3);
		jw_u64(&j, "dirtied", c[STC_DIRTY]);
		jw_u64(&j, "dirtied_stable", c[STC_DIRTY_STABLE]);
		jw_u64(&j, "dirtied_slow_path", c[STC_DIRTY_SLOW]);
		jw_i64(&j, "task_marks_at_exit", run->skel->bss->task_marks);
		jw_u64(&j, "S1", r->s1);
		jw_u64(&j, "S1_kthread", st->stable_kthread);
		jw_u64(&j, "S2", r->s2);
		jw_str(&j, "S2_check", env.dev_check ? env.dev_check_state : "absent");
		jw_bool(&j, "bounce_aware", env.bounce_aware);
		jw_u64(&j, "bounced_folios", c[STC_BOUNCED]);
		jw_u64(&j, "stable_bounced", st->stable_bounced);
		jw_u64(&j, "stable_presubmit", st->stable_presubmit);
		jw_u64(&j, "stable_dirtied_under_writeback", c[STC_STABLE_UNDER_WB]);
		jw_u64(&j, "stable_then_waited", st->stable_waited);
		jw_u64(&j, "stable_writeback_ended", st->stable_ended);
		jw_u64(&j, "stable_open_at_exit", r->unresolved);
		jw_u64(&j, "rewrites_under_writeback", c[STC_REWRITE_NONSTABLE]);
		jw_u64(&j, "waits", c[STC_WAIT]);
		jw_u64(&j, "waits_stable", c[STC_WAIT_STABLE]);
		jw_bool(&j, "writer_pairing", env.writers);
		if (env.writers)	/* without it only page_mkwrite's are seen */
			jw_u64(&j, "waits_stable_writer", c[STC_WAIT_STABLE_WRITER]);
		jw_u64(&j, "waits_slept", c[STC_WAIT_SLEPT]);
		wbg_hist_jw(&j, "wait_sleep_us", &st->wait_lat, 1000);
		/* every field that can make the verdict unknown or unchecked */
		jw_u64(&j, "lost", r->lost);
		jw_u64(&j, "bpf_recursion_misses", c[STC_BPF_MISSES]);
		jw_bool(&j, "stream_short", r->stream_short);
		jw_u64(&j, "bad_events", st->bad_events);
		jw_u64(&j, "episodes_untracked", st->stable_untracked);
		jw_u64(&j, "pending_table_full", c[STC_PENDING_FULL]);
		jw_bool(&j, "core_missing", r->core_missing);
		jw_u64(&j, "waiter_table_full", c[STC_WAITMAP_FULL]);
		jw_str(&j, "verdict", wbg_verdict_name(v));
		if (v == WBG_UNCHECKED)
			jw_str(&j, "unchecked_reason", unchecked);
		jw_end(&j);
		return;
	}
	printf("\nwbguard stable: %.1f s, %s mode\n", secs,
	       env.latency ? "latency" : "tracepoint");
	printf("  folios dirtied                         %llu (on stable-writes mappings: %llu; outside writeback with a task lookup: %llu)\n",
	       (unsigned long long)c[STC_DIRTY],
	       (unsigned long long)c[STC_DIRTY_STABLE],
	       (unsigned long long)c[STC_DIRTY_SLOW]);
	printf("  S1 stable folio changed in writeback   %llu (by kernel threads: %llu)\n",
	       (unsigned long long)r->s1, (unsigned long long)st->stable_kthread);
	printf("     dirtied under writeback, then waited %llu (page_mkwrite order), writeback over first %llu, undecided at exit %llu\n",
	       (unsigned long long)st->stable_waited,
	       (unsigned long long)st->stable_ended,
	       (unsigned long long)r->unresolved);
	if (env.dev_check)
		printf("  S2 device got changed data             %llu (kernel stable-writes check: %s)\n",
		       (unsigned long long)r->s2, env.dev_check_state);
	if (env.bounce_aware)
		printf("     changed under a bounced writeback    %llu (the device got a copy; folios bounced: %llu)\n",
		       (unsigned long long)st->stable_bounced,
		       (unsigned long long)c[STC_BOUNCED]);
	if (env.bounce_aware)
		printf("     changed before it was submitted      %llu (the device got the changed data)\n",
		       (unsigned long long)st->stable_presubmit);
	printf("  S3 rewrites under writeback (other)    %llu\n",
	       (unsigned long long)c[STC_REWRITE_NONSTABLE]);
	if (env.latency)
		printf("  S3 folio_wait_writeback                %llu (slept: %llu)\n",
		       (unsigned long long)c[STC_WAIT],
		       (unsigned long long)c[STC_WAIT_SLEPT]);
	else
		printf("  S3 folio_wait_writeback                %llu (sleep not timed: --latency)\n",
		       (unsigned long long)c[STC_WAIT]);
	if (env.writers)
		snprintf(held, sizeof(held), "the waiter dirtied that folio: %llu",
			 (unsigned long long)c[STC_WAIT_STABLE_WRITER]);
	printf("     on stable-writes mappings           %llu (writers held back: %s)\n",
	       (unsigned long long)c[STC_WAIT_STABLE], held);
	if (st->wait_lat.count) {
		printf("  wait sleep time (us), p50 < %llu, p99 < %llu, max %llu:\n",
		       (unsigned long long)(wbg_hist_percentile(&st->wait_lat, 50) / 1000),
		       (unsigned long long)(wbg_hist_percentile(&st->wait_lat, 99) / 1000),
		       (unsigned long long)(st->wait_lat.max / 1000));
		wbg_hist_print(stdout, &st->wait_lat, "usecs", 1000);
	}
	printf("  events lost (ring buffer full)         %llu\n",
	       (unsigned long long)r->lost);
	if (c[STC_PENDING_FULL])
		printf("  S1 episodes not followed (table full)  %llu\n",
		       (unsigned long long)c[STC_PENDING_FULL]);
	if (c[STC_WAITMAP_FULL])
		printf("  waits not timed (waiter table full)    %llu\n",
		       (unsigned long long)c[STC_WAITMAP_FULL]);
	if (r->core_missing)
		printf("  kernel lacks PG_writeback/AS_STABLE_WRITES enums: folios not decoded\n");
	if (r->stream_short || st->bad_events || st->stable_untracked)
		printf("  stream incomplete                      short %d, bad events %llu, episodes not followed %llu\n",
		       r->stream_short, (unsigned long long)st->bad_events,
		       (unsigned long long)st->stable_untracked);
	if (v == WBG_UNCHECKED)
		printf("verdict: unchecked (%s)\n", unchecked);
	else
		printf("verdict: %s%s\n", wbg_verdict_name(v),
		       v == WBG_UNKNOWN ? " (events were lost; raise --ringbuf-kb)" : "");
}

static const char *const tracepoints[] = {
	"writeback_dirty_folio", "folio_wait_writeback", NULL,
};
static const char *const tracepoints_latency[] = {
	"writeback_dirty_folio", "folio_wait_writeback", "sched_switch", NULL,
};

/*
 * Kernels with the stable-bounce fix (issue 13, patch 0007 of the series)
 * give a stable-writes device a copy of each DMA-pinned folio they write (one tracepoint per
 * copy) and trace the end of folio writeback: then an episode is also
 * judged by whether its writeback went out from a copy.
 */
/*
 * Kernels with CONFIG_DEBUG_STABLE_WRITES hash each write bio to a
 * stable-writes device at submission and completion and fire
 * block_stable_mismatch_tp on a difference (S2). Whether the check is
 * switched on (boot parameter stable_writes_check=on, or debugfs) is read
 * from debugfs where it can be.
 */
static bool kernel_checks_stable_writes(void)
{
	struct wbg_kbtf k;
	bool yes;

	if (wbg_kbtf_open(&k, NULL, NULL, NULL))
		return false;
	yes = wbg_kbtf_have_tp(&k, "block_stable_mismatch_tp");
	wbg_kbtf_close(&k);
	return yes;
}

static const char *stable_check_state(void)
{
	FILE *f = fopen("/sys/kernel/debug/block/stable_writes_check/enabled", "r");
	int on = -1;

	if (f) {
		if (fscanf(f, "%d", &on) != 1)
			on = -1;
		fclose(f);
	}
	return on == 1 ? "on" : on == 0 ? "off" : "unknown";
}

static bool kernel_bounces(void)
{
	struct wbg_kbtf k;
	bool yes;

	if (wbg_kbtf_open(&k, NULL, NULL, NULL))
		return false;
	yes = wbg_kbtf_have_tp(&k, "block_stable_bounce_tp") &&
	      wbg_kbtf_have_tp(&k, "writeback_folio_end");
	wbg_kbtf_close(&k);
	return yes;
}

/* ---- the driver's view of stable ---- */

static void snapshot(struct wbg_snap *s, const uint64_t *c,
		     const struct stable_result *r, enum wbg_verdict v, double secs)
{
	wbg_snap_init(s, "stable", secs);
	wbg_snap_inv(s, "S1", r->s1);
	wbg_snap_inv(s, "S2", r->s2);
	s->events = c[STC_DIRTY] + c[STC_WAIT];
	s->lost = r->lost;
	s->verdict = v;
	wbg_snap_add(s, "folios_dirtied", WBG_COUNTER, c[STC_DIRTY], "Folios dirtied (writeback_dirty_folio).");
	wbg_snap_add(s, "folios_dirtied_stable", WBG_COUNTER, c[STC_DIRTY_STABLE], "... on stable-writes mappings.");
	wbg_snap_add(s, "stable_dirtied_under_writeback", WBG_COUNTER, c[STC_STABLE_UNDER_WB],
		     "Stable folios dirtied under writeback (S1 candidates).");
	wbg_snap_add(s, "rewrites_under_writeback", WBG_COUNTER, c[STC_REWRITE_NONSTABLE],
		     "S3: folios of other mappings rewritten under writeback.");
	wbg_snap_add(s, "waits", WBG_COUNTER, c[STC_WAIT], "folio_wait_writeback calls.");
	wbg_snap_add(s, "waits_stable", WBG_COUNTER, c[STC_WAIT_STABLE], "... on stable-writes mappings.");
	if (env.writers)
		wbg_snap_add(s, "waits_stable_writer", WBG_COUNTER, c[STC_WAIT_STABLE_WRITER],
			     "... that held back a writer of that folio (--writers).");
}

static struct bpf_object *open_obj(void *ctx)
{
	struct run *run = ctx;
	struct stable_bpf *skel = stable_bpf__open();

	if (!skel)
		return NULL;
	run->skel = skel;
	skel->rodata->targ_dev = env.o.dev;
	skel->rodata->targ_tgid = env.o.pid;
	skel->rodata->all_events = env.o.all_events;
	skel->rodata->emit_rewrites = env.show_rewrites;
	skel->rodata->latency = env.latency;
	skel->rodata->pair_writers = env.writers;
	skel->rodata->bounce_aware = env.bounce_aware;
	skel->rodata->have_cgroups = wbg_kernel_has_cgroups();
	bpf_program__set_autoload(skel->progs.sched_switch, env.latency);
	bpf_program__set_autoload(skel->progs.stable_bounce, env.bounce_aware);
	bpf_program__set_autoload(skel->progs.stable_wb_end, env.bounce_aware);
	bpf_program__set_autoload(skel->progs.stable_bio_queue, env.bounce_aware);
	bpf_program__set_autoload(skel->progs.stable_dev_mismatch, env.dev_check);
	skel->rodata->page_size = sysconf(_SC_PAGESIZE);
	return skel->obj;
}

static int load_obj(void *ctx)
{
	return stable_bpf__load(((struct run *)ctx)->skel);
}

static enum wbg_verdict judge(void *ctx, const uint64_t *c, bool final,
			      double secs, struct wbg_snap *snap)
{
	struct run *run = ctx;
	struct stable_counts cnt;
	struct stable_result r;
	enum wbg_verdict v;
	const char *unchecked;

	memcpy(cnt.c, c, sizeof(cnt.c));
	r = stable_finish(&run->st, &cnt);
	/* S1 judged nothing: no stable-mapping folio dirtied, or the kernel
	 * cannot tell stable mappings apart */
	v = wbg_verdict_judged(r.verdict, c[STC_DIRTY_STABLE] && !r.core_missing);
	unchecked = r.core_missing ?
		"the kernel lacks the PG_writeback/AS_STABLE_WRITES enum values: stable mappings cannot be told apart" :
		"no folio of a stable-writes mapping was dirtied in the traced scope: S1 judged nothing";
	if (final)
		report(run, &cnt, &r, v, unchecked, secs);
	snapshot(snap, c, &r, v, secs);
	return v;
}

static void cleanup(void *ctx)
{
	struct run *run = ctx;

	stable_bpf__destroy(run->skel);
	free(run);
}

static struct wbg_subject sub = {
	.name = "stable", .o = &env.o, .open = open_obj, .load = load_obj,
	.nr_counters = STC_NR, .misses_counter = STC_BPF_MISSES, .on_event = on_event, .judge = judge,
	.cleanup = cleanup,
};

int cmd_stable(int argc, char **argv)
{
	static const struct argp argp = {
		.options = opts, .parser = parse_arg,
		.args_doc = "[-- COMMAND [ARG...]]", .doc = doc,
	};
	struct run *run;

	if (argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, NULL))
		return WBG_EXIT_SETUP;
	wbg_preflight("stable", env.latency ? tracepoints_latency : tracepoints, NULL);
	wbg_setup_libbpf_log(env.o.verbose);
	env.bounce_aware = kernel_bounces();
	env.dev_check = kernel_checks_stable_writes();
	env.dev_check_state = env.dev_check ? stable_check_state() : "absent";
	run = calloc(1, sizeof(*run));
	if (!run)
		wbg_die("stable", "out of memory");
	stable_state_init(&run->st);
	run->st.rewrites_streamed = env.show_rewrites;
	sub.ctx = run;
	return wbg_drive(&sub);
}
