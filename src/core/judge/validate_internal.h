/* SPDX-License-Identifier: MIT */
/* The checks validate.c runs, each in a file of its own (hazards*.c, validate_unknown.c). */
#ifndef TWTUNE_VALIDATE_INTERNAL_H
#define TWTUNE_VALIDATE_INTERNAL_H

#include "validate.h"

/* The hazards an expert would flag in the values a profile sets (hazards.c). */
void check_value_hazards(const struct profile *p, const struct validate_opts *o, struct findings *f);

/* Keys whose value names a program the kernel runs as root (kernel.core_pattern with '|',
 * kernel.modprobe, ...): a warning unless it is in a root-only directory chain (hazards_exec.c). */
void check_exec_hazards(const struct profile *p, const struct validate_opts *o, struct findings *f);
/* The table's invariant, for the unit tests: sorted, unique, every row sourced. */
bool exec_keys_sorted(void);

/* Hazards by class: routing switches, retransmission limits, one-shot actions, protections off,
 * writeback, memory against the target's RAM (hazards_class.c). */
void check_class_hazards(const struct profile *p, const struct validate_opts *o, struct findings *f);

/* Findings for a setting whose key has no hand-written entry (validate_unknown.c). */
void validate_unknown(const struct validate_opts *o, const struct setting *s, struct findings *f);

#endif
