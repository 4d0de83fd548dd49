/* SPDX-License-Identifier: MIT */
/* The global options and the parsing of a command's own (options.c). */
#ifndef TWTUNE_OPTIONS_H
#define TWTUNE_OPTIONS_H

#include <getopt.h>
#include <stdio.h>

#include "cli.h"

/* Values of the long-only global options in cli_global_options. */
enum { OPT_FORMAT = 0x100, OPT_KERNEL, OPT_ROOT, OPT_QUIET, OPT_HELP, OPT_VERSION, OPT_ALLOW_ABS_EXTENDS, OPT_STRICT,
       OPT_VERBOSE, OPT_MEMORY };

/* Parses the command's options: its own (handled by on_opt, which returns 0 or an exit code)
 * plus the global ones, which may come after the command too. Returns -1 with *ret_optind set
 * to the first operand when the command should run, or an exit code to return at once
 * (EXIT_OK after --help). */
int cli_parse(struct cli *c, const struct command *cmd, int argc, char **argv, const struct option *own,
              int (*on_opt)(struct cli *c, int opt, const char *arg, void *ud), void *ud, int *ret_optind);
/* The same for a command with short options too (shorts: getopt's letters, "o:"), each the val of
 * its long option in own. */
int cli_parse_short(struct cli *c, const struct command *cmd, int argc, char **argv, const struct option *own,
                    const char *shorts, int (*on_opt)(struct cli *c, int opt, const char *arg, void *ud), void *ud,
                    int *ret_optind);
/* The usage error for an option getopt_long (with ':' leading its option string) refused as opt
 * ('?' or ':'): unknown, with the nearest option cmd takes (own or global; every global one when cmd
 * is NULL), ambiguous, missing its value or given one it does not take. */
int cli_option_error(struct cli *c, const struct command *cmd, const struct option *own, int opt, char **argv);
/* Handles one global option; returns 1 if it was not one, 0 if handled, or an exit code. */
int cli_global_option(struct cli *c, int opt, const char *arg);
extern const struct option cli_global_options[];

void cli_usage(struct cli *c, const struct command *cmd, FILE *f);
/* The global options, each with its help line: what 'twtune --help' lists. */
void cli_usage_globals(FILE *f);

#endif
