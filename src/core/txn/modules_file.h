/* SPDX-License-Identifier: MIT */
/* The modules-load.d file of a profile with `load_modules: true`: /etc/modules-load.d/99-twtune.conf
 * lists the kernel modules its persisted keys exist only with (kb/modules.h), so that
 * systemd-modules-load.service loads them before systemd-sysctl.service writes the keys.
 *
 * The persisted sysctl.d file is the one source of truth: its body ends with a comment line
 * "# load_modules: MOD..." (a comment to both systemd-sysctl and procps), and the modules file is
 * made to agree with it whenever twtune writes, removes or restores the persisted file (apply,
 * rollback, undo, recover). So the generation records it with the persisted file's bytes, a dry
 * run shows it in the persisted file's diff, and a rollback removes or restores it with that file.
 * Every module is listed, a built-in one too (systemd-modules-load reports it as built in and
 * goes on), so the same profile gives the same files on every host. */
#ifndef TWTUNE_MODULES_FILE_H
#define TWTUNE_MODULES_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct sysroot;

#define MODULES_LINE "# load_modules:"
#define MODULES_DIR "/etc/modules-load.d"
#define MODULES_FILE_NAME "99-twtune.conf" /* TXN_FILE_NAME's name, in MODULES_DIR */

/* Appends "# load_modules: MOD...\n" to a body for its keys (the `n` keys), the modules sorted and
 * unique; nothing when no key needs a module. */
void modules_body_line(struct strbuf *sb, const char *const *keys, size_t n);
/* The modules a persisted file's text names, as the modules-load.d file's text (header, one a
 * line); NULL in *ret when it names none (then there is no file). Returns 0 or -ENOMEM. */
int modules_file_text(const char *persisted, char **ret);
/* What the modules file is now (NULL: absent, or not twtune's), and what the persisted text
 * (NULL: no file) makes it. */
struct modules_change {
        char *before, *after;
        bool write; /* written or removed */
};
int modules_file_preview(struct sysroot *sr, const char *persisted, struct modules_change *ret);
const char *modules_file_action(const struct modules_change *mc);
void modules_change_release(struct modules_change *mc);
/* Makes the modules file agree with the persisted file's len bytes (NULL: no persisted file):
 * written atomically, or removed when it is twtune's (its first line is twtune's header). */
int modules_file_sync(struct sysroot *sr, const char *persisted, size_t len);

#endif
