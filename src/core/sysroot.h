/* The system root: every file twtune reads or writes on the host goes through here, so tests
 * and chroots can point it at another tree (like iproute2's PROC_ROOT or systemd's --root). */
#ifndef TWTUNE_SYSROOT_H
#define TWTUNE_SYSROOT_H

struct sysroot;

/* root NULL or "/" means the running system. The directory must exist (-ENOENT, -ENOTDIR). */
int sysroot_new(const char *root, struct sysroot **ret);
void sysroot_free(struct sysroot *sr);
const char *sysroot_path(const struct sysroot *sr);

/* Reads a sysctl by normalised key, without the trailing newline. Never follows symlinks and
 * never leaves <root>/proc/sys. -ENOENT when the key does not exist, -EISDIR for a directory. */
int sysroot_read_sysctl(struct sysroot *sr, const char *key, char **ret_value);

#endif
