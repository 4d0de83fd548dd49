#!/bin/sh
# SPDX-License-Identifier: MIT
# `twtune boot` against the real systemd-sysctl and procps `sysctl --system` on the real files
# (tests/data/real/): t_boot.sh's checks over fixtures made of their net.* lines, one per file and
# one of all of them together (see BOOT_FIXTURES in t_boot.sh).
BOOT_FIXTURES=real
. "$SRCDIR/tests/cli/t_boot.sh"
