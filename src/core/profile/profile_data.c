/* SPDX-License-Identifier: MIT */
/* A profile as data: its settings merged, looked up and released. Below both loaders (the YAML
 * one in profile.c, the sysctl.conf one in profile_conf.c) and expand.c, which all build on it. */
#include "profile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile_internal.h"
#include "strmap.h"

void setting_release(struct setting *s)
{
        free(s->pattern);
        free(s->key);
        free(s->when_text);
        free(s->note);
        free(s->when);
}

int profile_merge_setting(struct profile *p, struct setting *s)
{
        for (size_t i = 0; i < p->n_settings; i++)
                if (strcmp(p->settings[i].key, s->key) == 0) {
                        setting_release(&p->settings[i]);
                        p->settings[i] = *s;
                        return 0;
                }
        struct setting *v = realloc(p->settings, (p->n_settings + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        p->settings = v;
        v[p->n_settings++] = *s;
        return 0;
}

const struct setting *profile_find(const struct profile *p, const char *key)
{
        for (size_t i = 0; i < p->n_settings; i++)
                if (strcmp(p->settings[i].key, key) == 0)
                        return &p->settings[i];
        return NULL;
}

const char *setting_mode_name(enum setting_mode m)
{
        return m == SET_AT_LEAST ? "at_least" : m == SET_AT_MOST ? "at_most" : "value";
}

void profile_free(struct profile *p)
{
        if (!p)
                return;
        for (size_t i = 0; i < p->n_settings; i++)
                setting_release(&p->settings[i]);
        free(p->settings);
        for (size_t i = 0; i < p->n_reqs; i++)
                free(p->reqs[i].text);
        free(p->reqs);
        for (size_t i = 0; i < p->n_files; i++)
                free(p->files[i]);
        free(p->files);
        for (size_t i = 0; i < p->n_excluded; i++)
                free(p->excluded[i]);
        free(p->excluded);
        free(p->name);
        free(p->description);
        free(p->path);
        free(p);
}

/* A file's own settings (unique keys) over what its parents set: a key already there is replaced
 * in place (keeping the profile's key string, which the table points to), others are appended. */
int profile_merge_settings(struct profile *p, struct setting *own, size_t n_own)
{
        struct strmap idx = {0};
        bool oom = false;
        for (size_t i = 0; i < p->n_settings && !oom; i++)
                oom = strmap_put(&idx, p->settings[i].key, i) < 0;
        struct setting *v = oom ? NULL : realloc(p->settings, (p->n_settings + n_own + 1) * sizeof(*v));
        if (!v) {
                for (size_t i = 0; i < n_own; i++)
                        setting_release(&own[i]);
                strmap_release(&idx);
                return -ENOMEM;
        }
        p->settings = v;
        for (size_t i = 0; i < n_own; i++) {
                size_t at;
                if (strmap_get(&idx, own[i].key, &at)) {
                        char *keep = v[at].key;
                        v[at].key = NULL;
                        setting_release(&v[at]);
                        free(own[i].key);
                        own[i].key = keep;
                        v[at] = own[i];
                } else
                        v[p->n_settings++] = own[i];
        }
        strmap_release(&idx);
        return 0;
}
