# SPDX-License-Identifier: MIT
# Profiles by name: 'twtune profiles', the search path, and PROFILE arguments that name a profile.
. "$SRCDIR/tests/cli/lib.sh"
P=$SRCDIR/profiles
unset TWTUNE_PROFILE_PATH
mkroot root

# An install unpacked anywhere finds its own profiles beside its binary (../share/twtune/profiles).
mkdir -p inst/usr/sbin inst/usr/share/twtune/profiles
cp "$TWTUNE" inst/usr/sbin/twtune
cp "$P/base.yaml" "$P/web-server.yaml" "$P/reverse-proxy.yaml" inst/usr/share/twtune/profiles/
INST=$PWD/inst/usr/sbin/twtune
# irun ARGS: the unpacked copy, as run runs the built one (under TWTUNE_WRAPPER too).
irun() { ${TWTUNE_WRAPPER:-} "$INST" "$@" >out 2>err; RC=$?; }
irun --root root profiles
expect_rc 0 "unpacked install lists its profiles"
expect_out "web-server     Many short-lived inbound HTTP connections                 $PWD/inst/usr/share/twtune/profiles/web-server.yaml" "name, description and location in columns"
expect_out "NAME           DESCRIPTION" "a header"
irun --root root --kernel 6.1 check web-server
expect_rc 0 "unpacked install: check web-server by name"
expect_out "1 profile checked: 0 errors, 0 warnings" "the installed profile and its parent load"
irun --root root -q profiles
printf 'base\nreverse-proxy\nweb-server\n' >want
if cmp -s out want; then ok "-q prints only the names"; else not_ok "-q prints only the names"; fi

# Search order: $TWTUNE_PROFILE_PATH (in order), <root>/etc/twtune/profiles, the installed ones.
mkdir -p a b root/etc/twtune/profiles
cat >a/web-server.yaml <<'Y'
name: mine
description: The site's own web server
extends: [base]
sysctl:
  net.ipv4.tcp_fin_timeout: 20
Y
cat >b/web-server.yaml <<'Y'
description: Never selected
sysctl:
  net.ipv4.tcp_fin_timeout: 21
Y
cat >root/etc/twtune/profiles/edge.yaml <<'Y'
description: Edge nodes
extends: [web-server]
sysctl:
  net.ipv4.tcp_keepalive_time: 600
Y
printf 'sysctl: [\n' >b/broken.yaml
printf 'sysctl: {}\n' >b/-dash.yaml
printf 'sysctl: {}\n' >b/.hidden.yaml
printf 'sysctl: {}\n' >b/notes.txt
export TWTUNE_PROFILE_PATH=$PWD/a:$PWD/b
irun --root root --format json profiles
expect_rc 0 "profiles with a search path"
expect_json '[.search_path[]] == ["'"$PWD"'/a", "'"$PWD"'/b", "root/etc/twtune/profiles", "'"$PWD"'/inst/usr/share/twtune/profiles"] or [.search_path[]][0:2] == ["'"$PWD"'/a", "'"$PWD"'/b"]' "search path in order"
expect_json '.search_path[2] | endswith("root/etc/twtune/profiles")' "the root's /etc/twtune/profiles third"
expect_json '.search_path[3] == "'"$PWD"'/inst/usr/share/twtune/profiles"' "the profiles beside the binary next"
expect_json '[.profiles[] | select(.name == "web-server")] | length == 3' "every web-server is listed"
expect_json '[.profiles[] | select(.name == "web-server" and .shadowed_by == null)][0].path == "'"$PWD"'/a/web-server.yaml"' "the first on the path is the one a name selects"
expect_json '[.profiles[] | select(.name == "web-server" and .shadowed_by != null)] | all(.shadowed_by == "'"$PWD"'/a/web-server.yaml")' "the others are hidden by it"
expect_json '[.profiles[] | select(.name == "broken")][0].description == null' "a broken profile is listed, without a description"
expect_json '[.profiles[] | select(.name == "edge")][0].description == "Edge nodes"' "the root's own profiles are listed"
expect_json '[.profiles[].name] | (index("-dash") == null and index(".hidden") == null and index("notes") == null)' "names a PROFILE argument cannot take are not listed"
irun --root root profiles
expect_out "(hidden by $PWD/a/web-server.yaml)" "text says which profile hides another"
irun --root root -q profiles
if [ "$(grep -c '^web-server$' out)" = 1 ]; then ok "-q lists a name once"; else not_ok "-q lists a name once"; fi

