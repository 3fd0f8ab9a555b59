// SPDX-License-Identifier: GPL-2.0
/*
 * stable_dmapin: O_DIRECT reads into a MAP_SHARED mapping of a file while
 * that file is under writeback.
 *
 * A direct read pins its user buffer as the DMA target. When the buffer
 * is a shared mapping of a file, the pinned pages are that file's page
 * cache: the block layer marks them dirty before the I/O
 * (bio_set_pages_dirty()), the device writes into them, and completion
 * re-dirties those that writeback cleaned meanwhile
 * (bio_check_pages_dirty(), deferred to a work item). None of that waits
 * for writeback, so on a mapping that needs stable writes the folio
 * changes while it is under writeback -- what stable pages forbid.
 *
 *   reader thread:     each round rewrites the source file (O_DIRECT
 *                      write, generation = round) and reads it back with
 *                      O_DIRECT into the mapping of the target file, with
 *                      pread() or native AIO (-a: all chunks in flight at
 *                      once)
 *   writeback threads: sync_file_range(SYNC_FILE_RANGE_WRITE) over the
 *                      whole target file, then msync(MS_ASYNC), in a loop
 *
 * Every 4 KiB block carries the self-describing format of ioend_wl.h
 * (offset in the target file, generation), so the data landing in the
 * mapping differs from what is under writeback in every round.
 *
 * At the end the writeback threads stop, the target is fsync'd (the racing
 * rounds may leave re-dirtying work queued; fsync drains what is dirty),
 * and one last read lands in the mapping with no writeback in flight, so
 * its data is what the file must hold: checked through the mapping,
 * through pread() after fsync, and with -D also from the device (the
 * file's cache dropped with POSIX_FADV_DONTNEED, re-read with O_DIRECT).
 * A correct kernel passes these checks, fixed or not: the hole shows as a
 * device checksum or protection error, and in `wbguard stable` as S1.
 * With -k the last round starts, chunk by chunk, writeback of the chunk
 * while its AIO read is in flight, and nothing writes the file after it
 * (no fsync): each page's last writeback, the one the device keeps until
 * the file is written back again, raced with a read -- for a scrub to
 * look at. Only the mapping is checked.
 *
 * race_start_ns in the summary is CLOCK_MONOTONIC when the race began (the
 * clock of bpf_ktime_get_ns()), so a tracer's first report can be timed.
 *
 * Exit: 0 ok, 1 data check failed, 2 usage, 4 I/O error.
 */
#include "ioend_wl.h"
#include "wl_aio.h"
#include <sys/mman.h>
#include <sys/syscall.h>

static const char *target, *source;
static uint64_t size = 1 << 20, chunk = 64 << 10;
static double seconds = 5;
static long wb_threads = 1;
static bool use_aio, device_check, keep, quiet;

static unsigned char *map;
static int tfd, sfd_direct;
static volatile int stop;
static uint64_t wb_calls;	/* sync_file_range() calls, all threads */


static void usage(int code)
{
	fprintf(code ? stderr : stdout,
"Usage: stable_dmapin -f FILE [-s SOURCE] [-S SIZE] [-c CHUNK] [-t SECONDS]\n"
"                     [-w THREADS] [-a] [-D] [-k] [-q]\n"
"  -f FILE     target: mapped MAP_SHARED, the buffer of the direct reads (required)\n"
"  -s SOURCE   file read with O_DIRECT (default FILE.src); rewritten every round\n"
"  -S SIZE     bytes mapped and read per round (default 1M, multiple of 4K)\n"
"  -c CHUNK    bytes per read (default 64K, divides SIZE)\n"
"  -t SECONDS  racing time (default 5)\n"
"  -w THREADS  writeback threads: sync_file_range(WRITE) + msync(MS_ASYNC) (default 1)\n"
"  -a          native AIO: every chunk of a round in flight at once (default pread)\n"
"  -D          also check the device: drop the file's cache, re-read with O_DIRECT\n"
"  -k          end with each chunk's writeback racing its AIO read, then no fsync:\n"
"              the device keeps what that writeback wrote (for scrub); mapping checked only\n"
"  -q          only the summary line\n"
"Exit: 0 ok, 1 data check failed, 2 usage, 4 I/O error.\n");
	exit(code);
}

