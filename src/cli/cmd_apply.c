/* SPDX-License-Identifier: MIT */
/* twtune apply: apply a profile live and persist it, as one transaction. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot_check.h"
#include "cli.h"
#include "errors.h"
#include "fault.h"
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

/* One apply, from the profile to the printed result: each step below fills its part. */
struct apply {
        struct cli *c;
        struct args a;
        const char *arg; /* the profile as given */
        struct sysroot *sr;
        struct target *t;
        struct validate_opts vo;
        struct findings f;
        struct profile *p;
        struct diff *d;
        struct state *st;
        struct txn *x;
        struct txn_failure fail;
        enum txn_result res;
        struct rows rows;
        struct txn_file_change fc;
        char *persisted; /* NULL: not persisted */
        char *fpath;
        bool state_absent; /* no state directory before the first live read (see lock_first) */
};

/* A refusal's output: the plan (or, without one, the diff) as a dry run; FC: the file's change. */
static void print_refused(struct apply *ap, const struct txn_file_change *fc)
{
        if (ap->x)
                rows_from_plan(&ap->rows, ap->d, ap->x, false);
        else
                rows_from_diff(&ap->rows, ap->d);
        print(ap->c, ap->p->name, ap->p->path, &ap->vo, &ap->rows, ap->x, &ap->f, ap->x ? true : ap->a.dry_run,
              TXN_UNCHANGED, ap->persisted, fc, fc ? ap->fpath : NULL, ap->sr, ap->st);
}

/* The profile loaded, merged, validated and diffed; an invalid one refused before the lock. */
static int validate(struct apply *ap)
{
        struct cli *c = ap->c;
        int exit_code = cli_prepare(c, ap->arg, &ap->vo, &ap->p, &ap->f, &ap->d);
        if (exit_code) {
                if (c->format == FMT_JSON)
                        print(c, NULL, ap->arg, &ap->vo, &ap->rows, NULL, &ap->f, ap->a.dry_run, TXN_UNCHANGED,
                              ap->persisted, NULL, NULL, ap->sr, ap->st);
                return exit_code;
        }
        if (findings_count(&ap->f, SEV_ERROR)) {
                /* Nothing has been touched: refuse before taking the lock. */
                print_refused(ap, NULL);
                return cli_error(c, EXIT_INVALID, "%s is invalid; nothing was changed", cli_profile_label(ap->arg, ap->p));
        }
        return 0;
}

/* Before the first live read (not in a dry run, which never locks): the lock of an existing state
 * directory, so that no transaction changes a key between the reads validation makes and the
 * plan, and one read of each key serves both. A crashed transaction is finished only once the
 * profile is known to be valid (lock_for_plan): an invalid one changes nothing. A state directory
 * that is absent is not created here, for the same reason: see lock_for_plan. One that cannot be
 * opened is left to lock_for_plan too, which says why as before. */
static int lock_first(struct apply *ap)
{
        if (ap->a.dry_run)
                return 0;
        int r = state_open(ap->sr, ap->c->state_sub, false, &ap->st, NULL);
        ap->state_absent = r == -ENOENT;
        if (r < 0)
                return 0;
        return cli_take_lock(ap->c, ap->sr, ap->st, ap->a.wait_ms);
}

/* Whether a state directory has no generation: no transaction ever committed in it. */
static bool no_generation(struct state *st)
{
        unsigned long *ids = NULL;
        size_t n = 0;
        bool none = state_generations(st, &ids, &n) == 0 && n == 0;
        free(ids);
        return none;
}

/* The lock held for the plan, and a crashed transaction finished. What validation read stays
 * good only if no transaction can have changed a key since: the lock was taken before the reads
 * (lock_first), or the state directory was absent then and still was when this run created it
 * (every transaction starts by creating it), and none committed or crashed in it before our lock.
 * Otherwise the cache starts over and the plan reads every key again. */
static int lock_for_plan(struct apply *ap)
{
        struct cli *c = ap->c;
        bool changed = false, keep = ap->st != NULL;
        if (!ap->st) {
                struct state *now = NULL;
                keep = ap->state_absent && state_open(ap->sr, c->state_sub, false, &now, NULL) == -ENOENT;
                state_free(now);
                int exit_code = cli_open_state(c, ap->sr, true, &ap->st);
                if (!exit_code)
                        exit_code = cli_take_lock(c, ap->sr, ap->st, ap->a.wait_ms);
                if (exit_code)
                        return exit_code;
                keep = keep && no_generation(ap->st);
        }
        int exit_code = cli_recover_state(c, ap->sr, ap->st, &changed);
        if (exit_code)
                return exit_code;
        if (!keep || changed)
                sysroot_cache(ap->sr, true);
        return 0;
}

/* Under the lock (a dry run only reads the history): what twtune manages, and the plan. */
static int plan(struct apply *ap)
{
        struct cli *c = ap->c;
        struct managed m = {0};
        fault_pause("validated"); /* the tests' window between the reads and this lock */
        /* A dry run reads the history (the generation number the file would carry), never locks. */
        int exit_code = ap->a.dry_run ? cli_open_state(c, ap->sr, false, &ap->st) : lock_for_plan(ap);
        if (exit_code)
                return exit_code;
        char *bad_key = NULL;
        int r = cli_managed(c, ap->sr, ap->st, &m);
        if (r < 0) {
                managed_release(&m);
                return cli_error(c, EXIT_ENV, "cannot read what twtune manages: %s; nothing was changed",
                                 r == -EBADMSG ? "a damaged generation record" : strerror(-r));
        }
        r = txn_from_profile(ap->p, &ap->vo, ap->sr, !ap->a.no_persist, &m, &ap->x, &bad_key);
        managed_release(&m); /* the plan holds what it needs: with 100 000 keys, memory adds up */
        if (r < 0) {
                exit_code = cli_plan_error(c, bad_key, r);
                free(bad_key);
        }
        return exit_code;
}

