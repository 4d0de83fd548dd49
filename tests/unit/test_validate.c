/* SPDX-License-Identifier: MIT */
/* Validation against the knowledge base: each finding code, on recorded targets. */
#include <errno.h>

#include "profile.h"
#include "target.h"
#include "testutil.h"
#include "validate.h"
#include "validate_internal.h"

struct run {
        struct findings f;
        struct profile *p;
        struct target *t;
        char *dir;
        struct validate_opts o;
};

/* Validates text for a kernel, against a snapshot when one is given. */
static void run(struct run *x, const char *text, struct kver kernel, const char *snapshot)
{
        memset(x, 0, sizeof(*x));
        ck_assert_int_eq(profile_parse_buffer(text, strlen(text), "p.yaml", NULL, &x->p, &x->f), 0);
        if (snapshot) {
                x->dir = make_tmpdir();
                write_file(x->dir, "snap", snapshot);
                char *path;
                ck_assert_int_ge(asprintf(&path, "%s/snap", x->dir), 0);
                ck_assert_int_eq(target_new_snapshot(path, &x->t, NULL), 0);
                free(path);
        }
        x->o = (struct validate_opts){.kernel = kernel, .kernel_known = kver_is_set(kernel), .target = x->t};
        ck_assert_int_eq(validate_profile(x->p, &x->o, &x->f), 0);
}

static void done(struct run *x)
{
        findings_release(&x->f);
        profile_free(x->p);
        target_free(x->t);
        if (x->dir) {
                rm_rf(x->dir);
                free(x->dir);
        }
}

static void expect(struct run *x, const char *code, enum severity sev, const char *key)
{
        const struct finding *f = find_code(&x->f, code);
        ck_assert_msg(f, "no %s finding", code);
        ck_assert_msg(f->severity == sev, "%s is %s", code, severity_name(f->severity));
        if (key)
                ck_assert_str_eq(f->key, key);
        ck_assert_str_eq(f->file, "p.yaml");
        ck_assert_uint_gt(f->line, 0);
}

static const char seed[] = "sysctl:\n"
                           "  net.ipv4.tcp_syncookies: 1\n"
                           "  net.ipv4.tcp_tw_reuse: 1\n"
                           "  net.ipv4.tcp_tw_recycle: 1\n"
                           "  net.ipv4.tcp_fin_timeout: 60\n"
                           "  net.ipv4.tcp_keepalive_time: 1200\n"
                           "  net.ipv4.ip_local_port_range: 1024 65000\n"
                           "  net.ipv4.tcp_max_syn_backlog: 8192\n"
                           "  net.ipv4.tcp_max_tw_buckets: 5000\n";

START_TEST(seed_on_current_kernel)
{
        struct run x;
        run(&x, seed, KVER(6, 18), NULL);
        expect(&x, "removed-in-kernel", SEV_ERROR, "net.ipv4.tcp_tw_recycle");
        ck_assert(strstr(find_code(&x.f, "removed-in-kernel")->message, "NAT"));
        expect(&x, "port-range-parity", SEV_INFO, "net.ipv4.ip_local_port_range");
        expect(&x, "fin-timeout-is-not-time-wait", SEV_INFO, "net.ipv4.tcp_fin_timeout");
        expect(&x, "tw-buckets-too-low", SEV_WARNING, "net.ipv4.tcp_max_tw_buckets");
        ck_assert_uint_eq(findings_count(&x.f, SEV_ERROR), 1);
        ck_assert_ptr_null(find_code(&x.f, "port-range-below-unprivileged")); /* 1024 is allowed */
        done(&x);
}
END_TEST

START_TEST(seed_on_old_kernel)
{
        struct run x;
        run(&x, seed, KVER(4, 9), NULL);
        ck_assert_ptr_null(find_code(&x.f, "removed-in-kernel"));
        expect(&x, "tw-recycle-nat", SEV_WARNING, "net.ipv4.tcp_tw_recycle");
        ck_assert_uint_eq(findings_count(&x.f, SEV_ERROR), 0);
        done(&x);
}
END_TEST

