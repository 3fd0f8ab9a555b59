// SPDX-License-Identifier: GPL-2.0
/*
 * wbguard dax: assert that a DAX write fault into an unwritten extent maps
 * the PFN only after the blocks were zeroed and the extent converted (D1).
 * D1 comes from mainline events (iomap_iter, iomap_iter_dstmap, ext4's
 * block lookups: --mode mainline, any kernel since 5.15); --mode stock
 * counts DAX faults, hole loads and conversions and says that D1 is not
 * checked.
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
#include "dax_verdict.h"
#include "jw.h"
#include "where.h"
#include "snap.h"
#include "driver.h"
#include "dax.skel.h"

enum dax_mode { MODE_AUTO, MODE_MAINLINE, MODE_STOCK };

static struct env {
	struct wbg_opts o;
	enum dax_mode mode;
} env = {
	.o = { .name = "dax", .ringbuf_kib = 4096, .max_reports = 20 },
};

static const char doc[] =
"Check DAX write faults into unwritten extents.\n"
"\n"
"D1 (violation): a DAX write fault that meets an unwritten extent maps the\n"
"    PFN only after the blocks were zeroed and the extent converted. In the\n"
"    faulting thread, iomap_iter opens a DAX write fault, ext4's lookup\n"
"    events say what ext4_iomap_begin found and whether ext4_iomap_alloc\n"
"    zeroed and converted, iomap_iter_dstmap gives the iomap the fault maps.\n"
"    ext4 only; write faults on other filesystems are counted.\n"
"Also reported: PTE and PMD faults (and PMD fallbacks), hole loads,\n"
"    conversions, allocations.\n"
"\n"
"Modes: 'mainline' checks D1 with iomap_iter, iomap_iter_dstmap,\n"
"ext4_es_lookup_extent_exit and ext4_ext_map_blocks_exit (any kernel since\n"
"5.15). 'stock' uses only dax_pte/pmd_fault_done, dax_load_hole,\n"
"dax_pmd_load_hole and ext4_ext_handle_unwritten_extents: fault, hole and\n"
"zero+convert counts, but D1 is impossible (none of them shows the iomap a\n"
"fault maps nor what the lookup found) and the verdict is 'unchecked'.\n"
"'auto' (default) picks mainline when the kernel has its tracepoints, else\n"
"stock. ('series' was removed with the series' DAX tracepoints: mainline\n"
"mode checks D1.)\n"
"\n"
"Runs until Ctrl-C, -d SECONDS, or the end of COMMAND given after --.\n"
"\n"
"EXIT STATUS (first that applies): 1 violation; 3 events lost or a fault\n"
"not paired, verdict unknown; 4 COMMAND failed; 5 unchecked: stock mode, or\n"
"no ext4 DAX write fault seen, nothing judged; 0 pass. 2 usage or setup\n"
"error (also --mode mainline on a kernel without its tracepoints).\n"
"\n"
"EXAMPLES:\n"
"    wbguard dax -d 10                      # all devices, 10 seconds\n"
"    wbguard dax --dev /mnt/pmem --json     # one filesystem, JSON Lines\n"
"    wbguard dax --mode mainline --dev /dev/pmem0 -- dax_fault -f /mnt/pmem/f\n";

static const struct argp_option opts[] = {
	WBG_OPT_DURATION,
	WBG_OPT_DEV,
	WBG_OPT_PID,
	WBG_OPT_JSON("violations and a final summary"),
	{ "mode", 'M', "MODE", 0, "auto (default: mainline where its tracepoints exist, else stock), mainline (D1 from mainline events; exit 2 without them) or stock", 0 },
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
	case 'M':
		if (!strcmp(arg, "auto"))
			env.mode = MODE_AUTO;
		else if (!strcmp(arg, "series"))
			wbg_die("dax", "--mode series was removed with the series' DAX tracepoints: --mode mainline checks D1");
		else if (!strcmp(arg, "mainline"))
			env.mode = MODE_MAINLINE;
		else if (!strcmp(arg, "stock"))
			env.mode = MODE_STOCK;
		else
			wbg_die("dax", "invalid mode '%s' (auto, mainline, stock)", arg);
		break;
	default:
		return wbg_parse_common(&env.o, key, arg, state);
	}
	return 0;
}

struct run {
	struct dax_state st;
	long reports;
	bool mainline;		/* D1 from mainline events (else stock mode) */
	struct dax_bpf *skel;
};

