// SPDX-License-Identifier: GPL-2.0
/*
 * stable_repro: rewrite pages while they are under writeback.
 *
 * Several processes keep rewriting small records of one file and force
 * writeback of the page they just touched, so that another process's
 * writeback of the same page is often in flight while a record on it
 * changes. On a device that needs stable pages the kernel must make the
 * writers wait; on others the page simply changes under I/O.
 *
 *   pwrite writers:  pwrite() a record, sync_file_range(WAIT_BEFORE |
 *                    WRITE | WAIT_AFTER) on its page
 *   mmap writers:    store a record through a MAP_SHARED mapping,
 *                    msync(MS_SYNC) its page
 *   direct writers:  O_DIRECT block writes to a region of their own
 *
 * Every record slot belongs to one writer, which remembers what it wrote
 * last; at the end each writer reads its slots back and the parent checks
 * every record of the file, so lost or torn data is reported.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define REC_MAGIC 0x57424752u	/* "WBGR" */
#define PAGE 4096
#define DIRECT_BLOCK 4096
#define DIRECT_BLOCKS_PER_WRITER 64

struct record {
	uint32_t magic;
	uint32_t writer;
	uint64_t slot;
	uint64_t seq;
	uint32_t sum;		/* over the fields above and the payload */
	uint32_t pad;
	unsigned char payload[];	/* fills the rest of the record */
};

enum kind { K_PWRITE, K_MMAP, K_DIRECT };

struct stats {			/* one per writer, in shared memory */
	uint64_t ops;
	uint64_t syncs;
	uint64_t verify_errors;
	int failed;		/* a system call failed */
};

static struct opts {
	const char *file;
	uint64_t size;
	unsigned int rec;
	int pwriters, mwriters, dwriters;
	double seconds;
	uint64_t max_ops;
	uint64_t seed;
	uint64_t fsync_every;
	unsigned int sfr_flags;
	bool quiet;
} o = {
	.size = 1 << 20, .rec = 64, .pwriters = 4, .mwriters = 1,
	.seconds = 5, .seed = 1,
	.sfr_flags = SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
		     SYNC_FILE_RANGE_WAIT_AFTER,
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: stable_repro -f FILE [options]\n"
"  -f FILE    file to create and rewrite (required)\n"
"  -S BYTES   size of the buffered region (default 1048576, multiple of 4096)\n"
"  -r BYTES   record size (default 64; 32..4096, divides 4096)\n"
"  -w N       pwrite + sync_file_range writers (default 4)\n"
"  -m N       mmap + msync writers (default 1)\n"
"  -D N       O_DIRECT writers on a region of their own (default 0)\n"
"  -t SECS    run time (default 5)\n"
"  -n OPS     stop each writer after OPS operations (default: no limit)\n"
"  -F N       fdatasync every N operations (default: never)\n"
"  -s SEED    random seed (default 1)\n"
"  -y MODE    sync_file_range flags: wait (WAIT_BEFORE|WRITE|WAIT_AFTER,\n"
"             default) or write (WRITE only: start writeback, do not wait)\n"
"  -q         only the summary line\n"
"Exit: 0 data verified, 1 data mismatch or I/O error, 2 usage.\n");
}

