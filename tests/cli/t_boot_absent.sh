#!/bin/sh
# SPDX-License-Identifier: MIT
# Keys absent at boot. Module keys, against fake roots (no module is ever loaded here): the
# absent-at-boot finding appears exactly when the key's module is neither built into the root's
# kernel (/sys/module/NAME without initstate, modules.builtin) nor loaded before sysctl.d is
# applied (a modules-load.d entry of the hierarchy, by the sysctl.d override rules, or a module
# whose modules.dep entry pulls it in). Interface keys, against the real tools in namespaces
# (boot_diff.py --later): an interface made after the boot gets its sysctl.d keys from udev's
# 99-systemd.rules (systemd-sysctl --prefix) exactly where twtune says interface-added, and never
# under procps, where it says absent-interface. load_modules: true: the modules-load.d file apply
# writes makes the finding go (boot --root as the oracle), follows the persisted file through
# rollback, and agrees with it after a kill at any point and recover.
. "$SRCDIR/tests/cli/lib.sh"

# case NAME: a fresh root with a bridge key and a conntrack key set at boot.
fresh() {
        rm -rf r && mkroot r
        mkdir -p r/etc/sysctl.d r/lib/systemd r/etc/modules-load.d r/usr/lib/modules-load.d r/sys/module \
                r/lib/modules/6.1.0-18-amd64 && : >r/lib/systemd/systemd-sysctl
        printf 'net.bridge.bridge-nf-call-iptables = 1\nnet.netfilter.nf_conntrack_max = 262144\n' >r/etc/sysctl.d/50-k8s.conf
}
# absent KEY: whether boot reports KEY absent-at-boot (and marks the setting so).
absent() {
        run --root r --format json boot
        jq -e --arg k "$1" '([.findings[] | select(.code == "absent-at-boot" and .key == $k)] | length == 1) and
                (.settings[] | select(.key == $k) | .at_boot == "absent-module")' out >/dev/null
}
present() {
        run --root r --format json boot
        jq -e --arg k "$1" '([.findings[] | select(.code == "absent-at-boot" and .key == $k)] | length == 0) and
                (.settings[] | select(.key == $k) | .at_boot == "exists")' out >/dev/null
}
check() { # check absent|present KEY DESCRIPTION
        if "$1" "$2"; then ok "$3"; else not_ok "$3: expected $1 for $2"; fi
}

fresh
check absent net.bridge.bridge-nf-call-iptables "br_netfilter not loaded, not listed: absent at boot"
expect_json '.findings[] | select(.code == "absent-at-boot" and .key == "net.bridge.bridge-nf-call-iptables") | .severity == "warning" and .file == "/etc/sysctl.d/50-k8s.conf" and .line == 1 and (.message | contains("echo br_netfilter > /etc/modules-load.d/br_netfilter.conf"))' "the finding names the module, the line and the fix"
check absent net.netfilter.nf_conntrack_max "nf_conntrack not loaded: absent at boot"

mkdir -p r/sys/module/br_netfilter r/proc/sys/net/bridge && echo live >r/sys/module/br_netfilter/initstate
echo 0 >r/proc/sys/net/bridge/bridge-nf-call-iptables
check absent net.bridge.bridge-nf-call-iptables "br_netfilter loaded now as a module, not listed: still absent at the next boot"
echo br_netfilter >r/etc/modules-load.d/k8s.conf
check present net.bridge.bridge-nf-call-iptables "loaded now and listed in /etc/modules-load.d: present"

fresh
printf '# bridge\nbr-netfilter\n' >r/usr/lib/modules-load.d/bridge.conf
check present net.bridge.bridge-nf-call-iptables "listed (with a dash) in /usr/lib/modules-load.d, not loaded now: present"
ln -s /dev/null r/etc/modules-load.d/bridge.conf
check absent net.bridge.bridge-nf-call-iptables "the same file name masked by /dev/null in /etc: absent"
rm r/etc/modules-load.d/bridge.conf && : >r/etc/modules-load.d/bridge.conf
check absent net.bridge.bridge-nf-call-iptables "masked by an empty file in /etc: absent"
printf 'br_netfilter\n' >r/etc/modules-load.d/bridge.conf.off
check absent net.bridge.bridge-nf-call-iptables "a name not ending in .conf loads nothing"