static const char *mode_name(const struct run *run)
{
	return run->mainline ? "mainline" : "stock";
}

static const char *map_flags_str(unsigned int f, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s%s", f & DAX_MAP_NEW ? "N" : "",
		 f & DAX_MAP_MAPPED ? "M" : "", f & DAX_MAP_UNWRITTEN ? "U" : "",
		 f ? "" : "-");
	return buf;
}

static const char *iomap_type_str(unsigned int t)
{
	static const char *const names[] = { "hole", "delalloc", "mapped",
					      "unwritten", "inline" };

	return t < 5 ? names[t] : "?";
}

static void print_d1(const struct dax_event *f, const struct dax_event *lk,
		     enum dax_d1_reason why)
{
	struct wbg_where where;
	char fb[8], mb[8];
	struct jw j;

	wbg_where_fill(&where, f->dev, f->ino, f->pid, 0, f->cgroup_id);
	if (env.o.json) {
		jw_begin(&j, stdout);
		jw_str(&j, "type", "D1");	/* tests/vm/62 looks for this */
		jw_str(&j, "reason", dax_d1_reason_name(why));
		wbg_where_json(&j, &where);
		jw_i64(&j, "offset", f->offset);
		jw_bool(&j, "pmd", f->pmd);
		jw_str(&j, "iomap_type", iomap_type_str(f->iomap_type));
		jw_u64(&j, "iomap_flags", f->iomap_flags);
		jw_u64(&j, "lookup_lblk", lk->lblk);
		jw_u64(&j, "lookup_len", lk->len);
		jw_str(&j, "found", map_flags_str(lk->found, fb, sizeof(fb)));
		jw_bool(&j, "allocated", lk->allocated);
		jw_str(&j, "mflags", map_flags_str(lk->mflags, mb, sizeof(mb)));
		jw_u64(&j, "pid", f->pid);
		jw_u64(&j, "tgid", f->tgid);
		jw_str(&j, "comm", f->comm);
		jw_u64(&j, "ts_ns", f->ts_ns);
		jw_end(&j);
		return;
	}
	printf("D1       %s:", dax_d1_reason_name(why));
	wbg_where_text(stdout, &where);
	printf(" offset %lld %s write fault mapped %s iomap; "
	       "lookup lblk %u len %u found %s allocated %d -> %s; pid %u (%s)\n",
	       f->offset, f->pmd ? "PMD" : "PTE", iomap_type_str(f->iomap_type), lk->lblk,
	       lk->len, map_flags_str(lk->found, fb, sizeof(fb)), lk->allocated,
	       map_flags_str(lk->mflags, mb, sizeof(mb)), f->pid, f->comm);
}

static int on_event(void *ctx, void *data, size_t len)
{
	struct run *run = ctx;
	const struct dax_event *e = data;

	if (len < sizeof(*e))
		return 0;
	if (dax_feed(&run->st, e) == DAX_CLASS_D1 &&
	    run->reports++ < env.o.max_reports)
		print_d1(e, &run->st.last_lookup, run->st.last_reason);
	return 0;
}

#define U(x) ((unsigned long long)(x))

static const char *unchecked_why(const struct dax_result *r)
{
	if (!r->checked)
		return "stock mode: the fault, hole and conversion events show neither the iomap a DAX fault maps nor what ext4's lookup found, D1 is not checked (--mode mainline checks it)";
	return "no ext4 DAX write fault was seen in the traced scope: D1 judged nothing";
}

