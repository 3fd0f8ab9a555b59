/* SPDX-License-Identifier: GPL-2.0 */
/* The verdict every wbguard subcommand ends with, and its exit code. */
#ifndef WBG_VERDICT_H
#define WBG_VERDICT_H

#include <stdbool.h>

/* Documented exit codes (README, --help). */
enum wbg_exit {
	WBG_EXIT_PASS = 0,	/* something was judged: no violation, nothing lost */
	WBG_EXIT_VIOLATION = 1,	/* at least one invariant violated */
	WBG_EXIT_SETUP = 2,	/* usage or setup error */
	WBG_EXIT_UNKNOWN = 3,	/* events were lost: no verdict */
	WBG_EXIT_CHILD = 4,	/* the command run under wbguard failed */
	WBG_EXIT_UNCHECKED = 5,	/* nothing was judged: no verdict either */
};

enum wbg_verdict {
	WBG_PASS,
	WBG_VIOLATION,
	WBG_UNKNOWN,
	WBG_UNCHECKED,
};

static inline const char *wbg_verdict_name(enum wbg_verdict v)
{
	switch (v) {
	case WBG_PASS: return "pass";
	case WBG_VIOLATION: return "violation";
	case WBG_UNKNOWN: return "unknown";
	case WBG_UNCHECKED: return "unchecked";
	}
	return "?";
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

/* A pass that judged nothing (the filter matched nothing the invariant
 * is about, or the kernel cannot support the check) is no pass. */
static inline enum wbg_verdict wbg_verdict_judged(enum wbg_verdict v, bool judged)
{
	return v == WBG_PASS && !judged ? WBG_UNCHECKED : v;
}

/*
 * The one exit-code rule of every subcommand: violation (1) > events
 * lost, verdict unknown (3) > COMMAND failed (4) > nothing judged (5) >
 * pass (0).
 */
static inline int wbg_exit_code(enum wbg_verdict v, bool cmd_failed)
{
	if (v == WBG_VIOLATION)
		return WBG_EXIT_VIOLATION;
	if (v == WBG_UNKNOWN)
		return WBG_EXIT_UNKNOWN;
	if (cmd_failed)
		return WBG_EXIT_CHILD;
	if (v == WBG_UNCHECKED)
		return WBG_EXIT_UNCHECKED;
	return WBG_EXIT_PASS;
}

#endif
