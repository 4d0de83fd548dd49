/* SPDX-License-Identifier: MIT */
#pragma once

/* RESOLVE_IN_ROOT by hand, where openat2 is missing (before Linux 5.6) or refused (seccomp
 * filters that predate it): each component is opened with O_NOFOLLOW below the root, a symlink's
 * target is walked in its place (an absolute one from the root), and ".." stops at the root; so
 * no link leads out of it.
 * rootfd is an open directory, path is relative to it; flags as openat's. Returns the new fd or a
 * negative errno (-ELOOP past 40 links, -ENAMETOOLONG past 128 directories). */
int open_in_root(int rootfd, const char *path, int flags);
