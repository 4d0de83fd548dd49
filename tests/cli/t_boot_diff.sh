#!/bin/sh
# SPDX-License-Identifier: MIT
# The boot differential: boot_diff.py generates random sysctl.d hierarchies (seeded), applies
# each with the real systemd-sysctl and with procps' `sysctl --system` in fresh network, mount and
# PID namespaces (tmpfs over every sysctl.d directory, a private /etc/sysctl.conf), and checks
# that `twtune boot --rules TOOL` predicted every value each tool left, and said which keys exist
# when the tool writes them (at_boot). The seed is printed; a
# failure names the hierarchy's seed, which `boot_diff.py --seed N --count 1 --show` prints again.
#   TWTUNE_BOOT_DIFF_COUNT  hierarchies (default 300; 100 under the sanitizers, 6 under a wrapper)
#   TWTUNE_BOOT_DIFF_SEED   first seed (default: from the clock)
. "$SRCDIR/tests/cli/lib.sh"
require_ns
require_tools "apt-get install python3 iproute2 procps systemd" python3 ip sysctl

if [ -n "${TWTUNE_BOOT_DIFF_COUNT:-}" ]; then count=$TWTUNE_BOOT_DIFF_COUNT
elif [ -n "${TWTUNE_WRAPPER:-}" ]; then count=6 # valgrind: seconds per prediction
elif [ -n "${ASAN_OPTIONS:-}" ]; then count=100
else count=300; fi
seed=${TWTUNE_BOOT_DIFF_SEED:-$(( $(date +%s) % 1000000 * 1000 ))}
echo "# seed $seed, $count hierarchies"

host() {
        host_state
        ls -la --time-style=full-iso /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d /etc/sysctl.conf 2>&1
        grep -H '' /proc/sys/net/ipv4/conf/*/rp_filter /proc/sys/net/ipv4/conf/*/accept_redirects \
                /proc/sys/net/ipv4/conf/*/log_martians /proc/sys/net/ipv4/ip_local_reserved_ports \
                /proc/sys/net/ipv4/tcp_syn_retries /proc/sys/net/ipv4/tcp_synack_retries \
                /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/*/forwarding /proc/sys/net/ipv4/conf/*/promote_secondaries \
                /proc/sys/net/ipv6/conf/*/forwarding /proc/sys/net/ipv6/conf/*/disable_ipv6 /proc/sys/net/ipv6/conf/*/accept_ra 2>&1
}
host >host.before

python3 "$SRCDIR/tests/cli/boot_diff.py" --twtune "$TWTUNE" --seed "$seed" --count "$count" >diff.out 2>&1
rc=$?
grep -v '^ok - ' diff.out
case $rc in
0) ok "$count random hierarchies from seed $seed: twtune boot predicts every value systemd-sysctl and sysctl --system leave" ;;
77) echo "SKIP - $(tail -1 diff.out)"; exit 77 ;;
1) not_ok "disagreements from seed $seed (above; each with its hierarchy's seed)" ;;
*) not_ok "the differential could not run (exit $rc)" ;;
esac

host >host.after
if cmp -s host.before host.after; then ok "the host's configuration and values are unchanged"; else
        not_ok "the host changed: $(diff host.before host.after | head -20)"
fi
finish
