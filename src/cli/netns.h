/* SPDX-License-Identifier: MIT */
/* Which network namespace twtune reads and writes, and the state of each (netns.c). */
#ifndef TWTUNE_NETNS_H
#define TWTUNE_NETNS_H

#include <stdbool.h>

#include "cli.h"

/* Where this process's network namespace is: /proc/self/ns/net and /proc/1/ns/net compared by
 * device and inode (the real /proc, whatever --root says). Computed once, then kept up to date by
 * cli_enter_netns. NETNS_UNKNOWN where either cannot be read; twtune then proceeds as on the host,
 * and says so with --verbose. */
enum netns_where cli_netns_where(struct cli *c);

/* Refuses what would persist or record the host's state (apply without --no-persist, rollback,
 * recover) from another network namespace than the host's, unless --netns (netns) names the one
 * meant. Call before opening anything for writing. Returns 0 or EXIT_USAGE after saying where
 * this is and what to do. */
int cli_refuse_other_netns(struct cli *c, const char *netns);

/* Which namespace a command read: the member , "netns": "host"|"other"|"unknown" (null when it
 * read no live values: a snapshot), and in text a note when the namespace is not the host's. */
void cli_netns_json(struct cli *c, bool live);
void cli_netns_note(struct cli *c, bool live);

/* Moves this process into a network namespace: a name under /run/netns or a path such as
 * /proc/PID/ns/net, which must be a network namespace file (exit 2 otherwise). Call before opening
 * anything below /proc/sys. Transactions in another namespace than the host's keep their own state
 * (c->state_sub), keyed by an identity the kernel does not reuse; c->in_netns is set. The host's
 * namespace named this way is the host: nothing changes. Without netns, a process that runs in
 * another namespace than the host's gets that namespace's state too, but not c->in_netns.
 * Returns 0 or an exit code. */
int cli_enter_netns(struct cli *c, const char *netns);

#endif
