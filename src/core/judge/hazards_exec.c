/* SPDX-License-Identifier: MIT */
/* Keys whose value names a program the kernel runs as root (usermode helpers): whoever can
 * replace that program, or a directory above it, runs code as root. One table, one check: a
 * warning (an error under --strict) unless the program is in a chain of directories owned by
 * root that only root can write, checked below the root on a live target and stated as what to
 * check otherwise (a snapshot, --kernel, check without --live). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "finding.h"
#include "sysroot.h"
#include "target.h"
#include "util.h"
#include "validate_internal.h"

struct exec_key {
        const char *key;
        bool after_pipe; /* the value names a program only after a leading '|' */
        const char *when; /* when the kernel runs it, after "runs PROGRAM as root " */
        const char *source;
};

/* Sorted by key (test_validate checks it). */
static const struct exec_key exec_keys[] = {
        {"kernel.core_pattern", true, "for every crash, with the core dump on its standard input",
         "admin-guide/sysctl/kernel.rst core_pattern ('|' pipes the dump to a user space helper); fs/coredump.c "
         "do_coredump (call_usermodehelper, as root in the initial namespaces)"},
        {"kernel.hotplug", false, "for every device event (the uevent helper; most systems leave it empty)",
         "admin-guide/sysctl/kernel.rst hotplug; lib/kobject_uevent.c uevent_helper (CONFIG_UEVENT_HELPER)"},
        {"kernel.modprobe", false, "to load a module on demand (an unknown socket family, file system or binary format)",
         "admin-guide/sysctl/kernel.rst modprobe (the usermode helper for module autoloading; empty disables it)"},
        {"kernel.poweroff_cmd", false, "on an orderly power-off (thermal shutdown, a power button handled in the kernel)",
         "admin-guide/sysctl/kernel.rst poweroff_cmd; kernel/reboot.c orderly_poweroff (run_cmd, call_usermodehelper)"},
};

/* The program a value names (caller frees), or NULL: none (not a pipe, empty) or out of memory. */
static char *program_of(const struct exec_key *e, const char *value, bool *oom)
{
        const char *p = value;
        if (e->after_pipe) {
                if (*p != '|')
                        return NULL;
                p++;
        }
        p += strspn(p, " \t");
        size_t n = strcspn(p, " \t");
        if (n == 0)
                return NULL;
        char *prog = strndup(p, n);
        *oom = !prog;
        return prog;
}

/* Why path (absolute, as seen from the root) is not safe from users other than root, or NULL.
 * Every directory from "/" down, and the program, must be owned by root and not writable by group
 * or others. Links are followed to the real path first, whose components are then checked. */
static char *unsafe_reason(struct sysroot *sr, const char *path)
{
        int fd = sysroot_open_config(sr, path, O_PATH);
        if (fd < 0)
                return str_printf("%s: %s on the target", path, strerror(-fd));
        char link[64], real[4096];
        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, real, sizeof(real) - 1);
        close(fd);
        char *root = realpath(sysroot_path(sr), NULL); /* --root may be relative, or a link */
        if (!root)
                return str_printf("%s: the root's real path cannot be told", path);
        size_t rl = strlen(root);
        while (rl > 0 && root[rl - 1] == '/') /* "/" and "/srv/r/" as "" and "/srv/r" */
                rl--;
        bool below = n > 0 && (size_t)n > rl && strncmp(real, root, rl) == 0 && real[rl] == '/';
        free(root);
        if (!below)
                return str_printf("%s: its real path cannot be told", path);
        real[n] = '\0';
        const char *rel = real + rl;
        char *prefix = NULL;
        for (size_t end = 0;;) {
                free(prefix);
                prefix = end == 0 ? strdup("/") : strndup(rel, end);
                struct stat st;
                int pfd = prefix ? sysroot_open_config(sr, prefix, O_PATH | O_NOFOLLOW) : -ENOMEM;
                int r = pfd < 0 ? pfd : fstat(pfd, &st) < 0 ? -errno : 0;
                if (pfd >= 0)
                        close(pfd);
                char *why = r < 0 ? str_printf("%s: %s", prefix ? prefix : path, strerror(-r))
                            : st.st_uid != 0 ? str_printf("%s is owned by uid %u, not root", prefix, (unsigned)st.st_uid)
                            : st.st_mode & 022 ? str_printf("%s is writable by %s (mode %04o)", prefix,
                                                            st.st_mode & 002 ? "others" : "its group",
                                                            (unsigned)st.st_mode & 07777)
                                               : NULL;
                if (why || !rel[end]) {
                        free(prefix);
                        return why;
                }
                end += 1 + strcspn(rel + end + 1, "/");
        }
}

static void check_program(const struct exec_key *e, const struct setting *at, const char *prog, const char *via,
                          const struct validate_opts *o, struct findings *f)
{
        struct sysroot *sr = o->target ? target_sysroot(o->target) : NULL;
        char *why = NULL;
        if (prog[0] != '/')
                why = str_printf("%s is not an absolute path", prog);
        else if (strchr(prog, '%'))
                why = str_printf("%s holds a %% specifier, so its path is only known at each run", prog);
        else if (sr)
                why = unsafe_reason(sr, prog);
        else
                why = str_printf("twtune cannot see the target's files here (a snapshot, --kernel, or check without "
                                 "--live): check that %s and every directory above it are owned by root and writable "
                                 "by root only", prog);
        if (why || f->oom) /* a safe program on a live target: nothing to say */
                findings_add(f, SEV_WARNING, "exec-hazard", at->key, &at->loc,
                             "%s%s: the kernel runs %s as root %s; whoever can replace it or a directory above it runs "
                             "code as root: %s", at->key, via, prog, e->when, why ? why : "out of memory");
        free(why);
}

void check_exec_hazards(const struct profile *p, const struct validate_opts *o, struct findings *f)
{
        for (size_t i = 0; i < ELEMENTSOF(exec_keys); i++) {
                const struct setting *s = profile_find(p, exec_keys[i].key);
                bool oom = false;
                char *prog = s && s->mode == SET_EXACT && setting_active(s, o) ? program_of(&exec_keys[i], s->value, &oom)
                                                                               : NULL;
                if (prog)
                        check_program(&exec_keys[i], s, prog, "", o, f);
                f->oom |= oom;
                free(prog);
        }
        /* fs.suid_dumpable 1 or 2 sends the memory of setuid programs to a piped core_pattern. */
        const struct setting *d = profile_find(p, "fs.suid_dumpable");
        long long v;
        bool from;
        if (!d || d->mode != SET_EXACT || !setting_active(d, o) || parse_kernel_int(d->value, &v) < 0 || v == 0 ||
            profile_find(p, "kernel.core_pattern"))
                return; /* a core_pattern the profile sets has its own finding */
        char *pattern = validate_effective(p, o, "kernel.core_pattern", &from);
        bool oom = false;
        char *prog = pattern ? program_of(&exec_keys[0], pattern, &oom) : NULL;
        if (prog) {
                char *via = str_printf(" (the target's core_pattern is %s)", pattern);
                check_program(&exec_keys[0], d, prog, via ? via : "", o, f);
                free(via);
        }
        f->oom |= oom;
        free(prog);
        free(pattern);
}

bool exec_keys_sorted(void)
{
        for (size_t i = 1; i < ELEMENTSOF(exec_keys); i++)
                if (strcmp(exec_keys[i - 1].key, exec_keys[i].key) >= 0 || !exec_keys[i].source)
                        return false;
        return ELEMENTSOF(exec_keys) > 0 && exec_keys[0].source && strcmp(exec_keys[0].key, "kernel.core_pattern") == 0;
}
