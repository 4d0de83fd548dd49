/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the boot view's parser: the input is the text of one sysctl.d file (a
 * stand-in for /etc/sysctl.d/50-fuzz.conf, so nothing is read from disk) below an empty root
 * ($TWTUNE_FUZZ_ROOT), resolved by both tools' rules. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "sysroot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct sysroot *sr;
        const char *root = getenv("TWTUNE_FUZZ_ROOT"); /* an empty directory (run.sh makes one) */
        if (!sr && sysroot_new(root ? root : ".", &sr) < 0)
                abort();
        char *text = strndup((const char *)data, size);
        if (!text)
                return 0;
        for (int rules = BOOT_SYSTEMD; rules <= BOOT_PROCPS; rules++) {
                struct boot_opts o = {.rules = (enum boot_rules)rules, .replace = true, .replace_name = "50-fuzz.conf",
                                      .replace_text = text};
                struct findings f = {0};
                struct boot_view *b = NULL;
                if (boot_resolve(sr, &o, &b, &f) == 0)
                        for (size_t i = 1; i < b->n_settings; i++) /* sorted and unique, as boot.h says */
                                if (strcmp(b->settings[i - 1].key, b->settings[i].key) >= 0)
                                        abort();
                boot_view_free(b);
                findings_release(&f);
        }
        free(text);
        return 0;
}
