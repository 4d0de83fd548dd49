/* SPDX-License-Identifier: MIT */
/* The boot view: what the next boot will set, from the sysctl.d hierarchy below a root, resolved
 * the way systemd-sysctl or procps' `sysctl --system` does. Each rule was found by running the
 * real tools (systemd 252, procps-ng 4.0.2) in private namespaces; twtune(8) lists them.
 *
 * Both: /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d, /usr/lib/sysctl.d, /lib/sysctl.d
 * (when not the same directory), in that priority; for each file name only the copy in the first
 * directory counts; a symlink to /dev/null or an empty file there masks lower copies; only names
 * ending in ".conf"; all files in byte order of their names, whatever their directory; the last
 * assignment of a key wins; an explicit key beats a glob in any order; "-key" excludes a key from
 * globs; a run of separators ("net..ipv4") counts as one, and a leading one is dropped when the
 * key goes on with the same separator ("/net/ipv4/x"); no limit on the size of a file or the
 * length of a line. systemd: hidden files are skipped, a later "-key" also cancels an explicit
 * assignment, a trailing separator is dropped, a line of 1 MiB or more ends the reading of its
 * file (the lines above it count), /etc/sysctl.conf is read only through the 99-sysctl.conf
 * symlink distributions install.
 * procps: hidden files are read, "- key" (a blank after the dash) is never applied, and
 * /etc/sysctl.conf is applied last.
 * The values come from replaying each tool's writes in its order with what the kernel keeps of
 * each (boot_sim.c), in time linear in the hierarchy; keys that will not exist when the boot
 * writes them are marked (boot_absent.c). tests/cli/boot_diff.py checks it all against both tools
 * on random hierarchies. */
#ifndef TWTUNE_BOOT_H
#define TWTUNE_BOOT_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"
#include "strarena.h"

struct sysroot;

#define BOOT_FILE_MAX (16 * 1024 * 1024) /* twtune's own bound: larger files are findings, not read */
#define BOOT_SYSTEMD_LINE_MAX (1024 * 1024) /* systemd's LONG_LINE_MAX: a line this long ends its file */

enum boot_rules { BOOT_SYSTEMD, BOOT_PROCPS };
enum boot_file_status { BOOT_APPLIED, BOOT_MASKED, BOOT_OVERRIDDEN };

struct boot_file {
        char *path; /* absolute, as seen at boot */
        enum boot_file_status status;
        char *by;   /* the file that masks or overrides it, or NULL */
};

/* The strings of assignments and settings live in their view's arena (boot_view.strs). */
struct boot_assign {
        const char *file;
        unsigned line;
        const char *value;
};

/* Whether the key exists when the boot writes it (boot_absent.c). */
enum boot_presence {
        BOOT_EXISTS,           /* exists, or nothing says otherwise */
        BOOT_ABSENT_MODULE,    /* its module is neither built in nor loaded before the boot applies sysctl.d */
        BOOT_INTERFACE_ADDED,  /* the interface does not exist now; udev applies the key when it appears */
        BOOT_ABSENT_INTERFACE, /* the interface does not exist now and nothing applies the key when it appears */
        BOOT_ABSENT_KEY,       /* its module is there now, but this kernel has no such key (here) */
};

struct boot_setting { /* 64 bytes: a view holds one for every key the hierarchy sets */
        const char *key;
        const char *value;            /* tokens joined by one space */
        const char *file;
        const char *pattern;          /* the glob it came from, or NULL */
        char *module;                 /* the module that provides the key, or NULL */
        struct boot_assign *overrides; /* earlier assignments it beat, in order */
        unsigned n_overrides;
        unsigned line;
        enum boot_presence presence;
        bool ignore_failure;
        bool inherited;               /* the kernel copied it from conf.default's write at file:line */
};

/* A glob over per-interface keys (net.ipv4.conf.eth*.rp_filter), and what becomes of it for an
 * interface that appears after the boot (the boot itself writes only the interfaces there). */
struct boot_later {
        char *pattern; /* normalised key form */
        char *value;
        char *file;
        unsigned line;
        enum boot_presence presence; /* BOOT_INTERFACE_ADDED: udev applies it to a matching interface
                                      * when it appears; BOOT_ABSENT_INTERFACE: nothing does */
};

struct boot_view {
        enum boot_rules rules;
        struct boot_file *files; /* in application order, then masked and overridden ones */
        size_t n_files;
        struct boot_setting *settings; /* sorted by key */
        size_t n_settings;
        struct boot_later *later; /* in the order the tool applies them */
        size_t n_later;
        /* The keys, values and file names of the settings and their assignments: one copy of
         * each key, one of each distinct value or file, freed with the view. */
        struct strarena strs;
};

struct boot_opts {
        enum boot_rules rules;
        /* Stand-ins: the text of /etc/sysctl.d/<replace_name> as it will be (NULL text: the file
         * will not exist), for predicting the boot after an apply. */
        const char *replace_name;
        const char *replace_text;
        bool replace;
        /* The same for /etc/modules-load.d/<replace_name> (modules_text NULL: will not exist). */
        const char *modules_text;
        bool replace_modules;
};

/* The rules of what runs at boot below the root: systemd's where systemd runs now
 * (/run/systemd/system) or /sbin/init is a link to systemd; procps' where /sbin/init is another
 * init; without /sbin/init, systemd's where systemd-sysctl is installed. *ret_why says which, in
 * a static string. */
enum boot_rules boot_default_rules_why(struct sysroot *sr, const char **ret_why);
enum boot_rules boot_default_rules(struct sysroot *sr);
const char *boot_rules_name(enum boot_rules r);

/* Resolves the hierarchy. Malformed lines, unreadable or oversized files become findings (file,
 * line) and the rest is still resolved. Returns 0 or -ENOMEM. */
int boot_resolve(struct sysroot *sr, const struct boot_opts *o, struct boot_view **ret, struct findings *f);
const struct boot_setting *boot_find(const struct boot_view *b, const char *key);
const char *boot_file_status_name(enum boot_file_status s);
const char *boot_presence_name(enum boot_presence p);
void boot_view_free(struct boot_view *b);
/* The module a key exists only with (kb/modules.h: the longest matching prefix), or NULL; an
 * autoloading one (*ret_autoload: the kernel loads it on the write) is a prefix of its name. */
const char *boot_key_module(const char *key, bool *ret_autoload);

#endif