fresh
mkdir -p r/sys/module/br_netfilter
check present net.bridge.bridge-nf-call-iptables "/sys/module/br_netfilter without initstate (built in): present"
# A key its module does not have (removed in 6.0), the module built in: absent, once the root
# shows the key's directory (a fake root without /proc/sys says nothing).
echo 'net.netfilter.nf_conntrack_helper = 1' >>r/etc/sysctl.d/50-k8s.conf
mkdir -p r/sys/module/nf_conntrack/parameters
check present net.netfilter.nf_conntrack_helper "nf_conntrack built in, no /proc/sys/net/netfilter below the root: nothing said"
mkdir -p r/proc/sys/net/netfilter && echo 262144 >r/proc/sys/net/netfilter/nf_conntrack_max
run --root r --format json boot
expect_json '(.settings[] | select(.key == "net.netfilter.nf_conntrack_helper") | .at_boot == "absent-key") and ([.findings[] | select(.code == "absent-at-boot" and .key == "net.netfilter.nf_conntrack_helper" and (.message | contains("nf_conntrack is in the kernel now")))] | length == 1)' "nf_conntrack built in, the directory there, the key not: absent-key"
check present net.netfilter.nf_conntrack_max "its sibling that exists: present"
echo live >r/sys/module/nf_conntrack/initstate
check absent net.netfilter.nf_conntrack_helper "nf_conntrack loaded now as a module, not listed: absent-module, as before"
fresh
echo 'kernel/net/bridge/br_netfilter.ko' >r/lib/modules/6.1.0-18-amd64/modules.builtin
check present net.bridge.bridge-nf-call-iptables "listed in modules.builtin of the root's kernel: present"

fresh
echo xt_conntrack >r/etc/modules-load.d/nat.conf
check absent net.netfilter.nf_conntrack_max "xt_conntrack listed, no modules.dep to say what it pulls in: nf_conntrack absent"
echo 'kernel/net/netfilter/xt_conntrack.ko.zst: kernel/net/netfilter/nf_conntrack.ko.zst kernel/net/ipv4/netfilter/nf_defrag_ipv4.ko.zst' \
        >r/lib/modules/6.1.0-18-amd64/modules.dep
check present net.netfilter.nf_conntrack_max "modules.dep: xt_conntrack pulls in nf_conntrack: present"

# The kernel loads a congestion control module itself on the write; only a module this kernel lacks fails.
fresh
echo 'net.ipv4.tcp_congestion_control = bbr' >r/etc/sysctl.d/60-cc.conf
check present net.ipv4.tcp_congestion_control "congestion control without modules.dep: nothing known, no finding"
echo 'kernel/net/ipv4/tcp_bbr.ko:' >r/lib/modules/6.1.0-18-amd64/modules.dep
check present net.ipv4.tcp_congestion_control "tcp_bbr in modules.dep: the write loads it"
echo 'kernel/net/ipv4/tcp_htcp.ko:' >r/lib/modules/6.1.0-18-amd64/modules.dep
check absent net.ipv4.tcp_congestion_control "no tcp_bbr in this kernel: the write fails at boot"

# apply and diff say it for the keys twtune persists.
fresh
mkdir -p r/proc/sys/net/bridge r/sys/module/br_netfilter && echo 0 >r/proc/sys/net/bridge/bridge-nf-call-iptables
echo live >r/sys/module/br_netfilter/initstate
rm r/etc/sysctl.d/50-k8s.conf
printf 'name: k8s\nsysctl:\n  net.bridge.bridge-nf-call-iptables: 1\n' >k8s.yaml
run --root r --format json diff k8s.yaml; expect_rc 0 "diff"
expect_json '[.findings[] | select(.code == "absent-at-boot" and .key == "net.bridge.bridge-nf-call-iptables" and .severity == "warning")] | length == 1' "diff warns absent-at-boot for a persisted bridge key"
echo br_netfilter >r/etc/modules-load.d/br_netfilter.conf
run --root r --format json diff k8s.yaml; expect_rc 0 "diff with the modules-load.d entry"
expect_json '[.findings[] | select(.code == "absent-at-boot")] | length == 0' "no absent-at-boot once the module is listed"

