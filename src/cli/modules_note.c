/* SPDX-License-Identifier: MIT */
/* The modules-load.d file that follows the persisted file, in apply's output. */
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "modules_file.h"
#include "modules_note.h"
#include "output.h"
#include "sysroot.h"
#include "txn.h"

static int change_of(struct sysroot *sr, const struct txn_file_change *fc, bool dry, struct modules_change *mc)
{
        if (dry)
                return modules_file_preview(sr, fc->after_present ? fc->after : NULL, mc);
        *mc = (struct modules_change){0};
        int r = modules_file_text(fc->before_present ? fc->before : NULL, &mc->before);
        if (r == 0)
                r = modules_file_text(fc->after_present ? fc->after : NULL, &mc->after);
        mc->write = (mc->before || mc->after) && (!mc->before || !mc->after || strcmp(mc->before, mc->after) != 0);
        return r;
}

void cli_modules_note(struct cli *c, struct sysroot *sr, const struct txn_file_change *fc, bool dry)
{
        struct modules_change mc;
        char *path = sysroot_dir_path(sr, SYSROOT_MODULES_LOAD_D, MODULES_FILE_NAME);
        if (change_of(sr, fc, dry, &mc) < 0 || !path) {
                modules_change_release(&mc);
                free(path);
                return;
        }
        const char *action = modules_file_action(&mc);
        if (c->format == FMT_JSON) {
                fputs(",\n  \"modules_file\": {\"path\": ", c->out);
                json_str(c->out, path);
                json_member(c->out, "action", action);
                fputs(", \"modules\": [", c->out);
        } else if (mc.write && !c->quiet) {
                fprintf(c->out, "%s %s%s", path, dry ? "would be " : "", !mc.before ? "created" : mc.after ? "changed" : "removed");
                fputs(mc.after ? " (load_modules: true):" : "", c->out);
        }
        bool first = true;
        for (const char *l = mc.after ? mc.after : ""; *l;) { /* the file's lines but its '#' header */
                size_t n = strcspn(l, "\n");
                if (n && *l != '#') {
                        char *m = strndup(l, n);
                        if (c->format == FMT_JSON) {
                                fputs(first ? "" : ", ", c->out);
                                json_str(c->out, m ? m : "");
                        } else if (mc.write && !c->quiet) {
                                fprintf(c->out, " %s", m ? m : "");
                        }
                        free(m);
                        first = false;
                }
                l += n + (l[n] == '\n');
        }
        if (c->format == FMT_JSON)
                fputs("]}", c->out);
        else if (mc.write && !c->quiet)
                fputc('\n', c->out);
        modules_change_release(&mc);
        free(path);
}
