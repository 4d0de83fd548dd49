#!/bin/sh
# SPDX-License-Identifier: MIT
# Benchmark: one twtune.twtune.profile task against the per-key way every Ansible user knows,
# seven ansible.posix.sysctl tasks (sysctl_file, reload: yes), for the same seven net.* keys.
# One ansible-playbook run holds every play of every round; each play's time is the time between
# two timestamps taken at its start and end, less the same for an empty play, so Ansible's start
# and the timestamps themselves cancel out. A no-op ping task (Ansible's cost of running any
# Python module on the host) is measured the same way, for context. Figures are medians of ROUNDS
# rounds; "change" plays start from the kernel's values, "steady" plays find them already set.
#
#   tests/bench/ansible.sh [BUILD_DIR]        (as root; ROUNDS=5 by default)
#
# Everything runs in private network, mount and PID namespaces with tmpfs over /etc/sysctl.d and
# /var/lib: the host's sysctls and files are not touched. The connection is local, so the
# module's cost here is the least it can be: over ssh each Python module needs more round trips.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
ROUNDS=${ROUNDS:-5}
for tool in ansible-playbook ansible-galaxy jq unshare; do
        command -v $tool >/dev/null || { echo "ansible bench: $tool is needed (apt-get install ansible jq util-linux)"; exit 2; }
done
[ -x "$build/twtune" ] || { echo "ansible bench: no $build/twtune (build first)"; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/twtune-ansible-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
export ANSIBLE_HOME="$work/home" ANSIBLE_LOCAL_TEMP="$work/local" ANSIBLE_REMOTE_TEMP="$work/remote"
export ANSIBLE_COLLECTIONS_PATH="$work/collections" ANSIBLE_GATHERING=explicit ANSIBLE_NOCOLOR=1
export ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_CONFIG="$work/ansible.cfg"
: >ansible.cfg
ansible-galaxy collection build "$src/packaging/ansible" --output-path dist >/dev/null
ansible-galaxy collection install dist/twtune-twtune-*.tar.gz -p collections >/dev/null
mkdir bin && ln -s "$build/twtune" bin/twtune

# key, value: the profile, and the seven sysctl tasks.
cat >keys <<'K'
net.ipv4.tcp_fin_timeout 30
net.ipv4.tcp_keepalive_time 600
net.ipv4.tcp_keepalive_intvl 30
net.ipv4.tcp_keepalive_probes 5
net.ipv4.ip_local_port_range 33000 60999
net.ipv4.tcp_tw_reuse 1
net.ipv4.tcp_max_syn_backlog 4096
K
{ echo "name: bench"; echo "sysctl:"
  while read -r k v; do echo "  $k: \"$v\""; done <keys; } >bench.yaml

mark() { echo "    - {set_fact: {marks: \"{{ marks | default([]) + [['$1', now().timestamp()]] }}\"}}"; }
play() { # play NAME [connection]: a timed play; its tasks follow on standard input
        echo "- hosts: localhost"
        echo "  gather_facts: false"
        echo "  tasks:"
        mark "$1 start"
        cat
        mark "$1 end"
}
twtune_tasks() {
        echo "    - twtune.twtune.profile: {path: $work/bench.yaml}"
        echo "      register: r_$1"
}
sysctl_tasks() {
        while read -r k v; do
                echo "    - ansible.posix.sysctl: {name: $k, value: '$v', sysctl_file: /etc/sysctl.d/60-bench.conf, reload: true}"
                echo "      register: r_$1_$(echo "$k" | tr . _)"
        done <keys
}
reset_play() { # back to the kernel's values, no twtune state, no sysctl file (not timed)
        cat <<R
- hosts: localhost
  gather_facts: false
  tasks:
    - raw: twtune rollback --to 0 >/dev/null 2>&1; rm -f /etc/sysctl.d/60-bench.conf; sh $work/orig.sh
R
}
{
        r=1
        while [ $r -le "$ROUNDS" ]; do
                reset_play
                : | play "empty $r"
                twtune_tasks "tw_change_$r" | play "twtune-change $r"
                twtune_tasks "tw_steady_$r" | play "twtune-steady $r"
                reset_play
                sysctl_tasks "sy_change_$r" | play "sysctl-change $r"
                sysctl_tasks "sy_steady_$r" | play "sysctl-steady $r"
                echo "    - ping:" | play "ping $r"
                r=$((r + 1))
        done
        cat <<E
- hosts: localhost
  gather_facts: false
  tasks:
    - copy:
        dest: $work/marks.json
        content: "{{ {'marks': marks, 'results': hostvars.localhost | dict2items | selectattr('key', 'match', '^r_')
                     | items2dict} | to_json }}"
E
} >bench.yml

# Inside the namespace: remember the kernel's values, then run everything.
cat >inner.sh <<'S'
mount -t tmpfs -o mode=0755 tmpfs /etc/sysctl.d && mount -t tmpfs -o mode=0755 tmpfs /var/lib || exit 1
while read -r k v; do
        printf "printf '%%s\\\\n' '%s' >/proc/sys/%s\n" "$(cat "/proc/sys/$(echo "$k" | tr . /)")" "$(echo "$k" | tr . /)"
done <keys >orig.sh
PATH="$PWD/bin:$PATH" ansible-playbook -i localhost, -c local bench.yml >play.out 2>&1 || { tail -n 30 play.out; exit 1; }
S
unshare -n -m -p --fork --mount-proc sh inner.sh

# Per play: end - start in ms; per kind: the median over rounds, less the empty play's median.
jq -r '.marks | map({name: (.[0] | sub(" (start|end)$"; "")), at: .[1]})
        | group_by(.name) | map({kind: (.[0].name | sub(" [0-9]+$"; "")), ms: ((.[1].at - .[0].at) * 1000)})
        | group_by(.kind) | map({kind: .[0].kind, ms: (map(.ms) | sort | .[(length / 2 | floor)])})
        | map("\(.kind) \(.ms)") | .[]' marks.json >medians
empty=$(awk '$1 == "empty" {print $2}' medians)
net() { awk -v k="$1" -v e="$empty" '$1 == k {printf "%.1f", $2 - e}' medians; }
echo "twtune.twtune.profile (1 task) vs ansible.posix.sysctl (7 tasks), 7 net.* keys, $ROUNDS rounds,"
echo "ansible-core $(ansible --version | sed -n '1s/.*core \([0-9.]*\).*/\1/p'), connection local, median ms of each play less the empty play's ($(printf %.1f "$empty") ms)"
printf '%-16s %10s %10s %8s\n' "" twtune sysctl ratio
for phase in change steady; do
        t=$(net "twtune-$phase"); s=$(net "sysctl-$phase")
        printf '%-16s %10s %10s %8s\n' "$phase" "$t" "$s" "$(awk -v t="$t" -v s="$s" 'BEGIN {printf "%.1fx", s / t}')"
done
printf '%-16s %10s\n' "ping (1 task)" "$(net ping)"
# The steady plays must have found nothing to do, the change plays everything.
jq -e '.results | length == '"$((ROUNDS * 16))"' and (to_entries | all(.value.changed == (.key | test("_change_"))))' marks.json >/dev/null ||
        { echo "unexpected changed: $(jq -c '.results | map_values(.changed)' marks.json)"; exit 1; }
echo "(each change play changed, each steady play did not: checked)"