START_TEST(versions)
{
        struct run x;
        run(&x, "sysctl:\n  net.ipv4.tcp_tw_reuse_delay: 500\n  net.ipv4.ip_unprivileged_port_start: 1024\n", KVER(4, 9),
            NULL);
        expect(&x, "not-yet-in-kernel", SEV_WARNING, "net.ipv4.tcp_tw_reuse_delay"); /* 6.14 is inferred */
        ck_assert_uint_eq(count_code(&x.f, "not-yet-in-kernel"), 2);
        /* ip_unprivileged_port_start (4.11) is confirmed at its commit: an error. */
        ck_assert_uint_eq(findings_count(&x.f, SEV_ERROR), 1);
        done(&x);

        run(&x, "sysctl:\n  net.ipv4.tcp_timestamps: 2\n  net.ipv4.tcp_syncookies: 2\n", KVER(4, 9), NULL);
        expect(&x, "value-not-in-kernel", SEV_ERROR, "net.ipv4.tcp_timestamps");
        ck_assert_uint_eq(count_code(&x.f, "value-not-in-kernel"), 1); /* syncookies=2 exists since 3.12 */
        done(&x);

        /* A condition that is false skips the version checks. */
        run(&x, "sysctl:\n  net.ipv4.tcp_tw_recycle: {value: 0, when: \"kernel < 4.12\"}\n", KVER(6, 1), NULL);
        ck_assert_uint_eq(x.f.n, 0);
        done(&x);
        /* An optional removed key is a warning. */
        run(&x, "sysctl:\n  net.ipv4.tcp_tw_recycle: {value: 1, optional: true}\n", KVER(6, 1), NULL);
        expect(&x, "removed-in-kernel", SEV_WARNING, NULL);
        done(&x);
        /* Turning off what the kernel no longer has asks for nothing: a note, and the setting is skipped. */
        run(&x, "sysctl:\n  net.ipv4.tcp_tw_recycle: 0\n", KVER(4, 12), NULL);
        expect(&x, "removed-key-off", SEV_INFO, "net.ipv4.tcp_tw_recycle");
        ck_assert_uint_eq(findings_count(&x.f, SEV_ERROR) + findings_count(&x.f, SEV_WARNING), 0);
        ck_assert(setting_removed_noop(&x.p->settings[0], &x.o));
        done(&x);
        run(&x, "sysctl:\n  net.ipv4.tcp_tw_recycle: 0\n", KVER(4, 11), NULL); /* still there: an ordinary setting */
        ck_assert_ptr_null(find_code(&x.f, "removed-key-off"));
        ck_assert(!setting_removed_noop(&x.p->settings[0], &x.o));
        done(&x);
        /* The profile's own kernel requirement. */
        run(&x, "kernel: \">= 5.4\"\nsysctl:\n  net.core.somaxconn: 4096\n", KVER(4, 19), NULL);
        expect(&x, "kernel-requirement", SEV_ERROR, NULL);
        ck_assert_uint_eq(find_code(&x.f, "kernel-requirement")->line, 1);
        done(&x);
        /* Unknown kernel: one note, no version findings. */
        run(&x, seed, KVER_NONE, NULL);
        ck_assert_int_eq(find_code(&x.f, "kernel-unknown")->severity, SEV_INFO);
        ck_assert_ptr_null(find_code(&x.f, "removed-in-kernel"));
        done(&x);
}
END_TEST

