/* SPDX-License-Identifier: MIT */
/* What a profile leaves a key at: whether a setting applies to the kernel at all, and the value the
 * key will have after the profile, from the profile's setting and the target's value. */
#include "effective.h"

#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "target.h"
#include "util.h"
#include "value.h"

bool setting_active(const struct setting *s, const struct validate_opts *o)
{
        /* With the kernel unknown a condition cannot be decided: treat the setting as wanted. */
        return !s->has_when || !o->kernel_known || kcond_eval(s->when, o->kernel);
}

bool setting_removed_noop(const struct setting *s, const struct validate_opts *o)
{
        const struct kb_entry *e = kb_lookup(s->key);
        return e && e->removed_noop && o->kernel_known && kver_is_set(e->removed) && kver_cmp(o->kernel, e->removed) >= 0 &&
               s->mode == SET_EXACT && value_equal(s->value, e->removed_noop);
}

char *validate_effective(const struct profile *p, const struct validate_opts *o, const char *key, bool *ret_from_profile)
{
        const struct setting *s = profile_find(p, key);
        *ret_from_profile = false;
        if (s && !setting_active(s, o))
                s = NULL;
        if (s && s->mode == SET_EXACT) {
                *ret_from_profile = true;
                return strdup(s->value);
        }
        char *v = NULL;
        if (o->target && target_get(o->target, key, &v) < 0)
                v = NULL;
        long long cur, want;
        if (s && (!v || parse_kernel_int(v, &cur) < 0 || parse_kernel_int(s->value, &want) < 0 ||
                  (s->mode == SET_AT_LEAST ? want > cur : want < cur))) {
                free(v);
                *ret_from_profile = true;
                return strdup(s->value);
        }
        return v;
}

bool validate_effective_int(const struct profile *p, const struct validate_opts *o, const char *key, long long *ret,
                            bool *ret_from_profile)
{
        char *v = validate_effective(p, o, key, ret_from_profile);
        bool ok = v && parse_kernel_int(v, ret) == 0;
        free(v);
        return ok;
}
