/* SPDX-License-Identifier: MIT */
/* SHA-256 (FIPS 180-4), for the content hash of persisted files and state records. */
#ifndef TWTUNE_SHA256_H
#define TWTUNE_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_HEX_LEN 64

/* Writes the lowercase hex digest and a NUL into hex (65 bytes). */
void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1]);
/* On x86-64 the SHA extensions are used where the CPU has them; on, this keeps to the portable
 * rounds (the unit tests compare the two). */
void sha256_portable(bool on);

#endif
