// SPDX-License-Identifier: GPL-2.0
/* The C1-C4 verdict fed synthetic event streams: no BPF, no root. */
#include <stdlib.h>
#include <string.h>
#include "wbg_test.h"
#include "ioend_verdict.h"

#define SEC 1000000000ull
#define DEV ((7u << 20) | 1)

static struct ioend_state st;
static struct ioend_counts cnt;
static struct ioend_report rep[2];
static uint64_t now;
static int reports[IOEND_NINV];

static void reset(void)
{
	ioend_state_free(&st);
	ioend_state_init(&st, 5 * SEC);
	memset(&cnt, 0, sizeof(cnt));
	memset(reports, 0, sizeof(reports));
	now = 1000;
}

static int feed(unsigned int type, uint64_t io_end, uint64_t ino,
		unsigned int flag, int ret, unsigned int pid)
{
	struct ioend_event e = {
		.ts_ns = now += 1000, .io_end = io_end, .ino = ino, .dev = DEV,
		.type = type, .flag = flag, .ret = ret, .pid = pid,
		.offset = 0x10000, .size = 0x8000, .pos = 0,
	};
	int n = ioend_feed(&st, &e, rep), i;

	for (i = 0; i < n; i++)
		reports[rep[i].inv]++;
	return n;
}

/* The correct order for an unwritten io_end, deferred to the worker. */
static void clean_life(uint64_t a, uint64_t ino)
{
	feed(IOEND_EV_ALLOC, a, ino, 0, 0, 1);
	feed(IOEND_EV_SUBMIT, a, ino, IOEND_FL_UNWRITTEN, 0, 1);
	feed(IOEND_EV_DEFER, a, ino, IOEND_FL_UNWRITTEN, 0, 0);
	feed(IOEND_EV_CONV_START, a, ino, IOEND_FL_UNWRITTEN, 0, 2);
	feed(IOEND_EV_CONV_END, a, ino, IOEND_FL_UNWRITTEN, 0, 2);
	feed(IOEND_EV_RELEASE, a, ino, 0, 0, 2);
}

/* An unwritten io_end allocated and submitted by task @pid. */
static void submit_by(uint64_t a, uint64_t ino, unsigned int pid)
{
	feed(IOEND_EV_ALLOC, a, ino, 0, 0, pid);
	feed(IOEND_EV_SUBMIT, a, ino, IOEND_FL_UNWRITTEN, 0, pid);
}

/* The worker's part: deferred, converted, released. */
static void convert_release(uint64_t a, uint64_t ino)
{
	feed(IOEND_EV_DEFER, a, ino, IOEND_FL_UNWRITTEN, 1, 0);
	feed(IOEND_EV_CONV_START, a, ino, IOEND_FL_UNWRITTEN, 0, 2);
	feed(IOEND_EV_CONV_END, a, ino, IOEND_FL_UNWRITTEN, 0, 2);
	feed(IOEND_EV_RELEASE, a, ino, 0, 0, 2);
}

static struct ioend_result finish(void)
{
	return ioend_finish(&st, &cnt, now, NULL, NULL);
}

static void clean_stream_passes(void)
{
	struct ioend_result r;
	uint64_t i;

	reset();
	for (i = 0; i < 1000; i++)
		clean_life(0xffff888000000000ull + (i % 37) * 0x80, 12 + i % 3);
	/* a plain (written) io_end: released without a conversion */
	feed(IOEND_EV_ALLOC, 0xabc0, 12, 0, 0, 1);
	feed(IOEND_EV_SUBMIT, 0xabc0, 12, 0, 0, 1);
	feed(IOEND_EV_RELEASE, 0xabc0, 12, 0, 0, 1);
	r = finish();
	CHECK(r.verdict == WBG_PASS);
	CHECK(r.viol[IOEND_C1] == 0 && r.viol[IOEND_C2] == 0);
	CHECK(st.deferred_unwritten == 1000);
	CHECK(st.live == 0 && st.unconverted == 0);
	CHECK(st.life.count == 1001);
}

