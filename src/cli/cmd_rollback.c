/* SPDX-License-Identifier: MIT */
/* twtune rollback: go back to an earlier generation, as a transaction of its own;
 * twtune recover: finish or undo a transaction that a crash interrupted. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "cli.h"
#include "errors.h"
#include "file_change.h"
#include "format.h"
#include "interval.h"
#include "managed.h"
#include "netns.h"
#include "open_target.h"
#include "options.h"
#include "output.h"
#include "rows.h"
#include "state.h"
#include "state_lock.h"
#include "sysroot.h"
#include "txn.h"
#include "txn_report.h"
#include "util.h"

struct args {
        bool have_to, dry_run;
        unsigned long to;
        const char *to_hash; /* --to-hash: resolved to the newest generation with it, then as --to */
        unsigned long wait_ms;
        const char *netns;
};

static int on_opt(struct cli *c, int opt, const char *arg, void *ud)
{
        struct args *a = ud;
        char *end;
        switch (opt) {
        case 't':
                errno = 0;
                a->to = strtoul(arg, &end, 10);
                if (errno || *end || end == arg || arg[0] == '-')
                        return cli_usage_error(c, "--to takes a generation number, not '%s'", arg);
                a->have_to = true;
                return 0;
        case 'H':
                a->to_hash = arg;
                return 0;
        case 'w':
                return cli_parse_wait(c, arg, &a->wait_ms);
        case 'n':
                a->netns = arg;
                return 0;
        case 'd':
                a->dry_run = true;
                return 0;
        default:
                return cli_usage_error(c, "unexpected option");
        }
}

/* Keys whose live value is not the one twtune left (txn_item.foreign): changed by hand, by another
 * tool, sysctl --system or a boot. A rollback overwrites them, or leaves those it leaves to the kernel
 * as they are; either way it says so, rather than adopting the change silently. */
static void out_of_band_json(struct cli *c, const struct txn *x)
{
        bool first = true;
        fputs(",\n  \"out_of_band\": [", c->out);
        for (size_t i = 0; i < x->n; i++) {
                const struct txn_item *it = &x->items[i];
                if (!it->foreign)
                        continue;
                fputs(first ? "\n    {\"key\": " : ",\n    {\"key\": ", c->out);
                json_str(c->out, it->key);
                json_member(c->out, "live", it->before);
                json_member(c->out, "left", it->left);
                json_member(c->out, "after", it->after);
                fprintf(c->out, ", \"overwritten\": %s}", it->write ? "true" : "false");
                first = false;
        }
        fputs(first ? "]" : "\n  ]", c->out);
}

static void out_of_band_text(struct cli *c, const struct txn *x, bool dry)
{
        for (size_t i = 0; i < x->n && !c->quiet; i++) {
                const struct txn_item *it = &x->items[i];
                if (it->foreign && it->write)
                        out_line(c->out, "note: %s was changed outside twtune (live %s, twtune left %s); the rollback %s %s",
                                 it->key, it->before, it->left, dry ? "would set it to" : "set it to", it->after);
                else if (it->foreign)
                        out_line(c->out, "note: %s was changed outside twtune (live %s, twtune left %s); the rollback %s",
                                 it->key, it->before, it->left, dry ? "would leave it to the kernel" : "left it to the kernel");
        }
}

