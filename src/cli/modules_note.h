/* SPDX-License-Identifier: MIT */
/* The modules-load.d file (load_modules: true) in apply's output (modules_note.c). */
#ifndef TWTUNE_MODULES_NOTE_H
#define TWTUNE_MODULES_NOTE_H

#include <stdbool.h>

#include "cli.h"

struct sysroot;
struct txn_file_change;
/* What the persisted file's change fc does to /etc/modules-load.d/99-twtune.conf, which follows it
 * (modules_file.h): when dry, what syncing to fc's after side would do to the file there now;
 * else what changed, from the two sides of fc. JSON: a "modules_file" member {"path", "action":
 * create|change|remove|none, "modules": [the file's modules after]}; text: a line when it changes. */
void cli_modules_note(struct cli *c, struct sysroot *sr, const struct txn_file_change *fc, bool dry);

#endif