irun --root root --kernel 6.1 --format json diff web-server
expect_rc 0 "diff web-server by name"
expect_json '.path == "'"$PWD"'/a/web-server.yaml" and .profile == "mine"' "the name selects the first on the search path"
expect_json '[.settings[] | select(.key == "net.ipv4.tcp_fin_timeout")][0].desired == "20"' "its value, not the hidden profile's"
irun --root root --kernel 6.1 --format json diff edge
expect_rc 0 "a profile in <root>/etc/twtune/profiles by name, extending one on the path"
expect_json '[.settings[] | select(.key == "net.ipv4.tcp_keepalive_time")][0].desired == "600"' "edge's own setting"
expect_json '[.settings[] | select(.key == "net.ipv4.tcp_fin_timeout")][0].desired == "20"' "and its parent's, found by name"

# A name is never a file in the current directory (issue 20: whoever can write the directory
# twtune runs in would pick root's profile); that file needs a path. Paths and .yaml names are
# never looked up.
printf 'sysctl:\n  net.ipv4.tcp_fin_timeout: 33\n' >web-server
irun --root root --kernel 6.1 --format json diff web-server
expect_json '[.settings[] | select(.key == "net.ipv4.tcp_fin_timeout")][0].desired == "20"' "a file of that name in the current directory does not win"
irun --root root --kernel 6.1 --format json diff ./web-server
expect_json '[.settings[] | select(.key == "net.ipv4.tcp_fin_timeout")][0].desired == "33"' "./web-server is that file"
rm web-server
irun --root root --kernel 6.1 check ./web-server
expect_rc 3 "./web-server is a path, not a name"
expect_out "cannot read profile" "a missing path is a file error"
expect_no_out "no-such-profile" "and not looked up by name"
irun --root root --kernel 6.1 check web-server.yaml
expect_rc 3 "web-server.yaml is a file name, not looked up"
expect_out "web-server.yaml: error: cannot read profile: No such file or directory [file-error]" "a missing file is a file error"

# A name that matches nothing: where twtune looked, and the nearest name.
irun --root root --kernel 6.1 check web-serve
expect_rc 3 "unknown name: invalid profile"
expect_out "web-serve: error: no profile of that name on the search path ($PWD/a, $PWD/b," "the search path in the message"
expect_out "did you mean 'web-server'?" "the nearest name"
expect_out "[no-such-profile]" "code no-such-profile"
irun --root root --format json apply --dry-run nothing-like-it
expect_rc 3 "apply of an unknown name"
expect_json '.error.code == "invalid-profile" and ([.findings[] | select(.code == "no-such-profile")] | length == 1)' "json: the error and the finding"
expect_no_out "did you mean" "no suggestion when nothing is near"

# apply by name (dry run, a fake root): the plan of the selected profile.
irun --root root --format json apply --dry-run web-server
expect_rc 0 "apply --dry-run web-server by name"
expect_json '.changed == true and ([.settings[] | select(.key == "net.ipv4.tcp_fin_timeout")][0].desired == "20")' "the plan is the selected profile's"

# Nothing on the search path.
unset TWTUNE_PROFILE_PATH
mkroot bare
run --root bare profiles
expect_rc 0 "no profiles is not an error"
expect_out "no profiles on the search path:" "and says where it looked"
run --root root profiles extra
expect_rc 2 "profiles takes no arguments"
finish
