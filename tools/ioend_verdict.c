// SPDX-License-Identifier: GPL-2.0
/* The C1-C4 state machines over a decoded io_end event stream. Plain C. */
#include <stdlib.h>
#include <string.h>
#include "ioend_verdict.h"

#define IOEND_PAGE_SHIFT 12

void ioend_state_init(struct ioend_state *st, uint64_t leak_ns)
{
	memset(st, 0, sizeof(*st));
	st->leak_ns = leak_ns;
	st->cap = 1024;
	st->tab = calloc(st->cap, sizeof(*st->tab));
}

void ioend_state_free(struct ioend_state *st)
{
	free(st->tab);
	st->tab = NULL;
}

static uint64_t hash_addr(uint64_t a)
{
	a ^= a >> 33;
	a *= 0xff51afd7ed558ccdull;
	a ^= a >> 29;
	return a;
}

static struct ioend_entry *lookup(struct ioend_state *st, uint64_t addr,
				  bool create);

static void grow(struct ioend_state *st)
{
	struct ioend_entry *old = st->tab;
	uint64_t oldcap = st->cap, i;

	st->cap *= 2;
	st->tab = calloc(st->cap, sizeof(*st->tab));
	st->used = 0;
	for (i = 0; i < oldcap; i++) {
		if (old[i].kind == IOE_FREE)
			continue;
		*lookup(st, old[i].addr, true) = old[i];
	}
	free(old);
}

/* The entry for @addr; with @create a fresh slot (kind IOE_FREE) if none. */
static struct ioend_entry *lookup(struct ioend_state *st, uint64_t addr,
				  bool create)
{
	uint64_t i;

	if (!st->tab)
		return NULL;
	if (create && (st->used + 1) * 4 > st->cap * 3)
		grow(st);
	for (i = hash_addr(addr) & (st->cap - 1);; i = (i + 1) & (st->cap - 1)) {
		struct ioend_entry *e = &st->tab[i];

		if (e->kind == IOE_FREE && !e->addr) {
			if (!create)
				return NULL;
			st->used++;
			e->addr = addr;
			return e;
		}
		if (e->addr == addr)
			return e;
	}
}

/*
 * Does ending its writeback still wait for a conversion? Not for failed
 * I/O: ext4 never converts it (stale blocks must stay unwritten), so it
 * may end writeback unconverted.
 */
static bool needs_conversion(const struct ioend_entry *e)
{
	return (e->flags_seen & IOEND_FL_UNWRITTEN) &&
	       !(e->flags_seen & IOEND_FL_FAILED) && !e->conv_ended;
}

static bool is_unconverted(const struct ioend_entry *e)
{
	return e->kind == IOE_LIVE && needs_conversion(e);
}

/* Recompute one entry's contribution to st->unconverted around a change. */
#define TRACK(st, e, stmt)						\
	do {								\
		bool __was = is_unconverted(e);				\
		stmt;							\
		(st)->unconverted += is_unconverted(e) - __was;		\
	} while (0)

static void fill_report(struct ioend_report *r, enum ioend_inv inv,
			const char *what, const struct ioend_event *ev,
			const struct ioend_entry *e)
{
	memset(r, 0, sizeof(*r));
	r->inv = inv;
	r->what = what;
	r->dev = ev->dev;
	r->ino = ev->ino;
	r->io_end = e ? e->addr : ev->io_end;	/* sync and folio events carry none */
	r->pos = ev->pos;
	r->pid = ev->pid;
	r->offset = e ? e->offset : ev->offset;
	r->size = e ? e->size : ev->size;
	r->err = ev->ret;
}

static void note_range(struct ioend_entry *x, const struct ioend_event *ev)
{
	x->flags_seen |= ev->flag;
	if (ev->size > 0) {
		x->offset = ev->offset;
		x->size = ev->size;
	}
	x->dev = ev->dev;
	x->ino = ev->ino;
}

static struct ioend_sync *sync_slot(struct ioend_state *st, uint32_t pid,
				    bool create)
{
	int i, free_i = -1;

	for (i = 0; i < IOEND_MAX_SYNCS; i++) {
		if (st->syncs[i].used && st->syncs[i].pid == pid)
			return &st->syncs[i];
		if (!st->syncs[i].used && free_i < 0)
			free_i = i;
	}
	if (!create || free_i < 0)
		return NULL;
	st->syncs[free_i].used = true;
	st->syncs[free_i].pid = pid;
	return &st->syncs[free_i];
}