/* Turning IPv6 off beside other writes, unless --allow-address-loss: see address_loss. */
static int refuse_address_loss(struct apply *ap)
{
        const char *drops_addresses = address_loss(ap->x);
        if (!drops_addresses || ap->a.allow_address_loss)
                return 0;
        print_refused(ap, NULL);
        return cli_error(ap->c, EXIT_INVALID,
                         "%s would turn IPv6 off, dropping addresses no undo brings back, in a transaction "
                         "with %zu other change%s that could fail and be undone; apply it alone, or give "
                         "--allow-address-loss; nothing was changed", drops_addresses,
                         txn_count_writes(ap->x) - 1, txn_count_writes(ap->x) == 2 ? "" : "s");
}

/* The persisted file's change, before anything is written. */
static int preview_file(struct apply *ap)
{
        const char *fpath = ap->fpath ? ap->fpath : TXN_FILE_NAME;
        int r = txn_file_preview(ap->st, ap->sr, ap->x, &ap->fc);
        if (r >= 0)
                return 0;
        if (r == -ELOOP)
                return cli_error(ap->c, EXIT_ENV, "the persisted file %s is a symlink; twtune will not follow "
                                 "or replace it; nothing was changed", fpath);
        return cli_access_error(ap->c, EXIT_ENV, r, "cannot read the persisted file %s: %s; nothing "
                                "was changed", fpath, strerror(-r));
}

/* What the next boot would undo, as findings; with --strict, a refusal before anything starts. */
static int check_boot(struct apply *ap)
{
        struct cli *c = ap->c;
        if (ap->a.no_persist || c->state_sub || !cli_boot_check_txn(c, ap->sr, ap->x, &ap->f) || !c->strict)
                return 0;
        findings_strict(&ap->f);
        print_refused(ap, &ap->fc);
        return cli_error(c, EXIT_INVALID, "%s would not survive a reboot (--strict); nothing was changed",
                         cli_profile_label(ap->arg, ap->p));
}

/* The transaction (not in a dry run), and what became of it. */
static int commit(struct apply *ap)
{
        struct cli *c = ap->c;
        bool dry = ap->a.dry_run;
        if (!dry) {
                int r = txn_commit(ap->st, ap->sr, ap->x, &ap->fail, &ap->res);
                if (r < 0)
                        return cli_access_error(c, EXIT_ENV, r, "%s: %s; nothing was changed",
                                                ap->fail.detail ? ap->fail.detail : "cannot start the transaction",
                                                strerror(-r));
        }
        c->changed |= ap->res == TXN_COMMITTED;
        if (!dry)
                reread_file(ap->sr, &ap->fc);
        rows_from_plan(&ap->rows, ap->d, ap->x, !dry);
        bool failed = ap->res == TXN_ROLLED_BACK || ap->res == TXN_RESTORE_FAILED;
        if (failed)
                rows_rolled_back(&ap->rows, &ap->fail);
        print(c, ap->p->name, ap->p->path, &ap->vo, &ap->rows, ap->x, &ap->f, dry, ap->res, ap->persisted, &ap->fc,
              ap->fpath, ap->sr, ap->st);
        return failed ? cli_txn_exit(c, &ap->fail, ap->res) : 0;
}

static void apply_release(struct apply *ap)
{
        rows_release(&ap->rows);
        txn_failure_release(&ap->fail);
        txn_free(ap->x);
        state_free(ap->st);
        diff_free(ap->d);
        profile_free(ap->p);
        findings_release(&ap->f);
        free(ap->persisted);
        free(ap->fpath);
        txn_file_change_release(&ap->fc);
        target_free(ap->t);
        sysroot_free(ap->sr);
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
        struct apply ap = {.c = c, .res = TXN_UNCHANGED};
        int first;
        int r = cli_parse(c, c->command, argc, argv, opts, on_opt, &ap.a, &first);
        if (r >= 0)
                return r;
        if (argc - first != 1)
                return cli_usage_error(c, argc == first ? "no profile given" : "apply takes one profile");
        ap.arg = argv[first];
        /* Before anything is opened: a dry run too, since it shows the file it would persist. */
        if (!ap.a.no_persist && (r = cli_refuse_other_netns(c, ap.a.netns)))
                return r;
        if ((r = cli_enter_netns(c, ap.a.netns)))
                return r;

        if ((r = cli_open_target(c, NULL, &ap.sr, &ap.t)))
                return r;
        sysroot_cache(ap.sr, true); /* validation, the diff, the plan and the boot view read the same keys */
        ap.vo = (struct validate_opts){.target = ap.t, .netns = c->in_netns};
        cli_kernel(c, ap.t, &ap.vo.kernel, &ap.vo.kernel_known);
        /* /etc/sysctl.d configures the host's namespace at boot, never a container's. */
        if (c->in_netns)
                ap.a.no_persist = true;
        ap.persisted = ap.a.no_persist ? NULL : sysroot_dir_path(ap.sr, SYSROOT_SYSCTL_D, TXN_FILE_NAME);
        ap.fpath = sysroot_dir_path(ap.sr, SYSROOT_SYSCTL_D, TXN_FILE_NAME);

        int exit_code = lock_first(&ap);
        if (!exit_code)
                exit_code = validate(&ap);
        if (!exit_code)
                exit_code = plan(&ap);
        if (!exit_code)
                exit_code = refuse_address_loss(&ap);
        if (!exit_code)
                exit_code = preview_file(&ap);
        if (!exit_code)
                exit_code = check_boot(&ap);
        if (!exit_code)
                exit_code = commit(&ap);
        apply_release(&ap);
        return exit_code;
}
