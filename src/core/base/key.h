/* SPDX-License-Identifier: MIT */
/* Sysctl key names. A key is stored in dotted form ("net.ipv4.tcp_fin_timeout"); a dot inside a
 * component (an interface "eth0.100") is written as '/', as systemd-sysctl and procps do. */
#ifndef TWTUNE_KEY_H
#define TWTUNE_KEY_H

#include <stdbool.h>

#define KEY_MAX_LEN 255

/* Normalises a key written with either separator: if the first separator is '/', dots and
 * slashes swap. Rejects empty keys, absolute paths, empty, "." or ".." components, whitespace,
 * control characters, '=' and non-ASCII bytes. On failure returns -EINVAL and, if ret_why is
 * given, a static reason; -ENOMEM if allocation fails. */
int key_normalize(const char *in, char **ret, const char **ret_why);
/* Whether key_normalize accepts key and gives it back unchanged, without allocating: a check
 * made for every line of every generation record read. */
bool key_is_normal(const char *key);

/* A key as written in a sysctl.conf line, in the form the tools look it up (then give it to
 * key_normalize). Its separator is '.' when that comes first, else '/'. A run of separators is one
 * ("net..ipv4": systemd simplifies the path, the kernel's lookup skips empty components), and so
 * is a leading one when the key goes on with the same separator ("/net/ipv4/x", ".net.ipv4.x";
 * not "/net.ipv4.x", which neither tool finds). With systemd's rules a trailing separator is
 * dropped too; procps looks up "x/", which fails (and key_normalize refuses). Each rule was found
 * by running systemd-sysctl 252 and procps-ng 4.0.2 (twtune(8), boot.h). NULL if out of memory. */
char *key_tool_form(const char *k, bool systemd_rules);

/* Why a key found on a target (an interface may be named almost anything: '=', control
 * characters, non-ASCII, '*') cannot be named in a sysctl.d line or a profile, or would be read
 * there as a pattern; NULL when it can. A static reason, "out of memory" included. */
const char *key_unnameable(const char *key);

/* The path below /proc/sys of a normalised key: "net/ipv4/conf/eth0.100/rp_filter". */
char *key_to_path(const char *key);

#endif
