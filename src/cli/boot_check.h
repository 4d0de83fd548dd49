/* SPDX-License-Identifier: MIT */
/* What the next boot keeps of the values twtune persists (boot_check.c). */
#ifndef TWTUNE_BOOT_CHECK_H
#define TWTUNE_BOOT_CHECK_H

#include <stddef.h>

#include "cli.h"
#include "finding.h"

struct sysroot;
struct txn;

/* Compares what the next boot sets for keys[i] with values[i], with twtune's persisted file as it
 * is (body NULL) or with body standing in for it: a later file that sets another value is a
 * shadowed-at-boot finding of severity sev (with that file and line), another file that sets the
 * same value an also-set-by info. Returns the number of shadowed keys. */
size_t cli_boot_check(struct cli *c, struct sysroot *sr, const char *body, const char *const *keys,
                      const char *const *values, size_t n, enum severity sev, struct findings *f);
/* One key for cli_boot_verify: the value it must have, its live value and its baseline (NULL:
 * unknown), and the severity of a finding when the next boot gives another value. */
struct boot_verify {
        const char *key, *value, *live, *baseline;
        enum severity sev;
};
/* verify --boot: what the next boot gives each key, from the sysctl.d hierarchy as it is (a key no
 * file sets keeps the kernel's value, its baseline), against v[i].value. A difference is a finding
 * that names the key, the live value, the value the boot sets and its origin (file:line):
 * shadowed-at-boot (another file wins), boot-drift (twtune's file sets another value), lost-at-boot
 * (nothing sets it). Returns the number of keys that differ. */
size_t cli_boot_verify(struct cli *c, struct sysroot *sr, const struct boot_verify *v, size_t n, struct findings *f);
/* The same for the keys a planned transaction persists (warnings). */
size_t cli_boot_check_txn(struct cli *c, struct sysroot *sr, const struct txn *x, struct findings *f);

#endif
