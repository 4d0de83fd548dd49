/* twtune rollback: go back to an earlier generation, as a transaction of its own;
 * twtune recover: finish or undo a transaction that a crash interrupted. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "state.h"
#include "sysroot.h"
#include "txn.h"

struct args {
        bool have_to;
        unsigned long to;
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
        case 'w':
                return cli_parse_wait(c, arg, &a->wait_ms);
        case 'n':
                a->netns = arg;
                return 0;
        default:
                return cli_usage_error(c, "unexpected option");
        }
}

int cmd_rollback(struct cli *c, int argc, char **argv);
int cmd_rollback(struct cli *c, int argc, char **argv)
{
        static const struct option opts[] = {
                {"to", required_argument, NULL, 't'},
                {"wait", required_argument, NULL, 'w'},
                {"netns", required_argument, NULL, 'n'},
                {0},
        };
        struct args a = {0};
        int first;
        int r = cli_parse(c, command_find("rollback"), argc, argv, opts, on_opt, &a, &first);
        if (r >= 0)
                return r;
        if (first < argc)
                return cli_usage_error(c, "rollback takes no arguments (use --to N)");
        if ((r = cli_enter_netns(c, a.netns)))
                return r;
        struct sysroot *sr = NULL;
        struct state *st = NULL;
        struct txn *x = NULL;
        struct txn_failure fail = {0};
        enum txn_result res = TXN_UNCHANGED;
        unsigned long *ids = NULL;
        size_t n = 0;
        int exit_code;
        if ((r = cli_open_root(c, &sr)))
                return r;
        if ((exit_code = cli_lock_state(c, sr, a.wait_ms, &st)))
                goto out;
        if ((r = state_generations(st, &ids, &n)) < 0 || n == 0) {
                exit_code = cli_error(c, EXIT_ENV, "%s", r < 0 ? strerror(-r) : "nothing to roll back: no generation applied");
                goto out;
        }
        unsigned long current = ids[n - 1];
        unsigned long to = a.have_to ? a.to : current - 1;
        if (to >= current) {
                exit_code = to == current ? EXIT_OK : cli_usage_error(c, "no generation %lu (the newest is %lu)", to, current);
                if (to == current && !c->quiet)
                        fprintf(c->out, "generation %lu is the current one: nothing to do\n", to);
                goto out;
        }
        char *bad_key = NULL;
        r = txn_from_generation(st, sr, to, &x, &bad_key);
        if (r == -ENOENT && !bad_key) {
                exit_code = cli_usage_error(c, "no generation %lu (see 'twtune history')", to);
                goto out;
        }
        if (r < 0 && (bad_key || r == -EBADMSG || r == -EPERM)) {
                exit_code = bad_key ? cli_plan_error(c, bad_key, r)
                                    : cli_error(c, EXIT_ENV, "cannot read the history: %s; nothing was changed",
                                                r == -EBADMSG ? "a damaged generation record" : "a record not owned by root");
                free(bad_key);
                goto out;
        }
        if (r == 0)
                r = txn_commit(st, sr, x, &fail, &res);
        if (r < 0) {
                exit_code = cli_access_error(c, EXIT_ENV, r, "%s: %s; nothing was changed",
                                             fail.detail ? fail.detail : "cannot roll back", strerror(-r));
                goto out;
        }
        c->changed |= res == TXN_COMMITTED;
        size_t nw = txn_count_writes(x);
        if (res == TXN_ROLLED_BACK || res == TXN_RESTORE_FAILED) {
                exit_code = cli_txn_exit(c, &fail, res);
        } else if (c->format == FMT_JSON) {
                fprintf(c->out, "{\"format\": 1, \"changed\": %s, \"to\": %lu, \"generation\": ", res == TXN_COMMITTED ? "true" : "false", to);
                if (res == TXN_COMMITTED)
                        fprintf(c->out, "%lu", x->generation);
                else
                        fputs("null", c->out);
                fputs(", \"settings\": [", c->out);
                for (size_t i = 0; i < x->n; i++) {
                        fputs(i ? ", {\"key\": " : "{\"key\": ", c->out);
                        json_str(c->out, x->items[i].key);
                        json_member(c->out, "current", x->items[i].before);
                        json_member(c->out, "desired", x->items[i].after);
                        json_member(c->out, "status", x->items[i].write ? "changed" : "ok");
                        fputc('}', c->out);
                }
                fputs("]}\n", c->out);
        } else if (!c->quiet) {
                for (size_t i = 0; i < x->n; i++)
                        if (x->items[i].write)
                                out_line(c->out, "%s: %s -> %s", x->items[i].key, x->items[i].before, x->items[i].after);
                if (res == TXN_COMMITTED)
                        fprintf(c->out, "rolled back to generation %lu as generation %lu: %zu key%s changed%s\n", to,
                                x->generation, nw, nw == 1 ? "" : "s",
                                x->persist ? (x->file_present ? ", persisted file restored" : ", persisted file removed") : "");
                else
                        fprintf(c->out, "already as at generation %lu: nothing to change\n", to);
        }
out:
        free(ids);
        txn_failure_release(&fail);
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
        int r = cli_parse(c, command_find("recover"), argc, argv, opts, on_opt, &a, &first);
        if (r >= 0)
                return r;
        if (first < argc)
                return cli_usage_error(c, "recover takes no arguments");
        if ((r = cli_enter_netns(c, a.netns)))
                return r;
        struct sysroot *sr = NULL;
        struct state *st = NULL;
        if ((r = cli_open_root(c, &sr)))
                return r;
        /* Taking the lock runs the recovery and reports what it did. */
        int exit_code = cli_lock_state(c, sr, a.wait_ms, &st);
        if (exit_code == 0 && !c->quiet)
                fputs("no interrupted transaction left\n", c->out);
        state_free(st);
        sysroot_free(sr);
        return exit_code;
}
