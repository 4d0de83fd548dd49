#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Model-based random walk over twtune's claims (run by t_walk.sh, never on its own).

Runs as PID 1 of private PID, mount and network namespaces that t_walk.sh set up (tmpfs over every
sysctl.d directory, /run and /var/lib; a private /etc/sysctl.conf). twtune runs with its default
paths on the real kernel of the walk's network namespace; a reboot is a fresh network namespace.

Each step is one thing an operator or the system does: apply (and --no-persist), rollback (plain
and --to N), SIGKILL mid-apply then recover, hand writes of live values, hand edits and deletions
in 99-twtune.conf, another sysctl.d file setting a managed key, sysctl --system, a reboot. After
every step each claim is compared with ground truth:
  verify          exit code and drifted keys against the model's managed values and the live kernel
  verify --boot   against the values the real systemd-sysctl sets in a fresh network namespace
  boot            against systemd-sysctl, and `boot --rules procps` against `sysctl --system`
  history         against the generations the model recorded
  --dry-run       against what the real apply or rollback then did (keys changed, file bytes)
  rollback        restores the target generation's file byte for byte and every touched key's value
                  as it was right after that generation (interfaces and propagated values included)
  failed apply    after a SIGKILL and recover, either committed or exactly as before

Environment: TWTUNE, TWTUNE_WALK_STEPS (default 300), TWTUNE_WALK_SEED (default: random, printed),
TWTUNE_WALK_ALL=1 to go on after a disagreement (resetting the host) and list every kind found.
"""
import ctypes
import hashlib
import json
import os
import random
import shlex
import subprocess
import sys
import time

TW = os.environ["TWTUNE"]
WRAP = shlex.split(os.environ.get("TWTUNE_WRAPPER", ""))
SEED = int(os.environ.get("TWTUNE_WALK_SEED") or random.SystemRandom().randrange(1 << 31))
STEPS = int(os.environ.get("TWTUNE_WALK_STEPS") or 300)
ALL = os.environ.get("TWTUNE_WALK_ALL") == "1"
# The steps the walk takes: every kind by default (TWTUNE_WALK_KINDS=all), or a comma-separated list.
# Claims not to check (comma-separated: dry, boot, verify, history, rollback, oob: the out-of-band
# report alone, file: the rollback's file bytes alone): to see, on a build
# where one claim fails everywhere, what the others find; with dry the rollback's dry run and with
# boot verify --boot are not even run (an old build that lacks them).
SKIP = set(filter(None, os.environ.get("TWTUNE_WALK_SKIP", "").split(",")))
KINDS = os.environ.get("TWTUNE_WALK_KINDS") or "all"
CONF = "/etc/sysctl.d/99-twtune.conf"
SHADOW = "/etc/sysctl.d/99-zz-walk.conf"
SYSTEMD_SYSCTL = next(p for p in ("/lib/systemd/systemd-sysctl", "/usr/lib/systemd/systemd-sysctl", "")
                      if not p or os.access(p, os.X_OK))
IFACES = ("lo", "v0", "v1")
CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)

# Keys the walk's profiles set, with the values they choose from. All per network namespace.
POOL = {
    "net.ipv4.tcp_fin_timeout": ["30", "45", "60"],
    "net.ipv4.tcp_keepalive_time": ["300", "600", "7200"],
    "net.ipv4.tcp_syn_retries": ["3", "4", "6"],
    "net.ipv4.conf.all.forwarding": ["0", "1"],
    "net.ipv4.conf.v0.forwarding": ["0", "1"],
    "net.ipv6.conf.all.forwarding": ["0", "1"],
    "net.ipv6.conf.v1.forwarding": ["0", "1"],
    "net.ipv4.conf.default.log_martians": ["0", "1"],
    "net.ipv4.conf.v0.log_martians": ["0", "1"],
    "net.ipv6.conf.all.ignore_routes_with_linkdown": ["0", "1"],
    "net.ipv6.conf.v0.ignore_routes_with_linkdown": ["0", "1"],
}
# Every key the walk reads: the pool and everything the kernel changes along with it.
UNIVERSE = sorted(set(POOL) | {"net.ipv4.ip_forward", "net.ipv4.conf.all.accept_redirects"} |
                  {f"net.ipv4.conf.{i}.{a}" for i in IFACES + ("all", "default") for a in ("forwarding", "log_martians")} |
                  {f"net.ipv6.conf.{i}.{a}" for i in IFACES + ("all", "default")
                   for a in ("forwarding", "ignore_routes_with_linkdown")})


class Disagreement(Exception):
    pass


def path_of(key):
    return "/proc/sys/" + key.replace(".", "/")


def read_live():
    out = {}
    for k in UNIVERSE:
        with open(path_of(k)) as f:
            out[k] = " ".join(f.read().split())
    return out


def read_file(path=CONF):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def write_file(path, data):
    if data is None:
        if os.path.exists(path):
            os.unlink(path)
        return
    with open(path, "wb") as f:
        f.write(data)


def sh(*args, env=None, check=True):
    p = subprocess.run(args, capture_output=True, text=True, env=env)
    if check and p.returncode != 0:
        raise RuntimeError(f"{args}: exit {p.returncode}: {p.stderr.strip()}")
    return p


def make_ifaces():
    sh("ip", "link", "add", "v0", "type", "veth", "peer", "name", "v1")


def new_netns():
    """A reboot of the walk's host: a fresh network namespace for this process and its children."""
    if libc.unshare(CLONE_NEWNET) != 0:
        raise RuntimeError("unshare(CLONE_NEWNET): errno %d" % ctypes.get_errno())
    make_ifaces()


