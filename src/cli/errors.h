/* SPDX-License-Identifier: MIT */
/* Errors and the names of the exit codes (errors.c). */
#ifndef TWTUNE_ERRORS_H
#define TWTUNE_ERRORS_H

#include "cli.h"

/* Errors: text on stderr, a ::error workflow command with --format github; with --format json
 * they are kept for the "error" member main() adds to the command's JSON (or prints alone). An
 * exit code of 0 makes a note, not an error: stderr in text and JSON, ::notice in github. */
int cli_usage_error(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_error(struct cli *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same with a specific error code for JSON and github ("lock-held", "not-host-netns"). */
int cli_fail(struct cli *c, int exit_code, const char *code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The error code of an exit code: usage, invalid-profile, rolled-back, environment, ... */
const char *cli_exit_code_name(int exit_code);
/* cli_error for a failure to open or write what a command changes (/proc/sys, the state directory,
 * /etc/sysctl.d): when err (a negative errno, 0 for none) is EACCES or EPERM and twtune does not
 * run as root, the message starts "CMD needs root: ". */
int cli_access_error(struct cli *c, int code, int err, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