START_TEST(types_and_ranges)
{
        struct run x;
        run(&x,
            "sysctl:\n"
            "  net.ipv4.tcp_tw_reuse: 3\n"
            "  net.ipv4.tcp_max_tw_buckets: -5\n"
            "  net.ipv4.tcp_fin_timeout: thirty\n"
            "  net.core.somaxconn: 99999999999999999999\n"
            "  net.ipv4.tcp_rmem: 4096 131072\n"
            "  net.ipv4.tcp_syncookies: 1 1\n"
            "  net.ipv4.tcp_congestion_control: bbr cubic\n"
            "  net.ipv4.ip_local_reserved_ports: 8080,9000-8000\n"
            "  net.ipv4.tcp_ehash_entries: 1024\n"
            "  net.ipv4.ip_local_port_range: {at_least: 1024}\n"
            "  net.ipv4.tcp_keepalive_probes: 010\n",
            KVER(6, 18), NULL);
        const struct finding *f;
        ck_assert_uint_eq(count_code(&x.f, "out-of-range"), 4);
        ck_assert_uint_eq(count_code(&x.f, "bad-type"), 3);
        /* "1 1" on a one-value key: the kernel keeps the first (sysctl -p succeeds), so a warning. */
        ck_assert_uint_eq(count_code(&x.f, "extra-fields"), 1);
        ck_assert_int_eq(find_code(&x.f, "extra-fields")->severity, SEV_WARNING);
        for (size_t i = 0; i < x.f.n; i++) {
                f = &x.f.v[i];
                if (strcmp(f->key, "net.ipv4.tcp_tw_reuse") == 0)
                        ck_assert(strstr(f->message, "kernel rejects"));
                if (strcmp(f->key, "net.ipv4.tcp_max_tw_buckets") == 0 && strcmp(f->code, "out-of-range") == 0) {
                        /* The kernel takes it: the user's call, so a warning. */
                        ck_assert(strstr(f->message, "accepts a negative"));
                        ck_assert_int_eq(f->severity, SEV_WARNING);
                }
                if (strcmp(f->key, "net.core.somaxconn") == 0)
                        ck_assert(strstr(f->message, "64 bits"));
        }
        expect(&x, "read-only", SEV_ERROR, "net.ipv4.tcp_ehash_entries");
        expect(&x, "bad-mode", SEV_ERROR, "net.ipv4.ip_local_port_range");
        expect(&x, "octal-number", SEV_WARNING, "net.ipv4.tcp_keepalive_probes");
        done(&x);
}
END_TEST

/* A string key is one word (a qdisc, a congestion control) or, where the kernel keeps the line as
 * written (proc_dostring), text with blanks: a core_pattern pipe with its arguments, as systemd's own
 * 50-coredump.conf sets it, and the list of allowed congestion controls. */
START_TEST(string_words_and_text)
{
        struct run x;
        run(&x,
            "sysctl:\n"
            "  kernel.core_pattern: \"|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h\"\n"
            "  net.ipv4.tcp_allowed_congestion_control: reno cubic\n"
            "  net.ipv4.tcp_congestion_control: bbr cubic\n",
            KVER(6, 18), NULL);
        ck_assert_uint_eq(count_code(&x.f, "bad-type"), 1);
        ck_assert_str_eq(find_code(&x.f, "bad-type")->key, "net.ipv4.tcp_congestion_control");
        ck_assert(strstr(find_code(&x.f, "bad-type")->message, "single word"));
        done(&x);
}
END_TEST

