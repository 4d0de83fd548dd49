/* SPDX-License-Identifier: MIT */
/* twtune: declarative sysctl tuning. This file holds main() and the command table; each
 * command lives in cmd_NAME.c over the core library. */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "errors.h"
#include "format.h"
#include "options.h"
#include "output.h"
#include "suggest.h"

int cmd_advise(struct cli *c, int argc, char **argv);
int cmd_apply(struct cli *c, int argc, char **argv);
int cmd_boot(struct cli *c, int argc, char **argv);
int cmd_check(struct cli *c, int argc, char **argv);
int cmd_diff(struct cli *c, int argc, char **argv);
int cmd_explain(struct cli *c, int argc, char **argv);
int cmd_history(struct cli *c, int argc, char **argv);
int cmd_import(struct cli *c, int argc, char **argv);
int cmd_keys(struct cli *c, int argc, char **argv);
int cmd_profiles(struct cli *c, int argc, char **argv);
int cmd_recover(struct cli *c, int argc, char **argv);
int cmd_rollback(struct cli *c, int argc, char **argv);
int cmd_stats(struct cli *c, int argc, char **argv);
int cmd_verify(struct cli *c, int argc, char **argv);

/* Sorted by name; tests/cli/usage.sh checks that every command answers --help. */
static const struct command commands[] = {
        {"advise", cmd_advise, "Read the host's sockets and counters and say which sysctl changes they support.",
         "[--interval SECONDS] [--emit-profile FILE [--force]] [--prometheus-file FILE] [--netns NAME|PATH] [PROFILE]",
         "      --interval SECONDS         sample the counters twice, that far apart: what happens now\n"
         "      --emit-profile FILE        write the supported changes as a profile (nothing when none)\n"
         "      --force                    let --emit-profile replace an existing FILE\n"
         "      --prometheus-file FILE     also write the metrics to FILE atomically (textfile collector)\n"
         "      --netns NAME|PATH          look inside a network namespace\n"
         "      PROFILE                    also say whether this profile addresses each finding\n",
         TAKES_KERNEL | TAKES_PROFILE | TAKES_PROMETHEUS},
        {"apply", cmd_apply, "Apply PROFILE live and persist it, all or nothing.",
         "[--dry-run] [--no-persist] [--allow-address-loss] [--wait SECONDS] [--netns NAME|PATH] PROFILE",
         "      --dry-run                  show what would change; take no lock, write nothing\n"
         "      --no-persist               change live values only; leave /etc/sysctl.d alone\n"
         "      --allow-address-loss       turn disable_ipv6 on together with other keys, although an undo\n"
         "                                 cannot bring back the addresses it drops\n"
         "      --wait SECONDS             wait this long for another twtune to finish (default 0)\n"
         "      --netns NAME|PATH          apply inside a network namespace (/run/netns/NAME or a path); live\n"
         "                                 only, with its own journal and history\n",
         TAKES_PROFILE}, /* validated for the running kernel: no --kernel */
        {"boot", cmd_boot, "Show what the next boot will set from the sysctl.d hierarchy, and what overrides what.",
         "[--rules systemd|procps]",
         "      --rules systemd|procps     resolve as systemd-sysctl or as procps' sysctl --system (default:\n"
         "                                 systemd where its systemd-sysctl is installed below the root)\n",
         0},
        {"check", cmd_check, "Validate profiles against the kernel knowledge base.", "[--against FILE | --live] [--k8s-safe] PROFILE...",
         "      --against FILE             also check against a 'sysctl -a' snapshot (unknown keys, cross-key checks)\n"
         "      --live                     also check against the live /proc/sys\n"
         "      --k8s-safe                 per key: may a Kubernetes pod set it (pod-safe, pod-unsafe) or only the node\n",
         TAKES_KERNEL | TAKES_PROFILE},
        {"diff", cmd_diff, "Show what applying PROFILE would change.", "[--against FILE | --netns NAME|PATH] [--exit-code] PROFILE",
         "      --against FILE             compare with a 'sysctl -a' snapshot instead of the live system\n"
         "      --netns NAME|PATH          compare inside a network namespace\n"
         "      --exit-code                exit 1 when anything would change\n",
         TAKES_KERNEL | TAKES_PROFILE},
        {"explain", cmd_explain, "Show what twtune knows about a sysctl key.", "KEY", NULL, 0},
        {"history", cmd_history, "List the generations applied, oldest first, or show generation N.",
         "[--netns NAME|PATH] [N]",
         "      --netns NAME|PATH          the history of a network namespace\n"
         "      N                          show generation N: each key before and after, the persisted file\n",
         0},
        {"import", cmd_import, "Turn sysctl.conf files, or what the next boot sets, into a profile.",
         "[-o FILE [--force]] [--against FILE | --live] (FILE... | --system)",
         "  -o, --output FILE              write the profile to FILE, atomically, instead of standard output\n"
         "                                 (needed with --format json)\n"
         "      --force                    replace FILE if it exists\n"
         "      --against FILE             validate against a 'sysctl -a' snapshot\n"
         "      --live                     validate against the live /proc/sys\n"
         "      --system                   import the resolved boot view ('twtune boot'), each setting's origin as\n"
         "                                 a comment\n"
         "      FILE                       a sysctl.conf file, - for standard input; the last assignment wins\n",
         TAKES_KERNEL},
        {"keys", cmd_keys, "List the keys of the knowledge base.", "", NULL, 0},
        {"profiles", cmd_profiles, "List the profiles a name selects, with their descriptions and files.", "[-q]",
         "  -q, --quiet                    print only the names, one a line\n", 0},
        {"recover", cmd_recover, "Finish or undo a transaction a crash interrupted.", "[--wait SECONDS] [--netns NAME|PATH]",
         "      --wait SECONDS             wait this long for another twtune to finish\n"
         "      --netns NAME|PATH          in a network namespace\n", 0},
        {"rollback", cmd_rollback, "Restore the live values and persisted file of an earlier generation.",
         "[--to N | --to-hash HASH] [--dry-run] [--wait SECONDS] [--netns NAME|PATH]",
         "      --to N                     the generation to go back to (default: one step back, to the generation\n"
         "                                 before the one whose state is current; 0: before twtune's first apply)\n"
         "      --to-hash HASH             the newest generation with this content hash (12 to 64 hex digits,\n"
         "                                 as 'history' shows): the same state on every host, whatever its numbers\n"
         "      --dry-run                  show the rows and the persisted file's change; take no lock, write nothing\n"
         "      --wait SECONDS             wait this long for another twtune to finish\n"
         "      --netns NAME|PATH          in a network namespace\n", 0},
        {"stats", cmd_stats, "Count TCP sockets by state (and by remote or local endpoint).",
         "[--by-remote [N]] [--by-local [N]] [--interval SECONDS] [--prometheus-file FILE] [--explain] "
         "[--source netlink|proc] [--netns NAME|PATH]",
         "      --by-remote [N]            also the N (default 10) remotes with most TIME_WAIT and most sockets,\n"
         "                                 and the ephemeral ports in use\n"
         "      --by-local [N]             also the N local endpoints (a listener's address and port) with most\n"
         "      --interval SECONDS         sample twice, that far apart: rates and counter growth\n"
         "      --prometheus-file FILE     also write the metrics to FILE atomically (textfile collector)\n"
         "      --explain                  what each TCP state means, who holds it, what a high count says\n"
         "      --source netlink|proc      force a source (default: netlink, else /proc/net/tcp)\n"
         "      --netns NAME|PATH          count inside a network namespace\n", TAKES_PROMETHEUS},
        {"verify", cmd_verify, "Check that live values and the persisted file match the last generation or PROFILE.",
         "[--boot] [--wait SECONDS] [--prometheus-file FILE] [--netns NAME|PATH] [PROFILE]",
         "      --boot                     also check that the next boot restores every value (exit 1 if not)\n"
         "      --prometheus-file FILE     also write the verdict as metrics to FILE atomically (textfile collector)\n"
         "      --netns NAME|PATH          verify inside a network namespace\n"
         "      --wait SECONDS             wait this long for a transaction in progress (default 10)\n",
         TAKES_KERNEL | TAKES_PROFILE | TAKES_PROMETHEUS},
};