static void inline_conversion_is_fine(void)
{
	reset();
	feed(IOEND_EV_ALLOC, 0x100, 5, 0, 0, 1);
	feed(IOEND_EV_SUBMIT, 0x100, 5, IOEND_FL_UNWRITTEN, 0, 1);
	feed(IOEND_EV_CONV_START, 0x100, 5, IOEND_FL_UNWRITTEN, 0, 1);
	feed(IOEND_EV_CONV_END, 0x100, 5, IOEND_FL_UNWRITTEN, 0, 1);
	feed(IOEND_EV_RELEASE, 0x100, 5, 0, 0, 1);
	CHECK(finish().verdict == WBG_PASS);
	CHECK(st.converted_inline == 1);
}

static void c1_double_release(void)
{
	reset();
	clean_life(0x200, 5);
	CHECK(feed(IOEND_EV_RELEASE, 0x200, 5, 0, 0, 3) == 1);
	CHECK(rep[0].inv == IOEND_C1);
	CHECK(finish().verdict == WBG_VIOLATION);
	CHECK(reports[IOEND_C1] == 1);
}

static void c1_leak_needs_age(void)
{
	struct ioend_result r;

	reset();
	feed(IOEND_EV_ALLOC, 0x300, 5, 0, 0, 1);
	feed(IOEND_EV_SUBMIT, 0x300, 5, 0, 0, 1);
	r = finish();
	CHECK(r.verdict == WBG_PASS);	/* young: in flight, not a leak */
	CHECK(r.in_flight == 1);
	CHECK(ioend_pending_leaks(&st, now + 6 * SEC) == 1);
	now += 6 * SEC;
	r = finish();
	CHECK(r.verdict == WBG_VIOLATION);
	CHECK(r.leaks == 1 && r.viol[IOEND_C1] == 1);
}

static void c1_leak_with_losses_is_unknown(void)
{
	struct ioend_result r;

	reset();
	feed(IOEND_EV_ALLOC, 0x300, 5, 0, 0, 1);
	now += 10 * SEC;
	cnt.c[ICT_RB_DROPS] = 3;	/* the release may be among them */
	r = finish();
	CHECK(r.verdict == WBG_UNKNOWN);
	CHECK(r.leaks == 1);
}

static void untracked_release_is_not_a_violation(void)
{
	reset();
	/* allocated before tracing began */
	feed(IOEND_EV_CONV_START, 0x400, 5, IOEND_FL_UNWRITTEN, 0, 2);
	feed(IOEND_EV_CONV_END, 0x400, 5, IOEND_FL_UNWRITTEN, 0, 2);
	feed(IOEND_EV_RELEASE, 0x400, 5, 0, 0, 2);
	feed(IOEND_EV_RELEASE, 0x500, 5, 0, 0, 2);
	CHECK(finish().verdict == WBG_PASS);
	CHECK(st.untracked_release == 1);
}

static void c2_release_before_conversion(void)
{
	reset();
	feed(IOEND_EV_ALLOC, 0x600, 5, 0, 0, 1);
	feed(IOEND_EV_SUBMIT, 0x600, 5, IOEND_FL_UNWRITTEN, 0, 1);
	feed(IOEND_EV_DEFER, 0x600, 5, IOEND_FL_UNWRITTEN, 0, 0);
	CHECK(feed(IOEND_EV_RELEASE, 0x600, 5, 0, 0, 2) == 1);
	CHECK(rep[0].inv == IOEND_C2);
	CHECK(finish().verdict == WBG_VIOLATION);
}

