/* SPDX-License-Identifier: MIT */
/* What a profile is compared against: the live /proc/sys below a system root, or a snapshot
 * (`sysctl -a` output, "key = value" lines) taken on another host. */
#ifndef TWTUNE_TARGET_H
#define TWTUNE_TARGET_H

#include <stdbool.h>

#include "kver.h"

struct sysroot;
struct target;

#define SNAPSHOT_MAX_BYTES (16u * 1024 * 1024)

/* Borrows sr, which must outlive the target. */
int target_new_live(struct sysroot *sr, struct target **ret);
/* Parses a snapshot file. On a malformed line, or a NUL byte, returns -EBADMSG and the line in
 * *ret_bad_line; -EINVAL for a file that is not a regular one (a FIFO would block). */
int target_new_snapshot(const char *path, struct target **ret, unsigned *ret_bad_line);
void target_free(struct target *t);

bool target_is_snapshot(const struct target *t);
/* The live tree's root, NULL for a snapshot. */
struct sysroot *target_sysroot(const struct target *t);
/* The value of a normalised key; -ENOENT if the target has no such key. */
int target_get(struct target *t, const char *key, char **ret_value);
/* The keys of the target that a pattern (fnmatch wildcards within components) matches, sorted:
 * the live tree's files (sysroot_expand) or the snapshot's keys. */
int target_expand(struct target *t, const char *pattern, char ***ret, size_t *ret_n);

/* The keys beside key on the target (those whose name differs only in the last component), for
 * "did you mean". *ret is NULL-terminated; free each and it. */
int target_siblings(struct target *t, const char *key, char ***ret, size_t *ret_n);

/* What the target shows of a key, for a key the knowledge base does not know: "mode 0644, 1 integer
 * (60)" on a live target, "1 integer (60)" in a snapshot; text values are shown up to 40 bytes,
 * escaped. -ENOENT if the target has no such key. */
int target_describe(struct target *t, const char *key, char **ret);

/* The target's kernel, from kernel.osrelease; -ENOENT if a snapshot lacks it. */
int target_kernel(struct target *t, struct kver *ret);

#endif