START_TEST(port_range)
{
        struct run x;
        run(&x, "sysctl:\n  net.ipv4.ip_local_port_range: [2000, 1000]\n", KVER(6, 1), NULL);
        expect(&x, "port-range-order", SEV_ERROR, NULL);
        done(&x);
        run(&x, "sysctl:\n  net.ipv4.ip_local_port_range: [1000, 2001]\n", KVER(6, 1), NULL);
        expect(&x, "port-range-below-unprivileged", SEV_ERROR, NULL);
        ck_assert_ptr_null(find_code(&x.f, "port-range-parity"));
        done(&x);
        /* The profile lowers ip_unprivileged_port_start itself: fine. */
        run(&x, "sysctl:\n  net.ipv4.ip_unprivileged_port_start: 1000\n  net.ipv4.ip_local_port_range: [1000, 2001]\n",
            KVER(6, 1), NULL);
        ck_assert_uint_eq(findings_count(&x.f, SEV_ERROR), 0);
        done(&x);
        /* The target has it lowered. */
        run(&x, "sysctl:\n  net.ipv4.ip_local_port_range: [1000, 2001]\n", KVER(6, 1),
            "net.ipv4.ip_unprivileged_port_start = 500\n");
        ck_assert_uint_eq(findings_count(&x.f, SEV_ERROR), 0);
        done(&x);
        /* Before 4.11 there is no such restriction. */
        run(&x, "sysctl:\n  net.ipv4.ip_local_port_range: [1000, 2001]\n", KVER(4, 9), NULL);
        ck_assert_uint_eq(findings_count(&x.f, SEV_ERROR), 0);
        done(&x);
        /* Raising ip_unprivileged_port_start above the target's port range. */
        run(&x, "sysctl:\n  net.ipv4.ip_unprivileged_port_start: 40000\n", KVER(6, 1),
            "net.ipv4.ip_local_port_range = 32768\t60999\n");
        expect(&x, "port-range-below-unprivileged", SEV_ERROR, "net.ipv4.ip_unprivileged_port_start");
        done(&x);
}
END_TEST

START_TEST(cross_key)
{
        struct run x;
        run(&x, "sysctl:\n  net.ipv4.tcp_tw_reuse: 1\n  net.ipv4.tcp_timestamps: 0\n", KVER(6, 1), NULL);
        expect(&x, "reuse-needs-timestamps", SEV_WARNING, "net.ipv4.tcp_tw_reuse");
        done(&x);
        run(&x, "sysctl:\n  net.ipv4.tcp_tw_reuse: 1\n", KVER(6, 1), "net.ipv4.tcp_timestamps = 0\n");
        expect(&x, "reuse-needs-timestamps", SEV_WARNING, NULL);
        done(&x);
        run(&x, "sysctl:\n  net.ipv4.tcp_tw_reuse: 1\n", KVER(6, 1), "net.ipv4.tcp_timestamps = 1\n");
        ck_assert_ptr_null(find_code(&x.f, "reuse-needs-timestamps"));
        done(&x);
        run(&x, "sysctl:\n  net.ipv4.tcp_tw_reuse: 0\n  net.ipv4.tcp_timestamps: 0\n", KVER(6, 1), NULL);
        ck_assert_ptr_null(find_code(&x.f, "reuse-needs-timestamps"));
        done(&x);
        /* tw buckets: lowering the target's value warns; raising it does not. */
        run(&x, "sysctl:\n  net.ipv4.tcp_max_tw_buckets: 100000\n", KVER(6, 1), "net.ipv4.tcp_max_tw_buckets = 131072\n");
        expect(&x, "tw-buckets-too-low", SEV_WARNING, NULL);
        done(&x);
        run(&x, "sysctl:\n  net.ipv4.tcp_max_tw_buckets: 200000\n", KVER(6, 1), "net.ipv4.tcp_max_tw_buckets = 131072\n");
        ck_assert_ptr_null(find_code(&x.f, "tw-buckets-too-low"));
        done(&x);
        /* somaxconn raised with at_least counts as raised. */
        run(&x, "sysctl:\n  net.ipv4.tcp_max_syn_backlog: 8192\n  net.core.somaxconn: {at_least: 8192}\n", KVER(6, 1),
            "net.core.somaxconn = 4096\n");
        ck_assert_ptr_null(find_code(&x.f, "syn-backlog-capped"));
        done(&x);
        run(&x, "sysctl:\n  net.ipv4.tcp_max_syn_backlog: 8192\n", KVER(6, 1), "net.core.somaxconn = 4096\n");
        expect(&x, "syn-backlog-capped", SEV_INFO, NULL);
        done(&x);
}
END_TEST