static void report(const struct run *run, const struct dax_counts *cnt,
		   const struct dax_result *r, double secs)
{
	bool mainline = run->mainline;	/* the judged fields */
	const struct dax_state *st = &run->st;
	const uint64_t *c = cnt->c;
	/* conversions: exact in mainline mode; the stock count otherwise */
	uint64_t conversions = mainline ? c[DXC_EXT4_CONVERT] : c[DXC_STOCK_ZERO_CONVERT];

	if (env.o.json) {
		struct jw j;

		jw_begin(&j, stdout);
		jw_str(&j, "type", "summary");
		jw_str(&j, "subject", "dax");
		jw_str(&j, "mode", mode_name(run));
		jw_double(&j, "seconds", secs, 3);
		jw_u64(&j, "faults_pte", c[DXC_PTE_DONE]);
		jw_u64(&j, "faults_pmd", c[DXC_PMD_DONE]);
		jw_u64(&j, "faults_pte_write", c[DXC_PTE_DONE_WRITE]);
		jw_u64(&j, "faults_pmd_write", c[DXC_PMD_DONE_WRITE]);
		jw_u64(&j, "pmd_fallbacks", c[DXC_PMD_FALLBACK]);
		jw_u64(&j, "pte_major", c[DXC_PTE_MAJOR]);
		jw_u64(&j, "pte_errors", c[DXC_PTE_ERROR]);
		jw_u64(&j, "hole_loads_pte", c[DXC_HOLE_PTE]);
		jw_u64(&j, "hole_loads_pmd", c[DXC_HOLE_PMD]);
		jw_u64(&j, "conversions", conversions);
		jw_u64(&j, "stock_zero_conversions", c[DXC_STOCK_ZERO_CONVERT]);
		if (mainline) {
			jw_u64(&j, "iomap_pte", c[DXC_IOMAP_PTE]);
			jw_u64(&j, "iomap_pmd", c[DXC_IOMAP_PMD]);
			jw_u64(&j, "write_faults_mapped", st->write_faults_mapped);
			jw_u64(&j, "write_faults_refused", st->write_faults_refused);
			jw_u64(&j, "write_faults_other_fs", st->write_faults_other_fs);
			jw_u64(&j, "ext4_dax_writes", c[DXC_EXT4_WRITE]);
			jw_u64(&j, "allocations", c[DXC_EXT4_ALLOC]);
			jw_u64(&j, "overwrites", c[DXC_EXT4_OVERWRITE]);
			jw_u64(&j, "ext4_errors", c[DXC_EXT4_ERROR]);
			jw_u64(&j, "converted_elsewhere", st->converted_elsewhere);
			jw_u64(&j, "d1_checked", st->d1_checked);
			jw_u64(&j, "d1_met_unwritten", st->d1_met_unwritten);
			jw_u64(&j, "D1", r->d1);
			jw_arr(&j, "impossible");
			jw_arr_end(&j);
		} else {
			jw_null(&j, "D1");
			jw_arr(&j, "impossible");
			jw_str(&j, NULL, "D1: stock mode's events show neither the iomap a DAX fault maps nor what ext4's lookup found (--mode mainline follows both)");
			jw_arr_end(&j);
		}
		/* every field that can make the verdict unknown or unchecked */
		jw_u64(&j, "lost", r->lost);
		jw_u64(&j, "bpf_recursion_misses", c[DXC_BPF_MISSES]);
		if (mainline) {
			jw_u64(&j, "recursion_misses_excused", r->misses_excused);
			jw_u64(&j, "windows_unfinished", c[DXC_ML_UNFINISHED]);
			jw_u64(&j, "windows_untracked", c[DXC_ML_NO_WINDOW]);
		}
		jw_bool(&j, "stream_short", r->stream_short);
		jw_u64(&j, "bad_events", st->bad_events);
		jw_u64(&j, "unmatched", r->unmatched);
		jw_u64(&j, "slot_table_full", st->table_full);
		jw_u64(&j, "lookups_expired", st->lookups_expired);
		jw_bool(&j, "core_missing", r->core_missing);
		jw_str(&j, "verdict", wbg_verdict_name(r->verdict));
		if (r->verdict == WBG_UNCHECKED)
			jw_str(&j, "unchecked_reason", unchecked_why(r));
		jw_end(&j);
		return;
	}
	printf("\nwbguard dax: %.1f s, %s mode\n", secs,
	       mainline ? "mainline (iomap_iter + ext4 lookups)" : "stock tracepoints");
	printf("  PTE faults                             %llu (write %llu, major %llu, errors %llu)\n",
	       U(c[DXC_PTE_DONE]), U(c[DXC_PTE_DONE_WRITE]), U(c[DXC_PTE_MAJOR]),
	       U(c[DXC_PTE_ERROR]));
	printf("  PMD faults                             %llu (write %llu, fell back to PTE %llu)\n",
	       U(c[DXC_PMD_DONE]), U(c[DXC_PMD_DONE_WRITE]), U(c[DXC_PMD_FALLBACK]));
	printf("  hole loads                             PTE %llu, PMD %llu\n",
	       U(c[DXC_HOLE_PTE]), U(c[DXC_HOLE_PMD]));
	printf("  zero+convert of unwritten extents      %llu\n", U(conversions));
	if (mainline) {
		printf("  iomap of DAX write faults              PTE %llu, PMD %llu\n",
		       U(c[DXC_IOMAP_PTE]), U(c[DXC_IOMAP_PMD]));
		printf("  write faults mapped                    %llu (refused unwritten/hole iomap: %llu, other fs: %llu)\n",
		       U(st->write_faults_mapped), U(st->write_faults_refused),
		       U(st->write_faults_other_fs));
		printf("  ext4 DAX write lookups                 %llu (allocations %llu, overwrites %llu, converted meanwhile %llu, errors %llu)\n",
		       U(c[DXC_EXT4_WRITE]), U(c[DXC_EXT4_ALLOC]),
		       U(c[DXC_EXT4_OVERWRITE]), U(st->converted_elsewhere),
		       U(c[DXC_EXT4_ERROR]));
		printf("  D1 checked write faults                %llu (met an unwritten extent: %llu)\n",
		       U(st->d1_checked), U(st->d1_met_unwritten));
		printf("  D1 unwritten extent mapped unconverted %llu\n", U(r->d1));
		if (r->unmatched)
			printf("  ext4 write faults without their lookup %llu (cannot be judged)\n",
			       U(r->unmatched));
	} else {
		printf("  D1                                     not checked in stock mode: its events show neither\n"
		       "                                         the iomap a DAX fault maps nor what ext4's lookup\n"
		       "                                         found (--mode mainline follows both)\n");
	}
	printf("  events lost (ring buffer full)         %llu\n", U(r->lost));
	if (r->core_missing)
		printf("  kernel lacks enum bh_state_bits: ext4 lookups not decoded\n");
	if (r->stream_short || st->bad_events)
		printf("  stream incomplete                      short %d, bad events %llu\n",
		       r->stream_short, U(st->bad_events));
	if (r->verdict == WBG_UNCHECKED)
		printf("verdict: unchecked (%s)\n", unchecked_why(r));
	else
		printf("verdict: %s%s\n", wbg_verdict_name(r->verdict),
		       r->verdict == WBG_UNKNOWN ?
		       (r->lost ? " (events were lost; raise --ringbuf-kb)" :
			" (events missing or unpaired)") : "");
}

