/* SPDX-License-Identifier: MIT */
/* Patterns in a profile (net.ipv4.conf.*.rp_filter), expanded against a target the way
 * systemd-sysctl does at boot. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "key.h"
#include "profile.h"
#include "profile_internal.h"
#include "target.h"

static bool excluded(const struct profile *p, const char *key)
{
        for (size_t i = 0; i < p->n_excluded; i++)
                if (strcmp(p->excluded[i], key) == 0)
                        return true;
        return false;
}

/* Set by a setting other than a pattern: an explicit key beats a pattern wherever it stands. */
static bool explicit(const struct profile *p, const char *key)
{
        for (size_t i = 0; i < p->n_settings; i++)
                if (!p->settings[i].glob && !p->settings[i].pattern && strcmp(p->settings[i].key, key) == 0)
                        return true;
        return false;
}

/* The concrete setting for key, from pattern g. */
static int instance(const struct setting *g, const char *key, struct setting *ret)
{
        *ret = (struct setting){.mode = g->mode, .optional = g->optional, .has_when = g->has_when,
                                .loc = g->loc};
        ret->key = strdup(key);
        ret->value = g->value; /* the run's copy */
        ret->pattern = strdup(g->key);
        ret->when_text = g->when_text ? strdup(g->when_text) : NULL;
        ret->note = g->note ? strdup(g->note) : NULL;
        if (g->when && (ret->when = malloc(sizeof(*ret->when))))
                *ret->when = *g->when;
        if (!ret->key || !ret->value || !ret->pattern || (g->when_text && !ret->when_text) || (g->note && !ret->note) ||
            (g->when && !ret->when)) {
                setting_release(ret);
                return -ENOMEM;
        }
        return 0;
}

/* Replaces settings[at], a pattern, by its instances; *ret_n is how many. A key an earlier
 * pattern produced is taken over (the later assignment wins). */
static int expand_one(struct profile *p, size_t at, struct target *t, size_t *ret_n, struct findings *f)
{
        struct setting g = p->settings[at];
        char **keys = NULL;
        size_t nk = 0, n = 0;
        int r = target_expand(t, g.key, &keys, &nk);
        struct setting *add = r == 0 ? calloc(nk + 1, sizeof(*add)) : NULL;
        if (r == 0 && !add)
                r = -ENOMEM;
        for (size_t k = 0; r == 0 && k < nk; k++) {
                if (explicit(p, keys[k]) || excluded(p, keys[k]))
                        continue;
                const char *why = key_unnameable(keys[k]);
                if (why) {
                        findings_add(f, SEV_WARNING, "interface-skipped", NULL, &g.loc,
                                     "%s matches %s, which is skipped: no sysctl.d line can name it (%s); the rest of "
                                     "the profile applies", g.key, keys[k], why);
                        continue;
                }
                for (size_t i = 0; i < p->n_settings; i++) /* an earlier pattern's instance */
                        if (i != at && p->settings[i].pattern && strcmp(p->settings[i].key, keys[k]) == 0)
                                p->settings[i].key[0] = '\0'; /* dropped below */
                if ((r = instance(&g, keys[k], &add[n])) == 0)
                        n++;
        }
        for (size_t k = 0; k < nk; k++)
                free(keys[k]);
        free(keys);
        if (r == 0 && n == 0)
                findings_add(f, SEV_INFO, "glob-matches-nothing", g.key, &g.loc, "%s matches no key on the target", g.key);
        struct setting *v = r == 0 ? realloc(p->settings, (p->n_settings + n) * sizeof(*v)) : NULL;
        if (r == 0 && !v)
                r = -ENOMEM;
        if (r < 0) {
                for (size_t i = 0; i < n; i++)
                        setting_release(&add[i]);
                free(add);
                return r;
        }
        p->settings = v;
        memmove(&v[at + n], &v[at + 1], (p->n_settings - at - 1) * sizeof(*v));
        memcpy(&v[at], add, n * sizeof(*v));
        p->n_settings += n - 1;
        setting_release(&g);
        free(add);
        *ret_n = n;
        return 0;
}

int profile_expand(struct profile *p, struct target *t, struct findings *f)
{
        for (size_t i = 0; i < p->n_settings;) {
                size_t n = 1;
                if (p->settings[i].glob) {
                        int r = expand_one(p, i, t, &n, f);
                        if (r < 0)
                                return r;
                }
                i += n;
        }
        /* Instances a later pattern took over were marked with an empty key. */
        size_t w = 0;
        for (size_t i = 0; i < p->n_settings; i++) {
                if (!p->settings[i].key[0]) {
                        setting_release(&p->settings[i]);
                        continue;
                }
                p->settings[w++] = p->settings[i];
        }
        p->n_settings = w;
        return f->oom ? -ENOMEM : 0;
}
