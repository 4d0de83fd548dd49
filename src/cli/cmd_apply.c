/* SPDX-License-Identifier: MIT */
/* twtune apply: apply a profile live and persist it, as one transaction. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot_check.h"
#include "cli.h"
#include "errors.h"
#include "file_change.h"
#include "format.h"
#include "interval.h"
#include "kb.h"
#include "load_profile.h"
#include "managed.h"
#include "modules_note.h"
#include "netns.h"
#include "open_target.h"
#include "options.h"
#include "output.h"
#include "rows.h"
#include "state.h"
#include "state_lock.h"
#include "sysroot.h"
#include "target.h"
#include "txn.h"
#include "txn_report.h"
#include "util.h"

struct args {
        bool dry_run, no_persist, allow_address_loss;
        unsigned long wait_ms;
        const char *netns;
};

static int on_opt(struct cli *c, int opt, const char *arg, void *ud)
{
        struct args *a = ud;
        switch (opt) {
        case 'd': a->dry_run = true; return 0;
        case 'P': a->no_persist = true; return 0;
        case 'A': a->allow_address_loss = true; return 0;
        case 'w': return cli_parse_wait(c, arg, &a->wait_ms);
        case 'n': a->netns = arg; return 0;
        default: return cli_usage_error(c, "unexpected option");
        }
}

/* name: the profile's, NULL when it could not be loaded. */
static void print(struct cli *c, const char *name, const char *path, const struct validate_opts *vo,
                  const struct rows *rows, const struct txn *t, const struct findings *f, bool dry, enum txn_result res,
                  const char *persisted, const struct txn_file_change *fc, const char *fpath, struct sysroot *sr,
                  struct state *st)
{
        bool committed = res == TXN_COMMITTED;
        size_t nw = t ? txn_count_writes(t) : 0;
        bool drops = false;
        for (size_t i = 0; t && i < t->n; i++)
                drops |= t->items[i].restore;
        if (c->format == FMT_JSON) {
                json_begin(c);
                /* changed: the host changed (or, dry, would change: a key, the file, or what twtune
                 * manages, as the commit would record a generation for each). */
                fprintf(c->out, ", \"dry_run\": %s, \"changed\": %s, \"generation\": ", dry ? "true" : "false",
                        (dry ? nw > 0 || drops || (fc && fc->write) : committed) ? "true" : "false");
                if (committed)
                        fprintf(c->out, "%lu", t->generation);
                else
                        fputs("null", c->out);
                cli_json_state(c, sr, st);
                json_member(c->out, "profile", name);
                json_member(c->out, "path", path);
                cli_json_target(c, vo);
                json_member(c->out, "persisted", persisted);
                if (fc)
                        cli_persist_json(c, fpath, fc);
                if (fc && persisted)
                        cli_modules_note(c, sr, fc, dry); /* load_modules: true */
                out_rows(c, rows);
                fputs(",\n  ", c->out);
                out_findings_json(c, f);
                fputs("}\n", c->out);
                return;
        }
        out_rows(c, rows);
        for (size_t i = 0; t && i < t->n; i++)
                if (t->items[i].kept)
                        out_line(c->out, "note: %s: the kernel keeps %s for %s (its own rounding; the persisted file keeps %s)",
                                 t->items[i].key, t->items[i].kept, t->items[i].after, t->items[i].after);
        if (fc)
                cli_persist_text(c, fpath, fc, dry);
        if (fc && persisted)
                cli_modules_note(c, sr, fc, dry); /* load_modules: true */
        cli_out_findings(c, f, c->out);
        if (c->quiet || !t)
                return;
        if (dry)
                out_line(c->out, "dry run: %zu key%s would change%s%s%s", nw, nw == 1 ? "" : "s",
                         fc && fc->write ? ", and the persisted file" : "", persisted ? "; persisted to " : "",
                         persisted ? persisted : "");
        else if (res == TXN_UNCHANGED)
                out_line(c->out, "nothing to change%s%s", persisted ? "; up to date: " : "", persisted ? persisted : "");
        else if (committed)
                out_line(c->out, "generation %lu: %zu key%s changed%s%s", t->generation, nw, nw == 1 ? "" : "s",
                         persisted ? "; persisted to " : "", persisted ? persisted : "");
        else
                fprintf(c->out, "nothing applied: %s\n",
                        res == TXN_ROLLED_BACK ? "every change was rolled back" : "ROLLBACK INCOMPLETE (see above)");
}

