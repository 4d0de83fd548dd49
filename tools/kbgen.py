#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes src/core/judge/kb/generated.h, the knowledge base's structural tier, from the running kernel.

    sudo tools/kbgen.py > src/core/judge/kb/generated.h

It only reads: /proc/sys in the host namespaces, and again in a fresh network namespace
(`unshare -n`, which it enters itself). For each key it records the value's shape (integer fields,
or text), whether the host may write it, how a child network namespace sees it, the value seen
(in the fresh namespace for per-namespace keys: their default there; on the host otherwise), and,
from tools/kb_bounds.tsv, the bounds the kernel enforces as read in its source (each with file and
commit). Interface keys (net.ipv{4,6}.{conf,neigh}.NAME.x) become IFACE patterns.

Bounds are never taken from the running kernel's behaviour: those would be unconfirmed and may only
warn (the conformance test checks the hand-written ones against the kernel instead).
"""
import json
import os
import re
import stat
import subprocess
import sys

PROC = "/proc/sys"
IFACE_PREFIXES = ("net.ipv4.conf.", "net.ipv6.conf.", "net.ipv4.neigh.", "net.ipv6.neigh.")
# Keys a module registers (the module's own sysctl table). Issue 19 keeps the full table in
# src/core/judge/kb/modules.h; this is only what the generated data carries for explain.
MODULE_PREFIXES = (
    ("net.bridge.bridge-nf-", "br_netfilter"),
    ("net.ipv4.vs.", "ip_vs"),
    ("net.netfilter.nf_conntrack_", "nf_conntrack"),
    ("net.nf_conntrack_", "nf_conntrack"),
    ("net.netfilter.nf_log", "nf_log_syslog"),
    ("net.mptcp.", None),
    ("fs.xfs.", "xfs"),
    ("fs.fuse.", "fuse"),
)
INT_RE = re.compile(r"^-?[0-9]+$")
# Values that say something about this machine or moment, not about the kernel: not recorded.
VOLATILE_RE = re.compile(r"^kernel\.(random\.|hostname$|domainname$|ns_last_pid$|tainted$|version$|osrelease$)|"
                         r"((?<!-max)-nr|-state|_nr|\.nr|_next_id|conntrack_count|detect_count)$|^fs\.(quota|xfs\.stats)|^fs\.binfmt_misc|^dev\.|stat_refresh$|"
                         r"_key$|_secret$")


def walk():
    """{key: (mode, value or None)} for every file under /proc/sys of the calling process."""
    out = {}
    for root, _dirs, files in os.walk(PROC):
        for name in files:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, PROC)
            # A component's own dots (eth0.100) become '/', as sysctl(8) prints them.
            key = ".".join(c.replace(".", "/") for c in rel.split("/"))
            try:
                mode = stat.S_IMODE(os.lstat(path).st_mode)
            except OSError:
                continue
            value = None
            if mode & 0o444:
                try:
                    with open(path, "rb") as f:
                        value = f.read(4096).decode("utf-8", "replace")
                except OSError:
                    value = None
            out[key] = (mode, value)
    return out


def iface_pattern(key):
    for p in IFACE_PREFIXES:
        if key.startswith(p):
            rest = key[len(p):]
            if "." in rest:
                name, tail = rest.split(".", 1)
                return p + "IFACE." + tail, name
    return None, None


def shape(value):
    if value is None:
        return 0
    toks = value.split()
    if toks and all(INT_RE.match(t) for t in toks):
        return len(toks)
    return 0


def c_str(s):
    if s is None:
        return "NULL"
    s = " ".join(s.split())
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def load_bounds(path):
    bounds = {}
    if not os.path.exists(path):
        return bounds
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            key, lo, hi, since, src = line.split("\t")
            bounds[key] = (int(lo), int(hi), src, since)
    return bounds


def module_of(key):
    for prefix, mod in MODULE_PREFIXES:
        if key.startswith(prefix):
            return mod
    return None


def collapse(host, child):
    """Merges interface keys into IFACE patterns: one row per pattern, from 'default' if it has it."""
    rows = {}
    names = {}
    for key in host:
        pat, name = iface_pattern(key)
        if pat:
            names.setdefault(pat, set()).add(name)
    for key, (mode, value) in host.items():
        pat, name = iface_pattern(key)
        if pat and len(names[pat]) > 1:
            # Prefer the 'default' entry's view (it exists in every namespace).
            if pat in rows and name != "default":
                continue
            rows[pat] = (mode, value, child.get(key))
        else:
            rows[key] = (mode, value, child.get(key))
    return rows


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        json.dump(walk(), sys.stdout)
        return 0
    if os.geteuid() != 0:
        print("kbgen: run as root (it reads mode-0600 keys and enters a network namespace)", file=sys.stderr)
        return 1
    host = walk()
    child = json.loads(subprocess.run(["unshare", "-n", sys.executable, os.path.abspath(__file__), "--child"],
                                      check=True, capture_output=True, text=True).stdout)
    child = {k: tuple(v) for k, v in child.items()}
    with open("/proc/sys/kernel/osrelease") as f:
        release = f.read().strip()
    kernel = ".".join(re.match(r"(\d+)\.(\d+)", release).groups())
    bounds = load_bounds(os.path.join(os.path.dirname(os.path.abspath(__file__)), "kb_bounds.tsv"))
    rows = collapse(host, child)
    print("/* SPDX-License-Identifier: MIT */")
    print("/* GENERATED by tools/kbgen.py on Linux %s (%s): do not edit; regenerate with" % (kernel, release))
    print(" *   sudo tools/kbgen.py > src/core/judge/kb/generated.h")
    print(" * What the running kernel showed for every key under /proc/sys, in the host namespaces and in a")
    print(" * fresh network namespace, read only; bounds from tools/kb_bounds.tsv (kernel source, cited).")
    print(" * Included by kb_gen.c only; sorted by key (strcmp). */")
    print('const char kb_gen_kernel[] = "%s";' % kernel)
    print("static const struct kb_gen kb_gen_[] = {")
    for key in sorted(rows, key=lambda k: k.encode()):
        mode, value, cv = rows[key]
        if cv is None:
            scope = "KBG_GLOBAL_ABSENT"
        elif not key.startswith("net."):
            scope = "KBG_GLOBAL_SHARED"
        elif cv[0] & 0o222:
            scope = "KBG_NETNS"
        else:
            scope = "KBG_GLOBAL_READONLY" if mode & 0o222 else ("KBG_NETNS" if key.startswith("net.") else "KBG_GLOBAL_SHARED")
        seen = cv[1] if scope == "KBG_NETNS" else value
        n = shape(seen if seen is not None else value)
        if VOLATILE_RE.search(key):
            seen = None
        b = bounds.get(key)
        fields = [c_str(key), ".nvalues = %d" % n,
                  ".writable = %s" % ("true" if mode & 0o222 else "false"),
                  ".readable = %s" % ("true" if mode & 0o444 else "false"),
                  ".scope = %s" % scope, ".seen = %s" % c_str(seen)]
        if b:
            major, minor = b[3].split(".")
            fields += [".has_bounds = true", ".min = %dLL" % b[0], ".max = %dLL" % b[1],
                       ".bounds_since = KV(%s, %s, 0)" % (major, minor), ".bounds_source = %s" % c_str(b[2])]
        if module_of(key):
            fields.append(".module = %s" % c_str(module_of(key)))
        print("        {%s}," % ", ".join(fields))
    print("};")
    return 0


if __name__ == "__main__":
    sys.exit(main())
