/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the conversion-list workloads (ioend_*.c): a
 * self-describing block format, size parsing, a watchdog and exit codes.
 * stable_partial.c uses its parsing, wl_die() and exit codes too.
 *
 * Every 4 KiB block a workload writes starts with a header naming the
 * file offset and a generation; the rest is filled from those two, so a
 * reader can tell a block that holds what was written from one that is
 * zero (unwritten extent, never written), stale (blocks of an earlier
 * file or of the device image: exposed by a conversion that ran before
 * the data was on disk) or torn/misplaced.
 */
#ifndef WBG_IOEND_WL_H
#define WBG_IOEND_WL_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Exit codes shared by every ioend_* workload (see their --help). */
enum {
	WL_OK = 0,		/* finished, data verified */
	WL_BAD_DATA = 1,	/* verification found wrong data */
	WL_USAGE = 2,		/* usage or setup error */
	WL_HUNG = 3,		/* the watchdog fired: an operation hung */
	WL_IO_ERROR = 4,	/* an I/O error the mode did not expect */
};

#define WL_BLOCK 4096u
#define WL_MAGIC 0x77626731656e6421ull	/* "wbg1end!" */

struct wl_hdr {
	uint64_t magic;
	uint64_t offset;	/* byte offset of this block in the file */
	uint64_t gen;		/* writer's generation, >= 1 */
	uint64_t stamp;		/* free for the writer (thread id, time) */
	uint64_t sum;		/* of the fields above and the fill */
};

enum wl_blk {
	WL_BLK_OK,		/* header and fill match */
	WL_BLK_ZERO,		/* all zero bytes */
	WL_BLK_STALE,		/* neither ours nor zero: foreign data */
	WL_BLK_BAD,		/* our magic, wrong offset or checksum: torn */
};

static const char *const wl_blk_name[] = { "ok", "zero", "stale", "torn" };

static inline uint64_t wl_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static inline uint64_t wl_fill_sum(unsigned char *b, uint64_t off,
				   uint64_t gen, bool write)
{
	uint64_t *w = (uint64_t *)(b + sizeof(struct wl_hdr));
	size_t n = (WL_BLOCK - sizeof(struct wl_hdr)) / 8, i;
	uint64_t s = wl_mix(off ^ (gen << 40)), sum = 0;

	for (i = 0; i < n; i++) {
		s = wl_mix(s + i);
		if (write)
			w[i] = s;
		sum += w[i] * (i + 1);
	}
	return sum;
}

static inline void wl_fill(void *buf, uint64_t off, uint64_t gen,
			   uint64_t stamp)
{
	struct wl_hdr *h = buf;

	h->magic = WL_MAGIC;
	h->offset = off;
	h->gen = gen;
	h->stamp = stamp;
	h->sum = wl_fill_sum(buf, off, gen, true) ^ off ^ gen ^ stamp;
}

/* Classify the block read from byte offset @off; *gen gets its generation. */
static inline enum wl_blk wl_check(const void *buf, uint64_t off,
				   uint64_t *gen)
{
	const struct wl_hdr *h = buf;
	const uint64_t *w = buf;
	size_t i;

	*gen = 0;
	if (h->magic != WL_MAGIC) {
		for (i = 0; i < WL_BLOCK / 8; i++)
			if (w[i])
				return WL_BLK_STALE;
		return WL_BLK_ZERO;
	}
	if (h->offset != off)
		return WL_BLK_BAD;
	if ((wl_fill_sum((void *)buf, off, h->gen, false) ^ off ^ h->gen ^
	     h->stamp) != h->sum)
		return WL_BLK_BAD;
	*gen = h->gen;
	return WL_BLK_OK;
}

static inline void wl_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

/* "64M", "1G", "4096", "4k". Returns 0 on error. */
static inline uint64_t wl_size(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return 0;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	return *end ? 0 : v;
}

static inline long wl_long(const char *s, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max)
		wl_die(WL_USAGE, "invalid %s '%s'", what, s);
	return v;
}

static inline double wl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline uint64_t wl_rand(uint64_t *state)
{
	*state = wl_mix(*state + 0x9e3779b97f4a7c15ull);
	return *state;
}

/*
 * Watchdog: if wl_watchdog_kick() is not called for @secs seconds, print
 * what was going on and exit WL_HUNG. The stuck threads stay stuck; the
 * process exit leaves them to the kernel (a task in D state keeps the
 * process around, and the test's own timeout handles that).
 */
static volatile double wl_wd_last;
static volatile const char *wl_wd_what = "starting";
static double wl_wd_secs;

static inline void wl_watchdog_kick(const char *what)
{
	wl_wd_last = wl_now();
	wl_wd_what = what;
}

static void *wl_watchdog_fn(void *arg)
{
	(void)arg;
	for (;;) {
		usleep(200000);
		if (wl_now() - wl_wd_last > wl_wd_secs) {
			fprintf(stderr, "watchdog: no progress for %.0f s while %s: hung\n",
				wl_wd_secs, wl_wd_what);
			fflush(NULL);
			_exit(WL_HUNG);
		}
	}
	return NULL;
}

static inline void wl_watchdog_start(double secs)
{
	pthread_t t;

	wl_wd_secs = secs;
	wl_watchdog_kick("starting");
	if (pthread_create(&t, NULL, wl_watchdog_fn, NULL))
		wl_die(WL_USAGE, "cannot start watchdog");
	pthread_detach(t);
}

/* Whole-buffer pread/pwrite; returns 0 or -errno. */
static inline int wl_pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, buf, len, off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf = (const char *)buf + n;
		len -= n;
		off += n;
	}
	return 0;
}

static inline int wl_pread_all(int fd, void *buf, size_t len, off_t off)
{
	while (len) {
		ssize_t n = pread(fd, buf, len, off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0) {
			memset(buf, 0, len);
			return 0;
		}
		buf = (char *)buf + n;
		len -= n;
		off += n;
	}
	return 0;
}

#endif
