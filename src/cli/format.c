/* SPDX-License-Identifier: MIT */
/* Where a command's output goes under --format json (held, then finished with the error) and
 * --format github (only workflow commands reach standard output). */
#include "format.h"

#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "errors.h"
#include "output.h"

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
