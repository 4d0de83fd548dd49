# SPDX-License-Identifier: MIT
# Shared by the CLI tests: a private temporary directory, a fake system root, assertions.
# Each test script sources this, runs its checks and ends with `finish`.
set -u
: "${TWTUNE:?set TWTUNE to the twtune binary}"
: "${SRCDIR:?set SRCDIR to the source tree}"
if [ -z "${TWTUNE_INNER:-}" ]; then
        TMP=$(mktemp -d "${TMPDIR:-/tmp}/twtune-cli.XXXXXX")
        trap 'rm -rf "$TMP"' EXIT
        cd "$TMP" || exit 1
fi
PASS=0
FAIL=0

ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $1"; [ -f out ] && sed 's/^/#   out: /' out | head -20; [ -f err ] && sed 's/^/#   err: /' err | head -20; }

# run ARGS...: runs twtune with stdout in ./out, stderr in ./err, exit code in $RC.
# TWTUNE_WRAPPER (e.g. "valgrind --error-exitcode=99 ...") runs it under a checker.
run() { ${TWTUNE_WRAPPER:-} "$TWTUNE" "$@" >out 2>err; RC=$?; }

expect_rc() { # expect_rc N description
        if [ "$RC" -eq "$1" ]; then ok "$2 (exit $1)"; else not_ok "$2: exit $RC, expected $1"; fi
}
expect_out() { # expect_out FIXED-STRING description  (stdout)
        if grep -qF -- "$1" out; then ok "$2"; else not_ok "$2: stdout lacks '$1'"; fi
}
expect_err() {
        if grep -qF -- "$1" err; then ok "$2"; else not_ok "$2: stderr lacks '$1'"; fi
}
expect_no_out() {
        if grep -qF -- "$1" out; then not_ok "$2: stdout has '$1'"; else ok "$2"; fi
}
expect_no_err() {
        if grep -qF -- "$1" err; then not_ok "$2: stderr has '$1'"; else ok "$2"; fi
}
# jq_true FILE [JQ-OPTIONS] EXPR: FILE holds exactly one JSON value and EXPR is true on it.
# (jq -e alone exits 0 on an empty file, whatever the expression.)
jq_true() {
        jq_file=$1
        shift
        [ "$(jq -s length "$jq_file" 2>/dev/null)" = 1 ] && jq -e "$@" "$jq_file" >/dev/null 2>&1
}
expect_json() { # expect_json JQ-EXPR description: the expression must be true on ./out
        if jq_true out "$1"; then ok "$2"; else not_ok "$2: jq '$1' is not true (or stdout is not one JSON value)"; fi
}

# mkroot DIR [KERNEL]: a fake system root with the values of a stock 6.x kernel.
mkroot() {
        r=$1
        mkdir -p "$r/proc/sys/kernel" "$r/proc/sys/net/ipv4" "$r/proc/sys/net/core"
        echo "${2:-6.1.0-18-amd64}" >"$r/proc/sys/kernel/osrelease"
        for kv in tcp_tw_reuse=2 tcp_timestamps=1 tcp_fin_timeout=60 tcp_max_tw_buckets=131072 \
                ip_unprivileged_port_start=1024 tcp_syncookies=1 tcp_max_syn_backlog=2048 tcp_keepalive_time=7200 \
                tcp_keepalive_intvl=75 tcp_keepalive_probes=9 tcp_rfc1337=0 tcp_tw_reuse_delay=1000; do
                echo "${kv#*=}" >"$r/proc/sys/net/ipv4/${kv%%=*}"
        done
        printf '32768\t60999\n' >"$r/proc/sys/net/ipv4/ip_local_port_range"
        echo >"$r/proc/sys/net/ipv4/ip_local_reserved_ports"
        echo 4096 >"$r/proc/sys/net/core/somaxconn"
}

# A digest of every file under a directory, to show that a command changed nothing.
tree_digest() { (cd "$1" && find . -type f -exec md5sum {} + | sort | md5sum); }

# require_tools PACKAGES TOOL...: every TOOL is on PATH, or the whole test is skipped (exit 77)
# with "SKIP: ... not installed; install PACKAGES" (tests/install-deps installs them all); in CI
# (CI set), where .ci/run installs them, a missing tool fails the test instead.
require_tools() {
        rt_pkgs=$1
        shift
        rt_missing=
        for rt_tool; do command -v "$rt_tool" >/dev/null 2>&1 || rt_missing="$rt_missing $rt_tool"; done
        [ -z "$rt_missing" ] && return 0
        if [ -n "${CI:-}" ]; then
                not_ok "missing in CI:$rt_missing (install $rt_pkgs)"
                finish
                exit 1
        fi
        echo "SKIP:$rt_missing not installed; install $rt_pkgs"
        exit 77
}

