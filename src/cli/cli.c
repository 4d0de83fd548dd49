/* SPDX-License-Identifier: MIT */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71 /* Linux 5.14; older headers lack it */
#endif

#include "managed.h"
#include "rows.h"
#include "sockstat.h"
#include "state.h"
#include "suggest.h"
#include "sysroot.h"
#include "txn.h"
#include "target.h"
#include "util.h"


const struct option cli_global_options[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"kernel", required_argument, NULL, OPT_KERNEL},
        {"root", required_argument, NULL, OPT_ROOT},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {"allow-absolute-extends", no_argument, NULL, OPT_ALLOW_ABS_EXTENDS},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"memory", required_argument, NULL, OPT_MEMORY},
        {"verbose", no_argument, NULL, OPT_VERBOSE},
        {0},
};

#define TAKES_NONE (1u << 31) /* --version: twtune's own, before the command */

/* The global options: what a command's globals need for it to take each (0: every command takes
 * it), and the line of its help. */
static const struct {
        int opt;
        unsigned takes;
        const char *help;
} globals[] = {
        {OPT_FORMAT, 0, "      --format text|json|github|prometheus  output format (text is coloured only on a terminal;\n"
                        "                                 prometheus: stats, advise and verify)\n"},
        {OPT_KERNEL, TAKES_KERNEL, "      --kernel VERSION           validate for this kernel instead of the target's\n"},
        {OPT_MEMORY, TAKES_KERNEL, "      --memory SIZE              the target's RAM (e.g. 16G), for memory hazards; default: MemTotal\n"
                                   "                                 of a live target's /proc/meminfo\n"},
        {OPT_ROOT, 0, "      --root DIR                 system root for /proc/sys and configuration\n"},
        {OPT_ALLOW_ABS_EXTENDS, TAKES_ABS_EXTENDS, "      --allow-absolute-extends   let profiles extend files by absolute path\n"},
        {OPT_STRICT, TAKES_STRICT, "      --strict                   treat every warning as an error (for CI)\n"},
        {OPT_QUIET, 0, "  -q, --quiet                    print only what needs attention: rows to change, restore, in error or\n"
                       "                                 drifted, and error and warning findings\n"},
        {OPT_VERBOSE, 0, "      --verbose                  also say what twtune assumed where it could not tell\n"},
        {OPT_HELP, 0, "  -h, --help                     show this help\n"},
        {OPT_VERSION, TAKES_NONE, "  -V, --version                  print twtune's version\n"},
};

static unsigned global_takes(int opt)
{
        for (size_t i = 0; i < ELEMENTSOF(globals); i++)
                if (globals[i].opt == opt)
                        return globals[i].takes;
        return 0;
}

/* The name of the option with value val in opts (which may be NULL), or "". */
static const char *option_name(const struct option *opts, int val)
{
        for (const struct option *o = opts; o && o->name; o++)
                if (o->val == val)
                        return o->name;
        return "";
}

/* A usage error naming the first of the global options given that cmd does not take; 0 if none. */
static int refuse_globals(struct cli *c, const struct command *cmd, unsigned given)
{
        for (size_t i = 0; i < ELEMENTSOF(globals); i++)
                if (globals[i].takes & given & ~cmd->globals)
                        return cli_usage_error(c, "%s does not take --%s", cmd->name,
                                               option_name(cli_global_options, globals[i].opt));
        return 0;
}

/* "16G", "512M", "64k" (powers of 1024) or plain bytes; more than 0 and less than 2^60. */
static int parse_size(const char *s, unsigned long long *ret)
{
        char *end;
        if (*s < '0' || *s > '9')
                return -EINVAL;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        const char *units = "KMGT";
        const char *u = *end ? strchr(units, *end & ~0x20) : NULL;
        unsigned shift = u ? 10u * (unsigned)(u - units + 1) : 0;
        if (errno || v == 0 || (*end && (!u || end[1])) || v >= (1ULL << (60 - shift)))
                return -EINVAL;
        *ret = v << shift;
        return 0;
}

/* MemTotal of a live target (its root's /proc/meminfo), in bytes; 0 when unknown. */
static unsigned long long live_memory(const struct target *t)
{
        struct sysroot *sr = t ? target_sysroot(t) : NULL;
        char *text = NULL, *m;
        size_t len;
        unsigned long long kib = 0;
        int fd = sr ? sysroot_open_config(sr, "/proc/meminfo", O_RDONLY) : -ENOENT;
        if (fd >= 0 && read_fd(fd, 64 * 1024, &text, &len) == 0 && (m = strstr(text, "MemTotal:")))
                kib = strtoull(m + strlen("MemTotal:"), NULL, 10);
        if (fd >= 0)
                close(fd);
        free(text);
        return kib < (1ULL << 50) ? kib * 1024 : 0;
}

unsigned long long cli_memory(const struct cli *c, struct target *t)
{
        return c->memory ? c->memory : live_memory(t);
}

