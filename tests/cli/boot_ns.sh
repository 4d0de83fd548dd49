#!/bin/sh
# SPDX-License-Identifier: MIT
# boot_ns.sh FIXTURE TOOL OUT: `twtune boot` and a real sysctl tool against one fixture tree, in
# fresh network, mount and PID namespaces (unshare -n -m -p --fork --mount-proc), for t_boot.sh.
#
#   FIXTURE  a tree like / with any of etc/sysctl.d/ run/sysctl.d/ usr/local/lib/sysctl.d/
#            usr/lib/sysctl.d/ etc/sysctl.conf (absolute path)
#   TOOL     systemd (systemd-sysctl, no arguments) or procps (sysctl --system)
#   OUT      an existing directory (absolute path) that receives
#              pred.json pred.err pred.rc  twtune --format json boot --rules TOOL, run first
#              before after                every readable file under /proc/sys/net ("path:line",
#                                          one line per line of the file), before and after TOOL
#              tool.out tool.err tool.rc   the tool, under timeout (124: it hung)
#              probe                       per key twtune predicts: "path<TAB>match|absent|writeonly|
#                                          refused|same|accepted<TAB>value"; for a key that does not
#                                          hold the predicted value after the tool ran, whether the
#                                          kernel takes that value when written here (refused: it
#                                          does not; same: it keeps it as it kept the tool's write)
# Exit 0 when everything ran, 2 when the isolation could not be set up or verified (then no tool
# ran), 3 when the fixture needs /etc/sysctl.conf and this host has none to bind over.
#
# Isolation: a tmpfs over every sysctl configuration directory (over /run or /usr/local/lib when
# the directory does not exist here, never over anything else), the fixture copied into them and
# a copy of its etc/sysctl.conf bind-mounted over /etc/sysctl.conf, an empty tmpfs over every
# modules-load.d directory that exists. Before anything runs, the
# script checks that it is PID 1 in new network and mount namespaces, that every directory is on
# one of its tmpfs mounts, and that every key any file there could set is on a short allowlist of
# per-network-namespace net.* keys. Nothing outside the namespaces is written.
set -u
die() { echo "boot_ns: $*" >&2; exit "${2:-2}"; }

if [ "${1:-}" != --inner ]; then
        [ $# -eq 3 ] || die "usage: boot_ns.sh FIXTURE systemd|procps OUT"
        BOOT_NS_NET=$(readlink /proc/self/ns/net) && BOOT_NS_MNT=$(readlink /proc/self/ns/mnt) ||
                die "cannot read this process's namespaces"
        export BOOT_NS_NET BOOT_NS_MNT
        exec unshare -n -m -p --fork --mount-proc --propagation private sh "$0" --inner "$@"
fi
shift
FX=$1 TOOL=$2 OUT=$3
: "${TWTUNE:?}"
export LC_ALL=C
cd "$OUT" || die "no directory $OUT"

[ $$ -eq 1 ] || die "not PID 1 of a new PID namespace"
[ "$(readlink /proc/self/ns/net)" != "$BOOT_NS_NET" ] || die "not in a new network namespace"
[ "$(readlink /proc/self/ns/mnt)" != "$BOOT_NS_MNT" ] || die "not in a new mount namespace"

case $TOOL in
systemd)
        for t in /lib/systemd/systemd-sysctl /usr/lib/systemd/systemd-sysctl ""; do [ -x "$t" ] && break; done
        set -- "$t" ;;
procps)
        t=$(PATH=/usr/sbin:/sbin:/usr/bin:/bin command -v sysctl) || t=
        set -- "$t" --system ;;
*) die "unknown tool $TOOL" ;;
esac
[ -n "$1" ] || die "$TOOL is not installed"

