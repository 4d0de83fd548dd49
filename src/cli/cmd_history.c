/* SPDX-License-Identifier: MIT */
/* twtune history: the generations applied, newest last. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "errors.h"
#include "format.h"
#include "netns.h"
#include "open_target.h"
#include "options.h"
#include "output.h"
#include "state.h"
#include "state_lock.h"
#include "sysroot.h"

int cmd_history(struct cli *c, int argc, char **argv);

/* Why a record could not be read, with what to do when only root may read it (state earlier builds left 0700/0600, or a chmod). */
static const char *record_error(int r)
{
        return r == -EBADMSG  ? "damaged record"
               : r == -EACCES ? "Permission denied (a record only root may read: run as root, or make the records "
                                "readable, chmod 0644 /var/lib/twtune/generations/*)"
                              : strerror(-r);
}

static int on_opt(struct cli *c, int opt, const char *arg, void *ud)
{
        if (opt != 'n')
                return cli_usage_error(c, "unexpected option");
        *(const char **)ud = arg;
        return 0;
}

static void format_time(const struct record *g, char when[static 32])
{
        time_t tt = (time_t)g->time;
        struct tm tm;
        strftime(when, 32, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&tt, &tm));
}

/* The JSON members the list and `history N` share, from "generation" to "persisted". */
static void json_generation(struct cli *c, const struct record *g, const char *when)
{
        fprintf(c->out, "\"generation\": %lu", g->generation);
        json_member(c->out, "time", when);
        json_member(c->out, "profile", g->profile);
        json_member(c->out, "action", g->is_rollback ? "rollback" : "apply");
        if (g->is_rollback)
                fprintf(c->out, ", \"restores\": %lu", g->restores);
        else
                fputs(", \"restores\": null", c->out);
        json_member(c->out, "hash", g->hash);
        fprintf(c->out, ", \"persisted\": %s", g->persist ? "true" : "false");
}

/* One generation: a JSON element (with a leading comma unless first) or a row of tab. */
static void print_generation(struct cli *c, const struct record *g, bool first, struct table *tab)
{
        char when[32];
        format_time(g, when);
        size_t changed = 0;
        for (size_t k = 0; k < g->n_keys; k++)
                changed += g->keys[k].written;
        if (c->format == FMT_JSON) {
                fputs(first ? "\n  {" : ",\n  {", c->out);
                json_generation(c, g, when);
                fputs(", \"changed\": [", c->out);
                for (size_t k = 0, m = 0; k < g->n_keys; k++)
                        if (g->keys[k].written) {
                                fputs(m++ ? ", " : "", c->out);
                                json_str(c->out, g->keys[k].key);
                        }
                fputs("]}", c->out);
                return;
        }
        /* Records are files below --root: the table escapes the profile name and hash. */
        char gen[24], hash[13], nchanged[24];
        snprintf(gen, sizeof(gen), "%lu", g->generation);
        snprintf(hash, sizeof(hash), "%.12s", g->hash ? g->hash : "-");
        snprintf(nchanged, sizeof(nchanged), "%zu", changed);
        table_add(tab, "reset", gen, when, hash, nchanged, g->profile);
}

static const char *key_role(const struct rec_key *k)
{
        return k->dependent ? "follows" : k->restored ? "restore" : k->write_only ? "write-only" : "set";
}

/* One generation in full: what produced it, each key before and after, and the file it left. */
static void print_one(struct cli *c, const struct record *g)
{
        char when[32];
        format_time(g, when);
        if (c->format == FMT_JSON) {
                json_begin(c);
                fputs(", ", c->out);
                json_generation(c, g, when);
                fputs(",\n  \"keys\": [", c->out);
                for (size_t k = 0; k < g->n_keys; k++) {
                        fputs(k ? ",\n    {\"key\": " : "\n    {\"key\": ", c->out);
                        json_str(c->out, g->keys[k].key);
                        json_member(c->out, "before", g->keys[k].write_only ? NULL : g->keys[k].before);
                        json_member(c->out, "after", g->keys[k].after);
                        json_member(c->out, "role", key_role(&g->keys[k]));
                        fprintf(c->out, ", \"written\": %s}", g->keys[k].written ? "true" : "false");
                }
                fputs(g->n_keys ? "\n  ],\n  \"managed\": [" : "],\n  \"managed\": [", c->out);
                for (size_t k = 0; k < g->n_base; k++) {
                        fputs(k ? ", {\"key\": " : "{\"key\": ", c->out);
                        json_str(c->out, g->base[k].key);
                        json_member(c->out, "baseline", g->base[k].value);
                        fputc('}', c->out);
                }
                fputs("],\n  \"file\": ", c->out);
                json_str(c->out, g->persist && g->file_present ? g->file : NULL);
                fputs(",\n  \"file_before\": ", c->out);
                json_str(c->out, g->persist && g->file_before_present ? g->file_before : NULL);
                fputs("}\n", c->out);
                return;
        }
        out_line(c->out, "generation %lu, %s", g->generation, when);
        out_line(c->out, "profile:   %s", g->profile);
        if (g->is_rollback)
                out_line(c->out, "action:    rollback, to the state of generation %lu", g->restores);
        else
                out_line(c->out, "action:    apply");
        static const char *const header[] = {"KEY", "BEFORE", "AFTER", "ROLE"};
        struct table tab = {.ncols = 4};
        for (size_t k = 0; k < g->n_keys; k++)
                table_add(&tab, g->keys[k].written ? "change" : "ok", g->keys[k].key,
                          g->keys[k].write_only ? NULL : g->keys[k].before, g->keys[k].after, key_role(&g->keys[k]));
        fputc('\n', c->out);
        table_print(c, &tab, header);
        table_release(&tab);
        if (!g->persist) {
                fputs("\nnot persisted (--no-persist or a network namespace)\n", c->out);
                return;
        }
        if (!g->file_present) {
                fputs("\npersisted file: removed\n", c->out);
                return;
        }
        fputs("\npersisted file:\n", c->out);
        for (const char *l = g->file; *l;) {
                size_t n = strcspn(l, "\n");
                out_line(c->out, "  %.*s", (int)n, l);
                l += n + (l[n] == '\n');
        }
}

