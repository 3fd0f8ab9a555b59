// SPDX-License-Identifier: GPL-2.0
/* The S1/S3 verdict fed synthetic event streams: no BPF, no root. */
#include <stdlib.h>
#include <string.h>
#include "wbg_test.h"
#include "stable_verdict.h"

static struct stable_state st;
static struct stable_counts cnt;

static void reset(void)
{
	stable_state_init(&st);
	memset(&cnt, 0, sizeof(cnt));
}

static struct stable_event ev(unsigned int type, unsigned int flags,
			      unsigned int res)
{
	struct stable_event e = {
		.type = type, .flags = flags, .res = res,
		.dev = (7u << 20) | 0, .ino = 12, .index = 3, .pid = 100,
	};

	return e;
}

/* Feed an episode the way the BPF side sends it, counting it too. */
static enum stable_class stable_episode(unsigned int now, unsigned int res)
{
	struct stable_event e = ev(STABLE_EV_STABLE_DIRTY,
				   STABLE_F_STABLE_MAPPING | STABLE_F_UNDER_WB | now,
				   res);

	cnt.c[STC_STABLE_UNDER_WB]++;
	return stable_feed(&st, &e);
}

static void clean_stream_passes(void)
{
	struct stable_event w = ev(STABLE_EV_WAIT, STABLE_F_STABLE_MAPPING |
				   STABLE_F_SLEPT, 0);
	struct stable_result r;
	int i;

	reset();
	w.latency_ns = 200000;
	for (i = 0; i < 100; i++)
		CHECK(stable_feed(&st, &w) == STABLE_CLASS_WAIT);
	cnt.c[STC_DIRTY] = 1000;
	cnt.c[STC_WAIT] = 100;
	r = stable_finish(&st, &cnt);
	CHECK(r.verdict == WBG_PASS);
	CHECK(r.s1 == 0);
	CHECK(st.wait_lat.count == 100);
}

static void mkwrite_order_is_not_a_violation(void)
{
	struct stable_result r;

	reset();
	/* dirtied under writeback, then waited on the same folio */
	CHECK(stable_episode(0, STABLE_RES_WAITED) == STABLE_CLASS_STABLE_OK);
	r = stable_finish(&st, &cnt);
	CHECK(r.verdict == WBG_PASS);
	CHECK(st.stable_waited == 1);
}

/* The thread went on (another folio, or waited only in a later system
 * call or fault) while the same writeback still ran. */
static void going_on_without_waiting_is_s1(void)
{
	static const unsigned int res[] = {
		STABLE_RES_OTHER_FOLIO, STABLE_RES_LATER_ENTRY,
	};
	struct stable_result r;
	unsigned int i;

	for (i = 0; i < sizeof(res) / sizeof(res[0]); i++) {
		reset();
		CHECK(stable_episode(STABLE_F_NOW_WB | STABLE_F_NOW_DIRTY,
				     res[i]) == STABLE_CLASS_S1);
		r = stable_finish(&st, &cnt);
		CHECK(r.verdict == WBG_VIOLATION);
		CHECK(r.s1 == 1);
	}
}

static void writeback_over_or_restarted_is_not_s1(void)
{
	struct stable_result r;

	reset();
	/* writeback finished before the thread went on (the page_mkwrite
	 * whose writeback ended between its dirty and its wait) */
	CHECK(stable_episode(STABLE_F_NOW_DIRTY, STABLE_RES_OTHER_FOLIO) ==
	      STABLE_CLASS_STABLE_OK);
	/* cleaned and under a new writeback: dirty bit gone */
	CHECK(stable_episode(STABLE_F_NOW_WB, STABLE_RES_OTHER_FOLIO) ==
	      STABLE_CLASS_STABLE_OK);
	/* waited later, but that writeback was over (folio reused or
	 * cleaned): nothing to blame */
	CHECK(stable_episode(0, STABLE_RES_LATER_ENTRY) == STABLE_CLASS_STABLE_OK);
	/* same folio dirtied again: it was cleaned in between */
	CHECK(stable_episode(0, STABLE_RES_REDIRTIED) == STABLE_CLASS_STABLE_OK);
	/* dirty and under writeback, but another thread dirtied it under
	 * writeback since (its own page_mkwrite under a later writeback) */
	CHECK(stable_episode(STABLE_F_NOW_WB | STABLE_F_NOW_DIRTY |
			     STABLE_F_NOW_SUPERSEDED, STABLE_RES_OTHER_FOLIO) ==
	      STABLE_CLASS_STABLE_OK);
	CHECK(stable_episode(STABLE_F_NOW_WB | STABLE_F_NOW_DIRTY |
			     STABLE_F_NOW_SUPERSEDED, STABLE_RES_LATER_ENTRY) ==
	      STABLE_CLASS_STABLE_OK);
	r = stable_finish(&st, &cnt);
	CHECK(r.verdict == WBG_PASS);
	CHECK(st.stable_ended == 6);
}

