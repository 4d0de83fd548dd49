#!/bin/sh
# SPDX-License-Identifier: MIT
# Apply means "make the host match this profile": managed keys a profile drops go back to their
# values before twtune; rollback steps back; history shows a generation in full; records are text.
# All against a fake root (--root), so nothing of this host is touched.
. "$SRCDIR/tests/cli/lib.sh"

mkroot r
val() { cat "r/proc/sys/net/ipv4/$1"; }
gens() { ls r/var/lib/twtune/generations | sort -n | tr '\n' ' '; }
cat >a.yaml <<'EOF'
name: a
sysctl:
  net.ipv4.tcp_tw_reuse: 1
  net.ipv4.tcp_max_tw_buckets: 262144
  net.ipv4.tcp_keepalive_time: 600
EOF
cat >b.yaml <<'EOF'
name: b
sysctl:
  net.ipv4.tcp_keepalive_time: 600
EOF
cat >c.yaml <<'EOF'
name: c
sysctl:
  net.ipv4.tcp_keepalive_time: 300
  net.ipv4.tcp_fin_timeout: 30
EOF

# --- dropped keys come back --------------------------------------------------------------------
run --root r apply a.yaml; expect_rc 0 "apply a (3 keys)"
echo 99 >r/proc/sys/net/ipv4/tcp_max_tw_buckets # changed by hand after twtune set it
run --root r --format json apply --dry-run b.yaml; expect_rc 0 "dry run of b"
expect_json '.changed == true and .dry_run == true and .generation == null' "a dry run that would restore keys says changed: true"
expect_json '[.settings[] | select(.status == "restore")] | map(.key) | sort == ["net.ipv4.tcp_max_tw_buckets","net.ipv4.tcp_tw_reuse"]' "both dropped keys are restore rows"
expect_json '.settings[] | select(.key == "net.ipv4.tcp_tw_reuse") | .current == "1" and .desired == "2"' "tcp_tw_reuse goes back to its value before twtune"
expect_json '.settings[] | select(.key == "net.ipv4.tcp_max_tw_buckets") | .desired == "131072" and (.reason | contains("not twtune'"'"'s"))' "a key changed by hand is still restored, and said not to be twtune's"
expect_json '.settings[] | select(.key == "net.ipv4.tcp_tw_reuse") | (.reason | contains("not twtune'"'"'s")) | not' "a key twtune left as it was is not called foreign"
expect_json '.summary.restore == 2 and .summary.ok == 1' "summary counts restores"
run --root r diff b.yaml; expect_rc 0 "diff b"
grep -Eq '^net\.ipv4\.tcp_tw_reuse +1 +2 +restore ' out && ok "diff shows the restore row as apply --dry-run does" || not_ok "diff restore row"
run --root r --format json diff --exit-code b.yaml; expect_rc 1 "diff --exit-code counts restores as changes"
run --root r apply b.yaml; expect_rc 0 "apply b (1 of a's keys)"
expect_out "generation 2: 2 keys changed" "apply reports the two restores"
[ "$(val tcp_tw_reuse) $(val tcp_max_tw_buckets) $(val tcp_keepalive_time)" = "2 131072 600" ] &&
        ok "the other two keys are back at their pre-twtune values" || not_ok "values: $(val tcp_tw_reuse) $(val tcp_max_tw_buckets) $(val tcp_keepalive_time)"
[ "$(grep -v '^#' r/etc/sysctl.d/99-twtune.conf)" = "net.ipv4.tcp_keepalive_time = 600" ] &&
        ok "the persisted file holds one key" || not_ok "file: $(cat r/etc/sysctl.d/99-twtune.conf)"
run --root r verify; expect_rc 0 "verify is clean after the restores"
expect_out "no drift: 1 key and the persisted file match b" "verify checks only what is managed now"
run --root r apply b.yaml; expect_rc 0 "apply b again"
expect_out "nothing to change" "a second apply changes nothing"
[ "$(gens)" = "1 2 " ] && ok "and records no generation" || not_ok "generations: $(gens)"
run --root r --format json history 2; expect_rc 0 "history 2"
expect_json '.command == "history" and .generation == 2 and .action == "apply" and .restores == null and .profile == "b"' "history N names the generation and what produced it"
expect_json '[.keys[] | select(.role == "restore")] | map(.key) | sort == ["net.ipv4.tcp_max_tw_buckets","net.ipv4.tcp_tw_reuse"]' "history N lists the restored keys"
expect_json '.keys[] | select(.key == "net.ipv4.tcp_max_tw_buckets") | .before == "99" and .after == "131072" and .written' "each key with its before and after value"
expect_json '.managed == [{"key": "net.ipv4.tcp_keepalive_time", "baseline": "7200"}]' "the managed set and its baseline"
expect_json '(.file | contains("net.ipv4.tcp_keepalive_time = 600")) and (.file_before | contains("tcp_tw_reuse = 1"))' "the persisted file as text, before and after"
run --root r history 2; expect_rc 0 "history 2, text"
expect_out "  net.ipv4.tcp_keepalive_time = 600" "text shows the persisted file"
grep -q '^|net.ipv4.tcp_keepalive_time = 600$' r/var/lib/twtune/generations/2 && ok "the record holds the file as text lines" || not_ok "record text"
grep -q '^rst	net.ipv4.tcp_tw_reuse	1	1	2$' r/var/lib/twtune/generations/2 && ok "restored keys are rst lines" || not_ok "rst line"
run --root r history 9; expect_rc 2 "history of a generation that does not exist"
expect_err "no generation 9" "says so"
run --root r history x; expect_rc 2 "history x is a usage error"

