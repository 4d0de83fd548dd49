# SPDX-License-Identifier: MIT
# Real configuration files (tests/data/real/, written by other people): twtune must read every one
# without a crash, raise no error for a net.* key the kernel takes, and apply what the kernel takes
# on the first run, to exactly the values `sysctl -p` leaves. Only net.* lines reach a kernel, each
# in a private network namespace of its own, so the host is never touched.
. "$SRCDIR/tests/cli/lib.sh"
require_ns
REAL=$SRCDIR/tests/data/real
host_before=$(host_state)

# The values of the keys of a sysctl.conf file, as "key=value" lines (blanks squeezed; nothing
# for a key that cannot be read). Keys whose first separator is '/' are paths already.
cat >dump.sh <<'S'
sed -E 's/^[[:space:]]*-?[[:space:]]*//; s/[[:space:]]*=.*//' "$1" | sort -u | while IFS= read -r k; do
        case "$k" in
        *[./]*) sep=$(printf '%s' "$k" | sed -E 's/^[^./]*([./]).*/\1/') ;;
        *) sep=. ;;
        esac
        if [ "$sep" = / ]; then p=$k; else p=$(printf '%s' "$k" | tr './' '/.'); fi
        printf '%s=%s\n' "$k" "$({ tr -s ' \t\n' '   ' <"/proc/sys/$p"; } 2>/dev/null | sed 's/ $//')"
done
S
# The lines of a file the kernel takes, one at a time, in order, in a fresh namespace. procps 4.0.2
# exits 0 after some failed writes (a read-only key: "Invalid argument"), so its messages count too.
cat >accept.sh <<'S'
while IFS= read -r line; do
        printf '%s\n' "$line" >one.conf
        if sysctl -p one.conf >/dev/null 2>one.err && [ ! -s one.err ]; then printf '%s\n' "$line"; fi
done <"$1"
S
cat >apply.sh <<'S'
"$TWTUNE" --format json diff accepted.conf >diff.json 2>diff.err
"$TWTUNE" apply --no-persist --allow-address-loss accepted.conf >apply.out 2>apply.err
echo $? >apply.rc
sh ./dump.sh accepted.conf >twtune.vals
S

