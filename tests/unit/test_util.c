// SPDX-License-Identifier: GPL-2.0
/* Argument parsing helpers shared by the subcommands. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "wbg_test.h"
#include "jw.h"
#include "common.h"
#include "hist.h"

static void dev_major_minor(void)
{
	const char *why = NULL;
	uint32_t d = 0;

	CHECK(wbg_parse_dev("7:0", &d, &why) == 0);
	CHECK(d == (7u << 20));
	CHECK(wbg_kdev_major(d) == 7 && wbg_kdev_minor(d) == 0);
	CHECK(wbg_parse_dev("259:65537", &d, &why) == 0);
	CHECK(wbg_kdev_minor(d) == 65537);
}

static void dev_bad_input(void)
{
	const char *why = NULL;
	uint32_t d = 0;

	CHECK(wbg_parse_dev("/no/such/path", &d, &why) == -1);
	CHECK(why && strstr(why, "no such"));
	CHECK(wbg_parse_dev("5000:1", &d, &why) == -1);
	CHECK(wbg_parse_dev("1:2000000", &d, &why) == -1);
}

static void dev_from_path(void)
{
	const char *why = NULL;
	struct stat st;
	uint32_t d = 0;

	CHECK(stat("/", &st) == 0);
	CHECK(wbg_parse_dev("/", &d, &why) == 0);
	CHECK(wbg_kdev_major(d) == major(st.st_dev));
	CHECK(wbg_kdev_minor(d) == minor(st.st_dev));
}

static void ringbuf_sizes(void)
{
	uint32_t b = 0;

	CHECK(wbg_ringbuf_bytes(4, &b) == 0 && b == 4096);
	CHECK(wbg_ringbuf_bytes(4096, &b) == 0 && b == 4u << 20);
	CHECK(wbg_ringbuf_bytes(3, &b) == -1);
	CHECK(wbg_ringbuf_bytes(6, &b) == -1);
}

/* The one JSON writer (tools/jw.c) escapes quotes, backslashes and
 * control characters. */
static void json_escaping(void)
{
	char buf[64] = {0};
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct jw j;

	jw_begin(&j, f);
	jw_str(&j, "s", "a\"b\\c\n\x01");
	jw_end(&j);
	fclose(f);
	CHECK(strcmp(buf, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\"}\n") == 0);
}

/* The histogram JSON has no duplicate keys: small buckets divided to
 * microseconds all used to be "0". */
static void hist_json_no_duplicate_keys(void)
{
	struct wbg_hist h = {0};
	char buf[2048] = {0};
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	uint64_t v;

	for (v = 1; v < 1u << 20; v <<= 1)
		wbg_hist_add(&h, v);
	wbg_hist_json(f, &h, 1000);
	fclose(f);
	CHECK(strstr(buf, "\"log2_buckets_ns\":[[0,1,1],[2,3,1],[4,7,1]"));
	CHECK(strstr(buf, "[524288,1048575,1]]}"));
	CHECK(!strstr(buf, "\"0\":"));
	CHECK(strstr(buf, "\"count\":20"));
}

int main(void)
{
	int failures = 0;

	RUN(dev_major_minor);
	RUN(dev_bad_input);
	RUN(dev_from_path);
	RUN(ringbuf_sizes);
	RUN(json_escaping);
	RUN(hist_json_no_duplicate_keys);
	return failures ? 1 : 0;
}