# --- rollback steps back -----------------------------------------------------------------------
run --root r apply c.yaml; expect_rc 0 "apply c (generation 3)"
before=$(tree_digest r)
run --root r rollback --dry-run; expect_rc 0 "rollback --dry-run"
[ "$(tree_digest r)" = "$before" ] && ok "--dry-run changes nothing: live values, file and state" || not_ok "dry run changed the tree"
grep -Eq '^net\.ipv4\.tcp_keepalive_time +300 +600 +change' out && ok "--dry-run shows the rows" || not_ok "dry-run rows"
expect_out "-net.ipv4.tcp_fin_timeout = 30" "--dry-run shows the file's removed line"
expect_out "+net.ipv4.tcp_keepalive_time = 600" "and its added line"
run --root r --format json rollback --dry-run; expect_rc 0 "rollback --dry-run json"
expect_json '.dry_run == true and .changed == true and .to == 2 and .generation == null and .file.changes == true' "dry-run JSON: target and file change"
run --root r rollback; expect_rc 0 "rollback from 3"
expect_out "rolled back to generation 2 as generation 4" "goes to 2's state"
run --root r rollback; expect_rc 0 "rollback again"
expect_out "rolled back to generation 1 as generation 5" "steps on to 1's state instead of toggling back to 3"
[ "$(val tcp_tw_reuse) $(val tcp_max_tw_buckets) $(val tcp_keepalive_time) $(val tcp_fin_timeout)" = "1 262144 600 60" ] &&
        ok "values are generation 1's" || not_ok "values at 1: $(val tcp_tw_reuse) $(val tcp_max_tw_buckets) $(val tcp_keepalive_time) $(val tcp_fin_timeout)"
run --root r --format json history 5; expect_json '.action == "rollback" and .restores == 1' "the rollback generation says which it restored"
run --root r verify; expect_rc 0 "verify after stepping back"
run --root r rollback; expect_rc 0 "rollback to before twtune"
expect_out "rolled back to generation 0 as generation 6" "then to before the first apply"
[ "$(val tcp_tw_reuse) $(val tcp_max_tw_buckets) $(val tcp_keepalive_time) $(val tcp_fin_timeout)" = "2 131072 7200 60" ] &&
        ok "every key is back at its original value" || not_ok "values at 0"
[ ! -e r/etc/sysctl.d/99-twtune.conf ] && ok "and the file is gone" || not_ok "file left"
run --root r rollback; expect_rc 0 "rollback with nothing left"
expect_out "already as before twtune's first apply" "says there is nothing to roll back"
[ "$(gens)" = "1 2 3 4 5 6 " ] && ok "and records nothing" || not_ok "generations: $(gens)"
run --root r rollback --to 3; expect_rc 0 "rollback --to 3 as before"
expect_out "rolled back to generation 3 as generation 7" "--to N still goes to N"
run --root r rollback --to 42; expect_rc 2 "rollback --to a generation that does not exist"

# --- an apply that only drops keys already at their baselines is still recorded -------------------
mkroot q
run --root q apply --no-persist a.yaml; expect_rc 0 "apply a, live only"
printf '2\n' >q/proc/sys/net/ipv4/tcp_tw_reuse; printf '131072\n' >q/proc/sys/net/ipv4/tcp_max_tw_buckets
printf '7200\n' >q/proc/sys/net/ipv4/tcp_keepalive_time
cat >k.yaml <<'EOF'
name: k
sysctl:
  net.ipv4.tcp_keepalive_time: 7200
EOF
run --root q apply --no-persist k.yaml; expect_rc 0 "apply k, which drops two keys already at their baselines"
[ "$(ls q/var/lib/twtune/generations | wc -l)" = 2 ] && ok "the smaller managed set is recorded" || not_ok "no generation for the drop"
run --root q verify; expect_rc 0 "so verify does not report the dropped keys"

# --- version 1 records still load ---------------------------------------------------------------
mkroot o
mkdir -p o/var/lib/twtune/generations && chmod 700 o/var/lib/twtune
file=$(printf 'net.ipv4.tcp_tw_reuse = 1\n' | od -An -tx1 | tr -d ' \n')
body="twtune-state 1
kind generation
generation 1
time 1700000000
profile old
hash -
persist 1
file-before -
file $file
key	net.ipv4.tcp_tw_reuse	1	2	1"
printf '%s\nend %s\n' "$body" "$(printf '%s\n' "$body" | sha256sum | cut -d' ' -f1)" >o/var/lib/twtune/generations/1
chmod 600 o/var/lib/twtune/generations/1
mkdir -p o/etc/sysctl.d && printf 'net.ipv4.tcp_tw_reuse = 1\n' >o/etc/sysctl.d/99-twtune.conf
echo 1 >o/proc/sys/net/ipv4/tcp_tw_reuse
run --root o --format json history 1; expect_rc 0 "a version 1 record loads"
expect_json '.profile == "old" and .file == "net.ipv4.tcp_tw_reuse = 1\n" and .keys[0].before == "2"' "with its hex file and keys"
run --root o apply b.yaml; expect_rc 0 "the first apply after the upgrade"
[ "$(cat o/proc/sys/net/ipv4/tcp_tw_reuse)" = 2 ] && ok "restores the old generation's key from its derived baseline" || not_ok "tcp_tw_reuse not restored"
grep -q '^base	net.ipv4.tcp_keepalive_time	7200$' o/var/lib/twtune/generations/2 && ok "and records the baselines from then on" || not_ok "no base line"
finish
