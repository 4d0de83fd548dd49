# SPDX-License-Identifier: MIT
# The knowledge base against the running kernel: every fact it states that this kernel can show
# (existence, mode, shape, scope, defaults in a fresh network namespace, enforced bounds, base-0
# parsing, rounding) checked by kb_conformance.py. It reads the host's /proc/sys and writes only in
# throwaway network namespaces, and only keys per network namespace; global keys are read, never
# written. A wrong fact fails with the key, the fact and what the kernel did.
. "$SRCDIR/tests/cli/lib.sh"
require_ns
require_tools "apt-get install python3 procps" python3 sysctl
: "${KBFACTS:?set KBFACTS to the kbfacts helper}"
host_before=$(host_state)
if python3 "$SRCDIR/tests/cli/kb_conformance.py" "$KBFACTS" >conf.out 2>conf.err; then
        ok "every checkable fact agrees with the kernel: $(tail -1 conf.out); $(tail -2 conf.out | head -1)"
else
        sed 's/^/#   /' conf.out conf.err | head -60
        not_ok "facts the kernel contradicts: $(tail -1 conf.out)"
fi
# The checker must be able to fail: a fact made wrong on purpose (a per-netns bool said to take 2).
printf '#!/bin/sh\n"%s" "$@" | sed "s/^net.ipv4.tcp_autocorking\\tbool\\t1\\t0\\t1\\t1/net.ipv4.tcp_autocorking\\tbool\\t1\\t0\\t2\\t0/"\n' \
        "$KBFACTS" >bad_facts && chmod +x bad_facts
if python3 "$SRCDIR/tests/cli/kb_conformance.py" ./bad_facts >bad.out 2>&1; then
        not_ok "a wrong fact passes: $(tail -1 bad.out)"
elif grep -q '^WRONG net.ipv4.tcp_autocorking: bounds: kb says the kernel takes 2' bad.out; then
        ok "a wrong fact fails with key, fact and what the kernel did"
else
        not_ok "a wrong fact: unexpected output"; sed 's/^/#   /' bad.out | head
fi
# Breadth: the keys sysctl -a lists here, in the host namespaces and in a fresh network namespace,
# known to a hand-written entry or the structural tier (read only).
if sh "$SRCDIR/tools/kb_coverage.sh" "$KBFACTS" --min 95 >cov.out 2>&1; then
        ok "coverage of sysctl -a: $(grep '^total' cov.out | awk '{printf "%s of %s (%s) ", $3, $2, $4}')"
else
        sed 's/^/#   /' cov.out | grep -E 'total|unknown' | head -20
        not_ok "coverage of sysctl -a below 95% (regenerate src/core/judge/kb/generated.h with tools/kbgen.py?)"
fi
[ "$(host_state)" = "$host_before" ] && ok "host state unchanged" || not_ok "host state changed"
finish
