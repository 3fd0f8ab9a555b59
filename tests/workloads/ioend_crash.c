// SPDX-License-Identifier: GPL-2.0
/*
 * ioend_crash: data fsync'd into unwritten extents must survive a crash.
 *
 *   ioend_crash run    -f FILE -l LOG [-s SIZE] [-c CHUNK] [-t THREADS]
 *                      [-d SECONDS] [-p PERCENT] [-n]
 *   ioend_crash verify -f FILE -l LOG
 *
 * run: fallocate FILE (unwritten extents), then THREADS threads each take
 * the next chunk of a random permutation, write its blocks (buffered, in
 * random order), fdatasync, and only when that returned 0 append the
 * chunk number to LOG (put LOG on another filesystem; it is written with
 * fdatasync too). After SECONDS, with writers still running, the
 * filesystem is shut down (or earlier, once PERCENT (50) of the chunks
 * are logged) as a crash would leave it:
 * EXT4_IOC_SHUTDOWN with EXT4_GOING_FLAGS_NOLOGFLUSH (the journal is not
 * flushed). Errors after the shutdown are expected. -n: no shutdown
 * (the caller crashes the device another way, e.g. dm-flakey drop_writes).
 *
 * verify (after unmount + mount, i.e. journal replay): every chunk whose
 * fdatasync returned before the shutdown began reads back complete; every
 * other block is complete or zero -- never stale (device content from
 * before) and never torn. Chunks whose fdatasync returned 0 only after the
 * shutdown began (a real crash leaves no such return) are counted apart.
 *
 * Exit: 0 ok, 1 wrong data, 2 usage, 3 hung (watchdog), 4 I/O error.
 */
#include "ioend_wl.h"
#include <sys/ioctl.h>

#ifndef EXT4_IOC_SHUTDOWN
#define EXT4_IOC_SHUTDOWN _IOR('X', 125, uint32_t)
#endif
#define WBG_GOING_FLAGS_NOLOGFLUSH 0x2

static const char *file, *logpath;
static uint64_t size = 256 << 20, chunk = 256 << 10;
static long threads = 4, seconds = 3;
static bool no_shutdown;
static long pct = 50;

static int fd, logfd;
static uint64_t nchunks, *perm, next_idx, logged, write_errors;
static volatile int down;
static int crashing;	/* set before the shutdown ioctl is issued */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"Usage: ioend_crash run -f FILE -l LOG [-s SIZE] [-c CHUNK] [-t THREADS] [-d SECONDS] [-p PCT] [-n]\n"
		"       ioend_crash verify -f FILE -l LOG\n"
		"Write fallocated chunks, log each one fdatasync returned 0 for, shut the\n"
		"filesystem down (EXT4_IOC_SHUTDOWN, no log flush) after SECONDS or once PCT%%\n"
		"of the chunks are logged; after a remount verify\n"
		"that logged chunks are intact and nothing stale or torn shows anywhere.\n"
		"Defaults: -s 256M -c 256K -t 4 -d 3 -p 50. Put LOG on another filesystem.\n"
		"Exit: 0 ok, 1 wrong data, 2 usage, 3 hung (watchdog), 4 I/O error.\n");
	exit(code);
}

