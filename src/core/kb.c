#include "kb.h"

#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "key.h"
#include "util.h"
#include "value.h"

/*
 * Facts come from the kernel's Documentation/networking/ip-sysctl.rst, the handlers in
 * net/ipv4/sysctl_net_ipv4.c and net/core/sysctl_net_core.c, the commits named in each source
 * column, and observations on Linux 6.18 in a private network namespace (shared/reference/
 * kernel-sysctl-facts.md). Version facts not confirmed at a commit leave their KBV_* bit clear.
 *
 * Keep the table sorted by key (strcmp order) and the keys unique: kb_lookup bisects it.
 */
static const struct kb_entry table[] = {
        {
                .key = "net.core.netdev_max_backlog",
                .type = KB_INT, .nvalues = 1, .min = 1, .max = INT_MAX,
                .range_note = "a queue length below 1 drops every packet",
                .defval = "1000",
                .introduced = KVER(2, 2), .scope = KB_GLOBAL,
                .verified = 0,
                .meaning = "Length of the per-CPU input queue for packets received faster than the kernel processes them.",
                .hazard = "Global, not per network namespace: it cannot be set from inside a container.",
                .source = "ip-sysctl.rst / admin-guide sysctl net.rst; scope from net/core/sysctl_net_core.c (net_core_table, not netns); default UNVERIFIED",
        },
        {
                .key = "net.core.somaxconn",
                .type = KB_INT, .nvalues = 1, .min = 1, .max = INT_MAX, .kernel_enforced = false,
                .range_note = "0 makes every listen() backlog 0",
                .defval = "4096 (128 before 5.4)",
                .introduced = KVER(2, 2), .scope = KB_NETNS, .netns_since = KVER3(2, 6, 25),
                .verified = KBV_NETNS,
                .meaning = "Upper bound on the backlog a listen() call may ask for (the accept queue of a listener).",
                .hazard = "A new network namespace starts at the compiled default (4096), not at the host's value. The effective accept queue is min(listen() backlog, somaxconn): raising it does nothing for servers that pass a small backlog.",
                .source = "commit 19f92a030ca6 (default 4096, 5.4); net/core/sysctl_net_core.c (min 0); observed 6.18 netns default 4096; per netns since 2.6.25 ('[NET] sysctl: make sysctl_somaxconn per-namespace', 2008-01-28; kb-audit); hidden in namespaces of non-initial user namespaces before 6.3 (inferred)",
        },
        {
                .key = "net.ipv4.ip_local_port_range",
                .type = KB_VECTOR, .nvalues = 2, .min = 1, .max = 65535, .kernel_enforced = true,
                .defval = "32768 60999 (32768 61000 before 4.2)",
                .introduced = KVER(2, 2), .scope = KB_NETNS, .netns_since = KVER(3, 13),
                .verified = KBV_NETNS,
                .k8s = "safe sysctl",
                .meaning = "First and last local port the kernel picks for connect() and automatic bind(): the ephemeral ports.",
                .hazard = "The kernel rejects a low end below ip_unprivileged_port_start or above the high end. Ends of the same parity make the kernel log 'prefer different parity' (since 4.2): connect() and bind() split the range by parity. Each (source, destination, destination port) can hold at most one connection per port, and a port closed by this side stays in TIME_WAIT for 60 s.",
                .source = "net/ipv4/sysctl_net_ipv4.c ipv4_local_port_range (1..65535, order, unprivileged check); commit 07f4c90062f8 (parity, default 60999, 4.2); commit 0bbf87d852d2 (per netns, committed 2013-09-30: 3.13; kb-audit); observed 6.18: '2000 1000' and '1000 2000' EINVAL",
        },
        {
                .key = "net.ipv4.ip_local_reserved_ports",
                .type = KB_PORTLIST, .nvalues = 0, .min = 0, .max = 65535, .kernel_enforced = true,
                .defval = "(empty)",
                .introduced = KVER3(2, 6, 35), .scope = KB_NETNS, .netns_since = KVER(3, 16),
                .verified = KBV_NETNS,
                .k8s = "safe sysctl since Kubernetes 1.27 (kernel >= 3.16)",
                .meaning = "Ports excluded from automatic (ephemeral) assignment, as a list such as \"8080,9000-9100\".",
                .hazard = "A write replaces the whole set; reserved ports inside ip_local_port_range shrink the ephemeral pool.",
                .source = "ip-sysctl.rst; commit 122ff243f5f1 (per netns, 3.16); introduction in 2.6.35 inferred, UNVERIFIED",
        },
        {
                .key = "net.ipv4.ip_unprivileged_port_start",
                .type = KB_INT, .nvalues = 1, .min = 0, .max = 65535, .kernel_enforced = true,
                .defval = "1024",
                .introduced = KVER(4, 11), .scope = KB_NETNS, .netns_since = KVER(4, 11),
                .verified = KBV_INTRODUCED | KBV_NETNS,
                .k8s = "safe sysctl since Kubernetes 1.22",
                .meaning = "First port a process may bind() without CAP_NET_BIND_SERVICE.",
                .hazard = "Coupled with ip_local_port_range: the kernel refuses a value above the port range's low end, and a port range whose low end is below it.",
                .source = "commit 4548b683b781 (4.11, per netns); net/ipv4/sysctl_net_ipv4.c ipv4_privileged_ports",
        },
        {
                .key = "net.ipv4.tcp_child_ehash_entries",
                .type = KB_INT, .nvalues = 1, .min = 0, .max = 16777216, .kernel_enforced = true,
                .defval = "0",
                .introduced = KVER(6, 1), .scope = KB_NETNS, .netns_since = KVER(6, 1),
                .verified = KBV_INTRODUCED | KBV_NETNS,
                .meaning = "Size of the established-connection hash table for network namespaces created afterwards (0: share the global table).",
                .hazard = "Affects only namespaces created after the write, not the current one. The kernel rounds the value up to a power of two (1000 becomes 1024).",
                .source = "commit d1e5e6408b30 (6.1); ip-sysctl.rst (0..16Mi); rounding observed in a nested namespace (kb-audit)",
        },
        {
                .key = "net.ipv4.tcp_congestion_control",
                .type = KB_STRING, .nvalues = 0,
                .defval = "the kernel's build default (cubic on most distributions)",
                .introduced = KVER(2, 6), .scope = KB_NETNS, .netns_since = KVER(4, 15),
                .verified = KBV_NETNS,
                .meaning = "Default congestion control algorithm for new TCP connections.",
                .hazard = "Must be one of net.ipv4.tcp_available_congestion_control (an unknown name is ENOENT; the module may need loading); in a child namespace only algorithms in tcp_allowed_congestion_control may be set (EPERM). A new network namespace takes the initial namespace's current algorithm, not its parent's.",
                .source = "commit 6670e1524477 (per netns, 4.15; inherits init_net's value); ip-sysctl.rst; introduction 2.6.13 UNVERIFIED; kb-audit",
        },
        {
                .key = "net.ipv4.tcp_ehash_entries",
                .type = KB_INT, .nvalues = 1, .min = INT_MIN, .max = INT_MAX,
                .defval = "sized from memory at boot",
                .introduced = KVER(6, 1), .scope = KB_NETNS, .netns_since = KVER(6, 1),
                .verified = KBV_INTRODUCED | KBV_NETNS, .read_only = true,
                .meaning = "Size of this namespace's established-connection hash table (negative when shared with the initial namespace).",
                .source = "commit d1e5e6408b30 (6.1); ip-sysctl.rst",
        },
        {
                .key = "net.ipv4.tcp_fin_timeout",
                .type = KB_INT, .nvalues = 1, .min = 1, .max = 2147483, .unit = "s",
                .range_note = "the kernel accepts negative values; its own upper bound is INT_MAX/HZ (8589934 s at HZ=250), twtune's the one for HZ=1000",
                .defval = "60",
                .introduced = KVER(2, 2), .scope = KB_NETNS, .netns_since = KVER(4, 6),
                .verified = KBV_NETNS,
                .k8s = "safe sysctl since Kubernetes 1.29 (kernel >= 4.6)",
                .meaning = "How long an orphaned connection (closed by this side, no longer owned by a process) stays in FIN_WAIT2 waiting for the peer's FIN.",
                .hazard = "It does not shorten TIME_WAIT: TIME_WAIT lasts TCP_TIMEWAIT_LEN (60 s), compiled into the kernel (include/net/tcp.h).",
                .source = "ip-sysctl.rst; include/net/tcp.h TCP_TIMEWAIT_LEN (60*HZ); commit 1e579caa18b9 (per netns, 4.6); proc_dointvec_jiffies",
        },
        {
                .key = "net.ipv4.tcp_keepalive_intvl",
                .type = KB_INT, .nvalues = 1, .min = 1, .max = 2147483, .unit = "s",
                .range_note = "an interval below 1 s probes in a tight loop, and the kernel accepts negative values",
                .defval = "75",
                .introduced = KVER(2, 4), .scope = KB_NETNS, .netns_since = KVER(4, 5),
                .verified = KBV_NETNS,
                .k8s = "safe sysctl since Kubernetes 1.29 (kernel >= 4.5)",
                .meaning = "Seconds between keepalive probes once probing has started.",
                .source = "ip-sysctl.rst; commit b840d15d3912 (per netns, 4.5)",
        },
        {
                .key = "net.ipv4.tcp_keepalive_probes",
                .type = KB_INT, .nvalues = 1, .min = 1, .max = 255, .kernel_enforced = false,
                .range_note = "0 probes declares a peer dead at the first idle timeout; since 5.13 the kernel rejects values outside 0..255 (a byte), before it took any int",
                .defval = "9",
                .introduced = KVER(2, 2), .scope = KB_NETNS, .netns_since = KVER(4, 5),
                .verified = KBV_NETNS,
                .k8s = "safe sysctl since Kubernetes 1.29 (kernel >= 4.5)",
                .meaning = "Unanswered keepalive probes before the connection is declared dead.",
                .source = "ip-sysctl.rst; commit 9bd6861bd432 (per netns, 4.5); commit 4ecc1baf362c (u8 handlers, 5.13; kb-audit)",
        },
        {
                .key = "net.ipv4.tcp_keepalive_time",
                .type = KB_INT, .nvalues = 1, .min = 1, .max = 2147483, .unit = "s",
                .range_note = "the kernel accepts negative values; its own upper bound is INT_MAX/HZ (8589934 s at HZ=250), twtune's the one for HZ=1000",
                .defval = "7200",
                .introduced = KVER(2, 2), .scope = KB_NETNS, .netns_since = KVER(4, 5),
                .verified = KBV_NETNS,
                .k8s = "safe sysctl since Kubernetes 1.29 (kernel >= 4.5)",
                .meaning = "Idle time before the first keepalive probe on sockets with SO_KEEPALIVE.",
                .hazard = "Only sockets that set SO_KEEPALIVE are affected; it does nothing for TIME_WAIT.",
                .source = "ip-sysctl.rst; commit 13b287e8d1ca (per netns, 4.5); proc_dointvec_jiffies",
        },
        {
                .key = "net.ipv4.tcp_max_orphans",
                .type = KB_INT, .nvalues = 1, .min = 0, .max = INT_MAX,
                .range_note = "the kernel accepts negative values",
                .defval = "half the established hash size",
                .introduced = KVER(2, 4), .scope = KB_GLOBAL,
                .verified = 0,
                .meaning = "Most orphaned sockets (closed by their process, still in the TCP state machine) the host keeps; beyond it they are reset.",
                .hazard = "Global. Lowering it produces 'too many orphaned sockets' and resets; the documentation says not to lower it.",
                .source = "ip-sysctl.rst; net/ipv4/sysctl_net_ipv4.c ipv4_table (global)",
        },
        {
                .key = "net.ipv4.tcp_max_syn_backlog",
                .type = KB_INT, .nvalues = 1, .min = 1, .max = INT_MAX,
                .range_note = "the kernel accepts 0 and negative values",
                .defval = "max(128, established hash size / 128) on current kernels (established hash / 256, at most 2048, on older ones)",
                .introduced = KVER(2, 2), .scope = KB_NETNS, .netns_since = KVER(4, 11),
                .verified = KBV_NETNS,
                .meaning = "Per-listener limit on half-open (SYN_RECV) connections; past it, with tcp_syncookies, SYN cookies are sent.",
                .hazard = "The effective SYN queue is also bounded by the listen() backlog and net.core.somaxconn: raise them together.",
                .source = "ip-sysctl.rst; net/ipv4/tcp_ipv4.c tcp_sk_init (default); observed 6.18 netns default 2048; commit fee83d097b16 (per netns, 4.11; kb-audit); older default from 743e481580b4's context",
        },
        {
                .key = "net.ipv4.tcp_max_tw_buckets",
                .type = KB_INT, .nvalues = 1, .min = 0, .max = INT_MAX,
                .range_note = "the kernel accepts a negative limit (observed on 6.18), which makes no sense",
                .defval = "half the established hash size (net.ipv4.tcp_ehash_entries / 2)",
                .introduced = KVER(2, 4), .scope = KB_NETNS, .netns_since = KVER(4, 11),
                .verified = KBV_NETNS,
                .meaning = "Most sockets held in TIME_WAIT at once in this namespace.",
                .hazard = "Past the limit a closing socket skips TIME_WAIT entirely (counted in TcpExtTCPTimeWaitOverflow; old kernels logged 'time wait bucket table overflow'), losing the protection TIME_WAIT gives against stray old segments. The documentation says not to lower it artificially.",
                .source = "ip-sysctl.rst; net/ipv4/tcp_ipv4.c tcp_sk_init (ehash/2); observed 6.18: -5 accepted; per netns since 4.11 (the parent of commit fee83d097b16; kb-audit)",
        },
        {
                .key = "net.ipv4.tcp_orphan_retries",
                .type = KB_INT, .nvalues = 1, .min = 0, .max = 255, .kernel_enforced = false,
                .range_note = "since 5.13 the kernel keeps it in a byte (0..255), before it took any int",
                .defval = "0 (means 8)",
                .introduced = KVER(2, 4), .scope = KB_NETNS, .netns_since = KVER(4, 6),
                .verified = KBV_NETNS,
                .meaning = "Retransmissions before an orphaned connection (closed by its process) is killed.",
                .source = "ip-sysctl.rst; commit 6fa251663069 series (per netns, 4.6; kb-audit); commit 4ecc1baf362c (u8, 5.13)",
        },
        {
                .key = "net.ipv4.tcp_rfc1337",
                .type = KB_BOOL, .nvalues = 1, .min = 0, .max = 1,
                .range_note = "only 0 and 1 are documented",
                .defval = "0",
                .values = "0: RSTs received in TIME_WAIT kill the socket early (RFC 1337 hazard); 1: they are ignored",
                .introduced = KVER(2, 2), .scope = KB_NETNS, .netns_since = KVER(4, 15),
                .verified = KBV_NETNS,
                .meaning = "Whether a socket in TIME_WAIT ignores RST segments (protection against TIME_WAIT assassination).",
                .hazard = "The documentation's wording reads backwards: 1 is the protective setting.",
                .source = "ip-sysctl.rst; RFC 1337; commit 625357aa175c (per netns, 2017-10-27: 4.15; kb-audit)",
        },
        {
                .key = "net.ipv4.tcp_rmem",
                .type = KB_VECTOR, .nvalues = 3, .min = 1, .max = INT_MAX, .kernel_enforced = true,
                .unit = "bytes",
                .defval = "4096 131072 33554432 since 6.16, 4096 131072 6291456 before (the maximum shrinks with little memory)",
                .introduced = KVER(2, 4), .scope = KB_NETNS, .netns_since = KVER(4, 15),
                .verified = KBV_NETNS,
                .k8s = "safe sysctl since Kubernetes 1.32 (kernel >= 4.15)",
                .meaning = "Minimum, default and maximum receive buffer of a TCP socket (autotuning bounds).",
                .hazard = "The kernel stores each element as it parses: a write rejected at the second element leaves the first one changed (observed on 6.18). It does not check the order (8192 4096 1024 is accepted) and ignores extra tokens. A new network namespace copies the initial namespace's current values, not its parent's.",
                .source = "ip-sysctl.rst; observed 6.18: '4096 0 6291456' EINVAL after storing the first element; commit 572be9bf9d0d (max 32 MiB, 6.16), b49960a05e32 (6 MiB, 2012); commit 356d1833b638 (per netns, 4.15: copies init_net's values); kb-audit",
        },
        {
                .key = "net.ipv4.tcp_slow_start_after_idle",
                .type = KB_BOOL, .nvalues = 1, .min = 0, .max = 1,
                .range_note = "only 0 and 1 are documented",
                .defval = "1",
                .introduced = KVER(2, 6), .scope = KB_NETNS, .netns_since = KVER(4, 15),
                .verified = KBV_NETNS,
                .meaning = "Reset the congestion window after an idle period (RFC 2861).",
                .source = "ip-sysctl.rst; introduced 2.6.18 (UNVERIFIED); commit b510f0d23a47 (per netns, 2017-10-27: 4.15; kb-audit)",
        },
        {
                .key = "net.ipv4.tcp_syn_retries",
                .type = KB_INT, .nvalues = 1, .min = 1, .max = 127, .kernel_enforced = true,
                .defval = "6",
                .introduced = KVER(2, 2), .scope = KB_NETNS, .netns_since = KVER(4, 6),
                .verified = KBV_NETNS,
                .meaning = "SYN retransmissions connect() makes before giving up (6 is about 127 s).",
                .source = "ip-sysctl.rst (max 127); net/ipv4/sysctl_net_ipv4.c (tcp_syn_retries_min/max); commit 6fa251663069 (per netns, 4.6; kb-audit)",
        },
        {
                .key = "net.ipv4.tcp_synack_retries",
                .type = KB_INT, .nvalues = 1, .min = 0, .max = 255, .kernel_enforced = false,
                .range_note = "since 5.13 the kernel keeps it in a byte (0..255), before it took any int",
                .defval = "5",
                .introduced = KVER(2, 2), .scope = KB_NETNS, .netns_since = KVER(4, 6),
                .verified = KBV_NETNS,
                .meaning = "SYN-ACK retransmissions for a half-open passive connection.",
                .source = "ip-sysctl.rst; commit 6fa251663069 series (per netns, 4.6; kb-audit); commit 4ecc1baf362c (u8, 5.13)",
        },
        {
                .key = "net.ipv4.tcp_syncookies",
                .type = KB_ENUM, .nvalues = 1, .min = 0, .max = 2,
                .range_note = "only 0, 1 and 2 are documented",
                .defval = "1",
                .values = "0: off; 1: send cookies when the SYN queue overflows; 2: always send cookies",
                .introduced = KVER(2, 2), .scope = KB_NETNS, .netns_since = KVER(4, 6),
                .top_value_since = KVER(3, 12),
                .verified = KBV_NETNS | KBV_TOP_VALUE,
                .k8s = "safe sysctl (kernel >= 4.6 to be per namespace)",
                .meaning = "SYN cookies, which keep a listener answering when its SYN queue overflows (a SYN flood).",
                .hazard = "Absent on kernels built without CONFIG_SYN_COOKIES. Value 2 sends cookies to everyone, which disables TCP options on those connections.",
                .source = "ip-sysctl.rst; commit 5ad37d5deee1 (value 2, 3.12); per netns since 4.6 (reference notes)",
        },
        {
                .key = "net.ipv4.tcp_timestamps",
                .type = KB_ENUM, .nvalues = 1, .min = 0, .max = 2,
                .range_note = "only 0, 1 and 2 are documented; since 5.13 the kernel rejects values outside 0..255, before it took any int",
                .defval = "1",
                .values = "0: off; 1: on, with a random offset (per connection in 4.10, per pair of addresses from 4.11, per connection again in 2026 kernels and 6.12.y); 2: on, without the offset",
                .introduced = KVER(2, 2), .scope = KB_NETNS, .netns_since = KVER(4, 13),
                .top_value_since = KVER(4, 10),
                .verified = KBV_TOP_VALUE | KBV_NETNS,
                .meaning = "RFC 1323/7323 timestamps, needed for PAWS and for reusing TIME_WAIT ports safely.",
                .hazard = "tcp_tw_reuse does nothing without timestamps on both ends.",
                .source = "ip-sysctl.rst; commit 25429d7b7dca (value 2, 4.10); commit 5d2ed0521ac9 (per netns, 2017-06-08: 4.13); offsets: 95a22caee396 (4.10), 28ee1b746f49 (4.11), 165573e41f2f; kb-audit",
        },
        {
                .key = "net.ipv4.tcp_tw_recycle",
                .type = KB_BOOL, .nvalues = 1, .min = 0, .max = 1,
                .range_note = "only 0 and 1 are meaningful",
                .defval = "0",
                .introduced = KVER(2, 4), .removed = KVER(4, 12), .removed_noop = "0",
                .scope = KB_NETNS, .netns_since = KVER(4, 11),
                .verified = KBV_REMOVED,
                .meaning = "Fast recycling of TIME_WAIT sockets using per-host timestamps (removed).",
                .hazard = "It broke clients behind NAT: their shared public address carries different timestamp clocks, so the server silently drops their SYNs. Per-connection timestamp offsets (4.10, commit 95a22caee396) broke it for everyone; 4.11 went back to per-host offsets for its sake, and 4.12 removed it. The key does not exist on 4.12 and later.",
                .source = "commit 4396e46187ca 'tcp: remove tcp_tw_recycle' (4.12; its message cites 8a5bd45f6616); commits 95a22caee396 (4.10) and 28ee1b746f49 (4.11); kb-audit",
        },
        {
                .key = "net.ipv4.tcp_tw_reuse",
                .type = KB_ENUM, .nvalues = 1, .min = 0, .max = 2, .kernel_enforced = true, .enforced_since = KVER(4, 18),
                .range_note = "before 4.18 the kernel took any int",
                .defval = "2 (0 before the value 2 existed)",
                .values = "0: off; 1: on for all outgoing connections; 2: on for loopback only",
                .introduced = KVER(2, 4), .scope = KB_NETNS, .netns_since = KVER(4, 11),
                .top_value_since = KVER(4, 18),
                .verified = KBV_NETNS | KBV_TOP_VALUE,
                .meaning = "Let connect() take over a 4-tuple still in TIME_WAIT when timestamps prove the new connection is newer.",
                .hazard = "Helps outgoing connections only (clients, proxies to upstreams), not a server's accepted connections. Needs tcp_timestamps on both ends.",
                .source = "ip-sysctl.rst; commit 79e9fed46038 (value 2 and the 0..2 check; committed 2018-06-04, merged for 4.18 on 2018-06-06; kb-audit); commit 56ab6b93007e 'ipv4: Namespaceify tcp_tw_reuse knob' (4.11); observed 6.18: 3 and -1 EINVAL",
        },
        {
                .key = "net.ipv4.tcp_tw_reuse_delay",
                .type = KB_INT, .nvalues = 1, .min = 1, .max = 60000, .kernel_enforced = true, .unit = "ms",
                .defval = "1000",
                .introduced = KVER(6, 14), .scope = KB_NETNS, .netns_since = KVER(6, 14),
                .verified = 0,
                .meaning = "Minimum time a TIME_WAIT socket must have existed before tcp_tw_reuse may take it over.",
                .source = "ip-sysctl.rst; introduction in 6.14 inferred from merge 154dee7c3265; observed 6.18: 0 EINVAL, default 1000",
        },
        {
                .key = "net.ipv4.tcp_wmem",
                .type = KB_VECTOR, .nvalues = 3, .min = 1, .max = INT_MAX, .kernel_enforced = true,
                .unit = "bytes",
                .defval = "4096 16384 4194304",
                .introduced = KVER(2, 4), .scope = KB_NETNS, .netns_since = KVER(4, 15),
                .verified = KBV_NETNS,
                .k8s = "safe sysctl since Kubernetes 1.32 (kernel >= 4.15)",
                .meaning = "Minimum, default and maximum send buffer of a TCP socket (autotuning bounds).",
                .hazard = "The kernel stores each element as it parses: a write rejected part way leaves earlier elements changed. It does not check the order. A new network namespace copies the initial namespace's current values.",
                .source = "ip-sysctl.rst; handler behaviour as tcp_rmem (kernel/sysctl.c proc_dointvec_minmax); commit 356d1833b638 (per netns, 4.15); kb-audit",
        },
};

