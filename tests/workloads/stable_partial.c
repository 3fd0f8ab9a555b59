// SPDX-License-Identifier: GPL-2.0
/*
 * stable_partial: read into a partly written folio while its written
 * block is under writeback.
 *
 * On a file system whose blocks are smaller than a page (ext4 -b 1024),
 * a small pwrite() into a hole leaves a folio with one uptodate, dirty
 * block and holes that are not uptodate. The writeback of that block is
 * started with sync_file_range(WRITE), and at once a read of the same
 * page makes the kernel fill the holes (block_read_full_folio() zeroes
 * them) while the written block is still in flight. Bytes that are not
 * under I/O change under writeback; a stable-writes check that hashes
 * the whole folio must not call that a violation.
 *
 * Before each round the workload dirties and frees anonymous memory
 * filled with 0xa5, so that the page cache gets pages whose stale
 * content is not zero and the filling is a real change of content.
 * At the end every page is read back: the record at its start and
 * zeroes everywhere else.
 */
#include "ioend_wl.h"
#include <sys/mman.h>

#define PAGE 4096
#define REC 64
#define JUNK_BYTES (8u << 20)

static void usage(FILE *f)
{
	fprintf(f,
"Usage: stable_partial -f FILE [-p PAGES] [-r ROUNDS] [-o OFFSET] [-q]\n"
"  -f FILE    file to create (rewritten every round; required)\n"
"  -p PAGES   pages per round (default 256)\n"
"  -r ROUNDS  rounds, each on a fresh sparse file (default 4)\n"
"  -o OFFSET  where in the page the read goes (default 3072, the last 1k block)\n"
"  -q         only the summary line\n"
"Exit: 0 data verified, 1 data mismatch or I/O error, 2 usage.\n");
}

/* Anonymous pages full of 0xa5, freed again: stale content for the page cache. */
static void leave_junk(void)
{
	void *p = mmap(NULL, JUNK_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return;
	memset(p, 0xa5, JUNK_BYTES);
	munmap(p, JUNK_BYTES);
}

static void fill(unsigned char *rec, long round, long page)
{
	int i;

	for (i = 0; i < REC; i++)
		rec[i] = (unsigned char)(0x40 + round * 31 + page * 7 + i);
}

/* Returns the number of bad pages. */
static long one_round(const char *file, long round, long pages, long roff,
		      long *io_errors)
{
	unsigned char rec[REC], want[PAGE], got[PAGE];
	long page, bad = 0;
	int fd;

	fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, (off_t)pages * PAGE))
		wl_die(WL_USAGE, "stable_partial: %s: %s", file, strerror(errno));
	for (page = 0; page < pages; page++) {
		off_t off = (off_t)page * PAGE;

		fill(rec, round, page);
		if (pwrite(fd, rec, REC, off) != REC ||
		    sync_file_range(fd, off, PAGE, SYNC_FILE_RANGE_WRITE) ||
		    pread(fd, got, REC, off + roff) != REC)
			(*io_errors)++;
	}
	if (fsync(fd))
		(*io_errors)++;
	for (page = 0; page < pages; page++) {
		memset(want, 0, sizeof(want));
		fill(want, round, page);
		if (pread(fd, got, PAGE, (off_t)page * PAGE) != PAGE ||
		    memcmp(got, want, PAGE))
			bad++;
	}
	close(fd);
	return bad;
}

int main(int argc, char **argv)
{
	long pages = 256, rounds = 4, roff = 3072, round, bad = 0, io_errors = 0;
	const char *file = NULL;
	int quiet = 0, c;

	while ((c = getopt(argc, argv, "f:p:r:o:qh")) != -1) {
		switch (c) {
		case 'f': file = optarg; break;
		case 'p': pages = wl_long(optarg, 1, 1 << 20, "page count"); break;
		case 'r': rounds = wl_long(optarg, 1, 100000, "round count"); break;
		case 'o': roff = wl_long(optarg, REC, PAGE - REC, "read offset"); break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return WL_USAGE;
		}
	}
	if (optind != argc || !file)
		wl_die(WL_USAGE, "stable_partial: %s",
		       file ? "unexpected argument" : "-f FILE is required");
	for (round = 0; round < rounds; round++) {
		long b;

		leave_junk();
		b = one_round(file, round, pages, roff, &io_errors);
		if (b && !quiet)
			fprintf(stderr, "stable_partial: round %ld: %ld bad page(s)\n",
				round, b);
		bad += b;
	}
	printf("stable_partial: pages=%ld rounds=%ld read_offset=%ld bad_pages=%ld "
	       "io_errors=%ld result=%s\n", pages, rounds, roff, bad, io_errors,
	       bad || io_errors ? "fail" : "ok");
	return bad || io_errors ? WL_BAD_DATA : WL_OK;
}
