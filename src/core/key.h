/* SPDX-License-Identifier: MIT */
/* Sysctl key names. A key is stored in dotted form ("net.ipv4.tcp_fin_timeout"); a dot inside a
 * component (an interface "eth0.100") is written as '/', as systemd-sysctl and procps do. */
#ifndef TWTUNE_KEY_H
#define TWTUNE_KEY_H

#define KEY_MAX_LEN 255

/* Normalises a key written with either separator: if the first separator is '/', dots and
 * slashes swap. Rejects empty keys, absolute paths, empty, "." or ".." components, whitespace,
 * control characters, '=' and non-ASCII bytes. On failure returns -EINVAL and, if ret_why is
 * given, a static reason; -ENOMEM if allocation fails. */
int key_normalize(const char *in, char **ret, const char **ret_why);

/* The path below /proc/sys of a normalised key: "net/ipv4/conf/eth0.100/rp_filter". */
char *key_to_path(const char *key);

#endif
