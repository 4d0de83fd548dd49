# SPDX-License-Identifier: MIT
# The Ansible collection (packaging/ansible): built and installed with ansible-galaxy, documented
# for ansible-doc, and driven by the real ansible-playbook against localhost in private network,
# mount and PID namespaces (tmpfs over /etc/sysctl.d and /var/lib), with twtune on PATH.
# One playbook runs every case and writes what each task returned to results.json, so ansible
# starts twice (the main playbook, and the check that the host was left alone), not per case.
. "$SRCDIR/tests/cli/lib.sh"
require_tools ansible ansible-playbook
require_ns
host_before=$(host_state)

# Ansible's own files (temporary directories, caches) stay in this test's directory.
export ANSIBLE_HOME="$TMP/ansible-home" ANSIBLE_LOCAL_TEMP="$TMP/ansible-local" ANSIBLE_REMOTE_TEMP="$TMP/ansible-remote"
export ANSIBLE_COLLECTIONS_PATH="$TMP/collections" ANSIBLE_GATHERING=explicit ANSIBLE_NOCOLOR=1
export ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_CONFIG="$TMP/ansible.cfg"
: >"$TMP/ansible.cfg" # no ansible.cfg of this machine's

ansible-galaxy collection build "$SRCDIR/packaging/ansible" --output-path "$TMP/dist" >out 2>err
if [ -f "$TMP/dist/twtune-twtune-0.1.0.tar.gz" ]; then ok "ansible-galaxy builds the collection"; else not_ok "collection build"; fi
ansible-galaxy collection install "$TMP/dist/twtune-twtune-0.1.0.tar.gz" -p "$TMP/collections" >out 2>err
if [ -f "$TMP/collections/ansible_collections/twtune/twtune/plugins/action/profile.py" ]; then
        ok "ansible-galaxy installs it, action plugin included"
else not_ok "collection install"; fi
ansible-doc twtune.twtune.profile >out 2>err; RC=$?
expect_rc 0 "ansible-doc twtune.twtune.profile"
expect_out "> TWTUNE.TWTUNE.PROFILE" "ansible-doc renders the module"
for opt in content executable hash netns path persist profiles state wait; do
        grep -q "^[-=] $opt\$" out && ok "ansible-doc documents $opt" || not_ok "ansible-doc lacks option $opt"
done
expect_no_err "ERROR" "ansible-doc without errors"

# ansible-test sanity, offline, with Debian's linters (tests/tools/ansible_sanity.py says how).
if /usr/bin/python3 -c 'import voluptuous, pycodestyle, pylint, yamllint, packaging' 2>/dev/null; then
        /usr/bin/python3 "$SRCDIR/tests/tools/ansible_sanity.py" "$SRCDIR" "$TMP/sanity" >out 2>err; RC=$?
        expect_rc 0 "ansible-test sanity"
        [ "$RC" -eq 0 ] || grep -h 'ERROR' out err | sed 's/^/#   sanity: /'
        for t in ansible-doc compile import pep8 pylint runtime-metadata validate-modules yamllint; do
                grep -q "^Running sanity test \"$t\"" out && ok "sanity test $t ran" || not_ok "sanity test $t did not run"
        done
        expect_no_out "ERROR" "sanity reports no error"
elif [ -n "${CI:-}" ]; then
        not_ok "ansible-test sanity needs python3-voluptuous python3-pycodestyle pylint yamllint python3-packaging"
else
        echo "# ansible-test sanity not run: apt-get install python3-voluptuous python3-pycodestyle pylint yamllint python3-packaging"
fi

# twtune on PATH for the module (through TWTUNE_WRAPPER, so valgrind in CI checks these runs too).
mkdir bin
printf '#!/bin/sh\nexec %s "%s" "$@"\n' "${TWTUNE_WRAPPER:-}" "$TWTUNE" >bin/twtune
chmod +x bin/twtune
export PATH="$TMP/bin:$PATH" WORK="$TMP"

cat >fleet.yaml <<'Y'
name: fleet-net
description: seven per-namespace TCP keys
sysctl:
  net.ipv4.tcp_fin_timeout: 30
  net.ipv4.tcp_keepalive_time: 600
  net.ipv4.tcp_keepalive_intvl: 30
  net.ipv4.tcp_keepalive_probes: 5
  net.ipv4.ip_local_port_range: [33000, 60999]
  net.ipv4.tcp_tw_reuse: 1
  net.ipv4.tcp_max_syn_backlog: 4096
