// SPDX-License-Identifier: GPL-2.0
/*
 * wbguard tpcount: attach a counting BPF program to each named
 * tracepoint, run until -d SECONDS or the end of COMMAND, print counts.
 * Proves that tracepoints (e.g. those the patch series adds) exist and
 * fire; it judges nothing.
 */
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "jw.h"
#include "kbtf.h"
#include "tpcount.skel.h"

#define TPCOUNT_MAX 64
#define TPCOUNT_RAW 8	/* count_raw0..7 in tpcount.bpf.c */

static struct tp_env {
	long duration_s;
	bool json;
	bool verbose;
	int nr;
	int nr_raw;
	char *events[TPCOUNT_MAX];
	char **cmd;
} env;

static const char doc[] =
"Count hits of tracepoints given as CATEGORY:EVENT, or raw:NAME for a\n"
"bare tracepoint (DECLARE_TRACE: no tracefs event; at most 8).\n"
"\n"
"Runs until Ctrl-C, -d SECONDS, or the end of COMMAND given after --.\n"
"\n"
"EXIT STATUS: 0 counted; 2 usage or setup error (a tracepoint missing,\n"
"tracefs not mounted, no CAP_BPF/CAP_PERFMON); 4 COMMAND failed.\n"
"\n"
"EXAMPLES:\n"
"    wbguard tpcount writeback:writeback_dirty_folio -d 5\n"
"    wbguard tpcount --json raw:ext4_io_end_alloc_tp raw:ext4_io_end_release_tp \\\n"
"        -- xfs_io -f -c 'falloc 0 1m' -c 'pwrite 0 1m' -c fsync /mnt/f\n";

