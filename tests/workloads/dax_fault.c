// SPDX-License-Identifier: GPL-2.0
/*
 * dax_fault: page faults into unwritten extents and holes, then a data check.
 *
 * Made for ext4/xfs on a pmem device mounted -o dax (it also runs on any
 * filesystem with fallocate, where the page cache stands in for DAX).
 * The file is laid out in 2 MiB regions (the PMD size), in order:
 *
 *   0  PTE     unwritten: per 4 KiB page, full write / 64-byte partial write /
 *              read fault only / untouched, in turn (MADV_NOHUGEPAGE: PTE
 *              faults only; so are regions 4-6)
 *   1  PMD-W   unwritten: the whole 2 MiB written, first store at its start
 *   2  PMD-R   unwritten: read faults only
 *   3  PMD-P   unwritten: one store at the start and one page at 1 MiB,
 *              the rest of the huge page must read zeros
 *   4,5 RACE   unwritten: writers fault pages in while a racer punches holes
 *              and truncates into the region (then restores the size)
 *   6  HOLE    hole: read faults, then every other page written
 *   7  HOLE-PMD hole: read faults over the whole region, then every 8th page
 *
 * Regions 0-5 are fallocated (unwritten extents); 6-7 are holes. Before
 * that, a junk file fills the free space with a recognizable pattern and
 * is deleted, so that a write fault mapping an unwritten block without
 * zeroing it shows stale bytes. Checks, through pread() (on DAX the
 * media itself) and, before unmapping, through the mapping:
 *   - written bytes read back; bytes never written read zeros (partial
 *     pages, untouched pages, the rest of a huge page): no stale data;
 *   - race pages hold, byte for byte, the pattern or zeros;
 *   - FIEMAP reports every written page as written, not unwritten.
 * --verify-only repeats the pread/FIEMAP checks on an existing file (after
 * a remount), with the same --size and --seed.
 *
 * Exit: 0 all checks passed, 1 a check failed, 2 usage or setup error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

#define PG 4096ul
#define HPG (2ul << 20)
#define NREG 8
#define PG_PER_HPG (HPG / PG)
#define MAX_ERRS 20

enum region { R_PTE, R_PMD_W, R_PMD_R, R_PMD_P, R_RACE0, R_RACE1, R_HOLE,
	      R_HOLE_PMD };
static const char *const region_name[NREG] = {
	"pte", "pmd-write", "pmd-read", "pmd-partial", "race", "race",
	"hole", "hole-pmd",
};

/* What a page is expected to hold. */
enum expect {
	E_ZERO,		/* never written: zeros */
	E_FULL,		/* the whole page holds the pattern */
	E_PARTIAL,	/* the first PARTIAL_LEN bytes hold the pattern, then zeros */
	E_RACE,		/* each byte: the pattern or zero */
};
#define PARTIAL_LEN 64

static struct {
	const char *file;
	uint64_t seed;
	bool verify_only;
	bool no_race;
	bool no_prefill;
	bool require_dax;
	bool quiet;
	double race_s;
	int writers;
} o = { .seed = 1, .race_s = 1.0, .writers = 2 };

static const uint64_t fsize = NREG * HPG;

static struct {
	uint64_t pte_write_pages, pte_read_pages;
	uint64_t pmd_write_regions, pmd_read_regions;
	uint64_t hole_read_pages, hole_write_pages;
	uint64_t race_writes, race_sigbus, punches, truncates;
	uint64_t stale_reused_pages;	/* fallocated pages on junk blocks */
	uint64_t errors;
	uint64_t missing;		/* pages whose written data reads zeros */
	uint64_t stale;			/* pages showing junk from freed blocks */
	uint64_t wrong;			/* other bad content */
	uint64_t unwritten;		/* written pages in UNWRITTEN extents */
	uint64_t sigbus;
	bool map_sync, dax;
	long pmd_mapped_kb;
} st;

