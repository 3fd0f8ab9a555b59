// SPDX-License-Identifier: GPL-2.0
/* wbguard: one binary, one subcommand per writeback mechanism. */
#include <argp.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "subcommands.h"
#include "version.h"	/* generated: WBG_VERSION from git describe */

const char *wbg_build_version(void)
{
	return WBG_VERSION;
}

const char *wbg_version(void)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "wbguard %s (libbpf %u.%u)", WBG_VERSION,
		 libbpf_major_version(), libbpf_minor_version());
	return buf;
}

/* argp adds --version (-V) to every subcommand and calls this. */
static void print_version(FILE *f, struct argp_state *state)
{
	fprintf(f, "%s\n", wbg_version());
}
void (*argp_program_version_hook)(FILE *, struct argp_state *) = print_version;

static const struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} subcommands[] = {
	{ "stable", cmd_stable, "stable pages: folios dirtied under writeback (S1, S3)" },
	{ "tpcount", cmd_tpcount, "count tracepoint hits (proof that tracepoints fire)" },
	{ "dax", cmd_dax, "DAX write faults into unwritten extents (D1)" },
	{ "ioend", cmd_ioend, "ext4 conversion list: io_end lifecycle, fsync vs conversion (C1-C4)" },
};

#define NR_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: wbguard COMMAND [OPTION...]\n"
		"Observe and assert Linux writeback invariants with BPF.\n\n"
		"Commands:\n");
	for (i = 0; i < NR_SUBCOMMANDS; i++)
		fprintf(f, "  %-8s %s\n", subcommands[i].name,
			subcommands[i].summary);
	fprintf(f, "\n'wbguard COMMAND --help' lists a command's options;\n"
		"'wbguard --version' prints the build (git describe) and libbpf version.\n\n"
		"EXIT STATUS (the first that applies):\n"
		"  1  an invariant was violated\n"
		"  3  events were lost: the verdict is unknown\n"
		"  4  the command run after -- failed\n"
		"  5  unchecked: nothing was judged (the scope saw nothing the\n"
		"     invariants are about, or the kernel cannot support the check)\n"
		"  0  pass: something was judged, no violation, nothing lost\n"
		"  2  usage or setup error (bad option or device, no CAP_BPF/CAP_PERFMON,\n"
		"     no BTF, a tracepoint missing, its module not loaded)\n\n"
		"EXAMPLES:\n"
		"  wbguard stable -d 10\n"
		"  wbguard stable --dev /mnt/test --json -- ./workload\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return WBG_EXIT_SETUP;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("%s\n", wbg_version());
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	/* argp's own usage errors must use our documented code. */
	argp_err_exit_status = WBG_EXIT_SETUP;
	for (i = 0; i < NR_SUBCOMMANDS; i++) {
		char name[32];

		if (strcmp(argv[1], subcommands[i].name))
			continue;
		/* So that argp says "wbguard stable" in its messages. */
		snprintf(name, sizeof(name), "wbguard %s", subcommands[i].name);
		argv[1] = name;
		return subcommands[i].run(argc - 1, argv + 1);
	}
	fprintf(stderr, "wbguard: unknown command '%s' (see wbguard --help)\n",
		argv[1]);
	return WBG_EXIT_SETUP;
}
