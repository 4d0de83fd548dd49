#!/bin/sh
# SPDX-License-Identifier: MIT
# `twtune boot` against the real tools. For every fixture under tests/data/boot and for each of
# systemd-sysctl and procps' `sysctl --system`, boot_ns.sh runs, in one fresh network, mount and
# PID namespace with the fixture over every sysctl configuration directory: twtune's prediction
# (`--format json boot --rules TOOL`, root "/": the fixture and this namespace's /proc/sys), a
# snapshot of /proc/sys/net, the tool (under a timeout), another snapshot. Then, here:
#   - every key whose value the tool changed was predicted by twtune, with that value;
#   - every key twtune predicts holds the predicted value afterwards, or the tool could not have
#     set it: the key does not exist in the namespace, or the kernel refuses the value (boot_ns.sh
#     wrote it again itself and got an error) and the tool reported the failure for that key;
#   - each documented exception (EXCEPTIONS) happens exactly as documented, and only there.
# Values compare whitespace-normalised (tokens joined by one space). The rules were observed
# with systemd 252 and procps-ng 4.0.2; see tests/data/boot/README.md.
. "$SRCDIR/tests/cli/lib.sh"
require_ns

DATA=$SRCDIR/tests/data/boot
US=$(printf '\037') # field separator: unlike a tab, it keeps empty fields apart

# Where the tools disagree with twtune's prediction, by design: "FIXTURE TOOL PATH" (PATH below
# /proc/sys). None today: the two there were (07b-order-propagation and 09c2-glob-exclude-star, the
# kernel copying a write to conf/default to devices never written) are modelled since boot replays
# the writes (tests/data/boot/README.md), and checked like any other key.
EXCEPTIONS=""

SYSTEMD_SYSCTL=
for t in /lib/systemd/systemd-sysctl /usr/lib/systemd/systemd-sysctl; do
        [ -x "$t" ] && SYSTEMD_SYSCTL=$t && break
done
PROCPS_SYSCTL=$(PATH=/usr/sbin:/sbin:$PATH command -v sysctl) || PROCPS_SYSCTL=
[ -n "$PROCPS_SYSCTL" ] && "$PROCPS_SYSCTL" --version 2>&1 | grep -q procps || PROCPS_SYSCTL=
[ -z "$SYSTEMD_SYSCTL" ] || echo "# $SYSTEMD_SYSCTL: $("$SYSTEMD_SYSCTL" --version | head -1)"
[ -z "$PROCPS_SYSCTL" ] || echo "# $PROCPS_SYSCTL: $("$PROCPS_SYSCTL" --version 2>&1 | head -1)"
TOOLS=
if [ -n "$SYSTEMD_SYSCTL" ]; then TOOLS=systemd; else skip_part systemd "systemd-sysctl is not installed" systemd; fi
if [ -n "$PROCPS_SYSCTL" ]; then TOOLS="$TOOLS procps"; else skip_part procps "procps' sysctl is not installed" procps; fi

