// SPDX-License-Identifier: GPL-2.0
/* The collector driver: see driver.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "driver.h"

void wbg_read_counters(struct bpf_object *obj, unsigned int nr, uint64_t *out)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, "counters");
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *vals;
	uint32_t zero = 0;
	unsigned int k;
	int i;

	memset(out, 0, nr * sizeof(*out));
	if (!m || ncpu <= 0)
		return;
	/* per-CPU values are laid out at 8-byte rounded value size */
	vals = calloc((size_t)ncpu, bpf_map__value_size(m));
	if (!vals)
		return;
	if (!bpf_map_lookup_elem(bpf_map__fd(m), &zero, vals))
		for (i = 0; i < ncpu; i++)
			for (k = 0; k < nr; k++)
				out[k] += vals[(size_t)i * (bpf_map__value_size(m) / 8) + k];
	free(vals);
}

uint64_t wbg_prog_misses(const struct bpf_program *prog)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = bpf_program__fd(prog);

	memset(&info, 0, sizeof(info));
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;	/* not loaded (autoload off) */
	return info.recursion_misses;
}

uint64_t wbg_bpf_misses(struct bpf_object *obj)
{
	struct bpf_program *prog;
	uint64_t n = 0;

	bpf_object__for_each_program(prog, obj)
		n += wbg_prog_misses(prog);
	return n;
}

/* The counters as the verdict reads them: BPF's, plus the kernel's drops. */
static void read_all(const struct wbg_subject *sub, struct bpf_object *obj, uint64_t *cnt)
{
	wbg_read_counters(obj, sub->nr_counters, cnt);
	if (sub->misses_counter < sub->nr_counters)
		cnt[sub->misses_counter] = wbg_bpf_misses(obj);
}

struct drive {
	const struct wbg_subject *sub;
	struct bpf_object *obj;
	struct ring_buffer *rb;
	uint64_t t0;
};

static double secs_since(uint64_t t0)
{
	return (wbg_now_ns() - t0) / 1e9;
}

/* --interval/--metrics: counters first, then drain, so every event the
 * counters count has arrived (the stream is never short at a tick). */
static void tick(void *arg)
{
	struct drive *d = arg;
	uint64_t cnt[WBG_MAX_COUNTERS];
	struct wbg_snap snap;

	read_all(d->sub, d->obj, cnt);
	ring_buffer__consume(d->rb);
	d->sub->judge(d->sub->ctx, cnt, false, secs_since(d->t0), &snap);
	wbg_snap_emit(d->sub->o, &snap, false);
}

static void detach_all(struct bpf_link **links, int n)
{
	int i;

	for (i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
}

int wbg_drive(const struct wbg_subject *sub)
{
	const char *name = sub->name;
	struct wbg_opts *o = sub->o;
	struct bpf_link *links[64];
	uint64_t cnt[WBG_MAX_COUNTERS];
	struct wbg_child child = {0};
	struct bpf_program *prog;
	struct wbg_snap snap;
	struct drive d = { .sub = sub };
	enum wbg_verdict v;
	int err, nlinks = 0, child_rc;
	uint32_t rb_bytes;

	if (sub->nr_counters > WBG_MAX_COUNTERS)
		wbg_die(name, "internal: %u counters", sub->nr_counters);
	if (wbg_ringbuf_bytes(o->ringbuf_kib, &rb_bytes))
		wbg_die(name, "--ringbuf-kb must be a power of two >= 4");
	d.obj = sub->open(sub->ctx);
	if (!d.obj)
		wbg_die(name, "cannot open BPF object: %s", strerror(errno));
	bpf_map__set_max_entries(bpf_object__find_map_by_name(d.obj, "events"), rb_bytes);

	err = sub->load(sub->ctx);
	if (err) {
		if (sub->load_failed)
			sub->load_failed(sub->ctx, "load", err);
		wbg_die_bpf(name, "load BPF programs", err);
	}
	bpf_object__for_each_program(prog, d.obj) {
		if (!bpf_program__autoload(prog))
			continue;
		if (nlinks == (int)(sizeof(links) / sizeof(links[0])))
			wbg_die(name, "internal: too many programs");
		links[nlinks] = bpf_program__attach(prog);
		if (!links[nlinks]) {
			err = -errno;
			detach_all(links, nlinks);
			if (sub->load_failed)
				sub->load_failed(sub->ctx, "attach", err);
			wbg_die_bpf(name, "attach tracepoints", err);
		}
		nlinks++;
	}
	d.rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(d.obj, "events")),
				sub->on_event, sub->ctx, NULL);
	if (!d.rb)
		wbg_die(name, "cannot create ring buffer reader");

	wbg_setup_signals();
	if (sub->started)
		sub->started(sub->ctx);
	else if (!o->json)
		fprintf(stderr, "wbguard %s: tracing %s\n", name, wbg_scope(o));
	d.t0 = wbg_now_ns();
	o->tick = tick;
	o->tick_arg = &d;
	if (wbg_trace(o, d.rb, &child))
		wbg_die(name, "cannot start %s: %s", o->cmd[0], strerror(errno));
	child_rc = wbg_child_finish(&child, name);
	if (sub->settle)
		sub->settle(sub->ctx, d.rb);

	/* Detach first so that the counters and the stream settle together. */
	detach_all(links, nlinks);
	ring_buffer__consume(d.rb);
	read_all(sub, d.obj, cnt);
	v = sub->judge(sub->ctx, cnt, true, secs_since(d.t0), &snap);
	fflush(stdout);
	wbg_snap_emit(o, &snap, true);

	ring_buffer__free(d.rb);
	sub->cleanup(sub->ctx);
	return wbg_exit_code(v, child_rc != 0);
}
