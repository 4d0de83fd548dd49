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
# Each run walks a new seed (walk.py draws it and prints it first: TWTUNE_WALK_SEED=N repeats the
# run step for step), so CI explores new sequences every time instead of one hand-picked path.
# Under valgrind or the sanitizers (CI's second and third passes) each step costs several times
# more: fewer steps there, the full walk in the plain pass.
if [ -n "${TWTUNE_WRAPPER:-}" ] || [ -n "${ASAN_OPTIONS:-}" ]; then : "${TWTUNE_WALK_STEPS:=60}"; fi # (CI: ASan only; valgrind skips it, nowrap)
export ${TWTUNE_WALK_SEED+TWTUNE_WALK_SEED} ${TWTUNE_WALK_STEPS+TWTUNE_WALK_STEPS}
cat >walk_inner.sh <<'EOS'
WALK_DIR=$PWD exec python3 "$SRCDIR/tests/cli/walk.py"
EOS
in_boot_ns walk_inner.sh
finish