/* A key the transaction turns disable_ipv6 on with, when it writes other keys too: a later key's
 * failure would undo it, and its addresses would not come back. NULL otherwise. */
static const char *address_loss(const struct txn *x)
{
        if (txn_count_writes(x) < 2)
                return NULL;
        for (size_t i = 0; i < x->n; i++)
                if (x->items[i].write && !x->items[i].dependent && kb_is_disable_ipv6(x->items[i].key) &&
                    strcmp(x->items[i].after, "0") != 0)
                        return x->items[i].key;
        return NULL;
}

/* After a commit (or its undo): the file as it is now, as the change's after side. */
static void reread_file(struct sysroot *sr, struct txn_file_change *fc)
{
        free(fc->after);
        fc->after = NULL;
        fc->after_len = 0;
        int dfd = sysroot_open_dir(sr, SYSROOT_SYSCTL_D, false);
        fc->after_present = dfd >= 0 && txn_read_file(dfd, &fc->after, &fc->after_len) == 0;
        if (dfd >= 0)
                close(dfd);
}

/* A failed transaction's rows: a key it rolled back is as it was (skip, with the reason); a key
 * whose restore failed is an error. */
static void rows_rolled_back(struct rows *rows, const struct txn_failure *fail)
{
        for (size_t i = 0; i < rows->n; i++) {
                struct row *r = &rows->v[i];
                if (strcmp(r->status, "change") && strcmp(r->status, "restore") && strcmp(r->status, "follows"))
                        continue;
                bool left = false;
                for (size_t k = 0; k < fail->n_left; k++)
                        left |= strcmp(fail->left_changed[k], r->key) == 0;
                free(r->reason);
                r->reason = strdup(left ? "left changed: its restore failed" : "not applied: the transaction failed and was rolled back");
                r->status = left ? "error" : "skip";
                if (!left && r->current) {
                        free(r->desired);
                        free(r->shown);
                        r->shown = NULL;
                        r->desired = strdup(r->current);
                }
        }
}

