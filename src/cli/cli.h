/* SPDX-License-Identifier: MIT */
/* The command layer: option parsing, output and exit codes. Only this layer prints or exits. */
#ifndef TWTUNE_CLI_H
#define TWTUNE_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "diff.h"
#include "finding.h"
#include "kver.h"
#include "profile.h"
#include "profile_path.h"
#include "txn.h"

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

/* Values of the long-only global options in cli_global_options. */
enum { OPT_FORMAT = 0x100, OPT_KERNEL, OPT_ROOT, OPT_QUIET, OPT_HELP, OPT_VERSION, OPT_ALLOW_ABS_EXTENDS, OPT_STRICT,
       OPT_VERBOSE, OPT_MEMORY };

/* Whether the network namespace whose values twtune reads and writes is the host's: the one PID 1
 * is in, as this process sees /proc (systemd's on a host, a container's init in a container). */
enum netns_where { NETNS_HOST, NETNS_OTHER, NETNS_UNKNOWN };

/* The global options a command takes besides --format, --root, --quiet and --help, which every
 * command takes (struct command's globals); --version is twtune's own, before any command. */
enum { TAKES_KERNEL = 1 << 0, TAKES_ABS_EXTENDS = 1 << 1, TAKES_STRICT = 1 << 2 };
/* Not an option of its own: the command prints --format prometheus (stats, advise, verify). */
enum { TAKES_PROMETHEUS = 1 << 8 };
#define TAKES_PROFILE (TAKES_ABS_EXTENDS | TAKES_STRICT) /* those of commands that load a profile */

