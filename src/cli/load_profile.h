/* SPDX-License-Identifier: MIT */
/* The profile a command names: found on the search path, loaded, validated and diffed
 * (load_profile.c). */
#ifndef TWTUNE_LOAD_PROFILE_H
#define TWTUNE_LOAD_PROFILE_H

#include "cli.h"
#include "diff.h"
#include "finding.h"
#include "profile.h"
#include "profile_path.h"
#include "validate.h"

/* The profile search path: $TWTUNE_PROFILE_PATH, <root>/etc/twtune/profiles, the installed profiles
 * (beside the binary, then the configured data directory). */
int cli_profile_dirs(struct cli *c, struct profile_dirs *d);
/* Loads PATH, "-" for standard input, or a profile NAME found on the search path; findings are
 * added to f. */
int cli_load_profile(struct cli *c, const char *path, struct profile **ret, struct findings *f);
/* Loads, validates and diffs a profile against vo->target. Returns 0 (findings may hold errors)
 * or an exit code after printing the findings; in JSON the caller prints them, in its own result
 * with "profile": null and no settings. */
int cli_prepare(struct cli *c, const char *path, const struct validate_opts *vo, struct profile **ret_p,
                struct findings *f, struct diff **ret_d);
/* Exit code for a failed load or a profile with error findings. */
int cli_profile_exit(int r);
/* How messages name the profile given as arg: itself, but for standard input ("-") the profile's
 * name: when it has one, else "<stdin>" (as findings name it). p may be NULL. */
const char *cli_profile_label(const char *arg, const struct profile *p);

#endif