static int print(struct cli *c, struct sysroot *sr, struct state *st, const struct txn *x, unsigned long to, bool dry,
                 enum txn_result res, const struct txn_file_change *fc)
{
        struct rows rows = {0};
        char source[32];
        snprintf(source, sizeof(source), "generation %lu", to);
        for (size_t i = 0; i < x->n; i++) {
                const struct txn_item *it = &x->items[i];
                char *why = it->foreign ? str_printf("changed outside twtune: it left %s", it->left) : NULL;
                rows_add(&rows, &(struct row){.key = (char *)it->key, .current = (char *)it->before, .desired = (char *)it->after,
                                               .status = it->dependent && !it->write ? "follows" : it->write ? "change" : "ok",
                                               .mode = "value", .source = source, .reason = why});
                free(why);
        }
        /* The file as it is now, and as the rollback leaves it. */
        char *now = NULL;
        size_t len = 0;
        int dfd = x->persist ? sysroot_open_dir(sr, SYSROOT_SYSCTL_D, false) : -1;
        bool have_now = dfd >= 0 && txn_read_file(dfd, &now, &len) == 0;
        if (dfd >= 0)
                close(dfd);
        bool committed = res == TXN_COMMITTED;
        size_t nw = txn_count_writes(x);
        bool file_changes = x->persist && (have_now != x->file_present ||
                                           (have_now && (len != x->file_len || memcmp(now, x->file, len) != 0)));
        if (c->format == FMT_JSON) {
                json_begin(c);
                fprintf(c->out, ", \"dry_run\": %s, \"changed\": %s, \"to\": %lu, \"generation\": ", dry ? "true" : "false",
                        (dry ? nw > 0 || file_changes || x->record_always : committed) ? "true" : "false", to);
                if (committed)
                        fprintf(c->out, "%lu", x->generation);
                else
                        fputs("null", c->out);
                cli_json_state(c, sr, st);
                out_rows(c, &rows);
                fputs(",\n  \"file\": ", c->out);
                if (x->persist) {
                        fputs("{\"path\": ", c->out);
                        char *path = sysroot_dir_path(sr, SYSROOT_SYSCTL_D, TXN_FILE_NAME);
                        json_str(c->out, path);
                        free(path);
                        json_member(c->out, "before", dry ? (have_now ? now : NULL) : NULL);
                        json_member(c->out, "after", x->file_present ? x->file : NULL);
                        fprintf(c->out, ", \"changes\": %s, \"edited\": %s}", file_changes ? "true" : "false",
                                x->file_edited ? "true" : "false");
                } else
                        fputs("null", c->out);
                char *path = sysroot_dir_path(sr, SYSROOT_SYSCTL_D, TXN_FILE_NAME);
                cli_persist_json(c, path ? path : TXN_FILE_NAME, fc);
                free(path);
                out_of_band_json(c, x);
                fputs("}\n", c->out);
        } else {
                out_rows(c, &rows);
                char *path = sysroot_dir_path(sr, SYSROOT_SYSCTL_D, TXN_FILE_NAME);
                if (x->persist && x->file_edited && !c->quiet)
                        fputc('\n', c->out);
                if (x->persist && x->file_edited && !c->quiet)
                        out_line(c->out, "note: %s is not the file the newest generation recorded (edited by "
                                 "hand or by another tool); the rollback %s it with generation %lu's", path ? path : TXN_FILE_NAME,
                                 dry ? "would replace" : "replaced", to);
                cli_persist_text(c, path ? path : TXN_FILE_NAME, fc, dry);
                free(path);
                out_of_band_text(c, x, dry);
                if (c->quiet) {
                } else if (dry)
                        out_line(c->out, "dry run: rolling back to generation %lu would change %zu key%s%s", to, nw,
                                 nw == 1 ? "" : "s", file_changes ? " and the persisted file" : "");
                else if (committed)
                        out_line(c->out, "rolled back to generation %lu as generation %lu: %zu key%s changed%s", to,
                                 x->generation, nw, nw == 1 ? "" : "s",
                                 x->persist ? (x->file_present ? ", persisted file restored" : ", persisted file removed") : "");
                else
                        out_line(c->out, "already as at generation %lu: nothing to change", to);
        }
        free(now);
        rows_release(&rows);
        return 0;
}