/* A kernel thread without a user mm (bio_dirty_fn after a direct-I/O
 * read) dirties a stable folio under writeback: decided at once. */
static void kthread_dirty_under_writeback_is_s1(void)
{
	struct stable_event e = ev(STABLE_EV_STABLE_DIRTY,
				   STABLE_F_STABLE_MAPPING | STABLE_F_UNDER_WB |
				   STABLE_F_KTHREAD | STABLE_F_NOW_WB |
				   STABLE_F_NOW_DIRTY, STABLE_RES_KTHREAD);
	struct stable_result r;

	reset();
	cnt.c[STC_STABLE_UNDER_WB] = 1;
	CHECK(stable_feed(&st, &e) == STABLE_CLASS_S1);
	r = stable_finish(&st, &cnt);
	CHECK(r.verdict == WBG_VIOLATION);
	CHECK(st.stable_kthread == 1);

	/* the same result without the kernel-thread flag is inconsistent */
	reset();
	e.flags &= ~STABLE_F_KTHREAD;
	cnt.c[STC_STABLE_UNDER_WB] = 1;
	CHECK(stable_feed(&st, &e) == STABLE_CLASS_BAD);
	r = stable_finish(&st, &cnt);
	CHECK(r.verdict == WBG_UNKNOWN);
}

/*
 * Bounce-aware mode: an S1 candidate whose folio was then queued whole in a
 * write bio (STABLE_F_PRESUBMIT) changed before the device got it: fine,
 * counted apart from bounces. Both answers at once is an inconsistent
 * stream, and so is the answer on an episode that was not a candidate.
 */
static void presubmit_change_is_not_s1(void)
{
	unsigned int still = STABLE_F_NOW_WB | STABLE_F_NOW_DIRTY;
	struct stable_event e = ev(STABLE_EV_STABLE_DIRTY,
				   STABLE_F_STABLE_MAPPING | STABLE_F_UNDER_WB |
				   STABLE_F_KTHREAD | still | STABLE_F_PRESUBMIT,
				   STABLE_RES_KTHREAD);
	struct stable_result r;

	reset();
	e.repeat = 1;
	cnt.c[STC_STABLE_UNDER_WB] = 2;
	CHECK(stable_feed(&st, &e) == STABLE_CLASS_STABLE_OK);
	CHECK(stable_episode(still | STABLE_F_PRESUBMIT, STABLE_RES_LATER_ENTRY) ==
	      STABLE_CLASS_STABLE_OK);
	r = stable_finish(&st, &cnt);
	CHECK(r.verdict == WBG_PASS);
	CHECK(r.s1 == 0 && st.stable_presubmit == 3 && st.stable_bounced == 0);

	reset();
	CHECK(stable_episode(still | STABLE_F_PRESUBMIT | STABLE_F_BOUNCED,
			     STABLE_RES_OTHER_FOLIO) == STABLE_CLASS_BAD);
	CHECK(stable_episode(STABLE_F_PRESUBMIT, STABLE_RES_OTHER_FOLIO) ==
	      STABLE_CLASS_BAD);
	r = stable_finish(&st, &cnt);
	CHECK(r.verdict == WBG_UNKNOWN);
}

/*
 * Bounce-aware mode: an S1 candidate whose writeback the kernel bounced
 * (the device got a copy) is fine; one whose writeback ended unbounced is
 * S1 as before; a held event stands for 1 + repeat episodes.
 */