# kernel_refuses FILE LINE CODE: whether the kernel refuses that line too: a net.* line refused in a
# fresh namespace; another key this kernel does not have (read only); or, for a global key's bad-type,
# a value the kernel's integer parser refuses (written to net.core.somaxconn in a fresh namespace),
# only where the key holds integers here (read only): that parser says nothing about a string key.
kernel_refuses() {
        kr_line=$(sed -n "${2}p" "$1" | tr -d '\r')
        kr_key=$(printf '%s' "$kr_line" | sed -E 's/^[[:space:]]*-?[[:space:]]*//; s/[[:space:]]*=.*//')
        kr_val=$(printf '%s' "$kr_line" | sed -E 's/^[^=]*=[[:space:]]*//; s/[[:space:]]*$//')
        kr_path=/proc/sys/$(printf '%s' "$kr_key" | tr './' '/.')
        case "$kr_key" in
        net.*|net/*)
                printf '%s\n' "$kr_line" >one_err.conf
                [ -z "$(unshare -n sh ./accept.sh one_err.conf)" ] ;;
        *)
                [ ! -e "$kr_path" ] && return 0
                tr -s ' \t\n' '\n\n\n' <"$kr_path" 2>/dev/null | grep -qvE '^-?[0-9]+$|^$' && return 1
                [ "$3" = bad-type ] && ! unshare -n sh -c 'printf "%s\n" "$1" >/proc/sys/net/core/somaxconn' sh "$kr_val" 2>/dev/null ;;
        esac
}
printf 'net.ipv4.tcp_fin_timeout = 30\nkernel.pid_max = 65536\nkernel.no_such_key = 1\nkernel.core_pattern = |/bin/x %%p\n' >control.conf
! kernel_refuses control.conf 1 bad-type && ! kernel_refuses control.conf 2 bad-type && kernel_refuses control.conf 3 unknown-key &&
        ! kernel_refuses control.conf 4 bad-type &&
        ok "control: kernel_refuses tells a line the kernel takes from one it refuses" ||
        not_ok "control: kernel_refuses cannot tell"

# lines_not_setting FILE JSON: the lines of boot's JSON settings that are blank or a comment in FILE,
# or do not name the setting key's last component.
lines_not_setting() {
        jq -r '.settings[] | "\(.line)\t\(.key | split(".") | last)"' "$2" | awk -F '\t' -v f="$1" '
                BEGIN { while ((getline t < f) > 0) { n++; sub(/\r$/, "", t); L[n] = t } }
                { s = L[$1]; sub(/^[ \t]+/, "", s); if (s == "" || s ~ /^[#;]/ || index(L[$1], $2) == 0) print $1 }'
}
printf '# kernel.sysrq = 1 in a comment\r\n\r\n  kernel.sysrq = 16\r\n' >control2.conf
printf '{"settings": [{"line": 3, "key": "kernel.sysrq"}]}' >good.json
printf '{"settings": [{"line": 3, "key": "kernel.sysrq"}, {"line": 1, "key": "kernel.sysrq"}, {"line": 2, "key": "kernel.sysrq"}, {"line": 3, "key": "kernel.panic"}]}' >bad.json
[ -z "$(lines_not_setting control2.conf good.json)" ] && [ "$(lines_not_setting control2.conf bad.json | tr '\n' ' ')" = "1 2 3 " ] &&
        ok "control: lines_not_setting tells a setting's line from a comment, a blank line and another key's line" ||
        not_ok "control: lines_not_setting cannot tell"

files=0 lines=0 taken=0 applied=0
for f in "$REAL"/*.conf; do
        name=$(basename "$f")
        files=$((files + 1))
        # Key lines: from 62 on the files are whole, and comments such as "# Use kernel.sysrq = 1" are not.
        lines=$((lines + $(grep '=' "$f" | grep -cvE '^[[:space:]]*[#;]')))
        run --format json check "$f"
        if [ "$RC" -eq 0 ] || [ "$RC" -eq 3 ]; then ok "$name: check exits $RC"; else not_ok "$name: check exit $RC"; fi
        jq_true out '.findings | length >= 0' && ok "$name: check JSON parses" || not_ok "$name: check JSON"
        # Every error check gives is one the kernel gives too (kernel_refuses).
        jq -r '.findings[] | select(.severity == "error" and .line > 0) | "\(.line) \(.code)"' out | sort -un >errs.txt
        while read -r ln code; do
                kernel_refuses "$f" "$ln" "$code" && ok "$name:$ln: $code is an error the kernel gives too" ||
                        not_ok "$name:$ln: $code for a line the kernel takes: $(sed -n "${ln}p" "$f")"
        done <errs.txt
        # The file as the only one of a boot hierarchy: boot resolves it under both rules. Each
        # setting's line is a line of the file that is not a comment or blank (whole files have
        # both) and names the key's last component (a glob or slash key names it too).
        rm -rf broot && mkdir -p broot/etc/sysctl.d && cp "$f" broot/etc/sysctl.d/
        for rules in systemd procps; do
                run --root broot --format json boot --rules $rules
                if [ "$RC" -eq 0 ] && jq_true out --arg p "/etc/sysctl.d/$name" \
                        '(.settings | length > 0) and all(.settings[]; .file == $p and .line > 0)'
                then
                        lines_not_setting "$f" out >badlines
                        if [ -s badlines ]; then not_ok "$name: boot ($rules) names lines that do not set the key: $(tr '\n' ' ' <badlines)"
                        else ok "$name: boot ($rules) takes its settings, each with its line"; fi
                else not_ok "$name: boot ($rules) exit $RC"; fi
        done

        # Its net.* assignments, as written, but globs (not expanded yet).
        grep -E '^[[:space:]]*-?[[:space:]]*net[./]' "$f" | grep -v '^[^=]*[][*?]' >net.conf
        [ -s net.conf ] || continue
        unshare -n sh ./accept.sh net.conf >accepted.conf
        [ -s accepted.conf ] || continue
        taken=$((taken + $(wc -l <accepted.conf)))
        cp accepted.conf accepted.$name
        unshare -n -m sh -c 'mount -t tmpfs tmpfs /etc/sysctl.d && mount -t tmpfs tmpfs /var/lib && TWTUNE=$1 sh ./apply.sh' \
                sh "$TWTUNE"
        unshare -n sh -c 'sysctl -q -p accepted.conf >/dev/null 2>&1; sh ./dump.sh accepted.conf' >sysctl.vals
        errs=$(jq '[.findings[] | select(.severity == "error")] | map(.code + " " + (.key // "") + ": " + .message)' diff.json)
        if [ "$(echo "$errs" | jq length)" = 0 ]; then ok "$name: diff raises no error for keys the kernel takes"
        else not_ok "$name: diff errors on keys the kernel takes: $errs"; fi
        if [ "$(cat apply.rc)" = 0 ]; then
                ok "$name: apply --no-persist takes $(wc -l <accepted.conf) lines on the first run"
                applied=$((applied + 1))
        else
                not_ok "$name: apply exit $(cat apply.rc)"
                sed 's/^/#   /' apply.err | head -5
        fi
        if cmp -s twtune.vals sysctl.vals; then ok "$name: the values sysctl -p leaves"
        else not_ok "$name: values differ from sysctl -p's"; diff sysctl.vals twtune.vals | sed 's/^/#   /' | head -10; fi
done
echo "# corpus: $files files, $lines key lines; $taken net.* lines the kernel takes in a namespace; apply took them in $applied files on the first run"
[ "$(host_state)" = "$host_before" ] && ok "host state unchanged" || not_ok "host state changed"
finish
