/* SPDX-License-Identifier: MIT */
/* twtune verify: do the live values and the persisted file still match the last applied
 * generation (or a named profile)? Read-only; exit 1 on drift. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot_check.h"
#include "cli.h"
#include "errors.h"
#include "format.h"
#include "interval.h"
#include "kb.h"
#include "load_profile.h"
#include "managed.h"
#include "netns.h"
#include "open_target.h"
#include "options.h"
#include "output.h"
#include "rows.h"
#include "state.h"
#include "state_lock.h"
#include "sysroot.h"
#include "target.h"
#include "textdiff.h"
#include "txn.h"
#include "txn_report.h"
#include "util.h"
#include "value.h"
#include "verify_prom.h"

#define VERIFY_DEFAULT_WAIT_MS 10000

struct check {
        const char *key;
        const char *expected;
        char *live; /* NULL: absent or unreadable */
        bool drift;
        const char *baseline; /* its value before twtune (what a boot leaves when nothing sets it), or NULL */
};

struct args {
        const char *netns, *prom_file;
        unsigned long wait_ms;
        bool boot;
};

static int on_opt(struct cli *c, int opt, const char *arg, void *ud)
{
        struct args *a = ud;
        if (opt == 'w')
                return cli_parse_wait(c, arg, &a->wait_ms);
        if (opt == 'b') {
                a->boot = true;
                return 0;
        }
        if (opt == 'P') {
                a->prom_file = arg;
                return 0;
        }
        if (opt != 'n')
                return cli_usage_error(c, "unexpected option");
        a->netns = arg;
        return 0;
}

/* "ok", "modified", "missing" or "unexpected" for the persisted file; *ret_diff (if given) the
 * unified diff from the file recorded to the file there, when the whole file is compared. */
static const char *file_status(struct sysroot *sr, bool want_present, const char *want, size_t want_len, bool body_only,
                               char **ret_diff)
{
        int dfd = sysroot_open_dir(sr, SYSROOT_SYSCTL_D, false);
        char *cur = NULL;
        size_t len = 0;
        int r = dfd >= 0 ? txn_read_file(dfd, &cur, &len) : dfd;
        if (dfd >= 0)
                close(dfd);
        const char *st;
        if (r < 0)
                st = want_present ? "missing" : r == -ENOENT ? "ok" : "modified";
        else if (!want_present)
                st = "unexpected";
        else if (body_only)
                st = strcmp(txn_file_body(cur), want) == 0 ? "ok" : "modified";
        else
                st = len == want_len && memcmp(cur, want, len) == 0 ? "ok" : "modified";
        if (ret_diff && !body_only && strcmp(st, "ok") != 0 && (r == 0 || r == -ENOENT))
                *ret_diff = textdiff_unified(want_present ? want : NULL, want_len, r == 0 ? cur : NULL, len,
                                             "generation", "now");
        free(cur);
        return st;
}

/* Opens the state directory read-only (*ret NULL when there is none) and takes its lock shared,
 * waiting up to wait_ms. Returns 0 or an exit code after printing why. */
static int open_state_shared(struct cli *c, struct sysroot *sr, unsigned long wait_ms, struct state **ret)
{
        int r = cli_open_state(c, sr, false, ret);
        if (r)
                return r;
        /* A user who may not open the lock reads without it: a transaction in progress then shows
         * as its journal (pending), which is drift, never as a half-done state taken for the truth. */
        if (*ret && (r = state_lock_shared(*ret, wait_ms)) < 0 && r != -EACCES)
                return cli_error(c, EXIT_ENV, "%s", r == -EWOULDBLOCK ? "a transaction is still in progress; give "
                                 "--wait SECONDS to wait longer" : strerror(-r));
        return 0;
}

/* verify PROFILE: the profile loaded, validated and diffed against target t, with the options it
 * was judged with in *vo. Returns 0 or an exit code (a profile with errors is invalid). */
static int prepare_profile(struct cli *c, const char *arg, struct target *t, struct validate_opts *vo,
                           struct profile **ret_p, struct findings *f, struct diff **ret_d)
{
        *vo = (struct validate_opts){.target = t, .netns = c->in_netns};
        cli_kernel(c, t, &vo->kernel, &vo->kernel_known);
        int exit_code = cli_prepare(c, arg, vo, ret_p, f, ret_d);
        if (!exit_code && findings_count(f, SEV_ERROR)) {
                if (c->format != FMT_JSON)
                        cli_out_findings(c, f, c->out);
                exit_code = cli_error(c, EXIT_INVALID, "%s is invalid", cli_profile_label(arg, *ret_p));
        }
        return exit_code;
}

