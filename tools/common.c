// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "kbtf.h"

volatile int wbg_exiting;

void wbg_die(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "wbguard %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(WBG_EXIT_SETUP);
}

long wbg_parse_long(const char *cmd, const char *arg, long min, long max,
		    const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < min || v > max)
		wbg_die(cmd, "invalid %s '%s'", what, arg);
	return v;
}

void wbg_preflight(const char *cmd, const char *const *tracepoints,
		   struct wbg_kbtf *keep)
{
	struct wbg_kbtf k;
	char why[512];
	int err;

	/* no euid check: the kernel decides (wbg_die_bpf explains a refusal) */
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		wbg_die(cmd, "kernel has no BTF (/sys/kernel/btf/vmlinux: %s); CONFIG_DEBUG_INFO_BTF=y is required",
			strerror(errno));
	err = wbg_kbtf_open(&k, NULL, NULL, NULL);
	if (err)
		wbg_die(cmd, "cannot load kernel BTF: %s", strerror(-err));
	for (; tracepoints && *tracepoints; tracepoints++) {
		if (wbg_kbtf_have_tp(&k, *tracepoints))
			continue;
		wbg_kbtf_why_missing(&k, *tracepoints, true, why, sizeof(why));
		wbg_kbtf_close(&k);
		wbg_die(cmd, "%s", why);
	}
	if (keep)
		*keep = k;
	else
		wbg_kbtf_close(&k);
}

static bool libbpf_verbose, libbpf_quiet;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	if (level == LIBBPF_DEBUG && !libbpf_verbose)
		return 0;
	/* without the capabilities every bpf() fails: wbg_die_bpf's one
	 * line says why, libbpf's warnings would only bury it */
	if (libbpf_quiet && !libbpf_verbose)
		return 0;
	if (!libbpf_verbose && level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, args);
}

void wbg_setup_libbpf_log(bool verbose)
{
	char missing[64];

	libbpf_verbose = verbose;
	libbpf_quiet = wbg_bpf_caps_missing(missing, sizeof(missing)) > 0;
	libbpf_set_print(libbpf_print);
}

static void on_signal(int sig)
{
	(void)sig;
	wbg_exiting = 1;
}

void wbg_setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* a closed terminal ends the run like Ctrl-C: the summary and the
	 * exit code still come */
	sigaction(SIGHUP, &sa, NULL);
	/* a reader that went away (| head) must not kill us before the exit
	 * code: writes fail with EPIPE instead */
	signal(SIGPIPE, SIG_IGN);
}

int wbg_child_start(struct wbg_child *c, char *const argv[])
{
	memset(c, 0, sizeof(*c));
	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (c->pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], argv);
		fprintf(stderr, "wbguard: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	return 0;
}

bool wbg_child_poll(struct wbg_child *c)
{
	if (!c->pid || c->done)
		return c->done;
	if (waitpid(c->pid, &c->status, WNOHANG) == c->pid)
		c->done = true;
	return c->done;
}

int wbg_child_finish(struct wbg_child *c, const char *cmd)
{
	if (!c->pid)
		return 0;
	if (!wbg_child_poll(c)) {
		kill(c->pid, SIGTERM);
		if (waitpid(c->pid, &c->status, 0) == c->pid)
			c->done = true;
		/* We stopped it: that is not a failure of the command. */
		return 0;
	}
	if (WIFEXITED(c->status) && WEXITSTATUS(c->status) == 0)
		return 0;
	if (WIFEXITED(c->status))
		fprintf(stderr, "wbguard %s: command exited with status %d\n",
			cmd, WEXITSTATUS(c->status));
	else
		fprintf(stderr, "wbguard %s: command killed by signal %d\n",
			cmd, WTERMSIG(c->status));
	return WBG_EXIT_CHILD;
}

uint64_t wbg_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}


/* Effective capability set from /proc/self/status; 0 if unreadable. */
static uint64_t cap_eff(void)
{
	char line[256];
	uint64_t v = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %" SCNx64, &v) == 1)
			break;
	fclose(f);
	return v;
}

#define WBG_CAP_SYS_ADMIN 21
#define WBG_CAP_PERFMON 38
#define WBG_CAP_BPF 39

int wbg_bpf_caps_missing(char *buf, size_t len)
{
	uint64_t eff = cap_eff();
	bool admin = eff & (1ull << WBG_CAP_SYS_ADMIN);
	bool bpf = admin || (eff & (1ull << WBG_CAP_BPF));
	bool perfmon = admin || (eff & (1ull << WBG_CAP_PERFMON));

	snprintf(buf, len, "%s%s%s", bpf ? "" : "CAP_BPF",
		 !bpf && !perfmon ? " and " : "", perfmon ? "" : "CAP_PERFMON");
	return !bpf + !perfmon;
}

void wbg_die_bpf(const char *cmd, const char *what, int err)
{
	char missing[64];

	if (err < 0)
		err = -err;
	if ((err == EPERM || err == EACCES) && wbg_bpf_caps_missing(missing, sizeof(missing)))
		wbg_die(cmd, "cannot %s: %s; BPF tracing needs CAP_BPF and CAP_PERFMON "
			"(and CAP_SYS_ADMIN when a tracepoint lives in a module's BTF), missing: %s",
			what, strerror(err), missing);
	if ((err == EPERM || err == EACCES) && !(cap_eff() & (1ull << WBG_CAP_SYS_ADMIN)))
		wbg_die(cmd, "cannot %s: %s; with CAP_BPF and CAP_PERFMON held, the rest "
			"needs CAP_SYS_ADMIN (reading a module's BTF: ext4, xfs or btrfs as "
			"modules) or the kernel refuses the program type", what, strerror(err));
	wbg_die(cmd, "cannot %s (%s); -v shows libbpf's log", what, strerror(err));
}

bool wbg_kernel_has_cgroups(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	const struct btf_member *m;
	const struct btf_type *t;
	bool found = false;
	int id, i;

	if (!btf)
		return false;
	id = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	for (i = 0, m = t ? btf_members(t) : NULL; t && i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), "cgroups"))
			found = true;
	btf__free(btf);
	return found;
}