START_TEST(did_you_mean)
{
        struct run x;
        /* A typo of a known key: the nearest knowledge-base key. */
        run(&x, "sysctl:\n  net.ipv4.tcp_max_tw_bucket: 5000\n", KVER(6, 1), NULL);
        /* No kernel twtune knows has it, and it is a near miss of one that does: the kernel has no such file. */
        expect(&x, "unknown-key", SEV_ERROR, NULL);
        ck_assert_ptr_nonnull(strstr(find_code(&x.f, "unknown-key")->message, "did you mean net.ipv4.tcp_max_tw_buckets?"));
        done(&x);
        /* A typo of a key the knowledge base does not know, but the target has beside it. */
        run(&x, "sysctl:\n  net.core.rmem_mx: 1\n", KVER(6, 1), "net.core.rmem_max = 212992\nnet.core.wmem_max = 212992\n");
        expect(&x, "unknown-key", SEV_ERROR, NULL);
        ck_assert_ptr_nonnull(strstr(find_code(&x.f, "unknown-key")->message, "did you mean net.core.rmem_max?"));
        done(&x);
        /* Nothing close: no guess. */
        run(&x, "sysctl:\n  kernel.zzzzzzzz: 1\n", KVER(6, 1), NULL);
        ck_assert_ptr_null(strstr(find_code(&x.f, "unknown-key")->message, "did you mean"));
        done(&x);
        /* --strict: every warning is an error. */
        run(&x, "sysctl:\n  net.ipv4.tcp_max_tw_bucket: 5000\n", KVER(6, 1), NULL);
        findings_strict(&x.f);
        ck_assert_uint_eq(findings_count(&x.f, SEV_WARNING), 0);
        expect(&x, "unknown-key", SEV_ERROR, NULL);
        done(&x);
}
END_TEST

START_TEST(unknown_keys)
{
        struct run x;
        run(&x, "sysctl:\n  dev.raid.speed_limit_max: 262144\n", KVER(6, 1), NULL);
        expect(&x, "unknown-key", SEV_WARNING, NULL);
        done(&x);
        run(&x, "sysctl:\n  dev.raid.speed_limit_max: 262144\n", KVER(6, 1), "dev.raid.speed_limit_max = 65536\n");
        /* The target has it: info, with what the target shows. */
        expect(&x, "unknown-key", SEV_INFO, NULL);
        ck_assert_ptr_nonnull(strstr(find_code(&x.f, "unknown-key")->message, "1 integer: '65536'"));
        done(&x);
        run(&x, "sysctl:\n  dev.raid.speed_limit_max: 262144\n", KVER(6, 1), "kernel.osrelease = 6.1.0\n");
        expect(&x, "unknown-key", SEV_ERROR, NULL);
        done(&x);
        run(&x, "sysctl:\n  dev.raid.speed_limit_max: {value: 262144, optional: true}\n", KVER(6, 1),
            "kernel.osrelease = 6.1.0\n");
        expect(&x, "unknown-key", SEV_INFO, NULL);
        done(&x);
}
END_TEST

START_TEST(exec_keys_table)
{
        ck_assert(exec_keys_sorted()); /* sorted, unique, sourced, core_pattern first */
}
END_TEST