int cli_global_option(struct cli *c, int opt, const char *arg)
{
        struct kver v;
        c->globals_given |= global_takes(opt);
        switch (opt) {
        case OPT_FORMAT:
                if (strcmp(arg, "text") && strcmp(arg, "json") && strcmp(arg, "github") && strcmp(arg, "prometheus"))
                        return cli_usage_error(c, "--format takes text, json, github or prometheus, not '%s'", arg);
                cli_github_release(c); /* a later --format wins */
                if (strcmp(arg, "text") == 0)
                        c->format = FMT_TEXT;
                else if (strcmp(arg, "json") == 0) {
                        c->format = FMT_JSON;
                        cli_json_hold(c); /* "twtune diff --format json": after the command name */
                } else if (strcmp(arg, "github") == 0)
                        cli_github_hold(c);
                else
                        c->format = FMT_PROMETHEUS; /* cli_parse refuses it for commands without it */
                return 0;
        case OPT_KERNEL:
                if (kver_parse(arg, &v) < 0)
                        return cli_usage_error(c, "--kernel: '%s' is not a kernel version such as 4.12 or 6.1.0", arg);
                c->kernel = arg;
                return 0;
        case OPT_MEMORY:
                if (parse_size(arg, &c->memory) < 0)
                        return cli_usage_error(c, "--memory: '%s' is not a size such as 16G, 512M or 17179869184", arg);
                return 0;
        case OPT_ROOT:
                c->root = arg;
                return 0;
        case OPT_ALLOW_ABS_EXTENDS:
                c->allow_absolute_extends = true;
                return 0;
        case OPT_STRICT:
                c->strict = true;
                return 0;
        case OPT_VERBOSE:
                c->verbose = true;
                return 0;
        case 'q':
        case OPT_QUIET:
                c->quiet = true;
                return 0;
        default:
                return 1;
        }
}

/* A command's own option or a global one it takes; all global ones before the command. */
static bool takes(const struct command *cmd, const struct option *o, bool own)
{
        return own || !cmd || (global_takes(o->val) & cmd->globals) == global_takes(o->val);
}

/* An unknown or ambiguous long option (name: as typed, without "--" and "=VALUE"), with the
 * nearest one cmd takes. */
static int unknown_option(struct cli *c, const struct command *cmd, const struct option *own, const char *name)
{
        struct suggest s, all;
        suggest_init(&s, name);
        suggest_init(&all, name);
        for (int k = 0; k < 2; k++)
                for (const struct option *o = k ? cli_global_options : own; o && o->name; o++) {
                        suggest_add(&all, o->name);
                        if (takes(cmd, o, k == 0))
                                suggest_add(&s, o->name);
                }
        const char *m = suggest_result(&s);
        /* getopt_long takes a unique abbreviation: one it refused that begins several is ambiguous. */
        return cli_usage_error(c, "%s option '--%s'%s%s%s", all.n_extended > 1 ? "ambiguous" : "unknown", name,
                               m ? "; did you mean '--" : "", m ? m : "", m ? "'?" : "");
}

int cli_option_error(struct cli *c, const struct command *cmd, const struct option *own, int opt, char **argv)
{
        /* getopt_long leaves optopt 0 for an unknown long option, the option's value for a missing
         * or unwanted value, the letter for an unknown short one. */
        const char *arg = argv[optind - 1];
        const char *name = optopt ? option_name(own, optopt) : NULL;
        if (name && !*name)
                name = option_name(cli_global_options, optopt);
        if (opt == ':')
                return cli_usage_error(c, "--%s needs a value", name);
        size_t len = strncmp(arg, "--", 2) == 0 ? strcspn(arg + 2, "=") : 0;
        if (optopt && len && arg[2 + len] == '=' && strncmp(name, arg + 2, len) == 0)
                return cli_usage_error(c, "--%s takes no value", name);
        if (optopt)
                return cli_usage_error(c, "unknown option '-%c'", optopt);
        if (!len)
                return cli_usage_error(c, "unknown option '%s'", arg);
        char *typed = strndup(arg + 2, len);
        int r = typed ? unknown_option(c, cmd, own, typed) : cli_usage_error(c, "unknown option '%s'", arg);
        free(typed);
        return r;
}

void cli_usage(struct cli *c, const struct command *cmd, FILE *f)
{
        (void)c;
        fprintf(f, "usage: twtune %s %s\n\n%s\n\noptions:\n%s", cmd->name, cmd->usage, cmd->summary,
                cmd->help ? cmd->help : "");
        for (size_t i = 0; i < ELEMENTSOF(globals); i++) {
                /* A command that gives a global option a meaning of its own describes it itself. */
                char own[64];
                snprintf(own, sizeof(own), "--%s ", option_name(cli_global_options, globals[i].opt));
                if (globals[i].takes != TAKES_NONE && (globals[i].takes & cmd->globals) == globals[i].takes &&
                    !(cmd->help && strstr(cmd->help, own)))
                        fputs(globals[i].help, f);
        }
}

void cli_usage_globals(FILE *f)
{
        for (size_t i = 0; i < ELEMENTSOF(globals); i++)
                fputs(globals[i].help, f);
}

int cli_parse(struct cli *c, const struct command *cmd, int argc, char **argv, const struct option *own,
              int (*on_opt)(struct cli *c, int opt, const char *arg, void *ud), void *ud, int *ret_optind)
{
        return cli_parse_short(c, cmd, argc, argv, own, "", on_opt, ud, ret_optind);
}

