# SPDX-License-Identifier: MIT
# The TIME_WAIT lab in its short form (tests/lab/lab.sh --short, about 90 s): each scenario's load
# runs in private namespaces against the real kernel, and advise's verdict, run at the moment of
# the problem, is checked against what the same run measured. Label lab: CI runs it in the plain
# pass only (its rates are the kernel's under load, which the sanitizers' slowdown would change).
. "$SRCDIR/tests/cli/lib.sh"
require_ns
require_tools "apt-get install jq iproute2 util-linux" jq ip nsenter
: "${TWLOAD:?}"
TWTUNE="$TWTUNE" TWLOAD="$TWLOAD" sh "$SRCDIR/tests/lab/lab.sh" --short --out "$TMP/lab" >lab.out 2>&1
rc=$?
grep -E '^(ok|not ok) - ' lab.out
PASS=$((PASS + $(grep -c '^ok - ' lab.out)))
FAIL=$((FAIL + $(grep -c '^not ok - ' lab.out)))
[ "$(grep -c '^ok - ' lab.out)" -ge 30 ] && ok "every scenario ran its checks" || { not_ok "the lab ran short (exit $rc)"; tail -30 lab.out; }
[ $rc -eq 0 ] || not_ok "lab.sh exit $rc"
cat "$TMP/lab/summary.md"
finish
