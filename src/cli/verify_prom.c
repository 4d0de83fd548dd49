/* SPDX-License-Identifier: MIT */
/* twtune verify --format prometheus and --prometheus-file: the verdict for node_exporter's
 * textfile collector, apart from cmd_verify.c's logic. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "prom.h"
#include "rows.h"
#include "verify_prom.h"

static void fill(FILE *f, void *ud)
{
        const struct verify_prom *v = ud;
        prom_family(f, "twtune_verify_drift", "gauge", "1 when the key's live value differs from the last generation or profile.");
        for (size_t i = 0; i < v->rows->n; i++)
                prom_sample(f, "twtune_verify_drift", strcmp(v->rows->v[i].status, "drift") == 0, "key", v->rows->v[i].key,
                            (const char *)NULL);
        prom_family(f, "twtune_verify_differences", "gauge",
                    "Differences verify found: keys, the persisted file, an interrupted transaction, boot shadowing.");
        prom_sample(f, "twtune_verify_differences", (double)v->drifted, (const char *)NULL);
        prom_family(f, "twtune_verify_success", "gauge", "1 when verify found no difference (exit 0).");
        prom_sample(f, "twtune_verify_success", v->drifted == 0, (const char *)NULL);
        if (v->file_status) {
                prom_family(f, "twtune_verify_file_ok", "gauge", "1 when the persisted sysctl.d file is as twtune wrote it.");
                prom_sample(f, "twtune_verify_file_ok", strcmp(v->file_status, "ok") == 0, "status", v->file_status,
                            (const char *)NULL);
        }
        prom_family(f, "twtune_verify_interrupted", "gauge", "1 when an interrupted transaction awaits twtune recover.");
        prom_sample(f, "twtune_verify_interrupted", v->pending, (const char *)NULL);
        if (v->generation) {
                prom_family(f, "twtune_generation", "gauge", "The last applied generation.");
                prom_sample(f, "twtune_generation", (double)v->generation, (const char *)NULL);
        }
        prom_timestamp(f, "verify");
}

int verify_prometheus(struct cli *c, const char *file, const struct verify_prom *v)
{
        int r = file ? prom_write_file(c, file, fill, (void *)v) : 0;
        if (r == 0 && c->format == FMT_PROMETHEUS)
                fill(c->out, (void *)v);
        return r;
}