# require_fault_hook: skip the whole test (exit 77) where the binary was built without the
# TWTUNE_FAULT hook (cmake -DTWTUNE_FAULT_INJECTION=OFF, as the packages are); the suite's build
# has it (tests/CMakeLists.txt passes TWTUNE_FAULT_BUILT).
require_fault_hook() {
        if [ "${TWTUNE_FAULT_BUILT:-1}" != 1 ]; then
                echo "SKIP: built without TWTUNE_FAULT_INJECTION, no fault hook to drive; configure with -DTWTUNE_FAULT_INJECTION=ON"
                exit 77
        fi
}

# skip_part NAME REASON PACKAGE: a part of the test that needs PACKAGE, which is not installed:
# "ok - NAME # SKIP REASON; install PACKAGE", or a failure in CI.
skip_part() {
        if [ -n "${CI:-}" ]; then not_ok "$1: $2 in CI (install $3)"; else ok "$1 # SKIP $2; install $3"; fi
}

# require_ns: skip the whole test (exit 77, a visible SKIP) where the kernel refuses namespaces.
require_ns() {
        if ! unshare -n -m -p --fork --mount-proc true 2>/dev/null; then
                echo "SKIP: unshare -n -m -p --mount-proc refused here (needs root or user namespaces; in a chroot, its root bind-mounted on itself)"
                exit 77
        fi
}

# ns_tally RC SCRIPT: what a script run in namespaces printed (ns.out) counts here, and its exit
# status RC must be 0.
ns_tally() {
        cat ns.out
        PASS=$((PASS + $(grep -c '^ok - ' ns.out)))
        FAIL=$((FAIL + $(grep -c '^not ok - ' ns.out)))
        [ "$1" -eq 0 ] || not_ok "$2 ended with exit $1"
}

# in_ns SCRIPT [ARGS]: runs SCRIPT (sourced, with this library) in new network, mount and PID
# namespaces, with tmpfs over /etc/sysctl.d and /var/lib, so twtune runs with its default paths
# on the real kernel and the host's sysctls and files are never touched. The script's shell is
# PID 1 there, with a /proc of its own, so that twtune takes the namespace for the host's, as it
# would on a host or in a container. Its ok/not ok lines count here.
in_ns() {
        unshare -n -m -p --fork --mount-proc sh -c 'mount -t tmpfs -o mode=0755 tmpfs /etc/sysctl.d &&
                mount -t tmpfs -o mode=0755 tmpfs /var/lib &&
                TWTUNE_INNER=1 . "$SRCDIR/tests/cli/lib.sh" && script=$1 && shift && . "./$script"' sh "$@" >ns.out 2>&1
        ns_tally $? "$1"
}

# The host state a test must leave alone: its sysctl.d, twtune state and some sysctls.
host_state() {
        # -A, not -a: '..' is /etc, whose mtime any package install on the machine changes.
        ls -lA --time-style=full-iso /etc/sysctl.d 2>&1
        ls -lA /var/lib/twtune 2>&1
        cat /proc/sys/net/ipv4/tcp_fin_timeout /proc/sys/net/ipv4/ip_local_port_range /proc/sys/net/core/somaxconn \
                /proc/sys/net/ipv4/tcp_tw_reuse /proc/sys/net/ipv4/tcp_keepalive_time
}

# Hold FILE's lock exclusively for SECONDS in the background (its pid in HOLDER), returning once it
# is held: a fixed sleep before the next step races the holder's start on a loaded machine.
hold_lock() {
        flock -x "$1" sleep "$2" &
        HOLDER=$!
        local i=0
        while flock -n "$1" true 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
}

# Wait (up to 10 s) until a TCP listener holds PORT in this network namespace.
wait_listen() {
        local i=0
        while ! ss -Hltn "sport = :$1" | grep -q . && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
}

finish() {
        echo "$PASS passed, $FAIL failed"
        [ "$FAIL" -eq 0 ]
}

