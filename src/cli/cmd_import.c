/* SPDX-License-Identifier: MIT */
/* twtune import: sysctl.conf files turned into a profile, on standard output or in a file. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "boot.h"
#include "cli.h"
#include "errors.h"
#include "format.h"
#include "import.h"
#include "open_target.h"
#include "options.h"
#include "output.h"
#include "sysroot.h"
#include "target.h"
#include "util.h"
#include "validate.h"

struct args {
        const char *output, *against;
        bool force, live, system;
};

static int on_opt(struct cli *c, int opt, const char *arg, void *ud)
{
        struct args *a = ud;
        if (opt == 'o') {
                if (!*arg) /* "-o ''": cli_parse checks only the long form */
                        return cli_usage_error(c, "--output needs a value");
                a->output = arg;
        } else if (opt == 'f')
                a->force = true;
        else if (opt == 'a')
                a->against = arg;
        else if (opt == 'l')
                a->live = true;
        else if (opt == 's')
                a->system = true;
        else
                return cli_usage_error(c, "unexpected option");
        return 0;
}

static bool is_stdin(const char *path)
{
        return strcmp(path, "-") == 0;
}

/* Reads one input, a file or standard input ("-"), as check reads a profile: at most 16 MiB.
 * Returns 0 or an exit code. */
static int read_input(struct cli *c, const char *path, char **ret, size_t *ret_len)
{
        int r;
        if (is_stdin(path)) {
                r = read_fd(STDIN_FILENO, PROFILE_MAX_BYTES, ret, ret_len);
                if (r == -EINVAL) /* a pipe or terminal: read_fd wants a regular file */
                        r = read_stream(STDIN_FILENO, PROFILE_MAX_BYTES, ret, ret_len);
        } else
                r = read_file_at(AT_FDCWD, path, PROFILE_MAX_BYTES, ret, ret_len);
        if (r == 0)
                return 0;
        return cli_error(c, EXIT_ENV, "cannot read %s: %s", is_stdin(path) ? "standard input" : path,
                         r == -EFBIG ? "larger than the 16 MiB limit" : r == -EINVAL ? "not a regular file" : strerror(-r));
}

static int exists_error(struct cli *c, const char *path)
{
        return cli_usage_error(c, "%s exists; give --force to replace it", path);
}

/* Writes the profile to path atomically: a temporary file beside it, renamed (--force) or linked
 * (which refuses an existing name) into place. Returns 0 or an exit code. */
