# SPDX-License-Identifier: MIT
# The second hardening review (issue 20): what a hostile file name, directory, profile value or
# interface name can do. One section per defect, numbered as in the issue; each failed before its
# fix. Kernel and tool behaviour is taken from the real thing: systemd-sysctl and sysctl --system
# in private namespaces (boot_ns.sh), interfaces made in a private network namespace.
. "$SRCDIR/tests/cli/lib.sh"

R=$TMP/r
mkroot "$R"
mkdir -p "$R/proc/sys/net/ipv4/conf/all"
echo 0 >"$R/proc/sys/net/ipv4/conf/all/rp_filter"
nolsan="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" # LeakSanitizer cannot run under ptrace
# expect_said TEXT DESCRIPTION: stdout or stderr has TEXT.
expect_said() { if grep -qF -- "$1" out err; then ok "$2"; else not_ok "$2: neither stdout nor stderr has '$1'"; fi; }
# lines_only RE FILE: every line of FILE matches RE (an empty file passes).
lines_only() { ! grep -Evq -- "$1" "$2"; }
# yaml_val KEY FILE: the value a generated profile gives KEY ("" when it has no such line).
yaml_val() { sed -n "s/^  $1: //p" "$2" | sed 's/ *#.*//'; }

# 1. A file name is data: a sysctl.d file whose name holds a line break sets nothing of its own
#    in the profile import --system writes.
R1=$TMP/r1
mkroot "$R1"
mkdir -p "$R1/etc/sysctl.d"
nl='
'
echo 'net.ipv4.tcp_fin_timeout = 30' >"$R1/etc/sysctl.d/50-a${nl}fs.protected_symlinks = 0${nl}#.conf"
run --root "$R1" import --system -o sys.yaml; expect_rc 0 "import --system of a file with a line break in its name"
if grep -q '^  fs.protected_symlinks' sys.yaml; then
        not_ok "the file name injected a setting: $(grep -n protected sys.yaml)"
else
        ok "the file name set nothing"
fi
[ "$(yaml_val net.ipv4.tcp_fin_timeout sys.yaml)" = 30 ] && ok "the file's own setting is imported" || not_ok "its setting is missing"
grep -q '50-a\\x0afs.protected_symlinks' sys.yaml && ok "the name is shown escaped" || not_ok "the name is not escaped: $(grep -n 50-a sys.yaml)"
run check sys.yaml; expect_rc 0 "the imported profile checks"

# 2. import writes the value the tools set. The oracle: systemd-sysctl and sysctl --system on the
#    same file, in a private namespace (boot_ns.sh), and what they leave in rp_filter.
latin1=$(printf 'r\351glage')
printf 'net.ipv4.conf.all.rp_filter = 0\n/net/ipv4/conf/all/rp_filter = 1\n' >slash.conf
printf 'net.ipv4.conf.all.rp_filter = 0\nnet.ipv4.conf.all.rp_filter = 1  # %s\n' "$latin1" >latin.conf
printf 'net.ipv4.conf.all.rp_filter = 0\nnet..ipv4.conf.all.rp_filter = 1\n' >double.conf
printf 'net.ipv4.conf.all.rp_filter = 1\nnet.ipv4.conf.all.rp_filter = 2 = x\n' >bad.conf
# tool_value FILE TOOL: rp_filter of 'all' after TOOL applied FILE from /etc/sysctl.d at boot.
tool_value() {
        rm -rf "fx-$2" "o-$2" && mkdir -p "fx-$2/etc/sysctl.d" "o-$2"
        cp "$1" "fx-$2/etc/sysctl.d/50-t.conf"
        sh "$SRCDIR/tests/cli/boot_ns.sh" "$TMP/fx-$2" "$2" "$TMP/o-$2" >/dev/null 2>&1 || { echo "boot_ns failed"; return; }
        sed -n 's|^/proc/sys/net/ipv4/conf/all/rp_filter:||p' "o-$2/after"
}
have_tools=false
if unshare -n -m -p --fork --mount-proc true 2>/dev/null && [ -x /lib/systemd/systemd-sysctl ] && command -v sysctl >/dev/null; then
        have_tools=true