/* The transaction profile p would make against the live values, given what twtune manages (m,
 * filled here). Returns 0 or an exit code after printing why it cannot be planned. */
static int plan_profile(struct cli *c, struct sysroot *sr, struct state *st, const struct profile *p,
                        const struct validate_opts *vo, struct managed *m, struct txn **ret_x)
{
        char *bad_key = NULL;
        cli_managed(c, sr, st, m);
        int r = txn_from_profile(p, vo, sr, true, m, ret_x, &bad_key);
        if (r < 0) {
                r = cli_plan_error(c, bad_key, r);
                free(bad_key);
                return r;
        }
        return 0;
}

/* The keys a planned transaction sets, each with the value it must have and its live one (*ret_n
 * of them); NULL when out of memory. */
static struct check *checks_of_plan(const struct txn *x, const struct managed *m, size_t *ret_n)
{
        struct check *checks = calloc(x->n + 1, sizeof(*checks));
        size_t n = 0;
        for (size_t i = 0; checks && i < x->n; i++) {
                if (x->items[i].dependent || x->items[i].write_only)
                        continue;
                const struct managed_key *k = managed_find(m, x->items[i].key);
                checks[n++] = (struct check){x->items[i].key, x->items[i].after, strdup(x->items[i].before),
                                             x->items[i].write, k ? k->baseline : NULL};
        }
        *ret_n = n;
        return checks;
}

/* The newest generation in *ret (NULL when there is none). Returns 0 or an exit code after
 * printing why it cannot be read. */
static int last_generation(struct cli *c, struct state *st, struct record **ret)
{
        unsigned long *ids = NULL;
        size_t ng = 0;
        int r = state_generations(st, &ids, &ng);
        if (r == 0 && ng)
                r = state_generation_read(st, ids[ng - 1], ret);
        free(ids);
        if (r < 0)
                return cli_error(c, EXIT_ENV, "cannot read the last generation: %s",
                                 r == -EBADMSG ? "damaged record"
                                 : r == -EACCES ? "Permission denied (only root may read it: run as root, "
                                                  "or chmod 0644 the records in /var/lib/twtune/generations)"
                                                : strerror(-r));
        return 0;
}

/* The keys generation g (NULL: none) manages, each with the value it set and the live one read now
 * (*ret_n of them); NULL when out of memory. */
static struct check *checks_of_generation(struct sysroot *sr, const struct record *g, size_t *ret_n)
{
        struct check *checks = calloc((g ? g->n_keys : 0) + 1, sizeof(*checks));
        size_t n = 0;
        for (size_t i = 0; checks && g && i < g->n_keys; i++) {
                char *live = NULL;
                /* Dependents and write-only keys have nothing of their own to compare; a restored
                 * key is no longer managed, nor is a key a rollback put back to its baseline. */
                if (g->keys[i].dependent || g->keys[i].write_only || g->keys[i].restored)
                        continue;
                const struct rec_base *base = NULL;
                for (size_t k = 0; k < g->n_base && !base; k++)
                        if (strcmp(g->base[k].key, g->keys[i].key) == 0)
                                base = &g->base[k];
                if (g->has_base && !base)
                        continue;
                if (sysroot_read_sysctl(sr, g->keys[i].key, &live) == 0) {
                        char *norm = value_normalize(live);
                        free(live);
                        live = norm;
                }
                checks[n++] = (struct check){g->keys[i].key, g->keys[i].after, live,
                                             !live || !kb_value_equal(g->keys[i].key, live, g->keys[i].after),
                                             base ? base->value : NULL};
        }
        *ret_n = n;
        return checks;
}

/* What the next boot gives each checked key, as findings (errors with --boot, else warnings).
 * Returns the keys that count as drift: those the boot loses, with --boot only. */
