# SPDX-License-Identifier: MIT
# The Debian and RPM packages: packaging/build-deb and packaging/build-rpm each build once, then
# each package is unpacked into a throwaway directory (dpkg -x, rpm2cpio | cpio) and the binary
# is run from there: its version, a shipped profile checked by name, the profiles it lists. The
# file lists must be exactly the installation layout (modes too), the dependencies on libyaml
# computed, lintian without errors or warnings other than the ones kept (below), the units
# neither enabled nor started by the maintainer scripts, the RPM scriptlets and the .deb purge run
# with stubs and a fake root, and the source tree unchanged.
# Outside CI, missing packaging tools skip the test (77); in CI (CI set) they fail it.
. "$SRCDIR/tests/cli/lib.sh"

require_tools "git debhelper lintian rpm cpio binutils" \
        git dpkg-buildpackage dh dpkg-deb lintian rpmbuild rpmspec rpm2cpio cpio readelf
if ! git -C "$SRCDIR" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        [ -z "${CI:-}" ] && { echo "SKIP: $SRCDIR is not a git checkout (the build scripts copy git's file list)"; exit 77; }
        not_ok "$SRCDIR is not a git checkout in CI"; finish; exit 1
fi

VERSION=$(sed -n 's/^project(twtune VERSION \([0-9.]*\).*/\1/p' "$SRCDIR/CMakeLists.txt")
ARCH=$(dpkg --print-architecture)

# The state of the source tree as git sees it, with the content of every changed or new file,
# so that a build that wrote into the tree, or changed a file already modified, shows.
tree_state() {
        (cd "$SRCDIR" && git status --porcelain=v1 --untracked-files=all &&
                git diff HEAD | md5sum &&
                git ls-files -z --others --exclude-standard | xargs -0r md5sum)
}
tree_state >state.before

# The layout both packages install (CMake's install rules), as MODE PATH, one file a line; the
# package-specific parts (compression, the unit directory, Debian's own files) are added below.
LAYOUT='-rwxr-xr-x usr/sbin/twtune
-rw-r--r-- usr/share/twtune/profiles/base.yaml
-rw-r--r-- usr/share/twtune/profiles/reverse-proxy.yaml
-rw-r--r-- usr/share/twtune/profiles/web-server.yaml
-rw-r--r-- usr/share/doc/twtune/examples/seed-sysctl-conf.yaml
-rw-r--r-- usr/share/bash-completion/completions/twtune'

# with_dirs: MODE PATH lines on stdin, plus a drwxr-xr-x line for every directory above each
# path, sorted by path: what a package holds when it owns every directory it creates.
with_dirs() {
        awk '{ print; n = split($2, p, "/"); d = "";
               for (i = 1; i < n; i++) { d = d (i > 1 ? "/" : "") p[i]; print "drwxr-xr-x " d } }' |
                sort -u -k2
}

# run_bin BIN ARGS...: like run, for the unpacked binary, with no profile path from the caller.
# Its root is an empty fake one, so no /etc/twtune/profiles of this host is searched.
run_bin() { bin=$1; shift; env -u TWTUNE_PROFILE_PATH "$bin" --root root "$@" >out 2>err; RC=$?; }
# jq -e is true on empty input (jq 1.6): a JSON assertion needs output first.
expect_json_out() {
        if [ -s out ]; then expect_json "$@"; else not_ok "$2: no output"; fi
}
mkroot root