int cli_parse_short(struct cli *c, const struct command *cmd, int argc, char **argv, const struct option *own,
                    const char *shorts, int (*on_opt)(struct cli *c, int opt, const char *arg, void *ud), void *ud,
                    int *ret_optind)
{
        char optstring[32];
        snprintf(optstring, sizeof(optstring), ":qh%s", shorts);
        struct option opts[32];
        size_t n = 0, n_own;
        for (const struct option *o = own; o && o->name; o++)
                opts[n++] = *o;
        n_own = n;
        for (const struct option *o = cli_global_options; o->name; o++)
                opts[n++] = *o;
        opts[n] = (struct option){0};

        optind = 0; /* full reinitialisation: main already ran getopt */
        opterr = 0;
        for (;;) {
                int li = -1;
                int opt = getopt_long(argc, argv, optstring, opts, &li);
                if (opt == -1)
                        break;
                if (opt == 'h' || opt == OPT_HELP) {
                        cli_usage(c, cmd, c->out);
                        return EXIT_OK;
                }
                if (opt == '?' || opt == ':')
                        return cli_option_error(c, cmd, own, opt, argv);
                /* An empty FILE, NAME or N is none (--root "" is the host's root, on purpose). */
                if (li >= 0 && (size_t)li < n_own && opts[li].has_arg == required_argument && !*optarg)
                        return cli_usage_error(c, "--%s needs a value", opts[li].name);
                int r = refuse_globals(c, cmd, global_takes(opt));
                if (r == 0)
                        r = cli_global_option(c, opt, optarg);
                if (r == 1)
                        r = on_opt ? on_opt(c, opt, optarg, ud) : cli_usage_error(c, "unexpected option");
                if (r != 0)
                        return r;
        }
        /* Those given before the command. */
        int r = refuse_globals(c, cmd, c->globals_given);
        if (r)
                return r;
        if (c->format == FMT_PROMETHEUS && cmd && !(cmd->globals & TAKES_PROMETHEUS)) {
                c->format = FMT_TEXT;
                return cli_usage_error(c, "%s does not take --format prometheus (stats, advise and verify do)", cmd->name);
        }
        *ret_optind = optind;
        return -1;
}

const char *cli_exit_code_name(int exit_code)
{
        switch (exit_code) {
        case EXIT_DRIFT: return "drift";
        case EXIT_USAGE: return "usage";
        case EXIT_INVALID: return "invalid-profile";
        case EXIT_APPLY_ROLLED_BACK: return "rolled-back";
        case EXIT_ENV: return "environment";
        case EXIT_ROLLBACK_FAILED: return "rollback-incomplete";
        case EXIT_REPORT_LOST: return "report-lost";
        default: return "error";
        }
}

/* "twtune CMD: message" with the message escaped: it quotes paths, keys and values from outside.
 * Returns whether it printed (JSON keeps errors for its "error" member instead). */
static bool print_error(struct cli *c, int exit_code, const char *code, const char *fmt, va_list ap)
{
        char *msg = str_vprintf(fmt, ap);
        const char *m = msg ? msg : strerror(ENOMEM);
        bool printed = true;
        if (exit_code && !c->err_code)
                c->err_code = code;
        if (exit_code && c->format == FMT_JSON) {
                char *all = c->err_message ? str_printf("%s; %s", c->err_message, m) : strdup(m);
                if (all) {
                        free(c->err_message);
                        c->err_message = all;
                }
                printed = false;
        } else if (c->format == FMT_GITHUB) {
                struct finding x = {.severity = exit_code ? SEV_ERROR : SEV_INFO,
                                    .code = (char *)(code ? code : exit_code ? cli_exit_code_name(exit_code) : "note"),
                                    .message = (char *)m};
                struct findings one = {.v = &x, .n = 1, .cap = 1};
                bool quiet = c->quiet;
                c->quiet = false;
                out_findings_github(c, &one);
                c->quiet = quiet;
                printed = false;
        } else {
                fprintf(c->err, "twtune%s%s: ", c->cmd ? " " : "", c->cmd ? c->cmd : "");
                out_text(c->err, m);
                fputc('\n', c->err);
        }
        free(msg);
        return printed;
}

int cli_usage_error(struct cli *c, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        bool printed = print_error(c, EXIT_USAGE, NULL, fmt, ap);
        va_end(ap);
        if (printed)
                fprintf(c->err, "Try 'twtune %s%s--help'.\n", c->cmd ? c->cmd : "", c->cmd ? " " : "");
        return EXIT_USAGE;
}

int cli_error(struct cli *c, int code, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        print_error(c, code, NULL, fmt, ap);
        va_end(ap);
        return code;
}

int cli_fail(struct cli *c, int exit_code, const char *code, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        print_error(c, exit_code, code, fmt, ap);
        va_end(ap);
        return exit_code;
}

static ssize_t sink_write(void *cookie, const char *buf, size_t size)
{
        (void)cookie;
        (void)buf;
        return (ssize_t)size;
}

void cli_github_hold(struct cli *c)
{
        c->format = FMT_GITHUB;
        if (c->gh)
                return;
        /* Workflow commands only: the runner reads every line of the log, so a table row or a
         * summary that starts with a key ("::stop-commands::x") would be one. What is not a
         * workflow command goes to a sink; the text format has it. */
        FILE *sink = fopencookie(NULL, "w", (cookie_io_functions_t){.write = sink_write});
        if (!sink)
                return;
        c->gh = c->out;
        c->out = sink;
}

void cli_github_release(struct cli *c)
{
        if (!c->gh)
                return;
        fclose(c->out);
        c->out = c->gh;
        c->gh = NULL;
}

void cli_json_hold(struct cli *c)
{
        if (c->format != FMT_JSON || !c->cmd || c->json_mem)
                return;
        c->json_mem = open_memstream(&c->json_buf, &c->json_len);
        if (c->json_mem)
                c->out = c->json_mem;
}

void json_begin(struct cli *c)
{
        fputs("{\"format\": 1", c->out);
        json_member(c->out, "command", c->cmd);
}

