# SPDX-License-Identifier: MIT
# A fleet rollback by content hash: fake roots standing in for hosts with different histories
# (generation numbers differ for the same profile) go back to one profile's state with
# `rollback --to-hash H`, and each ends with that profile's live values (the fake /proc/sys), the
# same persisted file bytes, and H as its state. history lists every generation's hash; apply,
# verify and rollback report the host's generation and hash, changed or not.
. "$SRCDIR/tests/cli/lib.sh"

printf 'name: A\nsysctl:\n  net.ipv4.tcp_fin_timeout: 30\n  net.ipv4.tcp_keepalive_time: 600\n' >A.yaml
printf 'name: B\nsysctl:\n  net.ipv4.tcp_fin_timeout: 25\n  net.core.somaxconn: 8192\n' >B.yaml
printf 'name: C\nsysctl:\n  net.ipv4.tcp_keepalive_time: 900\n' >C.yaml
# h ROOT ARGS...: twtune --format json against one host.
h() { r=$1; shift; run --root "$r" --format json "$@"; }
vals() { (cd "$1/proc/sys" && cat net/ipv4/tcp_fin_timeout net/ipv4/tcp_keepalive_time net/core/somaxconn | tr '\n' ' '); }
for r in h1 h2 h3 h4; do mkroot $r; done
orig=$(vals h1)
h h1 apply A.yaml; h h1 apply B.yaml
h h2 apply B.yaml; h h2 apply A.yaml; h h2 apply C.yaml
h h3 apply A.yaml; h h3 apply C.yaml; h h3 rollback; h h3 apply B.yaml
echo 1 >h3/proc/sys/net/ipv4/tcp_fin_timeout # drift, then fixed by applying B again
h h3 apply B.yaml
h h4 apply B.yaml; h h4 apply C.yaml

h h1 history; expect_rc 0 "history on h1"
HA=$(jq -r '.generations[] | select(.profile == "A") | .hash' out | head -n 1)
case $HA in ????????????????????????????????????????????????????????????????) ok "history lists A's hash ($HA)" ;;
*) not_ok "no hash for A in h1's history" ;; esac
# The same profile has the same hash on every host, whatever its generation number.
for r in h2 h3; do
        h $r history
        expect_json "[.generations[] | select(.profile == \"A\") | .hash] | length >= 1 and all(. == \"$HA\")" "$r: A's generations have the same hash"
done
expect_json '(.generations | length) == 5 and all(.generations[]; .hash | type == "string")' "h3: every generation, the rollback included, lists its hash"
expect_json '.generations[2].action == "rollback" and .generations[2].hash == .generations[0].hash' "h3: the rollback's hash is the generation it restored"

h h1 apply B.yaml; expect_rc 0 "h1: B again, unchanged"
expect_json '.changed == false and .generation == null and .state.generation == 2 and (.state.hash | test("^[0-9a-f]{64}$"))' "an unchanged apply still reports the host's generation and hash"
HB=$(jq -r .state.hash out)
h h1 verify; expect_rc 0 "h1: verify"
expect_json ".state == {\"generation\": 2, \"hash\": \"$HB\"}" "verify reports the host's generation and hash"
h h1 apply --dry-run A.yaml
expect_json ".state == {\"generation\": 2, \"hash\": \"$HB\"}" "a dry run reports the state now"

# The rollback: one command for every host.
short=$(echo "$HA" | cut -c1-12)
for r in h1 h2 h3; do
        before=$(ls $r/var/lib/twtune/generations | sort -n | tail -n 1)
        h $r rollback --to-hash "$short"; expect_rc 0 "$r: rollback --to-hash $short (from generation $before)"
        expect_json ".changed == true and .state.hash == \"$HA\" and .state.generation == .generation" "$r: now at A's hash, as a new generation"
        if [ "$(vals $r)" = "$(vals h1)" ]; then ok "$r: A's live values ($(vals $r))"; else not_ok "$r: values $(vals $r), h1 has $(vals h1)"; fi
        if cmp -s $r/etc/sysctl.d/99-twtune.conf h1/etc/sysctl.d/99-twtune.conf; then ok "$r: the same file bytes as h1"
        else not_ok "$r: the persisted file differs from h1's"; fi
        grep -qx "# sha256: $HA" $r/etc/sysctl.d/99-twtune.conf && ok "$r: the file's header names the hash" || not_ok "$r: file header"
        run --root $r verify; expect_rc 0 "$r: verify passes after it"
done
case $(vals h1) in "30 600 "*) ok "A's values: $(vals h1)" ;; *) not_ok "h1 is not at A: $(vals h1)" ;; esac
h h2 rollback --to-hash "$HA"; expect_rc 0 "h2: again, with the full hash"
expect_json '.changed == false and .generation == null and .to > 0' "already there: nothing changes"

# A host that never ran A: refused, nothing changed.
before=$(vals h4; ls h4/var/lib/twtune/generations; md5sum <h4/etc/sysctl.d/99-twtune.conf)
h h4 rollback --to-hash "$HA"; expect_rc 2 "h4 (never ran A): refused"
expect_json '.error.code == "usage" and (.error.message | test("no generation has content hash"))' "the error says no generation has it"
[ "$before" = "$(vals h4; ls h4/var/lib/twtune/generations; md5sum <h4/etc/sysctl.d/99-twtune.conf)" ] && ok "h4 unchanged" || not_ok "h4 changed"
h h4 rollback --to-hash abc; expect_rc 2 "a hash too short to be unambiguous"
h h4 rollback --to 1 --to-hash "$HA"; expect_rc 2 "--to and --to-hash together"
h h4 rollback --to 0; expect_rc 0 "h4: rollback --to 0"
expect_json '.state.generation == 3 and .state.hash == null' "after a rollback to 0, the state has no hash"
[ "$(vals h4)" = "$orig" ] && ok "(h4 back to its values before twtune)" || not_ok "h4 values $(vals h4)"
mkroot h5
h h5 verify; expect_json '.state == {"generation": null, "hash": null}' "a host where twtune never applied anything: null state"
finish
