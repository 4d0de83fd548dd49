/* SPDX-License-Identifier: MIT */
/* The persisted file's change in apply's and rollback's output, dry run or real: in JSON a
 * "persist" member (path, action, unified diff), in text the diff under a line that says what
 * happens to the file. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "file_change.h"
#include "output.h"
#include "textdiff.h"
#include "txn.h"

static char *diff_of(const char *path, const struct txn_file_change *fc)
{
        return textdiff_unified(fc->before_present ? fc->before : NULL, fc->before_len,
                                fc->after_present ? fc->after : NULL, fc->after_len, path, path);
}

void cli_persist_json(struct cli *c, const char *path, const struct txn_file_change *fc)
{
        char *d = diff_of(path, fc);
        fputs(",\n  \"persist\": {\"path\": ", c->out);
        json_str(c->out, path);
        json_member(c->out, "action", txn_file_action(fc));
        json_member(c->out, "diff", d ? d : "");
        fputc('}', c->out);
        free(d);
}

void cli_persist_text(struct cli *c, const char *path, const struct txn_file_change *fc, bool dry)
{
        const char *action = txn_file_action(fc);
        if (strcmp(action, "none") == 0 || c->quiet)
                return;
        static const char *const would[] = {"would be created", "would change", "would be removed"};
        static const char *const did[] = {"created", "changed", "removed"};
        size_t k = strcmp(action, "create") == 0 ? 0 : strcmp(action, "change") == 0 ? 1 : 2;
        fputc('\n', c->out);
        out_line(c->out, "%s %s:", path, dry ? would[k] : did[k]);
        char *d = diff_of(path, fc);
        for (char *l = d; l && *l;) { /* each line cut in place: a created file is thousands */
                size_t n = strcspn(l, "\n");
                bool more = l[n] == '\n';
                l[n] = '\0';
                out_text(c->out, l);
                fputc('\n', c->out);
                l += n + more;
        }
        free(d);
}
