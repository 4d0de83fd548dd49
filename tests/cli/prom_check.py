#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Parses a Prometheus text exposition with the official client library's parser
(python3-prometheus-client) and prints its samples as JSON for jq: [{"name", "labels",
"value", "type"}]. Exits 1 when the text does not parse or breaks a naming convention the
library does not enforce: every name twtune_..., counters ending in _total, a HELP and a TYPE
line before each family's samples."""
import json
import re
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    text = open(sys.argv[1], encoding="utf-8").read() if len(sys.argv) > 1 else sys.stdin.read()
    out = []
    declared = {}
    for line in text.splitlines():
        m = re.match(r"# TYPE (\S+) (\S+)$", line)
        if m:
            declared[m.group(1)] = m.group(2)
        elif line and not line.startswith("#"):
            name = re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0)
            if name not in declared:
                sys.exit(f"sample before its TYPE line: {line}")
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            if not re.fullmatch(r"twtune_[a-z0-9_]+", s.name):
                sys.exit(f"not a twtune_ name: {s.name}")
            if fam.type == "counter" and not s.name.endswith(("_total", "_created")):
                sys.exit(f"counter without _total: {s.name}")
            if fam.type != "counter" and s.name.endswith("_total"):
                sys.exit(f"_total on a {fam.type}: {s.name}")
            out.append({"name": s.name, "labels": s.labels, "value": s.value, "type": fam.type})
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