static int cmp_key(const void *k, const void *e)
{
        return strcmp(k, ((const struct kb_entry *)e)->key);
}

const struct kb_entry *kb_lookup(const char *key)
{
        return bsearch(key, table, sizeof(table) / sizeof(table[0]), sizeof(table[0]), cmp_key);
}

const struct kb_entry *kb_entries(size_t *ret_n)
{
        *ret_n = sizeof(table) / sizeof(table[0]);
        return table;
}

const char *kb_type_name(enum kb_type t)
{
        switch (t) {
        case KB_INT: return "int";
        case KB_BOOL: return "bool";
        case KB_ENUM: return "enum";
        case KB_VECTOR: return "vector";
        case KB_PORTLIST: return "port list";
        default: return "string";
        }
}

bool kb_value_equal(const char *key, const char *a, const char *b)
{
        const struct kb_entry *e = kb_lookup(key);
        if (e && e->type == KB_PORTLIST)
                return portlist_equal(a, b) || value_equal(a, b);
        return value_equal(a, b);
}

/* Sorted by key. Each was seen on Linux 6.18 in a private network namespace with a veth pair:
 * writing the key changed every listed key, overwriting values set before. */
static const struct kb_propagation propagations[] = {
        {"net.ipv4.conf.all.forwarding",
         {"net.ipv4.ip_forward", "net.ipv4.conf.*.forwarding", "net.ipv4.conf.all.accept_redirects"},
         "net/ipv4/devinet.c devinet_sysctl_forward: the 'all' entry calls inet_forward_change, which sets "
         "default and every device, and all.accept_redirects to the opposite; observed 6.18"},
        {"net.ipv4.ip_forward", {"net.ipv4.conf.*.forwarding", "net.ipv4.conf.all.accept_redirects", NULL},
         "net/ipv4/devinet.c: ip_forward shares the 'all' forwarding value and handler (inet_forward_change); "
         "observed 6.18"},
        {"net.ipv6.conf.all.disable_ipv6", {"net.ipv6.conf.*.disable_ipv6", NULL, NULL},
         "net/ipv6/addrconf.c addrconf_disable_ipv6: 'all' sets default and every device (addrconf_set_all_disable); "
         "observed 6.18"},
        {"net.ipv6.conf.all.forwarding", {"net.ipv6.conf.*.forwarding", NULL, NULL},
         "net/ipv6/addrconf.c addrconf_fixup_forwarding: 'all' sets default and every device "
         "(addrconf_forward_change); observed 6.18"},
};