static const struct command *command_find(const char *name)
{
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                if (strcmp(commands[i].name, name) == 0)
                        return &commands[i];
        return NULL;
}

/* An unknown command, with the nearest one; "help" is one too, except as help's operand. */
static int no_command(struct cli *c, const char *name, bool with_help)
{
        struct suggest s;
        suggest_init(&s, name);
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                suggest_add(&s, commands[i].name);
        if (with_help)
                suggest_add(&s, "help");
        const char *m = suggest_result(&s);
        return cli_usage_error(c, "no command '%s'%s%s%s", name, m ? "; did you mean '" : "", m ? m : "", m ? "'?" : "");
}

static void usage(FILE *f)
{
        fputs("usage: twtune [--root DIR] [--kernel VERSION] [--format text|json|github] [--quiet] [--verbose] COMMAND [ARGS]\n\n"
              "Declarative sysctl tuning for TIME_WAIT and connection-heavy hosts.\n\ncommands:\n",
              f);
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
        fputs("\noptions (before or after the command; a command refuses one it has no use for):\n", f);
        cli_usage_globals(f);
        fputs("\n'twtune COMMAND --help' describes a command. Exit codes: 0 ok, 1 drift, 2 usage, 3 invalid profile,\n"
              "4 apply failed and rolled back, 5 environment error, 6 rollback incomplete, 7 done but its\n"
              "report lost. See twtune(8).\n",
              f);
}