static void c2_wb_early(void)
{
	reset();
	feed(IOEND_EV_ALLOC, 0x700, 5, 0, 0, 1);
	feed(IOEND_EV_SUBMIT, 0x700, 5, IOEND_FL_UNWRITTEN, 0, 1);
	feed(IOEND_EV_DEFER, 0x700, 5, IOEND_FL_UNWRITTEN, 0, 0);
	CHECK(feed(IOEND_EV_WB_EARLY, 0x700, 5, IOEND_FL_UNWRITTEN, 0, 2) == 1);
	CHECK(rep[0].inv == IOEND_C2);
	feed(IOEND_EV_CONV_START, 0x700, 5, IOEND_FL_UNWRITTEN, 0, 2);
	feed(IOEND_EV_CONV_END, 0x700, 5, IOEND_FL_UNWRITTEN, 0, 2);
	feed(IOEND_EV_RELEASE, 0x700, 5, 0, 0, 2);
	CHECK(finish().viol[IOEND_C2] == 1);
}

static void c2_folio_end_in_range(void)
{
	struct ioend_event fe = { .type = IOEND_EV_FOLIO_END, .dev = DEV,
				  .ino = 5, .aux = 1 };

	reset();
	feed(IOEND_EV_ALLOC, 0x800, 5, 0, 0, 1);
	feed(IOEND_EV_SUBMIT, 0x800, 5, IOEND_FL_UNWRITTEN, 0, 1);
	/* outside the range [0x10000, 0x18000): fine */
	fe.pos = 0x20;
	CHECK(ioend_feed(&st, &fe, rep) == 0);
	/* other inode: fine */
	fe.pos = 0x11;
	fe.ino = 6;
	CHECK(ioend_feed(&st, &fe, rep) == 0);
	fe.ino = 5;
	CHECK(ioend_feed(&st, &fe, rep) == 1);
	CHECK(rep[0].inv == IOEND_C2);
	/* after the conversion: fine */
	feed(IOEND_EV_CONV_END, 0x800, 5, IOEND_FL_UNWRITTEN, 0, 2);
	CHECK(ioend_feed(&st, &fe, rep) == 0);
}

static void c3_fsync_before_conversion(void)
{
	reset();
	feed(IOEND_EV_ALLOC, 0x900, 5, 0, 0, 1);
	feed(IOEND_EV_SUBMIT, 0x900, 5, IOEND_FL_UNWRITTEN, 0, 1);
	feed(IOEND_EV_DEFER, 0x900, 5, IOEND_FL_UNWRITTEN, 1, 0);
	feed(IOEND_EV_SYNC_ENTER, 0, 5, 0, 0, 42);
	/* an fsync of another inode is not concerned */
	feed(IOEND_EV_SYNC_ENTER, 0, 6, 0, 0, 43);
	CHECK(feed(IOEND_EV_SYNC_EXIT, 0, 6, 0, 0, 43) == 0);
	CHECK(feed(IOEND_EV_SYNC_EXIT, 0, 5, 0, 0, 42) == 1);
	CHECK(rep[0].inv == IOEND_C3);
	CHECK(finish().verdict == WBG_VIOLATION);
}

static void c3_clean_and_later_submissions(void)
{
	reset();
	/* fsync waits: the conversion ends before it returns */
	submit_by(0xa00, 5, 1);
	feed(IOEND_EV_SYNC_ENTER, 0, 5, 0, 0, 42);
	convert_release(0xa00, 5);
	/* submitted after the fsync began by another task: not its business */
	submit_by(0xb00, 5, 1);
	CHECK(feed(IOEND_EV_SYNC_EXIT, 0, 5, 0, 0, 42) == 0);
	/* a failed fsync is not a C3 violation either */
	feed(IOEND_EV_SYNC_ENTER, 0, 5, 0, 0, 42);
	CHECK(feed(IOEND_EV_SYNC_EXIT, 0, 5, 0, -5, 42) == 0);
	CHECK(finish().verdict == WBG_PASS);
}

/*
 * The fsync's own writeback: ext4_writepages runs in the fsync task, so
 * the io_ends that task submits while in the fsync must be converted
 * before it returns (the 2012 hole: writeback ended early, the worker had
 * not run yet).
 */
