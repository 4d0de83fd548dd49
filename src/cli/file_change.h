/* SPDX-License-Identifier: MIT */
/* The persisted file's change in apply's and rollback's output (file_change.c). */
#ifndef TWTUNE_FILE_CHANGE_H
#define TWTUNE_FILE_CHANGE_H

#include <stdbool.h>

#include "cli.h"

struct txn_file_change;
/* The persisted file's change (file_change.c): a "persist" JSON member {"path", "action":
 * create|change|remove|none, "diff": unified diff or ""}, or in text the diff under a line saying
 * what happens (would happen, when dry) to path; nothing in text when the file stays as it is. */
void cli_persist_json(struct cli *c, const char *path, const struct txn_file_change *fc);
void cli_persist_text(struct cli *c, const char *path, const struct txn_file_change *fc, bool dry);

#endif