/* An error before a command runs: with --format json it still is JSON. */
static int early_error(struct cli *c, int r)
{
        cli_github_release(c);
        if (c->format == FMT_JSON)
                cli_json_finish(c, r, NULL, 0, stdout);
        free(c->err_message);
        c->err_message = NULL;
        return r;
}

int main(int argc, char **argv)
{
        struct cli c = {.out = stdout, .err = stderr};
        /* glibc raises its mmap threshold each time a mapped block is freed (up to 32 MiB), after
         * which the run's large tables (a few hundred KiB each with thousands of keys) come from the
         * heap, and each doubling leaves the old copy behind as a resident hole. A fixed threshold
         * keeps them mapped: a doubling is an mremap and a free returns the pages (apply_bench: peak
         * RSS 1-1.7 MB lower). */
        mallopt(M_MMAP_THRESHOLD, 128 * 1024);
        const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
        c.tty = isatty(STDOUT_FILENO);
        c.color = c.tty && !(nc && *nc) && !(term && strcmp(term, "dumb") == 0);

        opterr = 0;
        for (;;) {
                int opt = getopt_long(argc, argv, "+:qhV", cli_global_options, NULL);
                if (opt == -1)
                        break;
                if (opt == 'h' || opt == OPT_HELP) {
                        usage(stdout);
                        return EXIT_OK;
                }
                if (opt == 'V' || opt == OPT_VERSION) {
                        printf("twtune %s\n", TWTUNE_VERSION);
                        return EXIT_OK;
                }
                if (opt == '?' || opt == ':')
                        return early_error(&c, cli_option_error(&c, NULL, NULL, opt, argv));
                int r = cli_global_option(&c, opt, optarg);
                if (r)
                        return early_error(&c, r);
        }
        if (optind >= argc) {
                if (c.format == FMT_JSON)
                        return early_error(&c, cli_usage_error(&c, "no command given"));
                usage(stderr);
                return EXIT_USAGE;
        }
        const char *name = argv[optind];
        if (strcmp(name, "help") == 0) {
                const struct command *cmd = optind + 1 < argc ? command_find(argv[optind + 1]) : NULL;
                if (optind + 1 < argc && !cmd)
                        return early_error(&c, no_command(&c, argv[optind + 1], false));
                if (cmd)
                        cli_usage(&c, cmd, stdout);
                else
                        usage(stdout);
                return EXIT_OK;
        }
        const struct command *cmd = command_find(name);
        if (!cmd)
                return early_error(&c, no_command(&c, name, true));
        c.cmd = cmd->name;
        c.command = cmd;
        /* JSON is held until the command ends, so that a failure becomes its "error" member. */
        cli_json_hold(&c);
        int r = cmd->run(&c, argc - optind, argv + optind);
        cli_github_release(&c); /* before the held JSON, which the workflow commands may be in */
        if (c.json_mem) {
                bool lost = fclose(c.json_mem) != 0;
                c.out = stdout;
                if (lost && r < EXIT_USAGE)
                        r = cli_error(&c, EXIT_ENV, "%s", strerror(ENOMEM));
                if (c.format == FMT_JSON)
                        cli_json_finish(&c, r, c.json_buf, lost ? 0 : c.json_len, stdout);
                else if (!lost) /* a later --format text or github */
                        fwrite(c.json_buf, 1, c.json_len, stdout);
                free(c.json_buf);
                c.json_mem = NULL;
        }
        free(c.err_message);
        free(c.err_key);
        c.err_message = c.err_key = NULL;
        if (fflush(stdout) == 0 && !ferror(stdout))
                return r;
        c.format = FMT_TEXT; /* stdout is gone: say so on stderr */
        /* The report is lost, not the work: exit 5 promises that nothing was changed. */
        if (r == EXIT_OK && c.changed)
                return cli_error(&c, EXIT_REPORT_LOST, "error writing output; the change itself is in effect "
                                 "(see 'twtune history')");
        cli_error(&c, EXIT_ENV, "error writing output");
        return r == EXIT_OK ? EXIT_ENV : r;
}
