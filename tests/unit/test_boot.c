/* SPDX-License-Identifier: MIT */
/* The boot view's data and kernel model (core/boot/boot_sim.c, core/boot/boot_absent.c): the module table's
 * invariants, and what the kernel keeps of a write, case by case as observed on Linux 6.18
 * (tests/data/boot/README.md, "Kernel parsing"). */
#include "boot_internal.h"
#include "testutil.h"

START_TEST(module_table)
{
        const char *why = NULL;
        ck_assert_msg(boot_module_table_check(&why) == 0, "module table: %s", why ? why : "?");
}
END_TEST

/* write(key, raw, text): "R:<raw after>", "partial:<raw after>", "refused" or "unknown". */
static char *kw(const char *key, const char *raw, const char *text)
{
        char *after = NULL, *out = NULL;
        int r = boot_kernel_write(key, raw, text, &after);
        ck_assert_int_ge(r, 0);
        bool stored = r == BOOT_KW_ACCEPT || r == BOOT_KW_PARTIAL;
        ck_assert_int_ge(asprintf(&out, "%s%s",
                                  r == BOOT_KW_ACCEPT    ? "R:"
                                  : r == BOOT_KW_PARTIAL ? "partial:"
                                  : r == BOOT_KW_REFUSE  ? "refused"
                                                         : "unknown",
                                  stored ? after : ""), 0);
        free(after);
        return out;
}

#define KW(key, raw, text, want)                        \
        do {                                            \
                char *got_ = kw(key, raw, text);        \
                ck_assert_str_eq(got_, want);           \
                free(got_);                             \
        } while (0)

START_TEST(integers)
{
        const char *rp = "net.ipv4.conf.lo.rp_filter";
        KW(rp, "0", "7", "R:7");
        KW(rp, "0", "1 2", "R:1");
        KW(rp, "0", "1 #", "R:1");
        KW(rp, "0", "1 # seven", "R:1");
        KW(rp, "0", "-1", "R:-1");
        KW(rp, "0", "0x1", "R:1");
        KW(rp, "0", "01", "R:1");
        KW(rp, "0", "1#", "refused");
        KW(rp, "0", "", "refused");
        KW(rp, "0", " ", "refused");
        KW(rp, "0", "+1", "refused");
        KW(rp, "0", "abc", "refused");
        KW(rp, "0", "99999999999", "unknown"); /* past int: the key may be a long */
        KW(rp, NULL, "7 # seven", "unknown");  /* no such key below the root */
        KW("kernel.core_pattern", "core", "|/bin/x", "unknown");
}
END_TEST

START_TEST(port_range)
{
        const char *pr = "net.ipv4.ip_local_port_range";
        KW(pr, "32768\t60999", "20000 50001 # x", "R:20000\t50001");
        KW(pr, "32768\t60999", "  20000   50001", "R:20000\t50001");
        KW(pr, "32768\t60999", "20000 50001 60000", "R:20000\t50001");
        KW(pr, "32768\t60999", "20000", "R:20000\t60999");
        KW(pr, "32768\t60999", "20000 50001#x", "refused");
        KW(pr, "32768\t60999", "20000,50001", "refused");
        KW(pr, "32768\t60999", "50001 20000", "refused");
}
END_TEST

/* A vector the kernel reads straight into the key stores each number as it reads it, so a write
 * that fails part way leaves the numbers before the failure (observed 6.18, tcp_wmem, with sysctl -p
 * exiting 1); ping_group_range and ip_local_port_range read into a copy and keep nothing. */
START_TEST(partial_vectors)
{
        const char *wm = "net.ipv4.tcp_wmem", *was = "4096\t16384\t4194304";
        KW(wm, was, "4097 # x", "partial:4097\t16384\t4194304");
        KW(wm, was, "4097 16385 # x", "partial:4097\t16385\t4194304");
        KW(wm, was, "4097 16385#x", "partial:4097\t16384\t4194304");
        KW(wm, was, "4097 16385 4194305 # x", "R:4097\t16385\t4194305");
        KW(wm, was, "4097", "R:4097\t16384\t4194304");
        KW(wm, was, "# x", "refused");
        KW("net.ipv4.ping_group_range", "1\t0", "5 # x", "refused");
        KW("net.ipv4.ip_local_port_range", "32768\t60999", "20000 # x", "refused");
}
END_TEST

START_TEST(reserved_ports)
{
        const char *rp = "net.ipv4.ip_local_reserved_ports";
        KW(rp, "", "5000-5010", "R:5000-5010");
        KW(rp, "", "5000,", "R:5000");
        KW(rp, "", "", "R:");
        KW(rp, "", "6000,5000-5002,5001", "R:5000-5002,6000");
        KW(rp, "", "5000 # x", "refused");
        KW(rp, "", "5000,5010 ", "refused");
        KW(rp, "", " 5000", "refused");
        KW(rp, "", "5000\t", "refused");
        KW(rp, "", "5000 5001", "refused");
        KW(rp, "", "5000#x", "refused");
        KW(rp, "", "70000", "refused");
}
END_TEST

START_TEST(procps_paths)
{
        char *p = boot_procps_path("net.ipv4.conf.lo.rp_filter", false);
        ck_assert_str_eq(p, "net/ipv4/conf/lo/rp_filter");
        free(p);
        p = boot_procps_path(".net.ipv4.x", false);
        ck_assert_str_eq(p, "/net/ipv4/x");
        free(p);
        p = boot_procps_path("net/ipv4/conf/*/rp_filter//", true);
        ck_assert_str_eq(p, "net/ipv4/conf/*/rp_filter");
        free(p);
        p = boot_procps_path("net..ipv4.conf.*.x.", true);
        ck_assert_str_eq(p, "net//ipv4/conf/*/x");
        free(p);
}
END_TEST

static Suite *suite(void)
{
        Suite *s = suite_create("boot");
        TCase *tc = tcase_create("model");
        tcase_add_test(tc, module_table);
        tcase_add_test(tc, integers);
        tcase_add_test(tc, port_range);
        tcase_add_test(tc, partial_vectors);
        tcase_add_test(tc, reserved_ports);
        tcase_add_test(tc, procps_paths);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(suite)
