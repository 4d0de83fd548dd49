# SPDX-License-Identifier: MIT
# packaging/kubernetes cannot rot silently: the manifests parse and hold together
# (k8s_manifests.py), the ConfigMap's profile checks and diffs, and the DaemonSet's and the Job's
# own commands run as written against a fake root: the init container's apply, the verify loop
# and its probes (in sync, on drift, re-applying, stale), and the rollback Job. The Dockerfile's
# install paths, options and runtime library are those of this tree's install.
. "$SRCDIR/tests/cli/lib.sh"
K=$SRCDIR/packaging/kubernetes
require_tools python3 python3
mkdir m
python3 "$SRCDIR/tests/cli/k8s_manifests.py" "$K" m >py.out 2>&1
py_rc=$?
cat py.out
[ "$py_rc" -eq 77 ] && exit 77
PASS=$((PASS + $(grep -c '^ok - ' py.out)))
FAIL=$((FAIL + $(grep -c '^not ok - ' py.out)))
[ "$py_rc" -eq 0 ] || { not_ok "k8s_manifests.py exit $py_rc"; finish; exit 1; }

# A node: the profile's keys at a stock kernel's values; nf_conntrack not loaded (optional key).
mkroot R 6.1.0-18-amd64
mkdir -p R/proc/sys/fs/inotify
echo 1000 >R/proc/sys/net/core/netdev_max_backlog
echo 212992 >R/proc/sys/net/core/rmem_max
echo 212992 >R/proc/sys/net/core/wmem_max
echo 128 >R/proc/sys/fs/inotify/max_user_instances
ROOTDIR=$PWD/R

# The ConfigMap's profile.
run --kernel 6.1 --format json check m/profile.yaml; expect_rc 0 "profile: check"
expect_json '.summary == {"error": 0, "warning": 0, "info": 0}' "profile: no finding"
run --kernel 6.1 check --k8s-safe m/profile.yaml; expect_rc 0 "profile: check --k8s-safe"
run --root R diff m/profile.yaml; expect_rc 0 "profile: diff on the node"
expect_out "net.core.somaxconn" "diff: somaxconn"
expect_out "nf_conntrack_max" "diff: the optional conntrack key, skipped"

# here FILE: FILE with the pod's paths made this test's: the ConfigMap's mount (/etc/twtune)
# is ./m, where the profile was extracted, and the emptyDir /run/twtune is ./run.
here() { sed "s|/etc/twtune/|$PWD/m/|g; s|/run/twtune|$PWD/run|g" "$1"; }

# cmd FILE: the manifest's command, one argument a line; the first must be twtune.
cmd_run() {
        set -- $(here "$1")
        [ "$1" = twtune ] || { not_ok "command of $1 is not twtune"; return; }
        shift
        run --root R "$@"
}

# The init container: apply, as written.
cmd_run m/apply.cmd; expect_rc 0 "init container: $(tr '\n' ' ' <m/apply.cmd)"
[ -f R/etc/sysctl.d/99-twtune.conf ] && ok "persisted to the node's /etc/sysctl.d" || not_ok "no 99-twtune.conf"
[ "$(cat R/proc/sys/net/core/somaxconn)" = 8192 ] && ok "somaxconn applied" || not_ok "somaxconn not applied"
cmd_run m/apply.cmd; expect_rc 0 "init container again (a pod restart)"
expect_out "nothing to change" "a second apply changes nothing"

