/* SPDX-License-Identifier: MIT */
#include "validate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "target.h"
#include "validate_internal.h"
#include "util.h"
#include "value.h"

bool setting_active(const struct setting *s, const struct validate_opts *o)
{
        /* With the kernel unknown a condition cannot be decided: treat the setting as wanted. */
        return !s->has_when || !o->kernel_known || kcond_eval(&s->when, o->kernel);
}

bool setting_removed_noop(const struct setting *s, const struct validate_opts *o)
{
        const struct kb_entry *e = kb_lookup(s->key);
        return e && e->removed_noop && o->kernel_known && kver_is_set(e->removed) && kver_cmp(o->kernel, e->removed) >= 0 &&
               s->mode == SET_EXACT && value_equal(s->value, e->removed_noop);
}

static const char *kv(struct kver v, char *buf)
{
        return kver_format(v, buf, 32);
}

/* An integer token; reports bad-type or out-of-range and returns false when it is not one. */
static bool check_int(const struct kb_entry *e, const struct setting *s, const struct validate_opts *o, const char *tok,
                      long long *ret, struct findings *f)
{
        int r = parse_kernel_int(tok, ret);
        if (r == -ERANGE) {
                findings_add(f, SEV_ERROR, "out-of-range", s->key, &s->loc, "%s: %s does not fit in 64 bits", s->key, tok);
                return false;
        }
        if (r < 0) {
                findings_add(f, SEV_ERROR, "bad-type", s->key, &s->loc, "%s: '%s' is not an integer (%s expects %s)", s->key,
                             tok, s->key, kb_type_name(e->type));
                return false;
        }
        struct kb_facts k = kb_facts_at(e, o->kernel, o->kernel_known);
        if (k.kernel_range && (*ret < k.kmin || *ret > k.kmax)) {
                /* Seen on a kernel but not confirmed at a source: a warning (--strict makes it an error). */
                findings_add(f, k.kernel_range_confirmed ? SEV_ERROR : SEV_WARNING, "out-of-range", s->key, &s->loc,
                             "%s: %s is outside %lld..%lld; the kernel rejects it (EINVAL)%s", s->key, tok, k.kmin, k.kmax,
                             k.kernel_range_confirmed ? "" : " (seen on Linux 6.18; not confirmed at a source)");
                return !k.kernel_range_confirmed; /* an unconfirmed range: well-formed, one warning */
        }
        if ((*ret < k.min || *ret > k.max) && k.enforced) {
                findings_add(f, SEV_ERROR, "out-of-range", s->key, &s->loc,
                             "%s: %s is outside %lld..%lld; the kernel rejects it (EINVAL)", s->key, tok, k.min, k.max);
                return false;
        }
        /* A value the kernel takes is the user's call: twtune warns (--strict makes it an error). */
        if (*ret < k.min || *ret > k.max)
                findings_add(f, SEV_WARNING, "out-of-range", s->key, &s->loc, "%s: %s is outside %lld..%lld; %s", s->key,
                             tok, k.min, k.max, e->range_note ? e->range_note : "the kernel takes it, but it makes no sense");
        if (tok[0] == '0' && tok[1] >= '0' && tok[1] <= '9')
                findings_add(f, SEV_WARNING, "octal-number", s->key, &s->loc,
                             "%s: the kernel reads %s as octal (%lld); drop the leading zero or write it in decimal", s->key,
                             tok, *ret);
        return true;
}

static bool check_portlist(const struct setting *s, struct findings *f)
{
        int r = strchr(s->value, ' ') ? -EINVAL : portlist_parse(s->value, 0, 0, NULL);
        if (r == -ERANGE)
                findings_add(f, SEV_ERROR, "out-of-range", s->key, &s->loc, "%s: ports are 0..65535 and ranges run low-high",
                             s->key);
        else if (r < 0)
                findings_add(f, SEV_ERROR, "bad-type", s->key, &s->loc,
                             "%s: '%s' is not a port list such as \"8080,9000-9100\" (no spaces)", s->key, s->value);
        return r == 0;
}