static const char *const stock_tps[] = {
	"dax_pte_fault_done", "dax_pmd_fault_done", "dax_load_hole",
	"dax_pmd_load_hole", "ext4_ext_handle_unwritten_extents", NULL,
};
static const char *const mainline_tps[] = {
	"iomap_iter", "iomap_iter_dstmap", "ext4_es_lookup_extent_exit",
	"ext4_ext_map_blocks_exit", NULL,
};

/* Does the running kernel have every tracepoint of @tps (vmlinux or the
 * owner module's BTF)? If not, why the first one is missing, in @why. */
static bool have_tracepoints(struct wbg_kbtf *k, const char *const *tps,
			     char *why, size_t len)
{
	for (; *tps; tps++) {
		if (!wbg_kbtf_have_tp(k, *tps)) {
			wbg_kbtf_why_missing(k, *tps, true, why, len);
			return false;
		}
	}
	return true;
}

/* ---- the driver's view of dax ---- */

static void snapshot(struct wbg_snap *s, const struct run *run,
		     const uint64_t *c, const struct dax_result *r,
		     double secs)
{
	const struct dax_state *st = &run->st;

	wbg_snap_init(s, "dax", secs);
	wbg_snap_inv(s, "D1", r->d1);
	s->events = c[DXC_IOMAP_PTE] + c[DXC_IOMAP_PMD] + c[DXC_EXT4_WRITE];
	s->lost = r->lost;
	s->verdict = r->verdict;
	wbg_snap_add(s, "write_faults", WBG_COUNTER, c[DXC_IOMAP_PTE] + c[DXC_IOMAP_PMD],
		     "DAX write faults followed to their iomap.");
	wbg_snap_add(s, "write_faults_judged", WBG_COUNTER, st->d1_checked, "ext4 DAX write faults judged (D1).");
	wbg_snap_add(s, "conversions", WBG_COUNTER, st->conversions, "Lookups that zeroed and converted an unwritten extent.");
	wbg_snap_add(s, "unmatched", WBG_COUNTER, r->unmatched, "ext4 write faults without their lookup (unknown).");
	wbg_snap_add(s, "lookups_pending", WBG_GAUGE, st->nr_pending, "Lookups waiting for their fault (bounded).");
}

