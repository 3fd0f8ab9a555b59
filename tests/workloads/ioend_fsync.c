// SPDX-License-Identifier: GPL-2.0
/*
 * ioend_fsync: buffered writes into unwritten (fallocated) extents from
 * several threads, with fsync/fdatasync racing the conversion worker.
 *
 *   ioend_fsync write  -f FILE [-s SIZE] [-c CHUNK] [-t THREADS] [-d SECONDS]
 *                      [-y fsync|fdatasync|mixed] [-m MANIFEST] [-1]
 *   ioend_fsync verify -f FILE [-m MANIFEST]
 *
 * write: fallocates FILE, then each thread owns every THREADS-th chunk
 * and loops: turn the chunk back into unwritten extents
 * (FALLOC_FL_ZERO_RANGE; with -1 each chunk is written once only), write
 * its blocks in random order in runs of 1-8 blocks, with fsync or
 * fdatasync now and then, and fdatasync after the chunk. Each finished
 * chunk's generation goes to MANIFEST (default FILE.manifest) at the end.
 * verify (after a remount): every chunk holds exactly its manifest
 * generation; never-written chunks read as zeros.
 *
 * Exit: 0 ok, 1 wrong data, 2 usage, 3 hung (watchdog), 4 I/O error.
 */
#include "ioend_wl.h"
#include <linux/falloc.h>
#include <sys/stat.h>

static const char *file, *manifest;
static uint64_t size = 64 << 20, chunk = 1 << 20;
static long threads = 4, seconds = 5;
static int sync_mode = 2;	/* 0 fsync, 1 fdatasync, 2 mixed */
static bool once;

static int fd;
static uint64_t nchunks;
static uint64_t *gens;
static double deadline;
static uint64_t st_blocks[64], st_fsync[64], st_fdatasync[64], st_chunks[64];

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"Usage: ioend_fsync write -f FILE [-s SIZE] [-c CHUNK] [-t THREADS] [-d SECONDS]\n"
		"                         [-y fsync|fdatasync|mixed] [-m MANIFEST] [-1]\n"
		"       ioend_fsync verify -f FILE [-m MANIFEST]\n"
		"Buffered writes into fallocated (unwritten) chunks by THREADS threads with\n"
		"concurrent fsync/fdatasync; verify checks the data after a remount.\n"
		"Defaults: -s 64M -c 1M -t 4 -d 5 -y mixed, MANIFEST = FILE.manifest.\n"
		"Exit: 0 ok, 1 wrong data, 2 usage, 3 hung (watchdog), 4 I/O error.\n");
	exit(code);
}

static void do_sync(int t, uint64_t *rnd)
{
	int mode = sync_mode == 2 ? (int)(wl_rand(rnd) & 1) : sync_mode;
	int r = mode ? fdatasync(fd) : fsync(fd);

	if (r)
		wl_die(WL_IO_ERROR, "%s: %s", mode ? "fdatasync" : "fsync",
		       strerror(errno));
	if (mode)
		st_fdatasync[t]++;
	else
		st_fsync[t]++;
}