static int cmp_propagation(const void *k, const void *e)
{
        return strcmp(k, ((const struct kb_propagation *)e)->key);
}

const struct kb_propagation *kb_propagation(const char *key)
{
        return bsearch(key, propagations, ELEMENTSOF(propagations), sizeof(propagations[0]), cmp_propagation);
}

const struct kb_propagation *kb_propagations(size_t *ret_n)
{
        *ret_n = ELEMENTSOF(propagations);
        return propagations;
}

bool kb_propagation_covers(const struct kb_propagation *p, const char *key)
{
        /* In path form '*' cannot run across components (FNM_PATHNAME), and an interface's own
         * dot ("eth0.100") is a character of its component. */
        char *path = key_to_path(key);
        bool hit = false;
        for (size_t i = 0; path && !hit && i < ELEMENTSOF(p->dependents) && p->dependents[i]; i++) {
                char *pat = key_to_path(p->dependents[i]);
                hit = pat && fnmatch(pat, path, FNM_PATHNAME) == 0;
                free(pat);
        }
        free(path);
        return hit;
}

bool kb_kernel_enforces(const struct kb_entry *e, struct kver k, bool known)
{
        if (!e->kernel_enforced)
                return false;
        return !kver_is_set(e->enforced_since) || (known && kver_cmp(k, e->enforced_since) >= 0);
}

