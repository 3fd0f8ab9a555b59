// SPDX-License-Identifier: GPL-2.0
/*
 * jit-dump ID OUT: write the JITed image of BPF program ID to OUT, for
 * objdump (Debian's bpftool has no libbfd: "bpftool prog dump jited"
 * cannot disassemble). Root. Not built by make:
 *   cc -O2 -o /tmp/jit-dump ci/jit-dump.c -lbpf
 *   /tmp/jit-dump ID /tmp/p.bin
 *   objdump -D -b binary -mi386:x86-64 /tmp/p.bin > /tmp/p.dis
 *   python3 ci/jit-path.py /tmp/p.dis [ADDR...]   (instructions on one path)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
int main(int argc, char **argv)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(atoi(argv[1]));
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len)) { perror("info"); return 1; }
	__u32 n = info.jited_prog_len;
	void *buf = malloc(n);
	memset(&info, 0, sizeof(info));
	info.jited_prog_len = n;
	info.jited_prog_insns = (unsigned long)buf;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) { perror("info2"); return 1; }
	FILE *f = fopen(argv[2], "w");
	fwrite(buf, 1, n, f);
	fclose(f);
	printf("%u bytes\n", n);
	return 0;
}