static void *writeback_fn(void *arg)
{
	uint64_t n = 0;

	(void)arg;
	while (!stop) {
		if (sync_file_range(tfd, 0, 0, SYNC_FILE_RANGE_WRITE) ||
		    msync(map, size, MS_ASYNC))
			wl_die(WL_IO_ERROR, "stable_dmapin: writeback: %s", strerror(errno));
		n++;
	}
	__atomic_fetch_add(&wb_calls, n, __ATOMIC_RELAXED);
	return NULL;
}

/* The source holds generation @gen, every block naming its target offset. */
static void write_source(unsigned char *buf, uint64_t gen)
{
	uint64_t off;
	int err;

	for (off = 0; off < size; off += WL_BLOCK)
		wl_fill(buf + off, off, gen, gen);
	err = wl_pwrite_all(sfd_direct, buf, size, 0);
	if (err)
		wl_die(WL_IO_ERROR, "stable_dmapin: write %s: %s", source, strerror(-err));
}

struct aio {
	aio_context_t ctx;
	struct iocb *cbs, **list;
	struct io_event *ev;
};

static void aio_init(struct aio *a)
{
	long n = size / chunk;

	a->cbs = calloc(n, sizeof(*a->cbs));
	a->list = calloc(n, sizeof(*a->list));
	a->ev = calloc(n, sizeof(*a->ev));
	if (!a->cbs || !a->list || !a->ev || io_setup_(n, &a->ctx))
		wl_die(WL_USAGE, "stable_dmapin: io_setup: %s", strerror(errno));
}

/* Every chunk of the source in flight into the mapping at once. */
static void aio_submit_all(struct aio *a)
{
	long n = size / chunk, i;

	for (i = 0; i < n; i++) {
		memset(&a->cbs[i], 0, sizeof(a->cbs[i]));
		a->cbs[i].aio_lio_opcode = IOCB_CMD_PREAD;
		a->cbs[i].aio_fildes = sfd_direct;
		a->cbs[i].aio_buf = (uint64_t)(uintptr_t)(map + i * chunk);
		a->cbs[i].aio_nbytes = chunk;
		a->cbs[i].aio_offset = i * chunk;
		a->list[i] = &a->cbs[i];
	}
	if (io_submit_(a->ctx, n, a->list) != n)
		wl_die(WL_IO_ERROR, "stable_dmapin: io_submit: %s", strerror(errno));
}