# cover DIR: a tmpfs over DIR, or, where DIR does not exist, over its nearest existing ancestor
# if that is /run, /usr/local/lib or /usr/local (DIR is then made inside the tmpfs).
cover() {
        if [ -d "$1" ]; then
                mount -t tmpfs -o mode=0755 boot-fixture "$1" || die "cannot mount a tmpfs over $1"
                return
        fi
        p=${1%/*}
        while [ -n "$p" ] && [ ! -d "$p" ]; do p=${p%/*}; done
        case $p in
        /run | /usr/local/lib | /usr/local) ;;
        *) die "$1 does not exist and its parent $p is not one to cover" ;;
        esac
        mount -t tmpfs -o mode=0755 boot-fixture "$p" && mkdir -p "$1" || die "cannot cover $p"
}

DIRS="/etc/sysctl.d /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d"
[ -d /etc/sysctl.d ] && [ -d /usr/lib/sysctl.d ] || die "/etc/sysctl.d or /usr/lib/sysctl.d missing"
if [ -e /lib/sysctl.d ] && [ "$(readlink -f /lib/sysctl.d)" != "$(readlink -f /usr/lib/sysctl.d)" ]; then
        DIRS="$DIRS /lib/sysctl.d" # split /usr: a directory of its own
fi
cover /run/sysctl.d # first: covering /run must not hide a later mount
for d in $DIRS; do
        [ "$d" = /run/sysctl.d ] || cover "$d"
done
# This boot loads no module (systemd-modules-load does not run): empty modules-load.d directories,
# so that twtune's at_boot for module keys is judged against the modules the kernel has now.
for d in /etc/modules-load.d /run/modules-load.d /usr/local/lib/modules-load.d /usr/lib/modules-load.d /lib/modules-load.d; do
        [ ! -d "$d" ] || mount -t tmpfs -o mode=0755 boot-fixture "$d" || die "cannot mount a tmpfs over $d"
done
for d in $DIRS; do
        [ -d "$FX$d" ] || continue
        cp -a "$FX$d/." "$d/" || die "cannot copy $FX$d"
done
if [ -e /etc/sysctl.conf ]; then
        rm -f sysctl.conf
        if [ -f "$FX/etc/sysctl.conf" ]; then cp "$FX/etc/sysctl.conf" sysctl.conf; else : >sysctl.conf; fi ||
                die "cannot copy sysctl.conf"
        mount --bind "$OUT/sysctl.conf" /etc/sysctl.conf || die "cannot bind over /etc/sysctl.conf"
        [ "$(stat -L -c %d:%i /etc/sysctl.conf)" = "$(stat -L -c %d:%i sysctl.conf)" ] ||
                die "/etc/sysctl.conf is not the fixture's copy"
        CONF=/etc/sysctl.conf
else
        [ ! -e "$FX/etc/sysctl.conf" ] || die "the fixture has etc/sysctl.conf but this host has none to bind over" 3
        CONF=
fi

# Verify the mounts, then every key the tools could write.
# findmnt -T lists every mount stacked at the mount point, the visible one last: /run is a tmpfs
# of its own on a booted system, and the fixture's goes over it.
for d in $DIRS; do
        [ "$(findmnt -n -o SOURCE -T "$d" | tail -n 1)" = boot-fixture ] || die "$d is not on the fixture's tmpfs"
done
ALLOW='^net\.ipv4\.(tcp_(fin_timeout|keepalive_time|keepalive_intvl|keepalive_probes|syn_retries|synack_retries|retries2|syncookies|rmem|wmem)|ip_local_port_range|ping_group_range|conf\.[][A-Za-z0-9_*?!]+\.(rp_filter|accept_redirects|log_martians)|nonexistent[a-z0-9_]*)$|^net\.core\.somaxconn$'
# BOOT_NS_ALLOW=net (t_boot_real.sh, the real files): any net.* key. This namespace shows only
# the per-namespace net tables; the global ones exist in the initial namespace alone.
if [ "${BOOT_NS_ALLOW:-}" = net ]; then ALLOW='^net\.'; fi
BOM=$(printf '\357\273\277')
# shellcheck disable=SC2086 # DIRS is a list
refused=$(find -L $DIRS $CONF -type f 2>/dev/null | while IFS= read -r f; do
        # systemd also ends a line at CR and NUL; the key is what precedes the first '='.
        tr '\r\000' '\n\n' <"$f" | sed -e "s/$BOM//g" -e 's/^[[:blank:]]*//' -e '/^[#;]/d' -e 's/=.*//' \
                -e 's/^-//' -e 's/^[[:blank:]]*//' -e 's/[[:blank:]]*$//' -e '/^$/d' |
                tr '/' '.' | sed -e 's/\.\.*/./g' -e 's/^\.//' -e 's/\.$//' | grep -Ev "$ALLOW" | sed "s|^|$f: |"
done)
[ -z "$refused" ] || die "keys not on the per-netns allowlist: $refused"

snap() { find /proc/sys/net -type f -readable -exec grep -H -s '' {} + | sort; }

${TWTUNE_WRAPPER:-} "$TWTUNE" --format json boot --rules "$TOOL" >pred.json 2>pred.err
echo $? >pred.rc
snap >before
env -u CREDENTIALS_DIRECTORY SYSTEMD_LOG_TARGET=console SYSTEMD_LOG_LEVEL=debug SYSTEMD_LOG_COLOR=0 \
        timeout -k 2 10 "$@" </dev/null >tool.out 2>tool.err
echo $? >tool.rc
snap >after

# norm VALUE: blanks collapsed to one space, trimmed.
norm() { (set -f && set -- $1 && printf '%s' "$*"); }
jq -r '.settings[]? | [(.key | split("") | map(if . == "." then "/" elif . == "/" then "." else . end) | join("")),
        .value] | join("\t")' pred.json | while IFS="$(printf '\t')" read -r path value; do
        f=/proc/sys/$path
        if [ ! -e "$f" ]; then
                r=absent
        elif ! cur=$(cat "$f" 2>/dev/null); then
                r=writeonly
        elif [ "$(norm "$cur")" = "$(norm "$value")" ]; then
                r=match
        elif (printf '%s\n' "$value" >"$f") 2>/dev/null; then
                # The kernel may keep a written value its own way (milliseconds as jiffies): the
                # prediction is right if writing it leaves what the tool's write left.
                if [ "$(norm "$(cat "$f")")" = "$(norm "$cur")" ]; then r=same; else r=accepted; fi
        else
                r=refused
        fi
        printf '%s\t%s\t%s\n' "$path" "$r" "$value"
done >probe
exit 0