/* The generation to go back to: --to, or one step back from the state now. */
static int pick_target(struct cli *c, struct sysroot *sr, struct state *st, const struct args *a, unsigned long *ret_to)
{
        unsigned long *ids = NULL;
        size_t n = 0;
        int r = state_generations(st, &ids, &n);
        unsigned long newest = r == 0 && n ? ids[n - 1] : 0;
        free(ids);
        if (r < 0)
                return cli_error(c, EXIT_ENV, "cannot read the history: %s", strerror(-r));
        if (n == 0)
                return cli_fail(c, EXIT_ENV, "nothing-applied", "nothing to roll back: no generation applied");
        if (a->to_hash) {
                r = state_generation_by_hash(st, a->to_hash, ret_to);
                if (r == -EINVAL)
                        return cli_usage_error(c, "--to-hash takes %d to 64 lowercase hex digits of a content hash "
                                               "(see 'twtune history'), not '%s'", STATE_HASH_PREFIX_MIN, a->to_hash);
                if (r == -ENOENT)
                        return cli_usage_error(c, "no generation has content hash %s (see 'twtune history')", a->to_hash);
                if (r == -ENOTUNIQ)
                        return cli_usage_error(c, "%s is the start of more than one content hash: give more digits", a->to_hash);
                if (r < 0)
                        return cli_error(c, EXIT_ENV, "cannot read the history: %s",
                                         r == -EBADMSG ? "a damaged generation record" : strerror(-r));
                return 0;
        }
        if (a->have_to) {
                if (a->to > newest)
                        return cli_usage_error(c, "no generation %lu (the newest is %lu)", a->to, newest);
                *ret_to = a->to;
                return 0;
        }
        r = managed_rollback_target(st, ret_to);
        if (r == -EALREADY) {
                if (!c->quiet && c->format != FMT_JSON)
                        fputs("already as before twtune's first apply: nothing to roll back\n", c->out);
                else if (c->format == FMT_JSON) {
                        struct rows none = {0};
                        json_begin(c);
                        fprintf(c->out, ", \"dry_run\": %s, \"changed\": false, \"to\": 0, \"generation\": null",
                                a->dry_run ? "true" : "false");
                        cli_json_state(c, sr, st);
                        out_rows(c, &none);
                        fputs(",\n  \"file\": null}\n", c->out);
                }
                return -1;
        }
        if (r < 0)
                return cli_error(c, EXIT_ENV, "cannot read the history: %s",
                                 r == -EBADMSG ? "a damaged generation record" : strerror(-r));
        return 0;
}

/* The state directory: locked, or in a dry run only read (no lock, nothing written, not even a
 * missing state directory). */
static int open_history(struct cli *c, struct sysroot *sr, const struct args *a, struct state **ret)
{
        int exit_code = a->dry_run ? cli_open_state(c, sr, false, ret) : cli_lock_state(c, sr, a->wait_ms, ret);
        if (exit_code)
                return exit_code;
        if (!*ret)
                return cli_fail(c, EXIT_ENV, "nothing-applied", "nothing to roll back: no generation applied");
        return 0;
}

/* A failure before anything changed; DETAIL: the transaction's, if it has one. */
static int not_changed(struct cli *c, int r, const char *detail)
{
        return cli_access_error(c, EXIT_ENV, r, "%s: %s; nothing was changed", detail ? detail : "cannot roll back",
                                strerror(-r));
}

/* The transaction back to generation TO, and the persisted file's change. */
static int plan_back(struct cli *c, struct state *st, struct sysroot *sr, unsigned long to, struct txn **x,
                     struct txn_file_change *fc)
{
        char *bad_key = NULL;
        int r = txn_from_generation(st, sr, to, x, &bad_key);
        if (r == 0 && (r = txn_file_preview(st, sr, *x, fc)) < 0)
                return r == -ELOOP ? cli_error(c, EXIT_ENV, "the persisted file is a symlink; twtune will not follow "
                                               "or replace it; nothing was changed")
                                   : cli_access_error(c, EXIT_ENV, r, "cannot read the persisted file: %s; nothing "
                                                      "was changed", strerror(-r));
        if (r == -ENOENT && !bad_key)
                return cli_usage_error(c, "no generation %lu (see 'twtune history')", to);
        if (r < 0 && (bad_key || r == -EBADMSG || r == -EPERM)) {
                int exit_code = bad_key ? cli_plan_error(c, bad_key, r)
                                        : cli_error(c, EXIT_ENV, "cannot read the history: %s; nothing was changed",
                                                    r == -EBADMSG ? "a damaged generation record" : "a record not owned by root");
                free(bad_key);
                return exit_code;
        }
        return r < 0 ? not_changed(c, r, NULL) : 0;
}

