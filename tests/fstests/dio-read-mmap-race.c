// SPDX-License-Identifier: GPL-2.0
/*
 * dio-read-mmap-race -- direct reads into a shared file mapping while that
 * file is under writeback.
 *
 * A direct read pins its buffer for DMA. When the buffer is a MAP_SHARED
 * mapping of another file, the pinned pages are that file's page cache:
 * they are dirtied when the read is submitted and the device writes into
 * them, none of which waits for writeback of that file. On a device that
 * requires stable pages (T10 PI/DIX, checksumming stacks) the page then
 * changes while the device is checksumming it, and the write fails with a
 * protection error or stores data that does not match its checksum.
 *
 * Usage: dio-read-mmap-race [-b blocksize] [-c chunk] [-s size] [-t seconds] <src> <dst>
 *
 * <src> is created with two halves of different contents and read with
 * O_DIRECT, <chunk> bytes (default 64k) per read, alternating halves, into
 * a MAP_SHARED mapping of <dst> (made
 * <size> bytes long), while another thread starts writeback of <dst> with
 * sync_file_range(SYNC_FILE_RANGE_WRITE) in a loop. After <seconds> both
 * stop, the mapping receives one last read with no writeback running, and
 * <dst> is fsync'd: a write that the device rejected during the race is
 * reported there. Exit 0 when every call, the final fsync included,
 * succeeded and the mapping holds the last read's data; 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static size_t bs = 4096, chunk = 65536, size = 1 << 20;
static int src_fd, dst_fd;
static unsigned char *map;
static volatile int stop, failed;

static void fail(const char *what)
{
	fprintf(stderr, "%s: %s\n", what, strerror(errno));
	failed = 1;
	stop = 1;
}

/* the <half>th half of src: every byte of block i is (i + half * 131) & 0xff */
static int fill_src(void)
{
	unsigned char *buf;
	size_t off;

	if (posix_memalign((void **)&buf, bs, bs))
		return -1;
	for (off = 0; off < 2 * size; off += bs) {
		memset(buf, (int)((off / bs + (off >= size) * 131) & 0xff), bs);
		if (pwrite(src_fd, buf, bs, off) != (ssize_t)bs) {
			free(buf);
			return -1;
		}
	}
	free(buf);
	return fsync(src_fd);
}

/* read one half of src into the mapping, a chunk at a time */
static int read_half(int half)
{
	size_t off;

	for (off = 0; off < size; off += chunk)
		if (pread(src_fd, map + off, chunk, half * size + off) != (ssize_t)chunk)
			return -1;
	return 0;
}

static void *reader(void *arg)
{
	int half = 0;

	while (!stop) {
		if (read_half(half)) {
			fail("O_DIRECT read into the mapping");
			break;
		}
		half ^= 1;
	}
	return NULL;
}

static void *writeback(void *arg)
{
	while (!stop)
		if (sync_file_range(dst_fd, 0, 0, SYNC_FILE_RANGE_WRITE)) {
			fail("sync_file_range");
			break;
		}
	return NULL;
}

int main(int argc, char **argv)
{
	double seconds = 5;
	pthread_t r, w;
	struct timespec ts;
	size_t off;
	int c;

	while ((c = getopt(argc, argv, "b:c:s:t:")) != -1) {
		switch (c) {
		case 'b': bs = strtoul(optarg, NULL, 0); break;
		case 'c': chunk = strtoul(optarg, NULL, 0); break;
		case 's': size = strtoul(optarg, NULL, 0); break;
		case 't': seconds = atof(optarg); break;
		default: goto usage;
		}
	}
	if (chunk > size)
		chunk = size;
	if (optind + 2 != argc || !bs || !size || size % bs || !chunk ||
	    chunk % bs || size % chunk)
		goto usage;
	src_fd = open(argv[optind], O_RDWR | O_CREAT | O_TRUNC | O_DIRECT, 0600);
	dst_fd = open(argv[optind + 1], O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (src_fd < 0 || dst_fd < 0) {
		perror("open");
		return 1;
	}
	if (fill_src()) {
		perror("writing the source file");
		return 1;
	}
	if (ftruncate(dst_fd, size) || fsync(dst_fd)) {
		perror("sizing the mapped file");
		return 1;
	}
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, dst_fd, 0);
	if (map == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (pthread_create(&r, NULL, reader, NULL) ||
	    pthread_create(&w, NULL, writeback, NULL)) {
		perror("pthread_create");
		return 1;
	}
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
	stop = 1;
	pthread_join(r, NULL);
	pthread_join(w, NULL);
	if (failed)
		return 1;

	/* one last read with no writeback running: what the file must hold */
	if (read_half(0)) {
		perror("final O_DIRECT read");
		return 1;
	}
	if (msync(map, size, MS_SYNC) || fsync(dst_fd)) {
		perror("fsync after the race");
		return 1;
	}
	for (off = 0; off < size; off += bs) {
		unsigned char want = (unsigned char)((off / bs) & 0xff);

		if (map[off] != want || map[off + bs - 1] != want) {
			fprintf(stderr, "mapping block %zu holds %#x, expected %#x\n",
				off / bs, map[off], want);
			return 1;
		}
	}
	return 0;
usage:
	fprintf(stderr, "usage: %s [-b blocksize] [-c chunk] [-s size] [-t seconds] <src> <dst>\n",
		argv[0]);
	return 2;
}
