/* SPDX-License-Identifier: MIT */
/* Files replaced the git way: write a temporary file beside the target, fsync it, rename it over
 * the target, fsync the directory. Nothing here follows a symlink. */
#ifndef TWTUNE_ATOMIC_H
#define TWTUNE_ATOMIC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Replaces dirfd/name with data. The temporary ".name.tmp" is created O_EXCL|O_NOFOLLOW after
 * removing whatever stands there (a planted symlink is removed, never followed); rename()
 * replaces a symlink at name rather than writing through it. */
int atomic_replace_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode);
/* The same, giving the file an owner (uid or gid -1: the caller's), as a rollback restores it. */
int atomic_replace_owned_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode, long uid, long gid);

/* Like atomic_replace_at, but never replaces: -EEXIST when name exists. If the final directory
 * fsync fails the file may be in place; the caller removes it (unlink_sync_at) to undo. */
int atomic_create_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode);

/* Reads dirfd/name without following a symlink (-ELOOP). -ENOENT when absent. */
int read_nofollow_at(int dirfd, const char *name, size_t max, char **ret, size_t *ret_len);

/* Removes dirfd/name (a missing file is fine) and fsyncs the directory. */
int unlink_sync_at(int dirfd, const char *name);

/* Opens (creating when create is set) the directory path below dirfd, one component at a time
 * without following symlinks. Missing parents are made with parent_mode, the last with mode. */
int open_dir_at(int dirfd, const char *path, bool create, mode_t parent_mode, mode_t mode);

#endif