static void *writer(void *arg)
{
	int t = (int)(long)arg;
	uint64_t rnd = wl_mix(t + 1 + (uint64_t)time(NULL));
	uint32_t nblk = chunk / WL_BLOCK, *order, i, j, run;
	unsigned char *buf;
	uint64_t c = t;

	order = malloc(nblk * sizeof(*order));
	if (posix_memalign((void **)&buf, WL_BLOCK, 8 * WL_BLOCK) || !order)
		wl_die(WL_USAGE, "out of memory");
	while (wl_now() < deadline) {
		uint64_t base = c * chunk, gen = gens[c] + 1;

		if (once && gens[c])
			break;
		if (gen > 1 && fallocate(fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
					 base, chunk))
			wl_die(WL_IO_ERROR, "fallocate(ZERO_RANGE): %s", strerror(errno));
		for (i = 0; i < nblk; i++)
			order[i] = i;
		for (i = nblk - 1; i > 0; i--) {
			uint32_t k = wl_rand(&rnd) % (i + 1), x = order[i];

			order[i] = order[k];
			order[k] = x;
		}
		/* runs of consecutive blocks starting at shuffled points */
		for (i = 0; i < nblk; i += run) {
			run = 1 + wl_rand(&rnd) % 8;
			if (run > nblk - i)
				run = nblk - i;
			for (j = 0; j < run; j++) {
				uint64_t off = base + (uint64_t)order[i + j] * WL_BLOCK;
				int r;

				wl_fill(buf, off, gen, t);
				r = wl_pwrite_all(fd, buf, WL_BLOCK, off);
				if (r)
					wl_die(WL_IO_ERROR, "pwrite: %s", strerror(-r));
				st_blocks[t]++;
			}
			if ((wl_rand(&rnd) & 15) == 0)
				do_sync(t, &rnd);
			wl_watchdog_kick("writing and syncing");
		}
		if (fdatasync(fd))
			wl_die(WL_IO_ERROR, "fdatasync: %s", strerror(errno));
		st_fdatasync[t]++;
		gens[c] = gen;
		st_chunks[t]++;
		c += threads;
		if (c >= nchunks)
			c = t;
	}
	free(order);
	free(buf);
	return NULL;
}

static int do_write(void)
{
	pthread_t tid[64];
	uint64_t tot[4] = {0};
	double t0;
	FILE *m;
	long t;

	fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		wl_die(WL_USAGE, "%s: %s", file, strerror(errno));
	if (fallocate(fd, 0, 0, size))
		wl_die(WL_USAGE, "fallocate %s: %s", file, strerror(errno));
	/* the extents are unwritten on disk before the writers start */
	if (fsync(fd))
		wl_die(WL_IO_ERROR, "fsync: %s", strerror(errno));
	gens = calloc(nchunks, sizeof(*gens));
	wl_watchdog_start(120);
	t0 = wl_now();
	deadline = t0 + seconds;
	for (t = 0; t < threads; t++)
		if (pthread_create(&tid[t], NULL, writer, (void *)t))
			wl_die(WL_USAGE, "pthread_create failed");
	for (t = 0; t < threads; t++) {
		pthread_join(tid[t], NULL);
		tot[0] += st_blocks[t];
		tot[1] += st_fsync[t];
		tot[2] += st_fdatasync[t];
		tot[3] += st_chunks[t];
	}
	wl_watchdog_kick("final fsync");
	if (fsync(fd))
		wl_die(WL_IO_ERROR, "final fsync: %s", strerror(errno));
	close(fd);
	m = fopen(manifest, "w");
	if (!m)
		wl_die(WL_USAGE, "%s: %s", manifest, strerror(errno));
	fprintf(m, "ioend_fsync %llu %llu %llu\n", (unsigned long long)size,
		(unsigned long long)chunk, (unsigned long long)nchunks);
	for (uint64_t c = 0; c < nchunks; c++)
		fprintf(m, "%llu\n", (unsigned long long)gens[c]);
	if (fflush(m) || fsync(fileno(m)) || fclose(m))
		wl_die(WL_IO_ERROR, "writing %s failed", manifest);
	printf("ioend_fsync write: %.1f s, threads=%ld chunks_written=%llu blocks=%llu "
	       "fsync=%llu fdatasync=%llu MiB/s=%.1f\n",
	       wl_now() - t0, threads, (unsigned long long)tot[3],
	       (unsigned long long)tot[0], (unsigned long long)tot[1],
	       (unsigned long long)tot[2],
	       tot[0] * (double)WL_BLOCK / (1 << 20) / (wl_now() - t0));
	return WL_OK;
}