ORACLE_SCRIPT = r"""
ip link add v0 type veth peer name v1 || exit 90
"$@" >/dev/null 2>&1
for k in $KEYS; do p=/proc/sys/$(echo "$k" | tr . /); printf '%s\t' "$k"; tr '\t\n' '  ' <"$p"; echo; done
"""


def oracle(tool):
    """What a boot sets: the real tool in a fresh network namespace sharing this mount namespace."""
    cmd = [SYSTEMD_SYSCTL] if tool == "systemd" else ["sysctl", "--system"]
    env = dict(os.environ, KEYS=" ".join(UNIVERSE))
    p = sh("unshare", "-n", "sh", "-c", ORACLE_SCRIPT, "sh", *cmd, env=env)
    return {k: " ".join(v.split()) for k, v in (ln.split("\t", 1) for ln in p.stdout.splitlines())}


def tw(*args, fault=None):
    env = dict(os.environ)
    env.pop("TWTUNE_FAULT", None)
    if fault:
        env["TWTUNE_FAULT"] = fault
    p = subprocess.run(WRAP + [TW, *args], capture_output=True, text=True, env=env)
    if p.returncode in (99, 134, 139) or "AddressSanitizer" in p.stderr or "runtime error" in p.stderr:
        raise Disagreement(f"twtune {' '.join(args)} crashed or leaked: exit {p.returncode}: {p.stderr[-2000:]}")
    return p


def tw_json(*args, fault=None):
    p = tw("--format", "json", *args, fault=fault)
    try:
        return p.returncode, json.loads(p.stdout) if p.stdout.strip() else None, p
    except json.JSONDecodeError:
        raise Disagreement(f"twtune {' '.join(args)}: stdout is not JSON: {p.stdout[:500]!r}")


class Gen:
    def __init__(self, exp, file, persisted, action, restores, state_of, snap):
        self.exp, self.file, self.persisted = exp, file, persisted
        self.action, self.restores, self.state_of, self.snap = action, restores, state_of, snap
        # A reboot or sysctl --system since: what a key this generation did not manage was then is no
        # longer what a rollback gives back (that is the value before a later generation managed it).
        self.world_moved = False
        # Keys seen changed outside twtune (live not what twtune last left) while this generation
        # existed: a rollback to it reports them, and need not give them back.
        self.oob = set()