# check_unpacked KIND DIR: the binary unpacked in DIR runs, and finds its profiles beside itself.
check_unpacked() {
        kind=$1 bin=$PWD/$2/usr/sbin/twtune pdir=$PWD/$2/usr/share/twtune/profiles
        run_bin "$bin" --version; expect_rc 0 "$kind: the installed binary runs"
        if [ "$(cat out)" = "twtune $VERSION" ]; then ok "$kind: --version prints twtune $VERSION"
        else not_ok "$kind: --version prints '$(cat out)', expected 'twtune $VERSION'"; fi
        run_bin "$bin" --kernel 6.1 --format json check web-server; expect_rc 0 "$kind: check web-server, by name"
        expect_json_out ".summary == {\"error\": 0, \"warning\": 0, \"info\": 0}" "$kind: the installed web-server profile is clean"
        # Which file it read shows in a finding: web-server extends base, which needs 4.12.
        run_bin "$bin" --kernel 4.9 check web-server; expect_rc 3 "$kind: check web-server on 4.9 fails"
        expect_out "$pdir/base.yaml:5:9: error:" "$kind: web-server and its base found beside the binary ($pdir)"
        run_bin "$bin" --format json profiles; expect_rc 0 "$kind: profiles"
        expect_json_out "[.profiles[].name] == [\"base\", \"reverse-proxy\", \"web-server\"]" "$kind: profiles lists the three installed ones"
        expect_json_out "all(.profiles[]; .path | startswith(\"$pdir/\"))" "$kind: each from the unpacked tree"
        run_bin "$bin" --kernel 6.1 check nosuchprofile; expect_rc 3 "$kind: an unknown name is refused"
        expect_out "no-such-profile" "$kind: as no-such-profile"
        # A release build has no fault hook (TWTUNE_FAULT_INJECTION=OFF): the variable changes nothing.
        printf 'sysctl:\n  net.ipv4.tcp_fin_timeout: 31\n' >fault.yaml
        TWTUNE_FAULT=fail:write:1 run_bin "$bin" apply --no-persist "$PWD/fault.yaml"
        expect_rc 0 "$kind: the packaged binary ignores TWTUNE_FAULT"
        ! strings "$bin" | grep -q '^TWTUNE_FAULT$' && ok "$kind: the hook is not compiled in" || not_ok "$kind: the binary reads TWTUNE_FAULT"
}

# compare_list WHAT EXPECTED-FILE ACTUAL-FILE
compare_list() {
        if diff -u "$2" "$3" >list.diff; then ok "$1"
        else not_ok "$1 (- expected, + packaged):"; sed 's/^/#   /' list.diff; fi
}

# ---- Debian
t0=$(date +%s)
"$SRCDIR/packaging/build-deb" deb >build-deb.out 2>build-deb.err
RC=$?; expect_rc 0 "build-deb builds"
[ "$RC" -eq 0 ] || sed 's/^/#   /' build-deb.err | tail -40
echo "# build-deb took $(($(date +%s) - t0)) s"
DEB=deb/twtune_${VERSION}-1_${ARCH}.deb
if [ -f "$DEB" ]; then ok "build-deb left $DEB"; else not_ok "no $DEB in deb/: $(ls deb | tr '\n' ' ')"; fi

# Everything dpkg-deb shows: mode, owner and path of each entry.
dpkg-deb -c "$DEB" 2>/dev/null | awk '{ p = $6; sub(/^\.\//, "", p); sub(/\/$/, "", p); if (p != "") print $1, $2, p }' |
        sort -k3 >deb.actual
if awk '$2 != "root/root"' deb.actual | grep -q .; then not_ok "deb: entries not owned by root/root"
else ok "deb: every entry owned by root/root"; fi
{
        echo "$LAYOUT"
        # Debian 12 keeps units in /lib (dh_installsystemd looks there); dh_compress compresses
        # man pages and documents over 4 kB; dh_installchangelogs installs CHANGELOG.md as the
        # upstream changelog under the name policy gives it (changelog.gz) beside its own
        # changelog.Debian.gz, and dh_installdocs the copyright file.
        echo '-rw-r--r-- lib/systemd/system/twtune-verify.service
-rw-r--r-- lib/systemd/system/twtune-verify.timer
-rw-r--r-- usr/share/man/man8/twtune.8.gz
-rw-r--r-- usr/share/man/man5/twtune-profile.5.gz
-rw-r--r-- usr/share/doc/twtune/README.md.gz
-rw-r--r-- usr/share/doc/twtune/changelog.gz
-rw-r--r-- usr/share/doc/twtune/changelog.Debian.gz
-rw-r--r-- usr/share/doc/twtune/copyright'
} | with_dirs >deb.expected
awk '{ print $1, $3 }' deb.actual >deb.modes
compare_list "deb: the file list is the layout, modes included" deb.expected deb.modes

