/* SPDX-License-Identifier: MIT */
/* Kernel versions and the small condition language of profiles ("kernel >= 4.12"). */
#ifndef TWTUNE_KVER_H
#define TWTUNE_KVER_H

#include <stdbool.h>
#include <stddef.h>

struct kver {
        unsigned major, minor, patch;
};

#define KVER(a, b) ((struct kver){(a), (b), 0})
#define KVER3(a, b, c) ((struct kver){(a), (b), (c)}) /* 2.6.25 is not 2.6 */
#define KV(a, b, c) {(a), (b), (c)} /* the same as a plain initializer, inside nested tables */
#define KVER_NONE ((struct kver){0, 0, 0})

static inline bool kver_is_set(struct kver v)
{
        return v.major != 0;
}

/* Parses "6.18.44-fc-v769", "4.12" or "5": the leading numeric part; text after a '-', '+' or
 * '_' suffix is ignored. Returns -EINVAL if there is no leading "N" or "N.M". */
int kver_parse(const char *s, struct kver *ret);
int kver_cmp(struct kver a, struct kver b);
/* "4.12" or "4.12.3"; buf of at least 32 bytes. */
const char *kver_format(struct kver v, char *buf, size_t size);

enum kcond_op { KC_LT, KC_LE, KC_GT, KC_GE, KC_EQ, KC_NE };

#define KCOND_MAX 4

/* A conjunction of version comparisons. */
struct kcond {
        size_t n;
        struct {
                enum kcond_op op;
                struct kver v;
        } c[KCOND_MAX];
};

/* Parses "kernel >= 4.5 && kernel < 5.0" (clauses joined by "&&" or ","; the word "kernel" may
 * be left out, as in a profile's top-level requirement ">= 4.12"). On failure returns -EINVAL
 * and a static reason. */
int kcond_parse(const char *s, struct kcond *ret, const char **ret_why);
bool kcond_eval(const struct kcond *c, struct kver v);

#endif
