/* SPDX-License-Identifier: MIT */
#include "diff.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "strmap.h"
#include "sysroot.h"
#include "target.h"
#include "util.h"
#include "value.h"

static int compare(const struct setting *s, const char *current, enum diff_status *ret, char **ret_reason)
{
        if (s->mode == SET_EXACT) {
                *ret = kb_value_equal(s->key, current, s->value) ? DIFF_OK : DIFF_CHANGE;
                return 0;
        }
        long long cur, want;
        if (parse_kernel_int(current, &cur) < 0 || parse_kernel_int(s->value, &want) < 0) {
                *ret = DIFF_ERROR;
                *ret_reason = str_printf("current value '%s' is not an integer", current);
                return *ret_reason ? 0 : -ENOMEM;
        }
        bool ok = s->mode == SET_AT_LEAST ? cur >= want : cur <= want;
        *ret = ok ? DIFF_OK : DIFF_CHANGE;
        return 0;
}

/* Why a key that must change cannot be written on this target, found before anything is written;
 * NULL when nothing stands in the way. Reads modes and lists only from a live target. */
static char *blocker(struct target *t, const struct setting *s, const struct kb_entry *e)
{
        struct sysroot *sr = target_sysroot(t);
        unsigned mode;
        bool ro = false;
        if (sr && sysroot_sysctl_readonly_mount(sr, s->key, &ro) == 0 && ro)
                return strdup("on a read-only mount (EROFS), as containers mount /proc/sys");
        if (sr && sysroot_sysctl_mode(sr, s->key, &mode) == 0 && !(mode & 0200))
                return str_printf("read-only here (mode %04o)%s", mode,
                                  e && e->in_child == KB_CHILD_READONLY
                                          ? ": a global key, shown read-only inside a network namespace other than the "
                                            "host's; set it on the host"
                                          : "");
        if (strcmp(s->key, "net.ipv4.tcp_congestion_control") != 0)
                return NULL;
        char *avail = NULL, *allowed = NULL, *why = NULL;
        /* The allowed list is writable only in the initial namespace; elsewhere it bounds what may be set. */
        bool child = sr && sysroot_sysctl_mode(sr, "net.ipv4.tcp_allowed_congestion_control", &mode) == 0 && !(mode & 0200);
        if (target_get(t, "net.ipv4.tcp_available_congestion_control", &avail) == 0 && !value_has_token(avail, s->value))
                why = str_printf("the kernel has no congestion control '%s' (available: %s); load its module "
                                 "(tcp_%s) first, or the write fails with ENOENT", s->value, avail, s->value);
        else if (child && target_get(t, "net.ipv4.tcp_allowed_congestion_control", &allowed) == 0 &&
                 !value_has_token(allowed, s->value))
                why = str_printf("'%s' is not in tcp_allowed_congestion_control (%s), which bounds a network namespace "
                                 "other than the host's (EPERM)", s->value, allowed);
        free(avail);
        free(allowed);
        return why;
}

/* The row of setting s: skipped (its condition, a removed key), write-only, absent, in error (with
 * validation's errors, errs, by key), or compared with the target's value. Returns 0 or -ENOMEM. */
static int fill_row(const struct setting *s, const struct validate_opts *o, const struct strmap *errs,
                    struct findings *f, struct diff_row *row)
{
        row->setting = s;
        if (!setting_active(s, o) || setting_removed_noop(s, o)) {
                row->status = DIFF_SKIP;
                row->reason = setting_active(s, o) ? strdup("removed from this kernel; the value asks for nothing")
                                                   : str_printf("condition false: %s", s->when_text);
                return row->reason ? 0 : -ENOMEM;
        }
        char *cur = NULL;
        int q = target_get(o->target, s->key, &cur);
        if (q == -ENOMEM)
                return q;
        if (q == 0) {
                row->current = value_normalize(cur);
                free(cur);
                if (!row->current)
                        return -ENOMEM;
        }
        const struct kb_entry *e = kb_lookup(s->key);
        if (q == -EACCES || (e && e->write_only)) {
                row->status = DIFF_WRITE_ONLY;
                free(row->current);
                row->current = NULL;
                row->reason = strdup("write-only: written on apply, never read back");
        } else if (q < 0 && s->optional) {
                row->status = DIFF_SKIP;
                row->reason = str_printf("%s on the target (optional)", q == -ENOENT ? "absent" : strerror(-q));
        } else if (q < 0) {
                row->status = DIFF_ERROR;
                row->reason = strdup(q == -ENOENT ? "absent on the target" : strerror(-q));
                char *hint = q == -ENOENT ? kb_absence_hint(s->key) : strdup("");
                if (hint && !strmap_get(errs, s->key, NULL))
                        findings_add(f, SEV_ERROR, q == -ENOENT ? "key-absent" : "read-error", s->key, &s->loc,
                                     "%s: %s%s", s->key, q == -ENOENT ? "no such key on the target" : strerror(-q),
                                     hint);
                if (!hint)
                        return -ENOMEM;
                free(hint);
        } else if (strmap_get(errs, s->key, NULL)) {
                row->status = DIFF_ERROR;
                row->reason = strdup("invalid setting (see findings)");
        } else {
                int r = compare(s, row->current, &row->status, &row->reason);
                char *why = r == 0 && row->status == DIFF_CHANGE ? blocker(o->target, s, e) : NULL;
                if (why) {
                        row->status = DIFF_ERROR;
                        free(row->reason);
                        row->reason = why;
                        findings_add(f, SEV_ERROR, "cannot-write", s->key, &s->loc, "%s: cannot be set here: %s",
                                     s->key, why);
                }
                return r;
        }
        return row->reason ? 0 : -ENOMEM;
}

int diff_compute(const struct profile *p, const struct validate_opts *o, struct findings *f, struct diff **ret)
{
        struct diff *d = calloc(1, sizeof(*d));
        if (!d)
                return -ENOMEM;
        d->rows = calloc(p->n_settings ? p->n_settings : 1, sizeof(*d->rows));
        if (!d->rows) {
                free(d);
                return -ENOMEM;
        }
        int r = 0;
        /* The keys validation found in error, in a table (findings_has_error_for per key is
         * quadratic with 100 000 keys). Each key is one setting, so the errors this loop adds
         * concern only the key that adds them. */
        struct strmap errs = {0};
        for (size_t i = 0; i < f->n && r == 0; i++)
                if (f->v[i].severity == SEV_ERROR && f->v[i].key)
                        r = strmap_put(&errs, f->v[i].key, i);
        for (size_t i = 0; i < p->n_settings && r == 0; i++) {
                struct diff_row *row = &d->rows[d->n++];
                r = fill_row(&p->settings[i], o, &errs, f, row);
        }
        strmap_release(&errs);
        if (r < 0 || f->oom) {
                diff_free(d);
                return r < 0 ? r : -ENOMEM;
        }
        for (size_t i = 0; i < d->n; i++)
                d->count[d->rows[i].status]++;
        *ret = d;
        return 0;
}

void diff_free(struct diff *d)
{
        if (!d)
                return;
        for (size_t i = 0; i < d->n; i++) {
                free(d->rows[i].current);
                free(d->rows[i].reason);
        }
        free(d->rows);
        free(d);
}

const char *diff_status_name(enum diff_status s)
{
        static const char *const names[] = {"ok", "change", "skip", "error", "write-only"};
        return s < _DIFF_STATUS_MAX ? names[s] : "?";
}
