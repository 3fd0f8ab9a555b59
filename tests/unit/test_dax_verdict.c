// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the D1 verdict (tools/dax_verdict.c): synthetic streams
 * of the lookup and fault events mainline mode sends for each DAX write
 * fault. */
#include <stdlib.h>
#include <string.h>
#include "wbg_test.h"
#include "dax_verdict.h"

#define DEV 0x10300000u		/* 259:0 */
#define INO 12

static struct dax_state *st;
static struct dax_counts cnt;
static unsigned long long now_ns;	/* ts of the next event */

static void reset(void)
{
	if (!st)
		st = malloc(sizeof(*st));
	dax_state_init(st);
	memset(&cnt, 0, sizeof(cnt));
	now_ns = 0;
}

/* the ext4 lookup of @tid's write fault: blocks [lblk, lblk+len) of 4 KiB */
static enum dax_class lookup(unsigned int tid, unsigned int lblk, unsigned int len,
			     unsigned int found, int allocated,
			     unsigned int mflags, int ret)
{
	struct dax_event e = {
		.ts_ns = now_ns, .type = DAX_EV_EXT4_WRITE, .dev = DEV, .ino = INO, .pid = tid,
		.tgid = tid, .fs_magic = DAX_EXT4_SUPER_MAGIC, .lblk = lblk,
		.len = len, .offset = (long long)lblk << 12,
		.length = (unsigned long long)len << 12, .found = found,
		.mflags = mflags, .allocated = allocated, .ret = ret,
		.blkbits = 12,
	};

	cnt.c[DXC_EXT4_WRITE]++;
	return dax_feed(st, &e);
}

/* the iomap @tid's write fault maps */
static enum dax_class fault_fs(unsigned int tid, long long off, int pmd,
			       unsigned int type, unsigned int flags,
			       unsigned int magic)
{
	struct dax_event e = {
		.ts_ns = now_ns, .type = DAX_EV_FAULT, .dev = DEV, .ino = INO, .pid = tid,
		.tgid = tid, .fs_magic = magic, .offset = off,
		.length = pmd ? 2u << 20 : 4096, .pmd = pmd,
		.iomap_type = type, .iomap_flags = flags,
	};

	cnt.c[pmd ? DXC_IOMAP_PMD : DXC_IOMAP_PTE]++;
	cnt.c[DXC_IOMAP_SENT]++;
	return dax_feed(st, &e);
}

static enum dax_class fault(unsigned int tid, long long off, int pmd,
			    unsigned int type, unsigned int flags)
{
	return fault_fs(tid, off, pmd, type, flags, DAX_EXT4_SUPER_MAGIC);
}

#define CONVERTED (DAX_MAP_MAPPED | DAX_MAP_NEW)

static void clean_pte_conversion(void)
{
	struct dax_result r;

	reset();
	CHECK(lookup(100, 5, 1, DAX_MAP_UNWRITTEN, 1, CONVERTED, 1) == DAX_CLASS_LOOKUP);
	CHECK(fault(100, 5 << 12, 0, DAX_IOMAP_MAPPED, DAX_IOMAP_F_NEW) == DAX_CLASS_FAULT);
	r = dax_finish(st, &cnt, true);
	CHECK(r.verdict == WBG_PASS);
	CHECK(r.d1 == 0);
	CHECK(st->conversions == 1);
	CHECK(st->d1_checked == 1);
	CHECK(st->d1_met_unwritten == 1);
	CHECK(st->nr_pending == 0);
}

