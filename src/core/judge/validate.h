/* SPDX-License-Identifier: MIT */
/* Validation of a merged profile against the knowledge base, a kernel version and, when given,
 * a target (whose values decide cross-key checks such as tcp_tw_reuse vs tcp_timestamps). */
#ifndef TWTUNE_VALIDATE_H
#define TWTUNE_VALIDATE_H

#include <stdbool.h>

#include "finding.h"
#include "kver.h"
#include "profile.h"

struct target;

struct validate_opts {
        struct kver kernel;  /* the kernel validated for */
        bool kernel_known;   /* false: version checks are skipped (an info finding says so) */
        struct target *target; /* NULL: nothing is read; unknown keys are warnings */
        bool netns;          /* operating in another network namespace: only per-netns keys */
        const unsigned char *listen_ports; /* bit per local port a listener holds on a live target, or NULL */
        unsigned long long mem_bytes; /* the target's RAM (MemTotal, or --memory); 0: unknown */
};

/* Adds findings; returns 0, or -ENOMEM. Reads only the keys it needs from the target. */
int validate_profile(const struct profile *p, const struct validate_opts *o, struct findings *f);

/* Whether a setting's condition holds (settings without 'when' always do). */
bool setting_active(const struct setting *s, const struct validate_opts *o);

/* Whether a setting turns off a key the kernel validated for no longer has (tcp_tw_recycle: 0 on
 * 4.12+): the kernel already behaves so, and the setting is skipped rather than an error. */
bool setting_removed_noop(const struct setting *s, const struct validate_opts *o);

#endif
