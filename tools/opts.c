// SPDX-License-Identifier: GPL-2.0
/* The options the wbguard checkers share; see opts.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "opts.h"
#include "common.h"
#include "devres.h"
#include "snap.h"

error_t wbg_parse_common(struct wbg_opts *o, int key, char *arg,
			 struct argp_state *state)
{
	char why[1024];

	switch (key) {
	case 'd':
		o->duration_s = wbg_parse_long(o->name, arg, 1, 86400 * 365, "duration");
		break;
	case 'D':
		if (wbg_resolve_dev(arg, NULL, &o->dev, why, sizeof(why),
				    o->dev_how, sizeof(o->dev_how)))
			wbg_die(o->name, "bad device '%s': %s", arg, why);
		o->dev_arg = arg;
		break;
	case 'p':
		o->pid = wbg_parse_long(o->name, arg, 1, 1 << 22, "pid");
		break;
	case 'j':
		o->json = true;
		break;
	case 'a':
		o->all_events = true;
		break;
	case 'b':
		o->ringbuf_kib = wbg_parse_long(o->name, arg, 4, 1 << 20, "ring buffer size");
		break;
	case 'm':
		o->max_reports = wbg_parse_long(o->name, arg, 0, 1L << 40, "report limit");
		break;
	case 'v':
		o->verbose = true;
		break;
	case WBG_KEY_INTERVAL:
		o->interval_s = wbg_parse_long(o->name, arg, 1, 86400, "interval");
		break;
	case WBG_KEY_METRICS:
		if (!*arg)
			wbg_die(o->name, "--metrics needs a file name");
		o->metrics = arg;
		break;
	case ARGP_KEY_ARG:
		o->cmd = &state->argv[state->next - 1];
		state->next = state->argc;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const char *wbg_scope(const struct wbg_opts *o)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf), "%s%s%s%s%s%s, %s",
		 o->dev_arg ? "device " : "all devices", o->dev_arg ? o->dev_arg : "",
		 o->dev_how[0] ? " (" : "", o->dev_how, o->dev_how[0] ? ")" : "",
		 o->pid ? " (one process)" : "",
		 o->cmd ? "until the command ends" :
		 o->duration_s ? "for the given duration" : "Ctrl-C to end");
	return buf;
}

long wbg_tick_period_s(const struct wbg_opts *o)
{
	return o->interval_s ? o->interval_s : o->metrics ? 15 : 0;
}

void wbg_snap_emit(const struct wbg_opts *o, const struct wbg_snap *s, bool final)
{
	static bool warned;
	char libbpf[32];
	int err;

	if (o->interval_s && !final)
		wbg_snap_print(stdout, s, o->json);
	if (!o->metrics)
		return;
	snprintf(libbpf, sizeof(libbpf), "%u.%u", libbpf_major_version(),
		 libbpf_minor_version());
	err = wbg_snap_metrics_file(o->metrics, s, wbg_build_version(), libbpf, final);
	if (err && !warned) {
		warned = true;
		fprintf(stderr, "wbguard %s: cannot write metrics to %s: %s\n", o->name,
			o->metrics, strerror(-err));
	}
}

int wbg_trace(const struct wbg_opts *o, struct ring_buffer *rb,
	      struct wbg_child *child)
{
	uint64_t deadline = o->duration_s ?
			    wbg_now_ns() + o->duration_s * 1000000000ull : 0;
	uint64_t period = wbg_tick_period_s(o) * 1000000000ull;
	uint64_t next_tick = period ? wbg_now_ns() + period : 0;
	int err;

	if (o->cmd && wbg_child_start(child, o->cmd))
		return -1;
	while (!wbg_exiting) {
		err = ring_buffer__poll(rb, 100);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "wbguard %s: ring buffer poll: %s\n", o->name,
				strerror(-err));
			break;
		}
		if (deadline && wbg_now_ns() >= deadline)
			break;
		if (next_tick && o->tick && wbg_now_ns() >= next_tick) {
			o->tick(o->tick_arg);
			next_tick += period;
		}
		if (child->pid && wbg_child_poll(child))
			break;
	}
	return 0;
}