static void clean_pmd_conversion(void)
{
	struct dax_result r;

	reset();
	lookup(7, 512, 512, DAX_MAP_UNWRITTEN, 1, CONVERTED, 512);
	CHECK(fault(7, 2 << 20, 1, DAX_IOMAP_MAPPED, DAX_IOMAP_F_NEW) == DAX_CLASS_FAULT);
	/* a later PTE fault inside the same huge page, already converted */
	lookup(7, 600, 1, DAX_MAP_MAPPED, 0, DAX_MAP_MAPPED, 1);
	fault(7, 600 << 12, 0, DAX_IOMAP_MAPPED, 0);
	r = dax_finish(st, &cnt, true);
	CHECK(r.verdict == WBG_PASS);
	CHECK(st->conversions == 1);
	CHECK(st->overwrites == 1);
	CHECK(st->d1_checked == 2);
}

/* The 2014 bug: unwritten extent handed over as MAPPED, nothing ran. */
static void d1_not_converted(void)
{
	struct dax_result r;

	reset();
	lookup(42, 9, 1, DAX_MAP_UNWRITTEN, 0, DAX_MAP_MAPPED, 1);
	CHECK(fault(42, 9 << 12, 0, DAX_IOMAP_MAPPED, 0) == DAX_CLASS_D1);
	r = dax_finish(st, &cnt, true);
	CHECK(r.verdict == WBG_VIOLATION);
	CHECK(r.d1 == 1);
	CHECK(st->last_reason == DAX_D1_NOT_CONVERTED);
	CHECK(st->last_lookup.lblk == 9);
	CHECK(st->conversions == 0);
}

static void d1_still_unwritten(void)
{
	reset();
	lookup(1, 0, 1, DAX_MAP_UNWRITTEN, 1, DAX_MAP_MAPPED | DAX_MAP_UNWRITTEN, 1);
	CHECK(fault(1, 0, 0, DAX_IOMAP_MAPPED, 0) == DAX_CLASS_D1);
	CHECK(st->last_reason == DAX_D1_STILL_UNWRITTEN);
	lookup(1, 1, 1, DAX_MAP_UNWRITTEN, 1, 0, 1);
	CHECK(fault(1, 1 << 12, 0, DAX_IOMAP_MAPPED, 0) == DAX_CLASS_D1);
	CHECK(st->last_reason == DAX_D1_STILL_UNWRITTEN);
	CHECK(dax_finish(st, &cnt, true).d1 == 2);
}

/* Found unwritten, but another writer converted it before the allocation:
 * MAPPED without NEW is not a violation. */
static void converted_elsewhere_is_fine(void)
{
	reset();
	lookup(1, 1, 1, DAX_MAP_UNWRITTEN, 1, DAX_MAP_MAPPED, 1);
	CHECK(fault(1, 1 << 12, 0, DAX_IOMAP_MAPPED, 0) == DAX_CLASS_FAULT);
	CHECK(dax_finish(st, &cnt, true).verdict == WBG_PASS);
	CHECK(st->converted_elsewhere == 1);
	CHECK(st->conversions == 0);
}

/* v7.3's own guard: an UNWRITTEN iomap on a write fault is refused. */
static void refused_write_fault_is_not_d1(void)
{
	struct dax_result r;

	reset();
	lookup(3, 4, 1, DAX_MAP_UNWRITTEN, 1, DAX_MAP_UNWRITTEN, 1);
	CHECK(fault(3, 4 << 12, 0, DAX_IOMAP_UNWRITTEN, 0) == DAX_CLASS_FAULT);
	r = dax_finish(st, &cnt, true);
	/* nothing mapped, nothing judged: no pass */
	CHECK(r.verdict == WBG_UNCHECKED);
	CHECK(st->write_faults_refused == 1);
	CHECK(st->nr_pending == 0);
}

static void hole_allocation(void)
{
	struct dax_result r;

	reset();
	lookup(5, 0, 1, 0, 1, CONVERTED, 1);
	fault(5, 0, 0, DAX_IOMAP_MAPPED, DAX_IOMAP_F_NEW);
	r = dax_finish(st, &cnt, true);
	CHECK(r.verdict == WBG_PASS);
	CHECK(st->allocations == 1);
	CHECK(st->write_faults == 1);
	CHECK(st->d1_checked == 1 && st->d1_met_unwritten == 0);
}

