/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the profile loader: parse, then validate against a fixed kernel.
 * Extends are resolved against no search path, so the fuzzer never reads other files
 * except by relative path beside "fuzz.yaml", which does not exist. */
#include <stddef.h>
#include <stdint.h>

#include "profile.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct findings f = {0};
        struct profile *p = NULL;
        struct profile_opts o = {0};
        if (profile_parse_buffer((const char *)data, size, "/nonexistent/fuzz.yaml", &o, &p, &f) == 0) {
                struct validate_opts vo = {.kernel = KVER(6, 1), .kernel_known = true};
                validate_profile(p, &vo, &f);
                profile_free(p);
        }
        findings_release(&f);
        return 0;
}
