#!/bin/sh
# SPDX-License-Identifier: MIT
# `twtune boot` on fake roots (--root): the sysctl.d rules on copies of the fixtures in
# tests/data/boot and on a few roots made here, with jq assertions on files[], settings[] and
# findings[]. No namespace and no real tool, so this runs wherever the tests run; t_boot.sh checks
# the same fixtures against the real systemd-sysctl and procps.
. "$SRCDIR/tests/cli/lib.sh"
DATA=$SRCDIR/tests/data/boot
E=/etc/sysctl.d U=/usr/lib/sysctl.d R=/run/sysctl.d L=/usr/local/lib/sysctl.d

# fixture NAME: a copy of the fixture in ./NAME, with the files its gen.sh makes.
fixture() {
        cp -a "$DATA/$1" . && { [ ! -f "$1/gen.sh" ] || (cd "$1" && sh ./gen.sh); } || not_ok "cannot copy fixture $1"
}
# boot ROOT RULES: twtune's view of ROOT by RULES in ./out, which must be a success.
boot() {
        run --root "$PWD/$1" boot --format json --rules "$2"
        expect_rc 0 "$1 by $2 rules"
}
# expect Q DESCRIPTION: expect_json with helpers: s(key) is the setting of key, f(path) the file
# entry of path, applied the applied files in order, keys the predicted keys, finding(code; file;
# line) whether there is such a finding.
J='def s($k): first(.settings[] | select(.key == $k)) // null;
def f($p): first(.files[] | select(.path == $p)) // null;
def applied: [.files[] | select(.status == "applied") | .path];
def keys: [.settings[].key];
def finding($c; $file; $line): any(.findings[]; .code == $c and .file == $file and .line == $line);'
expect() {
        if jq_true out "$J $1"; then ok "$2"; else not_ok "$2: jq '$1' is not true"; fi
}
FIN=net.ipv4.tcp_fin_timeout KA=net.ipv4.tcp_keepalive_time INTVL=net.ipv4.tcp_keepalive_intvl

for f in 02-samename 02b-samename-run 03-sysctlconf 04a-mask-devnull 04b-mask-empty 04c-mask-run 04d-mask-low 05-suffix \
        06-order 07-lastwins 08d-dash-space 09a-glob 09c-glob-exclude 09h-exclude-after-assign 10c-slash 10c2-slash-ends \
        10d-crlf 10e-noeol 10f-noequals 10g-longline 10g2-hugeline-mid 10g3-line-limit 10i-bom 11a-dirconf 11b-badlinks \
        11d-bigfile 13-symlink 13b-symlink-shadow; do
        fixture $f
done