depends=$(dpkg-deb -f "$DEB" Depends)
case $depends in *libyaml-0-2*) ok "deb: Depends has libyaml-0-2 ($depends)" ;;
*) not_ok "deb: Depends lacks libyaml-0-2: '$depends'" ;; esac
case $depends in *"libc6 (>= "*) ok "deb: Depends computed by dpkg-shlibdeps (libc6 with its version)" ;;
*) not_ok "deb: Depends not computed: '$depends'" ;; esac
v=$(dpkg-deb -f "$DEB" Version)
if [ "$v" = "$VERSION-1" ]; then ok "deb: version $v"; else not_ok "deb: version '$v', expected $VERSION-1"; fi
v=$(dpkg-deb -f "$DEB" Section)
if [ "$v" = admin ]; then ok "deb: section admin"; else not_ok "deb: section '$v', expected admin"; fi

# The timer is opt-in: the maintainer scripts must neither enable nor start a unit on installation,
# keep an administrator's choice on upgrade, and stop the units on removal. They run here with
# deb-systemd-helper, deb-systemd-invoke and systemctl replaced by stubs that log their arguments
# and answer queries (STUB_ENABLED: the timer was enabled before), so nothing reaches this host.
mkdir debian-control stub && dpkg-deb -e "$DEB" debian-control
for c in deb-systemd-helper deb-systemd-invoke systemctl; do
        printf '#!/bin/sh\necho "%s $*" >>"$STUB_LOG"\ncase $1 in debian-installed) exit 0 ;; was-enabled | --quiet) [ "$STUB_ENABLED" = 1 ] ;; esac\n' "$c" >stub/$c
        chmod +x stub/$c
done
# maint SCRIPT ARGS...: runs a maintainer script with the stubs, its calls in ./calls.
maint() {
        : >calls
        if [ -f "debian-control/$1" ]; then
                s=$1; shift
                env PATH="$PWD/stub:/usr/sbin:/usr/bin:/sbin:/bin" STUB_LOG="$PWD/calls" sh "debian-control/$s" "$@" >/dev/null 2>&1
        fi
}
STUB_ENABLED=0 maint postinst configure
if grep -Eq ' enable|invoke (start|restart)|systemctl .*(enable|start)' calls; then
        not_ok "deb: postinst enables or starts a unit on installation:"; sed 's/^/#   /' calls
else ok "deb: postinst neither enables nor starts a unit on installation ($(grep -c . calls) calls, none of them)"; fi
STUB_ENABLED=1 maint postinst configure 0.0.9-1
if grep -qx 'deb-systemd-helper enable twtune-verify.timer' calls; then ok "deb: postinst keeps the timer enabled on upgrade where the administrator enabled it"
else not_ok "deb: postinst on upgrade of an enabled timer:"; sed 's/^/#   /' calls; fi
if grep -q 'deb-systemd-invoke stop twtune-verify.timer' debian-control/prerm 2>/dev/null; then ok "deb: prerm stops the units on removal"
else not_ok "deb: prerm does not stop the timer"; fi

mkdir deb-root && dpkg -x "$DEB" deb-root