/* Type and range of the value. Returns true when it is well-formed. */
static bool check_value(const struct kb_entry *e, const struct setting *s, const struct validate_opts *o,
                        struct findings *f)
{
        if (s->mode != SET_EXACT && (e->type == KB_VECTOR || e->type == KB_STRING || e->type == KB_PORTLIST)) {
                findings_add(f, SEV_ERROR, "bad-mode", s->key, &s->loc, "%s: '%s' applies to single integers, not a %s",
                             s->key, setting_mode_name(s->mode), kb_type_name(e->type));
                return false;
        }
        if (e->type == KB_PORTLIST)
                return check_portlist(s, f);
        if (e->type == KB_STRING) {
                /* proc_dostring keeps the line as written: a pipe with its arguments
                 * ("|/usr/lib/systemd/systemd-coredump %P %u ...", systemd's 50-coredump.conf) and a
                 * list of names are one value; a name (qdisc, congestion control) is one word. */
                bool bad = e->free_text ? strchr(s->value, '\n') != NULL : !*s->value || strpbrk(s->value, " \t\n");
                if (bad) {
                        findings_add(f, SEV_ERROR, "bad-type", s->key, &s->loc, "%s: %s", s->key,
                                     e->free_text ? "expects one line of text" : "expects a single word");
                        return false;
                }
                return true;
        }
        char **tok;
        size_t n;
        if (value_split(s->value, &tok, &n) < 0) {
                f->oom = true;
                return false;
        }
        bool ok = true;
        if (n > e->nvalues && e->nvalues >= 1) {
                /* The kernel parses as many values as the key holds and ignores the rest (observed 6.18:
                 * "33 44" into tcp_fin_timeout leaves 33, and sysctl -p succeeds). */
                findings_add(f, SEV_WARNING, "extra-fields", s->key, &s->loc,
                             "%s: %zu fields, but the key holds %u; the kernel keeps the first %u and ignores the rest",
                             s->key, n, e->nvalues, e->nvalues);
                n = e->nvalues;
        } else if (n != e->nvalues) {
                if (e->nvalues == 1)
                        findings_add(f, SEV_ERROR, "bad-type", s->key, &s->loc, "%s: expects one %s, got %zu values",
                                     s->key, kb_type_name(e->type), n);
                else
                        findings_add(f, SEV_ERROR, "bad-type", s->key, &s->loc, "%s: expects %u integers, got %zu", s->key,
                                     e->nvalues, n);
                ok = false;
        }
        for (size_t i = 0; ok && i < n; i++) {
                long long x;
                ok = check_int(e, s, o, tok[i], &x, f);
        }
        value_tokens_free(tok);
        return ok;
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

/* Adds port to the finding's text (the first few, named) and to the reservation it suggests. */
static void note_port(struct strbuf *text, struct strbuf *ports, size_t *n, unsigned port, const char *what)
{
        if (*n < 6)
                sb_appendf(text, "%s%u (%s)", *n ? ", " : "", port, what);
        sb_appendf(ports, "%s%u", *n ? "," : "", port);
        (*n)++;
}

static bool reserved_port(const char *reserved, unsigned port)
{
        unsigned long in = 0;
        return reserved && portlist_parse(reserved, port, port, &in) == 0 && in;
}

/* The well-known service ports, and the ports listeners hold on a live target, inside the
 * ephemeral range and not reserved: an outgoing connection can hold one when the service
 * restarts, and bind() then fails with EADDRINUSE. */
static void check_service_ports(const struct profile *p, const struct validate_opts *o, const struct setting *s,
                                long long lo, long long hi, struct findings *f)
{
        bool from_profile, listener = false;
        char *reserved = validate_effective(p, o, "net.ipv4.ip_local_reserved_ports", &from_profile);
        struct strbuf text = {0}, ports = {0};
        size_t n = 0;
        for (const struct kb_service_port *sp = kb_service_ports(); sp->port; sp++)
                if (sp->port >= lo && sp->port <= hi && !reserved_port(reserved, sp->port))
                        note_port(&text, &ports, &n, sp->port, sp->service);
        for (long long port = lo; o->listen_ports && port <= hi && port <= 65535; port++) {
                bool known = false;
                if (!(o->listen_ports[port >> 3] & (1u << (port & 7))) || reserved_port(reserved, (unsigned)port))
                        continue;
                for (const struct kb_service_port *sp = kb_service_ports(); sp->port && !known; sp++)
                        known = sp->port == port;
                if (!known) {
                        note_port(&text, &ports, &n, (unsigned)port, "a listener on the target");
                        listener = true;
                }
        }
        free(reserved);
        if (n > 6)
                sb_appendf(&text, " and %zu more", n - 6);
        char *list = sb_steal(&text), *res = sb_steal(&ports);
        if (n && list && res)
                findings_add(f, SEV_WARNING, "port-range-covers-service-port", s->key, &s->loc,
                             "%s: %lld..%lld holds ports services listen on: %s. An outgoing connection can take one, and "
                             "the service then cannot bind() it after a restart (EADDRINUSE). Reserve them "
                             "(net.ipv4.ip_local_reserved_ports = %s)%s", s->key, lo, hi, list, res,
                             listener ? "" : ", or start the range at 32768 or above, clear of twtune's list");
        else if (n)
                f->oom = true;
        free(list);
        free(res);
}

static void check_port_range(const struct profile *p, const struct validate_opts *o, const struct setting *s,
                             struct findings *f)
{
        long long lo, hi;
        char **tok;
        if (value_split(s->value, &tok, NULL) < 0) {
                f->oom = true;
                return;
        }
        bool ok = parse_kernel_int(tok[0], &lo) == 0 && parse_kernel_int(tok[1], &hi) == 0;
        value_tokens_free(tok);
        if (!ok)
                return;
        if (lo > hi) {
                findings_add(f, SEV_ERROR, "port-range-order", s->key, &s->loc,
                             "%s: low end %lld is above high end %lld; the kernel rejects it (EINVAL)", s->key, lo, hi);
                return;
        }
        /* The kernel takes it and logs one line once; connect() then uses half the range less well. */
        if ((lo & 1) == (hi & 1))
                findings_add(f, SEV_INFO, "port-range-parity", s->key, &s->loc,
                             "%s: %lld and %lld have the same parity; since 4.2 the kernel logs 'prefer different parity' "
                             "because connect() and bind() split the range by parity (e.g. use %lld %lld)",
                             s->key, lo, hi, lo, hi < 65535 ? hi + 1 : hi - 1);
        check_service_ports(p, o, s, lo, hi, f);
        long long start = 1024;
        bool from_profile = false;
        bool known = validate_effective_int(p, o, "net.ipv4.ip_unprivileged_port_start", &start, &from_profile);
        if (!known && o->kernel_known && kver_cmp(o->kernel, KVER(4, 11)) < 0)
                return; /* no such restriction before ip_unprivileged_port_start (4.11) */
        if (lo < start)
                findings_add(f, SEV_ERROR, "port-range-below-unprivileged", s->key, &s->loc,
                             "%s: low end %lld is below net.ipv4.ip_unprivileged_port_start (%lld%s); the kernel rejects "
                             "it (EINVAL)",
                             s->key, lo, start, from_profile ? ", set by this profile" : known ? ", on the target" : ", its default");
}

static void check_hazards(const struct profile *p, const struct validate_opts *o, const struct setting *s,
                          const struct kb_entry *e, struct findings *f)
{
        long long v = 0, x;
        bool from_profile;
        bool is_int = e->nvalues == 1 && e->type != KB_STRING && parse_kernel_int(s->value, &v) == 0;

        if (strcmp(s->key, "net.ipv4.ip_local_port_range") == 0) {
                check_port_range(p, o, s, f);
        } else if (strcmp(s->key, "net.ipv4.ip_unprivileged_port_start") == 0 && is_int &&
                   !profile_find(p, "net.ipv4.ip_local_port_range")) {
                char *r = validate_effective(p, o, "net.ipv4.ip_local_port_range", &from_profile);
                long long lo;
                char **tok = NULL;
                if (r && value_split(r, &tok, NULL) == 0 && tok[0] && parse_kernel_int(tok[0], &lo) == 0 && v > lo)
                        findings_add(f, SEV_ERROR, "port-range-below-unprivileged", s->key, &s->loc,
                                     "%s: %lld is above the low end of net.ipv4.ip_local_port_range on the target (%lld); "
                                     "the kernel rejects it (EINVAL)", s->key, v, lo);
                value_tokens_free(tok);
                free(r);
        } else if (strcmp(s->key, "net.ipv4.tcp_tw_reuse") == 0 && is_int && v != 0) {
                if (validate_effective_int(p, o, "net.ipv4.tcp_timestamps", &x, &from_profile) && x == 0)
                        findings_add(f, SEV_WARNING, "reuse-needs-timestamps", s->key, &s->loc,
                                     "%s is on but net.ipv4.tcp_timestamps is 0 (%s): TIME_WAIT reuse needs timestamps on "
                                     "both ends, so this does nothing", s->key, from_profile ? "in this profile" : "on the target");
        } else if (strcmp(s->key, "net.ipv4.tcp_tw_recycle") == 0 && is_int && v != 0 &&
                   !(kver_is_set(e->removed) && o->kernel_known && kver_cmp(o->kernel, e->removed) >= 0)) {
                findings_add(f, SEV_WARNING, "tw-recycle-nat", s->key, &s->loc, "%s=1 drops connections from clients behind "
                             "NAT (their shared address mixes timestamp clocks); it was removed in 4.12 for that reason", s->key);
        } else if (strcmp(s->key, "net.ipv4.tcp_fin_timeout") == 0) {
                findings_add(f, SEV_INFO, "fin-timeout-is-not-time-wait", s->key, &s->loc,
                             "%s limits how long an orphaned socket waits in FIN_WAIT2; it does not shorten TIME_WAIT, "
                             "which is fixed at 60 s (TCP_TIMEWAIT_LEN)", s->key);
        } else if (strcmp(s->key, "net.ipv4.tcp_max_tw_buckets") == 0 && is_int) {
                char *cur = NULL;
                long long c;
                bool have = o->target && target_get(o->target, s->key, &cur) == 0 && parse_kernel_int(cur, &c) == 0;
                free(cur);
                if (have ? v < c : v < 16384)
                        findings_add(f, SEV_WARNING, "tw-buckets-too-low", s->key, &s->loc,
                                     "%s=%lld is below %s: past the limit closing sockets skip TIME_WAIT "
                                     "(TcpExtTCPTimeWaitOverflow) instead of being protected by it; fewer TIME_WAIT sockets "
                                     "this way is not a fix", s->key, v,
                                     have ? "the target's current value" : "typical kernel defaults (half the established hash)");
        } else if (strcmp(s->key, "net.ipv4.tcp_max_syn_backlog") == 0 && is_int) {
                if (validate_effective_int(p, o, "net.core.somaxconn", &x, &from_profile) && x < v)
                        findings_add(f, SEV_INFO, "syn-backlog-capped", s->key, &s->loc,
                                     "%s=%lld, but net.core.somaxconn is %lld (%s): listen() backlogs, and with them the "
                                     "queues, are capped by somaxconn", s->key, v, x,
                                     from_profile ? "in this profile" : "on the target");
        }
}

static void validate_setting(const struct profile *p, const struct validate_opts *o, const struct setting *s,
                             struct findings *f)
{
        char b1[32], b2[32];
        const struct kb_entry *e = kb_lookup(s->key);
        bool active = setting_active(s, o);

