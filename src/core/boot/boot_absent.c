/* SPDX-License-Identifier: MIT */
/* Keys that do not exist when the boot writes them: keys of a module nothing loads before the
 * boot applies sysctl.d, and per-interface keys of interfaces that appear later. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "boot_internal.h"
#include "key.h"
#include "sysroot.h"
#include "util.h"

#include "kb/modules.h"

static const char *const load_dirs[] = {"/etc/modules-load.d", "/run/modules-load.d", "/usr/local/lib/modules-load.d",
                                        "/usr/lib/modules-load.d", "/lib/modules-load.d"};
static const char *const udev_dirs[] = {"/etc/udev/rules.d", "/run/udev/rules.d", "/usr/local/lib/udev/rules.d",
                                        "/usr/lib/udev/rules.d", "/lib/udev/rules.d"};

struct mods {
        struct sysroot *sr;
        const struct boot_opts *o;
        bool loaded_read;
        char **names; /* modules loaded before sysctl.d is applied, '-' as '_' */
        size_t n;
        struct strmap set;
        char *dep, *builtin; /* modules.dep and modules.builtin of the root's kernel, or NULL */
        char *udev;          /* the 99-systemd.rules that counts, or NULL */
        bool udev_read, oom;
        int procfs;          /* the root's /proc/sys is the kernel's: 1, not: 0, not asked yet: -1 */
        struct strmap dirs;  /* interface directories looked up: 1 there, 0 not (their paths owned) */
};

int boot_module_table_check(const char **ret_why)
{
        for (size_t i = 0; i < ELEMENTSOF(kb_module_keys); i++) {
                const struct kb_module_key *e = &kb_module_keys[i];
                if (!e->prefix || !e->module || !e->source || !*e->source) {
                        *ret_why = "an entry without prefix, module or source";
                        return -EINVAL;
                }
                if (i && strcmp(kb_module_keys[i - 1].prefix, e->prefix) >= 0) {
                        *ret_why = e->prefix; /* not sorted, or twice */
                        return -EINVAL;
                }
                if (strchr(e->module, '-')) {
                        *ret_why = e->module;
                        return -EINVAL;
                }
        }
        return 0;
}

static char *read_text(struct sysroot *sr, const char *path)
{
        int fd = sysroot_open_config(sr, path, O_RDONLY);
        char *t = NULL;
        size_t len;
        if (fd >= 0 && read_fd(fd, 64 * 1024 * 1024, &t, &len) < 0)
                t = NULL;
        if (fd >= 0)
                close(fd);
        return t;
}

static char *mod_name(const char *s, size_t n)
{
        char *m = strndup(s, n);
        for (char *p = m; p && *p; p++)
                if (*p == '-')
                        *p = '_';
        return m;
}

static void add_loaded(struct mods *m, char *name)
{
        char **v = name && !strmap_get(&m->set, name, NULL) ? realloc(m->names, (m->n + 1) * sizeof(*v)) : NULL;
        if (!v) {
                m->oom |= !name;
                free(name);
                return;
        }
        m->names = v;
        v[m->n] = name;
        if (strmap_put(&m->set, name, m->n) < 0) {
                free(name);
                m->oom = true;
                return;
        }
        m->n++;
}

