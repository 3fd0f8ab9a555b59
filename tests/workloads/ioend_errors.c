// SPDX-License-Identifier: GPL-2.0
/*
 * ioend_errors: write errors during writeback and conversion must be
 * surfaced, never swallowed.
 *
 *   ioend_errors -m enospc -f FILE [-s SIZE] [-t THREADS] [-d SECONDS]
 *   ioend_errors -m eio    -f FILE [-s SIZE] [-t THREADS] [-d SECONDS] [-e] [-k]
 *
 * Both modes fallocate FILE and have THREADS threads write every other
 * block of it (each write splits an unwritten extent, so the conversion
 * needs extent-tree blocks) followed by fdatasync, and keep going after
 * errors.
 *
 * enospc: first fills the filesystem: FILE takes SIZE (default: all free
 * space but 8 MiB) and FILE.fill takes the rest until ENOSPC. At the end
 * every block whose fdatasync returned 0 is read back after dropping the
 * page cache and must hold what was written.
 * eio: the caller makes the device fail writes meanwhile (dm-flakey
 * error_writes); with -e at least one write or sync must report an error.
 * With -k FILE is used as it is, already fallocated by the caller (who
 * needs its block numbers before the run, to fail only those).
 *
 * Exit: 0 ok, 1 wrong data (or with -e: no error was ever reported),
 * 2 usage, 3 hung (watchdog).
 */
#include "ioend_wl.h"
#include <sys/stat.h>
#include <sys/statvfs.h>

static const char *file;
static uint64_t size;
static long threads = 2, seconds = 5;
static bool mode_eio, expect_error, keep;

static int fd;
static uint64_t nblocks;
static uint8_t *synced;	/* per block: 1 written, 2 fdatasync'd OK */
static double deadline;
static uint64_t n_write, n_write_err, n_sync, n_sync_err, n_enospc, n_eio, n_other;

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"Usage: ioend_errors -m enospc|eio -f FILE [-s SIZE] [-t THREADS] [-d SECONDS] [-e] [-k]\n"
		"Split unwritten extents with scattered writes + fdatasync while the\n"
		"filesystem is full (enospc) or the device fails writes (eio, set up by\n"
		"the caller); errors must be surfaced, fdatasync'd data must read back.\n"
		"Defaults: -t 2 -d 5; SIZE: 64M (eio) or all free space but 8M (enospc).\n"
		"-k: FILE exists, fallocated by the caller (SIZE: its size).\n"
		"Exit: 0 ok, 1 wrong data or (-e) no error reported, 2 usage, 3 hung.\n");
	exit(code);
}

static void count_err(int e)
{
	if (e == ENOSPC || e == EDQUOT)
		__atomic_fetch_add(&n_enospc, 1, __ATOMIC_RELAXED);
	else if (e == EIO)
		__atomic_fetch_add(&n_eio, 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&n_other, 1, __ATOMIC_RELAXED);
}

static void *writer(void *arg)
{
	int t = (int)(long)arg;
	uint64_t rnd = wl_mix(t + 991 + (uint64_t)time(NULL));
	unsigned char *buf;
	uint64_t batch[16];
	int nb, i;

	if (posix_memalign((void **)&buf, WL_BLOCK, WL_BLOCK))
		wl_die(WL_USAGE, "out of memory");
	while (wl_now() < deadline) {
		for (nb = 0; nb < 16; nb++) {
			/* even blocks only: each write splits an unwritten extent */
			uint64_t b = (wl_rand(&rnd) % (nblocks / 2)) * 2;
			int r;

			if (__atomic_load_n(&synced[b], __ATOMIC_RELAXED)) {
				nb--;
				if (wl_rand(&rnd) % 64 == 0)
					break;
				continue;
			}
			wl_fill(buf, b * WL_BLOCK, 1, t);
			r = wl_pwrite_all(fd, buf, WL_BLOCK, b * WL_BLOCK);
			__atomic_fetch_add(&n_write, 1, __ATOMIC_RELAXED);
			if (r) {
				__atomic_fetch_add(&n_write_err, 1, __ATOMIC_RELAXED);
				count_err(-r);
				break;
			}
			__atomic_store_n(&synced[b], 1, __ATOMIC_RELAXED);
			batch[nb] = b;
		}
		if (nb < 0)
			nb = 0;
		__atomic_fetch_add(&n_sync, 1, __ATOMIC_RELAXED);
		if (fdatasync(fd)) {
			__atomic_fetch_add(&n_sync_err, 1, __ATOMIC_RELAXED);
			count_err(errno);
			/* left at 1: not known durable */
		} else {
			for (i = 0; i < nb; i++)
				__atomic_store_n(&synced[batch[i]], 2, __ATOMIC_RELAXED);
		}
		wl_watchdog_kick("writing and syncing");
		if (mode_eio && n_write_err + n_sync_err > 1000)
			usleep(10000);	/* the fs is dead: do not spin */
	}
	free(buf);
	return NULL;
}

