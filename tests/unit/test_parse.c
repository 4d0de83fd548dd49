/* SPDX-License-Identifier: MIT */
/* Keys, kernel versions, conditions and values. */
#include <errno.h>
#include <limits.h>

#include "key.h"
#include "kver.h"
#include "testutil.h"
#include "util.h"
#include "value.h"

static void norm_ok(const char *in, const char *want)
{
        char *out = NULL;
        ck_assert_int_eq(key_normalize(in, &out, NULL), 0);
        ck_assert_str_eq(out, want);
        free(out);
}

static void norm_bad(const char *in)
{
        char *out = NULL;
        const char *why = NULL;
        ck_assert_msg(key_normalize(in, &out, &why) == -EINVAL, "accepted '%s'", in);
        ck_assert_ptr_nonnull(why);
        ck_assert_ptr_null(out);
}

START_TEST(key_forms)
{
        norm_ok("net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_fin_timeout");
        norm_ok("net/ipv4/tcp_fin_timeout", "net.ipv4.tcp_fin_timeout");
        /* systemd-sysctl and procps: the first separator decides. */
        norm_ok("net/ipv4/conf/eth0.100/rp_filter", "net.ipv4.conf.eth0/100.rp_filter");
        norm_ok("net.ipv4.conf.eth0/100.rp_filter", "net.ipv4.conf.eth0/100.rp_filter");
        char *p = key_to_path("net.ipv4.conf.eth0/100.rp_filter");
        ck_assert_str_eq(p, "net/ipv4/conf/eth0.100/rp_filter");
        free(p);
}
END_TEST