# The host must not notice: its configuration, state and the values of every key the fixtures use.
HOST_KEYS="net/ipv4/tcp_fin_timeout net/ipv4/tcp_keepalive_time net/ipv4/tcp_keepalive_intvl
net/ipv4/tcp_keepalive_probes net/ipv4/tcp_syn_retries net/ipv4/tcp_synack_retries net/ipv4/tcp_retries2
net/ipv4/tcp_syncookies net/ipv4/ip_local_port_range net/core/somaxconn net/ipv4/tcp_rmem net/ipv4/tcp_wmem
net/ipv4/ping_group_range"
host_values() {
        host_state
        ls -lA --time-style=full-iso /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d /etc/sysctl.conf 2>&1
        for k in $HOST_KEYS; do echo "$k $(cat "/proc/sys/$k")"; done
        grep -H '' /proc/sys/net/ipv4/conf/*/rp_filter /proc/sys/net/ipv4/conf/*/accept_redirects \
                /proc/sys/net/ipv4/conf/*/log_martians 2>&1
}
host_values >host.before

mkdir fx runs
if [ "${BOOT_FIXTURES:-data}" = real ]; then
        # t_boot_real.sh: hierarchies nobody wrote for this suite, made of the real files
        # (tests/data/real/). Each file's net.* lines, byte for byte (CRLF, inline comments,
        # globs, slash keys, '-' prefixes, duplicates as written), are a fixture of their own,
        # and all of them together are one more, spread over three directories in their corpus
        # order, where the same keys meet across files. Only net.* lines: a fresh network
        # namespace shows only the per-namespace net tables (the global ones, such as
        # net.core.netdev_max_backlog or net.ipv4.tcp_mem, exist in the initial namespace alone,
        # and nf_conntrack_max is read-only elsewhere), so nothing the tools write leaves it;
        # boot_ns.sh checks every key again (BOOT_NS_ALLOW=net).
        export BOOT_NS_ALLOW=net
        i=0 CR=$(printf '\r')
        for f in "$SRCDIR"/tests/data/real/*.conf; do
                name=${f##*/} fx=real-${name%%-*}
                case $((i % 3)) in 0) dir=etc/sysctl.d ;; 1) dir=usr/lib/sysctl.d ;; 2) dir=run/sysctl.d ;; esac
                i=$((i + 1))
                grep -qE '^[[:space:]]*-?[[:space:]]*net[./]' "$f" || continue
                # With the comments and blank lines among them (whole files, 62 on), commented-out
                # net.* settings included: the tools and twtune must all pass them over.
                grep -E "^[[:space:]]*(-?[[:space:]]*net[./]|[#;]|$CR?\$)" "$f" >lines
                mkdir -p "fx/$fx/etc/sysctl.d" "fx/real-all/$dir"
                cp lines "fx/$fx/etc/sysctl.d/$name" && cp lines "fx/real-all/$dir/$name" || not_ok "cannot copy $name"
        done
        echo "# $(ls fx | wc -l) fixtures from $i real files"
else
        # A copy of each fixture, with the files its gen.sh makes (too large to commit).
        for f in "$DATA"/*/; do
                f=${f%/}
                cp -a "$f" fx/ || not_ok "cannot copy $f"
                if [ -f "fx/${f##*/}/gen.sh" ]; then (cd "fx/${f##*/}" && sh ./gen.sh) || not_ok "${f##*/}: gen.sh failed"; fi
        done
fi

# snapmap SNAPSHOT: "path US value" per file below /proc/sys, its lines joined, blanks collapsed.
snapmap() {
        awk -v us="$US" '{ i = index($0, ":"); p = substr($0, 11, i - 11); v = substr($0, i + 1)
                if (p in val) val[p] = val[p] " " v; else { val[p] = v; order[++n] = p } }
                END { for (j = 1; j <= n; j++) { v = val[order[j]]; gsub(/[ \t]+/, " ", v); sub(/^ /, "", v)
                        sub(/ $/, "", v); print order[j] us v } }' "$1"
}
# lookup FILE PATH: the second field of PATH's line in FILE; fails if there is none.
lookup() { awk -F "$US" -v p="$2" '$1 == p { print $2; f = 1; exit } END { exit !f }' "$1"; }

# tool_reported TOOL PATH KEY DIR: whether the tool said that writing KEY failed.
tool_reported() {
        case $1 in
        systemd) grep -F "Couldn't write '" "$4/tool.err" | grep -qF "' to '$2'" ;;
        procps) grep -qF "setting key \"$3\"" "$4/tool.err" ;;
        esac
}

is_exception() { echo "$EXCEPTIONS" | grep -qx "$1 $2 $3"; }

