# SPDX-License-Identifier: MIT
"""No two parts of twtune depend on each other, directly or round a loop.

  layers.py includes SRCDIR        the #include "..." lines of src/: no files that include each
                                   other, directly or round a loop
  layers.py objects OBJECT...      the symbols of the built object files (nm): an object that
                                   uses a symbol another defines depends on it: the layers
                                   themselves, which includes cannot show (a header shared by
                                   two files that call each other, or one header declaring what
                                   several files define); and the same for their folders
                                   (src/cli, src/core/GROUP), so that the tree stays a diagram
  layers.py selftest               both checks find a loop made on purpose

Prints each loop (its members, and for a pair what each takes from the other) and exits 1 when
there is one that is not listed in KNOWN below, or when one listed there is gone.
"""
import os
import re
import subprocess
import sys
import tempfile

# Loops left on purpose, each with the reason, as {("a", "b"): "why"}; the check fails once one is
# gone, so that the list stays true. None now: keep it so.
KNOWN = {}


def loops(graph):
    """The strongly connected components of more than one node (Tarjan, iterative)."""
    index, low, stack, on, out, n = {}, {}, [], set(), [], 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = n
        n += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = n
                    n += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(tuple(sorted(comp)))
    return sorted(out)


def include_graph(srcdir):
    """Node: a file, by its path below its include directory (src/cli, src/core/GROUP): the names
    the #include lines use, as each folder is an include directory. A loop here is files that
    include each other."""
    graph, why = {}, {}
    roots = [os.path.join(srcdir, "src", "cli")]
    core = os.path.join(srcdir, "src", "core")
    roots += [os.path.join(core, d) for d in sorted(os.listdir(core)) if os.path.isdir(os.path.join(core, d))]
    for root in roots:
        for dirpath, _, files in os.walk(root):
            for f in files:
                if not f.endswith((".c", ".h")):
                    continue
                node = os.path.relpath(os.path.join(dirpath, f), root)
                graph.setdefault(node, set())
                with open(os.path.join(dirpath, f), encoding="utf-8", errors="replace") as fh:
                    for line in fh:
                        m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                        if m and m.group(1) != node:
                            graph[node].add(m.group(1))
                            why.setdefault((node, m.group(1)), []).append(m.group(1))
    return graph, why


def object_graph(objects):
    """Node: the object's source name without the endings (validate.c.o is "validate")."""
    defs, uses = {}, {}
    for o in objects:
        node = os.path.basename(o).split(".")[0]
        if node in uses:
            sys.exit(f"two objects named {node}: {o}")
        res = subprocess.run(["nm", o], capture_output=True, text=True)
        if res.returncode != 0:
            sys.exit(f"nm {o}: {res.stderr.strip()}")
        uses[node] = set()
        for line in res.stdout.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "TDBRCVW":
                defs.setdefault(p[2], node)
            elif len(p) == 2 and p[0] == "U":
                uses[node].add(p[1])
    graph, why = {}, {}
    for node, syms in uses.items():
        graph[node] = set()
        for s in sorted(syms):
            d = defs.get(s)
            if d and d != node:
                graph[node].add(d)
                why.setdefault((node, d), []).append(s)
    return graph, why


def folder_of(obj):
    """src/cli, or the core's folder (judge), from an object's path (.../src/core/judge/x.c.o)."""
    parts = obj.replace(os.sep, "/").split("/src/")[-1].split("/")
    return parts[0] if parts[0] != "core" else parts[1]


def report(kind, graph, why, known, unit="files"):
    found = loops(graph)
    bad = 0
    for comp in found:
        detail = ""
        if len(comp) == 2:
            a, b = comp
            detail = f" ({a} takes {', '.join(why.get((a, b), []))}; {b} takes {', '.join(why.get((b, a), []))})"
        if comp in known:
            print(f"ok - {kind}: known loop {' <-> '.join(comp)}: {known[comp]}")
        else:
            print(f"not ok - {kind}: {' <-> '.join(comp)} depend on each other{detail}")
            bad += 1
    for comp in known:
        if comp not in found:
            print(f"not ok - {kind}: the known loop {' <-> '.join(comp)} is gone: remove it from KNOWN in layers.py")
            bad += 1
    if not bad:
        print(f"ok - {kind}: {len(graph)} {unit}, every dependency points one way{' but the known loops' if known else ''}")
    return bad


def selftest():
    bad = 0
    with tempfile.TemporaryDirectory() as d:
        for sub in ("src/cli", "src/core/base"):
            os.makedirs(os.path.join(d, sub))
        files = {
            "src/cli/a.h": '#include "b.h"\n',
            "src/cli/b.h": '#include "c.h"\n',
            "src/core/base/c.h": '#include "a.h"\n',
            "src/core/base/d.c": '#include "c.h"\n',
            "x/a.c": "int b(void);\nint a(void) { return b(); }\n",
            "x/d.c": "int a(void);\nint b(void) { return a(); }\n",
        }
        os.makedirs(os.path.join(d, "x"))
        for name, text in files.items():
            with open(os.path.join(d, name), "w") as fh:
                fh.write(text)
        g, _ = include_graph(d)
        if loops(g) == [("a.h", "b.h", "c.h")]:
            print("ok - selftest: the include check finds a.h -> b.h -> c.h -> a.h")
        else:
            print(f"not ok - selftest: the include check found {loops(g)}")
            bad += 1
        objs = []
        for src in ("x/a.c", "x/d.c"):
            o = os.path.join(d, os.path.basename(src) + ".o")
            subprocess.run([os.environ.get("CC", "cc"), "-c", "-o", o, os.path.join(d, src)], check=True)
            objs.append(o)
        g, why = object_graph(objs)
        if loops(g) == [("a", "d")] and why.get(("a", "d")) == ["b"] and why.get(("d", "a")) == ["a"]:
            print("ok - selftest: the object check finds a.c <-> d.c, a loop of calls that no include shows")
        else:
            print(f"not ok - selftest: the object check found {loops(g)}")
            bad += 1
    return bad


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    if sys.argv[1] == "includes" and len(sys.argv) == 3:
        g, why = include_graph(sys.argv[2])
        return report("includes", g, why, {})
    if sys.argv[1] == "objects" and len(sys.argv) > 2:
        g, why = object_graph(sys.argv[2:])
        bad = report("objects", g, why, KNOWN)
        # The folders too (src/cli, src/core/GROUP): the tree is the architecture diagram.
        folder = {os.path.basename(o).split(".")[0]: folder_of(o) for o in sys.argv[2:]}
        fg, fwhy = {}, {}
        for a, deps in g.items():
            fg.setdefault(folder[a], set())
            for b in deps:
                if folder[a] != folder[b]:
                    fg[folder[a]].add(folder[b])
                    fwhy.setdefault((folder[a], folder[b]), []).append(f"{a}->{b}")
        return bad + report("folders", fg, fwhy, {}, "folders")
    if sys.argv[1] == "selftest":
        return selftest()
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(1 if main() else 0)