static size_t boot_check_keys(struct cli *c, struct sysroot *sr, const struct check *checks, size_t n, bool boot,
                              struct findings *f)
{
        struct boot_verify *bv = calloc(n, sizeof(*bv));
        for (size_t i = 0; bv && i < n; i++)
                bv[i] = (struct boot_verify){checks[i].key, checks[i].expected, checks[i].live,
                                             checks[i].baseline, boot ? SEV_ERROR : SEV_WARNING};
        size_t lost = bv ? cli_boot_verify(c, sr, bv, n, f) : 0;
        free(bv);
        return boot ? lost : 0;
}

/* A row for each checked key, its source generation g when there is one. */
static void checks_rows(struct rows *rows, const struct check *checks, size_t n, const struct record *g)
{
        char source[32];
        snprintf(source, sizeof(source), "generation %lu", g ? g->generation : 0);
        for (size_t i = 0; i < n; i++)
                rows_add(rows, &(struct row){.key = (char *)checks[i].key, .current = checks[i].live,
                                             .desired = (char *)checks[i].expected, .mode = "value",
                                             .status = checks[i].drift ? "drift" : "ok", .source = g ? source : NULL,
                                             .reason = checks[i].drift && !checks[i].live ? "absent or unreadable" : NULL});
}

static void print(struct cli *c, const struct profile *p, const struct record *g, bool pending, const struct rows *rows,
                  const char *fstat_, const char *fpath, const char *fdiff, const struct findings *f, size_t drifted,
                  struct sysroot *sr, struct state *st)
{
        if (c->format == FMT_PROMETHEUS)
                return; /* verify_prometheus prints it */
        if (c->format == FMT_JSON) {
                json_begin(c);
                fprintf(c->out, ", \"drift\": %s, \"generation\": ", drifted ? "true" : "false");
                if (g)
                        fprintf(c->out, "%lu", g->generation);
                else
                        fputs("null", c->out);
                cli_json_state(c, sr, st);
                json_member(c->out, "profile", p ? p->name : g ? g->profile : NULL);
                cli_netns_json(c, true);
                fprintf(c->out, ", \"interrupted\": %s", pending ? "true" : "false");
                out_rows(c, rows);
                fputs(",\n  \"file\": ", c->out);
                if (fstat_) {
                        fputs("{\"path\": ", c->out);
                        json_str(c->out, fpath);
                        json_member(c->out, "status", fstat_);
                        json_member(c->out, "diff", fdiff ? fdiff : "");
                        fputc('}', c->out);
                } else
                        fputs("null", c->out);
                fputs(",\n  ", c->out);
                out_findings_json(c, f);
                fputs("}\n", c->out);
                return;
        }
        if (rows->n)
                out_rows(c, rows);
        cli_out_findings(c, f, c->out);
        /* Problems that are not rows: as text lines, or ::error annotations. */
        struct findings more = {0};
        if (pending)
                findings_add(&more, SEV_ERROR, "interrupted", NULL, NULL,
                             "an interrupted transaction is pending; run 'twtune recover'");
        if (fstat_ && strcmp(fstat_, "ok") != 0)
                findings_add(&more, SEV_ERROR, "file-drift", NULL, NULL, "%s is %s", fpath, fstat_);
        if (c->format == FMT_GITHUB)
                out_findings_github(c, &more);
        else
                for (size_t i = 0; i < more.n; i++)
                        out_line(c->out, "drift: %s", more.v[i].message);
        findings_release(&more);
        for (const char *l = fdiff && c->format != FMT_GITHUB ? fdiff : ""; *l;) {
                size_t len = strcspn(l, "\n");
                out_line(c->out, "  %.*s", (int)len, l);
                l += len + (l[len] == '\n');
        }
        cli_netns_note(c, true);
        if (c->quiet)
                return;
        if (drifted)
                out_line(c->out, "drift: %zu difference%s from %s", drifted, drifted == 1 ? "" : "s",
                         p ? p->name : g ? g->profile : "?");
        else if (!p && !g)
                fputs("no generation applied: nothing to verify\n", c->out);
        else
                out_line(c->out, "no drift: %zu key%s%s match %s", rows->n, rows->n == 1 ? "" : "s",
                         fstat_ ? " and the persisted file" : "", p ? p->name : g->profile);
}

/* About 100 lines: the steps are the helpers above; what is left is their locals, each released
 * once at the end. */
