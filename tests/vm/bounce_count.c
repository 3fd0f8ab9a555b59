// SPDX-License-Identifier: GPL-2.0
/* bounce_count: attach tp_btf/block_stable_bounce_tp, run COMMAND, print what the block layer
 * bounced meanwhile. Usage: bounce_count [-t] -- COMMAND [ARG...]
 * Prints "bounce_count: folios=N bios=M" and exits with COMMAND's exit status; 125 when the
 * tracepoint cannot be attached (a kernel without the bounce). -t also times
 * blk_stable_bounce() with fentry/fexit and prints, per result, the calls and the mean ns
 * ("nopin_calls=N nopin_ns=X bounced_calls=N bounced_ns=X ns_per_folio=X"; fentry/fexit
 * add their own cost to each call). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "bounce_count.skel.h"

static int print_fn(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	return lvl == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	struct bounce_count_bpf *s;
	int i = 1, status, err, timing = 0;
	pid_t pid;

	if (i < argc && !strcmp(argv[i], "-t"))
		timing = 1, i++;
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc) {
		fprintf(stderr, "usage: bounce_count -- COMMAND [ARG...]\n");
		return 2;
	}
	libbpf_set_print(print_fn);
	s = bounce_count_bpf__open();
	if (!s) {
		fprintf(stderr, "bounce_count: open failed: %s\n", strerror(errno));
		return 125;
	}
	if (!timing) {
		bpf_program__set_autoload(s->progs.bounce_enter, false);
		bpf_program__set_autoload(s->progs.bounce_exit, false);
	}
	err = bounce_count_bpf__load(s);
	if (err) {
		fprintf(stderr, "bounce_count: load failed: %s\n", strerror(-err));
		return 125;
	}
	err = bounce_count_bpf__attach(s);
	if (err) {
		fprintf(stderr, "bounce_count: attach failed: %s\n", strerror(-err));
		return 125;
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 125;
	}
	if (!pid) {
		execvp(argv[i], argv + i);
		perror(argv[i]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return 125;
	}
	printf("bounce_count: folios=%llu bios=%llu\n",
	       (unsigned long long)s->bss->folios, (unsigned long long)s->bss->bios);
	if (timing) {
		unsigned long long c0 = s->bss->calls[0], c1 = s->bss->calls[1];
		unsigned long long n0 = s->bss->ns[0], n1 = s->bss->ns[1];
		unsigned long long f = s->bss->folios;

		printf("bounce_count: nopin_calls=%llu nopin_ns=%llu bounced_calls=%llu bounced_ns=%llu ns_per_folio=%llu\n",
		       c0, c0 ? n0 / c0 : 0, c1, c1 ? n1 / c1 : 0, f ? n1 / f : 0);
	}
	bounce_count_bpf__destroy(s);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