static void bounced_writeback_is_not_s1(void)
{
	unsigned int still = STABLE_F_NOW_WB | STABLE_F_NOW_DIRTY;
	struct stable_event e = ev(STABLE_EV_STABLE_DIRTY,
				   STABLE_F_STABLE_MAPPING | STABLE_F_UNDER_WB |
				   STABLE_F_KTHREAD | still | STABLE_F_BOUNCED,
				   STABLE_RES_KTHREAD);
	struct stable_result r;

	reset();
	e.repeat = 2;
	cnt.c[STC_STABLE_UNDER_WB] = 3;
	CHECK(stable_feed(&st, &e) == STABLE_CLASS_STABLE_OK);
	CHECK(stable_episode(still | STABLE_F_BOUNCED, STABLE_RES_OTHER_FOLIO) ==
	      STABLE_CLASS_STABLE_OK);
	CHECK(stable_episode(still | STABLE_F_BOUNCED, STABLE_RES_LATER_ENTRY) ==
	      STABLE_CLASS_STABLE_OK);
	r = stable_finish(&st, &cnt);
	CHECK(r.verdict == WBG_PASS);
	CHECK(r.s1 == 0);
	CHECK(st.stable_bounced == 5);
	CHECK(r.unresolved == 0 && !r.stream_short);

	/* held, then the writeback ended without a bounce: S1, all of them */
	reset();
	e.flags &= ~STABLE_F_BOUNCED;
	cnt.c[STC_STABLE_UNDER_WB] = 3;
	CHECK(stable_feed(&st, &e) == STABLE_CLASS_S1);
	r = stable_finish(&st, &cnt);
	CHECK(r.verdict == WBG_VIOLATION);
	CHECK(r.s1 == 3 && st.stable_kthread == 3);

	/* a bounce excuses only an S1 candidate: on a waited episode, or a
	 * repeat on an episode that was not held, the stream is inconsistent */
	reset();
	CHECK(stable_episode(STABLE_F_BOUNCED, STABLE_RES_WAITED) == STABLE_CLASS_BAD);
	e = ev(STABLE_EV_STABLE_DIRTY, STABLE_F_STABLE_MAPPING | STABLE_F_UNDER_WB,
	       STABLE_RES_OTHER_FOLIO);
	e.repeat = 1;
	cnt.c[STC_STABLE_UNDER_WB] += 2;
	CHECK(stable_feed(&st, &e) == STABLE_CLASS_BAD);
	r = stable_finish(&st, &cnt);
	CHECK(r.verdict == WBG_UNKNOWN);
}

static void nonstable_rewrite_is_info(void)
{
	struct stable_event e = ev(STABLE_EV_DIRTY_UNDER_WB, STABLE_F_UNDER_WB, 0);
	struct stable_result r;

	reset();
	CHECK(stable_feed(&st, &e) == STABLE_CLASS_REWRITE);
	cnt.c[STC_REWRITE_NONSTABLE] = 1;
	r = stable_finish(&st, &cnt);
	CHECK(r.verdict == WBG_PASS);
	CHECK(st.rewrite_events == 1);
}

static void drops_make_unknown(void)
{
	struct stable_result r;

	reset();
	cnt.c[STC_RB_DROPS] = 1;
	r = stable_finish(&st, &cnt);
	CHECK(r.verdict == WBG_UNKNOWN);
	CHECK(r.lost == 1);
}

static void drops_keep_a_seen_violation(void)
{
	struct stable_result r;

	reset();
	stable_episode(STABLE_F_NOW_WB | STABLE_F_NOW_DIRTY, STABLE_RES_OTHER_FOLIO);
	cnt.c[STC_RB_DROPS] = 5;
	r = stable_finish(&st, &cnt);
	CHECK(r.verdict == WBG_VIOLATION);
}