/* Two threads interleaved: each fault pairs with its own thread's lookup. */
static void interleaved_threads(void)
{
	reset();
	lookup(10, 1, 1, DAX_MAP_UNWRITTEN, 1, CONVERTED, 1);
	lookup(11, 2, 1, DAX_MAP_UNWRITTEN, 0, DAX_MAP_MAPPED, 1);	/* bad */
	CHECK(fault(10, 1 << 12, 0, DAX_IOMAP_MAPPED, DAX_IOMAP_F_NEW) == DAX_CLASS_FAULT);
	CHECK(fault(11, 2 << 12, 0, DAX_IOMAP_MAPPED, 0) == DAX_CLASS_D1);
	CHECK(dax_finish(st, &cnt, true).d1 == 1);
}

/* A write fault on ext4 without its lookup cannot be judged: unknown. */
static void unmatched_is_unknown(void)
{
	struct dax_result r;

	reset();
	fault(20, 0, 0, DAX_IOMAP_MAPPED, 0);
	r = dax_finish(st, &cnt, true);
	CHECK(r.verdict == WBG_UNKNOWN);
	CHECK(r.unmatched == 1);
	/* a lookup for another block does not count as a match */
	reset();
	lookup(20, 100, 1, DAX_MAP_UNWRITTEN, 0, DAX_MAP_MAPPED, 1);
	CHECK(fault(20, 0, 0, DAX_IOMAP_MAPPED, 0) == DAX_CLASS_FAULT);
	r = dax_finish(st, &cnt, true);
	CHECK(r.verdict == WBG_UNKNOWN);
	CHECK(st->lookups_unused == 1);
}

/* Other filesystems (xfs): counted, not judged. */
static void other_fs_not_judged(void)
{
	reset();
	fault_fs(30, 0, 0, DAX_IOMAP_MAPPED, 0, 0x58465342);
	CHECK(dax_finish(st, &cnt, true).verdict == WBG_UNCHECKED);
	CHECK(st->write_faults_other_fs == 1);
	CHECK(st->d1_checked == 0);
}

/* DAX write(2) lookups are never followed by a fault. */
static void write_syscall_lookups(void)
{
	reset();
	lookup(40, 0, 16, DAX_MAP_UNWRITTEN, 1, CONVERTED, 16);
	lookup(40, 16, 16, DAX_MAP_UNWRITTEN, 1, CONVERTED, 16);
	/* no write fault: D1 judged nothing */
	CHECK(dax_finish(st, &cnt, true).verdict == WBG_UNCHECKED);
	CHECK(st->lookups_unused == 1);
	CHECK(st->conversions == 2);
}

static void drops_make_unknown(void)
{
	struct dax_result r;

	reset();
	lookup(1, 5, 1, DAX_MAP_UNWRITTEN, 1, CONVERTED, 1);
	fault(1, 5 << 12, 0, DAX_IOMAP_MAPPED, DAX_IOMAP_F_NEW);
	cnt.c[DXC_RB_DROPS] = 3;
	cnt.c[DXC_IOMAP_SENT] += 3;
	r = dax_finish(st, &cnt, true);
	CHECK(r.verdict == WBG_UNKNOWN);
	CHECK(r.lost == 3);
	/* a violation stays a violation */
	lookup(1, 6, 1, DAX_MAP_UNWRITTEN, 0, DAX_MAP_MAPPED, 1);
	fault(1, 6 << 12, 0, DAX_IOMAP_MAPPED, 0);
	CHECK(dax_finish(st, &cnt, true).verdict == WBG_VIOLATION);
}

/* Mainline mode: iomap_iter_dstmap misses with no window left unfinished
 * lost no judged fault; with one, they may have: unknown. */