static void c3_own_writeback_pending(void)
{
	struct ioend_event fe = {
		.type = IOEND_EV_FOLIO_END, .dev = DEV, .ino = 5, .pos = 0x10,
	};

	reset();
	feed(IOEND_EV_SYNC_ENTER, 0, 5, 0, 0, 42);
	submit_by(0xd00, 5, 42);
	fe.ts_ns = now += 1000;
	CHECK(ioend_feed(&st, &fe, rep) == 1 && rep[0].inv == IOEND_C2);
	feed(IOEND_EV_DEFER, 0xd00, 5, IOEND_FL_UNWRITTEN, 1, 0);
	CHECK(feed(IOEND_EV_SYNC_EXIT, 0, 5, 0, 0, 42) == 1);
	CHECK(rep[0].inv == IOEND_C3 && rep[0].io_end == 0xd00);
	CHECK(st.viol[IOEND_C3] == 1);
}

static void c3_own_writeback_converted(void)
{
	reset();
	feed(IOEND_EV_SYNC_ENTER, 0, 5, 0, 0, 42);
	submit_by(0xe00, 5, 42);
	convert_release(0xe00, 5);
	/* another task's io_end, submitted meanwhile and still queued */
	submit_by(0xf00, 5, 7);
	CHECK(feed(IOEND_EV_SYNC_EXIT, 0, 5, 0, 0, 42) == 0);
	CHECK(st.viol[IOEND_C3] == 0);
}

/* fentry mode on an unpatched kernel: failed I/O is never converted (no
 * convert events at all), and its release must not read as C2. */
static void c2_failed_io_released_unconverted(void)
{
	reset();
	submit_by(0x1100, 5, 1);
	feed(IOEND_EV_DEFER, 0x1100, 5, IOEND_FL_UNWRITTEN | IOEND_FL_FAILED, 2, 0);
	CHECK(feed(IOEND_EV_RELEASE, 0x1100, 5, 0, 0, 0) == 0);
	/* the same without the failure is C2 */
	submit_by(0x1200, 5, 1);
	feed(IOEND_EV_DEFER, 0x1200, 5, IOEND_FL_UNWRITTEN, 2, 0);
	CHECK(feed(IOEND_EV_RELEASE, 0x1200, 5, 0, 0, 0) == 1);
	CHECK(rep[0].inv == IOEND_C2 && st.viol[IOEND_C2] == 1);
	/* I/O that failed at submission: the last put is in the submitter,
	 * only the release (kmem_cache_free, object still readable) shows
	 * FAILED */
	submit_by(0x1300, 5, 1);
	CHECK(feed(IOEND_EV_RELEASE, 0x1300, 5, IOEND_FL_UNWRITTEN | IOEND_FL_FAILED, 0, 1) == 0);
	CHECK(st.viol[IOEND_C2] == 1 && st.unconverted == 0);
}

static void c4_failure_reported_and_surfaced(void)
{
	reset();
	feed(IOEND_EV_ALLOC, 0xc00, 5, 0, 0, 1);
	feed(IOEND_EV_SUBMIT, 0xc00, 5, IOEND_FL_UNWRITTEN, 0, 1);
	feed(IOEND_EV_DEFER, 0xc00, 5, IOEND_FL_UNWRITTEN | IOEND_FL_FAILED, 1, 0);
	feed(IOEND_EV_CONV_START, 0xc00, 5, IOEND_FL_UNWRITTEN | IOEND_FL_FAILED, 0, 2);
	CHECK(feed(IOEND_EV_CONV_END, 0xc00, 5, IOEND_FL_UNWRITTEN | IOEND_FL_FAILED, -5, 2) == 1);
	CHECK(rep[0].inv == IOEND_C4 && rep[0].err == -5 && rep[0].ino == 5);
	CHECK(rep[0].offset == 0x10000 && rep[0].size == 0x8000);
	feed(IOEND_EV_RELEASE, 0xc00, 5, 0, 0, 2);
	feed(IOEND_EV_SYNC_ENTER, 0, 5, 0, 0, 42);
	CHECK(feed(IOEND_EV_SYNC_EXIT, 0, 5, 0, -5, 42) == 0);
	CHECK(st.c4_failed == 1 && st.c4_surfaced == 1);
	/* a failure reported, surfaced: no violation */
	CHECK(finish().verdict == WBG_PASS);
}