START_TEST(key_rejects)
{
        norm_bad("");
        norm_bad("/proc/sys/net/ipv4/tcp_fin_timeout");
        norm_bad("net..ipv4");
        norm_bad("net.ipv4.");
        norm_bad(".net");
        norm_bad("net/../../etc/passwd"); /* ".." component in path form */
        norm_bad("net.//.x");             /* "//" is ".." in path form */
        norm_bad("net./.x");
        norm_bad("net.ipv4.tcp fin");
        norm_bad("net.ipv4.a=b");
        norm_bad("net.ipv4.\n");
        norm_bad("net.ipv4.caf\xc3\xa9");
        char big[300];
        memset(big, 'a', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        norm_bad(big);
}
END_TEST

/* key_is_normal is key_normalize accepting a key and giving it back unchanged, on every form the
 * tests above use and on every string of up to four bytes over a small alphabet. */
static bool normal_by_normalize(const char *k)
{
        char *out = NULL;
        bool same = key_normalize(k, &out, NULL) == 0 && strcmp(out, k) == 0;
        free(out);
        return same;
}

START_TEST(key_is_normal_agrees)
{
        static const char *const fixed[] = {"net.ipv4.ip_forward", "net/ipv4/ip_forward", "net.ipv4.conf.eth0/100.rp_filter",
                                            "net/ipv4/conf/eth0.100/rp_filter", "a./.b", "a.//.b", "a.///.b", "/a.b",
                                            ".a", "a.", "a..b", "a b", "a=b", "a\tb", "", "x", "a.b/c", "a/b.c"};
        for (size_t i = 0; i < sizeof(fixed) / sizeof(*fixed); i++)
                ck_assert_msg(key_is_normal(fixed[i]) == normal_by_normalize(fixed[i]), "'%s'", fixed[i]);
        static const char alpha[] = "a./= \x7f";
        char k[5];
        size_t na = strlen(alpha);
        for (size_t len = 0; len <= 4; len++) {
                size_t total = 1;
                for (size_t i = 0; i < len; i++)
                        total *= na;
                for (size_t v = 0; v < total; v++) {
                        size_t x = v;
                        for (size_t i = 0; i < len; i++, x /= na)
                                k[i] = alpha[x % na];
                        k[len] = '\0';
                        ck_assert_msg(key_is_normal(k) == normal_by_normalize(k), "'%s'", k);
                }
        }
        char long_key[300];
        memset(long_key, 'a', sizeof(long_key) - 1);
        long_key[sizeof(long_key) - 1] = '\0';
        ck_assert(!key_is_normal(long_key) && !normal_by_normalize(long_key));
}
END_TEST

START_TEST(key_tool_forms)
{
        /* As systemd-sysctl 252 and procps-ng 4.0.2 look keys up (t_hardening2 runs both). */
        static const struct {
                const char *in, *procps, *systemd;
        } v[] = {
                {"/net/ipv4/conf/all/rp_filter", "net/ipv4/conf/all/rp_filter", "net/ipv4/conf/all/rp_filter"},
                {"net..ipv4.conf.all.rp_filter", "net.ipv4.conf.all.rp_filter", "net.ipv4.conf.all.rp_filter"},
                {".net.ipv4.x", "net.ipv4.x", "net.ipv4.x"},
                {"/net.ipv4.x", "/net.ipv4.x", "/net.ipv4.x"},
                {"net.ipv4.x.", "net.ipv4.x.", "net.ipv4.x"},
                {"net/ipv4/conf/eth0.100//rp_filter", "net/ipv4/conf/eth0.100/rp_filter", "net/ipv4/conf/eth0.100/rp_filter"},
        };
        for (size_t i = 0; i < ELEMENTSOF(v); i++) {
                char *p = key_tool_form(v[i].in, false), *s = key_tool_form(v[i].in, true);
                ck_assert_str_eq(p, v[i].procps);
                ck_assert_str_eq(s, v[i].systemd);
                free(p);
                free(s);
        }
        ck_assert_ptr_null(key_unnameable("net.ipv4.conf.eth0.rp_filter"));
        ck_assert_ptr_nonnull(key_unnameable("net.ipv4.conf.a=b.rp_filter"));
        ck_assert_ptr_nonnull(key_unnameable("net.ipv4.conf.x*.rp_filter"));
        ck_assert_ptr_nonnull(key_unnameable("net.ipv4.conf.\xc3\xa9.rp_filter"));
        ck_assert_ptr_nonnull(key_unnameable("net.ipv4.conf.c\x01d.rp_filter"));
}
END_TEST

START_TEST(value_rules)
{
        const char *why = NULL;
        ck_assert_int_eq(value_check("1024\t65535", &why), 0);
        ck_assert_int_eq(value_check("bbr \xc3\xa9", &why), 0);
        static const char *const bad[] = {"core=%p", "a\nb", "a\rb", "\xff\xfe", "x\x01", "x\x7f", "x\xc2\x85",
                                          "x\xe2\x80\xa8", "x\xe2\x80\xae"};
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                why = NULL;
                ck_assert_int_eq(value_check(bad[i], &why), -EINVAL);
                ck_assert_ptr_nonnull(why);
        }
}
END_TEST

START_TEST(kver_parse_cmp)
{
        struct kver v;
        ck_assert_int_eq(kver_parse("6.18.44-fc-v769", &v), 0);
        ck_assert_uint_eq(v.major, 6);
        ck_assert_uint_eq(v.minor, 18);
        ck_assert_uint_eq(v.patch, 44);
        ck_assert_int_eq(kver_parse("4.12", &v), 0);
        ck_assert_int_eq(kver_cmp(v, KVER(4, 12)), 0);
        ck_assert_int_eq(kver_parse("5", &v), 0);
        ck_assert_int_lt(kver_cmp(KVER(4, 9), KVER(4, 12)), 0); /* numeric, not lexical */
        ck_assert_int_eq(kver_parse("", &v), -EINVAL);
        ck_assert_int_eq(kver_parse("v4.12", &v), -EINVAL);
        ck_assert_int_eq(kver_parse("4.x", &v), -EINVAL);
        ck_assert_int_eq(kver_parse("4.12abc", &v), -EINVAL);
        ck_assert_int_eq(kver_parse("0.1", &v), -EINVAL);
}
END_TEST

