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
#include "snap.h"
#include "stable.skel.h"

static struct env {
	struct wbg_opts o;
	bool show_rewrites;
	bool latency;
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
"S3 (info): the same on mappings without stable writes (rewrites under\n"
"    writeback), folio_wait_writeback waits and those that held back a\n"
"    writer; with --latency the time each waiter slept.\n"
"\n"
"Only writeback tracepoints by default; --latency adds sched_switch\n"
"(every context switch of the machine pays for it).\n"
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
	default:
		return wbg_parse_common(&env.o, key, arg, state);
	}
	return 0;
}

struct run {
	struct stable_state st;
	long reports;
};

/* ---- while it runs: --interval, --metrics ---- */

struct tick_ctx {
	struct run *run;
	struct stable_bpf *skel;
	struct ring_buffer *rb;
	uint64_t t0;
};

static void read_counters(struct stable_bpf *skel, struct stable_counts *out);

/* The verdict as the summary gives it (stable_finish + judged). */
static enum wbg_verdict verdict_of(const struct stable_result *r,
				   const struct stable_counts *cnt)
{
	return wbg_verdict_judged(r->verdict, cnt->c[STC_DIRTY_STABLE] && !r->core_missing);
}

static void snapshot(struct wbg_snap *s, const struct run *run,
		     const struct stable_counts *cnt, const struct stable_result *r,
		     double secs)
{
	const uint64_t *c = cnt->c;

	wbg_snap_init(s, "stable", secs);
	wbg_snap_inv(s, "S1", r->s1);
	s->events = c[STC_DIRTY] + c[STC_WAIT];
	s->lost = r->lost;
	s->verdict = verdict_of(r, cnt);
	wbg_snap_add(s, "folios_dirtied", WBG_COUNTER, c[STC_DIRTY], "Folios dirtied (writeback_dirty_folio).");
	wbg_snap_add(s, "folios_dirtied_stable", WBG_COUNTER, c[STC_DIRTY_STABLE], "... on stable-writes mappings.");
	wbg_snap_add(s, "stable_dirtied_under_writeback", WBG_COUNTER, c[STC_STABLE_UNDER_WB],
		     "Stable folios dirtied under writeback (S1 candidates).");
	wbg_snap_add(s, "rewrites_under_writeback", WBG_COUNTER, c[STC_REWRITE_NONSTABLE],
		     "S3: folios of other mappings rewritten under writeback.");
	wbg_snap_add(s, "waits", WBG_COUNTER, c[STC_WAIT], "folio_wait_writeback calls.");
	wbg_snap_add(s, "waits_stable", WBG_COUNTER, c[STC_WAIT_STABLE], "... on stable-writes mappings.");
}

static void tick(void *arg)
{
	struct tick_ctx *t = arg;
	struct stable_counts cnt;
	struct stable_result r;
	struct wbg_snap s;

	/* counters first: what they count was reserved before the consume */
	read_counters(t->skel, &cnt);
	ring_buffer__consume(t->rb);
	r = stable_finish(&t->run->st, &cnt, t->skel->bss->nr_pending);
	snapshot(&s, t->run, &cnt, &r, (wbg_now_ns() - t->t0) / 1e9);
	wbg_snap_emit(&env.o, &s, false);
}

static void print_event(const struct stable_event *e, const char *what)
{
	if (env.o.json) {
		printf("{\"type\":\"%s\",\"dev\":\"%u:%u\",\"ino\":%llu,\"index\":%llu,"
		       "\"stable\":%s,\"pid\":%u,\"tgid\":%u,\"comm\":",
		       what, wbg_kdev_major(e->dev), wbg_kdev_minor(e->dev),
		       e->ino, e->index,
		       e->flags & STABLE_F_STABLE_MAPPING ? "true" : "false",
		       e->pid, e->tgid);
		wbg_json_str(stdout, e->comm);
		printf(",\"ts_ns\":%llu}\n", e->ts_ns);
		return;
	}
	printf("%-8s dev %u:%u ino %llu index %llu pid %u (%s)%s\n",
	       what, wbg_kdev_major(e->dev), wbg_kdev_minor(e->dev), e->ino,
	       e->index, e->pid, e->comm,
	       e->flags & STABLE_F_STABLE_MAPPING ?
	       ": stable folio dirtied under writeback, writer went on without waiting" : "");
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
	case STABLE_CLASS_REWRITE:
		if (env.show_rewrites)
			print_event(e, "rewrite");
		break;
	default:
		break;
	}
	return 0;
}

