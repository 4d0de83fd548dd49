/* SPDX-License-Identifier: MIT */
/* The state directory as commands open it: read-only or created, locked, a crashed transaction
 * finished or undone first (state_lock.c). */
#ifndef TWTUNE_STATE_LOCK_H
#define TWTUNE_STATE_LOCK_H

#include <stdbool.h>

#include "cli.h"

struct managed;
struct state;
struct sysroot;

/* Opens the state directory (for c->state_sub), creating it when create is set; without create,
 * an absent one gives 0 with *ret NULL. Returns 0 or an exit code after printing why, with how
 * to repair a directory twtune will not trust. */
int cli_open_state(struct cli *c, struct sysroot *sr, bool create, struct state **ret);
/* Takes the lock of an opened state directory, waiting up to wait_ms. Returns 0 or an exit code
 * after printing why (another holder, named; a lock file twtune will not trust). */
int cli_take_lock(struct cli *c, struct sysroot *sr, struct state *st, unsigned long wait_ms);
/* With the lock held: finishes or undoes a transaction a crash left behind. *ret_changed (if
 * given) is set when there was one, so that what was read before may be stale. Returns 0 or an
 * exit code after printing why. */
int cli_recover_state(struct cli *c, struct sysroot *sr, struct state *st, bool *ret_changed);
/* Opens the state directory (creating it), takes the lock waiting up to wait_ms, and finishes
 * or undoes a transaction a crash left behind. Returns 0 or an exit code after printing why. */
int cli_lock_state(struct cli *c, struct sysroot *sr, unsigned long wait_ms, struct state **ret);
/* What twtune manages now, from st or (NULL) the state directory opened read-only; nothing when
 * nothing was applied. Returns 0 or a negative errno. */
int cli_managed(struct cli *c, struct sysroot *sr, struct state *st, struct managed *ret);
/* Prints `, "state": {"generation": N, "hash": H}`: the newest generation (the state the host is in
 * now) and its content hash, both null before twtune's first apply (the hash also after a rollback
 * to 0) or when the state cannot be read. st NULL: opened read-only here. */
void cli_json_state(struct cli *c, struct sysroot *sr, struct state *st);

#endif