START_TEST(conditions)
{
        struct kcond c;
        const char *why;
        ck_assert_int_eq(kcond_parse("kernel < 4.12", &c, &why), 0);
        ck_assert(kcond_eval(&c, KVER(4, 9)));
        ck_assert(!kcond_eval(&c, KVER(4, 12)));
        ck_assert_int_eq(kcond_parse(">= 4.12", &c, &why), 0);
        ck_assert(kcond_eval(&c, KVER(6, 1)));
        ck_assert_int_eq(kcond_parse("kernel >= 4.5 && kernel < 5.0", &c, &why), 0);
        ck_assert(kcond_eval(&c, KVER(4, 19)));
        ck_assert(!kcond_eval(&c, KVER(5, 0)));
        ck_assert(!kcond_eval(&c, KVER(4, 4)));
        ck_assert_int_eq(kcond_parse("kernel != 5.4, kernel <= 6.1", &c, &why), 0);
        ck_assert(!kcond_eval(&c, KVER(5, 4)));
        ck_assert(kcond_eval(&c, KVER(6, 1)));
        ck_assert_int_eq(kcond_parse("kernel ~ 4", &c, &why), -EINVAL);
        ck_assert_int_eq(kcond_parse("kernel < ", &c, &why), -EINVAL);
        ck_assert_int_eq(kcond_parse("kernel < 4.12 || kernel > 5", &c, &why), -EINVAL);
        ck_assert_int_eq(kcond_parse("", &c, &why), -EINVAL);
        ck_assert_int_eq(kcond_parse("<1, <2, <3, <4, <5", &c, &why), -EINVAL);
}
END_TEST

START_TEST(values)
{
        char *s = value_normalize("  1024\t 65535 \n");
        ck_assert_str_eq(s, "1024 65535");
        free(s);
        ck_assert(value_equal("1024\t65535", "1024 65535"));
        ck_assert(value_equal("16", "0x10"));   /* the kernel parses base 0 */
        ck_assert(value_equal("8", "010"));
        ck_assert(!value_equal("1024 65535", "1024"));
        ck_assert(!value_equal("1024", "1024 65535"));
        ck_assert(!value_equal("cubic", "bbr"));
        ck_assert(value_equal("", "  "));
        char **t;
        size_t n;
        ck_assert_int_eq(value_split(" a\tb  c ", &t, &n), 0);
        ck_assert_uint_eq(n, 3);
        ck_assert_str_eq(t[2], "c");
        ck_assert_ptr_null(t[3]);
        value_tokens_free(t);
}
END_TEST

START_TEST(kernel_ints)
{
        long long v;
        ck_assert_int_eq(parse_kernel_int("0x10", &v), 0);
        ck_assert_int_eq(v, 16);
        ck_assert_int_eq(parse_kernel_int("-5", &v), 0);
        ck_assert_int_eq(v, -5);
        ck_assert_int_eq(parse_kernel_int("9223372036854775807", &v), 0);
        ck_assert_int_eq(parse_kernel_int("9223372036854775808", &v), -ERANGE);
        ck_assert_int_eq(parse_kernel_int("-9223372036854775808", &v), 0);
        ck_assert(v == LLONG_MIN);
        ck_assert_int_eq(parse_kernel_int("99999999999999999999999", &v), -ERANGE);
        ck_assert_int_eq(parse_kernel_int("", &v), -EINVAL);
        ck_assert_int_eq(parse_kernel_int(" 5", &v), -EINVAL);
        ck_assert_int_eq(parse_kernel_int("--5", &v), -EINVAL);
        ck_assert_int_eq(parse_kernel_int("5s", &v), -EINVAL);
        ck_assert_int_eq(parse_kernel_int("1.5", &v), -EINVAL);
}
END_TEST

static Suite *suite(void)
{
        Suite *s = suite_create("parse");
        TCase *tc = tcase_create("parse");
        tcase_add_test(tc, key_forms);
        tcase_add_test(tc, key_rejects);
        tcase_add_test(tc, key_is_normal_agrees);
        tcase_add_test(tc, kver_parse_cmp);
        tcase_add_test(tc, conditions);
        tcase_add_test(tc, values);
        tcase_add_test(tc, kernel_ints);
        tcase_add_test(tc, key_tool_forms);
        tcase_add_test(tc, value_rules);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(suite)