/* Is an fsync of (dev, ino) still running? (The exiting one is freed.) */
static bool other_sync_open(const struct ioend_state *st, uint32_t dev,
			    uint64_t ino)
{
	int i;

	for (i = 0; i < IOEND_MAX_SYNCS; i++)
		if (st->syncs[i].used && st->syncs[i].dev == dev &&
		    st->syncs[i].ino == ino)
			return true;
	return false;
}

static int on_sync_exit(struct ioend_state *st, const struct ioend_event *ev,
			struct ioend_report rep[2])
{
	struct ioend_sync *s = sync_slot(st, ev->pid, false);
	int n = 0, i;
	uint64_t k;

	if (!s) {
		st->syncs_untracked++;
		return 0;
	}
	s->used = false;
	if (s->dev != ev->dev || s->ino != ev->ino) {
		st->inconsistent++;
		return 0;
	}
	/* C4: failures of this inode before this fsync began */
	for (i = 0; i < IOEND_MAX_FAILURES; i++) {
		struct ioend_failure *f = &st->fails[i];

		if (!f->used || f->dev != ev->dev || f->ino != ev->ino)
			continue;
		if (ev->ret < 0) {
			/* surfaced: to this or an earlier-started fsync */
			f->used = false;
			st->c4_surfaced++;
		} else if (f->seq < s->seq || f->suspect) {
			if (other_sync_open(st, ev->dev, ev->ino)) {
				f->suspect = true;
				continue;
			}
			f->used = false;
			st->viol[IOEND_C4]++;
			if (n < 2) {
				fill_report(&rep[n++], IOEND_C4,
					    "fsync returned 0 after a failed conversion of this inode",
					    ev, NULL);
			}
		}
	}
	if (ev->ret < 0 || !st->unconverted)
		return n;
	/*
	 * C3: a conversion still pending that this fsync depends on: one
	 * submitted before it began, or one its own writeback submitted
	 * (ext4_writepages runs in the fsync's task).
	 */
	for (k = 0; k < st->cap; k++) {
		struct ioend_entry *e = &st->tab[k];

		if (!is_unconverted(e) || e->dev != ev->dev || e->ino != ev->ino ||
		    !e->submitted)
			continue;
		if (e->submit_seq >= s->seq && e->submit_pid != s->pid)
			continue;
		st->viol[IOEND_C3]++;
		if (n < 2)
			fill_report(&rep[n++], IOEND_C3,
				    e->conv_started ?
				    "fsync returned while a conversion it depends on was running" :
				    "fsync returned while a conversion it depends on was queued",
				    ev, e);
		break;	/* one per fsync */
	}
	return n;
}

static int on_folio_end(struct ioend_state *st, const struct ioend_event *ev,
			struct ioend_report rep[2])
{
	int64_t start = (int64_t)(ev->pos << IOEND_PAGE_SHIFT);
	int64_t end = start + ((int64_t)(ev->aux ? ev->aux : 1) << IOEND_PAGE_SHIFT);
	uint64_t k;

	if (!st->unconverted)
		return 0;
	for (k = 0; k < st->cap; k++) {
		struct ioend_entry *e = &st->tab[k];

		if (!is_unconverted(e) || !e->submitted || e->dev != ev->dev ||
		    e->ino != ev->ino || e->size <= 0 ||
		    e->offset >= end || e->offset + e->size <= start)
			continue;
		st->viol[IOEND_C2]++;
		fill_report(&rep[0], IOEND_C2,
			    "folio writeback ended before its io_end was converted",
			    ev, e);
		return 1;
	}
	return 0;
}

static void add_failure(struct ioend_state *st, const struct ioend_event *ev)
{
	int i;

	for (i = 0; i < IOEND_MAX_FAILURES; i++) {
		struct ioend_failure *f = &st->fails[i];

		if (f->used && f->dev == ev->dev && f->ino == ev->ino)
			return;	/* the first failure stands */
	}
	for (i = 0; i < IOEND_MAX_FAILURES; i++) {
		if (!st->fails[i].used) {
			st->fails[i] = (struct ioend_failure){
				.dev = ev->dev, .ino = ev->ino,
				.seq = st->seq, .used = true,
			};
			return;
		}
	}
	st->fails_full++;
}

