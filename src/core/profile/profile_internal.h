/* SPDX-License-Identifier: MIT */
/* Shared by the profile loaders (YAML in profile.c, sysctl.conf in profile_conf.c) and expand.c:
 * the settings as data (profile_data.c) and the sysctl.conf loader. */
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

#endif