# Purge (postrm purge, run with DPKG_ROOT at a fake root): twtune's state goes, the persisted file
# an administrator's apply wrote stays (README "Packages" says why) and a note names it.
mkdir -p purge/var/lib/twtune/generations purge/etc/sysctl.d
echo state >purge/var/lib/twtune/generations/1
echo 'net.ipv4.tcp_fin_timeout = 30' >purge/etc/sysctl.d/99-twtune.conf
echo keep >purge/etc/sysctl.d/10-other.conf
purge_run() {
        : >calls
        env PATH="$PWD/stub:/usr/sbin:/usr/bin:/sbin:/bin" STUB_LOG="$PWD/calls" DPKG_ROOT="$PWD/purge" \
                sh debian-control/postrm "$1" >purge.out 2>purge.err
}
purge_run remove
if [ -d purge/var/lib/twtune/generations ] && [ -f purge/etc/sysctl.d/99-twtune.conf ]; then ok "deb: postrm remove keeps the state and the file"
else not_ok "deb: postrm remove deleted something"; fi
purge_run purge; RC=$?
expect_rc 0 "deb: postrm purge"
if [ ! -e purge/var/lib/twtune ]; then ok "deb: purge removes /var/lib/twtune"; else not_ok "deb: purge left /var/lib/twtune"; fi
if [ "$(cat purge/etc/sysctl.d/99-twtune.conf 2>/dev/null)" = 'net.ipv4.tcp_fin_timeout = 30' ] &&
        [ -f purge/etc/sysctl.d/10-other.conf ]; then ok "deb: purge leaves /etc/sysctl.d/99-twtune.conf (the administrator's) and other files"
else not_ok "deb: purge changed /etc/sysctl.d: $(ls purge/etc/sysctl.d)"; fi
if grep -q '99-twtune.conf is left in place' purge.err; then ok "deb: purge says the file is left"; else not_ok "deb: purge is silent about the file: $(cat purge.err)"; fi
purge_run purge; RC=$?
expect_rc 0 "deb: a second purge (nothing left) succeeds"
v=$(dpkg-deb -f "$DEB" Maintainer)
[ "$v" = 'twtune developers <twtune@users.noreply.github.com>' ] && ok "deb: Maintainer $v" || not_ok "deb: Maintainer '$v'"
check_unpacked deb deb-root
if grep -qx 'License: MIT' deb-root/usr/share/doc/twtune/copyright && ! grep -qi 'all rights reserved' deb-root/usr/share/doc/twtune/copyright; then
        ok "deb: its copyright file says License: MIT"
else not_ok "deb: copyright: $(grep '^License' deb-root/usr/share/doc/twtune/copyright | tr '\n' ' ')"; fi

rm -f out err
# lintian: no error, and no warning or info other than the ones kept (README "Packages").
lintian -I --pedantic "$DEB" >lintian.out 2>lintian.err
sed 's/^/#   lintian: /' lintian.out
if grep -q '^E:' lintian.out; then not_ok "lintian: errors"; else ok "lintian: no errors"; fi
KEPT='initial-upload-closes-no-bugs'
unexpected=$(grep -E '^[WIP]:' lintian.out | awk '{ print $3 }' | sort -u | grep -vxF "$KEPT")
if [ -z "$unexpected" ]; then ok "lintian: only the kept tags ($KEPT)"
else not_ok "lintian: tags not kept: $(echo "$unexpected" | tr '\n' ' ')"; fi

# ---- RPM
rm -f out err
t0=$(date +%s)
"$SRCDIR/packaging/build-rpm" rpm >build-rpm.out 2>build-rpm.err
RC=$?; expect_rc 0 "build-rpm builds"
[ "$RC" -eq 0 ] || sed 's/^/#   /' build-rpm.err | tail -40
echo "# build-rpm took $(($(date +%s) - t0)) s"
RPMARCH=$(rpm --eval '%{_arch}')
RPM=rpm/twtune-${VERSION}-1.${RPMARCH}.rpm
if [ -f "$RPM" ]; then ok "build-rpm left $RPM"; else not_ok "no $RPM in rpm/: $(ls rpm | tr '\n' ' ')"; fi