START_TEST(structural_and_removed)
{
        struct run x;
        /* No separator: no kernel has such a key. */
        run(&x, "sysctl:\n  somaxconn: 1024\n", KVER(6, 18), NULL);
        expect(&x, "bad-key", SEV_ERROR, "somaxconn");
        done(&x);
        /* A key of the structural tier: its shape and mode as the generating kernel showed (warnings). */
        run(&x,
            "sysctl:\n"
            "  net.ipv4.tcp_ecn_fallback: 1\n"
            "  net.ipv4.tcp_fastopen_blackhole_timeout_sec: soon\n"
            "  net.ipv4.conf.eth0.arp_notify: 1 1\n"
            "  net.core.netdev_rss_key: 1\n",
            KVER(6, 18), NULL);
        ck_assert_uint_eq(count_code(&x.f, "unknown-key"), 0);
        expect(&x, "bad-type", SEV_WARNING, "net.ipv4.tcp_fastopen_blackhole_timeout_sec");
        expect(&x, "extra-fields", SEV_WARNING, "net.ipv4.conf.eth0.arp_notify");
        expect(&x, "read-only", SEV_WARNING, "net.core.netdev_rss_key");
        ck_assert_uint_eq(x.f.n, 3);
        done(&x);
        /* Bounds of the structural tier read in the kernel source: an error from that source's version on. */
        run(&x, "sysctl:\n  net.ipv4.tcp_pacing_ss_ratio: 2000\n", KVER(6, 18), NULL);
        expect(&x, "out-of-range", SEV_ERROR, "net.ipv4.tcp_pacing_ss_ratio");
        ck_assert_ptr_nonnull(strstr(find_code(&x.f, "out-of-range")->message, "sysctl_net_ipv4.c"));
        done(&x);
        run(&x, "sysctl:\n  net.ipv4.tcp_pacing_ss_ratio: 2000\n", KVER(5, 4), NULL);
        expect(&x, "out-of-range", SEV_WARNING, "net.ipv4.tcp_pacing_ss_ratio");
        done(&x);
        /* A removed key: when, and what replaced it; an error once the target lacks it. */
        run(&x, "sysctl:\n  kernel.sched_min_granularity_ns: 3000000\n", KVER(6, 18), NULL);
        expect(&x, "removed-key", SEV_WARNING, NULL);
        ck_assert_ptr_nonnull(strstr(find_code(&x.f, "removed-key")->message, "removed in Linux 5.13"));
        done(&x);
        run(&x, "sysctl:\n  kernel.sched_min_granularity_ns: 3000000\n", KVER(6, 18), "kernel.osrelease = 6.18.0\n");
        expect(&x, "removed-key", SEV_ERROR, NULL);
        done(&x);
        /* SYN cookies off draws a finding. */
        run(&x, "sysctl:\n  net.ipv4.tcp_syncookies: 0\n", KVER(6, 18), NULL);
        expect(&x, "syncookies-off", SEV_WARNING, "net.ipv4.tcp_syncookies");
        done(&x);
}
END_TEST

START_TEST(hazard_classes)
{
        struct run x;
        run(&x,
            "sysctl:\n"
            "  net.ipv4.conf.all.accept_source_route: 1\n"
            "  net.ipv4.conf.eth0.route_localnet: 1\n"
            "  net.ipv4.tcp_retries2: 3\n"
            "  vm.drop_caches: 3\n"
            "  kernel.randomize_va_space: 0\n"
            "  net.netfilter.nf_conntrack_checksum: 0\n"
            "  vm.dirty_ratio: 10\n"
            "  vm.dirty_background_ratio: 20\n"
            "  net.core.wmem_default: 8388608\n"
            "  net.ipv4.ip_forward: 1\n"
            "  net.ipv4.conf.default.accept_redirects: 1\n"
            "  net.core.somaxconn: 1024\n",
            KVER(6, 1), NULL);
        expect(&x, "source-routing-on", SEV_WARNING, "net.ipv4.conf.all.accept_source_route");
        expect(&x, "route-localnet-on", SEV_WARNING, "net.ipv4.conf.eth0.route_localnet");
        expect(&x, "retries-too-low", SEV_WARNING, "net.ipv4.tcp_retries2");
        expect(&x, "one-shot-action", SEV_WARNING, "vm.drop_caches");
        expect(&x, "protection-off", SEV_WARNING, "kernel.randomize_va_space");
        expect(&x, "validation-off", SEV_WARNING, "net.netfilter.nf_conntrack_checksum");
        expect(&x, "writeback-order", SEV_WARNING, NULL);
        expect(&x, "socket-default-large", SEV_WARNING, "net.core.wmem_default");
        expect(&x, "router-accepts-redirects", SEV_WARNING, "net.ipv4.conf.default.accept_redirects");
        expect(&x, "below-kernel-default", SEV_WARNING, "net.core.somaxconn");
        ck_assert_ptr_null(find_code(&x.f, "exceeds-memory")); /* the memory is unknown */
        done(&x);
        /* Memory-counted limits against the target's RAM; the defaults themselves draw nothing. */
        run(&x, "sysctl:\n  net.ipv4.tcp_mem: 786432 1048576 6291456\n  vm.min_free_kbytes: 1048576\n"
                "  net.ipv4.tcp_retries2: 15\n  net.core.somaxconn: 4096\n", KVER(6, 1), NULL);
        ck_assert_uint_eq(x.f.n, 0);
        findings_release(&x.f);
        x.o.mem_bytes = 8ULL << 30;
        ck_assert_int_eq(validate_profile(x.p, &x.o, &x.f), 0);
        expect(&x, "exceeds-memory", SEV_WARNING, "net.ipv4.tcp_mem");
        ck_assert_uint_eq(count_code(&x.f, "exceeds-memory"), 2);
        done(&x);
}
END_TEST

