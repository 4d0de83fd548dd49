/* SPDX-License-Identifier: MIT */
/* Where a command's output goes with --format json and github (format.c). */
#ifndef TWTUNE_FORMAT_H
#define TWTUNE_FORMAT_H

#include <stddef.h>
#include <stdio.h>

#include "cli.h"

/* --format github: the workflow commands to standard output, everything else printed to c->out
 * to a sink; released (c->out back) at the end of the run or by a later --format. */
void cli_github_hold(struct cli *c);
void cli_github_release(struct cli *c);
/* Prints the command's JSON, held in buf, with an "error" member for exit codes 2 and above;
 * a command that printed nothing gets {"format": 1, "command": ..., "error": {...}}. */
void cli_json_finish(struct cli *c, int exit_code, const char *buf, size_t len, FILE *to);
/* Once the command is known and the format is JSON, sends c->out to a buffer that main() prints
 * with cli_json_finish, so that a failure becomes the "error" member. Called again by --format
 * json among the command's own options. */
void cli_json_hold(struct cli *c);
/* Starts a command's JSON object: {"format": 1, "command": "NAME" (members follow, then "}\n"). */
void json_begin(struct cli *c);

#endif
