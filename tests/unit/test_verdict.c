// SPDX-License-Identifier: GPL-2.0
/* The one verdict and exit-code rule of every subcommand (verdict.h). */
#include <string.h>
#include "wbg_test.h"
#include "verdict.h"

static const enum wbg_verdict all[] = {
	WBG_PASS, WBG_VIOLATION, WBG_UNKNOWN, WBG_UNCHECKED,
};

/* violation (1) > lost/unknown (3) > command failed (4) > unchecked (5) > pass (0) */
static void exit_code_precedence(void)
{
	CHECK(wbg_exit_code(WBG_VIOLATION, false) == 1);
	CHECK(wbg_exit_code(WBG_VIOLATION, true) == 1);
	CHECK(wbg_exit_code(WBG_UNKNOWN, false) == 3);
	CHECK(wbg_exit_code(WBG_UNKNOWN, true) == 3);
	CHECK(wbg_exit_code(WBG_UNCHECKED, true) == 4);
	CHECK(wbg_exit_code(WBG_PASS, true) == 4);
	CHECK(wbg_exit_code(WBG_UNCHECKED, false) == 5);
	CHECK(wbg_exit_code(WBG_PASS, false) == 0);
	CHECK(WBG_EXIT_UNCHECKED == 5 && WBG_EXIT_CHILD == 4 &&
	      WBG_EXIT_UNKNOWN == 3 && WBG_EXIT_SETUP == 2);
}

/* Only a pass turns into unchecked; judged or not, the rest stand. */
static void nothing_judged_is_never_a_pass(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		CHECK(wbg_verdict_judged(all[i], true) == all[i]);
		CHECK(wbg_verdict_judged(all[i], false) ==
		      (all[i] == WBG_PASS ? WBG_UNCHECKED : all[i]));
		/* never 0 without something judged */
		CHECK(wbg_exit_code(wbg_verdict_judged(all[i], false), false) != 0);
	}
	CHECK(wbg_verdict_judged(wbg_verdict_of(0, 0), false) == WBG_UNCHECKED);
	CHECK(wbg_verdict_judged(wbg_verdict_of(0, 1), false) == WBG_UNKNOWN);
	CHECK(wbg_verdict_judged(wbg_verdict_of(2, 1), false) == WBG_VIOLATION);
}

static void names(void)
{
	CHECK(!strcmp(wbg_verdict_name(WBG_PASS), "pass"));
	CHECK(!strcmp(wbg_verdict_name(WBG_VIOLATION), "violation"));
	CHECK(!strcmp(wbg_verdict_name(WBG_UNKNOWN), "unknown"));
	CHECK(!strcmp(wbg_verdict_name(WBG_UNCHECKED), "unchecked"));
}

int main(void)
{
	int failures = 0;

	RUN(exit_code_precedence);
	RUN(nothing_judged_is_never_a_pass);
	RUN(names);
	return failures ? 1 : 0;
}