static void c4_failure_swallowed(void)
{
	reset();
	feed(IOEND_EV_ALLOC, 0xd00, 5, 0, 0, 1);
	feed(IOEND_EV_SUBMIT, 0xd00, 5, IOEND_FL_UNWRITTEN, 0, 1);
	feed(IOEND_EV_CONV_START, 0xd00, 5, IOEND_FL_UNWRITTEN, 0, 2);
	feed(IOEND_EV_CONV_END, 0xd00, 5, IOEND_FL_UNWRITTEN, -28, 2);
	feed(IOEND_EV_RELEASE, 0xd00, 5, 0, 0, 2);
	feed(IOEND_EV_SYNC_ENTER, 0, 5, 0, 0, 42);
	CHECK(feed(IOEND_EV_SYNC_EXIT, 0, 5, 0, 0, 42) == 1);
	CHECK(rep[0].inv == IOEND_C4);
	CHECK(finish().verdict == WBG_VIOLATION);
}

/* Two fsyncs of one file after a failure: the first to check errseq gets
 * the error, the other 0, and they may leave in either order. */
static void c4_concurrent_fsyncs(void)
{
	reset();
	feed(IOEND_EV_ALLOC, 0xd80, 5, 0, 0, 1);
	feed(IOEND_EV_SUBMIT, 0xd80, 5, IOEND_FL_UNWRITTEN, 0, 1);
	feed(IOEND_EV_CONV_START, 0xd80, 5, IOEND_FL_UNWRITTEN | IOEND_FL_FAILED, 0, 2);
	feed(IOEND_EV_CONV_END, 0xd80, 5, IOEND_FL_UNWRITTEN | IOEND_FL_FAILED, -5, 2);
	feed(IOEND_EV_RELEASE, 0xd80, 5, 0, 0, 2);
	feed(IOEND_EV_SYNC_ENTER, 0, 5, 0, 0, 42);
	feed(IOEND_EV_SYNC_ENTER, 0, 5, 0, 0, 43);
	CHECK(feed(IOEND_EV_SYNC_EXIT, 0, 5, 0, 0, 43) == 0);	/* suspect */
	CHECK(feed(IOEND_EV_SYNC_EXIT, 0, 5, 0, -5, 42) == 0);	/* took it */
	CHECK(finish().verdict == WBG_PASS);
	CHECK(st.c4_surfaced == 1);

	/* the same, but the other fsync returns 0 too: swallowed */
	reset();
	feed(IOEND_EV_CONV_END, 0xd80, 5, IOEND_FL_UNWRITTEN, -28, 2);
	feed(IOEND_EV_SYNC_ENTER, 0, 5, 0, 0, 42);
	feed(IOEND_EV_SYNC_ENTER, 0, 5, 0, 0, 43);
	CHECK(feed(IOEND_EV_SYNC_EXIT, 0, 5, 0, 0, 43) == 0);
	CHECK(feed(IOEND_EV_SYNC_EXIT, 0, 5, 0, 0, 42) == 1);
	CHECK(rep[0].inv == IOEND_C4);
	CHECK(finish().viol[IOEND_C4] == 1);

	/* still suspect at the end: a violation */
	reset();
	feed(IOEND_EV_CONV_END, 0xd80, 5, IOEND_FL_UNWRITTEN, -28, 2);
	feed(IOEND_EV_SYNC_ENTER, 0, 5, 0, 0, 42);
	feed(IOEND_EV_SYNC_ENTER, 0, 5, 0, 0, 43);
	CHECK(feed(IOEND_EV_SYNC_EXIT, 0, 5, 0, 0, 43) == 0);
	CHECK(finish().viol[IOEND_C4] == 1);
}