/* One modules-load.d file: a module name per line; '#' and ';' start comments. */
static void parse_load_file(struct mods *m, const char *text)
{
        for (const char *p = text; *p;) {
                size_t n = strcspn(p, "\n");
                const char *s = p;
                size_t a = strspn(s, " \t\r"), e = n;
                while (e > a && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r'))
                        e--;
                if (e > a && s[a] != '#' && s[a] != ';')
                        add_loaded(m, mod_name(s + a, e - a));
                p += n + (p[n] == '\n');
        }
}

/* Every modules-load.d file by the sysctl.d rules (first directory wins per name; a /dev/null
 * link masks), then what modules.dep says those modules pull in. */
static void read_loaded(struct mods *m)
{
        struct strmap seen = {0};
        char **names = NULL;
        size_t nn = 0;
        m->loaded_read = true;
        if (m->o && m->o->replace_modules && m->o->replace_name) {
                /* The stand-in, in the first directory: it hides lower files of its name. */
                char *own = strdup(m->o->replace_name);
                names = own ? malloc(sizeof(*names)) : NULL;
                if (names) {
                        names[nn++] = own;
                        if (strmap_put(&seen, own, 0) < 0)
                                m->oom = true;
                } else {
                        free(own);
                        m->oom = true;
                }
                if (m->o->modules_text)
                        parse_load_file(m, m->o->modules_text);
        }
        for (size_t d = 0; d < ELEMENTSOF(load_dirs); d++) {
                int fd = sysroot_open_config(m->sr, load_dirs[d], O_RDONLY | O_DIRECTORY);
                DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
                if (!dir && fd >= 0)
                        close(fd);
                struct dirent *de;
                while (dir && (de = readdir(dir))) {
                        size_t l = strlen(de->d_name);
                        if (l < 6 || strcmp(de->d_name + l - 5, ".conf") != 0 || de->d_name[0] == '.' ||
                            strmap_get(&seen, de->d_name, NULL))
                                continue;
                        char **v = realloc(names, (nn + 1) * sizeof(*v));
                        if (!v || !(v[nn] = strdup(de->d_name)) || strmap_put(&seen, v[nn], 0) < 0) {
                                if (v)
                                        names = v;
                                m->oom = true;
                                break;
                        }
                        names = v;
                        nn++;
                        char target[16];
                        ssize_t tl = readlinkat(dirfd(dir), de->d_name, target, sizeof(target) - 1);
                        if (tl == 9 && memcmp(target, "/dev/null", 9) == 0)
                                continue; /* masked */
                        char *path = str_printf("%s/%s", load_dirs[d], de->d_name), *t = path ? read_text(m->sr, path) : NULL;
                        if (t)
                                parse_load_file(m, t);
                        free(t);
                        free(path);
                }
                if (dir)
                        closedir(dir);
        }
        for (size_t i = 0; i < nn; i++)
                free(names[i]);
        free(names);
        strmap_release(&seen);
}

/* The basename of a module path in modules.dep ("kernel/net/x/nf_nat.ko.zst" -> "nf_nat"). */
static char *dep_name(const char *s, size_t n)
{
        const char *b = s;
        for (size_t i = 0; i < n; i++)
                if (s[i] == '/')
                        b = s + i + 1;
        size_t l = (size_t)(s + n - b);
        const char *ko = NULL;
        for (const char *p = b; p + 3 <= b + l; p++)
                if (memcmp(p, ".ko", 3) == 0)
                        ko = p;
        return mod_name(b, ko ? (size_t)(ko - b) : l);
}

/* modules.dep lists each module's dependencies, all of them: a module modules-load.d loads brings
 * those along. */
static void add_deps(struct mods *m)
{
        for (const char *p = m->dep; p && *p;) {
                size_t n = strcspn(p, "\n"), c = strcspn(p, ":");
                if (c < n) {
                        char *name = dep_name(p, c);
                        if (name && strmap_get(&m->set, name, NULL))
                                for (const char *q = p + c + 1; q < p + n;) {
                                        q += strspn(q, " \t");
                                        size_t w = strcspn(q, " \t\n");
                                        if (w && q + w <= p + n)
                                                add_loaded(m, dep_name(q, w));
                                        q += w;
                                }
                        free(name);
                }
                p += n + (p[n] == '\n');
        }
}

static bool in_list(const char *list, const char *mod)
{
        for (const char *p = list; p && *p;) {
                size_t n = strcspn(p, "\n:");
                char *name = dep_name(p, n);
                bool hit = name && strcmp(name, mod) == 0;
                free(name);
                if (hit)
                        return true;
                p += n;
                p += strcspn(p, "\n");
                p += *p == '\n';
        }
        return false;
}

static void read_kernel_lists(struct mods *m)
{
        char *rel = NULL;
        if (sysroot_read_sysctl(m->sr, "kernel.osrelease", &rel) < 0 || strchr(rel, '/')) {
                free(rel);
                return;
        }
        char *dep = str_printf("/lib/modules/%s/modules.dep", rel), *bi = str_printf("/lib/modules/%s/modules.builtin", rel);
        m->dep = dep ? read_text(m->sr, dep) : NULL;
        m->builtin = bi ? read_text(m->sr, bi) : NULL;
        free(dep);
        free(bi);
        free(rel);
}

static bool sys_module(struct mods *m, const char *mod, const char *leaf)
{
        char *p = str_printf("/sys/module/%s%s", mod, leaf);
        int fd = p ? sysroot_open_config(m->sr, p, O_PATH) : -ENOMEM;
        free(p);
        if (fd >= 0)
                close(fd);
        return fd >= 0;
}

/* Built into the root's kernel: modules.builtin says so, or /sys/module/NAME has no initstate
 * (which only a loadable module has), or the key exists now though no loadable module is loaded. */
static bool builtin(struct mods *m, const char *mod, bool key_exists)
{
        if (in_list(m->builtin, mod))
                return true;
        if (sys_module(m, mod, "/initstate"))
                return false;
        return key_exists || sys_module(m, mod, "");
}

static bool dir_exists(struct mods *m, const char *path);

/* The module is in the running kernel now: built in, or loaded. Only a module with parameters or
 * a version has a /sys/module directory when built in, so this can miss one (then nothing is said). */
static bool there_now(struct mods *m, const char *mod)
{
        return in_list(m->builtin, mod) || sys_module(m, mod, "");
}

/* The key does not exist though its module is there now and the root shows the key's directory:
 * not in this kernel (removed) or not in this network namespace (kept to the initial one). The
 * boot runs the same kernel, so it will not exist then either. A fake root without the key's
 * directory below /proc/sys says nothing. */
static bool absent_key(struct mods *m, const char *key, const char *mod)
{
        if (!there_now(m, mod))
                return false;
        char *path = key_to_path(key), *slash = path ? strrchr(path, '/') : NULL;
        if (slash)
                *slash = '\0';
        char *dir = slash ? str_printf("/proc/sys/%s", path) : NULL;
        bool known = dir && dir_exists(m, dir);
        free(path);
        free(dir);
        return known;
}

static const struct kb_module_key *module_entry(const char *key)
{
        const struct kb_module_key *best = NULL;
        for (size_t i = 0; i < ELEMENTSOF(kb_module_keys); i++) {
                const struct kb_module_key *e = &kb_module_keys[i];
                size_t l = strlen(e->prefix);
                bool whole = e->prefix[l - 1] != '.' && e->prefix[l - 1] != '_';
                if (whole ? strcmp(key, e->prefix) == 0 : strncmp(key, e->prefix, l) == 0)
                        if (!best || l > strlen(best->prefix))
                                best = e;
        }
        return best;
}

static void check_module(struct mods *m, struct boot_setting *s, enum boot_rules rules, struct findings *f)
{
        const struct kb_module_key *e = module_entry(s->key);
        if (!e)
                return;
        char *mod = e->autoload ? str_printf("%s%s", e->module, s->value) : strdup(e->module);
        if (!mod || (e->autoload && (strcmp(s->value, "reno") == 0 || strpbrk(s->value, " \t/")))) {
                m->oom |= !mod;
                free(mod); /* reno is the kernel's own */
                return;
        }
        if (!m->loaded_read) {
                read_loaded(m);
                read_kernel_lists(m);
                add_deps(m);
        }
        char *now = NULL;
        bool exists = sysroot_read_sysctl(m->sr, s->key, &now) == 0;
        free(now);
        bool ok = strmap_get(&m->set, mod, NULL) || builtin(m, mod, exists && !e->autoload);
        if (!ok && e->autoload)
                ok = !m->dep || in_list(m->dep, mod); /* loaded on the write; unknown without modules.dep */
        free(s->module);
        s->module = mod;
        struct srcloc loc = {s->file, s->line, 0};
        if (ok && !exists && !e->autoload && absent_key(m, s->key, mod)) {
                s->presence = BOOT_ABSENT_KEY;
                findings_add(f, SEV_WARNING, "absent-at-boot", s->key, &loc,
                             "%s = %s is not applied at boot: %s is in the kernel now, yet the key does not exist "
                             "here (removed from this kernel, or kept to the initial network namespace)",
                             s->key, s->value, mod);
                return;
        }
        if (ok)
                return;
        s->presence = BOOT_ABSENT_MODULE;
        if (e->autoload)
                findings_add(f, SEV_WARNING, "absent-at-boot", s->key, &loc,
                             "%s = %s fails at boot: the kernel loads %s for it, but this kernel has no such module "
                             "(not in modules.dep or modules.builtin)", s->key, s->value, mod);
        else
                findings_add(f, SEV_WARNING, "absent-at-boot", s->key, &loc,
                             "%s = %s is not applied at boot: the key exists only once %s is loaded, which is not "
                             "built in and which nothing loads before %s (no modules-load.d entry); fix: "
                             "echo %s > /etc/modules-load.d/%s.conf, or load_modules: true in twtune's profile",
                             s->key, s->value, mod, rules == BOOT_SYSTEMD ? "systemd-sysctl.service" : "sysctl --system", mod, mod);
}

/* The 99-systemd.rules that counts (first directory wins; /dev/null or empty masks). */
static void read_udev(struct mods *m)
{
        m->udev_read = true;
        for (size_t d = 0; d < ELEMENTSOF(udev_dirs) && !m->udev; d++) {
                char *p = str_printf("%s/99-systemd.rules", udev_dirs[d]);
                int fd = p ? sysroot_open_config(m->sr, p, O_PATH) : -1;
                if (fd >= 0) {
                        close(fd);
                        m->udev = read_text(m->sr, p);
                        if (!m->udev)
                                m->udev = strdup(""); /* /dev/null: masked */
                        free(p);
                        return;
                }
                free(p);
        }
}

/* Whether the directory exists below the root, each looked up once: thousands of interface keys
 * share a few directories. */
static bool dir_exists(struct mods *m, const char *path)
{
        size_t v;
        if (strmap_get(&m->dirs, path, &v))
                return v;
        int fd = sysroot_open_config(m->sr, path, O_PATH | O_DIRECTORY);
        if (fd >= 0)
                close(fd);
        char *own = strdup(path);
        if (own && strmap_put(&m->dirs, own, fd >= 0) < 0) {
                free(own);
                own = NULL;
        }
        if (!own)
                m->oom = true;
        return fd >= 0;
}

/* Whether udev runs systemd-sysctl --prefix=/net/ipvFAM/KIND/$name for an interface that appears
 * (systemd 252's 99-systemd.rules); the option in rule. */
static bool udev_applies(struct mods *m, enum boot_rules rules, char fam, const char *kind, size_t kl, char *rule,
                         size_t size)
{
        if (!m->udev_read)
                read_udev(m);
        snprintf(rule, size, "--prefix=/net/ipv%c/%.*s/$name", fam, (int)kl, kind);
        return rules == BOOT_SYSTEMD && m->udev && strstr(m->udev, "systemd-sysctl") && strstr(m->udev, rule);
}

/* net.ipv4.conf.IF.x, net.ipv6.neigh.IF.x ...: the interface, if it does not exist below the root
 * (and its family's directory does). */
static void check_interface(struct mods *m, struct boot_setting *s, enum boot_rules rules, struct findings *f)
{
        const char *k = s->key;
        if (strncmp(k, "net.ipv4.", 9) && strncmp(k, "net.ipv6.", 9))
                return;
        const char *kind = k + 9;
        size_t kl = strncmp(kind, "conf.", 5) == 0 ? 4 : strncmp(kind, "neigh.", 6) == 0 ? 5 : 0;
        if (!kl)
                return;
        const char *ifn = kind + kl + 1, *dot = strchr(ifn, '.');
        if (!dot || strchr(dot + 1, '.') || (size_t)(dot - ifn) >= 64)
                return; /* an interface name with a dot is ambiguous here */
        char iface[64], dir[96];
        memcpy(iface, ifn, (size_t)(dot - ifn));
        iface[dot - ifn] = '\0';
        if (strcmp(iface, "all") == 0 || strcmp(iface, "default") == 0)
                return;
        snprintf(dir, sizeof(dir), "/proc/sys/net/ipv%c/%.*s", k[7], (int)kl, kind);
        if (!dir_exists(m, dir))
                return; /* nothing known about the root's interfaces */
        char *p = str_printf("%s/%s", dir, iface);
        bool there = !p || dir_exists(m, p); /* out of memory: says nothing */
        free(p);
        if (there)
                return;
        char rule[64];
        bool udev = udev_applies(m, rules, k[7], kind, kl, rule, sizeof(rule));
        struct srcloc loc = {s->file, s->line, 0};
        s->presence = udev ? BOOT_INTERFACE_ADDED : BOOT_ABSENT_INTERFACE;
        if (udev)
                findings_add(f, SEV_INFO, "interface-later", s->key, &loc,
                             "%s: %s does not exist now, so the boot cannot write it; when %s appears, udev's "
                             "99-systemd.rules runs systemd-sysctl %s, which applies it", s->key, iface, iface, rule);
        else
                findings_add(f, SEV_WARNING, "absent-at-boot", s->key, &loc,
                             "%s = %s is never applied: %s does not exist now, and nothing applies sysctl.d when it "
                             "appears (%s); set it where %s is configured, or set net.ipv%c.%.*s.default.%s, which new "
                             "interfaces copy when they are created", s->key, s->value, iface,
                             rules == BOOT_SYSTEMD ? "no 99-systemd.rules running systemd-sysctl --prefix" :
                                                     "procps has no such hook", iface, k[7], (int)kl, kind, dot + 1);
}

/* Whether the root's /proc/sys is the kernel's own (procfs), not a tree of files that holds only
 * some keys: only there does a missing key say the kernel lacks it. */
static bool live_proc(struct mods *m)
{
        if (m->procfs < 0) {
                struct statfs st;
                int fd = sysroot_open_config(m->sr, "/proc/sys", O_PATH | O_DIRECTORY);
                m->procfs = fd >= 0 && fstatfs(fd, &st) == 0 && st.f_type == PROC_SUPER_MAGIC;
                if (fd >= 0)
                        close(fd);
        }
        return m->procfs;
}

/* A key of no module, and of no interface that is missing: absent at boot when the root's procfs
 * lacks it now (tcp_tw_recycle, removed in 4.12; neigh.default.gc_thresh1 outside the initial
 * network namespace). A '-' line asked for its failure to be ignored: at_boot says it, no finding. */
static void check_key(struct mods *m, struct boot_setting *s, struct findings *f)
{
        if (s->presence != BOOT_EXISTS || module_entry(s->key) || !live_proc(m))
                return;
        if (sysroot_sysctl_exists(m->sr, s->key) != 0) /* the read cache, or one statx */
                return;
        s->presence = BOOT_ABSENT_KEY;
        struct srcloc loc = {s->file, s->line, 0};
        if (!s->ignore_failure)
                findings_add(f, SEV_WARNING, "absent-at-boot", s->key, &loc,
                             "%s = %s is not applied at boot: this kernel has no such key here (removed, not "
                             "built, or kept to the initial network namespace)", s->key, s->value);
}

const char *boot_key_module(const char *key, bool *ret_autoload)
{
        const struct kb_module_key *e = module_entry(key);
        *ret_autoload = e && e->autoload;
        return e ? e->module : NULL;
}

int boot_presence(struct sysroot *sr, const struct boot_opts *o, struct boot_view *b, struct findings *f)
{
        enum boot_rules rules = o->rules;
        struct mods m = {.sr = sr, .o = o, .procfs = -1};
        for (size_t i = 0; i < b->n_settings && !m.oom; i++) {
                check_module(&m, &b->settings[i], rules, f);
                check_interface(&m, &b->settings[i], rules, f);
                check_key(&m, &b->settings[i], f);
        }
        for (size_t i = 0; i < m.n; i++)
                free(m.names[i]);
        free(m.names);
        strmap_release(&m.set);
        for (size_t i = 0; i < m.dirs.cap; i++)
                free((char *)m.dirs.keys[i]);
        strmap_release(&m.dirs);
        free(m.dep);
        free(m.builtin);
        free(m.udev);
        return m.oom ? -ENOMEM : 0;
}

/* A glob's key: net.ipv4.conf.IF.x (or neigh, ipv6) with a wildcard in IF. The family and the
 * kind (conf, neigh: *ret_kl characters at *ret_kind) when it is one. */
static bool interface_glob(const char *k, char *ret_fam, const char **ret_kind, size_t *ret_kl)
{
        if (strncmp(k, "net.ipv4.", 9) && strncmp(k, "net.ipv6.", 9))
                return false;
        const char *kind = k + 9;
        size_t kl = strncmp(kind, "conf.", 5) == 0 ? 4 : strncmp(kind, "neigh.", 6) == 0 ? 5 : 0;
        const char *ifn = kind + kl + 1, *dot = kl ? strchr(ifn, '.') : NULL;
        if (!dot || strchr(dot + 1, '.') || strcspn(ifn, "*?[") >= (size_t)(dot - ifn))
                return false;
        *ret_fam = k[7];
        *ret_kind = kind;
        *ret_kl = kl;
        return true;
}

static void later_glob(struct mods *m, enum boot_rules rules, const struct boot_opt *o, struct boot_later *l,
                       struct findings *f)
{
        char fam, rule[64];
        const char *kind;
        size_t kl;
        if (!interface_glob(o->key, &fam, &kind, &kl))
                return;
        bool udev = udev_applies(m, rules, fam, kind, kl, rule, sizeof(rule));
        *l = (struct boot_later){strdup(o->key), strdup(o->value), strdup(o->file), o->line,
                                 udev ? BOOT_INTERFACE_ADDED : BOOT_ABSENT_INTERFACE};
        if (!l->pattern || !l->value || !l->file)
                m->oom = true;
        struct srcloc loc = {o->file, o->line, 0};
        if (udev)
                findings_add(f, SEV_INFO, "interface-later", o->key, &loc,
                             "%s = %s: an interface that appears after the boot gets it too when its name matches: "
                             "udev's 99-systemd.rules runs systemd-sysctl %s, which applies the globs that match "
                             "(a -key line or an explicit key still wins)", o->key, o->value, rule);
        else /* the copy from conf.default at creation was observed (tests/data/boot/README.md); neigh's was not */
                findings_add(f, SEV_INFO, "interface-later", o->key, &loc,
                             "%s = %s reaches only the interfaces there when the boot applies sysctl.d: one that "
                             "appears later never gets it from this line (%s)%s%c%s", o->key, o->value,
                             rules == BOOT_SYSTEMD ? "no 99-systemd.rules running systemd-sysctl --prefix"
                                                   : "procps has no such hook",
                             kl == 4 ? "; it starts from net.ipv" : "", kl == 4 ? fam : ' ',
                             kl == 4 ? ".conf.default's value, which the kernel copies when it creates an interface" : "");
}

int boot_later_globs(struct sysroot *sr, enum boot_rules rules, const struct boot_opt *opts, size_t n,
                     struct boot_view *b, struct findings *f)
{
        struct mods m = {.sr = sr};
        for (size_t i = 0; i < n && !m.oom; i++) {
                const struct boot_opt *o = &opts[i];
                if (!o->glob || !o->value || o->dead)
                        continue;
                struct boot_later *v = array_grow(b->later, b->n_later, sizeof(*v));
                if (!v) {
                        m.oom = true;
                        break;
                }
                b->later = v;
                v[b->n_later].pattern = NULL;
                later_glob(&m, rules, o, &v[b->n_later], f);
                if (v[b->n_later].pattern || m.oom)
                        b->n_later++; /* counted when filled, so freed with the view */
        }
        free(m.udev);
        return m.oom ? -ENOMEM : 0;
}