fi
for f in slash latin double; do
        run import "$f.conf" -o "$f.yaml"; expect_rc 0 "import $f.conf"
        got=$(yaml_val net.ipv4.conf.all.rp_filter "$f.yaml")
        if $have_tools; then
                sd=$(tool_value "$f.conf" systemd) ps=$(tool_value "$f.conf" procps)
                echo "# $f.conf: systemd-sysctl $sd, sysctl --system $ps, import $got"
                [ "$sd" = 1 ] && [ "$ps" = 1 ] && ok "$f.conf: both tools set 1" || not_ok "$f.conf: the tools set $sd and $ps"
                [ "$got" = "$sd" ] && ok "$f.conf: import writes the tools' value" || not_ok "$f.conf: import writes '$got', the tools $sd"
        else
                [ "$got" = 1 ] && ok "$f.conf: import writes 1" || not_ok "$f.conf: import writes '$got'"
        fi
        run --root "$R" --format json diff "$f.conf"; expect_rc 0 "diff $f.conf reads every line"
        expect_json '.settings[] | select(.key == "net.ipv4.conf.all.rp_filter") | .desired == "1"' "diff $f.conf: 1"
done
run import bad.conf -o bad.yaml; expect_rc 3 "import of a file whose last assignment cannot be converted"
[ -z "$(yaml_val net.ipv4.conf.all.rp_filter bad.yaml)" ] && ok "the overridden value is left out" \
        || not_ok "import brought back the overridden value: $(yaml_val net.ipv4.conf.all.rp_filter bad.yaml)"
expect_err "bad.conf:1" "the error names the first line"
expect_err "bad.conf:2" "and the last"

# 3. A bare name is a profile on the search path, never a file in the current directory.
mkdir -p pp cwd
printf 'name: base\nsysctl:\n  net.ipv4.tcp_keepalive_time: 4242\n' >pp/base.yaml
printf 'name: planted\nsysctl:\n  net.ipv4.tcp_keepalive_time: 1717\n' >cwd/base
printf 'name: planted\nsysctl:\n  net.ipv4.tcp_keepalive_time: 1717\n' >cwd/mine
(cd cwd && TWTUNE_PROFILE_PATH=$TMP/pp run --root "$R" --format json diff base; echo "$RC" >rc)
mv cwd/out cwd/err cwd/rc . && RC=$(cat rc)
expect_json '.settings[] | select(.key == "net.ipv4.tcp_keepalive_time") | .desired == "4242"' "'base' is the search path's profile"
(cd cwd && TWTUNE_PROFILE_PATH=$TMP/pp run check mine; echo "$RC" >rc)
mv cwd/out cwd/err cwd/rc . && RC=$(cat rc)
expect_rc 3 "a name that is only a file in the current directory is not found"
expect_out "./mine" "the error says how to name the file"
(cd cwd && TWTUNE_PROFILE_PATH=$TMP/pp run check ./mine; echo "$RC" >rc)
mv cwd/out cwd/err cwd/rc . && RC=$(cat rc)
expect_rc 0 "./mine is the file"
TWTUNE_PROFILE_PATH=$TMP/pp run profiles; expect_rc 0 "profiles"
expect_out "./" "profiles says a file in the current directory needs a path"

# 4. --root without openat2: symlinks in the root's sysctl.d never reach the host's files.
R4=$TMP/r4
mkroot "$R4"
mkdir -p "$R4/etc/sysctl.d" "$R4/opt"
echo 'password = hunter2' >"$TMP/secret"
chmod 600 "$TMP/secret"
ln -s "$TMP/secret" "$R4/etc/sysctl.d/10-abs.conf"
ln -s "../../../../../../../../../../../..$TMP/secret" "$R4/etc/sysctl.d/20-rel.conf"
echo 'net.ipv4.tcp_fin_timeout = 33' >"$R4/opt/real.conf"
ln -s /opt/real.conf "$R4/etc/sysctl.d/30-in.conf"
ln -s ../../opt/../opt/real.conf "$R4/etc/sysctl.d/31-in.conf"
if strace -f -qq -o /dev/null -e trace=openat2 -e inject=openat2:error=ENOSYS true 2>/dev/null; then
        for e in ENOSYS EPERM; do
                for cmd in boot "import --system"; do
                        # shellcheck disable=SC2086 # cmd is two words
                        env "$nolsan" strace -f -qq -o /dev/null -e trace=openat2 -e inject=openat2:error=$e \
                                "$TWTUNE" --root "$R4" $cmd >out 2>err
                        RC=$?
                        ! grep -q hunter2 out err && ok "$cmd, openat2 $e: no host file read" || not_ok "$cmd, openat2 $e: the host file leaked"
                        grep -q 'tcp_fin_timeout.*33' out && ok "$cmd, openat2 $e: a link inside the root is followed in it" \
                                || not_ok "$cmd, openat2 $e: the link inside the root was not read"
                done
        done
else
        echo "SKIP - strace cannot inject here: openat2 fallback not run"
fi

