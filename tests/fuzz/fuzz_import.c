/* SPDX-License-Identifier: MIT */
/* libFuzzer target for import, with an oracle: the input is one sysctl.conf file. The profile
 * import writes must load (as check loads it) without an error, and set what the
 * tools set: every key of the input's boot view (procps rules, which import follows; the file as
 * a stand-in for /etc/sysctl.d/50-fuzz.conf below an empty root) is in the profile with the same
 * value, or was left out with an error; the profile sets no key the boot view lacks; and the
 * profile written back as a sysctl.d file boots to the same values. A disagreement aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "boot_internal.h"
#include "import.h"
#include "profile.h"
#include "sysroot.h"
#include "util.h"
#include "value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sysroot *sr;

/* The boot view of text; its findings in ret_f when not NULL. */
static struct boot_view *boot_of(const char *text, struct findings *ret_f)
{
        struct boot_opts o = {.rules = BOOT_PROCPS, .replace = true, .replace_name = "50-fuzz.conf", .replace_text = text};
        struct findings f = {0};
        struct boot_view *b = NULL;
        if (boot_resolve(sr, &o, &b, &f) < 0)
                b = NULL;
        if (ret_f)
                *ret_f = f;
        else
                findings_release(&f);
        return b;
}

/* Where the kernel refuses a file's value, the boot view keeps the key's earlier value (or leaves
 * it out); import writes the file's last assignment all the same, and check judges that value. */
static bool refused_at_boot(const struct findings *bf, const char *key)
{
        for (size_t i = 0; i < bf->n; i++)
                if (bf->v[i].key && strcmp(bf->v[i].key, key) == 0 && strcmp(bf->v[i].code, "boot-value-refused") == 0)
                        return true;
        return false;
}

static void fail(const char *what, const char *key, const char *a, const char *b)
{
        fprintf(stderr, "import oracle: %s: %s: '%s' vs '%s'\n", what, key, a ? a : "(none)", b ? b : "(none)");
        abort();
}

/* The value before an inline "# ...", which import keeps and the kernel ignores after one number. */
static char *before_hash(const char *v)
{
        char *s = strdup(v);
        for (char *p = s ? strchr(s, '#') : NULL; p; p = strchr(p + 1, '#'))
                if (p > s && (p[-1] == ' ' || p[-1] == '\t')) {
                        *p = '\0';
                        break;
                }
        char *n = s ? value_normalize(s) : NULL;
        free(s);
        return n;
}

static bool left_out_with_error(const struct findings *f, const char *key)
{
        for (size_t i = 0; i < f->n; i++)
                if (f->v[i].severity == SEV_ERROR && (!f->v[i].key || strcmp(f->v[i].key, key) == 0))
                        return true;
        return false;
}

/* Equal as the kernel means them: the boot view shows a value as the kernel stores it (a
 * reserved-port list "1000-1001"), import as the file wrote it ("1000,1001,"); boot's model of
 * the kernel's parser (boot_kernel_write) tells whether both store the same. */
static bool same_value(const char *key, const char *a, const char *b)
{
        if (value_equal(a, b) || portlist_equal(a, b))
                return true;
        char *ka = NULL, *kb = NULL;
        bool same = boot_kernel_write(key, NULL, a, &ka) == BOOT_KW_ACCEPT &&
                    boot_kernel_write(key, NULL, b, &kb) == BOOT_KW_ACCEPT && value_equal(ka, kb);
        free(ka);
        free(kb);
        return same;
}

static void compare(const struct boot_view *in, const struct findings *bf, const struct profile *p,
                    const struct findings *f)
{
        for (size_t i = 0; i < in->n_settings; i++) {
                const struct boot_setting *s = &in->settings[i];
                const struct setting *got = profile_find(p, s->key);
                char *want = before_hash(s->value);
                if (!got && !left_out_with_error(f, s->key))
                        fail("missing without an error", s->key, want, NULL);
                if (got && want && !same_value(s->key, got->value, want) && !refused_at_boot(bf, s->key))
                        fail("value differs from the boot view", s->key, want, got->value);
                free(want);
        }
        for (size_t i = 0; i < p->n_settings; i++)
                if (!p->settings[i].glob && !boot_find(in, p->settings[i].key) && !refused_at_boot(bf, p->settings[i].key))
                        fail("set, but not by the boot view", p->settings[i].key, NULL, p->settings[i].value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *root = getenv("TWTUNE_FUZZ_ROOT"); /* an empty directory (run.sh makes one) */
        if (!sr && sysroot_new(root ? root : ".", &sr) < 0)
                abort();
        char *text = strndup((const char *)data, size); /* the boot view's stand-in is a C string */
        if (!text)
                return 0;
        struct import_file in = {"t.conf", text, strlen(text)};
        struct findings f = {0}, pf = {0}, bf = {0};
        struct import_result r = {0};
        struct profile *p = NULL;
        struct boot_view *b = boot_of(text, &bf), *back = NULL;
        /* Without validation: it looks every unknown key up with an edit distance against the whole
         * knowledge base, which took most of each run (perf), and fuzz_profile fuzzes it already. */
        if (b && import_conf(&in, 1, "fuzz", NULL, &r, &f) == 0) {
                if (profile_parse_buffer(r.yaml, strlen(r.yaml), "t.yaml", NULL, &p, &pf) != 0)
                        fail("the profile does not load", "-", r.yaml, pf.n ? pf.v[0].message : NULL);
                for (size_t i = 0; i < pf.n; i++)
                        if (pf.v[i].severity == SEV_ERROR)
                                fail("the profile loads with an error", pf.v[i].message, r.yaml, NULL);
                compare(b, &bf, p, &f);
                /* Boot of the result: its settings as a sysctl.d file, as apply persists them. */
                struct strbuf sb = {0};
                for (size_t i = 0; i < p->n_settings; i++)
                        sb_appendf(&sb, "%s%s = %s\n", p->settings[i].optional ? "-" : "", p->settings[i].key,
                                   p->settings[i].value);
                char *persisted = sb_steal(&sb);
                if (persisted && (back = boot_of(persisted, NULL)) != NULL)
                        for (size_t i = 0; i < back->n_settings; i++) {
                                const struct boot_setting *s = &back->settings[i], *o = boot_find(b, s->key);
                                char *want = o ? before_hash(o->value) : NULL;
                                if (!o || (want && !same_value(s->key, s->value, want)))
                                        fail("the persisted profile boots to another value", s->key, want, s->value);
                                free(want);
                        }
                free(persisted);
        }
        boot_view_free(back);
        boot_view_free(b);
        profile_free(p);
        import_result_release(&r);
        findings_release(&pf);
        findings_release(&f);
        findings_release(&bf);
        free(text);
        return 0;
}