# propagated DIR NAME PATH KEY: the documented exception: PATH changed, to the value twtune
# predicts for the same knob of conf/default.
propagated() {
        knob=${3##*/}
        pd=$(lookup "$1/pred.map" "net/ipv4/conf/default/$knob") || pd="(nothing)"
        b=$(lookup "$1/before.map" "$3") a=$(lookup "$1/after.map" "$3")
        p=$(lookup "$1/pred.map" "$3") || p="nothing"
        if [ "$a" = "$pd" ] && [ "$a" != "$b" ]; then
                ok "$2: $4 $b -> $a, the value of conf.default.$knob, where twtune predicts $p (documented exception: the kernel copies conf/default to devices never written)"
        else
                not_ok "$2: documented exception: $4 should change from $b to conf.default.$knob's predicted $pd (kernel propagation); it went to $a, twtune predicts $p"
        fi
}

# check_presence: twtune's at_boot for every key, against whether the key exists when the tool
# ran here. This boot runs no modules-load.d: it is right only for a module that is not loaded now
# as a loadable module (no /sys/module/NAME/initstate), whose keys exist now exactly when it is
# built in.
check_presence() {
        if [ -n "$mod" ] && [ -e "/sys/module/$mod/initstate" ]; then
                nloaded=$((nloaded + 1))
                return
        fi
        case $at in
        exists) [ -z "$mod" ] || nmod=$((nmod + 1)) ;;
        absent-module | absent-key | interface-added | absent-interface) nabsentsaid=$((nabsentsaid + 1)) ;;
        *) not_ok "$name: $key: unknown at_boot '$at'"; return ;;
        esac
        case $at/$st in
        exists/absent)
                not_ok "$name: $key: twtune says it exists at boot${mod:+ ($mod built in or loaded)}, but it does not exist here" ;;
        exists/*) ;;
        */absent) ;;
        *) not_ok "$name: $key: twtune says $at at boot${mod:+ ($mod)}, but the key exists here ($st)" ;;
        esac
}

check_run() { # FIXTURE TOOL DIR
        fx=$1 tool=$2 d=$3 name="$1/$2" fail0=$FAIL used= reported=
        if [ "$(cat "$d/pred.rc")" != 0 ] ||
                ! jq_true "$d/pred.json" --arg t "$tool" '.command == "boot" and .rules == $t and .root == "/"'; then
                not_ok "$name: twtune boot failed: $(head -c 400 "$d/pred.err")"
                return
        fi
        rc=$(cat "$d/tool.rc")
        [ "$rc" != 124 ] && [ "$rc" != 137 ] || { not_ok "$name: the tool hung (killed by timeout)"; return; }
        jq -r --arg us "$US" 'def path: split("") | map(if . == "." then "/" elif . == "/" then "." else . end) | join("");
                .settings[] | [(.key | path), (.value | gsub("[ \t]+"; " ") | ltrimstr(" ") | rtrimstr(" ")),
                .key, .at_boot, (.module // "")] | join($us)' "$d/pred.json" >"$d/pred.map"
        snapmap "$d/before" >"$d/before.map"
        snapmap "$d/after" >"$d/after.map"
        tr '\t' "$US" <"$d/probe" >"$d/probe.map"
        awk -F "$US" -v us="$US" 'NR == FNR { b[$1] = $2; next }
                { if (!($1 in b)) print $1 us "(none)" us $2; else if (b[$1] != $2) print $1 us b[$1] us $2; delete b[$1] }
                END { for (p in b) print p us b[p] us "(none)" }' "$d/before.map" "$d/after.map" >"$d/changed"
        nchanged=0 npred=0 nabsent=0 nrefused=0 nsame=0 nwo=0 nmod=0 nabsentsaid=0 nloaded=0

        # Every change was predicted, with its value.
        while IFS=$US read -r path b a; do
                nchanged=$((nchanged + 1))
                key=$(echo "$path" | tr './' '/.')
                if p=$(lookup "$d/pred.map" "$path"); then
                        [ "$p" = "$a" ] && continue
                        [ "$(lookup "$d/probe.map" "$path")" = same ] && continue # checked below
                else
                        p=
                fi
                if is_exception "$fx" "$tool" "$path"; then
                        case " $used " in *" $path "*) ;; *) used="$used $path" && propagated "$d" "$name" "$path" "$key" ;; esac
                elif [ -n "$p" ]; then
                        not_ok "$name: $key changed $b -> $a, but twtune predicts '$p'"
                        reported="$reported $path"
                else
                        not_ok "$name: $key changed $b -> $a, and twtune predicts nothing for it"
                fi
        done <"$d/changed"

        # Every prediction holds, or the tool could not have set it.
        while IFS=$US read -r path v key at mod; do
                npred=$((npred + 1))
                a=$(lookup "$d/after.map" "$path") || a="(absent)"
                st=$(lookup "$d/probe.map" "$path") || st="(no probe)"
                check_presence
                case $st in
                match)
                        [ "$a" = "$v" ] || not_ok "$name: $key holds '$a' in the snapshot but '$v' when read again"
                        ;;
                same)
                        nsame=$((nsame + 1))
                        ok "$name: $key = '$v' is predicted; the kernel keeps it as '$a', as it kept the tool's write"
                        ;;
                writeonly)
                        if tool_reported "$tool" "$path" "$key" "$d"; then
                                not_ok "$name: $key = '$v' is predicted, but the tool reported that writing it failed"
                        else
                                nwo=$((nwo + 1))
                                ok "$name: $key = '$v' is predicted; the key is write-only and the tool wrote it"
                        fi
                        ;;
                absent)
                        if [ "$a" = "(absent)" ]; then
                                nabsent=$((nabsent + 1))
                                ok "$name: $key = '$v' is predicted; the key does not exist here, so no tool can set it"
                        else
                                not_ok "$name: $key vanished after the snapshot"
                        fi
                        ;;
                refused)
                        if tool_reported "$tool" "$path" "$key" "$d"; then
                                nrefused=$((nrefused + 1))
                                ok "$name: $key = '$v' is predicted; the kernel refuses it (kept '$a') and the tool reported the failure"
                        else
                                not_ok "$name: the kernel refuses $key = '$v' (kept '$a'), but the tool did not report a failure for it"
                        fi
                        ;;
                accepted)
                        if is_exception "$fx" "$tool" "$path"; then
                                case " $used " in *" $path "*) ;; *) used="$used $path" && propagated "$d" "$name" "$path" "$key" ;; esac
                        else
                                case " $reported " in
                                *" $path "*) ;; # said above
                                *) not_ok "$name: $key holds '$a' after the tool, twtune predicts '$v' (which the kernel takes)" ;;
                                esac
                        fi
                        ;;
                *) not_ok "$name: $key: no probe result ($st)" ;;
                esac
        done <"$d/pred.map"

        for e in $(echo "$EXCEPTIONS" | awk -v f="$fx" -v t="$tool" '$1 == f && $2 == t { print $3 }'); do
                case " $used " in *" $e "*) ;; *) not_ok "$name: the documented exception for $e did not happen" ;; esac
        done
        nexc=$(echo $used | wc -w)
        if [ "$FAIL" -eq "$fail0" ]; then
                ok "$name: $nchanged value(s) changed, as predicted or documented; $npred prediction(s): $((npred - nabsent - nrefused - nsame - nwo)) in place or documented, $nabsent for absent keys, $nrefused refused by the kernel, $nsame kept as the kernel rounds them, $nwo write-only; $nexc documented exception(s); presence: $nmod module key(s) there, $nabsentsaid said absent and absent, $nloaded of modules loaded now not judged (tool exit $rc)"
        fi
}

