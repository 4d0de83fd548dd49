/* SPDX-License-Identifier: MIT */
/* twtune keys: the keys the knowledge base covers. */
#include "cli.h"
#include "errors.h"
#include "format.h"
#include "kb.h"
#include "options.h"
#include "output.h"

int cmd_keys(struct cli *c, int argc, char **argv);
int cmd_keys(struct cli *c, int argc, char **argv)
{
        int first;
        int r = cli_parse(c, c->command, argc, argv, NULL, NULL, NULL, &first);
        if (r >= 0)
                return r;
        if (first < argc)
                return cli_usage_error(c, "keys takes no arguments");
        size_t n;
        const struct kb_entry *const *e = kb_entries(&n);
        if (c->format == FMT_JSON) {
                json_begin(c);
                fputs(", \"keys\": [", c->out);
                for (size_t i = 0; i < n; i++) {
                        fputs(i ? ",\n  {\"key\": " : "\n  {\"key\": ", c->out);
                        json_str(c->out, e[i]->key);
                        json_member(c->out, "type", kb_type_name(e[i]->type));
                        json_member(c->out, "scope", e[i]->scope == KB_NETNS ? "netns" : "global");
                        fputc('}', c->out);
                }
                fputs("\n]}\n", c->out);
                return EXIT_OK;
        }
        for (size_t i = 0; i < n; i++)
                fprintf(c->out, "%s\n", e[i]->key);
        return EXIT_OK;
}
