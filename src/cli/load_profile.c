/* SPDX-License-Identifier: MIT */
/* Finding and loading the profile a command names, and preparing it: validation, expansion, diff. */
#include "load_profile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"
#include "open_target.h"
#include "output.h"
#include "profile_path.h"
#include "suggest.h"
#include "util.h"

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

const char *cli_profile_label(const char *arg, const struct profile *p)
{
        if (strcmp(arg, "-") != 0)
                return arg;
        return p && p->name && strcmp(p->name, "<stdin>") != 0 ? p->name : "<stdin>";
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