# load_modules: true: apply lists the module in /etc/modules-load.d/99-twtune.conf with the persisted
# file, the boot oracle (boot --root) then finds the key present, and rollback takes the file away.
rm r/etc/modules-load.d/br_netfilter.conf
printf 'name: k8s\nload_modules: true\nsysctl:\n  net.bridge.bridge-nf-call-iptables: 1\n  net.netfilter.nf_conntrack_max: 262144\n  net.ipv4.tcp_congestion_control: bbr\n' >k8s-mod.yaml
mkdir -p r/proc/sys/net/netfilter && echo 65536 >r/proc/sys/net/netfilter/nf_conntrack_max && echo cubic >r/proc/sys/net/ipv4/tcp_congestion_control
run --root r --format json check --live k8s-mod.yaml
expect_json '[.findings[] | select(.code == "absent-at-boot")] | length == 0' "check --live: no absent-at-boot for a profile with load_modules"
sed '/^load_modules/d' k8s-mod.yaml >k8s-plain.yaml
run --root r --format json check --live k8s-plain.yaml
expect_json '[.findings[] | select(.code == "absent-at-boot" and .key == "net.bridge.bridge-nf-call-iptables")] | length == 1' "check --live: absent-at-boot for the same profile without it"
run --root r --format json diff k8s-mod.yaml
expect_json '[.findings[] | select(.code == "absent-at-boot")] | length == 0' "diff: no absent-at-boot with load_modules"
run --root r --format json diff k8s-plain.yaml
expect_json '[.findings[] | select(.code == "absent-at-boot") | .key] == ["net.bridge.bridge-nf-call-iptables"]' "diff: absent-at-boot for the bridge key without it (nf_conntrack's key exists with no loadable module: built in)"
echo 'net.bridge.bridge-nf-call-iptables = 1' >r/etc/sysctl.d/50-k8s.conf
run --root r --format json apply --dry-run k8s-mod.yaml; expect_rc 0 "apply --dry-run with load_modules"
expect_json '.modules_file.action == "create" and .modules_file.modules == ["br_netfilter", "nf_conntrack"] and (.modules_file.path | endswith("/etc/modules-load.d/99-twtune.conf"))' "the dry run shows the modules file it would create (no tcp_bbr: the kernel loads it on the write)"
expect_json '[.findings[] | select(.code == "absent-at-boot" and (.file | endswith("99-twtune.conf")))] | length == 0' "the dry run predicts no absent-at-boot for twtune's keys: the boot view sees the modules file it will write"
expect_json '.persist.diff | contains("+# load_modules: br_netfilter nf_conntrack\n")' "the persisted file's diff shows the modules line"
[ ! -e r/etc/modules-load.d/99-twtune.conf ] && ok "the dry run writes nothing" || not_ok "the dry run wrote the modules file"
run --root r --format json boot
expect_json '[.findings[] | select(.code == "absent-at-boot" and .file == "/etc/sysctl.d/50-k8s.conf")] | length == 1' "before the apply, the boot oracle finds the other file's bridge key absent"
run --root r apply k8s-mod.yaml; expect_rc 0 "apply with load_modules"
[ "$(grep -v '^#' r/etc/modules-load.d/99-twtune.conf | tr '\n' ' ')" = "br_netfilter nf_conntrack " ] && ok "the modules file lists the two modules, one a line" || not_ok "modules file: $(cat r/etc/modules-load.d/99-twtune.conf)"
run --root r --format json boot
expect_json '([.findings[] | select(.code == "absent-at-boot")] | length == 0) and ([.settings[] | select(.key == "net.bridge.bridge-nf-call-iptables" or .key == "net.netfilter.nf_conntrack_max") | .at_boot] == ["exists", "exists"])' "after the apply the boot oracle finds both keys present, the other file's too"
run --root r --format json apply k8s-mod.yaml
expect_json '.modules_file.action == "none"' "applied again: the modules file stays"
sed 's/^load_modules: true$/load_modules: false/' k8s-mod.yaml >k8s-nomod.yaml
run --root r --format json apply --dry-run k8s-nomod.yaml
expect_json '.modules_file.action == "remove"' "load_modules: false: the dry run shows the file going"
run --root r rollback; expect_rc 0 "rollback to before twtune"
[ ! -e r/etc/modules-load.d/99-twtune.conf ] && ok "rollback removes the modules file with the persisted file" || not_ok "the modules file is still there after rollback"
run --root r --format json boot
expect_json '[.findings[] | select(.code == "absent-at-boot")] | length == 1' "after the rollback the bridge key is absent at boot again"
run --root r rollback --to 1; expect_rc 0 "rollback to the apply's generation"
[ -e r/etc/modules-load.d/99-twtune.conf ] && ok "rolling forward restores the modules file" || not_ok "the modules file was not restored"
echo 'mine' >r/etc/modules-load.d/99-twtune.conf
run --root r apply k8s-nomod.yaml; expect_rc 0 "apply without load_modules"
[ "$(cat r/etc/modules-load.d/99-twtune.conf)" = mine ] && ok "a modules file that is not twtune's is left alone" || not_ok "a foreign modules file was removed or changed"
printf 'name: x\nload_modules: 3\nsysctl:\n  net.ipv4.tcp_fin_timeout: 30\n' >bad.yaml
run --root r check bad.yaml; expect_rc 3 "load_modules takes a boolean"
expect_out "bad.yaml:2:15: error: 'load_modules' takes true or false" "the error gives file, line and column"

