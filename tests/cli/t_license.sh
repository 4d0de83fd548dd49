# SPDX-License-Identifier: MIT
# The licence: MIT in LICENSE, an SPDX line at the top of every source file, and the same licence
# and a real maintainer in the Debian and RPM packaging, the Ansible collection and the README.
# (t_package checks what the built packages carry.) Reads the source tree only.
. "$SRCDIR/tests/cli/lib.sh"
S=$SRCDIR

if head -n 1 "$S/LICENSE" 2>/dev/null | grep -qx 'MIT License' &&
        grep -q '^Permission is hereby granted, free of charge' "$S/LICENSE" &&
        grep -q 'THE SOFTWARE IS PROVIDED "AS IS"' "$S/LICENSE"; then ok "LICENSE is the MIT licence"
else not_ok "LICENSE is missing or not the MIT licence"; fi
holder=$(sed -n 's/^Copyright (c) //p' "$S/LICENSE" 2>/dev/null)
[ -n "$holder" ] && ok "LICENSE names a copyright holder ($holder)" || not_ok "LICENSE names no copyright holder"

# Source files: C, shell, Python, CMake, the build and CI scripts, units and man pages.
if git -C "$S" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$S" && git ls-files --cached --others --exclude-standard) >files
else
        (cd "$S" && find . -path ./build -prune -o -path ./.git -prune -o -type f -print | sed 's|^\./||') >files
fi
grep -E '\.(c|h|sh|py|bash)$|(^|/)CMakeLists\.txt$|^packaging/(build-deb|build-rpm|debian/rules|debian/twtune\.(prerm|postrm)|rpm/twtune\.spec|kubernetes/Dockerfile|systemd/.*|man/.*)$|^\.ci/run$' files |
        grep -v '^tests/data/' | sort >sources
n=$(grep -c . sources)
missing=
while IFS= read -r f; do
        [ -f "$S/$f" ] || continue
        head -n 3 "$S/$f" | grep -q 'SPDX-License-Identifier: MIT' || missing="$missing $f"
done <sources
if [ "$n" -gt 150 ] && [ -z "$missing" ]; then ok "all $n source files carry SPDX-License-Identifier: MIT in their first 3 lines"
else not_ok "source files without the SPDX line (of $n):$missing"; fi

# Debian: DEP-5 copyright with the MIT text, no leftover "all rights reserved", a real maintainer.
C=$S/packaging/debian/copyright
if head -n 1 "$C" | grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' &&
        awk '/^Files: \*$/ { f = 1 } f && /^License: / { print; exit }' "$C" | grep -qx 'License: MIT' &&
        grep -qx 'License: MIT' "$C" && grep -q '^ Permission is hereby granted, free of charge' "$C"; then
        ok "debian/copyright: DEP-5, Files: * under MIT, with the licence text"
else not_ok "debian/copyright is not DEP-5 MIT: $(head -c 400 "$C" | tr '\n' '|')"; fi
if grep -qi 'all rights reserved\|all-rights-reserved\|AllRightsReserved' "$C" "$S/packaging/rpm/twtune.spec" "$S/README.md"; then
        not_ok "an 'all rights reserved' is left"
else ok "no 'all rights reserved' left in the packaging or the README"; fi
M='twtune developers <twtune@users.noreply.github.com>'
maint=$(sed -n 's/^Maintainer: //p' "$S/packaging/debian/control")
[ "$maint" = "$M" ] && ok "debian/control: Maintainer $maint" || not_ok "debian/control: Maintainer '$maint'"
if grep -q "^ -- $M  " "$S/packaging/debian/changelog" && ! grep -qi 'seed\|example' "$S/packaging/debian/changelog"; then
        ok "debian/changelog signed by the maintainer"
else not_ok "debian/changelog trailer: $(grep '^ -- ' "$S/packaging/debian/changelog")"; fi

# RPM: License: MIT (an SPDX expression), the licence file installed as %license.
spec=$S/packaging/rpm/twtune.spec
[ "$(sed -n 's/^License:[[:space:]]*//p' "$spec")" = MIT ] && ok "rpm spec: License: MIT" || not_ok "rpm spec: $(grep '^License:' "$spec")"
grep -qx '%license LICENSE' "$spec" && ok "rpm spec: %license LICENSE" || not_ok "rpm spec ships no %license"
grep -q "^\* .* $M - " "$spec" && ok "rpm spec: %changelog by the maintainer" || not_ok "rpm %changelog: $(grep '^\* ' "$spec")"

# The collection: galaxy.yml's license, and the licence file it is built with.
if python3 -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); sys.exit(d.get("license") != ["MIT"])' \
        "$S/packaging/ansible/galaxy.yml" 2>/dev/null; then ok "galaxy.yml: license [MIT]"
else not_ok "galaxy.yml has no license: [MIT]"; fi
cmp -s "$S/LICENSE" "$S/packaging/ansible/LICENSE" && ok "the collection carries the same LICENSE" || not_ok "packaging/ansible/LICENSE differs from LICENSE or is missing"
grep -q '^MIT (`LICENSE`)' "$S/README.md" && ok "README names the licence" || not_ok "README does not name the licence"
finish
