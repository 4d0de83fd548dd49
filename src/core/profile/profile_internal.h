/* SPDX-License-Identifier: MIT */
/* Shared by the profile loaders (YAML in profile.c, sysctl.conf in profile_conf.c) and expand.c:
 * the settings as data (profile_data.c), the sysctl.conf loader and a YAML setting's parser
 * (profile_setting.c). */
#ifndef TWTUNE_PROFILE_INTERNAL_H
#define TWTUNE_PROFILE_INTERNAL_H

#include "profile.h"

void setting_release(struct setting *s);
/* Merges s into the profile, replacing an earlier value for the same key. Takes ownership. */
int profile_merge_setting(struct profile *p, struct setting *s);
/* Merges one file's own settings over p's, each replacing an earlier value for its key where it
 * stood (the first appearance keeps its place). Takes ownership of the n_own settings, not of the
 * array; returns 0 or -ENOMEM (with the settings released). */
int profile_merge_settings(struct profile *p, struct setting *own, size_t n_own);
/* The settings of a sysctl.conf file (file: the profile's copy of its name, for positions). */
int profile_load_conf(struct profile *p, const char *file, const char *buf, size_t len, struct findings *f);

struct ynode;
/* An error finding at node N of FILE (its line and column; 0 without N); OOM marks F. */
void profile_err_at(struct findings *f, const char *file, const struct ynode *n, const char *code, const char *key,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The setting KEY of FILE from its YAML node V into *S (which the caller releases either way);
 * false after reporting why in F. */
bool profile_parse_setting(struct findings *f, const char *file, const char *key, const struct ynode *v,
                           struct setting *s);

#endif