static void c4_direct_io_path(void)
{
	struct ioend_event e = { .type = IOEND_EV_CONVERT_EXTENTS, .dev = DEV,
				 .ino = 9, .ret = -5, .aux = 0 };

	reset();
	CHECK(ioend_feed(&st, &e, rep) == 1 && rep[0].inv == IOEND_C4);
	e.aux = 1;	/* reserved handle: the io_end path reports it */
	CHECK(ioend_feed(&st, &e, rep) == 0);
	CHECK(st.c4_failed == 1);
}

static void drops_make_unknown(void)
{
	reset();
	clean_life(0xe00, 5);
	cnt.c[ICT_RB_DROPS] = 1;
	CHECK(finish().verdict == WBG_UNKNOWN);
	cnt.c[ICT_RB_DROPS] = 0;
	cnt.c[ICT_MAP_FULL] = 1;
	CHECK(finish().verdict == WBG_UNKNOWN);
	/* a second release with losses: a lost allocation of the reused
	 * address looks the same, so it is not proof */
	feed(IOEND_EV_RELEASE, 0xe00, 5, 0, 0, 3);
	CHECK(finish().verdict == WBG_UNKNOWN);
	CHECK(finish().unproven == 1 && finish().viol[IOEND_C1] == 1);
	/* other violations seen stay violations */
	feed(IOEND_EV_ALLOC, 0xe80, 5, 0, 0, 1);
	feed(IOEND_EV_SUBMIT, 0xe80, 5, IOEND_FL_UNWRITTEN, 0, 1);
	feed(IOEND_EV_DEFER, 0xe80, 5, IOEND_FL_UNWRITTEN, 0, 0);
	CHECK(feed(IOEND_EV_RELEASE, 0xe80, 5, 0, 0, 2) == 1);
	CHECK(finish().verdict == WBG_VIOLATION);
}

static void c1_second_release_without_losses_is_violation(void)
{
	struct ioend_result r;

	reset();
	clean_life(0xe00, 5);
	feed(IOEND_EV_RELEASE, 0xe00, 5, 0, 0, 3);
	r = finish();
	CHECK(r.verdict == WBG_VIOLATION);
	CHECK(r.unproven == 0 && r.viol[IOEND_C1] == 1);
}

static void alloc_of_live_address_is_inconsistent(void)
{
	reset();
	feed(IOEND_EV_ALLOC, 0xf00, 5, 0, 0, 1);
	feed(IOEND_EV_ALLOC, 0xf00, 5, 0, 0, 1);
	CHECK(st.inconsistent == 1);
	CHECK(finish().verdict == WBG_UNKNOWN);
}

static void table_grows(void)
{
	uint64_t i;

	reset();
	for (i = 0; i < 5000; i++)
		feed(IOEND_EV_ALLOC, 0x1000 + i * 64, 5, 0, 0, 1);
	CHECK(st.live == 5000);
	for (i = 0; i < 5000; i++)
		feed(IOEND_EV_RELEASE, 0x1000 + i * 64, 5, 0, 0, 1);
	CHECK(st.live == 0);
	CHECK(finish().verdict == WBG_PASS);
}

/*
 * A long run: every io_end gets its own address (the old table kept each
 * released one forever and grew without bound). Memory stays bounded by
 * what is live plus the last IOEND_MAX_RELEASED releases, inode records
 * go when their last unconverted io_end and fsync do, and the lookups
 * (fsync exit, folio end) still find what they must.
 */
