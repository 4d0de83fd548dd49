# SPDX-License-Identifier: MIT
# The layers point one way (docs/ARCHITECTURE.md): no two source files include each other, and no
# two object files of twtune, nor two of their folders, use each other's symbols, directly or round
# a loop. layers.py says how; its self-test first shows that each check finds a loop made on
# purpose. Reads the source tree and the build's object files only.
. "$SRCDIR/tests/cli/lib.sh"
require_tools "python3 binutils gcc" python3 nm cc

python3 "$SRCDIR/tests/cli/layers.py" selftest >log 2>&1
grep -c '^ok - ' log | grep -qx 2 && ok "layers.py finds a loop of includes and a loop of calls made on purpose" \
        || { cat log; not_ok "layers.py's self-test"; }

python3 "$SRCDIR/tests/cli/layers.py" includes "$SRCDIR" >log 2>&1
rc=$?
sed 's/^/# /' log
[ "$rc" = 0 ] && ok "no source files include each other" || { cat log; not_ok "source files include each other"; }

# The objects of twtune and of its core library (tests/CMakeLists.txt passes them, ':' between).
objs=$(printf '%s:%s' "$TWTUNE_CLI_OBJECTS" "$TWTUNE_CORE_OBJECTS" | tr ':' ' ')
n=$(echo $objs | wc -w)
python3 "$SRCDIR/tests/cli/layers.py" objects $objs >log 2>&1
rc=$?
sed 's/^/# /' log
if [ "$rc" = 0 ] && [ "$n" -gt 60 ]; then ok "no two of the $n object files use each other's symbols, nor do their folders"
else cat log; not_ok "object files depend on each other (of $n)"; fi
finish