static const struct argp_option opts[] = {
	{ "duration", 'd', "SECONDS", 0, "Stop after SECONDS", 0 },
	{ "json", 'j', NULL, 0, "One JSON object with the counts", 0 },
	{ "verbose", 'v', NULL, 0, "Print libbpf's log", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;

	switch (key) {
	case 'd':
		errno = 0;
		env.duration_s = strtol(arg, &end, 10);
		if (errno || *end || env.duration_s <= 0)
			wbg_die("tpcount", "invalid duration '%s'", arg);
		break;
	case 'j':
		env.json = true;
		break;
	case 'v':
		env.verbose = true;
		break;
	case ARGP_KEY_ARG:
		if (!strchr(arg, ':')) {
			/* the first word that is not CATEGORY:EVENT starts COMMAND */
			env.cmd = &state->argv[state->next - 1];
			state->next = state->argc;
			break;
		}
		if (env.nr >= TPCOUNT_MAX)
			wbg_die("tpcount", "at most %d tracepoints", TPCOUNT_MAX);
		if (!strncmp(arg, "raw:", 4) && ++env.nr_raw > TPCOUNT_RAW)
			wbg_die("tpcount", "at most %d bare tracepoints (raw:NAME)", TPCOUNT_RAW);
		env.events[env.nr++] = arg;
		break;
	case ARGP_KEY_END:
		if (!env.nr)
			wbg_die("tpcount", "name at least one CATEGORY:EVENT");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const char *tracefs_dir(void)
{
	if (!access("/sys/kernel/tracing/events", F_OK))
		return "/sys/kernel/tracing/events";
	if (!access("/sys/kernel/debug/tracing/events", F_OK))
		return "/sys/kernel/debug/tracing/events";
	return NULL;
}

/* Exit naming why CATEGORY:EVENT is not in tracefs: its module (taken
 * from the event's name, as for BTF) not loaded, or missing outright. */
static void __attribute__((noreturn)) missing_tracepoint(const char *arg, const char *event)
{
	struct wbg_kbtf k;
	char why[512];

	if (!wbg_kbtf_open(&k, NULL, NULL, NULL) &&
	    wbg_kbtf_why_missing(&k, event, true, why, sizeof(why)))
		wbg_die("tpcount", "%s", why);
	wbg_die("tpcount", "tracepoint %s is missing in the running kernel", arg);
}

/* raw:NAME, a bare tracepoint: only its BTF type tells it exists */
static bool is_raw(const char *ev)
{
	return !strncmp(ev, "raw:", 4);
}

/* Every raw:NAME must have its btf_trace_ type: the kernel's BTF, read once. */
static void check_raw_all(void)
{
	struct wbg_kbtf k;
	int i;

	if (!env.nr_raw)
		return;
	if (wbg_kbtf_open(&k, NULL, NULL, NULL))
		wbg_die("tpcount", "no kernel BTF to look bare tracepoints up in");
	for (i = 0; i < env.nr; i++) {
		if (is_raw(env.events[i]) && !wbg_kbtf_have_tp(&k, env.events[i] + 4)) {
			wbg_kbtf_close(&k);
			missing_tracepoint(env.events[i], env.events[i] + 4);
		}
	}
	wbg_kbtf_close(&k);
}

static void raw_progs(struct tpcount_bpf *skel, struct bpf_program **raw)
{
	int i;

	raw[0] = skel->progs.count_raw0;
	raw[1] = skel->progs.count_raw1;
	raw[2] = skel->progs.count_raw2;
	raw[3] = skel->progs.count_raw3;
	raw[4] = skel->progs.count_raw4;
	raw[5] = skel->progs.count_raw5;
	raw[6] = skel->progs.count_raw6;
	raw[7] = skel->progs.count_raw7;
	for (i = 0; i < TPCOUNT_RAW; i++)
		bpf_program__set_autoload(raw[i], false);
}

int cmd_tpcount(int argc, char **argv)
{
	static const struct argp argp = {
		.options = opts, .parser = parse_arg,
		.args_doc = "CATEGORY:EVENT... [-- COMMAND [ARG...]]", .doc = doc,
	};
	struct bpf_link *links[TPCOUNT_MAX] = {0};
	struct bpf_program *raw[TPCOUNT_RAW];
	struct wbg_child child = {0};
	struct tpcount_bpf *skel;
	struct jw j;
	const char *tdir;
	uint64_t deadline = 0;
	int i, ncpu, fd, nraw, rc = 0;
	__u64 *vals;

	if (argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, NULL))
		return WBG_EXIT_SETUP;
	tdir = tracefs_dir();
	if (!tdir)
		wbg_die("tpcount", "tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)");
	for (i = 0; i < env.nr; i++) {
		char path[512], *c = strchr(env.events[i], ':');

		if (is_raw(env.events[i]))
			continue;
		snprintf(path, sizeof(path), "%s/%.*s/%s", tdir,
			 (int)(c - env.events[i]), env.events[i], c + 1);
		if (access(path, F_OK))
			missing_tracepoint(env.events[i], c + 1);
	}
	check_raw_all();
	wbg_setup_libbpf_log(env.verbose);
	skel = tpcount_bpf__open();
	if (!skel)
		wbg_die_bpf("tpcount", "open BPF programs", -errno);
	raw_progs(skel, raw);
	for (i = 0, nraw = 0; i < env.nr; i++) {
		if (!is_raw(env.events[i]))
			continue;
		skel->rodata->raw_slot[nraw] = i;
		bpf_program__set_autoload(raw[nraw++], true);
	}
	rc = tpcount_bpf__load(skel);
	if (rc)
		wbg_die_bpf("tpcount", "load BPF programs", rc);
	for (i = 0, nraw = 0; i < env.nr; i++) {
		LIBBPF_OPTS(bpf_tracepoint_opts, o, .bpf_cookie = i);
		char cat[128], *c = strchr(env.events[i], ':');

		snprintf(cat, sizeof(cat), "%.*s", (int)(c - env.events[i]), env.events[i]);
		if (is_raw(env.events[i]))
			links[i] = bpf_program__attach_raw_tracepoint(raw[nraw++], c + 1);
		else
			links[i] = bpf_program__attach_tracepoint_opts(skel->progs.count_hit,
								       cat, c + 1, &o);
		if (!links[i]) {
			rc = -errno;
			if (rc == -EPERM || rc == -EACCES)
				wbg_die_bpf("tpcount", "attach tracepoints", rc);
			fprintf(stderr, "wbguard tpcount: cannot attach %s: %s\n",
				env.events[i], strerror(-rc));
			goto out;
		}
	}

	wbg_setup_signals();
	if (env.duration_s)
		deadline = wbg_now_ns() + env.duration_s * 1000000000ull;
	if (env.cmd && wbg_child_start(&child, env.cmd)) {
		rc = -errno;
		goto out;
	}
	while (!wbg_exiting && !(deadline && wbg_now_ns() >= deadline) &&
	       !(env.cmd && wbg_child_poll(&child)))
		usleep(20000);
	rc = wbg_child_finish(&child, "tpcount");

	ncpu = libbpf_num_possible_cpus();
	vals = calloc(ncpu, sizeof(*vals));
	fd = bpf_map__fd(skel->maps.hits);
	if (env.json) {
		jw_begin(&j, stdout);
		jw_str(&j, "type", "tpcount");
		jw_obj(&j, "counts");
	}
	for (i = 0; i < env.nr; i++) {
		__u32 k = i;
		__u64 sum = 0;
		int c;

		bpf_link__destroy(links[i]);
		links[i] = NULL;
		if (vals && !bpf_map_lookup_elem(fd, &k, vals))
			for (c = 0; c < ncpu; c++)
				sum += vals[c];
		if (env.json)
			jw_u64(&j, env.events[i], sum);
		else
			printf("%-48s %llu\n", env.events[i], (unsigned long long)sum);
	}
	if (env.json) {
		jw_obj_end(&j);
		jw_end(&j);
	}
	free(vals);
out:
	for (i = 0; i < env.nr; i++)
		bpf_link__destroy(links[i]);
	tpcount_bpf__destroy(skel);
	if (rc < 0)
		return WBG_EXIT_SETUP;
	return rc;
}
