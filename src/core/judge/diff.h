/* SPDX-License-Identifier: MIT */
/* The difference between a profile and a target, setting by setting. */
#ifndef TWTUNE_DIFF_H
#define TWTUNE_DIFF_H

#include <stddef.h>

#include "finding.h"
#include "profile.h"
#include "validate.h"

/* DIFF_WRITE_ONLY: a key that cannot be read (route.flush); apply writes it, nothing compares it. */
enum diff_status { DIFF_OK, DIFF_CHANGE, DIFF_SKIP, DIFF_ERROR, DIFF_WRITE_ONLY, _DIFF_STATUS_MAX };

struct diff_row {
        const struct setting *setting; /* borrowed from the profile */
        char *current;                 /* normalised; NULL when absent or unreadable */
        enum diff_status status;
        char *reason;                  /* why skip or error; NULL otherwise */
};

struct diff {
        struct diff_row *rows;
        size_t n;
        size_t count[_DIFF_STATUS_MAX];
};

/* Compares every setting with o->target (required). A key absent or unreadable on the target
 * that no finding explains yet gets one. The profile must outlive the diff. */
int diff_compute(const struct profile *p, const struct validate_opts *o, struct findings *f, struct diff **ret);
void diff_free(struct diff *d);
const char *diff_status_name(enum diff_status s);

#endif