static int do_verify(void)
{
	unsigned long long msize, mchunk, mn;
	uint64_t cnt[4] = {0}, wrong_gen = 0, shown = 0, c, b, g;
	unsigned char *buf;
	FILE *m;

	m = fopen(manifest, "r");
	if (!m || fscanf(m, "ioend_fsync %llu %llu %llu", &msize, &mchunk, &mn) != 3)
		wl_die(WL_USAGE, "%s: not a manifest", manifest);
	size = msize;
	chunk = mchunk;
	nchunks = mn;
	fd = open(file, O_RDONLY);
	if (fd < 0)
		wl_die(WL_USAGE, "%s: %s", file, strerror(errno));
	if (posix_memalign((void **)&buf, WL_BLOCK, chunk))
		wl_die(WL_USAGE, "out of memory");
	for (c = 0; c < nchunks; c++) {
		unsigned long long want;
		int r;

		if (fscanf(m, "%llu", &want) != 1)
			wl_die(WL_USAGE, "%s: truncated", manifest);
		r = wl_pread_all(fd, buf, chunk, c * chunk);
		if (r)
			wl_die(WL_IO_ERROR, "read: %s", strerror(-r));
		for (b = 0; b < chunk / WL_BLOCK; b++) {
			uint64_t off = c * chunk + b * WL_BLOCK;
			enum wl_blk k = wl_check(buf + b * WL_BLOCK, off, &g);
			bool good = want ? (k == WL_BLK_OK && g == want) : k == WL_BLK_ZERO;

			cnt[k]++;
			if (k == WL_BLK_OK && g != want)
				wrong_gen++;
			if (!good && shown++ < 10)
				fprintf(stderr, "offset %llu: %s gen %llu, expected gen %llu\n",
					(unsigned long long)off, wl_blk_name[k],
					(unsigned long long)g, want);
		}
	}
	fclose(m);
	printf("ioend_fsync verify: chunks=%llu ok=%llu zero=%llu stale=%llu torn=%llu "
	       "wrong_gen=%llu bad=%llu\n", (unsigned long long)nchunks,
	       (unsigned long long)cnt[0], (unsigned long long)cnt[1],
	       (unsigned long long)cnt[2], (unsigned long long)cnt[3],
	       (unsigned long long)wrong_gen, (unsigned long long)shown);
	return shown ? WL_BAD_DATA : WL_OK;
}

int main(int argc, char **argv)
{
	static char mbuf[4096];
	bool write_mode;
	int opt;

	if (argc < 2)
		usage(WL_USAGE);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		usage(0);
	if (!strcmp(argv[1], "write"))
		write_mode = true;
	else if (!strcmp(argv[1], "verify"))
		write_mode = false;
	else
		usage(WL_USAGE);
	optind = 2;
	while ((opt = getopt(argc, argv, "f:s:c:t:d:y:m:1h")) != -1) {
		switch (opt) {
		case 'f': file = optarg; break;
		case 's': size = wl_size(optarg); break;
		case 'c': chunk = wl_size(optarg); break;
		case 't': threads = wl_long(optarg, 1, 64, "threads"); break;
		case 'd': seconds = wl_long(optarg, 1, 86400, "seconds"); break;
		case 'm': manifest = optarg; break;
		case '1': once = true; break;
		case 'y':
			if (!strcmp(optarg, "fsync")) sync_mode = 0;
			else if (!strcmp(optarg, "fdatasync")) sync_mode = 1;
			else if (!strcmp(optarg, "mixed")) sync_mode = 2;
			else usage(WL_USAGE);
			break;
		case 'h': usage(0); break;
		default: usage(WL_USAGE);
		}
	}
	if (!file || optind != argc)
		usage(WL_USAGE);
	if (!chunk || chunk % WL_BLOCK || !size || size % chunk)
		wl_die(WL_USAGE, "SIZE must be a multiple of CHUNK, CHUNK of 4096");
	nchunks = size / chunk;
	if (!manifest) {
		snprintf(mbuf, sizeof(mbuf), "%s.manifest", file);
		manifest = mbuf;
	}
	return write_mode ? do_write() : do_verify();
}