static void short_stream_is_unknown(void)
{
	struct stable_event e = ev(STABLE_EV_DIRTY_UNDER_WB, STABLE_F_UNDER_WB, 0);
	struct stable_result r;

	/* with -r every rewrite is sent: two never arrived */
	reset();
	st.rewrites_streamed = true;
	stable_feed(&st, &e);
	cnt.c[STC_REWRITE_NONSTABLE] = 3;
	r = stable_finish(&st, &cnt);
	CHECK(r.stream_short);
	CHECK(r.verdict == WBG_UNKNOWN);

	/* without -r the counter alone counts them */
	reset();
	stable_feed(&st, &e);
	cnt.c[STC_REWRITE_NONSTABLE] = 3;
	r = stable_finish(&st, &cnt);
	CHECK(!r.stream_short);
	CHECK(r.verdict == WBG_PASS);

	/* an episode whose thread had no later writeback event stays
	 * undecided: reported, not a loss (drops are counted exactly) */
	reset();
	cnt.c[STC_STABLE_UNDER_WB] = 1;		/* episodes counted ... */
	stable_episode(0, STABLE_RES_WAITED);	/* ... one arrived */
	r = stable_finish(&st, &cnt);
	CHECK(r.verdict == WBG_PASS);
	CHECK(r.unresolved == 1);

	/* more episodes than counted: the stream is not what BPF sent */
	reset();
	stable_episode(0, STABLE_RES_WAITED);
	cnt.c[STC_STABLE_UNDER_WB] = 0;
	r = stable_finish(&st, &cnt);
	CHECK(r.stream_short);
	CHECK(r.verdict == WBG_UNKNOWN);
}

static void untracked_or_undecodable_is_unknown(void)
{
	struct stable_result r;

	reset();
	stable_episode(0, STABLE_RES_NOT_TRACKED);
	r = stable_finish(&st, &cnt);
	CHECK(r.verdict == WBG_UNKNOWN);

	/* the kernel cannot tell stable mappings: flagged, and no violation
	 * (tools/stable.c makes it "unchecked") */
	reset();
	cnt.c[STC_CORE_MISSING] = 1;
	r = stable_finish(&st, &cnt);
	CHECK(r.verdict == WBG_PASS);
	CHECK(r.core_missing);
}

static void bad_events_are_unknown(void)
{
	struct stable_event e = ev(99, 0, 0);
	struct stable_event s = ev(STABLE_EV_STABLE_DIRTY,
				   STABLE_F_STABLE_MAPPING | STABLE_F_UNDER_WB, 77);
	struct stable_result r;

	reset();
	CHECK(stable_feed(&st, &e) == STABLE_CLASS_BAD);
	CHECK(stable_feed(&st, &s) == STABLE_CLASS_BAD);
	r = stable_finish(&st, &cnt);
	CHECK(r.verdict == WBG_UNKNOWN);
}

/*
 * Property: over random streams the verdict is a violation exactly when
 * some episode went on while its folio was still dirty and under
 * writeback, and never a pass when anything was lost.
 */
static void random_streams_property(void)
{
	unsigned int seed = 12345, round, i, n;

	for (round = 0; round < 2000; round++) {
		int expect_s1 = 0, lost;
		struct stable_result r;

		reset();
		n = rand_r(&seed) % 50;
		for (i = 0; i < n; i++) {
			unsigned int res = 1 + rand_r(&seed) % 4;
			unsigned int now = (rand_r(&seed) & 1 ? STABLE_F_NOW_WB : 0) |
					   (rand_r(&seed) & 1 ? STABLE_F_NOW_DIRTY : 0);

			if (res != STABLE_RES_WAITED && res != STABLE_RES_REDIRTIED &&
			    now == (STABLE_F_NOW_WB | STABLE_F_NOW_DIRTY))
				expect_s1 = 1;
			stable_episode(now, res);
		}
		lost = rand_r(&seed) % 4 == 0;
		cnt.c[STC_RB_DROPS] = lost;
		r = stable_finish(&st, &cnt);
		if (expect_s1)
			CHECK(r.verdict == WBG_VIOLATION);
		else
			CHECK(r.verdict == (lost ? WBG_UNKNOWN : WBG_PASS));
	}
}

/* An S2 report the way the BPF side sends it, counted too. */
static enum stable_class dev_mismatch(unsigned long long hash_submit,
				      unsigned long long hash_end)
{
	struct stable_event e = ev(STABLE_EV_DEV_MISMATCH, 0, 0);

	e.ino = 0;
	e.sector = 2048;
	e.bytes = 4096;
	e.hash_submit = hash_submit;
	e.hash_end = hash_end;
	cnt.c[STC_DEV_MISMATCH]++;
	return stable_feed(&st, &e);
}

