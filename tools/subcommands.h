/* SPDX-License-Identifier: GPL-2.0 */
#ifndef WBG_SUBCOMMANDS_H
#define WBG_SUBCOMMANDS_H

int cmd_stable(int argc, char **argv);
int cmd_tpcount(int argc, char **argv);
int cmd_dax(int argc, char **argv);
int cmd_ioend(int argc, char **argv);

#endif
