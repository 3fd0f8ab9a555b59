// SPDX-License-Identifier: GPL-2.0
/*
 * ioend_aio_trunc: asynchronous O_DIRECT writes into a fallocated file
 * while another thread truncates it -- the 2012 truncate/end_io deadlock
 * scenario (truncate waits for direct I/O under the inode lock while the
 * completion work wants that lock). Must finish under a watchdog.
 *
 *   ioend_aio_trunc -f FILE [-s SIZE] [-q DEPTH] [-b BLOCK] [-r ROUNDS]
 *                   [-d SECONDS] [-w WATCHDOG]
 *
 * Each round: fallocate SIZE (default 1G), keep DEPTH (32) writes of BLOCK
 * (64K) bytes in flight at random offsets with Linux native AIO (raw
 * system calls, no libaio), after SECONDS (2) truncate the file to 0 from
 * another thread with the writes still in flight, then drain them. Writes
 * that complete read back intact unless the truncate removed them.
 *
 * Exit: 0 ok, 1 wrong data, 2 usage, 3 hung (watchdog), 4 I/O error.
 */
#include "ioend_wl.h"
#include "wl_aio.h"
#include <sys/syscall.h>

static const char *file;
static uint64_t size = 1ull << 30, bs = 64 << 10;
static long depth = 32, rounds = 3, seconds = 2, watchdog = 60;

static volatile int stop;
static int fd;
static uint64_t ios_done, ios_err, trunc_shrunk;
static double trunc_max;


static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"Usage: ioend_aio_trunc -f FILE [-s SIZE] [-q DEPTH] [-b BLOCK] [-r ROUNDS]\n"
		"                       [-d SECONDS] [-w WATCHDOG]\n"
		"AIO + O_DIRECT writes into a fallocated file with a concurrent truncate.\n"
		"Defaults: -s 1G -q 32 -b 64K -r 3 -d 2 -w 60.\n"
		"Exit: 0 ok, 1 wrong data, 2 usage, 3 hung (watchdog), 4 I/O error.\n");
	exit(code);
}

static void fill(unsigned char *buf, uint64_t off, uint64_t gen)
{
	uint64_t b;

	for (b = 0; b < bs; b += WL_BLOCK)
		wl_fill(buf + b, off + b, gen, 0);
}

static void prep(struct iocb *cb, unsigned char *buf, uint64_t *rnd, uint64_t gen)
{
	uint64_t off = (wl_rand(rnd) % (size / bs)) * bs;

	fill(buf, off, gen);
	memset(cb, 0, sizeof(*cb));
	cb->aio_lio_opcode = IOCB_CMD_PWRITE;
	cb->aio_fildes = fd;
	cb->aio_buf = (uint64_t)(uintptr_t)buf;
	cb->aio_nbytes = bs;
	cb->aio_offset = off;
	cb->aio_data = (uint64_t)(uintptr_t)cb;
}

static void *truncator(void *arg)
{
	int tfd;
	double t0;

	(void)arg;
	sleep(seconds);
	tfd = open(file, O_RDWR);
	if (tfd < 0)
		wl_die(WL_IO_ERROR, "open for truncate: %s", strerror(errno));
	wl_watchdog_kick("truncating with direct I/O in flight");
	t0 = wl_now();
	if (ftruncate(tfd, 0))
		wl_die(WL_IO_ERROR, "ftruncate: %s", strerror(errno));
	if (wl_now() - t0 > trunc_max)
		trunc_max = wl_now() - t0;
	trunc_shrunk++;
	close(tfd);
	stop = 1;
	return NULL;
}