static void *writer(void *arg)
{
	int t = (int)(long)arg;
	uint64_t rnd = wl_mix(t + 77 + (uint64_t)time(NULL));
	uint32_t nblk = chunk / WL_BLOCK, i;
	unsigned char *buf;
	char line[32];

	if (posix_memalign((void **)&buf, WL_BLOCK, WL_BLOCK))
		wl_die(WL_USAGE, "out of memory");
	while (!down) {
		uint64_t idx = __atomic_fetch_add(&next_idx, 1, __ATOMIC_RELAXED);
		uint64_t c, base, start;

		if (idx >= nchunks)
			break;
		c = perm[idx];
		base = c * chunk;
		start = wl_rand(&rnd) % nblk;
		for (i = 0; i < nblk && !down; i++) {
			uint64_t off = base + ((start + i * 7) % nblk) * WL_BLOCK;

			wl_fill(buf, off, 1, t);
			if (wl_pwrite_all(fd, buf, WL_BLOCK, off)) {
				__atomic_fetch_add(&write_errors, 1, __ATOMIC_RELAXED);
				goto out;
			}
		}
		if (down || fdatasync(fd))
			break;
		/*
		 * Durable, if fdatasync returned before the crash point. One
		 * that returns 0 once the shutdown has begun would never be
		 * seen returning after a real crash: logged as ambiguous ("a"),
		 * reported by verify but not held to durability.
		 */
		pthread_mutex_lock(&log_lock);
		snprintf(line, sizeof(line), "%s%llu\n",
			 __atomic_load_n(&crashing, __ATOMIC_SEQ_CST) ? "a " : "",
			 (unsigned long long)c);
		if (write(logfd, line, strlen(line)) != (ssize_t)strlen(line) ||
		    fdatasync(logfd))
			wl_die(WL_IO_ERROR, "log write: %s", strerror(errno));
		logged++;
		pthread_mutex_unlock(&log_lock);
		wl_watchdog_kick("writing chunks");
	}
out:
	free(buf);
	return NULL;
}

