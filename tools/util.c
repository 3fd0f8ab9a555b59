// SPDX-License-Identifier: GPL-2.0
/* Helpers free of libbpf: argument parsing and output, unit-tested. */
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "common.h"

int wbg_parse_dev(const char *arg, uint32_t *kdev, const char **why)
{
	unsigned int maj, min;
	struct stat st;
	char tail;

	if (sscanf(arg, "%u:%u%c", &maj, &min, &tail) == 2) {
		if (maj >= (1u << 12) || min >= (1u << 20)) {
			*why = "major:minor out of range";
			return -1;
		}
		*kdev = wbg_kdev(maj, min);
		return 0;
	}
	if (stat(arg, &st)) {
		*why = "no such device, file or mount point";
		return -1;
	}
	if (S_ISBLK(st.st_mode))
		*kdev = wbg_kdev(major(st.st_rdev), minor(st.st_rdev));
	else
		*kdev = wbg_kdev(major(st.st_dev), minor(st.st_dev));
	return 0;
}

int wbg_ringbuf_bytes(long kib, uint32_t *bytes)
{
	long b;

	if (kib < 4 || kib > (1L << 20))
		return -1;
	b = kib * 1024;
	if (b & (b - 1))
		return -1;
	*bytes = (uint32_t)b;
	return 0;
}
