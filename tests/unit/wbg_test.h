/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal unit-test harness: each TEST prints "PASS name" or
 * "FAIL name: file:line: expr"; tests/run.sh counts those lines.
 */
#ifndef WBG_TEST_H
#define WBG_TEST_H

#include <stdio.h>

static int wbg_test_failed;
static const char *wbg_test_name;

#define CHECK(expr)							\
	do {								\
		if (!(expr) && !wbg_test_failed) {			\
			printf("FAIL %s: %s:%d: %s\n", wbg_test_name,	\
			       __FILE__, __LINE__, #expr);		\
			wbg_test_failed = 1;				\
		}							\
	} while (0)

#define RUN(fn)								\
	do {								\
		wbg_test_name = #fn;					\
		wbg_test_failed = 0;					\
		fn();							\
		if (!wbg_test_failed)					\
			printf("PASS %s\n", #fn);			\
		else							\
			failures++;					\
	} while (0)

#endif