static uint64_t parse_u64(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s || *s == '-') {
		fprintf(stderr, "stable_repro: invalid %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

static double parse_seconds(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (*end || end == s || !(v > 0 && v <= 86400)) {
		fprintf(stderr, "stable_repro: invalid time '%s'\n", s);
		exit(2);
	}
	return v;
}

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint32_t checksum(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static void fill_record(struct record *r, uint32_t writer, uint64_t slot,
			uint64_t seq)
{
	size_t plen = o.rec - sizeof(*r);
	size_t i;

	r->magic = REC_MAGIC;
	r->writer = writer;
	r->slot = slot;
	r->seq = seq;
	r->pad = 0;
	for (i = 0; i < plen; i++)
		r->payload[i] = (unsigned char)(seq * 131 + i * 7 + writer);
	r->sum = 0;
	r->sum = checksum((const unsigned char *)r, o.rec);
}

/* 0 ok, -1 torn or foreign record. An all-zero slot was never written. */
static int check_record(const struct record *r, uint64_t slot, int nwriters)
{
	struct record *copy;
	uint32_t sum;
	int ok;

	if (r->magic == 0 && r->seq == 0 && r->sum == 0)
		return 0;
	copy = malloc(o.rec);
	memcpy(copy, r, o.rec);
	copy->sum = 0;
	sum = checksum((const unsigned char *)copy, o.rec);
	ok = r->magic == REC_MAGIC && r->slot == slot && sum == r->sum &&
	     r->writer == slot % (uint64_t)nwriters;
	free(copy);
	return ok ? 0 : -1;
}

static void sync_page(int fd, uint64_t off, struct stats *st)
{
	off &= ~(uint64_t)(PAGE - 1);
	if (sync_file_range(fd, off, PAGE, o.sfr_flags))
		st->failed = errno;
	st->syncs++;
}

static void writer(int id, enum kind kind, struct stats *st)
{
	int nwriters = o.pwriters + o.mwriters;
	uint64_t nslots = o.size / o.rec;
	uint64_t mine = (nslots + nwriters - 1 - id) / nwriters;
	uint64_t rng = o.seed * 0x9e3779b97f4a7c15ull + id + 1;
	uint64_t *last = calloc(mine ? mine : 1, sizeof(*last));
	struct record *rec = malloc(o.rec);
	unsigned char *map = NULL;
	void *blk = NULL;
	double end = now_s() + o.seconds;
	int fd, flags = O_RDWR;
	uint64_t k, slot, off;

	if (kind == K_DIRECT)
		flags |= O_DIRECT;
	fd = open(o.file, flags);
	if (fd < 0) {
		st->failed = errno;
		return;
	}
	if (kind == K_MMAP) {
		map = mmap(NULL, o.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (map == MAP_FAILED) {
			st->failed = errno;
			return;
		}
	}
	if (kind == K_DIRECT && posix_memalign(&blk, DIRECT_BLOCK, DIRECT_BLOCK)) {
		st->failed = ENOMEM;
		return;
	}

	while ((!o.max_ops || st->ops < o.max_ops) && now_s() < end) {
		if (kind == K_DIRECT) {
			/* Region after the buffered one; not verified per slot. */
			k = xorshift(&rng) % DIRECT_BLOCKS_PER_WRITER;
			off = o.size + ((uint64_t)(id - nwriters) *
					DIRECT_BLOCKS_PER_WRITER + k) * DIRECT_BLOCK;
			memset(blk, (int)(st->ops & 0xff), DIRECT_BLOCK);
			if (pwrite(fd, blk, DIRECT_BLOCK, off) != DIRECT_BLOCK)
				st->failed = errno ? errno : EIO;
		} else if (mine) {
			k = xorshift(&rng) % mine;
			slot = k * nwriters + id;
			off = slot * o.rec;
			fill_record(rec, id, slot, ++last[k]);
			if (kind == K_PWRITE) {
				if (pwrite(fd, rec, o.rec, off) != (ssize_t)o.rec)
					st->failed = errno ? errno : EIO;
				sync_page(fd, off, st);
			} else {
				memcpy(map + off, rec, o.rec);
				if (msync(map + (off & ~(uint64_t)(PAGE - 1)), PAGE,
					  MS_SYNC))
					st->failed = errno;
				st->syncs++;
			}
		}
		st->ops++;
		if (o.fsync_every && st->ops % o.fsync_every == 0 && fdatasync(fd))
			st->failed = errno;
		if (st->failed)
			break;
	}

	/* Read back what this writer owns: the last record it wrote. */
	for (k = 0; kind != K_DIRECT && k < mine; k++) {
		slot = k * nwriters + id;
		if (pread(fd, rec, o.rec, slot * o.rec) != (ssize_t)o.rec ||
		    check_record(rec, slot, nwriters) || rec->seq != last[k])
			st->verify_errors++;
	}
	if (map)
		munmap(map, o.size);
	close(fd);
}

/* The parent's pass over the whole buffered region, after all writers. */
static uint64_t verify_file(void)
{
	int nwriters = o.pwriters + o.mwriters;
	struct record *rec = malloc(o.rec);
	uint64_t slot, bad = 0;
	int fd = open(o.file, O_RDONLY);

	if (fd < 0)
		return 1;
	if (fsync(fd) && errno != EINVAL)
		bad++;
	for (slot = 0; slot < o.size / o.rec; slot++)
		if (pread(fd, rec, o.rec, slot * o.rec) != (ssize_t)o.rec ||
		    check_record(rec, slot, nwriters))
			bad++;
	close(fd);
	free(rec);
	return bad;
}

int main(int argc, char **argv)
{
	int total, i, c, fd;
	struct stats *st, sum = {0};
	double t0, secs;
	uint64_t file_bad;
	int failed = 0;

	while ((c = getopt(argc, argv, "f:S:r:w:m:D:t:n:F:s:y:qh")) != -1) {
		switch (c) {
		case 'f': o.file = optarg; break;
		case 'S': o.size = parse_u64(optarg, "size"); break;
		case 'r': o.rec = parse_u64(optarg, "record size"); break;
		case 'w': o.pwriters = parse_u64(optarg, "writer count"); break;
		case 'm': o.mwriters = parse_u64(optarg, "mmap writer count"); break;
		case 'D': o.dwriters = parse_u64(optarg, "direct writer count"); break;
		case 't': o.seconds = parse_seconds(optarg); break;
		case 'n': o.max_ops = parse_u64(optarg, "operation count"); break;
		case 'F': o.fsync_every = parse_u64(optarg, "fsync interval"); break;
		case 's': o.seed = parse_u64(optarg, "seed"); break;
		case 'q': o.quiet = true; break;
		case 'y':
			if (!strcmp(optarg, "write"))
				o.sfr_flags = SYNC_FILE_RANGE_WRITE;
			else if (strcmp(optarg, "wait")) {
				fprintf(stderr, "stable_repro: -y takes wait or write\n");
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !o.file) {
		fprintf(stderr, "stable_repro: %s\n", o.file ? "unexpected argument" :
			"-f FILE is required");
		usage(stderr);
		return 2;
	}
	if (o.rec < sizeof(struct record) || o.rec > PAGE || PAGE % o.rec ||
	    !o.size || o.size % PAGE || o.seconds <= 0 || o.seconds > 86400 ||
	    o.pwriters + o.mwriters + o.dwriters == 0 ||
	    o.pwriters > 256 || o.mwriters > 256 || o.dwriters > 256) {
		fprintf(stderr, "stable_repro: bad sizes, counts or time (see -h)\n");
		return 2;
	}

	fd = open(o.file, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		fprintf(stderr, "stable_repro: %s: %s\n", o.file, strerror(errno));
		return 2;
	}
	if (ftruncate(fd, o.size + (uint64_t)o.dwriters *
		      DIRECT_BLOCKS_PER_WRITER * DIRECT_BLOCK) || fsync(fd)) {
		fprintf(stderr, "stable_repro: %s: %s\n", o.file, strerror(errno));
		return 2;
	}
	close(fd);

	total = o.pwriters + o.mwriters + o.dwriters;
	st = mmap(NULL, sizeof(*st) * total, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED)
		return 2;
	memset(st, 0, sizeof(*st) * total);

	t0 = now_s();
	for (i = 0; i < total; i++) {
		enum kind kind = i < o.pwriters ? K_PWRITE :
				 i < o.pwriters + o.mwriters ? K_MMAP : K_DIRECT;
		pid_t pid = fork();

		if (pid < 0) {
			perror("stable_repro: fork");
			return 1;
		}
		if (pid == 0) {
			writer(i, kind, &st[i]);
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
	secs = now_s() - t0;
	file_bad = verify_file();

	for (i = 0; i < total; i++) {
		sum.ops += st[i].ops;
		sum.syncs += st[i].syncs;
		sum.verify_errors += st[i].verify_errors;
		if (st[i].failed) {
			failed++;
			if (!o.quiet)
				fprintf(stderr, "stable_repro: writer %d: %s\n", i,
					strerror(st[i].failed));
		}
	}
	printf("stable_repro: writers=%d+%d+%d seconds=%.2f ops=%llu syncs=%llu "
	       "verify_errors=%llu bad_records=%llu io_errors=%d seed=%llu\n",
	       o.pwriters, o.mwriters, o.dwriters, secs,
	       (unsigned long long)sum.ops, (unsigned long long)sum.syncs,
	       (unsigned long long)sum.verify_errors,
	       (unsigned long long)file_bad, failed,
	       (unsigned long long)o.seed);
	return sum.verify_errors || file_bad || failed ? 1 : 0;
}