static void round_run(uint64_t gen)
{
	struct iocb *cbs = calloc(depth, sizeof(*cbs)), *list[1];
	struct io_event *ev = calloc(depth, sizeof(*ev));
	uint64_t rnd = wl_mix(gen ^ (uint64_t)time(NULL));
	unsigned char *bufs;
	aio_context_t ctx = 0;
	long inflight = 0, i, n;
	pthread_t tt;

	if (posix_memalign((void **)&bufs, 4096, depth * bs) || !cbs || !ev)
		wl_die(WL_USAGE, "out of memory");
	fd = open(file, O_RDWR | O_CREAT | O_DIRECT, 0644);
	if (fd < 0)
		wl_die(WL_USAGE, "%s: %s", file, strerror(errno));
	if (ftruncate(fd, 0) || fallocate(fd, 0, 0, size))
		wl_die(WL_USAGE, "fallocate %s: %s", file, strerror(errno));
	if (io_setup_(depth, &ctx))
		wl_die(WL_USAGE, "io_setup: %s", strerror(errno));
	stop = 0;
	if (pthread_create(&tt, NULL, truncator, NULL))
		wl_die(WL_USAGE, "pthread_create failed");
	for (i = 0; i < depth; i++) {
		prep(&cbs[i], bufs + i * bs, &rnd, gen);
		list[0] = &cbs[i];
		if (io_submit_(ctx, 1, list) != 1)
			wl_die(WL_IO_ERROR, "io_submit: %s", strerror(errno));
		inflight++;
	}
	while (inflight) {
		struct timespec ts = { 1, 0 };

		n = io_getevents_(ctx, 1, depth, ev, &ts);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			wl_die(WL_IO_ERROR, "io_getevents: %s", strerror(errno));
		}
		if (!stop)
			wl_watchdog_kick("direct I/O");
		for (i = 0; i < n; i++) {
			struct iocb *cb = (struct iocb *)(uintptr_t)ev[i].data;

			inflight--;
			if (ev[i].res != (int64_t)bs) {
				ios_err++;
				fprintf(stderr, "write at %llu: res %lld\n",
					(unsigned long long)cb->aio_offset,
					(long long)ev[i].res);
			} else {
				ios_done++;
			}
			if (stop)
				continue;
			prep(cb, (unsigned char *)(uintptr_t)cb->aio_buf, &rnd, gen);
			list[0] = cb;
			if (io_submit_(ctx, 1, list) != 1)
				wl_die(WL_IO_ERROR, "io_submit: %s", strerror(errno));
			inflight++;
		}
	}
	pthread_join(tt, NULL);
	wl_watchdog_kick("io_destroy");
	io_destroy_(ctx);
	if (fsync(fd))
		wl_die(WL_IO_ERROR, "fsync: %s", strerror(errno));
	close(fd);
	free(bufs);
	free(cbs);
	free(ev);
}

/* What survived the truncate must be intact: ours with this round's
 * generation, or zero. */
static uint64_t verify(uint64_t gen)
{
	unsigned char *buf;
	uint64_t off, g, bad = 0, ok = 0, end;
	int rfd = open(file, O_RDONLY);

	if (rfd < 0 || posix_memalign((void **)&buf, 4096, WL_BLOCK))
		wl_die(WL_USAGE, "verify open: %s", strerror(errno));
	end = lseek(rfd, 0, SEEK_END);
	for (off = 0; off < end; off += WL_BLOCK) {
		enum wl_blk k;

		if (wl_pread_all(rfd, buf, WL_BLOCK, off))
			wl_die(WL_IO_ERROR, "read: %s", strerror(errno));
		k = wl_check(buf, off, &g);
		if (k == WL_BLK_OK && g == gen)
			ok++;
		else if (k != WL_BLK_ZERO && bad++ < 10)
			fprintf(stderr, "offset %llu: %s gen %llu\n",
				(unsigned long long)off, wl_blk_name[k],
				(unsigned long long)g);
	}
	close(rfd);
	free(buf);
	return bad;
}

int main(int argc, char **argv)
{
	uint64_t bad = 0;
	double t0 = wl_now();
	long r;
	int opt;

	while ((opt = getopt(argc, argv, "f:s:q:b:r:d:w:h")) != -1) {
		switch (opt) {
		case 'f': file = optarg; break;
		case 's': size = wl_size(optarg); break;
		case 'q': depth = wl_long(optarg, 1, 1024, "depth"); break;
		case 'b': bs = wl_size(optarg); break;
		case 'r': rounds = wl_long(optarg, 1, 100000, "rounds"); break;
		case 'd': seconds = wl_long(optarg, 0, 86400, "seconds"); break;
		case 'w': watchdog = wl_long(optarg, 1, 86400, "watchdog"); break;
		case 'h': usage(0); break;
		default: usage(WL_USAGE);
		}
	}
	if (!file || optind != argc)
		usage(WL_USAGE);
	if (!bs || bs % WL_BLOCK || !size || size % bs)
		wl_die(WL_USAGE, "SIZE must be a multiple of BLOCK, BLOCK of 4096");
	wl_watchdog_start(watchdog);
	for (r = 1; r <= rounds; r++) {
		round_run(r);
		wl_watchdog_kick("verifying");
		bad += verify(r);
	}
	printf("ioend_aio_trunc: %.1f s, rounds=%ld writes=%llu write_errors=%llu "
	       "truncates=%llu max_truncate_s=%.3f bad_blocks=%llu\n",
	       wl_now() - t0, rounds, (unsigned long long)ios_done,
	       (unsigned long long)ios_err, (unsigned long long)trunc_shrunk,
	       trunc_max, (unsigned long long)bad);
	if (bad)
		return WL_BAD_DATA;
	return ios_err ? WL_IO_ERROR : WL_OK;
}