Y
sed 's/tcp_fin_timeout: 30/tcp_fin_timeout: 25/' fleet.yaml >fleet25.yaml
printf 'name: bad\nsysctl:\n  net.ipv4.tcp_fin_timeout: 30\n  net.ipv4.tcp_tw_reuse: 7\n' >bad.yaml
printf 'sysctl:\n  net.ipv4.tcp_fin_timeout: 30\n  net.ipv4.tcp_tw_reuse: 7\n' >bad_noname.yaml
# A warning (tw-buckets-too-low) and a child that extends a parent shipped with `profiles`.
printf 'name: warned\nsysctl:\n  net.ipv4.tcp_max_tw_buckets: 5000\n' >warned.yaml
printf 'name: fleet-parent\nsysctl:\n  net.ipv4.tcp_keepalive_time: 700\n' >parent.yaml
printf 'name: child\nextends: [fleet-parent]\nsysctl:\n  net.ipv4.tcp_fin_timeout: 35\n' >child.yaml

# A connection that cannot pass input to a command (as paramiko): content goes by temporary file.
mkdir connection_plugins
cat >connection_plugins/nopipe.py <<'P'
from ansible.errors import AnsibleError
from ansible.plugins.connection.local import Connection as Local

DOCUMENTATION = '''
name: nopipe
short_description: local, without input to commands (test only)
description: [The local connection, refusing in_data as paramiko does.]
author: twtune tests
'''


class Connection(Local):
    transport = 'nopipe'
    has_pipelining = False

    def exec_command(self, cmd, in_data=None, sudoable=True):
        if in_data:
            raise AnsibleError('nopipe: this connection cannot pass input to a command')
        return super(Connection, self).exec_command(cmd, in_data=None, sudoable=sudoable)
P

