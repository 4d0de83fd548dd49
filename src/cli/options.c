/* SPDX-License-Identifier: MIT */
/* The global options and the parsing of a command's options: usage lines, option errors with the
 * nearest option a command takes. */
#include "options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "format.h"
#include "kver.h"
#include "suggest.h"
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
