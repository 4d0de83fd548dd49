/* twtune apply: apply a profile live and persist it, as one transaction. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "state.h"
#include "sysroot.h"
#include "target.h"
#include "txn.h"
#include "util.h"

struct args {
        bool dry_run, no_persist;
        unsigned long wait_ms;
        const char *netns;
};

static int on_opt(struct cli *c, int opt, const char *arg, void *ud)
{
        struct args *a = ud;
        switch (opt) {
        case 'd': a->dry_run = true; return 0;
        case 'P': a->no_persist = true; return 0;
        case 'w': return cli_parse_wait(c, arg, &a->wait_ms);
        case 'n': a->netns = arg; return 0;
        default: return cli_usage_error(c, "unexpected option");
        }
}

static const struct txn_item *find_item(const struct txn *t, const char *key)
{
        for (size_t i = 0; i < t->n; i++)
                if (strcmp(t->items[i].key, key) == 0)
                        return &t->items[i];
        return NULL;
}

/* The status of a planned key after (or, dry, before) the transaction. */
static const char *item_status(const struct txn_item *it, bool dry, bool committed)
{
        if (it->dependent && !it->write)
                return "follows"; /* the kernel sets it along with a key above */
        if (it->write_only)
                return !it->write ? "write-only" : dry ? "write" : committed ? "written" : "not-written";
        if (!it->write)
                return "ok";
        return dry ? "change" : committed ? "changed" : "not-changed";
}

/* The same for a setting of the profile, which may have been skipped. */
static const char *status_of(const struct diff_row *row, const struct txn_item *it, bool dry, bool committed)
{
        return row->status == DIFF_SKIP || !it ? "skip" : item_status(it, dry, committed);
}

static void print(struct cli *c, const struct profile *p, const struct diff *d, const struct txn *t, const struct findings *f,
                  bool dry, enum txn_result res, const struct txn_failure *fail, const char *persisted)
{
        bool committed = res == TXN_COMMITTED;
        size_t nw = txn_count_writes(t);
        if (c->format == FMT_JSON) {
                fprintf(c->out, "{\"format\": 1, \"changed\": %s, \"dry_run\": %s", committed ? "true" : "false",
                        dry ? "true" : "false");
                if (committed)
                        fprintf(c->out, ", \"generation\": %lu", t->generation);
                else
                        fputs(", \"generation\": null", c->out);
                json_member(c->out, "profile", p->name);
                json_member(c->out, "persisted", persisted);
                fputs(",\n  \"settings\": [", c->out);
                for (size_t i = 0; i < d->n; i++) {
                        const struct setting *s = d->rows[i].setting;
                        const struct txn_item *it = find_item(t, s->key);
                        json_setting(c->out, i == 0, s, it ? it->before : d->rows[i].current, it ? it->after : s->value,
                                     status_of(&d->rows[i], it, dry, committed), d->rows[i].reason);
                }
                fputs(d->n ? "\n  ],\n  " : "],\n  ", c->out);
                out_findings_json(c, f);
                if (fail && (fail->key || fail->detail || fail->error)) {
                        fputs(",\n  \"error\": {\"key\": ", c->out);
                        json_str(c->out, fail->key);
                        json_member(c->out, "message", fail->detail ? fail->detail : strerror(-fail->error));
                        fputs(", \"left_changed\": [", c->out);
                        for (size_t i = 0; i < fail->n_left; i++) {
                                if (i)
                                        fputs(", ", c->out);
                                json_str(c->out, fail->left_changed[i]);
                        }
                        fprintf(c->out, "], \"file_left_changed\": %s}", fail->file_left_changed ? "true" : "false");
                }
                fputs("}\n", c->out);
                return;
        }
        static const char *const header[] = {"KEY", "CURRENT", "DESIRED", "STATUS"};
        struct table tab = {.ncols = 4};
        for (size_t i = 0; i < t->n; i++) {
                const struct txn_item *it = &t->items[i];
                if (c->quiet && !it->write)
                        continue;
                /* A dependent's value is only known once the kernel has propagated. */
                const char *after = it->dependent && dry ? NULL : it->after;
                table_add(&tab, it->write ? "change" : "ok", it->key, it->before, after, item_status(it, dry, committed));
        }
        table_print(c, &tab, header);
        table_release(&tab);
        for (size_t i = 0; i < t->n; i++)
                if (t->items[i].kept)
                        out_line(c->out, "note: %s: the kernel keeps %s for %s (its own rounding; the persisted file keeps %s)",
                                 t->items[i].key, t->items[i].kept, t->items[i].after, t->items[i].after);
        if (f->n && !c->quiet)
                fputc('\n', c->out);
        if (c->format == FMT_GITHUB)
                out_findings_github(c, f);
        else
                out_findings_text(c, f, c->out);
        if (c->quiet)
                return;
        if (dry)
                out_line(c->out, "dry run: %zu key%s would change%s%s", nw, nw == 1 ? "" : "s",
                         persisted ? "; persisted to " : "", persisted ? persisted : "");
        else if (res == TXN_UNCHANGED)
                out_line(c->out, "nothing to change%s%s", persisted ? "; up to date: " : "", persisted ? persisted : "");
        else if (committed)
                out_line(c->out, "generation %lu: %zu key%s changed%s%s", t->generation, nw, nw == 1 ? "" : "s",
                         persisted ? "; persisted to " : "", persisted ? persisted : "");
        else
                fprintf(c->out, "nothing applied: %s\n",
                        res == TXN_ROLLED_BACK ? "every change was rolled back" : "ROLLBACK INCOMPLETE (see above)");
}