/* The transaction (not in a dry run), and what became of it. */
static int commit_back(struct cli *c, struct state *st, struct sysroot *sr, struct txn *x, unsigned long to, bool dry,
                       const struct txn_file_change *fc)
{
        struct txn_failure fail = {0};
        enum txn_result res = TXN_UNCHANGED;
        int r = dry ? 0 : txn_commit(st, sr, x, &fail, &res);
        int exit_code;
        if (r < 0) {
                exit_code = not_changed(c, r, fail.detail);
        } else {
                c->changed |= res == TXN_COMMITTED;
                if (res == TXN_ROLLED_BACK || res == TXN_RESTORE_FAILED)
                        exit_code = cli_txn_exit(c, &fail, res);
                else
                        exit_code = print(c, sr, st, x, to, dry, res, fc);
        }
        txn_failure_release(&fail);
        return exit_code;
}

int cmd_rollback(struct cli *c, int argc, char **argv);
int cmd_rollback(struct cli *c, int argc, char **argv)
{
        static const struct option opts[] = {
                {"to", required_argument, NULL, 't'},
                {"to-hash", required_argument, NULL, 'H'},
                {"dry-run", no_argument, NULL, 'd'},
                {"wait", required_argument, NULL, 'w'},
                {"netns", required_argument, NULL, 'n'},
                {0},
        };
        struct args a = {0};
        int first;
        int r = cli_parse(c, c->command, argc, argv, opts, on_opt, &a, &first);
        if (r >= 0)
                return r;
        if (first < argc)
                return cli_usage_error(c, "rollback takes no arguments (use --to N)");
        if (a.have_to && a.to_hash)
                return cli_usage_error(c, "--to and --to-hash name the same thing: give one");
        if ((r = cli_refuse_other_netns(c, a.netns)))
                return r;
        if ((r = cli_enter_netns(c, a.netns)))
                return r;
        struct sysroot *sr = NULL;
        struct state *st = NULL;
        struct txn *x = NULL;
        struct txn_file_change fc = {0};
        unsigned long to = 0;
        int exit_code;
        if ((r = cli_open_root(c, &sr)))
                return r;
        if ((exit_code = open_history(c, sr, &a, &st)))
                goto out;
        if ((exit_code = pick_target(c, sr, st, &a, &to)) != 0) {
                exit_code = exit_code < 0 ? EXIT_OK : exit_code; /* already there: said so */
                goto out;
        }
        if ((exit_code = plan_back(c, st, sr, to, &x, &fc)))
                goto out;
        exit_code = commit_back(c, st, sr, x, to, a.dry_run, &fc);
out:
        txn_file_change_release(&fc);
        txn_free(x);
        state_free(st);
        sysroot_free(sr);
        return exit_code;
}

int cmd_recover(struct cli *c, int argc, char **argv);
int cmd_recover(struct cli *c, int argc, char **argv)
{
        static const struct option opts[] = {
                {"wait", required_argument, NULL, 'w'},
                {"netns", required_argument, NULL, 'n'},
                {0},
        };
        struct args a = {0};
        int first;
        int r = cli_parse(c, c->command, argc, argv, opts, on_opt, &a, &first);
        if (r >= 0)
                return r;
        if (first < argc)
                return cli_usage_error(c, "recover takes no arguments");
        if ((r = cli_refuse_other_netns(c, a.netns)))
                return r;
        if ((r = cli_enter_netns(c, a.netns)))
                return r;
        struct sysroot *sr = NULL;
        struct state *st = NULL;
        if ((r = cli_open_root(c, &sr)))
                return r;
        /* Taking the lock runs the recovery and reports what it did. */
        bool changed_before = c->changed;
        int exit_code = cli_lock_state(c, sr, a.wait_ms, &st);
        if (exit_code == 0 && c->format == FMT_JSON) {
                json_begin(c);
                fprintf(c->out, ", \"changed\": %s, \"result\": \"%s\"}\n", c->changed ? "true" : "false",
                        c->changed && !changed_before ? "undone" : "clean");
        } else if (exit_code == 0 && !c->quiet)
                fputs("no interrupted transaction left\n", c->out);
        state_free(st);
        sysroot_free(sr);
        return exit_code;
}