static void read_counters(struct stable_bpf *skel, struct stable_counts *out)
{
	int ncpu = libbpf_num_possible_cpus();
	int fd = bpf_map__fd(skel->maps.counters);
	struct stable_counters *vals = calloc(ncpu > 0 ? ncpu : 1, sizeof(*vals));
	__u32 zero = 0, k;
	int i;

	/* One per-CPU slot holds all counters. */
	memset(out, 0, sizeof(*out));
	if (vals && !bpf_map_lookup_elem(fd, &zero, vals))
		for (i = 0; i < ncpu; i++)
			for (k = 0; k < STC_NR; k++)
				out->c[k] += vals[i].c[k];
	free(vals);
}

static void report(const struct run *run, const struct stable_counts *cnt,
		   const struct stable_result *r, enum wbg_verdict v,
		   const char *unchecked, double secs)
{
	const struct stable_state *st = &run->st;
	const uint64_t *c = cnt->c;

	if (env.o.json) {
		printf("{\"type\":\"summary\",\"subject\":\"stable\",\"mode\":\"%s\","
		       "\"seconds\":%.3f,\"dirtied\":%llu,\"dirtied_stable\":%llu,"
		       "\"S1\":%llu,\"S1_kthread\":%llu,\"stable_dirtied_under_writeback\":%llu,"
		       "\"stable_then_waited\":%llu,\"stable_writeback_ended\":%llu,"
		       "\"stable_open_at_exit\":%llu,\"rewrites_under_writeback\":%llu,"
		       "\"waits\":%llu,\"waits_stable\":%llu,\"waits_stable_writer\":%llu,"
		       "\"waits_slept\":%llu,"
		       "\"wait_sleep_us\":",
		       env.latency ? "latency" : "tracepoint",
		       secs, (unsigned long long)c[STC_DIRTY],
		       (unsigned long long)c[STC_DIRTY_STABLE],
		       (unsigned long long)r->s1,
		       (unsigned long long)st->stable_kthread,
		       (unsigned long long)c[STC_STABLE_UNDER_WB],
		       (unsigned long long)st->stable_waited,
		       (unsigned long long)st->stable_ended,
		       (unsigned long long)r->unresolved,
		       (unsigned long long)c[STC_REWRITE_NONSTABLE],
		       (unsigned long long)c[STC_WAIT],
		       (unsigned long long)c[STC_WAIT_STABLE],
		       (unsigned long long)c[STC_WAIT_STABLE_WRITER],
		       (unsigned long long)c[STC_WAIT_SLEPT]);
		wbg_hist_json(stdout, &st->wait_lat, 1000);
		/* every field that can make the verdict unknown or unchecked */
		printf(",\"lost\":%llu,\"stream_short\":%s,\"bad_events\":%llu,"
		       "\"episodes_untracked\":%llu,\"pending_table_full\":%llu,"
		       "\"core_missing\":%s,\"waiter_table_full\":%llu,"
		       "\"verdict\":\"%s\"",
		       (unsigned long long)r->lost, r->stream_short ? "true" : "false",
		       (unsigned long long)st->bad_events,
		       (unsigned long long)st->stable_untracked,
		       (unsigned long long)c[STC_PENDING_FULL],
		       r->core_missing ? "true" : "false",
		       (unsigned long long)c[STC_WAITMAP_FULL],
		       wbg_verdict_name(v));
		if (v == WBG_UNCHECKED) {
			printf(",\"unchecked_reason\":");
			wbg_json_str(stdout, unchecked);
		}
		printf("}\n");
		return;
	}
	printf("\nwbguard stable: %.1f s, %s mode\n", secs,
	       env.latency ? "latency" : "tracepoint");
	printf("  folios dirtied                         %llu (on stable-writes mappings: %llu)\n",
	       (unsigned long long)c[STC_DIRTY],
	       (unsigned long long)c[STC_DIRTY_STABLE]);
	printf("  S1 stable folio changed in writeback   %llu (by kernel threads: %llu)\n",
	       (unsigned long long)r->s1, (unsigned long long)st->stable_kthread);
	printf("     dirtied under writeback, then waited %llu (page_mkwrite order), writeback over first %llu, undecided at exit %llu\n",
	       (unsigned long long)st->stable_waited,
	       (unsigned long long)st->stable_ended,
	       (unsigned long long)r->unresolved);
	printf("  S3 rewrites under writeback (other)    %llu\n",
	       (unsigned long long)c[STC_REWRITE_NONSTABLE]);
	if (env.latency)
		printf("  S3 folio_wait_writeback                %llu (slept: %llu)\n",
		       (unsigned long long)c[STC_WAIT],
		       (unsigned long long)c[STC_WAIT_SLEPT]);
	else
		printf("  S3 folio_wait_writeback                %llu (sleep not timed: --latency)\n",
		       (unsigned long long)c[STC_WAIT]);
	printf("     on stable-writes mappings           %llu (writers held back: the waiter dirtied that folio: %llu)\n",
	       (unsigned long long)c[STC_WAIT_STABLE],
	       (unsigned long long)c[STC_WAIT_STABLE_WRITER]);
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

int cmd_stable(int argc, char **argv)
{
	static const struct argp argp = {
		.options = opts, .parser = parse_arg,
		.args_doc = "[-- COMMAND [ARG...]]", .doc = doc,
	};
	struct ring_buffer *rb = NULL;
	struct stable_bpf *skel;
	struct wbg_child child = {0};
	struct stable_counts cnt;
	struct stable_result r;
	enum wbg_verdict verdict;
	const char *unchecked;
	struct run run = {0};
	struct tick_ctx tctx;
	struct wbg_snap snap;
	uint32_t rb_bytes;
	uint64_t t0;
	int err, child_rc = 0;

	if (argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, NULL))
		return WBG_EXIT_SETUP;
	if (wbg_ringbuf_bytes(env.o.ringbuf_kib, &rb_bytes))
		wbg_die("stable", "--ringbuf-kb must be a power of two >= 4");

	wbg_preflight("stable", env.latency ? tracepoints_latency : tracepoints, NULL);
	wbg_setup_libbpf_log(env.o.verbose);
	stable_state_init(&run.st);
	run.st.rewrites_streamed = env.show_rewrites;

	skel = stable_bpf__open();
	if (!skel)
		wbg_die("stable", "cannot open BPF object: %s", strerror(errno));
	skel->rodata->targ_dev = env.o.dev;
	skel->rodata->targ_tgid = env.o.pid;
	skel->rodata->all_events = env.o.all_events;
	skel->rodata->emit_rewrites = env.show_rewrites;
	skel->rodata->latency = env.latency;
	bpf_program__set_autoload(skel->progs.sched_switch, env.latency);
	bpf_map__set_max_entries(skel->maps.events, rb_bytes);

	err = stable_bpf__load(skel);
	if (err) {
		stable_bpf__destroy(skel);
		wbg_die_bpf("stable", "load BPF programs", err);
	}
	err = stable_bpf__attach(skel);
	if (err) {
		stable_bpf__destroy(skel);
		wbg_die_bpf("stable", "attach tracepoints", err);
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, &run, NULL);
	if (!rb) {
		stable_bpf__destroy(skel);
		wbg_die("stable", "cannot create ring buffer reader");
	}

	wbg_setup_signals();
	if (!env.o.json)
		fprintf(stderr, "wbguard stable: tracing %s\n", wbg_scope(&env.o));
	t0 = wbg_now_ns();
	tctx = (struct tick_ctx){ .run = &run, .skel = skel, .rb = rb, .t0 = t0 };
	env.o.tick = tick;
	env.o.tick_arg = &tctx;
	if (wbg_trace(&env.o, rb, &child)) {
		ring_buffer__free(rb);
		stable_bpf__destroy(skel);
		wbg_die("stable", "cannot start %s: %s", env.o.cmd[0], strerror(errno));
	}

	/* Detach first so that the counters and the stream settle together. */
	stable_bpf__detach(skel);
	ring_buffer__consume(rb);
	read_counters(skel, &cnt);
	child_rc = wbg_child_finish(&child, "stable");

	r = stable_finish(&run.st, &cnt);
	/* S1 judged nothing: no stable-mapping folio dirtied, or the kernel
	 * cannot tell stable mappings apart */
	verdict = wbg_verdict_judged(r.verdict, cnt.c[STC_DIRTY_STABLE] && !r.core_missing);
	unchecked = r.core_missing ?
		"the kernel lacks the PG_writeback/AS_STABLE_WRITES enum values: stable mappings cannot be told apart" :
		"no folio of a stable-writes mapping was dirtied in the traced scope: S1 judged nothing";
	report(&run, &cnt, &r, verdict, unchecked, (wbg_now_ns() - t0) / 1e9);
	fflush(stdout);
	snapshot(&snap, &run, &cnt, &r, (wbg_now_ns() - t0) / 1e9);
	wbg_snap_emit(&env.o, &snap, true);

	ring_buffer__free(rb);
	stable_bpf__destroy(skel);

	return wbg_exit_code(verdict, child_rc != 0);
}