static void device_got_changed_data_is_s2(void)
{
	struct stable_result r;

	reset();
	cnt.c[STC_DIRTY] = cnt.c[STC_DIRTY_STABLE] = 100;
	CHECK(dev_mismatch(0x1234, 0x5678) == STABLE_CLASS_S2);
	CHECK(dev_mismatch(0x9, 0xa) == STABLE_CLASS_S2);
	r = stable_finish(&st, &cnt);
	CHECK(r.s2 == 2);
	CHECK(r.s1 == 0);
	CHECK(r.verdict == WBG_VIOLATION);
	CHECK(!r.stream_short);
}

static void no_dev_mismatch_passes(void)
{
	struct stable_result r;

	reset();
	cnt.c[STC_DIRTY] = cnt.c[STC_DIRTY_STABLE] = 100;
	r = stable_finish(&st, &cnt);
	CHECK(r.s2 == 0);
	CHECK(r.verdict == WBG_PASS);
}

/* The count is exact: a report lost in the ring buffer still counts. */
static void lost_s2_report_still_violates(void)
{
	struct stable_result r;

	reset();
	cnt.c[STC_DEV_MISMATCH] = 3;
	cnt.c[STC_RB_DROPS] = 3;
	r = stable_finish(&st, &cnt);
	CHECK(r.s2 == 3);
	CHECK(r.verdict == WBG_VIOLATION);
}

/* Equal hashes, or no data, is no mismatch: a malformed report. */
static void s2_report_without_difference_is_bad(void)
{
	struct stable_result r;

	reset();
	CHECK(dev_mismatch(0x42, 0x42) == STABLE_CLASS_BAD);
	cnt.c[STC_DEV_MISMATCH] = 0;
	r = stable_finish(&st, &cnt);
	CHECK(st.bad_events == 1);
	CHECK(r.verdict == WBG_UNKNOWN);
}

/* More reports than the kernel counted: the stream cannot be trusted. */
static void s2_reports_beyond_count_are_unknown(void)
{
	struct stable_result r;

	reset();
	CHECK(dev_mismatch(1, 2) == STABLE_CLASS_S2);
	cnt.c[STC_DEV_MISMATCH] = 0;
	r = stable_finish(&st, &cnt);
	CHECK(r.stream_short);
	CHECK(r.verdict == WBG_UNKNOWN);
}

static void histogram_percentiles(void)
{
	struct wbg_hist h = {0};
	int i;

	for (i = 0; i < 99; i++)
		wbg_hist_add(&h, 100);		/* slot [64,128) */
	wbg_hist_add(&h, 1000000);		/* one outlier */
	CHECK(h.count == 100);
	CHECK(wbg_hist_percentile(&h, 50) == 128);
	CHECK(wbg_hist_percentile(&h, 99) == 128);
	CHECK(wbg_hist_percentile(&h, 100) > 1000000);
	CHECK(h.max == 1000000);
}

int main(void)
{
	int failures = 0;

	RUN(clean_stream_passes);
	RUN(mkwrite_order_is_not_a_violation);
	RUN(going_on_without_waiting_is_s1);
	RUN(writeback_over_or_restarted_is_not_s1);
	RUN(kthread_dirty_under_writeback_is_s1);
	RUN(bounced_writeback_is_not_s1);
	RUN(presubmit_change_is_not_s1);
	RUN(nonstable_rewrite_is_info);
	RUN(drops_make_unknown);
	RUN(drops_keep_a_seen_violation);
	RUN(short_stream_is_unknown);
	RUN(untracked_or_undecodable_is_unknown);
	RUN(bad_events_are_unknown);
	RUN(random_streams_property);
	RUN(device_got_changed_data_is_s2);
	RUN(no_dev_mismatch_passes);
	RUN(lost_s2_report_still_violates);
	RUN(s2_report_without_difference_is_bad);
	RUN(s2_reports_beyond_count_are_unknown);
	RUN(histogram_percentiles);
	return failures ? 1 : 0;
}
