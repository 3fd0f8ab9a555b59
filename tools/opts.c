// SPDX-License-Identifier: GPL-2.0
/* The options the wbguard checkers share; see opts.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "opts.h"
#include "common.h"
#include "devres.h"

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

int wbg_trace(const struct wbg_opts *o, struct ring_buffer *rb,
	      struct wbg_child *child)
{
	uint64_t deadline = o->duration_s ?
			    wbg_now_ns() + o->duration_s * 1000000000ull : 0;
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
		if (child->pid && wbg_child_poll(child))
			break;
	}
	return 0;
}