int cmd_apply(struct cli *c, int argc, char **argv);
int cmd_apply(struct cli *c, int argc, char **argv)
{
        static const struct option opts[] = {
                {"dry-run", no_argument, NULL, 'd'},
                {"no-persist", no_argument, NULL, 'P'},
                {"allow-address-loss", no_argument, NULL, 'A'},
                {"wait", required_argument, NULL, 'w'},
                {"netns", required_argument, NULL, 'n'},
                {0},
        };
        struct args a = {0};
        int first;
        int r = cli_parse(c, c->command, argc, argv, opts, on_opt, &a, &first);
        if (r >= 0)
                return r;
        if (argc - first != 1)
                return cli_usage_error(c, argc == first ? "no profile given" : "apply takes one profile");
        /* Before anything is opened: a dry run too, since it shows the file it would persist. */
        if (!a.no_persist && (r = cli_refuse_other_netns(c, a.netns)))
                return r;
        if ((r = cli_enter_netns(c, a.netns)))
                return r;

        struct sysroot *sr = NULL;
        struct target *t = NULL;
        if ((r = cli_open_target(c, NULL, &sr, &t)))
                return r;
        sysroot_cache(sr, true); /* validation, the diff, the plan and the boot view read the same keys */
        struct validate_opts vo = {.target = t, .netns = c->in_netns};
        cli_kernel(c, t, &vo.kernel, &vo.kernel_known);

        struct findings f = {0};
        struct profile *p = NULL;
        struct diff *d = NULL;
        struct state *st = NULL;
        struct txn *x = NULL;
        struct txn_failure fail = {0};
        enum txn_result res = TXN_UNCHANGED;
        struct rows rows = {0};
        struct managed m = {0};
        struct txn_file_change fc = {0};
        /* /etc/sysctl.d configures the host's namespace at boot, never a container's. */
        if (c->in_netns)
                a.no_persist = true;
        char *persisted = a.no_persist ? NULL : sysroot_dir_path(sr, SYSROOT_SYSCTL_D, TXN_FILE_NAME);
        char *fpath = sysroot_dir_path(sr, SYSROOT_SYSCTL_D, TXN_FILE_NAME);
        int exit_code = cli_prepare(c, argv[first], &vo, &p, &f, &d);
        if (exit_code) {
                if (c->format == FMT_JSON)
                        print(c, NULL, argv[first], &vo, &rows, NULL, &f, a.dry_run, TXN_UNCHANGED, persisted, NULL, NULL, sr, st);
                goto out;
        }
        if (findings_count(&f, SEV_ERROR)) {
                /* Nothing has been touched: refuse before taking the lock. */
                rows_from_diff(&rows, d);
                print(c, p->name, p->path, &vo, &rows, NULL, &f, a.dry_run, TXN_UNCHANGED, persisted, NULL, NULL, sr, st);
                exit_code = cli_error(c, EXIT_INVALID, "%s is invalid; nothing was changed", cli_profile_label(argv[first], p));
                goto out;
        }
        /* A dry run reads the history (the generation number the file would carry), never locks. */
        if ((exit_code = a.dry_run ? cli_open_state(c, sr, false, &st) : cli_lock_state(c, sr, a.wait_ms, &st)))
                goto out;
        if (!a.dry_run) /* what validation read may have changed while another transaction held the lock */
                sysroot_cache(sr, true);
        char *bad_key = NULL;
        if ((r = cli_managed(c, sr, st, &m)) < 0) {
                exit_code = cli_error(c, EXIT_ENV, "cannot read what twtune manages: %s; nothing was changed",
                                      r == -EBADMSG ? "a damaged generation record" : strerror(-r));
                goto out;
        }
        r = txn_from_profile(p, &vo, sr, !a.no_persist, &m, &x, &bad_key);
        managed_release(&m); /* the plan holds what it needs: with 100 000 keys, memory adds up */
        if (r < 0) {
                exit_code = cli_plan_error(c, bad_key, r);
                free(bad_key);
                goto out;
        }
        const char *drops_addresses = address_loss(x);
        if (drops_addresses && !a.allow_address_loss) {
                rows_from_plan(&rows, d, x, false);
                print(c, p->name, p->path, &vo, &rows, x, &f, true, TXN_UNCHANGED, persisted, NULL, NULL, sr, st);
                exit_code = cli_error(c, EXIT_INVALID,
                                      "%s would turn IPv6 off, dropping addresses no undo brings back, in a transaction "
                                      "with %zu other change%s that could fail and be undone; apply it alone, or give "
                                      "--allow-address-loss; nothing was changed", drops_addresses,
                                      txn_count_writes(x) - 1, txn_count_writes(x) == 2 ? "" : "s");
                goto out;
        }
        if ((r = txn_file_preview(st, sr, x, &fc)) < 0) {
                exit_code = r == -ELOOP ? cli_error(c, EXIT_ENV, "the persisted file %s is a symlink; twtune will not follow "
                                                    "or replace it; nothing was changed", fpath ? fpath : TXN_FILE_NAME)
                                        : cli_access_error(c, EXIT_ENV, r, "cannot read the persisted file %s: %s; nothing "
                                                           "was changed", fpath ? fpath : TXN_FILE_NAME, strerror(-r));
                goto out;
        }
        if (!a.no_persist && !c->state_sub && cli_boot_check_txn(c, sr, x, &f) && c->strict) {
                /* --strict: a value the next boot would undo fails the apply before it starts */
                findings_strict(&f);
                rows_from_plan(&rows, d, x, false);
                print(c, p->name, p->path, &vo, &rows, x, &f, true, TXN_UNCHANGED, persisted, &fc, fpath, sr, st);
                exit_code = cli_error(c, EXIT_INVALID, "%s would not survive a reboot (--strict); nothing was changed",
                                      cli_profile_label(argv[first], p));
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
        if (!a.dry_run)
                reread_file(sr, &fc);
        rows_from_plan(&rows, d, x, !a.dry_run);
        if (res == TXN_ROLLED_BACK || res == TXN_RESTORE_FAILED)
                rows_rolled_back(&rows, &fail);
        print(c, p->name, p->path, &vo, &rows, x, &f, a.dry_run, res, persisted, &fc, fpath, sr, st);
        if (res == TXN_ROLLED_BACK || res == TXN_RESTORE_FAILED)
                exit_code = cli_txn_exit(c, &fail, res);
out:
        rows_release(&rows);
        managed_release(&m);
        txn_failure_release(&fail);
        txn_free(x);
        state_free(st);
        diff_free(d);
        profile_free(p);
        findings_release(&f);
        free(persisted);
        free(fpath);
        txn_file_change_release(&fc);
        target_free(t);
        sysroot_free(sr);
        return exit_code;
}
