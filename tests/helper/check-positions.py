#!/usr/bin/env python3
"""Checks that every finding's position is where its path points.

Reads `kubectl katib validate -o json` output on stdin.  For each finding
it resolves the path in the document the finding names (through
`katib-test-tool doc-dump`, the project's own reader, so positions count
as validate counts them) and requires the line:column to be the key or
the value of that node; for a field that is missing, of the nearest
ancestor that exists.  A rule that reports at the parameter instead of
its list, or with a path naming another field, is caught whatever rule
or fixture it is.  Prints one line per disagreement; exits 1 if any.

usage: check-positions.py KATIB_TEST_TOOL < findings.json
"""
import json
import subprocess
import sys

tool = sys.argv[1]
dumps = {}


def nodes_of(path):
    """{document index: {node path: set of (line, column)}} of a file."""
    if path not in dumps:
        out = subprocess.run([tool, "doc-dump", path], capture_output=True,
                             text=True, errors="replace").stdout
        docs, cur = {}, None
        for line in out.splitlines():
            if line.startswith("--- document "):
                index = int(line.split()[2])
                cur = docs.setdefault(index, {})
                continue
            if line.startswith("error "):
                docs[index] = cur = None    # no tree: nothing to agree with
                continue
            if cur is None or not line[:1].isdigit():
                continue
            fields = line.split(" ")
            at, node = fields[0], fields[2]
            spots = cur.setdefault("" if node == "(root)" else node, set())
            spots.add(tuple(int(x) for x in at.split(":")))
            for f in fields[3:]:
                if f.startswith("key@"):
                    spots.add(tuple(int(x) for x in f[4:].split(":")))
        dumps[path] = docs
    return dumps[path]


def parent(path):
    """The path one step up: a.b[2] -> a.b -> a -> ''."""
    if path.endswith("]"):
        return path[:path.rindex("[")]
    return path[:path.rindex(".")] if "." in path else ""


def main():
    findings = json.load(sys.stdin).get("findings", [])
    bad = 0
    for f in findings:
        if "path" not in f or "line" not in f or f["file"] == "-":
            continue
        doc = nodes_of(f["file"]).get(f.get("document", 0))
        if doc is None:
            continue    # the document did not parse: no tree to agree with
        at = (f["line"], f["column"])
        path = f["path"]
        while path not in doc and path:
            path = parent(path)
        if path in doc and at in doc[path]:
            continue
        bad += 1
        where = path if path == f["path"] else f"{path} (nearest to {f['path']})"
        spots = ", ".join(f"{l}:{c}" for l, c in sorted(doc.get(path, ())))
        print(f"{f['file']}:{at[0]}:{at[1]}: [{f['rule']}] at {f['path']}: "
              f"{where} is at {spots or 'nowhere'}")
    return 1 if bad else 0


sys.exit(main())