        if (!e) {
                if (active)
                        validate_unknown(o, s, f);
                return;
        }

        if (o->netns && active && e->scope != KB_NETNS)
                findings_add(f, SEV_ERROR, "not-per-netns", s->key, &s->loc,
                             "%s is %s, not per network namespace: it cannot be set from inside --netns", s->key,
                             e->scope == KB_IPCNS ? "per IPC namespace" : e->scope == KB_UTSNS ? "per UTS namespace" : "global");
        else if (o->netns && active && o->kernel_known && kver_is_set(e->netns_since) &&
                 kver_cmp(o->kernel, e->netns_since) < 0)
                findings_add(f, e->verified & KBV_NETNS ? SEV_ERROR : SEV_WARNING, "not-per-netns", s->key, &s->loc,
                             "%s is per network namespace only since Linux %s%s (validating for %s): before, it is absent "
                             "inside a namespace", s->key, kv(e->netns_since, b1),
                             e->verified & KBV_NETNS ? "" : " (unconfirmed)", kv(o->kernel, b2));
        bool well_formed = check_value(e, s, o, f);
        if (e->read_only)
                findings_add(f, SEV_ERROR, "read-only", s->key, &s->loc, "%s is read-only", s->key);
        if (!active || !o->kernel_known)
                goto hazards;

