/* SPDX-License-Identifier: MIT */
/* Between state.c (the state directory: lock, journal, generation files) and record.c (a record's
 * text, the format state.h describes). */
#ifndef TWTUNE_RECORD_INTERNAL_H
#define TWTUNE_RECORD_INTERNAL_H

#include <stddef.h>

#include "state.h"

/* A record holds at most two persisted files in hex, plus the keys: 100 000 keys persist about 5 MiB. */
#define RECORD_MAX (64u * 1024 * 1024)

/* The record as text, ending with its checksum line; NULL on OOM. */
char *record_serialize(const struct record *r, size_t *ret_len);

/* Parses TEXT (LEN bytes, modified in place): the checksum first, then every line. -EBADMSG for a
 * damaged or forged record, -ENOMEM. */
int record_parse(char *text, size_t len, struct record **ret);

#endif