static void aio_reap_all(struct aio *a)
{
	long n = size / chunk, got, i;

	for (got = 0; got < n;) {
		long r = io_getevents_(a->ctx, 1, n - got, a->ev, NULL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			wl_die(WL_IO_ERROR, "stable_dmapin: io_getevents: %s", strerror(errno));
		for (i = 0; i < r; i++)
			if (a->ev[i].res != (int64_t)chunk)
				wl_die(WL_IO_ERROR, "stable_dmapin: AIO read into the mapping: %s",
				       a->ev[i].res < 0 ? strerror(-a->ev[i].res) : "short read");
		got += r;
	}
}

/*
 * One chunk: its AIO read in flight, then writeback of the same range
 * started behind it, then the read reaped. Pinning waits for writeback
 * (page_mkwrite), so the read must be submitted first.
 */
static void race_one_chunk(struct aio *a, long i)
{
	struct iocb *cb = &a->cbs[0];
	long r;

	memset(cb, 0, sizeof(*cb));
	cb->aio_lio_opcode = IOCB_CMD_PREAD;
	cb->aio_fildes = sfd_direct;
	cb->aio_buf = (uint64_t)(uintptr_t)(map + i * chunk);
	cb->aio_nbytes = chunk;
	cb->aio_offset = i * chunk;
	if (io_submit_(a->ctx, 1, &cb) != 1)
		wl_die(WL_IO_ERROR, "stable_dmapin: io_submit: %s", strerror(errno));
	if (sync_file_range(tfd, i * chunk, chunk, SYNC_FILE_RANGE_WRITE))
		wl_die(WL_IO_ERROR, "stable_dmapin: writeback: %s", strerror(errno));
	do
		r = io_getevents_(a->ctx, 1, 1, a->ev, NULL);
	while (r < 0 && errno == EINTR);
	if (r != 1 || a->ev[0].res != (int64_t)chunk)
		wl_die(WL_IO_ERROR, "stable_dmapin: AIO read into the mapping failed");
}

/* One direct read of the whole source into the mapping. */
static void read_into_map(struct aio *a)
{
	long n = size / chunk, i;
	int err;

	if (use_aio) {
		aio_submit_all(a);
		aio_reap_all(a);
		return;
	}
	for (i = 0; i < n; i++) {
		err = wl_pread_all(sfd_direct, map + i * chunk, chunk, i * chunk);
		if (err)
			wl_die(WL_IO_ERROR, "stable_dmapin: direct read into the mapping: %s",
			       strerror(-err));
	}
}

/* Blocks of @buf (target offsets 0..size) that do not hold generation @gen. */
static uint64_t check(const unsigned char *buf, uint64_t gen, const char *where)
{
	uint64_t off, g, bad = 0;
	enum wl_blk k;

	for (off = 0; off < size; off += WL_BLOCK) {
		k = wl_check(buf + off, off, &g);
		if (k == WL_BLK_OK && g == gen)
			continue;
		if (!bad && !quiet)
			fprintf(stderr, "stable_dmapin: %s: block at %llu is %s, generation %llu, want %llu\n",
				where, (unsigned long long)off, wl_blk_name[k],
				(unsigned long long)g, (unsigned long long)gen);
		bad++;
	}
	if (bad && !quiet)
		fprintf(stderr, "stable_dmapin: %s: %llu bad block(s)\n", where,
			(unsigned long long)bad);
	return bad;
}

static uint64_t check_file(int fd, uint64_t gen, const char *where)
{
	unsigned char *buf;
	uint64_t bad;
	int err;

	if (posix_memalign((void **)&buf, WL_BLOCK, size))
		wl_die(WL_USAGE, "stable_dmapin: out of memory");
	err = wl_pread_all(fd, buf, size, 0);
	if (err)
		wl_die(WL_IO_ERROR, "stable_dmapin: %s: read: %s", where, strerror(-err));
	bad = check(buf, gen, where);
	free(buf);
	return bad;
}

int main(int argc, char **argv)
{
	uint64_t round = 0, bad = 0, bytes = 0;
	pthread_t *wb;
	struct aio aio = {0};
	unsigned char *sbuf;
	char *src_name = NULL;
	double t0, t_end;
	struct timespec ts0;
	long i;
	int c, fd;

	while ((c = getopt(argc, argv, "f:s:S:c:t:w:aDkqh")) != -1) {
		switch (c) {
		case 'f': target = optarg; break;
		case 's': source = optarg; break;
		case 'S': size = wl_size(optarg); break;
		case 'c': chunk = wl_size(optarg); break;
		case 't': seconds = wl_long(optarg, 0, 86400, "seconds"); break;
		case 'w': wb_threads = wl_long(optarg, 0, 64, "writeback thread count"); break;
		case 'a': use_aio = true; break;
		case 'D': device_check = true; break;
		case 'k': keep = true; break;
		case 'q': quiet = true; break;
		case 'h': usage(0); break;
		default: usage(WL_USAGE);
		}
	}
	if (optind != argc || !target)
		usage(WL_USAGE);
	if (!size || size % WL_BLOCK || !chunk || chunk % WL_BLOCK || size % chunk ||
	    size / chunk > 4096)
		wl_die(WL_USAGE, "stable_dmapin: SIZE and CHUNK must be multiples of 4K, "
		       "CHUNK dividing SIZE into at most 4096 reads");
	if (keep && device_check)
		wl_die(WL_USAGE, "stable_dmapin: -k and -D exclude each other");
	if (!source) {
		if (asprintf(&src_name, "%s.src", target) < 0)
			wl_die(WL_USAGE, "stable_dmapin: out of memory");
		source = src_name;
	}

	tfd = open(target, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (tfd < 0 || ftruncate(tfd, size))
		wl_die(WL_USAGE, "stable_dmapin: %s: %s", target, strerror(errno));
	sfd_direct = open(source, O_RDWR | O_CREAT | O_TRUNC | O_DIRECT, 0644);
	if (sfd_direct < 0)
		wl_die(WL_USAGE, "stable_dmapin: %s (O_DIRECT): %s", source, strerror(errno));
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, tfd, 0);
	if (map == MAP_FAILED)
		wl_die(WL_USAGE, "stable_dmapin: mmap %s: %s", target, strerror(errno));
	if (posix_memalign((void **)&sbuf, WL_BLOCK, size))
		wl_die(WL_USAGE, "stable_dmapin: out of memory");
	if (use_aio || keep)
		aio_init(&aio);

	/* Round 1 before the race: every page exists and is dirty. */
	write_source(sbuf, ++round);
	read_into_map(&aio);
	bytes += size;

	wb = calloc(wb_threads ? wb_threads : 1, sizeof(*wb));
	for (i = 0; i < wb_threads; i++)
		if (pthread_create(&wb[i], NULL, writeback_fn, NULL))
			wl_die(WL_USAGE, "stable_dmapin: cannot start a writeback thread");
	clock_gettime(CLOCK_MONOTONIC, &ts0);	/* wl_now()'s clock */
	t0 = ts0.tv_sec + ts0.tv_nsec / 1e9;
	do {
		write_source(sbuf, ++round);
		read_into_map(&aio);
		bytes += size;
	} while (wl_now() - t0 < seconds);
	t_end = wl_now();
	stop = 1;
	for (i = 0; i < wb_threads; i++)
		pthread_join(wb[i], NULL);

	if (!keep) {
		/*
		 * Drain what the race left dirty, then the last read lands
		 * with nothing under writeback: its data is what must be in
		 * the file.
		 */
		if (fsync(tfd))
			wl_die(WL_IO_ERROR, "stable_dmapin: fsync: %s", strerror(errno));
		write_source(sbuf, ++round);
		read_into_map(&aio);
	} else {
		/*
		 * The last round races each chunk on its own: its read in
		 * flight, then writeback of that range, then nothing writes
		 * the file again before the process exits (no fsync). Each
		 * chunk's last writeback on the device is one that raced
		 * with a read, whenever the writeback threads happened to
		 * stop. (btrfs scrub found checksum errors after the
		 * racing rounds alone in 3 of 24 runs; after one writeback
		 * of the whole file behind all reads in ~1 of 3; chunk by
		 * chunk in 17 of 20.)
		 */
		write_source(sbuf, ++round);
		for (i = 0; i < (long)(size / chunk); i++)
			race_one_chunk(&aio, i);
	}
	bytes += size;
	bad += check(map, round, "mapping");
	if (!keep) {
		if (fsync(tfd))
			wl_die(WL_IO_ERROR, "stable_dmapin: fsync: %s", strerror(errno));
		bad += check_file(tfd, round, "pread after fsync");
	}
	if (device_check) {
		munmap(map, size);
		if (posix_fadvise(tfd, 0, size, POSIX_FADV_DONTNEED))
			wl_die(WL_IO_ERROR, "stable_dmapin: fadvise: %s", strerror(errno));
		fd = open(target, O_RDONLY | O_DIRECT);
		if (fd < 0)
			wl_die(WL_IO_ERROR, "stable_dmapin: %s (O_DIRECT): %s", target,
			       strerror(errno));
		bad += check_file(fd, round, "O_DIRECT re-read");
		close(fd);
	}
	if (use_aio || keep)
		io_destroy_(aio.ctx);

	printf("stable_dmapin: rounds=%llu racing_seconds=%.1f bytes_read=%llu size=%llu "
	       "chunk=%llu io=%s writeback_threads=%ld sync_file_range_calls=%llu "
	       "final=%s race_start_ns=%llu bad_blocks=%llu result=%s\n",
	       (unsigned long long)round, t_end - t0, (unsigned long long)bytes,
	       (unsigned long long)size, (unsigned long long)chunk,
	       use_aio ? "aio" : "pread", wb_threads, (unsigned long long)wb_calls,
	       keep ? "racing,no-fsync" : device_check ? "quiet+device" : "quiet",
	       (unsigned long long)ts0.tv_sec * 1000000000ull + ts0.tv_nsec,
	       (unsigned long long)bad, bad ? "fail" : "ok");
	free(src_name);
	return bad ? WL_BAD_DATA : WL_OK;
}