START_TEST(hazards)
{
        struct run x;
        run(&x,
            "sysctl:\n"
            "  net.ipv4.tcp_sack: 0\n"
            "  net.ipv4.tcp_window_scaling: 0\n"
            "  net.ipv4.tcp_timestamps: 0\n"
            "  net.ipv4.tcp_syn_retries: 1\n"
            "  net.ipv4.tcp_synack_retries: 1\n"
            "  net.core.rmem_default: 16777216\n"
            "  net.core.rmem_max: 8388608\n"
            "  net.ipv4.tcp_wmem: 4096 65536 16384\n"
            "  net.ipv4.tcp_rmem: 4096 87380 16777216\n"
            "  net.ipv4.tcp_mem: 4096 87380 16777216\n"
            "  net.ipv4.udp_mem: 300 200 100\n"
            "  fs.file-max: 65535\n"
            "  vm.max_map_count: 262144\n",
            KVER(6, 1), "fs.file-max = 9223372036854775807\nvm.max_map_count = 65530\n");
        expect(&x, "sack-off", SEV_WARNING, "net.ipv4.tcp_sack");
        expect(&x, "window-scaling-off", SEV_WARNING, "net.ipv4.tcp_window_scaling");
        expect(&x, "timestamps-off", SEV_WARNING, "net.ipv4.tcp_timestamps");
        ck_assert_uint_eq(count_code(&x.f, "retries-too-low"), 2);
        ck_assert_uint_eq(count_code(&x.f, "buffer-default-above-max"), 2); /* rmem pair, tcp_wmem default */
        ck_assert_uint_eq(count_code(&x.f, "tcp-mem-pages"), 2);              /* copied bytes, udp_mem order */
        expect(&x, "lowers-system-limit", SEV_WARNING, "fs.file-max");
        ck_assert_uint_eq(count_code(&x.f, "lowers-system-limit"), 1); /* max_map_count is raised */
        done(&x);
        /* Sensible values draw none of them. */
        run(&x,
            "sysctl:\n  net.ipv4.tcp_sack: 1\n  net.ipv4.tcp_syn_retries: 3\n  net.core.rmem_default: 262144\n"
            "  net.core.rmem_max: 16777216\n  net.ipv4.tcp_mem: 786432 1048576 1572864\n",
            KVER(6, 1), NULL);
        ck_assert_uint_eq(findings_count(&x.f, SEV_WARNING), 0);
        done(&x);
}
END_TEST

