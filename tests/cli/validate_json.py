#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Validates twtune --format json output against docs/schema/twtune-output.schema.json.

usage: validate_json.py [--schema FILE] [FILE...]

Each FILE (standard input when none is given, or for "-") must hold one JSON object that the
schema accepts. Nothing is printed for a valid file; an invalid one gets one line per problem on
stderr: the file, where in the document (as $.settings[0].mode), and what is wrong. Exit codes:
0 all valid, 1 some file invalid or not JSON, 2 usage or a bad schema, 77 python3-jsonschema
(with draft 2020-12) is not installed: the caller skips.
"""
import json
import os
import re
import sys

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "schema",
                      "twtune-output.schema.json")

try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError as e:
    print("SKIP: python3-jsonschema with draft 2020-12 is not installed (%s); install python3-jsonschema" % e)
    sys.exit(77)


def where(path):
    """A JSON path for a deque of keys and indices: $.settings[0].mode."""
    out = "$"
    for p in path:
        if isinstance(p, int):
            out += "[%d]" % p
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", p):
            out += "." + p
        else:
            out += "[%s]" % json.dumps(p)
    return out


def branch_of(err):
    return err.relative_schema_path[0] if err.relative_schema_path else None


def leaves(err):
    """The errors that say what is wrong. For a oneOf or anyOf, the branch that came closest: the one
    whose errors lie deepest in the document (it matched the most), then the one with fewest errors."""
    if err.validator not in ("oneOf", "anyOf") or not err.context:
        return [err]
    branches = {}
    for sub in err.context:
        branches.setdefault(branch_of(sub), []).append(sub)

    def closeness(errs):
        return (max(len(e.absolute_path) for e in errs), -len(errs))

    best = max(branches.values(), key=closeness)
    return [leaf for e in best for leaf in leaves(e)]


def validate(validator, name, text):
    try:
        doc = json.loads(text)
    except ValueError as e:
        print("%s: not JSON: %s" % (name, e), file=sys.stderr)
        return False
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    seen = set()
    for err in errors:
        for leaf in leaves(err):
            line = "%s: at %s: %s (schema: %s)" % (name, where(leaf.absolute_path), leaf.message,
                                                   "/".join(map(str, leaf.absolute_schema_path)))
            if line not in seen:
                seen.add(line)
                print(line, file=sys.stderr)
    return not errors


def main(argv):
    args = argv[1:]
    schema_path = SCHEMA
    if args[:1] == ["--schema"]:
        if len(args) < 2:
            print("usage: validate_json.py [--schema FILE] [FILE...]", file=sys.stderr)
            return 2
        schema_path, args = args[1], args[2:]
    elif args[:1] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return 0
    try:
        with open(schema_path, encoding="utf-8") as f:
            schema = json.load(f)
        Draft202012Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
        print("%s: bad schema: %s" % (schema_path, e), file=sys.stderr)
        return 2
    validator = Draft202012Validator(schema)
    ok = True
    for name in args or ["-"]:
        try:
            if name == "-":
                text, name = sys.stdin.buffer.read().decode("utf-8"), "<stdin>"
            else:
                with open(name, "rb") as f:
                    text = f.read().decode("utf-8")
        except UnicodeDecodeError as e:
            print("%s: not UTF-8: %s" % (name, e), file=sys.stderr)
            ok = False
            continue
        except OSError as e:
            print("%s: %s" % (name, e.strerror), file=sys.stderr)
            ok = False
            continue
        ok = validate(validator, name, text) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