# snap: the seven keys' live values and the persisted file's digest; gens: twtune's generations.
cat >playbook.yml <<'Y'
- name: twtune.twtune.profile against this namespace
  hosts: localhost
  gather_facts: false
  vars:
    snap: >-
      {{ lookup('pipe', 'cd /proc/sys/net/ipv4 && cat tcp_fin_timeout tcp_keepalive_time tcp_keepalive_intvl
      tcp_keepalive_probes ip_local_port_range tcp_tw_reuse tcp_max_syn_backlog | tr "\t\n" "  ";
      md5sum /etc/sysctl.d/99-twtune.conf 2>&1; true') }}
    gens: "{{ lookup('pipe', 'ls -A /var/lib/twtune/generations 2>&1; true') }}"
  tasks:
    - {set_fact: {s_orig: "{{ snap }}"}}
    - name: absent, nothing ever applied
      twtune.twtune.profile: {state: absent}
      register: r_absent0
    - name: absent in check mode, nothing ever applied
      twtune.twtune.profile: {state: absent}
      check_mode: true
      register: r_absent0c
    - name: verified, nothing ever applied
      twtune.twtune.profile: {state: verified}
      register: r_ver_none
    - {set_fact: {s_pre_check: "{{ snap }}", g_pre_check: "{{ gens }}"}}
    - name: check mode with diff
      twtune.twtune.profile: {path: "{{ work }}/fleet.yaml"}
      check_mode: true
      diff: true
      register: r_check
    - {set_fact: {s_check: "{{ snap }}", g_check: "{{ gens }}"}}
    - name: an installed profile by name, found through the task's environment
      twtune.twtune.profile: {path: base}
      environment: {TWTUNE_PROFILE_PATH: "{{ srcdir }}/profiles"}
      check_mode: true
      register: r_byname
    - name: a name that matches nothing
      twtune.twtune.profile: {path: no-such-profile}
      register: r_noname
      ignore_errors: true
    - name: first apply
      twtune.twtune.profile: {path: "{{ work }}/fleet.yaml"}
      register: r_apply1
    - {set_fact: {s_apply1: "{{ snap }}"}}
    - name: second apply
      twtune.twtune.profile: {path: "{{ work }}/fleet.yaml"}
      register: r_apply2
    - name: content, another value, on standard input
      twtune.twtune.profile: {content: "{{ lookup('file', work + '/fleet25.yaml') }}", wait: 5}
      diff: true
      register: r_content
    - {set_fact: {s_content: "{{ snap }}"}}
    - name: content, the same profile again
      twtune.twtune.profile: {content: "{{ lookup('file', work + '/fleet25.yaml') }}"}
      register: r_content2
    - name: verified, in sync
      twtune.twtune.profile: {state: verified}
      register: r_ver_ok
    - name: verified against a profile it does not match
      twtune.twtune.profile: {state: verified, path: "{{ work }}/fleet.yaml"}
      register: r_ver_other
      ignore_errors: true
    - name: drift, as a person would cause it
      raw: echo 99 >/proc/sys/net/ipv4/tcp_fin_timeout
    - name: verified, drifted
      twtune.twtune.profile: {state: verified}
      register: r_ver_drift
      ignore_errors: true
    - name: an invalid profile
      twtune.twtune.profile: {content: "{{ lookup('file', work + '/bad.yaml') }}"}
      register: r_bad
      ignore_errors: true
    - {set_fact: {s_bad: "{{ snap }}", g_bad: "{{ gens }}"}}
    - name: a missing twtune
      twtune.twtune.profile: {path: "{{ work }}/fleet.yaml", executable: /nonexistent/twtune}
      register: r_missing
      ignore_errors: true
    - name: an unnamed invalid profile on standard input
      twtune.twtune.profile: {content: "{{ lookup('file', work + '/bad_noname.yaml') }}"}
      register: r_bad_noname
      ignore_errors: true
    - name: twtune only in an sbin directory, PATH without it (as su leaves it on Debian)
      twtune.twtune.profile: {state: verified}
      environment: {PATH: /usr/bin:/bin}
      register: r_sbin
      ignore_errors: true
    - name: a profile with a warning, in check mode
      twtune.twtune.profile: {content: "{{ lookup('file', work + '/warned.yaml') }}"}
      check_mode: true
      register: r_warn
    - name: content that extends a parent, without the parent
      twtune.twtune.profile: {content: "{{ lookup('file', work + '/child.yaml') }}"}
      check_mode: true
      register: r_noparent
      ignore_errors: true
    - name: content that extends a parent shipped with profiles
      twtune.twtune.profile:
        content: "{{ lookup('file', work + '/child.yaml') }}"
        profiles: {fleet-parent: "{{ lookup('file', work + '/parent.yaml') }}"}
      check_mode: true
      register: r_parent
    - name: the parent through profiles, the task's own search path kept after it
      twtune.twtune.profile:
        content: "extends: [fleet-parent, base]\nsysctl: {}\n"
        profiles: {fleet-parent: "{{ lookup('file', work + '/parent.yaml') }}"}
      environment: {TWTUNE_PROFILE_PATH: "{{ srcdir }}/profiles"}
      check_mode: true
      register: r_parent_env
    - name: hash with state verified
      twtune.twtune.profile: {state: verified, hash: 0123456789abcdef}
      register: r_hash_bad
      ignore_errors: true
    - name: path and content together
      twtune.twtune.profile: {path: "{{ work }}/fleet.yaml", content: "x"}
      register: r_both
      ignore_errors: true
    - name: absent in check mode
      twtune.twtune.profile: {state: absent}
      check_mode: true
      diff: true
      register: r_absent_check
    - {set_fact: {s_absent_check: "{{ snap }}", g_absent_check: "{{ gens }}"}}
    - name: absent
      twtune.twtune.profile: {state: absent}
      register: r_absent
    - {set_fact: {s_absent: "{{ snap }}"}}
    - name: absent again
      twtune.twtune.profile: {state: absent}
      register: r_absent2
    - name: in a network namespace given by path (this one, through PID 1)
      twtune.twtune.profile: {path: "{{ work }}/fleet.yaml", netns: /proc/1/ns/net}
      check_mode: true
      register: r_netns
    - name: live only
      twtune.twtune.profile: {path: "{{ work }}/fleet.yaml", persist: false}
      register: r_nopersist
    - {set_fact: {s_nopersist: "{{ snap }}"}}
    - name: back to the start
      twtune.twtune.profile: {state: absent}

- name: content through a connection without standard input
  hosts: localhost
  gather_facts: false
  connection: nopipe
  tasks:
    - name: content by temporary file
      twtune.twtune.profile: {content: "{{ lookup('file', work + '/fleet.yaml') }}"}
      register: r_tmpfile
    - name: back to the start
      twtune.twtune.profile: {state: absent}
      register: r_tmpfile_absent
    - name: every result, for the test to read
      delegate_to: localhost
      copy:
        dest: "{{ work }}/results.json"
        content: "{{ hostvars.localhost | dict2items | selectattr('key', 'match', '^[rsg]_') | items2dict | to_nice_json }}"
Y

cat >ansible_ns.sh <<'S'
# A twtune only in /usr/local/sbin (a tmpfs over it here, in this mount namespace).
mount -t tmpfs -o mode=0755 tmpfs /usr/local/sbin && cp bin/twtune /usr/local/sbin/twtune
ansible-playbook -i localhost, -c local -e "work=$WORK srcdir=$SRCDIR" playbook.yml >out 2>err
rc=$?
if [ "$rc" -eq 0 ]; then ok "ansible-playbook ran every case (exit 0)"; else
        not_ok "ansible-playbook exit $rc"
        grep -v '\.\.\.ignoring' out | grep -B3 'fatal:\|ERROR' | cut -c1-400 | sed 's/^/#   play: /' | tail -n 30
fi
cp out play.out
cp err play.err
if [ -f results.json ]; then cp results.json out; else not_ok "no results.json"; fi
S
in_ns ansible_ns.sh
# The assertions below read what the playbook recorded inside the namespace.
cp play.out out
expect_out "-net.ipv4.tcp_fin_timeout = 60" "--diff shows the value before"
expect_out "+net.ipv4.tcp_fin_timeout = 30" "--diff shows the value after"
expect_out "+net.ipv4.ip_local_port_range = 33000 60999" "--diff shows a vector key"
cp play.err err
expect_err "[WARNING]: twtune: <stdin>:3:3: net.ipv4.tcp_max_tw_buckets=5000 is below" "the play prints twtune's warning as [WARNING]"
cp results.json out 2>/dev/null || : >out
# jq 1.6 -e exits 0 on empty input (no result), so each check first requires the playbook's
# results: one object, slurped (-s gives [] for empty input).
expect_json() {
        if jq -e -s 'length == 1 and (.[0] | type == "object" and has("r_tmpfile"))' out >/dev/null 2>&1 && jq -e "$1" out >/dev/null 2>&1; then
                ok "$2"
        else # the first result the expression names, rather than the whole file
                FAIL=$((FAIL + 1)); echo "not ok - $2: jq '$1' is not true"
                v=$(printf '%s' "$1" | grep -oE '\.[rsg]_[a-z0-9_]+' | head -n 1)
                [ -z "$v" ] || jq -c "$v" out 2>&1 | cut -c1-800 | sed "s/^/#   $v: /"
        fi
}
expect_json '.r_absent0.changed == false and (.r_absent0.failed | not) and .r_absent0.error.code == "nothing-applied"' "absent with nothing applied: changed false, not failed"
expect_json '.r_absent0c.changed == false and (.r_absent0c.failed | not)' "absent in check mode with nothing applied: changed false"
expect_json '.r_check.changed == true and .r_check.dry_run == true and .r_check.summary.change == 7' "check mode reports the 7 changes"
expect_json '(.r_check.cmd | test("apply --dry-run")) and (.r_check.cmd | test("--no-persist") | not)' "check mode runs apply --dry-run"
expect_json '.s_check == .s_orig and .s_pre_check == .s_orig and .g_check == .g_pre_check' "check mode changes no value, file or generation"
# With a persisted file to create, diff mode gives a list: the keys' diff, then the file's.
expect_json '.r_check.diff[0].before | test("net.ipv4.tcp_keepalive_time = 7200")' "diff before in the result"
expect_json '.r_check.diff[1].prepared | test("99-twtune.conf: created\n--- /dev/null")' "and the persisted file's creation as a unified diff"
expect_json '.r_byname.failed == false and .r_byname.profile == "base" and .r_byname.path == "'"$SRCDIR"'/profiles/base.yaml" and .r_byname.dry_run == true' "path: a profile name, with the task's environment"
expect_json '.r_noname.failed == true and .r_noname.rc == 3 and (.r_noname.msg | test("^twtune apply failed \\(exit 3, invalid-profile\\): no-such-profile: cannot load the profile; no-such-profile"))' "path: an unknown name fails with twtune's finding"
expect_json '.r_apply1.changed == true and .r_apply1.generation == 1 and .r_apply1.persisted == "/etc/sysctl.d/99-twtune.conf"' "first apply: changed, generation 1"
expect_json '.s_apply1 | startswith("30 600 30 5 33000 60999 1 4096 ")' "first apply sets the live values"
expect_json '.s_apply1 | test("99-twtune.conf") and (test("No such file") | not)' "first apply persists the file"
expect_json '.r_apply1.settings | length == 7 and all(.status == "change")' "settings are twtune's rows"
expect_json '.r_apply1.findings | map(.code) | index("fin-timeout-is-not-time-wait") != null' "findings returned"
expect_json '.r_apply2.changed == false and .r_apply2.generation == null and (.r_apply2.settings | all(.status == "ok"))' "second apply: unchanged"
expect_json '.r_apply2.current_generation == 1 and .r_apply2.content_hash == .r_apply1.content_hash and (.r_apply1.content_hash | test("^[0-9a-f]{64}$"))' "an unchanged apply still reports the host's generation and content hash"
expect_json '.r_check.current_generation == null and .r_check.content_hash == null' "before the first apply: null generation and hash"
expect_json '.r_ver_ok.current_generation == 2 and .r_ver_ok.content_hash == .r_content.content_hash' "verified reports them too"
expect_json '(.r_apply2 | has("diff")) | not' "no diff when nothing changes"
expect_json '.r_content.changed == true and .r_content.generation == 2 and .r_content.path == "<stdin>" and (.r_content.cmd | endswith("-- -"))' "content: applied from standard input"
expect_json '.s_content | startswith("25 600 ")' "content: the live value is the content's"
expect_json '.r_content.diff[0].before == "net.ipv4.tcp_fin_timeout = 30\n" and .r_content.diff[0].after == "net.ipv4.tcp_fin_timeout = 25\n" and (.r_content.diff[1].prepared | test(": changed\n"))' "diff holds only the key that changes"
expect_json '.r_content2.changed == false' "same content again: unchanged"
expect_json '.r_ver_none.failed == false and .r_ver_none.warnings == ["twtune has applied nothing on this host: nothing was verified"]' "verified with nothing applied: passes with a warning"
expect_json '.r_ver_ok.warnings == null' "(no warning once applied)"
expect_json '.r_ver_ok.changed == false and (.r_ver_ok.failed | not) and .r_ver_ok.drifted == [] and .r_ver_ok.rc == 0' "verified in sync passes"
expect_json '.r_ver_other.failed == true and .r_ver_other.rc == 1 and .r_ver_other.drifted == ["net.ipv4.tcp_fin_timeout"]' "verified against another profile fails"
expect_json '.r_ver_drift.failed == true and .r_ver_drift.rc == 1 and .r_ver_drift.drifted == ["net.ipv4.tcp_fin_timeout"]' "verified on drift fails, naming the key"
expect_json '.r_ver_drift.msg == "twtune verify found drift (exit 1): net.ipv4.tcp_fin_timeout is 99, expected 25"' "drift message names key, live and expected value"
expect_json '.r_bad.failed == true and .r_bad.rc == 3 and .r_bad.error.code == "invalid-profile"' "invalid profile fails with rc 3"
expect_json '.r_bad.msg == "twtune apply failed (exit 3, invalid-profile): bad is invalid; nothing was changed; out-of-range (net.ipv4.tcp_tw_reuse, <stdin>:4:3): net.ipv4.tcp_tw_reuse: 7 is outside 0..2; the kernel rejects it (EINVAL)"' "invalid profile: msg names it by its name: and carries the finding's file, line and message"
expect_json '.r_bad_noname.msg | startswith("twtune apply failed (exit 3, invalid-profile): <stdin> is invalid; nothing was changed; out-of-range (net.ipv4.tcp_tw_reuse, <stdin>:3:3)")' "an unnamed profile on standard input is <stdin>"
expect_json '.r_sbin.rc == 1 and .r_sbin.drifted == ["net.ipv4.tcp_fin_timeout"] and (.r_sbin.cmd | startswith("twtune "))' "twtune found in /usr/local/sbin with PATH=/usr/bin:/bin (and reports the drift there is)"
expect_json '.r_warn.warnings | length == 1 and (.[0] | test("^twtune: <stdin>:3:3: net.ipv4.tcp_max_tw_buckets=5000 is below .*\\[tw-buckets-too-low\\]$"))' "a twtune warning becomes the task's warning, with file, line and code"
expect_json '.r_noparent.failed == true and (.r_noparent.msg | test("extends-not-found"))' "content extending a parent that was not shipped fails (extends-not-found)"
expect_json '.r_parent.failed == false and .r_parent.profile == "child" and ([.r_parent.settings[] | select(.status != "restore") | "\(.key)=\(.desired)"] | sort) == ["net.ipv4.tcp_fin_timeout=35", "net.ipv4.tcp_keepalive_time=700"]' "profiles: the parent is found, its key applied with the child's"
expect_json '.r_parent_env.failed == false and (.r_parent_env.findings | map(select(.severity == "error")) | length == 0) and (.r_parent_env.settings | map(.key) | index("net.ipv4.tcp_keepalive_time") != null)' "profiles and the task's TWTUNE_PROFILE_PATH together"
expect_json '.r_hash_bad.failed == true and (.r_hash_bad.msg | test("use it with state=applied"))' "hash with state verified is refused"
expect_json '.s_bad == (.s_content | sub("^25 "; "99 "))' "invalid profile changes nothing"
expect_json '.r_missing.failed == true and .r_missing.rc == 127 and (.r_missing.msg | test("printed no JSON result \\(exit 127\\) \\(is twtune installed\\? executable=/nonexistent/twtune, looked up on PATH and in /sbin, /usr/sbin, /usr/local/sbin\\): .*/nonexistent/twtune: not found"))' "a missing twtune: the msg quotes what the shell printed"
expect_json '.r_both.failed == true and (.r_both.msg | test("mutually exclusive"))' "path and content together refused"
expect_json '.r_absent_check.changed == true and (.r_absent_check.cmd | test("rollback --to 0 --dry-run")) and .r_absent_check.generation == null' "absent in check mode: rollback --to 0 --dry-run"
expect_json '.s_absent_check == .s_bad and .g_absent_check == .g_bad and .g_bad == "1\n2"' "absent in check mode changes nothing"
expect_json '(.r_absent_check.diff | if type == "array" then .[0] else . end).after | test("net.ipv4.tcp_fin_timeout = 60")' "absent diff shows the original value"
expect_json '.r_absent.changed == true and .r_absent.to == 0 and .r_absent.generation == 3' "absent: changed, rolled back to 0"
expect_json '.s_absent == .s_orig' "absent restores the original values and removes the file"
expect_json '.s_orig | test("99-twtune.conf: No such file")' "(no file at the start)"
expect_json '.r_absent2.changed == false and (.r_absent2.failed | not)' "absent again: unchanged"
expect_json '.r_netns.failed == false and (.r_netns.cmd | test(" --netns /proc/1/ns/net -- ")) and .r_netns.netns == "host" and .r_netns.summary.change == 7' "netns: passed to twtune (PID 1's namespace is the host's to it)"
expect_json '.r_nopersist.changed == true and .r_nopersist.persisted == null and (.r_nopersist.cmd | test("--no-persist"))' "persist: false passes --no-persist"
expect_json '.s_nopersist | startswith("30 600 ") and test("99-twtune.conf: No such file")' "persist: false writes no file"
expect_json '.r_tmpfile.changed == true and (.r_tmpfile.path | test("/ansible-tmp-.*/profile.yaml$"))' "without standard input: content by temporary file"
expect_json '.r_tmpfile_absent.changed == true' "(rolled back)"
if [ -z "$(ls -A "$ANSIBLE_REMOTE_TEMP" 2>/dev/null)" ]; then ok "temporary file removed"; else not_ok "left in $ANSIBLE_REMOTE_TEMP: $(ls -A "$ANSIBLE_REMOTE_TEMP")"; fi

host_after=$(host_state)
[ "$host_before" = "$host_after" ] && ok "host sysctls, /etc/sysctl.d and /var/lib/twtune untouched" || not_ok "host state changed"
finish
