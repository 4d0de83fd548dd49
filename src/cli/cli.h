/* SPDX-License-Identifier: MIT */
/* The command layer's shared types: the run's settings and state (struct cli), the commands and
 * the exit codes. Only this layer prints or exits. Each concern has its own header: options.h
 * (parsing, usage), errors.h (errors, exit code names), format.h (JSON and github output held),
 * output.h (text, tables, findings, JSON values), open_target.h, load_profile.h, netns.h,
 * state_lock.h, txn_report.h, boot_check.h, file_change.h, interval.h; docs/ARCHITECTURE.md maps
 * them. */
#ifndef TWTUNE_CLI_H
#define TWTUNE_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* Documented in README.md and twtune(8). */
enum {
        EXIT_OK = 0,
        EXIT_DRIFT = 1,
        EXIT_USAGE = 2,
        EXIT_INVALID = 3,
        EXIT_APPLY_ROLLED_BACK = 4,
        EXIT_ENV = 5,
        EXIT_ROLLBACK_FAILED = 6,
        EXIT_REPORT_LOST = 7, /* the command did its work, but its report could not be written */
};

enum out_format { FMT_TEXT, FMT_JSON, FMT_GITHUB, FMT_PROMETHEUS };

/* Whether the network namespace whose values twtune reads and writes is the host's: the one PID 1
 * is in, as this process sees /proc (systemd's on a host, a container's init in a container). */
enum netns_where { NETNS_HOST, NETNS_OTHER, NETNS_UNKNOWN };

/* The global options a command takes besides --format, --root, --quiet and --help, which every
 * command takes (struct command's globals); --version is twtune's own, before any command. */
enum { TAKES_KERNEL = 1 << 0, TAKES_ABS_EXTENDS = 1 << 1, TAKES_STRICT = 1 << 2 };
/* Not an option of its own: the command prints --format prometheus (stats, advise, verify). */
enum { TAKES_PROMETHEUS = 1 << 8 };
#define TAKES_PROFILE (TAKES_ABS_EXTENDS | TAKES_STRICT) /* those of commands that load a profile */

struct command;

struct cli {
        const char *cmd;
        const struct command *command; /* the command running (main sets it; cli_parse takes it) */
        enum out_format format;
        bool quiet;
        bool verbose; /* --verbose: also say what twtune assumed where it could not tell */
        bool color;
        bool tty; /* stdout is a terminal (bars in stats), whatever NO_COLOR says */
        const char *root;   /* --root */
        const char *kernel; /* --kernel */
        unsigned long long memory; /* --memory, in bytes; 0: the live target's MemTotal, if any */
        bool allow_absolute_extends; /* --allow-absolute-extends */
        bool strict;                 /* --strict: warnings are errors */
        const char *state_sub; /* state subdirectory of another namespace than the host's, else NULL */
        char state_sub_buf[128];
        bool in_netns; /* --netns entered another network namespace than the host's */
        /* cli_netns_where's answer once computed, and the namespaces it compared (for messages). */
        bool netns_known, init_known;
        enum netns_where netns_where;
        dev_t netns_dev, init_dev;
        ino_t netns_ino, init_ino;
        bool changed;  /* this run changed the host: a commit, or the undo of an interrupted one */
        FILE *out, *err;
        /* --format github: where the workflow commands go (standard output), while out is a sink
         * (cli_github_hold); NULL otherwise. */
        FILE *gh;
        /* The failure to report (exit code 2 and above): JSON puts it in an "error" member. */
        const char *err_code; /* NULL: the default for the exit code (cli_exit_code_name) */
        char *err_message;
        char *err_key;
        unsigned globals_given; /* TAKES_* of the global options given, for cli_parse to check */
        /* With --format json the command's output is held here until it ends (cli_json_hold). */
        FILE *json_mem;
        char *json_buf;
        size_t json_len;
};

/* An entry of the command table (twtune.c). A command finds its own as c->command: the table names
 * every command, so that a command looking itself up there would depend on the file that calls it. */
struct command {
        const char *name;
        int (*run)(struct cli *c, int argc, char **argv);
        const char *summary;
        const char *usage; /* options and arguments, after "twtune NAME " */
        const char *help;  /* the command's own options, one a line */
        unsigned globals;  /* TAKES_*: the global options it takes beyond those every command takes */
};

#endif