int cmd_verify(struct cli *c, int argc, char **argv);
int cmd_verify(struct cli *c, int argc, char **argv)
{
        static const struct option opts[] = {
                {"netns", required_argument, NULL, 'n'},
                {"wait", required_argument, NULL, 'w'},
                {"boot", no_argument, NULL, 'b'},
                {"prometheus-file", required_argument, NULL, 'P'},
                {0},
        };
        /* A reader waits for a transaction in progress rather than report its half-way state. */
        struct args a = {.wait_ms = VERIFY_DEFAULT_WAIT_MS};
        int first;
        int r = cli_parse(c, c->command, argc, argv, opts, on_opt, &a, &first);
        if (r >= 0)
                return r;
        if (argc - first > 1)
                return cli_usage_error(c, "verify takes at most one profile");
        if ((r = cli_enter_netns(c, a.netns)))
                return r;

        struct sysroot *sr = NULL;
        struct target *t = NULL;
        struct state *st = NULL;
        struct record *g = NULL, *j = NULL;
        struct profile *p = NULL;
        struct diff *d = NULL;
        struct txn *x = NULL;
        struct findings f = {0};
        struct check *checks = NULL;
        size_t n = 0;
        struct rows rows = {0};
        const char *fstat_ = NULL;
        char *fpath = NULL, *fdiff = NULL;
        struct managed m = {0};
        int exit_code = 0;
        if ((exit_code = cli_open_target(c, NULL, &sr, &t)))
                return exit_code;
        fpath = sysroot_dir_path(sr, SYSROOT_SYSCTL_D, TXN_FILE_NAME);

        if ((exit_code = open_state_shared(c, sr, a.wait_ms, &st)))
                goto out;
        bool pending = st && state_journal_read(st, &j) != -ENOENT;
        if (argc > first) {
                struct validate_opts vo;
                exit_code = prepare_profile(c, argv[first], t, &vo, &p, &f, &d);
                if (exit_code) { /* JSON: the result, with no rows, for the findings */
                        if (c->format == FMT_JSON)
                                print(c, p, NULL, pending, &rows, NULL, fpath, NULL, &f, 0, sr, st);
                        goto out;
                }
                if ((exit_code = plan_profile(c, sr, st, p, &vo, &m, &x)))
                        goto out;
                checks = checks_of_plan(x, &m, &n);
                if (!c->state_sub) /* nothing is persisted for another namespace */
                        fstat_ = file_status(sr, true, x->body, strlen(x->body), true, NULL);
        } else if (st) {
                if ((exit_code = last_generation(c, st, &g)))
                        goto out;
                checks = checks_of_generation(sr, g, &n);
                if (g && g->persist)
                        fstat_ = file_status(sr, g->file_present, g->file, g->file_len, false, &fdiff);
        }
        if (!checks && (x || g)) {
                exit_code = cli_error(c, EXIT_ENV, "%s", strerror(ENOMEM));
                goto out;
        }

        size_t drifted = pending;
        for (size_t i = 0; i < n; i++)
                drifted += checks[i].drift;
        drifted += fstat_ && strcmp(fstat_, "ok") != 0;
        /* What the next boot gives each managed key (the hierarchy's value, or with none the kernel's,
         * its baseline): drift with --boot, a warning without. Another namespace has no boot here. */
        if (n && !c->state_sub)
                drifted += boot_check_keys(c, sr, checks, n, a.boot, &f);
        checks_rows(&rows, checks, n, g);
        print(c, p, g, pending, &rows, fstat_, fpath, fdiff, &f, drifted, sr, st);
        exit_code = drifted ? EXIT_DRIFT : EXIT_OK;
        struct verify_prom vp = {&rows, g ? g->generation : 0, pending, fstat_, drifted};
        if ((a.prom_file || c->format == FMT_PROMETHEUS) && (r = verify_prometheus(c, a.prom_file, &vp)))
                exit_code = r;
out:
        rows_release(&rows);
        for (size_t i = 0; i < n; i++)
                free(checks[i].live);
        free(checks);
        free(fpath);
        free(fdiff);
        managed_release(&m);
        txn_free(x);
        diff_free(d);
        profile_free(p);
        findings_release(&f);
        record_free(g);
        record_free(j);
        state_free(st);
        target_free(t);
        sysroot_free(sr);
        return exit_code;
}
