# SPDX-License-Identifier: MIT
# Bad input: a clear error with file, line and column, exit 3, and nothing changed.
. "$SRCDIR/tests/cli/lib.sh"
BAD=$SRCDIR/tests/data/bad
mkroot root
before=$(tree_digest root)

# EXPECTED: fixture, code, and where the error is (file:line:column, or file alone).
grep -v '^#' "$BAD/EXPECTED" | while read -r file code where; do
        [ -n "$file" ] || continue
        run --kernel 6.1 check "$BAD/$file"
        where="$BAD/$where: error:"
        if [ "$RC" -eq 3 ] && grep -F -- "$where" out | grep -qF "[$code]"; then
                echo "ok - $file: $code"
        else
                echo "not ok - $file: expected exit 3 and '$where ... [$code]'"; sed 's/^/#   /' out err
                echo FAIL >>failures
        fi
        # diff must refuse the same input without writing anything.
        run --root root diff "$BAD/$file"
        [ "$RC" -eq 3 ] || { echo "not ok - diff $file: exit $RC"; echo FAIL >>failures; }
done
[ -f failures ] && FAIL=$((FAIL + $(wc -l <failures))) || ok "every fixture rejected at its place"
[ "$(tree_digest root)" = "$before" ] && ok "the root is unchanged" || not_ok "the root changed"

# Generated cases.
printf 'sysctl:\n  net.core.somaxconn: "40\377\376"\n' >latin1.yaml
run check latin1.yaml; expect_rc 3 "non-UTF-8 bytes"
expect_out "latin1.yaml:2:26: error: invalid UTF-8" "non-UTF-8 at line and column"
head -c 17000000 /dev/zero | tr '\0' '#' >big.yaml
run check big.yaml; expect_rc 3 "file over 16 MiB"
expect_out "[file-too-large]" "size limit code"
if [ -z "${TWTUNE_WRAPPER:-}" ]; then # a minute and more under valgrind; the plain and sanitizer passes run it
        awk 'BEGIN { print "sysctl:"; for (i = 0; i < 100000; i++) printf "  net.ipv4.conf.v%d.rp_filter: 1\n", i }' >keys100k.yaml
        run check keys100k.yaml; expect_rc 0 "a profile of 100 000 keys is within the limits"
        awk 'BEGIN { print "sysctl:"; for (i = 0; i < 125001; i++) printf "  net.ipv4.conf.v%d.rp_filter: 1\n", i }' >keys125k.yaml
        run check keys125k.yaml; expect_rc 3 "125 001 keys: over the node limit"
        expect_out "too many YAML nodes (limit 250000)" "the node limit, with its line"
else
        echo "# SKIP the 100 000-key profiles under TWTUNE_WRAPPER"
fi
mkdir dir.yaml
run check dir.yaml; expect_rc 3 "a directory"
expect_out "dir.yaml: error: cannot read profile: Is a directory" "directory error"
run check missing.yaml; expect_rc 3 "a missing file"
expect_out "missing.yaml: error: cannot read profile: No such file or directory [file-error]" "missing file error"
printf 'a: 1\0b: 2\n' >nul.yaml
run check nul.yaml; expect_rc 3 "a NUL byte"
i=0
while [ $i -lt 12 ]; do printf 'extends: d%d\nsysctl: {net.core.somaxconn: %d}\n' $((i + 1)) $i >d$i.yaml; i=$((i + 1)); done
printf 'sysctl: {net.core.somaxconn: 12}\n' >d12.yaml
run check d0.yaml; expect_rc 3 "a deep extends chain"
expect_out "[extends-too-deep]" "extends-too-deep code"
# Several problems are all reported, not just the first.
printf 'sysctl:\n  net.ipv4.tcp_tw_reuse: 3\n  net..x: 1\n  net.ipv4.tcp_fin_timeout: yes\n' >many.yaml
run check many.yaml; expect_rc 3 "several errors"
[ "$(grep -c ': error:' out)" -eq 3 ] && ok "all three errors reported" || not_ok "expected 3 errors"
if [ "$(id -u)" -ne 0 ]; then
        printf 'sysctl: {net.core.somaxconn: 1}\n' >noperm.yaml; chmod 000 noperm.yaml
        run check noperm.yaml; expect_rc 5 "unreadable profile is an environment error"
fi
finish