static int do_run(void)
{
	pthread_t tid[64];
	uint64_t i, rnd = wl_mix((uint64_t)time(NULL));
	uint32_t flags = WBG_GOING_FLAGS_NOLOGFLUSH;
	double t0;
	long t;

	fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		wl_die(WL_USAGE, "%s: %s", file, strerror(errno));
	logfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (logfd < 0)
		wl_die(WL_USAGE, "%s: %s", logpath, strerror(errno));
	if (fallocate(fd, 0, 0, size) || fsync(fd))
		wl_die(WL_USAGE, "fallocate %s: %s", file, strerror(errno));
	perm = malloc(nchunks * sizeof(*perm));
	for (i = 0; i < nchunks; i++)
		perm[i] = i;
	for (i = nchunks - 1; i > 0; i--) {
		uint64_t k = wl_rand(&rnd) % (i + 1), x = perm[i];

		perm[i] = perm[k];
		perm[k] = x;
	}
	wl_watchdog_start(120);
	t0 = wl_now();
	for (t = 0; t < threads; t++)
		if (pthread_create(&tid[t], NULL, writer, (void *)t))
			wl_die(WL_USAGE, "pthread_create failed");
	while (wl_now() - t0 < seconds && logged < nchunks * pct / 100)
		usleep(20000);
	if (!no_shutdown) {
		wl_watchdog_kick("shutting down");
		__atomic_store_n(&crashing, 1, __ATOMIC_SEQ_CST);
		if (ioctl(fd, EXT4_IOC_SHUTDOWN, &flags))
			wl_die(WL_USAGE, "EXT4_IOC_SHUTDOWN: %s", strerror(errno));
	}
	down = 1;
	for (t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	printf("ioend_crash run: %.1f s, chunks=%llu durable_logged=%llu started=%llu "
	       "write_errors_after_shutdown=%llu shutdown=%s\n",
	       wl_now() - t0, (unsigned long long)nchunks,
	       (unsigned long long)logged,
	       (unsigned long long)(next_idx < nchunks ? next_idx : nchunks),
	       (unsigned long long)write_errors, no_shutdown ? "no" : "yes");
	close(logfd);
	close(fd);
	return WL_OK;
}

static int do_verify(void)
{
	uint64_t cnt[4] = {0}, lost = 0, bad = 0, c, b, g, nlog = 0, namb = 0, amb_lost = 0;
	unsigned long long x;
	unsigned char *buf, *durable;
	FILE *l;

	fd = open(file, O_RDONLY);
	if (fd < 0)
		wl_die(WL_USAGE, "%s: %s", file, strerror(errno));
	size = lseek(fd, 0, SEEK_END);
	nchunks = size / chunk;
	durable = calloc(nchunks + 1, 1);
	l = fopen(logpath, "r");
	if (!l)
		wl_die(WL_USAGE, "%s: %s", logpath, strerror(errno));
	for (;;) {
		char tag[4] = "";
		bool amb;

		if (fscanf(l, " a %llu", &x) == 1) {
			amb = true;
		} else if (fscanf(l, "%llu", &x) == 1) {
			amb = false;
		} else {
			if (fscanf(l, "%3s", tag) == 1)
				wl_die(WL_USAGE, "%s: bad line", logpath);
			break;
		}
		if (x >= nchunks)
			wl_die(WL_BAD_DATA, "logged chunk %llu beyond the file (size %llu)",
			       x, (unsigned long long)size);
		durable[x] = amb ? 2 : 1;
		if (amb)
			namb++;
		else
			nlog++;
	}
	fclose(l);
	if (posix_memalign((void **)&buf, WL_BLOCK, chunk))
		wl_die(WL_USAGE, "out of memory");
	for (c = 0; c < nchunks; c++) {
		if (wl_pread_all(fd, buf, chunk, c * chunk))
			wl_die(WL_IO_ERROR, "read: %s", strerror(errno));
		for (b = 0; b < chunk / WL_BLOCK; b++) {
			uint64_t off = c * chunk + b * WL_BLOCK;
			enum wl_blk k = wl_check(buf + b * WL_BLOCK, off, &g);
			bool good = durable[c] == 1 ? k == WL_BLK_OK :
				    (k == WL_BLK_OK || k == WL_BLK_ZERO);

			cnt[k]++;
			if (durable[c] == 1 && k == WL_BLK_ZERO)
				lost++;
			if (durable[c] == 2 && k == WL_BLK_ZERO)
				amb_lost++;
			if (!good && bad++ < 10)
				fprintf(stderr, "offset %llu (chunk %llu, %s): %s\n",
					(unsigned long long)off, (unsigned long long)c,
					durable[c] == 1 ? "fdatasync'd" : "not synced",
					wl_blk_name[k]);
		}
	}
	printf("ioend_crash verify: chunks=%llu logged=%llu synced_during_shutdown=%llu "
	       "(blocks zero after remount: %llu) blocks ok=%llu zero=%llu "
	       "stale=%llu torn=%llu lost_after_fsync=%llu bad=%llu\n",
	       (unsigned long long)nchunks, (unsigned long long)nlog,
	       (unsigned long long)namb, (unsigned long long)amb_lost,
	       (unsigned long long)cnt[0], (unsigned long long)cnt[1],
	       (unsigned long long)cnt[2], (unsigned long long)cnt[3],
	       (unsigned long long)lost, (unsigned long long)bad);
	return bad ? WL_BAD_DATA : WL_OK;
}

int main(int argc, char **argv)
{
	bool run;
	int opt;

	if (argc < 2)
		usage(WL_USAGE);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		usage(0);
	if (!strcmp(argv[1], "run"))
		run = true;
	else if (!strcmp(argv[1], "verify"))
		run = false;
	else
		usage(WL_USAGE);
	optind = 2;
	while ((opt = getopt(argc, argv, "f:l:s:c:t:d:p:nh")) != -1) {
		switch (opt) {
		case 'f': file = optarg; break;
		case 'l': logpath = optarg; break;
		case 's': size = wl_size(optarg); break;
		case 'c': chunk = wl_size(optarg); break;
		case 't': threads = wl_long(optarg, 1, 64, "threads"); break;
		case 'd': seconds = wl_long(optarg, 0, 86400, "seconds"); break;
		case 'p': pct = wl_long(optarg, 1, 100, "percent"); break;
		case 'n': no_shutdown = true; break;
		case 'h': usage(0); break;
		default: usage(WL_USAGE);
		}
	}
	if (!file || !logpath || optind != argc)
		usage(WL_USAGE);
	if (!chunk || chunk % WL_BLOCK || !size || size % chunk)
		wl_die(WL_USAGE, "SIZE must be a multiple of CHUNK, CHUNK of 4096");
	nchunks = size / chunk;
	return run ? do_run() : do_verify();
}