int ioend_feed(struct ioend_state *st, const struct ioend_event *e,
	       struct ioend_report rep[2])
{
	struct ioend_entry *x = NULL;
	int n = 0;

	st->seq++;
	if (e->ts_ns > st->last_ts)
		st->last_ts = e->ts_ns;
	if (e->type == 0 || e->type >= IOEND_EV_NR) {
		st->inconsistent++;
		return 0;
	}
	st->ev[e->type]++;

	switch (e->type) {
	case IOEND_EV_ALLOC:
		x = lookup(st, e->io_end, true);
		if (!x)
			return 0;
		if (x->kind == IOE_LIVE) {
			/* the address came back without a release: lost */
			st->inconsistent++;
			TRACK(st, x, x->kind = IOE_FREE);
			st->live--;
		}
		memset(x, 0, sizeof(*x));
		x->addr = e->io_end;
		x->kind = IOE_LIVE;
		x->alloc_seen = true;
		x->alloc_ts = e->ts_ns;
		note_range(x, e);
		st->live++;
		return 0;

	case IOEND_EV_SUBMIT:
	case IOEND_EV_DEFER:
	case IOEND_EV_CONV_START:
	case IOEND_EV_CONV_END:
	case IOEND_EV_WB_EARLY:
		x = lookup(st, e->io_end, true);
		if (!x)
			return 0;
		if (x->kind != IOE_LIVE) {
			/* allocated before tracing began (or reused after a
			 * release we saw: then the alloc was lost) */
			if (x->kind == IOE_RELEASED)
				st->inconsistent++;
			memset(x, 0, sizeof(*x));
			x->addr = e->io_end;
			x->kind = IOE_LIVE;
			x->alloc_ts = e->ts_ns;
			st->live++;
		}
		break;

	case IOEND_EV_RELEASE:
		x = lookup(st, e->io_end, false);
		if (x && x->kind == IOE_RELEASED) {
			st->viol[IOEND_C1]++;
			fill_report(&rep[0], IOEND_C1, "io_end released twice", e, x);
			return 1;
		}
		if (!x || x->kind != IOE_LIVE) {
			st->untracked_release++;
			x = lookup(st, e->io_end, true);
			if (x) {
				memset(x, 0, sizeof(*x));
				x->addr = e->io_end;
				x->kind = IOE_RELEASED;
			}
			return 0;
		}
		/* the flags at release: FAILED may be new (fentry mode sees
		 * no put of an io_end whose I/O failed during submission) */
		TRACK(st, x, x->flags_seen |= e->flag);
		if (needs_conversion(x) && x->submitted) {
			st->viol[IOEND_C2]++;
			fill_report(&rep[n++], IOEND_C2,
				    "io_end with UNWRITTEN released before its conversion",
				    e, x);
		}
		if (x->alloc_seen)
			wbg_hist_add(&st->life, e->ts_ns - x->alloc_ts);
		TRACK(st, x, x->kind = IOE_RELEASED);
		st->live--;
		return n;

	case IOEND_EV_FOLIO_END:
		return on_folio_end(st, e, rep);

	case IOEND_EV_SYNC_ENTER: {
		struct ioend_sync *s = sync_slot(st, e->pid, true);

		if (!s) {
			/* C3/C4 cannot judge this fsync: no pass */
			st->syncs_full++;
			return 0;
		}
		s->dev = e->dev;
		s->ino = e->ino;
		s->seq = st->seq;
		return 0;
	}
	case IOEND_EV_SYNC_EXIT:
		return on_sync_exit(st, e, rep);

	case IOEND_EV_CONVERT_EXTENTS:
		/* With a reserved handle this is the io_end path, which
		 * CONV_END reports; without one, direct I/O or zeroing. */
		if (e->ret < 0 && !e->aux) {
			st->c4_failed++;
			add_failure(st, e);
			fill_report(&rep[0], IOEND_C4,
				    "conversion failed (direct I/O path)", e, NULL);
			return 1;
		}
		return 0;
	}