int cmd_apply(struct cli *c, int argc, char **argv);
int cmd_apply(struct cli *c, int argc, char **argv)
{
        static const struct option opts[] = {
                {"dry-run", no_argument, NULL, 'd'},
                {"no-persist", no_argument, NULL, 'P'},
                {"wait", required_argument, NULL, 'w'},
                {"netns", required_argument, NULL, 'n'},
                {0},
        };
        struct args a = {0};
        int first;
        int r = cli_parse(c, command_find("apply"), argc, argv, opts, on_opt, &a, &first);
        if (r >= 0)
                return r;
        if (argc - first != 1)
                return cli_usage_error(c, argc == first ? "no profile given" : "apply takes one profile");
        if ((r = cli_enter_netns(c, a.netns)))
                return r;

        struct sysroot *sr = NULL;
        struct target *t = NULL;
        if ((r = cli_open_target(c, NULL, &sr, &t)))
                return r;
        struct validate_opts vo = {.target = t, .netns = c->in_netns};
        cli_kernel(c, t, &vo.kernel, &vo.kernel_known);

        struct findings f = {0};
        struct profile *p = NULL;
        struct diff *d = NULL;
        struct state *st = NULL;
        struct txn *x = NULL;
        struct txn_failure fail = {0};
        enum txn_result res = TXN_UNCHANGED;
        /* /etc/sysctl.d configures the host's namespace at boot, never a container's. */
        if (c->in_netns)
                a.no_persist = true;
        char *persisted = a.no_persist ? NULL : sysroot_dir_path(sr, SYSROOT_SYSCTL_D, TXN_FILE_NAME);
        int exit_code = cli_prepare(c, argv[first], &vo, &p, &f, &d);
        if (exit_code)
                goto out;
        if (findings_count(&f, SEV_ERROR)) {
                /* Nothing has been touched: refuse before taking the lock. */
                exit_code = EXIT_INVALID;
                if (c->format == FMT_JSON) {
                        fputs("{\"format\": 1, \"changed\": false, \"generation\": null,\n  ", c->out);
                        out_findings_json(c, &f);
                        fputs("}\n", c->out);
                } else if (c->format == FMT_GITHUB)
                        out_findings_github(c, &f);
                else {
                        out_findings_text(c, &f, c->err);
                        cli_error(c, 0, "%s is invalid; nothing was changed", argv[first]);
                }
                goto out;
        }
        if (!a.dry_run && (exit_code = cli_lock_state(c, sr, a.wait_ms, &st)))
                goto out;
        char *bad_key = NULL;
        r = txn_from_profile(p, &vo, sr, !a.no_persist, &x, &bad_key);
        if (r < 0) {
                exit_code = cli_plan_error(c, bad_key, r);
                free(bad_key);
                goto out;
        }
        if (!a.dry_run) {
                r = txn_commit(st, sr, x, &fail, &res);
                if (r < 0) {
                        exit_code = cli_access_error(c, EXIT_ENV, r, "%s: %s; nothing was changed",
                                                     fail.detail ? fail.detail : "cannot start the transaction", strerror(-r));
                        goto out;
                }
        }
        c->changed |= res == TXN_COMMITTED;
        print(c, p, d, x, &f, a.dry_run, res, &fail, persisted);
        if (res == TXN_ROLLED_BACK || res == TXN_RESTORE_FAILED)
                exit_code = cli_txn_exit(c, &fail, res);
out:
        txn_failure_release(&fail);
        txn_free(x);
        state_free(st);
        diff_free(d);
        profile_free(p);
        findings_release(&f);
        free(persisted);
        target_free(t);
        sysroot_free(sr);
        return exit_code;
}