static void fill_rest(void)
{
	char path[4096];
	unsigned char *buf;
	int ffd;
	off_t off = 0;

	snprintf(path, sizeof(path), "%s.fill", file);
	ffd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (ffd < 0 || posix_memalign((void **)&buf, WL_BLOCK, 1 << 20))
		wl_die(WL_USAGE, "%s: %s", path, strerror(errno));
	memset(buf, 0x5a, 1 << 20);
	for (;;) {
		ssize_t n = pwrite(ffd, buf, 1 << 20, off);

		if (n <= 0)
			break;
		off += n;
	}
	/* the last bytes may still be reserved delalloc: flush, fill again */
	fsync(ffd);
	while (pwrite(ffd, buf, WL_BLOCK, off) == WL_BLOCK)
		off += WL_BLOCK;
	fsync(ffd);
	close(ffd);
	free(buf);
	printf("ioend_errors: filler %lld MiB\n", (long long)(off >> 20));
}

static uint64_t verify(void)
{
	unsigned char *buf;
	uint64_t b, g, bad = 0, checked = 0;

	if (posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED))
		fprintf(stderr, "fadvise: %s\n", strerror(errno));
	if (posix_memalign((void **)&buf, WL_BLOCK, WL_BLOCK))
		wl_die(WL_USAGE, "out of memory");
	for (b = 0; b < nblocks; b++) {
		enum wl_blk k;

		if (synced[b] != 2)
			continue;
		checked++;
		if (wl_pread_all(fd, buf, WL_BLOCK, b * WL_BLOCK)) {
			fprintf(stderr, "read block %llu: %s\n",
				(unsigned long long)b, strerror(errno));
			bad++;
			continue;
		}
		k = wl_check(buf, b * WL_BLOCK, &g);
		if (k != WL_BLK_OK && bad++ < 10)
			fprintf(stderr, "block %llu fdatasync'd OK but reads %s\n",
				(unsigned long long)b, wl_blk_name[k]);
	}
	free(buf);
	printf("ioend_errors verify: checked=%llu bad=%llu\n",
	       (unsigned long long)checked, (unsigned long long)bad);
	return bad;
}

int main(int argc, char **argv)
{
	pthread_t tid[64];
	uint64_t bad = 0;
	double t0;
	long t;
	int opt;

	while ((opt = getopt(argc, argv, "m:f:s:t:d:ekh")) != -1) {
		switch (opt) {
		case 'm':
			if (!strcmp(optarg, "eio")) mode_eio = true;
			else if (strcmp(optarg, "enospc")) usage(WL_USAGE);
			break;
		case 'f': file = optarg; break;
		case 's': size = wl_size(optarg); if (!size) usage(WL_USAGE); break;
		case 't': threads = wl_long(optarg, 1, 64, "threads"); break;
		case 'd': seconds = wl_long(optarg, 1, 86400, "seconds"); break;
		case 'e': expect_error = true; break;
		case 'k': keep = true; break;
		case 'h': usage(0); break;
		default: usage(WL_USAGE);
		}
	}
	if (!file || optind != argc)
		usage(WL_USAGE);
	fd = open(file, keep ? O_RDWR : O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		wl_die(WL_USAGE, "%s: %s", file, strerror(errno));
	if (keep && !size) {
		struct stat st;

		if (fstat(fd, &st))
			wl_die(WL_USAGE, "%s: %s", file, strerror(errno));
		size = st.st_size;
	}
	if (!size) {
		struct statvfs sv;

		if (mode_eio || fstatvfs(fd, &sv))
			size = 64 << 20;
		else
			size = ((uint64_t)sv.f_bavail * sv.f_frsize - (8 << 20)) & ~(uint64_t)0xfffff;
	}
	nblocks = size / WL_BLOCK;
	if (nblocks < 64)
		wl_die(WL_USAGE, "SIZE too small");
	synced = calloc(nblocks, 1);
	if (!keep && (fallocate(fd, 0, 0, size) || fsync(fd)))
		wl_die(WL_USAGE, "fallocate %llu: %s", (unsigned long long)size,
		       strerror(errno));
	if (!mode_eio)
		fill_rest();
	wl_watchdog_start(120);
	t0 = wl_now();
	deadline = t0 + seconds;
	for (t = 0; t < threads; t++)
		if (pthread_create(&tid[t], NULL, writer, (void *)t))
			wl_die(WL_USAGE, "pthread_create failed");
	for (t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	wl_watchdog_kick("final sync");
	if (fsync(fd)) {
		n_sync_err++;
		count_err(errno);
	}
	if (!mode_eio)
		bad = verify();
	printf("ioend_errors %s: %.1f s, size_mib=%llu writes=%llu write_errors=%llu "
	       "syncs=%llu sync_errors=%llu enospc=%llu eio=%llu other=%llu\n",
	       mode_eio ? "eio" : "enospc", wl_now() - t0,
	       (unsigned long long)(size >> 20), (unsigned long long)n_write,
	       (unsigned long long)n_write_err, (unsigned long long)n_sync,
	       (unsigned long long)n_sync_err, (unsigned long long)n_enospc,
	       (unsigned long long)n_eio, (unsigned long long)n_other);
	if (bad)
		return WL_BAD_DATA;
	if (expect_error && !n_write_err && !n_sync_err) {
		fprintf(stderr, "no error was reported although the device failed writes\n");
		return WL_BAD_DATA;
	}
	return WL_OK;
}