	/* per-io_end events on a live entry */
	switch (e->type) {
	case IOEND_EV_SUBMIT:
		TRACK(st, x, note_range(x, e));
		if (!x->submitted) {
			x->submitted = true;
			x->submit_seq = st->seq;
			x->submit_pid = e->pid;
			x->alloc_ts = x->alloc_seen ? x->alloc_ts : e->ts_ns;
		}
		break;
	case IOEND_EV_DEFER:
		TRACK(st, x, note_range(x, e));
		if (!x->submitted) {
			x->submitted = true;
			x->submit_seq = st->seq;
		}
		x->deferred = true;
		if (e->flag & IOEND_FL_UNWRITTEN)
			st->deferred_unwritten++;
		x->alloc_ts = x->alloc_ts ? x->alloc_ts : e->ts_ns;
		break;
	case IOEND_EV_CONV_START:
		TRACK(st, x, note_range(x, e));
		x->conv_started = true;
		break;
	case IOEND_EV_CONV_END:
		TRACK(st, x, (note_range(x, e), x->conv_ended = true));
		if (!x->deferred)
			st->converted_inline++;
		if (x->alloc_ts && e->ts_ns >= x->alloc_ts)
			wbg_hist_add(&st->conv_lat, e->ts_ns - x->alloc_ts);
		if (e->ret < 0) {
			st->c4_failed++;
			add_failure(st, e);
			fill_report(&rep[n++], IOEND_C4, "conversion failed", e, x);
		}
		break;
	case IOEND_EV_WB_EARLY:
		TRACK(st, x, x->flags_seen |= e->flag);
		if (needs_conversion(x)) {
			st->viol[IOEND_C2]++;
			fill_report(&rep[n++], IOEND_C2,
				    e->aux ? "folio out of writeback before conversion ended" :
				    "folio out of writeback before conversion started",
				    e, x);
		}
		break;
	}
	return n;
}

uint64_t ioend_pending_leaks(const struct ioend_state *st, uint64_t now_ns)
{
	uint64_t k, n = 0;

	for (k = 0; k < st->cap && st->live; k++) {
		const struct ioend_entry *e = &st->tab[k];

		if (e->kind == IOE_LIVE && now_ns > e->alloc_ts &&
		    now_ns - e->alloc_ts >= st->leak_ns)
			n++;
	}
	return n;
}

struct ioend_result ioend_finish(struct ioend_state *st,
				 const struct ioend_counts *cnt, uint64_t now_ns,
				 void (*leak_cb)(const struct ioend_entry *, void *),
				 void *arg)
{
	struct ioend_result r;
	uint64_t k, total = 0;
	int i;

	memset(&r, 0, sizeof(r));
	for (k = 0; k < st->cap; k++) {
		const struct ioend_entry *e = &st->tab[k];

		if (e->kind != IOE_LIVE)
			continue;
		if (now_ns > e->alloc_ts && now_ns - e->alloc_ts >= st->leak_ns) {
			r.leaks++;
			if (leak_cb)
				leak_cb(e, arg);
		} else {
			r.in_flight++;
		}
	}
	for (i = 0; i < IOEND_NINV; i++)
		r.viol[i] = st->viol[i];
	r.viol[IOEND_C1] += r.leaks;
	/* an fsync returned 0 after a failure and no concurrent one took it */
	for (i = 0; i < IOEND_MAX_FAILURES; i++)
		if (st->fails[i].used && st->fails[i].suspect)
			r.viol[IOEND_C4]++;
	r.lost = cnt->c[ICT_RB_DROPS] + cnt->c[ICT_MAP_FULL];
	r.inconsistent = st->inconsistent > 0;
	/* C3/C4 state that found no room: those fsyncs were not judged */
	r.untracked = st->syncs_full + st->fails_full;
	for (i = 0; i < IOEND_NINV; i++)
		total += r.viol[i];
	/* A leak claim needs the whole stream: lost releases look like leaks. */
	if (r.lost || r.inconsistent)
		total -= r.leaks;
	r.verdict = wbg_verdict_of(total, r.lost || r.inconsistent || r.untracked);
	/* unchecked: no io_end and no direct-I/O conversion went by (an
	 * fsync alone has nothing to wait for) */
	r.judged = cnt->c[ICT_ALLOC] || cnt->c[ICT_RELEASE] ||
		   cnt->c[ICT_CONV_END] || cnt->c[ICT_CONVERT_EXTENTS] ||
		   st->ev[IOEND_EV_ALLOC] || st->ev[IOEND_EV_RELEASE] ||
		   st->ev[IOEND_EV_CONV_END] || st->ev[IOEND_EV_CONVERT_EXTENTS];
	r.verdict = wbg_verdict_judged(r.verdict, r.judged);
	return r;
}