void cli_json_finish(struct cli *c, int exit_code, const char *buf, size_t len, FILE *to)
{
        bool object = len && buf[0] == '{';
        if (exit_code < EXIT_USAGE || (len && !object)) { /* success, drift, or help text */
                fwrite(buf, 1, len, to);
                return;
        }
        if (object) {
                while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
                        len--;
                fwrite(buf, 1, len && buf[len - 1] == '}' ? len - 1 : len, to);
                fputs(",\n  ", to);
        } else {
                fputs("{\"format\": 1", to);
                json_member(to, "command", c->cmd);
                fputs(", ", to);
        }
        fputs("\"error\": {\"code\": ", to);
        json_str(to, c->err_code ? c->err_code : cli_exit_code_name(exit_code));
        json_member(to, "message", c->err_message ? c->err_message : cli_exit_code_name(exit_code));
        fprintf(to, ", \"exit\": %d", exit_code);
        if (c->err_key)
                json_member(to, "key", c->err_key);
        fputs("}}\n", to);
}

int cli_access_error(struct cli *c, int code, int err, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        char *msg = str_vprintf(fmt, ap);
        va_end(ap);
        bool denied = (err == -EACCES || err == -EPERM) && geteuid() != 0;
        int r = cli_fail(c, code, denied ? "needs-root" : NULL, "%s%s%s", !denied ? "" : c->cmd ? c->cmd : "twtune", denied ? " needs root: " : "",
                          msg ? msg : strerror(ENOMEM));
        free(msg);
        return r;
}

int cli_kernel(struct cli *c, struct target *t, struct kver *ret, bool *ret_known)
{
        *ret_known = false;
        if (c->kernel) {
                if (kver_parse(c->kernel, ret) < 0)
                        return -EINVAL;
                *ret_known = true;
                return 0;
        }
        if (t && target_kernel(t, ret) == 0)
                *ret_known = true;
        return 0;
}

int cli_profile_dirs(struct cli *c, struct profile_dirs *d)
{
        /* $TWTUNE_PROFILE_PATH, the administrator's <root>/etc/twtune/profiles, then the installed
         * profiles: beside this binary first, so an unpacked package finds its own. */
        char *etc = str_printf("%s/etc/twtune/profiles", c->root && strcmp(c->root, "/") ? c->root : "");
        char *beside = profile_dir_beside_exe(TWTUNE_DATADIR_REL);
        int r = etc ? 0 : -ENOMEM;
        if (r == 0)
                r = profile_dirs_add_list(d, getenv("TWTUNE_PROFILE_PATH"));
        if (r == 0)
                r = profile_dirs_add(d, etc);
        if (r == 0)
                r = profile_dirs_add(d, beside);
        if (r == 0)
                r = profile_dirs_add(d, TWTUNE_DATADIR);
        free(etc);
        free(beside);
        if (r < 0)
                profile_dirs_release(d);
        return r;
}

/* A name that is neither a file nor a profile on the search path: say where twtune looked, and
 * the nearest name it has. */
