/* SPDX-License-Identifier: MIT */
/* Validation of a merged profile against the knowledge base, a kernel version and, when given,
 * a target (whose values decide cross-key checks such as tcp_tw_reuse vs tcp_timestamps). */
#ifndef TWTUNE_VALIDATE_H
#define TWTUNE_VALIDATE_H

#include <stdbool.h>

#include "effective.h"
#include "finding.h"
#include "profile.h"

/* Adds findings; returns 0, or -ENOMEM. Reads only the keys it needs from the target. */
int validate_profile(const struct profile *p, const struct validate_opts *o, struct findings *f);

#endif