# The verify loop, as written, with twtune pointed at the fake root and /run/twtune here.
mkdir bin run
printf '#!/bin/sh\nexec ${TWTUNE_WRAPPER:-} "$TWTUNE" --root "$ROOTDIR" "$@"\n' >bin/twtune
chmod +x bin/twtune
export TWTUNE ROOTDIR
[ -n "${TWTUNE_WRAPPER:-}" ] && export TWTUNE_WRAPPER
here m/verify.sh >verify.sh
probe() { sh -c "$(here "m/$1.cmd" | sed -n 3p)"; }
# wait_rc X: until the loop has recorded X (a bounded wait for a slow run, not a timed check).
wait_rc() {
        i=0
        while [ "$(cat run/verify.rc 2>/dev/null)" != "$1" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
        [ "$(cat run/verify.rc 2>/dev/null)" = "$1" ]
}
# loop REAPPLY: starts the loop every second, as the manifest's env would, but for the interval.
loop() {
        rm -f run/verify.rc
        env $(grep -v '^TWTUNE_VERIFY_INTERVAL=' m/env | sed "s/^TWTUNE_REAPPLY_ON_DRIFT=.*/TWTUNE_REAPPLY_ON_DRIFT=$1/") \
                TWTUNE_VERIFY_INTERVAL=1 PATH="$PWD/bin:$PATH" sh verify.sh >>loop.log 2>&1 &
        LOOP=$!
}
stop() {
        kill -TERM "$LOOP"
        wait "$LOOP"
        [ $? -eq 0 ] && ok "the loop ends on SIGTERM, exit 0" || not_ok "the loop did not end well on SIGTERM"
}
grep -q '^TWTUNE_REAPPLY_ON_DRIFT=false$' m/env && ok "re-apply on drift is off by default" || not_ok "re-apply default"

loop false
wait_rc 0 && ok "verify loop: in sync, exit 0 recorded" || not_ok "verify loop: no 0 recorded"
probe ready && ok "readiness: Ready in sync" || not_ok "readiness: not Ready in sync"
TWTUNE_VERIFY_INTERVAL=300 probe alive && ok "liveness: alive" || not_ok "liveness: not alive"
echo 100 >R/proc/sys/net/core/somaxconn
wait_rc 1 && ok "verify loop: drift, exit 1 recorded" || not_ok "verify loop: drift not recorded"
probe ready && not_ok "readiness: Ready on drift" || ok "readiness: NotReady on drift"
TWTUNE_VERIFY_INTERVAL=300 probe alive && ok "liveness: drift is no reason to restart" || not_ok "liveness fails on drift"
stop
grep -q 'twtune verify: exit 1' loop.log && ok "the log says exit 1" || not_ok "no exit 1 in the log"
grep -q 'net.core.somaxconn' loop.log && ok "the log names the drifted key" || not_ok "the key is not in the log"
[ "$(cat R/proc/sys/net/core/somaxconn)" = 100 ] && ok "drift left alone by default" || not_ok "drift was changed"
touch -d '2 hours ago' run/verify.rc
TWTUNE_VERIFY_INTERVAL=300 probe alive && not_ok "liveness: a stale result is alive" || ok "liveness: a stale result is not"

loop true
wait_rc 0 && ok "re-apply on drift: back in sync" || not_ok "re-apply on drift: not in sync"
stop
[ "$(cat R/proc/sys/net/core/somaxconn)" = 8192 ] && ok "re-apply restored somaxconn" || not_ok "somaxconn not restored"
grep -q 'twtune apply: exit 0' loop.log && ok "the log has the re-apply" || not_ok "no re-apply in the log"

# The rollback Job, as written: back to before twtune, file removed.
cmd_run m/rollback.cmd; expect_rc 0 "rollback Job: $(tr '\n' ' ' <m/rollback.cmd)"
[ ! -e R/etc/sysctl.d/99-twtune.conf ] && ok "rollback removed 99-twtune.conf" || not_ok "99-twtune.conf still there"
[ "$(cat R/proc/sys/net/core/somaxconn)" = 4096 ] && [ "$(cat R/proc/sys/net/core/netdev_max_backlog)" = 1000 ] &&
        ok "rollback restored the values from before twtune" || not_ok "values not restored"

# Rendering (offline): the profile changes -> the generated ConfigMap's name changes -> the pod
# template changes (a rollout); the previous template still names the previous ConfigMap, whose
# content is the previous profile (what `kubectl rollout undo` mounts again).
# objs FILE: the rendered objects as sorted JSON lines, to compare renderings.
objs() { python3 -c 'import json, sys, yaml
for o in sorted(yaml.safe_load_all(open(sys.argv[1])), key=lambda o: (o["kind"], o["metadata"]["name"])):
    print(json.dumps(o, sort_keys=True))' "$1"; }
KUST=
if command -v kustomize >/dev/null; then KUST="kustomize build"; elif command -v kubectl >/dev/null; then KUST="kubectl kustomize"; fi
if [ -n "$KUST" ]; then
        $KUST "$K" >real.yaml 2>real.err && ok "$KUST renders the manifests" || not_ok "$KUST: $(cat real.err)"
        if [ "$(objs real.yaml)" = "$(objs m/rendered.yaml)" ]; then ok "$KUST and this test render the same objects (the ConfigMap's hash name too)"
        else not_ok "$KUST renders otherwise:"; objs m/rendered.yaml >a.json; objs real.yaml >b.json; diff a.json b.json | cut -c1-300 | sed 's/^/#   /'; fi
else
        echo "# neither kustomize nor kubectl installed: the rendering is k8s_manifests.py's alone"
fi
cp -r "$K" k2
# (a value changed and a key added; an at_least key would stay raised after an undo, as the
# previous profile asks only for at least its value)
sed -i 's/net.ipv4.tcp_syncookies: 1/net.ipv4.tcp_syncookies: 2\n  net.ipv4.tcp_fin_timeout: 30/' k2/profile.yaml
python3 "$SRCDIR/tests/cli/k8s_manifests.py" --render k2 v2.yaml && ok "the changed profile renders" || not_ok "render of the changed profile"
cm1=$(objs m/rendered.yaml | jq -r 'select(.kind == "ConfigMap") | .metadata.name')
cm2=$(objs v2.yaml | jq -r 'select(.kind == "ConfigMap") | .metadata.name')
[ -n "$cm1" ] && [ -n "$cm2" ] && [ "$cm1" != "$cm2" ] && ok "a changed profile gets a new ConfigMap name ($cm1 -> $cm2)" || not_ok "ConfigMap names: '$cm1' '$cm2'"
ds1=$(objs m/rendered.yaml | jq -c 'select(.kind == "DaemonSet") | .spec.template')
ds2=$(objs v2.yaml | jq -c 'select(.kind == "DaemonSet") | .spec.template')
[ "$ds1" != "$ds2" ] && ok "so the pod template changes: applying it rolls the DaemonSet" || not_ok "the pod template did not change"
[ "$(printf "%s\n" "$ds2" | sed "s/$cm2/$cm1/g")" = "$ds1" ] && ok "and only by the ConfigMap's name" || not_ok "the templates differ by more than the name"
printf "%s\n" "$ds1" | jq -e --arg n "$cm1" '[.spec.volumes[] | select(.configMap) | .configMap.name] == [$n]' >/dev/null &&
        ok "the previous template (what rollout undo restores) names the previous ConfigMap" || not_ok "previous template's volume"
# Undo on a node: the new profile's init container, then the previous one's (the undone pod).
objs v2.yaml | jq -j 'select(.kind == "ConfigMap") | .data["profile.yaml"]' >v2-profile.yaml
objs m/rendered.yaml | jq -j 'select(.kind == "ConfigMap") | .data["profile.yaml"]' >v1-profile.yaml
cmp -s v1-profile.yaml m/profile.yaml && ok "(the previous ConfigMap holds the previous profile)" || not_ok "previous ConfigMap's profile differs"
run --root R apply --wait 60 "$PWD/v1-profile.yaml"; before_v2=$(cat R/proc/sys/net/ipv4/tcp_syncookies R/proc/sys/net/ipv4/tcp_fin_timeout; md5sum <R/etc/sysctl.d/99-twtune.conf)
run --root R apply --wait 60 "$PWD/v2-profile.yaml"; expect_rc 0 "node: the new profile's init container"
[ "$(cat R/proc/sys/net/ipv4/tcp_syncookies R/proc/sys/net/ipv4/tcp_fin_timeout | tr '\n' ' ')" = "2 30 " ] && ok "node: the new values" || not_ok "node: new values not applied"
run --root R apply --wait 60 "$PWD/v1-profile.yaml"; expect_rc 0 "node: after rollout undo, the previous profile's init container"
[ "$(cat R/proc/sys/net/ipv4/tcp_syncookies R/proc/sys/net/ipv4/tcp_fin_timeout; md5sum <R/etc/sysctl.d/99-twtune.conf)" = "$before_v2" ] &&
        ok "node: the previous values and file are back (the key only the new profile set, too)" || not_ok "node: not as before the new profile"
cmd_run m/rollback.cmd

# The Dockerfile: its cmake options exist, what it copies is where this tree installs it, the
# runtime package it installs holds the library twtune needs, and its check runs.
D=$K/Dockerfile
for o in $(grep -o -- '-D[A-Z_]*=' "$D" | sed 's/^-D//; s/=$//' | sort -u); do
        case $o in
        CMAKE_*) ok "Dockerfile: -D$o (CMake's own)" ;;
        *) grep -q "option($o " "$SRCDIR/CMakeLists.txt" && ok "Dockerfile: -D$o is an option" || not_ok "Dockerfile: -D$o unknown" ;;
        esac
