#!/bin/sh
# SPDX-License-Identifier: MIT
# The model-based random walk (walk.py): sequences of what operators and the system do, each claim
# of twtune checked against the kernel, the real systemd-sysctl and sysctl --system, and simulated
# reboots, in private namespaces (isolate_boot). Seeded: a failure prints the seed and the steps.
# TWTUNE_WALK_STEPS (default 300; 60 under a TWTUNE_WRAPPER or ASan), TWTUNE_WALK_SEED and
# TWTUNE_WALK_KINDS (walk.py) choose the run.
. "$SRCDIR/tests/cli/lib.sh"
require_ns
require_tools "apt-get install python3 iproute2 systemd procps" python3 ip sysctl findmnt
[ -x /lib/systemd/systemd-sysctl ] || [ -x /usr/lib/systemd/systemd-sysctl ] ||
        require_tools "apt-get install systemd" systemd-sysctl
# CI walks one fixed seed, so that a red build is a regression anyone can repeat, not a draw:
# 20261207 (3,000 steps clean). TWTUNE_WALK_SEED=random draws a new one (walk.py prints it first;
# TWTUNE_WALK_SEED=N repeats a run step for step): that is how new sequences are explored, and
# each seed that found a defect is named where the fix is.
if [ "${TWTUNE_WALK_SEED:-}" = random ]; then unset TWTUNE_WALK_SEED; else : "${TWTUNE_WALK_SEED:=20261207}"; fi
# Under valgrind or the sanitizers (CI's second and third passes) each step costs several times
# more: fewer steps there, the full walk in the plain pass.
if [ -n "${TWTUNE_WRAPPER:-}" ] || [ -n "${ASAN_OPTIONS:-}" ]; then : "${TWTUNE_WALK_STEPS:=60}"; fi # (CI: ASan only; valgrind skips it, nowrap)
export ${TWTUNE_WALK_SEED+TWTUNE_WALK_SEED} ${TWTUNE_WALK_STEPS+TWTUNE_WALK_STEPS}
cat >walk_inner.sh <<'EOS'
WALK_DIR=$PWD exec python3 "$SRCDIR/tests/cli/walk.py"
EOS
in_boot_ns walk_inner.sh
finish