# 5. A value that names a program the kernel runs as root.
printf 'sysctl:\n  kernel.core_pattern: "|/tmp/evil"\n' >core.yaml
run --strict check core.yaml; expect_rc 3 "check --strict: a piped core_pattern is an error when unchecked"
expect_out "/tmp/evil" "the finding names the program"
R5=$TMP/r5
mkroot "$R5"
mkdir -p "$R5/tmp" "$R5/usr/lib/helper"
chmod 1777 "$R5/tmp"
chmod 755 "$R5" "$R5/usr" "$R5/usr/lib" "$R5/usr/lib/helper"
printf '#!/bin/sh\n' >"$R5/tmp/evil"
printf '#!/bin/sh\n' >"$R5/usr/lib/helper/core"
chmod 755 "$R5/tmp/evil" "$R5/usr/lib/helper/core"
echo core >"$R5/proc/sys/kernel/core_pattern"
run --root "$R5" check --live core.yaml; expect_rc 0 "check --live: a warning"
expect_out "exec-hazard" "core_pattern |/tmp/evil is a hazard on the live target"
expect_out "/tmp" "naming the directory others can write"
run --root "$R5" --strict check --live core.yaml; expect_rc 3 "and an error under --strict"
printf 'sysctl:\n  kernel.core_pattern: "|/usr/lib/helper/core"\n' >core2.yaml
if [ "$(id -u)" = 0 ]; then
        run --root "$R5" --strict check --live core2.yaml; expect_rc 0 "a helper in a root-only directory chain passes"
        expect_no_out "exec-hazard" "no hazard for it"
fi
printf 'sysctl:\n  kernel.modprobe: /tmp/modprobe\n  kernel.poweroff_cmd: /tmp/off\n' >mp.yaml
run --strict check mp.yaml; expect_rc 3 "kernel.modprobe and poweroff_cmd naming /tmp are errors under --strict"
expect_out "kernel.modprobe: the kernel runs /tmp/modprobe as root" "modprobe named, as an exec-hazard"
expect_out "kernel.poweroff_cmd: the kernel runs /tmp/off as root" "poweroff_cmd named, as an exec-hazard"
printf 'sysctl:\n  kernel.core_pattern: core\n  fs.suid_dumpable: 0\n' >safe.yaml
run --strict check safe.yaml; expect_no_out "exec-hazard" "a plain core_pattern is no hazard"

# 7. --format github prints workflow commands only, and none that a profile or file can start.
printf 'sysctl:\n  "::stop-commands::tok": 1\n  net.ipv4.tcp_fin_timeout: 30\n' >gh.yaml
run --root "$R" --format github diff gh.yaml
lines_only '^::(error|warning|notice) ' out && ok "diff --format github: workflow commands only" || not_ok "diff --format github printed other lines"
! grep -q '^::stop-commands' out err && ok "no line starts ::stop-commands" || not_ok "::stop-commands reached the log"
run --format github check gh.yaml
lines_only '^::(error|warning|notice) ' out && ok "check --format github: workflow commands only" || not_ok "check printed other lines"
mkdir -p "$R/etc/sysctl.d"
printf '::stop-commands::tok = 1\n::add-mask::x = 1\n::group::g = 1\n' >"$R/etc/sysctl.d/50-gh.conf"
run --root "$R" --format github boot
lines_only '^::(error|warning|notice) ' out && ok "boot --format github: workflow commands only" || not_ok "boot printed other lines"
! grep -Eq '^::(stop-commands|add-mask|group)' out err && ok "boot: no workflow command from the file" || not_ok "a file's line started a workflow command"
rm -f "$R/etc/sysctl.d/50-gh.conf"

# 8. The search path is shown escaped.
esc=$(printf '\033')
TWTUNE_PROFILE_PATH="$(printf '/nonexistent\033]0;pwned\007')" run profiles --verbose
! grep -q "$esc" out err && ok "profiles --verbose: no raw escape" || not_ok "profiles --verbose printed ESC raw"
TWTUNE_PROFILE_PATH="$(printf '/nonexistent\033]0;pwned\007')" run --format json profiles
expect_json '.search_path[0] == "/nonexistent\u001b]0;pwned\u0007"' "JSON keeps the path, escaped as JSON"

# 9. One value rule set: a .conf profile's values pass the same rules as YAML's.
printf 'kernel.core_pattern = core=%%p.\377\376\n' >v1.conf
run check v1.conf; expect_rc 3 "a .conf value with '=' and invalid UTF-8 is refused"
printf 'net.ipv4.tcp_congestion_control = cubic\377\n' >v2.conf
run check v2.conf; expect_rc 3 "a .conf value with invalid UTF-8 is refused"
expect_out "v2.conf:1" "with its position"
printf 'sysctl:\n  net.ipv4.tcp_congestion_control: "cubic\\u0085"\n' >v3.yaml
run check v3.yaml; expect_rc 3 "a YAML value with a C1 control is refused"
printf 'net.ipv4.tcp_congestion_control = cubic\302\205\n' >v3.conf
run check v3.conf; expect_rc 3 "and the same in .conf"