static void no_profile_named(const struct profile_dirs *d, const char *name, struct findings *f)
{
        struct profile_entry *e = NULL;
        size_t n = 0;
        struct suggest s;
        suggest_init(&s, name);
        if (profile_dirs_list(d, &e, &n) == 0)
                for (size_t i = 0; i < n; i++)
                        if (!e[i].shadowed_by) /* a name once: several would cancel each other */
                                suggest_add(&s, e[i].name);
        const char *m = suggest_result(&s);
        struct strbuf where = {0};
        for (size_t i = 0; i < d->n; i++)
                sb_appendf(&where, "%s%s", i ? ", " : "", d->dirs[i]);
        char *dirs = sb_steal(&where);
        struct srcloc loc = {name, 0, 0};
        struct stat st;
        bool here = fstatat(AT_FDCWD, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
        findings_add(f, SEV_ERROR, "no-such-profile", NULL, &loc,
                     "no profile of that name on the search path (%s)%s%s%s%s%s", dirs ? dirs : "?",
                     m ? "; did you mean '" : "", m ? m : "", m ? "'?" : "",
                     here ? "; a name is never read from the current directory: for the file there, write ./" : "",
                     here ? name : "");
        free(dirs);
        profile_entries_free(e, n);
}

int cli_load_profile(struct cli *c, const char *path, struct profile **ret, struct findings *f)
{
        struct profile_dirs d = {0};
        if (cli_profile_dirs(c, &d) < 0)
                return -ENOMEM;
        struct profile_opts o = {.search_path = (const char *const *)d.dirs, .n_search_path = d.n,
                                 .allow_absolute_extends = c->allow_absolute_extends};
        /* A plain name is a profile on the search path, as 'tuned-adm profile NAME' takes it:
         * 'twtune apply web-server'. Never a file in the current directory, which whoever can
         * write the directory twtune runs in could have planted: that needs a path (./base). */
        char *found = NULL;
        if (strcmp(path, "-") != 0 && profile_name_valid(path)) {
                int r = profile_dirs_find(&d, path, &found);
                if (r == -ENOENT)
                        no_profile_named(&d, path, f);
                if (r < 0) {
                        profile_dirs_release(&d);
                        return r;
                }
                path = found;
        }
        int r;
        if (strcmp(path, "-") == 0) {
                /* Standard input, for generated profiles: a file in the current directory. */
                char *text = NULL;
                size_t len = 0;
                r = read_fd(STDIN_FILENO, PROFILE_MAX_BYTES + 1, &text, &len);
                if (r == -EINVAL) /* a pipe or terminal: read_fd wants a regular file */
                        r = read_stream(STDIN_FILENO, PROFILE_MAX_BYTES + 1, &text, &len);
                if (r == 0)
                        r = profile_parse_buffer(text, len, "<stdin>", &o, ret, f);
                else {
                        struct srcloc loc = {"<stdin>", 0, 0};
                        findings_add(f, SEV_ERROR, r == -EFBIG ? "file-too-large" : "file-error", NULL, &loc,
                                     "cannot read profile: %s", r == -EFBIG ? "larger than the 16 MiB limit" : strerror(-r));
                }
                free(text);
        } else
                r = profile_load(path, &o, ret, f);
        free(found);
        profile_dirs_release(&d);
        return r;
}

int cli_profile_exit(int r)
{
        switch (r) {
        case 0:
                return EXIT_OK;
        case -EINVAL:
        case -ENOENT:
        case -ENOTDIR:
        case -EISDIR:
        case -EFBIG:
        case -ELOOP:
                return EXIT_INVALID;
        default:
                return EXIT_ENV;
        }
}

int cli_open_root(struct cli *c, struct sysroot **ret)
{
        int r = sysroot_new(c->root, ret);
        return r < 0 ? cli_error(c, EXIT_ENV, "cannot use root %s: %s", c->root ? c->root : "/", strerror(-r)) : 0;
}

unsigned char *cli_listen_ports(struct cli *c, const struct profile *p, struct target *t)
{
        (void)c;
        /* The socket dump is the costly part of a diff: only for a profile that sets the range. */
        if (!profile_find(p, "net.ipv4.ip_local_port_range"))
                return NULL;
        struct sysroot *sr = t ? target_sysroot(t) : NULL;
        struct sockstat_opts o = {.port_lo = 1, .port_hi = 65535};
        struct sockstats *s = NULL;
        unsigned char *bits = NULL;
        if (sr && sockstats_collect(sr, &o, &s) == 0 && s->ports_listen && (bits = malloc(65536 / 8)))
                memcpy(bits, s->ports_listen, 65536 / 8);
        sockstats_free(s);
        return bits;
}

int cli_open_target(struct cli *c, const char *against, struct sysroot **ret_sr, struct target **ret_t)
{
        struct sysroot *sr = NULL;
        struct target *t = NULL;
        int r;
        if (against) {
                unsigned bad_line = 0;
                r = target_new_snapshot(against, &t, &bad_line);
                if (r == -EBADMSG)
                        return cli_error(c, EXIT_USAGE, "%s:%u: expected 'key = value' lines of text (a sysctl -a snapshot)",
                                         against, bad_line);
                if (r == -EINVAL)
                        return cli_error(c, EXIT_ENV, "cannot read snapshot %s: not a regular file", against);
                if (r == -EFBIG)
                        return cli_error(c, EXIT_USAGE, "%s: snapshot larger than 16 MiB", against);
                if (r < 0)
                        return cli_error(c, EXIT_ENV, "cannot read snapshot %s: %s", against, strerror(-r));
        } else {
                if ((r = cli_open_root(c, &sr)))
                        return r;
                r = target_new_live(sr, &t);
                if (r < 0) {
                        sysroot_free(sr);
                        return cli_error(c, EXIT_ENV, "%s", strerror(-r));
                }
        }
        *ret_sr = sr;
        *ret_t = t;
        return 0;
}

/* An identity for a network namespace that the kernel never gives another: its cookie
 * (SO_NETNS_COOKIE, Linux 5.14), unique until reboot, with the boot id, since cookies and
 * namespaces start over at boot. Older kernels only have the nsfs inode, which is reused once the
 * namespace is gone; that fallback is documented in twtune(8). Call inside the namespace. */
static int netns_identity(const struct stat *ns, char *buf, size_t size)
{
        char boot[64] = "noboot";
        int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
                ssize_t n = read(fd, boot, sizeof(boot) - 1);
                boot[n > 0 ? (size_t)n : 0] = '\0';
                boot[strcspn(boot, "\n")] = '\0';
                if (!*boot || boot[strspn(boot, "0123456789abcdef-")])
                        strcpy(boot, "noboot");
                close(fd);
        }
        uint64_t cookie = 0;
        socklen_t len = sizeof(cookie);
        int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        bool have = s >= 0 && getsockopt(s, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) == 0 && len == sizeof(cookie);
        if (s >= 0)
                close(s);
        int n = have ? snprintf(buf, size, "netns/%s-c%" PRIu64, boot, cookie)
                     : snprintf(buf, size, "netns/%s-i%lu", boot, (unsigned long)ns->st_ino);
        return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

/* Opens a namespace file without blocking on a FIFO and checks that it is a network one. */
static int open_netns(struct cli *c, const char *path, int *ret_fd)
{
        int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return cli_error(c, EXIT_ENV, "cannot open network namespace %s: %s", path, strerror(errno));
        int type = ioctl(fd, NS_GET_NSTYPE);
        if (type != CLONE_NEWNET) {
                int r = cli_error(c, EXIT_USAGE, "--netns %s: %s", path,
                                  type >= 0 ? "a namespace, but not a network one"
                                            : "not a namespace file (give a name under /run/netns or a path such as "
                                              "/proc/PID/ns/net)");
                close(fd);
                return r;
        }
        *ret_fd = fd;
        return 0;
}

static bool same_ns(const struct stat *st, dev_t dev, ino_t ino)
{
        return st->st_dev == dev && st->st_ino == ino;
}

enum netns_where cli_netns_where(struct cli *c)
{
        if (c->netns_known)
                return c->netns_where;
        c->netns_known = true;
        c->netns_where = NETNS_UNKNOWN;
        /* The identity of the namespaces, not the inode number: the initial namespace's fixed
         * number is a recent kernel's habit, and a container's init is not in the initial one. */
        struct stat self, init;
        const char *path = "/proc/self/ns/net";
        if (stat(path, &self) == 0) {
                c->netns_dev = self.st_dev;
                c->netns_ino = self.st_ino;
                path = "/proc/1/ns/net";
                if (stat(path, &init) == 0) {
                        c->init_known = true;
                        c->init_dev = init.st_dev;
                        c->init_ino = init.st_ino;
                        c->netns_where = same_ns(&self, init.st_dev, init.st_ino) ? NETNS_HOST : NETNS_OTHER;
                        return c->netns_where;
                }
        }
        /* PID 1's namespace is hidden from an unprivileged user or a confined root (EACCES, EPERM),
         * or /proc is missing (ENOENT). Refusing there would refuse every unprivileged diff; the
         * caller's namespace is taken for the host's, as --netns does when it cannot tell. */
        int e = errno;
        if (c->verbose)
                cli_error(c, 0, "cannot tell whether this is the host's network namespace (%s: %s); proceeding", path,
                          strerror(e));
        return c->netns_where;
}

int cli_refuse_other_netns(struct cli *c, const char *netns)
{
        if (netns || cli_netns_where(c) != NETNS_OTHER)
                return 0;
        /* /etc/sysctl.d and /var/lib/twtune are the host's (they configure PID 1's namespace at
         * boot), but the live values here are another namespace's: `ip netns exec`, a container's
         * netns without its own init. Persisting would give the host this namespace's values. */
        bool apply = strcmp(c->cmd, "apply") == 0;
        return cli_fail(c, EXIT_USAGE, "not-host-netns",
                         "this process is not in the host's network namespace (net:[%llu], PID 1 is in net:[%llu]); %s. "
                         "Use --netns NAME|PATH from the host to target a namespace (live only, with its own history), "
                         "%s, or run in the host's namespace.",
                         (unsigned long long)c->netns_ino, (unsigned long long)c->init_ino,
                         apply ? "persisting here would write the host's /etc/sysctl.d and history for another "
                                 "namespace's values"
                               : "the host's journal, history and /etc/sysctl.d do not belong to this namespace's "
                                 "live values",
                         apply ? "--no-persist to change this namespace's live values only"
                               : "--netns /proc/self/ns/net for the history of this namespace's --no-persist applies");
}

void cli_netns_json(struct cli *c, bool live)
{
        static const char *const names[] = {[NETNS_HOST] = "host", [NETNS_OTHER] = "other", [NETNS_UNKNOWN] = "unknown"};
        json_member(c->out, "netns", live ? names[cli_netns_where(c)] : NULL);
}

void cli_netns_note(struct cli *c, bool live)
{
        if (!live || c->quiet || cli_netns_where(c) != NETNS_OTHER)
                return;
        if (c->init_known)
                out_line(c->out, "note: reading network namespace net:[%llu], not the host's (PID 1 is in net:[%llu])",
                         (unsigned long long)c->netns_ino, (unsigned long long)c->init_ino);
        else /* --netns entered it; PID 1's cannot be read */
                out_line(c->out, "note: reading network namespace net:[%llu] (--netns), not this process's own",
                         (unsigned long long)c->netns_ino);
}

/* Gives a process that runs in another namespace than the host's that namespace's own state, as
 * --netns would: its no-persist transactions must not enter the host's history. */
static int own_netns_state(struct cli *c)
{
        struct stat self;
        if (stat("/proc/self/ns/net", &self) < 0)
                return cli_error(c, EXIT_ENV, "cannot identify this network namespace: %s", strerror(errno));
        if (netns_identity(&self, c->state_sub_buf, sizeof(c->state_sub_buf)) < 0)
                return cli_error(c, EXIT_ENV, "cannot identify this network namespace");
        c->state_sub = c->state_sub_buf;
        return 0;
}

int cli_enter_netns(struct cli *c, const char *netns)
{
        enum netns_where where = cli_netns_where(c);
        if (!netns)
                return where == NETNS_OTHER ? own_netns_state(c) : 0;
        char *path = strchr(netns, '/') ? strdup(netns) : str_printf("/run/netns/%s", netns);
        if (!path)
                return cli_error(c, EXIT_ENV, "%s", strerror(ENOMEM));
        int fd = -1;
        int r = open_netns(c, path, &fd);
        struct stat target, self;
        if (r == 0 && (fstat(fd, &target) < 0 || stat("/proc/self/ns/net", &self) < 0))
                r = cli_error(c, EXIT_ENV, "cannot identify network namespace %s: %s", path, strerror(errno));
        /* A namespace has one state directory and one lock however it is named, so that --netns
         * cannot sidestep a transaction in progress: the host's namespace (PID 1's; the caller's
         * where that cannot be told) takes the host's path, lock and file, any other its own. */
        bool here = r == 0 && same_ns(&target, self.st_dev, self.st_ino);
        bool host = r == 0 && (where == NETNS_UNKNOWN ? here : same_ns(&target, c->init_dev, c->init_ino));
        if (r == 0 && !here && setns(fd, CLONE_NEWNET) < 0)
                r = cli_error(c, EXIT_ENV, "cannot enter network namespace %s: %s", path, strerror(errno));
        if (r == 0 && !host && netns_identity(&target, c->state_sub_buf, sizeof(c->state_sub_buf)) < 0)
                r = cli_error(c, EXIT_ENV, "cannot identify network namespace %s", path);
        if (r == 0) {
                c->state_sub = host ? NULL : c->state_sub_buf;
                c->in_netns = !host;
                c->netns_dev = target.st_dev;
                c->netns_ino = target.st_ino;
                c->netns_where = !host ? NETNS_OTHER : where == NETNS_UNKNOWN ? NETNS_UNKNOWN : NETNS_HOST;
        }
        if (fd >= 0)
                close(fd);
        free(path);
        return r;
}

int cli_parse_wait(struct cli *c, const char *arg, unsigned long *ret_ms)
{
        /* Digits with an optional fraction: strtod alone would take "nan", "inf" and "1e3". */
        size_t digits = strspn(arg, "0123456789");
        bool ok = digits > 0 && (arg[digits] == '\0' || (arg[digits] == '.' && arg[digits + 1] &&
                                                         arg[digits + 1 + strspn(arg + digits + 1, "0123456789")] == '\0'));
        double s = ok ? strtod(arg, NULL) : -1;
        if (!ok || s > 86400)
                return cli_usage_error(c, "--wait takes seconds from 0 to 86400, not '%s'", arg);
        *ret_ms = (unsigned long)(s * 1000);
        return 0;
}

/* Prints what txn_recover or a failed transaction left, and picks the exit code. */
int cli_txn_exit(struct cli *c, const struct txn_failure *f, enum txn_result res)
{
        int code = res == TXN_RESTORE_FAILED ? EXIT_ROLLBACK_FAILED : EXIT_APPLY_ROLLED_BACK;
        if (f->key && !c->err_key)
                c->err_key = strdup(f->key);
        if (f->key || f->detail)
                cli_access_error(c, code, f->error, "%s%s%s%s%s%s%s", f->key ? f->key : "", f->key ? ": " : "",
                                 f->error ? strerror(-f->error) : "", f->detail ? (f->error ? " (" : "") : "",
                                 f->detail ? f->detail : "", f->detail && f->error ? ")" : "",
                                 res == TXN_RESTORE_FAILED ? "" : "; every change was rolled back");
        if (res == TXN_RESTORE_FAILED) {
                struct strbuf sb = {0};
                for (size_t i = 0; i < f->n_left; i++)
                        sb_appendf(&sb, " %s", f->left_changed[i]);
                if (f->file_left_changed)
                        sb_appendf(&sb, " %s", TXN_FILE_NAME);
                char *left = sb_steal(&sb);
                cli_error(c, code, "ROLLBACK FAILED; left changed:%s", left ? left : " ?");
                cli_error(c, code, "the journal is kept; fix the cause and run 'twtune recover'");
                free(left);
        } else if (!f->key && !f->detail)
                cli_error(c, code, "every change was rolled back");
        return code;
}

const char *cli_profile_label(const char *arg, const struct profile *p)
{
        if (strcmp(arg, "-") != 0)
                return arg;
        return p && p->name && strcmp(p->name, "<stdin>") != 0 ? p->name : "<stdin>";
}

int cli_open_state(struct cli *c, struct sysroot *sr, bool create, struct state **ret)
{
        char *why = NULL;
        int r = state_open(sr, c->state_sub, create, ret, &why);
        if (r == -ENOENT && !create) {
                *ret = NULL;
                return 0;
        }
        if (r == 0)
                return 0;
        char *dir = sysroot_dir_path(sr, SYSROOT_STATE, c->state_sub);
        if (r == -EPERM && why)
                r = cli_error(c, EXIT_ENV,
                              "will not trust the state directory %s: %s. twtune replays its journal and history as "
                              "root, so no other user may be able to write them. Find out who changed it; once its "
                              "content is known to be twtune's: chown -R root:root %s && chmod -R go-w %s",
                              dir ? dir : "", why, dir ? dir : "", dir ? dir : "");
        else if (r == -EACCES && !create && geteuid() != 0)
                r = cli_fail(c, EXIT_ENV, "needs-root", "cannot read the state directory %s: %s. It is root's only "
                             "(as earlier builds of twtune made it): run as root, or let other users read the history: "
                             "chmod 0755 %s %s/generations && chmod 0644 %s/generations/*", dir ? dir : "",
                             strerror(-r), dir ? dir : "", dir ? dir : "", dir ? dir : "");
        else
                r = cli_access_error(c, EXIT_ENV, create ? r : 0, "cannot open the state directory %s: %s", dir ? dir : "",
                                     strerror(-r));
        free(why);
        free(dir);
        return r;
}

int cli_plan_error(struct cli *c, const char *key, int r)
{
        if (!key)
                return cli_error(c, EXIT_ENV, "cannot read the current values: %s; nothing was changed", strerror(-r));
        if (r == -EBADMSG)
                return cli_error(c, EXIT_ENV, "%s: its current value holds control characters or several lines, which "
                                 "twtune could not restore exactly; nothing was changed", key);
        return cli_error(c, EXIT_ENV, "%s: cannot read its current value: %s; nothing was changed", key,
                         r == -ENOENT ? "no such key" : strerror(-r));
}

/* The name of a running process, or "" if it cannot be read. */
static void proc_comm(pid_t pid, char *buf, size_t size)
{
        char path[48];
        snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;
        buf[n > 0 ? (size_t)n : 0] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        if (fd >= 0)
                close(fd);
}

/* The pid in the lock file is the last twtune's to hold it, whoever holds it now (flock(1) writes
 * none): it is named only while it runs, with its name, by which a reused pid shows. */
static int lock_held(struct cli *c, const char *dir, pid_t holder)
{
        char comm[64] = "";
        if (holder <= 0 || (kill(holder, 0) < 0 && errno != EPERM))
                return cli_fail(c, EXIT_ENV, "lock-held", "%s/lock is held by another process; give --wait SECONDS to wait for it", dir);
        proc_comm(holder, comm, sizeof(comm));
        return cli_fail(c, EXIT_ENV, "lock-held", "%s/lock is held by process %ld%s%s%s; give --wait SECONDS to wait for it", dir,
                         (long)holder, *comm ? " (" : "", comm, *comm ? ")" : "");
}

int cli_lock_state(struct cli *c, struct sysroot *sr, unsigned long wait_ms, struct state **ret)
{
        struct state *st = NULL;
        int r = cli_open_state(c, sr, true, &st);
        if (r)
                return r;
        char *dir = sysroot_dir_path(sr, SYSROOT_STATE, c->state_sub);
        pid_t holder = 0;
        r = state_lock(st, wait_ms, &holder);
        if (r < 0) {
                if (r == -EWOULDBLOCK)
                        r = lock_held(c, dir ? dir : "", holder);
                else if (r == -EPERM)
                        r = cli_error(c, EXIT_ENV, "will not trust %s/lock: it is owned by another user or writable by "
                                      "others; remove it once you know who made it", dir ? dir : "");
                else
                        r = cli_access_error(c, EXIT_ENV, r, "cannot lock %s: %s", dir ? dir : "", strerror(-r));
                free(dir);
                state_free(st);
                return r;
        }
        struct txn_failure f;
        enum txn_result res;
        r = txn_recover(st, sr, &f, &res);
        if (r < 0) {
                r = cli_error(c, EXIT_ENV, "%s/journal: %s; nothing was changed. Inspect it, and remove it only once the "
                              "live values and /etc/sysctl.d are known to be right", dir ? dir : "",
                              r == -EBADMSG ? "damaged (bad format or checksum)"
                              : r == -EPERM ? "not trusted (owned by another user or writable by others)" : strerror(-r));
        } else if (res == TXN_ROLLED_BACK) {
                c->changed = true;
                cli_error(c, 0, "undid a transaction interrupted earlier (restored from %s/journal)", dir ? dir : "");
        } else if (res == TXN_RESTORE_FAILED) {
                r = cli_txn_exit(c, &f, res);
        }
        txn_failure_release(&f);
        free(dir);
        if (r != 0) {
                state_free(st);
                return r;
        }
        *ret = st;
        return 0;
}

int cli_prepare(struct cli *c, const char *path, const struct validate_opts *vo, struct profile **ret_p,
                struct findings *f, struct diff **ret_d)
{
        struct profile *p = NULL;
        struct diff *d = NULL;
        int r = cli_load_profile(c, path, &p, f);
        /* A copy of the options, so that the listeners' ports live only as long as validation. */
        struct validate_opts v = *vo;
        unsigned char *listening = r == 0 ? cli_listen_ports(c, p, vo->target) : NULL;
        v.listen_ports = listening;
        v.mem_bytes = cli_memory(c, vo->target);
        if (r == 0)
                r = validate_profile(p, &v, f);
        free(listening);
        if (r == 0 && vo->target)
                r = profile_expand(p, vo->target, f);
        if (c->strict)
                findings_strict(f);
        if (r == 0)
                r = diff_compute(p, vo, f, &d);
        findings_sort(f);
        if (r < 0) {
                profile_free(p);
                int code = r == -ENOMEM ? EXIT_ENV : cli_profile_exit(r);
                /* In JSON the caller prints its own result, empty, with the findings. */
                if (c->format == FMT_GITHUB)
                        out_findings_github(c, f);
                else if (c->format != FMT_JSON)
                        out_findings_text(c, f, c->out); /* findings are the report, in every command */
                return cli_error(c, code, "%s: %s", path, code == EXIT_INVALID ? "cannot load the profile" : "cannot read the profile");
        }
        *ret_p = p;
        *ret_d = d;
        return 0;
}

void cli_json_target(struct cli *c, const struct validate_opts *vo)
{
        char kb[32];
        json_member(c->out, "kernel", vo->kernel_known ? kver_format(vo->kernel, kb, sizeof(kb)) : NULL);
        json_member(c->out, "target", !vo->target ? NULL : target_is_snapshot(vo->target) ? "snapshot" : "live");
        cli_netns_json(c, vo->target && !target_is_snapshot(vo->target));
}

void cli_out_findings(struct cli *c, const struct findings *f, FILE *to)
{
        if (f->n && !c->quiet && c->format != FMT_GITHUB)
                fputc('\n', to);
        if (c->format == FMT_GITHUB)
                out_findings_github(c, f);
        else
                out_findings_text(c, f, to);
}

int cli_managed(struct cli *c, struct sysroot *sr, struct state *st, struct managed *ret)
{
        struct state *own = NULL;
        int r = 0;
        if (!st) {
                r = state_open(sr, c->state_sub, false, &own, NULL);
                st = own;
        }
        if (r == 0)
                r = managed_current(st, ret);
        state_free(own);
        return r == -ENOENT ? 0 : r;
}

void cli_plan_rows(struct cli *c, struct sysroot *sr, const struct profile *p, const struct validate_opts *vo,
                   const struct diff *d, struct rows *rows, struct findings *f)
{
        struct managed m = {0};
        struct txn *x = NULL;
        int r = cli_managed(c, sr, NULL, &m);
        if (r < 0)
                cli_error(c, 0, "cannot read what twtune manages (%s): managed keys this profile drops are not shown",
                          r == -EBADMSG ? "a damaged generation record" : strerror(-r));
        int planned = txn_from_profile(p, vo, sr, true, &m, &x, NULL);
        managed_release(&m); /* before the boot view: with 100 000 keys, memory adds up */
        if (planned == 0) {
                rows_from_plan(rows, d, x, false);
                if (!c->state_sub) /* the boot configures the host's namespace only */
                        cli_boot_check_txn(c, sr, x, f);
        } else
                rows_from_diff(rows, d);
        txn_free(x);
        managed_release(&m);
}