done
if command -v cmake >/dev/null; then
        DESTDIR=$PWD/inst cmake --install "$(dirname "$TWTUNE")" --prefix /usr >install.log 2>&1 &&
                ok "cmake --install with prefix /usr" || not_ok "cmake --install failed"
        for p in $(sed -n 's|^COPY --from=build /out\(/[^ ]*\) .*|\1|p' "$D"); do
                [ -e "inst$p" ] && ok "Dockerfile copies $p, which the install has" || not_ok "Dockerfile copies $p: not installed"
        done
        check=$(sed -n 's/^RUN \(twtune .*\)/\1/p' "$D")
        set -- $check
        shift
        ${TWTUNE_WRAPPER:-} inst/usr/sbin/twtune "$@" >inst.txt 2>&1 && ok "the image's own check: $check" ||
                { not_ok "the image's own check failed: $check"; cat inst.txt; }
        lib=$(ldd inst/usr/sbin/twtune 2>/dev/null | awk '/libyaml/ {print $3}')
        if [ -n "$lib" ] && command -v dpkg >/dev/null && pkg=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null); then
                pkg=${pkg%%:*}
                grep -q "install -y --no-install-recommends $pkg" "$D" && ok "runtime stage installs $pkg ($lib)" ||
                        not_ok "runtime stage lacks $pkg, which holds $lib"
        else
                echo "# libyaml's package not found through ldd and dpkg: not compared"
        fi
fi
finish