# The namespaces, two at a time; then the checks, in order.
jobs=0
for f in fx/*/; do
        fx=${f%/} fx=${fx#fx/}
        for tool in $TOOLS; do
                mkdir "runs/$fx.$tool"
                sh "$SRCDIR/tests/cli/boot_ns.sh" "$PWD/fx/$fx" "$tool" "$PWD/runs/$fx.$tool" \
                        >"runs/$fx.$tool/ns.out" 2>"runs/$fx.$tool/ns.err" &
                jobs=$((jobs + 1))
                [ $((jobs % 2)) -eq 0 ] && wait
        done
done
wait
for f in fx/*/; do
        fx=${f%/} fx=${fx#fx/}
        for tool in $TOOLS; do
                d=runs/$fx.$tool
                if [ ! -f "$d/probe" ]; then
                        if grep -q "has etc/sysctl.conf but this host has none" "$d/ns.err"; then
                                ok "$fx/$tool # SKIP this host has no /etc/sysctl.conf to bind the fixture's over"
                        else
                                not_ok "$fx/$tool: the isolated run did not complete: $(cat "$d/ns.err")"
                        fi
                        continue
                fi
                check_run "$fx" "$tool" "$d"
        done
done

host_values >host.after
if cmp -s host.before host.after; then ok "the host's configuration and values are unchanged"; else
        not_ok "the host changed: $(diff host.before host.after | head -20)"
fi
finish