static void err_at(const char *what, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void err_at(const char *what, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	if (st.errors++ >= MAX_ERRS)
		return;
	fprintf(stderr, "dax_fault: %s at offset %#llx (%s): ", what,
		(unsigned long long)off, region_name[off / HPG % NREG]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "dax_fault: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (errno)
		fprintf(stderr, ": %s", strerror(errno));
	fputc('\n', stderr);
	exit(2);
}

/* Pattern byte for one file offset: never zero, depends on the seed. */
static void fill_page(unsigned char *buf, uint64_t pgidx)
{
	uint64_t x = (o.seed * 0x9e3779b97f4a7c15ull) ^ (pgidx * 0xbf58476d1ce4e5b9ull) ^ 0x5157;
	size_t i;

	for (i = 0; i < PG; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = 1 + (x >> 32) % 255;
	}
}

static const char junk_str[8] = { 'W', 'B', 'G', 'S', 'T', 'A', 'L', 'E' };

static bool looks_stale(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i + 8 <= n; i += 8)
		if (!memcmp(p + i, junk_str, 8))
			return true;
	return false;
}

/* The layout: what each page holds after a complete run. */
static enum expect page_expect(uint64_t pg)
{
	uint64_t reg = pg / PG_PER_HPG, i = pg % PG_PER_HPG;

	switch (reg) {
	case R_PTE:
		return i % 4 == 0 ? E_FULL : i % 4 == 1 ? E_PARTIAL : E_ZERO;
	case R_PMD_W:
		return E_FULL;
	case R_PMD_R:
		return E_ZERO;
	case R_PMD_P:
		return i == 0 ? E_PARTIAL : i == PG_PER_HPG / 2 ? E_FULL : E_ZERO;
	case R_RACE0:
	case R_RACE1:
		return o.no_race ? E_FULL : E_RACE;
	case R_HOLE:
		return i % 2 == 0 ? E_FULL : E_ZERO;
	case R_HOLE_PMD:
		return i % 8 == 0 ? E_FULL : E_ZERO;
	}
	return E_ZERO;
}

/* ---- faults with SIGBUS caught ------------------------------------------------ */

static __thread sigjmp_buf *volatile fault_jmp;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	if (fault_jmp)
		siglongjmp(*fault_jmp, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Copy into the mapping; false if the access raised SIGBUS. */
static bool store(void *dst, const void *src, size_t n)
{
	sigjmp_buf jb;
	bool ok = true;

	if (sigsetjmp(jb, 1))
		ok = false;
	else {
		fault_jmp = &jb;
		asm volatile("" ::: "memory");
		memcpy(dst, src, n);
		asm volatile("" ::: "memory");
	}
	fault_jmp = NULL;
	return ok;
}

/* Read-fault every page of [p, p+n): touch one byte of each. */
static bool load(const volatile unsigned char *p, size_t n, unsigned *sum)
{
	sigjmp_buf jb;
	bool ok = true;
	size_t i;

	if (sigsetjmp(jb, 1))
		ok = false;
	else {
		fault_jmp = &jb;
		for (i = 0; i < n; i += PG)
			*sum += p[i];
	}
	fault_jmp = NULL;
	return ok;
}

/* ---- FIEMAP ---------------------------------------------------------------- */

struct extents {
	struct fiemap *fm;
};

static struct fiemap *get_fiemap(int fd, uint64_t start, uint64_t len)
{
	unsigned int n = 4096;
	struct fiemap *fm = calloc(1, sizeof(*fm) + n * sizeof(struct fiemap_extent));

	if (!fm)
		die("out of memory");
	fm->fm_start = start;
	fm->fm_length = len;
	fm->fm_flags = FIEMAP_FLAG_SYNC;
	fm->fm_extent_count = n;
	if (ioctl(fd, FS_IOC_FIEMAP, fm))
		die("FIEMAP");
	return fm;
}

/* The extent covering @off, or NULL (a hole). */
static const struct fiemap_extent *extent_at(const struct fiemap *fm, uint64_t off)
{
	unsigned int i;

	for (i = 0; i < fm->fm_mapped_extents; i++) {
		const struct fiemap_extent *e = &fm->fm_extents[i];

		if (off >= e->fe_logical && off < e->fe_logical + e->fe_length)
			return e;
	}
	return NULL;
}

/* ---- checks ------------------------------------------------------------------ */

static void bad(bool stale)
{
	if (stale)
		st.stale++;
	else
		st.wrong++;
}

/* Check one page's content @got (PG bytes) against the layout. */
static void check_page(const char *via, uint64_t pg, const unsigned char *got)
{
	unsigned char want[PG];
	enum expect e = page_expect(pg);
	uint64_t off = pg * PG;
	size_t i;

	fill_page(want, pg);
	switch (e) {
	case E_ZERO:
		for (i = 0; i < PG && !got[i]; i++)
			;
		if (i < PG) {
			bad(looks_stale(got, PG));
			err_at(via, off + i, "untouched page not zero%s",
			       looks_stale(got, PG) ? ": STALE data from a freed block" : "");
		}
		break;
	case E_FULL:
	case E_PARTIAL: {
		size_t n = e == E_FULL ? PG : PARTIAL_LEN;

		if (memcmp(got, want, n)) {
			for (i = 0; i < n && got[i] == want[i]; i++)
				;
			if (got[i] == 0)
				st.missing++;
			else
				bad(looks_stale(got, PG));
			err_at(via, off + i, "written data %s",
			       got[i] == 0 ? "missing (reads zeros)" : "wrong");
			break;
		}
		for (i = n; i < PG && !got[i]; i++)
			;
		if (i < PG) {
			bad(looks_stale(got + n, PG - n));
			err_at(via, off + i, "unwritten rest of a written page not zero%s",
			       looks_stale(got + n, PG - n) ? ": STALE data from a freed block" : "");
		}
		break;
	}
	case E_RACE:
		for (i = 0; i < PG; i++)
			if (got[i] && got[i] != want[i])
				break;
		if (i < PG) {
			bad(looks_stale(got, PG));
			err_at(via, off + i, "race page holds neither pattern nor zeros%s",
			       looks_stale(got, PG) ? ": STALE data from a freed block" : "");
		}
		break;
	}
}

static bool page_has_data(uint64_t pg, const unsigned char *got)
{
	enum expect e = page_expect(pg);
	size_t i;

	if (e == E_FULL || e == E_PARTIAL)
		return true;
	if (e == E_RACE)
		for (i = 0; i < PG; i++)
			if (got[i])
				return true;
	return false;
}

static void verify_file(int fd)
{
	unsigned char *buf = malloc(HPG);
	struct fiemap *fm;
	struct stat sb;
	uint64_t pg, reg, unwr = 0, holes = 0;

	if (!buf)
		die("out of memory");
	if (fstat(fd, &sb))
		die("fstat");
	if ((uint64_t)sb.st_size != fsize) {
		err_at("size", sb.st_size, "file size %lld, want %llu",
		       (long long)sb.st_size, (unsigned long long)fsize);
		free(buf);
		return;
	}
	fm = get_fiemap(fd, 0, fsize);
	for (reg = 0; reg < NREG; reg++) {
		ssize_t n = pread(fd, buf, HPG, reg * HPG);

		if (n != (ssize_t)HPG)
			die("pread region %llu: %zd", (unsigned long long)reg, n);
		for (pg = reg * PG_PER_HPG; pg < (reg + 1) * PG_PER_HPG; pg++) {
			const unsigned char *got = buf + (pg % PG_PER_HPG) * PG;
			const struct fiemap_extent *e;

			check_page("pread", pg, got);
			if (!page_has_data(pg, got))
				continue;
			e = extent_at(fm, pg * PG);
			if (!e) {
				holes++;
				err_at("fiemap", pg * PG, "written page is a hole");
			} else if (e->fe_flags & FIEMAP_EXTENT_UNWRITTEN) {
				unwr++;
				st.unwritten++;
				err_at("fiemap", pg * PG, "written page still in an UNWRITTEN extent");
			}
		}
	}
	if (!o.quiet)
		printf("dax_fault: verify: %u extents, written pages in unwritten extents %llu, in holes %llu\n",
		       fm->fm_mapped_extents, (unsigned long long)unwr,
		       (unsigned long long)holes);
	free(fm);
	free(buf);
}

/* ---- setup ------------------------------------------------------------------- */

/* Fill free space with junk, note its blocks, delete it. */
static struct fiemap *prefill(const char *path)
{
	char junk_path[4096];
	unsigned char *buf = malloc(HPG);
	struct fiemap *fm;
	uint64_t off, size = fsize * 2;
	int fd;
	size_t i;

	if (!buf)
		die("out of memory");
	for (i = 0; i < HPG; i++)
		buf[i] = junk_str[i % 8];
	snprintf(junk_path, sizeof(junk_path), "%s.junk", path);
	fd = open(junk_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("create %s", junk_path);
	for (off = 0; off < size; off += HPG)
		if (pwrite(fd, buf, HPG, off) != (ssize_t)HPG)
			die("write junk");
	if (fsync(fd))
		die("fsync junk");
	fm = get_fiemap(fd, 0, size);
	close(fd);
	if (unlink(junk_path))
		die("unlink junk");
	sync();		/* freed blocks are reusable once the journal commits */
	free(buf);
	return fm;
}

static uint64_t count_reused(int fd, const struct fiemap *junk)
{
	struct fiemap *fm = get_fiemap(fd, 0, fsize);
	uint64_t n = 0, pg;
	unsigned int j;

	for (pg = 0; pg < fsize / PG; pg++) {
		const struct fiemap_extent *e = extent_at(fm, pg * PG);
		uint64_t phys;

		if (!e)
			continue;
		phys = e->fe_physical + (pg * PG - e->fe_logical);
		for (j = 0; j < junk->fm_mapped_extents; j++) {
			const struct fiemap_extent *je = &junk->fm_extents[j];

			if (phys >= je->fe_physical &&
			    phys < je->fe_physical + je->fe_length) {
				n++;
				break;
			}
		}
	}
	free(fm);
	return n;
}

/* A 2 MiB aligned mapping of the whole file, MAP_SYNC if the fs allows. */
static unsigned char *map_file(int fd)
{
	unsigned char *resv, *base, *p;

	resv = mmap(NULL, fsize + HPG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (resv == MAP_FAILED)
		die("mmap reserve");
	base = (unsigned char *)(((uintptr_t)resv + HPG - 1) & ~(HPG - 1));
	p = mmap(base, fsize, PROT_READ | PROT_WRITE,
		 MAP_SHARED_VALIDATE | MAP_SYNC | MAP_FIXED, fd, 0);
	if (p != MAP_FAILED) {
		st.map_sync = true;
	} else {
		if (errno != EOPNOTSUPP && errno != EINVAL)
			die("mmap MAP_SYNC");
		p = mmap(base, fsize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			 fd, 0);
		if (p == MAP_FAILED)
			die("mmap");
	}
	/*
	 * Regions meant for PTE faults must not get a PMD fault first: the
	 * first touch of a 2 MiB aligned range of a DAX file tries a PMD.
	 * VM_NOHUGEPAGE makes those ranges PTE only.
	 */
	if (madvise(p + R_PTE * HPG, HPG, MADV_NOHUGEPAGE) ||
	    madvise(p + R_RACE0 * HPG, 3 * HPG, MADV_NOHUGEPAGE))
		die("madvise(MADV_NOHUGEPAGE)");
	/* give back the slack around the aligned window */
	if (base > resv)
		munmap(resv, base - resv);
	if (resv + fsize + HPG > base + fsize)
		munmap(base + fsize, resv + fsize + HPG - (base + fsize));
	return p;
}

static bool is_dax(const char *path)
{
	struct statx sx;

	if (statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &sx))
		return false;
	return (sx.stx_attributes_mask & STATX_ATTR_DAX) &&
	       (sx.stx_attributes & STATX_ATTR_DAX);
}

/* FilePmdMapped of the mapping at @addr, from /proc/self/smaps (-1: n/a). */
static long pmd_mapped_kb(const void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	bool in = false;
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			in = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
			continue;
		}
		if (in && sscanf(line, "FilePmdMapped: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/* ---- the fault phases ---------------------------------------------------------- */

static void write_page(unsigned char *map, uint64_t pg, size_t len)
{
	unsigned char buf[PG];

	fill_page(buf, pg);
	if (!store(map + pg * PG, buf, len)) {
		st.sigbus++;
		err_at("fault", pg * PG, "SIGBUS on a write fault");
	}
}

static void read_pages(unsigned char *map, uint64_t pg, uint64_t npg, unsigned *sum)
{
	if (!load(map + pg * PG, npg * PG, sum)) {
		st.sigbus++;
		err_at("fault", pg * PG, "SIGBUS on a read fault");
	}
}

struct race {
	unsigned char *map;
	int fd;
	volatile int stop;
	unsigned int id;
	uint64_t writes, sigbus;
};

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void *race_writer(void *arg)
{
	struct race *r = arg;
	uint64_t s = o.seed * 7919 + r->id + 1, first = R_RACE0 * PG_PER_HPG;
	unsigned char buf[PG];

	while (!r->stop) {
		uint64_t pg = first + rnd(&s) % (2 * PG_PER_HPG);

		fill_page(buf, pg);
		if (store(r->map + pg * PG, buf, PG))
			r->writes++;
		else
			r->sigbus++;	/* truncated under us: expected */
	}
	return NULL;
}

static void race(unsigned char *map, int fd)
{
	struct race w[8];
	pthread_t th[8];
	uint64_t s = o.seed * 104729 + 3, start = R_RACE0 * HPG;
	struct timespec t0, t;
	int i, n = o.writers;

	if (n < 1)
		n = 1;
	if (n > 8)
		n = 8;
	for (i = 0; i < n; i++) {
		w[i] = (struct race){ .map = map, .fd = fd, .id = i };
		if (pthread_create(&th[i], NULL, race_writer, &w[i]))
			die("pthread_create");
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		uint64_t off = start + (rnd(&s) % (2 * PG_PER_HPG)) * PG;
		uint64_t len = (1 + rnd(&s) % 16) * PG;

		if (rnd(&s) % 4) {
			if (off + len > start + 2 * HPG)
				len = start + 2 * HPG - off;
			if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len))
				die("punch hole");
			st.punches++;
		} else {
			/* cut into the race region, then restore the size */
			if (ftruncate(fd, off) || ftruncate(fd, fsize))
				die("ftruncate");
			st.truncates++;
		}
		usleep(500);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < o.race_s);
	for (i = 0; i < n; i++)
		w[i].stop = 1;
	for (i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		st.race_writes += w[i].writes;
		st.race_sigbus += w[i].sigbus;
	}
}

static void run(void)
{
	struct fiemap *junk = NULL;
	unsigned char *map, *buf;
	unsigned sum = 0;
	uint64_t pg, i, base;
	int fd;

	if (!o.no_prefill)
		junk = prefill(o.file);
	fd = open(o.file, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("create %s", o.file);
	if (ftruncate(fd, fsize))
		die("ftruncate");
	/* regions 0..5 unwritten; 6..7 stay holes */
	if (fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, (R_HOLE) * HPG))
		die("fallocate (unwritten extents needed)");
	if (fsync(fd))
		die("fsync");
	st.dax = is_dax(o.file);
	if (o.require_dax && !st.dax) {
		errno = 0;
		die("%s is not a DAX file (mount -o dax on a pmem device)", o.file);
	}
	if (junk) {
		st.stale_reused_pages = count_reused(fd, junk);
		free(junk);
	}
	map = map_file(fd);

	/* PTE region: write, partial write, read, untouched */
	for (pg = 0; pg < PG_PER_HPG; pg++) {
		switch (pg % 4) {
		case 0: write_page(map, pg, PG); st.pte_write_pages++; break;
		case 1: write_page(map, pg, PARTIAL_LEN); st.pte_write_pages++; break;
		case 2: read_pages(map, pg, 1, &sum); st.pte_read_pages++; break;
		}
	}

	/* PMD write: the first store faults the huge page in */
	base = R_PMD_W * PG_PER_HPG;
	for (pg = base; pg < base + PG_PER_HPG; pg++)
		write_page(map, pg, PG);
	st.pmd_write_regions++;

	/* PMD read: read faults over unwritten blocks */
	read_pages(map, R_PMD_R * PG_PER_HPG, PG_PER_HPG, &sum);
	st.pmd_read_regions++;

	/* PMD partial: a short store at the start, one page in the middle */
	base = R_PMD_P * PG_PER_HPG;
	write_page(map, base, PARTIAL_LEN);
	write_page(map, base + PG_PER_HPG / 2, PG);
	st.pmd_write_regions++;

	/* race: writers against hole punch and truncate */
	if (o.no_race) {
		for (pg = R_RACE0 * PG_PER_HPG; pg < R_HOLE * PG_PER_HPG; pg++)
			write_page(map, pg, PG);
	} else {
		race(map, fd);
	}

	/* holes: read faults, then writes (allocation, no conversion) */
	base = R_HOLE * PG_PER_HPG;
	for (i = 0; i < PG_PER_HPG; i++) {
		read_pages(map, base + i, 1, &sum);
		st.hole_read_pages++;
	}
	for (i = 0; i < PG_PER_HPG; i += 2) {
		write_page(map, base + i, PG);
		st.hole_write_pages++;
	}
	base = R_HOLE_PMD * PG_PER_HPG;
	read_pages(map, base, PG_PER_HPG, &sum);
	st.hole_read_pages += PG_PER_HPG;
	st.pmd_read_regions++;
	for (i = 0; i < PG_PER_HPG; i += 8) {
		write_page(map, base + i, PG);
		st.hole_write_pages++;
	}

	st.pmd_mapped_kb = pmd_mapped_kb(map);

	/* what the mapping shows, before it goes */
	buf = malloc(PG);
	if (!buf)
		die("out of memory");
	for (pg = 0; pg < fsize / PG; pg++) {
		if (!store(buf, map + pg * PG, PG)) {
			err_at("mmap", pg * PG, "SIGBUS reading back through the mapping");
			continue;
		}
		check_page("mmap", pg, buf);
	}
	free(buf);
	if (!st.map_sync && msync(map, fsize, MS_SYNC))
		die("msync");
	if (munmap(map, fsize))
		die("munmap");
	if (fsync(fd))
		die("fsync");
	verify_file(fd);
	close(fd);
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: dax_fault -f FILE [options]\n"
"Page faults into unwritten extents and holes (PTE and PMD), a truncate and\n"
"hole-punch race, then a data and FIEMAP check. See the source for the layout.\n"
"  -f FILE          the test file (16 MiB); FILE.junk is used and removed\n"
"  -s SEED          pattern seed (default 1); --verify-only needs the same\n"
"  -V, --verify-only  only check an existing FILE (after a remount)\n"
"  -t SECONDS       race duration (default 1.0)\n"
"  -w N             race writer threads (default 2, max 8)\n"
"  -R, --no-race    no truncate/punch race: the race region is fully written\n"
"  -P, --no-prefill do not fill free space with junk first\n"
"  -D, --require-dax  fail (exit 2) unless FILE is a DAX file\n"
"  -q               quiet: only the summary line and errors\n"
"Exit: 0 pass, 1 a check failed, 2 usage or setup error.\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "verify-only", no_argument, NULL, 'V' },
		{ "no-race", no_argument, NULL, 'R' },
		{ "no-prefill", no_argument, NULL, 'P' },
		{ "require-dax", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	int c, fd;

	while ((c = getopt_long(argc, argv, "f:s:Vt:w:RPDqh", lo, NULL)) != -1) {
		switch (c) {
		case 'f': o.file = optarg; break;
		case 's': o.seed = strtoull(optarg, NULL, 0); break;
		case 'V': o.verify_only = true; break;
		case 't': o.race_s = atof(optarg); break;
		case 'w': o.writers = atoi(optarg); break;
		case 'R': o.no_race = true; break;
		case 'P': o.no_prefill = true; break;
		case 'D': o.require_dax = true; break;
		case 'q': o.quiet = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!o.file || optind != argc) {
		usage(stderr);
		return 2;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);

	if (o.verify_only) {
		fd = open(o.file, O_RDONLY);
		if (fd < 0)
			die("open %s", o.file);
		st.dax = is_dax(o.file);
		if (o.require_dax && !st.dax) {
			errno = 0;
			die("%s is not a DAX file", o.file);
		}
		verify_file(fd);
		close(fd);
		printf("dax_fault: verify-only dax=%s missing=%llu stale=%llu wrong=%llu "
		       "unwritten=%llu errors=%llu result=%s\n",
		       st.dax ? "yes" : "no", (unsigned long long)st.missing,
		       (unsigned long long)st.stale, (unsigned long long)st.wrong,
		       (unsigned long long)st.unwritten, (unsigned long long)st.errors,
		       st.errors ? "FAIL" : "ok");
		return st.errors ? 1 : 0;
	}
	run();
	printf("dax_fault: dax=%s map_sync=%s pte_write_pages=%llu pte_read_pages=%llu "
	       "pmd_write_regions=%llu pmd_read_regions=%llu hole_read_pages=%llu "
	       "hole_write_pages=%llu race_writes=%llu race_sigbus=%llu punches=%llu "
	       "truncates=%llu stale_reused_pages=%llu pmd_mapped_kb=%ld sigbus=%llu "
	       "missing=%llu stale=%llu wrong=%llu unwritten=%llu errors=%llu result=%s\n",
	       st.dax ? "yes" : "no", st.map_sync ? "yes" : "no",
	       (unsigned long long)st.pte_write_pages,
	       (unsigned long long)st.pte_read_pages,
	       (unsigned long long)st.pmd_write_regions,
	       (unsigned long long)st.pmd_read_regions,
	       (unsigned long long)st.hole_read_pages,
	       (unsigned long long)st.hole_write_pages,
	       (unsigned long long)st.race_writes,
	       (unsigned long long)st.race_sigbus,
	       (unsigned long long)st.punches,
	       (unsigned long long)st.truncates,
	       (unsigned long long)st.stale_reused_pages, st.pmd_mapped_kb,
	       (unsigned long long)st.sigbus, (unsigned long long)st.missing,
	       (unsigned long long)st.stale, (unsigned long long)st.wrong,
	       (unsigned long long)st.unwritten, (unsigned long long)st.errors,
	       st.errors ? "FAIL" : "ok");
	return st.errors ? 1 : 0;
}
