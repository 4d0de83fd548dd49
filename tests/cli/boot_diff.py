#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Differential test of `twtune boot` against the real systemd-sysctl and procps `sysctl --system`.

    boot_diff.py --twtune BIN [--seed S] [--count N] [--tools systemd,procps] [--keep DIR] [--show]

Hierarchy i uses seed S+i; a disagreement prints that seed, and `--seed X --count 1 --show`
prints the hierarchy again (`--keep DIR` keeps every hierarchy's files and results).

Each hierarchy is random: files in every sysctl.d directory, the same names across them, masks
(empty file, /dev/null link), globs of every form assigned again with equal and different
values, exclusions before and after, explicit keys and globs over the same keys, '-' prefixes,
inline comments after scalar and vector values, trailing, doubled and leading separators, '/'
separators, CRLF, long lines, non-.conf and hidden names, /etc/sysctl.conf; and a few veth and
dummy interfaces for the globs to match. It sets only keys of a network namespace (an allowlist
checked before any tool runs).

Isolation (BRIEF rule 1): the script re-runs itself as PID 1 of new mount and PID namespaces
with a tmpfs over every sysctl.d directory and a private file bound over /etc/sysctl.conf, and
checks these mounts. Then, per hierarchy and tool, a child enters a fresh network namespace
(unshare(CLONE_NEWNET), checked), makes the interfaces, runs `twtune --format json boot --rules
TOOL` (root /), reads the watched keys, runs the tool, reads them again, and compares:
  - every key the tool changed is predicted, with the value it ends with;
  - every predicted key ends with the predicted value, or does not exist here, or the kernel
    refuses that value (the child writes it itself to check) and it ends with its value before
    the tool or with a value the prediction lists as overridden.
Exit 0 when every hierarchy agrees, 1 on a disagreement, 2 when the isolation failed, 77 when
namespaces are refused here.
"""
import argparse
import ctypes
import fnmatch
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

CLONE_NEWNET = 0x40000000
DIRS = ["/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d"]
# forwarding and promote_secondaries: keys the kernel carries over differently (ip_forward and
# conf.all.forwarding set every interface; conf.default.promote_secondaries is never copied).
KNOBS = {"rp_filter": (0, 2), "accept_redirects": (0, 1), "log_martians": (0, 1), "forwarding": (0, 1),
         "promote_secondaries": (0, 1)}
# IPv6: a write to conf.all.forwarding or .disable_ipv6 sets default and every interface, even when
# 'all' keeps its value; accept_ra is not carried over.
V6KNOBS = {"forwarding": (0, 1), "disable_ipv6": (0, 1), "accept_ra": (0, 2)}
SCALARS = {"net.ipv4.tcp_fin_timeout": (1, 120), "net.ipv4.tcp_keepalive_probes": (1, 30),
           "net.ipv4.tcp_syn_retries": (1, 10), "net.ipv4.tcp_synack_retries": (1, 10),
           "net.core.somaxconn": (16, 65535), "net.ipv4.ip_forward": (0, 1)}
VECTORS = ["net.ipv4.ip_local_port_range", "net.ipv4.ip_local_reserved_ports"]
ALLOW = re.compile(r"^net\.ipv4\.(tcp_(fin_timeout|keepalive_probes|syn_retries|synack_retries)|"
                   r"ip_local_port_range|ip_local_reserved_ports|nonexistent[a-z0-9_]*|ip_forward|"
                   r"conf\.[][A-Za-z0-9_*?!-]+\.(rp_filter|accept_redirects|log_martians|rp_filte\?|"
                   r"log_martian\[s\]|accept_redirect\*|forwarding|promote_secondaries))$|"
                   r"^net\.ipv6\.conf\.[][A-Za-z0-9_*?!-]+\.(forwarding|disable_ipv6|accept_ra)$|"
                   r"^net\.core\.somaxconn$")


def watched_paths():
    """The files a hierarchy can change: every conf knob of every device and the other keys."""
    paths = []
    base = "/proc/sys/net/ipv4/conf"
    for dev in sorted(os.listdir(base)):
        for k in KNOBS:
            paths.append(f"{base}/{dev}/{k}")
    base6 = "/proc/sys/net/ipv6/conf"
    for dev in sorted(os.listdir(base6)):
        for k in V6KNOBS:
            paths.append(f"{base6}/{dev}/{k}")
    for k in list(SCALARS) + VECTORS:
        paths.append("/proc/sys/" + k.replace(".", "/"))
    return paths


def snapshot():
    out = {}
    for p in watched_paths():
        try:
            with open(p) as f:
                out[p[len("/proc/sys/"):]] = " ".join(f.read().split())
        except OSError:
            pass
    return out


# ---------------------------------------------------------------- generator

class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        r = self.r
        self.ifaces = []  # (kind, name, peer)
        for i in range(r.randint(0, 3)):
            if r.random() < 0.5:
                self.ifaces.append(("veth", f"v{i}a", f"v{i}b"))
            else:
                self.ifaces.append(("dummy", f"d{i}", None))
        self.devs = ["all", "default", "lo"]
        for _, a, b in self.ifaces:
            self.devs.append(a)
            if b:
                self.devs.append(b)
        self.globs = ["*", "v*", "d?", "v?a", "[dv]*", "[!a]*", "[a-l]*", "v[0-9]?", "*a", "?o", "d*", "[vd]?[ab]"]

    def sep_key(self, key):
        """The key written with one of the separator forms both tools accept (and some they do not)."""
        r = self.r
        x = r.random()
        if x < 0.6:
            return key
        if x < 0.72:
            return key.replace(".", "/")
        if x < 0.8:
            return "/" + key.replace(".", "/")
        if x < 0.86:
            parts = key.split(".")
            i = r.randrange(1, len(parts))
            return ".".join(parts[:i]) + ".." + ".".join(parts[i:])
        if x < 0.92:
            return key + r.choice([".", ".."]) if "/" not in key else key
        if x < 0.96:
            return "." + key
        return key.replace(".", "/") + "/"

    def value_for(self, key):
        r = self.r
        knob = key.rsplit(".", 1)[-1]
        if key.startswith("net.ipv6.conf."):
            lo, hi = V6KNOBS[knob]
            return str(r.randint(lo, hi))
        for k, (lo, hi) in KNOBS.items():
            if knob.startswith(k[:6]):
                return str(r.randint(lo, hi))
        if key in SCALARS:
            lo, hi = SCALARS[key]
            return str(r.randint(lo, hi))
        if key.endswith("ip_local_port_range"):
            a = r.randint(1024, 30000)
            b = r.randint(a + 1, 65000)
            return r.choice([f"{a} {b}", f"{a}\t{b}", f"{a}  {b} "])
        if key.endswith("ip_local_reserved_ports"):
            a = r.randint(5000, 6000)
            return r.choice([str(a), f"{a}-{a + 5}", f"{a},{a + 100}", f"{a}-{a + 3},{a + 50}", ""])
        return str(r.randint(0, 9))

    def decorate(self, value):
        """Inline text after a value, which both tools write with it."""
        r = self.r
        x = r.random()
        if x < 0.8:
            return value
        if x < 0.87:
            return value + " # note"
        if x < 0.92:
            return value + " ; note"
        if x < 0.95:
            return value + "#x"
        if x < 0.98:
            return value + " " + value
        return value + " junk"

    def pick_key(self):
        r = self.r
        x = r.random()
        if x < 0.47:
            dev = r.choice(self.devs)
            return f"net.ipv4.conf.{dev}.{r.choice(list(KNOBS))}", False
        if x < 0.55:
            dev = r.choice(self.devs)
            return f"net.ipv6.conf.{dev}.{r.choice(list(V6KNOBS))}", False
        if x < 0.75:
            g = r.choice(self.globs)
            knob = r.choice(list(KNOBS))
            if r.random() < 0.1:
                knob = {"rp_filter": "rp_filte?", "log_martians": "log_martian[s]",
                        "accept_redirects": "accept_redirect*"}.get(knob, knob)
            return f"net.ipv4.conf.{g}.{knob}", True
        if x < 0.88:
            return r.choice(list(SCALARS)), False
        if x < 0.97:
            return r.choice(VECTORS), False
        return f"net.ipv4.nonexistent{r.randint(0, 3)}", False

    def line(self, pool):
        """One line; pool remembers keys (and values) used, to assign again."""
        r = self.r
        x = r.random()
        if x < 0.06:
            return r.choice(["# comment", "; comment", "", "   ", "\t# tabbed"])
        if pool and r.random() < 0.35:
            key, old = r.choice(pool)
            value = old if r.random() < 0.5 else self.value_for(key)
        else:
            key, _ = self.pick_key()
            value = self.value_for(key)
        pool.append((key, value))
        y = r.random()
        if y < 0.08:  # an exclusion
            return "-" + self.sep_key(key)
        text = self.sep_key(key)
        if y < 0.16:
            text = "-" + text
        elif y < 0.18:
            text = "- " + text
        eq = r.choice([" = ", "=", " =", "= ", "\t=\t"])
        lead = r.choice(["", "", "", " ", "\t"])
        return lead + text + eq + self.decorate(value) + r.choice(["", "", " ", "\t"])

    def file_text(self, pool):
        r = self.r
        lines = [self.line(pool) for _ in range(r.randint(1, 8))]
        if r.random() < 0.05:
            lines.insert(r.randrange(len(lines) + 1), "# " + "x" * r.choice([9000, 70000]))
        if r.random() < 0.02:  # systemd stops reading the file at a line of 1 MiB
            lines.insert(r.randrange(len(lines) + 1), "# " + "y" * (1024 * 1024 + r.choice([-3, -2, 10])))
        eol = "\r\n" if r.random() < 0.15 else "\n"
        text = eol.join(lines)
        if r.random() < 0.9:
            text += eol
        return text

    def hierarchy(self):
        """{relative path: text or None (a /dev/null link)}"""
        r = self.r
        names = ["10-a.conf", "20-b.conf", "50-c.conf", "90-d.conf", "99-z.conf", "5-e.conf", ".hidden.conf",
                 "x.conf.bak", "y.txt", "60-F.CONF"]
        files = {}
        pool = []
        for name in r.sample(names, r.randint(1, 7)):
            for d in r.sample(DIRS, r.randint(1, 3)):
                x = r.random()
                if x < 0.08:
                    files[d[1:] + "/" + name] = None
                elif x < 0.14:
                    files[d[1:] + "/" + name] = ""
                else:
                    files[d[1:] + "/" + name] = self.file_text(pool)
        if r.random() < 0.3:
            files["etc/sysctl.conf"] = self.file_text(pool)
        return files


def check_allowlist(files):
    bad = []
    for path, text in files.items():
        for raw in (text or "").replace("\r", "\n").split("\n"):
            s = raw.strip(" \t")
            if not s or s[0] in "#;":
                continue
            k = s.split("=", 1)[0].strip(" \t")
            k = k[1:].strip(" \t") if k.startswith("-") else k
            k = re.sub(r"\.+", ".", k.replace("/", ".")).strip(".")
            if not ALLOW.match(k):
                bad.append(f"{path}: {k}")
    return bad


def show(files, ifaces):
    print(f"interfaces: {' '.join(a + ('/' + b if b else '') for _, a, b in ifaces) or '(lo only)'}")
    for p in sorted(files):
        t = files[p]
        if t is None:
            print(f"--- {p} -> /dev/null")
            continue
        print(f"--- {p} ({len(t)} bytes)")
        for ln in t.split("\n"):
            print("    " + (ln if len(ln) < 200 else ln[:60] + f"...({len(ln)} bytes)").replace("\r", "\\r"))


# ---------------------------------------------------------------- isolation

def die(msg, code=2):
    print(f"boot_diff: {msg}", file=sys.stderr)
    sys.exit(code)


def mount_tmpfs(path):
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0755", "boot-diff", path], check=True)


def cover(d):
    if os.path.isdir(d):
        mount_tmpfs(d)
        return
    p = os.path.dirname(d)
    while p and not os.path.isdir(p):
        p = os.path.dirname(p)
    if p not in ("/run", "/usr/local/lib", "/usr/local"):
        die(f"{d} does not exist and its parent {p} is not one to cover")
    mount_tmpfs(p)
    os.makedirs(d)


def setup_isolation(work):
    if os.getpid() != 1:
        die("not PID 1 of a new PID namespace")
    if os.readlink("/proc/self/ns/mnt") == os.environ["BOOT_DIFF_MNT"]:
        die("not in a new mount namespace")
    dirs = list(DIRS)
    if os.path.exists("/lib/sysctl.d") and os.path.realpath("/lib/sysctl.d") != os.path.realpath("/usr/lib/sysctl.d"):
        dirs.append("/lib/sysctl.d")
    cover("/run/sysctl.d")
    for d in dirs:
        if d != "/run/sysctl.d":
            cover(d)
    conf = os.path.join(work, "sysctl.conf")
    open(conf, "w").close()
    if os.path.exists("/etc/sysctl.conf"):
        subprocess.run(["mount", "--bind", conf, "/etc/sysctl.conf"], check=True)
        if os.stat("/etc/sysctl.conf").st_ino != os.stat(conf).st_ino:
            die("/etc/sysctl.conf is not the private copy")
    else:
        conf = None
    for d in dirs:
        # findmnt -T lists every mount stacked there, the visible one last (a booted system's /run
        # is a tmpfs already, and ours goes over it).
        out = subprocess.run(["findmnt", "-n", "-o", "SOURCE", "-T", d], capture_output=True, text=True).stdout
        src = (out.strip().splitlines() or [""])[-1].strip()
        if src != "boot-diff":
            die(f"{d} is not on the test's tmpfs")
    return dirs, conf


def install(files, dirs, conf):
    for d in dirs:
        for n in os.listdir(d):
            p = os.path.join(d, n)
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p)
            else:
                os.unlink(p)
    if conf:
        with open(conf, "w") as f:
            f.write(files.get("etc/sysctl.conf", ""))
    for rel, text in files.items():
        if rel == "etc/sysctl.conf":
            continue
        p = "/" + rel
        if text is None:
            os.symlink("/dev/null", p)
        else:
            with open(p, "w", newline="") as f:
                f.write(text)


# ---------------------------------------------------------------- one run

def tool_cmd(tool):
    if tool == "systemd":
        for t in ("/lib/systemd/systemd-sysctl", "/usr/lib/systemd/systemd-sysctl"):
            if os.access(t, os.X_OK):
                return [t]
        return None
    t = shutil.which("sysctl", path="/usr/sbin:/sbin:/usr/bin:/bin")
    return [t, "--system"] if t else None


def run_in_netns(tool, ifaces, twtune, host_net, outdir, later=()):
    """In a forked child: a fresh network namespace, the prediction and the tool. Returns a dict."""
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(rfd)
        res = {}
        try:
            res = one_run(tool, ifaces, twtune, host_net, outdir, later)
        except Exception as e:  # reported by the parent
            res = {"error": repr(e)}
        os.write(wfd, json.dumps(res).encode())
        os._exit(0)
    os.close(wfd)
    data = b""
    while True:
        b = os.read(rfd, 65536)
        if not b:
            break
        data += b
    os.close(rfd)
    os.waitpid(pid, 0)
    return json.loads(data) if data else {"error": "the child died"}


DUMMY_OK = True


def dummy_supported():
    """Whether this kernel makes dummy interfaces without loading a module (checked in a namespace)."""
    return subprocess.run(["unshare", "-n", "ip", "link", "add", "t0", "type", "dummy"],
                          capture_output=True).returncode == 0


def udev_command():
    """The command 99-systemd.rules runs for a new network interface, as a list with $name in it."""
    for d in ("/etc/udev/rules.d", "/run/udev/rules.d", "/usr/lib/udev/rules.d", "/lib/udev/rules.d"):
        p = os.path.join(d, "99-systemd.rules")
        if os.path.exists(p):
            with open(p) as f:
                for line in f:
                    m = re.search(r'SUBSYSTEM=="net".*RUN\+="([^"]*systemd-sysctl[^"]*)"', line)
                    if m and 'ACTION=="add"' in line:
                        return m.group(1).split()
            return None
    return None


def later_interfaces(tool, later):
    """Interfaces that appear after the boot: made now, then what udev runs for each (systemd)."""
    cmd = udev_command() if tool == "systemd" else None
    for kind, a, b in later:
        subprocess.run(["ip", "link", "add", a, "type", "veth", "peer", "name", b], check=True)
        for name in (a, b):
            if cmd:
                subprocess.run([c.replace("$name", name) for c in cmd], capture_output=True)
    return cmd is not None


def one_run(tool, ifaces, twtune, host_net, outdir, later=()):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        return {"fatal": f"unshare(CLONE_NEWNET): errno {ctypes.get_errno()}"}
    if os.readlink("/proc/self/ns/net") == host_net:
        return {"fatal": "not in a new network namespace"}
    cmds = []
    for kind, a, b in ifaces:
        if kind == "dummy" and not DUMMY_OK:  # no module is loaded for the test: a veth stands in
            cmds.append(f"link add {a} type veth peer name {a}p")
        else:
            cmds.append(f"link add {a} type veth peer name {b}" if kind == "veth" else f"link add {a} type dummy")
    if cmds:
        subprocess.run(["ip", "-batch", "-"], input="\n".join(cmds) + "\n", text=True, check=True)
    env = dict(os.environ, LC_ALL="C")
    wrapper = os.environ.get("TWTUNE_WRAPPER", "").split()
    pred = subprocess.run(wrapper + [twtune, "--format", "json", "boot", "--rules", tool], capture_output=True,
                          text=True, env=env)
    if pred.returncode != 0:
        return {"error": f"twtune boot exit {pred.returncode}: {pred.stderr[:400]}"}
    before = snapshot()
    tenv = {k: v for k, v in env.items() if k != "CREDENTIALS_DIRECTORY"}
    t = subprocess.run(tool_cmd(tool), capture_output=True, text=True, env=tenv, timeout=20, stdin=subprocess.DEVNULL)
    after = snapshot()
    if outdir:
        with open(os.path.join(outdir, f"{tool}.pred.json"), "w") as f:
            f.write(pred.stdout)
        with open(os.path.join(outdir, f"{tool}.tool.err"), "w") as f:
            f.write(t.stderr)
        with open(os.path.join(outdir, f"{tool}.tool.out"), "w") as f:
            f.write(t.stdout)
    doc = json.loads(pred.stdout)
    probe = {}
    settings = {}
    for s in doc.get("settings", []):
        path = "".join("/" if c == "." else "." if c == "/" else c for c in s["key"])
        v = " ".join(s["value"].split())
        settings[path] = {"value": v, "overrides": [" ".join((o.get("value") or "").split()) for o in s["overrides"]],
                          "at_boot": s.get("at_boot"), "exists": os.path.exists("/proc/sys/" + path)}
        if path in after and after[path] == v:
            continue
        fp = "/proc/sys/" + path
        if not os.path.exists(fp):
            probe[path] = "absent"
            continue
        try:
            with open(fp, "w") as f:
                f.write(s["value"] + "\n")
            probe[path] = "accepted"
        except OSError:
            probe[path] = "refused"
    added = None
    if later:  # after the probes: their keys did not exist at "boot"
        added = {"udev": later_interfaces(tool, later), "after": snapshot(), "globs": doc.get("later", []),
                 "names": [n for _, a, b in later for n in (a, b) if n]}
        added["at_boot"] = {"".join("/" if c == "." else "." if c == "/" else c for c in x["key"]): x["at_boot"]
                            for x in doc.get("settings", [])}
    return {"before": before, "after": after, "pred": settings, "probe": probe, "tool_rc": t.returncode, "added": added,
            "tool_out": t.stdout + t.stderr}


def compare(res):
    """Disagreements of one run, as lines."""
    out = []
    before, after, pred, probe = res["before"], res["after"], res["pred"], res["probe"]
    for path in sorted(set(before) | set(after)):
        b, a = before.get(path), after.get(path)
        if b == a:
            continue
        p = pred.get(path)
        if p is None:
            out.append(f"{path}: changed {b!r} -> {a!r}, twtune predicts nothing")
        elif p["value"] != a and probe.get(path) != "refused":
            out.append(f"{path}: changed {b!r} -> {a!r}, twtune predicts {p['value']!r}")
    for path, p in sorted(pred.items()):
        # twtune's at_boot says whether the key exists when the boot writes it: here, when the tool ran.
        if (p["at_boot"] == "exists") != p["exists"]:
            out.append(f"{path}: twtune says at_boot {p['at_boot']!r}, but the key "
                       f"{'exists' if p['exists'] else 'does not exist'} when the tool runs")
        a = after.get(path)
        if a == p["value"] or probe.get(path) == "absent":
            continue
        if probe.get(path) == "refused":
            if a != before.get(path) and a not in p["overrides"]:
                out.append(f"{path}: the kernel refuses the predicted {p['value']!r}; it ends {a!r}, neither its "
                           f"value before ({before.get(path)!r}) nor an overridden one")
            continue
        if path not in before or before[path] == a:
            out.append(f"{path}: twtune predicts {p['value']!r} (the kernel takes it), it stays {a!r}")
    return out


# ---------------------------------------------------------------- driver

def read_tree(root):
    files = {}
    for dp, dn, fn in os.walk(root):
        for n in fn + [d for d in dn if os.path.islink(os.path.join(dp, d))]:
            p = os.path.join(dp, n)
            rel = os.path.relpath(p, root)
            if os.path.islink(p) and os.readlink(p) == "/dev/null":
                files[rel] = None
            else:
                with open(p, newline="") as f:
                    files[rel] = f.read()
    return files


def check_later(tool, res, literal=""):
    """Each predicted key of an interface made after the boot: applied when it appears exactly where
    twtune says interface-added, and not where it says absent-interface."""
    added, rc = res["added"], 0
    for path, p in sorted(res["pred"].items()):
        how = added["at_boot"].get(path)
        if how not in ("interface-added", "absent-interface"):
            continue
        if path in res["after"]:
            print(f"not ok - {tool}: {path} existed at boot, but twtune says {how}")
            rc = 1
            continue
        v = added["after"].get(path)
        applied = v == p["value"]
        if applied == (how == "interface-added"):
            print(f"ok - {tool}: {path} = {p['value']!r} is {'applied when the interface appears' if applied else 'never applied'}"
                  f" (it holds {v!r}; udev rule {'run' if added['udev'] else 'not run'}), as twtune says ({how})")
        else:
            print(f"not ok - {tool}: {path} holds {v!r} after the interface appeared; twtune says {how} for {p['value']!r}")
            rc = 1
    return rc | check_later_globs(tool, res, literal)


def check_later_globs(tool, res, literal):
    """Each glob over interface keys that twtune lists under "later", for each interface made after the
    boot whose key it matches: the value is the (last matching) glob's exactly where twtune says
    interface-added. Keys the hierarchy names literally (an explicit line, a -key exclusion) are left
    to the explicit checks."""
    added, rc, want = res["added"], 0, {}
    for g in added["globs"]:
        comps = g["pattern"].split(".")
        for name in added["names"]:
            if len(comps) != 5 or not fnmatch.fnmatchcase(name, comps[3]):
                continue
            key = ".".join(comps[:3] + [name] + comps[4:])
            if "*" in key or "?" in key or "[" in key or key in literal:
                continue
            want["/".join(key.split("."))] = (" ".join(g["value"].split()), g["later"], g["pattern"])
    for path, (value, how, pattern) in sorted(want.items()):
        v = added["after"].get(path)
        if v is None:
            print(f"not ok - {tool}: {path} does not exist after the interface appeared")
            rc = 1
        elif (v == value) == (how == "interface-added"):
            print(f"ok - {tool}: {path} holds {v!r} after the interface appeared: {pattern} = {value!r} is "
                  f"{'applied to it' if how == 'interface-added' else 'not applied to it'}, as twtune says ({how})")
        else:
            print(f"not ok - {tool}: {path} holds {v!r} after the interface appeared; twtune says {how} for "
                  f"{pattern} = {value!r}")
            rc = 1
    return rc


def run_tree(args, dirs, conf, host_net, tools):
    """A hand-made tree (a study experiment): every value changed or predicted, per tool."""
    files = read_tree(args.tree)
    bad = check_allowlist(files)
    if bad:
        die(f"keys not on the per-netns allowlist: {bad}")
    ifaces = [tuple((x.split(":") + [None])[:3]) for x in args.ifaces.split(",") if x]
    install(files, dirs, conf)
    later = [tuple((x.split(":") + [None])[:3]) for x in args.later.split(",") if x]
    rc = 0
    for tool in tools:
        res = run_in_netns(tool, ifaces, args.twtune, host_net, None, later)
        if "error" in res or "fatal" in res:
            print(tool, res)
            rc = 1
            continue
        for path in sorted(set(res["before"]) | set(res["pred"])):
            b, a = res["before"].get(path), res["after"].get(path)
            p = res["pred"].get(path, {}).get("value")
            if a != b or p is not None:
                print(f"{tool:8} {path:45} {b!s:>12} -> {a!s:12} predicted {p}")
        if args.verbose:
            print(res.get("tool_out", ""))
        if later:
            rc |= check_later(tool, res, "\n".join(v for v in files.values() if isinstance(v, str)))
        for d in compare(res):
            print(f"{tool:8} DISAGREE {d}")
            rc = 1
    return rc


def inner(args):
    work = args.work
    dirs, conf = setup_isolation(work)
    host_net = os.environ["BOOT_DIFF_NET"]
    tools = [t for t in args.tools.split(",") if t]
    for t in tools:
        if not tool_cmd(t):
            die(f"{t} is not installed", 77)
    global DUMMY_OK
    DUMMY_OK = dummy_supported()
    if not DUMMY_OK:
        print("# no dummy interfaces here (the module is not loaded): veth pairs stand in for them")
    failures = 0
    t0 = time.time()
    if args.tree:
        return run_tree(args, dirs, conf, host_net, tools)
    for i in range(args.count):
        seed = args.seed + i
        g = Gen(seed)
        files = g.hierarchy()
        bad = check_allowlist(files)
        if bad:
            die(f"seed {seed}: keys not on the per-netns allowlist: {bad}")
        if args.show:
            show(files, g.ifaces)
        install(files, dirs, conf)
        outdir = None
        if args.keep:
            outdir = os.path.join(args.keep, str(seed))
            os.makedirs(outdir, exist_ok=True)
            for rel, text in files.items():
                p = os.path.join(outdir, "tree", rel)
                os.makedirs(os.path.dirname(p), exist_ok=True)
                if text is None:
                    os.symlink("/dev/null", p)
                else:
                    with open(p, "w", newline="") as f:
                        f.write(text)
        for tool in tools:
            res = run_in_netns(tool, g.ifaces, args.twtune, host_net, outdir)
            if "fatal" in res:
                die(f"seed {seed} {tool}: {res['fatal']}")
            diffs = [res["error"]] if "error" in res else compare(res)
            if diffs:
                failures += 1
                print(f"not ok - seed {seed} {tool}: {len(diffs)} disagreement(s)")
                for d in diffs:
                    print(f"#   {d}")
            elif args.verbose:
                print(f"ok - seed {seed} {tool}")
    dt = time.time() - t0
    print(f"# {args.count} hierarchies from seed {args.seed}, tools {','.join(tools)}: {failures} run(s) with "
          f"disagreements, {dt:.1f} s")
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--twtune", required=True)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--count", type=int, default=int(os.environ.get("TWTUNE_BOOT_DIFF_COUNT", "300")))
    ap.add_argument("--tools", default="systemd,procps")
    ap.add_argument("--keep")
    ap.add_argument("--show", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--tree", help="run this tree (etc/sysctl.d/... below it) instead of random ones; prints values")
    ap.add_argument("--ifaces", default="", help="with --tree: veth:A:B or dummy:A, comma-separated")
    ap.add_argument("--later", default="", help="with --tree: veth:A:B,... made after the tools ran, as if after boot")
    ap.add_argument("--inner", action="store_true")
    ap.add_argument("--work")
    args = ap.parse_args()
    if args.inner:
        sys.exit(inner(args))
    if args.seed is None:
        args.seed = int(os.environ.get("TWTUNE_BOOT_DIFF_SEED", str(int(time.time()) % 1000000 * 1000)))
    if subprocess.run(["unshare", "-n", "-m", "-p", "--fork", "--mount-proc", "true"],
                      capture_output=True).returncode != 0:
        print("SKIP - unshare -n -m -p refused here")
        sys.exit(77)
    work = tempfile.mkdtemp(prefix="boot-diff.")
    env = dict(os.environ, BOOT_DIFF_NET=os.readlink("/proc/self/ns/net"), BOOT_DIFF_MNT=os.readlink("/proc/self/ns/mnt"))
    cmd = ["unshare", "-m", "-p", "--fork", "--mount-proc", "--propagation", "private", sys.executable,
           os.path.abspath(__file__), "--inner", "--work", work, "--twtune", os.path.abspath(args.twtune),
           "--seed", str(args.seed), "--count", str(args.count), "--tools", args.tools]
    if args.keep:
        cmd += ["--keep", os.path.abspath(args.keep)]
    cmd += ["--show"] if args.show else []
    cmd += ["--tree", os.path.abspath(args.tree), "--ifaces", args.ifaces, "--later", args.later] if args.tree else []
    cmd += ["--verbose"] if args.verbose else []
    rc = subprocess.run(cmd, env=env).returncode
    shutil.rmtree(work, ignore_errors=True)
    if rc == 1:
        print(f"# seed {args.seed}: rerun one with --seed N --count 1 --show")
    sys.exit(rc)


if __name__ == "__main__":
    main()
