/* SPDX-License-Identifier: MIT */
/* Fault injection for tests, read from $TWTUNE_FAULT and inert when it is unset:
 *   kill:N        SIGKILL the process at the Nth fault point of any name
 *   fail:NAME:N   make the Nth point called NAME fail with EIO
 *   fail:NAME:*   make every point called NAME fail
 *   stop:NAME     SIGSTOP the process at the pause point NAME (fault_pause), for a test to act
 *                 while it waits there and then SIGCONT it
 * Several, separated by commas, apply together. Points: journal, write, written, restore,
 * persist, modules (the modules-load.d file), persisted, generation, recorded (the record is in place but reported failed), commit.
 * The transaction calls fault_point() before each step that changes the system.
 * Compiled in only with the CMake option TWTUNE_FAULT_INJECTION (the test build); without it
 * fault_point always returns 0 and the variable is ignored, as in every release package. */
#ifndef TWTUNE_FAULT_H
#define TWTUNE_FAULT_H

#include <stdbool.h>

/* Returns 0, or -EIO when this point is told to fail. */
int fault_point(const char *name);
/* Whether the hook is compiled in (tests that need it skip otherwise). */
bool fault_compiled(void);
/* A pause point: stops the process when $TWTUNE_FAULT says stop:NAME. Not counted among the fault
 * points (kill:N's numbering stays as it was). Pauses: validated (apply, before the plan's lock). */
void fault_pause(const char *name);
/* Forgets the counts, so a test can run several transactions in one process. */
void fault_reset(void);

#endif