static int write_output(struct cli *c, const char *path, bool force, const char *yaml)
{
        char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
        const char *name = slash ? path + (slash - dir) + 1 : path;
        if (slash)
                *slash = '\0';
        int r = -ENOMEM, dfd = -1;
        if (dir && !*name)
                r = -EISDIR;
        else if (dir && (dfd = open(slash ? (*dir ? dir : "/") : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
                r = -errno;
        else if (dir) {
                size_t len = strlen(yaml);
                r = force ? atomic_replace_at(dfd, name, yaml, len, 0644) : atomic_create_at(dfd, name, yaml, len, 0644);
                if (r < 0 && r != -EEXIST && !force)
                        unlink_sync_at(dfd, name); /* linked, but the directory was not synced: undo */
        }
        if (dfd >= 0)
                close(dfd);
        free(dir);
        if (r == -EEXIST)
                return exists_error(c, path);
        return r < 0 ? cli_error(c, EXIT_ENV, "cannot write %s: %s", path, strerror(-r)) : 0;
}

static void print_json(struct cli *c, const char *written, const struct import_result *res, const struct findings *f)
{
        json_begin(c);
        fputs(", \"output\": ", c->out);
        json_str(c->out, written);
        fprintf(c->out, ", \"imported\": %zu, \"skipped\": [", res->n_settings);
        for (size_t i = 0; i < res->n_skipped; i++) {
                fputs(i ? ",\n  {\"file\": " : "\n  {\"file\": ", c->out);
                json_str(c->out, res->skipped[i].file);
                fprintf(c->out, ", \"line\": %u", res->skipped[i].line);
                json_member(c->out, "reason", res->skipped[i].reason);
                fputc('}', c->out);
        }
        fputs("],\n  ", c->out);
        out_findings_json(c, f);
        fputs("}\n", c->out);
}

/* The lines left out, as findings at their lines (on stderr in text). */
static void print_skipped(struct cli *c, const struct import_result *res)
{
        struct finding *v = calloc(res->n_skipped + 1, sizeof(*v));
        if (!v)
                return;
        for (size_t i = 0; i < res->n_skipped; i++)
                v[i] = (struct finding){.severity = SEV_ERROR, .code = res->skipped[i].code, .file = res->skipped[i].file,
                                        .line = res->skipped[i].line, .column = res->skipped[i].column,
                                        .message = res->skipped[i].reason};
        struct findings view = {.v = v, .n = res->n_skipped, .cap = res->n_skipped};
        out_findings_text(c, &view, c->err);
        free(v);
}

int cmd_import(struct cli *c, int argc, char **argv);
/* The boot view (boot.c) as sysctl.conf text: each setting the next boot makes, after a comment
 * that says where it comes from, so that the profile keeps the origin. */
static int system_text(struct cli *c, char **ret, size_t *ret_len)
{
        struct sysroot *sr = NULL;
        int r = cli_open_root(c, &sr);
        if (r)
                return r;
        struct boot_opts o = {.rules = boot_default_rules(sr)};
        struct findings ignored = {0};
        struct boot_view *b = NULL;
        struct strbuf sb = {0};
        if (boot_resolve(sr, &o, &b, &ignored) == 0) {
                sb_appendf(&sb, "# The next boot's settings, resolved by %s rules ('twtune boot').\n", boot_rules_name(b->rules));
                for (size_t i = 0; i < b->n_settings; i++) {
                        const struct boot_setting *s = &b->settings[i];
                        /* File names are data: escaped (\xNN), so that a line break in one cannot end
                         * the comment and start a setting that import would read back. */
                        char *file = text_escape(s->file), *pattern = s->pattern ? text_escape(s->pattern) : NULL;
                        if (!file || (s->pattern && !pattern))
                                sb.oom = true;
                        else
                                sb_appendf(&sb, "# from %s:%u%s%s%s\n%s%s = %s\n", file, s->line, pattern ? ", by " : "",
                                           pattern ? pattern : "",
                                           s->inherited ? ", copied by the kernel from conf.default" : "",
                                           s->ignore_failure ? "-" : "", s->key, s->value);
                        free(file);
                        free(pattern);
                }
        }
        boot_view_free(b);
        findings_release(&ignored);
        sysroot_free(sr);
        *ret_len = sb.len;
        *ret = sb_steal(&sb);
        return *ret ? 0 : cli_error(c, EXIT_ENV, "%s", strerror(ENOMEM));
}

/* What cmd_import's options and operands (argv[first..argc)) may not say together, and an output
 * file that exists without --force. Returns 0 or an exit code. */
static int check_args(struct cli *c, const struct args *a, int argc, char **argv, int first)
{
        if (a->system && first < argc)
                return cli_usage_error(c, "--system takes no files: it imports what the next boot sets");
        if (first >= argc && !a->system)
                return cli_usage_error(c, "no file given (a sysctl.conf file, or - for standard input, or --system)");
        if (a->against && a->live)
                return cli_usage_error(c, "--against and --live exclude each other");
        if (a->force && !a->output)
                return cli_usage_error(c, "--force needs -o FILE");
        /* JSON is the report on standard output: the profile must go elsewhere. */
        if (c->format == FMT_JSON && !a->output)
                return cli_usage_error(c, "--format json needs -o FILE: the profile and the JSON cannot share standard output");
        for (int i = first; i < argc; i++)
                for (int k = first; k < i; k++)
                        if (strcmp(argv[i], argv[k]) == 0)
                                return cli_usage_error(c, "%s given twice", is_stdin(argv[i]) ? "standard input (-)" : argv[i]);
        struct stat st;
        if (a->output && !a->force && fstatat(AT_FDCWD, a->output, &st, AT_SYMLINK_NOFOLLOW) == 0)
                return exists_error(c, a->output);
        return 0;
}

/* The n inputs: what the next boot sets (--system), or each file of paths, "-" for standard input.
 * Returns EXIT_OK or an exit code. */
static int read_inputs(struct cli *c, const struct args *a, char **paths, size_t n, struct import_file *in, char **texts)
{
        int exit_code = EXIT_OK;
        if (a->system) {
                in[0].name = "<boot>";
                exit_code = system_text(c, &texts[0], &in[0].len);
                in[0].text = texts[0];
        }
        for (size_t i = 0; i < n && exit_code == EXIT_OK && !a->system; i++) {
                const char *path = paths[i];
                in[i].name = is_stdin(path) ? "<stdin>" : path;
                exit_code = read_input(c, path, &texts[i], &in[i].len);
                in[i].text = texts[i];
        }
        return exit_code;
}

/* The import's report: JSON, github annotations, or the lines left out and a summary (written:
 * the file the profile went to, or NULL). Returns EXIT_OK, or EXIT_INVALID when lines were left out. */
static int report(struct cli *c, const char *written, const struct import_result *res, const struct findings *f)
{
        if (c->format == FMT_JSON)
                print_json(c, written, res, f);
        else if (c->format == FMT_GITHUB)
                out_findings_github(c, f);
        else {
                print_skipped(c, res);
                if (written && !c->quiet)
                        fprintf(c->out, "imported %zu setting%s into %s; findings: %zu error%s, %zu warning%s, "
                                "%zu info (its '# twtune:' comments)\n",
                                res->n_settings, res->n_settings == 1 ? "" : "s", written,
                                findings_count(f, SEV_ERROR), findings_count(f, SEV_ERROR) == 1 ? "" : "s",
                                findings_count(f, SEV_WARNING), findings_count(f, SEV_WARNING) == 1 ? "" : "s",
                                findings_count(f, SEV_INFO));
        }
        if (res->n_skipped)
                return cli_error(c, EXIT_INVALID, "%zu line%s left out of the profile", res->n_skipped,
                                 res->n_skipped == 1 ? "" : "s");
        return EXIT_OK;
}

int cmd_import(struct cli *c, int argc, char **argv)
{
        static const struct option opts[] = {
                {"output", required_argument, NULL, 'o'},
                {"force", no_argument, NULL, 'f'},
                {"against", required_argument, NULL, 'a'},
                {"live", no_argument, NULL, 'l'},
                {"system", no_argument, NULL, 's'},
                {0},
        };
        struct args a = {0};
        int first;
        int r = cli_parse_short(c, c->command, argc, argv, opts, "o:", on_opt, &a, &first);
        if (r >= 0)
                return r;
        if ((r = check_args(c, &a, argc, argv, first)))
                return r;

        size_t n = a.system ? 1 : (size_t)(argc - first);
        struct import_file *in = calloc(n, sizeof(*in));
        char **texts = calloc(n, sizeof(*texts));
        if (!in || !texts) {
                free(in);
                free(texts);
                return cli_error(c, EXIT_ENV, "%s", strerror(ENOMEM));
        }
        int exit_code = read_inputs(c, &a, argv + first, n, in, texts);

        /* The kernel validated for, and a target only when asked: as check does. */
        struct sysroot *sr = NULL;
        struct target *t = NULL;
        if (exit_code == EXIT_OK && (a.against || a.live || !c->kernel))
                exit_code = cli_open_target(c, a.against, &sr, &t);
        struct validate_opts vo = {.target = a.against || a.live ? t : NULL};
        cli_kernel(c, t, &vo.kernel, &vo.kernel_known);

        struct findings f = {0};
        struct import_result res = {0};
        const char *from = a.output ? a.output : a.system ? "system" : !is_stdin(argv[first]) ? argv[first] : NULL;
        char *name = from ? import_name_from_path(from) : NULL;
        if (exit_code == EXIT_OK && import_conf(in, n, name, &vo, &res, &f) < 0)
                exit_code = cli_error(c, EXIT_ENV, "%s", strerror(ENOMEM));
        findings_sort(&f);

        FILE *out = c->out, *gh = c->gh;
        const char *written = NULL;
        if (exit_code == EXIT_OK && a.output) {
                exit_code = write_output(c, a.output, a.force, res.yaml);
                written = exit_code == EXIT_OK ? a.output : NULL;
        } else if (exit_code == EXIT_OK) {
                fputs(res.yaml, c->gh ? c->gh : c->out);
                c->out = c->err; /* standard output holds the profile: messages go to stderr */
                if (c->gh)
                        c->gh = c->err; /* workflow commands too */
        }
        if (exit_code == EXIT_OK) {
                exit_code = report(c, written, &res, &f);
        }
        c->gh = gh;
        c->out = out;
        import_result_release(&res);
        findings_release(&f);
        free(name);
        target_free(t);
        sysroot_free(sr);
        for (size_t i = 0; i < n; i++)
                free(texts[i]);
        free(texts);
        free(in);
        return exit_code;
}
