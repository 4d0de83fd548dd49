/* SPDX-License-Identifier: MIT */
/* What a profile leaves a key at (effective.c), and the options of every judgement of a profile:
 * validation, the hazard checks and the diff build on it. validate.h includes it. */
#ifndef TWTUNE_EFFECTIVE_H
#define TWTUNE_EFFECTIVE_H

#include <stdbool.h>

#include "kver.h"
#include "profile.h"

struct target;

/* What a judgement of a profile is for: validation, the hazard checks, the diff. */
struct validate_opts {
        struct kver kernel;  /* the kernel validated for */
        bool kernel_known;   /* false: version checks are skipped (an info finding says so) */
        struct target *target; /* NULL: nothing is read; unknown keys are warnings */
        bool netns;          /* operating in another network namespace: only per-netns keys */
        const unsigned char *listen_ports; /* bit per local port a listener holds on a live target, or NULL */
        unsigned long long mem_bytes; /* the target's RAM (MemTotal, or --memory); 0: unknown */
};

/* Whether a setting's condition holds (settings without 'when' always do). */
bool setting_active(const struct setting *s, const struct validate_opts *o);

/* Whether a setting turns off a key the kernel validated for no longer has (tcp_tw_recycle: 0 on
 * 4.12+): the kernel already behaves so, and the setting is skipped rather than an error. */
bool setting_removed_noop(const struct setting *s, const struct validate_opts *o);

/* The value a key will have after the profile: the profile's when it is set exactly, the target's
 * raised or lowered by an at_least/at_most bound, else the target's. NULL if nothing is known.
 * *ret_from_profile tells whether the profile decided it. */
char *validate_effective(const struct profile *p, const struct validate_opts *o, const char *key, bool *ret_from_profile);
/* The same for a single integer; false when unknown or not one. */
bool validate_effective_int(const struct profile *p, const struct validate_opts *o, const char *key, long long *ret,
                            bool *ret_from_profile);

#endif
