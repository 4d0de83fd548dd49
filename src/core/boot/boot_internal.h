/* SPDX-License-Identifier: MIT */
/* Between boot.c (reading the hierarchy into options) and boot_sim.c (replaying the writes each
 * tool makes, with what the kernel does with each). */
#ifndef TWTUNE_BOOT_INTERNAL_H
#define TWTUNE_BOOT_INTERNAL_H

#include "boot.h"
#include "strmap.h"

/* One assignment or exclusion as the tool keeps it, in the tool's order. */
/* Its strings live in the view's arena. */
struct boot_opt {
        const char *key;   /* normalised; a glob pattern when glob */
        const char *value; /* NULL: an exclusion */
        const char *file;
        unsigned line;
        bool ignore, glob;
        bool dead;                /* replaced by a later option of the same key (systemd) */
        const char *path;         /* procps: the path as written (boot_procps_path) */
        struct boot_assign *prior; /* assignments of the same key it replaced (systemd) */
        size_t nprior;
};

/* Frees what S holds beyond the view's arena (boot_sim.c makes the settings; boot.c frees them
 * with the view). */
void boot_setting_release(struct boot_setting *s);

/* procps' path of a key as written, without "/proc/sys/": '.' and '/' swapped when '.' is the
 * first separator; a glob's trailing separators dropped (its glob(3) finds the files anyway). */
char *boot_procps_path(const char *k, bool glob);

enum boot_kwrite { BOOT_KW_ACCEPT, BOOT_KW_REFUSE, BOOT_KW_UNKNOWN, BOOT_KW_PARTIAL };

/* What the kernel does with TEXT (plus the newline both tools add) written to KEY whose content
 * is RAW (NULL: unknown). ACCEPT sets *ret_raw (the content afterwards); PARTIAL too, for a write
 * the kernel refuses after storing the integers before the text it cannot parse; UNKNOWN: the key's type
 * is not modelled, take the text as written. Integer keys (RAW holds N integers) parse like
 * proc_dointvec: up to N integers, each ending at a blank or the end, the rest ignored; the
 * bitmap ip_local_reserved_ports parses "a,b-c" with no blanks. Observed on Linux 6.18 in a
 * network namespace (tests/data/boot/README.md, "Kernel parsing"). -ENOMEM on OOM. */
int boot_kernel_write(const char *key, const char *raw, const char *text, char **ret_raw);

/* Replays the options in order: explicit keys written, globs expanded against <root>/proc/sys
 * (a key in SKIP is never written by a glob; with systemd's rules SKIP maps each key an option
 * sets or excludes to its live option's index in OPTS), and each write's effect on the keys (systemd skips
 * a write of the value in place; a write to net.ipv4.conf.default.X is copied by the kernel to
 * every device whose X was never written). Fills b->settings (sorted by key). */
int boot_simulate(struct sysroot *sr, enum boot_rules rules, struct boot_opt *opts, size_t n, const struct strmap *skip,
                  struct boot_view *b, struct findings *f);

/* Marks the settings whose key will not exist when the boot writes it (a module's key, an
 * interface that appears later: enum boot_presence), with findings. */
int boot_presence(struct sysroot *sr, const struct boot_opts *o, struct boot_view *b, struct findings *f);

/* The globs over per-interface keys (struct boot_later), each with what becomes of it for an
 * interface that appears after the boot, and an interface-later finding. */
int boot_later_globs(struct sysroot *sr, enum boot_rules rules, const struct boot_opt *opts, size_t n,
                     struct boot_view *b, struct findings *f);

/* The module table's invariants (sorted, unique prefixes, every entry sourced). 0 or -EINVAL with
 * *ret_why naming the entry. */
int boot_module_table_check(const char **ret_why);

#endif