for r in systemd procps; do
        # Masking: a /dev/null link or an empty file in a higher directory hides the lower copy;
        # a mask in a lower directory hides nothing.
        boot 04a-mask-devnull $r
        expect "f(\"$E/50-mask.conf\").status == \"masked\" and
                f(\"$U/50-mask.conf\") == {path: \"$U/50-mask.conf\", status: \"overridden\", by: \"$E/50-mask.conf\"}" \
                "$r: a /dev/null link in /etc masks the /usr/lib file of its name"
        expect "keys == [\"$INTVL\"] and s(\"$INTVL\").file == \"$U/60-other.conf\" and s(\"$INTVL\").line == 1" \
                "$r: only the unmasked file sets anything"
        boot 04b-mask-empty $r
        expect "f(\"$E/50-mask.conf\").status == \"masked\" and f(\"$U/50-mask.conf\").by == \"$E/50-mask.conf\" and .settings == []" \
                "$r: an empty file masks too"
        boot 04c-mask-run $r
        expect "f(\"$E/50-mask.conf\").status == \"applied\" and f(\"$R/50-mask.conf\").status == \"overridden\" and
                f(\"$R/50-mask.conf\").by == \"$E/50-mask.conf\" and f(\"$U/50-mask.conf\").by == \"$E/50-mask.conf\" and
                keys == [\"$FIN\"] and s(\"$FIN\").value == \"32\"" "$r: a mask in /run is itself overridden by /etc"
        boot 04d-mask-low $r
        expect "f(\"$U/50-mask.conf\").status == \"overridden\" and f(\"$U/50-mask.conf\").by == \"$E/50-mask.conf\" and
                s(\"$FIN\").value == \"34\" and s(\"$FIN\").file == \"$E/50-mask.conf\"" "$r: a mask in /usr/lib masks nothing above it"

        # Same name: only the copy in the first directory is read.
        boot 02-samename $r
        expect "f(\"$E/50-same.conf\").status == \"applied\" and
                ([f(\"$R/50-same.conf\"), f(\"$L/50-same.conf\"), f(\"$U/50-same.conf\")] |
                 all(.status == \"overridden\" and .by == \"$E/50-same.conf\"))" \
                "$r: /etc's 50-same.conf overrides the /run, /usr/local/lib and /usr/lib copies"
        expect "keys == [\"$FIN\", \"$KA\"] and s(\"$FIN\") == {key: \"$FIN\", value: \"11\", file: \"$E/50-same.conf\", line: 1,
                ignore_failure: false, pattern: null, inherited: false, at_boot: \"exists\", module: null, overrides: []} and s(\"$KA\").line == 2" \
                "$r: nothing from an overridden copy, not even as an override"
        boot 02b-samename-run $r
        expect "f(\"$R/50-same.conf\").status == \"applied\" and f(\"$L/50-same.conf\").by == \"$R/50-same.conf\" and
                f(\"$U/50-same.conf\").by == \"$R/50-same.conf\" and s(\"$FIN\").value == \"12\"" "$r: without /etc, /run wins"

        # Order: all files by name in byte order, whatever their directory; the last assignment wins.
        boot 06-order $r
        expect "applied == [\"$L/05-c.conf\", \"$E/10-b.conf\", \"$U/20-y.conf\", \"$E/5-d.conf\", \"$U/50-a.conf\", \"$R/90-z.conf\"]" \
                "$r: files apply in byte order of their names (5-d after 20-y)"
        expect "s(\"$FIN\") | .value == \"41\" and .file == \"$U/50-a.conf\" and .line == 1 and
                .overrides == [{file: \"$E/10-b.conf\", line: 1, value: \"42\"}]" "$r: /usr/lib/50-a.conf beats /etc/10-b.conf"
        expect "s(\"$KA\") | .value == \"1090\" and .file == \"$R/90-z.conf\" and .overrides == [{file: \"$U/20-y.conf\", line: 1, value: \"1020\"}]" \
                "$r: /run/90-z.conf beats /usr/lib/20-y.conf"
        expect "s(\"$INTVL\") | .value == \"6\" and .file == \"$E/5-d.conf\" and .overrides == [{file: \"$L/05-c.conf\", line: 1, value: \"5\"}]" \
                "$r: /etc/5-d.conf beats /usr/local/lib/05-c.conf"
        boot 07-lastwins $r
        expect "s(\"$FIN\") | .value == \"52\" and .file == \"$E/10-a.conf\" and .line == 3 and
                .overrides == [{file: \"$E/10-a.conf\", line: 1, value: \"51\"}]" "$r: a later line of the same file wins"
        expect "s(\"$KA\") | .value == \"1052\" and .file == \"$E/20-b.conf\" and .overrides == [{file: \"$E/10-a.conf\", line: 2, value: \"1051\"}]" \
                "$r: a later file wins"

        # Which names are read.
        boot 05-suffix $r
        if [ -z "${TWTUNE_WRAPPER:-}" ]; then
                expect "s(\"net.ipv4.conf.all.log_martians\").file == \"$E/link.conf\"" \
                        "$r: a symlink (absolute, resolved inside the root) is read as its target"
        else # valgrind does not know openat2; without it twtune resolves absolute links against / (sysroot.h)
                ok "$r: absolute symlink inside the root # SKIP under TWTUNE_WRAPPER (no openat2)"
        fi
        boot 13b-symlink-shadow $r
        expect "f(\"$U/99-sysctl.conf\").by == \"$E/99-sysctl.conf\" and keys == [\"$FIN\"] and s(\"$FIN\").value == \"23\"" \
                "$r: /etc/sysctl.d/99-sysctl.conf (the link to ../sysctl.conf) shadows /usr/lib's"

        # Malformed lines are findings at their file and line; the rest of the file still counts.
        boot 10f-noequals $r
        expect "finding(\"conf-syntax\"; \"$E/80-ne.conf\"; 1) and s(\"$FIN\").line == 2 and s(\"$KA\").file == \"$E/81-after.conf\"" \
                "$r: a line with no '=' is a finding at 80-ne.conf:1"
        boot 10i-bom $r
        expect "finding(\"boot-bad-key\"; \"$E/80-bom.conf\"; 1) and keys == [\"$KA\"] and s(\"$KA\").line == 2" \
                "$r: a UTF-8 BOM makes the first key a bad key (both tools miss it)"
        boot 10c-slash $r
        expect "s(\"net.ipv4.tcp_keepalive_probes\") | .value == \"3\" and .line == 5" \
                "$r: net..ipv4.tcp_keepalive_probes is net.ipv4.tcp_keepalive_probes (a run of separators is one)"
        expect "s(\"$FIN\").line == 1 and s(\"net.ipv4.conf.lo.rp_filter\").line == 2" "$r: slashes as separators"
        boot 11a-dirconf $r
        expect "any(.findings[]; .code == \"boot-unreadable\" and .file == \"$E/dir.conf\") and f(\"$E/dir.conf\").status == \"masked\" and
                f(\"$U/dir.conf\").by == \"$E/dir.conf\" and keys == [\"$FIN\"]" \
                "$r: a directory named dir.conf is a finding and hides /usr/lib/sysctl.d/dir.conf"
        boot 11b-badlinks $r
        expect "(. as \$v | [\"$E/40-dangling.conf\", \"$E/45-loop.conf\"] | all(. as \$p | any(\$v.findings[]; .code == \"boot-unreadable\" and .file == \$p)))
                and f(\"$U/40-dangling.conf\").by == \"$E/40-dangling.conf\" and f(\"$U/45-loop.conf\").by == \"$E/45-loop.conf\" and
                keys == [\"$FIN\"]" "$r: a dangling link and a link loop are findings and hide the /usr/lib files"
        boot 10d-crlf $r
        expect ".findings == [] and s(\"$FIN\").line == 2 and s(\"net.ipv4.ip_local_port_range\") == {key: \"net.ipv4.ip_local_port_range\",
                value: \"2000 3000\", file: \"$E/80-crlf.conf\", line: 3, ignore_failure: false, pattern: null, inherited: false, at_boot: \"exists\", module: null, overrides: []} and
                s(\"$KA\").value == \"1074\" and s(\"$KA\").line == 6 and s(\"net.ipv4.nonexistent_x\").ignore_failure" \
                "$r: CRLF line ends are no part of keys or values"
        boot 10e-noeol $r
        expect ".findings == [] and s(\"$FIN\").value == \"75\" and s(\"$FIN\").line == 2" "$r: the last line needs no newline"

        # Size: no limit on files, none on lines for procps; systemd stops reading a file at a line
        # of 1 MiB or more.
        boot 11d-bigfile $r
        expect ".findings == [] and s(\"$FIN\").line == 30002 and s(\"$KA\").line == 1" "$r: a 1.9 MB file is read to its end"
        boot 10g-longline $r
        expect "s(\"$FIN\") | .value == \"77\" and .file == \"$E/80-long.conf\" and .line == 2" \
                "$r: a 9 000-byte assignment line is read"
        boot 10g2-hugeline-mid $r
        if [ $r = systemd ]; then
                expect "finding(\"boot-line-too-long\"; \"$E/81-huge-mid.conf\"; 2) and keys == [\"$KA\"]" \
                        "systemd: a 1.1 MB line is a finding at 81-huge-mid.conf:2, nothing below it is read"
        else
                expect ".findings == [] and keys == [\"$INTVL\", \"$KA\"] and s(\"$INTVL\").line == 3" "procps: a 1.1 MB line is only a comment"
        fi
        boot 10g3-line-limit $r
        if [ $r = systemd ]; then
                expect "finding(\"boot-line-too-long\"; \"$E/50-limit.conf\"; 4) and (.findings | length) == 1 and keys == [\"$INTVL\", \"$KA\"]" \
                        "systemd: a line of 1048575 bytes is read, one of 1048576 ends the file (50-limit.conf:4)"
        else
                expect ".findings == [] and keys == [\"$FIN\", \"$INTVL\", \"$KA\"]" "procps: no line limit"
        fi
done

# Rules that differ.
boot 05-suffix systemd
expect "[applied[] | select(. != \"$E/link.conf\")] == [\"$E/ok.conf\"]" "systemd skips hidden files (and x.txt, UPPER.CONF, subdirectories)"
boot 05-suffix procps
expect "[applied[] | select(. != \"$E/link.conf\")] == [\"$E/.conf\", \"$E/.hidden.conf\", \"$E/ok.conf\"] and
        s(\"net.ipv4.tcp_retries2\").file == \"$E/.conf\"" "procps reads hidden files, even one named .conf"
boot 03-sysctlconf procps
expect "applied[-1] == \"/etc/sysctl.conf\" and
        s(\"$FIN\") == {key: \"$FIN\", value: \"21\", file: \"/etc/sysctl.conf\", line: 1, ignore_failure: false, pattern: null,
                       inherited: false, at_boot: \"exists\", module: null,
                       overrides: [{file: \"$E/zz-last.conf\", line: 1, value: \"22\"}]} and
        (s(\"$KA\") | .file == \"/etc/sysctl.conf\" and .line == 2 and .overrides == [{file: \"$U/10-early.conf\", line: 1, value: \"1023\"}])" \
        "procps applies /etc/sysctl.conf last: it beats every sysctl.d file"
boot 03-sysctlconf systemd
expect "f(\"/etc/sysctl.conf\") == null and s(\"$FIN\").file == \"$E/zz-last.conf\" and s(\"$KA\").file == \"$U/10-early.conf\"" \
        "systemd does not read /etc/sysctl.conf"
boot 13-symlink systemd
expect "s(\"$FIN\") | .value == \"22\" and .file == \"$E/zz-last.conf\" and .overrides == [{file: \"$E/99-sysctl.conf\", line: 1, value: \"21\"}]" \
        "systemd reads /etc/sysctl.conf through 99-sysctl.conf, in that name's place"
boot 13-symlink procps
expect "s(\"$FIN\") | .value == \"21\" and .file == \"/etc/sysctl.conf\" and
        .overrides == [{file: \"$E/99-sysctl.conf\", line: 1, value: \"21\"}, {file: \"$E/zz-last.conf\", line: 1, value: \"22\"}]" \
        "procps reads it through the link and again at the end"
boot 08d-dash-space procps
expect "finding(\"boot-ignored-line\"; \"$E/60-dash.conf\"; 1) and keys == [\"$KA\"] and s(\"$KA\").ignore_failure" \
        "procps: '- key' (a blank after the dash) is never applied"
boot 08d-dash-space systemd
expect "keys == [\"$FIN\", \"$KA\"] and s(\"$FIN\").ignore_failure and s(\"$FIN\").line == 1" "systemd: '- key' is applied"
boot 09h-exclude-after-assign systemd
expect ".settings == []" "systemd: a later '-key' cancels an assignment"
boot 09h-exclude-after-assign procps
expect "s(\"$FIN\").value == \"66\" and s(\"$KA\").value == \"1066\"" "procps: a later '-key' does not"
boot 10c2-slash-ends systemd
expect "keys == [\"$FIN\", \"$KA\", \"net.ipv4.tcp_syn_retries\", \"net.ipv4.tcp_synack_retries\"] and
        finding(\"boot-bad-key\"; \"$E/50-ends.conf\"; 2) and finding(\"boot-bad-key\"; \"$E/50-ends.conf\"; 6)" \
        "systemd: leading separators of the key's kind and trailing ones are dropped, '/net.ipv4.x' is no key"
boot 10c2-slash-ends procps
expect "keys == [\"$KA\", \"net.ipv4.tcp_syn_retries\"] and finding(\"boot-bad-key\"; \"$E/50-ends.conf\"; 3) and
        finding(\"boot-bad-key\"; \"$E/50-ends.conf\"; 5)" "procps: a trailing separator leaves no key"

# Globs expand against the root's /proc/sys; explicit keys and exclusions stay out of them.
for d in all default lo; do
        for r in 09a-glob 09c-glob-exclude; do
                mkdir -p $r/proc/sys/net/ipv4/conf/$d
                echo 0 >$r/proc/sys/net/ipv4/conf/$d/rp_filter
                echo 1 >$r/proc/sys/net/ipv4/conf/$d/accept_redirects
        done
done
for r in systemd procps; do
        boot 09a-glob $r
        expect "s(\"net.ipv4.conf.all.rp_filter\") | .value == \"2\" and .pattern == \"net.ipv4.conf.*.rp_filter\" and .line == 2" \
                "$r: the glob sets conf.all"
        expect "(s(\"net.ipv4.conf.lo.rp_filter\") | .value == \"1\" and .line == 1 and .pattern == null and
                 .overrides == [{file: \"$E/70-glob.conf\", line: 2, value: \"2\"}]) and
                (s(\"net.ipv4.conf.default.rp_filter\") | .value == \"1\" and .line == 3)" \
                "$r: explicit keys before and after the glob beat it, which they list as overridden"
        boot 09c-glob-exclude $r
        expect "keys == [\"net.ipv4.conf.all.accept_redirects\"]" "$r: '-net.ipv4.conf.lo.accept_redirects' keeps the glob off lo"
done

# Made here: bad keys, a FIFO, a file over twtune's 16 MiB bound.
mkdir -p bad/etc/sysctl.d
printf '%s\n' 'net.ipv4.tcp fin_timeout = 1' ' = 2' 'net.ipv4.tcp_keepalive_intvl = 3' 'net..ipv4.tcp_keepalive_probes = 4' \
        '/net.ipv4.tcp_syn_retries = 5' >bad/etc/sysctl.d/70-bad.conf
for r in systemd procps; do
        boot bad $r
        expect "finding(\"boot-bad-key\"; \"$E/70-bad.conf\"; 1) and finding(\"conf-syntax\"; \"$E/70-bad.conf\"; 2) and
                finding(\"boot-bad-key\"; \"$E/70-bad.conf\"; 5) and (.findings | length) == 3" \
                "$r: a blank in a key, no key before '=', '/net.ipv4.x': findings at 70-bad.conf:1, 2 and 5"
        expect "keys == [\"$INTVL\", \"net.ipv4.tcp_keepalive_probes\"] and s(\"net.ipv4.tcp_keepalive_probes\").line == 4" \
                "$r: the good lines of the file count"
done

mkdir -p fifo/etc/sysctl.d fifo/usr/lib/sysctl.d
mkfifo fifo/etc/sysctl.d/40-fifo.conf
echo "$FIN = 83" >fifo/etc/sysctl.d/50-ok.conf
echo "$KA = 1083" >fifo/usr/lib/sysctl.d/40-fifo.conf
for r in systemd procps; do
        timeout 60 ${TWTUNE_WRAPPER:-} "$TWTUNE" --root "$PWD/fifo" boot --format json --rules $r >out 2>err
        RC=$?
        expect_rc 0 "$r: a FIFO named 40-fifo.conf does not block twtune (both tools hang on it)"
        expect "any(.findings[]; .code == \"boot-unreadable\" and .file == \"$E/40-fifo.conf\") and
                f(\"$U/40-fifo.conf\").by == \"$E/40-fifo.conf\" and keys == [\"$FIN\"]" \
                "$r: the FIFO is a finding and hides /usr/lib/sysctl.d/40-fifo.conf"
done

mkdir -p huge/etc/sysctl.d
echo "$FIN = 5" >huge/etc/sysctl.d/50-ok.conf
truncate -s 17M huge/etc/sysctl.d/60-huge.conf
for r in systemd procps; do
        boot huge $r
        expect "any(.findings[]; .code == \"boot-file-too-large\" and .file == \"$E/60-huge.conf\" and .line == null) and keys == [\"$FIN\"]" \
                "$r: a file over 16 MiB is a finding (twtune's own bound), the others still count"
done

# Without --rules: systemd where the root has systemd-sysctl, else procps.
run --root "$PWD/06-order" boot --format json
expect_json '.rules == "procps"' "no systemd-sysctl below the root: procps rules"
mkdir -p 06-order/usr/lib/systemd && : >06-order/usr/lib/systemd/systemd-sysctl
run --root "$PWD/06-order" boot --format json
expect_json '.rules == "systemd"' "systemd-sysctl below the root: systemd rules"

finish
