/* SPDX-License-Identifier: MIT */
/* What the next boot keeps of the values twtune persists: the boot view (boot.c) with twtune's
 * file as it is or will be, compared key by key. */
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "boot_check.h"
#include "cli.h"
#include "errors.h"
#include "kb.h"
#include "kver.h"
#include "modules_file.h"
#include "sysroot.h"
#include "txn.h"
#include "util.h"
#include "value.h"

#define OUR_FILE "/etc/sysctl.d/" TXN_FILE_NAME

static void also_set_by(struct findings *f, const struct boot_setting *s, const char *key, const char *value)
{
        for (size_t k = 0; k < s->n_overrides; k++) {
                const struct boot_assign *a = &s->overrides[k];
                if (strcmp(a->file, OUR_FILE) == 0 || !a->value || !kb_value_equal(key, a->value, value))
                        continue;
                struct srcloc loc = {a->file, a->line, 0};
                findings_add(f, SEV_INFO, "also-set-by", key, &loc, "%s is also set to %s by %s:%u, before twtune's file",
                             key, value, a->file, a->line);
        }
}

/* The boot's own absent-at-boot finding for a key twtune persists: the key will not exist when the
 * boot writes twtune's file (a module nothing loads first, an interface that is not there). */
static void absent_at_boot(struct findings *f, const struct findings *boot, const struct boot_setting *s)
{
        if (s->presence != BOOT_ABSENT_MODULE && s->presence != BOOT_ABSENT_INTERFACE && s->presence != BOOT_ABSENT_KEY)
                return;
        for (size_t i = 0; i < boot->n; i++) {
                const struct finding *b = &boot->v[i];
                if (strcmp(b->code, "absent-at-boot") == 0 && b->key && strcmp(b->key, s->key) == 0 && b->file &&
                    strcmp(b->file, s->file) == 0) {
                        struct srcloc loc = {b->file, b->line, 0};
                        findings_add(f, SEV_WARNING, "absent-at-boot", s->key, &loc, "%s", b->message);
                }
        }
}

size_t cli_boot_check(struct cli *c, struct sysroot *sr, const char *body, const char *const *keys,
                      const char *const *values, size_t n, enum severity sev, struct findings *f)
{
        char *mods = NULL; /* and the modules-load.d file it brings (load_modules: true) */
        struct boot_opts o = {.rules = boot_default_rules(sr), .replace = body != NULL, .replace_name = TXN_FILE_NAME,
                              .replace_text = body, .replace_modules = body != NULL};
        struct findings ignored = {0}; /* the hierarchy's own problems are boot's to report */
        struct boot_view *b = NULL;
        size_t shadowed = 0;
        int r = modules_file_text(body, &mods);
        o.modules_text = mods;
        if (r < 0 || boot_resolve(sr, &o, &b, &ignored) < 0) {
                free(mods);
                cli_error(c, 0, "cannot predict the next boot: out of memory");
                findings_release(&ignored);
                return 0;
        }
        const char *rules = boot_rules_name(o.rules);
        for (size_t i = 0; i < n; i++) {
                const struct boot_setting *s = boot_find(b, keys[i]);
                if (s && strcmp(s->file, OUR_FILE) == 0) {
                        also_set_by(f, s, keys[i], values[i]);
                        absent_at_boot(f, &ignored, s);
                        continue;
                }
                if (s && kb_value_equal(keys[i], s->value, values[i])) {
                        struct srcloc loc = {s->file, s->line, 0};
                        findings_add(f, SEV_INFO, "also-set-by", keys[i], &loc,
                                     "%s is also set to %s by %s:%u, after twtune's file: the boot keeps the value, "
                                     "from there", keys[i], values[i], s->file, s->line);
                        continue;
                }
                shadowed++;
                struct srcloc loc = {s ? s->file : OUR_FILE, s ? s->line : 0, 0};
                if (s)
                        findings_add(f, sev, "shadowed-at-boot", keys[i], &loc,
                                     "%s = %s will not survive a reboot: %s:%u sets %s after %s (%s rules, last "
                                     "assignment wins); change or remove that line, or rename twtune's file",
                                     keys[i], values[i], s->file, s->line, s->value, OUR_FILE, rules);
                else
                        findings_add(f, sev, "shadowed-at-boot", keys[i], &loc,
                                     "%s = %s will not survive a reboot: at boot nothing sets it (%s rules: an "
                                     "exclusion line, or twtune's file masked)", keys[i], values[i], rules);
        }
        boot_view_free(b);
        findings_release(&ignored);
        free(mods);
        return shadowed;
}

/* verify --boot: the value the next boot gives key (a setting, or with none `kernel`, the kernel's
 * own value: iface_kernel_value), against the value it must have. */