static void mainline_dstmap_misses(void)
{
	struct dax_result r;

	reset();
	lookup(1, 5, 1, DAX_MAP_UNWRITTEN, 1, CONVERTED, 1);
	fault(1, 5 << 12, 0, DAX_IOMAP_MAPPED, DAX_IOMAP_F_NEW);
	cnt.c[DXC_BPF_MISSES] = 2;
	cnt.c[DXC_ML_DSTMAP_MISSES] = 2;
	r = dax_finish(st, &cnt, true);
	CHECK(r.verdict == WBG_PASS);
	CHECK(r.lost == 0 && r.misses_excused == 2);
	/* a window ended without its iomap: the misses count */
	cnt.c[DXC_ML_UNFINISHED] = 1;
	r = dax_finish(st, &cnt, true);
	CHECK(r.verdict == WBG_UNKNOWN);
	CHECK(r.lost == 2 && r.misses_excused == 0);
	/* another program's miss is never excused */
	cnt.c[DXC_ML_UNFINISHED] = 0;
	cnt.c[DXC_BPF_MISSES] = 3;
	r = dax_finish(st, &cnt, true);
	CHECK(r.verdict == WBG_UNKNOWN && r.lost == 1);
	/* a fault without a window was not followed */
	cnt.c[DXC_BPF_MISSES] = 2;
	cnt.c[DXC_ML_NO_WINDOW] = 1;
	CHECK(dax_finish(st, &cnt, true).verdict == WBG_UNKNOWN);
}

/* Fewer events arrived than the BPF side sent, without counted drops. */
static void short_stream_is_unknown(void)
{
	struct dax_result r;

	reset();
	lookup(1, 5, 1, DAX_MAP_UNWRITTEN, 1, CONVERTED, 1);
	fault(1, 5 << 12, 0, DAX_IOMAP_MAPPED, DAX_IOMAP_F_NEW);
	cnt.c[DXC_EXT4_WRITE] += 1;
	r = dax_finish(st, &cnt, true);
	CHECK(r.stream_short);
	CHECK(r.verdict == WBG_UNKNOWN);
}

static void core_missing_is_unknown(void)
{
	reset();
	cnt.c[DXC_CORE_MISSING] = 1;
	CHECK(dax_finish(st, &cnt, true).verdict == WBG_UNKNOWN);
}

static void bad_event_type(void)
{
	struct dax_event e = { .type = 99 };

	reset();
	CHECK(dax_feed(st, &e) == DAX_CLASS_BAD);
	CHECK(dax_finish(st, &cnt, true).verdict == WBG_UNKNOWN);
}

static void many_threads(void)
{
	unsigned int t;

	reset();
	for (t = 1; t <= 3000; t++)
		lookup(t * 7919, t, 1, DAX_MAP_UNWRITTEN, 1, CONVERTED, 1);
	for (t = 1; t <= 3000; t++)
		fault(t * 7919, (long long)t << 12, 0, DAX_IOMAP_MAPPED, DAX_IOMAP_F_NEW);
	CHECK(dax_finish(st, &cnt, true).verdict == WBG_PASS);
	CHECK(st->d1_checked == 3000);
	CHECK(st->table_full == 0);
	CHECK(st->nr_pending == 0);
	CHECK(st->conversions == 3000);
}

/*
 * More faulting threads over a run than the table has slots: a slot is
 * freed when its fault uses it (it used to stay per thread for the whole
 * run, so thread 4097 and every run after it ended unknown).
 */
static void more_threads_than_slots(void)
{
	unsigned int t, n = 4 * DAX_TID_SLOTS + 100;
	struct dax_result r;

	reset();
	for (t = 1; t <= n; t++) {
		now_ns += 1000;
		lookup(t, t, 1, DAX_MAP_UNWRITTEN, 1, CONVERTED, 1);
		fault(t, (long long)t << 12, 0, DAX_IOMAP_MAPPED, DAX_IOMAP_F_NEW);
	}
	r = dax_finish(st, &cnt, true);
	CHECK(r.verdict == WBG_PASS);
	CHECK(st->d1_checked == n && st->table_full == 0);
	CHECK(st->nr_pending == 0);
	/* and the last of them is still judged */
	lookup(n + 1, 1, 1, DAX_MAP_UNWRITTEN, 0, DAX_MAP_MAPPED, 1);
	CHECK(fault(n + 1, 1 << 12, 0, DAX_IOMAP_MAPPED, 0) == DAX_CLASS_D1);
	CHECK(dax_finish(st, &cnt, true).verdict == WBG_VIOLATION);
}