class Walk:
    def __init__(self, rng):
        self.rng = rng
        self.profiles = []
        for i in range(5):
            keys = rng.sample(sorted(POOL), rng.randint(1, 4))
            self.profiles.append({k: rng.choice(POOL[k]) for k in keys})
        self.reset_model()

    def reset_model(self):
        self.oob_reports = getattr(self, "oob_reports", 0)  # rollbacks that had out-of-band keys to report
        self.last_live = read_live()  # the live values after the last twtune command
        self.left = {}  # key: the live value right after the newest generation that recorded it
        self.gens = [Gen({}, read_file(), False, "apply", None, 0, read_live())]
        self.any_persist = False
        self.log = []

    # --- the model's view of the current generation ---------------------------------------------
    @property
    def cur(self):
        return self.gens[-1]

    def touched(self, since):
        """Keys a rollback to `since` must give back: managed at or after it, and what they move."""
        keys = set()
        for g in self.gens[since:]:
            keys |= set(g.exp)
        return self.moved_by(keys)

    def moved_by(self, keys):
        keys = set(keys)
        for k in list(keys):
            if k in ("net.ipv4.conf.all.forwarding", "net.ipv4.ip_forward"):
                keys |= {u for u in UNIVERSE if u.startswith("net.ipv4.conf.") and u.endswith(".forwarding")}
                keys |= {"net.ipv4.ip_forward", "net.ipv4.conf.all.accept_redirects"}
            elif k == "net.ipv6.conf.all.forwarding":
                keys |= {u for u in UNIVERSE if u.startswith("net.ipv6.conf.") and u.endswith(".forwarding")}
            elif k == "net.ipv6.conf.all.ignore_routes_with_linkdown":
                keys |= {u for u in UNIVERSE if u.endswith(".ignore_routes_with_linkdown") and u.startswith("net.ipv6.")}
            elif k == "net.ipv4.conf.default.log_martians":
                keys |= {u for u in UNIVERSE if u.startswith("net.ipv4.conf.") and u.endswith(".log_martians")}
        return keys

    def profile_file(self, p):
        body = "".join(f"  {k}: {v}\n" for k, v in p.items())
        name = "p%d" % self.profiles.index(p) if p in self.profiles else "px"
        path = os.path.abspath(f"{name}.yaml")
        with open(path, "w") as f:
            f.write(f"name: {name}\nsysctl:\n{body}")
        return path

    def fail(self, what):
        raise Disagreement(f"{self.doing}: {what}" if self.doing else what)

    # --- steps -------------------------------------------------------------------------------------
    def step_apply(self, persist=True):
        p = self.rng.choice(self.profiles)
        path = self.profile_file(p)
        flags = [] if persist else ["--no-persist"]
        self.doing = f"apply {' '.join(flags)} {p}"
        before, fbefore = read_live(), read_file()
        rc, dry, _ = tw_json("apply", "--dry-run", *flags, path)
        if rc != 0 or read_live() != before or read_file() != fbefore:
            self.fail(f"apply --dry-run: exit {rc} or it changed something")
        rc, real, proc = tw_json("apply", *flags, path)
        if rc != 0:
            self.fail(f"apply {p}: exit {rc}: {proc.stderr.strip()}")
        after, fafter = read_live(), read_file()
        self.last_live = after
        committed = real.get("generation") is not None
        self.check_dry(dry, real, before, after, fbefore, fafter, persist)
        for k, v in p.items():
            if after[k] != v:
                self.fail(f"apply {p}: {k} is {after[k]} live, not {v}")
        lines = {ln for ln in (fafter or b"").decode().splitlines() if ln and not ln.startswith("#")}
        want = {f"{k} = {v}" for k, v in p.items()}
        if not committed:
            # Nothing to record is right only when every value already is the profile's, no managed
            # key is dropped, and (persisting) the file already says so.
            if any(before[k] != v for k, v in p.items()) or set(self.cur.exp) - set(p) or (persist and lines != want):
                self.fail(f"apply {p} recorded nothing, though the host is not that profile yet")
            return f"apply{'' if persist else ' --no-persist'} {p}: unchanged"
        if persist:
            if lines != want:
                self.fail(f"apply {p}: the persisted file holds {sorted(lines)}, not {sorted(want)}")
            self.any_persist = True
        gid = len(self.gens)
        self.gens.append(Gen(dict(p), fafter if persist else self.cur.file, persist, "apply", None, gid, after))
        self.recorded(gid, after, fafter if persist else None)
        if real["generation"] != gid:
            self.fail(f"apply recorded generation {real['generation']}, the model expects {gid}")
        return f"apply{'' if persist else ' --no-persist'} {p}: generation {gid}"

    def check_dry(self, dry, real, before, after, fbefore, fafter, persist):
        if "dry" in SKIP:
            return
        committed = real.get("generation") is not None
        if dry.get("changed") != committed:
            self.fail(f"dry run said changed={dry.get('changed')}, the real command "
                      f"{'recorded generation %s' % real.get('generation') if committed else 'recorded nothing'}")
        pred = {r["key"]: r.get("desired") for r in dry.get("settings", []) if r["status"] in ("change", "restore")}
        moved = {k for k in UNIVERSE if before[k] != after[k]}
        for k, v in pred.items():
            if k in UNIVERSE and after[k] != v:
                self.fail(f"dry run said {k} would become {v}; it is {after[k]}")
        follows = {r["key"] for r in dry.get("settings", []) if r["status"] == "follows"}
        for k in moved - set(pred) - follows:
            if not any(r["key"] == k for r in dry.get("settings", [])):
                self.fail(f"{k} changed from {before[k]} to {after[k]}, which the dry run did not show")
        if persist:
            per = dry.get("persist")
            if per is None:
                if fbefore != fafter:
                    self.fail("the persisted file changed; the dry run did not say how (no \"persist\" object)")
                return
            action = ("none" if fbefore == fafter else "create" if fbefore is None
                      else "remove" if fafter is None else "change")
            if per.get("action") != action:
                self.fail(f"dry run: persist action {per.get('action')}, the real command: {action}")
            added = {ln[1:] for ln in per.get("diff", "").splitlines() if ln.startswith("+") and not ln.startswith("+++")}
            now = set((fafter or b"").decode().splitlines())
            if not added <= now:
                self.fail(f"dry run's diff adds {sorted(added - now)}, not in the file the real command wrote")

    def expected_target(self):
        at = self.cur.state_of
        return None if at == 0 else at - 1

    def step_rollback(self, to=None):
        args = [] if to is None else ["--to", str(to)]
        self.doing = f"rollback {' '.join(args)}"
        target = self.expected_target() if to is None else to
        before, fbefore = read_live(), read_file()
        if len(self.gens) == 1:
            for dry in ([], ["--dry-run"]) if "dry" not in SKIP else ([],):
                rc, _, _ = tw_json("rollback", *dry, *args)
                if rc != 5 or read_live() != before or read_file() != fbefore:
                    self.fail(f"rollback {dry + args} with nothing applied: exit {rc}, not 5, or it changed something")
            return "rollback: nothing applied"
        rc, dry, _ = tw_json("rollback", "--dry-run", *args) if "dry" not in SKIP else (0, None, None)
        if rc != 0 or read_live() != before or read_file() != fbefore:
            self.fail(f"rollback --dry-run {args}: exit {rc} or it changed something")
        self.check_out_of_band(dry, before, "rollback --dry-run")
        rc, real, proc = tw_json("rollback", *args)
        if rc != 0:
            self.fail(f"rollback {args}: exit {rc}: {proc.stderr.strip()}")
        self.check_out_of_band(real, before, "rollback")
        after, fafter = read_live(), read_file()
        self.last_live = after
        if target is None:
            if real.get("changed") or after != before:
                self.fail("rollback before the first apply changed something")
            return "rollback: already before the first apply"
        if real.get("to") != target:
            self.fail(f"rollback {args} went to generation {real.get('to')}, the model expects {target}")
        self.check_dry(dry, real, before, after, fbefore, fafter, self.any_persist)
        t = self.gens[target]
        if "rollback" in SKIP:
            pass
        elif self.any_persist and fafter != t.file and "file" not in SKIP:
            self.fail(f"rollback to {target}: the file is {fafter!r}, generation {target} recorded {t.file!r}")
        keys = self.touched(target) if not t.world_moved else self.moved_by(t.exp)
        keys -= self.moved_by(t.oob)  # changed outside twtune since: reported (check_out_of_band)
        for k in sorted(keys) if "rollback" not in SKIP else []:
            if after[k] != t.snap[k]:
                self.fail(f"rollback to {target}: {k} is {after[k]}, it was {t.snap[k]} at generation {target}")
        committed = real.get("generation") is not None
        same_state = self.cur.state_of == t.state_of
        if committed == (same_state and before == after and fbefore == fafter):
            rows = [(r["key"], r.get("current"), r.get("desired"), r["status"]) for r in real.get("settings", [])
                    if r["status"] != "ok"]
            self.fail(f"rollback to {target}: committed={committed} though the state "
                      f"{'was' if same_state else 'was not'} already generation {target}'s (rows {rows}, "
                      f"file {real.get('persist', {}).get('action')}, out of band {real.get('out_of_band')})")
        if not committed:
            return f"rollback {args}: nothing to change"
        gid = len(self.gens)
        if real["generation"] != gid:
            self.fail(f"rollback recorded generation {real['generation']}, the model expects {gid}")
        self.gens.append(Gen(dict(t.exp), t.file, self.any_persist, "rollback", target, t.state_of, after))
        self.recorded(gid, after, fafter if self.any_persist else None)
        return f"rollback {args}: to {target} as {gid}"

    def step_kill(self):
        p = self.rng.choice(self.profiles)
        path = self.profile_file(p)
        before, fbefore = read_live(), read_file()
        n = self.rng.randint(1, 8)
        tw("apply", path, fault=f"kill:{n}")
        rc, _, proc = tw_json("recover")
        if rc != 0:
            self.fail(f"recover after kill:{n}: exit {rc}: {proc.stderr.strip()}")
        rc, hist, _ = tw_json("history")
        ids = [g["generation"] for g in hist.get("generations", [])] if hist else []
        after, fafter = read_live(), read_file()
        self.last_live = after
        if len(ids) == len(self.gens):  # committed
            for k, v in p.items():
                if after[k] != v:
                    self.fail(f"kill:{n} then recover kept generation {ids[-1]} but {k} is {after[k]}")
            self.gens.append(Gen(dict(p), fafter, True, "apply", None, len(self.gens), after))
            self.recorded(len(self.gens) - 1, after, fafter)
            self.any_persist = True
            return f"apply {p} killed at point {n}: committed as {ids[-1]}"
        if len(ids) != len(self.gens) - 1:
            self.fail(f"kill:{n}: history has {len(ids)} generations, the model {len(self.gens) - 1}")
        if after != before or fafter != fbefore:
            diff = {k: (before[k], after[k]) for k in UNIVERSE if before[k] != after[k]}
            self.fail(f"kill:{n} then recover: not back as before: {diff}, file same: {fafter == fbefore}")
        return f"apply {p} killed at point {n}: undone"

    def step_hand_write(self):
        keys = sorted(self.cur.exp) or sorted(POOL)
        k = self.rng.choice(keys)
        if k not in self.cur.exp:
            return "hand write: nothing managed"
        v = self.rng.choice(POOL[k])
        with open(path_of(k), "w") as f:
            f.write(v + "\n")
        return f"hand write {k} = {v}"

    def step_edit_file(self):
        data = read_file()
        if data is None:
            return "edit: no file"
        lines = data.decode().splitlines(keepends=True)
        body = [i for i, ln in enumerate(lines) if not ln.startswith("#")]
        how = self.rng.choice(["delete", "value", "append"])
        if how == "delete" and body:
            del lines[self.rng.choice(body)]
        elif how == "value" and body:
            i = self.rng.choice(body)
            k = lines[i].split("=")[0].strip().lstrip("-")
            lines[i] = f"{k} = {self.rng.choice(POOL.get(k, ['1']))}\n"
        else:
            k = self.rng.choice(sorted(POOL))
            lines.append(f"{k} = {self.rng.choice(POOL[k])}\n")
        write_file(CONF, "".join(lines).encode())
        return f"hand edit of 99-twtune.conf ({how})"

    def step_delete_file(self):
        write_file(CONF, None)
        return "delete 99-twtune.conf"

    def step_shadow(self):
        if read_file(SHADOW) is not None and self.rng.random() < 0.5:
            write_file(SHADOW, None)
            return "remove the other sysctl.d file"
        k = self.rng.choice(sorted(self.cur.exp) or sorted(POOL))
        v = self.rng.choice(POOL[k])
        write_file(SHADOW, f"{k} = {v}\n".encode())
        return f"another file sets {k} = {v}"

    def step_system(self):
        sh("sysctl", "--system", check=False)
        for g in self.gens:
            g.world_moved = True
        return "sysctl --system"

    def step_reboot(self):
        new_netns()
        sh(SYSTEMD_SYSCTL, check=False)
        for g in self.gens:
            g.world_moved = True
        return "reboot"

    # --- the claims after every step -----------------------------------------------------------------
    def recorded(self, gid, after, fafter):
        """After a committed generation: what twtune left each key it recorded at (the walk's own
        reading), and the record's persisted file against the file as it really is."""
        rc, h, _ = tw_json("history", str(gid))
        if rc != 0 or not h:
            self.fail(f"history {gid}: exit {rc}")
        for k in h.get("keys", []):
            if k["key"] in UNIVERSE:
                self.left[k["key"]] = after[k["key"]]
        if "history" not in SKIP and fafter is not None and h.get("persisted"):
            f = h.get("file")
            if (f.encode() if f is not None else None) != fafter:
                self.fail(f"history {gid} records the file {f!r}; the file is {fafter!r}")
            if fafter is not None and h.get("hash") and h.get("action") == "apply":
                # The content hash history lists for a persisting apply is the SHA-256 of the file's
                # body, as its header says (a rollback keeps its target's, whose file may be older).
                text = fafter.decode()
                body = "".join(ln for ln in text.splitlines(keepends=True) if not ln.startswith("#"))
                head = [ln.split(":", 1)[1].strip() for ln in text.splitlines() if ln.startswith("# sha256:")]
                if hashlib.sha256(body.encode()).hexdigest() != h["hash"] or head != [h["hash"]]:
                    self.fail(f"history {gid}: hash {h['hash']}, the file's body hashes to "
                              f"{hashlib.sha256(body.encode()).hexdigest()}, its header says {head}")

    def check_out_of_band(self, res, before, what):
        """A rollback names exactly the keys of its plan whose live value is not what twtune left."""
        if "rollback" in SKIP or "oob" in SKIP or not res:
            return
        rows = {r["key"] for r in res.get("settings", [])}
        want = {k for k in rows if k in self.left and before[k] != self.left[k]}
        got = {o["key"] for o in res.get("out_of_band", [])}
        if got != want:
            self.fail(f"{what} reports {sorted(got)} as changed outside twtune; the walk saw {sorted(want)}")
        self.oob_reports += bool(want)

    def check(self):
        live, fnow = read_live(), read_file()
        cur = self.cur
        # Changed outside twtune: since the last twtune command (a hand write, sysctl --system, a
        # reboot, a hand write's propagation), whether twtune ever recorded the key or not.
        oob = {k for k in UNIVERSE if live[k] != self.last_live[k]}
        for g in self.gens:
            g.oob |= oob
        self.last_live = live
        journal = os.path.exists("/var/lib/twtune/journal")
        live_drift = {k for k, v in cur.exp.items() if live[k] != v}
        file_ok = not cur.persisted or fnow == cur.file
        rc, v, proc = tw_json("verify")
        want = 1 if live_drift or not file_ok or journal else 0
        if "verify" in SKIP:
            pass
        elif rc != want:
            self.fail(f"verify exit {rc}, truth {want}: live drift {sorted(live_drift)}, file ok {file_ok}, "
                      f"{proc.stdout[-1500:]}")
        named = {r["key"] for r in (v or {}).get("settings", []) if r["status"] == "drift"}
        if named != live_drift and "verify" not in SKIP:
            self.fail(f"verify names {sorted(named)} as drifted, truth {sorted(live_drift)}")
        boot = oracle("systemd")
        boot_drift = {k for k, val in cur.exp.items() if boot[k] != val}
        rc, vb, proc = tw_json("verify", "--boot") if "boot" not in SKIP else (0, None, None)
        want_b = 1 if want or boot_drift else 0
        if rc != want_b and "boot" not in SKIP:
            self.fail(f"verify --boot exit {rc}, truth {want_b}: a reboot gives "
                      f"{ {k: boot[k] for k in boot_drift} } for { {k: cur.exp[k] for k in boot_drift} } "
                      f"(live drift {sorted(live_drift)}, file ok {file_ok}); {proc.stdout[-800:]}")
        rc, b, _ = tw_json("boot")
        for s in (b or {}).get("settings", []):
            if s["key"] in boot and boot[s["key"]] != " ".join(s["value"].split()):
                self.fail(f"boot says {s['key']} = {s['value']}, systemd-sysctl sets {boot[s['key']]}")
        if self.rng.random() < 0.25:
            procps = oracle("procps")
            rc, b, _ = tw_json("boot", "--rules", "procps")
            for s in (b or {}).get("settings", []):
                if s["key"] in procps and procps[s["key"]] != " ".join(s["value"].split()):
                    self.fail(f"boot --rules procps says {s['key']} = {s['value']}, sysctl --system sets "
                              f"{procps[s['key']]}")
        self.check_history()

    def check_history(self):
        if "history" in SKIP:
            return
        rc, h, _ = tw_json("history")
        got = [(g["generation"], g["action"], g.get("restores")) for g in (h or {}).get("generations", [])]
        exp = [(i, g.action, g.restores) for i, g in enumerate(self.gens) if i]
        if got != exp:
            self.fail(f"history lists {got}, the model recorded {exp}")

    def run(self, steps):
        kinds = {"apply": (self.step_apply, 6), "no-persist": (lambda: self.step_apply(False), 2),
                 "rollback": (self.step_rollback, 3),
                 "rollback-to": (lambda: self.step_rollback(self.rng.randint(0, len(self.gens) - 1)), 2),
                 "kill": (self.step_kill, 2), "hand-write": (self.step_hand_write, 2), "edit": (self.step_edit_file, 2),
                 "delete": (self.step_delete_file, 1), "shadow": (self.step_shadow, 2),
                 "system": (self.step_system, 1), "reboot": (self.step_reboot, 1)}
        chosen = KINDS.split(",") if KINDS != "all" else list(kinds)
        funcs = [kinds[k][0] for k in chosen for _ in range(kinds[k][1])]
        found = []
        for i in range(1, steps + 1):
            try:
                self.doing = None
                what = self.rng.choice(funcs)()
                self.doing = "after the step"
                self.log.append(f"{i}: {what}")
                self.check()
            except Disagreement as e:
                self.log.append(f"{i}: DISAGREEMENT: {e}")
                print(f"not ok - walk seed {SEED} step {i}: {e}")
                print("#   steps since the last reset:\n#     " + "\n#     ".join(self.log[-25:]))
                found.append((i, str(e)))
                if os.environ.get("TWTUNE_WALK_DUMP"):
                    for n in range(max(1, int(os.environ["TWTUNE_WALK_DUMP"])), len(self.gens) + 1):
                        print(tw("history", str(n)).stdout)
                if not ALL:
                    self.steps_run = i
                    return found
                self.reset_host()
        return found

    def reset_host(self):
        """After a disagreement (TWTUNE_WALK_ALL): a fresh host, so later findings stand on their own."""
        subprocess.run(["sh", "-c", "rm -rf /var/lib/twtune /etc/sysctl.d/* /run/sysctl.d/*"], check=False)
        new_netns()
        self.reset_model()


def main():
    sys.stdout.reconfigure(line_buffering=True)
    os.chdir(os.environ.get("WALK_DIR", "."))
    print(f"# walk: seed {SEED}, {STEPS} steps of {KINDS} (TWTUNE_WALK_SEED={SEED} TWTUNE_WALK_STEPS={STEPS} "
          f"TWTUNE_WALK_KINDS={KINDS} to repeat)")
    new_netns()
    t0 = time.time()
    walk = Walk(random.Random(SEED))
    found = walk.run(STEPS)
    took = time.time() - t0
    if not found:
        print(f"ok - walk seed {SEED}: {STEPS} steps, every claim matched the oracles ({took:.0f} s; "
              f"{walk.oob_reports} rollback reports of out-of-band changes checked)")
        return 0
    print(f"# walk seed {SEED}: {len(found)} disagreement(s) in {getattr(walk, 'steps_run', STEPS)} steps "
          f"({took:.0f} s)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