struct cli {
        const char *cmd;
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

struct command {
        const char *name;
        int (*run)(struct cli *c, int argc, char **argv);
        const char *summary;
        const char *usage; /* options and arguments, after "twtune NAME " */
        const char *help;  /* the command's own options, one a line */
        unsigned globals;  /* TAKES_*: the global options it takes beyond those every command takes */
};

const struct command *command_find(const char *name);

/* Parses the command's options: its own (handled by on_opt, which returns 0 or an exit code)
 * plus the global ones, which may come after the command too. Returns -1 with *ret_optind set
 * to the first operand when the command should run, or an exit code to return at once
 * (EXIT_OK after --help). */
int cli_parse(struct cli *c, const struct command *cmd, int argc, char **argv, const struct option *own,
              int (*on_opt)(struct cli *c, int opt, const char *arg, void *ud), void *ud, int *ret_optind);
/* The same for a command with short options too (shorts: getopt's letters, "o:"), each the val of
 * its long option in own. */
int cli_parse_short(struct cli *c, const struct command *cmd, int argc, char **argv, const struct option *own,
                    const char *shorts, int (*on_opt)(struct cli *c, int opt, const char *arg, void *ud), void *ud,
                    int *ret_optind);
/* The usage error for an option getopt_long (with ':' leading its option string) refused as opt
 * ('?' or ':'): unknown, with the nearest option cmd takes (own or global; every global one when cmd
 * is NULL), ambiguous, missing its value or given one it does not take. */
int cli_option_error(struct cli *c, const struct command *cmd, const struct option *own, int opt, char **argv);
/* Handles one global option; returns 1 if it was not one, 0 if handled, or an exit code. */
int cli_global_option(struct cli *c, int opt, const char *arg);
extern const struct option cli_global_options[];

void cli_usage(struct cli *c, const struct command *cmd, FILE *f);
/* The global options, each with its help line: what 'twtune --help' lists. */
void cli_usage_globals(FILE *f);
/* Errors: text on stderr, a ::error workflow command with --format github; with --format json
 * they are kept for the "error" member main() adds to the command's JSON (or prints alone). An
 * exit code of 0 makes a note, not an error: stderr in text and JSON, ::notice in github. */
int cli_usage_error(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_error(struct cli *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same with a specific error code for JSON and github ("lock-held", "not-host-netns"). */
int cli_fail(struct cli *c, int exit_code, const char *code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The error code of an exit code: usage, invalid-profile, rolled-back, environment, ... */
const char *cli_exit_code_name(int exit_code);
/* Prints the command's JSON, held in buf, with an "error" member for exit codes 2 and above;
 * a command that printed nothing gets {"format": 1, "command": ..., "error": {...}}. */
/* --format github: the workflow commands to standard output, everything else printed to c->out
 * to a sink; released (c->out back) at the end of the run or by a later --format. */
void cli_github_hold(struct cli *c);
void cli_github_release(struct cli *c);
void cli_json_finish(struct cli *c, int exit_code, const char *buf, size_t len, FILE *to);
/* Once the command is known and the format is JSON, sends c->out to a buffer that main() prints
 * with cli_json_finish, so that a failure becomes the "error" member. Called again by --format
 * json among the command's own options. */
void cli_json_hold(struct cli *c);
/* Starts a command's JSON object: {"format": 1, "command": "NAME" (members follow, then "}\n"). */
void json_begin(struct cli *c);
/* cli_error for a failure to open or write what a command changes (/proc/sys, the state directory,
 * /etc/sysctl.d): when err (a negative errno, 0 for none) is EACCES or EPERM and twtune does not
 * run as root, the message starts "CMD needs root: ". */
int cli_access_error(struct cli *c, int code, int err, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The kernel to validate for: --kernel, else the target's, else unknown. */
int cli_kernel(struct cli *c, struct target *t, struct kver *ret, bool *ret_known);
/* Loads a profile with the standard search path; findings are added to f. */
/* The profile search path: $TWTUNE_PROFILE_PATH, <root>/etc/twtune/profiles, the installed profiles
 * (beside the binary, then the configured data directory). */
int cli_profile_dirs(struct cli *c, struct profile_dirs *d);
/* Loads PATH, "-" for standard input, or a profile NAME found on the search path. */
int cli_load_profile(struct cli *c, const char *path, struct profile **ret, struct findings *f);
/* Loads, validates and diffs a profile against vo->target. Returns 0 (findings may hold errors)
 * or an exit code after printing the findings; in JSON the caller prints them, in its own result
 * with "profile": null and no settings. */
/* The target's RAM for memory hazards: --memory, else a live target's MemTotal; 0 if unknown. */
unsigned long long cli_memory(const struct cli *c, struct target *t);
int cli_prepare(struct cli *c, const char *path, const struct validate_opts *vo, struct profile **ret_p,
                struct findings *f, struct diff **ret_d);
/* Exit code for a failed load or a profile with error findings. */
int cli_profile_exit(int r);

/* Output */

/* Text from outside twtune (values, paths, names, messages) is printed escaped: C0 controls
 * (TAB, CR and LF included), DEL, C1 controls (U+0080..U+009F), bidirectional controls, U+2028,
 * U+2029 and each byte that is not valid UTF-8 become \xNN, one per byte; printable UTF-8 and a
 * backslash stay as they are. */
void out_text(FILE *f, const char *s);   /* writes s escaped; NULL writes nothing */
char *text_escape(const char *s);        /* s escaped, to free; NULL for NULL or out of memory */
char *text_elide(const char *s);         /* escaped and cut to 100 characters, as "head…(N bytes)" */
/* A line of text output: formatted, escaped as a whole, then a newline. */
void out_line(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An aligned text table whose last column is coloured by a status word (see color()). Cells are
 * escaped as by out_text, and one longer than 100 characters is shown cut, as "head…(N bytes)". */
struct table {
        size_t ncols, nrows;
        char **cells;          /* nrows * ncols, owned */
        const char **colors;   /* per row */
};
void table_add(struct table *t, const char *status_color, ...); /* ncols strings (NULL prints "-") */
void table_print(struct cli *c, const struct table *t, const char *const *header);
void table_release(struct table *t);

void out_findings_text(struct cli *c, const struct findings *f, FILE *to);
void out_findings_github(struct cli *c, const struct findings *f);
void out_findings_json(struct cli *c, const struct findings *f); /* a "findings": [...] member */
/* A quoted string, or null; always valid UTF-8 JSON: invalid bytes become U+FFFD, and the
 * characters out_text escapes are \u escapes. */
void json_str(FILE *f, const char *s);
void json_member(FILE *f, const char *name, const char *value);  /* , "name": "value" (or null) */
const char *color(struct cli *c, const char *what);             /* "" when colour is off */



struct sysroot;
struct target;

/* Opens the system root given by --root ("/" by default). Returns 0 or an exit code. */
int cli_open_root(struct cli *c, struct sysroot **ret);

/* The local ports listeners hold on a live target, as a bitmap to free, when profile p sets the
 * ephemeral port range; NULL otherwise (a snapshot, sockets that cannot be read: the check is then
 * left to the well-known ports). */
unsigned char *cli_listen_ports(struct cli *c, const struct profile *p, struct target *t);

/* Opens the target: the snapshot FILE when against is set, else the live tree below --root.
 * Returns 0 or an exit code after printing the error. */
int cli_open_target(struct cli *c, const char *against, struct sysroot **ret_sr, struct target **ret_t);
struct state;

/* Where this process's network namespace is: /proc/self/ns/net and /proc/1/ns/net compared by
 * device and inode (the real /proc, whatever --root says). Computed once, then kept up to date by
 * cli_enter_netns. NETNS_UNKNOWN where either cannot be read; twtune then proceeds as on the host,
 * and says so with --verbose. */
enum netns_where cli_netns_where(struct cli *c);

/* Refuses what would persist or record the host's state (apply without --no-persist, rollback,
 * recover) from another network namespace than the host's, unless --netns (netns) names the one
 * meant. Call before opening anything for writing. Returns 0 or EXIT_USAGE after saying where
 * this is and what to do. */
int cli_refuse_other_netns(struct cli *c, const char *netns);

/* Which namespace a command read: the member , "netns": "host"|"other"|"unknown" (null when it
 * read no live values: a snapshot), and in text a note when the namespace is not the host's. */
void cli_netns_json(struct cli *c, bool live);
void cli_netns_note(struct cli *c, bool live);

/* Moves this process into a network namespace: a name under /run/netns or a path such as
 * /proc/PID/ns/net, which must be a network namespace file (exit 2 otherwise). Call before opening
 * anything below /proc/sys. Transactions in another namespace than the host's keep their own state
 * (c->state_sub), keyed by an identity the kernel does not reuse; c->in_netns is set. The host's
 * namespace named this way is the host: nothing changes. Without netns, a process that runs in
 * another namespace than the host's gets that namespace's state too, but not c->in_netns.
 * Returns 0 or an exit code. */
int cli_enter_netns(struct cli *c, const char *netns);

/* Opens the state directory (for c->state_sub), creating it when create is set; without create,
 * an absent one gives 0 with *ret NULL. Returns 0 or an exit code after printing why, with how
 * to repair a directory twtune will not trust. */
int cli_open_state(struct cli *c, struct sysroot *sr, bool create, struct state **ret);
/* Prints `, "state": {"generation": N, "hash": H}`: the newest generation (the state the host is in
 * now) and its content hash, both null before twtune's first apply (the hash also after a rollback
 * to 0) or when the state cannot be read. st NULL: opened read-only here. */
void cli_json_state(struct cli *c, struct sysroot *sr, struct state *st);
/* How messages name the profile given as arg: itself, but for standard input ("-") the profile's
 * name: when it has one, else "<stdin>" (as findings name it). p may be NULL. */
struct profile;
const char *cli_profile_label(const char *arg, const struct profile *p);

/* Opens the state directory (creating it), takes the lock waiting up to wait_ms, and finishes
 * or undoes a transaction a crash left behind. Returns 0 or an exit code after printing why. */
int cli_lock_state(struct cli *c, struct sysroot *sr, unsigned long wait_ms, struct state **ret);

/* Prints why a transaction could not be planned (key: the key that could not be read, or NULL)
 * and returns EXIT_ENV. */
int cli_plan_error(struct cli *c, const char *key, int r);

/* Prints a failed transaction (its cause, and any keys left changed) and returns 4 or 6. */
int cli_txn_exit(struct cli *c, const struct txn_failure *f, enum txn_result res);

struct managed;
struct rows;

/* The "kernel" and "target" members of a JSON result. */
void cli_json_target(struct cli *c, const struct validate_opts *vo);
/* Findings after a table: text (after a blank line) or github workflow commands. */
void cli_out_findings(struct cli *c, const struct findings *f, FILE *to);
/* What twtune manages now, from st or (NULL) the state directory opened read-only; nothing when
 * nothing was applied. Returns 0 or a negative errno. */
int cli_managed(struct cli *c, struct sysroot *sr, struct state *st, struct managed *ret);
/* The rows apply would show for p: its plan against the live values, with managed keys the
 * profile drops; the diff's rows where no plan can be made. */
void cli_plan_rows(struct cli *c, struct sysroot *sr, const struct profile *p, const struct validate_opts *vo,
                   const struct diff *d, struct rows *rows, struct findings *f);

/* Compares what the next boot sets for keys[i] with values[i], with twtune's persisted file as it
 * is (body NULL) or with body standing in for it: a later file that sets another value is a
 * shadowed-at-boot finding of severity sev (with that file and line), another file that sets the
 * same value an also-set-by info. Returns the number of shadowed keys. */
size_t cli_boot_check(struct cli *c, struct sysroot *sr, const char *body, const char *const *keys,
                      const char *const *values, size_t n, enum severity sev, struct findings *f);
/* One key for cli_boot_verify: the value it must have, its live value and its baseline (NULL:
 * unknown), and the severity of a finding when the next boot gives another value. */
struct boot_verify {
        const char *key, *value, *live, *baseline;
        enum severity sev;
};
/* verify --boot: what the next boot gives each key, from the sysctl.d hierarchy as it is (a key no
 * file sets keeps the kernel's value, its baseline), against v[i].value. A difference is a finding
 * that names the key, the live value, the value the boot sets and its origin (file:line):
 * shadowed-at-boot (another file wins), boot-drift (twtune's file sets another value), lost-at-boot
 * (nothing sets it). Returns the number of keys that differ. */
size_t cli_boot_verify(struct cli *c, struct sysroot *sr, const struct boot_verify *v, size_t n, struct findings *f);
/* The same for the keys a planned transaction persists (warnings). */
size_t cli_boot_check_txn(struct cli *c, struct sysroot *sr, const struct txn *x, struct findings *f);

struct txn_file_change;
/* The persisted file's change (file_change.c): a "persist" JSON member {"path", "action":
 * create|change|remove|none, "diff": unified diff or ""}, or in text the diff under a line saying
 * what happens (would happen, when dry) to path; nothing in text when the file stays as it is. */
void cli_persist_json(struct cli *c, const char *path, const struct txn_file_change *fc);
void cli_persist_text(struct cli *c, const char *path, const struct txn_file_change *fc, bool dry);

/* Parses --wait SECONDS into milliseconds. */
int cli_parse_wait(struct cli *c, const char *arg, unsigned long *ret_ms);

/* --interval SECONDS (stats, advise): from 0.1 to 3600, else a usage error (its exit code). */
int cli_parse_interval(struct cli *c, const char *arg, double *ret);
/* Sleeps that long, through signals. */
void cli_sleep(double seconds);

#endif