START_TEST(netns_versions)
{
        /* Inside another network namespace a key exists only once it is per namespace. */
        struct run x;
        memset(&x, 0, sizeof(x));
        static const char text[] = "sysctl:\n  net.ipv4.tcp_timestamps: 1\n";
        ck_assert_int_eq(profile_parse_buffer(text, strlen(text), "p.yaml", NULL, &x.p, &x.f), 0);
        x.o = (struct validate_opts){.kernel = KVER(4, 9), .kernel_known = true, .netns = true};
        ck_assert_int_eq(validate_profile(x.p, &x.o, &x.f), 0);
        expect(&x, "not-per-netns", SEV_ERROR, "net.ipv4.tcp_timestamps"); /* 4.13, confirmed */
        findings_release(&x.f);
        x.f = (struct findings){0};
        x.o.kernel = KVER(4, 13);
        ck_assert_int_eq(validate_profile(x.p, &x.o, &x.f), 0);
        ck_assert_ptr_null(find_code(&x.f, "not-per-netns"));
        done(&x);
}
END_TEST

START_TEST(same_key_across_kernels)
{
        /* One mechanism answers for every kernel: the facts of each version, no special case. */
        static const struct {
                struct kver k;
                enum severity reuse3;  /* tcp_tw_reuse: 3: the kernel checks 0..2 only since 4.18 */
                bool truncated;        /* somaxconn: 100000 is cut to 16 bits before 5.4 */
                bool reuse_delay;      /* tcp_tw_reuse_delay exists since 6.14 */
        } cases[] = {
                {KVER(4, 9), SEV_WARNING, true, false},
                {KVER(5, 4), SEV_ERROR, false, false},
                {KVER(5, 15), SEV_ERROR, false, false},
                {KVER3(6, 18, 0), SEV_ERROR, false, true},
        };
        /* A one-byte switch: any int before 5.13, 0..255 after; twtune's own 0..1 only warns. */
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct run x;
                run(&x, "sysctl:\n  net.ipv4.tcp_sack: 300\n  net.ipv4.tcp_dsack: 2\n", cases[i].k, NULL);
                bool u8 = kver_cmp(cases[i].k, KVER(5, 13)) >= 0;
                ck_assert_uint_eq(findings_count(&x.f, SEV_ERROR), u8 ? 1 : 0);
                ck_assert_uint_eq(count_code(&x.f, "out-of-range"), 2);
                done(&x);
        }
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct run x;
                run(&x, "sysctl:\n  net.ipv4.tcp_tw_reuse: 3\n  net.core.somaxconn: 100000\n"
                        "  net.ipv4.tcp_tw_reuse_delay: 500\n", cases[i].k, NULL);
                const struct finding *r = find_code(&x.f, "out-of-range");
                ck_assert_ptr_nonnull(r);
                ck_assert_int_eq(r->severity, cases[i].reuse3);
                ck_assert_int_eq(find_code(&x.f, "somaxconn-truncated") != NULL, cases[i].truncated);
                ck_assert_int_eq(find_code(&x.f, "not-yet-in-kernel") == NULL, cases[i].reuse_delay);
                done(&x);
        }
}
END_TEST

static Suite *suite(void)
{
        Suite *s = suite_create("validate");
        TCase *tc = tcase_create("validate");
        tcase_add_test(tc, seed_on_current_kernel);
        tcase_add_test(tc, seed_on_old_kernel);
        tcase_add_test(tc, versions);
        tcase_add_test(tc, types_and_ranges);
        tcase_add_test(tc, string_words_and_text);
        tcase_add_test(tc, port_range);
        tcase_add_test(tc, cross_key);
        tcase_add_test(tc, unknown_keys);
        tcase_add_test(tc, did_you_mean);
        tcase_add_test(tc, hazards);
        tcase_add_test(tc, exec_keys_table);
        tcase_add_test(tc, structural_and_removed);
        tcase_add_test(tc, hazard_classes);
        tcase_add_test(tc, same_key_across_kernels);
        tcase_add_test(tc, netns_versions);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(suite)