static void long_stream_stays_bounded(void)
{
	const uint64_t n = 4 * IOEND_MAX_RELEASED + 1000;
	uint64_t i, base = 0xffff888100000000ull, peak = 0;
	struct ioend_result r;

	reset();
	for (i = 0; i < n; i++) {
		uint64_t a = base + i * 0x80, ino = 100 + i % 1000;

		feed(IOEND_EV_SYNC_ENTER, 0, ino, 0, 0, 7);
		submit_by(a, ino, 1);
		convert_release(a, ino);
		feed(IOEND_EV_FOLIO_END, 0, ino, 0, 0, 3);
		feed(IOEND_EV_SYNC_EXIT, 0, ino, 0, 0, 7);
		if (ioend_entries(&st) > peak)
			peak = ioend_entries(&st);
	}
	CHECK(st.live == 0 && st.unconverted == 0);
	CHECK(peak <= IOEND_MAX_RELEASED);
	CHECK(st.nents <= IOEND_MAX_RELEASED + 1);
	CHECK(st.released_forgotten == n - IOEND_MAX_RELEASED);
	CHECK(keymap_count(&st.by_inode) == 0);
	CHECK(keymap_count(&st.by_pid) == 0);
	CHECK(st.viol[IOEND_C1] + st.viol[IOEND_C2] + st.viol[IOEND_C3] == 0);
	r = finish();
	CHECK(r.verdict == WBG_PASS);
	/* a recent release released again: C1 */
	feed(IOEND_EV_RELEASE, base + (n - 1) * 0x80, 5, 0, 0, 2);
	CHECK(reports[IOEND_C1] == 1);
	/* the oldest was forgotten: an untracked release, not a verdict */
	feed(IOEND_EV_RELEASE, base, 5, 0, 0, 2);
	CHECK(reports[IOEND_C1] == 1);
	CHECK(st.untracked_release == 1);

	/* the indexes still judge: a queued conversion at an fsync exit ... */
	reset();
	for (i = 0; i < 3000; i++)
		submit_by(base + i * 0x80, 100 + i % 1000, 1);
	feed(IOEND_EV_SYNC_ENTER, 0, 555, 0, 0, 9);
	feed(IOEND_EV_SYNC_EXIT, 0, 555, 0, 0, 9);
	CHECK(reports[IOEND_C3] == 1);
	/* ... and a folio end inside an unconverted io_end's range */
	feed(IOEND_EV_FOLIO_END, 0, 777, 0, 0, 3);	/* pos 0: outside */
	CHECK(reports[IOEND_C2] == 0);
	{
		struct ioend_event e = {
			.ts_ns = now += 1000, .ino = 777, .dev = DEV,
			.type = IOEND_EV_FOLIO_END, .pos = 0x10000 >> 12, .aux = 1,
		};

		CHECK(ioend_feed(&st, &e, rep) == 1 && rep[0].inv == IOEND_C2);
	}
	/* converting them all empties the inode index */
	for (i = 0; i < 3000; i++)
		convert_release(base + i * 0x80, 100 + i % 1000);
	CHECK(st.unconverted == 0 && keymap_count(&st.by_inode) == 0);
	feed(IOEND_EV_SYNC_ENTER, 0, 555, 0, 0, 9);
	feed(IOEND_EV_SYNC_EXIT, 0, 555, 0, 0, 9);
	CHECK(reports[IOEND_C3] == 1);
}

/* An fsync that runs while another of the same inode ends (C4 suspect). */
static void concurrent_fsync_counts_per_inode(void)
{
	reset();
	feed(IOEND_EV_SYNC_ENTER, 0, 5, 0, 0, 10);
	feed(IOEND_EV_SYNC_ENTER, 0, 5, 0, 0, 11);
	feed(IOEND_EV_SYNC_ENTER, 0, 6, 0, 0, 12);
	CHECK(keymap_count(&st.by_inode) == 2);
	feed(IOEND_EV_SYNC_EXIT, 0, 5, 0, 0, 10);
	feed(IOEND_EV_SYNC_EXIT, 0, 6, 0, 0, 12);
	CHECK(keymap_count(&st.by_inode) == 1);
	feed(IOEND_EV_SYNC_EXIT, 0, 5, 0, 0, 11);
	CHECK(keymap_count(&st.by_inode) == 0);
	CHECK(st.nsync_free == IOEND_MAX_SYNCS);
}