# 10. The DaemonSet: only the init container that writes is privileged.
if command -v python3 >/dev/null && python3 -c 'import yaml' 2>/dev/null; then
        python3 - "$SRCDIR/packaging/kubernetes/daemonset.yaml" >k8s.out 2>&1 <<'PY'
import sys, yaml
ds = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d.get("kind") == "DaemonSet"][0]
spec = ds["spec"]["template"]["spec"]
def say(c, what): print(("ok - " if c else "not ok - ") + what)
say(spec.get("hostNetwork") is True, "hostNetwork: the verify container reads the node's /proc/sys/net")
for c in spec["containers"]:
    sc = c.get("securityContext", {})
    say(not sc.get("privileged", False), c["name"] + ": not privileged")
    say(sc.get("allowPrivilegeEscalation") is False, c["name"] + ": no privilege escalation")
    say(sc.get("readOnlyRootFilesystem") is True, c["name"] + ": read-only root file system")
    say(sc.get("capabilities", {}).get("drop") == ["ALL"], c["name"] + ": drops every capability")
    host = {v["name"] for v in spec["volumes"] if "hostPath" in v}
    for m in c.get("volumeMounts", []):
        if m["name"] in host:
            say(m.get("readOnly") is True, c["name"] + ": the node's " + m["mountPath"] + " read-only")
for c in spec.get("initContainers", []):
    say(c.get("securityContext", {}).get("privileged") is True, c["name"] + ": the writer is privileged")
PY
        cat k8s.out
        PASS=$((PASS + $(grep -c '^ok - ' k8s.out)))
        FAIL=$((FAIL + $(grep -c '^not ok - ' k8s.out)))
else
        echo "SKIP - no python3 yaml: DaemonSet not checked"
fi

# 11. The fault hook exists only where the build asked for it (TWTUNE_FAULT_INJECTION).
printf 'sysctl:\n  net.ipv4.tcp_fin_timeout: 31\n' >f.yaml
TWTUNE_FAULT=fail:write:1 run --root "$R" apply --no-persist f.yaml
if [ "${TWTUNE_FAULT_BUILT:-1}" = 1 ]; then
        expect_rc 4 "this test build has the fault hook (TWTUNE_FAULT_INJECTION=ON)"
else
        expect_rc 0 "a build without TWTUNE_FAULT_INJECTION ignores TWTUNE_FAULT"
fi

# 6. Interface names: real interfaces in a private network namespace.
if unshare -n -m -p --fork --mount-proc true 2>/dev/null; then
        cat >ifn.sh <<'S'
expect_said() { if grep -qF -- "$1" out err; then ok "$2"; else not_ok "$2: neither stdout nor stderr has '$1'"; fi; }
ctl=$(printf 'c\001d')
made=
for n in 'a=b' "$ctl" 'é' 'x*'; do
        ip link add "$n" type bridge 2>/dev/null && made="$made+"
done
if [ "$made" != "++++" ]; then
        echo "SKIP - the kernel refused an interface name here ($made)"
else
        printf 'sysctl:\n  net.ipv4.conf.*.rp_filter: 2\n  net.ipv4.tcp_fin_timeout: 31\n' >glob.yaml
        run apply glob.yaml; expect_rc 0 "a glob profile applies with odd interface names present"
        expect_said "a=b" "the warning names the interface with '='"
        expect_said 'c\x01d' "and the one with a control character, escaped"
        expect_said "x*" "and the one with a glob character"
        expect_said "interface-skipped" "as a skipped interface"
        sed 's/^/#   /' out err
        [ "$(cat /proc/sys/net/ipv4/conf/lo/rp_filter)" = 2 ] && ok "lo got rp_filter 2" || not_ok "lo was not set"
        [ "$(cat /proc/sys/net/ipv4/tcp_fin_timeout)" = 31 ] && ok "the rest of the profile applied" || not_ok "the rest was not applied"
        f=/etc/sysctl.d/99-twtune.conf
        [ -f "$f" ] && ! grep -v '^[#;]' "$f" | grep -q 'conf\.[^.]*[][*?][^.]*\.rp_filter' && ok "no persisted key holds a glob character" \
                || not_ok "persisted: $(grep rp_filter "$f")"
        ! grep -q "$ctl" "$f" && ! grep -q 'a=b' "$f" && ok "nor '=' or a control character" || not_ok "persisted an odd name"
fi
S
        in_ns ifn.sh
else
        echo "SKIP - no namespaces here: interface names not run"
fi

finish