# isolate_boot: inside private mount, network and PID namespaces (this shell PID 1, BOOT_NS_NET
# the network namespace outside), a tmpfs over every sysctl.d directory, /run and /var/lib, and an
# empty private /etc/sysctl.conf, each checked; so twtune, the real systemd-sysctl and
# `sysctl --system` see only what the test writes and can write only per-namespace keys it names.
# Exits 2 when the isolation cannot be set up or checked (nothing has run then).
isolate_boot() {
        ib_die() { echo "isolate_boot: $*" >&2; exit 2; }
        [ $$ -eq 1 ] || ib_die "not PID 1 of a new PID namespace"
        [ -n "${BOOT_NS_NET:-}" ] && [ "$(readlink /proc/self/ns/net)" != "$BOOT_NS_NET" ] ||
                ib_die "not in a new network namespace"
        mount --make-rprivate / 2>/dev/null
        mount -t tmpfs -o mode=0755 twtune-test /run && mkdir -p /run/sysctl.d || ib_die "cannot cover /run"
        mount -t tmpfs -o mode=0755 twtune-test /var/lib || ib_die "cannot cover /var/lib"
        for ib_d in /etc/sysctl.d /usr/lib/sysctl.d /lib/sysctl.d /usr/local/lib/sysctl.d; do
                if [ "$ib_d" = /lib/sysctl.d ] && [ "$(readlink -f /lib/sysctl.d)" = "$(readlink -f /usr/lib/sysctl.d)" ]; then
                        continue # merged /usr: the same directory, covered already
                elif [ -d "$ib_d" ]; then
                        mount -t tmpfs -o mode=0755 twtune-test "$ib_d" || ib_die "cannot cover $ib_d"
                        continue
                fi
                ib_p=${ib_d%/*}
                while [ -n "$ib_p" ] && [ ! -d "$ib_p" ]; do ib_p=${ib_p%/*}; done
                case $ib_p in
                /usr/local/lib | /usr/local) ;;
                /lib | /usr/lib) continue ;; # no such directory: nothing to hide
                *) ib_die "$ib_d is missing and $ib_p is not one to cover" ;;
                esac
                mount -t tmpfs -o mode=0755 twtune-test "$ib_p" && mkdir -p "$ib_d" || ib_die "cannot cover $ib_p"
        done
        if [ -e /etc/sysctl.conf ]; then
                : >/run/sysctl.conf && mount --bind /run/sysctl.conf /etc/sysctl.conf || ib_die "cannot hide /etc/sysctl.conf"
                [ ! -s /etc/sysctl.conf ] || ib_die "/etc/sysctl.conf is not the empty copy"
        fi
        for ib_d in /etc/sysctl.d /run/sysctl.d /usr/lib/sysctl.d /lib/sysctl.d /usr/local/lib/sysctl.d /var/lib; do
                [ ! -d "$ib_d" ] || [ "$(findmnt -n -o SOURCE -T "$ib_d" | tail -n 1)" = twtune-test ] ||
                        ib_die "$ib_d is not on a tmpfs of the test"
                [ ! -d "$ib_d" ] || [ -z "$(ls -A "$ib_d")" ] || ib_die "$ib_d is not empty"
        done
}

# in_boot_ns SCRIPT [ARGS]: like in_ns, with isolate_boot's cover (for tests that run the real
# systemd-sysctl or sysctl --system, or simulate a reboot).
in_boot_ns() {
        BOOT_NS_NET=$(readlink /proc/self/ns/net) && export BOOT_NS_NET
        unshare -n -m -p --fork --mount-proc --propagation private sh -c 'TWTUNE_INNER=1 . "$SRCDIR/tests/cli/lib.sh" &&
                isolate_boot && script=$1 && shift && . "./$script"' sh "$@" >ns.out 2>&1
        ns_tally $? "$1"
}

# boot_values KEY...: "KEY<TAB>VALUE" per key as a boot sets it: the real systemd-sysctl (or, with
# BOOT_TOOL=procps, sysctl --system) run in a fresh network namespace that shares this mount
# namespace (so the sysctl.d hierarchy the test built), with a veth pair v0/v1 created first.
# Only inside isolate_boot.
boot_values() {
        case ${BOOT_TOOL:-systemd} in
        systemd) for bv_t in /lib/systemd/systemd-sysctl /usr/lib/systemd/systemd-sysctl; do [ -x "$bv_t" ] && break; done ;;
        procps) bv_t="sysctl --system" ;;
        esac
        unshare -n sh -c 'ip link add v0 type veth peer name v1 || exit 90
                $0 >/dev/null 2>&1
                for k; do printf "%s\t" "$k"; tr "\t\n" "  " <"/proc/sys/$(echo "$k" | tr . /)"; echo; done' "$bv_t" "$@" |
                sed 's/ *$//'
}