static size_t edit_distance(const char *a, const char *b)
{
        size_t lb = strlen(b), prev[KEY_MAX_LEN + 2], cur[KEY_MAX_LEN + 2];
        if (strlen(a) > KEY_MAX_LEN || lb > KEY_MAX_LEN)
                return (size_t)-1;
        for (size_t j = 0; j <= lb; j++)
                prev[j] = j;
        for (size_t i = 1; a[i - 1]; i++) {
                cur[0] = i;
                for (size_t j = 1; j <= lb; j++) {
                        size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
                        size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
                        cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
                }
                memcpy(prev, cur, (lb + 1) * sizeof(size_t));
        }
        return prev[lb];
}

static const char *last_component(const char *key)
{
        const char *dot = strrchr(key, '.');
        return dot ? dot + 1 : key;
}

/* Keeps candidate if it is closer to key than *best; matching on the last component counts too. */
static void consider(const char *key, const char *candidate, size_t *best, const char **found)
{
        if (strcmp(key, candidate) == 0)
                return;
        size_t d = edit_distance(key, candidate), dl = edit_distance(last_component(key), last_component(candidate));
        if (dl < d)
                d = dl;
        if (d < *best) {
                *best = d;
                *found = candidate;
        }
}

const char *kb_suggest(const char *key, char *const *extra, size_t n_extra)
{
        size_t best = 4;
        const char *found = NULL;
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                consider(key, table[i].key, &best, &found);
        for (size_t i = 0; i < n_extra; i++)
                consider(key, extra[i], &best, &found);
        return found;
}