/*
 * Lookups no fault ever uses (DAX write(2) from many short-lived threads):
 * when the table fills, those older than DAX_PENDING_MAX_NS go. Lookups
 * all in flight at once beyond the table cannot be followed: unknown.
 */
static void abandoned_lookups_expire(void)
{
	unsigned int t, n = DAX_TID_SLOTS + 2000;

	reset();
	for (t = 1; t <= n; t++) {
		now_ns += 1000000;	/* 1 ms apart: > 1 s spans the table */
		lookup(t, t, 1, DAX_MAP_MAPPED, 0, DAX_MAP_MAPPED, 1);
	}
	CHECK(st->table_full == 0);
	CHECK(st->lookups_expired > 0);
	CHECK(st->nr_pending <= DAX_TID_SLOTS);
	/* the newest still pairs with its fault */
	CHECK(fault(n, (long long)n << 12, 0, DAX_IOMAP_MAPPED, 0) == DAX_CLASS_FAULT);
	CHECK(st->d1_checked == 1 && st->write_faults_unmatched == 0);
	CHECK(dax_finish(st, &cnt, true).verdict == WBG_PASS);

	reset();
	for (t = 1; t <= DAX_TID_SLOTS + 1; t++)
		lookup(t, t, 1, DAX_MAP_MAPPED, 0, DAX_MAP_MAPPED, 1);
	CHECK(st->table_full == 1);
	fault(1, 1 << 12, 0, DAX_IOMAP_MAPPED, 0);
	CHECK(dax_finish(st, &cnt, true).verdict == WBG_UNKNOWN);
}

/* Stock mode cannot check D1: unchecked even with write faults, never a
 * pass; losses still make it unknown. */
static void stock_mode_is_unchecked(void)
{
	reset();
	CHECK(dax_finish(st, &cnt, false).verdict == WBG_UNCHECKED);
	CHECK(!dax_finish(st, &cnt, false).checked);
	/* an empty mainline-mode run judged nothing either */
	CHECK(dax_finish(st, &cnt, true).verdict == WBG_UNCHECKED);
	cnt.c[DXC_RB_DROPS] = 1;
	CHECK(dax_finish(st, &cnt, false).verdict == WBG_UNKNOWN);
}

static void reason_names(void)
{
	CHECK(strstr(dax_d1_reason_name(DAX_D1_NOT_CONVERTED), "without zeroing"));
	CHECK(!strcmp(dax_d1_reason_name(DAX_D1_OK), "ok"));
}

int main(void)
{
	int failures = 0;

	RUN(clean_pte_conversion);
	RUN(clean_pmd_conversion);
	RUN(d1_not_converted);
	RUN(d1_still_unwritten);
	RUN(converted_elsewhere_is_fine);
	RUN(refused_write_fault_is_not_d1);
	RUN(hole_allocation);
	RUN(interleaved_threads);
	RUN(unmatched_is_unknown);
	RUN(other_fs_not_judged);
	RUN(write_syscall_lookups);
	RUN(drops_make_unknown);
	RUN(mainline_dstmap_misses);
	RUN(short_stream_is_unknown);
	RUN(core_missing_is_unknown);
	RUN(bad_event_type);
	RUN(many_threads);
	RUN(more_threads_than_slots);
	RUN(abandoned_lookups_expire);
	RUN(stock_mode_is_unchecked);
	RUN(reason_names);
	free(st);
	return failures ? 1 : 0;
}
