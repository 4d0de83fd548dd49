/* SPDX-License-Identifier: MIT */
/* /etc/modules-load.d/99-twtune.conf, derived from the persisted sysctl.d file (modules_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "boot.h"
#include "modules_file.h"
#include "sysroot.h"

#define HEADER "# Written by twtune (load_modules: true): modules the keys of /etc/sysctl.d/" MODULES_FILE_NAME \
               " need before\n# systemd-sysctl.service writes them. 'twtune apply' and 'twtune rollback' replace it.\n"

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void modules_body_line(struct strbuf *sb, const char *const *keys, size_t n)
{
        const char **mods = n ? calloc(n, sizeof(*mods)) : NULL;
        size_t m = 0;
        if (n && !mods) {
                sb->oom = true;
                return;
        }
        for (size_t i = 0; i < n; i++) {
                bool autoload = false;
                const char *mod = boot_key_module(keys[i], &autoload);
                if (mod && !autoload) /* the kernel loads an autoloading one on the write */
                        mods[m++] = mod;
        }
        qsort(mods, m, sizeof(*mods), cmp_str);
        if (m)
                sb_append(sb, MODULES_LINE);
        for (size_t i = 0; i < m; i++)
                if (i == 0 || strcmp(mods[i - 1], mods[i]) != 0)
                        sb_appendf(sb, " %s", mods[i]);
        if (m)
                sb_append(sb, "\n");
        free(mods);
}

/* The module names of the persisted file's last "# load_modules:" line, or NULL (no header line
 * of twtune's starts so). */
static const char *find_line(const char *text, size_t *ret_len)
{
        const char *hit = NULL;
        for (const char *p = text; p && *p;) {
                size_t n = strcspn(p, "\n");
                if (n > strlen(MODULES_LINE) && strncmp(p, MODULES_LINE, strlen(MODULES_LINE)) == 0) {
                        hit = p + strlen(MODULES_LINE);
                        *ret_len = n - strlen(MODULES_LINE);
                }
                p += n + (p[n] == '\n');
        }
        return hit;
}

int modules_file_text(const char *persisted, char **ret)
{
        size_t n = 0;
        const char *l = persisted ? find_line(persisted, &n) : NULL;
        *ret = NULL;
        struct strbuf sb = {0};
        for (size_t i = 0; l && i < n;) {
                i += strspn(l + i, " \t\r");
                size_t w = strcspn(l + i, " \t\r\n");
                if (w && i + w <= n) {
                        if (!sb.len)
                                sb_append(&sb, HEADER);
                        sb_appendn(&sb, l + i, w);
                        sb_append(&sb, "\n");
                }
                i += w ? w : 1;
        }
        if (!sb.len && !sb.oom)
                return 0;
        *ret = sb_steal(&sb);
        return *ret ? 0 : -ENOMEM;
}

static int open_dir(struct sysroot *sr, bool create)
{
        return sysroot_open_dir(sr, SYSROOT_MODULES_LOAD_D, create);
}

/* The file there when it is twtune's (its header); NULL otherwise. */
static char *read_ours(struct sysroot *sr)
{
        int dfd = open_dir(sr, false);
        int fd = dfd >= 0 ? openat(dfd, MODULES_FILE_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
        char *t = NULL;
        size_t len;
        if (fd >= 0 && read_fd(fd, 1024 * 1024, &t, &len) < 0)
                t = NULL;
        if (fd >= 0)
                close(fd);
        if (dfd >= 0)
                close(dfd);
        if (t && strncmp(t, HEADER, strlen(HEADER)) != 0) {
                free(t);
                t = NULL;
        }
        return t;
}

int modules_file_preview(struct sysroot *sr, const char *persisted, struct modules_change *ret)
{
        *ret = (struct modules_change){0};
        int r = modules_file_text(persisted, &ret->after);
        if (r < 0)
                return r;
        ret->before = read_ours(sr);
        ret->write = ret->before || ret->after ? !ret->before || !ret->after || strcmp(ret->before, ret->after) != 0
                                               : false;
        return 0;
}

const char *modules_file_action(const struct modules_change *mc)
{
        if (!mc->write)
                return "none";
        return !mc->before ? "create" : mc->after ? "change" : "remove";
}

void modules_change_release(struct modules_change *mc)
{
        free(mc->before);
        free(mc->after);
        *mc = (struct modules_change){0};
}

int modules_file_sync(struct sysroot *sr, const char *persisted, size_t len)
{
        struct modules_change mc;
        char *text = persisted ? strndup(persisted, len) : NULL;
        if (persisted && !text)
                return -ENOMEM;
        int r = modules_file_preview(sr, text, &mc);
        free(text);
        if (r < 0 || !mc.write) {
                modules_change_release(&mc);
                return r;
        }
        int dfd = open_dir(sr, mc.after != NULL);
        if (dfd < 0)
                r = dfd == -ENOENT && !mc.after ? 0 : dfd;
        else if (mc.after)
                r = atomic_replace_at(dfd, MODULES_FILE_NAME, mc.after, strlen(mc.after), 0644);
        else
                r = unlink_sync_at(dfd, MODULES_FILE_NAME);
        if (dfd >= 0)
                close(dfd);
        modules_change_release(&mc);
        return r;
}