static bool boot_drift_one(struct findings *f, const struct boot_view *b, const struct boot_verify *v, const char *rules,
                           const char *kernel)
{
        const struct boot_setting *s = boot_find(b, v->key);
        if (s && strcmp(s->file, OUR_FILE) == 0)
                also_set_by(f, s, v->key, v->value);
        if (s ? kb_value_equal(v->key, s->value, v->value) : kernel && kb_value_equal(v->key, kernel, v->value))
                return false;
        const char *live = v->live ? v->live : "(unreadable)";
        if (s) {
                struct srcloc loc = {s->file, s->line, 0};
                bool ours = strcmp(s->file, OUR_FILE) == 0;
                findings_add(f, v->sev, ours ? "boot-drift" : "shadowed-at-boot", v->key, &loc,
                             "%s: live %s, the next boot sets %s from %s:%u (%s rules)%s", v->key, live, s->value,
                             s->file, s->line, rules,
                             ours ? ": twtune's file no longer holds the generation's value"
                                  : "; change or remove that line, or rename twtune's file");
                return true;
        }
        struct srcloc loc = {OUR_FILE, 0, 0};
        if (kernel)
                findings_add(f, v->sev, "lost-at-boot", v->key, &loc,
                             "%s: live %s, the next boot leaves the kernel's %s: nothing sets it at boot (%s rules; "
                             "not persisted, excluded, or twtune's file missing or masked)",
                             v->key, live, kernel, rules);
        else
                findings_add(f, v->sev, "lost-at-boot", v->key, &loc,
                             "%s: live %s, nothing sets it at boot (%s rules; not persisted, excluded, or twtune's "
                             "file missing or masked)", v->key, live, rules);
        return true;
}

/* The value a key nothing sets at boot starts with. First the knowledge base's structural tier: a
 * per-namespace key's value in a fresh network namespace, when the running kernel is the one it was
 * read on (kbgen.py; what the walk's simulated reboots measure). Else, an IPv4 interface's key (not
 * all, default, nor forwarding, which the kernel handles apart) is created at boot with
 * conf.default's value and follows default's writes until written itself (devinet.c: inetdev_init
 * copies devconf_dflt, devinet_copy_dflt_conf; observed 6.18); so when nothing at boot sets default
 * either, it gets default's value before twtune: default's baseline when twtune manages it (one of
 * v), else its live value. Else its baseline. Not the baseline first: it is the value before twtune
 * managed the key, which may be a hand write, or a copy of a default that a boot set from twtune's
 * own earlier file, and no boot gives either. *ret_free owns a value read here. */
static const char *iface_kernel_value(struct sysroot *sr, const struct boot_view *b, const struct boot_verify *v,
                                      size_t n, const struct boot_verify *k, char **ret_free)
{
        const struct kb_gen *g = kb_gen_lookup(k->key);
        char *rel = NULL;
        struct kver run, gen;
        if (g && g->scope == KBG_NETNS && g->seen && sysroot_read_sysctl(sr, "kernel.osrelease", &rel) == 0 &&
            kver_parse(rel, &run) == 0 && kver_parse(kb_gen_kernel, &gen) == 0 && run.major == gen.major &&
            run.minor == gen.minor) {
                free(rel);
                return g->seen;
        }
        free(rel);
        static const char pre[] = "net.ipv4.conf.";
        const char *rest = k->key + sizeof(pre) - 1, *attr = strrchr(k->key, '.');
        if (strncmp(k->key, pre, sizeof(pre) - 1) != 0 || !attr || attr < rest || strcmp(attr, ".forwarding") == 0 ||
            strncmp(rest, "all.", 4) == 0 || strncmp(rest, "default.", 8) == 0)
                return k->baseline;
        char *dk = str_printf("%sdefault%s", pre, attr);
        const char *out = k->baseline;
        if (dk && !boot_find(b, dk)) {
                const struct boot_verify *d = NULL;
                for (size_t i = 0; i < n && !d; i++)
                        if (strcmp(v[i].key, dk) == 0)
                                d = &v[i];
                char *live = NULL;
                if (d)
                        out = d->baseline;
                else if (sysroot_read_sysctl(sr, dk, &live) == 0 && (*ret_free = value_normalize(live)))
                        out = *ret_free;
                free(live);
        }
        free(dk);
        return out;
}

size_t cli_boot_verify(struct cli *c, struct sysroot *sr, const struct boot_verify *v, size_t n, struct findings *f)
{
        struct boot_opts o = {.rules = boot_default_rules(sr)};
        struct findings ignored = {0};
        struct boot_view *b = NULL;
        size_t drift = 0;
        if (boot_resolve(sr, &o, &b, &ignored) < 0) {
                cli_error(c, 0, "cannot predict the next boot: out of memory");
                findings_release(&ignored);
                return 0;
        }
        for (size_t i = 0; i < n; i++) {
                char *dflt = NULL;
                const char *kernel = iface_kernel_value(sr, b, v, n, &v[i], &dflt);
                drift += boot_drift_one(f, b, &v[i], boot_rules_name(o.rules), kernel);
                free(dflt);
        }
        boot_view_free(b);
        findings_release(&ignored);
        return drift;
}

size_t cli_boot_check_txn(struct cli *c, struct sysroot *sr, const struct txn *x, struct findings *f)
{
        const char **keys = calloc(x->n + 1, sizeof(*keys)), **values = calloc(x->n + 1, sizeof(*values));
        size_t n = 0, shadowed = 0;
        for (size_t i = 0; keys && values && i < x->n; i++)
                if (!x->items[i].dependent && !x->items[i].restore) {
                        keys[n] = x->items[i].key;
                        values[n++] = x->items[i].after;
                }
        if (keys && values)
                shadowed = cli_boot_check(c, sr, x->body, keys, values, n, SEV_WARNING, f);
        free(keys);
        free(values);
        return shadowed;
}