/* Nothing the invariants are about: no verdict, whatever else went by. */
static void nothing_judged_is_unchecked(void)
{
	reset();
	CHECK(finish().verdict == WBG_UNCHECKED);
	/* fsyncs alone: nothing they had to wait for */
	feed(IOEND_EV_SYNC_ENTER, 0, 5, 0, 0, 42);
	feed(IOEND_EV_SYNC_EXIT, 0, 5, 0, 0, 42);
	CHECK(finish().verdict == WBG_UNCHECKED);
	CHECK(!finish().judged);
	/* losses still make it unknown (precedence) */
	cnt.c[ICT_RB_DROPS] = 1;
	CHECK(finish().verdict == WBG_UNKNOWN);
	/* a direct-I/O conversion is judged */
	reset();
	feed(IOEND_EV_CONVERT_EXTENTS, 0, 5, 0, 0, 42);
	CHECK(finish().verdict == WBG_PASS);
	/* ... and so are io_ends counted in BPF but filtered from the stream */
	reset();
	cnt.c[ICT_ALLOC] = 1;
	cnt.c[ICT_RELEASE] = 1;
	CHECK(finish().judged);
}

/* C3/C4 tracking that runs out of room cannot judge those fsyncs: unknown. */
static void full_tables_are_unknown(void)
{
	unsigned int i;
	struct ioend_result r;

	reset();
	clean_life(0x100, 5);
	for (i = 0; i <= IOEND_MAX_SYNCS; i++)
		feed(IOEND_EV_SYNC_ENTER, 0, 5, 0, 0, 1000 + i);
	r = finish();
	CHECK(st.syncs_full == 1);
	CHECK(r.untracked == 1);
	CHECK(r.verdict == WBG_UNKNOWN);

	reset();
	for (i = 0; i <= IOEND_MAX_FAILURES; i++) {
		uint64_t a = 0x10000 + i * 0x100;

		feed(IOEND_EV_ALLOC, a, 100 + i, 0, 0, 1);
		feed(IOEND_EV_SUBMIT, a, 100 + i, IOEND_FL_UNWRITTEN, 0, 1);
		feed(IOEND_EV_CONV_START, a, 100 + i, IOEND_FL_UNWRITTEN, 0, 2);
		feed(IOEND_EV_CONV_END, a, 100 + i, IOEND_FL_UNWRITTEN, -5, 2);
		feed(IOEND_EV_RELEASE, a, 100 + i, 0, 0, 2);
	}
	r = finish();
	CHECK(st.fails_full == 1);
	CHECK(r.verdict == WBG_UNKNOWN);
	/* a violation seen still stands */
	feed(IOEND_EV_RELEASE, 0x10000, 100, 0, 0, 2);
	CHECK(finish().verdict == WBG_VIOLATION);
}

static void bad_type(void)
{
	struct ioend_event e = { .type = 99 };

	reset();
	CHECK(ioend_feed(&st, &e, rep) == 0);
	CHECK(finish().verdict == WBG_UNKNOWN);
}

int main(void)
{
	int failures = 0;

	RUN(clean_stream_passes);
	RUN(inline_conversion_is_fine);
	RUN(c1_double_release);
	RUN(c1_leak_needs_age);
	RUN(c1_leak_with_losses_is_unknown);
	RUN(untracked_release_is_not_a_violation);
	RUN(c2_release_before_conversion);
	RUN(c2_wb_early);
	RUN(c2_folio_end_in_range);
	RUN(c3_fsync_before_conversion);
	RUN(c3_clean_and_later_submissions);
	RUN(c3_own_writeback_pending);
	RUN(c3_own_writeback_converted);
	RUN(c2_failed_io_released_unconverted);
	RUN(c4_failure_reported_and_surfaced);
	RUN(c4_failure_swallowed);
	RUN(c4_concurrent_fsyncs);
	RUN(c4_direct_io_path);
	RUN(drops_make_unknown);
	RUN(c1_second_release_without_losses_is_violation);
	RUN(alloc_of_live_address_is_inconsistent);
	RUN(table_grows);
	RUN(long_stream_stays_bounded);
	RUN(concurrent_fsync_counts_per_inode);
	RUN(nothing_judged_is_unchecked);
	RUN(full_tables_are_unknown);
	RUN(bad_type);
	ioend_state_free(&st);
	return failures ? 1 : 0;
}