# A kill at every fault point of an apply with load_modules (then recover), and a failure to write
# the modules file: the modules file always agrees with the persisted file (listed there exactly
# when the persisted file names the module), and a failed apply leaves neither.
if [ "${TWTUNE_FAULT_BUILT:-1}" = 1 ]; then
        agree() { # the persisted file names br_netfilter exactly when the modules file lists it
                a=no; b=no
                grep -q '^# load_modules: br_netfilter' r/etc/sysctl.d/99-twtune.conf 2>/dev/null && a=yes
                grep -qx br_netfilter r/etc/modules-load.d/99-twtune.conf 2>/dev/null && b=yes
                [ $a = $b ]
        }
        printf 'name: k8s\nload_modules: true\nsysctl:\n  net.bridge.bridge-nf-call-iptables: 1\n' >k8s-br.yaml
        n=1 killed=0 listed=0
        while [ $n -le 30 ]; do
                fresh
                mkdir -p r/proc/sys/net/bridge && echo 0 >r/proc/sys/net/bridge/bridge-nf-call-iptables
                TWTUNE_FAULT="kill:$n" ${TWTUNE_WRAPPER:-} "$TWTUNE" --root r apply k8s-br.yaml >/dev/null 2>&1
                [ $? -eq 137 ] || break
                killed=$((killed + 1))
                run --root r recover
                [ $RC -eq 0 ] && agree || not_ok "kill at point $n, then recover (exit $RC): the two files disagree"
                [ -e r/etc/modules-load.d/99-twtune.conf ] && listed=$((listed + 1))
                n=$((n + 1))
        done
        [ $killed -ge 5 ] && [ $listed -ge 1 ] && [ $listed -lt $killed ] &&
                ok "killed at $killed points, recovered: the modules file agrees with the persisted file each time ($listed after the commit point)" ||
                not_ok "kills: $killed points, $listed with the file"
        fresh
        mkdir -p r/proc/sys/net/bridge && echo 0 >r/proc/sys/net/bridge/bridge-nf-call-iptables
        TWTUNE_FAULT=fail:modules:1 run --root r apply k8s-br.yaml; expect_rc 4 "the modules file cannot be written: the apply is undone"
        [ ! -e r/etc/sysctl.d/99-twtune.conf ] && [ ! -e r/etc/modules-load.d/99-twtune.conf ] &&
                [ "$(cat r/proc/sys/net/bridge/bridge-nf-call-iptables)" = 0 ] && ok "undone: the key, no persisted file, no modules file" ||
                not_ok "after the failed apply: $(ls r/etc/sysctl.d r/etc/modules-load.d)"
fi

# Interfaces that appear after the boot, against the real tools.
if unshare -n -m -p --fork --mount-proc true 2>/dev/null && command -v python3 >/dev/null && command -v ip >/dev/null; then
        mkdir -p later/etc/sysctl.d
        printf 'net.ipv4.conf.v9a.rp_filter = 2\nnet.ipv4.conf.v9b.log_martians = 1\nnet.ipv4.conf.v0a.accept_redirects = 0\n-net.ipv4.conf.v9b.accept_redirects\nnet.ipv4.conf.v*.accept_redirects = 0\nnet.ipv4.conf.v9?.rp_filter = 1\n' \
                >later/etc/sysctl.d/50-later.conf
        python3 "$SRCDIR/tests/cli/boot_diff.py" --twtune "$TWTUNE" --tree "$PWD/later" --ifaces veth:v0a:v0b \
                --later veth:v9a:v9b >later.out 2>&1
        lrc=$?
        grep '^ok - \|^not ok - ' later.out | sed 's/^\(not \)*ok - /&later interface: /'
        PASS=$((PASS + $(grep -c '^ok - ' later.out)))
        FAIL=$((FAIL + $(grep -c '^not ok - ' later.out)))
        # per tool: the two explicit keys, the v* glob on v9a (v9b is excluded), the v9? glob on v9b (v9a is explicit)
        [ "$(grep -c '^ok - ' later.out)" -eq 8 ] && [ $lrc -eq 0 ] || not_ok "the interface run: exit $lrc, $(grep -v '^ok' later.out | head -5)"
else
        echo "SKIP - namespaces, python3 or ip unavailable: the interface part did not run"
fi
finish
