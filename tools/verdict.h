/* SPDX-License-Identifier: GPL-2.0 */
/* The verdict every wbguard subcommand ends with, and its exit code. */
#ifndef WBG_VERDICT_H
#define WBG_VERDICT_H

enum wbg_verdict {
	WBG_PASS,
	WBG_VIOLATION,
	WBG_UNKNOWN,
};

static inline const char *wbg_verdict_name(enum wbg_verdict v)
{
	return v == WBG_PASS ? "pass" : v == WBG_VIOLATION ? "violation" : "unknown";
}

/*
 * A violation seen is certain even if other events were lost; only the
 * absence of violations needs a complete stream, so losses turn a pass
 * into "unknown" and leave a violation standing.
 */
static inline enum wbg_verdict wbg_verdict_of(unsigned long long violations,
					      int lost)
{
	if (violations)
		return WBG_VIOLATION;
	return lost ? WBG_UNKNOWN : WBG_PASS;
}

#endif