static struct bpf_object *open_obj(void *ctx)
{
	struct run *run = ctx;

	run->skel = dax_bpf__open();
	if (!run->skel)
		return NULL;
	run->skel->rodata->targ_dev = env.o.dev;
	run->skel->rodata->targ_tgid = env.o.pid;
	run->skel->rodata->have_cgroups = wbg_kernel_has_cgroups();
	run->skel->rodata->mainline = run->mainline;
	if (!run->mainline) {
		bpf_program__set_autoload(run->skel->progs.ml_iter, false);
		bpf_program__set_autoload(run->skel->progs.ml_es_lookup, false);
		bpf_program__set_autoload(run->skel->progs.ml_map_exit, false);
		bpf_program__set_autoload(run->skel->progs.ml_dstmap, false);
	}
	return run->skel->obj;
}

static int load_obj(void *ctx)
{
	return dax_bpf__load(((struct run *)ctx)->skel);
}

static void started(void *ctx)
{
	struct run *run = ctx;

	if (!env.o.json)
		fprintf(stderr, "wbguard dax: %s mode%s, tracing %s\n",
			mode_name(run),
			run->mainline ? "" : " (D1 not checked: --mode mainline checks it)",
			wbg_scope(&env.o));
}

static enum wbg_verdict judge(void *ctx, const uint64_t *c, bool final,
			      double secs, struct wbg_snap *snap)
{
	struct run *run = ctx;
	struct dax_counts cnt;
	struct dax_result r;

	memcpy(cnt.c, c, sizeof(cnt.c));
	if (run->mainline)
		cnt.c[DXC_ML_DSTMAP_MISSES] = wbg_prog_misses(run->skel->progs.ml_dstmap);
	r = dax_finish(&run->st, &cnt, run->mainline);
	if (final)
		report(run, &cnt, &r, secs);
	snapshot(snap, run, c, &r, secs);
	return r.verdict;
}

static void cleanup(void *ctx)
{
	struct run *run = ctx;

	dax_bpf__destroy(run->skel);
	free(run);
}

static struct wbg_subject sub = {
	.name = "dax", .o = &env.o, .open = open_obj, .load = load_obj,
	.nr_counters = DXC_NR, .misses_counter = DXC_BPF_MISSES, .on_event = on_event, .started = started,
	.judge = judge, .cleanup = cleanup,
};

int cmd_dax(int argc, char **argv)
{
	static const struct argp argp = {
		.options = opts, .parser = parse_arg,
		.args_doc = "[-- COMMAND [ARG...]]", .doc = doc,
	};
	struct run *run;
	struct wbg_kbtf k;
	char why[512];
	uint32_t rb_bytes;
	bool mainline = false;

	if (argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, NULL))
		return WBG_EXIT_SETUP;
	if (wbg_ringbuf_bytes(env.o.ringbuf_kib, &rb_bytes))
		wbg_die("dax", "--ringbuf-kb must be a power of two >= 4");

	/* root, BTF, and the stock fs_dax/ext4 tracepoints (CONFIG_FS_DAX;
	 * ext4's in its module BTF when it is a module: it must be loaded) */
	wbg_preflight("dax", stock_tps, &k);
	switch (env.mode) {
	case MODE_MAINLINE:
		if (!have_tracepoints(&k, mainline_tps, why, sizeof(why)))
			wbg_die("dax", "%s: --mode mainline needs it", why);
		mainline = true;
		break;
	case MODE_STOCK:
		break;
	case MODE_AUTO:	/* mainline's events where they exist */
		mainline = have_tracepoints(&k, mainline_tps, why, sizeof(why));
		break;
	}
	wbg_kbtf_close(&k);
	wbg_setup_libbpf_log(env.o.verbose);

	run = calloc(1, sizeof(*run));
	if (!run)
		wbg_die("dax", "out of memory");
	dax_state_init(&run->st);
	run->mainline = mainline;
	sub.ctx = run;
	return wbg_drive(&sub);
}