/* The list of generations ids[0..n), oldest first: a table, or JSON. Returns EXIT_OK, or EXIT_ENV
 * when a record could not be read (the others are listed). */
static int print_all(struct cli *c, struct state *st, const unsigned long *ids, size_t n)
{
        static const char *const header[] = {"GEN", "TIME (UTC)", "SHA256", "CHANGED", "PROFILE"};
        struct table tab = {.ncols = 5};
        int exit_code = EXIT_OK;
        size_t printed = 0;
        if (c->format == FMT_JSON) {
                json_begin(c);
                fputs(", \"generations\": [", c->out);
        }
        for (size_t i = 0; i < n; i++) {
                struct record *g;
                int r = state_generation_read(st, ids[i], &g);
                if (r < 0) {
                        exit_code = cli_error(c, EXIT_ENV, "generation %lu: %s", ids[i], record_error(r));
                        continue;
                }
                print_generation(c, g, printed++ == 0, &tab);
                record_free(g);
        }
        if (c->format == FMT_JSON)
                fputs(printed ? "\n]}\n" : "]}\n", c->out);
        else if (!n && !c->quiet)
                fputs("no generations: nothing has been applied\n", c->out);
        else
                table_print(c, &tab, header);
        table_release(&tab);
        return exit_code;
}

int cmd_history(struct cli *c, int argc, char **argv)
{
        static const struct option opts[] = {
                {"netns", required_argument, NULL, 'n'},
                {0},
        };
        const char *netns = NULL;
        int first;
        int r = cli_parse(c, c->command, argc, argv, opts, on_opt, &netns, &first);
        if (r >= 0)
                return r;
        unsigned long one = 0;
        if (argc - first > 1)
                return cli_usage_error(c, "history takes at most one generation number");
        if (first < argc) {
                char *end;
                errno = 0;
                one = strtoul(argv[first], &end, 10);
                if (errno || *end || end == argv[first] || argv[first][0] == '-' || one == 0)
                        return cli_usage_error(c, "history N takes a generation number from 1, not '%s'", argv[first]);
        }
        if ((r = cli_enter_netns(c, netns)))
                return r;
        struct sysroot *sr = NULL;
        struct state *st = NULL;
        unsigned long *ids = NULL;
        size_t n = 0;
        if ((r = cli_open_root(c, &sr)))
                return r;
        if ((r = cli_open_state(c, sr, false, &st))) {
                sysroot_free(sr);
                return r;
        }
        if (st) /* NULL: nothing applied yet */
                r = state_generations(st, &ids, &n);
        if (r < 0) {
                state_free(st);
                sysroot_free(sr);
                return cli_error(c, EXIT_ENV, "cannot read the state directory: %s", strerror(-r));
        }
        if (one) {
                struct record *g = NULL;
                r = st ? state_generation_read(st, one, &g) : -ENOENT;
                int code = r == 0 ? EXIT_OK
                           : r == -ENOENT ? cli_fail(c, EXIT_USAGE, "no-generation", "no generation %lu (see 'twtune history')", one)
                           : cli_error(c, EXIT_ENV, "generation %lu: %s", one, record_error(r));
                if (g)
                        print_one(c, g);
                record_free(g);
                free(ids);
                state_free(st);
                sysroot_free(sr);
                return code;
        }
        int exit_code = print_all(c, st, ids, n);
        free(ids);
        state_free(st);
        sysroot_free(sr);
        return exit_code;
}