mkdir rpm-root && (cd rpm-root && rpm2cpio "../$RPM" | cpio -idm --quiet)
rpm -qp --qf '[%{FILEMODES:perms} %{FILEUSERNAME}/%{FILEGROUPNAME} %{FILENAMES}\n]' "$RPM" 2>/dev/null |
        sed 's| /| |' | sort -k3 >rpm.actual
if awk '$2 != "root/root"' rpm.actual | grep -q .; then not_ok "rpm: entries not owned by root/root"
else ok "rpm: every entry owned by root/root"; fi
# The package owns its own directories, not the shared ones (/usr/share/man/man8, the unit
# directory, bash-completion's): so the expected list names its directories one by one.
{
        echo "$LAYOUT" | grep -v ' usr/share/bash-completion/'
        echo '-rw-r--r-- usr/share/doc/twtune/README.md
-rw-r--r-- usr/share/doc/twtune/CHANGELOG.md
-rw-r--r-- usr/share/licenses/twtune/LICENSE'
} | with_dirs | grep -E ' usr/share/(twtune|doc/twtune|licenses/twtune)(/|$)|^-' >rpm.expected.own
{
        cat rpm.expected.own
        echo '-rw-r--r-- usr/share/bash-completion/completions/twtune
-rw-r--r-- usr/lib/systemd/system/twtune-verify.service
-rw-r--r-- usr/lib/systemd/system/twtune-verify.timer
-rw-r--r-- usr/share/man/man8/twtune.8.gz
-rw-r--r-- usr/share/man/man5/twtune-profile.5.gz'
} | sort -u -k2 >rpm.expected
# rpmbuild adds a link from the binary's build id to it (for debuggers), in a directory of its
# own: that, and nothing else, besides the layout.
BUILDID=$(readelf -n rpm-root/usr/sbin/twtune 2>/dev/null | sed -n 's/.*Build ID: \([0-9a-f]*\).*/\1/p')
rpm -qp --qf '[%{FILENAMES} -> %{FILELINKTOS}\n]' "$RPM" 2>/dev/null | grep '^/usr/lib/\.build-id' >rpm.buildid
printf '%s\n' "/usr/lib/.build-id -> " "/usr/lib/.build-id/${BUILDID%"${BUILDID#??}"} -> " \
        "/usr/lib/.build-id/${BUILDID%"${BUILDID#??}"}/${BUILDID#??} -> ../../../../usr/sbin/twtune" >rpm.buildid.expected
compare_list "rpm: the build-id link ($BUILDID) points at the binary" rpm.buildid.expected rpm.buildid
awk '$3 !~ /^usr\/lib\/\.build-id(\/|$)/ { print $1, $3 }' rpm.actual >rpm.modes
compare_list "rpm: the file list is the layout, modes included" rpm.expected rpm.modes
rpm -qlp "$RPM" 2>/dev/null | sed 's|^/||' | grep -v '^usr/lib/\.build-id' | sort >rpm.ql
awk '{ print $2 }' rpm.expected | sort >rpm.expected.paths
compare_list "rpm -qlp names the same files" rpm.expected.paths rpm.ql

requires=$(rpm -qp --requires "$RPM" 2>/dev/null)
if echo "$requires" | grep -q '^libyaml-0\.so\.2()'; then ok "rpm: requires libyaml-0.so.2, computed from the ELF binary"
else not_ok "rpm: no libyaml-0.so.2 requirement: $(echo "$requires" | tr '\n' ' ')"; fi
v=$(rpm -qp --qf '%{VERSION}-%{RELEASE}' "$RPM" 2>/dev/null)
if [ "$v" = "$VERSION-1" ]; then ok "rpm: version $v"; else not_ok "rpm: version '$v', expected $VERSION-1"; fi
# The scriptlets, as built here (Debian's rpm has no systemd macros: the spec's own equivalents),
# run with systemctl replaced by the logging stub: what each does on installation ($1 = 1), upgrade
# (2, then the old package's preun/postun with 1) and erase (0), as Fedora's macros do.
rpm -qp --scripts "$RPM" 2>/dev/null >rpm.scripts
sed 's/^/#   scripts: /' rpm.scripts
awk '/^[a-z]+ scriptlet \(using \/bin\/sh\):$/ { f = "rpm-" $1 ".sh"; next } f { print >f }' rpm.scripts
# rpm_script NAME ARG: the scriptlet's systemctl calls, one line each, in ./calls ("-": none ran).
rpm_script() {
        : >calls
        [ -f "rpm-$1.sh" ] || { echo "- no $1 scriptlet" >calls; return; }
        env PATH="$PWD/stub:/usr/bin:/bin" STUB_LOG="$PWD/calls" sh "rpm-$1.sh" "$2" >/dev/null 2>&1
}
# expect_calls WHAT EXPECTED: the calls, joined by "; ".
expect_calls() {
        got=$(paste -sd';' calls | sed 's/;/; /g')
        if [ "$got" = "$2" ]; then ok "rpm: $1: ${2:-no systemctl call}"; else not_ok "rpm: $1: '$got', expected '$2'"; fi
}
rpm_script postinstall 1; expect_calls "%post on installation presets the timer (the distribution's preset decides)" \
        "systemctl --no-reload preset twtune-verify.timer"
rpm_script postinstall 2; expect_calls "%post on upgrade keeps the administrator's choice" ""
rpm_script preuninstall 1; expect_calls "%preun on upgrade stops nothing" ""
rpm_script preuninstall 0; expect_calls "%preun on erase disables and stops both units" \
        "systemctl --no-reload disable --now twtune-verify.timer twtune-verify.service"
rpm_script postuninstall 1; expect_calls "%postun on upgrade restarts the timer" \
        "systemctl daemon-reload; systemctl try-restart twtune-verify.timer"
rpm_script postuninstall 0; expect_calls "%postun on erase reloads systemd only" "systemctl daemon-reload"
if grep -Eq 'systemctl (--[a-z-]+ )*(enable|start)' rpm.scripts; then not_ok "rpm: a scriptlet enables or starts a unit"
else ok "rpm: no scriptlet enables or starts a unit (only the preset may)"; fi
v=$(rpm -qp --qf '%{LICENSE}' "$RPM" 2>/dev/null)
[ "$v" = MIT ] && ok "rpm: License MIT" || not_ok "rpm: License '$v'"

check_unpacked rpm rpm-root

# Where the systemd RPM macros exist (systemd-rpm-macros), the spec uses them for the same steps.
rpmspec -P --define 'systemd_post() SYSTEMD_POST %*' --define 'systemd_preun() SYSTEMD_PREUN %*' \
        --define 'systemd_postun_with_restart() SYSTEMD_POSTUN_WITH_RESTART %*' \
        "$SRCDIR/packaging/rpm/twtune.spec" >spec.parsed 2>spec.err
if grep -qx 'SYSTEMD_POST twtune-verify.timer' spec.parsed &&
        grep -qx 'SYSTEMD_PREUN twtune-verify.timer twtune-verify.service' spec.parsed &&
        grep -qx 'SYSTEMD_POSTUN_WITH_RESTART twtune-verify.timer' spec.parsed &&
        ! grep -q '^systemctl' spec.parsed; then
        ok "rpm: with systemd's macros, %post, %preun and %postun use them"
else not_ok "rpm: the spec's scriptlets with systemd's macros: $(sed -n '/^%post/,/^%files/p' spec.parsed | tr '\n' ' ')"; fi

# ---- the source tree
rm -f out err
tree_state >state.after
if cmp -s state.before state.after; then ok "the source tree is unchanged (git status, diff and new files)"
else not_ok "the source tree changed:"; diff state.before state.after | sed 's/^/#   /'; fi

finish
