// SPDX-License-Identifier: GPL-2.0
/* fentry_probe: load + attach fentry/fexit on __x64_sys_fsync, fsync a file, check both ran.
 * Then, for each FUNC given on the command line, report whether an fentry attaches to it.
 * Usage: fentry_probe [-v] [FUNC...]     exit 0 = fentry/fexit work, 1 = they do not */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "fentry_probe.skel.h"

static int verbose;
static int print_fn(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	if (lvl == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int probe_func(const char *fn)
{
	struct fentry_probe_bpf *s = fentry_probe_bpf__open();
	int err;

	if (!s)
		return -errno;
	bpf_program__set_autoload(s->progs.on_fsync, false);
	bpf_program__set_autoload(s->progs.on_fsync_exit, false);
	err = bpf_program__set_attach_target(s->progs.probe, 0, fn);
	if (!err)
		err = fentry_probe_bpf__load(s);
	if (!err)
		err = fentry_probe_bpf__attach(s);
	fentry_probe_bpf__destroy(s);
	return err;
}

int main(int argc, char **argv)
{
	struct fentry_probe_bpf *s;
	char path[] = "/tmp/fentry_probe.XXXXXX";
	int i = 1, fd, err;

	if (argc > 1 && !strcmp(argv[1], "-v"))
		verbose = 1, i++;
	libbpf_set_print(print_fn);

	s = fentry_probe_bpf__open();
	if (!s) {
		perror("open skeleton");
		return 1;
	}
	bpf_program__set_autoload(s->progs.probe, false);
	s->bss->target_tgid = getpid();
	err = fentry_probe_bpf__load(s);
	if (err) {
		fprintf(stderr, "load failed: %s\n", strerror(-err));
		return 1;
	}
	err = fentry_probe_bpf__attach(s);
	if (err) {
		fprintf(stderr, "attach failed: %s\n", strerror(-err));
		return 1;
	}
	fd = mkstemp(path);
	if (fd < 0 || write(fd, "x", 1) != 1 || fsync(fd) || fsync(fd)) {
		perror("fsync");
		return 1;
	}
	close(fd);
	unlink(path);
	printf("fentry __x64_sys_fsync: %llu hit(s), fexit: %llu hit(s)\n",
	       (unsigned long long)s->bss->hits_entry, (unsigned long long)s->bss->hits_exit);
	err = !(s->bss->hits_entry >= 2 && s->bss->hits_exit >= 2);
	fentry_probe_bpf__destroy(s);

	for (; i < argc; i++) {
		int e = probe_func(argv[i]);
		printf("fentry %-28s %s\n", argv[i], e ? strerror(-e) : "attachable");
	}
	return err;
}