        if (setting_removed_noop(s, o)) {
                findings_add(f, SEV_INFO, "removed-key-off", s->key, &s->loc,
                             "%s was removed in Linux %s (validating for %s); %s asks for nothing it did, so it is "
                             "skipped: drop it from the profile", s->key, kv(e->removed, b1), kv(o->kernel, b2), s->value);
                return;
        }
        if (kver_is_set(e->removed) && kver_cmp(o->kernel, e->removed) >= 0) {
                enum severity sev = s->optional || !(e->verified & KBV_REMOVED) ? SEV_WARNING : SEV_ERROR;
                findings_add(f, sev, "removed-in-kernel", s->key, &s->loc, "%s was removed in Linux %s (validating for %s). %s",
                             s->key, kv(e->removed, b1), kv(o->kernel, b2), e->hazard ? e->hazard : "");
                return;
        }
        if (kver_is_set(e->introduced) && kver_cmp(o->kernel, e->introduced) < 0) {
                enum severity sev = s->optional || !(e->verified & KBV_INTRODUCED) ? SEV_WARNING : SEV_ERROR;
                findings_add(f, sev, "not-yet-in-kernel", s->key, &s->loc, "%s first appeared in Linux %s%s (validating for %s)",
                             s->key, kv(e->introduced, b1), e->verified & KBV_INTRODUCED ? "" : " (unconfirmed)",
                             kv(o->kernel, b2));
                return;
        }
        long long x;
        if (well_formed && kver_is_set(e->top_value_since) && e->nvalues == 1 && parse_kernel_int(s->value, &x) == 0 &&
            x == e->max && kver_cmp(o->kernel, e->top_value_since) < 0) {
                enum severity sev = e->verified & KBV_TOP_VALUE ? SEV_ERROR : SEV_WARNING;
                findings_add(f, sev, "value-not-in-kernel", s->key, &s->loc, "%s: the value %lld exists only since Linux %s%s "
                             "(validating for %s)", s->key, x, kv(e->top_value_since, b1),
                             e->verified & KBV_TOP_VALUE ? "" : " (unconfirmed)", kv(o->kernel, b2));
        }
hazards:
        if (well_formed && active)
                check_hazards(p, o, s, e, f);
}

int validate_profile(const struct profile *p, const struct validate_opts *o, struct findings *f)
{
        char b1[32];
        if (!o->kernel_known) {
                struct srcloc loc = {p->files ? p->files[0] : p->path, 0, 0};
                findings_add(f, SEV_INFO, "kernel-unknown", NULL, &loc,
                             "the kernel version is unknown (give --kernel): version checks and conditions were skipped");
        } else {
                for (size_t i = 0; i < p->n_reqs; i++)
                        if (!kcond_eval(&p->reqs[i].cond, o->kernel))
                                findings_add(f, SEV_ERROR, "kernel-requirement", NULL, &p->reqs[i].loc,
                                             "the profile requires kernel %s; validating for %s", p->reqs[i].text,
                                             kv(o->kernel, b1));
        }
        for (size_t i = 0; i < p->n_settings; i++)
                validate_setting(p, o, &p->settings[i], f);
        check_value_hazards(p, o, f);
        check_exec_hazards(p, o, f);
        return f->oom ? -ENOMEM : 0;
}
