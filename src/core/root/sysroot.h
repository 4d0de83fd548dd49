/* SPDX-License-Identifier: MIT */
/* The system root: every file twtune reads or writes on the host goes through here, so tests
 * and chroots can point it at another tree (like iproute2's PROC_ROOT or systemd's --root). */
#ifndef TWTUNE_SYSROOT_H
#define TWTUNE_SYSROOT_H

#include <stdbool.h>
#include <stddef.h>

struct sysroot;

/* Sysctl values are short; the largest common ones (port lists) stay far below this. */
#define SYSCTL_VALUE_MAX (64 * 1024)

/* root NULL or "/" means the running system. The directory must exist (-ENOENT, -ENOTDIR). */
int sysroot_new(const char *root, struct sysroot **ret);
void sysroot_free(struct sysroot *sr);
const char *sysroot_path(const struct sysroot *sr);

/* Reads a sysctl by normalised key, without the trailing newline. Never follows symlinks and
 * never leaves <root>/proc/sys: a key that is not in normal form (key_normalize) is -EINVAL,
 * and where the kernel lacks openat2 each component is opened with O_NOFOLLOW and "." and ".."
 * are refused. -ENOENT when the key does not exist, -EISDIR for a directory. */
int sysroot_read_sysctl(struct sysroot *sr, const char *key, char **ret_value);

/* Whether the key exists: 1, 0, or a negative errno. What the read cache knows (a read or a mode
 * asked before) answers without a system call. */
int sysroot_sysctl_exists(struct sysroot *sr, const char *key);

/* The mode bits of a sysctl's file (0444 for a key read-only here, 0200 for a write-only one). */
int sysroot_sysctl_mode(struct sysroot *sr, const char *key, unsigned *ret_mode);

/* Whether the sysctl's file sits on a read-only mount (how container runtimes mount /proc/sys):
 * its mode bits may say 0644, yet a write fails with EROFS. */
int sysroot_sysctl_readonly_mount(struct sysroot *sr, const char *key, bool *ret);

/* Turns the read cache on (emptied) or off. While it is on, sysroot_read_sysctl, sysroot_sysctl_mode
 * and sysroot_sysctl_readonly_mount answer each key from what they found the first time: for the
 * planning of one command, where validation, the diff, the plan and the boot view read the same
 * keys. The first sysroot_write_sysctl turns it off (a write changes values, and propagates to
 * other keys), so what a transaction reads back is the kernel's. Off by default; a command that
 * waits for the state lock turns it on again once it holds it, so the plan reads values no other
 * transaction can change any more. */
void sysroot_cache(struct sysroot *sr, bool on);

/* Writes a value (plus a newline) in one write() at offset 0, never following symlinks.
 * Returns the kernel's error, e.g. -EINVAL for a value it rejects. */
int sysroot_write_sysctl(struct sysroot *sr, const char *key, const char *value);
/* The same, then what the kernel kept, read back from the same open file (a third fewer path
 * walks than a write and a read): *ret_back without the trailing newline. A key that can be
 * written but not read is written and then read as two calls. A failed write sets nothing. */
int sysroot_write_read_sysctl(struct sysroot *sr, const char *key, const char *value, char **ret_back);

/* Expands a key pattern whose components may hold fnmatch(3) wildcards, in the normalised key
 * form ("net.ipv4.conf.*.rp_filter"), against <root>/proc/sys: the keys of the regular files that
 * match, sorted and unique (none is not an error). *ret_keys is NULL-terminated; free each and it. */
int sysroot_expand(struct sysroot *sr, const char *pattern, char ***ret_keys, size_t *ret_n);

/* Opens a configuration path as the system would see it at boot (an absolute path such as
 * "/etc/sysctl.d"), below the root, following symlinks as if the root were "/" (an absolute
 * link "/usr/lib" stays below it, ".." stops at it): openat2's RESOLVE_IN_ROOT, or where the
 * kernel lacks or refuses openat2 (ENOSYS, EPERM), the same walk by hand, so no link ever leads
 * out of the root. flags as openat's; O_NOCTTY, O_NONBLOCK and O_CLOEXEC are added, so a FIFO
 * never blocks. Returns the fd or a negative errno (-ELOOP after 40 links). */
int sysroot_open_config(struct sysroot *sr, const char *path, int flags);

enum sysroot_dir {
        SYSROOT_SYSCTL_D, /* <root>/etc/sysctl.d, where the profile is persisted */
        SYSROOT_STATE,    /* <root>/var/lib/twtune: lock, journal, generations (0700) */
        SYSROOT_MODULES_LOAD_D, /* <root>/etc/modules-load.d (load_modules: true) */
};

/* Opens one of the directories, creating it (and its parents) when create is set. No
 * component may be a symlink (-ENOTDIR). Returns the fd or a negative errno. */
int sysroot_open_dir(struct sysroot *sr, enum sysroot_dir which, bool create);
/* The path of the directory or of a file in it, for messages. */
char *sysroot_dir_path(const struct sysroot *sr, enum sysroot_dir which, const char *name);

#endif
