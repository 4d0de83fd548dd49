/* SPDX-License-Identifier: MIT */
/* Fault injection for tests, read from $TWTUNE_FAULT and inert when it is unset:
 *   kill:N        SIGKILL the process at the Nth fault point of any name
 *   fail:NAME:N   make the Nth point called NAME fail with EIO
 *   fail:NAME:*   make every point called NAME fail
 * Several, separated by commas, apply together. Points: journal, write, written, restore,
 * persist, persisted, generation, recorded (the record is in place but reported failed), commit.
 * The transaction calls fault_point() before each step that changes the system. */
#ifndef TWTUNE_FAULT_H
#define TWTUNE_FAULT_H

/* Returns 0, or -EIO when this point is told to fail. */
int fault_point(const char *name);
/* Forgets the counts, so a test can run several transactions in one process. */
void fault_reset(void);

#endif
